"""Products from certificates: hplib rows with hplib's own floor and clamp, EN 14825 points, SCOP."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mgwsim._data import data_path
from mgwsim.errors import InputError
from mgwsim.heatpump import carnot_cop
from mgwsim.heatpump.certificate import (EN14825_AVERAGE_HOURS, EN14825_AVERAGE_TJ_DEGC, certificate_map,
                                         fit_certificate, keymark_points, keymark_products, part_load_ratio,
                                         read_certificate_points, scop_from_declared, scop_from_map)
from mgwsim.heatpump.datasheet import hplib_database, hplib_map
from tests.reference.keymark_declarations import COLLECTIVE_OTHER_MAKERS

AIR_GRID = (np.arange(-30.0, 21.0), np.arange(22.0, 61.0))  # the grid of issue 17
MAP_GRID = (np.arange(-20.0, 21.0), np.arange(22.0, 61.0))

# Viessmann Vitocal 200, Heat Pump Keymark EN 14825 declaration (average climate) as shipped in
# hplib's repository (FZJ-IEK3-VSA/hplib, example/ViessmannVitocal200/Vitocal200_keymark.csv, MIT):
# 35 °C application (A/B/C/D: -7/34, 2/30, 7/27, 12/24) and 55 °C application (-7/52 .. 12/30).
VITOCAL = pd.DataFrame({
    "source_degc": [-7, 2, 7, 12, -7, 2, 7, 12], "sink_degc": [34, 30, 27, 24, 52, 42, 36, 30],
    "capacity_kw": [4.76, 3.0, 3.15, 3.05, 4.63, 3.11, 2.97, 2.91],
    "cop": [2.86, 4.33, 5.77, 7.14, 2.03, 3.07, 4.19, 5.5], "load": "part"})


# -- hplib rows ------------------------------------------------------------------------------------
def _air_rows():
    db = hplib_database()
    return [i for i in range(len(db)) if db["Group"].iloc[i] in (1.0, 4.0) and db["Model"].iloc[i] != "Generic"]


def test_every_hplib_air_model_gives_a_map_on_the_wide_grid():
    """Issue 17: 388 of 389 raised. Now every one gives a map, available down to the -10 °C design temperature."""
    failures, not_to_design = [], []
    for i in _air_rows():
        try:
            m = hplib_map(i, *AIR_GRID)
        except InputError as error:
            failures.append(str(error))
            continue
        if m.source.min_degc > -10.0 or not m.capacity_at(-10.0, 35.0) > 0.0:
            not_to_design.append(m.model)
    assert len(_air_rows()) >= 380 and failures == [] and not_to_design == []


@pytest.mark.parametrize("row", [0, 50, 100, 200])
def test_hplib_map_equals_hplib_simulate_where_available(row):
    import hplib.hplib as hpl

    m = hplib_map(row, *AIR_GRID)
    params = hplib_database().iloc[[row]]
    src, snk = np.meshgrid(m.source_degc, m.sink_degc, indexing="ij")
    ref = hpl.simulate(src, snk - 5.0, params, src)  # hplib's T_out = secondary inlet + 5 K
    cop, p_th_kw = ref["COP"][0], ref["P_th"][0] / 1000.0
    available = np.isfinite(m.cop_at(src, snk))
    assert m.capacity_at(7.0, 35.0) > 0.0  # the EN 14511 rating point is available
    np.testing.assert_allclose(m.cop_at(src, snk)[available], cop[available], rtol=1e-9)
    np.testing.assert_allclose(m.capacity_at(src, snk)[available], p_th_kw[available], rtol=1e-9)
    rod = cop <= 1.0 + 1e-12  # hplib's clamp: compressor off, heating rod at COP 1
    assert rod.any() and np.all(m.capacity_at(src, snk)[rod] == 0.0)


def test_hplib_generic_no_longer_raises_where_its_cop_falls_below_one():
    """hplib's generic air fit has COP <= 1 at -15 °C / 55 °C (issue 17: used to raise).

    Now a map, not available there."""
    m = hplib_map("Generic", np.arange(-15.0, 6.0), np.arange(35.0, 56.0), group_id=1, rated_capacity_kw=40.0)
    assert m.capacity_at(-15.0, 55.0) == 0.0 and np.isnan(m.cop_at(-15.0, 55.0))
    assert m.capacity_at(5.0, 35.0) > 0.0
    assert m.rated_capacity_kw == pytest.approx(40.0)


def test_hplib_by_row_index_name_and_series_agree():
    db = hplib_database()
    row = 100
    by_index = hplib_map(row, *MAP_GRID)
    by_name = hplib_map(db["Model"].iloc[row], *MAP_GRID)
    by_series = hplib_map(db.iloc[row], *MAP_GRID)
    np.testing.assert_array_equal(by_index.cop, by_name.cop)
    np.testing.assert_array_equal(by_index.capacity_kw, by_series.capacity_kw)


def test_hplib_bad_row():
    with pytest.raises(InputError, match="row index must be in 0.."):
        hplib_map(10**6, *MAP_GRID)


# -- EN 14825 climate --------------------------------------------------------------------------------
def test_average_climate_hours_and_equivalent_hours():
    """4910 h of bins; sum hj PLR(Tj) = the average climate's 2066 equivalent active hours (Reg. 813/2013)."""
    assert EN14825_AVERAGE_TJ_DEGC.size == EN14825_AVERAGE_HOURS.size == 26
    assert EN14825_AVERAGE_HOURS.sum() == 4910.0
    assert np.sum(EN14825_AVERAGE_HOURS * part_load_ratio(EN14825_AVERAGE_TJ_DEGC)) == pytest.approx(2066.0, abs=0.5)


