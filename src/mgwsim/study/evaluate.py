"""Evaluate one variant: heat plant, PV, EV, electricity balance, bills, costs, CO2, EPC, checks."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from mgwsim.assess.placement import charge_limit_check, noise_check, space_check
from mgwsim.assess import (
    CheckResult,
    co2_factors_with,
    epc_factors,
    EpcResult,
    annual_emissions,
    chimney_free,
    connection_capacity,
    epc_target_check,
    final_energy_by_use,
    fossil_heat_share,
    fossil_lock_in,
    heat_network_readiness,
    heat_network_temperature,
    hot_water_hygiene,
    oversizing_after_renovation,
    primary_energy_indicator,
    refrigerant_lock_in,
    temperature_lock_in,
)
from mgwsim.battery import BatteryLife
from mgwsim.demand import Demand
from mgwsim.electric import balance_kpis, electricity_balance, whole_kva
from mgwsim.ev import generate_sessions, simulate_charging
from mgwsim.ev.charging import LIMITED
from mgwsim.errors import check_number
from mgwsim.finance import Investment, Option
from mgwsim.pv import pv_ac_kw_array
from mgwsim.study.costs import (
    CONNECTION_POWER_FACTOR,
    connection_upgrade_eur,
    envelope_now_investments,
    variant_investments,
)
from mgwsim.study.decision import hot_water_tolerated_hours
from mgwsim.study.heat_sources import (
    GROUND_SPF_GUESS,
    PreparedSource,
    exhaust_air_limit,
    ground_brine,
    heat_source_check,
    size_ground_loop,
    water_source,
)
from mgwsim.study.inputs import StudyInputs
from mgwsim.study.variant import Variant
from mgwsim.system import SystemResult, simulate_system
from mgwsim.tariffs import Bill, annual_bill

HORIZON_YEARS_FOR_CHECKS = 20


@dataclass(frozen=True, eq=False)
class VariantResult:
    """Everything computed for one variant (hourly data kept for the report)."""

    variant: Variant
    system: SystemResult
    pv_kw: np.ndarray
    ev_kw: np.ndarray
    ev_sessions: pd.DataFrame | None
    balance: pd.DataFrame
    bill: Bill
    investments: list[Investment]
    co2_kg: float
    epc: object
    checks: list[CheckResult]
    unmet_heat_eur: float = 0.0
    battery_life: BatteryLife | None = None
    source: PreparedSource | None = None

    @property
    def energy_cost_eur(self) -> dict[str, float]:
        """Annual energy cost per carrier incl. VAT [EUR], net of what EV users pay back.

        EV users reimburse their charging at the connection's average electricity price
        (bill / import), so that charging on the common connection neither helps nor harms
        the heat business case; its effect shows in self-consumption and peaks. Space heat
        the plant leaves unmet is a cost, ``unmet_heat``: the occupants' electric heating
        (:func:`assess_year`), so that unmet heat is never a saving.
        """
        costs = dict(self.bill.carrier_totals())
        if self.unmet_heat_eur > 0.0:
            costs["unmet_heat"] = self.unmet_heat_eur
        ev_kwh = float(self.ev_kw.sum()) * self.system.step_h  # kW step means x step [h]
        if ev_kwh > 0:
            average = costs.get("electricity", 0.0) / float(self.balance["grid_import_kwh"].sum())
            costs["ev_reimbursement"] = -ev_kwh * average
        return costs

    @property
    def option(self) -> Option:
        heat_mwh = (self.system.hourly["space_heating_delivered_kwh"].sum()
                    + self.system.hourly["dhw_delivered_kwh"].sum()) / 1000.0
        return Option(self.variant.name, tuple(self.investments), self.energy_cost_eur,
                      heat_delivered_mwh_per_year=heat_mwh, co2_t_per_year=self.co2_kg / 1000.0)

    def checks_frame(self) -> pd.DataFrame:
        return pd.DataFrame([c.to_series() for c in self.checks]).set_index("name")

    def energy_kpis(self) -> pd.Series:
        system, electric = self.system.kpis(), balance_kpis(self.balance)
        return pd.Series({
            "heat_delivered_mwh": (system["space_heating_delivered_kwh"] + system["dhw_delivered_kwh"]) / 1000.0,
            "spf_h2": system["spf_h2"],
            "backup_share": system["backup_share"],
            "unmet_hours": system["unmet_hours"],
            "dhw_unmet_kwh": system["dhw_unmet_kwh"],
            "dhw_loop_share": system["dhw_loop_share"],
            "cold_hours": system["cold_hours"],
            "min_operative_degc": system["min_operative_degc"],
            "max_supply_required_degc": float(self.system.hourly["supply_required_degc"].max()),
            "hp_elec_mwh": system["hp_elec_kwh"] / 1000.0,
            "gas_mwh": system["gas_kwh"] / 1000.0,
            "pv_mwh": electric["pv_kwh"] / 1000.0,
            "self_consumption": electric["self_consumption"],
            "self_sufficiency": electric["self_sufficiency"],
            "grid_import_mwh": electric["grid_import_kwh"] / 1000.0,
            "grid_export_mwh": electric["grid_export_kwh"] / 1000.0,
            "peak_import_kw": electric["peak_import_kw"],
            "mean_monthly_peak_kw": electric["mean_monthly_peak_kw"],
            "ev_delivered_mwh": self.ev_kw.sum() * self.system.step_h / 1000.0,
            "ev_unmet_kwh": float(self.ev_sessions["unmet_kwh"].sum()) if self.ev_sessions is not None else 0.0,
            "co2_t": self.co2_kg / 1000.0,
            "epc_kwh_m2": self.epc.indicator_kwh_per_m2,
            "epc_label": self.epc.label,
            "source": self.variant.source if not self.variant.is_reference else "",
            "source_min_degc": (float(self.system.hourly["source_degc"].min())
                                if not self.variant.is_reference else np.nan),
        }, name=self.variant.name)

    def source_facts(self) -> pd.Series:
        """The heat source's numbers (borefield length, year-1 and year-20 brine, air flow, water) and its permit note."""
        facts = {"source": self.variant.source or ""}
        if self.source is not None:
            facts |= self.source.facts
            if self.source.note:
                facts["permit_note"] = self.source.note
        return pd.Series(facts, dtype=object, name=self.variant.name)


