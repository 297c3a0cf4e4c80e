"""Heat-side system year: zone kernel + plant kernel (cascade, two tanks, backup) vs the same loop in Python;
the coupled year (the zone inside the plant loop) against the decoupled pair.

Also: the same year at a 15-minute step against the hourly one (zone + plant kernel time and
their ratio), and issue 4's full system year (zone + plant with PV-led control + EV charging
kernel + the electricity balance) against its target of <= 1 ms per building-year; issue 15's coupled full
system year (the zone inside the plant loop), heat-led and PV-led, against <= 0.5 ms and against the same year
in pure Python, and against the same year with the kernels as they were before 2026-12-07's second change,
before the PV-led round of the same day (the plant kernel frozen in
``tests/reference/plant_kernel_before_pv_round.py``) and before its tank round (the plant kernel frozen in
``tests/reference/plant_kernel_before_tank_round.py``); and that year as ``simulate_system`` runs the example
block, with the circulation loop in the kernel, before and after the tank round and the loop's shortcut, and
before and after 2026-12-08's branch round (buoyancy after the loop's return without a branch on temperatures)
(``python -m benchmarks system --coupled`` or ``python -m benchmarks.bench_system --coupled``: this part only).
"""

from __future__ import annotations

import sys
import types
from functools import lru_cache

import numba
import numpy as np

from benchmarks._timing import best_cpu_s, best_time_s, pure_python
from mgwsim.building import ZoneParameters, thermal
from mgwsim.building.thermal import (
    OUTPUT_COLUMNS, WARMUP_HOURS, _space_heating_kernel, internal_gains_w, setpoint_schedule, solar_gains_w,
)
from mgwsim.control import Control
from mgwsim.demand import simulate_demand
from mgwsim.electric import electricity_balance
from mgwsim.ev import ChargingSite, generate_sessions
from mgwsim.ev import charging
from mgwsim.ev.charging import STRATEGIES
from mgwsim.examples import antwerp_block
from mgwsim.loads import common_area_loads_kw
from mgwsim.pv import PvArray, pv_ac_kw_array
from mgwsim.heatpump import Source, carnot_map
from mgwsim.storage import Tank
from mgwsim.system import Backup, HeatPumpCascade, HotWater, Plant, simulate_system
from mgwsim.system import dhw_tank, kernel
from mgwsim.system import zone as zone_module
from mgwsim.system.simulate import COLUMNS, _defrost, _grids, _hot_water_series, _params, _zone, plant_buffers
from mgwsim.system.zone import C_A_AIR, C_A_END, C_A_SURFACE, C_K_AIR, C_K_END, C_K_SURFACE, C_W_AIR, N_FREE, \
    UNCOUPLED
from mgwsim.weather import default_weather
from tests.reference import ev_stepwise, plant_kernel_before_pv_round, plant_kernel_before_tank_round
from tests.reference import zone_free_pass as zone_free_pass_before


@lru_cache(maxsize=4)
def _dhw_temperatures(n: int) -> tuple:
    """(cold water, loop surroundings) [°C] per step for the kernel: 10 °C mains; no loop (its loss is in dhw_kwh)."""
    return np.full(n, 10.0), np.zeros(n)


def _plant() -> Plant:
    pmap = carnot_map(np.linspace(-25, 35, 25), np.linspace(36, 80, 23), rated_capacity_kw=60.0, source=Source("air"),
                      max_sink_degc=75.0)
    return Plant(HeatPumpCascade(pmap, 2), HotWater(Tank(1500.0, 55.0, 75.0), booster_kw=18.0), Tank(2000.0),
                 Backup("gas_boiler", 150.0, 0.9))


