"""A city building's demand as arrays: :func:`mgwsim.simulate_demand` without its DataFrames.

City rows need four series of a building (space heat, hot water, and the radiators' supply
and return temperatures); building them as the study's ``Demand`` costs about 15 ms of
pandas per building, ten times the physics. :func:`city_demand` calls the same building
blocks in the same order (:func:`~mgwsim.building.dhw.dhw_losses_kw`,
:func:`~mgwsim.building.thermal.space_heating_array`,
:meth:`~mgwsim.building.emitters.Radiators.temperatures`), so its arrays equal the
``Demand``'s columns exactly (tested in ``tests/test_city.py``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from mgwsim.building.dhw import LegionellaRules, dhw_losses_kw
from mgwsim.building.thermal import space_heating_array

_RULES = LegionellaRules()


class CityDemand(NamedTuple):
    """A building's demand per step: the columns of :attr:`mgwsim.demand.Demand.hourly` of the same names."""

    space_heating_kwh: np.ndarray
    dhw_kwh: np.ndarray
    supply_required_degc: np.ndarray
    return_required_degc: np.ndarray


def city_demand(building, weather, radiators, draw_kwh: np.ndarray, timezone: str = "Europe/Brussels") -> CityDemand:
    """:func:`mgwsim.simulate_demand` with ``dhw_draws`` (their ``draw_kwh``), as arrays.

    Hot water: the draws plus the circulation loop's loss at the :class:`LegionellaRules`
    supply and return minima (no tank on the demand side), the loop's share in the shafts
    counted as internal gains, as :func:`~mgwsim.building.dhw.dhw_profile` and
    :func:`~mgwsim.simulate_demand` do.
    """
    n, step_h = weather.n_steps, weather.step_h
    loop_kw, shaft_kw, storage_kw = dhw_losses_kw(
        building.n_apartments, building.n_storeys, building.heated_floor_area_m2,
        loop_temperature_degc=(_RULES.storage_min_degc + _RULES.circulation_return_min_degc) / 2.0,
        storage_degc=_RULES.storage_min_degc)
    circulation = np.broadcast_to(loop_kw, (n,)).astype(float) * step_h
    storage = np.broadcast_to(storage_kw, (n,)).astype(float) * step_h
    gains_w = 1000.0 * (np.broadcast_to(shaft_kw, (n,)).astype(float) * step_h) / step_h  # kWh/step -> W
    zone = space_heating_array(building, weather, extra_internal_gains_w=gains_w, timezone=timezone)
    space_heating = zone[:, 0]
    temperatures = radiators.temperatures(space_heating / step_h)
    return CityDemand(space_heating, draw_kwh + circulation + storage, temperatures[:, 0], temperatures[:, 1])
