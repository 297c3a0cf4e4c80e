"""Finance: metrics against numpy-financial and hand-worked cash flows, costs, subsidies,
the business case and the co-owner split."""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mgwsim.errors import DataError, InputError
from mgwsim.finance import (
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
    business_case,
    cabin_investments,
    co_owner_split,
    investment_schedule,
    irr,
    klimaatfonds_antwerpen,
    levelised_cost,
    load_cost_table,
    npv,
    payback,
    split_cents,
    subsidy_gap,
)
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


def test_irr_hand_worked_numpy_financial_and_absent():
    assert irr([-100, 110]) == pytest.approx(0.10)
    for flows in ([-100, 39, 59, 55, 20], [-100, 0, 0, 74], [-5000, 800, 900, 1000, 1100, 1200, 1300]):
        assert irr(flows) == pytest.approx(npf.irr(flows), abs=1e-12)
    assert irr([100, 50, 20]) is None      # never negative
    assert irr([-100, -5, 0]) is None      # never positive
    assert irr([0, 0, 0]) is None


@settings(max_examples=40, deadline=None)
@given(invest=st.floats(100, 1e5), saving=st.floats(1, 2e4), years=st.integers(3, 30))
def test_batch_irr_equals_numpy_financial(invest, saving, years):
    flows = np.r_[-invest, np.full(years, saving)]
    reference = npf.irr(flows)
    batch = irr(np.vstack([flows, flows]))
    if np.isnan(reference):
        assert np.isnan(batch).all()
    else:
        assert batch == pytest.approx([reference, reference], abs=1e-9)


def test_batch_irr_absent_where_no_sign_change():
    flows = np.array([[-100.0, 60, 60], [100.0, 10, 10], [-100.0, -1, -1]])
    result = irr(flows)
    assert result[0] == pytest.approx(npf.irr(flows[0]))
    assert np.isnan(result[1:]).all()


def test_payback_simple_discounted_and_never():
    flows = [-1000, 300, 300, 300, 300]
    assert payback(flows) == pytest.approx(3 + 100 / 300)
    # discounted at 10 %: 272.73, 247.93, 225.39, 204.90 -> cumulative -272.73 after year 3 (after
    # -1000 + 746.05 = -253.95) ... year 4 adds 204.90 -> still negative: never within horizon
    assert payback(flows, 0.10) is None
    # at 5 %: 285.71, 272.11, 259.15, 246.81 -> after year 3: -183.03; year 4: 183.03/246.81 = 0.7416
    assert payback(flows, 0.05) == pytest.approx(3 + 183.0268 / 246.8107, abs=1e-4)
    assert payback([-1000, 100, 100]) is None
    assert payback([0, 10]) == 0.0
    assert np.isnan(payback(np.array([[-10.0, 5, 5, 5], [-10.0, 1, 1, 1]]))[1])


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
    with pytest.raises(InputError, match=r"condensing\].size = 5.0 kW is outside the allowed range \[20, inf\]"):
        table.investments("gas_boiler_condensing", 5.0)


def test_cabin_investments_from_mv_tariff():
    mv = load_tariff("mv_fluvius_antwerpen", 2026)
    cabin, connection = cabin_investments(mv, access_power_kva=80)
    assert cabin.capex_eur == 40000 and cabin.fixed_om_eur_per_year == pytest.approx(850)
    assert connection.capex_eur == pytest.approx(5124.58 + 1494.67 + 16.15 * 100)  # 100 kVA minimum
    with pytest.raises(InputError, match="medium-voltage"):
        cabin_investments(load_tariff("gas", 2026), 100)


# ---------------------------------------------------------------- subsidies


def test_klimaatfonds_caps_and_advance():
    rules = [ReducedVat(), *klimaatfonds_antwerpen()]
    big = apply_subsidies(rules, SubsidyContext(200000.0, study_cost_incl_vat_eur=9000.0))
    table = big.to_frame()
    assert big.vat_frac == 0.06
    assert table.loc["klimaatfonds_phase1_study", "amount_eur"] == 6000
    assert table.loc["klimaatfonds_phase2_works", "amount_eur"] == 24000
    assert table["capped"].tolist() == [False, True, True]
    assert big.total_eur == 30000
    assert big.by_year() == {0: 6000 + 12000, 1: 12000}
    small = apply_subsidies(rules, SubsidyContext(10000.0))
    assert small.to_frame().loc["klimaatfonds_phase2_works", "amount_eur"] == pytest.approx(0.8 * 10600)


def test_reduced_vat_needs_old_housing_and_grants_are_net():
    young = apply_subsidies([ReducedVat()], SubsidyContext(1000.0, building_age_years=5))
    assert young.vat_frac == 0.21
    rules = [Grant("flemish", share_frac=0.4, eur_per_unit=500.0), Grant("city", share_frac=0.5, cap_eur=1e6)]
    result = apply_subsidies(rules, SubsidyContext(10000.0, n_units=4))
    paid = result.to_frame()["amount_eur"]
    assert paid["flemish"] == 2000.0  # min(0.4 x 12100, 500 x 4)
    assert paid["city"] == pytest.approx(0.5 * (12100 - 2000))
    with pytest.raises(InputError, match="share_frac"):
        Grant("x", share_frac=1.5)


