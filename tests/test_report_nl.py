"""The Dutch report speaks Flemish Dutch throughout, the English one English; page one speaks to co-owners.

The demo's reports (``make demo``) in both languages are parsed as a reader sees them: every text node
outside the quoted source notes (cells with ``lang="en"``, the data files' notes as written). No fragment
of the English catalogue may appear in the Dutch report (and no Dutch one in the English report), numbers
follow the language's conventions (nl-BE: "3.318", "€ 6.000", "1,5 %"), and no Python repr leaks.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from mgwsim import __version__
from mgwsim._format import format_date, format_eur, format_number, format_pct
from mgwsim.report import write_report
from mgwsim.report import sources as src
from mgwsim.report import text as tx
from mgwsim.report.summary import co_owner_page, verdict_key

MIN_WORDS = 3
"""A catalogue fragment is checked when it has at least this many words: shorter ones ("COP [-]", "EPC
label") are shared by both languages or too common to point at an untranslated string."""

PAGE_ONE_JARGON = ("NPV", "NCW", "netto contante waarde", "net present value", "SPF", "COP", "lock-in",
                   "onrendabele top", "unprofitable gap", "day-ahead", "bivalent")
"""Words page one must explain or leave to the engineer's part."""


class _Text(HTMLParser):
    """The text a reader sees, per section, without the quoted source notes (``lang`` other than the page's)."""

    def __init__(self, language: str):
        super().__init__()
        self.language, self.sections, self.quoted = language, {}, []
        self._stack: list[tuple[str, bool]] = []
        self._section, self._skip = "head", 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        foreign = attrs.get("lang", self.language) != self.language and tag != "html"
        self._stack.append((tag, foreign))
        self._skip += foreign or tag == "style"
        if tag == "section":
            self._section = attrs["id"]

    def handle_endtag(self, tag):
        while self._stack:
            open_tag, foreign = self._stack.pop()
            self._skip -= foreign or open_tag == "style"
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self._skip:
            self.quoted.append(data)
        else:
            self.sections.setdefault(self._section, []).append(data)

    def text(self, section: str | None = None) -> str:
        parts = self.sections[section] if section else [p for v in self.sections.values() for p in v]
        return " ".join(" ".join(parts).split())


@pytest.fixture(scope="module")
def demo():
    from mgwsim.demo import example_study

    return example_study().run()


@pytest.fixture(scope="module")
def pages(demo, tmp_path_factory):
    """The demo's reports as ``make demo`` writes them: with the smallest grid connections."""
    from mgwsim.report.connection import smallest_connections

    root = tmp_path_factory.mktemp("report_nl")
    out, connections = {}, smallest_connections(demo)
    for language in ("en", "nl"):
        html = write_report(demo, root / language, language=language, hourly_in_workbook=False,
                            connections=connections).html
        page = _Text(language)
        page.html = html.read_text(encoding="utf-8")
        page.feed(page.html)
        out[language] = page
    return out


def _catalogue() -> list[tuple[str, str]]:
    """Every (English, Dutch) pair of words the report prints."""
    pairs = [*tx.LABELS.values(), *tx.CAPTIONS.values(), *tx.SENTENCES.values(), *tx.RULE_NAMES.values(),
             *tx.TARIFF_PARAMETERS.values(), *tx.CARRIERS.values(), *tx.SENSITIVITY_NAMES.values(),
             *src.COST_COLUMNS.values(), *src.CO2_COLUMNS.values(), *src.COST_ITEMS.values(),
             *tx.CONNECTION_LABELS.values(), *tx.CONNECTION_SENTENCES.values(),
             *((en, nl) for en, nl, _ in src.DATA_FILES.values())]
    pairs += [(g[0], g[2]) for g in tx.GLOSSARY.values()] + [(g[1], g[3]) for g in tx.GLOSSARY.values()]
    return pairs


def _fragments(template: str, other: str) -> list[str]:
    """The literal parts of ``template`` (between its {placeholders}) of at least :data:`MIN_WORDS` words that
    the other language's template does not contain."""
    parts = (p.strip(" .,;:()'") for p in re.split(r"\{[^}]*\}", template))
    return [p for p in parts if len(re.findall(r"[A-Za-zÀ-ÿ]+", p)) >= MIN_WORDS and p not in other]


def _untranslated(text: str, source: int) -> list[str]:
    """Fragments of the catalogue's language ``source`` (0 English, 1 Dutch) found in ``text``."""
    found = []
    for pair in _catalogue():
        found += [f for f in _fragments(pair[source], pair[1 - source]) if f in text]
    return sorted(set(found))


# --------------------------------------------------------------------------- every string in the language
def test_the_dutch_report_has_no_untranslated_catalogue_string(pages):
    assert _untranslated(pages["nl"].text(), source=0) == []


def test_the_english_report_has_no_dutch_catalogue_string(pages):
    assert _untranslated(pages["en"].text(), source=1) == []


def test_the_catalogue_check_finds_an_untranslated_string():
    """The check itself: an English sentence of the catalogue in a Dutch text is found."""
    english = tx.SENTENCES["plain_residents"][0]
    assert _untranslated(f"Een tekst. {english} Nog een.", source=0) == [english.strip(" :")]


def test_the_figures_name_the_variants_in_the_readers_language(demo):
    import matplotlib.pyplot as plt

    from mgwsim.report import build_figures
    from mgwsim.report.analysis import npv_sensitivity

    name = demo.detail_variant
    figures = build_figures(demo, name, npv_sensitivity(demo, name), "nl")
    compared = [demo.reference.variant, *(r.variant for r in demo.results)]
    for key, variants in (("variant_comparison", compared), ("check_matrix", compared),
                          ("bill_change", compared[1:])):  # bills: the variants against the reference
        labels = [tick.get_text() for tick in figures[key].axes[0].get_yticklabels()]
        assert labels == [v.label("nl") for v in variants], key
    for figure in figures.values():
        plt.close(figure)


def test_variant_names_descriptions_and_steps_are_in_dutch(demo, pages):
    text = pages["nl"].text()
    variants = [demo.reference.variant, *(r.variant for r in demo.results)]
    for variant in variants:
        assert variant.name_nl and variant.name_nl in text, variant.name
        assert variant.description_nl in text, variant.name
        assert variant.description not in text, variant.name
        assert f"'{variant.name}'" not in text and f"| {variant.name} |" not in text, variant.name
    for step in demo.inputs.renovation_path.steps:
        assert step.label_nl in text and step.label not in text, step.label
    for words in ("as is", "pass", "fail", "warning", "natural (system A)", "roof insulation", "heat_pump_air_water",
                  "gas_boiler_condensing"):
        assert not re.search(rf"\b{re.escape(words)}\b", text), words


def test_no_python_repr_internal_name_or_notes_file(pages):
    for language, page in pages.items():
        shown = page.text()
        for pattern in (r"\bGrant\(", r"\('[^']+', -?\d", r"\bnan\b", r"\bNone\b", r"\bTrue\b", r"\bFalse\b",
                        r"klimaatfonds_phase", r"reduced_vat_6pct", r"\w+_eur\b", r"\w+_kwh\b", r"_frac\b"):
            assert not re.search(pattern, shown), (language, pattern)
        assert "FACTS.md" not in shown + " ".join(page.quoted), language  # the publications, not the notes file
        assert "## " not in shown, language  # no README fragments


YEAR_HEADERS = {"Year", "Jaar", "Year bought", "Aankoopjaar"}
"""Table columns that hold calendar years or years from the start."""


@pytest.mark.parametrize("language", ["en", "nl"])
def test_years_in_tables_are_plain_integers(pages, language):
    """Not "2,024.00": every cell under a year column is a whole number (or '–')."""
    html, checked = pages[language].html, 0
    for table in re.findall(r"<table[^>]*>(.*?)</table>", html, re.S):
        header = re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)
        columns = [i for i, h in enumerate(header) if h in YEAR_HEADERS]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]:
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            for i in columns:
                assert re.fullmatch(r"\d{1,4}|–", cells[i]), (header[i], cells[i])
                checked += 1
    assert checked > 20  # the cost table, the CO2 factors, the investments and the renovation path


