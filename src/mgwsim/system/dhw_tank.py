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
def standing_loss(theta, c_node, keep, gain, t_floor):
    """Apply each node's standby loss over the step and return the total [kWh].

    L_i = UA/n · (θ_i − θ_amb) · Δt (EN 12897 standing loss, UA constant), at most the node's
    heat above ``t_floor`` [°C] (the mains temperature: the model keeps no water colder than the
    water that refills it; this only binds for a cold, idle tank in a plant room colder than the
    mains). With a = UA/n · Δt / c_node the cooled node is θ_i' = θ_i − a (θ_i − θ_amb), written
    θ_i · ``keep`` + ``gain`` (``keep`` = 1 − a, ``gain`` = a · θ_amb: :func:`loss_factors`), one
    multiplication and one addition on the tank's chain from step to step instead of five
    operations (the loss itself is not on it); the loss is c_node · (θ_i − θ_i'), so the tank's
    heat content closes with it. The floor: θ_i − min(a (θ_i − θ_amb), (θ_i − θ_floor)⁺) =
    max(θ_i', min(θ_i, θ_floor)), which differs from θ_i' only when θ_i' < θ_floor (a branch that
    is not taken in a working tank).
    """
    n = theta.size
    if theta[0] == theta[n - 1]:  # a uniform (stratified) tank: one node's loss for all
        cooled = theta[0] * keep + gain
        if cooled < t_floor:
            cooled = max(cooled, min(theta[0], t_floor))
        drop = theta[0] - cooled
        for i in range(n):
            theta[i] = cooled
        return n * c_node * drop
    total = 0.0
    for i in range(n):
        cooled = theta[i] * keep + gain
        if cooled < t_floor:
            cooled = max(cooled, min(theta[i], t_floor))
        total += theta[i] - cooled
        theta[i] = cooled
    return c_node * total


@njit(inline=True)
def loss_factors(c_node, ua_node_kwh_k, t_ambient):
    """(``keep``, ``gain``) of :func:`standing_loss` for nodes of ``c_node`` [kWh/K] losing ``ua_node_kwh_k``
    = UA/n · Δt [kWh/K] to surroundings at ``t_ambient`` [°C]: θ' = θ · keep + gain = θ − a (θ − θ_amb),
    a = UA/n · Δt / c_node."""
    a = ua_node_kwh_k / c_node
    return 1.0 - a, a * t_ambient


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
def mix_bottom(theta):
    """:func:`mix` after water entered at the bottom, bit for bit: the usual outcome (the bottom node merges with the
    one above it, or nothing moves) chosen without a branch on the temperatures, which follow no pattern a
    branch predictor could learn; a tank inverted elsewhere, or a run that reaches higher, goes to :func:`mix`."""
    n = theta.size
    if n < 3:
        mix(theta)
        return
    for i in range(1, n - 1):
        if theta[i] > theta[i - 1]:
            mix(theta)
            return
    a, b = theta[n - 2], theta[n - 1]
    mean = (b + a) / 2.0  # mix's total / 2 for the pair
    inverted = b > a
    if inverted & (theta[n - 3] < mean):  # (& : no branch on ``inverted`` itself)
        mix(theta)
        return
    theta[n - 2] = mean if inverted else a
    theta[n - 1] = mean if inverted else b


@njit(inline=True)
def draw(theta, energy, c_node, t_cold, t_useful):
    """Draw ``energy`` [kWh above θ_cold] from the top; return the energy delivered (≤ ``energy``).

    Walks down from the top node, taking whole nodes and then a fraction of the next, while
    the water leaving is at least ``t_useful`` [°C]; then shifts the tank up by that volume,
    cold water (``t_cold``) filling the bottom. The fraction of node i, left / (c_node · (θ_i − θ_cold)),
    is computed as (left / c_node) / (θ_i − θ_cold): the division waits only for the node's
    temperature (the chain from step to step), not for a product after it.
    """
    left, nodes, inv_c = energy, 0.0, 1.0 / c_node  # (a constant of the kernel's time loop)
    for i in range(theta.size):
        above = theta[i] - t_cold  # [K]
        if theta[i] < t_useful or above <= 0.0:
            break
        per_node = c_node * above
        if left <= per_node:
            share = (left * inv_c) / above
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
    """Move the water up by ``nodes`` node volumes (≥ 0); ``fill`` [°C] enters at the bottom.

    Node j takes (1 − f) of node j + k and f of node j + k + 1 (k whole nodes and the fraction f),
    written θ_{j+k} + f · (θ_{j+k+1} − θ_{j+k}): the differences wait only for the nodes, not for
    f (the draw's division), so one multiplication and one addition follow the division on the
    tank's chain; and nodes of one temperature stay exactly at it.
    """
    n = theta.size
    if nodes < 1.0:  # the usual draw, less than a node: each node takes the fraction f of the one below
        f = nodes  # (no index tests; k = 0, f = nodes − 0: no conversions on the tank's chain)
        for j in range(n - 1):
            theta[j] += f * (theta[j + 1] - theta[j])
        theta[n - 1] += f * (fill - theta[n - 1])
        return
    k = int(nodes)
    f = nodes - k
    for j in range(n):
        a = theta[j + k] if j + k < n else fill
        b = theta[j + k + 1] if j + k + 1 < n else fill
        theta[j] = a + f * (b - a)


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
def fill(theta, t_in):
    """Every node below ``t_in`` [°C] set to it: :func:`charge` given exactly the heat of :func:`room_below`.

    For a caller that knows the heat is the tank's whole room below ``t_in`` (the kernel's PV-led
    charge when the surplus fills the tank): the heat stored is that room. :func:`charge` given
    the same heat subtracts each node's room from it on its walk up, and rounding leaves either
    a crumb (the nodes set whole, as here) or a shortfall of a few ulps in the last node, which
    sends it through the division and the general node shift (a shift by all the nodes but a
    sliver): the same tank to rounding, at the cost of a branch that goes either way.
    """
    for i in range(theta.size):
        if theta[i] < t_in:
            theta[i] = t_in


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
    """Move nodes ``first`` .. n − 1 down by ``nodes`` node volumes; ``fill`` [°C] enters below ``first − 1``.

    Node j takes (1 − f) of node j − k and f of node j − k − 1, written as in :func:`_shift_up`.
    """
    n = theta.size
    if nodes < 1.0:  # less than a node: each node takes the fraction f of the one above (no index tests)
        f = nodes
        for j in range(n - 1, first, -1):
            theta[j] += f * (theta[j - 1] - theta[j])
        theta[first] += f * (fill - theta[first])
        return
    k = int(nodes)
    f = nodes - k
    for j in range(n - 1, first - 1, -1):
        a = theta[j - k] if j - k >= first else fill
        b = theta[j - k - 1] if j - k - 1 >= first else fill
        theta[j] = a + f * (b - a)


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
