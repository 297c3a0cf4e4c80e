"""The hourly heat-side plant kernel (numba): heat pumps, buffer, hot-water tank, backup.

One pure function runs one building-year: state (tank temperatures, units running) in,
every heat and electricity flow out, so that the plant heat balance

    Q_hp,sh + Q_hp,dhw + Q_bu,sh + Q_bu,dhw + Q_booster
        = Q_sh,delivered + Q_dhw + L_buffer + L_dhw + ΔE_buffer + ΔE_dhw

can be checked every hour outside the kernel. Control is heat-led with hot-water priority:

1. The hot-water tank is brought back to its setpoint (+ controller offset): the heat pumps
   charge it as far as their maximum supply temperature allows (outlet = tank target +
   charge margin), the electric booster lifts the rest (legionella), then the backup.
2. Space heating: the buffer (or the radiator circuit directly) is brought to the hour's
   required supply temperature (+ offset). The heat pumps work at outlet = target + margin
   with the unit-hours the hot water left; when that outlet is above their maximum supply
   temperature they preheat the return water in series (share (T_max − margin − T_return) /
   (T_supply − T_return) of the load) and the backup finishes, in series after the buffer
   (so it may also lift the supply above the buffer's maximum). In bivalent-alternative mode
   the heat pumps stop below the bivalent outdoor temperature.
3. Cascade staging: the load in unit-hours L is carried by ceil(L) units in fixed lead-lag
   order; the last unit modulates down to the minimum part load, below which it cycles with
   the EN 14825:2022 (8.5.2) degradation COP_PL = COP · PLR/(Cd·PLR + 1 − Cd), PLR being its
   load relative to the minimum output. A cycling hour counts as one start (an estimate).

Tank losses use the temperature at the start of the hour (explicit Euler; hourly
tank time constants are days, so the error is negligible).
"""

from __future__ import annotations

import math

from mgwsim._numba import njit
from mgwsim.heatpump.maps import available_point

# output columns (kWh per hour unless stated)
SH_DELIVERED, SH_UNMET, DHW_DELIVERED, HP_HEAT_SH, HP_HEAT_DHW, HP_ELEC_SH, HP_ELEC_DHW, BACKUP_HEAT_SH, \
    BACKUP_HEAT_DHW, BACKUP_INPUT, BOOSTER_HEAT, BUFFER_LOSS, DHW_LOSS, BUFFER_DEGC, DHW_DEGC, BUFFER_DELTA, \
    DHW_DELTA, HP_CAPACITY_SH, HP_SINK_SH_DEGC, UNITS_EQUIVALENT, CYCLING, HP_LIMITED_BY_TEMPERATURE, \
    DHW_BELOW_SETPOINT = range(23)
N_OUTPUTS = 23


@njit(inline=True)
def _unit_point(grids, t_source, t_sink, cap_factor, cop_factor):
    """(capacity kW, COP) of one unit, 0/0 when unavailable; sinks below the grid use its lowest sink."""
    src, snk, cop, cap, max_sink, min_src, max_src = grids
    capacity, c = available_point(src, snk, cop, cap, max_sink, min_src, max_src, t_source, max(t_sink, snk[0]))
    return capacity * cap_factor, c * cop_factor


@njit(inline=True)
def _stage(load_unit_hours, n_units, min_mod, running_prev, run_hours, starts):
    """Lead-lag staging for one hour; updates run hours and starts; returns (units running, cycling share)."""
    k = int(math.ceil(load_unit_hours - 1e-12)) if load_unit_hours > 1e-12 else 0
    last = load_unit_hours - (k - 1) if k > 0 else 0.0
    cycling = 0.0 < last < min_mod
    for i in range(n_units):
        on_time = 0.0
        if i < k - 1:
            on_time = 1.0
        elif i == k - 1:
            on_time = last / min_mod if cycling else 1.0
        run_hours[i] += on_time
        if on_time > 0.0 and (i >= running_prev or cycling and i == k - 1):
            starts[i] += 1.0
    return k, (last if cycling else 0.0)


