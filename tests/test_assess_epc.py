"""Primary-energy indicator (mgwsim.assess.epc) against hand calculations and invariants."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mgwsim.assess import EPC_FACTORS_EU_DEFAULT, epc_label, epc_target_check, primary_energy_indicator
from mgwsim.errors import InputError

# A 12-apartment block, 1,000 m² heated, heat pump with gas backup and PV.
EXAMPLE = {
    "heating": {"electricity": 20_000.0, "natural_gas": 15_000.0},
    "hot_water": {"electricity": 8_000.0},
    "auxiliary": {"electricity": 1_500.0},
}


def test_hand_worked_example():
    result = primary_energy_indicator(EXAMPLE, heated_floor_area_m2=1_000.0, pv_generation_kwh=10_000.0)
    # heating:   2.5 x 20,000 + 1.0 x 15,000 = 65,000 kWh
    # hot water: 2.5 x 8,000                 = 20,000 kWh
    # auxiliary: 2.5 x 1,500                 =  3,750 kWh
    # PV credit: 2.5 x 10,000                = 25,000 kWh
    # total:     65,000 + 20,000 + 3,750 - 25,000 = 63,750 kWh -> 63.75 kWh/m2 (label A)
    assert result.primary_kwh_by_use["heating"] == 65_000.0
    assert result.primary_kwh_by_use["hot_water"] == 20_000.0
    assert result.primary_kwh_by_use["auxiliary"] == 3_750.0
    assert result.primary_kwh_by_use["cooling"] == 0.0
    assert result.primary_kwh_by_carrier["electricity"] == 73_750.0
    assert result.primary_kwh_by_carrier["natural_gas"] == 15_000.0
    assert result.pv_credit_kwh == 25_000.0
    assert result.total_primary_kwh == 63_750.0
    assert result.indicator_kwh_per_m2 == 63.75
    assert result.label == "A"
    assert result.to_series()["epc_indicator_kwh_per_m2"] == 63.75


def test_eu_default_factor_and_self_used_pv():
    result = primary_energy_indicator(
        EXAMPLE,
        heated_floor_area_m2=1_000.0,
        pv_generation_kwh=10_000.0,
        pv_self_used_kwh=4_000.0,
        pv_credit="self_used",
        factors=EPC_FACTORS_EU_DEFAULT,
    )
    # 1.9 x (20,000 + 8,000 + 1,500) + 15,000 - 1.9 x 4,000 = 56,050 + 15,000 - 7,600 = 63,450 kWh
    assert result.total_primary_kwh == pytest.approx(63_450.0, abs=1e-9)
    assert result.indicator_kwh_per_m2 == pytest.approx(63.45, abs=1e-12)


def test_dataframe_input_equals_mapping_input():
    frame = pd.DataFrame(EXAMPLE).T.fillna(0.0)
    a = primary_energy_indicator(frame, heated_floor_area_m2=800.0)
    b = primary_energy_indicator(EXAMPLE, heated_floor_area_m2=800.0)
    assert a.indicator_kwh_per_m2 == b.indicator_kwh_per_m2


def test_large_pv_gives_a_plus():
    result = primary_energy_indicator({"heating": {"electricity": 1_000.0}}, heated_floor_area_m2=100.0, pv_generation_kwh=2_000.0)
    # 2.5 x 1,000 - 2.5 x 2,000 = -2,500 kWh -> -25 kWh/m2: no cap, label A+
    assert result.indicator_kwh_per_m2 == -25.0 and result.label == "A+"


energy = st.floats(min_value=0.0, max_value=1e7, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(el=energy, gas=energy, aux=energy, pv=energy, extra_pv=st.floats(min_value=0.0, max_value=1e6))
def test_adding_pv_never_raises_the_indicator(el, gas, aux, pv, extra_pv):
    uses = {"heating": {"electricity": el, "natural_gas": gas}, "auxiliary": {"electricity": aux}}
    base = primary_energy_indicator(uses, heated_floor_area_m2=500.0, pv_generation_kwh=pv)
    more = primary_energy_indicator(uses, heated_floor_area_m2=500.0, pv_generation_kwh=pv + extra_pv)
    assert more.indicator_kwh_per_m2 <= base.indicator_kwh_per_m2


@settings(max_examples=60, deadline=None)
@given(el=energy, gas=energy, area=st.floats(min_value=1.0, max_value=1e5))
def test_indicator_is_sum_over_uses_divided_by_area(el, gas, area):
    result = primary_energy_indicator({"heating": {"electricity": el}, "hot_water": {"natural_gas": gas}}, heated_floor_area_m2=area)
    assert result.indicator_kwh_per_m2 == pytest.approx((2.5 * el + gas) / area, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(
    ("value", "label"),
    [(-0.001, "A+"), (0.0, "A"), (100.0, "A"), (100.001, "B"), (200.0, "B"), (200.5, "C"), (300.0, "C"),
     (300.1, "D"), (400.0, "D"), (400.1, "E"), (500.0, "E"), (500.1, "F"), (1_000.0, "F")],
)
def test_label_boundaries(value, label):
    assert epc_label(value) == label


def test_target_check_at_and_above_the_target():
    assert epc_target_check(100.0).status == "pass"
    above = epc_target_check(100.5)
    assert above.status == "fail" and above.threshold == 100.0 and "label B" in above.sentence
    assert epc_target_check(150.0, target_kwh_per_m2=200.0).passed


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"final_energy_kwh": {"heating": {"electricity": -1.0}}}, r"final_energy_kwh\['heating'\]\['electricity'\]"),
        ({"final_energy_kwh": {"heating": {"hydrogen": 1.0}}}, "carrier"),
        ({"final_energy_kwh": {"sauna": {"electricity": 1.0}}}, "use"),
        ({"final_energy_kwh": {"appliances": {"electricity": 1.0}}}, "not part of the residential EPC"),
        ({"heated_floor_area_m2": 0.0}, "heated_floor_area_m2"),
        ({"pv_generation_kwh": -5.0}, "pv_generation_kwh"),
        ({"pv_generation_kwh": 10.0, "pv_self_used_kwh": 20.0}, "pv_self_used_kwh"),
        ({"pv_generation_kwh": 10.0, "pv_credit": "self_used"}, "pv_self_used_kwh is required"),
        ({"pv_credit": "all"}, "pv_credit"),
        ({"factors": {"electricity": -2.5}}, "factors"),
    ],
)
def test_bad_inputs_raise_naming_the_field(kwargs, message):
    args = {"final_energy_kwh": {"heating": {"electricity": 1.0}}, "heated_floor_area_m2": 100.0} | kwargs
    final = args.pop("final_energy_kwh")
    with pytest.raises(InputError, match=message):
        primary_energy_indicator(final, **args)


def test_custom_factor_for_biomass_is_accepted():
    result = primary_energy_indicator({"heating": {"wood": 1_000.0}}, heated_floor_area_m2=10.0, factors={"wood": 1.0, "electricity": 2.5})
    assert result.indicator_kwh_per_m2 == 100.0
