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
import re
import threading
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd

from mgwsim._kept import kept_array
from mgwsim._numba import njit
from mgwsim.batch import _city_arrays as arrays
from mgwsim.batch._rows import row_seed
from mgwsim.building.dhw import simulate_dhw_draws
from mgwsim.battery import Battery
from mgwsim.building.emitters import EmitterUpgrade, radiators_for
from mgwsim.building.renovation import Insulate
from mgwsim.building.typology import building_from_typology
from mgwsim.demand import Demand, DemandSeries, demand_series, simulate_demand, step_count_hours, through_radiators
from mgwsim.errors import InputError, check_number
from mgwsim.ev import ChargingSite, generate_sessions, simulate_charging
from mgwsim.finance import Finance, Option
from mgwsim.heat_network import HeatNetwork
from mgwsim.heatpump import air_to_water, brine_to_water
from mgwsim.assess import epc_factors
from mgwsim.loads import common_area_load_arrays, epc_auxiliary_kw
from mgwsim.pv import flat_roof_east_west, pv_ac_kw_array
from mgwsim.simyear import LOCAL_TIMEZONE
from mgwsim.storage import Tank
from mgwsim.study import DecisionRules, Study, StudyInputs, StudyResult, Variant, VariantResult, scale_map
from mgwsim.study.costs import plant_investments, variant_investments
from mgwsim.study.decision import HYGIENE_CHECK, LOCK_IN_CHECKS, hot_water_tolerated_hours, shortfalls
from mgwsim.study.evaluate import _balance as _study_balance
from mgwsim.study.evaluate import _checks as _study_checks
from mgwsim.study.evaluate import _ev as _study_ev
from mgwsim.study.evaluate import _ev_grid_kwh as _study_ev_grid_kwh
from mgwsim.study.evaluate import _refrigerant, assess_year
from mgwsim.study.heat_sources import (
    DESIGN_EXTRACTION_W_PER_M,
    GROUND_SPF_GUESS,
    VDI_PEAK_DEVIATION_K,
    ExhaustAir,
    GroundLoop,
    WaterBody,
    exhaust_air_limit,
    map_for_source,
    water_source,
)
from mgwsim.study.inputs import default_building_age_years, default_construction_year
from mgwsim.study.study import variant_business_case
from mgwsim.system import (
    Backup,
    HeatPumpCascade,
    HotWater,
    Plant,
    SystemResult,
    gas_boiler_reference,
    heat_network_plant,
)
from mgwsim.system import kernel
from mgwsim.system.sources import borefield_brine_degc
from mgwsim.system.simulate import _check_in_grid, _defrost, _hot_water_series, plant_buffers, plant_flows, run_plant
from mgwsim.system.simulate import _params as _plant_params
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
        Heat pumps' share of the design heat load [-] (unit sizes: :func:`variant_for`); 0 for the heat network.
    backup : {"gas_boiler", "electric", "heat_network"}
        Keep a gas boiler as bivalent-parallel backup, go all-electric (chimney-free), or connect the building
        to the heat network instead of heat pumps (:data:`CITY_HEAT_NETWORK`: a substation, no heat pumps,
        ``hp_share`` 0; named ``heatnet``). The row needs the stock's ``heat_network_zone`` (:func:`city_row`).
    pv : bool
        East-west PV on ``PV_ROOF_SHARE`` of the roof.
    ev : bool
        EV charging on the parking (:func:`city_ev_site`, uncontrolled charging), on the common connection.
    mv : bool
        A private medium-voltage cabin with its tariff (access power and monthly peaks) and its cost.
    dynamic : bool
        Electricity bought on a dynamic (day-ahead indexed) contract.
    roof : bool
        Envelope step first: the roof insulated (:data:`ROOF_INSULATION`, priced by the cost table's
        ``roof_insulation`` row) before the heat pumps are sized on the lower design load.
    emitters : bool
        The emitter upgrade :data:`CITY_EMITTER_UPGRADE` (the worst radiators replaced, hydraulic balancing).
    battery : bool
        A collective battery (:func:`city_battery`) for PV self-consumption; needs ``pv``.
    source : {"air", "ground", "exhaust_air", "water"}
        The heat pumps' source (:func:`city_source_options`, :func:`city_source_series`): outdoor air, a
        borefield, the extract air of a mechanical extract ventilation, or a canal; named ``_gnd``, ``_exh``,
        ``_wat`` after ``_pv``.
    """

    hp_share: float
    backup: str
    pv: bool
    ev: bool = False
    mv: bool = False
    dynamic: bool = False
    roof: bool = False
    emitters: bool = False
    battery: bool = False
    source: str = "air"

    def __post_init__(self):
        if self.backup not in _BACKUP_LABELS:
            raise InputError(f"Combination.backup = {self.backup!r} must be 'gas_boiler', 'electric' or 'heat_network'")
        if self.source not in _SOURCE_LABELS:
            allowed = ", ".join(map(repr, _SOURCE_LABELS))
            raise InputError(f"Combination.source = {self.source!r} must be one of {allowed}")
        if self.heat_network:
            if self.hp_share != 0.0:
                raise InputError(f"Combination.hp_share = {self.hp_share!r} with backup 'heat_network' must be 0: the "
                                 "building connects to the heat network instead of heat pumps")
            if self.source != "air":
                raise InputError(f"Combination.source = {self.source!r} with backup 'heat_network': the heat network "
                                 "has no heat pumps, so no heat source; allowed: 'air' (the default)")
        else:
            check_number(self.hp_share, "hp_share", owner="Combination", low=0.1, high=1.5)
        if self.battery and not self.pv:
            raise InputError("Combination.battery = True needs pv = True (the city battery stores PV surplus)")

    @property
    def heat_network(self) -> bool:
        """The building connects to the heat network (a substation) instead of heat pumps."""
        return self.backup == "heat_network"

    @cached_property
    def name(self) -> str:
        techniques = "".join(f"_{label}" for label, field_name in _TECHNIQUE_LABELS if getattr(self, field_name))
        source = _SOURCE_LABELS[self.source]
        plant = "heatnet" if self.heat_network else f"hp{round(100 * self.hp_share)}_{_BACKUP_LABELS[self.backup]}"
        return f"{plant}{'_pv' if self.pv else ''}{'_' + source if source else ''}{techniques}"

    @property
    def plant_key(self) -> tuple:
        """What the heat plant's year depends on: combinations with the same key share one plant run. PV is
        not part of it: a heat-led plant without an import limit (the city's control) does not see the
        connection (the kernel's electricity budget is the 1e300 of no limit, PV and other loads added to it
        leave it unchanged), so PV, EV, battery, tariff and connection change only the grid side."""
        return (self.hp_share, self.backup, self.roof, self.emitters, self.source)

    @classmethod
    def from_name(cls, name: str) -> Combination:
        """The combination named ``name`` (:attr:`name`, e.g. ``"hp50_gas_pv_ev_bat"``, ``"hp70_elec_pv_gnd"``,
        ``"heatnet_emit"``)."""
        match = _NAME.fullmatch(str(name))
        order = ", ".join("_" + label for label, _ in _TECHNIQUE_LABELS)
        if match is None:
            sources = ", ".join("_" + label for label in _SOURCE_LABELS.values() if label)
            raise InputError(f"combination = {name!r} is not one of {', '.join(CITY_COMBINATIONS)} nor a name like "
                             f"them (or 'heatnet' for the heat network) with a source {sources} after '_pv' and "
                             f"techniques {order} added in this order (e.g. 'hp50_gas_pv_ev_bat', 'hp70_elec_pv_gnd')")
        labels = set((match.group(6) or "").split("_")[1:])
        source = {label: key for key, label in _SOURCE_LABELS.items()}[(match.group(5) or "").lstrip("_")]
        if match.group(3):
            share, backup = 0.0, "heat_network"
        else:
            share, backup = int(match.group(1)) / 100.0, "gas_boiler" if match.group(2) == "gas" else "electric"
        combination = cls(share, backup, bool(match.group(4)), **{f: label in labels for label, f in _TECHNIQUE_LABELS},
                          source=source)
        if combination.name != name:
            raise InputError(f"combination = {name!r}: techniques must be in the order {order} (here "
                             f"{combination.name!r})")
        return combination


_TECHNIQUE_LABELS = (("ev", "ev"), ("mv", "mv"), ("dyn", "dynamic"), ("roof", "roof"), ("emit", "emitters"),
                     ("bat", "battery"))
"""Name suffix and :class:`Combination` field of each technique, in the order of the name."""
_SOURCE_LABELS = {"air": "", "ground": "gnd", "exhaust_air": "exh", "water": "wat"}
"""Name suffix of each heat source (air, the default, has none)."""
_BACKUP_LABELS = {"gas_boiler": "gas", "electric": "elec", "heat_network": "heatnet"}
_NAME = re.compile(r"(?:hp(\d+)_(gas|elec)|(heatnet))(_pv)?(_(?:gnd|exh|wat))?((?:_(?:ev|mv|dyn|roof|emit|bat))*)")

CITY_COMBINATIONS: dict[str, Combination] = {
    c.name: c for c in (Combination(share, backup, pv) for share in (0.3, 0.5, 0.7)
                        for backup in ("gas_boiler", "electric") for pv in (False, True))
}
"""Twelve combinations a city compares: heat pumps at 30/50/70 % of the design load × gas or
electric backup × with or without PV (names like ``hp50_gas_pv``)."""


def _rich() -> dict[str, Combination]:
    found = dict(CITY_COMBINATIONS)
    for base in (Combination(0.5, "gas_boiler", True), Combination(0.7, "electric", True)):
        for _, field_name in _TECHNIQUE_LABELS:
            one = replace(base, **{field_name: True})
            found[one.name] = one
    for extra in (Combination(0.7, "electric", True, ev=True, dynamic=True, roof=True, emitters=True, battery=True),
                  Combination(1.0, "electric", True, roof=True, emitters=True),
                  Combination(0.7, "electric", True, source="ground"),
                  Combination(0.7, "electric", True, source="water"),
                  Combination(0.5, "gas_boiler", True, source="exhaust_air"), Combination(0.0, "heat_network", False),
                  Combination(0.0, "heat_network", False, emitters=True)):
        found[extra.name] = extra
    return found


RICH_COMBINATIONS: dict[str, Combination] = _rich()
"""The twelve :data:`CITY_COMBINATIONS`, each technique (EV, MV cabin, dynamic tariff, roof insulation
first, emitter upgrade, battery) added alone to a hybrid (``hp50_gas_pv``) and to an all-electric
plant (``hp70_elec_pv``), everything but the MV cabin on ``hp70_elec_pv``, and a full-size all-electric
plant after the roof and the emitters (``hp100_elec_pv_roof_emit``), the other heat sources (ground and canal water on
the all-electric ``hp70_elec_pv``, exhaust air on the hybrid ``hp50_gas_pv``: an exhaust-air unit is small, the flow
limits it) and the heat network alone and after the emitter upgrade (``heatnet``, ``heatnet_emit``): 31 combinations."""

COMBINATION_SETS = {"simple": CITY_COMBINATIONS, "rich": RICH_COMBINATIONS}
"""Named sets of combinations (``mgwsim stock --combinations``)."""

EV_CARS_PER_APARTMENT = 0.3
"""Electric cars charging on the building's parking per apartment [-] (mgwsim screening assumption for
the study's horizon, not verified: Flemish apartment blocks have fewer parking places than apartments
and a minority of cars is electric); one charge point per car (:func:`city_ev_site`)."""
BATTERY_KWH_PER_KWP = 1.0
"""Usable battery capacity per kWp of PV [kWh/kWp] (mgwsim screening assumption, not verified: the
order of a day's PV surplus in spring of a collective load)."""
BATTERY_C_RATE = 0.5
"""Battery power per kWh of capacity [kW/kWh] (mgwsim assumption: a 2-hour stationary battery)."""
ROOF_INSULATION = Insulate("roof", target_u_w_m2k=0.24)
"""The envelope step of the ``roof`` technique: the roof to U = 0.24 W/(m²·K), the Flemish EPB maximum
for a renovated roof (Energiebesluit, U_max 0.24 W/(m²·K) since 2014)."""
CITY_EMITTER_UPGRADE = EmitterUpgrade(share=0.5, output_factor=2.0, balancing=True, name="emitter upgrade")
"""The ``emitters`` technique: half the existing design output replaced by radiators of twice the output
(e.g. type 22 for type 11, the worst-placed ones first) and the system balanced (mgwsim screening
assumption; effect by the radiator equation, :class:`~mgwsim.building.emitters.EmitterUpgrade`)."""
CITY_HEAT_NETWORK = HeatNetwork("heat network")
"""The network a ``heatnet`` combination connects to: the :class:`~mgwsim.heat_network.HeatNetwork` defaults, i.e.
70 °C guaranteed at the substation minus a 5 K approach (mgwsim assumptions, not an operator's figure), the
NMDA heat tariff built from the study's gas tariff (:func:`~mgwsim.heat_network.nmda_tariff`), the EPB default
factors of external heat (efficiency 97 %, primary factor 2.0: VEKA, EPB-pedia "Externe warmte"), the CO2 of
heat from gas at 90 %, and the cost table's ``heat_network_connection`` fee and ``heat_network_substation``."""
CITY_GROUND_LOOP = GroundLoop()
"""The borefield of a ``_gnd`` combination before sizing (:class:`~mgwsim.study.heat_sources.GroundLoop`
defaults: 100 m boreholes 6 m apart, ground at 11.5 °C, λ 2.2 W/(m·K), finite line source, 20 years)."""
CITY_WATER_BODY = WaterBody("canal")
"""The water of a ``_wat`` combination: a canal (:class:`~mgwsim.study.heat_sources.WaterBody` profile, an mgwsim
assumption of a Flemish canal's annual cycle) through a plate exchanger; it needs the waterway manager's
permission (:attr:`~mgwsim.study.heat_sources.WaterBody.permit_note`), a row's ``needs_permit``."""


@lru_cache(maxsize=256)
def city_ev_site(n_apartments: int) -> ChargingSite:
    """The parking's charge points of a building: :data:`EV_CARS_PER_APARTMENT` cars per apartment (at
    least one), one 11 kW point each (:class:`~mgwsim.ev.ChargingSite` defaults, home charging); kept per size
    (a site checks its sessions' energy when built)."""
    cars = max(1, round(EV_CARS_PER_APARTMENT * int(n_apartments)))
    return ChargingSite(n_points=cars, n_cars=cars)


def city_battery(pv_kwp: float) -> Battery:
    """The city battery for ``pv_kwp`` [kWp] of PV: :data:`BATTERY_KWH_PER_KWP` per kWp, power at
    :data:`BATTERY_C_RATE` (other parameters: :class:`~mgwsim.battery.Battery` defaults)."""
    kwh = max(BATTERY_KWH_PER_KWP * float(pv_kwp), 1.0)
    return Battery(capacity_kwh=kwh, power_kw=BATTERY_C_RATE * kwh)


CITY_STEPS = {"1h": 1.0, "15min": 0.25}
"""Time steps of city rows (:class:`CityModel` ``step``) and their length [h]."""


def _stepped(weather, step: str | None):
    """``weather`` on ``step`` (:data:`CITY_STEPS`): an hourly year made 15-minute, or as it is."""
    if step is None:
        return weather
    if step not in CITY_STEPS:
        raise InputError(f"CityModel.step = {step!r}; allowed: {', '.join(map(repr, CITY_STEPS))}")
    if weather.step_h == CITY_STEPS[step]:
        return weather
    if step == "15min":
        return weather.to_quarter_hours()
    raise InputError(f"CityModel.step = '1h' but the weather has a step of {weather.step_h * 60:g} min; allowed: "
                     "an hourly weather, or step '15min' (or None) for this one")


class CityModel:
    """The shared preparation of :func:`city_row` (picklable; built lazily in each worker).

    Parameters
    ----------
    weather : Weather, optional
        An hourly or 15-minute year (any time zone: laid on its local calendar year with
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
    step : {"1h", "15min"}, optional
        The rows' time step; default the weather's. ``"15min"`` makes an hourly weather a 15-minute
        year (:meth:`~mgwsim.weather.Weather.to_quarter_hours`: energies kept, irradiance held per hour),
        so that the monthly peaks of the capacity tariff are quarter-hour peaks (Fluvius' "maandpiek",
        the highest 15-minute average offtake of the month) and every flow, bill and business case runs
        on quarter hours; ``"1h"`` refuses a 15-minute weather. Hourly steps bill the hourly mean peaks,
        a lower bound of the billed ones (:func:`mgwsim.tariffs.monthly_peaks_kw`).
    """

    def __init__(self, weather=None, *, heat_pump_map=None, pool_seed: int = 0, orientation_step_deg: float = 5.0,
                 rules: DecisionRules | None = None, step: str | None = None):
        # one calendar: the year is laid on its local calendar year (12 billing months), as in StudyInputs
        self.weather = _stepped(weather if weather is not None else default_weather(), step).calendar_year()
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
        self._ev: dict = {}
        self._scratch = threading.local()

    def __getstate__(self):
        state = {**self.__dict__, "_cases": {}, "_unit_maps": {}, "_refrigerant": {}, "_ev": {}}
        del state["_scratch"]
        for lazy in ("local_index", "dhw_pool", "pv_kw_per_kwp", "defaults", "defrost", "no_defrost",
                     "design_temperature_degc", "day_ahead", "year_constants", "temp_air_degc", "remembered_costs",
                     "year_hours"):
            state.pop(lazy, None)  # rebuilt in each worker rather than shipped
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._scratch = threading.local()

    @property
    def batch_key(self) -> str | None:
        """What a batch's manifest records of this model (:func:`mgwsim.batch.run_batch` resumes only on the same):
        ``"step=15min"`` at 15-minute steps, ``None`` at hourly ones (the manifests of before steps were chosen)."""
        return None if self.weather.step_h == 1.0 else "step=15min"

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
    def year_hours(self) -> float:
        """Hours the weather covers [h] (steps × step)."""
        return float(self.weather.n_hours) * self.weather.step_h

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
        key = tuple(None if c is None else (c.performance.source.kind, c.performance.rated_capacity_kw)
                    for c in (plant.heat_pumps, plant.hot_water.heat_pump))
        status = self._refrigerant.get(key)
        if status is None:
            status = self._refrigerant[key] = _refrigerant(plant, self.defaults).status
        return status

    def ev_kw(self, site: ChargingSite) -> np.ndarray:
        """The cars' charging power of ``site`` [kW per hour], uncontrolled, as :func:`mgwsim.study.evaluate._ev`
        draws and charges them (:func:`~mgwsim.ev.generate_sessions` with the study's seed,
        :func:`~mgwsim.ev.simulate_charging`), kept per site: uncontrolled charging does not depend on the
        building's other loads, and sites of the same size repeat across a stock."""
        found = self._ev.get(site)
        if found is None:
            if len(self._ev) >= 64:
                self._ev.clear()
            sessions = generate_sessions(self.weather.index, site, seed=self.defaults.seed)
            result = simulate_charging(sessions, "uncontrolled", other_load_kw=np.zeros(self.weather.n_hours),
                                       price_eur_per_kwh=self.day_ahead)
            found = self._ev[site] = result.ev_kw.to_numpy()
            found.flags.writeable = False
        return found

    @cached_property
    def brine_map(self):
        """One brine/water unit for the ground and water sources (:func:`mgwsim.heatpump.brine_to_water` "R290",
        50 kW; replace it in ``model.__dict__`` before the first row to study another)."""
        return brine_to_water("R290", 50.0)

    @cached_property
    def water_degc(self) -> np.ndarray:
        """The source temperature of :data:`CITY_WATER_BODY` after its plate exchanger [°C per hour]
        (:func:`mgwsim.study.heat_sources.water_source`)."""
        return water_source(CITY_WATER_BODY, self.weather.index)[0]

    def unit_map(self, unit_kw: float, source: str = "air"):
        """The heat-pump map of ``source`` (:func:`source_map`) scaled to one unit of ``unit_kw`` [kW]
        (:func:`mgwsim.study.scale_map`), kept: unit sizes are multiples of 5 kW, so a stock has few."""
        scaled = self._unit_maps.get((unit_kw, source))
        if scaled is None:
            scaled = self._unit_maps[unit_kw, source] = source_map(self.heat_pump_map, self.brine_map, source, unit_kw)
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
    return _on_site(_combination_kpis(combination, case, model), combination, row)


_SITE_SHORTFALLS = {
    "no_heat_network": "no heat network here: the row's heat_network_zone is not true",
    "no_extract_ventilation": "no mechanical extract ventilation (system C) for an exhaust-air heat pump: the row's "
                              "mechanical_extract is not true",
}
"""The shortfalls of :func:`_on_site` (the map's ``site`` condition) and what they mean."""


def _on_site(kpis: dict, combination: Combination, row: dict) -> dict:
    """The row's KPIs judged on its site: a heat network needs the row's ``heat_network_zone`` true (the building
    lies in a heat-network zone of the city's plan), an exhaust-air heat pump its ``mechanical_extract`` true (a
    mechanical extract ventilation, system C, whose extract air it uses); both default to false (optional stock
    columns). A row that lacks them is computed as if it had them (what the technique would give), but fails:
    ``site_ready`` false, ``qualifies`` false, the shortfall (:data:`_SITE_SHORTFALLS`) first in ``shortfalls``
    and ``site`` first in ``fails``."""
    missing = [key for key, needed in (("no_heat_network", combination.heat_network and "heat_network_zone"),
                                       ("no_extract_ventilation", combination.source == "exhaust_air"
                                        and "mechanical_extract"))
               if needed and not _true(row.get(needed), needed)]
    if not missing:
        return kpis
    return {**kpis, "qualifies": False, "site_ready": False,
            "shortfalls": "; ".join(missing + ([kpis["shortfalls"]] if kpis["shortfalls"] else [])),
            "fails": "; ".join(["site"] + ([kpis["fails"]] if kpis["fails"] else []))}


def _true(value, column: str) -> bool:
    """A stock column's flag: true for True, 1 or "true"/"yes"/"1" (any case); false when missing, NaN or NA."""
    if isinstance(value, str):
        flag = value.strip().lower()
        if flag not in ("true", "false", "yes", "no", "1", "0", ""):
            raise InputError(f"city_row.{column} = {value!r}; allowed: true/false, yes/no, 1/0 (or missing: false)")
        return flag in ("true", "yes", "1")
    if value is None or pd.isna(value):  # None, NaN, pd.NA: a stock without the column's value
        return False
    if value not in (True, False, 0, 1):
        raise InputError(f"city_row.{column} = {value!r}; allowed: true/false, yes/no, 1/0 (or missing: false)")
    return bool(value)


def _city_row_reference(row: dict, model: CityModel) -> dict:
    """:func:`city_row` through the study objects (``SystemResult``, ``assess_year``, ``business_case``):
    the reference of the array path, slower (pandas) but built from the study's own functions."""
    combination = _combination(row.get("combination"))
    case = model.building_case(row)
    state = case.state(combination, model)
    variant = _case_variant(combination, case, state, model,
                            lambda kw, source="air": source_map(model.heat_pump_map, model.brine_map, source, kw))
    inputs = _study_inputs(case, model)
    result = _evaluate(variant, _study_demand(case, model, state), case.common, case.building, case.design_kw, model,
                       inputs)
    return _on_site(study_row_kpis(inputs, result, _study_reference(case, model), state.design_kw, model.rules),
                    combination, row)


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
    states: dict = field(default_factory=dict)
    """The building's :class:`_State` per (roof insulated, emitters upgraded), built when a combination first asks."""
    plants: dict = field(default_factory=dict)
    """The plant's year per :attr:`Combination.plant_key` (:func:`mgwsim.batch._city_arrays.plant_sums`), kept
    for the building's other combinations with the same plant."""

    def state(self, combination: Combination, model: CityModel) -> _State:
        """The building as the combination heats it: roof insulated or not, radiators upgraded or not."""
        return self.state_of((combination.roof, combination.emitters), model)

    def state_of(self, key: tuple, model: CityModel) -> _State:
        """The :class:`_State` of ``key`` = (roof insulated, emitters upgraded), built when first asked."""
        found = self.states.get(key)
        if found is None:
            found = self.states[key] = _state(self, key, model)
        return found


class _State(NamedTuple):
    """A building state a combination heats: its demand series, heating hours and design load."""

    building: object
    radiators: object
    series: tuple
    heating_hours: float
    design_kw: float
    """Design heat load of this state [kW]: the heat pumps and the backup are sized on it."""


def _state(case: _BuildingCase, key: tuple, model: CityModel) -> _State:
    """The :class:`_State` of ``key`` = (roof insulated, emitters upgraded): the roof by :data:`ROOF_INSULATION`,
    the existing radiators (sized on today's design load) by :data:`CITY_EMITTER_UPGRADE`. The upgraded
    radiators heat the zone of the state without them (:func:`~mgwsim.demand.through_radiators`: the zone does
    not see its emitters), so a building's zone runs once per roof."""
    roof, emitters = key
    if emitters:
        plain = case.state_of((roof, False), model)
        radiators = CITY_EMITTER_UPGRADE.apply(plain.radiators)
        series = through_radiators(DemandSeries(*plain.series), radiators, model.weather.step_h)
        return _State(plain.building, radiators, tuple(series), plain.heating_hours, plain.design_kw)
    radiators = radiators_for(case.design_kw)
    if not roof:
        return _State(case.building, radiators, case.series, case.heating_hours, case.design_kw)
    building = ROOF_INSULATION.apply(case.building)
    draws = case.study.get("draw_kwh")
    if draws is None:
        draws = case.study["draw_kwh"] = model.draw_kwh(building.n_apartments, case.draws_seed)
    series = tuple(demand_series(building, model.weather, radiators, draws, model.dhw_pool[2]))
    hours = float(np.count_nonzero(series[0] > 0.0)) * model.weather.step_h
    return _State(building, radiators, series, hours, building.design_heat_load_kw(model.design_temperature_degc))


def _study_demand(case: _BuildingCase, model: CityModel, state: _State | None = None) -> Demand:
    """The building's ``Demand`` (:func:`mgwsim.simulate_demand`) in ``state`` (default today's), kept on the case."""
    key = ("demand",) if state is None or state.series is case.series else ("demand", id(state))
    if key not in case.study:
        if state is None or state.series is case.series:
            case.study[key] = _demand(case.building, case.design_kw, model, case.draws_seed)
        else:
            case.study[key] = simulate_demand(state.building, model.weather, radiators=state.radiators,
                                              design_temperature_degc=model.design_temperature_degc,
                                              dhw_draws=model.dhw_draws(state.building.n_apartments, case.draws_seed))
    return case.study[key]


def _study_inputs(case: _BuildingCase, model: CityModel) -> StudyInputs:
    """The :class:`~mgwsim.study.StudyInputs` of the building (the model's defaults with the building, its
    construction year and age and its apartments in the finance), kept on the case."""
    if "inputs" not in case.study:
        case.study["inputs"] = replace(model.defaults, building=case.building, construction_year=case.construction_year,
                                       building_age_years=case.building_age_years, finance=case.finance,
                                       radiators=radiators_for(case.design_kw))
    return case.study["inputs"]


def _study_reference(case: _BuildingCase, model: CityModel) -> VariantResult:
    """The building's reference through :func:`_evaluate` (the study objects), kept on the case."""
    if "reference" not in case.study:
        case.study["reference"] = _evaluate(case.reference_variant, _study_demand(case, model), case.common,
                                            case.building, case.design_kw, model, _study_inputs(case, model))
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
    return replace(case, reference=_array_year(reference, case, model, plant_key=REFERENCE_PLANT_KEY).option)


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
    found = RICH_COMBINATIONS.get(name)
    return found if found is not None else _parsed_combination(name)


@lru_cache(maxsize=256)
def _parsed_combination(name) -> Combination:
    return Combination.from_name(name)


def _demand(building, design_kw: float, model: CityModel, seed: int) -> Demand:
    """:func:`mgwsim.simulate_demand` with the building's hot-water draws taken from the model's pool."""
    return simulate_demand(building, model.weather, radiators=radiators_for(design_kw),
                           design_temperature_degc=model.design_temperature_degc,
                           dhw_draws=model.dhw_draws(building.n_apartments, seed))


def variant_for(combination: Combination, design_kw: float, roof_m2: float, heat_pump_map, *, brine_map=None,
                building=None, exhaust_air_kw: float | None = None, series: tuple | None = None,
                step_h: float = 1.0):
    """The :class:`~mgwsim.study.Variant` of ``combination`` for a building of design load ``design_kw`` [kW].

    Sizing rules (mgwsim assumptions for screening, not a design): two units above 60 kW of
    design load (more when a unit would exceed ``MAX_UNIT_KW``), else one, each ``hp_share`` ×
    design load / units rounded to 5 kW (at least 10 kW, the smallest collective unit of the
    cost table); hot-water tank 20 l per kW of one unit (≥ 300 l) at 55 °C with a booster of
    15 % of the design load (≥ 6 kW); buffer 20 l per kW of heat pumps; backup at the full
    design load (gas boiler η 0.8 on GCV, or electric); PV on ``PV_ROOF_SHARE`` of the roof.
    The heat source's own sizing is :func:`city_source_options` (ground and water units from
    ``brine_map``, default :attr:`CityModel.brine_map`'s; exhaust-air units at most ``exhaust_air_kw``
    [kW], :func:`exhaust_air_heat_kw`, with the ``building``'s extract flow, in one unit up to ``MAX_UNIT_KW``;
    ground units need the demand
    ``series`` for their borefield's load). A heat network (``heatnet``) is a substation of the reference
    boiler's size (1.1 × design load, at least ``REFERENCE_BOILER_MIN_KW``) with the reference's
    1000 l tank (:func:`mgwsim.system.heat_network_plant`), connected to :data:`CITY_HEAT_NETWORK`.
    """
    brine = brine_to_water("R290", 50.0) if brine_map is None and combination.source in ("ground", "water") \
        else brine_map
    return _sized_variant(combination, design_kw, roof_m2,
                          lambda unit_kw, source="air": source_map(heat_pump_map, brine, source, unit_kw),
                          building=building, exhaust_air_kw=exhaust_air_kw, series=series, step_h=step_h)


def source_map(air_map, brine_map, source: str, unit_kw: float):
    """One unit of ``unit_kw`` [kW] for ``source``: the air map for air and exhaust air, the brine map for the
    ground and water, scaled (:func:`mgwsim.study.scale_map`) and labelled for the source
    (:func:`mgwsim.study.heat_sources.map_for_source`: an exhaust-air unit is an air/water unit on warm air, a
    water unit a brine/water unit behind a plate exchanger)."""
    base = air_map if source in ("air", "exhaust_air") else brine_map
    return map_for_source(scale_map(base, unit_kw), source)


MAX_BOREHOLES = 400
"""Most boreholes of a city borefield (a 20 × 20 grid), as :func:`~mgwsim.study.heat_sources.size_ground_loop`
bounds its search: a load they cannot carry keeps them, and the run shows the cold brine (the units stop, the
backup takes over)."""
GROUND_KWH_PER_M_YEAR = DESIGN_EXTRACTION_W_PER_M * 2400.0 / 1000.0
"""Annual heat extraction per metre of borehole of the city's ground sizing [kWh/(m·year)]: the VDI 4640-2:2001
Table 2 value (50 W/m) times the 2400 full-load hours it holds for, 120 kWh/(m·year) (mgwsim's reading of the
table for plants running longer than 2400 h, not a VDI figure)."""


def city_source_options(combination: Combination, rated_kw: float, building=None, ground_kwh: float = 0.0):
    """The heat source's parameters of a city variant whose heat pumps are rated ``rated_kw`` [kW] in all
    (screening rules; ``None`` for air):

    * ground: :data:`CITY_GROUND_LOOP` with the longer of the VDI 4640-2:2001 rule of thumb of
      :meth:`~mgwsim.study.heat_sources.GroundLoop.sized` (rated capacity × (1 − 1/SPF 4) / 50 W/m) and the
      annual ground load (``ground_kwh`` [kWh/year], :func:`city_source_series`' first guess) over
      :data:`GROUND_KWH_PER_M_YEAR`, to 10 m: the table is meant for fields up to 30 kW, so the year-20 brine
      shows whether the field is long enough; :func:`_sized_variant` then lengthens it once toward the study's
      VDI floor (:func:`lengthen_to_vdi_floor`; below the map's −5 °C the units stop and the backup takes over);
    * exhaust air: the building's hygienic extract flow, the typology's ventilation air change rate × heated
      volume (TABULA n_air_use; a mechanical extract ventilation, system C, must exist: :func:`city_row`'s
      ``mechanical_extract``);
    * water: :data:`CITY_WATER_BODY`.
    """
    if combination.source == "ground":
        # GroundLoop.sized's VDI 4640-2 rule, before its length is checked (a tower's exceeds 400 boreholes)
        rule = max(20.0, round(rated_kw * (1.0 - 1.0 / GROUND_SPF_GUESS) * 1000.0 / DESIGN_EXTRACTION_W_PER_M, -1))
        length = max(rule, round(ground_kwh / GROUND_KWH_PER_M_YEAR, -1))
        return replace(CITY_GROUND_LOOP, total_length_m=float(min(length, MAX_BOREHOLES * CITY_GROUND_LOOP.depth_m)))
    if combination.source == "exhaust_air":
        if building is None:
            raise InputError("city_source_options: an exhaust-air combination needs the building (its extract flow)")
        return ExhaustAir(airflow_m3_h=building.ventilation.air_change_per_h * building.heated_volume_m3)
    if combination.source == "water":
        return CITY_WATER_BODY
    return None


def exhaust_air_heat_kw(options: ExhaustAir, performance, supply_degc: float) -> float:
    """The heat an exhaust-air unit can give at the supply temperature ``supply_degc`` [°C] (the building's
    highest required supply + 3 K, as the study's :func:`~mgwsim.study.heat_sources.exhaust_air_limit`) [kW]:
    the evaporator's limit × COP / (COP − 1), energy balance of the heat pump (EN ISO 13789:2017 ρc of air),
    COP of ``performance`` at the extract temperature; the city sizes the exhaust-air units on it."""
    supply = float(np.clip(supply_degc, performance.sink_degc[0], performance.sink_degc[-1]))
    cop = float(np.asarray(performance.cop_at(np.array([options.extract_degc]), np.array([supply])))[0])
    cop = cop if np.isfinite(cop) and cop > 1.0 else 2.0
    return options.evaporator_limit_kw(options.airflow_m3_h) * cop / (cop - 1.0)


def _case_variant(combination: Combination, case: _BuildingCase, state: _State, model: CityModel, unit_map):
    """The :class:`~mgwsim.study.Variant` of ``combination`` for the building of ``case``: :func:`variant_for`
    sized on the design load of ``state`` (after the roof insulation when the combination insulates first),
    with the combination's techniques (:class:`Combination`): the cars of :func:`city_ev_site` charged
    uncontrolled, the MV cabin, the dynamic contract, the emitter upgrade :data:`CITY_EMITTER_UPGRADE`, the
    battery of :func:`city_battery` and the roof insulation (cost table ``roof_insulation`` by the roof's
    area, when the roof is worse than :data:`ROOF_INSULATION`'s U) among the extra investments."""
    variant = _plant_variant(combination, case, state, unit_map, model.weather.step_h)
    if not any(getattr(combination, f) for _, f in _TECHNIQUE_LABELS):
        return variant if variant.name == combination.name else replace(variant, name=combination.name)
    extra = ()
    if combination.roof and any(e.kind == "roof" and e.u_w_m2k > ROOF_INSULATION.target_u_w_m2k
                                for e in case.building.elements):  # a roof already as good costs nothing
        area = case.building.area_m2("roof")
        extra = model.remembered_costs.investments("roof_insulation", area, name=f"roof insulation {area:.0f} m2")
    return replace(variant, name=combination.name,
                   ev=city_ev_site(case.building.n_apartments) if combination.ev else None,
                   connection="mv" if combination.mv else "lv", dynamic_tariff=combination.dynamic,
                   emitter_upgrade=CITY_EMITTER_UPGRADE if combination.emitters else None,
                   battery=city_battery(variant.pv_kwp) if combination.battery else None,
                   extra_investments=tuple(extra))


def _plant_variant(combination: Combination, case: _BuildingCase, state: _State, unit_map, step_h: float):
    """:func:`_sized_variant` of ``combination``'s plant, with or without its PV and none of its other techniques,
    kept on the case: the building's combinations share it (the plant is sized alike with or without PV, the
    PV laid on the roof alike for every plant)."""
    key = ("variant", combination.plant_key, combination.pv, unit_map)
    variant = case.plants.get(key)
    if variant is not None:
        return variant
    plant_only = replace(combination, ev=False, mv=False, dynamic=False, battery=False)
    twin = case.plants.get(("variant", combination.plant_key, not combination.pv, unit_map))
    if twin is not None:
        pv = _pv_layout(case.building.area_m2("roof")) if combination.pv else ()
        variant = replace(twin, name=plant_only.name, pv=pv)
    else:
        exhaust_kw = None
        if combination.source == "exhaust_air":
            options = city_source_options(combination, 0.0, state.building)
            exhaust_kw = exhaust_air_heat_kw(options, unit_map(10.0, "exhaust_air"), float(state.series[2].max()) + 3.0)
        variant = _sized_variant(plant_only, state.design_kw, case.building.area_m2("roof"), unit_map,
                                 building=state.building, exhaust_air_kw=exhaust_kw, series=state.series,
                                 step_h=step_h)
    case.plants[key] = variant
    return variant


def _sized_variant(combination: Combination, design_kw: float, roof_m2: float, unit_map, *, building=None,
                   exhaust_air_kw: float | None = None, series: tuple | None = None, step_h: float = 1.0):
    """:func:`variant_for` with ``unit_map(unit_kw, source)`` giving the heat-pump map of one unit."""
    pv = _pv_layout(roof_m2) if combination.pv else ()
    if combination.heat_network:
        plant = heat_network_plant(max(1.1 * design_kw, REFERENCE_BOILER_MIN_KW))
        return Variant(combination.name, plant, pv=pv, keeps_existing_boiler=False, heat_network=CITY_HEAT_NETWORK)
    hp_kw = combination.hp_share * design_kw
    if combination.source == "ground" and series is None:
        raise InputError("variant_for: a ground-source combination needs the demand series (its borefield's load)")
    if combination.source == "exhaust_air":
        if exhaust_air_kw is None:
            raise InputError("variant_for: an exhaust-air combination needs exhaust_air_kw (exhaust_air_heat_kw)")
        hp_kw = min(hp_kw, exhaust_air_kw)
    if design_kw > 60.0 and combination.source != "exhaust_air":
        n_units = max(2, math.ceil(hp_kw / MAX_UNIT_KW))
    else:  # exhaust air: the flow's few kW in as few units as MAX_UNIT_KW allows
        n_units = max(1, math.ceil(hp_kw / MAX_UNIT_KW))
    unit_kw = max(10.0, 5.0 * round(hp_kw / n_units / 5.0))
    cascade = HeatPumpCascade(unit_map(unit_kw, combination.source), n_units)
    electric = combination.backup == "electric"
    backup = Backup("electric", design_kw, 1.0) if electric else Backup("gas_boiler", design_kw, 0.8)
    hot_water = HotWater(Tank(max(300.0, 20.0 * unit_kw), 55.0, 75.0), booster_kw=max(6.0, 0.15 * design_kw))
    plant = Plant(cascade, hot_water, Tank(20.0 * n_units * unit_kw, 20.0, 80.0), backup)
    load = ground_load_kw(series, n_units * unit_kw, step_h) if combination.source == "ground" else None
    options = city_source_options(combination, n_units * unit_kw, building, 0.0 if load is None else float(load.sum()))
    if load is not None:
        options = lengthen_to_vdi_floor(options, load, cascade.performance.source.min_degc)
    return Variant(combination.name, plant, pv=pv, keeps_existing_boiler=not electric, source=combination.source,
                   source_options=options)


def lengthen_to_vdi_floor(loop: GroundLoop, load_kw: np.ndarray, min_source_degc: float) -> GroundLoop:
    """``loop`` lengthened once toward the study's sizing floor (:func:`~mgwsim.study.heat_sources.size_ground_loop`:
    the year-20 hourly brine at least max(ground − :data:`~mgwsim.study.heat_sources.VDI_PEAK_DEVIATION_K`,
    ``min_source_degc`` + 1) [°C]) under ``load_kw`` [kW per hour]: when the brine falls below it, the length
    [m] grows by the ratio of the deviations below the undisturbed ground, to 10 m up. One step, not the study's
    bisection (a screening rule, mgwsim's): the brine's deviation is proportional to the load per metre for a
    given field, the extra boreholes' interaction makes it fall a little short (the run shows the brine). At most
    :data:`MAX_BOREHOLES` boreholes."""
    brine = year_n_brine_degc(loop, load_kw)
    floor = max(loop.ground_degc - VDI_PEAK_DEVIATION_K, min_source_degc + 1.0)
    low = float(brine.min())
    if low >= floor:
        return loop
    length = loop.total_length_m * (loop.ground_degc - low) / (loop.ground_degc - floor)
    return replace(loop, total_length_m=min(float(math.ceil(length / 10.0) * 10.0), MAX_BOREHOLES * loop.depth_m))


def ground_load_kw(series: tuple, rated_kw: float, step_h: float = 1.0) -> np.ndarray:
    """The study's first-guess ground load [kW, one mean per hour] (:func:`mgwsim.study.evaluate._run_system`): the
    building's heat (space heating + hot-water draws of the demand ``series`` [kWh per step of ``step_h`` h]) as
    power, up to the heat pumps' rated capacity ``rated_kw`` [kW], × (1 − 1/SPF), SPF
    :data:`~mgwsim.study.heat_sources.GROUND_SPF_GUESS`; sub-hourly steps averaged per hour, the borefield's
    resolution (:func:`~mgwsim.system.sources.borefield_brine_degc`)."""
    load = np.minimum((series[0] + series[1]) / step_h, rated_kw) * (1.0 - 1.0 / GROUND_SPF_GUESS)
    return load.reshape(-1, _steps_per_hour(step_h)).mean(axis=1)


def _steps_per_hour(step_h: float) -> int:
    return round(1.0 / step_h)


@lru_cache(maxsize=16)
def _pv_layout(roof_m2: float) -> tuple:
    """The east-west PV arrays on ``PV_ROOF_SHARE`` of the roof (kept: a building's six PV combinations share them)."""
    return tuple(flat_roof_east_west(PV_ROOF_SHARE * roof_m2))


def _evaluate(variant, demand, common: dict, building, design_kw: float, model: CityModel,
              inputs: StudyInputs | None = None) -> VariantResult:
    """One plant-year as :func:`mgwsim.study.evaluate_variant` judges it (heat-led, the plant decoupled from the
    zone as the city rows screen): the study's :class:`~mgwsim.study.VariantResult` with the cars' charging of
    :func:`mgwsim.study.evaluate._ev`, the connection's balance of :func:`mgwsim.study.evaluate._balance`
    (the battery at its mean state of health), :func:`~mgwsim.study.evaluate.assess_year` and the study's checks,
    under ``inputs`` (default the model's :attr:`CityModel.defaults`)."""
    weather, plant = model.weather, variant.plant
    inputs = model.defaults if inputs is None else inputs
    pv = _pv_kw(variant, model)
    out, run_hours, starts = _run_year(variant, _demand_series(demand, plant), common["total"], pv, model)
    hourly = plant_flows(out, plant, weather.index)
    hourly["supply_required_degc"] = demand.hourly["supply_required_degc"].to_numpy()  # as simulate_system adds it
    system = SystemResult(plant, demand, hourly, pd.DataFrame({"run_hours": run_hours, "starts": starts}),
                          variant.control)
    plant_kw = hourly["plant_elec_kwh"].to_numpy() / weather.step_h
    ev_kw, sessions = _study_ev(inputs, variant, common["total"] + plant_kw, pv)
    balance, life = _study_balance(weather.index, pv, {"heat_plant": plant_kw, "common_area": common["total"],
                                                       "ev": ev_kw}, variant, weather.step_h)
    grid_import, grid_export = balance["grid_import_kwh"].to_numpy(), balance["grid_export_kwh"].to_numpy()
    year = assess_year(inputs, variant, system, grid_import, grid_export, pv_kwh=float(balance["pv_kwh"].sum()),
                       auxiliary_kwh=float(common["auxiliary"].sum()), building=building, design_heat_load_kw=design_kw,
                       ev_grid_kwh=_study_ev_grid_kwh(balance, ev_kw, weather.step_h),
                       battery_replacement_years=None if life is None else life.replacement_years)
    checks = _study_checks(inputs, variant, system, balance, year.epc, year.investments)
    return VariantResult(variant, system, pv, ev_kw, sessions, balance, year.bill, year.investments,
                         year.co2_kg, year.epc, checks, year.unmet_heat_eur, life)


def _pv_kw(variant, model: CityModel) -> np.ndarray:
    """AC output of the variant's PV [kW] (zeros without PV)."""
    return model.pv_kw_per_kwp * variant.pv_kwp if variant.pv else np.zeros(model.weather.n_hours)


def _kept_pv_kw(variant, case: _BuildingCase, model: CityModel) -> np.ndarray:
    """:func:`_pv_kw`, kept read-only on the building's case per peak power: a building's PV combinations lay the
    same arrays on its roof (:func:`_pv_layout`), so its twenty-odd years behind the connection share one array."""
    return kept_array(case.plants, ("pv_kw", variant.pv_kwp if variant.pv else 0.0), lambda: _pv_kw(variant, model),
                      limit=None)


def _demand_series(demand: Demand, plant) -> tuple:
    """The kernel's demand inputs of :func:`~mgwsim.demand.demand_series` from a ``Demand`` (as
    :func:`~mgwsim.system.simulate_system` takes them)."""
    d = demand.hourly
    dhw_kwh, cold, loop, surroundings = _hot_water_series(demand, plant)
    return (d["space_heating_kwh"].to_numpy(), dhw_kwh, d["supply_required_degc"].to_numpy(),
            d["return_required_degc"].to_numpy(), cold, surroundings, loop)


def _run_year(variant, series: tuple, other_kw: np.ndarray, pv: np.ndarray, model: CityModel, buffers=None):
    """The plant kernel for the variant's year on its source (:func:`city_source_series`): ``(out, run_hours,
    starts)`` of :func:`~mgwsim.system.simulate.run_plant` (``out`` in ``buffers`` when given)."""
    plant, air = variant.plant, model.temp_air_degc
    sh, dhw, supply, return_, cold, surroundings, loop = series
    source, limit = city_source_series(variant, series, model)
    return run_plant(plant, sh, dhw, supply, return_, source, air,
                     model.defrost if plant.heat_pumps is not None and plant.heat_pumps.defrost else model.no_defrost,
                     control=variant.control, step_h=model.weather.step_h, pv_kw=pv, other_load_kw=other_kw,
                     buffers=buffers, capacity_limit_kw=limit,
                     cold_water_degc=cold, loop=loop, loop_surroundings_degc=surroundings)


def city_source_series(variant, series: tuple, model: CityModel) -> tuple[np.ndarray, np.ndarray | None]:
    """(source temperature [°C], heat limit of the heat pumps [kW] or ``None``) per hour of a city variant.

    Air: the outdoor air. Water: :attr:`CityModel.water_degc`. Exhaust air: the extract temperature and the
    flow's limit of :func:`~mgwsim.study.heat_sources.exhaust_air_limit` at the required supply + 3 K (as the
    study). Ground: the year-20 brine (:func:`year_n_brine_degc`) of the variant's
    borefield under the study's first-guess load (:func:`ground_load_kw`): one pass (the study iterates on the
    plant's own evaporator heat; the city screens).
    """
    cascade, source = variant.plant.heat_pumps, variant.source
    if cascade is None or source in (None, "air"):
        return model.temp_air_degc, None
    if source == "water":
        return model.water_degc, None
    if source == "exhaust_air":
        degc, limit, _ = exhaust_air_limit(variant.source_options, None, cascade.performance, series[2] + 3.0,
                                           cascade.n_units)
        return degc, limit
    step_h = model.weather.step_h
    brine = year_n_brine_degc(variant.source_options, ground_load_kw(series, cascade.rated_capacity_kw(), step_h))
    return np.repeat(brine, _steps_per_hour(step_h)), None


def year_n_brine_degc(loop: GroundLoop, load_kw: np.ndarray) -> np.ndarray:
    """The brine of the last of ``loop.years`` years of the hourly ground load ``load_kw`` [kW] [°C per hour]: the
    year-N brine of :func:`mgwsim.study.heat_sources.ground_brine` (finite or infinite line source, temporal
    superposition), on one year's FFT (:func:`mgwsim.system.sources.borefield_brine_degc`)."""
    return borefield_brine_degc(loop.borefield(), load_kw, loop.years, model=loop.model)


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
                 float(sum(item.capex_eur for item in result.investments if item.first_year == 0)),
                 result.system.step_h)
    verdict = _Verdict(tuple(decided["shortfalls"]), bool(decided["connection_feasible"]),
                       tuple(decided["lock_in_failures"]), decided["eligible"], _needs_permit(result.variant))
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


