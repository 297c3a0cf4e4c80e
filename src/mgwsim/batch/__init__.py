"""City-scale batch runs: one row function over a table of buildings × variants × scenarios.

:func:`run_batch` runs a picklable row function (one building-year → a dict of KPIs) over
every row of a table, in this process, on all local cores (``concurrent.futures`` with
``spawn``) or on a Dask cluster passed in as ``client``. Results are streamed chunk by chunk
to resumable Parquet parts; a failing row is recorded in its ``error`` column and never
stops or changes the others; each row's randomness comes from :func:`row_seed` so results
are identical whatever the number of workers or the chunk size.

:func:`demand_row` is a ready example row function (TABULA archetype → annual demand KPIs).
"""

from mgwsim.batch._engine import read_table, run_batch
from mgwsim.batch._rows import RESERVED_COLUMNS, row_seed
from mgwsim.batch.examples import demand_row, demand_shared

__all__ = ["RESERVED_COLUMNS", "demand_row", "demand_shared", "read_table", "row_seed", "run_batch"]
