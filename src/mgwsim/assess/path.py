"""A renovation path judged step by step: demand, plant, KPIs and lock-in checks per step.

:func:`evaluate_path` re-runs :func:`mgwsim.simulate_demand` (with the *original*
building's radiators: emitters stay, so a lower load shows as a lower supply temperature)
and :func:`mgwsim.system.simulate_system` for the building as it is and after each step of
a :class:`~mgwsim.building.renovation.RenovationPath`. The plant stays the same unless the
caller states a plant change at a step.

Each step's checks answer "if the co-owners stopped after this step": the fossil check
sees the states up to the step and lets the last one last; the PV-before-roof check is a
path-level verdict repeated on every step. The future-proof score
(:mod:`mgwsim.assess.score`) judges the last step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mgwsim.assess.checks import CheckResult
from mgwsim.assess.co2 import annual_emissions, available_electricity_years, load_co2_factors
from mgwsim.assess.epc import EPC_FACTORS_FLANDERS, primary_energy_indicator
from mgwsim.assess.lockin import (
    FOSSIL_PHASE_OUT_YEAR,
    MV_THRESHOLD_KVA,
    connection_capacity,
    fossil_heat_share,
    fossil_lock_in,
    heat_network_readiness,
    heat_network_temperature,
    hot_water_hygiene,
    oversizing_after_renovation,
    pv_before_roof_renovation,
    refrigerant_lock_in,
    temperature_lock_in,
)
from mgwsim.building.emitters import Radiators
from mgwsim.building.renovation import RenovationPath
from mgwsim.demand import simulate_demand
from mgwsim.electric import CONNECTION_POWER_FACTOR
from mgwsim.errors import InputError, check_number
from mgwsim.system.plant import Plant
from mgwsim.system.simulate import simulate_system

__all__ = ["PathAssessment", "PathContext", "evaluate_path", "final_energy_by_use"]

CHECK_COLUMNS = ("step", "year", "calendar_year", "label", "check", "status", "value", "unit", "threshold",
                 "sentence", "sentence_nl")


@dataclass(frozen=True)
class PathContext:
    """Facts about the site that some checks need; a check whose facts are missing is skipped.

    Parameters
    ----------
    equipment_type : {'monobloc', 'self_contained', 'split'}
        Construction of the heat pumps (refrigerant check).
    pv_kwp : float
        Roof PV [kWp]; 0 = none (PV-before-roof check skipped).
    pv_installed_year : int, optional
        Calendar year the PV is installed; default the install year.
    existing_connection_kva : float, optional
        Present grid connection [kVA]; None skips the connection check.
    other_peak_kw : float
        Peak of the other loads on the connection [kW], added to the heat side's hourly
        electricity peak (coincidence assumed: conservative).
    power_factor, mv_threshold_kva
        As in :func:`~mgwsim.assess.lockin.connection_capacity`.
    in_heat_network_zone : bool
        The building lies in a planned heat-network zone.
    has_central_loop : bool
        The design keeps a central hydronic loop (mgwsim plants are collective: default True).
    plant_room_area_m2 : float, optional
        Free plant-room area [m²]; None skips the heat-network check.
    target_year, fossil_threshold_share
        As in :func:`~mgwsim.assess.lockin.fossil_lock_in`.
    co2_year : int, optional
        Year of the electricity CO2 factor; default the latest shipped.
    electricity_co2 : {'average', 'residual_mix'}
        Kind of electricity CO2 factor (:func:`~mgwsim.assess.co2.load_co2_factors`).
    auxiliary_kwh : float
        Electricity of pumps and fans counted by the EPC [kWh/a], the same at every step
        (the existing pumps and fans stay); 0 leaves auxiliaries out.
    pv_generation_kwh : float
        The building's PV production credited by the EPC [kWh/a], the same at every step.
    pv_remount_included : bool
        The variant's investments include removing and reinstalling the PV for the roof works
        (the PV-before-roof check then says so and warns instead of failing).
    hot_water_tolerated_hours : float
        Hours a year the hot-water tank may be below its setpoint before the hygiene check fails
        (:func:`~mgwsim.assess.lockin.hot_water_hygiene`'s ``tolerated_hours``; default 0).
    other_load_kw : array, optional
        The other loads on the connection per step [kW]: when given, the connection check adds
        them hour by hour to the heat side's electricity (instead of ``other_peak_kw`` at the
        heat side's peak).
    connection_upgrade_eur : float, optional
        The low-voltage reinforcement already in the variant's investments [EUR excl. VAT]: the
        connection check then says it is included.
    heat_network : HeatNetwork, optional
        The heat network of a variant connected to one: the CO2 and primary-energy factors of its
        heat (:func:`co2_factors_with`, :func:`epc_factors`).
    """

    equipment_type: str = "monobloc"
    pv_kwp: float = 0.0
    pv_installed_year: int | None = None
    existing_connection_kva: float | None = None
    other_peak_kw: float = 0.0
    power_factor: float = CONNECTION_POWER_FACTOR
    mv_threshold_kva: float = MV_THRESHOLD_KVA
    in_heat_network_zone: bool = False
    has_central_loop: bool = True
    plant_room_area_m2: float | None = None
    target_year: int = FOSSIL_PHASE_OUT_YEAR
    fossil_threshold_share: float = 0.1
    co2_year: int | None = None
    electricity_co2: str = "average"
    auxiliary_kwh: float = 0.0
    pv_generation_kwh: float = 0.0
    pv_remount_included: bool = False
    hot_water_tolerated_hours: float = 0.0
    other_load_kw: np.ndarray | None = field(default=None, repr=False)
    connection_upgrade_eur: float | None = None
    heat_network: object | None = None

    def __post_init__(self):
        owner = "PathContext"
        check_number(self.pv_kwp, "pv_kwp", owner=owner, low=0.0, high=1e4, unit="kWp")
        check_number(self.other_peak_kw, "other_peak_kw", owner=owner, low=0.0, high=1e5, unit="kW")
        check_number(self.auxiliary_kwh, "auxiliary_kwh", owner=owner, low=0.0, unit="kWh/a")
        check_number(self.pv_generation_kwh, "pv_generation_kwh", owner=owner, low=0.0, unit="kWh/a")


@dataclass(frozen=True, eq=False)
class PathAssessment:
    """The outcome of :func:`evaluate_path`.

    Attributes
    ----------
    table : DataFrame
        One row per (step, check): ``CHECK_COLUMNS``.
    kpis : DataFrame
        One row per step (index ``step``, 0 = as is): year, label, space heating, supply
        temperature, SPF, backup and fossil shares, unmet hours, energy, EPC indicator, CO2.
    checks : dict step -> list of CheckResult
    results : list of SystemResult
        The simulated plant-year of each step.
    """

    table: pd.DataFrame
    kpis: pd.DataFrame
    checks: dict = field(repr=False)
    results: list = field(repr=False)

    def final_checks(self) -> list[CheckResult]:
        """The checks of the last step: where the path leaves the building."""
        return list(self.checks[max(self.checks)])

    def summary(self) -> pd.DataFrame:
        """Statuses as a step x check table."""
        return self.table.pivot(index="step", columns="check", values="status")


BACKUP_CARRIERS = {"gas_boiler": "natural_gas", "heat_network": "district_heat", "electric": "electricity"}
"""The energy carrier each backup kind buys."""


def final_energy_by_use(system_result) -> dict[str, dict[str, float]]:
    """Annual final energy per EPC use and carrier from a system result [kWh/a].

    ``heating``: heat-pump electricity for space heating, backup input for space heating,
    and the space heat the plant leaves unmet, counted as direct electric heating by the
    occupants (efficiency 1; mgwsim convention: unmet heat is never a saving, the rooms are
    heated some other way); ``hot_water``: heat-pump electricity for hot water, the booster
    and backup input for hot water. Backup input = backup heat / efficiency, on the carrier
    of the backup (:data:`BACKUP_CARRIERS`: gas on gross calorific value, a heat-network
    substation's metered heat as ``district_heat``). Auxiliaries (pumps, fans) are not in the
    system result and are left out.
    """
    h, backup = system_result.hourly, system_result.plant.backup
    carrier = BACKUP_CARRIERS.get(backup.kind, "electricity")
    bu_sh = float(h["backup_heat_sh_kwh"].sum()) / backup.efficiency
    bu_dhw = float(h["backup_heat_dhw_kwh"].sum()) / backup.efficiency
    unmet = max(float(h["space_heating_unmet_kwh"].sum()), 0.0)  # coupled years: the net shortfall, see assess_year
    heating = {"electricity": float(h["hp_elec_sh_kwh"].sum()) + unmet, "natural_gas": 0.0}
    hot_water = {"electricity": float(h["hp_elec_dhw_kwh"].sum() + h["booster_kwh"].sum()), "natural_gas": 0.0}
    heating[carrier] = heating.get(carrier, 0.0) + bu_sh
    hot_water[carrier] = hot_water.get(carrier, 0.0) + bu_dhw
    return {"heating": heating, "hot_water": hot_water}


def _step_kpis(result, area_m2: float, co2_factors, ctx: PathContext) -> dict:
    """KPIs of one step; the EPC indicator adds ``ctx``'s auxiliaries and credits its PV (the
    comparison table's bookkeeping), CO2 counts heating and hot water only."""
    k, summary = result.kpis(), result.demand.summary()
    energy = final_energy_by_use(result)
    by_carrier = {c: energy["heating"][c] + energy["hot_water"].get(c, 0.0) for c in energy["heating"]}
    energy["auxiliary"] = {"electricity": ctx.auxiliary_kwh}
    epc = primary_energy_indicator(energy, heated_floor_area_m2=area_m2, pv_generation_kwh=ctx.pv_generation_kwh,
                                   factors=epc_factors(ctx.heat_network))
    co2 = annual_emissions(by_carrier, co2_factors)
    return {
        "space_heating_kwh": summary["space_heating_kwh"],
        "dhw_kwh": summary["dhw_kwh"],
        "peak_space_heating_kw": summary["peak_space_heating_kw"],
        "max_supply_required_degc": summary["max_supply_required_degc"],
        "hp_temperature_limited_hours": k["hp_temperature_limited_hours"],
        "spf_h2": k["spf_h2"],
        "spf_h3": k["spf_h3"],
        "backup_share": k["backup_share"],
        "fossil_share": fossil_heat_share(result),
        "unmet_hours": k["unmet_hours"],
        "electricity_kwh": by_carrier["electricity"],
        "gas_kwh": by_carrier["natural_gas"],
        "epc_indicator_kwh_per_m2": epc.indicator_kwh_per_m2,
        "epc_label": epc.label,
        "co2_kg": co2.total_kg,
    }


def _plants_by_step(path: RenovationPath, plant: Plant, plant_changes, install_year: int) -> list[tuple[Plant, int]]:
    changes = dict(plant_changes or {})
    step_years = {s.year for s in path.steps}
    for year, new in changes.items():
        if year not in step_years:
            raise InputError(f"evaluate_path.plant_changes: year {year!r} is not a step year of the path {sorted(step_years)}")
        if not isinstance(new, Plant):
            raise InputError(f"evaluate_path.plant_changes[{year}] must be a Plant, got {type(new).__name__}")
    out, current = [(plant, install_year)], (plant, install_year)
    for step in path.steps:
        if step.year in changes:
            current = (changes[step.year], install_year + step.year)
        out.append(current)
    return out


def _electric_peak_kw(result, ctx: PathContext) -> float:
    h = result.hourly
    step_h = result.step_h  # kWh per step / step [h] = mean power of the step [kW]
    heat_side_kw = (h["hp_elec_kwh"] + h["electric_backup_kwh"] + h["booster_kwh"]).to_numpy() / step_h
    if ctx.other_load_kw is not None:
        return float((heat_side_kw + ctx.other_load_kw).max())
    return float(heat_side_kw.max()) + ctx.other_peak_kw


def _step_checks(result, history: dict, label: str, plant_year: int, ctx: PathContext, *, horizon_year: int,
                 install_year: int, roof_year: int | None) -> list[CheckResult]:
    plant = result.plant
    checks = [
        fossil_lock_in(history, target_year=ctx.target_year, threshold_share=ctx.fossil_threshold_share),
        temperature_lock_in(result, label=label),
        refrigerant_lock_in(plant, install_year=plant_year, horizon_year=max(horizon_year, plant_year),
                            equipment_type=ctx.equipment_type),
        hot_water_hygiene(result, tolerated_hours=ctx.hot_water_tolerated_hours),
    ]
    if plant.heat_pumps is not None:
        checks.insert(2, oversizing_after_renovation(result))
    if ctx.heat_network is not None:
        checks.append(heat_network_temperature(result, ctx.heat_network.max_loop_supply_degc,
                                               network_name=ctx.heat_network.name, label=label))
    if ctx.pv_kwp > 0:
        pv_year = install_year if ctx.pv_installed_year is None else ctx.pv_installed_year
        checks.append(pv_before_roof_renovation(pv_year, None if roof_year is None else install_year + roof_year,
                                                ctx.pv_kwp, cost_included=ctx.pv_remount_included))
    if ctx.existing_connection_kva is not None:
        checks.append(connection_capacity(_electric_peak_kw(result, ctx), ctx.existing_connection_kva,
                                          power_factor=ctx.power_factor, mv_threshold_kva=ctx.mv_threshold_kva,
                                          upgrade_cost_eur=ctx.connection_upgrade_eur))
    if ctx.plant_room_area_m2 is not None:
        checks.append(heat_network_readiness(ctx.in_heat_network_zone, plant, has_central_loop=ctx.has_central_loop,
                                             plant_room_area_m2=ctx.plant_room_area_m2))
    return checks


def _co2_factors(ctx: PathContext):
    year = ctx.co2_year if ctx.co2_year is not None else max(available_electricity_years(ctx.electricity_co2))
    return co2_factors_with(load_co2_factors(year, ctx.electricity_co2, fuel_basis="gcv"), ctx.heat_network)


def co2_factors_with(factors: pd.DataFrame, heat_network) -> pd.DataFrame | dict[str, float]:
    """``factors`` (:func:`load_co2_factors`) with the heat network's heat as ``district_heat`` when there is one
    (:meth:`mgwsim.heat_network.HeatNetwork.co2_factor`) [kg CO2/kWh]."""
    if heat_network is None:
        return factors
    per_carrier = factors["kg_co2_per_kwh"].to_dict()
    return {**per_carrier, "district_heat": heat_network.co2_factor(per_carrier["natural_gas"])}


def epc_factors(heat_network) -> dict[str, float]:
    """The Flemish primary-energy factors, with the heat network's metered heat as ``district_heat`` when there
    is one (:attr:`mgwsim.heat_network.HeatNetwork.primary_factor_per_metered_kwh`)."""
    if heat_network is None:
        return dict(EPC_FACTORS_FLANDERS)
    return {**EPC_FACTORS_FLANDERS, "district_heat": heat_network.primary_factor_per_metered_kwh}


def evaluate_path(
    building,
    path: RenovationPath,
    plant: Plant,
    weather,
    *,
    radiators: Radiators,
    install_year: int,
    horizon_year: int,
    plant_changes: Mapping[int, Plant] | None = None,
    context: PathContext | None = None,
    demand_kwargs: Mapping | None = None,
    system_kwargs: Mapping | None = None,
    demands: Sequence | None = None,
    results: Sequence | None = None,
) -> PathAssessment:
    """Simulate and judge a building before and after each step of a renovation path.

    Parameters
    ----------
    building : Building
        The building as it is (step 0).
    path : RenovationPath
        Steps with years counted from the study start (0 = ``install_year``).
    plant : Plant
        The heat plant installed in ``install_year``.
    weather : Weather
        The same weather year is used for every step.
    radiators : Radiators
        The original building's radiators (they stay through the renovation).
    install_year, horizon_year : int
        Calendar year of the study start / plant installation, and the last year judged.
    plant_changes : mapping step year -> Plant, optional
        A new plant from that step on (e.g. smaller heat pumps after the envelope works,
        or the gas boiler removed); keys must be step years of ``path``.
    context : PathContext, optional
        Site facts for the PV, grid and heat-network checks and the CO2 factors.
    demand_kwargs, system_kwargs : mapping, optional
        Passed on to :func:`mgwsim.simulate_demand` / :func:`mgwsim.system.simulate_system`
        (e.g. ``seed``, ``source_degc``).
    demands : sequence of Demand, optional
        The demand of each state (as is, then after each step) when already simulated, e.g.
        shared by several plants on the same path; ``demand_kwargs`` are then not used.
    results : sequence of SystemResult, optional
        The plant-year of each state when already simulated (e.g. by the study, with the
        variant's control, PV and loads); ``demands``, ``demand_kwargs`` and ``system_kwargs``
        are then not used and ``plant_changes`` must be empty.

    Returns
    -------
    PathAssessment
    """
    owner = "evaluate_path"
    if not isinstance(path, RenovationPath):
        raise InputError(f"{owner}.path must be a RenovationPath, got {type(path).__name__}")
    if not isinstance(radiators, Radiators):
        raise InputError(f"{owner}.radiators must be the original building's Radiators, got {type(radiators).__name__}")
    install = int(check_number(install_year, "install_year", owner=owner, low=2000, high=2100))
    horizon = int(check_number(horizon_year, "horizon_year", owner=owner, low=install, high=2150))
    ctx = context or PathContext()
    plants = _plants_by_step(path, plant, plant_changes, install)
    if demands is not None and len(demands) != len(path.steps) + 1:
        raise InputError(f"{owner}.demands has {len(demands)} demands, expected {len(path.steps) + 1} "
                         "(as is, then one per step)")
    if results is not None and (len(results) != len(path.steps) + 1 or plant_changes):
        raise InputError(f"{owner}.results has {len(results)} plant-years, expected {len(path.steps) + 1} (as is, "
                         "then one per step) and no plant_changes")
    factors, roof_year = _co2_factors(ctx), path.roof_insulation_year
    given, results = results, []
    rows, kpis, checks, history = [], [], {}, {}
    for step, ((year, label, state), (step_plant, plant_year)) in enumerate(zip(path.buildings(building), plants)):
        if given is not None:
            result = given[step]
        else:
            demand = demands[step] if demands is not None else simulate_demand(
                state, weather, radiators=radiators, **dict(demand_kwargs or {}))
            result = simulate_system(demand, step_plant, weather, **dict(system_kwargs or {}))
        calendar = install + year
        history[calendar] = fossil_heat_share(result)
        step_checks = _step_checks(result, dict(history), label, plant_year, ctx, horizon_year=horizon,
                                   install_year=install, roof_year=roof_year)
        checks[step], results = step_checks, results + [result]
        kpis.append({"step": step, "year": year, "calendar_year": calendar, "label": label,
                     **_step_kpis(result, state.heated_floor_area_m2, factors, ctx)})
        rows += [{"step": step, "year": year, "calendar_year": calendar, "label": label, "check": c.name,
                  **{f: getattr(c, f) for f in CHECK_COLUMNS[5:]}} for c in step_checks]
    table = pd.DataFrame(rows, columns=list(CHECK_COLUMNS))
    return PathAssessment(table, pd.DataFrame(kpis).set_index("step"), checks, results)
