"""Sizing aids an engineer calls before simulating: duration curve, bivalent coverage, units, buffer.

Every function takes its assumptions as arguments (nothing hidden). Loads in kW are the
mean power of an hour, so an hourly energy in kWh is also a power in kW.

Bivalent-parallel logic
-----------------------
In a bivalent-*parallel* plant the heat pump runs at every load and the backup (gas
boiler, resistance) only adds what the heat pump cannot give: the heat pump delivers
``min(load, capacity)`` each hour. Because the coldest hours are few, a heat pump of
about half the design load covers most of the annual energy: DIN V 4701-10:2003-08
Table C.3-4b (also reproduced in VDI 4650 Blatt 1) gives a heat-pump share of the annual
heat of about 0.90-0.96 for parallel operation with bivalent points between about -3 and
0 °C (German reference climate, design temperature about -12 to -16 °C), and planning
guides quote "50 % of the design load covers 80-90 % of the annual heat". These table
values are quoted from memory of the standard; check the edition before citing numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mgwsim.demand import Demand
from mgwsim.errors import InputError, check_choice, check_integer, check_number, check_positive, check_series
from mgwsim.heatpump.maps import PerformanceMap

__all__ = [
    "BufferSizing",
    "bivalent_coverage",
    "bivalent_point_degc",
    "buffer_volume_l",
    "coverage_for_capacity",
    "load_duration_curve",
    "select_units",
]

WATER_HEAT_CAPACITY_KJ_PER_L_K = 4.18 * 0.992
"""Volumetric heat capacity of heating water at ~40 °C: c_p 4.18 kJ/(kg·K) × ρ 0.992 kg/l [kJ/(l·K)]."""


def _check_demand(demand, owner: str) -> Demand:
    if not isinstance(demand, Demand):
        raise InputError(f"{owner}.demand must be a Demand (mgwsim.simulate_demand), got {type(demand).__name__}")
    return demand


def _hourly_load_kw(demand: Demand, include_dhw: bool) -> np.ndarray:
    load = demand.hourly["space_heating_kwh"].to_numpy(dtype=float)
    if include_dhw:
        load = load + demand.hourly["dhw_kwh"].to_numpy(dtype=float)
    return load


def _design_load_kw(demand: Demand) -> float:
    return demand.building.design_heat_load_kw(demand.design_temperature_degc)


def load_duration_curve(demand: Demand, *, include_dhw: bool) -> pd.Series:
    """Hourly heat load sorted from the highest to the lowest [kW].

    Parameters
    ----------
    include_dhw : bool
        Add the hot-water heat (draws + circulation + storage losses) to space heating.

    Returns
    -------
    Series
        ``load_kw`` indexed by ``hours_at_or_above`` (1 .. n): the load that is equalled
        or exceeded during that many hours of the year.
    """
    _check_demand(demand, "load_duration_curve")
    load = np.sort(_hourly_load_kw(demand, bool(include_dhw)))[::-1]
    index = pd.RangeIndex(1, load.size + 1, name="hours_at_or_above")
    return pd.Series(load, index=index, name="load_kw")


def coverage_for_capacity(demand: Demand, hp_capacity_kw, *, include_dhw: bool) -> float:
    """Share [-] of the annual heat a heat pump of ``hp_capacity_kw`` covers (bivalent parallel).

    ``Σ min(load_h, capacity_h) / Σ load_h``; ``hp_capacity_kw`` is a constant or an
    hourly array (e.g. ``n_units * map.capacity_at(source, supply)``, 0 where the unit is
    not available). Buffer storage, cycling and minimum modulation are ignored.
    """
    _check_demand(demand, "coverage_for_capacity")
    load = _hourly_load_kw(demand, bool(include_dhw))
    cap = check_series(np.broadcast_to(np.asarray(hp_capacity_kw, dtype=float), load.shape), "hp_capacity_kw",
                       owner="coverage_for_capacity", low=0.0)
    total = load.sum()
    if total <= 0.0:
        raise InputError("coverage_for_capacity: the demand has no heat load to cover")
    return float(np.minimum(load, cap).sum() / total)


def bivalent_coverage(demand: Demand, hp_share_of_design_load: float) -> float:
    """Share [-] of the annual *space-heating* energy covered by a heat pump of a share of the design load.

    The heat pump capacity is ``hp_share_of_design_load × Φ_HL`` (``Φ_HL`` =
    ``demand.building.design_heat_load_kw(demand.design_temperature_degc)``), constant over
    the year, and it covers ``min(load, capacity)`` each hour (see the module docstring).
    The hourly simulation includes internal and solar gains and the weather of one year,
    so its peak hour is usually below ``Φ_HL`` and its coverage differs from tables built
    on the steady-state load line and a long-term climate.
    """
    share = check_number(hp_share_of_design_load, "hp_share_of_design_load", owner="bivalent_coverage", low=0.0,
                         high=3.0)
    _check_demand(demand, "bivalent_coverage")
    return coverage_for_capacity(demand, share * _design_load_kw(demand), include_dhw=False)


def bivalent_point_degc(
    demand: Demand,
    hp_capacity_kw: float | None = None,
    *,
    method: str,
    performance_map: PerformanceMap | None = None,
    n_units: int = 1,
    zero_load_degc: float | None = None,
) -> float:
    """Outdoor temperature [°C] at which the steady-state load equals the heat pump capacity.

    The load line is the building's design line ``Φ(θ_e) = Φ_HL (θ_0 - θ_e)/(θ_0 - θ_e,d)``
    (EN 12831-1 design load ``Φ_HL`` at the design temperature ``θ_e,d``, zero at
    ``θ_0 = zero_load_degc``, by default the heating setpoint; pass a heating-limit
    temperature of ~15 °C to account for gains).

    Parameters
    ----------
    hp_capacity_kw : float or None
        Total heat pump capacity [kW] with ``method="design_line"``; None with ``"map"``.
    method : {'design_line', 'map'}
        ``"design_line"``: constant capacity, ``θ_biv = θ_0 - P_hp/Φ_HL · (θ_0 - θ_e,d)``
        (below the design temperature when the heat pump alone covers the design load).
        ``"map"``: capacity of ``n_units`` units of an *air-source* ``performance_map`` at
        the outdoor temperature and at the supply temperature the radiators
        (``demand.radiators``) need for the line's load; 0 where the unit is not available
        (supply above its maximum, source out of its limits). A supply below the map's
        lowest sink temperature is read at that lowest sink (a lower bound of the capacity).
        Returns the highest temperature below which the capacity falls short of the line
        (linear interpolation on a grid of at most 0.05 K), or ``-inf`` if it never does
        down to the lowest source temperature of the map.
    performance_map : PerformanceMap, optional
        Only with ``method="map"``.
    n_units : int
        Identical units in cascade (``"map"`` only).
    zero_load_degc : float, optional
        Outdoor temperature of zero load [°C]; default ``building.setpoint_degc``.
    """
    owner = "bivalent_point_degc"
    _check_demand(demand, owner)
    check_choice(method, "method", ("design_line", "map"), owner=owner)
    design_t = demand.design_temperature_degc
    zero_t = demand.building.setpoint_degc if zero_load_degc is None else zero_load_degc
    zero_t = check_number(zero_t, "zero_load_degc", owner=owner, low=design_t, high=30.0, low_inclusive=False,
                          unit="°C")
    design_kw = _design_load_kw(demand)
    if method == "design_line":
        if performance_map is not None:
            raise InputError(f"{owner}: performance_map is only used with method='map'")
        cap = check_positive(hp_capacity_kw, "hp_capacity_kw", owner=owner, unit="kW")
        return float(zero_t - cap / design_kw * (zero_t - design_t))
    return _bivalent_point_from_map(demand, performance_map, hp_capacity_kw, n_units, zero_t, design_kw)


def _bivalent_point_from_map(demand, performance_map, hp_capacity_kw, n_units, zero_t, design_kw) -> float:
    owner = "bivalent_point_degc"
    if not isinstance(performance_map, PerformanceMap):
        raise InputError(f"{owner}.performance_map must be a PerformanceMap with method='map'")
    if hp_capacity_kw is not None:
        raise InputError(f"{owner}: hp_capacity_kw is taken from performance_map with method='map'; pass None")
    if performance_map.source.kind != "air":
        raise InputError(f"{owner}: method='map' needs an air-source map (capacity vs outdoor temperature), got "
                         f"source kind {performance_map.source.kind!r}; use method='design_line' with the "
                         "capacity at the expected source temperature")
    n = check_integer(n_units, "n_units", owner=owner, low=1, high=50)
    design_t = demand.design_temperature_degc
    low = max(performance_map.source_degc[0], performance_map.source.min_degc)
    high = min(zero_t, performance_map.source_degc[-1])
    if high <= low:
        raise InputError(f"{owner}: the map's source range [{low:g}, {performance_map.source_degc[-1]:g}] °C does "
                         f"not reach below zero_load_degc = {zero_t:g} °C")
    t_out = np.linspace(high, low, max(1, math.ceil((high - low) / 0.05)) + 1)  # steps of <= 0.05 K
    load = design_kw * (zero_t - t_out) / (zero_t - design_t)
    supply = demand.radiators.supply_temperature_degc(load)
    sink_grid = performance_map.sink_degc
    cap = n * performance_map.capacity_at(t_out, np.clip(supply, sink_grid[0], sink_grid[-1]))
    cap = np.where(supply > sink_grid[-1], 0.0, cap)
    short = cap < load
    if not short.any():
        return -math.inf
    k = int(np.flatnonzero(short)[0])
    if k == 0:
        return float(t_out[0])
    margin = cap - load  # >= 0 at k-1, < 0 at k
    frac = margin[k - 1] / (margin[k - 1] - margin[k])
    return float(t_out[k - 1] + frac * (t_out[k] - t_out[k - 1]))


def select_units(
    required_kw: float,
    products: pd.DataFrame,
    *,
    max_units: int = 6,
    at: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """Cascades of ``n`` identical units of one product that meet ``required_kw``, least oversized first.

    Parameters
    ----------
    required_kw : float
        Heat output to reach at the rating point [kW] (e.g. the design load, or the
        bivalent share of it).
    products : DataFrame
        One row per product with at least ``name`` and ``capacity_kw`` (capacity of one
        unit [kW]); further columns (price, refrigerant ...) are carried to the result.
    max_units : int
        Largest number of units in a cascade (1..50).
    at : (source_degc, sink_degc), optional
        Rating point. When given, ``products`` needs a ``performance_map`` column of
        :class:`PerformanceMap` and the unit capacity is ``map.capacity_at(*at)``;
        when None, ``capacity_kw`` is used as listed (at the point the caller rated it).

    Returns
    -------
    DataFrame
        For each product the smallest ``n_units`` with ``n · capacity >= required_kw``
        (more units only oversize more): columns ``name, n_units, unit_capacity_kw,
        total_capacity_kw, oversizing_frac`` (= total/required - 1) and the product's other
        columns, sorted by ``oversizing_frac``, then ``n_units``.

    Raises
    ------
    InputError
        when no product reaches ``required_kw`` within ``max_units`` (the message gives the
        largest reachable capacity) or the table is malformed.
    """
    owner = "select_units"
    required = check_positive(required_kw, "required_kw", owner=owner, unit="kW")
    if isinstance(max_units, bool) or not isinstance(max_units, (int, np.integer)):
        raise InputError(f"{owner}.max_units must be an integer, got {max_units!r}")
    check_number(max_units, "max_units", owner=owner, low=1, high=50)
    unit_kw = _unit_capacities(products, at, owner)
    # rounded to 1e-9 so that an exact multiple (30 kW / 10 kW) is not pushed up by float error
    n_units = np.ceil(np.round(required / np.where(unit_kw > 0.0, unit_kw, np.nan), 9))
    ok = np.isfinite(n_units) & (n_units <= max_units)
    if not ok.any():
        best = float(np.max(unit_kw)) * int(max_units)
        raise InputError(f"{owner}: no product reaches required_kw = {required:g} kW with at most "
                         f"max_units = {max_units} units (largest reachable: {best:g} kW"
                         f"{'' if at is None else f' at {at}'}); allow more units or add larger products")
    table = products.loc[ok].copy()
    table.insert(1, "n_units", n_units[ok].astype(int))
    table.insert(2, "unit_capacity_kw", unit_kw[ok])
    table.insert(3, "total_capacity_kw", table["n_units"] * table["unit_capacity_kw"])
    table.insert(4, "oversizing_frac", table["total_capacity_kw"] / required - 1.0)
    table = table.drop(columns=[c for c in ("capacity_kw",) if at is None and c in table])
    return table.sort_values(["oversizing_frac", "n_units"], kind="stable").reset_index(drop=True)


def _unit_capacities(products, at, owner) -> np.ndarray:
    if not isinstance(products, pd.DataFrame) or len(products) == 0:
        raise InputError(f"{owner}.products must be a non-empty DataFrame with columns name, capacity_kw")
    need = ("name", "capacity_kw") if at is None else ("name", "performance_map")
    missing = [c for c in need if c not in products.columns]
    if missing:
        raise InputError(f"{owner}.products lacks column(s) {missing}; has {list(products.columns)}")
    if at is None:
        return check_series(products["capacity_kw"].to_numpy(dtype=float), "products.capacity_kw", owner=owner,
                            low=0.0)
    source, sink = (check_number(v, f"at[{i}]", owner=owner, unit="°C") for i, v in enumerate(at))
    caps = []
    for name, pmap in zip(products["name"], products["performance_map"], strict=True):
        if not isinstance(pmap, PerformanceMap):
            raise InputError(f"{owner}.products.performance_map of {name!r} must be a PerformanceMap")
        caps.append(float(pmap.capacity_at(source, sink)))
    return np.asarray(caps)


@dataclass(frozen=True)
class BufferSizing:
    """Buffer volumes [l] from the minimum-run-time formula and from the rule of thumb."""

    min_runtime_volume_l: float
    rule_of_thumb_volume_l: float
    explanation: str

    def to_series(self) -> pd.Series:
        return pd.Series({"min_runtime_volume_l": self.min_runtime_volume_l,
                          "rule_of_thumb_volume_l": self.rule_of_thumb_volume_l}, name="buffer")


def buffer_volume_l(
    hp_capacity_kw: float,
    *,
    min_modulation_frac: float,
    min_runtime_min: float = 10.0,
    delta_t_k: float = 5.0,
    rule_of_thumb_l_per_kw: float = 20.0,
    n_units: int = 1,
) -> BufferSizing:
    """Buffer volume that lets the smallest output run its minimum time, and the rule of thumb.

    ``V = P_min · t_min / (ρ c ΔT)`` with ``P_min = min_modulation_frac × hp_capacity_kw``
    (one unit of a cascade at its lowest speed: with zero load the whole output goes into
    the buffer, which may warm by ``delta_t_k`` before the unit stops) and ρc of water
    4.15 kJ/(l·K). Manufacturers' planning guides ask for minimum compressor run times
    of about 6-10 min to limit starts and oil-return problems; VDI 4645:2018 asks the
    planner to ensure minimum run and pause times (the numbers are the manufacturer's).

    The second value is the common rule of thumb of ~20 l per kW of total heat-pump
    capacity for air/water units (a rule of thumb found in manufacturers' planning guides,
    covering defrost energy and cycling; not a standard value).

    Parameters
    ----------
    hp_capacity_kw : float
        Full-load capacity of *one* unit [kW].
    min_modulation_frac : float
        Lowest part load of a unit as a fraction of full load [-] (1 for on/off units).
    min_runtime_min : float
        Minimum run time [min].
    delta_t_k : float
        Usable temperature rise of the buffer (switch-off hysteresis) [K].
    rule_of_thumb_l_per_kw : float
        Specific volume of the rule of thumb [l/kW].
    n_units : int
        Units in the cascade (only the rule of thumb scales with it).
    """
    owner = "buffer_volume_l"
    cap = check_positive(hp_capacity_kw, "hp_capacity_kw", owner=owner, unit="kW")
    frac = check_number(min_modulation_frac, "min_modulation_frac", owner=owner, low=0.0, high=1.0,
                        low_inclusive=False)
    t_min = check_number(min_runtime_min, "min_runtime_min", owner=owner, low=0.0, high=120.0, unit="min")
    dt = check_positive(delta_t_k, "delta_t_k", owner=owner, high=30.0, unit="K")
    per_kw = check_number(rule_of_thumb_l_per_kw, "rule_of_thumb_l_per_kw", owner=owner, low=0.0, high=200.0)
    n = check_integer(n_units, "n_units", owner=owner, low=1, high=50)
    p_min_kw = frac * cap
    volume = p_min_kw * t_min * 60.0 / (WATER_HEAT_CAPACITY_KJ_PER_L_K * dt)
    rule = per_kw * cap * n
    text = (f"Minimum run time: {p_min_kw:.3g} kW (= {frac:.2g} x {cap:.3g} kW) for {t_min:g} min into water "
            f"warming {dt:g} K -> {volume:.0f} l. Rule of thumb: {per_kw:g} l/kW x {cap * n:.3g} kW -> {rule:.0f} l. "
            "The formula is the physical minimum for cycling; the rule of thumb also covers defrost of air units.")
    return BufferSizing(float(volume), float(rule), text)
