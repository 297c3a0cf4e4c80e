"""Tariffs: loading and validation, day-ahead prices, bills against hand-worked numbers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mgwsim.errors import DataError, InputError
from mgwsim.tariffs import (
    align_prices,
    annual_bill,
    banded_amount,
    list_tariffs,
    load_tariff,
    monthly_peaks_kw,
    read_day_ahead_csv,
    read_price_csv,
    read_tariff,
    tariff_dir,
)

PRICES = "prices/BE_DAM_prices_2022_2024_entsoe.csv"


@pytest.fixture(scope="module")
def lv():
    return load_tariff("lv_fluvius_antwerpen", 2026)


@pytest.fixture(scope="module")
def mv():
    return load_tariff("mv_fluvius_antwerpen_2026")


@pytest.fixture(scope="module")
def gas():
    return load_tariff("gas", 2026)


def year_index(freq: str = "h", year: int = 2023) -> pd.DatetimeIndex:
    start = pd.Timestamp(f"{year}-01-01", tz="Europe/Brussels")
    return pd.date_range(start, pd.Timestamp(f"{year + 1}-01-01", tz="Europe/Brussels"), freq=freq, inclusive="left")


def flows_frame(index, imp=0.0, exp=0.0, gas_kwh=0.0) -> pd.DataFrame:
    n = len(index)
    return pd.DataFrame({
        "grid_import_kwh": np.broadcast_to(imp, n).astype(float),
        "grid_export_kwh": np.broadcast_to(exp, n).astype(float),
        "gas_kwh": np.broadcast_to(gas_kwh, n).astype(float),
    }, index=index)


# ---------------------------------------------------------------- loading and validation

def test_shipped_tariffs_load_by_name_and_year(lv):
    assert {"lv_fluvius_antwerpen_2026", "mv_fluvius_antwerpen_2026", "gas_2026"} <= set(list_tariffs())
    assert load_tariff("lv_fluvius_antwerpen_2026").params == lv.params
    assert lv.kind == "low_voltage" and lv.year == 2026 and lv.carrier == "electricity"
    assert lv["capacity_eur_per_kw_year"] == 49.40 and lv["capacity_min_kw"] == 2.5
    assert lv["vat_frac"] == 0.06
    assert all(lv.sources[k] for k in lv.params)  # every number has a source


def test_load_tariff_name_errors():
    with pytest.raises(InputError, match="2025"):
        load_tariff("lv_fluvius_antwerpen_2026", 2025)
    with pytest.raises(InputError, match="available"):
        load_tariff("lv_nowhere", 2026)
    with pytest.raises(InputError, match="needs a year"):
        load_tariff("lv_fluvius_antwerpen")


def _copy_without(tmp_path, line_start: str):
    text = (tariff_dir() / "lv_fluvius_antwerpen_2026.toml").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if not ln.startswith(line_start)]
    path = tmp_path / "broken.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_missing_component_names_file_and_key(tmp_path):
    path = _copy_without(tmp_path, "capacity_eur_per_kw_year")
    with pytest.raises(DataError, match=r"broken\.toml.*capacity_eur_per_kw_year"):
        read_tariff(path)


def test_negative_price_in_file_is_refused(tmp_path):
    text = (tariff_dir() / "lv_fluvius_antwerpen_2026.toml").read_text(encoding="utf-8")
    path = tmp_path / "negative.toml"
    path.write_text(text.replace("value = 0.0505027", "value = -0.05"), encoding="utf-8")
    with pytest.raises(DataError, match="distribution_eur_per_kwh.*-0.05"):
        read_tariff(path)


def test_number_without_source_is_refused(tmp_path):
    text = (tariff_dir() / "gas_2026.toml").read_text(encoding="utf-8")
    path = tmp_path / "nosource.toml"
    path.write_text(text.replace('transport_eur_per_kwh = { value = 0.0015, unit = "EUR/kWh GCV", source = "assumption: Fluxys transport component (not verified)", year = 2026 }',
                                 'transport_eur_per_kwh = { value = 0.0015 }'), encoding="utf-8")
    with pytest.raises(DataError, match="transport_eur_per_kwh.*source"):
        read_tariff(path)


def test_overrides_are_validated(lv):
    cheaper = load_tariff("lv_fluvius_antwerpen", 2026, energy_eur_per_kwh=0.09)
    assert cheaper["energy_eur_per_kwh"] == 0.09 and cheaper.sources["energy_eur_per_kwh"] == "user override"
    assert lv["energy_eur_per_kwh"] != 0.09  # original untouched
    with pytest.raises(InputError, match="energy_eur_per_kwh.*-0.1"):
        lv.with_overrides(energy_eur_per_kwh=-0.1)
    with pytest.raises(InputError, match="unknown override 'energy_price'"):
        lv.with_overrides(energy_price=0.1)
    with pytest.raises(InputError, match="supply_kind"):
        lv.with_overrides(supply_kind="spot")
    with pytest.raises(InputError, match="vat_frac"):
        lv.with_overrides(vat_frac=1.21)
    with pytest.raises(InputError, match="inf"):
        lv.with_overrides(excise_bands=[(3000.0, 0.05)])
    assert lv.with_overrides(injection_markup_eur_per_kwh=-0.01)["injection_markup_eur_per_kwh"] == -0.01


# ---------------------------------------------------------------- day-ahead prices

def test_shared_day_ahead_file_means(shared_data):
    prices = read_day_ahead_csv(shared_data / PRICES)
    assert str(prices.index.tz) == "UTC"
    steps = np.diff(prices.index.to_numpy())
    assert (steps == np.timedelta64(1, "h")).all()  # no DST gap, no duplicate
    local = prices.tz_convert("Europe/Brussels")
    by_year = local.groupby(local.index.year).agg(["mean", "count"])
    assert by_year.loc[2022, "count"] == 8760 and by_year.loc[2023, "count"] == 8760
    assert round(by_year.loc[2022, "mean"] * 1000, 1) == 244.5
    assert round(by_year.loc[2023, "mean"] * 1000, 1) == 97.3
    # autumn 2022: local 02:00 twice = 00:00 and 01:00 UTC, with the file's two prices in order
    assert prices[pd.Timestamp("2022-10-30 00:00", tz="UTC")] == pytest.approx(0.1002200012207031)
    assert prices[pd.Timestamp("2022-10-30 01:00", tz="UTC")] == pytest.approx(0.0999300003051758)
    # trailing empty rows after 29 July 2024 are dropped
    assert prices.index[-1] == pd.Timestamp("2024-07-29 23:00", tz="Europe/Brussels")


def _write(tmp_path, rows):
    path = tmp_path / "dam.csv"
    path.write_text("time,DAM_price\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_day_ahead_dst_errors(tmp_path):
    hours = [f"27mar2022 0{h}:00:00" for h in range(5)]
    good = _write(tmp_path, [f"{t},{0.1 if h != 2 else ''}" for h, t in enumerate(hours)])
    assert len(read_day_ahead_csv(good)) == 4
    with pytest.raises(DataError, match="does not exist"):
        read_day_ahead_csv(_write(tmp_path, [f"{t},0.1" for t in hours]))
    gap = [f"01jan2022 0{h}:00:00,{0.1 if h != 2 else ''}" for h in range(5)]
    with pytest.raises(DataError, match="interior gap"):
        read_day_ahead_csv(_write(tmp_path, gap))
    with pytest.raises(DataError, match="format"):
        read_day_ahead_csv(_write(tmp_path, ["2022-01-01 00:00,0.1"]))


def test_generic_price_csv(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("time,price\n2023-01-01T00:00:00+01:00,100\n2023-01-01T01:00:00+01:00,50\n", encoding="utf-8")
    prices = read_price_csv(path, unit="eur_per_mwh")
    assert prices.tolist() == [0.1, 0.05]
    assert prices.index[0] == pd.Timestamp("2022-12-31 23:00", tz="UTC")
    naive = tmp_path / "n.csv"
    naive.write_text("time,price\n2023-01-01 00:00,100\n", encoding="utf-8")
    with pytest.raises(DataError, match="tz="):
        read_price_csv(naive)


def test_align_prices_errors_and_quarter_hours():
    index = pd.date_range("2023-03-26 00:00", periods=6, freq="h", tz="Europe/Brussels")
    prices = pd.Series(np.arange(6.0), index=index.tz_convert("UTC"))
    assert align_prices(prices, index).tolist() == list(np.arange(6.0))
    quarter = pd.date_range(index[0], periods=8, freq="15min")
    assert align_prices(prices, quarter).tolist() == [0, 0, 0, 0, 1, 1, 1, 1]
    with pytest.raises(DataError, match="no price for"):
        align_prices(prices.drop(prices.index[3]), index)  # a gap, e.g. a lost DST hour
    with pytest.raises(DataError, match="no price for"):
        align_prices(prices, index + pd.Timedelta(days=365))  # another year
    with pytest.raises(DataError, match="tz-aware"):
        align_prices(prices.tz_localize(None), index)


# ---------------------------------------------------------------- bills

def test_banded_excise():
    bands = ((3000.0, 0.04), (math.inf, 0.05))
    assert banded_amount(5000.0, bands) == pytest.approx(3000 * 0.04 + 2000 * 0.05)
    assert banded_amount(1000.0, bands) == pytest.approx(40.0)
    assert banded_amount(5000.0, bands, scale=0.5) == pytest.approx(1500 * 0.04 + 3500 * 0.05)


def peak_flows(freq: str, peaks_kw: list[float], base_kw: float = 0.4) -> pd.DataFrame:
    """Constant base load plus one step per month at the given peak power."""
    index = year_index(freq)
    step_h = 0.25 if freq == "15min" else 1.0
    energy = np.full(len(index), base_kw * step_h)
    month = index.month.to_numpy()
    for m, peak in enumerate(peaks_kw, start=1):
        energy[np.flatnonzero(month == m)[100]] = peak * step_h
    return flows_frame(index, imp=energy)


MONTH_PEAKS = [6.0, 5.0, 4.0, 1.0, 0.5, 3.0, 2.0, 2.5, 3.5, 4.5, 5.5, 7.0]
# billed (>= 2.5 kW each month): 6 5 4 2.5 2.5 3 2.5 2.5 3.5 4.5 5.5 7 -> sum 48.5 kW, mean 4.0417 kW
BILLED_SUM_KW = 48.5


def test_capacity_tariff_hand_example(lv):
    flows = peak_flows("15min", MONTH_PEAKS)
    bill = annual_bill(flows, lv)
    assert bill.monthly_peaks_kw.tolist() == pytest.approx(MONTH_PEAKS)
    # 49.40 EUR/kW/year x 48.5 kW / 12 = 199.658333 EUR
    assert bill.components["electricity", "capacity", "capacity_tariff"] == pytest.approx(199.66, abs=0.005)
    assert not any("estimated" in n for n in bill.notes)


def test_capacity_from_hourly_data_uses_peak_factor(lv):
    hourly = peak_flows("h", MONTH_PEAKS)
    assert monthly_peaks_kw(hourly).tolist() == pytest.approx(MONTH_PEAKS)
    bill = annual_bill(hourly, lv, peak_factor=1.2)
    billed = np.maximum(np.array(MONTH_PEAKS) * 1.2, 2.5).sum()
    assert bill.components["electricity", "capacity", "capacity_tariff"] == pytest.approx(49.40 * billed / 12)
    assert any("lower bound" in n for n in bill.notes)


def test_lv_bill_fixed_prices_hand_worked(lv):
    index = year_index("h")
    flows = flows_frame(index, imp=1.0, exp=0.5)  # 8760 kWh import at 1 kW, 4380 kWh export
    c = annual_bill(flows, lv).components
    e = 8760.0
    assert c["electricity", "energy", "supply"] == pytest.approx(0.115 * e)
    assert c["electricity", "distribution", "distribution"] == pytest.approx(0.0505027 * e)
    assert c["electricity", "capacity", "capacity_tariff"] == pytest.approx(49.40 * 2.5)  # 1 kW < 2.5 kW floor
    assert c["electricity", "levies", "excise"] == pytest.approx(0.04748 * e)
    expected_net = (0.115 + 0.0505027 + 0.0019261 + 0.0110 + 0.00392 + 0.04748) * e + 49.40 * 2.5 + 60.0 + 17.85
    assert c["electricity", "vat", "vat"] == pytest.approx(0.06 * expected_net)
    assert c["injection", "injection", "compensation"] == pytest.approx(-0.03 * 4380)
    assert c.sum() == pytest.approx(1.06 * expected_net - 0.03 * 4380)


def test_dynamic_supply_and_formula_injection(lv):
    index = year_index("h")
    flows = flows_frame(index, imp=2.0, exp=1.0)
    prices = pd.Series(np.where(index.hour < 12, 0.20, -0.02), index=index.tz_convert("UTC"))
    dyn = lv.with_overrides(supply_kind="dynamic", injection_kind="formula")
    c = annual_bill(flows, dyn, day_ahead=prices).components
    sum_p = prices.sum()
    assert c["electricity", "energy", "supply"] == pytest.approx(1.0 * 2.0 * sum_p + 0.015 * 2.0 * 8760)
    assert c["injection", "injection", "compensation"] == pytest.approx(-(0.45 * sum_p + 0.005 * 8760))
    fixed = annual_bill(flows, lv).components["electricity", "energy", "supply"]
    assert fixed == pytest.approx(0.115 * 2 * 8760)
    with pytest.raises(InputError, match="day_ahead"):
        annual_bill(flows, dyn)
    with pytest.raises(DataError, match="8759"):
        annual_bill(flows, dyn, day_ahead=prices.to_numpy()[:-1])
    with pytest.raises(DataError, match="no price for"):
        annual_bill(flows, dyn, day_ahead=prices.iloc[:-5])


def test_mv_bill_components(mv):
    flows = peak_flows("15min", MONTH_PEAKS)
    e = float(flows["grid_import_kwh"].sum())
    c = annual_bill(flows, mv.with_overrides(energy_eur_per_kwh=0.10), access_power_kva=100.0).components
    assert c["electricity", "capacity", "access_power"] == pytest.approx(33.66 * 100)
    assert c["electricity", "capacity", "monthly_peak"] == pytest.approx(54.30 * sum(MONTH_PEAKS) / 12)  # no 2.5 kW floor
    assert c["electricity", "distribution", "distribution"] == pytest.approx(0.004137 * e)
    assert c["electricity", "fixed", "data_management"] == pytest.approx(57.65)
    net = c["electricity"].drop(("vat", "vat")).sum()
    assert c["electricity", "vat", "vat"] == pytest.approx(0.21 * net)
    assert "capacity_tariff" not in c.index.get_level_values("component")
    auto = annual_bill(flows, mv)
    assert any("access power not given" in n for n in auto.notes)
    # the annual peak (7 kW) is below the tariff's 100 kVA minimum connection: billed at the minimum (issue 18)
    assert auto.components["electricity", "capacity", "access_power"] == pytest.approx(33.66 * 100.0)
    assert any("below the tariff's minimum" in n for n in auto.notes)


def test_gas_bill_and_bill_views(lv, gas):
    index = year_index("h")
    flows = flows_frame(index, imp=0.1, gas_kwh=10.0)
    bill = annual_bill(flows, [lv, gas])
    g = bill.components["gas"]
    assert g["levies", "excise"] == pytest.approx(0.00823 * 87600)
    assert set(bill.by_carrier().index) == {"electricity", "injection", "gas"}
    assert bill.by_category().to_numpy().sum() == pytest.approx(bill.total_eur)
    with pytest.raises(DataError, match="gas_kwh"):
        annual_bill(flows.drop(columns="gas_kwh"), [lv, gas])
    with pytest.raises(InputError, match="two electricity"):
        annual_bill(flows, [lv, lv])


def test_bad_flows_are_refused(lv):
    index = year_index("h")
    flows = flows_frame(index, imp=1.0)
    with pytest.raises(DataError, match="tz-aware"):
        annual_bill(flows.tz_localize(None), lv)
    with pytest.raises(DataError, match="1 h or 15 min"):
        annual_bill(flows.iloc[::2], lv)
    negative = flows.copy()
    negative.iloc[5, 0] = -1.0
    with pytest.raises(InputError, match=r"grid_import_kwh\[5\]"):
        annual_bill(negative, lv)


def test_partial_year_prorates_fixed_fees(lv):
    index = year_index("h")[: 24 * 73]  # 73 days = 0.2 year
    bill = annual_bill(flows_frame(index, imp=1.0), lv)
    assert bill.components["electricity", "fixed", "data_management"] == pytest.approx(17.85 * 0.2)
    assert any("prorated" in n for n in bill.notes)


def test_default_day_ahead_on_the_embedded_weather_calendar(weather):
    from mgwsim.tariffs import default_day_ahead
    from mgwsim.tariffs._default_prices import _embedded

    prices = default_day_ahead(weather.index)
    source = _embedded()
    assert len(prices) == weather.n_hours and prices.notna().all()
    # the weather year starts at local New Year 2019 00:00 (a Tuesday): the 2026 source day of the
    # same weekday nearest to 1 Jan is Tuesday 6 Jan 2026, taken at the same local clock hours
    assert weather.index[0] == pd.Timestamp("2019-01-01 00:00", tz="Europe/Brussels")
    tuesday = pd.date_range("2026-01-06 00:00", periods=24, freq="h", tz="Europe/Brussels")
    np.testing.assert_array_equal(prices.to_numpy()[:24], source[tuesday].to_numpy())
