"""Study configuration (TOML): identical to the Python API, and errors that name the key path."""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from mgwsim.config import DECISION_KEYS, TOP_LEVEL_KEYS, StudyConfig, load_config, load_study, read_config
from mgwsim.config import _building, _measured, _money, _report, _variants
from mgwsim.errors import InputError
from mgwsim.measured.calibration import PARAMETERS
from mgwsim.study import Study

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.toml"))
DOCS = ROOT / "docs" / "config.md"

MINIMAL = {
    "building": {"typology": "AB.02", "floor_area_m2": 900.0, "n_apartments": 12, "n_storeys": 4},
    "reference": {"gas_boiler_kw": 90.0},
    "variants": [
        {"name": "hp", "plant": {"heat_pumps": {"refrigerant": "R290", "rated_kw": 40.0, "n_units": 2},
                                 "buffer": {"volume_l": 1000.0},
                                 "backup": {"kind": "gas_boiler", "capacity_kw": 90.0, "efficiency": 0.8}}},
        {"name": "hp + pv", "based_on": "hp", "pv": [{"layout": "flat_roof_east_west", "area_m2": 200.0, "kwp": 20.0}]},
    ],
}


def _config(**changes) -> dict:
    """MINIMAL with changes given as 'a.b[0].c' = value (None deletes the key)."""
    data = copy.deepcopy(MINIMAL)
    for dotted, value in changes.items():
        *parents, last = re.findall(r"[^.\[\]]+", dotted.replace("__", "."))
        node = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node.setdefault(part, {})
        if value is None:
            del node[last]
        else:
            node[last] = value
    return data


def _error(data: dict) -> str:
    with pytest.raises(InputError) as info:
        read_config(data)
    return str(info.value)


# --------------------------------------------------------------------------- TOML == Python
@pytest.fixture(scope="module")
def tables():
    """The comparison table of the example study built in Python and loaded from TOML (one run each)."""
    from mgwsim.demo import example_study

    python = example_study()
    toml = load_study(ROOT / "examples" / "antwerp_1960s.toml")
    return python.run().table, toml.run().table


def test_toml_and_python_example_give_identical_tables(tables):
    python, toml = tables
    pd.testing.assert_frame_equal(python, toml)
    assert len(toml) == 9  # the reference and eight variants, none silently dropped


def test_example_1960s_builds_the_python_objects():
    from mgwsim.examples import antwerp_block, antwerp_renovation_path

    config = load_config(ROOT / "examples" / "antwerp_1960s.toml")
    assert config.study.inputs.building == antwerp_block()
    assert config.renovation_path == antwerp_renovation_path()
    assert config.study.inputs.weather.site.municipality == "Antwerpen"


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_each_example_loads_and_validates(path):
    config = load_config(path)
    assert isinstance(config, StudyConfig) and isinstance(config.study, Study)
    assert len(config.study.variants) >= 5
    assert config.study.reference.is_reference
    assert all(not v.is_reference for v in config.study.variants)
    assert config.renovation_path is not None and config.renovation_path.steps


def test_three_typical_antwerp_buildings_are_shipped():
    codes = {".".join(load_config(p).study.inputs.building.typology.split(".")[2:4]) for p in EXAMPLES}
    assert {"MFH.01", "AB.02", "MFH.03"} <= codes


# --------------------------------------------------------------------------- what the format builds
def test_based_on_inherits_the_plant_and_replaces_what_is_given():
    data = _config(**{"variants[1].plant": {"backup": {"kind": "electric", "capacity_kw": 50.0}}})
    first, second = read_config(data).study.variants
    assert second.plant.heat_pumps.n_units == first.plant.heat_pumps.n_units == 2
    assert second.plant.buffer == first.plant.buffer
    assert second.plant.backup.kind == "electric" and first.plant.backup.kind == "gas_boiler"
    assert second.pv_kwp == pytest.approx(20.0) and first.pv_kwp == 0.0
    assert second.description == ""  # names and descriptions are not inherited


