"""``make bench``: run every ``bench_*.py`` module's ``main()`` in one process and print ratios."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.reference for pure-Python baselines


def main() -> None:
    here = Path(__file__).parent
    for module in sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_")):
        print(f"\n== {module} ==")
        importlib.import_module(f"benchmarks.{module}").main()


if __name__ == "__main__":
    main()
