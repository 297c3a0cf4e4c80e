"""Synthetic stock (shares from data/stock, reproducible) and the feasibility summary/heat map."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from mgwsim.batch import demand_row, run_batch  # noqa: E402
from mgwsim.building import building_from_typology  # noqa: E402
from mgwsim.building.typology import resolve_code  # noqa: E402
from mgwsim.errors import DataError, InputError  # noqa: E402
from mgwsim.stock import (  # noqa: E402
    SIZE_SIGMA, feasibility_heatmap, feasibility_summary, generate_stock, period_shares, refurbishment_shares,
    statbel_reference, stock_classes, typology_shares,
)


# ---------------------------------------------------------------- shares and their source
def test_period_shares_match_statbel_post_1981_share():
    """Periods after 1981 hold Statbel's 53,881 of 127,983 Flemish apartment buildings (2018)."""
    periods, statbel = period_shares(), statbel_reference()
    assert periods["share"].sum() == pytest.approx(1.0, abs=1e-12)
    after = periods.loc[periods["year_from"] > 1981, "share"].sum()
    assert after == pytest.approx(statbel["n_buildings_built_after_1981"] / statbel["n_buildings"], abs=5e-5)
    assert (periods["year_from"].iloc[1:].to_numpy() == periods["year_to"].iloc[:-1].to_numpy() + 1).all()


def test_typology_shares_sum_to_one_and_name_real_archetypes():
    shares = typology_shares()
    assert shares.sum() == pytest.approx(1.0, abs=1e-12) and (shares >= 0).all()
    for code in shares.index:
        assert resolve_code(code, 1).startswith("BE.N.")
    by_period = shares.groupby(shares.index.str.split(".").str[1]).sum()
    per_period = period_shares().groupby("tabula_period")["share"].sum()
    pd.testing.assert_series_equal(by_period, per_period, check_names=False)
    refurbished = refurbishment_shares()
    for code in shares.index:  # every refurbished variant the data can draw exists in TABULA
        period = code.split(".")[1]
        if refurbished.loc[period, "share_refurbished"] > 0:
            resolve_code(code, int(refurbished.loc[period, "refurbished_variant"]))


# ---------------------------------------------------------------- generator
def test_stock_is_reproducible_by_seed():
    a, b, c = generate_stock(500, seed=3), generate_stock(500, seed=3), generate_stock(500, seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)
    assert list(a.columns) == ["typology", "variant", "state", "year_built", "floor_area_m2", "n_apartments",
                               "n_storeys", "orientation_deg"]
    assert a.index.name == "building_id" and a.index.is_unique


def test_stock_follows_shares_and_size_distributions():
    n = 40_000
    stock = generate_stock(n, seed=1)
    shares = typology_shares()
    observed = stock["typology"].value_counts(normalize=True).reindex(shares.index, fill_value=0.0)
    tolerance = 4 * np.sqrt(shares * (1 - shares) / n) + 1e-4
    assert (np.abs(observed - shares) <= tolerance).all()
    ref = building_from_typology("MFH.02.Small", 1)
    small = stock[stock["typology"] == "MFH.02.Small"]
    log_area = np.log(small["floor_area_m2"] / ref.heated_floor_area_m2)
    assert abs(log_area.median()) < 0.03 and log_area.std() == pytest.approx(SIZE_SIGMA["floor_area"], rel=0.08)
    assert (stock["n_apartments"] >= 1).all() and (stock["n_storeys"] >= 1).all()
    assert stock["orientation_deg"].between(0, 360, inclusive="left").all()
    refurbished = stock["state"] == "refurbished"
    assert (stock.loc[refurbished, "variant"] == 2).all() and (stock.loc[~refurbished, "variant"] == 1).all()
    pre_1946 = stock["typology"].str.startswith("MFH.01")
    assert refurbished[pre_1946].mean() == pytest.approx(0.20, abs=0.02)
    assert stock.loc[pre_1946, "year_built"].between(1850, 1945).all()
    assert stock.loc[stock["typology"] == "AB.04", "year_built"].between(1991, 2005).all()


def test_custom_shares_and_their_validation():
    stock = generate_stock(200, seed=0, shares={"AB.03": 0.5, "MFH.01.Small": 0.5})
    assert set(stock["typology"]) == {"AB.03", "MFH.01.Small"}
    with pytest.raises(InputError, match="sum to 1"):
        generate_stock(10, seed=0, shares={"AB.03": 0.5})
    with pytest.raises(InputError, match="non-negative"):
        generate_stock(10, seed=0, shares={"AB.03": 1.5, "AB.04": -0.5})
    with pytest.raises(InputError, match="unknown"):
        generate_stock(10, seed=0, shares={"AB.01": 1.0})
    with pytest.raises(InputError, match="seed"):
        generate_stock(10, seed=1.5)


