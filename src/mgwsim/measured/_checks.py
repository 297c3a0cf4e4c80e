"""Shared reading and validation steps of the measured-data readers.

Every error is a :class:`~mgwsim.errors.DataError` that names the file, the column and the
first offending timestamp or value, and says what is allowed (as the weather readers do).
Nothing is clipped or filled.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from mgwsim.errors import DataError
from mgwsim.simyear import LOCAL_TIMEZONE


def source_of(path) -> str:
    """The name of a file as it appears in error messages."""
    return f"file {Path(path)}"


def read_table(path, *, sep: str = ",", decimal: str = ".") -> pd.DataFrame:
    """Read a CSV file as text columns (nothing parsed yet); raise DataError if unreadable or empty."""
    source = source_of(path)
    try:
        raw = pd.read_csv(path, sep=sep, decimal=decimal, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise DataError(f"{source}: cannot be read as CSV ({exc})") from exc
    raw.columns = [str(c).strip() for c in raw.columns]
    if raw.empty:
        raise DataError(f"{source}: has a header but no data rows")
    return raw


def require_columns(raw: pd.DataFrame, columns, source: str) -> None:
    """Raise naming the missing columns and the columns the file has."""
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        raise DataError(
            f"{source}: missing column(s) {', '.join(map(repr, missing))}; the file has {', '.join(map(repr, raw.columns))}"
        )


def local_times(texts: pd.Series, source: str, column: str, *, tz: str = LOCAL_TIMEZONE,
                time_format: str | None = None) -> pd.DatetimeIndex:
    """Parse wall-clock timestamps and localise them to ``tz``.

    Naive stamps are local time: the autumn hour that a local clock shows twice must appear
    twice, in order (pandas ``ambiguous="infer"``); a stamp in the spring hour that does not
    exist raises. Stamps that carry a UTC offset are converted to ``tz``.
    """
    where = f"{source}, column {column!r}"
    try:
        parsed = pd.to_datetime(texts, format=time_format)
    except (ValueError, TypeError):
        try:
            parsed = pd.to_datetime(texts, format=time_format, utc=True)
        except (ValueError, TypeError) as exc:
            first = _first_unparsable(texts, time_format)
            raise DataError(f"{where}: timestamp {first!r} cannot be parsed ({exc})") from exc
    index = pd.DatetimeIndex(parsed)
    if index.tz is not None:
        return index.tz_convert(tz)
    try:
        return index.tz_localize(tz, ambiguous="infer", nonexistent="raise")
    except (ValueError, TypeError) as exc:
        raise DataError(
            f"{where}: local times cannot be placed in {tz} ({exc}); a local-time file must hold the "
            "autumn DST hour twice, in order, and no time in the skipped spring hour"
        ) from exc


def _first_unparsable(texts: pd.Series, time_format: str | None) -> str:
    for text in texts:
        try:
            pd.to_datetime(text, format=time_format)
        except (ValueError, TypeError):
            return str(text)
    return str(texts.iloc[0])


def numbers(texts: pd.Series, source: str, column: str, times) -> np.ndarray:
    """Column ``column`` as float64; raise at the first empty or non-numeric cell, naming its timestamp."""
    cleaned = texts.astype(str).str.strip()
    values = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"{source}: column {column!r} has {int(bad.sum())} missing or non-numeric value(s), first at "
            f"{times[i]}: {texts.iloc[i]!r}; allowed: a finite number in every row"
        )
    return values


def check_range(values: np.ndarray, source: str, column: str, times, *, low: float | None = None,
                high: float | None = None, unit: str = "") -> None:
    """Raise at the first value outside [low, high] (an impossible value), naming its timestamp."""
    bad = np.zeros(values.shape, dtype=bool)
    if low is not None:
        bad |= values < low
    if high is not None:
        bad |= values > high
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        raise DataError(
            f"{source}: column {column!r} has {int(bad.sum())} impossible value(s) outside [{lo}, {hi}] {unit}, "
            f"first at {times[i]}: {float(values[i])!r}"
        )


def check_increasing(index: pd.DatetimeIndex, source: str, column: str) -> None:
    """Raise at the first duplicated or backward timestamp."""
    duplicated = index.duplicated()
    if duplicated.any():
        raise DataError(
            f"{source}: column {column!r} has {int(duplicated.sum())} duplicated timestamp(s), first "
            f"{index[duplicated][0]}; allowed: each instant once (local files hold the autumn DST hour twice, "
            "once per offset, which the reader tells apart by order)"
        )
    backward = np.asarray(index[1:] <= index[:-1])
    if backward.any():
        i = int(np.flatnonzero(backward)[0])
        raise DataError(
            f"{source}: column {column!r} goes back in time after {index[i]} (next {index[i + 1]}); "
            "allowed: increasing timestamps"
        )


def check_regular(index: pd.DatetimeIndex, source: str, column: str, allowed_steps) -> pd.Timedelta:
    """Return the one step of a duplicate-free, increasing index; raise at the first gap or irregular step.

    Steps are measured on the absolute (UTC) time line, so a local index keeps its step across
    the DST changes.
    """
    check_increasing(index, source, column)
    if len(index) < 2:
        raise DataError(f"{source}: column {column!r} has {len(index)} row(s); a series needs at least two")
    steps = index[1:] - index[:-1]
    step = steps.min()  # the shortest step is the series' own; longer ones are gaps
    names = " or ".join(_describe(s) for s in allowed_steps)
    if step not in allowed_steps:
        first = int(np.flatnonzero(np.asarray(steps == step))[0])
        raise DataError(f"{source}: column {column!r} has a step of {step} after {index[first]}; allowed: {names}")
    irregular = np.asarray(steps != step)
    if irregular.any():
        i = int(np.flatnonzero(irregular)[0])
        raise DataError(
            f"{source}: column {column!r} has a gap: first missing timestamp {index[i] + step} (a step of {steps[i]} "
            f"from {index[i]} to {index[i + 1]}); {int(irregular.sum())} irregular step(s) in all; allowed: one "
            f"regular step of {names}"
        )
    return step


def _describe(step: pd.Timedelta) -> str:
    minutes = step / pd.Timedelta(minutes=1)
    return f"{minutes / 60:g} h" if minutes % 60 == 0 else f"{minutes:g} min"
