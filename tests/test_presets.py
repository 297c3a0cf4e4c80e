"""Presets: every refrigerant a firm meets, from air and brine, with default arguments, over its whole grid."""

from __future__ import annotations

import numpy as np
import pytest

from mgwsim.errors import InputError
from mgwsim.heatpump import presets
from mgwsim.heatpump.cycle import default_eta_el
from mgwsim.heatpump import REFRIGERANTS, TYPICAL_MAX_SUPPLY_DEGC, air_to_water, brine_to_water, carnot_cop, cycle_point

FIRM_REFRIGERANTS = ("R290", "R32", "R454C", "R454B", "R452B", "R1234ze(E)", "R134a", "R410A", "R407C", "R744")
PRESETS = {"air": air_to_water, "brine": brine_to_water}


@pytest.fixture(scope="module", params=[(r, kind) for r in FIRM_REFRIGERANTS for kind in PRESETS],
                ids=lambda p: f"{p[0]}-{p[1]}")
def preset_map(request):
    refrigerant, kind = request.param
    return refrigerant, PRESETS[kind](refrigerant)


def test_every_firm_refrigerant_has_a_preset_and_a_cycle():
    assert set(FIRM_REFRIGERANTS) <= set(TYPICAL_MAX_SUPPLY_DEGC) <= set(REFRIGERANTS)


def test_cop_falls_with_the_sink(preset_map):
    refrigerant, m = preset_map
    steps = np.diff(m.cop, axis=1)
    if refrigerant == "R744":  # fixed return: the supply costs nothing until the discharge must be raised
        assert np.all(steps <= 0.0) and np.any(steps < 0.0)
    else:
        assert np.all(steps < 0.0)


def test_cop_rises_with_the_source(preset_map):
    """Non-decreasing everywhere; strictly rising where the compressor is not at its lowest pressure ratio."""
    refrigerant, m = preset_map
    steps = np.diff(m.cop, axis=0)
    assert np.all(steps >= 0.0)
    if refrigerant != "R744":  # a warm source above a cold supply runs at the minimum ratio: flat
        cold_source = m.source_degc[1:, None] <= m.sink_degc[None, :] - 15.0
        assert np.all(steps[cold_source] > 0.0)


def test_cop_below_carnot_and_above_one(preset_map):
    _, m = preset_map
    assert np.all(m.cop < carnot_cop(m.source_degc[:, None], m.sink_degc[None, :]))
    assert np.all(m.cop > 1.0)


def test_capacity_positive_and_rated_at_the_rating_point_on_the_grid(preset_map):
    _, m = preset_map
    assert np.all(m.capacity_kw > 0.0)
    t_source, t_sink = m.source.rating_point_degc
    if t_source in m.source_degc and t_sink in m.sink_degc:  # off the grid, bilinear interpolation differs
        assert m.capacity_at(t_source, t_sink) == pytest.approx(60.0, rel=1e-9)


def test_the_map_says_where_the_unit_runs(preset_map):
    """Availability = the grid: no silent NaN inside it, and the source limits are the grid's ends."""
    refrigerant, m = preset_map
    assert (m.source.min_degc, m.source.max_degc) == (m.source_degc[0], m.source_degc[-1])
    assert m.max_sink_degc == m.sink_degc[-1] <= TYPICAL_MAX_SUPPLY_DEGC[refrigerant]
    ts, tk = np.meshgrid(m.source_degc, m.sink_degc[m.sink_degc <= m.max_sink_degc], indexing="ij")
    assert np.all(np.isfinite(m.cop_at(ts, tk))) and np.all(m.capacity_at(ts, tk) > 0.0)


@pytest.mark.parametrize("refrigerant", ["R290", "R32", "R410A", "R744"])
def test_air_maps_run_down_to_minus_25(refrigerant):
    m = air_to_water(refrigerant)
    assert m.source.min_degc == -25.0
    assert np.isfinite(m.cop_at(-25.0, 55.0)) and m.capacity_at(-25.0, 55.0) > 0.0


@pytest.mark.parametrize("refrigerant", ["R1234ze(E)", "R134a"])
def test_low_pressure_fluids_start_where_the_cycle_reaches_the_top_supply(refrigerant):
    """Below source.min_degc the single-stage cycle cannot reach the top supply: it is cut, not NaN."""
    m = air_to_water(refrigerant)
    first = m.source.min_degc
    assert -25.0 < first < 7.0
    top = float(m.sink_degc[-1])
    with pytest.raises(InputError, match="volumetric efficiency|isentropic efficiency"):
        cycle_point(refrigerant, first - 1.0, top)
    with pytest.raises(InputError, match="outside the map grid"):
        m.cop_at(first - 1.0, 45.0)
    lower = air_to_water(refrigerant, max_supply_degc=55.0)  # a lower supply runs colder
    assert lower.source.min_degc < first


def test_only_r744_stops_below_its_typical_supply_where_the_cycle_stops():
    """With the return 5 K below the supply, R744 cannot reach 90 °C: the sink grid ends where COP > 1 ends."""
    for kind, preset in PRESETS.items():
        for refrigerant in FIRM_REFRIGERANTS:
            m = preset(refrigerant)
            if refrigerant != "R744":
                assert m.max_sink_degc == TYPICAL_MAX_SUPPLY_DEGC[refrigerant], (kind, refrigerant)
                continue
            assert m.max_sink_degc < TYPICAL_MAX_SUPPLY_DEGC["R744"]
            full = presets._sink_grid(TYPICAL_MAX_SUPPLY_DEGC["R744"], float(m.sink_degc[0]))
            beyond = float(full[full > m.max_sink_degc][0])
            point = cycle_point("R744", m.source_degc[0], beyond, approach_evap_k=m.source.evaporator_approach_k)
            assert point.cop_heating * default_eta_el("R744", m.source.kind) <= 1.0


