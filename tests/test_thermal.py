"""Space-heating demand: TABULA validation, energy balance, invariants, reference kernel."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mgwsim.building import (
    ImproveAirtightness, Insulate, InstallVentilation, ReplaceWindows, Ventilation, ZoneParameters,
    building_from_typology, renovate, simulate_space_heating,
)
from mgwsim.building.thermal import space_heating_from_arrays
from mgwsim.building.validation import tabula_comparison
from mgwsim.errors import InputError
from tests.reference.space_heating import simulate as reference_simulate

BALANCE_TERMS = ("loss_windows_kwh", "loss_opaque_kwh", "loss_ventilation_kwh", "mass_storage_change_kwh",
                 "gains_lost_windows_kwh")


def balance_residual_kwh(result):
    supplied = result["space_heating_kwh"] + result["internal_gains_kwh"] + result["solar_gains_kwh"]
    return supplied - result[list(BALANCE_TERMS)].sum(axis=1)


def test_every_belgian_archetype_within_8_pct_of_tabula():
    """TABULA q_h_nd of all BE AB/MFH variants, existing and refurbished, under TABULA's conditions."""
    table = tabula_comparison()
    assert len(table) == 48
    worst = table["deviation_pct"].abs().idxmax()
    assert table["deviation_pct"].abs().max() <= 8.0, table.loc[worst].to_dict()


@pytest.mark.parametrize("code", ["AB.03", "MFH.02", "MFH.04.Small"])
@pytest.mark.parametrize("variant", [1, 3])
def test_zone_heat_balance_closes_every_hour(weather, code, variant):
    building = building_from_typology(code, variant)
    result = simulate_space_heating(building, weather)
    scale = result["space_heating_kwh"].max()
    assert np.abs(balance_residual_kwh(result)).max() <= 1e-9 * scale


def test_heat_balance_closes_with_power_limit_and_reports_unmet_hours(weather):
    building = building_from_typology("MFH.03", 1)
    unlimited = simulate_space_heating(building, weather)
    limit = 0.6 * unlimited["space_heating_kwh"].max()
    limited = simulate_space_heating(building, weather, heating_limit_kw=limit)
    assert limited["space_heating_kwh"].max() <= limit * (1 + 1e-12)
    assert (limited["unmet_k"] > 0.1).sum() > 0
    assert (unlimited["unmet_k"] > 1e-9).sum() == 0
    assert np.abs(balance_residual_kwh(limited)).max() <= 1e-9 * limit


