"""Errors raised by mgwsim, and helpers that validate inputs where they enter.

Every message names the owner (component), the field, the value and what is allowed.
Nothing is clipped silently: values out of range raise.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np


class InputError(ValueError):
    """An input is missing, of the wrong kind or outside its allowed range."""


class DataError(InputError):
    """A data file (weather, prices, tariffs, tables) is malformed or inconsistent."""


def _where(owner: str | None, field: str) -> str:
    return f"{owner}.{field}" if owner else field


def check_number(
    value,
    field: str,
    *,
    owner: str | None = None,
    low: float | None = None,
    high: float | None = None,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
    unit: str = "",
) -> float:
    """Return ``value`` as float if it is a finite number within the given bounds, else raise.

    Raises
    ------
    InputError
        naming ``owner.field``, the value and the allowed range.
    """
    where = _where(owner, field)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{where} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise InputError(f"{where} must be finite, got {value!r}")
    lo_ok = low is None or (number >= low if low_inclusive else number > low)
    hi_ok = high is None or (number <= high if high_inclusive else number < high)
    if not (lo_ok and hi_ok):
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        bracket = ("[" if low_inclusive else "(") + f"{lo}, {hi}" + ("]" if high_inclusive else ")")
        unit_txt = f" {unit}" if unit else ""
        raise InputError(f"{where} = {value!r}{unit_txt} is outside the allowed range {bracket}{unit_txt}")
    return number


def check_positive(value, field: str, *, owner: str | None = None, unit: str = "", high: float | None = None) -> float:
    """Shorthand for a strictly positive finite number (optionally at most ``high``)."""
    return check_number(value, field, owner=owner, low=0.0, low_inclusive=False, high=high, unit=unit)


def check_fraction(value, field: str, *, owner: str | None = None) -> float:
    """Shorthand for a number in [0, 1]."""
    return check_number(value, field, owner=owner, low=0.0, high=1.0)


def check_choice(value, field: str, allowed: Iterable[str], *, owner: str | None = None) -> str:
    """Return ``value`` if it is one of ``allowed``, else raise naming the allowed values."""
    allowed = tuple(allowed)
    if value not in allowed:
        raise InputError(f"{_where(owner, field)} = {value!r} is not one of {', '.join(map(repr, allowed))}")
    return value


def check_series(
    values,
    field: str,
    *,
    length: int | None = None,
    owner: str | None = None,
    low: float | None = None,
    high: float | None = None,
) -> np.ndarray:
    """Return ``values`` as a contiguous float64 array after checking length, NaN and bounds.

    The error names the first offending position.
    """
    where = _where(owner, field)
    array = np.ascontiguousarray(np.asarray(values, dtype=np.float64))
    if array.ndim != 1:
        raise InputError(f"{where} must be one-dimensional, got shape {array.shape}")
    if length is not None and array.size != length:
        raise InputError(f"{where} has {array.size} values, expected {length}")
    bad = ~np.isfinite(array)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(f"{where} has a non-finite value at position {i}: {array[i]!r}")
    if low is not None and (array < low).any():
        i = int(np.flatnonzero(array < low)[0])
        raise InputError(f"{where}[{i}] = {array[i]!r} is below the allowed minimum {low:g}")
    if high is not None and (array > high).any():
        i = int(np.flatnonzero(array > high)[0])
        raise InputError(f"{where}[{i}] = {array[i]!r} is above the allowed maximum {high:g}")
    return array
