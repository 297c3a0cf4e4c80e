"""Optimal-dispatch bound: one-year linear programme (heat plant + PV + capacity tariff + EV) with HiGHS.

Run ``python -m benchmarks.bench_dispatch``. Prints the programme's size, the solve time of
each HiGHS method (best of 3; interior point once), the ratio to the 10 s target of the issue and to a heat-led
``simulate_system`` year, and the bound's gap to the heat-led run.
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks._timing import best_time_s
from mgwsim.demand import simulate_demand
from mgwsim.dispatch import SOLVERS, optimal_dispatch, rule_based_cost
from mgwsim.ev import ChargingSite, generate_sessions
from mgwsim.examples import antwerp_block
from mgwsim.heatpump import Source, carnot_map
from mgwsim.loads import common_area_loads_kw
from mgwsim.pv import flat_roof_east_west, pv_ac_kw_array
from mgwsim.storage import Tank
from mgwsim.system import Backup, HeatPumpCascade, HotWater, Plant, simulate_system
from mgwsim.weather import default_weather

TARGET_S = 10.0
"""Target one-year solve time on 2 cores [s] (issue "Rooftop PV, EV, balance and smart control")."""


def _case():
    weather = default_weather()
    building = antwerp_block()
    demand = simulate_demand(building, weather)
    pmap = carnot_map(np.linspace(-25, 35, 25), np.linspace(36, 80, 23), rated_capacity_kw=60.0, source=Source("air"),
                      max_sink_degc=75.0)
    plant = Plant(HeatPumpCascade(pmap, 2), HotWater(Tank(1500.0, 55.0, 80.0), booster_kw=18.0),
                  Tank(3000.0, 20.0, 80.0), Backup("gas_boiler", 150.0, 0.9))
    hour = np.arange(weather.n_hours) % 24
    costs = {
        "pv_kw": pv_ac_kw_array(weather, flat_roof_east_west(300.0, kwp=30.0)),
        "other_load_kw": common_area_loads_kw(weather.index, building)["total_kw"].to_numpy(),
        "import_price_eur_per_kwh": 0.22 + 0.10 * np.sin(2 * np.pi * (hour - 12) / 24),
        "export_price_eur_per_kwh": 0.04, "capacity_tariff_eur_per_kw_year": 55.0, "gas_price_eur_per_kwh": 0.09,
    }
    sessions = generate_sessions(weather.index, ChargingSite(n_points=8, n_cars=8), seed=1)
    return demand, plant, weather, costs, sessions


def main() -> None:
    demand, plant, weather, costs, sessions = _case()
    heat_led = simulate_system(demand, plant, weather, pv_kw=costs["pv_kw"], other_load_kw=costs["other_load_kw"])
    sim_s = best_time_s(lambda: simulate_system(demand, plant, weather, pv_kw=costs["pv_kw"],
                                                other_load_kw=costs["other_load_kw"]), repeat=5)
    bound = optimal_dispatch(heat_led, **costs)
    for with_ev in (False, True):
        extra = {"sessions": sessions} if with_ev else {}
        for solver in SOLVERS:
            if solver == "highs-ipm" and with_ev:
                continue  # interior point is ~6x slower here; one line suffices
            start = time.perf_counter()
            result = optimal_dispatch(heat_led, solver=solver, **extra, **costs)
            total_s = time.perf_counter() - start
            repeats = 0 if solver == "highs-ipm" else 2
            solve_s = min([result.solve_time_s] + [optimal_dispatch(heat_led, solver=solver, **extra, **costs)
                                                   .solve_time_s for _ in range(repeats)])
            label = f"{'with' if with_ev else 'no'} EV ({len(sessions) if with_ev else 0} sessions), {solver:<9}"
            print(f"{label}: {result.n_variables} columns x {result.n_constraints} rows, solve {solve_s:6.2f} s "
                  f"(build + solve {total_s:5.2f} s); {solve_s / TARGET_S:4.2f} x the {TARGET_S:g} s target, "
                  f"{solve_s / sim_s:6.0f} x a heat-led simulate_system year ({sim_s * 1e3:.1f} ms)")
    rule = rule_based_cost(heat_led, **costs)["total_eur"]
    print(f"without EV: bound {bound.total_cost_eur:,.0f} EUR vs heat-led {rule:,.0f} EUR: gap "
          f"{bound.compare_with(rule)['gap_frac'].iloc[0]:.1%}")


if __name__ == "__main__":
    main()