def test_scop_of_a_constant_cop_unit_without_cycling_is_that_cop():
    tj = [-10.0, -7.0, 2.0, 7.0, 12.0, 15.0]
    prated = 10.0
    points = pd.DataFrame({"source_degc": tj, "sink_degc": [35, 34, 30, 27, 24, 24],
                           "capacity_kw": prated * part_load_ratio(tj), "cop": 4.0, "load": "part"})
    assert scop_from_declared(points, prated_kw=prated) == pytest.approx(4.0, rel=1e-12)


def test_cycling_and_backup_lower_the_scop():
    base = VITOCAL.iloc[:4]
    scop = scop_from_declared(base)
    oversize = base.assign(capacity_kw=base.capacity_kw * 2.0)  # cycling: CR < 1 at every bin
    undersize = base.assign(capacity_kw=base.capacity_kw * 0.5)  # backup at COP 1
    assert scop_from_declared(oversize, prated_kw=5.4) < scop_from_declared(base, prated_kw=5.4)
    assert scop_from_declared(undersize, prated_kw=5.4) < scop_from_declared(base, prated_kw=5.4)
    assert 3.0 < scop < 6.0


# -- certified collective units (mgwsim/data/heatpump/keymark_points.csv) --------------------------
DECLARATIONS = [(p, app) for p in keymark_products() for app in (35, 55)]


@pytest.mark.parametrize("product, application", DECLARATIONS, ids=[f"{p}-W{a}" for p, a in DECLARATIONS])
def test_scop_from_declared_points_within_5_pct_of_the_certificate(product, application):
    """EN 14825 bin method (SCOPon) against the declared SCOP (which also counts off-mode hours).

    Measured -0.1..+1.5 %."""
    points = keymark_points(product, application)
    scop = scop_from_declared(points, prated_kw=points["prated_kw"].iloc[0])
    assert scop == pytest.approx(points["scop_declared"].iloc[0], rel=0.05)


