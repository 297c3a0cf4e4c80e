"""City-scale batch runs: one row function over a table of buildings × variants × scenarios.

:func:`run_batch` runs a picklable row function (one building-year → a dict of KPIs) over
every row of a table, in this process, on all local cores (``concurrent.futures`` with
``spawn``) or on a Dask cluster passed in as ``client``. Results are streamed chunk by chunk
to resumable Parquet parts; a failing row is recorded in its ``error`` column and never
stops or changes the others; each row's randomness comes from :func:`row_seed` so results
are identical whatever the number of workers or the chunk size.

:func:`demand_row` is a ready example row function (TABULA archetype → annual demand KPIs);
:func:`variant_row` judges one technique combination against a new gas boiler (energy, money,
CO2, lock-in and the feasibility flags of :func:`mgwsim.stock.feasibility_summary`);
:func:`city_row` does the same for the twelve :data:`CITY_COMBINATIONS` (and the 26 :data:`RICH_COMBINATIONS` with
EV, MV cabin, dynamic tariff, roof insulation, emitter upgrade and battery) with the building-independent
work prepared once per worker (:class:`CityModel`), for stocks of thousands of buildings.
With ``collect=False`` the driver keeps no results: :class:`StoredResults` reads them from the parts.
"""

from mgwsim.batch._engine import read_table, run_batch
from mgwsim.batch._results import StoredResults
from mgwsim.batch._rows import RESERVED_COLUMNS, row_seed
from mgwsim.batch._store import DamagedOutputWarning
from mgwsim.batch.city import CITY_COMBINATIONS, RICH_COMBINATIONS, CityModel, Combination, city_row, city_table
from mgwsim.batch.examples import COMBINATIONS, demand_row, demand_shared, variant_row, variant_shared

__all__ = ["CITY_COMBINATIONS", "COMBINATIONS", "RICH_COMBINATIONS", "CityModel", "Combination", "DamagedOutputWarning",
           "RESERVED_COLUMNS", "StoredResults", "city_row", "city_table", "demand_row", "demand_shared", "read_table",
           "row_seed", "run_batch", "variant_row", "variant_shared"]
