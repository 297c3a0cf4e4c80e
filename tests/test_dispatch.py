"""The optimal-dispatch bound: hand-solvable cases, balances, limits, errors, and "never beaten" by the controllers."""

from __future__ import annotations

import dataclasses

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mgwsim
from mgwsim.building.emitters import radiators_for
from mgwsim.control import Control
from mgwsim.demand import Demand
from mgwsim.dispatch import optimal_dispatch, rule_based_cost
from mgwsim.errors import InputError
from mgwsim.ev import ChargingSite, Sessions, generate_sessions, simulate_charging
from mgwsim.examples import antwerp_block
from mgwsim.heatpump import Source, carnot_map
from mgwsim.loads import common_area_loads_kw
from mgwsim.pv import flat_roof_east_west, pv_ac_kw_array
from mgwsim.storage import Tank
from mgwsim.system import Backup, HeatPumpCascade, HotWater, Plant, simulate_system
from mgwsim.weather import UCCLE, Weather

PMAP = carnot_map(np.linspace(-25, 35, 25), np.linspace(36, 80, 23), rated_capacity_kw=60.0, source=Source("air"),
                  max_sink_degc=75.0)
SOURCE_DEGC, SUPPLY_DEGC, MARGIN_K = 7.0, 35.0, 3.0
COP = float(PMAP.cop_at(SOURCE_DEGC, SUPPLY_DEGC + MARGIN_K))  # no defrost at 7 °C


def small_case(q_sh_kwh, *, control=None, **kwargs):
    """The heat-led (or ``control``) run of :func:`small_inputs`."""
    return simulate_system(*small_inputs(q_sh_kwh, **kwargs), control=control, pv_kw=kwargs.get("pv_kw"),
                           price_eur_per_kwh=kwargs.get("price_eur_per_kwh"))


def small_inputs(q_sh_kwh, *, buffer_l=3000.0, backup=Backup(), n_units=2, q_dhw_kwh=0.0, layout=None, **_):
    """Demand, plant and weather of a constant 7 °C week-or-less with a loss-free buffer and tank.

    ``layout`` (a function plant -> plant) changes the plant after it is built.
    """
    q_sh = np.asarray(q_sh_kwh, float)
    n = q_sh.size
    index = pd.date_range("2023-01-02", periods=n, freq="h", tz="UTC")
    weather = Weather(pd.DataFrame({"temp_air_degc": SOURCE_DEGC, "ghi_w_m2": 0.0, "dni_w_m2": 0.0, "dhi_w_m2": 0.0,
                                    "wind_speed_m_s": 3.0, "pressure_hpa": 1013.0}, index=index), UCCLE)
    hourly = pd.DataFrame({"space_heating_kwh": q_sh, "dhw_kwh": q_dhw_kwh, "supply_required_degc": SUPPLY_DEGC,
                           "return_required_degc": SUPPLY_DEGC - 5.0, "temp_air_degc": SOURCE_DEGC}, index=index)
    demand = Demand(antwerp_block(), radiators_for(50.0), -8.0, hourly, None)
    plant = Plant(HeatPumpCascade(PMAP, n_units, supply_margin_k=MARGIN_K),
                  HotWater(Tank(500.0, 55.0, 75.0, ua_w_k=0.0), booster_kw=10.0),
                  Tank(buffer_l, 20.0, 80.0, ua_w_k=0.0), backup)
    return demand, layout(plant) if layout else plant, weather


def lp(result, price, **kwargs):
    n = len(result.hourly)
    kwargs.setdefault("pv_kw", np.zeros(n))
    kwargs.setdefault("other_load_kw", np.zeros(n))
    kwargs.setdefault("export_price_eur_per_kwh", 0.0)
    return optimal_dispatch(result, import_price_eur_per_kwh=price, **kwargs)


def assert_balanced(opt, tol=1e-6):
    assert opt.balance_residuals_kwh().abs().to_numpy().max() < tol


