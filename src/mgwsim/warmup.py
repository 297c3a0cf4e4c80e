"""Compile the kernels and build the COP maps once, so that the first study of a session is fast.

``python -m mgwsim.warmup`` (run by ``make install``, hence by ``make demo`` and ``make test``)
runs the example study once: numba writes every kernel it compiles to its on-disk cache
(``cache=True``, :mod:`mgwsim._numba`) and the heat pumps' COP maps land in
:func:`mgwsim._data.cache_dir`. A later process loads both instead of rebuilding them
(``benchmarks/bench_first_study.py`` measures a first study with and without).
"""

from __future__ import annotations

import sys
import time


def warm_up() -> float:
    """Run the example study once; returns the time it took [s]."""
    from mgwsim.demo import example_study

    start = time.perf_counter()
    example_study().run()
    return time.perf_counter() - start


def main() -> None:
    print("mgwsim: compiling the kernels and building the COP maps (once per install) ...", file=sys.stderr,
          flush=True)
    print(f"mgwsim: ready in {warm_up():.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
