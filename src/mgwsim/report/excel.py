"""The Excel workbook an engineer can check and continue in (openpyxl).

Sheets (:data:`SHEETS`):

* ``decision``: the decision rules (criterion, comfort tolerances, horizon) and, per variant,
  what the qualification reads (unmet hours, hot-water shortfall, connection, lock-in at the
  end of the renovation path, eligibility) with ``qualifies`` as an Excel formula, then the
  NPV, the NPV before grants, the unprofitable gap before and after grants, the works grant and
  the share of the gap it covers, the CO2 avoided over the horizon, the gap per tonne, the IRR,
  the LCOH of both options, the criterion value and the rank, all as formulas on ``cash_flows``;
* ``cash_flows``: the finance inputs (discount rate, horizon, escalations, study cost) as input
  cells, one row per year with the discount factor ``=(1+rate)^-year`` and each carrier's price
  growth ``(1+e)^(year-1)``, and per variant every cash-flow line of both options: investment,
  replacement, O&M and residual value as formulas over the option's rows of ``items``, energy as the bill of
  ``energy_bills`` times its growth, the study cost from its input cell, the grants as paid
  (formulas on ``grants``: advance in year 0, balance in its year); then each option's total
  cost, the incremental flow and the flow before grants as formulas, and the CO2 and heat
  delivered of both options per year (numbers, from the simulation);
* ``grants``: per variant, every grant rule of the study's call: its eligibility as an input cell
  (TRUE/FALSE, as mgwsim judged it) with the rule's conditions and each one's verdict beside it,
  the base (the variant's year-0 investment incl. VAT from ``items``, less earlier works grants,
  or the study cost), share, cap, per-dwelling cap, advance and balance year as input cells, and
  the grant ``=IF(eligible, MIN(share x base, cap, per-dwelling cap x dwellings), 0)`` as a
  formula, which the cash flows read;
* ``items``: every investment item of both options of each variant (one-off or asset, year bought,
  price excl. VAT, the VAT rate of that variant's business case, price incl. VAT as a formula,
  lifetime, maintenance, fixed O&M), which the cash-flow formulas read as
  :func:`mgwsim.finance.investment_schedule` does (:func:`item_line_formula`);
* ``energy_bills``: each option's bill per carrier at year-1 prices [EUR/year] per year (numbers
  from the simulation; along a renovation path the building's state of that year);
* ``inputs`` (numbers as numbers, with unit and source), ``investments`` (every item of the
  reference and of each variant: year bought, one-off or asset, price excl. VAT, VAT class and
  rate, incl. VAT, lifetime, maintenance, source), ``kpis`` (the comparison table),
  ``hourly`` (optional; every option, the reference first, one row per variant and hour),
  ``checks`` (today's verdicts and those at the end of the renovation path), ``per_apartment``,
  ``subsidies`` (per rule and condition), ``vat``, ``sensitivity``, ``sources``.

Every number carries a number format by its unit (money to the cent, shares as %, energy,
temperatures, tonnes, dates and times); text is always written as text: a variant name such as
``=HYPERLINK(...)`` is never a live formula (and text starting with ``=``, ``+``, ``-`` or ``@``
gets Excel's quote prefix, so that editing the cell keeps it text); only the formulas built here
are (:class:`Formula`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from mgwsim._format import in_language
from mgwsim.finance._case import PRICED_AS, yearly
from mgwsim.report import sources as src
from mgwsim.report.analysis import investments_frame, local_index
from mgwsim.report.summary import path_end
from mgwsim.report.text import check_sentence
from mgwsim.simyear import LOCAL_TIMEZONE
from mgwsim.study.study import business_case_sides

SHEETS = ("decision", "cash_flows", "grants", "items", "energy_bills", "inputs", "investments", "kpis", "hourly", "checks",
          "connection", "per_apartment", "subsidies", "vat", "sensitivity", "sources")
"""Sheet names, in workbook order (``hourly`` only when asked for, ``connection`` and ``sensitivity`` when given)."""

MAX_COLUMN_WIDTH = 60
DECISION_HEADER_ROW = 12
"""Row of the ``decision`` table's header; the first variant is on the next row."""

# number formats (Excel codes; Excel shows them with the reader's own decimal and thousands separators)
MONEY = "#,##0.00"
PRICE = "#,##0.0000"
PERCENT = "0.00%"
ENERGY = "#,##0.0"
HOURLY_ENERGY = "#,##0.000"
TEMPERATURE = "0.0"
TONNES = "#,##0.000"
FACTOR = "0.000000"
YEARS = "0.0"
INTEGER = "0"
DATETIME = "yyyy-mm-dd hh:mm"

AREA = "#,##0.0"

NUMBER_FORMATS = (
    (r"eur_per_kwh|eur/kwh|excise_band", PRICE),
    (r"eur", MONEY),
    (r"_frac|share|rate$|^vat|escalation|1/year", PERCENT),
    (r"degc", TEMPERATURE),
    (r"kwh|mwh|kw\b|kw$|_kw_|kwp|kva|kvar", ENERGY),
    (r"m2", AREA),
    (r"co2_t|_t$|^t$", TONNES),
    (r"factor|growth", FACTOR),
    (r"year_bought|lifetime|horizon|^year$|hours$|^n_|count", INTEGER),
    (r"years", YEARS),
)
"""Number format of a column or input by its name or unit (first match, case-insensitive): money to
the cent, prices per kWh to 1/100 cent, shares and rates in %, energy and power to 0.1, tonnes to
the kg, discount and growth factors to 1e-6, years and hours, areas to 0.1 m2. The excise bands are
prices per kWh, named after the band's upper end."""

TEXT_PREFIXES = ("=", "+", "-", "@")
"""Text a spreadsheet could read as a formula; written as text with the quote prefix."""


class Formula(str):
    """An Excel formula written by this module (every other string is written as text)."""


@dataclass(frozen=True)
class Styled:
    """A cell value with its own number format (an input row whose unit differs from its column's)."""

    value: object
    number_format: str | None


def number_format(label: str) -> str | None:
    """The number format of a column or input named ``label`` (:data:`NUMBER_FORMATS`), None if unknown."""
    text = str(label).lower()
    for pattern, code in NUMBER_FORMATS:
        if re.search(pattern, text):
            return code
    return None


