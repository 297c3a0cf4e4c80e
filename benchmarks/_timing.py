"""Small timing helper shared by the benchmarks (best of repeats, no pytest)."""

from __future__ import annotations

import time


def best_time_s(func, *, repeat: int = 7, number: int = 1) -> float:
    """Best wall time of ``number`` calls over ``repeat`` rounds [s per call]."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            func()
        best = min(best, (time.perf_counter() - start) / number)
    return best
