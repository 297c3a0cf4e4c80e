"""Evaluate one variant: heat plant, PV, EV, electricity balance, bills, costs, CO2, EPC, checks."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mgwsim.assess import (
    CheckResult,
    EpcResult,
    annual_emissions,
    chimney_free,
    connection_capacity,
    epc_target_check,
    final_energy_by_use,
    fossil_heat_share,
    fossil_lock_in,
    heat_network_readiness,
    hot_water_hygiene,
    oversizing_after_renovation,
    primary_energy_indicator,
    refrigerant_lock_in,
    temperature_lock_in,
)
from mgwsim.battery import BatteryLife
from mgwsim.demand import Demand
from mgwsim.electric import balance_kpis, electricity_balance
from mgwsim.ev import generate_sessions, simulate_charging
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
        }, name=self.variant.name)


def _ev(inputs: StudyInputs, variant: Variant, other_kw: np.ndarray, pv_kw: np.ndarray):
    if variant.ev is None:
        return np.zeros(inputs.weather.n_hours), None
    sessions = generate_sessions(inputs.weather.index, variant.ev, seed=inputs.seed)
    kwargs = {"site_limit_kw": variant.ev.site_limit_kw} if variant.ev_strategy == "peak_limited" else {}
    result = simulate_charging(sessions, variant.ev_strategy, other_load_kw=other_kw, pv_kw=pv_kw,
                               price_eur_per_kwh=inputs.day_ahead, **kwargs)
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
    kva = math.ceil(float(import_kw.max()) / CONNECTION_POWER_FACTOR)
    return CheckResult("connection_capacity", "pass", kva, "kVA", None,
                       f"The variant has its own medium-voltage cabin, its access power sized on its peak of {kva} kVA: "
                       "the existing low-voltage connection does not limit it.",
                       f"De variant heeft een eigen middenspanningscabine, met een toegangsvermogen volgens zijn piek "
                       f"van {kva} kVA: de bestaande laagspanningsaansluiting beperkt hem niet.")


def _checks(inputs: StudyInputs, variant: Variant, system: SystemResult, balance: pd.DataFrame, epc,
            investments) -> list[CheckResult]:
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
    return checks


def _roof_insulation_year(inputs: StudyInputs, variant: Variant) -> int | None:
    """The year the roof is insulated under the variant's PV: the renovation path's roof step, or none when
    the variant insulates the roof now (``envelope_now``), before its PV goes on."""
    from mgwsim.building.renovation import Insulate

    if any(isinstance(m, Insulate) and m.kind == "roof" for m in variant.envelope_now):
        return None
    return inputs.renovation_path.roof_insulation_year if inputs.renovation_path is not None else None


def evaluate_variant(inputs: StudyInputs, variant: Variant, demand: Demand | None = None) -> VariantResult:
    """Run ``variant`` on the building of ``inputs`` for one year and assess it.

    ``demand`` replaces today's (``inputs.demand``, or with the variant's emitter upgrade
    :meth:`StudyInputs.demand_with`: the supply temperature its upgraded radiators need), e.g. the
    building after a renovation step with the variant's radiators
    (:meth:`StudyInputs.path_demands_with`); the common-area loads, the auxiliaries and the
    investments stay those of today's building (the pumps and fans stay).
    """
    weather, n = inputs.weather, inputs.weather.n_hours
    demand = inputs.variant_demand(variant) if demand is None else demand
    pv_kw = pv_ac_kw_array(weather, variant.pv) if variant.pv else np.zeros(n)
    common = inputs.common_area_kw
    system = simulate_system(demand, variant.plant, weather, control=variant.control, pv_kw=pv_kw, other_load_kw=common,
                             price_eur_per_kwh=inputs.day_ahead if variant.control.strategy == "price_led" else None,
                             coupled=True)
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
                         year.epc, _checks(inputs, variant, system, balance, year.epc, year.investments), year.unmet_heat_eur,
                         life)


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
    flows = pd.DataFrame({"grid_import_kwh": grid_import_kwh, "grid_export_kwh": grid_export_kwh, "gas_kwh": gas},
                         index=system.hourly.index)
    peak_kw = float(grid_import_kwh.max()) / system.step_h
    mv = variant.connection == "mv"
    tariffs = [tariff, inputs.gas] if variant.keeps_gas_connection else [tariff]  # a closed connection bills nothing
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
    epc = primary_energy_indicator(energy, heated_floor_area_m2=building.heated_floor_area_m2, pv_generation_kwh=pv_kwh)
    # coupled: a step's shortfall against the ideal year, negative while the plant catches up; the year's net
    # shortfall is the heat the occupants would add to keep the setpoint
    unmet_kwh = max(float(system.hourly["space_heating_unmet_kwh"].sum()), 0.0)
    grid_kwh = float(grid_import_kwh.sum()) - check_number(ev_grid_kwh, "ev_grid_kwh", owner="assess_year", low=0.0)
    co2 = annual_emissions({"electricity": grid_kwh + unmet_kwh, "natural_gas": float(gas.sum())}, inputs.co2_factors)
    return YearAssessment(bill, investments, epc, co2.total_kg, unmet_kwh * inputs.unmet_heat_price_eur_per_kwh)
