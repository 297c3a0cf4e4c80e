"""The optimal-dispatch bound: a year-long linear programme on the limits of the rule-based plant.

:func:`optimal_dispatch` finds the cheapest hourly schedule of the heat pumps, booster,
backup, buffer, hot-water tank, grid import/export, PV curtailment and EV charging that
meets the same heat demand, on the same plant limits as the heat-led run it is given. The
rule-based controllers of :mod:`mgwsim.control` (heat-led, PV-led, price-led,
peak-limited) are then judged by their gap to this bound (:meth:`DispatchResult.compare_with`),
their cost being computed from their hourly flows with the same cost function
(:func:`rule_based_cost`).

Formulation (per hour ``t``, energies in kWh, power = energy per 1 h step)
---------------------------------------------------------------------------
Variables: heat-pump heat to space heating/buffer ``h_t`` and to the hot-water tank ``w_t``;
booster ``b_t``; backup heat to space heating ``u_t`` and to hot water ``v_t``; buffer and
tank energy above their minimum temperature ``E_t``; grid import ``m_t`` and export ``x_t``;
PV curtailment ``c_t``; EV energy per session and connected step; the monthly peaks ``P_k``;
unmet space heating ``s_t`` only when the heat-led run had unmet heat.

* **Heat pumps.** Capacity and COP of each hour are *fixed* at the operating point of the
  heat-led run: the hour's source temperature and the sink it used (space heating: the
  ``hp_sink_sh_degc`` of the run; hot water: setpoint + charge margin), through the plant's
  :class:`~mgwsim.heatpump.PerformanceMap` and the defrost factors of
  :func:`mgwsim.heatpump.defrost_factors`. Electricity is ``h_t / COP_sh,t + w_t / COP_dhw,t``,
  so the programme is linear. The main cascade shares its units between space heating and
  hot water: ``h_t / Q_sh,t + w_t / Q_dhw,t <= n_units`` (``Q``: one unit's capacity).
* **Storage.** ``E_t = E_{t-1} + inflows - outflows - UA (E_{t-1}/C + T_min - T_amb)``, the
  kernel's explicit-Euler loss, between 0 and ``C (T_max - T_min)``; the buffer must end each
  hour with space-heating demand at least at the required supply temperature (as in the
  kernel, where a colder buffer means unmet heat). The heat pumps alone lift a tank at most
  to their maximum supply temperature minus the margin: the energy above that level is
  bounded by a layer ``H_t <= H_{t-1} + booster/backup heat_t`` (a convex relaxation of the
  rule). In hours where the required supply is above their maximum they preheat the return
  water in series, so ``h_t <= share_t (h_t + u_t)`` with the kernel's share
  ``(T_max,hp - margin - T_return) / (T_supply - T_return)``.
  Both tanks start at the heat-led run's initial state; the final state is free within its
  bounds, as in the rule-based runs.
* **Electricity.** ``PV_t - c_t + m_t = other_t + HP elec_t + b_t + electric backup_t + EV_t + x_t``,
  ``0 <= c_t <= PV_t``, ``m_t <= import_limit_kw``, ``x_t <= export_limit_kw``.
* **EV.** Each session charges at most its max power in its connected steps and exactly its
  ``energy_need_kwh`` (the departure guarantee of :mod:`mgwsim.ev`).
* **Cost.** ``sum(p_imp m - p_exp x) + p_gas · gas + tariff/12 · sum_k P_k`` with
  ``m_t <= P_k(t)`` over the local calendar months ``k`` (12 in a year: a full year that is
  not a local calendar year is refused, as by the bills, :func:`mgwsim.simyear.billing_months`)
  and ``P_k >= 2.5 kW`` (the Flemish capacity tariff's monthly minimum,
  :data:`mgwsim.electric.CAPACITY_TARIFF_MIN_KW`; hourly means are a lower bound of the
  15-minute peaks, see :mod:`mgwsim.electric`); plus a penalty on unmet heat when allowed.

What kind of bound this is
--------------------------
With the COP fixed per hour at the heat-led sink, charging the storage hotter costs no COP in
the programme. The result is therefore a lower bound on the cost of every schedule *of this
COP model* (fixed operating point per hour, full-load COP at part load: no cycling
degradation and no minimum modulation), hence of the rule-based runs, whose hotter sinks
and cycling only lower their COP and capacity (the tests check that the heat-led, PV-led,
price-led and peak-limited runs' own flows satisfy the programme). It is **not** a bound
for a model whose COP depends on the storage temperature reached: there, hot storage costs
COP and the true optimum is higher. Export prices must not exceed import prices in any
hour (else buying to sell is unbounded).

Not modelled (the heat-led result does not carry them): a ``capacity_limit_kw`` (exhaust-air
condenser limit) or setpoint offsets passed to that run; pass a run without them. Hourly
steps only.

The programme is solved with HiGHS (Huangfu & Hall 2018, Parallelizing the dual revised
simplex method, Math. Prog. Comp. 10, 119–142) through :func:`scipy.optimize.linprog`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linprog

from mgwsim.electric import CAPACITY_TARIFF_MIN_KW
from mgwsim.errors import InputError, check_choice, check_number, check_positive, check_series
from mgwsim.ev.sessions import Sessions
from mgwsim.heatpump.defrost import DEFAULT_RH_PCT, defrost_factors
from mgwsim.simyear import LOCAL_TIMEZONE, billing_months
from mgwsim.system.simulate import HEAT_IN, HEAT_OUT, SystemResult

__all__ = ["DispatchResult", "SOLVERS", "UNMET_PENALTY_EUR_PER_KWH", "optimal_dispatch", "rule_based_cost"]

SOLVERS = ("highs", "highs-ds", "highs-ipm")
"""HiGHS methods of :func:`scipy.optimize.linprog`: automatic choice, dual simplex, interior point."""

UNMET_PENALTY_EUR_PER_KWH = 10.0
"""Default penalty on unmet space heating [EUR/kWh]: about 30–100 × an electricity price, so the
programme leaves heat unmet only where the plant limits leave no other choice."""

TIMEZONE = LOCAL_TIMEZONE
"""Local clock of the calendar months of the capacity tariff (as :func:`mgwsim.electric.monthly_peak_import_kw`)."""

_OWNER = "optimal_dispatch"


# ---------------------------------------------------------------------------- cost function
def _month_codes(index: pd.DatetimeIndex) -> tuple[np.ndarray, pd.PeriodIndex]:
    """Position of each hour's local calendar month, and the months (12 in a year, as the bills:
    :func:`mgwsim.simyear.billing_months` refuses a full year that is not a local calendar year)."""
    if index.tz is None:
        raise InputError(f"{_OWNER}: the hourly index must be tz-aware (the capacity tariff's months are local)")
    starts, labels = billing_months(index, owner=_OWNER, tz=TIMEZONE)
    codes = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(index)]))
    return codes, pd.PeriodIndex(labels, freq="M")


def _costs(index, import_kwh, export_kwh, gas_kwh, prices: dict) -> tuple[pd.Series, pd.Series]:
    """Cost terms [EUR] and monthly peaks [kW] of hourly flows (the one cost function of this module)."""
    codes, months = _month_codes(index)
    peak = np.zeros(len(months))
    np.maximum.at(peak, codes, import_kwh)
    peaks = pd.Series(peak, index=months, name="peak_import_kw")
    billed = np.maximum(peak, CAPACITY_TARIFF_MIN_KW)
    terms = {
        "import_eur": float(prices["import"] @ import_kwh),
        "export_revenue_eur": float(prices["export"] @ export_kwh),
        "gas_eur": float(prices["gas"] * gas_kwh.sum()),
        "capacity_eur": float(prices["tariff"] / 12.0 * billed.sum()),
    }
    terms["total_eur"] = terms["import_eur"] - terms["export_revenue_eur"] + terms["gas_eur"] + terms["capacity_eur"]
    return pd.Series(terms, name="cost"), peaks


def _prices(n, import_price, export_price, capacity_tariff, gas_price, owner) -> dict:
    """Validated price inputs; export must not exceed import in any hour (else the LP is unbounded)."""
    def series(values, field):
        values = np.full(n, values, dtype=float) if np.ndim(values) == 0 else values
        return check_series(values, field, owner=owner, length=n)

    imp = series(import_price, "import_price_eur_per_kwh")
    exp = series(export_price, "export_price_eur_per_kwh")
    above = exp > imp + 1e-12
    if above.any():
        i = int(np.flatnonzero(above)[0])
        raise InputError(f"{owner}.export_price_eur_per_kwh[{i}] = {exp[i]!r} exceeds the import price {imp[i]!r}: "
                         "export must not pay more than import costs")
    tariff = check_number(capacity_tariff, "capacity_tariff_eur_per_kw_year", owner=owner, low=0.0, unit="EUR/kW/year")
    gas = check_number(gas_price, "gas_price_eur_per_kwh", owner=owner, low=0.0, unit="EUR/kWh")
    return {"import": imp, "export": exp, "tariff": tariff, "gas": gas}


def rule_based_cost(system_result: SystemResult, *, pv_kw, other_load_kw, import_price_eur_per_kwh,
                    export_price_eur_per_kwh, capacity_tariff_eur_per_kw_year: float = 0.0,
                    gas_price_eur_per_kwh: float = 0.0, ev_kw=None, export_limit_kw: float | None = None
                    ) -> pd.Series:
    """Cost [EUR] of a rule-based run with the cost function of :func:`optimal_dispatch`.

    The run's electricity balance is that of :func:`mgwsim.electric.electricity_balance`
    (PV serves the loads first, the rest is exported up to ``export_limit_kw``).

    Parameters
    ----------
    system_result : SystemResult
        Any controller's run (``plant_elec_kwh`` and ``gas_kwh`` are used).
    pv_kw, other_load_kw : array (n,)
        PV AC output and the connection's other load [kW].
    import_price_eur_per_kwh, export_price_eur_per_kwh : float or array (n,)
        Price of imported and compensation of exported electricity [EUR/kWh].
    capacity_tariff_eur_per_kw_year : float
        Capacity tariff [EUR/kW/year] on the monthly peaks (at least 2.5 kW each).
    gas_price_eur_per_kwh : float
        Gas price on gross calorific value [EUR/kWh]; 0 leaves gas free.
    ev_kw : array (n,), optional
        EV charging power of the run [kW] (e.g. ``ChargingResult.ev_kw``).
    export_limit_kw : float, optional

    Returns
    -------
    Series
        ``import_eur``, ``export_revenue_eur``, ``gas_eur``, ``capacity_eur``, ``total_eur``.
    """
    owner = "rule_based_cost"
    n = _check_result(system_result, owner)
    pv = check_series(pv_kw, "pv_kw", owner=owner, length=n, low=0.0)
    other = check_series(other_load_kw, "other_load_kw", owner=owner, length=n, low=0.0)
    ev = np.zeros(n) if ev_kw is None else check_series(ev_kw, "ev_kw", owner=owner, length=n, low=0.0)
    prices = _prices(n, import_price_eur_per_kwh, export_price_eur_per_kwh, capacity_tariff_eur_per_kw_year,
                     gas_price_eur_per_kwh, owner)
    load = other + ev + system_result.hourly["plant_elec_kwh"].to_numpy(float)
    limit = np.inf if export_limit_kw is None else check_number(export_limit_kw, "export_limit_kw", owner=owner,
                                                                 low=0.0)
    imp = np.maximum(load - pv, 0.0)
    exp = np.minimum(np.maximum(pv - load, 0.0), limit)
    costs, _ = _costs(system_result.hourly.index, imp, exp, system_result.hourly["gas_kwh"].to_numpy(float), prices)
    return costs


def _check_result(system_result, owner: str) -> int:
    if not isinstance(system_result, SystemResult):
        raise InputError(f"{owner}.system_result must be a SystemResult, got {type(system_result).__name__}")
    index = system_result.hourly.index
    if len(index) < 2 or (index[1] - index[0]) != pd.Timedelta(hours=1):
        raise InputError(f"{owner}.system_result must be hourly")
    return len(index)


# ---------------------------------------------------------------------------- result
@dataclass(frozen=True, eq=False)
class DispatchResult:
    """The optimal schedule and its cost.

    Attributes
    ----------
    hourly : DataFrame
        Flows per hour [kWh] (names as in :class:`~mgwsim.system.SystemResult` where they
        mean the same), tank temperatures [°C], the fixed COPs [-] and the prices.
    monthly_peak_kw : Series
        Maximum hourly import per local calendar month [kW].
    costs : Series
        ``import_eur``, ``export_revenue_eur``, ``gas_eur``, ``capacity_eur``, ``total_eur``
        (energy + capacity + gas, the cost :func:`rule_based_cost` gives a rule-based run),
        ``unmet_penalty_eur`` (not in the total) and ``objective_eur`` (total + penalty).
    ev_charging : DataFrame
        Non-zero EV charging: ``session`` (row of the session table), ``step``, ``kw``.
    status : str
        The solver's message (optimal on return; other outcomes raise).
    unmet_heat_allowed : bool
        Whether the programme could leave space heating unmet (the heat-led run did).
    solve_time_s : float
        Wall time of the solver call [s].
    n_variables, n_constraints : int
    notes : tuple of str
        What a reader of the bound must know (free gas, unmet heat allowed).
    """

    hourly: pd.DataFrame
    monthly_peak_kw: pd.Series
    costs: pd.Series
    ev_charging: pd.DataFrame
    status: str
    unmet_heat_allowed: bool
    solve_time_s: float
    n_variables: int
    n_constraints: int
    notes: tuple[str, ...] = ()

    @property
    def total_cost_eur(self) -> float:
        """Energy + capacity + gas cost of the optimal schedule [EUR]."""
        return float(self.costs["total_eur"])

    @property
    def unmet_heat_kwh(self) -> float:
        """Space heating left unmet [kWh] (0 unless ``unmet_heat_allowed``)."""
        return float(self.hourly["space_heating_unmet_kwh"].sum())

    def compare_with(self, rule_based_costs) -> pd.DataFrame:
        """Gap of rule-based costs to the optimum, ``(rule − optimum) / |optimum|`` [-].

        Parameters
        ----------
        rule_based_costs : float, Series or dict
            One cost [EUR], or costs by name (floats, or :func:`rule_based_cost` Series whose
            ``total_eur`` is used).

        Returns
        -------
        DataFrame
            Per name: ``cost_eur``, ``optimum_eur``, ``gap_eur``, ``gap_frac`` (NaN when the
            optimum is 0).
        """
        if isinstance(rule_based_costs, pd.Series) and "total_eur" in rule_based_costs.index:
            rule_based_costs = {"rule_based": rule_based_costs}
        if np.ndim(rule_based_costs) == 0 and not isinstance(rule_based_costs, dict):
            rule_based_costs = {"rule_based": rule_based_costs}
        rows = {}
        for name, value in dict(rule_based_costs).items():
            cost = float(value["total_eur"]) if isinstance(value, pd.Series) else check_number(
                value, f"rule_based_costs[{name!r}]", owner="DispatchResult.compare_with")
            gap = cost - self.total_cost_eur
            rows[name] = {"cost_eur": cost, "optimum_eur": self.total_cost_eur, "gap_eur": gap,
                          "gap_frac": gap / abs(self.total_cost_eur) if self.total_cost_eur != 0 else np.nan}
        return pd.DataFrame.from_dict(rows, orient="index")

    def balance_residuals_kwh(self) -> pd.DataFrame:
        """Heat and electricity balance residuals per hour [kWh]: zero to the solver tolerance."""
        h = self.hourly
        heat = h[list(HEAT_IN)].sum(axis=1) - h[list(HEAT_OUT)].sum(axis=1)
        elec = (h["pv_kwh"] - h["curtailed_kwh"] + h["grid_import_kwh"] - h["grid_export_kwh"] - h["other_load_kwh"]
                - h["plant_elec_kwh"] - h["ev_kwh"])
        return pd.DataFrame({"heat_kwh": heat, "electricity_kwh": elec})


# ---------------------------------------------------------------------------- plant hours
@dataclass(frozen=True)
class _Tank:
    capacity_kwh_k: float
    ua_kw_k: float
    min_degc: float
    max_degc: float
    ambient_degc: float
    initial_kwh: float
    hp_max_degc: float  # highest temperature the heat pumps alone reach in the tank

    @property
    def max_kwh(self) -> float:
        return self.capacity_kwh_k * (self.max_degc - self.min_degc)

    @property
    def reach_kwh(self) -> float:
        """Energy up to the heat pumps' reach, C (T_hp − T_min), at least 0 [kWh]."""
        return max(self.capacity_kwh_k * (self.hp_max_degc - self.min_degc), 0.0)

    @property
    def keep(self) -> float:
        """Share of the start-of-hour energy left after the hour's loss term (1 − UA/C)."""
        return 1.0 - self.ua_kw_k / self.capacity_kwh_k

    @property
    def loss_offset_kwh(self) -> float:
        """UA (T_min − T_amb): the loss at E = 0 [kWh per hour]."""
        return self.ua_kw_k * (self.min_degc - self.ambient_degc)

    def temperature_degc(self, energy_kwh):
        return self.min_degc + np.asarray(energy_kwh) / self.capacity_kwh_k


