"""The study's decision on constructed cases whose outcome is computed by hand."""

import math

import numpy as np
import pandas as pd
import pytest

from mgwsim.errors import InputError
from mgwsim.study.decision import CRITERIA, DECISION_COLUMNS, DecisionRules, decide

HOURS, HEATING_HOURS = 8760.0, 5000.0


def variant(npv_before_grants, co2_avoided_t, *, grants=24_000.0, cold_hours=0.0, dhw_short_hours=0.0,
            connection_feasible=True, lock_in_failures=(), eligible=True, failed_conditions=(), chimney_free=False,
            hygiene_ok=True, up_front=None):
    """One row of the decision table; the gap and gap per tonne follow their definitions."""
    gap = max(0.0, -npv_before_grants)
    return {"cold_hours": cold_hours, "heating_hours": HEATING_HOURS, "dhw_short_hours": dhw_short_hours,
            "hours": HOURS, "hygiene_ok": hygiene_ok, "connection_feasible": connection_feasible, "lock_in_failures": tuple(lock_in_failures),
            "eligible": eligible, "failed_conditions": tuple(failed_conditions), "chimney_free": chimney_free,
            "path": True, "epc_path_kwh_m2": 90.0 if chimney_free else 117.0, "construction_year": 1965,
            "npv_eur": npv_before_grants + grants, "npv_before_grants_eur": npv_before_grants,
            "gap_before_grants_eur": gap, "co2_avoided_t": co2_avoided_t,
            "gap_per_t_co2_eur": gap / co2_avoided_t if co2_avoided_t > 0 else np.nan,
            "up_front_per_apartment_eur": 9_000.0 if up_front is None else up_front}


def table(**rows) -> pd.DataFrame:
    return pd.DataFrame.from_dict(rows, orient="index")


def test_ranking_by_gap_per_tonne_computed_by_hand():
    # gaps per tonne: hybrid 60,000 / 600 = 100; electric 200,000 / 800 = 250; pv 0 / 100 = 0 (profitable)
    frame = table(hybrid=variant(-60_000, 600), electric=variant(-200_000, 800, chimney_free=True),
                  pv=variant(5_000, 100))
    decision = decide(frame)
    assert decision.qualified == ["pv", "hybrid", "electric"]
    assert decision.recommended == "pv"
    assert decision.table.loc["hybrid", "criterion_value"] == pytest.approx(100.0)
    assert decision.table.loc["electric", "criterion_value"] == pytest.approx(250.0)


@pytest.mark.parametrize(("criterion", "expected"), [("npv", "pv"), ("gap", "pv"), ("co2", "electric"),
                                                      ("gap_per_t_co2", "pv")])
def test_each_criterion_picks_its_best(criterion, expected):
    frame = table(hybrid=variant(-60_000, 600), electric=variant(-200_000, 800, chimney_free=True),
                  pv=variant(5_000, 100))
    assert decide(frame, DecisionRules(criterion=criterion)).recommended == expected


def test_undersized_plant_without_backup_is_never_recommended():
    # the best money on paper (heat left unmet), far beyond 3 % of the heating hours (150 h)
    frame = table(undersized=variant(400_000, 900, cold_hours=5_383.0), hybrid=variant(-60_000, 600))
    decision = decide(frame)
    assert decision.recommended == "hybrid"
    assert not decision.table.loc["undersized", "qualifies"]
    assert [s.key for s in decision.table.loc["undersized", "shortfalls"]] == ["comfort"]
    # within the tolerance (150 h of 5,000 heating hours) a shortfall is accepted
    assert decide(table(small=variant(-10_000, 500, cold_hours=150.0))).recommended == "small"
    assert decide(table(small=variant(-10_000, 500, cold_hours=150.5))).recommended is None


def test_hot_water_connection_and_lock_in_disqualify():
    frame = table(ok=variant(-90_000, 500),
                  cold_tap=variant(-10_000, 600, dhw_short_hours=0.03 * HOURS + 1),
                  too_big=variant(-20_000, 700, connection_feasible=False),
                  r32=variant(-5_000, 550, lock_in_failures=("refrigerant_lock_in",)))
    decision = decide(frame)
    assert decision.qualified == ["ok"]
    keys = {name: [s.key for s in decision.table.loc[name, "shortfalls"]] for name in frame.index}
    assert keys == {"ok": [], "cold_tap": ["hot_water"], "too_big": ["connection"], "r32": ["refrigerant_lock_in"]}


