"""The plant kernel's fast paths give the results of the model without shortcuts (issue 15, speed).

The reference tank (``tests/reference/dhw_tank.py``) charges by shifting nodes and runs both
phases of the hot-water step every step; the reference kernel (``tests/reference/plant_kernel.py``)
is the previous layout, which interpolates every step's operating points in a first pass. The
reference kernel is compiled on the reference tank and both kernels run the same years (the
demo plant and an undersized one, heat- and PV-led, coupled and decoupled): every output within
1e-9 relative, and the energy balance closing every step.

2026-12-07's tank round rewrote the tank's arithmetic (the standing loss as θ · keep + gain, the
draw's share as (left / c) / (θ − θ_cold), the node shifts as θ_a + f (θ_b − θ_a), a PV-led charge
that fills the tank as :func:`dhw_tank.fill`): the same model, rounded differently. Against the
helpers and kernels frozen before it the tests allow RTOL_ROUNDING of a column's (or a tank's)
scale, not bit identity.
"""

from __future__ import annotations

import types

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mgwsim
from mgwsim.control import Control
from mgwsim.examples import antwerp_block
from mgwsim.heatpump import Source, carnot_map
from mgwsim.pv import PvArray, pv_ac_kw_array
from mgwsim.storage import Tank
from mgwsim.system import Backup, HeatPumpCascade, HotWater, Plant, dhw_tank, kernel, simulate_system
from mgwsim.system.simulate import _params
from tests.reference import dhw_tank as reference
from tests.reference import plant_kernel as reference_layout
from tests.reference import plant_kernel_before_pv_round as before_pv_round
from tests.reference import plant_kernel_before_tank_round as before_tank_round
from tests.test_dhw_tank import assert_energy_conserved, own_dhw_heat_pump

RTOL = 1e-9
RTOL_ROUNDING = 1e-12
"""Against the helpers and kernels frozen before 2026-12-07's tank round: the reformulated arithmetic rounds
differently (a few ulps per operation), so values agree to this fraction of their column's or tank's scale."""
node_temperatures = st.lists(st.floats(10.0, 75.0), min_size=1, max_size=8).map(
    lambda values: np.array(sorted(values, reverse=True)))


@settings(max_examples=300, deadline=None)
@given(theta=node_temperatures, energy=st.floats(0.0, 30.0), t_in=st.floats(40.0, 75.0))
def test_a_charge_matches_the_node_shift_it_stands_for(theta, energy, t_in):
    fast, slow = theta.copy(), theta.copy()
    assert dhw_tank.charge(fast, energy, 0.1, t_in) == reference.charge(slow, energy, 0.1, t_in)
    np.testing.assert_array_equal(fast, slow)


@settings(max_examples=300, deadline=None)
@given(theta=node_temperatures, q_dhw=st.floats(0.0, 5.0), hp_target=st.floats(45.0, 75.0),
       hp_max=st.sampled_from([0.0, 0.5, 2.0, 50.0]), booster_max=st.sampled_from([0.0, 1.0, 20.0]),
       backup_max=st.sampled_from([0.0, 3.0]), backup_electric=st.booleans(), budget=st.sampled_from([0.5, 1e300]),
       t_useful=st.sampled_from([40.0, 60.0]), loop=st.sampled_from([0.0, 0.05, 0.3, 3.0]),
       t_loop_in=st.floats(20.0, 60.0))
