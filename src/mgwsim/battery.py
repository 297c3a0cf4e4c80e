"""A collective battery behind the building's connection: rule-based dispatch and a simple ageing model.

Dispatch (:func:`dispatch_battery`, a numba kernel over the steps), in this order each step:

1. Self-discharge: the stored energy loses ``self_discharge_frac_per_month`` per month
   (pro rata per step, 730 h a month).
2. PV surplus (PV > loads): the battery charges from it, at most ``power_kw`` and up to the
   upper SoC limit; what it cannot take is exported (or curtailed).
3. Deficit (loads > PV): with ``peak_limit_kw`` unset, the battery discharges to cover the
   import, at most ``power_kw`` and down to the lower SoC limit (PV self-consumption). With
   ``peak_limit_kw`` set (peak shaving), the threshold of a step is the larger of the limit and
   the month's highest import so far (the capacity tariff bills the month's maximum, so import
   below a peak already set costs nothing more); the battery first covers the import above
   that threshold; it covers the rest (self-consumption) only while its SoC stays above the
   peak reserve (``peak_reserve_frac`` of the usable band); and, when it sits below that
   reserve and the import is below the threshold, it recharges from the grid without raising
   the import above the threshold.

A step either charges or discharges, never both (the branches exclude each other), and the
battery never exports: a discharge is at most the step's deficit.

Energy [kWh], per step of ``dt`` hours, AC side:
``E[t] = E[t-1] (1 - r dt) + eta_c P_ch dt - P_dis dt / eta_d`` with the round-trip efficiency
split evenly, ``eta_c = eta_d = sqrt(eta_rt)``.

Ageing (:meth:`Battery.life`): linear capacity fade from a calendar part and a cycle part,
``SoH(t) = 1 - (a + b N) t`` with ``a`` [1/year], ``b`` [1/equivalent full cycle] and ``N``
equivalent full cycles per year (DC energy discharged / usable capacity); the battery is
replaced when the SoH reaches ``end_of_life_soh`` or after ``calendar_life_years``, whichever
comes first. The year is simulated at the mean SoH over that life (a representative year).
Default figures (docs/physics.md, *Collective battery*): ``end_of_life_soh = 0.70`` after 10
years at one cycle a day is the retained capacity Tesla warrants for the Powerwall 2 (70 % at
10 years, unlimited cycles for solar self-consumption; warranty terms summarised by
SolarQuotes and Wattle Power, secondary); the split of that 30 % fade into 1.5 %/year calendar
fade and 15 % per 3,650 cycles (4.1e-5 per cycle) is an mgwsim assumption, not verified; the
round-trip efficiency of 90 % is the AC round-trip figure of the Powerwall 2 datasheet
(secondary, not verified against a measurement).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from mgwsim._numba import njit
from mgwsim.errors import InputError, check_number, check_series

HOURS_PER_MONTH = 730.0
"""8,760 h / 12 [h]: turns a monthly self-discharge into an hourly rate."""


@dataclass(frozen=True)
class BatteryLife:
    """How long a battery lasts under a year's cycling and its mean state of health over that life."""

    cycles_per_year: float
    """Equivalent full cycles per year (DC energy discharged / usable capacity) [1/year]."""
    fade_per_year: float
    """Capacity fade a + b N [1/year]."""
    replacement_years: int
    """Years between purchases (the investment's lifetime) [years]."""
    mean_soh: float
    """Mean state of health over the replacement interval [-]."""
    limited_by: str
    """"cycling and calendar fade" or "calendar life"."""