# ---------------------------------------------------------------- business case


@pytest.fixture(scope="module")
def case_inputs():
    reference = Option("gas boiler", [Investment("boiler", 30000.0, 20, 0.02)],
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
    # year 1: reference bills 800 + 30000 + O&M 600 x 1.21; variant 24000 - 500 + O&M (3000 + 300) x 1.21
    assert case.incremental[1] == pytest.approx((30800 + 726) - (23500 + 3993))
    assert cf.loc[2, "reference_energy_gas_eur"] == pytest.approx(30000 * 1.02)
    assert cf.loc[20, "variant_residual_eur"] == pytest.approx(-30000 * 1.21 * 5 / 25)
    assert case.npv_eur == pytest.approx(npv(0.03, case.incremental))
    assert case.irr_frac == pytest.approx(npf.irr(case.incremental))
    assert case.annual_cost_per_apartment_variant_eur > 0
    assert set(case.to_series().index) >= {"npv_eur", "lcoh_variant_eur_per_mwh", "co2_abatement_eur_per_t"}


def test_subsidy_gap_as_grant_makes_npv_zero(case_inputs):
    variant, reference = case_inputs
    finance = Finance(n_apartments=20)
    case = business_case(variant, reference, finance, subsidy_rules=[ReducedVat(), *klimaatfonds_antwerpen()])
    assert case.npv_eur < 0 and case.subsidy_gap_eur == pytest.approx(-case.npv_eur)
    assert case.irr_frac is None or case.irr_frac < finance.discount_rate_frac
    rules = [ReducedVat(), *klimaatfonds_antwerpen(), Grant("gap", share_frac=1.0, cap_eur=case.subsidy_gap_eur)]
    closed = business_case(variant, reference, finance, subsidy_rules=rules)
    assert abs(closed.npv_eur) < 1.0


def test_batch_matches_single_cases():
    finance = Finance(horizon_years=15, discount_rate_frac=0.04)
    capex = np.array([10000.0, 50000.0, 20000.0])
    savings = {"electricity": np.array([-2000.0, -8000.0, -100.0]), "gas": np.array([3500.0, 12000.0, 0.0])}
    flows = batch_cash_flows(capex, savings, finance, lifetime_years=15, maintenance_frac=0.01)  # no residual at N
    table = batch_metrics(flows, finance)
    for i in range(3):
        var = Option("v", [Investment("x", capex[i], 15, 0.01)], {"electricity": -savings["electricity"][i], "gas": -savings["gas"][i]})
        single = business_case(var, Option("r"), finance)
        assert single.incremental == pytest.approx(flows[i])
        assert table.loc[i, "npv_eur"] == pytest.approx(single.npv_eur)
        expected = np.nan if single.irr_frac is None else single.irr_frac
        np.testing.assert_allclose(table.loc[i, "irr_frac"], expected, atol=1e-9)
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
    assert np.all(np.abs(parts - total * weight) <= 0.01 + 1e-9 + abs(total) * 1e-12)


def test_co_owner_split_sums_and_keys(case_inputs):
    variant, reference = case_inputs
    case = business_case(variant, reference, Finance(n_apartments=4))
    shares = [100, 200, 300, 400]
    heat = [1000, 3000, 3000, 3000]
    table = co_owner_split(case, shares=shares, metered_heat_kwh=heat, fixed_frac=0.3)
    cents = lambda x: round(x * 100)  # noqa: E731
    assert cents(table["net_investment_eur"].sum()) == cents(-case.incremental[0])
    assert cents(table["bill_before_eur"].sum()) == cents(case.cash_flows.filter(like="reference_energy").loc[1].sum())
    assert cents(table["npv_eur"].sum()) == cents(case.npv_eur)
    assert cents(table["saving_eur"].sum()) == cents(case.incremental[1])
    # energy key apartment 1: 0.3 x 0.1 + 0.7 x 0.1 = 0.1; apartment 2: 0.3 x 0.2 + 0.7 x 0.3 = 0.27
    before = case.cash_flows.filter(like="reference_energy").loc[1].sum()
    assert table.loc[2, "bill_before_eur"] == pytest.approx(0.27 * before, abs=0.01)
    assert table.loc[1, "net_investment_eur"] == pytest.approx(0.1 * -case.incremental[0], abs=0.01)
    by_area = co_owner_split(case, floor_area_m2=[50, 50, 100, 100])
    assert by_area.loc[3, "bill_after_eur"] == pytest.approx(by_area["bill_after_eur"].sum() / 3, abs=0.01)
    with pytest.raises(InputError, match="shares"):
        co_owner_split(case)
    with pytest.raises(InputError, match="metered_heat_kwh"):
        co_owner_split(case, shares=shares, metered_heat_kwh=[1, 2])


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
