"""Day-ahead prices: read them, fetch them (optional), align them to a simulation index.

Price series returned here are ``pandas.Series`` in EUR/kWh on a tz-aware, strictly
increasing, gap-free hourly index in **UTC** (label = start of the delivery hour), named
``day_ahead_eur_per_kwh``. UTC has no daylight-saving jumps, so a year of prices has
exactly 8760 (8784) rows whatever the local clock did.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from mgwsim.errors import DataError, InputError

SERIES_NAME = "day_ahead_eur_per_kwh"
ENTSOE_TIME_FORMAT = "%d%b%Y %H:%M:%S"
_UNIT_FACTOR = {"eur_per_kwh": 1.0, "eur_per_mwh": 1e-3}


def read_day_ahead_csv(path, tz: str = "Europe/Brussels") -> pd.Series:
    """Read day-ahead prices in the shared ENTSO-E export format.

    The file has columns ``time,DAM_price``; ``time`` is *local* time written as
    ``01jan2022 00:00:00``, the price is in EUR/kWh. Daylight saving shows in the file as:

    * spring: the non-existent local hour (02:00 on the last Sunday of March) is a row with
      an empty price -> the row is dropped (a price there would be an error);
    * autumn: the repeated local hour (02:00 on the last Sunday of October) appears twice,
      first in summer time, then in winter time -> both are kept, in that order.

    Trailing rows with empty prices (the series ends before the file does) are dropped;
    an empty price anywhere else raises.

    Parameters
    ----------
    path : str or Path
        CSV file.
    tz : str
        Time zone of the local timestamps in the file.

    Returns
    -------
    pandas.Series
        EUR/kWh on a gap-free hourly UTC index (see the module docstring).

    Raises
    ------
    DataError
        Unparsable times, a price in a non-existent hour, an interior gap, a non-hourly step.
    """
    path = Path(path)
    frame = _read_csv(path, ("time", "DAM_price"))
    try:
        local = pd.to_datetime(frame["time"], format=ENTSOE_TIME_FORMAT)
    except (ValueError, TypeError) as exc:
        raise DataError(f"{path}: column 'time' is not in the format '01jan2022 00:00:00' ({exc})") from None
    price = pd.to_numeric(frame["DAM_price"], errors="coerce").to_numpy(dtype=np.float64)
    index = _localize(pd.DatetimeIndex(local), tz, price, path)
    keep = ~index.isna()
    series = pd.Series(price[keep], index=index[keep].tz_convert("UTC"), name=SERIES_NAME)
    return _check_clean(_drop_trailing_nan(series), path)


def read_price_csv(path, *, time_column: str = "time", price_column: str = "price",
                   unit: str = "eur_per_kwh", tz: str | None = None) -> pd.Series:
    """Read a generic price CSV with ISO-8601 timestamps.

    Parameters
    ----------
    path : str or Path
        CSV file.
    time_column, price_column : str
        Column names.
    unit : {"eur_per_kwh", "eur_per_mwh"}
        Unit of the price column (converted to EUR/kWh).
    tz : str, optional
        Time zone of naive timestamps. Naive times without ``tz`` raise; timestamps with an
        offset (``2023-01-01T00:00:00+01:00``) need none.

    Returns
    -------
    pandas.Series
        EUR/kWh on a gap-free hourly UTC index.
    """
    if unit not in _UNIT_FACTOR:
        raise InputError(f"read_price_csv.unit = {unit!r} is not one of {tuple(_UNIT_FACTOR)}")
    path = Path(path)
    frame = _read_csv(path, (time_column, price_column))
    try:
        naive = pd.Timestamp(frame[time_column].iloc[0]).tz is None
        times = pd.DatetimeIndex(pd.to_datetime(frame[time_column], utc=not naive))
    except (ValueError, TypeError, IndexError) as exc:
        raise DataError(f"{path}: column {time_column!r} has unparsable timestamps ({exc})") from None
    if naive:
        if tz is None:
            raise DataError(f"{path}: timestamps have no UTC offset; pass tz=...")
        try:
            times = times.tz_localize(tz, ambiguous="infer", nonexistent="raise")
        except Exception as exc:  # ambiguous / non-existent local times (DST)
            raise DataError(f"{path}: local times cannot be mapped to {tz} ({exc})") from None
    price = pd.to_numeric(frame[price_column], errors="coerce").to_numpy(dtype=np.float64)
    series = pd.Series(price * _UNIT_FACTOR[unit], index=times.tz_convert("UTC"), name=SERIES_NAME)
    return _check_clean(_drop_trailing_nan(series), path)


def fetch_day_ahead_entsoe(api_key: str, start, end, country_code: str = "BE") -> pd.Series:
    """Download day-ahead prices from the ENTSO-E Transparency Platform (needs ``entsoe-py``).

    ``entsoe-py`` is imported here only; it is not a dependency of mgwsim. Prices come in
    EUR/MWh and are returned in EUR/kWh on a UTC index like :func:`read_day_ahead_csv`
    (15-minute results since the 2025 market change are averaged to hours). The data are
    the day-ahead prices of Regulation (EU) 543/2013 art. 12.1.D (for Belgium the EPEX SPOT
    Belgian auction, bidding zone ``10YBE----------2``).

    Parameters
    ----------
    api_key : str
        ENTSO-E security token (free: register on the Transparency Platform and request
        Restful API access).
    start, end : str or Timestamp
        Period; naive values are read as Brussels local time.
    country_code : str
        entsoe-py area code, ``"BE"`` for Belgium.

    Returns
    -------
    pandas.Series
        EUR/kWh on a gap-free hourly UTC index; state its year and level with
        :func:`mgwsim.tariffs.price_basis`.
    """
    try:
        from entsoe import EntsoePandasClient
    except ImportError:
        raise InputError("fetch_day_ahead_entsoe needs the optional package entsoe-py (pip install entsoe-py)") from None
    start, end = pd.Timestamp(start, tz="Europe/Brussels"), pd.Timestamp(end, tz="Europe/Brussels")
    raw = EntsoePandasClient(api_key=api_key).query_day_ahead_prices(country_code, start=start, end=end)
    hourly = raw.tz_convert("UTC").resample("1h").mean() * 1e-3
    return _check_clean(hourly.rename(SERIES_NAME), Path(f"ENTSO-E {country_code}"))


def align_prices(prices: pd.Series, index: pd.DatetimeIndex, *, owner: str = "day_ahead") -> np.ndarray:
    """Prices for each step of a simulation index, by instant (time zones handled).

    An hourly price applies to every sub-hourly step inside its hour (15-minute flows take
    the price of the hour they fall in).

    Parameters
    ----------
    prices : pandas.Series
        EUR/kWh on a tz-aware index (e.g. from :func:`read_day_ahead_csv`).
    index : pandas.DatetimeIndex
        The simulation's tz-aware index.

    Returns
    -------
    numpy.ndarray
        float64, one price per step of ``index`` [EUR/kWh].

    Raises
    ------
    DataError
        Naive indexes, prices that do not cover a step (the first missing instant is named,
        e.g. a DST gap or a different year), or non-finite prices.
    """
    if not isinstance(prices, pd.Series) or not isinstance(prices.index, pd.DatetimeIndex):
        raise DataError(f"{owner} must be a pandas Series with a DatetimeIndex")
    if prices.index.tz is None or index.tz is None:
        raise DataError(f"{owner}: both the price index and the simulation index must be tz-aware")
    if not prices.index.is_unique or not prices.index.is_monotonic_increasing:
        raise DataError(f"{owner}: price index must be strictly increasing (duplicate or unsorted instants)")
    hours = index.tz_convert("UTC").floor("h")
    position = prices.index.tz_convert("UTC").get_indexer(hours)
    if (position < 0).any():
        i = int(np.flatnonzero(position < 0)[0])
        raise DataError(
            f"{owner}: no price for {index[i]} (step {i} of {len(index)}); prices cover "
            f"{prices.index[0]} .. {prices.index[-1]} with {len(prices)} values"
        )
    values = prices.to_numpy(dtype=np.float64)[position]
    if not np.isfinite(values).all():
        i = int(np.flatnonzero(~np.isfinite(values))[0])
        raise DataError(f"{owner}: price for {index[i]} is not finite ({values[i]!r})")
    return np.ascontiguousarray(values)


def _read_csv(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: cannot be read as CSV ({exc})") from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {missing}; found {list(frame.columns)}")
    return frame


def _localize(local: pd.DatetimeIndex, tz: str, price: np.ndarray, path: Path) -> pd.DatetimeIndex:
    """Localize wall-clock times: repeated autumn hour inferred, spring hour -> NaT."""
    try:
        index = local.tz_localize(tz, ambiguous="infer", nonexistent="NaT")
    except Exception as exc:  # pytz/zoneinfo raise several types for ambiguous data
        raise DataError(f"{path}: local times cannot be mapped to {tz} ({exc})") from None
    bad = index.isna() & np.isfinite(price)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"{path}: row {i + 2} has a price at {local[i]}, a local time that does not exist in {tz}")
    return index


def _drop_trailing_nan(series: pd.Series) -> pd.Series:
    finite = np.isfinite(series.to_numpy())
    if not finite.any():
        return series.iloc[:0]
    return series.iloc[: int(np.flatnonzero(finite)[-1]) + 1]


def _check_clean(series: pd.Series, path: Path) -> pd.Series:
    if series.empty:
        raise DataError(f"{path}: no prices")
    values = series.to_numpy()
    if not np.isfinite(values).all():
        i = int(np.flatnonzero(~np.isfinite(values))[0])
        raise DataError(f"{path}: missing price at {series.index[i]} (an interior gap)")
    step = np.diff(series.index.to_numpy())
    bad = step != np.timedelta64(1, "h")
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"{path}: prices are not hourly and gap-free after {series.index[i]}")
    return series

