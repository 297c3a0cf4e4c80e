"""Monitoring after the works (mgwsim.measured.monitoring), issue 19 item 3."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mgwsim
from mgwsim.errors import DataError, InputError
from mgwsim.examples import antwerp_block
from mgwsim.heatpump import Source, carnot_map
from mgwsim.measured import GasBills, MeterSeries, fit_change_point, read_heatpump_monitoring
from mgwsim.measured.monitoring import (
    adjusted_baseline_kwh,
    avoided_energy,
    boundary_flows,
    performance_gap,
    sepemo_spf,
    simulated_monitoring,
)
from mgwsim.storage import Tank
from mgwsim.system import Backup, HeatPumpCascade, HotWater, Plant, simulate_system


def simulated_week(seed: int = 0) -> pd.DataFrame:
    """A week of hourly heat-pump and connection flows [kWh per hour] with a daily PV cycle."""
    rng = np.random.default_rng(seed)
    index = pd.date_range("2026-01-05", periods=7 * 24, freq="h", tz="Europe/Brussels")
    heat = 20.0 + 10.0 * rng.random(index.size)
    elec = heat / (2.5 + rng.random(index.size))
    hour = index.hour.to_numpy()
    pv = np.where((hour >= 9) & (hour < 16), 25.0 * np.sin(np.pi * (hour - 8) / 8.0), 0.0)
    load = elec + 3.0
    self_used = np.minimum(pv, load)
    return pd.DataFrame({"heat_kwh": heat, "electricity_kwh": elec, "import_kwh": load - self_used,
                         "export_kwh": pv - self_used, "pv_kwh": pv}, index=index)


def as_quarter_hours(hourly: pd.DataFrame) -> MeterSeries:
    """The same energies split evenly over the four quarters of each hour, as a meter export."""
    index = pd.date_range(hourly.index[0], periods=4 * len(hourly), freq="15min")
    data = pd.DataFrame(np.repeat(hourly.to_numpy() / 4.0, 4, axis=0), index=index, columns=hourly.columns)
    return MeterSeries(data, index + pd.Timedelta(minutes=15), source="meter.csv")


def test_a_measured_series_equal_to_the_simulation_gives_zero_gap():
    sim = simulated_week()
    table = performance_gap(as_quarter_hours(sim), sim, boundary="H4")
    assert set(table.index) == {"heat_kwh", "electricity_kwh", "import_kwh", "export_kwh", "pv_kwh", "spf_H4",
                                "pv_self_consumption", "peak_import_kw"}
    np.testing.assert_allclose(table["gap"], 0.0, atol=1e-9)
    np.testing.assert_allclose(table["gap_pct"], 0.0, atol=1e-9)
    assert table.attrs["step_h"] == 1.0


def test_hourly_monitoring_and_a_quarter_hour_meter_export_are_joined_on_whole_hours():
    sim = simulated_week()
    monitoring = sim[["heat_kwh", "electricity_kwh"]]
    meter = as_quarter_hours(sim[["import_kwh", "export_kwh", "pv_kwh"]])
    table = performance_gap([monitoring, meter], sim, boundary="H4")
    assert len(table) == 8
    np.testing.assert_allclose(table["gap"], 0.0, atol=1e-9)


def test_a_monitoring_file_read_from_disk_compares_with_its_simulation(tmp_path):
    sim = simulated_week()
    lines = ["time,electricity_kwh,heat_kwh,supply_temp_degc,return_temp_degc"]
    lines += [f"{t:%Y-%m-%d %H:%M},{e!r},{h!r},45.0,38.0"
              for t, e, h in zip(sim.index, sim["electricity_kwh"], sim["heat_kwh"], strict=True)]
    path = tmp_path / "hp.csv"
    path.write_text("\n".join(lines) + "\n")
    measured = read_heatpump_monitoring(path)
    slower = sim.assign(electricity_kwh=sim["electricity_kwh"] * 0.8)  # the simulation expected a 25 % higher SPF
    table = performance_gap(measured, slower, boundary="H2")
    assert list(table.index) == ["heat_kwh", "electricity_kwh", "spf_H2"]
    assert table.loc["spf_H2", "gap_pct"] == pytest.approx(-20.0, abs=1e-9)


def test_a_heat_pump_with_a_ten_percent_lower_cop_gives_a_ten_percent_spf_gap():
    sim = simulated_week()
    measured = sim.copy()
    measured["electricity_kwh"] = sim["electricity_kwh"] / 0.9  # COP 0.9 times the simulated, every hour
    table = performance_gap(measured, sim, boundary="H2")
    assert table.loc["spf_H2", "gap_pct"] == pytest.approx(-10.0, abs=1e-9)
    assert table.loc["heat_kwh", "gap"] == 0.0


def test_peak_and_self_consumption_are_computed_on_the_common_step_by_hand():
    index = pd.date_range("2026-06-01 10:00", periods=4, freq="h", tz="Europe/Brussels")
    sim = pd.DataFrame({"import_kwh": [1.0, 0.0, 2.0, 5.0], "export_kwh": [0.0, 3.0, 1.0, 0.0],
                        "pv_kwh": [2.0, 6.0, 4.0, 0.0]}, index=index)
    quarters = as_quarter_hours(sim).data.copy()
    quarters.iloc[12:16, 0] = [0.5, 0.5, 0.5, 3.5]  # the last hour's import on one quarter: 14 kW for 15 min
    table = performance_gap(MeterSeries(quarters, quarters.index + pd.Timedelta(minutes=15)), sim)
    assert table.loc["pv_self_consumption", "simulated"] == pytest.approx((12.0 - 4.0) / 12.0)
    # compared hourly: the last hour holds 5 kWh in both, so 5 kW; the quarter peak of 14 kW is not seen
    assert table.loc["peak_import_kw", "measured"] == pytest.approx(5.0)
    alone = performance_gap(MeterSeries(quarters, quarters.index + pd.Timedelta(minutes=15)),
                            as_quarter_hours(sim))
    assert alone.loc["peak_import_kw", "measured"] == pytest.approx(14.0)
    assert alone.loc["peak_import_kw", "simulated"] == pytest.approx(5.0)


def test_sepemo_boundaries_by_hand():
    spf = sepemo_spf(1000.0, 300.0, source_aux_kwh=20.0, backup_heat_kwh=100.0, backup_input_kwh=100.0,
                     sink_aux_kwh=30.0)
    assert spf["H1"] == pytest.approx(1000 / 300)
    assert spf["H2"] == pytest.approx(1000 / 320)
    assert spf["H3"] == pytest.approx(1100 / 420)
    assert spf["H4"] == pytest.approx(1100 / 450)


def test_boundary_flows_put_electric_backup_and_booster_inside_h3_and_pumps_inside_h4():
    index = pd.date_range("2026-01-01", periods=2, freq="h", tz="Europe/Brussels")
    plant = pd.DataFrame({"hp_heat_sh_kwh": [10.0, 12.0], "hp_heat_dhw_kwh": [2.0, 0.0],
                          "backup_heat_sh_kwh": [0.0, 3.0], "backup_heat_dhw_kwh": [1.0, 0.0],
                          "booster_kwh": [0.5, 0.0], "hp_elec_kwh": [4.0, 4.0], "electric_backup_kwh": [1.0, 3.0],
                          "gas_kwh": [0.0, 0.0]}, index=index)
    h2 = boundary_flows(plant, electric_backup=True, boundary="H2")
    h3 = boundary_flows(plant, electric_backup=True, boundary="H3")
    h4 = boundary_flows(plant, electric_backup=True, boundary="H4", sink_aux_kwh=0.1)
    assert h2["heat_kwh"].tolist() == [12.0, 12.0] and h2["electricity_kwh"].tolist() == [4.0, 4.0]
    assert h3["heat_kwh"].tolist() == [13.5, 15.0] and h3["electricity_kwh"].tolist() == [5.5, 7.0]
    assert h4["heat_kwh"].tolist() == [13.5, 15.0]
    assert h4["electricity_kwh"].tolist() == pytest.approx([5.6, 7.1])
    gas_backup = boundary_flows(plant, electric_backup=False, boundary="H3")  # its heat stays outside
    assert gas_backup["heat_kwh"].tolist() == [12.5, 12.0]


def test_a_measured_year_equal_to_a_plant_simulation_gives_zero_gap_and_its_own_spf(weather):
    """Monitoring data that are the simulated plant's own flows: no gap, and the SPF of SystemResult.kpis()."""
    demand = mgwsim.simulate_demand(antwerp_block(), weather)
    cop_map = carnot_map(np.linspace(-25.0, 35.0, 25), np.linspace(36.0, 80.0, 23), rated_capacity_kw=60.0,
                         source=Source("air"), max_sink_degc=75.0, min_modulation_frac=0.3)
    plant = Plant(HeatPumpCascade(cop_map, 2), HotWater(Tank(1500.0, 55.0, 75.0), booster_kw=18.0),
                  Tank(2000.0, 20.0, 80.0), Backup("electric", 150.0, 1.0))
    result = simulate_system(demand, plant, weather)
    simulated = simulated_monitoring(result, boundary="H3")
    table = performance_gap(simulated.copy(), simulated, boundary="H3")
    np.testing.assert_allclose(table["gap"], 0.0, atol=1e-9)
    assert table.loc["spf_H3", "simulated"] == pytest.approx(result.kpis()["spf_h3"], rel=1e-12)
    assert simulated_monitoring(result, boundary="H2")["heat_kwh"].sum() / result.hourly["hp_elec_kwh"].sum() \
        == pytest.approx(result.kpis()["spf_h2"], rel=1e-12)


