"""Array path of a city row: a combination's KPIs straight from the plant kernel's ``out`` array.

The reference path (:func:`mgwsim.batch.city._city_row_reference`) turns the kernel's output
into the study objects (:func:`~mgwsim.system.simulate.plant_flows`,
:class:`~mgwsim.system.SystemResult`, :func:`~mgwsim.study.evaluate.assess_year`,
:class:`~mgwsim.finance.Option`, :func:`~mgwsim.finance.business_case`) and reads a few
numbers from them. Here the same numbers come from one pass over ``out``
(:func:`plant_year`: annual sums, the lock-in checks' counts, grid exchange and monthly
peaks) and scalar formulas, each naming the function it mirrors (whose docstring cites the
source); the business case adds up yearly cost lines kept per item kind
(:func:`business_case_kpis`). Subsidies, investments, the IRR and the fossil lock-in check call
the existing functions. What depends only on the model (month of every hour, tariffs, CO2
and EPC factors, the price of unmet heat, discounting) is prepared once per process in
:class:`YearConstants`.

Equality with the reference path (1e-9 relative; flags identical) is tested in
``tests/test_city.py``: sums run in another order, nothing else differs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from mgwsim._kept import kept_array
from mgwsim._numba import njit
from mgwsim.assess import EPC_FACTORS_FLANDERS, fossil_lock_in
from mgwsim.assess.path import BACKUP_CARRIERS
from mgwsim.assess.lockin import _ENERGY_TOLERANCE_KWH, _TEMPERATURE_BACKUP_SHARE, MV_THRESHOLD_KVA
from mgwsim.building.dhw import LegionellaRules
from mgwsim.errors import InputError, check_number
from mgwsim.finance import (
    Finance,
    Investment,
    Option,
    SubsidyContext,
    SubsidyResult,
    apply_subsidies,
    investment_by_vat_class,
    investment_schedule,
    irr,
)
from mgwsim.finance._case import MIN_CO2_AVOIDED_T, grant_flow
from mgwsim.finance._metrics import irr_of_row
from mgwsim.study.costs import CONNECTION_POWER_FACTOR
from mgwsim.system import kernel as k
from mgwsim.tariffs import banded_amount
from mgwsim.tariffs._bill import _day_ahead, _month_info

UNMET_KWH = 1e-6
"""A step counts as unmet above this much unmet space heat [kWh] (as :meth:`SystemResult.kpis`)."""
_COSTS_KEPT = 4096
_LEGIONELLA = LegionellaRules()


# ------------------------------------------------------------------ one pass over the year
class PlantYear(NamedTuple):
    """Annual sums of one plant-year [kWh], the lock-in checks' counts [h] and the grid exchange.

    The first ten fields are sums of the kernel columns of the same name (``_SUMMED``).
    """

    sh_delivered_kwh: float
    dhw_delivered_kwh: float
    hp_heat_sh_kwh: float
    hp_heat_dhw_kwh: float
    hp_elec_sh_kwh: float
    hp_elec_dhw_kwh: float
    backup_heat_sh_kwh: float
    backup_heat_dhw_kwh: float
    backup_input_kwh: float
    booster_kwh: float
    unmet_hours: float
    temperature_limited_hours: float
    backup_sh_limited_kwh: float
    """Backup space heat in temperature-limited hours."""
    unmet_limited_kwh: float
    """Unmet space heat in temperature-limited hours."""
    dhw_below_setpoint_hours: float
    grid_import_kwh: float
    grid_export_kwh: float
    import_cost_eur: float
    """Import × day-ahead price [EUR] (dynamic supply), 0 without prices."""
    export_value_eur: float
    """Export × day-ahead price [EUR] (formula injection), 0 without prices."""
    pv_kwh: float
    sh_unmet_kwh: float
    """Space heat the plant leaves unmet [kWh] (``space_heating_unmet_kwh`` summed)."""
    peaks_kw: np.ndarray
    """Highest import of each calendar month [kW], as the mean power of one step: at 15-minute steps the monthly
    quarter-hour peak the Flemish capacity tariff bills (Fluvius, "maandpiek": the highest 15-minute average
    offtake power of the month, VREG tariff methodology 2021-2024, since 1 January 2023); at hourly steps the
    highest hourly mean, which is never above it (:func:`mgwsim.tariffs.monthly_peaks_kw`)."""


_SUMMED = (k.SH_DELIVERED, k.DHW_DELIVERED, k.HP_HEAT_SH, k.HP_HEAT_DHW, k.HP_ELEC_SH, k.HP_ELEC_DHW, k.BACKUP_HEAT_SH,
           k.BACKUP_HEAT_DHW, k.BACKUP_INPUT, k.BOOSTER_HEAT)
_COLUMNS = np.array([*_SUMMED, k.SH_UNMET, k.HP_LIMITED_BY_TEMPERATURE, k.DHW_BELOW_SETPOINT])
"""Kernel columns :func:`_plant_pass` reads, passed as data (numba's disk cache would freeze module constants)."""


def plant_year(out: np.ndarray, pv_kw: np.ndarray, other_kw: np.ndarray, electric_backup: bool,
               constants: YearConstants) -> PlantYear:
    """Annual sums, counts, grid exchange and monthly peaks of the kernel output ``out`` (steps of
    ``constants.step_h``: 1 h or 15 min; flows in kWh per step, powers in kW as the step's mean).

    Plant electricity per step = heat pumps (space heating + hot water) + electric backup +
    booster, as :func:`mgwsim.system.simulate.plant_flows`; import and export are the positive
    parts of (plant + other load - PV) and of its opposite, as the city rows balance the
    connection (no export limit); monthly peaks as :func:`mgwsim.tariffs.monthly_peaks_kw`
    on the steps' mean powers (kWh per step / step [h] = kW). :func:`plant_sums` then :func:`grid_year`.
    """
    sums, plant_kw = plant_sums(out, electric_backup, constants.step_h)
    return grid_year(sums, plant_kw, pv_kw, other_kw, constants)[0]


def plant_sums(out: np.ndarray, electric_backup: bool, step_h: float = 1.0) -> tuple[tuple, np.ndarray]:
    """The plant's side of :class:`PlantYear` (its first 15 fields and ``sh_unmet_kwh``) and the plant's
    electricity per step as mean power [kW] (:func:`mgwsim.system.simulate.plant_flows`' ``plant_elec_kwh``,
    the same additions in the same order, divided by the step ``step_h`` [h]). Counts are hours: steps ×
    ``step_h`` (:func:`mgwsim.demand.step_count_hours`). What the plant does not depend on the connection: a
    building's combinations that differ only in EV, battery, tariff or connection share it."""
    sums, plant_kw = np.zeros(16), np.empty(out.shape[0])
    _plant_pass(out, _COLUMNS, electric_backup, UNMET_KWH, sums, plant_kw)
    if step_h != 1.0:
        sums[[10, 11, 14]] *= step_h  # steps counted -> hours
        plant_kw /= step_h  # kWh per step -> kW
    return tuple(sums.tolist()), plant_kw


@njit
def _plant_pass(out, columns, electric_backup, unmet_kwh, sums, plant_kw):
    """One pass over the steps: the plant's sums (counts in steps) into ``sums`` and its electricity per step
    [kWh] into ``plant_kw``.

    Scalar accumulators (not ``sums[j]``) and no row views (each costs reference counting) keep
    the loop in registers.
    """
    sh, dhw, hp_sh, hp_dhw, el_sh, el_dhw, bu_sh, bu_dhw, bu_in, booster, unmet, limited, below = (
        columns[0], columns[1], columns[2], columns[3], columns[4], columns[5], columns[6], columns[7], columns[8],
        columns[9], columns[10], columns[11], columns[12])
    s_sh = s_dhw = s_hp_sh = s_hp_dhw = s_el_sh = s_el_dhw = s_bu_sh = s_bu_dhw = s_bu_in = s_booster = 0.0
    unmet_h = limited_h = bu_limited = unmet_limited = below_h = s_unmet = 0.0
    for i in range(out.shape[0]):
        s_sh += out[i, sh]
        s_dhw += out[i, dhw]
        s_hp_sh += out[i, hp_sh]
        s_hp_dhw += out[i, hp_dhw]
        s_el_sh += out[i, el_sh]
        s_el_dhw += out[i, el_dhw]
        s_bu_sh += out[i, bu_sh]
        s_bu_dhw += out[i, bu_dhw]
        s_bu_in += out[i, bu_in]
        s_booster += out[i, booster]
        s_unmet += out[i, unmet]
        if out[i, unmet] > unmet_kwh:
            unmet_h += 1.0
        if out[i, limited] > 0.5:
            limited_h += 1.0
            bu_limited += out[i, bu_sh]
            unmet_limited += out[i, unmet]
        if out[i, below] > 0.5:
            below_h += 1.0
        plant_kw[i] = out[i, el_sh] + out[i, el_dhw] + (out[i, bu_in] if electric_backup else 0.0) + out[i, booster]
    sums[:] = (s_sh, s_dhw, s_hp_sh, s_hp_dhw, s_el_sh, s_el_dhw, s_bu_sh, s_bu_dhw, s_bu_in, s_booster, unmet_h,
               limited_h, bu_limited, unmet_limited, below_h, s_unmet)


def backup_parts(out: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(heat pumps' electricity, backup heat, booster heat) per step [kWh] of the kernel output ``out``: with the
    sums of :func:`plant_sums`, what :func:`with_backup` needs for the same heat from another backup."""
    parts = np.empty((3, out.shape[0]))
    _parts_pass(out, k.HP_ELEC_SH, k.HP_ELEC_DHW, k.BACKUP_HEAT_SH, k.BACKUP_HEAT_DHW, k.BOOSTER_HEAT, parts)
    return parts[0], parts[1], parts[2]


@njit
def _parts_pass(out, el_sh, el_dhw, bu_sh, bu_dhw, booster, parts):
    """:func:`backup_parts` into the rows of ``parts`` in one pass over the steps (the kernel's columns as data)."""
    for i in range(out.shape[0]):
        parts[0, i] = out[i, el_sh] + out[i, el_dhw]
        parts[1, i] = out[i, bu_sh] + out[i, bu_dhw]
        parts[2, i] = out[i, booster]


def with_backup(sums: tuple, parts: tuple, electric_backup: bool, efficiency: float,
                step_h: float = 1.0) -> tuple[tuple, np.ndarray]:
    """:func:`plant_sums` of a plant year whose heat flows are those of ``sums`` and ``parts``
    (:func:`backup_parts`) but whose backup has this ``efficiency`` [-] and carrier (electric or not): its input
    per step is the backup heat / efficiency, as the kernel computes it (``kernel.BACKUP_INPUT``: heat ×
    (1 / efficiency)), summed as :func:`plant_sums` sums it and counted in the plant's electricity when electric
    (the same additions in the same order)."""
    electricity, backup_heat, booster = parts
    plant_kw = np.empty(electricity.shape[0])
    backup_kwh = _backup_pass(electricity, backup_heat, booster, 1.0 / float(efficiency), electric_backup, plant_kw)
    if step_h != 1.0:
        plant_kw /= step_h  # kWh per step -> kW
    return (*sums[:8], backup_kwh, *sums[9:]), plant_kw


@njit
def _backup_pass(electricity, backup_heat, booster, inv_eff, electric_backup, plant_kw):
    """Σ backup heat × ``inv_eff`` over the steps [kWh] and the plant's electricity per step into ``plant_kw``."""
    total = 0.0
    for i in range(electricity.shape[0]):
        backup_input = backup_heat[i] * inv_eff
        total += backup_input
        plant_kw[i] = electricity[i] + (backup_input if electric_backup else 0.0) + booster[i]
    return total


class Exchange(NamedTuple):
    """What the connection adds to a plant-year beyond :class:`PlantYear`: the connection's load and
    the cars' and the battery's share of it."""

    load_kwh: float
    """Every load behind the connection [kWh] (plant, common areas, cars)."""
    ev_kwh: float
    """The cars' charging [kWh]."""
    battery_life: object
    """:class:`mgwsim.battery.BatteryLife` of the battery, ``None`` without one."""


def grid_year(sums: tuple, plant_kw: np.ndarray, pv_kw: np.ndarray, other_kw: np.ndarray, constants: YearConstants,
              *, ev_kw: np.ndarray | None = None, battery=None) -> tuple[PlantYear, Exchange]:
    """The :class:`PlantYear` of a plant (:func:`plant_sums`) behind a connection with PV [kW], other loads
    [kW], the cars' charging ``ev_kw`` [kW] and a ``battery``, as :func:`mgwsim.electricity_balance`
    balances them: load = plant + other + cars; PV serves the load first; import and export are the
    rest (no export limit). With a battery, as :func:`mgwsim.study.evaluate._balance`: a first
    dispatch (:func:`mgwsim.battery.dispatch_battery`, billing months of ``constants``) gives its
    equivalent full cycles per year (scaled to 8,760 h) and so its life (:meth:`mgwsim.battery.Battery.life`);
    the year is that of the battery at its mean state of health. Powers are the steps' means [kW], energies
    their sums × ``constants.step_h`` [kWh] (:mod:`mgwsim.timestep`); the monthly peaks are the highest step
    means (:attr:`PlantYear.peaks_kw`).
    """
    step_h = constants.step_h
    peaks = np.empty(len(constants.month_starts))
    if battery is not None:
        return _battery_year(sums, plant_kw, pv_kw, other_kw, constants, ev_kw, battery, peaks)
    import_kw, export_kw, import_cost, export_value, pv_sum, load_kw, cars_kw = _exchange_pass(
        plant_kw, other_kw, _NO_CARS if ev_kw is None else ev_kw, pv_kw, constants.prices, constants.month_starts,
        peaks)
    year = _year(sums, import_kw, export_kw, import_cost, export_value, pv_sum, peaks, step_h)
    return year, Exchange(load_kw * step_h, cars_kw * step_h, None)


def _battery_year(sums: tuple, plant_kw: np.ndarray, pv_kw: np.ndarray, other_kw: np.ndarray,
                  constants: YearConstants, ev_kw: np.ndarray | None, battery, peaks: np.ndarray):
    """:func:`grid_year` with a battery (its monthly peaks into ``peaks``)."""
    load = plant_kw + other_kw
    if ev_kw is not None:
        load = load + ev_kw
    if battery.standby_w > 0.0:
        load = load + battery.standby_w / 1000.0
    step_h, month = constants.step_h, constants.month_of_step
    first = _dispatch_battery(battery, pv_kw, load, step_h=step_h, month=month).discharge_kw
    dc_kwh = float(first.sum()) * step_h / battery.discharge_efficiency
    life = battery.life(dc_kwh / battery.capacity_kwh * 8760.0 / (len(load) * step_h))
    grid_import, grid_export, _ = _with_battery(battery.aged(life.mean_soh), load, pv_kw, month, step_h)
    import_cost, export_value = _priced_peaks(grid_import, grid_export, constants.prices, constants.month_starts,
                                              peaks)
    year = _year(sums, float(grid_import.sum()), float(grid_export.sum()), import_cost, export_value,
                 float(pv_kw.sum()), peaks, step_h)
    return year, Exchange(float(load.sum()) * step_h, 0.0 if ev_kw is None else float(ev_kw.sum()) * step_h, life)


def _year(sums: tuple, import_kw: float, export_kw: float, import_cost: float, export_value: float, pv_kw: float,
          peaks: np.ndarray, step_h: float) -> PlantYear:
    """The :class:`PlantYear` of the plant's ``sums`` and the connection's sums over the steps (powers [kW],
    import cost and export value [kW·EUR/kWh]) × ``step_h``, with the monthly ``peaks`` (made read-only: a
    building's rows share the year, :func:`mgwsim.batch.city._array_year`)."""
    peaks.flags.writeable = False
    return PlantYear(*sums[:15], import_kw * step_h, export_kw * step_h, import_cost * step_h, export_value * step_h,
                     pv_kw * step_h, sums[15], peaks)


_NO_CARS = np.zeros(0)
"""The cars' charging of :func:`_exchange_pass` when there are none."""


@njit
def _exchange_pass(plant_kw, other_kw, ev_kw, pv, prices, month_starts, peaks):
    """A year behind the connection without a battery, in one pass over the steps: load = plant + other (+ cars,
    when ``ev_kw`` is not empty), import = max(load − PV, 0), export = max(PV − load, 0) per step [kW] (as
    ``np.maximum`` gives them, NaN kept), each month's highest import into ``peaks``
    (:func:`_priced_peaks`); returns the sums over the steps (import, export [kW], import cost, export value
    [kW·EUR/kWh], PV, load, cars [kW]).

    The same per-step arithmetic as :func:`grid_year` with a battery; its sums run step after step, where numpy
    adds pairwise (the sums agree to rounding, ~1e-15 of their size)."""
    n, n_months, cars = plant_kw.shape[0], month_starts.shape[0], ev_kw.shape[0] > 0
    import_sum = export_sum = import_cost = export_value = pv_sum = load_sum = ev_sum = peak = 0.0
    m, next_month = -1, 0
    for i in range(n):
        load = plant_kw[i] + other_kw[i]
        if cars:
            load = load + ev_kw[i]
            ev_sum += ev_kw[i]
        short, surplus = load - pv[i], pv[i] - load
        grid_import = short if short >= 0.0 or short != short else 0.0
        grid_export = surplus if surplus >= 0.0 or surplus != surplus else 0.0
        if i == next_month:  # the month's first step
            m += 1
            next_month = month_starts[m + 1] if m + 1 < n_months else n
            peak = grid_import
        elif grid_import > peak or grid_import != grid_import:
            peak = grid_import
        peaks[m] = peak
        import_sum += grid_import
        export_sum += grid_export
        import_cost += grid_import * prices[i]
        export_value += grid_export * prices[i]
        pv_sum += pv[i]
        load_sum += load
    return import_sum, export_sum, import_cost, export_value, pv_sum, load_sum, ev_sum


def _dispatch_battery(battery, pv, load, *, step_h: float, month):
    """:func:`mgwsim.battery.dispatch_battery` (imported when a battery first runs)."""
    from mgwsim.battery import dispatch_battery

    return dispatch_battery(battery, pv, load, step_h=step_h, month=month)


@njit
def _priced_peaks(grid_import, grid_export, prices, month_starts, peaks):
    """(Σ import·price, Σ export·price) over the steps [kW·EUR/kWh] and each month's highest import into ``peaks``
    [kW] (``np.maximum.reduceat`` at ``month_starts``), in one pass.

    The sums run step after step in a loop (not numpy's ``@``, which calls BLAS, whose threads cost 10-40 ms a
    call on a loaded 2-core machine for a 15-minute year: measured 7 December 2026)."""
    n, n_months = grid_import.shape[0], month_starts.shape[0]
    import_cost = export_value = 0.0
    for i in range(n):
        import_cost += grid_import[i] * prices[i]
        export_value += grid_export[i] * prices[i]
    for m in range(n_months):
        end = month_starts[m + 1] if m + 1 < n_months else n
        peak = grid_import[month_starts[m]]
        for i in range(month_starts[m] + 1, end):
            value = grid_import[i]
            if value > peak or value != value:
                peak = value
        peaks[m] = peak
    return import_cost, export_value


def _with_battery(battery, load: np.ndarray, pv: np.ndarray, month: np.ndarray, step_h: float = 1.0):
    """(import, export, discharge) [kW] of :func:`mgwsim.electricity_balance` with ``battery`` (steps of ``step_h``)."""
    self_consumed = np.minimum(pv, load)
    surplus, deficit = pv - self_consumed, load - self_consumed
    run = _dispatch_battery(battery, pv, load, step_h=step_h, month=month)
    surplus = surplus - (run.charge_kw - run.grid_charge_kw)
    deficit = deficit - run.discharge_kw + run.grid_charge_kw
    return np.maximum(deficit, 0.0), np.maximum(surplus, 0.0), run.discharge_kw


# ------------------------------------------------------------------ model constants
@dataclass
class Discounting:
    """Yearly cost lines and present-value factors of a :class:`~mgwsim.finance.Finance`, as
    :func:`mgwsim.finance.business_case` builds and discounts them: ``factors[t]`` = (1 + r)^-t,
    t = 0..N. The cost line of one item per EUR of CAPEX and each carrier's escalation are kept."""

    finance: Finance
    factors: np.ndarray = field(init=False)
    _per_capex: dict = field(default_factory=dict, init=False, repr=False)
    _per_fixed_om: dict = field(default_factory=dict, init=False, repr=False)
    _growth: dict = field(default_factory=dict, init=False, repr=False)
    _stacked: dict = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self):
        n = self.finance.horizon_years
        self.factors = (1.0 + self.finance.discount_rate_frac) ** -np.arange(n + 1, dtype=np.float64)

    def per_capex(self, lifetime_years: int, maintenance_frac: float, first_year: int = 0,
                  one_off: bool = False) -> np.ndarray:
        """Yearly cost t = 0..N of 1 EUR of CAPEX excl. VAT first bought in ``first_year`` [EUR]: purchase,
        replacements, maintenance (escalated as ``om``) minus residual value, as
        :func:`mgwsim.finance.investment_schedule` and :func:`mgwsim.finance.option_flows` (the unit item
        of :func:`mgwsim.finance.batch_cash_flows`). Read-only (kept)."""
        key = (int(lifetime_years), float(maintenance_frac), int(first_year), bool(one_off))
        line = self._per_capex.get(key)
        if line is None:
            f = self.finance
            life, maintenance, first, once = key
            unit = investment_schedule([Investment("unit", 1.0, life, maintenance, first_year=first, one_off=once)],
                                       f.horizon_years, capex_escalation_frac=f.capex_escalation_frac)
            line = unit["capex"] + unit["replacement"] + unit["om"] * f.growth("om") - unit["residual"]
            line.flags.writeable = False
            self._per_capex[key] = line
        return line

    def per_fixed_om(self, first_year: int = 0, one_off: bool = False) -> np.ndarray:
        """Yearly cost of 1 EUR a year of an item's fixed O&M: years first_year+1..N escalated as ``om``
        (none for a one-off item), as :func:`mgwsim.finance.investment_schedule` pays it. Read-only (kept)."""
        key = (int(first_year), bool(one_off))
        line = self._per_fixed_om.get(key)
        if line is None:
            line = np.zeros(self.finance.horizon_years + 1) if one_off else self.finance.growth("om").copy()
            line[:key[0] + 1] = 0.0
            line.flags.writeable = False
            self._per_fixed_om[key] = line
        return line

    def growth(self, carrier: str) -> np.ndarray:
        """1 EUR a year in years 1..N escalated as ``carrier`` (:meth:`Finance.growth`). Read-only (kept)."""
        line = self._growth.get(carrier)
        if line is None:
            line = self._growth[carrier] = self.finance.growth(carrier)
            line.flags.writeable = False
        return line

    def stacked(self, capex_keys: tuple, fixed_om_keys: tuple, carriers: tuple) -> np.ndarray:
        """The lines of one option's costs as rows: year 0 alone (the study cost), then :meth:`per_capex` of each
        of ``capex_keys``, :meth:`per_fixed_om` of each of ``fixed_om_keys`` and :meth:`growth` of each of
        ``carriers`` (:func:`cost_flows`). Read-only, kept: a stock's options repeat a few sets of lines."""
        def compute() -> np.ndarray:
            year_0 = np.zeros(len(self.factors))
            year_0[0] = 1.0
            return np.vstack([year_0, *(self.per_capex(*k) for k in capex_keys),
                              *(self.per_fixed_om(*k) for k in fixed_om_keys), *(self.growth(c) for c in carriers)])
        return kept_array(self._stacked, (capex_keys, fixed_om_keys, carriers), compute, _COSTS_KEPT)


@dataclass
class YearConstants:
    """What every row of a :class:`~mgwsim.batch.CityModel` shares."""

    month_of_step: np.ndarray
    """Calendar month (Belgian local time) of every step, 0-based, as :func:`mgwsim.tariffs.annual_bill` cuts."""
    month_starts: np.ndarray
    """First step of every calendar month."""
    n_months: int
    year_fraction: float
    """Share of a year the weather covers (fixed fees and excise bands scale with it)."""
    electricity: object
    """The low-voltage fixed-price tariff (:meth:`mgwsim.study.StudyInputs.tariff` ``("lv", dynamic=False)``)."""
    gas: object
    prices: np.ndarray
    """Day-ahead prices [EUR/kWh] aligned with the year (dynamic supply, formula injection)."""
    co2_kg_per_kwh: dict
    epc_factors: dict
    discounting: Discounting
    unmet_heat_eur_per_kwh: float
    """Price of unmet space heat, the occupants' electric heating [EUR/kWh]
    (:attr:`mgwsim.study.StudyInputs.unmet_heat_price_eur_per_kwh`)."""
    tariffs: dict = field(default_factory=dict)
    """Electricity tariff per (connection, dynamic), as :meth:`mgwsim.study.StudyInputs.tariff` gives them."""
    step_h: float = 1.0
    """Length of one step of the year [h]: 1.0 or 0.25 (:data:`mgwsim.timestep.ALLOWED_STEPS_H`)."""
    heat_tariffs: dict = field(default_factory=dict)
    """Heat tariff per :class:`~mgwsim.heat_network.HeatNetwork` (:meth:`heat_tariff`), built when first asked."""

    def heat_tariff(self, network):
        """The heat tariff of ``network``: :meth:`mgwsim.heat_network.HeatNetwork.tariff_for` the gas tariff (the
        operator's, else the NMDA ceiling), kept."""
        found = self.heat_tariffs.get(network)
        if found is None:
            found = self.heat_tariffs[network] = network.tariff_for(self.gas)
        return found

    def tariff(self, connection: str = "lv", dynamic: bool = False):
        """The electricity tariff of a variant on ``connection`` ("lv" or "mv") with a ``dynamic`` contract."""
        return self.tariffs[(connection, bool(dynamic))]


def year_constants(model) -> YearConstants:
    """The :class:`YearConstants` of ``model`` (its :class:`~mgwsim.study.StudyInputs` defaults).

    City variants are on the low-voltage connection or their own medium-voltage cabin, with a
    fixed-price or a dynamic contract (:class:`mgwsim.batch.city.Combination`), billed with the gas
    tariff as in :func:`mgwsim.study.evaluate.assess_year`.
    """
    inputs, index = model.defaults, model.weather.index
    months, electricity = _month_info(index), inputs.tariff("lv", dynamic=False)  # hourly or 15-minute steps
    tariffs = {(c, d): inputs.tariff(c, dynamic=d) for c in ("lv", "mv") for d in (False, True)}
    prices = _day_ahead(model.day_ahead, tariffs[("lv", True)], index)
    co2 = inputs.co2_factors["kg_co2_per_kwh"]
    starts = np.asarray(months["starts"], dtype=np.int64)
    return YearConstants(
        month_of_step=np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(index)])), month_starts=starts,
        n_months=len(months["starts"]), year_fraction=months["year_fraction"], electricity=electricity, gas=inputs.gas,
        prices=np.asarray(prices, dtype=float), tariffs=tariffs,
        co2_kg_per_kwh={"electricity": float(co2["electricity"]), "natural_gas": float(co2["natural_gas"])},
        epc_factors=dict(EPC_FACTORS_FLANDERS), discounting=Discounting(inputs.finance),
        unmet_heat_eur_per_kwh=float(inputs.unmet_heat_price_eur_per_kwh), step_h=float(months["step_h"]))