@pytest.mark.parametrize("product", keymark_products())
def test_scop_of_the_fitted_map_within_5_pct_of_the_certificate(product):
    """Map route: fit the 35 °C declaration, size at Prated, minimum modulation = the declaration's lowest
    capacity; SCOP of the map (full-load COP, cycling below the minimum) within ±5 % (measured -4.99..+1.5 %;
    -4.7..+2.3 % without the market prior of the sink slope)."""
    points = keymark_points(product, 35)
    prated = points["prated_kw"].iloc[0]
    m = certificate_map(points, *MAP_GRID, prated_kw=prated, min_modulation_frac=points["capacity_kw"].min() / prated)
    assert scop_from_map(m, prated) == pytest.approx(points["scop_declared"].iloc[0], rel=0.05)


def test_declared_points_follow_the_en14825_part_load_ratio():
    """Decoding check: at and above Tbiv the unit covers the load PLR(Tj) x Prated (Pdh >= load, CR <= 1);
    at B (2 °C) all four units modulate to the load itself (within 3 %)."""
    for product in keymark_products():
        points = keymark_points(product, 35)
        load = part_load_ratio(points["source_degc"]) * points["prated_kw"]
        tbiv = points.loc[points["point"] == "Tbiv", "source_degc"].min() if (points["point"] == "Tbiv").any() else -7.0
        above = points["source_degc"] >= tbiv
        assert np.all(points["capacity_kw"][above] >= 0.99 * load[above])
        at_b = (points["point"] == "B").to_numpy()
        assert points["capacity_kw"][at_b].iloc[0] == pytest.approx(load[at_b].iloc[0], rel=0.03)


# Named subsets of a declaration (application, point) a user may have at hand.
HELD_OUT_SUBSETS = {
    "A, C (35)": [(35, "A"), (35, "C")],
    "A, C (35) + A (55)": [(35, "A"), (35, "C"), (55, "A")],
    "A, C (35) + A, C (55)": [(35, "A"), (35, "C"), (55, "A"), (55, "C")],
    "A, B (35) + A, B (55)": [(35, "A"), (35, "B"), (55, "A"), (55, "B")],
    "A-D (35)": [(35, p) for p in "ABCD"],
}


def _collective_held_out_errors(keys, *, ancillary=False, market_prior=True, points_at=None):
    """|COP error| at the held-out part-load points of the >= 20 kW units; ``ancillary``: fit with the
    declared PTO as ancillary power and predict at each held-out point's declared capacity."""
    errors = []
    for product in keymark_products():
        points = keymark_points(product, None, "part").set_index(["application_degc", "point"])
        if points["prated_kw"].max() < 20.0:
            continue
        fit = fit_certificate(points.loc[keys].reset_index(), *MAP_GRID, market_prior=market_prior,
                              ancillary_kw=points["p_to_kw"].iloc[0] if ancillary else 0.0)
        other = points.drop(keys).reset_index()
        if points_at is not None:
            other = other[other["point"] == points_at]
        cop = fit.cop(other.source_degc, other.sink_degc, other.capacity_kw)
        errors.extend(np.abs(cop / other.cop - 1.0))
    return errors


def test_held_out_points_of_collective_units_median_error():
    """Fit from 2-4 declared points, predict the other part-load points of the >= 20 kW units, with the
    declared thermostat-off power PTO as the ancillary power.

    Stated bound: median |COP error| <= 7.5 % over all subsets (measured 7.0 % on 114 points; 8.3 % without
    the ancillary power, 9.3 % also without the market prior). Issue 17's target of 5 % is not reached:
    the 55 °C TOL point (+46 to +55 %), A of the 55 °C application predicted from 35 °C points
    (+15 to +19 %), Tbiv (+10 to +17 %) and C when not fitted (-12 to -18 %) carry the largest errors.
    The form itself falls short: fitted to all 10-12 declared points of each unit its median at the same 114
    slots is 6.0 % (3.4 % on other makers' units); the variants tried are in ``tools/certificate_fit_variants.py``.
    """
    errors = [e for keys in HELD_OUT_SUBSETS.values() for e in _collective_held_out_errors(keys, ancillary=True)]
    assert len(errors) == 114
    assert np.median(errors) <= 0.075


