"""The simulation year: one local calendar year (Europe/Brussels), or an explicitly given period.

Bills, capacity-tariff peaks, prices, holidays and the occupants' daily rhythm all run on
the Belgian civil calendar, so a simulated *year* is the local calendar year: the instants
from 1 January 00:00 to the next 1 January 00:00 in :data:`LOCAL_TIMEZONE`, whatever the
time zone of the weather file. That year is continuous in absolute time: 8760 hourly steps
(8784 in a leap year, four times as many at 15 minutes), a 23-hour day in spring and a
25-hour day in autumn (daylight saving time); nothing is duplicated or dropped.

The rules (applied by :meth:`mgwsim.weather.Weather.calendar_year`, see :func:`on_calendar_year`):

* **A year.** A series with the step count of a full year (:data:`mgwsim.timestep.STEPS_PER_YEAR`)
  is laid on the local calendar year that holds most of its steps (or the ``year`` given).
  Values at instants the series holds are kept. Instants it lacks are taken from the *same
  instant one year later* (else one year earlier) on the series' own clock: a typical year
  is periodic. That is how an hourly UTC-stamped year of 2019 yields local 2019: its first
  local hour (2019-01-01 00:00 CET = 2018-12-31 23:00 UTC) takes the value of 2019-12-31
  23:00 UTC, the hour that is local 1 January 2020 and leaves the year. The convention is
  that of building and PV simulation tools: the Modelica Buildings Library repeats a weather
  file whose length is a year (``Buildings.BoundaryConditions.WeatherData.BaseClasses.ConvertTime``;
  Wetter et al. 2014, *J. Build. Perf. Simul.* 7(4):253-270), and pvlib rolls a UTC-stamped
  PVGIS typical year by the UTC offset so that it starts at local midnight of 1 January
  (``pvlib.iotools.get_pvgis_tmy(roll_utc_offset=...)``, pvlib-python >= 0.11; Anderson
  et al. 2023, *JOSS* 8(92):5994). At most :data:`WRAP_MAX_HOURS` may be wrapped (a time
  zone offset); a series that misses more of the year is refused, not re-stamped.
* **A period.** A series that covers at most :data:`PERIOD_MAX_DAYS` days is an explicit
  period (a week, a month, a heating season) and is left as it is: bills prorate fixed fees
  to it.
* **Ambiguous.** Anything else (between :data:`PERIOD_MAX_DAYS` and a year: a year with
  missing data?; or more than a year without ``year``) raises :class:`~mgwsim.errors.DataError`.

:func:`billing_months` cuts a series into the calendar months of the capacity tariff and
refuses a full year that is not a local calendar year (it would bill a 13th month).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from mgwsim.errors import DataError, InputError, check_number
from mgwsim.timestep import STEPS_PER_YEAR, step_hours

__all__ = [
    "LOCAL_TIMEZONE",
    "PERIOD_MAX_DAYS",
    "WRAP_MAX_HOURS",
    "CalendarYear",
    "billing_months",
    "is_local_calendar_year",
    "local_year_index",
    "on_calendar_year",
]

LOCAL_TIMEZONE = "Europe/Brussels"
"""The civil time of the simulation calendar (Belgium: CET, CEST in summer)."""

PERIOD_MAX_DAYS = 334.0
"""Longest explicit period [d]: a series at least a month (31 days) short of a year.

A longer series that is not a full year is ambiguous (a year with missing data, or a year
and a bit) and refused; mgwsim rule.
"""

WRAP_MAX_HOURS = 24.0
"""Most of a calendar year that may be taken from the other end of a typical year [h].

