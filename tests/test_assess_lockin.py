"""Lock-in checks (mgwsim.assess.lockin): each check passes and fails on constructed cases, for the right reason.

Plants use Carnot maps (fast) with the refrigerant set explicitly; the demand is the 1960s
Antwerp block with 90/70 radiators, as is, after roof + windows, and after a deep renovation.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest

import mgwsim
from mgwsim.assess import (
    connection_capacity,
    fossil_heat_share,
    fossil_lock_in,
    heat_network_readiness,
    hot_water_hygiene,
    oversizing_after_renovation,
    pv_before_roof_renovation,
    refrigerant_lock_in,
    temperature_lock_in,
)
from mgwsim.building import Insulate, ReplaceWindows, renovate
from mgwsim.building.dhw import LegionellaRules
from mgwsim.errors import InputError
from mgwsim.examples import antwerp_block
from mgwsim.heatpump import Source, carnot_map
from mgwsim.storage import Tank
from mgwsim.system import Backup, HeatPumpCascade, HotWater, Plant, gas_boiler_reference, simulate_system

SOURCE_GRID = np.linspace(-25.0, 35.0, 25)
SINK_GRID = np.linspace(36.0, 80.0, 23)


def hp_plant(n_units=2, rated_kw=60.0, *, max_sink=75.0, refrigerant="R290", backup="gas_boiler", booster_kw=18.0,
             min_modulation=0.3, backup_dhw=True, hot_summer=False):
    """A cascade on Carnot maps; ``hot_summer``: an envelope up to 40 °C air (Uccle reached 38 °C in July 2019)."""
    source = Source("air", max_degc=40.0) if hot_summer else Source("air")
    grids = (np.linspace(-25.0, 40.0, 27), np.linspace(41.0, 80.0, 14)) if hot_summer else (SOURCE_GRID, SINK_GRID)
    pmap = carnot_map(*grids, rated_capacity_kw=rated_kw, source=source, max_sink_degc=max_sink,
                      min_modulation_frac=min_modulation)
    pmap = replace(pmap, refrigerant=refrigerant)
    kinds = {"gas_boiler": Backup("gas_boiler", 150.0, 0.9, serves_hot_water=backup_dhw),
             "electric": Backup("electric", 150.0, 1.0, serves_hot_water=backup_dhw), "none": Backup()}
    return Plant(HeatPumpCascade(pmap, n_units), HotWater(Tank(1500.0, 55.0, 75.0), booster_kw=booster_kw),
                 Tank(2000.0, 20.0, 80.0), kinds[backup])


@pytest.fixture(scope="module")
def demands(weather):
    """As is (radiators sized 90/70), after roof + windows, after roof + windows + walls (same radiators)."""
    building = antwerp_block()
    as_is = mgwsim.simulate_demand(building, weather, regime=(90.0, 70.0))
    roof_windows = renovate(building, Insulate("roof", target_u_w_m2k=0.2), ReplaceWindows(1.1, 0.5))
    deep = renovate(roof_windows, Insulate("wall", target_u_w_m2k=0.24))
    return {
        "as_is": as_is,
        "roof_windows": mgwsim.simulate_demand(roof_windows, weather, radiators=as_is.radiators),
        "deep": mgwsim.simulate_demand(deep, weather, radiators=as_is.radiators),
    }


@pytest.fixture(scope="module")
def run(demands, weather):
    cache = {}

    def _run(state, plant):
        key = (state, id(plant))
        if key not in cache:
            cache[key] = (simulate_system(demands[state], plant, weather), plant)
        return cache[key][0]
    return _run


# --------------------------------------------------------------------------- fossil lock-in
def test_r32_plant_keeping_the_gas_boiler_forever_fails_fossil_lock_in(run):
    result = run("as_is", hp_plant(refrigerant="R32", max_sink=60.0))
    share = fossil_heat_share(result)
    assert share > 0.1  # the boiler carries the hours the R32 units cannot reach
    check = fossil_lock_in({2026: result}, target_year=2040)
    assert check.status == "fail" and check.value == pytest.approx(share)
    assert "2040" in check.sentence and check.sentence_nl


def test_fossil_lock_in_passes_when_a_replacement_step_is_stated_or_no_boiler_is_used(run):
    result = run("as_is", hp_plant(refrigerant="R32", max_sink=60.0))
    assert fossil_lock_in({2026: result}, replaced_year=2035).status == "pass"
    electric = run("as_is", hp_plant(backup="electric"))
    assert fossil_heat_share(electric) == 0.0
    assert fossil_lock_in({2026: electric}).status == "pass"


def test_fossil_lock_in_uses_the_state_in_force_at_the_target_year():
    shares = {2026: 0.6, 2031: 0.05, 2045: 0.0}
    assert fossil_lock_in(shares, target_year=2040).status == "warn"  # 2031 state lasts to 2040
    assert fossil_lock_in(shares, target_year=2050).status == "pass"
    assert fossil_lock_in(shares, target_year=2030).status == "fail"
    with pytest.raises(InputError, match="no state"):
        fossil_lock_in({2045: 0.0}, target_year=2040)
    assert fossil_lock_in({2026: 0.6}, threshold_share=0.7).status == "fail"  # main supplier
    warned = fossil_lock_in(shares, target_year=2040)  # the tolerated share is named as mgwsim's, not the call's
    assert "within the 10 % this check tolerates (an mgwsim assumption, not a figure of the call)" in warned.sentence
    assert "binnen de 10 % die deze toets aanvaardt (een aanname van mgwsim" in warned.sentence_nl


def test_fossil_sentence_names_the_target_year_as_the_eu_phase_out_year_and_the_state_it_judges():
    """Shown under "at the end of the renovation path (2034)", the sentence says the 2034 state lasts to 2040 and
    what 2040 is, in both languages; another target year is not called the phase-out year."""
    check = fossil_lock_in({2026: 0.6, 2034: 0.2}, target_year=2040)
    assert check.status == "fail"
    assert check.sentence.startswith("From 2034 on, the gas boiler still supplies a large part of the heat (20 %")
    assert "so it still does in 2040, the year by which the EU aims to phase out fossil boilers" in check.sentence
    assert check.sentence_nl.startswith("Vanaf 2034 levert de gasketel nog 20 % van de warmte")
    assert "dus ook in 2040, het jaar waarin de EU fossiele ketels uitgefaseerd wil hebben" in check.sentence_nl
    kept = fossil_lock_in({2026: 0.6, 2034: 0.05}, target_year=2040)
    assert kept.status == "warn" and "also in 2040, the year by which the EU" in kept.sentence
    gone = fossil_lock_in({2026: 0.6, 2034: 0.0}, target_year=2040)
    assert gone.status == "pass" and gone.sentence.startswith("No fossil fuel supplies heat in 2040, the year by which")
    later = fossil_lock_in({2026: 0.2}, target_year=2050)
    assert "the year the EU aims to be climate-neutral" in later.sentence and "phase out" not in later.sentence
    assert fossil_lock_in({2040: 0.2}, target_year=2040).sentence.startswith("The gas boiler")  # no "from 2040 on"


def test_gas_reference_is_all_fossil(run):
    assert fossil_heat_share(run("as_is", gas_boiler_reference(200.0))) == pytest.approx(1.0)


# --------------------------------------------------------------------------- temperature lock-in
def test_55_degc_heat_pumps_on_90_70_radiators_fail_as_is_and_pass_after_roof_and_windows(run, demands):
    # max sink 58 °C at the condenser with the cascade's 3 K margin: 55 °C to the radiators
    plant = hp_plant(max_sink=58.0)
    before = temperature_lock_in(run("as_is", plant), label="as is")
    assert demands["as_is"].summary()["max_supply_required_degc"] > 55.0
    assert before.status == "fail" and before.value > before.threshold
    assert "hours" in before.sentence
    assert demands["roof_windows"].summary()["max_supply_required_degc"] <= 55.0
    after = temperature_lock_in(run("roof_windows", plant), label="after roof and windows")
    assert after.status == "pass" and after.value == 0.0


def test_temperature_sentences_name_the_building_state_in_plain_words(run):
    """"as is" and a renovation step's label read as English and Dutch sentences ("New windows, the heat pumps
    reach ..." and "Toestand 'as is'" were not); the step's label is the user's own and stays."""
    plant = hp_plant(max_sink=58.0)
    as_is = temperature_lock_in(run("as_is", plant), label="as is")
    assert as_is.sentence.startswith("With the building as it is, in ") and "hours" in as_is.sentence
    assert as_is.sentence_nl.startswith("Met het gebouw zoals het is: in ")
    step = temperature_lock_in(run("roof_windows", plant), label="new windows")
    assert step.sentence.startswith("After new windows, the heat pumps reach the supply temperature")
    assert step.sentence_nl.startswith("Na 'new windows': de warmtepompen halen elk uur")
    given = temperature_lock_in(run("roof_windows", plant), label="after roof and windows")
    assert given.sentence.startswith("After roof and windows, the heat pumps") and "After after" not in given.sentence
    for check in (as_is, step, given):
        assert "Toestand" not in check.sentence_nl and "'as is'" not in check.sentence_nl