def _ev(inputs: StudyInputs, variant: Variant, other_kw: np.ndarray, pv_kw: np.ndarray):
    if variant.ev is None:
        return np.zeros(inputs.weather.n_hours), None
    sessions = generate_sessions(inputs.weather.index, variant.ev, seed=inputs.seed)
    kwargs = {"site_limit_kw": variant.ev.site_limit_kw} if variant.ev_strategy in LIMITED else {}
    result = simulate_charging(sessions, variant.ev_strategy, other_load_kw=other_kw, pv_kw=pv_kw,
                               price_eur_per_kwh=inputs.day_ahead, per_point=False, **kwargs)
    return result.ev_kw.to_numpy(), result.sessions


def _refrigerant(plant, inputs: StudyInputs) -> CheckResult:
    """The F-gas check, or a warning when a map does not say which refrigerant it uses."""
    cascades = [c for c in (plant.heat_pumps, plant.hot_water.heat_pump) if c is not None]
    unknown = [c.performance.model or "unnamed map" for c in cascades if not c.performance.refrigerant]
    if unknown:
        sentence = (f"The refrigerant of {', '.join(unknown)} is not given, so the EU F-gas rules cannot be checked; "
                    "ask the supplier.")
        return CheckResult("refrigerant_lock_in", "warn", None, "GWP", None, sentence,
                           f"Het koelmiddel van {', '.join(unknown)} is niet gekend: vraag het na bij de leverancier.")
    return refrigerant_lock_in(plant, install_year=inputs.install_year,
                               horizon_year=inputs.install_year + HORIZON_YEARS_FOR_CHECKS)


def _connection(inputs: StudyInputs, variant: Variant, import_kw: np.ndarray, investments) -> CheckResult:
    """The connection check; a variant on its own medium-voltage cabin has it sized on its peak."""
    if variant.connection != "mv":
        return connection_capacity(import_kw, inputs.existing_connection_kva,
                                   upgrade_cost_eur=connection_upgrade_eur(investments))
    kva = whole_kva(float(import_kw.max()) / CONNECTION_POWER_FACTOR)
    return CheckResult("connection_capacity", "pass", kva, "kVA", None,
                       f"The variant has its own medium-voltage cabin, its connection sized on its peak of {kva} kVA: "
                       "the existing low-voltage connection does not limit it.",
                       f"De variant heeft een eigen middenspanningscabine, met een aansluiting volgens zijn piek "
                       f"van {kva} kVA: de bestaande laagspanningsaansluiting beperkt hem niet.")


