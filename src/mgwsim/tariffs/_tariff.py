"""Tariffs as data: the :class:`Tariff` record, its schema and the TOML loader.

A tariff file (``data/tariffs/<name>.toml`` in the repository, packaged as ``mgwsim/data/tariffs``) has a ``[meta]`` table (name, kind,
carrier, year, ...), any number of grouping tables whose entries are parameters written as
``key = { value = ..., unit = "...", source = "...", year = ... }`` and an array
``[[excise_bands]]`` (``upto_kwh``, ``eur_per_kwh``, ``source``, ``year``). Every number
must carry a source and a year; the loader refuses a file where one is missing.
"""

from __future__ import annotations

import functools

import math
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from mgwsim._data import data_path
from mgwsim.errors import DataError, InputError, check_choice, check_number

KINDS = ("low_voltage", "medium_voltage", "gas", "heat")

_NONNEG = (0.0, None)
_ANY = (None, None)
_FRAC = (0.0, 1.0)

_SUPPLY = {
    "energy_eur_per_kwh": _NONNEG,
    "dynamic_multiplier": _NONNEG,
    "dynamic_markup_eur_per_kwh": _ANY,
    "supplier_fixed_eur_per_year": _NONNEG,
}
_LEVIES = {
    "energy_contribution_eur_per_kwh": _NONNEG,
    "green_certificates_eur_per_kwh": _NONNEG,
    "chp_certificates_eur_per_kwh": _NONNEG,
    "vat_frac": _FRAC,
}
_INJECTION = {
    "injection_fixed_eur_per_kwh": _NONNEG,
    "injection_multiplier": _NONNEG,
    "injection_markup_eur_per_kwh": _ANY,
    "injection_fee_eur_per_kwh": _NONNEG,
}
_CABIN = {
    "cabin_investment_eur": _NONNEG,
    "cabin_lifetime_years": (1.0, 100.0),
    "cabin_maintenance_eur_per_year": _NONNEG,
    "cabin_inspection_eur_per_year": _NONNEG,
    "connection_fixed_eur": _NONNEG,
    "connection_metering_eur": _NONNEG,
    "connection_eur_per_kva": _NONNEG,
    "connection_min_kva": _NONNEG,
}

NUMERIC_SCHEMA: dict[str, dict[str, tuple]] = {
    "low_voltage": {
        **_SUPPLY, **_LEVIES, **_INJECTION,
        "distribution_eur_per_kwh": _NONNEG,
        "capacity_eur_per_kw_year": _NONNEG,
        "capacity_min_kw": _NONNEG,
        "data_management_eur_per_year": _NONNEG,
    },
    "medium_voltage": {
        **_SUPPLY, **_LEVIES, **_INJECTION, **_CABIN,
        "access_power_eur_per_kva_year": _NONNEG,
        "peak_eur_per_kw_year": _NONNEG,
        "distribution_eur_per_kwh": _NONNEG,
        "data_management_eur_per_year": _NONNEG,
    },
    "gas": {
        "energy_eur_per_kwh": _NONNEG,
        "supplier_fixed_eur_per_year": _NONNEG,
        "distribution_eur_per_kwh": _NONNEG,
        "distribution_fixed_eur_per_year": _NONNEG,
        "transport_eur_per_kwh": _NONNEG,
        "data_management_eur_per_year": _NONNEG,
        "energy_contribution_eur_per_kwh": _NONNEG,
        "vat_frac": _FRAC,
    },
    "heat": {  # a heat network's tariff: a price per kWh of metered heat and fixed terms (vastrecht, meter)
        "energy_eur_per_kwh": _NONNEG,
        "fixed_eur_per_year": _NONNEG,
        "metering_eur_per_year": _NONNEG,
        "vat_frac": _FRAC,
    },
}
"""Required numeric parameters per tariff kind with their allowed (low, high); None = open."""

CHOICE_SCHEMA: dict[str, dict[str, tuple[str, ...]]] = {
    "low_voltage": {"supply_kind": ("fixed", "dynamic"), "injection_kind": ("fixed", "formula")},
    "medium_voltage": {"supply_kind": ("fixed", "dynamic"), "injection_kind": ("fixed", "formula")},
    "gas": {"supply_kind": ("fixed",)},
    "heat": {"supply_kind": ("fixed",)},
}
"""Required text parameters per tariff kind with their allowed values."""

_META_KEYS = ("name", "kind", "carrier", "year")
_CARRIER = {"low_voltage": "electricity", "medium_voltage": "electricity", "gas": "gas", "heat": "district_heat"}


