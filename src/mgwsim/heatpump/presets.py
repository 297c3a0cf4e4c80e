"""Ready-made performance maps on sensible grids, for the few-lines use of mgwsim.

The maximum supply temperatures are typical of current products per refrigerant
(assumptions to be replaced by the chosen product's datasheet): R290 monoblocs reach
70–75 °C, R32, R410A and R454C units 55–65 °C, R1234ze(E) large units ~80 °C, R744 (transcritical)
90 °C for hot water.
"""

from __future__ import annotations

import numpy as np

from mgwsim.errors import check_choice
from mgwsim.heatpump.cycle import cycle_map
from mgwsim.heatpump.maps import PerformanceMap, Source

TYPICAL_MAX_SUPPLY_DEGC = {"R290": 75.0, "R32": 60.0, "R410A": 60.0, "R454C": 65.0, "R1234ze(E)": 80.0, "R744": 90.0,
                           "R134a": 70.0}
"""Typical maximum supply temperature per refrigerant [°C] (see the module docstring)."""

AIR_SOURCE_GRID_DEGC = np.linspace(-25.0, 34.0, 60)
"""Outdoor air grid [°C]; it stops below the lowest sink (35 °C, the W35 rating point), and the
preset's source limit stops with it (a heat pump is not needed for space heating above 34 °C)."""
BRINE_SOURCE_GRID_DEGC = np.linspace(-5.0, 20.0, 26)


def _sink_grid(max_supply_degc: float, lowest_degc: float) -> np.ndarray:
    return np.linspace(lowest_degc, max(max_supply_degc, lowest_degc + 10.0), 25)


def _preset(source: Source, grid: np.ndarray, lowest_sink_degc: float, refrigerant: str, rated_capacity_kw: float,
            max_supply_degc: float | None, min_modulation_frac: float, model: str, owner: str) -> PerformanceMap:
    check_choice(refrigerant, "refrigerant", TYPICAL_MAX_SUPPLY_DEGC, owner=owner)
    max_supply = TYPICAL_MAX_SUPPLY_DEGC[refrigerant] if max_supply_degc is None else max_supply_degc
    label = model or f"{refrigerant} {source.kind}/water {rated_capacity_kw:g} kW"
    return cycle_map(refrigerant, grid, _sink_grid(max_supply, lowest_sink_degc), rated_capacity_kw=rated_capacity_kw,
                     source=source, max_sink_degc=max_supply, min_modulation_frac=min_modulation_frac, model=label)


def air_to_water(refrigerant: str = "R290", rated_capacity_kw: float = 60.0, *, max_supply_degc: float | None = None,
                 min_modulation_frac: float = 0.3, model: str = "") -> PerformanceMap:
    """Air/water heat pump map from the CoolProp cycle (rated at A7/W35), source −25…34 °C, sink from 35 °C."""
    return _preset(Source("air", max_degc=34.0), AIR_SOURCE_GRID_DEGC, 35.0, refrigerant, rated_capacity_kw,
                   max_supply_degc, min_modulation_frac, model, "air_to_water")


def brine_to_water(refrigerant: str = "R290", rated_capacity_kw: float = 60.0, *, max_supply_degc: float | None = None,
                   min_modulation_frac: float = 0.3, model: str = "") -> PerformanceMap:
    """Brine/water heat pump map from the CoolProp cycle (rated at B0/W35), source −5…20 °C."""
    return _preset(Source("brine"), BRINE_SOURCE_GRID_DEGC, 25.0, refrigerant, rated_capacity_kw, max_supply_degc,
                   min_modulation_frac, model, "brine_to_water")