def test_avoided_energy_of_a_constructed_case_by_hand():
    """Baseline 40 kWh/d + 12 kWh/(K·d) below 15 °C; a reporting period of 10 days at 5 °C."""
    days = pd.date_range("2025-01-01", periods=120, freq="D")
    temps = pd.Series(np.linspace(-2.0, 20.0, days.size), index=days)
    energy = 40.0 + 12.0 * np.maximum(15.0 - temps.to_numpy(), 0.0)
    bills = GasBills.from_periods(days, days, energy)
    fit = fit_change_point(bills, temps, base_degc=15.0)
    reporting = pd.Series(5.0, index=pd.date_range("2026-01-01", periods=10, freq="D"))
    baseline = adjusted_baseline_kwh(fit, reporting, "2026-01-01", "2026-01-10")
    assert baseline == pytest.approx(10 * 40.0 + 12.0 * 10 * 10.0)  # 1600 kWh
    table = avoided_energy({"natural_gas": baseline}, {"natural_gas": 0.0, "electricity": 500.0})
    assert table.loc["total_final", "avoided_kwh"] == pytest.approx(1600.0 - 500.0)
    assert table.loc["total_primary", "avoided_kwh"] == pytest.approx(1600.0 - 2.5 * 500.0)
    assert table.loc["natural_gas", "avoided_pct"] == pytest.approx(100.0)


