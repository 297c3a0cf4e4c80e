"""Finance: metrics against numpy-financial and hand-worked cash flows, costs, subsidies,
the business case and the co-owner split."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mgwsim._data import data_path
from mgwsim.assess.lockin import MV_THRESHOLD_KVA
from mgwsim.errors import DataError, InputError
from mgwsim.finance import (
    VAT_CLASSES,
    Finance,
    Grant,
    Investment,
    Option,
    ReducedVat,
    SubsidyContext,
    abatement_cost,
    annuity_factor,
    apply_subsidies,
    batch_cash_flows,
    batch_metrics,
    building_items,
    later_costs,
    business_case,
    cabin_investments,
    co_owner_split,
    connection_upgrade_investments,
    gas_closure_investments,
    investment_schedule,
    irr,
    irr_note,
    klimaatfonds_antwerpen,
    levelised_cost,
    load_connection_costs,
    load_cost_table,
    npv,
    payback,
    split_cents,
    subsidy_gap,
)
from mgwsim.finance._subsidies import _VatBasis
from mgwsim.tariffs import load_tariff

# ---------------------------------------------------------------- metrics


def test_npv_hand_worked_and_numpy_financial():
    # -1000 + 500/1.1 + 600/1.21 = -1000 + 454.545 + 495.868 = -49.59
    assert round(npv(0.10, [-1000, 500, 600]), 2) == -49.59
    rng = np.random.default_rng(1)
    flows = rng.normal(0, 1000, size=(20, 16))
    for row in flows:
        assert round(npv(0.04, row), 2) == round(npf.npv(0.04, row), 2)
    assert np.allclose(npv(0.04, flows), [npf.npv(0.04, r) for r in flows])


def test_discount_rate_at_or_below_minus_100pct_raises():
    with pytest.raises(InputError, match="discount_rate_frac"):
        npv(-1.0, [-1, 2])
    with pytest.raises(InputError, match="discount_rate_frac"):
        Finance(discount_rate_frac=-1.5)


def test_irr_hand_worked_and_numpy_financial():
    assert irr([-100, 110]) == pytest.approx(0.10, abs=1e-12)
    # -100 + 60 x + 60 x^2 = 0 with x = 1/(1+r): x = (sqrt(1 + 4 x 100/60) - 1) / 2 = 0.884437 -> r = 13.07 %
    x = (np.sqrt(1.0 + 4.0 * 100.0 / 60.0) - 1.0) / 2.0
    assert irr([-100, 60, 60]) == pytest.approx(1.0 / x - 1.0, abs=1e-12)
    assert round(irr([-100, 60, 60]) * 100, 2) == 13.07
    for flows in ([-100, 39, 59, 55, 20], [-5000, 800, 900, 1000, 1100, 1200, 1300], [0, -100, 0, 130]):
        assert irr(flows) == pytest.approx(npf.irr(flows), abs=1e-12)
        assert irr_note(flows) is None


# the year-1 grant and the year-N residual value are the only positive entries: -, +, -, ..., -, +
GRANT_AND_RESIDUAL = np.r_[-50000.0, 12000.0 - 3000.0, np.full(18, -3000.0), -3000.0 + 8000.0]
ABSENT_IRR = [
    ([-100, -5, -5], "always_dearer"),               # costs more than the reference in every year
    ([100, -60, -60], "loan"),                      # cheaper up front, dearer after: a loan
    ([-100, 250, -140], "several_sign_changes"),    # two real IRRs, -15.3 % and 65.3 %: none is "the" return
    ([-100, 230, -132], "not_repaid"),              # two IRRs (10 %, 20 %), but the plain fact: it costs 2 more
    ([-100, 40, 40], "not_repaid"),                 # one sign change but the savings never repay: IRR -13.67 %
    ([100, 50, 20], "never_dearer"),
    ([0, 0, 0], "no_difference"),
    ([0.0, 1e-9, -1e-9], "no_difference"),          # rounding noise is no sign change
    (GRANT_AND_RESIDUAL, "not_repaid"),             # several sign changes, and over the years it costs more
]


@pytest.mark.parametrize(("flows", "code"), ABSENT_IRR)
def test_irr_is_none_with_its_reason(flows, code):
    assert irr(flows) is None
    note = irr_note(flows)
    assert note.code == code and note.en and note.nl and note.en != note.nl


def test_the_ruled_out_flows_did_have_roots():
    """The rule, not the root finder, refuses them: numpy-financial finds a rate for each."""
    assert npf.irr([-100, 40, 40]) == pytest.approx(-0.1367, abs=1e-4)
    assert npf.irr([-100, 230, -132]) == pytest.approx(0.10, abs=1e-9)   # (1+r) = 1.1 or 1.2
    assert np.isfinite(npf.irr([100, -60, -60]))


def test_batch_irr_follows_the_same_rule():
    flows = np.array([np.r_[-100.0, 60, 60, np.zeros(18)], GRANT_AND_RESIDUAL,
                      np.r_[100.0, -60, -60, np.zeros(18)], np.r_[-100.0, 40, 40, np.zeros(18)]])
    result = irr(flows)
    assert result[0] == pytest.approx(irr([-100, 60, 60]), abs=1e-12)
    assert np.isnan(result[1:]).all()
    table = batch_metrics(flows, Finance())
    np.testing.assert_array_equal(np.isnan(table["irr_frac"]), [False, True, True, True])


@settings(max_examples=40, deadline=None)
@given(invest=st.floats(100, 1e5), saving=st.floats(1, 2e4), years=st.integers(3, 30))
def test_batch_irr_equals_numpy_financial(invest, saving, years):
    flows = np.r_[-invest, np.full(years, saving)]
    batch = irr(np.vstack([flows, flows]))
    if saving * years <= invest:          # the savings do not repay the investment: no IRR
        assert np.isnan(batch).all() and irr(flows) is None
    else:
        assert batch == pytest.approx([npf.irr(flows)] * 2, abs=1e-9)


def test_payback_simple_discounted_and_never():
    flows = [-1000, 300, 300, 300, 300]
    assert payback(flows) == pytest.approx(3 + 100 / 300)
    # discounted at 10 %: 272.73, 247.93, 225.39, 204.90 -> cumulative -48.96 after year 4: not paid back
    assert payback(flows, 0.10) is None
    # at 5 %: 285.71, 272.11, 259.15, 246.81 -> after year 3: -183.03; year 4: 183.03/246.81 = 0.7416
    assert payback(flows, 0.05) == pytest.approx(3 + 183.0268 / 246.8107, abs=1e-4)
    assert payback([-1000, 100, 100]) is None
    assert payback([0, 10]) == 0.0
    assert np.isnan(payback(np.array([[-10.0, 5, 5, 5], [-10.0, 1, 1, 1]]))[1])


def test_payback_is_where_the_cumulative_flow_stays_positive():
    # cumulative -100, +50, -10, +20: paid back in year 3 (2 + 10/30), not at 0.67 (undone by the dip)
    assert payback([-100, 150, -60, 30]) == pytest.approx(2 + 10 / 30)
    assert payback([-100, 150, -100, 10]) is None          # cumulative ends at -40
    assert payback([100, -60, -60]) is None                # a loan: cheaper first, -20 in total
    assert payback(GRANT_AND_RESIDUAL) is None


def test_subsidy_gap_closes_npv():
    flows = np.array([-10000.0, 800, 800, 800, 800, 800, 800, 800, 800, 800, 800])
    gap = subsidy_gap(0.03, flows)
    assert gap > 0
    closed = flows.copy()
    closed[0] += gap
    assert abs(npv(0.03, closed)) < 1.0
    assert subsidy_gap(0.03, -flows) == 0.0


def test_annuity_levelised_cost_and_abatement_hand_worked():
    assert annuity_factor(0.05, 20) == pytest.approx(0.0802426, abs=1e-7)
    assert annuity_factor(0.0, 20) == pytest.approx(0.05)
    # r = 0: (1000 + 10 x 100 EUR) / (10 x 10 MWh) = 20 EUR/MWh
    costs = np.r_[1000.0, np.full(10, 100.0)]
    heat = np.r_[0.0, np.full(10, 10.0)]
    assert levelised_cost(0.0, costs, heat) == pytest.approx(20.0)
    # -NPV 1000 EUR at r = 0 over 10 years x 5 t/year = 20 EUR/t
    assert abatement_cost(0.0, np.r_[-1000.0, np.zeros(10)], 5.0) == pytest.approx(20.0)
    assert abatement_cost(0.0, np.r_[-1000.0, np.zeros(10)], 0.0) is None


# ---------------------------------------------------------------- costs


def test_an_item_bought_later_starts_its_life_then():
    """Bought in year 5, 20-year life, 20-year horizon: no replacement, 15 years used, 5 of 20 years left at N."""
    item = Investment("boiler", 1000.0, 20, maintenance_frac=0.02, fixed_om_eur_per_year=5.0, first_year=5)
    s = investment_schedule([item], 20)
    assert np.flatnonzero(s["capex"]).tolist() == [5] and s["capex"][5] == 1000.0
    assert s["replacement"].sum() == 0.0
    assert s["residual"][20] == pytest.approx(1000.0 * 5 / 20)  # 250 EUR: straight-line value of 5 remaining years
    assert s["om"][:6].sum() == 0.0 and s["om"][6:] == pytest.approx(np.full(15, 25.0))  # in service in years 6..20
    # escalated prices: the purchase in year 5 and the replacement in year 13 cost (1 + 2 %)^t
    late = investment_schedule([Investment("x", 100.0, 8, first_year=5)], 20, capex_escalation_frac=0.02)
    assert late["capex"][5] == pytest.approx(100.0 * 1.02**5)
    assert late["replacement"][13] == pytest.approx(100.0 * 1.02**13)
    assert late["residual"][20] == pytest.approx(100.0 * 1.02**13 * (13 + 8 - 20) / 8)
    # due at or after the horizon: nothing is bought
    assert all(v.sum() == 0.0 for v in investment_schedule([replace(item, first_year=20)], 20).values())
    with pytest.raises(InputError, match="first_year"):
        Investment("x", 100.0, 10, first_year=2.5)
    with pytest.raises(InputError, match="first_year"):
        Investment("x", 100.0, 10, first_year=-1)


def test_a_one_off_cost_is_paid_once():
    """A fee or a removal: paid at its year, never replaced, no maintenance, no residual value."""
    fee = Investment("closure", 800.0, 1, maintenance_frac=0.02, fixed_om_eur_per_year=5.0, one_off=True)
    s = investment_schedule([fee, replace(fee, first_year=3)], 10)
    assert s["capex"][0] == 800.0 and s["capex"][3] == 800.0 and s["capex"].sum() == 1600.0
    assert s["replacement"].sum() == s["om"].sum() == s["residual"].sum() == 0.0


def test_investment_schedule_replacements_and_residual():
    item = Investment("hp", 1000.0, 8, maintenance_frac=0.02, fixed_om_eur_per_year=5.0)
    s = investment_schedule([item], 20)
    assert s["capex"][0] == 1000.0 and s["capex"][1:].sum() == 0
    assert np.flatnonzero(s["replacement"]).tolist() == [8, 16]
    assert s["residual"][20] == pytest.approx(1000 * (16 + 8 - 20) / 8)  # 500 EUR
    assert s["om"][1:] == pytest.approx(np.full(20, 25.0))
    # replacement exactly at the horizon is not bought, residual 0
    s10 = investment_schedule([Investment("x", 100.0, 10)], 10)
    assert s10["replacement"].sum() == 0 and s10["residual"].sum() == 0
    with pytest.raises(InputError, match="lifetime_years"):
        Investment("x", 100.0, 7.5)


def test_cost_table_scale_and_validation(tmp_path):
    table = load_cost_table()
    assert table.cost_eur("pv", 25) == pytest.approx(1200 * 25)
    assert table.cost_eur("heat_pump_air_water", 50) == pytest.approx(1200 * 50)
    small, large = table.cost_eur("heat_pump_air_water", 20) / 20, table.cost_eur("heat_pump_air_water", 200) / 200
    assert small > 1200 > large  # economies of scale
    with pytest.raises(InputError, match=r"CostTable\[pv\].size"):
        table.cost_eur("pv", 5000)
    with pytest.raises(InputError, match="unknown item"):
        table.cost_eur("fusion_reactor", 1)
    assert table.with_overrides("pv", eur_per_unit_at_ref=1000).cost_eur("pv", 25) == pytest.approx(25000)
    inv = table.investment("ev_charger", 4)
    assert inv.capex_eur == pytest.approx(6400) and inv.lifetime_years == 10
    bad = tmp_path / "costs.csv"
    bad.write_text("item,category\nx,y\n", encoding="utf-8")
    with pytest.raises(DataError, match="missing column"):
        load_cost_table(bad)


def test_items_beyond_the_largest_size_are_installed_as_equal_units():
    table = load_cost_table()
    one = table.investments("gas_boiler_condensing", 1500.0, name="boiler")
    assert one == (table.investment("gas_boiler_condensing", 1500.0, name="boiler"),)
    units = table.investments("gas_boiler_condensing", 5000.0, name="boiler")  # size_max 2000 kW: 3 x 1667 kW
    assert [u.name for u in units] == [f"boiler: unit {i} of 3 (1667 kW)" for i in (1, 2, 3)]
    assert all(u.capex_eur == pytest.approx(table.cost_eur("gas_boiler_condensing", 5000.0 / 3)) for u in units)
    small = table.investments("gas_boiler_condensing", 5.0, name="boiler")  # size_min 20 kW: the smallest lot
    assert [(u.name, u.capex_eur) for u in small] == [("boiler (priced as the minimum lot, 20 kW)",
                                                        pytest.approx(table.cost_eur("gas_boiler_condensing", 20.0)))]
    for bad in (-1.0, 0.0, float("nan"), float("inf")):
        with pytest.raises(InputError, match=r"condensing\].size"):
            table.investments("gas_boiler_condensing", bad)


def test_small_sizes_are_priced_as_the_minimum_lot():
    """4 apartments with one 12 kW heat pump: 4 kW of electrical works, below the row's 5 kW lot."""
    table = load_cost_table()
    (works,) = table.investments("electrical_upgrade", 4.0, name="electrical works (4 kW)")
    assert works.name == "electrical works (4 kW) (priced as the minimum lot, 5 kW)"
    assert works.capex_eur == pytest.approx(100.0 * 50.0 * (5.0 / 50.0) ** 0.9)  # 629.46 EUR: 5 kW at 0.9 scaling
    assert works.capex_eur == pytest.approx(629.46, abs=0.01)
    assert table.cost_eur("electrical_upgrade", 4.0) == table.cost_eur("electrical_upgrade", 5.0)


