"""Ready-made performance maps on sensible grids, for the few-lines use of mgwsim.

Every refrigerant of :data:`TYPICAL_MAX_SUPPLY_DEGC` works with default arguments, from air
and from brine. The maximum supply temperatures are typical of current products per
refrigerant (assumptions to be replaced by the chosen product's datasheet): R290 monoblocs
reach 70–75 °C, R32, R410A, R454B, R452B and R454C units 55–65 °C, R407C units ~55 °C,
R134a ~70 °C and R1234ze(E) large units ~80 °C, R744 (transcritical) 90 °C for hot water.

Grids: air −25…35 °C and brine −5…20 °C in 1 K steps, supply from 20 °C in 1.25 K steps
to the top supply: EN 14825's part-load points of the 35 °C application (A −7/34, B 2/30,
C 7/27, D 12/24 °C) lie inside, and the rating point (A7/W35, B0/W35) is a grid point, so it
gives ``rated_capacity_kw`` exactly. Bilinear interpolation stays within 0.3 % of the
cycle's COP where the cycle is smooth, and within 2 % in the cells crossed by the
compressor's minimum-pressure-ratio edge (``tests/test_presets.py``).

Where the map stops, and why (the map says so instead of raising):

* **cold source**: the grid starts at the coldest source (air from −25 °C, brine from
  −5 °C) at which the single-stage cycle still reaches the top of the sink grid
  (volumetric efficiency > 0, COP > 1; see :mod:`mgwsim.heatpump.cycle`). High-temperature
  fluids with a low vapour pressure (R134a, R1234ze(E) at 70–80 °C) stop well above −25 °C:
  ``map.source.min_degc`` then says from where the unit runs, below it the unit is not
  available (capacity 0 in the kernels, the backup takes over; the Python ``cop_at`` raises
  outside the grid). Lower ``max_supply_degc`` to run colder.
* **warm source, cold supply**: nothing is cut. Where the source is warm and the supply
  cold (air above the supply, or a few kelvin below it) the compressor runs at its lowest
  pressure ratio (1.5, :func:`~mgwsim.heatpump.cycle_map`'s ``min_pressure_ratio``): it
  evaporates colder, so COP and capacity stop rising with the source there.
* **warm source**: where evaporating at ``source - approach`` is not possible or worse (R744 near its 31 °C critical point, R744's discharge too cold for 90 °C
  from a warm source) the cycle evaporates colder, so COP never falls as the source warms.
* **hot sink**: where no source reaches the top of the sink grid (R744 with a warm return),
  the grid stops at the highest supply the cycle reaches from the coldest source, and
  ``map.max_sink_degc`` says so. An explicit ``max_supply_degc`` that cannot be reached raises.
* **R744** follows its return water (the gas cooler cools the CO2 to 4 K above it). By default
  the return follows the supply, 5 K below it (EN 14511's 30/35 °C; space heating: the
  penalty of a warm return is in the map, and 90 °C is out of reach: the air map stops near
  75 °C). For hot water give the cold-water return, ``return_degc=10.0``
  (:data:`R744_HOT_WATER_RETURN_DEGC`): the map then reaches 90 °C and its sink grid starts
  5 K above the return (at 20 °C at least). With a fixed return the COP does not depend on the supply until the
  discharge must be hotter than the Liao optimum gives (then it falls with the supply).
"""

from __future__ import annotations

import numpy as np

from mgwsim.errors import InputError, check_choice
from mgwsim.heatpump import _cache
from mgwsim.heatpump.cycle import cycle_map, cycle_point, default_eta_el
from mgwsim.heatpump.maps import PerformanceMap, Source

TYPICAL_MAX_SUPPLY_DEGC = {"R290": 75.0, "R32": 60.0, "R410A": 60.0, "R454C": 65.0, "R454B": 60.0, "R452B": 60.0,
                           "R407C": 55.0, "R1234ze(E)": 80.0, "R134a": 70.0, "R744": 90.0}
"""Typical maximum supply temperature per refrigerant [°C] (see the module docstring)."""