def test_ancillary_power_removes_most_of_the_error_at_the_minimum_speed_point():
    """At D (12 °C, about 0.15 Prated) the plain fit is 14-25 % too high; the fixed ancillary power (PTO, 96 W)
    is a larger share of the input there than at the other points. Measured median |error| at D over all subsets:
    15.6 % -> 5.1 % (27 points); over all 114 points 8.3 % -> 7.0 %."""
    plain = [e for keys in HELD_OUT_SUBSETS.values() for e in _collective_held_out_errors(keys, points_at="D")]
    with_pto = [e for keys in HELD_OUT_SUBSETS.values()
                for e in _collective_held_out_errors(keys, ancillary=True, points_at="D")]
    assert len(plain) == len(with_pto) > 0
    assert np.median(with_pto) < 0.5 * np.median(plain)
    everything = [[e for keys in HELD_OUT_SUBSETS.values() for e in _collective_held_out_errors(keys, ancillary=a)]
                  for a in (False, True)]
    assert np.median(everything[1]) < np.median(everything[0]) <= 0.09


# Two more Heat Pump Keymark declarations of other manufacturers (average climate, as exported by the Keymark
# database and stored in hplib's repository, FZJ-IEK3-VSA/hplib, MIT, input/csv/): AOKOL Split Type EVI DC
# Inverter R32-35 (ASH-35CHW/FR, R32, Prated 10.25/8.91 kW, PTO 36 W, declaration 12.01.2024) and Andercore
# S-Serie 210 (R290, Prated 9.29/9.24 kW, PTO 8 W, declaration 08.11.2022): (application, point, Tj, flow, Pdh, COPd).
OTHER_MAKERS = {
    "AOKOL R32-35": (0.036, [
        (35, "A", -7, 34, 9.07, 2.83), (35, "B", 2, 30, 5.67, 4.64), (35, "C", 7, 27, 3.80, 5.25),
        (35, "D", 12, 24, 3.88, 8.25), (55, "A", -7, 52, 7.89, 2.13), (55, "B", 2, 42, 4.86, 3.25),
        (55, "C", 7, 36, 3.11, 4.14), (55, "D", 12, 30, 3.28, 6.52)]),
    "Andercore S-Serie 210": (0.008, [
        (35, "A", -7, 34, 8.22, 3.17), (35, "B", 2, 30, 5.04, 4.85), (35, "C", 7, 27, 5.72, 6.11),
        (35, "D", 12, 24, 6.23, 7.59), (35, "TOL", -10, 35, 9.39, 2.85), (55, "A", -7, 52, 8.17, 2.58),
        (55, "B", 2, 42, 4.98, 3.62), (55, "C", 7, 36, 5.56, 4.67), (55, "D", 12, 30, 6.08, 6.16),
        (55, "TOL", -10, 55, 8.95, 2.54)]),
}


def _declared_held_out_errors(rows, ancillary_kw):
    """|COP error| at the declared part-load points ``rows`` (application, point, Tj, flow, Pdh, COPd) left out
    of each of ``HELD_OUT_SUBSETS``, predicted at their declared capacity."""
    points = pd.DataFrame(rows, columns=["application_degc", "point", "source_degc", "sink_degc", "capacity_kw", "cop"])
    points = points.assign(load="part").set_index(["application_degc", "point"])
    errors = []
    for keys in HELD_OUT_SUBSETS.values():
        fit = fit_certificate(points.loc[keys].reset_index(), *MAP_GRID, ancillary_kw=ancillary_kw)
        other = points.drop(keys).reset_index()
        errors.extend(np.abs(fit.cop(other.source_degc, other.sink_degc, other.capacity_kw) / other.cop - 1.0))
    return np.array(errors)


def _other_maker_errors(name, ancillary):
    pto, rows = OTHER_MAKERS[name]
    return _declared_held_out_errors(rows, pto if ancillary else 0.0)


