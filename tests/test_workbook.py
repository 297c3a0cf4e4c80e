"""The workbook an engineer can check: live formulas that recompute mgwsim's money, typed and formatted
inputs, dates as dates, text that never becomes a formula (the hourly sheet of every option:
``tests/test_report.py``)."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from mgwsim.report.excel import (
    DECISION_FIELDS,
    DECISION_HEADER_ROW,
    MONEY,
    PERCENT,
    PRICE,
    cash_flow_sheet,
    number_format,
    write_workbook,
)

FORMULA_NAME = '=HYPERLINK("https://example.com","x")'
"""A variant name that a spreadsheet would take for a formula."""


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def demo():
    """The demo study (the 1960s block with its renovation path: energy bills change along the years)."""
    from mgwsim.demo import example_study

    return example_study().run()


@pytest.fixture(scope="module")
def escalated():
    """The demo over 15 years with every price escalating (capex 1 %/year, gas 8 %, electricity 1 %,
    injection -1 %, O&M 2 %) and a 2 % discount rate: some variants have an IRR, others not (their flows
    change sign several times); the third variant is named like a formula and described as ``=1+1``."""
    from mgwsim.demo import example_study

    study = example_study()
    finance = replace(study.inputs.finance, horizon_years=15, discount_rate_frac=0.02, capex_escalation_frac=0.01,
                      escalation_frac={"gas": 0.08, "electricity": 0.01, "injection": -0.01, "om": 0.02})
    variants = list(study.variants)
    variants[2] = replace(variants[2], name=FORMULA_NAME, description="=1+1")
    return replace(study, inputs=replace(study.inputs, finance=finance), variants=tuple(variants)).run()


@pytest.fixture(scope="module")
def studies(demo, escalated):
    return {"demo": demo, "escalated": escalated}


@pytest.fixture(scope="module")
def books(studies, tmp_path_factory):
    """Each study's workbook without the hourly sheet, and its values as the formula engine computes them."""
    import formulas

    root, out = tmp_path_factory.mktemp("books"), {}
    for name, study in studies.items():
        path = write_workbook(study, root / f"{name}.xlsx", hourly=False)
        out[name] = (path, formulas.ExcelModel().loads(str(path)).finish().calculate())
    return out


def _computed(solution: dict, path, sheet: str, ref: str):
    """A cell's value as the formula engine computed it (None for an empty cell)."""
    key = f"'[{path.name}]{sheet.upper()}'!{ref}"
    return solution[key].value[0, 0] if key in solution else None


def _decision(solution, path, row: int, field: str):
    return _computed(solution, path, "decision",
                     f"{get_column_letter(DECISION_FIELDS.index(field) + 1)}{DECISION_HEADER_ROW + 1 + row}")


# --------------------------------------------------------------------------- formulas recompute mgwsim
def test_the_studies_cover_irrs_replacements_and_residual_values(demo, escalated):
    """What the formulas must get right occurs: an IRR and its absence, replacements, residual values."""
    irrs = [case.irr_frac for case in escalated.cases]
    assert any(v is not None for v in irrs) and any(v is None for v in irrs)
    for study in (demo, escalated):
        lines = [case.cash_flows for case in study.cases]
        assert any((f["variant_replacement_eur"] != 0).any() for f in lines)
        assert all((f["variant_residual_eur"] != 0).any() for f in lines)


@pytest.mark.parametrize("which", ["demo", "escalated"])
def test_formulas_recompute_npv_irr_gap_and_lcoh_of_every_variant(studies, books, which):
    study, (path, solution) = studies[which], books[which]
    for i, case in enumerate(study.cases):
        got = {f: _decision(solution, path, i, f) for f in DECISION_FIELDS}
        assert got["variant"] == study.results[i].variant.name
        for field in ("npv_eur", "npv_before_grants_eur", "gap_before_grants_eur", "subsidy_gap_eur",
                      "works_grants_eur", "lcoh_variant_eur_per_mwh", "lcoh_reference_eur_per_mwh"):
            assert got[field] == pytest.approx(getattr(case, field), abs=0.005), (i, field)
        if case.irr_frac is None:  # a number cell holding #N/A, the reason beside it
            assert str(got["irr_frac"]) == "#N/A"
            assert got["irr_note"] == case.irr_note.en
        else:  # mgwsim bisects to 1e-16 in 1/(1+r); the engine finds the polynomial's roots
            assert got["irr_frac"] == pytest.approx(case.irr_frac, abs=1e-9), i


