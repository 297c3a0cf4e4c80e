"""The study report: a self-contained HTML file with figures, and an Excel workbook.

>>> paths = write_report(result, "out/", language="nl")   # doctest: +SKIP
>>> paths.html, paths.workbook                              # doctest: +SKIP

:func:`write_report` composes :mod:`~mgwsim.report.summary` (page one for the co-owners in plain
words, :func:`co_owner_page`, and the engineer's reasoning behind it, :func:`page_one`, from the
sentence functions of :mod:`~mgwsim.report.sentences` whose words follow the sign of their
numbers), :mod:`~mgwsim.report.analysis` (derived numbers, the NPV sensitivity),
:mod:`~mgwsim.report.figures` (matplotlib, no pyplot), :mod:`~mgwsim.report.html` (page with
stable section ids and ``data-figure`` attributes), :mod:`~mgwsim.report.excel` (a workbook
whose ``decision`` and ``cash_flows`` sheets recompute the NPV, the gap and the ranking with
formulas) and :mod:`~mgwsim.report.text` (English and Dutch labels and templates).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mgwsim._atomic import write_atomically
from mgwsim.branding import Branding, ReportSettings
from mgwsim.errors import InputError, check_choice
from mgwsim.report import figures as fg
from mgwsim.report.analysis import bivalent_point, monthly_balance, npv_sensitivity
from mgwsim.report.engineer import npv_monte_carlo
from mgwsim.report.excel import SHEETS, write_workbook
from mgwsim.report.html import FIGURES, SECTIONS, render_html
from mgwsim.report.pdf import PdfUnavailable, pdf_engine, write_pdf
from mgwsim.report.summary import CoOwnerPage, Paragraph, co_owner_page, page_one, variant_label
from mgwsim.report.text import LANGUAGES, format_eur, format_number, format_pct

__all__ = ["FIGURES", "LANGUAGES", "SECTIONS", "SHEETS", "Branding", "CoOwnerPage", "Paragraph", "PdfUnavailable",
           "ReportPaths", "ReportSettings", "bivalent_point",
           "build_figures", "co_owner_page", "format_eur", "format_number", "format_pct", "monthly_balance", "npv_sensitivity",
           "page_one", "write_report"]


@dataclass(frozen=True)
class ReportPaths:
    """Where :func:`write_report` wrote the report."""

    html: Path
    workbook: Path
    pdf: Path | None = None
    """``report.pdf`` when asked for (``write_report(..., pdf=True)``), else None."""


def _chosen(result, variant: str | None) -> str:
    name = result.detail_variant if variant is None else variant
    names = [r.variant.name for r in result.results]
    if name not in names:
        raise InputError(f"write_report.variant = {name!r} is not a variant of the study (the reference has no "
                         f"business case); choose one of: {', '.join(names)}")
    return name


def _bills_per_variant(result) -> pd.DataFrame:
    rows = {}
    for r in result.results:
        split = result.per_apartment(r.variant.name)
        rows[r.variant.name] = {"bill_before_eur": split["bill_before_eur"].mean(),
                                "bill_after_eur": split["bill_after_eur"].mean()}
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.attrs["key"] = split.attrs.get("key", "floor_area")
    return frame


def _statuses(result) -> pd.DataFrame:
    return result.table[[c for c in result.table.columns if c.startswith("check_")]].rename(
        columns=lambda c: c.removeprefix("check_"))


def build_figures(result, name: str, sensitivity: pd.DataFrame, language: str = "en") -> dict:
    """Every figure of the report for variant ``name``, as ``{figure name: Figure}`` (see :data:`FIGURES`)."""
    vr, case = result.result(name), result.case(name)

    def label(variant: str) -> str:
        return variant_label(result, variant, language)
    recommended = None if result.recommended is None else label(result.recommended)
    return {
        "variant_comparison": fg.variant_comparison(result.table.rename(index=label),
                                                    label(result.reference.variant.name), recommended, language),
        "monthly_balance": fg.monthly_balance(vr, language),
        "load_duration": fg.load_duration(vr, language),
        "carpet_grid": fg.carpet_grid(vr, language),
        "carpet_heat_pump": fg.carpet_heat_pump(vr, language),
        "cop": fg.cop_scatter(vr, language),
        "supply_temperature": fg.supply_temperature(vr, language),
        "cash_flows": fg.cash_flows(case, language),
        "tornado": fg.tornado(sensitivity, language),
        "npv_band": fg.npv_band(npv_monte_carlo(result, name), language),
        "bill_change": fg.bill_change(_bills_per_variant(result).rename(index=label), result.per_apartment(name),
                                      label(name), language),
        "check_matrix": fg.check_matrix(_statuses(result).rename(index=label), language),
    }


def _connections(result, connections):
    """``connections`` checked: None, or a mapping of the study's variant names to ConnectionResult."""
    if connections is None:
        return None
    from mgwsim.study.connection import ConnectionResult

    names = {r.variant.name for r in result.results}
    if not isinstance(connections, dict) or not all(
            name in names and isinstance(c, ConnectionResult) for name, c in connections.items()):
        raise InputError(f"write_report.connections must be None or a dict of the study's variant names to "
                         f"ConnectionResult (mgwsim.report.connection.smallest_connections), got {connections!r:.200}")
    return connections


