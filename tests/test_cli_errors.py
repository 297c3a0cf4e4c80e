"""The ``mgwsim`` command on misuse: one line ``mgwsim: <reason>`` on stderr, exit 2 for bad input, 1 for a
failed run, and never a traceback; outputs written atomically."""

from __future__ import annotations

import errno
import gzip
import re
from pathlib import Path

import pandas as pd
import pytest

import mgwsim
from mgwsim import cli
from mgwsim._atomic import write_atomically
from mgwsim._data import data_path

from .test_cli import SMALL_STUDY

EPW = "BEL_VLG_Uccle.064470_TMYx.2007-2021.epw"


def _one_line(capsys, argv, status: int) -> str:
    """Run ``mgwsim argv``, check the exit status and that stderr is one ``mgwsim: `` line; return it."""
    assert cli.main(argv) == status
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mgwsim: "), err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def study_toml(tmp_path):
    path = tmp_path / "small.toml"
    path.write_text(SMALL_STUDY, encoding="utf-8")
    return path


@pytest.fixture
def no_study_run(monkeypatch):
    """A study that would run fails the test: the output checks must come first."""
    def run(*args, **kwargs):
        raise AssertionError("the study ran before the output folder was checked")

    monkeypatch.setattr("mgwsim.study.Study.run", run)


@pytest.fixture
def rows_csv(tmp_path):
    path = tmp_path / "rows.csv"
    pd.DataFrame({"typology": ["AB.02"], "variant": [1]}, index=pd.Index(["a"], name="id")).to_csv(path)
    return path


# --------------------------------------------------------------------------- --version
def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out == f"mgwsim {mgwsim.__version__}\n"