def _by_hand(row, size: float) -> float:
    lot = max(size, row["size_min"])
    return row["eur_per_unit_at_ref"] * row["ref_size"] * (lot / row["ref_size"]) ** row["scale_exponent"]


@pytest.mark.parametrize("item", list(load_cost_table().table.index))
def test_every_row_is_priced_at_a_tiny_a_mid_and_a_huge_size(item):
    """Below size_min: the minimum lot; at the reference size: the reference price; beyond size_max: equal units."""
    table = load_cost_table()
    row = table.table.loc[item]
    (tiny,) = table.investments(item, row["size_min"] / 2.0)
    assert tiny.capex_eur == pytest.approx(_by_hand(row, row["size_min"])) and "minimum lot" in tiny.name
    (mid,) = table.investments(item, row["ref_size"])
    assert mid.capex_eur == pytest.approx(row["eur_per_unit_at_ref"] * row["ref_size"])
    huge = table.investments(item, 2.5 * row["size_max"])
    assert len(huge) == 3 and all(u.capex_eur == pytest.approx(_by_hand(row, 2.5 * row["size_max"] / 3)) for u in huge)
    assert {u.vat_class for u in (tiny, mid, *huge)} == {row["vat_class"]}


def test_vat_classes_of_the_cost_table():
    """Gas boilers (with their flue) are fossil heating since the Programme Law of 18 July 2025; the rest renovation."""
    table = load_cost_table()
    assert set(table.table["vat_class"]) <= set(VAT_CLASSES)
    fossil = set(table.table.index[table.table["vat_class"] == "fossil_heating"])
    assert fossil == {"gas_boiler_condensing"}
    assert table.investment("gas_boiler_condensing", 150.0).vat_class == "fossil_heating"
    assert table.investment("heat_pump_air_water", 60.0).vat_class == "renovation"
    assert table.with_overrides("pv", vat_class="standard").investment("pv", 20.0).vat_class == "standard"
    with pytest.raises(InputError, match="vat_class = 'zero' is not one of"):
        table.with_overrides("pv", vat_class="zero")
    with pytest.raises(InputError, match=r"Investment\(x\).vat_class = 'reduced'"):
        Investment("x", 100.0, 10, vat_class="reduced")


