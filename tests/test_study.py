"""The feasibility study: every variant evaluated, business cases consistent, ranking and per-apartment view."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from mgwsim.assess import future_proof_score
from mgwsim.building import building_from_typology
from mgwsim.errors import InputError
from mgwsim.examples import antwerp_block
from mgwsim.finance import business_case, load_cost_table, npv
from mgwsim.heatpump import Source, carnot_map
from mgwsim.pv import flat_roof_east_west
from mgwsim.storage import Tank
from mgwsim.study import DecisionRules, Study, StudyInputs, Variant
from mgwsim.study.costs import variant_investments
from mgwsim.study.study import project_facts
from mgwsim.system import Backup, HeatPumpCascade, HotWater, Plant, gas_boiler_reference
from mgwsim.tariffs import load_tariff


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
    facts = project_facts(result.inputs, result.result("hybrid"), None)
    again = business_case(option, result.reference.option, result.inputs.finance, subsidy_rules=result.inputs.subsidies,
                          facts=facts)
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


# ---------------------------------------------------------------- like for like, grid and gas closure
def _boilers(items):
    return [(item.first_year, round(item.capex_eur, 2)) for item in items if "gas boiler" in item.name
            and "removal" not in item.name]


def test_the_reference_and_a_hybrid_buy_their_boiler_when_the_existing_one_is_due():
    """Boiler life L = 20 years (gas_boiler_condensing row); age 12 -> both buy in year 8; a new boiler: year 0."""
    costs = load_cost_table()
    boiler = {kw: round(150.0 * 200.0 * (kw / 200.0) ** 0.8, 2) for kw in (150.0, 176.0)}
    assert boiler == {150.0: pytest.approx(23832.5, abs=0.1), 176.0: pytest.approx(27083.6, abs=0.1)}  # by hand
    reference = Variant("reference", gas_boiler_reference(160.0), keeps_existing_boiler=False)
    hybrid = Plant(_cascade(60.0), HotWater(Tank(1500.0, 55.0, 75.0)), Tank(2000.0), Backup("gas_boiler", 150.0, 0.9))
    keeps, new = Variant("hybrid", hybrid), Variant("hybrid, new boiler", hybrid, keeps_existing_boiler=False)
    for age, year in ((12.0, 8), (12.5, 8), (None, 0), (20.0, 0), (35.0, 0), (0.0, 20)):
        def items(variant, age=age):
            return variant_investments(variant, costs, design_heat_load_kw=176.0, existing_boiler_age_years=age)
        assert _boilers(items(reference)) == [(year, boiler[176.0])], age  # the larger of 160 kW and the design load
        assert _boilers(items(keeps)) == [(year, boiler[150.0])], age  # a boiler of the backup's capacity
        assert _boilers(items(new)) == [(0, boiler[150.0])], age
    items = variant_investments(keeps, costs, existing_boiler_age_years=12.0)
    (replacement,) = [i for i in items if "gas boiler" in i.name]
    assert replacement.name == "replacement of the existing gas boiler 150 kW (the existing one is due in year 8)"
    assert replacement.vat_class == "fossil_heating"
    with pytest.raises(InputError, match="existing_boiler_age_years = -1"):
        variant_investments(keeps, costs, existing_boiler_age_years=-1.0)


def test_the_connection_upgrade_is_bought_once_the_peak_exceeds_the_connection():
    """100 kVA at cos phi 0.95 carries 95 kW; 95.1 kW needs 100.1 kVA, so 101 kVA are ordered: the '> 100 kVA' studies,
    5,000 EUR + 19 EUR/kVA."""
    costs = load_cost_table()
    electric = Variant("electric", Plant(_cascade(60.0), HotWater(Tank(1500.0, 55.0, 75.0)), Tank(2000.0),
                                         Backup("electric", 100.0)))

    def grid(peak_kw, variant=electric, kva=100.0):
        items = variant_investments(variant, costs, peak_import_kw=peak_kw, existing_connection_kva=kva,
                                    mv_tariff=load_tariff("mv_fluvius_antwerpen", 2026), access_power_kva=peak_kw)
        return {i.name: i.capex_eur for i in items if i.name.startswith("grid connection")}

    assert grid(95.0) == {}
    assert grid(95.1) == {"grid connection upgrade: DSO studies (101 kVA)": pytest.approx(310.99 + 622.00),
                          "grid connection upgrade 100 -> 101 kVA": pytest.approx(5000.0 + 19.0 * 1.0)}
    assert list(grid(300.0)) == ["grid connection: 316 kVA needed, above the 250 kVA a low-voltage connection gives: "
                                 "this variant needs a medium-voltage connection with its own cabin (not priced on low "
                                 "voltage; study it with connection='mv')"]
    assert grid(300.0, replace(electric, connection="mv")) == {}  # the MV variant buys its cabin instead
    assert grid(300.0, kva=None) == {}  # no existing connection given: not assessed


def test_power_factor_of_the_upgrade_is_the_connection_checks():
    from inspect import signature

    from mgwsim.assess import connection_capacity
    from mgwsim.study.costs import CONNECTION_POWER_FACTOR
    from mgwsim.study.search import POWER_FACTOR

    assert CONNECTION_POWER_FACTOR == signature(connection_capacity).parameters["power_factor"].default == POWER_FACTOR


def test_only_a_variant_that_closes_the_gas_connection_pays_its_closure():
    costs = load_cost_table()
    hot_water = HotWater(Tank(1500.0, 55.0, 75.0))
    electric = Plant(_cascade(60.0), hot_water, Tank(2000.0), Backup("electric", 100.0))
    variants = {"reference": Variant("reference", gas_boiler_reference(160.0), keeps_existing_boiler=False),
                "hybrid": Variant("hybrid", replace(electric, backup=Backup("gas_boiler", 150.0, 0.9))),
                "electric": Variant("electric", electric),
                "electric, gas kept": Variant("electric, gas kept", electric, gas_connection=True)}
    closures = {}
    for name, variant in variants.items():
        items = variant_investments(variant, costs, design_heat_load_kw=176.0)
        closures[name] = {i.name: (i.capex_eur, i.first_year, i.one_off) for i in items
                          if "closure" in i.name or "removal" in i.name}
    assert closures["electric"] == {"closure of the collective gas connection (DSO)": (1000.0, 0, True),
                                    "removal of the old gas boiler and flue (176 kW)": (1500.0 + 10.0 * 176.0, 0, True)}
    assert closures["reference"] == closures["hybrid"] == closures["electric, gas kept"] == {}


def test_a_small_building_runs_and_buys_its_boiler_when_due(weather):
    """4 apartments, one 12 kW heat pump: 4 kW of electrical works (below the 5 kW lot) are priced, not refused.

    The existing boiler is 12 of 20 years old: the reference and the hybrid both buy a boiler in year 8.
    """
    building = building_from_typology("AB.02", 1, floor_area_m2=300.0, n_apartments=4, n_storeys=2)
    pmap = carnot_map(np.linspace(-25, 35, 25), np.linspace(36, 80, 23), rated_capacity_kw=12.0, source=Source("air"),
                      max_sink_degc=75.0)
    plant = Plant(HeatPumpCascade(replace(pmap, refrigerant="R290"), 1), HotWater(Tank(300.0, 55.0, 75.0)), Tank(300.0),
                  Backup("gas_boiler", 30.0, 0.9))
    reference = Variant("reference", gas_boiler_reference(30.0), keeps_existing_boiler=False)
    inputs = StudyInputs(building, weather, existing_boiler_age_years=12.0)
    result = Study(inputs, reference, [Variant("heat pump + boiler", plant)]).run()
    names = {item.name for item in result.result("heat pump + boiler").investments}
    assert "electrical works (4 kW) (priced as the minimum lot, 5 kW)" in names
    flows = result.case("heat pump + boiler").cash_flows
    for side in ("variant", "reference"):
        boiler_years = flows.index[flows[f"{side}_investment_eur"] > 0].tolist()
        assert 8 in boiler_years, side
    reference_kw = max(30.0, building.design_heat_load_kw(inputs.design_temperature_degc))
    ratio = (30.0 / reference_kw) ** 0.8  # the hybrid's 30 kW boiler against the reference's, 0.8 scaling
    assert flows.loc[8, "variant_investment_eur"] == pytest.approx(flows.loc[8, "reference_investment_eur"] * ratio)


def test_the_connection_check_can_say_the_upgrade_is_included():
    from mgwsim.assess import connection_capacity
    from mgwsim.study.costs import connection_upgrade_eur

    items = variant_investments(Variant("electric", Plant(_cascade(60.0), backup=Backup("electric", 100.0))),
                                load_cost_table(), peak_import_kw=121.3, existing_connection_kva=100.0)
    cost = connection_upgrade_eur(items)
    assert cost == pytest.approx(310.99 + 622.00 + 5000.0 + 19.0 * (128 - 100.0))  # 127.7 kVA: 128 ordered, by hand
    check = connection_capacity(121.3, 100.0, upgrade_cost_eur=cost)
    assert check.status == "warn" and check.sentence == (
        "The peak of 128 kVA exceeds the existing 100 kVA connection: the low-voltage reinforcement at Fluvius's "
        "connection prices (EUR 6,465 excl. VAT) is included in the investment.")
    assert "(€ 6.465 excl. btw) zit in de investering" in check.sentence_nl
    assert "ask Fluvius" in connection_capacity(121.3, 100.0).sentence  # without a cost: the old advice
    assert connection_upgrade_eur(variant_investments(Variant("electric", Plant(_cascade(60.0), backup=Backup(
        "electric", 100.0))), load_cost_table())) is None


# ---------------------------------------------------------------- the decision inside a study
def test_unmet_heat_is_priced_as_electric_heating_and_counted_in_epc_and_co2(weather):
    """A 20 kW heat pump without backup leaves heat unmet: never a saving, never recommended (docs/decision.md)."""
    hot_water = HotWater(Tank(1500.0, 55.0, 75.0), booster_kw=18.0)
    small = Plant(_cascade(10.0), hot_water, Tank(2000.0), Backup("none"))
    electric = Plant(_cascade(60.0), hot_water, Tank(2000.0), Backup("electric", 100.0, 1.0))
    inputs = StudyInputs(antwerp_block(), weather)
    result = Study(inputs, Variant("reference", gas_boiler_reference(160.0), keeps_existing_boiler=False),
                   [Variant("undersized", small), Variant("all-electric", electric)]).run()
    variant = result.result("undersized")
    unmet_kwh = float(variant.system.hourly["space_heating_unmet_kwh"].sum())
    assert unmet_kwh > 100_000.0
    lv = load_tariff(inputs.lv_tariff)
    price = (lv["energy_eur_per_kwh"] + lv["distribution_eur_per_kwh"] + lv["energy_contribution_eur_per_kwh"]
             + lv["green_certificates_eur_per_kwh"] + lv["chp_certificates_eur_per_kwh"]
             + lv.excise_bands[-1][1]) * (1.0 + lv["vat_frac"])  # per kWh on the occupants' own meters, by hand
    assert variant.energy_cost_eur["unmet_heat"] == pytest.approx(unmet_kwh * price, rel=1e-12)
    assert variant.epc.final_kwh.loc["heating", "electricity"] >= unmet_kwh
    grid_kwh = float(variant.balance["grid_import_kwh"].sum())
    factor_kg = inputs.co2_factors.loc["electricity", "kg_co2_per_kwh"]
    assert variant.co2_kg == pytest.approx((grid_kwh + unmet_kwh) * factor_kg, rel=1e-12)  # no gas: all electric
    # far beyond the comfort tolerance: the all-electric plant is recommended, the undersized one says why not
    assert result.recommended == "all-electric"
    assert [s.key for s in result.decision.table.loc["undersized", "shortfalls"]][0] == "comfort"
    alone = Study(inputs, result.reference.variant, [Variant("undersized", small)]).run()
    assert alone.recommended is None and alone.recommendation_reason.startswith("No variant qualifies")


def test_the_path_epc_at_step_zero_is_the_tables_epc(weather):
    """Along the renovation path the EPC indicator keeps the table's bookkeeping (auxiliaries, PV credit)."""
    from mgwsim.building import Insulate, RenovationPath, RenovationStep

    path = RenovationPath((RenovationStep(3, (Insulate("roof", target_u_w_m2k=0.2),), "roof"),))
    hybrid = Plant(_cascade(60.0), HotWater(Tank(1500.0, 55.0, 75.0), booster_kw=18.0), Tank(2000.0),
                   Backup("gas_boiler", 150.0, 0.8))
    result = Study(StudyInputs(antwerp_block(), weather, renovation_path=path),
                   Variant("reference", gas_boiler_reference(160.0), keeps_existing_boiler=False),
                   [Variant("hybrid + PV", hybrid, pv=tuple(flat_roof_east_west(300.0, kwp=30.0)))]).run()
    for name in ("reference", "hybrid + PV"):
        steps = result.paths[name].kpis
        assert steps.loc[0, "epc_indicator_kwh_per_m2"] == pytest.approx(result.table.loc[name, "epc_kwh_m2"],
                                                                           rel=1e-9)
        assert steps.loc[1, "epc_indicator_kwh_per_m2"] < steps.loc[0, "epc_indicator_kwh_per_m2"]
    facts = project_facts(result.inputs, result.result("hybrid + PV"), result.paths["hybrid + PV"])
    assert facts["epc_path_kwh_m2"] == result.paths["hybrid + PV"].kpis["epc_indicator_kwh_per_m2"].iloc[-1]
    assert facts["chimney_free_path"] is False and facts["has_heat_pump"] is True


