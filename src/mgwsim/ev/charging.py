"""Charging strategies for a set of sessions: one numba kernel, five modes.

``uncontrolled``
    Each car charges at its max power from arrival until its need is met.
``pv_surplus``
    Each step, every car first charges what can no longer be postponed (the departure
    guarantee: remaining need minus max power × the steps left after this one), then the PV
    surplus (PV − other load − that guaranteed charging) is shared earliest departure first.
``price_led``
    Each session's need goes into its cheapest steps before departure, at max power
    (ties: the earlier step). Sessions do not interact (no site limit), so this greedy fill
    is the cost-optimal schedule of each session, hence of the site.
``peak_limited``
    Dynamic load management: each step the EV power is at most site limit − other load
    (zero when the other load alone exceeds the limit), shared least laxity first
    (laxity = time left − remaining need / max power [h]; ties: earliest departure).
    Need that the limit leaves undelivered at departure is reported as unmet. The greedy
    rule is the classic least-laxity-first heuristic (Dertouzos & Mok, IEEE TSE 15(12),
    1989): it does not guarantee the least unmet energy.
``pv_surplus_limited``
    ``pv_surplus`` under the site limit: the cars may draw at most
    cap = max(site limit + PV − other load, 0) [kW] in total, so that the site import
    (other load + EV − PV) stays under the limit. The departure guarantee counts as later
    capacity only the *free* steps, those in which the cap is at least the summed max power of
    every car connected then (known from the sessions): in such a step every car can take its
    max power, so energy deferred into free steps is always delivered. Each step the
    guaranteed power (remaining need minus max power × the free steps left after this one) is
    granted in full when it fits under the cap, else least laxity first (as ``peak_limited``);
    then the PV surplus left is shared earliest departure first, as in ``pv_surplus`` (the cap
    never binds it: cap − guarantee ≥ surplus − guarantee). Need the cap leaves undelivered is
    reported as unmet. With a limit no load reaches every step is free and the schedule is
    ``pv_surplus``'s, bit for bit. Least laxity first is a heuristic here too: that it never
    leaves more unmet than ``peak_limited`` without PV is tested on random cases, not proven.

Power in kW is the mean over a step; energy per step = power × step hours.

**Layout for speed.** The three step-wise strategies keep a queue of the connected
sessions with need left, sorted by departure as cars arrive, fill up and leave, and jump
over steps in which nothing can charge (``pv_surplus_limited`` only over steps without a car;
it counts the free steps once, as a running count, so a session's free steps left are one
subtraction; ``pv_surplus`` looks for the next step at which a car must charge only in a step
without surplus, where it may skip); one pass over the queue shares the surplus, charges the cars
and drops the full ones; their time loop touches arrays by index only
(an array handed to a helper costs atomic reference counting per call). ``price_led`` first
counts the steps a session's fill uses (k) and keeps only the k cheapest steps of its stay.
The results are those of the plain per-step loops, bit for bit (``tests/test_ev.py``).
The site total is summed in the kernel as the cars charge; the per-point table (n_steps ×
n_points, 560 kB for 8 points over an hourly year) is only filled when asked for
(``simulate_charging(per_point=True)``), with the same site total either way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mgwsim._numba import njit
from mgwsim.errors import InputError, check_choice, check_positive, check_series
from mgwsim.ev.sessions import Sessions

STRATEGIES = ("uncontrolled", "pv_surplus", "price_led", "peak_limited", "pv_surplus_limited")
"""Charging strategies; the kernel's ``mode`` is the position in this tuple."""

LIMITED = ("peak_limited", "pv_surplus_limited")
"""The strategies that keep the site under ``site_limit_kw``."""


@njit
def _uncontrolled(step_h, arrival, departure, need, pmax, point, per_point, point_kw, site_kw, delivered):
    """Max power from arrival until full (or departure)."""
    for s in range(arrival.size):
        for t in range(arrival[s], departure[s]):
            left = need[s] - delivered[s]
            if left <= 0.0:
                break
            p = min(pmax[s], left / step_h)
            if per_point:
                point_kw[t, point[s]] += p
            site_kw[t] += p
            delivered[s] += p * step_h


_MAX_KEPT = 128
"""A fill of more steps than this mergesorts the session's stay instead (bounds the cost at n·log n)."""