def _numbers_text(page) -> str:
    """The page's text without the version number, the typology code, the Civil Code's article numbers, a cited
    table's number (IPCC's "tabel 1.4") and the licence's version (CC BY 4.0): dotted identifiers, not numbers."""
    return re.sub(r"BE\.N\.\S+|(?:art\.|tabel) \d+\.\d+|CC BY \d\.\d", "", page.text().replace(__version__, ""))


def test_numbers_money_and_dates_follow_flemish_conventions(pages):
    text = _numbers_text(pages["nl"])
    assert not re.search(r"\bEUR -?\d", text)  # money as € 6.000
    assert not re.search(r"(?<![\d.,])\d+\.\d{1,2}(?![\d.])", text)  # no decimal point (thousands have 3 digits)
    assert not re.search(r"(?<![\d.,])[1-9]\d{0,2}(?:,\d{3})+(?![\d,])(?! ?%)", text)  # no English thousands
    assert not re.search(r"\d%", text)  # a space before %
    assert re.search(r"€ \d{1,3}(?:\.\d{3})+(?![\d,])", text)  # € 257.135
    assert re.search(r"\d+,\d %", text)  # 2,0 %
    assert format_date(dt.date.today(), "nl") in pages["nl"].text("head")


def test_numbers_in_the_english_report_are_english(pages):
    text = _numbers_text(pages["en"])
    assert "€" not in text
    assert not re.search(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+,\d", text)  # no 1.234,5
    assert not re.search(r"(?<![\d.,])\d+,\d{1,2}(?![\d,])", text)  # no decimal comma
    assert re.search(r"EUR \d{1,3}(?:,\d{3})+\b", text)


def test_co2_in_the_renovation_path_is_in_tonnes(demo, pages):
    table = demo.path_table()
    first = table.iloc[0]
    text = pages["nl"].text("renovation_path")
    assert tx.LABELS["co2_t"][1] in text and "kg/jaar" not in text
    assert format_number(first["co2_kg"] / 1000.0, "nl", 1) in text


def test_formats_are_babel_nl_be():
    assert format_number(3318, "nl") == "3.318" and format_number(3318, "en") == "3,318"
    assert format_eur(6000, "nl") == "€ 6.000" and format_eur(-6000.4, "nl") == "€ -6.000"
    assert format_eur(6000, "en") == "EUR 6,000" and format_eur(-6000, "en") == "EUR -6,000"
    assert format_pct(0.015, "nl", 1) == "1,5 %" and format_pct(0.015, "en", 1) == "1.5 %"
    assert format_number(-0.004, "nl", 2) == "0,00"  # never "-0,00"
    assert format_date(dt.date(2026, 3, 1), "nl") == "1 maart 2026"
    assert format_date(dt.date(2026, 3, 1), "en") == "1 March 2026"


def test_numbers_print_as_babel_prints_them():
    """format_number writes Babel's characters (babel.numbers.format_decimal of the rounded value, en_GB and nl_BE):
    Python's own formatting below _plain_limit (rounding ties, 9.95 and 2.85 that Babel and Python round apart,
    negatives, the limit's edges), Babel's above it (1e23 is 10^23 to Babel, 99999999999999991611392 to Python)."""
    import random

    from babel.numbers import format_decimal

    from mgwsim._format import _decimal_pattern, _plain_limit, _rounded, locale_of

    rng = random.Random(7)
    values = [0.0, 0.5, 1.5, 2.5, 2.85, 9.95, 9.96, 99.95, 999.5, 1234.5, -1234.56, -0.04, 1e15, 1e23, 123456789.125]
    values += [k / 1000.0 for k in range(-3000, 3000, 7)]
    values += [rng.uniform(-1.0, 1.0) * 10.0 ** rng.uniform(-4.0, 17.0) for _ in range(4000)]
    for decimals in range(4):
        limit = _plain_limit(decimals)
        edges = [limit - 10.0 ** -decimals, -(limit - 10.0 ** -decimals), limit, 2.0 * limit]
        for value in values + edges:
            for language in ("en", "nl"):
                babel = format_decimal(_rounded(value, decimals), format=_decimal_pattern(decimals),
                                       locale=locale_of(language))
                assert format_number(value, language, decimals) == babel, (value, decimals, language)
    assert format_number(1e23, "en") == "100,000,000,000,000,000,000,000"


def test_sources_cite_the_publication_not_the_notes_file():
    # the data files name the publications themselves (tests/test_sources_cited.py); the report only tidies spaces
    assert src.publication_source("about 1200 EUR/kWp (VEA solar map assumptions);  scale ") == (
        "about 1200 EUR/kWp (VEA solar map assumptions); scale")
    assert src.publication_source("MV metering, Infrax 2015 connection sheet (old)") == (
        "MV metering, Infrax 2015 connection sheet (old)")


def test_investments_and_tariff_parameters_in_dutch():
    assert tx.item_label("heat pump space heating 2 (60 kW)", "nl") == "warmtepomp ruimteverwarming 2 (60 kW)"
    assert tx.item_label("buffer tank 2000 l", "nl") == "buffervat 2.000 l"
    assert tx.item_label("PV 30.0 kWp", "nl") == "zonnepanelen 30,0 kWp"
    boiler = "replacement of the existing gas boiler 150 kW (the existing one is due in year 8)"
    assert tx.item_label(boiler, "nl") == ("vervanging van de bestaande gasketel 150 kW (de bestaande is in jaar 8 aan "
                                           "vervanging toe)")
    assert tx.item_label("my own item", "nl") == "my own item"
    assert tx.item_label("PV 30.0 kWp", "en") == "PV 30.0 kWp"
    assert tx.tariff_parameter("excise_band_upto_3000_kwh", "nl") == ("Bijzondere accijns tot 3.000 kWh per jaar "
                                                                       "[EUR/kWh]")
    assert tx.rule_name("klimaatfonds_phase2_works", "nl") == "Antwerps Klimaatfonds, fase 2 (werken)"


# --------------------------------------------------------------------------- page one for the co-owners
@pytest.mark.parametrize("language", ["en", "nl"])
def test_page_one_speaks_plainly(demo, pages, language):
    text = pages[language].text("summary")
    for word in PAGE_ONE_JARGON:
        assert not re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE), word
    key = verdict_key(demo)
    assert tx.SENTENCES[f"plain_verdict_{key}"][language == "nl"] in text


