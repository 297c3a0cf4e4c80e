"""Energy sharing inside the building: the common PV's surplus valued in each apartment's bill and the VME's.

The rules (Flanders, as of 2024–2025), and where each one is read:

* *Energiedelen in een gemeenschappelijk gebouw* (sharing within one apartment building): the
  surplus of the common installation, what the common connection injects after its own use, is
  allocated per quarter hour to the participating apartments by a sharing key (static shares or
  dynamic, pro rata to use), each at most its own offtake in that quarter hour; Fluvius computes
  the allocation per quarter hour, once a month, and sends it to the suppliers (Fluvius, "Energiedelen
  binnen eenzelfde gebouw" and "Veelgestelde vragen over energiedelen", fluvius.be, read 2026).
  Legal basis: the Flemish Energiedecreet (decree of 8 May 2009), title VII chapter II "actieve
  afnemers" as amended for energy sharing (in force 2022–2023); the sale of the green power made on
  the building to its occupants by the VME is art. 7.2.3 (quoted by originalimmo.be, 2023). The
  article numbers were not verified against the consolidated decree (codex.vlaanderen.be).
* The receiving apartment buys that much less from its supplier: its **energy component** falls;
  "energiedelen en persoon-aan-persoonverkoop hebben geen impact op je netkosten, heffingen en
  taksen": network tariffs, levies and excise stay as if the kWh came from the supplier (Fluvius,
  "Wat betekent energiedelen voor mijn factuur?", read 2026).
* The sharer (the common connection) gets **no injection compensation** for the kWh shared
  (same page). Shared free of charge ("energiedelen", price 0) or sold (price agreed between the
  VME and the occupants, "energieverkoop"; vlaanderen.be, "Energiedelen in een appartementsgebouw",
  read 2026).
* **Fees**: Fluvius charges one euro a year for sending the quarter-hour values (same Fluvius
  page: :data:`FLUVIUS_SHARING_FEE_EUR_PER_YEAR`; charged per participant as mgwsim reads it — not
  verified whether per participant or per sharing group); a supplier may add conditions or costs
  (same page; no figure found: ``supplier_fee_eur_per_year``, default 0, a user input). Every
  participant needs a communicating digital meter with measuring regime 3 (Fluvius FAQ).

Money, per year [EUR], for apartment *a* with shared energy ``E_a = Σ_t s_{t,a}`` [kWh]
(``s`` from :func:`mgwsim.electric.share_energy`):

* apartment bill change ``ΔB_a = −Σ_t s_{t,a} · p_energy,t · (1 + VAT_apartment) + π · E_a + f``
  (``p_energy`` the apartment contract's supply price excl. VAT [EUR/kWh], ``π`` the sharing price
  paid to the VME [EUR/kWh, 0 when shared free], ``f`` the yearly fees);
* common account change ``ΔB_VME = Σ_t Σ_a s_{t,a} · p_injection,t − π · Σ_a E_a`` (compensation
  forgone less what the apartments pay for it);
* the building's total change ``Σ_a ΔB_a + ΔB_VME = −Σ s · p_energy · (1 + VAT) + Σ s · p_injection
  + Σ f``: the price ``π`` moves money between the apartments and the common account and cancels
  out; beyond the fees, the total changes only by the supply price saved less the injection forgone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mgwsim.electric import share_energy
from mgwsim.errors import InputError, check_choice, check_number, check_series

__all__ = ["FLUVIUS_SHARING_FEE_EUR_PER_YEAR", "SharingResult", "SharingTerms", "injection_price_eur_per_kwh",
           "supply_price_eur_per_kwh", "value_sharing"]

FLUVIUS_SHARING_FEE_EUR_PER_YEAR = 1.0
"""Fluvius's yearly charge for sending the shared quarter-hour values [EUR/year]: "er wordt enkel een
euro extra op jaarbasis aangerekend voor het doorsturen van kwartierwaarden" (Fluvius, "Wat betekent
energiedelen voor mijn factuur?", fluvius.be, read 2026); taken per participating apartment."""