R744_HOT_WATER_RETURN_DEGC = 10.0
"""Return (cold) water temperature [°C] for an R744 hot-water map, ``return_degc=R744_HOT_WATER_RETURN_DEGC``
(EN 16147 cold water, 10 °C)."""

AIR_SOURCE_GRID_DEGC = np.linspace(-25.0, 35.0, 61)
"""Outdoor air grid [°C], 1 K steps: −25 °C (design) to 35 °C (hot water in summer)."""
BRINE_SOURCE_GRID_DEGC = np.linspace(-5.0, 20.0, 26)
"""Brine grid [°C], 1 K steps."""
LOWEST_SINK_DEGC = 20.0
"""First supply temperature of the preset grids [°C]: EN 14825's part-load points of the
35 °C application run at 24–34 °C flow (A/B/C/D: −7/34, 2/30, 7/27, 12/24 °C)."""
SINK_STEP_K = 1.25
"""Sink grid step [K] (W35 on the grid; the interpolation error is bounded in the tests)."""

_MIN_R744_RISE_K = 5.0  # the R744 sink grid starts this far above the return (EN 14511 W35: 30 -> 35 °C)


def _sink_grid(max_supply_degc: float, lowest_degc: float) -> np.ndarray:
    """``lowest_degc`` in steps of :data:`SINK_STEP_K` [°C], ending exactly at the top supply."""
    top = max(max_supply_degc, lowest_degc + 10.0)
    grid = np.arange(lowest_degc, top, SINK_STEP_K)
    grid = grid[grid < top - 0.25 * SINK_STEP_K]  # no sliver of a last step
    return np.append(grid, top)


def _runs(refrigerant: str, source: Source, t_source: float, t_sink: float, return_degc: float | None) -> bool:
    try:
        c = cycle_point(refrigerant, t_source, t_sink, approach_evap_k=source.evaporator_approach_k,
                        return_degc=return_degc)
    except InputError:
        return False
    return c.cop_heating * default_eta_el(refrigerant, source.kind) > 1.0  # cycle_map's default eta_el: usable if COP > 1


def operating_source_grid(refrigerant: str, source: Source, grid: np.ndarray, top_sink_degc: float,
                          return_degc: float | None = None) -> np.ndarray:
    """The part of ``grid`` [°C] from the coldest source at which the cycle reaches ``top_sink_degc``.

    Colder sources only make the lift larger, so every warmer row runs too (warm rows that
    cannot evaporate at ``source - approach`` evaporate colder, see :func:`cycle_map`).

    Raises
    ------
    InputError
        if no source of the grid reaches ``top_sink_degc`` (lower the supply temperature).
    """
    key = _cache.map_key({"kind": "operating_source_grid", "refrigerant": refrigerant, "source": source.__dict__,
                          "approach_evap_k": source.evaporator_approach_k, "grid": grid,
                          "top_sink_degc": float(top_sink_degc), "return_degc": return_degc,
                          "eta_el": default_eta_el(refrigerant, source.kind)})
    first = _cache.load_value(key)  # cached with the maps: a warm preset does not import CoolProp (2-4 s)
    if not isinstance(first, int) or isinstance(first, bool):
        first = next((i for i, t_source in enumerate(grid)
                      if _runs(refrigerant, source, float(t_source), top_sink_degc, return_degc)), -1)
        _cache.save_value(key, first)
    if first >= 0:
        return grid[first:] if grid.size - first >= 2 else grid[-2:]
    raise InputError(f"{refrigerant} cannot reach a supply of {top_sink_degc:g} °C from any {source.kind} source "
                     f"temperature in [{grid[0]:g}, {grid[-1]:g}] °C with a single-stage cycle; lower max_supply_degc")


