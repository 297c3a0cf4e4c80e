"""``[study]``, ``[tariffs]``, ``[finance]`` and ``[subsidies]`` of a study configuration."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mgwsim.config._reader import Table
from mgwsim.errors import InputError
from mgwsim.finance import Finance, Grant, ReducedVat, klimaatfonds_antwerpen
from mgwsim.tariffs import Tariff, align_prices, list_tariffs, read_day_ahead_csv, read_price_csv, read_tariff
from mgwsim.weather import Weather

STUDY_KEYS = ("name", "seed", "install_year", "co2_year")
TARIFF_KEYS = ("lv", "mv", "gas", "day_ahead")
DAY_AHEAD_KEYS = ("file", "format", "time_column", "price_column", "unit", "tz")
DAY_AHEAD_FORMATS = ("entsoe", "iso")
PRICE_UNITS = ("eur_per_kwh", "eur_per_mwh")
FINANCE_KEYS = ("horizon_years", "discount_rate_frac", "escalation_frac", "capex_escalation_frac", "vat_frac",
                "study_cost_incl_vat_eur")
ESCALATION_KEYS = ("electricity", "gas", "injection", "om")
SUBSIDY_KEYS = ("reduced_vat", "reduced_vat_rate_frac", "klimaatfonds_antwerpen", "grants")
GRANT_KEYS = ("name", "base", "share_frac", "cap_eur", "eur_per_unit", "advance_frac", "balance_year",
              "net_of_previous")
GRANT_BASES = ("investment", "study")


def _table(root: Table, name: str, allowed) -> Table:
    return root.table(name, allowed) or Table({}, name, allowed)


def read_study(root: Table) -> dict:
    """``[study]``: name, seed, installation year, CO2-factor year."""
    t = _table(root, "study", STUDY_KEYS)
    co2_year = t.value("co2_year", "int", 2023, low=2000, high=2100)
    if co2_year is not None:
        _check_co2_year(t, co2_year)
    return {"name": t.value("name", "str", None), "seed": t.value("seed", "int", 0, low=0, high=2**63 - 1),
            "install_year": t.value("install_year", "int", 2026, low=2000, high=2100), "co2_year": co2_year}


def _check_co2_year(t: Table, year: int) -> None:
    from mgwsim.assess import load_co2_factors

    try:
        load_co2_factors(year)
    except InputError as error:
        raise InputError(f"{t.key('co2_year')} = {year}: {error}") from None


def read_tariffs(root: Table, base_dir: Path, weather: Weather) -> dict:
    """``[tariffs]``: a shipped tariff's name (``data/tariffs``) or a TOML tariff file of one's own
    (a path ending in ``.toml``, relative to the configuration), and an optional day-ahead price file."""
    t = _table(root, "tariffs", TARIFF_KEYS)
    out = {f"{key}_tariff": _tariff(t, key, default, base_dir) for key, default in
           (("lv", "lv_fluvius_antwerpen_2026"), ("mv", "mv_fluvius_antwerpen_2026"), ("gas", "gas_2026"))}
    day_ahead = t.table("day_ahead", DAY_AHEAD_KEYS)
    if day_ahead is not None:
        out["day_ahead_eur_per_kwh"] = _day_ahead(day_ahead, base_dir, weather)
        out["day_ahead_source"] = f"file {day_ahead.value('file', 'str')}"
    return out


def _tariff(t: Table, key: str, default: str, base_dir: Path) -> str | Tariff:
    """A shipped tariff's name, or the tariff read from a ``.toml`` path."""
    given = t.value(key, "str", default)
    if given.endswith(".toml"):
        path = base_dir / given
        if not path.is_file():
            raise InputError(f"{t.path}.{key}: tariff file {str(path)!r} not found")
        return read_tariff(path)
    shipped = [name for name in list_tariffs() if name.startswith(key)]
    return t.value(key, "str", default, choices=shipped)


def _day_ahead(t: Table, base_dir: Path, weather: Weather) -> np.ndarray:
    path = base_dir / t.value("file", "str")
    fmt = t.value("format", "str", "entsoe", choices=DAY_AHEAD_FORMATS)
    tz = t.value("tz", "str", "Europe/Brussels" if fmt == "entsoe" else None)
    options = {"time_column": t.value("time_column", "str", "time"), "price_column": t.value("price_column", "str", "price"),
               "unit": t.value("unit", "str", "eur_per_kwh", choices=PRICE_UNITS)}
    if fmt == "entsoe" and any(k in t for k in options):
        raise InputError(f"{t.path}: time_column, price_column and unit apply to format 'iso' only")
    if not path.is_file():
        raise FileNotFoundError(f"{t.key('file')}: no such file {str(path)!r}")
    with t.constructing("file"):
        prices = read_day_ahead_csv(path, tz=tz) if fmt == "entsoe" else read_price_csv(path, tz=tz, **options)
        return align_prices(prices, weather.index, owner=t.key("file"))


def read_finance(root: Table, n_apartments: int) -> tuple[Finance, float]:
    """``[finance]``: :class:`Finance` and the cost of the feasibility study (incl. VAT) [EUR]."""
    t = _table(root, "finance", FINANCE_KEYS)
    escalation = t.table("escalation_frac", ESCALATION_KEYS)
    rates = {} if escalation is None else {
        key: escalation.value(key, "float", low=-0.5, high=0.5) for key in ESCALATION_KEYS if key in escalation}
    with t.constructing():
        finance = Finance(
            horizon_years=t.value("horizon_years", "int", 20, low=1, high=100),
            discount_rate_frac=t.value("discount_rate_frac", "float", 0.03, low=-0.99, high=1.0),
            escalation_frac=rates,
            capex_escalation_frac=t.value("capex_escalation_frac", "float", 0.0, low=-0.5, high=0.5),
            vat_frac=t.value("vat_frac", "float", 0.21, low=0.0, high=1.0),
            n_apartments=n_apartments)
    return finance, t.value("study_cost_incl_vat_eur", "float", 6000.0, low=0.0, unit="EUR")


def read_subsidies(root: Table) -> tuple:
    """``[subsidies]``: reduced renovation VAT, the Antwerp Klimaatfonds call and further grants, in that order."""
    t = _table(root, "subsidies", SUBSIDY_KEYS)
    rules = []
    reduced = t.value("reduced_vat", "bool", True)
    rate = t.value("reduced_vat_rate_frac", "float", None, low=0.0, high=0.21)
    if rate is not None and not reduced:
        raise InputError(f"{t.key('reduced_vat_rate_frac')} needs subsidies.reduced_vat = true")
    if reduced:
        rules.append(ReducedVat() if rate is None else ReducedVat(rate_frac=rate))
    if t.value("klimaatfonds_antwerpen", "bool", True):
        rules.extend(klimaatfonds_antwerpen())
    rules.extend(_grant(g) for g in t.tables("grants", GRANT_KEYS))
    return tuple(rules)


def _grant(t: Table) -> Grant:
    with t.constructing():
        return Grant(
            name=t.value("name", "str"),
            base=t.value("base", "str", "investment", choices=GRANT_BASES),
            share_frac=t.value("share_frac", "float", 1.0, low=0.0, high=1.0),
            cap_eur=t.value("cap_eur", "float", None, low=0.0, unit="EUR"),
            eur_per_unit=t.value("eur_per_unit", "float", None, low=0.0, unit="EUR"),
            advance_frac=t.value("advance_frac", "float", 1.0, low=0.0, high=1.0),
            balance_year=t.value("balance_year", "int", 0, low=0, high=5),
            net_of_previous=t.value("net_of_previous", "bool", True))