def _array_year(variant, case: _BuildingCase, model: CityModel, state: _State | None = None,
                plant_key: tuple | None = None, twin_key: tuple | None = None) -> _ArrayYear:
    """A variant's year on the array path: the kernel's annual sums, the :class:`~mgwsim.finance.Option`
    :func:`_evaluate` builds (investments, energy cost per carrier with the unmet heat and the EV users'
    reimbursement, heat delivered, CO2 without the cars' grid electricity) and the peak import [kW].

    The plant's year (:func:`~mgwsim.batch._city_arrays.plant_sums`) is kept on the case under
    ``plant_key``: the building's combinations that differ only in PV, EV, battery, tariff or connection run
    the plant kernel once (the heat-led plant does not see the connection); its year behind the connection
    (:func:`~mgwsim.batch._city_arrays.grid_year`) too, per PV, cars and battery: the tariff and the connection
    only bill it. A plant whose twin (``twin_key``, :func:`_twin_key`) has run takes its year from that run when
    the kernel gives both the same heat flows (:func:`_twin_year`)."""
    constants, plant = model.year_constants, variant.plant
    grid_key = None if plant_key is None else ("grid", plant_key, variant.pv_kwp, variant.ev, variant.battery)
    found = case.plants.get(grid_key)
    if found is None:
        found = _grid_year(variant, case, model, state, plant_key, twin_key)
        if grid_key is not None:
            case.plants[grid_key] = found
    year, exchange = found
    gas_kwh, heat_kwh = arrays.gas_kwh(year, plant.backup), arrays.district_heat_kwh(year, plant.backup)
    network = variant.heat_network
    inputs, peak_kw = model.defaults, float(year.peaks_kw.max())
    mv = variant.connection == "mv"
    tariff = constants.tariff(variant.connection, variant.dynamic_tariff)
    life = exchange.battery_life
    investments = variant_investments(variant, model.remembered_costs, mv_tariff=tariff if mv else None,
                                      access_power_kva=peak_kw, design_heat_load_kw=case.design_kw,
                                      peak_import_kw=peak_kw, existing_connection_kva=inputs.existing_connection_kva,
                                      existing_boiler_age_years=inputs.existing_boiler_age_years,
                                      connection_costs=inputs.connection_costs,
                                      radiators=radiators_for(case.design_kw) if variant.emitter_upgrade else None,
                                      n_apartments=case.building.n_apartments,
                                      battery_replacement_years=None if life is None else life.replacement_years,
                                      plant_items=_plant_items(variant, case, model, plant_key))
    grid_kwh = year.grid_import_kwh - arrays.ev_grid_kwh(exchange, year)
    co2_kg = arrays.co2_kg(grid_kwh, gas_kwh, constants.co2_kg_per_kwh, unmet_heat_kwh=year.sh_unmet_kwh,
                           district_heat_kwh=heat_kwh, network=network)
    bill = arrays.bill_by_carrier(year, gas_kwh, constants, gas_connection=variant.keeps_gas_connection, tariff=tariff,
                                  heat_tariff=None if network is None else constants.heat_tariff(network),
                                  district_heat_kwh=heat_kwh)
    option = Option(variant.name, tuple(investments), arrays.energy_cost_eur(bill, year, constants,
                                                                             ev_kwh=exchange.ev_kwh),
                    heat_delivered_mwh_per_year=(year.sh_delivered_kwh + year.dhw_delivered_kwh) / 1000.0,
                    co2_t_per_year=co2_kg / 1000.0)
    return _ArrayYear(year, option, peak_kw)