def test_a_reporting_day_without_weather_is_refused():
    days = pd.date_range("2025-01-01", periods=60, freq="D")
    temps = pd.Series(np.linspace(-2.0, 20.0, days.size), index=days)
    fit = fit_change_point(GasBills.from_periods(days, days, 40.0 + 12.0 * np.maximum(15.0 - temps, 0.0)), temps,
                           base_degc=15.0)
    with pytest.raises(DataError, match="2025-03-02"):
        adjusted_baseline_kwh(fit, temps, "2025-02-20", "2025-03-05")


def test_series_that_do_not_overlap_are_refused():
    sim = simulated_week()
    later = sim.copy()
    later.index = later.index + pd.Timedelta(days=30)
    with pytest.raises(DataError, match="share no interval"):
        performance_gap(later, sim)


@pytest.mark.parametrize("call, words", [
    (lambda s: performance_gap(s, s, boundary="H5"), "boundary"),
    (lambda s: performance_gap(s.tz_localize(None), s), "tz-aware"),
    (lambda s: performance_gap(s.iloc[[0, 1, 3]], s), "regular 15-minute or hourly"),
    (lambda s: avoided_energy({"district_heat": 10.0}, {}), "district_heat"),
    (lambda s: avoided_energy({"natural_gas": -1.0}, {}), "natural_gas"),
    (lambda s: sepemo_spf(10.0, 0.0), "hp_elec_kwh"),
    (lambda s: adjusted_baseline_kwh(object(), s, "2026-01-01", "2026-01-02"), "ChangePointFit or a Calibration"),
])
def test_bad_monitoring_inputs_are_refused(call, words):
    with pytest.raises(InputError, match=words):
        call(simulated_week())


