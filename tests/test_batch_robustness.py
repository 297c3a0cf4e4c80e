"""Batch robustness: workers end with a killed driver, damaged outputs are repaired, CLI exit codes."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from mgwsim import cli
from mgwsim.batch import DamagedOutputWarning, run_batch
from mgwsim.batch import _watch
from mgwsim.errors import InputError

from .test_batch import SHARED, toy_row, toy_table

ROOT = Path(__file__).resolve().parents[1]
posix_only = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and process groups are POSIX")


# ---------------------------------------------------------------- parent-death watch
def _alive(pids: list[int]) -> list[str]:
    """The processes among ``pids`` still running (zombies waiting to be reaped count as ended)."""
    psutil = pytest.importorskip("psutil")
    alive = []
    for pid in pids:
        try:
            process = psutil.Process(pid)
            if process.status() != psutil.STATUS_ZOMBIE:
                alive.append(f"{pid} {' '.join(process.cmdline())[-80:]}")
        except psutil.NoSuchProcess:
            pass
    return alive


def _group(pgid: int) -> list[int]:
    """Pids of the live processes in process group ``pgid``."""
    psutil = pytest.importorskip("psutil")
    pids = []
    for process in psutil.process_iter():
        try:
            if os.getpgid(process.pid) == pgid:
                pids.append(process.pid)
        except (ProcessLookupError, psutil.NoSuchProcess):
            pass
    return pids


def _kill_and_wait_for_orphans(driver: subprocess.Popen, descendants: list[int], timeout_s: float) -> list[str]:
    """SIGKILL ``driver``; the descendants (and members of its process group) still alive after ``timeout_s``."""
    os.kill(driver.pid, signal.SIGKILL)
    driver.wait()
    deadline = time.monotonic() + timeout_s
    while True:
        left = _alive(sorted(set(descendants) | set(_group(driver.pid))))
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    for entry in left:  # clean up after a failure: only the processes this test started
        os.kill(int(entry.split()[0]), signal.SIGKILL)
    return left


@posix_only
def test_killed_driver_leaves_no_worker_behind(tmp_path):
    """The 2 pool workers and the resource tracker end within seconds of the driver's SIGKILL."""
    psutil = pytest.importorskip("psutil")
    out = tmp_path / "out"
    script = (f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
              "from tests.test_batch import toy_row, toy_table\nfrom mgwsim.batch import run_batch\n"
              "run_batch(toy_table(400), toy_row, shared={'scale': 2.5, 'sleep_s': 0.05}, n_workers=2, chunk_size=5,"
              f" output={str(out)!r}, progress=False)\n")
    with open(tmp_path / "driver.err", "w") as err:
        driver = subprocess.Popen([sys.executable, "-c", script], start_new_session=True, stderr=err)
    try:
        deadline = time.monotonic() + 90
        while not list(out.glob("part-*.parquet")) and driver.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)  # a written part: the workers have started and run chunks
        descendants = [p.pid for p in psutil.Process(driver.pid).children(recursive=True)]
    except BaseException:
        driver.kill()
        raise
    assert driver.poll() is None, "the driver ended before it could be killed"
    assert len(descendants) >= 2, f"expected the pool's workers below the driver, found {descendants}"
    left = _kill_and_wait_for_orphans(driver, descendants, timeout_s=5.0)
    assert not left, f"processes left 5 s after the driver was killed: {left}"


_WATCHED_CHILD = """
import importlib.util, multiprocessing, os, sys, time
from pathlib import Path

# the watch module alone, loaded from its file: the child starts in a fraction of a second
spec = importlib.util.spec_from_file_location("watch", {watch!r})
watch = importlib.util.module_from_spec(spec)
spec.loader.exec_module(watch)


def child(ready, mechanism):
    if mechanism == "thread":
        watch._set_pdeathsig = lambda signum: False
    else:
        watch._exit_when_gone = lambda sentinel: None
    assert watch.watch_parent()
    Path(ready + ".tmp").write_text(str(os.getpid()), encoding="utf-8")
    os.replace(ready + ".tmp", ready)  # the test sees the file only once it holds the pid
    time.sleep(60)


if __name__ == "__main__":
    multiprocessing.get_context("spawn").Process(target=child, args=({ready!r}, {mechanism!r})).start()
    time.sleep(60)
"""


