"""Benchmark: EV sessions for 8 points over a year, and each strategy's kernel time.

Run ``python -m benchmarks.bench_ev``. Prints the time to draw a year of sessions, then per
strategy: the kernel time for a year of 8 points (compiled, best of 20; outputs allocated
inside the timing, as a caller does), hourly and at 15 minutes, its speed-up over the same
loop in pure Python (:func:`benchmarks._timing.pure_python`), its ratio to a building-year of
the heat kernel (0.245 ms, DESIGN.md) and the whole ``simulate_charging`` call.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks._timing import best_time_s, pure_python
from mgwsim.ev import STRATEGIES, ChargingSite, charging, generate_sessions, simulate_charging

HEAT_KERNEL_MS = 0.245
"""A simple numba building-year measured on this kind of machine [ms] (DESIGN.md)."""


def _inputs(n: int, step_h: float) -> dict[str, np.ndarray]:
    hour = np.arange(n) * step_h % 24
    return {
        "other": 4.0 + 2.0 * np.sin(2 * np.pi * hour / 24),
        "pv": np.clip(25.0 * np.sin(np.pi * (hour - 6) / 12), 0.0, None),
        "price": 0.10 + 0.05 * np.cos(2 * np.pi * hour / 24),
    }


def _kernel(mode: int, sessions):
    """A call of the kernel for ``sessions`` with strategy ``mode`` (module attribute looked up at call time)."""
    n, h, a = len(sessions.index), sessions.step_hours, sessions.arrays
    x = _inputs(n, h)

    def run():
        charging._charging_kernel(mode, h, x["other"], x["pv"], x["price"], 25.0, a["arrival"], a["departure"],
                                  a["need_kwh"], a["max_power_kw"], a["point"], np.zeros((n, 8)),
                                  np.zeros(len(sessions)))
    return run


def main() -> None:
    site = ChargingSite(n_points=8, n_cars=8, site_limit_kw=25.0)
    hourly = pd.date_range("2023-01-01", periods=8760, freq="h", tz="UTC")
    gen_s = best_time_s(lambda: generate_sessions(hourly, site, seed=1), repeat=5)
    sessions = generate_sessions(hourly, site, seed=1)
    quarter = generate_sessions(pd.date_range("2023-01-01", periods=4 * 8760, freq="15min", tz="UTC"), site, seed=1)
    print(f"generate_sessions, 8 points x 1 year ({len(sessions)} sessions)  {gen_s * 1e3:8.2f} ms")
    x = _inputs(len(hourly), 1.0)
    for mode, strategy in enumerate(STRATEGIES):
        kernel, kernel_15 = _kernel(mode, sessions), _kernel(mode, quarter)
        kernel(), kernel_15()  # compile / load from cache
        k_ms = best_time_s(kernel, repeat=20) * 1e3
        k15_ms = best_time_s(kernel_15, repeat=20) * 1e3
        with pure_python(charging):
            py_ms = best_time_s(kernel, repeat=2) * 1e3
        full_ms = best_time_s(lambda s=strategy: simulate_charging(
            sessions, s, other_load_kw=x["other"], pv_kw=x["pv"], price_eur_per_kwh=x["price"],
            site_limit_kw=25.0 if s == "peak_limited" else None)) * 1e3
        print(f"kernel {strategy:<13} {k_ms:6.3f} ms/year hourly, {k15_ms:6.3f} ms at 15 min; pure Python "
              f"{py_ms:7.1f} ms ({py_ms / k_ms:5.0f}x); {k_ms / HEAT_KERNEL_MS:4.2f} x heat kernel; "
              f"simulate_charging {full_ms:5.2f} ms")


if __name__ == "__main__":
    main()
