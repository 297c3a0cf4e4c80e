"""Sizing search: the best heat-pump size, buffer, PV and EV settings of one combination under constraints.

:func:`sizing_search` evaluates every point of a grid of sizing parameters (heat-pump
capacity, number of units, buffer volume, PV kWp, EV charge limit, ...) with the full
hourly simulation and business case of :func:`~mgwsim.study.evaluate_variant`, checks
each point against the constraints a feasibility study must respect and returns the best
feasible point by the chosen objective, the whole table and the trade-off figure. Every
point runs on the year of ``inputs``: :class:`~mgwsim.study.StudyInputs` lays the weather on
its local calendar year (:meth:`mgwsim.weather.Weather.calendar_year`), so every point is
billed over the same 12 months.

The constraints (each reported per point):

``no_unmet_heat``
    the plant meets the space-heating demand every hour (``unmet_hours == 0`` of
    :meth:`mgwsim.system.SystemResult.kpis`);
``lock_in_pass``
    none of the chosen lock-in checks (default :data:`LOCK_IN_CHECKS`: temperature lock-in,
    oversizing after renovation, hot-water hygiene) says ``fail``; a check that does not
    apply to a variant (no heat pump) is not held against it;
``connection``
    the peak hourly grid import fits the building's existing connection:
    ``peak_import_kw / POWER_FACTOR <= inputs.existing_connection_kva`` (the apparent power
    of :func:`mgwsim.assess.connection_capacity`); variants on a private medium-voltage
    cabin (``connection="mv"``) get a new connection sized and costed on their peak and
    are exempt.

and, on request (not among the defaults):

``comfort``
    the coupled zone keeps comfort and hot water is never short: ``cold_hours`` (operative
    temperature more than 1 K below the setpoint, EN 15251:2007 Annex F method A) at most
    :data:`~mgwsim.study.decision.COMFORT_TOLERANCE_SHARE` (3 %, EN 15251:2007 Annex G) of the
    ``heating_hours``, and ``dhw_unmet_kwh`` at most 0.001 kWh.

The objective ``"connection"`` minimises the connection the point needs (``connection_kva``,
its peak import / cos φ): with a grid over a peak-limited variant's import limit and the
``comfort`` constraint it finds the smallest connection that keeps comfort on that grid
(:func:`mgwsim.study.connection.connection_search` bisects the limit with look-ahead storage,
building mass, EV and battery instead).

Heat-pump maps of a product family scale with the rated capacity (the refrigerant cycle of
:func:`mgwsim.heatpump.cycle_map` gives ``capacity = volumetric heat / volumetric heat at
rating x rated capacity``, the Carnot map ``rated x (1 + slope dT)``; the COP does not
depend on the size). :class:`MapCache` builds one map per refrigerant and scales it, so
that a grid over sizes never re-runs the cycle model.
"""

from __future__ import annotations

import concurrent.futures as cf
import copy
import dataclasses
import itertools
import math
import multiprocessing
import pickle
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mgwsim.electric import CONNECTION_POWER_FACTOR
from mgwsim.errors import InputError, check_choice, check_number, check_positive
from mgwsim.finance import BusinessCase
from mgwsim.heatpump.maps import PerformanceMap
from mgwsim.study.decision import COMFORT_TOLERANCE_SHARE
from mgwsim.study.evaluate import VariantResult, evaluate_variant
from mgwsim.study.inputs import StudyInputs
from mgwsim.study.study import variant_business_case
from mgwsim.study.variant import Variant

__all__ = ["CONSTRAINTS", "LOCK_IN_CHECKS", "OBJECTIVES", "OPTIONAL_CONSTRAINTS", "POWER_FACTOR", "MapCache", "SearchResult", "scale_map",
           "sizing_search"]

_OWNER = "sizing_search"

CONSTRAINTS = ("no_unmet_heat", "lock_in_pass", "connection")
"""Constraints :func:`sizing_search` applies by default (see the module docstring)."""

OPTIONAL_CONSTRAINTS = ("comfort",)
"""Constraints :func:`sizing_search` applies only when asked (see the module docstring)."""

DHW_UNMET_TOLERANCE_KWH = 1e-3
"""Hot water drawn but not delivered that the ``comfort`` constraint tolerates [kWh/year] (rounding)."""