@pytest.mark.parametrize("which", ["demo", "escalated"])
def test_every_cash_flow_line_is_recomputed_to_the_cent(studies, books, which):
    """Investment, replacement, O&M, residual value and energy of both options, from the items and bills,
    with mgwsim's escalation and discounting conventions."""
    study, (path, solution) = studies[which], books[which]
    rows, _, cells, _, _ = cash_flow_sheet(study)
    header = rows[cells.header_row - 1]
    for vr, case in zip(study.results, study.cases, strict=True):
        for line in case.cash_flows.columns:
            column = get_column_letter(header.index(f"{vr.variant.name} | {line}") + 1)
            got = [_computed(solution, path, "cash_flows", f"{column}{cells.year_row(t)}")
                   for t in range(len(case.cash_flows))]
            np.testing.assert_allclose(np.asarray(got, dtype=float), case.cash_flows[line].to_numpy(), rtol=0,
                                       atol=0.005, err_msg=f"{vr.variant.name} {line}")


def test_the_flows_are_formulas_on_items_bills_and_inputs(books, escalated):
    book = openpyxl.load_workbook(books["escalated"][0])
    rows, _, cells, _, _ = cash_flow_sheet(escalated)
    header = rows[cells.header_row - 1]
    sheet = book["cash_flows"]
    name = escalated.results[0].variant.name
    for line, reads in (("variant_investment_eur", "items!"), ("variant_replacement_eur", "items!"),
                        ("variant_om_eur", "items!"), ("variant_residual_eur", "items!"),
                        ("variant_energy_gas_eur", "energy_bills!"), ("variant_study_eur", "$B$4"),
                        ("incremental_eur", "-")):
        cell = sheet.cell(cells.year_row(3), header.index(f"{name} | {line}") + 1)
        assert cell.data_type == "f" and reads in cell.value, line
    # the escalations are input cells the formulas read
    assert sheet["A5"].value.startswith("escalation_") and sheet["B5"].data_type == "n"


# --------------------------------------------------------------------------- types and formats
NUMBER_TEXT = re.compile(r"^[\s€-]*[\d.,]+\s*(%|€|EUR)?\s*$")


def test_inputs_are_typed_numbers_with_units_and_formats(books):
    book = openpyxl.load_workbook(books["demo"][0])
    sheet = book["inputs"]
    header = [c.value for c in sheet[1]]
    value, unit = header.index("value"), header.index("unit")
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    expected = {"discount_rate": PERCENT, "study_cost_incl_vat": MONEY, "energy_eur_per_kwh": PRICE,
                "vat_frac": PERCENT, "capacity_eur_per_kw_year": MONEY}
    for parameter, code in expected.items():
        cell = rows[parameter][value]
        assert cell.data_type == "n" and cell.number_format == code, parameter
    for parameter in ("heated_floor_area", "design_heat_load", "space_heating_demand", "setpoint"):
        cell = rows[parameter][value]
        assert cell.data_type == "n" and cell.number_format != "General", parameter
        assert rows[parameter][unit].value, parameter
    texts = [row[value].value for row in rows.values() if row[value].data_type == "s"]
    assert not [t for t in texts if NUMBER_TEXT.match(t)]  # no "1,850" or "3.0 %" as text


@pytest.mark.parametrize("sheet", ["decision", "cash_flows", "items", "energy_bills", "kpis", "investments",
                                   "per_apartment", "vat", "subsidies"])
def test_money_shares_and_energy_are_never_in_general_format(books, sheet):
    book = openpyxl.load_workbook(books["demo"][0])
    ws = book[sheet]
    header_row = DECISION_HEADER_ROW if sheet == "decision" else _flow_header_row(ws) if sheet == "cash_flows" else 1
    header = [c.value for c in ws[header_row]]
    checked = 0
    for row in ws.iter_rows(min_row=header_row + 1):
        for cell, name in zip(row, header, strict=False):
            if not isinstance(name, str) or cell.data_type not in ("n", "f") or cell.value is None:
                continue
            if re.search(r"eur|_frac|kwh|mwh", name.lower()):
                assert cell.number_format == number_format(name) != "General", (sheet, cell.coordinate, name)
                checked += 1
    assert checked > 0


def test_check_values_carry_the_format_of_their_unit(books):
    sheet = openpyxl.load_workbook(books["demo"][0])["checks"]
    header = [c.value for c in sheet[1]]
    value, threshold, unit = (header.index(c) for c in ("value", "threshold", "unit"))
    formats = {}
    for row in sheet.iter_rows(min_row=2):
        for cell in (row[value], row[threshold]):
            if cell.data_type == "n" and cell.value is not None:
                formats.setdefault(row[unit].value, set()).add(cell.number_format)
    assert formats["EUR"] == {MONEY}
    assert formats["share of heat"] == {PERCENT}
    assert "General" not in formats["kWh/a"]


def _flow_header_row(ws) -> int:
    return next(c.row for c in ws["A"] if c.value == "year")


