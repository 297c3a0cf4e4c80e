"""One building-year of space heating + hot water: kernel, end to end, and the pure-Python reference."""

from __future__ import annotations

import numpy as np

from benchmarks._timing import best_time_s
from mgwsim.building import ZoneParameters, building_from_typology
from mgwsim.building.thermal import (
    OUTPUT_COLUMNS, WARMUP_HOURS, _space_heating_kernel, internal_gains_w, setpoint_schedule, solar_gains_w,
    space_heating_from_arrays,
)
from mgwsim.demand import simulate_demand
from mgwsim.weather import default_weather
from tests.reference.space_heating import simulate as reference_simulate


def main() -> None:
    weather = default_weather()
    building = building_from_typology("AB.03", 1)
    params = ZoneParameters.from_building(building)
    theta_e = weather.temp_air_degc
    gains = internal_gains_w(building, weather.index)
    solar = solar_gains_w(building, weather)
    setpoint = setpoint_schedule(building, weather.index)
    run = lambda: space_heating_from_arrays(theta_e, gains, solar, setpoint, params)  # noqa: E731
    run()  # compile / load from cache
    public_s = best_time_s(run, repeat=20, number=5)
    out, vector = np.empty((weather.n_hours, len(OUTPUT_COLUMNS))), params.as_array()
    kernel = lambda: _space_heating_kernel(theta_e, gains, solar, setpoint, vector, np.inf, WARMUP_HOURS, out)  # noqa: E731
    kernel_s = best_time_s(kernel, repeat=20, number=5)
    p = {"h_ve": params.h_ve_w_k, "h_w": params.h_tr_w_w_k, "h_em": params.h_tr_em_w_k, "h_ms": params.h_tr_ms_w_k,
         "h_is": params.h_tr_is_w_k, "c_m": params.c_m_j_k, "a_m": params.a_m_m2, "a_t": params.a_t_m2,
         "area": params.floor_area_m2}
    lists = [list(theta_e), list(gains), list(solar), list(setpoint)]
    python_s = best_time_s(lambda: reference_simulate(p, *lists, np.inf, 168), repeat=3)
    simulate_demand(building, weather)  # solar preparation cached on the weather from here on
    end_to_end_s = best_time_s(lambda: simulate_demand(building, weather), repeat=5)
    print(f"space-heating kernel, one building-year (8,760 h): {kernel_s * 1e3:.3f} ms (target <= 0.3 ms)")
    print(f"the same through its validating public function:   {public_s * 1e3:.3f} ms")
    print(f"pure-Python reference of the same kernel:           {python_s * 1e3:.1f} ms  -> ratio {python_s / kernel_s:.0f}x")
    print(f"end to end (DHW draws + zone + radiators, solar cached): {end_to_end_s * 1e3:.1f} ms")