def test_eligibility_is_required_unless_the_rules_say_otherwise():
    failed = (("epc_100_or_chimney_free", "failed: ...", "niet voldaan: ..."),)
    frame = table(cheap=variant(-1_000, 100, eligible=False, failed_conditions=failed), dear=variant(-90_000, 300))
    assert decide(frame).recommended == "dear"
    reasons = decide(frame).table.loc["cheap", "shortfalls"]
    assert reasons[0].key == "eligibility:epc_100_or_chimney_free"
    assert reasons[0].en == ("it is not eligible for the call: the call asks for a path to an EPC indicator of at most "
                             "100 kWh/m² or a chimney-free building; after the renovation path the indicator is "
                             "117 kWh/m² and a gas boiler stays")
    assert "envelope steps" in reasons[0].remedy_en
    assert decide(frame, DecisionRules(require_eligibility=False)).recommended == "cheap"
    # no call applied (eligibility unknown): nothing to require
    frame["eligible"] = None
    assert decide(frame).recommended == "cheap"


def test_no_qualified_variant_says_so_and_what_would_help():
    frame = table(hybrid=variant(-60_000, 600, lock_in_failures=("temperature_lock_in",)),
                  small=variant(-30_000, 400, cold_hours=2_000.0))
    decision = decide(frame)
    assert decision.recommended is None
    assert decision.qualified == []
    reason = decision.reason("en")
    assert reason.startswith("No variant qualifies")
    assert "envelope steps" in reason and "larger heat-pump plant" in reason
    assert decision.reason("nl").startswith("Geen enkele variant voldoet")
    # one shortfall each: the closest is the better one by the criterion (30,000/400 = 75 < 60,000/600 = 100)
    assert decision.closest == "small"


def test_a_variant_that_avoids_no_co2_ranks_last_by_gap_per_tonne():
    frame = table(none=variant(10_000, 0.0), some=variant(-50_000, 100))
    decision = decide(frame)
    assert decision.qualified == ["some", "none"]
    assert math.isnan(decision.table.loc["none", "criterion_value"])


def test_marginal_cost_per_tonne_of_going_chimney_free():
    frame = table(hybrid=variant(-60_000, 600), electric=variant(-200_000, 800, chimney_free=True))
    step = decide(frame).chimney_free_step
    assert step.name == "electric" and step.qualifies
    assert step.extra_cost_eur == pytest.approx(140_000.0)
    assert step.extra_co2_avoided_t == pytest.approx(200.0)
    assert step.marginal_eur_per_t == pytest.approx(700.0)
    # a chimney-free first choice needs no step
    assert decide(table(electric=variant(-1_000, 800, chimney_free=True))).chimney_free_step is None


def test_reasons_state_the_criterion_and_its_value():
    frame = table(hybrid=variant(-60_000, 600), electric=variant(-200_000, 800, chimney_free=True))
    decision = decide(frame)
    assert decision.reason("en") == (
        "Of the 2 variants that are eligible for the call's grants, heat the building within the comfort tolerance, "
        "keep the hot water at temperature, fit a feasible grid connection and leave no lock-in after the renovation "
        "path, 'hybrid' has the lowest unprofitable gap before grants per tonne of CO2 avoided (EUR 100/t).")
    assert "(€ 100/t)" in decision.reason("nl")
    single = decide(table(hybrid=variant(-60_000, 600)))
    assert single.reason("en") == (
        "'hybrid' is the only variant that is eligible for the call's grants, heats the building within the comfort "
        "tolerance, keeps the hot water at temperature, fits a feasible grid connection and leaves no lock-in after "
        "the renovation path.")
    assert single.reason("nl").startswith("'hybrid' is de enige variant die in aanmerking komt voor de subsidie")


def test_bad_input_is_refused():
    with pytest.raises(InputError, match="criterion"):
        DecisionRules(criterion="colour")
    with pytest.raises(InputError, match="max_unmet_share"):
        DecisionRules(max_unmet_share=1.5)
    with pytest.raises(InputError, match="missing the column"):
        decide(pd.DataFrame({"npv_eur": [1.0]}, index=["a"]))
    assert set(CRITERIA) == {"gap_per_t_co2", "npv", "gap", "co2"}
    assert "eligible" in DECISION_COLUMNS


def test_a_condition_that_could_not_be_checked_asks_for_the_fact():
    failed = (("built_before_2014", "not checked: construction_year not given (the building dates from before 2014)",
               "niet gecontroleerd: construction_year niet opgegeven"),)
    decision = decide(table(only=variant(-10_000, 100, eligible=False, failed_conditions=failed)))
    (shortfall,) = decision.table.loc["only", "shortfalls"]
    assert "construction year" in shortfall.remedy_en and "bouwjaar" in shortfall.remedy_nl
    assert decision.remedies("en") == [shortfall.remedy_en]


