"""The hot-water tank's step without shortcuts, the reference for the kernel's fast paths.

The multi-node operations of :mod:`mgwsim.system.dhw_tank` as first written: every charge
finds the first node colder than the inlet, walks up from the bottom and shifts the nodes
down (whole or part nodes); every step runs both phases (charge, booster, backup, draw,
charge, booster, backup) whatever the tank's state. Compiled like the kernel's helpers
(inlined), so that a copy of the kernel's loop can run on them (``tests/test_tank_fast_paths.py``).
"""

from __future__ import annotations

from mgwsim._numba import njit
from mgwsim.system.dhw_tank import _shift_down, draw, lift


@njit(inline=True)
def charge(theta, energy, c_node, t_in):
    """:func:`mgwsim.system.dhw_tank.charge` by its definition: a shift by the node volumes the heat brings to ``t_in``."""
    n = theta.size
    if theta[n - 1] >= t_in:
        return 0.0
    first = 0
    while first < n and theta[first] >= t_in:
        first += 1
    left, nodes = energy, 0.0
    for i in range(n - 1, first - 1, -1):
        per_node = c_node * (t_in - theta[i])
        if left <= per_node:
            nodes += left / per_node
            left = 0.0
            break
        nodes += 1.0
        left -= per_node
    if nodes > 0.0:
        _shift_down(theta, first, nodes, t_in)
    return energy - left


@njit(inline=True)
def hot_water(theta, c_node, q_dhw, t_cold, t_useful, plain_target, hp_target, hp_max, cop_u, booster_max,
              backup_max, backup_electric, backup_eff, budget):
    """:func:`mgwsim.system.kernel._hot_water`: both phases in full, every step."""
    hp = booster = backup = delivered = 0.0
    for phase in range(2):
        if phase == 1:
            delivered = draw(theta, q_dhw, c_node, t_cold, t_useful)
        if hp_max > hp:
            hp += charge(theta, hp_max - hp, c_node, hp_target)
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
    return hp, booster, backup, delivered


@njit(inline=True)
def shift_up(theta, nodes, fill):
    """:func:`mgwsim.system.dhw_tank._shift_up` as first written: one loop, an index test per node (frozen
    2026-12-07)."""
    n = theta.size
    k = int(nodes)
    f = nodes - k
    for j in range(n):
        a = theta[j + k] if j + k < n else fill
        b = theta[j + k + 1] if j + k + 1 < n else fill
        theta[j] = (1.0 - f) * a + f * b


@njit(inline=True)
def shift_down(theta, first, nodes, fill):
    """:func:`mgwsim.system.dhw_tank._shift_down` as first written: one loop, an index test per node (frozen
    2026-12-07)."""
    n = theta.size
    k = int(nodes)
    f = nodes - k
    for j in range(n - 1, first - 1, -1):
        a = theta[j - k] if j - k >= first else fill
        b = theta[j - k - 1] if j - k - 1 >= first else fill
        theta[j] = (1.0 - f) * a + f * b