def test_kernel_equals_readable_reference(weather):
    building = building_from_typology("MFH.01", 1)
    params = ZoneParameters.from_building(building)
    n = 24 * 21
    theta_e = weather.temp_air_degc[:n]
    rng = np.random.default_rng(3)
    phi_int = 3000.0 + 1000.0 * rng.random(n)
    phi_sol = np.clip(20_000.0 * np.sin(np.arange(n) * 2 * np.pi / 24), 0.0, None)
    setpoint = np.where(np.arange(n) % 24 < 6, 16.0, 20.0)
    out = space_heating_from_arrays(theta_e, phi_int, phi_sol, setpoint, params, heating_limit_kw=150.0, warmup_hours=48)
    p = {"h_ve": params.h_ve_w_k, "h_w": params.h_tr_w_w_k, "h_em": params.h_tr_em_w_k, "h_ms": params.h_tr_ms_w_k,
         "h_is": params.h_tr_is_w_k, "c_m": params.c_m_j_k, "a_m": params.a_m_m2, "a_t": params.a_t_m2,
         "area": params.floor_area_m2}
    heat_w, operative = reference_simulate(p, list(theta_e), list(phi_int), list(phi_sol), list(setpoint), 150_000.0, 48)
    np.testing.assert_allclose(out[:, 0], np.array(heat_w) / 1000.0, rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(out[:, 10] - out[:, 11], np.minimum(np.array(operative), setpoint), atol=1e-9)


def annual_kwh(building, weather):
    return simulate_space_heating(building, weather)["space_heating_kwh"].sum()


measures = st.sampled_from([
    Insulate("roof", thickness_m=0.12), Insulate("wall", target_u_w_m2k=0.3), Insulate("floor", thickness_m=0.08),
    ReplaceWindows(1.1, 0.5), ImproveAirtightness(0.1), InstallVentilation(Ventilation("D", 0.4, 0.8)),
])


@settings(max_examples=12, deadline=None)
@given(code=st.sampled_from(["AB.02", "AB.04", "MFH.01", "MFH.03.Small"]), measure=measures)
def test_more_insulation_never_raises_demand(weather, code, measure):
    before = building_from_typology(code, 1)
    after = renovate(before, measure)
    assert annual_kwh(after, weather) <= annual_kwh(before, weather) + 1e-6


@settings(max_examples=8, deadline=None)
@given(efficiency=st.floats(0.0, 0.9), extra=st.floats(0.01, 0.05))
def test_higher_heat_recovery_never_raises_demand(weather, efficiency, extra):
    base = building_from_typology("MFH.05", 1)
    low = base.with_changes(ventilation=Ventilation("D", 0.4, efficiency))
    high = base.with_changes(ventilation=Ventilation("D", 0.4, efficiency + extra))
    assert annual_kwh(high, weather) <= annual_kwh(low, weather) + 1e-6


@settings(max_examples=8, deadline=None)
@given(setpoint=st.floats(16.0, 23.0), delta=st.floats(0.2, 2.0))
def test_higher_setpoint_never_lowers_demand(weather, setpoint, delta):
    base = building_from_typology("AB.03", 2)
    assert annual_kwh(base.with_changes(setpoint_degc=setpoint + delta), weather) >= annual_kwh(
        base.with_changes(setpoint_degc=setpoint), weather)


def test_night_setback_saves_energy(weather):
    base = building_from_typology("MFH.02", 1)
    setback = base.with_changes(setback_degc=16.0, setback_hours=(22, 6))
    assert annual_kwh(setback, weather) < annual_kwh(base, weather)


def test_uccle_year_lands_near_tabula_for_existing_block(weather):
    """On a real Belgian year (Uccle 2019, 2,7xx heating degree days) the need stays in TABULA's range."""
    building = building_from_typology("AB.03", 1)
    specific = annual_kwh(building, weather) / building.heated_floor_area_m2
    assert 0.75 * 153.7 <= specific <= 1.25 * 153.7


def test_bad_arrays_raise_clear_errors():
    params = ZoneParameters.from_building(building_from_typology("AB.03", 1))
    good = np.zeros(48)
    with pytest.raises(InputError, match="theta_e_degc has a non-finite value at position 3"):
        space_heating_from_arrays(np.r_[good[:3], np.nan, good[4:]], good, good, good + 20, params)
    with pytest.raises(InputError, match="internal_gains_w has 47 values, expected 48"):
        space_heating_from_arrays(good, good[:47], good, good + 20, params)
    with pytest.raises(InputError, match="heating_limit_kw"):
        space_heating_from_arrays(good, good, good, good + 20, params, heating_limit_kw=-1.0)


# --- zone-model inputs: mass from layers, air at altitude, windows, cooling, validation ---------------------------

def test_periodic_capacity_of_a_thin_layer_is_half_its_heat_capacity():
    """EN ISO 13786 κ_1 of a thin layer with nothing outside tends to ρ·c·d/2 (linear profile to a fixed far side)."""
    from mgwsim.building.mass import Layer, areal_heat_capacity_kj_m2k

    thin = Layer(0.002, 1.0, 2000.0, 1000.0)
    assert areal_heat_capacity_kj_m2k([thin], r_se_m2k_w=0.0) == pytest.approx(2.0, rel=0.01)


def test_simplified_capacity_stops_at_insulation_and_10_cm():
    from mgwsim.building.mass import Layer, effective_heat_capacity_kj_m2k, zone_mass

    concrete = Layer(0.20, 1.7, 2400.0, 1000.0)
    assert effective_heat_capacity_kj_m2k([concrete]) == pytest.approx(240.0)  # 10 cm of 20
    plaster_on_insulation = [Layer(0.01, 0.5, 1000.0, 1000.0), Layer(0.1, 0.035, 30.0, 1400.0), concrete]
    assert effective_heat_capacity_kj_m2k(plaster_on_insulation) == pytest.approx(10.0)
    capacity, area_ratio = zone_mass([(10.0, [concrete]), (10.0, plaster_on_insulation)], 10.0)
    assert capacity == pytest.approx(250.0)
    assert area_ratio == pytest.approx(250.0**2 / (240.0**2 + 10.0**2))  # eq. 65: close to the heavy area alone


def test_air_heat_capacity_falls_with_altitude():
    from mgwsim.building.envelope import air_heat_capacity_j_m3k

    assert air_heat_capacity_j_m3k(0.0) == pytest.approx(1224.0)
    assert air_heat_capacity_j_m3k(1500.0) / air_heat_capacity_j_m3k(0.0) == pytest.approx(84.556 / 101.325, rel=1e-3)  # ISO 2533 table
    base = building_from_typology("AB.03", 1)
    assert base.with_changes(altitude_m=1650.0).h_ventilation_w_k < base.h_ventilation_w_k


def test_window_angular_factor_and_its_diffuse_mean():
    """The 140 double clear glazing: g(θ)/g_n = 1 at normal incidence, 0 at grazing, diffuse mean ≈ 0.87.

    ASHRAE Handbook Fundamentals (2017) ch. 15, Table 10, uncoated double clear glazing: SHGC 0.76
    at normal incidence and 0.66 hemispherical → ratio 0.87.
    """
    from mgwsim.building import Window

    window = Window(12.0, 3.1, 0.789, 180.0, angular_coefficients=(1.0, -0.189, 0.644, -0.596))
    np.testing.assert_allclose(window.angular_factor(np.array([0.0, 90.0, 120.0])), [1.0, 0.0, 0.0], atol=0.02)
    assert window.diffuse_angular_factor == pytest.approx(0.87, abs=0.02)
    with pytest.raises(InputError, match="angular_coefficients"):
        Window(12.0, 3.1, 0.789, 180.0, angular_coefficients=(0.9, 0.1))


def test_new_zone_inputs_raise_clear_errors():
    from mgwsim.building import OpaqueElement

    base = building_from_typology("AB.03", 1)
    with pytest.raises(InputError, match="cooling_setpoint_degc"):
        base.with_changes(cooling_setpoint_degc=base.setpoint_degc - 1.0)
    with pytest.raises(InputError, match="control"):
        base.with_changes(control="radiant")
    with pytest.raises(InputError, match="h_is_w_m2k"):
        base.with_changes(h_is_w_m2k=0.0)
    with pytest.raises(InputError, match="mass_area_ratio"):
        base.with_changes(mass_area_ratio=5.0)
    with pytest.raises(InputError, match="azimuth_deg"):
        OpaqueElement("wall", 10.0, 0.5, solar_absorptance=0.6)
    with pytest.raises(InputError, match="solar_absorptance"):
        OpaqueElement("floor", 10.0, 0.5, b_factor=0.5, solar_absorptance=0.6)
    assert OpaqueElement("floor", 48.0, 0.0377).u_w_m2k == 0.0377  # ASHRAE 140's raised floor
    params = ZoneParameters.from_building(base)
    good = np.zeros(48)
    with pytest.raises(InputError, match="below the heating setpoint"):
        space_heating_from_arrays(good, good, good, good + 20, params, cooling_setpoint_degc=good + 19)


def test_cooling_holds_the_ceiling_and_closes_the_balance(weather):
    """With a cooling setpoint the controlled temperature never exceeds it; heating is unchanged in cold hours."""
    base = building_from_typology("MFH.04.Small", 3).with_changes(internal_gains_w_m2=12.0)
    plain = simulate_space_heating(base, weather)
    cooled = simulate_space_heating(base.with_changes(cooling_setpoint_degc=24.0), weather)
    operative = 0.3 * cooled["theta_air_degc"] + 0.7 * cooled["theta_surface_degc"]
    assert cooled["space_cooling_kwh"].sum() > 0 and plain["space_cooling_kwh"].sum() == 0
    assert operative.max() <= 24.0 + 1e-9
    assert cooled["space_heating_kwh"].sum() >= plain["space_heating_kwh"].sum() - 1e-6
    residual = balance_residual_kwh(cooled) - cooled["space_cooling_kwh"]
    assert np.abs(residual).max() <= 1e-9 * cooled["space_cooling_kwh"].max()


def test_air_control_needs_less_heat_than_operative_for_a_leaky_block(weather):
    """Cold surfaces: holding θ_air at 20 °C leaves θ_op below it, so air control needs less heat."""
    base = building_from_typology("MFH.02", 1)
    assert annual_kwh(base.with_changes(control="air"), weather) < annual_kwh(base, weather)


def _with_external_radiation(building):
    """Roofs absorbing solar (α 0.6) and roofs and windows radiating to the sky (ε 0.9), EN ISO 13790 11.3.4/11.3.5."""
    from dataclasses import replace

    elements = tuple(replace(e, solar_absorptance=0.6) if e.kind == "roof" and e.b_factor == 1.0 else e
                     for e in building.elements)
    windows = tuple(replace(w, emissivity=0.9) for w in building.windows)
    return building.with_changes(elements=elements, windows=windows)


@settings(max_examples=8, deadline=None)
@given(code=st.sampled_from(["AB.02", "MFH.01", "MFH.03.Small"]), measure=measures)
def test_more_insulation_never_raises_demand_with_opaque_solar_and_sky(weather, code, measure):
    before = _with_external_radiation(building_from_typology(code, 1))
    assert any(e.solar_absorptance is not None for e in before.elements)
    after = renovate(before, measure)
    assert annual_kwh(after, weather) <= annual_kwh(before, weather) + 1e-6


def test_zone_balance_closes_every_hour_with_opaque_solar_and_sky(weather):
    building = _with_external_radiation(building_from_typology("MFH.02", 1))
    result = simulate_space_heating(building, weather)
    assert (result["solar_gains_kwh"] < 0).any()
    assert np.abs(balance_residual_kwh(result)).max() <= 1e-9 * result["space_heating_kwh"].max()


def test_kernel_fills_a_buffer_of_the_former_13_columns(weather):
    """Callers that allocate n × 13 (before the cooling column) get the same first 13 columns."""
    from mgwsim.building.thermal import OUTPUT_COLUMNS, _space_heating_kernel

    building = building_from_typology("AB.03", 1)
    n = 24 * 14
    args = (weather.temp_air_degc[:n], np.full(n, 3000.0), np.zeros(n), np.full(n, 20.0),
            ZoneParameters.from_building(building).as_array(), np.inf, 24)
    old = _space_heating_kernel(*args, np.empty((n, 13)))
    new = _space_heating_kernel(*args, np.empty((n, len(OUTPUT_COLUMNS))))
    np.testing.assert_array_equal(old, new[:, :13])
    assert (new[:, 13] == 0.0).all()  # no cooling setpoint, no cooling