def test_a_cost_table_without_a_valid_vat_class_is_refused(tmp_path):
    text = data_path("costs", "cost_table.csv").read_text(encoding="utf-8")
    bad = tmp_path / "costs.csv"
    bad.write_text(text.replace(",fossil_heating,", ",fossil,"), encoding="utf-8")
    with pytest.raises(DataError, match=r"gas_boiler_condensing\): vat_class = 'fossil'"):
        load_cost_table(bad)


def test_cabin_investments_from_mv_tariff():
    mv = load_tariff("mv_fluvius_antwerpen", 2026)
    cabin, connection = cabin_investments(mv, access_power_kva=80)
    assert cabin.capex_eur == 40000 and cabin.fixed_om_eur_per_year == pytest.approx(850)
    assert connection.capex_eur == pytest.approx(5124.58 + 1494.67 + 16.15 * 100)  # 100 kVA minimum
    assert (cabin.vat_class, connection.vat_class) == ("standard", "renovation")
    with pytest.raises(InputError, match="medium-voltage"):
        cabin_investments(load_tariff("gas", 2026), 100)


def test_a_connection_upgrade_at_the_dsos_prices():
    """100 -> 128 kVA for a need of 127.3 kVA: the '> 100 kVA' studies (310.99 + 622.00 EUR) and 5,000 EUR works +
    19 EUR/kVA x 28 kVA, the whole kVA ordered (as the label and the connection check say)."""
    works = load_connection_costs()
    studies, upgrade = connection_upgrade_investments(works, 100.0, 127.3)
    assert studies.capex_eur == pytest.approx(932.99) and studies.one_off
    assert upgrade.capex_eur == pytest.approx(5000.0 + 19.0 * 28.0) and upgrade.capex_eur == pytest.approx(5532.0)
    assert upgrade.name == "grid connection upgrade 100 -> 128 kVA" and not upgrade.one_off
    _, rated = connection_upgrade_investments(works, 43.6, 60.2)  # 3 x 63 A at 400 V: its decimal kept
    assert rated.name == "grid connection upgrade 43.6 -> 61 kVA" and rated.capex_eur == pytest.approx(5000.0 + 19.0 * 17.4)
    assert connection_upgrade_investments(works, 100.0, 95.0 / 0.95) == []  # 100 kVA to float noise: it fits
    assert upgrade.lifetime_years == 40 and {studies.vat_class, upgrade.vat_class} == {"renovation"}
    assert "Fluvius Antwerpen tariff list for 2019" in studies.source and "(2012)" in upgrade.source
    small_studies, small = connection_upgrade_investments(works, 60.0, 90.0)  # up to 100 kVA: the smaller studies
    assert small_studies.capex_eur == pytest.approx(155.49 + 310.99) and small.capex_eur == pytest.approx(5570.0)
    assert connection_upgrade_investments(works, 100.0, 100.0) == []  # a need that fits costs nothing


def test_a_need_beyond_low_voltage_says_so_instead_of_a_price():
    works = load_connection_costs()
    assert works["lv_max_kva"] == MV_THRESHOLD_KVA  # the cost and the connection check draw the same line
    assert len(connection_upgrade_investments(works, 100.0, 250.0)) == 2
    (note,) = connection_upgrade_investments(works, 100.0, 251.0)
    assert note.capex_eur == 0.0 and "needs a medium-voltage connection" in note.name and "251 kVA" in note.name


def test_closing_the_gas_connection_and_removing_the_boiler():
    """One-off: the DSO's closure fee 1,000 EUR and the removal 1,500 EUR + 10 EUR/kW x 176 kW (assumptions)."""
    closure, removal = gas_closure_investments(load_connection_costs(), 176.0)
    assert closure.capex_eur == 1000.0 and removal.capex_eur == pytest.approx(1500.0 + 10.0 * 176.0)
    assert closure.one_off and removal.one_off and "assumption" in closure.source and "assumption" in removal.source
    assert removal.name == "removal of the old gas boiler and flue (176 kW)"


def test_kept_closure_items_equal_those_priced_afresh():
    """The closure items a ConnectionCosts keeps per boiler size are those a fresh table prices, and a caller
    that changes its list changes no other caller's."""
    works = load_connection_costs()
    first = gas_closure_investments(works, 176.0)
    first.append("changed by the caller")
    kept = gas_closure_investments(works, 176.0)
    assert kept == gas_closure_investments(load_connection_costs(), 176.0) and len(kept) == 2
    assert gas_closure_investments(works, 80.0)[1].name == "removal of the old gas boiler and flue (80 kW)"