def test_without_a_renovation_path_the_verdicts_are_todays():
    failed = (("epc_100_or_chimney_free", "not met: ...", "niet voldaan: ..."),)
    row = variant(-1_000, 100, eligible=False, failed_conditions=failed, lock_in_failures=("fossil_lock_in",))
    frame = table(hybrid={**row, "path": False})
    texts = [s.en for s in decide(frame).table.loc["hybrid", "shortfalls"]]
    assert texts[0] == "the gas boiler still supplies too much heat today (fossil lock-in)"
    assert "with today's building and no renovation path the indicator is 117 kWh/m²" in texts[1]
    assert "after the renovation path" not in decide(table(ok=variant(-1_000, 100, chimney_free=True) | {
        "path": False})).reason("en")


def test_a_near_tie_goes_to_the_lower_up_front_payment_per_apartment():
    # gap per tonne: dynamic 280,400 / 1,000 = 280.4; boiler 281,200 / 1,000 = 281.2 (0.3 % apart, inside 5 %);
    # far: 300,000 / 1,000 = 300 (7.0 % above the best: outside the band)
    frame = table(dynamic=variant(-280_400, 1_000, up_front=11_275.0),
                  boiler=variant(-281_200, 1_000, up_front=9_714.0),
                  far=variant(-300_000, 1_000, up_front=5_000.0))
    decision = decide(frame)
    assert decision.recommended == "boiler"
    assert decision.qualified == ["boiler", "dynamic", "far"]
    assert decision.tied == ["boiler", "dynamic"]
    reason = decision.reason("en")
    assert "'dynamic' (EUR 280/t)" in reason and "'boiler' (EUR 281/t)" in reason
    assert "within 5 %" in reason and "EUR 1,561 less up front" in reason
    assert "AACE" in reason
    nl = decision.reason("nl")
    assert "gelijkspel" in nl and "1.561" in nl


def test_a_tie_with_equal_up_front_payments_goes_to_the_better_npv():
    frame = table(a=variant(-100_000, 500, up_front=8_000.2, grants=24_000.0),
                  b=variant(-102_000, 500, up_front=8_000.4, grants=30_000.0))
    decision = decide(frame)
    # 200 vs 204 EUR/t (2 % apart); the same payment up front to the euro; b's NPV -72,000 beats a's -76,000
    assert decision.recommended == "b"
    assert "net present value" in decision.reason("en")


def test_outside_the_band_the_criterion_decides_and_no_tie_is_stated():
    frame = table(a=variant(-100_000, 1_000, up_front=12_000.0), b=variant(-106_000, 1_000, up_front=6_000.0))
    decision = decide(frame)  # 100 vs 106 EUR/t: 6 % apart
    assert decision.recommended == "a"
    assert decision.tied == []
    assert "tie" not in decision.reason("en")
    # a tolerance of 10 % makes it a tie, won by b's lower payment up front
    wide = decide(frame, DecisionRules(tie_tolerance_frac=0.10))
    assert wide.recommended == "b" and wide.tied == ["b", "a"]
    # 0 breaks only exact ties
    assert decide(frame, DecisionRules(tie_tolerance_frac=0.0)).recommended == "a"


def test_the_band_is_measured_from_the_best_not_chained():
    # 100, 104, 108 EUR/t: 104 is within 5 % of 100, 108 is not (though within 5 % of 104)
    frame = table(a=variant(-100_000, 1_000, up_front=9_000.0), b=variant(-104_000, 1_000, up_front=8_000.0),
                  c=variant(-108_000, 1_000, up_front=1_000.0))
    decision = decide(frame)
    assert decision.tied == ["b", "a"]
    assert decision.recommended == "b"


def test_ties_work_without_the_up_front_column():
    frame = table(a=variant(-100_000, 1_000, grants=20_000.0), b=variant(-101_000, 1_000, grants=30_000.0))
    decision = decide(frame.drop(columns="up_front_per_apartment_eur"))
    assert decision.recommended == "b"  # NPV -71,000 beats -80,000


def test_tie_tolerance_is_checked():
    with pytest.raises(InputError, match="tie_tolerance_frac"):
        DecisionRules(tie_tolerance_frac=0.9)


def test_a_three_way_tie_names_the_one_set_aside_for_its_payment_up_front():
    frame = table(a=variant(-100_000, 1_000, up_front=9_000.0), b=variant(-101_000, 1_000, up_front=9_000.0,
                                                                          grants=30_000.0),
                  c=variant(-102_000, 1_000, up_front=11_000.0))
    decision = decide(frame)
    assert decision.recommended == "b" and decision.tied == ["b", "a", "c"]
    assert "dearer up front per apartment: 'c' (EUR 11,000)" in decision.reason("en")
    assert "vooraf duurder per appartement: 'c' (€ 11.000)" in decision.reason("nl")