def test_temperature_lock_in_warns_when_a_small_backup_share_covers_it(run):
    result = run("as_is", hp_plant(max_sink=75.0))
    h = result.hourly
    limited = h["hp_temperature_limited"] > 0
    assert limited.any() and h.loc[limited, "space_heating_unmet_kwh"].sum() == 0.0
    check = temperature_lock_in(result, max_backup_share=0.5)
    assert check.status == "warn" and 0.0 < check.value <= 0.5
    assert check.value == pytest.approx(h.loc[limited, "backup_heat_sh_kwh"].sum() / h["space_heating_delivered_kwh"].sum())


def test_temperature_lock_in_fails_on_unmet_heat_without_backup(run):
    result = run("as_is", hp_plant(max_sink=58.0, backup="none"))
    assert result.kpis()["unmet_hours"] > 0
    check = temperature_lock_in(result, max_backup_share=1.0)
    assert check.status == "fail" and "unmet" in check.sentence


# --------------------------------------------------------------------------- oversizing
def test_four_60_kw_units_on_a_deeply_renovated_block_are_oversized(run):
    check = oversizing_after_renovation(run("deep", hp_plant(4, 60.0)))
    assert check.status == "fail" and check.value > check.threshold
    assert "4 x 60 kW" in check.sentence


def test_the_oversizing_sentence_gives_the_same_numbers_in_dutch(run):
    """The Dutch sentence dropped the capacity ratio, the peak and the hours a reviewer checks against the English."""
    check = oversizing_after_renovation(run("deep", hp_plant(4, 60.0)))
    ratio, peak, low, hours = re.search(r"\(([\d.]+) times the peak demand of (\d+) kW\) cannot modulate low enough in "
                                        r"([\d,]+) of ([\d,]+) heating hours", check.sentence).groups()
    dutch = str.maketrans(",.", ".,")
    assert (f"({ratio.translate(dutch)} keer de piekvraag van {peak} kW) moduleren in {low.translate(dutch)} van de "
            f"{hours.translate(dutch)} stookuren" in check.sentence_nl)


