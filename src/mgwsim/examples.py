"""The example building of the README and ``make demo``: a 1960s apartment block in Antwerp."""

from __future__ import annotations

from mgwsim.building import Insulate, RenovationPath, RenovationStep, ReplaceWindows, building_from_typology
from mgwsim.building.envelope import Building
from mgwsim.weather import Site

ANTWERPEN = Site("Antwerpen", 51.2194, 4.4025, altitude_m=10.0, municipality="Antwerpen")
"""Antwerp city centre (WGS84)."""


def antwerp_block() -> Building:
    """A 1946–1970 apartment block (TABULA BE.N.AB.02, existing state) scaled to 24 apartments on 6 storeys, 1,850 m²."""
    return building_from_typology("AB.02", 1, floor_area_m2=1850.0, n_apartments=24, n_storeys=6,
                                  name="Antwerp block (1960s, 24 apartments)")


def antwerp_renovation_path() -> RenovationPath:
    """Roof insulation in year 3 (U 0.2), new windows in year 8 (U_w 1.1, g 0.5)."""
    return RenovationPath((
        RenovationStep(3, (Insulate("roof", target_u_w_m2k=0.20),), "roof insulation"),
        RenovationStep(8, (ReplaceWindows(1.1, 0.5),), "new windows"),
    ))
