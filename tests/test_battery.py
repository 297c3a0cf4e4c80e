"""The collective battery: dispatch by hand, invariants over random series, peak shaving, ageing, costs, TOML."""

from __future__ import annotations

import copy
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mgwsim.battery import HOURS_PER_MONTH, Battery, battery_residual_kwh, dispatch_battery
from mgwsim.config import read_config
from mgwsim.electric import balance_kpis, balance_residual_kwh, electricity_balance, monthly_peak_import_kw
from mgwsim.errors import InputError
from mgwsim.finance import load_cost_table
from mgwsim.study.costs import battery_investments
from mgwsim.study.evaluate import evaluate_variant

DAY = pd.date_range("2025-06-02", periods=24, freq="h", tz="Europe/Brussels")


def _day():
    """PV 5 kW from 8:00 to 16:00, a constant 2 kW load."""
    pv = np.zeros(24)
    pv[8:16] = 5.0
    return pv, np.full(24, 2.0)


# --------------------------------------------------------------------------- a day by hand
def test_a_day_by_hand():
    """10 kWh, 4 kW, round trip 0.81 (0.9 each way), no self-discharge, empty at 0:00.

    Surplus 3 kW from 8:00: charged 3 kW (2.7 kWh stored) at 8, 9 and 10 h (8.1 kWh), then the
    1.9 kWh of room take 1.9 / 0.9 = 2.111 kW at 11 h; full until 16 h. From 16 h the 2 kW load
    is covered: 2 / 0.9 = 2.222 kWh drawn per hour, four hours (8.889 kWh), and the last
    1.111 kWh give 1.0 kW at 20 h. Charged 11.111 kWh AC, discharged 9.0 kWh AC: 2.111 kWh lost.
    Import: 16 kWh (0-8 h) + 16 kWh (16-24 h) - 9 kWh = 23 kWh; export 24 - 11.111 = 12.889 kWh.
    """
    pv, load = _day()
    battery = Battery(10.0, 4.0, round_trip_efficiency=0.81, self_discharge_frac_per_month=0.0)
    run = dispatch_battery(battery, pv, load, step_h=1.0)
    expected_charge = np.zeros(24)
    expected_charge[8:11] = 3.0
    expected_charge[11] = 1.9 / 0.9
    expected_discharge = np.zeros(24)
    expected_discharge[16:20] = 2.0
    expected_discharge[20] = 1.0
    np.testing.assert_allclose(run.charge_kw, expected_charge, atol=1e-12)
    np.testing.assert_allclose(run.discharge_kw, expected_discharge, atol=1e-12)
    assert run.soc_kwh[11:16] == pytest.approx([10.0] * 5)
    assert run.soc_kwh[-1] == pytest.approx(0.0, abs=1e-12)
    assert run.cycles(battery) == pytest.approx(1.0)  # 10 kWh DC discharged from 10 kWh

    balance = electricity_balance(DAY, pv_kw=pv, loads_kw={"flat": load}, battery=battery)
    assert balance["grid_import_kwh"].sum() == pytest.approx(23.0)
    assert balance["grid_export_kwh"].sum() == pytest.approx(24.0 - 10.0 / 0.9)
    assert balance["battery_charge_kwh"].sum() - balance["battery_discharge_kwh"].sum() == pytest.approx(10.0 / 0.9 - 9.0)
    assert balance["self_consumed_kwh"].sum() == pytest.approx(16.0 + 10.0 / 0.9)  # direct + charged from PV
    np.testing.assert_allclose(balance_residual_kwh(balance), 0.0, atol=1e-12)
    without = electricity_balance(DAY, pv_kw=pv, loads_kw={"flat": load})
    assert without["grid_import_kwh"].sum() == pytest.approx(32.0)
    assert balance_kpis(balance)["self_sufficiency"] == pytest.approx(1.0 - 23.0 / 48.0)


