"""Sizing search (issue 7, item 2): brute-force optimum, constraints per point, refinement, map cache, figure."""

from __future__ import annotations

from dataclasses import replace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from mgwsim.errors import InputError  # noqa: E402
from mgwsim.examples import antwerp_block  # noqa: E402
from mgwsim.finance import business_case  # noqa: E402
from mgwsim.heatpump import PerformanceMap, Source, carnot_map  # noqa: E402
from mgwsim.pv import flat_roof_east_west  # noqa: E402
from mgwsim.storage import Tank  # noqa: E402
from mgwsim.study.study import project_facts
from mgwsim.study import Study, StudyInputs, Variant, VariantResult, evaluate_variant  # noqa: E402
from mgwsim.study.search import (  # noqa: E402
    LOCK_IN_CHECKS,
    POWER_FACTOR,
    MapCache,
    SearchResult,
    scale_map,
    sizing_search,
)
from mgwsim.system import Backup, HeatPumpCascade, HotWater, Plant, gas_boiler_reference  # noqa: E402

SOURCE_DEGC = np.linspace(-25.0, 35.0, 13)
SINK_DEGC = np.linspace(36.0, 81.0, 10)
MAX_SUPPLY_DEGC = {"R290": 75.0, "R32": 60.0}  # R32 units stop at 60 °C: temperature lock-in on 75/65 radiators
BACKUPS = {"gas_boiler": Backup("gas_boiler", 150.0, 0.80), "electric": Backup("electric", 100.0, 1.0),
           "none": Backup()}


def carnot_factory(refrigerant: str, rated_capacity_kw: float) -> PerformanceMap:
    return carnot_map(SOURCE_DEGC, SINK_DEGC, rated_capacity_kw=rated_capacity_kw, source=Source("air"),
                      max_sink_degc=MAX_SUPPLY_DEGC[refrigerant], model=f"{refrigerant} Carnot")


MAPS = MapCache(carnot_factory)


def make_variant(params: dict) -> Variant:
    """A collective air/water plant; ``heat_pump_kw`` is the cascade's total rated capacity."""
    n_units = params.get("n_units", 2)
    unit = MAPS(params["heat_pump_kw"] / n_units, params.get("refrigerant", "R290"))
    plant = Plant(HeatPumpCascade(unit, n_units), HotWater(Tank(1500.0, min_degc=55.0, max_degc=75.0), booster_kw=18.0),
                  Tank(params.get("buffer_l", 2000.0), 20.0, 80.0), BACKUPS[params.get("backup", "gas_boiler")])
    kwp = params.get("pv_kwp", 0.0)
    pv = tuple(flat_roof_east_west(300.0, kwp=kwp)) if kwp else ()
    return Variant(f"point {sorted(params.items())}", plant, pv=pv, connection=params.get("connection", "lv"))


REFERENCE = Variant("gas boiler (reference)", gas_boiler_reference(160.0), keeps_existing_boiler=False)


@pytest.fixture(scope="module")
def inputs() -> StudyInputs:
    return StudyInputs(antwerp_block())  # the embedded weather year


@pytest.fixture(scope="module")
def reference(inputs) -> VariantResult:
    return evaluate_variant(inputs, REFERENCE)


def by_hand(inputs, reference, params) -> dict:
    """NPV and constraints of one point, computed directly (the brute-force oracle)."""
    result = evaluate_variant(inputs, make_variant(params))
    option = replace(result.option, study_cost_incl_vat_eur=inputs.study_cost_incl_vat_eur)  # the variant pays the study
    case = business_case(option, reference.option, inputs.finance, subsidy_rules=inputs.subsidies,
                         building_age_years=inputs.building_age_years, facts=project_facts(inputs, result, None))
    unmet = int(result.system.kpis()["unmet_hours"])
    lock_in_ok = all(c.status != "fail" for c in result.checks if c.name in LOCK_IN_CHECKS)
    connection_ok = result.balance["grid_import_kwh"].max() / 0.95 <= inputs.existing_connection_kva
    return {"npv_eur": case.npv_eur, "feasible": unmet == 0 and lock_in_ok and connection_ok}


def params_of(table: pd.DataFrame, point: int, names) -> dict:
    return {name: table.loc[point, name].item() if isinstance(table.loc[point, name], np.generic)
            else table.loc[point, name] for name in names}