def test_a_modulating_cascade_sized_for_the_existing_block_passes(run):
    check = oversizing_after_renovation(run("as_is", hp_plant(2, 30.0, min_modulation=0.25)))
    assert check.status == "pass" and check.value <= 0.1


def test_oversizing_fails_on_the_starts_budget_alone(run):
    result = run("as_is", hp_plant(2, 30.0, min_modulation=0.25))
    starts = result.units["starts"].max()
    assert oversizing_after_renovation(result, starts_budget_per_unit_year=starts * 2).status == "pass"
    assert oversizing_after_renovation(result, starts_budget_per_unit_year=starts / 2).status == "fail"


def test_oversizing_needs_heat_pumps(run):
    with pytest.raises(InputError, match="no heat pumps"):
        oversizing_after_renovation(run("as_is", gas_boiler_reference(200.0)))


# --------------------------------------------------------------------------- refrigerant
def test_r32_monobloc_60_kw_warns_and_r290_passes():
    r32 = refrigerant_lock_in(hp_plant(refrigerant="R32"), install_year=2026, horizon_year=2046)
    assert r32.status == "warn" and r32.value == 675.0 and "2030" in r32.sentence and "60 kW per unit" in r32.sentence
    assert refrigerant_lock_in(hp_plant(refrigerant="R32"), install_year=2031, horizon_year=2046).status == "fail"
    assert refrigerant_lock_in(hp_plant(refrigerant="R290"), install_year=2026, horizon_year=2046).status == "pass"