def _tank(tank, initial_degc: float, hp_max_degc: float) -> _Tank:
    c = tank.heat_capacity_kwh_k
    return _Tank(c, tank.ua_w_k / 1000.0, tank.min_degc, tank.max_degc, tank.ambient_degc,
                 c * (initial_degc - tank.min_degc), min(hp_max_degc, tank.max_degc))


def _unit_points(pmap, source, sink, cap_factor, cop_factor) -> tuple[np.ndarray, np.ndarray]:
    """(capacity kW, COP) of one unit per hour; capacity 0 where the source is outside its limits."""
    sink = np.clip(sink, pmap.sink_degc[0], pmap.max_sink_degc)
    available = (source >= pmap.source.min_degc) & (source <= pmap.source.max_degc)
    inside = np.clip(source, pmap.source_degc[0], pmap.source_degc[-1])
    cap = np.where(available, pmap.capacity_at(inside, sink), 0.0) * cap_factor
    cop = pmap.cop_at(inside, sink) * cop_factor
    ok = available & np.isfinite(cop) & (cap > 0.0)
    return np.where(ok, cap, 0.0), np.where(ok, cop, 1.0)


def _defrost(plant, outdoor_degc, rh_pct) -> tuple[np.ndarray, np.ndarray]:
    cascade = plant.heat_pumps or plant.hot_water.heat_pump
    if cascade is None or not cascade.defrost:
        return np.ones(outdoor_degc.size), np.ones(outdoor_degc.size)
    return defrost_factors(outdoor_degc, rh_pct)


