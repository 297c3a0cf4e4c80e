"""The ``mgwsim`` command: outputs, exit codes and one-line reasons on bad input, ``--help`` everywhere."""

from __future__ import annotations

import sys
import types

import pandas as pd
import pytest

from mgwsim import Branding, cli

SMALL_STUDY = """
[building]
typology = "AB.02"
floor_area_m2 = 900.0
n_apartments = 12
n_storeys = 4

[reference]
name = "gas boiler"
gas_boiler_kw = 90.0

[[variants]]
name = "heat pumps"
[variants.plant.heat_pumps]
refrigerant = "R290"
rated_kw = 40.0
n_units = 2
[variants.plant.buffer]
volume_l = 1000.0
[variants.plant.backup]
kind = "gas_boiler"
capacity_kw = 90.0
efficiency = 0.8
"""


@pytest.fixture
def small_study(tmp_path):
    path = tmp_path / "small.toml"
    path.write_text(SMALL_STUDY, encoding="utf-8")
    return path


@pytest.fixture
def no_report(monkeypatch):
    """Make ``import mgwsim.report`` fail, whether or not the report package exists."""
    monkeypatch.setitem(sys.modules, "mgwsim.report", None)


def _bad_input(capsys, argv) -> str:
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mgwsim: "), captured.err
    return lines[0]