def main() -> None:
    weather = default_weather()
    if "--coupled" in sys.argv:  # issue 15's coupled year only
        _coupled_year(weather)
        return
    demand = simulate_demand(antwerp_block(), weather)
    plant = _plant()
    d = demand.hourly
    cap_f, cop_f = _defrost(plant.heat_pumps, weather)
    zeros = np.zeros(weather.n_hours)
    args = (d["space_heating_kwh"].to_numpy(), d["supply_required_degc"].to_numpy(), d["return_required_degc"].to_numpy(),
            d["dhw_kwh"].to_numpy(), weather.temp_air_degc, weather.temp_air_degc, cap_f, cop_f,
            np.full(weather.n_hours, np.inf), zeros, zeros, zeros, zeros,
            _grids(plant.heat_pumps, None), _grids(None, plant.heat_pumps), UNCOUPLED, _params(plant, 50.0, Control()))

    (out,) = plant_buffers(weather.n_hours)  # allocated once, as for the zone kernel: kernel time only

    def run(func):
        return lambda: func(*args, np.zeros(2), np.zeros(2), out, _dhw_temperatures(len(args[0])))

    run(kernel.plant_kernel)()
    numba_s = best_time_s(run(kernel.plant_kernel), repeat=60, number=5)
    with pure_python(kernel):
        python_s = best_time_s(run(kernel.plant_kernel), repeat=2)
    simulate_system(demand, plant, weather)
    end_to_end_s = best_time_s(lambda: simulate_system(demand, plant, weather), repeat=5)
    zone_s = _zone_kernel_s(weather)
    print(f"plant kernel (2-unit cascade, buffer, DHW tank, gas backup), one year: {numba_s * 1e3:.3f} ms")
    print(f"heat-side year = zone kernel {zone_s * 1e3:.3f} ms + plant kernel: {(zone_s + numba_s) * 1e3:.3f} ms "
          f"(target <= 0.5 ms)")
    print(f"same kernel in pure Python (all helpers as py_func):              {python_s * 1e3:.0f} ms -> ratio "
          f"{python_s / numba_s:.0f}x")
    print(f"simulate_system end to end (demand given):                        {end_to_end_s * 1e3:.1f} ms")
    _time_steps(weather)
    _full_system(weather)
    _coupled_year(weather)


def _plant_args(weather, demand, plant, control, pv_kw, zone=UNCOUPLED):
    """The plant kernel's arguments for a demand year on ``weather`` (its step in ``P_DT_H``); coupled with ``zone``."""
    d = demand.hourly
    cap_f, cop_f = _defrost(plant.heat_pumps, weather)
    n, zeros = weather.n_steps, np.zeros(weather.n_steps)
    return (d["space_heating_kwh"].to_numpy(), d["supply_required_degc"].to_numpy(), d["return_required_degc"].to_numpy(),
            d["dhw_kwh"].to_numpy(), weather.temp_air_degc, weather.temp_air_degc, cap_f, cop_f, np.full(n, np.inf),
            zeros, zeros, pv_kw, zeros, _grids(plant.heat_pumps, None), _grids(None, plant.heat_pumps), zone,
            _params(plant, 50.0, control, weather.step_h))


def _plant_args_with_loop(weather, demand, plant, control, pv_kw, zone=UNCOUPLED) -> tuple[tuple, tuple]:
    """:func:`_plant_args` as :func:`mgwsim.system.simulate_system` gives them for the example block: the hot-water
    draws alone, the circulation loop in the kernel (from the tank's outlet), the demand's cold water; with the
    kernel's (cold water, loop surroundings) per step."""
    args = _plant_args(weather, demand, plant, control, pv_kw, zone)
    draws, cold, loop, surroundings = _hot_water_series(demand, plant)
    if loop is None:
        raise RuntimeError("the example block's demand has no circulation loop")
    args = (*args[:3], draws, *args[4:-1], _params(plant, 50.0, control, weather.step_h, loop))
    return args, (cold, surroundings)


