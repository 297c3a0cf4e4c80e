"""Source temperatures: outdoor air, borefield (line source), exhaust air, user series."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.special import erf, exp1

import mgwsim
from mgwsim.building.envelope import RHO_C_AIR_WH_M3K, Ventilation
from mgwsim.errors import InputError
from mgwsim.heatpump.defrost import DEFAULT_RH_PCT, defrost_factors
from mgwsim.system.sources import (
    Borefield,
    air_defrost_factors,
    air_source_degc,
    borefield_brine_degc,
    borefield_g_function,
    estimate_ground_load_kw,
    exhaust_air_source,
    iterate_borefield,
    user_source_degc,
)


def _field(**changes) -> Borefield:
    values = dict(n_boreholes=1, depth_m=100.0, spacing_m=6.0, undisturbed_ground_degc=11.5,
                  ground_conductivity_w_mk=2.2, borehole_resistance_mk_w=0.1, ground_heat_capacity_mj_m3k=2.4)
    values.update(changes)
    return Borefield(**values)


# ------------------------------------------------------------------------------ air
def test_air_source_is_outdoor_temperature(weather):
    np.testing.assert_array_equal(air_source_degc(weather), weather.data["temp_air_degc"].to_numpy())


def test_air_defrost_uses_default_humidity_without_column(weather):
    assert "relative_humidity_pct" not in weather.data
    cap, cop = air_defrost_factors(weather)
    ref, _ = defrost_factors(weather.temp_air_degc, np.full(weather.n_hours, DEFAULT_RH_PCT),
                             weather.data["pressure_hpa"].to_numpy())
    np.testing.assert_allclose(cap, ref)
    assert (cap[weather.temp_air_degc >= 7.0] == 1.0).all() and (cap < 1.0).any()  # 5 °C limit + 2 K fade


def test_air_defrost_uses_weather_humidity(weather):
    data = weather.data.copy()
    data["relative_humidity_pct"] = 30.0  # dry air: less frost than the 85 % default
    dry = mgwsim.Weather(data, weather.site)
    assert air_defrost_factors(dry)[0].sum() > air_defrost_factors(weather)[0].sum()


# ------------------------------------------------------------------------ borefield
def _ils_quad(distance, t_s, alpha):
    return 0.5 * exp1(distance**2 / (4 * alpha * t_s))


def _fls_quad(distance, t_s, depth, buried, alpha):
    """Finite line source by adaptive quadrature (independent of the cumulative scheme)."""
    def ierf(x):
        return x * erf(x) - (1 - np.exp(-x * x)) / math.sqrt(math.pi)

    def f(s):
        axial = 2 * ierf(depth * s) - ierf((2 * buried + 2 * depth) * s) + 2 * ierf((2 * buried + depth) * s) \
            - ierf(2 * buried * s)
        return np.exp(-distance**2 * s * s) / s**2 * axial

    return 0.5 / depth * quad(f, 1 / math.sqrt(4 * alpha * t_s), np.inf, limit=400)[0]


def test_zero_extraction_gives_undisturbed_temperature():
    field = _field(n_boreholes=6)
    brine = borefield_brine_degc(field, np.zeros(8760), years=3)
    assert brine.shape == (8760,)
    np.testing.assert_array_equal(brine, 11.5)


def test_constant_load_equals_analytical_infinite_line_source():
    """One step of q' [W/m]: T_f = T_g - q' R_b - q'/(4πk) E1(r_b²/(4αt)) (Carslaw & Jaeger 10.4)."""
    field = _field()
    load_kw = 3.0
    brine = borefield_brine_degc(field, np.full(8760, load_kw), model="infinite")
    q = load_kw * 1000 / 100.0
    alpha = 2.2 / 2.4e6
    for hour in (1, 24, 720, 8760):
        t_s = hour * 3600.0
        expected = 11.5 - q * 0.1 - q / (4 * math.pi * 2.2) * exp1(0.075**2 / (4 * alpha * t_s))
        assert brine[hour - 1] == pytest.approx(expected, rel=1e-9)