# ---------------------------------------------------------------------------------------
# the known optimum
# ---------------------------------------------------------------------------------------


def test_search_returns_brute_force_argmax_among_feasible_points(inputs, reference):
    # 3 x 2 grid; a heat pump without backup leaves heat unmet (infeasible), and the order puts the optimum mid-grid
    grid = {"heat_pump_kw": [80.0, 40.0, 120.0], "backup": ["none", "gas_boiler"]}
    result = sizing_search(inputs, REFERENCE, make_variant, grid)  # the reference as a Variant: evaluated once inside
    points = [{"heat_pump_kw": kw, "backup": backup} for kw in grid["heat_pump_kw"] for backup in grid["backup"]]
    oracle = [by_hand(inputs, reference, p) for p in points]

    table = result.table
    assert list(table[["heat_pump_kw", "backup"]].itertuples(index=False, name=None)) == \
        [(p["heat_pump_kw"], p["backup"]) for p in points]
    np.testing.assert_allclose(table["npv_eur"], [o["npv_eur"] for o in oracle], rtol=1e-12)
    assert list(table["feasible"]) == [o["feasible"] for o in oracle]
    feasible = [i for i, o in enumerate(oracle) if o["feasible"]]
    expected = max(feasible, key=lambda i: oracle[i]["npv_eur"])
    # the case discriminates: some points are infeasible, and the optimum is neither the first grid point
    # nor the first feasible one
    assert 0 < len(feasible) < len(points) and expected not in (0, feasible[0])
    assert result.best_params == points[expected]
    assert result.best["npv_eur"] == pytest.approx(oracle[expected]["npv_eur"], rel=1e-12)
    # the full evaluation of the best point is kept, with its business case
    assert result.best_case.npv_eur == pytest.approx(oracle[expected]["npv_eur"], rel=1e-12)
    assert result.best_result.variant.plant.heat_pumps.rated_capacity_kw() == pytest.approx(
        points[expected]["heat_pump_kw"])
    assert result.best_result.variant.plant.backup.kind == points[expected]["backup"]


def test_pv_enters_the_table_and_the_investment(inputs, reference):
    result = sizing_search(inputs, reference, make_variant, {"heat_pump_kw": [60.0], "pv_kwp": [0.0, 30.0]},
                           constraints=())
    table = result.table
    np.testing.assert_allclose(table["pv_installed_kwp"], [0.0, 30.0])
    assert table.loc[1, "investment_eur"] > table.loc[0, "investment_eur"]
    assert table.loc[1, "co2_t"] < table.loc[0, "co2_t"] and table.loc[1, "self_consumption"] > 0


def test_search_npv_equals_the_study_npv(inputs, reference):
    params = {"heat_pump_kw": 60.0}
    result = sizing_search(inputs, reference, make_variant, {"heat_pump_kw": [60.0]}, constraints=())
    variant = make_variant(params)
    study_npv = Study(inputs, REFERENCE, [variant]).run().case(variant.name).npv_eur
    assert result.table.loc[0, "npv_eur"] == pytest.approx(study_npv, rel=1e-12)


def test_best_npv_point_with_unmet_heat_is_rejected_for_the_next_feasible_one(inputs, reference):
    # 120 kW without backup leaves heat unmet in the coldest hours; that heat is priced as the occupants'
    # electric heating (never a saving), and still the point's NPV beats the same plant with a gas boiler,
    # whose replacement it avoids: the constraint, not the money, must reject it
    grid = {"heat_pump_kw": [120.0], "backup": ["none", "gas_boiler"]}
    result = sizing_search(inputs, reference, make_variant, grid, constraints=("no_unmet_heat",))
    table = result.table
    top = table["npv_eur"].idxmax()
    assert params_of(table, top, grid) == {"heat_pump_kw": 120.0, "backup": "none"}
    assert table.loc[top, "unmet_hours"] > 0
    assert not table.loc[top, "feasible"] and table.loc[top, "violations"] == "no_unmet_heat"
    feasible = table[table["unmet_hours"] == 0]
    assert len(feasible) >= 1 and table["feasible"].equals(table["unmet_hours"] == 0)
    expected = feasible["npv_eur"].idxmax()
    assert result.best_params == params_of(table, expected, grid)
    assert result.best_params != params_of(table, top, grid)
    assert int(result.best_result.system.kpis()["unmet_hours"]) == 0