def test_the_verdict_follows_the_decision_and_the_money(demo):
    name = demo.decision.recommended
    row = demo.table.loc[name]
    expected = ("profitable" if round(row["npv_before_grants_eur"]) >= 0 else
                "with_grant" if round(row["npv_eur"]) >= 0 else "needs_support")
    assert verdict_key(demo) == expected


@pytest.mark.parametrize("language", ["en", "nl"])
def test_page_one_gives_the_money_per_apartment_the_vote_and_the_risk(demo, pages, language):
    text, name = pages[language].text("summary"), demo.detail_variant
    split, variant = demo.per_apartment(name), demo.result(name).variant
    assert f"'{variant.label(language)}'" in text
    assert format_eur(split["net_up_front_eur"].iloc[0], language) in text
    assert format_eur(abs(split["recurring_change_eur"].iloc[0]) / 12.0, language) in text  # a month
    assert format_eur(split["investment_incl_vat_eur"].sum(), language) in text  # what the meeting votes on
    assert format_eur(demo.table.loc[name, "works_grants_eur"], language) in text
    from mgwsim.report.analysis import npv_sensitivity
    from mgwsim.report.summary import failing_today_only

    page = co_owner_page(demo, language, npv_sensitivity(demo, name))
    assert page.residents and page.vote and page.risk
    rests_on_path = bool(failing_today_only(demo, name))
    for step in demo.inputs.renovation_path.steps:
        label = step.label_nl if language == "nl" else step.label
        done_now = all(m in variant.envelope_now for m in step.measures)
        # the vote commits to the steps still to come (a step the variant does now is in its investment)
        assert (label in " ".join(page.vote)) != done_now, label
        if rests_on_path:  # the advice rests on the insulation steps: the risk names them
            assert label in page.risk


