"""City-scale rows (mgwsim.batch.city): same answers as the study path, shared preparation, stock tables."""

from __future__ import annotations

import math
import pickle
import threading
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from mgwsim.batch import CITY_COMBINATIONS, CityModel, city_row, city_table, run_batch, variant_row, variant_shared
from mgwsim.batch import _city_arrays as arrays
from mgwsim.batch.city import (
    MAX_UNIT_KW,
    _array_year,
    _city_row_reference,
    _evaluate,
    _facts,
    _lock_in_failures,
    _study_demand,
    _study_inputs,
    _study_reference,
    variant_for,
)
from mgwsim.errors import InputError
from mgwsim.heatpump import air_to_water
from mgwsim.stock import DEFAULT_CRITERIA, feasibility_summary, generate_stock
from mgwsim.study import DecisionRules
from mgwsim.study.decision import LOCK_IN_CHECKS, hot_water_tolerated_hours
from mgwsim.study.study import project_facts
from mgwsim.system.simulate import _hot_water_series

BLOCK = {"typology": "AB.02", "variant": 1, "floor_area_m2": 1850.0, "n_apartments": 24, "n_storeys": 6,
         "orientation_deg": 0.0, "seed": 3}


@pytest.fixture(scope="module")
def model() -> CityModel:
    return CityModel()


def test_twelve_combinations_named_by_their_techniques():
    assert len(CITY_COMBINATIONS) == 12
    assert {"hp30_gas", "hp50_gas_pv", "hp70_elec_pv"} <= set(CITY_COMBINATIONS)
    assert all(c.name == name for name, c in CITY_COMBINATIONS.items())


@pytest.mark.parametrize(("city", "study"), [("hp50_gas_pv", "hp_boiler_pv"), ("hp50_elec_pv", "all_electric_pv")])
def test_city_row_agrees_with_the_study_path(model, city, study):
    """city_row = variant_row but for the hot-water draws (pooled apartments instead of the building's own draws).

    The plant, sizing, costs and subsidies are the same, so design load and investment are
    equal but for the grid connection upgrade of a peak beyond the existing connection, which
    follows the peak (19 EUR per added kVA); draws change the year's hot water by about a
    percent (different random apartments), which moves the peak by a few kVA at most, the SPF
    by well under 1 % and the NPV by well under 1 % of the investment.
    """
    fast = city_row({**BLOCK, "combination": city}, model)
    slow = variant_row({**BLOCK, "combination": study}, variant_shared())
    assert fast.keys() == slow.keys()
    assert fast["design_heat_load_kw"] == slow["design_heat_load_kw"]
    if city.startswith("hp50_gas"):  # below the 100 kVA connection: no upgrade, the same items
        assert fast["investment_eur"] == pytest.approx(slow["investment_eur"], rel=1e-12)
    else:  # all-electric: about 130 kVA, an upgrade whose per-kVA part follows the peak
        per_kva = model.defaults.connection_costs["lv_capacity_eur_per_kva"]
        assert abs(fast["investment_eur"] - slow["investment_eur"]) <= per_kva * 3.0
    assert fast["spf_h2"] == pytest.approx(slow["spf_h2"], rel=0.01)
    for money in ("npv_eur", "npv_before_grants_eur", "gap_before_grants_eur"):
        assert abs(fast[money] - slow[money]) <= 0.01 * slow["investment_eur"], money
    assert fast["epc_kwh_m2"] == pytest.approx(slow["epc_kwh_m2"], rel=0.01)
    assert fast["co2_avoided_t"] == pytest.approx(slow["co2_avoided_t"], rel=0.01)
    # the same facts reach the call's rules, the same decision judges the flags
    for same in ("works_grants_eur", "study_grants_eur", "shortfalls", "no_unmet_heat", "comfort_within_tolerance",
                 "hot_water_within_tolerance", "connection_feasible", "lock_in_pass", "eligible", "qualifies",
                 "npv_ge_0", "npv_with_subsidy_ge_0", "no_gap_before_grants"):
        assert fast[same] == slow[same], same


def test_more_heat_pump_share_means_less_backup(model):
    shares = [city_row({**BLOCK, "combination": f"hp{p}_gas"}, model)["backup_share"] for p in (30, 50, 70)]
    assert shares[0] > shares[1] > shares[2]


def test_pooled_draws_are_seeded_and_independent(model):
    def draws_kwh(seed):
        return model.dhw_draws(24, seed=seed)["draw_kwh"].to_numpy()

    a, b = draws_kwh(1), draws_kwh(1)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, draws_kwh(2))
    pool = model.dhw_pool[1]
    # 24 distinct apartments: the building's year is 24 pool members' mean year, to sampling spread
    assert a.sum() == pytest.approx(24 * pool.sum(axis=1).mean(), rel=0.05)


def test_the_model_pickles_without_its_caches(model):
    model.dhw_pool  # noqa: B018 -- build a cache
    state = pickle.loads(pickle.dumps(model)).__dict__
    assert "dhw_pool" not in state and "defaults" not in state


def test_a_tower_beyond_the_cost_tables_largest_units_is_priced_in_units(model):
    """A 27-storey TABULA AB.03 tower twice the reference size needs several boilers and heat-pump units."""
    tower = {**BLOCK, "typology": "AB.03", "floor_area_m2": 62000.0, "n_apartments": 780, "n_storeys": 38}
    row = city_row({**tower, "combination": "hp70_gas"}, model)
    assert row["design_heat_load_kw"] > 2000.0  # the largest boiler of the cost table
    assert row["investment_eur"] > 0.0 and row["no_unmet_heat"]
    variant = variant_for(CITY_COMBINATIONS["hp70_gas"], row["design_heat_load_kw"], 500.0, air_to_water())
    assert variant.plant.heat_pumps.n_units == math.ceil(0.7 * row["design_heat_load_kw"] / MAX_UNIT_KW)


def test_rows_reuse_the_plant_buffers_without_carrying_anything_over(model):
    """The array path runs every row in the same work arrays (per thread): rows stay independent."""
    first = city_row({**BLOCK, "combination": "hp30_gas"}, model)
    out = model.plant_buffers[0]
    city_row({**BLOCK, "combination": "hp70_elec_pv"}, model)
    assert model.plant_buffers[0] is out
    assert city_row({**BLOCK, "combination": "hp30_gas"}, model) == first
    seen = []
    thread = threading.Thread(target=lambda: seen.append(model.plant_buffers[0]))
    thread.start()
    thread.join()
    assert seen[0] is not out  # another thread gets its own


def test_bad_rows_name_the_problem(model):
    with pytest.raises(InputError, match="combination = 'hp90'"):
        city_row({**BLOCK, "combination": "hp90"}, model)