# ------------------------------------------------------------------------- hand-solvable cases
def test_all_heat_is_bought_in_the_one_cheap_hour():
    # 48 h of 2 kWh; hour 0 costs 0.10, the rest 0.30; a 3,000 l loss-free buffer holds
    # 96 kWh within 35 → 63 °C (< 72 °C, the heat pumps' 75 °C minus the 3 K margin).
    result = small_case(np.full(48, 2.0))
    price = np.r_[0.10, np.full(47, 0.30)]
    opt = lp(result, price)
    hp = opt.hourly["hp_heat_sh_kwh"].to_numpy()
    assert hp[0] == pytest.approx(96.0, abs=1e-6)
    assert np.abs(hp[1:]).max() < 1e-6
    assert opt.total_cost_eur == pytest.approx(96.0 / COP * 0.10, rel=1e-9)
    assert opt.hourly["buffer_degc"].iloc[0] == pytest.approx(35.0 + 94.0 / Tank(3000.0).heat_capacity_kwh_k, rel=1e-9)
    assert opt.hourly["buffer_degc"].min() >= 35.0 - 1e-9  # never below the required supply
    assert_balanced(opt)
    # the heat-led run buys every hour at its own price: the bound is below it
    assert rule_based_cost(result, pv_kw=np.zeros(48), other_load_kw=np.zeros(48), import_price_eur_per_kwh=price,
                           export_price_eur_per_kwh=0.0)["total_eur"] > opt.total_cost_eur


def test_the_capacity_tariff_spreads_the_import_evenly():
    # 720 kWh needed in the last 8 of 48 hours, flat price, dear capacity: the cheapest
    # schedule makes heat at a constant 15 kWh/h (stored in a 15 m³ buffer), so that the one
    # monthly peak is 720 / (48 COP) kW.
    q = np.r_[np.zeros(40), np.full(8, 90.0)]
    result = small_case(q, buffer_l=15000.0)
    opt = lp(result, 0.2, capacity_tariff_eur_per_kw_year=10000.0)
    peak = 720.0 / (48 * COP)
    assert peak > 2.5
    assert opt.monthly_peak_kw.iloc[0] == pytest.approx(peak, rel=1e-7)
    assert opt.costs["capacity_eur"] == pytest.approx(10000.0 / 12 * peak, rel=1e-7)
    assert opt.total_cost_eur == pytest.approx(0.2 * 720.0 / COP + 10000.0 / 12 * peak, rel=1e-7)
    assert_balanced(opt)


def test_the_capacity_tariff_bills_at_least_2_5_kw_per_month():
    result = small_case(np.full(48, 2.0))
    opt = lp(result, 0.2, capacity_tariff_eur_per_kw_year=120.0)
    assert opt.monthly_peak_kw.max() < 2.5
    assert opt.costs["capacity_eur"] == pytest.approx(120.0 / 12 * 2.5)


def test_ev_sessions_charge_their_need_in_their_cheapest_connected_hours():
    result = small_case(np.full(48, 2.0))
    index = result.hourly.index
    frame = pd.DataFrame({"point": [0], "arrival_step": [10], "departure_step": [20], "energy_need_kwh": [15.0],
                          "max_power_kw": [11.0]})
    sessions = Sessions.from_frame(frame, index, n_points=1)
    price = np.full(48, 0.30)
    price[[5, 15, 17]] = [0.01, 0.10, 0.12]  # hour 5: cheaper, but the car is not there
    opt = lp(result, price, sessions=sessions)
    ev = opt.hourly["ev_kwh"].to_numpy()
    assert ev[15] == pytest.approx(11.0) and ev[17] == pytest.approx(4.0)
    assert ev.sum() == pytest.approx(15.0)
    assert set(opt.ev_charging["step"]) <= set(range(10, 20))
    assert_balanced(opt)


def test_negative_export_price_curtails_instead_of_exporting():
    result = small_case(np.full(24, 2.0))
    pv = np.r_[np.zeros(10), np.full(4, 30.0), np.zeros(10)]
    opt = lp(result, 0.25, pv_kw=pv, export_price_eur_per_kwh=-0.05)
    h = opt.hourly
    assert h["grid_export_kwh"].max() < 1e-9
    assert h["curtailed_kwh"].sum() > 0
    assert (h["curtailed_kwh"] <= pv + 1e-9).all()
    # only the 10 hours before the PV window are bought; the PV heats the rest, stored in the buffer
    assert opt.total_cost_eur == pytest.approx(10 * 2.0 / COP * 0.25, rel=1e-9)
    assert h["grid_import_kwh"].iloc[10:].max() < 1e-9
    assert_balanced(opt)


