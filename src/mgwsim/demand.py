"""The building's heat demand per hour (or 15 minutes): space heating, hot water and the supply temperature needed.

Everything runs on the weather's step (1 h, or 15 min for 15-minute weather, e.g.
:meth:`mgwsim.weather.Weather.to_quarter_hours`); energies are kWh per step. This composes the pieces of :mod:`mgwsim.building` in one readable sequence (the way
pvlib's ``ModelChain`` does): hot-water draws and losses first (their losses inside the
heated volume are internal gains), then the 5R1C zone, then the radiators' required supply
and return temperatures for each hour's load.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from mgwsim.building.dhw import CirculationLoop, DhwProfile, LegionellaRules, dhw_losses_kwh, dhw_profile, \
    estimate_circulation_pipe_lengths
from mgwsim.building.emitters import Radiators, radiators_for
from mgwsim.building.envelope import Building
from mgwsim.building.thermal import OPERATIVE_AIR_WEIGHT, OUTPUT_COLUMNS, setpoint_schedule, space_heating_array
from mgwsim.errors import check_number, check_series
from mgwsim.timestep import step_hours
from mgwsim.weather import Weather, design_temperature

_SPACE_HEATING, _AIR, _SURFACE, _UNMET, _GAINS, _SOLAR, _SETPOINT = (OUTPUT_COLUMNS.index(name) for name in (
    "space_heating_kwh", "theta_air_degc", "theta_surface_degc", "unmet_k", "internal_gains_kwh", "solar_gains_kwh",
    "setpoint_degc"))


def step_count_hours(count: int, step_h: float) -> int | float:
    """Hours [h] that ``count`` steps of ``step_h`` hours make: an int for hourly steps, else a float."""
    return int(count) if step_h == 1.0 else float(count) * step_h


@dataclass(frozen=True, eq=False)
class Demand:
    """Heat demand of one building-year per step (hour or 15 minutes).

    ``hourly`` columns (per step of the weather's index; the name is kept from the hourly
    default): ``space_heating_kwh``, ``dhw_kwh`` (heat the hot-water system needs: draws +
    circulation + storage losses), ``dhw_draw_kwh``, ``circulation_loss_kwh`` [kWh per step],
    ``supply_required_degc``, ``return_required_degc``, ``temp_air_degc`` (outdoor),
    ``operative_degc``, ``unmet_k``, and the zone's inputs ``internal_gains_kwh`` (incl. the
    hot-water loop's loss in the shafts), ``solar_gains_kwh`` [kWh per step] and ``setpoint_degc``
    (which the coupled plant year reruns the zone on, :mod:`mgwsim.system.zone`).
    """

    building: Building
    radiators: Radiators
    design_temperature_degc: float
    hourly: pd.DataFrame
    dhw: DhwProfile | None

    @property
    def step_h(self) -> float:
        """Length of one step of ``hourly`` [h]: 1.0 or 0.25."""
        return step_hours(self.hourly.index, owner="Demand", field="hourly.index")

    def summary(self) -> pd.Series:
        """Annual key figures (energies in kWh, specific values per m² of heated floor area).

        Peaks are the highest step mean power [kW] = kWh per step / step [h]; ``*_hours``
        count steps × step [h].
        """
        h, area = self.hourly, self.building.heated_floor_area_m2
        step_h = self.step_h
        space, dhw = h["space_heating_kwh"].sum(), h["dhw_kwh"].sum()
        heating_hours = h["space_heating_kwh"] > 0
        return pd.Series({
            "heated_floor_area_m2": area,
            "n_apartments": self.building.n_apartments,
            "design_temperature_degc": self.design_temperature_degc,
            "design_heat_load_kw": self.building.design_heat_load_kw(self.design_temperature_degc),
            "peak_space_heating_kw": h["space_heating_kwh"].max() / step_h,
            "space_heating_kwh": space,
            "space_heating_kwh_m2": space / area,
            "dhw_kwh": dhw,
            "dhw_kwh_m2": dhw / area,
            "total_heat_kwh": space + dhw,
            "max_supply_required_degc": h["supply_required_degc"].max(),
            "hours_supply_above_55_degc": step_count_hours((h["supply_required_degc"] > 55.0).sum(), step_h),
            "mean_supply_required_degc_heating_hours": h.loc[heating_hours, "supply_required_degc"].mean(),
            "unmet_hours": step_count_hours((h["unmet_k"] > 0.5).sum(), step_h),
        }, name=self.building.name)

    def plot(self, ax=None):
        """Space heating and hot water [kW, step means] over the year (matplotlib)."""
        import matplotlib.pyplot as plt

        ax = ax or plt.subplots(figsize=(10, 3.5))[1]
        step_h = self.step_h
        ax.plot(self.hourly.index, self.hourly["space_heating_kwh"] / step_h, lw=0.6, label="space heating")
        ax.plot(self.hourly.index, self.hourly["dhw_kwh"] / step_h, lw=0.6, label="hot water")
        ax.set_ylabel("heat demand [kW]")
        ax.set_title(self.building.name)
        ax.legend(loc="upper right")
        return ax


def simulate_demand(
    building: Building,
    weather: Weather,
    *,
    radiators: Radiators | None = None,
    regime: tuple[float, float] = (75.0, 65.0),
    design_temperature_degc: float | None = None,
    occupants_per_apartment=2.0,
    litres_per_person_day: float = 40.0,
    seed: int = 0,
    heating_limit_kw: float = np.inf,
    with_dhw: bool = True,
    timezone: str = "Europe/Brussels",
    dhw_draws: pd.DataFrame | None = None,
    setpoint_offset_k=None,
) -> Demand:
    """Space-heating and hot-water demand per step and the supply temperature needed.

    Runs on the weather's step: hourly, or 15-minute weather gives a 15-minute ``Demand``
    (kWh per quarter hour; hot-water draws generated natively per quarter, see
    :func:`mgwsim.building.dhw.apartment_draws_l`).

    Parameters
    ----------
    radiators : Radiators, optional
        The existing emitters. By default radiators sized exactly for this building's design
        load at ``regime``; pass the *original* building's radiators when simulating a
        renovated state, so that the lower load shows as a lower supply temperature.
    design_temperature_degc : float, optional
        Design outdoor temperature [°C]; by default :func:`mgwsim.weather.design_temperature`
        of the weather's site.
    occupants_per_apartment, litres_per_person_day, seed
        Hot-water draws (:func:`mgwsim.building.dhw.dhw_profile`), reproducible by ``seed``.
    timezone : str
        Local clock of the occupants (draw profiles, internal gains, set-back hours).
    dhw_draws : pandas.DataFrame, optional
        Hot-water draws already made on the weather's index in ``timezone`` (see
        :func:`mgwsim.building.dhw.dhw_profile`), instead of drawing them with ``seed``.
    setpoint_offset_k : array, optional
        Raise of the heating setpoint per step [K], 0–5 (e.g. :func:`mgwsim.flexibility.mass_offsets`:
        heat stored in the building's mass in cheap hours). The raised setpoint is the
        ``setpoint_degc`` column, which the coupled year holds (``simulate_system(coupled=True)``).
    """
    if design_temperature_degc is None:
        design_temperature_degc = design_temperature(weather.site, weather).value_degc
    check_number(design_temperature_degc, "design_temperature_degc", owner="simulate_demand", low=-30, high=15)
    if radiators is None:
        radiators = radiators_for(building.design_heat_load_kw(design_temperature_degc), regime)
    dhw = None
    if with_dhw:
        dhw = dhw_profile(weather.index.tz_convert(timezone), n_apartments=building.n_apartments,
                          occupants_per_apartment=occupants_per_apartment, floor_area_m2=building.heated_floor_area_m2,
                          n_storeys=building.n_storeys, seed=seed, litres_per_person_day=litres_per_person_day,
                          draws=dhw_draws)
    setpoint = None
    if setpoint_offset_k is not None:
        offset = check_series(setpoint_offset_k, "setpoint_offset_k", owner="simulate_demand", length=weather.n_steps,
                              low=0.0, high=5.0)
        setpoint = setpoint_schedule(building, weather.index, timezone) + offset
    zone, temperatures = _zone_and_emitters(building, weather, radiators,
                                            dhw.hourly["circulation_loss_shaft_kwh"].to_numpy() if dhw else None,
                                            heating_limit_kw=heating_limit_kw, timezone=timezone,
                                            setpoint_degc=setpoint)
    hourly = pd.DataFrame({
        "space_heating_kwh": zone[:, _SPACE_HEATING],
        "dhw_kwh": dhw.hourly["total_kwh"].to_numpy() if dhw else 0.0,
        "dhw_draw_kwh": dhw.hourly["draw_kwh"].to_numpy() if dhw else 0.0,
        "circulation_loss_kwh": dhw.hourly["circulation_loss_kwh"].to_numpy() if dhw else 0.0,
        "supply_required_degc": temperatures[:, 0],
        "return_required_degc": temperatures[:, 1],
        "temp_air_degc": weather.temp_air_degc,
        "operative_degc": OPERATIVE_AIR_WEIGHT * zone[:, _AIR] + (1 - OPERATIVE_AIR_WEIGHT) * zone[:, _SURFACE],
        "unmet_k": zone[:, _UNMET],
        "internal_gains_kwh": zone[:, _GAINS],
        "solar_gains_kwh": zone[:, _SOLAR],
        "setpoint_degc": zone[:, _SETPOINT],
    }, index=weather.index)
    return Demand(building, radiators, float(design_temperature_degc), hourly, dhw)


def _zone_and_emitters(building: Building, weather: Weather, radiators: Radiators, shaft_loss_kwh,
                       *, heating_limit_kw: float = np.inf, timezone: str = "Europe/Brussels",
                       setpoint_degc: np.ndarray | None = None):
    """The zone's kernel array (:func:`~mgwsim.building.thermal.space_heating_array`) and the radiators'
    (supply, return) temperatures [°C] per step; the hot-water loop's loss in the shafts
    (``shaft_loss_kwh`` per step, or None) counts as internal gains."""
    gains_w = None if shaft_loss_kwh is None else 1000.0 * shaft_loss_kwh / weather.step_h  # kWh/step -> W
    zone = space_heating_array(building, weather, heating_limit_kw=heating_limit_kw, extra_internal_gains_w=gains_w,
                               timezone=timezone, heating_setpoint_schedule_degc=setpoint_degc)
    return zone, radiators.temperatures(zone[:, _SPACE_HEATING] / weather.step_h)  # load [kW]


class DemandSeries(NamedTuple):
    """A building's demand per step as the plant kernel takes it (:func:`mgwsim.system.simulate.run_plant`).

    The first four are the columns of :attr:`Demand.hourly` of the same names, except ``dhw_kwh``:
    the draws alone (``dhw_draw_kwh``), as the kernel runs the circulation ``loop`` itself from
    the tank's outlet, in ``loop_surroundings_degc``, with mains water at ``cold_water_degc``.
    """

    space_heating_kwh: np.ndarray
    dhw_kwh: np.ndarray
    supply_required_degc: np.ndarray
    return_required_degc: np.ndarray
    cold_water_degc: np.ndarray
    loop_surroundings_degc: np.ndarray
    loop: CirculationLoop


def demand_series(building: Building, weather: Weather, radiators: Radiators, draw_kwh: np.ndarray,
                  cold_water_degc: np.ndarray, timezone: str = "Europe/Brussels",
                  plant_room_degc: float = 15.0) -> DemandSeries:
    """:func:`simulate_demand` with ``dhw_draws`` given (their ``draw_kwh``), as the four series a plant needs.

    For batch runs: no DataFrames (about 15 ms of pandas per building, ten times the
    physics). Hot water as :func:`~mgwsim.building.dhw.dhw_profile` makes it with its
    defaults (draws + loop losses at the :class:`~mgwsim.building.dhw.LegionellaRules`
    minima, no tank); the same arithmetic, so the series equal :func:`simulate_demand`'s
    columns exactly; the loop and its surroundings (plant room ``plant_room_degc``, shafts at the
    zone's operative temperature) as :func:`mgwsim.system.simulate.simulate_system` runs them.
    """
    rules = LegionellaRules()
    circulation, shaft, storage = dhw_losses_kwh(
        weather.n_steps, weather.step_h, building.n_apartments, building.n_storeys, building.heated_floor_area_m2,
        supply_temperature_degc=rules.storage_min_degc, circulation_return_degc=rules.circulation_return_min_degc)
    zone, temperatures = _zone_and_emitters(building, weather, radiators, shaft, timezone=timezone)
    loop = CirculationLoop(estimate_circulation_pipe_lengths(building.n_apartments, building.n_storeys,
                                                             building.heated_floor_area_m2))
    operative = OPERATIVE_AIR_WEIGHT * zone[:, _AIR] + (1 - OPERATIVE_AIR_WEIGHT) * zone[:, _SURFACE]
    return DemandSeries(zone[:, _SPACE_HEATING], draw_kwh + storage, temperatures[:, 0], temperatures[:, 1],
                        np.asarray(cold_water_degc, dtype=float),
                        np.ascontiguousarray(loop.surroundings_degc(plant_room_degc, operative), dtype=float), loop)


def through_radiators(series: DemandSeries, radiators: Radiators, step_h: float) -> DemandSeries:
    """``series`` (:func:`demand_series`, steps of ``step_h`` [h]) with the building heated through other
    ``radiators`` (e.g. after an emitter upgrade): the zone does not see its emitters, so its space heating and
    hot water stay; the supply and return temperatures are those the radiators need for that heat (the
    radiator equation, :meth:`~mgwsim.building.emitters.Radiators.temperatures`). The same arithmetic as
    :func:`demand_series` with these radiators, without running the zone again."""
    temperatures = radiators.temperatures(series.space_heating_kwh / step_h)  # load [kW]
    return series._replace(supply_required_degc=temperatures[:, 0], return_required_degc=temperatures[:, 1])