def test_refrigerant_lock_in_judges_the_worst_cascade_and_requires_a_refrigerant():
    plant = hp_plant(refrigerant="R290")
    dhw_map = replace(plant.heat_pumps.performance, refrigerant="R32", rated_capacity_kw=10.0)
    mixed = replace(plant, hot_water=HotWater(Tank(1500.0, 55.0, 75.0), mode="separate_heat_pump",
                                              heat_pump=HeatPumpCascade(dhw_map, 1)))
    assert refrigerant_lock_in(mixed, install_year=2027, horizon_year=2045).status == "fail"  # <=12 kW, 2027 ban
    with pytest.raises(InputError, match="no refrigerant"):
        refrigerant_lock_in(hp_plant(refrigerant=""), install_year=2026, horizon_year=2046)


# --------------------------------------------------------------------------- PV before roof
def test_pv_on_a_roof_insulated_later_fails_with_the_cost():
    check = pv_before_roof_renovation(2026, 2029, 30.0, removal_cost_eur_per_kwp=200.0)
    assert check.status == "fail" and check.value == pytest.approx(6000.0) and "6,000" in check.sentence


def test_pv_after_roof_or_without_roof_step_passes_and_near_end_of_life_warns():
    assert pv_before_roof_renovation(2029, 2029, 30.0).status == "pass"
    assert pv_before_roof_renovation(2026, None, 30.0).status == "pass"
    assert pv_before_roof_renovation(2026, 2026 + 22, 30.0).status == "warn"
    assert pv_before_roof_renovation(2026, 2026 + 25, 30.0).status == "pass"


# --------------------------------------------------------------------------- connection
def test_connection_capacity_pass_warn_fail():
    assert connection_capacity(80.0, 100.0).status == "pass"
    assert connection_capacity(np.array([20.0, 150.0]), 100.0).status == "warn"
    check = connection_capacity(300.0, 100.0, power_factor=1.0)
    assert check.status == "fail" and check.value == 300.0 and "medium-voltage" in check.sentence
    with pytest.raises(InputError, match="existing_connection_kva"):
        connection_capacity(10.0, 0.0)


# --------------------------------------------------------------------------- heat network
def test_heat_network_readiness():
    plant = hp_plant()
    assert heat_network_readiness(True, plant, has_central_loop=True, plant_room_area_m2=12.0).status == "pass"
    assert heat_network_readiness(True, plant, has_central_loop=True, plant_room_area_m2=3.0).status == "warn"
    failed = heat_network_readiness(True, plant, has_central_loop=False, plant_room_area_m2=12.0)
    assert failed.status == "fail" and "central heating loop" in failed.sentence
    assert heat_network_readiness(False, plant, has_central_loop=False, plant_room_area_m2=12.0).status == "warn"


# --------------------------------------------------------------------------- hot-water hygiene
def test_hot_water_by_heat_pumps_alone_passes(run):
    result = run("roof_windows", hp_plant(max_sink=75.0, hot_summer=True))
    assert result.hourly["booster_kwh"].sum() == 0.0 and result.hourly["backup_heat_dhw_kwh"].sum() == 0.0
    assert hot_water_hygiene(result).status == "pass"


def test_hot_water_with_booster_warns_and_names_the_energy(run):
    result = run("roof_windows", hp_plant(max_sink=58.0))
    check = hot_water_hygiene(result)
    booster = result.hourly["booster_kwh"].sum()
    assert booster > 0 and check.status == "warn"
    assert f"{booster:,.0f} kWh" in check.sentence and "booster" in check.sentence


def test_hot_water_below_setpoint_fails(run):
    result = run("roof_windows", hp_plant(max_sink=58.0, booster_kw=0.0, backup_dhw=False))
    check = hot_water_hygiene(result)
    assert result.kpis()["dhw_below_setpoint_hours"] > 0
    assert check.status == "fail" and "hours" in check.sentence
    strict = LegionellaRules(storage_min_degc=65.0, circulation_return_min_degc=55.0)
    assert hot_water_hygiene(run("roof_windows", hp_plant(max_sink=75.0)), strict).status == "fail"  # setpoint 60 < 65


