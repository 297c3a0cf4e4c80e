"""The report's page from templates: branding checked and shown, a firm's own templates and style sheet, the
print style sheet, the [report] table of a study TOML and the PDF engine's absence said plainly.

These tests render the page template with a constructed context (no study is run); the report of a real study,
branded and printed to PDF, is tested in ``test_report.py``.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import Markup

from mgwsim import Branding, InputError, ReportSettings
from mgwsim.report import layout
from mgwsim.report.html import document_facts, issue_line

ROOT = Path(__file__).resolve().parents[1]
PNG_1PX = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


@pytest.fixture
def logo(tmp_path) -> Path:
    path = tmp_path / "logo.png"
    path.write_bytes(PNG_1PX)
    return path


@pytest.fixture
def branding(logo) -> Branding:
    return Branding(firm="Studiebureau Schelde & Co", logo=logo, author="Ir. A. Peeters",
                    client="VME <Zonneveld>", project_number="2026-017", version="1.0", date=dt.date(2026, 12, 6),
                    disclaimer="Indicative study; <b>not</b> a design.")


def _context(branding: Branding, env, *, language: str = "en", stylesheet=None) -> dict:
    sections = [layout.Section("summary", "Summary", Markup("<p>first</p>")),
                layout.Section("sources", "Data sources", Markup("<table id='t'><tr><td>x</td></tr></table>"))]
    return {"language": language, "title": "Feasibility study", "building": "Block <A>", "subtitle": "Heat pumps",
            "generated": "Generated.", "chosen": "Variant: x", "branding": branding, "logo": branding.logo_data_uri(),
            "facts": document_facts(branding, language), "issue": issue_line(branding, language),
            "labels": {"contents": "Contents"}, "css": layout.stylesheets(env, stylesheet), "sections": sections}


def _render(branding: Branding, *, template_dir=None, stylesheet=None, language: str = "en") -> str:
    env = layout.environment(template_dir)
    return layout.render_page(env, _context(branding, env, language=language, stylesheet=stylesheet))


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def _elements(html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(html)
    return parser.elements


# --------------------------------------------------------------------------- branding
def test_branding_is_shown_escaped_in_the_title_block_and_the_end_note(branding):
    html = _render(branding)
    title_block = html.split('<nav id="toc"', 1)[0]
    for text in ("Studiebureau Schelde &amp; Co", "Ir. A. Peeters", "VME &lt;Zonneveld&gt;", "2026-017",
                 "Version 1.0, 6 December 2026", "Indicative study; &lt;b&gt;not&lt;/b&gt; a design.",
                 "Block &lt;A&gt;"):
        assert text in title_block, text
    assert "<Zonneveld>" not in html and "<b>not</b>" not in html
    end_note = html.split('<footer class="end-note">', 1)[1]
    assert "Studiebureau Schelde &amp; Co" in end_note and "Indicative study" in end_note


def test_the_logo_is_embedded_as_a_data_uri(branding, logo):
    images = [attrs for tag, attrs in _elements(_render(branding)) if tag == "img"]
    assert [a["class"] for a in images] == ["logo"]
    assert images[0]["src"] == "data:image/png;base64," + base64.b64encode(logo.read_bytes()).decode()


def test_an_svg_logo_has_its_media_type(tmp_path):
    path = tmp_path / "logo.svg"
    path.write_text(SVG, encoding="utf-8")
    assert Branding(logo=path).logo_data_uri().startswith("data:image/svg+xml;base64,")


def test_without_branding_the_title_block_has_no_empty_rows():
    html = _render(Branding(date=dt.date(2026, 1, 2)))
    assert 'class="document-facts"' not in html and "<img" not in html and 'class="end-note"' not in html
    assert "2 January 2026" in html  # the date alone in the issue line


def test_the_title_block_speaks_dutch(branding):
    html = _render(branding, language="nl")
    for label in ("Opdrachtgever", "Auteur", "Projectnummer", "Versie 1.0, 6 december 2026"):
        assert label in html, label


@pytest.mark.parametrize(("field", "value", "message"), [
    ("firm", 3, "Branding.firm must be a string, got 3 (int)"),
    ("version", 1.0, "Branding.version must be a string, got 1.0 (float)"),
    ("date", "6/12/2026", "Branding.date must be a date (datetime.date, or ISO text such as '2026-12-06'), "
                          "got '6/12/2026'"),
    ("logo", 42, "Branding.logo must be a file path, got 42 (int)"),
    ("logo", "firm.gif", "Branding.logo = 'firm.gif': unknown image type '.gif'; allowed: .png, .svg"),
    ("logo", "missing.png", "Branding.logo = 'missing.png': no such file"),
])
def test_bad_branding_names_the_field_the_value_and_what_is_allowed(field, value, message):
    with pytest.raises(InputError, match=re.escape(message)):
        Branding(**{field: value})


def test_a_logo_that_is_not_what_its_name_says_is_refused(tmp_path):
    fake_png, fake_svg = tmp_path / "logo.png", tmp_path / "logo.svg"
    fake_png.write_text("not an image", encoding="utf-8")
    fake_svg.write_bytes(PNG_1PX)
    with pytest.raises(InputError, match=r"logo\.png' is not a PNG image"):
        Branding(logo=fake_png)
    with pytest.raises(InputError, match=r"logo\.svg' is not an SVG image"):
        Branding(logo=fake_svg)


def test_a_date_as_iso_text_or_datetime_becomes_a_date():
    assert Branding(date="2026-12-06").date == dt.date(2026, 12, 6)
    assert Branding(date=dt.datetime(2026, 12, 6, 10, 30)).date == dt.date(2026, 12, 6)
    assert Branding().report_date() == dt.date.today()


# --------------------------------------------------------------------------- contents and sections
def test_contents_link_to_every_section_in_order(branding):
    elements = _elements(_render(branding))
    sections = [attrs["id"] for tag, attrs in elements if tag == "section"]
    links = [attrs["href"] for tag, attrs in elements if tag == "a"]
    assert sections == ["summary", "sources"]
    assert links == ["#summary", "#sources"]


# --------------------------------------------------------------------------- a firm's templates and style sheet
def test_a_firm_folder_replaces_the_style_sheet(tmp_path, branding):
    (tmp_path / "report.css").write_text("body{color:#123456}", encoding="utf-8")
    html = _render(branding, template_dir=tmp_path)
    assert "body{color:#123456}" in html and "@page" not in html


def test_a_firm_template_extends_the_packaged_one(tmp_path, branding):
    (tmp_path / "report.html.j2").write_text(
        '{% extends "mgwsim/report.html.j2" %}{% block contents %}<p class="firm-note">{{ branding.firm }}</p>'
        "{% endblock %}", encoding="utf-8")
    html = _render(branding, template_dir=tmp_path)
    assert '<p class="firm-note">Studiebureau Schelde &amp; Co</p>' in html
    assert 'id="toc"' not in html and '<section id="summary">' in html and "@page" in html


def test_a_stylesheet_is_added_after_the_packaged_one(tmp_path, branding):
    extra = tmp_path / "firm.css"
    extra.write_text("h1{color:#ff8800}", encoding="utf-8")
    html = _render(branding, stylesheet=extra)
    assert html.index("@page") < html.index("h1{color:#ff8800}")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"template_dir": "no/such/folder"}, "write_report.template_dir = 'no/such/folder' is not a folder"),
    ({"stylesheet": "no/such.css"}, "write_report.stylesheet = 'no/such.css': no such file"),
])
def test_missing_templates_or_stylesheets_are_named(kwargs, message, branding):
    with pytest.raises(InputError, match=re.escape(message)):
        _render(branding, **kwargs)


def test_a_stylesheet_cannot_close_the_style_element(tmp_path, branding):
    extra = tmp_path / "firm.css"
    extra.write_text("h1{}</style><script>alert(1)</script>", encoding="utf-8")
    with pytest.raises(InputError, match="contains '</style'"):
        _render(branding, stylesheet=extra)


def test_a_broken_firm_template_is_an_input_error_with_its_line(tmp_path, branding):
    (tmp_path / "report.html.j2").write_text("<html>\n{% if %}\n</html>", encoding="utf-8")
    with pytest.raises(InputError, match=r"report template \S*report\.html\.j2, line 2: Expected an expression"):
        _render(branding, template_dir=tmp_path)
    (tmp_path / "report.html.j2").write_text("{{ no_such_value }}", encoding="utf-8")
    with pytest.raises(InputError, match=r"'no_such_value' is undefined; the page's values are: .*branding"):
        _render(branding, template_dir=tmp_path)


# --------------------------------------------------------------------------- print style sheet
def test_the_print_style_sheet_sets_a4_page_numbers_and_whole_tables():
    css = (Path(layout.__file__).parent / "templates" / "report.css").read_text(encoding="utf-8")
    assert re.search(r"@page\{size:A4;margin:", css)
    assert 'counter(page) " / " counter(pages)' in css
    print_rules = css.split("@media print{", 1)[1]
    assert re.search(r"table,figure,[^{]*\{break-inside:avoid", print_rules)
    assert re.search(r"h1,h2,h3[^{]*\{break-after:avoid", print_rules)
    assert "thead{display:table-header-group}" in print_rules
    assert "details::details-content{content-visibility:visible" in print_rules
    assert "target-counter(attr(href), page)" in print_rules


# --------------------------------------------------------------------------- [report] in a study TOML
def _config_with(tmp_path, report_table: str):
    from mgwsim.config import load_config

    text = (ROOT / "examples" / "antwerp_1960s.toml").read_text(encoding="utf-8")
    path = tmp_path / "study.toml"
    path.write_text(text + "\n" + report_table, encoding="utf-8")
    return load_config(path)


def test_the_report_table_of_a_study_toml(tmp_path):
    (tmp_path / "brand").mkdir()
    (tmp_path / "brand" / "logo.png").write_bytes(PNG_1PX)
    (tmp_path / "brand" / "firm.css").write_text("h1{}", encoding="utf-8")
    config = _config_with(tmp_path, '[report]\nfirm = "Schelde"\nlogo = "brand/logo.png"\nauthor = "A. Peeters"\n'
                                    'client = "VME Zonneveld"\nproject_number = "2026-017"\nversion = "1.0"\n'
                                    'date = 2026-12-06\ndisclaimer = "Indicative."\ntemplate_dir = "brand"\n'
                                    'stylesheet = "brand/firm.css"\npdf = true\n')
    expected = ReportSettings(Branding(firm="Schelde", logo=tmp_path / "brand" / "logo.png", author="A. Peeters",
                                       client="VME Zonneveld", project_number="2026-017", version="1.0",
                                       date=dt.date(2026, 12, 6), disclaimer="Indicative."),
                              template_dir=tmp_path / "brand", stylesheet=tmp_path / "brand" / "firm.css", pdf=True)
    assert config.report == expected


def test_a_study_toml_without_report_table_has_no_branding(tmp_path):
    assert _config_with(tmp_path, "").report == ReportSettings()


@pytest.mark.parametrize(("table", "message"), [
    ('[report]\nfirm = 3\n', "report.firm must be a string, got 3 (integer)"),
    ('[report]\nlogo = "nope.png"\n', "report.logo = 'nope.png': no such file"),
    ('[report]\ntemplate_dir = "nope"\n', "report.template_dir = 'nope': no such folder"),
    ('[report]\npdf = "yes"\n', "report.pdf must be true or false, got 'yes' (string)"),
    ('[report]\ndate = "06/12/2026"\n', "report: Branding.date must be a date"),
    ('[report]\nfrim = "Schelde"\n', "report: unknown key 'frim'; allowed keys: author, client, "
                                       "connection_max_extra_backup_share, connection_tolerance_kw, date"),
])
def test_a_bad_report_table_names_the_key(tmp_path, table, message):
    with pytest.raises(InputError, match=re.escape(message)):
        _config_with(tmp_path, table)


# --------------------------------------------------------------------------- the PDF engine missing
def test_a_missing_pdf_engine_is_said_plainly(monkeypatch):
    from mgwsim.report.pdf import PdfUnavailable, pdf_engine

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint raises ImportError
    with pytest.raises(PdfUnavailable, match=r"needs WeasyPrint, which is not installed: install the optional "
                                             r"extra with pip install 'mgwsim\[pdf\]'"):
        pdf_engine()


def test_the_cli_says_so_before_running_the_study(monkeypatch, tmp_path, capsys):
    from mgwsim import cli
    from mgwsim.study import Study

    monkeypatch.setitem(sys.modules, "weasyprint", None)
    monkeypatch.setattr(Study, "run", lambda *a, **k: pytest.fail("the study ran although the PDF cannot be written"))
    status = cli.main(["study", str(ROOT / "examples" / "antwerp_1960s.toml"), "-o", str(tmp_path), "--pdf"])
    assert status == cli.EXIT_BAD_INPUT
    assert capsys.readouterr().err.startswith("mgwsim: the PDF report needs WeasyPrint, which is not installed")


def test_write_report_refuses_a_pdf_without_engine_before_computing(monkeypatch, tmp_path):
    from mgwsim.report import PdfUnavailable, write_report

    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with pytest.raises(PdfUnavailable):
        write_report(object(), tmp_path, pdf=True)  # refused before the result is looked at
    assert list(tmp_path.iterdir()) == []