def test_limits_of_the_plant_hold_in_the_schedule():
    result = small_case(np.r_[np.full(24, 20.0), np.full(24, 60.0)], n_units=1, q_dhw_kwh=3.0,
                        backup=Backup("electric", 50.0, 1.0))
    price = 0.1 + 0.2 * (np.arange(48) % 24 >= 12)
    opt = lp(result, price)
    h = opt.hourly
    cap = float(PMAP.capacity_at(SOURCE_DEGC, SUPPLY_DEGC + MARGIN_K))
    cap_dhw = float(PMAP.capacity_at(SOURCE_DEGC, 65.0))
    unit_hours = h["hp_heat_sh_kwh"] / cap + h["hp_heat_dhw_kwh"] / cap_dhw
    assert unit_hours.max() <= 1.0 + 1e-7
    # the heat pumps reach 75 − 3 K: buffer energy above 72 °C never exceeds the backup heat so far
    above = Tank(3000.0).heat_capacity_kwh_k * (h["buffer_degc"] - 72.0).clip(lower=0.0)
    assert (above <= h["backup_heat_sh_kwh"].cumsum() + 1e-7).all()
    assert h["dhw_tank_degc"].between(55.0 - 1e-7, 75.0 + 1e-7).all()
    assert (h["booster_kwh"] <= 10.0 + 1e-9).all()
    assert (h["backup_heat_sh_kwh"] + h["backup_heat_dhw_kwh"] <= 50.0 + 1e-9).all()
    assert h["space_heating_unmet_kwh"].abs().max() < 1e-9
    assert_balanced(opt)


def test_unmet_heat_is_allowed_only_when_the_heat_led_run_had_some():
    # one unit of ~67 kW without backup against 120 kWh in the last hours: the heat-led run
    # leaves heat unmet; the programme (same limits, penalty) may, but pre-charges the buffer
    result = small_case(np.r_[np.full(44, 5.0), np.full(4, 120.0)], n_units=1)
    unmet_rule = result.kpis()["space_heating_unmet_kwh"]
    assert unmet_rule > 1.0
    opt = lp(result, 0.2)
    assert opt.unmet_heat_allowed
    assert opt.unmet_heat_kwh < unmet_rule
    assert opt.costs["unmet_penalty_eur"] == pytest.approx(10.0 * opt.unmet_heat_kwh)
    assert any("unmet" in note for note in opt.notes)
    assert not lp(small_case(np.full(48, 2.0)), 0.2).unmet_heat_allowed