# --------------------------------------------------------------------------- study
def test_study_writes_table_and_prints_recommendation(small_study, tmp_path, capsys, no_report):
    out = tmp_path / "out"
    assert cli.main(["study", str(small_study), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    table = pd.read_csv(out / "table.csv", index_col=0)
    assert list(table.index) == ["gas boiler", "heat pumps"]
    assert table.loc["heat pumps", "cold_hours"] == 0 and table.loc["heat pumps", "spf_h2"] > 1.5
    # a hybrid keeping its boiler, with no renovation path to 100 kWh/m2: not eligible for the call
    assert "recommended: none" in captured.out
    assert "not eligible for the call" in captured.out and "EPC indicator of at most 100 kWh/m²" in captured.out
    decision = pd.read_csv(out / "decision.csv", index_col=0)
    assert list(decision.index) == ["heat pumps"] and not decision.loc["heat pumps", "qualifies"]
    assert "npv_eur" in captured.out
    assert "report.html and workbook.xlsx were not written" in captured.err


def test_study_calls_write_report_with_the_language(small_study, tmp_path, monkeypatch, capsys):
    calls = []
    fake = types.ModuleType("mgwsim.report")

    def write_report(result, out, *, language, **report):
        calls.append((result.recommended, out, language, report))
        return types.SimpleNamespace(html=out / "report.html", workbook=out / "workbook.xlsx", pdf=None)

    fake.write_report = write_report
    monkeypatch.setitem(sys.modules, "mgwsim.report", fake)
    out = tmp_path / "out"
    assert cli.main(["study", str(small_study), "-o", str(out), "--language", "nl"]) == 0
    no_report_table = {"branding": Branding(), "template_dir": None, "stylesheet": None, "pdf": False,
                       "connections": None}  # [report] smallest_connection is off by default
    assert calls == [(None, out, "nl", no_report_table)]  # nothing qualifies: the report details the closest variant
    assert f"{out / 'report.html'}, {out / 'workbook.xlsx'}" in capsys.readouterr().out


def test_study_passes_the_report_table_and_pdf_to_write_report(small_study, tmp_path, monkeypatch, capsys):
    calls = []
    fake = types.ModuleType("mgwsim.report")

    def write_report(result, out, *, language, **report):
        calls.append(report)
        return types.SimpleNamespace(html=out / "report.html", workbook=out / "workbook.xlsx", pdf=out / "report.pdf")

    fake.write_report = write_report
    monkeypatch.setitem(sys.modules, "mgwsim.report", fake)
    monkeypatch.setitem(sys.modules, "mgwsim.report.pdf", types.SimpleNamespace(pdf_engine=lambda: None))
    branded = tmp_path / "branded.toml"
    branded.write_text(small_study.read_text(encoding="utf-8") + '\n[report]\nfirm = "Schelde"\nversion = "2"\n',
                       encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["study", str(branded), "-o", str(out), "--pdf"]) == 0
    assert calls == [{"branding": Branding(firm="Schelde", version="2"), "template_dir": None, "stylesheet": None,
                      "pdf": True, "connections": None}]
    assert str(out / "report.pdf") in capsys.readouterr().out


def test_study_bad_inputs_exit_2_with_one_line(tmp_path, capsys):
    assert "no such configuration file" in _bad_input(capsys, ["study", str(tmp_path / "none.toml")])
    broken = tmp_path / "broken.toml"
    broken.write_text("[building\n", encoding="utf-8")
    assert "TOML syntax error" in _bad_input(capsys, ["study", str(broken), "-o", str(tmp_path)])
    unknown = tmp_path / "unknown.toml"
    unknown.write_text(SMALL_STUDY.replace("n_units = 2", "n_units = 2\nsize = 3"), encoding="utf-8")
    reason = _bad_input(capsys, ["study", str(unknown), "-o", str(tmp_path)])
    assert "variants[0].plant.heat_pumps: unknown key 'size'; allowed keys:" in reason
    assert not (tmp_path / "table.csv").exists()


# --------------------------------------------------------------------------- batch
def test_batch_writes_results(tmp_path, capsys):
    rows = pd.DataFrame({"typology": ["AB.02", "AB.03", "MFH.01"], "variant": [1, 2, 1],
                         "floor_area_m2": [900.0, 1500.0, 600.0]}, index=pd.Index(["a", "b", "c"], name="id"))
    rows.to_csv(tmp_path / "rows.csv")
    out = tmp_path / "results"
    assert cli.main(["batch", str(tmp_path / "rows.csv"), "-o", str(out), "--workers", "1", "-q", "--row",
                     "demand"]) == 0
    results = pd.read_csv(out / "results.csv", index_col=0)
    assert list(results.index) == ["a", "b", "c"]
    assert results["error"].isna().all()
    assert list(results["heated_floor_area_m2"]) == [900.0, 1500.0, 600.0]
    assert (results["space_heating_kwh"] > 0).all()
    assert "3 rows, 0 failed" in capsys.readouterr().out


def test_batch_runs_the_variant_row_function(tmp_path, capsys):
    pd.DataFrame({"typology": ["MFH.04"], "variant": [1], "combination": ["hp_boiler_pv"]},
                 index=pd.Index(["x"], name="id")).to_csv(tmp_path / "rows.csv")
    out = tmp_path / "results"
    assert cli.main(["batch", str(tmp_path / "rows.csv"), "-o", str(out), "--workers", "1", "-q", "--row",
                     "variant"]) == 0
    results = pd.read_csv(out / "results.csv", index_col=0)
    assert {"npv_eur", "no_unmet_heat", "lock_in_pass", "npv_ge_0", "npv_with_subsidy_ge_0"} <= set(results.columns)
    assert results["error"].isna().all() and "1 rows, 0 failed" in capsys.readouterr().out


def test_batch_failed_rows_exit_1(tmp_path, capsys):
    pd.DataFrame({"typology": ["AB.02", "XX.01"], "variant": [1, 1]}).to_csv(tmp_path / "rows.csv")
    out = tmp_path / "results"
    assert cli.main(["batch", str(tmp_path / "rows.csv"), "-o", str(out), "--workers", "1", "-q",
                     "--format", "parquet", "--row", "demand"]) == 1
    results = pd.read_parquet(out / "results.parquet")
    assert results["error"].notna().tolist() == [False, True]
    assert "2 rows, 1 failed" in capsys.readouterr().out


def test_batch_bad_input(tmp_path, capsys):
    demand = ["-o", str(tmp_path), "--row", "demand"]
    assert "no such batch table" in _bad_input(capsys, ["batch", str(tmp_path / "none.csv"), *demand])
    (tmp_path / "rows.txt").write_text("x\n", encoding="utf-8")
    assert "suffix must be .csv" in _bad_input(capsys, ["batch", str(tmp_path / "rows.txt"), *demand])


def test_batch_passes_a_dask_client_for_a_scheduler(tmp_path, monkeypatch):
    seen = {}

    class FakeClient:
        closed = False

        def close(self):
            FakeClient.closed = True

    def fake_run_batch(table, row_function, **options):
        seen.update(options, rows=len(table))
        return run_batch(table, _no_kpis, output=options["output"], n_workers=1, collect=options["collect"])

    monkeypatch.setattr(cli, "_dask_client", lambda address: seen.setdefault("address", address) and FakeClient())
    from mgwsim.batch import run_batch  # the real one, for the fake

    monkeypatch.setattr("mgwsim.batch.run_batch", fake_run_batch)
    pd.DataFrame({"typology": ["AB.02"], "variant": [1]}).to_csv(tmp_path / "rows.csv")
    argv = ["batch", str(tmp_path / "rows.csv"), "-o", str(tmp_path / "r"), "--scheduler", "tcp://h:8786",
            "--chunk-size", "128", "--workers", "4", "--row", "demand"]
    assert cli.main(argv) == 0
    assert seen["address"] == "tcp://h:8786" and isinstance(seen["client"], FakeClient)
    assert seen["n_workers"] is None and seen["chunk_size"] == 128 and FakeClient.closed


def test_a_city_batch_chunks_whole_buildings():
    """Without --chunk-size, a city table of whole buildings goes in chunks of whole buildings (a building split
    over two chunks builds its case twice); other tables and a given size keep theirs."""
    import argparse

    from mgwsim.batch import city_table
    from mgwsim.batch.city import RICH_COMBINATIONS
    from mgwsim.stock import generate_stock

    rich = city_table(generate_stock(10, seed=0), list(RICH_COMBINATIONS))
    args = argparse.Namespace(chunk_size=None, row="city")
    assert cli._chunk_size(args, rich) == 248  # 8 buildings x 31 combinations
    assert cli._chunk_size(args, city_table(generate_stock(30, seed=0))) == 252  # 21 x 12
    assert cli._chunk_size(args, rich.iloc[:-1]) == 256  # not whole buildings
    assert cli._chunk_size(argparse.Namespace(chunk_size=None, row="demand"), rich) == 256
    assert cli._chunk_size(argparse.Namespace(chunk_size=100, row="city"), rich) == 100
    # a larger table: at least 16 chunks of whole buildings, up to 1,024 rows (fewer chunks: less engine overhead)
    assert cli._chunk_size(args, city_table(generate_stock(200, seed=0), list(RICH_COMBINATIONS))) == 372  # 12 x 31
    assert cli._chunk_size(args, city_table(generate_stock(1000, seed=0), list(RICH_COMBINATIONS))) == 1023  # 33 x 31


def _no_kpis(row: dict, shared) -> dict:
    return {}


def test_city_batch_files_equal_those_of_the_assembled_results(tmp_path, capsys):
    """``mgwsim batch --row city`` writes results.csv part by part from the parts and loads only the summaries'
    columns: its files equal, byte for byte, those of the whole assembled table (``run_batch`` collecting the
    rows, the summaries on all columns with the classes looked up per row), failing rows included."""
    from mgwsim.batch import city_table, run_batch
    from mgwsim.stock import feasibility_summary, generate_stock, stock_classes

    table = city_table(generate_stock(3, seed=3), ["hp50_gas_pv", "hp70_elec_pv", "hp30_gas"])
    table.loc[table.index[1], "floor_area_m2"] = -5.0  # these two rows fail
    table.loc[table.index[4], "n_apartments"] = 0
    table.to_parquet(tmp_path / "table.parquet")
    out = tmp_path / "out"
    model = cli._row_function("city", table)
    cli_row_function = cli._row_function
    try:
        cli._row_function = lambda name, frame, step="1h": model
        assert cli.main(["batch", str(tmp_path / "table.parquet"), "-o", str(out), "--row", "city", "--workers", "1",
                         "-q", "--chunk-size", "4"]) == 1
    finally:
        cli._row_function = cli_row_function
    assert "9 rows, 2 failed" in capsys.readouterr().out
    assembled = run_batch(table, *model[:1], shared=model[1], output=out / "parts", n_workers=1)  # all parts done
    assert assembled["error"].notna().sum() == 2
    assembled.to_csv(tmp_path / "assembled.csv")
    assert (out / "results.csv").read_bytes() == (tmp_path / "assembled.csv").read_bytes()
    for name in ("typology", "combination"):
        assembled[name] = pd.Categorical(table[name].to_numpy())
    feasibility_summary(assembled).to_csv(tmp_path / "summary.csv")
    for name, values in stock_classes(assembled["typology"].astype(object)).items():
        assembled[name] = pd.Categorical(values.to_numpy())
    for level in ("period", "size_class"):
        feasibility_summary(assembled, by=(level, "combination")).to_csv(tmp_path / f"summary_by_{level}.csv")
    for name in ("summary.csv", "summary_by_period.csv", "summary_by_size_class.csv"):
        assert (out / name).read_bytes() == (tmp_path / name).read_bytes(), name
    again = tmp_path / "again"  # other chunks (one of every row): the same files, byte for byte, map included
    try:
        cli._row_function = lambda name, frame, step="1h": model
        assert cli.main(["batch", str(tmp_path / "table.parquet"), "-o", str(again), "--row", "city", "--workers",
                         "1", "-q", "--chunk-size", "9"]) == 1
    finally:
        cli._row_function = cli_row_function
    assert len(list((out / "parts").glob("part-*.parquet"))) == 3 and len(list((again / "parts").glob("part-*"))) == 1
    for name in ("results.csv", "summary.csv", "summary_by_period.csv", "summary_by_size_class.csv", "heatmap.png"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


def test_batch_rejects_a_non_positive_chunk_size(tmp_path):
    with pytest.raises(SystemExit) as info:
        cli.main(["batch", "rows.csv", "-o", str(tmp_path), "--chunk-size", "0"])
    assert info.value.code == 2


# --------------------------------------------------------------------------- demo, weather, help
def test_demo_calls_run_demo_with_the_folder(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr("mgwsim.demo.run_demo", calls.append)
    assert cli.main(["demo", "--out", str(tmp_path / "d")]) == 0
    assert calls == [tmp_path / "d"]


def test_weather_info(shared_data, capsys):
    epw = shared_data / "weather" / "BEL_VLG_Uccle.064470_TMYx.2007-2021.epw"
    assert cli.main(["weather", "info", str(epw)]) == 0
    assert "Uccle" in capsys.readouterr().out


def test_weather_info_bad_input(tmp_path, capsys):
    assert "no such weather file" in _bad_input(capsys, ["weather", "info", str(tmp_path / "none.epw")])
    bad = tmp_path / "bad.epw"
    bad.write_text("not an epw\n", encoding="utf-8")
    assert "cannot be read as EPW" in _bad_input(capsys, ["weather", "info", str(bad)])


@pytest.mark.parametrize("argv", [[], ["study"], ["demo"], ["batch"], ["weather"], ["weather", "info"]],
                         ids=["mgwsim", "study", "demo", "batch", "weather", "weather-info"])
def test_help_everywhere(argv, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main([*argv, "--help"])
    assert info.value.code == 0
    assert "usage: mgwsim" in capsys.readouterr().out


def test_ctrl_c_in_a_batch_says_it_resumes(tmp_path, monkeypatch, capsys):
    table = tmp_path / "table.csv"
    pd.DataFrame({"typology": ["AB.02"], "variant": [1]}).to_csv(table)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("mgwsim.batch.run_batch", interrupted)
    assert cli.main(["batch", str(table), "-o", str(tmp_path / "out"), "-q", "--row", "demand"]) == 130
    assert "the same command resumes" in capsys.readouterr().err
