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
from mgwsim.batch.city import (
    MAX_UNIT_KW,
    _array_year,
    _city_row_reference,
    _study_demand,
    _study_reference,
    variant_for,
)
from mgwsim.errors import InputError
from mgwsim.heatpump import air_to_water
from mgwsim.stock import DEFAULT_CRITERIA, feasibility_summary, generate_stock

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
    assert fast["design_heat_load_kw"] == slow["design_heat_load_kw"]
    if city.startswith("hp50_gas"):  # below the 100 kVA connection: no upgrade, the same items
        assert fast["investment_eur"] == pytest.approx(slow["investment_eur"], rel=1e-12)
    else:  # all-electric: about 130 kVA, an upgrade whose per-kVA part follows the peak
        per_kva = model.defaults.connection_costs["lv_capacity_eur_per_kva"]
        assert abs(fast["investment_eur"] - slow["investment_eur"]) <= per_kva * 3.0
    assert fast["spf_h2"] == pytest.approx(slow["spf_h2"], rel=0.01)
    assert abs(fast["npv_eur"] - slow["npv_eur"]) <= 0.01 * slow["investment_eur"]
    assert fast["epc_kwh_m2"] == pytest.approx(slow["epc_kwh_m2"], rel=0.01)
    for flag in ("no_unmet_heat", "npv_ge_0", "npv_with_subsidy_ge_0"):
        assert fast[flag] == slow[flag]


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
    assert set(summary.columns) >= {f"share_{name}" for name in DEFAULT_CRITERIA}
    single = city_row({**table.iloc[0].to_dict(), "seed": int(results["seed"].iloc[0])}, model)
    assert results.iloc[0]["npv_eur"] == single["npv_eur"]  # a batch row equals the single run, bit for bit
    assert isinstance(results, pd.DataFrame)


def test_a_buildings_combinations_share_its_occupants(model):
    """With a building id, the draws follow the building, not the row: the combinations are a paired comparison."""
    row = {**BLOCK, "building": "b7", "combination": "hp50_gas"}
    first = city_row({**row, "seed": 1}, model)
    assert city_row({**row, "seed": 2}, model) == first
    assert city_row({**row, "building": "b8"}, model)["npv_eur"] != first["npv_eur"]


def test_city_rows_run_on_hourly_years_only(model):
    with pytest.raises(InputError, match="allowed: hourly"):
        CityModel(model.weather.to_quarter_hours())


# --------------------------------------------------------------- array path = reference path
STOCK_ROWS = (  # (building id of generate_stock(8, seed=0), combination): why the row is in the sample
    *((0, name) for name in CITY_COMBINATIONS),  # MFH.03: all twelve combinations, with and without PV
    (5, "hp30_elec"), (5, "hp50_gas_pv"), (5, "hp70_elec_pv"),  # MFH.05: hot-water hygiene fails (hp30, hp50)
    (4, "hp50_elec_pv"), (4, "hp70_gas"),  # AB.04: a large block, two units
    (2, "hp30_gas_pv"), (7, "hp50_elec"),  # MFH.01.Small, MFH.04.Small
    (1, "hp30_gas"),  # MFH.02.Small: a positive NPV with subsidy, although the hybrid replaces its boiler too
)


def _assert_same_row(fast: dict, reference: dict):
    """Every KPI to 1e-9 relative, every flag and count identical (same type too)."""
    assert fast.keys() == reference.keys()
    for key, expected in reference.items():
        if isinstance(expected, bool | int):
            assert type(fast[key]) is type(expected) and fast[key] == expected, key
        else:
            assert isinstance(fast[key], float), key
            assert fast[key] == pytest.approx(expected, rel=1e-9, nan_ok=True), key


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
    assert not by_row[5, "hp30_elec"]["lock_in_pass"]  # all-electric: only the hot-water hygiene can fail
    assert by_row[0, "hp30_elec"]["lock_in_pass"] and not by_row[0, "hp30_gas"]["lock_in_pass"]  # fossil lock-in
    # city rows give none of the Klimaatfonds facts (construction year, lock-in on the path, ...): its
    # conditions are not checked, so no grant is paid and the flag with subsidy is the flag without
    assert all(fast["npv_with_subsidy_ge_0"] == fast["npv_ge_0"] for fast, _ in results)


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
    rows = [stock_table.loc[row_id].to_dict() for row_id in ("2/hp30_elec", "2/hp70_gas", "7/hp70_elec")]
    results = [(city_row(row, model), _city_row_reference(row, model)) for row in rows]
    for fast, reference in results:
        _assert_same_row(fast, reference)
    # temperature lock-in: fail (backup share 14 %); warn but the gas boiler fails the fossil check; warn
    assert [fast["lock_in_pass"] for fast, _ in results] == [False, False, True]


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
        hourly = _study_demand(case, model).hourly
        for name, values in zip(("space_heating_kwh", "dhw_kwh", "supply_required_degc", "return_required_degc"),
                                case.series, strict=True):
            assert np.array_equal(values, hourly[name].to_numpy()), (building, name)


def test_a_failing_building_fails_all_its_rows_with_its_error(model):
    row = {**BLOCK, "n_storeys": 0, "combination": "hp50_gas"}
    for combination in ("hp50_gas", "hp70_elec"):  # the second row gets the building's kept error
        with pytest.raises(InputError, match="n_storeys"):
            city_row({**row, "combination": combination}, model)
    assert sum(isinstance(case, InputError) for case in model._cases.values()) == 1
