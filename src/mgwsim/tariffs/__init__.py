"""Tariffs: low and medium voltage electricity, gas, day-ahead prices, and annual bills.

Tariffs are data (``data/tariffs/*.toml``, every number with its source and year);
:func:`load_tariff` reads and validates them, :func:`annual_bill` turns hourly flows into
a bill per carrier and component.
"""

from mgwsim.tariffs._default_prices import (
    PriceBasis,
    default_day_ahead,
    default_price_basis,
    lay_on_calendar,
    price_basis,
)
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
    "PriceBasis",
    "Tariff",
    "align_prices",
    "annual_bill",
    "banded_amount",
    "default_day_ahead",
    "default_price_basis",
    "fetch_day_ahead_entsoe",
    "lay_on_calendar",
    "list_tariffs",
    "load_tariff",
    "monthly_peaks_kw",
    "price_basis",
    "read_day_ahead_csv",
    "read_price_csv",
    "read_tariff",
    "tariff_dir",
]
