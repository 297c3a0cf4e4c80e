"""Renovation path evaluation (mgwsim.assess.path) and the future-proof score (mgwsim.assess.score)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import mgwsim
from mgwsim.assess import (
    CheckResult,
    PathContext,
    evaluate_path,
    explain_future_proof_score,
    final_energy_by_use,
    future_proof_score,
)
from mgwsim.errors import InputError
from mgwsim.examples import antwerp_block, antwerp_renovation_path
from mgwsim.heatpump import Source, carnot_map
from mgwsim.storage import Tank
from mgwsim.system import Backup, HeatPumpCascade, HotWater, Plant

SOURCE_GRID = np.linspace(-25.0, 35.0, 25)
SINK_GRID = np.linspace(36.0, 80.0, 23)


def plant(backup="gas_boiler", max_sink=58.0, refrigerant="R290"):
    pmap = replace(carnot_map(SOURCE_GRID, SINK_GRID, rated_capacity_kw=60.0, source=Source("air"),
                              max_sink_degc=max_sink), refrigerant=refrigerant)
    bu = Backup("gas_boiler", 150.0, 0.9) if backup == "gas_boiler" else Backup("electric", 150.0, 1.0)
    return Plant(HeatPumpCascade(pmap, 2), HotWater(Tank(1500.0, 55.0, 75.0), booster_kw=18.0), Tank(2000.0, 20.0, 80.0), bu)


@pytest.fixture(scope="module")
def radiators(weather):
    return mgwsim.simulate_demand(antwerp_block(), weather, regime=(90.0, 70.0)).radiators


@pytest.fixture(scope="module")
def assessment(weather, radiators):
    """Roof (year 3) and windows (year 8); the gas backup is replaced by an electric one with the windows."""
    ctx = PathContext(pv_kwp=30.0, existing_connection_kva=100.0, plant_room_area_m2=12.0, in_heat_network_zone=True)
    return evaluate_path(antwerp_block(), antwerp_renovation_path(), plant(), weather, radiators=radiators,
                         install_year=2026, horizon_year=2046, plant_changes={8: plant(backup="electric")}, context=ctx)


def test_one_row_per_step_and_check(assessment):
    table = assessment.table
    checks = {"fossil_lock_in", "temperature_lock_in", "oversizing", "refrigerant_lock_in", "hot_water_hygiene",
              "pv_before_roof", "connection_capacity", "heat_network_readiness"}
    assert len(table) == 3 * len(checks)
    assert set(table["check"]) == checks
    assert table.groupby("step")["check"].nunique().eq(len(checks)).all()
    assert list(assessment.kpis["calendar_year"]) == [2026, 2029, 2034]
    assert set(table["status"]) <= {"pass", "warn", "fail"}


def test_kpis_move_in_the_right_direction(assessment):
    k = assessment.kpis
    assert (np.diff(k["space_heating_kwh"]) < 0).all()
    assert (np.diff(k["max_supply_required_degc"]) < 0).all()
    assert (np.diff(k["hp_temperature_limited_hours"]) <= 0).all()
    assert (np.diff(k["co2_kg"]) < 0).all() and (np.diff(k["epc_indicator_kwh_per_m2"]) < 0).all()
    assert k["gas_kwh"].iloc[0] > 0 and k["gas_kwh"].iloc[-1] == 0.0  # the plant change removes the boiler


def test_checks_follow_the_path(assessment):
    s = assessment.summary()
    assert s.loc[0, "temperature_lock_in"] == "fail" and s.loc[2, "temperature_lock_in"] == "pass"
    assert s.loc[0, "fossil_lock_in"] == "fail"  # stopping as is keeps the boiler
    assert s.loc[2, "fossil_lock_in"] == "pass"  # replaced in 2034, before 2040
    assert (s["pv_before_roof"] == "fail").all()  # PV in 2026 on a roof insulated in 2029


def test_epc_indicator_matches_final_energy(assessment):
    result = assessment.results[0]
    energy = final_energy_by_use(result)
    primary = 2.5 * (energy["heating"]["electricity"] + energy["hot_water"]["electricity"]) + \
        energy["heating"]["natural_gas"] + energy["hot_water"]["natural_gas"]
    assert assessment.kpis.loc[0, "epc_indicator_kwh_per_m2"] == pytest.approx(primary / 1850.0)
    gas = energy["heating"]["natural_gas"] + energy["hot_water"]["natural_gas"]
    assert gas == pytest.approx(result.kpis()["gas_kwh"])


def test_plant_change_must_be_at_a_step_year(weather, radiators):
    with pytest.raises(InputError, match="not a step year"):
        evaluate_path(antwerp_block(), antwerp_renovation_path(), plant(), weather, radiators=radiators,
                      install_year=2026, horizon_year=2046, plant_changes={5: plant()})


# --------------------------------------------------------------------------- score
def _check(name, status):
    return CheckResult(name, status, 0.0, "", 0.0, f"{name} {status}.")


def test_score_scheme():
    assert future_proof_score([_check("oversizing", "pass"), _check("refrigerant_lock_in", "fail")]) == 50.0
    assert future_proof_score([_check("fossil_lock_in", "pass"), _check("oversizing", "warn")]) == pytest.approx(
        100 * (3 + 0.5) / 4)
    capped = [_check("temperature_lock_in", "fail")] + [_check(f"x{i}", "pass") for i in range(20)]
    assert future_proof_score(capped) == 40.0
    assert future_proof_score([_check("oversizing", "pass"), _check("pv_before_roof", "fail")],
                              weights={"pv_before_roof": 0.0}) == 100.0
    text = explain_future_proof_score(capped)
    assert "capped at 40" in text and "temperature_lock_in" in text
    with pytest.raises(InputError):
        future_proof_score([])


def test_score_of_a_path_judges_its_last_step(assessment):
    final = assessment.final_checks()
    assert [c.name for c in final] == list(assessment.table.query("step == 2")["check"])
    assert 0.0 <= future_proof_score(assessment) <= 100.0
    assert future_proof_score(assessment) == future_proof_score(final)
