"""The self-contained HTML report: sections with stable ids, figures as base-64 PNG, inline CSS.

The content of every section is built here; the page around it (title block with the firm's
:class:`~mgwsim.Branding`, table of contents, style sheet, print layout) is the Jinja2 template
of :mod:`mgwsim.report.layout`, which a firm may replace. The page has no external resource (no
scripts, fonts or images loaded from elsewhere; the logo is a data URI), so it can be mailed to
the co-owners and attached to a subsidy application as it is.
"""

from __future__ import annotations

import datetime as dt
from html import escape

import jinja2
import numpy as np
import pandas as pd
from markupsafe import Markup

from mgwsim._format import format_date, in_language
from mgwsim.branding import Branding
from mgwsim.errors import InputError
from mgwsim.report import analysis as a
from mgwsim.report import sources as src
from mgwsim.report.layout import Section, environment, render_page, stylesheets
from mgwsim.report.notes_nl import source_note
from mgwsim.report.sentences import key_name
from mgwsim.report.summary import (
    co_owner_page,
    conditions_paragraph,
    localized,
    page_one,
    path_end,
    step_label,
    variant_label,
    verdict_items,
)
from mgwsim.report.text import (
    GLOSSARY,
    LABELS,
    SENTENCES,
    caption,
    check_label,
    item_label,
    rule_name,
    check_sentence,
    format_eur,
    format_number,
    format_pct,
    status_label,
    t,
)
from mgwsim.study.decision import condition_text  # the decision's words for a failed call condition

STATUS_CLASSES = ("pass", "warn", "fail")

SECTIONS = ("summary", "details", "comparison", "systems", "energy", "connection", "heat_pump", "economics",
            "application", "lock_in", "renovation_path", "monitoring_plan", "building", "sources")
"""Section ids of the report, in page order."""

FIGURE_SECTIONS = {
    "comparison": ("variant_comparison",),
    "energy": ("monthly_balance", "load_duration", "carpet_grid"),
    "heat_pump": ("carpet_heat_pump", "cop", "supply_temperature"),
    "economics": ("cash_flows", "tornado", "npv_band", "bill_change"),
    "lock_in": ("check_matrix",),
}
FIGURES = tuple(f for figures in FIGURE_SECTIONS.values() for f in figures)
"""Figure names (``data-figure`` attributes) of the report."""

COMPARISON_ROWS = (
    ("investment_eur", "eur"), ("works_grants_eur", "eur"), ("study_grants_eur", "eur"), ("npv_eur", "eur"),
    ("gap_before_grants_eur", "eur"), ("subsidy_gap_eur", "eur"), ("payback_years", "1"),
    ("annual_energy_cost_eur", "eur"), ("annual_cost_per_apartment_eur", "eur"),
    ("reference_annual_cost_per_apartment_eur", "eur"), ("spf_h2", "2"),
    ("backup_share", "pct"), ("cold_hours", "0"), ("min_operative_degc", "1"), ("co2_t", "1"), ("co2_reduction", "pct"), ("epc_kwh_m2", "0"),
    ("epc_label", "str"), ("self_consumption", "pct"), ("peak_import_kw", "0"), ("future_proof_score", "0"),
)
"""Rows of the comparison table: table column and format."""

# --------------------------------------------------------------------------- small builders
def _cell(value, kind: str, language: str) -> tuple[str, str]:
    """Text and CSS class of one table cell."""
    if kind == "eur":
        return format_eur(value, language), "num"
    if kind == "pct":
        return format_pct(value, language), "num"
    if kind == "str":
        return ("–" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)), ""
    return format_number(value, language, int(kind)), "num"


CITATION_LANGUAGE = "en"
"""The language of the data files' source notes, which the report quotes as written (a cell of class ``cite``
carries ``lang="en"``, so that a reader, a screen reader and the tests know it is a quotation)."""


def cite(text, language: str = CITATION_LANGUAGE) -> tuple[str, str]:
    """A data file's source note as a table cell: in ``language`` when the catalogue of notes has it
    (:func:`mgwsim.report.notes_nl.source_note`, class ``note``), else quoted as written
    (:data:`CITATION_LANGUAGE`, class ``cite``)."""
    shown = str(text) if text not in (None, "") else "–"
    if language != CITATION_LANGUAGE:
        note, translated = source_note(shown, language)
        if translated:
            return note, "note"
    return shown, "cite"


LONG_TABLE_ROWS = 25
"""A table with more rows is ``class="long"``: in print it may break between rows, its header repeated on
each page (report.css); shorter tables are kept whole on one page."""


