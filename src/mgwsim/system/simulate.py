"""Run a building's heat plant for a year: :func:`simulate_system` and its result."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from mgwsim.building.dhw import CirculationLoop
from mgwsim.building.thermal import OPERATIVE_AIR_WEIGHT, ZoneParameters
from mgwsim.control import Control, price_led_offsets
from mgwsim.demand import Demand, step_count_hours
from mgwsim.errors import InputError, check_series
from mgwsim.heatpump.defrost import DEFAULT_RH_PCT, defrost_factors
from mgwsim.system import kernel as k
from mgwsim.system.plant import HeatPumpCascade, Plant
from mgwsim.system.zone import UNCOUPLED, ZoneInputs, zone_balance_residual_kwh, zone_inputs
from mgwsim.timestep import step_hours
from mgwsim.weather import Weather

COLUMNS = {
    k.SH_DELIVERED: "space_heating_delivered_kwh", k.SH_UNMET: "space_heating_unmet_kwh",
    k.DHW_DELIVERED: "dhw_delivered_kwh", k.HP_HEAT_SH: "hp_heat_sh_kwh", k.HP_HEAT_DHW: "hp_heat_dhw_kwh",
    k.HP_ELEC_SH: "hp_elec_sh_kwh", k.HP_ELEC_DHW: "hp_elec_dhw_kwh", k.BACKUP_HEAT_SH: "backup_heat_sh_kwh",
    k.BACKUP_HEAT_DHW: "backup_heat_dhw_kwh", k.BACKUP_INPUT: "backup_input_kwh", k.BOOSTER_HEAT: "booster_kwh",
    k.BUFFER_LOSS: "buffer_loss_kwh", k.DHW_LOSS: "dhw_tank_loss_kwh", k.BUFFER_DEGC: "buffer_degc",
    k.DHW_DEGC: "dhw_tank_degc", k.BUFFER_DELTA: "buffer_storage_change_kwh", k.DHW_DELTA: "dhw_storage_change_kwh",
    k.HP_CAPACITY_SH: "hp_capacity_sh_kw", k.HP_SINK_SH_DEGC: "hp_sink_sh_degc",
    k.UNITS_EQUIVALENT: "hp_unit_hours", k.CYCLING: "hp_cycling", k.HP_LIMITED_BY_TEMPERATURE: "hp_temperature_limited",
    k.DHW_BELOW_SETPOINT: "dhw_below_setpoint", k.HP_HEAT_PV_LED: "hp_heat_pv_led_kwh",
    k.HP_LIMITED_BY_GRID: "hp_grid_limited", k.SH_NEED: "space_heating_need_kwh", k.ZONE_AIR_DEGC: "zone_air_degc",
    k.ZONE_SURFACE_DEGC: "zone_surface_degc", k.ZONE_MASS_DEGC: "zone_mass_degc",
    k.ZONE_MASS_END_DEGC: "zone_mass_end_degc", k.DHW_UNMET: "dhw_unmet_kwh", k.DHW_LOOP_LOSS: "dhw_loop_loss_kwh",
    k.DHW_LOOP_RETURN_DEGC: "dhw_loop_return_degc", k.DHW_TOP_DEGC: "dhw_tank_top_degc",
    k.DHW_BOTTOM_DEGC: "dhw_tank_bottom_degc",
}
OVERHEATING_DEGC = 26.0
"""Upper operative temperature [°C] of category II for residential rooms in summer (EN 16798-1:2019, Annex B)."""
HEAT_IN = ("hp_heat_sh_kwh", "hp_heat_dhw_kwh", "backup_heat_sh_kwh", "backup_heat_dhw_kwh", "booster_kwh")
HEAT_OUT = ("space_heating_delivered_kwh", "dhw_delivered_kwh", "buffer_loss_kwh", "dhw_tank_loss_kwh",
            "dhw_loop_loss_kwh", "buffer_storage_change_kwh", "dhw_storage_change_kwh")
DEFAULT_COLD_WATER_DEGC = 10.0
"""Cold water [°C] of :func:`run_plant` when its caller gives none (the EU tapping cycles' test value)."""


@dataclass(frozen=True, eq=False)
class SystemResult:
    """Flows of one plant-year per step (hour or 15 minutes), per-unit statistics and annual KPIs.

    ``hourly`` holds the kernel outputs (``COLUMNS``) plus ``hp_elec_kwh`` (all heat-pump
    electricity), ``electric_backup_kwh``, ``gas_kwh`` (fuel on GCV), ``source_degc`` and the
    demand's ``supply_required_degc``, on the weather's index: energies are kWh per step,
    ``hp_capacity_sh_kw`` is kW, ``hp_unit_hours`` the mean number of units running over the
    step; flags (``hp_cycling``, ``hp_temperature_limited``, ...) are 0/1 per step. The name
    ``hourly`` is kept from the hourly default.
    """

    plant: Plant
    demand: Demand
    hourly: pd.DataFrame
    units: pd.DataFrame
    control: Control

    @property
    def step_h(self) -> float:
        """Length of one step [h]: 1.0 or 0.25."""
        return step_hours(self.hourly.index, owner="SystemResult", field="hourly.index")

    @property
    def coupled(self) -> bool:
        """Whether the zone ran inside the plant's loop (``simulate_system(coupled=True)``)."""
        return bool(np.isfinite(self.hourly["zone_operative_degc"].to_numpy()[0]))

    def operative_degc(self) -> np.ndarray:
        """Operative temperature of the zone per step [°C]: the coupled zone's, else the demand's (ideal heating)."""
        column = self.hourly["zone_operative_degc"] if self.coupled else self.demand.hourly["operative_degc"]
        return column.to_numpy()

    def comfort_kpis(self) -> pd.Series:
        """Thermal comfort over the year from the operative temperature θ_op against the heating setpoint θ_set.

        The long-term evaluation of EN 15251:2007 Annex F (continued in EN 16798-1:2019): hours
        outside the range (method A) and degree-hours (method B) on the operative temperature.
        ``cold_hours`` θ_op < θ_set − 1 K, ``cold_hours_2k`` θ_op < θ_set − 2 K [h],
        ``degree_hours_below_setpoint_kh`` Σ max(θ_set − θ_op, 0)·Δt [K·h],
        ``overheating_hours`` θ_op > 26 °C [h] (the summer maximum of category II for
        residential rooms, EN 16798-1:2019 Annex B), ``min_operative_degc`` [°C]. The setpoint follows its schedule (a night
        set-back is not "cold"). Meaningful for a coupled year; a decoupled year reports the
        ideal zone, cold only where the demand had a heating limit.
        """
        names = ("cold_hours", "cold_hours_2k", "degree_hours_below_setpoint_kh", "overheating_hours",
                 "min_operative_degc")
        if not self.coupled and not {"setpoint_degc", "operative_degc"} <= set(self.demand.hourly.columns):
            return pd.Series(np.nan, index=list(names), name="comfort")  # a demand made by hand: no zone to judge
        step_h = self.step_h
        operative = self.operative_degc()
        setpoint = self.demand.hourly["setpoint_degc"].to_numpy()
        below = setpoint - operative
        return pd.Series(dict(zip(names, (
            step_count_hours(int((below > 1.0).sum()), step_h), step_count_hours(int((below > 2.0).sum()), step_h),
            float(np.maximum(below, 0.0).sum()) * step_h,
            step_count_hours(int((operative > OVERHEATING_DEGC).sum()), step_h), float(operative.min())),
            strict=True)), name="comfort")

    def balance_residual_kwh(self) -> pd.Series:
        """Heat in minus heat out per step [kWh]: zero to rounding (the plant heat balance)."""
        return self.hourly[list(HEAT_IN)].sum(axis=1) - self.hourly[list(HEAT_OUT)].sum(axis=1)

    def zone_balance_residual_kwh(self) -> pd.Series:
        """Zone heat in minus heat out per step [kWh] of a coupled year (:func:`mgwsim.system.zone.zone_balance_residual_kwh`)."""
        if not self.coupled:
            raise InputError("SystemResult.zone_balance_residual_kwh needs a coupled year; allowed: "
                             "simulate_system(..., coupled=True)")
        h, d = self.hourly, self.demand.hourly
        residual = zone_balance_residual_kwh(
            ZoneParameters.from_building(self.demand.building), d["temp_air_degc"].to_numpy(),
            d["internal_gains_kwh"].to_numpy(), d["solar_gains_kwh"].to_numpy(),
            h["space_heating_delivered_kwh"].to_numpy(), h["zone_air_degc"].to_numpy(),
            h["zone_surface_degc"].to_numpy(), h["zone_mass_degc"].to_numpy(), h["zone_mass_end_degc"].to_numpy(),
            self.step_h)
        return pd.Series(residual, index=h.index, name="zone_balance_residual_kwh")

    def hot_water_kpis(self) -> dict:
        """Hot water over the year: what the taps did not get and where the heat went.

        ``dhw_unmet_kwh`` hot water drawn but not delivered (the tank held no water at or above
        the useful temperature) [kWh], ``dhw_unmet_hours`` [h]; ``dhw_loop_loss_kwh`` the
        circulation loop's loss; ``dhw_loop_share`` = loop loss / (hot water delivered + loop
        loss + tank loss), the loop's share of the heat the hot-water system used [-];
        ``dhw_tank_min_degc`` the coldest node of the year, ``dhw_loop_return_min_degc`` the
        lowest loop return [°C] (NaN without a loop).
        """
        h, step_h = self.hourly, self.step_h
        unmet, loop = h["dhw_unmet_kwh"].to_numpy(), float(h["dhw_loop_loss_kwh"].sum())
        used = float(h["dhw_delivered_kwh"].sum()) + loop + float(h["dhw_tank_loss_kwh"].sum())
        returns = h["dhw_loop_return_degc"].to_numpy()
        return {
            "dhw_unmet_kwh": float(unmet.sum()),
            "dhw_unmet_hours": step_count_hours(int((unmet > 1e-6).sum()), step_h),
            "dhw_loop_loss_kwh": loop,
            "dhw_loop_share": loop / used if used > 0 else np.nan,
            "dhw_tank_min_degc": float(h["dhw_tank_bottom_degc"].min()),
            "dhw_loop_return_min_degc": float(np.min(returns)) if np.isfinite(returns).all() else np.nan,
        }

    def kpis(self) -> pd.Series:
        """Annual KPIs.

        SPF boundaries follow the SEPEMO convention used with EN 15316-4-2:2017
        (Zottl et al., SEPEMO-Build D4.2, 2012): ``spf_h2`` = heat-pump heat / heat-pump
        electricity (compressor and source fan, as in the COP maps); ``spf_h3`` adds the
        electric backup and the booster to both sides; gas backup is reported separately.

        Whatever the step, ``*_hours`` are hours (steps counted × step length [h]) and
        ``peak_hp_elec_kw`` is the highest step mean power (kWh per step / step [h]): at 15
        minutes the 15-minute peak, at 1 h the hourly mean peak (not above the 15-minute one).
        """
        h = self.hourly
        step_h = self.step_h
        s = h.sum()  # one pass over all columns
        hp_heat = s["hp_heat_sh_kwh"] + s["hp_heat_dhw_kwh"]
        hp_elec = s["hp_elec_kwh"]
        backup_heat = s["backup_heat_sh_kwh"] + s["backup_heat_dhw_kwh"]
        electric_backup = s["electric_backup_kwh"] + s["booster_kwh"]
        total_heat = hp_heat + backup_heat + s["booster_kwh"]
        elec_backup_heat = (backup_heat if self.plant.backup.kind == "electric" else 0.0) + s["booster_kwh"]
        return pd.Series({
            "space_heating_demand_kwh": self.demand.hourly["space_heating_kwh"].sum(),
            "space_heating_delivered_kwh": s["space_heating_delivered_kwh"],
            "space_heating_unmet_kwh": s["space_heating_unmet_kwh"],
            "space_heating_need_kwh": s["space_heating_need_kwh"],
            "unmet_hours": step_count_hours(int((h["space_heating_unmet_kwh"].to_numpy() > 1e-6).sum()), step_h),
            "dhw_delivered_kwh": s["dhw_delivered_kwh"],
            **self.hot_water_kpis(),
            "hp_heat_kwh": hp_heat,
            "hp_elec_kwh": hp_elec,
            "backup_heat_kwh": backup_heat,
            "booster_kwh": s["booster_kwh"],
            "gas_kwh": s["gas_kwh"],
            "district_heat_kwh": s["district_heat_kwh"],
            "electricity_kwh": hp_elec + electric_backup,
            "spf_h2": hp_heat / hp_elec if hp_elec > 0 else np.nan,
            "spf_h3": (hp_heat + elec_backup_heat) / (hp_elec + electric_backup) if hp_elec + electric_backup > 0 else np.nan,
            "backup_share": (backup_heat + s["booster_kwh"]) / total_heat if total_heat > 0 else np.nan,
            "hp_temperature_limited_hours": step_count_hours(s["hp_temperature_limited"], step_h),
            "cycling_hours": step_count_hours(s["hp_cycling"], step_h),
            "starts": float(self.units["starts"].sum()),
            "dhw_below_setpoint_hours": step_count_hours(s["dhw_below_setpoint"], step_h),
            "peak_hp_elec_kw": h["hp_elec_kwh"].to_numpy().max() / step_h,
            "hp_heat_pv_led_kwh": s["hp_heat_pv_led_kwh"],
            "grid_limited_hours": step_count_hours(s["hp_grid_limited"], step_h),
            **self.comfort_kpis(),
        }, name="system")


_NO_MAP = np.dstack([np.zeros((2, 2)), np.ones((2, 2))])
_NO_MAP.setflags(write=False)
_NO_MAP_GRID = np.array([0.0, 1.0])
_NO_MAP_GRID.setflags(write=False)  # read-only like the maps' own grids: one compiled kernel for both


def _grids(cascade: HeatPumpCascade | None, fallback: HeatPumpCascade | None) -> tuple:
    """``(source_grid, sink_grid, table, max_sink, min_source, max_source)`` of the plant kernel.

    ``table`` is the map as (source, sink, [capacity kW, COP]): both read from one cell.
    """
    chosen = cascade or fallback
    if chosen is None:  # a plant without heat pumps: a dummy, never evaluated
        return _NO_MAP_GRID, _NO_MAP_GRID, _NO_MAP, -1e9, 1e9, -1e9
    source, sink, _, _, max_sink, min_source, max_source = chosen.performance.kernel_arrays()
    table = chosen.performance.kernel_table  # writable when the map was unpickled (a worker process)
    return (_kernel_input(source), _kernel_input(sink), _kernel_input(table), float(max_sink), float(min_source),
            float(max_source))


def _series(values, field: str, weather: Weather, **bounds) -> np.ndarray:
    """An input series on the weather's steps, checked (values, length and, for pandas input, the step).

    A pandas Series with a DatetimeIndex must have the weather's step; an array of the
    length of another step (8760 against 35040 rows) is named as a step mismatch.
    """
    owner, n = "simulate_system", weather.n_steps
    if isinstance(values, pd.Series) and isinstance(values.index, pd.DatetimeIndex):
        step_h = step_hours(values.index, owner=owner, field=f"{field}.index")
        if step_h != weather.step_h:
            raise InputError(f"{owner}.{field} has a step of {step_h * 60:g} min but the weather {weather.step_h * 60:g} "
                             f"min; allowed: the weather's step ({weather.step_h * 60:g} min, {n} values)")
    size = np.size(values)
    if (size == 4 * n and weather.step_h == 1.0) or (4 * size == n and weather.step_h == 0.25):
        other = 0.25 if size == 4 * n else 1.0
        raise InputError(f"{owner}.{field} has {size} values, i.e. a step of {other * 60:g} min, but the weather has "
                         f"{n} steps of {weather.step_h * 60:g} min; allowed: {n} values on the weather's step")
    return check_series(values, field, owner=owner, length=n, **bounds)


def _source_series(cascade: HeatPumpCascade, weather: Weather, source_degc) -> np.ndarray:
    if source_degc is not None:
        return _series(source_degc, "source_degc", weather, low=-50, high=60)
    kind = cascade.performance.source.kind
    if kind != "air":
        raise InputError(f"simulate_system: a {kind!r} heat pump needs source_degc (e.g. mgwsim.system.sources)")
    return weather.temp_air_degc


def _check_in_grid(cascade: HeatPumpCascade, source: np.ndarray, index: pd.DatetimeIndex | None = None) -> None:
    pmap = cascade.performance
    inside = (source >= pmap.source.min_degc) & (source <= pmap.source.max_degc)
    low, high = pmap.source_degc[0], pmap.source_degc[-1]
    bad = inside & ((source < low) | (source > high))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        when = f" ({index[i]})" if index is not None else ""
        raise InputError(f"simulate_system: source temperature {source[i]:.1f} °C at step {i}{when} lies inside the "
                         f"operating limits but outside the map grid [{low:g}, {high:g}] °C; extend the map grid")


def _defrost(cascade: HeatPumpCascade | None, weather: Weather) -> tuple[np.ndarray, np.ndarray]:
    ones = np.ones(weather.n_hours)
    if cascade is None or not cascade.defrost:
        return ones, ones
    rh = weather.column("relative_humidity_pct") if "relative_humidity_pct" in weather.data else DEFAULT_RH_PCT
    capacity, cop = defrost_factors(weather.temp_air_degc, rh)
    return np.ascontiguousarray(capacity, dtype=float), np.ascontiguousarray(cop, dtype=float)


def _params(plant: Plant, first_supply_degc: float, control: Control, step_h: float = 1.0,
            loop: CirculationLoop | None = None) -> np.ndarray:
    hp, hw, bu, buf = plant.heat_pumps, plant.hot_water, plant.backup, plant.buffer
    n_dhw = {"heat_pump": 0, "separate_heat_pump": hw.heat_pump.n_units if hw.heat_pump else 0, "electric": -1}[hw.mode]
    tank = hw.tank
    p = np.zeros(k.N_PARAMS)
    p[k.P_N_UNITS] = hp.n_units if hp else 1
    p[k.P_MIN_MOD] = hp.performance.min_modulation_frac if hp else 1.0
    p[k.P_CD] = hp.degradation_coefficient if hp else 1.0
    p[k.P_MARGIN] = hp.supply_margin_k if hp else 0.0
    p[k.P_N_DHW_UNITS] = n_dhw
    p[k.P_DHW_MARGIN] = hw.charge_margin_k
    if buf is not None:
        p[k.P_C_BUF], p[k.P_UA_BUF], p[k.P_BUF_MAX] = buf.heat_capacity_kwh_k, buf.ua_w_k / 1000.0, buf.max_degc
        p[k.P_BUF_INIT] = min(max(first_supply_degc, buf.min_degc), buf.max_degc)
    p[k.P_T_AMB] = tank.ambient_degc
    p[k.P_C_DHW], p[k.P_UA_DHW] = tank.heat_capacity_kwh_k, tank.ua_w_k / 1000.0
    p[k.P_DHW_SET], p[k.P_DHW_MAX], p[k.P_BOOSTER] = hw.setpoint_degc, tank.max_degc, hw.booster_kw
    p[k.P_BU_CAP], p[k.P_BU_EFF] = bu.capacity_kw, bu.efficiency
    p[k.P_BU_ALT], p[k.P_BIVALENT] = float(bu.mode == "alternative"), bu.bivalent_degc
    p[k.P_BU_DHW], p[k.P_BU_ELECTRIC] = float(bu.serves_hot_water), float(bu.kind == "electric")
    p[k.P_DHW_INIT] = hw.setpoint_degc
    p[k.P_HAS_HP] = float(hp is not None)
    p[k.P_PV_LED] = float(control.pv_led)
    p[k.P_IMPORT_LIMIT] = control.import_limit_kw if control.import_limit_kw is not None else 1e300
    p[k.P_DT_H] = step_h  # the weather's step [h]: kW -> kWh per step in the kernel
    p[k.P_DHW_NODES], p[k.P_TAP_USEFUL] = hw.nodes, hw.useful_degc
    p[k.P_LOOP_UA], p[k.P_LOOP_FLOW] = (loop.ua_w_k / 1000.0, loop.flow_w_k / 1000.0) if loop else (0.0, 1.0)
    return p


def simulate_system(
    demand: Demand,
    plant: Plant,
    weather: Weather,
    *,
    control: Control | None = None,
    pv_kw=None,
    other_load_kw=None,
    price_eur_per_kwh=None,
    source_degc=None,
    buffer_offset_k=None,
    dhw_offset_k=None,
    capacity_limit_kw=None,
    coupled: bool = False,
) -> SystemResult:
    """Simulate the heat plant serving ``demand`` for the weather's year.

    Parameters
    ----------
    demand : Demand
        Space heating, hot water [kWh per step] and required supply/return temperatures
        (:func:`mgwsim.simulate_demand`) on the same index as ``weather``, hourly or 15-minute:
        the kernel runs on the weather's step (parameter ``P_DT_H``).
    plant : Plant
    control : Control, optional
        Heat-led by default; PV-led needs ``pv_kw``, price-led ``price_eur_per_kwh``.
    pv_kw, other_load_kw : array, optional
        PV production and the connection's other electricity use [kW, step means], one value
        per weather step (PV-led control and the import limit).
    price_eur_per_kwh : array, optional
        Day-ahead (or dynamic) price per step for price-led control (an hourly price on a
        15-minute year: repeat each hour's price four times).
    source_degc : array, optional
        Source temperature of the heat pumps [°C] per step; by default the outdoor air
        (air sources). Brine and exhaust-air sources must pass it (:mod:`mgwsim.system.sources`).
    buffer_offset_k, dhw_offset_k : array, optional
        Extra setpoint raises [K] per step from an external controller; added to price-led ones.
    capacity_limit_kw : array, optional
        Upper bound on the cascade's heat per step [kW], e.g.
        ``ExhaustAirSource.condenser_limit_kw(cop)`` for an exhaust-air heat pump.
    coupled : bool
        Run the building's zone inside the plant's time loop (:mod:`mgwsim.system.zone`): the
        zone gets the heat the plant delivers through the radiators, a plant that falls short
        lets the room cool and the next steps recover, and the KPIs report comfort
        (:meth:`SystemResult.kpis`). Off, the plant serves the demand's ideal heat and what it
        cannot deliver is only counted (the faster screening path: with an ample plant both
        give the same result).
    """
    n, step_h = weather.n_steps, weather.step_h
    if len(demand.hourly) != n or demand.step_h != step_h:
        raise InputError(f"simulate_system: demand has {len(demand.hourly)} steps of {demand.step_h * 60:g} min, "
                         f"weather {n} steps of {step_h * 60:g} min; allowed: the demand simulated on this weather")
    control = control or Control()
    hp = plant.heat_pumps or plant.hot_water.heat_pump
    source = _source_series(hp, weather, source_degc) if hp else weather.temp_air_degc
    series = _control_series(control, weather, n, pv_kw, other_load_kw, price_eur_per_kwh, buffer_offset_k, dhw_offset_k,
                             _boost_cop_ratio(plant, control, source, demand), demand, plant)
    for cascade in (plant.heat_pumps, plant.hot_water.heat_pump):
        if cascade is not None:
            _check_in_grid(cascade, source, weather.index)
    cap_factor, cop_factor = _defrost(hp, weather)
    cap_limit = None if capacity_limit_kw is None else _series(capacity_limit_kw, "capacity_limit_kw", weather, low=0.0)
    d = demand.hourly
    dhw_kwh, cold, loop, surroundings = _hot_water_series(demand, plant)
    out, run_hours, starts = run_plant(
        plant, d["space_heating_kwh"].to_numpy(dtype=float), dhw_kwh,
        d["supply_required_degc"].to_numpy(dtype=float), d["return_required_degc"].to_numpy(dtype=float),
        source, weather.temp_air_degc, (cap_factor, cop_factor), control=control, step_h=step_h,
        pv_kw=series["pv"], other_load_kw=series["other"], capacity_limit_kw=cap_limit,
        buffer_offset_k=series["buffer_offset"], dhw_offset_k=series["dhw_offset"],
        zone=_zone(demand, weather) if coupled else None, cold_water_degc=cold, loop=loop,
        loop_surroundings_degc=surroundings)
    hourly = plant_flows(out, plant, weather.index)
    hourly["source_degc"] = source
    hourly["supply_required_degc"] = d["supply_required_degc"].to_numpy()
    units = pd.DataFrame({"run_hours": run_hours, "starts": starts},
                         index=pd.RangeIndex(1, len(run_hours) + 1, name="unit"))
    return SystemResult(plant, demand, hourly, units, control)


def _hot_water_series(demand: Demand, plant: Plant) -> tuple:
    """(hot water to draw [kWh per step], cold water [°C], circulation loop, the loop's surroundings [°C]).

    With the demand's hot-water profile and its loop, the kernel gets the draws alone and runs
    the loop from the tank's outlet: basement pipes in the plant room (the tank's
    ``ambient_degc``), shaft pipes in the heated building (the demand's operative temperature,
    20 °C for a demand without a zone). Else it gets the demand's whole ``dhw_kwh`` as draws
    (no loop, cold water at :data:`DEFAULT_COLD_WATER_DEGC`).
    """
    d, profile = demand.hourly, demand.dhw
    if profile is None or profile.loop is None or "dhw_draw_kwh" not in d.columns:
        return d["dhw_kwh"].to_numpy(dtype=float), None, None, None
    indoor = d["operative_degc"].to_numpy(dtype=float) if "operative_degc" in d.columns else 20.0
    surroundings = np.broadcast_to(profile.loop.surroundings_degc(plant.hot_water.tank.ambient_degc, indoor),
                                   (len(d),))
    return (d["dhw_draw_kwh"].to_numpy(dtype=float), profile.hourly["cold_water_degc"].to_numpy(dtype=float),
            profile.loop, np.ascontiguousarray(surroundings, dtype=float))


def _zone(demand: Demand, weather: Weather) -> ZoneInputs:
    """The coupled zone of ``demand``'s building: its 5R1C network on the demand's own gains and setpoints."""
    d, to_w = demand.hourly, 1000.0 / weather.step_h  # kWh per step -> W
    missing = [c for c in ("internal_gains_kwh", "solar_gains_kwh", "setpoint_degc") if c not in d.columns]
    if missing:
        raise InputError(f"simulate_system(coupled=True): demand.hourly lacks {missing}; allowed: a demand from "
                         "mgwsim.simulate_demand (it carries the zone's gains and setpoints)")
    return zone_inputs(ZoneParameters.from_building(demand.building), weather.temp_air_degc,
                       d["internal_gains_kwh"].to_numpy() * to_w, d["solar_gains_kwh"].to_numpy() * to_w,
                       d["setpoint_degc"].to_numpy(dtype=float), demand.radiators, weather.step_h)


@lru_cache(maxsize=8)
def _constant(n: int, value: float) -> np.ndarray:
    """``n`` times ``value``, read-only and kept (the kernel's inputs that a run leaves at their default)."""
    array = np.full(n, value)
    array.setflags(write=False)
    return array


def _kernel_input(values) -> np.ndarray:
    """``values`` in the one layout the plant kernel is compiled for: float64, C-contiguous, read-only.

    numba compiles (and caches) one machine-code version per argument type, and an array's
    writability and layout are part of its type: a writable series or a column sliced out of
    a frame would each cost a compilation of ~20 s. A view is made read-only; only a
    non-contiguous or non-float array is copied (the same values, the same results).
    """
    array = np.ascontiguousarray(values, dtype=np.float64)
    if array.flags.writeable:
        array = array.view()
        array.setflags(write=False)
    return array


def _kernel_zone(zone: ZoneInputs) -> ZoneInputs:
    """``zone``'s arrays in the kernel's input layout (:func:`_kernel_input`)."""
    return ZoneInputs(*(_kernel_input(values) for values in zone))


_UNCOUPLED = _kernel_zone(UNCOUPLED)


def plant_buffers(n_steps: int) -> tuple[np.ndarray]:
    """Work arrays of :func:`run_plant` for ``n_steps`` steps: ``(out,)``, the output (n × N_OUTPUTS)."""
    return (np.empty((n_steps, k.N_OUTPUTS)),)


def run_plant(plant: Plant, space_heating_kwh, dhw_kwh, supply_degc, return_degc, source_degc, outdoor_degc,
              defrost: tuple, *, control: Control | None = None, step_h: float = 1.0, pv_kw=None, other_load_kw=None,
              capacity_limit_kw=None, buffer_offset_k=None, dhw_offset_k=None, buffers=None,
              zone: ZoneInputs | None = None, cold_water_degc=None, loop: CirculationLoop | None = None,
              loop_surroundings_degc=None):
    """The plant kernel on validated arrays: ``(out, run_hours, starts)`` (``out`` columns ``kernel.*``).

    For callers that prepared and checked their own series (:func:`simulate_system`, batch
    rows); ``defrost`` = (capacity factor, COP factor) per step; missing series are zeros
    (no capacity limit). The first step's required supply sets the buffer's start temperature.
    ``buffers`` (from :func:`plant_buffers`) are reused instead of allocated: ``out`` is then
    the first of them, overwritten by the next call. ``zone`` (:func:`mgwsim.system.zone.zone_inputs`)
    couples the building's zone; ``space_heating_kwh`` is then the decoupled demand that the
    supply temperatures belong to. ``dhw_kwh`` is the hot water drawn (energy above the cold
    water, ``cold_water_degc`` per step, default :data:`DEFAULT_COLD_WATER_DEGC`); with a
    ``loop`` (and its surroundings ``loop_surroundings_degc`` [°C] per step) the kernel adds the
    circulation loop's loss from the tank's outlet, without one ``dhw_kwh`` carries it.
    """
    n = len(space_heating_kwh)
    zeros = _constant(n, 0.0)
    if loop is not None and loop_surroundings_degc is None:
        raise InputError("run_plant.loop_surroundings_degc is required with a loop; allowed: the loop's surroundings "
                         "[°C] per step (CirculationLoop.surroundings_degc)")
    control = control or Control()
    n_units = plant.heat_pumps.n_units if plant.heat_pumps else 1
    run_hours, starts = np.zeros(n_units), np.zeros(n_units)
    (out,) = plant_buffers(n) if buffers is None else buffers  # the kernel writes every cell
    if out.shape != (n, k.N_OUTPUTS):
        raise InputError(f"run_plant.buffers hold an output of shape {out.shape}; a year of {n} steps needs "
                         f"plant_buffers({n})")
    series = (space_heating_kwh, supply_degc, return_degc, dhw_kwh, source_degc, outdoor_degc, defrost[0], defrost[1],
              _constant(n, np.inf) if capacity_limit_kw is None else capacity_limit_kw,
              zeros if buffer_offset_k is None else buffer_offset_k, zeros if dhw_offset_k is None else dhw_offset_k,
              zeros if pv_kw is None else pv_kw, zeros if other_load_kw is None else other_load_kw)
    temperatures = (_constant(n, DEFAULT_COLD_WATER_DEGC) if cold_water_degc is None else cold_water_degc,
                    zeros if loop_surroundings_degc is None else loop_surroundings_degc)
    zone = _UNCOUPLED if zone is None else _kernel_zone(zone)
    k.plant_kernel(*(_kernel_input(values) for values in series), _grids(plant.heat_pumps, None),
                   _grids(plant.hot_water.heat_pump, plant.heat_pumps), zone,
                   _params(plant, float(supply_degc[0]), control, step_h, loop), run_hours, starts, out,
                   tuple(_kernel_input(values) for values in temperatures))
    return out, run_hours, starts


FLOW_COLUMNS = tuple(COLUMNS[i] for i in range(k.N_OUTPUTS)) + (
    "hp_elec_kwh", "gas_kwh", "electric_backup_kwh", "plant_elec_kwh", "zone_operative_degc", "district_heat_kwh")
"""Columns of :func:`plant_flows`: the kernel outputs, then the carriers' totals."""
_FLOW_INDEX = pd.Index(FLOW_COLUMNS)  # built once: a column index costs ~2 ms to build


def plant_flows(out: np.ndarray, plant: Plant, index=None) -> pd.DataFrame:
    """The kernel outputs as named flows per step, plus the carriers' totals (``SystemResult.hourly``).

    ``hp_elec_kwh`` = heat-pump electricity (space heating + hot water); the backup's input
    is ``gas_kwh`` (GCV) for a gas boiler, ``district_heat_kwh`` (metered heat) for a
    heat-network substation, ``electric_backup_kwh`` for an electric heater; ``plant_elec_kwh`` =
    heat pumps + electric backup + booster; ``zone_operative_degc`` = 0.3·θ_air + 0.7·θ_s
    (EN ISO 13790 eq. C.11; NaN in a decoupled run). Built as one float block (fast column access).
    """
    n = out.shape[0]
    values = np.empty((n, len(FLOW_COLUMNS)))
    values[:, :k.N_OUTPUTS] = out
    hp_elec = out[:, k.HP_ELEC_SH] + out[:, k.HP_ELEC_DHW]
    kind = plant.backup.kind
    backup = out[:, k.BACKUP_INPUT]
    electric = backup if kind == "electric" else 0.0
    values[:, k.N_OUTPUTS] = hp_elec
    values[:, k.N_OUTPUTS + 1] = backup if kind == "gas_boiler" else 0.0
    values[:, k.N_OUTPUTS + 2] = electric
    values[:, k.N_OUTPUTS + 3] = hp_elec + electric + out[:, k.BOOSTER_HEAT]
    values[:, k.N_OUTPUTS + 4] = (OPERATIVE_AIR_WEIGHT * out[:, k.ZONE_AIR_DEGC]
                                  + (1.0 - OPERATIVE_AIR_WEIGHT) * out[:, k.ZONE_SURFACE_DEGC])
    values[:, k.N_OUTPUTS + 5] = backup if kind == "heat_network" else 0.0
    return pd.DataFrame(values, index=index, columns=_FLOW_INDEX)


def _boost_cop_ratio(plant: Plant, control: Control, source: np.ndarray, demand: Demand) -> np.ndarray | None:
    """COP at the raised buffer temperature over the COP at the required one, per step (price-led control)."""
    cascade = plant.heat_pumps
    if control.strategy != "price_led" or cascade is None or plant.buffer is None:
        return None
    pmap = cascade.performance
    src = np.clip(source, pmap.source_degc[0], pmap.source_degc[-1])
    normal = np.clip(demand.hourly["supply_required_degc"].to_numpy() + cascade.supply_margin_k, pmap.sink_degc[0],
                     pmap.max_sink_degc)
    raised = np.clip(normal + control.boost_k, pmap.sink_degc[0], pmap.max_sink_degc)
    with np.errstate(invalid="ignore"):
        ratio = pmap.cop_at(src, raised) / pmap.cop_at(src, normal)
    return np.where(np.isfinite(ratio), np.clip(ratio, 0.0, 1.0), 0.0)  # unavailable hours never pre-heat


def _control_series(control, weather, n, pv_kw, other_load_kw, price, buffer_offset_k, dhw_offset_k,
                    cop_ratio, demand: Demand, plant: Plant) -> dict:
    """The per-step arrays the kernel's controllers read, validated (values, length, step)."""
    zeros = np.zeros(n)
    if control.pv_led and pv_kw is None:
        raise InputError("simulate_system: Control(strategy='pv_led') needs pv_kw")
    if control.strategy == "price_led" and price is None:
        raise InputError("simulate_system: Control(strategy='price_led') needs price_eur_per_kwh")
    pv = zeros if pv_kw is None else _series(pv_kw, "pv_kw", weather, low=0.0)
    other = zeros if other_load_kw is None else _series(other_load_kw, "other_load_kw", weather, low=0.0)
    buffer_offset = zeros if buffer_offset_k is None else _series(buffer_offset_k, "buffer_offset_k", weather,
                                                                  low=0.0, high=40.0)
    dhw_offset = zeros if dhw_offset_k is None else _series(dhw_offset_k, "dhw_offset_k", weather, low=0.0, high=30.0)
    if control.strategy == "price_led":
        prices = _series(price, "price_eur_per_kwh", weather)
        stored = plant.buffer.heat_capacity_kwh_k * control.boost_k if plant.buffer is not None else 1.0
        buffer_boost, dhw_boost = price_led_offsets(prices, control, cop_ratio=cop_ratio, stored_kwh=max(stored, 1e-9),
                                                    load_kwh=demand.hourly["space_heating_kwh"].to_numpy(),
                                                    step_h=weather.step_h)
        buffer_offset, dhw_offset = buffer_offset + buffer_boost, dhw_offset + dhw_boost
    return {"pv": pv, "other": other, "buffer_offset": buffer_offset, "dhw_offset": dhw_offset}
