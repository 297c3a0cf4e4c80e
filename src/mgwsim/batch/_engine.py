"""``run_batch``: one row function over a table of rows, in process, on local cores or on Dask."""

from __future__ import annotations

import concurrent.futures as cf
import itertools
import multiprocessing
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from tqdm.auto import tqdm

from mgwsim.batch import _rows, _store
from mgwsim.batch._results import StoredPart, StoredResults
from mgwsim.errors import DataError, InputError, check_number

_OWNER = "run_batch"
ChunkDone = Callable[[np.ndarray, pd.DataFrame], None]


def read_table(table) -> pd.DataFrame:
    """The input rows: a DataFrame as is, or read from CSV (first column = row id) or Parquet."""
    if isinstance(table, pd.DataFrame):
        return table
    if not isinstance(table, (str, os.PathLike)):
        raise InputError(f"{_OWNER}.table must be a DataFrame or a CSV/Parquet path, got {type(table).__name__}")
    path = Path(table)
    if not path.is_file():
        raise InputError(f"{_OWNER}.table = {str(path)!r}: no such file")
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet", ".pq"):
        raise InputError(f"{_OWNER}.table = {str(path)!r}: the suffix must be .csv, .parquet or .pq")
    kind = "CSV" if suffix == ".csv" else "Parquet"
    try:
        table = pd.read_csv(path, index_col=0) if suffix == ".csv" else pd.read_parquet(path)
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid and pandas' ParserError are ValueErrors
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise DataError(f"{_OWNER}.table = {str(path)!r} cannot be read as {kind} ({reason})") from None
    release_arrow_memory()
    return table


def release_arrow_memory() -> None:
    """Give the memory Arrow's pool keeps after reading or hashing back to the system (0.1 GB after reading a
    table of a million rows, measured: docs/batch.md, memory of a city batch)."""
    pa.default_memory_pool().release_unused()


def _validate(table: pd.DataFrame, row_function, chunk_size, n_workers, client) -> None:
    # not index.has_duplicates: the index would keep that hash table (0.1 GB for a million text ids) all the batch
    duplicated = pd.Series(table.index, copy=False).duplicated().to_numpy()
    if duplicated.any():
        raise InputError(f"{_OWNER}.table: the index (row id) must be unique; duplicated: "
                         f"{list(pd.unique(table.index[duplicated])[:5])}")
    clash = [c for c in table.columns if c in _rows.RESERVED_COLUMNS]
    if clash:
        raise InputError(f"{_OWNER}.table has column(s) {clash} reserved for the output; rename them")
    if not callable(row_function):
        raise InputError(f"{_OWNER}.row_function must be callable, got {type(row_function).__name__}")
    _check_count(chunk_size, "chunk_size")
    if n_workers is not None:
        _check_count(n_workers, "n_workers")
        if client is not None:
            raise InputError(f"{_OWNER}: give n_workers (local processes) or client (Dask), not both")


