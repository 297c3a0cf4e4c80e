"""The business case: a variant against the reference (what the VME would do anyway).

All money in EUR of year 0 ("real" terms when the discount rate and escalations are real).
Yearly flows t = 0..N: investments incl. VAT at t = 0, replacements, O&M incl. VAT, energy
bills per carrier (escalated per carrier), residual value at N, subsidies when paid.
The incremental cash flow is ``reference costs - variant costs`` (savings positive).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from mgwsim.errors import InputError, check_choice, check_integer, check_number, check_series
from mgwsim.finance import _metrics as m
from mgwsim.finance._costs import VAT_CLASSES, Investment, investment_schedule
from mgwsim.finance._metrics import Reason
from mgwsim.finance._subsidies import (
    FACT_FIELDS,
    STANDARD_VAT_FRAC,
    SubsidyContext,
    SubsidyResult,
    apply_subsidies,
)


MIN_CO2_AVOIDED_T = 1e-3
"""Least CO2 avoided over the horizon [t] for a gap per tonne: below a kilogram the difference is the
rounding of two equal years (a variant that burns what the reference burns), not a reduction."""


@dataclass(frozen=True)
class Option:
    """One side of the comparison (a variant, or the reference).

    Parameters
    ----------
    name : str
    investments : sequence of Investment
        Items bought (excl. VAT), each in its ``first_year`` (0 = now).
    energy_eur_per_year : Mapping[str, float or array]
        Annual bill per carrier incl. VAT [EUR/year] (``Bill.carrier_totals()``), e.g.
        ``{"electricity": ..., "injection": -..., "gas": ...}``: one value for every year, or
        one per year 1..N (prices of year 1: each year is still escalated as its carrier), for
        a building whose demand changes along a renovation path.
    heat_delivered_mwh_per_year : float or array, optional
        Useful heat delivered (space heating + DHW) [MWh/year], for the LCOH; one value or one
        per year 1..N.
    co2_t_per_year : float or array, optional
        Emissions [t CO2/year] from the assessment (one value or one per year 1..N), for the CO2
        avoided and the abatement cost.
    study_cost_incl_vat_eur : float
        Study cost at year 0 [EUR] (variant only, normally).
    """

    name: str
    investments: Sequence[Investment] = ()
    energy_eur_per_year: Mapping[str, float] = field(default_factory=dict)
    heat_delivered_mwh_per_year: float | None = None
    co2_t_per_year: float | None = None
    study_cost_incl_vat_eur: float = 0.0

    @classmethod
    def from_bill(cls, name: str, investments, bill, **kwargs) -> Option:
        """An option whose energy costs are a :class:`mgwsim.tariffs.Bill`'s carrier totals."""
        return cls(name, tuple(investments), bill.carrier_totals(), **kwargs)


PRICED_AS = {"ev_reimbursement": "electricity", "unmet_heat": "electricity", "district_heat": "gas"}
"""Energy-cost lines escalated as another carrier unless :attr:`Finance.escalation_frac` names them: what EV
users pay back and the occupants' electric heating of unmet heat are electricity bought at its price; a heat
network's heat follows the gas price, as the *niet-meer-dan-anders* principle prices it (warmte@zuid,
"Tarief en betaling", www.warmteatzuid.be, consulted 2026: the heat price follows the gas price; see
:mod:`mgwsim.heat_network`)."""

ESCALATION_KEYS = ("electricity", "gas", "injection", "om", "district_heat")
"""What :attr:`Finance.escalation_frac` may escalate: the carriers of the bills, and O&M."""