def _plant_hours(result: SystemResult, rh_pct) -> dict:
    """Per-hour demand and plant limits at the heat-led operating points."""
    plant, h, d = result.plant, result.hourly, result.demand.hourly
    outdoor = d["temp_air_degc"].to_numpy(float)
    source = h["source_degc"].to_numpy(float)
    factors = _defrost(plant, outdoor, rh_pct)
    bu = plant.backup
    allowed = ~((bu.mode == "alternative") & (outdoor < bu.bivalent_degc))  # bivalent-alternative switch
    out = {"q_sh": d["space_heating_kwh"].to_numpy(float), "q_dhw": d["dhw_kwh"].to_numpy(float)}
    out.update(_space_heating_hours(plant, h["hp_sink_sh_degc"].to_numpy(float), h["hp_temperature_limited"].to_numpy()
                                    > 0.5, d, source, factors, allowed))
    out.update(_hot_water_hours(plant, source, factors, allowed))
    out.update(_buffer_hours(plant, d))
    return out


def _space_heating_hours(plant, sink, limited, d, source, factors, allowed) -> dict:
    """Main cascade at the heat-led space-heating sink: one unit's capacity, COP, units, series share."""
    hp, n = plant.heat_pumps, source.size
    if hp is None:
        return {"cap_sh": np.zeros(n), "cop_sh": np.ones(n), "units_sh": 0.0, "share": np.ones(n)}
    cap, cop = _unit_points(hp.performance, source, sink, *factors)
    return {"cap_sh": np.where(allowed, cap, 0.0), "cop_sh": cop, "units_sh": float(hp.n_units),
            "share": _series_share(sink, limited, d, hp)}


