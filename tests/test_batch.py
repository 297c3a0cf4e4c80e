"""Batch engine: equal to single calls, independent of workers/chunking/Dask, resumable, row errors kept."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mgwsim.batch import demand_row, demand_shared, read_table, row_seed, run_batch
from mgwsim.errors import DataError, InputError

ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------- toy row functions (picklable)
def toy_row(row: dict, shared: dict) -> dict:
    """Cheap, seeded, with several KPI types; negative x fails; optional interrupt and delay."""
    if row["x"] < 0:
        raise ValueError(f"x must be >= 0, got {row['x']}")
    if row["x"] == shared.get("interrupt_at"):
        raise shared.get("interrupt", KeyboardInterrupt)()
    time.sleep(shared.get("sleep_s", 0.0))
    noise = np.random.default_rng(row["seed"]).normal(size=3)
    return {"y": row["x"] * shared["scale"] + noise[0], "n": int(row["x"]) % 7, "label": f"{row['name']}-{noise[1]:.6f}",
            "even": row["x"] % 2 == 0}


def toy_table(n: int, *, bad: tuple[int, ...] = ()) -> pd.DataFrame:
    x = np.arange(n, dtype=float)
    x[list(bad)] = -1.0
    return pd.DataFrame({"x": x, "name": [f"b{i}" for i in range(n)]},
                        index=pd.Index([f"id{i:04d}" for i in range(n)], name="row_id"))


def expected_toy(table: pd.DataFrame, shared: dict, seed: int = 0) -> pd.DataFrame:
    """The reference: one plain call per row, no engine."""
    rows = {}
    for row_id, row in table.iterrows():
        s = row_seed(row_id, seed)
        rows[row_id] = {**toy_row({**row.to_dict(), "seed": s}, shared), "seed": s}
    return pd.DataFrame.from_dict(rows, orient="index")


SHARED = {"scale": 2.5}


@pytest.fixture(scope="module")
def dask_client():
    """Two single-threaded in-process workers; ':0' picks free ports (8787 may be taken by another run)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        yield client


# ---------------------------------------------------------------- seeds
def test_row_seed_depends_on_id_and_batch_seed_only():
    assert row_seed("a", 0) == row_seed("a", 0)
    assert row_seed(3, 0) == row_seed(np.int64(3), 0)
    seeds = {row_seed(i, 0) for i in range(1000)}
    assert len(seeds) == 1000 and all(0 <= s < 2**63 for s in seeds)
    assert row_seed("a", 0) != row_seed("a", 1) != row_seed("b", 1)
    assert row_seed(3, 0) != row_seed("3", 0)


# ---------------------------------------------------------------- exactness and invariance
def test_batch_equals_single_calls_exactly():
    table = toy_table(50)
    result = run_batch(table, toy_row, shared=SHARED, n_workers=1, chunk_size=16, progress=False)
    expected = expected_toy(table, SHARED)
    assert list(result.index) == list(table.index) and result.index.name == "row_id"
    assert list(result.columns) == ["y", "n", "label", "even", "error", "seed"]
    assert result["error"].map(lambda e: e is None).all()
    for column in ("y", "n", "label", "even", "seed"):
        assert result[column].tolist() == expected[column].tolist(), column  # bit for bit


def test_demand_row_batch_equals_single_calls(weather):
    table = pd.DataFrame({"typology": ["MFH.02.Small", "AB.05"], "variant": [1, 3], "floor_area_m2": [250.0, 3000.0],
                          "n_apartments": [4, 24], "n_storeys": [3, 8]}, index=pd.Index([7, 11], name="building_id"))
    shared = {"weather": weather}
    result = run_batch(table, demand_row, shared=shared, n_workers=1, progress=False, seed=5)
    for row_id, row in table.iterrows():
        single = demand_row({**row.to_dict(), "seed": row_seed(row_id, 5)}, shared)
        assert {k: result.loc[row_id, k] for k in single} == single
    assert result["error"].isna().all()
    assert result.loc[11, "heated_floor_area_m2"] == 3000.0