def test_connection_works_data_are_validated(tmp_path):
    works = load_connection_costs()
    assert works.with_overrides(lv_works_eur=12000.0)["lv_works_eur"] == 12000.0
    with pytest.raises(InputError, match="unknown item 'lv_cable'"):
        works.with_overrides(lv_cable=10.0)
    with pytest.raises(InputError, match="lv_works_eur = -1"):
        works.with_overrides(lv_works_eur=-1.0)
    text = data_path("costs", "connection_works.csv").read_text(encoding="utf-8")
    for old, new, match in ((",kVA,,", ",kVA,renovation,", "vat_class must be empty"),
                            ("lv_capacity_eur_per_kva,19.00,EUR/kVA", "lv_capacity_eur_per_kva,19.00,EUR/kW",
                             "unit = 'EUR/kW'"),
                            ("gas_closure_eur,", "gas_closure_fee,", r"missing row\(s\) \['gas_closure_eur'\]")):
        bad = tmp_path / "works.csv"
        bad.write_text(text.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(DataError, match=match):
            load_connection_costs(bad)


# ---------------------------------------------------------------- subsidies

ELIGIBLE = {"construction_year": 1965, "n_apartments_served": 24, "has_heat_pump": True, "lock_in_failures": (),
            "epc_path_kwh_m2": 95.0, "chimney_free_path": False}
"""The facts of a variant that meets every condition of the Klimaatfonds call."""


def _context(investment_eur, study_eur=9000.0, **facts):
    return SubsidyContext(investment_eur, study_cost_incl_vat_eur=study_eur, n_units=24, **(ELIGIBLE | facts))


def test_klimaatfonds_eligible_pays_80pct_capped_and_the_study_apart():
    rules = [ReducedVat(), *klimaatfonds_antwerpen()]
    big = apply_subsidies(rules, _context(200000.0))
    table = big.to_frame()
    assert big.vat_frac == 0.06
    assert table.loc["klimaatfonds_phase1_study", ["kind", "amount_eur"]].tolist() == ["study", 6000]
    assert table.loc["klimaatfonds_phase2_works", ["kind", "amount_eur"]].tolist() == ["works", 24000]
    assert table["eligible"].all() and (table["reason_en"] == "eligible").all()
    assert table["capped"].tolist() == [False, True, True]
    assert (big.works_eur, big.study_eur, big.total_eur) == (24000, 6000, 30000)
    assert big.by_year("works") == {0: 12000, 1: 12000} and big.by_year("study") == {0: 6000}
    # below the cap: 80 % of the investment incl. 6 % VAT
    small = apply_subsidies(rules, _context(10000.0))
    assert small.works_eur == pytest.approx(0.8 * 10600)


def test_an_ineligible_variant_gets_no_works_grant_and_says_which_condition_failed():
    """A hybrid that keeps a boiler: fossil lock-in, EPC 130 kWh/m² on its path, not chimney-free.
    The study grant is still due: the study itself is eligible."""
    result = apply_subsidies(klimaatfonds_antwerpen(), _context(200000.0, lock_in_failures=("fossil_lock_in",),
                                                                epc_path_kwh_m2=130.0))
    works = result.to_frame().loc["klimaatfonds_phase2_works"]
    assert works["amount_eur"] == 0 and not works["eligible"] and result.works_eur == 0
    assert result.by_year("works") == {}
    assert "not met: no lock-in" in works["reason_en"] and "failed lock-in checks: fossil_lock_in" in works["reason_en"]
    assert ("not met: the renovation path reaches an EPC indicator of at most 100 kWh/m² or a chimney-free building "
            "(EPC indicator after the renovation path: 130 kWh/m²; chimney-free: no)") in works["reason_en"]
    assert "(EPC-kengetal na het renovatiepad: 130 kWh/m²; schouwvrij: nee)" in works["reason_nl"]
    assert "niet voldaan: geen lock-in" in works["reason_nl"]
    assert "heat pump" not in works["reason_en"]          # met conditions are not named as reasons
    assert result.study_eur == 6000
    eligibility = result.eligibility()
    assert eligibility.eligible is False and eligibility.rules == ("klimaatfonds_phase2_works",)
    assert [name for name, _, _ in eligibility.failed] == ["no_lock_in", "epc_100_or_chimney_free"]
    assert eligibility.failed[0][1].startswith("not met: no lock-in") and eligibility.failed[0][2].startswith("niet")
    assert result.eligibility("study").eligible is True
    assert apply_subsidies([ReducedVat()], _context(1e5)).eligibility().eligible is None   # no call applied
    status = result.conditions_frame()["status"]
    assert status["klimaatfonds_phase2_works"].to_dict() == {
        "built_before_2014": "met", "serves_several_apartments": "met", "heat_pump_in_project": "met",
        "no_lock_in": "failed", "epc_100_or_chimney_free": "failed"}


def test_a_fact_not_given_is_not_checked_and_never_pays():
    result = apply_subsidies(klimaatfonds_antwerpen(), SubsidyContext(200000.0, 9000.0, n_units=24))
    assert result.total_eur == 0 and result.by_year() == {}
    reasons = result.to_frame()["reason_en"]
    assert reasons["klimaatfonds_phase1_study"].startswith("not checked: construction year not given")
    assert "not checked: heat pump not given" in reasons["klimaatfonds_phase2_works"]
    assert "niet gecontroleerd: bouwjaar niet opgegeven" in result.to_frame()["reason_nl"].iloc[0]
    assert set(result.conditions_frame().loc["klimaatfonds_phase2_works", "status"]) == {"not_checked"}


@pytest.mark.parametrize(("epc", "chimney_free", "status"), [
    (90.0, None, "met"), (100.0, False, "met"), (None, True, "met"), (140.0, True, "met"),
    (101.0, False, "failed"), (140.0, None, "not_checked"), (None, False, "not_checked"), (None, None, "not_checked")])
def test_epc_100_or_chimney_free(epc, chimney_free, status):
    ctx = _context(1e5, epc_path_kwh_m2=epc, chimney_free_path=chimney_free)
    frame = apply_subsidies(klimaatfonds_antwerpen(), ctx).conditions_frame()
    assert frame.loc[("klimaatfonds_phase2_works", "epc_100_or_chimney_free"), "status"] == status


def test_a_condition_judged_again_reads_as_judged_the_first_time():
    """Condition.check keeps its result per outcome and the facts' values and types: 1965 and 1965.0 print
    differently, an unhashable fact is judged without keeping it, and every result equals a fresh judgement."""
    from mgwsim.finance import Condition

    rule = klimaatfonds_antwerpen()[1]
    for year in (1965, 1965.0, 1965, 2016):
        ctx = _context(1e5, construction_year=year, epc_path_kwh_m2=130.0)
        for condition in rule.conditions:
            fresh = condition._result(ctx, rule.name, condition.test(ctx))
            assert condition.check(ctx, rule.name) == fresh
    built = rule.conditions[0]
    assert [built.check(_context(1e5, construction_year=y)).reason.en.split("(")[-1] for y in (1965, 1965.0, 1965)] \
        == ["construction year: 1965)", "construction year: 1,965)", "construction year: 1965)"]
    split = Condition("split_given", "the split is given", "de verdeling is gekend",
                      lambda c: c.investment_by_vat_class_eur is not None, ("investment_by_vat_class_eur",))
    ctx = SubsidyContext(100.0, investment_by_vat_class_eur={"renovation": 100.0})
    assert split.check(ctx).status == "met" and "renovation" in split.check(ctx).reason.en


def test_indicators_that_print_alike_share_a_judgement_and_read_as_a_fresh_one():
    """Condition.check keys a float fact on the number it prints (a stock's EPC indicators are all different, their
    sentences few): every value, including those whose rounding changes the decimals shown (9.96 prints as 10.0,
    10.0 as 10), on either side of the 100 kWh/m² limit and at -0, reads exactly as a fresh judgement."""
    rule = klimaatfonds_antwerpen()[1]
    values = (100.0, 99.96, 100.04, 100.4, 100.6, 130.2, 130.24, 9.94, 9.95, 9.96, 10.0, 10.04, 0.04, -0.04, -0.0)
    for epc in values + values[::-1]:
        ctx = _context(1e5, epc_path_kwh_m2=epc)
        for condition in rule.conditions:
            assert condition.check(ctx, rule.name) == condition._result(ctx, rule.name, condition.test(ctx)), epc
    for age in (11.96, 12.0, 12.04, 9.96, 30.5, 30.49):
        ctx = SubsidyContext(1000.0, building_age_years=age)
        for condition in ReducedVat(min_age_years=12.0).conditions:
            assert condition.check(ctx, "vat") == condition._result(ctx, "vat", condition.test(ctx)), age


def test_conditions_of_one_name_keep_their_own_judgements():
    """Conditions hash by name, so the judged conditions' cache tells same-named ones apart by equality: the
    10- and 12-year VAT rules, judged in turn on the same buildings, each read as a fresh judgement of their own."""
    ten, twelve = ReducedVat(), ReducedVat(min_age_years=12.0)
    assert hash(ten.conditions[1]) == hash(twelve.conditions[1]) and ten.conditions[1] != twelve.conditions[1]
    for age in (11.0, 30.0, 11.0):
        ctx = SubsidyContext(1000.0, building_age_years=age)
        for rule in (ten, twelve, ten):
            condition = rule.conditions[1]
            assert condition.check(ctx, rule.name) == condition._result(ctx, rule.name, condition.test(ctx))
        assert "at least 12 years" in twelve.judge(ctx)[1].reason.en and "at least 10" in ten.judge(ctx)[1].reason.en
        assert ten.judge(ctx)[1].met and twelve.judge(ctx)[1].met == (age >= 12.0)


def test_the_study_grant_needs_an_eligible_study():
    young = apply_subsidies(klimaatfonds_antwerpen(), _context(1e5, construction_year=2016))
    assert young.total_eur == 0
    assert "(construction year: 2016)" in young.to_frame().loc["klimaatfonds_phase1_study", "reason_en"]
    single = apply_subsidies(klimaatfonds_antwerpen(), SubsidyContext(1e5, 9000.0, n_units=1, **ELIGIBLE))
    assert single.study_eur == 0 and "(apartments: 1)" in single.to_frame().loc["klimaatfonds_phase1_study", "reason_en"]
    one_served = apply_subsidies(klimaatfonds_antwerpen(), _context(1e5, n_apartments_served=1))
    assert one_served.study_eur == 6000 and one_served.works_eur == 0


def test_reduced_vat_per_item_never_on_fossil_heating():
    """Programmawet 18 July 2025: a fossil boiler (also in a hybrid) pays 21 %, the heat pump 6 %."""
    ctx = _context(14000.0, investment_by_vat_class_eur={"renovation": 10000.0, "fossil_heating": 4000.0})
    result = apply_subsidies([ReducedVat(), *klimaatfonds_antwerpen()], ctx)
    assert result.vat_rates == {"renovation": 0.06, "fossil_heating": 0.21, "standard": 0.21}
    assert result.vat_saved_eur == pytest.approx(10000 * 0.15)
    assert result.works_eur == pytest.approx(0.8 * (10000 * 1.06 + 4000 * 1.21))  # 12,352
    assert result.vat_frame()["vat_eur"].to_dict() == pytest.approx(
        {"renovation": 600.0, "fossil_heating": 840.0, "standard": 0.0})


def test_a_reduced_vat_rule_judged_again_judges_as_a_fresh_one():
    """The rule keeps its conditions once built: judging it again, on another building, gives what a fresh rule
    gives."""
    rule = ReducedVat(min_age_years=12.0)
    for age in (5.0, 30.0, 12.0):
        ctx = SubsidyContext(1000.0, building_age_years=age)
        assert rule.judge(ctx) == ReducedVat(min_age_years=12.0).judge(ctx)
        assert apply_subsidies([rule], ctx) == apply_subsidies([ReducedVat(min_age_years=12.0)], ctx)


def test_a_trusted_context_is_the_checked_one():
    """SubsidyContext.trusted (a batch's own checked numbers, no checks) builds what the constructor builds, the
    investment being the split's sum, and the rules judge and pay it alike; it refuses a field it does not know."""
    split = {"renovation": 10000.0, "fossil_heating": 4000.0, "standard": 0.0}
    checked = SubsidyContext(14000.0, 9000.0, n_units=24, building_age_years=40.0, investment_by_vat_class_eur=split,
                             **ELIGIBLE)
    trusted = SubsidyContext.trusted(split, study_cost_incl_vat_eur=9000.0, n_units=24, building_age_years=40.0,
                                     **ELIGIBLE)
    assert trusted == checked
    rules = [ReducedVat(), *klimaatfonds_antwerpen()]
    assert apply_subsidies(rules, trusted) == apply_subsidies(rules, checked)
    assert SubsidyContext.trusted({"renovation": 5.0}) == SubsidyContext(5.0, investment_by_vat_class_eur={
        "renovation": 5.0})
    with pytest.raises(TypeError, match="n_unit"):
        SubsidyContext.trusted(split, n_unit=3)


def test_reduced_vat_judged_once_rates_and_pays_as_judged_twice():
    """apply_subsidies judges a VAT rule once for its rate and its payment: as the rule judging itself each time."""
    rule = ReducedVat()
    for age in (5.0, 10.0, 40.0):
        ctx = SubsidyContext(1000.0, building_age_years=age)
        judged = rule.judge(ctx)
        assert rule.vat_frac(ctx, 0.21, judged) == rule.vat_frac(ctx, 0.21)
        result = apply_subsidies([rule], ctx)
        basis = _VatBasis(ctx.investment_by_class(), result.vat_rates)
        assert rule.apply(ctx, basis, 0.21, 0.0, judged=judged) == rule.apply(ctx, basis, 0.21, 0.0) \
            == result.payments[0]


def test_reduced_vat_needs_old_housing_and_grants_are_net():
    young = apply_subsidies([ReducedVat()], SubsidyContext(1000.0, building_age_years=5))
    assert young.vat_frac == 0.21 and young.vat_saved_eur == 0
    assert young.to_frame().loc["reduced_vat_6pct_renovation", "reason_en"] == (
        "not met: the dwelling was first occupied at least 10 years before the first invoice (building age: 5 years)")
    rules = [Grant("flemish", share_frac=0.4, eur_per_unit=500.0), Grant("city", share_frac=0.5, cap_eur=1e6)]
    result = apply_subsidies(rules, SubsidyContext(10000.0, n_units=4))
    paid = result.to_frame()["amount_eur"]
    assert paid["flemish"] == 2000.0  # min(0.4 x 12100, 500 x 4)
    assert paid["city"] == pytest.approx(0.5 * (12100 - 2000))
    with pytest.raises(InputError, match="share_frac"):
        Grant("x", share_frac=1.5)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"has_heat_pump": "yes"}, r"SubsidyContext.has_heat_pump = 'yes' must be True or False"),
    ({"lock_in_failures": "fossil"}, r"lock_in_failures = 'fossil' must be a sequence"),
    ({"construction_year": 1965.5}, r"construction_year = 1965.5 must be a whole number"),
    ({"n_apartments_served": -1}, r"n_apartments_served"),
    ({"investment_by_vat_class_eur": {"renovation": 10.0}}, r"sums to 10.00 EUR, not investment_excl_vat_eur = 100.00"),
    ({"investment_by_vat_class_eur": {"luxury": 100.0}}, r"'luxury' is not one of 'renovation', 'fossil_heating'"),
])
def test_subsidy_context_refuses_bad_facts(kwargs, message):
    with pytest.raises(InputError, match=message):
        SubsidyContext(100.0, **kwargs)


