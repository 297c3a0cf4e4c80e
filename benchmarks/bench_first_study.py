"""The first study of a fresh process: cold (no numba cache, no COP maps) and after ``make install``'s
warm-up (``python -m mgwsim.warmup``), each in a new interpreter; target: first study <= 15 s on 2 cores."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

FIRST_STUDY = "from mgwsim.demo import example_study; example_study().run()"
TARGET_S = 15.0


def _first_study_s(env: dict) -> tuple[float, float]:
    """(wall, CPU) seconds of a new interpreter that imports mgwsim and runs the example study."""
    start, cpu = time.perf_counter(), os.times()
    subprocess.run([sys.executable, "-c", FIRST_STUDY], env=env, check=True)
    end = os.times()
    return time.perf_counter() - start, (end.children_user - cpu.children_user) + (end.children_system
                                                                                   - cpu.children_system)


def main() -> None:
    with tempfile.TemporaryDirectory() as numba_cache, tempfile.TemporaryDirectory() as map_cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": numba_cache, "MGWSIM_CACHE": map_cache}
        cold_s, cold_cpu = _first_study_s(env)  # compiles every kernel, builds the maps: what the warm-up does
        warm_s, warm_cpu = _first_study_s(env)  # what a user's first study costs after the warm-up
    print(f"first study, cold (nothing cached):        {cold_s:6.1f} s wall, {cold_cpu:5.1f} s CPU")
    print(f"first study after the install's warm-up:  {warm_s:6.1f} s wall, {warm_cpu:5.1f} s CPU "
          f"(target <= {TARGET_S:.0f} s: {'met' if warm_s <= TARGET_S else 'NOT met'}); cold / warm "
          f"{cold_s / warm_s:.1f}x")


if __name__ == "__main__":
    main()