def test_city_table_crosses_the_stock_with_the_combinations():
    stock = generate_stock(3, seed=0)
    table = city_table(stock)
    assert len(table) == 36 and table.index.is_unique
    assert table.loc[f"{stock.index[1]}/hp70_gas", "typology"] == stock["typology"].iloc[1]
    assert city_table(stock).index.equals(table.index)  # stable row ids: a re-run resumes
    with pytest.raises(InputError, match="not one of"):
        city_table(stock, ["hp50_gas", "nope"])


def test_a_city_batch_gives_the_feasibility_summary(model):
    stock = generate_stock(2, seed=4)
    table = city_table(stock, ["hp50_gas", "hp70_elec_pv"])
    table.iloc[1, table.columns.get_loc("combination")] = "hp99"  # one bad row
    results = run_batch(table, city_row, shared=model, n_workers=1, chunk_size=2, progress=False)
    assert results["error"].notna().sum() == 1 and "hp99" in results["error"].dropna().iloc[0]
    summary = feasibility_summary(results.join(table[["typology", "combination"]]))
    assert int(summary["n_failed"].sum()) == 1
    assert set(summary.columns) >= {f"share_{name}" for name in DEFAULT_CRITERIA} | {"median_gap_before_grants_eur"}
    judged = results[results["error"].isna()].join(table[["typology", "combination"]])
    by_hand = judged.groupby(["typology", "combination"])["qualifies"].mean()
    assert summary["share_qualifies"].dropna().to_dict() == by_hand.to_dict()
    single = city_row({**table.iloc[0].to_dict(), "seed": int(results["seed"].iloc[0])}, model)
    assert results.iloc[0]["npv_eur"] == single["npv_eur"]  # a batch row equals the single run, bit for bit
    assert isinstance(results, pd.DataFrame)


def test_a_buildings_combinations_share_its_occupants(model):
    """With a building id, the draws follow the building, not the row: the combinations are a paired comparison."""
    row = {**BLOCK, "building": "b7", "combination": "hp50_gas"}
    first = city_row({**row, "seed": 1}, model)
    assert city_row({**row, "seed": 2}, model) == first
    assert city_row({**row, "building": "b8"}, model)["npv_eur"] != first["npv_eur"]


# --------------------------------------------------------------- array path = reference path
STOCK_ROWS = (  # (building id of generate_stock(8, seed=0), combination): why the row is in the sample
    *((0, name) for name in CITY_COMBINATIONS),  # MFH.03: all twelve combinations, with and without PV
    (5, "hp30_elec"), (5, "hp50_gas_pv"), (5, "hp70_elec_pv"),  # MFH.05: the tank dips below its setpoint (hp30)
    (4, "hp50_elec_pv"), (4, "hp70_gas"),  # AB.04: a large block, two units
    (2, "hp30_gas_pv"), (7, "hp50_elec"),  # MFH.01.Small, MFH.04.Small
    (1, "hp30_gas"),  # MFH.02.Small: 4 apartments, the smallest building of the sample
)


def _assert_same_row(fast: dict, reference: dict):
    """Every KPI to 1e-9 relative, every flag, count and text identical (same type too)."""
    assert fast.keys() == reference.keys()
    for key, expected in reference.items():
        if expected is None or isinstance(expected, bool | int | str):
            assert type(fast[key]) is type(expected) and fast[key] == expected, key
        else:
            assert isinstance(fast[key], float), key
            # CO2 avoided is a difference: where the variant emits what the reference emits (a heat network on
            # gas-equivalent heat) the two paths' sums differ by ~1e-12 t, noise far below 1e-9 t (a microgram)
            noise = 1e-9 if key in ("co2_avoided_t", "co2_reduction") else 1e-12
            assert fast[key] == pytest.approx(expected, rel=1e-9, abs=noise, nan_ok=True), key


@pytest.fixture(scope="module")
def stock_table() -> pd.DataFrame:
    return city_table(generate_stock(8, seed=0))


def test_the_array_path_equals_the_reference_path(model, stock_table):
    """city_row (kernel output read as arrays) = _city_row_reference (SystemResult, assess_year, business_case)."""
    rows = [stock_table.loc[f"{building}/{name}"].to_dict() for building, name in STOCK_ROWS]
    results = [(city_row(row, model), _city_row_reference(row, model)) for row in rows]
    for fast, reference in results:
        _assert_same_row(fast, reference)
    assert {row["combination"] for row in rows} == set(CITY_COMBINATIONS)
    assert len({row["typology"] for row in rows}) >= 4
    by_row = dict(zip(STOCK_ROWS, (fast for fast, _ in results), strict=True))
    # all-electric with a 300 l tank: it runs out of hot water in ~500 hours (the former single-node tank "delivered"
    # from below its setpoint instead), beyond the hot-water tolerance
    small_tank = by_row[5, "hp30_elec"]
    assert small_tank["dhw_short_hours"] > 0.03 * 8760 and not small_tank["hot_water_within_tolerance"]
    assert by_row[0, "hp30_elec"]["lock_in_pass"] and not by_row[0, "hp30_gas"]["lock_in_pass"]  # fossil lock-in
    # the rows pass the call's facts: every building dates from before 2014 and has several apartments (the
    # study money); the all-electric MFH.03 qualifies and gets the works grant, its hybrid fails the fossil check
    # and gets none, flagged with the failing condition; the AB.04 tower's all-electric peak needs medium voltage
    assert all(fast["study_grants_eur"] == 6000.0 for fast, _ in results)
    electric, hybrid = by_row[0, "hp50_elec"], by_row[0, "hp50_gas"]
    assert electric["eligible"] and electric["qualifies"] and electric["works_grants_eur"] == 24000.0
    assert not hybrid["eligible"] and hybrid["works_grants_eur"] == 0.0 and not hybrid["qualifies"]
    assert hybrid["shortfalls"].split("; ")[:2] == ["fossil_lock_in", "eligibility:no_lock_in"]
    tower = by_row[4, "hp50_elec_pv"]
    assert not tower["connection_feasible"] and "connection" in tower["shortfalls"].split("; ")
    for fast, _ in results:  # the money columns as business_case defines them
        assert fast["gap_before_grants_eur"] == max(0.0, -fast["npv_before_grants_eur"])
        assert fast["gap_per_t_co2_eur"] == pytest.approx(fast["gap_before_grants_eur"] / fast["co2_avoided_t"])
        assert fast["subsidies_eur"] == fast["works_grants_eur"] + fast["study_grants_eur"]