def test_unknown_typology_is_that_rows_error_only(weather):
    good = pd.DataFrame({"typology": ["MFH.03.Small"], "variant": [1]}, index=["ok"])
    table = pd.concat([good, pd.DataFrame({"typology": ["XX.01"], "variant": [1]}, index=["bad"])])
    shared = {"weather": weather}
    result = run_batch(table, demand_row, shared=shared, n_workers=1, progress=False)
    alone = run_batch(good, demand_row, shared=shared, n_workers=1, progress=False)
    assert result.loc["bad", "error"].startswith("InputError: typology 'XX.01'")
    assert np.isnan(result.loc["bad", "space_heating_kwh"])
    assert result.loc["ok", "error"] is None
    pd.testing.assert_series_equal(result.loc["ok"].drop("error"), alone.loc["ok"].drop("error"), check_dtype=False)


def test_failing_rows_do_not_change_others_and_chunking_does_not_matter():
    table = toy_table(40, bad=(3, 17))
    results = [run_batch(table, toy_row, shared=SHARED, n_workers=1, chunk_size=size, progress=False)
               for size in (1, 7, 40, 1000)]
    for other in results[1:]:
        pd.testing.assert_frame_equal(results[0], other)
    result = results[0]
    assert result.loc[["id0003", "id0017"], "error"].tolist() == ["ValueError: x must be >= 0, got -1.0"] * 2
    assert result["error"].notna().sum() == 2
    fine = result.drop(index=["id0003", "id0017"])
    expected = expected_toy(table.drop(index=["id0003", "id0017"]), SHARED)
    assert fine["y"].tolist() == expected["y"].tolist()
    assert fine["label"].tolist() == expected["label"].tolist()


def test_one_worker_two_workers_and_dask_agree(dask_client):
    table = toy_table(300, bad=(5,))
    one = run_batch(table, toy_row, shared=SHARED, n_workers=1, chunk_size=64, progress=False)
    two = run_batch(table, toy_row, shared=SHARED, n_workers=2, chunk_size=50, progress=False)
    dask = run_batch(table, toy_row, shared=SHARED, client=dask_client, chunk_size=32, progress=False)
    pd.testing.assert_frame_equal(one, two)
    pd.testing.assert_frame_equal(one, dask)


def test_dask_runs_demand_rows(dask_client, weather):
    table = pd.DataFrame({"typology": ["MFH.04.Small", "YY"], "variant": [2, 1]}, index=[1, 2])
    shared = {"weather": weather}
    local = run_batch(table, demand_row, shared=shared, n_workers=1, progress=False)
    dask = run_batch(table, demand_row, shared=shared, client=dask_client, chunk_size=1, progress=False)
    pd.testing.assert_frame_equal(local, dask)
    assert dask["error"].notna().tolist() == [False, True]


# ---------------------------------------------------------------- resumable output
def test_output_parts_manifest_and_rerun_is_a_no_op(tmp_path):
    table = toy_table(30)
    fresh = run_batch(table, toy_row, shared=SHARED, n_workers=1, chunk_size=8, output=tmp_path, progress=False)
    parts = sorted(p.name for p in tmp_path.glob("part-*.parquet"))
    assert parts == [f"part-{i:012d}.parquet" for i in (0, 8, 16, 24)]
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["n_rows"] == 30 and manifest["columns"] == ["x", "name"]
    assert manifest["row_function"].endswith(":toy_row")
    again = run_batch(table, toy_row, shared={"scale": -99.0}, n_workers=1, output=tmp_path, progress=False)
    pd.testing.assert_frame_equal(fresh, again)  # nothing recomputed: the finished parts were read back
    pd.testing.assert_frame_equal(fresh, run_batch(table, toy_row, shared=SHARED, n_workers=1, progress=False))