def test_the_hot_water_step_matches_both_phases_in_full(theta, q_dhw, hp_target, hp_max, booster_max, backup_max,
                                                        backup_electric, budget, t_useful, loop, t_loop_in):
    """The kernel's hot-water step (its shortcut for a tank the units can fill included) is the circulation loop's
    draw, buoyancy and both phases in full (the reference), to rounding."""
    args = (0.1, q_dhw, 10.0, t_useful, 55.0, hp_target, hp_max, 3.0, booster_max, backup_max, backup_electric, 0.95,
            budget)
    fast, slow = theta.copy(), theta.copy()
    loop_taken = 0.0
    if loop > 0.0:
        loop_taken = dhw_tank.draw(slow, loop, 0.1, t_loop_in, -1e300)
        dhw_tank.mix(slow)
    np.testing.assert_allclose(kernel._hot_water(fast, *args, loop, t_loop_in),
                               (*reference.hot_water(slow, *args), loop_taken), rtol=RTOL, atol=1e-12)
    np.testing.assert_allclose(fast, slow, rtol=RTOL)


@numba.njit
def _mixed(theta):
    """(:func:`dhw_tank.mix_bottom`, :func:`dhw_tank.mix`) of copies of ``theta``, compiled as the kernel runs them."""
    fast, general = theta.copy(), theta.copy()
    dhw_tank.mix_bottom(fast)
    dhw_tank.mix(general)
    return fast, general


@settings(max_examples=400, deadline=None)
@given(theta=node_temperatures, loop=st.floats(0.0, 3.0), t_return=st.floats(10.0, 75.0))
def test_buoyancy_after_the_loops_return_is_the_general_one_bit_for_bit(theta, loop, t_return):
    """The kernel's buoyancy after the circulation loop's draw (:func:`dhw_tank.mix_bottom`: the bottom node's merge
    with the one above chosen without a branch) is :func:`dhw_tank.mix` to the last bit, on the stratified tanks
    that draw leaves (its return water at the bottom: no inversion, a pair, or a run reaching higher)."""
    dhw_tank.draw(theta, loop, 0.1, t_return, -1e300)
    fast, general = _mixed(theta)
    np.testing.assert_array_equal(fast, general)


@settings(max_examples=300, deadline=None)
@given(theta=st.lists(st.floats(10.0, 75.0), min_size=1, max_size=8).map(np.array))
def test_buoyancy_after_the_loops_return_is_the_general_one_on_any_tank(theta):
    """Tanks inverted anywhere (which the kernel never leaves) go to :func:`dhw_tank.mix` itself: the same bits."""
    fast, general = _mixed(theta)
    np.testing.assert_array_equal(fast, general)


def test_the_loops_return_merges_with_the_node_above_it():
    """The usual case (warm return below a colder bottom node, the node above that warmer than their mean), the
    pair case, and a run that reaches higher: the heat kept, the tank stratified."""
    pair, run = np.array([70.0, 68.0, 66.0, 50.0, 60.0]), np.array([70.0, 54.0, 52.0, 50.0, 64.0])
    for theta in (pair, run):
        fast, general = _mixed(theta)
        np.testing.assert_array_equal(fast, general)
        assert fast.sum() == pytest.approx(theta.sum(), rel=1e-15) and dhw_tank.nodes_are_stratified(fast)
    np.testing.assert_array_equal(_mixed(pair)[0], [70.0, 68.0, 66.0, 55.0, 55.0])
    np.testing.assert_array_equal(_mixed(run)[0], [70.0, 55.0, 55.0, 55.0, 55.0])


@numba.njit
def _shifts(theta, nodes, fill, first):
    """Both node shifts of :mod:`mgwsim.system.dhw_tank` on copies of ``theta`` (compiled, as the kernel runs them)."""
    up, down = theta.copy(), theta.copy()
    dhw_tank._shift_up(up, nodes, fill)
    dhw_tank._shift_down(down, first, nodes, fill)
    return up, down


@numba.njit
def _reference_shifts(theta, nodes, fill, first):
    up, down = theta.copy(), theta.copy()
    reference.shift_up(up, nodes, fill)
    reference.shift_down(down, first, nodes, fill)
    return up, down


@settings(max_examples=400, deadline=None)
@given(theta=node_temperatures, share=st.floats(0.0, 1.0), whole=st.integers(0, 3), fill=st.floats(5.0, 80.0),
       data=st.data())
