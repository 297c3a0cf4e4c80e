"""Batch engine throughput: rows/s and overhead for a cheap row function and for ``demand_row``.

Compared: a plain loop over the rows (no engine), ``run_batch`` in process (1 worker), on 2
local processes (spawn; pool start-up included and also shown alone) and on Dask
LocalClusters with 2 single-threaded workers (threads, processes; cluster start-up excluded).
Overhead % = (engine time x workers) / plain-loop time - 1: the share of CPU spent on
anything but the row function (on 2 cores, 0 % means a speed-up of 2).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from benchmarks._timing import best_time_s
from mgwsim.batch import demand_row, demand_shared, row_seed, run_batch
from mgwsim.stock import generate_stock


def cheap_row(row: dict, shared: dict) -> dict:
    """About a microsecond of work: the engine's own cost dominates."""
    return {"y": row["x"] * shared["scale"], "z": float(row["seed"] % 1000)}


def _plain_loop(table: pd.DataFrame, func, shared) -> list[dict]:
    return [func({**row, "seed": row_seed(i)}, shared) for i, row in zip(table.index, table.to_dict("records"), strict=True)]


def _line(label: str, n_rows: int, seconds: float, plain_s: float, workers: int) -> None:
    print(f"  {label:<44s} {n_rows / seconds:9.0f} rows/s  speed-up {plain_s / seconds:5.2f}x"
          f"  overhead {100 * (seconds * workers / plain_s - 1):7.1f} %")


def _scenario(name: str, table: pd.DataFrame, func, shared, clients: dict, *, chunk_size: int, repeat: int) -> None:
    n = len(table)
    _plain_loop(table, func, shared)  # warm: kernels loaded, per-weather caches filled
    plain_s = best_time_s(lambda: _plain_loop(table, func, shared), repeat=repeat)
    print(f"{name}: {n} rows, chunk_size {chunk_size}; plain loop {n / plain_s:.0f} rows/s "
          f"({plain_s / n * 1e3:.3f} ms/row)")

    def timed(**kwargs):
        return best_time_s(lambda: run_batch(table, func, shared=shared, chunk_size=chunk_size, progress=False,
                                             **kwargs), repeat=repeat)

    _line("run_batch, 1 worker (in process)", n, timed(n_workers=1), plain_s, 1)
    _line("run_batch, 2 processes (incl. pool start-up)", n, timed(n_workers=2), plain_s, 2)
    for label, client in clients.items():
        run_batch(table.iloc[:2 * chunk_size], func, shared=shared, client=client, chunk_size=chunk_size,
                  progress=False)  # warm the workers (imports, kernels, caches)
        _line(f"run_batch, Dask {label}", n, timed(client=client), plain_s, 2)


def _pool_start_up_s(func, shared, row: dict) -> float:
    """Time of a 2-row batch on 2 processes: spawning, imports, shared data, first call."""
    table = pd.DataFrame([row, row], index=[0, 1])
    return best_time_s(lambda: run_batch(table, func, shared=shared, n_workers=2, chunk_size=1, progress=False),
                       repeat=2)


def main() -> None:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        print("dask[distributed] is not installed: bench_batch skipped (pip install 'dask[distributed]')")
        return
    cheap = pd.DataFrame({"x": np.arange(20_000, dtype=float)}, index=pd.RangeIndex(20_000, name="row_id"))
    stock = generate_stock(64, seed=0, shares={"MFH.02.Small": 0.5, "MFH.03.Small": 0.5})
    shared = demand_shared()
    start = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as threads, \
            Client(threads) as threads_client, \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as procs, \
            Client(procs) as procs_client:
        print(f"Dask LocalClusters started in {time.perf_counter() - start:.1f} s (not counted below)")
        print(f"local pool start-up (2 spawned processes, cheap row):  {_pool_start_up_s(cheap_row, {'scale': 2.0}, {'x': 1.0}):.2f} s")
        print(f"local pool start-up (2 spawned processes, demand_row): "
              f"{_pool_start_up_s(demand_row, shared, stock.iloc[0].to_dict()):.2f} s")
        clients = {"LocalCluster 2 threads": threads_client, "LocalCluster 2 processes": procs_client}
        _scenario("cheap row function", cheap, cheap_row, {"scale": 2.0}, clients, chunk_size=1000, repeat=3)
        _scenario("demand_row (hourly demand + DHW draws)", stock, demand_row, shared, clients, chunk_size=8, repeat=2)


if __name__ == "__main__":
    main()