def _plain(value):
    """A cell value Excel can hold (numbers, booleans, text and naive datetimes; NaN as an empty cell;
    anything else as text)."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if np.isnan(value) else float(value)
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.tz_localize(None).to_pydatetime()
    if isinstance(value, (str, datetime)):
        return value
    if isinstance(value, (tuple, list)):
        return "; ".join(str(v) for v in value)
    return str(value)


# --------------------------------------------------------------------------- finance inputs
def escalation_keys(result) -> list[str]:
    """The price escalations the cash flows use: one per carrier priced as itself (:data:`PRICED_AS`), and O&M."""
    carriers = {c[len("variant_energy_"):-len("_eur")] for case in result.cases for c in case.cash_flows
                if c.startswith("variant_energy_")}
    return sorted({PRICED_AS.get(c, c) for c in carriers}) + ["om"]


@dataclass(frozen=True)
class FinanceCells:
    """Where the finance inputs are on the ``cash_flows`` sheet (absolute references)."""

    rate: str
    horizon: str
    capex_escalation: str
    study_cost: str
    escalation: dict[str, str]
    header_row: int

    @property
    def first_year_row(self) -> int:
        return self.header_row + 1

    def year_row(self, year: int) -> int:
        return self.header_row + 1 + year

    def years(self, column: str, horizon: int) -> str:
        """``column``'s cells of years 0..N on ``cash_flows``, for another sheet."""
        return f"cash_flows!${column}${self.year_row(0)}:${column}${self.year_row(horizon)}"


def finance_rows(result) -> tuple[list[list], FinanceCells]:
    """The finance input rows at the top of ``cash_flows`` (parameter, value, unit) and where they are."""
    finance = result.inputs.finance
    keys = escalation_keys(result)
    rows = [["discount_rate_frac", Styled(finance.discount_rate_frac, PERCENT), "1/year"],
            ["horizon_years", Styled(finance.horizon_years, INTEGER), "years"],
            ["capex_escalation_frac", Styled(finance.capex_escalation_frac, PERCENT), "1/year"],
            ["study_cost_incl_vat_eur", Styled(result.inputs.study_cost_incl_vat_eur, MONEY), "EUR"]]
    rows += [[f"escalation_{k}_frac", Styled(finance.escalation_frac.get(k, 0.0), PERCENT), "1/year"] for k in keys]
    cells = FinanceCells("cash_flows!$B$1", "cash_flows!$B$2", "cash_flows!$B$3", "cash_flows!$B$4",
                         {k: f"cash_flows!$B${5 + i}" for i, k in enumerate(keys)}, header_row=len(rows) + 2)
    return rows, cells


# --------------------------------------------------------------------------- items and their flows as formulas
ITEM_FIELDS = ("variant", "side", "item", "kind", "year_bought", "capex_excl_vat_eur", "vat_frac", "capex_incl_vat_eur",
               "lifetime_years", "maintenance_frac_per_year", "fixed_om_eur_per_year")
"""Columns of the ``items`` sheet."""
ITEM_LINES = ("investment", "replacement", "om", "residual")
"""Cash-flow lines the items make; a one-off item only ``investment`` (:func:`mgwsim.finance.investment_schedule`)."""


@dataclass(frozen=True)
class ItemBlock:
    """The rows of one option's items on ``items``: all of them from ``first`` to ``last``, the assets
    (replaced, maintained, with a residual value) first, up to ``last_asset`` (None without assets)."""

    first: int
    last: int
    last_asset: int | None

    def column(self, field: str, assets: bool = False) -> str:
        letter = get_column_letter(ITEM_FIELDS.index(field) + 1)
        return f"items!${letter}${self.first}:${letter}${self.last_asset if assets else self.last}"


def items_sheet(result) -> tuple[list[list], dict[tuple[str, str], ItemBlock]]:
    """The ``items`` sheet (every item of both options of each variant, with the VAT rate of that variant's
    business case) and each (variant, side)'s block of rows."""
    rows, blocks = [list(ITEM_FIELDS)], {}
    price, vat = (get_column_letter(ITEM_FIELDS.index(f) + 1) for f in ("capex_excl_vat_eur", "vat_frac"))
    sides = option_sides(result)  # the reference's side may hold a path step the variant does now
    for vr, case in zip(result.results, result.cases, strict=True):
        variant, reference = sides[vr.variant.name]
        for side, items in (("variant", variant.investments), ("reference", reference.investments)):
            ordered = sorted(items, key=lambda i: i.one_off)  # assets first
            first = len(rows) + 1
            for item in ordered:
                r = len(rows) + 1
                rows.append([vr.variant.name, side, item.name, "one-off" if item.one_off else "asset",
                             int(item.first_year), float(item.capex_eur),
                             float(case.subsidies.vat_frac_for(item.vat_class)), Formula(f"={price}{r}*(1+{vat}{r})"),
                             None if item.one_off else int(item.lifetime_years),
                             0.0 if item.one_off else float(item.maintenance_frac),
                             0.0 if item.one_off else float(item.fixed_om_eur_per_year)])
            n_assets = sum(not i.one_off for i in ordered)
            if ordered:
                last_asset = first + n_assets - 1 if n_assets else None
                blocks[(vr.variant.name, side)] = ItemBlock(first, len(rows), last_asset)
    return rows, blocks