Time-zone offsets are below a day (Belgium: 1 h in winter); a series missing more of the
year belongs to another year (re-stamp it with the reader's ``year=``); mgwsim rule.
"""


class CalendarYear(NamedTuple):
    """The result of :func:`on_calendar_year`.

    Attributes
    ----------
    data : pandas.DataFrame or pandas.Series
        The series on the local calendar year, or the input itself (an explicit period, or
        already the calendar year).
    year : int or None
        The local calendar year; None for an explicit period.
    wrapped : pandas.DatetimeIndex
        Instants of the year whose values came from one year later or earlier (empty if none).
    note : str
        One line saying what was done, for a ``source`` string ('' when nothing was).
    """

    data: object
    year: int | None
    wrapped: pd.DatetimeIndex
    note: str


def local_year_index(year: int, step_h: float = 1.0, tz: str = LOCAL_TIMEZONE) -> pd.DatetimeIndex:
    """The instants of one local calendar year: ``[1 Jan year 00:00, 1 Jan year+1 00:00)`` in ``tz``.

    Regular in absolute time (a step of ``step_h`` [h], 1.0 or 0.25), so DST days hold 23 or 25
    local hours; 8760 or 8784 hourly steps (×4 at 15 minutes).
    """
    year = _check_year(year, "local_year_index")
    if step_h not in STEPS_PER_YEAR:
        raise InputError(f"local_year_index.step_h = {step_h!r} h is not allowed; allowed: 1.0 or 0.25")
    start, end = _local_midnight(year, 1, 1, tz), _local_midnight(year + 1, 1, 1, tz)
    return pd.date_range(start, end, freq=pd.Timedelta(hours=step_h), inclusive="left", name="time")


def is_local_calendar_year(index: pd.DatetimeIndex, tz: str = LOCAL_TIMEZONE) -> bool:
    """Whether a regular, tz-aware ``index`` holds exactly the instants of one local calendar year."""
    if len(index) < 2 or index.tz is None:
        return False
    step_h = (index[1] - index[0]) / pd.Timedelta(hours=1)
    if step_h not in STEPS_PER_YEAR or len(index) not in STEPS_PER_YEAR[step_h]:
        return False
    first = index[0].tz_convert(tz)
    if (first.month, first.day, first.hour, first.minute) != (1, 1, 0, 0):
        return False
    return _same_instants(index, local_year_index(first.year, step_h, tz))


def on_calendar_year(data, *, year: int | None = None, tz: str = LOCAL_TIMEZONE,
                     owner: str = "on_calendar_year") -> CalendarYear:
    """Lay a year of data on the local calendar year (see the module docstring for the rules).

    Parameters
    ----------
    data : pandas.DataFrame or pandas.Series
        On a tz-aware, regular hourly or 15-minute index (any zone).
    year : int, optional
        The local calendar year; default the one that holds most of the steps.
    tz : str
        Zone of the calendar (default :data:`LOCAL_TIMEZONE`).
    owner : str
        Named in error messages (e.g. the weather's source).

    Returns
    -------
    CalendarYear
        ``data`` on the instants of the year with index zone ``tz``; an explicit period (at
        most :data:`PERIOD_MAX_DAYS`) and a series that already is that year, index zone
        included, come back unchanged.

    Raises
    ------
    DataError
        A naive or irregular index; a series neither a year nor a period; more than
        :data:`WRAP_MAX_HOURS` of the year missing; a missing instant whose wrap is missing too.
    """
    index = data.index
    step_h = step_hours(index, owner=owner, error=DataError)
    if index.tz is None:
        raise DataError(f"{owner}: the time index is tz-naive (first {index[0]}); a calendar year needs "
                        "tz-aware instants (UTC, a fixed offset or a zone)")
    days = len(index) * step_h / 24.0
    if year is None:
        if len(index) not in STEPS_PER_YEAR[step_h]:
            if days <= PERIOD_MAX_DAYS:
                return CalendarYear(data, None, pd.DatetimeIndex([], tz=tz), "")
            raise DataError(_ambiguous(owner, index, days, step_h))
        year = _majority_year(index, tz)
    year = _check_year(year, owner)
    target = local_year_index(year, step_h, tz)
    if str(index.tz) == str(target.tz) and _same_instants(index, target):
        return CalendarYear(data, year, target[:0], "")
    position, wrapped, direction = _positions(index, target, year, tz, step_h, owner)
    laid = data.iloc[position].copy()
    laid.index = target.rename(index.name)
    return CalendarYear(laid, year, wrapped, _note(year, tz, wrapped, direction))


def billing_months(index: pd.DatetimeIndex, *, owner: str, tz: str = LOCAL_TIMEZONE) -> tuple[np.ndarray, pd.Index]:
    """The calendar months of a regular, tz-aware index in ``tz`` (the capacity tariff's months).

    Returns
    -------
    (starts, labels)
        Position of each month's first step and the month labels ``YYYY-MM``.

    Raises
    ------
    DataError
        If the index covers a full year (365 or 366 days) that is not exactly one local
        calendar year: it would spread over 13 billing months (e.g. a UTC-stamped year) or
        leave a month short, and a year has 12. The message names the months it spans and
        points to :meth:`mgwsim.weather.Weather.calendar_year`.
    """
    local = index.tz_convert(tz)
    code = np.asarray(local.year, dtype=np.int64) * 12 + np.asarray(local.month, dtype=np.int64) - 1
    starts = np.flatnonzero(np.r_[True, np.diff(code) != 0])
    labels = pd.Index([f"{y:04d}-{m:02d}" for y, m in zip(local.year[starts], local.month[starts])], name="month")
    step_h = (index[1] - index[0]) / pd.Timedelta(hours=1) if len(index) > 1 else 1.0
    days = len(index) * step_h / 24.0
    if days in (365.0, 366.0) and not is_local_calendar_year(index, tz):
        raise DataError(
            f"{owner}: {len(index)} steps of {step_h:g} h ({index[0]} .. {index[-1]}) cover a full year of "
            f"{days:g} days but not a local calendar year: they span {len(labels)} billing months in {tz} "
            f"time ({', '.join(labels)}), and a year is billed as the 12 months of one local calendar year. "
            "Simulate on the local calendar year of the weather: Weather.calendar_year() (mgwsim.weather)")
    return starts, labels


def local_day_codes(local: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """Code 0..n_days-1 of each stamp's calendar day (in the index's own zone), and each day's first position."""
    key = _day_key(local)
    new_day = np.r_[True, key[1:] != key[:-1]]
    return np.cumsum(new_day) - 1, np.flatnonzero(new_day)


def whole_day_totals(local: pd.DatetimeIndex, step_h: float, values) -> np.ndarray:
    """For each stamp of ``local``, the sum of ``values(whole)`` over its *complete* calendar day.

    ``whole`` holds every step of ``step_h`` [h] of the calendar days that ``local`` touches, in
    its zone, taken from the calendar and not from ``local`` (23, 24 or 25 hours on DST days);
    ``values`` maps it to one value per step.
    """
    first = pd.Timestamp(local[0].date(), tz=local.tz)  # local midnight (never skipped by Belgian DST)
    end = pd.Timestamp(local[-1].date() + pd.Timedelta(days=1), tz=local.tz)
    whole = pd.date_range(first, end, freq=pd.Timedelta(hours=step_h), inclusive="left")
    _, starts = local_day_codes(whole)
    totals = np.add.reduceat(values(whole), starts)
    return totals[np.searchsorted(_day_key(whole)[starts], _day_key(local))]


# --------------------------------------------------------------------------- helpers


def _day_key(local: pd.DatetimeIndex) -> np.ndarray:
    """``year * 1000 + day of year`` of each stamp's calendar day (increasing with time)."""
    return np.asarray(local.year, dtype=np.int64) * 1000 + np.asarray(local.day_of_year, dtype=np.int64)


def _check_year(year, owner: str) -> int:
    if isinstance(year, bool) or check_number(year, "year", owner=owner, low=1, high=9998) != int(year):
        raise InputError(f"{owner}.year = {year!r} must be a whole calendar year")
    return int(year)


def _local_midnight(year: int, month: int, day: int, tz: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(year=year, month=month, day=day, tz=tz)
    except Exception as exc:  # pytz/zoneinfo raise different types for unknown zones
        raise InputError(f"calendar year: tz = {tz!r} is not a known time zone") from exc


def _ns(index: pd.DatetimeIndex) -> np.ndarray:
    return index.as_unit("ns").asi8


def _same_instants(a: pd.DatetimeIndex, b: pd.DatetimeIndex) -> bool:
    return len(a) == len(b) and bool(np.array_equal(_ns(a), _ns(b)))


def _majority_year(index: pd.DatetimeIndex, tz: str) -> int:
    years, counts = np.unique(np.asarray(index.tz_convert(tz).year), return_counts=True)
    return int(years[np.argmax(counts)])


def _ambiguous(owner: str, index: pd.DatetimeIndex, days: float, step_h: float) -> str:
    steps = STEPS_PER_YEAR[step_h]
    what = "more than a year" if days > 366 else "almost a year but not a full one (missing data?)"
    return (f"{owner}: {len(index)} steps of {step_h:g} h ({index[0]} .. {index[-1]}) cover {days:g} days, "
            f"{what}; allowed: a full year ({steps[0]} or {steps[1]} steps, laid on its local calendar year), "
            f"a year picked with year= from a longer series, or an explicit period of at most {PERIOD_MAX_DAYS:g} days")


def _positions(index, target, year: int, tz: str, step_h: float, owner: str):
    """Row of ``index`` for each instant of ``target``: the same instant, else one year later/earlier."""
    source = pd.Index(_ns(index))
    position = source.get_indexer(_ns(target))
    missing = position < 0
    if not missing.any():
        return position, target[:0], ""
    if missing.sum() * step_h > WRAP_MAX_HOURS:
        raise DataError(
            f"{owner}: the data ({index[0]} .. {index[-1]}) lack {int(missing.sum())} steps of the local calendar "
            f"year {year} ({tz}: {target[0]} .. {target[-1]}); at most {WRAP_MAX_HOURS:g} h may be taken from the "
            "other end of a typical year. Give a year that covers it, or re-stamp a typical year onto "
            f"{year} (the weather readers' year=)")
    lacking = target[missing].tz_convert(index.tz)
    later = source.get_indexer(_ns(lacking + pd.DateOffset(years=1)))
    earlier = source.get_indexer(_ns(lacking - pd.DateOffset(years=1)))
    wrapped = np.where(later >= 0, later, earlier)
    if (wrapped < 0).any():
        i = int(np.flatnonzero(wrapped < 0)[0])
        raise DataError(f"{owner}: no value for {target[missing][i]} (local calendar year {year}), nor for the same "
                        "instant one year later or earlier; the data do not cover a year")
    position[missing] = wrapped
    direction = "later" if (later >= 0).all() else "earlier" if (later < 0).all() else "later or earlier"
    return position, target[missing], direction


def _note(year: int, tz: str, wrapped: pd.DatetimeIndex, direction: str) -> str:
    note = f"local calendar year {year} ({tz})"
    if len(wrapped):
        note += (f"; {len(wrapped)} step(s) from {wrapped[0]} taken from the same instant one year {direction} "
                 "(a typical year wraps)")
    return note