def test_the_node_shifts_give_the_first_written_shift_to_rounding(theta, share, whole, fill, data):
    """The shifts (their branch for k = 0 without index tests, and the general one) against the frozen one-loop
    shift as first written. Since 2026-12-07's tank round a node takes θ_a + f (θ_b − θ_a) instead of
    (1 − f) θ_a + f θ_b: the same mixture, rounded differently, so within RTOL_ROUNDING of the tank's hottest
    temperature rather than to the last bit."""
    nodes = min(whole + share, theta.size + 1.0)
    first = data.draw(st.integers(0, theta.size - 1))
    fast, slow = _shifts(theta, nodes, fill, first), _reference_shifts(theta, nodes, fill, first)
    scale = max(theta.max(), fill)
    np.testing.assert_allclose(fast[0], slow[0], rtol=0, atol=RTOL_ROUNDING * scale)
    np.testing.assert_allclose(fast[1], slow[1], rtol=0, atol=RTOL_ROUNDING * scale)


@settings(max_examples=400, deadline=None)
@given(theta=node_temperatures, share=st.floats(0.0, 1.0), fill=st.floats(5.0, 80.0), data=st.data())
def test_a_shift_keeps_nodes_of_one_temperature_at_it(theta, share, fill, data):
    """θ_a + f (θ_b − θ_a) with θ_a = θ_b is θ_a exactly: a run of equal nodes away from the inlet stays equal
    (so a charge or the next step's uniform-tank test sees them as they were), which (1 − f) θ + f θ was not."""
    theta = np.repeat(theta[:1], theta.size + 1)  # a uniform tank, at least two nodes
    nodes = share * (1.0 - 1e-9)  # less than a node: the branch without index tests
    first = data.draw(st.integers(0, theta.size - 1))
    up, down = _shifts(theta, nodes, fill, first)
    np.testing.assert_array_equal(up[:-1], theta[:-1])  # all but the bottom node, where the fill enters
    np.testing.assert_array_equal(np.delete(down, first), np.delete(theta, first))  # all but the one the fill enters


@numba.njit
def _draw_and_charge(theta, energy, fill, t_in):
    """:func:`dhw_tank.draw` and :func:`dhw_tank.charge` on copies of ``theta`` (compiled, as the kernel runs them)."""
    drawn, charged = theta.copy(), theta.copy()
    return (dhw_tank.draw(drawn, energy, 0.1, fill, 40.0), dhw_tank.charge(charged, energy, 0.1, t_in)), drawn, charged


@numba.njit
def _draw_and_charge_before_tank_round(theta, energy, fill, t_in):
    """:func:`_draw_and_charge` with the frozen helpers of ``tests/reference/plant_kernel_before_tank_round.py``."""
    drawn, charged = theta.copy(), theta.copy()
    return ((before_tank_round.draw(drawn, energy, 0.1, fill, 40.0),
             before_tank_round.charge(charged, energy, 0.1, t_in)), drawn, charged)


@settings(max_examples=400, deadline=None)
@given(theta=node_temperatures, energy=st.floats(0.0, 30.0), fill=st.floats(5.0, 40.0), t_in=st.floats(40.0, 75.0))
def test_draw_and_charge_give_the_ones_before_the_tank_round_to_rounding(theta, energy, fill, t_in):
    """The draw (its share as (left / c) / (θ − θ_cold)) and the charge (its shift as θ_a + f (θ_b − θ_a)) of
    2026-12-07's tank round against the frozen ones (``tests/reference/plant_kernel_before_tank_round.py``, which
    gave the ones before the PV-led round bit for bit): the same heat to the last bit (the walks subtract the same
    node contents), the nodes within RTOL_ROUNDING of the hottest temperature (the reformulated arithmetic rounds
    differently), for shifts of less and more than a node (up to 30 kWh on 0.1 kWh/K nodes)."""
    present = _draw_and_charge(theta, energy, fill, t_in)
    frozen = _draw_and_charge_before_tank_round(theta, energy, fill, t_in)
    assert present[0] == frozen[0]
    scale = max(theta.max(), t_in)
    np.testing.assert_allclose(present[1], frozen[1], rtol=0, atol=RTOL_ROUNDING * scale)
    np.testing.assert_allclose(present[2], frozen[2], rtol=0, atol=RTOL_ROUNDING * scale)