# --------------------------------------------------------------------------- normalised savings (IPMVP)
from mgwsim.measured import (  # noqa: E402
    fractional_savings_uncertainty,
    monitoring_plan,
    monthly_use,
    normalised_savings,
)
from mgwsim.measured.plan import monitoring_plan_frame  # noqa: E402


def _daily_temps(year: int, rng, offset_k: float = 0.0) -> pd.Series:
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    doy = days.day_of_year.to_numpy()
    mean = 10.5 - 7.5 * np.cos(2 * np.pi * (doy - 20) / 365.0) + offset_k
    return pd.Series(mean + (rng.normal(0.0, 3.0, days.size) if rng is not None else 0.0), index=days)


def _monthly_bills(temps: pd.Series, base, slope, baseload, noise_kwh_per_day, rng) -> GasBills:
    daily = baseload + slope * np.maximum(base - temps, 0.0)
    months = daily.groupby(daily.index.to_period("M"))
    starts = [m.start_time for m, _ in months]
    ends = [m.end_time.normalize() for m, _ in months]
    energy = [v.sum() + rng.normal(0.0, noise_kwh_per_day * np.sqrt(len(v))) for _, v in months]
    return GasBills.from_periods(starts, ends, energy, source="synthetic")


BASELINE_TRUTH = (16.0, 30.0, 60.0)   # base [degC], slope [kWh/(K d)], baseload [kWh/d]
REPORTING_TRUTH = (15.0, 12.0, 45.0)


def _savings_case(seed: int):
    rng = np.random.default_rng(seed)
    before = pd.concat([_daily_temps(y, rng, off) for y, off in ((2021, -0.4), (2022, 0.6), (2023, 0.2))])
    after = _daily_temps(2025, rng, 0.9)   # a mild reporting year
    normal = _daily_temps(2019, None)
    baseline = fit_change_point(_monthly_bills(before, *BASELINE_TRUTH, 25.0, rng), before)
    reporting = fit_change_point(_monthly_bills(after, *REPORTING_TRUTH, 15.0, rng), after)
    return baseline, reporting, normal


def _true_normal_savings(normal: pd.Series) -> float:
    def use(base, slope, baseload):
        return float(baseload * normal.size + slope * np.maximum(base - normal.to_numpy(), 0.0).sum())
    return use(*BASELINE_TRUTH) - use(*REPORTING_TRUTH)


def test_normalised_savings_recover_the_known_savings_within_their_uncertainty():
    baseline, reporting, normal = _savings_case(seed=3)
    result = normalised_savings(baseline, reporting, normal, level=0.90)
    truth = _true_normal_savings(normal)
    assert result.savings_kwh == pytest.approx(result.baseline_kwh - result.reporting_kwh)
    assert abs(result.savings_kwh - truth) < result.uncertainty_kwh
    assert result.uncertainty_kwh == pytest.approx(np.hypot(result.baseline_uncertainty_kwh,
                                                            result.reporting_uncertainty_kwh))
    assert 0 < result.fractional_uncertainty < 0.5   # savings well above their uncertainty
    assert result.to_series()["normal_days"] == 365


def test_the_stated_uncertainty_covers_the_scatter_of_repeated_synthetic_cases():
    """Guideline 14's interval (90 %) covers the truth in at least 90 % of 40 noisy repetitions
    (it is conservative for normalised savings: it also counts the noise of future periods)."""
    errors, stated = [], []
    for seed in range(40):
        baseline, reporting, normal = _savings_case(seed)
        result = normalised_savings(baseline, reporting, normal, level=0.90)
        errors.append(result.savings_kwh - _true_normal_savings(normal))
        stated.append(result.uncertainty_kwh)
    errors, stated = np.array(errors), np.array(stated)
    assert np.mean(np.abs(errors) <= stated) >= 0.9
    assert abs(errors.mean()) < 0.5 * errors.std()   # unbiased
    assert stated.mean() < 8 * 1.645 * errors.std()   # and not absurdly wide


