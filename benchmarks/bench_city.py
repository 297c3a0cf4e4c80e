"""City rows: throughput of ``city_row`` against the single-run path and pure Python; engine memory for 1M rows.

``python -m benchmarks.bench_city [--dask N] [--full] [--rich]`` (the issue's figures: ``--dask 20000 --full``;
``--rich``: only the simple against the richer combinations and the memory); ``make bench`` runs the
short form (960 rows, 200,000 rows for memory).

- ``city_row`` (plant kernel, bills, investments, subsidies, business case read from the
  kernel's arrays; shared preparation): ms per row in one process once the building's case is
  built, of which the plant kernel alone; the implied rows/s on 2 cores; ratios to the
  reference path ``_city_row_reference`` (the same row through ``SystemResult``,
  ``assess_year`` and ``business_case``) and to ``variant_row`` (the study path for the same
  question). A building's first row (demand, common-area loads, reference boiler) alone and
  amortised over its 12 rows, and with every numba kernel run as plain Python.
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
from mgwsim.batch.city import _city_row_reference
from mgwsim.stock import generate_stock

_KPIS = {"design_heat_load_kw": 1.0, "spf_h2": 1.0, "backup_share": 1.0, "unmet_hours": 0, "heating_hours": 5000,
         "dhw_short_hours": 0, "unmet_heat_kwh": 0.0, "unmet_heat_eur": 0.0, "co2_reduction": 1.0,
         "co2_avoided_t": 1.0, "epc_kwh_m2": 1.0, "investment_eur": 1.0, "subsidies_eur": 1.0,
         "works_grants_eur": 1.0, "study_grants_eur": 1.0, "npv_eur": 1.0, "npv_without_subsidy_eur": 1.0,
         "npv_before_grants_eur": 1.0, "gap_before_grants_eur": 1.0, "gap_covered_frac": 1.0,
         "gap_per_t_co2_eur": 1.0, "irr_frac": float("nan"), "no_unmet_heat": True, "comfort_within_tolerance": True,
         "hot_water_within_tolerance": True, "connection_feasible": True, "lock_in_pass": True, "eligible": True,
         "qualifies": False, "shortfalls": "fossil_lock_in; eligibility:no_lock_in", "npv_ge_0": True,
         "npv_with_subsidy_ge_0": True, "no_gap_before_grants": True, "fails": "lock_in; eligibility",
         "site_ready": True, "needs_permit": False}


def kpi_row(row: dict, shared) -> dict:
    """The KPI columns of ``city_row`` without the simulation (engine memory and overhead)."""
    return {**_KPIS, "npv_eur": float(row["seed"] % 1000)}


def _rows(n: int) -> pd.DataFrame:
    return city_table(generate_stock(-(-n // 12), seed=0)).iloc[:n]


def _building_rows(records: list[dict]) -> list[list[dict]]:
    """The records grouped by building (each building's twelve combinations)."""
    groups: dict = {}
    for record in records:
        groups.setdefault(record["building"], []).append(record)
    return list(groups.values())


def _cached_row_s(row_function, buildings: list[list[dict]], model: CityModel) -> float:
    """Best time per row [s] once the building's case is built (a building's first row excluded)."""
    total, n = 0.0, 0
    for rows in buildings:
        model._cases.clear()
        row_function(rows[0], model)  # the building's demand and reference
        total += best_time_s(lambda rows=rows: [row_function(r, model) for r in rows], repeat=3)
        n += len(rows)
    return total / n


def _kernel_s(buildings: list[list[dict]], model: CityModel) -> float:
    """Best time per row [s] of the plant kernel alone (``run_plant``), on the same rows."""
    from mgwsim.batch import city

    total, n = 0.0, 0
    for rows in buildings:
        model._cases.clear()
        case = model.building_case(rows[0])
        for r in rows:
            variant = city._sized_variant(city.CITY_COMBINATIONS[r["combination"]], case.design_kw,
                                          case.building.area_m2("roof"), model.unit_map)
            pv = city._pv_kw(variant, model)
            total += best_time_s(lambda v=variant, pv=pv, case=case: city._run_year(v, case.series, case.common["total"],
                                                                                     pv, model), repeat=3)
            n += 1
    return total / n


def _first_row_s(row: dict, model: CityModel, repeat: int = 3) -> float:
    """Best time [s] of a building's first row: its demand, loads and reference too (no cached case)."""
    def fresh_row():
        model._cases.clear()
        return city_row(row, model)

    return best_time_s(fresh_row, repeat=repeat)


def _throughput(model: CityModel) -> None:
    table = _rows(96)
    records = [{**r, "seed": i} for i, r in enumerate(table.to_dict("records"))]
    buildings = _building_rows(records)
    for r in records[:24]:
        city_row(r, model)  # warm: kernels, facade orientations, DHW pool
    fast_s = _cached_row_s(city_row, buildings, model)
    kernel_s = _kernel_s(buildings, model)
    reference_s = _cached_row_s(_city_row_reference, buildings[:2], model)
    shared = variant_shared()
    study_row = {**records[0], "combination": "hp_boiler_pv"}
    variant_row(study_row, shared)
    study_s = best_time_s(lambda: variant_row(study_row, shared), repeat=2)
    from mgwsim.building import thermal
    from mgwsim.system import kernel

    first_s = sum(_first_row_s(rows[0], model) for rows in buildings) / len(buildings)
    numba_first_s = _first_row_s(records[0], model)
    with pure_python(thermal, kernel):
        python_s = _first_row_s(records[0], model, repeat=1)
    amortised_s = (first_s + 11 * fast_s) / 12
    print(f"city_row, one process: {fast_s * 1e3:.2f} ms/row (plant kernel {kernel_s * 1e3:.2f} ms of it) -> "
          f"{2 / fast_s:,.0f} rows/s on 2 cores (target >= 1,500); the reference path (_city_row_reference) "
          f"{reference_s * 1e3:.1f} ms/row -> {reference_s / fast_s:.0f}x; variant_row, the study path: "
          f"{study_s * 1e3:.0f} ms/row -> {study_s / fast_s:.0f}x")
    print(f"a building's first row (demand, loads, reference boiler) {first_s * 1e3:.0f} ms on average: amortised over "
          f"its 12 rows {amortised_s * 1e3:.2f} ms/row -> {2 / amortised_s:,.0f} rows/s on 2 cores; the first building's "
          f"{numba_first_s * 1e3:.0f} ms, with the kernels in pure Python {python_s * 1e3:.0f} ms -> "
          f"{python_s / numba_first_s:.0f}x")


def _rich_throughput(n_buildings: int = 12, repeat: int = 3) -> None:
    """Rows per second of the twelve simple combinations and of the 31 richer ones (EV, MV cabin, dynamic
    tariff, roof insulation first, emitter upgrade, battery, ground, water and exhaust-air sources, the heat
    network) on the same buildings, in one run: every row of a
    building in turn as ``run_batch`` feeds them (its first row builds the case: demand, loads, reference),
    facade irradiance and kernels warm; CPU time of this process (the machine may be shared), best of
    ``repeat``; rows/s on 2 cores = 2 / (s per row)."""
    from mgwsim.batch.city import CITY_COMBINATIONS, RICH_COMBINATIONS

    model = CityModel()
    stock = generate_stock(n_buildings, seed=1)
    sets = {"simple (12)": list(CITY_COMBINATIONS), f"rich ({len(RICH_COMBINATIONS)})": list(RICH_COMBINATIONS)}
    tables = {name: city_table(stock.assign(heat_network_zone=True, mechanical_extract=True), names)
              .to_dict("records") for name, names in sets.items()}
    for records in tables.values():  # warm: facade orientations, kernels, the hot-water pool, EV sites
        model._cases.clear()
        for record in records:
            city_row(record, model)
    best = {}
    for name, records in tables.items():
        times = []
        for _ in range(repeat):
            model._cases.clear()
            start = time.process_time()
            for record in records:
                city_row(record, model)
            times.append((time.process_time() - start) / len(records))
        best[name] = min(times)
    simple, rich = best["simple (12)"], best[f"rich ({len(RICH_COMBINATIONS)})"]
    print(f"city_row over {n_buildings} buildings, a building's first row included (CPU time): simple "
          f"{simple * 1e3:.2f} ms/row -> {2 / simple:,.0f} rows/s on 2 cores; rich {rich * 1e3:.2f} ms/row -> "
          f"{2 / rich:,.0f} rows/s on 2 cores (target >= 2,000); rich / simple = {rich / simple:.2f} (the plant "
          "year shared by a building's combinations that differ only at the connection)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process after the rich rows: {peak:.0f} MB (what one batch worker holds: the model, "
          "four buildings' cases with their states and plant years, the EV and cost caches)")


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
    start = time.perf_counter()  # first, so that no Dask process is still winding down beside it
    run_batch(table, city_row, shared=model, n_workers=2, chunk_size=240, progress=False)
    local_s = time.perf_counter() - start
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        run_batch(table.iloc[:48], city_row, shared=model, client=client, chunk_size=24, progress=False)  # warm
        start = time.perf_counter()
        run_batch(table, city_row, shared=model, client=client, chunk_size=240, progress=False)
        dask_s = time.perf_counter() - start
    print(f"{n:,} city rows: local 2 processes {local_s:.0f} s ({n / local_s:.0f} rows/s, pool start-up included; "
          f"target >= 1,500 rows/s), Dask LocalCluster 2 processes {dask_s:.0f} s ({n / dask_s:.0f} rows/s, cluster "
          f"started beforehand): overhead {100 * (dask_s / local_s - 1):+.0f} % (target <= 25 % at 20,000 rows)")


def main() -> None:
    if "--rich" in sys.argv:  # the richer combinations and the engine's memory only
        _rich_throughput()
        _memory(1_000_000 if "--full" in sys.argv else 200_000)
        return
    model = CityModel()
    _throughput(model)
    _rich_throughput()
    _dask_overhead(model, int(sys.argv[sys.argv.index("--dask") + 1]) if "--dask" in sys.argv else 960)
    _memory(1_000_000 if "--full" in sys.argv else 200_000)


if __name__ == "__main__":
    main()
