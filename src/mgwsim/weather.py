"""Weather: the hourly (or 15-minute) outdoor conditions of a site, and where they come from.

A :class:`Weather` holds an hourly or 15-minute, tz-aware DataFrame whose rows are the *mean
over the step that starts at the row's timestamp* (period-beginning labels), with
unit-suffixed columns:

================================  =========================================
``temp_air_degc``                 dry-bulb air temperature [°C]
``ghi_w_m2``                      global horizontal irradiance [W/m²]
``dni_w_m2``                      direct normal irradiance [W/m²]
``dhi_w_m2``                      diffuse horizontal irradiance [W/m²]
``wind_speed_m_s``                wind speed at 10 m [m/s]
``pressure_hpa``                  air pressure [hPa]
``relative_humidity_pct``         relative humidity [%] (optional column)
``ir_horizontal_w_m2``            horizontal long-wave (infrared) irradiance from the sky [W/m²]
                                  (optional column; EPW field 12)
================================  =========================================

Where weather comes from (every reader returns a validated :class:`Weather` on the local
calendar year, see below):

* :func:`default_weather` -- the embedded year (NSRDB PSM v3 2019, Uccle; the file is in UTC).
* :func:`read_epw` -- EnergyPlus weather files (TMYx, IWEC, ...; the files are in local
  standard time).
* :func:`read_pvgis_tmy` / :func:`get_pvgis_tmy` -- PVGIS typical years (file / online,
  cached on disk; the files are in UTC).
* :func:`read_weather_csv` -- any hourly or 15-minute CSV with a time column and a column
  mapping.
* :meth:`Weather.to_quarter_hours` -- a 15-minute year made from an hourly one (energies
  kept, no sub-hourly variability added).

Typical years are assembled from months of different years; the readers re-stamp them
onto one calendar year (:data:`TYPICAL_YEAR` unless told otherwise) so that the index is
regular. **One calendar.** A simulated year is the local (Europe/Brussels) calendar year,
whatever the file's time zone: every reader, :func:`default_weather` and the study lay
the year on it with :meth:`Weather.calendar_year` (rules and sources in
:mod:`mgwsim.simyear`), so the index is tz-aware in ``Europe/Brussels``, starts at
1 January 00:00 local time and bills count 12 months. :func:`validate_weather` states what
every reader checks. The design outdoor temperature is :func:`design_temperature`; annual
figures are :func:`weather_summary`.
"""

from __future__ import annotations

import calendar
import gzip
import io
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from mgwsim._atomic import write_atomically
from mgwsim.errors import DataError, InputError, check_choice, check_number, close_matches
from mgwsim.simyear import LOCAL_TIMEZONE, PERIOD_MAX_DAYS, on_calendar_year
from mgwsim.timestep import step_hours

REQUIRED_COLUMNS = ("temp_air_degc", "ghi_w_m2", "dni_w_m2", "dhi_w_m2", "wind_speed_m_s", "pressure_hpa")
OPTIONAL_COLUMNS = ("relative_humidity_pct", "ir_horizontal_w_m2")
IRRADIANCE_COLUMNS = ("ghi_w_m2", "dni_w_m2", "dhi_w_m2")

YEAR_HOURS = (8760, 8784)
"""Rows of a full hourly calendar year (common, leap) [h]."""

YEAR_QUARTER_HOURS = (35040, 35136)
"""Rows of a full 15-minute calendar year (common, leap)."""

TYPICAL_YEAR = 2019
"""Calendar year onto which typical years (TMY, mixed source years) are re-stamped.

A common year (365 days, no 29 February) that starts on a Tuesday; it is also the year of
the embedded default weather, so both carry the same calendar (weekdays, holidays).
"""

PHYSICAL_LIMITS = {
    "temp_air_degc": (-60.0, 60.0, "degC"),
    "ghi_w_m2": (0.0, 1400.0, "W/m2"),
    "dni_w_m2": (0.0, 1400.0, "W/m2"),
    "dhi_w_m2": (0.0, 1400.0, "W/m2"),
    "wind_speed_m_s": (0.0, 75.0, "m/s"),
    "pressure_hpa": (800.0, 1100.0, "hPa"),
    "relative_humidity_pct": (0.0, 100.0, "%"),
    "ir_horizontal_w_m2": (50.0, 700.0, "W/m2"),
}
"""Bounds [low, high] outside which a value is physically impossible for a weather file.

Irradiance: hourly means above the solar constant (1361 W/m², Kopp & Lean 2011,
*Geophys. Res. Lett.* 38:L01706) plus cloud enhancement cannot occur; 1400 W/m² leaves
room for both. Temperature and pressure: far beyond the Belgian records (-30.1 °C at
Rochefort, January 1940; 41.8 °C at Begijnendijk, July 2019; sea-level pressure about
950..1050 hPa).
Wind: 75 m/s exceeds the strongest gusts measured in Europe.
"""

IRRADIANCE_ROUNDING_TOLERANCE_W_M2 = 0.5
"""Negative irradiance the readers treat as rounding noise [W/m²].

Sources write night-time zeros as ``-0.0`` (PVGIS) or tiny negatives such as ``-1e-3``
(re-processed or resampled series). No instrument or model resolves 0.5 W/m², so the
readers set values in [-0.5, 0) W/m² to exactly 0 (a documented reading convention like a
unit conversion). :func:`validate_weather` itself changes nothing and rejects every
negative value, so user-built frames must be cleaned the same way explicitly.
"""

DHI_ABOVE_GHI_TOLERANCE_W_M2 = 5.0
"""How far diffuse may exceed global horizontal irradiance before it is an error [W/m²].

Physically DHI <= GHI (GHI = DHI + DNI cos(zenith)); sources round both separately and
satellite-derived splits carry small inconsistencies at low sun, hence a few W/m².
"""

SIMULATION_SPAN = "span"
"""``expected_hours`` of :func:`validate_weather` for the lengths a :class:`Weather` may have."""

DESIGN_TEMPERATURE_METHODS = ("auto", "table", "data")
DESIGN_PERCENTILE = 0.4
"""Annual cumulative frequency [%] for the data-derived design temperature (99.6 % condition)."""


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
        Belgian municipality, used for the national design outdoor temperature: one of
        :func:`design_temperature_table` (Dutch or French name, any case); another name raises,
        naming the closest ones (leave it out to derive the value from the weather).
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
        if self.municipality is not None and _lookup_municipality(self.municipality) is None:
            raise InputError(_unknown_municipality(self.municipality))


