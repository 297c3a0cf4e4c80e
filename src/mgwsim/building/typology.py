"""Belgian apartment-block (AB) and multi-family (MFH) archetypes of TABULA/EPISCOPE.

Source: TABULA/EPISCOPE building typology, Belgium (VITO), webtool export
(episcope.eu, CC BY 4.0), read from the copy shipped in the ``hisim`` 1.2.4 wheel on PyPI
(``inputs/housing/data_processed/episcope-tabula.csv``); the Belgian AB/MFH rows are
extracted by ``tools/make_embedded_data.py`` into ``data/typology/tabula_be_apartment.csv``.

Each archetype comes in up to three variants: ``001`` existing state, ``002`` usual
refurbishment ("towards EPBD regulations for new build"), ``003`` advanced refurbishment
("towards low energy standard"). Codes look like ``BE.N.AB.03.Gen.ReEx.001.001``; the short
form ``AB.03`` / ``MFH.02.Small`` with ``variant=1|2|3`` is accepted too.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping

import pandas as pd

from mgwsim._data import data_path
from mgwsim.building.envelope import Building, OpaqueElement, Ventilation, Window
from mgwsim.errors import InputError, check_integer, check_number, check_positive

_ORIENTATIONS = {"East": 90.0, "South": 180.0, "West": 270.0, "North": 0.0}
VARIANTS = {1: "existing", 2: "usual refurbishment", 3: "advanced refurbishment"}


@functools.cache
def typology_table() -> pd.DataFrame:
    """The embedded TABULA table (one row per building variant, TABULA column names)."""
    return pd.read_csv(data_path("typology", "tabula_be_apartment.csv")).set_index("Code_BuildingVariant")


@functools.cache
def _typology_row(full_code: str) -> dict:
    """One variant's row of :func:`typology_table` as a dict (kept: batch runs build thousands of buildings)."""
    return typology_table().loc[full_code].to_dict()


def list_typologies() -> pd.DataFrame:
    """A readable overview: code, construction period, floor area, apartments, storeys, q_h_nd."""
    table = typology_table()
    return pd.DataFrame(
        {
            "description": table["Description_BuildingVariant"],
            "year_from": table["Year1_Building"],
            "year_to": table["Year2_Building"],
            "floor_area_m2": table["A_C_Ref"],
            "n_apartments": table["n_Apartment"],
            "n_storeys": table["n_Storey"],
            "tabula_q_h_nd_kwh_m2": table["q_h_nd"],
            "tabula_q_w_nd_kwh_m2": table["q_w_nd"],
        }
    )


def resolve_code(code: str, variant: int | None = None) -> str:
    """Full TABULA variant code from a full code or a short one like ``"AB.03"`` + ``variant``."""
    table = typology_table()
    if code in table.index:
        return code
    if variant not in VARIANTS:
        raise InputError(f"variant = {variant!r} is not one of {sorted(VARIANTS)} (1 existing, 2 usual, 3 advanced)")
    parts = code.split(".")
    size = parts[2] if len(parts) > 2 else "Gen"
    full = f"BE.N.{parts[0]}.{parts[1] if len(parts) > 1 else ''}.{size}.ReEx.001.{variant:03d}"
    if full not in table.index:
        known = sorted({".".join(c.split(".")[2:5]) for c in table.index})
        raise InputError(f"typology {code!r} (variant {variant}) is unknown; known archetypes: {', '.join(known)}")
    return full


def _scale_factors(row: Mapping, floor_area_m2: float | None, n_storeys: int | None) -> tuple[float, float]:
    """Area factors (horizontal, vertical) for geometric similarity.

    The footprint (roof, floor) scales with floor area per storey; facades scale with the
    perimeter (square root of the footprint) times the number of storeys.
    """
    area_ref, storeys_ref = float(row["A_C_Ref"]), int(row["n_Storey"])
    area = area_ref if floor_area_m2 is None else floor_area_m2
    storeys = storeys_ref if n_storeys is None else n_storeys
    footprint_ratio = (area / storeys) / (area_ref / storeys_ref)
    return footprint_ratio, math.sqrt(footprint_ratio) * storeys / storeys_ref


def _window_g_value(row: Mapping) -> float:
    """g of the glazing: the measure's g when the variant replaced the windows (TABULA logic)."""
    measure = str(row["Code_Measure_Window_1"])
    g_measure = float(row["g_gl_n_Measure_Window_1"])
    return g_measure if measure not in ("0", "nan", "") and g_measure > 0 else float(row["g_gl_n_Window_1"])


def _elements(row: Mapping, horizontal: float, vertical: float) -> list[OpaqueElement]:
    elements = []
    for kind, columns, factor in (("roof", ("Roof_1", "Roof_2"), horizontal), ("wall", ("Wall_1", "Wall_2", "Wall_3"), vertical),
                                  ("floor", ("Floor_1", "Floor_2"), horizontal)):
        for suffix in columns:
            area = float(row[f"A_{suffix}"])
            if area > 0:
                elements.append(OpaqueElement(kind, area * factor, float(row[f"U_Actual_{suffix}"]),
                                              b_factor=float(row[f"b_Transmission_{suffix}"]), name=suffix.lower()))
    if float(row["A_Door_1"]) > 0:
        elements.append(OpaqueElement("door", float(row["A_Door_1"]) * vertical, float(row["U_Actual_Door_1"]), name="door"))
    return elements


