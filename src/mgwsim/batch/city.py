"""City-scale rows: one building × one technique combination, a full system year and its business case.

:func:`city_row` answers, for one building of a stock, what :func:`mgwsim.batch.variant_row`
answers (energy, money, CO2, lock-in and the feasibility flags of
:func:`mgwsim.stock.feasibility_summary`), with the same physics, tariffs, costs and
subsidies, but with everything that does not depend on the building prepared once per
worker process in a :class:`CityModel`:

- design temperature, defrost factors, day-ahead prices, tariffs, CO2 factors;
- the PV profile per kWp of the east-west flat-roof layout (output scales with kWp: same
  tilt, ground-coverage ratio and DC/AC ratio);
- window irradiance per facade orientation, cached on the weather (the building's
  orientation is rounded to ``orientation_step_deg``, 5° by default: at most 72 facade sets);
- a pool of single-apartment hot-water draw years (:func:`~mgwsim.building.dhw.simulate_dhw_draws`,
  2 occupants each, seeded); a building's draws are the sum of ``n_apartments`` members
  drawn *without replacement* by the building's seed (with replacement only beyond the
  pool size), so neighbours stay independent as in :func:`~mgwsim.building.dhw.dhw_profile`;
- the heat-pump map of one unit, scaled to each variant's unit size
  (:func:`mgwsim.study.scale_map`: exact for maps whose capacity is proportional to the rating).

Per building (shared by its combinations, :meth:`CityModel.building_case`): the building
(TABULA archetype scaled), the 5R1C zone kernel, the radiators' supply temperatures, the
common-area loads and the reference (a new gas boiler, as in :func:`~mgwsim.batch.variant_row`).
Per row: the plant kernel of the combination, the electricity balance, the bills,
investments, subsidies and the business case. No hourly data outlives the building.

A row gives the study's answer for its building and combination (docs/decision.md): space
heat left unmet is priced as the occupants' electric heating and counted in the EPC indicator
and the CO2 (:func:`~mgwsim.study.evaluate.assess_year`); the call's grant rules see the facts
the study passes (:func:`~mgwsim.study.study.project_facts` without a renovation path: the
construction year from the row's ``year_built`` or the typology, :func:`building_dates`); the
flags are the study's decision (:func:`mgwsim.study.decision.shortfalls` under
:attr:`CityModel.rules`: comfort and hot water within the tolerance, a feasible connection, no
failed check of :data:`~mgwsim.study.decision.LOCK_IN_CHECKS`, eligibility for the call).

:func:`city_row` reads the KPIs of the row and of the building's reference straight from
the kernel's output arrays (:mod:`mgwsim.batch._city_arrays`: one pass over the year, scalar
formulas, tariffs and discounting prepared once per process); :func:`_city_row_reference` is
the same row, reference included, through the study objects (``SystemResult``,
:func:`~mgwsim.study.evaluate.assess_year`, the study's checks, ``VariantResult``,
:func:`~mgwsim.study.study.variant_business_case` and :attr:`mgwsim.study.StudyResult.decision`),
kept as the reference the tests compare it with (equal to 1e-9).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd

from mgwsim._numba import njit
from mgwsim.batch import _city_arrays as arrays
from mgwsim.batch._rows import row_seed
from mgwsim.building.dhw import simulate_dhw_draws
from mgwsim.building.emitters import radiators_for
from mgwsim.building.typology import building_from_typology
from mgwsim.demand import Demand, demand_series, simulate_demand
from mgwsim.errors import InputError, check_number
from mgwsim.finance import Finance, Option
from mgwsim.heatpump import air_to_water
from mgwsim.loads import common_area_load_arrays, epc_auxiliary_kw
from mgwsim.pv import flat_roof_east_west, pv_ac_kw_array
from mgwsim.simyear import LOCAL_TIMEZONE
from mgwsim.storage import Tank
from mgwsim.study import DecisionRules, Study, StudyInputs, StudyResult, Variant, VariantResult, scale_map
from mgwsim.study.costs import variant_investments
from mgwsim.study.decision import HYGIENE_CHECK, LOCK_IN_CHECKS, hot_water_tolerated_hours, shortfalls
from mgwsim.study.evaluate import _checks as _study_checks
from mgwsim.study.evaluate import _refrigerant, assess_year
from mgwsim.study.inputs import default_building_age_years, default_construction_year
from mgwsim.study.study import variant_business_case
from mgwsim.system import Backup, HeatPumpCascade, HotWater, Plant, SystemResult, gas_boiler_reference
from mgwsim.system.simulate import _check_in_grid, _defrost, _hot_water_series, plant_buffers, plant_flows, run_plant
from mgwsim.weather import default_weather

DHW_POOL_SIZE = 256
"""Single-apartment hot-water years in the pool (a building draws its apartments from it)."""
OCCUPANTS_PER_APARTMENT = 2.0
"""Occupants per apartment for the hot-water draws, as :func:`mgwsim.simulate_demand`'s default."""
PV_ROOF_SHARE = 0.6
"""Share of the roof area covered by the east-west PV layout (as :func:`mgwsim.batch.variant_row`)."""
REFERENCE_BOILER_MIN_KW = 20.0
"""Smallest reference boiler [kW]: 1.1 × design load, at least the smallest collective boiler of the cost table."""
MAX_UNIT_KW = 500.0
"""Largest heat-pump unit of a city variant [kW] (mgwsim screening assumption: large collective air-water
modules reach a few hundred kW); a larger heat-pump share is split over more units."""
_LOCK_IN_RANK = {name: rank for rank, name in enumerate(LOCK_IN_CHECKS)}
_BUILDING_COLUMNS = ("floor_area_m2", "n_apartments", "n_storeys")
_CASE_COLUMNS = ("typology", "variant", *_BUILDING_COLUMNS, "orientation_deg", "year_built")
_CASES_KEPT = 4