def test_finite_line_source_matches_quadrature_for_a_field():
    field = _field(n_boreholes=6, spacing_m=7.0)
    distance, count = field.pair_distances()
    assert count.sum() == 36
    hours = np.array([1.0, 100.0, 8760.0, 20 * 8760.0])
    g = borefield_g_function(field, hours)
    ref = [sum(c * _fls_quad(d, h * 3600, 100.0, 2.0, field.diffusivity_m2_s) for d, c in zip(distance, count)) / 6
           for h in hours]
    np.testing.assert_allclose(g, ref, rtol=1e-4)


def test_finite_line_source_tends_to_infinite_one_at_short_times():
    field = _field()
    g_f, g_i = (borefield_g_function(field, [10.0], model=m)[0] for m in ("finite", "infinite"))
    assert g_f == pytest.approx(g_i, rel=2e-3)


def test_steady_state_equals_analytical_finite_line():
    """t → ∞: mean of 1/ρ - 1/ρ_image over a line of length H at r_b (steady point source, D = 0)."""
    depth, r = 100.0, 0.075
    field = _field(depth_m=depth, buried_depth_m=0.0, borehole_radius_m=r)
    real = depth * math.asinh(depth / r) - math.hypot(r, depth) + r
    image = (math.hypot(r, depth) - r + 2 * depth * (math.asinh(2 * depth / r) - math.asinh(depth / r))
             - math.hypot(r, 2 * depth) + math.hypot(r, depth))
    steady = (2 * real - image) / (2 * depth)
    assert steady == pytest.approx(math.log(depth / r) - 1, rel=1e-3)  # the r << H limit
    g_late = borefield_g_function(field, [1e4 * 8760.0])[0]  # 10,000 years >> H²/(9α) ≈ 44 years
    assert g_late == pytest.approx(steady, rel=5e-3)
    assert g_late < steady


@settings(max_examples=15, deadline=None)
@given(load=st.floats(1.0, 30.0), extra=st.floats(0.5, 20.0))
def test_more_extraction_gives_colder_brine(load, extra):
    field = _field(n_boreholes=4)
    profile = 0.5 + 0.5 * np.cos(np.linspace(0, 2 * np.pi, 8760))
    base = borefield_brine_degc(field, load * profile)
    more = borefield_brine_degc(field, (load + extra) * profile)
    assert (more <= base).all() and (more < base).any()
    assert (base < 11.5).all()


def test_deeper_boreholes_give_warmer_brine():
    load = 20.0 * (0.5 + 0.5 * np.cos(np.linspace(0, 2 * np.pi, 8760)))
    shallow = borefield_brine_degc(_field(n_boreholes=4, depth_m=80.0), load, years=5)
    deep = borefield_brine_degc(_field(n_boreholes=4, depth_m=160.0), load, years=5)
    assert (deep > shallow).all()


def test_neighbours_and_years_cool_the_field():
    load = np.full(8760, 4.0)  # 4 kW per borehole in both fields
    single = borefield_brine_degc(_field(), load, years=10)
    grid = borefield_brine_degc(_field(n_boreholes=9, spacing_m=6.0), 9 * load, years=10)
    assert (grid < single).all()
    years = borefield_brine_degc(_field(n_boreholes=9), 9 * load, years=10, all_years=True)
    assert years.shape == (87600,)
    annual_mean = years.reshape(10, 8760).mean(axis=1)
    assert (np.diff(annual_mean) < 0).all()


def test_injection_warms_the_ground():
    assert (borefield_brine_degc(_field(), np.full(100, -2.0)) > 11.5).all()