@dataclass(frozen=True)
class Tariff:
    """One validated tariff: parameters, excise bands and the source of every number.

    Build it with :func:`load_tariff` or :func:`read_tariff`; change it with
    :meth:`with_overrides`. All prices exclude VAT; ``vat_frac`` is applied on the bill.

    Attributes
    ----------
    name, kind, carrier : str
        Tariff name, kind (``low_voltage``, ``medium_voltage``, ``gas``, ``heat``), carrier
        (``electricity``, ``gas``, ``district_heat``).
    year : int
        Tariff year.
    params : Mapping[str, float | str]
        Parameter values (units in the names, e.g. ``_eur_per_kwh``).
    excise_bands : tuple of (upto_kwh, eur_per_kwh)
        Progressive bands on the annual offtake [kWh], [EUR/kWh]; last edge is ``inf``.
    sources : Mapping[str, str]
        ``"<source> (<year>)"`` per parameter; overridden values say ``"user override"``.
    meta : Mapping[str, object]
        The ``[meta]`` table (customer class, network, energy basis, ...).
    """

    name: str
    kind: str
    carrier: str
    year: int
    params: MappingProxyType
    excise_bands: tuple
    sources: MappingProxyType
    meta: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    def __getitem__(self, key: str):
        try:
            return self.params[key]
        except KeyError:
            raise InputError(f"Tariff {self.name!r} has no parameter {key!r}") from None

    def with_overrides(self, **overrides) -> Tariff:
        """A copy with some parameters replaced (validated like the file; see :func:`load_tariff`)."""
        if not overrides:
            return self
        params, sources = dict(self.params), dict(self.sources)
        bands = self.excise_bands
        for key, value in overrides.items():
            if key == "excise_bands":
                bands = _check_bands(value, f"Tariff({self.name}).excise_bands", InputError)
            else:
                params[key] = _check_override(self, key, value)
            sources[key] = "user override"
        return replace(self, params=MappingProxyType(params), sources=MappingProxyType(sources), excise_bands=bands)

    def marginal_price_eur_per_kwh(self) -> float:
        """Price of one more kWh on a fixed-price low-voltage contract, incl. VAT [EUR/kWh].

        Supply energy + distribution + energy contribution + certificate surcharges + the
        excise rate of the highest band, times (1 + VAT): the per-kWh lines of
        :func:`mgwsim.tariffs.annual_bill`; fixed, data-management and capacity charges do
        not change with one more kWh and are left out. Used to price heat the plant leaves
        unmet as if the occupants made it with electric heaters on their own meters.
        """
        if self.kind != "low_voltage" or self["supply_kind"] != "fixed":
            raise InputError(f"Tariff {self.name!r}.marginal_price_eur_per_kwh: needs a fixed-price low-voltage "
                             f"tariff, got kind {self.kind!r} with supply {self.params.get('supply_kind')!r}")
        per_kwh = (self["energy_eur_per_kwh"] + self["distribution_eur_per_kwh"]
                   + self["energy_contribution_eur_per_kwh"] + self["green_certificates_eur_per_kwh"]
                   + self["chp_certificates_eur_per_kwh"] + self.excise_bands[-1][1])
        return float(per_kwh * (1.0 + self["vat_frac"]))

    def to_frame(self) -> pd.DataFrame:
        """The parameters as a table (value, source) for reports."""
        rows = [(k, v, self.sources.get(k, "")) for k, v in self.params.items()]
        rows += [(f"excise_band_upto_{u:g}_kwh", r, self.sources.get("excise_bands", "")) for u, r in self.excise_bands]
        return pd.DataFrame(rows, columns=["parameter", "value", "source"]).set_index("parameter")


def tariff_dir() -> Path:
    """The folder of the tariff files shipped with mgwsim."""
    return data_path("tariffs")


def list_tariffs() -> list[str]:
    """Names of the shipped tariffs (file stems, e.g. ``lv_fluvius_antwerpen_2026``)."""
    return sorted(p.stem for p in tariff_dir().glob("*.toml"))


def load_tariff(name: str, year: int | None = None, **overrides) -> Tariff:
    """Load a shipped tariff by name and year, with optional validated overrides.

    Parameters
    ----------
    name : str
        ``"lv_fluvius_antwerpen"`` with ``year=2026``, or the full stem
        ``"lv_fluvius_antwerpen_2026"`` (then ``year`` may be omitted or must match).
    year : int, optional
        Tariff year.
    **overrides
        Parameter values to replace, e.g. ``energy_eur_per_kwh=0.13``,
        ``supply_kind="dynamic"``, ``excise_bands=[(3000, 0.05), (inf, 0.05)]``.

    Raises
    ------
    InputError
        Unknown tariff, inconsistent year, unknown or out-of-range override.
    DataError
        The file misses a component, a source or has a value out of range.
    """
    return _shipped_tariff(_stem(name, year)).with_overrides(**overrides)


@functools.lru_cache(maxsize=None)
def _shipped_tariff(stem: str) -> Tariff:
    """A shipped tariff file, read and validated once per process (a Tariff is immutable)."""
    path = tariff_dir() / f"{stem}.toml"
    if not path.is_file():
        raise InputError(f"load_tariff: no tariff {stem!r}; available: {', '.join(list_tariffs())}")
    return read_tariff(path)