def test_the_array_path_prices_an_old_boiler_and_a_small_connection_as_the_reference(stock_table):
    """A 12-year-old boiler (bought in year 8 by the reference and the hybrids) and a 40 kVA connection
    (upgrades of the all-electric rows, some beyond 100 kVA): both paths still agree to 1e-9."""
    model = CityModel()
    model.__dict__["defaults"] = replace(model.defaults, existing_boiler_age_years=12.0, existing_connection_kva=40.0)
    row_ids = ("0/hp50_gas_pv", "0/hp70_elec_pv", "4/hp50_elec", "1/hp30_gas")
    rows = [stock_table.loc[row_id].to_dict() for row_id in row_ids]
    for row in rows:
        _assert_same_row(city_row(row, model), _city_row_reference(row, model))
    case = model.building_case(rows[0])
    boilers = [item for item in case.reference.investments if "gas boiler" in item.name]
    assert [item.first_year for item in boilers] == [8]
    electric = _array_year(variant_for(CITY_COMBINATIONS["hp70_elec_pv"], case.design_kw,
                                       case.building.area_m2("roof"), model.heat_pump_map), case, model)
    assert any(item.name.startswith("grid connection upgrade 40 ->") for item in electric.option.investments)


def test_the_array_path_judges_temperature_lock_in_as_the_reference(stock_table):
    """Heat pumps limited to 62 °C: temperature-limited hours with a backup share below and above 10 %."""
    model = CityModel(heat_pump_map=air_to_water("R290", 50.0, max_supply_degc=62.0))
    row_ids = ("2/hp30_elec", "2/hp70_gas", "7/hp50_elec", "7/hp70_elec")
    rows = [stock_table.loc[row_id].to_dict() for row_id in row_ids]
    results = [(city_row(row, model), _city_row_reference(row, model)) for row in rows]
    for fast, reference in results:
        _assert_same_row(fast, reference)
    # temperature lock-in: fail (backup share 14 %); warn but the gas boiler fails the fossil check; fail (the
    # heat pumps, limited to 57 °C in the tank, reheat the circulation loop's return hour by hour and leave
    # 12 % of the space heat in temperature-limited hours to the backup); warn only (a larger unit: 9.7 %, below
    # the 10 % of the check), and an all-electric plant has no fossil check to fail: it passes
    assert [fast["lock_in_pass"] for fast, _ in results] == [False, False, False, True]
    assert [fast["shortfalls"].split("; ")[0] for fast, _ in results[:3]] == ["temperature_lock_in", "fossil_lock_in",
                                                                               "temperature_lock_in"]
    assert "temperature_lock_in" not in results[1][0]["shortfalls"] and "lock_in" not in results[3][0]["shortfalls"]


def test_both_paths_refuse_bad_rows_alike(model):
    for bad, match in (({"typology": "XX.01"}, "typology 'XX.01'"), ({"variant": 7}, "variant = 7"),
                       ({"combination": "hp90"}, "combination = 'hp90'")):
        for row_function in (city_row, _city_row_reference):
            with pytest.raises(InputError, match=match):
                row_function({**BLOCK, "combination": "hp50_gas", **bad}, model)


def test_the_buildings_reference_is_the_same_on_both_paths(model, stock_table):
    """The reference boiler's Option (array path, used by city_row) = the one _evaluate builds."""
    case = model.building_case(stock_table.loc["4/hp50_gas"].to_dict())
    fast, study = case.reference, _study_reference(case, model).option
    assert fast.investments == study.investments and fast.energy_eur_per_year.keys() == study.energy_eur_per_year.keys()
    for carrier, eur in study.energy_eur_per_year.items():
        assert fast.energy_eur_per_year[carrier] == pytest.approx(eur, rel=1e-9)
    assert fast.co2_t_per_year == pytest.approx(study.co2_t_per_year, rel=1e-9)
    assert fast.heat_delivered_mwh_per_year == pytest.approx(study.heat_delivered_mwh_per_year, rel=1e-9)


def test_the_buildings_demand_arrays_equal_its_demand(model, stock_table):
    """The kernel inputs of the array path (demand_series) = the columns of simulate_demand's Demand, exactly."""
    for building in (0, 4, 5):  # MFH.03, AB.04 (large), MFH.05
        case = model.building_case(stock_table.loc[f"{building}/hp50_gas"].to_dict())
        demand = _study_demand(case, model)
        hourly = demand.hourly
        for name, values in zip(("space_heating_kwh", "dhw_draw_kwh", "supply_required_degc", "return_required_degc"),
                                case.series[:4], strict=True):
            assert np.array_equal(values, hourly[name].to_numpy()), (building, name)
        _, cold, loop, surroundings = _hot_water_series(demand, case.reference_variant.plant)  # as simulate_system
        assert np.array_equal(case.series[4], cold) and np.array_equal(case.series[5], surroundings)
        assert case.series[6] == loop


def test_a_failing_building_fails_all_its_rows_with_its_error(model):
    row = {**BLOCK, "n_storeys": 0, "combination": "hp50_gas"}
    for combination in ("hp50_gas", "hp70_elec"):  # the second row gets the building's kept error
        with pytest.raises(InputError, match="n_storeys"):
            city_row({**row, "combination": combination}, model)
    assert sum(isinstance(case, InputError) for case in model._cases.values()) == 1


# --------------------------------------------------------------- the study's rules on city rows
SMALL_2016 = {"typology": "MFH.06.Small", "variant": 1, "floor_area_m2": 211.4, "n_apartments": 2, "n_storeys": 3,
              "orientation_deg": 242.4, "year_built": 2016, "building": "small 2016"}
"""Building 9 of generate_stock(120, seed=0): a small 2016 building whose hybrids pass every lock-in check."""


def test_the_rows_pass_the_facts_the_study_passes(model, stock_table):
    """The call's facts of the array path (_facts of its lock-in statuses and EPC) = project_facts of the study for
    the same building and variant (no renovation path: the simulated year), the construction year taken from the
    row's year_built: a 2016 hybrid without lock-in, and a 2007 MFH.05 hybrid failing two lock-in checks."""
    for row in ({**SMALL_2016, "combination": "hp50_gas"}, stock_table.loc["5/hp30_gas"].to_dict()):
        case = model.building_case(row)
        combination = CITY_COMBINATIONS[row["combination"]]
        variant = variant_for(combination, case.design_kw, case.building.area_m2("roof"), model.heat_pump_map)
        result = _evaluate(variant, _study_demand(case, model), case.common, case.building, case.design_kw, model)
        study_facts = project_facts(_study_inputs(case, model), result, None)
        year = _array_year(variant, case, model).year
        statuses = arrays.lock_in_statuses(year, variant.plant, model.defaults.install_year,
                                           model.refrigerant_status(variant.plant), hot_water_tolerated_hours(8760.0))
        failures = _lock_in_failures(statuses)  # the study runs heat_network_temperature on heat networks only
        assert set(failures) <= set(LOCK_IN_CHECKS)
        facts = _facts(case, variant.plant, failures, city_row(row, model)["epc_kwh_m2"])
        assert facts.keys() == study_facts.keys()
        assert sorted(facts.pop("lock_in_failures")) == sorted(study_facts.pop("lock_in_failures"))
        for key, value in study_facts.items():
            assert facts[key] == (pytest.approx(value, rel=1e-9) if isinstance(value, float) else value), key
        assert study_facts["construction_year"] == row["year_built"]
        assert case.building_age_years == model.defaults.install_year - row["year_built"]
    assert failures == ("fossil_lock_in",)  # hot-water hygiene is judged as hot water, not as a lock-in