def table_html(header: list[str], rows: list[list], *, row_classes: list[str] | None = None, attrs: str = "") -> str:
    """An HTML table; cells are text (escaped) or ``(text, css_class)`` pairs (class ``cite``: :func:`cite`).
    More than :data:`LONG_TABLE_ROWS` rows make it ``class="long"`` (breakable between rows in print)."""
    if len(rows) > LONG_TABLE_ROWS and "class=" not in attrs:
        attrs = f'{attrs} class="long"'.strip()
    head = "".join(f"<th>{escape(str(h))}</th>" for h in header)
    body = []
    for i, row in enumerate(rows):
        cells = []
        for cell in row:
            text, cls = cell if isinstance(cell, tuple) else (cell, "")
            lang = f' lang="{CITATION_LANGUAGE}"' if cls == "cite" else ""
            cells.append(f'<td class="{cls}"{lang}>{escape(str(text))}</td>' if cls else f"<td>{escape(str(text))}</td>")
        cls = f' class="{row_classes[i]}"' if row_classes and row_classes[i] else ""
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    return f"<table {attrs}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def frame_html(frame: pd.DataFrame, language: str, *, decimals: int = 2, attrs: str = "",
               percent: tuple = (), cited: tuple = ()) -> str:
    """A DataFrame as a table with the index as first column, numbers in the language's format: years
    (a column named year, jaar or calendar_year) as plain integers, the columns in ``percent``
    (shares [-]) as %."""
    header = [frame.index.name or "", *map(str, frame.columns)]
    rows = []
    for label, row in frame.iterrows():
        cells = [" / ".join(map(str, label)) if isinstance(label, tuple) else str(label)]
        for column, value in row.items():
            cells.append(cite(value, language) if column in cited else _value_cell(value, str(column), language, decimals,
                                                                         column in percent))
        rows.append(cells)
    return table_html(header, rows, attrs=attrs)


def _value_cell(value, column: str, language: str, decimals: int, percent: bool):
    is_number = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))
    if not is_number:
        return "–" if value is None else str(value)
    if percent:
        return format_pct(value, language, 1), "num"
    if column.lower() in ("year", "jaar", "calendar_year") and float(value).is_integer():
        return str(int(value)), "num"
    return format_number(value, language, decimals), "num"


def figure_html(name: str, png_base64: str, language: str, **values) -> str:
    """A ``<figure>`` with the embedded PNG and its caption (formatted with ``values``)."""
    alt = escape(t(f"fig_{name}", language))
    return (f'<figure id="fig-{name}" data-figure="{name}"><img alt="{alt}" src="data:image/png;base64,{png_base64}">'
            f"<figcaption>{escape(caption(name, language, **values))}</figcaption></figure>")


def _section(section_id: str, title: str, body: str) -> Section:
    """A section of the page (the ``<section>`` and its heading are written by the template)."""
    return Section(section_id, title, Markup(body))


def _p(text: str) -> str:
    return f"<p>{escape(text)}</p>"


# --------------------------------------------------------------------------- summary (page one)
def _sentence(paragraph, strong: bool = False) -> str:
    text = escape(paragraph.text)
    return f'<p data-sentence="{escape(paragraph.id)}">{f"<strong>{text}</strong>" if strong else text}</p>'