GAS = Backup("gas_boiler", 100.0, 0.9)
LAYOUTS = {
    "no buffer": lambda p: replace(p, buffer=None),
    "separate hot-water heat pump": lambda p: replace(p, hot_water=replace(
        p.hot_water, mode="separate_heat_pump", heat_pump=HeatPumpCascade(PMAP, 1)), buffer=Tank(1000.0, 20.0, 80.0)),
    "electric hot water": lambda p: replace(p, hot_water=replace(p.hot_water, mode="electric")),
    "bivalent alternative (heat pumps off at 7 °C)": lambda p: replace(p, backup=replace(
        GAS, mode="alternative", bivalent_degc=10.0)),
    "gas boiler only": lambda p: replace(p, heat_pumps=None, backup=GAS),
    "supply above the heat pumps' limit": lambda p: replace(p, heat_pumps=HeatPumpCascade(carnot_map(
        np.linspace(-25, 35, 25), np.linspace(36, 80, 23), rated_capacity_kw=60.0, max_sink_degc=36.0)), backup=GAS),
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_plant_layout_gives_a_balanced_bound(layout):
    q = np.r_[np.full(24, 20.0), np.full(24, 40.0)]
    setup = {"q_dhw_kwh": 2.0, "backup": GAS, "layout": LAYOUTS[layout]}
    result = small_case(q, **setup)
    price = 0.1 + 0.2 * (np.arange(48) % 24 >= 12)
    costs = {"pv_kw": np.zeros(48), "other_load_kw": np.zeros(48), "import_price_eur_per_kwh": price,
             "export_price_eur_per_kwh": 0.0, "gas_price_eur_per_kwh": 0.1}
    opt = optimal_dispatch(result, **costs)
    assert_balanced(opt)
    assert opt.unmet_heat_kwh == 0.0
    assert opt.total_cost_eur <= rule_based_cost(result, **costs)["total_eur"] + 1e-7
    h, plant = opt.hourly, result.plant
    if plant.heat_pumps is None or "alternative" in layout:
        assert h["hp_heat_sh_kwh"].max() < 1e-9
    if plant.hot_water.mode == "electric":
        assert h["hp_heat_dhw_kwh"].max() < 1e-9 and h["booster_kwh"].sum() > 0
    if "limit" in layout:  # 38 °C sink > 36 °C: the units preheat the 30 °C return, share (33 − 30) / 5
        assert (h["hp_heat_sh_kwh"] <= 0.6 * (h["hp_heat_sh_kwh"] + h["backup_heat_sh_kwh"]) + 1e-7).all()
        assert h["hp_heat_sh_kwh"].sum() > 0


def programme_violation(heat_led, run, costs) -> float:
    """Largest violation [kWh or kW] of the programme built on ``heat_led`` by the flows of ``run``."""
    from mgwsim.dispatch import _build, _inputs

    inputs = _inputs(heat_led, costs["pv_kw"], costs["other_load_kw"], costs["import_price_eur_per_kwh"],
                     costs["export_price_eur_per_kwh"], costs.get("capacity_tariff_eur_per_kw_year", 0.0), None, None,
                     0.0, None, None)
    lp, ph, v, e, _ = _build(heat_led, inputs, None, 10.0)
    h, x = run.hourly, np.zeros(lp.n_cols)
    for name, column in (("hp_sh", "hp_heat_sh_kwh"), ("hp_dhw", "hp_heat_dhw_kwh"), ("booster", "booster_kwh"),
                         ("bu_sh", "backup_heat_sh_kwh"), ("bu_dhw", "backup_heat_dhw_kwh"),
                         ("unmet", "space_heating_unmet_kwh")):
        if v[name] is not None:
            x[v[name]] = h[column]
    tanks = ((v["e_buf"], ph["buffer"], "buffer_degc"), (v["e_dhw"], ph["dhw_tank"], "dhw_tank_degc"))
    for parts, tank, column in tanks:
        if parts is None:
            continue
        energy = tank.capacity_kwh_k * (h[column].to_numpy() - tank.min_degc)
        if len(parts) == 1:
            x[parts[0]] = energy
        else:  # below and above the heat pumps' reach
            x[parts[0]], x[parts[1]] = np.minimum(energy, tank.reach_kwh), np.maximum(energy - tank.reach_kwh, 0.0)
    # electricity at the programme's fixed COPs (the run's cycling losses are not in the programme)
    load = costs["other_load_kw"] + h["hp_heat_sh_kwh"] / ph["cop_sh"] + h["hp_heat_dhw_kwh"] / ph["cop_dhw"] \
        + h["electric_backup_kwh"] + h["booster_kwh"]
    x[e["import"]] = np.maximum(load - costs["pv_kw"], 0.0)
    x[e["export"]] = np.maximum(costs["pv_kw"] - load, 0.0)
    if e["peak"] is not None:
        x[e["peak"]] = np.maximum(x[e["import"]].max(), 2.5)
    m = lp.matrices()
    lower, upper = m["bounds"][:, 0], m["bounds"][:, 1]
    return max(np.abs(m["A_eq"] @ x - m["b_eq"]).max(), (m["A_ub"] @ x - m["b_ub"]).max(),
               (lower - x).max(), (x - upper).max())


def test_the_controllers_own_flows_satisfy_the_programme(weather, year):
    # the programme is a relaxation of the rule-based plant: every run's flows are feasible
    # in it, which is why no controller can beat the bound. The programme carries the circulation loop's
    # loss in the hot-water demand at its design value: the runs here do the same (no hourly loop)
    demand, plant, _, costs = year
    demand = dataclasses.replace(demand, dhw=dataclasses.replace(demand.dhw, loop=None))
    pv, common, price = costs["pv_kw"], costs["other_load_kw"], costs["import_price_eur_per_kwh"]
    heat_led = simulate_system(demand, plant, weather, pv_kw=pv, other_load_kw=common)
    assert programme_violation(heat_led, heat_led, costs) < 1e-6
    for control in (Control("pv_led"), Control("price_led"), Control("peak_limited", import_limit_kw=40.0)):
        run = simulate_system(demand, plant, weather, control=control, pv_kw=pv, other_load_kw=common,
                              price_eur_per_kwh=price)
        assert programme_violation(heat_led, run, costs) < 1e-6, control.strategy


def test_free_gas_is_said_and_the_gap_is_relative_to_the_optimum():
    result = small_case(np.full(48, 20.0), backup=GAS)
    free = lp(result, 0.3)
    assert any("gas backup priced at 0" in note for note in free.notes)
    assert free.hourly["gas_kwh"].sum() > 0  # 0.3 EUR/kWh electricity against free gas
    priced = lp(result, 0.3, gas_price_eur_per_kwh=0.1)
    assert not priced.notes
    gaps = priced.compare_with({"a": priced.total_cost_eur * 1.25,
                                "b": pd.Series({"total_eur": priced.total_cost_eur})})
    assert gaps.loc["a", "gap_frac"] == pytest.approx(0.25) and gaps.loc["b", "gap_eur"] == 0.0
    assert priced.compare_with(2 * priced.total_cost_eur)["gap_frac"].iloc[0] == pytest.approx(1.0)


# ------------------------------------------------------------------------- errors
def test_bad_inputs_name_the_field():
    result = small_case(np.full(48, 2.0))
    n = 48
    with pytest.raises(InputError, match="import_price_eur_per_kwh has 47 values"):
        lp(result, np.full(47, 0.2))
    with pytest.raises(InputError, match="import_price_eur_per_kwh has a non-finite value at position 3"):
        lp(result, np.r_[0.2, 0.2, 0.2, np.nan, np.full(44, 0.2)])
    with pytest.raises(InputError, match="export_price_eur_per_kwh.* exceeds the import price"):
        lp(result, 0.2, export_price_eur_per_kwh=0.3)
    with pytest.raises(InputError, match="pv_kw"):
        lp(result, 0.2, pv_kw=-np.ones(n))
    with pytest.raises(InputError, match="capacity_tariff_eur_per_kw_year"):
        lp(result, 0.2, capacity_tariff_eur_per_kw_year=-1.0)
    with pytest.raises(InputError, match="solver"):
        lp(result, 0.2, solver="glpk")
    with pytest.raises(InputError, match="import_limit_kw = 3.0 kW is infeasible: at hour 0"):
        lp(result, 0.2, other_load_kw=np.full(n, 4.0), import_limit_kw=3.0)
    with pytest.raises(InputError, match="sessions must be on the system result's hourly index"):
        other_index = pd.date_range("2024-01-01", periods=n, freq="h", tz="UTC")
        frame = pd.DataFrame({"point": [0], "arrival_step": [1], "departure_step": [3], "energy_need_kwh": [5.0],
                              "max_power_kw": [11.0]})
        lp(result, 0.2, sessions=Sessions.from_frame(frame, other_index, n_points=1))


def test_an_import_limit_too_low_for_the_heat_is_reported():
    # 48 × 20 kWh of heat needs ≈ 960 / COP kWh of electricity; 1 kW per hour cannot carry it
    result = small_case(np.full(48, 20.0))
    with pytest.raises(InputError, match="import_limit_kw = 1 kW is infeasible"):
        lp(result, 0.2, import_limit_kw=1.0)


def test_only_the_heat_led_run_defines_the_programme():
    pv_led = small_case(np.full(48, 2.0), control=Control("pv_led"), pv_kw=np.zeros(48))
    with pytest.raises(InputError, match="heat-led run"):
        lp(pv_led, 0.2)


# ------------------------------------------------------------------------- the property
@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), tariff=st.sampled_from([0.0, 60.0]))
def test_no_controller_beats_the_bound_on_random_small_cases(seed, tariff):
    rng = np.random.default_rng(seed)
    n = 48
    q_sh = rng.uniform(0.0, 60.0, n) * (rng.random(n) < 0.8)
    price = rng.uniform(0.05, 0.4, n)
    pv = np.clip(40.0 * np.sin(np.pi * (np.arange(n) % 24 - 6) / 12), 0.0, None) * rng.uniform(0.0, 1.0)
    setup = {"q_dhw_kwh": rng.uniform(0.0, 5.0, n), "n_units": 1, "backup": Backup("electric", 80.0, 1.0)}
    costs = {"pv_kw": pv, "other_load_kw": np.full(n, 2.0), "import_price_eur_per_kwh": price,
             "export_price_eur_per_kwh": 0.03, "capacity_tariff_eur_per_kw_year": tariff}
    heat_led = small_case(q_sh, **setup)
    opt = optimal_dispatch(heat_led, **costs)
    assert_balanced(opt)
    for control in (Control("heat_led"), Control("pv_led"), Control("price_led"),
                    Control("peak_limited", import_limit_kw=30.0)):
        demand, plant, weather = small_inputs(q_sh, **setup)
        run = simulate_system(demand, plant, weather, control=control, pv_kw=pv, other_load_kw=costs["other_load_kw"],
                              price_eur_per_kwh=price)
        if run.kpis()["space_heating_unmet_kwh"] < 1e-6:
            assert rule_based_cost(run, **costs)["total_eur"] >= opt.total_cost_eur - 1e-7, control.strategy


