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

EV charging strategies of the same names live in :mod:`mgwsim.ev`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

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
