"""Storey zones: the split keeps the block's envelope and gains and moves the need to the top and ground floors."""

import numpy as np
import pytest

from mgwsim.building import Building, Insulate, building_from_typology, renovate, storey_demand, storey_zones
from mgwsim.building.thermal import internal_gains_w
from mgwsim.errors import InputError
from mgwsim.examples import antwerp_block
from mgwsim.weather import default_weather

ARCHETYPES = [("AB.02", 1), ("AB.04", 1), ("AB.05", 3), ("MFH.01", 1), ("MFH.02", 3), ("MFH.04", 1)]


@pytest.fixture(scope="module")
def weather():
    return default_weather()


@pytest.mark.parametrize("code, variant", ARCHETYPES)
def test_the_split_keeps_the_blocks_envelope_floor_area_and_gains(weather, code, variant):
    block = building_from_typology(code, variant)
    zones = storey_zones(block).values()
    for quantity in ("heated_floor_area_m2", "h_total_w_k", "h_opaque_w_k", "h_windows_w_k", "solar_aperture_m2",
                     "envelope_area_m2"):
        assert sum(getattr(z, quantity) for z in zones) == pytest.approx(getattr(block, quantity), rel=1e-12)
    assert sum(z.n_storeys for z in zones) == block.n_storeys
    gains = sum(internal_gains_w(z, weather.index) for z in zones)
    np.testing.assert_allclose(gains, internal_gains_w(block, weather.index), rtol=1e-12)


@pytest.mark.parametrize("code, variant", ARCHETYPES)
def test_top_and_ground_floors_need_more_per_m2_than_the_middle_floors(weather, code, variant):
    per_m2 = storey_demand(building_from_typology(code, variant), weather)["space_heating_kwh_m2"]
    assert per_m2["top floor"] > per_m2["middle floors"]
    assert per_m2["ground floor"] > per_m2["middle floors"]


def test_insulating_the_roof_changes_only_the_top_floor(weather):
    block = antwerp_block()
    before = storey_demand(block, weather)["space_heating_kwh"]
    after = storey_demand(renovate(block, Insulate("roof", 0.16)), weather)["space_heating_kwh"]
    assert after["top floor"] < before["top floor"]
    for name in ("ground floor", "middle floors"):
        assert after[name] == pytest.approx(before[name], rel=1e-12)


def test_a_two_storey_block_has_no_middle_zone_and_a_single_storey_cannot_be_split():
    block = building_from_typology("MFH.05", 1)
    assert list(storey_zones(block.with_changes(n_storeys=2))) == ["ground floor", "top floor"]
    with pytest.raises(InputError, match="n_storeys = 1"):
        storey_zones(block.with_changes(n_storeys=1))


def test_only_a_whole_building_must_have_a_roof_and_a_floor():
    walls = tuple(e for e in antwerp_block().elements if e.kind == "wall")
    kwargs = dict(name="x", heated_floor_area_m2=100.0, n_apartments=1, n_storeys=1, elements=walls, windows=())
    assert Building(**kwargs, storey_position="middle").h_opaque_w_k > 0.0
    with pytest.raises(InputError, match="has no 'roof'"):
        Building(**kwargs)
    with pytest.raises(InputError, match="storey_position"):
        Building(**kwargs, storey_position="attic")