@dataclass(frozen=True)
class Combination:
    """A technique combination for a whole stock.

    Parameters
    ----------
    hp_share : float
        Heat pumps' share of the design heat load [-] (unit sizes: :func:`variant_for`).
    backup : {"gas_boiler", "electric"}
        Keep a gas boiler as bivalent-parallel backup, or go all-electric (chimney-free).
    pv : bool
        East-west PV on ``PV_ROOF_SHARE`` of the roof.
    """

    hp_share: float
    backup: str
    pv: bool

    def __post_init__(self):
        check_number(self.hp_share, "hp_share", owner="Combination", low=0.1, high=1.5)
        if self.backup not in ("gas_boiler", "electric"):
            raise InputError(f"Combination.backup = {self.backup!r} must be 'gas_boiler' or 'electric'")

    @property
    def name(self) -> str:
        backup = "gas" if self.backup == "gas_boiler" else "elec"
        return f"hp{round(100 * self.hp_share)}_{backup}{'_pv' if self.pv else ''}"


CITY_COMBINATIONS: dict[str, Combination] = {
    c.name: c for c in (Combination(share, backup, pv) for share in (0.3, 0.5, 0.7)
                        for backup in ("gas_boiler", "electric") for pv in (False, True))
}
"""Twelve combinations a city compares: heat pumps at 30/50/70 % of the design load × gas or
electric backup × with or without PV (names like ``hp50_gas_pv``)."""