def test_ancillary_power_on_units_of_other_manufacturers():
    """The ancillary route was not tuned on the Airwell units: on two other makers' declarations with their own
    PTO, the same subsets. Measured median |error|: AOKOL (PTO 36 W) 11.8 -> 10.7 %, Andercore (PTO 8 W, a
    negligible share) 7.7 -> 7.9 %; both together 9.0 -> 9.0 % (mean 8.9 -> 8.6 %)."""
    aokol = [np.median(_other_maker_errors("AOKOL R32-35", a)) for a in (False, True)]
    andercore = [np.median(_other_maker_errors("Andercore S-Serie 210", a)) for a in (False, True)]
    assert aokol[1] < aokol[0]
    assert abs(andercore[1] - andercore[0]) < 0.005  # 8 W: no effect either way
    both = [np.concatenate([_other_maker_errors(n, a) for n in OTHER_MAKERS]) for a in (False, True)]
    assert both[1].size == 56 and np.mean(both[1]) < np.mean(both[0])


def test_held_out_points_of_other_makers_collective_units_median_error():
    """The same subsets on 13 collective-size declarations of four other manufacturers (AMS, Andercore,
    Advantix, Acond; R32 and R290, Prated 12.5-49 kW; ``tests/reference/keymark_declarations.py``, chosen by
    name before any fit), each with its own PTO: units the route was not examined on.

    Stated bound: median |COP error| <= 7 % over the 419 held-out points (measured 6.4 %; per subset 5.3 %
    for A, C of both applications to 7.6 % for A-D of the 35 °C application; 3.4 % when fitted to all their
    points; ``tools/certificate_fit_variants.py``)."""
    errors = np.concatenate([_declared_held_out_errors(rows, pto)
                             for _, _, pto, rows in COLLECTIVE_OTHER_MAKERS.values()])
    assert errors.size == 419
    assert np.median(errors) <= 0.07


def test_en14825_cycling_at_the_collective_units_points_is_within_1_2_pct():
    """Issue 17's hypothesis that the D error is the EN 14825 cycling loss inside COPd: at every declared point
    of the >= 20 kW units the capacity ratio CR = PLR x Prated / Pdh is >= 0.9, so the factor
    CR/(Cd CR + 1 - Cd) with their declared Cd = 0.9 is within 1.2 % of 1 (measured >= 0.9897): it cannot
    explain a 14-25 % error. (Fitting on de-rated points and re-rating the predictions: 8.3 % -> 8.35 %.)"""
    for product in keymark_products():
        points = keymark_points(product, None, "part")
        if points["prated_kw"].max() < 20.0:
            continue
        ratio = np.minimum(part_load_ratio(points["source_degc"]) * points["prated_kw"] / points["capacity_kw"], 1.0)
        assert np.all(ratio / (0.9 * ratio + 0.1) >= 0.988)


def test_market_prior_improves_the_held_out_points_it_applies_to():
    """A, C of the 35 °C application alone cannot tell the sink slope: the market's does better than none."""
    keys = HELD_OUT_SUBSETS["A, C (35)"]
    points = keymark_points(keymark_products()[1], None, "part").set_index(["application_degc", "point"])
    assert "c from the market prior" in fit_certificate(points.loc[keys].reset_index(), *MAP_GRID).form
    with_prior = np.median(_collective_held_out_errors(keys))
    assert with_prior < np.median(_collective_held_out_errors(keys, market_prior=False))


