"""CSV text of Arrow columns made by Arrow's kernels: the same text as pandas' ``DataFrame.to_csv``.

``results.csv`` of a million city rows is 0.4 GB of text. pandas formats every value with numpy and Python's csv
writer, on one core (38 s for a million rows, docs/batch.md); here each column becomes Arrow strings in C++, in
kernels that release the GIL, so that blocks of rows are formatted on several threads, and a block's lines are
written as one buffer (a sixth of the CPU). The text is pandas' own, value for value (``na_rep`` "", the
default ``float_format``, QUOTE_MINIMAL):

- a float is numpy's shortest repr (``repr``: ``0.1``, ``1.0``, ``1e-05``, ``1e+16``, ``inf``), NaN and null "".
  Arrow's cast writes the same shortest digits where both write them positionally (1e-4 ≤ |x| < 1e10), only
  without the ``.0`` of a whole number; the few values outside that range are formatted by numpy;
- an integer its digits; an integer column with a null in some part is a float column once collected
  (:class:`~mgwsim.batch.StoredResults`), and written as one;
- a boolean ``True``/``False``; a string as it is, quoted (``"``, doubled inside) where it holds a character that
  makes Python's csv writer quote it (:func:`quoted_characters`).

Any other type (dates, decimals, lists, 32-bit floats) returns None, and the caller writes those rows with pandas.
"""

from __future__ import annotations

import csv
import functools
import io
import os

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

LINE_END = os.linesep
"""pandas' default ``lineterminator``."""
_POSITIONAL = (1e-4, 1e10)
"""|x| range [low, high) in which Arrow's cast and numpy both write a float's shortest digits positionally."""


@functools.cache
def quoted_characters(line_end: str = LINE_END) -> str:
    """The characters that make Python's csv writer (as pandas sets it up: ``,``, ``"``, QUOTE_MINIMAL, doubled
    quotes, ``line_end``) quote a field, found by asking it (``",\\n\\""`` on Linux; a version may add ``\\r``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=line_end)
    found = []
    for char in sorted(set(',"\r\n\t ' + line_end)):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([f"a{char}b", "c"])
        if buffer.getvalue().startswith('"'):
            found.append(char)
    return "".join(found)


def float_text(values: pa.Array) -> pa.Array:
    """float64 values as numpy's ``astype(str)`` writes them (pandas' default float format); NaN and null ""."""
    text = pc.cast(values, pa.string())
    size = pc.abs(values)
    whole = pc.and_(pc.equal(pc.floor(values), values), pc.less(size, _POSITIONAL[1]))
    text = pc.if_else(whole, pc.binary_join_element_wise(text, ".0", ""), text)  # Arrow: "1", numpy: "1.0"
    outside = pc.and_(pc.is_finite(values), pc.or_(pc.greater_equal(size, _POSITIONAL[1]),
                                                   pc.and_(pc.less(size, _POSITIONAL[0]), pc.not_equal(values, 0.0))))
    outside = pc.fill_null(outside, False)
    if pc.any(outside).as_py():
        few = pc.filter(values, outside).to_numpy(zero_copy_only=False)
        text = pc.replace_with_mask(text, outside, pa.array(few.astype(str).tolist(), pa.string()))
    return pc.if_else(pc.fill_null(pc.is_nan(values), True), "", text)


def string_text(values: pa.Array, line_end: str = LINE_END) -> pa.Array:
    """Strings as Python's csv writer writes them: quoted, with inner quotes doubled, where they need it; null ""."""
    values = pc.fill_null(values, "")
    special = "[" + "".join("\\" + char if char in "\\]^-[" else char for char in quoted_characters(line_end)) + "]"
    needs = pc.match_substring_regex(values, special)
    if not pc.any(needs).as_py():
        return values
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(values, '"', '""'), '"', "")
    return pc.if_else(needs, quoted, values)


def column_text(values: pa.Array, as_float: bool = False, line_end: str = LINE_END) -> pa.Array | None:
    """One column's CSV fields as pandas writes them, or None for a type this module does not write.

    ``as_float``: an integer column written as the float column pandas makes of it (nulls in other parts)."""
    kind = values.type
    if pa.types.is_integer(kind) and as_float:
        values, kind = pc.cast(values, pa.float64(), safe=False), pa.float64()
    if pa.types.is_float64(kind):
        return float_text(values)
    if pa.types.is_integer(kind):
        return pc.fill_null(pc.cast(values, pa.string()), "")
    if pa.types.is_boolean(kind):
        return pc.fill_null(pc.if_else(values, "True", "False"), "")
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return string_text(pc.cast(values, pa.string()), line_end)
    if pa.types.is_null(kind):
        return pc.fill_null(pa.nulls(len(values), pa.string()), "")
    return None


def index_text(index: pd.Index, line_end: str = LINE_END) -> pa.Array | None:
    """The row ids as pandas writes them, or None: integers, and texts (str or object of str) only."""
    if isinstance(index, pd.MultiIndex):
        return None
    if index.dtype.kind in "iu":
        return column_text(pa.array(index.to_numpy()), line_end=line_end)
    if isinstance(index.dtype, pd.StringDtype) or index.dtype == object and pd.api.types.infer_dtype(
            index, skipna=True) == "string":
        return string_text(pa.array(index.to_numpy(dtype=object, na_value=None), pa.string()), line_end)
    return None


def lines(fields: list[pa.Array], line_end: str = LINE_END) -> memoryview:
    """The CSV lines of the columns' ``fields`` (string arrays of one length, no nulls) as one UTF-8 buffer."""
    joined = pc.binary_join_element_wise(*fields, ",") if len(fields) > 1 else fields[0]
    joined = pc.binary_join_element_wise(joined, "", line_end)
    if isinstance(joined, pa.ChunkedArray):
        joined = joined.combine_chunks()
    offsets = np.frombuffer(joined.buffers()[1], dtype=np.int32)
    start, end = int(offsets[joined.offset]), int(offsets[joined.offset + len(joined)])
    return memoryview(joined.buffers()[2])[start:end]
