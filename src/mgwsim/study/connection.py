"""The smallest grid connection a variant can live with (issue 18, Balanswijk's lesson).

:func:`connection_search` finds the smallest import limit [kW] — and so the smallest connection
[kVA] — at which a variant still keeps the building comfortable, when everything flexible it has
works to stay under that limit:

* the heat plant runs **peak-limited** (:class:`~mgwsim.control.Control` ``"peak_limited"``: its
  electricity stays within ``limit + PV − common-area load`` each hour; hot water first), with
  **look-ahead**: the buffer is charged ahead of the hours the limit would cut
  (:func:`mgwsim.flexibility.peak_limited_offsets`) and the rooms are pre-heated by up to
  :data:`~mgwsim.control.COMFORT_BAND_K` in the hours before them, so that the building's mass
  carries them (:func:`mgwsim.flexibility.mass_offsets` on a signal that marks the cut hours);
* the EV charge points keep under the same site limit: a variant whose cars charge on the PV
  surplus (``pv_surplus``) charges **PV-led under the cap** (``pv_surplus_limited``: the surplus
  first, the departure guarantee within limit + PV − other load, least laxity first), any other
  **peak-limited** (least laxity first), :mod:`mgwsim.ev.charging`;
* a collective **battery** shaves the peaks above the limit (``Battery.peak_limit_kw``); the plant
  and the cars may then plan against ``limit + battery power``, and a limit counts only if the
  year's grid import really stays under it.

Comfort (:class:`ComfortLimit`) is judged on the coupled zone against the *schedule* setpoint
(a pre-heating raise that is not reached is not "cold"), as the long-term evaluation of
EN 15251:2007 Annex F / EN 16798-1:2019 does: hours with the operative temperature more than
1 K below the setpoint (method A) and degree-hours below it (method B), at most
:data:`~mgwsim.study.decision.COMFORT_TOLERANCE_SHARE` (3 %) of the heating hours
(EN 15251:2007 Annex G); hot water is never short (no unmet draw); the cars get what they got
without a limit.

A smaller limit never leaves more electricity for the plant in any hour, so comfort is monotone
in the limit (tested); the search is a bisection between 0 and the variant's own peak import.
The connection in kVA is the limit over :data:`POWER_FACTOR` (cos φ 0.95, as
:func:`mgwsim.assess.connection_capacity`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from mgwsim.control import COMFORT_BAND_K
from mgwsim.demand import simulate_demand
from mgwsim.electric import CONNECTION_POWER_FACTOR, whole_kva
from mgwsim.errors import InputError, check_number
from mgwsim.flexibility import mass_allowed, mass_offsets, peak_limited_offsets
from mgwsim.study.costs import connection_upgrade_eur
from mgwsim.study.decision import COMFORT_TOLERANCE_SHARE
from mgwsim.study.evaluate import VariantResult, evaluate_variant
from mgwsim.study.inputs import StudyInputs
from mgwsim.study.variant import Variant

__all__ = ["POWER_FACTOR", "PV_LED_EV", "ComfortLimit", "ConnectionResult", "comfort_of", "connection_search",
           "limited_variant", "run_at_limit", "smallest_feasible"]

_OWNER = "connection_search"

POWER_FACTOR = CONNECTION_POWER_FACTOR
"""cos φ that turns an import limit [kW] into the connection's apparent power [kVA]:
:data:`mgwsim.electric.CONNECTION_POWER_FACTOR`."""

PV_LED_EV = ("pv_surplus", "pv_surplus_limited")
"""EV strategies led by the PV surplus: under a limit they charge ``pv_surplus_limited``."""


@dataclass(frozen=True)
class ComfortLimit:
    """What "keeps comfort" means for :func:`connection_search`.

    Parameters
    ----------
    max_cold_share : float
        Cold hours (operative temperature more than 1 K below the schedule setpoint) allowed, as a
        share of the heating hours [-], 0–1; default 3 % (EN 15251:2007 Annex G, carried over by
        EN 16798-1:2019: :data:`~mgwsim.study.decision.COMFORT_TOLERANCE_SHARE`).
    max_degree_hours_kh : float, optional
        Degree-hours below the schedule setpoint allowed [K·h per year] (method B); ``None``: not
        limited (reported only).
    max_dhw_unmet_kwh : float
        Hot water drawn but not delivered allowed [kWh per year]; default 0.001 (none, to rounding).
    max_extra_ev_unmet_kwh : float
        EV energy not delivered beyond what the variant leaves undelivered without a limit
        [kWh per year]; default 0.001 (the cars get what they got).
    max_extra_backup_share : float, optional
        Rise of the backup's share of the heat allowed over the unlimited year [-], 0–1. A hybrid
        keeps comfort at almost any limit by burning gas; this caps what the limit may cost in
        fossil heat. ``None`` (default): not limited (the extra gas is reported).
    """

    max_cold_share: float = COMFORT_TOLERANCE_SHARE
    max_degree_hours_kh: float | None = None
    max_dhw_unmet_kwh: float = 1e-3
    max_extra_ev_unmet_kwh: float = 1e-3
    max_extra_backup_share: float | None = None

    def __post_init__(self):
        check_number(self.max_cold_share, "max_cold_share", owner="ComfortLimit", low=0.0, high=1.0)
        if self.max_degree_hours_kh is not None:
            check_number(self.max_degree_hours_kh, "max_degree_hours_kh", owner="ComfortLimit", low=0.0, high=1e6,
                         unit="K·h")
        check_number(self.max_dhw_unmet_kwh, "max_dhw_unmet_kwh", owner="ComfortLimit", low=0.0, high=1e7,
                     unit="kWh")
        check_number(self.max_extra_ev_unmet_kwh, "max_extra_ev_unmet_kwh", owner="ComfortLimit", low=0.0,
                     high=1e7, unit="kWh")
        if self.max_extra_backup_share is not None:
            check_number(self.max_extra_backup_share, "max_extra_backup_share", owner="ComfortLimit", low=0.0,
                         high=1.0)


def comfort_of(result: VariantResult, schedule_degc: np.ndarray) -> dict[str, float]:
    """Comfort and grid figures of one evaluated year, against the schedule setpoint ``schedule_degc`` [°C].

    ``cold_hours`` Σ Δt where θ_op < θ_set − 1 K [h] and ``degree_hours_kh`` Σ max(θ_set − θ_op, 0)·Δt
    [K·h] (EN 15251:2007 Annex F methods A and B, as :meth:`mgwsim.system.SystemResult.comfort_kpis`
    but on the schedule, not on a pre-heating raise); ``heating_hours`` steps with a space-heating
    need [h]; ``dhw_unmet_kwh``; ``ev_unmet_kwh``; ``peak_import_kw`` the year's highest grid import.
    """
    system, step_h = result.system, result.system.step_h
    below = np.asarray(schedule_degc, float) - system.operative_degc()
    energy = result.energy_kpis()
    return {
        "cold_hours": float((below > 1.0).sum()) * step_h,
        "degree_hours_kh": float(np.maximum(below, 0.0).sum()) * step_h,
        "heating_hours": float((system.demand.hourly["space_heating_kwh"].to_numpy() > 0).sum()) * step_h,
        "dhw_unmet_kwh": float(energy["dhw_unmet_kwh"]),
        "ev_unmet_kwh": float(energy["ev_unmet_kwh"]),
        "peak_import_kw": float(energy["peak_import_kw"]),
        "backup_share": float(energy["backup_share"]),
    }


def limited_variant(variant: Variant, limit_kw: float, *, battery_boost: bool = False) -> Variant:
    """``variant`` run under an import limit of ``limit_kw`` [kW]: peak-limited plant, EV and battery.

    With ``battery_boost`` (and a battery) the plant and the cars plan against ``limit_kw`` plus the
    battery's power, the battery shaving what they draw above ``limit_kw``. The cars keep their PV lead
    (:data:`PV_LED_EV`: ``pv_surplus_limited``), else charge ``peak_limited``.
    """
    limit = check_number(limit_kw, "limit_kw", owner="limited_variant", low=0.0, low_inclusive=False, high=1e5,
                         unit="kW")
    plan = limit + (variant.battery.power_kw if battery_boost and variant.battery is not None else 0.0)
    changes: dict = {"control": replace(variant.control, strategy="peak_limited", import_limit_kw=plan)}
    if variant.ev is not None:
        ev_strategy = "pv_surplus_limited" if variant.ev_strategy in PV_LED_EV else "peak_limited"
        changes |= {"ev": replace(variant.ev, site_limit_kw=plan), "ev_strategy": ev_strategy}
    if variant.battery is not None:
        changes["battery"] = replace(variant.battery, peak_limit_kw=limit)
    return replace(variant, name=f"{variant.name} (limit {limit:g} kW)", **changes)


def _cut_signal(base: VariantResult, inputs: StudyInputs, limit_kw: float) -> np.ndarray:
    """1 in steps where the unlimited plant needs more electricity than the limit leaves it, else 0."""
    step_h = base.system.step_h
    plant_kw = base.system.hourly["plant_elec_kwh"].to_numpy() / step_h
    headroom = np.maximum(limit_kw + base.pv_kw - inputs.common_area_kw, 0.0)
    return (plant_kw > headroom + 1e-9).astype(float)


def run_at_limit(inputs: StudyInputs, variant: Variant, base: VariantResult, limit_kw: float, *,
                 storage: bool = True, mass: bool = True, battery_boost: bool = False) -> VariantResult:
    """Evaluate ``variant`` under the import limit ``limit_kw`` [kW] with its look-ahead flexibility.

    ``base`` is the variant's unlimited year (the forecast of the plans: a perfect forecast of
    weather and hot water, as :mod:`mgwsim.flexibility`). ``storage``: the buffer is charged ahead
    of the cut hours (:func:`~mgwsim.flexibility.peak_limited_offsets`); ``mass``: the room setpoint
    is raised by up to :data:`~mgwsim.control.COMFORT_BAND_K` in heated hours up to 8 h before a
    cut hour where the heat pumps have capacity to spare (:func:`~mgwsim.flexibility.mass_offsets`
    on a signal that is 1 in cut hours and 0 elsewhere, :func:`~mgwsim.flexibility.mass_allowed`).
    """
    limited = limited_variant(variant, limit_kw, battery_boost=battery_boost)
    plan_kw = limited.control.import_limit_kw
    demand = inputs.variant_demand(variant)  # the building after the variant's envelope_now works, as its base year
    buffer_k = None
    cut = _cut_signal(base, inputs, plan_kw)
    if cut.any():
        if storage and variant.plant.heat_pumps is not None and variant.plant.buffer is not None:
            buffer_k = peak_limited_offsets(base.system, plan_kw, pv_kw=base.pv_kw, other_load_kw=inputs.common_area_kw)
        if mass and variant.plant.heat_pumps is not None:
            signal = 1.0 + 1e3 * cut  # "dear" = cut: pre-heat in the hours before (min_spread_frac 0.3)
            raise_k = mass_offsets(signal, inputs.weather.index, base.system.demand.hourly["space_heating_kwh"],
                                   band_k=COMFORT_BAND_K, lead_h=8, allowed=mass_allowed(base.system) & (cut < 0.5))
            if raise_k.any():
                demand = simulate_demand(inputs.building_of(variant), inputs.weather,
                                         radiators=inputs.radiators_of(variant.emitter_upgrade),
                                         regime=inputs.regime, design_temperature_degc=inputs.design_temperature_degc,
                                         occupants_per_apartment=inputs.occupants_per_apartment, seed=inputs.seed,
                                         setpoint_offset_k=raise_k)
    return evaluate_variant(inputs, limited, demand, buffer_offset_k=buffer_k)


def smallest_feasible(feasible: Callable[[float], bool], low_kw: float, high_kw: float, tol_kw: float = 1.0
                      ) -> float | None:
    """Smallest limit in ``[low_kw, high_kw]`` for which ``feasible`` holds, to ``tol_kw`` (bisection).

    ``feasible`` must be monotone (false below a threshold, true above it). Returns ``low_kw``
    when it is already feasible, ``None`` when ``high_kw`` is not; else the smallest limit found
    feasible, within ``tol_kw`` above the threshold. ``ceil(log2((high − low) / tol))`` + 2
    evaluations at most.
    """
    low = check_number(low_kw, "low_kw", owner="smallest_feasible", low=0.0, unit="kW")
    high = check_number(high_kw, "high_kw", owner="smallest_feasible", low=low, unit="kW")
    tol = check_number(tol_kw, "tol_kw", owner="smallest_feasible", low=0.0, low_inclusive=False, unit="kW")
    if not feasible(high):
        return None
    if low > 0.0 and feasible(low):
        return low
    while high - low > tol:
        mid = 0.5 * (low + high)
        if feasible(mid):
            high = mid
        else:
            low = mid
    return high


@dataclass(frozen=True, eq=False)
class ConnectionResult:
    """Result of :func:`connection_search`.

    Attributes
    ----------
    variant : Variant
    base : VariantResult
        The variant's year without a limit (its own control).
    best : VariantResult or None
        The year at the smallest limit that keeps comfort (``None``: no limit does, not even none).
    limit_kw : float or None
        That limit [kW]; ``connection_kva`` = limit / :data:`POWER_FACTOR` [kVA].
    existing_connection_kva : float
        The building's present connection [kVA] (``StudyInputs.existing_connection_kva``).
    comfort : ComfortLimit
    table : pandas.DataFrame
        Every limit tried, in order: ``limit_kw``, ``connection_kva``, ``feasible`` and the
        figures of :func:`comfort_of`.
    capacity_tariff_eur : tuple of float
        The capacity part of the electricity bill incl. VAT [EUR/year] without a limit and at the limit.
    upgrade_eur : tuple of float or None
        The low-voltage connection upgrade among the investments [EUR excl. VAT] without and with the limit.
    """

    variant: Variant
    base: VariantResult
    best: VariantResult | None
    limit_kw: float | None
    existing_connection_kva: float
    comfort: ComfortLimit
    table: pd.DataFrame
    capacity_tariff_eur: tuple[float, float] = (np.nan, np.nan)
    upgrade_eur: tuple = (None, None)
    base_comfort: dict = field(default_factory=dict)
    best_comfort: dict = field(default_factory=dict)

    @property
    def connection_kva(self) -> float | None:
        """The smallest connection that keeps comfort [kVA], rounded up to the kVA."""
        return None if self.limit_kw is None else float(whole_kva(self.limit_kw / POWER_FACTOR))

    @property
    def unlimited_kva(self) -> float:
        """The connection the variant needs without a limit: its peak import / cos φ [kVA], rounded up."""
        return float(whole_kva(self.base_comfort["peak_import_kw"] / POWER_FACTOR))

    def summary(self) -> pd.Series:
        """The smallest connection, what it saves and what it costs (one row of the report's table).

        ``existing_kva`` today's connection, ``unlimited_kva`` what the variant needs without a
        limit, ``smallest_kva`` the smallest that keeps comfort; ``capacity_tariff_saving_eur``
        the capacity part of the bill saved per year incl. VAT (the tariff file's capacity rates
        on the monthly peaks: LV capacity tariff, or MV peak and access power); ``avoided_upgrade_eur``
        the connection upgrade avoided (``data/costs/connection_works.csv``: Fluvius 2019 study
        fees, Infrax 2012 power fee per kVA, mgwsim's works assumption) excl. VAT;
        ``extra_cold_hours``, ``extra_degree_hours_kh``, ``extra_gas_mwh``, ``extra_grid_import_mwh``
        and ``energy_cost_change_eur`` (the energy cost incl. VAT and unmet heat, per year) what the
        limit costs.
        """
        if self.best is None:
            return pd.Series({"existing_kva": self.existing_connection_kva, "unlimited_kva": self.unlimited_kva,
                              "smallest_kva": np.nan}, name=self.variant.name)
        base_e, best_e = self.base.energy_kpis(), self.best.energy_kpis()
        up_base, up_best = self.upgrade_eur
        return pd.Series({
            "existing_kva": self.existing_connection_kva,
            "unlimited_kva": self.unlimited_kva,
            "smallest_kva": self.connection_kva,
            "limit_kw": self.limit_kw,
            "capacity_tariff_saving_eur": self.capacity_tariff_eur[0] - self.capacity_tariff_eur[1],
            "avoided_upgrade_eur": (up_base or 0.0) - (up_best or 0.0),
            "extra_cold_hours": self.best_comfort["cold_hours"] - self.base_comfort["cold_hours"],
            "extra_degree_hours_kh": self.best_comfort["degree_hours_kh"] - self.base_comfort["degree_hours_kh"],
            "extra_gas_mwh": float(best_e["gas_mwh"] - base_e["gas_mwh"]),
            "extra_grid_import_mwh": float(best_e["grid_import_mwh"] - base_e["grid_import_mwh"]),
            "energy_cost_change_eur": (sum(self.best.energy_cost_eur.values())
                                       - sum(self.base.energy_cost_eur.values())),
        }, name=self.variant.name)


def _capacity_incl_vat(result: VariantResult) -> float:
    components = result.bill.components
    if "electricity" not in components.index.get_level_values(0):
        return 0.0
    electricity = components["electricity"]
    capacity = float(electricity["capacity"].sum()) if "capacity" in electricity.index.get_level_values(0) else 0.0
    net = float(electricity.drop("vat", level=0, errors="ignore").sum())
    vat = float(electricity["vat"].sum()) if "vat" in electricity.index.get_level_values(0) else 0.0
    return capacity * (1.0 + (vat / net if net > 0 else 0.0))


def _ok(figures: dict, comfort: ComfortLimit, base: dict, limit_kw: float) -> bool:
    backup = comfort.max_extra_backup_share
    share = figures["backup_share"] if np.isfinite(figures["backup_share"]) else 0.0
    base_share = base["backup_share"] if np.isfinite(base["backup_share"]) else 0.0
    return (figures["cold_hours"] <= comfort.max_cold_share * figures["heating_hours"] + 1e-9
            and (comfort.max_degree_hours_kh is None or figures["degree_hours_kh"] <= comfort.max_degree_hours_kh)
            and figures["dhw_unmet_kwh"] <= comfort.max_dhw_unmet_kwh
            and figures["ev_unmet_kwh"] <= base["ev_unmet_kwh"] + comfort.max_extra_ev_unmet_kwh
            and (backup is None or share <= base_share + backup + 1e-9)
            and figures["peak_import_kw"] <= limit_kw * (1.0 + 1e-6) + 1e-6)


def connection_search(inputs: StudyInputs, variant: Variant, *, comfort: ComfortLimit | None = None,
                      tol_kw: float = 1.0, storage: bool = True, mass: bool = True,
                      base: VariantResult | None = None, progress: Callable[[str], None] | None = None
                      ) -> ConnectionResult:
    """The smallest connection [kVA] at which ``variant`` keeps comfort (see the module docstring).

    Parameters
    ----------
    inputs : StudyInputs
    variant : Variant
        A low-voltage variant (a private medium-voltage cabin is sized on its peak by the study,
        at least the tariff's minimum connection).
    comfort : ComfortLimit, optional
        What must hold at the limit (default :class:`ComfortLimit`).
    tol_kw : float
        Tolerance of the bisection on the limit [kW], 0.1–50 (default 1).
    storage, mass : bool
        Use the buffer (look-ahead charging) and the building's mass (pre-heating) to ride the limit.
        A limit counts as kept when the year keeps comfort with these plans or, failing that,
        with the plain peak-limited kernel (a controller would not use a plan that does worse:
        in long cold spells the limit binds for days and a raised buffer only lowers the COP).
        The table says which plan kept each limit.
    base : VariantResult, optional
        The variant's unlimited year, if already evaluated.
    progress : callable, optional
        ``progress(message)`` after each year simulated.

    Returns
    -------
    ConnectionResult
    """
    if not isinstance(inputs, StudyInputs):
        raise InputError(f"{_OWNER}.inputs must be a StudyInputs, got {type(inputs).__name__}")
    if not isinstance(variant, Variant):
        raise InputError(f"{_OWNER}.variant must be a Variant, got {type(variant).__name__}")
    if variant.connection != "lv":
        raise InputError(f"{_OWNER}.variant.connection = {variant.connection!r}; allowed: 'lv' (a medium-voltage "
                         "cabin is sized on its peak)")
    comfort = ComfortLimit() if comfort is None else comfort
    if not isinstance(comfort, ComfortLimit):
        raise InputError(f"{_OWNER}.comfort must be a ComfortLimit, got {type(comfort).__name__}")
    tol = check_number(tol_kw, "tol_kw", owner=_OWNER, low=0.1, high=50.0, unit="kW")
    base = evaluate_variant(inputs, variant) if base is None else base
    schedule = inputs.demand.hourly["setpoint_degc"].to_numpy()
    base_figures = comfort_of(base, schedule)
    rows: list[dict] = []
    years: dict[float, tuple[VariantResult, dict]] = {}

    plans = [(storage, mass)] + ([(False, False)] if storage or mass else [])

    def feasible(limit_kw: float) -> bool:
        boosts = (False, True) if variant.battery is not None else (False,)
        for (use_storage, use_mass), boost in ((plan, boost) for boost in boosts for plan in plans):
            result = run_at_limit(inputs, variant, base, limit_kw, storage=use_storage, mass=use_mass,
                                  battery_boost=boost)
            figures = comfort_of(result, schedule)
            ok = _ok(figures, comfort, base_figures, limit_kw)
            rows.append({"limit_kw": limit_kw, "connection_kva": limit_kw / POWER_FACTOR, "storage": use_storage,
                         "mass": use_mass, "battery_boost": boost, "feasible": ok, **figures})
            if progress is not None:
                progress(f"limit {limit_kw:.1f} kW: {'keeps' if ok else 'loses'} comfort")
            if ok:
                years[limit_kw] = (result, figures)
                return True
        return False

    high = base_figures["peak_import_kw"] * (1.0 + 1e-6) + 1e-6
    limit = smallest_feasible(feasible, 0.0, high, tol) if _ok(base_figures, comfort, base_figures, high) else None
    table = pd.DataFrame(rows)
    if limit is None:
        return ConnectionResult(variant, base, None, None, float(inputs.existing_connection_kva), comfort, table,
                                base_comfort=base_figures)
    best, figures = years[limit]
    return ConnectionResult(variant, base, best, limit, float(inputs.existing_connection_kva), comfort, table,
                            (_capacity_incl_vat(base), _capacity_incl_vat(best)),
                            (connection_upgrade_eur(base.investments), connection_upgrade_eur(best.investments)),
                            base_figures, figures)