# ------------------------------------------------------------------ energy KPIs
def system_kpis(year: PlantYear) -> dict:
    """``spf_h2``, ``backup_share`` and ``unmet_hours`` as :meth:`mgwsim.system.SystemResult.kpis`
    (SEPEMO SPF H2 boundary, Zottl et al. 2012: heat-pump heat / heat-pump electricity)."""
    hp_heat, hp_elec = year.hp_heat_sh_kwh + year.hp_heat_dhw_kwh, year.hp_elec_sh_kwh + year.hp_elec_dhw_kwh
    backup_heat = year.backup_heat_sh_kwh + year.backup_heat_dhw_kwh
    total_heat = hp_heat + backup_heat + year.booster_kwh
    return {"spf_h2": hp_heat / hp_elec if hp_elec > 0 else np.nan,
            "backup_share": (backup_heat + year.booster_kwh) / total_heat if total_heat > 0 else np.nan,
            "unmet_hours": int(year.unmet_hours)}


def gas_kwh(year: PlantYear, backup) -> float:
    """Gas bought [kWh GCV]: the backup's input when it is a gas boiler (:func:`~mgwsim.system.simulate.plant_flows`)."""
    return year.backup_input_kwh if backup.kind == "gas_boiler" else 0.0


def district_heat_kwh(year: PlantYear, backup) -> float:
    """Metered heat bought [kWh]: the backup's input when it is a heat-network substation
    (:func:`~mgwsim.system.simulate.plant_flows`' ``district_heat_kwh``)."""
    return year.backup_input_kwh if backup.kind == "heat_network" else 0.0


