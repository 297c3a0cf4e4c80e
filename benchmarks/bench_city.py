"""City rows: throughput of ``city_row`` against the single-run path and pure Python; engine memory for 1M rows.

``python -m benchmarks.bench_city [--dask N] [--full] [--rich] [--against SRC]`` (the issue's figures: ``--dask 20000
--full``; ``--rich``: only the simple against the richer combinations, per combination, and the memory;
``--against /path/to/other/checkout/src``: the same rows on that mgwsim too, in fresh processes in turn, and the
ratio); ``make bench`` runs the short form (960 rows, 200,000 rows for memory).

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
from pathlib import Path

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


def issue_18_combinations() -> list[str]:
    """The rich combinations whose techniques are those issue 18's speed target names ("EV, battery, MV, dynamic
    tariff, emitter and heat-network options") besides the twelve simple ones: no roof insulation first and no
    source but outside air (the ground's borefield, the canal and the extract air are mgwsim's additions)."""
    from mgwsim.batch.city import RICH_COMBINATIONS

    return [name for name, c in RICH_COMBINATIONS.items() if not c.roof and c.source == "air"]


def _rich_rows(n_buildings: int, seed: int = 1) -> dict[str, list[dict]]:
    """The simple, the rich and issue 18's (:func:`issue_18_combinations`) table of the same ``n_buildings``
    buildings (in a heat-network zone, with an extract ventilation), as records in ``run_batch``'s order: a
    building's rows one after the other."""
    from mgwsim.batch.city import CITY_COMBINATIONS, RICH_COMBINATIONS

    stock = generate_stock(n_buildings, seed=seed).assign(heat_network_zone=True, mechanical_extract=True)
    return {name: city_table(stock, list(names)).to_dict("records")
            for name, names in (("simple", CITY_COMBINATIONS), ("rich", RICH_COMBINATIONS),
                                ("issue_18", issue_18_combinations()))}


