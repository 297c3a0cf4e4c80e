"""ANSI/ASHRAE Standard 140-2020 (BESTEST) Cases 600, 900, 600FF and 900FF on the Denver TMY3 year.

The cases are built from the standard's specification: a 8 × 6 × 2.7 m box, two south
windows of 2 × 3 m (12 m², double clear glazing, SHGC 0.789 at normal incidence, U 3.1
W/(m²·K) with 140-2020's surface coefficients), light (600) or heavy (900) walls and floor,
the same light roof, a raised floor over outdoor air (1.003 m of insulation, U 0.0377),
solar absorptance 0.6 and long-wave emissivity 0.9 outside, infiltration 0.5 air changes
per hour, 200 W of internal gains (60 % radiative), heating below 20 °C and cooling above
27 °C of the *air* temperature, Denver at 1650 m. The U-values are 140-2020's (as entered
in the Modelica Buildings library's ISO 13790 BESTEST models,
``Buildings.ThermalZones.ISO13790.Validation.BESTEST``, Maccarini 2024); the thermal
capacities are computed here from the standard's layers (EN ISO 13786 / EN ISO 13790
12.3.1.2, :mod:`mgwsim.building.mass`). The multi-node zone takes the standard's layers instead
of U-values, and for the window 140-2020's glazing (panes, gap, ε 0.84, SHGC 0.769; below).

Reference results: the example programs (BSIMAC, CSE, DeST, EnergyPlus, ESP-r, TRNSYS) and
the acceptance ranges of ANSI/ASHRAE Standard 140-2020 (``RESULTS5-2A.xlsx``), as tabulated
in the Modelica Buildings library, ``Buildings.ThermalZones.ISO13790.Validation.BESTEST.UsersGuide``
and ``Buildings.ThermalZones.Detailed.Validation.BESTEST.Cases6xx.Case600/Case600FF``,
``Cases9xx.Case900/Case900FF`` (github.com/lbl-srg/modelica-buildings).
"""

from __future__ import annotations

import numpy as np
import pytest

from mgwsim.building import Building, OpaqueElement, Ventilation, Window
from mgwsim.building.mass import Layer, zone_mass
from mgwsim.building.multinode import (
    H_CE_W_M2K, H_CI_HORIZONTAL_FLOW_W_M2K, H_R0_EXTERNAL_W_M2K, H_R0_INTERNAL_W_M2K, GlazingGap, LayeredElement,
    MultiNodeZone, simulate_multinode,
)
from mgwsim.building.thermal import simulate_space_heating
from mgwsim.weather import read_epw

DENVER_EPW = "weather/USA_CO_Denver.Intl.AP.725650_TMY3.epw"

# (lower, upper): annual energies [MWh] are 140-2020's acceptance ranges; peaks [kW] and
# free-float temperatures [°C] the example programs' minimum and maximum
REFERENCE = {
    "600": {"heating_mwh": (3.75, 4.98), "cooling_mwh": (5.00, 6.83),
            "peak_heating_kw": (3.020, 3.359), "peak_cooling_kw": (5.422, 6.481)},
    "900": {"heating_mwh": (1.04, 2.28), "cooling_mwh": (2.35, 2.60),
            "peak_heating_kw": (2.443, 2.778), "peak_cooling_kw": (2.556, 3.376)},
    "600FF": {"min_degc": (-13.8, -9.9), "max_degc": (62.4, 68.4), "mean_degc": (24.3, 26.1)},
    "900FF": {"min_degc": (0.6, 2.2), "max_degc": (43.3, 46.0), "mean_degc": (24.5, 25.7)},
}
PEAK_TOLERANCE = 0.10
"""The task's allowance on the example programs' peak range (±10 %)."""

# layers from the inside out [m, W/(m·K), kg/m³, J/(kg·K)] (ASHRAE 140-2020, Tables 7-6..7-8 and 7-45..7-47)
PLASTERBOARD_12 = Layer(0.012, 0.160, 950.0, 840.0)
FIBERGLASS_66 = Layer(0.066, 0.040, 12.0, 840.0)
SIDING = Layer(0.009, 0.140, 530.0, 900.0)
LIGHT_WALL = (PLASTERBOARD_12, FIBERGLASS_66, SIDING)
ROOF = (Layer(0.010, 0.160, 950.0, 840.0), Layer(0.1118, 0.040, 12.0, 840.0), Layer(0.019, 0.140, 530.0, 900.0))
LIGHT_FLOOR = (Layer(0.025, 0.140, 650.0, 1200.0), Layer(1.003, 0.040, 0.0, 0.0))
HEAVY_WALL = (Layer(0.100, 0.510, 1400.0, 1000.0), Layer(0.0615, 0.040, 10.0, 1400.0), SIDING)
HEAVY_FLOOR = (Layer(0.080, 1.130, 1400.0, 1000.0), Layer(1.007, 0.040, 0.0, 0.0))

