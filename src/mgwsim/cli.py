"""The ``mgwsim`` command.

``mgwsim study CONFIG.toml -o OUT/``
    Run the feasibility study a TOML file describes (``docs/config.md``), print the comparison
    and the recommendation with its reason, write ``OUT/table.csv`` and ``OUT/decision.csv`` (and
    the report and workbook when :mod:`mgwsim.report` is installed; ``--pdf`` also ``report.pdf``,
    branded by the configuration's ``[report]`` table).
``mgwsim demo [--out out]``
    The example Antwerp block on the embedded defaults.
``mgwsim stock N -o TABLE [--combinations simple|rich|NAMES]``
    A synthetic stock of N Flemish apartment buildings × the twelve city combinations (``rich``: 26,
    with EV, MV cabin, dynamic tariff, roof insulation first, emitter upgrade and battery).
``mgwsim batch TABLE -o RESULTS --row {demand,variant,city}``
    A typology table (CSV/Parquet) through :func:`mgwsim.batch.run_batch`, locally or on Dask;
    with ``--row city`` also the typology × combination feasibility summary (and per period and
    size class) and the heat map with counts and the main failing condition of every cell.
``mgwsim calibrate BILLS.csv --building STUDY.toml -o OUT/``
    Fit the change-point baseline of the gas bills and calibrate the study's building to them
    (``docs/measured.md``); write the fit and calibration tables, the report section
    ``calibration.html`` with ``calibration.xlsx``, and print the ASHRAE Guideline 14 verdict.
``mgwsim monitor MEASURED.csv --study STUDY.toml [--weather PERIOD.epw] [--meter FLUVIUS.csv] -o OUT/``
    Compare heat-pump monitoring data with the study's variant simulated on the period's
    weather and, with ``[measured]`` bills in the study, state the savings normalised to a typical
    year (IPMVP); write the performance-gap, monthly and savings tables, the report section
    ``monitoring.html`` with ``monitoring.xlsx``, and print the SPF gap and the savings.
``mgwsim weather info FILE``
    Summary of an EPW (``.epw``, ``.epw.gz``) or PVGIS TMY file, or of the embedded year.
``mgwsim --version``
    The version.

Bad input (a usage error, a missing file, a configuration error, a malformed data file, an
output path that cannot be written) ends with exit status 2 and one line ``mgwsim: <reason>`` on stderr, before
any long computation; a run that fails (rows of a batch, an unexpected error) with status 1 and
one line (``MGWSIM_TRACEBACK=1`` shows the traceback of an unexpected error); Ctrl-C with
status 130 and one line. A batch whose output folder holds damaged parts or a damaged manifest
repairs them (one line on stderr) and recomputes their rows. Output files are written
atomically (a temporary file in the same folder, renamed): an interrupted or failed write
leaves the previous file or none, never half.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mgwsim import __version__
from mgwsim._atomic import write_atomically
from mgwsim.errors import InputError

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
LANGUAGES = ("en", "nl")
TABLE_SUFFIXES = (".parquet", ".pq", ".csv")
ROW_FUNCTIONS = {
    "demand": "the annual heat demand of each building (mgwsim.batch.demand_row)",
    "variant": "a technique combination judged against a new gas boiler (mgwsim.batch.variant_row; needs a "
               "'combination' column)",
    "city": "a city combination of a 'mgwsim stock' table (heat plant, PV and the techniques its name adds): "
            "business case, lock-in and feasibility flags and why it fails, with summary.csv (also by period and "
            "size class) and heatmap.png (mgwsim.batch.city_row)",
}
"""The ``--row`` choices of ``mgwsim batch`` and what each computes."""
ROW_COLUMNS = {"demand": ("typology",), "variant": ("typology", "combination"), "city": ("typology", "combination")}
"""Columns a table must have for each ``--row`` (the row functions' required keys; ``seed`` is added)."""
_TABLE_COLUMNS = ("investment_eur", "works_grants_eur", "annual_energy_cost_eur", "npv_eur", "gap_before_grants_eur",
                  "gap_per_t_co2_eur", "spf_h2", "backup_share", "cold_hours", "co2_reduction", "epc_kwh_m2",
                  "epc_label")


# --------------------------------------------------------------------------- study
def _study(args: argparse.Namespace) -> int:
    from mgwsim.config import load_config

    config = load_config(args.config)
    out = _writable_folder(args.out, f"-o/--out {args.out!r}")
    pdf = args.pdf or config.report.pdf
    if pdf:  # before the run: a missing PDF engine is said now, not after minutes of simulation
        from mgwsim.report.pdf import pdf_engine

        pdf_engine()
    print(f"mgwsim study: {config.name} ({len(config.study.variants)} variants + reference), from {config.source}",
          file=sys.stderr)
    if config.study.inputs.building_source:
        print(f"  building {config.study.inputs.building_source}", file=sys.stderr)
    result = config.study.run(progress=lambda message: print(f"  {message}", file=sys.stderr))
    _write_csv(result.table, out / "table.csv")
    _write_csv(result.decision.to_frame(args.language), out / "decision.csv")
    _print_table(result)
    report = _write_report(result, out, args.language, config.report, pdf)
    written = [out / "table.csv", out / "decision.csv", *report]
    print(f"\nrecommended: {result.recommended or 'none'}\n{result.recommendation_reason}")
    print("written: " + ", ".join(str(path) for path in written))
    return 0


def _print_table(result) -> None:
    import pandas as pd

    table = result.table
    shown = table[[c for c in _TABLE_COLUMNS if c in table.columns]]
    with pd.option_context("display.float_format", "{:,.2f}".format, "display.width", 200,
                           "display.max_columns", None):
        print(shown.to_string())


def _write_report(result, out: Path, language: str, settings, pdf: bool) -> list[Path]:
    """``report.html``, ``workbook.xlsx`` (and ``report.pdf``) through :func:`mgwsim.report.write_report` with
    the configuration's ``[report]`` settings, when :mod:`mgwsim.report` exists."""
    try:
        from mgwsim.report import write_report
    except ImportError:
        print("mgwsim study: mgwsim.report is not available; report.html and workbook.xlsx were not written",
              file=sys.stderr)
        return []
    from mgwsim.demo import report_connections

    connections = report_connections(result, settings, lambda message: print(f"  {message}", file=sys.stderr))
    paths = write_report(result, out, language=language, branding=settings.branding,
                         template_dir=settings.template_dir, stylesheet=settings.stylesheet, pdf=pdf,
                         connections=connections)
    return [Path(paths.html), Path(paths.workbook), *([Path(paths.pdf)] if paths.pdf else [])]


# --------------------------------------------------------------------------- demo, weather
def _demo(args: argparse.Namespace) -> int:
    from mgwsim.demo import run_demo

    run_demo(_writable_folder(args.out, f"--out {args.out!r}"))
    return 0


def _weather_info(args: argparse.Namespace) -> int:
    from mgwsim.weather import weather_summary

    weather = _read_weather(Path(args.file))
    print(f"{weather.source}: {weather.site.name} ({weather.site.latitude_deg:.3f}, {weather.site.longitude_deg:.3f})")
    print(weather_summary(weather).to_string())
    return 0


def _read_weather(path: Path):
    """A weather file by its name: EPW (``.epw``, ``.epw.gz``), PVGIS TMY (``.csv``, ``.json``) or the embedded year."""
    from mgwsim._data import data_path
    from mgwsim.weather import default_weather, read_epw, read_pvgis_tmy

    if not path.is_file():
        raise FileNotFoundError(f"no such weather file: {str(path)!r}")
    name = path.name.lower()
    if path.resolve() == data_path("weather", "uccle_nsrdb_2019_hourly.csv.gz").resolve():
        return default_weather()
    if name.endswith((".epw", ".epw.gz")):
        return read_epw(path)
    if name.endswith((".csv", ".json")):
        return read_pvgis_tmy(path)
    raise InputError(f"weather file {str(path)!r}: unknown kind; allowed: an EPW file (.epw or .epw.gz), a PVGIS "
                     "TMY file (.csv or .json) or the embedded year (uccle_nsrdb_2019_hourly.csv.gz)")


# --------------------------------------------------------------------------- measured data
def _calibrate(args: argparse.Namespace) -> int:
    from mgwsim.config import load_measured
    from mgwsim.measured import fit_change_point

    bills = _existing(args.bills, "gas bills file")
    setup = load_measured(_existing(args.building, "study configuration"), bills=bills)
    measured = setup.measured
    fit = fit_change_point(measured.bills, list(measured.weather))  # quick: refuses bills without weather first
    out = _writable_folder(args.out, f"-o/--out {args.out!r}")
    print(f"mgwsim calibrate: {measured.bills.n_periods} bills from {measured.bills.source}; calibrating "
          f"{setup.building.name or 'the building'} ...", file=sys.stderr)
    cal = measured.calibrate_building(setup.building, setup.occupants_per_apartment, setup.seed)
    written = _write_calibration(fit, cal, out)
    written += _measured_report("calibrate", lambda report: report.write_calibration_report(
        fit, cal, out, language=args.language, building=setup.building.name, source=Path(bills).name))
    _print_calibration(fit, cal)
    print("written: " + ", ".join(str(path) for path in written))
    return 0


def _measured_report(command: str, write) -> list[Path]:
    """The page and workbook of ``mgwsim calibrate`` / ``monitor`` (:mod:`mgwsim.report.measured`), when the report
    module is available."""
    try:
        from mgwsim.report import measured as report
    except ImportError:
        print(f"mgwsim {command}: mgwsim.report is not available; the HTML page and workbook were not written",
              file=sys.stderr)
        return []
    paths = write(report)
    return [Path(paths.html), Path(paths.workbook)]


def _write_calibration(fit, cal, out: Path) -> list[Path]:
    """The change-point fit, its periods, the calibrated parameters, periods and summary as CSV."""
    parameters = cal.parameters.join(cal.intervals(0.95).add_prefix("ci95_"))
    tables = {"change_point.csv": fit.to_series().to_frame("value"), "change_point_periods.csv": fit.periods,
              "calibration_parameters.csv": parameters, "calibration_periods.csv": cal.periods,
              "calibration_summary.csv": cal.summary().to_frame("value")}
    for name, frame in tables.items():
        _write_csv(frame, out / name)
    return [out / name for name in tables]


def _print_calibration(fit, cal) -> None:
    from mgwsim.measured import GUIDELINE14_MONTHLY

    limits = (f"CV(RMSE) <= {GUIDELINE14_MONTHLY['cv_rmse_pct']:g} %, |NMBE| <= "
              f"{GUIDELINE14_MONTHLY['nmbe_pct']:g} %")
    print(f"change point: base {fit.base_degc:.1f} degC, slope {fit.slope_kwh_per_k_day:.1f} kWh/(K d), baseload "
          f"{fit.baseload_kwh_per_day:.1f} kWh/d; CV(RMSE) {fit.cv_rmse_pct:.1f} %, R2 {fit.r_squared:.3f}")
    shown = cal.parameters[["prior_mean", "prior_sd", "estimate", "sd", "sd_ratio"]]
    print(shown.to_string(float_format="{:.3f}".format))
    verdict = "meets" if cal.meets_guideline14 else "does NOT meet"
    print(f"calibrated simulation: CV(RMSE) {cal.cv_rmse_pct:.1f} %, NMBE {cal.nmbe_pct:+.1f} %: {verdict} "
          f"ASHRAE Guideline 14 (monthly: {limits})")


def _monitor(args: argparse.Namespace) -> int:
    from mgwsim.config import load_config
    from mgwsim.measured import read_fluvius_quarter_hours, read_gas_bills, read_heatpump_monitoring

    measured = [read_heatpump_monitoring(_existing(args.measured, "monitoring file"))]
    if args.meter is not None:
        measured.append(read_fluvius_quarter_hours(_existing(args.meter, "meter export")))
    weather = _read_weather(Path(args.weather)) if args.weather is not None else None
    config = load_config(_existing(args.study, "study configuration"))
    variant = _variant(config.study, args.variant)
    _check_period(measured, weather or config.study.inputs.weather)
    gas_after = read_gas_bills(_existing(args.gas_after, "gas bills file")) if args.gas_after else None
    normal = _read_weather(Path(args.normal_weather)) if args.normal_weather is not None else None
    out = _writable_folder(args.out, f"-o/--out {args.out!r}")
    table, monthly = _performance_gap(config.study.inputs, variant, weather, measured, args.boundary)
    savings = _normalised_savings(args.study, measured[0], gas_after, weather or config.study.inputs.weather,
                                  normal or config.study.inputs.weather)
    written = [out / "performance_gap.csv", out / "monthly_comparison.csv"]
    _write_csv(table, written[0])
    _write_csv(monthly.set_axis(monthly.index.astype(str)), written[1])
    if savings is not None:
        written.append(out / "normalised_savings.csv")
        _write_csv(savings.to_series().to_frame("value"), written[-1])
    written += _measured_report("monitor", lambda report: report.write_monitoring_report(
        table, out, monthly=monthly, savings=savings, language=args.language,
        building=config.study.inputs.building.name, variant=variant.label(args.language)))
    _print_gap(table, args.boundary)
    if savings is not None:
        _print_savings(savings)
    print("written: " + ", ".join(str(path) for path in written))
    return 0


def _normalised_savings(study_path, monitoring, gas_after, period_weather, normal_weather):
    """IPMVP normalised savings (:func:`mgwsim.measured.normalised_savings`) in primary energy: the study's
    ``[measured]`` bills before the works against the monitored heat-pump electricity (and ``--gas-after``) of
    the period, both on the normal year; None (said on stderr) without ``[measured]`` bills."""
    from mgwsim.assess.epc import EPC_FACTORS_FLANDERS
    from mgwsim.config import load_measured
    from mgwsim.errors import DataError
    from mgwsim.measured import fit_change_point, monthly_use, normalised_savings, reporting_use, weighted_bills

    try:
        setup = load_measured(study_path)
    except InputError:
        print("mgwsim monitor: the study has no [measured] gas bills; the normalised savings were not computed",
              file=sys.stderr)
        return None
    baseline_bills = weighted_bills(setup.measured.bills, EPC_FACTORS_FLANDERS["natural_gas"])
    baseline = fit_change_point(baseline_bills, list(setup.measured.weather))
    try:
        if gas_after is None and "gas_kwh" in monitoring.data:  # the logger meters the backup boiler's gas
            reporting_bills = monthly_use({"electricity": monitoring.data["electricity_kwh"],
                                           "natural_gas": monitoring.data["gas_kwh"]}, source=monitoring.source)
        else:
            reporting_bills = reporting_use(monitoring.data["electricity_kwh"], gas_after, source=monitoring.source)
        reporting = fit_change_point(reporting_bills, period_weather)
    except (DataError, InputError) as error:
        print(f"mgwsim monitor: the normalised savings were not computed: {error}", file=sys.stderr)
        return None
    return normalised_savings(baseline, reporting, normal_weather)


def _print_savings(savings) -> None:
    level = f"{100 * savings.level:.0f} %"
    print(f"normalised savings (IPMVP, normal year, primary energy): {savings.savings_kwh:,.0f} kWh "
          f"+/- {savings.uncertainty_kwh:,.0f} kWh ({level}), {100 * savings.savings_frac:.1f} % of the baseline "
          f"{savings.baseline_kwh:,.0f} kWh")


def _variant(study, name: str | None):
    names = [v.name for v in study.variants]
    if name is None and len(names) == 1:
        return study.variants[0]
    if name is None or name not in names:
        given = "give --variant" if name is None else f"--variant {name!r} is not in the study"
        raise InputError(f"monitor: {given}, the variant that was built; the study's variants: "
                         f"{', '.join(map(repr, names))}")
    return study.variants[names.index(name)]


def _check_period(measured, weather) -> None:
    """Refuse, before the simulation, measured data that lie outside the simulated weather year."""
    index = weather.calendar_year().index
    first, last = measured[0].data.index[0], measured[0].data.index[-1]
    if last < index[0] or first > index[-1]:
        raise InputError(f"monitor: the measured data ({first} .. {last}) lie outside the simulated weather "
                         f"({index[0]} .. {index[-1]}, {weather.source}); give --weather with the weather of the "
                         "monitored period")


def _performance_gap(inputs, variant, weather, measured, boundary: str):
    """The variant simulated on the period's weather (the study's own without one) against the measured data: the
    performance-gap table and the months."""
    from dataclasses import replace

    from mgwsim.measured import monthly_comparison, performance_gap, simulated_monitoring
    from mgwsim.study.evaluate import evaluate_variant

    if weather is not None:
        inputs = replace(inputs, weather=weather, radiators=inputs.existing_radiators)
    result = evaluate_variant(inputs, variant)
    simulated = simulated_monitoring(result.system, result.balance, boundary=boundary)
    return performance_gap(measured, simulated, boundary=boundary), monthly_comparison(measured, simulated)


def _print_gap(table, boundary: str) -> None:
    import pandas as pd

    start, end = table.attrs["period"]
    print(f"performance gap, {start} .. {end} (boundary {boundary}; gap = measured - simulated):")
    with pd.option_context("display.float_format", "{:,.2f}".format, "display.width", 200):
        print(table.to_string())
    spf = f"spf_{boundary}"
    if spf in table.index:
        row = table.loc[spf]
        print(f"SPF {boundary}: measured {row['measured']:.2f}, simulated {row['simulated']:.2f}, gap "
              f"{row['gap']:+.2f} ({row['gap_pct']:+.1f} %)")
    else:
        print(f"SPF {boundary}: not compared (the measured data have no heat and electricity over the same intervals)")


# --------------------------------------------------------------------------- batch
def _row_function(name: str | None, table, step: str = "1h"):
    """The row function and its shared data for ``--row``; without ``--row`` refuse to guess."""
    from mgwsim.batch import CityModel, city_row, demand_row, demand_shared, variant_row, variant_shared

    if name is None:
        hint = " (this table has a 'combination' column, as 'mgwsim stock' writes: --row city?)" \
            if "combination" in table.columns else ""
        choices = "; ".join(f"'{key}': {what}" for key, what in ROW_FUNCTIONS.items())
        raise InputError(f"batch: give --row, the function each row runs{hint}: {choices}")
    missing = [column for column in ROW_COLUMNS[name] if column not in table.columns]
    if missing:
        raise InputError(f"batch: the table has no column {', '.join(map(repr, missing))}, which --row {name} needs; "
                         f"its columns: {', '.join(map(str, table.columns))}")
    return {"demand": lambda: (demand_row, demand_shared()), "variant": lambda: (variant_row, variant_shared()),
            "city": lambda: (city_row, CityModel(step=step))}[name]()


def _batch(args: argparse.Namespace) -> int:
    from mgwsim.batch import DamagedOutputWarning, read_table, run_batch
    from mgwsim.batch._engine import release_arrow_memory

    table = read_table(_existing(args.table, "batch table"))
    if args.step != "1h" and args.row != "city":
        raise InputError(f"batch: --step {args.step} is for --row city; --row {args.row} runs on hourly years")
    row_function, shared = _row_function(args.row, table, args.step)
    out = _writable_folder(args.out, f"-o/--out {args.out!r}")
    client = _dask_client(args.scheduler) if args.scheduler else None
    try:
        with warnings.catch_warnings():  # a repaired output: one line "mgwsim batch: <what was repaired>"
            warnings.simplefilter("always", DamagedOutputWarning)
            warnings.showwarning = _show_repair(warnings.showwarning)
            results = run_batch(table, row_function, output=out / "parts", chunk_size=_chunk_size(args, table),
                                n_workers=None if client is not None else args.workers, client=client,
                                progress=not args.quiet, shared=shared, seed=args.seed, collect=False)
    finally:
        if client is not None:
            client.close()
    groups = _group_columns(table)  # the summaries' keys as categories; the table itself is let go
    del table, row_function, shared
    release_arrow_memory()
    target = out / f"results.{args.format}"
    with ThreadPoolExecutor(1, thread_name_prefix="mgwsim-results") as background:
        # the results are formatted by Arrow's kernels, mostly without the GIL: the summaries and the map meanwhile
        writing = background.submit(_write_results, results, target)
        summaries = _feasibility(groups, results, out)
        writing.result()
    written = [target, *summaries]
    print(f"mgwsim batch: {results.n_rows} rows, {results.n_failed} failed; written: {', '.join(map(str, written))}")
    return 0 if results.n_failed == 0 else 1


CHUNK_SIZE = 256
"""Rows per task of ``mgwsim batch`` unless ``--chunk-size`` says otherwise."""

CITY_CHUNK_SIZE = 1024
"""Most rows per task of ``mgwsim batch --row city`` on a large table of whole buildings: a chunk costs its worker
about 7–13 ms besides its rows (the rows' dicts to a DataFrame, to Arrow and back, to the driver) and the driver a
Parquet part to write and read again, so 1,023 rich rows a chunk instead of 248 take about 0.1 ms of CPU less a row,
workers and driver together (docs/batch.md, where the all-in CPU goes)."""

MIN_CHUNKS = 16
"""A city table of more than ``MIN_CHUNKS * CHUNK_SIZE`` rows is cut in at least this many chunks, so that every
worker gets several and none waits long for the last one."""


def _chunk_size(args: argparse.Namespace, table) -> int:
    """``--chunk-size``, else :data:`CHUNK_SIZE` rows; for ``--row city`` on a table of whole buildings (each
    with every combination, as ``mgwsim stock`` writes it) the largest number of whole buildings within
    :data:`CHUNK_SIZE` to :data:`CITY_CHUNK_SIZE` rows (up to the table's rows over :data:`MIN_CHUNKS`): a
    building split over two chunks builds its case (demand, loads, reference, shared plant years) twice."""
    if args.chunk_size is not None:
        return args.chunk_size
    if args.row != "city" or "building" not in table.columns or "combination" not in table.columns or table.empty:
        return CHUNK_SIZE
    per_building = table["combination"].nunique()
    if per_building > CHUNK_SIZE or len(table) != per_building * table["building"].nunique():
        return CHUNK_SIZE
    rows = min(CITY_CHUNK_SIZE, max(CHUNK_SIZE, len(table) // MIN_CHUNKS))
    return per_building * (rows // per_building)


def _group_columns(table) -> dict:
    """``typology`` and ``combination`` of the table as categories (a code per row), those it has."""
    import pandas as pd

    return {name: pd.Categorical(table[name].to_numpy()) for name in ("typology", "combination")
            if name in table.columns}


def _write_results(results, target: Path) -> None:
    """``results.csv`` from the batch's Parquet parts, formatted by Arrow's kernels (the same text as the assembled
    table's ``to_csv``: :meth:`mgwsim.batch.StoredResults.to_csv`), or ``results.parquet`` from the assembled table."""
    if target.suffix == ".csv":
        write_atomically(target, results.to_csv)
    else:
        write_atomically(target, lambda tmp: results.read().to_parquet(tmp))


def _show_repair(show):
    """A ``warnings.showwarning`` printing a repaired batch output as one line, other warnings by ``show``."""
    from mgwsim.batch import DamagedOutputWarning

    def show_repair(message, category, *args, **kwargs) -> None:
        if issubclass(category, DamagedOutputWarning):
            print(f"mgwsim batch: {_one_line(message)}", file=sys.stderr)
        else:
            show(message, category, *args, **kwargs)

    return show_repair


def _feasibility(groups: dict, results, out: Path) -> list[Path]:
    """``summary.csv`` and ``heatmap.png`` (typology × combination) when the rows carry the flags.

    ``groups``: the table's ``typology`` and ``combination`` as categories; ``results``: the batch's
    :class:`~mgwsim.batch.StoredResults`, of which only the columns the summaries read are loaded."""
    from mgwsim.stock import (CRITERIA_TITLES, DEFAULT_CRITERIA, feasibility_heatmap, feasibility_summary,
                              summary_columns)

    flags = {c for needed in DEFAULT_CRITERIA.values() for c in needed}
    if not {"typology", "combination"} <= set(groups) or not flags <= set(results.columns):
        return []
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    joined = results.read([c for c in summary_columns() if c in results.columns])
    for name, values in groups.items():  # the rows come in the table's order, with its index
        joined[name] = values
    summary = feasibility_summary(joined)
    _write_csv(summary, out / "summary.csv")
    for name, values in _class_columns(groups["typology"]).items():
        joined[name] = values
    written = [out / "summary.csv"]
    for level in ("period", "size_class"):  # the same map per construction period and per size class
        _write_csv(feasibility_summary(joined, by=(level, "combination")), out / f"summary_by_{level}.csv")
        written.append(out / f"summary_by_{level}.csv")
    rows, columns = summary.index.get_level_values(0).nunique(), summary.index.get_level_values(1).nunique()
    figure, axes = plt.subplots(len(DEFAULT_CRITERIA), 1, figsize=(0.9 * columns + 3,
                                                                    len(DEFAULT_CRITERIA) * (0.4 * rows + 2.2)),
                                squeeze=False)
    for ax, name in zip(axes[:, 0], DEFAULT_CRITERIA, strict=True):
        feasibility_heatmap(summary, ax, column=f"share_{name}")
        ax.set_title(CRITERIA_TITLES.get(name, name))
    figure.tight_layout()
    write_atomically(out / "heatmap.png", lambda tmp: figure.savefig(tmp, format="png", dpi=110, bbox_inches="tight"))
    plt.close(figure)
    print(_map_lines(joined))
    return [*written, out / "heatmap.png"]


def _class_columns(typology) -> dict:
    """Construction period and size class (:func:`mgwsim.stock.stock_classes`) of each row as categories, looked
    up once per typology (``typology``: a Categorical)."""
    import numpy as np
    import pandas as pd

    from mgwsim.stock import stock_classes

    codes = np.asarray(typology.codes)
    classes = stock_classes(pd.Series(typology.categories.to_numpy(dtype=object), dtype=object))
    columns = {}
    for name, values in classes.items():
        categories, inverse = np.unique(values.to_numpy(dtype=object).astype(str), return_inverse=True)
        columns[name] = pd.Categorical.from_codes(np.where(codes >= 0, inverse[codes], -1), categories=categories)
    return columns


def _map_lines(joined) -> str:
    """The map in a few lines: per combination, over the whole stock, the buildings that qualify out of those
    judged, and the condition failing most often among the others (:data:`mgwsim.stock.FAILURE_CONDITIONS`)."""
    from mgwsim.stock import feasibility_summary

    overall = feasibility_summary(joined, by=("combination",))
    lines = ["mgwsim batch: per combination, buildings that qualify / judged, and why the others do not:"]
    for combination, cell in overall.iterrows():
        n, share = int(cell["n_judged"]), cell["share_qualifies"]
        passing = "-" if share != share else f"{round(share * n)}/{n} ({share:.0%})"
        reason = cell.get("dominant_failure_qualifies", "")
        why = f"; mostly {reason} ({cell[f'share_fails_{reason}']:.0%} fail it)" if reason else ""
        lines.append(f"  {combination}: {passing}{why}")
    return "\n".join(lines)


def _combinations(text: str) -> list[str]:
    """``--combinations``: a named set (``simple``, ``rich``) or combination names separated by commas."""
    from mgwsim.batch.city import COMBINATION_SETS

    if text in COMBINATION_SETS:
        return list(COMBINATION_SETS[text])
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise InputError(f"--combinations {text!r}: give {' or '.join(COMBINATION_SETS)} or combination names "
                         "separated by commas")
    return names


def _stock(args: argparse.Namespace) -> int:
    from mgwsim.batch import city_table
    from mgwsim.stock import generate_stock

    out = Path(args.out)
    if out.suffix.lower() not in TABLE_SUFFIXES:
        raise InputError(f"-o/--out {str(out)!r}: the table file must end in {', '.join(TABLE_SUFFIXES)}")
    if args.n_buildings > _max_stock():
        raise InputError(f"stock: n_buildings = {args.n_buildings:,} is more than the {_max_stock():,} buildings "
                         "drawn at once (12 rows each, about 2.4 GB of memory); write several tables with "
                         "different --seed")
    _writable_folder(out.parent, f"-o/--out {args.out!r}")
    table = city_table(generate_stock(args.n_buildings, seed=args.seed), _combinations(args.combinations))
    _write_table(table, out)
    print(f"mgwsim stock: {args.n_buildings} buildings x {table['combination'].nunique()} combinations = "
          f"{len(table)} rows; written: {out}")
    return 0


def _existing(path: str, what: str) -> Path:
    if not Path(path).is_file():
        raise FileNotFoundError(f"no such {what}: {path!r}")
    return Path(path)


# --------------------------------------------------------------------------- outputs
def _writable_folder(path, what: str) -> Path:
    """``path`` as a folder that exists (made if needed) and takes a file; else bad input, before the long work.

    ``what`` names the argument in the message (e.g. ``-o/--out 'out'``).
    """
    folder = Path(path)
    blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise InputError(f"{what}: {str(blocker)!r} is a file, not a folder; choose another path")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".mgwsim-write-test-")
        os.close(handle)
        os.remove(probe)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise InputError(f"{what}: the folder {str(folder)!r} cannot be written ({reason}); choose a folder you "
                         "can write to") from None
    return folder


def _write_csv(frame, target: Path) -> None:
    write_atomically(target, lambda tmp: frame.to_csv(tmp))


def _write_table(frame, target: Path) -> None:
    """A table as CSV (``.csv``) or Parquet (any other suffix), written atomically."""
    if target.suffix.lower() == ".csv":
        _write_csv(frame, target)
    else:
        write_atomically(target, lambda tmp: frame.to_parquet(tmp))


def _dask_client(address: str):
    """A client of the Dask scheduler at ``address`` (the caller closes it)."""
    try:
        from distributed import Client
    except ImportError:
        raise InputError("--scheduler needs dask.distributed (pip install 'dask[distributed]')") from None
    try:
        return Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError, TypeError) as error:  # ValueError: not an address
        reason = " ".join(str(error).split()) or type(error).__name__
        raise InputError(f"--scheduler {address!r}: cannot connect ({reason}); give the address of a running "
                         "Dask scheduler, e.g. tcp://host:8786") from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


# --------------------------------------------------------------------------- parser
def _add_study(commands) -> None:
    study = commands.add_parser(
        "study", help="run the feasibility study of a TOML configuration",
        description="Run the reference and every variant of a study configuration (docs/config.md), print the "
                    "comparison table and the recommendation with its reason, write OUT/table.csv, "
                    "OUT/decision.csv and, when mgwsim.report is available, OUT/report.html and OUT/workbook.xlsx.")
    study.add_argument("config", help="study configuration (TOML), e.g. examples/antwerp_1960s.toml")
    study.add_argument("-o", "--out", default="out", help="output folder (default: out)")
    study.add_argument("--language", choices=LANGUAGES, default="en", help="language of the report (default: en)")
    study.add_argument("--pdf", action="store_true",
                       help="also write OUT/report.pdf (A4, through WeasyPrint: pip install 'mgwsim[pdf]'); "
                            "the configuration's [report] pdf = true does the same")
    study.set_defaults(func=_study)


def _add_batch(commands) -> None:
    batch = commands.add_parser(
        "batch", help="run a table of buildings (CSV/Parquet) locally or on a Dask cluster",
        description="Run every row of TABLE (columns typology, variant and optionally floor_area_m2, "
                    "n_apartments, n_storeys, orientation_deg; with --row variant also combination; first CSV "
                    "column = row id) through a row function: the annual heat demand (mgwsim.batch.demand_row) "
                    "or a technique combination judged against a new gas boiler (mgwsim.batch.variant_row, or "
                    "mgwsim.batch.city_row for the tables of 'mgwsim stock': heat plant, PV, business case, "
                    "lock-in, feasibility flags). Finished chunks are kept as "
                    "Parquet parts in RESULTS/parts (a re-run resumes), the assembled table is written to "
                    "RESULTS/results.csv (or .parquet); damaged parts are recomputed. Exit status 0 when every "
                    "row ran, 1 when some rows failed (see their 'error' column), 2 on bad input.")
    batch.add_argument("table", help="input rows: .csv (first column = row id), .parquet or .pq")
    batch.add_argument("-o", "--out", required=True, help="results folder")
    batch.add_argument("--scheduler", metavar="ADDRESS", help="address of a Dask scheduler, e.g. tcp://host:8786")
    batch.add_argument("--workers", type=_positive_int, help="local worker processes (default: all cores; "
                                                             "1 runs in this process); ignored with --scheduler")
    batch.add_argument("--chunk-size", type=_positive_int, default=None,
                       help="rows per task (default: 256; --row city on a table of 'mgwsim stock': the most whole "
                            "buildings within 256 rows, or up to 1,024 on tables of more than 4,096 rows, e.g. "
                            "248 or 1,023 for the 31 rich combinations)")
    batch.add_argument("--row", choices=tuple(ROW_FUNCTIONS), required=False,
                       help="row function (required): " + "; ".join(f"{k}: {v}" for k, v in ROW_FUNCTIONS.items()))
    batch.add_argument("--seed", type=int, default=0, help="batch seed (default: 0)")
    batch.add_argument("--step", choices=("1h", "15min"), default="1h",
                       help="time step of --row city (default: 1h; 15min bills the capacity tariff on quarter-hour "
                            "monthly peaks, about 4x the CPU per row)")
    batch.add_argument("--format", choices=("csv", "parquet"), default="csv", help="results file (default: csv)")
    batch.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    batch.set_defaults(func=_batch)


def _add_measured(commands) -> None:
    calibrate = commands.add_parser(
        "calibrate", help="fit the gas bills and calibrate the study's building to them",
        description="Fit the change-point baseline (ASHRAE Guideline 14 / IPMVP option C) of the gas bills and "
                    "calibrate the building of a study configuration to them (setpoint, infiltration, U-value "
                    "scale, hot water, boiler efficiency; docs/measured.md). The weather of the billed days is "
                    "measured.weather of the configuration, else its [weather]; its [measured.priors] apply. "
                    "Writes OUT/change_point.csv, change_point_periods.csv, calibration_parameters.csv, "
                    "calibration_periods.csv and calibration_summary.csv, the report section calibration.html and "
                    "calibration.xlsx, and prints the Guideline 14 verdict.")
    calibrate.add_argument("bills", help="gas bills (CSV: start, end, energy_kwh or volume_m3, ...)")
    calibrate.add_argument("--building", required=True, help="study configuration (TOML) with the building")
    calibrate.add_argument("-o", "--out", default="out", help="output folder (default: out)")
    calibrate.add_argument("--language", choices=LANGUAGES, default="en",
                           help="language of calibration.html and calibration.xlsx (default: en)")
    calibrate.set_defaults(func=_calibrate)
    monitor = commands.add_parser(
        "monitor", help="compare heat-pump monitoring data with the study's simulation of the period",
        description="Simulate a variant of a study configuration on the monitored period's weather and compare "
                    "it with the heat-pump monitoring export (CSV: time, electricity_kwh, heat_kwh, "
                    "supply_temp_degc, return_temp_degc) and optionally the digital meter's quarter hours. "
                    "With [measured] gas bills in the study, also the savings normalised to a typical year (IPMVP, "
                    "ASHRAE Guideline 14 uncertainty). Writes OUT/performance_gap.csv, monthly_comparison.csv, "
                    "normalised_savings.csv, the report section monitoring.html and monitoring.xlsx, and prints the "
                    "SPF gap and the savings.")
    monitor.add_argument("measured", help="heat-pump monitoring export (CSV)")
    monitor.add_argument("--study", required=True, help="study configuration (TOML)")
    monitor.add_argument("--weather", help="weather of the monitored year (EPW, PVGIS); default: the study's")
    monitor.add_argument("--meter", help="the Fluvius quarter-hour export of the connection (CSV)")
    monitor.add_argument("--variant", help="the variant that was built (needed when the study has several)")
    monitor.add_argument("--boundary", choices=("H2", "H3", "H4"), default="H2",
                         help="SEPEMO boundary of the heat and electricity meters (default: H2)")
    monitor.add_argument("--gas-after", help="gas bills after the works (a hybrid's backup boiler; CSV as for "
                         "calibrate, monthly), added to the reporting period's use for the normalised savings")
    monitor.add_argument("--normal-weather", help="the normal (typical) year of the normalised savings (EPW, PVGIS); "
                         "default: the study's [weather]")
    monitor.add_argument("--language", choices=LANGUAGES, default="en",
                         help="language of monitoring.html and monitoring.xlsx (default: en)")
    monitor.add_argument("-o", "--out", default="out", help="output folder (default: out)")
    monitor.set_defaults(func=_monitor)


class _Parser(argparse.ArgumentParser):
    """argparse with its usage errors as one line ``mgwsim: <reason>`` (exit status 2, as argparse's)."""

    def error(self, message: str):
        self.exit(EXIT_BAD_INPUT, f"mgwsim: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mgwsim", description="Collective heat pumps in apartment buildings.")
    parser.add_argument("--version", action="version", version=f"mgwsim {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_study(commands)
    demo = commands.add_parser("demo", help="run the example Antwerp apartment block on the embedded defaults",
                               description="Run the example Antwerp apartment block on the embedded defaults.")
    demo.add_argument("--out", default="out", help="folder for the outputs (default: out)")
    demo.set_defaults(func=_demo)
    _add_batch(commands)
    _add_measured(commands)
    stock = commands.add_parser(
        "stock", help="a synthetic stock of apartment buildings x the twelve city combinations",
        description="Draw N Flemish apartment buildings (mgwsim.stock.generate_stock) and cross them with the "
                    "twelve combinations of mgwsim.batch.CITY_COMBINATIONS: the input table of "
                    "'mgwsim batch --row city'.")
    stock.add_argument("n_buildings", type=_positive_int, help=f"number of buildings (at most {_max_stock():,})")
    stock.add_argument("-o", "--out", required=True, help="table file (.parquet or .csv)")
    stock.add_argument("--seed", type=int, default=0, help="stock seed (default: 0)")
    stock.add_argument("--combinations", default="simple",
                       help="'simple' (the twelve heat-pump share x backup x PV combinations, default), 'rich' (also "
                            "EV, MV cabin, dynamic tariff, roof insulation first, emitter upgrade, battery, ground, "
                            "exhaust-air and water sources and the heat network: mgwsim.batch.city.RICH_COMBINATIONS) "
                            "or names separated by commas (e.g. hp50_gas_pv,hp70_elec_pv_ev_bat)")
    stock.set_defaults(func=_stock)
    weather = commands.add_parser("weather", help="weather files", description="Weather files.")
    weather_commands = weather.add_subparsers(dest="weather_command", required=True, metavar="COMMAND")
    info = weather_commands.add_parser("info", help="summary of an EPW or PVGIS TMY file",
                                       description="Summary of an EPW or PVGIS TMY (csv/json) weather file.")
    info.add_argument("file", help="EPW (.epw, .epw.gz), PVGIS TMY (.csv, .json) or the embedded year "
                                   "(uccle_nsrdb_2019_hourly.csv.gz)")
    info.set_defaults(func=_weather_info)
    return parser


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text or type(error).__name__


def _max_stock() -> int:
    from mgwsim.stock import MAX_STOCK_BUILDINGS

    return MAX_STOCK_BUILDINGS


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit status (see the module docstring), one line on stderr on failure."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (InputError, FileNotFoundError, IsADirectoryError, NotADirectoryError) as error:
        print(f"mgwsim: {_one_line(error)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        resume = " (finished chunks are kept: the same command resumes)" if args.command == "batch" else ""
        print(f"mgwsim: interrupted{resume}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as error:  # writing an output (a full disk, permissions changed during the run)
        print(f"mgwsim: {args.command} failed: {_one_line(error)}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as error:  # an unexpected failure: one line, the traceback on request
        if os.environ.get("MGWSIM_TRACEBACK"):
            raise
        print(f"mgwsim: {args.command} failed: {type(error).__name__}: {_one_line(error)} (set MGWSIM_TRACEBACK=1 "
              "for the traceback)", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