def _hot_water_hours(plant, source, factors, allowed) -> dict:
    """Hot-water heat pumps at setpoint + charge margin (the heat-led sink) and the tank."""
    hw, n = plant.hot_water, source.size
    cascade = {"heat_pump": plant.heat_pumps, "separate_heat_pump": hw.heat_pump, "electric": None}[hw.mode]
    if cascade is None:
        return {"cap_dhw": np.zeros(n), "cop_dhw": np.ones(n), "units_dhw": 0.0, "shared_units": False,
                "dhw_tank": _tank(hw.tank, hw.setpoint_degc, -np.inf)}
    pmap = cascade.performance
    sink = np.full(n, min(min(hw.setpoint_degc, hw.tank.max_degc) + hw.charge_margin_k, pmap.max_sink_degc))
    cap, cop = _unit_points(pmap, source, sink, *factors)
    return {"cap_dhw": np.where(allowed, cap, 0.0), "cop_dhw": cop, "units_dhw": float(cascade.n_units),
            "shared_units": hw.mode == "heat_pump",
            "dhw_tank": _tank(hw.tank, hw.setpoint_degc, pmap.max_sink_degc - hw.charge_margin_k)}


def _buffer_hours(plant, d) -> dict:
    """The buffer (initial state as in the kernel) and its lowest energy per hour: the required supply."""
    buf, hp = plant.buffer, plant.heat_pumps
    if buf is None:
        return {"buffer": None}
    supply = d["supply_required_degc"].to_numpy(float)
    first = min(max(float(supply[0]), buf.min_degc), buf.max_degc)
    tank = _tank(buf, first, hp.performance.max_sink_degc - hp.supply_margin_k if hp else -np.inf)
    required = np.clip(supply, buf.min_degc, buf.max_degc)
    heating = d["space_heating_kwh"].to_numpy(float) > 0.0
    return {"buffer": tank, "buffer_min_kwh": np.where(heating, tank.capacity_kwh_k * (required - buf.min_degc), 0.0)}


def _series_share(sink, limited, d: pd.DataFrame, hp) -> np.ndarray:
    """Share of the space-heating heat the heat pumps may give where their sink is above their maximum (kernel rule).

    ``limited`` is the run's ``hp_temperature_limited`` flag (the run clips ``sink`` in those
    hours); hours without load keep their unclipped sink, so ``sink > T_max`` marks them.
    """
    t_max, margin = hp.performance.max_sink_degc, hp.supply_margin_k
    supply, ret = d["supply_required_degc"].to_numpy(float), d["return_required_degc"].to_numpy(float)
    spread = supply - ret
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(spread > 1e-9, (t_max - margin - ret) / spread, 0.0)
    return np.where(limited | (sink > t_max + 1e-9), np.clip(share, 0.0, 1.0), 1.0)


