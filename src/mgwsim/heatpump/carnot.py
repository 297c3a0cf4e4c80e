"""Carnot-efficiency heat pump model: the simple fallback when no cycle or datasheet is at hand.

``COP = eta_carnot * T_cond / (T_cond - T_evap)`` with ``T_cond = T_sink + approach_cond``
and ``T_evap = T_source - approach_evap`` in kelvin, i.e. the lift includes the approach
temperatures of both heat exchangers. Real electrically driven heat pumps reach 40-60 %
of the Carnot COP (Arpagaus et al. 2018, High temperature heat pumps: market overview,
state of the art, research status, refrigerants, and application potentials, Energy
152, 985-1010, fig. 13); with approach-inclusive lifts the grade sits at the upper half
of that range, the default 0.5 is conservative (the EN 14511 points of the products in
``mgwsim/data/heatpump`` give 0.54-0.66, see the tests).

Capacity: ``Q = Q_rated * (1 + slope * (T_source - T_source,rated))``, linear in the
source temperature and independent of the sink (a fixed-speed compressor's mass flow
follows the suction density: about 2-3 %/K for R290/R410A at air-source conditions;
default 0.025 /K, the cycle model of :mod:`mgwsim.heatpump.cycle` gives 2.5-3 %/K).
"""

from __future__ import annotations

import numpy as np

from mgwsim.errors import InputError, check_fraction, check_number, check_positive
from mgwsim.heatpump.maps import PerformanceMap, Source, _check_grid, sink_above_source

__all__ = ["carnot_cop_with_approach", "carnot_map"]


def carnot_cop_with_approach(t_source_degc, t_sink_degc, approach_evap_k: float, approach_cond_k: float):
    """Carnot heating COP [-] between evaporation and condensation temperatures.

    ``T_cond / (T_cond - T_evap)`` with ``T_cond = t_sink + approach_cond_k`` and
    ``T_evap = t_source - approach_evap_k`` [K]. Arrays broadcast.
    """
    t_cond = np.asarray(t_sink_degc, dtype=float) + 273.15 + approach_cond_k
    t_evap = np.asarray(t_source_degc, dtype=float) + 273.15 - approach_evap_k
    return t_cond / (t_cond - t_evap)


def carnot_map(source_degc, sink_degc, *, rated_capacity_kw: float, source: Source | None = None,
               quality_grade: float = 0.5, approach_evap_k: float | None = None, approach_cond_k: float = 4.0,
               capacity_slope_per_k: float = 0.025, max_sink_degc: float | None = None,
               min_modulation_frac: float = 0.3, model: str = "") -> PerformanceMap:
    """Performance map from a constant Carnot efficiency (quality grade).

    Parameters
    ----------
    source_degc, sink_degc : array_like
        Ascending grids of source inlet and sink outlet temperatures [°C].
    rated_capacity_kw : float
        Capacity at the EN 14511 rating point of ``source`` [kW].
    source : Source, optional
        Source kind and limits (default air).
    quality_grade : float
        Fraction of the approach-inclusive Carnot COP reached, in (0, 1) [-] (default 0.5).
    approach_evap_k, approach_cond_k : float
        Heat-exchanger approaches [K]; evaporator default per source kind (air 8 K, brine 6 K).
    capacity_slope_per_k : float
        Relative capacity change per kelvin of source temperature [1/K] (default 0.025).
    max_sink_degc, min_modulation_frac, model
        As in :class:`PerformanceMap`.

    Raises
    ------
    InputError
        for bad grids, a quality grade outside (0, 1), or capacity <= 0 on the grid.
    """
    owner = "carnot_map"
    source = Source("air") if source is None else source
    src = _check_grid(source_degc, "source_degc", owner)
    snk = _check_grid(sink_degc, "sink_degc", owner)
    sink_above_source(src, snk, owner)
    check_positive(rated_capacity_kw, "rated_capacity_kw", owner=owner, unit="kW")
    check_number(quality_grade, "quality_grade", owner=owner, low=0.0, high=1.0,
                 low_inclusive=False, high_inclusive=False)
    approach_evap_k = source.evaporator_approach_k if approach_evap_k is None else approach_evap_k
    check_number(approach_evap_k, "approach_evap_k", owner=owner, low=0.0, high=30.0, unit="K")
    check_number(approach_cond_k, "approach_cond_k", owner=owner, low=0.0, high=30.0, unit="K")
    check_number(capacity_slope_per_k, "capacity_slope_per_k", owner=owner, low=0.0, high=0.2, unit="1/K")
    check_fraction(min_modulation_frac, "min_modulation_frac", owner=owner)
    cop = quality_grade * carnot_cop_with_approach(src[:, None], snk[None, :], approach_evap_k, approach_cond_k)
    factor = 1.0 + capacity_slope_per_k * (src - source.rating_point_degc[0])
    if np.any(factor <= 0.0):
        raise InputError(f"{owner}: capacity_slope_per_k = {capacity_slope_per_k!r} 1/K gives capacity <= 0 at "
                         f"source {src[np.argmax(factor <= 0.0)]:g} °C; narrow the source grid or lower the slope")
    capacity = np.repeat((rated_capacity_kw * factor)[:, None], snk.size, axis=1)
    return PerformanceMap(source_degc=src, sink_degc=snk, cop=cop, capacity_kw=capacity, source=source,
                          max_sink_degc=max_sink_degc, min_modulation_frac=min_modulation_frac,
                          rated_capacity_kw=float(rated_capacity_kw), model=model or "Carnot efficiency",
                          method="carnot", includes_defrost=False)