tanks = st.one_of(st.lists(st.floats(0.0, 80.0), min_size=1, max_size=8).map(lambda values: np.sort(values)[::-1]),
                 st.tuples(st.floats(0.0, 80.0), st.integers(1, 8)).map(lambda pair: np.full(pair[1], pair[0])))
"""Stratified tanks (the kernel's, never warmer below) from 0 to 80 °C, and uniform ones (the standing loss has a
branch for them: a stratified tank whose top and bottom agree)."""


@settings(max_examples=400, deadline=None)
@given(theta=tanks, c_node=st.floats(0.01, 2.0), ua_ratio=st.floats(0.0, 0.2),
       t_ambient=st.floats(-5.0, 35.0), t_floor=st.floats(2.0, 25.0))
def test_the_standing_loss_keeps_the_heat_and_gives_the_former_formula(theta, c_node, ua_ratio, t_ambient, t_floor):
    """:func:`dhw_tank.standing_loss` as θ · keep + gain (2026-12-07's tank round) on stratified and uniform tanks
    colder or warmer than the floor and the plant room (the floor binding or not): the loss it returns is the heat
    the nodes lost (to RTOL_ROUNDING of the tank's heat content), each node ends between where the loss and the
    floor may take it, and nodes and loss are the frozen formula's, min(UA/n Δt (θ − θ_amb), c (θ − θ_floor)⁺),
    to RTOL_ROUNDING of the tank's scale."""
    ua_node = ua_ratio * c_node  # UA/n · Δt [kWh/K]: up to a fifth of the node per step
    keep, gain = dhw_tank.loss_factors(c_node, ua_node, t_ambient)
    present, frozen = theta.copy(), theta.copy()
    loss = dhw_tank.standing_loss(present, c_node, keep, gain, t_floor)
    frozen_loss = before_tank_round.standing_loss(frozen, c_node, 1.0 / c_node, ua_node, t_ambient, t_floor)
    heat_scale = c_node * theta.size * max(np.abs(theta).max(), abs(t_ambient), t_floor, 1.0)
    assert abs(c_node * (theta.sum() - present.sum()) - loss) <= RTOL_ROUNDING * heat_scale
    assert abs(loss - frozen_loss) <= RTOL_ROUNDING * heat_scale
    scale = heat_scale / (c_node * theta.size)
    np.testing.assert_allclose(present, frozen, rtol=0, atol=RTOL_ROUNDING * scale)
    # towards the room, never past it, and not below the floor unless the node started there
    slack = RTOL_ROUNDING * scale
    assert (present >= np.minimum(theta, np.maximum(t_ambient, np.minimum(theta, t_floor))) - slack).all()
    assert (present <= np.maximum(theta, t_ambient) + slack).all()


@settings(max_examples=300, deadline=None)
@given(theta=node_temperatures, t_in=st.floats(40.0, 75.0))
def test_a_fill_is_the_charge_with_the_tanks_room(theta, t_in):
    """:func:`dhw_tank.fill` (the kernel's PV-led charge when the surplus fills the tank) stores the tank's room
    below ``t_in`` (to RTOL_ROUNDING of its heat content) and leaves the tank that the charge given that room leaves,
    to RTOL_ROUNDING of the inlet temperature (the charge's walk may end in a shift by all the nodes but a sliver)."""
    c_node = 0.1
    room = dhw_tank.room_below(theta, c_node, t_in)
    filled, charged = theta.copy(), theta.copy()
    dhw_tank.fill(filled, t_in)
    stored = before_tank_round.charge(charged, room, c_node, t_in)
    heat_scale = c_node * theta.size * t_in
    assert abs(c_node * (filled.sum() - theta.sum()) - room) <= RTOL_ROUNDING * heat_scale
    assert abs(stored - room) <= RTOL_ROUNDING * heat_scale
    np.testing.assert_allclose(filled, charged, rtol=0, atol=RTOL_ROUNDING * t_in)
    assert (filled >= t_in).all() and (filled <= max(theta.max(), t_in)).all()


