"""The Excel workbook an engineer can check and continue in (openpyxl).

Sheets (:data:`SHEETS`):

* ``decision``: the decision rules (criterion, comfort tolerances, horizon) and, per variant,
  what the qualification reads (unmet hours, hot-water shortfall, connection, lock-in at the
  end of the renovation path, eligibility) with ``qualifies`` as an Excel formula, then the
  NPV, the NPV before grants, the unprofitable gap before grants, the works grant and the
  share of the gap it covers, the CO2 avoided over the horizon, the gap per tonne, the
  criterion value and the rank, all as formulas on the ``cash_flows`` sheet;
* ``cash_flows``: the discount rate and horizon as input cells, one row per year with the
  discount factor ``=(1+rate)^-year`` and, per variant, every cash-flow line of both options
  as numbers with the incremental flow and the flow before grants (no grant, no study) as
  formulas;
* ``inputs`` (numbers as numbers, with unit and source), ``investments`` (every item of the
  reference and of each variant: year bought, one-off or asset, price excl. VAT, VAT class and
  rate, incl. VAT, lifetime, maintenance, source), ``kpis`` (the comparison table),
  ``hourly`` (optional), ``checks`` (today's verdicts and those at the end of the renovation
  path), ``per_apartment``, ``subsidies`` (per rule and condition), ``vat``, ``sensitivity``,
  ``sources``.

Text is always written as text: a variant name such as ``=HYPERLINK(...)`` is never a live
formula; only the formulas built here are (:class:`Formula`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from mgwsim._format import in_language
from mgwsim.report import sources as src
from mgwsim.report.analysis import investments_frame, local_index
from mgwsim.report.summary import path_end
from mgwsim.report.text import check_sentence
from mgwsim.simyear import LOCAL_TIMEZONE

SHEETS = ("decision", "cash_flows", "inputs", "investments", "kpis", "hourly", "checks", "per_apartment", "subsidies",
          "vat", "sensitivity", "sources")
"""Sheet names, in workbook order (``hourly`` only when asked for)."""

MAX_COLUMN_WIDTH = 60
FLOW_HEADER_ROW = 4
"""Row of the ``cash_flows`` header; year 0 is on the next row."""
DECISION_HEADER_ROW = 10
"""Row of the ``decision`` table's header; the first variant is on the next row."""


class Formula(str):
    """An Excel formula written by this module (every other string is written as text)."""


def _plain(value):
    """A cell value Excel can hold (numbers, booleans and text; NaN as an empty cell; anything else as text)."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if np.isnan(value) else float(value)
    if isinstance(value, (str, pd.Timestamp)):
        return value
    if isinstance(value, (tuple, list)):
        return "; ".join(str(v) for v in value)
    return str(value)


# --------------------------------------------------------------------------- cash flows with formulas
@dataclass(frozen=True)
class FlowColumns:
    """Where one variant's flows are on the ``cash_flows`` sheet (column letters)."""

    incremental: str
    before_grants: str
    works_grants: str
    co2_reference: str
    co2_variant: str


def _rows(horizon: int) -> tuple[int, int]:
    return FLOW_HEADER_ROW + 1, FLOW_HEADER_ROW + 1 + horizon


def cash_flow_sheet(result) -> tuple[list[list], dict[str, FlowColumns]]:
    """The ``cash_flows`` sheet as rows, and each variant's formula columns."""
    finance = result.inputs.finance
    horizon, (first, last) = finance.horizon_years, _rows(finance.horizon_years)
    header, columns, blocks = ["year", "discount_factor"], {}, []
    for vr, case in zip(result.results, result.cases, strict=True):
        flows = case.cash_flows.drop(columns="incremental_eur")
        start = len(header) + 1
        names = list(flows.columns)
        col = {n: get_column_letter(start + i) for i, n in enumerate(names)}
        variant_lines = [n for n in names if n.startswith("variant_")]
        reference_lines = [n for n in names if n.startswith("reference_")]
        inc_col, before_col = get_column_letter(start + len(names)), get_column_letter(start + len(names) + 1)
        co2_ref_col, co2_var_col = get_column_letter(start + len(names) + 2), get_column_letter(start + len(names) + 3)
        co2 = case.co2_t_by_year or {"reference": np.zeros(horizon + 1), "variant": np.zeros(horizon + 1)}

        def span(lines, row):
            return f"{col[lines[0]]}{row}:{col[lines[-1]]}{row}"

        incremental = [Formula(f"=SUM({span(reference_lines, r)})-SUM({span(variant_lines, r)})")
                       for r in range(first, last + 1)]
        before = [Formula(f"=(SUM({span(reference_lines, r)})-{col['reference_study_eur']}{r})"
                          f"-(SUM({span(variant_lines, r)})-{col['variant_works_grants_eur']}{r}"
                          f"-{col['variant_study_grants_eur']}{r}-{col['variant_study_eur']}{r})")
                  for r in range(first, last + 1)]
        header += [f"{vr.variant.name} | {n}" for n in names]
        header += [f"{vr.variant.name} | incremental_eur", f"{vr.variant.name} | before_grants_eur",
                   f"{vr.variant.name} | reference_co2_t", f"{vr.variant.name} | variant_co2_t"]
        blocks.append((flows.to_numpy(dtype=float), incremental, before, co2["reference"], co2["variant"]))
        columns[vr.variant.name] = FlowColumns(inc_col, before_col, col["variant_works_grants_eur"], co2_ref_col,
                                               co2_var_col)
    rows = [["discount_rate_frac", finance.discount_rate_frac], ["horizon_years", horizon], [], header]
    for year in range(horizon + 1):
        r = first + year
        row = [year, Formula(f"=(1+$B$1)^-A{r}")]
        for values, incremental, before, co2_reference, co2_variant in blocks:
            row += [float(v) for v in values[year]] + [incremental[year], before[year], float(co2_reference[year]),
                                                        float(co2_variant[year])]
        rows.append(row)
    return rows, columns