def _checks(inputs: StudyInputs, variant: Variant, system: SystemResult, balance: pd.DataFrame, epc,
            investments, source: PreparedSource | None = None) -> list[CheckResult]:
    plant = variant.plant
    gas_kwh = float(system.hourly["gas_kwh"].sum())
    checks = [
        fossil_lock_in({inputs.install_year: fossil_heat_share(system)}),
        chimney_free({"gas_boiler": gas_kwh} if plant.backup.is_combustion else {}),
        epc_target_check(epc.indicator_kwh_per_m2),
        _refrigerant(plant, inputs),
        _connection(inputs, variant, balance["grid_import_kwh"].to_numpy() / system.step_h, investments),
        heat_network_readiness(inputs.in_planned_heat_network_zone, plant, has_central_loop=True,
                               plant_room_area_m2=inputs.plant_room_area_m2),
        hot_water_hygiene(system, tolerated_hours=hot_water_tolerated_hours(len(system.hourly) * system.step_h)),
    ]
    if plant.heat_pumps is not None:
        checks += [temperature_lock_in(system), oversizing_after_renovation(system)]
    if plant.heat_pumps is not None and source is not None:  # the study's own run (not the city rows)
        checks += placement_checks(inputs, variant)
        lowest = max(c.performance.source.min_degc for c in (plant.heat_pumps, plant.hot_water.heat_pump)
                     if c is not None)
        found = heat_source_check(source, system, lowest)
        checks += [found] if found is not None else []
    if variant.heat_network is not None:
        network = variant.heat_network
        checks.append(heat_network_temperature(system, network.max_loop_supply_degc, network_name=network.name))
    return checks


def placement_checks(inputs: StudyInputs, variant: Variant) -> list[CheckResult]:
    """Refrigerant charge (EN 378-1), outdoor noise (VLAREM II) and space of the space-heating units
    (:mod:`mgwsim.assess.placement`), with the variant's :attr:`~Variant.placed` placement."""
    cascade = variant.plant.heat_pumps
    placement = variant.placed
    unit_kw = cascade.rated_capacity_kw() / cascade.n_units
    roofs = [e.area_m2 for e in inputs.building.elements if e.kind == "roof"]
    return [
        charge_limit_check(cascade.performance.refrigerant, unit_kw, placement,
                           plant_room_area_m2=inputs.plant_room_area_m2),
        noise_check(unit_kw, cascade.n_units, placement),
        space_check(unit_kw, cascade.n_units, placement, roof_area_m2=sum(roofs) if roofs else None,
                    pv_arrays=variant.pv, plant_room_area_m2=inputs.plant_room_area_m2),
    ]


def _heat_source(inputs: StudyInputs, variant: Variant, demand: Demand) -> PreparedSource:
    """The variant's source before the run: outdoor air (nothing to prepare), exhaust air or water."""
    source, options = variant.source, variant.source_options
    if variant.is_reference or source == "air":
        return PreparedSource(source or "air")
    if source == "exhaust_air":
        cascade = variant.plant.heat_pumps or variant.plant.hot_water.heat_pump
        supply = demand.hourly["supply_required_degc"].to_numpy(dtype=float)
        degc, limit, facts = exhaust_air_limit(options, inputs.building, cascade.performance, supply + 3.0,
                                               cascade.n_units)
        return PreparedSource(source, degc, limit, facts)
    if source == "water":
        degc, facts = water_source(options, inputs.weather.index)
        return PreparedSource(source, degc, None, facts, options.permit_note)
    return PreparedSource(source, note=options.permit_note)  # ground: run_with_source iterates