def bill_by_carrier(year: PlantYear, gas_kwh: float, constants: YearConstants, *,
                    gas_connection: bool = True, tariff=None, heat_tariff=None,
                    district_heat_kwh: float = 0.0) -> dict[str, float]:
    """Annual bill per carrier incl. VAT [EUR], as :meth:`mgwsim.tariffs.Bill.carrier_totals` of
    :func:`mgwsim.tariffs.annual_bill` with ``peak_factor`` 1.0 (as :func:`mgwsim.study.evaluate.assess_year`).

    Low-voltage electricity: supply, distribution, capacity tariff on the monthly peaks (at
    least ``capacity_min_kw``; VREG tariff methodology 2021-2024), data management, levies and
    excise bands, VAT; injection: compensation (negative) and injection fee. Gas: supply,
    distribution, transport, fixed terms, levies and excise, VAT, while ``gas_connection``
    (:attr:`mgwsim.study.Variant.keeps_gas_connection`), else nothing. Fixed fees and excise
    band edges scale with the year fraction. ``tariff`` (default the low-voltage fixed-price one):
    a dynamic contract bills its energy at multiplier × day-ahead + mark-up; a medium-voltage one
    bills access power (the year's peak import as kVA, as :func:`mgwsim.study.evaluate.assess_year`
    contracts it, at least the tariff's ``connection_min_kva``: :func:`mgwsim.tariffs.annual_bill`) and the
    monthly peaks instead of the capacity tariff. With a ``heat_tariff`` (a heat network), the metered
    ``district_heat_kwh`` [kWh] as :func:`mgwsim.tariffs.annual_bill` bills heat: price × heat, the fixed terms
    (*vastrecht*, meter) for the year fraction, the excise bands, VAT.
    """
    t = constants.electricity if tariff is None else tariff
    g, fraction = constants.gas, constants.year_fraction
    if t.kind not in ("low_voltage", "medium_voltage"):
        raise InputError(f"city rows bill on a low- or medium-voltage tariff, got {t.name!r} ({t.kind})")
    bill = {"electricity": _electricity_eur(t, year, fraction) * (1.0 + t["vat_frac"]),
            "injection": _injection_eur(t, year)}
    if gas_connection:
        bill["gas"] = _gas_eur(g, gas_kwh, fraction) * (1.0 + g["vat_frac"])
    if heat_tariff is not None:
        bill["district_heat"] = _heat_eur(heat_tariff, district_heat_kwh, fraction) * (1.0 + heat_tariff["vat_frac"])
    return bill


