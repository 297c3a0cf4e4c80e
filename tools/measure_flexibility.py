"""Measure the flexibility controllers on the example building with Belgian day-ahead prices 2022–24.

Usage::

    PYTHONPATH=src python tools/measure_flexibility.py [path/to/BE_DAM_prices_2022_2024_entsoe.csv]

The plant and bill of ``notebooks/03_pv_ev_control.ipynb`` (two 60 kW R290 heat pumps, 2,000 l
buffer, 1,500 l hot-water tank, gas boiler backup, 30 kWp PV, common-area load; dynamic
low-voltage contract ``lv_fluvius_antwerpen_2026`` with its capacity tariff, ``gas_2026``),
without the EVs, on the coupled year (zone inside the plant loop). Each price year is laid on
the weather's calendar by local wall-clock time with weekdays matched
(:func:`mgwsim.tariffs.lay_on_calendar`); 2024 runs until 28 July, so its year is completed
with the 2023 days of the same date and only January–June is counted ("2024 H1").

Rows: heat-led; the hour-by-hour price-led rule of :mod:`mgwsim.control` (no look-ahead);
look-ahead storage (:func:`mgwsim.flexibility.storage_offsets`); look-ahead storage + mass
(:func:`mgwsim.flexibility.mass_offsets`); the LP bound (:func:`mgwsim.dispatch.optimal_dispatch`
on the heat-led run, backup limited to the heat-led run's, ``backup_as_run=True``).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import mgwsim
from mgwsim.control import Control
from mgwsim.dispatch import _costs, optimal_dispatch
from mgwsim.examples import ANTWERPEN, antwerp_block
from mgwsim.flexibility import mass_allowed, mass_offsets, storage_offsets
from mgwsim.heatpump import air_to_water
from mgwsim.loads import common_area_loads_kw
from mgwsim.pv import flat_roof_east_west, pv_ac_kw_array
from mgwsim.storage import Tank
from mgwsim.system import Backup, HeatPumpCascade, HotWater, Plant, simulate_system
from mgwsim.tariffs import lay_on_calendar, load_tariff, read_day_ahead_csv

DEFAULT_PRICES = (Path(__file__).resolve().parents[2] / "shared" / "data" / "prices"
                  / "BE_DAM_prices_2022_2024_entsoe.csv")


def setup(buffer_l: float = 2000.0):
    """Weather, building demand, plant, PV, common load and the tariff terms of notebook 03."""
    default = mgwsim.default_weather()
    weather = mgwsim.Weather(default.data, ANTWERPEN, source=default.source + ", used for Antwerpen")
    building = antwerp_block()
    plant = Plant(HeatPumpCascade(air_to_water("R290", 60.0), n_units=2),
                  HotWater(Tank(1500.0, min_degc=55.0, max_degc=75.0), booster_kw=18.0),
                  buffer=Tank(buffer_l, min_degc=20.0, max_degc=80.0),
                  backup=Backup("gas_boiler", capacity_kw=150.0, efficiency=0.80))
    demand = mgwsim.simulate_demand(building, weather)
    pv = pv_ac_kw_array(weather, flat_roof_east_west(300.0, kwp=30.0))
    common = common_area_loads_kw(weather.index, building, design_heat_load_kw=building.design_heat_load_kw(
        demand.design_temperature_degc))["total_kw"].to_numpy()
    return weather, building, plant, demand, pv, common


def tariff_terms(day_ahead: np.ndarray) -> dict:
    """All-in import, export, gas and capacity prices of notebook 03's dynamic contract."""
    lv, gas = load_tariff("lv_fluvius_antwerpen_2026"), load_tariff("gas_2026")
    per_kwh = (lv["dynamic_markup_eur_per_kwh"] + lv["distribution_eur_per_kwh"] + lv["energy_contribution_eur_per_kwh"]
               + lv["green_certificates_eur_per_kwh"] + lv["chp_certificates_eur_per_kwh"] + lv.excise_bands[-1][1])
    return {
        "import": (lv["dynamic_multiplier"] * day_ahead + per_kwh) * (1.0 + lv["vat_frac"]),
        "export": np.minimum(lv["injection_multiplier"] * day_ahead + lv["injection_markup_eur_per_kwh"],
                             (lv["dynamic_multiplier"] * day_ahead + per_kwh) * (1.0 + lv["vat_frac"])),
        "gas": (gas["energy_eur_per_kwh"] + gas["distribution_eur_per_kwh"] + gas["transport_eur_per_kwh"]
                + gas["energy_contribution_eur_per_kwh"] + gas.excise_bands[-1][1]) * (1.0 + gas["vat_frac"]),
        "tariff": lv["capacity_eur_per_kw_year"] * (1.0 + lv["vat_frac"]),
    }


def day_ahead_years(path: Path, index: pd.DatetimeIndex) -> dict[str, np.ndarray]:
    """The Belgian day-ahead years laid on ``index``'s calendar; 2024 completed with 2023 from 29 July."""
    prices = read_day_ahead_csv(path)
    local_year = prices.index.tz_convert("Europe/Brussels").year
    out = {str(y): lay_on_calendar(prices[local_year == y], y, index) for y in (2022, 2023)}
    p24 = prices[local_year == 2024]
    filler = prices[local_year == 2023]
    filler.index = (filler.index.tz_convert("Europe/Brussels").tz_localize(None) + pd.DateOffset(years=1))
    filler = filler[~filler.index.duplicated()]
    filler.index = filler.index.tz_localize("Europe/Brussels", ambiguous="NaT", nonexistent="NaT")
    filler = filler[filler.index.notna()].tz_convert("UTC")
    full = pd.concat([p24, filler[filler.index > p24.index[-1]]])
    full = full[~full.index.duplicated()].sort_index()
    full = full.reindex(pd.date_range(full.index[0], full.index[-1], freq="h")).interpolate()
    out["2024 H1"] = lay_on_calendar(full, 2024, index)
    return out