U_WALL, U_ROOF, U_FLOOR, U_WINDOW = 0.534, 0.327, 0.0377, 3.1  # W/(m²·K), 140-2020 with surface coefficients
WINDOW_ANGULAR = (1.0, -0.189, 0.644, -0.596)  # g(θ)/g_n of the 140 double clear glazing (Maccarini 2024)
WALL_HEIGHT_M, WINDOW_SILL_M, WINDOW_HEIGHT_M = 2.7, 0.2, 2.0  # ASHRAE 140-2020 Figure 7-1 (Case 600 geometry)
WALLS_M2 = {0.0: 8 * 2.7, 90.0: 6 * 2.7, 180.0: 8 * 2.7 - 12.0, 270.0: 6 * 2.7}  # net of the windows


def bestest_building(case: str) -> Building:
    """Case 600 or 900 (their FF variants differ only in the missing heating and cooling)."""
    heavy = case.startswith("9")
    wall, floor = (HEAVY_WALL, HEAVY_FLOOR) if heavy else (LIGHT_WALL, LIGHT_FLOOR)
    surfaces = [(sum(WALLS_M2.values()), wall), (48.0, ROOF), (48.0, floor)]
    capacity_kj_m2k, mass_ratio = zone_mass(surfaces, 48.0)
    walls = [OpaqueElement("wall", area, U_WALL, name=f"wall {azimuth:.0f}", solar_absorptance=0.6,
                           azimuth_deg=azimuth) for azimuth, area in WALLS_M2.items()]
    elements = (*walls, OpaqueElement("roof", 48.0, U_ROOF, solar_absorptance=0.6),
                OpaqueElement("floor", 48.0, U_FLOOR))  # raised floor over outdoor air, in the shade
    window = Window(12.0, U_WINDOW, 0.789, 180.0, frame_fraction=0.0, shading_factor=1.0,
                    angular_coefficients=WINDOW_ANGULAR, emissivity=0.9)
    return Building(
        name=f"BESTEST {case}", heated_floor_area_m2=48.0, n_apartments=1, n_storeys=1, elements=elements,
        windows=(window,), thermal_bridge_w_m2k=0.0, infiltration_per_h=0.5,
        ventilation=Ventilation("natural", 0.0), room_height_m=2.7, setpoint_degc=20.0,
        internal_gains_w_m2=200.0 / 48.0, altitude_m=1650.0, heat_capacity_kj_m2k=capacity_kj_m2k,
        mass_area_ratio=mass_ratio, control="air", cooling_setpoint_degc=27.0, convective_gain_fraction=0.4,
    )


# ASHRAE 140-2020's double clear glazing: two 3.048 mm panes (λ 1.0 W/(m·K), solar τ 0.834, ρ 0.075, long-wave
# ε 0.84) around 12 mm of air (as entered in the Modelica Buildings library's detailed BESTEST models,
# Buildings.ThermalZones.Detailed.Validation.BESTEST.Data.Glass600/Win600, updated to 140-2020 in 2022);
# SHGC 0.769 at normal incidence (140-2020, as entered in Buildings.ThermalZones.ISO13790.Validation.BESTEST,
# Maccarini 2024; EN ISO 410's two-pane formulas with these panes give 0.760)
PANE_M, PANE_W_MK, PANE_TAU, PANE_RHO, GLASS_EMISSIVITY, GAP_M = 0.003048, 1.0, 0.834, 0.075, 0.84, 0.012
SHGC_140_2020 = 0.769


def glazing_gap() -> GlazingGap:
    """The 140-2020 glazing's panes and gap (EN 673:2011 clauses 5.2–5.4).

    Panes Σ d/λ; gap h_g = Nu·λ_air/s with λ_air = 0.02496 W/(m·K) at 10 °C (EN 673 Table 1; a 12 mm
    vertical gap at EN 673's ΔT = 15 K has Nu < 1, so Nu = 1); both faces across the gap ε 0.84.
    """
    return GlazingGap(2.0 * PANE_M / PANE_W_MK, 0.02496 / GAP_M, (GLASS_EMISSIVITY, GLASS_EMISSIVITY))


def glazing_resistance_m2k_w() -> float:
    """R of the glazing pane surface to pane surface [m²·K/W] at EN 673's T_m = 283 K: 0.178."""
    return glazing_gap().resistance_m2k_w(283.0)


