"""City rows: throughput of ``city_row`` against the single-run path and pure Python; engine memory for 1M rows.

``python -m benchmarks.bench_city [--dask N] [--full]`` (the issue's figures: ``--dask 20000 --full``);
``make bench`` runs the short form (960 rows, 200,000 rows for memory).

- ``city_row`` (full system year + reference + bills + business case, shared preparation):
  ms per row in one process, as ratios to ``variant_row`` (the study path for the same
  question) and to a building's first row with every numba kernel run as plain Python.
- Throughput on 2 cores and Dask: the same city rows on a ``LocalCluster`` (2 single-threaded
  worker processes, started beforehand) against ``run_batch`` on 2 local processes (pool
  start-up included); overhead = Dask time / local time - 1.
- Peak memory of ``run_batch`` streaming a million rows with the KPI columns of ``city_row``
  to Parquet parts (a stand-in row function returns them, so the engine's own memory is
  measured; the hourly arrays of a real row are freed when it returns).
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time

import numpy as np
import pandas as pd

from benchmarks._timing import best_time_s, pure_python
from mgwsim.batch import CityModel, city_row, city_table, run_batch, variant_row, variant_shared
from mgwsim.stock import generate_stock

_KPIS = {"design_heat_load_kw": 1.0, "spf_h2": 1.0, "backup_share": 1.0, "unmet_hours": 0, "co2_reduction": 1.0,
         "epc_kwh_m2": 1.0, "investment_eur": 1.0, "subsidies_eur": 1.0, "npv_eur": 1.0,
         "npv_without_subsidy_eur": 1.0, "no_unmet_heat": True, "lock_in_pass": True, "npv_ge_0": True,
         "npv_with_subsidy_ge_0": True}


def kpi_row(row: dict, shared) -> dict:
    """The KPI columns of ``city_row`` without the simulation (engine memory and overhead)."""
    return {**_KPIS, "npv_eur": float(row["seed"] % 1000)}


def _rows(n: int) -> pd.DataFrame:
    return city_table(generate_stock(-(-n // 12), seed=0)).iloc[:n]


def _throughput(model: CityModel) -> None:
    table = _rows(96)
    records = [{**r, "seed": i} for i, r in enumerate(table.to_dict("records"))]
    for r in records[:24]:
        city_row(r, model)  # warm: kernels, facade orientations, DHW pool
    one_s = best_time_s(lambda: [city_row(r, model) for r in records], repeat=2) / len(records)
    shared = variant_shared()
    study_row = {**records[0], "combination": "hp_boiler_pv"}
    variant_row(study_row, shared)
    study_s = best_time_s(lambda: variant_row(study_row, shared), repeat=2)
    from mgwsim.building import thermal
    from mgwsim.system import kernel

    def fresh_row():  # the building's demand and reference too, not a cached building case
        model._cases.clear()
        return city_row(records[0], model)

    numba_first_s = best_time_s(fresh_row, repeat=3)
    with pure_python(thermal, kernel):
        python_s = best_time_s(fresh_row, repeat=1)
    print(f"city_row, one process: {one_s * 1e3:.1f} ms/row = {1 / one_s:.0f} rows/s "
          f"(variant_row, the study path: {study_s * 1e3:.0f} ms/row -> {study_s / one_s:.0f}x; "
          f"a building's first row {numba_first_s * 1e3:.0f} ms, with the kernels in pure Python "
          f"{python_s * 1e3:.0f} ms -> {python_s / numba_first_s:.0f}x)")


def _memory(n: int) -> None:
    table = pd.DataFrame({"seed_source": np.arange(n)}, index=pd.RangeIndex(n, name="row_id"))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        result = run_batch(table, kpi_row, output=folder, n_workers=1, chunk_size=20_000, progress=False)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"run_batch, {n:,} rows x {result.shape[1]} columns streamed to Parquet: peak RSS {peak:.0f} MB "
          f"(before {before:.0f} MB), {n / seconds:,.0f} rows/s of engine overhead alone (target < 2 GB)")


def _dask_overhead(model: CityModel, n: int) -> None:
    from distributed import Client, LocalCluster

    table = _rows(n)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        run_batch(table.iloc[:48], city_row, shared=model, client=client, chunk_size=24, progress=False)  # warm
        start = time.perf_counter()
        run_batch(table, city_row, shared=model, client=client, chunk_size=240, progress=False)
        dask_s = time.perf_counter() - start
    start = time.perf_counter()
    run_batch(table, city_row, shared=model, n_workers=2, chunk_size=240, progress=False)
    local_s = time.perf_counter() - start
    print(f"{n:,} city rows: local 2 processes {local_s:.0f} s ({n / local_s:.0f} rows/s, pool start-up included; "
          f"target >= 1,500 rows/s), Dask LocalCluster 2 processes {dask_s:.0f} s ({n / dask_s:.0f} rows/s, cluster "
          f"started beforehand): overhead {100 * (dask_s / local_s - 1):+.0f} % (target <= 25 % at 20,000 rows)")


def main() -> None:
    model = CityModel()
    _throughput(model)
    _dask_overhead(model, int(sys.argv[sys.argv.index("--dask") + 1]) if "--dask" in sys.argv else 960)
    _memory(1_000_000 if "--full" in sys.argv else 200_000)


if __name__ == "__main__":
    main()
