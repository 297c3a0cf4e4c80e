"""results.csv by Arrow's kernels (mgwsim.batch._csv): the same text as pandas' to_csv, value for value."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from mgwsim.batch import _csv, _results, run_batch

ROOT = Path(__file__).resolve().parents[1]
EDGES = [0.0, -0.0, 1.0, -1.0, 0.1, 0.30000000000000004, 2.5, 100.0, 1e-4, np.nextafter(1e-4, 0),
         np.nextafter(1e-4, 1), 9.99e-5, 1e-5, 1e-6, 1.5e-7, 5e-324, 1e9, 9999999999.999998, 1e10,
         np.nextafter(1e10, 0), 1e15 - 1, 1e15, 4503599627370496.0, 1e16, 1.2345678901234568e17, 1e21, 1e22,
         1.7976931348623157e308, np.inf, -np.inf, np.nan, 123456.78899999999, -62471.052043570075]
"""Floats at the edges of numpy's and Arrow's formats (positional or exponent, whole numbers), and not finite."""
TRICKY_TEXT = ["plain", "", "a, b", 'say "hi"', "two\nlines", "cr\rhere", "tab\there", " spaced ",
               "fossil_lock_in; gap", "ünïcode €", None]


def pandas_rows(frame: pd.DataFrame) -> str:
    """What pandas writes for the rows (no header)."""
    return frame.to_csv(header=False)


def arrow_rows(frame: pd.DataFrame) -> str:
    """What mgwsim.batch._csv writes for the same rows (index and columns through Arrow)."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    columns = (_csv.column_text(table.column(c).combine_chunks()) for c in frame.columns)
    fields = [_csv.index_text(frame.index), *columns]
    return bytes(_csv.lines(fields)).decode()


def test_floats_are_written_as_pandas_writes_them():
    """Edge values (zero, the ranges where numpy and Arrow switch to exponents, inf, NaN, subnormals), random bit
    patterns and everyday values (money, shares, whole numbers): the same text."""
    rng = np.random.default_rng(7)
    bits = rng.integers(0, 2**63, 200_000, dtype=np.int64).view(np.float64)
    spread = 10.0 ** rng.uniform(-7, 18, 200_000) * rng.choice([-1, 1], 200_000)
    money, whole = np.round(rng.uniform(-1e6, 1e6, 100_000), 2), np.round(rng.uniform(-1e4, 1e4, 100_000))
    shares = rng.integers(1, 1000, 100_000) / rng.integers(1, 1000, 100_000)
    values = np.concatenate([EDGES, bits[np.isfinite(bits)], spread, money, whole, shares])
    frame = pd.DataFrame({"x": values})
    assert arrow_rows(frame) == pandas_rows(frame)