@pytest.mark.parametrize("product, application", DECLARATIONS, ids=[f"{p}-W{a}" for p, a in DECLARATIONS])
def test_scop_with_off_mode_reproduces_the_certificate_and_its_annual_energy(product, application):
    """With the declared POFF/PTO/PSB/PCK and the average climate's off-mode hours the bin method gives the
    certificate's SCOP itself (not SCOPon). Measured -0.7..+0.9 % against the declared SCOP (SCOPon: -0.1..+1.5 %);
    the annual energy QH/SCOP against the declared QHE -0.2..+1.6 %. Bound 2 %."""
    points = keymark_points(product, application)
    first = points.iloc[0]
    scop = scop_from_declared(points, prated_kw=first["prated_kw"], off_mode_kw=first)
    assert scop == pytest.approx(first["scop_declared"], rel=0.02)
    heat_kwh = float(np.sum(EN14825_AVERAGE_HOURS * part_load_ratio(EN14825_AVERAGE_TJ_DEGC))) * first["prated_kw"]
    assert heat_kwh / scop == pytest.approx(first["qhe_declared_kwh"], rel=0.02)
    assert scop < scop_from_declared(points, prated_kw=first["prated_kw"])  # off-mode hours cost


def test_off_mode_powers_bad_input():
    points = keymark_points(keymark_products()[0], 35)
    with pytest.raises(InputError, match="off_mode_kw must map"):
        scop_from_declared(points, off_mode_kw={"p_to_kw": 0.1})
    bad = {"p_off_kw": 0.0, "p_to_kw": -0.1, "p_sb_kw": 0.0, "p_ck_kw": 0.0}
    with pytest.raises(InputError, match="p_to_kw"):
        scop_from_declared(points, off_mode_kw=bad)


def test_ancillary_power_bad_input_names_the_field():
    points = keymark_points(keymark_products()[1], 35)
    with pytest.raises(InputError, match="ancillary_kw"):
        fit_certificate(points, *MAP_GRID, ancillary_kw=-0.1)
    with pytest.raises(InputError, match="ancillary_kw = 5.0 kW is not below"):
        fit_certificate(points, *MAP_GRID, ancillary_kw=5.0)  # D: 3.79 kW / 7.14 = 0.53 kW electric
    fit = fit_certificate(points, *MAP_GRID, ancillary_kw=0.096)
    with pytest.raises(InputError, match="output_kw must be > 0"):
        fit.cop(7.0, 35.0, 0.0)