def item_line_formula(line: str, block: ItemBlock, t: str, cells: FinanceCells):
    """One option's ``line`` in year ``t`` incl. VAT [EUR] (residual value negative), summed over its items as
    :func:`mgwsim.finance.investment_schedule` and :func:`mgwsim.finance.option_flows` compute it.

    f = year bought, L = lifetime, N = horizon, g = capex escalation: each item bought at f (< N) and
    replaced at f + kL < N, a purchase at t costing price x (1+g)^t; O&M in years f+1..N on the unit in
    service (bought at f + L INT((MIN(t,N-1)-f)/L)), escalated (1+e_om)^(t-1); the residual value at N
    linear over the last unit's life (final value of EN 15459-1:2017). One-offs: the purchase only."""
    if line != "investment" and block.last_asset is None:
        return 0.0
    n, g, eom = cells.horizon, cells.capex_escalation, cells.escalation["om"]
    assets = line != "investment"
    f, price, life, maint, fixed, vat = (block.column(c, assets) for c in (
        "year_bought", "capex_incl_vat_eur", "lifetime_years", "maintenance_frac_per_year", "fixed_om_eur_per_year",
        "vat_frac"))
    last = f"({f}+{life}*INT(({n}-1-{f})/{life}))"
    body = {
        "investment": f"SUMPRODUCT(({f}={t})*({f}<{n})*{price})*(1+{g})^{t}",
        "replacement": f"IF(AND({t}>0,{t}<{n}),SUMPRODUCT(({f}<{t})*(MOD({t}-{f},{life})=0)*{price})*(1+{g})^{t},0)",
        "om": f"IF({t}>0,SUMPRODUCT(({f}<{t})*({f}<{n})*({maint}*{price}*(1+{g})^({f}+{life}*INT((MIN({t},{n}-1)-{f})"
              f"/{life}))+{fixed}*(1+{vat})))*(1+{eom})^({t}-1),0)",
        "residual": f"IF({t}={n},-SUMPRODUCT(({f}<{n})*{price}*(1+{g})^{last}*({last}+{life}-{n})/{life}),0)",
    }[line]
    return Formula("=" + body)


# --------------------------------------------------------------------------- grants as formulas
GRANT_FIELDS = ("variant", "rule", "kind", "eligible", "eligibility_rule", "base", "base_eur", "share_frac", "cap_eur",
                "eur_per_unit", "units", "uncapped_eur", "amount_eur", "advance_frac", "balance_year",
                "net_of_previous")
"""Columns of the ``grants`` sheet (A, B, ...)."""


def _grant_letter(field: str) -> str:
    return get_column_letter(GRANT_FIELDS.index(field) + 1)


@dataclass(frozen=True)
class GrantBlock:
    """The rows of one variant's grants on ``grants`` (``first`` to ``last``, header in row 1)."""

    first: int
    last: int
    eligibility_rows: tuple[int, ...] = ()

    def column(self, field: str) -> str:
        letter = _grant_letter(field)
        return f"grants!${letter}${self.first}:${letter}${self.last}"

    def paid_in_year(self, kind: str, t: str) -> Formula:
        """The grants of ``kind`` paid in year ``t`` as a negative cash flow: the advance in year 0, the
        balance in its balance year (:meth:`mgwsim.finance.Grant.apply`, :func:`mgwsim.finance.grant_flow`)."""
        kinds, amount, advance, balance = (self.column(f) for f in ("kind", "amount_eur", "advance_frac",
                                                                    "balance_year"))
        return Formula(f'=-SUMPRODUCT(({kinds}="{kind}")*{amount}*(({t}=0)*{advance}+({t}={balance})*(1-{advance})))')


def _conditions_text(payment, language: str) -> str:
    """A rule's conditions, each with its verdict and reason ("" for a rule without conditions)."""
    words = {"met": ("met", "voldaan"), "failed": ("not met", "niet voldaan"),
             "not_checked": ("not checked", "niet gecontroleerd")}
    parts = [f"{c.condition}: {in_language(words.get(c.status, (c.status, c.status)), language)} "
             f"({in_language((c.reason.en, c.reason.nl), language)})" for c in payment.conditions]
    rule = in_language(("eligible when every condition is met", "in aanmerking als elke voorwaarde voldaan is"),
                       language)
    return f"{rule}: " + "; ".join(parts) if parts else in_language(("no conditions", "geen voorwaarden"), language)


def grants_sheet(result, blocks: dict, cells: FinanceCells, language: str = "en"
                 ) -> tuple[list[list], dict[str, GrantBlock]]:
    """The ``grants`` sheet: one row per variant and grant rule of the study (VAT rules, which lower the
    investment instead of paying, are on ``vat``), eligibility and parameters as input cells, the base and
    the grant as formulas (module docstring); and each variant's block of rows."""
    from mgwsim.finance import Grant

    rules = [r for r in result.inputs.subsidies if isinstance(r, Grant)]
    rows, out = [list(GRANT_FIELDS)], {}
    c = {f: _grant_letter(f) for f in GRANT_FIELDS}
    units = result.inputs.finance.n_apartments
    for vr, case in zip(result.results, result.cases, strict=True):
        name = vr.variant.name
        payments = {p.rule: p for p in case.subsidies.payments}
        first = len(rows) + 1
        items = blocks.get((name, "variant"))
        judged = []  # rows of the works grants with conditions: the call's eligibility (SubsidyResult.eligibility)
        for rule in rules:
            payment = payments[rule.name]
            r = len(rows) + 1
            if rule.kind == "works" and rule.conditions:
                judged.append(r)
            if rule.base == "study":
                base = Formula(f"=MAX(0,{cells.study_cost})")
            else:
                year0 = (f"SUMPRODUCT(({items.column('year_bought')}=0)*{items.column('capex_incl_vat_eur')})"
                         if items is not None else "0")
                earlier = (f'SUMPRODUCT(({c["kind"]}{first}:{c["kind"]}{r - 1}="works")*'
                           f'{c["amount_eur"]}{first}:{c["amount_eur"]}{r - 1})' if r > first else "0")
                base = Formula(f'=MAX(0,{year0}-IF({c["net_of_previous"]}{r},{earlier},0))')
            rows.append([
                name, rule.name, rule.kind, bool(payment.eligible), _conditions_text(payment, language),
                rule.base, base, Styled(float(rule.share_frac), PERCENT),
                None if rule.cap_eur is None else Styled(float(rule.cap_eur), MONEY),
                None if rule.eur_per_unit is None else Styled(float(rule.eur_per_unit), MONEY), Styled(units, INTEGER),
                Formula(f'=IF(ISNUMBER({c["eur_per_unit"]}{r}),MIN({c["share_frac"]}{r}*{c["base_eur"]}{r},'
                        f'{c["eur_per_unit"]}{r}*{c["units"]}{r}),{c["share_frac"]}{r}*{c["base_eur"]}{r})'),
                Formula(f'=IF({c["eligible"]}{r},IF(ISNUMBER({c["cap_eur"]}{r}),MIN({c["uncapped_eur"]}{r},'
                        f'{c["cap_eur"]}{r}),{c["uncapped_eur"]}{r}),0)'),
                Styled(float(rule.advance_frac), PERCENT), Styled(int(rule.balance_year), INTEGER),
                bool(rule.net_of_previous)])
        if len(rows) >= first:
            out[name] = GrantBlock(first, len(rows), tuple(judged))
    return rows, out