@posix_only
@pytest.mark.parametrize("mechanism", ["pdeathsig", "thread"])
def test_watched_child_ends_with_its_parent(tmp_path, mechanism):
    """Each mechanism alone ends the child: the Linux signal, and the portable sentinel thread."""
    if mechanism == "pdeathsig" and not sys.platform.startswith("linux"):
        pytest.skip("PR_SET_PDEATHSIG is Linux only")
    ready = tmp_path / "ready"
    script = tmp_path / "driver.py"
    script.write_text(_WATCHED_CHILD.format(watch=_watch.__file__, ready=str(ready), mechanism=mechanism),
                      encoding="utf-8")
    driver = subprocess.Popen([sys.executable, str(script)], start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while not ready.exists() and driver.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert ready.exists(), "the child did not start watching"
        left = _kill_and_wait_for_orphans(driver, [int(ready.read_text(encoding="utf-8"))], timeout_s=3.0)
        assert not left, f"the child outlived its parent: {left}"
    finally:
        if driver.poll() is None:  # a failed check leaves no driver behind
            driver.kill()
            driver.wait()


def test_nothing_to_watch_in_a_process_not_started_by_multiprocessing():
    assert multiprocessing.parent_process() is None
    assert _watch.watch_parent() is False


# ---------------------------------------------------------------- damaged outputs
def _run(table, out, **kwargs):
    return run_batch(table, toy_row, shared=SHARED, n_workers=1, chunk_size=8, output=out, progress=False, **kwargs)


def _stamps(directory: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in directory.glob("part-*.parquet")}


def _truncate(path: Path, _other: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _garble(path: Path, _other: Path) -> None:
    path.write_bytes(b"not parquet at all")


def _without_columns(path: Path, _other: Path) -> None:
    pd.read_parquet(path).drop(columns=["error", "seed"]).to_parquet(path)


def _from_another_batch(path: Path, other: Path) -> None:
    path.write_bytes((other / path.name).read_bytes())


@pytest.mark.parametrize("damage, reason", [(_truncate, "unreadable"), (_garble, "unreadable"),
                                            (_without_columns, "no column error, seed"),
                                            (_from_another_batch, "written by another batch")])
def test_damaged_part_is_named_and_recomputed(tmp_path, damage, reason):
    table = toy_table(30, bad=(3,))
    reference = _run(table, tmp_path / "out")
    _run(table, tmp_path / "other", seed=1)  # same rows and part names, another seed
    damaged = tmp_path / "out" / "part-000000000008.parquet"
    original = pd.read_parquet(damaged)
    damage(damaged, tmp_path / "other")
    before = _stamps(tmp_path / "out")
    with pytest.warns(DamagedOutputWarning, match=rf"1 damaged part.*part-000000000008\.parquet \({reason}"):
        resumed = _run(table, tmp_path / "out")
    pd.testing.assert_frame_equal(resumed, reference)
    after = _stamps(tmp_path / "out")
    assert after.keys() == before.keys()
    assert [name for name in after if after[name] != before[name]] == [damaged.name]  # only that one rewritten
    pd.testing.assert_frame_equal(pd.read_parquet(damaged), original)


@pytest.mark.parametrize("garbage", ['{"format": 1, "table_sha2', "[1, 2]", "\udcff"], ids=["truncated", "list", "binary"])
def test_damaged_manifest_is_rewritten_and_its_batch_parts_kept(tmp_path, garbage):
    table = toy_table(30)
    reference = _run(table, tmp_path)
    manifest = (tmp_path / "manifest.json").read_text(encoding="utf-8")
    (tmp_path / "manifest.json").write_bytes(garbage.encode("utf-8", "surrogateescape"))
    before = _stamps(tmp_path)
    with pytest.warns(DamagedOutputWarning, match=r"manifest\.json is damaged"):
        resumed = _run(table, tmp_path)
    pd.testing.assert_frame_equal(resumed, reference)
    assert _stamps(tmp_path) == before  # every part carries this batch's fingerprint: nothing recomputed
    assert json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8")) == json.loads(manifest)


def test_damaged_manifest_drops_the_parts_it_cannot_vouch_for(tmp_path):
    """Parts of another batch or without a fingerprint (older outputs) are recomputed, never mixed in."""
    table = toy_table(30)
    reference = _run(table, tmp_path / "out")
    _run(table, tmp_path / "other", seed=1)
    out = tmp_path / "out"
    _from_another_batch(out / "part-000000000000.parquet", tmp_path / "other")
    pd.read_parquet(out / "part-000000000016.parquet").to_parquet(out / "part-000000000016.parquet")  # no fingerprint
    (out / "manifest.json").write_text("{", encoding="utf-8")
    with pytest.warns(DamagedOutputWarning) as caught:
        resumed = _run(table, out)
    pd.testing.assert_frame_equal(resumed, reference)
    messages = [str(w.message) for w in caught]
    assert len(messages) == 2 and "manifest.json is damaged" in messages[0]
    assert "2 damaged part(s)" in messages[1] and "part-000000000000.parquet (written by another batch)" in messages[1]
    assert "part-000000000016.parquet (no batch fingerprint, and the manifest was damaged)" in messages[1]


def test_parts_without_fingerprint_are_kept_under_an_intact_manifest(tmp_path):
    """Outputs written before parts carried the fingerprint still resume without recomputing."""
    table = toy_table(30)
    reference = _run(table, tmp_path)
    for part in tmp_path.glob("part-*.parquet"):
        pd.read_parquet(part).to_parquet(part)  # the same rows, no batch fingerprint
    again = run_batch(table, toy_row, shared={"scale": -99.0}, n_workers=1, output=tmp_path, progress=False)
    pd.testing.assert_frame_equal(again, reference)  # a recomputed row would differ (another scale)


def test_intact_manifest_of_another_batch_still_raises(tmp_path):
    _run(toy_table(10), tmp_path)
    with pytest.raises(InputError, match="different batch.*seed"):
        _run(toy_table(10), tmp_path, seed=3)


# ---------------------------------------------------------------- the command: exit codes
@pytest.fixture
def rows_csv(tmp_path):
    path = tmp_path / "rows.csv"
    pd.DataFrame({"typology": ["AB.02", "AB.03", "MFH.01", "AB.02"], "variant": [1, 2, 1, 2]},
                 index=pd.Index(["a", "b", "c", "d"], name="id")).to_csv(path)
    return path


def _batch(rows_csv, out, *extra) -> int:
    return cli.main(["batch", str(rows_csv), "-o", str(out), "--workers", "1", "-q", "--row", "demand",
                     "--chunk-size", "2", *extra])


def test_cli_repairs_a_truncated_part_and_exits_0(rows_csv, tmp_path, capsys):
    out = tmp_path / "run"
    assert _batch(rows_csv, out) == 0
    reference = pd.read_csv(out / "results.csv", index_col=0)
    _truncate(out / "parts" / "part-000000000002.parquet", out)
    capsys.readouterr()
    assert _batch(rows_csv, out) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("mgwsim batch: ") and "part-000000000002.parquet (unreadable" in err[0]
    pd.testing.assert_frame_equal(pd.read_csv(out / "results.csv", index_col=0), reference)


def test_cli_repairs_a_damaged_manifest_and_exits_0(rows_csv, tmp_path, capsys):
    out = tmp_path / "run"
    assert _batch(rows_csv, out) == 0
    reference = pd.read_csv(out / "results.csv", index_col=0)
    (out / "parts" / "manifest.json").write_text("{\"format\"", encoding="utf-8")
    capsys.readouterr()
    assert _batch(rows_csv, out) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "manifest.json is damaged" in err[0]
    pd.testing.assert_frame_equal(pd.read_csv(out / "results.csv", index_col=0), reference)


def test_cli_exit_codes_bad_input_2_failed_rows_1(rows_csv, tmp_path, capsys):
    out = tmp_path / "run"
    assert _batch(rows_csv, out) == 0
    capsys.readouterr()
    assert _batch(rows_csv, out, "--seed", "5") == 2  # the output holds another batch
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("mgwsim: ") and "different batch" in err[0] and "seed" in err[0]
    failing = tmp_path / "failing.csv"
    pd.read_csv(rows_csv, index_col=0).assign(typology=["AB.02", "XX.99", "AB.02", "AB.02"]).to_csv(failing)
    assert _batch(failing, tmp_path / "failing") == 1
    assert "4 rows, 1 failed" in capsys.readouterr().out