@settings(max_examples=400, deadline=None)
@given(theta=node_temperatures, energy=st.floats(0.0, 30.0), cold=st.floats(5.0, 15.0), t_in=st.floats(40.0, 75.0),
       t_useful=st.floats(25.0, 60.0))
def test_draw_and_charge_move_exactly_the_heat_they_return(theta, energy, cold, t_in, t_useful):
    """The tank round's draw and charge: the heat content changes by the energy returned to RTOL_ROUNDING of the
    tank's heat content (the existing test allows 1e-9 kWh), the nodes stay within [θ_cold, max] (the coldest
    node's temperature when it starts below the cold water)."""
    c_node, top = 0.1, max(theta.max(), t_in)
    heat_scale, slack, low = c_node * theta.size * top, RTOL_ROUNDING * top, min(cold, theta.min())
    before = theta.copy()
    delivered = dhw_tank.draw(theta, energy, c_node, cold, t_useful)
    assert abs(c_node * (before.sum() - theta.sum()) - delivered) <= RTOL_ROUNDING * heat_scale
    assert (theta >= low - slack).all() and (theta <= before.max() + slack).all()
    before = theta.copy()
    stored = dhw_tank.charge(theta, energy, c_node, t_in)
    assert abs(c_node * (theta.sum() - before.sum()) - stored) <= RTOL_ROUNDING * heat_scale
    assert (theta >= low - slack).all() and (theta <= top + slack).all()


def test_the_uncounted_tank_view_is_the_tank_itself():
    """:func:`kernel.unrefcounted`: the same object in plain Python; compiled, a view whose writes reach the array."""
    tank = np.full(5, 55.0)
    assert kernel.unrefcounted(tank) is tank

    @numba.njit
    def write_through(array):
        view = kernel.unrefcounted(array)
        view[0], view[4] = 60.0, 10.0
        return view.size

    assert write_through(tank) == 5
    np.testing.assert_array_equal(tank, [60.0, 55.0, 55.0, 55.0, 10.0])


@pytest.fixture(scope="module")
def counted_kernel():
    """The kernel with the tank's nodes reference-counted, compiled once for the module (uncached: ~10-20 s)."""
    from benchmarks.bench_system import _counted_tank_kernel
    return _counted_tank_kernel()


@pytest.fixture(scope="module")
def generic_nodes_kernel():
    """The kernel with its tank loops for any node count, compiled once for the module (uncached)."""
    from benchmarks.bench_system import _generic_nodes_kernel
    return _generic_nodes_kernel()


def _assert_same_coupled_year(other_kernel, weather, year, pv_led: bool):
    """The demo plant's coupled year with the present plant kernel and with ``other_kernel``: every column equal to
    the last bit."""
    demand, pv = year
    options = dict(control=Control("pv_led") if pv_led else Control(), pv_kw=pv, coupled=True)
    present = simulate_system(demand, _demo_plant(), weather, **options)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kernel, "plant_kernel", other_kernel)
        other = simulate_system(demand, _demo_plant(), weather, **options)
    for column in present.hourly.columns:
        np.testing.assert_array_equal(present.hourly[column].to_numpy(), other.hourly[column].to_numpy(),
                                      err_msg=column)