# ---------------------------------------------------------------------------- LP assembly
class _Programme:
    """Columns with bounds and costs, and blocks of equality / ≤ rows, assembled into sparse matrices."""

    def __init__(self):
        self.n_cols = 0
        self._cols: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._rows = {"eq": [], "ub": []}
        self._n_rows = {"eq": 0, "ub": 0}

    def variables(self, size: int, *, lower=0.0, upper=np.inf, cost=0.0) -> np.ndarray:
        """Add ``size`` columns; returns their positions."""
        idx = np.arange(self.n_cols, self.n_cols + size)
        self._cols.append(tuple(np.broadcast_to(np.asarray(v, float), (size,)) for v in (lower, upper, cost)))
        self.n_cols += size
        return idx

    def rows(self, kind: str, rhs, *terms) -> None:
        """Add rows ``Σ coeff · x[col] (= or ≤) rhs``; each term is ``(row, col, coeff)`` arrays (rows from 0)."""
        rhs = np.asarray(rhs, float)
        start = self._n_rows[kind]
        for row, col, coeff in terms:
            row, col = np.asarray(row), np.asarray(col)
            self._rows[kind].append((row + start, col, np.broadcast_to(np.asarray(coeff, float), row.shape), None))
        self._rows[kind].append((None, None, None, rhs))
        self._n_rows[kind] += rhs.size

    def matrices(self) -> dict:
        lower, upper, cost = (np.concatenate([c[i] for c in self._cols]) for i in range(3))
        out = {"c": cost, "bounds": np.column_stack([lower, upper])}
        for kind in ("eq", "ub"):
            parts = self._rows[kind]
            if not parts:
                continue
            r, c, v = (np.concatenate([p[i] for p in parts if p[3] is None]) for i in range(3))
            out[f"A_{kind}"] = sp.csr_array((v, (r, c)), shape=(self._n_rows[kind], self.n_cols))
            out[f"b_{kind}"] = np.concatenate([p[3] for p in parts if p[3] is not None])
        return out

    @property
    def n_rows(self) -> int:
        return self._n_rows["eq"] + self._n_rows["ub"]


def _tank_energy(lp: _Programme, tank: _Tank, lower_kwh) -> tuple[np.ndarray, ...]:
    """End-of-hour energy columns of a tank: one part, or (below, above) the heat pumps' reach.

    When the heat pumps cannot reach the tank maximum, ``E_t = L_t + H_t`` with
    ``L_t <= C (T_hp − T_min)`` (what any heater may store) and ``H_t`` the energy above the
    heat pumps' reach (see :func:`_layer_rows`). Lower bound ``lower_kwh`` per hour on ``E_t``.
    """
    n = lower_kwh.size
    if tank.hp_max_degc >= tank.max_degc:
        return (lp.variables(n, lower=lower_kwh, upper=tank.max_kwh),)
    reach = tank.reach_kwh
    below = lp.variables(n, lower=np.minimum(lower_kwh, reach), upper=reach)
    above = lp.variables(n, upper=tank.max_kwh - reach)
    hours = np.flatnonzero(lower_kwh > reach)
    r = np.arange(hours.size)
    lp.rows("ub", -lower_kwh[hours], (r, below[hours], -1.0), (r, above[hours], -1.0))
    return below, above


def _storage_rows(lp: _Programme, tank: _Tank, parts, inflows, outflow_kwh, unmet=None) -> None:
    """E_t − keep·E_{t−1} − Σ inflows (− unmet) = −loss_offset − outflow (+ keep·E_0 at t = 0)."""
    n = parts[0].size
    t = np.arange(n)
    rhs = -tank.loss_offset_kwh - outflow_kwh
    rhs[0] += tank.keep * tank.initial_kwh
    terms = [term for part in parts for term in ((t, part, 1.0), (t[1:], part[:-1], -tank.keep))]
    terms += [(t, col, -1.0) for col in inflows]
    if unmet is not None:
        terms.append((t, unmet, -1.0))
    lp.rows("eq", rhs, *terms)


def _layer_rows(lp: _Programme, tank: _Tank, parts, hp, other_inflows, series_hours) -> None:
    """The heat pumps store heat only up to ``hp_max_degc``: ``H_t ≤ H_{t−1} + other heaters' heat_t``.

    A convex relaxation of "the heat pumps lift the tank at most to T_hp": the energy above
    their reach grows only with the booster/backup heat and may fall freely; in
    series-preheating hours the heat pumps count too (the kernel's series rule decides there).
    """
    if len(parts) == 1:
        return
    above = parts[1]
    t = np.arange(above.size)
    rhs = np.zeros(above.size)
    rhs[0] = max(tank.initial_kwh - tank.reach_kwh, 0.0)
    terms = [(t, above, 1.0), (t[1:], above[:-1], -1.0), (series_hours, hp[series_hours], -1.0)]
    lp.rows("ub", rhs, *terms, *[(t, col, -1.0) for col in other_inflows])


def _heat_side(lp: _Programme, ph: dict, plant, gas_price: float, penalty: float, allow_unmet: bool) -> dict:
    """Heat variables and the buffer / space-heating and hot-water rows; returns the column positions."""
    n = ph["q_sh"].size
    bu = plant.backup
    gas_cost = gas_price / bu.efficiency if bu.kind == "gas_boiler" else 0.0
    bu_cap = bu.capacity_kw if bu.kind != "none" else 0.0
    v = {
        "hp_sh": lp.variables(n, upper=ph["units_sh"] * ph["cap_sh"]),
        "hp_dhw": lp.variables(n, upper=ph["units_dhw"] * ph["cap_dhw"]),
        "booster": lp.variables(n, upper=plant.hot_water.booster_kw),
        "bu_sh": lp.variables(n, upper=ph.get("bu_sh_max", bu_cap), cost=gas_cost),
        "bu_dhw": lp.variables(n, upper=ph.get("bu_dhw_max", bu_cap if bu.serves_hot_water else 0.0), cost=gas_cost),
        "unmet": lp.variables(n, upper=ph["q_sh"], cost=penalty) if allow_unmet else None,
    }
    _space_heating_rows(lp, ph, v)
    tank = ph["dhw_tank"]
    v["e_dhw"] = _tank_energy(lp, tank, np.zeros(n))
    _storage_rows(lp, tank, v["e_dhw"], (v["hp_dhw"], v["booster"], v["bu_dhw"]), ph["q_dhw"])
    _layer_rows(lp, tank, v["e_dhw"], v["hp_dhw"], (v["booster"], v["bu_dhw"]), np.zeros(0, np.int64))
    _unit_rows(lp, ph, v, plant)
    if bu.serves_hot_water and bu_cap > 0:
        t = np.arange(n)
        lp.rows("ub", np.full(n, bu_cap), (t, v["bu_sh"], 1.0), (t, v["bu_dhw"], 1.0))
    return v


