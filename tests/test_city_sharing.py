"""City rows share work within a building (plant years, twins, grid years, states) without changing a number."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from mgwsim.assess import fossil_lock_in
from mgwsim.batch import CityModel, city_row, city_table
from mgwsim.batch import _city_arrays as arrays
from mgwsim.batch.city import (
    CITY_EMITTER_UPGRADE,
    REFERENCE_PLANT_KEY,
    RICH_COMBINATIONS,
    _case_variant,
    _plant_items,
    _plant_variant,
    _run_year,
    _same_heat_flows,
    _twin_key,
    city_ev_site,
)
from mgwsim.building.emitters import radiators_for
from mgwsim.control import Control
from mgwsim.demand import demand_series, through_radiators
from mgwsim.stock import generate_stock
from mgwsim.study.costs import plant_investments, variant_investments
from mgwsim.system import kernel

@pytest.fixture(scope="module")
def model() -> CityModel:
    return CityModel()


@pytest.fixture(scope="module")
def records() -> list[dict]:
    stock = generate_stock(3, seed=11).assign(heat_network_zone=True, mechanical_extract=True)
    return [{**r, "seed": 5} for r in city_table(stock, list(RICH_COMBINATIONS)).to_dict("records")]


def _same(a: dict, b: dict) -> bool:
    """Every column equal, NaN to NaN."""
    return a.keys() == b.keys() and all(
        a[k] == b[k] or (isinstance(a[k], float) and math.isnan(a[k]) and math.isnan(b[k])) for k in a)


@pytest.mark.parametrize("order", ["as_listed", "reversed"])
def test_a_row_after_its_buildings_other_rows_equals_the_row_alone(model, records, order):
    """Shared plant years, twins (either of a pair first), grid years and states give each row the numbers it
    gets from a fresh building case: equal, not close."""
    rows = records if order == "as_listed" else records[::-1]
    model._cases.clear()
    in_sequence = [city_row(r, model) for r in rows]
    for row, shared in zip(rows, in_sequence, strict=True):
        model._cases.clear()
        assert _same(city_row(row, model), shared), row["combination"]


def _case_and_state(model, record):
    model._cases.clear()
    case = model.building_case(record)
    return case, case.state_of((False, False), model)


def test_twins_get_the_same_heat_flows_from_the_kernel(model, records):
    """The premise of the twins: with heat-led control and no import limit, a gas boiler or an electric heater as
    backup (and the reference boiler or the heat-network substation) leave every kernel output but the backup's
    input unchanged, and the twin's year from the kept parts equals its own run's."""
    case, state = _case_and_state(model, records[0])

    def plant(name):
        return _plant_variant(RICH_COMBINATIONS[name], case, state, model.unit_map, model.weather.step_h)

    pairs = [(plant(a), plant(b)) for a, b in (("hp50_gas", "hp50_elec"), ("hp70_gas_pv", "hp70_elec_pv"))]
    pairs.append((case.reference_variant, plant("heatnet")))
    others = [c for c in range(kernel.N_OUTPUTS) if c != kernel.BACKUP_INPUT]
    for a, b in pairs:
        assert _same_heat_flows(a, b, state.series, model)
        pv = np.zeros(model.weather.n_hours)
        out_a = _run_year(a, state.series, case.common["total"], pv, model)[0]
        out_b = _run_year(b, state.series, case.common["total"], pv, model)[0]
        assert np.array_equal(out_a[:, others], out_b[:, others], equal_nan=True)  # NaN: the zone, decoupled
        own_sums, own_kw = arrays.plant_sums(out_b, b.plant.backup.kind == "electric")
        sums, _ = arrays.plant_sums(out_a, a.plant.backup.kind == "electric")
        twin_sums, twin_kw = arrays.with_backup(sums, arrays.backup_parts(out_a), b.plant.backup.kind == "electric",
                                                b.plant.backup.efficiency)
        assert twin_sums == own_sums and np.array_equal(twin_kw, own_kw)


def test_plants_whose_kernel_inputs_differ_are_no_twins(model, records):
    case, state = _case_and_state(model, records[0])
    gas, elec, bigger = (_plant_variant(RICH_COMBINATIONS[n], case, state, model.unit_map, model.weather.step_h)
                         for n in ("hp50_gas", "hp50_elec", "hp70_elec"))
    assert not _same_heat_flows(gas, bigger, state.series, model)  # other units, another buffer
    limited = replace(elec, control=Control(import_limit_kw=40.0))  # the budget then binds the electric heater
    assert not _same_heat_flows(gas, limited, state.series, model)
    assert _twin_key(RICH_COMBINATIONS["hp50_gas_pv_roof"]) == (0.5, "electric", True, False, "air")
    assert _twin_key(RICH_COMBINATIONS["heatnet"]) == REFERENCE_PLANT_KEY
    assert _twin_key(RICH_COMBINATIONS["heatnet_emit"]) is None


def test_the_emitter_upgrade_heats_the_same_zone_through_other_radiators(model, records):
    case, _ = _case_and_state(model, records[0])
    radiators = CITY_EMITTER_UPGRADE.apply(radiators_for(case.design_kw))
    draws, cold = model.draw_kwh(case.building.n_apartments, case.draws_seed), model.dhw_pool[2]
    plain = demand_series(case.building, model.weather, radiators_for(case.design_kw), draws, cold)
    upgraded = demand_series(case.building, model.weather, radiators, draws, cold)
    reused = through_radiators(plain, radiators, model.weather.step_h)
    for name, expected in upgraded._asdict().items():
        got = getattr(reused, name)
        assert got == expected if name == "loop" else np.array_equal(got, expected), name


def test_a_plants_kept_investments_are_those_priced_afresh(model, records):
    """The plant's investments kept per plant key (priced once per building) are those plant_investments gives
    each variant on the unkept cost table, and variant_investments with them equals variant_investments without."""
    model._cases.clear()
    inputs = model.defaults
    for record in records[:len(RICH_COMBINATIONS)]:
        combination = RICH_COMBINATIONS[record["combination"]]
        case = model.building_case(record)
        variant = _case_variant(combination, case, case.state(combination, model), model, model.unit_map)
        kept = _plant_items(variant, case, model, combination.plant_key)
        options = {"design_heat_load_kw": case.design_kw, "existing_boiler_age_years": inputs.existing_boiler_age_years}
        assert list(kept) == plant_investments(variant, inputs.cost_table, **options), record["combination"]
        full = {**options, "radiators": radiators_for(case.design_kw), "n_apartments": case.building.n_apartments,
                "existing_connection_kva": inputs.existing_connection_kva, "peak_import_kw": 30.0,
                "mv_tariff": model.year_constants.tariff("mv", False)}
        assert variant_investments(variant, inputs.cost_table, plant_items=kept, **full) == \
            variant_investments(variant, inputs.cost_table, **full), record["combination"]


@pytest.mark.parametrize("share", [0.0, 1e-9, 0.05, 0.1, 0.1 + 1e-12, 0.3, 0.5, 1.0])
@pytest.mark.parametrize("install_year", [2026, 2040])
def test_the_fossil_status_is_the_checks_status(share, install_year):
    assert arrays.fossil_status(share, install_year) == fossil_lock_in({install_year: share}).status


def test_the_fossil_status_refuses_what_the_check_refuses():
    with pytest.raises(Exception, match="fossil_lock_in"):
        arrays.fossil_status(0.2, 2045)  # installed after the phase-out year: no state for it
    with pytest.raises(Exception, match=r"results\[2026\]"):
        arrays.fossil_status(1.5, 2026)


def test_an_ev_site_is_built_once_per_size():
    assert city_ev_site(20) is city_ev_site(20) and city_ev_site(20).n_points == 6
