"""Investments and the cost table: CAPEX, replacements, maintenance and residual value."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

from mgwsim._data import data_path
from mgwsim.electric import fits_kva, whole_kva
from mgwsim.errors import DataError, InputError, check_choice, check_number

COST_COLUMNS = (
    "item", "category", "size_unit", "ref_size", "eur_per_unit_at_ref", "scale_exponent",
    "size_min", "size_max", "lifetime_years", "maintenance_frac_per_year", "vat_class", "source", "year",
)
VAT_CLASSES = ("renovation", "fossil_heating", "standard")
"""VAT treatment of an investment (Belgian VAT Code, KB nr. 20, table A): ``renovation`` = works on a
dwelling older than 10 years (rubric XXXI, 6 %); ``fossil_heating`` = a central heating on fossil fuel
and its intrinsic parts, excluded from rubric XXXI since the Programme Law of 18 July 2025 (BS
29.07.2025; circular 2025/C/47), also as the boiler of a hybrid; ``standard`` = anything else (21 %)."""
_NUMERIC_BOUNDS = {
    "ref_size": (0.0, None), "eur_per_unit_at_ref": (0.0, None), "scale_exponent": (0.3, 1.2),
    "size_min": (0.0, None), "size_max": (0.0, None), "lifetime_years": (1.0, 100.0),
    "maintenance_frac_per_year": (0.0, 0.2), "year": (1990.0, 2100.0),
}


@dataclass(frozen=True)
class Investment:
    """One investment item (excl. VAT).

    Parameters
    ----------
    name : str
        Item name ("heat_pump_air_water 60 kW").
    capex_eur : float
        Price of one purchase in EUR of year 0, excl. VAT [EUR].
    lifetime_years : int
        Technical lifetime L [years]; the item is replaced at t = f + L, f + 2L, ... < horizon.
    maintenance_frac : float
        Yearly maintenance as a fraction of ``capex_eur`` [1/year].
    fixed_om_eur_per_year : float
        Other yearly costs, excl. VAT [EUR/year] (e.g. the MV cabin inspection).
    source : str
        Where the cost comes from.
    vat_class : {"renovation", "fossil_heating", "standard"}
        VAT treatment (:data:`VAT_CLASSES`).
    first_year : int
        Year f of the first purchase [years, 0..100]: 0 = now; later for an item bought when
        something existing is due (the replacement of an existing boiler).
    one_off : bool
        A cost rather than an asset (a fee, a removal): paid once at ``first_year``, never
        replaced, no maintenance, no residual value (``lifetime_years`` is then unused).
    size : float, optional
        The size the item was priced at, in ``size_unit`` (set by :meth:`CostTable.investment`: kW,
        l, kWp, m², ...); ``None`` for a lump sum (a fee, a user's item). For the report's cost
        breakdown: the unit price is ``capex_eur / size``.
    size_unit : str
        Unit of ``size`` ("" for a lump sum).
    """

    name: str
    capex_eur: float
    lifetime_years: int
    maintenance_frac: float = 0.0
    fixed_om_eur_per_year: float = 0.0
    source: str = "user input"
    vat_class: str = "renovation"
    first_year: int = 0
    one_off: bool = False
    size: float | None = None
    size_unit: str = ""

    def __post_init__(self):
        owner = f"Investment({self.name})"
        check_number(self.capex_eur, "capex_eur", owner=owner, low=0.0, unit="EUR")
        life = check_number(self.lifetime_years, "lifetime_years", owner=owner, low=1, high=100, unit="years")
        if life != int(life):
            raise InputError(f"{owner}.lifetime_years = {self.lifetime_years!r} must be a whole number of years")
        check_number(self.maintenance_frac, "maintenance_frac", owner=owner, low=0.0, high=0.2, unit="1/year")
        check_number(self.fixed_om_eur_per_year, "fixed_om_eur_per_year", owner=owner, low=0.0, unit="EUR/year")
        check_choice(self.vat_class, "vat_class", VAT_CLASSES, owner=owner)
        first = check_number(self.first_year, "first_year", owner=owner, low=0, high=100, unit="years")
        if first != int(first):
            raise InputError(f"{owner}.first_year = {self.first_year!r} must be a whole number of years")
        if not isinstance(self.one_off, bool):
            raise InputError(f"{owner}.one_off = {self.one_off!r} must be True or False")
        if self.size is not None:
            check_number(self.size, "size", owner=owner, low=0.0, low_inclusive=False, unit=self.size_unit)


def investment_schedule(items, horizon_years: int, *, capex_escalation_frac: float = 0.0) -> dict[str, np.ndarray]:
    """Yearly investment flows (costs positive) of a set of items, excl. VAT, years 0..N.

    Each item is bought at t = f (its ``first_year``, 0 by default) and replaced at
    t = f + k L while < N (a purchase falling at or after N is not made). A purchase at t
    costs ``capex_eur * (1 + capex_escalation_frac)^t``. Residual value at N is linear over
    the last unit's life: ``price_last * (t_last + L - N) / L`` (straight-line depreciation,
    the final value of EN 15459-1:2017). Maintenance (``maintenance_frac`` x
    price of the unit in service) and fixed O&M are paid in years f+1..N. A ``one_off`` item
    is paid once at f: no replacement, maintenance or residual value.

    Returns
    -------
    dict with arrays of length N+1 [EUR]: ``capex`` (first purchases, at t = f),
    ``replacement``, ``residual`` (value at N, positive), ``om``.
    """
    horizon = _check_horizon(horizon_years)
    esc = check_number(capex_escalation_frac, "capex_escalation_frac", owner="finance", low=-0.5, high=0.5)
    growth = (1.0 + esc) ** np.arange(horizon + 1)
    out = {key: np.zeros(horizon + 1) for key in ("capex", "replacement", "residual", "om")}
    for item in items:
        _add_item(out, item, horizon, growth)
    return out


def _add_item(out: dict, item: Investment, horizon: int, growth: np.ndarray) -> None:
    first = int(item.first_year)
    if first >= horizon:  # bought at or after N: outside the horizon
        return
    out["capex"][first] += item.capex_eur * growth[first]
    if item.one_off:
        return
    life = int(item.lifetime_years)
    installs = np.arange(first, horizon, life)
    out["replacement"][installs[1:]] += item.capex_eur * growth[installs[1:]]
    years = np.arange(first + 1, horizon + 1)
    in_service = installs[np.searchsorted(installs, years, side="right") - 1]
    out["om"][years] += item.maintenance_frac * item.capex_eur * growth[in_service] + item.fixed_om_eur_per_year
    last = installs[-1]
    out["residual"][horizon] += item.capex_eur * growth[last] * (last + life - horizon) / life


def _check_horizon(horizon_years) -> int:
    value = check_number(horizon_years, "horizon_years", owner="finance", low=1, high=100, unit="years")
    if value != int(value):
        raise InputError(f"finance.horizon_years = {horizon_years!r} must be a whole number of years")
    return int(value)


@dataclass(frozen=True)
class CostTable:
    """The cost table (one row per item; see ``data/costs/README.md``)."""

    table: pd.DataFrame

    def cost_eur(self, item: str, size: float) -> float:
        """Investment excl. VAT [EUR] of one ``item`` of ``size`` (economies of scale by power law).

        ``eur_per_unit_at_ref x ref_size x (s / ref_size)^scale_exponent`` with s = max(size,
        size_min): below the row's ``size_min`` the smallest lot the row prices is bought (a
        smaller job costs at least that). ``size`` must be > 0 and at most ``size_max``
        (:meth:`investments` splits larger sizes into units).
        """
        row = self._row(item)
        size = check_number(size, "size", owner=f"CostTable[{item}]", low=0.0, low_inclusive=False, high=row.size_max,
                            unit=row.size_unit)
        lot = max(size, row.size_min)
        return float(row.eur_per_unit_at_ref * row.ref_size * (lot / row.ref_size) ** row.scale_exponent)

    def investment(self, item: str, size: float, name: str | None = None, *, first_year: int = 0) -> Investment:
        """An :class:`Investment` for ``item`` at ``size`` with the row's lifetime, maintenance and VAT class.

        A size below the row's ``size_min`` is priced as that minimum lot, and the name says so.
        """
        row = self._row(item)
        capex = self.cost_eur(item, size)
        label = name or f"{item} {size:g} {row.size_unit}"
        if size < row.size_min:
            label += f" (priced as the minimum lot, {row.size_min:g} {row.size_unit})"
        return Investment(
            name=label, capex_eur=capex, lifetime_years=self.lifetime_years(item),
            maintenance_frac=float(row.maintenance_frac_per_year), source=f"{row.source} ({int(row.year)})",
            vat_class=str(row.vat_class), first_year=first_year, size=float(size), size_unit=str(row.size_unit),
        )

    def investments(self, item: str, size: float, name: str | None = None, *,
                    first_year: int = 0) -> tuple[Investment, ...]:
        """``item`` at ``size`` as installed: one :class:`Investment` up to the row's ``size_max``, beyond
        it n = ceil(size / size_max) equal units side by side, each priced at size / n (several
        boilers in cascade, tanks, hydraulic groups or feeders: the practice for plants larger
        than the largest unit the table prices). A size below ``size_min`` is priced as the
        minimum lot (:meth:`investment`); a size that is not a positive finite number is an error.
        """
        row = self._row(item)
        check_number(size, "size", owner=f"CostTable[{item}]", low=0.0, low_inclusive=False, unit=row.size_unit)
        n = math.ceil(size / row.size_max)
        if n <= 1:
            return (self.investment(item, size, name, first_year=first_year),)
        label, unit = name or item, size / n
        return tuple(self.investment(item, unit, name=f"{label}: unit {i + 1} of {n} ({unit:.0f} {row.size_unit})",
                                     first_year=first_year) for i in range(n))

    def lifetime_years(self, item: str) -> int:
        """Technical lifetime [years] of ``item`` (the row's ``lifetime_years``)."""
        return int(self._row(item).lifetime_years)

    def with_overrides(self, item: str, **fields) -> CostTable:
        """A copy with fields of one row replaced (validated), e.g. ``eur_per_unit_at_ref=1400`` or
        ``vat_class="standard"``."""
        self._row(item)
        table = self.table.copy()
        for key, value in fields.items():
            if key == "vat_class":
                table.loc[item, key] = check_choice(value, key, VAT_CLASSES, owner=f"CostTable[{item}]")
                continue
            if key not in _NUMERIC_BOUNDS:
                raise InputError(f"CostTable[{item}]: unknown field {key!r}; allowed: "
                                 f"{', '.join((*_NUMERIC_BOUNDS, 'vat_class'))}")
            low, high = _NUMERIC_BOUNDS[key]
            table.loc[item, key] = check_number(value, key, owner=f"CostTable[{item}]", low=low, high=high)
        table.loc[item, "source"] = "user override"
        return replace(self, table=table)

    def _row(self, item: str):
        row = self._rows.get(item)
        if row is None:
            raise InputError(f"CostTable: unknown item {item!r}; available: {', '.join(self.table.index)}")
        return row

    @cached_property
    def _rows(self) -> dict:
        """Rows as plain records (a pandas row lookup per cost line is slow in batch runs)."""
        return {item: SimpleNamespace(**row) for item, row in zip(self.table.index, self.table.to_dict("records"),
                                                                   strict=True)}


def load_cost_table(path=None) -> CostTable:
    """Read and validate a cost table CSV (default: the shipped ``data/costs/cost_table.csv``)."""
    path = Path(path) if path is not None else data_path("costs", "cost_table.csv")
    try:
        table = pd.read_csv(path, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise DataError(f"cost table {path}: cannot be read ({exc})") from None
    missing = [c for c in COST_COLUMNS if c not in table.columns]
    if missing:
        raise DataError(f"cost table {path}: missing column(s) {missing}")
    for i, row in table.iterrows():
        _check_row(row, f"cost table {path}, row {i + 2} ({row['item']})")
    return CostTable(table.set_index("item"))


def _check_row(row, where: str) -> None:
    for key, (low, high) in _NUMERIC_BOUNDS.items():
        try:
            check_number(row[key], key, owner=where, low=low, high=high)
        except InputError as exc:
            raise DataError(str(exc)) from None
    if not str(row["source"]).strip():
        raise DataError(f"{where}: empty source")
    if row["vat_class"] not in VAT_CLASSES:
        raise DataError(f"{where}: vat_class = {row['vat_class']!r} is not one of {', '.join(map(repr, VAT_CLASSES))}")
    if not float(row["size_min"]) <= float(row["size_max"]):
        raise DataError(f"{where}: size_min > size_max")


def cabin_investments(tariff, access_power_kva: float) -> list[Investment]:
    """The private MV cabin and connection as investments, from an MV tariff's ``[cabin]`` data.

    Cabin: ``cabin_investment_eur`` with its lifetime, yearly maintenance and inspection as
    fixed O&M. Connection (one-off, DSO): ``connection_fixed_eur + connection_metering_eur
    + connection_eur_per_kva x max(access_power_kva, connection_min_kva)``, with the
    cabin's lifetime (it is not replaced; the residual value is linear like the cabin's).

    VAT: the connection is DSO connection work, which Fluvius invoices at the renovation rate
    on its VAT certificate for dwellings older than 10 years (``renovation``); for the cabin
    itself no source was found that it qualifies as renovation work on the dwellings, so it
    is ``standard`` (21 %).
    """
    if getattr(tariff, "kind", None) != "medium_voltage":
        raise InputError(f"cabin_investments.tariff must be a medium-voltage Tariff, got {getattr(tariff, 'name', tariff)!r}")
    kva = check_number(access_power_kva, "access_power_kva", owner="cabin_investments", low=0.0, unit="kVA")
    life = int(round(tariff["cabin_lifetime_years"]))
    connection = (tariff["connection_fixed_eur"] + tariff["connection_metering_eur"]
                  + tariff["connection_eur_per_kva"] * max(kva, tariff["connection_min_kva"]))
    om = tariff["cabin_maintenance_eur_per_year"] + tariff["cabin_inspection_eur_per_year"]
    return [
        Investment("medium-voltage cabin", tariff["cabin_investment_eur"], life, 0.0, om,
                   tariff.sources["cabin_investment_eur"], vat_class="standard"),
        Investment("medium-voltage connection", connection, life, 0.0, 0.0, tariff.sources["connection_fixed_eur"],
                   vat_class="renovation"),
    ]


# ------------------------------------------------------------------ works at the grid connections
CONNECTION_WORKS_KEYS = {
    "lv_orienting_study_upto_100kva_eur": "EUR", "lv_detailed_study_upto_100kva_eur": "EUR",
    "lv_orienting_study_above_100kva_eur": "EUR", "lv_detailed_study_above_100kva_eur": "EUR",
    "lv_capacity_eur_per_kva": "EUR/kVA", "lv_works_eur": "EUR", "lv_max_kva": "kVA",
    "connection_lifetime_years": "years", "gas_closure_eur": "EUR", "boiler_removal_fixed_eur": "EUR",
    "boiler_removal_eur_per_kw": "EUR/kW",
}
"""The rows of ``data/costs/connection_works.csv`` and their units."""
CONNECTION_UPGRADE_PREFIX = "grid connection upgrade"
"""How the names of a low-voltage connection upgrade's items begin (:func:`connection_upgrade_investments`)."""
STUDY_FEE_STEP_KVA = 100.0
"""Connection power [kVA] above which the DSO's orienting and detailed studies cost more (Fluvius
Antwerpen tariff list for 2019: "<= 100 kVA" and "> 100 kVA" columns of the low-voltage tariff)."""


@dataclass(frozen=True)
class ConnectionCosts:
    """One-off works at the grid connections (``data/costs/connection_works.csv``, see its README).

    Low-voltage connection upgrade (the DSO's studies, a fee per added kVA and the works), the
    largest low-voltage connection, the closure of the collective gas connection and the
    removal of the old boiler. Each row has a value, unit, VAT class, source and year.
    """

    table: pd.DataFrame

    def __getitem__(self, key: str) -> float:
        return float(self._row(key)["value"])

    def source(self, key: str) -> str:
        row = self._row(key)
        return f"{row['source']} ({int(row['year'])})"

    def vat_class(self, key: str) -> str:
        return str(self._row(key)["vat_class"])

    def with_overrides(self, **values) -> ConnectionCosts:
        """A copy with values replaced (validated, >= 0; source "user override"), e.g. ``lv_works_eur=12000``."""
        table = self.table.copy()
        for key, value in values.items():
            self._row(key)
            table.loc[key, "value"] = check_number(value, key, owner="ConnectionCosts", low=0.0,
                                                   unit=CONNECTION_WORKS_KEYS[key])
            table.loc[key, "source"] = "user override"
        return replace(self, table=table)

    def _row(self, key: str) -> dict:
        row = self._rows.get(key)
        if row is None:
            raise InputError(f"ConnectionCosts: unknown item {key!r}; available: {', '.join(self.table.index)}")
        return row

    @cached_property
    def _closures(self) -> dict:
        """:func:`gas_closure_investments` per boiler size [kW], kept (a building's variants repeat its size)."""
        return {}

    @cached_property
    def _rows(self) -> dict:
        """Rows as plain records (a pandas row lookup per item is slow in batch runs)."""
        return dict(zip(self.table.index, self.table.to_dict("records"), strict=True))


@lru_cache(maxsize=4)
def _read_connection_works(path: str) -> pd.DataFrame:
    try:
        table = pd.read_csv(path, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise DataError(f"connection works {path}: cannot be read ({exc})") from None
    missing = [c for c in ("item", "value", "unit", "vat_class", "source", "year") if c not in table.columns]
    if missing:
        raise DataError(f"connection works {path}: missing column(s) {missing}")
    table = table.set_index("item")
    absent = [key for key in CONNECTION_WORKS_KEYS if key not in table.index]
    if absent:
        raise DataError(f"connection works {path}: missing row(s) {absent}")
    for key, unit in CONNECTION_WORKS_KEYS.items():
        _check_works_row(table.loc[key], key, unit, f"connection works {path}, {key}")
    return table


def _check_works_row(row, key: str, unit: str, where: str) -> None:
    try:
        check_number(row["value"], "value", owner=where, low=0.0)
        check_number(row["year"], "year", owner=where, low=1990, high=2100)
    except InputError as exc:
        raise DataError(str(exc)) from None
    if row["unit"] != unit:
        raise DataError(f"{where}: unit = {row['unit']!r}, expected {unit!r}")
    if not str(row["source"]).strip():
        raise DataError(f"{where}: empty source")
    money = unit.startswith("EUR")
    if money and row["vat_class"] not in VAT_CLASSES:
        raise DataError(f"{where}: vat_class = {row['vat_class']!r} is not one of {', '.join(map(repr, VAT_CLASSES))}")
    if not money and row["vat_class"]:
        raise DataError(f"{where}: vat_class must be empty for a row in {unit}")


def load_connection_costs(path=None) -> ConnectionCosts:
    """Read and validate the connection works (default: the shipped ``data/costs/connection_works.csv``)."""
    path = Path(path) if path is not None else data_path("costs", "connection_works.csv")
    return ConnectionCosts(_read_connection_works(str(path)).copy())


def connection_upgrade_investments(costs: ConnectionCosts, existing_kva: float, needed_kva: float) -> list[Investment]:
    """The low-voltage connection upgrade from ``existing_kva`` to ``needed_kva`` [kVA], at the DSO's prices.

    Nothing when the need fits. Otherwise the DSO's orienting and detailed studies (one-off;
    the "> 100 kVA" fees when ``needed_kva`` > :data:`STUDY_FEE_STEP_KVA`) and the upgrade
    itself to the whole kVA that carries the need (:func:`mgwsim.electric.whole_kva`: 127.3 kVA orders 128 kVA),
    ``lv_works_eur + lv_capacity_eur_per_kva x (that kVA - existing)``, an asset of
    ``connection_lifetime_years`` (linear residual value, as the MV connection). Above
    ``lv_max_kva`` a low-voltage connection cannot carry the need: one item of 0 EUR says
    that the variant needs a medium-voltage connection (study it with ``connection="mv"``).
    """
    owner = "connection_upgrade_investments"
    existing = check_number(existing_kva, "existing_kva", owner=owner, low=0.0, low_inclusive=False, unit="kVA")
    needed = check_number(needed_kva, "needed_kva", owner=owner, low=0.0, unit="kVA")
    if fits_kva(needed, existing):
        return []
    ordered = whole_kva(needed)
    life = int(round(costs["connection_lifetime_years"]))
    lv_max = costs["lv_max_kva"]
    if needed > lv_max:
        name = (f"grid connection: {ordered} kVA needed, above the {lv_max:.0f} kVA a low-voltage connection "
                "gives: this variant needs a medium-voltage connection with its own cabin (not priced on low "
                "voltage; study it with connection='mv')")
        return [Investment(name, 0.0, life, source=costs.source("lv_max_kva"), one_off=True)]
    tier = "upto_100kva" if needed <= STUDY_FEE_STEP_KVA else "above_100kva"
    studies = [f"lv_orienting_study_{tier}_eur", f"lv_detailed_study_{tier}_eur"]
    upgrade = costs["lv_works_eur"] + costs["lv_capacity_eur_per_kva"] * (ordered - existing)
    return [
        Investment(f"{CONNECTION_UPGRADE_PREFIX}: DSO studies ({ordered} kVA)", sum(costs[key] for key in studies),
                   life, source="; ".join(costs.source(key) for key in studies), vat_class=costs.vat_class(studies[0]),
                   one_off=True),
        Investment(f"{CONNECTION_UPGRADE_PREFIX} {_kva_text(existing)} -> {ordered} kVA", upgrade, life,
                   source=f"{costs.source('lv_works_eur')}; {costs.source('lv_capacity_eur_per_kva')}",
                   vat_class=costs.vat_class("lv_works_eur")),
    ]


def _kva_text(kva: float) -> str:
    """A connection's rating [kVA] as the cost item names it: whole kVA as an integer, else one decimal (43.6)."""
    return f"{kva:.0f}" if float(kva).is_integer() else f"{kva:.1f}"


_CLOSURES_KEPT = 64
"""Boiler sizes whose closure items a :class:`ConnectionCosts` keeps (:func:`gas_closure_investments`)."""


def gas_closure_investments(costs: ConnectionCosts, boiler_kw: float) -> list[Investment]:
    """Closing the collective gas connection and removing the old boiler of ``boiler_kw`` [kW] (one-off costs).

    The DSO's fee ``gas_closure_eur`` and the removal ``boiler_removal_fixed_eur +
    boiler_removal_eur_per_kw x boiler_kw`` (dismantling, flue liner, disposal).
    """
    kw = check_number(boiler_kw, "boiler_kw", owner="gas_closure_investments", low=0.0, unit="kW")
    kept = costs._closures
    items = kept.get(kw)
    if items is None:
        if len(kept) >= _CLOSURES_KEPT:
            kept.clear()
        removal = costs["boiler_removal_fixed_eur"] + costs["boiler_removal_eur_per_kw"] * kw
        items = kept[kw] = (
            Investment("closure of the collective gas connection (DSO)", costs["gas_closure_eur"], 1,
                       source=costs.source("gas_closure_eur"), vat_class=costs.vat_class("gas_closure_eur"),
                       one_off=True),
            Investment(f"removal of the old gas boiler and flue ({kw:.0f} kW)", removal, 1,
                       source=costs.source("boiler_removal_fixed_eur"),
                       vat_class=costs.vat_class("boiler_removal_fixed_eur"), one_off=True),
        )
    return list(items)