@dataclass(frozen=True)
class Battery:
    """A stationary battery on the common connection (AC-coupled).

    Parameters
    ----------
    capacity_kwh : float
        Usable capacity when new [kWh] (between the SoC limits below, which narrow it further).
    power_kw : float
        Maximum charge and discharge power at the AC side [kW].
    round_trip_efficiency : float
        AC to AC [-], split evenly into charge and discharge (sqrt each). Default 0.90.
    soc_min_frac, soc_max_frac : float
        SoC limits as fractions of the usable capacity [-].
    soc_initial_frac : float
        SoC at the first step [-], within the limits (default: the lower limit).
    self_discharge_frac_per_month : float
        Share of the stored energy lost per month [1/month] (default 0.02, mgwsim assumption,
        the order of magnitude of Li-ion self-discharge incl. the BMS; not verified).
    standby_w : float
        Auxiliary consumption of the battery system (inverter idle, BMS, ventilation) [W], a
        constant load on the connection (default 0: take it from the datasheet).
    calendar_fade_per_year : float
        Calendar capacity fade a [1/year] (default 0.015, mgwsim assumption).
    cycle_fade_per_cycle : float
        Cycle capacity fade b [1/equivalent full cycle] (default 4.1e-5, mgwsim assumption).
    end_of_life_soh : float
        State of health at which the battery is replaced [-] (default 0.70, Powerwall 2 warranty).
    calendar_life_years : int
        Replaced after this many years at the latest [years] (default 15, mgwsim assumption).
    peak_limit_kw : float, optional
        Peak shaving: keep the monthly import peak at or below this [kW] where the battery can.
        ``None``: PV self-consumption only.
    peak_reserve_frac : float
        With peak shaving, the share of the usable band held back for peaks [-] (default 0.5).
    """

    capacity_kwh: float
    power_kw: float
    round_trip_efficiency: float = 0.90
    soc_min_frac: float = 0.0
    soc_max_frac: float = 1.0
    soc_initial_frac: float | None = None
    self_discharge_frac_per_month: float = 0.02
    standby_w: float = 0.0
    calendar_fade_per_year: float = 0.015
    cycle_fade_per_cycle: float = 4.1e-5
    end_of_life_soh: float = 0.70
    calendar_life_years: int = 15
    peak_limit_kw: float | None = None
    peak_reserve_frac: float = 0.5

    def __post_init__(self):
        owner = "Battery"
        check_number(self.capacity_kwh, "capacity_kwh", owner=owner, low=0.0, low_inclusive=False, high=1e6, unit="kWh")
        check_number(self.power_kw, "power_kw", owner=owner, low=0.0, low_inclusive=False, high=1e5, unit="kW")
        check_number(self.round_trip_efficiency, "round_trip_efficiency", owner=owner, low=0.5, high=1.0)
        lo = check_number(self.soc_min_frac, "soc_min_frac", owner=owner, low=0.0, high=1.0)
        hi = check_number(self.soc_max_frac, "soc_max_frac", owner=owner, low=0.0, high=1.0)
        if hi <= lo:
            raise InputError(f"Battery.soc_max_frac = {hi:g} must be greater than soc_min_frac = {lo:g}")
        if self.soc_initial_frac is not None:
            check_number(self.soc_initial_frac, "soc_initial_frac", owner=owner, low=lo, high=hi)
        check_number(self.self_discharge_frac_per_month, "self_discharge_frac_per_month", owner=owner, low=0.0,
                     high=0.5, unit="1/month")
        check_number(self.standby_w, "standby_w", owner=owner, low=0.0, high=1e5, unit="W")
        check_number(self.calendar_fade_per_year, "calendar_fade_per_year", owner=owner, low=0.0, high=0.5,
                     unit="1/year")
        check_number(self.cycle_fade_per_cycle, "cycle_fade_per_cycle", owner=owner, low=0.0, high=0.01,
                     unit="1/cycle")
        check_number(self.end_of_life_soh, "end_of_life_soh", owner=owner, low=0.3, high=1.0,
                     high_inclusive=False)
        life = check_number(self.calendar_life_years, "calendar_life_years", owner=owner, low=1, high=50,
                            unit="years")
        if life != int(life):
            raise InputError(f"Battery.calendar_life_years must be a whole number of years, got {life:g}")
        if self.peak_limit_kw is not None:
            check_number(self.peak_limit_kw, "peak_limit_kw", owner=owner, low=0.0, high=1e5, unit="kW")
        check_number(self.peak_reserve_frac, "peak_reserve_frac", owner=owner, low=0.0, high=1.0)

    @property
    def charge_efficiency(self) -> float:
        return math.sqrt(self.round_trip_efficiency)

    @property
    def discharge_efficiency(self) -> float:
        return math.sqrt(self.round_trip_efficiency)

    def aged(self, soh: float) -> Battery:
        """The same battery with its usable capacity times ``soh`` (power and limits unchanged)."""
        soh = check_number(soh, "soh", owner="Battery.aged", low=0.0, low_inclusive=False, high=1.0)
        return replace(self, capacity_kwh=self.capacity_kwh * soh)

    def life(self, cycles_per_year: float) -> BatteryLife:
        """Replacement interval and mean SoH under ``cycles_per_year`` (module docstring, *Ageing*).

        Years to end of life ``(1 - SoH_eol) / (a + b N)``, rounded down to whole years (at
        least 1) and capped by ``calendar_life_years``; mean SoH ``1 - (a + b N) L / 2``.
        """
        n = check_number(cycles_per_year, "cycles_per_year", owner="Battery.life", low=0.0, unit="1/year")
        fade = self.calendar_fade_per_year + self.cycle_fade_per_cycle * n
        to_eol = (1.0 - self.end_of_life_soh) / fade if fade > 0.0 else math.inf
        if to_eol < self.calendar_life_years:
            years, why = max(1, math.floor(to_eol)), "cycling and calendar fade"
        else:
            years, why = int(self.calendar_life_years), "calendar life"
        return BatteryLife(n, fade, years, max(1.0 - fade * years / 2.0, self.end_of_life_soh), why)


