"""Example row functions for :func:`mgwsim.batch.run_batch` (tests, docs, benchmarks)."""

from __future__ import annotations

from dataclasses import replace

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


COMBINATIONS = ("hp_boiler", "hp_boiler_pv", "all_electric_pv")
"""Techniques :func:`variant_row` can combine: R290 air/water heat pumps sized at half the design load with
the old gas boiler as backup, the same with east-west PV on the roof, or with an electric backup (chimney-free)."""



def variant_shared() -> dict:
    """The ``shared`` data :func:`variant_row` needs: the weather and one R290 air/water map to scale
    (optionally ``"rules"``: the :class:`~mgwsim.study.DecisionRules` of the flags)."""
    from mgwsim.heatpump import air_to_water

    return {"weather": default_weather(), "r290_map": air_to_water("R290", 50.0)}


def _variant(combination: str, design_kw: float, roof_m2: float, base_map):
    """The variant of a combination for a building of design load ``design_kw`` [kW] (heat pumps at half of it)."""
    from mgwsim.batch.city import Combination, variant_for

    electric = combination == "all_electric_pv"
    variant = variant_for(Combination(0.5, "electric" if electric else "gas_boiler", combination != "hp_boiler"),
                          design_kw, roof_m2, base_map)
    return replace(variant, name=combination)


def variant_row(row: dict, shared: dict) -> dict:
    """Feasibility of one technique combination for one TABULA-based building, against a new gas boiler.

    The study path: :func:`mgwsim.study.evaluate_variant` for the building and the reference, the
    business case of :func:`~mgwsim.study.study.variant_business_case` (the Klimaatfonds rules see the
    variant's facts, :func:`~mgwsim.study.study.project_facts`) and the study's decision under
    ``shared["rules"]`` (default :class:`~mgwsim.study.DecisionRules` ()).

    Parameters
    ----------
    row : dict
        As :func:`demand_row`, plus ``combination`` (one of :data:`COMBINATIONS`) and optionally
        ``year_built`` (the construction year for the call's conditions and the building's age,
        :func:`mgwsim.batch.city.building_dates`).
    shared : dict
        See :func:`variant_shared`.

    Returns
    -------
    dict
        The columns of :func:`mgwsim.batch.city_row` (docs/batch.md): energy, money (NPV with and
        without grants, the gap before grants, grants, CO2 avoided, gap per tonne, IRR) and the
        flags of :data:`mgwsim.stock.DEFAULT_CRITERIA`.
    """
    from mgwsim.batch.city import building_dates, study_row_kpis
    from mgwsim.study import DecisionRules, StudyInputs, Variant, evaluate_variant
    from mgwsim.system import gas_boiler_reference

    if row["combination"] not in COMBINATIONS:
        raise ValueError(f"combination = {row['combination']!r} is not one of {', '.join(COMBINATIONS)}")
    options = {name: row[name] for name in _BUILDING_COLUMNS if name in row}
    building = building_from_typology(row["typology"], row.get("variant"), **options)
    inputs = StudyInputs(building, shared["weather"], seed=int(row["seed"]))
    year, age = building_dates(row, building, install_year=inputs.install_year)
    inputs = replace(inputs, construction_year=year, building_age_years=age)
    design_kw = building.design_heat_load_kw(inputs.design_temperature_degc)
    reference = evaluate_variant(inputs, Variant("reference", gas_boiler_reference(1.1 * design_kw),
                                                 keeps_existing_boiler=False))
    result = evaluate_variant(inputs, _variant(row["combination"], design_kw, building.area_m2("roof"),
                                               shared["r290_map"]))
    return study_row_kpis(inputs, result, reference, design_kw, shared.get("rules") or DecisionRules())