@njit
def _price_led(step_h, price, arrival, departure, need, pmax, point, per_point, point_kw, site_kw, delivered):
    """Fill each session's cheapest steps first (ties: the earlier step).

    The fill's powers do not depend on which steps take them, so the number of steps it uses
    (k) is known first; then only the k cheapest steps are kept, sorted, while scanning the stay.
    """
    longest = 1
    for s in range(arrival.size):
        longest = max(longest, departure[s] - arrival[s])
    cheap = np.empty(min(longest, _MAX_KEPT), np.int64)
    cheap_price = np.empty(cheap.size)
    for s in range(arrival.size):
        a, d = arrival[s], departure[s]
        k = _n_fills(need[s], delivered[s], pmax[s], step_h, d - a)
        if k == 0:
            continue
        if k > _MAX_KEPT:
            steps = a + np.argsort(price[a:d], kind="mergesort")[:k]
        else:
            m = 0  # cheap[:m]: the cheapest steps so far, by (price, step)
            for t in range(a, d):
                pt = price[t]
                if m < k:
                    j = m
                    m += 1
                elif pt < cheap_price[k - 1]:  # an equal price keeps the earlier step
                    j = k - 1
                else:
                    continue
                while j > 0 and cheap_price[j - 1] > pt:
                    cheap[j], cheap_price[j] = cheap[j - 1], cheap_price[j - 1]
                    j -= 1
                cheap[j], cheap_price[j] = t, pt
            steps = cheap[:k]
        for i in range(k):
            p = min(pmax[s], (need[s] - delivered[s]) / step_h)
            if per_point:
                point_kw[steps[i], point[s]] += p
            site_kw[steps[i]] += p
            delivered[s] += p * step_h


@njit
def _n_fills(need, done, pmax, step_h, n):
    """Steps (at most ``n``) that filling ``need`` − ``done`` [kWh] at up to ``pmax`` [kW] takes (same arithmetic)."""
    for i in range(n):
        left = need - done
        if left <= 0.0:
            return i
        done += min(pmax, left / step_h) * step_h
    return n


@njit(inline=True)
def _before(d1, q1, d2, q2):
    """Whether a session departing at step ``d1`` on point ``q1`` comes before one at (``d2``, ``q2``)."""
    return d1 < d2 or (d1 == d2 and q1 < q2)


@njit
def _free_steps_before(limit_kw, other, pv, arrival, departure, pmax):
    """``free[u]``: how many of the steps before ``u`` are free (cap ≥ summed max power of the cars connected).

    cap = max(limit + PV − other load, 0) [kW]; the connected power adds the sessions' max power
    in session order. ``free[d] − free[t + 1]``: the free steps after ``t`` and before ``d``.
    """
    n_steps = other.size
    connected_kw = np.zeros(n_steps)
    for s in range(arrival.size):
        for u in range(arrival[s], departure[s]):
            connected_kw[u] += pmax[s]
    free = np.zeros(n_steps + 1, np.int64)
    for u in range(n_steps):
        free[u + 1] = free[u] + (max(limit_kw + pv[u] - other[u], 0.0) >= connected_kw[u])
    return free