def test_investment_vat_class_is_checked():
    assert Investment("hp", 1.0, 10).vat_class == "renovation"
    with pytest.raises(InputError, match=r"Investment\(boiler\).vat_class = 'gas' is not one of 'renovation', "
                                         r"'fossil_heating', 'standard'"):
        Investment("boiler", 1.0, 10, vat_class="gas")


# ---------------------------------------------------------------- business case


@pytest.fixture(scope="module")
def case_inputs():
    reference = Option("gas boiler", [Investment("boiler", 30000.0, 20, 0.02, vat_class="fossil_heating")],
                       {"electricity": 800.0, "gas": 30000.0}, heat_delivered_mwh_per_year=300, co2_t_per_year=70)
    variant = Option("heat pump", [Investment("hp", 150000.0, 20, 0.02), Investment("pv", 30000.0, 25, 0.01)],
                     {"electricity": 24000.0, "injection": -500.0}, heat_delivered_mwh_per_year=300,
                     co2_t_per_year=20, study_cost_incl_vat_eur=8000.0)
    return variant, reference


def test_business_case_cash_flows_hand_checked(case_inputs):
    variant, reference = case_inputs
    finance = Finance(horizon_years=20, discount_rate_frac=0.03, n_apartments=20, escalation_frac={"gas": 0.02})
    case = business_case(variant, reference, finance)
    cf = case.cash_flows
    # year 0: reference 30000 x 1.21, variant 180000 x 1.21 + 8000 study
    assert case.incremental[0] == pytest.approx(30000 * 1.21 - (180000 * 1.21 + 8000))
    assert (cf.loc[0, "variant_investment_eur"], cf.loc[0, "variant_study_eur"]) == pytest.approx((180000 * 1.21, 8000))
    # year 1: reference bills 800 + 30000 + O&M 600 x 1.21; variant 24000 - 500 + O&M (3000 + 300) x 1.21
    assert case.incremental[1] == pytest.approx((30800 + 726) - (23500 + 3993))
    assert cf.loc[2, "reference_energy_gas_eur"] == pytest.approx(30000 * 1.02)
    assert cf.loc[20, "variant_residual_eur"] == pytest.approx(-30000 * 1.21 * 5 / 25)
    variant_lines = [c for c in cf.columns if c.startswith("variant_")]
    reference_lines = [c for c in cf.columns if c.startswith("reference_")]
    difference = cf[reference_lines].sum(axis=1) - cf[variant_lines].sum(axis=1)
    assert difference.to_numpy() == pytest.approx(case.incremental)
    assert case.npv_eur == pytest.approx(npv(0.03, case.incremental))
    assert case.irr_frac == pytest.approx(npf.irr(case.incremental), abs=1e-12) and case.irr_note is None
    assert case.annual_cost_per_apartment_variant_eur > 0
    assert set(case.to_series().index) >= {"npv_eur", "lcoh_variant_eur_per_mwh", "co2_abatement_eur_per_t",
                                           "gap_before_grants_eur", "gap_per_t_co2_eur", "co2_avoided_t"}


def test_vat_is_per_item_so_the_new_gas_boiler_pays_21pct(case_inputs):
    variant, reference = case_inputs
    case = business_case(variant, reference, Finance(n_apartments=20), subsidy_rules=[ReducedVat()])
    cf = case.cash_flows
    assert cf.loc[0, "reference_investment_eur"] == pytest.approx(30000 * 1.21)
    assert cf.loc[1, "reference_om_eur"] == pytest.approx(600 * 1.21)
    assert cf.loc[0, "variant_investment_eur"] == pytest.approx(180000 * 1.06)
    assert (case.variant_investment_vat_eur, case.reference_investment_vat_eur) == pytest.approx((10800.0, 6300.0))
    vat = case.vat_frame()["vat_eur"]
    assert vat["reference", "fossil_heating"] == pytest.approx(6300.0) and vat["variant", "renovation"] == 10800.0


