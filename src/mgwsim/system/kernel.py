"""The hourly heat-side plant kernel (numba): heat pumps, buffer, hot-water tank, backup, control.

One pure function runs one building-year: state (tank temperatures, units running) in,
every heat and electricity flow out, so that the plant heat balance

    Q_hp,sh + Q_hp,dhw + Q_bu,sh + Q_bu,dhw + Q_booster
        = Q_sh,delivered + Q_dhw + L_buffer + L_dhw + ΔE_buffer + ΔE_dhw

can be checked every hour outside the kernel. Each hour, in this order:

1. **Hot water (priority).** The tank is brought back to its setpoint (+ controller offset):
   the heat pumps charge it as far as their maximum supply temperature allows (outlet =
   tank target + charge margin), the electric booster lifts the rest up to the plain
   setpoint (legionella), then the backup if it serves hot water.
2. **Space heating.** The buffer (or the radiator circuit directly) is brought to the hour's
   required supply temperature (+ offset). The heat pumps work at outlet = target + margin
   with the unit-hours the hot water left; when that outlet is above their maximum supply
   temperature they preheat the return water in series (share (T_max − margin − T_return)
   / (T_supply − T_return) of the load) and the backup finishes, in series after the
   buffer (so it may also lift the supply above the buffer's maximum). In
   bivalent-alternative mode the heat pumps stop below the bivalent outdoor temperature.
3. **Grid-aware limit.** With an import limit, the electricity of the heat pumps, booster
   and electric backup is kept within ``limit + PV − other load`` of the hour (hot water
   first); the heat that does not fit is left to a gas backup or goes unmet.
4. **PV-led charging.** With PV-led control, a PV surplus left after steps 1–3 is stored as
   heat: the hot-water tank, then the buffer, are charged towards their maximum temperature
   with the spare unit-hours, as far as the surplus electricity allows.
5. **Cascade staging.** The load in unit-hours L is carried by ceil(L) units in fixed
   lead–lag order; the last unit modulates down to the minimum part load, below which it
   cycles with the EN 14825:2022 (8.5.2) degradation COP_PL = COP · PLR/(Cd·PLR + 1 − Cd),
   PLR being its load relative to the minimum output (applied to the space-heating share;
   hot-water and PV-led charging run at full load). A cycling hour counts as one start.

Price-led control needs no state and is expressed through the setpoint offsets
(:func:`mgwsim.control.price_led_offsets`). Tank losses use the temperature at the start of
the hour (explicit Euler; tank time constants are days).
"""

from __future__ import annotations

import math

from mgwsim._numba import njit
from mgwsim.heatpump.maps import available_point

# output columns (kWh per hour unless stated)
SH_DELIVERED, SH_UNMET, DHW_DELIVERED, HP_HEAT_SH, HP_HEAT_DHW, HP_ELEC_SH, HP_ELEC_DHW, BACKUP_HEAT_SH, \
    BACKUP_HEAT_DHW, BACKUP_INPUT, BOOSTER_HEAT, BUFFER_LOSS, DHW_LOSS, BUFFER_DEGC, DHW_DEGC, BUFFER_DELTA, \
    DHW_DELTA, HP_CAPACITY_SH, HP_SINK_SH_DEGC, UNITS_EQUIVALENT, CYCLING, HP_LIMITED_BY_TEMPERATURE, \
    DHW_BELOW_SETPOINT, HP_HEAT_PV_LED, HP_LIMITED_BY_GRID = range(25)
N_OUTPUTS = 25

# parameter vector positions
P_N_UNITS, P_MIN_MOD, P_CD, P_MARGIN, P_N_DHW_UNITS, P_DHW_MARGIN, P_C_BUF, P_UA_BUF, P_BUF_MAX, P_T_AMB, \
    P_C_DHW, P_UA_DHW, P_DHW_SET, P_DHW_MAX, P_BOOSTER, P_BU_CAP, P_BU_EFF, P_BU_ALT, P_BIVALENT, P_BU_DHW, \
    P_BUF_INIT, P_DHW_INIT, P_HAS_HP, P_BU_ELECTRIC, P_PV_LED, P_IMPORT_LIMIT = range(26)
N_PARAMS = 26


@njit(inline=True)
def _unit_point(grids, t_source, t_sink, cap_factor, cop_factor):
    """(capacity kW, COP) of one unit, 0/0 when unavailable; sinks below the grid use its lowest sink."""
    src, snk, cop, cap, max_sink, min_src, max_src = grids
    capacity, c = available_point(src, snk, cop, cap, max_sink, min_src, max_src, t_source, max(t_sink, snk[0]))
    return capacity * cap_factor, c * cop_factor