def test_no_feasible_point_gives_no_best(inputs, reference):
    result = sizing_search(inputs, reference, make_variant, {"heat_pump_kw": [40.0], "backup": ["none"]})
    assert not result.table["feasible"].any()
    assert result.best is None and result.best_params is None and result.best_result is None
    assert result.pareto_front().empty
    ax = result.trade_off_figure()
    assert ax.get_title() == "Sizing search: 1 points, 0 feasible"
    plt.close(ax.figure)


# ---------------------------------------------------------------------------------------
# constraints per point
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mixed(inputs, reference) -> SearchResult:
    """R32 at 60 °C fails the temperature lock-in, the 100 kW electric backup overloads the 100 kVA connection."""
    grid = {"heat_pump_kw": [60.0], "refrigerant": ["R290", "R32"], "backup": ["gas_boiler", "electric"],
            "connection": ["lv", "mv"]}
    return sizing_search(inputs, reference, make_variant, grid)


def test_constraints_are_reported_per_point(inputs, mixed):
    table = mixed.table
    assert len(table) == 8
    checks = table[[f"check_{name}" for name in LOCK_IN_CHECKS]]
    np.testing.assert_array_equal(table["ok_no_unmet_heat"], table["unmet_hours"] == 0)
    np.testing.assert_array_equal(table["ok_lock_in_pass"], ~(checks == "fail").any(axis=1))
    within = table["peak_import_kw"] / POWER_FACTOR <= inputs.existing_connection_kva
    np.testing.assert_array_equal(table["ok_connection"], within | (table["connection"] == "mv"))
    oks = table[["ok_no_unmet_heat", "ok_lock_in_pass", "ok_connection"]]
    np.testing.assert_array_equal(table["feasible"], oks.all(axis=1))
    for point, row in table.iterrows():
        expected = [name for name in ("no_unmet_heat", "lock_in_pass", "connection") if not row[f"ok_{name}"]]
        assert row["violations"] == ", ".join(expected), point
    # the case discriminates: every constraint is violated somewhere, and something is feasible
    assert not oks.all().any() and table["feasible"].any()
    r32 = table[table["refrigerant"] == "R32"]
    assert (r32["check_temperature_lock_in"] == "fail").all() and not r32["ok_lock_in_pass"].any()
    electric_lv = table[(table["backup"] == "electric") & (table["connection"] == "lv")]
    assert not electric_lv["ok_connection"].any()
    # the MV cabin is a new connection sized on the peak: exempt
    assert table[table["connection"] == "mv"]["ok_connection"].all()
    assert mixed.best_params["refrigerant"] == "R290" and mixed.best_params["backup"] == "gas_boiler"


def test_without_constraints_every_point_is_feasible_and_objectives_pick_their_extreme(inputs, reference, mixed):
    grid = {"heat_pump_kw": [60.0], "refrigerant": ["R290", "R32"], "backup": ["gas_boiler", "electric"]}
    free = sizing_search(inputs, reference, make_variant, grid, constraints=())
    assert free.table["feasible"].all() and (free.table["violations"] == "").all()
    assert free.best_params == params_of(free.table, free.table["npv_eur"].idxmax(), grid)
    by_co2 = sizing_search(inputs, reference, make_variant, grid, constraints=(), objective="co2")
    assert by_co2.best_params == params_of(by_co2.table, by_co2.table["co2_t"].idxmin(), grid)
    # the lowest-CO2 point is not the best NPV here: the objective matters
    assert by_co2.best_params != free.best_params


# ---------------------------------------------------------------------------------------
# refinement
# ---------------------------------------------------------------------------------------


def test_refinement_finds_the_smallest_heat_pump_without_unmet_heat(inputs, reference):
    grid = {"heat_pump_kw": [150.0, 300.0, 450.0], "backup": ["none"]}
    result = sizing_search(inputs, reference, make_variant, grid, constraints=("no_unmet_heat",),
                           refine="heat_pump_kw", refine_xatol=2.0, refine_maxiter=20)
    table = result.table
    grid_rows, refined = table[table["stage"] == "grid"], table[table["stage"] == "refine"]
    assert len(grid_rows) == 3 and len(refined) >= 3
    assert refined["heat_pump_kw"].between(150.0, 450.0).all()
    grid_best = grid_rows[grid_rows["feasible"]]["npv_eur"].max()
    assert result.best["stage"] == "refine" and result.best["feasible"]
    assert result.best["npv_eur"] > grid_best
    best_kw = result.best_params["heat_pump_kw"]
    assert 150.0 < best_kw < 300.0
    # the optimum sits on the constraint boundary: bracketed by an infeasible trial just below it
    below = table[(table["heat_pump_kw"] < best_kw) & ~table["feasible"]]["heat_pump_kw"]
    assert best_kw - below.max() < 5.0
    assert not table[(table["heat_pump_kw"] < best_kw)]["feasible"].any()


