"""Make the SYNTHETIC measured data of examples/measured/ (see README.md there): run once, files committed.

A "true" building (the typology of study.toml, but warmer, leakier and a little worse insulated, with its
own hot-water use and an old boiler) is simulated by mgwsim on weather years made from the embedded
Uccle 2019 year (NSRDB) with a random daily temperature anomaly per year; noise is added and the result
is written in the layouts the readers document:

* ``weather_2021.epw.gz`` .. ``weather_2023.epw.gz``, ``weather_2025.epw.gz``: EPW files of the
  synthetic years (the embedded 2019 irradiance, wind and pressure; temperature + anomaly);
* ``gas_bills_2021_2023.csv``: 36 monthly gas bills in m³ with the conversion factor and calorific
  value of a Belgian bill (:func:`mgwsim.measured.read_gas_bills`);
* after the works (2025), the variant "heat pumps + PV" as built on the true building, whose heat
  pumps use :data:`COP_SHORTFALL` more electricity than designed:
  ``heatpump_monitoring_2025.csv.gz`` (hourly, :func:`mgwsim.measured.read_heatpump_monitoring`, with
  the PV inverter's production and the backup boiler's gas on the same logger) and
  ``fluvius_2025.csv.gz`` (the digital meter's quarter hours of the common connection, Fluvius
  layout, :func:`mgwsim.measured.read_fluvius_quarter_hours`).

Run from the repository root: ``PYTHONPATH=src python examples/measured/make_example_data.py``.
"""

from __future__ import annotations

import gzip
import tomllib
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

import mgwsim
from mgwsim.config import read_config
from mgwsim.measured import simulated_daily_gas_kwh, simulated_monitoring
from mgwsim.measured.calibration import building_with
from mgwsim.study.evaluate import evaluate_variant

HERE = Path(__file__).parent
SEED = 19
TRUTH = {"setpoint_degc": 21.0, "infiltration_per_h": 0.55, "u_scale": 1.1, "litres_per_person_day": 48.0,
         "boiler_efficiency": 0.87}
"""The true building's parameters (the calibration should find them within its uncertainty)."""
YEAR_OFFSETS_K = {2021: -0.5, 2022: 0.7, 2023: 0.3, 2025: 0.9}
"""Mean temperature shift of each synthetic year against Uccle 2019 [K]."""
DAILY_NOISE_FRAC = 0.04
"""Day-to-day scatter of gas use around the simulation [-, of the mean day]."""
COP_SHORTFALL = 0.10
"""The heat pumps as built use 1 / (1 - 0.10) times the simulated electricity (a COP 10 % below design)."""
FACTOR, CALORIFIC = 0.9812, 11.52
"""Conversion factor [-] and upper calorific value [kWh/m³(n)] printed on the bills."""


def synthetic_year(year: int, rng) -> pd.DataFrame:
    """Hourly weather of ``year`` (local standard time, UTC+1, as an EPW holds it): Uccle 2019 + an anomaly."""
    base = mgwsim.default_weather().data
    fixed = base.tz_convert("Etc/GMT-1")
    days = fixed.index.normalize()
    n_days = days.nunique()
    anomaly = np.zeros(n_days)
    for i in range(1, n_days):  # AR(1) daily anomaly, 2 K spread, a few days' memory
        anomaly[i] = 0.7 * anomaly[i - 1] + rng.normal(0.0, 2.0 * np.sqrt(1 - 0.7**2))
    day_number = pd.Series(np.arange(n_days), index=days.unique()).reindex(days).to_numpy()
    frame = fixed.copy()
    frame["temp_air_degc"] = fixed["temp_air_degc"].to_numpy() + YEAR_OFFSETS_K[year] + anomaly[day_number]
    frame.index = pd.DatetimeIndex([t.replace(year=year) for t in fixed.index])
    return frame


def write_epw(frame: pd.DataFrame, path: Path, year: int) -> None:
    """An EPW file (EnergyPlus Auxiliary Programs, Weather Converter, data dictionary: 8 header records and 35
    fields per hour, hour 1 = the hour ending 01:00 local standard time)."""
    header = [
        "LOCATION,Uccle (synthetic),VLG,BEL,mgwsim synthetic from NSRDB 2019,064470,50.81,4.34,1.0,68.0",
        "DESIGN CONDITIONS,0", "TYPICAL/EXTREME PERIODS,0", "GROUND TEMPERATURES,0",
        "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0",
        f"COMMENTS 1,SYNTHETIC weather year {year} for the mgwsim measured-data example (not a measurement)",
        "COMMENTS 2,embedded Uccle 2019 (NSRDB) irradiance wind and pressure; temperature shifted by an anomaly",
        "DATA PERIODS,1,1,Data,Tuesday,1/1,12/31",
    ]
    lines = []
    for t, row in frame.iterrows():
        temp = row["temp_air_degc"]
        lines.append(",".join(str(v) for v in (
            t.year, t.month, t.day, t.hour + 1, 60, "?9?9?9?9E0?9?9?9?9?9?9?9?9?9?9?9?9?9?9?9*9*9?9?9?9",
            f"{temp:.1f}", f"{temp - 3.0:.1f}", 80, int(round(row["pressure_hpa"] * 100)), 9999, 9999, 9999,
            int(round(row["ghi_w_m2"])), int(round(row["dni_w_m2"])), int(round(row["dhi_w_m2"])),
            999999, 999999, 999999, 9999, 180, f"{row['wind_speed_m_s']:.1f}", 5, 5, 9999, 99999, 9, 999999999,
            999, 0.999, 999, 99, 999, 999, 99)))
    with gzip.open(path, "wt", encoding="latin-1", newline="\n") as handle:
        handle.write("\n".join(header + lines) + "\n")