@njit
def _stepwise(mode, step_h, other, pv, limit_kw, arrival, departure, need, pmax, point, n_points, per_point,
              point_kw, site_kw, delivered):
    """pv_surplus (mode 1), peak_limited (mode 3), pv_surplus_limited (mode 4): connected cars interact.

    ``queue[:nq]`` holds the connected sessions with need left, by earliest departure (then
    point), kept sorted as cars come and go; the least-laxity rules re-order a copy (stable).
    Steps without such a session are skipped up to the next arrival, and ``pv_surplus`` skips
    steps without surplus before ``wake``, the first step at which a queued session must charge
    (found when a step without surplus has no session that must charge now, which is t < ``wake``;
    the step's departure guarantees come first, so a step in which one must charge, the usual night
    step of a car that needs the night, does not also look for ``wake``: 0.046 -> 0.039 ms for the
    benchmark's year, December 2026. Skipping only steps in which nothing charges, the results do not
    depend on when). The surplus is shared, the cars charged and the full ones taken
    out of the queue in one pass over it (the surplus only falls, so a session after the first that
    finds none gets none, as if the pass had stopped there).
    The loop touches arrays by index only (no array enters a helper, so no reference counting
    per step).
    """
    n_steps, inv_step = other.size, 1.0 / step_h
    queue = np.empty(n_points, np.int64)
    order = np.empty(n_points, np.int64)
    key = np.empty(n_points)
    power = np.empty(n_points)
    free = _free_steps_before(limit_kw, other, pv, arrival, departure, pmax) if mode == 4 else np.zeros(1, np.int64)
    nq = next_s = t = 0
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
            kept = 0  # full: out of the queue
            for i in range(nq):
                if need[queue[i]] - delivered[queue[i]] > 0.0:
                    queue[kept] = queue[i]
                    kept += 1
            nq = kept
        else:
            surplus_kw = max(pv[t] - other[t], 0.0)  # departure guarantee first, then the surplus
            must_kw = 0.0
            for i in range(nq):
                s = queue[i]
                after = departure[s] - t - 1 if mode == 1 else free[departure[s]] - free[t + 1]
                power[i] = _must_kw(need[s] - delivered[s], pmax[s], step_h, inv_step, after)
                must_kw += power[i]
            if mode == 1 and must_kw == 0.0 and not pv[t] - other[t] > 0.0:  # idle up to wake, an arrival or a surplus
                wake = n_steps  # (no session must charge now: t < wake, the first step at which one must)
                for i in range(nq):
                    s = queue[i]
                    wake = min(wake, _first_must_step(need[s] - delivered[s], pmax[s] * step_h, departure[s]))
                if t < wake:
                    stop = min(wake, arrival[next_s] if next_s < arrival.size else n_steps)
                    t += 1
                    while t < stop and not pv[t] - other[t] > 0.0:
                        t += 1
                    continue
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
            kept = 0  # the surplus earliest departure first, then the charge; full: out of the queue
            for i in range(nq):
                s = queue[i]
                if surplus_kw > 0.0:
                    extra = min(pmax[s] - power[i], (need[s] - delivered[s]) * inv_step - power[i], surplus_kw)
                    if extra > 0.0:
                        power[i] += extra
                        surplus_kw -= extra
                if per_point:
                    point_kw[t, point[s]] += power[i]
                site_kw[t] += power[i]
                delivered[s] += power[i] * step_h
                if need[s] - delivered[s] > 0.0:
                    queue[kept] = s
                    kept += 1
            nq = kept
        t += 1


@njit(inline=True)
def _must_kw(left, pmax, step_h, inv_step, steps_after):
    """Power [kW] that cannot be postponed: ``left`` [kWh] minus what ``steps_after`` steps at ``pmax`` can give.

    Energies turn into powers by ``inv_step`` = 1 / ``step_h``: the steps mgwsim allows (1 h, 15 min) are powers of
    two, so the product is the quotient to the last bit, without the division."""
    must = left - pmax * step_h * steps_after
    return min(must * inv_step, pmax, left * inv_step) if must > 0.0 else 0.0


@njit(inline=True)
def _first_must_step(left, step_kwh, departure):
    """First step t with ``_must_kw`` > 0: left − step_kwh · (departure − t − 1) > 0, same arithmetic."""
    r = int(min(left / step_kwh, departure))  # the most steps after t that still leave must > 0, ±1
    while r > 0 and not left - step_kwh * r > 0.0:
        r -= 1
    while r < departure and left - step_kwh * (r + 1) > 0.0:
        r += 1
    return departure - 1 - r


@njit
def _charge(mode, step_h, other_kw, pv_kw, price, limit_kw, arrival, departure, need, pmax, point, n_points,
            per_point, point_kw, site_kw, delivered):
    """Charge ``need`` [kWh] of each session with strategy ``mode`` (index in ``STRATEGIES``).

    Sessions must be sorted by arrival and never overlap on a point. Fills ``site_kw`` (n_steps)
    [kW], ``delivered`` (n_sessions) [kWh] and, if ``per_point``, ``point_kw`` (n_steps ×
    n_points) [kW], all zero on entry (``point_kw`` may be empty otherwise).
    """
    if mode == 0:
        _uncontrolled(step_h, arrival, departure, need, pmax, point, per_point, point_kw, site_kw, delivered)
    elif mode == 2:
        _price_led(step_h, price, arrival, departure, need, pmax, point, per_point, point_kw, site_kw, delivered)
    else:
        _stepwise(mode, step_h, other_kw, pv_kw, limit_kw, arrival, departure, need, pmax, point, n_points,
                  per_point, point_kw, site_kw, delivered)


@njit
def _charging_kernel(mode, step_h, other_kw, pv_kw, price, limit_kw, arrival, departure, need, pmax, point,
                     point_kw, delivered):
    """:func:`_charge` filling the per-point table ``point_kw`` (n_steps × n_points); returns it and ``delivered``."""
    site_kw = np.zeros(point_kw.shape[0])
    _charge(mode, step_h, other_kw, pv_kw, price, limit_kw, arrival, departure, need, pmax, point, point_kw.shape[1],
            True, point_kw, site_kw, delivered)
    return point_kw, delivered


