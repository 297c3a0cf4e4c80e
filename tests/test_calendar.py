"""One local calendar: a simulated year is the Belgian calendar year, whatever the weather file's time zone.

Rules tested here (mgwsim.simyear, Weather.calendar_year): the same study on a UTC-stamped and on a
local-stamped weather year gives the same bills; a year is billed over 12 months; a UTC year is refused
by the bill; loads never pile a day into an hour; DST days have 23 and 25 hours; the typical-year wrap.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mgwsim import loads
from mgwsim._data import data_path
from mgwsim.electric import electricity_balance, monthly_peak_import_kw
from mgwsim.errors import DataError
from mgwsim.examples import antwerp_block, antwerp_variants
from mgwsim.simyear import (
    PERIOD_MAX_DAYS,
    billing_months,
    is_local_calendar_year,
    local_year_index,
    on_calendar_year,
)
from mgwsim.study import Study, StudyInputs
from mgwsim.tariffs import annual_bill, load_tariff
from mgwsim.weather import UCCLE, Weather

LOCAL = "Europe/Brussels"


@pytest.fixture(scope="module")
def utc_year() -> Weather:
    """The embedded NSRDB file as it is stamped: 2019-01-01 00:00 UTC .. 2019-12-31 23:00 UTC."""
    raw = pd.read_csv(data_path("weather", "uccle_nsrdb_2019_hourly.csv.gz"), index_col=0)
    raw.index = pd.DatetimeIndex(pd.to_datetime(raw.index, utc=True), name="time")
    return Weather(raw.astype(float), UCCLE, source="embedded file, UTC stamps")


@pytest.fixture(scope="module")
def studies(utc_year):
    """The example block, its gas reference and two variants, on the UTC year and on the same instants in local time."""
    reference, variants = antwerp_variants()
    chosen = [v for v in variants if v.name in ("+ PV + EV", "+ PV + dynamic tariff")]
    assert len(chosen) == 2
    local_stamps = Weather(utc_year.data.tz_convert(LOCAL), UCCLE, source="embedded file, local stamps")
    return {name: Study(StudyInputs(antwerp_block(), weather), reference, chosen).run()
            for name, weather in (("utc", utc_year), ("local", local_stamps))}


def _all(result):
    return (result.reference, *result.results)


# --------------------------------------------------------------------------- the study


def test_the_same_study_on_utc_and_local_stamps_gives_identical_bills(studies):
    utc, local = studies["utc"], studies["local"]
    assert [r.variant.name for r in _all(utc)] == [r.variant.name for r in _all(local)]
    for a, b in zip(_all(utc), _all(local), strict=True):
        assert a.bill.rows == b.bill.rows, a.variant.name  # every line, bit for bit
        np.testing.assert_array_equal(a.bill.peaks_kw, b.bill.peaks_kw)
        assert a.bill.total_eur == b.bill.total_eur


def test_every_bill_of_a_full_year_study_has_twelve_monthly_peaks_of_one_year(studies):
    for result in _all(studies["utc"]):
        months = result.bill.monthly_peaks_kw
        assert list(months.index) == [f"2019-{m:02d}" for m in range(1, 13)], result.variant.name


def test_the_study_simulates_the_local_calendar_year(studies):
    index = studies["utc"].inputs.weather.index
    assert is_local_calendar_year(index) and str(index.tz) == LOCAL
    assert index[0] == pd.Timestamp("2019-01-01 00:00", tz=LOCAL)
    assert index[-1] == pd.Timestamp("2019-12-31 23:00", tz=LOCAL)


def test_the_gas_reference_peak_is_the_common_area_peak_of_the_load_model(studies):
    """By hand from the load model: the constant uses, the heating pump in its season, and the lifts and
    lighting in the busiest hour of activity (both follow the same activity split of the local day)."""
    inputs = studies["utc"].inputs
    building = inputs.building
    index = inputs.weather.index
    local = index.tz_convert(LOCAL)
    shape = pd.Series(loads.standard_load_shape(index).to_numpy(), index=local)
    activity = shape / shape.groupby(local.date).transform("sum")  # complete local days: each sums to 1
    busiest = activity[local.month.isin([10, 11, 12, 1, 2, 3, 4])].max()  # the heating pump runs then
    lift = loads.Lift()
    cores = math.ceil(building.n_apartments / (4 * building.n_storeys))
    t_run = loads.LIFT_USAGE_CATEGORIES[lift.category_for(building.n_apartments / cores)][0]
    lift_kw = cores * (lift.standby_power_w / 1000 * (1 - t_run * busiest) + lift.travel_kw() * t_run * busiest)
    lighting_kw = loads.Lighting().density_w_m2 * 0.08 * building.heated_floor_area_m2 / 1000 * 6.0 * busiest
    design_kw = building.design_heat_load_kw(inputs.design_temperature_degc)
    pump_kw = design_kw / (4.186 * 983.0 / 3600.0 * 20.0) / 3600.0 * 50.0 / 0.25  # V dp / eta, 90/70, 50 kPa
    vent = building.ventilation
    fans_kw = vent.fan_power_w_per_m3h * vent.air_change_per_h * building.heated_volume_m3 / 1000.0
    constant_kw = 0.040 + 0.030 + (fans_kw if vent.system in ("C", "D") else 0.0)  # DHW loop pump, always-on
    by_hand = constant_kw + pump_kw + lift_kw + lighting_kw
    reference = studies["utc"].reference
    assert reference.energy_kpis()["peak_import_kw"] == pytest.approx(by_hand, rel=1e-9)
    assert 1.1 < by_hand < 1.3  # about 1.2 kW, not a day of lift trips in one hour (the old 6.84 kW)
    assert reference.bill.monthly_peaks_kw.max() == pytest.approx(by_hand, rel=1e-9)


# --------------------------------------------------------------------------- bills


def _flows(index) -> pd.DataFrame:
    return pd.DataFrame({"grid_import_kwh": 1.0, "grid_export_kwh": 0.0, "gas_kwh": 0.0}, index=index)


def test_annual_bill_refuses_a_year_spanning_thirteen_months(utc_year):
    with pytest.raises(DataError) as error:
        annual_bill(_flows(utc_year.index), load_tariff("lv_fluvius_antwerpen_2026"))
    message = str(error.value)
    months = ", ".join([f"2019-{m:02d}" for m in range(1, 13)] + ["2020-01"])
    assert "annual_bill.flows" in message and "13 billing months" in message and months in message
    assert "Weather.calendar_year()" in message


def test_annual_bill_bills_the_local_year_over_twelve_months_and_periods_prorated():
    tariff = load_tariff("lv_fluvius_antwerpen_2026")
    year = annual_bill(_flows(local_year_index(2019)), tariff)
    assert list(year.months) == [f"2019-{m:02d}" for m in range(1, 13)]
    assert not any("prorated" in note for note in year.notes)  # a calendar year is a whole year
    week = annual_bill(_flows(local_year_index(2019)[24 * 30: 24 * 37]), tariff)  # 31 Jan .. 6 Feb
    assert list(week.months) == ["2019-01", "2019-02"]
    assert any("prorated" in note for note in week.notes)


def test_a_full_year_that_is_not_a_calendar_year_is_refused_even_with_twelve_months():
    # 366 local days from 1 July 2019: 12 whole months, yet not the calendar year a tariff year bills
    index = pd.date_range(pd.Timestamp("2019-07-01", tz=LOCAL), pd.Timestamp("2020-07-01", tz=LOCAL), freq="h",
                          inclusive="left")
    with pytest.raises(DataError, match=r"12 billing months .*2019-07, .*2020-06\)"):
        billing_months(index, owner="test")


def test_the_electricity_balance_peaks_refuse_a_utc_year(utc_year):
    balance = electricity_balance(utc_year.index, loads_kw={"x": np.ones(utc_year.n_steps)})
    with pytest.raises(DataError, match="monthly_peak_import_kw.*13 billing months"):
        monthly_peak_import_kw(balance)
    local = electricity_balance(local_year_index(2019), loads_kw={"x": np.ones(8760)})
    assert len(monthly_peak_import_kw(local)) == 12


# --------------------------------------------------------------------------- loads


def test_a_lone_hour_gets_its_own_share_of_the_day_not_the_whole_day():
    building = antwerp_block()
    year = local_year_index(2019)
    full = loads.common_area_loads_kw(year, building)
    for i in (0, 7 * 24 + 19, 8759):  # first hour, an evening hour, the last hour
        alone = loads.common_area_loads_kw(year[i: i + 1], building)
        pd.testing.assert_series_equal(alone.iloc[0], full.iloc[i], check_names=False, rtol=1e-12)
    # the UTC year's last hour is local 1 January 2020 00:00: the hour's share, not that day's lift trips
    utc = loads.common_area_loads_kw(pd.date_range("2019-01-01", periods=8760, freq="h", tz="UTC"), building)
    next_year = loads.common_area_loads_kw(local_year_index(2020)[:24], building)
    assert utc["total_kw"].iloc[-1] == pytest.approx(next_year["total_kw"].iloc[0], rel=1e-12)


def test_dst_days_have_23_and_25_local_hours():
    year = local_year_index(2019)
    assert len(year) == 8760 and len(local_year_index(2020)) == 8784
    assert len(local_year_index(2019, 0.25)) == 35040
    hours = pd.Series(1, index=year).groupby(year.date).size()
    assert hours[pd.Timestamp("2019-03-31").date()] == 23 and hours[pd.Timestamp("2019-10-27").date()] == 25
    assert set(hours.drop([pd.Timestamp("2019-03-31").date(), pd.Timestamp("2019-10-27").date()])) == {24}
    assert (np.diff(year.asi8) == np.diff(year.asi8)[0]).all()  # continuous in absolute time


def test_a_daily_profile_holds_one_day_on_the_dst_days():
    """Lifts: a day's travel time on every local day; standby on the day's real hours (23, 24 or 25)."""
    building = antwerp_block()
    year = local_year_index(2019)
    common = loads.common_area_loads_kw(year, building, n_stair_cores=1)
    lift = loads.Lift()
    per_day = common["lift_kw"].groupby(year.date).sum()
    standby_kw = lift.standby_power_w / 1000
    for day, hours in (("2019-03-31", 23), ("2019-10-27", 25), ("2019-03-30", 24)):
        expected = lift.daily_kwh(building.n_apartments) + standby_kw * (hours - 24)
        assert per_day[pd.Timestamp(day).date()] == pytest.approx(expected, rel=1e-12), day
    lighting = common["lighting_kw"].groupby(year.date).sum()  # 6 full-load hours of 2.5 W/m2 every local day
    np.testing.assert_allclose(lighting, 2.5 * 0.08 * building.heated_floor_area_m2 * 6.0 / 1000, rtol=1e-12)


# --------------------------------------------------------------------------- the weather's calendar


def test_the_wrapped_instant_takes_the_value_of_the_same_instant_one_year_later(utc_year, weather):
    assert weather.index.equals(local_year_index(2019)) and "1 step(s) from 2019-01-01 00:00:00+01:00" in weather.source
    # local 2019-01-01 00:00 is 2018-12-31 23:00 UTC, not in the file: it takes 2019-12-31 23:00 UTC
    pd.testing.assert_series_equal(weather.data.iloc[0], utc_year.data.loc["2019-12-31 23:00+00:00"], check_names=False)
    # every other instant keeps the file's value
    same = utc_year.data.reindex(weather.index[1:])
    np.testing.assert_array_equal(weather.data.iloc[1:].to_numpy(), same.to_numpy())


def test_a_local_standard_time_year_needs_no_wrap(weather):
    epw_like = Weather(weather.data.tz_convert("Etc/GMT-1"), UCCLE, source="UTC+01:00 file")  # an EPW's clock
    laid = epw_like.calendar_year()
    assert laid.index.equals(weather.index) and str(laid.index.tz) == LOCAL
    assert laid.source == "UTC+01:00 file; local calendar year 2019 (Europe/Brussels)"  # nothing wrapped
    np.testing.assert_array_equal(laid.data.to_numpy(), weather.data.to_numpy())
    assert weather.calendar_year() is weather  # already the local year: unchanged


def test_a_year_west_of_utc_wraps_its_last_hours_from_one_year_earlier(utc_year):
    laid = utc_year.calendar_year(tz="America/New_York")  # UTC-5 in winter: the last 5 local hours are missing
    assert len(laid.index) == 8760 and laid.index[0] == pd.Timestamp("2019-01-01", tz="America/New_York")
    assert "5 step(s)" in laid.source and "one year earlier" in laid.source
    np.testing.assert_array_equal(laid.data.iloc[-5:].to_numpy(), utc_year.data.iloc[:5].to_numpy())


def test_a_series_on_utc_stamps_is_laid_on_the_calendar_year_too():
    """The same rule for any year of data (e.g. prices): mgwsim.simyear.on_calendar_year."""
    prices = pd.Series(np.arange(8760.0), index=pd.date_range("2019-01-01", periods=8760, freq="h", tz="UTC"))
    laid = on_calendar_year(prices)
    assert laid.year == 2019 and laid.data.index.equals(local_year_index(2019))
    assert laid.data.iloc[0] == 8759.0 and (laid.data.iloc[1:].to_numpy() == np.arange(8759.0)).all()
    assert list(laid.wrapped) == [pd.Timestamp("2019-01-01 00:00", tz=LOCAL)]


def test_fifteen_minute_weather_keeps_the_calendar(weather):
    quarter = weather.to_quarter_hours()
    assert is_local_calendar_year(quarter.index) and quarter.calendar_year() is quarter
    assert quarter.index[-1] == pd.Timestamp("2019-12-31 23:45", tz=LOCAL)


def test_a_short_series_is_an_explicit_period_left_as_it_is(weather):
    month = Weather(weather.data.iloc[: 24 * 31], UCCLE)
    assert month.calendar_year() is month
    longest = Weather(weather.data.iloc[: int(24 * PERIOD_MAX_DAYS)], UCCLE)
    assert longest.calendar_year() is longest


def test_ambiguous_lengths_are_refused(weather):
    with pytest.raises(DataError, match=r"\(350 days\): .*cover 350 days, almost a year.*period of at most 334"):
        Weather(weather.data.iloc[: 24 * 350], UCCLE, source="350 days")  # refused as it is made
    two = pd.concat([weather.data, weather.data.set_axis(local_year_index(2020)[:8760])])
    longer = Weather(two, UCCLE, source="two years")
    with pytest.raises(DataError, match="more than a year.*year="):
        longer.calendar_year()
    assert longer.calendar_year(2019).index.equals(weather.index)  # a year picked from a longer series


def test_a_year_that_belongs_to_another_year_is_not_re_stamped(weather):
    with pytest.raises(DataError, match=r"lack 8784 steps of the local calendar year 2020 .*re-stamp"):
        weather.calendar_year(2020)
    shifted = Weather(weather.data.set_axis(weather.index + pd.Timedelta(days=31)), UCCLE, source="Feb..Jan")
    with pytest.raises(DataError, match="lack 744 steps"):
        shifted.calendar_year()


def test_study_inputs_and_the_city_batch_lay_the_year_on_the_calendar(utc_year):
    from mgwsim.batch import CityModel

    inputs = StudyInputs(antwerp_block(), utc_year)
    assert is_local_calendar_year(inputs.weather.index)
    assert StudyInputs(antwerp_block(), inputs.weather).weather is inputs.weather  # idempotent
    model = CityModel(utc_year)
    assert model.weather.index.equals(inputs.weather.index) and model.defaults.weather is model.weather