def _plant_kernel_s(args, n: int) -> float:
    """Best kernel time [s], its work arrays allocated once as in :func:`main` (zeroing them is not the kernel's)."""
    (out,) = plant_buffers(n)

    def run():
        kernel.plant_kernel(*args, np.zeros(2), np.zeros(2), out, _dhw_temperatures(len(args[0])))
    run()
    return best_time_s(run, repeat=20, number=3)


def _time_steps(weather) -> None:
    """Zone + plant kernel time of the example block's year, hourly and at 15 minutes."""
    quarter = weather.to_quarter_hours()
    plant, times = _plant(), {}
    for name, wx in (("hourly", weather), ("15 min", quarter)):
        demand = simulate_demand(antwerp_block(), wx)
        zone_s = _zone_kernel_s(wx)
        plant_s = _plant_kernel_s(_plant_args(wx, demand, plant, Control(), np.zeros(wx.n_steps)), wx.n_steps)
        times[name] = zone_s + plant_s
        print(f"heat-side year at {name:>6} ({wx.n_steps:5d} steps): zone {zone_s * 1e3:.3f} ms + plant "
              f"{plant_s * 1e3:.3f} ms = {times[name] * 1e3:.3f} ms")
    print(f"15-minute / hourly kernel time: {times['15 min'] / times['hourly']:.2f}x (4x the steps)")


def _full_system(weather) -> None:
    """Issue 4's full system year: zone + plant (PV-led, 30 kWp) + EV kernel (8 points, PV-surplus) + balance."""
    building, plant = antwerp_block(), _plant()
    for name, wx in (("hourly", weather), ("15 min", weather.to_quarter_hours())):
        n = wx.n_steps
        demand = simulate_demand(building, wx)
        pv = pv_ac_kw_array(wx, PvArray(tilt_deg=35.0, azimuth_deg=180.0, kwp=30.0))
        common = common_area_loads_kw(wx.index, building)["total_kw"].to_numpy()
        zone_s = _zone_kernel_s(wx)
        args = _plant_args(wx, demand, plant, Control("pv_led"), pv)
        plant_s = _plant_kernel_s(args, n)
        (out,) = plant_buffers(n)
        kernel.plant_kernel(*args, np.zeros(2), np.zeros(2), out, _dhw_temperatures(len(args[0])))
        ev, arithmetic, loads = _ev_and_balance(wx, out, pv, common)
        ev()
        ev_s = best_time_s(ev, repeat=20, number=3)
        balance_np_s = best_time_s(arithmetic, repeat=20, number=5)
        balance_pd_s = best_time_s(lambda: electricity_balance(wx.index, pv_kw=pv, loads_kw=loads), repeat=7)
        total_s = zone_s + plant_s + ev_s + balance_np_s
        print(f"full system year at {name:>6}: zone {zone_s * 1e3:.3f} + plant (PV-led) {plant_s * 1e3:.3f} + EV kernel "
              f"(8 points, pv_surplus) {ev_s * 1e3:.3f} + balance arithmetic {balance_np_s * 1e3:.3f} ms = "
              f"{total_s * 1e3:.3f} ms (target <= 1 ms: {'met' if total_s <= 1e-3 else 'NOT met'}); "
              f"electricity_balance as a pandas call {balance_pd_s * 1e3:.2f} ms more")