class CityModel:
    """The shared preparation of :func:`city_row` (picklable; built lazily in each worker).

    Parameters
    ----------
    weather : Weather, optional
        An hourly year (any time zone: laid on its local calendar year with
        :meth:`~mgwsim.weather.Weather.calendar_year`); default :func:`mgwsim.weather.default_weather`.
    heat_pump_map : PerformanceMap, optional
        One air/water unit with ``rated_capacity_kw``; default
        :func:`mgwsim.heatpump.air_to_water` ("R290", 50 kW).
    pool_seed : int
        Seed of the hot-water pool (part of the results: keep it fixed across a study).
    orientation_step_deg : float
        Building orientations are rounded to this step [°] so that facade irradiance is
        computed once per orientation (5° moves a facade's annual irradiance by < 1 %).
    rules : DecisionRules, optional
        The study's decision rules the rows' flags follow (comfort and hot-water tolerance,
        eligibility required); default :class:`~mgwsim.study.DecisionRules` ().
    """

    def __init__(self, weather=None, *, heat_pump_map=None, pool_seed: int = 0, orientation_step_deg: float = 5.0,
                 rules: DecisionRules | None = None):
        # one calendar: the year is laid on its local calendar year (12 billing months), as in StudyInputs
        self.weather = (weather if weather is not None else default_weather()).calendar_year()
        if self.weather.step_h != 1.0:
            raise InputError(f"CityModel.weather has a step of {self.weather.step_h * 60:g} min; allowed: hourly "
                             "(city rows screen a stock on hourly years; run 15-minute studies with simulate_system)")
        self.heat_pump_map = heat_pump_map if heat_pump_map is not None else air_to_water("R290", 50.0)
        if self.heat_pump_map.rated_capacity_kw is None:
            raise InputError("CityModel.heat_pump_map needs rated_capacity_kw (it is scaled per building)")
        _check_in_grid(HeatPumpCascade(self.heat_pump_map), self.weather.temp_air_degc, self.weather.index)
        self.pool_seed = int(pool_seed)
        self.orientation_step_deg = check_number(orientation_step_deg, "orientation_step_deg", owner="CityModel",
                                                 low=0.1, high=90.0, unit="°")
        self.rules = DecisionRules() if rules is None else rules
        if not isinstance(self.rules, DecisionRules):
            raise InputError(f"CityModel.rules must be DecisionRules, got {type(self.rules).__name__}")
        self._cases: dict = {}
        self._unit_maps: dict = {}
        self._refrigerant: dict = {}
        self._scratch = threading.local()

    def __getstate__(self):
        state = {**self.__dict__, "_cases": {}, "_unit_maps": {}, "_refrigerant": {}}
        del state["_scratch"]
        for lazy in ("local_index", "dhw_pool", "pv_kw_per_kwp", "defaults", "defrost", "no_defrost",
                     "design_temperature_degc", "day_ahead", "year_constants", "temp_air_degc", "remembered_costs"):
            state.pop(lazy, None)  # rebuilt in each worker rather than shipped
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._scratch = threading.local()

    @property
    def plant_buffers(self) -> tuple[np.ndarray]:
        """This thread's work arrays of the plant kernel (:func:`~mgwsim.system.simulate.plant_buffers`),
        reused by every array-path row: a row's year is reduced to sums before the next row runs."""
        buffers = getattr(self._scratch, "plant", None)
        if buffers is None:
            buffers = self._scratch.plant = plant_buffers(self.weather.n_hours)
        return buffers

    # -- shared preparation (cached per process) --------------------------------------
    @cached_property
    def local_index(self) -> pd.DatetimeIndex:
        return self.weather.index.tz_convert(LOCAL_TIMEZONE)

    @cached_property
    def temp_air_degc(self) -> np.ndarray:
        return self.weather.temp_air_degc

    @cached_property
    def defaults(self):
        """A :class:`~mgwsim.study.StudyInputs` template: tariffs, finance, subsidies, costs, design temperature."""
        return StudyInputs(building_from_typology("AB.02", 1), self.weather)

    @cached_property
    def design_temperature_degc(self) -> float:
        return float(self.defaults.design_temperature_degc)

    @cached_property
    def defrost(self) -> tuple[np.ndarray, np.ndarray]:
        """(capacity, COP) defrost factors per step of the air units, as :func:`mgwsim.simulate_system` applies."""
        return _defrost(HeatPumpCascade(self.heat_pump_map), self.weather)

    @cached_property
    def no_defrost(self) -> tuple[np.ndarray, np.ndarray]:
        return _defrost(None, self.weather)

    @cached_property
    def dhw_pool(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(litres, kWh) of single-apartment draw years (pool × steps), and the cold-water temperature [°C]."""
        years = [simulate_dhw_draws(self.local_index, 1, OCCUPANTS_PER_APARTMENT, seed=self.pool_seed * DHW_POOL_SIZE + k)
                 for k in range(DHW_POOL_SIZE)]
        return (np.vstack([y["draw_l"].to_numpy() for y in years]), np.vstack([y["draw_kwh"].to_numpy() for y in years]),
                years[0]["cold_water_degc"].to_numpy())

    @cached_property
    def pv_kw_per_kwp(self) -> np.ndarray:
        """AC output of the east-west flat-roof layout per installed kWp [kW/kWp]."""
        layout = flat_roof_east_west(100.0)
        return pv_ac_kw_array(self.weather, layout) / sum(a.kwp for a in layout)

    @cached_property
    def day_ahead(self) -> np.ndarray:
        return self.defaults.day_ahead

    @cached_property
    def year_constants(self) -> arrays.YearConstants:
        """Months, tariffs, prices, CO2 and EPC factors and discounting of the array path."""
        return arrays.year_constants(self)

    @cached_property
    def remembered_costs(self) -> arrays.RememberedCosts:
        """The cost table, keeping the investments it has priced (unit sizes repeat across a stock)."""
        return arrays.RememberedCosts(self.defaults.cost_table)

    def refrigerant_status(self, plant) -> str:
        """Status of the study's refrigerant check (EU F-gas Regulation 2024/573,
        :func:`mgwsim.assess.refrigerant_lock_in` as :func:`mgwsim.study.evaluate_variant` runs it) of a
        plant of this model's units, kept per unit size: the verdict depends on the map's refrigerant
        and source and on one unit's capacity."""
        key = tuple(None if cascade is None else cascade.performance.rated_capacity_kw
                    for cascade in (plant.heat_pumps, plant.hot_water.heat_pump))
        status = self._refrigerant.get(key)
        if status is None:
            status = self._refrigerant[key] = _refrigerant(plant, self.defaults).status
        return status

    def unit_map(self, unit_kw: float):
        """The heat-pump map scaled to one unit of ``unit_kw`` [kW] (:func:`mgwsim.study.scale_map`), kept:
        unit sizes are multiples of 5 kW, so a stock has few."""
        scaled = self._unit_maps.get(unit_kw)
        if scaled is None:
            scaled = self._unit_maps[unit_kw] = scale_map(self.heat_pump_map, unit_kw)
        return scaled

    def common_area(self, building, design_kw: float) -> dict[str, np.ndarray]:
        """Common-area electricity [kW]: ``total`` and the EPC ``auxiliary`` part (pumps, fans)."""
        loads = common_area_load_arrays(self.weather.index, building, design_heat_load_kw=design_kw)
        return {"total": loads["total_kw"], "auxiliary": epc_auxiliary_kw(loads)}

    def building_case(self, row: dict):
        """The building's shared case (demand, loads, reference), kept for its next combinations."""
        key = tuple(row.get(name) for name in (*_CASE_COLUMNS, "seed" if "building" not in row else "building"))
        case = self._cases.get(key)
        if case is None:
            if len(self._cases) >= _CASES_KEPT:
                self._cases.pop(next(iter(self._cases)))  # oldest first: rows come building by building
            try:
                case = _building_case(row, self)
            except Exception as error:  # kept too: the building's other combinations fail the same way at once
                case = error
            self._cases[key] = case
        if isinstance(case, Exception):
            raise case.with_traceback(None)
        return case

    def dhw_draws(self, n_apartments: int, seed: int) -> pd.DataFrame:
        """A building's draws (columns of :func:`~mgwsim.building.dhw.simulate_dhw_draws`):
        ``n_apartments`` pool members chosen by ``seed``, summed."""
        litres, kwh, cold = self.dhw_pool
        members = self._pool_members(n_apartments, seed)
        return pd.DataFrame({"draw_l": _sum_rows(litres, members), "draw_kwh": _sum_rows(kwh, members),
                             "cold_water_degc": cold}, index=self.local_index)

    def draw_kwh(self, n_apartments: int, seed: int) -> np.ndarray:
        """The ``draw_kwh`` column of :meth:`dhw_draws` alone [kWh per step]."""
        return _sum_rows(self.dhw_pool[1], self._pool_members(n_apartments, seed))

    def _pool_members(self, n_apartments: int, seed: int) -> np.ndarray:
        """Pool rows of the building's apartments: without replacement up to the pool's size."""
        size = len(self.dhw_pool[1])
        return np.random.default_rng(seed).choice(size, n_apartments, replace=n_apartments > size)

    def orientation(self, orientation_deg: float) -> float:
        step = self.orientation_step_deg
        return float(np.round(float(orientation_deg) / step) * step % 360.0)


