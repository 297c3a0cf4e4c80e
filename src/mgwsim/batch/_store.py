"""The output directory of a resumable batch: a manifest and one Parquet file per finished chunk.

Layout::

    output/
        manifest.json               what the batch is (table hash, columns, row function, seed)
        part-000000000000.parquet   KPI rows of one chunk, named by its first row's position
        ...

Each part is written to a temporary name and renamed (atomic on POSIX and Windows), so a
part either exists complete or not at all; a re-run reads the finished row ids and skips them.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from mgwsim.errors import DataError, InputError

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
_PART_GLOB = "part-*.parquet"
_CHECKED_FIELDS = ("table_sha256", "n_rows", "columns", "row_function", "seed")


def table_sha256(table: pd.DataFrame) -> str:
    """SHA-256 of the table's values, index, column names and dtypes."""
    digest = hashlib.sha256()
    digest.update(pd.util.hash_pandas_object(table, index=True).to_numpy().tobytes())
    digest.update(json.dumps([[str(c), str(t)] for c, t in table.dtypes.items()]).encode())
    digest.update(json.dumps([str(table.index.name), str(table.index.dtype)]).encode())
    return digest.hexdigest()


def function_name(func: Callable) -> str:
    """``module:qualname`` of the row function (what the manifest records)."""
    return f"{getattr(func, '__module__', '?')}:{getattr(func, '__qualname__', repr(func))}"


def make_manifest(table: pd.DataFrame, row_function: Callable, seed: int) -> dict:
    """The manifest of a batch over ``table``."""
    return {
        "format": FORMAT_VERSION,
        "table_sha256": table_sha256(table),
        "n_rows": len(table),
        "columns": [str(c) for c in table.columns],
        "index_name": None if table.index.name is None else str(table.index.name),
        "row_function": function_name(row_function),
        "seed": int(seed),
    }


def _write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def open_output(output, manifest: dict) -> Path:
    """Create ``output`` (or check its manifest against this batch) and return it as a Path.

    Raises
    ------
    InputError
        if ``output`` holds a batch of another table, row function or seed, or holds parts
        without a manifest.
    """
    directory = Path(output)
    if directory.exists() and not directory.is_dir():
        raise InputError(f"run_batch.output = {str(directory)!r} exists and is not a directory")
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / MANIFEST
    if path.exists():
        _check_manifest(json.loads(path.read_text(encoding="utf-8")), manifest, directory)
    elif any(directory.glob(_PART_GLOB)):
        raise InputError(f"run_batch.output = {str(directory)!r} holds result parts but no {MANIFEST}; "
                         "use an empty directory")
    else:
        _write_atomic(path, lambda tmp: tmp.write_text(json.dumps(manifest, indent=2), encoding="utf-8"))
    for stale in directory.glob(".part-*.tmp"):
        stale.unlink(missing_ok=True)
    return directory


def _check_manifest(found: dict, expected: dict, directory: Path) -> None:
    differing = [f for f in _CHECKED_FIELDS if found.get(f) != expected[f]]
    if found.get("format") != FORMAT_VERSION:
        differing.insert(0, "format")
    if differing:
        details = "; ".join(f"{f}: {found.get(f)!r} in the output, {expected.get(f, FORMAT_VERSION)!r} now"
                            for f in differing)
        raise InputError(f"run_batch.output = {str(directory)!r} holds results of a different batch ({details}). "
                         "Use a new output directory, or delete this one to start over.")


def part_path(directory: Path, first_position: int) -> Path:
    """The Parquet file of the chunk whose first row is at ``first_position`` of the input."""
    return directory / f"part-{first_position:012d}.parquet"


def write_part(path: Path, frame: pd.DataFrame) -> None:
    """Write one chunk's KPI rows atomically (temporary file, then rename)."""
    table = pa.Table.from_pandas(frame, preserve_index=True)
    _write_atomic(path, lambda tmp: pq.write_table(table, tmp))


def read_parts(directory: Path, index: pd.Index) -> list[pd.DataFrame]:
    """The finished chunks in ``directory``; every row id must belong to ``index`` (once)."""
    frames = [pq.read_table(path).to_pandas() for path in sorted(directory.glob(_PART_GLOB))]
    if frames:
        ids = pd.Index(pd.concat([f.index.to_series() for f in frames]))
        if ids.has_duplicates:
            raise DataError(f"{directory} holds rows twice: {list(ids[ids.duplicated()][:5])}")
        unknown = ids.difference(index)
        if len(unknown):
            raise DataError(f"{directory} holds rows that are not in the table: {list(unknown[:5])}")
    return frames
