"""Per-row work: the row seed, calling the row function safely, and one chunk's KPI table.

This module runs inside the workers (local processes or Dask).
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Mapping
from numbers import Number

import numpy as np
import pandas as pd
import pyarrow as pa

from mgwsim.batch._watch import watch_parent
from mgwsim.errors import DataError

RESERVED_COLUMNS = ("error", "seed")
"""Output columns added by the batch engine; the input table and row KPIs must not use them."""

_SEED_MASK = (1 << 63) - 1


def _row_key(row_id) -> bytes:
    """A stable byte key of a row id: the same for ``3`` and ``numpy.int64(3)``, and across processes."""
    if isinstance(row_id, (bool, np.bool_)):
        return f"b:{bool(row_id)}".encode()
    if isinstance(row_id, (int, np.integer)):
        return f"i:{int(row_id)}".encode()
    if isinstance(row_id, str):
        return f"s:{row_id}".encode()
    if isinstance(row_id, (float, np.floating)):
        return f"f:{float(row_id)!r}".encode()
    return f"r:{row_id!r}".encode()


def row_seed(row_id, batch_seed: int = 0) -> int:
    """The seed of one row, derived from the batch seed and the row id only.

    The first 8 bytes of a BLAKE2b digest of ``"<batch_seed>|<row id>"`` (Python's ``hash``
    is salted per process and so unusable), uniformly distributed over 63 bits;
    :func:`numpy.random.default_rng` mixes it further through its ``SeedSequence``. The result
    does not depend on the row's position, the chunk size or the number of workers, so a
    row's randomness is reproducible alone.

    Returns
    -------
    int
        In ``[0, 2**63)`` so that it fits the int64 ``seed`` column.
    """
    message = f"{int(batch_seed)}|".encode() + _row_key(row_id)
    return int.from_bytes(hashlib.blake2b(message, digest_size=8).digest(), "little") & _SEED_MASK


_PLAIN_SCALARS = frozenset((float, int, bool, str, type(None)))
"""Types a KPI value keeps as it is (checked first: a city row returns 36 of them)."""


def _as_scalar(key: str, value):
    """A KPI value as a plain Python scalar, or raise ``TypeError`` naming the key."""
    if type(value) in _PLAIN_SCALARS:
        return value
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, (bool, str, Number)) and not isinstance(value, complex):
        return value
    raise TypeError(f"row_function returned a non-scalar value for KPI {key!r}: {type(value).__name__}")


def _kpis(output) -> dict:
    """Validate a row function's output: a mapping (or Series) of str keys to scalars."""
    if isinstance(output, pd.Series):
        output = output.to_dict()
    if not isinstance(output, Mapping):
        raise TypeError(f"row_function must return a dict of KPIs, got {type(output).__name__}")
    kpis = {}
    for key, value in output.items():
        if not isinstance(key, str) or key in RESERVED_COLUMNS:
            raise TypeError(f"row_function returned KPI key {key!r}; keys must be str other than {RESERVED_COLUMNS}")
        kpis[key] = _as_scalar(key, value)
    return kpis


def run_row(row_function: Callable, row: dict, shared) -> tuple[dict, str | None]:
    """Call ``row_function(row, shared)``; an ``Exception`` becomes the row's error text.

    ``KeyboardInterrupt`` and ``SystemExit`` are not row failures: they propagate and stop
    the batch (finished chunks stay on disk).
    """
    try:
        return _kpis(row_function(row, shared)), None
    except Exception as exc:  # noqa: BLE001 -- a failing row must never stop the others
        return {}, f"{type(exc).__name__}: {exc}"


def to_arrow(frame: pd.DataFrame) -> pa.Table:
    """A chunk's KPI rows as an Arrow table with its row ids (the index) as a column, as Parquet stores it."""
    try:
        return pa.Table.from_pandas(frame, preserve_index=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise DataError(f"row_function returned values of mixed types for one KPI (each KPI needs one type): {exc}") from exc


def normalize(frame: pd.DataFrame) -> pd.DataFrame:
    """Canonical dtypes through an Arrow round trip, the same in memory as after Parquet."""
    return to_arrow(frame).to_pandas()


def index_column(table: pa.Table) -> str:
    """The column of ``table`` (:func:`to_arrow`) that holds the row ids."""
    return table.schema.pandas_metadata["index_columns"][0]


def row_ids(table: pa.Table) -> pd.Index:
    """The row ids of ``table`` (:func:`to_arrow`) as an Index (the values the DataFrame's index had)."""
    return pd.Index(table.column(index_column(table)).to_pandas())


def run_chunk(chunk: pd.DataFrame, row_function: Callable, shared, batch_seed: int) -> pd.DataFrame:
    """KPI rows of one chunk of the input table: KPI columns, then ``error`` and ``seed``.

    Each row is passed as ``{**columns, "seed": seed}``.
    """
    records = []
    for row_id, row in zip(chunk.index, chunk.to_dict("records"), strict=True):
        seed = row_seed(row_id, batch_seed)
        kpis, error = run_row(row_function, {**row, "seed": seed}, shared)
        records.append({**kpis, "error": error, "seed": seed})
    frame = pd.DataFrame(records, index=chunk.index)
    frame = frame.reindex(columns=[c for c in frame.columns if c not in RESERVED_COLUMNS] + list(RESERVED_COLUMNS))
    frame["seed"] = frame["seed"].astype(np.int64)
    frame["error"] = frame["error"].astype(object)
    return normalize(frame)


# ----------------------------------------------------------------- local process pool state
_WORKER: dict = {}


def init_worker(row_function: Callable, shared, batch_seed: int) -> None:
    """Process-pool initializer: receive the row function and the shared data once per worker.

    The worker also starts watching its parent (:func:`~mgwsim.batch._watch.watch_parent`), so it
    ends when the driver dies, even killed with SIGKILL.
    """
    watch_parent()
    _WORKER.update(row_function=row_function, shared=shared, batch_seed=batch_seed)


def init_worker_from(path: str) -> None:
    """:func:`init_worker` with its arguments read from the pickle at ``path`` (see
    :func:`mgwsim.batch._engine._run_process_pool`)."""
    with open(path, "rb") as handle:
        row_function, shared, batch_seed = pickle.load(handle)
    init_worker(row_function, shared, batch_seed)


def run_chunk_in_worker(chunk: pd.DataFrame) -> pa.Table:
    """:func:`run_chunk` with the state set by :func:`init_worker`, as an Arrow table (:func:`to_arrow`): it
    travels to the driver as a few buffers, not as a Python object per text."""
    frame = run_chunk(chunk, _WORKER["row_function"], _WORKER["shared"], _WORKER["batch_seed"])
    return to_arrow(frame)