@pytest.mark.parametrize("pv_led", [False, True], ids=["heat_led", "pv_led"])
def test_the_uncounted_tank_gives_the_counted_kernel_bit_for_bit(weather, year, pv_led, counted_kernel):
    """The kernel with the tank's nodes reference-counted (before 2026-12-07, ``benchmarks/bench_system.py``)
    and without: the same year to the last bit, coupled, on the demo plant."""
    _assert_same_coupled_year(counted_kernel, weather, year, pv_led)


@pytest.mark.parametrize("pv_led", [False, True], ids=["heat_led", "pv_led"])
def test_the_unrolled_tank_loops_give_the_loops_for_any_node_count_bit_for_bit(weather, year, pv_led,
                                                                              generic_nodes_kernel):
    """The kernel compiled for the usual plant with the default 5 nodes (``kernel.UNROLLED_NODES``: node loops
    unrolled, the plant's features constants) and the general loop (any node count, features tested every step):
    the same coupled year of the demo plant to the last bit."""
    assert HotWater().nodes == kernel.UNROLLED_NODES  # the specialised count is the default one
    assert kernel.is_usual_plant(_params(_demo_plant(), 50.0, Control()))  # and the demo plant the usual one
    _assert_same_coupled_year(generic_nodes_kernel, weather, year, pv_led)


def test_the_usual_plant_is_the_one_without_the_rarer_features():
    """The loop compiled for the usual plant runs the plants without a separate hot-water heat pump, bivalent-
    alternative backup or import limit (with an electric backup too); the others run the general loop."""
    demo = _demo_plant()
    alternative = Plant(demo.heat_pumps, demo.hot_water, demo.buffer, Backup("gas_boiler", 150.0, 0.9,
                                                                             mode="alternative", bivalent_degc=-5.0))
    electric = Plant(demo.heat_pumps, demo.hot_water, demo.buffer, Backup("electric", 50.0, 1.0))
    assert kernel.is_usual_plant(_params(demo, 50.0, Control("pv_led")))
    assert kernel.is_usual_plant(_params(electric, 50.0, Control()))
    assert not kernel.is_usual_plant(_params(demo, 50.0, Control("peak_limited", import_limit_kw=40.0)))
    assert not kernel.is_usual_plant(_params(own_dhw_heat_pump(3.0), 50.0, Control()))
    assert not kernel.is_usual_plant(_params(alternative, 50.0, Control()))


def _reference_plant_kernel():
    """The plant kernel in its previous layout (:mod:`tests.reference.plant_kernel`: operating points in a first
    pass) with the reference tank step, compiled uncached, called with the kernel's arguments."""
    def code(func):
        return getattr(func, "py_func", func).__code__  # a plain function under NUMBA_DISABLE_JIT
    names = {**vars(reference_layout), "_hot_water": reference.hot_water, "charge": reference.charge}
    loop = numba.njit(types.FunctionType(code(reference_layout._time_loop), names))
    compiled = numba.njit(types.FunctionType(code(reference_layout.plant_kernel), {**vars(reference_layout),
                                                                                  "_time_loop": loop}))

    def run(*args):  # the previous layout also takes its points work array, before the hot-water temperatures
        *head, out, dhw_temperatures = args
        return compiled(*head, out, np.empty((out.shape[0], reference_layout.N_POINTS)), dhw_temperatures)
    return run


def _demo_plant() -> Plant:
    """The benchmarks' plant for the example block: 2 × 60 kW air units, 1,500 l hot-water tank with booster, buffer, gas."""
    pmap = carnot_map(np.linspace(-25, 35, 25), np.linspace(36, 80, 23), rated_capacity_kw=60.0, source=Source("air"),
                      max_sink_degc=75.0)
    return Plant(HeatPumpCascade(pmap, 2), HotWater(Tank(1500.0, 55.0, 75.0), booster_kw=18.0), Tank(2000.0),
                 Backup("gas_boiler", 150.0, 0.9))


@pytest.fixture(scope="module")
def reference_kernel():
    return _reference_plant_kernel()