def test_every_kind_of_column_is_written_as_pandas_writes_it():
    """Floats with NaN, integers, an integer column with nulls (a float column in pandas), booleans with and without
    nulls, texts that need quotes, a column of nulls only; integer and text row ids."""
    n = len(TRICKY_TEXT)
    frame = pd.DataFrame({
        "f": EDGES[:n], "i": np.arange(n, dtype=np.int64) * 10**17, "u": np.arange(n, dtype=np.uint8),
        "i_null": pd.array([1, None, 3] + [2**60] * (n - 3), dtype="Int64"), "b": np.arange(n) % 2 == 0,
        "b_null": pd.array([True, None, False] * (n // 3) + [True] * (n % 3), dtype="boolean"),
        "s": TRICKY_TEXT, "none": [None] * n,
    }, index=pd.Index([f"id,{i}" if i == 3 else f"id{i}" for i in range(n)], name="row_id"))
    expected = frame.astype({"i_null": "float64", "b_null": object})  # as the collected results have them
    table = pa.Table.from_pandas(frame, preserve_index=False)
    fields = [_csv.index_text(frame.index)] + [
        _csv.column_text(table.column(c).combine_chunks(), as_float=c == "i_null") for c in frame.columns]
    assert bytes(_csv.lines(fields)).decode() == pandas_rows(expected)
    numbered = expected.set_axis(pd.RangeIndex(n) * 1000)
    assert arrow_rows(numbered.drop(columns=["i_null", "b_null"])) == pandas_rows(
        numbered.drop(columns=["i_null", "b_null"]))


def test_other_types_and_row_ids_are_left_to_pandas():
    assert _csv.column_text(pa.array([Decimal("1.5")])) is None
    assert _csv.column_text(pa.array([1.5], pa.float32())) is None
    assert _csv.index_text(pd.Index([1.5, 2.5])) is None
    assert _csv.index_text(pd.MultiIndex.from_tuples([("a", 1)])) is None
    assert _csv.index_text(pd.Index(["a", 1], dtype=object)) is None


def test_quoted_characters_are_all_those_pythons_csv_writer_quotes():
    """Every code point: the writer quotes a field for exactly the characters the module looks for."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=_csv.LINE_END)
    quoted = []
    for code in range(0x110000):
        if 0xD800 <= code < 0xE000:
            continue
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([f"a{chr(code)}b", "c"])
        if buffer.getvalue().startswith('"'):
            quoted.append(chr(code))
    assert "".join(quoted) == _csv.quoted_characters()


def tricky_row(row: dict, shared) -> dict:
    """KPIs of every kind: floats across the ranges, texts that need quotes, missing values; x = 5 fails."""
    x = row["x"]
    if x == 5:
        raise ValueError("x = 5, the row that fails, with a comma")
    value = EDGES[int(x) % len(EDGES)]
    return {"value": None if np.isnan(value) else value, "n": int(x) * 3, "flag": x % 3 == 0,
            "text": TRICKY_TEXT[int(x) % len(TRICKY_TEXT)], "maybe": None if x % 4 else x / 7}


def decimal_row(row: dict, shared) -> dict:
    return {"amount": Decimal(row["x"]) / 4, "y": row["x"] * 0.1}


@pytest.mark.parametrize("row_function", [tricky_row, decimal_row])
def test_stored_results_csv_is_the_collected_ones_text(tmp_path, monkeypatch, row_function):
    """results.csv of the parts (several blocks, formatted on threads; a Decimal column through pandas) is the text
    of the collected DataFrame's to_csv, with failed rows (an integer KPI with nulls is a float column)."""
    monkeypatch.setattr(_results, "CSV_BLOCK_ROWS", 7)
    table = pd.DataFrame({"x": np.arange(60, dtype=float)},
                         index=pd.Index([f"b{i},{i % 3}" if i % 11 == 0 else f"b{i}" for i in range(60)], name="id"))
    collected = run_batch(table, row_function, n_workers=1, progress=False)
    stored = run_batch(table, row_function, n_workers=1, chunk_size=5, output=tmp_path / "out", progress=False,
                       collect=False)
    stored.to_csv(tmp_path / "stored.csv")
    collected.to_csv(tmp_path / "collected.csv")
    assert (tmp_path / "stored.csv").read_bytes() == (tmp_path / "collected.csv").read_bytes()


def test_a_warm_preset_map_does_not_import_coolprop(tmp_path):
    """air_to_water and brine_to_water read their source grid and map from the cache: a worker or a batch driver
    that only needs them does not import CoolProp (2-4 s)."""
    code = ("import sys; from mgwsim.heatpump import air_to_water, brine_to_water; "
            "a, b = air_to_water('R290', 50.0), brine_to_water('R290', 50.0); "
            "print('CoolProp' in sys.modules, a.cop.sum(), b.cop.sum())")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "MGWSIM_CACHE": str(tmp_path)}
    cold, warm = (subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True,
                                 cwd=ROOT).stdout.split() for _ in range(2))
    assert cold[0] == "True" and warm[0] == "False" and cold[1:] == warm[1:]
