"""Timings of heat pump map construction and evaluation (plain script: ``python benchmarks/bench_heatpump.py``)."""

from __future__ import annotations

import os
import tempfile
import time

import numpy as np


def _timed(func, repeat: int = 1) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        func()
    return (time.perf_counter() - start) / repeat


def main() -> None:
    os.environ["MGWSIM_CACHE"] = tempfile.mkdtemp(prefix="mgwsim-bench-")
    from mgwsim.heatpump import carnot_map, cycle_map, interp_map

    src, snk = np.linspace(-20.0, 20.0, 40), np.linspace(25.0, 60.0, 40)
    t_import = _timed(lambda: __import__("CoolProp.CoolProp"))
    print(f"import CoolProp (one-time per process): {t_import:.2f} s")
    for ref in ("R290", "R32", "R1234ze(E)", "R410A", "R744"):
        cold = _timed(lambda: cycle_map(ref, src, snk, rated_capacity_kw=40.0))
        warm = _timed(lambda: cycle_map(ref, src, snk, rated_capacity_kw=40.0), repeat=5)
        print(f"cycle_map {ref:11s} 40x40: cold {cold * 1e3:7.1f} ms, warm (disk cache) {warm * 1e3:6.2f} ms, "
              f"ratio {cold / warm:6.0f}x")
    print(f"carnot_map 40x40: {_timed(lambda: carnot_map(src, snk, rated_capacity_kw=40.0), 20) * 1e3:.2f} ms")
    m = cycle_map("R290", src, snk, rated_capacity_kw=40.0)
    rng = np.random.default_rng(1)
    ts, tk = rng.uniform(-20, 20, 8760), rng.uniform(25, 60, 8760)
    m.cop_at(ts[:2], tk[:2])  # compile
    vec = _timed(lambda: m.cop_at(ts, tk), 20)
    interp_map(m.source_degc, m.sink_degc, m.cop, 0.0, 40.0)
    one = _timed(lambda: interp_map(m.source_degc, m.sink_degc, m.cop, 0.0, 40.0), 1000)
    print(f"cop_at 8760 points: {vec * 1e3:.2f} ms; interp_map one call from Python: {one * 1e6:.2f} us")


if __name__ == "__main__":
    main()
