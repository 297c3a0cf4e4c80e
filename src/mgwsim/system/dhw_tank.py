"""A stratified hot-water tank and its circulation loop, as the plant kernel steps them (numba helpers).

The tank is ``n`` fully mixed nodes of equal volume, node 0 at the top; ``theta`` holds their
temperatures [°C] and ``c_node`` the heat capacity of one node [kWh/K]. The one-dimensional
multi-node model of Kleinbach, Beckman & Klein (1993, *Solar Energy* 50(2):155–166; TRNSYS
Type 4/60 "fixed inlets" and "variable inlets"), with whole-step plug flow so that a step may
move more than one node:

- **draw-off** (:func:`draw`): hot water leaves at the top, cold mains water enters at the
  bottom; energy at the taps = Σ volume · c · (θ_node − θ_cold) of the water that left (a
  thermostatic mixing valve adds cold water, which carries no heat above θ_cold). Only nodes
  at or above the useful tap temperature can serve; the rest of the demand is *unmet*.
- **heat-pump charging** (:func:`charge`): water leaves at the bottom to the heat pump and comes
  back at ``t_in`` through a stratifying inlet, i.e. it enters above the nodes colder than
  ``t_in`` (the variable-inlet variant), so the heat pump always heats the coldest water;
  heat stored = Σ volume · c · (t_in − θ_node) of the water that left.
- **booster / backup** (:func:`lift`): an immersion heater lifts the upper volume to the
  setpoint, node by node from the top.
- **losses** (:func:`standing_loss`): UA/n per node at the node temperature (explicit Euler;
  the time constant of a tank is days); **buoyancy** (:func:`mix`) averages inverted nodes.
- **circulation loop** (:func:`loop_loss`): the kernel takes the loop's water from the top and
  returns it to the bottom at the loop's return temperature (a :func:`draw` whose "cold" water
  is the return), so the loop's loss leaves the tank and the heat pump reheats the return.

Every operation moves or adds heat without creating any: node temperatures stay in
[θ_cold, max] as long as the inputs (fill and inlet temperatures) do. Helpers are inlined into
the kernel's loop (numba IR inlining: no reference counting of ``theta`` per call).
"""

from __future__ import annotations

import math

from mgwsim._numba import njit


@njit(inline=True)
def mean_temperature(theta, inv_n):
    """Volume-mean temperature of the tank [°C] (its heat content over its heat capacity); ``inv_n`` = 1/nodes."""
    total = 0.0
    for i in range(theta.size):
        total += theta[i]
    return total * inv_n


@njit(inline=True)
def room_below(theta, c_node, t_target):
    """Heat [kWh] that brings every node below ``t_target`` [°C] up to it: Σ c_node · (t_target − θ_i)⁺."""
    total = 0.0
    for i in range(theta.size):
        if theta[i] < t_target:
            total += c_node * (t_target - theta[i])
    return total


@njit(inline=True)
def standing_loss(theta, c_node, inv_c_node, ua_node_kwh_k, t_ambient, t_floor):
    """Apply each node's standby loss over the step and return the total [kWh].

    L_i = UA/n · (θ_i − θ_amb) · Δt (EN 12897 standing loss, UA constant; ``ua_node_kwh_k``
    = UA/n · Δt [kWh/K]), at most the node's heat above ``t_floor`` [°C] (the mains
    temperature: the model keeps no water colder than the water that refills it; this only
    binds for a cold, idle tank in a plant room colder than the mains). ``inv_c_node`` =
    1/``c_node``: no division per node.
    """
    n = theta.size
    if theta[0] == theta[n - 1]:  # a uniform (stratified) tank: one node's loss for all
        loss = min(ua_node_kwh_k * (theta[0] - t_ambient), c_node * max(theta[0] - t_floor, 0.0))
        cooled = theta[0] - loss * inv_c_node
        total = 0.0
        for i in range(n):
            theta[i] = cooled
            total += loss
        return total
    total = 0.0
    for i in range(n):
        loss = min(ua_node_kwh_k * (theta[i] - t_ambient), c_node * max(theta[i] - t_floor, 0.0))
        theta[i] -= loss * inv_c_node
        total += loss
    return total