@dataclass(frozen=True)
class Finance:
    """Financial assumptions.

    Parameters
    ----------
    horizon_years : int
        Study horizon N [years] (default 20).
    discount_rate_frac : float
        Discount rate [1/year], > -1 (default 0.03, real).
    escalation_frac : Mapping[str, float]
        Yearly price change per carrier (``electricity``, ``gas``, ``injection``,
        ``district_heat``) and for ``om`` (:data:`ESCALATION_KEYS`; another key raises); year t
        (1..N) pays ``annual x (1 + e)^(t-1)``. A missing carrier follows the one it is priced
        as (:data:`PRICED_AS`: a heat network's heat follows gas), else 0.
    capex_escalation_frac : float
        Yearly change of replacement prices.
    vat_frac : float
        VAT on investments and O&M before subsidy rules (a VME is normally not VAT-liable:
        VAT is a cost). Default 21 %; :class:`ReducedVat` may lower it to 6 %.
    n_apartments : int
        For the annual cost per apartment.
    """

    horizon_years: int = 20
    discount_rate_frac: float = 0.03
    escalation_frac: Mapping[str, float] = field(default_factory=dict)
    capex_escalation_frac: float = 0.0
    vat_frac: float = STANDARD_VAT_FRAC
    n_apartments: int = 1

    def __post_init__(self):
        m.check_rate(self.discount_rate_frac, owner="Finance")
        check_integer(self.horizon_years, "horizon_years", owner="Finance", low=1, high=100)
        check_number(self.vat_frac, "vat_frac", owner="Finance", low=0.0, high=1.0)
        check_integer(self.n_apartments, "n_apartments", owner="Finance", low=1)
        for key, value in self.escalation_frac.items():
            check_choice(key, "escalation_frac key", ESCALATION_KEYS, owner="Finance")
            check_number(value, f"escalation_frac[{key!r}]", owner="Finance", low=-0.5, high=0.5)

    def growth(self, carrier: str) -> np.ndarray:
        """``(1+e)^(t-1)`` for t = 1..N, with 0 at t = 0.

        A carrier without its own rate follows the one it is priced as (:data:`PRICED_AS`).
        """
        key = carrier if carrier in self.escalation_frac else PRICED_AS.get(carrier, carrier)
        e = self.escalation_frac.get(key, 0.0)
        out = np.zeros(self.horizon_years + 1)
        out[1:] = (1.0 + e) ** np.arange(self.horizon_years)
        return out


def option_flows(option: Option, finance: Finance, vat_frac: float | Mapping[str, float]) -> dict[str, np.ndarray]:
    """Yearly costs of one option [EUR], t = 0..N, by line (costs positive, residual negative).

    ``vat_frac`` is one rate for every item, or the rate per VAT class
    (:data:`~mgwsim.finance.VAT_CLASSES`, e.g. :attr:`SubsidyResult.vat_rates`): each item's
    investment, replacements, maintenance and residual value carry the VAT of its own class.
    Lines: ``investment`` (year 0, incl. VAT), ``study`` (the study cost, year 0, incl. VAT),
    ``replacement``, ``om``, ``residual`` and ``energy_<carrier>`` per carrier.
    """
    rates = _vat_rates(vat_frac)
    horizon = finance.horizon_years
    flows = {key: np.zeros(horizon + 1) for key in ("investment", "study", "replacement", "om", "residual")}
    om_growth = finance.growth("om")
    for vat_class, items in _by_vat_class(option.investments).items():
        sched = investment_schedule(items, horizon, capex_escalation_frac=finance.capex_escalation_frac)
        vat = 1.0 + rates[vat_class]
        flows["investment"] += sched["capex"] * vat
        flows["replacement"] += sched["replacement"] * vat
        flows["om"] += sched["om"] * vat * om_growth
        flows["residual"] -= sched["residual"] * vat
    flows["study"][0] = option.study_cost_incl_vat_eur
    for carrier, eur in option.energy_eur_per_year.items():
        flows[f"energy_{carrier}"] = (yearly(eur, horizon, f"energy_eur_per_year[{carrier!r}]", option.name)
                                      * finance.growth(carrier))
    return flows