def test_the_decision_of_a_study_reads_its_cases(result):
    decision = result.decision
    for name in ("hybrid", "hybrid + PV", "all-electric"):
        case = result.case(name)
        row = decision.table.loc[name]
        assert row["gap_before_grants_eur"] == case.gap_before_grants_eur
        assert row["co2_avoided_t"] == pytest.approx(case.co2_avoided_t)
    qualified = decision.table[decision.table["qualifies"]]
    if decision.recommended is not None:
        best = qualified["gap_per_t_co2_eur"].min()
        assert decision.table.loc[decision.recommended, "gap_per_t_co2_eur"] == best
        assert result.ranking().index[0] in qualified.index or qualified["rank"].min() == 1
    frame = decision.to_frame()
    assert list(frame.columns[:4]) == ["rank", "qualifies", "criterion", "criterion_value"]
    assert frame.map(lambda v: isinstance(v, (list, tuple))).to_numpy().sum() == 0  # plain values only


def test_another_criterion_is_chosen_in_python(weather, result):
    again = Study(result.inputs, result.reference.variant, [r.variant for r in result.results],
                  rules=DecisionRules(criterion="npv")).run()
    qualified = again.decision.table[again.decision.table["qualifies"]]
    if len(qualified):
        assert again.recommended == qualified["npv_eur"].idxmax()