@pytest.fixture(scope="module")
def none_qualifies(weather):
    """The 1960s block without its renovation path: the hybrids keep the gas boiler for 12 % of the heat today
    (more than the call tolerates), so no variant qualifies."""
    from mgwsim.examples import ANTWERPEN, antwerp_block, antwerp_variants
    from mgwsim.study import Study, StudyInputs
    from mgwsim.weather import Weather

    reference, variants = antwerp_variants()
    chosen = [v for v in variants if v.name in ("heat pumps + boiler", "+ PV")]
    return Study(StudyInputs(antwerp_block(), Weather(weather.data, ANTWERPEN, weather.source)), reference,
                 chosen).run()


@pytest.mark.parametrize("language", ["en", "nl"])
def test_page_one_says_plainly_when_nothing_qualifies(none_qualifies, tmp_path, language):
    result = none_qualifies
    assert result.recommended is None and verdict_key(result) == "not_feasible"
    page = _Text(language)
    page.feed(write_report(result, tmp_path, language=language, hourly_in_workbook=False).html.read_text("utf-8"))
    text = page.text("summary")
    assert tx.SENTENCES["plain_verdict_not_feasible"][language == "nl"] in text
    for word in PAGE_ONE_JARGON:
        assert not re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE), word
    closest = result.result(result.detail_variant).variant
    assert f"'{closest.label(language)}'" in text
    assert tx.SENTENCES["vote_none_plain"][language == "nl"] in text
    for remedy in result.decision.remedies(language):  # what would make one qualify: in the engineer's part
        assert remedy in page.text("details")
    if language == "nl":
        assert _untranslated(page.text(), source=0) == []


