"""``make bench``: run every ``bench_*.py`` module's ``main()`` in one process and print ratios
(``python -m benchmarks city --rich``: only the modules named with one of the words)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.reference for pure-Python baselines


def main() -> None:
    """Every benchmark, or those whose name contains one of the words given (``python -m benchmarks city``);
    options (``--...``) are left to the modules."""
    here = Path(__file__).parent
    words = [a for a in sys.argv[1:] if not a.startswith("--")]
    for module in sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_")):
        if words and not any(word in module for word in words):
            continue
        print(f"\n== {module} ==")
        importlib.import_module(f"benchmarks.{module}").main()


if __name__ == "__main__":
    main()
