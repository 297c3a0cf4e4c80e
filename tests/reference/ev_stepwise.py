"""The EV kernel's step-wise strategies as they were before 2026-12-07 (frozen): the reference for the present loop.

:func:`mgwsim.ev.charging._stepwise` now finds ``wake`` (the first step at which a queued session
must charge) only when a step without PV surplus asks for it, and shares the surplus, charges the
cars and takes the full ones out of the queue in one pass; this copy computes ``wake`` after every
step in which cars charge and makes three passes. ``tests/test_ev.py`` holds the two to the same
results bit for bit; ``benchmarks/bench_system.py`` times them against each other.
"""

from __future__ import annotations

import numpy as np

from mgwsim._numba import njit
from mgwsim.ev.charging import _before, _first_must_step, _free_steps_before


@njit(inline=True)
def _must_kw(left, pmax, step_h, steps_after):
    """:func:`mgwsim.ev.charging._must_kw` as it was, dividing by the step (it now multiplies by the step's
    inverse: the same bits for the steps mgwsim allows, which this reference checks)."""
    must = left - pmax * step_h * steps_after
    return min(must / step_h, pmax, left / step_h) if must > 0.0 else 0.0


@njit
def _stepwise(mode, step_h, other, pv, limit_kw, arrival, departure, need, pmax, point, n_points, per_point,
              point_kw, site_kw, delivered):
    """pv_surplus (mode 1), peak_limited (mode 3), pv_surplus_limited (mode 4): connected cars interact.

    ``queue[:nq]`` holds the connected sessions with need left, by earliest departure (then
    point), kept sorted as cars come and go; the least-laxity rules re-order a copy (stable).
    Steps without such a session are skipped up to the next arrival, and ``pv_surplus`` skips
    steps without surplus before ``wake``, the first step at which a queued session must charge.
    The loop touches arrays by index only (no array enters a helper, so no reference counting
    per step).
    """
    n_steps = other.size
    queue = np.empty(n_points, np.int64)
    order = np.empty(n_points, np.int64)
    key = np.empty(n_points)
    power = np.empty(n_points)
    free = _free_steps_before(limit_kw, other, pv, arrival, departure, pmax) if mode == 4 else np.zeros(1, np.int64)
    nq = next_s = t = wake = 0
    while t < n_steps:
        gone = 0  # departed: the queue's head
        while gone < nq and departure[queue[gone]] <= t:
            gone += 1
        for i in range(gone, nq):
            queue[i - gone] = queue[i]
        nq -= gone
        while next_s < arrival.size and arrival[next_s] <= t:  # arrived: insert in (departure, point) order
            s = next_s
            next_s += 1
            if need[s] > 0.0:
                j = nq
                while j > 0 and _before(departure[s], point[s], departure[queue[j - 1]], point[queue[j - 1]]):
                    queue[j] = queue[j - 1]
                    j -= 1
                queue[j] = s
                nq += 1
                wake = min(wake, _first_must_step(need[s] - delivered[s], pmax[s] * step_h, departure[s]))
        if nq == 0:
            if next_s == arrival.size:
                break
            t = arrival[next_s]
            continue
        if mode == 3:
            available_kw = max(limit_kw - other[t], 0.0)
            if available_kw > 0.0:
                for i in range(nq):  # least laxity first [h], stable on the queue's order
                    s = queue[i]
                    lax = (departure[s] - t) * step_h - (need[s] - delivered[s]) / pmax[s]
                    j = i
                    while j > 0 and key[j - 1] > lax:
                        order[j], key[j] = order[j - 1], key[j - 1]
                        j -= 1
                    order[j], key[j] = s, lax
                for i in range(nq):
                    if available_kw <= 0.0:
                        break
                    s = order[i]
                    p = min(pmax[s], (need[s] - delivered[s]) / step_h, available_kw)
                    if per_point:
                        point_kw[t, point[s]] += p
                    site_kw[t] += p
                    delivered[s] += p * step_h
                    available_kw -= p
        else:
            if mode == 1 and t < wake and not pv[t] - other[t] > 0.0:  # idle up to wake, an arrival or a surplus
                stop = min(wake, arrival[next_s] if next_s < arrival.size else n_steps)
                t += 1
                while t < stop and not pv[t] - other[t] > 0.0:
                    t += 1
                continue
            surplus_kw = max(pv[t] - other[t], 0.0)  # departure guarantee first, then the surplus
            must_kw = 0.0
            for i in range(nq):
                s = queue[i]
                after = departure[s] - t - 1 if mode == 1 else free[departure[s]] - free[t + 1]
                power[i] = _must_kw(need[s] - delivered[s], pmax[s], step_h, after)
                must_kw += power[i]
            if mode == 4:
                cap_kw = max(limit_kw + pv[t] - other[t], 0.0)
                if must_kw > cap_kw:  # the guarantee does not fit under the cap: least laxity first
                    for i in range(nq):
                        s = queue[i]
                        lax = (departure[s] - t) * step_h - (need[s] - delivered[s]) / pmax[s]
                        j = i
                        while j > 0 and key[j - 1] > lax:
                            order[j], key[j] = order[j - 1], key[j - 1]
                            j -= 1
                        order[j], key[j] = i, lax
                    for j in range(nq):
                        i = order[j]
                        power[i] = min(power[i], cap_kw)
                        cap_kw -= power[i]
            for i in range(nq):
                surplus_kw -= power[i]
            for i in range(nq):
                if surplus_kw <= 0.0:
                    break
                s = queue[i]
                extra = min(pmax[s] - power[i], (need[s] - delivered[s]) / step_h - power[i], surplus_kw)
                if extra > 0.0:
                    power[i] += extra
                    surplus_kw -= extra
            wake = n_steps
            for i in range(nq):
                s = queue[i]
                if per_point:
                    point_kw[t, point[s]] += power[i]
                site_kw[t] += power[i]
                delivered[s] += power[i] * step_h
                wake = min(wake, _first_must_step(need[s] - delivered[s], pmax[s] * step_h, departure[s]))
        kept = 0  # full: out of the queue
        for i in range(nq):
            if need[queue[i]] - delivered[queue[i]] > 0.0:
                queue[kept] = queue[i]
                kept += 1
        nq = kept
        t += 1