def test_the_apartments_shares_split_the_money(weather, result):
    shares = (2.0,) + (1.0,) * 23
    inputs = replace(result.inputs, apartment_shares=shares)
    again = replace(result, study=replace(result.study, inputs=inputs))
    split = again.per_apartment("hybrid")
    assert split.attrs["key"] == "shares"
    assert split["net_up_front_eur"].iloc[0] == pytest.approx(2.0 * split["net_up_front_eur"].iloc[1], abs=0.02)
    assert split["net_up_front_eur"].sum() == pytest.approx(result.per_apartment("hybrid")["net_up_front_eur"].sum(),
                                                           abs=0.01)
    with pytest.raises(InputError, match="apartment_shares"):
        replace(result.inputs, apartment_shares=(1.0, 2.0))


def test_a_dynamic_tariff_splits_into_level_and_flexibility(weather):
    from mgwsim.control import Control

    hybrid = Plant(_cascade(60.0), HotWater(Tank(1500.0, 55.0, 75.0), booster_kw=18.0), Tank(2000.0),
                   Backup("gas_boiler", 150.0, 0.8))
    dynamic = Variant("dynamic", hybrid, dynamic_tariff=True, control=Control("price_led"))
    result = Study(StudyInputs(antwerp_block(), weather),
                   Variant("reference", gas_boiler_reference(160.0), keeps_existing_boiler=False),
                   [Variant("fixed", hybrid), dynamic]).run()
    effects = result.dynamic_tariff_effects()
    assert list(effects.index) == ["dynamic"]
    row = effects.loc["dynamic"]
    fixed_cost = sum(result.result("fixed").energy_cost_eur.values())
    assert row["fixed_heat_led_eur"] == pytest.approx(fixed_cost, rel=1e-12)  # the same plant, heat-led, fixed
    assert row["level_effect_eur"] + row["flexibility_effect_eur"] == pytest.approx(row["variant_eur"] - fixed_cost)
    assert row["variant_eur"] == pytest.approx(sum(result.result("dynamic").energy_cost_eur.values()))