def main() -> None:
    rng = np.random.default_rng(SEED)
    for year in (2021, 2022, 2023, 2025):
        write_epw(synthetic_year(year, rng), HERE / f"weather_{year}.epw.gz", year)
    weathers = {year: mgwsim.read_epw(HERE / f"weather_{year}.epw.gz") for year in (2021, 2022, 2023, 2025)}

    config = read_config(tomllib.loads((HERE / "study.toml").read_text(encoding="utf-8").split("[measured]")[0]))
    described = config.study.inputs.building
    truth = building_with(described, TRUTH["setpoint_degc"], TRUTH["infiltration_per_h"], TRUTH["u_scale"])

    # --- the bills before the works
    daily = simulated_daily_gas_kwh(truth, [weathers[y] for y in (2021, 2022, 2023)],
                                    litres_per_person_day=TRUTH["litres_per_person_day"],
                                    boiler_efficiency=TRUTH["boiler_efficiency"])
    noisy = (daily + rng.normal(0.0, DAILY_NOISE_FRAC * daily.mean(), daily.size)).clip(lower=0.0)
    monthly = noisy.groupby(noisy.index.to_period("M")).sum()
    pd.DataFrame({
        "start": [p.start_time.strftime("%d/%m/%Y") for p in monthly.index],
        "end": [p.end_time.strftime("%d/%m/%Y") for p in monthly.index],
        "volume_m3": np.round(monthly.to_numpy() / (FACTOR * CALORIFIC), 0).astype(int),
        "conversion_factor": FACTOR, "calorific_value_kwh_per_m3": CALORIFIC,
    }).to_csv(HERE / "gas_bills_2021_2023.csv", index=False)

    # --- after the works: the variant as built on the true building, 2025 weather, a COP 10 % low
    occupants = 2.0 * TRUTH["litres_per_person_day"] / 40.0
    inputs = replace(config.study.inputs, building=truth, weather=weathers[2025],
                     radiators=config.study.inputs.existing_radiators, occupants_per_apartment=occupants)
    result = evaluate_variant(inputs, config.study.variants[0])
    simulated = simulated_monitoring(result.system, result.balance, boundary="H2")
    local = simulated.tz_convert("Europe/Brussels")
    extra = local["electricity_kwh"] * (1.0 / (1.0 - COP_SHORTFALL) - 1.0)
    supply = result.system.hourly["hp_sink_sh_degc"].fillna(35.0).clip(25.0, 75.0).to_numpy()
    meter_noise = rng.normal(1.0, 0.01, len(local)).clip(0.97, 1.03)
    pd.DataFrame({
        "time": local.index.strftime("%Y-%m-%d %H:%M"),
        "electricity_kwh": np.round((local["electricity_kwh"] + extra).to_numpy() * meter_noise, 3),
        "heat_kwh": np.round(local["heat_kwh"].to_numpy() * meter_noise, 3),
        "supply_temp_degc": np.round(supply, 1),
        "return_temp_degc": np.round(supply - 5.0, 1),
        "pv_kwh": np.round(local["pv_kwh"].to_numpy(), 3),
        "gas_kwh": np.round(local["gas_kwh"].to_numpy(), 3),
    }).to_csv(HERE / "heatpump_monitoring_2025.csv.gz", index=False)

    # the connection's quarter hours: the simulated offtake plus the extra heat-pump electricity, injection as is
    quarters = pd.date_range(local.index[0], periods=4 * len(local), freq="15min")
    offtake = np.repeat(((local["import_kwh"] + extra) / 4.0).to_numpy(), 4)
    injection = np.repeat((local["export_kwh"] / 4.0).to_numpy(), 4)
    day = (quarters.hour >= 7) & (quarters.hour < 22) & (quarters.day_of_week < 5)
    tariff = np.where(day, "Dag", "Nacht")
    ends = quarters.tz_localize(None) + pd.Timedelta(minutes=15)  # wall clock, as the reader checks it
    rows = []
    for register, volume in (("Afname", offtake), ("Injectie", injection)):
        rows.append(pd.DataFrame({
            "Van datum": quarters.strftime("%d-%m-%Y"), "Van tijdstip": quarters.strftime("%H:%M:%S"),
            "Tot datum": ends.strftime("%d-%m-%Y"), "Tot tijdstip": ends.strftime("%H:%M:%S"),
            "EAN": "541448800000000000", "Meter": "1SAG0000000000", "Metertype": "Digitale Meter",
            "Register": [f"{register} {t}" for t in tariff],
            "Volume": [f"{v:.3f}".replace(".", ",") for v in volume], "Eenheid": "kWh",
            "Validatiestatus": "Gevalideerd", "order": np.arange(len(quarters))}))
    export = pd.concat(rows).sort_values(["order", "Register"], kind="stable").drop(columns="order")
    export.to_csv(HERE / "fluvius_2025.csv.gz", sep=";", index=False)


if __name__ == "__main__":
    main()
