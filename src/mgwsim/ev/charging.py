"""Charging strategies for a set of sessions: one numba kernel, four modes.

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

Power in kW is the mean over a step; energy per step = power × step hours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mgwsim._numba import njit
from mgwsim.errors import InputError, check_choice, check_positive, check_series
from mgwsim.ev.sessions import Sessions

STRATEGIES = ("uncontrolled", "pv_surplus", "price_led", "peak_limited")
"""Charging strategies; the kernel's ``mode`` is the position in this tuple."""


@njit
def _uncontrolled(step_h, arrival, departure, need, pmax, point, point_kw, delivered):
    """Max power from arrival until full (or departure)."""
    for s in range(arrival.size):
        for t in range(arrival[s], departure[s]):
            left = need[s] - delivered[s]
            if left <= 0.0:
                break
            p = min(pmax[s], left / step_h)
            point_kw[t, point[s]] += p
            delivered[s] += p * step_h


@njit
def _price_led(step_h, price, arrival, departure, need, pmax, point, point_kw, delivered):
    """Fill each session's cheapest steps first (stable sort: earlier step on equal price)."""
    for s in range(arrival.size):
        a, d = arrival[s], departure[s]
        order = np.argsort(price[a:d], kind="mergesort")
        for k in range(order.size):
            left = need[s] - delivered[s]
            if left <= 0.0:
                break
            p = min(pmax[s], left / step_h)
            point_kw[a + order[k], point[s]] += p
            delivered[s] += p * step_h


@njit
def _sort_by_key(items, key, n):
    """Stable insertion sort of ``items[:n]`` by ``key[:n]`` (in place; n is a few charge points)."""
    for i in range(1, n):
        item, k = items[i], key[i]
        j = i - 1
        while j >= 0 and key[j] > k:
            items[j + 1], key[j + 1] = items[j], key[j]
            j -= 1
        items[j + 1], key[j + 1] = item, k


@njit
def _stepwise(mode, step_h, other, pv, limit_kw, arrival, departure, need, pmax, point, point_kw, delivered):
    """pv_surplus (mode 1) and peak_limited (mode 3): steps in time, connected cars interact.

    Connected sessions with need left are ordered by earliest departure (stable on point);
    ``peak_limited`` then re-orders them by least laxity.
    """
    n_steps, n_points = point_kw.shape
    active = np.full(n_points, -1, np.int64)
    cur = np.empty(n_points, np.int64)
    key = np.empty(n_points)
    power = np.empty(n_points)
    next_s = 0
    for t in range(n_steps):
        for q in range(n_points):
            if active[q] >= 0 and departure[active[q]] <= t:
                active[q] = -1
        while next_s < arrival.size and arrival[next_s] <= t:
            active[point[next_s]] = next_s
            next_s += 1
        na = 0
        for q in range(n_points):
            s = active[q]
            if s >= 0 and need[s] - delivered[s] > 0.0:
                cur[na] = s
                key[na] = departure[s]
                na += 1
        if na == 0:
            continue
        _sort_by_key(cur, key, na)
        if mode == 1:
            _pv_surplus_step(t, step_h, max(pv[t] - other[t], 0.0), cur, na, departure, need, pmax, point,
                             point_kw, delivered, power)
        else:
            for i in range(na):
                s = cur[i]
                key[i] = (departure[s] - t) * step_h - (need[s] - delivered[s]) / pmax[s]  # laxity [h]
            _sort_by_key(cur, key, na)
            _peak_limited_step(t, step_h, max(limit_kw - other[t], 0.0), cur, na, need, pmax, point, point_kw,
                               delivered)


@njit(inline=True)  # called every step with eight arrays: inlining saves their reference counting
def _pv_surplus_step(t, step_h, surplus_kw, order, na, departure, need, pmax, point, point_kw, delivered, power):
    """Departure-guarantee charging, then the PV surplus in the given order."""
    for i in range(na):
        s = order[i]
        left = need[s] - delivered[s]
        must = left - pmax[s] * step_h * (departure[s] - t - 1)
        power[i] = min(must / step_h, pmax[s], left / step_h) if must > 0.0 else 0.0
        surplus_kw -= power[i]
    for i in range(na):
        if surplus_kw <= 0.0:
            break
        s = order[i]
        extra = min(pmax[s] - power[i], (need[s] - delivered[s]) / step_h - power[i], surplus_kw)
        if extra > 0.0:
            power[i] += extra
            surplus_kw -= extra
    for i in range(na):
        s = order[i]
        point_kw[t, point[s]] += power[i]
        delivered[s] += power[i] * step_h


