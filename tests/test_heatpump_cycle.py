"""Refrigerant cycle (CoolProp): textbook cycle, energy balance, second law, monotonicity, cache."""

from __future__ import annotations

import numpy as np
import pytest

from mgwsim.errors import InputError
from mgwsim.heatpump import Source, carnot_cop, cycle_map, cycle_point
from mgwsim.heatpump import cycle as cycle_module

SRC = np.array([-15.0, -10.0, -5.0, 0.0, 2.0, 7.0, 10.0, 15.0])
SNK = np.arange(30.0, 61.0, 5.0)


@pytest.fixture(scope="module", params=["R290", "R32", "R1234ze(E)", "R410A", "R744", "R454C", "R454B", "R452B",
                                        "R407C", "R134a"])
def any_map(request):
    return cycle_map(request.param, SRC, SNK, rated_capacity_kw=40.0, use_cache=False)


def test_r454c_peng_robinson_agrees_with_helmholtz_where_it_converges():
    """R454C runs on the Peng-Robinson backend; CoolProp's Helmholtz mixture model converges at A7/W35."""
    import CoolProp.CoolProp as CP

    helmholtz = CP.AbstractState("HEOS", "R32&R1234yf")
    helmholtz.set_mole_fractions(cycle_module._mole_fractions(CP, ["R32", "R1234yf"], (0.215, 0.785)))
    t_evap, t_cond = 273.15 + 7.0 - 8.0, 273.15 + 35.0 + 4.0
    cubic = cycle_module._state("R454C")[1]
    for state in (helmholtz, cubic):  # dew-point pressures at the evaporating and condensing temperatures
        state.update(CP.QT_INPUTS, 1.0, t_evap)
    assert cubic.p() == pytest.approx(helmholtz.p(), rel=0.08)
    for state in (helmholtz, cubic):
        state.update(CP.QT_INPUTS, 1.0, t_cond)
    assert cubic.p() == pytest.approx(helmholtz.p(), rel=0.10)
    def cop(c):
        return c.q_cond_j_kg / c.w_comp_j_kg

    blend, r32, r1234ze = (cycle_point(r, 7.0, 35.0) for r in ("R454C", "R32", "R1234ze(E)"))
    assert 0.9 * min(cop(r32), cop(r1234ze)) < cop(blend) < 1.1 * max(cop(r32), cop(r1234ze))


def test_cengel_example_11_1():
    """Ideal R134a refrigeration cycle 0.14 -> 0.8 MPa, 0.05 kg/s (Çengel & Boles, Example 11-1).

    Published: Q_L = 7.18 kW, W_in = 1.81 kW, COP_R = 3.97.
    """
    import CoolProp.CoolProp as CP

    t_evap = CP.PropsSI("T", "P", 0.14e6, "Q", 1, "R134a") - 273.15
    t_cond = CP.PropsSI("T", "P", 0.8e6, "Q", 0, "R134a") - 273.15
    c = cycle_point("R134a", t_evap, t_cond, approach_evap_k=0, approach_cond_k=0, superheat_k=0,
                    subcooling_k=0, eta_is=1.0, clearance=0.0)
    assert c.p_evap_pa == pytest.approx(0.14e6, rel=1e-6) and c.p_cond_pa == pytest.approx(0.8e6, rel=1e-6)
    assert 0.05 * c.q_evap_j_kg / 1e3 == pytest.approx(7.18, rel=0.03)
    assert 0.05 * c.w_comp_j_kg / 1e3 == pytest.approx(1.81, rel=0.03)
    assert c.q_evap_j_kg / c.w_comp_j_kg == pytest.approx(3.97, rel=0.03)


@pytest.mark.parametrize("refrigerant, t_src, t_snk", [("R290", 7, 35), ("R32", -7, 55), ("R744", 2, 65)])
def test_energy_balance(refrigerant, t_src, t_snk):
    c = cycle_point(refrigerant, t_src, t_snk)
    assert c.q_cond_j_kg == pytest.approx(c.q_evap_j_kg + c.w_comp_j_kg, rel=1e-12)
    assert c.q_evap_j_kg > 0 and c.w_comp_j_kg > 0


def test_below_carnot_everywhere(any_map):
    assert np.all(any_map.cop < carnot_cop(SRC[:, None], SNK[None, :]))


def test_cop_monotonic(any_map):
    assert np.all(np.diff(any_map.cop, axis=1) < 0), "COP must fall as the sink rises"
    assert np.all(np.diff(any_map.cop, axis=0) > 0), "COP must rise as the source warms"


def test_capacity_falls_with_source_and_rated_point(any_map):
    assert np.all(np.diff(any_map.capacity_kw, axis=0) > 0)
    assert any_map.capacity_at(7.0, 35.0) == pytest.approx(40.0, rel=1e-9)  # A7/W35 on the grid


