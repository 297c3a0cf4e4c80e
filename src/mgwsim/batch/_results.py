"""Results kept on disk: a batch's Parquet parts read back in input order, whole or a few columns at a time.

``run_batch(..., collect=False)`` does not hold the finished chunks in the driver; it returns a
:class:`StoredResults` that reads them from the parts when asked, with the dtypes the collected
DataFrame has (a KPI that is an integer in every row but null in a failed one is a float column
there, a boolean with nulls an object column): ``read()`` equals ``run_batch(..., collect=True)``
and ``frames()`` yields the same rows part by part (docs/batch.md, memory of a city batch).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from mgwsim.batch import _csv, _rows
from mgwsim.errors import DataError, InputError

CSV_BLOCK_ROWS = 32_768
"""Rows :meth:`StoredResults.to_csv` formats together (about 14 MB of text for city rows): few enough kernel calls
a row, little memory a block."""
CSV_THREADS = min(4, os.cpu_count() or 1)
"""Threads formatting blocks of CSV at once (Arrow's kernels release the GIL)."""


@dataclass(frozen=True)
class StoredPart:
    """One finished chunk on disk: its file, the input rows it holds (positions, in its order), its schema and the
    null count of each column that has nulls (a few hundred bytes a part, the schema shared with the previous part's
    when equal)."""

    path: Path
    positions: np.ndarray
    schema: pa.Schema
    nulls: dict[str, int]

    @classmethod
    def of(cls, path: Path, positions: np.ndarray, table: pa.Table, like: StoredPart | None = None) -> StoredPart:
        """The part of ``table`` written to ``path``; ``like``: a part whose schema object to share if equal."""
        schema = like.schema if like is not None and like.schema.equals(table.schema, check_metadata=True) \
            else table.schema
        nulls = {name: column.null_count for name, column in zip(table.column_names, table.columns, strict=True)
                 if column.null_count}
        return cls(Path(path), np.asarray(positions, dtype=np.int64), schema, nulls)

    @property
    def n_rows(self) -> int:
        return len(self.positions)

    def null_count(self, name: str) -> int:
        """Nulls in column ``name`` (all rows when the part lacks it)."""
        return self.nulls.get(name, 0) if self.schema.get_field_index(name) >= 0 else self.n_rows


class StoredResults:
    """The KPI rows of a batch in its Parquet parts, in the input table's order (``index``: its row ids)."""

    def __init__(self, parts: list[StoredPart], index: pd.Index):
        self._parts = sorted(parts, key=lambda part: int(part.positions[0]))
        self.index = index
        order = np.concatenate([p.positions for p in self._parts]) if self._parts else np.zeros(0, np.int64)
        if len(order) != len(index) or (order < 0).any() or len(np.unique(order)) != len(order):
            raise DataError(f"run_batch: results do not match the table one to one "
                            f"({len(order)} result rows for {len(index)} input rows)")
        self._in_order = not (np.diff(order) < 0).any()
        self._schema, self.columns = self._unified()
        self._schemas: dict[tuple, pa.Schema] = {}  # the schema of each selection of columns read
        self._nulls = {name: sum(p.null_count(name) for p in self._parts) for name in self.columns}

    def _unified(self) -> tuple[pa.Schema | None, list[str]]:
        """The schema of the parts concatenated (permissive promotion, as ``_assemble``) and the columns' order:
        the KPIs by first appearance, then ``error`` and ``seed``."""
        if not self._parts:
            return None, list(_rows.RESERVED_COLUMNS)
        schema = pa.unify_schemas([p.schema for p in self._parts], promote_options="permissive")
        index_column = schema.pandas_metadata["index_columns"][0]
        names = [n for n in schema.names if n != index_column and n not in _rows.RESERVED_COLUMNS]
        return schema, [*names, *_rows.RESERVED_COLUMNS]

    @property
    def n_rows(self) -> int:
        return len(self.index)

    @property
    def n_failed(self) -> int:
        """Rows whose ``error`` is set."""
        return self.n_rows - self._nulls.get("error", self.n_rows) if self._parts else 0

    def _selected(self, columns: Sequence[str] | None) -> list[str]:
        if columns is None:
            return list(self.columns)
        unknown = [c for c in columns if c not in self.columns]
        if unknown:
            raise InputError(f"StoredResults: no column(s) {unknown}; the results have {self.columns}")
        return list(dict.fromkeys(columns))

    def _arrow(self, part: StoredPart, columns: list[str]) -> pa.Table:
        """The part's ``columns`` with the concatenated types (a column it lacks as nulls)."""
        key = tuple(columns)
        if key not in self._schemas:
            self._schemas[key] = pa.schema([self._schema.field(c) for c in columns], metadata=self._schema.metadata)
        schema = self._schemas[key]
        with pq.ParquetFile(part.path) as file:  # a third of read_table's time on a part of a thousand rows
            found = file.read(columns=[c for c in columns if c in part.schema.names], use_threads=False)
        if found.schema.equals(schema):  # the usual part: every column, of the concatenated types
            return pa.Table.from_arrays(found.columns, schema=schema)
        arrays = [found.column(c).cast(schema.field(c).type) if c in found.column_names
                  else pa.nulls(part.n_rows, schema.field(c).type) for c in columns]
        return pa.Table.from_arrays(arrays, schema=schema)

    def _frame(self, arrow: pa.Table, positions: np.ndarray) -> pd.DataFrame:
        """Arrow rows as the collected DataFrame has them: its dtypes, the table's row ids as index."""
        frame = arrow.to_pandas()
        whole = len(positions) == len(self.index) and self._in_order
        frame.index = self.index if whole else self.index[positions]  # the table's own index when it is all
        for name in frame.columns:
            kind = self._schema.field(name).type
            if self._nulls[name] and pa.types.is_integer(kind) and frame[name].dtype.kind in "iu":
                frame[name] = frame[name].astype(np.float64)  # nulls elsewhere: a float column once collected
            elif self._nulls[name] and pa.types.is_boolean(kind) and frame[name].dtype == bool:
                frame[name] = frame[name].astype(object)
        if "error" in frame.columns:
            frame["error"] = frame["error"].astype(object).where(frame["error"].notna(), None)
        return frame

    def frames(self, columns: Sequence[str] | None = None) -> Iterator[pd.DataFrame]:
        """The rows part by part in input order (one frame per part; one frame of all rows when resumed chunks
        interleave with finished parts and must be sorted), ``columns`` of them (default all)."""
        selected = self._selected(columns)
        if not self._parts:
            return
        if self._in_order:
            for part in self._parts:
                yield self._frame(self._arrow(part, selected), part.positions)
            return
        joined = pa.concat_tables([self._arrow(part, selected) for part in self._parts])
        order = np.concatenate([p.positions for p in self._parts])
        sort = np.argsort(order, kind="stable")
        yield self._frame(joined.take(sort), order[sort])

    def read(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """``columns`` (default all) of every row in one DataFrame: the same as the collected result's."""
        selected = self._selected(columns)
        if not self._parts:
            return pd.DataFrame({"error": pd.Series([], dtype=object), "seed": pd.Series([], dtype=np.int64)},
                                index=self.index)[selected]
        joined = pa.concat_tables([self._arrow(part, selected) for part in self._parts])
        order = np.concatenate([p.positions for p in self._parts])
        if not self._in_order:
            sort = np.argsort(order, kind="stable")
            joined, order = joined.take(sort), order[sort]
        return self._frame(joined, order)

    def to_csv(self, path) -> None:
        """Write every row as CSV: the same text as the collected DataFrame's ``to_csv``.

        The header is pandas'; the rows are formatted by :mod:`mgwsim.batch._csv` in blocks of about
        :data:`CSV_BLOCK_ROWS` rows, read from the parts and formatted on up to :data:`CSV_THREADS` threads while
        the blocks before them are written (a million city rows in 3.5–5 s instead of 39 s, docs/batch.md). A
        block holding a type that module does not write, or row ids other than integers and texts, is written by
        pandas."""
        with open(path, "wb") as handle:
            if not self._parts:
                handle.write(self.read().to_csv().encode())
                return
            handle.write(pd.DataFrame(columns=self.columns, index=self.index[:0]).to_csv().encode())
            index = _csv.index_text(self.index)
            if index is None:  # row ids pandas writes its own way
                for frame in self.frames():
                    handle.write(frame.to_csv(header=False).encode())
                return
            pool, pending = ThreadPoolExecutor(CSV_THREADS, thread_name_prefix="mgwsim-csv"), deque()
            try:
                for block in self._csv_blocks():
                    pending.append(pool.submit(self._csv_text, *block, index))
                    if len(pending) > CSV_THREADS:
                        handle.write(pending.popleft().result())
                while pending:
                    handle.write(pending.popleft().result())
            finally:
                pool.shutdown(wait=True, cancel_futures=True)

    def _csv_blocks(self) -> Iterator[tuple]:
        """(parts or rows, their positions) of about :data:`CSV_BLOCK_ROWS` rows each, in input order: parts
        (read when formatted) when they are in order, else slices of all rows sorted (as :meth:`frames`)."""
        if self._in_order:
            block: list[StoredPart] = []
            n_rows = 0
            for part in self._parts:
                block.append(part)
                n_rows += part.n_rows
                if n_rows >= CSV_BLOCK_ROWS:
                    yield block, None
                    block, n_rows = [], 0
            if block:
                yield block, None
            return
        joined = pa.concat_tables([self._arrow(part, self.columns) for part in self._parts])
        order = np.concatenate([p.positions for p in self._parts])
        sort = np.argsort(order, kind="stable")
        joined, order = joined.take(sort), order[sort]
        for start in range(0, len(order), CSV_BLOCK_ROWS):
            yield joined.slice(start, CSV_BLOCK_ROWS), order[start:start + CSV_BLOCK_ROWS]

    def _csv_text(self, rows: list[StoredPart] | pa.Table, positions: np.ndarray | None, index: pa.Array):
        """The CSV lines (UTF-8) of a block of :meth:`_csv_blocks`; ``index``: every row id's text."""
        if positions is None:
            positions = np.concatenate([p.positions for p in rows])
            rows = pa.concat_tables([self._arrow(part, self.columns) for part in rows])
        fields = [index.take(pa.array(positions))]
        for name in self.columns:
            kind = self._schema.field(name).type
            text = _csv.column_text(rows.column(name).combine_chunks(),
                                    as_float=pa.types.is_integer(kind) and self._nulls[name] > 0)
            if text is None:
                return self._frame(rows, positions).to_csv(header=False).encode()
            fields.append(text)
        return _csv.lines(fields)