@pytest.fixture(scope="module")
def year(weather):
    """The example block's demand and 30 kWp of south-facing PV [kW]."""
    return (mgwsim.simulate_demand(antwerp_block(), weather),
            pv_ac_kw_array(weather, PvArray(tilt_deg=35.0, azimuth_deg=180.0, kwp=30.0)))


def _eight_node_plant() -> Plant:
    """The demo plant with an 8-node hot-water tank (the kernel's loops for any node count)."""
    demo = _demo_plant()
    hot_water = HotWater(demo.hot_water.tank, booster_kw=demo.hot_water.booster_kw, nodes=8)
    return Plant(demo.heat_pumps, hot_water, demo.buffer, demo.backup)


def _uneven_map_plant() -> Plant:
    """The demo plant on a map with unevenly spaced grids (the kernel then walks to each cell)."""
    source, sink = np.array([-25.0, -15, -10, -7, -2, 2, 7, 12, 20, 35]), np.array([36.0, 40, 45, 50, 55, 62, 70, 80])
    pmap = carnot_map(source, sink, rated_capacity_kw=60.0, source=Source("air"), max_sink_degc=75.0)
    demo = _demo_plant()
    return Plant(HeatPumpCascade(pmap, 2), demo.hot_water, demo.buffer, demo.backup)


@pytest.mark.parametrize("plant", [_demo_plant(), own_dhw_heat_pump(3.0), _uneven_map_plant(), _eight_node_plant()],
                         ids=["demo", "undersized_3kW_500l", "uneven_map", "eight_nodes"])
@pytest.mark.parametrize("pv_led", [False, True], ids=["heat_led", "pv_led"])
@pytest.mark.parametrize("coupled", [False, True], ids=["decoupled", "coupled"])
def test_the_kernel_gives_the_reference_year(weather, year, reference_kernel, monkeypatch, plant, pv_led, coupled):
    demand, pv = year
    options = dict(control=Control("pv_led") if pv_led else Control(), pv_kw=pv, coupled=coupled)
    fast = simulate_system(demand, plant, weather, **options)
    monkeypatch.setattr(kernel, "plant_kernel", reference_kernel)
    slow = simulate_system(demand, plant, weather, **options)
    assert_energy_conserved(fast)
    for column in slow.hourly.columns:
        new, old = fast.hourly[column].to_numpy(), slow.hourly[column].to_numpy()
        scale = max(np.nanmax(np.abs(old), initial=0.0), 1.0)  # 1e-9 of the column's scale for values near zero
        np.testing.assert_allclose(new, old, rtol=RTOL, atol=RTOL * scale, err_msg=column)


def test_pv_led_charging_does_not_cool_the_coupled_zone(weather, year):
    """PV-led control only adds heat to the tanks from a PV surplus, so on a plant that leaves the coupled zone cold
    (the demo's heat pumps without a backup: ~600 cold hours) it may not make the zone colder than heat-led control.

    Until 2026-12-07 the kernel's PV-led buffer charge wrote the buffer's room [kWh] into the variable holding the
    emitters' design room temperature, so every later step with the room below its setpoint got a wrong extra
    radiator output (626 cold hours against heat-led's 594 on this case).
    """
    demand, pv = year
    demo = _demo_plant()
    plant = Plant(demo.heat_pumps, demo.hot_water, demo.buffer, Backup())
    comfort = {control: simulate_system(demand, plant, weather, control=Control(control), pv_kw=pv,
                                        coupled=True).comfort_kpis() for control in ("heat_led", "pv_led")}
    assert comfort["heat_led"]["cold_hours"] > 100  # the case is one where the plant falls short
    assert comfort["pv_led"]["cold_hours"] <= comfort["heat_led"]["cold_hours"]
    assert comfort["pv_led"]["degree_hours_below_setpoint_kh"] <= comfort["heat_led"]["degree_hours_below_setpoint_kh"]