LOCK_IN_CHECKS = ("temperature_lock_in", "oversizing", "hot_water_hygiene")
"""Names of the :class:`~mgwsim.assess.CheckResult` s that ``lock_in_pass`` requires not to fail."""

POWER_FACTOR = CONNECTION_POWER_FACTOR
"""cos φ that turns the peak import [kW] into apparent power [kVA]: :data:`mgwsim.electric.CONNECTION_POWER_FACTOR`."""

OBJECTIVES: dict[str, tuple[str, str]] = {
    "npv": ("npv_eur", "max"),
    "subsidy_gap": ("subsidy_gap_eur", "min"),
    "co2": ("co2_t", "min"),
    "lcoh": ("lcoh_eur_per_mwh", "min"),
    "annual_cost_per_apartment": ("annual_cost_per_apartment_eur", "min"),
    "connection": ("connection_kva", "min"),
}
"""Objective name -> (column of :attr:`SearchResult.table`, ``"max"`` or ``"min"``); ties go to the higher NPV."""


# ---------------------------------------------------------------------------------------
# heat-pump maps per size
# ---------------------------------------------------------------------------------------


def scale_map(pmap: PerformanceMap, rated_capacity_kw: float, *, model: str | None = None) -> PerformanceMap:
    """The same heat pump scaled to another rated capacity: capacity x (new / old rated), COP unchanged.

    Exact for the maps of :func:`mgwsim.heatpump.cycle_map` and
    :func:`mgwsim.heatpump.carnot_map`, whose capacity is proportional to the rated capacity;
    for a real product range an approximation (larger units of a range may differ slightly
    in COP: use their own datasheets when the choice is close).

    Parameters
    ----------
    pmap : PerformanceMap
        A map with ``rated_capacity_kw``.
    rated_capacity_kw : float
        The new capacity at the EN 14511 rating point [kW], > 0.
    model : str, optional
        Name of the scaled map (default: the base name and the new size).
    """
    owner = "scale_map"
    if not isinstance(pmap, PerformanceMap):
        raise InputError(f"{owner}.pmap must be a PerformanceMap, got {type(pmap).__name__}")
    if pmap.rated_capacity_kw is None:
        raise InputError(f"{owner}: the map {pmap.model or 'unnamed'!r} has no rated_capacity_kw to scale from")
    kw = check_positive(rated_capacity_kw, "rated_capacity_kw", owner=owner, unit="kW")
    factor = kw / float(pmap.rated_capacity_kw)
    name = model if model is not None else f"{pmap.model or pmap.method} scaled to {kw:g} kW"
    return dataclasses.replace(pmap, capacity_kw=pmap.capacity_kw * factor, rated_capacity_kw=kw, model=name)


class MapCache:
    """Performance maps per (refrigerant, rated kW), built once per refrigerant and scaled.

    Parameters
    ----------
    factory : callable, optional
        ``factory(refrigerant, rated_capacity_kw, **factory_kwargs) -> PerformanceMap``;
        default :func:`mgwsim.heatpump.air_to_water` (CoolProp cycle, cached on disk).
    base_kw : float
        Size at which the factory is called once per refrigerant [kW].
    **factory_kwargs
        Passed to the factory (e.g. ``max_supply_degc``).

    Examples
    --------
    >>> maps = MapCache()                                     # doctest: +SKIP
    >>> HeatPumpCascade(maps(40.0, "R290"), n_units=2)        # doctest: +SKIP

    Thread-safe. With ``n_workers > 1`` :func:`sizing_search` still builds every variant in
    the calling process, so one cache serves the whole grid.
    """

    def __init__(self, factory: Callable[..., PerformanceMap] | None = None, *, base_kw: float = 10.0,
                 **factory_kwargs):
        if factory is None:
            from mgwsim.heatpump import air_to_water as factory
        if not callable(factory):
            raise InputError(f"MapCache.factory must be callable, got {type(factory).__name__}")
        self._factory = factory
        self._base_kw = check_positive(base_kw, "base_kw", owner="MapCache", unit="kW")
        self._kwargs = factory_kwargs
        self._bases: dict[str, PerformanceMap] = {}
        self._maps: dict[tuple[str, float], PerformanceMap] = {}
        self._lock = threading.Lock()

    def __call__(self, rated_capacity_kw: float, refrigerant: str = "R290") -> PerformanceMap:
        """The map of one unit of ``rated_capacity_kw`` [kW] with ``refrigerant``."""
        kw = check_positive(rated_capacity_kw, "rated_capacity_kw", owner="MapCache", unit="kW")
        key = (str(refrigerant), kw)
        with self._lock:
            if key not in self._maps:
                if key[0] not in self._bases:
                    base = self._factory(refrigerant, self._base_kw, **self._kwargs)
                    if not isinstance(base, PerformanceMap):
                        raise InputError(f"MapCache.factory returned {type(base).__name__}, not a PerformanceMap")
                    self._bases[key[0]] = base
                base = self._bases[key[0]]
                self._maps[key] = scale_map(base, kw, model=f"{refrigerant} {base.source.kind} {kw:g} kW")
            return self._maps[key]

    @property
    def n_base_maps(self) -> int:
        """How many maps the factory built (one per refrigerant)."""
        return len(self._bases)

    def __len__(self) -> int:
        return len(self._maps)