def _heat_eur(h, heat_kwh: float, fraction: float) -> float:
    """Heat excl. VAT [EUR] (``tariffs._bill._heat_rows``): supply, the fixed terms, metering, excise."""
    return (h["energy_eur_per_kwh"] * heat_kwh + (h["fixed_eur_per_year"] + h["metering_eur_per_year"]) * fraction
            + banded_amount(heat_kwh, h.excise_bands, fraction))


def _electricity_eur(t, year: PlantYear, fraction: float) -> float:
    """Offtake excl. VAT [EUR]: supply, distribution, capacity (LV capacity tariff or MV access power and
    peaks), data management, levies."""
    imported = year.grid_import_kwh
    if t.kind == "low_voltage":
        capacity = t["capacity_eur_per_kw_year"] / 12.0 * float(np.maximum(year.peaks_kw, t["capacity_min_kw"]).sum())
    else:  # medium voltage (tariffs._bill._capacity_rows): access power = the year's peak, at least the tariff's
        # minimum connection (connection_min_kva), and the monthly peaks
        access_kva = float(year.peaks_kw.max())
        minimum = t.params.get("connection_min_kva")
        if minimum is not None and access_kva < minimum:
            access_kva = float(minimum)
        capacity = (t["access_power_eur_per_kva_year"] * access_kva * fraction
                    + t["peak_eur_per_kw_year"] / 12.0 * float(year.peaks_kw.sum()))
    return (_supply_eur(t, imported, year.import_cost_eur, fraction) + t["distribution_eur_per_kwh"] * imported
            + capacity + t["data_management_eur_per_year"] * fraction + _levies_eur(t, imported, fraction))


