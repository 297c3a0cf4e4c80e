"""Controllers of the heat plant and EV charging: heat-led, PV-led, price-led, grid-aware peak limiting.

The kernel carries out the control (see :mod:`mgwsim.system.kernel`); this module holds the
selectable description and the parts that need no state:

* **heat-led** (baseline): heat is made when it is needed, storage at its setpoints;
* **PV-led**: a PV surplus left after the hour's needs is stored as heat (hot-water tank,
  then buffer, towards their maximum temperature) — decided hour by hour in the kernel;
* **price-led**: in an hour whose day-ahead price is clearly below the mean of the next few
  hours the storage setpoints are raised (pre-heating), so that less is bought in the dear
  hours that follow;
* **peak-limited**: the heat plant's electricity is kept within ``import_limit_kw + PV −
  other load`` each hour, the storage carrying the building through (and a gas backup or
  unmet heat taking what does not fit).

Look-ahead: :func:`published_until` and :func:`planning_windows` say which day-ahead prices a
controller knows when (plans at 13:00 local for the rest of today and tomorrow), and
:func:`plan_store` plans tank pre-charging within them; :mod:`mgwsim.flexibility` turns the
plans into the kernel's offsets (tanks, the building's mass, peak limiting).

EV charging strategies of the same names live in :mod:`mgwsim.ev`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mgwsim._numba import njit
from mgwsim.errors import InputError, check_choice, check_number, check_series

STRATEGIES = ("heat_led", "pv_led", "price_led", "peak_limited")


@dataclass(frozen=True)
class Control:
    """How the plant is run.

    Parameters
    ----------
    strategy : {"heat_led", "pv_led", "price_led", "peak_limited"}
    import_limit_kw : float, optional
        Connection import limit [kW] for grid-aware operation; required for "peak_limited",
        optional for the others (then it caps them too).
    export_limit_kw : float, optional
        Export limit [kW]; PV above it is curtailed in the electricity balance.
    boost_k : float
        Price-led: raise of the buffer setpoint in cheap hours [K] (the tank maximum still applies).
    dhw_boost_k : float
        Price-led: raise of the hot-water setpoint in cheap hours [K] (default 0: hot water is
        already made at the highest sink temperature, where extra lift costs most COP).
    horizon_h : int
        Price-led: hours ahead whose mean price an hour is compared with (1: a buffer holding
        about an hour of winter load displaces the next hour's production).
    min_spread_frac : float
        Price-led: margin for the extra tank losses: heat stored in an hour (its price over
        the COP ratio of hot to normal storage, see :func:`cheap_hours`) must be at least
        this fraction cheaper than the mean of the next ``horizon_h`` hours.
    """

    strategy: str = "heat_led"
    import_limit_kw: float | None = None
    export_limit_kw: float | None = None
    boost_k: float = 20.0
    dhw_boost_k: float = 0.0
    horizon_h: int = 1
    min_spread_frac: float = 0.05

    def __post_init__(self):
        check_choice(self.strategy, "strategy", STRATEGIES, owner="Control")
        if self.strategy == "peak_limited" and self.import_limit_kw is None:
            raise InputError("Control.import_limit_kw is required with strategy 'peak_limited'")
        for name in ("import_limit_kw", "export_limit_kw"):
            if getattr(self, name) is not None:
                check_number(getattr(self, name), name, owner="Control", low=0.0, high=1e5, unit="kW")
        check_number(self.boost_k, "boost_k", owner="Control", low=0.0, high=40.0, unit="K")
        check_number(self.dhw_boost_k, "dhw_boost_k", owner="Control", low=0.0, high=30.0, unit="K")
        check_number(self.horizon_h, "horizon_h", owner="Control", low=1, high=48)
        check_number(self.min_spread_frac, "min_spread_frac", owner="Control", low=0.0, high=0.95)

    @property
    def pv_led(self) -> bool:
        return self.strategy == "pv_led"


def cheap_hours(price_eur_per_kwh, *, horizon_h: int = 1, min_spread_frac: float = 0.05, cop_ratio=None,
                load_kwh=None, stored_kwh: float = 1.0, step_h: float = 1.0) -> np.ndarray:
    """True where pre-heating the storage now costs less than the heat it displaces later.

    With ``r`` the COP at the raised storage temperature over the COP at the normal one,
    ``L`` the hour's own heat load and ``S`` the heat stored by the raise, a mixed buffer
    makes all of the hour's heat at the raised temperature, so hour *t* qualifies when

        p_t · ((L + S) / r − L) < (1 − min_spread_frac) · p̄_ahead · S,

    ``p̄_ahead`` being the mean price of the next ``horizon_h`` hours (the heat a buffer
    holds displaces the production of the hours right after). Both sides are electricity
    in units of heat / COP_normal. ``min_spread_frac`` covers the extra tank losses. A
    look-ahead rule of day-ahead-driven heat-pump control; day-ahead prices are known the
    day before (EPEX gate closure 12:00 D-1), so it needs no forecast beyond the published
    prices. Without ``cop_ratio`` and ``load_kwh`` it reduces to ``p_t < (1 − spread) · p̄``.

    Works per step: with 15-minute series (``step_h=0.25``) *t* is a quarter hour, ``L`` its
    load [kWh per step], and the look-ahead spans ``horizon_h / step_h`` steps (the horizon
    stays in hours).
    """
    prices = check_series(price_eur_per_kwh, "price_eur_per_kwh", owner="cheap_hours")
    n = prices.size
    check_number(horizon_h, "horizon_h", owner="cheap_hours", low=1, high=48)
    if step_h not in (1.0, 0.25):
        raise InputError(f"cheap_hours.step_h = {step_h!r} h is not allowed; allowed: 1.0 (1 h) or 0.25 (15 min)")
    check_number(min_spread_frac, "min_spread_frac", owner="cheap_hours", low=0.0, high=0.95)
    ratio = np.ones(n) if cop_ratio is None else check_series(cop_ratio, "cop_ratio", owner="cheap_hours", length=n,
                                                              low=0.0, high=1.0)
    load = np.zeros(n) if load_kwh is None else check_series(load_kwh, "load_kwh", owner="cheap_hours", length=n,
                                                             low=0.0)
    stored = check_number(stored_kwh, "stored_kwh", owner="cheap_hours", low=0.0, low_inclusive=False)
    series = pd.Series(prices)
    ahead = series[::-1].rolling(round(horizon_h / step_h), min_periods=1).mean()[::-1].shift(-1)
    ahead = ahead.fillna(series.iloc[-1]).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        cost_now = np.where(ratio > 0, prices * ((load + stored) / ratio - load), np.inf)
    return cost_now < (1.0 - min_spread_frac) * ahead * stored


def price_led_offsets(price_eur_per_kwh, control: Control, *, cop_ratio=None, load_kwh=None,
                      stored_kwh: float = 1.0, step_h: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Buffer and hot-water setpoint raises [K] per step for price-led control (see :func:`cheap_hours`)."""
    cheap = cheap_hours(price_eur_per_kwh, horizon_h=control.horizon_h, min_spread_frac=control.min_spread_frac,
                        cop_ratio=cop_ratio, load_kwh=load_kwh, stored_kwh=stored_kwh, step_h=step_h)
    return np.where(cheap, control.boost_k, 0.0), np.where(cheap, control.dhw_boost_k, 0.0)


# ---------------------------------------------------------------------------- look-ahead over day-ahead prices
LOCAL_TZ = "Europe/Brussels"
"""Clock of the Belgian day-ahead market (CET/CEST): delivery days and the publication hour."""

PUBLICATION_HOUR_LOCAL = 13
"""Local hour from which the next day's day-ahead prices are known. The single day-ahead coupling
(SDAC, EPEX SPOT/Nord Pool, Belpex zone) closes its order books at 12:00 CET on D−1 and publishes
the results from about 12:45 CET (EPEX SPOT, "Day-ahead auction" market rules; Elia publishes the
Belgian prices in the same hour); a controller can use them from 13:00."""

COMFORT_BAND_K = 2.0
"""Largest raise of the room setpoint used to store heat in the building's mass [K]. EN 16798-1:2019
Table B.1 gives residential category II a winter operative range of 20–25 °C, so a 20 °C setpoint
raised by 2 K stays inside it (and well below the 26 °C of the overheating count); only upward
offsets are used, so comfort never falls below the schedule."""


def published_until(times) -> pd.DatetimeIndex:
    """End (exclusive) of the delivery hours whose day-ahead price is known at each instant of ``times``.

    Before 13:00 local (:data:`PUBLICATION_HOUR_LOCAL`) the prices are known to the end of the
    current local day, from 13:00 to the end of the next one (the D−1 publication of the single
    day-ahead coupling). Midnights are local (23 or 25 h days at the DST changes).
    """
    index = pd.DatetimeIndex(times)
    if index.tz is None:
        raise InputError("published_until.times must be tz-aware (UTC or a local zone); allowed: a tz-aware index")
    local = index.tz_convert(LOCAL_TZ)
    days = np.where(local.hour >= PUBLICATION_HOUR_LOCAL, 2, 1)
    midnight = local.tz_localize(None).normalize() + pd.to_timedelta(days, unit="D")
    return midnight.tz_localize(LOCAL_TZ).tz_convert(index.tz)


def planning_windows(index: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The daily plans over ``index``: ``(start, stop, horizon)`` step positions of each plan.

    A plan is made at the first step and at every 13:00 local (the publication of the next
    day's prices, :func:`published_until`); it is carried out from ``start`` to ``stop`` (the
    next plan) and may read prices on ``[start, horizon)`` only, ``horizon`` being the end of
    the published prices (clipped to the index).
    """
    if not isinstance(index, pd.DatetimeIndex) or len(index) < 2:
        raise InputError("planning_windows.index must be a DatetimeIndex of at least two steps")
    local = index.tz_convert(LOCAL_TZ) if index.tz is not None else None
    if local is None:
        raise InputError("planning_windows.index must be tz-aware; allowed: a tz-aware index")
    at = (local.hour == PUBLICATION_HOUR_LOCAL) & (local.minute == 0)
    starts = np.union1d([0], np.flatnonzero(at)).astype(np.int64)
    stops = np.r_[starts[1:], len(index)].astype(np.int64)
    ends = published_until(index[starts])
    horizons = np.minimum(index.searchsorted(ends), len(index)).astype(np.int64)
    return starts, stops, horizons


@njit
def _interp_cop(cop, t, level, step_k):
    """COP of step ``t`` at a storage raise of ``level`` [K] on the table ``cop[t, k]`` (raises k·step_k)."""
    x = level / step_k
    k = min(int(x), cop.shape[1] - 2)
    f = min(x - k, 1.0)
    return cop[t, k] * (1.0 - f) + cop[t, k + 1] * f


@njit
def plan_store(price, load, need, free_kwh, elec_room_kwh, room_kwh, keep, cop, step_k, capacity_kwh_k, starts,
               stops, horizons, hold_h, chunk_kwh, min_gain_frac, stored):
    """Heat stored above the plain setpoint at the end of each step [kWh] (``stored``), planned per window.

    Within each plan (:func:`planning_windows`) the hours of known price are visited from the
    dearest. Heat that hour ``j`` may hand over to the store (``need`` ≤ ``load``, its own heat)
    is made instead, chunk by chunk, in the earlier hour ``i`` (at most ``hold_h`` before, not
    before the plan's start) where it costs least, if ``i`` is cheaper than ``j`` (a price-led
    plan: with flat prices nothing moves) and the move saves money: the electricity saved at
    ``j``, ``p_j·x·keep^(j−i)/COP_j``, must exceed by ``min_gain_frac`` of itself the extra
    electricity from ``i`` to ``j − 1``, where hour ``i`` makes ``x`` more and every hour that
    holds the stored heat makes its own heat at the raised storage temperature (a mixed tank:
    the sink of the whole hour rises, ``cop[t, k]`` at raise ``k·step_k``, as in the kernel).
    Limits per hour: the heat pumps' free capacity ``free_kwh``, the grid room
    ``elec_room_kwh`` (electricity, e.g. up to the month's running peak,
    :func:`mgwsim.flexibility.monthly_running_peak_kw`) and the storage's room above the plain
    setpoint ``room_kwh`` (tank maximum). ``keep`` is the share of stored heat left after one
    hour (standing loss). Reads ``price`` only on ``[start, horizon)`` of each plan, i.e. prices
    already published (tested with a poisoned future). The merit order (dearest hour first,
    cheapest feasible charging hour) is the textbook greedy heuristic for storage arbitrage, not
    an optimum; :func:`mgwsim.dispatch.optimal_dispatch` gives the bound.
    """
    n = price.size
    stored[:] = 0.0
    for w in range(starts.size):
        s, stop, h = starts[w], stops[w], horizons[w]
        m = h - s
        if m <= 1:
            continue
        e = np.zeros(m)       # stored heat at the end of each hour of the window
        add = np.zeros(m)     # extra heat made (charging)
        cut = np.zeros(m)     # heat not made (served from the store)
        elec_add = np.zeros(m)
        order = np.argsort(-price[s:h])
        for jj in range(m):
            j = order[jj]
            if add[j] > 0.0:
                continue
            while True:
                best_i, best_net, best_x = -1, 0.0, 0.0
                for i in range(max(0, j - hold_h), j):
                    if cut[i] > 0.0 or not price[s + i] < price[s + j]:
                        continue  # price-led: heat moves only to a cheaper hour (flat prices: no plan)
                    x = min(chunk_kwh, free_kwh[s + i] - add[i])
                    for t in range(i, j):
                        x = min(x, room_kwh[s + t] - e[t])
                    x = min(x, (need[s + j] - cut[j]) / keep[s + j] ** (j - i))
                    if x <= 1e-6:
                        continue
                    cost, frac = 0.0, 1.0
                    for t in range(i, j):
                        made = load[s + t] + add[t] - cut[t]
                        extra = x if t == i else 0.0
                        before = made / _interp_cop(cop, s + t, e[t] / capacity_kwh_k, step_k)
                        after = (made + extra) / _interp_cop(cop, s + t, (e[t] + x * frac) / capacity_kwh_k, step_k)
                        if t == i and elec_add[i] + after - before > elec_room_kwh[s + i]:
                            cost = np.inf
                            break
                        cost += price[s + t] * (after - before)
                        frac *= keep[s + t]
                    saving = price[s + j] * x * frac / _interp_cop(cop, s + j, e[j] / capacity_kwh_k, step_k)
                    net = saving - cost - min_gain_frac * abs(saving)
                    if net > best_net:
                        best_i, best_net, best_x = i, net, x
                if best_i < 0:
                    break
                i, x = best_i, best_x
                made = load[s + i] + add[i] - cut[i]
                elec_add[i] += ((made + x) / _interp_cop(cop, s + i, (e[i] + x) / capacity_kwh_k, step_k)
                                - made / _interp_cop(cop, s + i, e[i] / capacity_kwh_k, step_k))
                add[i] += x
                frac = 1.0
                for t in range(i, j):
                    e[t] += x * frac
                    frac *= keep[s + t]
                cut[j] += x * frac
        for t in range(min(stop, h) - s):
            stored[s + t] = e[t]
    return stored