def test_defaults_match_the_python_defaults():
    from mgwsim.study import StudyInputs

    inputs = read_config(MINIMAL).study.inputs
    python = StudyInputs(inputs.building)
    for name in ("regime", "occupants_per_apartment", "lv_tariff", "mv_tariff", "gas_tariff", "study_cost_incl_vat_eur",
                 "co2_year", "install_year", "building_age_years", "existing_connection_kva",
                 "existing_boiler_age_years", "seed"):
        assert getattr(inputs, name) == getattr(python, name), name
    assert inputs.finance == python.finance
    assert inputs.subsidies == python.subsidies
    assert inputs.weather.site == python.weather.site  # no [site]: the embedded Uccle year as it is


def test_the_existing_boilers_age_is_read():
    assert read_config(_config(**{"building.boiler_age_years": 12.0})).study.inputs.existing_boiler_age_years == 12.0


def test_the_decision_rules_are_read_and_checked():
    from mgwsim.study import DecisionRules

    assert read_config(MINIMAL).study.rules == DecisionRules()
    rules = read_config(_config(**{"decision.criterion": "npv", "decision.max_unmet_share": 0.01,
                                   "decision.require_eligibility": False})).study.rules
    assert rules == DecisionRules(criterion="npv", max_unmet_share=0.01, require_eligibility=False)
    assert "decision.criterion = 'colour' is not one of 'gap_per_t_co2', 'npv', 'gap', 'co2'" in _error(
        _config(**{"decision.criterion": "colour"}))
    assert "decision.max_unmet_share = 2.0 is outside the allowed range [0, 1]" in _error(
        _config(**{"decision.max_unmet_share": 2.0}))


def test_the_apartments_key_is_read_with_its_length():
    shares = [50.0] * 6 + [100.0] * 6  # twelve apartments, two sizes
    inputs = read_config(_config(**{"building.apartment_shares": shares})).study.inputs
    assert inputs.apartment_key == ("shares", tuple(shares))
    assert read_config(MINIMAL).study.inputs.apartment_key == ("equal", (1.0,) * 12)
    assert "building.apartment_shares must have 12 numbers, got 2" in _error(
        _config(**{"building.apartment_shares": [1.0, 2.0]}))


def test_explicit_building_and_radiators():
    building = {
        "name": "explicit", "floor_area_m2": 500.0, "n_apartments": 6, "n_storeys": 3, "setpoint_degc": 21.0,
        "elements": [{"kind": "wall", "area_m2": 400.0, "u_w_m2k": 1.2}, {"kind": "roof", "area_m2": 170.0, "u_w_m2k": 0.4},
                     {"kind": "floor", "area_m2": 170.0, "u_w_m2k": 0.8, "b_factor": 0.5}],
        "windows": [{"area_m2": 60.0, "u_w_m2k": 2.8, "g_value": 0.7, "azimuth_deg": 180.0}],
        "ventilation": {"system": "D", "heat_recovery_efficiency": 0.8},
        "radiators": {"supply_degc": 70.0, "return_degc": 50.0, "design_output_kw": 45.0},
    }
    inputs = read_config(_config(building=building)).study.inputs
    assert inputs.building.name == "explicit" and inputs.building.setpoint_degc == 21.0
    assert inputs.building.h_windows_w_k == pytest.approx(60.0 * 2.8)
    assert inputs.building.ventilation.heat_recovery_efficiency == 0.8
    assert inputs.radiators.design_output_kw == 45.0 and inputs.regime == (70.0, 50.0)


def test_reference_may_be_a_plant_and_grants_follow_the_call():
    data = _config(reference={"name": "ref", "plant": {"backup": {"kind": "gas_boiler", "capacity_kw": 90.0,
                                                                  "efficiency": 0.9}}},
                   subsidies={"klimaatfonds_antwerpen": False,
                              "grants": [{"name": "g", "share_frac": 0.5, "cap_eur": 1000.0}]})
    study = read_config(data).study
    assert study.reference.name == "ref" and study.reference.plant.heat_pumps is None
    assert [type(r).__name__ for r in study.inputs.subsidies] == ["ReducedVat", "Grant"]
    assert study.inputs.subsidies[1].cap_eur == 1000.0


