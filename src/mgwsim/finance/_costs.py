"""Investments and the cost table: CAPEX, replacements, maintenance and residual value."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

from mgwsim._data import data_path
from mgwsim.errors import DataError, InputError, check_choice, check_number

COST_COLUMNS = (
    "item", "category", "size_unit", "ref_size", "eur_per_unit_at_ref", "scale_exponent",
    "size_min", "size_max", "lifetime_years", "maintenance_frac_per_year", "source", "year",
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
        Investment at year 0, excl. VAT [EUR].
    lifetime_years : int
        Technical lifetime [years]; the item is replaced at t = L, 2L, ... < horizon.
    maintenance_frac : float
        Yearly maintenance as a fraction of ``capex_eur`` [1/year].
    fixed_om_eur_per_year : float
        Other yearly costs, excl. VAT [EUR/year] (e.g. the MV cabin inspection).
    source : str
        Where the cost comes from.
    vat_class : {"renovation", "fossil_heating", "standard"}
        VAT treatment (:data:`VAT_CLASSES`).
    """

    name: str
    capex_eur: float
    lifetime_years: int
    maintenance_frac: float = 0.0
    fixed_om_eur_per_year: float = 0.0
    source: str = "user input"
    vat_class: str = "renovation"

    def __post_init__(self):
        owner = f"Investment({self.name})"
        check_number(self.capex_eur, "capex_eur", owner=owner, low=0.0, unit="EUR")
        life = check_number(self.lifetime_years, "lifetime_years", owner=owner, low=1, high=100, unit="years")
        if life != int(life):
            raise InputError(f"{owner}.lifetime_years = {self.lifetime_years!r} must be a whole number of years")
        check_number(self.maintenance_frac, "maintenance_frac", owner=owner, low=0.0, high=0.2, unit="1/year")
        check_number(self.fixed_om_eur_per_year, "fixed_om_eur_per_year", owner=owner, low=0.0, unit="EUR/year")
        check_choice(self.vat_class, "vat_class", VAT_CLASSES, owner=owner)


def investment_schedule(items, horizon_years: int, *, capex_escalation_frac: float = 0.0) -> dict[str, np.ndarray]:
    """Yearly investment flows (costs positive) of a set of items, excl. VAT, years 0..N.

    Each item is bought at t = 0 and replaced at t = k L while k L < N (a replacement
    falling exactly at N is not bought). Replacement prices grow with
    ``(1 + capex_escalation_frac)^t``. Residual value at N is linear over the last
    unit's life: ``price_last * (t_last + L - N) / L`` (straight-line depreciation).
    Maintenance (``maintenance_frac`` x price of the unit in service) and fixed O&M are
    paid in years 1..N.

    Returns
    -------
    dict with arrays of length N+1 [EUR]: ``capex`` (t = 0), ``replacement``,
    ``residual`` (value at N, positive), ``om``.
    """
    horizon = _check_horizon(horizon_years)
    esc = check_number(capex_escalation_frac, "capex_escalation_frac", owner="finance", low=-0.5, high=0.5)
    growth = (1.0 + esc) ** np.arange(horizon + 1)
    out = {key: np.zeros(horizon + 1) for key in ("capex", "replacement", "residual", "om")}
    for item in items:
        _add_item(out, item, horizon, growth)
    return out


def _add_item(out: dict, item: Investment, horizon: int, growth: np.ndarray) -> None:
    life = int(item.lifetime_years)
    out["capex"][0] += item.capex_eur
    installs = np.arange(0, horizon, life)
    out["replacement"][installs[1:]] += item.capex_eur * growth[installs[1:]]
    in_service = installs[np.searchsorted(installs, np.arange(1, horizon + 1), side="right") - 1]
    out["om"][1:] += item.maintenance_frac * item.capex_eur * growth[in_service] + item.fixed_om_eur_per_year
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
        """Investment excl. VAT [EUR] of ``item`` at ``size`` (economies of scale by power law)."""
        row = self._row(item)
        size = check_number(size, "size", owner=f"CostTable[{item}]", low=row.size_min, high=row.size_max, unit=row.size_unit)
        return float(row.eur_per_unit_at_ref * row.ref_size * (size / row.ref_size) ** row.scale_exponent)

    def investment(self, item: str, size: float, name: str | None = None) -> Investment:
        """An :class:`Investment` for ``item`` at ``size`` with the row's lifetime and maintenance."""
        row = self._row(item)
        return Investment(
            name=name or f"{item} {size:g} {row.size_unit}", capex_eur=self.cost_eur(item, size),
            lifetime_years=int(row.lifetime_years), maintenance_frac=float(row.maintenance_frac_per_year),
            source=f"{row.source} ({int(row.year)})",
        )

    def investments(self, item: str, size: float, name: str | None = None) -> tuple[Investment, ...]:
        """``item`` at ``size`` as installed: one :class:`Investment` up to the row's ``size_max``, beyond
        it n = ceil(size / size_max) equal units side by side, each priced at size / n (several
        boilers in cascade, tanks, hydraulic groups or feeders: the practice for plants larger
        than the largest unit the table prices). A size below ``size_min`` is an error.
        """
        row = self._row(item)
        check_number(size, "size", owner=f"CostTable[{item}]", low=row.size_min, unit=row.size_unit)
        n = math.ceil(size / row.size_max)
        if n <= 1:
            return (self.investment(item, size, name),)
        label, unit = name or item, size / n
        return tuple(self.investment(item, unit, name=f"{label}: unit {i + 1} of {n} ({unit:.0f} {row.size_unit})")
                     for i in range(n))

    def with_overrides(self, item: str, **fields) -> CostTable:
        """A copy with fields of one row replaced (validated), e.g. ``eur_per_unit_at_ref=1400``."""
        self._row(item)
        table = self.table.copy()
        for key, value in fields.items():
            if key not in _NUMERIC_BOUNDS:
                raise InputError(f"CostTable[{item}]: unknown field {key!r}; allowed: {', '.join(_NUMERIC_BOUNDS)}")
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
    if not float(row["size_min"]) <= float(row["size_max"]):
        raise DataError(f"{where}: size_min > size_max")


def cabin_investments(tariff, access_power_kva: float) -> list[Investment]:
    """The private MV cabin and connection as investments, from an MV tariff's ``[cabin]`` data.

    Cabin: ``cabin_investment_eur`` with its lifetime, yearly maintenance and inspection as
    fixed O&M. Connection (one-off, DSO): ``connection_fixed_eur + connection_metering_eur
    + connection_eur_per_kva x max(access_power_kva, connection_min_kva)``, with the
    cabin's lifetime (it is not replaced; the residual value is linear like the cabin's).
    """
    if getattr(tariff, "kind", None) != "medium_voltage":
        raise InputError(f"cabin_investments.tariff must be a medium-voltage Tariff, got {getattr(tariff, 'name', tariff)!r}")
    kva = check_number(access_power_kva, "access_power_kva", owner="cabin_investments", low=0.0, unit="kVA")
    life = int(round(tariff["cabin_lifetime_years"]))
    connection = (tariff["connection_fixed_eur"] + tariff["connection_metering_eur"]
                  + tariff["connection_eur_per_kva"] * max(kva, tariff["connection_min_kva"]))
    om = tariff["cabin_maintenance_eur_per_year"] + tariff["cabin_inspection_eur_per_year"]
    return [
        Investment("mv_cabin", tariff["cabin_investment_eur"], life, 0.0, om, tariff.sources["cabin_investment_eur"]),
        Investment("mv_connection", connection, life, 0.0, 0.0, tariff.sources["connection_fixed_eur"]),
    ]
