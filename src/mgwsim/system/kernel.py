"""The hourly heat-side plant kernel (numba): heat pumps, buffer, hot-water tank, backup, control.

One pure function runs one building-year: state (tank temperatures, units running) in,
every heat and electricity flow out, so that the plant heat balance

    Q_hp,sh + Q_hp,dhw + Q_bu,sh + Q_bu,dhw + Q_booster
        = Q_sh,delivered + Q_dhw,delivered + L_buffer + L_dhw + L_loop + ΔE_buffer + ΔE_dhw

(Q_dhw,delivered = Q_dhw − Q_dhw,unmet)

can be checked every hour outside the kernel. Each hour, in this order:

1. **Hot water (priority).** On the stratified tank (:mod:`mgwsim.system.dhw_tank`): the
   standby and circulation-loop losses (the loop fed from the top node at the step's start),
   then the heat pumps charge the tank as far as their maximum supply temperature allows
   (outlet = tank target + charge margin), the electric booster lifts the upper nodes up to
   the plain setpoint (legionella), then the backup if it serves hot water; the draw takes
   what the nodes at or above the useful temperature hold (the rest is ``DHW_UNMET``); the
   same heaters then bring the tank back to its setpoint (+ controller offset).
2. **Space heating.** The buffer (or the radiator circuit directly) is brought to the hour's
   required supply temperature (+ offset). The heat pumps work at outlet = target + margin
   with the unit-hours the hot water left; when that outlet is above their maximum supply
   temperature they preheat the return water in series (share (T_max − margin − T_return)
   / (T_supply − T_return) of the load) and the backup finishes, in series after the
   buffer (so it may also lift the supply above the buffer's maximum). In
   bivalent-alternative mode the heat pumps stop below the bivalent outdoor temperature.
   **Coupled zone** (``zone`` given, :mod:`mgwsim.system.zone`): the step's load is the heat
   that lifts the zone's controlled (operative or air) temperature to its setpoint from the mass temperature
   the previous steps left (EN ISO 13790 C.4.2), at most what the radiators give at the
   supply temperature plus their extra output into a room below its setpoint; after the
   step the zone is advanced with the heat actually delivered, so a shortfall cools the
   room and the next steps must heat it back up.
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
   hot-water and PV-led charging run at full load). A unit counts a start when it comes on,
   and one start per hour while it keeps cycling (the same at 1 h and 15 min steps).

Price-led control needs no state and is expressed through the setpoint offsets
(:func:`mgwsim.control.price_led_offsets`). Tank losses use the temperature at the start of
the hour (explicit Euler; tank time constants are days). ``DHW_DEGC`` is the hot-water tank's
volume-mean temperature (ΔE_dhw = C · Δθ_mean), ``DHW_TOP_DEGC`` its outlet.

**Time step.** "Hour" above reads "step": the step length ``dt_h`` (parameter ``P_DT_H``,
1 h or 0.25 h) turns powers into energies per step (capacities, booster, backup, losses,
the import limit, PV); flows are kWh per step, run hours and unit-hours are hours.

**Layout for speed.** The time loop touches arrays only by index and calls scalar helpers
inlined at numba-IR level, which keeps numba's reference counting out of it (each array handed
to a compiled helper costs two atomic operations per step: measured as half of the kernel's
time before this layout). The units' operating points are interpolated on their maps inside
the loop, only where a step uses them (the space-heating point when there is a load, the
PV-led points when there is a surplus): the source cell is found once per step, and the fixed
sinks (hot water without controller offsets, PV-led charging) are interpolated along the sink
axis once per year (:func:`_sink_line`). The hot-water step skips what cannot act: a tank no
warmer than the units' target that they can fill, the circulation loop's draw included, is set in
one go, a charge that has the heat for every node below its inlet sets them in its walk, a PV-led
charge that fills the tank sets every node to its target (:func:`mgwsim.system.dhw_tank.fill`),
and the booster and backup are not called while the bottom node is at the setpoint (``tests/test_tank_fast_paths.py`` holds these to the tank model without
shortcuts, and the whole kernel to the previous layout's). Buoyancy after the circulation loop's return
(:func:`mgwsim.system.dhw_tank.mix_bottom`) merges the bottom node with the one above it by selects,
not by a branch on temperatures that follow no pattern (the return is warmer than the bottom on a
quarter of the PV-led year's walking steps: 2-6 % of the kernel with the loop, December 2026), bit
for bit :func:`~mgwsim.system.dhw_tank.mix`. The tank's node array is the one array
the loop hands to inlined helpers with loops (``charge``, ``draw``, ``lift``…), around which numba
kept atomic reference counting it could not prune (~45 % of the PV-led kernel's time, seen with
``perf``); the loop works on a view of it without a reference count (:func:`unrefcounted`), the
array itself held by the caller, :func:`plant_kernel`. For the usual plant (:func:`is_usual_plant`:
heat pumps that also make the hot water, a backup in parallel, no import limit) with the default
tank of :data:`UNROLLED_NODES` nodes the loop is compiled a second time, with that view of a
constant size, so that the node loops are unrolled (5–9 % of the kernel's time), and with those
features as constants, so that the code of the others (the import limit's bisections, separate
hot-water units, the bivalent switch) leaves the loop (a further 5–10 %, measured December 2026:
the loop is bound by its instructions, not only by its dependent chain). Twice the compile time of
one loop; every other plant or node count runs the general loop.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from numba.core import cgutils
from numba.extending import intrinsic, overload

from mgwsim._numba import njit
from mgwsim.heatpump.maps import _bracket
from mgwsim.system.dhw_tank import charge, draw, fill, lift, loop_loss, loss_factors, mean_temperature, mix_bottom, \
    room_below, standing_loss
from mgwsim.system.zone import C_A_AIR, C_A_END, C_A_MASS, C_A_SURFACE, C_COUPLED, C_EMITTER_KW, \
    C_EXCESS_INV_STEP, C_K_AIR, C_K_END, C_K_MASS, C_K_SURFACE, C_ROOM_DEGC, C_THETA_M0, C_TO_KWH, C_W_AIR, Z_AIR, \
    Z_CONTROLLED, Z_MASS, Z_MASS_END, Z_SURFACE

# output columns (kWh per step unless stated)
SH_DELIVERED, SH_UNMET, DHW_DELIVERED, HP_HEAT_SH, HP_HEAT_DHW, HP_ELEC_SH, HP_ELEC_DHW, BACKUP_HEAT_SH, \
    BACKUP_HEAT_DHW, BACKUP_INPUT, BOOSTER_HEAT, BUFFER_LOSS, DHW_LOSS, BUFFER_DEGC, DHW_DEGC, BUFFER_DELTA, \
    DHW_DELTA, HP_CAPACITY_SH, HP_SINK_SH_DEGC, UNITS_EQUIVALENT, CYCLING, HP_LIMITED_BY_TEMPERATURE, \
    DHW_BELOW_SETPOINT, HP_HEAT_PV_LED, HP_LIMITED_BY_GRID = range(25)
# the coupled zone (NaN in a decoupled run): the ideal heat need [kWh per step] and the node temperatures [°C]
SH_NEED, ZONE_AIR_DEGC, ZONE_SURFACE_DEGC, ZONE_MASS_DEGC, ZONE_MASS_END_DEGC = range(25, 30)
# the stratified hot-water tank and its circulation loop: hot water not delivered [kWh per step], the loop's loss
# [kWh per step] and return temperature [°C], the top (outlet) and bottom node temperatures [°C]
DHW_UNMET, DHW_LOOP_LOSS, DHW_LOOP_RETURN_DEGC, DHW_TOP_DEGC, DHW_BOTTOM_DEGC = range(30, 35)
N_OUTPUTS = 35

# parameter vector positions
P_N_UNITS, P_MIN_MOD, P_CD, P_MARGIN, P_N_DHW_UNITS, P_DHW_MARGIN, P_C_BUF, P_UA_BUF, P_BUF_MAX, P_T_AMB, \
    P_C_DHW, P_UA_DHW, P_DHW_SET, P_DHW_MAX, P_BOOSTER, P_BU_CAP, P_BU_EFF, P_BU_ALT, P_BIVALENT, P_BU_DHW, \
    P_BUF_INIT, P_DHW_INIT, P_HAS_HP, P_BU_ELECTRIC, P_PV_LED, P_IMPORT_LIMIT, P_DT_H = range(27)
# the hot-water tank's nodes, the useful tap temperature [°C], the loop's UA and flow (ṁ c_p) [kW/K]
P_DHW_NODES, P_TAP_USEFUL, P_LOOP_UA, P_LOOP_FLOW = range(27, 31)
N_PARAMS = 31

UNROLLED_NODES = 5
"""The hot-water tank's default node count (``HotWater.nodes``), for which :func:`_time_loop` is also compiled, for
the usual plant (:func:`is_usual_plant`), with its node loops of a constant length (unrolled); other counts and
plants run the same code for any length."""


def unrefcounted(array, nodes=0):
    """``array`` itself in plain Python; in compiled code a view of its float64 data without a reference count.

    Numba counts the references of an array that the loop hands to an inlined helper with
    loops or branches (the tank's ``charge``, ``draw``, ``lift``…) with an atomic increment and
    decrement around each use it cannot prune: measured as ~45 % of the PV-led plant kernel's
    time (``perf`` on the kernel, December 2026). A view made by :func:`numba.carray` from the
    data pointer has no meminfo, so those calls do nothing. The caller must keep ``array``
    alive while the view is used: :func:`_time_loop` takes the tank as an argument for that.

    ``nodes``, when a compile-time constant above 0, is the view's size (it must be ``array.size``):
    the tank helpers' loops then have a constant trip count, which LLVM unrolls.
    """
    return array


def _is_literal_above_zero(count):
    """``count`` > 0; in compiled code a constant of the compiled function when ``count`` is a literal (numba passes
    a literal argument as a run-time value, which the compiler could not fold)."""
    return count > 0


@overload(_is_literal_above_zero)
def _is_literal_above_zero_compiled(count):
    """Compiled :func:`_is_literal_above_zero`: a constant for a literal ``count``."""
    if isinstance(count, numba.types.IntegerLiteral):
        above = count.literal_value > 0
        return lambda count: above

    return lambda count: count > 0


@intrinsic
def _void_pointer(typingctx, address):
    """The integer ``address`` as a ``void*`` (for :func:`numba.carray`)."""
    def codegen(context, builder, signature, args):
        return builder.inttoptr(args[0], cgutils.voidptr_t)
    return numba.types.voidptr(address), codegen


@overload(unrefcounted, prefer_literal=True)
def _unrefcounted_compiled(array, nodes=0):
    """Compiled :func:`unrefcounted`: a C-contiguous float64 view of ``array``'s data, meminfo NULL; its size the
    constant ``nodes`` when that is a literal above 0 (the loop's tank helpers are then unrolled), else the array's."""
    fixed = nodes.literal_value if isinstance(nodes, numba.types.IntegerLiteral) else 0
    if fixed > 0:
        def view_fixed(array, nodes=0):
            return numba.carray(_void_pointer(array.ctypes.data), fixed, np.float64)
        return view_fixed

    def view(array, nodes=0):
        return numba.carray(_void_pointer(array.ctypes.data), array.size, np.float64)
    return view


@njit
def _inverse_step(grid):
    """1/step when ``grid`` is evenly spaced (to 1e-9 of a step), so that cells are indexed directly; else 0."""
    step = (grid[-1] - grid[0]) / (grid.size - 1)
    for i in range(grid.size):
        if abs(grid[i] - (grid[0] + i * step)) > 1e-9 * abs(step):
            return 0.0
    return 1.0 / step


@njit(inline=True)
def _cell(grid, x, inv_step):
    """(index, fraction) of ``x`` in ``grid``: direct on an even grid (``inv_step`` = 1/step), else a walk.

    Outside the grid the end cell is extended linearly (the callers keep points inside).
    """
    if inv_step > 0.0:
        pos = (x - grid[0]) * inv_step
        i = min(max(int(pos), 0), grid.size - 2)
        return i, pos - i
    return _uneven_cell(grid, x)


@njit
def _uneven_cell(grid, x):
    """(index, fraction) of ``x`` in an unevenly spaced ``grid`` (a call, not inlined: it keeps the kernel's
    compile time down, and maps are evenly spaced as a rule)."""
    i = _bracket(grid, x)
    return i, (x - grid[i]) / (grid[i + 1] - grid[i])


@njit
def _sink_line(grids, sink):
    """(capacity kW, COP) of one unit per source grid point at the fixed ``sink`` [°C]; zeros above the maximum sink.

    ``grids`` = (source grid, sink grid, table, max sink, min source, max source) of a map, its
    ``table`` as (source, sink, [capacity, COP]); sinks below the grid use its lowest sink.
    Interpolated once along the sink axis, then along the source each step (:func:`_on_line`:
    the bilinear value of :func:`_on_map`, to rounding).
    """
    source_grid, sink_grid, table, max_sink = grids[0], grids[1], grids[2], grids[3]
    line = np.zeros((source_grid.size, 2))
    tk = max(sink, sink_grid[0])
    if tk <= max_sink:
        k, fk = _cell(sink_grid, tk, _inverse_step(sink_grid))
        for i in range(source_grid.size):  # written out: an array expression here compiles several times slower
            for q in range(2):
                line[i, q] = (1.0 - fk) * table[i, k, q] + fk * table[i, k + 1, q]
    return line


@njit(inline=True)
def _source_cell(source_grid, inv_s, min_source, max_source, t_source):
    """(available, index, fraction) of a step's source [°C] on a map: unavailable outside the unit's source limits."""
    if not min_source <= t_source <= max_source:
        return False, 0, 0.0
    i, fs = _cell(source_grid, t_source, inv_s)
    return True, i, fs


@njit(inline=True)
def _on_map(sink_grid, table, inv_k, max_sink, i, fs, sink):
    """(capacity kW, COP) of one unit at source cell (``i``, ``fs``) and ``sink`` [°C], bilinear on the map
    (the arithmetic of :func:`mgwsim.heatpump.maps.available_point`); 0/0 above the maximum sink."""
    tk = max(sink, sink_grid[0])
    if tk > max_sink:
        return 0.0, 0.0
    k, fk = _cell(sink_grid, tk, inv_k)
    w00, w01, w10, w11 = (1.0 - fs) * (1.0 - fk), (1.0 - fs) * fk, fs * (1.0 - fk), fs * fk
    return (w00 * table[i, k, 0] + w01 * table[i, k + 1, 0] + w10 * table[i + 1, k, 0] + w11 * table[i + 1, k + 1, 0],
            w00 * table[i, k, 1] + w01 * table[i, k + 1, 1] + w10 * table[i + 1, k, 1] + w11 * table[i + 1, k + 1, 1])


@njit(inline=True)
def _on_line(line, i, fs):
    """(capacity kW, COP) of one unit at source cell (``i``, ``fs``) on a fixed-sink line (:func:`_sink_line`)."""
    return (1.0 - fs) * line[i, 0] + fs * line[i + 1, 0], (1.0 - fs) * line[i, 1] + fs * line[i + 1, 1]


@njit(inline=True)
def _space_heating_sink(t_supply, t_return, offset, c_buf, buf_max, margin, h_max):
    """(target [°C], sink [°C], share, limited) of a step's space heating from its input series only.

    Sink = buffer (or supply) target + margin; a controller raise beyond the units' reach charges
    only as far as they go; a *required* supply beyond it makes them preheat in series the share
    (T_max − margin − T_return)/(T_supply − T_return) (``limited`` = 1).
    """
    target = min(t_supply + offset, buf_max) if c_buf > 0.0 else t_supply
    sink = target + margin
    if sink <= h_max:
        return target, sink, 1.0, 0.0
    if t_supply + margin <= h_max:
        return h_max - margin, h_max, 1.0, 0.0
    spread = t_supply - t_return
    share = (h_max - margin - t_return) / spread if spread > 1e-9 else 0.0
    return target, h_max, min(max(share, 0.0), 1.0), 1.0


@njit
def _is_constant(values):
    """Whether ``values`` holds one value all year (NaN never equals: not constant). Counted over every step
    without an early exit, a loop that compiles to vector compares: 1 µs a year where the early exit took 4."""
    first, differ = values[0], 0
    for t in range(values.size):
        differ += values[t] != first
    return differ == 0


@njit
def cascade_electricity(heat, cap_u, cop_u, unit_steps_before, min_mod, cd):
    """Electricity [kWh] for ``heat`` [kWh] from units giving ``cap_u`` [kWh per step] at ``cop_u``.

    ``unit_steps_before`` unit-steps are already in use; the last unit below ``min_mod``
    cycles (EN 14825:2022 8.5.2 degradation with coefficient ``cd``): its heat ``q_last``
    takes q_last / COP_PL = q_last / COP · (Cd·PLR + 1 − Cd) / PLR
    = q_last / COP · (1 + (1 − Cd)(1/PLR − 1)), PLR = last / ``min_mod``. Non-decreasing in ``heat``.
    """
    if heat <= 0.0:
        return 0.0
    return _cascade_electricity(heat, heat / cap_u, cap_u, cop_u, unit_steps_before, min_mod, cd)


@njit(inline=True)
def _cascade_electricity(heat, unit_steps, cap_u, cop_u, unit_steps_before, min_mod, cd):
    """:func:`cascade_electricity` given ``unit_steps`` = ``heat`` / ``cap_u`` (the kernel's loop has it: one
    division fewer per step)."""
    if heat <= 0.0:
        return 0.0
    load = unit_steps_before + unit_steps
    last = load - (math.ceil(load - 1e-12) - 1.0)
    if 0.0 < last < min_mod:
        heat = heat + min(last * cap_u, heat) * (1.0 - cd) * (min_mod / last - 1.0)
    return heat / cop_u


@njit
def _heat_within(budget, heat_max, cap_u, cop_u, unit_steps_before, min_mod, cd):
    """Largest heat ≤ ``heat_max`` whose cascade electricity stays ≤ ``budget`` (bisection)."""
    if cascade_electricity(heat_max, cap_u, cop_u, unit_steps_before, min_mod, cd) <= budget:
        return heat_max
    lo, hi = 0.0, heat_max
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        if cascade_electricity(mid, cap_u, cop_u, unit_steps_before, min_mod, cd) <= budget:
            lo = mid
        else:
            hi = mid
    return lo


@njit(inline=True)
def _hot_water(theta, c_node, q_dhw, t_cold, t_useful, plain_target, hp_target, hp_max, cop_u, booster_max,
               backup_max, backup_electric, backup_eff, budget, loop, t_loop_in):
    """Steps 1 and 3 for hot water on the stratified tank ``theta`` (its losses already taken), energies per step [kWh].

    First the circulation loop's water leaves at the top and comes back to the bottom at ``t_loop_in``
    [°C] (:func:`mgwsim.system.dhw_tank.draw` of the loop's loss ``loop``, then buoyancy). Before the
    draw the heat pumps charge the tank towards ``hp_target`` (the temperature they can reach), then
    the booster and the backup lift it to ``plain_target`` (a controller's raise is for the heat
    pumps); the draw delivers what the nodes at or above ``t_useful`` hold; then the same heaters
    bring the tank back. The first charge lets the units serve the step's draw beyond the tank's
    content (they run while water is drawn), the second is the recovery. ``hp_max`` is the heat the
    units may give in the step (0 when they are off); the booster and an electric backup stay within
    the electricity ``budget`` left by the units. Returns (heat-pump heat, booster heat, backup heat,
    hot water delivered, loop loss taken from the tank).

    The usual step of a well-sized plant has a shortcut with the same result to rounding: when no node
    is warmer than ``hp_target``, the nodes hold the loop's loss above its return (every node warmer
    than ``t_loop_in`` and Σ c_node · (θ_i − ``t_loop_in``) ≥ ``loop``) and the units have the heat for
    the tank's room, the loop's loss and the draw, every path above ends with every node at
    ``hp_target`` and the units' heat is room + loop + draw (the loop's draw lowers the heat content by
    ``loop``), so the nodes are not walked.
    """
    n = theta.size  # stratified: theta[0] the warmest node, theta[n - 1] the coldest
    if theta[0] <= hp_target and hp_target >= plain_target and hp_target >= t_useful and hp_max > 0.0:
        uniform = theta[0] == theta[n - 1]
        room = n * c_node * (hp_target - theta[0]) if uniform else room_below(theta, c_node, hp_target)
        above_return = n * c_node * (hp_target - t_loop_in) - room  # Σ c_node · (θ_i − t_loop_in)
        loop_fits = loop <= 0.0 or (theta[n - 1] > t_loop_in and loop <= above_return)
        if loop_fits and room + loop + q_dhw <= hp_max and q_dhw <= n * c_node * (hp_target - t_cold):
            theta[:] = hp_target
            return room + loop + q_dhw, 0.0, 0.0, q_dhw, loop
    if loop > 0.0:
        loop = draw(theta, loop, c_node, t_loop_in, -1e300)
        mix_bottom(theta)
    hp = charge(theta, hp_max, c_node, hp_target) if hp_max > 0.0 else 0.0
    booster = backup = 0.0
    if theta[n - 1] < plain_target:  # else every node is at the setpoint: nothing for the booster and the backup
        booster, backup = _lift(theta, c_node, plain_target, hp, booster, backup, cop_u, booster_max, backup_max,
                                backup_electric, backup_eff, budget)
    delivered = draw(theta, q_dhw, c_node, t_cold, t_useful)
    if hp_max > hp:
        hp += charge(theta, hp_max - hp, c_node, hp_target)
    if theta[n - 1] < plain_target:
        booster, backup = _lift(theta, c_node, plain_target, hp, booster, backup, cop_u, booster_max, backup_max,
                                backup_electric, backup_eff, budget)
    return hp, booster, backup, delivered, loop


@njit(inline=True)
def _lift(theta, c_node, plain_target, hp, booster, backup, cop_u, booster_max, backup_max, backup_electric,
          backup_eff, budget):
    """The booster, then the backup, lift the tank towards ``plain_target`` within what is left of their
    capacity and (electric heaters) of the electricity ``budget``; returns their heat so far (booster, backup)."""
    spare = max(budget - (hp / cop_u if hp > 0.0 else 0.0) - booster - (backup / backup_eff if backup_electric
                                                                         else 0.0), 0.0)
    if booster_max > booster:
        heat = lift(theta, min(booster_max - booster, spare), c_node, plain_target)
        booster += heat
        spare -= heat
    if backup_max > backup:
        limit = backup_max - backup
        if backup_electric:
            limit = min(limit, spare * backup_eff)
        backup += lift(theta, limit, c_node, plain_target)
    return booster, backup


@njit(inline=True)
def _heating_w(controlled, setpoint, inv_k):
    """Ideal heating power [W] that lifts the controlled temperature to the setpoint (EN ISO 13790 C.4.2;
    ``inv_k`` in W per K of it)."""
    return (setpoint - controlled) * inv_k if controlled < setpoint else 0.0


@njit(inline=True)
def _extra_output(excess, deficit, emitter_output, inv_step):
    """Extra relative emitter output when the room is ``deficit`` [K] below its setpoint (:mod:`mgwsim.system.zone`).

    φ(excess + deficit) − φ(excess) on the table ``emitter_output`` (relative output per
    supply excess θ_s − θ_i [K] from 0 in steps of 1/``inv_step``), linear between points.
    """
    if deficit <= 0.0:
        return 0.0
    return _on_table(excess + deficit, emitter_output, inv_step) - _on_table(excess, emitter_output, inv_step)


@njit(inline=True)
def _on_table(x, values, inv_step):
    """``values`` (evenly spaced from 0, 1/``inv_step`` apart) at ``x``, linear; the end values outside."""
    pos = min(max(x * inv_step, 0.0), values.size - 1.0)
    i = min(int(pos), values.size - 2)
    return values[i] + (pos - i) * (values[i + 1] - values[i])


@njit(inline=True)
def _pv_charge(room, free_units, cap_u, cop_u, surplus, headroom):
    """Heat [kWh] stored from a PV surplus [kWh]: the least of tank room, free units, surplus × COP and headroom."""
    if cap_u <= 0.0 or room <= 0.0:
        return 0.0
    return max(min(room, free_units * cap_u, surplus * cop_u, headroom), 0.0)


@njit
def plant_kernel(q_sh, t_supply, t_return, q_dhw, t_source, t_outdoor, cap_factor, cop_factor, cap_limit_kw,
                 buffer_offset_k, dhw_offset_k, pv_kw, other_load_kw, hp_grids, dhw_grids, zone, p, run_hours, starts,
                 out, dhw_temperatures):
    """Run one building-year: fills every cell of ``out`` (n × N_OUTPUTS); adds to ``run_hours``, ``starts`` (per unit).

    Heat series are kWh per step, power series kW (means over the step); ``q_dhw`` is the hot
    water drawn at the taps (energy above the cold water) and ``dhw_temperatures`` = (cold
    water, circulation-loop surroundings) [°C] per step (the loop's UA and flow in ``p``;
    UA 0 for no loop, ``q_dhw`` then carries any loop loss). ``cap_limit_kw``
    caps the heat of the main cascade (e.g. what an exhaust-air flow can give; ``inf`` for
    no cap); ``pv_kw`` and ``other_load_kw`` (the connection's other electricity use)
    matter for PV-led control and the import limit only. ``p`` is the parameter vector
    (positions ``P_*``). ``zone`` is a :class:`mgwsim.system.zone.ZoneInputs`: with its
    ``coef[C_COUPLED]`` set the zone runs inside the loop and ``q_sh`` is the decoupled demand
    the supply temperatures were computed for (step 2); else it is never read and ``q_sh`` is
    the demand. ``hp_grids``/``dhw_grids`` are the maps of the main units and of the hot-water
    units (see :func:`_sink_line`). ``out`` comes from the caller, so that a batch reuses it
    from row to row (a fresh mapping of several MB costs page faults, which Dask's worker
    memory settings make a recurring cost).
    """
    main_dhw = int(p[P_N_DHW_UNITS]) == 0
    d_grids = hp_grids if main_dhw else dhw_grids
    h_max, d_max = hp_grids[3], d_grids[3]
    # fixed-sink lines: hot water at a constant target (no controller offsets), PV-led charging of both tanks
    dhw_sink = min(min(p[P_DHW_SET] + dhw_offset_k[0], p[P_DHW_MAX]) + p[P_DHW_MARGIN], d_max)
    dhw_line = _sink_line(d_grids, dhw_sink)
    pv_dhw_line = _sink_line(hp_grids, min(p[P_DHW_MAX] + p[P_DHW_MARGIN], h_max))
    pv_buf_line = _sink_line(hp_grids, min(p[P_BUF_MAX] + p[P_MARGIN], h_max))
    tank = np.full(int(p[P_DHW_NODES]), p[P_DHW_INIT])  # the hot-water tank's nodes, top first [°C]
    dhw_fixed = _is_constant(dhw_offset_k)
    if tank.size == UNROLLED_NODES and is_usual_plant(p):  # its own loop: features constant, node loops unrolled
        _time_loop(q_sh, t_supply, t_return, q_dhw, t_source, t_outdoor, cap_factor, cop_factor, cap_limit_kw,
                   buffer_offset_k, dhw_offset_k, pv_kw, other_load_kw, hp_grids, d_grids, dhw_fixed, dhw_line,
                   pv_dhw_line, pv_buf_line, zone, p, out, run_hours, starts, dhw_temperatures, tank, UNROLLED_NODES)
    else:
        _time_loop(q_sh, t_supply, t_return, q_dhw, t_source, t_outdoor, cap_factor, cop_factor, cap_limit_kw,
                   buffer_offset_k, dhw_offset_k, pv_kw, other_load_kw, hp_grids, d_grids, dhw_fixed, dhw_line,
                   pv_dhw_line, pv_buf_line, zone, p, out, run_hours, starts, dhw_temperatures, tank, 0)
    return out


@njit
def is_usual_plant(p):
    """Whether the parameter vector ``p`` is that of the usual plant: heat pumps that also make the hot water, a
    backup in parallel with them (not bivalent-alternative) and no import limit."""
    return p[P_HAS_HP] > 0.5 and int(p[P_N_DHW_UNITS]) == 0 and p[P_BU_ALT] <= 0.5 and p[P_IMPORT_LIMIT] >= 1e299


@njit
def _time_loop(q_sh, t_supply, t_return, q_dhw, t_source, t_outdoor, cap_factor, cop_factor, cap_limit_kw,
               buffer_offset_k, dhw_offset_k, pv_kw, other_load_kw, hp_grids, d_grids, dhw_fixed, dhw_line,
               pv_dhw_line, pv_buf_line, zone, p, out, run_hours, starts, dhw_temperatures, tank, usual_nodes):
    """Steps 1–5 over the year (state: the buffer temperature, the hot-water tank's node temperatures
    ``tank`` [°C], top first, at their start values; the units running, the zone's mass temperature when coupled);
    see the module docstring.

    ``hp_grids``/``d_grids``: the maps of the main units and of the units that make hot water;
    ``dhw_line`` the latter's points at the hot-water sink when it is fixed (``dhw_fixed``), the
    ``pv_*_line`` the main units' at the PV-led charging sinks (:func:`_sink_line`). ``usual_nodes``, a literal:
    0 for any plant and node count, else the usual plant (:func:`is_usual_plant`) with a tank of that many nodes,
    for which this function is compiled once more (see :data:`UNROLLED_NODES`).
    """
    # the maps' arrays bound once: an array taken from a tuple inside the loop is reference-counted every step
    source_grid, sink_grid, table, h_max, min_source, max_source = hp_grids
    d_source_grid, d_sink_grid, d_table, d_max, d_min_source, d_max_source = d_grids
    inv_s, inv_k = _inverse_step(source_grid), _inverse_step(sink_grid)
    d_inv_s, d_inv_k = _inverse_step(d_source_grid), _inverse_step(d_sink_grid)
    free, setpoint, zc, emitter_output = zone
    coupled = zc[C_COUPLED] > 0.5
    a_air, a_s, a_m, a_end = zc[C_A_AIR], zc[C_A_SURFACE], zc[C_A_MASS], zc[C_A_END]
    k_air, k_s, k_m, k_end = zc[C_K_AIR], zc[C_K_SURFACE], zc[C_K_MASS], zc[C_K_END]
    w_air = zc[C_W_AIR]  # the controlled temperature: w·θ_air + (1 − w)·θ_s
    a_ctl, k_ctl = w_air * a_air + (1.0 - w_air) * a_s, w_air * k_air + (1.0 - w_air) * k_s
    inv_k_ctl = 1.0 / k_ctl if coupled else 0.0
    theta_m, to_kwh, deficit, controlled_free = zc[C_THETA_M0], zc[C_TO_KWH], 0.0, 0.0
    dt = p[P_DT_H]
    emitter_kwh, room, inv_excess = zc[C_EMITTER_KW] * dt, zc[C_ROOM_DEGC], zc[C_EXCESS_INV_STEP]
    n_units, min_mod, cd, margin = int(p[P_N_UNITS]), p[P_MIN_MOD], p[P_CD], p[P_MARGIN]
    c_buf, ua_buf, buf_max, t_amb = p[P_C_BUF], p[P_UA_BUF], p[P_BUF_MAX], p[P_T_AMB]
    c_dhw, ua_dhw, dhw_set, dhw_max, dhw_margin = p[P_C_DHW], p[P_UA_DHW], p[P_DHW_SET], p[P_DHW_MAX], p[P_DHW_MARGIN]
    # the usual plant (is_usual_plant holds): its features as constants of its compiled loop, each what its test
    # gives for that plant (so the same year), and the others' code left out of the loop
    usual = _is_literal_above_zero(numba.literally(usual_nodes))
    n_dhw_units = 0 if usual else int(p[P_N_DHW_UNITS])
    main_dhw, hp_dhw_on = n_dhw_units == 0, n_dhw_units >= 0
    dhw_units = float(n_units) if main_dhw else float(n_dhw_units)
    booster_max, bu_max, bu_eff = p[P_BOOSTER] * dt, p[P_BU_CAP] * dt, p[P_BU_EFF]
    bu_serves_dhw, bu_electric = p[P_BU_DHW] > 0.5, p[P_BU_ELECTRIC] > 0.5
    bu_alt, bivalent = False if usual else p[P_BU_ALT] > 0.5, p[P_BIVALENT]
    has_hp, pv_led, import_limit = True if usual else p[P_HAS_HP] > 0.5, p[P_PV_LED] > 0.5, p[P_IMPORT_LIMIT]
    limit_on = False if usual else import_limit < 1e299  # no limit: skip the bisections
    t_buf = p[P_BUF_INIT]
    t_cold, t_loop_ambient = dhw_temperatures
    n_nodes = int(p[P_DHW_NODES])
    # the tank's nodes, uncounted (an argument: alive for the whole call), of the constant size usual_nodes if > 0
    theta = unrefcounted(tank, usual_nodes)
    c_node, ua_node = c_dhw / n_nodes, ua_dhw / n_nodes * dt
    t_useful, loop_ua, loop_flow = p[P_TAP_USEFUL], p[P_LOOP_UA], p[P_LOOP_FLOW]
    inv_nodes = 1.0 / n_nodes
    keep, gain = loss_factors(c_node, ua_node, t_amb)  # the standing loss: theta' = theta * keep + gain
    t_dhw = mean_temperature(theta, inv_nodes)
    inv_c_buf = 1.0 / c_buf if c_buf > 0.0 else 0.0
    inv_eff = 1.0 / bu_eff
    running_prev = 0
    # staging tallies, per number of units running / per unit; turned into run hours and starts after the year
    steps_running, start_edges = np.zeros(n_units + 1), np.zeros(n_units + 1)
    off_time, cycling_starts = np.zeros(n_units), np.zeros(n_units)
    inv_min_mod, inv_dt = 1.0 / min_mod, 1.0 / dt  # no divisions in the loop
    inv_to_kwh = 1.0 / to_kwh if coupled else 0.0
    for t in range(q_sh.size):
        hp_allowed = has_hp and not (bu_alt and t_outdoor[t] < bivalent)
        budget = max((import_limit + pv_kw[t] - other_load_kw[t]) * dt, 0.0)  # electricity allowed [kWh]
        cap_limit = cap_limit_kw[t] * dt
        # the units' operating points at the step's source, evaluated where they are used (0/0 outside its limits)
        cap_f, cop_f = cap_factor[t], cop_factor[t]
        ok, i_s, f_s = _source_cell(source_grid, inv_s, min_source, max_source, t_source[t])
        d_ok, d_i, d_f = ok, i_s, f_s
        if not main_dhw:
            d_ok, d_i, d_f = _source_cell(d_source_grid, d_inv_s, d_min_source, d_max_source, t_source[t])
        # 1. hot water ---------------------------------------------------------------------------
        loop, t_loop_return = loop_loss(theta[0], t_loop_ambient[t], loop_ua, loop_flow, dt)  # start-of-step outlet
        loss_dhw = standing_loss(theta, c_node, keep, gain, t_cold[t])
        dhw_target = min(dhw_set + dhw_offset_k[t], dhw_max)
        cap_d = cop_d = 0.0
        if d_ok and hp_allowed and hp_dhw_on:  # hot water at the tank target + margin, capped at the units' maximum
            if dhw_fixed:
                cap1, cop1 = _on_line(dhw_line, d_i, d_f)
            else:
                cap1, cop1 = _on_map(d_sink_grid, d_table, d_inv_k, d_max, d_i, d_f,
                                     min(dhw_target + dhw_margin, d_max))
            cap_d, cop_d = cap_f * cap1 * dt, cop_f * cop1
        hp_dhw_target = min(dhw_target, d_max - dhw_margin)
        hp_dhw_max = 0.0
        if hp_allowed and hp_dhw_on and cap_d > 0.0:
            hp_dhw_max = min(dhw_units * cap_d, cap_limit if main_dhw else 1e300, budget * cop_d)
        hp_dhw, booster, bu_dhw, dhw_delivered, loop = _hot_water(  # the loop's water first, from the top
            theta, c_node, q_dhw[t], t_cold[t], t_useful, dhw_set, hp_dhw_target, hp_dhw_max, cop_d, booster_max,
            bu_max if bu_serves_dhw else 0.0, bu_electric, bu_eff, budget, loop, max(t_loop_return, t_cold[t]))
        elec_dhw = hp_dhw / cop_d if hp_dhw > 0.0 else 0.0  # full-load charging: no cycling loss
        uh_dhw = hp_dhw / cap_d if main_dhw and hp_dhw > 0.0 else 0.0
        budget -= elec_dhw + booster + (bu_dhw * inv_eff if bu_electric else 0.0)
        # 2. space heating -------------------------------------------------------------------------
        load = need = q_sh[t]  # heat for the emitters; the ideal need [kWh]
        if coupled:
            controlled_free = free[t, Z_CONTROLLED] + a_ctl * theta_m
            need = _heating_w(controlled_free, setpoint[t], inv_k_ctl) * to_kwh
            load = min(need, q_sh[t] + emitter_kwh * _extra_output(t_supply[t] - room, deficit, emitter_output,
                                                                   inv_excess))
        loss_buf = ua_buf * (t_buf - t_amb) * dt if c_buf > 0.0 else 0.0
        plain = min(t_supply[t], buf_max) if c_buf > 0.0 else t_supply[t]
        target, sink_sh, share, limited_sh = _space_heating_sink(t_supply[t], t_return[t], buffer_offset_k[t], c_buf,
                                                                 buf_max, margin, h_max)
        need_sh = load + loss_buf + (c_buf * (target - t_buf) if c_buf > 0.0 else 0.0)
        hp_sh = elec_sh = cap_total_sh = limited = grid_limited = cap_u = sh_units = 0.0  # sh_units: hp_sh / cap_u
        if need_sh > 0.0 and hp_allowed:
            limited, cop_u = limited_sh, 0.0
            if ok:
                cap1, cop1 = _on_map(sink_grid, table, inv_k, h_max, i_s, f_s, sink_sh)
                cap_u, cop_u = cap_f * cap1 * dt, cop_f * cop1
            if cap_u > 0.0 and share > 0.0:
                headroom = cap_limit - hp_dhw if main_dhw else cap_limit
                cap_total_sh = min((n_units - uh_dhw) * cap_u, max(headroom, 0.0))
                wanted = min(share * need_sh, cap_total_sh)
                hp_sh = _heat_within(budget, wanted, cap_u, cop_u, uh_dhw, min_mod, cd) if limit_on else wanted
                grid_limited = 1.0 if hp_sh < wanted - 1e-9 else 0.0
                sh_units = hp_sh / cap_u
                elec_sh = _cascade_electricity(hp_sh, sh_units, cap_u, cop_u, uh_dhw, min_mod, cd)
        else:
            sink_sh = (min(t_supply[t] + buffer_offset_k[t], buf_max) if c_buf > 0.0 else t_supply[t]) + margin
        budget -= elec_sh
        # the backup serves the plain need (no controller raise): pre-heating is the heat pumps' job
        bu_sh = 0.0
        need_plain = load + loss_buf + (c_buf * (plain - t_buf) if c_buf > 0.0 else 0.0)
        if need_plain - hp_sh > 0.0:
            bu_sh = min(need_plain - hp_sh, bu_max - bu_dhw)
            if bu_electric:
                bu_sh = min(bu_sh, max(budget, 0.0) * bu_eff)
        supplied = hp_sh + bu_sh
        if c_buf > 0.0:
            t_free = t_buf + (supplied - loss_buf - load) * inv_c_buf
            delivered = load
            if t_free < plain - 1e-9 and load > 0.0:  # above the buffer's maximum the backup lifts in series
                delivered = max(load - c_buf * (plain - t_free), 0.0)
        else:
            delivered = min(load, supplied)
        # new buffer temperature
        t_buf_new = t_buf
        if c_buf > 0.0:
            if bu_sh == 0.0 and delivered == load and hp_sh == need_sh:
                t_buf_new = target
            else:
                t_buf_new = t_buf + (supplied - loss_buf - delivered) * inv_c_buf
        # 4. PV-led charging of the storage with the step's surplus --------------------------------
        extra_dhw = extra_buf = extra_elec_dhw = extra_elec_buf = 0.0
        uh_used = uh_dhw + sh_units
        surplus = (pv_kw[t] - other_load_kw[t]) * dt - (elec_dhw + booster + elec_sh) - (
            (bu_sh + bu_dhw) * inv_eff if bu_electric else 0.0)
        if pv_led and hp_allowed and surplus > 1e-6:
            if main_dhw:
                cap1, cop1 = _on_line(pv_dhw_line, i_s, f_s) if ok else (0.0, 0.0)
                cu, co = cap_f * cap1 * dt, cop_f * cop1
                pv_target = min(dhw_max + dhw_margin, h_max) - dhw_margin
                room_dhw = room_below(theta, c_node, pv_target)
                extra_dhw = _pv_charge(room_dhw, n_units - uh_used, cu, co, surplus,
                                       max(cap_limit - hp_dhw - hp_sh, 0.0))
                if extra_dhw > 0.0:
                    if extra_dhw >= room_dhw:  # the surplus fills the tank: its room, every node to pv_target
                        fill(theta, pv_target)
                    else:
                        extra_dhw = charge(theta, extra_dhw, c_node, pv_target)
                    extra_elec_dhw = extra_dhw / co
                    surplus -= extra_elec_dhw
                    uh_used += extra_dhw / cu
            if c_buf > 0.0 and surplus > 1e-6:
                cap1, cop1 = _on_line(pv_buf_line, i_s, f_s) if ok else (0.0, 0.0)
                cu, co = cap_f * cap1 * dt, cop_f * cop1
                buf_room = c_buf * (min(buf_max + margin, h_max) - margin - t_buf_new)
                extra_buf = _pv_charge(buf_room, n_units - uh_used, cu, co, surplus,
                                       max(cap_limit - hp_dhw - hp_sh - extra_dhw, 0.0))
                if extra_buf > 0.0:
                    uh_used += extra_buf / cu
                    extra_elec_buf = extra_buf / co
                    t_buf_new += extra_buf * inv_c_buf
        # bookkeeping ------------------------------------------------------------------------------
        out[t, SH_DELIVERED] = delivered
        out[t, SH_UNMET] = q_sh[t] - delivered
        out[t, DHW_DELIVERED] = dhw_delivered
        out[t, HP_HEAT_SH] = hp_sh + extra_buf
        out[t, HP_HEAT_DHW] = hp_dhw + extra_dhw
        out[t, HP_ELEC_SH] = elec_sh + extra_elec_buf
        out[t, HP_ELEC_DHW] = elec_dhw + extra_elec_dhw
        out[t, BACKUP_HEAT_SH] = bu_sh
        out[t, BACKUP_HEAT_DHW] = bu_dhw
        out[t, BACKUP_INPUT] = (bu_sh + bu_dhw) * inv_eff
        out[t, BOOSTER_HEAT] = booster
        out[t, BUFFER_LOSS] = loss_buf
        out[t, DHW_LOSS] = loss_dhw
        out[t, BUFFER_DEGC] = t_buf_new
        t_dhw_new = mean_temperature(theta, inv_nodes)
        out[t, DHW_DEGC] = t_dhw_new
        out[t, BUFFER_DELTA] = c_buf * (t_buf_new - t_buf)
        out[t, DHW_DELTA] = c_dhw * (t_dhw_new - t_dhw)
        out[t, HP_CAPACITY_SH] = cap_total_sh * inv_dt
        out[t, HP_SINK_SH_DEGC] = sink_sh
        out[t, UNITS_EQUIVALENT] = uh_used
        # 5. staging: ceil(L) units in lead-lag order, the last one cycling below min_mod ----------
        k = int(math.ceil(uh_used - 1e-12)) if uh_used > 1e-12 else 0
        last = uh_used - (k - 1) if k > 0 else 0.0
        is_cycling = 0.0 < last < min_mod
        running = min(k, n_units)
        steps_running[running] += 1.0
        if running > running_prev:  # units running_prev .. running - 1 start
            start_edges[running_prev] += 1.0
            start_edges[running] -= 1.0
        if is_cycling and k <= n_units:
            off_time[k - 1] += 1.0 - last * inv_min_mod
            if k - 1 < running_prev:
                cycling_starts[k - 1] += dt  # a unit that keeps cycling starts once an hour, whatever the step
        out[t, CYCLING] = 1.0 if is_cycling else 0.0
        running_prev = k
        out[t, HP_LIMITED_BY_TEMPERATURE] = limited
        out[t, DHW_UNMET] = dhw_unmet = q_dhw[t] - dhw_delivered
        out[t, DHW_BELOW_SETPOINT] = 1.0 if theta[0] < dhw_set - 0.5 or dhw_unmet > 1e-6 else 0.0  # short of hot water
        out[t, DHW_LOOP_LOSS] = loop
        out[t, DHW_LOOP_RETURN_DEGC] = t_loop_return if loop_ua > 0.0 else math.nan
        out[t, DHW_TOP_DEGC] = theta[0]
        out[t, DHW_BOTTOM_DEGC] = theta[n_nodes - 1]
        out[t, HP_HEAT_PV_LED] = extra_dhw + extra_buf
        out[t, HP_LIMITED_BY_GRID] = grid_limited
        t_buf, t_dhw = t_buf_new, t_dhw_new
        if coupled:  # the zone gets what the emitters delivered
            phi_hc = delivered * inv_to_kwh
            out[t, SH_NEED] = need
            out[t, ZONE_AIR_DEGC] = free[t, Z_AIR] + a_air * theta_m + k_air * phi_hc
            out[t, ZONE_SURFACE_DEGC] = surface = free[t, Z_SURFACE] + a_s * theta_m + k_s * phi_hc
            out[t, ZONE_MASS_DEGC] = free[t, Z_MASS] + a_m * theta_m + k_m * phi_hc
            deficit = max(setpoint[t] - (controlled_free + k_ctl * phi_hc), 0.0)
            theta_m = free[t, Z_MASS_END] + a_end * theta_m + k_end * phi_hc
            out[t, ZONE_MASS_END_DEGC] = theta_m
        else:
            out[t, SH_NEED] = need
            out[t, ZONE_AIR_DEGC] = out[t, ZONE_SURFACE_DEGC] = out[t, ZONE_MASS_DEGC] = math.nan
            out[t, ZONE_MASS_END_DEGC] = math.nan
    _tally_units(steps_running, start_edges, off_time, cycling_starts, dt, run_hours, starts)


@njit
def _tally_units(steps_running, start_edges, off_time, cycling_starts, dt, run_hours, starts):
    """Run hours and starts per unit from the year's staging tallies.

    Unit i runs (full steps) whenever more than i units run, less the off time of its
    cycling steps; it starts where the running count rises past it (``start_edges`` holds
    +1 at the first and −1 after the last unit that starts), plus once an hour while it
    keeps cycling.
    """
    above, started = 0.0, 0.0
    for i in range(off_time.size - 1, -1, -1):
        above += steps_running[i + 1]
        run_hours[i] += (above - off_time[i]) * dt
    for i in range(off_time.size):
        started += start_edges[i]
        starts[i] += started + cycling_starts[i]