def _plant_items(variant, case: _BuildingCase, model: CityModel, plant_key: tuple | None) -> tuple | None:
    """The plant's investments (:func:`~mgwsim.study.costs.plant_investments`) of ``variant``, kept on the case
    under ``plant_key``: the building's combinations of one plant (:func:`_plant_variant`) share them; ``None``
    without a key."""
    if plant_key is None:
        return None
    key = ("investments", plant_key)
    items = case.plants.get(key)
    if items is None:
        inputs = model.defaults
        items = case.plants[key] = tuple(plant_investments(
            variant, model.remembered_costs, design_heat_load_kw=case.design_kw,
            existing_boiler_age_years=inputs.existing_boiler_age_years))
    return items


def _grid_year(variant, case: _BuildingCase, model: CityModel, state: _State | None, plant_key: tuple | None,
               twin_key: tuple | None = None) -> tuple[arrays.PlantYear, arrays.Exchange]:
    """The variant's plant year (kept on the case under ``plant_key``, or from its twin's run, see
    :func:`_array_year`) behind its connection: :func:`~mgwsim.batch._city_arrays.grid_year` with its PV, cars and
    battery."""
    constants = model.year_constants
    pv = _kept_pv_kw(variant, case, model)
    found = None if plant_key is None else case.plants.get(plant_key)
    series = case.series if state is None else state.series
    if found is None and twin_key is not None:
        found = _twin_year(variant, series, case.plants.get(("run", twin_key)), model)
    if found is None:
        out = _run_year(variant, series, case.common["total"], pv, model, model.plant_buffers)[0]
        found = arrays.plant_sums(out, variant.plant.backup.kind == "electric", constants.step_h)
        if plant_key is not None:
            case.plants["run", plant_key] = (variant, series, found[0], arrays.backup_parts(out))
    if plant_key is not None:
        case.plants[plant_key] = found
    ev_kw = model.ev_kw(variant.ev) if variant.ev is not None else None
    return arrays.grid_year(*found, pv, case.common["total"], constants, ev_kw=ev_kw, battery=variant.battery)


