"""The embedded day-ahead price year (2026), laid on any simulation calendar, and its basis.

The embedded series (``data/prices/README.md``) is a **scaled shape**: the hourly Dutch
day-ahead prices of 2024 laid on the 2026 calendar, their positive hours scaled so that the
mean equals the Cal-26 baseload forward price (negative hours kept). :func:`default_price_basis` states this year, level and source
for a report; :func:`price_basis` does the same for a user's own series.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mgwsim._data import data_path
from mgwsim.errors import InputError
from mgwsim.simyear import LOCAL_TIMEZONE

LOCAL_TZ = LOCAL_TIMEZONE
EMBEDDED_FILE = "day_ahead_2026_nl2024_shape.csv.gz"
EMBEDDED_YEAR = 2026
EMBEDDED_SOURCE = (
    "hourly shape: Dutch day-ahead prices 2024 (ENTSO-E Transparency Platform via Ember, CC BY 4.0, "
    "as shipped in the ev2gym 2.0.0 wheel on PyPI); level: Dutch Cal-26 (baseload) forward 84.8 EUR/MWh "
    "(as reported in the EPNL weekly market update of 8-12 September 2025, secondary)"
)
EMBEDDED_NOTE = (
    "a scaled shape, not a measured Belgian series: the Dutch zone (market-coupled with Belgium) stands in "
    "for Belgium and the level is a forward price quoted before the year began; load your own Belgian "
    "prices for a real study"
)

_MAX_WEEKDAY_SHIFT_DAYS = 3


@dataclass(frozen=True)
class PriceBasis:
    """The year, level and source of a day-ahead price series, for a study or a report.

    Attributes
    ----------
    year : int
        The local (Brussels) calendar year that holds most of the series' steps (the later
        one on a tie).
    years : tuple of int
        Every local calendar year with at least one hour of the series.
    mean_eur_per_mwh : float
        Arithmetic mean of the hourly prices [EUR/MWh] (for a baseload year, the level a
        baseload forward contract settles against).
    source : str
        Where the prices come from.
    note : str
        How they were processed or what to keep in mind (e.g. "scaled shape").
    """

    year: int
    years: tuple
    mean_eur_per_mwh: float
    source: str
    note: str = ""

    def describe(self) -> str:
        """Year(s) and level in a few words, e.g. ``"2026, mean 84.8 EUR/MWh"`` (source apart)."""
        years = str(self.year) if len(self.years) == 1 else f"{self.years[0]}-{self.years[-1]}"
        return f"{years}, mean {self.mean_eur_per_mwh:.1f} EUR/MWh"


@functools.cache
def _embedded() -> pd.Series:
    """The embedded 2026 series [EUR/kWh] on its UTC index (period-beginning)."""
    frame = pd.read_csv(data_path("prices", EMBEDDED_FILE), index_col=0)
    index = pd.DatetimeIndex(pd.to_datetime(frame.index, utc=True), name="time_utc")
    return pd.Series(frame["price_eur_per_kwh"].to_numpy(), index=index, name="price_eur_per_kwh")


def default_price_basis() -> PriceBasis:
    """The basis of the embedded series: year 2026, its mean (the cited Cal-26 level), its source."""
    return price_basis(_embedded(), source=EMBEDDED_SOURCE, note=EMBEDDED_NOTE)


def price_basis(prices: pd.Series, source: str, note: str = "") -> PriceBasis:
    """Summarise a day-ahead price series: its local calendar year(s) and mean level.

    Parameters
    ----------
    prices : pandas.Series
        Prices [EUR/kWh] on a tz-aware DatetimeIndex with a constant step (as returned by
        :func:`read_day_ahead_csv`, :func:`read_price_csv`, :func:`fetch_day_ahead_entsoe`).
    source : str
        Where the prices come from (file, platform, bidding zone), stated in the report.
    note : str, optional
        Processing or caveats.

    Returns
    -------
    PriceBasis
        Years counted on the Brussels calendar; mean in EUR/MWh.

    Raises
    ------
    InputError
        Not a Series on a tz-aware DatetimeIndex, empty, non-finite prices, or an empty source.
    """
    if not isinstance(prices, pd.Series) or not isinstance(prices.index, pd.DatetimeIndex):
        raise InputError("price_basis.prices must be a pandas Series with a DatetimeIndex")
    if prices.index.tz is None:
        raise InputError("price_basis.prices: the index must be tz-aware (UTC or a local zone)")
    values = prices.to_numpy(dtype=np.float64)
    if values.size == 0 or not np.isfinite(values).all():
        raise InputError(f"price_basis.prices: {values.size} prices, all must be finite and there must be at least one")
    if not isinstance(source, str) or not source.strip():
        raise InputError(f"price_basis.source = {source!r}: say where the prices come from (a non-empty string)")
    hours_per_year = pd.Series(prices.index.tz_convert(LOCAL_TZ).year).value_counts()
    year = max(hours_per_year.index, key=lambda y: (hours_per_year[y], y))  # a tie goes to the later year
    return PriceBasis(
        year=int(year),
        years=tuple(sorted(int(y) for y in hours_per_year.index)),
        mean_eur_per_mwh=float(values.mean() * 1000.0),
        source=source,
        note=note,
    )


def default_day_ahead(index: pd.DatetimeIndex) -> pd.Series:
    """Embedded day-ahead prices [EUR/kWh] on ``index`` (see ``data/prices/README.md``).

    The 2026 series is laid on the calendar of ``index`` by local (Brussels) wall-clock time
    (:func:`lay_on_calendar`): on the 2026 calendar it is returned unchanged; on another year
    each day takes a 2026 day of the same weekday within three days of the same date.
    ``index`` must be hourly and tz-aware.
    """
    if not isinstance(index, pd.DatetimeIndex) or len(index) < 2 or (index[1] - index[0]) != pd.Timedelta(hours=1):
        raise InputError("default_day_ahead: index must be an hourly DatetimeIndex of at least two steps")
    if index.tz is None:
        raise InputError("default_day_ahead: index must be tz-aware (UTC or a local zone), got a naive index")
    values = lay_on_calendar(_embedded(), EMBEDDED_YEAR, index)
    return pd.Series(values, index=index, name="price_eur_per_kwh")


def lay_on_calendar(source: pd.Series, source_year: int, index: pd.DatetimeIndex) -> np.ndarray:
    """Values of an hourly year-long series on another calendar, by local wall-clock time.

    Each local (Brussels) day of ``index`` takes the source day of the **same weekday**
    nearest to the same day of the year (at most three days away, a week earlier or later
    at the year's ends), and each hour the source's value at the **same local clock hour**
    (evening peaks stay at 18-20 h across daylight-saving changes). Clock hours that the
    source year lacks (its spring-forward 02:00) take the mean of 01:00 and 03:00; the
    repeated autumn hour of ``index`` takes the source's first 02:00 unless the source
    repeats it too. On the source's own calendar the result is the source itself.

    Parameters
    ----------
    source : pandas.Series
        Hourly values on a tz-aware index covering the local calendar year ``source_year``.
    source_year : int
        The local calendar year of ``source``.
    index : pandas.DatetimeIndex
        Hourly, tz-aware target steps.

    Returns
    -------
    numpy.ndarray
        float64, one value per step of ``index``.
    """
    table = _wall_clock_table(source, source_year)
    day, hour, repeat = _wall_clock(index)
    local = index.tz_convert(LOCAL_TZ)
    source_day = same_weekday_day(day, local.day_of_week.to_numpy(), source_year)
    return table[source_day, hour, repeat]


def same_weekday_day(day_of_year: np.ndarray, weekday: np.ndarray, source_year: int) -> np.ndarray:
    """Zero-based day of ``source_year`` with weekday ``weekday`` nearest to ``day_of_year``.

    The shift is at most three days; a result outside the source year moves by a week.
    """
    n_days = 366 if pd.Timestamp(year=source_year, month=12, day=31).day_of_year == 366 else 365
    first_weekday = pd.Timestamp(year=source_year, month=1, day=1).day_of_week
    day = np.asarray(day_of_year, dtype=np.int64)
    shift = (np.asarray(weekday) - (first_weekday + day) + _MAX_WEEKDAY_SHIFT_DAYS) % 7 - _MAX_WEEKDAY_SHIFT_DAYS
    mapped = day + shift
    mapped = np.where(mapped < 0, mapped + 7, mapped)
    return np.where(mapped > n_days - 1, mapped - 7, mapped)


def _wall_clock(index: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Zero-based local day of year, local clock hour and 1 for a repeated (autumn) clock hour."""
    local = index.tz_convert(LOCAL_TZ)
    before = (index - pd.Timedelta(hours=1)).tz_convert(LOCAL_TZ)
    repeat = (before.hour == local.hour).astype(np.int64)
    return local.day_of_year.to_numpy() - 1, local.hour.to_numpy(), np.asarray(repeat)


def _wall_clock_table(source: pd.Series, source_year: int) -> np.ndarray:
    """Source values as (day of year, clock hour, repeat) with the DST holes filled."""
    local_year = source.index.tz_convert(LOCAL_TZ).year
    year = source[local_year == source_year]
    n_days = 366 if pd.Timestamp(year=source_year, month=12, day=31).day_of_year == 366 else 365
    table = np.full((n_days, 24, 2), np.nan)
    day, hour, repeat = _wall_clock(year.index)
    table[day, hour, repeat] = year.to_numpy(dtype=np.float64)
    for row, hour in zip(*np.nonzero(np.isnan(table[:, :, 0]))):
        if _clock_hour_exists(source_year, row, hour):
            continue  # a real gap: reported below
        table[row, hour, 0] = 0.5 * (table[row, hour - 1, 0] + table[row, (hour + 1) % 24, 0])
    table[:, :, 1] = np.where(np.isnan(table[:, :, 1]), table[:, :, 0], table[:, :, 1])
    if np.isnan(table).any():
        day_gap, hour_gap, _ = (int(v[0]) for v in np.nonzero(np.isnan(table)))
        raise InputError(f"lay_on_calendar: the source has {len(year)} hours in {source_year}, no value for "
                         f"local day {day_gap + 1} at {hour_gap:02d}:00; a full local year is required")
    return table


def _clock_hour_exists(year: int, day_of_year: int, hour: int) -> bool:
    """False for the local clock hour skipped by the spring change to summer time."""
    wall = pd.Timestamp(year=year, month=1, day=1, hour=int(hour)) + pd.Timedelta(days=int(day_of_year))
    return wall.tz_localize(LOCAL_TZ, nonexistent="NaT", ambiguous=True) is not pd.NaT