# ---------------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------------


def _check_grid(grid) -> dict[str, tuple]:
    if not isinstance(grid, Mapping) or not grid:
        raise InputError(f"{_OWNER}.grid must be a non-empty dict of parameter name -> values, got {grid!r}")
    out = {}
    for name, values in grid.items():
        if not isinstance(name, str) or not name:
            raise InputError(f"{_OWNER}.grid keys must be non-empty parameter names (str), got {name!r}")
        if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray, pd.Index)):
            raise InputError(f"{_OWNER}.grid[{name!r}] must be a sequence of values (list, tuple, array), "
                             f"got {values!r}")
        values = tuple(values.tolist() if isinstance(values, (np.ndarray, pd.Index)) else values)
        if not values:
            raise InputError(f"{_OWNER}.grid[{name!r}] is empty: give at least one value")
        if name in _METRIC_COLUMNS or name.startswith(("ok_", "check_")):
            raise InputError(f"{_OWNER}.grid[{name!r}]: the name clashes with a result column; rename the parameter")
        out[name] = values
    return out


def _check_constraints(constraints) -> tuple[str, ...]:
    if isinstance(constraints, str):
        constraints = (constraints,)
    constraints = tuple(constraints)
    for name in constraints:
        check_choice(name, "constraints", CONSTRAINTS + OPTIONAL_CONSTRAINTS, owner=_OWNER)
    return tuple(dict.fromkeys(constraints))


def _check_refine(refine: str | None, grid: dict[str, tuple]) -> None:
    if refine is None:
        return
    if refine not in grid:
        raise InputError(f"{_OWNER}.refine = {refine!r} is not a grid parameter; choose one of {sorted(grid)}")
    values = grid[refine]
    numeric = (int, float, np.integer, np.floating)
    if not all(isinstance(v, numeric) and not isinstance(v, bool) and math.isfinite(v) for v in values):
        raise InputError(f"{_OWNER}.refine: grid[{refine!r}] must hold finite numbers to be refined, got {values!r}")
    if len(set(values)) < 2:
        raise InputError(f"{_OWNER}.refine: grid[{refine!r}] needs at least two different values "
                         "to bracket the optimum")


# ---------------------------------------------------------------------------------------
# one point
# ---------------------------------------------------------------------------------------

_METRIC_COLUMNS = (
    "stage", "variant", "investment_eur", "subsidies_eur", "npv_eur", "irr_frac", "payback_years", "subsidy_gap_eur",
    "lcoh_eur_per_mwh", "annual_cost_per_apartment_eur", "co2_t", "co2_reduction", "spf_h2", "backup_share",
    "unmet_hours", "hp_rated_kw", "pv_installed_kwp", "self_consumption", "peak_import_kw", "connection_kva",
    "epc_kwh_m2", "feasible", "violations", "cold_hours", "heating_hours", "dhw_unmet_kwh",
)


def _case(inputs: StudyInputs, result: VariantResult, reference: VariantResult) -> BusinessCase:
    """The business case exactly as :class:`~mgwsim.study.Study` computes it."""
    return variant_business_case(inputs, result, reference)