def test_a_combination_outside_the_call_gets_no_works_grant_and_is_flagged(model):
    """The same building and hybrid built in 2016 and in 2010: the 2016 one fails only the call's "before 2014" (no
    works grant, and no study money either: phase 1 asks the same) and is flagged; the 2010 one qualifies and gets
    min(80 % x the year-0 investment incl. VAT, EUR 24,000), half at year 0 and half at year 1, and the study's
    EUR 6,000 at year 0. Both are at least 10 years old (the same 6 % VAT), so the NPVs differ by the grants alone.
    The hybrid has PV: a gas-kept plant must reach the call's EPC indicator of 100 kWh/m² (the plain hybrid of this
    building, at 102 with the recalibrated air units, would fail that too)."""
    late = city_row({**SMALL_2016, "combination": "hp30_gas_pv"}, model)
    early_row = {**SMALL_2016, "year_built": 2010, "combination": "hp30_gas_pv"}
    early = city_row(early_row, model)
    _assert_same_row(late, _city_row_reference({**SMALL_2016, "combination": "hp30_gas_pv"}, model))
    _assert_same_row(early, _city_row_reference(early_row, model))
    assert (late["eligible"], late["qualifies"], late["shortfalls"]) == (False, False, "eligibility:built_before_2014")
    assert late["works_grants_eur"] == late["study_grants_eur"] == late["subsidies_eur"] == 0.0
    assert late["lock_in_pass"] and late["comfort_within_tolerance"] and late["connection_feasible"]
    assert (early["eligible"], early["qualifies"], early["shortfalls"]) == (True, True, "")
    case = model.building_case(early_row)
    variant = variant_for(CITY_COMBINATIONS["hp30_gas_pv"], case.design_kw, case.building.area_m2("roof"),
                          model.heat_pump_map)
    items = [item for item in _array_year(variant, case, model).option.investments if item.first_year == 0]
    vat = {"renovation": 0.06, "fossil_heating": 0.21, "standard": 0.21}
    works = min(0.8 * sum(item.capex_eur * (1.0 + vat[item.vat_class]) for item in items), 24000.0)
    assert early["works_grants_eur"] == pytest.approx(works, rel=1e-12) and early["study_grants_eur"] == 6000.0
    grants_pv = 6000.0 + works / 2.0 + works / 2.0 / 1.03
    assert early["npv_eur"] - late["npv_eur"] == pytest.approx(grants_pv, rel=1e-9)
    assert early["npv_before_grants_eur"] - 6000.0 == pytest.approx(late["npv_before_grants_eur"] - 6000.0, rel=1e-12)
    assert early["gap_covered_frac"] == pytest.approx(works / early["gap_before_grants_eur"], rel=1e-12)


def test_cost_flows_add_line_after_line_and_keep_the_lines_per_set():
    """cost_flows adds its kept lines (Discounting.stacked) row after row: bit for bit one vector addition per line
    (study cost, capex per lifetime/maintenance/year bought, fixed O&M, carriers in their order), the sum of
    option_flows' lines to rounding; the same lines in another order or another carrier are other sets; a bill
    that is not a finite number is named."""
    from mgwsim.finance import Finance, Investment, Option, option_flows

    discounting = arrays.Discounting(Finance(escalation_frac={"gas": 0.02, "om": 0.01}))
    items = (Investment("hp", 30000.0, 20, 0.02), Investment("tank", 4000.0, 30, 0.01),
             Investment("boiler", 6000.0, 20, 0.02, vat_class="fossil_heating", first_year=4),
             Investment("cabin", 20000.0, 30, 0.0, fixed_om_eur_per_year=300.0, vat_class="standard"),
             Investment("fee", 900.0, 1, one_off=True), Investment("hp 2", 28000.0, 20, 0.02))
    rates = {"renovation": 0.06, "fossil_heating": 0.21, "standard": 0.21}

    def by_line(energy: dict) -> np.ndarray:
        flows = np.zeros(21)
        flows[0] = 6000.0
        capex, fixed = {}, {}
        for item in items:
            key = (item.lifetime_years, item.maintenance_frac, item.first_year, item.one_off)
            vat = 1.0 + rates[item.vat_class]
            capex[key] = capex.get(key, 0.0) + item.capex_eur * vat
            if item.fixed_om_eur_per_year:
                fixed[item.first_year, item.one_off] = item.fixed_om_eur_per_year * vat
        for key, eur in capex.items():
            flows += eur * discounting.per_capex(*key)
        for key, eur in fixed.items():
            flows += eur * discounting.per_fixed_om(*key)
        for carrier, eur in energy.items():
            flows += eur * discounting.growth(carrier)
        return flows

    for energy in ({"electricity": 9000.0, "gas": 4000.0}, {"gas": 4000.0, "electricity": 9000.0},
                   {"electricity": 9000.0, "injection": -300.0}, {"electricity": 9000.0, "gas": 4000.0}):
        flows = arrays.cost_flows(items, energy, rates, discounting, study_cost_eur=6000.0)
        assert np.array_equal(flows, by_line(energy)), energy
        option = Option("v", items, energy, study_cost_incl_vat_eur=6000.0)
        assert flows == pytest.approx(sum(option_flows(option, discounting.finance, rates).values()), rel=1e-12)
    assert len(discounting._stacked) == 3
    assert np.array_equal(arrays.cost_flows((), {}, rates, discounting, study_cost_eur=5.0), np.eye(1, 21)[0] * 5.0)
    with pytest.raises(InputError, match=r"v.energy_eur_per_year\['gas'\]"):
        arrays.cost_flows(items, {"gas": math.nan}, rates, discounting, owner="v")


def test_the_irr_of_a_batch_row_is_the_checked_irr():
    """irr_of_row (a batch's finite flows, no checks) = irr, with and without an IRR."""
    from mgwsim.finance import irr
    from mgwsim.finance._metrics import irr_of_row

    for flows in ([-1000.0] + [120.0] * 20, [-1000.0] + [20.0] * 20, [100.0] * 21, [-1000.0, 3000.0] + [-100.0] * 19):
        assert irr_of_row(np.array(flows)) == irr(flows)