# --------------------------------------------------------------------------- the review of the Dutch demo report
def test_the_building_is_named_in_the_readers_language(demo, pages):
    building = demo.inputs.building
    assert building.name_nl and building.name_nl != building.name
    assert building.name_nl in pages["nl"].html and building.name not in pages["nl"].html
    assert building.name in pages["en"].html and building.name_nl not in pages["en"].html


def test_every_data_note_of_the_dutch_report_is_in_dutch(pages):
    """No source note is left quoted in English: each comes from the notes catalogue in Dutch (class ``note``),
    the publications keep their own titles; the English report quotes the notes as written."""
    from mgwsim.report.notes_nl import source_note

    quoted = re.findall(r'<td class="cite" lang="en">(.*?)</td>', pages["nl"].html, re.S)
    assert quoted == []
    notes = re.findall(r'<td class="note">(.*?)</td>', pages["nl"].html, re.S)
    assert len(notes) > 100
    text = " ".join(notes)
    for english in ("not verified", "assumption:", "secondary:", "supplier rate card", "embedded default",
                    "municipality table", "each row's source"):
        assert english not in text, english
    assert '<td class="note">' not in pages["en"].html
    assert '<td class="cite" lang="en">' in pages["en"].html and "not verified" in pages["en"].text()
    # the catalogue keeps a note's years and translates a note part by part
    assert source_note("assumption: Fluxys transport component (not verified) (2026)", "nl") == (
        "aanname: transportcomponent van Fluxys (niet geverifieerd) (2026)", True)
    assert source_note("VAT 21 % on business supply; a VME is normally not VAT-liable, so VAT is a real cost", "nl")[1]
    assert source_note("a note nobody translated", "nl") == ("a note nobody translated", False)
    assert source_note("a note nobody translated", "en") == ("a note nobody translated", True)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_comparison_defines_the_yearly_cost_and_the_future_proof_score(pages, language):
    html = pages[language].html
    definitions = re.search(r'<p class="definitions" id="comparison-definitions">(.*?)</p>', html, re.S)
    assert definitions, language
    text = definitions.group(1)
    assert "r / (1 - (1 + r)^-N)" in text and "EN 15459-1:2017" in text
    assert ("Future-proof score" if language == "en" else "Toekomstbestendigheid") in text
    assert ("capped at 40" if language == "en" else "begrensd op 40") in text
    # right after the comparison table, where both indicators first appear
    assert html.index('id="comparison-table"') < html.index('id="comparison-definitions"')
    label = tx.LABELS["future_proof_score"][0 if language == "en" else 1]
    assert html.index(label) > html.index('id="comparison-table"')