@dataclass(frozen=True)
class ChargingResult:
    """Outcome of :func:`simulate_charging`.

    Attributes
    ----------
    strategy : str
    ev_kw : Series
        Total EV charging power per step [kW] on the sessions' index.
    point_kw : DataFrame or None
        Charging power per step and charge point [kW] (columns ``point_0`` ...); ``None`` when
        :func:`simulate_charging` was called with ``per_point=False``.
    sessions : DataFrame
        The session table plus ``delivered_kwh`` and ``unmet_kwh`` (= need − delivered).
    other_load_kw, pv_kw : Series
        The building's non-EV load and the PV output used [kW].
    price_eur_per_kwh : Series or None
    step_hours : float
    n_rejected_no_free_point : int
        Drawn sessions that found no free point (they are not in ``sessions``).
    """

    strategy: str
    ev_kw: pd.Series
    point_kw: pd.DataFrame | None
    sessions: pd.DataFrame
    other_load_kw: pd.Series
    pv_kw: pd.Series
    price_eur_per_kwh: pd.Series | None
    step_hours: float
    n_rejected_no_free_point: int = 0

    @property
    def site_import_kw(self) -> pd.Series:
        """Net site power, other load + EV − PV [kW] (negative: export)."""
        return (self.other_load_kw + self.ev_kw - self.pv_kw).rename("site_import_kw")

    @property
    def ev_from_pv_kw(self) -> pd.Series:
        """EV power covered by the PV surplus, min(EV, max(PV − other load, 0)) [kW]."""
        surplus = (self.pv_kw - self.other_load_kw).clip(lower=0.0)
        return np.minimum(self.ev_kw, surplus).rename("ev_from_pv_kw")

    def kpis(self) -> pd.Series:
        """Energy [kWh], the PV-surplus share of EV energy [-], peaks [kW] and EV energy cost [EUR]."""
        h = self.step_hours
        delivered = float(self.sessions["delivered_kwh"].sum())
        from_pv = float(self.ev_from_pv_kw.sum() * h)
        cost = np.nan if self.price_eur_per_kwh is None else float((self.ev_kw * self.price_eur_per_kwh).sum() * h)
        return pd.Series({
            "sessions": float(len(self.sessions)),
            "energy_requested_kwh": float(self.sessions["energy_requested_kwh"].sum()),
            "energy_need_kwh": float(self.sessions["energy_need_kwh"].sum()),
            "delivered_kwh": delivered,
            "unmet_kwh": float(self.sessions["unmet_kwh"].sum()),
            "sessions_with_unmet": float((self.sessions["unmet_kwh"] > 1e-6).sum()),
            "rejected_no_free_point": float(self.n_rejected_no_free_point),
            "ev_from_pv_surplus_kwh": from_pv,
            "pv_surplus_share_frac": from_pv / delivered if delivered > 0 else np.nan,
            "peak_ev_kw": float(self.ev_kw.max()),
            "peak_site_import_kw": max(float(self.site_import_kw.max()), 0.0),
            "ev_cost_eur": cost,
        })