@pytest.fixture(scope="module")
def years_by_step(weather):
    """The example block's demand and 30 kWp of south-facing PV [kW], hourly and at 15 minutes (with the weather)."""
    out = {}
    for name, wx in (("hourly", weather), ("15min", weather.to_quarter_hours())):
        out[name] = (wx, mgwsim.simulate_demand(antwerp_block(), wx),
                     pv_ac_kw_array(wx, PvArray(tilt_deg=35.0, azimuth_deg=180.0, kwp=30.0)))
    return out


@pytest.mark.parametrize("plant", [_demo_plant(), own_dhw_heat_pump(3.0), _eight_node_plant()],
                         ids=["demo_usual", "own_dhw_unit", "eight_nodes"])
@pytest.mark.parametrize("control", [Control(), Control("pv_led"), Control("peak_limited", import_limit_kw=40.0)],
                         ids=["heat_led", "pv_led", "import_limit"])
@pytest.mark.parametrize("step", ["hourly", "15min"])
def test_the_kernel_gives_the_year_before_the_tank_round_to_rounding(years_by_step, monkeypatch, plant, control,
                                                                     step):
    """The plant kernel against its frozen copy from before 2026-12-07's tank round
    (``tests/reference/plant_kernel_before_tank_round.py``: the standing loss node by node with a minimum, the draw's
    share as left / (c (θ − θ_cold)), the shifts as (1 − f) θ_a + f θ_b, a PV-led charge that fills the tank through
    the charge's walk), for the usual plant (its own compiled loop), a separate hot-water heat pump, an 8-node tank
    and an import limit (the general loop), hourly and at 15 minutes: every column of the coupled year within
    RTOL_ROUNDING of that column's scale (the reformulated tank arithmetic rounds differently, and so does the
    hot-water step's shortcut for a tank the units can fill after the circulation loop's draw, which adds the same
    heats in another order; 0/1 columns equal), and the energy balance closing every step."""
    wx, demand, pv = years_by_step[step]
    present = simulate_system(demand, plant, wx, control=control, pv_kw=pv, coupled=True)
    monkeypatch.setattr(kernel, "plant_kernel", before_tank_round.plant_kernel)
    frozen = simulate_system(demand, plant, wx, control=control, pv_kw=pv, coupled=True)
    if control.pv_led:  # the year runs the PV-led charging
        assert present.hourly["hp_heat_pv_led_kwh"].sum() > 0.0
    assert_energy_conserved(present)
    for column in present.hourly.columns:
        new, old = present.hourly[column].to_numpy(), frozen.hourly[column].to_numpy()
        scale = max(np.nanmax(np.abs(old), initial=0.0), 1.0)
        np.testing.assert_allclose(new, old, rtol=0, atol=RTOL_ROUNDING * scale, err_msg=column)


@pytest.mark.parametrize("control", [Control(), Control("pv_led")], ids=["heat_led", "pv_led"])
def test_the_kernel_before_the_tank_round_is_the_one_before_the_pv_led_round_bit_for_bit(years_by_step, monkeypatch,
                                                                                         control):
    """The two frozen kernels: the one before 2026-12-07's tank round (the kernel after the PV-led round) gives the
    one before the PV-led round to the last bit (that round changed no result), on the demo plant's coupled year, so
    the benchmark's before → after ratios of the two rounds chain."""
    wx, demand, pv = years_by_step["hourly"]
    years = {}
    for name, frozen in (("tank", before_tank_round), ("pv", before_pv_round)):
        monkeypatch.setattr(kernel, "plant_kernel", frozen.plant_kernel)
        years[name] = simulate_system(demand, _demo_plant(), wx, control=control, pv_kw=pv, coupled=True)
    for column in years["tank"].hourly.columns:
        np.testing.assert_array_equal(years["tank"].hourly[column].to_numpy(), years["pv"].hourly[column].to_numpy(),
                                      err_msg=column)
