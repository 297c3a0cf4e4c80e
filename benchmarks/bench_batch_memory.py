"""Peak memory of a batch: the driver and its worker processes, sampled every 0.2 s from /proc (Linux).

``python -m benchmarks.bench_batch_memory [N] [CHUNK]``: the engine alone, N stand-in city rows (the KPI columns
of ``city_row``, city-table row ids; default 1,000,000) on 2 local workers in chunks of CHUNK rows (default 256),
streamed to Parquet parts. ``python -m benchmarks.bench_batch_memory -- COMMAND ...``: any command, e.g.
``mgwsim batch TABLE -o OUT --row city``. ``python -m benchmarks.bench_batch_memory --cli N_BUILDINGS [CHUNK]``:
the whole ``mgwsim batch --row city`` path (the ``mgwsim stock`` table of N_BUILDINGS × 12 read from Parquet, the
``CityModel`` built, 2 workers, ``results.csv``, the three summaries and the map) with the stand-in rows in place of
``city_row``. Prints each process's peak RSS and PSS (``/proc/PID/smaps_rollup``: RSS
counts the shared libraries in every process, PSS shares them out) and the peak of their sums at one time.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd


def _tree(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            children = [int(c) for c in f.read().split()]
    except OSError:
        return [pid]
    return [pid] + [p for c in children for p in _tree(c)]


def _memory_mb(pid: int) -> tuple[float, float, str] | None:
    """(RSS, PSS) [MB] and the command line of ``pid``; None once it has ended."""
    rss = pss = 0.0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1]) / 1024
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1]) / 1024
        with open(f"/proc/{pid}/cmdline") as f:
            command = f.read().replace("\0", " ")
    except OSError:
        return None
    return rss, pss, command


def monitor(command: list[str], every_s: float = 0.2) -> int:
    """Run ``command``; print the peak RSS and PSS of it and of every descendant, and of their sums at one time."""
    start = time.perf_counter()
    process = subprocess.Popen(command)
    peaks: dict[int, list] = {}
    top_rss = top_pss = driver_with_workers = 0.0
    at_top: dict[str, float] = {}
    while process.poll() is None:
        total_rss = total_pss = 0.0
        now: dict[str, float] = {}
        for pid in _tree(process.pid):
            found = _memory_mb(pid)
            if found is None:
                continue
            rss, pss, line = found
            kind = "driver" if pid == process.pid else "resource tracker" if "resource_tracker" in line else "worker"
            peak = peaks.setdefault(pid, [kind, 0.0, 0.0])
            peak[1], peak[2] = max(peak[1], rss), max(peak[2], pss)
            total_rss, total_pss = total_rss + rss, total_pss + pss
            now[kind] = now.get(kind, 0.0) + rss
        if "worker" in now:
            driver_with_workers = max(driver_with_workers, now.get("driver", 0.0))
        if total_rss > top_rss:
            top_rss, at_top = total_rss, now
        top_pss = max(top_pss, total_pss)
        time.sleep(every_s)
    print(f"exit status {process.returncode}, {time.perf_counter() - start:.0f} s")
    for pid, (kind, rss, pss) in peaks.items():
        print(f"  {kind:16s} pid {pid}: peak RSS {rss:6.0f} MB, peak PSS {pss:6.0f} MB")
    print(f"  all at once: peak RSS sum {top_rss:.0f} MB, peak PSS sum {top_pss:.0f} MB (target < 2 GB)")
    print("  at the peak RSS sum: " + ", ".join(f"{kind} {rss:.0f} MB" for kind, rss in at_top.items()))
    print(f"  driver's peak RSS while workers ran: {driver_with_workers:.0f} MB")
    return process.returncode


def _engine(n: int, chunk_size: int) -> None:
    from benchmarks.bench_city import kpi_row
    from mgwsim.batch import CITY_COMBINATIONS, run_batch

    names = np.tile(list(CITY_COMBINATIONS), -(-n // len(CITY_COMBINATIONS)))[:n]
    building = np.arange(n) // len(CITY_COMBINATIONS)
    table = pd.DataFrame({"typology": "AB.02", "building": building, "combination": names},
                         index=pd.Index([f"{b}/{c}" for b, c in zip(building, names, strict=True)], name="row_id"))
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        result = run_batch(table, kpi_row, output=folder, n_workers=2, chunk_size=chunk_size, progress=False)
    print(f"{n:,} rows x {result.shape[1]} columns, chunks of {chunk_size}, 2 workers: "
          f"{n / (time.perf_counter() - start):,.0f} rows/s")


def _cli_child(table: str, out: str, chunk_size: str) -> int:
    """``mgwsim batch TABLE -o OUT --row city --workers 2`` with the stand-in rows (``kpi_row``) as row function."""
    from benchmarks.bench_city import kpi_row
    from mgwsim import cli

    city = cli._row_function
    cli._row_function = lambda name, frame, step="1h": (kpi_row, city(name, frame, step)[1])
    start = time.perf_counter()
    status = cli.main(["batch", table, "-o", out, "--row", "city", "--workers", "2", "--chunk-size", chunk_size,
                       "-q"])
    print(f"mgwsim batch with stand-in rows: {time.perf_counter() - start:.0f} s")
    return status


def _cli(n_buildings: int, chunk_size: int) -> int:
    from mgwsim import cli

    with tempfile.TemporaryDirectory() as folder:
        table = f"{folder}/table.parquet"
        cli.main(["stock", str(n_buildings), "-o", table])
        return monitor([sys.executable, "-m", "benchmarks.bench_batch_memory", "--cli-child", table, f"{folder}/out",
                        str(chunk_size)])


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["--child"]:
        _engine(int(args[1]), int(args[2]))
    elif args[:1] == ["--cli-child"]:
        sys.exit(_cli_child(*args[1:4]))
    elif args[:1] == ["--cli"]:
        sys.exit(_cli(int(args[1]), int(args[2]) if len(args) > 2 else 256))
    elif args[:1] == ["--"]:
        sys.exit(monitor(args[1:]))
    else:
        n, chunk = (int(args[0]) if args else 1_000_000), (int(args[1]) if len(args) > 1 else 256)
        sys.exit(monitor([sys.executable, "-m", "benchmarks.bench_batch_memory", "--child", str(n), str(chunk)]))


if __name__ == "__main__":
    main()
