"""Weather: the hourly outdoor conditions of a site, and where they come from.

A :class:`Weather` holds an hourly, tz-aware DataFrame whose rows are the *mean over the
hour that starts at the row's timestamp* (period-beginning labels), with unit-suffixed
columns:

================================  =========================================
``temp_air_degc``                 dry-bulb air temperature [°C]
``ghi_w_m2``                      global horizontal irradiance [W/m²]
``dni_w_m2``                      direct normal irradiance [W/m²]
``dhi_w_m2``                      diffuse horizontal irradiance [W/m²]
``wind_speed_m_s``                wind speed at 10 m [m/s]
``pressure_hpa``                  air pressure [hPa]
``relative_humidity_pct``         relative humidity [%] (optional column)
================================  =========================================
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mgwsim.errors import check_number

REQUIRED_COLUMNS = ("temp_air_degc", "ghi_w_m2", "dni_w_m2", "dhi_w_m2", "wind_speed_m_s", "pressure_hpa")
OPTIONAL_COLUMNS = ("relative_humidity_pct",)


@dataclass(frozen=True)
class Site:
    """Where a building stands.

    Parameters
    ----------
    name : str
        A readable name ("Antwerpen", "Uccle").
    latitude_deg, longitude_deg : float
        WGS84 coordinates [°], east positive.
    altitude_m : float
        Height above sea level [m].
    municipality : str, optional
        Belgian municipality, used for the national design outdoor temperature.
    """

    name: str
    latitude_deg: float
    longitude_deg: float
    altitude_m: float = 0.0
    municipality: str | None = None

    def __post_init__(self):
        check_number(self.latitude_deg, "latitude_deg", owner="Site", low=-90, high=90, unit="deg")
        check_number(self.longitude_deg, "longitude_deg", owner="Site", low=-180, high=180, unit="deg")
        check_number(self.altitude_m, "altitude_m", owner="Site", low=-500, high=9000, unit="m")


@dataclass(frozen=True, eq=False)
class Weather:
    """An hourly weather series for a site (see the module docstring for the columns)."""

    data: pd.DataFrame
    site: Site
    source: str = "user data"
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def index(self) -> pd.DatetimeIndex:
        return self.data.index

    @property
    def n_hours(self) -> int:
        return len(self.data)

    def column(self, name: str) -> np.ndarray:
        """A column as a contiguous float64 array (the form the kernels take)."""
        return np.ascontiguousarray(self.data[name].to_numpy(dtype=np.float64))

    @property
    def temp_air_degc(self) -> np.ndarray:
        return self.column("temp_air_degc")


UCCLE = Site("Uccle", 50.81, 4.34, altitude_m=68.0, municipality="Ukkel")
"""The site of the embedded default weather year (NSRDB grid cell 454992)."""


def default_weather() -> Weather:
    """The embedded default year: NSRDB PSM 2019 for Uccle, hourly (see ``data/weather/README.md``)."""
    from mgwsim._data import data_path

    data = pd.read_csv(data_path("weather", "uccle_nsrdb_2019_hourly.csv.gz"), index_col=0, parse_dates=True)
    data.index = pd.DatetimeIndex(data.index, name="time")
    return Weather(data=data.astype(np.float64), site=UCCLE, source="NSRDB PSM v3 2019, Uccle (embedded default)")