def test_self_discharge_and_standby():
    """A full 10 kWh battery at rest for 730 h at 2 %/month keeps 10 (1 - 0.02/730)^730; 50 W standby is a load."""
    battery = Battery(10.0, 5.0, soc_initial_frac=1.0, self_discharge_frac_per_month=0.02, standby_w=50.0)
    n = int(HOURS_PER_MONTH)
    run = dispatch_battery(battery, np.zeros(n), np.zeros(n), step_h=1.0)
    assert run.soc_kwh[-1] == pytest.approx(10.0 * (1.0 - 0.02 / 730.0) ** 730)
    assert run.self_discharge_kwh.sum() == pytest.approx(10.0 - run.soc_kwh[-1])
    np.testing.assert_allclose(battery_residual_kwh(battery, run), 0.0, atol=1e-12)
    index = pd.date_range("2025-01-01", periods=24, freq="h", tz="Europe/Brussels")
    lossless = Battery(10.0, 5.0, round_trip_efficiency=1.0, soc_initial_frac=1.0, self_discharge_frac_per_month=0.0,
                       standby_w=50.0)
    balance = electricity_balance(index, pv_kw=np.zeros(24), loads_kw={"x": np.full(24, 1.0)}, battery=lossless)
    assert balance["load_battery_standby_kwh"].sum() == pytest.approx(24 * 0.05)
    # 24 h x 1.05 kW = 25.2 kWh of load, of which the full lossless battery gives 10 kWh
    assert balance["grid_import_kwh"].sum() == pytest.approx(15.2)
    assert balance["battery_discharge_kwh"].iloc[:9].tolist() == pytest.approx([1.05] * 9)


# --------------------------------------------------------------------------- invariants over random series
_series = st.lists(st.floats(0.0, 50.0), min_size=2, max_size=96)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), pv=_series, capacity=st.floats(1.0, 200.0), power=st.floats(0.5, 100.0),
       rte=st.floats(0.5, 1.0), lo=st.floats(0.0, 0.4), hi=st.floats(0.6, 1.0),
       limit=st.one_of(st.none(), st.floats(0.0, 60.0)), reserve=st.floats(0.0, 1.0), step_h=st.sampled_from([1.0, 0.25]),
       self_discharge=st.sampled_from([0.0, 0.02]))