@dataclass(frozen=True)
class BatteryDispatch:
    """The battery's power per step [kW, AC side, step means] and its stored energy at each step's end [kWh]."""

    charge_kw: np.ndarray
    """Total charging power (from PV surplus and from the grid)."""
    grid_charge_kw: np.ndarray
    """The part of ``charge_kw`` drawn from the grid (peak shaving's recharge)."""
    discharge_kw: np.ndarray
    soc_kwh: np.ndarray
    self_discharge_kwh: np.ndarray
    """Energy lost to self-discharge in the step [kWh]."""
    initial_kwh: float
    step_h: float

    def cycles(self, battery: Battery) -> float:
        """Equivalent full cycles in the simulated steps: DC energy discharged / usable capacity [-]."""
        dc_kwh = float(self.discharge_kw.sum()) * self.step_h / battery.discharge_efficiency
        return dc_kwh / battery.capacity_kwh


@njit
def _dispatch(net_kw, month, dt, e_min, e_max, e0, p_max, eta_c, eta_d, loss_per_h, limit_kw, e_reserve):
    """Rule-based dispatch (module docstring). ``limit_kw < 0``: no peak shaving."""
    n = net_kw.shape[0]
    charge = np.zeros(n)
    grid_charge = np.zeros(n)
    discharge = np.zeros(n)
    soc = np.zeros(n)
    lost = np.zeros(n)
    e = e0
    peak = 0.0
    shaving = limit_kw >= 0.0
    for t in range(n):
        if t > 0 and month[t] != month[t - 1]:
            peak = 0.0
        loss = e * loss_per_h * dt
        e -= loss
        lost[t] = loss
        net = net_kw[t]
        grid = 0.0  # import after the battery [kW]
        if net < 0.0:
            room = max(e_max - e, 0.0) / (eta_c * dt)
            p = min(-net, p_max, room)
            charge[t] = p
            e += p * eta_c * dt
        else:
            threshold = max(limit_kw, peak) if shaving else 0.0
            available = max(e - e_min, 0.0) * eta_d / dt
            d = 0.0
            if shaving:
                d = min(max(net - threshold, 0.0), p_max, available)
                above_reserve = max(e - d * dt / eta_d - e_reserve, 0.0) * eta_d / dt
                d += min(net - d, p_max - d, above_reserve)
            else:
                d = min(net, p_max, available)
            if d > 0.0:
                discharge[t] = d
                e -= d * dt / eta_d
            elif shaving and e < e_reserve and net < threshold:
                g = min(threshold - net, p_max, (e_reserve - e) / (eta_c * dt))
                if g > 0.0:
                    charge[t] = g
                    grid_charge[t] = g
                    e += g * eta_c * dt
            grid = net - discharge[t] + grid_charge[t]
        if grid > peak:
            peak = grid
        if e < 0.0:  # rounding only
            e = 0.0
        soc[t] = e
    return charge, grid_charge, discharge, soc, lost


def dispatch_battery(battery: Battery, pv_kw, load_kw, *, step_h: float, month=None) -> BatteryDispatch:
    """Run ``battery`` against PV [kW] and the loads behind the connection [kW] (step means).

    ``month`` is an integer per step that changes at each billing month (peak shaving resets
    its running peak there); default: one month.
    """
    owner = "dispatch_battery"
    if not isinstance(battery, Battery):
        raise InputError(f"{owner}.battery must be a Battery, got {type(battery).__name__}")
    load = check_series(load_kw, "load_kw", owner=owner, low=0.0)
    n = len(load)
    pv = check_series(pv_kw, "pv_kw", owner=owner, length=n, low=0.0)
    dt = check_number(step_h, "step_h", owner=owner, low=0.0, low_inclusive=False, high=24.0, unit="h")
    months = np.zeros(n, dtype=np.int64) if month is None else np.asarray(month, dtype=np.int64)
    if months.shape != (n,):
        raise InputError(f"{owner}.month must have one entry per step ({n}), got shape {months.shape}")
    cap = battery.capacity_kwh
    e_min, e_max = battery.soc_min_frac * cap, battery.soc_max_frac * cap
    e0 = e_min if battery.soc_initial_frac is None else battery.soc_initial_frac * cap
    e_reserve = e_min + battery.peak_reserve_frac * (e_max - e_min)
    limit = -1.0 if battery.peak_limit_kw is None else float(battery.peak_limit_kw)
    loss_per_h = battery.self_discharge_frac_per_month / HOURS_PER_MONTH
    charge, grid_charge, discharge, soc, lost = _dispatch(
        load - pv, months, dt, e_min, e_max, e0, float(battery.power_kw), battery.charge_efficiency,
        battery.discharge_efficiency, loss_per_h, limit, e_reserve)
    return BatteryDispatch(charge, grid_charge, discharge, soc, lost, e0, dt)


def battery_residual_kwh(battery: Battery, result: BatteryDispatch) -> np.ndarray:
    """Stored-energy balance per step [kWh]: E[t-1] + eta_c P_ch dt - P_dis dt / eta_d - loss - E[t]; zero to rounding."""
    before = np.r_[result.initial_kwh, result.soc_kwh[:-1]]
    dt = result.step_h
    return (before + battery.charge_efficiency * result.charge_kw * dt - result.discharge_kw * dt
            / battery.discharge_efficiency - result.self_discharge_kwh - result.soc_kwh)
