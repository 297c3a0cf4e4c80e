"""CheckResult and the chimney-free check (mgwsim.assess.checks)."""

from __future__ import annotations

import dataclasses

import pytest

from mgwsim.assess import Appliance, CheckResult, chimney_free, worst_status
from mgwsim.errors import InputError


def test_check_result_is_frozen_and_serialises():
    result = CheckResult("x", "warn", 1.5, "kWh", 2.0, "A sentence.", "Een zin.")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.status = "pass"
    series = result.to_series()
    assert list(series.index) == ["name", "status", "value", "unit", "threshold", "sentence", "sentence_nl"]
    assert series["status"] == "warn" and series["value"] == 1.5 and series["sentence_nl"] == "Een zin."
    assert not result.passed


@pytest.mark.parametrize("status", ["ok", "PASS", "", None])
def test_check_result_rejects_unknown_status(status):
    with pytest.raises(InputError, match=r"CheckResult\('x'\)\.status"):
        CheckResult("x", status, 0.0, "", None, "A sentence.")


def test_check_result_needs_a_sentence():
    with pytest.raises(InputError, match="sentence"):
        CheckResult("x", "pass", 0.0, "", None, "  ")


def test_worst_status_orders_fail_over_warn_over_pass():
    assert worst_status([]) == "pass"
    assert worst_status(["pass", "warn"]) == "warn"
    assert worst_status(["warn", "fail", "pass"]) == "fail"


def test_removing_the_fossil_boiler_flips_chimney_free():
    with_boiler = {"gas_boiler": 12_000.0, "heat_pump": 30_000.0}
    without_boiler = {"heat_pump": 36_000.0}
    before, after = chimney_free(with_boiler), chimney_free(without_boiler)
    assert before.status == "fail" and before.value == 12_000.0
    assert "the gas boiler (12,000 kWh a year)" in before.sentence
    assert "de gasketel (12.000 kWh per jaar)" in before.sentence_nl
    assert after.status == "pass" and after.value == 0.0


def test_unused_backup_boiler_does_not_fail():
    appliances = [Appliance("gas_boiler", 0.0, label="backup boiler"), Appliance("heat_pump", 30_000.0)]
    assert chimney_free(appliances).passed


@pytest.mark.parametrize("kind", ["oil_boiler", "chp", "wood_stove", "pellet_boiler"])
def test_every_combustion_kind_fails(kind):
    result = chimney_free([Appliance(kind, 1.0, label="unit in use"), Appliance("heat_pump", 10.0)])
    assert result.status == "fail" and result.value == 1.0 and "unit in use" in result.sentence


def test_bad_appliances_raise():
    with pytest.raises(InputError, match="annual_energy_kwh"):
        chimney_free({"gas_boiler": -1.0})
    with pytest.raises(InputError, match="kind"):
        chimney_free({"fireplace_of_doom": 1.0})
    with pytest.raises(InputError, match="Appliance objects"):
        chimney_free([("gas_boiler", 1.0)])
