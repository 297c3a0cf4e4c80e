"""The block as storey zones: ground floor, middle floors and top floor.

One zone for the whole block (:mod:`mgwsim.building.thermal`) pools every apartment's
losses and gains. In a block the roof loses through the top floor only and the floor through
the ground floor only, while the internal and solar gains are spread over all storeys; the
middle floors, with walls and windows alone, have surplus gains in spring and autumn that a
single zone hands to the top and bottom apartments. :func:`storey_zones` splits the block
into three zones of EN ISO 13790:2008 Annex C (its multi-zone calculation without thermal
coupling between zones, 6.4: the storeys are kept at the same setpoint, so the
slabs between them carry no heat), and :func:`storey_demand` shows what the split changes:
the need per m² and the design load per m² of each zone, the figures that size the
radiators of the top and ground floor apartments and that tell which apartments get cold
first when the plant falls short.

The block's total changes little, because two effects nearly cancel: split zones no longer
pool their gains (the middle floors' surplus is lost, which raises the total), while with
control on the operative temperature a zone with cold surfaces keeps warmer air, an extra
that grows less than linearly with the zone's loss per surface area (the single zone's
average overstates it, which lowers the total). See "Storey zones" in the physics docs for
the TABULA table.

Walls, doors, facade windows, floor area, volume, mass and gains go to the zones in
proportion to their storeys; the roof and roof lights (tilt below 60°) to the top floor;
the floor to the ground floor. The sum of the zones' heat-transfer coefficients, areas and
gains is the block's, so the split changes only where heat is lost and gained.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from mgwsim.building.envelope import Building
from mgwsim.building.thermal import simulate_space_heating
from mgwsim.errors import InputError
from mgwsim.weather import Weather

ROOF_LIGHT_MAX_TILT_DEG = 60.0
"""Windows tilted less than this [°] are roof lights and belong to the top floor."""
STOREY_ZONES = ("ground floor", "middle floors", "top floor")


def storey_zones(building: Building) -> dict[str, Building]:
    """The block split into its ground floor, middle floors and top floor (see the module docstring).

    A block of two storeys has no middle zone. Each zone is a :class:`Building` with the
    block's construction and use, ``storey_position`` "ground", "middle" or "top".

    Raises
    ------
    InputError
        If the building has a single storey (nothing to split).
    """
    n = building.n_storeys
    if n < 2:
        raise InputError(f"storey_zones: Building({building.name}).n_storeys = {n}; a split needs at least 2 storeys")
    groups = (("ground floor", 1, "ground"), ("middle floors", n - 2, "middle"), ("top floor", 1, "top"))
    return {name: _storey_zone(building, name, storeys, position)
            for name, storeys, position in groups if storeys > 0}


def _storey_zone(building: Building, name: str, storeys: int, position: str) -> Building:
    """The zone of ``storeys`` of the ``n_storeys`` at ``position`` (shares as in the module docstring)."""
    share = storeys / building.n_storeys
    elements = [replace(e, area_m2=e.area_m2 * share) for e in building.elements if e.kind in ("wall", "door")]
    elements += [e for e in building.elements if (e.kind, position) in (("roof", "top"), ("floor", "ground"))]
    windows = [replace(w, area_m2=w.area_m2 * share) for w in building.windows
               if w.tilt_deg >= ROOF_LIGHT_MAX_TILT_DEG]
    if position == "top":
        windows += [w for w in building.windows if w.tilt_deg < ROOF_LIGHT_MAX_TILT_DEG]
    return replace(building, name=f"{building.name}: {name}", heated_floor_area_m2=building.heated_floor_area_m2 * share,
                   n_storeys=storeys, n_apartments=max(1, round(building.n_apartments * share)),
                   elements=tuple(elements), windows=tuple(windows), storey_position=position)


def storey_demand(building: Building, weather: Weather, *, design_temperature_degc: float = -7.0) -> pd.DataFrame:
    """Annual space-heating need and design load of the block as one zone and as storey zones.

    Each zone is simulated on its own (ideal heating, :func:`simulate_space_heating`);
    ``design_temperature_degc`` is the outdoor design temperature of EN 12831-1 (Belgian
    national annex, Antwerp/Uccle: −7 °C) for :meth:`Building.design_heat_load_kw`.

    Returns
    -------
    DataFrame indexed by "single zone", the storey zones and "storey zones together", with
    ``floor_area_m2``, ``h_total_w_k`` [W/K], ``space_heating_kwh`` [kWh/yr],
    ``space_heating_kwh_m2`` [kWh/(m²·yr)], ``design_load_w_m2`` [W/m²] and
    ``vs_single_zone`` (per-m² need over the single zone's [-]).
    """
    zones = {"single zone": building, **storey_zones(building)}
    rows = {name: _zone_row(zone, weather, design_temperature_degc) for name, zone in zones.items()}
    split = pd.DataFrame([rows[name] for name in zones if name != "single zone"])
    rows["storey zones together"] = {
        "floor_area_m2": split["floor_area_m2"].sum(), "h_total_w_k": split["h_total_w_k"].sum(),
        "space_heating_kwh": split["space_heating_kwh"].sum(), "design_load_kw": split["design_load_kw"].sum()}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table["space_heating_kwh_m2"] = table["space_heating_kwh"] / table["floor_area_m2"]
    table["design_load_w_m2"] = 1000.0 * table["design_load_kw"] / table["floor_area_m2"]
    table["vs_single_zone"] = table["space_heating_kwh_m2"] / table.loc["single zone", "space_heating_kwh_m2"]
    return table.drop(columns="design_load_kw")


def _zone_row(zone: Building, weather: Weather, design_temperature_degc: float) -> dict[str, float]:
    """Floor area, H, annual need and design load of one zone."""
    need = simulate_space_heating(zone, weather)["space_heating_kwh"].sum()
    return {"floor_area_m2": zone.heated_floor_area_m2, "h_total_w_k": zone.h_total_w_k,
            "space_heating_kwh": float(need), "design_load_kw": zone.design_heat_load_kw(design_temperature_degc)}
