"""Heat-side system year: zone kernel + plant kernel (cascade, two tanks, backup) vs the same loop in Python."""

from __future__ import annotations

import numpy as np

from benchmarks._timing import best_time_s, pure_python
from mgwsim.building import ZoneParameters
from mgwsim.building.thermal import (
    OUTPUT_COLUMNS, WARMUP_HOURS, _space_heating_kernel, internal_gains_w, setpoint_schedule, solar_gains_w,
)
from mgwsim.control import Control
from mgwsim.demand import simulate_demand
from mgwsim.examples import antwerp_block
from mgwsim.heatpump import Source, carnot_map
from mgwsim.storage import Tank
from mgwsim.system import Backup, HeatPumpCascade, HotWater, Plant, simulate_system
from mgwsim.system import kernel
from mgwsim.system.simulate import _defrost, _grids, _params
from mgwsim.weather import default_weather


def _plant() -> Plant:
    pmap = carnot_map(np.linspace(-25, 35, 25), np.linspace(36, 80, 23), rated_capacity_kw=60.0, source=Source("air"),
                      max_sink_degc=75.0)
    return Plant(HeatPumpCascade(pmap, 2), HotWater(Tank(1500.0, 55.0, 75.0), booster_kw=18.0), Tank(2000.0),
                 Backup("gas_boiler", 150.0, 0.9))


def main() -> None:
    weather = default_weather()
    demand = simulate_demand(antwerp_block(), weather)
    plant = _plant()
    d = demand.hourly
    cap_f, cop_f = _defrost(plant.heat_pumps, weather)
    zeros = np.zeros(weather.n_hours)
    args = (d["space_heating_kwh"].to_numpy(), d["supply_required_degc"].to_numpy(), d["return_required_degc"].to_numpy(),
            d["dhw_kwh"].to_numpy(), weather.temp_air_degc, weather.temp_air_degc, cap_f, cop_f,
            np.full(weather.n_hours, np.inf), zeros, zeros, zeros, zeros,
            _grids(plant.heat_pumps, None), _grids(None, plant.heat_pumps), _params(plant, 50.0, Control()))

    def run(func):
        return lambda: func(*args, np.zeros(2), np.zeros(2), np.zeros((weather.n_hours, kernel.N_OUTPUTS)))

    run(kernel.plant_kernel)()
    numba_s = best_time_s(run(kernel.plant_kernel), repeat=20, number=5)
    with pure_python(kernel):
        python_s = best_time_s(run(kernel.plant_kernel), repeat=2)
    simulate_system(demand, plant, weather)
    end_to_end_s = best_time_s(lambda: simulate_system(demand, plant, weather), repeat=5)
    zone_s = _zone_kernel_s(weather)
    print(f"plant kernel (2-unit cascade, buffer, DHW tank, gas backup), one year: {numba_s * 1e3:.3f} ms")
    print(f"heat-side year = zone kernel {zone_s * 1e3:.3f} ms + plant kernel: {(zone_s + numba_s) * 1e3:.3f} ms "
          f"(target <= 0.5 ms)")
    print(f"same kernel in pure Python (all helpers as py_func):              {python_s * 1e3:.0f} ms -> ratio "
          f"{python_s / numba_s:.0f}x")
    print(f"simulate_system end to end (demand given):                        {end_to_end_s * 1e3:.1f} ms")


def _zone_kernel_s(weather) -> float:
    """Kernel time of the example block's 5R1C zone year (inputs prepared once)."""
    building = antwerp_block()
    params = ZoneParameters.from_building(building)
    arrays = (weather.temp_air_degc, internal_gains_w(building, weather.index), solar_gains_w(building, weather),
              setpoint_schedule(building, weather.index), params.as_array(), np.inf, WARMUP_HOURS,
              np.empty((weather.n_hours, len(OUTPUT_COLUMNS))))
    _space_heating_kernel(*arrays)
    return best_time_s(lambda: _space_heating_kernel(*arrays), repeat=20, number=5)