def test_pv_laid_before_the_roof_insulation_is_removed_and_reinstalled_at_a_cost(weather):
    """The path insulates the roof in year 3: the PV bought now comes off and back then (one-off, 200 EUR/kWp)."""
    from mgwsim.assess.lockin import PV_REMOVAL_COST_EUR_PER_KWP
    from mgwsim.building import Insulate, RenovationPath, RenovationStep

    costs = load_cost_table()
    assert costs.cost_eur("pv_remount", 30.0) == pytest.approx(30.0 * PV_REMOVAL_COST_EUR_PER_KWP)  # one figure
    path = RenovationPath((RenovationStep(3, (Insulate("roof", target_u_w_m2k=0.2),), "roof"),))
    hybrid = Plant(_cascade(60.0), HotWater(Tank(1500.0, 55.0, 75.0), booster_kw=18.0), Tank(2000.0),
                   Backup("gas_boiler", 150.0, 0.8))
    pv = tuple(flat_roof_east_west(300.0, kwp=30.0))
    result = Study(StudyInputs(antwerp_block(), weather, renovation_path=path),
                   Variant("reference", gas_boiler_reference(160.0), keeps_existing_boiler=False),
                   [Variant("hybrid + PV", hybrid, pv=pv), Variant("hybrid", hybrid)]).run()
    (remount,) = [i for i in result.result("hybrid + PV").investments if i.name.startswith("PV removal")]
    assert (remount.capex_eur, remount.first_year, remount.one_off) == (pytest.approx(6000.0), 3, True)
    flows = result.case("hybrid + PV").cash_flows
    assert flows.loc[3, "variant_investment_eur"] == pytest.approx(6000.0 * 1.06)  # renovation VAT, paid in year 3
    assert not any(i.name.startswith("PV removal") for i in result.result("hybrid").investments)
    check = next(c for c in result.paths["hybrid + PV"].final_checks() if c.name == "pv_before_roof")
    assert check.status == "warn" and "counted in the investments" in check.sentence
    # without a path the roof is never insulated: nothing to remove
    plain = variant_investments(Variant("hybrid + PV", hybrid, pv=pv), costs)
    assert not any(i.name.startswith("PV removal") for i in plain)