# --------------------------------------------------------------------------- energy bills, heat, CO2
def option_sides(result) -> dict[str, tuple]:
    """Each variant's business-case sides (variant, reference) as the study built them
    (:func:`mgwsim.study.study.business_case_sides`): energy bills at year-1 prices, heat, CO2 per year."""
    ref = result.reference
    return {vr.variant.name: business_case_sides(result.inputs, vr, ref, result.states.get(vr.variant.name),
                                                 result.states.get(ref.variant.name))
            for vr in result.results}


def energy_bill_sheet(result, sides: dict) -> tuple[list[list], dict[tuple[str, str, str], str]]:
    """The ``energy_bills`` sheet (year, then each option's bill per carrier at year-1 prices, 0 in year 0)
    and the column of each (variant, side, carrier)."""
    horizon = result.inputs.finance.horizon_years
    header, columns, values = ["year"], {}, []
    for name, (variant, reference) in sides.items():
        for side, option in (("variant", variant), ("reference", reference)):
            for carrier, eur in option.energy_eur_per_year.items():
                columns[(name, side, carrier)] = get_column_letter(len(header) + 1)
                header.append(f"{name} | {side}_{carrier}_bill_eur_per_year")
                values.append(yearly(eur, horizon, carrier, option.name))
    rows = [header] + [[t, *(float(v[t]) for v in values)] for t in range(horizon + 1)]
    return rows, columns


# --------------------------------------------------------------------------- cash flows with formulas
@dataclass(frozen=True)
class FlowColumns:
    """Where one variant's flows are on the ``cash_flows`` sheet (column letters)."""

    incremental: str
    before_grants: str
    works_grants: str
    variant_cost: str
    reference_cost: str
    co2_reference: str
    co2_variant: str
    heat_variant: str
    heat_reference: str


def _line_formula(line: str, side: str, name: str, year: int, row: int, ctx: dict):
    """One cash-flow line of one option in one year: a formula on ``items``, ``energy_bills`` or the
    study-cost cell; the grants (the subsidy rules' outcome, sheet ``subsidies``) as numbers."""
    if line in ITEM_LINES:
        block = ctx["blocks"].get((name, side))
        return 0.0 if block is None else item_line_formula(line, block, f"$A{row}", ctx["cells"])
    if line.startswith("energy_"):
        carrier = line[len("energy_"):]
        growth = ctx["growth"][PRICED_AS.get(carrier, carrier)]
        return Formula(f"=energy_bills!{ctx['bills'][(name, side, carrier)]}{year + 2}*{growth}{row}")
    if line == "study" and side == "variant":
        return Formula(f"=IF(A{row}=0,{ctx['cells'].study_cost},0)")
    if line in ("works_grants", "study_grants") and side == "variant":
        block = ctx["grants"].get(name)
        return 0.0 if block is None else block.paid_in_year(line.split("_")[0], f"$A{row}")
    return None  # a number from the business case


def cash_flow_sheet(result, language: str = "en"
                    ) -> tuple[list[list], dict[str, FlowColumns], FinanceCells, list[list], list[list]]:
    """The ``cash_flows`` sheet as rows, each variant's columns, where the finance inputs are, and the
    ``items`` and ``energy_bills`` sheets its formulas read (the ``grants`` sheet: :func:`grants_sheet`)."""
    horizon = result.inputs.finance.horizon_years
    top, cells = finance_rows(result)
    item_rows, blocks = items_sheet(result)
    _, grant_blocks = grants_sheet(result, blocks, cells, language)
    sides = option_sides(result)
    bill_rows, bills = energy_bill_sheet(result, sides)
    keys = list(cells.escalation)
    header = ["year", "discount_factor", *(f"growth_{k}" for k in keys)]
    growth = {k: get_column_letter(3 + i) for i, k in enumerate(keys)}
    ctx = {"blocks": blocks, "bills": bills, "growth": growth, "cells": cells, "grants": grant_blocks}
    columns, blocks_out = {}, []
    for vr, case in zip(result.results, result.cases, strict=True):
        name = vr.variant.name
        lines = list(case.cash_flows.drop(columns="incremental_eur").columns)
        col = {n: get_column_letter(len(header) + 1 + i) for i, n in enumerate(lines)}
        extra = ("variant_cost_eur", "reference_cost_eur", "incremental_eur", "before_grants_eur",
                 "reference_co2_t", "variant_co2_t", "variant_heat_mwh", "reference_heat_mwh")
        col.update({n: get_column_letter(len(header) + 1 + len(lines) + i) for i, n in enumerate(extra)})
        header += [f"{name} | {n}" for n in (*lines, *extra)]
        columns[name] = FlowColumns(col["incremental_eur"], col["before_grants_eur"], col["variant_works_grants_eur"],
                                    col["variant_cost_eur"], col["reference_cost_eur"], col["reference_co2_t"],
                                    col["variant_co2_t"], col["variant_heat_mwh"], col["reference_heat_mwh"])
        blocks_out.append((name, case, lines, col, sides[name]))
    rows = [*top, [], header]
    for year in range(horizon + 1):
        r = cells.year_row(year)
        row = [year, Formula(f"=(1+{cells.rate})^-A{r}")]
        row += [Formula(f"=IF(A{r}=0,0,(1+{cells.escalation[k]})^(A{r}-1))") for k in keys]
        for name, case, lines, col, (variant, reference) in blocks_out:
            row += _year_cells(name, case, lines, col, year, r, ctx, (variant, reference), horizon)
        rows.append(row)
    return rows, columns, cells, item_rows, bill_rows


def _heat(option):
    """Heat delivered [MWh/year] (one value or one per year); 0 when the option has none (no LCOH)."""
    return 0.0 if option.heat_delivered_mwh_per_year is None else option.heat_delivered_mwh_per_year


