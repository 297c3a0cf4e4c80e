"""A checked view of one TOML table: known keys, types, ranges and choices, with key paths in every error.

Every section reader of :mod:`mgwsim.config` declares the keys its table may hold; a key
outside them is an error that lists the allowed keys. Values are read with their type and
range, and every message names the full key path (``variants[2].plant.heat_pumps.n_units``),
the value and what is allowed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from mgwsim.errors import InputError, check_choice, check_number

REQUIRED = object()
"""Marker default: the key must be given."""

_TYPE_NAMES = {"float": "a number", "int": "an integer", "str": "a string", "bool": "true or false"}


def _type_name(value) -> str:
    names = {bool: "boolean", int: "integer", float: "float", str: "string", list: "array", dict: "table"}
    return names.get(type(value), type(value).__name__)


def _is_kind(value, kind: str) -> bool:
    if kind == "float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "str":
        return isinstance(value, str)
    if kind == "bool":
        return isinstance(value, bool)
    raise ValueError(f"unknown kind {kind!r}")  # programming error, not user input


def kind_of(raw, path: str, name: str, choices: Iterable[str]) -> str:
    """The value of the choice key ``name`` of a raw table at ``path``, read first because it decides the allowed keys."""
    if not isinstance(raw, dict):
        raise InputError(f"{path} must be a table, got {raw!r} ({_type_name(raw)})")
    value = raw.get(name)
    choices = tuple(choices)
    if value not in choices:
        raise InputError(f"{path}.{name} = {value!r} is not one of {', '.join(map(repr, choices))}")
    return value


class Table:
    """One TOML table at ``path`` whose keys must be among ``allowed``.

    Parameters
    ----------
    data : dict
        The parsed table.
    path : str
        Key path of the table (``""`` for the document root).
    allowed : iterable of str
        The keys the table may hold.
    """

    def __init__(self, data, path: str, allowed: Iterable[str]):
        if not isinstance(data, dict):
            raise InputError(f"{path} must be a table, got {data!r} ({_type_name(data)})")
        self.data, self.path, self.allowed = data, path, tuple(allowed)
        unknown = sorted(set(data) - set(self.allowed))
        if unknown:
            where = path or "the configuration"
            raise InputError(f"{where}: unknown key {unknown[0]!r}; allowed keys: {', '.join(sorted(self.allowed))}")

    def key(self, name: str) -> str:
        """The full key path of ``name`` in this table."""
        return f"{self.path}.{name}" if self.path else name

    def __contains__(self, name: str) -> bool:
        return name in self.data

    def _raw(self, name: str, default):
        if name not in self.allowed:
            raise KeyError(f"{self.path}: {name!r} is not declared")  # programming error
        if name in self.data:
            return self.data[name]
        if default is REQUIRED:
            raise InputError(f"{self.key(name)} is required but missing")
        return default

    def value(self, name: str, kind: str, default=REQUIRED, *, low=None, high=None, low_inclusive: bool = True,
              choices: Iterable[str] | None = None, unit: str = ""):
        """The value of ``name`` checked against its kind, range or choices (``default`` when absent)."""
        value = self._raw(name, default)
        if name not in self.data:
            return value
        if not _is_kind(value, kind):
            raise InputError(f"{self.key(name)} must be {_TYPE_NAMES[kind]}, got {value!r} ({_type_name(value)})")
        if choices is not None:
            check_choice(value, name, tuple(choices), owner=self.path or None)
        if low is not None or high is not None:
            check_number(value, name, owner=self.path or None, low=low, high=high, low_inclusive=low_inclusive,
                         unit=unit)
        return float(value) if kind == "float" else value

    def numbers(self, name: str, default=REQUIRED, *, length: int | None = None) -> tuple[float, ...] | None:
        """An array of numbers (of ``length`` entries when given)."""
        value = self._raw(name, default)
        if name not in self.data:
            return value
        if not isinstance(value, list) or not all(_is_kind(v, "float") for v in value):
            raise InputError(f"{self.key(name)} must be an array of numbers, got {value!r}")
        if length is not None and len(value) != length:
            raise InputError(f"{self.key(name)} must have {length} numbers, got {len(value)}: {value!r}")
        return tuple(float(v) for v in value)

    def table(self, name: str, allowed: Iterable[str], *, required: bool = False) -> Table | None:
        """The sub-table ``name`` (None when absent and not required)."""
        value = self._raw(name, REQUIRED if required else None)
        return None if value is None else Table(value, self.key(name), allowed)

    def items(self, name: str) -> list[tuple[dict, str]]:
        """The raw tables of the array ``name`` (``[[name]]``) with their key paths, empty when absent."""
        value = self._raw(name, [])
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list):
            raise InputError(f"{self.key(name)} must be an array of tables ([[{name}]]), got {value!r}")
        return [(item, f"{self.key(name)}[{i}]") for i, item in enumerate(value)]

    def tables(self, name: str, allowed: Iterable[str]) -> list[Table]:
        """The array of tables ``name`` (``[[name]]``), each checked against ``allowed``; empty when absent."""
        return [Table(item, path, allowed) for item, path in self.items(name)]

    @contextmanager
    def constructing(self, what: str = "") -> Iterator[None]:
        """Prefix the key path to an :class:`InputError` raised while constructing an object from this table."""
        try:
            yield
        except InputError as error:
            if str(error).startswith(self.path) and self.path:
                raise
            where = self.key(what) if what else (self.path or "configuration")
            raise InputError(f"{where}: {error}") from None
