"""Benchmark: EV sessions for 8 points over a year, and each strategy's time per year.

Run ``python -m benchmarks.bench_ev``. Prints the time to draw a year of sessions, then per
strategy, hourly and at 15 minutes (best CPU time of 20, outputs allocated inside the timing,
as a caller does): the kernel filling the per-point table (n_steps × 8), the kernel filling the
site total only (``per_point=False``), the whole ``simulate_charging`` call both ways, the
lean kernel's ratio to a building-year of the heat kernel (0.245 ms, DESIGN.md) and its
speed-up over the same loop in pure Python (:func:`benchmarks._timing.pure_python`, hourly).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks._timing import best_cpu_s, pure_python
from mgwsim.ev import STRATEGIES, ChargingSite, charging, generate_sessions, simulate_charging
from mgwsim.ev.charging import LIMITED

HEAT_KERNEL_MS = 0.245
"""A simple numba building-year measured on this kind of machine [ms] (DESIGN.md)."""

LIMIT_KW = 25.0
"""The site limit of the limited strategies [kW]."""


def _inputs(n: int, step_h: float) -> dict[str, np.ndarray]:
    hour = np.arange(n) * step_h % 24
    return {
        "other": 4.0 + 2.0 * np.sin(2 * np.pi * hour / 24),
        "pv": np.clip(25.0 * np.sin(np.pi * (hour - 6) / 12), 0.0, None),
        "price": 0.10 + 0.05 * np.cos(2 * np.pi * hour / 24),
    }


def _kernel(mode: int, sessions, per_point: bool):
    """A call of the kernel for ``sessions`` with strategy ``mode`` (module attribute looked up at call time)."""
    n, h, a, m = len(sessions.index), sessions.step_hours, sessions.arrays, sessions.n_points
    x = _inputs(n, h)

    def run():
        charging._charge(mode, h, x["other"], x["pv"], x["price"], LIMIT_KW, a["arrival"], a["departure"],
                         a["need_kwh"], a["max_power_kw"], a["point"], m, per_point,
                         np.zeros((n, m) if per_point else (0, m)), np.zeros(n), np.zeros(len(sessions)))
    return run


def _call(sessions, strategy: str, per_point: bool):
    x = _inputs(len(sessions.index), sessions.step_hours)
    return lambda: simulate_charging(sessions, strategy, other_load_kw=x["other"], pv_kw=x["pv"],
                                     price_eur_per_kwh=x["price"], per_point=per_point,
                                     site_limit_kw=LIMIT_KW if strategy in LIMITED else None)


def main() -> None:
    site = ChargingSite(n_points=8, n_cars=8, site_limit_kw=LIMIT_KW)
    hourly = pd.date_range("2023-01-01", periods=8760, freq="h", tz="UTC")
    gen_s = best_cpu_s(lambda: generate_sessions(hourly, site, seed=1), repeat=5)
    sessions = generate_sessions(hourly, site, seed=1)
    quarter = generate_sessions(pd.date_range("2023-01-01", periods=4 * 8760, freq="15min", tz="UTC"), site, seed=1)
    print(f"generate_sessions, 8 points x 1 year ({len(sessions)} sessions)  {gen_s * 1e3:8.2f} ms")
    print("ms per year      | kernel: per-point  site only | simulate_charging: per-point  site only")
    for mode, strategy in enumerate(STRATEGIES):
        lean_ms = {}
        for label, s in (("hourly", sessions), ("15 min", quarter)):
            full, lean = _kernel(mode, s, True), _kernel(mode, s, False)
            call_full, call_lean = _call(s, strategy, True), _call(s, strategy, False)
            full(), lean()  # compile / load from cache
            times = [best_cpu_s(f, repeat=20) * 1e3 for f in (full, lean, call_full, call_lean)]
            lean_ms[label] = times[1]
            print(f"{strategy:<19} {label:<6} | {times[0]:8.3f} {times[1]:10.3f} | {times[2]:18.3f} {times[3]:10.3f}")
        with pure_python(charging):
            py_ms = best_cpu_s(_kernel(mode, sessions, False), repeat=1) * 1e3
        print(f"{'':<19} hourly site-only kernel: {lean_ms['hourly'] / HEAT_KERNEL_MS:4.2f} x heat kernel; pure Python "
              f"{py_ms:7.1f} ms ({py_ms / lean_ms['hourly']:5.0f}x)")

if __name__ == "__main__":
    main()
