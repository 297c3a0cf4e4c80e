"""Time steps: mgwsim runs on hourly or 15-minute series, and nothing else.

Every series of a simulation shares the weather's index (period-beginning stamps, each row
the mean over the step that starts at its stamp). The step is 1 h by default; 15 min when the
inputs are given at 15 minutes (capacity-tariff peaks on their own basis). Energies are kWh
*per step*, powers kW as the step's mean, so ``kWh per step = kW × step_h``; counts of steps
become hours as ``count × step_h``.

:func:`step_hours` checks an index and returns its step [h]; :func:`hourly_parent` maps a
15-minute index onto the hours that contain it (for profiles that exist only hourly and are
split over the quarters with the energy unchanged).
"""

from __future__ import annotations

from functools import wraps

import numpy as np
import pandas as pd

from mgwsim.errors import InputError

__all__ = ["ALLOWED_STEPS_H", "STEPS_PER_YEAR", "hourly_parent", "index_key", "local_hours", "per_index", "step_hours"]

ALLOWED_STEPS_H = (1.0, 0.25)
"""Time steps mgwsim simulates with [h]: one hour and one quarter hour."""

STEPS_PER_YEAR = {1.0: (8760, 8784), 0.25: (35040, 35136)}
"""Rows of a full calendar year (common, leap) per step [h]."""


def _describe(seconds: float) -> str:
    if seconds % 3600 == 0:
        return f"{seconds / 3600:g} h"
    if seconds % 60 == 0:
        return f"{seconds / 60:g} min"
    return f"{seconds:g} s"


def step_hours(index, *, owner: str, field: str = "index", error: type[InputError] = InputError) -> float:
    """The regular step of ``index`` [h]: 1.0 or 0.25; raise if it is anything else.

    Steps are measured on the absolute (UTC) time line, so a local-time index keeps 1 h steps
    across DST changes. An index of one row is taken as hourly.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Increasing, regular timestamps.
    owner, field : str
        Named in the error message (``owner.field``).
    error : type
        Exception class to raise (:class:`~mgwsim.errors.InputError` or a subclass such as
        :class:`~mgwsim.errors.DataError` for files).

    Raises
    ------
    InputError
        naming ``owner.field``, the step found (and where) and the allowed steps (1 h, 15 min).
    """
    where = f"{owner}.{field}"
    if not isinstance(index, pd.DatetimeIndex):
        raise error(f"{where} must be a pandas DatetimeIndex, got {type(index).__name__}")
    if len(index) < 2:
        return 1.0
    steps = np.diff(index.asi8)
    unit_s = pd.Timedelta(1, unit=index.unit).total_seconds()
    first = float(steps[0]) * unit_s
    irregular = steps != steps[0]
    if irregular.any():
        i = int(np.flatnonzero(irregular)[0])
        found = float(steps[i]) * unit_s
        raise error(f"{where} is irregular: the time step after {index[i]} is {_describe(found)}, the first step "
                    f"{_describe(first)} ({int(irregular.sum())} step(s) differ); allowed: a regular step of 1 h (hourly) or 15 min")
    step_h = first / 3600.0
    if step_h not in ALLOWED_STEPS_H:
        raise error(f"{where} has a time step of {_describe(first)} (first after {index[0]}); "
                    "allowed: 1 h (hourly) or 15 min")
    return step_h


_INDEX_MEMO: dict = {}
_INDEX_MEMO_SIZE = 64


def per_index(func):
    """Memoise a helper that depends only on the time index and scalars (read-only result).

    Batch runs evaluate thousands of buildings on one weather index; the calendar work
    (local clock hours, holidays, local days, sunset) is the same for all of them.
    """
    @wraps(func)
    def wrapper(index, *args):
        key = (func.__name__, index_key(index), args)
        value = _INDEX_MEMO.get(key)
        if value is None:
            if len(_INDEX_MEMO) >= _INDEX_MEMO_SIZE:
                _INDEX_MEMO.clear()
            value = func(index, *args)
            for array in value if isinstance(value, tuple) else (value,):
                if isinstance(array, np.ndarray):
                    array.setflags(write=False)
            _INDEX_MEMO[key] = value
        return value

    return wrapper


@per_index
def hourly_parent(index: pd.DatetimeIndex) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """The clock hours that contain each stamp of ``index``, and each stamp's hour position.

    Returns ``(hours, position)`` with ``hours`` the distinct hours (period-beginning, same
    zone) and ``index[i]`` inside ``hours[position[i]]``. A series known only per hour is put
    on ``index`` as ``hourly_values[position]``: a power [kW] held over the hour's quarters,
    which keeps the hour's energy (a quarter gets a quarter of it) but has no sub-hourly
    variability. For an hourly index, ``hours`` is ``index`` itself. Memoised per index
    (``position`` is read-only).
    """
    if index.tz is not None:  # floor on the UTC line: no ambiguous wall-clock hours at DST changes
        hours = index.tz_convert("UTC").floor("h").tz_convert(index.tz)
    else:
        hours = index.floor("h")
    new = np.r_[True, hours[1:] != hours[:-1]]
    return pd.DatetimeIndex(hours[new]), np.cumsum(new) - 1


def index_key(index: pd.DatetimeIndex) -> tuple:
    """A cheap hashable identity of a regular time index, to cache work done per index.

    Length, first and last stamp, zone and a checksum of every 97th stamp: two regular
    indexes with the same key hold the same stamps.
    """
    stamps = index.asi8
    if not len(stamps):
        return (0, str(index.tz))
    return (len(stamps), int(stamps[0]), int(stamps[-1]), str(index.tz), int(stamps[::97].sum()))


@per_index
def local_hours(index: pd.DatetimeIndex, timezone: str) -> np.ndarray:
    """Clock hour (0–23) of each stamp in ``timezone`` (a naive index is taken as local already)."""
    return np.asarray(index.tz_convert(timezone).hour if index.tz is not None else index.hour)
