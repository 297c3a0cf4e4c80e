"""What a study of one building shares across its variants: building, weather, prices, tariffs, money."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from mgwsim.assess import load_co2_factors
from mgwsim.building import Building, EmitterUpgrade, Radiators, RenovationPath
from mgwsim.demand import Demand, simulate_demand
from mgwsim.errors import InputError, check_number, check_series
from mgwsim.finance import (
    ConnectionCosts,
    CostTable,
    Finance,
    ReducedVat,
    klimaatfonds_antwerpen,
    load_connection_costs,
    load_cost_table,
)
from mgwsim.loads import common_area_loads_kw, epc_auxiliary_kw
from mgwsim.simyear import LOCAL_TIMEZONE, is_local_calendar_year, on_calendar_year
from mgwsim.tariffs import PriceBasis, Tariff, default_day_ahead, default_price_basis, load_tariff, price_basis
from mgwsim.timestep import hourly_parent, step_hours
from mgwsim.weather import Weather, default_weather, design_temperature


def default_construction_year(building: Building) -> int | None:
    """The construction year a call's condition reads when none is given: the building's
    ``year_built`` when known, else the last year of its construction period (a TABULA
    archetype's: the latest the building can date from); None when neither is known."""
    period = building.construction_period or (None, None)
    return building.year_built or period[1]


DEFAULT_BUILDING_AGE_YEARS = 50.0
"""Age of the dwellings [years] when neither it nor the construction year is given (mgwsim
assumption: a pre-2014 Flemish apartment block, far beyond the 10 years of the reduced VAT)."""


def default_building_age_years(construction_year: int | None, install_year: int) -> float:
    """The dwellings' age at the works [years]: ``install_year - construction_year`` (first occupied in the
    year they were built; mgwsim assumption), or :data:`DEFAULT_BUILDING_AGE_YEARS` without a year."""
    return float(install_year - construction_year) if construction_year is not None else DEFAULT_BUILDING_AGE_YEARS


def _default_subsidies() -> tuple:
    return (ReducedVat(), *klimaatfonds_antwerpen())


@dataclass(frozen=True, eq=False)
class StudyInputs:
    """Everything the variants of one building share.

    Parameters
    ----------
    building : Building
        The building as it is today.
    weather : Weather
        Defaults to the embedded year (:func:`mgwsim.default_weather`). A full year is laid on
        the local (Brussels) calendar year (:meth:`mgwsim.Weather.calendar_year`), so that
        loads, prices and bills see one calendar with exactly 12 billing months; a shorter period
        is refused (a study reports annual figures).
    radiators : Radiators, optional
        The existing emitters; by default sized for today's design load at ``regime``.
    regime : (float, float)
        Design supply/return temperature of the existing radiators [°C].
    occupants_per_apartment : float
        For hot-water draws and the per-apartment view.
    day_ahead_eur_per_kwh : Series or array, optional
        Day-ahead prices on the weather's index [EUR/kWh]; default the embedded series of the
        tariffs' year (:func:`mgwsim.tariffs.default_price_basis`).
    day_ahead_source : str
        Where given day-ahead prices come from (stated in the report with their year and level,
        :attr:`price_basis`).
    lv_tariff, mv_tariff, gas_tariff : str or Tariff
        A shipped tariff's name (``data/tariffs``, :func:`mgwsim.tariffs.list_tariffs`) or a
        tariff of one's own (:func:`mgwsim.tariffs.read_tariff` on a TOML file of the same form).
    finance : Finance
    subsidies : tuple of rules
        Default: reduced 6 % renovation VAT and the Antwerp Klimaatfonds call (phases 1 and 2).
    study_cost_incl_vat_eur : float
        Cost of the feasibility study itself (phase 1 of the Klimaatfonds pays it).
    cost_table : CostTable
    co2_year : int
        Year of the CO2 factors (:func:`mgwsim.assess.load_co2_factors`).
    install_year : int
        Year the variants would be installed (F-gas rules).
    building_age_years : float, optional
        Age of the dwellings at the works [years], for the reduced renovation VAT (more than 10
        years). Default: ``install_year - construction_year`` (the dwellings taken as first
        occupied in the year they were built), or :data:`DEFAULT_BUILDING_AGE_YEARS` when the
        construction year is not known.
    renovation_path : RenovationPath, optional
        Planned envelope steps; every variant is then also judged after each step.
    existing_connection_kva : float
        Capacity of the building's present grid connection [kVA]: the connection check, and a
        low-voltage variant whose peak exceeds it pays the connection upgrade
        (:func:`mgwsim.study.costs.variant_investments`).
    existing_boiler_age_years : float, optional
        Age of the existing collective gas boiler [years]; its lifetime is the cost table's
        ``gas_boiler_condensing`` ``lifetime_years``. The reference buys its new boiler, and a
        variant keeping the existing boiler its replacement, when it is due: year max(0,
        lifetime - age). ``None`` (default): the boiler is at the end of its life and due now,
        as the example's reference assumes ("replace the gas boiler by a new condensing boiler:
        what the VME would do anyway").
    connection_costs : ConnectionCosts
        Prices of the connection upgrade, the gas connection's closure and the boiler's removal
        (default ``data/costs/connection_works.csv``, :func:`mgwsim.finance.load_connection_costs`).
    in_planned_heat_network_zone : bool
        Whether the building lies in a planned heat-network zone (heat-network readiness).
    plant_room_area_m2 : float
        Floor area of the plant room [m²] (heat-network readiness).
    seed : int
        Seed of every random profile (hot water, plug loads, EV sessions).
    construction_year : int, optional
        Year of the building permit or first occupation (subsidy calls ask for it, e.g.
        "before 2014"). Default: the building's ``year_built`` when known, else
        ``install_year - building_age_years`` when the age is given, else the last year of its
        construction period (a TABULA archetype's period: the latest the building can date
        from); None when none is known (a call's condition on it is then not checked).
    apartment_shares : sequence of float, optional
        The apartments' statutory shares in the common parts (*aandelen*, any scale, one per
        apartment): the key that splits investments, grants and bills over the co-owners.
    apartment_floor_areas_m2 : sequence of float, optional
        Floor area per apartment [m²], the key when no shares are given. Without either, every
        apartment counts alike (equal parts; the report says so).
    building_source : str
        Where the building's values come from when they are not the typology's or the auditor's,
        e.g. the calibration to the gas bills (:func:`mgwsim.measured.calibrate_to_bills`) with
        its fit statistics; stated in the report next to the building's name. Empty: as described.
    """

    building: Building
    weather: Weather = field(default_factory=default_weather)
    radiators: Radiators | None = None
    regime: tuple[float, float] = (75.0, 65.0)
    occupants_per_apartment: float = 2.0
    day_ahead_eur_per_kwh: object = None
    lv_tariff: str | Tariff = "lv_fluvius_antwerpen_2026"
    mv_tariff: str | Tariff = "mv_fluvius_antwerpen_2026"
    gas_tariff: str | Tariff = "gas_2026"
    finance: Finance | None = None
    subsidies: tuple = field(default_factory=_default_subsidies)
    study_cost_incl_vat_eur: float = 6000.0
    cost_table: CostTable = field(default_factory=load_cost_table)
    co2_year: int = 2023
    install_year: int = 2026
    building_age_years: float | None = None
    renovation_path: RenovationPath | None = None
    existing_connection_kva: float = 100.0
    existing_boiler_age_years: float | None = None
    connection_costs: ConnectionCosts = field(default_factory=load_connection_costs)
    in_planned_heat_network_zone: bool = False
    plant_room_area_m2: float = 20.0
    seed: int = 0
    construction_year: int | None = None
    day_ahead_source: str = "user-supplied series"
    apartment_shares: tuple[float, ...] | None = None
    apartment_floor_areas_m2: tuple[float, ...] | None = None
    building_source: str = ""

    def __post_init__(self):
        if not isinstance(self.weather, Weather):
            raise InputError(f"StudyInputs.weather must be a Weather, got {type(self.weather).__name__}")
        # one calendar: a year of weather in any time zone is simulated on its local calendar year
        # (Weather.calendar_year: 12 billing months); a shorter period is for simulations, not for a study
        object.__setattr__(self, "weather", self.weather.calendar_year())
        if not is_local_calendar_year(self.weather.index):
            days = self.weather.n_steps * self.weather.step_h / 24.0
            raise InputError(f"StudyInputs.weather covers {days:g} days ({self.weather.source}); allowed: a full year "
                             "(a study reports annual energy, bills and cash flows); simulate a shorter period with "
                             "simulate_demand / simulate_system instead")
        check_number(self.occupants_per_apartment, "occupants_per_apartment", owner="StudyInputs", low=0.5, high=10)
        check_number(self.study_cost_incl_vat_eur, "study_cost_incl_vat_eur", owner="StudyInputs", low=0.0)
        check_number(self.install_year, "install_year", owner="StudyInputs", low=2000, high=2100)
        given = self.construction_year is not None or self.building.year_built is not None
        if self.construction_year is None and self.building.year_built is None and self.building_age_years is not None:
            age = check_number(self.building_age_years, "building_age_years", owner="StudyInputs", low=0.0, high=1000.0)
            object.__setattr__(self, "construction_year", int(round(self.install_year - age)))  # the age dates it
            given = True
        object.__setattr__(self, "_construction_year_given", given)
        if self.construction_year is None:
            object.__setattr__(self, "construction_year", default_construction_year(self.building))
        else:
            check_number(self.construction_year, "construction_year", owner="StudyInputs", low=1800,
                         high=self.install_year)
        if self.building_age_years is None:
            object.__setattr__(self, "building_age_years",
                               default_building_age_years(self.construction_year, self.install_year))
        check_number(self.building_age_years, "building_age_years", owner="StudyInputs", low=0.0, high=1000.0)
        if self.finance is None:
            object.__setattr__(self, "finance", Finance(n_apartments=self.building.n_apartments))
        for name, kind in _TARIFF_KINDS.items():
            tariff = _as_tariff(getattr(self, name))  # an unknown name fails here, listing the shipped ones
            if tariff.kind != kind:
                raise InputError(f"StudyInputs.{name} must be a {kind} tariff, got {tariff.name!r} of kind "
                                 f"{tariff.kind!r}")
        for name in ("apartment_shares", "apartment_floor_areas_m2"):
            values = getattr(self, name)
            if values is not None:
                checked = check_series(values, name, owner="StudyInputs", low=0.0, length=self.building.n_apartments)
                if checked.sum() <= 0.0:
                    raise InputError(f"StudyInputs.{name} must have a positive sum, got {list(values)!r}")
                object.__setattr__(self, name, tuple(float(v) for v in checked))

    @property
    def construction_year_known(self) -> bool:
        """Whether the construction year was given (here, as the building's ``year_built`` or through
        the building's age) rather than taken from the end of a typology's construction period."""
        return self._construction_year_given

    @property
    def apartment_key(self) -> tuple[str, tuple[float, ...]]:
        """The key that splits money over the apartments: ``("shares", ...)``, ``("floor_area_m2", ...)``, or
        ``("equal", (1, ..., 1))`` when neither is given (every apartment alike: said so in the report)."""
        if self.apartment_shares is not None:
            return "shares", self.apartment_shares
        if self.apartment_floor_areas_m2 is not None:
            return "floor_area_m2", self.apartment_floor_areas_m2
        return "equal", (1.0,) * self.building.n_apartments

    @cached_property
    def price_basis(self) -> PriceBasis:
        """Year, mean level and source of the day-ahead prices the study uses (stated in the report)."""
        if self.day_ahead_eur_per_kwh is None:
            return default_price_basis()
        prices = pd.Series(self.day_ahead, index=self.weather.index)
        return price_basis(prices, source=self.day_ahead_source)

    @cached_property
    def design_temperature_degc(self) -> float:
        return design_temperature(self.weather.site, self.weather).value_degc

    @cached_property
    def existing_radiators(self) -> Radiators:
        if self.radiators is not None:
            return self.radiators
        return self.demand_of(self.building, None).radiators

    def demand_of(self, building: Building, radiators: Radiators | None) -> Demand:
        """Hourly demand of a building state with given radiators (cached per state)."""
        key = (id(building), id(radiators))  # the cache holds both objects, so their ids stay unique
        cache = self.__dict__.setdefault("_demands", {})
        if key not in cache:
            cache[key] = (building, radiators, simulate_demand(
                building, self.weather, radiators=radiators, regime=self.regime,
                design_temperature_degc=self.design_temperature_degc,
                occupants_per_apartment=self.occupants_per_apartment, seed=self.seed))
        return cache[key][2]

    @cached_property
    def demand(self) -> Demand:
        """Today's demand with the existing radiators."""
        return self.demand_of(self.building, self.radiators)

    @cached_property
    def path_demands(self) -> list[Demand]:
        """Demand of each state of the renovation path (as is, then after each step), existing radiators.

        Every variant's plant is judged on these same states, so they are simulated once.
        """
        if self.renovation_path is None:
            return []
        states = [state for _, _, state in self.renovation_path.buildings(self.building)]
        return [self.demand] + [self.demand_of(state, self.existing_radiators) for state in states[1:]]

    def radiators_of(self, upgrade: EmitterUpgrade | None) -> Radiators:
        """The radiators a variant heats with: the existing ones, or the existing ones after ``upgrade``
        (one object per upgrade, so that the demand cache serves every variant with the same upgrade)."""
        if upgrade is None:
            return self.existing_radiators
        cache = self.__dict__.setdefault("_upgraded_radiators", {})
        if upgrade not in cache:
            cache[upgrade] = upgrade.apply(self.existing_radiators)
        return cache[upgrade]

    def demand_with(self, upgrade: EmitterUpgrade | None) -> Demand:
        """Today's demand heated through the radiators of :meth:`radiators_of` (``None``: :attr:`demand`)."""
        return self.demand if upgrade is None else self.demand_of(self.building, self.radiators_of(upgrade))

    def building_of(self, variant) -> Building:
        """The building a variant's year runs on: today's, after the variant's ``envelope_now`` measures
        (one object per set of measures, so that the demand cache serves every variant with them)."""
        if not variant.envelope_now:
            return self.building
        from mgwsim.building.renovation import renovate

        cache = self.__dict__.setdefault("_envelope_now_buildings", {})
        if variant.envelope_now not in cache:
            cache[variant.envelope_now] = renovate(self.building, *variant.envelope_now, name=self.building.name)
        return cache[variant.envelope_now]

    def variant_demand(self, variant) -> Demand:
        """Today's demand of ``variant``: on :meth:`building_of` through the radiators of :meth:`radiators_of`."""
        if not variant.envelope_now:
            return self.demand_with(variant.emitter_upgrade)
        return self.demand_of(self.building_of(variant), self.radiators_of(variant.emitter_upgrade))

    def variant_path_demands(self, variant) -> list[Demand]:
        """The demand of each state of the renovation path for ``variant``: :meth:`path_demands_with`, or,
        with ``envelope_now`` measures, the path's steps on :meth:`building_of` (a step already done
        changes nothing)."""
        if not variant.envelope_now:
            return self.path_demands_with(variant.emitter_upgrade)
        if self.renovation_path is None:
            return []
        radiators = self.radiators_of(variant.emitter_upgrade)
        states = [state for _, _, state in self.renovation_path.buildings(self.building_of(variant))]
        return [self.variant_demand(variant)] + [self.demand_of(state, radiators) for state in states[1:]]

    def path_demands_with(self, upgrade: EmitterUpgrade | None) -> list[Demand]:
        """:attr:`path_demands` heated through the radiators of :meth:`radiators_of`."""
        if upgrade is None or self.renovation_path is None:
            return self.path_demands
        radiators = self.radiators_of(upgrade)
        states = [state for _, _, state in self.renovation_path.buildings(self.building)]
        return [self.demand_with(upgrade)] + [self.demand_of(state, radiators) for state in states[1:]]

    @cached_property
    def common_area_loads(self) -> pd.DataFrame:
        """Common-area electricity per use (lifts, lighting, pumps, fans) on the VME connection [kW]."""
        return common_area_loads_kw(self.weather.index, self.building,
                                    design_heat_load_kw=self.building.design_heat_load_kw(self.design_temperature_degc))

    @cached_property
    def common_area_kw(self) -> np.ndarray:
        """Total common-area electricity [kW]."""
        return self.common_area_loads["total_kw"].to_numpy()

    @cached_property
    def auxiliary_kw(self) -> np.ndarray:
        """The part of the common-area load that the EPC counts as auxiliaries (pumps, fans) [kW]."""
        return epc_auxiliary_kw(self.common_area_loads)

    @cached_property
    def day_ahead(self) -> np.ndarray:
        """Day-ahead prices aligned with the weather [EUR/kWh], one per step.

        On a 15-minute weather year the embedded (hourly-MTU) prices hold each hour's price
        over its four quarters; a given Series must have the weather's step. A given Series is
        first laid on the weather's local calendar year (:func:`mgwsim.simyear.on_calendar_year`:
        a UTC-stamped year lacks the first local hour and has it wrapped from the same year).
        """
        index = self.weather.index
        if self.day_ahead_eur_per_kwh is None:
            if self.weather.step_h == 1.0:
                return default_day_ahead(index).to_numpy()
            hours, position = hourly_parent(index)
            return default_day_ahead(hours).to_numpy()[position]
        values = self.day_ahead_eur_per_kwh
        if isinstance(values, pd.Series):
            if isinstance(values.index, pd.DatetimeIndex):
                step_h = step_hours(values.index, owner="StudyInputs", field="day_ahead_eur_per_kwh.index")
                if step_h != self.weather.step_h:
                    raise InputError(f"StudyInputs.day_ahead_eur_per_kwh has a step of {step_h * 60:g} min, the weather "
                                     f"{self.weather.step_h * 60:g} min; allowed: prices on the weather's step")
                if is_local_calendar_year(index):
                    year = index[len(index) // 2].tz_convert(LOCAL_TIMEZONE).year
                    values = on_calendar_year(values, year=year, owner="StudyInputs.day_ahead_eur_per_kwh").data
            values = values.reindex(index).to_numpy()
        return check_series(values, "day_ahead_eur_per_kwh", owner="StudyInputs", length=self.weather.n_hours)

    def tariff(self, connection: str, *, dynamic: bool) -> Tariff:
        tariff = _as_tariff(self.lv_tariff if connection == "lv" else self.mv_tariff)
        return tariff.with_overrides(supply_kind="dynamic") if dynamic else tariff

    @cached_property
    def unmet_heat_price_eur_per_kwh(self) -> float:
        """Price of heat the plant leaves unmet, as the occupants' direct electric heating [EUR/kWh]:
        the marginal price of the fixed low-voltage tariff (:meth:`Tariff.marginal_price_eur_per_kwh`)."""
        return _as_tariff(self.lv_tariff).marginal_price_eur_per_kwh()

    @cached_property
    def gas(self) -> Tariff:
        return _as_tariff(self.gas_tariff)

    @cached_property
    def co2_factors(self) -> pd.DataFrame:
        """CO2 factors of ``co2_year`` (:func:`mgwsim.assess.load_co2_factors`), read once."""
        return load_co2_factors(self.co2_year)


_TARIFF_KINDS = {"lv_tariff": "low_voltage", "mv_tariff": "medium_voltage", "gas_tariff": "gas"}


def _as_tariff(tariff: str | Tariff) -> Tariff:
    """A shipped tariff by name, or the tariff given."""
    return tariff if isinstance(tariff, Tariff) else load_tariff(tariff)