REFERENCE_PLANT_KEY = ("reference",)
"""Where a building's case keeps its reference's plant year (a :attr:`Combination.plant_key` never is a 1-tuple)."""
_TWIN_BACKUP = {"gas_boiler": "electric", "electric": "gas_boiler"}
_BACKUP_PARAMS = [kernel.P_BU_EFF, kernel.P_BU_ELECTRIC]
"""The plant kernel's parameters of the backup's efficiency and carrier (:func:`_same_heat_flows`)."""


def _twin_key(combination: Combination) -> tuple | None:
    """The :attr:`Combination.plant_key` of the plant whose kernel run may give ``combination``'s plant year too
    (:func:`_twin_year`): the same heat pumps with the other backup (a gas boiler for an electric heater and
    back: :func:`_sized_variant` sizes both on the design load); for ``heatnet``, the reference boiler of the same
    size (:func:`_building_case`); ``None`` for ``heatnet_emit`` (the reference keeps today's radiators)."""
    if combination.heat_network:
        return None if combination.emitters else REFERENCE_PLANT_KEY
    return (combination.hp_share, _TWIN_BACKUP[combination.backup], *combination.plant_key[2:])


def _twin_year(variant, series: tuple, run, model: CityModel) -> tuple | None:
    """``variant``'s plant year from its twin's kept kernel run (``(variant, series, sums, backup parts)``, or
    ``None``) when the kernel gives both the same heat flows on the same ``series`` (:func:`_same_heat_flows`):
    the twin's sums with the backup's input of ``variant``'s backup
    (:func:`~mgwsim.batch._city_arrays.with_backup`); ``None`` otherwise (the kernel runs)."""
    if run is None or run[1] is not series or not _same_heat_flows(variant, run[0], series, model):
        return None
    backup = variant.plant.backup
    return arrays.with_backup(run[2], run[3], backup.kind == "electric", backup.efficiency,
                              model.year_constants.step_h)