def _year_cells(name, case, lines, col, year, r, ctx, options, horizon) -> list:
    """One variant's cells of one year on ``cash_flows``."""
    row = []
    for line in lines:
        side, rest = line.split("_", 1)
        formula = _line_formula(rest[:-len("_eur")], side, name, year, r, ctx)
        row.append(float(case.cash_flows[line].iloc[year]) if formula is None else formula)

    def span(prefix):
        chosen = [n for n in lines if n.startswith(prefix)]
        return f"{col[chosen[0]]}{r}:{col[chosen[-1]]}{r}"

    co2 = case.co2_t_by_year or {"reference": np.zeros(horizon + 1), "variant": np.zeros(horizon + 1)}
    variant, reference = options
    heat = [yearly(_heat(o), horizon, "heat_delivered_mwh_per_year", o.name) for o in (variant, reference)]
    row += [Formula(f"=SUM({span('variant_')})"), Formula(f"=SUM({span('reference_')})"),
            Formula(f"={col['reference_cost_eur']}{r}-{col['variant_cost_eur']}{r}"),
            # before grants: without the grants and without the study (its cost and its grant) on either side
            Formula(f"=({col['reference_cost_eur']}{r}-{col['reference_study_eur']}{r})"
                    f"-({col['variant_cost_eur']}{r}-{col['variant_works_grants_eur']}{r}"
                    f"-{col['variant_study_grants_eur']}{r}-{col['variant_study_eur']}{r})"),
            float(co2["reference"][year]), float(co2["variant"][year]), float(heat[0][year]), float(heat[1][year])]
    return row


# --------------------------------------------------------------------------- decision with formulas
DECISION_FIELDS = (
    "variant", "cold_hours", "heating_hours", "dhw_short_hours", "hours", "connection_feasible",
    "lock_in_failures_end_of_path", "eligible", "failed_conditions", "qualifies", "shortfalls", "npv_eur",
    "npv_before_grants_eur", "gap_before_grants_eur", "works_grants_eur", "gap_covered_frac",
    "co2_reference_t", "co2_variant_t", "co2_avoided_t", "gap_per_t_co2_eur", "criterion_value",
    "criterion_known", "criterion_rank", "up_front_per_apartment_eur", "in_tie_band", "rank", "recommended",
    "subsidy_gap_eur", "irr_frac", "irr_note", "lcoh_variant_eur_per_mwh", "lcoh_reference_eur_per_mwh",
)
"""Columns of the ``decision`` table, in order (A, B, ...)."""


def _letter(field: str) -> str:
    return get_column_letter(DECISION_FIELDS.index(field) + 1)


def decision_sheet(result, flows: dict[str, FlowColumns], cells: FinanceCells, language: str = "en") -> list[list]:
    """The ``decision`` sheet as rows: the rules, then one row per variant with formulas (module docstring)."""
    decision, rules = result.decision, result.study.rules
    criterion = rules.ranking
    rows = [
        ["criterion", criterion.name],
        ["criterion_column", criterion.column],
        ["better", "lower" if criterion.ascending else "higher"],
        ["max_cold_share_of_heating_hours", Styled(rules.max_unmet_share, PERCENT)],
        ["max_hot_water_short_share_of_hours", Styled(rules.max_hot_water_short_share, PERCENT)],
        ["horizon_years", Styled(Formula(f"={cells.horizon}"), INTEGER)],
        ["require_eligibility", bool(rules.require_eligibility)],
        ["recommended", decision.recommended or ""],
        # the tie band (mgwsim.study.decision.TIE_TOLERANCE_FRAC) and the best criterion value it is measured from
        ["tie_tolerance_frac", Styled(rules.tie_tolerance_frac, PERCENT)],
        ["best_criterion_value", Formula(f"=SUMIFS({_column_range('criterion_value', result)},"
                                         f"{_column_range('criterion_rank', result)},1)")],
        [],
        list(DECISION_FIELDS),
    ]
    _, grant_blocks = grants_sheet(result, items_sheet(result)[1], cells, language)
    for r, (vr, case) in enumerate(zip(result.results, result.cases, strict=True), start=DECISION_HEADER_ROW + 1):
        block = grant_blocks.get(vr.variant.name)
        values = {**_qualification(result, vr.variant.name, r, language, block),
                  **_money(result, vr.variant.name, flows[vr.variant.name], cells, r),
                  **_irr_and_lcoh(result, case, flows[vr.variant.name], cells, language)}
        rows.append([values[f] for f in DECISION_FIELDS])
    return rows


def _column_range(field: str, result) -> str:
    """The variants' cells of ``field`` on ``decision`` (absolute)."""
    top, bottom = DECISION_HEADER_ROW + 1, DECISION_HEADER_ROW + len(result.results)
    return f"${_letter(field)}${top}:${_letter(field)}${bottom}"


def _refs(r: int) -> dict[str, str]:
    return {f: f"{_letter(f)}{r}" for f in DECISION_FIELDS}


def _qualification(result, name: str, r: int, language: str, grants: GrantBlock | None = None) -> dict:
    """What the qualification reads (numbers and text) and ``qualifies`` as a formula on them and the rules;
    ``eligible`` reads the eligibility input cells of the works grants with conditions on ``grants``."""
    row, c = result.decision.table.loc[name], _refs(r)
    eligible = "n/a" if row["eligible"] is None else bool(row["eligible"])
    if grants is not None and grants.eligibility_rows and row["eligible"] is not None:
        letter = _grant_letter("eligible")
        eligible = Formula("=AND(" + ",".join(f"grants!${letter}${i}" for i in grants.eligibility_rows) + ")")
    return {
        "variant": name,
        "cold_hours": float(row["cold_hours"]),
        "heating_hours": float(row["heating_hours"]),
        "dhw_short_hours": float(row["dhw_short_hours"]),
        "hours": float(row["hours"]),
        "connection_feasible": bool(row["connection_feasible"]),
        "lock_in_failures_end_of_path": "; ".join(row["lock_in_failures"]),
        "eligible": eligible,
        "failed_conditions": "; ".join(in_language((en, nl), language) for _, en, nl in row["failed_conditions"]),
        "qualifies": Formula(
            f'=AND({c["cold_hours"]}<=$B$4*{c["heating_hours"]},{c["dhw_short_hours"]}<=$B$5*{c["hours"]},'
            f'{c["connection_feasible"]},{c["lock_in_failures_end_of_path"]}="",'
            f'OR(NOT($B$7),{c["eligible"]}="n/a",{c["eligible"]}=TRUE))'),
        "shortfalls": "; ".join(f.text(language) for f in row["shortfalls"]),
    }