@njit
def plant_kernel(q_sh, t_supply, t_return, q_dhw, t_source, t_outdoor, cap_factor, cop_factor, cap_limit_kw,
                 buffer_offset_k, dhw_offset_k, hp_grids, dhw_grids, params, run_hours, starts, out):
    """Run one building-year; fills ``out`` (n × N_OUTPUTS), ``run_hours`` and ``starts`` (per unit).

    ``cap_limit_kw`` caps the heat of the main cascade per hour (e.g. what an exhaust-air
    flow can give; ``inf`` for no cap).

    ``params`` (float64): n_units, min_mod, cd, margin, n_dhw_units (0 = main cascade with
    priority, -1 = no heat pump for hot water), dhw_margin, c_buf [kWh/K] (0 = no buffer),
    ua_buf [kW/K], buf_max, t_amb, c_dhw, ua_dhw, dhw_set, dhw_max, booster_kw, bu_cap,
    bu_eff, bu_alternative (0/1), bivalent_degc, bu_dhw (0/1), buf_init, dhw_init, has_hp (0/1).
    """
    n_units, min_mod, cd, margin = int(params[0]), params[1], params[2], params[3]
    n_dhw_units, dhw_margin = int(params[4]), params[5]
    c_buf, ua_buf, buf_max, t_amb = params[6], params[7], params[8], params[9]
    c_dhw, ua_dhw, dhw_set, dhw_max, booster_kw = params[10], params[11], params[12], params[13], params[14]
    bu_cap, bu_eff, bu_alt, biv, bu_dhw = params[15], params[16], params[17] > 0.5, params[18], params[19] > 0.5
    t_buf, t_dhw, has_hp = params[20], params[21], params[22] > 0.5
    running_prev = 0
    for t in range(q_sh.size):
        hp_allowed = has_hp and not (bu_alt and t_outdoor[t] < biv)
        # ---- hot water (priority) ------------------------------------------------------
        loss_dhw = ua_dhw * (t_dhw - t_amb)
        target_dhw = min(dhw_set + dhw_offset_k[t], dhw_max)
        need_dhw = q_dhw[t] + loss_dhw + c_dhw * (target_dhw - t_dhw)
        hp_dhw = elec_dhw = unit_hours_dhw = booster = bu_heat_dhw = 0.0
        if need_dhw > 0.0:
            if hp_allowed and n_dhw_units >= 0:
                grids = hp_grids if n_dhw_units == 0 else dhw_grids
                units = n_units if n_dhw_units == 0 else n_dhw_units
                max_sink = grids[4]
                sink = min(target_dhw + dhw_margin, max_sink)
                reach = sink - dhw_margin
                need_hp = q_dhw[t] + loss_dhw + c_dhw * (min(target_dhw, reach) - t_dhw)
                cap_u, cop_u = _unit_point(grids, t_source[t], sink, cap_factor[t], cop_factor[t])
                if need_hp > 0.0 and cap_u > 0.0:
                    hp_dhw = min(need_hp, units * cap_u)
                    if n_dhw_units == 0:
                        hp_dhw = min(hp_dhw, cap_limit_kw[t])
                    elec_dhw = hp_dhw / cop_u
                    if n_dhw_units == 0:
                        unit_hours_dhw = hp_dhw / cap_u
            rest = need_dhw - hp_dhw
            booster = min(rest, booster_kw)
            rest -= booster
            if bu_dhw and rest > 0.0:
                bu_heat_dhw = min(rest, bu_cap)
        gain_dhw = hp_dhw + booster + bu_heat_dhw - q_dhw[t] - loss_dhw
        t_dhw_new = t_dhw + gain_dhw / c_dhw if c_dhw > 0.0 else t_dhw
        # ---- space heating --------------------------------------------------------------
        loss_buf = ua_buf * (t_buf - t_amb) if c_buf > 0.0 else 0.0
        target = min(t_supply[t] + buffer_offset_k[t], buf_max) if c_buf > 0.0 else t_supply[t]
        need_sh = q_sh[t] + loss_buf + (c_buf * (target - t_buf) if c_buf > 0.0 else 0.0)
        hp_sh = elec_sh = cap_total_sh = 0.0
        sink_sh = target + margin
        limited = 0.0
        last_share = 0.0
        if need_sh > 0.0 and hp_allowed:
            units_left = n_units - unit_hours_dhw
            share = 1.0
            max_sink = hp_grids[4]
            if sink_sh > max_sink:
                limited = 1.0
                spread = t_supply[t] - t_return[t]
                share = (max_sink - margin - t_return[t]) / spread if spread > 1e-9 else 0.0
                share = min(max(share, 0.0), 1.0)
                sink_sh = max_sink
            cap_u, cop_u = _unit_point(hp_grids, t_source[t], sink_sh, cap_factor[t], cop_factor[t])
            if cap_u > 0.0 and share > 0.0:
                cap_total_sh = min(units_left * cap_u, max(cap_limit_kw[t] - hp_dhw if n_dhw_units == 0 else
                                                            cap_limit_kw[t], 0.0))
                hp_sh = min(share * need_sh, cap_total_sh)
                load = unit_hours_dhw + hp_sh / cap_u
                k, last = _stage(load, n_units, min_mod, running_prev, run_hours, starts)
                running_prev = k
                elec_sh = hp_sh / cop_u
                if last > 0.0 and hp_sh > 0.0:  # the last unit cycles below the minimum modulation
                    plr = last / min_mod
                    q_last = min(last * cap_u, hp_sh)
                    elec_sh += q_last / cop_u * ((cd * plr + 1.0 - cd) / plr - 1.0)
                out[t, UNITS_EQUIVALENT] = load
                out[t, CYCLING] = 1.0 if last > 0.0 else 0.0
            else:
                running_prev = _stage(unit_hours_dhw, n_units, min_mod, running_prev, run_hours, starts)[0]
                out[t, UNITS_EQUIVALENT] = unit_hours_dhw
                out[t, CYCLING] = 0.0
        else:
            running_prev = _stage(unit_hours_dhw, n_units, min_mod, running_prev, run_hours, starts)[0]
            out[t, UNITS_EQUIVALENT] = unit_hours_dhw
            out[t, CYCLING] = 0.0
        bu_sh = 0.0
        if need_sh - hp_sh > 0.0:
            bu_sh = min(need_sh - hp_sh, bu_cap - bu_heat_dhw)
        supplied = hp_sh + bu_sh
        if c_buf > 0.0:
            t_free = t_buf + (supplied - loss_buf - q_sh[t]) / c_buf
            delivered = q_sh[t]
            required = min(t_supply[t], buf_max)  # above the buffer's maximum the backup lifts in series
            if t_free < required and q_sh[t] > 0.0:
                delivered = max(q_sh[t] - c_buf * (required - t_free), 0.0)
            t_buf_new = t_buf + (supplied - loss_buf - delivered) / c_buf
        else:
            delivered = min(q_sh[t], supplied)
            t_buf_new = t_buf
        out[t, SH_DELIVERED] = delivered
        out[t, SH_UNMET] = q_sh[t] - delivered
        out[t, DHW_DELIVERED] = q_dhw[t]
        out[t, HP_HEAT_SH] = hp_sh
        out[t, HP_HEAT_DHW] = hp_dhw
        out[t, HP_ELEC_SH] = elec_sh
        out[t, HP_ELEC_DHW] = elec_dhw
        out[t, BACKUP_HEAT_SH] = bu_sh
        out[t, BACKUP_HEAT_DHW] = bu_heat_dhw
        out[t, BACKUP_INPUT] = (bu_sh + bu_heat_dhw) / bu_eff
        out[t, BOOSTER_HEAT] = booster
        out[t, BUFFER_LOSS] = loss_buf
        out[t, DHW_LOSS] = loss_dhw
        out[t, BUFFER_DEGC] = t_buf_new
        out[t, DHW_DEGC] = t_dhw_new
        out[t, BUFFER_DELTA] = c_buf * (t_buf_new - t_buf)
        out[t, DHW_DELTA] = c_dhw * (t_dhw_new - t_dhw)
        out[t, HP_CAPACITY_SH] = cap_total_sh
        out[t, HP_SINK_SH_DEGC] = sink_sh
        out[t, HP_LIMITED_BY_TEMPERATURE] = limited
        out[t, DHW_BELOW_SETPOINT] = 1.0 if t_dhw_new < dhw_set - 0.5 else 0.0
        t_buf = t_buf_new
        t_dhw = t_dhw_new
    return out