def test_number_formats_by_name():
    assert number_format("npv_eur") == MONEY
    assert number_format("energy_eur_per_kwh") == PRICE
    assert number_format("irr_frac") == number_format("discount_rate") == PERCENT
    assert number_format("hp_heat_kwh") != number_format("temp_air_degc")
    assert number_format("variant") is None




# --------------------------------------------------------------------------- text stays text
def test_text_that_looks_like_a_formula_stays_text(escalated, books):
    path, solution = books["escalated"]
    book = openpyxl.load_workbook(path)
    seen = {FORMULA_NAME: 0, "=1+1": 0, "+ PV": 0}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert "HYPERLINK" not in cell.value and cell.value != "=1+1", (sheet.title, cell.coordinate)
                elif cell.value in seen:
                    assert cell.data_type == "s" and cell.quotePrefix, (sheet.title, cell.coordinate)
                    seen[cell.value] += 1
    assert all(seen.values()), seen
    # the formula engine reads the name as the name, not as a formula
    assert _decision(solution, path, 2, "variant") == FORMULA_NAME


# --------------------------------------------------------------------------- grants and eligibility as live inputs
def _grant_rows(path):
    from mgwsim.report.excel import GRANT_FIELDS

    sheet = openpyxl.load_workbook(path)["grants"]
    assert [c.value for c in sheet[1]] == list(GRANT_FIELDS)
    return sheet, {f: GRANT_FIELDS.index(f) for f in GRANT_FIELDS}


def test_grants_are_formulas_on_the_eligibility_and_the_investment(demo, books):
    path, solution = books["demo"]
    sheet, col = _grant_rows(path)
    seen = set()
    for row in sheet.iter_rows(min_row=2):
        name, rule = row[col["variant"]].value, row[col["rule"]].value
        case = demo.case(name)
        payment = next(p for p in case.subsidies.payments if p.rule == rule)
        assert row[col["eligible"]].data_type == "b" and row[col["eligible"]].value == payment.eligible
        assert row[col["eligibility_rule"]].value  # the rule's conditions and their verdicts, visible
        for field in ("base_eur", "uncapped_eur", "amount_eur"):
            assert row[col[field]].data_type == "f", field
        assert row[col["share_frac"]].data_type == "n" and row[col["share_frac"]].number_format == PERCENT
        ref = row[col["amount_eur"]].coordinate
        # the engine's grant, to the cent, against mgwsim's payment (base, share, cap)
        assert _computed(solution, path, "grants", ref) == pytest.approx(payment.amount_eur, abs=0.005), (name, rule)
        base = _computed(solution, path, "grants", row[col["base_eur"]].coordinate)
        assert base == pytest.approx(payment.base_eur, abs=0.005), (name, rule)
        seen.add((payment.eligible, payment.kind))
    assert {(True, "works"), (False, "works"), (True, "study")} <= seen  # R32 + boiler is not eligible


def test_switching_an_eligibility_input_recomputes_the_grant_and_the_npv(demo, books, tmp_path):
    """The eligibility is an input: set one eligible variant's works grant to FALSE and the engine pays 0 and
    lowers the NPV by the grant's present value (advance in year 0, balance in year 1)."""
    import formulas

    path, _ = books["demo"]
    book = openpyxl.load_workbook(path)
    sheet, col = _grant_rows(path)
    name = demo.recommended
    r = next(row[0].row for row in sheet.iter_rows(min_row=2)
             if row[col["variant"]].value == name and row[col["kind"]].value == "works")
    book["grants"].cell(r, col["eligible"] + 1).value = False
    changed = tmp_path / "changed.xlsx"
    book.save(changed)
    solution = formulas.ExcelModel().loads(str(changed)).finish().calculate()
    i = [vr.variant.name for vr in demo.results].index(name)
    case = demo.case(name)
    assert _computed(solution, changed, "grants", f"{get_column_letter(col['amount_eur'] + 1)}{r}") == 0.0
    assert _decision(solution, changed, i, "works_grants_eur") == pytest.approx(0.0, abs=0.005)
    assert _decision(solution, changed, i, "npv_eur") == pytest.approx(case.npv_eur - case.works_grants_pv_eur,
                                                                       abs=0.005)
    assert _decision(solution, changed, i, "eligible") is False or not _decision(solution, changed, i, "eligible")
    assert not _decision(solution, changed, i, "qualifies")


def test_the_ranking_with_its_tie_band_is_recomputed(demo, books):
    path, solution = books["demo"]
    for i, name in enumerate(vr.variant.name for vr in demo.results):
        rank = demo.decision.table.loc[name, "rank"]
        got = _decision(solution, path, i, "rank")
        assert (got == "" or got is None) if np.isnan(rank) else got == rank, name
        # the band holds the best variant, and those tied with it (a band of one: no tie)
        in_band = name in demo.decision.tied or name == demo.recommended
        assert bool(_decision(solution, path, i, "in_tie_band")) == in_band, name
