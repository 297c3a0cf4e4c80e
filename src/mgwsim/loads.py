"""Electric loads of an apartment building other than heat pumps and EV charging, hour by hour.

What this module gives (arrays on the caller's tz-aware ``DatetimeIndex`` of period-beginning
hours or quarter hours; daily and weekly patterns follow the *local* clock of ``timezone``,
so the embedded UTC weather index can be passed as it is):

- :func:`household_annual_kwh` -- annual private consumption per apartment from its household
  size (table ``data/loads/household_electricity_apartments.csv``);
- :func:`standard_load_shape` -- the expected hourly share of a household's annual energy:
  the BDEW H25 standard load profile (2025) with its dynamisation function, Belgian public
  holidays as Sundays (a documented stand-in for the Synergrid profiles, see
  ``data/loads/README.md``);
- :func:`apartment_loads_kw` -- seeded, mean-preserving hourly loads per apartment and in total;
  :func:`coincidence_factor` -- the peak of the sum over the sum of the peaks;
- :class:`Lift`, :class:`Lighting` and :func:`common_area_loads_kw` -- lifts (VDI 4707-1),
  circulation/garage/outdoor lighting (lumen method), heating and DHW circulation pumps,
  ventilation fans (from ``building.ventilation``) and always-on equipment;
- :func:`building_electric_loads` -- apartments and common areas together.

Power in kW is the mean over the step, so an hourly kW column sums to kWh (a 15-minute one
times 0.25 h).

**Days.** Daily quantities (a lift's travel time, lighting's full-load hours) are spread
over the hours of the *complete* local calendar day, taken from the calendar and not from
the index: an hour's load never depends on which other hours of its day the index holds (a
lone hour gets its own share of the day, not the whole day). A local day has 23, 24 or 25
hours (DST); activity is per day, power that runs continuously (standby, pumps, fans) per
real hour. The apartments' expected load of an hour is its own share of the annual energy
(:func:`standard_load_shape`, normalised over the complete local calendar year), whatever
else the index holds.

**15-minute index.** The profiles behind these loads are hourly (the H25 table shipped here
holds hourly sums of BDEW's quarter-hour values; the activity split follows it; VDI 4707 and
the lighting rules give daily energies): on a 15-minute index every load is computed per
clock hour and its hourly mean power held over the hour's four quarters
(:func:`mgwsim.timestep.hourly_parent`). That split keeps each hour's energy, so annual
energies are those of the hourly index, but adds no sub-hourly variability: 15-minute peaks
of these loads equal their hourly peaks, a lower bound. Only outdoor lighting (switched at
sunset/sunrise) and user-given ``heating_on`` masks are evaluated per quarter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import numpy as np
import pandas as pd

from mgwsim._data import data_path
from mgwsim.errors import InputError, check_choice, check_fraction, check_number, check_positive, check_series
from mgwsim.simyear import local_day_codes, whole_day_totals
from mgwsim.timestep import hourly_parent, per_index, step_hours

__all__ = [
    "DEFAULT_TIMEZONE",
    "LIFT_RUNNING_CLASSES_MWH_PER_KG_M",
    "LIFT_STANDBY_CLASSES_W",
    "LIFT_USAGE_CATEGORIES",
    "LIGHTING_EFFICACY_LM_PER_W",
    "LIGHTING_HOURS_PER_DAY",
    "Lift",
    "Lighting",
    "apartment_loads_kw",
    "belgian_public_holidays",
    "building_electric_loads",
    "coincidence_factor",
    "common_area_loads_kw",
    "household_annual_kwh",
    "household_electricity_table",
    "standard_load_shape",
]

DEFAULT_TIMEZONE = "Europe/Brussels"
"""Clock of the daily and weekly patterns (local civil time in Belgium, with DST)."""

LIFT_STANDBY_CLASSES_W = {"A": 50.0, "B": 100.0, "C": 200.0, "D": 400.0, "E": 800.0, "F": 1600.0}
"""Upper bound of each standby-power class of VDI 4707-1:2009 [W] (class G: above 1600 W, no
bound -- pass ``Lift(standby_w=...)``). Values as recalled from the guideline; verify."""

LIFT_RUNNING_CLASSES_MWH_PER_KG_M = {"A": 0.56, "B": 0.84, "C": 1.26, "D": 1.89, "E": 2.80, "F": 4.20}
"""Upper bound of each travel (running) specific-energy class of VDI 4707-1:2009
[mWh/(kg m)] (class G open-ended). Values as recalled from the guideline; verify."""

LIFT_USAGE_CATEGORIES = {1: (0.2, 6), 2: (0.5, 20), 3: (1.5, 50), 4: (3.0, None), 5: (6.0, None)}
"""VDI 4707-1:2009 usage categories: (mean travel time per day [h], largest residential block
[apartments] the category is typical for; None: not residential / more than 50)."""

LIGHTING_EFFICACY_LM_PER_W = {"led": 100.0, "fluorescent": 60.0, "compact_fluorescent": 45.0, "incandescent": 12.0}
"""Luminaire efficacy [lm/W] by lamp technology: typical values, mgwsim assumptions (LED luminaires
90-130, T8 fluorescent with magnetic ballast 50-70, CFL downlights 40-55, incandescent 10-14)."""

LIGHTING_HOURS_PER_DAY = {"continuous": 24.0, "timer": 6.0, "presence": 3.0}
"""Full-load hours per day of circulation lighting by control (mgwsim assumptions: continuous
lighting, push-button staircase timers, presence detectors)."""

_DESIGN_TEMPERATURE_DEGC = -7.0  # Uccle, data/weather/design_temperatures_be.csv (medium confidence)
_RHO_C_WATER_KWH_M3K = 4.186 * 983.0 / 3600.0  # water at about 60 degC [kWh/(m3 K)]
_H25_DAY_TYPES = ("workday", "saturday", "sunday_holiday")


# --------------------------------------------------------------------------- index helpers
def _local_index(index, timezone: str, owner: str, *, quarters: bool = False) -> pd.DatetimeIndex:
    """``index`` on the local clock of ``timezone`` after checking it is tz-aware and hourly.

    With ``quarters=True`` a regular 15-minute index is accepted as well.
    """
    if not isinstance(index, pd.DatetimeIndex):
        raise InputError(f"{owner}.index must be a pandas DatetimeIndex, got {type(index).__name__}")
    if len(index) == 0:
        raise InputError(f"{owner}.index is empty; at least one hour is needed")
    if index.tz is None:
        raise InputError(f"{owner}.index must be tz-aware (e.g. UTC); got a naive index")
    step_h = step_hours(index, owner=owner)
    if step_h != 1.0 and not quarters:
        raise InputError(f"{owner}.index has a step of {step_h * 60:g} min; allowed here: 1 h")
    try:
        return index.tz_convert(timezone)
    except Exception as exc:  # pytz/zoneinfo raise different types for unknown zones
        raise InputError(f"{owner}.timezone = {timezone!r} is not a known time zone") from exc


def _step(index, owner: str) -> float:
    """Step of a tz-aware index [h] (1.0 or 0.25), checked like :func:`_local_index`."""
    if isinstance(index, pd.DatetimeIndex) and len(index) and index.tz is None:
        raise InputError(f"{owner}.index must be tz-aware (e.g. UTC); got a naive index")
    if isinstance(index, pd.DatetimeIndex) and len(index) == 0:
        raise InputError(f"{owner}.index is empty; at least one hour is needed")
    return step_hours(index, owner=owner)


def _check_seed(seed, owner: str) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise InputError(f"{owner}.seed must be an int, got {seed!r}")
    return int(seed)


# --------------------------------------------------------------------------- holidays
def _easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous algorithm in Meeus, *Astronomical Algorithms*, ch. 8)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def belgian_public_holidays(years) -> set[date]:
    """The ten Belgian legal public holidays of the given years.

    New Year, Easter Monday, 1 May, Ascension Day (Easter + 39 d), Whit Monday (Easter + 50 d),
    21 July, 15 August, 1 November, 11 November and Christmas: the list of the Royal Decree of
    18 April 1974 (art. 1), which the Belgian labour law applies.

    Parameters
    ----------
    years : iterable of int

    Returns
    -------
    set of datetime.date
    """
    days = set()
    for year in {int(y) for y in years}:
        easter = _easter_sunday(year)
        days.update(date(year, m, d) for m, d in ((1, 1), (5, 1), (7, 21), (8, 15), (11, 1), (11, 11), (12, 25)))
        days.update(easter + timedelta(days=n) for n in (1, 39, 50))
    return days


# --------------------------------------------------------------------------- the load shape
@lru_cache(maxsize=1)
def _h25_table() -> np.ndarray:
    """BDEW H25 hourly energy [kWh per GWh/a] as an array (month 1..12, day type, hour)."""
    table = pd.read_csv(data_path("loads", "bdew_h25_hourly.csv"))
    day_type = table["day_type"].map({name: i for i, name in enumerate(_H25_DAY_TYPES)}).to_numpy()
    out = np.full((13, 3, 24), np.nan)
    out[table["month"].to_numpy(), day_type, table["hour"].to_numpy()] = table["energy_kwh_per_gwh"].to_numpy()
    if np.isnan(out[1:]).any():
        raise InputError("data/loads/bdew_h25_hourly.csv does not cover every month, day type and hour")
    return out


def _dynamisation(day_of_year: np.ndarray) -> np.ndarray:
    """BDEW dynamisation factor of the household profiles (H0 1999, H25 2025) [-].

    ``F(t) = -3.92e-10 t^4 + 3.2e-7 t^3 - 7.02e-5 t^2 + 2.1e-3 t + 1.24`` with ``t`` the day of
    the year (BDEW/VDEW, "Repräsentative VDEW-Lastprofile", 1999; kept for H25 in 2025).
    """
    t = day_of_year.astype(float)
    return -3.92e-10 * t**4 + 3.2e-7 * t**3 - 7.02e-5 * t**2 + 2.1e-3 * t + 1.24


def _raw_shape(local: pd.DatetimeIndex) -> np.ndarray:
    """Unnormalised H25 x dynamisation value of each local hour."""
    holidays = belgian_public_holidays(np.unique(local.year))
    is_holiday = np.isin(local.normalize().tz_localize(None).date, list(holidays))
    weekday = np.asarray(local.day_of_week)
    day_type = np.where(is_holiday | (weekday == 6), 2, np.where(weekday == 5, 1, 0))
    table = _h25_table()
    base = table[np.asarray(local.month), day_type, np.asarray(local.hour)]
    return base * _dynamisation(np.asarray(local.day_of_year))


def standard_load_shape(index: pd.DatetimeIndex, *, timezone: str = DEFAULT_TIMEZONE) -> pd.Series:
    """Expected share of a household's annual electricity use in each hour [-].

    ``s(t) = H25(month, day type, hour) * F(day of year) / sum over the local calendar year``:
    the BDEW H25 household standard load profile (hourly sums of its quarter-hour values) with
    the BDEW dynamisation function ``F`` (see :func:`_dynamisation`). Sundays and Belgian public
    holidays (:func:`belgian_public_holidays`) take the Sunday/holiday profile, Saturdays the
    Saturday one. The shares of every full local calendar year sum to 1, so a partial year gets
    its seasonal share. It stands in for the Belgian Synergrid residential profile (S21 / RLP),
    which could not be encoded here (see ``data/loads/README.md``).

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Hourly or 15-minute, period-beginning, tz-aware timestamps (any zone, e.g. the UTC
        weather index).
    timezone : str
        Zone whose local clock drives the profile (default ``"Europe/Brussels"``).

    Returns
    -------
    pandas.Series
        ``shape_frac`` on ``index``: share per step; a quarter gets a quarter of its hour's
        share (energy-conserving split, see the module docstring).

    References
    ----------
    BDEW (2025). Standardlastprofile Strom, H25 (household). Values as shipped by demandlib 0.2.2.
    """
    step_h = _step(index, "standard_load_shape")
    if step_h != 1.0:
        hours, position = hourly_parent(index)
        shares = standard_load_shape(hours, timezone=timezone).to_numpy()[position] * step_h
        return pd.Series(shares, index=index, name="shape_frac")
    local = _local_index(index, timezone, "standard_load_shape")
    raw = _raw_shape(local)
    years = np.asarray(local.year)
    shares = np.empty_like(raw)
    for year in np.unique(years):
        full = pd.date_range(f"{year}-01-01", f"{year + 1}-01-01", freq="h", tz=timezone, inclusive="left")
        shares[years == year] = raw[years == year] / _raw_shape(full).sum()
    return pd.Series(shares, index=index, name="shape_frac")


# --------------------------------------------------------------------------- annual energy
@lru_cache(maxsize=1)
def _default_table() -> dict[int, float]:
    table = pd.read_csv(data_path("loads", "household_electricity_apartments.csv"))
    return dict(zip(table["persons"].astype(int), table["annual_kwh"].astype(float), strict=True))


def household_electricity_table() -> dict[int, float]:
    """Default annual private electricity use of an apartment by persons [kWh/a] (a copy).

    From ``data/loads/household_electricity_apartments.csv``: Stromspiegel für Deutschland
    (apartments in multi-family houses, hot water not electric): 1: 1400, 2: 2000, 3: 2600,
    4: 2900, 5 or more: 3000 kWh/a. See ``data/loads/README.md`` for the Belgian cross-checks
    and the uncertainty.
    """
    return dict(_default_table())


def _check_table(annual_kwh_by_size, owner: str) -> tuple[np.ndarray, np.ndarray]:
    """Sorted persons and annual kWh of a size table, validated."""
    table = _default_table() if annual_kwh_by_size is None else annual_kwh_by_size
    if not isinstance(table, dict) or not table:
        raise InputError(f"{owner}.annual_kwh_by_size must be a non-empty dict {{persons: kWh/a}}, got {table!r}")
    sizes = np.array(sorted(table), dtype=float)
    for size in sizes:
        check_number(size, "annual_kwh_by_size key", owner=owner, low=1, high=20)
        if size != int(size):
            raise InputError(f"{owner}.annual_kwh_by_size key {size!r} must be a whole number of persons")
    if sizes[0] != 1:
        raise InputError(f"{owner}.annual_kwh_by_size must have a row for 1 person; keys are {sorted(table)}")
    kwh = np.array([check_positive(table[k], f"annual_kwh_by_size[{k}]", owner=owner, high=1e5, unit="kWh/a")
                    for k in sorted(table)])
    return sizes, kwh


def _check_sizes(household_sizes, owner: str) -> np.ndarray:
    """Persons per apartment as a float array: finite, 1..20, at least one apartment."""
    sizes = np.atleast_1d(np.asarray(household_sizes, dtype=object))
    if sizes.size == 0:
        raise InputError(f"{owner}.household_sizes is empty; at least one apartment is needed")
    try:
        sizes = sizes.astype(float)
    except (TypeError, ValueError):
        raise InputError(f"{owner}.household_sizes must be numbers, got {household_sizes!r}") from None
    return check_series(sizes, "household_sizes", owner=owner, low=1.0, high=20.0)


def household_annual_kwh(household_sizes, annual_kwh_by_size: dict | None = None) -> np.ndarray:
    """Annual private electricity use of each apartment [kWh/a].

    Linear interpolation in the table for fractional sizes (e.g. a mean occupancy of 2.3); sizes
    above the largest key take its value, as the table's last row means "that many or more"
    (Stromspiegel: 5 or more).

    Parameters
    ----------
    household_sizes : array_like
        Persons per apartment, 1..20 (vacant apartments are not modelled: leave them out).
    annual_kwh_by_size : dict, optional
        ``{persons: kWh/a}`` with whole-number keys including 1; default
        :func:`household_electricity_table`.

    Returns
    -------
    numpy.ndarray
    """
    owner = "household_annual_kwh"
    sizes = _check_sizes(household_sizes, owner)
    keys, kwh = _check_table(annual_kwh_by_size, owner)
    return np.interp(sizes, keys, kwh)


# --------------------------------------------------------------------------- apartments
def apartment_loads_kw(
    index: pd.DatetimeIndex,
    household_sizes,
    *,
    seed: int,
    annual_kwh_by_size: dict | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    base_load_frac: float = 0.3,
    day_to_day_cv: float = 0.3,
    hour_concentration: float = 12.0,
) -> pd.DataFrame:
    """Seeded hourly private electricity use of each apartment and their total [kW].

    Each apartment's expected load is ``e(t) = A * s(t)`` with ``A`` from
    :func:`household_annual_kwh` and ``s`` from :func:`standard_load_shape`. Of it,

    - ``base_load_frac`` is deterministic (cold appliances, standby);
    - the rest is drawn per local day: the day's expected variable energy times a factor
      ``X ~ Gamma(mean 1, cv day_to_day_cv)``, spread over the day's hours by Dirichlet shares
      with mean ``s(t) / sum_day(s)`` and concentration ``hour_concentration`` (smaller: spikier).

    Both random parts have mean 1 (``E[X] = 1``, Dirichlet means equal the profile's shares), so
    the expected load of every hour is ``e(t)``: the model is mean-preserving and the expected
    sum over a full local year equals the table value. The realised annual total of one apartment
    scatters by about ``(1 - base_load_frac) * day_to_day_cv / sqrt(365)`` (1.1 % with defaults).
    Random values of apartments are independent, so the sum over N apartments shows a coincidence
    factor that falls with N towards the peak of the expected profile (Velander-type behaviour).
    The defaults of the random part are mgwsim calibration assumptions (a single 2-person
    apartment peaks at about 3 kW in its busiest hour of a year, and 200 such apartments at about
    0.5 kW each after diversity); no Belgian measurement was fitted.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Hourly or 15-minute, period-beginning, tz-aware timestamps (15 minutes: the hourly
        loads held over each hour's quarters, see the module docstring).
    household_sizes : array_like
        Persons per apartment (one value per apartment), 1..20.
    seed : int
        Seed of ``numpy.random.default_rng``; same inputs and seed give identical arrays.
    annual_kwh_by_size : dict, optional
        ``{persons: kWh/a}``, see :func:`household_annual_kwh`.
    timezone : str
        Local clock of the profile.
    base_load_frac : float
        Deterministic share of the load, 0..1.
    day_to_day_cv : float
        Coefficient of variation of the daily energy, 0..2.
    hour_concentration : float
        Dirichlet concentration of the hourly split, > 0 (``inf`` not allowed; use
        ``base_load_frac=1`` for the expected profile).

    Returns
    -------
    pandas.DataFrame
        ``apartment_0_kw`` ... ``apartment_{n-1}_kw`` and ``total_kw`` on ``index``.
    """
    owner = "apartment_loads_kw"
    if _step(index, owner) != 1.0:  # hourly model, each hour's mean held over its quarters
        hours, position = hourly_parent(index)
        hourly = apartment_loads_kw(hours, household_sizes, seed=seed, annual_kwh_by_size=annual_kwh_by_size,
                                    timezone=timezone, base_load_frac=base_load_frac, day_to_day_cv=day_to_day_cv,
                                    hour_concentration=hour_concentration)
        return pd.DataFrame(hourly.to_numpy()[position], index=index, columns=hourly.columns)
    local = _local_index(index, timezone, owner)
    annual = household_annual_kwh(household_sizes, annual_kwh_by_size)
    b = check_fraction(base_load_frac, "base_load_frac", owner=owner)
    cv = check_number(day_to_day_cv, "day_to_day_cv", owner=owner, low=0.0, high=2.0)
    kappa = check_positive(hour_concentration, "hour_concentration", owner=owner, high=1e6)
    rng = np.random.default_rng(_check_seed(seed, owner))
    shape = standard_load_shape(index, timezone=timezone).to_numpy()
    loads = _apartment_array(local, shape, annual, b, cv, kappa, rng)
    frame = pd.DataFrame(loads, index=index, columns=[f"apartment_{i}_kw" for i in range(annual.size)])
    frame["total_kw"] = loads.sum(axis=1)
    return frame


def _apartment_array(local, shape, annual, b, cv, kappa, rng) -> np.ndarray:
    """The vectorised model of :func:`apartment_loads_kw` -> array (hours, apartments) [kW]."""
    codes, starts = local_day_codes(local)
    expected = shape[:, None] * annual[None, :]
    if b == 1.0:
        return expected
    day_share = np.add.reduceat(shape, starts)
    p = shape / day_share[codes]
    n_days, n_apts = starts.size, annual.size
    x = np.ones((n_days, n_apts)) if cv == 0 else rng.gamma(1.0 / cv**2, cv**2, size=(n_days, n_apts))
    g = rng.gamma(np.broadcast_to((kappa * p)[:, None], (p.size, n_apts)))
    split = g / np.add.reduceat(g, starts, axis=0)[codes]
    variable_day = (1.0 - b) * day_share[:, None] * annual[None, :] * x
    return b * expected + variable_day[codes] * split


def coincidence_factor(loads_kw) -> float:
    """Coincidence (simultaneity) factor ``g = max_t sum_i P_i(t) / sum_i max_t P_i(t)`` [-].

    The ratio of the peak of the group to the sum of the individual peaks (IEC 60050-691 and
    distribution-planning practice; 1 for one consumer, falling with the number of consumers).

    Parameters
    ----------
    loads_kw : pandas.DataFrame or array_like
        One column per consumer [kW] (a ``total_kw`` column of a DataFrame is ignored).

    Returns
    -------
    float
    """
    if isinstance(loads_kw, pd.DataFrame):
        loads_kw = loads_kw.drop(columns=["total_kw"], errors="ignore").to_numpy()
    array = np.asarray(loads_kw, dtype=float)
    if array.ndim != 2 or array.size == 0:
        raise InputError(f"coincidence_factor.loads_kw must be a non-empty 2-D (hours, consumers) array, "
                         f"got shape {array.shape}")
    if not np.isfinite(array).all() or (array < 0).any():
        raise InputError("coincidence_factor.loads_kw must be finite and non-negative")
    peaks = array.max(axis=0).sum()
    if peaks == 0:
        raise InputError("coincidence_factor.loads_kw is zero everywhere; the factor is undefined")
    return float(array.sum(axis=1).max() / peaks)


# --------------------------------------------------------------------------- common areas
@dataclass(frozen=True)
class Lift:
    """A passenger lift, one per stair core, rated after VDI 4707-1:2009.

    Daily energy ``E = P_sb * (24 h - t_run) + e_run * Q * v * t_run * 3600 s/h`` with standby
    power ``P_sb`` [W], specific travel energy ``e_run`` [mWh/(kg m)] (the VDI 4707 classes,
    upper bound of the class unless given), rated load ``Q`` [kg], rated speed ``v`` [m/s] and the
    mean travel time per day ``t_run`` of the usage category (VDI 4707-1 Table 2: 0.2, 0.5, 1.5,
    3 and 6 h/d; residential blocks up to 6, 20, 50 and more than 50 apartments take categories
    1, 2, 3, 4). Standby dominates in residential lifts.

    Parameters
    ----------
    rated_load_kg : float
        Rated load [kg], 100..5000 (630 kg: an 8-person lift, mgwsim default).
    speed_m_s : float
        Rated speed [m/s], 0.1..10.
    standby_class, running_class : str
        VDI 4707 class A..F (defaults "C" and "D": mgwsim assumptions for an existing lift).
    standby_w : float, optional
        Measured standby power [W]; overrides ``standby_class``.
    running_mwh_per_kg_m : float, optional
        Measured specific travel energy [mWh/(kg m)]; overrides ``running_class``.
    usage_category : int, optional
        VDI 4707 category 1..5; default from the apartments served by the lift.
    """

    rated_load_kg: float = 630.0
    speed_m_s: float = 1.0
    standby_class: str = "C"
    running_class: str = "D"
    standby_w: float | None = None
    running_mwh_per_kg_m: float | None = None
    usage_category: int | None = None

    def __post_init__(self):
        owner = "Lift"
        check_number(self.rated_load_kg, "rated_load_kg", owner=owner, low=100, high=5000, unit="kg")
        check_number(self.speed_m_s, "speed_m_s", owner=owner, low=0.1, high=10, unit="m/s")
        check_choice(self.standby_class, "standby_class", LIFT_STANDBY_CLASSES_W, owner=owner)
        check_choice(self.running_class, "running_class", LIFT_RUNNING_CLASSES_MWH_PER_KG_M, owner=owner)
        if self.standby_w is not None:
            check_number(self.standby_w, "standby_w", owner=owner, low=0, high=20_000, unit="W")
        if self.running_mwh_per_kg_m is not None:
            check_number(self.running_mwh_per_kg_m, "running_mwh_per_kg_m", owner=owner, low=0, high=50)
        if self.usage_category is not None:
            check_choice(self.usage_category, "usage_category", LIFT_USAGE_CATEGORIES, owner=owner)

    @property
    def standby_power_w(self) -> float:
        """Standby power [W]: given, or the upper bound of the standby class."""
        return LIFT_STANDBY_CLASSES_W[self.standby_class] if self.standby_w is None else float(self.standby_w)

    @property
    def running_energy_mwh_per_kg_m(self) -> float:
        """Specific travel energy [mWh/(kg m)]: given, or the upper bound of the running class."""
        if self.running_mwh_per_kg_m is None:
            return LIFT_RUNNING_CLASSES_MWH_PER_KG_M[self.running_class]
        return float(self.running_mwh_per_kg_m)

    def category_for(self, apartments_served: float) -> int:
        """VDI 4707 usage category: given, or from the apartments the lift serves."""
        if self.usage_category is not None:
            return int(self.usage_category)
        for category, (_, largest) in LIFT_USAGE_CATEGORIES.items():
            if largest is None or apartments_served <= largest:
                return category
        raise AssertionError("unreachable: category 4 has no upper bound")

    def travel_kw(self) -> float:
        """Electric power while travelling, ``e_run * Q * v * 3600 / 1e6`` [kW]."""
        return self.running_energy_mwh_per_kg_m * self.rated_load_kg * self.speed_m_s * 3600.0 / 1e6

    def daily_kwh(self, apartments_served: float) -> float:
        """Energy per day [kWh] of the formula in the class docstring."""
        t_run = LIFT_USAGE_CATEGORIES[self.category_for(apartments_served)][0]
        return self.standby_power_w / 1000.0 * (24.0 - t_run) + self.travel_kw() * t_run


@dataclass(frozen=True)
class Lighting:
    """Lighting of an area by the lumen method: ``p = E / (eta * UF * MF)`` [W/m2].

    Parameters
    ----------
    technology : str
        Key of :data:`LIGHTING_EFFICACY_LM_PER_W` ("led", "fluorescent", ...).
    control : str
        Key of :data:`LIGHTING_HOURS_PER_DAY` ("continuous", "timer", "presence").
    illuminance_lx : float
        Maintained illuminance [lx]; EN 12464-1 asks about 100 lx in corridors and circulation
        areas (stairs somewhat more), 75 lx in car-park lanes (as recalled; verify the edition).
    utilisation_maintenance : float
        Utilisation factor x maintenance factor [-], (0, 1]; 0.4 (0.5 x 0.8) is an mgwsim
        assumption for narrow stairwells.
    power_w_m2 : float, optional
        Installed power density [W/m2]; overrides the lumen method.
    hours_per_day : float, optional
        Full-load hours per local day [h] (a 23- or 25-hour DST day too: the lighting follows
        the occupants' activity, a daily quantity); overrides the control's default.
    """

    technology: str = "led"
    control: str = "timer"
    illuminance_lx: float = 100.0
    utilisation_maintenance: float = 0.4
    power_w_m2: float | None = None
    hours_per_day: float | None = None

    def __post_init__(self):
        owner = "Lighting"
        check_choice(self.technology, "technology", LIGHTING_EFFICACY_LM_PER_W, owner=owner)
        check_choice(self.control, "control", LIGHTING_HOURS_PER_DAY, owner=owner)
        check_number(self.illuminance_lx, "illuminance_lx", owner=owner, low=1, high=2000, unit="lx")
        check_number(self.utilisation_maintenance, "utilisation_maintenance", owner=owner, low=0.05, high=1)
        if self.power_w_m2 is not None:
            check_number(self.power_w_m2, "power_w_m2", owner=owner, low=0, high=100, unit="W/m2")
        if self.hours_per_day is not None:
            check_number(self.hours_per_day, "hours_per_day", owner=owner, low=0, high=24, unit="h")

    @property
    def density_w_m2(self) -> float:
        """Installed power density [W/m2]."""
        if self.power_w_m2 is not None:
            return float(self.power_w_m2)
        efficacy = LIGHTING_EFFICACY_LM_PER_W[self.technology]
        return self.illuminance_lx / (efficacy * self.utilisation_maintenance)

    @property
    def full_load_hours_per_day(self) -> float:
        return LIGHTING_HOURS_PER_DAY[self.control] if self.hours_per_day is None else float(self.hours_per_day)


@per_index
def _activity_split(index: pd.DatetimeIndex, timezone: str) -> np.ndarray:
    """Share of its local day's activity falling in each hour [-] (a complete local day sums to 1).

    The household profile of :func:`standard_load_shape` is used as the occupants' activity
    (lift trips, lighting switched by timers or detectors): an mgwsim assumption. Each hour's
    share is its profile value over the sum of its *complete* local calendar day (23, 24 or
    25 hours, taken from the calendar, not from ``index``), so an hour's share never depends
    on which other hours of its day the index holds: a lone hour gets its own share, not
    the day's activity. A day's activity is a daily quantity: a 23- or 25-hour DST day holds
    one day of it.
    """
    local = _local_index(index, timezone, "activity")
    shape = standard_load_shape(index, timezone=timezone).to_numpy()
    return shape / whole_day_totals(local, 1.0, lambda days: standard_load_shape(days, timezone=timezone).to_numpy())


def _lift_kw(index, building, lift: Lift, n_lifts: int, timezone: str) -> np.ndarray:
    """Hourly mean power of all lifts [kW]: standby outside travel, travel spread by activity."""
    t_run = LIFT_USAGE_CATEGORIES[lift.category_for(building.n_apartments / n_lifts)][0]
    run_h = t_run * _activity_split(index, timezone)  # travel hours within each hour
    per_lift = lift.standby_power_w / 1000.0 * (1.0 - run_h) + lift.travel_kw() * run_h
    return n_lifts * per_lift


def _lighting_kw(index, area_m2: float, lighting: Lighting, timezone: str) -> np.ndarray:
    """Hourly mean lighting power [kW]: flat when continuous, else following activity."""
    installed_kw = lighting.density_w_m2 * area_m2 / 1000.0
    if lighting.control == "continuous" and lighting.hours_per_day is None:
        return np.full(len(index), installed_kw)
    on_fraction = lighting.full_load_hours_per_day * _activity_split(index, timezone)  # full-load hours per local day
    if np.any(on_fraction > 1.0 + 1e-9):
        raise InputError(f"Lighting.hours_per_day = {lighting.full_load_hours_per_day:g} h would need more than "
                         "full power in the busiest hour; use control='continuous'")
    return installed_kw * on_fraction


@per_index
def _sun_down(index: pd.DatetimeIndex, latitude_deg: float, longitude_deg: float, step_h: float = 1.0) -> np.ndarray:
    """True where the sun is below the horizon at the middle of the step (simple solar geometry).

    Declination after Cooper (1969), equation of time after Spencer (1971); accurate to a few
    minutes, enough to switch outdoor lighting.
    """
    utc = index.tz_convert("UTC") + pd.Timedelta(hours=step_h / 2.0)
    gamma = 2 * np.pi * (np.asarray(utc.day_of_year) - 1) / 365.0
    decl = np.radians(23.45) * np.sin(2 * np.pi * (284 + np.asarray(utc.day_of_year)) / 365.0)
    eot_min = 229.18 * (0.000075 + 0.001868 * np.cos(gamma) - 0.032077 * np.sin(gamma)
                        - 0.014615 * np.cos(2 * gamma) - 0.040849 * np.sin(2 * gamma))
    solar_time_h = np.asarray(utc.hour) + np.asarray(utc.minute) / 60.0 + longitude_deg / 15.0 + eot_min / 60.0
    hour_angle = np.radians(15.0 * (solar_time_h - 12.0))
    lat = math.radians(latitude_deg)
    sin_elevation = math.sin(lat) * np.sin(decl) + math.cos(lat) * np.cos(decl) * np.cos(hour_angle)
    return sin_elevation < 0.0


def _stair_cores(building, n_stair_cores, owner: str) -> int:
    """Stair cores given, or ``ceil(n_apartments / (4 * n_storeys))`` (4 apartments per landing)."""
    if n_stair_cores is None:
        return max(1, math.ceil(building.n_apartments / (4.0 * building.n_storeys)))
    cores = check_number(n_stair_cores, "n_stair_cores", owner=owner, low=1, high=building.n_apartments)
    if cores != int(cores):
        raise InputError(f"{owner}.n_stair_cores = {n_stair_cores!r} must be a whole number")
    return int(cores)


def _heating_pump_w(building, design_heat_load_kw, delta_t_k, head_kpa, efficiency, owner) -> float:
    """Electric power of the heating circulation pump at design flow [W].

    ``P = V * dp / eta`` with ``V = Phi / (rho c dT)`` (hydraulic power over wire-to-water
    efficiency; e.g. VDI 2073 / any pump handbook).
    """
    if design_heat_load_kw is None:
        load = building.design_heat_load_kw(_DESIGN_TEMPERATURE_DEGC)
    else:
        load = check_number(design_heat_load_kw, "design_heat_load_kw", owner=owner, low=0, high=1e5, unit="kW")
    dt = check_number(delta_t_k, "heating_delta_t_k", owner=owner, low=2, high=60, unit="K")
    head = check_number(head_kpa, "pump_head_kpa", owner=owner, low=0, high=1000, unit="kPa")
    eta = check_number(efficiency, "pump_efficiency", owner=owner, low=0.02, high=0.9)
    flow_m3_s = load / (_RHO_C_WATER_KWH_M3K * dt) / 3600.0
    return flow_m3_s * head * 1000.0 / eta


@per_index
def _heating_season(local: pd.DatetimeIndex) -> np.ndarray:
    """True in October to April (mgwsim assumption for the heating pump's season)."""
    return np.isin(np.asarray(local.month), (10, 11, 12, 1, 2, 3, 4))


def _heating_on(local: pd.DatetimeIndex, heating_on, owner: str) -> np.ndarray:
    """Steps the heating pump runs: given booleans (one per step), or :func:`_heating_season`."""
    if heating_on is None:
        return _heating_season(local)
    mask = np.asarray(heating_on)
    if mask.dtype != bool or mask.shape != (len(local),):
        raise InputError(f"{owner}.heating_on must be {len(local)} booleans (one per step of the index), "
                         f"got dtype {mask.dtype} and shape {mask.shape}")
    return mask


def _ventilation_kw(building, n_hours: int, owner: str) -> np.ndarray:
    """Fan power ``p_fan * n * V / 1000`` [kW], continuous for systems C and D."""
    vent = building.ventilation
    if vent.system == "natural":
        if vent.fan_power_w_per_m3h > 0:
            raise InputError(f"{owner}: building.ventilation.fan_power_w_per_m3h = {vent.fan_power_w_per_m3h} "
                             "with system 'natural'; natural ventilation has no fans (use 'C' or 'D')")
        return np.zeros(n_hours)
    flow_m3h = vent.air_change_per_h * building.heated_volume_m3
    return np.full(n_hours, vent.fan_power_w_per_m3h * flow_m3h / 1000.0)


def common_area_load_arrays(
    index: pd.DatetimeIndex,
    building,
    *,
    lift: bool | Lift = True,
    n_stair_cores: int | None = None,
    lighting: Lighting | None = None,
    circulation_area_m2: float | None = None,
    garage_area_m2: float = 0.0,
    garage_lighting: Lighting | None = None,
    outdoor_lighting_w: float = 0.0,
    always_on_w: float = 30.0,
    design_heat_load_kw: float | None = None,
    heating_on=None,
    heating_delta_t_k: float = 20.0,
    pump_head_kpa: float = 50.0,
    pump_efficiency: float = 0.25,
    dhw_circulation_pump_w: float = 40.0,
    latitude_deg: float = 50.8,
    longitude_deg: float = 4.35,
    timezone: str = DEFAULT_TIMEZONE,
) -> dict[str, np.ndarray]:
    """Electricity of the building's common services per step, per use and in total [kW, step mean].

    On a 15-minute index the lift and lighting (hourly activity profiles) hold their hourly
    mean over the quarters; the rest is evaluated per quarter (see the module docstring).

    - ``lift_kw``: one :class:`Lift` per stair core (VDI 4707-1); needs ``n_storeys >= 2``.
    - ``lighting_kw``: circulation area (stairs, landings, corridors) x :class:`Lighting`
      density; ``circulation_area_m2`` defaults to 8 % of the heated floor area (mgwsim
      assumption; measure it where possible).
    - ``garage_lighting_kw``: ``garage_area_m2`` x ``garage_lighting`` (default LED, 75 lx, timer).
    - ``outdoor_lighting_kw``: ``outdoor_lighting_w`` whenever the sun is down.
    - ``heating_pump_kw``: constant-speed circulation pump at design flow
      (:func:`_heating_pump_w`) in the hours of ``heating_on`` (default October-April);
      variable-speed pumps use less (not modelled).
    - ``dhw_pump_kw``: DHW circulation pump, continuous (hygiene: loop always hot).
    - ``ventilation_kw``: ``fan_power_w_per_m3h x air_change_per_h x heated_volume_m3`` of
      ``building.ventilation`` for systems C and D, continuously (counted on the common meter).
    - ``always_on_kw``: intercom, door openers, fire-detection panel, emergency lighting
      (default 30 W, mgwsim assumption).

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Hourly or 15-minute, period-beginning, tz-aware timestamps.
    building : mgwsim.Building
        Uses ``n_apartments``, ``n_storeys``, ``heated_floor_area_m2``, ``heated_volume_m3``,
        ``ventilation`` and (for the default pump size) ``design_heat_load_kw``.
    lift : bool or Lift
        ``True`` for the default :class:`Lift`, ``False`` for none.
    n_stair_cores : int, optional
        Stair cores (one lift each); default ``ceil(n_apartments / (4 n_storeys))``
        (four apartments per landing, mgwsim assumption).
    lighting, garage_lighting : Lighting, optional
        Default ``Lighting()`` (LED, timer, 100 lx) and ``Lighting(illuminance_lx=75)``.
    circulation_area_m2, garage_area_m2 : float
        Lit areas [m2].
    outdoor_lighting_w, always_on_w, dhw_circulation_pump_w : float
        Installed powers [W], >= 0.
    design_heat_load_kw : float, optional
        Design heat load [kW]; default ``building.design_heat_load_kw(-7 degC)`` (Uccle).
    heating_on : array_like of bool, optional
        Steps with space heating (pump running), one per row of ``index``.
    heating_delta_t_k, pump_head_kpa, pump_efficiency : float
        Design supply-return difference [K] (20: a 90/70 regime), pump head [kPa] and
        wire-to-water efficiency [-] (50 kPa and 0.25 are mgwsim assumptions for an existing
        collective system).
    latitude_deg, longitude_deg : float
        Site for the dusk-to-dawn switching [deg] (default Uccle).
    timezone : str
        Local clock of the activity profiles.

    Returns
    -------
    dict of numpy.ndarray
        The columns above and ``total_kw``, one value per step; :func:`common_area_loads_kw`
        gives them as a DataFrame.
    """
    owner = "common_area_loads_kw"
    local = _local_index(index, timezone, owner, quarters=True)
    step_h = step_hours(index, owner=owner)
    hours, position = hourly_parent(index)  # activity profiles are hourly: held over the quarters
    n = len(index)
    columns = {"lift_kw": _lift_column(hours, building, lift, n_stair_cores, timezone, owner)[position]}
    area = 0.08 * building.heated_floor_area_m2 if circulation_area_m2 is None else check_number(
        circulation_area_m2, "circulation_area_m2", owner=owner, low=0, high=1e6, unit="m2")
    columns["lighting_kw"] = _lighting_kw(hours, area, lighting or Lighting(), timezone)[position]
    garage = check_number(garage_area_m2, "garage_area_m2", owner=owner, low=0, high=1e6, unit="m2")
    columns["garage_lighting_kw"] = _lighting_kw(hours, garage, garage_lighting or Lighting(illuminance_lx=75.0),
                                                 timezone)[position]
    outdoor_kw = check_number(outdoor_lighting_w, "outdoor_lighting_w", owner=owner, low=0, high=1e5, unit="W")
    lat = check_number(latitude_deg, "latitude_deg", owner=owner, low=-66, high=66, unit="deg")
    lon = check_number(longitude_deg, "longitude_deg", owner=owner, low=-180, high=180, unit="deg")
    columns["outdoor_lighting_kw"] = outdoor_kw / 1000.0 * _sun_down(index, lat, lon, step_h)
    pump_w = _heating_pump_w(building, design_heat_load_kw, heating_delta_t_k, pump_head_kpa, pump_efficiency, owner)
    columns["heating_pump_kw"] = pump_w / 1000.0 * _heating_on(local, heating_on, owner)
    dhw_w = check_number(dhw_circulation_pump_w, "dhw_circulation_pump_w", owner=owner, low=0, high=1e4, unit="W")
    columns["dhw_pump_kw"] = np.full(n, dhw_w / 1000.0)
    columns["ventilation_kw"] = _ventilation_kw(building, n, owner)
    always = check_number(always_on_w, "always_on_w", owner=owner, low=0, high=1e5, unit="W")
    columns["always_on_kw"] = np.full(n, always / 1000.0)
    total = columns["lift_kw"].copy()
    for name in list(columns)[1:]:  # left to right, as DataFrame.sum(axis=1) added them
        total = total + columns[name]
    columns["total_kw"] = total
    return columns


def common_area_loads_kw(index: pd.DatetimeIndex, building, **options) -> pd.DataFrame:
    """:func:`common_area_load_arrays` as a DataFrame on ``index`` (columns per use and ``total_kw`` [kW])."""
    return pd.DataFrame(common_area_load_arrays(index, building, **options), index=index)


EPC_AUXILIARY_COLUMNS = ("heating_pump_kw", "dhw_pump_kw", "ventilation_kw")
"""Columns of :func:`common_area_loads_kw` that the EPC counts as auxiliary energy (pumps, fans)."""


def epc_auxiliary_kw(loads) -> np.ndarray:
    """The auxiliary part (:data:`EPC_AUXILIARY_COLUMNS`) of :func:`common_area_loads_kw` [kW] (a table or its arrays)."""
    total = np.zeros(len(loads["total_kw"]))
    for name in EPC_AUXILIARY_COLUMNS:  # left to right, as DataFrame.sum(axis=1) adds them
        if name in loads:
            total = total + np.asarray(loads[name], dtype=float)
    return total


def _lift_column(index, building, lift, n_stair_cores, timezone, owner) -> np.ndarray:
    if lift is False:
        return np.zeros(len(index))
    if lift is True:
        lift = Lift()
    if not isinstance(lift, Lift):
        raise InputError(f"{owner}.lift must be True, False or a Lift, got {type(lift).__name__}")
    if building.n_storeys < 2:
        raise InputError(f"{owner}.lift: building.n_storeys = {building.n_storeys} has no lift; pass lift=False")
    cores = _stair_cores(building, n_stair_cores, owner)
    return _lift_kw(index, building, lift, cores, timezone)


def building_electric_loads(
    index: pd.DatetimeIndex,
    building,
    household_sizes=None,
    *,
    seed: int,
    annual_kwh_by_size: dict | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    apartment_options: dict | None = None,
    **common_options,
) -> pd.DataFrame:
    """Electricity of the apartments and the common areas of a building per step [kW, step mean].

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Hourly or 15-minute, period-beginning, tz-aware timestamps.
    building : mgwsim.Building
    household_sizes : array_like, optional
        Persons per apartment, ``building.n_apartments`` values; default 2 persons each
        (mgwsim assumption; Belgian households average about 2.3 persons).
    seed : int
        Seed of the apartments' random part.
    annual_kwh_by_size : dict, optional
        See :func:`household_annual_kwh`.
    timezone : str
        Local clock of all profiles.
    apartment_options : dict, optional
        Further keyword arguments of :func:`apartment_loads_kw`.
    **common_options
        Keyword arguments of :func:`common_area_loads_kw`.

    Returns
    -------
    pandas.DataFrame
        ``apartments_kw``, ``common_area_kw``, each common use of :func:`common_area_loads_kw`
        and ``total_kw``.
    """
    owner = "building_electric_loads"
    sizes = np.full(building.n_apartments, 2.0) if household_sizes is None else _check_sizes(household_sizes, owner)
    if sizes.size != building.n_apartments:
        raise InputError(f"{owner}.household_sizes has {sizes.size} values; building.n_apartments is "
                         f"{building.n_apartments}")
    apartments = apartment_loads_kw(index, sizes, seed=seed, annual_kwh_by_size=annual_kwh_by_size,
                                    timezone=timezone, **(apartment_options or {}))
    common = common_area_loads_kw(index, building, timezone=timezone, **common_options)
    frame = pd.DataFrame({"apartments_kw": apartments["total_kw"], "common_area_kw": common["total_kw"]}, index=index)
    frame = frame.join(common.drop(columns="total_kw"))
    frame["total_kw"] = frame["apartments_kw"] + frame["common_area_kw"]
    return frame