def test_brine_rating_point_off_grid():
    m = cycle_map("R290", [-3.0, 4.0], [33.0, 50.0], rated_capacity_kw=30.0, source=Source("brine"), use_cache=False)
    ref = cycle_map("R290", [-3.0, 0.0, 4.0], [33.0, 35.0, 50.0], rated_capacity_kw=30.0, source=Source("brine"),
                    use_cache=False)
    assert ref.capacity_kw[1, 1] == pytest.approx(30.0, rel=1e-9)
    assert m.capacity_kw[0, 0] == pytest.approx(ref.capacity_kw[0, 0], rel=1e-9)


def test_r744_liao_close_to_searched_optimum():
    for t_src, t_snk, dt in [(7, 35, 5), (-10, 35, 5), (2, 55, 8), (-7, 65, 55)]:
        liao = cycle_point("R744", t_src, t_snk, sink_delta_k=dt, high_pressure="liao")
        best = cycle_point("R744", t_src, t_snk, sink_delta_k=dt, high_pressure="optimal")
        assert liao.cop_heating == pytest.approx(best.cop_heating, rel=0.01)
        assert liao.cop_heating <= best.cop_heating * (1 + 1e-3)


@pytest.mark.parametrize(
    "kw, match",
    [
        (dict(refrigerant="R12"), "refrigerant"),
        (dict(min_pressure_ratio=1.0), "min_pressure_ratio"),
        (dict(rated_capacity_kw=0.0), "rated_capacity_kw"),
        (dict(rated_capacity_kw=-5.0), "rated_capacity_kw"),
        (dict(source_degc=[5.0, 0.0]), "strictly ascending"),
        (dict(sink_degc=[40.0, 35.0]), "strictly ascending"),
        (dict(sink_degc=[35.0, 70.0], refrigerant="R32"), "critical temperature of R32"),
        (dict(eta_is=1.5), "eta_is"),
        (dict(source=Source("air"), approach_evap_k=-1.0), "approach_evap_k"),
    ],
)
def test_bad_input(kw, match):
    args = dict(refrigerant="R290", source_degc=[-5.0, 5.0], sink_degc=[35.0, 45.0], rated_capacity_kw=40.0,
                use_cache=False)
    args.update(kw)
    refrigerant = args.pop("refrigerant")
    with pytest.raises(InputError, match=match):
        cycle_map(refrigerant, **args)


def test_disk_cache_hit_does_not_recompute(tmp_path, monkeypatch):
    monkeypatch.setenv("MGWSIM_CACHE", str(tmp_path))
    first = cycle_map("R290", SRC, SNK, rated_capacity_kw=40.0, model="cache test")
    assert len(list((tmp_path / "cop_maps").glob("*.npz"))) == 1

    def boom(*args, **kwargs):
        raise AssertionError("recomputed although cached")

    monkeypatch.setattr(cycle_module, "_solve_grid", boom)
    second = cycle_map("R290", SRC, SNK, rated_capacity_kw=40.0, model="cache test")
    np.testing.assert_array_equal(first.cop, second.cop)
    np.testing.assert_array_equal(first.capacity_kw, second.capacity_kw)
    assert (second.model, second.refrigerant, second.source, second.max_sink_degc) == (
        first.model, first.refrigerant, first.source, first.max_sink_degc)
    with pytest.raises(AssertionError, match="recomputed"):  # another input -> another key
        cycle_map("R290", SRC, SNK, rated_capacity_kw=41.0)


def test_an_edit_of_the_heat_pump_code_starts_fresh_maps(tmp_path, monkeypatch):
    """The cache key holds a fingerprint of the heat-pump package's source: an edit of the cycle model, which
    leaves mgwsim's version as it is, finds no map of the code before it (the key and the fingerprint change)."""
    from pathlib import Path

    from mgwsim.heatpump import _cache

    package = Path(_cache.__file__).parent
    copies = {name: tmp_path / name for name in ("same", "edited")}
    for folder in copies.values():
        folder.mkdir()
        for path in package.glob("*.py"):
            (folder / path.name).write_bytes(path.read_bytes())
    (copies["edited"] / "cycle.py").write_bytes((copies["edited"] / "cycle.py").read_bytes() + b"\n# an edit\n")
    assert _cache.model_fingerprint(copies["same"]) == _cache.model_fingerprint(package) == _cache.model_fingerprint()
    assert _cache.model_fingerprint(copies["edited"]) != _cache.model_fingerprint(package)
    key = _cache.map_key({"refrigerant": "R290"})
    edited = _cache.model_fingerprint(copies["edited"])
    monkeypatch.setattr(_cache, "model_fingerprint", lambda: edited)
    assert _cache.map_key({"refrigerant": "R290"}) != key