def test_equal_periods_give_zero_savings():
    rng = np.random.default_rng(0)
    temps = _daily_temps(2022, rng)
    bills = _monthly_bills(temps, *BASELINE_TRUTH, 20.0, rng)
    fit = fit_change_point(bills, temps)
    result = normalised_savings(fit, fit, _daily_temps(2019, None))
    assert result.savings_kwh == 0.0 and result.uncertainty_kwh > 0


def test_fractional_savings_uncertainty_is_guideline14s_formula():
    from scipy.stats import t as student_t

    value = fractional_savings_uncertainty(10.0, 0.25, n=36, m=12, n_parameters=3, level=0.90)
    hand = student_t.ppf(0.95, 33) * 1.26 * 0.10 * np.sqrt((1 + 2 / 36) / 12) / 0.25
    assert value == pytest.approx(hand)
    assert fractional_savings_uncertainty(10.0, 0.25, n=36, m=12, rho=0.5) == pytest.approx(hand * np.sqrt(3.0))
    with pytest.raises(InputError, match="savings_frac"):
        fractional_savings_uncertainty(10.0, 0.0, n=36, m=12)


def test_monthly_use_weights_the_carriers_and_keeps_whole_months():
    index = pd.date_range("2025-01-01", "2025-03-15 23:45", freq="15min", tz="Europe/Brussels")
    elec = pd.Series(0.25, index=index)
    bills = monthly_use({"electricity": elec}, factors={"electricity": 2.5})
    assert bills.n_periods == 2   # March is not complete
    assert bills.periods["energy_kwh"].iloc[0] == pytest.approx(2.5 * 0.25 * 4 * 24 * 31)
    with pytest.raises(InputError, match="no factor for carrier 'steam'"):
        monthly_use({"steam": elec})


# --------------------------------------------------------------------------- monitoring plan
def test_the_monitoring_plan_follows_what_the_variant_has():
    from mgwsim.demo import example_study

    study = example_study()
    variants = {v.name: v for v in study.variants}
    for variant in variants.values():
        rows = monitoring_plan(variant)
        keys = [r.key for r in rows]
        assert keys[-3:] == ["grid", "outdoor_temperature", "gas_before"]
        assert ("hp_heat" in keys) == (variant.plant.heat_pumps is not None)
        assert ("pv" in keys) == bool(variant.pv)
        assert ("ev" in keys) == (variant.ev is not None)
        assert ("buffer" in keys) == (variant.plant.buffer is not None)
        assert ("gas" in keys) == (variant.plant.backup.kind == "gas_boiler")
        frame = monitoring_plan_frame(variant, "nl")
        assert list(frame.index) == keys and frame["to_city"].any()
    with pytest.raises(InputError, match="Variant"):
        monitoring_plan("heat pumps")