@njit
def cascade_electricity(heat, cap_u, cop_u, unit_hours_before, min_mod, cd):
    """Electricity [kWh] for ``heat`` [kWh] from units at (cap_u, cop_u) after ``unit_hours_before`` used.

    The last unit below ``min_mod`` cycles (EN 14825 degradation with coefficient ``cd``).
    Non-decreasing in ``heat``.
    """
    if heat <= 0.0:
        return 0.0
    load = unit_hours_before + heat / cap_u
    last = load - (math.ceil(load - 1e-12) - 1.0)
    elec = heat / cop_u
    if 0.0 < last < min_mod:
        plr = last / min_mod
        q_last = min(last * cap_u, heat)
        elec += q_last / cop_u * ((cd * plr + 1.0 - cd) / plr - 1.0)
    return elec


@njit
def _heat_within(budget, heat_max, cap_u, cop_u, unit_hours_before, min_mod, cd):
    """Largest heat ≤ ``heat_max`` whose cascade electricity stays ≤ ``budget`` (bisection)."""
    if cascade_electricity(heat_max, cap_u, cop_u, unit_hours_before, min_mod, cd) <= budget:
        return heat_max
    lo, hi = 0.0, heat_max
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        if cascade_electricity(mid, cap_u, cop_u, unit_hours_before, min_mod, cd) <= budget:
            lo = mid
        else:
            hi = mid
    return lo


@njit(inline=True)
def _stage(load_unit_hours, n_units, min_mod, running_prev, run_hours, starts):
    """Lead–lag staging for one hour; updates run hours and starts; returns (units running, cycling)."""
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
    return k, cycling


@njit(inline=True)
def _hot_water(t, t_dhw, q_dhw, dhw_offset_k, t_source, cap_factor, cop_factor, cap_limit_kw, hp_grids, dhw_grids,
               p, hp_allowed, budget):
    """Step 1 (and 3 for hot water): returns (hp heat, hp elec, main-cascade unit-hours, booster, backup heat, loss)."""
    n_dhw_units = int(p[P_N_DHW_UNITS])
    loss = p[P_UA_DHW] * (t_dhw - p[P_T_AMB])
    target = min(p[P_DHW_SET] + dhw_offset_k, p[P_DHW_MAX])
    need = q_dhw + loss + p[P_C_DHW] * (target - t_dhw)
    hp_heat = elec = unit_hours = booster = backup = 0.0
    if need <= 0.0:
        return hp_heat, elec, unit_hours, booster, backup, loss
    if hp_allowed and n_dhw_units >= 0:
        main = n_dhw_units == 0
        units = p[P_N_UNITS] if main else float(n_dhw_units)
        sink = min(target + p[P_DHW_MARGIN], hp_grids[4] if main else dhw_grids[4])
        need_hp = q_dhw + loss + p[P_C_DHW] * (min(target, sink - p[P_DHW_MARGIN]) - t_dhw)
        # branch rather than pick a tuple of arrays: selecting between array tuples costs ~0.2 µs an hour
        if main:
            cap_u, cop_u = _unit_point(hp_grids, t_source, sink, cap_factor, cop_factor)
        else:
            cap_u, cop_u = _unit_point(dhw_grids, t_source, sink, cap_factor, cop_factor)
        if need_hp > 0.0 and cap_u > 0.0:
            hp_heat = min(need_hp, units * cap_u, cap_limit_kw if main else 1e300)
            hp_heat = _heat_within(budget, hp_heat, cap_u, cop_u, 0.0, 1.0, 1.0)  # Cd = 1: no cycling loss
            elec = hp_heat / cop_u
            unit_hours = hp_heat / cap_u if main else 0.0
    # booster and backup only bring the tank to its plain setpoint: a controller's raise is for the heat pumps
    rest = max(q_dhw + loss + p[P_C_DHW] * (p[P_DHW_SET] - t_dhw) - hp_heat, 0.0)
    booster = min(rest, p[P_BOOSTER], max(budget - elec, 0.0))
    rest -= booster
    if p[P_BU_DHW] > 0.5 and rest > 0.0:
        backup = min(rest, p[P_BU_CAP])
        if p[P_BU_ELECTRIC] > 0.5:
            backup = min(backup, max(budget - elec - booster, 0.0) * p[P_BU_EFF])
    return hp_heat, elec, unit_hours, booster, backup, loss