def _injection_eur(t, year: PlantYear) -> float:
    """Injection [EUR]: fee minus compensation (fixed price, or multiplier × day-ahead + mark-up)."""
    exported = year.grid_export_kwh
    if t["injection_kind"] == "formula":
        revenue = t["injection_multiplier"] * year.export_value_eur + t["injection_markup_eur_per_kwh"] * exported
    else:
        revenue = t["injection_fixed_eur_per_kwh"] * exported
    return -revenue + t["injection_fee_eur_per_kwh"] * exported


def _gas_eur(g, gas_kwh: float, fraction: float) -> float:
    """Gas excl. VAT [EUR]: supply, distribution, transport, fixed terms, levies."""
    return (_supply_eur(g, gas_kwh, 0.0, fraction) + (g["distribution_eur_per_kwh"] + g["transport_eur_per_kwh"]) * gas_kwh
            + (g["distribution_fixed_eur_per_year"] + g["data_management_eur_per_year"]) * fraction
            + _levies_eur(g, gas_kwh, fraction))


def _supply_eur(t, kwh: float, cost_at_day_ahead_eur: float, fraction: float) -> float:
    """Energy and supplier's fixed fee [EUR], fixed-price or dynamic (multiplier × day-ahead + mark-up)."""
    if t["supply_kind"] == "dynamic":
        energy = t["dynamic_multiplier"] * cost_at_day_ahead_eur + t["dynamic_markup_eur_per_kwh"] * kwh
    else:
        energy = t["energy_eur_per_kwh"] * kwh
    return energy + t["supplier_fixed_eur_per_year"] * fraction