def _windows(row: Mapping, vertical: float, horizontal: float, orientation_deg: float) -> list[Window]:
    u_window, g_value = float(row["U_Actual_Window_1"]), _window_g_value(row)
    frame, shading = float(row["F_f"]), float(row["F_sh_vert"])
    windows = [
        Window(float(row[f"A_Window_{name}"]) * vertical, u_window, g_value, (azimuth + orientation_deg) % 360.0,
               frame_fraction=frame, shading_factor=shading)
        for name, azimuth in _ORIENTATIONS.items()
        if float(row[f"A_Window_{name}"]) > 0
    ]
    if float(row["A_Window_Horizontal"]) > 0:
        windows.append(Window(float(row["A_Window_Horizontal"]) * horizontal, u_window, g_value, 180.0, tilt_deg=0.0,
                              frame_fraction=frame, shading_factor=float(row["F_sh_hor"])))
    return windows


def building_from_typology(
    code: str,
    variant: int | None = None,
    *,
    floor_area_m2: float | None = None,
    n_apartments: int | None = None,
    n_storeys: int | None = None,
    orientation_deg: float = 0.0,
    name: str | None = None,
) -> Building:
    """A :class:`Building` from a TABULA Belgian archetype, optionally scaled to a real building.

    Parameters
    ----------
    code : str
        Full TABULA variant code or short archetype code (``"AB.03"``, ``"MFH.02.Small"``).
    variant : {1, 2, 3}, optional
        With a short code: 1 existing, 2 usual refurbishment, 3 advanced refurbishment.
    floor_area_m2, n_apartments, n_storeys : optional
        The real building's heated floor area, apartments and storeys; areas scale by
        geometric similarity (see :func:`_scale_factors`).
    orientation_deg : float
        Rotation of the archetype's facades [°] clockwise (0 keeps TABULA's orientation).

    Returns
    -------
    Building
        Envelope with TABULA U-values, b-factors, thermal-bridge surcharge, windows per
        orientation (TABULA F_F, F_sh), ventilation n_use and infiltration n_inf, medium
        thermal mass (TABULA c_m = 45 Wh/(m²·K) = 162 kJ/(m²·K) ≈ EN ISO 13790 "medium"),
        internal gains φ_int and setpoint θ_i of TABULA.
    """
    full = resolve_code(code, variant)
    row = _typology_row(full)
    if floor_area_m2 is not None:
        check_positive(floor_area_m2, "floor_area_m2", owner="building_from_typology", unit="m2")
    if n_storeys is not None:
        n_storeys = check_integer(n_storeys, "n_storeys", owner="building_from_typology", low=1, high=100)
    if n_apartments is not None:
        n_apartments = check_integer(n_apartments, "n_apartments", owner="building_from_typology", low=1, high=10_000)
    check_number(orientation_deg, "orientation_deg", owner="building_from_typology", low=-360, high=360)
    horizontal, vertical = _scale_factors(row, floor_area_m2, n_storeys)
    area = float(row["A_C_Ref"]) if floor_area_m2 is None else floor_area_m2
    apartments = n_apartments if n_apartments is not None else max(1, round(float(row["n_Apartment"]) * area / float(row["A_C_Ref"])))
    return Building(
        name=name or full,
        heated_floor_area_m2=area,
        n_apartments=int(apartments),
        n_storeys=int(n_storeys if n_storeys is not None else row["n_Storey"]),
        elements=tuple(_elements(row, horizontal, vertical)),
        windows=tuple(_windows(row, vertical, horizontal, orientation_deg)),
        thermal_bridge_w_m2k=float(row["delta_U_ThermalBridging"]),
        infiltration_per_h=float(row["n_air_infiltration"]),
        ventilation=Ventilation("natural", float(row["n_air_use"])),
        thermal_mass="medium",
        room_height_m=float(row["h_room"]),
        setpoint_degc=float(row["theta_i"]),
        internal_gains_w_m2=float(row["phi_int"]),
        typology=full,
        construction_period=construction_period(row),
    )


OPEN_PERIOD_YEAR = 9999
"""TABULA's ``Year2_Building`` of the newest, open-ended construction period."""


def construction_period(row: Mapping) -> tuple[int | None, int | None]:
    """First and last construction year of a TABULA archetype; None where TABULA leaves it open
    (``Year1_Building`` 0 before the first period, ``Year2_Building`` 9999 for the newest)."""
    first, last = int(row["Year1_Building"]), int(row["Year2_Building"])
    return (first if first > 0 else None), (last if last < OPEN_PERIOD_YEAR else None)
