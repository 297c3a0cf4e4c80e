"""The README's Python examples run as written (the ten-line example and the heat plant)."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_examples_run(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 2
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(blocks[0] + blocks[1], "README.md", "exec"), namespace)  # noqa: S102 (our own README)
    assert (tmp_path / "demand.png").stat().st_size > 10_000
    kpis = namespace["result"].kpis()
    assert kpis["unmet_hours"] == 0 and 2.0 < kpis["spf_h2"] < 5.0