def test_the_business_case_follows_the_renovation_path(weather):
    """Roof in year 3, windows in year 8: years 1-2 bill the building as it is, 3-7 after the roof, 8-20 after both,
    for the reference and the variant alike; CO2 avoided sums the years (docs/decision.md)."""
    from mgwsim.examples import antwerp_renovation_path

    hybrid = Plant(_cascade(60.0), HotWater(Tank(1500.0, 55.0, 75.0), booster_kw=18.0), Tank(2000.0),
                   Backup("gas_boiler", 150.0, 0.8))
    result = Study(StudyInputs(antwerp_block(), weather, renovation_path=antwerp_renovation_path()),
                   Variant("reference", gas_boiler_reference(160.0), keeps_existing_boiler=False),
                   [Variant("hybrid", hybrid)]).run()
    flows = result.case("hybrid").cash_flows
    for side, name in (("variant", "hybrid"), ("reference", "reference")):
        states = result.states[name]
        assert len(states) == 3 and states[2].system.kpis()["space_heating_demand_kwh"] < states[0].system.kpis()[
            "space_heating_demand_kwh"]
        bills = flows.filter(regex=f"^{side}_energy_").sum(axis=1)
        for year, state in ((1, 0), (2, 0), (3, 1), (7, 1), (8, 2), (20, 2)):
            assert bills[year] == pytest.approx(sum(states[state].energy_cost_eur.values()), rel=1e-12), (side, year)
    per_state = [(r.co2_kg - v.co2_kg) / 1000.0 for r, v in zip(result.states["reference"], result.states["hybrid"],
                                                                 strict=True)]
    assert result.case("hybrid").co2_avoided_t == pytest.approx(2 * per_state[0] + 5 * per_state[1] + 13 * per_state[2])
    # the path's checks are judged on these same years (the variant's own control and loads)
    assert result.paths["hybrid"].results[1] is result.states["hybrid"][1].system


def test_ev_charging_is_left_out_of_the_buildings_co2(weather):
    """The cars' grid electricity (their energy times the grid's share of the connection's load) is transport."""
    from mgwsim.ev import ChargingSite

    hybrid = Plant(_cascade(60.0), HotWater(Tank(1500.0, 55.0, 75.0), booster_kw=18.0), Tank(2000.0),
                   Backup("gas_boiler", 150.0, 0.9))
    ev = ChargingSite(n_points=8, n_cars=8, point_power_kw=11.0)
    result = Study(StudyInputs(antwerp_block(), weather),
                   Variant("reference", gas_boiler_reference(160.0), keeps_existing_boiler=False),
                   [Variant("hybrid", hybrid), Variant("hybrid + EV", hybrid, ev=ev)]).run()
    with_ev, plain = result.result("hybrid + EV"), result.result("hybrid")
    balance = with_ev.balance
    ev_kwh = float(with_ev.ev_kw.sum())
    assert ev_kwh > 5_000.0
    grid_share = float(balance["grid_import_kwh"].sum()) / float(balance["load_kwh"].sum())
    factor = result.inputs.co2_factors.loc["electricity", "kg_co2_per_kwh"]
    gas_factor = result.inputs.co2_factors.loc["natural_gas", "kg_co2_per_kwh"]
    gas = float(with_ev.system.hourly["gas_kwh"].sum())
    expected = (float(balance["grid_import_kwh"].sum()) - ev_kwh * grid_share) * factor + gas * gas_factor
    assert with_ev.co2_kg == pytest.approx(expected, rel=1e-9)
    assert with_ev.co2_kg == pytest.approx(plain.co2_kg, rel=0.02)  # the same plant: the cars change little


