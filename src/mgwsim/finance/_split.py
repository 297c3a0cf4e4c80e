"""Split of a business case over the co-owners (per apartment): one-off apart from recurring.

Capital items (investment, study, grants, maintenance, replacements) follow the *capital key*:
the apartments' statutory shares (*aandelen in de gemene delen*, quotities: under the Belgian
apartment law, Civil Code art. 577-3 ff., the costs of the common parts are borne in proportion
to the shares unless the statutes use a utility criterion) or, when no shares are given, their
floor areas.
Energy bills follow the *energy key*: the capital key, or, with metered heat, ``fixed_frac``
by the capital key and ``1 - fixed_frac`` by each apartment's metered heat (e.g. 30/70).

Every component is split to the cent with the largest-remainder method, so the apartments add
up exactly to the building's (rounded) component; derived columns (net up front, bill change,
recurring change) are sums of rounded components per apartment, so each row adds up and each
column adds up to the building's figure built from the same rounded components.
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


def _split_int_cents(total_eur: float, weight: np.ndarray) -> np.ndarray:
    """Integer cents of ``total_eur`` split by ``weight`` (largest remainder), summing to the rounded total."""
    total_cents = int(round(abs(total_eur) * 100))
    exact = weight * total_cents
    cents = np.floor(exact).astype(np.int64)
    short = total_cents - int(cents.sum())
    order = np.argsort(-(exact - cents), kind="stable")
    cents[order[:short]] += 1
    return int(np.sign(total_eur)) * cents


def split_cents(total_eur: float, weight: np.ndarray) -> np.ndarray:
    """Split ``total_eur`` by ``weight`` into cents that sum exactly to the rounded total.

    Largest-remainder (Hamilton) method on the absolute value; the sign is kept. Each part is
    the exact share rounded down or up to the cent (so within one cent of it).
    """
    return _split_int_cents(total_eur, weight) / 100.0


def energy_key(capital_key: np.ndarray, metered_heat_kwh=None, fixed_frac: float = 0.3) -> np.ndarray:
    """Energy allocation key: capital key, or fixed/variable split with metered heat."""
    if metered_heat_kwh is None:
        return capital_key
    fixed = check_fraction(fixed_frac, "fixed_frac", owner="co_owner_split")
    metered = weights(metered_heat_kwh, "metered_heat_kwh")
    if metered.size != capital_key.size:
        raise InputError(f"co_owner_split.metered_heat_kwh has {metered.size} values, expected {capital_key.size}")
    return fixed * capital_key + (1.0 - fixed) * metered


def building_items(case) -> dict[str, float]:
    """The building's one-off and recurring items of a :class:`BusinessCase` [EUR], before the split.

    One-off (undiscounted): ``investment_incl_vat_eur`` (the variant's year-0 investment incl.
    VAT), ``study_cost_eur``, ``works_grants_eur`` and ``study_grants_eur`` (all payments,
    advance and balance), ``reference_investment_incl_vat_eur`` (what the reference costs up
    front), ``later_one_off_change_eur``: what the variant buys after year 0 once (an existing
    boiler's replacement when it is due, the PV's removal for the roof works; :func:`later_costs`)
    minus what the reference buys so, undiscounted. Recurring [EUR/year], year 1 (prices of year
    1, before escalation): ``bill_before_eur`` (reference energy bill), ``bill_after_eur``
    (variant energy bill), ``maintenance_before_eur``/``maintenance_after_eur`` (O&M incl. VAT),
    and ``replacements_change_eur``: the variant's replacements of worn-out equipment minus the
    reference's, annualised, ``CRF(r, N) x sum_{t>=1} R_t (1+r)^-t`` (R replacements incl. VAT;
    CRF the capital recovery factor, :func:`annuity_factor`): the equal yearly amount over years
    1..N with the same present value. The residual value at N is equipment still standing, not
    money the co-owners receive: it counts in the NPV, not in these cash figures.
    """
    flows = case.cash_flows
    rate, horizon = case.finance.discount_rate_frac, case.finance.horizon_years
    factors = m.discount_factors(rate, horizon)

    def line(option: str, name: str) -> np.ndarray:
        return flows[f"{option}_{name}_eur"].to_numpy()

    def energy(option: str) -> float:
        return float(flows[[c for c in flows.columns if c.startswith(f"{option}_energy_")]].loc[1].sum())

    def replacements_pv(option: str) -> float:
        return float(line(option, "replacement") @ factors)

    def later_purchases(option: str) -> float:
        return float(line(option, "investment")[1:].sum())

    crf = m.annuity_factor(rate, horizon)
    return {
        "investment_incl_vat_eur": float(line("variant", "investment")[0]),
        "study_cost_eur": float(line("variant", "study")[0]),
        "works_grants_eur": float(-line("variant", "works_grants").sum()),
        "study_grants_eur": float(-line("variant", "study_grants").sum()),
        "reference_investment_incl_vat_eur": float(line("reference", "investment")[0] + line("reference", "study")[0]),
        "bill_before_eur": energy("reference"),
        "bill_after_eur": energy("variant"),
        "maintenance_before_eur": float(line("reference", "om")[1]),
        "maintenance_after_eur": float(line("variant", "om")[1]),
        "replacements_change_eur": crf * (replacements_pv("variant") - replacements_pv("reference")),
        "later_one_off_change_eur": later_purchases("variant") - later_purchases("reference"),
    }


def later_costs(case) -> pd.DataFrame:
    """What each option buys once after year 0, by year [EUR incl. VAT, undiscounted]: an existing
    boiler's replacement when it is due, the PV's removal and reinstallation for the roof works.

    Index ``year`` (only years with a purchase on either side); columns ``variant_eur``,
    ``reference_eur`` and ``change_eur`` (variant - reference). Replacements of worn-out
    equipment are not here: :func:`building_items` annualises them.
    """
    flows = case.cash_flows
    frame = pd.DataFrame({"variant_eur": flows["variant_investment_eur"], "reference_eur": flows["reference_investment_eur"]})
    frame = frame.iloc[1:]
    frame = frame[(frame["variant_eur"] != 0.0) | (frame["reference_eur"] != 0.0)]
    frame["change_eur"] = frame["variant_eur"] - frame["reference_eur"]
    return frame.rename_axis("year")


ONE_OFF = ("investment_incl_vat_eur", "study_cost_eur", "works_grants_eur", "study_grants_eur",
           "reference_investment_incl_vat_eur", "later_one_off_change_eur")
ENERGY = ("bill_before_eur", "bill_after_eur")
RECURRING_CAPITAL = ("maintenance_before_eur", "maintenance_after_eur", "replacements_change_eur")


def co_owner_split(case, *, shares=None, floor_area_m2=None, metered_heat_kwh=None, fixed_frac: float = 0.3,
                   apartment_ids=None, sharing=None) -> pd.DataFrame:
    """What a :class:`BusinessCase` means for each apartment: one-off apart from recurring.

    Parameters
    ----------
    case : BusinessCase
    shares : array-like, optional
        Statutory shares (quotities, *aandelen*), any scale (e.g. thousandths); the capital key.
    floor_area_m2 : array-like, optional
        Floor area per apartment [m²]; the capital key when ``shares`` is not given.
    metered_heat_kwh : array-like, optional
        Metered heat per apartment [kWh/year]; enables the fixed/variable energy split.
    fixed_frac : float
        Fixed part of the energy costs split by the capital key (default 0.3, i.e. 30/70).
    apartment_ids : sequence, optional
        Row labels.
    sharing : SharingResult, optional
        Energy sharing of the common PV's surplus with the apartments
        (:func:`mgwsim.finance.value_sharing`, one row per apartment in the same order). Adds
        ``sharing_private_eur`` (the apartment's own bill change: supply no longer bought, the price
        paid to the VME, the fees), ``sharing_common_eur`` (its part, by the energy key, of the
        common account's change: injection compensation forgone less what the apartments pay),
        ``sharing_net_eur`` (their sum) and ``recurring_change_with_sharing_eur`` =
        ``recurring_change_eur`` + ``sharing_net_eur`` [EUR/year]; the other columns are unchanged.

    Returns
    -------
    pandas.DataFrame
        Per apartment [EUR], ``attrs["key"]`` naming the capital key (``shares`` or
        ``floor_area``) and ``attrs["energy_key"]`` the energy key. See :func:`building_items`
        for the building items split here.

        *One-off*: ``investment_incl_vat_eur``, ``study_cost_eur``, ``works_grants_eur``,
        ``study_grants_eur`` (the grants as a whole, advance and balance: the balance arrives
        after completion, year 1, and must be prefinanced), ``net_up_front_eur`` = investment +
        study - grants, ``reference_investment_incl_vat_eur`` (the reference up front),
        ``extra_up_front_eur`` = net up front - reference, and ``later_one_off_change_eur``
        (purchases after year 0, variant - reference, undiscounted: :func:`later_costs` by year).

        *Recurring* [EUR/year, year 1, no grant in it]: ``bill_before_eur``, ``bill_after_eur``,
        ``bill_change_eur`` = after - before; ``maintenance_change_eur`` (O&M after - before);
        ``replacements_change_eur`` (replacements of worn-out equipment, annualised; no residual
        value: it is not money received); ``recurring_change_eur`` = bill + maintenance +
        replacements change (positive: the variant costs that much more each year).

        ``npv_eur`` (the apartment's share of the NPV) and ``payback_years`` (on the
        apartment's flows without the residual value; NaN if not paid back).

        Transitional aliases for the report: ``net_investment_eur`` = ``extra_up_front_eur``
        and ``saving_eur`` = ``-recurring_change_eur`` (a yearly saving without any grant).
    """
    if shares is None and floor_area_m2 is None:
        raise InputError("co_owner_split needs shares= (quotities) or floor_area_m2=")
    key = "shares" if shares is not None else "floor_area"
    capital = weights(shares, "shares") if shares is not None else weights(floor_area_m2, "floor_area_m2")
    energy = energy_key(capital, metered_heat_kwh, fixed_frac)
    items = building_items(case)
    cents = {name: _split_int_cents(items[name], capital) for name in ONE_OFF + RECURRING_CAPITAL}
    cents |= {name: _split_int_cents(items[name], energy) for name in ENERGY}
    cents["net_up_front_eur"] = (cents["investment_incl_vat_eur"] + cents["study_cost_eur"]
                                 - cents["works_grants_eur"] - cents["study_grants_eur"])
    cents["extra_up_front_eur"] = cents["net_up_front_eur"] - cents["reference_investment_incl_vat_eur"]
    cents["bill_change_eur"] = cents["bill_after_eur"] - cents["bill_before_eur"]
    cents["maintenance_change_eur"] = cents.pop("maintenance_after_eur") - cents.pop("maintenance_before_eur")
    cents["recurring_change_eur"] = (cents["bill_change_eur"] + cents["maintenance_change_eur"]
                                     + cents["replacements_change_eur"])
    order = ("investment_incl_vat_eur", "study_cost_eur", "works_grants_eur", "study_grants_eur", "net_up_front_eur",
             "reference_investment_incl_vat_eur", "extra_up_front_eur", "later_one_off_change_eur",
             "bill_before_eur", "bill_after_eur",
             "bill_change_eur", "maintenance_change_eur", "replacements_change_eur", "recurring_change_eur")
    table = {name: cents[name] / 100.0 for name in order}
    saving, capital_part, residual = _energy_and_capital(case)
    rate = case.finance.discount_rate_frac
    table["npv_eur"] = split_cents(case.npv_eur, _key_for(capital, energy, m.npv(rate, capital_part),
                                                          m.npv(rate, saving)))
    table["payback_years"] = m.payback(np.outer(capital, capital_part - residual) + np.outer(energy, saving))
    table["net_investment_eur"] = table["extra_up_front_eur"]
    table["saving_eur"] = -table["recurring_change_eur"]
    index = pd.Index(apartment_ids if apartment_ids is not None else np.arange(1, capital.size + 1), name="apartment")
    frame = pd.DataFrame(table, index=index)
    if sharing is not None:
        frame = _with_sharing(frame, sharing, energy)
    frame.attrs["key"] = key
    frame.attrs["energy_key"] = (key if metered_heat_kwh is None
                                 else f"{fixed_frac:g} {key} + {1 - fixed_frac:g} metered heat")
    return frame


def _energy_and_capital(case) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The incremental flow's energy part (bill saving) and capital part, and the residual part."""
    flows = case.cash_flows
    energy_cols = [c for c in flows.columns if "_energy_" in c]
    var_e = flows[[c for c in energy_cols if c.startswith("variant_")]].sum(axis=1).to_numpy()
    ref_e = flows[[c for c in energy_cols if c.startswith("reference_")]].sum(axis=1).to_numpy()
    residual = (flows["reference_residual_eur"] - flows["variant_residual_eur"]).to_numpy()
    saving = ref_e - var_e
    return saving, case.incremental - saving, residual


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


def _with_sharing(frame: pd.DataFrame, sharing, energy: np.ndarray) -> pd.DataFrame:
    """``frame`` with the sharing columns (see :func:`co_owner_split`), to the cent."""
    private = sharing.apartments["bill_change_eur"].to_numpy(dtype=float)
    if private.size != len(frame):
        raise InputError(f"co_owner_split.sharing has {private.size} apartments, the split {len(frame)}")
    private_cents = np.round(private * 100.0).astype(np.int64)
    common_cents = _split_int_cents(float(sharing.common["bill_change_eur"]), energy)
    frame = frame.copy()
    frame["sharing_private_eur"] = private_cents / 100.0
    frame["sharing_common_eur"] = common_cents / 100.0
    frame["sharing_net_eur"] = (private_cents + common_cents) / 100.0
    frame["recurring_change_with_sharing_eur"] = (np.round(frame["recurring_change_eur"].to_numpy() * 100.0)
                                                  .astype(np.int64) + private_cents + common_cents) / 100.0
    return frame