def test_an_irr_only_where_the_finance_rules_give_one(model):
    """A small 2010 building (generate_stock(120, seed=0), building 45) whose all-electric row with the emitter
    upgrade (lower supply temperatures) repays its extra investment at less than the discount rate: an IRR (one
    sign change, positive sum), below 3 % as the NPV is negative, equal on both paths; its hybrid costs more every
    year: no IRR (NaN)."""
    small = {"typology": "MFH.05.Small", "variant": 1, "floor_area_m2": 143.1, "n_apartments": 3, "n_storeys": 3,
             "orientation_deg": 271.8, "year_built": 2010, "building": "small 2010"}
    rows = {name: (city_row({**small, "combination": name}, model),
                   _city_row_reference({**small, "combination": name}, model))
            for name in ("hp70_elec_pv_emit", "hp50_gas")}
    for fast, reference in rows.values():
        _assert_same_row(fast, reference)
    electric, hybrid = rows["hp70_elec_pv_emit"][0], rows["hp50_gas"][0]
    assert 0.0 < electric["irr_frac"] < model.defaults.finance.discount_rate_frac and electric["npv_eur"] < 0.0
    assert math.isnan(hybrid["irr_frac"])


@pytest.fixture(scope="module")
def mild_model() -> CityModel:
    """Plants sized for a design temperature of +2 °C instead of the site's: backups (and the reference boiler)
    too small for the coldest hours, so that some heat is left unmet."""
    model = CityModel()
    model.__dict__["design_temperature_degc"] = 2.0
    return model


def test_a_plant_that_leaves_heat_unmet_is_charged_for_it(mild_model, stock_table):
    """Unmet space heat is priced as the occupants' electric heating at the LV tariff's marginal price, a yearly
    cost over the horizon (without escalation: 20 years at 3 %), counted as heating electricity in the EPC
    indicator (primary factor 2.5) and in the CO2; both paths agree to 1e-9."""
    row = stock_table.loc["0/hp30_gas"].to_dict()
    fast = city_row(row, mild_model)
    _assert_same_row(fast, _city_row_reference(row, mild_model))
    price = mild_model.defaults.unmet_heat_price_eur_per_kwh
    assert fast["unmet_hours"] > 0 and fast["unmet_heat_kwh"] > 100.0
    assert fast["unmet_heat_eur"] == pytest.approx(fast["unmet_heat_kwh"] * price, rel=1e-12)
    # the same row with unmet heat for free: the NPV moves by the difference of the two unmet bills over 20 years
    free = CityModel()
    free.__dict__["design_temperature_degc"] = 2.0
    free.__dict__["year_constants"] = replace(mild_model.year_constants, unmet_heat_eur_per_kwh=0.0)
    gratis = city_row(row, free)
    reference_unmet_eur = mild_model.building_case(row).reference.energy_eur_per_year.get("unmet_heat", 0.0)
    annuity = (1.0 - 1.03 ** -20) / 0.03
    assert fast["npv_eur"] - gratis["npv_eur"] == pytest.approx(
        (reference_unmet_eur - fast["unmet_heat_eur"]) * annuity, rel=1e-9)
    # EPC: 2.5 kWh of primary energy per kWh of unmet heat; CO2: the electricity factor
    case = mild_model.building_case(row)
    variant = variant_for(CITY_COMBINATIONS["hp30_gas"], case.design_kw, case.building.area_m2("roof"),
                          mild_model.heat_pump_map)
    year = _array_year(variant, case, mild_model).year
    constants = mild_model.year_constants
    without = arrays.epc_indicator(year._replace(sh_unmet_kwh=0.0), variant.plant.backup,
                                   auxiliary_kwh=case.auxiliary_kwh, pv_kwh=year.pv_kwh,
                                   heated_floor_area_m2=case.building.heated_floor_area_m2,
                                   factors=constants.epc_factors)
    assert fast["epc_kwh_m2"] - without == pytest.approx(2.5 * fast["unmet_heat_kwh"]
                                                         / case.building.heated_floor_area_m2, rel=1e-9)
    kg_per_kwh = constants.co2_kg_per_kwh["electricity"]
    assert 1000.0 * _array_year(variant, case, mild_model).option.co2_t_per_year == pytest.approx(
        (year.grid_import_kwh + year.sh_unmet_kwh) * kg_per_kwh + year.backup_input_kwh
        * constants.co2_kg_per_kwh["natural_gas"], rel=1e-12)


def test_the_comfort_flag_and_the_summary_follow_the_tolerance(mild_model, stock_table):
    """Comfort within tolerance = unmet hours <= 3 % of the hours with a heating need (the study's rule), not
    "no unmet hour"; with the rules' tolerance at 1 % the same rows are judged stricter, and the summary's share
    follows the flag."""
    strict = CityModel(rules=DecisionRules(max_unmet_share=0.01))
    strict.__dict__["design_temperature_degc"] = 2.0
    table = stock_table.loc[[f"{building}/{name}" for building in (0, 1, 7) for name in ("hp30_elec", "hp50_elec")]]
    shares = {}
    for label, model, tolerance in (("3 %", mild_model, 0.03), ("1 %", strict, 0.01)):
        results = run_batch(table, city_row, shared=model, n_workers=1, progress=False)
        expected = results["unmet_hours"] <= tolerance * results["heating_hours"]
        assert results["comfort_within_tolerance"].tolist() == expected.tolist(), label
        assert (results["no_unmet_heat"] == (results["unmet_hours"] == 0)).all()
        summary = feasibility_summary(results.join(table[["typology", "combination"]]), by=("combination",),
                                      criteria={"comfort": ("comfort_within_tolerance",),
                                                "no_unmet_hour": ("no_unmet_heat",)})
        shares[label] = summary["share_comfort"]
        by_hand = expected.groupby(table["combination"]).mean()
        assert summary["share_comfort"].to_dict() == pytest.approx(by_hand.to_dict())
        assert (summary["share_no_unmet_hour"] == 0.0).all()  # every row leaves some heat unmet
    assert (shares["3 %"] > shares["1 %"]).any() and (shares["3 %"] >= shares["1 %"]).all()