@pytest.mark.parametrize("n_workers, interrupt", [(1, KeyboardInterrupt), (2, SystemExit)])
def test_interrupted_then_resumed_equals_uninterrupted(tmp_path, n_workers, interrupt):
    table = toy_table(120, bad=(2,))
    reference = run_batch(table, toy_row, shared=SHARED, n_workers=1, progress=False)
    with pytest.raises(interrupt):
        run_batch(table, toy_row, shared={**SHARED, "interrupt_at": 70, "interrupt": interrupt},
                  n_workers=n_workers, chunk_size=10, output=tmp_path, progress=False)
    finished = pd.concat(pd.read_parquet(p) for p in tmp_path.glob("part-*.parquet"))
    assert 0 < len(finished) < 120 and "id0070" not in finished.index
    resumed = run_batch(table, toy_row, shared=SHARED, n_workers=1, chunk_size=13, output=tmp_path, progress=False)
    pd.testing.assert_frame_equal(resumed, reference)
    written = pd.concat(pd.read_parquet(p) for p in tmp_path.glob("part-*.parquet"))
    assert written.index.is_unique and set(written.index) == set(table.index)


def test_resumed_chunks_that_interleave_with_finished_parts_come_back_in_input_order(tmp_path):
    """Every other part deleted, then resumed with chunks of 16: each new chunk spans two gaps around a finished
    part (rows 8-15 and 24-31 in one chunk), so the kept Arrow tables interleave and are put back in input order."""
    table = toy_table(64, bad=(5,))
    reference = run_batch(table, toy_row, shared=SHARED, n_workers=1, progress=False)
    run_batch(table, toy_row, shared=SHARED, n_workers=1, chunk_size=8, output=tmp_path, progress=False)
    for first in (8, 24, 40, 56):
        (tmp_path / f"part-{first:012d}.parquet").unlink()
    resumed = run_batch(table, toy_row, shared=SHARED, n_workers=2, chunk_size=16, output=tmp_path, progress=False)
    pd.testing.assert_frame_equal(resumed, reference)
    assert resumed.index is table.index  # the table's own index: not a copy of a million row ids


def test_killed_process_then_resumed_equals_uninterrupted(tmp_path):
    """A batch process killed with SIGKILL part-way leaves only complete parts; a re-run completes it."""
    table = toy_table(60)
    table_path = tmp_path / "table.parquet"
    table.to_parquet(table_path)
    out = tmp_path / "out"
    script = (f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
              "from tests.test_batch import toy_row\nfrom mgwsim.batch import run_batch\n"
              f"run_batch({str(table_path)!r}, toy_row, shared={{'scale': 2.5, 'sleep_s': 0.05}}, n_workers=1,"
              f" chunk_size=5, output={str(out)!r}, progress=False)\n")
    process = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 45
        while len(list(out.glob("part-*.parquet"))) < 2 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL) if os.name == "posix" else process.kill()
        process.wait()
    assert process.returncode != 0, "the batch finished before it could be killed"
    assert 2 <= len(list(out.glob("part-*.parquet"))) < 12
    resumed = run_batch(table_path, toy_row, shared=SHARED, n_workers=1, chunk_size=5, output=out, progress=False)
    pd.testing.assert_frame_equal(resumed, run_batch(table, toy_row, shared=SHARED, n_workers=1, progress=False))


def test_different_table_into_same_output_raises(tmp_path):
    run_batch(toy_table(10), toy_row, shared=SHARED, n_workers=1, output=tmp_path, progress=False)
    changed = toy_table(10)
    changed.loc["id0004", "x"] = 40.0
    with pytest.raises(InputError, match="different batch.*table_sha256"):
        run_batch(changed, toy_row, shared=SHARED, n_workers=1, output=tmp_path, progress=False)
    with pytest.raises(InputError, match="seed"):
        run_batch(toy_table(10), toy_row, shared=SHARED, n_workers=1, output=tmp_path, progress=False, seed=1)
    with pytest.raises(InputError, match="row_function"):
        run_batch(toy_table(10), demand_row, shared=SHARED, n_workers=1, output=tmp_path, progress=False)


