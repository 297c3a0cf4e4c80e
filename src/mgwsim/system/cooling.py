"""A cooling year: the zone's sensible cooling need met by reversible air/water heat pumps.

The need is the ideal sensible cooling of the zone above the building's
``cooling_setpoint_degc`` (:func:`mgwsim.building.simulate_space_heating`). Each step the
units give at most their capacity at that hour's outdoor air and chilled-water supply
(:class:`mgwsim.heatpump.cooling.CoolingMap`); the rest is reported as unmet cooling, the
hours the rooms run above the cooling setpoint. The zone does not feel the shortfall (the
coupled year of :mod:`mgwsim.system.zone` is for heating); unmet cooling is therefore an
energy, not a temperature.

Electricity follows the units' EER with the part-load cycling losses of EN 14825:2022 8.5.2
(cooling as heating: the last unit below its minimum modulation cycles, degradation
coefficient Cd), the arithmetic of :func:`mgwsim.system.kernel.cascade_electricity`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mgwsim.building.envelope import Building
from mgwsim.building.thermal import simulate_space_heating
from mgwsim.errors import InputError, check_fraction, check_number
from mgwsim.heatpump.cooling import CoolingMap
from mgwsim.system.kernel import cascade_electricity
from mgwsim.system.plant import DEFAULT_DEGRADATION_COEFFICIENT
from mgwsim.weather import Weather


@dataclass(frozen=True)
class CoolingYear:
    """Per-step cooling flows [kWh per step] (``hourly``) and the year's totals (``kpis``)."""

    hourly: pd.DataFrame
    kpis: pd.Series


def simulate_cooling(building: Building, weather: Weather, cooling_map: CoolingMap, *, n_units: int = 1,
                     chilled_water_degc: float = 18.0, min_modulation_frac: float = 0.25,
                     degradation_coefficient: float = DEFAULT_DEGRADATION_COEFFICIENT) -> CoolingYear:
    """The building's cooling year on ``n_units`` units of ``cooling_map`` (see the module docstring).

    Parameters
    ----------
    chilled_water_degc : float
        Chilled-water supply [°C], 5–25: 18 for floor or ceiling cooling (no condensation),
        7 for fan coils (the EN 14511 rating points W18 and W7).
    min_modulation_frac : float
        Lowest part load of a unit before it cycles [-] (hplib's 0.25 for inverter units).
    degradation_coefficient : float
        Cd of EN 14825:2022 8.5.2 [-] (0.9 by default for air/water units).

    Returns
    -------
    CoolingYear
        ``hourly`` with ``cooling_need_kwh``, ``cooling_delivered_kwh``, ``cooling_unmet_kwh``,
        ``cooling_elec_kwh``, ``eer``; ``kpis`` with the annual sums, ``unmet_hours`` (steps
        with unmet cooling, in hours) and ``seasonal_eer`` (delivered over electricity).
    """
    owner = "simulate_cooling"
    if building.cooling_setpoint_degc is None:
        raise InputError(f"{owner}: Building({building.name}).cooling_setpoint_degc is None; give the temperature "
                         f"above which the rooms are cooled (15–40 °C)")
    check_number(n_units, "n_units", owner=owner, low=1, high=100)
    check_number(chilled_water_degc, "chilled_water_degc", owner=owner, low=5.0, high=25.0, unit="degC")
    check_fraction(min_modulation_frac, "min_modulation_frac", owner=owner)
    check_number(degradation_coefficient, "degradation_coefficient", owner=owner, low=0.0, high=1.0)
    dt = weather.step_h
    need = simulate_space_heating(building, weather)["space_cooling_kwh"].to_numpy()
    eer = cooling_map.eer(weather.temp_air_degc, chilled_water_degc)
    unit_kwh = cooling_map.capacity_kw(weather.temp_air_degc, chilled_water_degc) * dt
    delivered = np.minimum(need, n_units * unit_kwh)
    elec = np.array([cascade_electricity(q, c, e, 0.0, min_modulation_frac, degradation_coefficient) if q > 0.0 else 0.0
                     for q, c, e in zip(delivered, unit_kwh, eer)])
    hourly = pd.DataFrame({"cooling_need_kwh": need, "cooling_delivered_kwh": delivered,
                           "cooling_unmet_kwh": need - delivered, "cooling_elec_kwh": elec, "eer": eer},
                          index=weather.index)
    unmet_steps = int(np.count_nonzero(need - delivered > 1e-9))
    kpis = pd.Series({"cooling_need_kwh": need.sum(), "cooling_delivered_kwh": delivered.sum(),
                      "cooling_unmet_kwh": (need - delivered).sum(), "unmet_hours": unmet_steps * dt,
                      "cooling_elec_kwh": elec.sum(),
                      "seasonal_eer": delivered.sum() / elec.sum() if elec.sum() > 0.0 else float("nan")})
    return CoolingYear(hourly=hourly, kpis=kpis)