# ---------------------------------------------------------------------------------------
# heat-pump maps per size
# ---------------------------------------------------------------------------------------


def test_map_cache_builds_one_map_per_refrigerant_and_scales_exactly():
    calls = []

    def factory(refrigerant, kw):
        calls.append((refrigerant, kw))
        return carnot_factory(refrigerant, kw)

    maps = MapCache(factory, base_kw=10.0)
    m30 = maps(30.0, "R290")
    assert maps(30.0, "R290") is m30
    maps(45.0, "R290")
    maps(30.0, "R32")
    assert calls == [("R290", 10.0), ("R32", 10.0)] and maps.n_base_maps == 2 and len(maps) == 3
    direct = carnot_factory("R290", 30.0)
    np.testing.assert_allclose(m30.capacity_kw, direct.capacity_kw, rtol=1e-12)
    np.testing.assert_array_equal(m30.cop, direct.cop)
    assert m30.rated_capacity_kw == 30.0 and m30.max_sink_degc == direct.max_sink_degc


def test_scaled_cycle_map_equals_the_cycle_map_of_that_size():
    pytest.importorskip("CoolProp")
    from mgwsim.heatpump import cycle_map

    src, snk = np.array([-7.0, 2.0, 7.0]), np.array([40.0, 55.0])
    small = cycle_map("R290", src, snk, rated_capacity_kw=10.0, use_cache=False)
    large = cycle_map("R290", src, snk, rated_capacity_kw=25.0, use_cache=False)
    scaled = scale_map(small, 25.0)
    np.testing.assert_allclose(scaled.capacity_kw, large.capacity_kw, rtol=1e-9)
    np.testing.assert_array_equal(scaled.cop, large.cop)


def test_scale_map_rejects_bad_inputs():
    pmap = carnot_factory("R290", 10.0)
    with pytest.raises(InputError, match="rated_capacity_kw"):
        scale_map(pmap, 0.0)
    unrated = PerformanceMap(pmap.source_degc, pmap.sink_degc, pmap.cop, pmap.capacity_kw)
    with pytest.raises(InputError, match="no rated_capacity_kw"):
        scale_map(unrated, 20.0)
    with pytest.raises(InputError, match="not a PerformanceMap"):
        MapCache(lambda refrigerant, kw: None)(20.0)


# ---------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("grid, match", [
    ({}, "non-empty dict"),
    ([("heat_pump_kw", [40.0])], "non-empty dict"),
    ({"heat_pump_kw": []}, r"grid\['heat_pump_kw'\] is empty"),
    ({"heat_pump_kw": "40"}, "must be a sequence"),
    ({"heat_pump_kw": 40.0}, "must be a sequence"),
    ({"npv_eur": [1.0]}, "clashes with a result column"),
    ({"": [1.0]}, "non-empty parameter names"),
])
def test_bad_grid_raises(inputs, reference, grid, match):
    with pytest.raises(InputError, match=match):
        sizing_search(inputs, reference, make_variant, grid)


@pytest.mark.parametrize("kwargs, match", [
    ({"objective": "irr"}, "objective = 'irr' is not one of"),
    ({"constraints": ("no_unmet_heat", "quiet")}, "constraints = 'quiet'"),
    ({"n_workers": 0}, "n_workers"),
    ({"refine": "pv_kwp"}, "not a grid parameter"),
    ({"refine": "backup"}, "must hold finite numbers"),
    ({"refine_xatol": 0.0}, "refine_xatol"),
])
def test_bad_options_raise(inputs, reference, kwargs, match):
    grid = {"heat_pump_kw": [40.0, 60.0], "backup": ["gas_boiler"]}
    with pytest.raises(InputError, match=match):
        sizing_search(inputs, reference, make_variant, grid, **kwargs)


