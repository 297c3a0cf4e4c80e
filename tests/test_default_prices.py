"""The embedded 2026 day-ahead series, its calendar rule and its price basis."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from mgwsim.errors import InputError
from mgwsim.tariffs import (
    PriceBasis,
    default_day_ahead,
    default_price_basis,
    lay_on_calendar,
    load_tariff,
    price_basis,
    read_day_ahead_csv,
)
from mgwsim.tariffs._default_prices import _embedded, same_weekday_day

TZ = "Europe/Brussels"
PRICES = "prices/BE_DAM_prices_2022_2024_entsoe.csv"
CAL26_EUR_PER_MWH = 84.8  # the cited Cal-26 baseload level (data/prices/README.md)


def local_year(year: int) -> pd.DatetimeIndex:
    start = pd.Timestamp(year=year, month=1, day=1, tz=TZ)
    return pd.date_range(start, start + pd.DateOffset(years=1), freq="h", inclusive="left").tz_convert("UTC")


def local_day(series: pd.Series, date: str) -> np.ndarray:
    local = series.index.tz_convert(TZ)
    return series.to_numpy()[local.normalize() == pd.Timestamp(date, tz=TZ)]


@pytest.fixture(scope="module")
def source() -> pd.Series:
    return _embedded()


# ---------------------------------------------------------------- the embedded file

def test_embedded_series_is_the_local_year_2026(source):
    local = source.index.tz_convert(TZ)
    assert len(source) == 8760 and source.index.is_unique and source.notna().all()
    assert (np.diff(source.index.to_numpy()) == np.timedelta64(1, "h")).all()
    assert local[0] == pd.Timestamp("2026-01-01 00:00", tz=TZ)
    assert local[-1] == pd.Timestamp("2026-12-31 23:00", tz=TZ)


def test_embedded_mean_is_the_cited_cal26_level(source):
    """Scaled to the Cal-26 baseload forward; the README states 0.01 EUR/MWh rounding."""
    assert round(source.mean() * 1000.0, 2) == CAL26_EUR_PER_MWH
    values = source.to_numpy() * 1000.0  # the figures the README table states
    assert (values.min(), values.max(), int((values < 0).sum())) == (pytest.approx(-200.0), pytest.approx(951.63), 447)


def test_default_price_basis_states_year_level_and_source(source):
    basis = default_price_basis()
    assert isinstance(basis, PriceBasis)
    assert basis.year == 2026 and basis.years == (2026,)
    assert basis.mean_eur_per_mwh == pytest.approx(source.mean() * 1000.0, rel=1e-12)
    assert "2024" in basis.source and "Cal-26" in basis.source and "84.8" in basis.source
    assert "scaled shape" in basis.note
    assert basis.describe() == "2026, mean 84.8 EUR/MWh"


def test_price_year_is_the_default_tariffs_year():
    """The fixed tariffs and the dynamic prices refer to the same year."""
    from mgwsim.study.inputs import StudyInputs

    defaults = {f.name: f.default for f in dataclasses.fields(StudyInputs)}
    years = {load_tariff(defaults[key]).year for key in ("lv_tariff", "mv_tariff", "gas_tariff")}
    assert years == {default_price_basis().year}


# ---------------------------------------------------------------- laying the year on a calendar

def test_default_day_ahead_on_2026_returns_the_file(source):
    for index in (source.index, source.index.tz_convert(TZ)):
        np.testing.assert_array_equal(default_day_ahead(index).to_numpy(), source.to_numpy())


def test_same_weekday_day_hand_cases():
    # 2026-01-01 is a Thursday (weekday 3): day 0 -> Thursday 1 Jan, a Tuesday -> 6 Jan (not 30 Dec 2025)
    assert same_weekday_day(np.array([0, 0, 0]), np.array([3, 1, 6]), 2026).tolist() == [0, 5, 3]
    # 31 Dec of a leap year (day 365) on a Thursday -> Thursday 31 Dec 2026 (day 364)
    assert same_weekday_day(np.array([365]), np.array([3]), 2026).tolist() == [364]


def test_2019_calendar_takes_2026_days_of_the_same_weekday(source):
    index = local_year(2019)
    prices = default_day_ahead(index)
    assert len(prices) == 8760 and prices.notna().all()
    # Tuesday 1 Jan 2019 takes Tuesday 6 Jan 2026; Saturday 15 Jun 2019 takes Saturday 13 Jun 2026
    np.testing.assert_array_equal(local_day(prices, "2019-01-01"), local_day(source, "2026-01-06"))
    np.testing.assert_array_equal(local_day(prices, "2019-06-15"), local_day(source, "2026-06-13"))
    # every day: same weekday, within three days of the same date
    local = index.tz_convert(TZ)
    days = pd.DatetimeIndex(local.normalize().unique())
    mapped = same_weekday_day(days.day_of_year.to_numpy() - 1, days.day_of_week.to_numpy(), 2026)
    mapped_dates = pd.Timestamp("2026-01-01") + pd.to_timedelta(mapped, unit="D")
    assert (mapped_dates.day_of_week == days.day_of_week).all()
    assert (np.abs(mapped - (days.day_of_year.to_numpy() - 1)) <= 7).all()
    assert (np.abs(mapped - (days.day_of_year.to_numpy() - 1)) <= 3).sum() >= len(days) - 4


def test_dst_days_keep_the_local_clock(source):
    # Sunday 31 Mar 2019 (23 h) takes Sunday 29 Mar 2026 (23 h): the same clock hours
    np.testing.assert_array_equal(local_day(default_day_ahead(local_year(2019)), "2019-03-31"),
                                  local_day(source, "2026-03-29"))
    # Sunday 1 Apr 2018 (24 h) takes 29 Mar 2026, which has no 02:00: the mean of 01:00 and 03:00
    day = local_day(default_day_ahead(local_year(2018)), "2018-04-01")
    spring = local_day(source, "2026-03-29")  # 00, 01, 03, 04, ... 23
    assert len(day) == 24
    np.testing.assert_array_equal(day[[0, 1]], spring[[0, 1]])
    assert day[2] == pytest.approx(0.5 * (spring[1] + spring[2]), abs=1e-15)
    np.testing.assert_array_equal(day[3:], spring[2:])
    # Sunday 28 Oct 2018 (25 h) takes Sunday 25 Oct 2026 (25 h): both 02:00 hours in order
    np.testing.assert_array_equal(local_day(default_day_ahead(local_year(2018)), "2018-10-28"),
                                  local_day(source, "2026-10-25"))
    # Sunday 31 Oct 2021 (25 h) takes Sunday 1 Nov 2026 (24 h): its 02:00 serves both
    day = local_day(default_day_ahead(local_year(2021)), "2021-10-31")
    normal = local_day(source, "2026-11-01")
    assert len(day) == 25 and len(normal) == 24
    np.testing.assert_array_equal(day, np.concatenate([normal[:3], normal[2:]]))


@pytest.mark.parametrize("year", [2020, 2024, 2030])
def test_any_year_gets_a_full_price_year(year):
    index = local_year(year)
    prices = default_day_ahead(index)
    assert len(prices) == len(index) and np.isfinite(prices.to_numpy()).all()
    assert prices.mean() * 1000.0 == pytest.approx(CAL26_EUR_PER_MWH, abs=1.5)  # days are re-used, not rescaled


def test_default_day_ahead_rejects_bad_indexes(source):
    with pytest.raises(InputError, match="tz-aware"):
        default_day_ahead(source.index.tz_localize(None))
    with pytest.raises(InputError, match="hourly"):
        default_day_ahead(pd.date_range("2026-01-01", periods=8, freq="15min", tz="UTC"))


def test_lay_on_calendar_needs_a_full_source_year(source):
    with pytest.raises(InputError, match="full local year"):
        lay_on_calendar(source.drop(source.index[100]), 2026, source.index)


# ---------------------------------------------------------------- a user's own prices

def test_price_basis_of_a_user_series():
    index = pd.date_range("2023-01-01 00:00", "2023-12-31 23:00", freq="h", tz="UTC")
    prices = pd.Series(0.1, index=index)
    basis = price_basis(prices, source="my file")
    # UTC 2023 runs from local 01:00 on 1 Jan 2023 to local 00:00 on 1 Jan 2024
    assert basis.year == 2023 and basis.years == (2023, 2024)
    assert basis.mean_eur_per_mwh == pytest.approx(100.0)
    assert basis.source == "my file" and basis.describe() == "2023-2024, mean 100.0 EUR/MWh"
    with pytest.raises(InputError, match="source"):
        price_basis(prices, source=" ")
    with pytest.raises(InputError, match="tz-aware"):
        price_basis(prices.tz_localize(None), source="x")
    with pytest.raises(InputError, match="finite"):
        price_basis(prices.where(prices.index != index[3]), source="x")


def test_price_basis_of_the_belgian_2023_series(shared_data):
    prices = read_day_ahead_csv(shared_data / PRICES)
    year = prices[prices.index.tz_convert(TZ).year == 2023]
    basis = price_basis(year, source="ENTSO-E BE")
    assert basis.year == 2023 and basis.years == (2023,)
    assert round(basis.mean_eur_per_mwh, 1) == 97.3
    assert price_basis(prices, source="ENTSO-E BE").years == (2022, 2023, 2024)


# ---------------------------------------------------------------- the shape against real Belgian prices

def _daily_profile(series: pd.Series) -> pd.Series:
    return series.groupby(series.index.tz_convert(TZ).hour).mean()


def test_scaled_shape_has_the_belgian_daily_profile(source, shared_data):
    """Mean price by local hour: the shipped 2026 shape against the real Belgian 2023 year."""
    belgian = read_day_ahead_csv(shared_data / PRICES)
    be2023 = belgian[belgian.index.tz_convert(TZ).year == 2023]
    shipped, real = _daily_profile(source), _daily_profile(be2023)
    assert np.corrcoef(shipped, real)[0, 1] > 0.9  # measured 0.94
    assert abs(shipped.idxmax() - real.idxmax()) <= 1  # evening peak (19 h in both)
    assert abs(shipped.idxmin() - real.idxmin()) <= 1  # solar trough (13 h / 14 h)


def test_scaled_shape_has_the_belgian_share_of_negative_hours(source, shared_data):
    """Same window (1 Jan - 29 Jul) as the Belgian 2024 data: negative-price share and profile."""
    belgian = read_day_ahead_csv(shared_data / PRICES)
    local = belgian.index.tz_convert(TZ)
    be2024 = belgian[local.year == 2024]
    shipped_local = source.index.tz_convert(TZ)
    window = shipped_local < pd.Timestamp("2026-07-30", tz=TZ)
    shipped = source[window]
    assert abs((shipped < 0).mean() - (be2024 < 0).mean()) < 0.01  # measured 6.0 % vs 5.6 %
    assert np.corrcoef(_daily_profile(shipped), _daily_profile(be2024))[0, 1] > 0.95  # measured 0.99
