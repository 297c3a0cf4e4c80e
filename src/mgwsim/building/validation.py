"""The heat-demand model under TABULA's own boundary conditions, for validation.

TABULA computes the annual heating need with the seasonal method of EN ISO 13790 (Loga
et al., *TABULA calculation method*, IWU 2013): Belgian conditions are 210 heating days at a
mean outdoor temperature of 6.2 °C, 20 °C inside, solar radiation per orientation over the
heating season (I_Sol_*), internal gains φ_int = 3 W/m², and a temperature-reduction factor
F_red for intermittent heating and partly heated space. Here the same season is replayed
hour by hour through the 5R1C kernel:

* outdoor temperature 6.2 °C every hour of the 210 days;
* F_red applied as an equivalent setpoint θ_e + F_red·(θ_i − θ_e), since TABULA multiplies
  the temperature difference (and so the losses) by F_red;
* each orientation's seasonal radiation spread over the daylight hours 8:00–16:00 with a
  half-sine shape, identical every day;
* internal gains constant at φ_int.

The hourly model finds its own gain utilisation (TABULA's η_h,gn comes from a correlation),
so agreement within a few per cent is expected, not identity.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mgwsim.building.thermal import ZoneParameters, space_heating_from_arrays
from mgwsim.building.typology import building_from_typology, typology_table

_IRRADIANCE_COLUMN = {90.0: "I_Sol_East", 180.0: "I_Sol_South", 270.0: "I_Sol_West", 0.0: "I_Sol_North"}


def _daylight_shape(n_days: int) -> np.ndarray:
    """Hourly weights over ``n_days`` that sum to 1: a half sine from 8:00 to 16:00 each day."""
    hours = np.arange(24)
    day = np.where((hours >= 8) & (hours < 16), np.sin(np.pi * (hours - 7.5) / 8.0), 0.0)
    shape = np.tile(day, n_days)
    return shape / shape.sum()


def tabula_season_demand_kwh_m2(code: str) -> float:
    """Annual space-heating need [kWh/(m²·a)] of a TABULA variant under TABULA's conditions (see module doc)."""
    row = typology_table().loc[code]
    building = building_from_typology(code)
    n_days = int(row["HeatingDays"])
    n_hours = 24 * n_days
    theta_e = float(row["Theta_e"])
    shape = _daylight_shape(n_days)
    solar_w = np.zeros(n_hours)
    for window in building.windows:
        column = "I_Sol_Hor" if window.tilt_deg == 0.0 else _IRRADIANCE_COLUMN[window.azimuth_deg]
        solar_w += window.solar_aperture_m2 * float(row[column]) * 1000.0 * shape
    setpoint = theta_e + float(row["F_red_temp"]) * (building.setpoint_degc - theta_e)
    out = space_heating_from_arrays(
        np.full(n_hours, theta_e),
        np.full(n_hours, building.internal_gains_w_m2 * building.heated_floor_area_m2),
        solar_w,
        np.full(n_hours, setpoint),
        ZoneParameters.from_building(building),
    )
    return float(out[:, 0].sum() / building.heated_floor_area_m2)


def tabula_comparison() -> pd.DataFrame:
    """Model versus TABULA ``q_h_nd`` for every embedded Belgian AB/MFH variant."""
    table = typology_table()
    model = pd.Series({code: tabula_season_demand_kwh_m2(code) for code in table.index})
    result = pd.DataFrame({"tabula_q_h_nd_kwh_m2": table["q_h_nd"], "model_kwh_m2": model.round(1)})
    result["deviation_pct"] = (100.0 * (result["model_kwh_m2"] / result["tabula_q_h_nd_kwh_m2"] - 1.0)).round(1)
    return result