def test_the_path_tables_co2_is_the_business_cases(weather):
    """The renovation-path table shows the CO2 the business case sums, year by year (PV included)."""
    from mgwsim.examples import antwerp_renovation_path

    hybrid = Plant(_cascade(60.0), HotWater(Tank(1500.0, 55.0, 75.0), booster_kw=18.0), Tank(2000.0),
                   Backup("gas_boiler", 150.0, 0.9))
    result = Study(StudyInputs(antwerp_block(), weather, renovation_path=antwerp_renovation_path()),
                   Variant("reference", gas_boiler_reference(160.0), keeps_existing_boiler=False),
                   [Variant("hybrid + PV", hybrid, pv=tuple(flat_roof_east_west(300.0, kwp=30.0)))]).run()
    table = result.path_table().set_index(["variant", "step"])
    by_year = result.case("hybrid + PV").co2_t_by_year
    for step, year in ((0, 1), (1, 3), (2, 8)):
        assert table.loc[("hybrid + PV", step), "co2_kg"] / 1000.0 == pytest.approx(by_year["variant"][year])
        assert table.loc[("reference", step), "co2_kg"] / 1000.0 == pytest.approx(by_year["reference"][year])
    assert table.loc[("hybrid + PV", 0), "co2_kg"] == pytest.approx(result.table.loc["hybrid + PV", "co2_t"] * 1000.0)


# --------------------------------------------------------------------------- heat sources in one study
def _unit(source: Source, grid) -> HeatPumpCascade:
    """One 'product': the same Carnot efficiency, refrigerant and rated capacity on an air or a brine source."""
    pmap = carnot_map(grid, np.linspace(36, 80, 23), rated_capacity_kw=45.0, source=source, max_sink_degc=75.0)
    return HeatPumpCascade(replace(pmap, refrigerant="R290"), 2)


@pytest.fixture(scope="module")
def sources_result(weather):
    from mgwsim.study.heat_sources import GroundLoop

    hot_water = HotWater(Tank(1500.0, 55.0, 75.0), booster_kw=18.0)
    backup = Backup("electric", 100.0, 1.0)
    air = Plant(_unit(Source("air"), np.linspace(-25, 35, 25)), hot_water, Tank(2000.0), backup)
    ground = Plant(_unit(Source("brine"), np.linspace(-5, 20, 11)), hot_water, Tank(2000.0), backup)
    reference = Variant("reference", gas_boiler_reference(160.0), keeps_existing_boiler=False)
    from mgwsim.study.heat_sources import ExhaustAir, WaterBody

    variants = [Variant("air", air, source="air"),
                Variant("ground", ground, source="ground", source_options=GroundLoop(3600.0, spacing_m=8.0)),
                Variant("canal", ground, source="water", source_options=WaterBody("canal")),
                Variant("exhaust air", air, source="exhaust_air", source_options=ExhaustAir(3600.0))]
    return Study(StudyInputs(antwerp_block(), weather), reference, variants).run()


def _winter_cop(result, name: str) -> float:
    """Heat-pump COP over the hours below 0 °C outdoors in which the units ran."""
    h = result.result(name).system.hourly
    cold = (result.inputs.weather.temp_air_degc < 0.0) & (h["hp_elec_kwh"].to_numpy() > 1.0)
    heat = (h["hp_heat_sh_kwh"] + h["hp_heat_dhw_kwh"]).to_numpy()[cold].sum()
    return heat / h["hp_elec_kwh"].to_numpy()[cold].sum()


