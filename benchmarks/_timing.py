"""Small timing helper shared by the benchmarks (best of repeats, no pytest)."""

from __future__ import annotations

import time
from contextlib import contextmanager

from numba.core.registry import CPUDispatcher as Dispatcher


def best_time_s(func, *, repeat: int = 7, number: int = 1) -> float:
    """Best wall time of ``number`` calls over ``repeat`` rounds [s per call]."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            func()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def best_cpu_s(func, *, repeat: int = 7, number: int = 1) -> float:
    """Best CPU time of this thread (``time.thread_time``) of ``number`` calls over ``repeat`` rounds [s per call].

    On a shared, loaded machine the CPU time of the calling thread is far steadier than wall time.
    """
    best = float("inf")
    for _ in range(repeat):
        start = time.thread_time()
        for _ in range(number):
            func()
        best = min(best, (time.thread_time() - start) / number)
    return best


@contextmanager
def pure_python(*modules):
    """Within the block, every numba kernel the ``modules`` reference by name runs as plain Python.

    Swaps each module-level numba dispatcher for its ``py_func``, so that a kernel's
    ``py_func`` is a pure-Python reference of the whole loop, helpers included.
    """
    saved = []
    for module in modules:
        for name, value in vars(module).items():
            if isinstance(value, Dispatcher):
                saved.append((module, name, value))
    try:
        for module, name, value in saved:
            setattr(module, name, value.py_func)
        yield
    finally:
        for module, name, value in saved:
            setattr(module, name, value)