def _levies_eur(t, kwh: float, fraction: float) -> float:
    """Energy contribution, certificates (electricity) and banded excise [EUR]."""
    per_kwh = t["energy_contribution_eur_per_kwh"]
    if t.carrier == "electricity":
        per_kwh += t["green_certificates_eur_per_kwh"] + t["chp_certificates_eur_per_kwh"]
    return per_kwh * kwh + banded_amount(kwh, t.excise_bands, fraction)


def epc_indicator(year: PlantYear, backup, *, auxiliary_kwh: float, pv_kwh: float, heated_floor_area_m2: float,
                  factors: dict) -> float:
    """Primary-energy indicator [kWh/m²·a] as :func:`mgwsim.assess.primary_energy_indicator` of
    :func:`mgwsim.assess.final_energy_by_use` (Flemish EPB factors, the whole PV production credited).

    Heating: heat-pump electricity for space heating + backup input + the unmet space heat as
    the occupants' direct electric heating (efficiency 1); hot water: heat-pump electricity for
    hot water + booster + backup input; backup input = backup heat / efficiency on the
    backup's carrier (:data:`mgwsim.assess.path.BACKUP_CARRIERS`: a heat network's metered heat at its
    factor of :func:`mgwsim.assess.epc_factors`, which ``factors`` must then hold); auxiliaries on electricity.
    """
    backup_kwh = (year.backup_heat_sh_kwh + year.backup_heat_dhw_kwh) / backup.efficiency
    electricity = year.hp_elec_sh_kwh + year.hp_elec_dhw_kwh + year.booster_kwh + year.sh_unmet_kwh + auxiliary_kwh
    carrier = BACKUP_CARRIERS.get(backup.kind, "electricity")
    primary = factors["electricity"] * electricity + factors[carrier] * backup_kwh
    return (primary - pv_kwh * factors["electricity"]) / heated_floor_area_m2


def co2_kg(grid_import_kwh: float, gas_kwh: float, factors: dict, *, unmet_heat_kwh: float,
           district_heat_kwh: float = 0.0, network=None) -> float:
    """Annual CO2 [kg] of grid import, gas (GCV), the unmet space heat (direct electric heating,
    electricity factor) and a heat ``network``'s metered heat as :func:`mgwsim.study.evaluate.assess_year` with
    :func:`mgwsim.assess.annual_emissions`, the factors of :func:`mgwsim.assess.load_co2_factors` (sources:
    ``data/co2/README.md``) and the network's (:meth:`mgwsim.heat_network.HeatNetwork.co2_factor`)."""
    kg = (grid_import_kwh + unmet_heat_kwh) * factors["electricity"] + gas_kwh * factors["natural_gas"]
    if network is not None:
        kg += district_heat_kwh * network.co2_factor(factors["natural_gas"])
    return kg


def energy_cost_eur(bill: dict[str, float], year: PlantYear, constants: YearConstants, *,
                    ev_kwh: float = 0.0) -> dict[str, float]:
    """Annual energy cost per carrier [EUR] as :attr:`mgwsim.study.VariantResult.energy_cost_eur`:
    the bill, the unmet space heat priced as the occupants' electric heating (``unmet_heat``) when
    there is any, and what the EV users pay back for their ``ev_kwh`` [kWh] at the connection's
    average electricity price (``ev_reimbursement``, negative)."""
    unmet_eur = year.sh_unmet_kwh * constants.unmet_heat_eur_per_kwh
    costs = {**bill, "unmet_heat": unmet_eur} if unmet_eur > 0.0 else dict(bill)
    if ev_kwh > 0.0:
        costs["ev_reimbursement"] = -ev_kwh * (costs.get("electricity", 0.0) / year.grid_import_kwh)
    return costs


def ev_grid_kwh(exchange: Exchange, year: PlantYear) -> float:
    """The grid electricity that charges the cars [kWh], as :func:`mgwsim.study.evaluate._ev_grid_kwh`:
    their energy times the share of the connection's load the grid supplies."""
    if exchange.ev_kwh > 0.0 and exchange.load_kwh > 0.0:
        return exchange.ev_kwh * year.grid_import_kwh / exchange.load_kwh
    return 0.0


