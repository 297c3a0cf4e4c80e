"""The output directory of a resumable batch: a manifest and one Parquet file per finished chunk.

Layout::

    output/
        manifest.json               what the batch is (table hash, columns, row function, seed)
        part-000000000000.parquet   KPI rows of one chunk, named by its first row's position
        ...

Each part is written to a temporary name and renamed (atomic on POSIX and Windows), so a
part either exists complete or not at all; a re-run reads the finished row ids and skips them.
Each part also carries the batch's fingerprint (the checked manifest fields) in its Parquet
metadata.

Damage from outside (a truncated or garbled file, a full disk, a copy that stopped half-way) is
repaired, never silently used: a part that cannot be read, lacks the ``error``/``seed`` columns
or carries another batch's fingerprint is deleted and its rows computed again; a manifest that
is not a JSON object is rewritten, and then only parts carrying this batch's fingerprint are
kept. Each repair is reported as a :class:`DamagedOutputWarning` naming the files.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from mgwsim.batch._results import StoredPart
from mgwsim.batch._rows import row_ids
from mgwsim.errors import DataError, InputError

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
_PART_GLOB = "part-*.parquet"
_CHECKED_FIELDS = ("table_sha256", "n_rows", "columns", "row_function", "seed")
_FINGERPRINT_KEY = b"mgwsim.batch"
_LISTED = 5


class DamagedOutputWarning(UserWarning):
    """A damaged part or manifest of a batch output was removed or rewritten; its rows are computed again."""


def table_sha256(table: pd.DataFrame) -> str:
    """SHA-256 of the table's values, index, column names and dtypes."""
    digest = hashlib.sha256()
    digest.update(pd.util.hash_pandas_object(table, index=True).to_numpy().tobytes())
    digest.update(json.dumps([[str(c), str(t)] for c, t in table.dtypes.items()]).encode())
    digest.update(json.dumps([str(table.index.name), str(table.index.dtype)]).encode())
    pa.default_memory_pool().release_unused()  # the hashing's temporaries (0.1 GB for a million rows)
    return digest.hexdigest()


def function_name(func: Callable) -> str:
    """``module:qualname`` of the row function (what the manifest records)."""
    return f"{getattr(func, '__module__', '?')}:{getattr(func, '__qualname__', repr(func))}"


def make_manifest(table: pd.DataFrame, row_function: Callable, seed: int, shared=None) -> dict:
    """The manifest of a batch over ``table`` (``shared``: see :func:`_shared_key`)."""
    return {
        "format": FORMAT_VERSION,
        "table_sha256": table_sha256(table),
        "n_rows": len(table),
        "columns": [str(c) for c in table.columns],
        "index_name": None if table.index.name is None else str(table.index.name),
        "row_function": function_name(row_function) + _shared_key(shared),
        "seed": int(seed),
    }


def _shared_key(shared) -> str:
    """What of ``shared`` changes the rows, as a suffix of the row function's name (``" [step=15min]"``): its
    ``batch_key`` when it has one that is not None (e.g. :attr:`mgwsim.batch.CityModel.batch_key`), else ``""``, so
    that a batch resumes only on the same shared data and earlier outputs keep their manifests."""
    key = getattr(shared, "batch_key", None)
    return "" if key is None else f" [{key}]"


def _write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def fingerprint(manifest: dict) -> bytes:
    """The checked fields of ``manifest`` as canonical JSON (stored in every part's metadata)."""
    fields = {"format": manifest.get("format"), **{f: manifest.get(f) for f in _CHECKED_FIELDS}}
    return json.dumps(fields, sort_keys=True).encode()


def open_output(output, manifest: dict) -> tuple[Path, bool]:
    """Create ``output`` (or check its manifest against this batch); the directory and whether it can be trusted.

    The flag is False when a damaged manifest was rewritten: then only parts carrying this
    batch's fingerprint may be kept (see :func:`read_parts`).

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
    trusted = True
    if path.exists():
        found = _read_manifest(path)
        if found is None:
            trusted = False
            _write_manifest(path, manifest)
        else:
            _check_manifest(found, manifest, directory)
    elif any(directory.glob(_PART_GLOB)):
        raise InputError(f"run_batch.output = {str(directory)!r} holds result parts but no {MANIFEST}; "
                         "use an empty directory")
    else:
        _write_manifest(path, manifest)
    for stale in directory.glob(".part-*.tmp"):
        stale.unlink(missing_ok=True)
    return directory, trusted


def _write_manifest(path: Path, manifest: dict) -> None:
    _write_atomic(path, lambda tmp: tmp.write_text(json.dumps(manifest, indent=2), encoding="utf-8"))


def _read_manifest(path: Path) -> dict | None:
    """The manifest as a dict, or None (with a warning) when it is damaged: not a readable JSON object."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
        reason = None if isinstance(found, dict) else f"a JSON {type(found).__name__}, not an object"
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        reason = _one_line(exc)
    if reason is None:
        return found
    warnings.warn(f"{path} is damaged ({reason}); rewritten: only the parts that carry this batch's fingerprint "
                  "are kept", DamagedOutputWarning, stacklevel=2)
    return None


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


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