def glazing_u_w_m2k() -> float:
    """U of the glazing air to air with the multi-node zone's surface coefficients for ε = 0.84 [W/(m²·K)]."""
    h_re, h_ri = GLASS_EMISSIVITY * H_R0_EXTERNAL_W_M2K, GLASS_EMISSIVITY * H_R0_INTERNAL_W_M2K
    return 1.0 / (1.0 / (H_CE_W_M2K + h_re) + glazing_resistance_m2k_w() + 1.0 / (H_CI_HORIZONTAL_FLOW_W_M2K + h_ri))


def glazing_transmitted_share() -> float:
    """τ_e/g at normal incidence: τ_e = τ²/(1 − ρ²) of the two panes (EN 410:2011 5.3) over 140-2020's SHGC."""
    return PANE_TAU**2 / (1.0 - PANE_RHO**2) / SHGC_140_2020


def glazing_inside_reflectance() -> float:
    """Solar reflectance of the two panes seen from the room: ρ + τ²·ρ/(1 − ρ²) (EN 410:2011 5.3, two panes)."""
    return PANE_RHO + PANE_TAU**2 * PANE_RHO / (1.0 - PANE_RHO**2)


def bestest_zone(case: str) -> MultiNodeZone:
    """Case 600 or 900 for the multi-node zone: the standard's layers, no U-value or mass lumped.

    The opaque U-values follow from the layers and the zone's surface coefficients (walls
    0.510, roof 0.319, floor 0.039 W/(m²·K), as 140's 0.514, 0.318, 0.039); the floor
    faces the outdoor air downwards (no sun, no sky). The window is 140-2020's glazing from its
    panes and gap: U, ε, g = τ_e + q_i and the reflectance back into the room (functions above).
    The zone's physical surface coefficients (the default) take the wind at each face's centroid:
    walls 1.35 m, window 1.2 m, roof 2.7 m, the raised floor's underside 0 m (no wind), and the
    glazing gap at its panes' temperatures (``docs/bestest.md``).
    """
    heavy = case.startswith("9")
    wall, floor = (HEAVY_WALL, HEAVY_FLOOR) if heavy else (LIGHT_WALL, LIGHT_FLOOR)
    elements = [LayeredElement(f"wall {azimuth:.0f}", area, wall, 90.0, azimuth, height_m=WALL_HEIGHT_M / 2.0)
                for azimuth, area in WALLS_M2.items()]
    elements += [LayeredElement("roof", 48.0, ROOF, 0.0, height_m=WALL_HEIGHT_M),
                 LayeredElement("floor", 48.0, floor, 180.0, sunlit=False, height_m=0.0)]
    window = Window(12.0, glazing_u_w_m2k(), SHGC_140_2020, 180.0, frame_fraction=0.0, shading_factor=1.0,
                    angular_coefficients=WINDOW_ANGULAR, emissivity=GLASS_EMISSIVITY)
    return MultiNodeZone(elements, (window,), volume_m3=8 * 6 * 2.7, infiltration_per_h=0.5, altitude_m=1650.0,
                         radiative_gain_fraction=0.6, window_inside_reflectance=glazing_inside_reflectance(),
                         window_transmitted_share=glazing_transmitted_share(), window_gap=glazing_gap(),
                         window_height_m=WINDOW_SILL_M + WINDOW_HEIGHT_M / 2.0)


def run_case(case: str, weather, model: str = "5R1C") -> dict[str, float]:
    """The case's annual results as 140-2020 reports them, with the 5R1C zone or the multi-node one."""
    n = weather.n_steps
    if model == "multinode":
        free = case.endswith("FF")
        result = simulate_multinode(bestest_zone(case), weather, np.full(n, 200.0),
                                    np.full(n, -np.inf if free else 20.0), np.full(n, np.inf if free else 27.0))
        return _annual(result, free)
    building = bestest_building(case)
    gains = np.full(n, 200.0)
    if case.endswith("FF"):  # free float: setpoints out of reach
        result = simulate_space_heating(building, weather, internal_gains_schedule_w=gains,
                                        heating_setpoint_schedule_degc=np.full(n, -100.0),
                                        cooling_setpoint_schedule_degc=np.full(n, 100.0))
        return _annual(result, True)
    return _annual(simulate_space_heating(building, weather, internal_gains_schedule_w=gains), False)