@dataclass(frozen=True, eq=False)
class Weather:
    """An hourly or 15-minute weather series for a site (see the module docstring for the columns).

    The frame is checked when the object is made (:func:`validate_weather`, except that the
    length may be a full year, an explicit period of at most
    :data:`~mgwsim.simyear.PERIOD_MAX_DAYS` days or more than a year, the series that
    :meth:`calendar_year` takes); anything else raises :class:`~mgwsim.errors.DataError`.
    """

    data: pd.DataFrame
    site: Site
    source: str = "user data"
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        if not isinstance(self.site, Site):
            raise InputError(f"Weather.site must be a Site, got {type(self.site).__name__}")
        validate_weather(self.data, source=f"Weather ({self.source})", expected_hours=SIMULATION_SPAN)

    @property
    def index(self) -> pd.DatetimeIndex:
        return self.data.index

    @property
    def step_h(self) -> float:
        """Length of one time step [h]: 1.0 (hourly) or 0.25 (15 minutes)."""
        cached = self._cache.get("step_h")
        if cached is None:
            cached = self._cache["step_h"] = step_hours(self.index, owner="Weather", field="index", error=DataError)
        return cached

    @property
    def n_steps(self) -> int:
        """Number of time steps (rows)."""
        return len(self.data)

    @property
    def n_hours(self) -> int:
        """Number of rows: an alias of :attr:`n_steps`, kept for the (hourly) code that uses it.

        For a 15-minute series this is the number of quarter-hour *rows* (35040 in a common
        year), not of hours; the covered duration is ``n_steps * step_h`` [h].
        """
        return len(self.data)

    def to_quarter_hours(self) -> Weather:
        """This (hourly) weather as a 15-minute series; see :func:`quarter_hourly`.

        The quarters keep the calendar: an hourly local calendar year gives the 35040 (35136)
        quarter hours of the same local calendar year.
        """
        return quarter_hourly(self)

    def calendar_year(self, year: int | None = None, tz: str = LOCAL_TIMEZONE) -> Weather:
        """This weather on exactly the instants of one local calendar year (or unchanged if a period).

        The simulation calendar of :mod:`mgwsim.simyear`: a full year of weather (8760 or
        8784 hourly rows, ×4 at 15 minutes) in any time zone becomes the local calendar year
        ``year`` of ``tz``, 1 January 00:00 to 31 December 24:00 local time, on a tz-aware
        index in ``tz`` (continuous in absolute time: DST days have 23 and 25 local hours).
        Values at instants the file holds are kept; instants it lacks (the first local hour
        of a UTC-stamped year) take the value of the same instant one year later or earlier,
        since a typical year is periodic (the wrap of the Modelica Buildings Library and of
        pvlib's ``roll_utc_offset``; see :mod:`mgwsim.simyear`). The wrapped instants are
        named in :attr:`source`. A series of at most :data:`~mgwsim.simyear.PERIOD_MAX_DAYS`
        days is an explicit period and comes back unchanged; other lengths raise.

        Parameters
        ----------
        year : int, optional
            The local calendar year; default the one that holds most of the rows.
        tz : str
            Zone of the calendar (default ``"Europe/Brussels"``).

        Returns
        -------
        Weather
            ``self`` if it already is that year (index zone included) or a period; else a
            new, validated :class:`Weather` with the same site.

        Raises
        ------
        DataError
            A series neither a year nor a period, or one that misses more of the year than a
            time-zone offset (re-stamp a typical year with the reader's ``year=``).
        """
        key = ("calendar_year", year, tz)
        cached = self._cache.get(key)
        if cached is None:
            laid = on_calendar_year(self.data, year=year, tz=tz, owner=f"Weather.calendar_year ({self.source})")
            cached = self if laid.data is self.data else _calendar_weather(self, laid)
            self._cache[key] = cached
        return cached

    def column(self, name: str) -> np.ndarray:
        """A column as a contiguous float64 array (the form the kernels take)."""
        return np.ascontiguousarray(self.data[name].to_numpy(dtype=np.float64))

    @property
    def temp_air_degc(self) -> np.ndarray:
        return self.column("temp_air_degc")


def _calendar_weather(weather: Weather, laid) -> Weather:
    """The :class:`Weather` of a :class:`~mgwsim.simyear.CalendarYear`, validated, its note in the source."""
    source = f"{weather.source}; {laid.note}"
    result = Weather(data=laid.data, site=weather.site, source=source)
    for year in (laid.year, None):
        result._cache[("calendar_year", year, str(laid.data.index.tz))] = result
    return result


# --------------------------------------------------------------------------- validation


def validate_weather(data: pd.DataFrame, *, source: str, expected_hours: int | None = None) -> pd.DataFrame:
    """Check an hourly or 15-minute weather frame against the column contract; raise on the first problem.

    Checks, in this order: a DataFrame with a tz-aware DatetimeIndex; the required columns,
    numeric; no duplicated timestamps (e.g. the autumn DST hour of a local-time file); one
    regular step of exactly one hour or exactly 15 minutes (a gap is e.g. the spring DST hour
    or missing data); the row count (a full year: 8760 or 8784 hourly rows, 35040 or 35136
    15-minute rows, or ``expected_hours``); no NaN; every value inside
    :data:`PHYSICAL_LIMITS` (negative irradiance included: see
    :data:`IRRADIANCE_ROUNDING_TOLERANCE_W_M2`); DHI <= GHI + :data:`DHI_ABOVE_GHI_TOLERANCE_W_M2`.
    Nothing is modified or clipped.

    Parameters
    ----------
    data : pandas.DataFrame
        Hourly or 15-minute weather with the columns of the module docstring.
    source : str
        The file or source, named in every error message.
    expected_hours : int or "span", optional
        Required number of rows (steps, whatever their length); by default a full year;
        :data:`SIMULATION_SPAN` for what :class:`Weather` holds: a full year, an explicit
        period of at most :data:`~mgwsim.simyear.PERIOD_MAX_DAYS` days, or more than a year.

    Returns
    -------
    pandas.DataFrame
        ``data`` itself, for chaining.

    Raises
    ------
    DataError
        naming ``source``, the column and the first offending timestamp.
    """
    _check_frame(data, source)
    _check_columns(data, source)
    step_h = _check_timestamps(data.index, source)
    _check_row_count(len(data), source, expected_hours, step_h)
    for column in data.columns.intersection(REQUIRED_COLUMNS + OPTIONAL_COLUMNS):
        _check_values(data[column], source)
    _check_diffuse_below_global(data, source)
    return data


