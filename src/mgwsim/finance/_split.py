"""Split of costs and savings over co-owners (per apartment).

Capital costs (investment, replacements, residual, subsidies, O&M) follow the *capital
key* (statutory shares/quotities by default, or floor area). Energy bills follow the
*energy key*: the same as the capital key, or, with metered heat, ``fixed_frac`` by the
capital key and ``1 - fixed_frac`` by each apartment's metered heat (e.g. 30/70).
Amounts are rounded to the cent with the largest-remainder method so that apartments sum
exactly to the building total (itself rounded to the cent).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mgwsim.errors import InputError, check_fraction, check_series
from mgwsim.finance import _metrics as m


def weights(values, field: str) -> np.ndarray:
    """Normalised allocation weights from non-negative values with a positive sum."""
    array = check_series(values, field, owner="co_owner_split", low=0.0)
    if array.sum() <= 0.0:
        raise InputError(f"co_owner_split.{field} must have a positive sum")
    return array / array.sum()


def split_cents(total_eur: float, weight: np.ndarray) -> np.ndarray:
    """Split ``total_eur`` by ``weight`` into cents that sum exactly to the rounded total.

    Largest-remainder (Hamilton) method on the absolute value; the sign is kept.
    """
    total_cents = int(round(abs(total_eur) * 100))
    exact = weight * total_cents
    cents = np.floor(exact).astype(np.int64)
    short = total_cents - int(cents.sum())
    order = np.argsort(-(exact - cents), kind="stable")
    cents[order[:short]] += 1
    return np.sign(total_eur) * cents / 100.0


def energy_key(capital_key: np.ndarray, metered_heat_kwh=None, fixed_frac: float = 0.3) -> np.ndarray:
    """Energy allocation key: capital key, or fixed/variable split with metered heat."""
    if metered_heat_kwh is None:
        return capital_key
    fixed = check_fraction(fixed_frac, "fixed_frac", owner="co_owner_split")
    metered = weights(metered_heat_kwh, "metered_heat_kwh")
    if metered.size != capital_key.size:
        raise InputError(f"co_owner_split.metered_heat_kwh has {metered.size} values, expected {capital_key.size}")
    return fixed * capital_key + (1.0 - fixed) * metered


def co_owner_split(case, *, shares=None, floor_area_m2=None, metered_heat_kwh=None, fixed_frac: float = 0.3,
                   apartment_ids=None) -> pd.DataFrame:
    """Costs and savings per apartment from a :class:`BusinessCase`.

    Parameters
    ----------
    case : BusinessCase
    shares : array-like, optional
        Statutory shares (quotities), any scale (e.g. thousandths).
    floor_area_m2 : array-like, optional
        Floor area per apartment [m²]; used as capital key when ``shares`` is not given.
    metered_heat_kwh : array-like, optional
        Metered heat per apartment [kWh/year]; enables the fixed/variable energy split.
    fixed_frac : float
        Fixed part of the energy costs split by the capital key (default 0.3, i.e. 30/70).
    apartment_ids : sequence, optional
        Row labels.

    Returns
    -------
    pandas.DataFrame
        Per apartment [EUR]: ``net_investment_eur`` (year 0, after subsidies, incl. VAT),
        ``bill_before_eur`` and ``bill_after_eur`` (year-1 energy bills), ``saving_eur``
        (year-1 incremental cash flow), ``npv_eur``, and ``payback_years`` (NaN if never).
        The columns ending in ``_eur`` sum exactly to the building totals (to the cent).
    """
    if shares is None and floor_area_m2 is None:
        raise InputError("co_owner_split needs shares= (quotities) or floor_area_m2=")
    capital = weights(shares if shares is not None else floor_area_m2, "shares" if shares is not None else "floor_area_m2")
    energy = energy_key(capital, metered_heat_kwh, fixed_frac)
    flows = case.cash_flows
    energy_cols = [c for c in flows.columns if "_energy_" in c]
    var_e = flows[[c for c in energy_cols if c.startswith("variant_")]].sum(axis=1).to_numpy()
    ref_e = flows[[c for c in energy_cols if c.startswith("reference_")]].sum(axis=1).to_numpy()
    incremental = flows["incremental_eur"].to_numpy()
    capital_part = incremental - (ref_e - var_e)
    per_apartment = np.outer(capital, capital_part) + np.outer(energy, ref_e - var_e)
    rate = case.finance.discount_rate_frac
    table = {
        "net_investment_eur": split_cents(-capital_part[0], capital),
        "bill_before_eur": split_cents(ref_e[1], energy),
        "bill_after_eur": split_cents(var_e[1], energy),
        "saving_eur": split_cents(incremental[1], _key_for(capital, energy, capital_part[1], ref_e[1] - var_e[1])),
        "npv_eur": split_cents(case.npv_eur, _key_for(capital, energy, m.npv(rate, capital_part), m.npv(rate, ref_e - var_e))),
        "payback_years": m.payback(per_apartment),
    }
    index = pd.Index(apartment_ids if apartment_ids is not None else np.arange(1, capital.size + 1), name="apartment")
    return pd.DataFrame(table, index=index)


def _key_for(capital: np.ndarray, energy: np.ndarray, capital_amount: float, energy_amount: float) -> np.ndarray:
    """Weights of a total made of a capital part and an energy part.

    They sum to 1, so the largest-remainder split of the total is exact; an apartment's
    amount equals its capital share of the capital part plus its energy share of the
    energy part (before rounding).
    """
    total = capital_amount + energy_amount
    if total == 0.0:
        return capital
    return (capital * capital_amount + energy * energy_amount) / total