def connection_feasible(peak_kw: float, existing_connection_kva: float) -> bool:
    """Whether a low-voltage variant's connection is feasible, as the study's decision reads
    :func:`mgwsim.assess.connection_capacity` (cos φ 0.95): not when the peak's apparent power
    exceeds both the existing connection and :data:`~mgwsim.assess.lockin.MV_THRESHOLD_KVA`
    (medium voltage needed, ``fail``)."""
    need = peak_kw / CONNECTION_POWER_FACTOR
    return need <= existing_connection_kva or need <= MV_THRESHOLD_KVA


# ------------------------------------------------------------------ lock-in checks
def lock_in_statuses(year: PlantYear, plant, install_year: int, refrigerant_status: str,
                     hot_water_tolerated_hours: float) -> dict[str, str]:
    """Status of the lock-in checks (:data:`mgwsim.study.decision.LOCK_IN_CHECKS`) and the hygiene
    check as :func:`mgwsim.assess.fossil_lock_in` (EPBD recast phase-out 2040; :func:`fossil_status`),
    :func:`mgwsim.assess.temperature_lock_in` and :func:`mgwsim.assess.hot_water_hygiene` (Flemish
    legionella decree of 9 Feb 2007, with the study's ``hot_water_tolerated_hours``) judge them; the
    refrigerant check's ``refrigerant_status`` is given (it depends on the units only)."""
    return {"fossil_lock_in": fossil_status(fossil_heat_share(year, plant), install_year),
            "temperature_lock_in": temperature_status(year),
            "hot_water_hygiene": hygiene_status(year, plant, hot_water_tolerated_hours),
            "refrigerant_lock_in": refrigerant_status}


_FOSSIL_DEFAULTS = fossil_lock_in.__kwdefaults__
"""The target year and tolerated share :func:`mgwsim.assess.fossil_lock_in` judges with by default."""


def fossil_status(share: float, install_year: int) -> str:
    """The status of :func:`mgwsim.assess.fossil_lock_in` with its defaults (the EPBD recast's phase-out year, a
    tolerated share of 10 %) for a plant whose heat comes ``share`` [-] from gas from ``install_year`` on, without
    its sentences (they cost more than the rest of a row's checks): ``fail`` when the share in the target year
    exceeds the tolerated one or the gas boiler is the main supplier (≥ 50 %), ``warn`` for a smaller share,
    ``pass`` without gas. Input the check refuses (a share outside 0..1, an installation after the target
    year) goes to it, for its error."""
    target, threshold = _FOSSIL_DEFAULTS["target_year"], _FOSSIL_DEFAULTS["threshold_share"]
    if not (0.0 <= share <= 1.0 and 1900 <= install_year <= target):
        return fossil_lock_in({install_year: share}).status
    if share > threshold or share >= 0.5:
        return "fail"
    return "warn" if share > 0.0 else "pass"


def heat_network_temperature_status(supply_required_degc: np.ndarray, max_loop_supply_degc: float) -> str:
    """:func:`mgwsim.assess.heat_network_temperature`: fail when the radiators need more than the network's
    loop supply (``HeatNetwork.max_loop_supply_degc``) [°C] in any hour, else pass."""
    return "fail" if bool((supply_required_degc > max_loop_supply_degc + 1e-9).any()) else "pass"


def fossil_heat_share(year: PlantYear, plant) -> float:
    """Gas heat / all heat as :func:`mgwsim.assess.fossil_heat_share` (0 without a combustion backup)."""
    backup = year.backup_heat_sh_kwh + year.backup_heat_dhw_kwh
    total = year.hp_heat_sh_kwh + year.hp_heat_dhw_kwh + year.booster_kwh + backup
    if total <= 0.0:
        raise InputError("fossil_heat_share: the system result delivers no heat")
    return backup / total if plant.backup.is_combustion else 0.0


def temperature_status(year: PlantYear) -> str:
    """:func:`mgwsim.assess.temperature_lock_in`: pass without temperature-limited hours; fail with
    unmet heat in them or a backup share of the space heat above 10 %; else warn."""
    if year.temperature_limited_hours == 0:
        return "pass"
    delivered = year.sh_delivered_kwh
    share = year.backup_sh_limited_kwh / delivered if delivered > 0 else 0.0
    return "fail" if year.unmet_limited_kwh > _ENERGY_TOLERANCE_KWH or share > _TEMPERATURE_BACKUP_SHARE else "warn"


def hygiene_status(year: PlantYear, plant, tolerated_hours: float = 0.0, rules: LegionellaRules = _LEGIONELLA) -> str:
    """:func:`mgwsim.assess.hot_water_hygiene`: fail below the legionella storage minimum or with more
    hours below the setpoint than ``tolerated_hours``; warn when booster or backup heat the water; else pass."""
    if plant.hot_water.setpoint_degc < rules.storage_min_degc or year.dhw_below_setpoint_hours > tolerated_hours:
        return "fail"
    helped = year.booster_kwh > _ENERGY_TOLERANCE_KWH or year.backup_heat_dhw_kwh > _ENERGY_TOLERANCE_KWH
    return "warn" if helped else "pass"


# ------------------------------------------------------------------ investments and business case
class RememberedCosts:
    """A :class:`~mgwsim.finance.CostTable` for :func:`mgwsim.study.costs.variant_investments` that keeps
    the investments it priced: unit sizes, tanks and hydraulics repeat across a stock."""

    def __init__(self, table):
        self.table = table
        self._items: dict = {}

    def investments(self, item: str, size: float, name: str | None = None, *,
                    first_year: int = 0) -> tuple[Investment, ...]:
        """:meth:`CostTable.investments`, computed once per (item, size, name, first_year)."""
        key = (item, size, name, first_year)
        found = self._items.get(key)
        if found is None:
            if len(self._items) >= _COSTS_KEPT:
                self._items.clear()
            found = self._items[key] = self.table.investments(item, size, name=name, first_year=first_year)
        return found

    def investment(self, item: str, size: float, name: str | None = None, *, first_year: int = 0) -> Investment:
        """:meth:`CostTable.investment`, computed once per (item, size, name, first_year)."""
        key = ("one", item, size, name, first_year)
        found = self._items.get(key)
        if found is None:
            if len(self._items) >= _COSTS_KEPT:
                self._items.clear()
            found = self._items[key] = self.table.investment(item, size, name=name, first_year=first_year)
        return found

    def lifetime_years(self, item: str) -> int:
        """:meth:`CostTable.lifetime_years`."""
        return self.table.lifetime_years(item)