def _same_heat_flows(a, b, series: tuple, model: CityModel) -> bool:
    """Whether the plant kernel (:func:`mgwsim.system.simulate.run_plant`) gives variants ``a`` and ``b`` the same
    heat flows on the demand ``series``: both heat-led without an import limit, the same heat pumps (maps,
    defrost), source and kernel parameters but for the backup's efficiency and carrier. These enter the kernel
    only through the backup's input (heat / efficiency, ``kernel.BACKUP_INPUT``) and, for an electric backup,
    the electricity budget, unbounded without an import limit (``P_IMPORT_LIMIT`` 1e300), so the heat flows
    are the same (``tests/test_city_sharing.py`` checks it on two runs of each kind of twin)."""
    controls = (a.control, b.control)
    if a.control != b.control or any(c.strategy != "heat_led" or c.import_limit_kw is not None for c in controls):
        return False
    if a.source != b.source or a.source_options != b.source_options:
        return False
    for x, y in ((a.plant.heat_pumps, b.plant.heat_pumps), (a.plant.hot_water.heat_pump, b.plant.hot_water.heat_pump)):
        if (x is None) != (y is None):
            return False
        if x is not None and (x.performance is not y.performance or x.defrost != y.defrost):
            return False
    first, step_h, loop = float(series[2][0]), model.weather.step_h, series[6]
    params = [_plant_params(v.plant, first, v.control, step_h, loop) for v in (a, b)]
    for p in params:
        p[_BACKUP_PARAMS] = 0.0
    return bool(np.array_equal(*params))


