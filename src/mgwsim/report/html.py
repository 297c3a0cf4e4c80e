"""The self-contained HTML report: sections with stable ids, figures as base-64 PNG, inline CSS.

The page has no external resource (no scripts, fonts or images loaded from elsewhere), so
it can be mailed to the co-owners and attached to a subsidy application as it is.
"""

from __future__ import annotations

import datetime as dt
from html import escape

import numpy as np
import pandas as pd

from mgwsim.report import analysis as a
from mgwsim.report import sources as src
from mgwsim.report.text import (
    caption,
    check_label,
    check_sentence,
    format_eur,
    format_number,
    format_pct,
    sensitivity_name,
    sentence,
    status_label,
    t,
)

SECTIONS = ("summary", "comparison", "energy", "heat_pump", "economics", "lock_in", "renovation_path", "building",
            "sources")
"""Section ids of the report, in page order."""

FIGURE_SECTIONS = {
    "comparison": ("variant_comparison",),
    "energy": ("monthly_balance", "load_duration", "carpet_grid"),
    "heat_pump": ("carpet_heat_pump", "cop", "supply_temperature"),
    "economics": ("cash_flows", "tornado", "bill_change"),
    "lock_in": ("check_matrix",),
}
FIGURES = tuple(f for figures in FIGURE_SECTIONS.values() for f in figures)
"""Figure names (``data-figure`` attributes) of the report."""

COMPARISON_ROWS = (
    ("investment_eur", "eur"), ("subsidies_eur", "eur"), ("npv_eur", "eur"), ("subsidy_gap_eur", "eur"),
    ("payback_years", "1"), ("annual_energy_cost_eur", "eur"), ("annual_cost_per_apartment_eur", "eur"),
    ("spf_h2", "2"), ("backup_share", "pct"), ("unmet_hours", "0"), ("co2_t", "1"), ("co2_reduction", "pct"),
    ("epc_kwh_m2", "0"), ("epc_label", "str"), ("self_consumption", "pct"), ("peak_import_kw", "0"),
    ("future_proof_score", "0"),
)
"""Rows of the comparison table: table column and format."""

CSS = """
body{font-family:Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#1d2733;line-height:1.45}
h1{color:#1f3b57;margin-bottom:0.1em}h2{color:#1f3b57;border-bottom:2px solid #1f3b57;padding-bottom:0.2em;margin-top:2em}
h3{color:#2a7ab0}.meta{color:#5c6b7a}table{border-collapse:collapse;margin:0.8em 0;font-size:0.88em}
th,td{border:1px solid #c9d3dd;padding:0.3em 0.55em;text-align:left;vertical-align:top}
th{background:#eef3f8}td.num{text-align:right;white-space:nowrap}tr.recommended td,th.recommended{background:#e3eefa;font-weight:bold}
td.pass{background:#dff0d8}td.warn{background:#fcefd4}td.fail{background:#f6d6d5}
figure{margin:1.2em 0}figure img{max-width:100%;height:auto;border:1px solid #e1e6eb}
figcaption{font-size:0.9em;color:#4a5866}.summary p{font-size:1.05em}.note{font-size:0.88em;color:#4a5866}
details{margin:0.5em 0}summary{cursor:pointer;color:#2a7ab0}
"""


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


def table_html(header: list[str], rows: list[list], *, row_classes: list[str] | None = None, attrs: str = "") -> str:
    """An HTML table; cells are text (escaped) or ``(text, css_class)`` pairs."""
    head = "".join(f"<th>{escape(str(h))}</th>" for h in header)
    body = []
    for i, row in enumerate(rows):
        cells = []
        for cell in row:
            text, cls = cell if isinstance(cell, tuple) else (cell, "")
            cells.append(f'<td class="{cls}">{escape(str(text))}</td>' if cls else f"<td>{escape(str(text))}</td>")
        cls = f' class="{row_classes[i]}"' if row_classes and row_classes[i] else ""
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    return f"<table {attrs}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def frame_html(frame: pd.DataFrame, language: str, *, decimals: int = 2, attrs: str = "") -> str:
    """A DataFrame as a table with the index as first column, numbers formatted."""
    header = [frame.index.name or "", *map(str, frame.columns)]
    rows = []
    for label, row in frame.iterrows():
        cells = [str(label)]
        for value in row:
            is_number = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
            cells.append((format_number(value, language, decimals), "num") if is_number else str(value))
        rows.append(cells)
    return table_html(header, rows, attrs=attrs)