def test_air_and_ground_variants_of_one_unit_differ_as_physics_says(sources_result):
    air, ground = sources_result.result("air"), sources_result.result("ground")
    assert air.variant.plant.heat_pumps.defrost and not ground.variant.plant.heat_pumps.defrost
    outdoor = sources_result.inputs.weather.temp_air_degc
    np.testing.assert_array_equal(air.system.hourly["source_degc"].to_numpy(), outdoor)
    brine = ground.system.hourly["source_degc"].to_numpy()
    # the ground is warmer than the coldest air, and steadier: brine of year 20 from the line source
    assert brine.min() > outdoor.min() and brine.std() < 0.5 * outdoor.std()
    facts = ground.source_facts()
    assert facts["brine_mean_year20_degc"] < facts["brine_mean_year1_degc"] < 11.5  # the field cools over 20 years
    assert facts["brine_min_year20_degc"] == pytest.approx(brine.min())
    # in the cold hours the brine unit, without frost on a coil, has the higher COP
    assert _winter_cop(sources_result, "ground") > 1.05 * _winter_cop(sources_result, "air")


def test_the_ground_variant_buys_its_boreholes_by_the_metre(sources_result):
    ground = sources_result.result("ground")
    table = load_cost_table()
    bore = [i for i in ground.investments if i.name.startswith("borefield")]
    assert len(bore) == 1 and bore[0].capex_eur == pytest.approx(table.cost_eur("boreholes", 3600.0))
    assert "borefield" not in " ".join(i.name for i in sources_result.result("air").investments)
    table_row = sources_result.table.loc["ground"]
    assert table_row["investment_eur"] > sources_result.table.loc["air", "investment_eur"]


def test_placement_checks_are_among_the_risks(sources_result):
    air, ground = sources_result.result("air").checks_frame(), sources_result.result("ground").checks_frame()
    for frame in (air, ground):
        assert {"refrigerant_charge", "outdoor_noise", "unit_space"} <= set(frame.index)
    assert air.loc["outdoor_noise", "threshold"] == 35.0  # VLAREM II, residential zone, night
    assert ground.loc["outdoor_noise", "status"] == "pass"  # indoor units by default for a brine source
    assert "check_refrigerant_charge" in sources_result.table


def test_the_heat_source_is_among_the_risks_with_its_permit(sources_result):
    check = next(c for c in sources_result.result("ground").checks if c.name == "heat_source")
    facts = sources_result.result("ground").source_facts()
    assert check.value == pytest.approx(round(facts["brine_min_year20_degc"], 1))
    assert check.threshold == -5.0 and check.status in ("warn", "fail")
    assert "VLAREM" in check.sentence and "3600 m" in check.sentence
    assert not any(c.name == "heat_source" for c in sources_result.result("air").checks)
    # placement and source checks judge where the units stand, not how future-proof the choice is
    from mgwsim.assess.placement import PLACEMENT_CHECKS

    checks = sources_result.result("ground").checks
    others = [c for c in checks if c.name not in PLACEMENT_CHECKS]
    assert len(others) < len(checks) and future_proof_score(checks) == pytest.approx(future_proof_score(others))


# --------------------------------------------------------------------------- a cascade of different units
def test_a_booster_on_the_low_temperature_loop_makes_hot_water_with_less_electricity(weather):
    from mgwsim.system import simulate_system
    from mgwsim.system.booster import booster_cascade, booster_pair_map

    inputs = StudyInputs(antwerp_block(), weather)
    main_map = replace(carnot_map(np.linspace(-25, 35, 25), np.linspace(36, 60, 13), rated_capacity_kw=90.0,
                                  source=Source("air"), max_sink_degc=58.0), refrigerant="R290")
    main = HeatPumpCascade(main_map, 2)
    booster = replace(carnot_map(np.linspace(20, 50, 7), np.linspace(52, 80, 8), rated_capacity_kw=15.0,
                                 source=Source("water", 20.0, 50.0), max_sink_degc=75.0), refrigerant="R290")
    pair = booster_pair_map(booster, main_map, 45.0)
    # in series, the pair is worse than either unit alone (first law), and better than a resistance
    cop_b = float(booster.cop_at(45.0, 65.0))
    cop_m = float(main_map.cop_at(5.0, 45.0))
    cop_pair = float(pair.cop_at(5.0, 65.0))
    assert 1.0 < cop_pair < min(cop_b, cop_m)
    assert cop_pair == pytest.approx(1.0 / (1.0 / cop_b + (1.0 - 1.0 / cop_b) / cop_m), rel=1e-3)

    tank = Tank(1500.0, 55.0, 75.0)
    electric = Plant(main, HotWater(tank, booster_kw=30.0), Tank(2000.0), Backup("electric", 150.0, 1.0))
    boosted = Plant(main, HotWater(tank, mode="separate_heat_pump", heat_pump=booster_cascade(booster, main, 45.0, n_units=2),
                                   booster_kw=30.0), Tank(2000.0), Backup("electric", 150.0, 1.0))
    runs = {name: simulate_system(inputs.demand, plant, weather).kpis() for name, plant in
            (("electric", electric), ("boosted", boosted))}
    for k in runs.values():
        assert k["dhw_unmet_kwh"] < 0.01 * k["dhw_delivered_kwh"]
    assert runs["boosted"]["booster_kwh"] < 0.2 * runs["electric"]["booster_kwh"]
    assert runs["boosted"]["electricity_kwh"] < runs["electric"]["electricity_kwh"]