def _combination_kpis(combination: Combination, case: _BuildingCase, model: CityModel) -> dict:
    """:func:`study_row_kpis` of :func:`_evaluate` on arrays (:mod:`mgwsim.batch._city_arrays`), without pandas."""
    inputs, constants = model.defaults, model.year_constants
    state = case.state(combination, model)
    variant = _case_variant(combination, case, state, model, model.unit_map)
    plant = variant.plant
    blind = variant.control.strategy == "heat_led" and variant.control.import_limit_kw is None
    year, option, peak_kw = _array_year(variant, case, model, state, combination.plant_key if blind else None,
                                        _twin_key(combination) if blind else None)
    network = variant.heat_network
    epc = arrays.epc_indicator(year, plant.backup, auxiliary_kwh=case.auxiliary_kwh, pv_kwh=year.pv_kwh,
                               heated_floor_area_m2=case.building.heated_floor_area_m2,
                               factors=constants.epc_factors if network is None else epc_factors(network))
    statuses = arrays.lock_in_statuses(year, plant, inputs.install_year, model.refrigerant_status(plant),
                                       hot_water_tolerated_hours(model.year_hours))
    if network is not None:  # the study runs it on heat-network variants only
        statuses["heat_network_temperature"] = arrays.heat_network_temperature_status(state.series[2],
                                                                                      network.max_loop_supply_degc)
    failures = _lock_in_failures(statuses)
    money = arrays.business_case_kpis(option, case.reference, finance=case.finance, rules=inputs.subsidies,
                                      study_cost_eur=inputs.study_cost_incl_vat_eur,
                                      building_age_years=case.building_age_years,
                                      facts=_facts(case, plant, failures, epc), discounting=constants.discounting,
                                      reference_flows=case.reference_flows)
    connection = variant.connection == "mv" or arrays.connection_feasible(peak_kw, inputs.existing_connection_kva)
    eligibility = money.subsidies.eligibility()
    found = shortfalls({"cold_hours": year.unmet_hours,  # decoupled screening: unmet-heat hours
                        "heating_hours": state.heating_hours,
                        "dhw_short_hours": year.dhw_below_setpoint_hours,
                        "hours": model.year_hours,
                        "hygiene_ok": statuses[HYGIENE_CHECK] != "fail",
                        "connection_feasible": connection, "lock_in_failures": failures,
                        "eligible": eligibility.eligible, "failed_conditions": eligibility.failed,
                        "path": False, "epc_path_kwh_m2": epc, "construction_year": case.construction_year},
                       model.rules)
    k = arrays.system_kpis(year)
    energy = _Year(state.design_kw, k["spf_h2"], k["backup_share"], year.unmet_hours, state.heating_hours,
                   year.dhw_below_setpoint_hours, year.sh_unmet_kwh, option.energy_eur_per_year.get("unmet_heat", 0.0),
                   1.0 - option.co2_t_per_year / case.reference.co2_t_per_year, epc,
                   float(sum(item.capex_eur for item in option.investments if item.first_year == 0)),
                   model.weather.step_h)
    return _row_kpis(energy, money, _Verdict(tuple(found), connection, failures, eligibility.eligible,
                                             _needs_permit(variant)))