def yearly(value, horizon: int, field_name: str, owner: str) -> np.ndarray:
    """``value`` for years 0..N with 0 in year 0: one number for every year 1..N, or N numbers."""
    out = np.zeros(horizon + 1)
    if np.ndim(value) == 0:
        out[1:] = check_number(value, field_name, owner=owner)
    else:
        out[1:] = check_series(value, field_name, owner=owner, length=horizon)
    return out


def _vat_rates(vat_frac) -> dict[str, float]:
    if isinstance(vat_frac, Mapping):
        missing = [c for c in VAT_CLASSES if c not in vat_frac]
        if missing:
            raise InputError(f"option_flows.vat_frac has no rate for VAT class(es) {missing}; "
                             f"give {', '.join(VAT_CLASSES)}")
        return {c: check_number(vat_frac[c], f"vat_frac[{c!r}]", owner="option_flows", low=0.0, high=1.0)
                for c in VAT_CLASSES}
    rate = check_number(vat_frac, "vat_frac", owner="option_flows", low=0.0, high=1.0)
    return dict.fromkeys(VAT_CLASSES, rate)


def _by_vat_class(items) -> dict[str, list]:
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(item.vat_class, []).append(item)
    return groups


def investment_by_vat_class(items) -> dict[str, float]:
    """Year-0 investment excl. VAT per VAT class [EUR], every class present.

    Only what is bought at year 0 (the schedule's year-0 purchases): an item bought later
    (when something existing is due) is not part of the project's investment.
    """
    split = dict.fromkeys(VAT_CLASSES, 0.0)
    for item in items:
        if item.first_year == 0:
            split[item.vat_class] += float(item.capex_eur)
    return split


PAYBACK_REASONS = {
    "not_paid_back": Reason("not_paid_back",
                            "not paid back: the cumulative saving is still negative at the end of the horizon",
                            "niet terugverdiend: de gecumuleerde besparing is aan het einde van de horizon nog "
                            "negatief"),
    "only_residual": Reason("only_residual",
                            "paid back only through the residual value of the equipment in the last year, not by "
                            "savings",
                            "enkel terugverdiend via de restwaarde van de installatie in het laatste jaar, niet door "
                            "besparingen"),
}
"""Why a business case has no (discounted) payback."""