def _ev_and_balance(wx, out, pv, common, charge=None):
    """The EV kernel (8 points, PV-surplus, 25 kW site limit) and the balance arithmetic after a plant year ``out``,
    as calls to time; and the loads for :func:`mgwsim.electric.electricity_balance`. ``charge``: the kernel
    (default :func:`mgwsim.ev.charging._charge`; a ``_stepwise`` loop through :func:`_without_price`); the EV
    call returns its site total [kW] and the energy delivered per session [kWh]."""
    n = wx.n_steps
    plant_kw = (out[:, kernel.HP_ELEC_SH] + out[:, kernel.HP_ELEC_DHW] + out[:, kernel.BOOSTER_HEAT]) / wx.step_h
    sessions = generate_sessions(wx.index, ChargingSite(n_points=8, n_cars=8, site_limit_kw=25.0), seed=1)
    a, other = sessions.arrays, common + plant_kw

    def ev():  # the site total only, as the study asks for it (simulate_charging(per_point=False))
        site_kw, delivered = np.zeros(n), np.zeros(len(sessions))
        (charging._charge if charge is None else charge)(  # looked up here: pure_python() may swap it
            STRATEGIES.index("pv_surplus"), wx.step_h, other, pv, np.zeros(n), 25.0, a["arrival"], a["departure"],
            a["need_kwh"], a["max_power_kw"], a["point"], 8, False, np.zeros((0, 8)), site_kw, delivered)
        return site_kw, delivered
    ev_kw = np.zeros(n)  # the balance's arithmetic does not depend on the values
    total = plant_kw + common + ev_kw

    def arithmetic():
        used = np.minimum(pv, total)
        return used * wx.step_h, (total - used) * wx.step_h, (pv - used) * wx.step_h
    return ev, arithmetic, {"heat_plant": plant_kw, "common_area": common, "ev": ev_kw}


def _zone_kernel_s(weather) -> float:
    """Kernel time of the example block's 5R1C zone year (inputs prepared once)."""
    building = antwerp_block()
    params = ZoneParameters.from_building(building)
    arrays = (weather.temp_air_degc, internal_gains_w(building, weather.index), solar_gains_w(building, weather),
              setpoint_schedule(building, weather.index), params.as_array(), np.inf, WARMUP_HOURS,
              np.empty((weather.n_hours, len(OUTPUT_COLUMNS))))
    _space_heating_kernel(*arrays)
    return best_time_s(lambda: _space_heating_kernel(*arrays), repeat=20, number=5)


def _without_price(stepwise):
    """A step-wise EV loop (``_stepwise``) called as :func:`mgwsim.ev.charging._charge` (which also takes prices)."""
    def charge(mode, step_h, other, pv, price, *rest):
        return stepwise(mode, step_h, other, pv, *rest)
    return charge


def _zone_pass(module, building, weather, demand, zone):
    """The coupled year's zone part as a call: the ``zone_free_pass`` of ``module`` (:mod:`mgwsim.system.zone` or
    a copy) and the warm-up of the mass temperature; the call returns the free table."""
    d, n, to_w = demand.hourly, weather.n_steps, 1000.0 / weather.step_h
    series = (weather.temp_air_degc, d["internal_gains_kwh"].to_numpy() * to_w, d["solar_gains_kwh"].to_numpy() * to_w)
    params, free = ZoneParameters.from_building(building).as_array(), np.empty((n, N_FREE))
    c = zone.coef

    def zone_pass():  # the functions looked up here: pure_python() may swap them
        module.zone_free_pass(*series, params, 3600.0 * weather.step_h, free)
        w = c[C_W_AIR]
        zone_module.warm_mass_temperature(free, zone.setpoint, w * c[C_A_AIR] + (1 - w) * c[C_A_SURFACE], c[C_A_END],
                                          w * c[C_K_AIR] + (1 - w) * c[C_K_SURFACE], c[C_K_END], WARMUP_HOURS)
        return free
    return zone_pass


