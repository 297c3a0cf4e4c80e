"""COP and capacity of collective air/water heat pumps per refrigerant, at EN 14511 rating points.

    python examples/heat_pump_cop.py
"""

from __future__ import annotations

import pandas as pd

from mgwsim.heatpump import air_to_water

POINTS = [(7.0, 35.0), (2.0, 35.0), (-7.0, 35.0), (7.0, 55.0), (-7.0, 55.0)]  # (A, W) in °C


def cop_table(refrigerants=("R290", "R32", "R454C", "R1234ze(E)"), rated_kw: float = 60.0) -> pd.DataFrame:
    """COP (defrost not included) and capacity at the rating points, one row per refrigerant."""
    rows = {}
    for refrigerant in refrigerants:
        pmap = air_to_water(refrigerant, rated_kw)
        for source, sink in POINTS:
            rows.setdefault(refrigerant, {})[f"COP A{source:g}/W{sink:g}"] = float(pmap.cop_at(source, sink))
            rows[refrigerant][f"kW A{source:g}/W{sink:g}"] = float(pmap.capacity_at(source, sink))
    return pd.DataFrame.from_dict(rows, orient="index")


if __name__ == "__main__":
    print(cop_table().round(2).T.to_string())