@njit
def _sum_rows(pool, members):
    """``pool[members].sum(axis=0)`` (the same additions, row after row) without the copy of the rows."""
    total = pool[members[0]].copy()
    for m in members[1:]:
        total += pool[m]
    return total


# ------------------------------------------------------------------------------ the row
def city_row(row: dict, model: CityModel) -> dict:
    """Feasibility of one combination for one building, against a new gas boiler (see the module docstring).

    Parameters
    ----------
    row : dict
        ``typology``, ``variant`` (1–3), ``combination`` (a key of :data:`CITY_COMBINATIONS`),
        ``seed``; optional ``floor_area_m2``, ``n_apartments``, ``n_storeys``, ``orientation_deg``,
        ``year_built`` (:func:`building_dates`) and ``building`` (the building's id, as
        :func:`city_table` writes it). With ``building``
        the hot-water draws are seeded by the building (:func:`~mgwsim.batch.row_seed` of its
        id), so that its combinations see the same occupants (a paired comparison), and the
        building's demand and reference are computed once for all its combinations in a
        worker; without it, by the row's ``seed``.
    model : CityModel

    Returns
    -------
    dict
        As :func:`mgwsim.batch.variant_row`: energy (SPF, backup share, unmet hours and heat with
        its cost, EPC indicator, CO2), money against the reference (investment, grants, NPV with
        and without grants, the gap before grants, the share the works grants cover, CO2 avoided
        and the gap per tonne, IRR) and the study's flags, ready for
        :func:`mgwsim.stock.feasibility_summary`; every column in docs/batch.md.
    """
    combination = _combination(row.get("combination"))
    case = model.building_case(row)
    variant = _sized_variant(combination, case.design_kw, case.building.area_m2("roof"), model.unit_map)
    return _combination_kpis(variant, case, model)


def _city_row_reference(row: dict, model: CityModel) -> dict:
    """:func:`city_row` through the study objects (``SystemResult``, ``assess_year``, ``business_case``):
    the reference of the array path, slower (pandas) but built from the study's own functions."""
    combination = _combination(row.get("combination"))
    case = model.building_case(row)
    variant = variant_for(combination, case.design_kw, case.building.area_m2("roof"), model.heat_pump_map)
    result = _evaluate(variant, _study_demand(case, model), case.common, case.building, case.design_kw, model)
    return study_row_kpis(_study_inputs(case, model), result, _study_reference(case, model), case.design_kw,
                          model.rules)


@dataclass(frozen=True)
class _BuildingCase:
    """What all combinations of one building share: the building, its demand, loads and reference."""

    building: object
    design_kw: float
    draws_seed: int
    """Seed of the building's apartments in the hot-water pool."""
    common: dict
    series: tuple
    """The kernel's demand inputs (:func:`~mgwsim.demand.demand_series`), equal to the
    columns of the study's ``Demand`` (:func:`_study_demand`)."""
    auxiliary_kwh: float
    """Annual EPC auxiliary electricity (pumps, fans) [kWh]."""
    reference_variant: Variant
    construction_year: int | None
    """Year of the building (permit) for the call's conditions (:func:`building_dates`)."""
    building_age_years: float
    """Age of the building at installation [years] (reduced VAT; :func:`building_dates`)."""
    finance: Finance
    """The study's finance with the building's apartments (the call counts them)."""
    heating_hours: float
    """Hours with a space-heating need [h]: the comfort tolerance's base."""
    reference: Option | None = None
    """The reference's :class:`~mgwsim.finance.Option` on the array path (:func:`_array_year`)."""
    reference_flows: dict = field(default_factory=dict)
    """The reference's yearly costs per set of VAT rates (:func:`mgwsim.batch._city_arrays.business_case_kpis`)."""
    study: dict = field(default_factory=dict)
    """The inputs, demand and reference on the study path, built when :func:`_city_row_reference` first asks."""


def _study_demand(case: _BuildingCase, model: CityModel) -> Demand:
    """The building's ``Demand`` (:func:`mgwsim.simulate_demand`), kept on the case."""
    if "demand" not in case.study:
        case.study["demand"] = _demand(case.building, case.design_kw, model, case.draws_seed)
    return case.study["demand"]


