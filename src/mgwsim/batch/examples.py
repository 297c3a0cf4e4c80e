"""Example row functions for :func:`mgwsim.batch.run_batch` (tests, docs, benchmarks)."""

from __future__ import annotations

from dataclasses import replace

from mgwsim.batch.city import CRITICAL_CHECKS
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
    """The ``shared`` data :func:`variant_row` needs: the weather and one R290 air/water map to scale."""
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

    Parameters
    ----------
    row : dict
        As :func:`demand_row`, plus ``combination`` (one of :data:`COMBINATIONS`).
    shared : dict
        See :func:`variant_shared`.

    Returns
    -------
    dict
        Energy, money and CO2 KPIs and the flags a city summary needs: ``no_unmet_heat``,
        ``lock_in_pass`` (no critical check fails: fossil, temperature, hot water),
        ``npv_ge_0`` (without subsidy) and ``npv_with_subsidy_ge_0``, the columns of
        :data:`mgwsim.stock.DEFAULT_CRITERIA`.
    """
    from mgwsim.study import StudyInputs, Variant, evaluate_variant
    from mgwsim.study.study import variant_business_case
    from mgwsim.system import gas_boiler_reference

    if row["combination"] not in COMBINATIONS:
        raise ValueError(f"combination = {row['combination']!r} is not one of {', '.join(COMBINATIONS)}")
    options = {name: row[name] for name in _BUILDING_COLUMNS if name in row}
    building = building_from_typology(row["typology"], row.get("variant"), **options)
    inputs = StudyInputs(building, shared["weather"], seed=int(row["seed"]))
    design_kw = building.design_heat_load_kw(inputs.design_temperature_degc)
    reference = evaluate_variant(inputs, Variant("reference", gas_boiler_reference(1.1 * design_kw),
                                                 keeps_existing_boiler=False))
    result = evaluate_variant(inputs, _variant(row["combination"], design_kw, building.area_m2("roof"),
                                               shared["r290_map"]))
    case = variant_business_case(inputs, result, reference)
    rate = inputs.finance.discount_rate_frac
    subsidies_pv = sum(eur / (1.0 + rate) ** year for year, eur in case.subsidies.by_year().items())
    energy = result.energy_kpis()
    checks = {c.name: c.status for c in result.checks}
    return {
        "design_heat_load_kw": design_kw,
        "spf_h2": float(energy["spf_h2"]),
        "backup_share": float(energy["backup_share"]),
        "unmet_hours": int(energy["unmet_hours"]),
        "co2_reduction": 1.0 - result.co2_kg / reference.co2_kg,
        "epc_kwh_m2": float(energy["epc_kwh_m2"]),
        "investment_eur": float(sum(item.capex_eur for item in result.investments)),
        "subsidies_eur": case.subsidies.total_eur,
        "npv_eur": case.npv_eur,
        "no_unmet_heat": bool(energy["unmet_hours"] == 0),
        "lock_in_pass": all(checks.get(name) != "fail" for name in CRITICAL_CHECKS),
        "npv_ge_0": bool(case.npv_eur - subsidies_pv >= 0.0),
        "npv_with_subsidy_ge_0": bool(case.npv_eur >= 0.0),
    }