def _check_frame(data, source: str) -> None:
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"{source}: weather data must be a pandas DataFrame, got {type(data).__name__}")
    if not isinstance(data.index, pd.DatetimeIndex):
        raise DataError(f"{source}: the index must be a DatetimeIndex, got {type(data.index).__name__}")
    if data.index.tz is None:
        raise DataError(
            f"{source}: the time index is tz-naive (first timestamp {_first(data.index)}); "
            "weather needs a tz-aware index (UTC or the file's fixed offset)"
        )


def _first(index: pd.Index):
    return index[0] if len(index) else "none"


def _check_columns(data: pd.DataFrame, source: str) -> None:
    missing = [column for column in REQUIRED_COLUMNS if column not in data.columns]
    if missing:
        raise DataError(
            f"{source}: missing column(s) {', '.join(missing)}; got {', '.join(map(str, data.columns))}"
        )
    for column in data.columns.intersection(REQUIRED_COLUMNS + OPTIONAL_COLUMNS):
        if not pd.api.types.is_numeric_dtype(data[column]):
            raise DataError(f"{source}: column {column!r} must be numeric, got dtype {data[column].dtype}")


def _check_timestamps(index: pd.DatetimeIndex, source: str) -> float:
    """Return the step [h] (1.0 or 0.25) of a duplicate-free, regular index; else raise."""
    duplicated = index.duplicated()
    if duplicated.any():
        raise DataError(
            f"{source}: time index has {int(duplicated.sum())} duplicated timestamp(s), first "
            f"{index[duplicated][0]} (the autumn DST hour of a file in local time? give times in "
            "UTC or a fixed offset, or let read_weather_csv localise them with tz)"
        )
    if len(index) < 2:
        return 1.0
    steps = index[1:] - index[:-1]
    first = steps[0]
    if first not in (pd.Timedelta(hours=1), pd.Timedelta(minutes=15)):
        raise DataError(
            f"{source}: time index has a step of {first} after {index[0]}; allowed: 1 h or 15 min "
            "(a regular hourly or 15-minute series)"
        )
    irregular = np.asarray(steps != first)
    if irregular.any():
        i = int(np.flatnonzero(irregular)[0])
        step = steps[i]
        kind = "a gap (missing steps, e.g. the spring DST hour)" if step > first else f"a step below {first}"
        name = "hourly" if first == pd.Timedelta(hours=1) else "15-minute"
        raise DataError(
            f"{source}: time index is not regularly {name}: {kind} of {step} after {index[i]} "
            f"(next timestamp {index[i + 1]}); {int(irregular.sum())} irregular step(s) in all; "
            "allowed: one regular step of 1 h or 15 min"
        )
    return first / pd.Timedelta(hours=1)


def _check_row_count(n_rows: int, source: str, expected_hours: int | str | None, step_h: float = 1.0) -> None:
    name = "hourly" if step_h == 1.0 else "15-minute"
    if expected_hours == SIMULATION_SPAN:
        _check_span(n_rows, source, step_h)
        return
    if expected_hours is not None:
        if n_rows != expected_hours:
            raise DataError(f"{source}: {n_rows} {name} rows, expected {expected_hours}")
        return
    allowed = YEAR_HOURS if step_h == 1.0 else YEAR_QUARTER_HOURS
    if n_rows not in allowed:
        raise DataError(f"{source}: {n_rows} {name} rows, expected a full year ({allowed[0]} or {allowed[1]})")


def _check_span(n_rows: int, source: str, step_h: float) -> None:
    """A full year, a period of at most PERIOD_MAX_DAYS days, or more than a year (mgwsim.simyear's rules)."""
    allowed = YEAR_HOURS if step_h == 1.0 else YEAR_QUARTER_HOURS
    days = n_rows * step_h / 24.0
    if n_rows in allowed or days <= PERIOD_MAX_DAYS or days > 366.0:
        return
    raise DataError(
        f"{source}: {n_rows} steps of {step_h:g} h cover {days:g} days, almost a year but not a full one "
        f"(missing data?); allowed: a full year ({allowed[0]} or {allowed[1]} steps), an explicit period of at "
        f"most {PERIOD_MAX_DAYS:g} days, or a longer series to pick a year from with Weather.calendar_year(year)")


def _check_values(values: pd.Series, source: str) -> None:
    column = str(values.name)
    missing = values.isna().to_numpy()
    if missing.any():
        raise DataError(
            f"{source}: column {column!r} has {int(missing.sum())} missing value(s) (NaN), "
            f"first at {values.index[missing][0]}"
        )
    low, high, unit = PHYSICAL_LIMITS[column]
    array = values.to_numpy(dtype=np.float64)
    bad = (array < low) | (array > high)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        hint = ""
        if column in IRRADIANCE_COLUMNS and array[i] < 0:
            hint = (f" (readers treat values >= -{IRRADIANCE_ROUNDING_TOLERANCE_W_M2:g} W/m2 as rounding "
                    "noise and set them to 0; clean user data the same way if that is what it means)")
        raise DataError(
            f"{source}: column {column!r} has {int(bad.sum())} physically impossible value(s) outside "
            f"[{low:g}, {high:g}] {unit}, first at {values.index[i]}: {float(array[i])!r}{hint}"
        )


def _check_diffuse_below_global(data: pd.DataFrame, source: str) -> None:
    excess = data["dhi_w_m2"].to_numpy(dtype=np.float64) - data["ghi_w_m2"].to_numpy(dtype=np.float64)
    bad = excess > DHI_ABOVE_GHI_TOLERANCE_W_M2
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"{source}: column 'dhi_w_m2' exceeds 'ghi_w_m2' by more than "
            f"{DHI_ABOVE_GHI_TOLERANCE_W_M2:g} W/m2 in {int(bad.sum())} hour(s), first at {data.index[i]}: "
            f"DHI {float(data['dhi_w_m2'].iloc[i])!r} > GHI {float(data['ghi_w_m2'].iloc[i])!r}"
        )


# --------------------------------------------------------------------------- shared reading steps


