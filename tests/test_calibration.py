"""Calibration of the simulation's inputs to gas bills (mgwsim.measured.calibration), issue 19 item 2b."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mgwsim.errors import DataError, InputError
from mgwsim.examples import antwerp_block
from mgwsim.measured import GasBills
from mgwsim.measured.calibration import (
    PARAMETERS,
    Prior,
    building_with,
    calibrate_to_bills,
    scaled_u_values,
    simulated_daily_gas_kwh,
)
from mgwsim.measured.monitoring import adjusted_baseline_kwh
from mgwsim.study import StudyInputs
from mgwsim.weather import Weather

TRUTH = {"setpoint_degc": 21.0, "infiltration_per_h": 0.5, "u_scale": 1.1, "litres_per_person_day": 48.0,
         "boiler_efficiency": 0.87}
DAILY_NOISE_KWH = 60.0  # about 4 % of the mean daily use of the block (1500 kWh/d)


def monthly_bills(daily: pd.Series) -> GasBills:
    months = daily.groupby(daily.index.to_period("M")).sum()
    return GasBills.from_periods([p.start_time for p in months.index], [p.end_time.normalize() for p in months.index],
                                 months.to_numpy(), source="synthetic bills")


@pytest.fixture(scope="module")
def truth_daily(weather):
    truth = building_with(antwerp_block(), TRUTH["setpoint_degc"], TRUTH["infiltration_per_h"], TRUTH["u_scale"])
    return simulated_daily_gas_kwh(truth, weather, litres_per_person_day=TRUTH["litres_per_person_day"],
                                   boiler_efficiency=TRUTH["boiler_efficiency"])


@pytest.fixture(scope="module")
def calibration(truth_daily, weather):
    rng = np.random.default_rng(1)
    noisy = truth_daily + rng.normal(0.0, DAILY_NOISE_KWH, truth_daily.size)
    return calibrate_to_bills(antwerp_block(), monthly_bills(noisy), weather)


def test_synthetic_truth_is_recovered_within_the_stated_uncertainty(calibration):
    p = calibration.parameters
    assert list(p.index) == list(PARAMETERS)
    intervals = calibration.intervals(0.95)
    for name, true in TRUTH.items():
        assert intervals.loc[name, "low"] <= true <= intervals.loc[name, "high"], name
    assert not p["at_bound"].any()


def test_intervals_use_student_t_with_the_degrees_of_freedom_of_the_estimated_noise(calibration):
    from scipy.stats import t

    assert 12 - len(PARAMETERS) < calibration.dof < 12
    half = (calibration.intervals(0.9)["high"] - calibration.parameters["estimate"]) / calibration.parameters["sd"]
    np.testing.assert_allclose(half, t.ppf(0.95, calibration.dof), rtol=1e-12)


def test_bills_inform_the_setpoint_and_the_prior_holds_the_air_change(calibration):
    """Setpoint: the base temperature of the bills pins it; air change and U-scale share H: the
    split comes from the priors (module docstring)."""
    ratio = calibration.parameters["sd_ratio"]
    assert ratio["setpoint_degc"] < 0.2
    assert ratio["infiltration_per_h"] > 0.8
    assert ratio["u_scale"] < 1.0 and ratio["boiler_efficiency"] < 1.0


def test_calibrated_simulation_meets_guideline14_and_its_noise_estimate_is_of_the_right_size(calibration):
    assert calibration.meets_guideline14
    assert calibration.cv_rmse_pct <= 15.0 and abs(calibration.nmbe_pct) <= 5.0
    # 12 bills, about 4 parameters informed: the estimate of σ_d has a wide sampling spread
    assert 0.5 * DAILY_NOISE_KWH < calibration.noise_kwh_per_day < 1.5 * DAILY_NOISE_KWH


def test_calibrated_building_reproduces_its_periods_when_simulated_again(calibration, weather):
    """What a study runs on (building, hot water, efficiency) gives the gas the fit reports."""
    daily = calibration.daily_gas_kwh(weather)
    periods = calibration.periods
    again = [daily[s:e].sum() for s, e in zip(periods["start"], periods["end"], strict=True)]
    np.testing.assert_allclose(again, periods["simulated_kwh"], rtol=1e-9)
    total = adjusted_baseline_kwh(calibration, weather, periods["start"].iloc[0], periods["end"].iloc[-1])
    assert total == pytest.approx(periods["simulated_kwh"].sum(), rel=1e-9)
    b = calibration.building
    assert b.setpoint_degc == calibration.parameters.loc["setpoint_degc", "estimate"]
    assert calibration.study_occupants_per_apartment == pytest.approx(
        2.0 * calibration.litres_per_person_day / 40.0)


def test_a_study_on_the_calibrated_building_burns_what_the_calibration_simulated(calibration, weather):
    """StudyInputs with the calibrated building and occupants: today's demand over η is the calibrated gas."""
    inputs = StudyInputs(building=calibration.building, weather=weather,
                         occupants_per_apartment=calibration.study_occupants_per_apartment)
    heat = inputs.demand.hourly["space_heating_kwh"] + inputs.demand.hourly["dhw_kwh"]
    assert heat.sum() / calibration.boiler_efficiency == pytest.approx(calibration.periods["simulated_kwh"].sum(),
                                                                      rel=1e-9)


