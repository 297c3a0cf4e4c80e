"""The report sections of ``mgwsim calibrate`` and ``mgwsim monitor``: HTML pages and workbooks of measured data.

Each page goes through the study report's layout (:mod:`mgwsim.report.layout`: ``report.html.j2``
and ``report.css``, a firm's template folder first) with one section of stable id:

* ``calibration`` (:func:`write_calibration_report`): the change-point baseline of the bills
  with its standard errors, the calibrated parameters with their uncertainty, the fit statistics
  against ASHRAE Guideline 14's monthly criteria (CV(RMSE) ≤ 15 %, |NMBE| ≤ 5 %) and the
  measured against the simulated gas per billing period;
* ``monitoring`` (:func:`write_monitoring_report`): the performance-gap table (heat,
  electricity, SPF at a SEPEMO boundary, PV self-consumption, peak import), the months measured
  against simulated, and the savings normalised to a typical year with their uncertainty
  (:func:`mgwsim.measured.normalised_savings`).

Every word comes from :data:`mgwsim.report.text.LABELS` (English and Dutch); the tables are also
written as sheets of ``calibration.xlsx`` / ``monitoring.xlsx``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from mgwsim._atomic import write_atomically
from mgwsim._format import format_date
from mgwsim.branding import Branding
from mgwsim.errors import check_choice
from mgwsim.report.figures import COLORS, DPI, MONTHS, to_png_base64
from mgwsim.report.html import _section, document_facts, issue_line, table_html
from mgwsim.report.layout import environment, render_page, stylesheets
from mgwsim.report.text import LANGUAGES, format_number, format_pct, t

__all__ = ["MeasuredReportPaths", "calibration_section", "monitoring_section", "write_calibration_report",
           "write_monitoring_report"]

MEASURED_SECTIONS = ("calibration", "monitoring")
"""Section ids of the two pages."""

PARAMETER_DECIMALS = {"setpoint_degc": 1, "infiltration_per_h": 2, "u_scale": 2, "litres_per_person_day": 1,
                      "boiler_efficiency": 3}
KPI_DECIMALS = {"spf_H1": 2, "spf_H2": 2, "spf_H3": 2, "spf_H4": 2, "pv_self_consumption": 3, "peak_import_kw": 1}


@dataclass(frozen=True)
class MeasuredReportPaths:
    """Where a measured-data report was written: the page and the workbook."""

    html: Path
    workbook: Path


# --------------------------------------------------------------------------- small helpers
def _num(value, language: str, decimals: int = 0) -> tuple[str, str]:
    return format_number(value, language, decimals), "num"


def _verdict(ok: bool, language: str) -> tuple[str, str]:
    return t("cal_meets" if ok else "cal_fails", language), "pass" if ok else "fail"


def _figure_html(name: str, fig: Figure, language: str) -> str:
    return (f'<figure id="fig-{name}" data-figure="{name}"><img alt="{escape(t(f"fig_{name}", language))}" '
            f'src="data:image/png;base64,{to_png_base64(fig)}"><figcaption>{escape(t(f"cap_{name}", language))}'
            "</figcaption></figure>")


def _month_label(period, language: str) -> str:
    return f"{MONTHS[language][period.month - 1]} {period.year}"


def _page(sections, out: Path, name: str, title_key: str, building: str, language: str, branding, template_dir,
          tables: dict[str, pd.DataFrame]) -> MeasuredReportPaths:
    from mgwsim import __version__

    branding = branding or Branding()
    env = environment(template_dir)
    context = {
        "language": language, "title": t(title_key, language), "building": building or t("building", language),
        "subtitle": t("measured_subtitle", language),
        "generated": t("generated", language, version=__version__, date=format_date(dt.date.today(), language)),
        "chosen": "", "branding": branding, "logo": branding.logo_data_uri(),
        "facts": document_facts(branding, language),
        "issue": issue_line(branding, language), "labels": {"contents": t("contents", language)},
        "css": stylesheets(env), "sections": sections,
    }
    html = render_page(env, context)
    out.mkdir(parents=True, exist_ok=True)
    html_path = write_atomically(out / f"{name}.html", lambda tmp: tmp.write_text(html, encoding="utf-8"))
    workbook = write_atomically(out / f"{name}.xlsx", lambda tmp: _workbook(tmp, tables))
    return MeasuredReportPaths(Path(html_path), Path(workbook))


def _workbook(path: Path, tables: dict[str, pd.DataFrame]) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for sheet, frame in tables.items():
            frame = frame.copy()
            if isinstance(frame.index, pd.PeriodIndex):
                frame.index = frame.index.astype(str)
            frame.to_excel(writer, sheet_name=sheet[:31])


# --------------------------------------------------------------------------- calibration
def calibration_figure(fit, calibration, language: str = "en") -> Figure:
    """Gas per billing period, measured against the calibrated simulation and the change-point model (left), and
    gas per day against the period's mean outdoor temperature with the change-point line (right)."""
    fig = Figure(figsize=(10.0, 4.0), dpi=DPI, layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=(3, 2))
    periods = calibration.periods
    x = np.arange(len(periods))
    left.bar(x - 0.2, periods["measured_kwh"] / 1000.0, 0.4, color=COLORS["demand"], label=t("cal_measured", language))
    left.bar(x + 0.2, periods["simulated_kwh"] / 1000.0, 0.4, color=COLORS["other"],
             label=t("cal_simulated", language))
    left.plot(x, fit.periods["predicted_kwh"].to_numpy() / 1000.0, "o", color=COLORS["backup"], ms=3,
              label=t("cal_change_point", language))
    step = max(1, len(periods) // 12)
    left.set_xticks(x[::step], [_month_label(pd.Period(s, "M"), language) for s in periods["start"]][::step],
                    rotation=90, fontsize=7)
    left.set_ylabel(t("cal_gas_mwh", language))
    left.set_title(t("fig_calibration_periods", language))
    left.legend(fontsize=8)
    p = fit.periods
    per_day = p["measured_kwh"] / p["days"]
    right.plot(p["mean_temp_degc"], per_day, "o", color=COLORS["demand"], label=t("cal_measured", language))
    temps = np.linspace(p["mean_temp_degc"].min() - 2.0, p["mean_temp_degc"].max() + 2.0, 100)
    right.plot(temps, fit.baseload_kwh_per_day + fit.slope_kwh_per_k_day * np.maximum(fit.base_degc - temps, 0.0),
               color=COLORS["backup"], label=t("cal_change_point", language))
    right.set_xlabel(t("cal_mean_temperature", language))
    right.set_ylabel(t("cal_gas_per_day", language))
    right.set_title(t("fig_calibration_change_point", language))
    right.legend(fontsize=8)
    return fig


def calibration_tables(fit, calibration, language: str = "en") -> dict[str, pd.DataFrame]:
    """The tables of the calibration section, for the workbook: change point, parameters, statistics, periods."""
    parameters = calibration.parameters.join(calibration.intervals(0.95).add_prefix("ci95_"))
    statistics = pd.DataFrame({
        "value_pct": [calibration.cv_rmse_pct, calibration.nmbe_pct],
        "limit_pct": [15.0, 5.0],
        "meets": [calibration.cv_rmse_pct <= 15.0, abs(calibration.nmbe_pct) <= 5.0],
    }, index=pd.Index(["cv_rmse", "nmbe"], name="statistic"))
    return {"change_point": fit.to_series().to_frame("value"), "change_point_periods": fit.periods,
            "parameters": parameters, "guideline14": statistics, "periods": calibration.periods,
            "summary": calibration.summary().to_frame("value")}


def calibration_section(fit, calibration, language: str = "en", *, source: str = ""):
    """The ``calibration`` section (a :class:`~mgwsim.report.layout.Section`)."""
    check_choice(language, "language", LANGUAGES, owner="calibration_section")
    n = len(calibration.periods)
    first, last = calibration.periods["start"].iloc[0].date(), calibration.periods["end"].iloc[-1].date()
    body = f"<p>{escape(t('cal_intro', language, n=n, first=first, last=last, source=source or '–'))}</p>"
    body += f"<h3>{escape(t('cal_change_point_title', language))}</h3>"
    rows = [[t("cal_cp_base", language), _num(fit.base_degc, language, 1), _num(fit.base_se_k, language, 1)],
            [t("cal_cp_slope", language), _num(fit.slope_kwh_per_k_day, language, 1),
             _num(fit.slope_se_kwh_per_k_day, language, 1)],
            [t("cal_cp_baseload", language), _num(fit.baseload_kwh_per_day, language, 1),
             _num(fit.baseload_se_kwh_per_day, language, 1)],
            [t("cal_r2", language), _num(fit.r_squared, language, 3), "–"]]
    body += table_html([t("parameter", language), t("cal_estimate", language), t("cal_se", language)], rows,
                       attrs='id="change-point-table"')
    body += f"<h3>{escape(t('cal_parameters_title', language))}</h3>"
    intervals = calibration.intervals(0.95)
    rows = []
    for name, row in calibration.parameters.iterrows():
        d = PARAMETER_DECIMALS.get(name, 2)
        rows.append([t(f"cal_p_{name}", language), _num(row["prior_mean"], language, d),
                     _num(row["prior_sd"], language, d), _num(row["estimate"], language, d),
                     _num(row["sd"], language, d),
                     (f"{format_number(intervals.loc[name, 'low'], language, d)} – "
                      f"{format_number(intervals.loc[name, 'high'], language, d)}", "num"),
                     _num(row["sd_ratio"], language, 2)])
    body += table_html([t(k, language) for k in ("parameter", "cal_prior_mean", "cal_prior_sd", "cal_estimate",
                                                 "cal_sd", "cal_ci95", "cal_sd_ratio")], rows,
                       attrs='id="calibration-parameters-table"')
    body += f'<p class="note">{escape(t("cal_parameters_note", language))}</p>'
    body += f"<h3>{escape(t('cal_statistics_title', language))}</h3>"
    rows = [[t("cal_cv_rmse", language), (format_pct(calibration.cv_rmse_pct / 100.0, language, 1), "num"),
             (format_pct(fit.cv_rmse_pct / 100.0, language, 1), "num"), "≤ " + format_pct(0.15, language),
             _verdict(calibration.cv_rmse_pct <= 15.0, language)],
            [t("cal_nmbe", language), (format_pct(calibration.nmbe_pct / 100.0, language, 1), "num"),
             (format_pct(fit.nmbe_pct / 100.0, language, 1), "num"), "≤ ± " + format_pct(0.05, language),
             _verdict(abs(calibration.nmbe_pct) <= 5.0, language)],
            [t("cal_r2", language), _num(calibration.r_squared, language, 3), _num(fit.r_squared, language, 3), "–",
             "–"]]
    body += table_html([t(k, language) for k in ("cal_statistic", "cal_simulation", "cal_change_point",
                                                 "cal_criterion", "cal_verdict")], rows,
                       attrs='id="guideline14-table"')
    verdict = "cal_verdict_meets" if calibration.meets_guideline14 else "cal_verdict_fails"
    body += f'<p id="guideline14-verdict">{escape(t(verdict, language))}</p>'
    body += _figure_html("calibration_monthly", calibration_figure(fit, calibration, language), language)
    rows = [[(str(r["start"].date()), ""), (str(r["end"].date()), ""), _num(r["days"], language),
             _num(r["measured_kwh"], language), _num(r["simulated_kwh"], language), _num(r["residual_kwh"], language)]
            for _, r in calibration.periods.iterrows()]
    body += (f"<details><summary>{escape(t('cal_periods_title', language))}</summary>"
             + table_html([t(k, language) for k in ("cal_start", "cal_end", "cal_days", "cal_measured_kwh",
                                                    "cal_simulated_kwh", "cal_residual_kwh")], rows,
                          attrs='id="calibration-periods-table"') + "</details>")
    return _section("calibration", t("sec_calibration", language), body)


def write_calibration_report(fit, calibration, out_dir, *, language: str = "en", building: str = "",
                             source: str = "", branding: Branding | None = None,
                             template_dir=None) -> MeasuredReportPaths:
    """Write ``calibration.html`` and ``calibration.xlsx`` to ``out_dir``.

    Parameters
    ----------
    fit : ChangePointFit
        :func:`mgwsim.measured.fit_change_point` of the bills.
    calibration : Calibration
        :func:`mgwsim.measured.calibrate_to_bills` of the building to the same bills.
    language : {'en', 'nl'}
    building, source : str
        The building's name (title block) and the bills' file (stated in the intro).
    branding, template_dir
        As for :func:`mgwsim.report.write_report`.
    """
    check_choice(language, "language", LANGUAGES, owner="write_calibration_report")
    section = calibration_section(fit, calibration, language, source=source)
    return _page([section], Path(out_dir), "calibration", "title_calibration", building, language, branding,
                 template_dir, calibration_tables(fit, calibration, language))


# --------------------------------------------------------------------------- monitoring
def monitoring_figure(monthly: pd.DataFrame, language: str = "en") -> Figure:
    """Heat and electricity per month, measured against simulated (left), and the monthly SPF (right)."""
    fig = Figure(figsize=(10.0, 4.0), dpi=DPI, layout="constrained")
    left, right = fig.subplots(1, 2)
    x = np.arange(len(monthly))
    labels = [_month_label(p, language) for p in monthly.index]
    width = 0.2
    for i, (column, color) in enumerate((("heat_kwh", COLORS["hp"]), ("electricity_kwh", COLORS["booster"]))):
        if f"{column}_measured" not in monthly:
            continue
        name = t(f"mon_k_{column}", language)
        left.bar(x + (2 * i - 1.5) * width, monthly[f"{column}_measured"] / 1000.0, width, color=color,
                 label=f"{name}, {t('cal_measured', language).lower()}")
        left.bar(x + (2 * i - 0.5) * width, monthly[f"{column}_simulated"] / 1000.0, width, color=color, alpha=0.45,
                 label=f"{name}, {t('cal_simulated', language).lower()}")
    left.set_xticks(x, labels, rotation=90, fontsize=7)
    left.set_ylabel(t("mon_energy_mwh", language))
    left.set_title(t("fig_monitoring_energy", language))
    left.legend(fontsize=7)
    if "spf_measured" in monthly:
        right.plot(x, monthly["spf_measured"], "o-", color=COLORS["demand"], label=t("cal_measured", language))
        right.plot(x, monthly["spf_simulated"], "s--", color=COLORS["other"], label=t("cal_simulated", language))
        right.legend(fontsize=8)
    right.set_xticks(x, labels, rotation=90, fontsize=7)
    right.set_ylabel(t("mon_spf_axis", language))
    right.set_title(t("fig_monitoring_spf", language))
    return fig


def savings_figure(savings, language: str = "en") -> Figure:
    """The normalised baseline and reporting use on the normal year with their uncertainty, and the savings."""
    fig = Figure(figsize=(6.0, 3.5), dpi=DPI, layout="constrained")
    ax = fig.subplots()
    values = np.array([savings.baseline_kwh, savings.reporting_kwh, savings.savings_kwh]) / 1000.0
    errors = np.array([savings.baseline_uncertainty_kwh, savings.reporting_uncertainty_kwh,
                       savings.uncertainty_kwh]) / 1000.0
    ax.bar([0, 1, 2], values, yerr=errors, capsize=6, color=[COLORS["backup"], COLORS["hp"], COLORS["export"]])
    ax.set_xticks([0, 1, 2], [t(k, language) for k in ("sav_baseline", "sav_reporting", "sav_savings")])
    ax.set_ylabel(t("sav_axis", language))
    ax.set_title(t("fig_normalised_savings", language, level=format_pct(savings.level, language)))
    return fig


def monitoring_tables(gap: pd.DataFrame, monthly: pd.DataFrame | None, savings=None) -> dict[str, pd.DataFrame]:
    """The tables of the monitoring section, for the workbook."""
    tables = {"performance_gap": gap}
    if monthly is not None:
        tables["monthly"] = monthly
    if savings is not None:
        tables["normalised_savings"] = savings.to_series().to_frame("value")
    return tables


def monitoring_section(gap: pd.DataFrame, monthly: pd.DataFrame | None = None, savings=None,
                       language: str = "en", *, variant: str = ""):
    """The ``monitoring`` section: the performance gap, the months, and the normalised savings."""
    check_choice(language, "language", LANGUAGES, owner="monitoring_section")
    start, end = gap.attrs.get("period", (None, None))
    boundary = gap.attrs.get("boundary", "H2")
    # the period's end is exclusive: its last day is the day of the second before
    last = None if end is None else (end - pd.Timedelta(seconds=1)).tz_convert("Europe/Brussels").date()
    period = f"{start.tz_convert('Europe/Brussels').date()} – {last}" if start is not None else "–"
    body = f"<p>{escape(t('mon_intro', language, variant=variant or '–', period=period, boundary=boundary))}</p>"
    body += f"<h3>{escape(t('mon_gap_title', language))}</h3>"
    rows = []
    for kpi, row in gap.iterrows():
        d = KPI_DECIMALS.get(kpi, 0)
        rows.append([t(f"mon_k_{kpi}", language), _num(row["measured"], language, d),
                     _num(row["simulated"], language, d), _num(row["gap"], language, d),
                     ("–" if pd.isna(row["gap_pct"]) else (format_pct(row["gap_pct"] / 100.0, language, 1), "num"))])
    body += table_html([t(k, language) for k in ("mon_kpi", "cal_measured", "cal_simulated", "mon_gap",
                                                 "mon_gap_pct")], rows, attrs='id="performance-gap-table"')
    spf = f"spf_{boundary}"
    if spf in gap.index:
        row = gap.loc[spf]
        sentence = t("mon_spf_sentence", language, boundary=boundary,
                     measured=format_number(row["measured"], language, 2),
                     simulated=format_number(row["simulated"], language, 2),
                     gap=format_pct(row["gap_pct"] / 100.0, language, 1))
        body += f'<p id="spf-gap">{escape(sentence)}</p>'
    if monthly is not None and len(monthly):
        body += _figure_html("monitoring_monthly", monitoring_figure(monthly, language), language)
    if savings is not None:
        body += f"<h3>{escape(t('sav_title', language))}</h3>"
        level = format_pct(savings.level, language)
        rows = [[t("sav_baseline", language), _num(savings.baseline_kwh, language),
                 _num(savings.baseline_uncertainty_kwh, language)],
                [t("sav_reporting", language), _num(savings.reporting_kwh, language),
                 _num(savings.reporting_uncertainty_kwh, language)],
                [t("sav_savings", language), _num(savings.savings_kwh, language),
                 _num(savings.uncertainty_kwh, language)],
                [t("sav_fraction", language), (format_pct(savings.savings_frac, language, 1), "num"),
                 (format_pct(savings.fractional_uncertainty * abs(savings.savings_frac), language, 1), "num")]]
        body += table_html([t("sav_quantity", language), t("sav_normal_year", language),
                            t("sav_uncertainty", language, level=level)], rows, attrs='id="normalised-savings-table"')
        body += f'<p class="note">{escape(t("sav_note", language, level=level))}</p>'
        body += _figure_html("normalised_savings", savings_figure(savings, language), language)
    return _section("monitoring", t("sec_monitoring", language), body)


def write_monitoring_report(gap: pd.DataFrame, out_dir, *, monthly: pd.DataFrame | None = None, savings=None,
                            language: str = "en", building: str = "", variant: str = "",
                            branding: Branding | None = None, template_dir=None) -> MeasuredReportPaths:
    """Write ``monitoring.html`` and ``monitoring.xlsx`` to ``out_dir``.

    Parameters
    ----------
    gap : pandas.DataFrame
        :func:`mgwsim.measured.performance_gap`.
    monthly : pandas.DataFrame, optional
        :func:`mgwsim.measured.monthly_comparison` of the same series.
    savings : NormalisedSavings, optional
        :func:`mgwsim.measured.normalised_savings`.
    language : {'en', 'nl'}
    building, variant : str
        The building's name (title block) and the variant that was built.
    """
    check_choice(language, "language", LANGUAGES, owner="write_monitoring_report")
    section = monitoring_section(gap, monthly, savings, language, variant=variant)
    return _page([section], Path(out_dir), "monitoring", "title_monitoring", building, language, branding,
                 template_dir, monitoring_tables(gap, monthly, savings))