def test_weather_file_is_relative_to_the_toml(tmp_path, shared_data):
    epw = shared_data / "weather" / "BEL_VLG_Uccle.064470_TMYx.2007-2021.epw"
    shutil.copy(epw, tmp_path / "uccle.epw")
    text = (ROOT / "examples" / "antwerp_1960s.toml").read_text(encoding="utf-8")
    text = text.replace('[weather]                      #', '[weather]\nfile = "uccle.epw"\n#')
    (tmp_path / "study.toml").write_text(text, encoding="utf-8")
    weather = load_config(tmp_path / "study.toml").study.inputs.weather
    assert "uccle.epw" in weather.source
    assert weather.site.name == "Antwerpen" and weather.n_hours == 8760


# --------------------------------------------------------------------------- errors name the key path
def test_unknown_key_lists_the_allowed_keys():
    message = _error(_config(**{"variants[0].plant.heat_pumps.n_unit": 2}))
    assert "variants[0].plant.heat_pumps: unknown key 'n_unit'" in message
    assert "n_units" in message and "refrigerant" in message
    top = _error(_config(colour="blue"))
    assert "unknown key 'colour'" in top and all(key in top for key in TOP_LEVEL_KEYS)


def test_wrong_type_names_key_and_value():
    message = _error(_config(**{"variants[0].plant.heat_pumps.n_units": "2"}))
    assert message == "variants[0].plant.heat_pumps.n_units must be an integer, got '2' (string)"
    assert "building.floor_area_m2 must be a number, got True" in _error(_config(**{"building.floor_area_m2": True}))
    assert "variants[1].pv must be an array of tables" in _error(_config(**{"variants[1].pv": 3}))


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("variants[0].plant.heat_pumps.n_units", 0, "variants[0].plant.heat_pumps.n_units = 0 is outside the allowed range [1, 50]"),
    ("variants[0].plant.buffer.max_degc", 120.0, "variants[0].plant.buffer.max_degc = 120.0 degC is outside the allowed range [5, 98] degC"),
    ("building.n_storeys", 0, "building.n_storeys = 0 is outside the allowed range [1, 100]"),
    ("finance.discount_rate_frac", 2.0, "finance.discount_rate_frac = 2.0 is outside the allowed range [-0.99, 1]"),
    ("building.boiler_age_years", -3.0, "building.boiler_age_years = -3.0 years is outside the allowed range [0, 100]"),
])
def test_out_of_range_names_key_value_and_range(key, value, expected):
    assert expected in _error(_config(**{key: value}))


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("variants[0].plant.heat_pumps.refrigerant", "R12", "variants[0].plant.heat_pumps.refrigerant = 'R12' is not one of"),
    ("variants[0].plant.backup.kind", "oil", "variants[0].plant.backup.kind = 'oil' is not one of 'none', 'gas_boiler'"),
    ("variants[0].connection", "hv", "variants[0].connection = 'hv' is not one of 'lv', 'mv'"),
    ("tariffs.lv", "lv_nowhere", "tariffs.lv = 'lv_nowhere' is not one of 'lv_fluvius_antwerpen_2026'"),
    ("variants[1].pv[0].layout", "roof", "variants[1].pv[0].layout = 'roof' is not one of 'flat_roof_east_west'"),
])
def test_unknown_choice_lists_the_allowed_values(key, value, expected):
    assert expected in _error(_config(**{key: value}))


def test_unknown_refrigerant_lists_every_refrigerant():
    message = _error(_config(**{"variants[0].plant.heat_pumps.refrigerant": "R12"}))
    assert all(f"'{name}'" in message for name in ("R290", "R32", "R744"))