def write_part(path: Path, rows: pa.Table | pd.DataFrame, batch: bytes) -> Path:
    """Write one chunk's KPI rows (an Arrow table of :func:`mgwsim.batch._rows.to_arrow`, or a DataFrame)
    atomically (temporary file, then rename) with the batch fingerprint ``batch``; returns ``path``."""
    table = rows if isinstance(rows, pa.Table) else pa.Table.from_pandas(rows, preserve_index=True)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), _FINGERPRINT_KEY: batch})
    _write_atomic(path, lambda tmp: pq.write_table(table, tmp))
    return path


def read_parts(directory: Path, index: pd.Index, batch: bytes, *, trusted: bool = True, keep: bool = True
               ) -> list[pa.Table] | list[StoredPart]:
    """The finished chunks in ``directory`` as Arrow tables (row ids: :func:`mgwsim.batch._rows.row_ids`); every
    row id must belong to ``index`` (once). Not ``keep``: each part is read (and so checked) whole, then only
    where it is and which rows it holds are kept (:class:`~mgwsim.batch._results.StoredPart`).

    A damaged part (see the module) is deleted with one :class:`DamagedOutputWarning` naming
    it, so that its rows are computed again. ``batch`` is this batch's :func:`fingerprint`;
    a part without one (written before parts carried it) is kept only when ``trusted``.
    """
    frames, damaged = [], []
    for path in sorted(directory.glob(_PART_GLOB)):
        frame, reason = _read_part(path, batch, trusted)
        if reason is None:
            frames.append(frame if keep else _stored(path, frame, index, frames[-1][0] if frames else None))
        else:
            damaged.append(f"{path.name} ({reason})")
            path.unlink(missing_ok=True)
    if damaged:
        more = f"; and {len(damaged) - _LISTED} more" if len(damaged) > _LISTED else ""
        listed = "; ".join(damaged[:_LISTED]) + more
        warnings.warn(f"{directory}: {len(damaged)} damaged part(s) deleted, their rows are computed again: {listed}",
                      DamagedOutputWarning, stacklevel=3)
    if frames:
        ids = pd.Index(np.concatenate([(row_ids(f) if keep else f[1]).to_numpy() for f in frames]))
        if ids.has_duplicates:
            raise DataError(f"{directory} holds rows twice: {list(ids[ids.duplicated()][:5])}")
        unknown = ids.difference(index)
        if len(unknown):
            raise DataError(f"{directory} holds rows that are not in the table: {list(unknown[:5])}")
    return frames if keep else [part for part, _ in frames]


def _stored(path: Path, table: pa.Table, index: pd.Index, like: StoredPart | None) -> tuple[StoredPart, pd.Index]:
    """A part without its values: where it is, its rows' positions in ``index``, schema and nulls; and its ids."""
    ids = row_ids(table)
    return StoredPart.of(path, index.get_indexer(ids), table, like), ids


def _read_part(path: Path, batch: bytes, trusted: bool) -> tuple[pa.Table | None, str | None]:
    """One part's rows, or None and why it is damaged."""
    try:
        with pq.ParquetFile(path) as file:  # a third of read_table's time on a part of a thousand rows
            table = file.read(use_threads=False)
    except (OSError, ValueError, pa.ArrowException) as exc:  # truncated, garbled, not Parquet
        return None, f"unreadable: {_one_line(exc)}"
    found = (table.schema.metadata or {}).get(_FINGERPRINT_KEY)
    if found is None and not trusted:
        return None, "no batch fingerprint, and the manifest was damaged"
    if found is not None and found != batch:
        return None, "written by another batch"
    missing = [c for c in ("error", "seed") if c not in table.column_names]
    if missing:
        return None, f"no column {', '.join(missing)}"
    if not (table.schema.pandas_metadata or {}).get("index_columns"):
        return None, "no row ids"
    return table.replace_schema_metadata({k: v for k, v in table.schema.metadata.items() if k != _FINGERPRINT_KEY}), None
