"""``make bench``: run every ``bench_*.py`` module's ``main()`` in one process and print ratios.

``python -m benchmarks system ev`` runs only the modules whose name contains one of the words.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.reference for pure-Python baselines


def main() -> None:
    here = Path(__file__).parent
    words = sys.argv[1:]
    for module in sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_")):
        if words and not any(word in module for word in words):
            continue
        print(f"\n== {module} ==")
        importlib.import_module(f"benchmarks.{module}").main()


if __name__ == "__main__":
    main()