def _zero_irradiance_rounding_noise(data: pd.DataFrame) -> pd.DataFrame:
    """Set irradiance in [-tolerance, 0) W/m² (and -0.0) to 0; see :data:`IRRADIANCE_ROUNDING_TOLERANCE_W_M2`."""
    data = data.copy()
    for column in IRRADIANCE_COLUMNS:
        values = data[column].to_numpy(dtype=np.float64)
        noise = (values < 0.0) & (values >= -IRRADIANCE_ROUNDING_TOLERANCE_W_M2)
        data[column] = np.where(noise, 0.0, values) + 0.0  # + 0.0 turns -0.0 into 0.0
    return data


def _restamp_year(index: pd.DatetimeIndex, year: int | None, source: str) -> pd.DatetimeIndex:
    """Put every timestamp onto one calendar year (months and hours kept).

    ``year=None`` keeps an index that lies in one calendar year and re-stamps one assembled
    from several years (a typical year) onto :data:`TYPICAL_YEAR`.
    """
    if year is None:
        if index.year.nunique() == 1:
            return index
        year = TYPICAL_YEAR
    year = int(check_number(year, "year", owner="weather reader", low=1, high=9999))
    has_feb29 = bool(((index.month == 2) & (index.day == 29)).any())
    if calendar.isleap(year) != has_feb29:
        raise DataError(
            f"{source}: cannot re-stamp onto {year}: the data {'has' if has_feb29 else 'has no'} 29 February "
            f"but {year} is {'a leap' if calendar.isleap(year) else 'a common'} year; choose a matching year"
        )
    naive = pd.to_datetime(
        pd.DataFrame({"year": year, "month": index.month, "day": index.day, "hour": index.hour, "minute": index.minute})
    )
    return pd.DatetimeIndex(naive, name="time").tz_localize(index.tz)


def _finish(data: pd.DataFrame, index: pd.DatetimeIndex, site: Site, source: str) -> Weather:
    """Common last steps: contract columns, float64, rounding noise, validation."""
    columns = [c for c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS if c in data.columns]
    frame = pd.DataFrame(
        {c: data[c].to_numpy(dtype=np.float64) for c in columns}, index=pd.DatetimeIndex(index, name="time")
    )
    frame = _zero_irradiance_rounding_noise(frame) if set(IRRADIANCE_COLUMNS) <= set(columns) else frame
    validate_weather(frame, source=source)
    return Weather(data=frame, site=site, source=source).calendar_year()


# --------------------------------------------------------------------------- 15-minute years

INTERPOLATED_COLUMNS = ("temp_air_degc", "wind_speed_m_s", "pressure_hpa", "relative_humidity_pct")
"""Columns :func:`quarter_hourly` interpolates linearly between the hourly mid-points."""


def quarter_hourly(weather: Weather) -> Weather:
    """A 15-minute year made from an hourly one (four rows per hour, period-beginning).

    An hourly row is the mean over its hour, i.e. a value centred on the hour's mid-point
    (stamp + 30 min). The quarters are built as follows:

    * **temperature, wind, pressure, humidity** (:data:`INTERPOLATED_COLUMNS`): the piecewise
      linear curve through the hourly values placed at the hourly mid-points, averaged over
      each quarter (= its value at the quarter's mid-point, stamp + 7.5 min, since a quarter
      never spans a mid-point). The first and last half hour of the series hold the end
      values (no extrapolation). The mean of an hour's four quarters differs from the hourly
      value by ``(T[h-1] − 2 T[h] + T[h+1]) / 8`` (the curve's curvature); the series mean is
      kept to end effects. Bounded quantities stay within the range of their neighbours.
    * **irradiance** (GHI, DNI, DHI): held at the hour's mean in each of its quarters, so the
      energy of every hour [Wh/m²] is exactly unchanged and DHI <= GHI still holds.

    This keeps energies, not the sub-hourly variability: passing clouds make real 15-minute
    irradiance (and PV) far more variable than an hourly mean, so 15-minute PV peaks and
    self-consumption from this series are those of a smoothed sky. Give measured 15-minute
    weather (:func:`read_weather_csv`) where that variability matters.

    Parameters
    ----------
    weather : Weather
        An hourly series (a 15-minute one raises).

    Returns
    -------
    Weather
        Same site; ``source`` says how the series was made; 4 × the rows.
    """
    if not isinstance(weather, Weather):
        raise InputError(f"quarter_hourly.weather must be a Weather, got {type(weather).__name__}")
    if weather.step_h != 1.0:
        raise InputError(f"quarter_hourly.weather has a step of {weather.step_h * 60:g} min; allowed: an hourly "
                         "series (1 h)")
    data = weather.data
    n = len(data)
    index = pd.DatetimeIndex(data.index.repeat(4) + pd.to_timedelta(np.tile([0, 15, 30, 45], n), unit="min"),
                             name=data.index.name)
    # positions of the quarter mid-points on the axis of hourly mid-points (row h at h) [h]
    x_quarter = (np.arange(4 * n) + 0.5) / 4.0 - 0.5
    x_hour = np.arange(n, dtype=float)
    columns = {}
    for column in data.columns:
        values = data[column].to_numpy(dtype=np.float64)
        if column in INTERPOLATED_COLUMNS:
            columns[column] = np.interp(x_quarter, x_hour, values)  # end values held outside [0, n-1]
        else:
            columns[column] = np.repeat(values, 4)
    frame = pd.DataFrame(columns, index=index)
    source = f"{weather.source}, 15 min from hourly (state variables interpolated, irradiance held per hour)"
    return Weather(data=frame, site=weather.site, source=source)


# --------------------------------------------------------------------------- readers


def default_weather() -> Weather:
    """The embedded default year: NSRDB PSM 2019 for Uccle, hourly, on the local calendar year 2019.

    The file (see ``data/weather/README.md``) is stamped in UTC, 2019-01-01 00:00 to
    2019-12-31 23:00 UTC; the year returned is local (Europe/Brussels) 2019
    (:meth:`Weather.calendar_year`): its first hour, 2019-01-01 00:00 CET, is the file's last
    hour (the typical-year wrap), and the file's last hour, local 1 January 2020, leaves the
    year. The same 8760 values, one hour rotated.
    """
    return _embedded_year().calendar_year()


def _embedded_year() -> Weather:
    """The embedded file as stamped (UTC)."""
    from mgwsim._data import data_path

    path = data_path("weather", "uccle_nsrdb_2019_hourly.csv.gz")
    data = pd.read_csv(path, index_col=0)
    index = pd.DatetimeIndex(pd.to_datetime(data.index, utc=True), name="time")
    source = "NSRDB PSM v3 2019, Uccle (embedded default)"
    frame = pd.DataFrame({c: data[c].to_numpy(dtype=np.float64) for c in data.columns}, index=index)
    validate_weather(frame, source=f"{source} {path.name}")
    return Weather(data=frame, site=UCCLE, source=source)