def _check_count(value, field: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InputError(f"{_OWNER}.{field} must be an int, got {value!r}")
    check_number(value, field, owner=_OWNER, low=1)


def _chunks(table: pd.DataFrame, todo: np.ndarray, chunk_size: int) -> Iterator[tuple[np.ndarray, pd.DataFrame]]:
    """(positions of the rows in ``table``, rows) for the rows still to do, in input order."""
    positions = np.flatnonzero(todo)
    for start in range(0, positions.size, chunk_size):
        block = positions[start:start + chunk_size]
        yield block, table.iloc[block]


def _run_in_process(chunks, row_function, shared, seed, on_done: ChunkDone) -> None:
    for positions, chunk in chunks:
        on_done(positions, _rows.run_chunk(chunk, row_function, shared, seed))


def _run_process_pool(chunks, row_function, shared, seed, n_workers: int, on_done: ChunkDone) -> None:
    """Chunks on ``n_workers`` spawned processes; ``shared`` reaches each process once (initializer).

    The row function, ``shared`` and the seed go to the workers as one pickle in a temporary file, not as the
    initializer's arguments: those travel in the pipe that starts a process, and a write of more than the pipe
    holds (64 kB; a CityModel is 0.5 MB) waits until the process has imported what they need, so that the
    workers would start one after the other (2 s each, docs/batch.md) instead of together."""
    with tempfile.TemporaryDirectory(prefix="mgwsim-batch-") as folder:
        state = Path(folder) / "worker.pickle"
        state.write_bytes(pickle.dumps((row_function, shared, seed), protocol=pickle.HIGHEST_PROTOCOL))
        executor = cf.ProcessPoolExecutor(n_workers, mp_context=multiprocessing.get_context("spawn"),
                                          initializer=_rows.init_worker_from, initargs=(str(state),))
        _run_on(executor, chunks, n_workers, on_done)


def _run_on(executor: cf.ProcessPoolExecutor, chunks, n_workers: int, on_done: ChunkDone) -> None:
    """Chunks on ``executor``, at most two per worker waiting; shut down when done or on failure."""
    pending: dict[cf.Future, int] = {}
    try:
        for positions, chunk in chunks:
            pending[executor.submit(_rows.run_chunk_in_worker, chunk)] = positions
            if len(pending) >= 2 * n_workers:
                _collect_first(pending, on_done)
        while pending:
            _collect_first(pending, on_done)
    except BaseException:
        executor.shutdown(wait=True, cancel_futures=True)
        raise
    executor.shutdown(wait=True)


def _collect_first(pending: dict, on_done: ChunkDone) -> None:
    """Wait for at least one chunk, hand every finished one to ``on_done``."""
    done, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
    for future in done:
        on_done(pending.pop(future), future.result())


def _run_dask(chunks, row_function, shared, seed, client, on_done: ChunkDone) -> None:
    """Chunks as Dask tasks; ``shared`` is scattered (broadcast) once, results gathered as completed."""
    from distributed import as_completed

    shared_ref = client.scatter([shared], broadcast=True, hash=False)[0] if shared is not None else None
    limit = 2 * max(1, sum(client.nthreads().values())) + 2
    positions_of = {}

    def submit(positions, chunk):
        future = client.submit(_rows.run_chunk, chunk, row_function, shared_ref, seed, pure=False)
        positions_of[future.key] = positions
        return future

    iterator = iter(chunks)
    queue = as_completed([submit(*c) for c in itertools.islice(iterator, limit)])
    try:
        for future in queue:
            on_done(positions_of.pop(future.key), future.result())
            for next_chunk in itertools.islice(iterator, 1):
                queue.add(submit(*next_chunk))
    except BaseException:
        client.cancel(list(queue.futures))
        raise
    finally:
        if shared_ref is not None:
            shared_ref.release()


def _assemble(parts: list[pa.Table], table: pd.DataFrame) -> pd.DataFrame:
    """One KPI row per input row, in input order; raises if a row is missing or duplicated.

    The finished chunks are kept as Arrow tables (:func:`_rows.to_arrow`: numbers and texts in Arrow's compact
    buffers, not as Python objects) and become one DataFrame at the end, ordered and with the columns in their
    final order before the single conversion, so that the driver holds the results about once
    (docs/batch.md, memory)."""
    if not parts:
        return pd.DataFrame({"error": pd.Series([], dtype=object), "seed": pd.Series([], dtype=np.int64)},
                            index=table.index)
    parts.sort(key=lambda part: table.index.get_loc(part.column(_rows.index_column(part))[0].as_py()))
    joined = pa.concat_tables(parts, promote_options="permissive")  # in input order unless resumed chunks interleave
    parts.clear()
    index_column = _rows.index_column(joined)
    positions = table.index.get_indexer(_rows.row_ids(joined))
    if len(joined) != len(table) or (positions < 0).any() or len(np.unique(positions)) != len(positions):
        raise DataError(f"{_OWNER}: results do not match the table one to one "
                        f"({len(joined)} result rows for {len(table)} input rows)")
    if (np.diff(positions) < 0).any():
        joined = joined.take(np.argsort(positions, kind="stable"))
    names = [c for c in joined.column_names if c != index_column and c not in _rows.RESERVED_COLUMNS]
    joined = joined.select([*names, *_rows.RESERVED_COLUMNS, index_column])
    result = joined.to_pandas(self_destruct=True, split_blocks=True)
    del joined
    result.index = table.index  # the same ids in the same order (checked above): the table's own index object
    result["error"] = result["error"].astype(object).where(result["error"].notna(), None)
    return result


def run_batch(
    table,
    row_function: Callable[[dict, object], dict],
    *,
    output=None,
    chunk_size: int = 256,
    n_workers: int | None = None,
    client=None,
    progress: bool | None = None,
    shared=None,
    seed: int = 0,
    collect: bool = True,
) -> pd.DataFrame | StoredResults:
    """Run ``row_function`` on every row of ``table``: one KPI row per input row.

    Parameters
    ----------
    table : pandas.DataFrame or path
        Input rows with a unique index (the row id), or a CSV (first column = row id) or
        Parquet file. Columns ``error`` and ``seed`` are reserved.
    row_function : callable
        ``row_function(row, shared) -> dict[str, float | int | str | bool]``, a picklable
        top-level function. ``row`` is the row's columns plus ``"seed"`` (int). An
        ``Exception`` raised by it becomes that row's ``error``; other rows are unaffected.
        ``KeyboardInterrupt``/``SystemExit`` stop the batch (finished chunks are kept).
    output : path, optional
        Directory for resumable results: each finished chunk is written atomically as one
        Parquet file, with a ``manifest.json``. A re-run with the same table, row function and
        seed skips the finished rows; a different one raises :class:`~mgwsim.errors.InputError`.
        A damaged part (truncated, unreadable) is deleted and its rows computed again, a
        damaged manifest rewritten, each with a :class:`~mgwsim.batch.DamagedOutputWarning` naming the file.
    chunk_size : int
        Rows per task (a Dask task costs ~3 ms of scheduling: keep ≥ 100 rows per chunk).
    n_workers : int, optional
        Local worker processes (``spawn``); default ``os.cpu_count()``; 1 runs in this process.
        Not allowed together with ``client``.
    client : distributed.Client, optional
        Run the chunks on this Dask cluster (the library never creates one).
    progress : bool, optional
        tqdm bar with rows/s and ETA on stderr; default on only when stderr is a terminal.
    shared : picklable, optional
        Data prepared once (weather, solar, COP maps) and given to every call; sent once per
        worker process (pool initializer) or broadcast once to the Dask workers.
    seed : int
        Batch seed; each row's seed is :func:`row_seed` ``(row_id, seed)``, so results do not
        depend on workers, chunk size or resuming.
    collect : bool
        True (default): return the results as one DataFrame. False (needs ``output``): the
        driver keeps no finished chunk, only which rows each part holds, and returns a
        :class:`~mgwsim.batch.StoredResults` that reads them from the parts in input order,
        whole (``read()``, equal to the DataFrame), a few columns at a time or part by part
        (``to_csv``): a million city rows without the results in memory (docs/batch.md).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``table`` (same order), the KPI columns (first appearance order), then
        ``error`` (None, or ``"ExceptionType: message"``) and ``seed``. A KPI a row did not
        return (e.g. because it failed) is missing (NaN/None). With ``collect=False`` a
        :class:`~mgwsim.batch.StoredResults` of the same rows.

    Notes
    -----
    Local worker processes end when the process running ``run_batch`` dies, even killed with
    SIGKILL (Linux ``PR_SET_PDEATHSIG``, elsewhere a thread watching the parent).
    Only KPI rows are kept and written; whatever the row function builds (hourly arrays)
    is dropped when it returns. With local processes, ``row_function`` must be importable in
    a fresh interpreter (defined in a module, or under ``if __name__ == "__main__":`` guards
    in a script); functions defined in a notebook need ``n_workers=1`` or a Dask client.
    Starting the pool costs a few seconds (each process imports mgwsim and loads the numba
    kernels), so it pays off for batches of more than a few hundred building-years. One
    output directory is for one batch at a time (no two processes writing into it).
    """
    table = read_table(table)
    _validate(table, row_function, chunk_size, n_workers, client)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError(f"{_OWNER}.seed must be an int >= 0, got {seed!r}")
    if not isinstance(collect, bool) or (not collect and output is None):
        raise InputError(f"{_OWNER}.collect must be True, or False with output= (the parts it reads), "
                         f"got collect={collect!r}, output={output!r}")
    parts, todo, save = _resume(table, row_function, int(seed), output, shared, keep=collect)
    n_todo = int(todo.sum())
    with tqdm(total=len(table), initial=len(table) - n_todo, unit="row", desc="mgwsim batch", smoothing=0.05,
              disable=not _show_progress(progress), file=sys.stderr) as bar:
        chunks = _chunks(table, todo, chunk_size)
        _dispatch(chunks, row_function, shared, int(seed), _on_done(parts, save, bar, keep=collect), client=client,
                  n_workers=min(n_workers or os.cpu_count() or 1, -(-n_todo // chunk_size)))
    return _assemble(parts, table) if collect else StoredResults(parts, table.index)


def _dispatch(chunks, row_function, shared, seed, on_done: ChunkDone, *, client, n_workers: int) -> None:
    """Run the chunks on Dask (``client``), in this process (one worker) or on a process pool."""
    if n_workers == 0:
        return
    if client is not None:
        _run_dask(chunks, row_function, shared, seed, client, on_done)
    elif n_workers == 1:
        _run_in_process(chunks, row_function, shared, seed, on_done)
    else:
        _run_process_pool(chunks, row_function, shared, seed, n_workers, on_done)


def _resume(table, row_function, seed, output, shared=None, keep: bool = True
            ) -> tuple[list[pa.Table] | list[StoredPart], np.ndarray, Callable | None]:
    """Finished chunks in ``output`` (if any: as Arrow tables, or as :class:`StoredPart` when not ``keep``), the
    mask of rows still to do and how to save a chunk's Arrow table (or None; it returns the part's path)."""
    if output is None:
        return [], np.ones(len(table), dtype=bool), None
    manifest = _store.make_manifest(table, row_function, seed, shared)
    directory, trusted = _store.open_output(output, manifest)
    batch = _store.fingerprint(manifest)
    parts = _store.read_parts(directory, table.index, batch, trusted=trusted, keep=keep)
    done = np.zeros(len(table), dtype=bool)
    for part in parts:
        done[part.positions if isinstance(part, StoredPart) else table.index.get_indexer(_rows.row_ids(part))] = True
    return parts, ~done, lambda first, part: _store.write_part(_store.part_path(directory, first), part, batch)


def _failed(part: pa.Table | StoredPart) -> int:
    if isinstance(part, StoredPart):
        return part.n_rows - part.null_count("error")
    return len(part) - part.column("error").null_count


def _on_done(parts: list, save, bar, keep: bool = True) -> ChunkDone:
    """What the driver does with a finished chunk: write it (``save``, as an Arrow table) and keep it as one, or
    (not ``keep``) only where it is and which rows it holds (:class:`StoredPart`)."""
    errors = [sum(_failed(part) for part in parts)]

    def on_done(positions: np.ndarray, frame: pd.DataFrame | pa.Table) -> None:
        arrow = frame if isinstance(frame, pa.Table) else _rows.to_arrow(frame)
        path = save(int(positions[0]), arrow) if save is not None else None
        parts.append(arrow if keep else StoredPart.of(path, positions, arrow, like=parts[-1] if parts else None))
        errors[0] += _failed(arrow)
        bar.set_postfix(failed=errors[0], refresh=False)
        bar.update(len(frame))

    return on_done


def _show_progress(progress: bool | None) -> bool:
    if progress is None:
        return bool(getattr(sys.stderr, "isatty", lambda: False)())
    return bool(progress)