def test_warm_call_does_not_import_coolprop(tmp_path):
    """In a fresh process with a warm cache, CoolProp is never imported."""
    import os
    import subprocess
    import sys

    code = (
        "import sys, numpy as np\n"
        "from mgwsim.heatpump import cycle_map\n"
        "cycle_map('R290', np.array([-5.0, 5.0]), np.array([35.0, 45.0]), rated_capacity_kw=10.0)\n"
        "print('CoolProp' in sys.modules)\n"
    )
    env = {**os.environ, "MGWSIM_CACHE": str(tmp_path)}
    cold = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    warm = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert cold.stdout.strip() == "True" and warm.stdout.strip() == "False"


@pytest.mark.parametrize(("p_mpa", "t_degc"), [(7.5, 40.0), (9.0, 75.0), (12.0, 110.0), (14.0, 160.0)])
def test_the_single_phase_isentrope_equals_coolprops_ps_flash(p_mpa, t_degc):
    """R744 discharge states by Newton on (p, T) equal CoolProp's (p, s) flash (from a guess 10 K off)."""
    CP, st = cycle_module._state("R744")
    p = p_mpa * 1e6
    st.update(CP.PT_INPUTS, p, t_degc + 273.15)
    s_target = st.smass()
    h, rho, t = cycle_module._single_phase_isentrope(CP, st, p, s_target, t_degc + 283.15)
    st.update(CP.PSmass_INPUTS, p, s_target)
    assert h == pytest.approx(st.hmass(), rel=1e-9)
    assert rho == pytest.approx(st.rhomass(), rel=1e-7)
    assert t == pytest.approx(st.T(), abs=1e-5)


@pytest.mark.parametrize(("refrigerant", "p_bar", "t_degc"), [("R290", 25.0, 80.0), ("R454C", 25.0, 75.0),
                                                              ("R452B", 30.0, 90.0), ("R407C", 20.0, 70.0)])
def test_the_vapour_isentrope_in_the_imposed_gas_phase_equals_coolprops_ps_flash(refrigerant, p_bar, t_degc):
    """Subcritical discharge states by Newton on (p, T) with the gas phase imposed equal the (p, s) flash."""
    CP, st = cycle_module._state(refrigerant)
    p = p_bar * 1e5
    st.update(CP.PT_INPUTS, p, t_degc + 273.15)
    s_target = st.smass()
    h, rho, t = cycle_module._single_phase_isentrope(CP, st, p, s_target, t_degc + 263.15, CP.iphase_gas)
    st.update(CP.PSmass_INPUTS, p, s_target)
    assert h == pytest.approx(st.hmass(), rel=1e-9)
    assert rho == pytest.approx(st.rhomass(), rel=1e-7)
    assert t == pytest.approx(st.T(), abs=1e-5)


@pytest.mark.parametrize("refrigerant", ["R454B", "R452B", "R407C"])
def test_new_blends_lie_between_their_neighbours_at_a7_w35(refrigerant):
    """R454B and R452B (R410A replacements) and R407C: refrigerant-side COP within 10 % of R32 and R410A."""
    blend, r32, r410a = (cycle_point(r, 7.0, 35.0).cop_heating for r in (refrigerant, "R32", "R410A"))
    assert 0.9 * min(r32, r410a) < blend < 1.1 * max(r32, r410a)


def test_glide_mid_point_of_pseudo_pure_r407c():
    """R407C (pseudo-pure, ~5 K glide at 0 °C): the condensing pressure's bubble and dew points straddle T."""
    import CoolProp.CoolProp as CP

    c = cycle_point("R407C", 7.0, 35.0, approach_cond_k=0.0)
    t_bubble = CP.PropsSI("T", "P", c.p_cond_pa, "Q", 0, "R407C") - 273.15
    t_dew = CP.PropsSI("T", "P", c.p_cond_pa, "Q", 1, "R407C") - 273.15
    assert t_bubble < 35.0 < t_dew and 0.5 * (t_bubble + t_dew) == pytest.approx(35.0, abs=1e-3)


@pytest.mark.parametrize(("p_mpa", "h_kj_kg"), [(9.0, 480.0), (12.0, 520.0), (14.0, 560.0)])
def test_the_r744_discharge_temperature_equals_coolprops_hp_flash(p_mpa, h_kj_kg):
    """Discharge temperature by Newton on (p, T) in the imposed supercritical phase = the (h, p) flash."""
    CP, st = cycle_module._state("R744")
    state = cycle_module.CycleState(3e6, p_mpa * 1e6, 430e3, h_kj_kg * 1e3, 250e3, 250e3, 80.0, 0.8, 0.7)
    st.update(CP.HmassP_INPUTS, state.h2, state.p_cond_pa)
    expected = st.T()
    assert cycle_module._discharge_t(CP, st, state, expected - 10.0) == pytest.approx(expected, abs=1e-3)