@pytest.fixture(scope="module")
def year(weather):
    building = antwerp_block()
    demand = mgwsim.simulate_demand(building, weather)
    plant = Plant(HeatPumpCascade(PMAP, 2), HotWater(Tank(1500.0, 55.0, 80.0), booster_kw=18.0),
                  Tank(3000.0, 20.0, 80.0), Backup("gas_boiler", 150.0, 0.9))
    pv = pv_ac_kw_array(weather, flat_roof_east_west(300.0, kwp=30.0))
    common = common_area_loads_kw(weather.index, building)["total_kw"].to_numpy()
    hour = np.arange(weather.n_hours) % 24
    price = 0.22 + 0.10 * np.sin(2 * np.pi * (hour - 12) / 24) + np.random.default_rng(3).normal(0, 0.02, hour.size)
    sessions = generate_sessions(weather.index, ChargingSite(n_points=4, n_cars=4), seed=2)
    costs = {"pv_kw": pv, "other_load_kw": common, "import_price_eur_per_kwh": price,
             "export_price_eur_per_kwh": 0.04, "capacity_tariff_eur_per_kw_year": 55.0, "gas_price_eur_per_kwh": 0.09}
    return demand, plant, sessions, costs


def test_no_controller_beats_the_bound(weather, year):
    demand, plant, sessions, costs = year
    pv, common, price = costs["pv_kw"], costs["other_load_kw"], costs["import_price_eur_per_kwh"]
    ev = simulate_charging(sessions, "price_led", other_load_kw=common, pv_kw=pv, price_eur_per_kwh=price).ev_kw
    runs = {}
    for control, extra in ((Control("heat_led"), {}), (Control("pv_led"), {}),
                           (Control("price_led"), {"price_eur_per_kwh": price}),
                           (Control("peak_limited", import_limit_kw=45.0), {})):
        run = simulate_system(demand, plant, weather, control=control, pv_kw=pv, other_load_kw=common + ev, **extra)
        assert run.kpis()["space_heating_unmet_kwh"] < 1e-6
        runs[control.strategy] = (run, rule_based_cost(run, ev_kw=ev, **costs))
    opt = optimal_dispatch(runs["heat_led"][0], sessions=sessions, **costs)
    gaps = opt.compare_with({name: cost for name, (_, cost) in runs.items()})
    assert (gaps["gap_frac"] > 0).all(), gaps
    assert_balanced(opt, tol=1e-5)
    assert opt.hourly["space_heating_delivered_kwh"].sum() == pytest.approx(demand.hourly["space_heating_kwh"].sum())
    # the same cost function: re-pricing the optimal flows gives the optimum
    assert opt.costs["objective_eur"] == pytest.approx(opt.total_cost_eur, rel=1e-7)
    delivered = opt.ev_charging.groupby("session")["kw"].sum().reindex(range(len(sessions)), fill_value=0.0)
    np.testing.assert_allclose(delivered, sessions.frame["energy_need_kwh"], atol=1e-6)
    # with the peak-limited run's own limit the bound still holds and respects the limit
    run, cost = runs["peak_limited"]
    if (run.hourly["plant_elec_kwh"] + common + ev - pv).max() <= 45.0 + 1e-6:
        limited = optimal_dispatch(runs["heat_led"][0], sessions=sessions, import_limit_kw=45.0, **costs)
        assert limited.hourly["grid_import_kwh"].max() <= 45.0 + 1e-6
        assert limited.total_cost_eur <= cost["total_eur"]
        assert limited.total_cost_eur >= opt.total_cost_eur - 1e-6
