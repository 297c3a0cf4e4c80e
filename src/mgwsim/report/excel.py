"""The Excel workbook for the engineer to continue in (pandas + openpyxl).

Sheets: ``inputs``, ``kpis``, ``cash_flows``, ``hourly`` (optional), ``checks``,
``per_apartment``, ``sensitivity``, ``sources``. Column names keep mgwsim's units-in-names
convention (``_kwh``, ``_eur``, ``_degc``), so the sheets read like the Python results.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from mgwsim.report import sources as src
from mgwsim.report.analysis import LOCAL_TZ, local_index
from mgwsim.report.text import check_sentence

SHEETS = ("inputs", "kpis", "cash_flows", "hourly", "checks", "per_apartment", "sensitivity", "sources")
"""Sheet names, in workbook order (``hourly`` only when asked for)."""

MAX_COLUMN_WIDTH = 60


def _plain(value):
    """A cell value Excel can hold (numbers and text; anything else as its text)."""
    if value is None or isinstance(value, (bool, int, float, str, np.integer, np.floating)):
        return value
    return str(value)


def inputs_frame(result, language: str = "en") -> pd.DataFrame:
    """Building, finance, subsidies, variants and every tariff parameter: section, parameter, value, source."""
    rows = [("building", k, v, "") for k, v in src.building_facts(result, language)]
    rows += [("finance", k, v, "") for k, v in src.finance_facts(result, language)]
    rows += [("variant", r.variant.name, r.variant.description, "") for r in (result.reference, *result.results)]
    for tariff in src.tariffs_used(result):
        frame = tariff.to_frame()
        rows += [(f"tariff {tariff.name}", p, _plain(row["value"]), row["source"]) for p, row in frame.iterrows()]
    return pd.DataFrame(rows, columns=["section", "parameter", "value", "source"]).map(_plain)


def cash_flows_frame(result) -> pd.DataFrame:
    """Yearly cash-flow lines of every variant against the reference [EUR], stacked by variant."""
    frames = {r.variant.name: case.cash_flows for r, case in zip(result.results, result.cases, strict=True)}
    return pd.concat(frames, names=["variant", "year"]).reset_index()


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
    frame.insert(0, f"time ({LOCAL_TZ}, hour start)", time)
    return frame


def checks_frame(result, language: str = "en") -> pd.DataFrame:
    """Every check of every variant (reference included), with the reason in ``language``."""
    rows = [{"variant": r.variant.name, "check": c.name, "status": c.status, "value": _plain(c.value), "unit": c.unit,
             "threshold": _plain(c.threshold), "reason": check_sentence(c, language)}
            for r in (result.reference, *result.results) for c in r.checks]
    return pd.DataFrame(rows)


def per_apartment_frame(result) -> pd.DataFrame:
    """:meth:`StudyResult.per_apartment` of every variant, stacked by variant."""
    frames = {r.variant.name: result.per_apartment(r.variant.name) for r in result.results}
    return pd.concat(frames, names=["variant", "apartment"]).reset_index()


def _cells(frame: pd.DataFrame) -> list[list]:
    """Rows of plain Python values (NaN as empty cells, timestamps as datetimes)."""
    values = frame.astype(object).where(frame.notna(), None).to_numpy()
    return [[_plain(v) for v in row] for row in values.tolist()]


def _write_sheet(book: Workbook, name: str, frame: pd.DataFrame) -> None:
    """Append ``frame`` (header + rows) to a new write-only sheet with sized columns and frozen header."""
    sheet = book.create_sheet(name)
    sample = frame.head(200).astype(str)
    for i, column in enumerate(frame.columns, start=1):
        width = max([len(str(column)), *sample[column].str.len().tolist()])
        sheet.column_dimensions[get_column_letter(i)].width = min(MAX_COLUMN_WIDTH, width + 2)
    sheet.freeze_panes = "B2"
    sheet.append([str(c) for c in frame.columns])
    for row in _cells(frame):
        sheet.append(row)


def write_workbook(result, name: str, path, *, sensitivity: pd.DataFrame | None = None, language: str = "en",
                   hourly: bool = True) -> Path:
    """Write the workbook of ``result`` (hourly sheet for variant ``name``) to ``path``; return the path.

    Written with openpyxl in write-only mode (streaming rows), which is faster than
    ``DataFrame.to_excel`` for the 8,760-row hourly sheet; read back with ``pandas.read_excel``.
    """
    path = Path(path)
    sheets = {
        "inputs": inputs_frame(result, language),
        "kpis": result.table.rename_axis("variant").reset_index(),
        "cash_flows": cash_flows_frame(result),
        "hourly": hourly_frame(result.result(name)) if hourly else None,
        "checks": checks_frame(result, language),
        "per_apartment": per_apartment_frame(result),
        "sensitivity": sensitivity.reset_index() if sensitivity is not None else None,
        "sources": src.sources_frame(result, language),
    }
    book = Workbook(write_only=True)
    for sheet, frame in sheets.items():
        if frame is not None:
            _write_sheet(book, sheet, frame)
    book.save(path)
    return path
