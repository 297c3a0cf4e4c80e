"""The project cites the publications behind its figures, never its internal notes file (FACTS.md)."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTES_FILE = "FACTS" + ".md"
TEXT_SUFFIXES = {".py", ".md", ".csv", ".toml", ".txt", ".json", ".yaml", ".yml", ".rst", ".html", ".jinja", ".j2"}


def _shipped_files():
    for top in ("src", "data", "docs"):
        for path in sorted((ROOT / top).rglob("*")):
            if path.is_file() and path.suffix.lower() in TEXT_SUFFIXES and "__pycache__" not in path.parts:
                yield path
    yield ROOT / "README.md"


@pytest.mark.parametrize("path", list(_shipped_files()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_shipped_data_or_doc_cites_the_notes_file(path):
    text = path.read_text(encoding="utf-8", errors="replace")
    lines = [n for n, line in enumerate(text.splitlines(), 1) if NOTES_FILE in line]
    assert not lines, f"{path.relative_to(ROOT)} names {NOTES_FILE} on lines {lines}: cite the publication instead"


def test_the_scan_finds_the_shipped_data():
    names = {p.name for p in _shipped_files()}
    assert {"co2_factors.csv", "cost_table.csv", "lv_fluvius_antwerpen_2026.toml", "README.md"} <= names