def _coupled_year(weather) -> None:
    """The coupled year (zone inside the plant loop): free pass + warm-up + coupled plant kernel, against the
    decoupled zone kernel + plant kernel; then issue 15's coupled full system year (zone + plant + EV kernel +
    balance arithmetic, hourly; target <= 0.5 ms), heat-led and PV-led, each against the same year with every
    kernel run as plain Python (:func:`benchmarks._timing.pure_python`: each kernel's ``py_func``, helpers included),
    the plant kernel's layouts, and the whole year before and after 2026-12-07's changes; then the same with the
    circulation loop in the kernel (:func:`_plant_args_with_loop`)."""
    building, plant = antwerp_block(), _plant()
    demand = simulate_demand(building, weather)
    zone = _zone(demand, weather)
    n = weather.n_steps
    zone_pass = _zone_pass(zone_module, building, weather, demand, zone)
    zone_pass()
    zone_s = best_time_s(zone_pass, repeat=20, number=5)
    coupled_s = _plant_kernel_s(_plant_args(weather, demand, plant, Control(), np.zeros(n), zone), n)
    decoupled_s = _zone_kernel_s(weather) + _plant_kernel_s(_plant_args(weather, demand, plant, Control(),
                                                                         np.zeros(n)), n)
    print(f"coupled heat-side year: zone free pass {zone_s * 1e3:.3f} ms + coupled plant kernel {coupled_s * 1e3:.3f} ms "
          f"= {(zone_s + coupled_s) * 1e3:.3f} ms; decoupled zone + plant kernels {decoupled_s * 1e3:.3f} ms "
          f"(coupled / decoupled {(zone_s + coupled_s) / decoupled_s:.2f}x)")
    pv = pv_ac_kw_array(weather, PvArray(tilt_deg=35.0, azimuth_deg=180.0, kwp=30.0))
    common = common_area_loads_kw(weather.index, building)["total_kw"].to_numpy()
    for name, control in (("heat-led", Control()), ("PV-led", Control("pv_led"))):
        _coupled_full_year(name, _plant_args(weather, demand, plant, control, pv, zone), zone_pass, weather, pv, common)
    run_time_features = _run_time_features_kernel()
    _kernel_layouts_before_after(weather, demand, plant, zone, pv, run_time_features)
    before = {"zone": _zone_pass(zone_free_pass_before, building, weather, demand, zone),
              "plant": run_time_features, "ev": _without_price(ev_stepwise._stepwise)}
    after = {"zone": zone_pass, "plant": kernel.plant_kernel, "ev": _without_price(charging._stepwise)}
    for name, control in (("heat-led", Control()), ("PV-led", Control("pv_led"))):
        _full_year_before_after(name, _plant_args(weather, demand, plant, control, pv, zone), weather, pv, common,
                                before, after, "2026-12-07's second change")
    # the PV-led round: the plant kernel frozen before it (tests/reference/plant_kernel_before_pv_round.py), the
    # other parts as they are
    before_pv_round = {**after, "plant": plant_kernel_before_pv_round.plant_kernel}
    for name, control in (("heat-led", Control()), ("PV-led", Control("pv_led"))):
        _full_year_before_after(name, _plant_args(weather, demand, plant, control, pv, zone), weather, pv, common,
                                before_pv_round, after, "2026-12-07's PV-led round (plant kernel)")
    # the tank round: the plant kernel frozen before it (tests/reference/plant_kernel_before_tank_round.py), the
    # other parts as they are; its reformulated tank arithmetic rounds differently (differences reported per column)
    before_tank_round = {**after, "plant": plant_kernel_before_tank_round.plant_kernel}
    for name, control in (("heat-led", Control()), ("PV-led", Control("pv_led"))):
        _full_year_before_after(name, _plant_args(weather, demand, plant, control, pv, zone), weather, pv, common,
                                before_tank_round, after, "2026-12-07's tank round (plant kernel)")
    # the branch round: buoyancy after the loop's return by the general mix (a branch per node pair) before it, the
    # other parts as they are on both sides
    before_branch_round = {**after, "plant": _general_buoyancy_kernel()}
    for name, control in (("heat-led, circulation loop", Control()), ("PV-led, circulation loop", Control("pv_led"))):
        args, temperatures = _plant_args_with_loop(weather, demand, plant, control, pv, zone)
        _full_year_before_after(name, args, weather, pv, common, before_branch_round, after,
                                "2026-12-08's branch round (buoyancy after the loop's return)",
                                temperatures=temperatures)
    # the year as simulate_system runs the example block: the circulation loop in the kernel (the figures above
    # fold its loss into the draws, as the decoupled chain did); the tank round and the loop's shortcut in the
    # hot-water step against the kernel before both
    for name, control in (("heat-led, circulation loop", Control()), ("PV-led, circulation loop", Control("pv_led"))):
        args, temperatures = _plant_args_with_loop(weather, demand, plant, control, pv, zone)
        _coupled_full_year(name, args, zone_pass, weather, pv, common, temperatures)
        _full_year_before_after(name, args, weather, pv, common, before_tank_round, after,
                                "2026-12-07's tank round and loop shortcut (plant kernel)", temperatures=temperatures)