@njit(inline=True)
def mix(theta):
    """Buoyancy: average every run of nodes in which warmer water lies below colder (heat kept).

    Pool-adjacent-violators from the top: after it, θ never increases downwards.
    """
    for i in range(1, theta.size):
        if theta[i] > theta[i - 1]:
            j, total = i - 1, theta[i] + theta[i - 1]
            while j > 0 and theta[j - 1] < total / (i - j + 1):
                j -= 1
                total += theta[j]
            mean = total / (i - j + 1)
            for m in range(j, i + 1):
                theta[m] = mean


@njit(inline=True)
def draw(theta, energy, c_node, t_cold, t_useful):
    """Draw ``energy`` [kWh above θ_cold] from the top; return the energy delivered (≤ ``energy``).

    Walks down from the top node, taking whole nodes and then a fraction of the next, while
    the water leaving is at least ``t_useful`` [°C]; then shifts the tank up by that volume,
    cold water (``t_cold``) filling the bottom.
    """
    left, nodes = energy, 0.0
    for i in range(theta.size):
        per_node = c_node * (theta[i] - t_cold)
        if theta[i] < t_useful or per_node <= 0.0:
            break
        if left <= per_node:
            share = left / per_node
            nodes = share if i == 0 else nodes + share  # (0.0 + share is share: no addition on the tank's chain)
            left = 0.0
            break
        nodes += 1.0
        left -= per_node
    if nodes > 0.0:
        _shift_up(theta, nodes, t_cold)
    return energy - left


@njit(inline=True)
def _shift_up(theta, nodes, fill):
    """Move the water up by ``nodes`` node volumes (≥ 0); ``fill`` [°C] enters at the bottom."""
    n = theta.size
    if nodes < 1.0:  # the usual draw, less than a node: each node takes the fraction f of the one below
        f, g = nodes, 1.0 - nodes  # (no index tests; k = 0, f = nodes − 0: no conversions on the tank's chain)
        for j in range(n - 1):
            theta[j] = g * theta[j] + f * theta[j + 1]
        theta[n - 1] = g * theta[n - 1] + f * fill
        return
    k = int(nodes)
    f = nodes - k
    for j in range(n):
        a = theta[j + k] if j + k < n else fill
        b = theta[j + k + 1] if j + k + 1 < n else fill
        theta[j] = (1.0 - f) * a + f * b


@njit(inline=True)
def charge(theta, energy, c_node, t_in):
    """Store up to ``energy`` [kWh] as water at ``t_in`` [°C] through a stratifying inlet; return what was stored.

    The nodes at or above ``t_in`` stay as they are; below them the water at ``t_in`` enters
    and pushes the colder nodes down, the bottom leaving to the heat pump (each node volume
    that leaves stores c_node · (t_in − θ_i)). Stores less than ``energy`` only when the
    whole tank reaches ``t_in``.

    The usual charge has the heat for every node below ``t_in``: those nodes (the bottom run
    of a stratified tank) are then simply set to ``t_in``, in the same walk that adds up their
    heat (what the node shift below gives for a whole number of nodes). Each node is set as the
    walk leaves it: :func:`_charge_part` reads only the nodes at and above the one where the heat
    runs out, and a separate fill loop after the walk was compiled into a masked vector store,
    which the next reads of the nodes could not forward from (a stall seen with ``perf``).
    """
    left, i = energy, theta.size - 1
    while i >= 0 and theta[i] < t_in:  # walk up from the bottom through the nodes colder than t_in
        per_node = c_node * (t_in - theta[i])
        if left <= per_node:  # the heat runs out in node i: shift by a fraction of a node
            return energy - _charge_part(theta, i, left, per_node, c_node, t_in)
        left -= per_node
        theta[i] = t_in  # set as the walk leaves it (see above)
        i -= 1
    return energy - left