def _money(result, name: str, flow: FlowColumns, cells: FinanceCells, r: int) -> dict:
    """NPV, gaps, grants, CO2, the criterion and the rank as formulas (:class:`mgwsim.finance.BusinessCase`)."""
    criterion, horizon, c = result.study.rules.ranking, result.inputs.finance.horizon_years, _refs(r)
    factor = cells.years("B", horizon)
    top, bottom = DECISION_HEADER_ROW + 1, DECISION_HEADER_ROW + len(result.results)

    def rng(field: str) -> str:
        return f"${_letter(field)}${top}:${_letter(field)}${bottom}"

    compare = "<" if criterion.ascending else ">"
    qualified = f'{rng("qualifies")},TRUE'
    known, unknown = f'{rng("criterion_known")},TRUE', f'{rng("criterion_known")},FALSE'
    better_npv = f'{rng("npv_eur")},">"&{c["npv_eur"]}'
    value = c["criterion_value"]
    # rank among the qualified: better criterion values, then equal ones with a better NPV; a variant
    # without a criterion value (no CO2 avoided) after every one with a value, by NPV
    criterion_rank = Formula(
        f'=IF({c["qualifies"]},IF({c["criterion_known"]},'
        f'COUNTIFS({qualified},{known},{rng("criterion_value")},"{compare}"&{value})'
        f'+COUNTIFS({qualified},{known},{rng("criterion_value")},{value},{better_npv})+1,'
        f'COUNTIFS({qualified},{known})+COUNTIFS({qualified},{unknown},{better_npv})+1),"")')
    # the tie band (mgwsim.study.decision): within tie_tolerance_frac ($B$9) of the best value ($B$10), ordered by
    # the payment up front per apartment (to the euro), then the NPV; the band takes the first ranks, the others
    # keep their criterion rank
    band, up, npv = rng("in_tie_band"), rng("up_front_per_apartment_eur"), rng("npv_eur")
    mine_up = f'ROUND({c["up_front_per_apartment_eur"]},0)'
    rank = Formula(
        f'=IF({c["qualifies"]},IF({c["in_tie_band"]},SUMPRODUCT(({band}=TRUE)*((ROUND({up},0)<{mine_up})'
        f'+(ROUND({up},0)={mine_up})*({npv}>{c["npv_eur"]})))+1,{c["criterion_rank"]}),"")')
    in_band = Formula(
        f'=AND({c["qualifies"]}=TRUE,{c["criterion_known"]}=TRUE,'
        f'ABS(N({c["criterion_value"]})-$B$10)<=$B$9*ABS($B$10)+0.000000001)')
    return {
        # NPV = sum_t CF_t (1+r)^-t with year 0 undiscounted (mgwsim.finance.npv)
        "npv_eur": Formula(f"=SUMPRODUCT({factor},{cells.years(flow.incremental, horizon)})"),
        "npv_before_grants_eur": Formula(f"=SUMPRODUCT({factor},{cells.years(flow.before_grants, horizon)})"),
        "gap_before_grants_eur": Formula(f'=MAX(0,-{c["npv_before_grants_eur"]})'),
        "subsidy_gap_eur": Formula(f'=MAX(0,-{c["npv_eur"]})'),
        "works_grants_eur": Formula(f"=-SUM({cells.years(flow.works_grants, horizon)})"),
        "gap_covered_frac": Formula(f'=IF({c["gap_before_grants_eur"]}>0,'
                                    f'{c["works_grants_eur"]}/{c["gap_before_grants_eur"]},"")'),
        "co2_reference_t": Formula(f"=SUM({cells.years(flow.co2_reference, horizon)})"),
        "co2_variant_t": Formula(f"=SUM({cells.years(flow.co2_variant, horizon)})"),
        "co2_avoided_t": Formula(f'={c["co2_reference_t"]}-{c["co2_variant_t"]}'),
        "gap_per_t_co2_eur": Formula(f'=IF({c["co2_avoided_t"]}>0,'
                                     f'{c["gap_before_grants_eur"]}/{c["co2_avoided_t"]},"")'),
        "criterion_value": Formula(f"={c[criterion.column]}"),  # the criterion's own column of this table
        "criterion_known": Formula(f'=ISNUMBER({c["criterion_value"]})'),
        "criterion_rank": criterion_rank,
        "up_front_per_apartment_eur": float(result.decision.table.loc[name, "up_front_per_apartment_eur"]),
        "in_tie_band": in_band,
        "rank": rank,
        "recommended": Formula(f'=IF({c["rank"]}=1,"recommended","")'),
    }


def _irr_and_lcoh(result, case, flow: FlowColumns, cells: FinanceCells, language: str) -> dict:
    """The IRR where mgwsim reports one (else its reason, :func:`mgwsim.finance.irr`) and the LCOH of both options."""
    horizon = result.inputs.finance.horizon_years
    factor = cells.years("B", horizon)

    def lcoh(cost: str, heat: str) -> Formula:
        # LCOH = sum_t C_t d_t / sum_t E_t d_t (IEA & NEA, Projected Costs of Generating Electricity 2020)
        cost, heat = cells.years(cost, horizon), cells.years(heat, horizon)
        discounted_heat = f"SUMPRODUCT({factor},{heat})"
        return Formula(f'=IF({discounted_heat}>0,SUMPRODUCT({factor},{cost})/{discounted_heat},"")')

    note = case.irr_note
    # no IRR: the cell stays a number cell holding #N/A (formulas reading it fail visibly, ISNA tests it), the
    # reason beside it
    irr = Formula(f"=IRR({cells.years(flow.incremental, horizon)})") if case.irr_frac is not None else Formula("=NA()")
    return {"irr_frac": irr, "irr_note": "" if note is None or case.irr_frac is not None
            else in_language((note.en, note.nl), language), "lcoh_variant_eur_per_mwh": lcoh(flow.variant_cost, flow.heat_variant),
            "lcoh_reference_eur_per_mwh": lcoh(flow.reference_cost, flow.heat_reference)}