def test_foreign_parts_are_detected(tmp_path):
    run_batch(toy_table(10), toy_row, shared=SHARED, n_workers=1, chunk_size=5, output=tmp_path, progress=False)
    (tmp_path / "manifest.json").unlink()
    with pytest.raises(InputError, match="no manifest.json"):
        run_batch(toy_table(10), toy_row, shared=SHARED, n_workers=1, output=tmp_path, progress=False)
    other = tmp_path / "other"
    run_batch(toy_table(10), toy_row, shared=SHARED, n_workers=1, chunk_size=5, output=other, progress=False)
    (other / "part-000000000000.parquet").rename(other / "part-000000000099.parquet")
    pd.read_parquet(other / "part-000000000005.parquet").iloc[:1].to_parquet(other / "part-000000000100.parquet")
    with pytest.raises(DataError, match="twice"):
        run_batch(toy_table(10), toy_row, shared=SHARED, n_workers=1, output=other, progress=False)


# ---------------------------------------------------------------- inputs, outputs, progress
def test_csv_and_parquet_tables(tmp_path):
    table = toy_table(12)
    table.to_csv(tmp_path / "t.csv")
    table.to_parquet(tmp_path / "t.parquet")
    direct = run_batch(table, toy_row, shared=SHARED, n_workers=1, progress=False)
    pd.testing.assert_frame_equal(read_table(tmp_path / "t.parquet"), table)
    for path in (tmp_path / "t.csv", tmp_path / "t.parquet"):
        result = run_batch(path, toy_row, shared=SHARED, n_workers=1, progress=False)
        assert result["y"].tolist() == direct["y"].tolist() and list(result.index) == list(table.index)


@pytest.mark.parametrize("kwargs, match", [
    ({"chunk_size": 0}, "chunk_size"), ({"chunk_size": 2.5}, "chunk_size"), ({"n_workers": 0}, "n_workers"),
    ({"seed": -1}, "seed"),
])
def test_bad_arguments_raise(kwargs, match):
    with pytest.raises(InputError, match=match):
        run_batch(toy_table(3), toy_row, shared=SHARED, progress=False, **kwargs)


def test_bad_tables_raise(tmp_path):
    with pytest.raises(InputError, match="unique"):
        run_batch(toy_table(3).rename(index={"id0001": "id0000"}), toy_row, shared=SHARED, progress=False)
    with pytest.raises(InputError, match="reserved"):
        run_batch(toy_table(3).assign(seed=1), toy_row, shared=SHARED, progress=False)
    with pytest.raises(InputError, match="no such file"):
        run_batch(tmp_path / "missing.csv", toy_row, shared=SHARED, progress=False)
    with pytest.raises(InputError, match="both"):
        run_batch(toy_table(3), toy_row, n_workers=2, client=object(), progress=False)


def bad_output_row(row: dict, shared) -> dict:
    return {"array": np.zeros(3)} if row["x"] == 1 else (["not", "a", "dict"] if row["x"] == 2 else {"error": 1})


def test_bad_row_outputs_are_row_errors():
    result = run_batch(toy_table(3), bad_output_row, n_workers=1, progress=False)
    assert result["error"].tolist() == [
        "TypeError: row_function returned KPI key 'error'; keys must be str other than ('error', 'seed')",
        "TypeError: row_function returned a non-scalar value for KPI 'array': ndarray",
        "TypeError: row_function must return a dict of KPIs, got list",
    ]


def test_progress_bar_reports_rows(capsys):
    run_batch(toy_table(20), toy_row, shared=SHARED, n_workers=1, chunk_size=5, progress=True)
    err = capsys.readouterr().err
    assert "20/20" in err and "row/s" in err and "failed=0" in err
    run_batch(toy_table(20), toy_row, shared=SHARED, n_workers=1, chunk_size=5)  # auto: stderr is no terminal here
    assert capsys.readouterr().err == ""