def reachable_sink_grid(refrigerant: str, source: Source, t_source_degc: float, sinks: np.ndarray,
                        return_degc: float | None = None) -> np.ndarray:
    """``sinks`` [°C] up to the highest one the cycle reaches from ``t_source_degc`` (COP > 1).

    Raises
    ------
    InputError
        if fewer than two sinks are reached.
    """
    for k in range(sinks.size - 1, 0, -1):
        if _runs(refrigerant, source, t_source_degc, float(sinks[k]), return_degc):
            return sinks[:k + 1]
    raise InputError(f"{refrigerant} cannot heat above {sinks[0]:g} °C from a {source.kind} source at "
                     f"{t_source_degc:g} °C with a single-stage cycle")


def _preset(kind: str, grid: np.ndarray, lowest_sink_degc: float, refrigerant: str, rated_capacity_kw: float,
            max_supply_degc: float | None, min_modulation_frac: float, model: str, return_degc: float | None,
            owner: str) -> PerformanceMap:
    check_choice(refrigerant, "refrigerant", TYPICAL_MAX_SUPPLY_DEGC, owner=owner)
    if return_degc is not None and refrigerant != "R744":
        raise InputError(f"{owner}.return_degc = {return_degc!r} °C applies to R744 only (its gas cooler follows "
                         f"the return water); {refrigerant} condenses at the supply temperature")
    max_supply = TYPICAL_MAX_SUPPLY_DEGC[refrigerant] if max_supply_degc is None else max_supply_degc
    if return_degc is not None:  # R744: the water is heated from the return, so the supply starts above it
        lowest_sink_degc = max(lowest_sink_degc, return_degc + _MIN_R744_RISE_K)
    sinks = _sink_grid(max_supply, lowest_sink_degc)
    try:
        sources = operating_source_grid(refrigerant, Source(kind), grid, float(sinks[-1]), return_degc)
    except InputError:
        if max_supply_degc is not None:  # the caller asked for this supply temperature: say it cannot be had
            raise
        sinks = reachable_sink_grid(refrigerant, Source(kind), float(grid[0]), sinks, return_degc)
        sources, max_supply = grid, float(sinks[-1])
    source = Source(kind, min_degc=float(sources[0]), max_degc=float(sources[-1]))
    returning = "" if return_degc is None else f", return {return_degc:g} °C"
    label = model or f"{refrigerant} {kind}/water {rated_capacity_kw:g} kW{returning}"
    return cycle_map(refrigerant, sources, sinks, rated_capacity_kw=rated_capacity_kw, source=source,
                     return_degc=return_degc, max_sink_degc=max_supply, min_modulation_frac=min_modulation_frac,
                     model=label)


def air_to_water(refrigerant: str = "R290", rated_capacity_kw: float = 60.0, *, max_supply_degc: float | None = None,
                 min_modulation_frac: float = 0.3, model: str = "", return_degc: float | None = None) -> PerformanceMap:
    """Air/water heat pump map from the CoolProp cycle (rated at A7/W35), source −25…35 °C, sink from 20 °C.

    The source range starts higher where the fluid cannot reach the top supply temperature
    from −25 °C (``map.source.min_degc``), and the sink range lower where no source reaches
    the top (``map.max_sink_degc``; see the module docstring). ``return_degc``: R744 only,
    a fixed return water temperature [°C] (hot water: 10 °C); default: 5 K below the supply.
    """
    return _preset("air", AIR_SOURCE_GRID_DEGC, LOWEST_SINK_DEGC, refrigerant, rated_capacity_kw, max_supply_degc,
                   min_modulation_frac, model, return_degc, "air_to_water")


def brine_to_water(refrigerant: str = "R290", rated_capacity_kw: float = 60.0, *, max_supply_degc: float | None = None,
                   min_modulation_frac: float = 0.3, model: str = "",
                   return_degc: float | None = None) -> PerformanceMap:
    """Brine/water heat pump map from the CoolProp cycle (rated at B0/W35), source −5…20 °C, sink from 20 °C.

    As :func:`air_to_water` (same rules for the source range and R744's return temperature).
    """
    return _preset("brine", BRINE_SOURCE_GRID_DEGC, LOWEST_SINK_DEGC, refrigerant, rated_capacity_kw, max_supply_degc,
                   min_modulation_frac, model, return_degc, "brine_to_water")