@njit
def _peak_limited_step(t, step_h, available_kw, order, na, need, pmax, point, point_kw, delivered):
    """Share ``available_kw`` [kW] in the given (least-laxity) order."""
    for i in range(na):
        if available_kw <= 0.0:
            break
        s = order[i]
        p = min(pmax[s], (need[s] - delivered[s]) / step_h, available_kw)
        point_kw[t, point[s]] += p
        delivered[s] += p * step_h
        available_kw -= p


@njit
def _charging_kernel(mode, step_h, other_kw, pv_kw, price, limit_kw, arrival, departure, need, pmax, point,
                     point_kw, delivered):
    """Charge ``need`` [kWh] of each session with strategy ``mode`` (index in ``STRATEGIES``).

    Sessions must be sorted by arrival and never overlap on a point. Fills ``point_kw``
    (n_steps × n_points) [kW] and ``delivered`` (n_sessions) [kWh], both zero on entry.
    """
    if mode == 0:
        _uncontrolled(step_h, arrival, departure, need, pmax, point, point_kw, delivered)
    elif mode == 2:
        _price_led(step_h, price, arrival, departure, need, pmax, point, point_kw, delivered)
    else:
        _stepwise(mode, step_h, other_kw, pv_kw, limit_kw, arrival, departure, need, pmax, point, point_kw,
                  delivered)
    return point_kw, delivered


@dataclass(frozen=True)
class ChargingResult:
    """Outcome of :func:`simulate_charging`.

    Attributes
    ----------
    strategy : str
    ev_kw : Series
        Total EV charging power per step [kW] on the sessions' index.
    point_kw : DataFrame
        Charging power per step and charge point [kW] (columns ``point_0`` ...).
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
    point_kw: pd.DataFrame
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
) -> ChargingResult:
    """Charge ``sessions`` with ``strategy`` beside the building's other load.

    Parameters
    ----------
    sessions : Sessions
        From :func:`generate_sessions` or :meth:`Sessions.from_frame`.
    strategy : {"uncontrolled", "pv_surplus", "price_led", "peak_limited"}
        See the module docstring.
    other_load_kw : array or Series (n_steps,)
        The building's non-EV electric load per step [kW], ≥ 0.
    pv_kw : array or Series (n_steps,), optional
        PV AC output [kW], ≥ 0; zeros if omitted.
    price_eur_per_kwh : array or Series (n_steps,), optional
        Energy price [EUR/kWh] (may be negative); required by ``price_led``, used for the
        cost KPI by every strategy.
    site_limit_kw : float, optional
        Site import limit [kW] for ``peak_limited`` (default: the site's ``site_limit_kw``).
        Other strategies do not limit the site, so passing it to them is an error.
    step_hours : float, optional
        Step length [h]; if given it must equal the sessions' step.

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
    arrays = sessions.arrays
    point_kw = np.zeros((len(index), sessions.n_points))
    delivered = np.zeros(len(sessions))
    _charging_kernel(STRATEGIES.index(strategy), h, other, pv, np.zeros(len(index)) if price is None else price,
                     limit, arrays["arrival"], arrays["departure"], arrays["need_kwh"], arrays["max_power_kw"],
                     arrays["point"], point_kw, delivered)
    return _result(strategy, sessions, point_kw, delivered, other, pv, price)


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
    if strategy != "peak_limited":
        if site_limit_kw is not None:
            raise InputError(f"simulate_charging.site_limit_kw applies to 'peak_limited' only, not {strategy!r}")
        return np.inf
    if site_limit_kw is None and sessions.site is not None:
        site_limit_kw = sessions.site.site_limit_kw
    if site_limit_kw is None:
        raise InputError("simulate_charging.site_limit_kw is required by 'peak_limited' (argument or site)")
    return check_positive(site_limit_kw, "site_limit_kw", owner="simulate_charging", unit="kW")


def _result(strategy, sessions: Sessions, point_kw, delivered, other, pv, price) -> ChargingResult:
    index = sessions.index
    table = sessions.frame.assign(delivered_kwh=delivered, unmet_kwh=sessions.frame["energy_need_kwh"] - delivered)
    rejected = sessions.rejected
    n_no_point = int((rejected["reason"] == "no_free_point").sum()) if len(rejected) else 0
    return ChargingResult(
        strategy=strategy,
        ev_kw=pd.Series(point_kw.sum(axis=1), index=index, name="ev_kw"),
        point_kw=pd.DataFrame(point_kw, index=index, columns=[f"point_{q}" for q in range(point_kw.shape[1])]),
        sessions=table,
        other_load_kw=pd.Series(other, index=index, name="other_load_kw"),
        pv_kw=pd.Series(pv, index=index, name="pv_kw"),
        price_eur_per_kwh=None if price is None else pd.Series(price, index=index, name="price_eur_per_kwh"),
        step_hours=sessions.step_hours,
        n_rejected_no_free_point=n_no_point,
    )