_PVLIB_COLUMNS = {
    # pvlib's standard variable names (its EPW and PVGIS readers share them) -> mgwsim's
    "temp_air": "temp_air_degc",
    "ghi": "ghi_w_m2",
    "dni": "dni_w_m2",
    "dhi": "dhi_w_m2",
    "wind_speed": "wind_speed_m_s",
    "relative_humidity": "relative_humidity_pct",
}


def read_epw(path, *, year: int | None = None, municipality: str | None = None) -> Weather:
    """Read an EnergyPlus weather (EPW) file.

    EPW rows are labelled by the hour that *ends* the interval (hour 1 = 00:00-01:00; EPW data
    dictionary in EnergyPlus "Auxiliary Programs", Weather Converter Program). :func:`pvlib.iotools.read_epw`
    already stamps hour ``h`` at ``h - 1``, i.e. at the start of the interval, which is the
    period-beginning convention of :class:`Weather`; no further shift is applied. The file's
    fixed offset (local standard time, no DST) places the rows in absolute time; the year is
    then laid on the local calendar year (:meth:`Weather.calendar_year`): a Belgian file
    (UTC+01:00) holds exactly the instants of local 1 January 00:00 .. 31 December 24:00 and
    needs no wrap. Pressure is converted from Pa to hPa.

    Irradiance timing is a property of the data, not of the format: in the Uccle TMYx
    2007-2021 file the daily irradiance centroid lies 0.55 h before the clear-sky centroid of
    period-beginning hours, i.e. its irradiance is centred on the EPW hour label (modelled
    at the observation time) rather than on the preceding hour. mgwsim keeps the format's
    convention and applies no correction (see ``data/weather/README.md``). EPW missing-value codes (99.9 °C, 9999 W/m², 999 m/s, 999999 Pa) fail
    validation as physically impossible values.

    Parameters
    ----------
    path : str or path-like
        The ``.epw`` file, or a gzip-compressed ``.epw.gz``.
    year : int, optional
        Calendar year to stamp the rows onto. By default a file from one calendar year keeps
        it, and a typical year assembled from several years (TMY, TMYx) is re-stamped onto
        :data:`TYPICAL_YEAR`.
    municipality : str, optional
        Belgian municipality of the building, stored on the :class:`Site`.

    Returns
    -------
    Weather
        On the local calendar year (Europe/Brussels index), with ``relative_humidity_pct`` and,
        when every hour of the file has it, ``ir_horizontal_w_m2``;
        the site takes the file's city, latitude, longitude and altitude.
    """
    import pvlib

    path = Path(path)
    source = f"EPW file {path}"
    text = _epw_text(path, source)
    try:
        raw, meta = pvlib.iotools.read_epw(io.StringIO(text))
    except (ValueError, KeyError, IndexError) as exc:
        raise DataError(f"{source}: cannot be read as EPW ({exc})") from exc
    data = raw.rename(columns=_PVLIB_COLUMNS)
    data["pressure_hpa"] = raw["atmospheric_pressure"].to_numpy(dtype=np.float64) / 100.0
    infrared = raw["ghi_infrared"].to_numpy(dtype=np.float64)
    low, high, _ = PHYSICAL_LIMITS["ir_horizontal_w_m2"]
    if ((infrared >= low) & (infrared <= high)).all():  # kept only when the file carries it (9999: missing)
        data["ir_horizontal_w_m2"] = infrared
    index = _restamp_year(pd.DatetimeIndex(raw.index), year, source)
    site = Site(
        name=str(meta["city"]),
        latitude_deg=float(meta["latitude"]),
        longitude_deg=float(meta["longitude"]),
        altitude_m=float(meta["altitude"]),
        municipality=municipality,
    )
    return _finish(data, index, site, source)


EPW_HEADER_LINES = 8
"""Header records before the hourly data of an EPW file (LOCATION .. DATA PERIODS)."""

EPW_FIELDS = 35
"""Fields of an EPW data record (EnergyPlus Auxiliary Programs, "Weather Converter Program", data dictionary)."""


def _epw_text(path: Path, source: str) -> str:
    """The text of an EPW file (``.epw`` or gzip-compressed ``.epw.gz``), every data line complete.

    A line with fewer than :data:`EPW_FIELDS` fields (a file cut short, a line broken inside a
    field) raises naming the line: parsed, its missing fields would be read as missing or, cut
    inside a number, as another value.
    """
    try:
        if path.suffix.lower() == ".gz":
            with gzip.open(path, "rt", encoding="latin-1", newline="") as handle:
                text = handle.read()
        else:
            text = path.read_text(encoding="latin-1")
    except (OSError, EOFError, UnicodeDecodeError) as exc:  # gzip.BadGzipFile is an OSError
        raise DataError(f"{source}: cannot be read as EPW ({exc})") from exc
    first = text.split("\n", 1)[0]
    if not first.startswith("LOCATION,") or first.count(",") < 9:
        raise DataError(f"{source}: cannot be read as EPW: line 1 is not a LOCATION record with city, latitude, longitude, time zone "
                        f"and elevation (got {first[:60]!r}); is this an EPW file?")
    for number, line in enumerate(text.splitlines()[EPW_HEADER_LINES:], start=EPW_HEADER_LINES + 1):
        fields = line.count(",") + 1
        if line.strip() and fields < EPW_FIELDS:
            raise DataError(f"{source}, line {number}: {fields} fields, expected {EPW_FIELDS} (a line cut short or "
                            f"broken inside a field?): {line[:60]!r}")
    return text