# --------------------------------------------------------------------------- plain sheets
def inputs_frame(result, language: str = "en") -> pd.DataFrame:
    """Building, finance, subsidy rules, variants and every tariff parameter: section, parameter, value
    (numbers as numbers), unit and source."""
    rows = [("building", k, v, u, s) for k, v, u, s in src.building_inputs(result)]
    rows += [("finance", k, v, u, s) for k, v, u, s in src.finance_inputs(result)]
    rows += [("subsidy rule", k, v, u, s) for k, v, u, s in src.subsidy_inputs(result, language)]
    rows += [("variant", r.variant.name, r.variant.description, "", "") for r in (result.reference, *result.results)]
    for tariff in src.tariffs_used(result):
        frame = tariff.to_frame()
        unit = frame["unit"] if "unit" in frame else pd.Series("", index=frame.index)
        rows += [(f"tariff {tariff.name}", p, _plain(row["value"]), unit.get(p, ""), row["source"])
                 for p, row in frame.iterrows()]
    return pd.DataFrame(rows, columns=["section", "parameter", "value", "unit", "source"])


def kpis_frame(result) -> pd.DataFrame:
    """The comparison table (one row per variant), with the IRR's and payback's reasons where they are absent."""
    table = result.table.rename_axis("variant").copy()
    notes = {r.variant.name: c for r, c in zip(result.results, result.cases, strict=True)}
    table["irr_note"] = [notes[n].irr_note.en if n in notes and notes[n].irr_note else "" for n in table.index]
    table["payback_note"] = [notes[n].payback_note.en if n in notes and notes[n].payback_note else ""
                             for n in table.index]
    return table.reset_index()


def hourly_frame(vr) -> pd.DataFrame:
    """Hourly flows of one variant [kWh per hour = mean kW]: weather, demand, heat plant, electricity balance."""
    d, h, b = vr.system.demand.hourly, vr.system.hourly, vr.balance
    time = local_index(h.index).tz_localize(None)
    columns = {
        "temp_air_degc": d["temp_air_degc"],
        "space_heating_demand_kwh": d["space_heating_kwh"],
        "dhw_demand_kwh": d["dhw_kwh"],
        "supply_required_degc": h["supply_required_degc"],
        "hp_heat_kwh": h["hp_heat_sh_kwh"] + h["hp_heat_dhw_kwh"],
        "hp_elec_kwh": h["hp_elec_kwh"],
        "backup_heat_kwh": h["backup_heat_sh_kwh"] + h["backup_heat_dhw_kwh"],
        "gas_kwh": h["gas_kwh"],
        "booster_kwh": h["booster_kwh"],
        "space_heating_unmet_kwh": h["space_heating_unmet_kwh"],
        "pv_kwh": b["pv_kwh"],
        "load_kwh": b["load_kwh"],
        "grid_import_kwh": b["grid_import_kwh"],
        "grid_export_kwh": b["grid_export_kwh"],
    }
    frame = pd.DataFrame({k: np.round(v.to_numpy(dtype=float), 3) for k, v in columns.items()})
    frame.insert(0, "variant", vr.variant.name)
    frame.insert(0, hourly_time_column(), time.to_pydatetime())
    return frame


def hourly_time_column() -> str:
    return f"time ({LOCAL_TIMEZONE}, hour start)"


def hourly_rows(result) -> list[list]:
    """The ``hourly`` sheet: every option (the reference first), one row per variant and hour."""
    frames = [hourly_frame(vr) for vr in (result.reference, *result.results)]
    return _frame_rows(pd.concat(frames, ignore_index=True))


def checks_frame(result, language: str = "en") -> pd.DataFrame:
    """Every check of every variant (reference included): today's verdicts and, where the study has a
    renovation path, those at its end; the reason in ``language``."""
    rows = []
    for r in (result.reference, *result.results):
        name = r.variant.name
        judged = [("today", c) for c in r.checks]
        if name in result.paths:
            year, _, _ = path_end(result, name)
            judged += [(f"end of renovation path ({year})", c) for c in result.paths[name].final_checks()]
        rows += [{"variant": name, "when": when, "check": c.name, "status": c.status, "value": _plain(c.value),
                  "unit": c.unit, "threshold": _plain(c.threshold), "reason": check_sentence(c, language)}
                 for when, c in judged]
    return pd.DataFrame(rows)


def per_apartment_frame(result) -> pd.DataFrame:
    """:meth:`StudyResult.per_apartment` of every variant, stacked by variant, with the key used."""
    frames = {}
    for r in result.results:
        split = result.per_apartment(r.variant.name)
        frames[r.variant.name] = split.assign(key=split.attrs.get("key", ""),
                                              energy_key=split.attrs.get("energy_key", ""))
    return pd.concat(frames, names=["variant", "apartment"]).reset_index()


def subsidies_frame(result, language: str = "en") -> pd.DataFrame:
    """Per variant, every subsidy rule and condition: what it paid, whether it was met and why."""
    rows = []
    for r, case in zip(result.results, result.cases, strict=True):
        frame = case.subsidies.to_frame()
        for rule, row in frame.iterrows():
            rows.append({"variant": r.variant.name, "rule": rule, "kind": row["kind"], "condition": "",
                         "eligible_or_met": bool(row["eligible"]), "amount_eur": row["amount_eur"],
                         "cap_eur": row["cap_eur"],
                         "reason": row["reason_nl"] if language == "nl" else row["reason_en"]})
        for (rule, condition), row in case.subsidies.conditions_frame().iterrows():
            rows.append({"variant": r.variant.name, "rule": rule, "kind": "", "condition": condition,
                         "eligible_or_met": row["status"], "amount_eur": None, "cap_eur": None,
                         "reason": row["reason_nl"] if language == "nl" else row["reason_en"]})
    return pd.DataFrame(rows, columns=["variant", "rule", "kind", "condition", "eligible_or_met", "amount_eur",
                                       "cap_eur", "reason"])


def vat_frame(result) -> pd.DataFrame:
    """Per variant, the year-0 investment of the variant and of the reference per VAT class."""
    frames = {r.variant.name: case.vat_frame() for r, case in zip(result.results, result.cases, strict=True)}
    return pd.concat(frames, names=["variant"]).reset_index()


# --------------------------------------------------------------------------- writing
def _text_cell(sheet, text: str) -> WriteOnlyCell:
    """Text that a spreadsheet could take for a formula, as text with the quote prefix (as Excel's ')."""
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # never a formula, even when it starts with '='
    cell.quotePrefix = True
    return cell