def figure_html(name: str, png_base64: str, language: str) -> str:
    """A ``<figure>`` with the embedded PNG and its caption."""
    alt = escape(t(f"fig_{name}", language))
    return (f'<figure id="fig-{name}" data-figure="{name}"><img alt="{alt}" src="data:image/png;base64,{png_base64}">'
            f"<figcaption>{escape(caption(name, language))}</figcaption></figure>")


def _section(section_id: str, title: str, body: str) -> str:
    return f'<section id="{section_id}"><h2>{escape(title)}</h2>{body}</section>'


def _p(text: str) -> str:
    return f"<p>{escape(text)}</p>"


# --------------------------------------------------------------------------- summary
def _grant_text(case, language: str) -> str:
    frame = case.subsidies.to_frame()
    grants = frame[(frame["kind"] != "vat") & (frame["amount_eur"] > 0)]
    parts = [f"{rule}: {format_eur(row['amount_eur'], language)}" for rule, row in grants.iterrows()]
    parts.append(f"{t('vat_rate', language)} {format_pct(case.subsidies.vat_frac, language)}")
    return "; ".join(parts)


def _money_sentence(result, name: str, language: str) -> str:
    row, case = result.table.loc[name], result.case(name)
    finance, n = result.inputs.finance, result.inputs.building.n_apartments
    common = {"horizon": finance.horizon_years, "rate": format_pct(finance.discount_rate_frac, language, 1),
              "npv": format_eur(row["npv_eur"], language), "subsidies": format_eur(row["subsidies_eur"], language),
              "rules": _grant_text(case, language)}
    if row["npv_eur"] < 0:
        return sentence("npv_negative", language, gap=format_eur(row["subsidy_gap_eur"], language),
                        gap_apartment=format_eur(row["subsidy_gap_eur"] / n, language), **common)
    payback = row["payback_years"]
    years = "" if np.isnan(payback) else sentence("payback", language, years=format_number(payback, language, 1))
    return sentence("npv_positive", language, payback=years, **common)


def _effects_sentence(result, name: str, language: str) -> str:
    table, ref = result.table, result.reference.variant.name
    row = table.loc[name]
    return sentence("effects", language, co2=format_pct(row["co2_reduction"], language),
                    co2_ref=format_number(table.loc[ref, "co2_t"], language, 1),
                    co2_var=format_number(row["co2_t"], language, 1),
                    epc_ref=format_number(table.loc[ref, "epc_kwh_m2"], language),
                    epc_var=format_number(row["epc_kwh_m2"], language), label=row["epc_label"],
                    hp_share=format_pct(1.0 - row["backup_share"], language),
                    spf=format_number(row["spf_h2"], language, 2))


def _cost_sentence(result, name: str, language: str) -> str:
    table, split = result.table, result.per_apartment(name)
    change = float((split["bill_after_eur"] - split["bill_before_eur"]).mean())
    signed = ("+" if change > 0 else "") + format_eur(change, language)
    return sentence("costs", language, capex=format_eur(table.loc[name, "investment_eur"], language),
                    capex_ref=format_eur(table.loc[result.reference.variant.name, "investment_eur"], language),
                    net_apartment=format_eur(split["net_investment_eur"].mean(), language),
                    bill_before=format_eur(split["bill_before_eur"].mean(), language),
                    bill_after=format_eur(split["bill_after_eur"].mean(), language), bill_change=signed)


def _risks_html(result, name: str, language: str) -> str:
    order = {"fail": 0, "warn": 1}
    risky = sorted((c for c in result.result(name).checks if c.status != "pass"), key=lambda c: order[c.status])
    if not risky:
        return _p(sentence("no_risks", language))
    items = "".join(f'<li class="{c.status}"><strong>{escape(check_label(c.name, language))} '
                    f"({escape(status_label(c.status, language))})</strong>: {escape(check_sentence(c, language))}</li>"
                    for c in risky)
    return _p(sentence("risks", language)) + f'<ul id="risks">{items}</ul>'


def _recommendation_sentence(result, language: str) -> str:
    """Why the recommended variant was chosen (the rule of :attr:`StudyResult.recommended`)."""
    candidates, name = result.future_proof_candidates, result.recommended
    if not candidates:
        return sentence("recommended_weighted", language, name=name)
    if len(candidates) == 1:
        return sentence("recommended", language, name=name)
    return sentence("recommended_best_of", language, name=name, n=len(candidates))