def _lock_in_failures(statuses: dict) -> tuple:
    """The failed checks of :data:`~mgwsim.study.decision.LOCK_IN_CHECKS` among a city row's ``statuses``
    (:func:`mgwsim.batch._city_arrays.lock_in_statuses`), in that order. A check the row does not run counts
    as not failed, as in the study, which runs it only where it applies (``heat_network_temperature``: only
    on a heat-network variant, ``heatnet``)."""
    return tuple(name for name in LOCK_IN_CHECKS if statuses.get(name) == "fail")


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
    step_h: float = 1.0
    """The year's step [h]: hour counts are ints at hourly steps, floats at 15 minutes (as
    :func:`mgwsim.demand.step_count_hours`)."""


class _Verdict(NamedTuple):
    """What the study's decision says of a row (:func:`mgwsim.study.decision.shortfalls`)."""

    shortfalls: tuple
    connection_feasible: bool
    lock_in_failures: tuple
    eligible: bool | None
    needs_permit: bool = False


def _needs_permit(variant) -> bool:
    """Whether the variant's heat source needs a permit or a notification: a borefield (VLAREM, by depth and
    capacity) or a water source (the waterway manager's permission, or an environmental permit for
    groundwater), :attr:`~mgwsim.study.heat_sources.GroundLoop.permit_note` and
    :attr:`~mgwsim.study.heat_sources.WaterBody.permit_note`."""
    return variant.plant.heat_pumps is not None and variant.source in ("ground", "water")


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
        "unmet_hours": step_count_hours(year.unmet_hours / year.step_h, year.step_h),
        "heating_hours": step_count_hours(year.heating_hours / year.step_h, year.step_h),
        "dhw_short_hours": step_count_hours(year.dhw_short_hours / year.step_h, year.step_h),
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
        "fails": _fails(keys, money),
        "site_ready": True,
        "needs_permit": bool(verdict.needs_permit),
    }


def _fails(keys: list, money: arrays.Money) -> str:
    """The conditions of :data:`mgwsim.stock.FAILURE_CONDITIONS` the row fails, joined by ``; `` in their order
    (the city map's reasons): ``site`` (:func:`_on_site`), ``comfort`` (space heat or hot water beyond the
    tolerance), ``connection``,
    ``lock_in``, ``eligibility`` (from the decision's ``keys``), ``gap`` (an unprofitable gap before grants)
    and ``npv`` (NPV with the grants below zero)."""
    found = set(keys)
    failing = [name for name, fails in (
        ("site", bool(found & _SITE_SHORTFALLS.keys())),
        ("comfort", bool({"comfort", "hot_water", HYGIENE_CHECK} & found)),
        ("connection", "connection" in found),
        ("lock_in", bool(found & _LOCK_IN_RANK.keys())),
        ("eligibility", any(key.startswith("eligibility:") for key in keys)),
        ("gap", money.gap_before_grants_eur != 0.0),
        ("npv", not money.npv_eur >= 0.0)) if fails]
    return "; ".join(failing)


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