def read_tariff(path, **overrides) -> Tariff:
    """Read and validate a tariff TOML file (any path), then apply ``overrides``."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"tariff file {path}: cannot be read as TOML ({exc})") from None
    meta = _read_meta(raw, path)
    params, sources = _read_params(raw, path, meta["kind"])
    bands = _check_bands(raw.get("excise_bands"), f"{path.name}: excise_bands", DataError)
    sources["excise_bands"] = "; ".join(f"{b.get('source')} ({b.get('year')})" for b in raw["excise_bands"])
    tariff = Tariff(
        name=str(meta["name"]), kind=meta["kind"], carrier=meta["carrier"], year=int(meta["year"]),
        params=MappingProxyType(params), excise_bands=bands, sources=MappingProxyType(sources),
        meta=MappingProxyType(dict(meta)),
    )
    return tariff.with_overrides(**overrides)


def _stem(name: str, year: int | None) -> str:
    match = re.fullmatch(r"(.+)_(\d{4})", str(name))
    if match:
        if year is not None and int(year) != int(match.group(2)):
            raise InputError(f"load_tariff: name {name!r} says year {match.group(2)} but year={year!r}")
        return str(name)
    if year is None:
        raise InputError(f"load_tariff: tariff {name!r} needs a year (e.g. year=2026)")
    return f"{name}_{int(year)}"


def _read_meta(raw: dict, path: Path) -> dict:
    meta = raw.get("meta")
    if not isinstance(meta, dict):
        raise DataError(f"tariff file {path}: missing table [meta]")
    for key in _META_KEYS:
        if key not in meta:
            raise DataError(f"tariff file {path}: missing key meta.{key}")
    if meta["kind"] not in KINDS:
        raise DataError(f"tariff file {path}: meta.kind = {meta['kind']!r} is not one of {KINDS}")
    if meta["carrier"] != _CARRIER[meta["kind"]]:
        raise DataError(f"tariff file {path}: meta.carrier = {meta['carrier']!r}, expected {_CARRIER[meta['kind']]!r}")
    return meta


def _collect_entries(raw: dict) -> dict[str, tuple[str, dict]]:
    """Flatten the grouping tables: parameter key -> (table name, entry)."""
    entries = {}
    for table, content in raw.items():
        if table in ("meta", "excise_bands") or not isinstance(content, dict):
            continue
        for key, entry in content.items():
            entries[key] = (table, entry)
    return entries


def _read_params(raw: dict, path: Path, kind: str) -> tuple[dict, dict]:
    entries = _collect_entries(raw)
    params, sources = {}, {}
    required = {**NUMERIC_SCHEMA[kind], **CHOICE_SCHEMA[kind]}
    for key in required:
        if key not in entries:
            raise DataError(f"tariff file {path}: missing component {key!r} (required for kind {kind!r})")
        table, entry = entries[key]
        where = f"tariff file {path}: {table}.{key}"
        params[key] = _read_entry(entry, where, key, kind)
        sources[key] = f"{entry['source']} ({entry['year']})"
    return params, sources


def _read_entry(entry, where: str, key: str, kind: str):
    if not isinstance(entry, dict) or "value" not in entry:
        raise DataError(f"{where}: expected {{ value = ..., source = ..., year = ... }}, got {entry!r}")
    for meta_key in ("source", "year"):
        if not entry.get(meta_key):
            raise DataError(f"{where}: missing {meta_key!r} (every number needs a source and a year)")
    try:
        return _check_value(kind, key, entry["value"], where)
    except InputError as exc:
        raise DataError(str(exc)) from None


def _check_value(kind: str, key: str, value, where: str):
    if key in CHOICE_SCHEMA[kind]:
        return check_choice(value, where, CHOICE_SCHEMA[kind][key])
    if isinstance(value, bool):
        raise InputError(f"{where} must be a number, got {value!r}")
    low, high = NUMERIC_SCHEMA[kind][key]
    return check_number(value, where, low=low, high=high)


def _check_override(tariff: Tariff, key: str, value):
    allowed = {**NUMERIC_SCHEMA[tariff.kind], **CHOICE_SCHEMA[tariff.kind]}
    if key not in allowed:
        raise InputError(
            f"Tariff({tariff.name}): unknown override {key!r}; allowed: {', '.join(sorted(allowed))}, excise_bands"
        )
    return _check_value(tariff.kind, key, value, f"Tariff({tariff.name}).{key}")


def _check_bands(bands, where: str, error: type) -> tuple:
    """Validate excise bands: increasing upper edges, the last one ``inf``, rates >= 0."""
    if not bands:
        raise error(f"{where}: missing (at least one band with upto_kwh = inf is required)")
    out, previous = [], 0.0
    for i, band in enumerate(bands):
        upto, rate = (band["upto_kwh"], band["eur_per_kwh"]) if isinstance(band, dict) else band
        if isinstance(band, dict) and (not band.get("source") or not band.get("year")):
            raise error(f"{where}[{i}]: missing source or year")
        try:
            rate = check_number(rate, f"{where}[{i}].eur_per_kwh", low=0.0)
        except InputError as exc:
            raise error(str(exc)) from None
        upto = float(upto)
        if not upto > previous:
            raise error(f"{where}[{i}].upto_kwh = {upto!r} must exceed the previous edge {previous!r}")
        out.append((upto, rate))
        previous = upto
    if not math.isinf(out[-1][0]):
        raise error(f"{where}: the last band must have upto_kwh = inf, got {out[-1][0]!r}")
    return tuple(out)