def read_pvgis_tmy(path, *, year: int | None = None, municipality: str | None = None) -> Weather:
    """Read a PVGIS typical meteorological year (``csv`` or ``json`` as the PVGIS TMY tool writes).

    Parsing is :func:`pvlib.iotools.read_pvgis_tmy` (pvlib >= 0.13 returns ``(data, meta)``).
    PVGIS assembles the year from months of different years (listed as ``months_selected``),
    stamped in UTC with their own years; the rows are re-stamped onto one calendar year
    (``year``, by default :data:`TYPICAL_YEAR`), hour and month unchanged.

    Time convention: PVGIS stamps rows at HH:00 UTC; the irradiance values are satellite
    (SARAH) estimates for HH:00 plus the "irradiance time offset" in the file header (about
    0.1-0.2 h in Europe; PVGIS writes this header line since late 2024), and T2m/wind/RH/
    pressure are ERA5 values at the hour. mgwsim treats each row as the mean of the hour *starting* at its
    stamp, the nearest period-beginning hour; solar timing can therefore be off by up to
    about 20 min. The offset is recorded in :attr:`Weather.source`.

    Parameters
    ----------
    path : str or path-like
        ``.csv`` or ``.json`` file from the PVGIS TMY tool (``.epw`` from PVGIS: use
        :func:`read_epw`).
    year : int, optional
        Calendar year to stamp the rows onto (default :data:`TYPICAL_YEAR`).
    municipality : str, optional
        Belgian municipality of the building, stored on the :class:`Site`.

    Returns
    -------
    Weather
        On the local calendar year (:meth:`Weather.calendar_year`, Europe/Brussels index):
        the UTC rows keep their instants and the first local hour (31 December 23:00 UTC of
        the year before) takes the value of the last UTC row (the typical-year wrap, noted in
        :attr:`Weather.source`). With ``relative_humidity_pct``; pressure converted from Pa
        to hPa; the site is the file's latitude, longitude and elevation.
    """
    import pvlib

    path = Path(path)
    source = f"PVGIS TMY file {path}"
    check_choice(path.suffix.lower(), "file suffix", (".csv", ".json"), owner="read_pvgis_tmy")
    try:
        data, meta = pvlib.iotools.read_pvgis_tmy(path, map_variables=True)
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise DataError(f"{source}: cannot be read as a PVGIS TMY file ({exc})") from exc
    latitude, longitude, elevation, offset = _pvgis_location(meta, source)
    site = Site(f"PVGIS TMY {latitude:.3f} N {longitude:.3f} E", latitude, longitude, elevation, municipality)
    return _weather_from_pvgis(data, site, f"{source} (irradiance time offset {offset} h)", year)


def _pvgis_location(meta: dict, source: str) -> tuple[float, float, float, float | str]:
    """Latitude, longitude, elevation and irradiance time offset from PVGIS metadata (csv or json)."""
    inputs = meta.get("inputs", {})
    location = inputs.get("location", inputs)  # json nests them under "location", csv does not
    try:
        latitude, longitude = float(location["latitude"]), float(location["longitude"])
        elevation = float(location["elevation"])
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(f"{source}: PVGIS metadata lacks latitude/longitude/elevation ({exc})") from exc
    offset = location.get("irradiance_time_offset", location.get("irradiance time offset", "not stated"))
    return latitude, longitude, elevation, offset


def _weather_from_pvgis(data: pd.DataFrame, site: Site, source: str, year: int | None) -> Weather:
    """pvlib-named PVGIS TMY frame (UTC, mixed years, pressure in Pa) to a :class:`Weather`."""
    frame = data.rename(columns=_PVLIB_COLUMNS)
    if "pressure" not in data.columns:
        raise DataError(f"{source}: column 'SP' (surface pressure) is missing")
    frame["pressure_hpa"] = data["pressure"].to_numpy(dtype=np.float64) / 100.0
    index = _restamp_year(pd.DatetimeIndex(data.index), TYPICAL_YEAR if year is None else year, source)
    return _finish(frame, index, site, source)


def get_pvgis_tmy(site: Site, *, cache_dir=None, year: int | None = None, timeout_s: float = 30.0) -> Weather:
    """PVGIS typical year for a site, downloaded once and then read from the disk cache.

    Online path: :func:`pvlib.iotools.get_pvgis_tmy` (JSON, default PVGIS databases, horizon
    included) at the site's latitude and longitude rounded to 0.01° (about 1 km, finer than
    the PVGIS grids). The parsed answer (pvlib column names, original UTC stamps and years)
    is cached as ``pvgis_tmy_<lat>_<lon>.csv.gz`` plus a ``.json`` with the PVGIS metadata,
    written atomically, so a later call (or another process) makes no request. Conversion
    and time convention as :func:`read_pvgis_tmy`.

    Parameters
    ----------
    site : Site
        The building's site; kept as the :class:`Weather` site.
    cache_dir : str or path-like, optional
        Cache folder; default ``mgwsim._data.cache_dir() / "pvgis"``.
    year : int, optional
        Calendar year to stamp the rows onto (default :data:`TYPICAL_YEAR`).
    timeout_s : float
        Request timeout [s].
    """
    from mgwsim._data import cache_dir as default_cache_dir

    latitude, longitude = round(site.latitude_deg, 2), round(site.longitude_deg, 2)
    directory = Path(cache_dir) if cache_dir is not None else default_cache_dir() / "pvgis"
    stem = f"pvgis_tmy_{latitude:.2f}_{longitude:.2f}"
    data_file, meta_file = directory / f"{stem}.csv.gz", directory / f"{stem}.json"
    if not (data_file.exists() and meta_file.exists()):
        _download_pvgis_tmy(latitude, longitude, data_file, meta_file, timeout_s)
    data = pd.read_csv(data_file, index_col=0)
    data.index = pd.to_datetime(data.index, utc=True)
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    *_, offset = _pvgis_location(meta, f"PVGIS cache {meta_file}")
    source = f"PVGIS TMY {latitude:.2f} N {longitude:.2f} E (cache {data_file}; irradiance time offset {offset} h)"
    return _weather_from_pvgis(data, site, source, year)


def _download_pvgis_tmy(latitude: float, longitude: float, data_file: Path, meta_file: Path, timeout_s: float) -> None:
    import pvlib

    data, meta = pvlib.iotools.get_pvgis_tmy(
        latitude, longitude, outputformat="json", map_variables=True, timeout=timeout_s, coerce_year=None
    )
    data_file.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(data_file, lambda tmp: data.to_csv(tmp, compression="gzip"))
    write_atomically(meta_file, lambda tmp: Path(tmp).write_text(json.dumps(meta, default=str), encoding="utf-8"))


TIME_LABELS = ("beginning", "ending")