def test_refine_needs_two_values(inputs, reference):
    with pytest.raises(InputError, match="at least two different values"):
        sizing_search(inputs, reference, make_variant, {"heat_pump_kw": [40.0, 40.0]}, refine="heat_pump_kw")


def test_bad_make_variant_names_the_point(inputs, reference):
    with pytest.raises(InputError, match=r"make_variant\(\{'heat_pump_kw': 40.0\}\) returned NoneType"):
        sizing_search(inputs, reference, lambda params: None, {"heat_pump_kw": [40.0]})

    def negative_buffer(params):
        return make_variant(params | {"buffer_l": -1.0})

    with pytest.raises(InputError, match=r"make_variant\(\{'heat_pump_kw': 40.0\}\) failed"):
        sizing_search(inputs, reference, negative_buffer, {"heat_pump_kw": [40.0]})
    with pytest.raises(InputError, match="reference must be a Variant or VariantResult"):
        sizing_search(inputs, "gas", make_variant, {"heat_pump_kw": [40.0]})


# ---------------------------------------------------------------------------------------
# result object: Pareto front, figure, parallel run
# ---------------------------------------------------------------------------------------


def synthetic_result() -> SearchResult:
    """Five points by hand: C and A are the Pareto front, B is dominated by A, D is infeasible, E by C."""
    table = pd.DataFrame({
        "heat_pump_kw": [40.0, 60.0, 80.0, 100.0, 120.0],
        "investment_eur": [100e3, 120e3, 150e3, 170e3, 200e3],
        "npv_eur": [-10e3, -20e3, -30e3, 50e3, -40e3],
        "co2_reduction": [0.40, 0.35, 0.60, 0.90, 0.55],
        "subsidy_gap_eur": [10e3, 20e3, 30e3, 0.0, 40e3],
        "co2_t": [30.0, 32.0, 20.0, 5.0, 22.0],
        "feasible": [True, True, True, False, True],
        "stage": ["grid"] * 5,
    }, index=pd.RangeIndex(5, name="point"))
    return SearchResult(table, ("heat_pump_kw",), "npv", ("no_unmet_heat",))


def test_pareto_front_and_best_of_a_hand_made_table():
    result = synthetic_result()
    assert list(result.pareto_front().index) == [0, 2]  # by CO2 reduction
    assert result.best_params == {"heat_pump_kw": 40.0}  # D has the top NPV but is infeasible
    by_co2 = SearchResult(result.table, ("heat_pump_kw",), "co2", ("no_unmet_heat",))
    assert by_co2.best_params == {"heat_pump_kw": 80.0}
    assert list(result.feasible.index) == [0, 1, 2, 4]


def test_subsidy_gap_ties_go_to_the_higher_npv():
    table = synthetic_result().table.assign(npv_eur=[5e3, 20e3, 1e3, 50e3, -40e3],
                                            subsidy_gap_eur=[0.0, 0.0, 0.0, 0.0, 40e3])
    result = SearchResult(table, ("heat_pump_kw",), "subsidy_gap", ())
    assert result.best_params == {"heat_pump_kw": 60.0}


def test_trade_off_figure_marks_feasible_infeasible_front_and_best():
    result = synthetic_result()
    ax = result.trade_off_figure()
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["infeasible (1)", "feasible (4)", "Pareto front (NPV vs CO2 reduction)", "best by npv"]
    front = next(line for line in ax.get_lines() if line.get_label().startswith("Pareto"))
    np.testing.assert_allclose(front.get_xdata(), [100.0, 150.0])  # kEUR, by investment
    np.testing.assert_allclose(front.get_ydata(), [-10.0, -30.0])
    assert ax.get_xlabel() == "investment excl. VAT [kEUR]"
    plt.close(ax.figure)
    fig, ax2 = plt.subplots()
    assert result.trade_off_figure(ax=ax2) is ax2
    plt.close(fig)


def test_search_figure_html_and_progress(inputs, reference, mixed):
    ax = mixed.trade_off_figure()
    assert ax.get_title() == f"Sizing search: 8 points, {int(mixed.table['feasible'].sum())} feasible"
    plt.close(ax.figure)
    html = mixed._repr_html_()
    assert "best by npv" in html and "violations" in html
    seen = []
    sizing_search(inputs, reference, make_variant, {"heat_pump_kw": [40.0, 60.0]},
                  progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 2), (2, 2)]