def _space_heating_rows(lp: _Programme, ph: dict, v: dict) -> None:
    n = ph["q_sh"].size
    t = np.arange(n)
    buffer = ph["buffer"]
    if buffer is None:
        terms = [(t, v["hp_sh"], 1.0), (t, v["bu_sh"], 1.0)]
        if v["unmet"] is not None:
            terms.append((t, v["unmet"], 1.0))
        lp.rows("eq", ph["q_sh"], *terms)
        v["e_buf"] = None
    else:
        v["e_buf"] = _tank_energy(lp, buffer, ph["buffer_min_kwh"])
        _storage_rows(lp, buffer, v["e_buf"], (v["hp_sh"], v["bu_sh"]), ph["q_sh"], v["unmet"])
        _layer_rows(lp, buffer, v["e_buf"], v["hp_sh"], (v["bu_sh"],), np.flatnonzero(ph["share"] < 1.0))
    limited = np.flatnonzero((ph["share"] < 1.0) & (ph["cap_sh"] > 0))
    if limited.size:  # series preheating: (1 − s) h − s u ≤ 0
        s, r = ph["share"][limited], np.arange(limited.size)
        lp.rows("ub", np.zeros(limited.size), (r, v["hp_sh"][limited], 1.0 - s), (r, v["bu_sh"][limited], -s))


def _unit_rows(lp: _Programme, ph: dict, v: dict, plant) -> None:
    """Main cascade: unit-hours for space heating + hot water ≤ n_units; its heat ≤ the capacity limit."""
    if not ph["shared_units"]:
        return
    both = np.flatnonzero((ph["cap_sh"] > 0) & (ph["cap_dhw"] > 0))
    r = np.arange(both.size)
    lp.rows("ub", np.full(both.size, ph["units_sh"]), (r, v["hp_sh"][both], 1.0 / ph["cap_sh"][both]),
            (r, v["hp_dhw"][both], 1.0 / ph["cap_dhw"][both]))