def _study_inputs(case: _BuildingCase, model: CityModel) -> StudyInputs:
    """The :class:`~mgwsim.study.StudyInputs` of the building (the model's defaults with the building, its
    construction year and age and its apartments in the finance), kept on the case."""
    if "inputs" not in case.study:
        case.study["inputs"] = replace(model.defaults, building=case.building, construction_year=case.construction_year,
                                       building_age_years=case.building_age_years, finance=case.finance)
    return case.study["inputs"]


def _study_reference(case: _BuildingCase, model: CityModel) -> VariantResult:
    """The building's reference through :func:`_evaluate` (the study objects), kept on the case."""
    if "reference" not in case.study:
        case.study["reference"] = _evaluate(case.reference_variant, _study_demand(case, model), case.common,
                                            case.building, case.design_kw, model)
    return case.study["reference"]


def _building_case(row: dict, model: CityModel) -> _BuildingCase:
    options = {name: row[name] for name in _BUILDING_COLUMNS if name in row}
    building = building_from_typology(row["typology"], row.get("variant"), **options,
                                      orientation_deg=model.orientation(row.get("orientation_deg", 0.0)))
    design_kw = building.design_heat_load_kw(model.design_temperature_degc)
    seed = row_seed(row["building"]) if "building" in row else int(row["seed"])
    series = demand_series(building, model.weather, radiators_for(design_kw),
                           model.draw_kwh(building.n_apartments, seed), model.dhw_pool[2])
    common = model.common_area(building, design_kw)
    boiler_kw = max(1.1 * design_kw, REFERENCE_BOILER_MIN_KW)
    reference = Variant("reference", gas_boiler_reference(boiler_kw), keeps_existing_boiler=False)
    inputs = model.defaults
    construction_year, age = building_dates(row, building, install_year=inputs.install_year)
    heating_hours = float(np.count_nonzero(series[0] > 0.0)) * model.weather.step_h
    case = _BuildingCase(building, design_kw, seed, common, tuple(series), float(common["auxiliary"].sum()), reference,
                         construction_year, age, replace(inputs.finance, n_apartments=building.n_apartments),
                         heating_hours)
    return replace(case, reference=_array_year(reference, case, model).option)


def building_dates(row: dict, building, *, install_year: int) -> tuple[int | None, float]:
    """Construction year and age at installation [years] of a row's building, for the subsidy rules.

    The row's ``year_built`` (a stock of :func:`mgwsim.stock.generate_stock`), else as
    :class:`~mgwsim.study.StudyInputs` defaults it (:func:`~mgwsim.study.inputs.default_construction_year`:
    the last year of the TABULA construction period; ``None`` for the open period from 2012, so
    that the call's construction-year condition is not checked and no grant is paid); the age
    as :func:`~mgwsim.study.inputs.default_building_age_years` (``install_year - year``).
    """
    year = row.get("year_built")
    if year is None or (isinstance(year, float) and math.isnan(year)):
        year = default_construction_year(building)
        return year, default_building_age_years(year, install_year)
    check_number(year, "year_built", owner="city_row", low=1800, high=install_year)
    if year != int(year):
        raise InputError(f"city_row.year_built = {year!r} must be a whole year")
    return int(year), default_building_age_years(int(year), install_year)


def _combination(name) -> Combination:
    if name not in CITY_COMBINATIONS:
        raise InputError(f"combination = {name!r} is not one of {', '.join(CITY_COMBINATIONS)}")
    return CITY_COMBINATIONS[name]


def _demand(building, design_kw: float, model: CityModel, seed: int) -> Demand:
    """:func:`mgwsim.simulate_demand` with the building's hot-water draws taken from the model's pool."""
    return simulate_demand(building, model.weather, radiators=radiators_for(design_kw),
                           design_temperature_degc=model.design_temperature_degc,
                           dhw_draws=model.dhw_draws(building.n_apartments, seed))


def variant_for(combination: Combination, design_kw: float, roof_m2: float, heat_pump_map):
    """The :class:`~mgwsim.study.Variant` of ``combination`` for a building of design load ``design_kw`` [kW].

    Sizing rules (mgwsim assumptions for screening, not a design): two units above 60 kW of
    design load (more when a unit would exceed ``MAX_UNIT_KW``), else one, each ``hp_share`` ×
    design load / units rounded to 5 kW (at least 10 kW, the smallest collective unit of the
    cost table); hot-water tank 20 l per kW of one unit (≥ 300 l) at 55 °C with a booster of
    15 % of the design load (≥ 6 kW); buffer 20 l per kW of heat pumps; backup at the full
    design load (gas boiler η 0.8 on GCV, or electric); PV on ``PV_ROOF_SHARE`` of the roof.
    """
    return _sized_variant(combination, design_kw, roof_m2, lambda unit_kw: scale_map(heat_pump_map, unit_kw))


def _sized_variant(combination: Combination, design_kw: float, roof_m2: float, unit_map):
    """:func:`variant_for` with ``unit_map(unit_kw)`` giving the heat-pump map of one unit."""
    hp_kw = combination.hp_share * design_kw
    n_units = max(2, math.ceil(hp_kw / MAX_UNIT_KW)) if design_kw > 60.0 else 1
    unit_kw = max(10.0, 5.0 * round(hp_kw / n_units / 5.0))
    cascade = HeatPumpCascade(unit_map(unit_kw), n_units)
    electric = combination.backup == "electric"
    backup = Backup("electric", design_kw, 1.0) if electric else Backup("gas_boiler", design_kw, 0.8)
    hot_water = HotWater(Tank(max(300.0, 20.0 * unit_kw), 55.0, 75.0), booster_kw=max(6.0, 0.15 * design_kw))
    plant = Plant(cascade, hot_water, Tank(20.0 * n_units * unit_kw, 20.0, 80.0), backup)
    pv = _pv_layout(roof_m2) if combination.pv else ()
    return Variant(combination.name, plant, pv=pv, keeps_existing_boiler=not electric)