@dataclass(frozen=True)
class BusinessCase:
    """Result of :func:`business_case`: the variant against the reference.

    Absent quantities are ``None`` and the ``*_note`` fields say why (a :class:`Reason` with
    ``code``, ``en`` and ``nl``): the IRR (:func:`~mgwsim.finance.irr`), the paybacks (not paid
    back within the horizon, or only through the residual value), the LCOH without heat, the
    abatement cost and the gap per tonne without CO2 avoided, the share of the gap covered
    when there is no gap.

    The two gaps (*onrendabele top*):

    * ``gap_before_grants_eur = max(0, -npv_before_grants_eur)``: the unprofitable gap as a call
      jury weighs it, the NPV of the variant's extra cost against the reference with no grant
      and without the study money (its cost and its grant);
    * ``subsidy_gap_eur = max(0, -npv_eur)``: the gap left *after* the grants (and the study).

    They are tied by ``npv_eur = npv_before_grants_eur + works_grants_pv_eur + study_grants_pv_eur
    - study_cost_pv_eur`` (grants discounted as paid; the study cost at year 0).

    ``co2_t_by_year`` holds each option's emissions in years 0..N [t] (``variant``,
    ``reference``); ``co2_avoided_t`` is the sum of their difference.
    """

    flows: Mapping[str, np.ndarray]
    subsidies: SubsidyResult
    npv_eur: float
    irr_frac: float | None
    payback_years: float | None
    discounted_payback_years: float | None
    subsidy_gap_eur: float
    lcoh_variant_eur_per_mwh: float | None
    lcoh_reference_eur_per_mwh: float | None
    co2_abatement_eur_per_t: float | None
    annual_cost_per_apartment_variant_eur: float
    annual_cost_per_apartment_reference_eur: float
    finance: Finance
    irr_note: Reason | None = None
    payback_note: Reason | None = None
    discounted_payback_note: Reason | None = None
    npv_before_grants_eur: float = 0.0
    gap_before_grants_eur: float = 0.0
    works_grants_eur: float = 0.0
    works_grants_pv_eur: float = 0.0
    study_grants_eur: float = 0.0
    study_grants_pv_eur: float = 0.0
    study_cost_pv_eur: float = 0.0
    gap_covered_frac: float | None = None
    co2_avoided_t: float | None = None
    gap_per_t_co2_eur: float | None = None
    variant_investment_vat_eur: float = 0.0
    reference_investment_vat_eur: float = 0.0
    investment_by_vat_class_eur: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    co2_t_by_year: Mapping[str, np.ndarray] = field(default_factory=dict)

    @property
    def incremental(self) -> np.ndarray:
        """Incremental cash flow (reference costs - variant costs + subsidies) [EUR], t = 0..N."""
        return self.flows["incremental_eur"]

    @cached_property
    def cash_flows(self) -> pd.DataFrame:
        """Yearly lines of both options and the incremental flow [EUR]; index ``year`` 0..N.

        Variant and reference lines are costs (positive = paid; residual value and
        subsidies negative); ``incremental_eur`` is the saving (positive = better).
        ``variant_works_grants_eur`` and ``variant_study_grants_eur`` are the grants as paid.
        """
        return pd.DataFrame(dict(self.flows), index=pd.RangeIndex(len(self.incremental), name="year"))

    def notes(self) -> dict[str, Reason | None]:
        """Why each absent KPI is absent ({KPI: Reason}, ``None`` where present)."""
        return {"irr_frac": self.irr_note, "payback_years": self.payback_note,
                "discounted_payback_years": self.discounted_payback_note}

    def vat_frame(self) -> pd.DataFrame:
        """Year-0 investment of each option per VAT class: excl. VAT, rate, VAT [EUR]."""
        rows = [{"option": option, "vat_class": c, "excl_vat_eur": eur, "vat_frac": self.subsidies.vat_frac_for(c),
                 "vat_eur": eur * self.subsidies.vat_frac_for(c)}
                for option, split in self.investment_by_vat_class_eur.items() for c, eur in split.items()]
        return pd.DataFrame(rows, columns=["option", "vat_class", "excl_vat_eur", "vat_frac", "vat_eur"]
                            ).set_index(["option", "vat_class"])

    def to_series(self) -> pd.Series:
        """The KPIs as a Series (absent ones left out). ``subsidies_eur`` is all grants (works and
        study); ``works_grants_eur`` the requested investment subsidy alone."""
        keys = ("npv_eur", "irr_frac", "payback_years", "discounted_payback_years", "subsidy_gap_eur",
                "npv_before_grants_eur", "gap_before_grants_eur", "works_grants_eur", "works_grants_pv_eur",
                "study_grants_eur", "study_grants_pv_eur", "study_cost_pv_eur", "gap_covered_frac", "co2_avoided_t",
                "gap_per_t_co2_eur", "lcoh_variant_eur_per_mwh", "lcoh_reference_eur_per_mwh",
                "co2_abatement_eur_per_t",
                "annual_cost_per_apartment_variant_eur", "annual_cost_per_apartment_reference_eur",
                "variant_investment_vat_eur", "reference_investment_vat_eur")
        values = {k: getattr(self, k) for k in keys if getattr(self, k) is not None}
        values["subsidies_eur"] = self.subsidies.total_eur
        return pd.Series(values, dtype=np.float64)


