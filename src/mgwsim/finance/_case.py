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

from mgwsim.errors import InputError, check_number
from mgwsim.finance import _metrics as m
from mgwsim.finance._costs import Investment, investment_schedule
from mgwsim.finance._subsidies import STANDARD_VAT_FRAC, SubsidyContext, SubsidyResult, apply_subsidies


@dataclass(frozen=True)
class Option:
    """One side of the comparison (a variant, or the reference).

    Parameters
    ----------
    name : str
    investments : sequence of Investment
        Items bought at year 0 (excl. VAT).
    energy_eur_per_year : Mapping[str, float]
        Annual bill per carrier incl. VAT [EUR/year] (``Bill.carrier_totals()``), e.g.
        ``{"electricity": ..., "injection": -..., "gas": ...}``.
    heat_delivered_mwh_per_year : float, optional
        Useful heat delivered (space heating + DHW) [MWh/year], for the LCOH.
    co2_t_per_year : float, optional
        Emissions [t CO2/year] from the assessment, for the abatement cost.
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
        Yearly price change per carrier (``electricity``, ``gas``, ``injection``) and for
        ``om``; year t (1..N) pays ``annual x (1 + e)^(t-1)``. Missing carriers: 0.
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
        check_number(self.horizon_years, "horizon_years", owner="Finance", low=1, high=100)
        check_number(self.vat_frac, "vat_frac", owner="Finance", low=0.0, high=1.0)
        check_number(self.n_apartments, "n_apartments", owner="Finance", low=1)
        for key, value in self.escalation_frac.items():
            check_number(value, f"escalation_frac[{key!r}]", owner="Finance", low=-0.5, high=0.5)

    def growth(self, carrier: str) -> np.ndarray:
        """``(1+e)^(t-1)`` for t = 1..N, with 0 at t = 0."""
        e = self.escalation_frac.get(carrier, 0.0)
        out = np.zeros(self.horizon_years + 1)
        out[1:] = (1.0 + e) ** np.arange(self.horizon_years)
        return out


def option_flows(option: Option, finance: Finance, vat_frac: float) -> dict[str, np.ndarray]:
    """Yearly costs of one option [EUR], t = 0..N, by line (costs positive, residual negative)."""
    sched = investment_schedule(option.investments, finance.horizon_years,
                                capex_escalation_frac=finance.capex_escalation_frac)
    vat = 1.0 + vat_frac
    flows = {
        "investment": sched["capex"] * vat,
        "replacement": sched["replacement"] * vat,
        "om": sched["om"] * vat * finance.growth("om"),
        "residual": -sched["residual"] * vat,
    }
    flows["investment"][0] += option.study_cost_incl_vat_eur
    for carrier, eur in option.energy_eur_per_year.items():
        flows[f"energy_{carrier}"] = check_number(eur, f"energy_eur_per_year[{carrier!r}]", owner=option.name) * finance.growth(carrier)
    return flows


@dataclass(frozen=True)
class BusinessCase:
    """Result of :func:`business_case`. Absent quantities are ``None`` (IRR without sign
    change, payback never reached, LCOH without heat, abatement without CO2 saved)."""

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

    @property
    def incremental(self) -> np.ndarray:
        """Incremental cash flow (reference costs - variant costs + subsidies) [EUR], t = 0..N."""
        return self.flows["incremental_eur"]

    @cached_property
    def cash_flows(self) -> pd.DataFrame:
        """Yearly lines of both options and the incremental flow [EUR]; index ``year`` 0..N.

        Variant and reference lines are costs (positive = paid; residual value and
        subsidies negative); ``incremental_eur`` is the saving (positive = better).
        """
        return pd.DataFrame(dict(self.flows), index=pd.RangeIndex(len(self.incremental), name="year"))

    def to_series(self) -> pd.Series:
        """The KPIs as a Series (absent ones left out)."""
        keys = ("npv_eur", "irr_frac", "payback_years", "discounted_payback_years", "subsidy_gap_eur",
                "lcoh_variant_eur_per_mwh", "lcoh_reference_eur_per_mwh", "co2_abatement_eur_per_t",
                "annual_cost_per_apartment_variant_eur", "annual_cost_per_apartment_reference_eur")
        values = {k: getattr(self, k) for k in keys if getattr(self, k) is not None}
        values["subsidies_eur"] = self.subsidies.total_eur
        return pd.Series(values, dtype=np.float64)


def business_case(variant: Option, reference: Option, finance: Finance | None = None, *,
                  subsidy_rules=(), building_age_years: float = 50.0, housing: bool = True) -> BusinessCase:
    """Incremental business case of ``variant`` against ``reference``.

    Parameters
    ----------
    variant, reference : Option
    finance : Finance, optional
    subsidy_rules : sequence of rules
        E.g. ``[ReducedVat(), *klimaatfonds_antwerpen()]``; applied to the variant's year-0
        investment and study cost. The VAT rate they yield applies to both options.
    building_age_years, housing :
        Passed to the :class:`SubsidyContext`.

    Notes
    -----
    NPV, IRR, paybacks and the subsidy gap are computed on the incremental flow (with the
    subsidies); LCOH and annual cost per apartment per option (variant with subsidies):
    ``annual cost = PV(costs) x CRF(r, N) / n_apartments``.
    """
    finance = finance or Finance()
    ctx = SubsidyContext(sum(i.capex_eur for i in variant.investments), variant.study_cost_incl_vat_eur,
                         finance.n_apartments, building_age_years, housing)
    subsidies = apply_subsidies(subsidy_rules, ctx, vat_frac=finance.vat_frac)
    var, ref = option_flows(variant, finance, subsidies.vat_frac), option_flows(reference, finance, subsidies.vat_frac)
    grants = np.zeros(finance.horizon_years + 1)
    for year, eur in subsidies.by_year().items():
        grants[min(year, finance.horizon_years)] += eur
    var_cost, ref_cost = sum(var.values()) - grants, sum(ref.values())
    incremental = ref_cost - var_cost
    table = _cash_flow_table(var, ref, grants, incremental)
    return _metrics(finance, variant, reference, var_cost, ref_cost, incremental, table, subsidies)


def _cash_flow_table(var: dict, ref: dict, grants, incremental) -> dict:
    columns = {f"variant_{k}_eur": v for k, v in var.items()}
    columns["variant_subsidies_eur"] = -grants
    columns.update({f"reference_{k}_eur": v for k, v in ref.items()})
    columns["incremental_eur"] = incremental
    return columns


def _lcoh(costs: np.ndarray, option: Option, factors: np.ndarray):
    """LCOH [EUR/MWh] with heat delivered in years 1..N (see :func:`levelised_cost`)."""
    if not option.heat_delivered_mwh_per_year:
        return None
    heat_pv = float(option.heat_delivered_mwh_per_year) * float(factors[1:].sum())
    return float(costs @ factors) / heat_pv


def _abatement(variant: Option, reference: Option, npv: float, factors: np.ndarray):
    """Levelised abatement cost [EUR/t] (see :func:`abatement_cost`); None if nothing avoided."""
    if variant.co2_t_per_year is None or reference.co2_t_per_year is None:
        return None
    avoided = float(reference.co2_t_per_year) - float(variant.co2_t_per_year)
    if avoided <= 0.0:
        return None
    return -npv / (avoided * float(factors[1:].sum()))


def _payback(flows: np.ndarray) -> float | None:
    value = m._first_crossing(np.cumsum(flows)[None, :], flows[None, :])[0]
    return None if np.isnan(value) else float(value)


def _metrics(finance, variant, reference, var_cost, ref_cost, incremental, table, subsidies) -> BusinessCase:
    """KPIs of one case; same formulas as the public functions of ``_metrics``, without
    re-validating arrays built here (keeps one case well under 2 ms)."""
    rate, n = finance.discount_rate_frac, finance.horizon_years
    factors = (1.0 + rate) ** -np.arange(n + 1, dtype=np.float64)
    crf = m.annuity_factor(rate, n) / finance.n_apartments
    npv = float(incremental @ factors)
    return BusinessCase(
        flows=table, subsidies=subsidies, npv_eur=npv, irr_frac=m.irr(incremental),
        payback_years=_payback(incremental), discounted_payback_years=_payback(incremental * factors),
        subsidy_gap_eur=max(0.0, -npv),
        lcoh_variant_eur_per_mwh=_lcoh(var_cost, variant, factors),
        lcoh_reference_eur_per_mwh=_lcoh(ref_cost, reference, factors),
        co2_abatement_eur_per_t=_abatement(variant, reference, npv, factors),
        annual_cost_per_apartment_variant_eur=float(var_cost @ factors) * crf,
        annual_cost_per_apartment_reference_eur=float(ref_cost @ factors) * crf,
        finance=finance,
    )


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


def batch_metrics(cash_flows, finance: Finance) -> pd.DataFrame:
    """NPV, IRR (NaN if absent), paybacks (NaN if never) and subsidy gap for many rows."""
    flows = np.atleast_2d(np.asarray(cash_flows, dtype=np.float64))
    rate = finance.discount_rate_frac
    npv = m.npv(rate, flows)
    return pd.DataFrame({
        "npv_eur": npv, "irr_frac": m.irr(flows), "payback_years": m.payback(flows),
        "discounted_payback_years": m.payback(flows, rate), "subsidy_gap_eur": np.maximum(0.0, -npv),
    })