@dataclass(frozen=True)
class SharingTerms:
    """How the VME shares the common PV's surplus with the apartments.

    Parameters
    ----------
    key : {"dynamic", "static"}
        Sharing key per quarter hour (:func:`mgwsim.electric.share_energy`): pro rata to use, or fixed shares.
    shares : sequence of float, optional
        Static key: one share per apartment, summing to 1 (default equal).
    price_eur_per_kwh : float
        What an apartment pays the VME per shared kWh [EUR/kWh], 0–1; 0: shared free of charge.
    fee_eur_per_year : float
        The DSO's yearly fee per participating apartment [EUR/year], 0–1000 (default
        :data:`FLUVIUS_SHARING_FEE_EUR_PER_YEAR`).
    supplier_fee_eur_per_year : float
        A supplier's yearly fee for sharing per apartment [EUR/year], 0–1000 (default 0: no figure found).
    """

    key: str = "dynamic"
    shares: tuple | None = None
    price_eur_per_kwh: float = 0.0
    fee_eur_per_year: float = FLUVIUS_SHARING_FEE_EUR_PER_YEAR
    supplier_fee_eur_per_year: float = 0.0

    def __post_init__(self):
        check_choice(self.key, "key", ("dynamic", "static"), owner="SharingTerms")
        check_number(self.price_eur_per_kwh, "price_eur_per_kwh", owner="SharingTerms", low=0.0, high=1.0,
                     unit="EUR/kWh")
        check_number(self.fee_eur_per_year, "fee_eur_per_year", owner="SharingTerms", low=0.0, high=1000.0,
                     unit="EUR/year")
        check_number(self.supplier_fee_eur_per_year, "supplier_fee_eur_per_year", owner="SharingTerms", low=0.0,
                     high=1000.0, unit="EUR/year")
        if self.shares is not None:
            object.__setattr__(self, "shares", tuple(float(v) for v in self.shares))


def supply_price_eur_per_kwh(tariff, day_ahead=None) -> np.ndarray | float:
    """The supply (energy) component of an electricity tariff excl. VAT [EUR/kWh]: fixed, or
    ``dynamic_multiplier × day-ahead + dynamic_markup`` per step (the supply lines of
    :func:`mgwsim.tariffs.annual_bill`)."""
    if tariff["supply_kind"] == "fixed":
        return float(tariff["energy_eur_per_kwh"])
    if day_ahead is None:
        raise InputError(f"supply_price_eur_per_kwh: tariff {tariff.name!r} is dynamic; give day_ahead")
    return tariff["dynamic_multiplier"] * np.asarray(day_ahead, float) + tariff["dynamic_markup_eur_per_kwh"]


def injection_price_eur_per_kwh(tariff, day_ahead=None) -> np.ndarray | float:
    """The injection compensation of an electricity tariff [EUR/kWh]: fixed, or ``injection_multiplier ×
    day-ahead + injection_markup`` per step (the injection lines of :func:`mgwsim.tariffs.annual_bill`)."""
    if tariff["injection_kind"] == "fixed":
        return float(tariff["injection_fixed_eur_per_kwh"])
    if day_ahead is None:
        raise InputError(f"injection_price_eur_per_kwh: tariff {tariff.name!r} has formula injection; give day_ahead")
    return tariff["injection_multiplier"] * np.asarray(day_ahead, float) + tariff["injection_markup_eur_per_kwh"]