def test_worker_processes_give_the_same_table(inputs, reference):
    grid = {"heat_pump_kw": [40.0, 80.0], "pv_kwp": [15.0]}
    serial = sizing_search(inputs, reference, make_variant, grid)
    parallel = sizing_search(inputs, reference, make_variant, grid, n_workers=2)
    pd.testing.assert_frame_equal(serial.table, parallel.table)
    assert parallel.best_params == serial.best_params
    assert parallel.best_case.npv_eur == pytest.approx(serial.best_case.npv_eur, rel=1e-12)


# ------------------------------------------------------------------ the smallest connection (issue 18, item 2)

def all_electric(params: dict) -> Variant:
    """The heat pumps with an electric backup, optionally peak-limited at ``limit_kw`` (no look-ahead)."""
    variant = make_variant({"heat_pump_kw": 60.0, "backup": "electric"})
    if "limit_kw" in params:
        from mgwsim.control import Control

        variant = replace(variant, control=Control("peak_limited", import_limit_kw=params["limit_kw"]))
    return variant


def test_the_bisection_finds_the_hand_computed_smallest_limit_of_a_battery_peak():
    """A 10 kW load with one 30 kW hour and a 5 kWh lossless battery held full for peaks: by hand the
    smallest import limit the battery can hold is 30 - 5 = 25 kW; the bisection finds it to its tolerance."""
    from mgwsim.battery import Battery
    from mgwsim.electric import electricity_balance
    from mgwsim.study.connection import smallest_feasible

    index = pd.date_range("2026-01-05", periods=48, freq="h", tz="Europe/Brussels")
    load = np.full(48, 10.0)
    load[30] = 30.0
    calls = []

    def feasible(limit_kw: float) -> bool:
        battery = Battery(5.0, 100.0, round_trip_efficiency=1.0, soc_initial_frac=1.0, self_discharge_frac_per_month=0.0,
                          peak_limit_kw=limit_kw, peak_reserve_frac=1.0)
        balance = electricity_balance(index, loads_kw={"load": load}, battery=battery)
        calls.append(limit_kw)
        return float(balance["grid_import_kwh"].max()) <= limit_kw + 1e-9

    found = smallest_feasible(feasible, 0.0, 40.0, tol_kw=0.01)
    assert found == pytest.approx(25.0, abs=0.01) and found >= 25.0 - 1e-9
    assert len(calls) <= int(np.ceil(np.log2(40.0 / 0.01))) + 2
    assert smallest_feasible(lambda kw: kw >= 50.0, 0.0, 40.0) is None  # not even the top: none
    with pytest.raises(InputError, match="tol_kw"):
        smallest_feasible(feasible, 0.0, 40.0, tol_kw=0.0)


def test_a_smaller_connection_never_improves_comfort(inputs):
    """Comfort is monotone in the import limit: with the peak-limited kernel alone and with the look-ahead
    buffer and mass, every smaller limit leaves at least as many cold hours and degree-hours."""
    from mgwsim.study.connection import comfort_of, run_at_limit

    schedule = inputs.demand.hourly["setpoint_degc"].to_numpy()
    variant = all_electric({})
    base = evaluate_variant(inputs, variant)
    for flexible in (False, True):
        figures = [comfort_of(run_at_limit(inputs, variant, base, kw, storage=flexible, mass=flexible), schedule)
                   for kw in (40.0, 60.0, 80.0, 100.0, 130.0)]
        cold = [f["cold_hours"] for f in figures]
        degree = [f["degree_hours_kh"] for f in figures]
        assert all(a >= b for a, b in zip(cold, cold[1:])), cold
        assert all(a >= b - 1e-6 for a, b in zip(degree, degree[1:])), degree
        assert cold[0] > cold[-1]  # the limit bites at 40 kW
        assert all(f["peak_import_kw"] <= kw + 1e-6 for f, kw in zip(figures, (40.0, 60.0, 80.0, 100.0, 130.0)))


