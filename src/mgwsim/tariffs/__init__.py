"""Tariffs: low and medium voltage electricity, gas, day-ahead prices, and annual bills.

Tariffs are data (``mgwsim/data/tariffs/*.toml``, every number with its source and year);
:func:`load_tariff` reads and validates them, :func:`annual_bill` turns hourly flows into
a bill per carrier and component.
"""

from mgwsim.tariffs._default_prices import default_day_ahead
from mgwsim.tariffs._bill import TARIFF_TZ, Bill, annual_bill, banded_amount, monthly_peaks_kw
from mgwsim.tariffs._prices import (
    align_prices,
    fetch_day_ahead_entsoe,
    read_day_ahead_csv,
    read_price_csv,
)
from mgwsim.tariffs._tariff import KINDS, Tariff, list_tariffs, load_tariff, read_tariff, tariff_dir

__all__ = [
    "KINDS",
    "TARIFF_TZ",
    "Bill",
    "Tariff",
    "align_prices",
    "annual_bill",
    "banded_amount",
    "default_day_ahead",
    "fetch_day_ahead_entsoe",
    "list_tariffs",
    "load_tariff",
    "monthly_peaks_kw",
    "read_day_ahead_csv",
    "read_price_csv",
    "read_tariff",
    "tariff_dir",
]
