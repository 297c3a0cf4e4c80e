"""The optimal bound for a battery: a year-long linear programme against fixed PV and loads.

:func:`optimal_battery_dispatch` finds the cheapest schedule of one :class:`~mgwsim.battery.Battery`
for given PV and loads (the heat plant's electricity as run, the common areas, EV), with the
cost function of :mod:`mgwsim.dispatch` (energy at the import price, export at the injection
price, the capacity tariff on the monthly peaks of at least 2.5 kW). The rule-based dispatch
(:func:`mgwsim.battery.dispatch_battery`) is judged by its gap to this bound
(:func:`battery_rule_cost` gives its cost with the same function).

Formulation (hourly, kWh = kW over 1 h), per step ``t``: import ``m``, export ``0 <= x <= limit``,
curtailment ``0 <= c <= PV``, charge and discharge ``0 <= ch, dis <= P``, stored energy
``E_min <= E <= E_max``; ``PV - c + m + dis = load + x + ch``;
``E_t = (1 - r) E_{t-1} + eta_c ch_t - dis_t / eta_d`` from the rule's initial energy, free at the
end (as the rule); ``m_t <= P_k(t)``, ``P_k >= 2.5 kW``. Cost
``sum(p_imp m - p_exp x) + tariff / 12 * sum_k P_k``. Charging and discharging at once is allowed
(a relaxation): the result is a lower bound on the cost of every schedule of this battery,
hence of the rule's (with ``soc_min_frac > 0`` and self-discharge the rule can drift below the
lower limit while it rests there, which the programme forbids: the bound then holds up to the
price of that drift). Solved by HiGHS (Huangfu & Hall 2018, Math. Prog. Comp. 10, 119-142)
through :func:`scipy.optimize.linprog`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from mgwsim.battery import HOURS_PER_MONTH, Battery
from mgwsim.dispatch import _costs, _month_codes, _prices, _Programme
from mgwsim.electric import CAPACITY_TARIFF_MIN_KW
from mgwsim.errors import InputError, check_number, check_series

_OWNER = "optimal_battery_dispatch"


@dataclass(frozen=True)
class BatteryBound:
    """The optimal schedule: cost terms [EUR] and hourly flows [kWh]."""

    costs: pd.Series
    hourly: pd.DataFrame
    monthly_peaks_kw: pd.Series


def _hourly(index: pd.DatetimeIndex, owner: str) -> int:
    if len(index) < 2 or (index[1] - index[0]) != pd.Timedelta(hours=1):
        raise InputError(f"{owner}: the index must be hourly")
    return len(index)


def optimal_battery_dispatch(battery: Battery, index: pd.DatetimeIndex, pv_kw, load_kw, *, import_price_eur_per_kwh,
                             export_price_eur_per_kwh, capacity_tariff_eur_per_kw_year: float = 0.0,
                             export_limit_kw: float | None = None) -> BatteryBound:
    """The cheapest hourly schedule of ``battery`` (module docstring); prices as :func:`mgwsim.dispatch.optimal_dispatch`."""
    if not isinstance(battery, Battery):
        raise InputError(f"{_OWNER}.battery must be a Battery, got {type(battery).__name__}")
    n = _hourly(index, _OWNER)
    pv = check_series(pv_kw, "pv_kw", owner=_OWNER, length=n, low=0.0)
    load = check_series(load_kw, "load_kw", owner=_OWNER, length=n, low=0.0)
    if battery.standby_w > 0.0:
        load = load + battery.standby_w / 1000.0
    prices = _prices(n, import_price_eur_per_kwh, export_price_eur_per_kwh, capacity_tariff_eur_per_kw_year, 0.0,
                     _OWNER)
    limit = np.inf if export_limit_kw is None else check_number(export_limit_kw, "export_limit_kw", owner=_OWNER,
                                                                 low=0.0)
    codes, months = _month_codes(index)
    cap, p = battery.capacity_kwh, battery.power_kw
    e_min, e_max = battery.soc_min_frac * cap, battery.soc_max_frac * cap
    e0 = e_min if battery.soc_initial_frac is None else battery.soc_initial_frac * cap
    keep = 1.0 - battery.self_discharge_frac_per_month / HOURS_PER_MONTH

    lp = _Programme()
    m = lp.variables(n, cost=prices["import"])
    x = lp.variables(n, upper=limit, cost=-prices["export"])
    c = lp.variables(n, upper=pv)
    ch = lp.variables(n, upper=p)
    dis = lp.variables(n, upper=p)
    e = lp.variables(n, lower=e_min, upper=e_max)
    peaks = lp.variables(len(months), lower=CAPACITY_TARIFF_MIN_KW, cost=prices["tariff"] / 12.0)
    rows = np.arange(n)
    # PV - c + m + dis - x - ch = load - PV ... written as m - c + dis - x - ch = load - PV
    lp.rows("eq", load - pv, (rows, m, 1.0), (rows, c, -1.0), (rows, dis, 1.0), (rows, x, -1.0), (rows, ch, -1.0))
    # E_t - keep E_{t-1} - eta_c ch_t + dis_t / eta_d = (keep e0 at t = 0, else 0)
    rhs = np.zeros(n)
    rhs[0] = keep * e0
    lp.rows("eq", rhs, (rows, e, 1.0), (rows[1:], e[:-1], -keep), (rows, ch, -battery.charge_efficiency),
            (rows, dis, 1.0 / battery.discharge_efficiency))
    lp.rows("ub", np.zeros(n), (rows, m, 1.0), (rows, peaks[codes], -1.0))
    res = linprog(method="highs", **lp.matrices())
    if res.status != 0:
        raise InputError(f"{_OWNER}: the programme did not solve: {res.message}")
    sol = res.x
    hourly = pd.DataFrame({"grid_import_kwh": sol[m], "grid_export_kwh": sol[x], "curtailed_kwh": sol[c],
                           "battery_charge_kwh": sol[ch], "battery_discharge_kwh": sol[dis],
                           "battery_soc_kwh": sol[e]}, index=index)
    costs, monthly = _costs(index, sol[m], sol[x], np.zeros(n), prices)
    return BatteryBound(costs, hourly, monthly)


def battery_rule_cost(balance: pd.DataFrame, *, import_price_eur_per_kwh, export_price_eur_per_kwh,
                      capacity_tariff_eur_per_kw_year: float = 0.0) -> pd.Series:
    """Cost [EUR] of an hourly balance (:func:`mgwsim.electric.electricity_balance`, with or without a battery)
    with the cost function of :func:`optimal_battery_dispatch`."""
    n = _hourly(balance.index, "battery_rule_cost")
    prices = _prices(n, import_price_eur_per_kwh, export_price_eur_per_kwh, capacity_tariff_eur_per_kw_year, 0.0,
                     "battery_rule_cost")
    costs, _ = _costs(balance.index, balance["grid_import_kwh"].to_numpy(float),
                      balance["grid_export_kwh"].to_numpy(float), np.zeros(n), prices)
    return costs
