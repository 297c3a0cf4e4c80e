"""Refrigerant table: every refrigerant a firm meets has its GWP (AR4, AR6), safety class and a cycle model."""

from __future__ import annotations

import numpy as np
import pytest

from mgwsim.assess.fgas import load_refrigerants
from mgwsim.heatpump import REFRIGERANTS, TYPICAL_MAX_SUPPLY_DEGC

FIRM_REFRIGERANTS = ("R290", "R32", "R454C", "R454B", "R452B", "R1234ze(E)", "R134a", "R410A", "R407C", "R744")


@pytest.mark.parametrize("refrigerant", FIRM_REFRIGERANTS)
def test_every_firm_refrigerant_has_data_a_cycle_and_a_preset(refrigerant):
    row = load_refrigerants().loc[refrigerant]
    assert row["gwp_ar4"] >= 0 and row["gwp_ar6"] >= 0
    assert row["safety_class"] in {"A1", "A2L", "A2", "A3", "B2L"}
    assert refrigerant in REFRIGERANTS and refrigerant in TYPICAL_MAX_SUPPLY_DEGC


@pytest.mark.parametrize(("refrigerant", "gwp_ar4", "safety_class"), [
    ("R407C", 1774, "A1"), ("R454B", 466, "A2L"), ("R452B", 698, "A2L"), ("R448A", 1387, "A1"),
    ("R134a", 1430, "A1"), ("R410A", 2088, "A1"), ("R454C", 148, "A2L"), ("R744", 1, "A1"), ("R290", 3, "A3"),
])
def test_published_gwp_and_safety_class(refrigerant, gwp_ar4, safety_class):
    """AR4 100-year GWPs as quoted under Regulation (EU) 517/2014 and by the manufacturers; ISO 817 classes."""
    row = load_refrigerants().loc[refrigerant]
    assert (row["gwp_ar4"], row["safety_class"]) == (gwp_ar4, safety_class)


MINIMAL_STUDY = {
    "building": {"typology": "AB.02", "floor_area_m2": 900.0, "n_apartments": 12, "n_storeys": 4},
    "reference": {"gas_boiler_kw": 90.0},
    "variants": [{"name": "hp", "plant": {
        "heat_pumps": {"rated_kw": 40.0, "n_units": 2}, "buffer": {"volume_l": 1000.0},
        "backup": {"kind": "gas_boiler", "capacity_kw": 90.0, "efficiency": 0.8}}}],
}


@pytest.fixture(scope="module")
def study_results():
    import copy

    from mgwsim.config import read_config

    def run(refrigerant):
        data = copy.deepcopy(MINIMAL_STUDY)
        data["variants"][0]["plant"]["heat_pumps"]["refrigerant"] = refrigerant
        return read_config(data).study.run().table.loc["hp"]
    return run


@pytest.mark.parametrize("refrigerant", FIRM_REFRIGERANTS)
def test_a_toml_study_runs_with_every_refrigerant_and_default_arguments(study_results, refrigerant):
    """The study configuration (as TOML) with only the refrigerant and the size of the units."""
    row = study_results(refrigerant)
    assert 1.0 < row["spf_h2"] < 6.0
    assert 0.0 <= row["backup_share"] < 1.0 and row["unmet_hours"] == 0.0


def _config_with_heat_pumps(heat_pumps: dict):
    import copy

    from mgwsim.config import read_config

    data = copy.deepcopy(MINIMAL_STUDY)
    data["variants"][0]["plant"]["heat_pumps"] |= heat_pumps
    return read_config(data)


def test_an_r744_hot_water_return_temperature_is_reachable_from_toml():
    """``[variants.plant.heat_pumps] return_degc = 10.0`` builds the R744 map heated from the cold water."""
    from mgwsim.heatpump import air_to_water

    config = _config_with_heat_pumps({"refrigerant": "R744", "return_degc": 10.0})
    performance = config.study.variants[0].plant.heat_pumps.performance
    expected = air_to_water("R744", 40.0, return_degc=10.0)
    assert "return 10 °C" in performance.model
    assert np.array_equal(performance.cop, expected.cop)


@pytest.mark.parametrize("refrigerant", ["R290", "R32", "R454C"])
def test_return_degc_is_refused_in_toml_for_subcritical_refrigerants(refrigerant):
    from mgwsim.errors import InputError

    with pytest.raises(InputError, match=r"heat_pumps\.return_degc = 10 degC applies to refrigerant = \"R744\" only"):
        _config_with_heat_pumps({"refrigerant": refrigerant, "return_degc": 10.0})


def test_return_degc_out_of_range_in_toml_names_the_field():
    from mgwsim.errors import InputError

    with pytest.raises(InputError, match="return_degc"):
        _config_with_heat_pumps({"refrigerant": "R744", "return_degc": -5.0})


def test_tables_read_once_stay_the_shipped_tables_whatever_a_caller_does_with_its_copy():
    """The refrigerant and Annex IV tables are read once per process; each caller gets its own copy, so a
    changed copy never reaches the next check."""
    import pandas as pd

    from mgwsim._data import data_path
    from mgwsim.assess.fgas import load_fgas_rules, refrigerant_check, refrigerant_properties

    before = refrigerant_check("R32", "monobloc", 40.0, install_year=2026, horizon_year=2046)
    mine, rules = load_refrigerants(), load_fgas_rules()
    mine.loc["R32", "gwp_ar4"] = 1.0
    rules.loc[:, "from_year"] = 2100
    row = refrigerant_properties("R32")
    row["gwp_ar4"] = 2.0
    fresh = pd.read_csv(data_path("refrigerants", "refrigerants.csv"),
                        dtype={"natural": bool, "fluorinated": bool}).set_index("refrigerant")
    pd.testing.assert_frame_equal(load_refrigerants(), fresh)
    assert refrigerant_properties("R32")["gwp_ar4"] == fresh.loc["R32", "gwp_ar4"] != 2.0
    assert refrigerant_check("R32", "monobloc", 40.0, install_year=2026, horizon_year=2046) == before