def _branding(branding) -> Branding:
    if branding is None:
        return Branding()
    if not isinstance(branding, Branding):
        raise InputError(f"write_report.branding must be a mgwsim.Branding (or None), got {branding!r}")
    return branding


def write_report(result, out_dir, *, language: str = "en", variant: str | None = None,
                 hourly_in_workbook: bool = True, branding: Branding | None = None, template_dir=None,
                 stylesheet=None, pdf: bool = False, connections=None) -> ReportPaths:
    """Write the feasibility-study report of ``result`` to ``out_dir``.

    Parameters
    ----------
    result : StudyResult
        From :meth:`mgwsim.study.Study.run`.
    out_dir : str or Path
        Created if missing; ``report.html`` and ``workbook.xlsx`` are (over)written there.
    language : {'en', 'nl'}
        Language of every label, sentence and figure.
    variant : str, optional
        Variant shown in detail (hourly figures, cash flows, sensitivity);
        default :attr:`StudyResult.detail_variant`: the recommended one, or, when no variant
        qualifies, the one nearest to qualifying. Page one and the engineer's reasoning always speak
        about :attr:`StudyResult.detail_variant`.
    hourly_in_workbook : bool
        Write the ``hourly`` sheet: 8,760 rows for every option (the slowest part of the workbook).
    branding : Branding, optional
        The firm's name, logo, author, client, project number, version, date and disclaimer, in the
        title block and on every printed page.
    template_dir : path, optional
        A folder with the firm's ``report.html.j2`` and/or ``report.css``, used instead of the
        packaged ones (:mod:`mgwsim.report.layout`).
    stylesheet : path, optional
        A CSS file added after the packaged style sheet.
    pdf : bool
        Also write ``report.pdf`` (A4) through WeasyPrint, the optional ``pdf`` extra;
        :class:`PdfUnavailable` (an :class:`InputError`) before anything is computed when it is missing.
    connections : dict, optional
        ``{variant name: ConnectionResult}``, the smallest grid connections to report
        (:func:`mgwsim.report.connection.smallest_connections`, computed once for both languages); ``None``:
        the section says it was not computed.

    Returns
    -------
    ReportPaths
    """
    check_choice(language, "language", LANGUAGES, owner="write_report")
    if not isinstance(pdf, bool):
        raise InputError(f"write_report.pdf must be True or False, got {pdf!r}")
    if pdf:
        pdf_engine()
    name = _chosen(result, variant)
    branding = _branding(branding)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sensitivity = npv_sensitivity(result, name)
    images = {key: fg.to_png_base64(fig) for key, fig in build_figures(result, name, sensitivity, language).items()}
    html_path = out / "report.html"
    html = render_html(result, name, images, sensitivity, language, branding=branding, template_dir=template_dir,
                       stylesheet=stylesheet, connections=_connections(result, connections))
    write_atomically(html_path, lambda tmp: tmp.write_text(html, encoding="utf-8"))
    pdf_path = write_pdf(html, out / "report.pdf") if pdf else None
    workbook = write_atomically(out / "workbook.xlsx", lambda tmp: write_workbook(
        result, tmp, sensitivity=sensitivity, language=language, hourly=hourly_in_workbook,
        connections=_connections(result, connections)))
    return ReportPaths(html_path, workbook, pdf_path)
