"""``make demo``: the example Antwerp apartment block on the embedded default weather."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mgwsim.demand import simulate_demand
from mgwsim.examples import ANTWERPEN, antwerp_block, antwerp_renovation_path
from mgwsim.weather import Weather, default_weather


def renovation_path_demand(weather: Weather) -> pd.DataFrame:
    """Demand summary of the example block at each step of its renovation path (same radiators throughout)."""
    building = antwerp_block()
    today = simulate_demand(building, weather)
    rows = {"as is (year 0)": today.summary()}
    for year, label, state in antwerp_renovation_path().buildings(building)[1:]:
        rows[f"{label} (year {year})"] = simulate_demand(state, weather, radiators=today.radiators).summary()
    return pd.DataFrame(rows)


def run_demo(out: Path) -> pd.DataFrame:
    """Run the demo, write ``demand_summary.csv`` and ``demand.png`` to ``out`` and print the summary."""
    import matplotlib

    matplotlib.use("Agg")
    default = default_weather()
    # The embedded weather year is measured at Uccle; the building stands in Antwerp, 40 km north.
    weather = Weather(default.data, ANTWERPEN, source=default.source + ", used for Antwerpen")
    table = renovation_path_demand(weather)
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "demand_summary.csv")
    demand = simulate_demand(antwerp_block(), weather)
    ax = demand.plot()
    ax.figure.savefig(out / "demand.png", dpi=120, bbox_inches="tight")
    with pd.option_context("display.float_format", "{:,.1f}".format, "display.width", 160):
        print(f"mgwsim demo: {antwerp_block().name}, weather {weather.source}\n")
        print(table.to_string())
    print(f"\nwritten: {out / 'demand_summary.csv'}, {out / 'demand.png'}")
    return table
