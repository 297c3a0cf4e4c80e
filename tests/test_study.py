"""The feasibility study: every variant evaluated, business cases consistent, ranking and per-apartment view."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from mgwsim.assess import future_proof_score
from mgwsim.errors import InputError
from mgwsim.examples import antwerp_block
from mgwsim.finance import business_case, load_cost_table, npv
from mgwsim.heatpump import Source, carnot_map
from mgwsim.pv import flat_roof_east_west
from mgwsim.storage import Tank
from mgwsim.study import Study, StudyInputs, Variant
from mgwsim.study.costs import variant_investments
from mgwsim.system import Backup, HeatPumpCascade, HotWater, Plant, gas_boiler_reference


def _cascade(kw: float) -> HeatPumpCascade:
    pmap = carnot_map(np.linspace(-25, 35, 25), np.linspace(36, 80, 23), rated_capacity_kw=kw, source=Source("air"),
                      max_sink_degc=75.0)
    return HeatPumpCascade(replace(pmap, refrigerant="R290"), 2)


@pytest.fixture(scope="module")
def result(weather):
    hot_water = HotWater(Tank(1500.0, 55.0, 75.0), booster_kw=18.0)
    hybrid = Plant(_cascade(60.0), hot_water, Tank(2000.0), Backup("gas_boiler", 150.0, 0.8))
    electric = Plant(_cascade(60.0), hot_water, Tank(2000.0), Backup("electric", 100.0, 1.0))
    reference = Variant("reference", gas_boiler_reference(160.0), keeps_existing_boiler=False)
    variants = [Variant("hybrid", hybrid), Variant("hybrid + PV", hybrid, pv=tuple(flat_roof_east_west(300.0, kwp=30.0))),
                Variant("all-electric", electric)]
    return Study(StudyInputs(antwerp_block(), weather), reference, variants).run()


def test_one_row_per_variant_reference_first(result):
    assert list(result.table.index) == ["reference", "hybrid", "hybrid + PV", "all-electric"]
    assert result.table.loc["reference", "co2_reduction"] == 0.0


def test_npv_equals_the_discounted_incremental_cash_flow(result):
    case = result.case("hybrid")
    rate = result.inputs.finance.discount_rate_frac
    assert result.table.loc["hybrid", "npv_eur"] == pytest.approx(npv(rate, case.incremental), abs=0.01)
    option = replace(result.result("hybrid").option, study_cost_incl_vat_eur=result.inputs.study_cost_incl_vat_eur)
    again = business_case(option, result.reference.option, result.inputs.finance, subsidy_rules=result.inputs.subsidies)
    assert again.npv_eur == pytest.approx(case.npv_eur, abs=0.01)


def test_the_study_grant_pays_the_feasibility_study(result):
    paid = result.case("hybrid").subsidies.to_frame()
    assert paid.loc["klimaatfonds_phase1_study", "amount_eur"] == pytest.approx(6000.0)


def test_pv_lowers_energy_cost_and_raises_investment(result):
    table = result.table
    assert table.loc["hybrid + PV", "annual_energy_cost_eur"] < table.loc["hybrid", "annual_energy_cost_eur"]
    assert table.loc["hybrid + PV", "investment_eur"] > table.loc["hybrid", "investment_eur"]
    assert table.loc["hybrid + PV", "epc_kwh_m2"] < table.loc["hybrid", "epc_kwh_m2"]


def test_only_the_variant_without_boiler_is_chimney_free(result):
    checks = result.table["check_chimney_free"]
    assert checks["all-electric"] == "pass"
    assert (checks.drop("all-electric") == "fail").all()


def test_rankings_order_their_criterion(result):
    by_npv = result.ranking("npv")
    assert by_npv["npv_eur"].is_monotonic_decreasing and list(by_npv["rank"]) == [1, 2, 3]
    assert result.ranking("subsidy_gap")["subsidy_gap_eur"].is_monotonic_increasing
    weighted = result.ranking("weighted")
    assert weighted["weighted_score"].is_monotonic_decreasing
    assert result.recommended in result.table.index
    with pytest.raises(InputError, match="by"):
        result.ranking("colour")


def test_per_apartment_split_sums_to_the_building(result):
    split = result.per_apartment("hybrid")
    assert len(split) == antwerp_block().n_apartments
    case = result.case("hybrid")
    assert split["npv_eur"].sum() == pytest.approx(case.npv_eur, abs=0.01)


def test_notebook_display_names_the_recommendation(result):
    html = result._repr_html_()
    assert result.recommended in html and "<table" in html


def test_study_input_errors(weather):
    reference = Variant("reference", gas_boiler_reference(160.0))
    with pytest.raises(InputError, match="variants is empty"):
        Study(StudyInputs(antwerp_block(), weather), reference, [])
    with pytest.raises(InputError, match="repeated: reference"):
        Study(StudyInputs(antwerp_block(), weather), reference, [reference])
    with pytest.raises(InputError, match="connection"):
        Variant("x", gas_boiler_reference(100.0), connection="hv")


def test_renovation_path_is_judged_per_variant_and_step(weather, tmp_path):
    from mgwsim.building import Insulate, RenovationPath, RenovationStep

    path = RenovationPath((RenovationStep(3, (Insulate("roof", target_u_w_m2k=0.2),), "roof"),))
    hybrid = Plant(_cascade(60.0), HotWater(Tank(1500.0, 55.0, 75.0), booster_kw=18.0), Tank(2000.0),
                   Backup("gas_boiler", 150.0, 0.8))
    study = Study(StudyInputs(antwerp_block(), weather, renovation_path=path),
                  Variant("reference", gas_boiler_reference(160.0), keeps_existing_boiler=False),
                  [Variant("hybrid", hybrid)])
    result = study.run()
    table = result.path_table()
    assert len(table) == 2 * 2  # (reference, hybrid) x (as is, roof)
    hybrid_rows = table[table["variant"] == "hybrid"].set_index("label")
    assert hybrid_rows.loc["roof", "space_heating_kwh"] < hybrid_rows.loc["as is", "space_heating_kwh"]
    assert (table.loc[table["variant"] == "reference", "co2_reduction"] == 0.0).all()
    assert result.future_proof_score("hybrid") <= future_proof_score(result.result("hybrid").checks)
    html = result.report(tmp_path).html.read_text(encoding="utf-8")
    assert 'id="renovation-path-table"' in html and 'id="renovation-path-reasons"' in html


def test_an_all_electric_plant_closes_the_gas_connection(result):
    assert "gas" not in result.result("all-electric").bill.carrier_totals()
    assert result.result("hybrid").bill.carrier_totals()["gas"] > 0.0


def test_a_kept_gas_connection_bills_its_fixed_terms_only(result):
    """Without gas, a kept connection costs the supplier's, distribution and metering fixed terms plus VAT."""
    closed = result.result("all-electric").variant
    kept = replace(closed, name="all-electric, gas kept", gas_connection=True)
    again = Study(result.inputs, result.reference.variant, [kept]).run().result(kept.name)
    gas = result.inputs.gas
    fixed = (gas["supplier_fixed_eur_per_year"] + gas["distribution_fixed_eur_per_year"]
             + gas["data_management_eur_per_year"]) * (1.0 + gas["vat_frac"])
    totals = again.bill.carrier_totals()
    assert totals["gas"] == pytest.approx(fixed, rel=1e-12)
    assert totals["electricity"] == result.result("all-electric").bill.carrier_totals()["electricity"]


