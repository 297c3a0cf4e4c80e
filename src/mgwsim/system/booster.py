"""A hot-water booster heat pump on the space-heating loop (a cascade of two different units).

On a low-temperature space-heating loop (e.g. 35-45 °C after renovation) the main heat pumps no longer
reach the 60 °C that legionella rules ask of the hot-water tank. A small water/water *booster* heat pump
takes its heat from the space-heating loop at ``loop_degc`` and lifts it to the tank. The main units then
deliver the booster's evaporator heat at the loop temperature, so per kWh of hot water:

    P_booster = Q / COP_b(θ_loop, θ_tank)                        [kWh]
    Q_evap    = Q (1 - 1 / COP_b)                                  [kWh], from the loop
    P_main    = Q_evap / COP_main(θ_source, θ_loop)                [kWh]

and the pair acts as one unit from the main source to the tank with (first law for the two cycles in
series: the electricity of both per kWh delivered to the tank):

    1 / COP_pair = 1 / COP_b + (1 - 1 / COP_b) / COP_main

:func:`booster_cascade` builds that pair as a :class:`~mgwsim.system.HeatPumpCascade` for
``HotWater(mode="separate_heat_pump", heat_pump=...)``: its map is on the main source's grid and the
booster's sink grid, so the plant kernel runs it like any separate hot-water unit. Assumptions (stated
in the map's model name): the loop is held at ``loop_degc`` while the booster runs (the buffer), and the
main units have the spare capacity for the booster's evaporator heat (their capacity is not reduced in
the run: check the design hour). The main source's defrost factors apply to the pair's whole COP (on the
safe side). Electricity of both cycles is booked as hot-water electricity.
"""

from __future__ import annotations

import numpy as np

from mgwsim.errors import InputError, check_integer, check_number
from mgwsim.heatpump.maps import PerformanceMap, Source
from mgwsim.system.plant import HeatPumpCascade

__all__ = ["booster_cascade", "booster_pair_map"]


def booster_pair_map(booster: PerformanceMap, main: PerformanceMap, loop_degc: float) -> PerformanceMap:
    """The map of a booster on the loop of ``main`` at ``loop_degc`` [°C], seen from ``main``'s source.

    COP from the series formula of the module docstring [-]; capacity = the booster's at
    (``loop_degc``, sink) [kW] (rated capacity: the booster's), 0 where ``main`` cannot deliver ``loop_degc`` from that source (outside its
    source limits or above its maximum supply). Grid: ``main``'s source grid × ``booster``'s sink grid.
    """
    owner = "booster_pair_map"
    for name, m in (("booster", booster), ("main", main)):
        if not isinstance(m, PerformanceMap):
            raise InputError(f"{owner}.{name} must be a PerformanceMap, got {type(m).__name__}")
    low = max(booster.source.min_degc, booster.source_degc[0])
    high = min(booster.source.max_degc, booster.source_degc[-1], main.max_sink_degc, main.sink_degc[-1])
    check_number(loop_degc, "loop_degc", owner=owner, low=max(low, main.sink_degc[0]), high=high, unit="°C")
    sinks = booster.sink_degc[booster.sink_degc > loop_degc + 1.0]
    if sinks.size < 2:
        raise InputError(f"{owner}: the booster's sink grid {booster.sink_degc[0]:g}..{booster.sink_degc[-1]:g} °C "
                         f"has fewer than 2 points above the loop at {loop_degc:g} °C")
    cop_b = np.asarray(booster.cop_at(np.full(sinks.size, loop_degc), sinks), dtype=float)
    cap_b = np.asarray(booster.capacity_at(np.full(sinks.size, loop_degc), sinks), dtype=float)
    sources = main.source_degc
    cop_m = main._interp(main.cop, sources, np.full(sources.size, float(loop_degc)))
    usable = (sources >= main.source.min_degc) & (sources <= main.source.max_degc)
    ok_b = np.isfinite(cop_b) & (cop_b > 1.0)
    cop_b_safe = np.where(ok_b, cop_b, 2.0)
    pair = 1.0 / (1.0 / cop_b_safe[None, :] + (1.0 - 1.0 / cop_b_safe[None, :]) / cop_m[:, None])
    capacity = np.where(usable[:, None] & ok_b[None, :], cap_b[None, :], 0.0)
    top = float(sinks[ok_b][-1]) if ok_b.any() else float(sinks[0])
    rated = booster.rated_capacity_kw if booster.rated_capacity_kw is not None else (
        float(cap_b[ok_b][0]) if ok_b.any() else None)
    return PerformanceMap(
        source_degc=sources, sink_degc=sinks, cop=np.maximum(pair, 1.0 + 1e-6), capacity_kw=capacity,
        source=Source(main.source.kind, main.source.min_degc, main.source.max_degc),
        max_sink_degc=min(top, booster.max_sink_degc), min_modulation_frac=booster.min_modulation_frac,
        rated_capacity_kw=rated,
        model=f"booster {booster.model or 'unit'} on the {loop_degc:g} °C loop of {main.model or 'the main units'}",
        refrigerant=booster.refrigerant, method="booster pair", includes_defrost=main.includes_defrost)


def booster_cascade(booster: PerformanceMap, main: HeatPumpCascade, loop_degc: float, *, n_units: int = 1,
                    supply_margin_k: float = 3.0) -> HeatPumpCascade:
    """``n_units`` boosters on the loop of the ``main`` cascade, as the plant's separate hot-water cascade.

    Use as ``HotWater(mode="separate_heat_pump", heat_pump=booster_cascade(...))``; see the module docstring.
    """
    if not isinstance(main, HeatPumpCascade):
        raise InputError(f"booster_cascade.main must be a HeatPumpCascade, got {type(main).__name__}")
    check_integer(n_units, "n_units", owner="booster_cascade", low=1, high=50)
    return HeatPumpCascade(booster_pair_map(booster, main.performance, loop_degc), n_units=n_units,
                           supply_margin_k=supply_margin_k, apply_defrost=main.defrost)