def test_connection_search_finds_the_smallest_comfortable_limit_and_what_it_saves(inputs):
    from mgwsim.study.connection import ComfortLimit, comfort_of, connection_search, run_at_limit

    variant = all_electric({})
    found = connection_search(inputs, variant, tol_kw=1.0)
    assert found.best is not None and found.limit_kw < found.base_comfort["peak_import_kw"]
    allowed = found.comfort.max_cold_share * found.best_comfort["heating_hours"]
    assert found.best_comfort["cold_hours"] <= allowed and found.best_comfort["dhw_unmet_kwh"] <= 1e-3
    # one tolerance below the limit comfort is lost (the bisection's bracket)
    below = comfort_of(run_at_limit(inputs, variant, found.base, found.limit_kw - 1.0),
                       inputs.demand.hourly["setpoint_degc"].to_numpy())
    assert below["cold_hours"] > allowed or below["dhw_unmet_kwh"] > 1e-3
    summary = found.summary()
    assert summary["smallest_kva"] == np.ceil(found.limit_kw / POWER_FACTOR - 1e-9) <= summary["unlimited_kva"]
    assert summary["capacity_tariff_saving_eur"] > 0.0  # lower monthly peaks on the LV capacity tariff
    assert summary["extra_cold_hours"] >= 0.0
    table = found.table
    assert table["feasible"].any() and (~table["feasible"]).any()
    # a stricter comfort limit never gives a smaller connection
    strict = connection_search(inputs, variant, comfort=ComfortLimit(max_cold_share=0.0), tol_kw=1.0,
                               base=found.base)
    assert strict.limit_kw >= found.limit_kw - 1.0
    with pytest.raises(InputError, match="max_cold_share"):
        ComfortLimit(max_cold_share=1.5)
    with pytest.raises(InputError, match="connection"):
        connection_search(inputs, replace(variant, connection="mv"))


def test_sizing_search_connection_objective_with_the_comfort_constraint(inputs, reference):
    """Objective 'connection' + constraint 'comfort' on a grid of import limits: the smallest limit that
    keeps comfort on the grid, as by hand from the rows."""
    result = sizing_search(inputs, reference, all_electric, {"limit_kw": [50.0, 80.0, 110.0, 140.0]},
                           constraints=("comfort",), objective="connection")
    table = result.table
    ok = table["cold_hours"] <= 0.03 * table["heating_hours"]
    assert list(table["feasible"]) == list(ok & (table["dhw_unmet_kwh"] <= 1e-3))
    assert result.best_params["limit_kw"] == table.loc[table["feasible"], "limit_kw"].min()
    assert not bool(table.loc[table["limit_kw"] == 50.0, "feasible"].iloc[0])


def test_the_connection_table_and_sentence_cite_the_search_numbers(inputs):
    from mgwsim.report.text import CONNECTION_LABELS, connection_sentence, connection_table
    from mgwsim.study.connection import connection_search

    found = connection_search(inputs, all_electric({}), tol_kw=2.0)
    summary = found.summary()
    for language in ("en", "nl"):
        table = connection_table(found, language)
        assert table.shape == (len(CONNECTION_LABELS), 1)
        text = connection_sentence(found, language)
        assert f"{summary['smallest_kva']:.0f} kVA" in text and f"{summary['unlimited_kva']:.0f} kVA" in text
    assert "keeps comfort on a connection of" in connection_sentence(found, "en")
    assert "het comfort op een aansluiting van" in connection_sentence(found, "nl")
    change = summary["energy_cost_change_eur"]
    assert ("falls by" if change < 0 else "rises by") in connection_sentence(found, "en")


def test_a_battery_never_needs_a_larger_connection(inputs):
    """The battery shaves the peaks above the limit (and lets the plant plan against limit + its power): the
    smallest connection with it is never larger than without it, and the limit found holds on the grid side."""
    from mgwsim.battery import Battery
    from mgwsim.study.connection import connection_search

    variant = all_electric({})
    without = connection_search(inputs, variant, tol_kw=2.0, storage=False, mass=False)
    with_battery = connection_search(inputs, replace(variant, battery=Battery(200.0, 40.0)), tol_kw=2.0,
                                     storage=False, mass=False)
    assert with_battery.limit_kw <= without.limit_kw + 2.0
    assert with_battery.best_comfort["peak_import_kw"] <= with_battery.limit_kw + 1e-6
    assert {"battery_boost", "storage", "mass"} <= set(with_battery.table.columns)