def read_weather_csv(
    path,
    site: Site,
    *,
    time_column: str = "time",
    columns: dict[str, str] | None = None,
    tz: str | None = None,
    label: str = "beginning",
    time_format: str | None = None,
) -> Weather:
    """Read hourly or 15-minute weather from a plain CSV file.

    The step is taken from the timestamps (a regular 1 h or 15 min; anything else raises).

    Parameters
    ----------
    path : str or path-like
        CSV with a header row.
    site : Site
        Where the data belong.
    time_column : str
        Column with the timestamps.
    columns : dict, optional
        Mapping ``{csv column: mgwsim column}`` (e.g. ``{"T": "temp_air_degc"}``); values
        must already be in mgwsim's units (°C, W/m², m/s, hPa, %). Unmapped CSV columns are
        ignored. By default the CSV uses mgwsim's column names.
    tz : str, optional
        Time zone. Required for naive timestamps, which are localised with it: a zone with
        DST (``"Europe/Brussels"``) reads wall-clock files whose autumn hour appears twice,
        in order (pandas ``ambiguous="infer"``); a non-existent spring hour raises.
        Timestamps that carry an offset are converted to ``tz`` when given.
    label : {"beginning", "ending"}
        Whether a timestamp marks the start (mgwsim's convention) or the end of its step;
        step-ending stamps are moved back by one step (1 h or 15 min, from the stamps).
    time_format : str, optional
        :func:`pandas.to_datetime` format of the time column (inferred by default).

    Returns
    -------
    Weather
        A full year, laid on its local calendar year (:meth:`Weather.calendar_year`,
        Europe/Brussels index); instants the file lacks (e.g. the first local hour of a UTC
        year) take the value of the same instant one year later, as in a typical year.
    """
    path = Path(path)
    source = f"CSV file {path}"
    check_choice(label, "label", TIME_LABELS, owner="read_weather_csv")
    try:
        raw = pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise DataError(f"{source}: cannot be read as CSV ({exc})") from exc
    if time_column not in raw.columns:
        raise DataError(f"{source}: time column {time_column!r} not found; columns: {', '.join(raw.columns)}")
    index = _parse_times(raw[time_column], tz, time_format, f"{source}, column {time_column!r}")
    if label == "ending" and len(index) > 1:
        index = index - (index[1] - index[0])
    data = _mapped_columns(raw, columns or {c: c for c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS}, source)
    return _finish(data, index, site, source)


def _parse_times(values: pd.Series, tz: str | None, time_format: str | None, where: str) -> pd.DatetimeIndex:
    try:
        index = pd.DatetimeIndex(pd.to_datetime(values, format=time_format))
    except ValueError:
        try:  # offsets that change over the year (local time written with +01:00/+02:00)
            index = pd.DatetimeIndex(pd.to_datetime(values, format=time_format, utc=True))
        except ValueError as exc:
            raise DataError(f"{where}: timestamps cannot be parsed ({exc})") from exc
    if index.tz is not None:
        return index.tz_convert(tz) if tz is not None else index
    if tz is None:
        raise DataError(f"{where}: timestamps have no time zone (first {_first(index)}); pass tz=")
    try:
        return index.tz_localize(tz, ambiguous="infer", nonexistent="raise")
    except ValueError as exc:
        raise DataError(f"{where}: cannot localise to {tz!r}: {exc}") from exc


def _mapped_columns(raw: pd.DataFrame, columns: dict[str, str], source: str) -> pd.DataFrame:
    known = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    for target in columns.values():
        check_choice(target, "columns target", known, owner="read_weather_csv")
    present = {csv: target for csv, target in columns.items() if csv in raw.columns}
    missing = [c for c in REQUIRED_COLUMNS if c not in present.values()]
    if missing:
        raise DataError(
            f"{source}: no CSV column for {', '.join(missing)} (mapping {columns}); CSV columns: {', '.join(raw.columns)}"
        )
    data = {}
    for csv, target in present.items():
        try:
            data[target] = pd.to_numeric(raw[csv]).to_numpy(dtype=np.float64)
        except (ValueError, TypeError) as exc:
            raise DataError(f"{source}: column {csv!r} is not numeric ({exc})") from exc
    return pd.DataFrame(data)


# --------------------------------------------------------------------------- design temperature


@dataclass(frozen=True)
class DesignTemperature:
    """Design outdoor temperature θ_e of the heat-load calculation (EN 12831-1:2017).

    Attributes
    ----------
    value_degc : float
        Design outdoor temperature [°C].
    method : str
        How it was obtained (the national table, or the statistic of a weather series).
    source : str
        The table row's source, or the weather's source.
    confidence : str
        ``"high"``, ``"medium"`` or ``"low"`` for table values (see the table's README);
        ``"statistic"`` for a value derived from data.
    """

    value_degc: float
    method: str
    source: str
    confidence: str

    def to_series(self) -> pd.Series:
        return pd.Series(
            {"design_temperature_degc": self.value_degc, "method": self.method, "source": self.source,
             "confidence": self.confidence},
            name="design_temperature",
        )


def design_temperature_table() -> pd.DataFrame:
    """The Belgian municipality table ``data/weather/design_temperatures_be.csv`` (a copy).

    Columns: ``municipality``, ``aliases`` (other official names, ``|``-separated),
    ``design_temperature_degc``, ``confidence``, ``source``, ``year``.
    """
    return _design_table().copy()


@lru_cache(maxsize=1)
def _design_table() -> pd.DataFrame:
    from mgwsim._data import data_path

    return pd.read_csv(data_path("weather", "design_temperatures_be.csv"), keep_default_na=False)


def _name_key(name: str) -> str:
    """Case-, space- and hyphen-insensitive key ("Sint-Niklaas" == "sint niklaas")."""
    return re.sub(r"[\s\-'.]", "", str(name).casefold())


def _lookup_municipality(name: str) -> pd.Series | None:
    if not isinstance(name, str):
        raise InputError(f"Site.municipality must be a string (a Belgian municipality), got {name!r}")
    table = _design_table()
    key = _name_key(name)
    for _, row in table.iterrows():
        names = [row["municipality"], *str(row["aliases"]).split("|")]
        if key in {_name_key(n) for n in names if n}:
            return row
    return None


