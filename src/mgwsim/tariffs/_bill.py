"""Annual energy bills from hourly (or 15-minute) flows.

Flows contract (from the simulation): a DataFrame on a tz-aware, regular index with step
1 h or 15 min, columns ``grid_import_kwh`` and ``grid_export_kwh`` (electricity at the
building's connection), ``gas_kwh`` (fuel energy of the reference boiler, **GCV**, as
Belgian gas is billed) and ``district_heat_kwh`` (heat metered at a heat-network substation).
Power [kW] = energy per step / step length [h].

Bill components (carrier, category, component) in EUR; categories are ``energy``,
``distribution``, ``capacity``, ``fixed``, ``levies`` (certificates, contributions,
excise), ``vat`` and, for the ``injection`` carrier, ``injection`` (negative = revenue).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from mgwsim.errors import DataError, InputError, check_number, check_series
from mgwsim.simyear import LOCAL_TIMEZONE, billing_months
from mgwsim.tariffs._prices import align_prices
from mgwsim.tariffs._tariff import Tariff
from mgwsim.timestep import index_key

TARIFF_TZ = LOCAL_TIMEZONE
"""Months for peaks and capacity tariffs are calendar months in Belgian local time."""

_STEPS_H = {3600: 1.0, 900: 0.25}
_MONTH_CACHE: dict = {}


@dataclass(frozen=True)
class Bill:
    """An energy bill: EUR per (carrier, category, component), incl. VAT where due.

    Attributes
    ----------
    rows : tuple of (carrier, category, component, eur)
        The bill lines [EUR]; revenues are negative.
    peaks_kw : numpy.ndarray or None
        Monthly maximum 15-minute offtake [kW] (estimated from hourly data; see ``notes``),
        one per calendar month in ``months``; see :attr:`monthly_peaks_kw`.
    months : pandas.Index or None
        Month labels ``YYYY-MM`` (Belgian local time).
    notes : tuple of str
        Assumptions made (peak estimate, access power, partial year).
    """

    rows: tuple
    peaks_kw: np.ndarray | None = None
    months: pd.Index | None = None
    notes: tuple = field(default=())

    @cached_property
    def monthly_peaks_kw(self) -> pd.Series | None:
        """Monthly 15-minute peaks [kW] as a Series indexed by month (None without electricity)."""
        return None if self.peaks_kw is None else pd.Series(self.peaks_kw, index=self.months, name="peak_kw")

    @property
    def components(self) -> pd.Series:
        """Bill lines as a Series with a (carrier, category, component) MultiIndex [EUR]."""
        index = pd.MultiIndex.from_tuples([r[:3] for r in self.rows], names=["carrier", "category", "component"])
        return pd.Series([r[3] for r in self.rows], index=index, name="eur", dtype=np.float64)

    @property
    def total_eur(self) -> float:
        """Total of all lines [EUR/period]."""
        return float(sum(r[3] for r in self.rows))

    def carrier_totals(self) -> dict[str, float]:
        """Total per carrier [EUR] as a plain dict (fast path for business cases)."""
        totals: dict[str, float] = {}
        for carrier, _, _, eur in self.rows:
            totals[carrier] = totals.get(carrier, 0.0) + eur
        return totals

    def by_carrier(self) -> pd.Series:
        """Total per carrier [EUR]."""
        return pd.Series(self.carrier_totals(), name="eur", dtype=np.float64)

    def by_category(self) -> pd.DataFrame:
        """Carrier x category table [EUR] (missing combinations are 0)."""
        return self.components.groupby(level=["carrier", "category"]).sum().unstack(fill_value=0.0)


def annual_bill(flows: pd.DataFrame, tariff, *, day_ahead=None, peak_factor: float = 1.0,
                access_power_kva: float | None = None) -> Bill:
    """The energy bill of one building over the period of ``flows`` (normally a year).

    Parameters
    ----------
    flows : pandas.DataFrame
        See the module docstring. Only the columns the tariffs need must be present.
    tariff : Tariff or sequence of Tariff
        At most one electricity tariff (low or medium voltage), one gas tariff and one heat
        (heat-network) tariff.
    day_ahead : pandas.Series or numpy.ndarray, optional
        Day-ahead prices [EUR/kWh] for dynamic supply / formula injection: a tz-aware
        Series (aligned by instant, see :func:`align_prices`) or an array already aligned
        with ``flows`` (same length).
    peak_factor : float
        Hourly data only: monthly 15-minute peak = max hourly mean power x ``peak_factor``.
        The default 1.0 is a **lower bound** (a quarter-hour peak is never below its hourly
        mean); typical measured ratios for collective loads are 1.0-1.3 (assumption).
    access_power_kva : float, optional
        Medium voltage: contracted access power. Fluvius expresses the access power
        (toegangsvermogen) in kW, as the customer's own estimate of its monthly peak (Fluvius,
        "Veelgestelde vragen over het capaciteitstarief en een grootverbruiksmeting", 2023), so
        no power factor applies: the value is billed as given, in kW despite the parameter's
        historical name. If omitted, the annual maximum 15-minute peak [kW] is used and a note
        says so. Either is billed at least
        at the tariff's ``connection_min_kva`` (a medium-voltage connection is made for at
        least that capacity; 100 kVA in the shipped Fluvius file, after the Infrax 2015
        connection sheet), with a note when the minimum applies.

    Returns
    -------
    Bill

    Notes
    -----
    Low-voltage capacity tariff (VREG tariff methodology 2021-2024, capaciteitstarief since
    1 Jan 2023): billed on the mean of the last 12 monthly 15-minute offtake peaks, each at
    least ``capacity_min_kw`` (2.5 kW); injection peaks do not count. Here:
    ``capacity_eur = rate [EUR/kW/year] / 12 x sum over months of max(peak_m, 2.5 kW)``,
    exact for a year that repeats (the rolling 12-month window equals the calendar year).
    Fixed annual fees and excise band edges scale with the covered fraction of a year
    (1 for 365 or 366 days, else days / 365).

    The calendar (:mod:`mgwsim.simyear`): a year of flows is one local (Belgian) calendar
    year and has exactly 12 billing months. Flows covering a full year (365 or 366 days)
    that is not a local calendar year, such as a UTC-stamped year whose last hour is local
    1 January of the next year, are refused (:class:`~mgwsim.errors.DataError` naming the
    months they span) rather than billed a 13th month or re-labelled; simulate on
    :meth:`mgwsim.weather.Weather.calendar_year`. Shorter periods are billed over the
    months they touch, with the prorating above.
    """
    tariffs = _split_tariffs(tariff)
    prep = _prepare(flows, tariffs)
    peak_factor = check_number(peak_factor, "peak_factor", owner="annual_bill", low=1.0, high=2.0)
    rows: list = []
    notes: list = []
    peaks = None
    if prep["year_fraction"] != 1.0:
        notes.append(f"flows cover {prep['year_fraction']:.4f} year: fixed fees and excise bands prorated")
    if "electricity" in tariffs:
        elec = tariffs["electricity"]
        price = _day_ahead(day_ahead, elec, flows.index)
        peaks = _monthly_peaks(prep, peak_factor, notes)
        rows += _electricity_rows(elec, prep, peaks, price, access_power_kva, notes)
    if "gas" in tariffs:
        rows += _gas_rows(tariffs["gas"], prep)
    if "district_heat" in tariffs:
        rows += _heat_rows(tariffs["district_heat"], prep)
    months = None if peaks is None else prep["month_labels"]
    return Bill(rows=tuple(rows), peaks_kw=peaks, months=months, notes=tuple(notes))


def monthly_peaks_kw(flows: pd.DataFrame, *, peak_factor: float = 1.0) -> pd.Series:
    """Monthly maximum 15-minute offtake power [kW] (hourly data: see :func:`annual_bill`)."""
    prep = _prepare(flows, {})
    prep["import"] = check_series(flows["grid_import_kwh"], "grid_import_kwh", owner="flows", low=0.0)
    peak_factor = check_number(peak_factor, "peak_factor", owner="monthly_peaks_kw", low=1.0, high=2.0)
    return pd.Series(_monthly_peaks(prep, peak_factor, []), index=prep["month_labels"], name="peak_kw")


def banded_amount(energy_kwh: float, bands, scale: float = 1.0) -> float:
    """Progressive banded charge: each kWh pays the rate of the band it falls in [EUR].

    ``bands`` is a sequence of (upper edge [kWh], rate [EUR/kWh]); edges are multiplied by
    ``scale`` (the covered fraction of a year).
    """
    total, lower = 0.0, 0.0
    for upto, rate in bands:
        upper = upto * scale
        if energy_kwh > lower:
            total += rate * (min(energy_kwh, upper) - lower)
        lower = upper
    return total


def _split_tariffs(tariff) -> dict[str, Tariff]:
    items = [tariff] if isinstance(tariff, Tariff) else list(tariff) if isinstance(tariff, Sequence) else None
    if not items or not all(isinstance(t, Tariff) for t in items):
        raise InputError(f"annual_bill.tariff must be a Tariff or a sequence of Tariffs, got {tariff!r}")
    out: dict[str, Tariff] = {}
    for t in items:
        if t.carrier in out:
            raise InputError(f"annual_bill.tariff: two {t.carrier} tariffs ({out[t.carrier].name}, {t.name})")
        out[t.carrier] = t
    return out


def _prepare(flows: pd.DataFrame, tariffs: dict) -> dict:
    """Validate flows, return arrays, step length, year fraction and month boundaries."""
    if not isinstance(flows, pd.DataFrame) or not isinstance(flows.index, pd.DatetimeIndex):
        raise InputError("annual_bill.flows must be a pandas DataFrame with a DatetimeIndex")
    index = flows.index
    if index.tz is None or len(index) < 2:
        raise DataError("annual_bill.flows: the index must be tz-aware with at least two steps")
    prep = dict(_month_info(index))
    needed = {"electricity": ("grid_import_kwh", "grid_export_kwh"), "gas": ("gas_kwh",),
              "district_heat": ("district_heat_kwh",)}
    for carrier in tariffs:
        for column in needed[carrier]:
            if column not in flows.columns:
                raise DataError(f"annual_bill.flows: missing column {column!r} needed by the {carrier} tariff")
            prep[column] = check_series(flows[column].to_numpy(), column, owner="flows", low=0.0)
    prep["import"] = prep.get("grid_import_kwh")
    return prep


def _month_info(index: pd.DatetimeIndex) -> dict:
    """Step length, year fraction and monthly segment starts, cached per index."""
    key = index_key(index)
    if key not in _MONTH_CACHE:
        step = np.diff(index.asi8)
        seconds = pd.Timedelta(int(step[0]), unit=index.unit).total_seconds()
        if (step != step[0]).any() or seconds not in _STEPS_H:
            raise DataError(f"annual_bill.flows: index must be regular with a step of 1 h or 15 min, got {index.freq or 'irregular'}")
        starts, labels = billing_months(index, owner="annual_bill.flows", tz=TARIFF_TZ)  # a year: 12 months
        days = len(index) * _STEPS_H[seconds] / 24.0
        fraction = 1.0 if days in (365.0, 366.0) else days / 365.0
        if len(_MONTH_CACHE) > 64:
            _MONTH_CACHE.clear()
        _MONTH_CACHE[key] = {"step_h": _STEPS_H[seconds], "starts": starts, "month_labels": labels, "year_fraction": fraction}
    return _MONTH_CACHE[key]


def _monthly_peaks(prep: dict, peak_factor: float, notes: list) -> np.ndarray:
    """Monthly maximum offtake power [kW] = max over the month of import [kWh per step] / step [h].

    15-minute flows: the monthly highest 15-minute mean offtake, the quantity the Flemish
    capacity tariff bills (VREG, since 1 January 2023). Hourly flows: the 15-minute peak is
    *estimated* as the highest hourly mean power × ``peak_factor``. An hourly mean is the
    mean of its four quarters, so it never exceeds the highest of them: with the default
    ``peak_factor`` = 1.0 the estimate is a lower bound of the billed peak (by how much
    depends on the load: a heat pump or EV charger switching within the hour raises it most).
    No published hourly-to-15-minute factor is cited in mgwsim, so none is built in; give
    15-minute flows (a 15-minute simulation) to bill the peak on its own basis.
    """
    power_kw = prep["import"] / prep["step_h"]
    peaks = np.maximum.reduceat(power_kw, prep["starts"])
    if prep["step_h"] == 1.0:
        notes.append(f"monthly 15-min peaks estimated from hourly means x {peak_factor:g} (1.0 = lower bound)")
        peaks = peaks * peak_factor
    return peaks


def _day_ahead(day_ahead, tariff: Tariff, index: pd.DatetimeIndex):
    needs = tariff["supply_kind"] == "dynamic" or tariff["injection_kind"] == "formula"
    if not needs:
        return None
    if day_ahead is None:
        raise InputError(f"annual_bill: tariff {tariff.name} uses day-ahead prices (dynamic supply or formula injection); pass day_ahead=")
    if isinstance(day_ahead, pd.Series):
        return align_prices(day_ahead, index)
    try:
        return check_series(day_ahead, "day_ahead", owner="annual_bill", length=len(index))
    except InputError as exc:
        raise DataError(str(exc)) from None


def _supply_rows(t: Tariff, imp: np.ndarray, total_kwh: float, price, fraction: float) -> list:
    if t["supply_kind"] == "dynamic":
        energy = t["dynamic_multiplier"] * float(imp @ price) + t["dynamic_markup_eur_per_kwh"] * total_kwh
    else:
        energy = t["energy_eur_per_kwh"] * total_kwh
    return [("energy", "supply", energy), ("fixed", "supplier_fixed", t["supplier_fixed_eur_per_year"] * fraction)]


def _levy_rows(t: Tariff, total_kwh: float, fraction: float) -> list:
    rows = [("levies", "energy_contribution", t["energy_contribution_eur_per_kwh"] * total_kwh)]
    if t.carrier == "electricity":
        rows.append(("levies", "green_certificates", t["green_certificates_eur_per_kwh"] * total_kwh))
        rows.append(("levies", "chp_certificates", t["chp_certificates_eur_per_kwh"] * total_kwh))
    rows.append(("levies", "excise", banded_amount(total_kwh, t.excise_bands, fraction)))
    return rows


def _capacity_rows(t: Tariff, peaks: np.ndarray, fraction: float, access_power_kva, notes: list) -> list:
    if t.kind == "low_voltage":
        billed = np.maximum(peaks, t["capacity_min_kw"])
        return [("capacity", "capacity_tariff", t["capacity_eur_per_kw_year"] / 12.0 * float(billed.sum()))]
    if access_power_kva is None:
        access_power_kva = float(peaks.max())
        notes.append(f"access power not given: annual peak {access_power_kva:.2f} kW used (Fluvius bills it in kW)")
    access = check_number(access_power_kva, "access_power_kva", owner="annual_bill", low=0.0, unit="kVA")
    minimum = t.params.get("connection_min_kva")
    if minimum is not None and access < minimum:
        # a medium-voltage connection is made for at least connection_min_kva (the tariff file's
        # source: Infrax 2015 connection sheet, minimum 100 kVA): the access power contracted, and
        # billed, cannot be below the connection it rides on
        notes.append(f"access power {access:.2f} kVA below the tariff's minimum connection: billed at {minimum:g} kVA")
        access = float(minimum)
    return [
        ("capacity", "access_power", t["access_power_eur_per_kva_year"] * access * fraction),
        ("capacity", "monthly_peak", t["peak_eur_per_kw_year"] / 12.0 * float(peaks.sum())),
    ]


def _injection_rows(t: Tariff, export: np.ndarray, price) -> list:
    total = float(export.sum())
    if t["injection_kind"] == "formula":
        revenue = t["injection_multiplier"] * float(export @ price) + t["injection_markup_eur_per_kwh"] * total
    else:
        revenue = t["injection_fixed_eur_per_kwh"] * total
    return [("injection", "injection", "compensation", -revenue),
            ("injection", "distribution", "injection_fee", t["injection_fee_eur_per_kwh"] * total)]


def _electricity_rows(t: Tariff, prep: dict, peaks, price, access_power_kva, notes: list) -> list:
    imp, fraction = prep["grid_import_kwh"], prep["year_fraction"]
    total = float(imp.sum())
    lines = _supply_rows(t, imp, total, price, fraction)
    lines.append(("distribution", "distribution", t["distribution_eur_per_kwh"] * total))
    lines += _capacity_rows(t, peaks, fraction, access_power_kva, notes)
    lines.append(("fixed", "data_management", t["data_management_eur_per_year"] * fraction))
    lines += _levy_rows(t, total, fraction)
    lines.append(("vat", "vat", t["vat_frac"] * sum(x[2] for x in lines)))
    rows = [("electricity", *line) for line in lines]
    return rows + _injection_rows(t, prep["grid_export_kwh"], price)


def _gas_rows(t: Tariff, prep: dict) -> list:
    gas, fraction = prep["gas_kwh"], prep["year_fraction"]
    total = float(gas.sum())
    lines = _supply_rows(t, gas, total, None, fraction)
    lines.append(("distribution", "distribution", t["distribution_eur_per_kwh"] * total))
    lines.append(("distribution", "transport", t["transport_eur_per_kwh"] * total))
    lines.append(("fixed", "distribution_fixed", t["distribution_fixed_eur_per_year"] * fraction))
    lines.append(("fixed", "data_management", t["data_management_eur_per_year"] * fraction))
    lines += _levy_rows(t, total, fraction)
    lines.append(("vat", "vat", t["vat_frac"] * sum(x[2] for x in lines)))
    return [("gas", *line) for line in lines]


def _heat_rows(t: Tariff, prep: dict) -> list:
    """A heat network's bill: metered heat x price, the fixed terms (vastrecht, meter), VAT."""
    heat, fraction = prep["district_heat_kwh"], prep["year_fraction"]
    total = float(heat.sum())
    lines = [("energy", "supply", t["energy_eur_per_kwh"] * total),
             ("fixed", "network_fixed", t["fixed_eur_per_year"] * fraction),
             ("fixed", "metering", t["metering_eur_per_year"] * fraction),
             ("levies", "excise", banded_amount(total, t.excise_bands, fraction))]
    lines.append(("vat", "vat", t["vat_frac"] * sum(x[2] for x in lines)))
    return [("district_heat", *line) for line in lines]