def _satisfied(inputs: StudyInputs, result: VariantResult, row: dict, constraints, lock_in_checks) -> dict[str, bool]:
    """``{constraint: satisfied}`` for one evaluated variant (``row`` holds its unmet hours and peak)."""
    ok = {}
    for name in constraints:
        if name == "no_unmet_heat":
            ok[name] = row["unmet_hours"] == 0
        elif name == "comfort":
            ok[name] = (row["cold_hours"] <= COMFORT_TOLERANCE_SHARE * row["heating_hours"]
                        and row["dhw_unmet_kwh"] <= DHW_UNMET_TOLERANCE_KWH)
        elif name == "lock_in_pass":
            ok[name] = not any(c.status == "fail" for c in result.checks if c.name in lock_in_checks)
        else:  # connection
            ok[name] = result.variant.connection == "mv" or row["connection_kva"] <= inputs.existing_connection_kva
    return ok


def _optional(value) -> float:
    return np.nan if value is None else float(value)


def _row(inputs, params, result: VariantResult, case: BusinessCase, reference: VariantResult, constraints,
         lock_in_checks, stage: str) -> dict:
    energy = result.energy_kpis()
    cascade = result.variant.plant.heat_pumps
    peak = float(energy["peak_import_kw"])
    row = dict(params)
    row |= {
        "stage": stage,
        "variant": result.variant.name,
        "investment_eur": float(sum(item.capex_eur for item in result.investments)),
        "subsidies_eur": case.subsidies.total_eur,
        "npv_eur": case.npv_eur,
        "irr_frac": _optional(case.irr_frac),
        "payback_years": _optional(case.payback_years),
        "subsidy_gap_eur": case.subsidy_gap_eur,
        "lcoh_eur_per_mwh": _optional(case.lcoh_variant_eur_per_mwh),
        "annual_cost_per_apartment_eur": case.annual_cost_per_apartment_variant_eur,
        "co2_t": result.co2_kg / 1000.0,
        "co2_reduction": 1.0 - result.co2_kg / reference.co2_kg if reference.co2_kg > 0 else np.nan,
        "spf_h2": float(energy["spf_h2"]),
        "backup_share": float(energy["backup_share"]),
        "unmet_hours": int(energy["unmet_hours"]),
        "hp_rated_kw": cascade.rated_capacity_kw() if cascade is not None else 0.0,
        "pv_installed_kwp": result.variant.pv_kwp,
        "self_consumption": float(energy["self_consumption"]),
        "peak_import_kw": peak,
        "connection_kva": peak / POWER_FACTOR,
        "epc_kwh_m2": float(energy["epc_kwh_m2"]),
        "cold_hours": float(energy["cold_hours"]),
        "heating_hours": float((result.system.demand.hourly["space_heating_kwh"].to_numpy() > 0).sum())
        * result.system.step_h,
        "dhw_unmet_kwh": float(energy["dhw_unmet_kwh"]),
    }
    ok = _satisfied(inputs, result, row, constraints, lock_in_checks)
    row["feasible"] = all(ok.values())
    row["violations"] = ", ".join(name for name, good in ok.items() if not good)
    row |= {f"ok_{name}": good for name, good in ok.items()}
    row |= {f"check_{check.name}": check.status for check in result.checks}
    return row


def _score(row: dict, objective: str) -> tuple[float, float] | None:
    """Sort key of a feasible row (larger is better), None if infeasible or without objective value."""
    column, sense = OBJECTIVES[objective]
    value = row[column]
    if not row["feasible"] or value is None or not np.isfinite(value):
        return None
    return (value if sense == "max" else -value, row["npv_eur"])


# ---------------------------------------------------------------------------------------
# result
# ---------------------------------------------------------------------------------------


def _pareto_mask(npv: np.ndarray, co2_reduction: np.ndarray) -> np.ndarray:
    """Points no other point beats on both NPV and CO2 reduction (both maximised)."""
    n = npv.size
    mask = np.zeros(n, dtype=bool)
    valid = np.isfinite(npv) & np.isfinite(co2_reduction)
    for i in np.flatnonzero(valid):
        better_or_equal = valid & (npv >= npv[i]) & (co2_reduction >= co2_reduction[i])
        strictly = (npv > npv[i]) | (co2_reduction > co2_reduction[i])
        mask[i] = not np.any(better_or_equal & strictly)
    return mask