def _run_system(inputs: StudyInputs, variant: Variant, demand: Demand, **kwargs) -> tuple[SystemResult, PreparedSource]:
    """The plant's year on the variant's source.

    Ground: two passes (:mod:`mgwsim.system.sources`, one-pass decoupling). The first ground load is the
    demand's heat (at most the heat pumps' rated capacity) times ``1 - 1/SPF`` (SPF
    :data:`~mgwsim.study.heat_sources.GROUND_SPF_GUESS`); a borefield without a length is sized on it
    (:func:`~mgwsim.study.heat_sources.size_ground_loop`); the brine of year N of that load runs the plant;
    the mean of that load and the plant's own evaporator heat (heat-pump heat - electricity) gives the brine
    of the final run, whose year-1 and year-N temperatures are reported with ``brine_residual_k``, the
    change of the year-N minimum that the final run's own load would still make.
    """
    prepared = _heat_source(inputs, variant, demand)
    run = lambda degc, limit=None: simulate_system(demand, variant.plant, inputs.weather, source_degc=degc,  # noqa: E731
                                                    capacity_limit_kw=limit, **kwargs)
    if prepared.source != "ground" or variant.is_reference:
        return run(prepared.source_degc, prepared.capacity_limit_kw), prepared
    step_h = inputs.weather.step_h
    heat = (demand.hourly["space_heating_kwh"].to_numpy(dtype=float) + demand.hourly["dhw_kwh"].to_numpy(dtype=float))
    cascades = [c for c in (variant.plant.heat_pumps, variant.plant.hot_water.heat_pump) if c is not None]
    capacity = sum(c.rated_capacity_kw() for c in cascades)  # the heat pumps carry at most this (B0/W35)
    guess = np.minimum(heat / step_h, capacity) * (1.0 - 1.0 / GROUND_SPF_GUESS)
    loop = variant.source_options
    if loop.total_length_m is None:
        lowest = max(c.performance.source.min_degc for c in cascades)
        loop = size_ground_loop(loop, guess, step_h, min_source_degc=lowest)
    brine, _ = ground_brine(loop, guess, step_h)
    system = run(brine)
    h = system.hourly
    load = (h["hp_heat_sh_kwh"] + h["hp_heat_dhw_kwh"] - h["hp_elec_kwh"]).to_numpy(dtype=float) / step_h
    brine, facts = ground_brine(loop, 0.5 * (guess + load), step_h)  # relaxed: the second pass's load
    system = run(brine)
    h = system.hourly
    load = (h["hp_heat_sh_kwh"] + h["hp_heat_dhw_kwh"] - h["hp_elec_kwh"]).to_numpy(dtype=float) / step_h
    _, check = ground_brine(loop, load, step_h)
    facts["brine_residual_k"] = abs(check[f"brine_min_year{loop.years}_degc"] - facts[f"brine_min_year{loop.years}_degc"])
    return system, PreparedSource("ground", brine, None, facts | {"loop": loop}, prepared.note)


def _roof_insulation_year(inputs: StudyInputs, variant: Variant) -> int | None:
    """The year the roof is insulated under the variant's PV: the renovation path's roof step, or none when
    the variant insulates the roof now (``envelope_now``), before its PV goes on."""
    from mgwsim.building.renovation import Insulate

    if any(isinstance(m, Insulate) and m.kind == "roof" for m in variant.envelope_now):
        return None
    return inputs.renovation_path.roof_insulation_year if inputs.renovation_path is not None else None