def summary_section(result, sensitivity: pd.DataFrame, language: str) -> str:
    """Plain-language summary of the recommended variant, every number taken from the results."""
    name, ref = result.recommended, result.reference.variant.name
    names = [r.variant.name for r in result.results]
    parts = [
        _p(sentence("compared", language, n=len(names), building=result.inputs.building.name, reference=ref,
                    names=", ".join(names))),
        f'<p id="recommendation"><strong>{escape(_recommendation_sentence(result, language))}</strong></p>',
    ]
    best = result.ranking("npv").index[0]
    if best != name:
        parts.append(_p(sentence("best_npv_other", language, name=best,
                                 npv=format_eur(result.table.loc[best, "npv_eur"], language))))
    parts += [_p(_effects_sentence(result, name, language)), _p(_cost_sentence(result, name, language)),
              f'<p id="npv-sentence">{escape(_money_sentence(result, name, language))}</p>']
    if sensitivity is not None and len(sensitivity):
        top = sensitivity.iloc[0]
        parts.append(_p(sentence("sensitivity", language, param=sensitivity_name(sensitivity.index[0], language),
                                 low=format_eur(min(top["npv_low_eur"], top["npv_high_eur"]), language),
                                 high=format_eur(max(top["npv_low_eur"], top["npv_high_eur"]), language))))
    parts.append(_risks_html(result, name, language))
    return _section("summary", t("sec_summary", language), f'<div class="summary">{"".join(parts)}</div>')


# --------------------------------------------------------------------------- other sections
def comparison_section(result, figures: dict, language: str) -> str:
    """The comparison table (indicators × variants) and the comparison chart."""
    table, recommended = result.table, result.recommended
    ref = result.reference.variant.name
    header = [t("variant", language)] + [
        f"{n} ({t('reference_label', language)})" if n == ref and "referen" not in n.lower() else
        f"{n} ({t('recommended_mark', language)})" if n == recommended else n for n in table.index]
    rows = [[t(column, language)] + [_cell(table.loc[n, column], kind, language) for n in table.index]
            for column, kind in COMPARISON_ROWS if column in table]
    body = table_html(header, rows, attrs='id="comparison-table"')
    body += figure_html("variant_comparison", figures["variant_comparison"], language)
    return _section("comparison", t("sec_comparison", language), body)


def _figures_section(section_id: str, title: str, figures: dict, language: str, intro: str = "") -> str:
    body = intro + "".join(figure_html(name, figures[name], language) for name in FIGURE_SECTIONS[section_id])
    return _section(section_id, title, body)


def economics_section(result, name: str, sensitivity: pd.DataFrame, figures: dict, language: str) -> str:
    """Cash flows, tornado (with its method and table) and the per-apartment split."""
    body = figure_html("cash_flows", figures["cash_flows"], language)
    body += figure_html("tornado", figures["tornado"], language)
    sens = sensitivity[["npv_low_eur", "npv_high_eur"]].copy()
    rows = [[t(f"sens_{p}", language), (format_eur(r["npv_low_eur"], language), "num"),
             (format_eur(r["npv_high_eur"], language), "num")] for p, r in sens.iterrows()]
    body += table_html([t("parameter", language), t("sens_low", language), t("sens_high", language)], rows,
                       attrs='id="sensitivity-table"')
    body += f'<p class="note">{escape(t("sens_note", language))}</p>'
    body += figure_html("bill_change", figures["bill_change"], language)
    split = result.per_apartment(name)[["net_investment_eur", "bill_before_eur", "bill_after_eur", "saving_eur"]]
    split = split.rename(columns={c: t(c, language) for c in split.columns}).rename_axis(t("apartment", language))
    body += f"<details><summary>{escape(t('table_per_apartment', language, name=name))}</summary>"
    body += frame_html(split, language, attrs='id="per-apartment-table"') + "</details>"
    return _section("economics", t("sec_economics", language), body)


def lock_in_section(result, name: str, figures: dict, language: str) -> str:
    """The chosen variant's checks with verdicts coloured and reasons, and the matrix over variants."""
    rows = [[check_label(c.name, language), (status_label(c.status, language), c.status), check_sentence(c, language)]
            for c in result.result(name).checks]
    body = f"<h3>{escape(name)}</h3>"
    body += table_html([t("check", language), t("status", language), t("reason", language)], rows,
                       attrs='id="lock-in-table"')
    body += figure_html("check_matrix", figures["check_matrix"], language)
    return _section("lock_in", t("sec_lock_in", language), body)