def _rebuilt(func, options: dict | None = None, **names):
    """``func`` of :mod:`mgwsim.system.kernel` compiled anew, uncached, with ``names`` in place of its module's
    globals of those names (``options``: numba's, e.g. ``{"inline": "always"}`` for an inlined helper)."""
    code = getattr(func, "py_func", func).__code__
    return numba.njit(**(options or {}))(types.FunctionType(code, {**vars(kernel), **names}))


def _counted_tank_kernel(unrolled_nodes: int = kernel.UNROLLED_NODES):
    """The plant kernel as it was before 2026-12-07: the hot-water tank's nodes a reference-counted array
    (:func:`mgwsim.system.kernel.unrefcounted` replaced by the identity), the rest the same code, compiled uncached;
    with ``unrolled_nodes`` = 0 its node loops also run over any node count, as before the same date."""
    loop = _rebuilt(kernel._time_loop, unrefcounted=numba.njit(lambda array, nodes=0: array))
    return _rebuilt(kernel.plant_kernel, _time_loop=loop, UNROLLED_NODES=unrolled_nodes)


def _generic_nodes_kernel():
    """The present plant kernel with its tank loops compiled for any node count (``UNROLLED_NODES`` = 0), uncached."""
    return _rebuilt(kernel.plant_kernel, UNROLLED_NODES=0)


def _general_buoyancy_kernel():
    """The present plant kernel with buoyancy after the circulation loop's return by the general
    :func:`mgwsim.system.dhw_tank.mix` (a branch per node pair), as before 2026-12-08's branch round
    (:func:`mgwsim.system.dhw_tank.mix_bottom`: the bottom pair merged by selects), compiled uncached."""
    hot_water = _rebuilt(kernel._hot_water, {"inline": "always"}, mix_bottom=dhw_tank.mix)
    return _rebuilt(kernel.plant_kernel, _time_loop=_rebuilt(kernel._time_loop, _hot_water=hot_water))


def _run_time_features_kernel():
    """The plant kernel as it was before 2026-12-07's second change: the loop for the 5-node tank tests the plant's
    features every step (``kernel._is_literal_above_zero`` a constant False, so the usual plant's features are not
    constants of its loop), the rest the same code, compiled uncached."""
    loop = _rebuilt(kernel._time_loop, _is_literal_above_zero=numba.njit(lambda count: False))
    return _rebuilt(kernel.plant_kernel, _time_loop=loop)