def test_never_charges_and_discharges_at_once_and_stays_within_its_limits(data, pv, capacity, power, rte, lo, hi, limit,
                                                                          reserve, step_h, self_discharge):
    """Self-discharge may let the SoC drift below the lower limit (the dispatch never takes it there)."""
    load = data.draw(st.lists(st.floats(0.0, 50.0), min_size=len(pv), max_size=len(pv)))
    battery = Battery(capacity, power, round_trip_efficiency=rte, soc_min_frac=lo, soc_max_frac=hi,
                      peak_limit_kw=limit, peak_reserve_frac=reserve, self_discharge_frac_per_month=self_discharge)
    pv, load = np.array(pv), np.array(load)
    month = np.repeat([0, 1], [len(pv) // 2, len(pv) - len(pv) // 2])
    run = dispatch_battery(battery, pv, load, step_h=step_h, month=month)
    assert not ((run.charge_kw > 0) & (run.discharge_kw > 0)).any()
    assert (run.charge_kw >= 0).all() and (run.discharge_kw >= 0).all()
    assert (run.charge_kw <= power + 1e-9).all() and (run.discharge_kw <= power + 1e-9).all()
    assert (run.soc_kwh <= hi * capacity + 1e-9).all()
    below = run.soc_kwh < lo * capacity - 1e-9
    if self_discharge == 0.0:
        assert not below.any()
    assert (run.discharge_kw[below] == 0.0).all()
    assert (run.discharge_kw <= np.maximum(load - pv, 0.0) + 1e-9).all()  # never exports
    assert (run.charge_kw - run.grid_charge_kw <= np.maximum(pv - load, 0.0) + 1e-9).all()  # PV charge <= surplus
    np.testing.assert_allclose(battery_residual_kwh(battery, run), 0.0, atol=1e-9)
    index = pd.date_range("2025-03-01", periods=len(pv), freq=f"{int(step_h * 60)}min", tz="Europe/Brussels")
    balance = electricity_balance(index, pv_kw=pv, loads_kw={"x": load}, battery=battery, export_limit_kw=10.0)
    np.testing.assert_allclose(balance_residual_kwh(balance), 0.0, atol=1e-9)
    assert (balance[["grid_import_kwh", "grid_export_kwh", "curtailed_kwh"]] >= 0).all().all()


# --------------------------------------------------------------------------- peak shaving
def _spiky(n_days: int = 3) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """10 kW all day, 30 kW from 18:00 to 19:00 every day."""
    index = pd.date_range("2025-01-01", periods=24 * n_days, freq="h", tz="Europe/Brussels")
    load = np.full(len(index), 10.0)
    load[18::24] = 30.0
    return index, load


def test_peak_shaving_lowers_the_monthly_peak_when_it_can():
    """Empty at first, the battery recharges from the grid below the 20 kW limit to its 10 kWh reserve (half of
    20 kWh), then covers the 10 kW above the limit each evening: the peak falls from 30 to 20 kW."""
    index, load = _spiky()
    pv = np.zeros(len(index))
    battery = Battery(20.0, 10.0, round_trip_efficiency=1.0, self_discharge_frac_per_month=0.0, peak_limit_kw=20.0)
    balance = electricity_balance(index, pv_kw=pv, loads_kw={"x": load}, battery=battery)
    without = electricity_balance(index, pv_kw=pv, loads_kw={"x": load})
    assert monthly_peak_import_kw(without).iloc[0] == pytest.approx(30.0)
    assert monthly_peak_import_kw(balance).iloc[0] == pytest.approx(20.0)
    assert balance["battery_discharge_kwh"].iloc[18::24].tolist() == pytest.approx([10.0] * 3)
    # the first hour recharges by the 10 kW headroom under the limit, to the 10 kWh reserve
    assert balance["battery_grid_charge_kwh"].iloc[0] == pytest.approx(10.0)
    assert balance["battery_soc_kwh"].iloc[17] == pytest.approx(10.0)
    # a self-consumption battery with no PV stays empty and shaves nothing
    plain = electricity_balance(index, pv_kw=pv, loads_kw={"x": load},
                                battery=Battery(20.0, 10.0, self_discharge_frac_per_month=0.0))
    assert monthly_peak_import_kw(plain).iloc[0] == pytest.approx(30.0)


def test_peak_shaving_is_bounded_by_the_battery_power():
    """A 25 kW limit under a 30 kW spike with only 2 kW of power: the peak falls to 28 kW, no lower."""
    index, load = _spiky()
    battery = Battery(20.0, 2.0, round_trip_efficiency=1.0, self_discharge_frac_per_month=0.0, peak_limit_kw=15.0,
                      soc_initial_frac=1.0)
    balance = electricity_balance(index, pv_kw=np.zeros(len(index)), loads_kw={"x": load}, battery=battery)
    assert monthly_peak_import_kw(balance).iloc[0] == pytest.approx(28.0)


# --------------------------------------------------------------------------- ageing and costs
def test_life_by_hand():
    """a = 0.015/year, b = 4.1e-5/cycle. 365 cycles a year: fade 0.015 + 0.014965 = 0.029965/year, 0.30 / 0.029965
    = 10.01 years -> replaced every 10 years, mean SoH 1 - 0.029965 x 10 / 2 = 0.850. No cycling: 20 years to 70 %,
    the 15-year calendar life comes first, mean SoH 1 - 0.015 x 15 / 2 = 0.8875."""
    battery = Battery(30.0, 15.0)
    life = battery.life(365.0)
    assert (life.replacement_years, life.limited_by) == (10, "cycling and calendar fade")
    assert life.mean_soh == pytest.approx(1.0 - 0.029965 * 5.0)
    idle = battery.life(0.0)
    assert (idle.replacement_years, idle.limited_by, idle.mean_soh) == (15, "calendar life", pytest.approx(0.8875))
    assert battery.aged(0.85).capacity_kwh == pytest.approx(25.5)


def test_battery_investment_from_the_cost_table():
    """20 kWh at the reference size: 20 x 550 EUR; bought again every replacement interval; standard VAT."""
    costs = load_cost_table()
    (item,) = battery_investments(Battery(20.0, 10.0), costs, replacement_years=9)
    assert item.capex_eur == pytest.approx(20 * 550.0)
    assert (item.lifetime_years, item.vat_class) == (9, "standard")
    (default,) = battery_investments(Battery(20.0, 10.0), costs)
    assert default.lifetime_years == costs.lifetime_years("battery") == 15
    row = costs.table.loc["battery"]
    assert "mgwsim assumption" in row["source"] and int(row["year"]) == 2026


# --------------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize(("kwargs", "message"), [
    ({"capacity_kwh": 0.0}, r"Battery.capacity_kwh = 0"),
    ({"power_kw": -1.0}, r"Battery.power_kw = -1"),
    ({"round_trip_efficiency": 1.2}, r"Battery.round_trip_efficiency = 1.2"),
    ({"soc_min_frac": 0.8, "soc_max_frac": 0.5}, r"soc_max_frac = 0.5 must be greater than soc_min_frac = 0.8"),
    ({"soc_initial_frac": 0.95, "soc_max_frac": 0.9}, r"Battery.soc_initial_frac = 0.95"),
    ({"calendar_life_years": 12.5}, r"calendar_life_years must be a whole number"),
    ({"peak_limit_kw": -5.0}, r"Battery.peak_limit_kw = -5"),
    ({"end_of_life_soh": 1.0}, r"Battery.end_of_life_soh = 1"),
])
def test_bad_battery_inputs_are_refused(kwargs, message):
    args = {"capacity_kwh": 10.0, "power_kw": 5.0} | kwargs
    with pytest.raises(InputError, match=message):
        Battery(**args)