def test_given_noise_is_used_as_given_and_noise_free_bills_pin_the_setpoint(truth_daily, weather):
    small = calibrate_to_bills(antwerp_block(), monthly_bills(truth_daily), weather, noise_kwh_per_day=10.0)
    assert small.noise_kwh_per_day == 10.0 and small.dof is None
    p = small.parameters
    assert abs(p.loc["setpoint_degc", "estimate"] - 21.0) <= 2.0 * p.loc["setpoint_degc", "sd"]
    assert p.loc["setpoint_degc", "sd"] < 0.1


def test_several_years_of_weather_are_simulated_each_and_may_not_overlap(weather):
    next_year = Weather(weather.data.set_axis(weather.index + pd.Timedelta(days=365)), weather.site, "shifted")
    both = simulated_daily_gas_kwh(antwerp_block(), [weather, next_year], litres_per_person_day=40.0,
                                   boiler_efficiency=0.9)
    one = simulated_daily_gas_kwh(antwerp_block(), weather, litres_per_person_day=40.0, boiler_efficiency=0.9)
    assert len(both) == 2 * len(one) and both.index.is_monotonic_increasing
    np.testing.assert_allclose(both.iloc[:len(one)].to_numpy(), one.to_numpy())
    with pytest.raises(DataError, match="2019-01-01"):
        simulated_daily_gas_kwh(antwerp_block(), [weather, weather], litres_per_person_day=40.0, boiler_efficiency=0.9)


def test_u_value_scale_scales_the_transmission_coefficient():
    b = antwerp_block()
    assert scaled_u_values(b, 1.1).h_transmission_w_k == pytest.approx(1.1 * b.h_transmission_w_k, rel=1e-12)
    with pytest.raises(InputError, match="u_w_m2k = 6.5"):  # its single glazing (U 5) would leave the valid range
        scaled_u_values(b, 1.3)


@pytest.mark.parametrize("priors, words", [
    ({"ach": Prior(0.4, 0.1, 0.0, 3.0)}, "unknown parameter 'ach'"),
    ({"u_scale": (1.0, 0.2)}, "must be a Prior"),
])
def test_bad_priors_are_refused(priors, words, truth_daily, weather):
    with pytest.raises(InputError, match=words):
        calibrate_to_bills(antwerp_block(), monthly_bills(truth_daily), weather, priors=priors, noise_kwh_per_day=50.0)


def test_a_prior_outside_its_bounds_is_refused():
    with pytest.raises(InputError, match="mean"):
        Prior(0.3, 0.05, 0.5, 1.1)


def test_bills_outside_the_weather_are_refused(weather):
    bills = GasBills.from_periods(["2020-01-01"], ["2020-01-31"], [1000.0], source="bills.csv")
    with pytest.raises(DataError, match="bills.csv.*2020-01-01"):
        calibrate_to_bills(antwerp_block(), bills, weather, noise_kwh_per_day=50.0)


# --------------------------------------------------------------------------- the report section (mgwsim calibrate)
@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_calibration_page_states_parameters_statistics_and_the_figure(calibration, truth_daily, weather, tmp_path,
                                                                         language):
    from mgwsim.measured import fit_change_point
    from mgwsim.report.measured import write_calibration_report
    from tests.test_report_nl import _Text, _untranslated

    fit = fit_change_point(monthly_bills(truth_daily), weather)
    paths = write_calibration_report(fit, calibration, tmp_path, language=language, building="Blok A",
                                     source="bills.csv")
    html = paths.html.read_text(encoding="utf-8")
    page = _Text(language)
    page.feed(html)
    text = page.text()
    assert _untranslated(text, source=0 if language == "nl" else 1) == []
    assert html.count("<tr>") >= 5 + 3 + 3 and 'data-figure="calibration_monthly"' in html
    assert ("Binnentemperatuur [°C]" if language == "nl" else "Heating setpoint [°C]") in text
    assert ("gehaald" if language == "nl" else "met") in text
    sheets = pd.read_excel(paths.workbook, sheet_name=None, index_col=0)
    assert sheets["guideline14"].loc["cv_rmse", "value_pct"] == pytest.approx(calibration.cv_rmse_pct)