def test_ancillary_power_hand_calculation_and_physical_map():
    """A constructed unit: cycle COP = 0.5 Carnot everywhere, 0.2 kW ancillary; the declared COPs at 4 and 16 kW
    follow Q/(Q/COP_c + P_a), and the fit recovers eta = 0.5 and the lower COP at the smaller output. The map
    from the Airwell 22 kW declaration with its PTO is physical on the whole grid."""
    from mgwsim.heatpump.carnot import carnot_cop_with_approach

    ts, tk, q = np.array([-7.0, 2.0, 7.0, 12.0]), np.array([34.0, 30.0, 27.0, 24.0]), np.array([16.0, 10.0, 7.0, 4.0])
    cycle = 0.5 * carnot_cop_with_approach(ts, tk, 8.0, 4.0)
    declared = q / (q / cycle + 0.2)
    points = pd.DataFrame({"source_degc": ts, "sink_degc": tk, "capacity_kw": q, "cop": declared, "load": "part"})
    fit = fit_certificate(points, *MAP_GRID, ancillary_kw=0.2, market_prior=False, prated_kw=18.0)
    np.testing.assert_allclose(fit.eta_coef, [0.5, 0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(fit.cop(ts, tk, q), declared, rtol=1e-12)
    assert fit.cop(12.0, 24.0, 2.0) < fit.cop(12.0, 24.0, 4.0) < fit.cop(12.0, 24.0)
    airwell = keymark_points(keymark_products()[1], None, "part")
    m = certificate_map(airwell, *MAP_GRID, prated_kw=22.31, ancillary_kw=0.096)
    assert np.all(np.diff(m.cop, axis=0) > 0) and np.all(np.diff(m.cop, axis=1) < 0)
    assert np.all(m.cop < carnot_cop(m.source_degc[:, None], m.sink_degc[None, :]))
    assert np.all(m.cop > 1.0) and np.all(m.capacity_kw > 0.0)


def test_keymark_points_bad_input():
    with pytest.raises(InputError, match="shipped products"):
        keymark_points("No Such Pump")
    with pytest.raises(InputError, match="application_degc"):
        keymark_points(keymark_products()[0], 45)


# -- fit from points ---------------------------------------------------------------------------------
SUBSETS = [[0, 3], [0, 2], [4, 7], [0, 1, 2], [0, 2, 4, 6], [0, 3, 4, 7], [0, 1, 2, 3]]


@pytest.mark.parametrize("subset", SUBSETS, ids=str)
def test_fit_from_2_to_4_points_is_physical_on_the_whole_grid(subset):
    m = certificate_map(VITOCAL.iloc[subset], *MAP_GRID, prated_kw=5.4)
    assert np.all(np.diff(m.cop, axis=0) > 0) and np.all(np.diff(m.cop, axis=1) < 0)
    assert np.all(m.cop < carnot_cop(m.source_degc[:, None], m.sink_degc[None, :]))
    assert np.all(m.cop > 1.0) and np.all(m.capacity_kw > 0.0)


def _held_out_errors():
    errors = []
    for subset in SUBSETS:
        fit = fit_certificate(VITOCAL.iloc[subset], *MAP_GRID)
        other = VITOCAL.drop(VITOCAL.index[subset])
        errors.extend(np.abs(fit.cop(other.source_degc, other.sink_degc) / other.cop - 1.0))
    return np.array(errors)


def test_held_out_certified_points_median_error():
    """Held-out Keymark points of the Vitocal 200 (7 subsets of 2-4 points).

    Stated bound: median |COP error| <= 8 % (measured 7.0 % with the market prior, 10.6 % without)."""
    assert np.median(_held_out_errors()) <= 0.08


def test_leave_one_out_uncertainty_is_reported_and_of_the_held_out_size():
    fit = fit_certificate(VITOCAL.iloc[[0, 2, 4, 6]], *MAP_GRID)
    assert 0.0 < fit.cop_uncertainty_frac < 0.3
    assert fit.form == "a+b+c"


def test_fit_on_the_full_load_datasheet_points_of_a_real_product():
    points = pd.read_csv(data_path("heatpump", "en14511_points.csv"))
    ochsner = points[points["product"] == "Ochsner GMLW 19 plus"]
    fit = fit_certificate(ochsner[ochsner.sink_degc == 35.0], np.arange(-15.0, 16.0), np.arange(30.0, 61.0))
    assert fit.capacity_coef[1] > 0.0  # full-load capacity rises with the source temperature
    w35 = ochsner[ochsner.sink_degc == 35.0]
    np.testing.assert_allclose(fit.capacity_kw(w35.source_degc, 35.0), w35.capacity_kw, rtol=0.05)


def test_prated_and_rated_capacity_are_distinct_and_exclusive():
    m = certificate_map(VITOCAL.iloc[:4], *MAP_GRID, prated_kw=40.0)
    assert m.capacity_at(-10.0, 35.0) == pytest.approx(40.0)
    m7 = certificate_map(VITOCAL.iloc[:4], *MAP_GRID, rated_capacity_kw=40.0)
    assert m7.rated_capacity_kw == pytest.approx(40.0)
    with pytest.raises(InputError, match="not both"):
        certificate_map(VITOCAL.iloc[:4], *MAP_GRID, prated_kw=40.0, rated_capacity_kw=52.0)


@pytest.mark.parametrize("change, match", [
    (dict(load="partial"), "load = 'partial'"),
    (dict(cop=0.9), "must be > 1"),
    (dict(capacity_kw=-1.0), "capacity_kw"),
])
def test_bad_points_name_the_field(change, match):
    with pytest.raises(InputError, match=match):
        fit_certificate(VITOCAL.iloc[:2].assign(**change), *MAP_GRID)


def test_one_point_is_not_enough():
    with pytest.raises(InputError, match="at least 2 points"):
        fit_certificate(VITOCAL.iloc[:1], *MAP_GRID)


def test_read_points_from_csv_and_toml(tmp_path):
    csv = tmp_path / "p.csv"
    VITOCAL.rename(columns={"source_degc": "tj_degc", "sink_degc": "flow_degc"}).to_csv(csv, index=False)
    toml = tmp_path / "p.toml"
    toml.write_text("".join(
        f'[[point]]\ntj_degc = {r.source_degc}\nflow_degc = {r.sink_degc}\ncapacity_kw = {r.capacity_kw}\n'
        f'cop = {r.cop}\nload = "part"\n' for r in VITOCAL.itertuples()))
    for path in (csv, toml):
        points = read_certificate_points(path)
        np.testing.assert_allclose(points["cop"], VITOCAL["cop"])
        assert (points["load"] == "part").all()
    with pytest.raises(InputError, match="allowed suffixes"):
        read_certificate_points(csv.rename(tmp_path / "p.txt"))


def test_scop_from_map_needs_the_climate_on_its_grid():
    m = certificate_map(VITOCAL, np.arange(-5.0, 21.0), np.arange(22.0, 61.0), prated_kw=5.4)
    with pytest.raises(InputError, match="outside the map grid"):
        scop_from_map(m, 5.4)


def test_read_points_names_the_missing_column(tmp_path):
    path = tmp_path / "p.csv"
    VITOCAL.drop(columns="cop").to_csv(path, index=False)
    with pytest.raises(InputError, match=r"lack columns \['cop'\]"):
        read_certificate_points(path)


def test_prated_implied_by_the_points_is_the_declared_one():
    """Without prated_kw, Pdh/PLR at the B point (2 °C) gives the declaration's Prated within 3 %."""
    for product in keymark_products():
        points = keymark_points(product, 35)
        m = certificate_map(points, *MAP_GRID)
        assert m.capacity_at(-10.0, 35.0) == pytest.approx(points["prated_kw"].iloc[0], rel=0.03)


def test_default_route_against_the_real_declarations():
    """The default air route (refrigerant only: cycle map x default eta_el x default defrost) at the
    EN 14825 points A-D (35 and 55 °C) of the five real declarations at hand (Airwell Wellea A
    18-30 kW as R32, Vitocal 200 as R410A), point by point; defrost at the EN 14511-2 outdoor
    humidity (wet bulb 1 K below: 70/84/87/89 % RH at -7/2/7/12 °C; tools/default_route_errors.py).
    Stated bound: median |COP error| <= 8 % and median error within +-3 % (measured 7.5 %, +1.4 %;
    before the calibration, eta_el 0.88 and severity 0.5: 8.9 %, +8.8 %)."""
    from mgwsim.heatpump import cycle_map, defrost_factors

    tj = np.array([-7.0, 2.0, 7.0, 12.0] * 2)
    flow = np.array([34.0, 30.0, 27.0, 24.0, 52.0, 42.0, 36.0, 30.0])
    factor = defrost_factors(tj, np.tile([69.6, 83.8, 86.8, 88.9], 2))[1]
    errors = []
    for refrigerant, declared in [("R410A", [VITOCAL.cop.to_numpy()])] + [("R32", [
            keymark_points(p, None, "part").set_index(["application_degc", "point"]).loc[
                [(a, q) for a in (35, 55) for q in "ABCD"], "cop"].to_numpy() for p in keymark_products()])]:
        m = cycle_map(refrigerant, np.array([-7.0, 2.0, 7.0, 12.0]), np.unique(flow), rated_capacity_kw=10.0)
        model = m.cop_at(tj, flow) * factor
        errors.extend(np.ravel([model / np.asarray(d) - 1.0 for d in declared]))
    errors = np.array(errors)
    assert errors.size == 40
    assert np.median(np.abs(errors)) <= 0.08
    assert abs(np.median(errors)) <= 0.03
