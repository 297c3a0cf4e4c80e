"""CheckResult and the chimney-free check (mgwsim.assess.checks)."""

from __future__ import annotations

import dataclasses
import math

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


# --------------------------------------------------------------------------- placement: EN 378-1, VLAREM II, space
from mgwsim.assess.placement import (  # noqa: E402
    Placement,
    allowed_charge_kg,
    charge_limit_check,
    noise_check,
    sound_pressure_dba,
    space_check,
)


def test_en378_charge_limits_for_r290_from_its_lfl():
    # m3 = 130 m3 x 0.038 kg/m3 = 4.94 kg; open air 1.5 x m3; a 50 m3 room 20 % x LFL x V
    assert allowed_charge_kg("R290", "outdoor") == pytest.approx(1.5 * 130 * 0.038)
    assert allowed_charge_kg("R290", "indoor", 50.0) == pytest.approx(0.2 * 0.038 * 50.0)
    assert allowed_charge_kg("R290", "indoor", 1e4) == pytest.approx(1.5 * 130 * 0.038)  # capped
    with pytest.raises(InputError, match="R454C"):
        allowed_charge_kg("R454C", "outdoor")


def test_charge_check_names_value_and_limit():
    indoor = charge_limit_check("R290", 45.0, Placement(location="indoor", charge_kg=4.0), plant_room_area_m2=20.0)
    assert indoor.status == "fail" and indoor.value == 4.0 and indoor.threshold == pytest.approx(0.38)
    assert "0.38 kg" in indoor.sentence and "machinery room" in indoor.sentence
    outdoor = charge_limit_check("R290", 45.0, Placement(charge_kg=4.0), plant_room_area_m2=20.0)
    assert outdoor.status == "pass" and outdoor.threshold == pytest.approx(7.41)
    estimated = charge_limit_check("R290", 45.0, Placement(), plant_room_area_m2=20.0)
    assert estimated.value == pytest.approx(0.15 * 45.0) and "estimated" in estimated.sentence
    assert charge_limit_check("R744", 45.0, Placement(location="indoor"), plant_room_area_m2=20.0).status == "pass"


def test_sound_pressure_follows_iso_9613_2_divergence():
    # hemisphere (Q = 2): Lp = Lw - 20 lg r - 8; doubling the distance -6 dB, a wall +3 dB, two units +3 dB
    assert sound_pressure_dba(70.0, 10.0) == pytest.approx(70.0 - 20.0 - 11.0 + 3.01, abs=0.01)
    assert sound_pressure_dba(70.0, 20.0) == pytest.approx(sound_pressure_dba(70.0, 10.0) - 6.02, abs=0.01)
    assert sound_pressure_dba(70.0, 10.0, reflecting_planes=2) == pytest.approx(42.0 + 3.01, abs=0.02)
    assert sound_pressure_dba(70.0, 10.0, n_units=2) == pytest.approx(42.0 + 3.01, abs=0.02)


def test_noise_check_against_vlarem_night_limit():
    loud = noise_check(45.0, 2, Placement(sound_power_dba=72.0, window_distance_m=12.0))
    assert loud.status == "fail" and loud.threshold == 35.0  # residential zone at night (VLAREM II Annex 2.2.1)
    assert loud.value == pytest.approx(72.0 + 3.01 + 3.01 - 20 * 1.0792 - 11.0, abs=0.05)
    far = noise_check(45.0, 1, Placement(sound_power_dba=60.0, window_distance_m=40.0, zone="industrial"))
    assert far.status == "pass" and far.threshold == 55.0
    default = noise_check(45.0, 1, Placement(window_distance_m=12.0))
    assert default.status == "warn" and "813/2013" in default.sentence  # the Ecodesign ceiling, 88 dB(A)
    # what it asks of the design: Lp falls dB for dB with Lw, so each unit may give Lw - (Lp - 35) at this distance
    excess = default.value - 35.0
    assert f"asks {excess:.0f} dB less, i.e. at most {math.floor(88.0 - excess)} dB(A) per unit" in default.sentence
    assert "datasheet" in default.sentence and "akoestische studie" in default.sentence_nl
    assert "Ask" not in loud.sentence and "The night standard asks" in loud.sentence  # a given sound power
    assert "night standard asks" not in far.sentence  # within the standard: nothing to do
    assert noise_check(45.0, 2, Placement(location="indoor")).status == "pass"


def test_space_check_against_the_roof_left_after_pv():
    class Array:
        kwp, row_gcr = 30.0, None

    fits = space_check(45.0, 2, Placement(), roof_area_m2=400.0, pv_arrays=[Array()])
    assert fits.status == "pass" and fits.threshold == pytest.approx(400.0 - 30.0 / 0.2 / 0.7, abs=0.1)
    tight = space_check(45.0, 2, Placement(), roof_area_m2=220.0, pv_arrays=[Array()])
    assert tight.status == "fail" and tight.value == pytest.approx(2 * (2.0 + 0.06 * 45.0))
    assert space_check(45.0, 2, Placement(units_on="ground"), roof_area_m2=None).status == "warn"


def test_placement_rejects_bad_input_with_field_and_range():
    with pytest.raises(InputError, match="Placement.zone"):
        Placement(zone="woongebied")
    with pytest.raises(InputError, match="reflecting_planes"):
        Placement(reflecting_planes=4)