def simulate_charging(
    sessions: Sessions,
    strategy: str,
    *,
    other_load_kw,
    pv_kw=None,
    price_eur_per_kwh=None,
    site_limit_kw: float | None = None,
    step_hours: float | None = None,
    per_point: bool = True,
) -> ChargingResult:
    """Charge ``sessions`` with ``strategy`` beside the building's other load.

    Parameters
    ----------
    sessions : Sessions
        From :func:`generate_sessions` or :meth:`Sessions.from_frame`.
    strategy : {"uncontrolled", "pv_surplus", "price_led", "peak_limited", "pv_surplus_limited"}
        See the module docstring.
    other_load_kw : array or Series (n_steps,)
        The building's non-EV electric load per step [kW], ≥ 0.
    pv_kw : array or Series (n_steps,), optional
        PV AC output [kW], ≥ 0; zeros if omitted.
    price_eur_per_kwh : array or Series (n_steps,), optional
        Energy price [EUR/kWh] (may be negative); required by ``price_led``, used for the
        cost KPI by every strategy.
    site_limit_kw : float, optional
        Site import limit [kW] for ``peak_limited`` and ``pv_surplus_limited`` (default: the
        site's ``site_limit_kw``). Other strategies do not limit the site, so passing it to them
        is an error.
    step_hours : float, optional
        Step length [h]; if given it must equal the sessions' step.
    per_point : bool
        Fill ``point_kw`` (default). ``False`` skips the n_steps × n_points table when only the
        site total and the sessions are needed; ``ev_kw`` and ``sessions`` are the same.

    Returns
    -------
    ChargingResult
    """
    check_choice(strategy, "strategy", STRATEGIES, owner="simulate_charging")
    if not isinstance(sessions, Sessions):
        raise InputError(f"simulate_charging.sessions must be Sessions, got {type(sessions).__name__}")
    index, h = sessions.index, sessions.step_hours
    if step_hours is not None and check_positive(step_hours, "step_hours", owner="simulate_charging") != h:
        raise InputError(f"simulate_charging.step_hours = {step_hours!r} h differs from the sessions' step {h:g} h")
    other = _series(other_load_kw, "other_load_kw", index, required=True)
    pv = _series(pv_kw, "pv_kw", index, required=False)
    price = _price(price_eur_per_kwh, index, strategy)
    limit = _site_limit(site_limit_kw, sessions, strategy)
    if not isinstance(per_point, bool):
        raise InputError(f"simulate_charging.per_point must be True or False, got {per_point!r}")
    arrays, n_points = sessions.arrays, sessions.n_points
    point_kw = np.zeros((len(index), n_points) if per_point else (0, n_points))
    site_kw, delivered = np.zeros(len(index)), np.zeros(len(sessions))
    _charge(STRATEGIES.index(strategy), h, other, pv, np.zeros(len(index)) if price is None else price, limit,
            arrays["arrival"], arrays["departure"], arrays["need_kwh"], arrays["max_power_kw"], arrays["point"],
            n_points, per_point, point_kw, site_kw, delivered)
    return _result(strategy, sessions, point_kw if per_point else None, site_kw, delivered, other, pv, price)


def _series(values, field: str, index: pd.DatetimeIndex, *, required: bool) -> np.ndarray:
    """A non-negative finite array of the index's length (a Series must carry that index)."""
    if values is None:
        if required:
            raise InputError(f"simulate_charging.{field} is required")
        return np.zeros(len(index))
    if isinstance(values, pd.Series) and isinstance(values.index, pd.DatetimeIndex) and not values.index.equals(index):
        raise InputError(f"simulate_charging.{field} has an index different from the sessions' index")
    return check_series(values, field, owner="simulate_charging", length=len(index), low=0.0)


def _price(values, index: pd.DatetimeIndex, strategy: str) -> np.ndarray | None:
    if values is None:
        if strategy == "price_led":
            raise InputError("simulate_charging.price_eur_per_kwh is required by strategy 'price_led'")
        return None
    if isinstance(values, pd.Series) and isinstance(values.index, pd.DatetimeIndex) and not values.index.equals(index):
        raise InputError("simulate_charging.price_eur_per_kwh has an index different from the sessions' index")
    return check_series(values, "price_eur_per_kwh", owner="simulate_charging", length=len(index))


def _site_limit(site_limit_kw, sessions: Sessions, strategy: str) -> float:
    if strategy not in LIMITED:
        if site_limit_kw is not None:
            raise InputError(f"simulate_charging.site_limit_kw applies to {' and '.join(map(repr, LIMITED))} only, "
                             f"not {strategy!r}")
        return np.inf
    if site_limit_kw is None and sessions.site is not None:
        site_limit_kw = sessions.site.site_limit_kw
    if site_limit_kw is None:
        raise InputError(f"simulate_charging.site_limit_kw is required by {strategy!r} (argument or site)")
    return check_positive(site_limit_kw, "site_limit_kw", owner="simulate_charging", unit="kW")


def _result(strategy, sessions: Sessions, point_kw, site_kw, delivered, other, pv, price) -> ChargingResult:
    index = sessions.index
    table = sessions.frame.assign(delivered_kwh=delivered, unmet_kwh=sessions.frame["energy_need_kwh"] - delivered)
    rejected = sessions.rejected
    n_no_point = int((rejected["reason"] == "no_free_point").sum()) if len(rejected) else 0
    return ChargingResult(
        strategy=strategy,
        ev_kw=pd.Series(site_kw, index=index, name="ev_kw"),
        point_kw=None if point_kw is None else pd.DataFrame(
            point_kw, index=index, columns=[f"point_{q}" for q in range(point_kw.shape[1])]),
        sessions=table,
        other_load_kw=pd.Series(other, index=index, name="other_load_kw"),
        pv_kw=pd.Series(pv, index=index, name="pv_kw"),
        price_eur_per_kwh=None if price is None else pd.Series(price, index=index, name="price_eur_per_kwh"),
        step_hours=sessions.step_hours,
        n_rejected_no_free_point=n_no_point,
    )