@njit
def plant_kernel(q_sh, t_supply, t_return, q_dhw, t_source, t_outdoor, cap_factor, cop_factor, cap_limit_kw,
                 buffer_offset_k, dhw_offset_k, pv_kw, other_load_kw, hp_grids, dhw_grids, p, run_hours, starts, out):
    """Run one building-year; fills ``out`` (n × N_OUTPUTS), ``run_hours`` and ``starts`` (per unit).

    ``cap_limit_kw`` caps the heat of the main cascade per hour (e.g. what an exhaust-air
    flow can give; ``inf`` for no cap); ``pv_kw`` and ``other_load_kw`` (the connection's
    other electricity use) matter for PV-led control and the import limit only. ``p`` is
    the parameter vector (positions ``P_*``).
    """
    n_units, min_mod, cd, margin = int(p[P_N_UNITS]), p[P_MIN_MOD], p[P_CD], p[P_MARGIN]
    c_buf, ua_buf, buf_max, t_amb, c_dhw = p[P_C_BUF], p[P_UA_BUF], p[P_BUF_MAX], p[P_T_AMB], p[P_C_DHW]
    bu_electric = p[P_BU_ELECTRIC] > 0.5
    t_buf, t_dhw = p[P_BUF_INIT], p[P_DHW_INIT]
    running_prev = 0
    for t in range(q_sh.size):
        hp_allowed = p[P_HAS_HP] > 0.5 and not (p[P_BU_ALT] > 0.5 and t_outdoor[t] < p[P_BIVALENT])
        budget = p[P_IMPORT_LIMIT] + pv_kw[t] - other_load_kw[t]  # electricity allowed this hour [kWh]
        budget = max(budget, 0.0)
        # 1. hot water -----------------------------------------------------------------------
        hp_dhw, elec_dhw, uh_dhw, booster, bu_dhw, loss_dhw = _hot_water(
            t, t_dhw, q_dhw[t], dhw_offset_k[t], t_source[t], cap_factor[t], cop_factor[t], cap_limit_kw[t],
            hp_grids, dhw_grids, p, hp_allowed, budget)
        budget -= elec_dhw + booster + (bu_dhw / p[P_BU_EFF] if bu_electric else 0.0)
        # 2. space heating ---------------------------------------------------------------------
        loss_buf = ua_buf * (t_buf - t_amb) if c_buf > 0.0 else 0.0
        target = min(t_supply[t] + buffer_offset_k[t], buf_max) if c_buf > 0.0 else t_supply[t]
        need_sh = q_sh[t] + loss_buf + (c_buf * (target - t_buf) if c_buf > 0.0 else 0.0)
        hp_sh = elec_sh = cap_total_sh = 0.0
        sink_sh = target + margin
        limited = grid_limited = 0.0
        cap_u = cop_u = 0.0
        if need_sh > 0.0 and hp_allowed:
            share = 1.0
            if sink_sh > hp_grids[4] and t_supply[t] + margin <= hp_grids[4]:
                # only a controller's setpoint raise goes beyond the heat pumps' reach: charge as far as they go
                target = hp_grids[4] - margin
                need_sh = q_sh[t] + loss_buf + c_buf * (target - t_buf)
                sink_sh = hp_grids[4]
            if sink_sh > hp_grids[4]:
                limited = 1.0
                spread = t_supply[t] - t_return[t]
                share = (hp_grids[4] - margin - t_return[t]) / spread if spread > 1e-9 else 0.0
                share = min(max(share, 0.0), 1.0)
                sink_sh = hp_grids[4]
            cap_u, cop_u = _unit_point(hp_grids, t_source[t], sink_sh, cap_factor[t], cop_factor[t])
            if cap_u > 0.0 and share > 0.0:
                headroom = cap_limit_kw[t] - hp_dhw if int(p[P_N_DHW_UNITS]) == 0 else cap_limit_kw[t]
                cap_total_sh = min((n_units - uh_dhw) * cap_u, max(headroom, 0.0))
                wanted = min(share * need_sh, cap_total_sh)
                hp_sh = _heat_within(budget, wanted, cap_u, cop_u, uh_dhw, min_mod, cd)
                grid_limited = 1.0 if hp_sh < wanted - 1e-9 else 0.0
                elec_sh = cascade_electricity(hp_sh, cap_u, cop_u, uh_dhw, min_mod, cd)
        budget -= elec_sh
        bu_sh = 0.0
        # the backup serves the plain need (no controller raise): pre-heating is the heat pumps' job
        need_plain = q_sh[t] + loss_buf + (c_buf * (min(t_supply[t], buf_max) - t_buf) if c_buf > 0.0 else 0.0)
        if need_plain - hp_sh > 0.0:
            bu_sh = min(need_plain - hp_sh, p[P_BU_CAP] - bu_dhw)
            if bu_electric:
                bu_sh = min(bu_sh, max(budget, 0.0) * p[P_BU_EFF])
        budget -= bu_sh / p[P_BU_EFF] if bu_electric else 0.0
        supplied = hp_sh + bu_sh
        if c_buf > 0.0:
            t_free = t_buf + (supplied - loss_buf - q_sh[t]) / c_buf
            delivered = q_sh[t]
            required = min(t_supply[t], buf_max)  # above the buffer's maximum the backup lifts in series
            if t_free < required - 1e-9 and q_sh[t] > 0.0:  # below rounding, not a shortfall
                delivered = max(q_sh[t] - c_buf * (required - t_free), 0.0)
        else:
            delivered = min(q_sh[t], supplied)
        t_dhw_new = t_dhw + (hp_dhw + booster + bu_dhw - q_dhw[t] - loss_dhw) / c_dhw if c_dhw > 0.0 else t_dhw
        t_buf_new = t_buf + (supplied - loss_buf - delivered) / c_buf if c_buf > 0.0 else t_buf
        # 4. PV-led charging of the storage with the hour's surplus ----------------------------
        extra_dhw = extra_buf = extra_elec_dhw = extra_elec_buf = 0.0
        uh_used = uh_dhw + (hp_sh / cap_u if cap_u > 0.0 else 0.0)
        surplus = pv_kw[t] - other_load_kw[t] - (elec_dhw + booster + elec_sh) - (
            (bu_sh + bu_dhw) / p[P_BU_EFF] if bu_electric else 0.0)
        if p[P_PV_LED] > 0.5 and hp_allowed and surplus > 1e-6:
            if int(p[P_N_DHW_UNITS]) == 0 and c_dhw > 0.0:
                sink = min(p[P_DHW_MAX] + p[P_DHW_MARGIN], hp_grids[4])
                cu, co = _unit_point(hp_grids, t_source[t], sink, cap_factor[t], cop_factor[t])
                room = c_dhw * (sink - p[P_DHW_MARGIN] - t_dhw_new)
                if cu > 0.0 and room > 0.0:
                    extra_dhw = min(room, (n_units - uh_used) * cu, surplus * co, max(cap_limit_kw[t] - hp_dhw - hp_sh, 0.0))
                    extra_dhw = max(extra_dhw, 0.0)
                    extra_elec_dhw = extra_dhw / co
                    surplus -= extra_elec_dhw
                    uh_used += extra_dhw / cu
                    t_dhw_new += extra_dhw / c_dhw
            if c_buf > 0.0 and surplus > 1e-6:
                sink = min(buf_max + margin, hp_grids[4])
                cu, co = _unit_point(hp_grids, t_source[t], sink, cap_factor[t], cop_factor[t])
                room = c_buf * (sink - margin - t_buf_new)
                if cu > 0.0 and room > 0.0:
                    extra_buf = min(room, (n_units - uh_used) * cu, surplus * co,
                                    max(cap_limit_kw[t] - hp_dhw - hp_sh - extra_dhw, 0.0))
                    extra_buf = max(extra_buf, 0.0)
                    uh_used += extra_buf / cu
                    extra_elec_buf = extra_buf / co
                    t_buf_new += extra_buf / c_buf
        # 5. staging and bookkeeping -------------------------------------------------------------
        k, cycling = _stage(uh_used, n_units, min_mod, running_prev, run_hours, starts)
        running_prev = k
        out[t, SH_DELIVERED] = delivered
        out[t, SH_UNMET] = q_sh[t] - delivered
        out[t, DHW_DELIVERED] = q_dhw[t]
        out[t, HP_HEAT_SH] = hp_sh + extra_buf
        out[t, HP_HEAT_DHW] = hp_dhw + extra_dhw
        out[t, HP_ELEC_SH] = elec_sh + extra_elec_buf
        out[t, HP_ELEC_DHW] = elec_dhw + extra_elec_dhw
        out[t, BACKUP_HEAT_SH] = bu_sh
        out[t, BACKUP_HEAT_DHW] = bu_dhw
        out[t, BACKUP_INPUT] = (bu_sh + bu_dhw) / p[P_BU_EFF]
        out[t, BOOSTER_HEAT] = booster
        out[t, BUFFER_LOSS] = loss_buf
        out[t, DHW_LOSS] = loss_dhw
        out[t, BUFFER_DEGC] = t_buf_new
        out[t, DHW_DEGC] = t_dhw_new
        out[t, BUFFER_DELTA] = c_buf * (t_buf_new - t_buf)
        out[t, DHW_DELTA] = c_dhw * (t_dhw_new - t_dhw)
        out[t, HP_CAPACITY_SH] = cap_total_sh
        out[t, HP_SINK_SH_DEGC] = sink_sh
        out[t, UNITS_EQUIVALENT] = uh_used
        out[t, CYCLING] = 1.0 if cycling else 0.0
        out[t, HP_LIMITED_BY_TEMPERATURE] = limited
        out[t, DHW_BELOW_SETPOINT] = 1.0 if t_dhw_new < p[P_DHW_SET] - 0.5 else 0.0
        out[t, HP_HEAT_PV_LED] = extra_dhw + extra_buf
        out[t, HP_LIMITED_BY_GRID] = grid_limited
        t_buf = t_buf_new
        t_dhw = t_dhw_new
    return out