def evaluate_variant(inputs: StudyInputs, variant: Variant, demand: Demand | None = None, *,
                     buffer_offset_k=None, dhw_offset_k=None) -> VariantResult:
    """Run ``variant`` on the building of ``inputs`` for one year and assess it.

    ``demand`` replaces today's (``inputs.demand``, or with the variant's emitter upgrade
    :meth:`StudyInputs.demand_with`: the supply temperature its upgraded radiators need), e.g. the
    building after a renovation step with the variant's radiators
    (:meth:`StudyInputs.path_demands_with`); the common-area loads, the auxiliaries and the
    investments stay those of today's building (the pumps and fans stay).

    ``buffer_offset_k``, ``dhw_offset_k``: storage setpoint raises [K] per step from a look-ahead
    plan (e.g. :func:`mgwsim.flexibility.peak_limited_offsets`), passed to
    :func:`~mgwsim.system.simulate_system`.
    """
    weather, n = inputs.weather, inputs.weather.n_hours
    demand = inputs.variant_demand(variant) if demand is None else demand
    pv_kw = pv_ac_kw_array(weather, variant.pv) if variant.pv else np.zeros(n)
    common = inputs.common_area_kw
    system, source = _run_system(inputs, variant, demand, control=variant.control, pv_kw=pv_kw, other_load_kw=common,
                                 price_eur_per_kwh=inputs.day_ahead if variant.control.strategy == "price_led" else None,
                                 buffer_offset_k=buffer_offset_k, dhw_offset_k=dhw_offset_k, coupled=True)
    if "loop" in source.facts:  # the borefield the run sized: its metres are what the variant buys
        variant = replace(variant, source_options=source.facts.pop("loop"))
    step_h = weather.step_h  # 1 h or 15 min: kW = kWh per step / step_h
    plant_kw = system.hourly["plant_elec_kwh"].to_numpy() / step_h
    ev_kw, sessions = _ev(inputs, variant, common + plant_kw, pv_kw)
    loads = {"heat_plant": plant_kw, "common_area": common, "ev": ev_kw}
    balance, life = _balance(weather.index, pv_kw, loads, variant, step_h)
    year = assess_year(inputs, variant, system, balance["grid_import_kwh"].to_numpy(),
                       balance["grid_export_kwh"].to_numpy(), pv_kwh=float(balance["pv_kwh"].sum()),
                       auxiliary_kwh=float(inputs.auxiliary_kw.sum()) * step_h, building=inputs.building,
                       design_heat_load_kw=inputs.building.design_heat_load_kw(inputs.design_temperature_degc),
                       ev_grid_kwh=_ev_grid_kwh(balance, ev_kw, step_h),
                       battery_replacement_years=None if life is None else life.replacement_years)
    return VariantResult(variant, system, pv_kw, ev_kw, sessions, balance, year.bill, year.investments, year.co2_kg,
                         year.epc, _checks(inputs, variant, system, balance, year.epc, year.investments, source),
                         year.unmet_heat_eur,
                         life, source)


def _balance(index: pd.DatetimeIndex, pv_kw: np.ndarray, loads: dict, variant: Variant, step_h: float
             ) -> tuple[pd.DataFrame, BatteryLife | None]:
    """The connection's balance; with a battery, in a representative year of its life.

    A first pass with the new battery gives its equivalent full cycles per year (scaled to
    8,760 h); :meth:`~mgwsim.battery.Battery.life` turns them into its replacement interval and
    mean state of health; the balance is then run with the capacity at that mean SoH.
    """
    export_limit = variant.control.export_limit_kw
    if variant.battery is None:
        return electricity_balance(index, pv_kw=pv_kw, loads_kw=loads, export_limit_kw=export_limit), None
    new = electricity_balance(index, pv_kw=pv_kw, loads_kw=loads, export_limit_kw=export_limit, battery=variant.battery)
    battery = variant.battery
    hours = len(index) * step_h
    dc_kwh = float(new["battery_discharge_kwh"].sum()) / battery.discharge_efficiency
    life = battery.life(dc_kwh / battery.capacity_kwh * 8760.0 / hours)
    balance = electricity_balance(index, pv_kw=pv_kw, loads_kw=loads, export_limit_kw=export_limit,
                                  battery=battery.aged(life.mean_soh))
    return balance, life


@dataclass(frozen=True)
class YearAssessment:
    """Bill, investments, EPC indicator and CO2 of one simulated year (see :func:`assess_year`)."""

    bill: Bill
    investments: list[Investment]
    epc: EpcResult
    co2_kg: float
    unmet_heat_eur: float = 0.0


def _ev_grid_kwh(balance: pd.DataFrame, ev_kw: np.ndarray, step_h: float) -> float:
    """The grid electricity that charges the cars [kWh/year]: their energy times the share of the
    connection's load the grid supplies (PV covers the rest, in the same proportion as every load)."""
    ev_kwh = float(ev_kw.sum()) * step_h
    load = float(balance["load_kwh"].sum())
    return ev_kwh * float(balance["grid_import_kwh"].sum()) / load if ev_kwh > 0.0 and load > 0.0 else 0.0