def test_stock_rows_run_through_demand_row(weather):
    stock = generate_stock(2, seed=11, shares={"MFH.03.Small": 1.0})
    result = run_batch(stock, demand_row, shared={"weather": weather}, n_workers=1, progress=False)
    assert result["error"].isna().all()
    assert result["heated_floor_area_m2"].tolist() == stock["floor_area_m2"].tolist()
    assert result["n_apartments"].tolist() == stock["n_apartments"].tolist()


# ---------------------------------------------------------------- feasibility summary
def constructed_results() -> pd.DataFrame:
    """AB.03 × {hp, hp+pv}: 4 buildings each; MFH.02 × hp: one failed run and one locked-in row.

    Known pattern: AB.03/hp building 3 leaves heat unmet beyond the tolerance, building 2 leaves some unmet
    within it (no_unmet_heat False, comfort True); AB.03/hp+pv building 1 is not eligible for the call.
    """
    rows = []
    for combination, comfort, eligible, no_gap, npv_sub, gap in (
            ("hp", [True, True, True, False], [True] * 4, [False, False, True, False], [True, True, True, False],
             [50_000.0, 30_000.0, 0.0, 70_000.0]),
            ("hp+pv", [True] * 4, [True, False, True, True], [True, True, True, False], [True] * 4,
             [0.0, 0.0, 0.0, 20_000.0])):
        for i in range(4):
            technical = comfort[i]
            rows.append({"typology": "AB.03", "combination": combination, "no_unmet_heat": i < 2,
                         "comfort_within_tolerance": comfort[i], "hot_water_within_tolerance": True,
                         "connection_feasible": True, "lock_in_pass": True, "eligible": eligible[i],
                         "qualifies": technical and eligible[i], "no_gap_before_grants": no_gap[i],
                         "npv_with_subsidy_ge_0": npv_sub[i], "gap_before_grants_eur": gap[i],
                         "gap_per_t_co2_eur": gap[i] / 100.0 if gap[i] else np.nan, "error": None})
    flags = ("no_unmet_heat", "comfort_within_tolerance", "hot_water_within_tolerance", "connection_feasible",
             "lock_in_pass", "eligible", "qualifies", "no_gap_before_grants", "npv_with_subsidy_ge_0")
    rows.append({"typology": "MFH.02", "combination": "hp", **dict.fromkeys(flags), "gap_before_grants_eur": np.nan,
                 "gap_per_t_co2_eur": np.nan, "error": "InputError: bad"})
    rows.append({"typology": "MFH.02", "combination": "hp", **dict.fromkeys(flags, True), "lock_in_pass": False,
                 "eligible": False, "qualifies": False, "gap_before_grants_eur": 1000.0, "gap_per_t_co2_eur": 10.0,
                 "error": None})
    return pd.DataFrame(rows)


def test_feasibility_summary_on_constructed_case():
    summary = feasibility_summary(constructed_results())
    assert summary.index.names == ["typology", "combination"]
    assert summary.loc[("AB.03", "hp"), ["n_buildings", "n_failed", "n_judged"]].tolist() == [4, 0, 4]
    # the comfort tolerance, not "no unmet hour": building 2 leaves heat unmet within the tolerance and counts
    assert summary.loc[("AB.03", "hp"), "share_qualifies_technically"] == 0.75
    assert summary.loc[("AB.03", "hp"), "share_qualifies"] == 0.75
    assert summary.loc[("AB.03", "hp"), "share_qualifies_without_gap"] == 0.25
    assert summary.loc[("AB.03", "hp"), "share_qualifies_npv_ge_0_with_grants"] == 0.75
    assert summary.loc[("AB.03", "hp+pv"), "share_qualifies_technically"] == 1.0
    assert summary.loc[("AB.03", "hp+pv"), "share_qualifies"] == 0.75  # building 1 is not eligible for the call
    assert summary.loc[("AB.03", "hp+pv"), "share_qualifies_without_gap"] == 0.5
    mfh = summary.loc[("MFH.02", "hp")]
    assert (mfh["n_buildings"], mfh["n_failed"], mfh["n_judged"]) == (2, 1, 1)
    assert mfh["share_qualifies_technically"] == 0.0 and mfh["share_qualifies"] == 0.0
    # the median gap before grants over the qualifying rows: AB.03/hp buildings 0-2, AB.03/hp+pv 0, 2 and 3
    assert summary.loc[("AB.03", "hp"), "median_gap_before_grants_eur"] == 30_000.0
    assert summary.loc[("AB.03", "hp+pv"), "median_gap_before_grants_eur"] == 0.0
    assert summary.loc[("AB.03", "hp"), "median_gap_per_t_co2_eur"] == 400.0  # NaN (no gap) left out
    assert np.isnan(mfh["median_gap_before_grants_eur"])  # nothing qualifies
    everyone = feasibility_summary(constructed_results(), over=None)
    assert everyone.loc[("AB.03", "hp"), "median_gap_before_grants_eur"] == 40_000.0
    assert everyone.loc[("MFH.02", "hp"), "median_gap_before_grants_eur"] == 1000.0