@njit(inline=True)
def _charge_part(theta, i, left, per_node, c_node, t_in):
    """:func:`charge` when its heat runs out in node ``i`` (``left`` ≤ ``per_node``, that node's room); returns 0.

    Nodes i + 1 .. n − 1 are taken whole, node ``i`` by the fraction ``left / per_node``; the
    nodes from the first one colder than ``t_in`` down are shifted by that many node volumes.
    """
    n = theta.size
    first = 0  # the first node colder than t_in (the tank is stratified: warmer above)
    while first < n and theta[first] >= t_in:
        first += 1
    share = left / per_node
    _shift_down(theta, first, share if i == n - 1 else (n - 1 - i) + share, t_in)  # (0 + share is share)
    return 0.0


@njit(inline=True)
def _shift_down(theta, first, nodes, fill):
    """Move nodes ``first`` .. n − 1 down by ``nodes`` node volumes; ``fill`` [°C] enters below ``first − 1``."""
    n = theta.size
    if nodes < 1.0:  # less than a node: each node takes the fraction f of the one above (no index tests)
        f, g = nodes, 1.0 - nodes
        for j in range(n - 1, first, -1):
            theta[j] = g * theta[j] + f * theta[j - 1]
        theta[first] = g * theta[first] + f * fill
        return
    k = int(nodes)
    f = nodes - k
    for j in range(n - 1, first - 1, -1):
        a = theta[j - k] if j - k >= first else fill
        b = theta[j - k - 1] if j - k - 1 >= first else fill
        theta[j] = (1.0 - f) * a + f * b


@njit(inline=True)
def lift(theta, energy, c_node, t_set):
    """Heat up to ``energy`` [kWh] into the nodes below ``t_set`` [°C], from the top down; return the heat used."""
    if theta[theta.size - 1] >= t_set:  # the coldest node is at t_set already
        return 0.0
    left = energy
    for i in range(theta.size):
        if left <= 0.0:
            break
        room = c_node * (t_set - theta[i])
        if room <= 0.0:
            continue
        if left <= room:
            theta[i] += left / c_node
            left = 0.0
        else:
            theta[i] = t_set
            left -= room
    return energy - left


@njit(inline=True)
def loop_loss(t_supply, t_surroundings, ua_kw_k, flow_kw_k, dt_h):
    """Heat loss of the circulation loop over a step [kWh] and its return temperature [°C].

    EN 15316-3:2017 (distribution losses of the circulation loop): Q = Σ ψ_j L_j ·
    (θ_mean − θ_amb,j) · t, written with UA = Σ ψ_j L_j [kW/K] and θ_amb the UA-weighted
    surroundings. With the loop's mean water temperature θ_mean = (θ_s + θ_r)/2 and the heat
    balance of its flow θ_r = θ_s − Q/(ṁ c_p):

        Q = UA (θ_s − θ_amb) / (1 + UA / (2 ṁ c_p)),   θ_r = θ_s − Q / (ṁ c_p)

    (``flow_kw_k`` = ṁ c_p [kW/K]). Zero when the loop is no warmer than its surroundings
    (the pump circulates hot water; a cold loop is not counted as a heat gain).
    """
    if ua_kw_k <= 0.0 or t_supply <= t_surroundings:
        return 0.0, t_supply
    q_kw = ua_kw_k * (t_supply - t_surroundings) / (1.0 + ua_kw_k / (2.0 * flow_kw_k))
    return q_kw * dt_h, t_supply - q_kw / flow_kw_k


@njit
def nodes_are_stratified(theta):
    """Whether θ never increases downwards (a test helper)."""
    for i in range(1, theta.size):
        if theta[i] > theta[i - 1] + 1e-12 * max(1.0, math.fabs(theta[i])):
            return False
    return True