@lru_cache(maxsize=16)
def _pv_layout(roof_m2: float) -> tuple:
    """The east-west PV arrays on ``PV_ROOF_SHARE`` of the roof (kept: a building's six PV combinations share them)."""
    return tuple(flat_roof_east_west(PV_ROOF_SHARE * roof_m2))


def _evaluate(variant, demand, common: dict, building, design_kw: float, model: CityModel) -> VariantResult:
    """One plant-year as :func:`mgwsim.study.evaluate_variant` judges it (no EV, heat-led): the study's
    :class:`~mgwsim.study.VariantResult` with :func:`~mgwsim.study.evaluate.assess_year` and the study's checks."""
    weather, inputs, plant = model.weather, model.defaults, variant.plant
    pv = _pv_kw(variant, model)
    out, run_hours, starts = _run_year(variant, _demand_series(demand, plant), common["total"], pv, model)
    hourly = plant_flows(out, plant, weather.index)
    system = SystemResult(plant, demand, hourly, pd.DataFrame({"run_hours": run_hours, "starts": starts}),
                          variant.control)
    load = hourly["plant_elec_kwh"].to_numpy() + common["total"]
    grid_import, grid_export = np.maximum(load - pv, 0.0), np.maximum(pv - load, 0.0)
    balance = pd.DataFrame({"grid_import_kwh": grid_import, "grid_export_kwh": grid_export, "pv_kwh": pv},
                           index=weather.index)
    year = assess_year(inputs, variant, system, grid_import, grid_export, pv_kwh=float(pv.sum()),
                       auxiliary_kwh=float(common["auxiliary"].sum()), building=building, design_heat_load_kw=design_kw)
    checks = _study_checks(inputs, variant, system, balance, year.epc, year.investments)
    return VariantResult(variant, system, pv, np.zeros(weather.n_hours), None, balance, year.bill, year.investments,
                         year.co2_kg, year.epc, checks, year.unmet_heat_eur)


def _pv_kw(variant, model: CityModel) -> np.ndarray:
    """AC output of the variant's PV [kW] (zeros without PV)."""
    return model.pv_kw_per_kwp * variant.pv_kwp if variant.pv else np.zeros(model.weather.n_hours)


def _demand_series(demand: Demand, plant) -> tuple:
    """The kernel's demand inputs of :func:`~mgwsim.demand.demand_series` from a ``Demand`` (as
    :func:`~mgwsim.system.simulate_system` takes them)."""
    d = demand.hourly
    dhw_kwh, cold, loop, surroundings = _hot_water_series(demand, plant)
    return (d["space_heating_kwh"].to_numpy(), dhw_kwh, d["supply_required_degc"].to_numpy(),
            d["return_required_degc"].to_numpy(), cold, surroundings, loop)


def _run_year(variant, series: tuple, other_kw: np.ndarray, pv: np.ndarray, model: CityModel, buffers=None):
    """The plant kernel for the variant's year: ``(out, run_hours, starts)`` of
    :func:`~mgwsim.system.simulate.run_plant` (``out`` in ``buffers`` when given)."""
    plant, air = variant.plant, model.temp_air_degc
    sh, dhw, supply, return_, cold, surroundings, loop = series
    return run_plant(plant, sh, dhw, supply, return_, air, air,
                     model.defrost if plant.heat_pumps is not None and plant.heat_pumps.defrost else model.no_defrost,
                     control=variant.control, pv_kw=pv, other_load_kw=other_kw, buffers=buffers,
                     cold_water_degc=cold, loop=loop, loop_surroundings_degc=surroundings)


def study_row_kpis(inputs: StudyInputs, result: VariantResult, reference: VariantResult, design_kw: float,
                   rules: DecisionRules) -> dict:
    """The columns of a city row from the study's objects: the business case of
    :func:`~mgwsim.study.study.variant_business_case` (the call's facts of
    :func:`~mgwsim.study.study.project_facts`, no renovation path) and the study's decision
    (:attr:`mgwsim.study.StudyResult.decision` of a study of this one variant under ``rules``).

    Shared by :func:`_city_row_reference` and :func:`mgwsim.batch.variant_row`.
    """
    case = variant_business_case(inputs, result, reference)
    study = StudyResult(Study(inputs, reference.variant, (result.variant,), rules), reference, [result], [case], {})
    decided = study.decision.table.loc[result.variant.name]
    kpis = result.system.kpis()
    year = _Year(design_kw, kpis["spf_h2"], kpis["backup_share"], kpis["unmet_hours"], decided["heating_hours"],
                 decided["dhw_short_hours"], kpis["space_heating_unmet_kwh"], result.unmet_heat_eur,
                 1.0 - result.co2_kg / reference.co2_kg, result.epc.indicator_kwh_per_m2,
                 float(sum(item.capex_eur for item in result.investments if item.first_year == 0)))
    verdict = _Verdict(tuple(decided["shortfalls"]), bool(decided["connection_feasible"]),
                       tuple(decided["lock_in_failures"]), decided["eligible"])
    return _row_kpis(year, _case_money(case), verdict)