def renovation_path_section(result, name: str, language: str) -> str:
    """Per variant and renovation step: EPC indicator and label, CO2 and its reduction, verdicts; the chosen
    variant's reasons per step."""
    table = result.path_table()
    if table.empty:
        return _section("renovation_path", t("sec_renovation_path", language), _p(t("no_renovation_path", language)))
    columns = ["variant", "calendar_year", "label", "epc_indicator_kwh_per_m2", "epc_label", "co2_kg", "co2_reduction"]
    checks = [c for c in table.columns if c not in columns and c in {ch.name for r in result.results for ch in r.checks}]
    overview = table[columns + checks].rename(columns={c: check_label(c, language) for c in checks})
    overview = overview.rename(columns={c: t(c, language) for c in columns})
    body = _p(t("path_note", language))
    body += frame_html(overview.set_index([t("variant", language), t("calendar_year", language)]), language,
                       attrs='id="renovation-path-table"')
    steps = result.paths[name].table
    rows = [[str(row["calendar_year"]), row["label"], check_label(row["check"], language),
             (status_label(row["status"], language), row["status"]),
             row["sentence_nl"] if language == "nl" and row.get("sentence_nl") else row["sentence"]]
            for _, row in steps.iterrows()]
    body += f"<h3>{escape(name)}</h3>" + table_html(
        [t("year", language), t("step", language), t("check", language), t("status", language), t("reason", language)],
        rows, attrs='id="renovation-path-reasons"')
    return _section("renovation_path", t("sec_renovation_path", language), body)


def building_section(result, language: str) -> str:
    """Building, demand, variants, finance, subsidies and tariffs used."""
    facts = src.building_facts(result, language)
    body = f"<h3>{escape(t('building', language))}</h3>"
    body += table_html([t("parameter", language), t("value", language)], [[k, v] for k, v in facts])
    body += f"<h3>{escape(t('envelope', language))}</h3>" + frame_html(src.envelope_table(result, language), language)
    body += f"<h3>{escape(t('variants', language))}</h3>"
    body += table_html([t("variant", language), t("description", language)],
                       [[r.variant.name, r.variant.description or "–"] for r in (result.reference, *result.results)])
    body += f"<h3>{escape(t('finance', language))}</h3>"
    body += table_html([t("parameter", language), t("value", language)], src.finance_facts(result, language))
    body += f"<h3>{escape(t('tariffs', language))}</h3>"
    for tariff in src.tariffs_used(result):
        body += (f"<details><summary>{escape(tariff.name)} ({escape(tariff.kind)}, {tariff.year})</summary>"
                 + frame_html(tariff.to_frame(), language, decimals=4) + "</details>")
    return _section("building", t("sec_building", language), body)


def sources_section(result, language: str) -> str:
    """Every data source the study used, with the data files' READMEs."""
    rows = [[topic, text] for topic, text in src.source_list(result, language)]
    body = table_html([t("item", language), t("source", language)], rows, attrs='id="sources-table"')
    body += f"<h3>{escape(t('costs', language))}</h3>" + frame_html(src.cost_table(result), language)
    body += f"<h3>{escape(t('co2_factors', language))}</h3>" + frame_html(src.co2_table(result), language, decimals=4)
    body += f"<h3>{escape(t('data_files', language))}</h3>"
    body += table_html(["README", t("source", language)], [list(r) for r in src.data_readmes()])
    return _section("sources", t("sec_sources", language), body)


# --------------------------------------------------------------------------- page
def render_html(result, name: str, figures: dict, sensitivity: pd.DataFrame, language: str) -> str:
    """The whole page as a string (figures: name → base-64 PNG)."""
    from mgwsim import __version__

    header = (f"<header><h1>{escape(t('title', language))}</h1><p class='meta'>{escape(result.inputs.building.name)}"
              f" — {escape(t('subtitle', language))}</p><p class='meta'>"
              f"{escape(t('generated', language, version=__version__, date=dt.date.today().isoformat()))} "
              f"{escape(t('chosen_variant', language, name=name))}</p></header>")
    summary_sensitivity = sensitivity if name == result.recommended else a.npv_sensitivity(result, result.recommended)
    sections = [
        summary_section(result, summary_sensitivity, language),
        comparison_section(result, figures, language),
        _figures_section("energy", t("sec_energy", language), figures, language),
        _figures_section("heat_pump", t("sec_heat_pump", language), figures, language),
        economics_section(result, name, sensitivity, figures, language),
        lock_in_section(result, name, figures, language),
        renovation_path_section(result, name, language),
        building_section(result, language),
        sources_section(result, language),
    ]
    return (f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
            f"<title>{escape(t('title', language))} — {escape(result.inputs.building.name)}</title>"
            f"<style>{CSS}</style></head><body>{header}{''.join(sections)}</body></html>")
