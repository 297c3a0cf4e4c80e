"""Flexibility of the heat plant: storage and building mass planned over the published day-ahead prices.

The rule-based controllers of :mod:`mgwsim.control` decide hour by hour; here a plan is made
once a day, at 13:00 local when the next day's day-ahead prices are published
(:func:`mgwsim.control.planning_windows`), for the hours whose price is known, and carried out
through the kernel's setpoint offsets (``simulate_system(buffer_offset_k=, dhw_offset_k=)``)
and the room setpoint (``simulate_demand(setpoint_offset_k=)``):

* :func:`storage_offsets`: the buffer and the hot-water tank are charged above their plain
  setpoint in the cheapest hours before dear ones (:func:`mgwsim.control.plan_store`), within
  the tank maximum, the heat pumps' free capacity and, with ``peak_cap``, without raising the
  month's running import peak (the Flemish capacity tariff bills the monthly peak,
  :func:`monthly_running_peak_kw`);
* :func:`mass_offsets`: the room setpoint is raised by up to
  :data:`~mgwsim.control.COMFORT_BAND_K` in cheap hours right before dearer ones, so that the
  building's mass carries the dear hours (only upwards: comfort never falls below schedule);
* :func:`peak_limited_offsets`: the storage is charged ahead of the hours in which the heat
  plant would need more than the connection allows.

The heat load of the coming hours is taken from the heat-led run, i.e. a perfect weather and
hot-water forecast over at most 35 hours (the usual assumption of day-ahead heat-pump
scheduling studies, e.g. Patteeuw et al. 2015, Appl. Energy 151, 306–319); the prices are
never read beyond their publication (tested with a poisoned future).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mgwsim._numba import njit
from mgwsim.control import COMFORT_BAND_K, plan_store, planning_windows
from mgwsim.electric import CAPACITY_TARIFF_MIN_KW
from mgwsim.errors import InputError, check_number, check_series
from mgwsim.simyear import LOCAL_TIMEZONE
from mgwsim.system.simulate import SystemResult

__all__ = ["COMFORT_BAND_K", "grid_import_kw", "mass_allowed", "mass_offsets", "monthly_running_peak_kw",
           "peak_limited_offsets", "storage_offsets"]

OFFSET_STEP_K = 5.0
"""Raise step [K] of the COP table the storage plan interpolates on."""


def grid_import_kw(plant_elec_kwh, other_load_kw, pv_kw, step_h: float = 1.0) -> np.ndarray:
    """Import from the grid per step [kW]: plant + other load − PV where positive (PV serves the loads first,
    as :func:`mgwsim.electric.electricity_balance`)."""
    plant = check_series(plant_elec_kwh, "plant_elec_kwh", owner="grid_import_kw", low=0.0) / step_h
    n = plant.size
    other = check_series(other_load_kw, "other_load_kw", owner="grid_import_kw", length=n, low=0.0)
    pv = check_series(pv_kw, "pv_kw", owner="grid_import_kw", length=n, low=0.0)
    return np.maximum(plant + other - pv, 0.0)


def monthly_running_peak_kw(import_kw, index: pd.DatetimeIndex) -> np.ndarray:
    """Highest import so far in the step's local calendar month [kW], at least 2.5 kW.

    The Flemish capacity tariff (VREG, tariff methodology 2021–2024, in force since 1 January
    2023) bills each month's highest quarter-hour import, at least 2.5 kW
    (:data:`mgwsim.electric.CAPACITY_TARIFF_MIN_KW`). Extra load kept under this running peak
    adds nothing to the capacity bill as long as the peak of the month is not yet behind us; it
    is the cap a peak-aware controller can apply knowing only the past.
    """
    values = check_series(import_kw, "import_kw", owner="monthly_running_peak_kw", length=len(index), low=0.0)
    local = index.tz_convert(LOCAL_TIMEZONE)
    month = (local.year * 12 + local.month).to_numpy()
    running = pd.Series(values).groupby(month).cummax().to_numpy()
    return np.maximum(running, CAPACITY_TARIFF_MIN_KW)


def _cop_table(pmap, source, sink, cop_factor, n_levels: int) -> np.ndarray:
    """COP per step at the sink raised by k·OFFSET_STEP_K, k = 0..n_levels−1 (unavailable: a tiny COP)."""
    src = np.clip(source, pmap.source_degc[0], pmap.source_degc[-1])
    table = np.empty((source.size, n_levels))
    for k in range(n_levels):
        raised = np.clip(sink + k * OFFSET_STEP_K, pmap.sink_degc[0], pmap.max_sink_degc)
        with np.errstate(invalid="ignore"):
            cop = pmap.cop_at(src, raised) * cop_factor
        table[:, k] = np.where(np.isfinite(cop) & (cop > 0), cop, 1e-3)
    return table


def _check_price(price, index: pd.DatetimeIndex, owner: str) -> np.ndarray:
    """Prices as float; NaN allowed only where no plan reads them (beyond the last publication)."""
    values = np.asarray(price, dtype=float)
    if values.shape != (len(index),):
        raise InputError(f"{owner}.price_eur_per_kwh has {values.size} values; allowed: {len(index)} (one per step)")
    _, _, horizons = planning_windows(index)
    known = values[:int(horizons.max())]
    if not np.isfinite(known).all():
        i = int(np.flatnonzero(~np.isfinite(known))[0])
        raise InputError(f"{owner}.price_eur_per_kwh[{i}] = {known[i]!r} is not finite but published at the time of "
                         "a plan; allowed: finite prices (NaN only beyond the last publication)")
    return values


def storage_offsets(result: SystemResult, price_eur_per_kwh, *, pv_kw=None, other_load_kw=None,
                    peak_cap: bool = True, hold_h: int = 12, min_gain_frac: float = 0.02, dhw: bool = True,
                    max_raise_k: float | None = None, chunk_k: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """Buffer and hot-water tank raises [K] per step planned over the published prices (look-ahead price-led).

    Parameters
    ----------
    result : SystemResult
        The heat-led run of the plant (hourly): its loads, free capacity, sinks and source
        temperatures are the forecast the plans use.
    price_eur_per_kwh : array (n,)
        The price the bill follows per step (e.g. the all-in dynamic import price); read only
        where published at the time of each plan (:func:`mgwsim.control.planning_windows`).
    pv_kw, other_load_kw : array (n,), optional
        For the capacity-tariff cap (``peak_cap``): charging stays under the month's running
        import peak of the heat-led run (:func:`monthly_running_peak_kw`).
    hold_h : int
        Longest time [h] heat is held between charging and use (1–24).
    min_gain_frac : float
        Margin asked of each move over its saving (forecast and model errors), 0–0.9.
    dhw : bool
        Plan the hot-water tank as well (after the buffer, on the capacity left).
    max_raise_k : float, optional
        Cap on the buffer raise [K] (default: up to the tank's maximum).
    chunk_k : float
        Size of one move [K of the tank], 0.5–20.

    Returns
    -------
    (buffer_offset_k, dhw_offset_k) : arrays (n,)
        For ``simulate_system(buffer_offset_k=, dhw_offset_k=)`` with the same plant.
    """
    owner = "storage_offsets"
    if not isinstance(result, SystemResult) or result.step_h != 1.0:
        raise InputError(f"{owner}.result must be an hourly SystemResult (the heat-led run)")
    check_number(hold_h, "hold_h", owner=owner, low=1, high=24, unit="h")
    check_number(min_gain_frac, "min_gain_frac", owner=owner, low=0.0, high=0.9)
    check_number(chunk_k, "chunk_k", owner=owner, low=0.5, high=20.0, unit="K")
    h, d, plant, index = result.hourly, result.demand.hourly, result.plant, result.hourly.index
    n = len(index)
    price = _check_price(price_eur_per_kwh, index, owner)
    elec_room = np.full(n, np.inf)
    if peak_cap:
        zeros = np.zeros(n)
        imp = grid_import_kw(h["plant_elec_kwh"].to_numpy(), zeros if other_load_kw is None else other_load_kw,
                             zeros if pv_kw is None else pv_kw)
        elec_room = np.maximum(monthly_running_peak_kw(imp, index) - imp, 0.0)
    cascade = plant.heat_pumps
    buffer_k, dhw_k = np.zeros(n), np.zeros(n)
    free = np.maximum(h["hp_capacity_sh_kw"].to_numpy() - h["hp_heat_sh_kwh"].to_numpy()
                      - h["hp_heat_dhw_kwh"].to_numpy(), 0.0)
    starts, stops, horizons = planning_windows(index)
    source = h["source_degc"].to_numpy()
    cop_factor = np.ones(n)  # defrost left out of the plan (a few % in cold humid hours; the run has it)
    stored = np.zeros(n)
    if cascade is not None and plant.buffer is not None:
        buf, pmap, margin = plant.buffer, cascade.performance, cascade.supply_margin_k
        plain = np.clip(d["supply_required_degc"].to_numpy(), buf.min_degc, buf.max_degc)
        top = min(buf.max_degc, pmap.max_sink_degc - margin)
        if max_raise_k is not None:
            top = min(top, check_number(max_raise_k, "max_raise_k", owner=owner, low=0.0, high=40.0, unit="K")
                      + float(plain.max()))
        room = buf.heat_capacity_kwh_k * np.clip(np.minimum(top, plain + 40.0) - plain, 0.0, None)
        levels = int(np.ceil(40.0 / OFFSET_STEP_K)) + 1
        cop = _cop_table(pmap, source, plain + margin, cop_factor, levels)
        keep = np.full(n, 1.0 - buf.ua_w_k / 1000.0 / buf.heat_capacity_kwh_k)
        load = h["hp_heat_sh_kwh"].to_numpy()
        plan_store(price, load, load.copy(), free, elec_room, room, keep, cop, OFFSET_STEP_K, buf.heat_capacity_kwh_k,
                   starts, stops, horizons, int(hold_h), chunk_k * buf.heat_capacity_kwh_k, min_gain_frac, stored)
        buffer_k = np.clip(stored / buf.heat_capacity_kwh_k, 0.0, 40.0)
        charged = np.maximum(np.diff(np.r_[0.0, stored]), 0.0)
        free = np.maximum(free - charged, 0.0)
        elec_room = np.maximum(elec_room - charged / cop[:, 0], 0.0)
    hw = plant.hot_water
    dhw_cascade = {"heat_pump": cascade, "separate_heat_pump": hw.heat_pump, "electric": None}[hw.mode]
    if dhw and dhw_cascade is not None:
        tank, pmap = hw.tank, dhw_cascade.performance
        top = min(tank.max_degc, pmap.max_sink_degc - hw.charge_margin_k)
        room = np.full(n, tank.heat_capacity_kwh_k * max(min(top, hw.setpoint_degc + 30.0) - hw.setpoint_degc, 0.0))
        if hw.mode == "separate_heat_pump":
            free = np.full(n, np.inf)  # its own units: sized for the draws, rarely all busy
        cop = _cop_table(pmap, source, np.full(n, hw.setpoint_degc + hw.charge_margin_k), cop_factor, 7)
        keep = np.full(n, 1.0 - tank.ua_w_k / 1000.0 / tank.heat_capacity_kwh_k)
        load = h["hp_heat_dhw_kwh"].to_numpy()
        plan_store(price, load, load.copy(), free, elec_room, room, keep, cop, OFFSET_STEP_K, tank.heat_capacity_kwh_k,
                   starts, stops, horizons, int(hold_h), chunk_k * tank.heat_capacity_kwh_k, min_gain_frac, stored)
        dhw_k = np.clip(stored / tank.heat_capacity_kwh_k, 0.0, 30.0)
    return buffer_k, dhw_k


def peak_limited_offsets(result: SystemResult, import_limit_kw: float, *, pv_kw=None, other_load_kw=None,
                         hold_h: int = 12) -> np.ndarray:
    """Buffer raises [K] charging the buffer ahead of the hours the import limit would cut (look-ahead peak limiting).

    The hours where the heat-led plant needs more electricity than ``import_limit_kw + PV −
    other load`` leaves are the ones to serve from the buffer: their heat shortfall (the
    electricity above the limit times the hour's COP) is made in the latest earlier hours with
    room under the limit (at most ``hold_h`` before, within the published horizon of each
    daily plan, :func:`mgwsim.control.planning_windows`), the cheapest in COP terms first.
    For ``simulate_system(control=Control("peak_limited", import_limit_kw=...), buffer_offset_k=...)``.
    """
    owner = "peak_limited_offsets"
    if not isinstance(result, SystemResult) or result.step_h != 1.0:
        raise InputError(f"{owner}.result must be an hourly SystemResult (the heat-led run)")
    limit = check_number(import_limit_kw, "import_limit_kw", owner=owner, low=0.0, low_inclusive=False, unit="kW")
    check_number(hold_h, "hold_h", owner=owner, low=1, high=24, unit="h")
    h, d, plant, index = result.hourly, result.demand.hourly, result.plant, result.hourly.index
    n = len(index)
    if plant.heat_pumps is None or plant.buffer is None:
        return np.zeros(n)
    zeros = np.zeros(n)
    pv = zeros if pv_kw is None else check_series(pv_kw, "pv_kw", owner=owner, length=n, low=0.0)
    other = zeros if other_load_kw is None else check_series(other_load_kw, "other_load_kw", owner=owner, length=n,
                                                            low=0.0)
    headroom = np.maximum(limit + pv - other, 0.0)
    elec = h["plant_elec_kwh"].to_numpy()
    buf, cascade = plant.buffer, plant.heat_pumps
    pmap, margin = cascade.performance, cascade.supply_margin_k
    plain = np.clip(d["supply_required_degc"].to_numpy(), buf.min_degc, buf.max_degc)
    cop = _cop_table(pmap, h["source_degc"].to_numpy(), plain + margin, np.ones(n), int(40.0 / OFFSET_STEP_K) + 1)
    load = h["hp_heat_sh_kwh"].to_numpy()
    need = np.minimum(np.maximum(elec - headroom, 0.0) * cop[:, 0], load)
    price = np.where(need > 1e-9, 1e3, 1.0)  # shortfall hours first; elsewhere only the COP cost counts
    free = np.maximum(h["hp_capacity_sh_kw"].to_numpy() - load - h["hp_heat_dhw_kwh"].to_numpy(), 0.0)
    top = min(buf.max_degc, pmap.max_sink_degc - margin)
    room = buf.heat_capacity_kwh_k * np.clip(top - plain, 0.0, None)
    keep = np.full(n, 1.0 - buf.ua_w_k / 1000.0 / buf.heat_capacity_kwh_k)
    starts, stops, horizons = planning_windows(index)
    stored = np.zeros(n)
    plan_store(price, load, need, free, np.maximum(headroom - elec, 0.0), room, keep, cop, OFFSET_STEP_K,
               buf.heat_capacity_kwh_k, starts, stops, horizons, int(hold_h), 2.0 * buf.heat_capacity_kwh_k, 0.0,
               stored)
    return np.clip(stored / buf.heat_capacity_kwh_k, 0.0, 40.0)


@njit
def _mass_plan(price, heating, allowed, starts, stops, horizons, lead_h, spread, band, ramp, out):
    """Room setpoint raise per step: ``band`` where the price is ``spread`` below the dearest of the next
    ``lead_h`` published hours and the building is heated (see :func:`mass_offsets`)."""
    out[:] = 0.0
    for w in range(starts.size):
        s, stop, h = starts[w], stops[w], horizons[w]
        for t in range(s, min(stop, h)):
            if heating[t] <= 0.0 or not allowed[t]:
                continue
            dearest = -np.inf
            for u in range(t + 1, min(t + 1 + lead_h, h)):
                dearest = max(dearest, price[u])
            if price[t] < (1.0 - spread) * dearest:
                out[t] = min(band, (out[t - 1] if t > 0 else 0.0) + ramp)
    return out


def mass_offsets(price_eur_per_kwh, index: pd.DatetimeIndex, space_heating_kwh, *, band_k: float = COMFORT_BAND_K,
                 lead_h: int = 8, min_spread_frac: float = 0.3, ramp_k_per_h: float = 0.1,
                 allowed=None) -> np.ndarray:
    """Room setpoint raises [K] per step that store heat in the building's mass before dear hours.

    In a heated step whose price is at least ``min_spread_frac`` below the dearest of the next
    ``lead_h`` hours already published (:func:`mgwsim.control.planning_windows`), the setpoint
    is raised by ``band_k`` (at most :data:`~mgwsim.control.COMFORT_BAND_K`, inside the
    EN 16798-1 category II winter range); in the dear hours it falls back to the schedule and
    the heating pauses while the mass gives its heat back. Only upward raises: the room never
    gets colder than its schedule. ``min_spread_frac`` covers the extra transmission loss of
    the warmer building and the lower COP at the higher supply temperature (measured with
    ``tools/measure_flexibility.py``). ``allowed`` (bool per step) restricts the raise to steps
    where the heat pumps can make the extra heat (:func:`mass_allowed`): heat stored with the
    gas backup or at a supply temperature above the heat pumps' reach costs more than it saves.
    For ``mgwsim.simulate_demand(setpoint_offset_k=...)``.
    """
    owner = "mass_offsets"
    check_number(band_k, "band_k", owner=owner, low=0.0, high=COMFORT_BAND_K, unit="K")
    check_number(lead_h, "lead_h", owner=owner, low=1, high=24, unit="h")
    check_number(min_spread_frac, "min_spread_frac", owner=owner, low=0.0, high=0.9)
    price = _check_price(price_eur_per_kwh, index, owner)
    heating = check_series(space_heating_kwh, "space_heating_kwh", owner=owner, length=len(index), low=0.0)
    ok = np.ones(len(index), bool) if allowed is None else np.asarray(allowed, bool)
    if ok.shape != (len(index),):
        raise InputError(f"{owner}.allowed has {ok.size} values; allowed: {len(index)} (one per step)")
    starts, stops, horizons = planning_windows(index)
    ramp = check_number(ramp_k_per_h, "ramp_k_per_h", owner=owner, low=0.05, high=COMFORT_BAND_K, unit="K/h")
    return _mass_plan(price, heating, ok, starts, stops, horizons, int(lead_h), float(min_spread_frac), float(band_k),
                      ramp, np.zeros(len(index)))


def mass_allowed(result: SystemResult, extra_heat_kwh=None) -> np.ndarray:
    """Steps in which the heat pumps can store heat in the mass: the heat-led ``result`` used no backup,
    was not limited by the heat pumps' supply temperature, and (when ``extra_heat_kwh`` is given: the
    extra space heating of the raised setpoint) had that much capacity free."""
    h = result.hourly
    ok = ((h["backup_heat_sh_kwh"].to_numpy() <= 1e-9) & (h["backup_heat_dhw_kwh"].to_numpy() <= 1e-9)
          & (h["hp_temperature_limited"].to_numpy() < 0.5))
    if extra_heat_kwh is not None:
        free = h["hp_capacity_sh_kw"].to_numpy() * result.step_h - h["hp_heat_sh_kwh"].to_numpy() \
            - h["hp_heat_dhw_kwh"].to_numpy()
        ok &= np.asarray(extra_heat_kwh, float) <= free
    return ok