def test_an_unreachable_explicit_supply_raises():
    with pytest.raises(InputError, match="cannot reach a supply of 90 °C"):
        air_to_water("R744", max_supply_degc=90.0)


def test_r744_cop_depends_on_the_return_temperature():
    """Transcritical: the gas cooler follows the return water, so a warm (radiator) return costs COP."""
    cold, warm = (cycle_point("R744", 7.0, 65.0, return_degc=t) for t in (10.0, 40.0))
    assert cold.cop_heating > 1.3 * warm.cop_heating
    hot_water = air_to_water("R744", return_degc=presets.R744_HOT_WATER_RETURN_DEGC)
    radiators = air_to_water("R744", return_degc=40.0, max_supply_degc=70.0)
    following = air_to_water("R744")  # return 5 K below the supply
    assert radiators.sink_degc[0] == 45.0 and "return 10 °C" in hot_water.model
    assert following.cop_at(7.0, 65.0) < radiators.cop_at(7.0, 65.0) < hot_water.cop_at(7.0, 65.0)


def test_r744_hot_water_reaches_90_degc_from_warm_air_and_cop_does_not_fall_with_the_source():
    m = air_to_water("R744", return_degc=10.0)
    assert m.source.min_degc == -25.0 and m.max_sink_degc == 90.0
    column = m.cop[:, -1]
    assert m.sink_degc[-1] == 90.0 and m.source_degc[-1] == 35.0
    assert np.all(np.diff(column) >= 0.0) and column[-1] > column[0]
    at_80 = m.cop_at(m.source_degc, 80.0)
    assert np.all(np.diff(at_80) >= 0.0)


def test_return_degc_is_refused_for_subcritical_fluids():
    with pytest.raises(InputError, match=r"return_degc = 30.0 °C applies to R744 only"):
        air_to_water("R290", return_degc=30.0)


def test_unknown_refrigerant_names_the_choices():
    with pytest.raises(InputError, match="refrigerant"):
        air_to_water("R22")


EN14825_35 = [(-7.0, 34.0), (2.0, 30.0), (7.0, 27.0), (12.0, 24.0), (-10.0, 35.0)]
"""EN 14825 part-load points A, B, C, D and the design point of the 35 °C application (average
climate): (outdoor air, flow temperature) [°C]."""


@pytest.mark.parametrize("refrigerant", FIRM_REFRIGERANTS)
def test_en14825_points_of_the_35_degc_application_are_on_every_air_map(refrigerant):
    m = air_to_water(refrigerant)
    source, sink = np.array(EN14825_35).T
    inside = source >= m.source.min_degc
    assert np.all(np.isfinite(m.cop_at(source[inside], sink[inside])))
    assert np.all(m.capacity_at(source[inside], sink[inside]) > 0.0)
    assert inside[1:].all()  # every part-load point from +2 °C; -7 and -10 °C where the fluid runs that cold
    assert 7.0 in m.source_degc and 35.0 in m.sink_degc and m.capacity_at(7.0, 35.0) == pytest.approx(60.0, rel=1e-12)


@pytest.mark.parametrize(("refrigerant", "kind"), [("R290", "air"), ("R32", "air"), ("R410A", "air"),
                                                    ("R454C", "air"), ("R290", "brine")])
def test_interpolation_error_of_the_preset_grids(refrigerant, kind):
    """Bilinear interpolation on the 1 K x 1.25 K grids against the cycle at cell centres and at the
    EN 14825 points. Measured max |COP error|: 0.22 % (R290) / 0.24 % (R410A) where the cycle is
    smooth; up to 1.6 % in the cells that the minimum-pressure-ratio edge crosses (a kink: warm
    source, supply within a few K of it). The old grid (source to 34 °C, sink 35 °C upwards in
    1.67 K steps) reached 0.42 % (R290)."""
    m = PRESETS[kind](refrigerant)
    approach = m.source.evaporator_approach_k
    rated = cycle_point(refrigerant, *m.source.rating_point_degc, approach_evap_k=approach)
    vol_rated = rated.rho1 * rated.eta_vol * rated.q_cond_j_kg
    centres_s = 0.5 * (m.source_degc[1:] + m.source_degc[:-1])
    centres_k = 0.5 * (m.sink_degc[1:] + m.sink_degc[:-1])
    points = [(s, k) for s in centres_s[::4] for k in centres_k[::4] if k <= m.max_sink_degc]
    points += [p for p in EN14825_35 if p[0] >= m.source_degc[0]] if kind == "air" else []
    cop_err, cap_err = [], []
    for t_source, t_sink in points:
        c = cycle_point(refrigerant, t_source, t_sink, approach_evap_k=approach)
        cop_err.append(abs(m.cop_at(t_source, t_sink) / (c.cop_heating * default_eta_el(refrigerant, m.source.kind)) - 1.0))
        capacity = c.rho1 * c.eta_vol * c.q_cond_j_kg / vol_rated * 60.0
        cap_err.append(abs(m.capacity_at(t_source, t_sink) / capacity - 1.0))
    cop_err, cap_err = np.array(cop_err), np.array(cap_err)
    en = len(points) - (len(EN14825_35) if kind == "air" else 0)
    assert np.max(cop_err) < 0.02 and np.max(cap_err) < 0.01
    assert np.median(cop_err) < 0.002
    assert kind != "air" or np.max(cop_err[en:]) < 0.005  # the EN 14825 points lie in the smooth part