class _RowWriter:
    """Turns values into write-only cells: text as text, :class:`Formula` as a formula, numbers, dates and
    formulas with the number format of their column (:func:`number_format`) or their own (:class:`Styled`).
    One styled cell per (column, format) is reused row after row: write-only rows are written as appended."""

    def __init__(self, sheet, header: list):
        self.sheet = sheet
        self.formats = [number_format(h) if isinstance(h, str) else None for h in header]
        self.cells: dict[tuple[int, str], WriteOnlyCell] = {}

    def row(self, values: list, styled: bool = True) -> list:
        return [self.cell(i, v, styled) for i, v in enumerate(values)]

    def cell(self, i: int, value, styled: bool = True):
        code = self.formats[i] if styled and i < len(self.formats) else None
        if type(value) is float and value == value and code is not None:  # a plain number (most hourly cells)
            return self._formatted(i, value, code)
        if isinstance(value, Styled):
            value, code = value.value, value.number_format
        if not isinstance(value, Formula):
            value = _plain(value)
        if isinstance(value, str) and not isinstance(value, Formula):
            return _text_cell(self.sheet, value) if value.startswith(TEXT_PREFIXES) else value
        if isinstance(value, datetime):
            code = DATETIME
        if value is None or isinstance(value, bool) or code is None:
            return str(value) if isinstance(value, Formula) else value
        return self._formatted(i, str(value) if isinstance(value, Formula) else value, code)

    def _formatted(self, i: int, value, code: str) -> WriteOnlyCell:
        cell = self.cells.get((i, code))
        if cell is None:
            cell = self.cells[(i, code)] = WriteOnlyCell(self.sheet)
            cell.number_format = code
        cell.value = value
        return cell


def _frame_rows(frame: pd.DataFrame) -> list[list]:
    values = frame.astype(object).where(frame.notna(), None).to_numpy()
    return [[str(c) for c in frame.columns], *values.tolist()]


def _rows_by_unit(frame: pd.DataFrame, values: tuple[str, ...], unit: str = "unit", name: str | None = None
                  ) -> list[list]:
    """A sheet whose ``values`` columns mix units (``inputs``, ``checks``): each number with the format of
    its row's ``name`` (a parameter named like a price or a share) or else of its ``unit``."""
    rows = _frame_rows(frame)
    header = rows[0]
    for row in rows[1:]:
        code = number_format(row[header.index(name)]) if name else None
        code = code or number_format(row[header.index(unit)] or "")
        for column in (header.index(v) for v in values):
            value = row[column]
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                row[column] = Styled(value, code or (INTEGER if isinstance(value, int) else None))
    return rows


def _write_rows(book: Workbook, name: str, rows: list[list], *, freeze: str | None = "B2",
                header_row: int = 1) -> None:
    """Append ``rows`` to a new write-only sheet with sized columns; the row ``header_row`` (1-based) names
    the columns, whose names give the number formats of the rows below it."""
    sheet = book.create_sheet(name)
    widths: dict[int, int] = {}
    for row in rows[:200]:
        for i, value in enumerate(row, start=1):
            value = value.value if isinstance(value, Styled) else value
            text = "" if value is None else str(value)
            widths[i] = max(widths.get(i, 0), 12 if isinstance(value, Formula) else len(text))
    for i, width in widths.items():
        sheet.column_dimensions[get_column_letter(i)].width = min(MAX_COLUMN_WIDTH, width + 2)
    if freeze:
        sheet.freeze_panes = freeze
    writer = _RowWriter(sheet, rows[header_row - 1])
    for number, row in enumerate(rows, start=1):
        sheet.append(writer.row(row, styled=number > header_row))


def connection_frame(connections: dict) -> pd.DataFrame:
    """The smallest grid connections (:func:`mgwsim.report.connection.smallest_connections`), one row per variant:
    :meth:`~mgwsim.study.connection.ConnectionResult.summary` as typed numbers, units in the column names
    (kVA, kW, EUR: the capacity tariff per year incl. VAT, the reinforcement excl. VAT; h, K·h, MWh per year)."""
    frame = pd.DataFrame([c.summary() for c in connections.values()])
    frame.insert(0, "variant", list(connections))
    return frame.reset_index(drop=True)


def write_workbook(result, path, *, sensitivity: pd.DataFrame | None = None, language: str = "en",
                   hourly: bool = True, connections: dict | None = None) -> Path:
    """Write the workbook of ``result`` to ``path``; return the path (``connections``: the smallest grid
    connections, a ``connection`` sheet).

    Written with openpyxl in write-only mode (streaming rows). Formula cells carry no cached
    value: Excel and LibreOffice compute them when the file is opened.
    """
    path = Path(path)
    flow_rows, flow_columns, cells, item_rows, bill_rows = cash_flow_sheet(result, language)
    grant_rows, _ = grants_sheet(result, items_sheet(result)[1], cells, language)
    sheets = {
        "decision": (decision_sheet(result, flow_columns, cells, language), f"B{DECISION_HEADER_ROW + 1}",
                     DECISION_HEADER_ROW),
        "cash_flows": (flow_rows, f"C{cells.first_year_row}", cells.header_row),
        "grants": (grant_rows, "C2", 1),
        "items": (item_rows, "D2", 1),
        "energy_bills": (bill_rows, "B2", 1),
        "inputs": (_rows_by_unit(inputs_frame(result, language), ("value",), name="parameter"), "B2", 1),
        "investments": (_frame_rows(investments_frame(result)), "C2", 1),
        "kpis": (_frame_rows(kpis_frame(result)), "B2", 1),
        "hourly": (hourly_rows(result), "C2", 1) if hourly else None,
        "checks": (_rows_by_unit(checks_frame(result, language), ("value", "threshold")), "B2", 1),
        "connection": (_frame_rows(connection_frame(connections)), "B2", 1) if connections else None,
        "per_apartment": (_frame_rows(per_apartment_frame(result)), "B2", 1),
        "subsidies": (_frame_rows(subsidies_frame(result, language)), "B2", 1),
        "vat": (_frame_rows(vat_frame(result)), "B2", 1),
        "sensitivity": (_frame_rows(sensitivity.reset_index()), "B2", 1) if sensitivity is not None else None,
        "sources": (_frame_rows(src.sources_frame(result, language)), "B2", 1),
    }
    book = Workbook(write_only=True)
    for sheet, content in sheets.items():
        if content is not None:
            _write_rows(book, sheet, content[0], freeze=content[1], header_row=content[2])
    book.save(path)
    return path