def test_a_gas_backup_needs_the_gas_connection():
    hybrid = Plant(_cascade(60.0), backup=Backup("gas_boiler", 150.0, 0.9))
    with pytest.raises(InputError, match="gas_connection = False.*gas boiler"):
        Variant("hybrid", hybrid, gas_connection=False)
    assert Variant("hybrid", hybrid).keeps_gas_connection
    assert not Variant("electric", replace(hybrid, backup=Backup("electric", 100.0, 1.0))).keeps_gas_connection


def test_an_electric_backup_is_bought_and_fed():
    """The all-electric plant buys its backup heater; the electrical works carry its input beside the heat pumps'."""
    costs = load_cost_table()
    hot_water = HotWater(Tank(1500.0, 55.0, 75.0), booster_kw=18.0)
    electric = Plant(_cascade(60.0), hot_water, backup=Backup("electric", 100.0))
    hybrid = replace(electric, backup=Backup("gas_boiler", 150.0, 0.9))
    by_name = {item.name: item for item in variant_investments(Variant("electric", electric), costs)}
    assert by_name["electric backup heater 100 kW"].capex_eur == pytest.approx(costs.cost_eur("electric_heater", 100.0))
    assert "electrical works (158 kW)" in by_name  # 120 kW / 3 + 18 kW booster + 100 kW backup
    names = {item.name for item in variant_investments(Variant("hybrid", hybrid), costs)}
    assert "electrical works (58 kW)" in names and not any("electric backup" in name for name in names)