def test_unknown_typology_lists_the_archetypes():
    message = _error(_config(**{"building.typology": "AB.99"}))
    assert message.startswith("building.typology = 'AB.99' (variant 1) is not a known TABULA archetype")
    assert "AB.02" in message and "MFH.03" in message


def test_errors_from_constructors_carry_the_table_path():
    message = _error(_config(**{"variants[1].pv[0].kwp": 500.0}))
    assert message.startswith("variants[1].pv[0]: flat_roof_east_west.kwp = 500.0 kWp is more than the roof holds")


def test_structural_errors():
    assert "variants is required" in _error(_config(variants=[]))
    assert "reference is required" in _error(_config(reference=None))
    assert "variants[1].based_on = 'nope' is not one of the earlier variants: 'hp'" in _error(
        _config(**{"variants[1].based_on": "nope"}))
    assert "variants[0].plant.heat_pumps is required" in _error(_config(**{"variants[0].plant.heat_pumps": None}))
    assert "building.elements is only allowed without building.typology" in _error(
        _config(**{"building.elements": [{"kind": "wall", "area_m2": 1.0, "u_w_m2k": 1.0}]}))
    assert "variants[0].plant.heat_pumps.datasheet must be an array of" in _error(
        _config(**{"variants[0].plant.heat_pumps.datasheet": [[1, 2, 3]]}))


def test_renovation_measure_errors():
    step = {"year": 3, "measures": [{"kind": "insulate", "element": "roof"}]}
    assert "renovation[0].measures[0]: give exactly one of thickness_m or target_u_w_m2k" in _error(
        _config(renovation=[step]))
    step["measures"] = [{"kind": "paint"}]
    assert "renovation[0].measures[0].kind = 'paint' is not one of 'insulate'" in _error(_config(renovation=[step]))