def test_the_balance_refuses_what_is_not_a_battery():
    pv, load = _day()
    with pytest.raises(InputError, match="electricity_balance.battery must be a Battery, got dict"):
        electricity_balance(DAY, pv_kw=pv, loads_kw={"x": load}, battery={"capacity_kwh": 10.0})


def test_dispatch_refuses_mismatched_series():
    with pytest.raises(InputError, match=r"dispatch_battery.pv_kw has 3 values, expected 4"):
        dispatch_battery(Battery(10.0, 5.0), np.zeros(3), np.zeros(4), step_h=1.0)
    with pytest.raises(InputError, match=r"dispatch_battery.load_kw\[1\] = .*-1\.0.* is below the allowed minimum 0"):
        dispatch_battery(Battery(10.0, 5.0), np.zeros(2), np.array([0.0, -1.0]), step_h=1.0)


# --------------------------------------------------------------------------- TOML and the study
MINIMAL = {
    "building": {"typology": "AB.02", "floor_area_m2": 900.0, "n_apartments": 12, "n_storeys": 4},
    "reference": {"gas_boiler_kw": 90.0},
    "variants": [
        {"name": "hp + pv", "plant": {"heat_pumps": {"refrigerant": "R290", "rated_kw": 40.0, "n_units": 2},
                                      "buffer": {"volume_l": 1000.0},
                                      "backup": {"kind": "gas_boiler", "capacity_kw": 90.0, "efficiency": 0.8}},
         "pv": [{"layout": "flat_roof_east_west", "area_m2": 200.0, "kwp": 20.0}]},
        {"name": "hp + pv + battery", "based_on": "hp + pv",
         "battery": {"capacity_kwh": 20.0, "power_kw": 10.0, "round_trip_efficiency": 0.9}},
    ],
}


def test_toml_battery_keys_are_checked():
    bad = copy.deepcopy(MINIMAL)
    bad["variants"][1]["battery"]["power_kw"] = -3.0
    with pytest.raises(InputError, match=r"variants\[1\].battery.power_kw = -3"):
        read_config(bad)
    bad["variants"][1]["battery"] = {"capacity_kwh": 20.0, "power_kw": 10.0, "capacity": 5}
    with pytest.raises(InputError, match="capacity"):
        read_config(bad)
    missing = copy.deepcopy(MINIMAL)
    del missing["variants"][1]["battery"]["capacity_kwh"]
    with pytest.raises(InputError, match="capacity_kwh"):
        read_config(missing)
    reference = copy.deepcopy(MINIMAL)
    reference["reference"]["battery"] = {"capacity_kwh": 20.0, "power_kw": 10.0}
    with pytest.raises(InputError, match="battery"):
        read_config(reference)


