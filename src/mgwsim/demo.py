"""``make demo``: the feasibility study of the example Antwerp apartment block on the embedded defaults."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from mgwsim.branding import ReportSettings
from mgwsim.examples import (
    ANTWERPEN,
    antwerp_block,
    antwerp_renovation_path,
    antwerp_variants,
)
from mgwsim.study import Study, StudyInputs, StudyResult
from mgwsim.weather import Weather, default_weather

SUMMARY_COLUMNS = ["investment_eur", "works_grants_eur", "annual_energy_cost_eur", "npv_eur", "irr", "payback_years",
                   "gap_before_grants_eur", "gap_covered_frac", "co2_avoided_t", "gap_per_t_co2_eur",
                   "lcoh_eur_per_mwh", "annual_cost_per_apartment_eur", "spf_h2", "backup_share", "cold_hours",
                   "self_consumption", "peak_import_kw", "co2_reduction", "epc_kwh_m2", "epc_label"]


def example_study() -> Study:
    """The example study: the 1960s Antwerp block, its renovation path, a gas reference and nine variants (among
    them "roof first": the roof insulated now, then the heat pumps)."""
    default = default_weather()
    # The embedded weather year is measured at Uccle; the building stands in Antwerp, 40 km north.
    weather = Weather(default.data, ANTWERPEN, source=default.source + ", used for Antwerpen")
    reference, variants = antwerp_variants()
    inputs = StudyInputs(antwerp_block(), weather, renovation_path=antwerp_renovation_path())
    return Study(inputs, reference, variants)


DEMO_REPORT = ReportSettings(smallest_connection=True)
"""The demo's report settings: the smallest grid connection on
(:func:`mgwsim.report.connection.smallest_connections`)."""


def run_demo(out: Path, settings: ReportSettings = DEMO_REPORT) -> StudyResult:
    """Run the example study, print its comparison and decision, and write the outputs to ``out``.

    ``out/report.html`` and ``out/workbook.xlsx`` in English, ``out/nl/`` the same in Dutch (its workbook
    without the hourly sheet, which holds the same numbers as the English one's). With
    ``settings.smallest_connection`` (the default) the smallest grid connections are searched once,
    reported in both languages and written to ``out/smallest_connection.csv``.
    """
    import matplotlib

    matplotlib.use("Agg")
    result = example_study().run(progress=lambda message: print(f"  {message}", file=sys.stderr))
    out.mkdir(parents=True, exist_ok=True)
    result.table.to_csv(out / "table.csv")
    result.path_table().to_csv(out / "renovation_path.csv", index=False)
    result.decision.to_frame().to_csv(out / "decision.csv")
    written = [out / "table.csv", out / "decision.csv", out / "renovation_path.csv"]
    try:
        from mgwsim.report import write_report
    except ImportError:
        write_report = None
    connections = report_connections(result, settings)
    if connections is not None:
        frame = pd.DataFrame([c.summary() for c in connections.values()]).rename_axis("variant")
        frame.to_csv(out / "smallest_connection.csv")
        written.append(out / "smallest_connection.csv")
    if write_report is not None:
        for language, folder in (("en", out), ("nl", out / "nl")):  # the hourly sheet once: in the English workbook
            paths = write_report(result, folder, language=language, hourly_in_workbook=language == "en",
                                 branding=settings.branding, template_dir=settings.template_dir,
                                 stylesheet=settings.stylesheet, connections=connections)
            written += [paths.html, paths.workbook]
    with pd.option_context("display.float_format", "{:,.2f}".format, "display.width", 200, "display.max_columns", 30):
        print(f"mgwsim feasibility study: {result.inputs.building.name}")
        print(f"weather: {result.inputs.weather.source}\n")
        print(result.table[SUMMARY_COLUMNS].T.to_string())
        print(f"\nrecommended: {result.recommended or 'none'}\n{result.recommendation_reason}")
        detail = (connections or {}).get(result.detail_variant)
        if detail is not None and detail.best is not None:
            row = detail.summary()
            print(f"smallest grid connection of '{result.detail_variant}': {row['smallest_kva']:.0f} kVA "
                  f"({row['unlimited_kva']:.0f} kVA without a limit, {row['existing_kva']:.0f} kVA today)")
    print("\nwritten: " + ", ".join(str(p) for p in written))
    return result


def report_connections(result: StudyResult, settings: ReportSettings, progress=None) -> dict | None:
    """The smallest grid connections the report shows when ``settings.smallest_connection`` is on
    (:func:`mgwsim.report.connection.smallest_connections` with the settings' tolerance and backup rule), else None."""
    if not settings.smallest_connection:
        return None
    from mgwsim.report.connection import smallest_connections

    if progress is not None:
        progress("searching the smallest grid connection")
    return smallest_connections(result, tol_kw=settings.connection_tolerance_kw,
                                max_extra_backup_share=settings.connection_max_extra_backup_share)
