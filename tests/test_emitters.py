"""Radiator equation (EN 442) and required supply temperatures."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mgwsim.building import Insulate, Radiators, ReplaceWindows, building_from_typology, radiators_for, renovate
from mgwsim.building.emitters import log_mean_temperature_difference
from mgwsim.building.thermal import simulate_space_heating
from mgwsim.errors import InputError


def test_design_load_needs_design_regime():
    radiators = Radiators(75.0, 65.0, 100.0)
    supply, ret = radiators.temperatures([100.0])[0]
    assert supply == pytest.approx(75.0, abs=1e-6) and ret == pytest.approx(65.0, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(load=st.floats(0.02, 1.5), regime=st.sampled_from([(90.0, 70.0), (75.0, 65.0), (70.0, 50.0), (55.0, 45.0)]))
def test_radiator_equation_holds_at_part_load(load, regime):
    """Output at the solved temperatures equals the load: Φ/Φ_d = (ΔT_lm/ΔT_lm,d)^n and spread ∝ load."""
    radiators = Radiators(*regime, design_output_kw=200.0, exponent=1.3)
    supply, ret = radiators.temperatures([200.0 * load])[0]
    lmtd = log_mean_temperature_difference(supply, ret, 20.0)
    assert (lmtd / radiators.design_lmtd_k) ** 1.3 == pytest.approx(load, rel=1e-6)
    assert supply - ret == pytest.approx((regime[0] - regime[1]) * load, rel=1e-9)


def test_supply_temperature_rises_with_load():
    radiators = Radiators(90.0, 70.0, 50.0)
    supply = radiators.supply_temperature_degc(np.linspace(0.0, 60.0, 61))
    assert np.all(np.diff(supply) > 0)


def test_heating_curve_endpoints():
    radiators = radiators_for(120.0, (70.0, 50.0))
    curve = radiators.heating_curve([-7.0, 20.0, 25.0], design_load_kw=120.0, design_outdoor_degc=-7.0)
    assert curve[0] == pytest.approx(70.0, abs=1e-6)
    assert curve[1] == pytest.approx(20.0) and curve[2] == pytest.approx(20.0)


def test_required_supply_temperature_never_rises_after_renovation(weather):
    building = building_from_typology("MFH.02", 1)
    radiators = radiators_for(building.design_heat_load_kw(-7.0), (90.0, 70.0))
    path = [building, renovate(building, Insulate("roof", 0.16)), renovate(building, Insulate("roof", 0.16),
                                                                             ReplaceWindows(1.1, 0.5))]
    supplies = [radiators.supply_temperature_degc(simulate_space_heating(b, weather)["space_heating_kwh"]) for b in path]
    assert np.all(supplies[1] <= supplies[0] + 1e-9)
    assert np.all(supplies[2] <= supplies[1] + 1e-9)
    assert supplies[2].max() < supplies[0].max() - 10.0


@pytest.mark.parametrize("kwargs, field", [
    ({"design_supply_degc": 60.0, "design_return_degc": 65.0}, "design_supply_degc"),
    ({"design_output_kw": 0.0}, "design_output_kw"),
    ({"exponent": 3.0}, "exponent"),
    ({"design_return_degc": 18.0}, "design_return_degc"),
])
def test_bad_radiators_raise(kwargs, field):
    args = {"design_supply_degc": 75.0, "design_return_degc": 65.0, "design_output_kw": 10.0} | kwargs
    with pytest.raises(InputError, match=field):
        Radiators(**args)


def test_negative_load_raises():
    with pytest.raises(InputError, match="heat_kw"):
        Radiators(75.0, 65.0, 10.0).temperatures([-1.0])