def mixed_type_row(row: dict, shared) -> dict:
    return {"kpi": "text" if row["x"] == 1 else row["x"]}


def test_mixed_kpi_types_raise_and_cancel(dask_client, tmp_path):
    """One KPI with a str in one row and a float in another cannot be stored: a clear error, no partial part."""
    for name, kwargs in (("local", {"n_workers": 1}), ("dask", {"client": dask_client})):
        with pytest.raises(DataError, match="mixed types"):
            run_batch(toy_table(6), mixed_type_row, chunk_size=3, output=tmp_path / name, progress=False, **kwargs)
        assert not (tmp_path / name / "part-000000000000.parquet").exists()


def test_empty_table():
    result = run_batch(toy_table(0), toy_row, shared=SHARED, progress=False)
    assert len(result) == 0 and list(result.columns) == ["error", "seed"]


# ---------------------------------------------------------------- results kept on disk (collect=False)
def _same_csv(stored, collected, folder: Path) -> bool:
    stored.to_csv(folder / "stored.csv")
    collected.to_csv(folder / "collected.csv")
    return (folder / "stored.csv").read_bytes() == (folder / "collected.csv").read_bytes()


@pytest.mark.parametrize("n_workers", [1, 2])
def test_stored_results_read_back_as_the_collected_ones(tmp_path, n_workers):
    """Rows 8-15 fail (a part without any KPI column) and row 30 too: the integer KPI ``n`` becomes a float
    column and the boolean ``even`` an object column once collected; the stored results read back the same,
    whole, a few columns, part by part and as CSV text."""
    table = toy_table(64, bad=(*range(8, 16), 30))
    collected = run_batch(table, toy_row, shared=SHARED, n_workers=1, progress=False)
    assert collected["n"].dtype == np.float64 and collected["even"].dtype == object
    stored = run_batch(table, toy_row, shared=SHARED, n_workers=n_workers, chunk_size=8, output=tmp_path / "out",
                       progress=False, collect=False)
    assert stored.n_rows == 64 and stored.n_failed == 9 and stored.columns == list(collected.columns)
    assert (tmp_path / "out" / "part-000000000008.parquet").exists()
    pd.testing.assert_frame_equal(stored.read(), collected)
    assert stored.read().index is table.index
    pd.testing.assert_frame_equal(stored.read(["even", "n", "error"]), collected[["even", "n", "error"]])
    frames = list(stored.frames(["label", "n"]))
    assert len(frames) == 8
    pd.testing.assert_frame_equal(pd.concat(frames), collected[["label", "n"]])
    assert _same_csv(stored, collected, tmp_path)
    again = run_batch(table, toy_row, shared=SHARED, n_workers=1, chunk_size=5, output=tmp_path / "out",
                      progress=False, collect=False)  # resumed: nothing left to do, the same parts
    pd.testing.assert_frame_equal(again.read(), collected)
    with pytest.raises(InputError, match="no column"):
        stored.read(["y", "nope"])


def test_stored_results_from_dask_equal_the_collected_ones(dask_client, tmp_path):
    table = toy_table(40, bad=(3,))
    collected = run_batch(table, toy_row, shared=SHARED, n_workers=1, progress=False)
    stored = run_batch(table, toy_row, shared=SHARED, client=dask_client, chunk_size=7, output=tmp_path / "out",
                       progress=False, collect=False)
    pd.testing.assert_frame_equal(stored.read(), collected)
    assert stored.n_failed == 1 and _same_csv(stored, collected, tmp_path)