def _annual(result, free: bool) -> dict[str, float]:
    if free:
        air = result["theta_air_degc"]
        assert result["space_heating_kwh"].sum() == 0.0 and result["space_cooling_kwh"].sum() == 0.0
        return {"min_degc": air.min(), "max_degc": air.max(), "mean_degc": air.mean()}
    return {"heating_mwh": result["space_heating_kwh"].sum() / 1000.0,
            "cooling_mwh": result["space_cooling_kwh"].sum() / 1000.0,
            "peak_heating_kw": result["space_heating_kwh"].max(), "peak_cooling_kw": result["space_cooling_kwh"].max()}


# Where a zone model, built honestly from the specification, stays outside the range (numbers in
# docs/bestest.md). Strict: the test fails once the model reaches it.
OUTSIDE_RANGE = {
    "5R1C": {
        ("600", "heating_mwh"): "5R1C: 5.41 MWh, 9 % above the 4.98 MWh acceptance limit",
        ("900", "peak_heating_kw"): "5R1C: 3.11 kW, 2 % above 110 % of the programs' 2.78 kW",
        ("900FF", "min_degc"): "5R1C: -0.05 °C, below the programs' 0.6 °C (Modelica's ISO 13790 zone: 0.3 °C)",
        ("900FF", "max_degc"): "5R1C: 42.8 °C, below the programs' 43.3 °C",
        ("900FF", "mean_degc"): "5R1C: 24.31 °C, below the programs' 24.5 °C",
    },
    "multinode": {},
}
MODELS = tuple(OUTSIDE_RANGE)
CHECKS = [pytest.param(model, case, quantity,
                       marks=pytest.mark.xfail(reason=OUTSIDE_RANGE[model][case, quantity], strict=True))
          if (case, quantity) in OUTSIDE_RANGE[model] else (model, case, quantity)
          for model in MODELS for case, quantities in REFERENCE.items() for quantity in quantities]


@pytest.fixture(scope="module")
def denver(shared_data):
    return read_epw(shared_data / DENVER_EPW)


@pytest.fixture(scope="module")
def all_results(denver):
    return {model: {case: run_case(case, denver, model) for case in REFERENCE} for model in MODELS}


@pytest.fixture(scope="module")
def results(all_results):
    return all_results["5R1C"]


@pytest.mark.parametrize(("model", "case", "quantity"), CHECKS)
def test_bestest_result_within_reference(all_results, model, case, quantity):
    low, high = REFERENCE[case][quantity]
    if quantity.startswith("peak"):
        low, high = (1.0 - PEAK_TOLERANCE) * low, (1.0 + PEAK_TOLERANCE) * high
    value = all_results[model][case][quantity]
    assert low <= value <= high, (model, case, quantity, round(value, 3), (low, high))


def test_denver_file_carries_the_sky_infrared(denver):
    """The multi-node zone takes θ_sky from the TMY3 horizontal infrared irradiance (EPW field 12)."""
    infrared = denver.column("ir_horizontal_w_m2")
    sky_depression = denver.temp_air_degc - ((infrared / 5.670374419e-8) ** 0.25 - 273.15)
    assert 11.0 < sky_depression.mean() < 15.0  # dry, high Denver: a colder sky than EN ISO 52016-1's 11 K


@pytest.mark.parametrize("model", MODELS)
def test_heavy_mass_damps_the_free_float_swing(all_results, model):
    """Case 900FF (concrete) swings less than 600FF (timber frame) around nearly the same mean."""
    light, heavy = all_results[model]["600FF"], all_results[model]["900FF"]
    assert heavy["max_degc"] - heavy["min_degc"] < 0.6 * (light["max_degc"] - light["min_degc"])
    assert abs(heavy["mean_degc"] - light["mean_degc"]) < 0.5


def test_bestest_zone_balance_closes_with_cooling_and_sky(denver):
    """Every hour: heating − cooling + gains (incl. opaque solar and sky radiation) = losses + storage."""
    result = simulate_space_heating(bestest_building("600"), denver,
                                    internal_gains_schedule_w=np.full(denver.n_steps, 200.0))
    supplied = (result["space_heating_kwh"] - result["space_cooling_kwh"] + result["internal_gains_kwh"]
                + result["solar_gains_kwh"])
    lost = result[["loss_windows_kwh", "loss_opaque_kwh", "loss_ventilation_kwh", "mass_storage_change_kwh",
                   "gains_lost_windows_kwh"]].sum(axis=1)
    assert (result["solar_gains_kwh"] < 0).any()  # nights radiate to the sky
    assert np.abs(supplied - lost).max() <= 1e-9 * result["space_cooling_kwh"].max()
    air = result["theta_air_degc"]
    assert air.min() >= 20.0 - 1e-9 and air.max() <= 27.0 + 1e-9  # ideal air-temperature control