def _kernel_layouts_before_after(weather, demand, plant, zone, pv, run_time_features, rounds: int = 30) -> None:
    """Coupled plant kernel, heat- and PV-led, in four layouts: the tank reference-counted and its loops for any
    node count (the morning of 2026-12-07), uncounted for any node count, uncounted with the loops compiled for the
    tank's 5 nodes and the plant's features tested every step (``run_time_features``, the afternoon), and the
    present one (the usual plant's loop compiled with its features as constants). CPU time, best of ``rounds``
    alternating rounds of 4 x 3 calls each (the machine is shared: all see the same load); outputs compared bit for
    bit with the present kernel's."""
    n = weather.n_steps
    first, third, present = "counted, any nodes", "5 nodes, features at run time", "present (usual plant, 5 nodes)"
    layouts = {first: _counted_tank_kernel(0), "uncounted, any nodes": _generic_nodes_kernel(),
               third: run_time_features, present: kernel.plant_kernel}
    for name, control in (("heat-led", Control()), ("PV-led", Control("pv_led"))):
        args = _plant_args(weather, demand, plant, control, pv, zone)
        outs, calls = {}, {}
        for label, func in layouts.items():
            outs[label] = np.empty((n, kernel.N_OUTPUTS))
            calls[label] = (lambda f, o: lambda: f(*args, np.zeros(2), np.zeros(2), o, _dhw_temperatures(n)))(
                func, outs[label])
            calls[label]()
        best = {label: float("inf") for label in calls}
        for _ in range(rounds):
            for label, call in calls.items():
                best[label] = min(best[label], best_cpu_s(call, repeat=4, number=3))
        same = all(np.array_equal(outs[label], outs[present], equal_nan=True) for label in outs)
        print(f"coupled plant kernel, {name} (outputs {'bit-identical' if same else 'DIFFERENT'}): " + ", ".join(
            f"{label} {best[label] * 1e3:.3f} ms" for label in best) + f" (present / first "
            f"{best[present] / best[first]:.2f}, present / third {best[present] / best[third]:.2f})")


def _coupled_full_year(name, args, zone_pass, weather, pv, common, temperatures=None) -> None:
    """Issue 15's coupled full system year, one control: CPU time per part (``time.thread_time``, best of many)
    against the same part run as plain Python, and the total against the 0.5 ms target. ``temperatures``: the
    kernel's (cold water, loop surroundings), default :func:`_dhw_temperatures` (no loop)."""
    n = weather.n_steps
    (out,) = plant_buffers(n)
    temperatures = _dhw_temperatures(n) if temperatures is None else temperatures

    def plant_year():
        kernel.plant_kernel(*args, np.zeros(2), np.zeros(2), out, temperatures)
    plant_year()
    ev, arithmetic, _ = _ev_and_balance(weather, out, pv, common)
    parts = {"zone free pass": (zone_pass, 100), "coupled plant kernel": (plant_year, 100), "EV kernel": (ev, 100),
             "balance arithmetic": (arithmetic, 100)}
    rows = []
    for part, (call, repeat) in parts.items():
        call()
        fast = best_cpu_s(call, repeat=repeat, number=3)
        with pure_python(kernel, dhw_tank, zone_module, thermal, charging):
            slow = best_cpu_s(call, repeat=2)
        rows.append((part, fast, slow))
    total, total_py = sum(r[1] for r in rows), sum(r[2] for r in rows)
    print(f"coupled full system year, hourly, {name} (CPU time, best of 100 x 3; pure Python best of 2; the "
          f"balance is numpy arithmetic in both):")
    for part, fast, slow in rows + [("total", total, total_py)]:
        print(f"  {part:<22} {fast * 1e3:7.3f} ms   pure Python {slow * 1e3:8.1f} ms   ratio {slow / fast:6.0f}x")
    print(f"  target <= 0.5 ms per building-year: {'met' if total <= 0.5e-3 else 'NOT met'} "
          f"({total / 0.5e-3:.2f} of the target)")