def assess_year(inputs: StudyInputs, variant: Variant, system: SystemResult, grid_import_kwh: np.ndarray,
                grid_export_kwh: np.ndarray, *, pv_kwh: float, auxiliary_kwh: float, building,
                design_heat_load_kw: float, ev_grid_kwh: float = 0.0,
                battery_replacement_years: int | None = None) -> YearAssessment:
    """The money, EPC and CO2 of a simulated year, from its grid exchange [kWh per step].

    Bills with the tariffs of ``inputs`` (medium voltage: access power = the year's peak
    import; gas only while the variant keeps its gas connection), the variant's
    investments, the EPC indicator of ``building`` (heating and hot water from ``system``,
    ``auxiliary_kwh`` of pumps and fans, ``pv_kwh`` credited) and the CO2 of grid import
    and gas. Shared by :func:`evaluate_variant` and the city rows of
    :mod:`mgwsim.batch.city`, which build the grid exchange in their own way.

    Space heat the plant leaves unmet is never a saving: it is counted as direct electric
    heating by the occupants on their own low-voltage contracts (efficiency 1), priced at the
    marginal price of the study's LV tariff (:meth:`~mgwsim.tariffs.Tariff.marginal_price_eur_per_kwh`),
    and carried into the EPC indicator (:func:`~mgwsim.assess.final_energy_by_use`) and the
    CO2 (electricity factor). mgwsim convention, stated in docs/decision.md.

    The cars charged on the common connection are transport, not the building's heat: the
    grid electricity that charges them (``ev_grid_kwh``) is left out of the CO2, as their
    charging is left out of the energy cost by the users' reimbursement
    (:attr:`VariantResult.energy_cost_eur`), so that a variant with EV charging is compared
    with the reference on the building alone.

    ``battery_replacement_years``: the variant's battery is bought again after this many years
    (:meth:`mgwsim.battery.Battery.life`); ``None``: the cost table's lifetime of the battery row.
    """
    tariff = inputs.tariff(variant.connection, dynamic=variant.dynamic_tariff)
    gas = system.hourly["gas_kwh"].to_numpy()
    heat = system.hourly["district_heat_kwh"].to_numpy()
    flows = pd.DataFrame({"grid_import_kwh": grid_import_kwh, "grid_export_kwh": grid_export_kwh, "gas_kwh": gas,
                          "district_heat_kwh": heat}, index=system.hourly.index)
    peak_kw = float(grid_import_kwh.max()) / system.step_h
    mv = variant.connection == "mv"
    tariffs = [tariff, inputs.gas] if variant.keeps_gas_connection else [tariff]  # a closed connection bills nothing
    if variant.heat_network is not None:
        tariffs.append(variant.heat_network.tariff_for(inputs.gas))
    bill = annual_bill(flows, tariffs, day_ahead=inputs.day_ahead, access_power_kva=peak_kw if mv else None)
    investments = variant_investments(variant, inputs.cost_table, mv_tariff=tariff if mv else None,
                                      access_power_kva=peak_kw, design_heat_load_kw=design_heat_load_kw,
                                      peak_import_kw=peak_kw, existing_connection_kva=inputs.existing_connection_kva,
                                      existing_boiler_age_years=inputs.existing_boiler_age_years,
                                      connection_costs=inputs.connection_costs,
                                      roof_insulation_year=_roof_insulation_year(inputs, variant),
                                      radiators=inputs.existing_radiators if variant.emitter_upgrade else None,
                                      n_apartments=building.n_apartments,
                                      battery_replacement_years=battery_replacement_years)
    if variant.envelope_now:
        investments = [*investments, *envelope_now_investments(variant.envelope_now, inputs.building,
                                                               inputs.cost_table)]
    energy = final_energy_by_use(system)
    energy["auxiliary"] = {"electricity": auxiliary_kwh}
    epc = primary_energy_indicator(energy, heated_floor_area_m2=building.heated_floor_area_m2, pv_generation_kwh=pv_kwh,
                                   factors=epc_factors(variant.heat_network))
    # coupled: a step's shortfall against the ideal year, negative while the plant catches up; the year's net
    # shortfall is the heat the occupants would add to keep the setpoint
    unmet_kwh = max(float(system.hourly["space_heating_unmet_kwh"].sum()), 0.0)
    grid_kwh = float(grid_import_kwh.sum()) - check_number(ev_grid_kwh, "ev_grid_kwh", owner="assess_year", low=0.0)
    bought = {"electricity": grid_kwh + unmet_kwh, "natural_gas": float(gas.sum())}
    if variant.heat_network is not None:
        bought["district_heat"] = float(heat.sum())
    co2 = annual_emissions(bought, co2_factors_with(inputs.co2_factors, variant.heat_network))
    return YearAssessment(bill, investments, epc, co2.total_kg, unmet_kwh * inputs.unmet_heat_price_eur_per_kwh)
