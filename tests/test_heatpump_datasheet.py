"""Datasheet fit, hplib maps, agreement with published EN 14511 points of real products, defrost."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mgwsim._data import data_path
from mgwsim.errors import InputError
from mgwsim.heatpump import (DEFAULT_SEVERITY, Source, carnot_cop, cycle_map, datasheet_map, defrost_factors, fit_datasheet,
                             hplib_map)

POINTS = pd.read_csv(data_path("heatpump", "en14511_points.csv"))
PRODUCTS = sorted(POINTS["product"].unique())
ROWS = [(r.product, r.source_degc, r.sink_degc) for r in POINTS.itertuples()]


def _product(name):
    g = POINTS[POINTS["product"] == name]
    return g, Source(g["source_kind"].iloc[0])


@pytest.mark.parametrize("product", PRODUCTS)
def test_fit_reproduces_points_within_5_pct(product):
    g, source = _product(product)
    fit = fit_datasheet(g, source=source)
    np.testing.assert_allclose(fit.cop(g.source_degc, g.sink_degc), g.cop, rtol=0.05)
    np.testing.assert_allclose(fit.capacity_kw(g.source_degc, g.sink_degc), g.capacity_kw, rtol=0.05)


@pytest.mark.parametrize("product", PRODUCTS)
def test_datasheet_map_physical(product):
    g, source = _product(product)
    src = np.arange(source.min_degc if source.kind == "brine" else -10.0, 11.0)
    m = datasheet_map(g, src, np.arange(35.0, 61.0), source=source, model=product)
    assert np.all(m.cop < carnot_cop(m.source_degc[:, None], m.sink_degc[None, :]))
    assert np.all(np.diff(m.cop, axis=0) > 0) and np.all(np.diff(m.cop, axis=1) < 0)
    assert m.includes_defrost


@pytest.mark.parametrize(
    "rows, match",
    [
        ([(7, 35, 20, 4.5)], "at least 2"),
        ([(7, 35, 20, 4.5), (7, 35, 20, 4.4), (2, 35, 17, 3.9)], "duplicate"),
        ([(7, 35, 20, 0.9), (2, 35, 17, 3.9), (-7, 35, 14, 3.0)], "must be > 1"),
        ([(7, 35, 20, 12.0), (2, 35, 17, 3.9), (-7, 35, 14, 3.0)], "Carnot"),
        ([(7, 35, 0.0, 4.5), (2, 35, 17, 3.9), (-7, 35, 14, 3.0)], "capacity_kw"),
        ([(7, 5, 20, 4.5), (2, 35, 17, 3.9), (-7, 35, 14, 3.0)], "sink temperature must exceed"),
        ([(0, 30, 20, 4.5), (5, 35, 17, 3.9), (10, 40, 14, 3.0)], "ill-conditioned"),
        ([(7, 35, 20, np.nan), (2, 35, 17, 3.9), (-7, 35, 14, 3.0)], "non-finite"),
    ],
)
def test_bad_points_raise(rows, match):
    with pytest.raises(InputError, match=match):
        fit_datasheet(rows)


def test_three_points_single_sink_fit_the_source_slope_and_say_so():
    """No silent constant-efficiency fallback (issue 17): 3 points on one sink fit eta = a + b Ts exactly."""
    rows = [(7, 35, 20, 4.5), (2, 35, 17, 3.9), (-7, 35, 14, 3.0)]
    fit = fit_datasheet(rows)
    assert fit.form == "a+b*Ts" and fit.eta_coef[1] != 0.0
    assert fit.capacity_kw(2.0, 55.0) == pytest.approx(fit.capacity_kw(2.0, 35.0))


@pytest.mark.parametrize("rows, form", [
    ([(7, 35, 20, 4.5), (-7, 35, 14, 3.0)], "a+b*Ts"),
    ([(7, 35, 20, 4.5), (7, 55, 19, 2.7)], "a+c*Tk"),
])
def test_two_points_are_enough_and_are_reproduced(rows, form):
    fit = fit_datasheet(rows)
    assert fit.form == form
    pts = np.array(rows, dtype=float)
    np.testing.assert_allclose(fit.cop(pts[:, 0], pts[:, 1]), pts[:, 3], rtol=1e-9)
    np.testing.assert_allclose(fit.capacity_kw(pts[:, 0], pts[:, 1]), pts[:, 2], rtol=1e-9)


def test_prated_is_the_design_point_capacity_not_the_rating_point():
    g, source = _product("Ochsner GMLW 19 plus")
    m = datasheet_map(g, np.arange(-10.0, 11.0), np.arange(35.0, 61.0), prated_kw=60.0, source=source)
    assert m.capacity_at(-10.0, 35.0) == pytest.approx(60.0)
    assert m.rated_capacity_kw == pytest.approx(m.capacity_at(7.0, 35.0)) and m.rated_capacity_kw > 70.0
    with pytest.raises(InputError, match="not both"):
        datasheet_map(g, np.arange(-10.0, 11.0), np.arange(35.0, 61.0), prated_kw=60.0, rated_capacity_kw=80.0)


def test_keymark_part_load_points_are_refused_with_a_pointer():
    from mgwsim.heatpump.certificate import keymark_points, keymark_products

    points = keymark_points(keymark_products()[1], 35)
    with pytest.raises(InputError, match="part-load points.*certificate_map"):
        datasheet_map(points[["source_degc", "sink_degc", "capacity_kw", "cop"]], np.arange(-10.0, 13.0),
                      np.arange(24.0, 56.0))


def test_rescaled_capacity_hits_rating_point():
    g, source = _product("Ochsner GMLW 19 plus")
    m = datasheet_map(g, np.arange(-10.0, 11.0), np.arange(35.0, 61.0), rated_capacity_kw=60.0, source=source)
    assert m.capacity_at(7.0, 35.0) == pytest.approx(60.0)


# Cycle model against the products' full-load EN 14511 points. Refrigerant R410A (the
# products' era); default approaches and isentropic efficiency, not tuned to these points, and
# the full-load eta_el 0.88 for both sources (the brine default; the air default, 0.81, is
# calibrated to EN 14825 part-load declarations and gives the Ochsner unit -15.6 % at A7/W60,
# see docs/validation.md). Stated error: COP within 15 % (measured max 13.6 %), capacity
# relative to the rating point within 30 % (measured max 25.8 % at A-10/W60 of the Ochsner
# unit, whose capacity barely falls with the sink temperature while the single-stage model's
# volumetric efficiency does).
@pytest.fixture(scope="module")
def cycle_maps():
    grid = dict(source_degc=np.arange(-15.0, 16.0), sink_degc=np.arange(30.0, 61.0), rated_capacity_kw=1.0,
                use_cache=False, eta_el=0.88)
    return {kind: cycle_map("R410A", source=Source(kind), **grid) for kind in ("air", "brine")}


@pytest.fixture(scope="module")
def comparison(cycle_maps):
    rows = []
    for product in PRODUCTS:
        g, source = _product(product)
        rated = g[(g.source_degc == source.rating_point_degc[0]) & (g.sink_degc == 35)].capacity_kw.iloc[0]
        m = cycle_maps[source.kind]
        for r in g.itertuples():
            rows.append(dict(product=product, source_degc=r.source_degc, sink_degc=r.sink_degc, cop_data=r.cop,
                             cop_model=float(m.cop_at(r.source_degc, r.sink_degc)),
                             cap_ratio_data=r.capacity_kw / rated,
                             cap_ratio_model=float(m.capacity_at(r.source_degc, r.sink_degc))))
    table = pd.DataFrame(rows)
    table["cop_err_pct"] = 100 * (table.cop_model / table.cop_data - 1)
    table["cap_err_pct"] = 100 * (table.cap_ratio_model / table.cap_ratio_data - 1)
    print("\nR410A cycle model vs EN 14511 points\n" + table.round(2).to_string(index=False))
    return table


@pytest.mark.parametrize("product, t_src, t_snk", ROWS, ids=[f"{p}-{s:g}/{k:g}" for p, s, k in ROWS])
def test_cycle_agrees_with_products(comparison, product, t_src, t_snk):
    row = comparison[(comparison["product"] == product) & (comparison.source_degc == t_src)
                     & (comparison.sink_degc == t_snk)].iloc[0]
    assert abs(row.cop_err_pct) <= 15.0, row.to_dict()
    assert abs(row.cap_err_pct) <= 30.0, row.to_dict()


def test_hplib_generic_and_product():
    m = hplib_map("Generic", np.arange(-10.0, 8.0), np.arange(35.0, 46.0), group_id=1, rated_capacity_kw=40.0)
    assert m.capacity_at(7.0, 35.0) == pytest.approx(40.0)
    assert m.source.kind == "air" and m.includes_defrost
    assert np.all(np.diff(m.cop, axis=1) < 0) and np.all(np.diff(m.cop, axis=0) > 0)
    b = hplib_map("Bosch Compress 7000 LW 54", np.arange(-5.0, 16.0), np.arange(30.0, 61.0))
    assert b.source.kind == "brine" and b.refrigerant == "R410a"
    assert np.all(b.cop < carnot_cop(b.source_degc[:, None], b.sink_degc[None, :]))


def test_hplib_bad_input():
    with pytest.raises(InputError, match="not in the hplib database"):
        hplib_map("No Such Pump", [0.0, 5.0], [35.0, 45.0])
    with pytest.raises(InputError, match="group_id"):
        hplib_map("Generic", [0.0, 5.0], [35.0, 45.0], group_id=9)
    with pytest.raises(InputError, match="rated_capacity_kw"):
        hplib_map("Generic", [0.0, 5.0], [35.0, 45.0], group_id=1)
    with pytest.raises(InputError, match="COP"):  # hplib's generic air fit drops below 1 there
        hplib_map("Generic", [-15.0, 5.0], [35.0, 55.0], group_id=1, rated_capacity_kw=40.0)


def test_defrost_factors():
    cap, cop = defrost_factors(np.array([-10.0, -5.0, 0.0, 2.0, 7.0, 10.0]), 85.0)
    assert cap[-2:].tolist() == [1.0, 1.0] and cop[-2:].tolist() == [1.0, 1.0]
    assert np.all((cap[:4] > 0.6) & (cap[:4] < 1.0))
    # no step at the 5 °C limit: the penalty fades over 3..7 °C (DOE-2's cut-off with fade_k=0)
    near = defrost_factors(np.array([4.99, 5.01]), 85.0)[0]
    assert abs(near[0] - near[1]) < 0.01
    cut = defrost_factors(np.array([4.99, 5.01]), 85.0, fade_k=0.0, severity=1.0)[0]
    assert cut[1] == 1.0 and cut[0] < 0.8


def test_default_defrost_penalty_lies_between_datasheet_evidence_and_doe2():
    """At A2 / 85 % RH: DOE-2 (air-to-air) takes about 26 %; an air/water datasheet implies far less.

    Ochsner GMLW 19 plus (EN 14511, data/heatpump): the Carnot efficiency of its A7/W35 and
    A-10/W35 points (no or little frost), interpolated to A2/W35, predicts the frost-free COP;
    the published (defrost-integrated) A2/W35 COP is only a little lower.
    """
    def carnot(source, sink, evap=8.0, cond=4.0):
        return (sink + cond + 273.15) / (sink + cond - source + evap)

    eta7, eta_minus10 = 4.500 / carnot(7, 35), 3.073 / carnot(-10, 35)
    frost_free_a2 = (eta7 + (eta_minus10 - eta7) * 5 / 17) * carnot(2, 35)
    datasheet_penalty = 1.0 - 3.907 / frost_free_a2
    doe2_penalty = 1.0 - defrost_factors(2.0, 85.0, severity=1.0)[0]
    default_penalty = 1.0 - defrost_factors(2.0, 85.0)[0]
    assert 0.0 <= datasheet_penalty < default_penalty < doe2_penalty
    assert default_penalty == pytest.approx(DEFAULT_SEVERITY * doe2_penalty)
    humid, dry = defrost_factors(np.array([2.0, 2.0]), np.array([95.0, 40.0]))[0]
    assert humid < dry  # more frost at higher humidity
    assert defrost_factors(2.0)[0] == defrost_factors(2.0, 85.0)[0]
    with pytest.raises(InputError, match="rh_pct"):
        defrost_factors(2.0, 120.0)
