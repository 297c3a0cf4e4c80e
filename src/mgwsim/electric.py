"""The building's electricity balance at its connection, and the KPIs grid operators and tariffs use.

Every step: PV + import = loads + export + curtailment (to rounding). PV serves the
connection's own loads first; the rest is exported up to the export limit and curtailed
above it. Peaks: with hourly data the hour's mean import is the best estimate of its
15-minute peak available and is a *lower bound* of it (the Flemish capacity tariff bills
the monthly maximum 15-minute average, VREG); give 15-minute data to compute peaks on
their own basis.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from mgwsim.battery import Battery, dispatch_battery
from mgwsim.errors import InputError, check_choice, check_number, check_series
from mgwsim.simyear import LOCAL_TIMEZONE, billing_months
from mgwsim.timestep import step_hours

CAPACITY_TARIFF_MIN_KW = 2.5
"""Minimum monthly peak billed by the Flemish capacity tariff [kW] (VREG, since 1 January 2023)."""

CONNECTION_POWER_FACTOR = 0.95
"""cos φ [-] that turns an active power [kW] into the apparent power [kVA] a connection must carry:
S = P / cos φ. 0.95 is the power factor below which Flemish grid rules start charging reactive
energy: the flat allowance of reactive energy is 32.9 % of the active energy (Technisch Reglement
Transmissie Vlaanderen, art. 6.1.8, the same tan φ = 0.329 as the distribution tariffs' reactive-energy
term), and tan φ = 0.329 is cos φ = 1 / sqrt(1 + 0.329²) = 0.950. Inverter-driven heat pumps with
power-factor correction stay above it; an installation below it pays for the reactive energy. The
one constant for every kW → kVA of a connection in mgwsim (the low-voltage check and upgrade, the
medium-voltage cabin, the smallest-connection search). The medium-voltage *access power* is not
converted: Fluvius bills it in kW (see :func:`mgwsim.tariffs.annual_bill`)."""


def whole_kva(apparent_kva: float) -> int:
    """An apparent power [kVA] as the whole kVA a connection must offer to carry it: rounded up, within 1e-9 kVA
    of float noise (95 kW / 0.95 is 100 kVA, not 101). The one rounding of every kVA the study shows or orders
    (the connection check, the low-voltage upgrade, the smallest connection), so that they agree."""
    return math.ceil(float(apparent_kva) - 1e-9)


def fits_kva(need_kva: float, rating_kva: float) -> bool:
    """Whether a connection of ``rating_kva`` [kVA] carries an apparent power ``need_kva`` [kVA], within the float
    noise :func:`whole_kva` ignores (the connection check, the upgrade and the report's diagram agree)."""
    return need_kva <= rating_kva + 1e-9


def apparent_power_kva(active_kw: float) -> float:
    """The apparent power [kVA] of an active power ``active_kw`` [kW] at :data:`CONNECTION_POWER_FACTOR`:
    S = P / cos φ (IEC 60050-131 definitions of active and apparent power)."""
    return float(active_kw) / CONNECTION_POWER_FACTOR


def _step_hours(index: pd.DatetimeIndex) -> float:
    """The index's regular step [h], 1.0 or 0.25 (every step checked, not only the first)."""
    if len(index) < 2:
        raise InputError("electricity_balance: the index needs at least two timestamps")
    return step_hours(index, owner="electricity_balance")


def electricity_balance(index: pd.DatetimeIndex, *, pv_kw=None, loads_kw: dict, export_limit_kw: float | None = None,
                        battery=None, timezone: str = LOCAL_TIMEZONE) -> pd.DataFrame:
    """Energy per step [kWh] at the connection: PV, each load, self-consumption, import, export, curtailment.

    With a ``battery`` (:class:`mgwsim.battery.Battery`, dispatched by
    :func:`mgwsim.battery.dispatch_battery` with the local billing months of ``timezone``) the
    balance reads PV + import + discharge = loads + export + curtailment + charge; its standby
    consumption is a load (``load_battery_standby_kwh``); self-consumed PV counts the PV
    charged into the battery; columns ``battery_charge_kwh``, ``battery_grid_charge_kwh``,
    ``battery_discharge_kwh``, ``battery_soc_kwh`` (end of step) and
    ``battery_self_discharge_kwh`` are added.

    Parameters
    ----------
    index : DatetimeIndex
        Hourly or 15-minute steps.
    pv_kw : array, optional
        PV AC power [kW] (mean over the step).
    loads_kw : dict of str to array
        Loads behind the connection [kW], e.g. ``{"heat_plant": ..., "common_area": ..., "ev": ...}``.
    export_limit_kw : float, optional
        Injection limit [kW]; PV above what can be used or injected is curtailed.
    """
    dt = _step_hours(index)
    n = len(index)
    owner = "electricity_balance"
    pv = np.zeros(n) if pv_kw is None else check_series(pv_kw, "pv_kw", owner=owner, length=n, low=0.0)
    if not loads_kw:
        raise InputError("electricity_balance.loads_kw is empty")
    if battery is not None and not isinstance(battery, Battery):
        raise InputError(f"electricity_balance.battery must be a Battery, got {type(battery).__name__}")
    if battery is not None and battery.standby_w > 0.0:
        loads_kw = {**loads_kw, "battery_standby": np.full(n, battery.standby_w / 1000.0)}
    frame = pd.DataFrame(index=index)
    frame["pv_kwh"] = pv * dt
    total = np.zeros(n)
    for name, values in loads_kw.items():
        load = check_series(values, f"loads_kw[{name!r}]", owner=owner, length=n, low=0.0)
        frame[f"load_{name}_kwh"] = load * dt
        total += load
    frame["load_kwh"] = total * dt
    self_consumed = np.minimum(pv, total)
    surplus = pv - self_consumed
    deficit = total - self_consumed
    if battery is not None:
        starts, _ = billing_months(index, owner=owner, tz=timezone)
        month = np.zeros(n, dtype=np.int64)
        month[starts[1:]] = 1
        run = dispatch_battery(battery, pv, total, step_h=dt, month=np.cumsum(month))
        from_pv = run.charge_kw - run.grid_charge_kw  # charged from the surplus, at most the surplus
        surplus = surplus - from_pv
        self_consumed = self_consumed + from_pv
        deficit = deficit - run.discharge_kw + run.grid_charge_kw  # a discharge is at most the deficit
        frame["battery_charge_kwh"] = run.charge_kw * dt
        frame["battery_grid_charge_kwh"] = run.grid_charge_kw * dt
        frame["battery_discharge_kwh"] = run.discharge_kw * dt
        frame["battery_soc_kwh"] = run.soc_kwh
        frame["battery_self_discharge_kwh"] = run.self_discharge_kwh
        surplus, deficit = np.maximum(surplus, 0.0), np.maximum(deficit, 0.0)  # -1e-16 rounding only
    limit = np.inf if export_limit_kw is None else check_number(export_limit_kw, "export_limit_kw", owner=owner, low=0.0)
    export = np.minimum(surplus, limit)
    frame["self_consumed_kwh"] = self_consumed * dt
    frame["grid_import_kwh"] = deficit * dt
    frame["grid_export_kwh"] = export * dt
    frame["curtailed_kwh"] = (surplus - export) * dt
    return frame


def balance_residual_kwh(balance: pd.DataFrame) -> pd.Series:
    """PV + import + battery discharge − loads − export − curtailment − battery charge per step [kWh]: zero to rounding."""
    residual = (balance["pv_kwh"] + balance["grid_import_kwh"] - balance["load_kwh"] - balance["grid_export_kwh"]
                - balance["curtailed_kwh"])
    if "battery_charge_kwh" in balance:
        residual = residual + balance["battery_discharge_kwh"] - balance["battery_charge_kwh"]
    return residual


def monthly_peak_import_kw(balance: pd.DataFrame, timezone: str = LOCAL_TIMEZONE) -> pd.Series:
    """Maximum import power per local calendar month [kW]: max of import [kWh per step] / step [h].

    On 15-minute data this is the quantity the Flemish capacity tariff bills, the monthly
    highest 15-minute mean offtake (VREG, since 1 January 2023). On hourly data it is the
    highest *hourly* mean, which can only underestimate the 15-minute peak (the mean of four
    quarters is at most their maximum): a lower bound. No correction factor is applied, as
    none is cited here; run the year at 15 minutes to compute the peak on its own basis.

    A full year must be a local calendar year (12 months; :func:`mgwsim.simyear.billing_months`
    refuses a UTC-stamped year, which would add a 13th month).
    """
    dt = _step_hours(balance.index)
    starts, labels = billing_months(balance.index, owner="monthly_peak_import_kw", tz=timezone)
    peaks = np.maximum.reduceat(balance["grid_import_kwh"].to_numpy(dtype=float) / dt, starts)
    return pd.Series(peaks, index=pd.PeriodIndex(labels, freq="M"), name="peak_import_kw")


def balance_kpis(balance: pd.DataFrame, *, connection_limit_kw: float | None = None) -> pd.Series:
    """Self-consumption, self-sufficiency, peaks and exceedance hours of a balance.

    Peaks are step mean powers (kWh per step / step [h]); ``hours_above_connection_limit`` is
    the count of steps above the limit × step [h] (``steps_above_connection_limit`` the count).
    """
    dt = _step_hours(balance.index)
    pv, load = balance["pv_kwh"].sum(), balance["load_kwh"].sum()
    used = balance["self_consumed_kwh"].sum()
    peaks = monthly_peak_import_kw(balance)
    import_kw = balance["grid_import_kwh"] / dt
    kpis = {
        "pv_kwh": pv,
        "load_kwh": load,
        "grid_import_kwh": balance["grid_import_kwh"].sum(),
        "grid_export_kwh": balance["grid_export_kwh"].sum(),
        "curtailed_kwh": balance["curtailed_kwh"].sum(),
        "self_consumption": used / pv if pv > 0 else np.nan,
        "self_sufficiency": _self_sufficiency(balance),
        "peak_import_kw": float(import_kw.max()),
        "peak_export_kw": float((balance["grid_export_kwh"] / dt).max()),
        "mean_monthly_peak_kw": float(np.maximum(peaks, CAPACITY_TARIFF_MIN_KW).mean()),
        "peak_basis": "15 min" if dt == 0.25 else "hourly mean (lower bound of the 15-min peak)",
    }
    if connection_limit_kw is not None:
        above = int((import_kw > connection_limit_kw + 1e-9).sum())
        kpis["steps_above_connection_limit"] = above
        kpis["hours_above_connection_limit"] = above * dt
    return pd.Series(kpis, name="electricity")


def _self_sufficiency(balance: pd.DataFrame) -> float:
    """Share of the load not met by the grid: 1 − (import − the battery's grid charging) / load [-]."""
    load = float(balance["load_kwh"].sum())
    if load <= 0:
        return np.nan
    from_grid = float(balance["grid_import_kwh"].sum())
    if "battery_grid_charge_kwh" in balance:
        from_grid -= float(balance["battery_grid_charge_kwh"].sum())
    return 1.0 - from_grid / load


def share_energy(surplus_kwh, apartment_loads_kwh, *, key: str = "dynamic", shares=None) -> np.ndarray:
    """Energy shared from the collective PV to apartments per step [kWh] (n_steps × n_apartments).

    Flemish energy sharing within one building (Energiedecreet art. 7.2.1/1 ff., in force
    since 2023; allocation by the distribution grid operator per quarter hour): the surplus of
    the common installation is allocated to the participants, each at most its own
    consumption in that step.

    * ``"static"``: fixed shares (e.g. the statutory quotities); what a participant cannot
      use of its share is not passed on.
    * ``"dynamic"``: pro rata to each participant's consumption in the step.
    """
    check_choice(key, "key", ("static", "dynamic"), owner="share_energy")
    loads = np.asarray(apartment_loads_kwh, dtype=float)
    surplus = check_series(surplus_kwh, "surplus_kwh", owner="share_energy", length=loads.shape[0], low=0.0)
    if loads.ndim != 2 or (loads < 0).any() or not np.isfinite(loads).all():
        raise InputError("share_energy.apartment_loads_kwh must be a finite, non-negative (steps × apartments) array")
    if key == "static":
        weights = np.full(loads.shape[1], 1.0 / loads.shape[1]) if shares is None else check_series(
            shares, "shares", owner="share_energy", length=loads.shape[1], low=0.0)
        if not np.isclose(weights.sum(), 1.0):
            raise InputError(f"share_energy.shares sum to {weights.sum():.6f}, expected 1")
        return np.minimum(surplus[:, None] * weights[None, :], loads)
    total = loads.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        fraction = np.where(total[:, None] > 0, loads / total[:, None], 0.0)
    return np.minimum(surplus[:, None] * fraction, loads)