def cost(index, plant_elec_kwh, gas_kwh, pv, common, prices, mask) -> float:
    """Energy + capacity + gas [EUR] over the steps of ``mask`` (the cost function of mgwsim.dispatch)."""
    load = plant_elec_kwh + common
    imp, exp = np.maximum(load - pv, 0.0), np.maximum(pv - load, 0.0)
    p = {"import": prices["import"][mask], "export": prices["export"][mask], "gas": prices["gas"],
         "tariff": prices["tariff"]}
    terms, _ = _costs(index[mask], imp[mask], exp[mask], gas_kwh[mask], p)
    return float(terms["total_eur"])


def comfort(system, base_setpoint, mask) -> tuple[float, float]:
    """(hours below the scheduled setpoint − 1 K, hours above 26 °C) of a coupled run over ``mask``."""
    op = system.operative_degc()
    return float((base_setpoint - op > 1.0)[mask].sum()), float((op > 26.0)[mask].sum())


def measure(path: Path = DEFAULT_PRICES, *, buffer_l: float = 2000.0, lp: bool = True, years=None) -> pd.DataFrame:
    weather, building, plant, demand, pv, common = setup(buffer_l)
    index = weather.index
    base_setpoint = demand.hourly["setpoint_degc"].to_numpy()
    rows = []
    for year, day_ahead in day_ahead_years(path, index).items():
        if years and year not in years:
            continue
        prices = tariff_terms(day_ahead)
        local = index.tz_convert("Europe/Brussels")
        mask = np.asarray(local.month <= 6) if year.endswith("H1") else np.ones(len(index), bool)
        kw = dict(pv_kw=pv, other_load_kw=common, coupled=True)
        runs = {"heat-led": simulate_system(demand, plant, weather, **kw)}
        runs["price-led, no look-ahead"] = simulate_system(demand, plant, weather, control=Control("price_led"),
                                                           price_eur_per_kwh=prices["import"], **kw)
        buf, dhw = storage_offsets(runs["heat-led"], prices["import"], pv_kw=pv, other_load_kw=common)
        runs["look-ahead tanks"] = simulate_system(demand, plant, weather, buffer_offset_k=buf, dhw_offset_k=dhw, **kw)
        mass = mass_offsets(prices["import"], index, demand.hourly["space_heating_kwh"].to_numpy(),
                            allowed=mass_allowed(runs["heat-led"]))
        demand_mass = mgwsim.simulate_demand(building, weather, setpoint_offset_k=mass)
        heat_led_mass = simulate_system(demand_mass, plant, weather, **kw)
        buf_m, dhw_m = storage_offsets(heat_led_mass, prices["import"], pv_kw=pv, other_load_kw=common)
        runs["look-ahead tanks + mass"] = simulate_system(demand_mass, plant, weather, buffer_offset_k=buf_m,
                                                          dhw_offset_k=dhw_m, **kw)
        base = None
        for name, run in runs.items():
            h = run.hourly
            c = cost(index, h["plant_elec_kwh"].to_numpy(), h["gas_kwh"].to_numpy(), pv, common, prices, mask)
            base = c if base is None else base
            cold, hot = comfort(run, base_setpoint, mask)
            rows.append({"year": year, "controller": name, "cost_eur": c, "saving_frac": 1.0 - c / base,
                         "gas_mwh": h["gas_kwh"].to_numpy()[mask].sum() / 1000.0,
                         "cold_hours": cold, "overheating_hours": hot,
                         "unmet_kwh": h["space_heating_unmet_kwh"].to_numpy()[mask].sum()})
        if lp:
            start = time.perf_counter()
            opt = optimal_dispatch(runs["heat-led"], pv_kw=pv, other_load_kw=common,
                                   import_price_eur_per_kwh=prices["import"], export_price_eur_per_kwh=prices["export"],
                                   capacity_tariff_eur_per_kw_year=prices["tariff"],
                                   gas_price_eur_per_kwh=prices["gas"], backup_as_run=True)
            h = opt.hourly
            c = cost(index, h["plant_elec_kwh"].to_numpy(), h["gas_kwh"].to_numpy(), pv, common, prices, mask)
            rows.append({"year": year, "controller": "LP bound (tanks, backup as run)", "cost_eur": c,
                         "saving_frac": 1.0 - c / base, "gas_mwh": h["gas_kwh"].to_numpy()[mask].sum() / 1000.0,
                         "cold_hours": np.nan, "overheating_hours": np.nan,
                         "unmet_kwh": h["space_heating_unmet_kwh"].to_numpy()[mask].sum()})
            print(f"  {year}: LP solved in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return pd.DataFrame(rows)


if __name__ == "__main__":
    table = measure(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PRICES)
    table["saving_pct"] = 100.0 * table.pop("saving_frac")
    with pd.option_context("display.float_format", "{:,.2f}".format, "display.width", 200):
        print(table.to_string(index=False))