@pytest.mark.parametrize("n_boreholes", [1, 4, 9, 12])
@pytest.mark.parametrize("depth_m", [61.0, 100.0, 137.5])
def test_the_kept_hour_grid_gives_the_g_function_exactly(n_boreholes, depth_m):
    """The last year's pulse response on the kept grid of hours (ln s, np.interp's intervals, the layout's
    radial factor) equals borefield_g_function's, folded over the years: equal, not close."""
    from mgwsim.system.sources import _folded_pulse

    field, years, n = _field(n_boreholes=n_boreholes, depth_m=depth_m), 5, 8760
    g = borefield_g_function(field, np.arange(1, years * n + 1, dtype=float))
    blocks = np.diff(np.concatenate(([0.0], g))).reshape(years, n)
    expected = np.concatenate((blocks[:-1].sum(axis=0)[1:], blocks.sum(axis=0)))
    kept = _folded_pulse(field, years, n, "finite")
    assert np.array_equal(kept, expected)
    assert _folded_pulse(field, years, n, "finite") is kept  # kept per field


def test_borefield_rejects_bad_inputs():
    with pytest.raises(InputError, match="Borefield.ground_conductivity_w_mk"):
        _field(ground_conductivity_w_mk=0.0)
    with pytest.raises(InputError, match="Borefield.n_rows"):
        _field(n_boreholes=6, n_rows=4)
    with pytest.raises(InputError, match="Borefield.n_boreholes"):
        _field(n_boreholes=2.5)
    with pytest.raises(InputError, match="extraction_kw_hourly"):
        borefield_brine_degc(_field(), [1.0, np.nan])
    with pytest.raises(InputError, match="years"):
        borefield_brine_degc(_field(), [1.0], years=0)


def test_default_layout_is_most_square():
    assert (_field(n_boreholes=12).n_rows, _field(n_boreholes=12).n_cols) == (3, 4)
    assert _field(n_boreholes=7).n_rows == 1


def test_estimate_ground_load_is_heat_minus_electricity():
    np.testing.assert_allclose(estimate_ground_load_kw([0.0, 40.0], spf=4.0), [0.0, 30.0])
    with pytest.raises(InputError, match="estimate_ground_load_kw.spf"):
        estimate_ground_load_kw([1.0], spf=1.0)


def test_iterate_borefield_converges_on_a_cop_coupled_load():
    field = _field(n_boreholes=4)
    heat = 20.0 * (0.5 + 0.5 * np.cos(np.linspace(0, 2 * np.pi, 8760)))

    def run(brine):  # COP rises with brine temperature (Carnot-like, 0.5 grade, 45 °C supply)
        cop = 0.5 * (45 + 273.15) / (45 - (brine - 5))
        return heat * (1 - 1 / cop)

    result = iterate_borefield(field, run, estimate_ground_load_kw(heat, spf=3.0), iterations=3)
    assert len(result.residual_k) == 3
    assert result.residual_k[-1] < result.residual_k[0]
    assert result.residual_k[-1] < 0.01
    np.testing.assert_allclose(result.extraction_kw, run(result.brine_degc))


# ------------------------------------------------------------------------ exhaust air
def test_exhaust_air_cap_is_flow_times_rho_c_times_delta_t(weather):
    building = mgwsim.building_from_typology("AB.02", 1)
    building = building.with_changes(ventilation=Ventilation("C", air_change_per_h=0.5))
    src = exhaust_air_source(building, weather.index, min_outlet_degc=2.0, extract_degc=21.0)
    flow = 0.5 * building.heated_volume_m3
    assert src.air_flow_m3_h == pytest.approx(flow)
    assert src.evaporator_limit_kw.shape == (weather.n_hours,)
    np.testing.assert_allclose(src.evaporator_limit_kw, flow * 0.34 * 19.0 / 1000.0, rtol=1e-12)
    assert RHO_C_AIR_WH_M3K == 0.34
    np.testing.assert_array_equal(src.source_degc, 21.0)
    np.testing.assert_allclose(src.condenser_limit_kw(4.0), src.evaporator_limit_kw * 4 / 3)


def test_exhaust_air_needs_extract_ventilation(weather):
    building = mgwsim.building_from_typology("AB.02", 1)
    with pytest.raises(InputError, match="ventilation.system"):
        exhaust_air_source(building, weather.index, min_outlet_degc=2.0)
    building = building.with_changes(ventilation=Ventilation("C"))
    with pytest.raises(InputError, match="min_outlet_degc"):
        exhaust_air_source(building, weather.index, min_outlet_degc=25.0)