def business_case(variant: Option, reference: Option, finance: Finance | None = None, *,
                  subsidy_rules=(), building_age_years: float = 50.0, housing: bool = True,
                  facts: Mapping[str, object] | None = None) -> BusinessCase:
    """Incremental business case of ``variant`` against ``reference``.

    Parameters
    ----------
    variant, reference : Option
    finance : Finance, optional
    subsidy_rules : sequence of rules
        E.g. ``[ReducedVat(), *klimaatfonds_antwerpen()]``; applied to the variant's year-0
        investment and study cost. The VAT rates they yield (per VAT class) apply to both
        options, each item at the rate of its own class.
    building_age_years, housing :
        Passed to the :class:`SubsidyContext`.
    facts : Mapping[str, object], optional
        The variant's facts for the rules' conditions, keys from
        :data:`~mgwsim.finance.FACT_FIELDS` (``construction_year``, ``n_apartments_served``,
        ``has_heat_pump``, ``lock_in_failures``, ``epc_path_kwh_m2``, ``chimney_free_path``);
        see :class:`SubsidyContext`. A fact left out is not known: a condition that needs it is
        not met ("not checked").

    Notes
    -----
    NPV, IRR, paybacks and the gap after grants are computed on the incremental flow (with the
    grants as paid); the gap before grants on the same flow without grants and without the
    study (cost and grant). Paybacks leave out the residual value at N (a payback reached only
    through it has none, with its reason). LCOH and annual cost per apartment per option
    (variant with grants): ``annual cost = PV(costs) x CRF(r, N) / n_apartments``. CO2 avoided
    over the horizon is the sum over years 1..N of (reference - variant) [t], undiscounted, as a
    call jury reads EUR per tonne; the levelised abatement cost discounts the tonnes.
    """
    finance = finance or Finance()
    split = {"variant": investment_by_vat_class(variant.investments),
             "reference": investment_by_vat_class(reference.investments)}
    ctx = SubsidyContext(sum(split["variant"].values()), variant.study_cost_incl_vat_eur,
                         finance.n_apartments, building_age_years, housing, **_checked_facts(facts),
                         investment_by_vat_class_eur=split["variant"])
    subsidies = apply_subsidies(subsidy_rules, ctx, vat_frac=finance.vat_frac)
    rates = subsidies.vat_rates
    var, ref = option_flows(variant, finance, rates), option_flows(reference, finance, rates)
    works, study = grant_flow(subsidies, "works", finance), grant_flow(subsidies, "study", finance)
    var_cost, ref_cost = sum(var.values()) - works - study, sum(ref.values())
    incremental = ref_cost - var_cost
    table = _cash_flow_table(var, ref, works, study, incremental)
    return _metrics(finance, variant, reference, (var, ref, works, study), var_cost, ref_cost, incremental, table,
                    subsidies, split)


def _checked_facts(facts) -> dict:
    facts = dict(facts or {})
    unknown = sorted(set(facts) - set(FACT_FIELDS))
    if unknown:
        raise InputError(f"business_case.facts: unknown key(s) {unknown}; allowed: {', '.join(FACT_FIELDS)}")
    return facts


def grant_flow(subsidies: SubsidyResult, kind: str, finance: Finance) -> np.ndarray:
    """Grants of ``kind`` as paid, t = 0..N [EUR] (a payment after the horizon counts in year N)."""
    out = np.zeros(finance.horizon_years + 1)
    for year, eur in subsidies.by_year(kind).items():
        out[min(year, finance.horizon_years)] += eur
    return out


def _cash_flow_table(var: dict, ref: dict, works, study, incremental) -> dict:
    columns = {f"variant_{k}_eur": v for k, v in var.items()}
    columns["variant_works_grants_eur"] = -works
    columns["variant_study_grants_eur"] = -study
    columns.update({f"reference_{k}_eur": v for k, v in ref.items()})
    columns["incremental_eur"] = incremental
    return columns


def _lcoh(costs: np.ndarray, option: Option, factors: np.ndarray):
    """LCOH [EUR/MWh] with heat delivered in years 1..N (see :func:`levelised_cost`)."""
    if option.heat_delivered_mwh_per_year is None:
        return None
    heat = yearly(option.heat_delivered_mwh_per_year, factors.size - 1, "heat_delivered_mwh_per_year", option.name)
    heat_pv = float(heat @ factors)
    return float(costs @ factors) / heat_pv if heat_pv > 0.0 else None