# --------------------------------------------------------------- techniques as batch dimensions (issue 18)
def test_technique_combinations_are_named_and_parsed():
    from mgwsim.batch.city import RICH_COMBINATIONS, Combination

    assert len(RICH_COMBINATIONS) == 31 and set(CITY_COMBINATIONS) <= set(RICH_COMBINATIONS)
    assert all(Combination.from_name(name) == c for name, c in RICH_COMBINATIONS.items())
    assert Combination.from_name("hp40_elec_pv_mv_bat") == Combination(0.4, "electric", True, mv=True, battery=True)
    with pytest.raises(InputError, match="must be in the order"):
        Combination.from_name("hp50_gas_pv_bat_ev")
    with pytest.raises(InputError, match="needs pv"):
        Combination(0.5, "gas_boiler", False, battery=True)
    stock = generate_stock(2, seed=0)
    assert set(city_table(stock, ["hp70_elec_pv_ev_dyn", "hp30_gas"])["combination"]) == {"hp70_elec_pv_ev_dyn",
                                                                                          "hp30_gas"}


def test_every_technique_on_the_array_path_equals_the_study_functions(model):
    """Each technique alone on a hybrid and an all-electric plant, and all of them together: city_row (arrays,
    the plant year shared by a building's combinations that differ only at the connection) equals
    _city_row_reference (the study's own functions: the EV sessions and charging of evaluate._ev, the
    battery's two-pass balance of evaluate._balance, assess_year with the MV/dynamic tariffs, the emitter
    upgrade's radiators, the roof insulation as an extra investment, business case, decision) to 1e-9 relative."""
    from mgwsim.batch.city import RICH_COMBINATIONS

    names = [n for n in RICH_COMBINATIONS if n not in CITY_COMBINATIONS] + ["hp50_gas_pv", "hp70_elec_pv"]
    rows = {name: {**BLOCK, "typology": "MFH.03", "n_apartments": 10, "floor_area_m2": 800.0, "n_storeys": 4,
                   "combination": name} for name in names}
    fast = {name: city_row(row, model) for name, row in rows.items()}  # the array path first: plant years shared
    for name, row in rows.items():
        _assert_same_row(fast[name], _city_row_reference(row, model))
    # each row's 'fails' is what the map reads from its flags (mgwsim.stock.failing_conditions)
    from mgwsim.stock import failing_conditions

    flags = failing_conditions(pd.DataFrame(fast).T)
    for name, found in fast.items():
        assert found["fails"] == "; ".join(c for c in flags.columns if flags.loc[name, c]), name
    for base in ("hp50_gas_pv", "hp70_elec_pv"):
        plain = fast[base]
        # roof insulated first: a lower design load to size on, the insulation among the investments
        assert fast[f"{base}_roof"]["design_heat_load_kw"] < plain["design_heat_load_kw"]
        # a battery stores PV: more CO2 avoided, its cost in the investment
        assert fast[f"{base}_bat"]["co2_avoided_t"] > plain["co2_avoided_t"]
        assert fast[f"{base}_bat"]["investment_eur"] > plain["investment_eur"]
        # the MV cabin: the connection is never the limit, the cabin costs
        assert fast[f"{base}_mv"]["connection_feasible"] and fast[f"{base}_mv"]["investment_eur"] > plain["investment_eur"]
        # the emitter upgrade and the EV chargers cost; the cars' charging is not the building's CO2 or bill
        for technique in ("emit", "ev"):
            assert fast[f"{base}_{technique}"]["investment_eur"] > plain["investment_eur"]
        assert fast[f"{base}_ev"]["co2_avoided_t"] == pytest.approx(plain["co2_avoided_t"], rel=0.05)
        # the dynamic contract changes only the bill
        assert fast[f"{base}_dyn"]["investment_eur"] == plain["investment_eur"]
        assert fast[f"{base}_dyn"]["npv_eur"] != plain["npv_eur"]


def test_the_emitter_upgrade_lowers_the_supply_temperature_by_the_radiator_equation(model):
    """The city's emitter upgrade (half the output replaced by twice the output: Φ_d' = 1.5 Φ_d) lowers the
    supply temperature the building's heat needs at every hour with heat (EN 442-2 radiator equation)."""
    from mgwsim.batch.city import CITY_EMITTER_UPGRADE, Combination

    row = {**BLOCK, "combination": "hp50_gas_pv_emit"}
    case = model.building_case(row)
    plain = case.state(Combination(0.5, "gas_boiler", True), model)
    upgraded = case.state(Combination(0.5, "gas_boiler", True, emitters=True), model)
    assert upgraded.radiators.design_output_kw == pytest.approx(1.5 * plain.radiators.design_output_kw)
    heat = plain.series[0] > 0.0
    assert np.all(upgraded.series[2][heat] < plain.series[2][heat])  # supply required [°C]
    np.testing.assert_array_equal(upgraded.series[0], plain.series[0])  # the same heat
    assert CITY_EMITTER_UPGRADE.balancing


# --------------------------------------------------------------- heat sources and the heat network (issues 17, 18)
SOURCE_ROWS = ("hp70_elec_pv_gnd", "hp70_elec_pv_wat", "hp50_gas_pv_exh", "hp70_elec_pv", "heatnet", "heatnet_emit",
               "heatnet_pv_ev_bat")
SITE = {"heat_network_zone": True, "mechanical_extract": True}


def test_sources_and_the_heat_network_are_named_and_parsed():
    from mgwsim.batch.city import RICH_COMBINATIONS, Combination

    new = {"hp70_elec_pv_gnd", "hp70_elec_pv_wat", "hp50_gas_pv_exh", "heatnet", "heatnet_emit"}
    assert new <= set(RICH_COMBINATIONS)
    assert len(RICH_COMBINATIONS) == 31
    for name in (*SOURCE_ROWS, "hp30_gas_exh_roof", "heatnet_pv_mv_dyn_roof_emit_bat"):
        assert Combination.from_name(name).name == name
    assert Combination.from_name("hp70_elec_pv_gnd") == Combination(0.7, "electric", True, source="ground")
    assert Combination.from_name("heatnet_emit") == Combination(0.0, "heat_network", False, emitters=True)
    assert Combination(0.0, "heat_network", False).heat_network
    for bad, match in ((lambda: Combination(0.5, "heat_network", False), "hp_share = 0.5 with backup 'heat_network'"),
                       (lambda: Combination(0.0, "heat_network", False, source="ground"), "no heat source"),
                       (lambda: Combination(0.5, "gas_boiler", False, source="lake"), "source = 'lake'"),
                       (lambda: Combination(0.0, "electric", False), "hp_share"),
                       (lambda: Combination.from_name("hp70_elec_gnd_pv"), "not one of"),
                       (lambda: Combination.from_name("heatnet_gnd"), "no heat source"),
                       (lambda: Combination.from_name("hp70_elec_pv_wat_gnd"), "not one of")):
        with pytest.raises(InputError, match=match):
            bad()