# ------------------------------------------------------------------------ user series
def test_user_source_validates(weather):
    index = weather.index
    np.testing.assert_array_equal(user_source_degc(np.full(len(index), 10.0), index), 10.0)
    series = pd.Series(8.0, index=index)
    assert user_source_degc(series, index).dtype == np.float64
    with pytest.raises(InputError, match="user_source_degc.values"):
        user_source_degc(np.full(len(index) - 1, 10.0), index)
    with pytest.raises(InputError, match="user_source_degc.values"):
        user_source_degc(series.shift(1, freq="h"), index)
    with pytest.raises(InputError, match="user_source_degc.values"):
        user_source_degc(np.full(len(index), 99.0), index)


# --------------------------------------------------------------------------- the study's heat sources
from mgwsim.study.heat_sources import (  # noqa: E402
    ExhaustAir,
    GroundLoop,
    WaterBody,
    ground_brine,
    map_for_source,
    size_ground_loop,
)


def test_ground_loop_layout_and_drift():
    loop = GroundLoop(1000.0, depth_m=100.0)
    field = loop.borefield()
    assert field.n_boreholes == 12 and field.n_rows == 3 and field.total_length_m == pytest.approx(1000.0)
    load = 20.0 * (1.0 + np.cos(np.arange(8760) / 8760 * 2 * np.pi))  # kW, winter peak
    brine, facts = ground_brine(loop, load, 1.0)
    assert brine.size == 8760 and facts["brine_drift_k"] < 0.0
    assert facts["brine_min_year20_degc"] < facts["brine_min_year1_degc"] < loop.ground_degc
    # the infinite line source keeps cooling: colder in year 20 than the finite one
    _, infinite = ground_brine(GroundLoop(1000.0, model="infinite"), load, 1.0)
    assert infinite["brine_mean_year20_degc"] < facts["brine_mean_year20_degc"]


def test_sizing_meets_the_vdi_limits_and_longer_is_warmer():
    load = 20.0 * (1.0 + np.cos(np.arange(8760) / 8760 * 2 * np.pi))
    sized = size_ground_loop(GroundLoop(), load, 1.0, min_source_degc=-5.0)
    brine, _ = ground_brine(sized, load, 1.0)
    assert brine.min() >= 11.5 - 17.0 - 1e-9
    shorter, _ = ground_brine(GroundLoop(sized.total_length_m * 0.7), load, 1.0)
    assert shorter.mean() < brine.mean()


def test_water_and_exhaust_air_sources():
    index = pd.date_range("2023-01-01", periods=8760, freq="h", tz="Europe/Brussels")
    canal = WaterBody().water_degc(index)
    assert canal.min() == pytest.approx(5.0, abs=0.1) and canal.max() == pytest.approx(21.0, abs=0.1)
    assert np.ptp(WaterBody("groundwater").water_degc(index)) == 0.0
    assert "permit" in WaterBody("groundwater").permit_note
    assert ExhaustAir().evaporator_limit_kw(3600.0) == pytest.approx(3600 * 0.34 * 18.0 / 1000.0)
    with pytest.raises(InputError, match="monthly_degc"):
        WaterBody(monthly_degc=(5.0,) * 11)


def test_map_for_source_relabels_only_what_the_cycle_serves():
    from mgwsim.heatpump import Source, carnot_map

    brine = carnot_map(np.linspace(-5, 20, 11), np.linspace(36, 70, 10), rated_capacity_kw=40.0, source=Source("brine"))
    assert map_for_source(brine, "water").source.kind == "water"
    assert map_for_source(brine, "ground") is brine
    with pytest.raises(InputError, match="'brine'"):
        map_for_source(carnot_map(np.linspace(-20, 30, 11), np.linspace(36, 70, 10), rated_capacity_kw=40.0),
                       "ground")