@pytest.mark.parametrize(("argv", "start", "end"), [
    (["stock", "0", "-o", "s.csv"], "mgwsim: argument n_buildings: 0 must be at least 1", "(see 'mgwsim stock --help')"),
    (["batch", "t.csv", "-o", "out", "--row", "rows"], "mgwsim: argument --row: invalid choice: 'rows' (choose from ",
     "city) (see 'mgwsim batch --help')"),  # argparse quotes the choices from Python 3.12.8 on
    (["simulate"], "mgwsim: argument COMMAND: invalid choice: 'simulate' (choose from ", "(see 'mgwsim --help')"),
], ids=["not-positive", "unknown-row", "unknown-command"])
def test_usage_errors_are_one_line(argv, start, end, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(start) and err.rstrip("\n").replace("'", "").endswith(
        end.replace("'", "")), err


# --------------------------------------------------------------------------- outputs checked before the work
def test_study_output_under_a_file_fails_before_the_study(study_toml, tmp_path, capsys, no_study_run):
    blocker = tmp_path / "FILE"
    blocker.write_text("x", encoding="utf-8")
    out = blocker / "x"
    line = _one_line(capsys, ["study", str(study_toml), "-o", str(out)], 2)
    assert line == f"mgwsim: -o/--out {str(out)!r}: {str(blocker)!r} is a file, not a folder; choose another path"


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs Linux sysfs, where no file can be created")
def test_study_output_in_sys_fails_before_the_study(study_toml, capsys, no_study_run):
    line = _one_line(capsys, ["study", str(study_toml), "-o", "/sys/x"], 2)
    assert re.fullmatch(r"mgwsim: -o/--out '/sys/x': the folder '/sys/x' cannot be written \([^)]+\); "
                        r"choose a folder you can write to", line), line


def test_demo_output_under_a_file(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("mgwsim.demo.run_demo", lambda out: pytest.fail("the demo ran"))
    blocker = tmp_path / "FILE"
    blocker.write_text("x", encoding="utf-8")
    line = _one_line(capsys, ["demo", "--out", str(blocker)], 2)
    assert line == f"mgwsim: --out {str(blocker)!r}: {str(blocker)!r} is a file, not a folder; choose another path"


def test_stock_output_under_a_file(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("mgwsim.stock.generate_stock", lambda *a, **k: pytest.fail("the stock was drawn"))
    blocker = tmp_path / "FILE"
    blocker.write_text("x", encoding="utf-8")
    target = str(blocker / "x.parquet")
    line = _one_line(capsys, ["stock", "10", "-o", target], 2)
    assert line == f"mgwsim: -o/--out {target!r}: {str(blocker)!r} is a file, not a folder; choose another path"


def test_stock_output_needs_a_table_suffix(tmp_path, capsys):
    target = str(tmp_path / "stock.txt")
    line = _one_line(capsys, ["stock", "10", "-o", target], 2)
    assert line == f"mgwsim: -o/--out {target!r}: the table file must end in .parquet, .pq, .csv"


def test_stock_refuses_more_buildings_than_its_limit(tmp_path, capsys):
    line = _one_line(capsys, ["stock", "1000000000", "-o", str(tmp_path / "s.parquet")], 2)
    assert line == ("mgwsim: stock: n_buildings = 1,000,000,000 is more than the 1,000,000 buildings drawn at once "
                    "(12 rows each, about 2.4 GB of memory); write several tables with different --seed")
    assert not (tmp_path / "s.parquet").exists()


def test_stock_writes_a_readable_table(tmp_path, capsys):
    target = tmp_path / "new" / "stock.parquet"
    assert cli.main(["stock", "3", "-o", str(target), "--seed", "1"]) == 0
    table = pd.read_parquet(target)
    assert len(table) == 3 * table["combination"].nunique() and table["combination"].nunique() == 12
    assert [p.name for p in target.parent.iterdir()] == ["stock.parquet"]  # no temporary file left
    assert "3 buildings x 12 combinations = 36 rows" in capsys.readouterr().out


# --------------------------------------------------------------------------- batch
def test_batch_garbage_parquet(tmp_path, capsys):
    garbage = tmp_path / "rows.parquet"
    garbage.write_bytes(b"PAR1 this is not a parquet file at all")
    line = _one_line(capsys, ["batch", str(garbage), "-o", str(tmp_path / "out"), "--row", "demand"], 2)
    assert line.startswith(f"mgwsim: run_batch.table = {str(garbage)!r} cannot be read as Parquet (")
    assert not (tmp_path / "out").exists()


def test_batch_refuses_to_guess_its_row_function(rows_csv, tmp_path, capsys):
    line = _one_line(capsys, ["batch", str(rows_csv), "-o", str(tmp_path / "out")], 2)
    assert line.startswith("mgwsim: batch: give --row, the function each row runs: 'demand': the annual heat "
                           "demand of each building (mgwsim.batch.demand_row); 'variant': ")
    assert "'city': a city combination of a 'mgwsim stock' table" in line and "(mgwsim.batch.city_row)" in line
    assert "--row city?" not in line


def test_batch_without_row_on_a_stock_table_points_to_city(tmp_path, capsys):
    stock = tmp_path / "stock.csv"
    assert cli.main(["stock", "2", "-o", str(stock)]) == 0
    capsys.readouterr()
    line = _one_line(capsys, ["batch", str(stock), "-o", str(tmp_path / "out")], 2)
    assert line.startswith("mgwsim: batch: give --row, the function each row runs (this table has a 'combination' "
                           "column, as 'mgwsim stock' writes: --row city?): 'demand': ")


def test_batch_table_without_the_columns_of_its_row_function(rows_csv, tmp_path, capsys):
    line = _one_line(capsys, ["batch", str(rows_csv), "-o", str(tmp_path / "out"), "--row", "city"], 2)
    assert line == "mgwsim: batch: the table has no column 'combination', which --row city needs; its columns: " \
                   "typology, variant"


def test_batch_garbage_csv(tmp_path, capsys):
    garbage = tmp_path / "rows.csv"
    garbage.write_bytes(bytes(range(256)) * 4)
    line = _one_line(capsys, ["batch", str(garbage), "-o", str(tmp_path / "out"), "--row", "demand"], 2)
    assert line.startswith(f"mgwsim: run_batch.table = {str(garbage)!r} cannot be read as CSV (")


def test_batch_scheduler_that_is_not_an_address(rows_csv, tmp_path, capsys):
    pytest.importorskip("distributed")
    line = _one_line(capsys, ["batch", str(rows_csv), "-o", str(tmp_path / "out"), "--row", "demand",
                              "--scheduler", "not an address"], 2)
    assert re.fullmatch(r"mgwsim: --scheduler 'not an address': cannot connect \(.+\); give the address of a "
                        r"running Dask scheduler, e\.g\. tcp://host:8786", line), line


def test_batch_results_are_written_atomically(rows_csv, tmp_path, capsys, monkeypatch):
    """A write that fails half-way (a full disk) exits 1 and leaves the previous results.csv whole."""
    out = tmp_path / "out"
    argv = ["batch", str(rows_csv), "-o", str(out), "--row", "demand", "--workers", "1", "-q"]
    assert cli.main(argv) == 0
    capsys.readouterr()
    before = (out / "results.csv").read_bytes()

    def disk_full(fields, *args, **kwargs):  # results.csv: the header is written, then its first block of rows
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("mgwsim.batch._csv.lines", disk_full)
    line = _one_line(capsys, argv, 1)
    monkeypatch.undo()
    assert line == "mgwsim: batch failed: [Errno 28] No space left on device"
    assert (out / "results.csv").read_bytes() == before
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == ["results.csv"]


def test_write_atomically_keeps_the_old_file_on_failure(tmp_path):
    target = tmp_path / "table.csv.gz"
    target.write_text("old", encoding="utf-8")
    seen = []

    def fails(tmp):
        seen.append(tmp)
        tmp.write_text("half", encoding="utf-8")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, fails)
    assert target.read_text(encoding="utf-8") == "old" and [p.name for p in tmp_path.iterdir()] == ["table.csv.gz"]
    assert seen[0].parent == tmp_path and seen[0].name.endswith(".gz")  # same folder, suffix kept for the writer
    write_atomically(target, lambda tmp: tmp.write_text("new", encoding="utf-8"))
    assert target.read_text(encoding="utf-8") == "new" and [p.name for p in tmp_path.iterdir()] == ["table.csv.gz"]
    plain = tmp_path / "plain.txt"
    plain.write_text("made the usual way", encoding="utf-8")
    assert target.stat().st_mode & 0o777 == plain.stat().st_mode & 0o777  # not mkstemp's private 0600


# --------------------------------------------------------------------------- unexpected failures
def test_an_unexpected_error_is_one_line_with_exit_1(monkeypatch, tmp_path, capsys):
    def broken(out):
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr("mgwsim.demo.run_demo", broken)
    line = _one_line(capsys, ["demo", "--out", str(tmp_path)], 1)
    assert line == ("mgwsim: demo failed: ZeroDivisionError: float division by zero (set MGWSIM_TRACEBACK=1 for the "
                    "traceback)")
    monkeypatch.setenv("MGWSIM_TRACEBACK", "1")
    with pytest.raises(ZeroDivisionError):
        cli.main(["demo", "--out", str(tmp_path)])


# --------------------------------------------------------------------------- weather info
def test_weather_info_reads_the_embedded_year(capsys):
    assert cli.main(["weather", "info", str(data_path("weather", "uccle_nsrdb_2019_hourly.csv.gz"))]) == 0
    out = capsys.readouterr().out
    assert out.startswith("NSRDB PSM v3 2019, Uccle (embedded default)") and "hours" in out


def test_weather_info_reads_a_gzipped_epw(shared_data, tmp_path, capsys):
    epw = shared_data / "weather" / EPW
    packed = tmp_path / f"{EPW}.gz"
    packed.write_bytes(gzip.compress(epw.read_bytes()))
    assert cli.main(["weather", "info", str(epw)]) == 0
    plain = capsys.readouterr().out
    assert cli.main(["weather", "info", str(packed)]) == 0
    packed_out = capsys.readouterr().out
    assert packed_out.splitlines()[1:] == plain.splitlines()[1:]  # same summary; the first line names the file


def test_weather_info_unknown_kind(tmp_path, capsys):
    path = tmp_path / "weather.xlsx"
    path.write_bytes(b"x")
    line = _one_line(capsys, ["weather", "info", str(path)], 2)
    assert line == (f"mgwsim: weather file {str(path)!r}: unknown kind; allowed: an EPW file (.epw or .epw.gz), a "
                    "PVGIS TMY file (.csv or .json) or the embedded year (uccle_nsrdb_2019_hourly.csv.gz)")


def test_weather_info_epw_cut_inside_a_line(shared_data, tmp_path, capsys):
    lines = (shared_data / "weather" / EPW).read_text(encoding="latin-1").splitlines(keepends=True)
    lines[20] = lines[20][: lines[20].index(",", 40) + 3] + "\n"  # cut inside a field
    cut = tmp_path / "cut.epw"
    cut.write_text("".join(lines), encoding="latin-1")
    line = _one_line(capsys, ["weather", "info", str(cut)], 2)
    fields = lines[20].count(",") + 1
    assert line.startswith(f"mgwsim: EPW file {cut}, line 21: {fields} fields, expected 35 (a line cut short or "
                           "broken inside a field?): ")


# --------------------------------------------------------------------------- study inputs through the command
def test_study_with_a_misspelt_municipality(tmp_path, capsys, no_study_run):
    config = tmp_path / "misspelt.toml"
    config.write_text('[site]\nname = "block"\nlatitude_deg = 51.22\nlongitude_deg = 4.40\n'
                      'municipality = "Antwerpn"\n' + SMALL_STUDY, encoding="utf-8")
    line = _one_line(capsys, ["study", str(config), "-o", str(tmp_path / "out")], 2)
    assert "Site.municipality = 'Antwerpn' is not in the national table design_temperatures_be.csv (did you mean " \
           "'Antwerpen'" in line