@dataclass(frozen=True, eq=False)
class SearchResult:
    """Result of :func:`sizing_search`.

    Attributes
    ----------
    table : DataFrame
        One row per evaluated point (index ``point``): the parameters, ``stage`` (``grid`` or
        ``refine``), money (``investment_eur`` excl. VAT, ``subsidies_eur``, ``npv_eur``,
        ``irr_frac``, ``payback_years``, ``subsidy_gap_eur``, ``lcoh_eur_per_mwh``,
        ``annual_cost_per_apartment_eur``), ``co2_t`` and ``co2_reduction`` against the
        reference, ``spf_h2``, ``backup_share``, ``unmet_hours``, ``hp_rated_kw``,
        ``pv_installed_kwp``, ``self_consumption``, ``peak_import_kw``, ``connection_kva``
        (peak / :data:`POWER_FACTOR`), ``epc_kwh_m2``,
        ``ok_<constraint>`` per constraint, ``feasible``, ``violations`` (names of the violated
        constraints, comma-separated) and ``check_<name>`` (every check's status).
    params : tuple of str
        The grid's parameter names.
    objective : str
    constraints : tuple of str
    reference : VariantResult
    best_result : VariantResult or None
        The full evaluation of the best feasible point (None when no point is feasible).
    best_case : BusinessCase or None
    """

    table: pd.DataFrame
    params: tuple[str, ...]
    objective: str
    constraints: tuple[str, ...]
    reference: VariantResult | None = None
    best_result: VariantResult | None = None
    best_case: BusinessCase | None = None

    @property
    def feasible(self) -> pd.DataFrame:
        """The feasible rows, best first by the objective."""
        column, sense = OBJECTIVES[self.objective]
        rows = self.table[self.table["feasible"]]
        return rows.sort_values([column, "npv_eur"], ascending=[sense == "min", False], kind="stable")

    @property
    def best(self) -> pd.Series | None:
        """The row of the best feasible point (None when no point is feasible)."""
        rows = self.feasible
        column = OBJECTIVES[self.objective][0]
        rows = rows[np.isfinite(rows[column].astype(float))]
        return rows.iloc[0] if len(rows) else None

    @property
    def best_params(self) -> dict | None:
        """Parameters of the best feasible point, to pass to ``make_variant`` again."""
        best = self.best
        if best is None:
            return None
        return {name: best[name].item() if isinstance(best[name], np.generic) else best[name] for name in self.params}

    def pareto_front(self) -> pd.DataFrame:
        """Feasible points that no other feasible point beats on both NPV and CO2 reduction, by CO2 reduction."""
        rows = self.table[self.table["feasible"]]
        mask = _pareto_mask(rows["npv_eur"].to_numpy(dtype=float), rows["co2_reduction"].to_numpy(dtype=float))
        return rows[mask].sort_values("co2_reduction")

    def trade_off_figure(self, ax=None):
        """NPV against investment: feasible points coloured by CO2 reduction, infeasible ones crossed,
        the Pareto front of NPV vs CO2 reduction ringed, the best point starred. Returns the ``Axes``."""
        import matplotlib.pyplot as plt

        ax = ax or plt.subplots(figsize=(8, 5))[1]
        table = self.table
        ok, bad = table[table["feasible"]], table[~table["feasible"]]
        if len(bad):
            ax.scatter(bad["investment_eur"] / 1e3, bad["npv_eur"] / 1e3, marker="x", color="0.6",
                       label=f"infeasible ({len(bad)})", zorder=2)
        if len(ok):
            points = ax.scatter(ok["investment_eur"] / 1e3, ok["npv_eur"] / 1e3, c=ok["co2_reduction"].astype(float),
                                cmap="viridis", label=f"feasible ({len(ok)})", zorder=3)
            ax.figure.colorbar(points, ax=ax, label="CO2 reduction vs reference [-]")
            front = self.pareto_front().sort_values("investment_eur")
            ax.plot(front["investment_eur"] / 1e3, front["npv_eur"] / 1e3, ls="--", marker="o", ms=11,
                    mfc="none", color="tab:red", label="Pareto front (NPV vs CO2 reduction)", zorder=4)
        best = self.best
        if best is not None:
            ax.scatter([best["investment_eur"] / 1e3], [best["npv_eur"] / 1e3], marker="*", s=260, color="gold",
                       edgecolor="k", label=f"best by {self.objective}", zorder=5)
        ax.axhline(0.0, color="k", lw=0.6)
        ax.set_xlabel("investment excl. VAT [kEUR]")
        ax.set_ylabel("NPV against the reference [kEUR]")
        ax.set_title(f"Sizing search: {len(table)} points, {len(ok)} feasible")
        ax.legend(loc="best", fontsize=8)
        return ax

    def _repr_html_(self) -> str:
        best = self.best_params
        title = (f"<h4>mgwsim sizing search: {len(self.table)} points, {int(self.table['feasible'].sum())} feasible"
                 f" — best by {self.objective}: {best if best is not None else 'none feasible'}</h4>")
        columns = [*self.params, "investment_eur", "npv_eur", "subsidy_gap_eur", "co2_reduction", "spf_h2",
                   "backup_share", "unmet_hours", "feasible", "violations"]
        shown = pd.concat([self.feasible, self.table[~self.table["feasible"]]]).head(20)
        shown = shown[[c for c in columns if c in shown]]
        return title + shown.to_html(float_format=lambda v: f"{v:,.2f}", na_rep="–")