def _ev_side(lp: _Programme, sessions: Sessions | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """EV columns (one per session and connected step) and the need rows; returns (cols, session, step)."""
    if sessions is None or len(sessions) == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty
    a = sessions.arrays
    length = a["departure"] - a["arrival"]
    session = np.repeat(np.arange(length.size), length)
    step = a["arrival"][session] + np.arange(session.size) - np.repeat(np.cumsum(length) - length, length)
    cols = lp.variables(session.size, upper=a["max_power_kw"][session])
    lp.rows("eq", a["need_kwh"], (session, cols, 1.0))
    return cols, session, step


def _electric_side(lp: _Programme, ph: dict, v: dict, inputs: dict, ev: tuple, plant) -> dict:
    """Grid, curtailment and peak columns and the hourly electricity balance rows."""
    n, prices = ph["q_sh"].size, inputs["prices"]
    t = np.arange(n)
    e = {
        "import": lp.variables(n, upper=inputs["import_limit"], cost=prices["import"]),
        "export": lp.variables(n, upper=inputs["export_limit"], cost=-prices["export"]),
        "curtail": lp.variables(n, upper=inputs["pv"]),
    }
    bu_elec = 1.0 / plant.backup.efficiency if plant.backup.kind == "electric" else 0.0
    terms = [(t, e["import"], 1.0), (t, e["export"], -1.0), (t, e["curtail"], -1.0),
             (t, v["hp_sh"], -1.0 / ph["cop_sh"]), (t, v["hp_dhw"], -1.0 / ph["cop_dhw"]), (t, v["booster"], -1.0),
             (ev[2], ev[0], -1.0)]
    if bu_elec:
        terms += [(t, v["bu_sh"], -bu_elec), (t, v["bu_dhw"], -bu_elec)]
    lp.rows("eq", inputs["other"] - inputs["pv"], *terms)
    e["peak"] = None
    if prices["tariff"] > 0:
        codes, months = _month_codes(inputs["index"])
        e["peak"] = lp.variables(len(months), lower=CAPACITY_TARIFF_MIN_KW, cost=prices["tariff"] / 12.0)
        lp.rows("ub", np.zeros(n), (t, e["import"], 1.0), (t, e["peak"][codes], -1.0))
    return e


# ---------------------------------------------------------------------------- public entry
def optimal_dispatch(
    system_result: SystemResult,
    *,
    pv_kw,
    other_load_kw,
    import_price_eur_per_kwh,
    export_price_eur_per_kwh,
    capacity_tariff_eur_per_kw_year: float = 0.0,
    import_limit_kw: float | None = None,
    sessions: Sessions | None = None,
    solver: str = "highs",
    gas_price_eur_per_kwh: float = 0.0,
    export_limit_kw: float | None = None,
    relative_humidity_pct=None,
    unmet_penalty_eur_per_kwh: float = UNMET_PENALTY_EUR_PER_KWH,
    backup_as_run: bool = False,
) -> DispatchResult:
    """Cheapest hourly schedule of the plant, PV, grid and EV over the run's year (a linear programme).

    See the module docstring for the formulation and why the result is a lower bound on the
    cost of the rule-based controllers *relative to the fixed-COP model* (COP and capacity
    fixed per hour at the heat-led operating point), not of a model in which the COP falls
    with the storage temperature reached.

    Parameters
    ----------
    system_result : SystemResult
        The heat-led run (``Control("heat_led")``) of the plant: its demand, plant and sink
        temperatures define the programme.
    pv_kw, other_load_kw : array (n,)
        PV AC output and the connection's other (non-plant, non-EV) load [kW], ≥ 0.
    import_price_eur_per_kwh, export_price_eur_per_kwh : float or array (n,)
        All-in price of imported electricity and compensation of exported electricity
        [EUR/kWh]; export ≤ import every hour.
    capacity_tariff_eur_per_kw_year : float
        Capacity tariff [EUR/kW/year], billed per month on max(peak, 2.5 kW) / 12.
    import_limit_kw : float, optional
        Connection import limit [kW].
    sessions : Sessions, optional
        EV sessions on the same hourly index; each gets exactly its ``energy_need_kwh``.
    solver : {"highs", "highs-ds", "highs-ipm"}
        :func:`scipy.optimize.linprog` HiGHS method.
    gas_price_eur_per_kwh : float
        Fuel price of a gas backup on GCV [EUR/kWh]; the default 0 makes backup gas *free*
        in the objective (the programme then uses the gas backup wherever it saves electricity).
    export_limit_kw : float, optional
        Injection limit [kW].
    relative_humidity_pct : float or array (n,), optional
        Humidity for the defrost factors; default :data:`~mgwsim.heatpump.DEFAULT_RH_PCT` (as
        :func:`~mgwsim.system.simulate_system` for weather without humidity).
    unmet_penalty_eur_per_kwh : float
        Penalty on unmet space heating [EUR/kWh], used only when the heat-led run left heat
        unmet (otherwise all heat must be delivered).
    backup_as_run : bool
        Limit the backup's heat in each hour to what the heat-led run used (space heating and
        hot water separately). The optimum then moves heat-pump work in time but does not
        swap it for the boiler: a bound for rule-based controllers that do not use more
        backup than heat-led (check their ``backup_heat_*`` columns), comparable with them
        when the gas price makes the boiler cheaper than the heat pump in some hours.

    Returns
    -------
    DispatchResult

    Raises
    ------
    InputError
        bad inputs (naming the field), or no feasible schedule (naming the import limit
        when one is given).
    """
    inputs = _inputs(system_result, pv_kw, other_load_kw, import_price_eur_per_kwh, export_price_eur_per_kwh,
                     capacity_tariff_eur_per_kw_year, import_limit_kw, export_limit_kw, gas_price_eur_per_kwh,
                     sessions, relative_humidity_pct)
    check_choice(solver, "solver", SOLVERS, owner=_OWNER)
    penalty = check_positive(unmet_penalty_eur_per_kwh, "unmet_penalty_eur_per_kwh", owner=_OWNER, unit="EUR/kWh")
    lp, ph, v, e, ev = _build(system_result, inputs, sessions, penalty, bool(backup_as_run))
    start = time.perf_counter()
    res = linprog(method=solver, **lp.matrices())
    solve_s = time.perf_counter() - start
    _check_status(res, inputs["import_limit"])
    return _result(res, lp, ph, v, e, ev, inputs, system_result.plant, v["unmet"] is not None, penalty, solve_s)


def _build(system_result: SystemResult, inputs: dict, sessions, penalty: float, backup_as_run: bool = False) -> tuple:
    """The programme and the column positions of each quantity: (lp, plant hours, heat, electric, EV)."""
    ph = _plant_hours(system_result, inputs["rh"])
    if backup_as_run:
        h = system_result.hourly
        ph["bu_sh_max"] = h["backup_heat_sh_kwh"].to_numpy(float)
        ph["bu_dhw_max"] = h["backup_heat_dhw_kwh"].to_numpy(float)
    allow_unmet = bool(system_result.hourly["space_heating_unmet_kwh"].max() > 1e-6)
    plant = system_result.plant
    lp = _Programme()
    v = _heat_side(lp, ph, plant, inputs["prices"]["gas"], penalty, allow_unmet)
    ev = _ev_side(lp, sessions)
    e = _electric_side(lp, ph, v, inputs, ev, plant)
    return lp, ph, v, e, ev


def _inputs(result, pv_kw, other_load_kw, import_price, export_price, tariff, import_limit, export_limit, gas_price,
            sessions, rh_pct) -> dict:
    """Validate the inputs of :func:`optimal_dispatch`."""
    n = _check_result(result, _OWNER)
    if result.control.strategy != "heat_led":
        raise InputError(f"{_OWNER}.system_result must be the heat-led run (its operating points define the "
                         f"programme), got strategy {result.control.strategy!r}")
    index = result.hourly.index
    pv = check_series(pv_kw, "pv_kw", owner=_OWNER, length=n, low=0.0)
    other = check_series(other_load_kw, "other_load_kw", owner=_OWNER, length=n, low=0.0)
    prices = _prices(n, import_price, export_price, tariff, gas_price, _OWNER)
    imp_limit = np.inf if import_limit is None else check_positive(import_limit, "import_limit_kw", owner=_OWNER,
                                                                    unit="kW")
    exp_limit = np.inf if export_limit is None else check_number(export_limit, "export_limit_kw", owner=_OWNER,
                                                                  low=0.0, unit="kW")
    short = other - pv > imp_limit + 1e-9
    if short.any():
        i = int(np.flatnonzero(short)[0])
        raise InputError(f"{_OWNER}.import_limit_kw = {import_limit!r} kW is infeasible: at hour {i} the other load "
                         f"minus PV alone is {other[i] - pv[i]:.3g} kW")
    rh = DEFAULT_RH_PCT if rh_pct is None else (
        check_number(rh_pct, "relative_humidity_pct", owner=_OWNER, low=0.0, high=100.0) if np.ndim(rh_pct) == 0
        else check_series(rh_pct, "relative_humidity_pct", owner=_OWNER, length=n, low=0.0, high=100.0))
    _check_sessions(sessions, index)
    return {"index": index, "pv": pv, "other": other, "prices": prices, "import_limit": imp_limit,
            "export_limit": exp_limit, "rh": rh}


def _check_sessions(sessions, index: pd.DatetimeIndex) -> None:
    if sessions is None:
        return
    if not isinstance(sessions, Sessions):
        raise InputError(f"{_OWNER}.sessions must be mgwsim.ev.Sessions, got {type(sessions).__name__}")
    if sessions.step_hours != 1.0 or len(sessions.index) != len(index) or not sessions.index.equals(index):
        raise InputError(f"{_OWNER}.sessions must be on the system result's hourly index "
                         f"({len(sessions.index)} steps of {sessions.step_hours:g} h given, "
                         f"{len(index)} hours expected)")


def _check_status(res, import_limit: float) -> None:
    if res.status == 0:
        return
    if res.status == 2:
        if np.isfinite(import_limit):
            raise InputError(f"{_OWNER}.import_limit_kw = {import_limit:g} kW is infeasible: no schedule within the "
                             "plant limits meets the heat demand and the EV needs under it; raise the limit")
        raise InputError(f"{_OWNER}: no schedule within the plant limits meets the heat demand (the storage cannot "
                         "stay within its temperature range); check the plant against the heat-led run")
    raise RuntimeError(f"{_OWNER}: HiGHS stopped with status {res.status}: {res.message}")


# ---------------------------------------------------------------------------- result assembly
def _result(res, lp, ph, v, e, ev, inputs, plant, allow_unmet, penalty, solve_s) -> DispatchResult:
    x = np.maximum(res.x, 0.0)  # HiGHS may return −1e-12 on a zero lower bound
    hourly = _hourly(x, ph, v, e, ev, inputs, plant)
    costs, peaks = _costs(inputs["index"], hourly["grid_import_kwh"].to_numpy(), hourly["grid_export_kwh"].to_numpy(),
                          hourly["gas_kwh"].to_numpy(), inputs["prices"])
    unmet_eur = penalty * hourly["space_heating_unmet_kwh"].sum() if allow_unmet else 0.0
    costs = pd.concat([costs, pd.Series({"unmet_penalty_eur": unmet_eur, "objective_eur": float(res.fun)})])
    kw = x[ev[0]]
    keep = kw > 1e-9
    charging = pd.DataFrame({"session": ev[1][keep], "step": ev[2][keep], "kw": kw[keep]})
    return DispatchResult(hourly, peaks, costs, charging, str(res.message), allow_unmet, solve_s, lp.n_cols, lp.n_rows,
                          _notes(plant, inputs["prices"], allow_unmet))


def _notes(plant, prices: dict, allow_unmet: bool) -> tuple[str, ...]:
    notes = []
    if plant.backup.kind == "gas_boiler" and prices["gas"] == 0.0:
        notes.append("gas backup priced at 0 EUR/kWh (gas_price_eur_per_kwh not given): the optimum burns gas "
                     "wherever it saves electricity; the total excludes the gas bill")
    if allow_unmet:
        notes.append("the heat-led run left space heating unmet, so the programme may too, at a penalty "
                     "(costs['unmet_penalty_eur'], not in total_eur)")
    return tuple(notes)


def _tank_flows(x, tank: _Tank | None, parts, n) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(loss, storage change, temperature) per hour of a tank from its end-of-hour energies."""
    if tank is None:
        return np.zeros(n), np.zeros(n), np.full(n, np.nan)
    end = sum(x[part] for part in parts)
    start = np.r_[tank.initial_kwh, end[:-1]]
    loss = tank.ua_kw_k / tank.capacity_kwh_k * start + tank.loss_offset_kwh
    return loss, end - start, tank.temperature_degc(end)


def _hourly(x, ph, v, e, ev, inputs, plant) -> pd.DataFrame:
    n = ph["q_sh"].size
    names = ("hp_sh", "hp_dhw", "booster", "bu_sh", "bu_dhw", "unmet")
    col = {name: x[v[name]] for name in names if v[name] is not None}
    unmet = col.get("unmet", np.zeros(n))
    bu_in = (col["bu_sh"] + col["bu_dhw"]) / plant.backup.efficiency
    is_gas = plant.backup.kind == "gas_boiler"
    buf_loss, buf_delta, buf_degc = _tank_flows(x, ph["buffer"], v["e_buf"], n)
    dhw_loss, dhw_delta, dhw_degc = _tank_flows(x, ph["dhw_tank"], v["e_dhw"], n)
    h = pd.DataFrame({
        "space_heating_delivered_kwh": ph["q_sh"] - unmet, "space_heating_unmet_kwh": unmet,
        "dhw_delivered_kwh": ph["q_dhw"],
        "hp_heat_sh_kwh": col["hp_sh"], "hp_heat_dhw_kwh": col["hp_dhw"],
        "hp_elec_sh_kwh": col["hp_sh"] / ph["cop_sh"], "hp_elec_dhw_kwh": col["hp_dhw"] / ph["cop_dhw"],
        "hp_cop_sh": ph["cop_sh"], "hp_cop_dhw": ph["cop_dhw"],
        "backup_heat_sh_kwh": col["bu_sh"], "backup_heat_dhw_kwh": col["bu_dhw"], "backup_input_kwh": bu_in,
        "booster_kwh": col["booster"], "gas_kwh": bu_in if is_gas else 0.0,
        "electric_backup_kwh": 0.0 if is_gas else bu_in,
        "buffer_loss_kwh": buf_loss, "dhw_tank_loss_kwh": dhw_loss, "dhw_loop_loss_kwh": 0.0,  # loop in q_dhw
        "buffer_storage_change_kwh": buf_delta, "dhw_storage_change_kwh": dhw_delta,
        "buffer_degc": buf_degc, "dhw_tank_degc": dhw_degc,
    }, index=inputs["index"])
    h["hp_elec_kwh"] = h["hp_elec_sh_kwh"] + h["hp_elec_dhw_kwh"]
    h["plant_elec_kwh"] = h["hp_elec_kwh"] + h["electric_backup_kwh"] + h["booster_kwh"]
    h["ev_kwh"] = np.bincount(ev[2], weights=x[ev[0]], minlength=n) if ev[0].size else 0.0
    h["other_load_kwh"], h["pv_kwh"], h["curtailed_kwh"] = inputs["other"], inputs["pv"], x[e["curtail"]]
    h["grid_import_kwh"], h["grid_export_kwh"] = x[e["import"]], x[e["export"]]
    h["import_price_eur_per_kwh"] = inputs["prices"]["import"]
    h["export_price_eur_per_kwh"] = inputs["prices"]["export"]
    return h