def _full_year_before_after(name, args, weather, pv, common, before, after, change: str, rounds: int = 30,
                            temperatures=None) -> None:
    """Issue 15's coupled full system year, one control, with the kernels as they were before ``change`` and as they
    are (``before``/``after``: the zone pass as a call, the plant kernel, the EV loop as
    :func:`mgwsim.ev.charging._charge`). Before 2026-12-07's second change: the zone's free pass one cell at a time
    (``tests/reference/zone_free_pass.py``), the plant kernel with the features tested every step, the EV loop with
    ``wake`` after every charging step and three passes (``tests/reference/ev_stepwise.py``); before the PV-led round:
    the plant kernel of ``tests/reference/plant_kernel_before_pv_round.py``, the rest as now; before the tank round:
    the plant kernel of ``tests/reference/plant_kernel_before_tank_round.py``. The balance arithmetic is the same in
    both. CPU time per part, best of ``rounds`` rounds in which the two alternate (4 x 3 calls each); each part's
    outputs compared bit for bit, and where the plant year differs, its largest differences per column
    (:func:`_column_differences`). ``temperatures`` as in :func:`_coupled_full_year`."""
    n = weather.n_steps
    temperatures = _dhw_temperatures(n) if temperatures is None else temperatures
    outs = {"before": np.empty((n, kernel.N_OUTPUTS)), "after": np.empty((n, kernel.N_OUTPUTS))}
    calls, results = {}, {}
    for label, kernels in (("before", before), ("after", after)):
        def plant_year(f=kernels["plant"], out=outs[label]):
            f(*args, np.zeros(2), np.zeros(2), out, temperatures)
            return out
        plant_year()
        ev, arithmetic, _ = _ev_and_balance(weather, outs[label], pv, common, kernels["ev"])
        calls[label] = {"zone free pass": kernels["zone"], "coupled plant kernel": plant_year, "EV kernel": ev,
                        "balance arithmetic": arithmetic}
        results[label] = {part: call() for part, call in calls[label].items()}
    same = all(np.array_equal(x, y, equal_nan=True) for part in results["after"]
               for x, y in zip(*(_as_tuple(results[label][part]) for label in ("before", "after"))))
    best = {(label, part): float("inf") for label in calls for part in calls[label]}
    for _ in range(rounds):
        for part in calls["after"]:
            for label in calls:
                best[label, part] = min(best[label, part], best_cpu_s(calls[label][part], repeat=4, number=3))
    print(f"coupled full system year, hourly, {name}, before -> after {change} (CPU time, best of "
          f"{rounds} alternating rounds of 4 x 3 calls; outputs {'bit-identical' if same else 'DIFFERENT'}):")
    if not same:
        plant = "coupled plant kernel"
        print("  plant year, largest difference per column over the column's scale (max |value|, at least 1): "
              + _column_differences(results["before"][plant], results["after"][plant]))
    for part in calls["after"]:
        old, new = best["before", part], best["after", part]
        print(f"  {part:<22} {old * 1e3:7.3f} -> {new * 1e3:7.3f} ms   after / before {new / old:5.2f}")
    total_old, total_new = (sum(best[label, part] for part in calls[label]) for label in ("before", "after"))
    print(f"  {'total':<22} {total_old * 1e3:7.3f} -> {total_new * 1e3:7.3f} ms   after / before "
          f"{total_new / total_old:5.2f}; target <= 0.5 ms: {'met' if total_new <= 0.5e-3 else 'NOT met'} "
          f"({total_new / 0.5e-3:.2f} of it; before {total_old / 0.5e-3:.2f})")


def _column_differences(before: np.ndarray, after: np.ndarray, shown: int = 8) -> str:
    """The ``shown`` largest of max |after − before| / max(max |before|, 1) per column of two plant years (the
    columns' names of :data:`mgwsim.system.simulate.COLUMNS`; NaN columns equal where both are NaN), and how many
    columns differ at all."""
    relative = {}
    for column, name in COLUMNS.items():
        old, new = before[:, column], after[:, column]
        both_nan = np.isnan(old) & np.isnan(new)
        if both_nan.all():
            continue
        scale = max(float(np.nanmax(np.abs(old))), 1.0)
        relative[name] = float(np.max(np.abs(np.where(both_nan, 0.0, new - old)))) / scale
    differing = sorted(((value, name) for name, value in relative.items() if value != 0.0), reverse=True)
    return (f"{len(differing)} of {len(relative)} columns differ; " + ", ".join(
        f"{name} {value:.1e}" for value, name in differing[:shown]))


def _as_tuple(result) -> tuple:
    """A part's result as a tuple of arrays (a call returns one array or a tuple of them)."""
    return result if isinstance(result, tuple) else (result,)


if __name__ == "__main__":
    main()