def test_pv_led_ev_charging_keeps_a_connection_peak_limited_charging_cannot(inputs, monkeypatch):
    """A gas-boiler building (no heat-pump electricity: comfort never depends on the limit) with 30 kWp PV and
    one car on the sunniest day, 08-18 h local, needing 40 kWh at 11 kW, charging on the PV surplus.

    By hand: the PV surplus of that day (~180 kWh) carries the car, so PV-led charging under a cap adds nothing
    to the site import and the smallest limit is the building's own peak without the car (the common-area
    load's peak). Peak-limited charging ignores the PV and gets Σ min(11, limit − other load) per hour of the
    stay: it needs the limit L at which that sum reaches 40 kWh, far above. The search finds the first; the
    second is checked one step on either side."""
    import mgwsim.study.connection as connection
    from mgwsim.ev import ChargingSite, Sessions
    from mgwsim.study.connection import comfort_of, connection_search, run_at_limit
    from mgwsim.system import gas_boiler_reference

    index = inputs.weather.index
    pv = tuple(flat_roof_east_west(300.0, kwp=30.0))
    plain = Variant("gas + PV", gas_boiler_reference(160.0), pv=pv)
    day = evaluate_variant(inputs, plain)
    local = index.tz_convert("Europe/Brussels")
    sunniest = pd.Series(day.pv_kw, index=index).groupby(local.date).sum().idxmax()
    start = int(np.flatnonzero((local.date == sunniest) & (local.hour == 8))[0])
    frame = pd.DataFrame({"point": [0], "arrival_step": [start], "departure_step": [start + 10],
                          "energy_need_kwh": [40.0], "max_power_kw": [11.0]})
    sessions = Sessions.from_frame(frame, index, n_points=1)
    monkeypatch.setattr("mgwsim.study.evaluate.generate_sessions", lambda *args, **kwargs: sessions)
    variant = replace(plain, name="gas + PV + EV", ev=ChargingSite(n_points=1, n_cars=1), ev_strategy="pv_surplus")
    other = inputs.common_area_kw + day.system.hourly["plant_elec_kwh"].to_numpy() / day.system.step_h
    assert other.max() == pytest.approx(inputs.common_area_kw.max())  # the boiler draws nothing
    own_peak = float((other - day.pv_kw).max())

    found = connection_search(inputs, variant, tol_kw=0.1)
    assert own_peak - 1e-6 <= found.limit_kw <= own_peak + 0.1
    assert found.best.variant.ev_strategy == "pv_surplus_limited"
    assert found.best_comfort["ev_unmet_kwh"] <= 1e-6 and found.best_comfort["peak_import_kw"] <= found.limit_kw
    assert found.best_comfort["cold_hours"] == found.base_comfort["cold_hours"]

    stay = other[start:start + 10]
    limits = np.linspace(own_peak, 20.0, 20001)
    by_hand = np.minimum(11.0, np.maximum(limits[:, None] - stay, 0.0)).sum(axis=1)  # kWh per limit
    peak_limit = float(limits[np.argmax(by_hand >= 40.0)])
    assert peak_limit > own_peak + 2.0
    monkeypatch.setattr(connection, "PV_LED_EV", ())  # the search as it was: the cars peak-limited
    schedule = inputs.demand.hourly["setpoint_degc"].to_numpy()
    unmet = {kw: comfort_of(run_at_limit(inputs, variant, found.base, kw), schedule)["ev_unmet_kwh"]
             for kw in (found.limit_kw, peak_limit - 0.01, peak_limit + 0.01)}
    assert unmet[found.limit_kw] > 30.0  # peak-limited at the PV-led limit: most of the 40 kWh missing
    assert unmet[peak_limit - 0.01] > 1e-3 and unmet[peak_limit + 0.01] <= 1e-6


def test_the_limited_variant_keeps_the_pv_lead_of_its_cars():
    from mgwsim.ev import ChargingSite
    from mgwsim.study.connection import limited_variant
    from mgwsim.system import gas_boiler_reference

    site = ChargingSite(n_points=2, n_cars=2)
    for strategy, expected in (("pv_surplus", "pv_surplus_limited"), ("uncontrolled", "peak_limited"),
                               ("price_led", "peak_limited")):
        limited = limited_variant(Variant("v", gas_boiler_reference(100.0), ev=site, ev_strategy=strategy), 30.0)
        assert (limited.ev_strategy, limited.ev.site_limit_kw) == (expected, 30.0)