def test_the_study_report_section_lists_the_plan_in_both_languages():
    from types import SimpleNamespace

    from mgwsim.demo import example_study
    from mgwsim.report.html import SECTIONS, monitoring_plan_section

    variant = next(v for v in example_study().variants if v.plant.heat_pumps is not None)
    result = SimpleNamespace(result=lambda name: SimpleNamespace(variant=variant))
    assert SECTIONS.index("monitoring_plan") == SECTIONS.index("building") - 1
    english = monitoring_plan_section(result, variant.name, "en")
    dutch = monitoring_plan_section(result, variant.name, "nl")
    assert english.id == dutch.id == "monitoring_plan"
    rows = len(monitoring_plan(variant))
    for section, words in ((english, ("heat delivered by the heat pumps", "What the city receives")),
                           (dutch, ("warmte geleverd door de warmtepompen", "Wat de stad elk jaar ontvangt"))):
        body = str(section.body)
        assert body.count("<tr data-meter=") == rows and 'id="monitoring-plan-table"' in body
        assert all(w in body for w in words)
    assert "per session" not in str(dutch.body) and "1 month" not in str(dutch.body)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_monitoring_page_has_the_gap_the_months_and_the_savings(tmp_path, language):
    from mgwsim.measured import monthly_comparison
    from mgwsim.report.measured import write_monitoring_report
    from mgwsim.report.text import format_pct
    from tests.test_report_nl import _Text, _untranslated

    simulated = simulated_week()
    measured = simulated.copy()
    measured["electricity_kwh"] = simulated["electricity_kwh"] / 0.9
    gap = performance_gap(measured, simulated, boundary="H2")
    monthly = monthly_comparison(measured, simulated)
    assert monthly["spf_measured"].iloc[0] == pytest.approx(0.9 * monthly["spf_simulated"].iloc[0])
    baseline, reporting, normal = _savings_case(seed=3)
    savings = normalised_savings(baseline, reporting, normal)
    paths = write_monitoring_report(gap, tmp_path, monthly=monthly, savings=savings, language=language,
                                    building="Blok A", variant="heat pumps")
    html = paths.html.read_text(encoding="utf-8")
    page = _Text(language)
    page.feed(html)
    assert _untranslated(page.text(), source=0 if language == "nl" else 1) == []
    assert '<section id="monitoring">' in html and 'id="normalised-savings-table"' in html
    assert (format_pct(-0.10, language, 1)) in page.text()   # the SPF gap of a 10 % lower COP
    sheets = pd.read_excel(paths.workbook, sheet_name=None, index_col=0)
    assert sheets["performance_gap"].loc["spf_H2", "gap_pct"] == pytest.approx(-10.0)
    assert sheets["normalised_savings"].loc["savings_kwh", "value"] == pytest.approx(savings.savings_kwh)


def test_reporting_use_adds_the_gas_bills_of_the_same_months_in_primary_energy():
    from mgwsim.measured import reporting_use, weighted_bills

    index = pd.date_range("2025-01-01", "2025-04-30 23:00", freq="h", tz="Europe/Brussels")
    elec = pd.Series(2.0, index=index)
    gas = GasBills.from_periods(["2025-01-01", "2025-02-01", "2025-05-01"], ["2025-01-31", "2025-02-28", "2025-05-31"],
                                [1000.0, 800.0, 300.0], source="gas after")
    use = reporting_use(elec, gas)   # EPB factors: electricity 2.5, gas 1.0
    assert use.n_periods == 2        # March and April have no gas bill
    assert use.periods["energy_kwh"].tolist() == pytest.approx([2.5 * 2.0 * 24 * 31 + 1000.0,
                                                                2.5 * 2.0 * 24 * 28 + 800.0])
    assert weighted_bills(gas, 2.0).energy_kwh.tolist() == [2000.0, 1600.0, 600.0]
    late = GasBills.from_periods(["2026-01-01"], ["2026-01-31"], [1.0], source="late.csv")
    with pytest.raises(DataError, match="late.csv: no gas bill covers a calendar month"):
        reporting_use(elec, late)


def test_a_firms_broken_monitoring_plan_template_is_named(tmp_path):
    from types import SimpleNamespace

    from mgwsim.demo import example_study
    from mgwsim.report.html import monitoring_plan_section
    from mgwsim.report.layout import environment

    variant = next(v for v in example_study().variants if v.plant.heat_pumps is not None)
    result = SimpleNamespace(result=lambda name: SimpleNamespace(variant=variant))
    (tmp_path / "monitoring_plan.html.j2").write_text("<p>{{ intro }}</p><p>{{ firm_note }}</p>", encoding="utf-8")
    with pytest.raises(InputError, match="monitoring_plan.html.j2: 'firm_note' is undefined"):
        monitoring_plan_section(result, variant.name, "en", environment(tmp_path))
    (tmp_path / "monitoring_plan.html.j2").write_text("<p>{{ intro }}</p>{% for row in rows %}<p>{{ row.key }}</p>"
                                                      "{% endfor %}", encoding="utf-8")
    assert "<p>hp_heat</p>" in str(monitoring_plan_section(result, variant.name, "en", environment(tmp_path)).body)