class Money(NamedTuple):
    """The business case of a variant against the reference, as :class:`~mgwsim.finance.BusinessCase`
    reports it [EUR, t, fractions]; ``nan`` where the business case has ``None``."""

    npv_eur: float
    npv_without_subsidy_eur: float
    """NPV without any grant, works or study (the study cost stays): ``npv_eur`` minus the grants'
    present value, as the city rows reported it before the call's rules (kept for ``npv_ge_0``)."""
    npv_before_grants_eur: float
    gap_before_grants_eur: float
    subsidies_eur: float
    works_grants_eur: float
    study_grants_eur: float
    gap_covered_frac: float
    co2_avoided_t: float
    gap_per_t_co2_eur: float
    irr_frac: float
    subsidies: SubsidyResult


def cost_flows(investments, energy_eur: Mapping[str, float], vat_rates: Mapping[str, float],
               discounting: Discounting, *, study_cost_eur: float = 0.0, owner: str = "option") -> np.ndarray:
    """Yearly costs of one option t = 0..N [EUR], the sum of the lines of :func:`mgwsim.finance.option_flows`:
    investments, replacements, O&M and residual value incl. the VAT of each item's class
    (``vat_rates``, :attr:`mgwsim.finance.SubsidyResult.vat_rates`), the study cost at year 0 and
    each carrier's bill escalated as the carrier. Items are summed per cost line (lifetime,
    maintenance, year bought); the lines (:meth:`Discounting.stacked`), each times its amount, are added
    in that order, row after row, as one vector addition per line would add them."""
    capex: dict = {}
    fixed_om: dict = {}
    for item in investments:
        vat = 1.0 + vat_rates[item.vat_class]
        key = (item.lifetime_years, item.maintenance_frac, item.first_year, item.one_off)
        capex[key] = capex.get(key, 0.0) + item.capex_eur * vat
        if item.fixed_om_eur_per_year:
            om_key = (item.first_year, item.one_off)
            fixed_om[om_key] = fixed_om.get(om_key, 0.0) + item.fixed_om_eur_per_year * vat
    energy = [_finite(eur, carrier, owner) for carrier, eur in energy_eur.items()]
    amounts = np.array([study_cost_eur, *capex.values(), *fixed_om.values(), *energy])
    rows = discounting.stacked(tuple(capex), tuple(fixed_om), tuple(energy_eur))
    return np.add.reduce(amounts[:, None] * rows, axis=0)  # axis 0: row after row, as flows += eur * line


def _finite(eur, carrier: str, owner: str) -> float:
    """A carrier's bill [EUR/year]: a finite float as it is (the batch's own bills), anything else through
    :func:`~mgwsim.errors.check_number` (which names the carrier and the option)."""
    if type(eur) is float and math.isfinite(eur):
        return eur
    return check_number(eur, f"energy_eur_per_year[{carrier!r}]", owner=owner)


def business_case_kpis(variant: Option, reference: Option, *, finance: Finance, rules, study_cost_eur: float,
                       building_age_years: float, facts: Mapping[str, object], discounting: Discounting,
                       reference_flows: dict) -> Money:
    """:func:`mgwsim.finance.business_case` of ``variant`` (paying ``study_cost_eur`` at year 0) against
    ``reference``, its KPIs without the cash-flow table.

    The grant ``rules`` (e.g. reduced 6 % VAT and the Antwerp Klimaatfonds) see the variant's year-0
    investment split by VAT class, the building (``finance.n_apartments``, ``building_age_years``,
    housing) and the ``facts`` of :data:`mgwsim.finance.FACT_FIELDS`; both options carry the VAT
    rates they yield. Incremental flow = reference costs - (variant costs - grants as paid); NPV,
    NPV and gap before grants (no grant, no study cost), CO2 avoided over the horizon
    (undiscounted) and the gap per tonne (none below :data:`~mgwsim.finance._case.MIN_CO2_AVOIDED_T`: a
    variant that emits what the reference emits, e.g. a heat network on gas-equivalent heat), the share of the
    gap the works grants cover and the IRR
    (:func:`mgwsim.finance.irr`: only for an investment), as :func:`mgwsim.finance.business_case`
    computes them. ``reference_flows`` keeps the reference's costs per set of VAT rates (one
    building's rows share it).

    The arguments are the batch's own, checked where they entered (the stock's row, the model's inputs): the
    grants' context is built without checking them again (:meth:`~mgwsim.finance.SubsidyContext.trusted`),
    and the IRR of flows with a finite NPV (so all finite) without :func:`~mgwsim.finance.irr`'s checks.
    """
    context = SubsidyContext.trusted(investment_by_vat_class(variant.investments),
                                     study_cost_incl_vat_eur=study_cost_eur, n_units=finance.n_apartments,
                                     building_age_years=building_age_years, housing=True, **facts)
    subsidies = apply_subsidies(rules, context, vat_frac=finance.vat_frac)
    rates = subsidies.vat_rates
    key = tuple(rates.items())
    ref_cost = reference_flows.get(key)
    if ref_cost is None:
        ref_cost = reference_flows[key] = cost_flows(
            reference.investments, reference.energy_eur_per_year, rates, discounting,
            study_cost_eur=reference.study_cost_incl_vat_eur, owner=reference.name)
    var_cost = cost_flows(variant.investments, variant.energy_eur_per_year, rates, discounting,
                          study_cost_eur=study_cost_eur, owner=variant.name)
    works, study = grant_flow(subsidies, "works", finance), grant_flow(subsidies, "study", finance)
    incremental = ref_cost - (var_cost - works - study)
    factors, horizon = discounting.factors, finance.horizon_years
    npv = float(incremental @ factors)
    grants_pv = float((works + study) @ factors)
    before_grants = npv - grants_pv + (study_cost_eur - reference.study_cost_incl_vat_eur)
    gap = max(0.0, -before_grants)
    avoided = (float(reference.co2_t_per_year) - float(variant.co2_t_per_year)) * horizon
    rate = irr(incremental) if not math.isfinite(npv) else irr_of_row(incremental)  # irr raises on non-finite flows
    works_eur = subsidies.works_eur
    return Money(npv, npv - grants_pv, before_grants, gap, subsidies.total_eur, works_eur,
                 subsidies.study_eur, works_eur / gap if gap > 0.0 else np.nan, avoided,
                 gap / avoided if avoided > MIN_CO2_AVOIDED_T else np.nan, np.nan if rate is None else rate, subsidies)
