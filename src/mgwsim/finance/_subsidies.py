"""Subsidies as composable rules with caps; the result says which rule paid what.

Rules are applied in order to a :class:`SubsidyContext`. A VAT rule (put it first) sets the
VAT rate of the investment; grants then work on amounts incl. VAT. Each grant may be
computed on the *net* investment (investment incl. VAT minus grants already given).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from mgwsim.errors import InputError, check_fraction, check_number

STANDARD_VAT_FRAC = 0.21
"""Belgian standard VAT rate (VAT Code art. 37, KB nr. 20)."""


@dataclass(frozen=True)
class SubsidyContext:
    """What subsidy rules look at.

    Parameters
    ----------
    investment_excl_vat_eur : float
        Eligible investment of the project (the variant's year-0 CAPEX), excl. VAT [EUR].
    study_cost_incl_vat_eur : float
        Cost of the feasibility study, incl. VAT [EUR].
    n_units : int
        Number of dwellings (apartments).
    building_age_years : float
        Age of the building since first occupation [years].
    housing : bool
        Whether the building is mainly used as private housing.
    """

    investment_excl_vat_eur: float
    study_cost_incl_vat_eur: float = 0.0
    n_units: int = 1
    building_age_years: float = 50.0
    housing: bool = True

    def __post_init__(self):
        check_number(self.investment_excl_vat_eur, "investment_excl_vat_eur", owner="SubsidyContext", low=0.0, unit="EUR")
        check_number(self.study_cost_incl_vat_eur, "study_cost_incl_vat_eur", owner="SubsidyContext", low=0.0, unit="EUR")
        check_number(self.n_units, "n_units", owner="SubsidyContext", low=1, unit="dwellings")
        check_number(self.building_age_years, "building_age_years", owner="SubsidyContext", low=0.0, unit="years")


@dataclass(frozen=True)
class Payment:
    """What one rule paid: amount [EUR], split over years {year: EUR}."""

    rule: str
    kind: str
    base_eur: float
    uncapped_eur: float
    amount_eur: float
    cap_eur: float | None
    by_year: tuple


@dataclass(frozen=True)
class ReducedVat:
    """Reduced renovation VAT (6 %) instead of 21 % on works to housing older than 10 years.

    Belgian VAT Code, KB nr. 20, table A, rubric XXXI: renovation of private dwellings whose
    first occupation is at least 10 years before the first invoice, invoiced directly to the
    end user (a VME for common parts qualifies; mgwsim does not check the invoicing route).
    The "amount" reported is the VAT saved versus 21 %; it lowers the investment, it is not paid.
    """

    rate_frac: float = 0.06
    min_age_years: float = 10.0
    name: str = "reduced_vat_6pct_renovation"

    def applies(self, ctx: SubsidyContext) -> bool:
        return ctx.housing and ctx.building_age_years >= self.min_age_years

    def vat_frac(self, ctx: SubsidyContext, current: float) -> float:
        return check_fraction(self.rate_frac, "rate_frac", owner=self.name) if self.applies(ctx) else current

    def apply(self, ctx: SubsidyContext, vat_frac: float, granted_eur: float) -> Payment:
        saved = ctx.investment_excl_vat_eur * (STANDARD_VAT_FRAC - vat_frac) if self.applies(ctx) else 0.0
        return Payment(self.name, "vat", ctx.investment_excl_vat_eur, saved, saved, None, ())


@dataclass(frozen=True)
class Grant:
    """A grant: ``min(share x base, per_unit x units, cap)``, paid as advance + balance.

    Parameters
    ----------
    name : str
        Rule name shown in the result.
    base : {"investment", "study"}
        What the share applies to (incl. VAT): the investment (net of earlier grants when
        ``net_of_previous``) or the study cost.
    share_frac : float
        Fraction of the base [0..1].
    cap_eur : float, optional
        Absolute cap [EUR] (incl. VAT where the call says so).
    eur_per_unit : float, optional
        Amount per dwelling [EUR], multiplied by ``SubsidyContext.n_units``.
    advance_frac : float
        Part paid at year 0; the rest at ``balance_year``.
    balance_year : int
        Year of the balance payment.
    net_of_previous : bool
        Subtract grants already given by earlier rules from the investment base.
    """

    name: str
    base: str = "investment"
    share_frac: float = 1.0
    cap_eur: float | None = None
    eur_per_unit: float | None = None
    advance_frac: float = 1.0
    balance_year: int = 0
    net_of_previous: bool = True

    def __post_init__(self):
        if self.base not in ("investment", "study"):
            raise InputError(f"Grant({self.name}).base = {self.base!r} is not one of 'investment', 'study'")
        check_fraction(self.share_frac, "share_frac", owner=f"Grant({self.name})")
        check_fraction(self.advance_frac, "advance_frac", owner=f"Grant({self.name})")
        check_number(self.balance_year, "balance_year", owner=f"Grant({self.name})", low=0, high=5)
        for key in ("cap_eur", "eur_per_unit"):
            if getattr(self, key) is not None:
                check_number(getattr(self, key), key, owner=f"Grant({self.name})", low=0.0, unit="EUR")

    def apply(self, ctx: SubsidyContext, vat_frac: float, granted_eur: float) -> Payment:
        if self.base == "study":
            base = ctx.study_cost_incl_vat_eur
        else:
            base = ctx.investment_excl_vat_eur * (1.0 + vat_frac) - (granted_eur if self.net_of_previous else 0.0)
        base = max(base, 0.0)
        uncapped = self.share_frac * base
        if self.eur_per_unit is not None:
            uncapped = min(uncapped, self.eur_per_unit * ctx.n_units)
        amount = uncapped if self.cap_eur is None else min(uncapped, self.cap_eur)
        advance = amount * self.advance_frac
        by_year = ((0, advance), (int(self.balance_year), amount - advance))
        return Payment(self.name, f"grant_{self.base}", base, uncapped, amount, self.cap_eur, by_year)


def klimaatfonds_antwerpen() -> list[Grant]:
    """Antwerp Klimaatfonds call "Hernieuwbare energie in meergezinswoningen" (2022).

    Phase 1 (study): up to EUR 6,000 incl. VAT. Phase 2 (works): up to 80 % of the net
    investment, at most EUR 24,000 incl. VAT per project, 50 % advance (paid on the
    supplier's advance invoice, taken as year 0), balance at completion (taken as year 1).
    Source: Stad Antwerpen, Klimaatfonds call text 2022 (via FACTS.md).
    """
    return [
        Grant("klimaatfonds_phase1_study", base="study", share_frac=1.0, cap_eur=6000.0),
        Grant("klimaatfonds_phase2_works", base="investment", share_frac=0.8, cap_eur=24000.0,
              advance_frac=0.5, balance_year=1),
    ]


@dataclass(frozen=True)
class SubsidyResult:
    """Outcome of applying rules: VAT rate of the investment and what each rule paid."""

    vat_frac: float
    payments: tuple

    @property
    def total_eur(self) -> float:
        """Sum of grants paid [EUR] (VAT savings excluded: they lower the investment instead)."""
        return sum(p.amount_eur for p in self.payments if p.kind != "vat")

    def by_year(self) -> dict[int, float]:
        """Grant payments per year {year: EUR}."""
        out: dict[int, float] = {}
        for p in self.payments:
            for year, eur in p.by_year:
                out[year] = out.get(year, 0.0) + eur
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per rule: kind, base, uncapped, paid, cap and whether the cap bit."""
        rows = [{"rule": p.rule, "kind": p.kind, "base_eur": p.base_eur, "uncapped_eur": p.uncapped_eur,
                 "amount_eur": p.amount_eur, "cap_eur": p.cap_eur,
                 "capped": p.cap_eur is not None and p.uncapped_eur > p.cap_eur} for p in self.payments]
        return pd.DataFrame(rows).set_index("rule") if rows else pd.DataFrame()


def apply_subsidies(rules, ctx: SubsidyContext, *, vat_frac: float = STANDARD_VAT_FRAC) -> SubsidyResult:
    """Apply ``rules`` in order (VAT rules first) and report what each paid.

    Total grants never exceed the investment incl. VAT plus the study cost: a rule whose
    amount would do so raises (nothing is clipped silently).
    """
    vat = check_fraction(vat_frac, "vat_frac", owner="apply_subsidies")
    for rule in rules:
        if isinstance(rule, ReducedVat):
            vat = rule.vat_frac(ctx, vat)
    payments, granted = [], 0.0
    for rule in rules:
        payment = rule.apply(ctx, vat, granted)
        payments.append(payment)
        if payment.kind == "grant_investment":
            granted += payment.amount_eur
    result = SubsidyResult(vat, tuple(payments))
    ceiling = ctx.investment_excl_vat_eur * (1.0 + vat) + ctx.study_cost_incl_vat_eur
    if result.total_eur > ceiling + 1e-6:
        raise InputError(f"apply_subsidies: grants {result.total_eur:.2f} EUR exceed the eligible costs {ceiling:.2f} EUR")
    return result