def test_gap_before_grants_and_eur_per_tonne_by_hand():
    """r = 0, N = 10, no VAT. Variant: EUR 100,000 heat pump (10-year life: no replacement, no residual),
    study EUR 5,000, electricity 6,000/year, 4 t CO2/year; reference: gas 10,000/year, 20 t/year.
    Before grants: -100,000 + 10 x 4,000 = -60,000 -> gap 60,000; grants 24,000 (works) + 5,000 (study);
    CO2 avoided (20 - 4) x 10 = 160 t -> 375 EUR/t; after grants NPV -60,000 + 24,000 + 5,000 - 5,000."""
    finance = Finance(horizon_years=10, discount_rate_frac=0.0, vat_frac=0.0, n_apartments=24)
    variant = Option("hp", [Investment("hp", 100000.0, 10)], {"electricity": 6000.0}, co2_t_per_year=4.0,
                     study_cost_incl_vat_eur=5000.0)
    reference = Option("gas", (), {"gas": 10000.0}, co2_t_per_year=20.0)
    case = business_case(variant, reference, finance, subsidy_rules=klimaatfonds_antwerpen(), facts=ELIGIBLE)
    assert case.npv_before_grants_eur == pytest.approx(-60000.0)
    assert case.gap_before_grants_eur == pytest.approx(60000.0)
    assert (case.works_grants_eur, case.study_grants_eur) == (24000.0, 5000.0)
    assert case.gap_covered_frac == pytest.approx(0.4)
    assert case.co2_avoided_t == pytest.approx(160.0)
    assert case.gap_per_t_co2_eur == pytest.approx(375.0)
    assert case.npv_eur == pytest.approx(-36000.0) and case.subsidy_gap_eur == pytest.approx(36000.0)
    assert case.co2_abatement_eur_per_t == pytest.approx(36000.0 / 160.0)     # levelised, after grants
    unchecked = business_case(variant, reference, finance, subsidy_rules=klimaatfonds_antwerpen())
    assert unchecked.works_grants_eur == 0 and unchecked.gap_before_grants_eur == pytest.approx(60000.0)


def test_npv_is_the_npv_before_grants_plus_the_grants_as_paid(case_inputs):
    variant, reference = case_inputs
    finance = Finance(n_apartments=20)
    rules = [ReducedVat(), *klimaatfonds_antwerpen()]
    case = business_case(variant, reference, finance, subsidy_rules=rules, facts=ELIGIBLE)
    assert case.works_grants_pv_eur == pytest.approx(12000 + 12000 / 1.03)
    assert (case.study_grants_pv_eur, case.study_cost_pv_eur) == (6000.0, 8000.0)
    assert case.npv_eur == pytest.approx(case.npv_before_grants_eur + case.works_grants_pv_eur
                                         + case.study_grants_pv_eur - case.study_cost_pv_eur, abs=1e-6)
    assert case.gap_covered_frac == pytest.approx(24000.0 / case.gap_before_grants_eur)
    assert case.co2_avoided_t == 50.0 * 20
    assert case.gap_per_t_co2_eur == pytest.approx(case.gap_before_grants_eur / 1000.0)
    # with gas prices rising 2 % a year the variant is profitable before grants: no gap to cover
    rising = business_case(variant, reference, Finance(n_apartments=20, escalation_frac={"gas": 0.02}),
                           subsidy_rules=rules, facts=ELIGIBLE)
    assert rising.npv_before_grants_eur > 0 and rising.gap_before_grants_eur == 0.0
    assert rising.gap_covered_frac is None and rising.gap_per_t_co2_eur == 0.0
    with pytest.raises(InputError, match=r"facts: unknown key\(s\) \['colour'\]; allowed: construction_year"):
        business_case(variant, reference, finance, facts={"colour": "red"})


def test_a_grant_in_year_1_and_the_residual_value_make_no_irr_and_no_payback():
    """The variant costs EUR 3,000 a year more; its only positive years are the grant's (year 1)
    and the residual value's (year 20): several sign changes, and added up it costs more than it
    saves: no IRR, with that plain reason; never paid back."""
    finance = Finance(horizon_years=20, discount_rate_frac=0.03, vat_frac=0.0)
    variant = Option("v", [Investment("hp", 40000.0, 25)], {"electricity": 3000.0})
    reference = Option("r")
    grant = Grant("late", share_frac=0.3, advance_frac=0.0, balance_year=1)
    case = business_case(variant, reference, finance, subsidy_rules=[grant])
    flows = case.incremental
    assert flows[1] == pytest.approx(12000.0 - 3000.0) and flows[20] == pytest.approx(-3000.0 + 40000.0 * 5 / 25)
    assert case.irr_frac is None and case.irr_note.code == "not_repaid"
    assert case.payback_years is None and case.payback_note.code == "not_paid_back"
    assert case.discounted_payback_note.code == "not_paid_back"


def test_a_payback_only_through_the_residual_value_is_none():
    """r = 0, N = 10: EUR 1,000 (20-year life: residual 500 in year 10) saving 60 a year:
    without the residual -1,000 + 600 = -400, with it +100."""
    finance = Finance(horizon_years=10, discount_rate_frac=0.0, vat_frac=0.0)
    case = business_case(Option("v", [Investment("x", 1000.0, 20)]), Option("r", (), {"gas": 60.0}), finance)
    assert case.cash_flows.loc[10, "variant_residual_eur"] == pytest.approx(-500.0)
    assert case.payback_years is None and case.payback_note.code == "only_residual"
    assert case.discounted_payback_years is None and case.discounted_payback_note.code == "only_residual"
    assert case.irr_frac is not None and case.irr_frac > 0      # one sign change, sum +100: a (small) return
    saved = business_case(Option("v", [Investment("x", 1000.0, 20)]), Option("r", (), {"gas": 120.0}), finance)
    assert saved.payback_years == pytest.approx(1000.0 / 120.0) and saved.payback_note is None


def test_subsidy_gap_as_grant_makes_npv_zero(case_inputs):
    variant, reference = case_inputs
    finance = Finance(n_apartments=20)
    rules = [ReducedVat(), *klimaatfonds_antwerpen()]
    case = business_case(variant, reference, finance, subsidy_rules=rules, facts=ELIGIBLE)
    assert case.npv_eur < 0 and case.subsidy_gap_eur == pytest.approx(-case.npv_eur)
    assert case.irr_frac is None or case.irr_frac < finance.discount_rate_frac
    closed = business_case(variant, reference, finance, facts=ELIGIBLE,
                           subsidy_rules=[*rules, Grant("gap", share_frac=1.0, cap_eur=case.subsidy_gap_eur)])
    assert abs(closed.npv_eur) < 1.0
    assert closed.npv_before_grants_eur == pytest.approx(case.npv_before_grants_eur)


def test_batch_matches_single_cases():
    finance = Finance(horizon_years=15, discount_rate_frac=0.04)
    capex = np.array([10000.0, 50000.0, 20000.0])
    savings = {"electricity": np.array([-2000.0, -8000.0, -100.0]), "gas": np.array([3500.0, 12000.0, 0.0])}
    flows = batch_cash_flows(capex, savings, finance, lifetime_years=20, maintenance_frac=0.01)
    residual = capex * 1.21 * 5 / 20                                     # 20-year life, 15-year horizon
    table = batch_metrics(flows, finance, residual_eur=residual)
    for i in range(3):
        var = Option("v", [Investment("x", capex[i], 20, 0.01)], {"electricity": -savings["electricity"][i], "gas": -savings["gas"][i]})
        single = business_case(var, Option("r"), finance)
        assert single.incremental == pytest.approx(flows[i])
        assert table.loc[i, "npv_eur"] == pytest.approx(single.npv_eur)
        for key in ("irr_frac", "payback_years", "discounted_payback_years"):
            expected = np.nan if getattr(single, key) is None else getattr(single, key)
            np.testing.assert_allclose(table.loc[i, key], expected, atol=1e-9)
    assert np.isnan(table.loc[2, "irr_frac"]) and np.isnan(table.loc[2, "payback_years"])


# ---------------------------------------------------------------- co-owner split


@settings(max_examples=50, deadline=None)
@given(total=st.floats(-1e6, 1e6), raw=st.lists(st.floats(0.01, 1000), min_size=1, max_size=40))
def test_split_cents_sums_exactly(total, raw):
    weight = np.array(raw) / np.sum(raw)
    parts = split_cents(total, weight)
    # the total in cents is round(total * 100), the same rounding as the split (round(total, 2) can
    # differ at half-cents because of binary floats: 0.475 -> 0.47 but 47.5 -> 48)
    assert round(parts.sum() * 100) == round(total * 100)
    # each part is its exact share of the rounded total, rounded down or up to the cent (against the unrounded
    # total the total's own rounding, up to half a cent, adds its share: 141,727.384765625 by 0.999/0.0005/0.0005)
    rounded = np.sign(total) * round(abs(total) * 100) / 100
    assert np.all(np.abs(parts - rounded * weight) <= 0.01 + 1e-9 + abs(total) * 1e-12)