# --------------------------------------------------------------------------- decision with formulas
DECISION_FIELDS = (
    "variant", "cold_hours", "heating_hours", "dhw_short_hours", "hours", "connection_feasible",
    "lock_in_failures_end_of_path", "eligible", "failed_conditions", "qualifies", "shortfalls", "npv_eur",
    "npv_before_grants_eur", "gap_before_grants_eur", "works_grants_eur", "gap_covered_frac",
    "co2_reference_t", "co2_variant_t", "co2_avoided_t", "gap_per_t_co2_eur", "criterion_value",
    "criterion_known", "rank", "recommended",
)
"""Columns of the ``decision`` table, in order (A, B, ...)."""


def _letter(field: str) -> str:
    return get_column_letter(DECISION_FIELDS.index(field) + 1)


def decision_sheet(result, flows: dict[str, FlowColumns], language: str = "en") -> list[list]:
    """The ``decision`` sheet as rows: the rules, then one row per variant with formulas (module docstring)."""
    decision, rules = result.decision, result.study.rules
    criterion = rules.ranking
    horizon = result.inputs.finance.horizon_years
    first_flow, last_flow = _rows(horizon)
    n = len(result.results)
    top, bottom = DECISION_HEADER_ROW + 1, DECISION_HEADER_ROW + n
    rows = [
        ["criterion", criterion.name],
        ["criterion_column", criterion.column],
        ["better", "lower" if criterion.ascending else "higher"],
        ["max_cold_share_of_heating_hours", rules.max_unmet_share],
        ["max_hot_water_short_share_of_hours", rules.max_hot_water_short_share],
        ["horizon_years", Formula("=cash_flows!B2")],
        ["require_eligibility", bool(rules.require_eligibility)],
        ["recommended", decision.recommended or ""],
        [],
        list(DECISION_FIELDS),
    ]
    factor = f"cash_flows!$B${first_flow}:$B${last_flow}"

    def rng(field: str) -> str:
        return f"${_letter(field)}${top}:${_letter(field)}${bottom}"

    compare = "<" if criterion.ascending else ">"
    for r, name in enumerate((vr.variant.name for vr in result.results), start=top):
        row = decision.table.loc[name]
        c = {f: f"{_letter(f)}{r}" for f in DECISION_FIELDS}
        eligible = "n/a" if row["eligible"] is None else bool(row["eligible"])
        flow = flows[name]
        qualified = f'{rng("qualifies")},TRUE'
        known, unknown = f'{rng("criterion_known")},TRUE', f'{rng("criterion_known")},FALSE'
        better_npv = f'{rng("npv_eur")},">"&{c["npv_eur"]}'
        value = c["criterion_value"]
        # rank among the qualified: better criterion values, then equal ones with a better NPV; a variant
        # without a criterion value (no CO2 avoided) after every one with a value, by NPV
        rank = Formula(
            f'=IF({c["qualifies"]},IF({c["criterion_known"]},'
            f'COUNTIFS({qualified},{known},{rng("criterion_value")},"{compare}"&{value})'
            f'+COUNTIFS({qualified},{known},{rng("criterion_value")},{value},{better_npv})+1,'
            f'COUNTIFS({qualified},{known})+COUNTIFS({qualified},{unknown},{better_npv})+1),"")')
        values = {
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
            "npv_eur": Formula(f"=SUMPRODUCT({factor},cash_flows!{flow.incremental}{first_flow}:"
                               f"{flow.incremental}{last_flow})"),
            "npv_before_grants_eur": Formula(f"=SUMPRODUCT({factor},cash_flows!{flow.before_grants}{first_flow}:"
                                             f"{flow.before_grants}{last_flow})"),
            "gap_before_grants_eur": Formula(f'=MAX(0,-{c["npv_before_grants_eur"]})'),
            "works_grants_eur": Formula(f"=-SUM(cash_flows!{flow.works_grants}{first_flow}:"
                                        f"{flow.works_grants}{last_flow})"),
            "gap_covered_frac": Formula(f'=IF({c["gap_before_grants_eur"]}>0,'
                                        f'{c["works_grants_eur"]}/{c["gap_before_grants_eur"]},"")'),
            "co2_reference_t": Formula(f"=SUM(cash_flows!{flow.co2_reference}{first_flow}:"
                                       f"{flow.co2_reference}{last_flow})"),
            "co2_variant_t": Formula(f"=SUM(cash_flows!{flow.co2_variant}{first_flow}:{flow.co2_variant}{last_flow})"),
            "co2_avoided_t": Formula(f'={c["co2_reference_t"]}-{c["co2_variant_t"]}'),
            "gap_per_t_co2_eur": Formula(f'=IF({c["co2_avoided_t"]}>0,'
                                         f'{c["gap_before_grants_eur"]}/{c["co2_avoided_t"]},"")'),
            "criterion_value": Formula(f"={c[criterion.column]}"),  # the criterion's own column of this table
            "criterion_known": Formula(f'=ISNUMBER({c["criterion_value"]})'),
            "rank": rank,
            "recommended": Formula(f'=IF({c["rank"]}=1,"recommended","")'),
        }
        rows.append([values[f] for f in DECISION_FIELDS])
    return rows


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
    frame.insert(0, f"time ({LOCAL_TIMEZONE}, hour start)", time)
    return frame


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
def _cell(sheet, value):
    """A value as it goes into a write-only row: text always as text, :class:`Formula` as a formula."""
    if isinstance(value, Formula):
        return str(value)
    value = _plain(value)
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # never a formula, even when it starts with '='
        return cell
    return value