# ---------------------------------------------------------------------------------------
# the search
# ---------------------------------------------------------------------------------------


def _evaluate_row(inputs: StudyInputs, reference: VariantResult, params: dict, variant: Variant, stage: str,
                  constraints, lock_in_checks) -> tuple[dict, VariantResult, BusinessCase]:
    result = evaluate_variant(inputs, variant)
    case = _case(inputs, result, reference)
    return _row(inputs, params, result, case, reference, constraints, lock_in_checks, stage), result, case


_WORKER: dict = {}
"""What each worker process receives once (initializer): inputs, reference and the constraint settings."""


def _init_worker(inputs, reference, constraints, lock_in_checks) -> None:
    _WORKER.update(inputs=inputs, reference=reference, constraints=constraints, lock_in_checks=lock_in_checks)


def _worker_rows(chunk: list[tuple[dict, Variant]]) -> list[dict]:
    w = _WORKER
    return [_evaluate_row(w["inputs"], w["reference"], params, variant, "grid", w["constraints"],
                          w["lock_in_checks"])[0] for params, variant in chunk]


def _portable(inputs: StudyInputs) -> StudyInputs:
    """A copy of ``inputs`` to send to worker processes: its fields and the cached values that pickle.

    Loaded tariffs hold read-only mappings that do not pickle (each worker loads them again);
    the id-keyed demand cache is meaningless in another process.
    """
    clone = copy.copy(inputs)
    names = {f.name for f in dataclasses.fields(inputs)}
    for key, value in list(clone.__dict__.items()):
        if key in names:
            continue
        if key == "_demands":
            del clone.__dict__[key]
            continue
        try:
            pickle.dumps(value)
        except (TypeError, pickle.PicklingError, AttributeError):
            del clone.__dict__[key]
    return clone


class _Search:
    """State of one search: inputs, the evaluated reference, the rows and the best point so far."""

    def __init__(self, inputs, reference, make_variant, constraints, lock_in_checks, objective):
        self.inputs, self.reference, self.make_variant = inputs, reference, make_variant
        self.constraints, self.lock_in_checks, self.objective = constraints, lock_in_checks, objective
        self.rows: list[dict] = []

    def variant(self, params: dict) -> Variant:
        try:
            variant = self.make_variant(dict(params))
        except InputError as error:
            raise InputError(f"{_OWNER}: make_variant({params}) failed: {error}") from error
        if not isinstance(variant, Variant):
            raise InputError(f"{_OWNER}: make_variant({params}) returned {type(variant).__name__}, not a Variant")
        return variant

    def evaluate(self, params: dict, variant: Variant, stage: str) -> tuple[dict, VariantResult, BusinessCase]:
        return _evaluate_row(self.inputs, self.reference, params, variant, stage, self.constraints,
                             self.lock_in_checks)

    def best_row(self) -> dict | None:
        """The best feasible row so far (first one on ties)."""
        best, best_score = None, None
        for row in self.rows:
            score = _score(row, self.objective)
            if score is not None and (best_score is None or score > best_score):
                best, best_score = row, score
        return best