def test_long_tables_break_between_rows_and_short_ones_stay_whole(pages):
    from mgwsim.report.html import LONG_TABLE_ROWS

    html = pages["nl"].html
    assert '<table id="sources-table" class="long">' in html
    for short in ("decision-table", "comparison-table"):
        assert f'<table id="{short}">' in html, short
    for table in re.findall(r"<table[^>]*>.*?</table>", html, re.S):
        rows = len(re.findall(r"<tr", table)) - 1
        assert ('class="long"' in table.split(">", 1)[0]) == (rows > LONG_TABLE_ROWS)
    css = re.sub(r"\s+", "", html)
    assert "thead{display:table-header-group}" in css
    assert "table.long{break-inside:auto;page-break-inside:auto}" in css
    assert "table.longtr{break-inside:avoid;page-break-inside:avoid}" in css


def test_the_roof_first_path_is_a_variant_with_its_cost(demo, pages):
    name = "roof first + heat pumps + boiler"
    variant = demo.result(name).variant
    assert variant.envelope_now and variant.name_nl in pages["nl"].text()
    roof = [i for i in demo.result(name).investments if i.name.startswith("roof insulation now")]
    assert len(roof) == 1 and roof[0].capex_eur > 0 and roof[0].first_year == 0
    assert "dakisolatie nu" in pages["nl"].text()


def test_the_dutch_page_one_names_tied_variants_in_dutch(demo):
    """The demo without 'roof first' has a tie at the top, broken by the payment up front: page one (the
    co-owners' part and the engineer's, as :func:`mgwsim.report.summary.page_one` returns it, before any
    replacement) and the decision's own tie text name every variant by its Dutch label, never by an English
    name that differs from it."""
    from dataclasses import replace

    from mgwsim.report.html import details_section, summary_section
    from mgwsim.report.summary import page_one

    early = {v.name for v in demo.study.variants if v.envelope_now}
    keep = [i for i, vr in enumerate(demo.results) if vr.variant.name not in early]
    tied = replace(demo, study=replace(demo.study, variants=tuple(v for v in demo.study.variants
                                                                   if v.name not in early)),
                   results=[demo.results[i] for i in keep], cases=[demo.cases[i] for i in keep],
                   **{f: {k: v for k, v in getattr(demo, f).items() if k not in early}
                      for f in ("paths", "twins", "states")})
    decision = tied.decision
    assert len(decision.tied) >= 2
    english = {vr.variant.name for vr in (tied.reference, *tied.results)
               if vr.variant.name != vr.variant.label("nl")}
    assert set(decision.tied) & english  # the tied variants have Dutch labels that differ
    page = co_owner_page(tied, "nl")
    texts = [p.text for p in page_one(tied, "nl")] + [p.text for p in (*page.verdict, page.advice, *page.money)]
    texts += [*page.residents, *page.vote, page.risk or ""]
    texts += [summary_section(tied, None, "nl").body, details_section(tied, None, "nl").body]
    labels = {vr.variant.name: vr.variant.label("nl") for vr in (tied.reference, *tied.results)}
    texts += [decision.tie_text("nl", labels), decision.reason("nl", labels)]
    tie = next(p.text for p in page_one(tied, "nl") if p.id == "tie")
    assert f"'{labels[decision.tied[0]]}' kost elk appartement" in tie or f"'{labels[decision.tied[0]]}' heeft" in tie
    for text in texts:
        for name in english:
            assert f"'{name}'" not in str(text), name
