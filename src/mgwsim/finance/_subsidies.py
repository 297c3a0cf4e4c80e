"""Subsidies as rules with eligibility; the result says which rule paid what, and why not.

Rules are applied in order to a :class:`SubsidyContext`: the facts of one variant (its
investment, the building, what the study judged). A VAT rule (:class:`ReducedVat`) sets the
rate of the items that may get the reduced renovation rate; grants then work on amounts incl.
VAT. Every rule carries its :class:`Condition` s; a rule whose conditions are not all met pays
nothing and says which condition failed, in English and Dutch. A condition whose fact is not
known (``None``) is *not checked* and so not met: a grant is never paid on an unchecked condition.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd

from mgwsim._format import format_number
from mgwsim.errors import InputError, check_choice, check_fraction, check_integer, check_number
from mgwsim.finance._costs import VAT_CLASSES
from mgwsim.finance._metrics import Reason

STANDARD_VAT_FRAC = 0.21
"""Belgian standard VAT rate (VAT Code art. 37, KB nr. 20)."""

FACT_FIELDS = ("construction_year", "n_apartments_served", "has_heat_pump", "lock_in_failures",
               "epc_path_kwh_m2", "chimney_free_path")
"""The per-variant facts a study passes to :func:`mgwsim.finance.business_case` (``facts=``)."""

@dataclass(frozen=True)
class SubsidyContext:
    """What subsidy rules look at: one variant's investment, its building and the study's findings.

    Parameters
    ----------
    investment_excl_vat_eur : float
        Eligible investment of the project (the variant's year-0 CAPEX), excl. VAT [EUR].
    study_cost_incl_vat_eur : float
        Cost of the feasibility study, incl. VAT [EUR].
    n_units : int
        Number of dwellings (apartments) in the building.
    building_age_years : float
        Age of the building since first occupation [years] (reduced VAT: at least 10).
    housing : bool
        Whether the building is mainly used as private housing.
    construction_year : int, optional
        Year of the building permit (or of first occupation when the permit year is unknown).
    n_apartments_served : int, optional
        Number of apartments that benefit from the project (a collective plant: all of them).
    has_heat_pump : bool, optional
        Whether a heat pump is part of the project.
    lock_in_failures : tuple of str, optional
        Names of the lock-in checks that fail, judged by the study on the renovation path
        (empty: no lock-in).
    epc_path_kwh_m2 : float, optional
        EPC indicator reached at the end of the renovation path [kWh/m² year], same bookkeeping
        as the study's EPC indicator (auxiliaries, PV credit).
    chimney_free_path : bool, optional
        Whether no combustion appliance is left at the end of the renovation path.
    investment_by_vat_class_eur : Mapping[str, float], optional
        The investment excl. VAT split by :data:`~mgwsim.finance.VAT_CLASSES` [EUR]; summing to
        ``investment_excl_vat_eur``. ``None``: all of it is ``renovation``.

    The facts from ``construction_year`` on default to ``None``: not known. A condition that
    needs a fact not known is not met ("not checked").
    """

    investment_excl_vat_eur: float
    study_cost_incl_vat_eur: float = 0.0
    n_units: int = 1
    building_age_years: float = 50.0
    housing: bool = True
    construction_year: int | None = None
    n_apartments_served: int | None = None
    has_heat_pump: bool | None = None
    lock_in_failures: tuple[str, ...] | None = None
    epc_path_kwh_m2: float | None = None
    chimney_free_path: bool | None = None
    investment_by_vat_class_eur: Mapping[str, float] | None = None

    def __post_init__(self):
        owner = "SubsidyContext"
        check_number(self.investment_excl_vat_eur, "investment_excl_vat_eur", owner=owner, low=0.0, unit="EUR")
        check_number(self.study_cost_incl_vat_eur, "study_cost_incl_vat_eur", owner=owner, low=0.0, unit="EUR")
        check_integer(self.n_units, "n_units", owner=owner, low=1, unit="dwellings")
        check_number(self.building_age_years, "building_age_years", owner=owner, low=0.0, unit="years")
        _check_bool(self.housing, "housing")
        if self.construction_year is not None:
            _check_whole(self.construction_year, "construction_year", low=1000, high=2100)
        if self.n_apartments_served is not None:
            _check_whole(self.n_apartments_served, "n_apartments_served", low=0, high=None)
        for key in ("has_heat_pump", "chimney_free_path"):
            if getattr(self, key) is not None:
                object.__setattr__(self, key, _check_bool(getattr(self, key), key))
        if self.lock_in_failures is not None:
            object.__setattr__(self, "lock_in_failures", _check_names(self.lock_in_failures))
        if self.epc_path_kwh_m2 is not None:
            check_number(self.epc_path_kwh_m2, "epc_path_kwh_m2", owner=owner, unit="kWh/m2")
        if self.investment_by_vat_class_eur is not None:
            object.__setattr__(self, "investment_by_vat_class_eur", self._checked_split())

    @classmethod
    def trusted(cls, investment_by_vat_class_eur: dict[str, float], **facts) -> SubsidyContext:
        """A context of numbers the library computed and checked itself, built without :meth:`__post_init__`'s
        checks (a city batch builds one a row; checking its fields again costs ~10 µs). The investment excl.
        VAT is the sum of ``investment_by_vat_class_eur`` (floats of :data:`~mgwsim.finance.VAT_CLASSES`);
        ``facts`` are the other fields, of the types :meth:`__post_init__` leaves (float, int, bool, a tuple
        of names). A user's input goes through the constructor, which names what is wrong."""
        unknown = facts.keys() - _CONTEXT_DEFAULTS.keys()
        if unknown:
            raise TypeError(f"SubsidyContext.trusted: unknown field(s) {sorted(unknown)}")
        ctx = object.__new__(cls)
        ctx.__dict__.update(_CONTEXT_DEFAULTS, **facts, investment_by_vat_class_eur=investment_by_vat_class_eur,
                            investment_excl_vat_eur=sum(investment_by_vat_class_eur.values()))
        return ctx

    def investment_by_class(self) -> dict[str, float]:
        """The investment excl. VAT per VAT class [EUR], every class present (0 where none)."""
        split = dict.fromkeys(VAT_CLASSES, 0.0)
        split.update(self.investment_by_vat_class_eur or {"renovation": float(self.investment_excl_vat_eur)})
        return split

    def _checked_split(self) -> dict[str, float]:
        split = {check_choice(k, "investment_by_vat_class_eur", VAT_CLASSES, owner="SubsidyContext"):
                 check_number(v, f"investment_by_vat_class_eur[{k!r}]", owner="SubsidyContext", low=0.0, unit="EUR")
                 for k, v in dict(self.investment_by_vat_class_eur).items()}
        total = sum(split.values())
        if abs(total - self.investment_excl_vat_eur) > 0.005 + 1e-9 * abs(total):
            raise InputError(f"SubsidyContext.investment_by_vat_class_eur sums to {total:.2f} EUR, "
                             f"not investment_excl_vat_eur = {self.investment_excl_vat_eur:.2f} EUR")
        return split


_CONTEXT_DEFAULTS = {f.name: f.default for f in fields(SubsidyContext) if f.default is not MISSING}
"""The defaults of :class:`SubsidyContext`'s fields (:meth:`SubsidyContext.trusted`)."""


def _check_bool(value, field_name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise InputError(f"SubsidyContext.{field_name} = {value!r} must be True or False (or None: not known)")
    return bool(value)


def _check_whole(value, field_name: str, *, low: int, high: int | None) -> int:
    check_number(value, field_name, owner="SubsidyContext", low=low, high=high)
    if value != int(value):
        raise InputError(f"SubsidyContext.{field_name} = {value!r} must be a whole number")
    return int(value)


def _check_names(values) -> tuple[str, ...]:
    if isinstance(values, str) or not all(isinstance(v, str) for v in values):
        raise InputError(f"SubsidyContext.lock_in_failures = {values!r} must be a sequence of check names (str)")
    return tuple(values)


# ---------------------------------------------------------------------------------------------- conditions
@dataclass(frozen=True)
class ConditionResult:
    """One condition judged for one variant: ``status`` is ``met``, ``failed`` or ``not_checked``."""

    rule: str
    condition: str
    status: str
    reason: Reason

    @property
    def met(self) -> bool:
        return self.status == "met"


@dataclass(frozen=True)
class Condition:
    """A condition of a subsidy rule.

    Parameters
    ----------
    name : str
        Short identifier (``built_before_2014``).
    text_en, text_nl : str
        The condition as the rule states it, in English and Dutch.
    test : callable
        ``test(ctx) -> bool | None`` on a :class:`SubsidyContext`; ``None`` when it cannot be
        decided (a fact is not known).
    facts : tuple of str
        The context fields the test reads (named in the reason).
    """

    name: str
    text_en: str
    text_nl: str
    test: Callable[[SubsidyContext], bool | None]
    facts: tuple[str, ...] = ()

    def __hash__(self) -> int:
        """By name: consistent with equality (equal conditions share it) and cheaper than hashing every field, the
        test included (:meth:`check` looks the condition up in the judged conditions' cache, a batch every row)."""
        return hash(self.name)

    def check(self, ctx: SubsidyContext, rule: str = "") -> ConditionResult:
        """Judge the condition on ``ctx``: met, failed (with the facts' values) or not checked.

        The result is kept per outcome and the facts' values (:func:`_judged`): its sentences depend on nothing
        else, and a stock's rows repeat them."""
        outcome = self.test(ctx)
        values = tuple([(type(value), _as_shown(value)) for value in [getattr(ctx, f) for f in self.facts]])
        try:
            return _judged(self, rule, None if outcome is None else bool(outcome), values)
        except TypeError:  # an unhashable fact's value: judged without keeping it
            return self._result(ctx, rule, outcome)

    def _result(self, ctx: SubsidyContext, rule: str, outcome: bool | None) -> ConditionResult:
        if outcome is None:
            missing = [f for f in self.facts if getattr(ctx, f) is None] or list(self.facts)
            en, nl = (", ".join(_FACT_LABELS.get(f, (f, f))[i] for f in missing) for i in (0, 1))
            reason = Reason("not_checked", f"not checked: {en} not given ({self.text_en})",
                            f"niet gecontroleerd: {nl} niet opgegeven ({self.text_nl})")
            return ConditionResult(rule, self.name, "not_checked", reason)
        en, nl = (_facts_text(ctx, self.facts, language) for language in ("en", "nl"))
        if outcome:
            return ConditionResult(rule, self.name, "met", Reason("met", f"met: {self.text_en}{en}",
                                                                  f"voldaan: {self.text_nl}{nl}"))
        return ConditionResult(rule, self.name, "failed", Reason("failed", f"not met: {self.text_en}{en}",
                                                                 f"niet voldaan: {self.text_nl}{nl}"))


@lru_cache(maxsize=8192)
def _judged(condition: Condition, rule: str, outcome: bool | None, values: tuple) -> ConditionResult:
    """:meth:`Condition.check`'s result for an ``outcome`` on facts of these ``values`` ((type, value) of each of
    ``condition.facts``: ``1`` and ``True`` print differently); the sentences read only the facts' values."""
    return condition._result(_FactValues(condition.facts, values), rule, outcome)


def _as_shown(value):
    """``value`` as the sentences print it (:func:`_show`), for :func:`_judged`'s key: a float rounded to its shown
    decimals (so that a stock's EPC indicators and ages, all different, share the few sentences they print), any
    other value, and a float whose rounding would change its number of shown decimals (9.96 prints as 10.0,
    10.0 as 10), as it is."""
    if type(value) is not float:
        return value
    decimals = _shown_decimals(value)
    rounded = round(value, decimals)
    return rounded if _shown_decimals(rounded) == decimals else value


def _shown_decimals(value: float) -> int:
    return 0 if abs(value) >= 10 else 1


class _FactValues:
    """The facts of a context as :meth:`Condition._result` reads them (``getattr``), from (type, value) pairs."""

    def __init__(self, facts: tuple[str, ...], values: tuple):
        self.__dict__.update({f: value for f, (_, value) in zip(facts, values, strict=True)})


_FACT_LABELS = {
    "construction_year": ("construction year", "bouwjaar"),
    "n_units": ("apartments", "appartementen"),
    "n_apartments_served": ("apartments served", "bediende appartementen"),
    "has_heat_pump": ("heat pump", "warmtepomp"),
    "lock_in_failures": ("failed lock-in checks", "gefaalde lock-in-toetsen"),
    "epc_path_kwh_m2": ("EPC indicator after the renovation path", "EPC-kengetal na het renovatiepad"),
    "chimney_free_path": ("chimney-free", "schouwvrij"),
    "housing": ("private housing", "privéwoning"),
    "building_age_years": ("building age", "ouderdom van het gebouw"),
}
"""Plain names of the facts a condition reads, in English and Dutch."""

_FACT_UNITS = {"epc_path_kwh_m2": (" kWh/m²", " kWh/m²"), "building_age_years": (" years", " jaar")}
"""Unit after a fact's value, in English and Dutch."""


def _facts_text(ctx: SubsidyContext, facts: tuple[str, ...], language: str) -> str:
    """`` (construction year 1970; ...)`` in plain words and the language's number format."""
    i = 0 if language == "en" else 1
    parts = [f"{_FACT_LABELS.get(f, (f, f))[i]}: {_show(getattr(ctx, f), language)}{_FACT_UNITS.get(f, ('', ''))[i]}"
             for f in facts]
    return f" ({'; '.join(parts)})" if parts else ""


def _show(value, language: str = "en") -> str:
    if value is None:
        return "not given" if language == "en" else "niet opgegeven"
    if isinstance(value, bool):
        return ("yes" if value else "no") if language == "en" else ("ja" if value else "nee")
    if isinstance(value, tuple):
        return ", ".join(value) if value else ("none" if language == "en" else "geen")
    if isinstance(value, float):
        return format_number(value, language, _shown_decimals(value))
    return str(value)


def _before_2014(ctx: SubsidyContext) -> bool | None:
    return None if ctx.construction_year is None else ctx.construction_year < 2014


def _several_apartments_in_building(ctx: SubsidyContext) -> bool:
    return ctx.n_units > 1


def _several_apartments_served(ctx: SubsidyContext) -> bool | None:
    return None if ctx.n_apartments_served is None else ctx.n_apartments_served > 1


def _heat_pump(ctx: SubsidyContext) -> bool | None:
    return ctx.has_heat_pump


def _no_lock_in(ctx: SubsidyContext) -> bool | None:
    return None if ctx.lock_in_failures is None else not ctx.lock_in_failures


KLIMAATFONDS_MAX_EPC_KWH_M2 = 100.0
"""Klimaatfonds: the renovation path must reach an EPC of at most 100 kWh/m² (or be chimney-free)."""


def _epc_or_chimney_free(ctx: SubsidyContext) -> bool | None:
    epc_ok = None if ctx.epc_path_kwh_m2 is None else ctx.epc_path_kwh_m2 <= KLIMAATFONDS_MAX_EPC_KWH_M2
    if epc_ok or ctx.chimney_free_path:
        return True
    if epc_ok is None or ctx.chimney_free_path is None:
        return None
    return False


BUILT_BEFORE_2014 = Condition(
    "built_before_2014", "the building (its permit) dates from before 2014",
    "het gebouw (de bouwvergunning) dateert van vóór 2014", _before_2014, ("construction_year",))
MULTI_APARTMENT_BUILDING = Condition(
    "multi_apartment_building", "the building has more than one apartment",
    "het gebouw telt meer dan één appartement", _several_apartments_in_building, ("n_units",))
SERVES_SEVERAL_APARTMENTS = Condition(
    "serves_several_apartments", "more than one apartment benefits from the project",
    "meer dan één appartement heeft baat bij het project", _several_apartments_served, ("n_apartments_served",))
HEAT_PUMP_IN_PROJECT = Condition(
    "heat_pump_in_project", "a heat pump is part of the project",
    "een warmtepomp maakt deel uit van het project", _heat_pump, ("has_heat_pump",))
NO_LOCK_IN = Condition(
    "no_lock_in", "no lock-in (no lock-in check fails on the renovation path)",
    "geen lock-in (geen lock-in-toets faalt op het renovatiepad)", _no_lock_in, ("lock_in_failures",))
EPC_100_OR_CHIMNEY_FREE = Condition(
    "epc_100_or_chimney_free",
    "the renovation path reaches an EPC indicator of at most 100 kWh/m² or a chimney-free building",
    "het renovatiepad haalt een EPC-kengetal van hoogstens 100 kWh/m² of een schouwvrij gebouw",
    _epc_or_chimney_free, ("epc_path_kwh_m2", "chimney_free_path"))


def _private_housing(ctx: SubsidyContext) -> bool:
    return ctx.housing


PRIVATE_HOUSING = Condition(
    "private_housing", "the building is mainly used as private housing",
    "het gebouw wordt hoofdzakelijk als privéwoning gebruikt", _private_housing, ("housing",))


# ---------------------------------------------------------------------------------------------- rules
@dataclass(frozen=True)
class Payment:
    """What one rule paid: amount [EUR] split over years {year: EUR}, and whether it was eligible."""

    rule: str
    kind: str
    base_eur: float
    uncapped_eur: float
    amount_eur: float
    cap_eur: float | None
    by_year: tuple
    conditions: tuple = ()

    @property
    def eligible(self) -> bool:
        """All conditions met (a rule without conditions is always eligible)."""
        return all(c.met for c in self.conditions)

    @property
    def reason(self) -> Reason:
        """Why the rule pays nothing (its unmet conditions), or that it is eligible."""
        unmet = [c.reason for c in self.conditions if not c.met]
        if not unmet:
            return Reason("eligible", "eligible", "komt in aanmerking")
        return Reason("ineligible", "; ".join(r.en for r in unmet), "; ".join(r.nl for r in unmet))


@dataclass(frozen=True)
class _VatBasis:
    """The variant's year-0 investment excl. VAT and the VAT rate per VAT class."""

    excl_vat_eur: dict
    rates: dict

    @property
    def incl_vat_eur(self) -> float:
        return sum(eur * (1.0 + self.rates[c]) for c, eur in self.excl_vat_eur.items())


@dataclass(frozen=True)
class ReducedVat:
    """Reduced renovation VAT (6 %) instead of the standard rate, item by item.

    Belgian VAT Code, KB nr. 20 of 20 July 1970, table A, rubric XXXI: works in immovable
    property (renovation) to a private dwelling first occupied at least 10 years before the
    first invoice, invoiced directly to the end user (a VME for common parts qualifies; mgwsim
    does not check the invoicing route). Since the Programmawet of 18 July 2025 (Belgisch
    Staatsblad 29 July 2025), which amends rubrics XXXI and XXXVII, the supply with installation
    of a central heating installation working on fossil fuels is excluded: the combustion boiler,
    also as the boiler of a hybrid system with a heat pump, and every part intrinsic to it and
    strictly needed for it to work (fuel supply lines, gas or oil tank, fixings, flue, the
    boiler's own controls, base, central-heating circulation pump) pay the standard rate (FPS
    Finance, administrative circular 2025/C/47 of 28 July 2025). So the rate is per item
    (:attr:`Investment.vat_class`): ``renovation`` items get ``rate_frac`` when the conditions are
    met, ``fossil_heating`` and ``standard`` items never do. Heat pumps, emitters, tanks, PV
    and the electrical works stay ``renovation``.

    The "amount" reported is the VAT saved on the renovation items versus the standard rate; it
    lowers the investment, it is not paid.
    """

    rate_frac: float = 0.06
    min_age_years: float = 10.0
    name: str = "reduced_vat_6pct_renovation"

    @cached_property
    def conditions(self) -> tuple[Condition, ...]:
        """The rule's conditions, built once (a batch judges them for every row)."""
        return (PRIVATE_HOUSING,
                Condition("older_than_10_years",
                          f"the dwelling was first occupied at least {self.min_age_years:g} years before the first "
                          "invoice",
                          f"de woning werd ten minste {self.min_age_years:g} jaar vóór de eerste factuur in gebruik "
                          "genomen", self._old_enough, ("building_age_years",)))

    def _old_enough(self, ctx: SubsidyContext) -> bool:
        return ctx.building_age_years >= self.min_age_years

    def judge(self, ctx: SubsidyContext) -> tuple[ConditionResult, ...]:
        return tuple([c.check(ctx, self.name) for c in self.conditions])

    def applies(self, ctx: SubsidyContext) -> bool:
        return all(c.met for c in self.judge(ctx))

    def vat_frac(self, ctx: SubsidyContext, current: float,
                 judged: tuple[ConditionResult, ...] | None = None) -> float:
        """The rate of ``renovation`` items: ``rate_frac`` where the conditions are met, else ``current``.
        ``judged``: the rule's :meth:`judge` of ``ctx`` when the caller has it (:func:`apply_subsidies`
        judges once for the rate and the payment)."""
        met = all(c.met for c in (self.judge(ctx) if judged is None else judged))
        return check_fraction(self.rate_frac, "rate_frac", owner=self.name) if met else current

    def apply(self, ctx: SubsidyContext, basis: _VatBasis, standard_vat_frac: float, granted_eur: float,
              judged: tuple[ConditionResult, ...] | None = None) -> Payment:
        """The VAT saved on the renovation items (``judged`` as in :meth:`vat_frac`)."""
        judged = self.judge(ctx) if judged is None else judged
        base = basis.excl_vat_eur["renovation"]
        saved = base * (standard_vat_frac - basis.rates["renovation"]) if all(c.met for c in judged) else 0.0
        return Payment(self.name, "vat", base, saved, saved, None, (), judged)


@dataclass(frozen=True)
class Grant:
    """A grant: ``min(share x base, per_unit x units, cap)`` when eligible, paid as advance + balance.

    Parameters
    ----------
    name : str
        Rule name shown in the result.
    base : {"investment", "study"}
        What the share applies to (incl. VAT): the investment (net of earlier works grants when
        ``net_of_previous``) or the study cost. A study grant is study money (kind ``study``),
        shown apart from the grants for the works (kind ``works``).
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
        Subtract works grants already given by earlier rules from the investment base.
    conditions : tuple of Condition
        Eligibility; none: always eligible.
    """

    name: str
    base: str = "investment"
    share_frac: float = 1.0
    cap_eur: float | None = None
    eur_per_unit: float | None = None
    advance_frac: float = 1.0
    balance_year: int = 0
    net_of_previous: bool = True
    conditions: tuple = field(default=())

    def __post_init__(self):
        owner = f"Grant({self.name})"
        check_choice(self.base, "base", ("investment", "study"), owner=owner)
        check_fraction(self.share_frac, "share_frac", owner=owner)
        check_fraction(self.advance_frac, "advance_frac", owner=owner)
        check_number(self.balance_year, "balance_year", owner=owner, low=0, high=5)
        for key in ("cap_eur", "eur_per_unit"):
            if getattr(self, key) is not None:
                check_number(getattr(self, key), key, owner=owner, low=0.0, unit="EUR")
        object.__setattr__(self, "conditions", tuple(self.conditions))
        if not all(isinstance(c, Condition) for c in self.conditions):
            raise InputError(f"{owner}.conditions must be Condition objects")

    @property
    def kind(self) -> str:
        return "study" if self.base == "study" else "works"

    def apply(self, ctx: SubsidyContext, basis: _VatBasis, standard_vat_frac: float, granted_eur: float) -> Payment:
        judged = tuple([c.check(ctx, self.name) for c in self.conditions])
        if self.base == "study":
            base = ctx.study_cost_incl_vat_eur
        else:
            base = basis.incl_vat_eur - (granted_eur if self.net_of_previous else 0.0)
        base = max(base, 0.0)
        uncapped = self.share_frac * base
        if self.eur_per_unit is not None:
            uncapped = min(uncapped, self.eur_per_unit * ctx.n_units)
        eligible = all(c.met for c in judged)
        amount = 0.0 if not eligible else uncapped if self.cap_eur is None else min(uncapped, self.cap_eur)
        advance = amount * self.advance_frac
        by_year = ((0, advance), (int(self.balance_year), amount - advance)) if eligible else ()
        return Payment(self.name, self.kind, base, uncapped, amount, self.cap_eur, by_year, judged)


KLIMAATFONDS_SOURCE = (
    "Stad Antwerpen, Klimaatfonds, thematische oproep 'Hernieuwbare energie in meergezinswoningen' (2022, "
    "submissions until 29 September 2022) and its toelichtingsdocument, antwerpenvoorklimaat.be")


def klimaatfonds_antwerpen() -> list[Grant]:
    """Antwerp Klimaatfonds call "Hernieuwbare energie in meergezinswoningen" (Stad Antwerpen, 2022).

    Phase 1 (the study): up to EUR 6,000 incl. VAT of the study cost, kind ``study``; due for
    the study whatever variant is then chosen, provided the study itself is eligible: the
    building (its permit) dates from before 2014 and it has more than one apartment.
    Phase 2 (the works): ``min(80 % x net investment incl. VAT, EUR 24,000)``, the net
    investment being the variant's year-0 investment incl. VAT minus works grants given by
    earlier rules; 50 % advance (on the supplier's advance invoice, taken as year 0), balance
    at completion (taken as year 1). Eligible when the building dates from before 2014, more
    than one apartment benefits, a heat pump is part of the project, there is no lock-in, and
    the renovation path reaches an EPC indicator of at most 100 kWh/m² or a chimney-free building.

    Source: Stad Antwerpen, Klimaatfonds, thematic call "Hernieuwbare energie in
    meergezinswoningen" (call page and toelichtingsdocument on antwerpenvoorklimaat.be, 2022;
    submissions until 29 September 2022): (co-)owners, VMEs and syndics of apartment buildings
    built before 2014, collective production and use of renewable energy with a heat pump at its
    core, lock-in defined as choices that block more sustainable options later. The amounts,
    the advance and the conditions "more than one apartment" and "EPC <= 100 kWh/m² or
    chimney-free" are as issue 14 and the project's fact sheet state them; the stored copies of
    the call text did not show those passages (mgwsim assumption (not verified) for them: check
    the call text of the year before a study goes out).
    """
    return [
        Grant("klimaatfonds_phase1_study", base="study", share_frac=1.0, cap_eur=6000.0,
              conditions=(BUILT_BEFORE_2014, MULTI_APARTMENT_BUILDING)),
        Grant("klimaatfonds_phase2_works", base="investment", share_frac=0.8, cap_eur=24000.0,
              advance_frac=0.5, balance_year=1,
              conditions=(BUILT_BEFORE_2014, SERVES_SEVERAL_APARTMENTS, HEAT_PUMP_IN_PROJECT, NO_LOCK_IN,
                          EPC_100_OR_CHIMNEY_FREE)),
    ]


# ---------------------------------------------------------------------------------------------- result
@dataclass(frozen=True)
class Eligibility:
    """Whether a variant is eligible for the grants of one kind (the call's works grants).

    ``eligible`` is ``None`` when no such rule has conditions (no call applied); ``failed`` the
    unmet conditions (failed or not checked) as ``(name, reason_en, reason_nl)``, each condition
    once; ``rules`` the rules judged.
    """

    eligible: bool | None
    failed: tuple[tuple[str, str, str], ...]
    rules: tuple[str, ...]


@dataclass(frozen=True)
class SubsidyResult:
    """Outcome of applying rules to one variant: VAT rates, what each rule paid, and why not.

    ``vat_frac`` is the rate of the ``renovation`` items (reduced where :class:`ReducedVat`
    applies), ``standard_vat_frac`` that of ``fossil_heating`` and ``standard`` items;
    :meth:`vat_frac_for` gives the rate of a class.
    """

    vat_frac: float
    payments: tuple
    standard_vat_frac: float = STANDARD_VAT_FRAC
    investment_by_vat_class_eur: Mapping[str, float] = field(default_factory=dict)

    def vat_frac_for(self, vat_class: str) -> float:
        """VAT rate [-] of an item of ``vat_class`` (:data:`~mgwsim.finance.VAT_CLASSES`)."""
        check_choice(vat_class, "vat_class", VAT_CLASSES, owner="SubsidyResult")
        return self.vat_frac if vat_class == "renovation" else self.standard_vat_frac

    @property
    def vat_rates(self) -> dict[str, float]:
        """VAT rate per VAT class {class: rate} (:meth:`vat_frac_for` of each, without checking the classes)."""
        return {c: self.vat_frac if c == "renovation" else self.standard_vat_frac for c in VAT_CLASSES}

    def _sum(self, kinds) -> float:
        return float(sum(p.amount_eur for p in self.payments if p.kind in kinds))

    @property
    def works_eur(self) -> float:
        """Grants for the works [EUR] (the requested investment subsidy), undiscounted, as paid."""
        return self._sum(("works",))

    @property
    def study_eur(self) -> float:
        """Study money [EUR]: grants that pay the feasibility study, shown apart from the works grants."""
        return self._sum(("study",))

    @property
    def total_eur(self) -> float:
        """All grants paid [EUR]: works and study (VAT savings excluded: they lower the investment)."""
        return self._sum(("works", "study"))

    @property
    def vat_saved_eur(self) -> float:
        """VAT saved on the investment by the reduced rate [EUR] (not paid: a lower investment)."""
        return self._sum(("vat",))

    def by_year(self, kind: str | None = None) -> dict[int, float]:
        """Grant payments per year {year: EUR}, of one ``kind`` (``study`` or ``works``) or all."""
        if kind is not None:
            check_choice(kind, "kind", ("study", "works"), owner="SubsidyResult.by_year")
        out: dict[int, float] = {}
        for p in self.payments:
            if kind is None or p.kind == kind:
                for year, eur in p.by_year:
                    out[year] = out.get(year, 0.0) + eur
        return out

    def eligibility(self, kind: str = "works") -> Eligibility:
        """Eligibility for the grants of ``kind`` (``works``: the call's grants for the works,
        ``study``, or ``vat``) that have conditions: eligible when all their conditions are met."""
        check_choice(kind, "kind", ("works", "study", "vat"), owner="SubsidyResult.eligibility")
        judged = [p for p in self.payments if p.kind == kind and p.conditions]
        failed: dict[str, tuple[str, str, str]] = {}
        for payment in judged:
            for c in payment.conditions:
                if not c.met and c.condition not in failed:
                    failed[c.condition] = (c.condition, c.reason.en, c.reason.nl)
        eligible = None if not judged else not failed
        return Eligibility(eligible, tuple(failed.values()), tuple(p.rule for p in judged))

    def to_frame(self) -> pd.DataFrame:
        """One row per rule: kind, eligibility and its reason (English and Dutch), base,
        uncapped, paid, cap and whether the cap bit."""
        rows = [{"rule": p.rule, "kind": p.kind, "eligible": p.eligible, "base_eur": p.base_eur,
                 "uncapped_eur": p.uncapped_eur, "amount_eur": p.amount_eur, "cap_eur": p.cap_eur,
                 "capped": p.eligible and p.cap_eur is not None and p.uncapped_eur > p.cap_eur,
                 "reason_en": p.reason.en, "reason_nl": p.reason.nl} for p in self.payments]
        return pd.DataFrame(rows).set_index("rule") if rows else pd.DataFrame()

    def conditions_frame(self) -> pd.DataFrame:
        """Every condition of every rule: status (met, failed, not_checked) and reason (en, nl)."""
        rows = [{"rule": c.rule, "condition": c.condition, "status": c.status, "reason_en": c.reason.en,
                 "reason_nl": c.reason.nl} for p in self.payments for c in p.conditions]
        columns = ["rule", "condition", "status", "reason_en", "reason_nl"]
        return pd.DataFrame(rows, columns=columns).set_index(["rule", "condition"])

    def vat_frame(self) -> pd.DataFrame:
        """The variant's year-0 investment per VAT class: excl. VAT, rate and VAT [EUR]."""
        rows = [{"vat_class": c, "excl_vat_eur": eur, "vat_frac": self.vat_frac_for(c),
                 "vat_eur": eur * self.vat_frac_for(c)} for c, eur in self.investment_by_vat_class_eur.items()]
        return pd.DataFrame(rows, columns=["vat_class", "excl_vat_eur", "vat_frac", "vat_eur"]).set_index("vat_class")


def apply_subsidies(rules, ctx: SubsidyContext, *, vat_frac: float = STANDARD_VAT_FRAC) -> SubsidyResult:
    """Apply ``rules`` in order (VAT rules first) and report what each paid, and why not.

    ``vat_frac`` is the rate before any rule (standard 21 %): ``fossil_heating`` and ``standard``
    items keep it; ``renovation`` items get the reduced rate where a :class:`ReducedVat` applies.
    Works grants then see the investment incl. VAT item by item. Total grants never exceed the
    investment incl. VAT plus the study cost: a rule whose amount would do so raises (nothing
    is clipped silently).
    """
    standard = check_fraction(vat_frac, "vat_frac", owner="apply_subsidies")
    vat_judged = {id(rule): rule.judge(ctx) for rule in rules if isinstance(rule, ReducedVat)}  # once per rule
    renovation = standard
    for rule in rules:
        if isinstance(rule, ReducedVat):
            renovation = rule.vat_frac(ctx, renovation, vat_judged[id(rule)])
    rates = {"renovation": renovation, "fossil_heating": standard, "standard": standard}
    basis = _VatBasis(ctx.investment_by_class(), rates)
    payments, granted = [], 0.0
    for rule in rules:
        if id(rule) in vat_judged:
            payment = rule.apply(ctx, basis, standard, granted, judged=vat_judged[id(rule)])
        else:
            payment = rule.apply(ctx, basis, standard, granted)
        payments.append(payment)
        if payment.kind == "works":
            granted += payment.amount_eur
    result = SubsidyResult(renovation, tuple(payments), standard, basis.excl_vat_eur)
    ceiling = basis.incl_vat_eur + ctx.study_cost_incl_vat_eur
    if result.total_eur > ceiling + 1e-6:
        raise InputError(f"apply_subsidies: grants {result.total_eur:.2f} EUR exceed the eligible costs "
                         f"{ceiling:.2f} EUR")
    return result