def test_sources_and_the_heat_network_on_the_array_path_equal_the_study_functions(model):
    """Ground (borefield sized by VDI 4640-2 and lengthened once toward the study's VDI floor, year-20 brine), canal
    water, exhaust air (units limited by the extract flow) and the heat network (substation, NMDA heat bill, EPB
    factors of external heat, the network's temperature check) give the same KPIs, flags and reasons on both
    paths (1e-9), and each row's 'fails' is what the map reads from its flags."""
    from mgwsim.stock import failing_conditions

    rows = {name: {**BLOCK, "typology": "MFH.03", "n_apartments": 10, "floor_area_m2": 800.0, "n_storeys": 4,
                   "combination": name, **SITE} for name in SOURCE_ROWS}
    fast = {name: city_row(row, model) for name, row in rows.items()}
    for name, row in rows.items():
        _assert_same_row(fast[name], _city_row_reference(row, model))
    flags = failing_conditions(pd.DataFrame(fast).T)
    for name, found in fast.items():
        assert found["fails"] == "; ".join(c for c in flags.columns if flags.loc[name, c]), name
        assert found["site_ready"]
    assert [fast[name]["needs_permit"] for name in SOURCE_ROWS] == [True, True, False, False, False, False, False]
    # the ground and the canal are warmer than the winter air: a better SPF than the air units of the same plant
    assert fast["hp70_elec_pv_wat"]["spf_h2"] > fast["hp70_elec_pv"]["spf_h2"]
    # the heat network burns nothing here and buys no heat-pump electricity; on the default factor (heat from gas at
    # the reference boiler's 90 %) it emits what the gas reference emits: no CO2 avoided, no gap per tonne
    network = fast["heatnet"]
    assert np.isnan(network["spf_h2"]) and network["backup_share"] == 1.0
    assert abs(network["co2_avoided_t"]) < 1e-6 and np.isnan(network["gap_per_t_co2_eur"])
    # 70 °C at the substation minus 5 K: today's radiators need more (a temperature lock-in of the network), the
    # emitter upgrade cures it
    assert "heat_network_temperature" in network["shortfalls"].split("; ")
    assert "heat_network_temperature" not in fast["heatnet_emit"]["shortfalls"]


def test_the_heat_network_bill_and_epc_by_hand(model):
    """The heat network's metered heat billed by the NMDA tariff (price x heat + fixed terms + metering, VAT) and
    counted in the EPC indicator at 2.0 / 0.97 primary energy per kWh (VEKA defaults), computed by hand from the
    plant year."""
    from mgwsim.batch.city import CITY_HEAT_NETWORK, Combination, _case_variant
    from mgwsim.heat_network import nmda_tariff

    row = {**BLOCK, "combination": "heatnet", **SITE}
    case = model.building_case(row)
    combination = Combination.from_name("heatnet")
    state = case.state(combination, model)
    variant = _case_variant(combination, case, state, model, model.unit_map)
    year, option, _ = _array_year(variant, case, model, state)
    heat_kwh = year.backup_input_kwh
    assert heat_kwh == pytest.approx(year.backup_heat_sh_kwh + year.backup_heat_dhw_kwh, rel=1e-12)  # efficiency 1
    tariff = nmda_tariff(model.defaults.gas)
    by_hand = (tariff["energy_eur_per_kwh"] * heat_kwh + tariff["fixed_eur_per_year"]
               + tariff["metering_eur_per_year"]) * (1.0 + tariff["vat_frac"])
    assert option.energy_eur_per_year["district_heat"] == pytest.approx(by_hand, rel=1e-9)
    assert "gas" not in option.energy_eur_per_year  # the gas connection is closed
    kpis = city_row(row, model)
    electricity = year.hp_elec_sh_kwh + year.hp_elec_dhw_kwh + year.booster_kwh + year.sh_unmet_kwh + case.auxiliary_kwh
    primary = 2.5 * electricity + 2.0 / 0.97 * heat_kwh - 2.5 * year.pv_kwh
    assert kpis["epc_kwh_m2"] == pytest.approx(primary / case.building.heated_floor_area_m2, rel=1e-9)
    assert CITY_HEAT_NETWORK.primary_factor_per_metered_kwh == pytest.approx(2.0 / 0.97)


def test_a_site_without_a_heat_network_or_an_extract_ventilation_fails_and_the_map_says_why(model):
    """Without the stock's heat_network_zone (or mechanical_extract) the row is computed but fails the map's
    'site' condition on both paths; the summary counts it and names it as the dominant reason."""
    from mgwsim.stock import FAILURE_CONDITIONS

    rows = {(name, zone): {**BLOCK, "combination": name, "building": "site test",
                           **({} if zone else {"heat_network_zone": "no", "mechanical_extract": 0})}
            for name in ("heatnet_emit", "hp50_gas_pv_exh") for zone in (False, True)}
    rows[("heatnet_emit", True)].update(SITE)
    rows[("hp50_gas_pv_exh", True)].update(SITE)
    results = {}
    for key, row in rows.items():
        results[key] = city_row(row, model)
        _assert_same_row(results[key], _city_row_reference(row, model))
    for name, missing in (("heatnet_emit", "no_heat_network"), ("hp50_gas_pv_exh", "no_extract_ventilation")):
        outside, inside = results[name, False], results[name, True]
        assert not outside["site_ready"] and not outside["qualifies"]
        assert outside["shortfalls"].split("; ")[0] == missing and outside["fails"].split("; ")[0] == "site"
        assert outside["npv_eur"] == inside["npv_eur"] and inside["site_ready"]  # computed alike, judged on its site
    assert FAILURE_CONDITIONS["site"][0] == "S"
    table = pd.DataFrame([{**results[key], "typology": "MFH.03", "combination": key[0], "error": None}
                          for key in results if not key[1]] * 3)
    summary = feasibility_summary(table, by=("combination",))
    assert (summary["share_qualifies"] == 0.0).all()
    assert (summary["dominant_failure_qualifies"] == "site").all()
    assert (summary["share_fails_site"] == 1.0).all()
    for missing in (None, float("nan"), pd.NA, False, 0, "no"):
        assert not city_row({**BLOCK, "combination": "heatnet", "heat_network_zone": missing}, model)["site_ready"]
    assert city_row({**BLOCK, "combination": "heatnet", "heat_network_zone": "Yes"}, model)["site_ready"]
    with pytest.raises(InputError, match="heat_network_zone = 'maybe'"):
        city_row({**BLOCK, "combination": "heatnet", "heat_network_zone": "maybe"}, model)


@pytest.mark.parametrize("refrigerant", ("R290", "R32", "R454C", "R454B", "R452B", "R1234ze(E)", "R134a", "R410A",
                                         "R407C", "R744"))