def _list_html(list_id: str, title: str, items: list[str]) -> str:
    return (f'<p id="{list_id}-title"><strong>{escape(title)}</strong></p><ul id="{list_id}">'
            + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>")


def summary_section(result, sensitivity: pd.DataFrame | None, language: str, connections=None) -> Section:
    """Page one for the co-owners in plain words (:func:`mgwsim.report.summary.co_owner_page`): the verdict,
    the advice, the money per apartment, what changes for the residents (with the smallest grid connection of
    the detailed variant when ``connections`` holds it), what the general meeting votes on and the main risk."""
    connection = (connections or {}).get(result.detail_variant)
    page = co_owner_page(result, language, sensitivity, connection=connection)
    parts = [_sentence(page.verdict[0], strong=True), *map(_sentence, page.verdict[1:]),
             _sentence(page.advice), *map(_sentence, page.money),
             _list_html("residents", in_language(SENTENCES["plain_residents"], language), page.residents),
             _list_html("vote", in_language(SENTENCES["plain_vote"], language), page.vote)]
    if page.risk is not None:
        parts.append(f'<p id="main-risk" data-sentence="plain-risk">'
                     f'{escape(in_language(SENTENCES["plain_risk"], language).format(risk=page.risk))}</p>')
    parts.append(f'<p class="note">{escape(in_language(SENTENCES["plain_more_details"], language))}</p>')
    return _section("summary", t("sec_summary", language), f'<div class="summary">{"".join(parts)}</div>')


def details_section(result, sensitivity: pd.DataFrame | None, language: str) -> Section:
    """The engineer's reading of the advice (:func:`mgwsim.report.summary.page_one`): every sentence generated
    from the figures it states, the checks at the end of the renovation path, and the words explained."""
    parts = []
    for paragraph in page_one(result, language, sensitivity):
        text = escape(localized(paragraph.text, result, language))
        if paragraph.id == "recommendation":
            parts.append(f'<p id="recommendation" data-sentence="recommendation"><strong>{text}</strong></p>')
        else:
            parts.append(f'<p data-sentence="{escape(paragraph.id)}">{text}</p>')
    heading, items = verdict_items(result, result.detail_variant, language)
    parts.append(f'<p id="verdicts">{escape(heading)}</p>')
    if items:
        parts.append('<ul id="risks">' + "".join(
            f'<li class="{status}"><strong>{escape(label)} ({escape(status_label(status, language))})</strong>: '
            f"{escape(localized(text, result, language))}</li>" for label, status, text in items) + "</ul>")
    terms = "".join(f"<dt>{escape(pair[2] if language == 'nl' else pair[0])}</dt>"
                    f"<dd>{escape(pair[3] if language == 'nl' else pair[1])}</dd>" for pair in GLOSSARY.values())
    parts.append(f'<h3>{escape(t("glossary", language))}</h3><dl id="glossary">{terms}</dl>')
    return _section("details", t("sec_details", language), f'<div class="summary">{"".join(parts)}</div>')


# --------------------------------------------------------------------------- comparison: the decision
def shortfall_label(shortfall, language: str) -> str:
    """A shortfall of the decision in a few words (comfort, hot water, a lock-in check, not eligible: the
    failed condition itself is in the eligibility column, :func:`failed_condition_texts`)."""
    key = shortfall.key
    if key.startswith("eligibility:"):
        return t("short_eligibility", language)
    if f"short_{key}" in LABELS:
        return t(f"short_{key}", language)
    return check_label(key, language)


def condition_label(name: str, language: str) -> str:
    """A subsidy condition's name in a few words."""
    return t(f"cond_{name}", language) if f"cond_{name}" in LABELS else name.replace("_", " ")


def failed_condition_texts(row, language: str) -> list[str]:
    """The call's failed conditions of one decision row in plain words, as the decision words them
    (:mod:`mgwsim.study.decision`): e.g. "the call asks for a path to an EPC indicator of at most
    100 kWh/m² or a chimney-free building; after the renovation path the indicator is 117 kWh/m² and a gas
    boiler stays"."""
    return [in_language(condition_text(name, row, en, nl), language) for name, en, nl in row["failed_conditions"]]


def _reason(note, language: str) -> str:
    return "–" if note is None else (note.nl if language == "nl" else note.en)


def decision_rows(result, language: str) -> list[list]:
    """One row per variant: qualifies, shortfalls, eligibility, criterion value and rank, gap, grant, share of
    the gap covered, CO2 avoided, gap per tonne, NPV, IRR or its reason, payback or its reason."""
    decision, table = result.decision, result.table
    rows = []
    for vr, case in zip(result.results, result.cases, strict=True):
        name = vr.variant.name
        d, row = decision.table.loc[name], table.loc[name]
        qualifies = bool(d["qualifies"])
        if d["eligible"] is None:
            eligible = "–"
        elif bool(d["eligible"]):
            eligible = t("yes", language)
        else:
            eligible = t("no", language) + ": " + "; ".join(failed_condition_texts(d, language))
        rank = d["rank"]
        rows.append([
            vr.variant.label(language),
            (t("yes" if qualifies else "no", language), "pass" if qualifies else "fail"),
            "; ".join(dict.fromkeys(shortfall_label(f, language) for f in d["shortfalls"])) or "–",
            eligible,
            (decision.criterion_text(name, language), "num"),
            ("–" if np.isnan(rank) else str(int(rank)), "num"),
            _cell(row["gap_before_grants_eur"], "eur", language),
            _cell(row["works_grants_eur"], "eur", language),
            _cell(row["gap_covered_frac"], "pct", language),
            _cell(row["co2_avoided_t"], "0", language),
            _cell(row["gap_per_t_co2_eur"], "eur", language),
            _cell(row["npv_eur"], "eur", language),
            (format_pct(case.irr_frac, language, 1), "num") if case.irr_frac is not None
            else _reason(case.irr_note, language),
            (format_number(case.payback_years, language, 1), "num") if case.payback_years is not None
            else _reason(case.payback_note, language),
        ])
    return rows


DECISION_HEADER = ("variant", "qualifies", "shortfalls", "eligible_call", "criterion_value", "rank",
                   "gap_before_grants_eur", "works_grants_eur", "gap_covered_frac", "co2_avoided_t",
                   "gap_per_t_co2_eur", "npv_eur", "irr", "payback_years")
"""Columns of the decision table (label keys)."""


def comparison_section(result, figures: dict, language: str) -> Section:
    """The decision (criterion, per variant qualification and rank, money and CO2), the comparison table
    (indicators × variants) and the comparison chart."""
    decision, rules = result.decision, result.study.rules
    criterion = rules.ranking.text_nl if language == "nl" else rules.ranking.text_en
    body = f"<h3>{escape(t('decision', language))}</h3>"
    conditions = conditions_paragraph(result, language, path_end(result, result.detail_variant)[0])
    body += _p(conditions.text) + _p(t("decision_note", language, criterion=criterion))
    recommended = decision.recommended
    classes = ["recommended" if r.variant.name == recommended else "" for r in result.results]
    body += table_html([t(c, language) for c in DECISION_HEADER], decision_rows(result, language), row_classes=classes,
                       attrs='id="decision-table"')
    table, ref = result.table, result.reference.variant.name
    labels = {n: variant_label(result, n, language) for n in table.index}
    header = [t("variant", language)] + [
        f"{labels[n]} ({t('reference_label', language)})" if n == ref and "referen" not in labels[n].lower() else
        f"{labels[n]} ({t('recommended_mark', language)})" if n == recommended else labels[n] for n in table.index]
    rows = [[t(column, language)] + [_cell(table.loc[n, column], kind, language) for n in table.index]
            for column, kind in COMPARISON_ROWS if column in table]
    body += f"<h3>{escape(t('indicators', language))}</h3>" + table_html(header, rows, attrs='id="comparison-table"')
    finance = result.inputs.finance
    body += (f'<p class="definitions" id="comparison-definitions">'
             f'{escape(t("comparison_definitions", language, years=finance.horizon_years, apartments=finance.n_apartments, rate=format_pct(finance.discount_rate_frac, language, 1)))}</p>')
    body += figure_html("variant_comparison", figures["variant_comparison"], language)
    return _section("comparison", t("sec_comparison", language), body)


def _figures_section(section_id: str, title: str, figures: dict, language: str, intro: str = "") -> Section:
    body = intro + "".join(figure_html(name, figures[name], language) for name in FIGURE_SECTIONS[section_id])
    return _section(section_id, title, body)


# --------------------------------------------------------------------------- economics
ONE_OFF_COLUMNS = ("investment_incl_vat_eur", "study_cost_eur", "works_grants_eur", "study_grants_eur",
                   "net_up_front_eur", "reference_investment_incl_vat_eur", "extra_up_front_eur",
                   "later_one_off_change_eur")
YEARLY_COLUMNS = ("bill_before_eur", "bill_after_eur", "bill_change_eur", "maintenance_change_eur",
                  "replacements_change_eur", "recurring_change_eur")
HORIZON_COLUMNS = ("npv_eur", "payback_years")


def per_apartment_html(result, name: str, language: str) -> str:
    """The per-apartment split of ``name``: one-off amounts, yearly changes and the horizon, with the key."""
    split = result.per_apartment(name)
    key = key_name(split.attrs.get("key", "floor_area"), language)
    body = f"<h3>{escape(t('table_per_apartment', language, name=variant_label(result, name, language)))}</h3>"
    body += _p(t("per_apartment_note", language, key=key))
    for title, columns, table_id in (("one_off", ONE_OFF_COLUMNS, "per-apartment-table"),
                                     ("yearly", YEARLY_COLUMNS, "per-apartment-yearly-table"),
                                     ("over_horizon", HORIZON_COLUMNS, "per-apartment-horizon-table")):
        frame = split[list(columns)].rename(columns=lambda c: t(f"apt_{c}", language))
        body += (f"<details open><summary>{escape(t(title, language))}</summary>"
                 + frame_html(frame.rename_axis(t("apartment", language)), language, attrs=f'id="{table_id}"')
                 + "</details>")
    return body


def subsidies_html(result, name: str, language: str) -> str:
    """The subsidy application of ``name``: study money and the requested works grant with their
    eligibility and reasons, every condition, and the VAT per option."""
    case = result.case(name)
    subsidies = case.subsidies
    body = f"<h3>{escape(t('subsidy_application', language, name=variant_label(result, name, language)))}</h3>"
    works = subsidies.by_year("works")
    body += _p(t("subsidy_summary", language, study=format_eur(subsidies.study_eur, language),
                 cost=format_eur(result.inputs.study_cost_incl_vat_eur, language),
                 works=format_eur(subsidies.works_eur, language),
                 schedule=", ".join(f"{t('year', language).lower()} {y}: {format_eur(v, language)}"
                                    for y, v in sorted(works.items()) if v) or "–"))
    frame = subsidies.to_frame()
    rows = [[rule_name(rule, language), t(f"kind_{row['kind']}", language),
             (t("yes" if row["eligible"] else "no", language), "pass" if row["eligible"] else "fail"),
             _cell(row["amount_eur"], "eur", language), _cell(row["cap_eur"], "eur", language),
             row["reason_nl"] if language == "nl" else row["reason_en"]] for rule, row in frame.iterrows()]
    body += table_html([t(c, language) for c in ("rule", "kind", "eligible", "amount_eur", "cap_eur", "reason")], rows,
                       attrs='id="subsidy-table"')
    conditions = subsidies.conditions_frame()
    rows = [[rule_name(rule, language), condition_label(condition, language),
             (t(f"cond_status_{row['status']}", language), "pass" if row["status"] == "met" else "fail"),
             row["reason_nl"] if language == "nl" else row["reason_en"]]
            for (rule, condition), row in conditions.iterrows()]
    body += (f"<details><summary>{escape(t('conditions', language))}</summary>"
             + table_html([t(c, language) for c in ("rule", "condition", "status", "reason")], rows,
                          attrs='id="conditions-table"') + "</details>")
    vat = case.vat_frame()
    rows = [[t("variant" if option == "variant" else "reference_label", language), t(f"vat_{vat_class}", language),
             _cell(row["excl_vat_eur"], "eur", language), _cell(row["vat_frac"], "pct", language),
             _cell(row["vat_eur"], "eur", language)]
            for (option, vat_class), row in vat.iterrows() if row["excl_vat_eur"] > 0]
    body += f"<h3>{escape(t('vat_per_option', language))}</h3>"
    body += table_html([t(c, language) for c in ("option", "vat_class", "excl_vat_eur", "vat_rate", "vat_eur")], rows,
                       attrs='id="vat-table"')
    return body


INVESTMENT_HEADER = ("inv_option", "inv_item", "inv_year_bought", "inv_kind", "inv_capex_excl_vat_eur", "inv_vat_class",
                     "inv_vat_frac", "inv_capex_incl_vat_eur", "inv_lifetime_years", "inv_maintenance_frac",
                     "inv_source")
"""Columns of the investments table (label keys)."""


def investments_html(result, name: str, language: str) -> str:
    """Every item the variant ``name`` and the reference buy (:func:`mgwsim.report.analysis.investments_frame`),
    collapsed: year bought, one-off or asset, price excl. VAT, VAT class and rate, incl. VAT, lifetime,
    maintenance, source."""
    frame = a.investments_frame(result, [name])
    ref = result.reference.variant.name
    rows = [[t("reference_label", language) if row["variant"] == ref else variant_label(result, row["variant"], language),
             item_label(row["item"], language),
             (str(row["year_bought"]), "num"), t(f"kind_{row['kind'].replace('-', '_')}", language),
             _cell(row["capex_excl_vat_eur"], "eur", language), t(f"vat_{row['vat_class']}", language),
             _cell(row["vat_frac"], "pct", language), _cell(row["capex_incl_vat_eur"], "eur", language),
             ("–" if row["lifetime_years"] is None or pd.isna(row["lifetime_years"])
              else (str(int(row["lifetime_years"])), "num")),
             (format_pct(row["maintenance_frac_per_year"], language, 1), "num"),
             cite(src.publication_source(row["source"]), language)]
            for _, row in frame.iterrows()]
    title = t("investments_title", language, name=variant_label(result, name, language))
    return (f"<details id=\"investments\"><summary>{escape(title)}</summary>"
            + _p(t("investments_note", language))
            + table_html([t(c, language) for c in INVESTMENT_HEADER], rows, attrs='id="investments-table"')
            + "</details>")


def economics_section(result, name: str, sensitivity: pd.DataFrame, figures: dict, language: str) -> Section:
    """Cash flows, tornado (with its method and table), the per-apartment split, the investments of the
    variant and the reference, the subsidy application and the VAT per option."""
    body = figure_html("cash_flows", figures["cash_flows"], language)
    body += figure_html("tornado", figures["tornado"], language)
    sens = sensitivity[["npv_low_eur", "npv_high_eur"]].copy()
    rows = [[t(f"sens_{p}", language), (format_eur(r["npv_low_eur"], language), "num"),
             (format_eur(r["npv_high_eur"], language), "num")] for p, r in sens.iterrows()]
    body += table_html([t("parameter", language), t("sens_low", language), t("sens_high", language)], rows,
                       attrs='id="sensitivity-table"')
    body += f'<p class="note">{escape(t("sens_note", language))}</p>'
    body += engineer_uncertainty_html(result, name, figures, language)
    key = key_name(result.per_apartment(name).attrs.get("key", "floor_area"), language)
    body += figure_html("bill_change", figures["bill_change"], language, allocation=key)
    body += per_apartment_html(result, name, language)
    body += investments_html(result, name, language)
    body += subsidies_html(result, name, language)
    return _section("economics", t("sec_economics", language), body)


# --------------------------------------------------------------------------- lock-in
def lock_in_section(result, name: str, figures: dict, language: str) -> Section:
    """The detailed variant's checks: today's verdict and, with a renovation path, the verdict at its end
    (the one the decision uses), each with its reason; then the matrix of today's verdicts over variants."""
    today = {c.name: c for c in result.result(name).checks}
    end = {c.name: c for c in result.paths[name].final_checks()} if name in result.paths else {}
    year, _, _ = path_end(result, name)
    header = [t("check", language), t("today", language), t("reason", language)]
    if end:
        header += [t("end_of_path", language, year=year), t("reason", language)]
    rows = []
    for check in dict.fromkeys([*today, *end]):
        row = [check_label(check, language)]
        for judged in ((today, end) if end else (today,)):
            c = judged.get(check)
            row += ([(status_label(c.status, language), c.status), localized(check_sentence(c, language), result,
                                                                             language)] if c else ["–", "–"])
        rows.append(row)
    body = f"<h3>{escape(variant_label(result, name, language))}</h3>"
    body += _p(t("lock_in_note_path" if end else "lock_in_note_today", language, year=year))
    body += table_html(header, rows, attrs='id="lock-in-table"')
    body += figure_html("check_matrix", figures["check_matrix"], language)
    return _section("lock_in", t("sec_lock_in", language), body)


def renovation_path_section(result, name: str, language: str) -> Section:
    """Per variant and renovation step: EPC indicator and label, CO2 and its reduction, verdicts; the chosen
    variant's reasons per step."""
    table = result.path_table()
    if table.empty:
        return _section("renovation_path", t("sec_renovation_path", language), _p(t("no_renovation_path", language)))
    columns = ["variant", "calendar_year", "label", "epc_indicator_kwh_per_m2", "epc_label", "co2_kg", "co2_reduction"]
    checks = [c for c in table.columns if c not in columns and c in {ch.name for r in result.results for ch in r.checks}]
    header = [t("co2_t" if c == "co2_kg" else c, language) for c in columns] + [check_label(c, language)
                                                                                for c in checks]
    rows = []
    for _, row in table.iterrows():
        cells = [variant_label(result, row["variant"], language), str(int(row["calendar_year"])),
                 step_label(result, row["label"], language),
                 _cell(row["epc_indicator_kwh_per_m2"], "0", language), _cell(row["epc_label"], "str", language),
                 _cell(row["co2_kg"] / 1000.0, "1", language), _cell(row["co2_reduction"], "pct", language)]
        cells += [(status_label(row[c], language), row[c]) if isinstance(row[c], str) and row[c] in STATUS_CLASSES
                  else "–" for c in checks]
        rows.append(cells)
    body = _p(t("path_note", language))
    body += engineer_timeline_html(result, name, language)
    body += table_html(header, rows, attrs='id="renovation-path-table"')
    steps = result.paths[name].table
    rows = [[str(row["calendar_year"]), step_label(result, row["label"], language), check_label(row["check"], language),
             (status_label(row["status"], language), row["status"]),
             localized(row["sentence_nl"] if language == "nl" and row.get("sentence_nl") else row["sentence"], result,
                       language)]
            for _, row in steps.iterrows()]
    body += f"<h3>{escape(variant_label(result, name, language))}</h3>" + table_html(
        [t("year", language), t("step", language), t("check", language), t("status", language), t("reason", language)],
        rows, attrs='id="renovation-path-reasons"')
    return _section("renovation_path", t("sec_renovation_path", language), body)


def building_section(result, language: str) -> Section:
    """Building, demand, variants, finance, subsidies and tariffs used."""
    facts = src.building_facts(result, language)
    body = f"<h3>{escape(t('building', language))}</h3>"
    quoted = {t(key, language) for key in ("weather", "design_temperature_method", "design_temperature_source")}
    body += table_html([t("parameter", language), t("value", language)],
                       [[k, cite(v, language) if k in quoted else v] for k, v in facts])
    body += f"<h3>{escape(t('envelope', language))}</h3>" + frame_html(src.envelope_table(result, language), language)
    body += f"<h3>{escape(t('variants', language))}</h3>"
    body += table_html([t("variant", language), t("description", language)],
                       [[r.variant.label(language), r.variant.text(language) or "–"]
                        for r in (result.reference, *result.results)])
    body += f"<h3>{escape(t('finance', language))}</h3>"
    body += table_html([t("parameter", language), t("value", language)], src.finance_facts(result, language))
    body += f"<h3>{escape(t('tariffs', language))}</h3>"
    for tariff in src.tariffs_used(result):
        body += (f"<details><summary>{escape(tariff.name)} ({escape(src.tariff_kind(tariff.kind, language))}, "
                 f"{tariff.year})</summary>" + frame_html(src.tariff_table(tariff, language), language, decimals=4,
                                                          cited=(t("source", language),))
                 + "</details>")
    return _section("building", t("sec_building", language), body)


def sources_section(result, language: str) -> Section:
    """Every data source the study used, with the data files' READMEs."""
    rows = [[topic, cite(text, language)] for topic, text in src.source_list(result, language)]
    body = table_html([t("item", language), t("source", language)], rows, attrs='id="sources-table"')
    body += f"<h3>{escape(t('costs', language))}</h3>" + frame_html(
        src.cost_table_shown(result, language), language, cited=(t("source", language),))
    body += (f"<h3>{escape(t('co2_factors', language))}</h3>"
             + frame_html(src.co2_table_shown(result, language), language, decimals=4,
                          cited=tuple(in_language(src.CO2_COLUMNS[c], language) for c in ("scope", "source"))))
    body += f"<h3>{escape(t('data_files', language))}</h3>"
    body += table_html([t("data", language), t("source", language)],
                       [[what, cite(publications, language)] for what, publications in src.data_readmes(language)])
    return _section("sources", t("sec_sources", language), body)


# --------------------------------------------------------------------------- the smallest connection
def connection_section(result, connections, language: str) -> Section:
    """The smallest grid connection of the detailed variant and of each all-electric variant
    (:func:`mgwsim.report.connection.smallest_connections`): how it is searched, one table with a column per
    variant (:func:`~mgwsim.report.text.connection_table`) and a sentence per variant
    (:func:`~mgwsim.report.text.connection_sentence`); a note when it was not computed."""
    from mgwsim.control import COMFORT_BAND_K
    from mgwsim.electric import CONNECTION_POWER_FACTOR
    from mgwsim.report.text import connection_sentence, connection_table
    from mgwsim.study.connection import ComfortLimit
    from mgwsim.study.decision import COMFORT_TOLERANCE_SHARE

    title = t("sec_connection", language)
    if connections is None:
        return _section("connection", title, _p(t("conn_not_computed", language)))
    if not connections:
        return _section("connection", title, _p(t("conn_none_lv", language)))
    found = list(connections.values())
    names = [variant_label(result, name, language) for name in connections]
    body = _p(t("conn_intro", language, variants=", ".join(f"'{n}'" for n in names),
                band=format_number(COMFORT_BAND_K, language, 1),
                tol=format_number(max(map(_bracket_kw, found)), language, 1),
                share=format_pct(COMFORT_TOLERANCE_SHARE, language, 0),
                pf=format_number(CONNECTION_POWER_FACTOR, language, 2)))
    fuel = [c.comfort.max_extra_backup_share for c in found if c.variant.plant.backup.is_combustion
            and isinstance(c.comfort, ComfortLimit) and c.comfort.max_extra_backup_share is not None]
    if fuel:
        body += _p(t("conn_backup_rule", language, share=format_pct(max(fuel), language, 0)))
    table = connection_table(found, language)
    body += table_html([t("item", language), *table.columns],
                       [[label, *((value, "num") for value in row)] for label, row in table.iterrows()],
                       attrs='id="connection-table"')
    body += "".join(f'<p data-connection="{escape(name)}">{escape(connection_sentence(c, language))}</p>'
                    for name, c in connections.items())
    body += f'<p class="note">{escape(t("conn_tariff_note", language))}</p>'
    return _section("connection", title, body)


def _bracket_kw(found) -> float:
    """How close the search came to the threshold [kW]: the smallest limit kept minus the largest limit lost below
    it (0 when no limit was lost or none kept)."""
    if found.limit_kw is None:
        return 0.0
    lost = found.table.loc[~found.table["feasible"] & (found.table["limit_kw"] < found.limit_kw), "limit_kw"]
    return float(found.limit_kw - lost.max()) if len(lost) else 0.0


# --------------------------------------------------------------------------- monitoring plan
MONITORING_PLAN_TEMPLATE = "monitoring_plan.html.j2"
CITY_KPIS = ("mp_city_heat", "mp_city_spf", "mp_city_pv", "mp_city_peak", "mp_city_savings", "mp_city_co2")
"""The yearly KPIs the city receives (label keys), in the order of the list in the section."""


def monitoring_plan_section(result, name: str, language: str, env=None) -> Section:
    """What to meter after the works for variant ``name`` (:func:`mgwsim.measured.monitoring_plan`), where, how
    often, and which KPIs go to the city, through the template ``monitoring_plan.html.j2``."""
    from mgwsim.measured import monitoring_plan

    rows = [{"key": r.key, "quantity": r.text("quantity", language), "meter": r.text("meter", language),
             "location": r.text("location", language), "interval": t(f"mp_interval_{r.interval.replace(' ', '_')}",
                                                                     language),
             "kpi": r.text("kpi", language), "to_city": t("yes" if r.to_city else "no", language),
             "to_city_flag": r.to_city} for r in monitoring_plan(result.result(name).variant)]
    labels = {key: t(f"mp_{key}", language) for key in ("quantity", "meter", "location", "interval", "kpi", "to_city",
                                                         "city_kpis")}
    try:
        body = (env or environment()).get_template(MONITORING_PLAN_TEMPLATE).render(
            intro=t("mp_intro", language, name=result.result(name).variant.label(language)), labels=labels, rows=rows,
            city_kpis=[t(key, language) for key in CITY_KPIS], city_note=t("mp_city_note", language))
    except jinja2.TemplateSyntaxError as error:
        raise InputError(f"report template {error.filename or error.name}, line {error.lineno}: {error.message}") \
            from None
    except jinja2.UndefinedError as error:
        raise InputError(f"report template {MONITORING_PLAN_TEMPLATE}: {error.message}; its values are: intro, "
                         "labels, rows, city_kpis, city_note") from None
    return _section("monitoring_plan", t("sec_monitoring_plan", language), body)


# --------------------------------------------------------------------------- the engineer's content
def systems_section(result, language: str) -> Section:
    """Per option its system diagram and cost breakdown (:mod:`mgwsim.report.engineer`)."""
    from mgwsim.report import engineer

    return _section("systems", t("sec_systems", language), engineer.systems_section_body(result, language))


def application_section(result, language: str) -> Section:
    """The subsidy application summary with the monitoring plan (:func:`mgwsim.report.engineer.application_html`)."""
    from mgwsim.report import engineer

    return _section("application", t("sec_application", language), engineer.application_html(result, language))


def engineer_uncertainty_html(result, name: str, figures: dict, language: str) -> str:
    """The Monte Carlo band on the NPV beside the tornado: its figure, P10/P50/P90 and the probability of beating
    the reference (:func:`mgwsim.report.engineer.npv_monte_carlo`, seeded)."""
    from mgwsim.report import engineer

    figure = figure_html("npv_band", figures["npv_band"], language) if "npv_band" in figures else ""
    return (f"<h3>{escape(t('mc_title', language))}</h3>" + figure
            + engineer.monte_carlo_html(engineer.npv_monte_carlo(result, name), language))


def engineer_timeline_html(result, name: str, language: str) -> str:
    """The renovation path of ``name`` as a timeline (:func:`mgwsim.report.engineer.timeline_html`)."""
    from mgwsim.report import engineer

    return engineer.timeline_html(result, name, language)


# --------------------------------------------------------------------------- page
def _sections(result, name: str, figures: dict, sensitivity: pd.DataFrame, language: str, env=None,
              connections=None) -> list[Section]:
    detail = result.detail_variant
    summary_sensitivity = sensitivity if name == detail else a.npv_sensitivity(result, detail)
    return [
        summary_section(result, summary_sensitivity, language, connections),
        details_section(result, summary_sensitivity, language),
        comparison_section(result, figures, language),
        systems_section(result, language),
        _figures_section("energy", t("sec_energy", language), figures, language),
        connection_section(result, connections, language),
        _figures_section("heat_pump", t("sec_heat_pump", language), figures, language),
        economics_section(result, name, sensitivity, figures, language),
        application_section(result, language),
        lock_in_section(result, name, figures, language),
        renovation_path_section(result, name, language),
        monitoring_plan_section(result, name, language, env),
        building_section(result, language),
        sources_section(result, language),
    ]


def document_facts(branding: Branding, language: str) -> list[tuple[str, str]]:
    """The title block's rows: client, author and project number, those given."""
    return [(t(f"brand_{key}", language), getattr(branding, key))
            for key in ("client", "author", "project_number") if getattr(branding, key)]


def issue_line(branding: Branding, language: str) -> str:
    """The version (when given) and the date of the report, as in every page's footer."""
    date = format_date(branding.report_date(), language)
    return t("issue_line", language, version=branding.version, date=date) if branding.version else date


def page_context(result, name: str, branding: Branding, language: str) -> dict:
    """The values of the page template other than the sections and the style sheet."""
    from mgwsim import __version__

    return {
        "language": language, "title": t("title", language), "building": result.inputs.building.label(language),
        "subtitle": t("subtitle", language),
        "generated": t("generated", language, version=__version__, date=format_date(dt.date.today(), language)),
        "chosen": t("chosen_variant", language, name=variant_label(result, name, language)),
        "branding": branding, "logo": branding.logo_data_uri(), "facts": document_facts(branding, language),
        "issue": issue_line(branding, language), "labels": {"contents": t("contents", language)},
    }


def render_html(result, name: str, figures: dict, sensitivity: pd.DataFrame, language: str, *,
                branding: Branding | None = None, template_dir=None, stylesheet=None, connections=None) -> str:
    """The whole page as a string (figures: name → base-64 PNG), through the templates of :mod:`~mgwsim.report.layout`
    (a firm's ``template_dir`` first) with the firm's ``stylesheet`` after the packaged one; ``connections``
    ``{variant name: ConnectionResult}`` for the smallest-connection section (None: not computed)."""
    env = environment(template_dir)
    context = page_context(result, name, branding or Branding(), language)
    context.update(css=stylesheets(env, stylesheet),
                   sections=_sections(result, name, figures, sensitivity, language, env, connections))
    return render_page(env, context)
