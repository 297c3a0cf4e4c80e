"""Errors raised by mgwsim, and helpers that validate inputs where they enter.

Every message names the owner (component), the field, the value and what is allowed.
Nothing is clipped silently: values out of range raise.
"""

from __future__ import annotations

import difflib
import math
import numbers
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

    A number is a real number type (``int``, ``float``, numpy's numbers, ``Fraction``, a 0-d
    numpy array); a string ("1850") or a bool is not, so a value read
    as text is refused where it enters instead of failing deep inside a calculation.

    Raises
    ------
    InputError
        naming ``owner.field``, the value and the allowed range.
    """
    kind = type(value)  # a plain float or int (not a bool) is a number: the common case, checked first
    number = float(value) if kind is float or kind is int else _as_float(value, _where(owner, field))
    if not math.isfinite(number):
        raise InputError(f"{_where(owner, field)} must be finite, got {value!r}")
    lo_ok = low is None or (number >= low if low_inclusive else number > low)
    hi_ok = high is None or (number <= high if high_inclusive else number < high)
    if not (lo_ok and hi_ok):
        where = _where(owner, field)
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        bracket = ("[" if low_inclusive else "(") + f"{lo}, {hi}" + ("]" if high_inclusive else ")")
        unit_txt = f" {unit}" if unit else ""
        raise InputError(f"{where} = {value!r}{unit_txt} is outside the allowed range {bracket}{unit_txt}")
    return number


def _is_bool(value) -> bool:
    return isinstance(value, (bool, np.bool_)) or (isinstance(value, np.ndarray) and value.dtype == bool)


def _as_float(value, where: str) -> float:
    """``value`` as float if it is a real number (not a string or a bool), else raise."""
    if isinstance(value, np.ndarray) and value.ndim == 0 and not _is_bool(value):
        value = value.item()
    if _is_bool(value) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise InputError(f"{where} must be a number, got {value!r} ({type(value).__name__})")
    return float(value)


def check_integer(
    value,
    field: str,
    *,
    owner: str | None = None,
    low: int | None = None,
    high: int | None = None,
    unit: str = "",
) -> int:
    """Return ``value`` as int if it is a whole number within ``[low, high]``, else raise.

    Counts (apartments, storeys, units) are never truncated: 2.7, 2.5 and ``True`` raise;
    a whole float such as ``12.0`` (a count read from a table with a float column) is taken.

    Raises
    ------
    InputError
        naming ``owner.field``, the value and what is allowed.
    """
    number = check_number(value, field, owner=owner, low=low, high=high, unit=unit)
    if not number.is_integer():
        raise InputError(f"{_where(owner, field)} must be a whole number, got {value!r}")
    return int(number)


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
        raise InputError(f"{_where(owner, field)} = {value!r} is not one of {', '.join(map(repr, allowed))}"
                         f"{did_you_mean(value, allowed)}")
    return value


def did_you_mean(value, allowed: Iterable[str]) -> str:
    """``" (did you mean 'x'?)"`` for the allowed names closest to a misspelt ``value`` ('' if none is close).

    Closeness is :func:`difflib.get_close_matches` (ratio >= 0.6, the library's default).
    """
    close = close_matches(value, allowed)
    return f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""


def close_matches(value, allowed: Iterable[str], n: int = 3) -> list[str]:
    """The (at most ``n``) allowed names closest to ``value``, best first (:func:`difflib.get_close_matches`)."""
    if not isinstance(value, str):
        return []
    return difflib.get_close_matches(value, [str(a) for a in allowed], n=n)


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
    raw = np.asarray(values)
    if raw.dtype.kind in "bUS":  # bools, text: refused as check_number refuses them
        raise InputError(f"{where} must hold numbers, got values of dtype {raw.dtype}")
    try:
        array = np.ascontiguousarray(raw.astype(np.float64))
    except (TypeError, ValueError):
        raise InputError(f"{where} must hold numbers, got values of dtype {raw.dtype}") from None
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
