"""Benchmark: EV sessions for 8 points over a year, and each strategy's kernel time.

Run ``python benchmarks/bench_ev.py``. Prints the time to draw a year of sessions, the
kernel time per strategy (compiled, best of 7), the whole ``simulate_charging`` call, and
the ratio of the kernel to a building-year of the heat kernel (0.245 ms, DESIGN.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks._timing import best_time_s
from mgwsim.ev import STRATEGIES, ChargingSite, generate_sessions, simulate_charging
from mgwsim.ev.charging import _charging_kernel

HEAT_KERNEL_MS = 0.245
"""A simple numba building-year measured on this kind of machine [ms] (DESIGN.md)."""


def _inputs(n: int) -> dict[str, np.ndarray]:
    hour = np.arange(n) % 24
    return {
        "other": 4.0 + 2.0 * np.sin(2 * np.pi * hour / 24),
        "pv": np.clip(25.0 * np.sin(np.pi * (hour - 6) / 12), 0.0, None),
        "price": 0.10 + 0.05 * np.cos(2 * np.pi * hour / 24),
    }


def main() -> None:
    index = pd.date_range("2023-01-01", periods=8760, freq="h", tz="UTC")
    site = ChargingSite(n_points=8, n_cars=8, site_limit_kw=25.0)
    gen_s = best_time_s(lambda: generate_sessions(index, site, seed=1), repeat=5)
    sessions = generate_sessions(index, site, seed=1)
    print(f"generate_sessions, 8 points x 1 year ({len(sessions)} sessions)  {gen_s * 1e3:8.2f} ms")
    x, a = _inputs(len(index)), sessions.arrays
    for mode, strategy in enumerate(STRATEGIES):
        def kernel(mode=mode):
            _charging_kernel(mode, 1.0, x["other"], x["pv"], x["price"], 25.0, a["arrival"], a["departure"],
                             a["need_kwh"], a["max_power_kw"], a["point"], np.zeros((len(index), 8)),
                             np.zeros(len(sessions)))
        kernel()  # compile / load from cache
        k_ms = best_time_s(kernel) * 1e3
        full_ms = best_time_s(lambda s=strategy: simulate_charging(
            sessions, s, other_load_kw=x["other"], pv_kw=x["pv"], price_eur_per_kwh=x["price"],
            site_limit_kw=25.0 if s == "peak_limited" else None)) * 1e3
        print(f"kernel {strategy:<13} {k_ms:7.3f} ms ({k_ms / HEAT_KERNEL_MS:5.2f} x heat kernel); "
              f"simulate_charging {full_ms:7.2f} ms")


if __name__ == "__main__":
    main()