def test_file_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such configuration file"):
        load_config(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[building\ntypology = 'AB.02'\n", encoding="utf-8")
    with pytest.raises(InputError, match="broken.toml: TOML syntax error"):
        load_config(broken)
    missing_weather = tmp_path / "weather.toml"
    missing_weather.write_text('[weather]\nfile = "nope.epw"\n', encoding="utf-8")
    with pytest.raises(FileNotFoundError, match=r"weather.file: no such file .*nope.epw"):
        load_config(missing_weather)


# --------------------------------------------------------------------------- documentation
def _documented_keys() -> dict[str, tuple[str, ...]]:
    return {
        "top level": TOP_LEVEL_KEYS, "study": _money.STUDY_KEYS, "site": _building.SITE_KEYS,
        "weather": _building.WEATHER_KEYS, "building": _building.BUILDING_KEYS, "elements": _building.ELEMENT_KEYS,
        "windows": _building.WINDOW_KEYS, "ventilation": _building.VENTILATION_KEYS,
        "radiators": _building.RADIATOR_KEYS, "renovation": _building.RENOVATION_KEYS,
        "measures": tuple(k for keys in _building.MEASURE_KEYS.values() for k in keys) + tuple(_building.MEASURE_KEYS),
        "tariffs": _money.TARIFF_KEYS, "day_ahead": _money.DAY_AHEAD_KEYS, "finance": _money.FINANCE_KEYS,
        "escalation": _money.ESCALATION_KEYS, "subsidies": _money.SUBSIDY_KEYS, "grants": _money.GRANT_KEYS,
        "reference": _variants.REFERENCE_KEYS, "variants": _variants.VARIANT_KEYS, "plant": _variants.PLANT_KEYS,
        "heat_pumps": _variants.HEAT_PUMP_KEYS, "tank": _variants.TANK_KEYS, "hot_water": _variants.HOT_WATER_KEYS,
        "backup": _variants.BACKUP_KEYS, "pv": tuple({k for keys in _variants.PV_KEYS.values() for k in keys} | set(_variants._PV_ARRAY_OPTIONS)),
        "ev": _variants.EV_KEYS, "control": _variants.CONTROL_KEYS, "decision": DECISION_KEYS,
        "emitter_upgrade": _variants.EMITTER_UPGRADE_KEYS, "battery": _variants.BATTERY_KEYS,
        "measured": _measured.MEASURED_KEYS, "priors": _measured.PRIOR_KEYS + PARAMETERS,
        "report": _report.REPORT_KEYS, "ground": _variants.GROUND_KEYS, "exhaust_air": _variants.EXHAUST_AIR_KEYS,
        "water": _variants.WATER_KEYS, "placement": _variants.PLACEMENT_KEYS,
    }


def test_every_key_is_documented():
    text = DOCS.read_text(encoding="utf-8")
    missing = {section: [k for k in keys if f"`{k}`" not in text] for section, keys in _documented_keys().items()}
    assert not {s: k for s, k in missing.items() if k}, missing


# --------------------------------------------------------------------------- heat sources and placement
def test_a_ground_variant_reads_its_borefield_and_takes_the_brine_map():
    data = _config()
    data["variants"][1] = {"name": "ground", "based_on": "hp", "source": "ground",
                           "ground": {"total_length_m": 1200.0, "spacing_m": 8.0, "years": 20},
                           "placement": {"location": "machinery_room", "units_on": "plant_room", "charge_kg": 3.0}}
    air, ground = read_config(data).study.variants
    assert air.source == "air" and air.plant.heat_pumps.performance.source.kind == "air"
    assert ground.source == "ground" and ground.plant.heat_pumps.performance.source.kind == "brine"
    assert ground.plant.heat_pumps.performance.refrigerant == air.plant.heat_pumps.performance.refrigerant
    assert ground.source_options.total_length_m == 1200.0 and ground.source_options.spacing_m == 8.0
    assert ground.placed.location == "machinery_room" and ground.placed.charge_kg == 3.0


def test_the_example_with_every_source_loads():
    study = load_study(ROOT / "examples" / "antwerp_1960s_sources.toml")
    sources = {v.name: v.source for v in study.variants}
    assert sources == {"air": "air", "ground": "ground", "canal": "water", "exhaust air": "exhaust_air",
                       "air hybrid": "air"}
    assert study.variants[1].plant.heat_pumps.performance.source.kind == "brine"
    assert study.variants[4].plant.backup.kind == "gas_boiler"


def test_source_errors_name_the_key():
    wrong_table = _config(**{"variants[0].source": "ground", "variants[0].water": {"body": "canal"}})
    assert "variants[0].water" in _error(wrong_table) and "'ground'" in _error(wrong_table)
    assert "variants[0].source" in _error(_config(**{"variants[0].source": "lava"}))
    clash = _config(**{"variants[0].source": "ground", "variants[0].plant.heat_pumps.source": "air"})
    assert "source" in _error(clash) and "'brine'" in _error(clash)
    zone = _config(**{"variants[0].placement": {"zone": "moon"}})
    assert "variants[0].placement.zone" in _error(zone)


def test_a_hot_water_booster_on_the_loop_reads_from_toml():
    data = _config(**{"variants[0].plant.hot_water": {
        "mode": "separate_heat_pump", "heat_pump": {"refrigerant": "R290", "rated_kw": 15.0, "loop_degc": 45.0}}})
    plant = read_config(data).study.variants[0].plant
    booster = plant.hot_water.heat_pump
    assert booster.performance.method == "booster pair" and booster.performance.source.kind == "air"
    assert booster.performance.rated_capacity_kw == pytest.approx(15.0)
    main_cop = float(plant.heat_pumps.performance.cop_at(7.0, 45.0))
    assert 1.0 < float(booster.performance.cop_at(7.0, 65.0)) < main_cop
    wrong = _config(**{"variants[0].plant.heat_pumps.loop_degc": 45.0})
    assert "variants[0].plant.heat_pumps.loop_degc" in _error(wrong)
