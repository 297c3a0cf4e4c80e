"""The renovation path's works priced from the cost table, and page one stating them to the co-owners."""

from __future__ import annotations

import pytest

from mgwsim.building import ImproveAirtightness, Insulate, RenovationPath, RenovationStep, ReplaceWindows
from mgwsim.examples import antwerp_block
from mgwsim.finance import load_cost_table
from mgwsim.study.costs import renovation_step_costs


def test_each_step_costs_its_area_times_the_table_price():
    building, costs = antwerp_block(), load_cost_table()
    path = RenovationPath((RenovationStep(3, (Insulate("roof", thickness_m=0.16),), "roof"),
                           RenovationStep(8, (ReplaceWindows(), ImproveAirtightness(3.0)), "windows")))
    (roof, roof_eur, roof_unpriced), (windows, windows_eur, windows_unpriced) = renovation_step_costs(
        path, building, costs)
    row = costs.table.loc["roof_insulation"]
    assert row["scale_exponent"] == 1.0  # a price per m² at every size: the hand computation below holds
    assert roof_eur == pytest.approx(building.area_m2("roof") * row["eur_per_unit_at_ref"], rel=1e-12)
    glazing = costs.table.loc["glazing"]["eur_per_unit_at_ref"]
    assert windows_eur == pytest.approx(building.window_area_m2 * glazing, rel=1e-12)
    assert roof_unpriced == [] and windows_unpriced == ["ImproveAirtightness"]


def test_page_one_states_what_the_insulation_works_cost_and_that_the_grant_cap_applies():
    from mgwsim._format import format_eur
    from mgwsim.demo import example_study
    from mgwsim.report.summary import plain_vote

    from mgwsim.study.costs import advanced_step_investments

    result = example_study().run()
    inputs = result.inputs
    total = sum(cost for _, cost, _ in renovation_step_costs(inputs.renovation_path, inputs.building,
                                                             inputs.cost_table))
    # the recommended 'roof first' insulates the roof now (among its investments): the vote states the path's
    # works left to pay later, the windows
    done_now = result.result(result.decision.recommended).variant.envelope_now
    early = advanced_step_investments(done_now, inputs.renovation_path, inputs.building, inputs.cost_table)
    assert done_now and len(early) == 1 and 0.0 < early[0].capex_eur < total
    total -= early[0].capex_eur
    for language, words in (("en", "excl. VAT"), ("nl", "excl. btw")):
        line = next(item for item in plain_vote(result, language) if words in item)
        assert format_eur(total, language) in line
        assert format_eur(total / inputs.building.n_apartments, language) in line
    recommended = result.decision.recommended
    grant = float(result.table.loc[recommended, "works_grants_eur"])
    call = next(rule for rule in inputs.subsidies if getattr(rule, "kind", None) == "works" and rule.conditions)
    assert grant == call.cap_eur < call.share_frac * float(result.table.loc[recommended, "investment_eur"])
    line = next(item for item in plain_vote(result, "en") if "the cap applies" in item)
    assert format_eur(call.cap_eur, "en") in line and "80 % of the investment" in line


def test_the_calls_rules_are_cited_among_the_sources():
    from mgwsim.demo import example_study
    from mgwsim.finance._subsidies import KLIMAATFONDS_SOURCE
    from mgwsim.report.sources import source_list

    result = example_study().run()
    for language, topic in (("en", "the Antwerp Klimaatfonds"), ("nl", "het Antwerpse Klimaatfonds")):
        assert (topic, KLIMAATFONDS_SOURCE) in source_list(result, language)