def _grid_points(grid: dict[str, tuple]) -> list[dict]:
    return [dict(zip(grid, values, strict=True)) for values in itertools.product(*grid.values())]


def _run_grid(search: _Search, points: list[dict], n_workers: int, progress) -> None:
    variants = [search.variant(params) for params in points]  # all built (and validated) before simulating
    total = len(points)
    if n_workers == 1 or total == 1:
        for params, variant in zip(points, variants, strict=True):
            search.rows.append(search.evaluate(params, variant, "grid")[0])
            if progress is not None:
                progress(len(search.rows), total)
        return
    size = max(1, -(-total // (4 * n_workers)))
    chunks = [list(zip(points[i:i + size], variants[i:i + size], strict=True)) for i in range(0, total, size)]
    done, rows = 0, [None] * len(chunks)
    initargs = (_portable(search.inputs), search.reference, search.constraints, search.lock_in_checks)
    with cf.ProcessPoolExecutor(min(n_workers, len(chunks)), mp_context=multiprocessing.get_context("spawn"),
                                initializer=_init_worker, initargs=initargs) as pool:
        futures = {pool.submit(_worker_rows, chunk): i for i, chunk in enumerate(chunks)}
        for future in cf.as_completed(futures):
            rows[futures[future]] = future.result()
            done += len(rows[futures[future]])
            if progress is not None:
                progress(done, total)
    search.rows.extend(row for chunk in rows for row in chunk)


def _refine(search: _Search, grid: dict[str, tuple], name: str, xatol: float, maxiter: int) -> None:
    """Bounded scalar search on ``name`` between the neighbours of the best grid value, other parameters fixed."""
    from scipy.optimize import minimize_scalar

    best_row = search.best_row()
    if best_row is None:
        return
    values = sorted(set(float(v) for v in grid[name]))
    i = values.index(float(best_row[name]))
    low, high = values[max(i - 1, 0)], values[min(i + 1, len(values) - 1)]
    fixed = {key: best_row[key] for key in grid}
    penalty = 1e15  # infeasible points lose against every feasible one, whatever their objective
    seen = {float(best_row[name]): -_score(best_row, search.objective)[0]}

    def negative_objective(x: float) -> float:
        x = float(x)
        if x not in seen:
            params = fixed | {name: x}
            row = search.evaluate(params, search.variant(params), "refine")[0]
            search.rows.append(row)
            score = _score(row, search.objective)
            seen[x] = penalty if score is None else -score[0]
        return seen[x]

    minimize_scalar(negative_objective, bounds=(low, high), method="bounded",
                    options={"xatol": xatol, "maxiter": maxiter})


def sizing_search(
    inputs: StudyInputs,
    reference: Variant | VariantResult,
    make_variant: Callable[[dict], Variant],
    grid: Mapping[str, Sequence],
    *,
    constraints: Sequence[str] = CONSTRAINTS,
    objective: str = "npv",
    lock_in_checks: Sequence[str] = LOCK_IN_CHECKS,
    refine: str | None = None,
    refine_xatol: float = 1.0,
    refine_maxiter: int = 12,
    n_workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> SearchResult:
    """Best sizing of one combination of techniques by grid search (and an optional 1-D refinement).

    Every combination of ``grid`` is turned into a variant by ``make_variant(params)``,
    simulated for the year with :func:`~mgwsim.study.evaluate_variant`, priced with the
    business case against the reference (exactly as :class:`~mgwsim.study.Study` does) and
    checked against ``constraints``. The best feasible point maximises (NPV) or minimises
    (subsidy gap, CO2, LCOH, annual cost per apartment) the objective; ties go to the higher
    NPV, then to the earlier grid point.

    Parameters
    ----------
    inputs : StudyInputs
        Building, weather, tariffs, finance and subsidies shared by every point.
    reference : Variant or VariantResult
        What the VME would do anyway; evaluated once (pass a ``VariantResult`` to reuse one).
    make_variant : callable
        ``make_variant(params) -> Variant`` with ``params`` one combination of the grid
        (a dict ``{name: value}``). Use a :class:`MapCache` inside it for the heat-pump maps.
    grid : dict of str -> sequence
        Values per parameter, e.g. ``{"heat_pump_kw": [30, 40, 50, 60], "n_units": [1, 2, 3],
        "buffer_l": [500, 1000, 2000], "pv_kwp": [0, 15, 30]}``; the search runs the full
        product (here 108 points).
    constraints : sequence of str
        Subset of :data:`CONSTRAINTS` and :data:`OPTIONAL_CONSTRAINTS` (the former by default;
        ``()`` for none).
    objective : str
        One of :data:`OBJECTIVES`.
    lock_in_checks : sequence of str
        Checks that must not fail for ``lock_in_pass`` (default :data:`LOCK_IN_CHECKS`).
    refine : str, optional
        A numeric grid parameter (e.g. ``"heat_pump_kw"``) to refine after the grid with
        :func:`scipy.optimize.minimize_scalar` (bounded Brent) between the grid neighbours
        of the best point, the other parameters fixed; infeasible trial points are
        penalised, so the refinement also finds a constraint boundary (e.g. the smallest
        heat pump without unmet heat). Its points enter the table with ``stage="refine"``.
        ``make_variant`` then also receives non-grid values of that parameter.
    refine_xatol : float
        Absolute tolerance of the refinement, in the parameter's unit (default 1, e.g. 1 kW).
    refine_maxiter : int
        Most refinement evaluations (each one an hourly year).
    n_workers : int
        Processes (spawned) that evaluate the grid in chunks; 1 runs in this process. The
        variants are built here and sent to the workers (they must pickle; ``make_variant``
        need not); ``inputs`` and the reference reach each worker once. Each worker pays
        its start-up (imports and compiled kernels: about 4 s on an idle machine, 10 s and
        more on a busy one), so it pays off only for grids of hundreds of points with
        free cores. The refinement always runs here.
    progress : callable, optional
        ``progress(done, total)`` after each grid point (each chunk with ``n_workers > 1``).

    Returns
    -------
    SearchResult

    Raises
    ------
    InputError
        for an empty grid or an empty list of values, an unknown objective or constraint,
        a ``make_variant`` that fails or does not return a Variant (the message names the
        point), or a bad refinement parameter.
    """
    check_choice(objective, "objective", OBJECTIVES, owner=_OWNER)
    grid = _check_grid(grid)
    constraints = _check_constraints(constraints)
    lock_in_checks = (lock_in_checks,) if isinstance(lock_in_checks, str) else tuple(lock_in_checks)
    if not all(isinstance(name, str) for name in lock_in_checks):
        raise InputError(f"{_OWNER}.lock_in_checks must be check names (str), got {lock_in_checks!r}")
    if not callable(make_variant):
        raise InputError(f"{_OWNER}.make_variant must be callable, got {type(make_variant).__name__}")
    if not isinstance(inputs, StudyInputs):
        raise InputError(f"{_OWNER}.inputs must be a StudyInputs, got {type(inputs).__name__}")
    n_workers = int(check_number(n_workers, "n_workers", owner=_OWNER, low=1, high=256))
    _check_refine(refine, grid)
    check_positive(refine_xatol, "refine_xatol", owner=_OWNER)
    maxiter = int(check_number(refine_maxiter, "refine_maxiter", owner=_OWNER, low=1, high=1000))
    if isinstance(reference, Variant):
        reference = evaluate_variant(inputs, reference)
    elif not isinstance(reference, VariantResult):
        raise InputError(f"{_OWNER}.reference must be a Variant or VariantResult, got {type(reference).__name__}")

    search = _Search(inputs, reference, make_variant, constraints, lock_in_checks, objective)
    _run_grid(search, _grid_points(grid), n_workers, progress)
    if refine is not None:
        _refine(search, grid, refine, refine_xatol, maxiter)
    table = pd.DataFrame(search.rows)
    table.index = pd.RangeIndex(len(table), name="point")
    best_result = best_case = None
    if (best := search.best_row()) is not None:  # evaluated again: the search keeps only table rows
        params = {key: best[key] for key in grid}
        _, best_result, best_case = search.evaluate(params, search.variant(params), best["stage"])
    return SearchResult(table, tuple(grid), objective, constraints, reference, best_result, best_case)
