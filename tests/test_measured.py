"""Measured data: readers of bills and meter exports, and the change-point baseline (issue 19)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mgwsim.errors import DataError, InputError
from mgwsim.measured import (
    GasBills,
    daily_mean_temperature,
    fit_change_point,
    read_fluvius_quarter_hours,
    read_gas_bills,
    read_heat_meter,
    read_heatpump_monitoring,
)
from mgwsim.weather import Site, Weather

SITE = Site("Antwerpen", 51.22, 4.40, 10.0)


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- gas bills


def test_bills_in_kwh_are_read_with_inclusive_days(tmp_path):
    path = write(tmp_path, "bills.csv", "start,end,energy_kwh\n2023-02-01,2023-02-28,9000\n2023-01-01,2023-01-31,12000\n")
    bills = read_gas_bills(path)
    assert list(bills.days) == [31, 28]  # sorted by start, both ends inclusive
    assert list(bills.energy_kwh) == [12000.0, 9000.0]


def test_bills_in_cubic_metres_use_the_belgian_conversion(tmp_path):
    # E = V x conversion factor x upper calorific value (Fluvius berekeningsparameters; CREG)
    path = write(tmp_path, "bills.csv", "start,end,volume_m3,conversion_factor,calorific_value_kwh_per_m3\n"
                 "01/01/2023,31/12/2023,1500,0.98,11.6\n")
    bills = read_gas_bills(path, date_format="%d/%m/%Y")
    assert bills.energy_kwh[0] == pytest.approx(1500 * 0.98 * 11.6)
    assert bills.days[0] == 365


@pytest.mark.parametrize(("text", "words"), [
    ("start,end,energy_kwh\n2023-01-01,2023-01-31,100\n2023-01-31,2023-02-28,100\n",
     ["'start'/'end'", "period starting 2023-01-31", "overlaps"]),
    ("start,end,energy_kwh\n2023-02-01,2023-01-31,100\n", ["'end'", "period starting 2023-02-01"]),
    ("start,end,energy_kwh\n2023-01-01,2023-01-31,-5\n", ["'energy_kwh'", "period starting 2023-01-01", "-5"]),
    ("start,end,energy_kwh\n2023-01-01,2023-01-31,\n", ["'energy_kwh'", "period starting 2023-01-01"]),
    ("start,end,energy_kwh\n2023-13-01,2023-01-31,100\n", ["'start'", "2023-13-01"]),
    ("start,end,kwh\n2023-01-01,2023-01-31,100\n", ["no energy column", "'kwh'"]),
    ("start,end,volume_m3,conversion_factor,calorific_value_kwh_per_m3\n2023-01-01,2023-01-31,100,11.5,1\n",
     ["'conversion_factor'", "period starting 2023-01-01", "11.5"]),
    ("start,end,volume_m3,conversion_factor,calorific_value_kwh_per_m3\n2023-01-01,2023-01-31,100,1,3.6\n",
     ["'calorific_value_kwh_per_m3'", "3.6"]),
    ("start,end,energy_kwh,volume_m3,conversion_factor,calorific_value_kwh_per_m3\n"
     "2023-01-01,2023-01-31,1000,100,1,11.4\n", ["'energy_kwh' disagrees", "1140"]),
])
def test_bad_bills_are_refused_naming_column_and_period(tmp_path, text, words):
    path = write(tmp_path, "bad.csv", text)
    with pytest.raises(DataError) as info:
        read_gas_bills(path)
    message = str(info.value)
    assert "bad.csv" in message
    for word in words:
        assert word in message


# --------------------------------------------------------------------------- Fluvius quarter hours

NL_HEADER = "Van datum;Van tijdstip;Tot datum;Tot tijdstip;EAN;Meter;Metertype;Register;Volume;Eenheid;Validatiestatus\n"
EN_HEADER = ("From (date);From (time);Until (date);Until (time);EAN code;Meter;Meter type;Register;Volume;Unit;"
             "Validation status;Description\n")


def fluvius_rows(starts, volumes, *, english=False, registers=("Afname Dag", "Injectie Dag"), unit="kWh",
                 minutes=15) -> str:
    """Rows in the Fluvius layout: one per quarter and register (volumes: (import, export) text pairs)."""
    lines = []
    sep = "/" if english else "-"
    for start, pair in zip(starts, volumes, strict=True):
        end = start + pd.Timedelta(minutes=minutes)
        for register, volume in zip(registers, pair, strict=True):
            fields = [start.strftime(f"%d{sep}%m{sep}%Y"), start.strftime("%H:%M:%S"), end.strftime(f"%d{sep}%m{sep}%Y"),
                      end.strftime("%H:%M:%S"), '="541448820000000000"', "1SAG1100000000", "Digitale Meter", register,
                      volume, unit, "Gevalideerd" if volume else "Geen verbruik"]
            lines.append(";".join(fields + ([""] if english else [])))
    return "\n".join(lines) + "\n"


def quarters(first: str, n: int) -> list[pd.Timestamp]:
    return list(pd.date_range(first, periods=n, freq="15min"))


def test_fluvius_export_sums_registers_per_quarter_and_drops_unread_leading_rows(tmp_path):
    starts = quarters("2024-03-12 06:30", 6)
    volumes = [("", ""), ("", ""), ("0,120", "0,000"), ("0,080", "0,010"), ("1.234,500", "0,000"), ("0,000", "0,250")]
    series = read_fluvius_quarter_hours(write(tmp_path, "kwartier.csv", NL_HEADER + fluvius_rows(starts, volumes)))
    data = series.data
    assert list(data.columns) == ["import_kwh", "export_kwh"]
    assert data.index[0] == pd.Timestamp("2024-03-12 07:00", tz="Europe/Brussels")
    np.testing.assert_allclose(data["import_kwh"], [0.120, 0.080, 1234.5, 0.0])
    np.testing.assert_allclose(data["export_kwh"], [0.0, 0.010, 0.0, 0.250])
    assert series.step_h == 0.25


def test_fluvius_english_export_with_day_and_night_registers(tmp_path):
    night = fluvius_rows(quarters("2024-03-12 06:30", 2), [("0,5", "0,0"), ("0,4", "0,1")], english=True,
                         registers=("Offtake Night", "Injection Night"))
    day = fluvius_rows(quarters("2024-03-12 07:00", 2), [("0,3", "0,0"), ("0,2", "0,0")], english=True,
                       registers=("Offtake Day", "Injection Day"))
    series = read_fluvius_quarter_hours(write(tmp_path, "en.csv", EN_HEADER + night + day))
    np.testing.assert_allclose(series.data["import_kwh"], [0.5, 0.4, 0.3, 0.2])
    assert series.data.index[-1] == pd.Timestamp("2024-03-12 07:15", tz="Europe/Brussels")


def test_fluvius_autumn_dst_hour_appears_twice_and_is_read_in_order(tmp_path):
    # 27 October 2024: local 02:00-02:45 occurs twice (CEST, then CET)
    wall = (quarters("2024-10-27 01:30", 6) + quarters("2024-10-27 02:00", 6))
    volumes = [(f"{i},0", "0,0") for i in range(len(wall))]
    series = read_fluvius_quarter_hours(write(tmp_path, "dst.csv", NL_HEADER + fluvius_rows(wall, volumes)))
    index = series.data.index
    assert len(index) == 12
    assert ((index[1:] - index[:-1]) == pd.Timedelta(minutes=15)).all()  # regular on the absolute time line
    assert index[2].utcoffset() == pd.Timedelta(hours=2) and index[6].utcoffset() == pd.Timedelta(hours=1)
    np.testing.assert_allclose(series.data["import_kwh"], np.arange(12.0))


def test_fluvius_spring_dst_change_skips_the_missing_local_hour_without_a_gap(tmp_path):
    # 31 March 2024: local 01:45 is followed by 03:00 (02:00-02:45 do not exist)
    wall = quarters("2024-03-31 01:15", 3) + quarters("2024-03-31 03:00", 3)
    series = read_fluvius_quarter_hours(write(tmp_path, "spring.csv", NL_HEADER + fluvius_rows(wall, [("0,1", "0,0")] * 6)))
    index = series.data.index
    assert ((index[1:] - index[:-1]) == pd.Timedelta(minutes=15)).all()
    assert index[3] == pd.Timestamp("2024-03-31 03:00", tz="Europe/Brussels")


def test_fluvius_autumn_hour_given_once_is_refused(tmp_path):
    wall = quarters("2024-10-27 01:30", 6) + quarters("2024-10-27 03:00", 2)  # 02:00-02:45 only once
    path = write(tmp_path, "autumn.csv", NL_HEADER + fluvius_rows(wall, [("0,1", "0,0")] * 8))
    with pytest.raises(DataError, match=r"autumn.csv, column 'Van tijdstip'.*2024-10-27 02:00:00.*twice"):
        read_fluvius_quarter_hours(path)


@pytest.mark.parametrize(("case", "words"), [
    ("gap", ["'Van tijdstip'", "gap", "2024-03-12 07:15:00+01:00"]),
    ("duplicate", ["'Van tijdstip'", "2024-03-12 07:15"]),
    ("empty_inside", ["'Volume'", "empty", "2024-03-12 07:15:00+01:00"]),
    ("negative", ["'Volume'", "2024-03-12 07:15:00", "-0.1"]),
    ("unit", ["'Eenheid'", "m³"]),
    ("hourly", ["'Tot tijdstip'", "0 days 01:00:00", "kwartiertotalen"]),
    ("register", ["'Register'", "Productie Dag"]),
])
def test_bad_fluvius_exports_are_refused(tmp_path, case, words):
    starts = quarters("2024-03-12 07:00", 4)
    volumes = [("0,1", "0,0")] * 4
    kwargs = {}
    if case == "gap":
        starts, volumes = starts[:1] + starts[2:], volumes[:3]
    elif case == "duplicate":
        starts, volumes = starts[:2] + starts[1:], volumes + [("0,1", "0,0")]
    elif case == "empty_inside":
        volumes = [("0,1", "0,0"), ("", "0,0"), ("0,1", "0,0"), ("0,1", "0,0")]
    elif case == "negative":
        volumes = [("0,1", "0,0"), ("-0,1", "0,0"), ("0,1", "0,0"), ("0,1", "0,0")]
    elif case == "unit":
        kwargs["unit"] = "m³"
    elif case == "hourly":
        kwargs["minutes"] = 60
    elif case == "register":
        kwargs["registers"] = ("Afname Dag", "Productie Dag")
    path = write(tmp_path, "bad.csv", NL_HEADER + fluvius_rows(starts, volumes, **kwargs))
    with pytest.raises(DataError) as info:
        read_fluvius_quarter_hours(path)
    message = str(info.value)
    assert "bad.csv" in message
    for word in words:
        assert word in message


def test_a_file_that_is_not_a_fluvius_export_is_refused(tmp_path):
    with pytest.raises(DataError, match="not a Fluvius quarter-hour export"):
        read_fluvius_quarter_hours(write(tmp_path, "x.csv", "time;kwh\n2024-01-01 00:00;1\n"))


# --------------------------------------------------------------------------- heat meters and monitoring


def test_monthly_heat_meter_register_gives_the_heat_between_readings(tmp_path):
    path = write(tmp_path, "heat.csv", "time,register\n2024-01-01 00:00,100.0\n2024-02-01 00:00,112.5\n"
                 "2024-03-01 00:00,120.0\n")
    series = read_heat_meter(path, kind="cumulative", heat_column="register", unit="MWh")
    np.testing.assert_allclose(series.data["heat_kwh"], [12500.0, 7500.0])
    assert series.ends[0] == pd.Timestamp("2024-02-01", tz="Europe/Brussels")
    assert series.step_h is None  # months differ in length


def test_quarter_hour_heat_meter_intervals_in_gigajoule(tmp_path):
    path = write(tmp_path, "heat.csv", "time,heat_kwh\n2024-01-01 00:00,0.036\n2024-01-01 00:15,0.0\n"
                 "2024-01-01 00:30,0.0072\n")
    series = read_heat_meter(path, kind="interval", unit="GJ")
    np.testing.assert_allclose(series.data["heat_kwh"], [10.0, 0.0, 2.0])  # 1 GJ = 1e9 J / 3.6e6 J/kWh
    assert series.step_h == 0.25


@pytest.mark.parametrize(("kind", "text", "words"), [
    ("cumulative", "time,heat_kwh\n2024-01-01,100\n2024-02-01,90\n", ["'heat_kwh'", "decreases", "2024-02-01"]),
    ("cumulative", "time,heat_kwh\n2024-01-01,100\n2024-01-01,110\n", ["'time'", "duplicated", "2024-01-01"]),
    ("interval", "time,heat_kwh\n2024-01-01 00:00,1\n2024-01-01 00:15,1\n2024-01-01 00:45,1\n",
     ["'time'", "gap", "2024-01-01 00:15"]),
    ("interval", "time,heat_kwh\n2024-01-01 00:00,1\n2024-01-01 00:15,-2\n", ["'heat_kwh'", "2024-01-01 00:15", "-2"]),
    ("interval", "time,heat_kwh\n2024-01-01 00:00,1\n2024-01-01 00:15,abc\n", ["'heat_kwh'", "00:15", "'abc'"]),
])
def test_bad_heat_meter_files_are_refused(tmp_path, kind, text, words):
    with pytest.raises(DataError) as info:
        read_heat_meter(write(tmp_path, "bad.csv", text), kind=kind)
    for word in ["bad.csv", *words]:
        assert word in str(info.value)


MONITORING = "time,electricity_kwh,heat_kwh,supply_temp_degc,return_temp_degc\n"


def test_heatpump_monitoring_with_mapped_columns(tmp_path):
    text = ("ts,P_el,Q_th,T_sup,T_ret\n2024-01-01 00:00,1.0,3.5,45.0,38.0\n2024-01-01 01:00,1.2,4.0,46.0,39.0\n")
    series = read_heatpump_monitoring(write(tmp_path, "hp.csv", text), time_column="ts", columns={
        "P_el": "electricity_kwh", "Q_th": "heat_kwh", "T_sup": "supply_temp_degc", "T_ret": "return_temp_degc"})
    assert series.step_h == 1.0
    np.testing.assert_allclose(series.data["heat_kwh"], [3.5, 4.0])
    assert list(series.data.columns) == ["electricity_kwh", "heat_kwh", "supply_temp_degc", "return_temp_degc"]


@pytest.mark.parametrize(("rows", "words"), [
    ("2024-01-01 00:00,-1,3,45,38\n2024-01-01 00:15,1,3,45,38\n", ["'electricity_kwh'", "2024-01-01 00:00", "-1"]),
    ("2024-01-01 00:00,1,3,45,38\n2024-01-01 00:15,1,3,120,38\n", ["'supply_temp_degc'", "00:15", "120"]),
    ("2024-03-31 01:45,1,3,45,38\n2024-03-31 02:00,1,3,45,38\n", ["'time'", "Europe/Brussels", "spring"]),
])
def test_bad_monitoring_files_are_refused(tmp_path, rows, words):
    with pytest.raises(DataError) as info:
        read_heatpump_monitoring(write(tmp_path, "bad.csv", MONITORING + rows))
    for word in ["bad.csv", *words]:
        assert word in str(info.value)


def test_monitoring_reads_the_pv_and_gas_meters_when_the_export_has_them(tmp_path):
    text = ("time,electricity_kwh,heat_kwh,supply_temp_degc,return_temp_degc,pv_kwh,gas_kwh\n"
            "2024-01-01 00:00,1.0,3.5,45.0,38.0,0.0,2.0\n2024-01-01 01:00,1.2,4.0,46.0,39.0,0.5,0.0\n")
    series = read_heatpump_monitoring(write(tmp_path, "hp.csv", text))
    np.testing.assert_allclose(series.data["pv_kwh"], [0.0, 0.5])
    np.testing.assert_allclose(series.data["gas_kwh"], [2.0, 0.0])
    bad = text.replace("0.5,0.0", "-0.5,0.0")
    with pytest.raises(DataError, match="'pv_kwh'.*2024-01-01 01:00"):
        read_heatpump_monitoring(write(tmp_path, "bad.csv", bad))


def test_monitoring_without_a_heat_column_is_refused(tmp_path):
    text = "time,electricity_kwh,supply_temp_degc,return_temp_degc\n2024-01-01 00:00,1,45,38\n"
    with pytest.raises(DataError, match="missing column.*'heat_kwh'"):
        read_heatpump_monitoring(write(tmp_path, "bad.csv", text))


# --------------------------------------------------------------------------- weather of the billing periods


def hourly_weather(daily_degc: pd.Series, *, diurnal_k: float = 4.0) -> Weather:
    """Hourly local weather whose daily means are ``daily_degc`` (a zero-mean sine added within each day)."""
    index = pd.date_range(daily_degc.index[0], daily_degc.index[-1] + pd.Timedelta(days=1), freq="h",
                          tz="Europe/Brussels", inclusive="left")
    local = index.tz_localize(None)
    mean = daily_degc.reindex(local.normalize()).to_numpy()
    counts = pd.Series(1, index=local.normalize()).groupby(level=0).transform("size").to_numpy()
    position = pd.Series(1, index=local.normalize()).groupby(level=0).cumcount().to_numpy()
    wave = diurnal_k * np.sin(2 * np.pi * position / counts)  # zero mean over each day, DST days included
    data = pd.DataFrame({"temp_air_degc": mean + wave, "ghi_w_m2": 0.0, "dni_w_m2": 0.0, "dhi_w_m2": 0.0,
                         "wind_speed_m_s": 3.0, "pressure_hpa": 1013.25},  # a Weather's columns; only θ matters here
                        index=pd.DatetimeIndex(index, name="time"))
    return Weather(data=data, site=SITE, source="synthetic weather")


def test_daily_means_of_hourly_weather_keep_dst_days_and_drop_partial_ones():
    days = pd.date_range("2024-03-29", "2024-04-02", freq="D")  # 31 March has 23 local hours
    truth = pd.Series([5.0, 6.0, 7.0, 8.0, 9.0], index=days)
    weather = hourly_weather(truth)
    daily = daily_mean_temperature(weather)
    np.testing.assert_allclose(daily.to_numpy(), truth.to_numpy(), atol=1e-12)
    partial = Weather(data=weather.data.iloc[5:], site=SITE, source="partial")
    assert daily_mean_temperature(partial).index[0] == pd.Timestamp("2024-03-30")


def test_daily_means_are_local_days_whatever_the_weather_time_zone():
    days = pd.date_range("2024-01-01", "2024-01-05", freq="D")
    weather = hourly_weather(pd.Series([1.0, 2.0, 3.0, 4.0, 5.0], index=days))
    in_utc = Weather(data=weather.data.tz_convert("UTC"), site=SITE, source="utc")
    pd.testing.assert_series_equal(daily_mean_temperature(in_utc), daily_mean_temperature(weather))


def test_bills_built_from_arrays_refuse_a_non_date():
    with pytest.raises(DataError, match="column 'end'.*not a date"):
        GasBills.from_periods(["2024-01-01"], ["last week"], [100.0], source="arrays")


def test_overlapping_weather_series_are_refused():
    days = pd.date_range("2024-01-01", "2024-01-03", freq="D")
    weather = hourly_weather(pd.Series(5.0, index=days))
    with pytest.raises(DataError, match="2024-01-01"):
        daily_mean_temperature([weather, weather])


# --------------------------------------------------------------------------- change-point baseline


def one_day_bills(days, energy_kwh) -> GasBills:
    return GasBills.from_periods(days, days, energy_kwh, source="hand bills")


def test_fixed_base_reproduces_the_hand_computed_degree_day_regression():
    # Three one-day periods at 5, 10 and 20 degC, base 15: x = HDD = 10, 5, 0; y = 120, 55, 10 kWh.
    # By hand: x_mean = 5, y_mean = 185/3, Sxx = 50, Sxy = 550 -> slope 11, baseload 185/3 - 55 = 20/3;
    # residuals 10/3, -20/3, 10/3 -> SSE 200/3, one degree of freedom.
    days = pd.date_range("2024-01-01", periods=3, freq="D")
    temperature = pd.Series([5.0, 10.0, 20.0], index=days)
    fit = fit_change_point(one_day_bills(days, [120.0, 55.0, 10.0]), temperature, base_degc=15.0)
    assert fit.slope_kwh_per_k_day == pytest.approx(11.0, rel=1e-12)
    assert fit.baseload_kwh_per_day == pytest.approx(20.0 / 3.0, rel=1e-12)
    assert fit.slope_se_kwh_per_k_day == pytest.approx(np.sqrt((200.0 / 3.0) / 50.0), rel=1e-10)
    assert fit.baseload_se_kwh_per_day == pytest.approx(np.sqrt((200.0 / 3.0) * (1.0 / 3.0 + 25.0 / 50.0)), rel=1e-10)
    assert fit.cv_rmse_pct == pytest.approx(100.0 * np.sqrt(200.0 / 3.0) / (185.0 / 3.0), rel=1e-10)
    assert fit.nmbe_pct == pytest.approx(0.0, abs=1e-10)
    sst = (120 - 185 / 3) ** 2 + (55 - 185 / 3) ** 2 + (10 - 185 / 3) ** 2
    assert fit.r_squared == pytest.approx(1.0 - (200.0 / 3.0) / sst, rel=1e-10)
    np.testing.assert_allclose(fit.periods["residual_kwh"], [10 / 3, -20 / 3, 10 / 3], atol=1e-9)


def test_free_base_is_found_exactly_on_noiseless_data():
    # Four one-day periods on E = 30 + 8 max(0, 16.3 - T): the unique zero-SSE base is 16.3 degC
    days = pd.date_range("2024-01-01", periods=5, freq="D")
    temps = np.array([0.0, 6.0, 12.0, 18.0, 22.0])
    energy = 30.0 + 8.0 * np.maximum(16.3 - temps, 0.0)
    fit = fit_change_point(one_day_bills(days, energy), pd.Series(temps, index=days))
    assert fit.base_degc == pytest.approx(16.3, abs=1e-4)
    assert fit.slope_kwh_per_k_day == pytest.approx(8.0, rel=1e-4)
    assert fit.baseload_kwh_per_day == pytest.approx(30.0, rel=1e-4)
    assert fit.cv_rmse_pct < 1e-3
    assert not fit.base_at_bound


TRUTH = {"base_degc": 15.5, "slope_kwh_per_k_day": 12.0, "baseload_kwh_per_day": 40.0}


def synthetic_bills(seed: int, *, noise_kwh_per_day: float = 15.0):
    """Three years of Belgian-like daily temperatures and bills of unequal length (20..45 days) from TRUTH.

    Daily gas use = baseload + slope max(0, base - T_d) + independent daily noise, summed per period,
    so a period's noise has variance proportional to its days (the weights of the fit).
    """
    rng = np.random.default_rng(seed)
    days = pd.date_range("2021-01-01", "2023-12-31", freq="D")
    doy = np.asarray(days.day_of_year)
    anomaly = np.zeros(days.size)
    for i in range(1, days.size):  # AR(1) weather anomaly, 3 K standard deviation
        anomaly[i] = 0.8 * anomaly[i - 1] + rng.normal(0.0, 3.0 * np.sqrt(1 - 0.64))
    temps = 10.5 - 7.0 * np.cos(2 * np.pi * (doy - 15) / 365.25) + anomaly
    use = (TRUTH["baseload_kwh_per_day"] + TRUTH["slope_kwh_per_k_day"] * np.maximum(TRUTH["base_degc"] - temps, 0.0)
           + rng.normal(0.0, noise_kwh_per_day, days.size))
    cuts = [0]
    while cuts[-1] < days.size:
        cuts.append(min(cuts[-1] + int(rng.integers(20, 46)), days.size))
    starts = [days[a] for a in cuts[:-1]]
    ends = [days[b - 1] for b in cuts[1:]]
    energy = [use[a:b].sum() for a, b in zip(cuts[:-1], cuts[1:], strict=True)]
    return GasBills.from_periods(starts, ends, energy, source=f"synthetic seed {seed}"), pd.Series(temps, index=days)


def test_synthetic_truth_is_recovered_within_the_stated_uncertainty():
    bills, temperature = synthetic_bills(seed=7)
    fit = fit_change_point(bills, temperature)
    for name, se_name in (("base_degc", "base_se_k"), ("slope_kwh_per_k_day", "slope_se_kwh_per_k_day"),
                          ("baseload_kwh_per_day", "baseload_se_kwh_per_day")):
        estimate, se = getattr(fit, name), getattr(fit, se_name)
        assert 0 < se < 0.1 * abs(TRUTH[name])  # a real, informative uncertainty
        assert abs(estimate - TRUTH[name]) < 3 * se, (name, estimate, se)
    assert fit.meets_guideline14
    assert abs(fit.nmbe_pct) < 1e-8  # day-weighted least squares: period residuals sum to zero


def test_stated_standard_errors_cover_the_truth_at_their_nominal_rate():
    # 95 % intervals (estimate +/- 1.96 SE) over 60 independent synthetic buildings cover the truth about 95 %
    # of the time, and the stated SE matches the spread of the estimates (neither under- nor overstated)
    fits = [fit_change_point(*synthetic_bills(seed)) for seed in range(100, 160)]
    for name, se_name in (("base_degc", "base_se_k"), ("slope_kwh_per_k_day", "slope_se_kwh_per_k_day"),
                          ("baseload_kwh_per_day", "baseload_se_kwh_per_day")):
        estimates = np.array([getattr(fit, name) for fit in fits])
        errors = np.array([getattr(fit, se_name) for fit in fits])
        coverage = np.mean(np.abs(estimates - TRUTH[name]) <= 1.96 * errors)
        assert 0.85 <= coverage, (name, coverage)
        assert 0.75 < errors.mean() / estimates.std(ddof=1) < 1.33, name


def test_a_billed_day_without_weather_is_refused():
    bills, temperature = synthetic_bills(seed=1)
    with pytest.raises(DataError, match=r"no \(complete\) weather for the day 2022-06-15"):
        fit_change_point(bills, temperature.drop(pd.Timestamp("2022-06-15")))


def test_gas_use_that_does_not_rise_in_the_cold_is_refused():
    days = pd.date_range("2024-01-01", periods=6, freq="D")
    temps = pd.Series([0.0, 4.0, 8.0, 12.0, 16.0, 20.0], index=days)
    with pytest.raises(DataError, match="no positive slope"):
        fit_change_point(one_day_bills(days, [10.0, 20.0, 30.0, 40.0, 50.0, 60.0]), temps)


def test_too_few_bills_are_refused():
    days = pd.date_range("2024-01-01", periods=3, freq="D")
    with pytest.raises(InputError, match="3 billing period"):
        fit_change_point(one_day_bills(days, [100.0, 50.0, 10.0]), pd.Series([0.0, 8.0, 20.0], index=days))


def test_bills_fitted_through_weather_objects():
    bills, temperature = synthetic_bills(seed=3)
    weathers = [hourly_weather(temperature[temperature.index.year == year], diurnal_k=5.0) for year in (2021, 2022, 2023)]
    from_weather = fit_change_point(bills, weathers)
    from_series = fit_change_point(bills, temperature)
    assert from_weather.base_degc == pytest.approx(from_series.base_degc, abs=1e-6)
    assert from_weather.slope_kwh_per_k_day == pytest.approx(from_series.slope_kwh_per_k_day, rel=1e-6)
