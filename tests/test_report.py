"""The study report: HTML sections and figures, languages, numbers in the summary, workbook sheets."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from mgwsim.errors import InputError
from mgwsim.report import FIGURES, SECTIONS, SHEETS, bivalent_point, monthly_balance, npv_sensitivity, write_report
from mgwsim.report.analysis import _perturbed_npv, carpet
from mgwsim.report.text import LABELS, format_eur, format_number, format_pct, t

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def result(weather):
    """A small study of the example block: the gas reference and three heat-pump variants (PV, R32)."""
    from mgwsim.examples import ANTWERPEN, antwerp_block, antwerp_variants
    from mgwsim.study import Study, StudyInputs
    from mgwsim.weather import Weather

    reference, variants = antwerp_variants()
    chosen = [v for v in variants if v.name in ("heat pumps + boiler", "+ PV", "R32 monobloc + boiler")]
    inputs = StudyInputs(antwerp_block(), Weather(weather.data, ANTWERPEN, weather.source))
    return Study(inputs, reference, chosen).run()


@pytest.fixture(scope="module")
def reports(result, tmp_path_factory):
    """The report in English (with the hourly sheet) and in Dutch (without)."""
    root = tmp_path_factory.mktemp("report")
    return {"en": write_report(result, root / "en", language="en"),
            "nl": write_report(result, root / "nl", language="nl", hourly_in_workbook=False)}


class _Page(HTMLParser):
    """Collects section ids, figures with their image sources, external references and text per section."""

    def __init__(self):
        super().__init__()
        self.sections, self.figures, self.external, self.tags = [], {}, [], set()
        self.text: dict[str, list[str]] = {}
        self._section, self._figure = None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.add(tag)
        if tag == "section":
            self._section = attrs.get("id")
            self.sections.append(self._section)
            self.text[self._section] = []
        if tag == "figure":
            self._figure = attrs.get("data-figure")
            self.figures[self._figure] = None
        if tag == "img" and self._figure is not None:
            self.figures[self._figure] = attrs.get("src", "")
        for key in ("src", "href"):
            if key in attrs and not attrs[key].startswith("data:"):
                self.external.append(attrs[key])

    def handle_endtag(self, tag):
        if tag == "figure":
            self._figure = None

    def handle_data(self, data):
        if self._section is not None:
            self.text[self._section].append(data)

    def section_text(self, section_id: str) -> str:
        return " ".join(" ".join(self.text[section_id]).split())


def _parse(path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_section_and_figure_is_embedded(reports, language):
    page = _parse(reports[language].html)
    assert page.sections == list(SECTIONS)
    assert set(page.figures) == set(FIGURES)
    for name, src in page.figures.items():
        assert src.startswith("data:image/png;base64,"), name
        assert base64.b64decode(src.split(",", 1)[1])[:8] == PNG_MAGIC, name
    assert page.external == []
    assert not {"script", "link", "iframe"} & page.tags


def test_dutch_report_speaks_dutch(reports):
    nl, en = _parse(reports["nl"].html), _parse(reports["en"].html)
    nl_text = " ".join(nl.section_text(s) for s in SECTIONS)
    for key in ("sec_summary", "sec_lock_in", "subsidy_gap_eur", "npv_eur", "discount_rate"):
        assert LABELS[key][1] in nl_text, key
    assert "Summary for the co-owners" not in nl_text
    assert "Samenvatting" not in " ".join(en.section_text(s) for s in SECTIONS)
    assert '<html lang="nl">' in reports["nl"].html.read_text(encoding="utf-8")


@pytest.mark.parametrize("language", ["en", "nl"])
def test_summary_numbers_are_the_table_numbers(result, reports, language):
    summary = _parse(reports[language].html).section_text("summary")
    name = result.recommended
    row = result.table.loc[name]
    assert name in summary
    assert format_eur(row["npv_eur"], language) in summary
    assert format_eur(row["subsidies_eur"], language) in summary
    assert format_pct(row["co2_reduction"], language) in summary
    assert format_number(row["spf_h2"], language, 2) in summary
    if row["npv_eur"] < 0:
        assert format_eur(row["subsidy_gap_eur"], language) in summary
        gap_per_apartment = row["subsidy_gap_eur"] / result.inputs.building.n_apartments
        assert format_eur(gap_per_apartment, language) in summary
    for check in result.result(name).checks:
        sentence = check.sentence_nl if language == "nl" and check.sentence_nl else check.sentence
        assert (" ".join(sentence.split()) in summary) == (check.status != "pass"), check.name


def test_comparison_and_lock_in_tables(result, reports):
    page = _parse(reports["en"].html)
    comparison = page.section_text("comparison")
    for name in result.table.index:
        assert name in comparison
    for name in result.table.index.drop(result.reference.variant.name):
        assert format_eur(result.table.loc[name, "npv_eur"], "en") in comparison
    html = reports["en"].html.read_text(encoding="utf-8")
    table = re.search(r'<table id="lock-in-table">(.*?)</table>', html, re.S).group(1)
    statuses = re.findall(r'<td class="(pass|warn|fail)">', table)
    assert statuses == [c.status for c in result.result(result.recommended).checks]


def test_assumptions_and_sources_are_stated(result, reports):
    page = _parse(reports["en"].html)
    text = page.section_text("building") + " " + page.section_text("sources")
    inputs = result.inputs
    assert inputs.weather.source in text
    assert inputs.building.typology in text
    for tariff_name in (inputs.lv_tariff, inputs.gas_tariff):
        assert tariff_name in text
    some_tariff_source = sorted(set(inputs.gas.sources.values()))[0]
    assert " ".join(some_tariff_source.split()) in text
    for source in inputs.cost_table.table["source"]:
        assert " ".join(str(source).split()) in text
    assert "TABULA" in text and "data/co2/README.md" in text


def test_workbook_has_every_sheet_with_its_rows(result, reports):
    sheets = pd.read_excel(reports["en"].workbook, sheet_name=None)
    assert list(sheets) == list(SHEETS)
    n_variants, horizon = len(result.results), result.inputs.finance.horizon_years
    assert len(sheets["kpis"]) == len(result.table)
    assert list(sheets["kpis"]["variant"]) == list(result.table.index)
    np.testing.assert_allclose(sheets["kpis"]["npv_eur"].to_numpy(), result.table["npv_eur"].to_numpy(), equal_nan=True)
    flows = sheets["cash_flows"]
    assert len(flows) == n_variants * (horizon + 1)
    for vr, case in zip(result.results, result.cases, strict=True):
        mine = flows[flows["variant"] == vr.variant.name]
        np.testing.assert_allclose(mine["incremental_eur"].to_numpy(), case.incremental)
    hourly = sheets["hourly"]
    assert len(hourly) == len(result.inputs.weather.data)
    kpis = result.result(result.recommended).system.kpis()
    assert hourly["hp_heat_kwh"].sum() == pytest.approx(kpis["hp_heat_kwh"], abs=0.001 * len(hourly))
    assert len(sheets["checks"]) == sum(len(r.checks) for r in (result.reference, *result.results))
    assert len(sheets["per_apartment"]) == n_variants * result.inputs.building.n_apartments
    assert len(sheets["sensitivity"]) == 5
    assert result.inputs.weather.source in set(sheets["sources"]["source"])
    assert {"building", "finance", "variant"} <= set(sheets["inputs"]["section"])


def test_workbook_without_hourly_sheet(reports):
    with pd.ExcelFile(reports["nl"].workbook) as book:
        sheets = book.sheet_names
    assert sheets == [s for s in SHEETS if s != "hourly"]


def test_sensitivity_reproduces_the_case_and_moves_the_right_way(result):
    name = "heat pumps + boiler"
    table = npv_sensitivity(result, name)
    npv = result.case(name).npv_eur
    assert table["npv_base_eur"].to_numpy() == pytest.approx(npv)
    assert _perturbed_npv(result, result.result(name), "capex", 1.0) == pytest.approx(npv)
    assert _perturbed_npv(result, result.result(name), "cop", 1.0) == pytest.approx(npv)
    # a heat pump replaces gas by electricity: dearer electricity hurts, dearer gas helps
    assert table.loc["electricity_price", "npv_high_eur"] < npv < table.loc["electricity_price", "npv_low_eur"]
    assert table.loc["gas_price", "npv_low_eur"] < npv < table.loc["gas_price", "npv_high_eur"]
    assert table.loc["capex", "npv_high_eur"] < npv < table.loc["capex", "npv_low_eur"]
    assert table.loc["cop", "npv_low_eur"] < npv < table.loc["cop", "npv_high_eur"]
    assert (np.diff(table["swing_eur"].to_numpy()) <= 0).all()


def test_monthly_balance_adds_up_to_the_year(result):
    vr = result.result("+ PV")
    months = monthly_balance(vr)
    assert list(months.index) == list(range(1, 13))
    h = vr.system.hourly
    assert months["hp_heat_kwh"].sum() == pytest.approx((h["hp_heat_sh_kwh"] + h["hp_heat_dhw_kwh"]).sum())
    assert months["grid_export_kwh"].sum() == pytest.approx(vr.balance["grid_export_kwh"].sum())
    assert months["pv_kwh"].sum() > 0


def test_carpet_is_days_by_hours(result):
    table = carpet(result.reference.balance["grid_import_kwh"])
    assert table.shape == (365, 24)


def test_bivalent_point(result):
    vr = result.result("heat pumps + boiler")
    point = bivalent_point(vr)
    outdoor = vr.system.demand.hourly["temp_air_degc"]
    assert point is not None  # the example plant has a gas backup that runs
    assert outdoor.min() < point["temperature_degc"] <= outdoor.max() + 1.0
    assert point["hours_below"] == int((outdoor < point["temperature_degc"]).sum())
    assert bivalent_point(result.reference) is None


def test_bad_arguments_are_refused(result, tmp_path):
    with pytest.raises(InputError, match="language"):
        write_report(result, tmp_path, language="fr")
    with pytest.raises(InputError, match="variant"):
        write_report(result, tmp_path, variant=result.reference.variant.name)


def test_number_formats_and_labels():
    assert format_number(1234.5, "en", 1) == "1,234.5"
    assert format_number(1234.5, "nl", 1) == "1.234,5"
    assert format_eur(-124658.2, "nl") == "€ -124.658"
    assert format_eur(float("nan"), "en") == "–"
    assert format_pct(0.5444, "nl", 1) == "54,4 %"
    assert all(en and nl for en, nl in LABELS.values())
    assert t("bivalent_point", "nl", t=format_number(-2.0, "nl", 1), h=300) == "bivalentiepunt: -2,0 °C, 300 h eronder"