def _rich_measure(n_buildings: int = 12, repeat: int = 3) -> dict:
    """CPU ms per row of the simple and the rich set, a building's first row included (best of ``repeat``), the
    rich rows' CPU ms per combination (the mean over the buildings of each row's best, in the building's sequence)
    and the peak RSS [MB] of this process; facade irradiance, kernels, the hot-water pool and the EV sites warm."""
    model = CityModel()
    tables = {name: records for name, records in _rich_rows(n_buildings).items() if name != "issue_18"}
    for records in tables.values():
        model._cases.clear()
        for record in records:
            city_row(record, model)
    best: dict = {}
    per_row: dict = {}
    for name, records in tables.items():
        for _ in range(repeat):
            model._cases.clear()
            start = time.process_time()
            for i, record in enumerate(records):
                row_start = time.process_time()
                city_row(record, model)
                if name == "rich":
                    per_row[i] = min(per_row.get(i, float("inf")), time.process_time() - row_start)
            best[name] = min(best.get(name, float("inf")), (time.process_time() - start) / len(records))
    combinations: dict = {}
    for i, record in enumerate(tables["rich"]):
        combinations.setdefault(record["combination"], []).append(per_row[i])
    fresh, fresh_issue = _fresh_rich_ms(model)
    return {"simple_ms": 1e3 * best["simple"], "rich_ms": 1e3 * best["rich"], "fresh_rich_ms": fresh,
            "fresh_issue_18_ms": fresh_issue,
            "per_combination_ms": {c: 1e3 * float(np.mean(v)) for c, v in combinations.items()},
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _fresh_rich_ms(model: CityModel, n_buildings: int = 60) -> tuple[float, float]:
    """CPU ms per row over ``n_buildings`` buildings this process has not seen, one pass, of the rich set and of
    issue 18's (:func:`issue_18_combinations`, other buildings again): what a stock batch meets (the best of
    repeats over the same twelve buildings finds every per-building and per-size cache warm, which a stock of
    distinct buildings does not)."""
    def per_row(records: list[dict]) -> float:
        model._cases.clear()
        start = time.process_time()
        for record in records:
            city_row(record, model)
        return 1e3 * (time.process_time() - start) / len(records)
    return per_row(_rich_rows(n_buildings, seed=2)["rich"]), per_row(_rich_rows(n_buildings, seed=3)["issue_18"])


def _measure_in(source: str | None) -> dict:
    """:func:`_rich_measure` in a fresh process on the mgwsim of ``source`` (a ``src`` folder; None: this one)."""
    import json
    import os
    import subprocess

    root = Path(__file__).resolve().parents[1]
    src = source if source is not None else str(root / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join((src, str(root)))}
    done = subprocess.run([sys.executable, "-m", "benchmarks.bench_city", "--rich-json"], env=env, cwd=root,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _rich_throughput(against: str | None = None, rounds: int = 3) -> None:
    """Rows per second of the twelve simple combinations and of the 31 richer ones (EV, MV cabin, dynamic
    tariff, roof insulation first, emitter upgrade, battery, ground, water and exhaust-air sources, the heat
    network) on the same buildings: every row of a building in turn as ``run_batch`` feeds them (its first row
    builds the case: demand, loads, reference), CPU time of one process (the machine may be shared), best of
    three; rows/s on 2 cores = 2 / (s per row). With ``against`` (another checkout's ``src``), both are measured
    in fresh processes, ``rounds`` times in turn, and the best of each compared."""
    if against is None:
        runs = {"this": [_rich_measure()]}
    else:
        runs = {"this": [], "before": []}
        for i in range(rounds):
            for label in (("this", "before") if i % 2 == 0 else ("before", "this")):
                runs[label].append(_measure_in(None if label == "this" else against))
    keys = ("simple_ms", "rich_ms", "fresh_rich_ms", "fresh_issue_18_ms", "peak_rss_mb")
    best = {label: {key: min(r[key] for r in found) for key in keys} for label, found in runs.items()}
    for label, found in best.items():
        name = f"before ({against})" if label == "before" else "city_row"
        print(f"{name} over 12 buildings, a building's first row included (CPU ms per row): simple "
              f"{found['simple_ms']:.3f} -> {2e3 / found['simple_ms']:,.0f} rows/s on 2 cores; rich "
              f"{found['rich_ms']:.3f} -> {2e3 / found['rich_ms']:,.0f} rows/s on 2 cores (best of repeats, caches "
              f"warm); rich / simple = {found['rich_ms'] / found['simple_ms']:.2f}; peak RSS "
              f"{found['peak_rss_mb']:.0f} MB")
        print(f"{name} over 60 buildings not seen before, one pass (what a stock batch meets): rich "
              f"{found['fresh_rich_ms']:.3f} ms per row -> {2e3 / found['fresh_rich_ms']:,.0f} rows/s on 2 cores "
              f"(target >= 2,000); issue 18's combinations ({len(issue_18_combinations())}: the simple ones and "
              f"the EV, battery, MV, dynamic-tariff, emitter and heat-network options) "
              f"{found['fresh_issue_18_ms']:.3f} ms per row -> {2e3 / found['fresh_issue_18_ms']:,.0f} rows/s on 2 "
              f"cores")
    if against is not None:
        after, before = best["this"], best["before"]
        print(f"after / before: simple {after['simple_ms'] / before['simple_ms']:.3f}, rich "
              f"{after['rich_ms'] / before['rich_ms']:.3f} (best of {rounds} fresh processes each, in turn)")
    per = {c: min(r["per_combination_ms"][c] for r in runs["this"]) for c in runs["this"][0]["per_combination_ms"]}
    print("rich rows, CPU ms per row by combination in the building's sequence (mean over the buildings; the first "
          "row, hp30_gas, builds the case; rows that share a plant year or take a twin's run the kernel not):")
    for name, ms in per.items():
        print(f"  {name:34s} {ms:6.3f}")


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
    if "--rich-json" in sys.argv:  # one measurement for _measure_in
        import json

        print(json.dumps(_rich_measure()))
        return
    against = sys.argv[sys.argv.index("--against") + 1] if "--against" in sys.argv else None
    if "--rich" in sys.argv:  # the richer combinations and the engine's memory only
        _rich_throughput(against)
        _memory(1_000_000 if "--full" in sys.argv else 200_000)
        return
    model = CityModel()
    _throughput(model)
    _rich_throughput(against)
    _dask_overhead(model, int(sys.argv[sys.argv.index("--dask") + 1]) if "--dask" in sys.argv else 960)
    _memory(1_000_000 if "--full" in sys.argv else 200_000)


if __name__ == "__main__":
    main()