def design_temperature(site: Site, weather: Weather | None = None, *, method: str = "auto") -> DesignTemperature:
    """Design outdoor temperature of a site [°C].

    Two ways, chosen by ``method``:

    ``"table"``
        The Belgian national value for ``site.municipality`` (Dutch or French name, any
        case) from ``design_temperatures_be.csv``: NBN EN 12831-1 ANB:2020 (and its
        predecessor NBN B 62-003:1986) give θ_e per municipality. mgwsim's table holds a few
        main cities only and most values are estimates: read ``confidence`` and the README.
    ``"data"``
        From ``weather``: the hourly dry-bulb temperature with 99.6 % annual cumulative
        frequency of occurrence, i.e. the 0.4 % quantile of the hourly values (linear
        interpolation; of the 15-minute values for a 15-minute series, a time-weighted
        quantile all the same), as ASHRAE defines its heating design condition (ASHRAE Handbook --
        Fundamentals 2021, ch. 14 "Climatic design information"). ASHRAE computes it over
        many years; on a typical year (TMY), whose months are chosen to be *typical*, it is
        milder than the long-term value (Uccle TMYx 2007-2021: about -3 °C against the
        national -7 °C), so it is not a substitute for the national value in a design.
    ``"auto"`` (default)
        ``"table"`` if the site has a municipality, otherwise ``"data"``; the returned
        ``method`` says which, and why.

    Raises
    ------
    InputError
        A municipality that is not in the table (with ``"table"`` or ``"auto"``: the message
        names the closest names, so that a misspelling does not quietly move θ_e by several
        kelvin), ``"table"`` without a municipality, or ``"data"`` without weather.
    """
    check_choice(method, "method", DESIGN_TEMPERATURE_METHODS, owner="design_temperature")
    row = _lookup_municipality(site.municipality) if site.municipality else None
    if method in ("table", "auto") and site.municipality and row is None:
        raise InputError(f"design_temperature: {_unknown_municipality(site.municipality)}")
    if method == "table" or (method == "auto" and row is not None):
        return _design_from_table(site, row)
    if weather is None:
        why = "method='data'" if method == "data" else "Site.municipality is None"
        raise InputError(f"design_temperature: site {site.name!r} has no national value ({why}) and there is no "
                         "weather to derive one from; give weather, or a municipality of design_temperatures_be.csv")
    if method == "data":
        note = ""
    else:
        note = " (the site has no municipality for the national table)"
    return _design_from_data(weather, note)


def _unknown_municipality(name) -> str:
    """The error for a municipality that is not in the table: the close names, the known ones, the ways out.

    A misspelt name must not fall back silently to the (milder) value derived from the weather:
    that moves the design temperature by several kelvin (Antwerpen −7 °C, the NSRDB 2019 year −3.7 °C).
    """
    table = _design_table()
    names = [n for _, row in table.iterrows() for n in (row["municipality"], *str(row["aliases"]).split("|")) if n]
    by_key = {_name_key(n): n for n in names}  # matched on the key, named in the table's spelling
    close = [by_key[key] for key in close_matches(_name_key(name), by_key)]
    close = f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""
    return (f"Site.municipality = {name!r} is not in the national table "
            f"design_temperatures_be.csv{close}; known: {', '.join(table['municipality'])}. Give one of them, "
            "or leave municipality out to derive the value from the weather (method='data')")


def _design_from_table(site: Site, row: pd.Series | None) -> DesignTemperature:
    if row is None:
        raise InputError(f"design_temperature: {_unknown_municipality(site.municipality)}")
    return DesignTemperature(
        value_degc=float(row["design_temperature_degc"]),
        method=(f"municipality table design_temperatures_be.csv ({row['confidence']} confidence; to be checked "
                f"against NBN EN 12831-1 ANB:2020), municipality {row['municipality']}"),
        source=f"{row['source']} ({row['year']})",
        confidence=str(row["confidence"]),
    )


def _design_from_data(weather: Weather, note: str) -> DesignTemperature:
    temperatures = weather.temp_air_degc
    value = float(np.quantile(temperatures, DESIGN_PERCENTILE / 100.0))
    return DesignTemperature(
        value_degc=value,
        method=("99.6 % annual cumulative frequency of hourly dry-bulb temperature (0.4 % quantile, "
                f"ASHRAE Handbook Fundamentals 2021 ch. 14) over {len(temperatures) * weather.step_h:g} h{note}"),
        source=weather.source,
        confidence="statistic",
    )


# --------------------------------------------------------------------------- summary


def heating_degree_days(weather: Weather, base_degc: float = 15.0) -> float:
    """Heating degree days [K·d]: sum over days of ``max(0, base - daily mean temperature)``.

    Daily means are the means of the hourly (or 15-minute) values per calendar day of the
    index's time zone.
    Belgian practice (KMI/IRM, Synergrid) uses base 15 °C ("graaddagen 15/15") and, for the
    gas standard load profiles, 16.5 °C ("16,5/16,5"), computed from the official daily mean
    at Uccle; the "equivalent" 15/15 degree days weight the days as 0.6 T_d + 0.3 T_d-1 +
    0.1 T_d-2. This function uses the plain daily mean, so it differs slightly from the
    published equivalent figures.

    Parameters
    ----------
    weather : Weather
    base_degc : float
        Base (and heating-limit) temperature [°C].
    """
    base = check_number(base_degc, "base_degc", owner="heating_degree_days", low=-10, high=30, unit="degC")
    temperature = weather.data["temp_air_degc"]
    naive_days = temperature.index.tz_localize(None).normalize()
    daily = temperature.groupby(naive_days).mean()
    return float(np.maximum(base - daily.to_numpy(), 0.0).sum())


def weather_summary(weather: Weather) -> pd.Series:
    """Key figures of a weather series.

    Returns
    -------
    pandas.Series
        ``temp_air_mean_degc``, ``temp_air_min_degc``, ``temp_air_max_degc``;
        ``ghi_kwh_m2`` the global horizontal irradiation over the series (for a one-year
        series the annual value, kWh/m²·a); ``hdd_15_15_kd`` and ``hdd_16_5_16_5_kd``
        heating degree days on bases 15 °C and 16.5 °C (:func:`heating_degree_days`);
        ``hours`` the duration covered (rows × step) [h]. Named after the weather's source.
    """
    data = weather.data
    temperature = data["temp_air_degc"]
    return pd.Series(
        {
            "temp_air_mean_degc": float(temperature.mean()),
            "temp_air_min_degc": float(temperature.min()),
            "temp_air_max_degc": float(temperature.max()),
            "ghi_kwh_m2": float(data["ghi_w_m2"].sum()) * weather.step_h / 1000.0,  # step means [W/m2] x step [h]
            "hdd_15_15_kd": heating_degree_days(weather, 15.0),
            "hdd_16_5_16_5_kd": heating_degree_days(weather, 16.5),
            "hours": float(len(data)) * weather.step_h,
        },
        name=weather.source,
    )


UCCLE = Site("Uccle", 50.81, 4.34, altitude_m=68.0, municipality="Ukkel")
"""The site of the embedded default weather year (NSRDB grid cell 454992)."""
