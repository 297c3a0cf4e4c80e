"""The coupled year: the zone gets what the plant delivers (mgwsim.system.zone, kernel step 2)."""

from __future__ import annotations

import numpy as np
import pytest

import mgwsim
from mgwsim.building import ZoneParameters
from mgwsim.building.emitters import radiators_for
from mgwsim.building.renovation import Insulate, renovate
from mgwsim.examples import antwerp_block
from mgwsim.heatpump import Source, carnot_map
from mgwsim.storage import Tank
from mgwsim.system import Backup, HeatPumpCascade, HotWater, Plant, simulate_system
from mgwsim.system.zone import EXCESS_GRID_K, N_FREE, emitter_output_table, zone_free_pass
from tests.reference import zone_free_pass as reference

SOURCE_GRID = np.linspace(-25.0, 35.0, 25)
SINK_GRID = np.linspace(36.0, 80.0, 23)


@pytest.fixture(scope="module")
def demand(weather):
    return mgwsim.simulate_demand(antwerp_block(), weather)


def plant(n_units: int, rated_kw: float, buffer_l: float = 2000.0, backup_kw: float = 0.0) -> Plant:
    cascade = HeatPumpCascade(carnot_map(SOURCE_GRID, SINK_GRID, rated_capacity_kw=rated_kw, source=Source("air"),
                                         max_sink_degc=75.0, min_modulation_frac=0.3), n_units)
    backup = Backup("gas_boiler", backup_kw, 0.9) if backup_kw > 0 else Backup()
    return Plant(cascade, HotWater(Tank(1500.0, 55.0, 75.0), booster_kw=18.0),
                 Tank(buffer_l, 20.0, 80.0) if buffer_l else None, backup)


@pytest.fixture(scope="module")
def undersized(weather, demand):
    return simulate_system(demand, plant(1, 40.0), weather, coupled=True)


def test_an_ample_plant_gives_the_decoupled_year(weather, demand):
    ample = plant(3, 60.0, backup_kw=150.0)
    decoupled = simulate_system(demand, ample, weather)
    coupled = simulate_system(demand, ample, weather, coupled=True)
    assert coupled.coupled and not decoupled.coupled
    for column in ("space_heating_delivered_kwh", "hp_elec_kwh", "gas_kwh", "hp_heat_dhw_kwh"):
        assert coupled.hourly[column].sum() == pytest.approx(decoupled.hourly[column].sum(), rel=5e-3)
    # the room holds the setpoint exactly as the ideal zone does: the same arithmetic, to rounding
    np.testing.assert_allclose(coupled.operative_degc(), demand.hourly["operative_degc"], atol=1e-6)
    assert coupled.comfort_kpis()["cold_hours"] == 0


def test_an_undersized_plant_leaves_the_rooms_cold_and_the_next_hours_recover(demand, undersized):
    h, d = undersized.hourly, demand.hourly
    comfort = undersized.comfort_kpis()
    assert comfort["cold_hours"] > 1000 and comfort["cold_hours_2k"] <= comfort["cold_hours"]
    assert comfort["min_operative_degc"] < d["setpoint_degc"].min() - 2.0
    # a cold room needs more than the ideal zone the next steps (it must be heated back up)
    assert (h["space_heating_need_kwh"] > d["space_heating_kwh"] + 1.0).sum() > 100
    # the heat it never got is the shortfall against the ideal year, net over the year
    shortfall = d["space_heating_kwh"].sum() - h["space_heating_delivered_kwh"].sum()
    assert h["space_heating_unmet_kwh"].sum() == pytest.approx(shortfall, rel=1e-12)
    assert shortfall > 0.0


def test_the_coupled_energy_balance_closes_every_step(demand, undersized):
    scale = demand.hourly["space_heating_kwh"].max()
    assert np.abs(undersized.balance_residual_kwh()).max() <= 1e-9 * scale
    assert np.abs(undersized.zone_balance_residual_kwh()).max() <= 1e-9 * scale