def _case_money(case) -> arrays.Money:
    """The :class:`~mgwsim.batch._city_arrays.Money` of a :class:`~mgwsim.finance.BusinessCase` (``None`` as NaN)."""
    return arrays.Money(case.npv_eur, case.npv_eur - case.works_grants_pv_eur - case.study_grants_pv_eur,
                        case.npv_before_grants_eur, case.gap_before_grants_eur, case.subsidies.total_eur,
                        case.works_grants_eur, case.study_grants_eur, _nan(case.gap_covered_frac),
                        _nan(case.co2_avoided_t), _nan(case.gap_per_t_co2_eur), _nan(case.irr_frac), case.subsidies)


def _nan(value) -> float:
    return np.nan if value is None else float(value)


class _ArrayYear(NamedTuple):
    year: arrays.PlantYear
    option: Option
    peak_kw: float


def _array_year(variant, case: _BuildingCase, model: CityModel) -> _ArrayYear:
    """A variant's year on the array path: the kernel's annual sums, the :class:`~mgwsim.finance.Option`
    :func:`_evaluate` builds (investments, energy cost per carrier with the unmet heat, heat delivered,
    CO2) and the peak import [kW]."""
    constants, plant = model.year_constants, variant.plant
    pv = _pv_kw(variant, model)
    out = _run_year(variant, case.series, case.common["total"], pv, model, model.plant_buffers)[0]
    year = arrays.plant_year(out, pv, case.common["total"], plant.backup.kind != "gas_boiler", constants)
    gas_kwh = arrays.gas_kwh(year, plant.backup)
    inputs, peak_kw = model.defaults, float(year.peaks_kw.max())
    investments = variant_investments(variant, model.remembered_costs, access_power_kva=peak_kw,
                                      design_heat_load_kw=case.design_kw, peak_import_kw=peak_kw,
                                      existing_connection_kva=inputs.existing_connection_kva,
                                      existing_boiler_age_years=inputs.existing_boiler_age_years,
                                      connection_costs=inputs.connection_costs)
    co2_kg = arrays.co2_kg(year.grid_import_kwh, gas_kwh, constants.co2_kg_per_kwh, unmet_heat_kwh=year.sh_unmet_kwh)
    bill = arrays.bill_by_carrier(year, gas_kwh, constants, gas_connection=variant.keeps_gas_connection)
    option = Option(variant.name, tuple(investments), arrays.energy_cost_eur(bill, year, constants),
                    heat_delivered_mwh_per_year=(year.sh_delivered_kwh + year.dhw_delivered_kwh) / 1000.0,
                    co2_t_per_year=co2_kg / 1000.0)
    return _ArrayYear(year, option, peak_kw)


def _combination_kpis(variant, case: _BuildingCase, model: CityModel) -> dict:
    """:func:`study_row_kpis` of :func:`_evaluate` on arrays (:mod:`mgwsim.batch._city_arrays`), without pandas."""
    inputs, constants, plant = model.defaults, model.year_constants, variant.plant
    year, option, peak_kw = _array_year(variant, case, model)
    epc = arrays.epc_indicator(year, plant.backup, auxiliary_kwh=case.auxiliary_kwh, pv_kwh=year.pv_kwh,
                               heated_floor_area_m2=case.building.heated_floor_area_m2, factors=constants.epc_factors)
    statuses = arrays.lock_in_statuses(year, plant, inputs.install_year, model.refrigerant_status(plant),
                                       hot_water_tolerated_hours(float(model.weather.n_hours) * model.weather.step_h))
    failures = tuple(name for name in LOCK_IN_CHECKS if statuses[name] == "fail")
    money = arrays.business_case_kpis(option, case.reference, finance=case.finance, rules=inputs.subsidies,
                                      study_cost_eur=inputs.study_cost_incl_vat_eur,
                                      building_age_years=case.building_age_years,
                                      facts=_facts(case, plant, failures, epc), discounting=constants.discounting,
                                      reference_flows=case.reference_flows)
    connection = variant.connection == "mv" or arrays.connection_feasible(peak_kw, inputs.existing_connection_kva)
    eligibility = money.subsidies.eligibility()
    found = shortfalls({"cold_hours": year.unmet_hours,  # decoupled screening: unmet-heat hours
                         "heating_hours": case.heating_hours,
                        "dhw_short_hours": year.dhw_below_setpoint_hours, "hours": float(model.weather.n_hours),
                        "hygiene_ok": statuses[HYGIENE_CHECK] != "fail",
                        "connection_feasible": connection, "lock_in_failures": failures,
                        "eligible": eligibility.eligible, "failed_conditions": eligibility.failed,
                        "path": False, "epc_path_kwh_m2": epc, "construction_year": case.construction_year},
                       model.rules)
    k = arrays.system_kpis(year)
    energy = _Year(case.design_kw, k["spf_h2"], k["backup_share"], year.unmet_hours, case.heating_hours,
                   year.dhw_below_setpoint_hours, year.sh_unmet_kwh, option.energy_eur_per_year.get("unmet_heat", 0.0),
                   1.0 - option.co2_t_per_year / case.reference.co2_t_per_year, epc,
                   float(sum(item.capex_eur for item in option.investments if item.first_year == 0)))
    return _row_kpis(energy, money, _Verdict(tuple(found), connection, failures, eligibility.eligible))