def test_a_batch_row_runs_with_every_refrigerant_and_default_arguments(model, refrigerant):
    """Issue 17: a city row on air_to_water(refrigerant) with default arguments (the model's weather-independent
    preparation shared with the default model): it runs, its heat pumps deliver heat, its refrigerant check is
    the study's; and a canal-water row on brine_to_water(refrigerant) with default arguments."""
    from mgwsim.heatpump import brine_to_water
    from mgwsim.study.evaluate import _refrigerant

    other = CityModel(heat_pump_map=air_to_water(refrigerant))
    other.__dict__["brine_map"] = brine_to_water(refrigerant)
    for shared in ("local_index", "dhw_pool", "pv_kw_per_kwp", "defaults", "design_temperature_degc", "day_ahead",
                   "year_constants", "temp_air_degc", "remembered_costs"):
        other.__dict__[shared] = getattr(model, shared)
    row = {**BLOCK, "combination": "hp70_elec_pv"}
    kpis = city_row(row, other)
    assert kpis["spf_h2"] > 1.0 and kpis["backup_share"] < 1.0
    case = other.building_case(row)
    variant = variant_for(CITY_COMBINATIONS["hp70_elec_pv"], case.design_kw, case.building.area_m2("roof"),
                          other.heat_pump_map)
    assert ("refrigerant_lock_in" in kpis["shortfalls"]) == (_refrigerant(variant.plant, other.defaults).status
                                                             == "fail")
    water = city_row({**row, "combination": "hp70_elec_pv_wat"}, other)
    assert water["spf_h2"] > 1.0 and water["backup_share"] < 1.0 and water["needs_permit"]


def test_the_year_n_brine_on_one_year_equals_the_full_superposition():
    """borefield_brine_degc's last year (the years folded into one year's convolution) = the last year of all years
    convolved (``all_years=True``), for 1, 2 and 20 years, finite and infinite line source, 15 boreholes."""
    from mgwsim.study.heat_sources import GroundLoop
    from mgwsim.system.sources import borefield_brine_degc

    field = GroundLoop(total_length_m=1470.0).borefield()
    hours = np.arange(8760)
    load = 20.0 + 15.0 * np.cos(2.0 * np.pi * hours / 8760.0) + np.random.default_rng(0).random(8760) * 5.0
    for model in ("finite", "infinite"):
        for years in (1, 2, 20):
            full = borefield_brine_degc(field, load, years, model=model, all_years=True)[-load.size:]
            np.testing.assert_allclose(borefield_brine_degc(field, load, years, model=model), full, rtol=0, atol=1e-9)
    assert full.min() < borefield_brine_degc(field, load, 1).min()  # twenty years cool the ground
    with pytest.raises(InputError, match="years"):
        borefield_brine_degc(field, load, 0)


def test_the_exhaust_air_units_and_the_borefield_are_sized_by_their_rules(model):
    """Exhaust air: the units are rated at the heat the typology's hygienic extract flow allows (0.4 air changes
    per hour x heated volume x 0.34 Wh/(m3 K) x (20 - 2) K, times COP / (COP - 1)), and deliver at most the flow's
    limit in every hour. Ground: the field is the longer of the VDI 4640-2 rule (rated kW x 3/4 / 50 W/m) and the
    annual ground load / 120 kWh/(m year), lengthened once by the ratio of the brine's deviations below the
    ground when its year-20 minimum falls below the study's VDI floor; the longer field's brine is warmer."""
    from dataclasses import replace as replaced

    from mgwsim.batch.city import (
        Combination,
        _case_variant,
        _run_year,
        city_source_series,
        exhaust_air_heat_kw,
        ground_load_kw,
        year_n_brine_degc,
    )
    from mgwsim.system import kernel as k

    row = {**BLOCK, "typology": "MFH.03", "n_apartments": 10, "floor_area_m2": 800.0, "n_storeys": 4}
    case = model.building_case({**row, "combination": "hp50_gas_pv_exh"})
    exhaust = Combination.from_name("hp50_gas_pv_exh")
    state = case.state(exhaust, model)
    variant = _case_variant(exhaust, case, state, model, model.unit_map)
    building = case.building
    flow = building.ventilation.air_change_per_h * building.heated_volume_m3
    assert variant.source_options.airflow_m3_h == pytest.approx(flow, rel=1e-12)
    performance = variant.plant.heat_pumps.performance
    supply = float(np.clip(state.series[2].max() + 3.0, performance.sink_degc[0], performance.sink_degc[-1]))
    cop = float(performance.cop_at(np.array([20.0]), np.array([supply]))[0])
    heat_kw = flow * 0.34 * 18.0 / 1000.0 * cop / (cop - 1.0)
    assert exhaust_air_heat_kw(variant.source_options, performance, state.series[2].max() + 3.0) == pytest.approx(
        heat_kw, rel=1e-12)
    unit_kw = max(10.0, 5.0 * round(min(0.5 * case.design_kw, heat_kw) / 5.0))
    assert variant.plant.heat_pumps.n_units == 1 and heat_kw < 0.5 * case.design_kw
    assert variant.plant.heat_pumps.rated_capacity_kw() == unit_kw
    out = _run_year(variant, state.series, case.common["total"], np.zeros(model.weather.n_hours), model)[0]
    _, limit = city_source_series(variant, state.series, model)
    assert np.all(out[:, k.HP_HEAT_SH] + out[:, k.HP_HEAT_DHW] <= limit * model.weather.step_h + 1e-9)

    ground = Combination.from_name("hp70_elec_pv_gnd")
    state = case.state(ground, model)
    variant = _case_variant(ground, case, state, model, model.unit_map)
    rated = variant.plant.heat_pumps.rated_capacity_kw()
    load = ground_load_kw(state.series, rated)
    first = max(round(rated * 0.75 * 1000.0 / 50.0, -1), round(load.sum() / 120.0, -1), 20.0)
    before = year_n_brine_degc(replaced(variant.source_options, total_length_m=first), load)
    floor = max(11.5 - 17.0, variant.plant.heat_pumps.performance.source.min_degc + 1.0)
    assert before.min() < floor  # this block's field needs the lengthening
    length = math.ceil(first * (11.5 - before.min()) / (11.5 - floor) / 10.0) * 10.0
    assert variant.source_options.total_length_m == length
    assert year_n_brine_degc(variant.source_options, load).min() > before.min()
    # a tower's load beyond 400 boreholes keeps 400 (as the study's sizing): the row runs, its backup takes over
    tower = {**BLOCK, "typology": "AB.03", "floor_area_m2": 62000.0, "n_apartments": 780, "n_storeys": 38,
             "combination": "hp70_elec_pv_gnd"}
    case = model.building_case(tower)
    variant = _case_variant(ground, case, case.state(ground, model), model, model.unit_map)
    assert variant.source_options.total_length_m == 400 * 100.0 and variant.source_options.borefield().n_boreholes == 400
    assert city_row(tower, model)["backup_share"] > 0.2