def test_a_warm_source_above_a_cold_supply_runs_at_the_minimum_pressure_ratio():
    """EN 14825 flow temperatures reach down to 24 °C: from warm air the compressor holds its lowest ratio."""
    warm = cycle_point("R290", 30.0, 20.0)
    warmer = cycle_point("R290", 35.0, 20.0)
    assert warm.p_cond_pa / warm.p_evap_pa == pytest.approx(1.5, rel=1e-9)
    assert warmer.cop_heating == pytest.approx(warm.cop_heating, rel=1e-12)
    free = cycle_point("R290", 12.0, 24.0)  # EN 14825 point D: above the minimum ratio, evaporating at 4 °C
    assert free.p_cond_pa / free.p_evap_pa > 1.5
    m = cycle_map("R290", [-5.0, 5.0, 25.0], [0.0, 20.0, 35.0], rated_capacity_kw=40.0, use_cache=False)
    assert np.all(np.diff(m.cop, axis=0) >= 0.0) and np.all(np.diff(m.cop, axis=1) < 0.0)
    hot = cycle_point("R744", 30.0, 20.0, return_degc=10.0)  # R744 raises its high pressure instead
    assert hot.p_cond_pa / hot.p_evap_pa >= 1.5 * (1 - 1e-12)


MAP_REFRIGERANTS = ["R290", "R32", "R1234ze(E)", "R134a", "R410A", "R407C", "R454C", "R454B", "R452B", "R744",
                    "R744 hot water"]


@pytest.mark.parametrize("name", MAP_REFRIGERANTS)
def test_the_fast_map_path_reproduces_cycle_point(name):
    """The map's shortcuts (saturation interpolants, warm-started Newton, secant) against the exact
    single-point solver, on the 40 x 40 benchmark grid: every row of four columns, with the map's
    colder-rows rule applied to the reference. Measured: <= 6e-8 (R410A), most ~1e-9."""
    refrigerant, kw = ("R744", {"return_degc": 10.0}) if name == "R744 hot water" else (name, {})
    src = np.linspace(-20.0, 20.0, 40)
    snk = np.linspace(60.0, 90.0, 40) if kw else np.linspace(30.0, 60.0, 40)
    m = cycle_map(refrigerant, src, snk, rated_capacity_kw=40.0, use_cache=False, **kw)
    cols = np.array([0, 13, 26, 39])
    cop, vol_heat = np.full((src.size, cols.size), np.nan), np.full((src.size, cols.size), np.nan)
    for i, t_source in enumerate(src):
        for j, k in enumerate(cols):
            try:
                c = cycle_point(refrigerant, t_source, snk[k], **kw)
            except InputError:  # the map takes a colder row there
                continue
            cop[i, j], vol_heat[i, j] = c.cop_heating, c.rho1 * c.eta_vol * c.q_cond_j_kg
    cycle_module._evaporate_colder_where_better(cop, vol_heat, [None] * src.size, src, snk[cols])
    rated = cycle_point(refrigerant, 7.0, 35.0, **kw)
    capacity = vol_heat / (rated.rho1 * rated.eta_vol * rated.q_cond_j_kg) * 40.0
    assert np.max(np.abs(m.cop[:, cols] / (cop * cycle_module.default_eta_el(refrigerant, "air")) - 1.0)) < 1e-6
    assert np.max(np.abs(m.capacity_kw[:, cols] / capacity - 1.0)) < 1e-6


@pytest.mark.parametrize(("refrigerant", "kw"), [("R454C", {}), ("R744", {"return_degc": 10.0})])
def test_the_map_falls_back_to_the_exact_path_where_a_shortcut_fails(monkeypatch, refrigerant, kw):
    """Without the saturation interpolant, the warm-started Newton and the secant the map is the same."""
    src, snk = np.linspace(-10.0, 10.0, 6), np.linspace(60.0, 80.0, 5) if kw else np.linspace(30.0, 55.0, 5)
    fast = cycle_map(refrigerant, src, snk, rated_capacity_kw=40.0, use_cache=False, **kw)
    monkeypatch.setattr(cycle_module, "_sat_table", lambda *args: None)
    monkeypatch.setattr(cycle_module, "_newton_t_rho", lambda *args: None)
    monkeypatch.setattr(cycle_module, "_secant_root", lambda *args: None)
    exact = cycle_map(refrigerant, src, snk, rated_capacity_kw=40.0, use_cache=False, **kw)
    np.testing.assert_allclose(fast.cop, exact.cop, rtol=1e-7)
    np.testing.assert_allclose(fast.capacity_kw, exact.capacity_kw, rtol=1e-7)
