"""Example row functions for :func:`mgwsim.batch.run_batch` (tests, docs, benchmarks)."""

from __future__ import annotations

from mgwsim.building.typology import building_from_typology
from mgwsim.demand import simulate_demand
from mgwsim.weather import default_weather

_BUILDING_COLUMNS = ("floor_area_m2", "n_apartments", "n_storeys", "orientation_deg")


def demand_shared() -> dict:
    """The ``shared`` data :func:`demand_row` needs: ``{"weather": default_weather()}``."""
    return {"weather": default_weather()}


def demand_row(row: dict, shared: dict) -> dict:
    """Annual heat-demand KPIs of one TABULA-based building (a row of :func:`mgwsim.stock.generate_stock`).

    Parameters
    ----------
    row : dict
        ``typology`` (e.g. ``"AB.03"``), ``variant`` (1, 2, 3) and ``seed`` (hot-water draws);
        optional ``floor_area_m2`` [m²], ``n_apartments``, ``n_storeys``, ``orientation_deg`` [°]
        (absent keys keep the TABULA reference values).
    shared : dict
        ``{"weather": Weather}``, see :func:`demand_shared`.

    Returns
    -------
    dict
        :meth:`mgwsim.demand.Demand.summary` as a dict.
    """
    options = {name: row[name] for name in _BUILDING_COLUMNS if name in row}
    building = building_from_typology(row["typology"], row.get("variant"), **options)
    return simulate_demand(building, shared["weather"], seed=int(row["seed"])).summary().to_dict()