def test_a_toml_variant_with_a_battery_loads_and_runs():
    study = read_config(MINIMAL).study
    plain, with_battery = study.variants
    assert plain.battery is None and with_battery.battery == Battery(20.0, 10.0, round_trip_efficiency=0.9)
    a, b = (evaluate_variant(study.inputs, v) for v in (plain, with_battery))
    np.testing.assert_allclose(balance_residual_kwh(b.balance), 0.0, atol=1e-9)
    # the battery moves PV from export to own use: less import and export, lower electricity bill, less CO2
    assert b.balance["grid_import_kwh"].sum() < a.balance["grid_import_kwh"].sum()
    assert b.balance["grid_export_kwh"].sum() < a.balance["grid_export_kwh"].sum()
    assert b.energy_kpis()["self_consumption"] > a.energy_kpis()["self_consumption"]
    assert b.energy_cost_eur["electricity"] < a.energy_cost_eur["electricity"]
    assert b.co2_kg < a.co2_kg
    # the life comes from a first pass with the new battery; the year is then run at the mean SoH
    battery, step_h = with_battery.battery, study.inputs.weather.step_h
    loads = {name: b.balance[f"load_{name}_kwh"].to_numpy() / step_h for name in ("heat_plant", "common_area", "ev")}
    first = electricity_balance(b.balance.index, pv_kw=b.pv_kw, loads_kw=loads, battery=battery)
    hours = len(first) * step_h
    cycles = first["battery_discharge_kwh"].sum() / math.sqrt(0.9) / 20.0 * 8760.0 / hours
    assert b.battery_life == battery.life(cycles)
    assert b.balance["battery_soc_kwh"].max() <= 20.0 * b.battery_life.mean_soh + 1e-9
    assert first["battery_soc_kwh"].max() == pytest.approx(20.0)
    (item,) = [i for i in b.investments if i.name.startswith("battery")]
    assert item.lifetime_years == b.battery_life.replacement_years and item.capex_eur == pytest.approx(20 * 550.0)
    assert not any(i.name.startswith("battery") for i in a.investments)


# --------------------------------------------------------------------------- the LP bound
def test_the_lp_bound_equals_the_rule_on_the_day_by_hand():
    """On the day by hand the rule is optimal (store all it can of the surplus, use it in the evening): the bound
    costs the same, 23 kWh x 0.30 - 12.889 kWh x 0.03 EUR."""
    from mgwsim.battery_lp import battery_rule_cost, optimal_battery_dispatch
    pv, load = _day()
    battery = Battery(10.0, 4.0, round_trip_efficiency=0.81, self_discharge_frac_per_month=0.0)
    prices = {"import_price_eur_per_kwh": 0.30, "export_price_eur_per_kwh": 0.03}
    bound = optimal_battery_dispatch(battery, DAY, pv, load, **prices)
    rule = battery_rule_cost(electricity_balance(DAY, pv_kw=pv, loads_kw={"x": load}, battery=battery), **prices)
    expected = 23.0 * 0.30 - (24.0 - 10.0 / 0.9) * 0.03
    assert rule["total_eur"] == pytest.approx(expected)
    assert bound.costs["total_eur"] == pytest.approx(expected, abs=1e-6)


@settings(max_examples=25, deadline=None)
@given(pv=st.lists(st.floats(0.0, 30.0), min_size=48, max_size=48), base=st.floats(0.0, 20.0),
       capacity=st.floats(1.0, 50.0), power=st.floats(0.5, 20.0), limit=st.one_of(st.none(), st.floats(0.0, 30.0)),
       tariff=st.floats(0.0, 100.0))
def test_the_lp_bound_is_never_above_the_rule(pv, base, capacity, power, limit, tariff):
    from mgwsim.battery_lp import battery_rule_cost, optimal_battery_dispatch
    index = pd.date_range("2025-01-31", periods=48, freq="h", tz="Europe/Brussels")  # two billing months
    load = base + 10.0 * (np.arange(48) % 24 == 18)
    battery = Battery(capacity, power, peak_limit_kw=limit)
    prices = {"import_price_eur_per_kwh": 0.30, "export_price_eur_per_kwh": 0.03,
              "capacity_tariff_eur_per_kw_year": tariff}
    bound = optimal_battery_dispatch(battery, index, np.array(pv), load, **prices)
    rule = battery_rule_cost(electricity_balance(index, pv_kw=np.array(pv), loads_kw={"x": load}, battery=battery),
                             **prices)
    assert bound.costs["total_eur"] <= rule["total_eur"] + 1e-6