def _avoided_t(variant: Option, reference: Option, horizon: int) -> np.ndarray | None:
    """CO2 avoided in years 0..N [t] (0 in year 0), None without CO2 on both sides."""
    if variant.co2_t_per_year is None or reference.co2_t_per_year is None:
        return None
    return (yearly(reference.co2_t_per_year, horizon, "co2_t_per_year", reference.name)
            - yearly(variant.co2_t_per_year, horizon, "co2_t_per_year", variant.name))


def _abatement(avoided_t: np.ndarray | None, npv: float, factors: np.ndarray):
    """Levelised abatement cost [EUR/t] (see :func:`abatement_cost`); None if nothing avoided."""
    if avoided_t is None:
        return None
    discounted = float(avoided_t @ factors)
    return -npv / discounted if discounted > 0.0 else None


def _payback(flows: np.ndarray, with_residual: np.ndarray) -> tuple[float | None, Reason | None]:
    """Payback of ``flows`` (without the residual value) and, when absent, why."""
    value = m._last_crossing(np.cumsum(flows)[None, :], flows[None, :])[0]
    if not np.isnan(value):
        return float(value), None
    through_residual = m._last_crossing(np.cumsum(with_residual)[None, :], with_residual[None, :])[0]
    return None, PAYBACK_REASONS["not_paid_back" if np.isnan(through_residual) else "only_residual"]


def _metrics(finance, variant, reference, lines, var_cost, ref_cost, incremental, table, subsidies,
             split) -> BusinessCase:
    """KPIs of one case; same formulas as the public functions of ``_metrics``, without
    re-validating arrays built here (keeps one case well under 2 ms)."""
    var, ref, works, study = lines
    rate, n = finance.discount_rate_frac, finance.horizon_years
    factors = (1.0 + rate) ** -np.arange(n + 1, dtype=np.float64)
    crf = m.annuity_factor(rate, n) / finance.n_apartments
    npv = float(incremental @ factors)
    study_cost = var["study"] - ref["study"]
    before_grants = float((incremental - works - study + study_cost) @ factors)
    gap_before = max(0.0, -before_grants)
    without_residual = incremental - (ref["residual"] - var["residual"])
    payback, payback_note = _payback(without_residual, incremental)
    discounted, discounted_note = _payback(without_residual * factors, incremental * factors)
    avoided = _avoided_t(variant, reference, n)
    co2_avoided = None if avoided is None else float(avoided.sum())
    return BusinessCase(
        flows=table, subsidies=subsidies, npv_eur=npv, irr_frac=m.irr(incremental), irr_note=m.irr_note(incremental),
        payback_years=payback, payback_note=payback_note,
        discounted_payback_years=discounted, discounted_payback_note=discounted_note,
        subsidy_gap_eur=max(0.0, -npv),
        npv_before_grants_eur=before_grants, gap_before_grants_eur=gap_before,
        works_grants_eur=subsidies.works_eur, works_grants_pv_eur=float(works @ factors),
        study_grants_eur=subsidies.study_eur, study_grants_pv_eur=float(study @ factors),
        study_cost_pv_eur=float(study_cost @ factors),
        gap_covered_frac=subsidies.works_eur / gap_before if gap_before > 0.0 else None,
        co2_avoided_t=co2_avoided,
        gap_per_t_co2_eur=(gap_before / co2_avoided if co2_avoided is not None and co2_avoided > MIN_CO2_AVOIDED_T
                           else None),
        lcoh_variant_eur_per_mwh=_lcoh(var_cost, variant, factors),
        lcoh_reference_eur_per_mwh=_lcoh(ref_cost, reference, factors),
        co2_abatement_eur_per_t=_abatement(avoided, npv, factors),
        annual_cost_per_apartment_variant_eur=float(var_cost @ factors) * crf,
        annual_cost_per_apartment_reference_eur=float(ref_cost @ factors) * crf,
        finance=finance,
        variant_investment_vat_eur=sum(eur * subsidies.vat_frac_for(c) for c, eur in split["variant"].items()),
        reference_investment_vat_eur=sum(eur * subsidies.vat_frac_for(c) for c, eur in split["reference"].items()),
        investment_by_vat_class_eur=split,
        co2_t_by_year=_co2_by_year(variant, reference, n),
    )