def _frame_rows(frame: pd.DataFrame) -> list[list]:
    values = frame.astype(object).where(frame.notna(), None).to_numpy()
    return [[str(c) for c in frame.columns], *values.tolist()]


def _write_rows(book: Workbook, name: str, rows: list[list], *, freeze: str | None = "B2") -> None:
    """Append ``rows`` to a new write-only sheet with sized columns."""
    sheet = book.create_sheet(name)
    widths: dict[int, int] = {}
    for row in rows[:200]:
        for i, value in enumerate(row, start=1):
            text = "" if value is None else str(value)
            widths[i] = max(widths.get(i, 0), 12 if isinstance(value, Formula) else len(text))
    for i, width in widths.items():
        sheet.column_dimensions[get_column_letter(i)].width = min(MAX_COLUMN_WIDTH, width + 2)
    if freeze:
        sheet.freeze_panes = freeze
    for row in rows:
        sheet.append([_cell(sheet, v) for v in row])


def write_workbook(result, name: str, path, *, sensitivity: pd.DataFrame | None = None, language: str = "en",
                   hourly: bool = True) -> Path:
    """Write the workbook of ``result`` (hourly sheet for variant ``name``) to ``path``; return the path.

    Written with openpyxl in write-only mode (streaming rows). Formula cells carry no cached
    value: Excel and LibreOffice compute them when the file is opened (``fullCalcOnLoad``).
    """
    path = Path(path)
    flow_rows, flow_columns = cash_flow_sheet(result)
    sheets = {
        "decision": (decision_sheet(result, flow_columns, language), f"B{DECISION_HEADER_ROW + 1}"),
        "cash_flows": (flow_rows, f"C{FLOW_HEADER_ROW + 1}"),
        "inputs": (_frame_rows(inputs_frame(result, language)), "B2"),
        "investments": (_frame_rows(investments_frame(result)), "C2"),
        "kpis": (_frame_rows(kpis_frame(result)), "B2"),
        "hourly": (_frame_rows(hourly_frame(result.result(name))), "B2") if hourly else None,
        "checks": (_frame_rows(checks_frame(result, language)), "B2"),
        "per_apartment": (_frame_rows(per_apartment_frame(result)), "B2"),
        "subsidies": (_frame_rows(subsidies_frame(result, language)), "B2"),
        "vat": (_frame_rows(vat_frame(result)), "B2"),
        "sensitivity": (_frame_rows(sensitivity.reset_index()), "B2") if sensitivity is not None else None,
        "sources": (_frame_rows(src.sources_frame(result, language)), "B2"),
    }
    book = Workbook(write_only=True)
    for sheet, content in sheets.items():
        if content is not None:
            _write_rows(book, sheet, content[0], freeze=content[1])
    book.save(path)
    return path