def test_feasibility_summary_custom_criteria_and_validation():
    results = constructed_results()
    summary = feasibility_summary(results, by=("combination",), criteria={"old_technical": ("no_unmet_heat",)},
                                  medians=())
    assert summary["share_old_technical"].to_dict() == {"hp": 3 / 5, "hp+pv": 2 / 4}
    assert not any(column.startswith("median_") for column in summary.columns)
    with pytest.raises(InputError, match="npv_missing"):
        feasibility_summary(results, criteria={"x": ("npv_missing",)})
    with pytest.raises(InputError, match="median column.*irr_frac"):
        feasibility_summary(results, medians=("irr_frac",))
    broken = results.copy()
    broken.loc[0, "qualifies"] = None
    with pytest.raises(DataError, match="'qualifies' must be boolean; row 0"):
        feasibility_summary(broken)
    with pytest.raises(InputError, match="missing columns"):
        feasibility_summary(results, by=("region",))
    bare = results.drop(columns=["gap_before_grants_eur", "gap_per_t_co2_eur", "qualifies"])
    plain = feasibility_summary(bare, criteria={"technical": ("comfort_within_tolerance",)})  # no money: no medians
    assert list(plain.columns) == ["n_buildings", "n_failed", "n_judged", "share_technical"]


def test_feasibility_heatmap_draws_the_shares():
    summary = feasibility_summary(constructed_results())
    ax = feasibility_heatmap(summary)
    image = ax.get_images()[0].get_array()
    assert image.shape == (2, 2)
    assert (image[0, 0], image[0, 1], image[1, 0]) == (0.75, 0.75, 0.0)  # share_qualifies
    assert np.ma.is_masked(image[1, 1]) or np.isnan(image[1, 1])  # MFH.02 × hp+pv: no buildings
    assert [t.get_text() for t in ax.get_yticklabels()] == ["AB.03", "MFH.02"]
    # share and buildings judged per cell; all four rest on fewer than MIN_JUDGED buildings
    # passing/judged, the share and the main reason's letter: AB.03/hp loses building 3 on comfort, hp+pv
    # building 1 on eligibility; MFH.02/hp's one judged row is locked in (and so not eligible: lock-in comes first)
    assert [t.get_text() for t in ax.texts] == ["3/4\n75% C", "3/4\n75% E", "0/1\n0% L", "n=0\n–"]
    assert "C comfort or hot water outside the tolerance" in ax.get_xlabel()
    assert "E not eligible" in ax.get_xlabel() and "L a lock-in check fails" in ax.get_xlabel()
    assert len([p for p in ax.patches if p.get_hatch()]) == 3
    with pytest.raises(InputError, match="two levels"):
        feasibility_heatmap(feasibility_summary(constructed_results(), by=("combination",)))
    plt.close("all")


def test_the_city_map_says_why_cells_fail_on_a_constructed_stock():
    """Each cell: buildings judged, share passing, the share failing each condition and the dominant one per
    criterion, as counted by hand on constructed_results (docstring)."""
    summary = feasibility_summary(constructed_results())
    hp, pv, mfh = summary.loc[("AB.03", "hp")], summary.loc[("AB.03", "hp+pv")], summary.loc[("MFH.02", "hp")]
    assert (hp["n_judged"], pv["n_judged"], mfh["n_judged"], mfh["n_failed"]) == (4, 4, 1, 1)
    assert hp["share_fails_comfort"] == 0.25 and hp["share_fails_eligibility"] == 0.0
    assert pv["share_fails_eligibility"] == 0.25 and pv["share_fails_comfort"] == 0.0
    assert mfh["share_fails_lock_in"] == 1.0 and mfh["share_fails_eligibility"] == 1.0
    assert hp["dominant_failure_qualifies_technically"] == "comfort" and hp["dominant_failure_qualifies"] == "comfort"
    assert pv["dominant_failure_qualifies_technically"] == ""  # every hp+pv row is technically fine
    assert pv["dominant_failure_qualifies"] == "eligibility"
    # without a gap: hp fails the gap in buildings 0, 1 and 3 (3 also comfort): the gap dominates
    assert hp["share_fails_gap"] == 0.75 and hp["dominant_failure_qualifies_without_gap"] == "gap"
    # NPV with grants: only building 3 fails it, and comfort too: tie, comfort first
    assert hp["share_fails_npv"] == 0.25 and hp["dominant_failure_qualifies_npv_ge_0_with_grants"] == "comfort"
    assert mfh["dominant_failure_qualifies"] == "lock_in"
    by_period = feasibility_summary(constructed_results().join(stock_classes(constructed_results()["typology"])),
                                    by=("size_class", "combination"))
    assert list(by_period.index.get_level_values(0).unique()) == ["AB", "MFH.Gen"]
    from mgwsim.stock import _share_text

    assert [_share_text(v) for v in (447 / 448, 1 / 1071, 0.75, 1.0, 0.0)] == ["99.8%", "0.1%", "75%", "100%", "0%"]
    assert stock_classes(["MFH.02.Small", "AB.04"]).to_dict("list") == {"period": ["1946-1970", "1991-2005"],
                                                                        "size_class": ["MFH.Small", "AB"]}
