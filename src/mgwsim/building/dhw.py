"""Domestic hot water (DHW) of a collective apartment building, hour by hour (or per 15 minutes).

What this module gives (all arrays follow the caller's ``DatetimeIndex`` of period-beginning
steps, hourly or 15-minute; local clock time of that index drives the daily profiles; energies
and volumes are per step):

- :func:`cold_water_temperature_degc` -- seasonal mains temperature (sinusoid), with
  :func:`mains_parameters_burch_christensen` to derive its parameters from air temperature;
- :func:`apartment_draws_l` / :func:`simulate_dhw_draws` -- seeded, mean-preserving,
  occupancy-based draw volumes at the supply temperature and their energy;
- :func:`tapping_cycle` / :func:`tapping_cycle_hourly` -- the EU tapping cycles XXS..XXL of
  Regulations (EU) 812/2013 and 814/2013;
- :func:`estimate_circulation_pipe_lengths`, :func:`circulation_loss_kw` -- circulation loop
  losses at fixed temperatures; :class:`CirculationLoop` -- the loop as the plant kernel runs it
  hour by hour (loss from the tank's outlet and the surroundings, return temperature computed);
  :func:`storage_loss_kw` -- standby loss of a DHW tank from the EU label classes;
- :class:`LegionellaRules` -- temperature limits the heat-pump side must respect;
- :func:`dhw_profile` -> :class:`DhwProfile` -- everything above combined for a building.

Energy of a volume of hot water uses ``rho * c_p = 1 kg/l * 4.186 kJ/(kg K)``
(:data:`WATER_HEAT_KWH_PER_L_K`), the convention of the EU tapping cycles (litres counted as
kilograms); with the real density at 60 degC (983 kg/m3) the energy per litre is 1.7 % lower.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from mgwsim._data import data_path
from mgwsim.errors import (
    InputError,
    check_choice,
    check_number,
    check_positive,
    check_series,
)
from mgwsim.simyear import local_day_codes, whole_day_totals
from mgwsim.timestep import per_index, step_hours

__all__ = [
    "DEFAULT_COLD_WATER",
    "DEFAULT_LITRES_PER_PERSON_DAY",
    "EU_TEST_COLD_WATER_DEGC",
    "STORAGE_LABEL_COEFFICIENTS",
    "TAPPING_CYCLE_REFERENCE_KWH",
    "TAPPING_CYCLE_SIZES",
    "WATER_HEAT_KWH_PER_L_K",
    "CirculationLoop",
    "DhwProfile",
    "LegionellaRules",
    "PipeLengths",
    "apartment_draws_l",
    "circulation_loss_kw",
    "cold_water_temperature_degc",
    "daily_profile_fractions",
    "dhw_profile",
    "estimate_circulation_pipe_lengths",
    "mains_parameters_burch_christensen",
    "simulate_dhw_draws",
    "standing_loss_w",
    "storage_loss_kw",
    "tapping_cycle",
    "tapping_cycle_hourly",
]

WATER_HEAT_KWH_PER_L_K = 4.186 / 3600.0
"""Heat to warm one litre of water by one kelvin [kWh/(l K)]: 1 kg/l x 4.186 kJ/(kg K)."""

EU_TEST_COLD_WATER_DEGC = 10.0
"""Cold water temperature of the EU tapping-cycle tests (Reg. 812/2013 Annex VII, EN 16147) [degC]."""

DEFAULT_LITRES_PER_PERSON_DAY = 40.0
"""Hot water at 60 degC per person and day [l]: the Flemish solar-map assumption (German statistics: 30-48)."""

DEFAULT_COLD_WATER = {"annual_mean_degc": 14.3, "amplitude_k": 4.2, "coldest_day_of_year": 42.0}
"""Default mains-temperature sinusoid: :func:`mains_parameters_burch_christensen` evaluated for
Uccle (mgwsim's embedded 2019 weather: mean air 11.0 degC, monthly means spanning 17.6 K)."""

TAPPING_CYCLE_SIZES = ("XXS", "XS", "S", "M", "L", "XL", "XXL")
"""Load profiles encoded in ``data/dhw/eu_812_2013_tapping_cycles.csv``."""

TAPPING_CYCLE_REFERENCE_KWH = {
    "XXS": 2.100, "XS": 2.100, "S": 2.100, "M": 5.845, "L": 11.655, "XL": 19.070, "XXL": 24.530,
}
"""Reference energy ``Qref`` per day [kWh], Reg. (EU) 812/2013 Annex VII Table 3."""

STORAGE_LABEL_COEFFICIENTS = {
    "A+": (5.5, 3.16), "A": (8.5, 4.25), "B": (12.0, 5.93), "C": (16.66, 8.33),
    "D": (21.0, 10.33), "E": (26.0, 13.66), "F": (31.0, 16.66),
}
"""Upper bound ``S < a + b V^0.4`` [W] of each hot water storage tank energy-efficiency class,
Reg. (EU) 812/2013 Annex II Table 2 (V in litres). The class C bound equals the ecodesign
limit of Reg. (EU) 814/2013 Annex II for tanks up to 2000 l. Class G has no upper bound."""

STANDING_LOSS_TEST_DELTA_T_K = 45.0
"""Tank minus ambient temperature at which standing loss S is measured (EN 12897: 65/20 degC) [K]."""

HAMBURG_2021_LOSS_W_PER_M = {"basement": 10.8, "shaft": 5.1}
"""Mean measured circulation pipe loss [W/m] (Hamburg et al. 2021, Energies 14(20):6446):
basement distribution and pipes in shafts with 40 mm insulation."""

HAMBURG_2021_ASSUMED_DELTA_T_K = {"basement": 57.5 - 15.0, "shaft": 57.5 - 20.0}
"""Loop-minus-ambient temperature differences [K] *assumed* here for those measurements
(loop 60/55 degC, basement 15 degC, shaft 20 degC); the paper's values were not available to us."""

CIRCULATION_USABLE_GAIN_MAX_FRAC = 0.33
"""Largest share of circulation losses usable as internal gain (Hamburg et al. 2021)."""

# DHWcalc default step functions (Jordan & Vajen 2005; default settings as printed in DHWcalc
# log files): (start_h, end_h, relative draw probability density) per period of the day.
_WEEKDAY_STEPS = ((0.0, 6.5, 0.02), (6.5, 7.5, 0.50), (7.5, 12.0, 0.06), (12.0, 13.0, 0.16),
                  (13.0, 18.0, 0.06), (18.0, 22.0, 0.20), (22.0, 24.0, 0.02))
_WEEKEND_STEPS = ((0.0, 7.0, 0.038), (7.0, 9.0, 0.475), (9.0, 15.0, 0.071), (15.0, 17.0, 0.238),
                  (17.0, 20.0, 0.036), (20.0, 23.0, 0.143), (23.0, 24.0, 0.038))
_WEEKEND_TO_WEEKDAY_VOLUME = 1.2  # DHWcalc default ratio of daily volume, weekend/weekday
_SEASONAL_AMPLITUDE_FRAC = 0.10  # DHWcalc default sine amplitude of the daily volume
_SEASONAL_PEAK_DAY = 45.0  # DHWcalc default day of the sine maximum
_DAYS_PER_YEAR = 365.25


# --------------------------------------------------------------------------- index helpers
def _check_index(index, owner: str) -> float:
    """The step [h] (1.0 or 0.25) of a non-empty, regular, increasing ``DatetimeIndex``; else raise.

    Steps are measured in UTC, so DST transitions do not break an hourly local index.
    """
    if not isinstance(index, pd.DatetimeIndex):
        raise InputError(f"{owner}.index must be a pandas DatetimeIndex, got {type(index).__name__}")
    if len(index) == 0:
        raise InputError(f"{owner}.index is empty; at least one step is needed")
    return step_hours(index, owner=owner)


def _slot_of_day(index: pd.DatetimeIndex, step_h: float) -> np.ndarray:
    """Position of each stamp in its local day: the clock hour (hourly) or hour·4 + quarter (15 min)."""
    hour = np.asarray(index.hour)
    if step_h == 1.0:
        return hour
    return hour * 4 + np.asarray(index.minute) // 15


def _fractional_day_of_year(index: pd.DatetimeIndex, step_h: float = 1.0) -> np.ndarray:
    """Local day of year at the middle of each step (1.0 = 1 January 00:00) [d]."""
    clock_h = np.asarray(index.hour, dtype=float) + np.asarray(index.minute, dtype=float) / 60.0
    return np.asarray(index.day_of_year, dtype=float) + (clock_h + 0.5 * step_h) / 24.0


# --------------------------------------------------------------------------- cold water
def mains_parameters_burch_christensen(annual_mean_air_degc: float, monthly_mean_air_span_k: float) -> dict:
    """Mains water temperature sinusoid from the air temperature, Burch & Christensen (2007).

    The correlation (NREL; also EnergyPlus ``Site:WaterMainsTemperature``, method
    *Correlation*) in degF reads ``T = (T_a + 6) + r * dT/2 * sin(0.986 (day - 15 - lag) - 90)``
    with ``r = 0.4 + 0.01 (T_a - 44)`` and ``lag = 35 - 1.0 (T_a - 44)`` days. Converted to SI:
    mean ``T_a + 3.33 K``, amplitude ``r * dT / 2``, coldest on day ``15 + lag``.

    Parameters
    ----------
    annual_mean_air_degc : float
        Annual mean outdoor air temperature ``T_a`` [degC].
    monthly_mean_air_span_k : float
        Maximum difference between monthly mean air temperatures ``dT`` [K].

    Returns
    -------
    dict
        ``annual_mean_degc``, ``amplitude_k``, ``coldest_day_of_year``: keyword arguments of
        :func:`cold_water_temperature_degc`.

    References
    ----------
    Burch, J., Christensen, C. (2007). Towards development of an algorithm for mains water
    temperature. Proc. ASES Annual Conference, Cleveland. NREL.
    """
    t_air = check_number(annual_mean_air_degc, "annual_mean_air_degc", owner="mains", low=-30, high=35, unit="degC")
    span = check_number(monthly_mean_air_span_k, "monthly_mean_air_span_k", owner="mains", low=0, high=60, unit="K")
    excess_f = 1.8 * t_air + 32.0 - 44.0
    ratio = 0.4 + 0.01 * excess_f
    lag_d = 35.0 - 1.0 * excess_f
    return {
        "annual_mean_degc": t_air + 6.0 / 1.8,
        "amplitude_k": ratio * span / 2.0,
        "coldest_day_of_year": 15.0 + lag_d,
    }


def cold_water_temperature_degc(
    index: pd.DatetimeIndex,
    *,
    annual_mean_degc: float = DEFAULT_COLD_WATER["annual_mean_degc"],
    amplitude_k: float = DEFAULT_COLD_WATER["amplitude_k"],
    coldest_day_of_year: float = DEFAULT_COLD_WATER["coldest_day_of_year"],
) -> pd.Series:
    """Seasonal cold (mains) water temperature for each step [degC] (at the step's middle).

    ``T(d) = annual_mean - amplitude * cos(2 pi (d - coldest_day) / 365.25)`` with ``d`` the
    local fractional day of year: a sinusoid that follows the ground temperature with a lag,
    as in Burch & Christensen (2007) (their 0.986 deg/day is replaced by 360/365.25 deg/day).

    Defaults (:data:`DEFAULT_COLD_WATER`): 14.3 degC mean, 4.2 K amplitude, coldest on day 42
    (11 February) -- the Burch & Christensen correlation for Uccle's climate. Measured
    Belgian mains temperatures were not available; for the conservative constant of the EU
    tapping-cycle tests pass ``annual_mean_degc=10.0, amplitude_k=0.0``.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Hourly or 15-minute, period-beginning timestamps (tz-aware: local clock time is used).
    annual_mean_degc : float
        Annual mean cold water temperature [degC], 0..30.
    amplitude_k : float
        Half the peak-to-peak seasonal swing [K], 0..15.
    coldest_day_of_year : float
        Day of year of the minimum [d], 1..366.

    Returns
    -------
    pandas.Series
        ``cold_water_degc`` on ``index``.
    """
    owner = "cold_water_temperature_degc"
    step_h = _check_index(index, owner)
    mean = check_number(annual_mean_degc, "annual_mean_degc", owner=owner, low=0, high=30, unit="degC")
    amp = check_number(amplitude_k, "amplitude_k", owner=owner, low=0, high=15, unit="K")
    day0 = check_number(coldest_day_of_year, "coldest_day_of_year", owner=owner, low=1, high=366, unit="d")
    if mean - amp < 0.0:
        raise InputError(f"{owner}: annual_mean_degc - amplitude_k = {mean - amp:g} degC would freeze; keep it >= 0")
    phase = 2.0 * np.pi * (_fractional_day_of_year(index, step_h) - day0) / _DAYS_PER_YEAR
    return pd.Series(mean - amp * np.cos(phase), index=index, name="cold_water_degc")


@per_index
def _default_cold_water(index) -> np.ndarray:
    """:func:`cold_water_temperature_degc` with its defaults (memoised per index) [°C]."""
    return cold_water_temperature_degc(index).to_numpy()


def _cold_water_array(index, cold_water_degc, owner: str) -> np.ndarray:
    """Cold water temperature per step: the default sinusoid, a scalar, or a checked array."""
    if cold_water_degc is None:
        return _default_cold_water(index)
    if np.ndim(cold_water_degc) == 0:
        value = check_number(cold_water_degc, "cold_water_degc", owner=owner, low=0, high=30, unit="degC")
        return np.full(len(index), value)
    return check_series(cold_water_degc, "cold_water_degc", owner=owner, length=len(index), low=0, high=30)


# --------------------------------------------------------------------------- draw profiles
def _hourly_fractions(steps, step_h: float = 1.0) -> np.ndarray:
    """Integrate a step density over each clock hour (or quarter, ``step_h`` = 0.25) and normalise to a sum of 1."""
    starts = np.arange(0.0, 24.0, step_h)
    weights = np.zeros(starts.size)
    for start, end, density in steps:
        overlap = np.clip(np.minimum(starts + step_h, end) - np.maximum(starts, start), 0.0, None)
        weights += overlap * density
    return weights / weights.sum()


def daily_profile_fractions(step_h: float = 1.0) -> pd.DataFrame:
    """Share of a day's hot water drawn in each clock hour (or quarter hour), weekdays and weekend days [-].

    The DHWcalc default step functions of the draw probability over the day (Jordan & Vajen
    2005; weekdays: 22:00-06:30 2, 06:30-07:30 50, 07:30-12:00 6, 12:00-13:00 16,
    13:00-18:00 6, 18:00-22:00 20; weekend: 23:00-07:00 3.8, 07:00-09:00 47.5,
    09:00-15:00 7.1, 15:00-17:00 23.8, 17:00-20:00 3.6, 20:00-23:00 14.3), read as relative
    probability *densities* (per unit time, as the OpenDHW re-implementation does), integrated
    over each hour and normalised. The step functions change at half hours (06:30, 07:30),
    so the quarter-hour shares (``step_h=0.25``) come natively from the same densities; each
    hour's four quarter shares sum to its hourly share.

    Parameters
    ----------
    step_h : float
        1.0 (hours, the default) or 0.25 (quarter hours) [h].

    Returns
    -------
    pandas.DataFrame
        24 rows (hour 0..23) or 96 rows (quarter 0..95), columns ``weekday`` and ``weekend``,
        each summing to 1.

    References
    ----------
    Jordan, U., Vajen, K. (2005). DHWcalc: program to generate domestic hot water profiles with
    statistical means for user defined conditions. Proc. ISES Solar World Congress, Orlando.
    """
    if step_h not in (1.0, 0.25):
        raise InputError(f"daily_profile_fractions.step_h = {step_h!r} h is not allowed; allowed: 1.0 or 0.25")
    return pd.DataFrame(
        {"weekday": _hourly_fractions(_WEEKDAY_STEPS, step_h), "weekend": _hourly_fractions(_WEEKEND_STEPS, step_h)},
        index=pd.RangeIndex(round(24 / step_h), name="hour" if step_h == 1.0 else "quarter"),
    )


def _check_occupants(n_apartments, occupants_per_apartment, owner: str) -> np.ndarray:
    """Occupants per apartment as a float array of length ``n_apartments`` (>= 0, finite)."""
    n = check_number(n_apartments, "n_apartments", owner=owner, low=1, high=10_000)
    if n != int(n):
        raise InputError(f"{owner}.n_apartments = {n_apartments!r} must be a whole number >= 1")
    if np.ndim(occupants_per_apartment) == 0:
        value = check_number(occupants_per_apartment, "occupants_per_apartment", owner=owner, low=0, high=20)
        return np.full(int(n), value)
    return check_series(occupants_per_apartment, "occupants_per_apartment", owner=owner,
                        length=int(n), low=0, high=20)


def _raw_day_factors(day_of_week: np.ndarray, day_of_year: np.ndarray) -> np.ndarray:
    """Weekend (x1.2) and seasonal (+-10 %, peak on day 45) factors of days, before normalising (DHWcalc defaults)."""
    raw = np.where(np.asarray(day_of_week) >= 5, _WEEKEND_TO_WEEKDAY_VOLUME, 1.0)
    day = np.asarray(day_of_year, dtype=float)
    return raw * (1.0 + _SEASONAL_AMPLITUDE_FRAC * np.cos(2 * np.pi * (day - _SEASONAL_PEAK_DAY) / _DAYS_PER_YEAR))


def _deterministic_day_factors(days: pd.DatetimeIndex) -> np.ndarray:
    """Day factor ``f_d`` of each day (its first stamp in ``days``): weekend and seasonal factors scaled to
    a mean of 1 over the days of the day's local calendar year, so a calendar year holds ``v_p * n * days``."""
    raw = _raw_day_factors(days.day_of_week, days.day_of_year)
    years = np.asarray(days.year)
    factors = np.empty_like(raw)
    for year in np.unique(years):
        calendar = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
        mean = _raw_day_factors(calendar.day_of_week, calendar.day_of_year).mean()
        factors[years == year] = raw[years == year] / mean
    return factors


def _step_shares(index: pd.DatetimeIndex, step_h: float) -> np.ndarray:
    """Mean share of its day's draws in each step: :func:`daily_profile_fractions` of its clock slot."""
    fractions = daily_profile_fractions(step_h)
    weekend = np.asarray(index.day_of_week) >= 5
    slot = _slot_of_day(index, step_h)
    return np.where(weekend, fractions["weekend"].to_numpy()[slot], fractions["weekday"].to_numpy()[slot])


def _whole_day_cover(index: pd.DatetimeIndex, day_starts: np.ndarray, step_h: float) -> np.ndarray:
    """Sum of the step shares over each *complete* local day of ``index`` (from the calendar, not the index).

    1 on 24-hour days; on DST days the clock skips (23 h) or repeats (25 h) the 02:00 hour's share.
    """
    return whole_day_totals(index[day_starts], step_h, lambda whole: _step_shares(whole, step_h))


def apartment_draws_l(
    index: pd.DatetimeIndex,
    n_apartments: int,
    occupants_per_apartment,
    *,
    seed: int,
    litres_per_person_day: float = DEFAULT_LITRES_PER_PERSON_DAY,
    day_to_day_cv: float = 0.25,
    hour_concentration: float = 10.0,
) -> pd.DataFrame:
    """Hot-water draw volume of each apartment per step (hour or quarter hour) at the supply temperature [l].

    ``V[t, a] = v_p * n_a * f_d * X[d, a] * c_d * W[t, a]`` where ``v_p`` is the volume per
    person and day, ``n_a`` the occupants, ``f_d`` the deterministic day factor (weekend days
    x1.2 versus weekdays, seasonal sine +-10 % peaking on day 45: DHWcalc defaults, Jordan &
    Vajen 2005), ``X ~ Gamma`` with mean 1 and coefficient of variation ``day_to_day_cv`` the
    day-to-day randomness, ``c_d`` the share of the *complete* local day's profile that
    ``index`` holds (1 for a whole day), and ``W[., a] ~ Dirichlet(hour_concentration * p_h)``
    the random split of the held part of the day over its steps, with mean
    :func:`daily_profile_fractions` ``p_h / sum of p_h over the held steps``.

    At 15 minutes the split is drawn natively per quarter, ``Dirichlet(hour_concentration *
    p_q)`` with the quarter shares ``p_q`` of the same DHWcalc densities. By the aggregation
    property of the Dirichlet distribution the sums of an hour's quarters are then distributed
    exactly as the hourly ``W`` (``Dirichlet(kappa * p_h)``, ``p_h = Σ p_q``), so the hourly
    statistics are unchanged and the quarters add the within-hour timing. The day factors
    ``X`` are drawn first, as hourly, so one seed gives the same daily (and annual) volumes at
    both steps.

    The calendar: ``f_d`` has a mean of 1 over the days of its local calendar year and ``c_d``
    comes from the complete day (23, 24 or 25 hours, from the calendar, not from ``index``),
    so a step's expected volume ``v_p n_a f_d p_h / sum_day(p)`` never depends on which other
    steps ``index`` holds: a lone hour gets its own share of its day, and a day's volume is a
    daily quantity, the same on the 23- and 25-hour DST days. The randomness is
    mean-preserving (``E[X] = E[sum W] = 1``), so over a complete local calendar year the
    expected total is exactly ``v_p * sum(n_a) * days of the year``; realised annual means
    scatter around it with a relative standard deviation of about
    ``day_to_day_cv / sqrt(365 * n_apartments)``.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Hourly or 15-minute, period-beginning timestamps; local clock time and calendar day
        drive the profile.
    n_apartments : int
        Number of apartments, >= 1.
    occupants_per_apartment : float or array_like
        Occupants of each apartment (a scalar for all), 0..20 (fractions allowed: averages).
    seed : int
        Seed of :func:`numpy.random.default_rng`; same inputs and seed give identical arrays.
    litres_per_person_day : float
        Mean hot water at the supply temperature per person and day [l], (0, 300].
    day_to_day_cv : float
        Coefficient of variation of an apartment's daily volume [-], [0, 2]. 0.25 is an
        assumption of this module (of the order of DHWcalc's default spread), not a measurement.
    hour_concentration : float
        Dirichlet concentration of the split over hours [-], (0, 1e6]; large = smooth, small =
        spiky. 10 is an assumption of this module.

    Returns
    -------
    pandas.DataFrame
        One column per apartment (``apartment_0`` ...), litres per step on ``index``.
    """
    owner = "apartment_draws_l"
    step_h = _check_index(index, owner)
    occupants = _check_occupants(n_apartments, occupants_per_apartment, owner)
    v_p = check_positive(litres_per_person_day, "litres_per_person_day", owner=owner, high=300, unit="l")
    cv = check_number(day_to_day_cv, "day_to_day_cv", owner=owner, low=0, high=2)
    kappa = check_positive(hour_concentration, "hour_concentration", owner=owner, high=1e6)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise InputError(f"{owner}.seed must be an int, got {seed!r}")
    volumes = _draw_volumes(index, occupants, v_p, cv, kappa, np.random.default_rng(seed), step_h)
    columns = [f"apartment_{i}" for i in range(occupants.size)]
    return pd.DataFrame(volumes, index=index, columns=columns)


@per_index
def _day_shape(index, step_h: float) -> tuple[np.ndarray, ...]:
    """The calendar part of the draw model (no randomness; memoised per index): day codes and
    first steps, each step's mean profile share ``p``, the share ``held`` of each *complete*
    local day's profile that ``index`` holds (1 for a whole day), and the day factors ``f_d``."""
    codes, starts = local_day_codes(index)
    p = _step_shares(index, step_h)
    held = np.add.reduceat(p, starts) / _whole_day_cover(index, starts, step_h)
    return codes, starts, p, held, _deterministic_day_factors(index[starts])


def _draw_volumes(index, occupants, v_p, cv, kappa, rng, step_h: float = 1.0) -> np.ndarray:
    """The vectorised draw model of :func:`apartment_draws_l` -> array (steps, apartments) [l]."""
    codes, starts, p, held, factor = _day_shape(index, step_h)
    n_days, n_apts = starts.size, occupants.size
    x = np.ones((n_days, n_apts)) if cv == 0 else rng.gamma(1.0 / cv**2, cv**2, size=(n_days, n_apts))
    g = rng.gamma(np.broadcast_to((kappa * p)[:, None], (p.size, n_apts)))
    share = g / np.add.reduceat(g, starts, axis=0)[codes]
    daily = (factor * held)[:, None] * x * (v_p * occupants)[None, :]
    return daily[codes] * share


def simulate_dhw_draws(
    index: pd.DatetimeIndex,
    n_apartments: int,
    occupants_per_apartment,
    *,
    seed: int,
    litres_per_person_day: float = DEFAULT_LITRES_PER_PERSON_DAY,
    supply_temperature_degc: float = 60.0,
    cold_water_degc=None,
    day_to_day_cv: float = 0.25,
    hour_concentration: float = 10.0,
) -> pd.DataFrame:
    """Building hot-water draws per step (hour or 15 minutes): volume at the supply temperature and its energy.

    ``draw_kwh = draw_l * rho c_p * (supply - cold) `` with ``rho c_p`` from
    :data:`WATER_HEAT_KWH_PER_L_K`. Volumes come from :func:`apartment_draws_l` (see there for
    the model, its sources and mean preservation) summed over apartments.

    Parameters
    ----------
    index, n_apartments, occupants_per_apartment, seed, litres_per_person_day,
    day_to_day_cv, hour_concentration
        As in :func:`apartment_draws_l`.
    supply_temperature_degc : float
        Hot water temperature at the taps' supply [degC], 40..95; must exceed the cold water.
    cold_water_degc : None, float or array_like
        Cold water temperature [degC]: ``None`` for :func:`cold_water_temperature_degc` with its
        defaults, a scalar, or one value per step.

    Returns
    -------
    pandas.DataFrame
        ``draw_l`` [l per step at the supply temperature], ``draw_kwh`` [kWh per step],
        ``cold_water_degc``.
    """
    owner = "simulate_dhw_draws"
    t_supply = check_number(supply_temperature_degc, "supply_temperature_degc", owner=owner,
                            low=40, high=95, unit="degC")
    volumes = apartment_draws_l(index, n_apartments, occupants_per_apartment, seed=seed,
                                litres_per_person_day=litres_per_person_day,
                                day_to_day_cv=day_to_day_cv, hour_concentration=hour_concentration)
    cold = _cold_water_array(index, cold_water_degc, owner)
    if np.any(cold >= t_supply):
        raise InputError(f"{owner}.supply_temperature_degc = {t_supply:g} must exceed the cold water "
                         f"temperature (max {cold.max():.3g} degC)")
    draw_l = volumes.to_numpy().sum(axis=1)
    draw_kwh = draw_l * WATER_HEAT_KWH_PER_L_K * (t_supply - cold)
    return pd.DataFrame({"draw_l": draw_l, "draw_kwh": draw_kwh, "cold_water_degc": cold}, index=index)


# --------------------------------------------------------------------------- EU tapping cycles
@lru_cache(maxsize=1)
def _tapping_table() -> pd.DataFrame:
    """The encoded tapping cycles (read once)."""
    return pd.read_csv(data_path("dhw", "eu_812_2013_tapping_cycles.csv"), dtype={"size": str, "time": str})


def tapping_cycle(size: str) -> pd.DataFrame:
    """The 24-hour draw-off cycle ``size`` of Reg. (EU) 812/2013 Annex VII Table 3 / 814/2013.

    Parameters
    ----------
    size : str
        One of :data:`TAPPING_CYCLE_SIZES` (XXS, XS, S, M, L, XL, XXL).

    Returns
    -------
    pandas.DataFrame
        One row per draw-off: ``time`` (hh:mm), ``start_s`` [s after midnight],
        ``energy_kwh`` (Qtap), ``flow_l_min`` (f), ``useful_temperature_degc`` (Tm),
        ``peak_temperature_degc`` (Tp, NaN where the regulation gives none), and ``volume_l``:
        the hot water volume at ``max(Tm, Tp)`` from the 10 degC test cold water that carries
        ``energy_kwh``.
    """
    check_choice(size, "size", TAPPING_CYCLE_SIZES, owner="tapping_cycle")
    table = _tapping_table()
    cycle = table.loc[table["size"] == size].drop(columns="size").reset_index(drop=True)
    hh_mm = cycle["time"].str.split(":", expand=True).astype(int)
    cycle.insert(1, "start_s", hh_mm[0] * 3600 + hh_mm[1] * 60)
    draw_t = np.fmax(cycle["useful_temperature_degc"], cycle["peak_temperature_degc"].fillna(-np.inf))
    cycle["volume_l"] = cycle["energy_kwh"] / (WATER_HEAT_KWH_PER_L_K * (draw_t - EU_TEST_COLD_WATER_DEGC))
    return cycle


def tapping_cycle_hourly(
    size: str,
    index: pd.DatetimeIndex,
    n_apartments: int = 1,
    *,
    supply_temperature_degc: float = 60.0,
) -> pd.DataFrame:
    """Repeat the EU tapping cycle ``size`` every local day, summed per hour (or per quarter hour).

    Each draw-off is booked in the step (clock hour, or quarter hour on a 15-minute index) in
    which it starts: the cycles give every draw-off's start time to the minute (Reg. (EU)
    812/2013 Annex VII Table 3), so the quarter-hour series is native, not a split of the
    hourly one. All ``n_apartments`` draw at the same moments (a worst case for
    simultaneity). The hour that a 25-hour DST day repeats gets no second set of draws.

    Parameters
    ----------
    size : str
        One of :data:`TAPPING_CYCLE_SIZES`.
    index : pandas.DatetimeIndex
        Hourly or 15-minute, period-beginning timestamps.
    n_apartments : int
        Number of apartments drawing the cycle, >= 1.
    supply_temperature_degc : float
        Temperature for the equivalent volume ``draw_l`` [degC], 40..95.

    Returns
    -------
    pandas.DataFrame
        ``draw_kwh`` [kWh per step] and ``draw_l``: the volume at ``supply_temperature_degc``
        from the 10 degC test cold water carrying the same energy [l per step].
    """
    owner = "tapping_cycle_hourly"
    step_h = _check_index(index, owner)
    _check_occupants(n_apartments, 1.0, owner)
    t_supply = check_number(supply_temperature_degc, "supply_temperature_degc", owner=owner,
                            low=40, high=95, unit="degC")
    cycle = tapping_cycle(size)
    step_s, slots = round(3600 * step_h), round(24 / step_h)
    per_slot = np.bincount(cycle["start_s"].to_numpy() // step_s, weights=cycle["energy_kwh"].to_numpy(),
                           minlength=slots)
    codes, _ = local_day_codes(index)
    slot = _slot_of_day(index, step_h)
    repeated = pd.Series(codes * slots + slot).duplicated().to_numpy()
    draw_kwh = np.where(repeated, 0.0, per_slot[slot]) * int(n_apartments)
    draw_l = draw_kwh / (WATER_HEAT_KWH_PER_L_K * (t_supply - EU_TEST_COLD_WATER_DEGC))
    return pd.DataFrame({"draw_kwh": draw_kwh, "draw_l": draw_l}, index=index)


# --------------------------------------------------------------------------- circulation loop
@dataclass(frozen=True)
class PipeLengths:
    """Circulation loop pipe lengths, supply and return counted [m].

    Parameters
    ----------
    basement_m : float
        Horizontal distribution outside the heated envelope (basement, crawl space) [m].
    shaft_m : float
        Risers in shafts inside the heated envelope [m].
    """

    basement_m: float
    shaft_m: float

    def __post_init__(self):
        check_number(self.basement_m, "basement_m", owner="PipeLengths", low=0, high=1e5, unit="m")
        check_number(self.shaft_m, "shaft_m", owner="PipeLengths", low=0, high=1e5, unit="m")

    @property
    def total_m(self) -> float:
        """All loop pipes [m]."""
        return self.basement_m + self.shaft_m


def estimate_circulation_pipe_lengths(
    n_apartments: int,
    n_storeys: int,
    floor_area_m2: float,
    *,
    storey_height_m: float = 3.0,
    building_depth_m: float = 12.0,
    stacks_per_riser: int = 1,
) -> PipeLengths:
    """Rough loop lengths of a collective DHW circulation from the building's size [m].

    A transparent geometric rule of this module (no standard's table):

    - apartments are stacked: ``ceil(n_apartments / n_storeys)`` stacks, one riser pair
      (supply + return) per ``stacks_per_riser`` stacks, running the building height:
      ``shaft_m = 2 * risers * n_storeys * storey_height_m``;
    - the basement main runs along the building and back:
      ``basement_m = 2 * footprint / building_depth_m`` with ``footprint = floor_area / n_storeys``.

    The German default-length tables (DIN V 4701-10:2003 Table 5.1-2, DIN V 18599-8) give
    lengths from building length, width, storeys and storey height as well; their coefficients
    could not be verified here and are not encoded. Pass measured lengths to
    :class:`PipeLengths` whenever they are known.

    Parameters
    ----------
    n_apartments : int
        Apartments served, >= 1.
    n_storeys : int
        Storeys above ground with apartments, 1..60.
    floor_area_m2 : float
        Heated floor area of the building [m2].
    storey_height_m : float
        Floor-to-floor height [m], 2..6.
    building_depth_m : float
        Depth of the building (short side of the footprint) [m], 4..50.
    stacks_per_riser : int
        Apartment stacks served by one riser pair, 1..8.

    Returns
    -------
    PipeLengths
    """
    owner = "estimate_circulation_pipe_lengths"
    n_apts = int(_check_occupants(n_apartments, 1.0, owner).size)
    storeys = check_number(n_storeys, "n_storeys", owner=owner, low=1, high=60)
    area = check_positive(floor_area_m2, "floor_area_m2", owner=owner, high=1e6, unit="m2")
    height = check_number(storey_height_m, "storey_height_m", owner=owner, low=2, high=6, unit="m")
    depth = check_number(building_depth_m, "building_depth_m", owner=owner, low=4, high=50, unit="m")
    per_riser = check_number(stacks_per_riser, "stacks_per_riser", owner=owner, low=1, high=8)
    for name, value in (("n_storeys", storeys), ("stacks_per_riser", per_riser)):
        if value != int(value):
            raise InputError(f"{owner}.{name} = {value!r} must be a whole number")
    risers = math.ceil(math.ceil(n_apts / storeys) / per_riser)
    return PipeLengths(basement_m=2.0 * area / storeys / depth, shaft_m=2.0 * risers * storeys * height)


def circulation_loss_kw(
    pipes: PipeLengths,
    *,
    loop_temperature_degc=57.5,
    basement_ambient_degc=15.0,
    shaft_ambient_degc=20.0,
    basement_w_per_m_k: float | None = None,
    shaft_w_per_m_k: float | None = None,
) -> dict:
    """Heat loss of a circulation loop, split by location [kW].

    ``Q = L * U' * (T_loop - T_ambient)`` per location. By default the linear heat loss
    coefficients ``U'`` reproduce the mean losses measured by Hamburg et al. (2021):
    10.8 W/m in basements and 5.1 W/m in shafts (40 mm insulation), at the temperature
    differences :data:`HAMBURG_2021_ASSUMED_DELTA_T_K` assumed here (42.5 K and 37.5 K), i.e.
    ``U' = 0.254`` and ``0.136 W/(m K)``. Up to :data:`CIRCULATION_USABLE_GAIN_MAX_FRAC` of
    the losses can be usable internal gain (same source); the shaft part is the candidate.

    Parameters
    ----------
    pipes : PipeLengths
        Loop lengths (see :func:`estimate_circulation_pipe_lengths`).
    loop_temperature_degc : float or array_like
        Mean loop water temperature [degC] (60 supply / 55 return -> 57.5).
    basement_ambient_degc, shaft_ambient_degc : float or array_like
        Air temperature around the pipes [degC]; each must stay below the loop temperature.
    basement_w_per_m_k, shaft_w_per_m_k : float, optional
        Linear heat loss coefficients [W/(m K)], (0, 5]; default from Hamburg et al. (2021).

    Returns
    -------
    dict
        ``basement_kw``, ``shaft_kw`` and ``total_kw`` (floats or arrays, as the inputs).

    References
    ----------
    Hamburg, A., et al. (2021). Energies 14(20), 6446.
    """
    owner = "circulation_loss_kw"
    if not isinstance(pipes, PipeLengths):
        raise InputError(f"{owner}.pipes must be a PipeLengths, got {type(pipes).__name__}")
    u_b = _coefficient(basement_w_per_m_k, "basement", owner)
    u_s = _coefficient(shaft_w_per_m_k, "shaft", owner)
    loop = _temperature(loop_temperature_degc, "loop_temperature_degc", owner)
    dt_b = loop - _temperature(basement_ambient_degc, "basement_ambient_degc", owner)
    dt_s = loop - _temperature(shaft_ambient_degc, "shaft_ambient_degc", owner)
    for name, dt in (("basement_ambient_degc", dt_b), ("shaft_ambient_degc", dt_s)):
        if np.any(dt <= 0):
            raise InputError(f"{owner}.{name} must stay below loop_temperature_degc (difference {np.min(dt):g} K)")
    basement = pipes.basement_m * u_b * dt_b / 1000.0
    shaft = pipes.shaft_m * u_s * dt_s / 1000.0
    return {"basement_kw": basement, "shaft_kw": shaft, "total_kw": basement + shaft}


@dataclass(frozen=True)
class CirculationLoop:
    """A circulation loop as the plant kernel runs it: its UA and its (constant) pump flow.

    The loss is Q = UA · (θ_mean − θ_amb) with UA = Σ U'_j · L_j over the basement and shaft
    pipes (the distribution loss of EN 15316-3:2017; U' by default from Hamburg et al. 2021,
    see :func:`circulation_loss_kw`) and θ_amb the UA-weighted surroundings
    (:meth:`surroundings_degc`: the plant room for basement pipes, the heated building for the
    shafts). The pump's flow is sized, as DIN 1988-300:2012 does, for the design drop
    ``design_supply_degc`` → ``design_return_degc`` (60 → 55 °C, the legionella minima) at
    the design loss with the design surroundings: ṁ c_p = Q_design / (θ_s − θ_r). Each hour the
    kernel takes the tank's outlet as the supply and computes the loss and the return
    temperature (:func:`mgwsim.system.dhw_tank.loop_loss`).

    Parameters
    ----------
    pipes : PipeLengths
    basement_w_per_m_k, shaft_w_per_m_k : float, optional
        Linear heat loss coefficients [W/(m K)], (0, 5]; default from Hamburg et al. (2021).
    design_supply_degc, design_return_degc : float
        Design loop temperatures [°C], the return 1..20 K below the supply.
    design_basement_degc, design_shaft_degc : float
        Surroundings at which the flow is sized [°C] (plant room, shafts).
    """

    pipes: PipeLengths
    basement_w_per_m_k: float | None = None
    shaft_w_per_m_k: float | None = None
    design_supply_degc: float = 60.0
    design_return_degc: float = 55.0
    design_basement_degc: float = 15.0
    design_shaft_degc: float = 20.0

    def __post_init__(self):
        owner = "CirculationLoop"
        if not isinstance(self.pipes, PipeLengths):
            raise InputError(f"{owner}.pipes must be a PipeLengths, got {type(self.pipes).__name__}")
        supply = check_number(self.design_supply_degc, "design_supply_degc", owner=owner, low=45, high=95, unit="degC")
        check_number(self.design_return_degc, "design_return_degc", owner=owner, low=supply - 20.0, high=supply - 1.0,
                     unit="degC")
        for name in ("design_basement_degc", "design_shaft_degc"):
            check_number(getattr(self, name), name, owner=owner, low=-20.0, high=self.design_return_degc - 1.0,
                         unit="degC")
        object.__setattr__(self, "basement_w_per_m_k", _coefficient(self.basement_w_per_m_k, "basement", owner))
        object.__setattr__(self, "shaft_w_per_m_k", _coefficient(self.shaft_w_per_m_k, "shaft", owner))

    @property
    def ua_basement_w_k(self) -> float:
        """U' · L of the basement pipes [W/K]."""
        return self.pipes.basement_m * self.basement_w_per_m_k

    @property
    def ua_shaft_w_k(self) -> float:
        """U' · L of the shaft pipes [W/K]."""
        return self.pipes.shaft_m * self.shaft_w_per_m_k

    @property
    def ua_w_k(self) -> float:
        """UA of the whole loop [W/K]."""
        return self.ua_basement_w_k + self.ua_shaft_w_k

    def surroundings_degc(self, basement_degc, shaft_degc):
        """UA-weighted surroundings [°C]: Σ UA_j θ_j / Σ UA_j (scalars or arrays)."""
        if self.ua_w_k <= 0.0:
            return np.asarray(shaft_degc, dtype=float) * 1.0
        return (self.ua_basement_w_k * np.asarray(basement_degc, dtype=float)
                + self.ua_shaft_w_k * np.asarray(shaft_degc, dtype=float)) / self.ua_w_k

    @property
    def design_loss_w(self) -> float:
        """Loss at the design temperatures [W]: UA_j · ((θ_s + θ_r)/2 − θ_j) summed over the locations."""
        mean = (self.design_supply_degc + self.design_return_degc) / 2.0
        return (self.ua_basement_w_k * (mean - self.design_basement_degc)
                + self.ua_shaft_w_k * (mean - self.design_shaft_degc))

    @property
    def flow_w_k(self) -> float:
        """Pump flow as ṁ c_p [W/K]: the design loss over the design temperature drop (DIN 1988-300:2012)."""
        return self.design_loss_w / (self.design_supply_degc - self.design_return_degc)


def _coefficient(value, location: str, owner: str) -> float:
    """Linear loss coefficient [W/(m K)]: given, or Hamburg et al. (2021) over the assumed dT."""
    if value is None:
        return HAMBURG_2021_LOSS_W_PER_M[location] / HAMBURG_2021_ASSUMED_DELTA_T_K[location]
    return check_positive(value, f"{location}_w_per_m_k", owner=owner, high=5, unit="W/(m K)")


def _temperature(value, field: str, owner: str):
    """A finite temperature in -30..100 degC, scalar (float) or 1-D array."""
    if np.ndim(value) == 0:
        return check_number(value, field, owner=owner, low=-30, high=100, unit="degC")
    return check_series(value, field, owner=owner, low=-30, high=100)


# --------------------------------------------------------------------------- storage tank
def standing_loss_w(volume_l: float, label_class: str = "C") -> float:
    """Largest standing loss ``S`` of a hot water storage tank in an EU label class [W].

    ``S = a + b * V^0.4`` with (a, b) from :data:`STORAGE_LABEL_COEFFICIENTS`
    (Reg. (EU) 812/2013 Annex II Table 2; class C's bound = the ecodesign limit of
    Reg. (EU) 814/2013). Measured at 45 K tank-to-ambient difference (EN 12897).

    Parameters
    ----------
    volume_l : float
        Storage volume of one tank [l], (0, 2000] (the scope of 814/2013).
    label_class : str
        One of A+, A, B, C, D, E, F.
    """
    owner = "standing_loss_w"
    volume = check_positive(volume_l, "volume_l", owner=owner, high=2000, unit="l")
    check_choice(label_class, "label_class", STORAGE_LABEL_COEFFICIENTS, owner=owner)
    a, b = STORAGE_LABEL_COEFFICIENTS[label_class]
    return a + b * volume**0.4


def storage_loss_kw(
    volume_l: float,
    *,
    label_class: str = "C",
    n_tanks: int = 1,
    storage_temperature_degc=60.0,
    ambient_temperature_degc=15.0,
) -> float | np.ndarray:
    """Standby heat loss of DHW storage tanks [kW].

    ``Q = n * S * (T_store - T_ambient) / 45 K`` with ``S`` from :func:`standing_loss_w`: the
    standing loss scales linearly with the temperature difference (UA constant).

    Parameters
    ----------
    volume_l : float
        Volume of each tank [l], (0, 2000].
    label_class : str
        EU label class (its worst member is assumed), default C (= ecodesign limit).
    n_tanks : int
        Identical tanks, 1..20.
    storage_temperature_degc, ambient_temperature_degc : float or array_like
        Mean tank and surrounding air temperatures [degC]; tank must be warmer.
    """
    owner = "storage_loss_kw"
    s_w = standing_loss_w(volume_l, label_class)
    tanks = check_number(n_tanks, "n_tanks", owner=owner, low=1, high=20)
    if tanks != int(tanks):
        raise InputError(f"{owner}.n_tanks = {n_tanks!r} must be a whole number")
    dt = _temperature(storage_temperature_degc, "storage_temperature_degc", owner) - _temperature(
        ambient_temperature_degc, "ambient_temperature_degc", owner)
    if np.any(dt <= 0):
        raise InputError(f"{owner}.ambient_temperature_degc must stay below storage_temperature_degc")
    return tanks * s_w * dt / STANDING_LOSS_TEST_DELTA_T_K / 1000.0


# --------------------------------------------------------------------------- legionella
@dataclass(frozen=True)
class LegionellaRules:
    """Temperature limits against legionella for a collective DHW system [degC].

    Defaults: stored hot water at least 60 degC; circulation water at least 55 degC at every
    point, hence at the loop return; cold water below 25 degC. Sources: Besluit van de
    Vlaamse Regering van 9 februari 2007 betreffende de beheersing van legionella in
    installaties (binding for high-risk and risk establishments such as care homes and hotels;
    for private apartment buildings it is good practice) and CEN/TR 16355:2012.

    Parameters
    ----------
    storage_min_degc : float
        Lowest allowed storage (production) temperature [degC], 50..90.
    circulation_return_min_degc : float
        Lowest allowed circulation return temperature [degC], 45..storage_min_degc.
    cold_water_max_degc : float
        Highest allowed cold water temperature [degC], 10..30.
    """

    storage_min_degc: float = 60.0
    circulation_return_min_degc: float = 55.0
    cold_water_max_degc: float = 25.0

    def __post_init__(self):
        owner = "LegionellaRules"
        check_number(self.storage_min_degc, "storage_min_degc", owner=owner, low=50, high=90, unit="degC")
        check_number(self.circulation_return_min_degc, "circulation_return_min_degc", owner=owner,
                     low=45, high=self.storage_min_degc, unit="degC")
        check_number(self.cold_water_max_degc, "cold_water_max_degc", owner=owner, low=10, high=30, unit="degC")

    def check(self, *, storage_degc: float, circulation_return_degc: float) -> None:
        """Raise :class:`InputError` if a set temperature breaks the rules."""
        check_number(storage_degc, "storage_degc", owner="LegionellaRules.check",
                     low=self.storage_min_degc, high=95, unit="degC")
        check_number(circulation_return_degc, "circulation_return_degc", owner="LegionellaRules.check",
                     low=self.circulation_return_min_degc, high=storage_degc, unit="degC")


# --------------------------------------------------------------------------- combined profile
@dataclass(frozen=True, eq=False)
class DhwProfile:
    """DHW demand of a building per step (hour or 15 minutes) and its annual summary.

    Attributes
    ----------
    hourly : pandas.DataFrame
        ``draw_l`` [l at the supply temperature], ``draw_kwh`` (useful energy at the taps),
        ``circulation_loss_kwh`` (all loop losses), ``circulation_loss_shaft_kwh`` (the part
        inside the heated envelope; at most 33 % of all losses is usable gain, Hamburg et al.
        2021), ``storage_loss_kwh`` (tank standby), ``total_kwh`` (heat the DHW system must
        be given = draw + circulation + storage), ``cold_water_degc``. Per step of the index
        (the name ``hourly`` is kept for the hourly default; at 15 minutes: kWh per quarter).
    floor_area_m2 : float
        Heated floor area used for the per-m2 figures [m2].
    n_persons : float
        Occupants of the building.
    loop : CirculationLoop, optional
        The circulation loop behind ``circulation_loss_kwh`` (at the design temperatures), which
        :func:`mgwsim.system.simulate_system` runs hour by hour from the tank's outlet.
    """

    hourly: pd.DataFrame
    floor_area_m2: float
    n_persons: float
    loop: CirculationLoop | None = None

    def annual(self) -> pd.Series:
        """Annual totals scaled to 8760 h: energies [kWh], volume [m3] and ratios."""
        step_h = step_hours(self.hourly.index, owner="DhwProfile", field="hourly.index")
        scale = 8760.0 / (len(self.hourly) * step_h)
        sums = self.hourly.drop(columns="cold_water_degc").sum() * scale
        return pd.Series({
            "draw_m3": sums["draw_l"] / 1000.0,
            "draw_kwh": sums["draw_kwh"],
            "circulation_loss_kwh": sums["circulation_loss_kwh"],
            "storage_loss_kwh": sums["storage_loss_kwh"],
            "total_kwh": sums["total_kwh"],
            "draw_kwh_per_m2": sums["draw_kwh"] / self.floor_area_m2,
            "total_kwh_per_m2": sums["total_kwh"] / self.floor_area_m2,
            "litres_per_person_day": sums["draw_l"] / 365.0 / self.n_persons if self.n_persons else np.nan,
            "loss_frac_of_draw": (sums["total_kwh"] - sums["draw_kwh"]) / sums["draw_kwh"],
            "cold_water_mean_degc": float(self.hourly["cold_water_degc"].mean()),
        })


def dhw_losses_kwh(n_steps: int, step_h: float, n_apartments: int, n_storeys: int, floor_area_m2: float, *,
                   supply_temperature_degc: float, circulation_return_degc: float, pipes: PipeLengths | None = None,
                   storage_volume_l: float | None = None, storage_label_class: str = "C", n_tanks: int = 1,
                   plant_room_degc=15.0, shaft_degc=20.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(circulation loop, its part in the shafts, storage) heat losses per step [kWh] of a collective DHW system.

    The loop at the mean of its supply and return temperatures by :func:`circulation_loss_kw`
    on ``pipes`` (default :func:`estimate_circulation_pipe_lengths`), the tanks by
    :func:`storage_loss_kw` at the supply temperature (0 without ``storage_volume_l``);
    kW × ``step_h`` per step. Shared by :func:`dhw_profile` (which checks the temperatures
    against its :class:`LegionellaRules`) and :func:`mgwsim.demand.demand_series`.
    """
    if pipes is None:
        pipes = estimate_circulation_pipe_lengths(n_apartments, n_storeys, floor_area_m2)
    loop = circulation_loss_kw(pipes, loop_temperature_degc=(supply_temperature_degc + circulation_return_degc) / 2.0,
                               basement_ambient_degc=plant_room_degc, shaft_ambient_degc=shaft_degc)
    storage = 0.0 if storage_volume_l is None else storage_loss_kw(
        storage_volume_l, label_class=storage_label_class, n_tanks=n_tanks,
        storage_temperature_degc=supply_temperature_degc, ambient_temperature_degc=plant_room_degc)
    return tuple(np.broadcast_to(kw, (n_steps,)).astype(float) * step_h
                 for kw in (loop["total_kw"], loop["shaft_kw"], storage))


def dhw_profile(
    index: pd.DatetimeIndex,
    *,
    n_apartments: int,
    occupants_per_apartment,
    floor_area_m2: float,
    n_storeys: int,
    seed: int,
    litres_per_person_day: float = DEFAULT_LITRES_PER_PERSON_DAY,
    rules: LegionellaRules = LegionellaRules(),
    supply_temperature_degc: float | None = None,
    circulation_return_degc: float | None = None,
    pipes: PipeLengths | None = None,
    storage_volume_l: float | None = None,
    storage_label_class: str = "C",
    n_tanks: int = 1,
    plant_room_degc=15.0,
    shaft_degc=20.0,
    cold_water_degc=None,
    draws: pd.DataFrame | None = None,
) -> DhwProfile:
    """Draws, circulation and storage losses of a collective DHW system, per step (hour or 15 minutes).

    Losses [kW] become energies per step [kWh] = kW × step [h]; draws are generated
    natively per step (:func:`apartment_draws_l`).

    Supply and loop-return temperatures default to the :class:`LegionellaRules` minima
    (60 / 55 degC) and are checked against them; the loop mean is their average. Pipe lengths
    default to :func:`estimate_circulation_pipe_lengths`; basement pipes and tanks sit at
    ``plant_room_degc``. Without ``storage_volume_l`` there is no tank and
    ``storage_loss_kwh`` is zero (tanks are sized on the heat-pump side).

    Parameters
    ----------
    index, n_apartments, occupants_per_apartment, seed, litres_per_person_day, cold_water_degc
        As in :func:`simulate_dhw_draws`.
    floor_area_m2 : float
        Heated floor area of the building [m2].
    n_storeys : int
        Storeys with apartments.
    rules : LegionellaRules
        Temperature limits.
    supply_temperature_degc, circulation_return_degc : float, optional
        Loop supply and return temperatures [degC].
    pipes : PipeLengths, optional
        Loop lengths; estimated when omitted.
    storage_volume_l, storage_label_class, n_tanks
        DHW tank(s), see :func:`storage_loss_kw`.
    plant_room_degc, shaft_degc : float or array_like
        Air temperature of the basement / plant room and of the shafts [degC].
    draws : pandas.DataFrame, optional
        Draws already made (the columns of :func:`simulate_dhw_draws` on ``index``, at the
        supply temperature), e.g. apartments taken from a pool in city-scale runs; then
        ``seed``, ``litres_per_person_day`` and ``cold_water_degc`` are not used.

    Returns
    -------
    DhwProfile
    """
    t_supply = rules.storage_min_degc if supply_temperature_degc is None else supply_temperature_degc
    t_return = rules.circulation_return_min_degc if circulation_return_degc is None else circulation_return_degc
    rules.check(storage_degc=t_supply, circulation_return_degc=t_return)
    step_h = _check_index(index, "dhw_profile")
    area = check_positive(floor_area_m2, "floor_area_m2", owner="dhw_profile", high=1e6, unit="m2")
    if draws is None:
        draws = simulate_dhw_draws(index, n_apartments, occupants_per_apartment, seed=seed,
                                   litres_per_person_day=litres_per_person_day,
                                   supply_temperature_degc=t_supply, cold_water_degc=cold_water_degc)
    elif not draws.index.equals(index):
        raise InputError("dhw_profile.draws must be on the profile's index (one row per step)")
    circulation, shaft, storage = dhw_losses_kwh(
        len(index), step_h, n_apartments, n_storeys, area, supply_temperature_degc=t_supply,
        circulation_return_degc=t_return, pipes=pipes, storage_volume_l=storage_volume_l,
        storage_label_class=storage_label_class, n_tanks=n_tanks, plant_room_degc=plant_room_degc,
        shaft_degc=shaft_degc)
    draw_kwh = draws["draw_kwh"].to_numpy()
    hourly = pd.DataFrame({
        "draw_l": draws["draw_l"].to_numpy(),
        "draw_kwh": draw_kwh,
        "circulation_loss_kwh": circulation,
        "circulation_loss_shaft_kwh": shaft,
        "storage_loss_kwh": storage,
        "total_kwh": draw_kwh + circulation + storage,
        "cold_water_degc": draws["cold_water_degc"].to_numpy(),
    }, index=index)
    n_persons = float(_check_occupants(n_apartments, occupants_per_apartment, "dhw_profile").sum())
    if pipes is None:
        pipes = estimate_circulation_pipe_lengths(n_apartments, n_storeys, area)
    loop = None if t_supply - t_return < 1.0 else CirculationLoop(  # no flow to size without a temperature drop
        pipes, design_supply_degc=t_supply, design_return_degc=t_return,
        design_basement_degc=float(np.mean(plant_room_degc)), design_shaft_degc=float(np.mean(shaft_degc)))
    return DhwProfile(hourly=hourly, floor_area_m2=area, n_persons=n_persons, loop=loop)