# --------------------------------------------------------------------------- sentences that match their numbers
@pytest.mark.parametrize(("peak_kw", "status", "shown"), [
    (95.0, "pass", "100 kVA fits"),        # exactly the connection: it fits
    (95.38, "warn", "101 kVA exceeds"),    # 100.4 kVA: never "the peak of 100 kVA exceeds the existing 100 kVA"
    (94.9, "pass", "100 kVA fits"),        # 99.9 kVA: rounded up, as the smallest-connection table shows it
    (91.2, "pass", "96 kVA fits"),         # 96.0 kVA (float noise above it): 96, not 97
    (121.3, "warn", "128 kVA exceeds"),
])
def test_connection_sentence_never_says_a_peak_exceeds_its_equal(peak_kw, status, shown):
    check = connection_capacity(peak_kw, 100.0)
    assert check.status == status and shown in check.sentence
    need, existing = re.search(r"peak of (\d+) kVA \w+ the existing (\d+) kVA", check.sentence).groups()
    assert (int(need) > int(existing)) == (status == "warn")
    assert shown.split()[0] + " kVA" in check.sentence_nl


def test_connection_sentence_rounds_as_the_smallest_connection_and_never_above_the_rating():
    """A need that fits reads as the whole kVA it needs (the smallest-connection table's rounding), unless that whole
    kVA is above a fractional rating (3 x 63 A at 400 V: 43.6 kVA), where it reads as the rating."""
    from mgwsim.electric import whole_kva

    assert "The peak of 37 kVA fits" in connection_capacity(34.3, 100.0).sentence  # 36.1 kVA
    assert whole_kva(34.3 / 0.95) == 37
    fits = connection_capacity(41.0, 43.6)  # 43.16 kVA
    assert fits.status == "pass" and "The peak of 43.6 kVA fits the existing 43.6 kVA connection." == fits.sentence
    assert "De piek van 43,6 kVA past" in fits.sentence_nl


def test_connection_sentence_in_dutch_numbers():
    check = connection_capacity(121.3, 100.0, upgrade_cost_eur=6459.2)
    assert "€ 6.459 excl. btw" in check.sentence_nl and "EUR 6,459 excl. VAT" in check.sentence
    assert "De piek van 128 kVA is groter dan de aansluiting van 100 kVA" in check.sentence_nl
    assert "1.275 kVA" in connection_capacity(1211.0, 100.0).sentence_nl  # above medium voltage, Dutch thousands


def test_fossil_share_just_above_the_threshold_reads_above_it():
    check = fossil_lock_in({2026: 0.1004}, target_year=2040)
    assert check.status == "fail" and "10.04 % of the heat, more than the 10 % tolerated" in check.sentence
    assert "10,04 % van de warmte (meer dan 10 %)" in check.sentence_nl
    kept = fossil_lock_in({2026: 0.0011}, target_year=2040)
    assert kept.status == "warn" and "still gives 0.1 % of the heat" in kept.sentence and "0,1 %" in kept.sentence_nl


def test_hot_water_share_is_of_the_hot_water_heat_and_never_reads_zero(run):
    """The 75 °C plant needs its booster for 0.07 % of the hot-water heat: "0.1 %", not "0 %"."""
    result = run("as_is", hp_plant(max_sink=75.0))
    check = hot_water_hygiene(result)
    h = result.hourly
    helpers = float(h["booster_kwh"].sum() + h["backup_heat_dhw_kwh"].sum())
    share = helpers / (helpers + float(h["hp_heat_dhw_kwh"].sum()))
    assert check.status == "warn" and check.value == pytest.approx(share) and 0.0 < share < 0.001
    assert "0.1 % of the hot-water heat does not come from the heat pumps" in check.sentence
    assert "0,1 % van de warmte voor warm water komt niet van de warmtepompen" in check.sentence_nl
    assert " 0 %" not in check.sentence and " 0 %" not in check.sentence_nl


def test_a_plant_without_heat_pumps_is_not_described_by_heat_pump_shares(run, weather):
    result = run("as_is", gas_boiler_reference(160.0))
    check = hot_water_hygiene(result)
    assert check.sentence.startswith("No heat pump heats the water: the gas boiler (")
    assert "heat pumps" not in check.sentence.replace("No heat pump", "")
    assert "Geen warmtepomp warmt het water op: de gasketel (" in check.sentence_nl
    assert re.search(r"\d{1,3}\.\d{3} kWh/jaar", check.sentence_nl)  # Dutch thousands
    temperature = temperature_lock_in(result)
    assert temperature.status == "pass" and "no heat pump heats the building" in temperature.sentence
    assert "reach the supply temperature" not in temperature.sentence