def test_stored_results_of_interleaved_resumed_chunks_come_back_in_input_order(tmp_path):
    table = toy_table(64, bad=(5,))
    collected = run_batch(table, toy_row, shared=SHARED, n_workers=1, progress=False)
    run_batch(table, toy_row, shared=SHARED, n_workers=1, chunk_size=8, output=tmp_path / "out", progress=False)
    for first in (8, 24, 40, 56):
        (tmp_path / "out" / f"part-{first:012d}.parquet").unlink()
    stored = run_batch(table, toy_row, shared=SHARED, n_workers=1, chunk_size=16, output=tmp_path / "out",
                       progress=False, collect=False)
    pd.testing.assert_frame_equal(stored.read(), collected)
    pd.testing.assert_frame_equal(pd.concat(stored.frames()), collected)
    assert _same_csv(stored, collected, tmp_path)


def test_stored_results_need_an_output_and_may_be_empty(tmp_path):
    with pytest.raises(InputError, match="collect must be True, or False with output="):
        run_batch(toy_table(3), toy_row, shared=SHARED, collect=False)
    with pytest.raises(InputError, match="collect"):
        run_batch(toy_table(3), toy_row, shared=SHARED, output=tmp_path / "x", collect=1)
    table = toy_table(0)
    stored = run_batch(table, toy_row, shared=SHARED, output=tmp_path / "empty", collect=False, progress=False)
    collected = run_batch(table, toy_row, shared=SHARED, progress=False)
    assert stored.n_rows == 0 and stored.n_failed == 0
    pd.testing.assert_frame_equal(stored.read(), collected)
    assert _same_csv(stored, collected, tmp_path)


def test_demand_shared_has_weather():
    assert set(demand_shared()) == {"weather"}


def test_variant_row_judges_a_combination_and_reports_bad_rows(tmp_path):
    from mgwsim.batch import COMBINATIONS, variant_row, variant_shared
    from mgwsim.stock import feasibility_summary

    table = pd.DataFrame({"typology": ["MFH.04", "MFH.04", "XX.99"], "variant": [1, 1, 1],
                          "combination": ["hp_boiler", "all_electric_pv", "hp_boiler"]},
                         index=pd.Index(["a", "b", "c"], name="row"))
    results = run_batch(table, variant_row, n_workers=1, shared=variant_shared(), progress=False)
    assert results.loc["c", "error"].startswith("InputError") and results.loc[["a", "b"], "error"].isna().all()
    ok = results.loc[["a", "b"]]
    assert (ok["co2_reduction"] > 0).all() and (ok["investment_eur"] > 0).all()
    assert ok.loc["b", "lock_in_pass"] and not ok.loc["a", "lock_in_pass"]  # the kept boiler is a fossil lock-in
    assert set(COMBINATIONS) >= set(ok.index.map(table["combination"]))
    # the call's rules see the study's facts: the hybrid's lock-in makes it ineligible, flagged, without works grant
    assert not ok.loc["a", "eligible"] and ok.loc["a", "works_grants_eur"] == 0.0
    assert ok.loc["a", "shortfalls"].split("; ")[:2] == ["fossil_lock_in", "eligibility:no_lock_in"]
    assert ok.loc["b", "qualifies"] and ok.loc["b", "works_grants_eur"] == 24000.0
    ok = ok.assign(typology="MFH.04", combination=table.loc[["a", "b"], "combination"],
                   feasible=ok["no_unmet_heat"] & ok["lock_in_pass"])
    summary = feasibility_summary(ok, criteria={"feasible": ["no_unmet_heat", "lock_in_pass"]})
    assert summary.loc[("MFH.04", "all_electric_pv"), "share_feasible"] == ok.loc["b", "feasible"]
    default = feasibility_summary(ok)
    assert default["share_qualifies"].to_dict() == {("MFH.04", "all_electric_pv"): 1.0, ("MFH.04", "hp_boiler"): 0.0}
    assert default.loc[("MFH.04", "all_electric_pv"), "median_gap_before_grants_eur"] == ok.loc["b",
                                                                                                "gap_before_grants_eur"]