def test_water_and_exhaust_air_variants_follow_their_source(sources_result):
    canal = sources_result.result("canal")
    assert canal.variant.plant.heat_pumps.performance.source.kind == "water"
    degc = canal.system.hourly["source_degc"].to_numpy()
    assert degc.min() == pytest.approx(5.0 - 2.0, abs=0.05) and degc.max() == pytest.approx(21.0 - 2.0, abs=0.05)
    assert any(i.name.startswith("water source: canal") for i in canal.investments)
    assert "De Vlaamse Waterweg" in canal.source_facts()["permit_note"]
    exhaust = sources_result.result("exhaust air")
    h = exhaust.system.hourly
    assert not exhaust.variant.plant.heat_pumps.defrost and (h["source_degc"] == 20.0).all()
    # the extract air limits the heat: Q_heat <= Q_evap COP/(COP-1), Q_evap = 3600 m3/h x 0.34 x 18 K
    q_evap = 3600.0 * 0.34 * 18.0 / 1000.0
    assert exhaust.source.facts["evaporator_limit_kw"] == pytest.approx(q_evap)
    heat = (h["hp_heat_sh_kwh"] + h["hp_heat_dhw_kwh"]).to_numpy()
    assert heat.max() <= exhaust.source.capacity_limit_kw.max() + 1e-6
    assert (heat <= q_evap * 3.0).all()  # COP/(COP-1) <= 3 for COP >= 1.5
    assert sources_result.table.loc["exhaust air", "backup_share"] > sources_result.table.loc["air", "backup_share"]


def test_a_source_that_does_not_match_the_map_is_refused():
    air = Plant(_unit(Source("air"), np.linspace(-25, 35, 25)), backup=Backup("electric", 50.0, 1.0))
    with pytest.raises(InputError, match=r"Variant\(x\)\.source.*'brine'"):
        Variant("x", air, source="ground")
    from mgwsim.study.heat_sources import WaterBody

    with pytest.raises(InputError, match="source_options is a WaterBody for source 'air'"):
        Variant("x", air, source_options=WaterBody())


def test_energy_sharing_of_the_pv_surplus_in_the_apartments_bills_and_the_split(result):
    """Issue 18: the PV surplus of 'hybrid + PV' shared with the apartments (dynamic key, free): what they receive
    never exceeds what the common connection injects nor their own use; their bills fall by the supply component,
    the common account forgoes the injection compensation, and the building gains the difference less the fees."""
    from mgwsim.finance import SharingTerms
    from mgwsim.study.sharing import apartment_sharing

    inputs = result.inputs
    pv = result.result("hybrid + PV")
    shared = apartment_sharing(inputs, pv)
    export = pv.balance["grid_export_kwh"].to_numpy()
    assert (shared.shared_kwh.sum(axis=1) <= export + 1e-9).all()
    assert 0.0 < shared.common["shared_kwh"] <= export.sum()
    apartments = shared.apartments
    assert (apartments["bill_change_eur"] < 0).all()  # free sharing: every apartment pays less
    assert shared.common["bill_change_eur"] > 0  # the VME forgoes the injection compensation
    supply, injection = 0.115 * 1.06, 0.03  # the LV tariff file's fixed supply incl. 6 % VAT, fixed injection
    assert shared.building_change_eur == pytest.approx(-(supply - injection) * shared.common["shared_kwh"]
                                                       + shared.fees_eur, rel=1e-9)
    np.testing.assert_allclose(apartments["bill_after_eur"], apartments["bill_before_eur"] + apartments["bill_change_eur"])
    sold = apartment_sharing(inputs, pv, terms=SharingTerms(price_eur_per_kwh=0.08))
    assert sold.building_change_eur == pytest.approx(shared.building_change_eur)  # the price moves money only
    split = result.per_apartment("hybrid + PV", sharing=True)
    plain = result.per_apartment("hybrid + PV")
    assert split["recurring_change_with_sharing_eur"].sum() == pytest.approx(
        plain["recurring_change_eur"].sum() + shared.building_change_eur, abs=0.01 * len(split))