def _facts(case: _BuildingCase, plant, lock_in_failures: tuple, epc_kwh_m2: float) -> dict:
    """The call's facts of a city row, as :func:`mgwsim.study.study.project_facts` gives them without a
    renovation path: today's lock-in failures and EPC indicator."""
    return {"construction_year": case.construction_year, "n_apartments_served": case.building.n_apartments,
            "has_heat_pump": plant.heat_pumps is not None or plant.hot_water.heat_pump is not None,
            "lock_in_failures": lock_in_failures, "epc_path_kwh_m2": epc_kwh_m2,
            "chimney_free_path": not plant.backup.is_combustion}


class _Year(NamedTuple):
    """The energy side of a row."""

    design_heat_load_kw: float
    spf_h2: float
    backup_share: float
    unmet_hours: float
    heating_hours: float
    dhw_short_hours: float
    unmet_heat_kwh: float
    unmet_heat_eur: float
    co2_reduction: float
    epc_kwh_m2: float
    investment_eur: float


class _Verdict(NamedTuple):
    """What the study's decision says of a row (:func:`mgwsim.study.decision.shortfalls`)."""

    shortfalls: tuple
    connection_feasible: bool
    lock_in_failures: tuple
    eligible: bool | None


def _row_kpis(year: _Year, money: arrays.Money, verdict: _Verdict) -> dict:
    """The columns of a city row (flags as :func:`mgwsim.stock.feasibility_summary` reads them; see docs/batch.md).

    ``shortfalls`` lists the keys of :func:`mgwsim.study.decision.shortfalls` in the decision's order, the
    failed lock-in checks in the order of :data:`~mgwsim.study.decision.LOCK_IN_CHECKS` (the study lists
    them in the order its checks ran).
    """
    keys = [s.key for s in verdict.shortfalls]
    lock_in = iter(sorted((key for key in keys if key in _LOCK_IN_RANK), key=_LOCK_IN_RANK.__getitem__))
    keys = [next(lock_in) if key in _LOCK_IN_RANK else key for key in keys]
    return {
        "design_heat_load_kw": float(year.design_heat_load_kw),
        "spf_h2": float(year.spf_h2),
        "backup_share": float(year.backup_share),
        "unmet_hours": int(year.unmet_hours),
        "heating_hours": int(year.heating_hours),
        "dhw_short_hours": int(year.dhw_short_hours),
        "unmet_heat_kwh": float(year.unmet_heat_kwh),
        "unmet_heat_eur": float(year.unmet_heat_eur),
        "co2_reduction": float(year.co2_reduction),
        "co2_avoided_t": float(money.co2_avoided_t),
        "epc_kwh_m2": float(year.epc_kwh_m2),
        "investment_eur": float(year.investment_eur),
        "subsidies_eur": float(money.subsidies_eur),
        "works_grants_eur": float(money.works_grants_eur),
        "study_grants_eur": float(money.study_grants_eur),
        "npv_eur": float(money.npv_eur),
        "npv_without_subsidy_eur": float(money.npv_without_subsidy_eur),
        "npv_before_grants_eur": float(money.npv_before_grants_eur),
        "gap_before_grants_eur": float(money.gap_before_grants_eur),
        "gap_covered_frac": float(money.gap_covered_frac),
        "gap_per_t_co2_eur": float(money.gap_per_t_co2_eur),
        "irr_frac": float(money.irr_frac),
        "no_unmet_heat": bool(year.unmet_hours == 0),
        "comfort_within_tolerance": "comfort" not in keys,
        "hot_water_within_tolerance": not {"hot_water", HYGIENE_CHECK} & set(keys),
        "connection_feasible": bool(verdict.connection_feasible),
        "lock_in_pass": not verdict.lock_in_failures,
        "eligible": None if verdict.eligible is None else bool(verdict.eligible),
        "qualifies": not keys,
        "shortfalls": "; ".join(keys),
        "npv_ge_0": bool(money.npv_without_subsidy_eur >= 0.0),
        "npv_with_subsidy_ge_0": bool(money.npv_eur >= 0.0),
        "no_gap_before_grants": bool(money.gap_before_grants_eur == 0.0),
    }


def city_table(stock: pd.DataFrame, combinations=None) -> pd.DataFrame:
    """Every building of ``stock`` × every combination: the input table of a city batch.

    Row ids ``"<building id>/<combination>"`` (stable: a re-run resumes), columns of the
    stock plus ``building`` (its id) and ``combination``.
    """
    names = list(CITY_COMBINATIONS if combinations is None else combinations)
    for name in names:
        _combination(name)
    if stock.index.has_duplicates:
        raise InputError("city_table: the stock's index (building id) must be unique")
    table = stock.loc[stock.index.repeat(len(names))].copy()
    table["building"] = table.index
    table["combination"] = np.tile(names, len(stock))
    table.index = pd.Index([f"{b}/{c}" for b, c in zip(table["building"], table["combination"], strict=True)],
                           name="row_id")
    return table