def _cents(x) -> int:
    return round(x * 100)


def test_building_items_by_hand():
    """r = 0, N = 10, no VAT: a EUR 1,000 item with a 5-year life and 2 % maintenance is replaced in
    year 5 (residual 0 in year 10): replacements annualised 1,000 / 10 = 100 a year, maintenance 20."""
    finance = Finance(horizon_years=10, discount_rate_frac=0.0, vat_frac=0.0, n_apartments=2)
    case = business_case(Option("v", [Investment("x", 1000.0, 5, 0.02)], {"electricity": 300.0}),
                         Option("r", (), {"gas": 500.0}), finance)
    items = building_items(case)
    assert items["replacements_change_eur"] == pytest.approx(100.0)
    assert (items["maintenance_after_eur"], items["maintenance_before_eur"]) == (20.0, 0.0)
    assert (items["bill_before_eur"], items["bill_after_eur"]) == (500.0, 300.0)
    split = co_owner_split(case, shares=[1, 3])
    # apartment 2: 3/4 of (300 - 500 + 20 + 100) = -60 a year; 750 up front
    assert split.loc[2, "recurring_change_eur"] == pytest.approx(-60.0)
    assert split.loc[2, "net_up_front_eur"] == pytest.approx(750.0)


def test_co_owner_split_one_off_apart_from_recurring(case_inputs):
    variant, reference = case_inputs
    case = business_case(variant, reference, Finance(n_apartments=4),
                         subsidy_rules=[ReducedVat(), *klimaatfonds_antwerpen()], facts=ELIGIBLE)
    shares = [100, 200, 300, 400]
    heat = [1000, 3000, 3000, 3000]
    table = co_owner_split(case, shares=shares, metered_heat_kwh=heat, fixed_frac=0.3)
    items = building_items(case)
    assert table.attrs["key"] == "shares" and table.attrs["energy_key"] == "0.3 shares + 0.7 metered heat"
    for name in ("investment_incl_vat_eur", "study_cost_eur", "works_grants_eur", "study_grants_eur",
                 "reference_investment_incl_vat_eur", "bill_before_eur", "bill_after_eur", "replacements_change_eur"):
        assert _cents(table[name].sum()) == _cents(items[name]), name
    assert (table["works_grants_eur"].sum(), table["study_grants_eur"].sum()) == pytest.approx((24000.0, 6000.0))
    # derived columns add up per row and per column, to the cent
    rows = table.drop(columns="payback_years").apply(lambda c: c.map(_cents))
    assert (rows["bill_change_eur"] == rows["bill_after_eur"] - rows["bill_before_eur"]).all()
    assert (rows["net_up_front_eur"] == rows["investment_incl_vat_eur"] + rows["study_cost_eur"]
            - rows["works_grants_eur"] - rows["study_grants_eur"]).all()
    assert (rows["recurring_change_eur"] == rows["bill_change_eur"] + rows["maintenance_change_eur"]
            + rows["replacements_change_eur"]).all()
    maintenance = _cents(items["maintenance_after_eur"]) - _cents(items["maintenance_before_eur"])
    assert rows["maintenance_change_eur"].sum() == maintenance
    assert rows["recurring_change_eur"].sum() == (_cents(items["bill_after_eur"]) - _cents(items["bill_before_eur"])
                                                  + maintenance + _cents(items["replacements_change_eur"]))
    # no grant in the yearly figures: the recurring change is year 1's bills and O&M plus annualised replacements
    year1 = case.cash_flows.loc[1]
    energy = year1.filter(like="variant_energy").sum() - year1.filter(like="reference_energy").sum()
    assert table["recurring_change_eur"].sum() == pytest.approx(
        energy + year1["variant_om_eur"] - year1["reference_om_eur"] + items["replacements_change_eur"], abs=0.03)
    assert (table["saving_eur"] == -table["recurring_change_eur"]).all()
    assert _cents(table["npv_eur"].sum()) == _cents(case.npv_eur)
    # energy key apartment 1: 0.3 x 0.1 + 0.7 x 0.1 = 0.1; apartment 2: 0.3 x 0.2 + 0.7 x 0.3 = 0.27
    assert table.loc[2, "bill_before_eur"] == pytest.approx(0.27 * items["bill_before_eur"], abs=0.01)
    assert table.loc[1, "investment_incl_vat_eur"] == pytest.approx(0.1 * items["investment_incl_vat_eur"], abs=0.01)
    with pytest.raises(InputError, match="shares"):
        co_owner_split(case)
    with pytest.raises(InputError, match="metered_heat_kwh"):
        co_owner_split(case, shares=shares, metered_heat_kwh=[1, 2])


def test_given_shares_are_respected_to_the_cent(case_inputs):
    """Twice the shares, twice the amount: exactly where the building total splits into whole cents
    (investment 190,800.00 and 6,000 of study money over 1 + 2 + 1 shares), within a cent otherwise."""
    variant, reference = case_inputs
    case = business_case(variant, reference, Finance(n_apartments=3),
                         subsidy_rules=[ReducedVat(), *klimaatfonds_antwerpen()], facts=ELIGIBLE)
    split = co_owner_split(case, shares=[1, 2, 1])
    assert split["investment_incl_vat_eur"].tolist() == [47700.0, 95400.0, 47700.0]
    assert split["study_grants_eur"].tolist() == [1500.0, 3000.0, 1500.0]
    for column in split.columns.drop("payback_years"):
        a1, a2 = split.loc[1, column], split.loc[2, column]
        assert abs(a2 - 2 * a1) <= 0.02 + 1e-9, column
    by_area = co_owner_split(case, floor_area_m2=[50, 50, 100])
    assert by_area.attrs["key"] == "floor_area"
    assert by_area.loc[3, "bill_after_eur"] == pytest.approx(by_area["bill_after_eur"].sum() / 2, abs=0.01)


# ---------------------------------------------------------------- uncertainty


def test_monte_carlo_is_seeded_and_collapses_without_spread():
    from mgwsim.finance import monte_carlo

    finance = Finance(horizon_years=15, discount_rate_frac=0.03, escalation_frac={"gas": 0.02})
    savings = {"gas": 12000.0, "electricity": -5000.0}
    base = batch_metrics(batch_cash_flows([60000.0], savings, finance, lifetime_years=15), finance)
    flat = monte_carlo(60000.0, savings, finance, lifetime_years=15, n_samples=5)
    assert flat["npv_eur"].to_numpy() == pytest.approx(np.full(5, base.loc[0, "npv_eur"]))
    kwargs = dict(lifetime_years=15, escalation_sd_frac={"gas": 0.02}, capex_sd_frac=0.1, n_samples=200)
    a, b = monte_carlo(60000.0, savings, finance, seed=3, **kwargs), monte_carlo(60000.0, savings, finance, seed=3, **kwargs)
    assert a.equals(b)
    # higher gas escalation -> higher NPV (savings on gas grow): rank correlation positive
    assert np.corrcoef(a["escalation_gas"], a["npv_eur"])[0, 1] > 0.5


def test_lines_bought_at_the_electricity_price_escalate_with_it():
    finance = Finance(horizon_years=3, escalation_frac={"electricity": 0.1, "gas": 0.02})
    np.testing.assert_allclose(finance.growth("unmet_heat"), [0.0, 1.0, 1.1, 1.21])
    np.testing.assert_allclose(finance.growth("ev_reimbursement"), finance.growth("electricity"))
    np.testing.assert_allclose(finance.growth("injection"), [0.0, 1.0, 1.0, 1.0])  # its own key, not given


def test_a_heat_networks_heat_follows_gas_unless_given_its_own_rate():
    """NMDA: the network's heat price follows the gas price; an operator's own indexation overrides it."""
    follows = Finance(horizon_years=3, escalation_frac={"gas": 0.05})
    np.testing.assert_allclose(follows.growth("district_heat"), [0.0, 1.0, 1.05, 1.05 ** 2])
    own = Finance(horizon_years=3, escalation_frac={"gas": 0.05, "district_heat": 0.01})
    np.testing.assert_allclose(own.growth("district_heat"), [0.0, 1.0, 1.01, 1.01 ** 2])
    finance = Finance(horizon_years=10, discount_rate_frac=0.03, escalation_frac={"gas": 0.04}, vat_frac=0.0)
    case = business_case(Option("network", (), {"district_heat": 1000.0}), Option("gas", (), {"gas": 1000.0}), finance)
    assert case.npv_eur == pytest.approx(0.0, abs=1e-9)  # same bill, same escalation: neither is cheaper