@dataclass(frozen=True, eq=False)
class SharingResult:
    """Result of :func:`value_sharing`.

    Attributes
    ----------
    shared_kwh : numpy.ndarray (steps, apartments)
        Energy shared to each apartment per step [kWh].
    apartments : pandas.DataFrame
        Per apartment [per year]: ``shared_kwh``, ``energy_saved_eur`` (supply component incl. VAT no
        longer bought), ``paid_to_vme_eur``, ``fees_eur``, ``bill_change_eur`` (−saved + paid + fees).
    common : pandas.Series
        The common account [per year]: ``shared_kwh``, ``injection_forgone_eur``, ``received_eur``,
        ``bill_change_eur`` (forgone − received).
    terms : SharingTerms
    """

    shared_kwh: np.ndarray
    apartments: pd.DataFrame
    common: pd.Series
    terms: SharingTerms

    @property
    def building_change_eur(self) -> float:
        """The building's total bill change [EUR/year]: apartments + common account."""
        return float(self.apartments["bill_change_eur"].sum() + self.common["bill_change_eur"])

    @property
    def fees_eur(self) -> float:
        return float(self.apartments["fees_eur"].sum())


def value_sharing(export_kwh, apartment_loads_kwh, *, supply_price, injection_price, vat_frac: float,
                  terms: SharingTerms | None = None, apartment_ids=None) -> SharingResult:
    """Share the common connection's export with the apartments and value it in their bills and the VME's.

    Parameters
    ----------
    export_kwh : array (steps,)
        What the common connection injects per step [kWh] (its PV surplus after its own loads).
    apartment_loads_kwh : array (steps, apartments)
        Each apartment's private offtake per step [kWh].
    supply_price : float or array (steps,)
        The apartments' supply component excl. VAT [EUR/kWh] (:func:`supply_price_eur_per_kwh`).
    injection_price : float or array (steps,)
        The common connection's injection compensation [EUR/kWh] (:func:`injection_price_eur_per_kwh`).
    vat_frac : float
        VAT on the apartments' electricity [-], 0–0.5 (6 % residential since 1 April 2023).
    terms : SharingTerms, optional
    apartment_ids : sequence, optional
        Row labels (default 1..n).

    Returns
    -------
    SharingResult
        See the module docstring for the formulas.
    """
    owner = "value_sharing"
    terms = SharingTerms() if terms is None else terms
    if not isinstance(terms, SharingTerms):
        raise InputError(f"{owner}.terms must be SharingTerms, got {type(terms).__name__}")
    loads = np.asarray(apartment_loads_kwh, dtype=float)
    if loads.ndim != 2:
        raise InputError(f"{owner}.apartment_loads_kwh must be a (steps × apartments) array, got shape {loads.shape}")
    n, m = loads.shape
    export = check_series(export_kwh, "export_kwh", owner=owner, length=n, low=0.0)
    vat = check_number(vat_frac, "vat_frac", owner=owner, low=0.0, high=0.5)
    supply = np.broadcast_to(np.asarray(supply_price, float), (n,))
    injection = np.broadcast_to(np.asarray(injection_price, float), (n,))
    for name, values in (("supply_price", supply), ("injection_price", injection)):
        if not np.isfinite(values).all():
            raise InputError(f"{owner}.{name} must be finite [EUR/kWh]")
    shared = share_energy(export, loads, key=terms.key, shares=terms.shares)
    per_apartment = shared.sum(axis=0)
    saved = (shared * supply[:, None]).sum(axis=0) * (1.0 + vat)
    paid = terms.price_eur_per_kwh * per_apartment
    fees = np.full(m, terms.fee_eur_per_year + terms.supplier_fee_eur_per_year)
    fees = np.where(per_apartment > 0.0, fees, 0.0)  # an apartment that receives nothing does not take part
    index = pd.Index(apartment_ids if apartment_ids is not None else np.arange(1, m + 1), name="apartment")
    apartments = pd.DataFrame({"shared_kwh": per_apartment, "energy_saved_eur": saved, "paid_to_vme_eur": paid,
                               "fees_eur": fees, "bill_change_eur": -saved + paid + fees}, index=index)
    total = float(per_apartment.sum())
    forgone = float(shared.sum(axis=1) @ injection)
    received = float(paid.sum())
    common = pd.Series({"shared_kwh": total, "injection_forgone_eur": forgone, "received_eur": received,
                        "bill_change_eur": forgone - received}, name="common")
    return SharingResult(shared, apartments, common, terms)