def _co2_by_year(variant: Option, reference: Option, horizon: int) -> dict[str, np.ndarray]:
    """Each option's emissions in years 0..N [t] (0 in year 0), empty without CO2 on both sides."""
    if variant.co2_t_per_year is None or reference.co2_t_per_year is None:
        return {}
    return {side: yearly(option.co2_t_per_year, horizon, "co2_t_per_year", option.name)
            for side, option in (("variant", variant), ("reference", reference))}


def batch_cash_flows(capex_eur, annual_eur_by_carrier: Mapping[str, np.ndarray], finance: Finance, *,
                     lifetime_years: int, maintenance_frac: float = 0.0, subsidies_eur=0.0) -> np.ndarray:
    """Cash-flow matrix (n, N+1) of many variants *relative to a reference*, vectorised.

    A light model for batch runs: each variant has one incremental investment
    ``capex_eur[i]`` (excl. VAT; VAT at ``finance.vat_frac``) with one lifetime and
    maintenance share, incremental annual savings per carrier
    ``annual_eur_by_carrier[c][i]`` [EUR/year, positive = saving], and a subsidy at t = 0.
    Replacements and linear residual value as in :func:`investment_schedule`.
    """
    capex = np.asarray(capex_eur, dtype=np.float64)
    if capex.ndim != 1 or (capex < 0).any() or not np.isfinite(capex).all():
        raise InputError("batch_cash_flows.capex_eur must be a 1-D array of finite values >= 0")
    unit = investment_schedule([Investment("unit", 1.0, lifetime_years, maintenance_frac)], finance.horizon_years,
                               capex_escalation_frac=finance.capex_escalation_frac)
    per_eur = (unit["capex"] + unit["replacement"] + unit["om"] * finance.growth("om") - unit["residual"])
    flows = -np.outer(capex * (1.0 + finance.vat_frac), per_eur)
    for carrier, saving in annual_eur_by_carrier.items():
        saving = np.broadcast_to(np.asarray(saving, dtype=np.float64), capex.shape)
        flows += np.outer(saving, finance.growth(carrier))
    flows[:, 0] += np.broadcast_to(np.asarray(subsidies_eur, dtype=np.float64), capex.shape)
    return flows


def batch_metrics(cash_flows, finance: Finance, *, residual_eur=None) -> pd.DataFrame:
    """NPV, IRR, paybacks and the gap after grants for many rows, by the rules of :func:`business_case`.

    IRR NaN where absent (:func:`~mgwsim.finance.irr`: one sign change, from investment to
    savings, and a positive undiscounted sum); paybacks NaN where not paid back. When
    ``residual_eur`` (n,) gives each row's incremental residual value in year N [EUR] (as in
    the flows), the paybacks leave it out, as :func:`business_case` does.
    """
    flows = np.atleast_2d(np.asarray(cash_flows, dtype=np.float64))
    rate = finance.discount_rate_frac
    npv = m.npv(rate, flows)
    without_residual = flows
    if residual_eur is not None:
        without_residual = flows.copy()
        without_residual[:, -1] -= np.broadcast_to(np.asarray(residual_eur, dtype=np.float64), flows.shape[:1])
    return pd.DataFrame({
        "npv_eur": npv, "irr_frac": m.irr(flows), "payback_years": m.payback(without_residual),
        "discounted_payback_years": m.payback(without_residual, rate), "subsidy_gap_eur": np.maximum(0.0, -npv),
    })