@pytest.mark.parametrize("buffer_l", [0.0, 2000.0])
def test_a_larger_plant_never_lowers_comfort(weather, demand, buffer_l):
    cold = [simulate_system(demand, plant(1, kw, buffer_l), weather, coupled=True).comfort_kpis()
            for kw in (30.0, 45.0, 60.0, 90.0, 150.0)]
    degree_hours = [c["degree_hours_below_setpoint_kh"] for c in cold]
    assert degree_hours == sorted(degree_hours, reverse=True) and degree_hours[-1] < degree_hours[0]
    hours = [c["cold_hours"] for c in cold]
    assert hours == sorted(hours, reverse=True)


@pytest.mark.parametrize("element", ["roof", "wall"])
def test_more_insulation_never_raises_the_coupled_need(weather, element):
    building = antwerp_block()
    delivered = []
    for b in (building, renovate(building, Insulate(element, thickness_m=0.12))):
        d = mgwsim.simulate_demand(b, weather, radiators=mgwsim.simulate_demand(building, weather).radiators)
        delivered.append(simulate_system(d, plant(1, 60.0), weather, coupled=True))
    heat = [r.hourly["space_heating_delivered_kwh"].sum() for r in delivered]
    cold = [r.comfort_kpis()["degree_hours_below_setpoint_kh"] for r in delivered]
    assert heat[1] <= heat[0] and cold[1] <= cold[0]


def test_the_emitter_table_gives_the_design_output_at_the_design_regime():
    """EN 442: at the design supply excess over the room the radiators give their design output."""
    radiators = radiators_for(100.0, (75.0, 65.0))
    table = emitter_output_table(radiators)
    assert np.interp(75.0 - 20.0, EXCESS_GRID_K, table) == pytest.approx(1.0, abs=1e-4)
    assert table[0] == 0.0 and np.all(np.diff(table) > 0)
    # half the design output needs the supply of Radiators.temperatures for half the load
    half_supply = radiators.supply_temperature_degc(50.0)[0]
    assert np.interp(half_supply - 20.0, EXCESS_GRID_K, table) == pytest.approx(0.5, abs=1e-4)


def test_a_quarter_hour_coupled_year_matches_its_decoupled_year(weather):
    quarter = weather.to_quarter_hours()
    d = mgwsim.simulate_demand(antwerp_block(), quarter)
    ample = plant(3, 60.0, backup_kw=150.0)
    coupled = simulate_system(d, ample, quarter, coupled=True)
    np.testing.assert_allclose(coupled.operative_degc(), d.hourly["operative_degc"], atol=1e-6)
    assert np.abs(coupled.zone_balance_residual_kwh()).max() <= 1e-9 * d.hourly["space_heating_kwh"].max()


@pytest.mark.parametrize("quarter_hours", [False, True], ids=["hourly", "15min"])
def test_the_vectorized_free_pass_gives_the_step_by_step_table_bit_for_bit(weather, quarter_hours):
    """The free pass through a flat view of the table (vectorized) against the loop that stored one cell at a time
    (before 2026-12-07, ``tests/reference/zone_free_pass.py``): the same table and responses, to the last bit."""
    wx = weather.to_quarter_hours() if quarter_hours else weather
    building = antwerp_block()
    d, to_w = mgwsim.simulate_demand(building, wx).hourly, 1000.0 / wx.step_h
    series = (wx.temp_air_degc, d["internal_gains_kwh"].to_numpy() * to_w, d["solar_gains_kwh"].to_numpy() * to_w)
    params = ZoneParameters.from_building(building).as_array()
    present, previous = np.empty((wx.n_steps, N_FREE)), np.empty((wx.n_steps, N_FREE))
    assert zone_free_pass(*series, params, 3600.0 * wx.step_h, present) == reference.zone_free_pass(
        *series, params, 3600.0 * wx.step_h, previous)
    assert np.array_equal(present, previous)


def test_the_free_pass_rejects_a_table_of_another_shape(weather):
    series = (weather.temp_air_degc, np.zeros(weather.n_steps), np.zeros(weather.n_steps))
    params = ZoneParameters.from_building(antwerp_block()).as_array()
    with pytest.raises(ValueError, match="shape"):
        zone_free_pass(*series, params, 3600.0, np.empty((N_FREE, weather.n_steps)))