def test_the_yearly_figures_leave_out_the_residual_value_and_later_purchases_stand_apart():
    """r = 0, N = 10, no VAT: a EUR 1,000 item with a 15-year life keeps 5/15 of its price at year 10 (residual,
    not money received: not in the yearly figures); a EUR 300 one-off bought in year 3 is a later cost."""
    finance = Finance(horizon_years=10, discount_rate_frac=0.0, vat_frac=0.0, n_apartments=2)
    items = [Investment("x", 1000.0, 15), Investment("remount", 300.0, 25, first_year=3, one_off=True)]
    case = business_case(Option("v", items, {"electricity": 300.0}), Option("r", (), {"gas": 500.0}), finance)
    building = building_items(case)
    assert building["replacements_change_eur"] == 0.0  # nothing wears out within 10 years; the residual is left out
    assert building["later_one_off_change_eur"] == pytest.approx(300.0)
    later = later_costs(case)
    assert list(later.index) == [3] and later.loc[3, "change_eur"] == pytest.approx(300.0)
    split = co_owner_split(case, shares=[1, 1])
    assert (split["later_one_off_change_eur"] == 150.0).all()
    assert (split["recurring_change_eur"] == -100.0).all()  # (300 - 500) / 2: bills only
    assert case.npv_eur == pytest.approx(-1000.0 - 300.0 + 1000.0 * 5 / 15 + 10 * 200.0)  # the NPV keeps the residual


def test_mv_access_power_is_billed_at_least_at_the_tariffs_minimum_connection():
    """Issue 18: a 38 kVA peak on a private MV cabin is billed at the tariff file's 100 kVA minimum."""
    import pandas as pd

    from mgwsim.tariffs import annual_bill

    mv = load_tariff("mv_fluvius_antwerpen", 2026)
    index = pd.date_range("2026-01-01", "2027-01-01", freq="h", tz="Europe/Brussels", inclusive="left")
    flows = pd.DataFrame({"grid_import_kwh": 10.0, "grid_export_kwh": 0.0}, index=index)
    rate, minimum = mv["access_power_eur_per_kva_year"], mv["connection_min_kva"]
    assert minimum == 100.0
    small = annual_bill(flows, mv, access_power_kva=38.0)
    assert small.components["electricity", "capacity", "access_power"] == pytest.approx(rate * 100.0)
    assert any("billed at 100 kVA" in note for note in small.notes)
    large = annual_bill(flows, mv, access_power_kva=160.0)  # above the minimum: as contracted, no note
    assert large.components["electricity", "capacity", "access_power"] == pytest.approx(rate * 160.0)
    assert not any("minimum" in note for note in large.notes)


def test_energy_sharing_by_hand_moves_cost_between_apartments_and_the_common_account():
    """Issue 18: 2 apartments, 4 steps. Export [0, 4, 2, 0] kWh, use [[1, 1], [1, 3], [3, 3], [0, 0]] kWh; the
    dynamic key shares [1, 3] then [1, 1]: 2 and 4 kWh. Supply 0.10 EUR/kWh + 6 % VAT saved, injection 0.03
    forgone, price 0.05 paid to the VME, fee 1 EUR each. By hand: apartment 1 -0.212 + 0.10 + 1 = 0.888,
    apartment 2 -0.424 + 0.20 + 1 = 0.776, common 6 x 0.03 - 0.30 = -0.12."""
    from mgwsim.finance import SharingTerms, value_sharing

    export = [0.0, 4.0, 2.0, 0.0]
    loads = [[1.0, 1.0], [1.0, 3.0], [3.0, 3.0], [0.0, 0.0]]
    kwargs = dict(supply_price=0.10, injection_price=0.03, vat_frac=0.06)
    sold = value_sharing(export, loads, terms=SharingTerms(price_eur_per_kwh=0.05, fee_eur_per_year=1.0), **kwargs)
    np.testing.assert_allclose(sold.shared_kwh, [[0, 0], [1, 3], [1, 1], [0, 0]])
    np.testing.assert_allclose(sold.apartments["shared_kwh"], [2.0, 4.0])
    np.testing.assert_allclose(sold.apartments["bill_change_eur"], [0.888, 0.776])
    assert sold.common["bill_change_eur"] == pytest.approx(-0.12)
    # the building's total changes by the supply saved less the injection forgone, plus the fees
    assert sold.building_change_eur == pytest.approx(-6 * 0.10 * 1.06 + 6 * 0.03 + 2 * 1.0)
    free = value_sharing(export, loads, terms=SharingTerms(price_eur_per_kwh=0.0, fee_eur_per_year=1.0), **kwargs)
    # the sharing price only moves money between the apartments and the common account
    np.testing.assert_allclose(sold.apartments["bill_change_eur"] - free.apartments["bill_change_eur"], [0.10, 0.20])
    assert sold.common["bill_change_eur"] - free.common["bill_change_eur"] == pytest.approx(-0.30)
    assert sold.building_change_eur == pytest.approx(free.building_change_eur)
    # with no supply saving and no injection forgone the total changes by the fees only
    flat = value_sharing(export, loads, supply_price=0.0, injection_price=0.0, vat_frac=0.06,
                         terms=SharingTerms(price_eur_per_kwh=0.05, fee_eur_per_year=1.0))
    assert flat.building_change_eur == pytest.approx(flat.fees_eur) == pytest.approx(2.0)
    with pytest.raises(InputError, match="price_eur_per_kwh"):
        SharingTerms(price_eur_per_kwh=-0.1)
    with pytest.raises(InputError, match="vat_frac"):
        value_sharing(export, loads, supply_price=0.1, injection_price=0.03, vat_frac=0.9)


def test_co_owner_split_carries_the_sharing_per_apartment_and_the_common_part_by_the_key():
    from mgwsim.finance import SharingTerms, value_sharing

    finance = Finance(horizon_years=10, discount_rate_frac=0.0, vat_frac=0.0, n_apartments=2)
    case = business_case(Option("v", [Investment("x", 1000.0, 5, 0.02)], {"electricity": 300.0}),
                         Option("r", (), {"gas": 500.0}), finance)
    sharing = value_sharing([0.0, 4.0, 2.0, 0.0], [[1.0, 1.0], [1.0, 3.0], [3.0, 3.0], [0.0, 0.0]],
                            supply_price=0.10, injection_price=0.03, vat_frac=0.06,
                            terms=SharingTerms(price_eur_per_kwh=0.05, fee_eur_per_year=1.0))
    plain = co_owner_split(case, shares=[1, 3])
    split = co_owner_split(case, shares=[1, 3], sharing=sharing)
    pd_cols = [c for c in plain.columns]
    assert split[pd_cols].equals(plain)  # the existing columns are unchanged
    np.testing.assert_allclose(split["sharing_private_eur"], [0.89, 0.78])  # to the cent
    np.testing.assert_allclose(split["sharing_common_eur"], [-0.03, -0.09])  # -0.12 by the shares 1:3
    np.testing.assert_allclose(split["sharing_net_eur"], split["sharing_private_eur"] + split["sharing_common_eur"])
    assert split["sharing_net_eur"].sum() == pytest.approx(round(sharing.building_change_eur, 2), abs=0.011)
    np.testing.assert_allclose(split["recurring_change_with_sharing_eur"],
                               plain["recurring_change_eur"] + split["sharing_net_eur"])


def test_split_cents_part_within_a_cent_of_its_share_of_the_rounded_total():
    """The case hypothesis found (2026-12-07): the total rounds down by 0.48 cent, the big part's share of the
    rounded total is floored and the remainders go to the small parts; the part stays within a cent of its share
    of the rounded total (not of the unrounded one)."""
    total, raw = 141727.384765625, np.array([656.875, 0.3359375, 0.33203125])
    weight = raw / raw.sum()
    parts = split_cents(total, weight)
    assert _cents(parts.sum()) == 14172738
    assert np.all(np.abs(parts - 141727.38 * weight) < 0.01)
