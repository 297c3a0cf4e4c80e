"""Cooling by a reversible heat pump: hplib's own equations, physical trends, and a year that adds up."""

import numpy as np
import pytest

from mgwsim.errors import InputError
from mgwsim.examples import antwerp_block
from mgwsim.heatpump.cooling import COOLING_RATING_POINT_DEGC, hplib_cooling_map
from mgwsim.system.cooling import simulate_cooling
from mgwsim.weather import default_weather

MODEL = "AWO-M-AC (AF) 101.A10"  # Viessmann Vitocal reversible air/water, Keymark data in hplib 1.9


@pytest.fixture(scope="module")
def year_inputs():
    return antwerp_block().with_changes(cooling_setpoint_degc=26.0), default_weather()


@pytest.mark.parametrize("outdoor, water", [(35.0, 7.0), (35.0, 18.0), (27.0, 18.0), (20.0, 12.0), (40.0, 18.0)])
def test_the_map_is_hplibs_own_cooling_model(outdoor, water):
    import hplib.hplib as hpl

    ref = hpl.simulate(outdoor, water + 5.0, hpl.get_parameters(MODEL), outdoor, mode=2)  # inlet = supply + 5 K
    cmap = hplib_cooling_map(MODEL)
    assert float(cmap.eer(outdoor, water)) == pytest.approx(float(ref["EER"].iloc[0]), rel=1e-9)
    assert float(cmap.capacity_kw(outdoor, water)) == pytest.approx(-float(ref["P_th"].iloc[0]) / 1000.0, rel=1e-9)


def test_hotter_outdoor_air_never_raises_the_eer_and_warmer_chilled_water_never_lowers_it():
    cmap = hplib_cooling_map(MODEL)
    outdoor = np.arange(15.0, 43.0)
    for water in (7.0, 12.0, 18.0):
        assert np.all(np.diff(cmap.eer(outdoor, water)) <= 0.0)
    assert np.all(np.diff(cmap.eer(30.0, np.arange(5.0, 25.0))) >= 0.0)


def test_a_rated_capacity_scales_the_unit_at_a35_w7():
    cmap = hplib_cooling_map(MODEL, rated_capacity_kw=40.0)
    assert float(cmap.capacity_kw(*COOLING_RATING_POINT_DEGC)) == pytest.approx(40.0, rel=1e-12)
    assert float(cmap.eer(30.0, 18.0)) == pytest.approx(float(hplib_cooling_map(MODEL).eer(30.0, 18.0)), rel=1e-12)


def test_a_heating_only_model_has_no_cooling_map():
    with pytest.raises(InputError, match="no cooling parameters"):
        hplib_cooling_map("Generic")


def test_every_step_delivered_plus_unmet_is_the_need_and_electricity_follows_the_eer(year_inputs):
    building, weather = year_inputs
    year = simulate_cooling(building, weather, hplib_cooling_map(MODEL, rated_capacity_kw=20.0))
    h = year.hourly
    np.testing.assert_allclose(h["cooling_delivered_kwh"] + h["cooling_unmet_kwh"], h["cooling_need_kwh"], atol=1e-12)
    running = h["cooling_delivered_kwh"] > 0.0
    assert (h.loc[running, "cooling_elec_kwh"] >= h.loc[running, "cooling_delivered_kwh"] / h.loc[running, "eer"]
            - 1e-12).all()  # equal at or above the minimum modulation, more when cycling
    assert year.kpis["cooling_need_kwh"] > 0.0 and year.kpis["unmet_hours"] > 0.0


def test_a_larger_unit_never_leaves_more_cooling_unmet(year_inputs):
    building, weather = year_inputs
    unmet = [simulate_cooling(building, weather, hplib_cooling_map(MODEL, rated_capacity_kw=kw)).kpis[
        "cooling_unmet_kwh"] for kw in (5.0, 20.0, 60.0, 120.0)]
    assert unmet == sorted(unmet, reverse=True) and unmet[0] > unmet[-1]


def test_a_building_without_a_cooling_setpoint_is_refused(year_inputs):
    _, weather = year_inputs
    with pytest.raises(InputError, match="cooling_setpoint_degc is None"):
        simulate_cooling(antwerp_block(), weather, hplib_cooling_map(MODEL))
