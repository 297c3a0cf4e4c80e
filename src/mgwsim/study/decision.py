"""The study's decision: which variants qualify, how the qualified ones rank, what is recommended.

The order is the one a subsidy jury and a reviewing engineer follow (docs/decision.md):

1. **Qualification.** A variant qualifies when it is eligible for the call the study applies
   for (every condition of its grant rules met) and is feasible: the space heating within
   the comfort tolerance, the hot water kept at temperature, the grid connection able to
   carry it (its reinforcement is costed in the investments) and no lock-in left at the end
   of the renovation path the study computes (today's verdicts are shown beside it).
2. **Ranking.** The qualified variants are ranked by one stated criterion (:data:`CRITERIA`);
   by default the unprofitable gap before grants per tonne of CO2 avoided over the horizon,
   the measure behind the Antwerp Klimaatfonds jury's "requested support relative to the
   unprofitable gap" and "impact" scores.
3. **Going chimney-free.** When the first variant keeps a combustion boiler, the marginal cost
   per extra tonne avoided of the best chimney-free variant is stated, so that the co-owners
   can choose knowingly.

Unmet heat is never a saving: the study prices it as direct electric heating
(:func:`mgwsim.study.evaluate.assess_year`), and a variant beyond the comfort tolerance is
never recommended. When no variant qualifies, :class:`Decision` says so and lists what would
make one qualify.

:func:`decide` works on a plain table (one row per variant, the columns of
:data:`DECISION_COLUMNS`), so that a case can be built and ranked by hand in a test;
:meth:`mgwsim.study.StudyResult.decision` builds that table from a study.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mgwsim._format import format_eur, format_number, format_pct, in_language, is_missing
from mgwsim.errors import InputError, check_choice, check_number

COMFORT_TOLERANCE_SHARE = 0.03
"""Default share of the hours that may fall short of comfort [-]: 3 % of the heating hours
for space heating, 3 % of the year for hot water. EN 15251:2007, Annex G (informative),
"recommended criteria for acceptable deviations": a building meets its comfort category when
the conditions are outside the category's range for no more than 3 % (or 5 %) of the occupied
hours of a year; EN 16798-1:2019 carries the same criterion over."""

LOCK_IN_CHECKS = ("fossil_lock_in", "temperature_lock_in", "refrigerant_lock_in", "heat_network_temperature")
"""Checks whose ``fail`` is a lock-in (a choice that blocks a better one later): it disqualifies a
variant and is what a call's "no lock-in" condition reads (judged at the end of the path)."""

TIE_TOLERANCE_FRAC = 0.05
"""Default tie band of the ranking [-]: variants whose criterion value lies within 5 % of the best one's
(relative to the best) are tied. A feasibility study's money is estimated at AACE International's
estimate class 4 ("study or feasibility", Recommended Practice 18R-97): an accuracy of -15 % to -30 % on
the low side and +20 % to +50 % on the high side. A difference of 5 % between two variants lies far
inside that band, so the study does not let it decide alone; ties are broken by
:data:`TIE_BREAKERS`."""

TIE_BREAKERS = ("up_front_per_apartment_eur", "npv_eur")
"""How tied variants are ordered: the lowest net payment up front per apartment (investment and study
incl. VAT, less the grants, over the apartments: what the co-owners must find), then the highest NPV."""

HYGIENE_CHECK = "hot_water_hygiene"
"""The legionella check: its ``fail`` (a setpoint below the legionella minimum, or the tank below
its setpoint for longer than the hot-water tolerance) disqualifies a variant as a shortfall of hot
water, not as a lock-in."""


def hot_water_tolerated_hours(hours: float, share: float = COMFORT_TOLERANCE_SHARE) -> float:
    """Hours a year the hot-water tank may be below its setpoint [h]: ``share`` of the hours simulated."""
    return share * float(hours)


@dataclass(frozen=True)
class Criterion:
    """A ranking criterion: the table column it reads and which way is better."""

    name: str
    column: str
    ascending: bool
    text_en: str
    text_nl: str
    unit: str


CRITERIA: dict[str, Criterion] = {c.name: c for c in (
    Criterion("gap_per_t_co2", "gap_per_t_co2_eur", True,
              "the lowest unprofitable gap before grants per tonne of CO2 avoided",
              "de laagste onrendabele top vóór subsidies per vermeden ton CO2", "EUR/t"),
    Criterion("npv", "npv_eur", False, "the highest net present value against the reference",
              "de hoogste netto contante waarde tegenover de referentie", "EUR"),
    Criterion("gap", "gap_before_grants_eur", True, "the lowest unprofitable gap before grants",
              "de laagste onrendabele top vóór subsidies", "EUR"),
    Criterion("co2", "co2_avoided_t", False, "the most CO2 avoided over the horizon",
              "de meeste vermeden CO2 over de looptijd", "t"),
)}
"""Ranking criteria of the recommendation; the default is ``gap_per_t_co2``."""

DECISION_COLUMNS = (
    "cold_hours", "heating_hours", "dhw_short_hours", "hours", "hygiene_ok", "connection_feasible",
    "lock_in_failures", "eligible", "failed_conditions", "chimney_free", "path", "epc_path_kwh_m2",
    "construction_year", "npv_eur", "npv_before_grants_eur", "gap_before_grants_eur", "co2_avoided_t",
    "gap_per_t_co2_eur",
)
"""What :func:`decide` reads per variant (index: variant name).

``cold_hours`` hours with the rooms' operative temperature more than 1 K below the heating
setpoint in the coupled year [h] (:meth:`mgwsim.system.SystemResult.comfort_kpis`; a decoupled
screening year, as the city rows run, gives its hours with unmet heat instead);
``heating_hours`` hours with a space-heating need [h]; ``dhw_short_hours`` hours with the hot-water tank below its setpoint
[h]; ``hours`` hours simulated [h]; ``hygiene_ok`` no fail on the legionella check
(:data:`HYGIENE_CHECK`); ``connection_feasible`` the connection carries the variant
(bool); ``lock_in_failures`` names of failed lock-in checks at the end of the path (tuple);
``eligible`` the call's conditions are met (bool, or None when the study applies no call);
``failed_conditions`` the unmet conditions (tuple of (name, English, Dutch) as the grant rules
state them); ``chimney_free`` no combustion appliance at the end of the path (bool); ``path``
whether the lock-in and EPC verdicts are those at the end of a renovation path (bool; else
today's); ``epc_path_kwh_m2`` the EPC indicator at the end of the path (or today) [kWh/m²];
``construction_year``; money [EUR] and CO2 avoided over the horizon [t] from the business case.

Optional: ``up_front_per_apartment_eur`` the mean net payment up front per apartment [EUR]
(investment and study incl. VAT less the grants, over the apartments), the first tie-breaker
(:data:`TIE_BREAKERS`); without it ties are broken by the NPV alone."""


@dataclass(frozen=True)
class DecisionRules:
    """How the study decides.

    Parameters
    ----------
    criterion : str
        Ranking criterion, a key of :data:`CRITERIA` (default ``"gap_per_t_co2"``).
    max_unmet_share : float
        Largest share of the heating hours with the rooms more than 1 K below their setpoint
        [-] (default 3 %, :data:`COMFORT_TOLERANCE_SHARE`).
    max_hot_water_short_share : float
        Largest share of the year's hours with the hot-water tank below its setpoint [-]
        (default 3 %).
    require_eligibility : bool
        Only variants eligible for the call's grants are recommended (default True; without
        a grant rule that has conditions there is no call and nothing to require).
    tie_tolerance_frac : float
        Variants whose criterion value lies within this share of the best one's are tied and
        ordered by :data:`TIE_BREAKERS` (default 5 %, :data:`TIE_TOLERANCE_FRAC`: well inside the
        accuracy of a feasibility-stage estimate); 0 breaks only exact ties.
    """

    criterion: str = "gap_per_t_co2"
    max_unmet_share: float = COMFORT_TOLERANCE_SHARE
    max_hot_water_short_share: float = COMFORT_TOLERANCE_SHARE
    require_eligibility: bool = True
    tie_tolerance_frac: float = TIE_TOLERANCE_FRAC

    def __post_init__(self):
        check_choice(self.criterion, "criterion", tuple(CRITERIA), owner="DecisionRules")
        check_number(self.max_unmet_share, "max_unmet_share", owner="DecisionRules", low=0.0, high=1.0)
        check_number(self.max_hot_water_short_share, "max_hot_water_short_share", owner="DecisionRules",
                     low=0.0, high=1.0)
        check_number(self.tie_tolerance_frac, "tie_tolerance_frac", owner="DecisionRules", low=0.0, high=0.5)

    @property
    def ranking(self) -> Criterion:
        return CRITERIA[self.criterion]


@dataclass(frozen=True)
class Shortfall:
    """Why a variant does not qualify, and what would make it qualify (English and Dutch)."""

    key: str
    en: str
    nl: str
    remedy_en: str
    remedy_nl: str

    def text(self, language: str) -> str:
        return self.nl if language == "nl" else self.en

    def remedy(self, language: str) -> str:
        return self.remedy_nl if language == "nl" else self.remedy_en


_CHECK_SHORTFALLS = {
    "fossil_lock_in": ("the gas boiler still supplies too much heat {when_en} (fossil lock-in)",
                       "de gasketel levert {when_nl} nog te veel warmte (fossiele lock-in)",
                       "a larger heat-pump share, an electric backup or the planned envelope steps",
                       "een groter aandeel warmtepomp, een elektrische back-up of de geplande isolatiestappen"),
    "temperature_lock_in": ("the radiators still need temperatures the heat pumps cannot reach {when_en} "
                            "(temperature lock-in)",
                            "de radiatoren vragen {when_nl} nog temperaturen die de warmtepompen niet halen "
                            "(temperatuur-lock-in)",
                            "the envelope steps first, or larger or low-temperature radiators",
                            "eerst de isolatiestappen, of grotere of lagetemperatuurradiatoren"),
    "heat_network_temperature": ("the radiators still need temperatures the heat network cannot deliver {when_en} "
                                 "(temperature lock-in)",
                                 "de radiatoren vragen {when_nl} nog temperaturen die het warmtenet niet levert "
                                 "(temperatuur-lock-in)",
                                 "the envelope steps first, larger radiators, or a network with a higher supply",
                                 "eerst de isolatiestappen, grotere radiatoren, of een warmtenet met een hogere "
                                 "aanvoertemperatuur"),
    "hot_water_hygiene": ("the hot water is not kept at legionella-safe temperatures",
                          "het warm water blijft niet op een legionellaveilige temperatuur",
                          "a hot-water heat pump or booster that reaches 60 °C, or a larger hot-water tank",
                          "een warmtepomp of naverwarming voor warm water die 60 °C haalt, of een grotere boiler"),
    "refrigerant_lock_in": ("its refrigerant is banned for this equipment within the horizon (EU F-gas Regulation "
                            "2024/573)",
                            "het koudemiddel wordt voor dit toestel verboden binnen de looptijd (EU F-gassenverordening "
                            "2024/573)",
                            "a heat pump with a natural refrigerant (R290, R744)",
                            "een warmtepomp met een natuurlijk koudemiddel (R290, R744)"),
}


def _hours(value: float) -> tuple[str, str]:
    """Hours in running text, English and Dutch number formats."""
    return format_number(value, "en"), format_number(value, "nl")


def shortfalls(row: pd.Series, rules: DecisionRules) -> list[Shortfall]:
    """Every reason why the variant of ``row`` (columns :data:`DECISION_COLUMNS`) does not qualify."""
    out = []
    allowed_cold = rules.max_unmet_share * float(row["heating_hours"])
    if float(row["cold_hours"]) > allowed_cold:
        (cold_en, cold_nl), (allowed_en, allowed_nl) = _hours(row["cold_hours"]), _hours(allowed_cold)
        share_en, share_nl = format_pct(rules.max_unmet_share, "en"), format_pct(rules.max_unmet_share, "nl")
        out.append(Shortfall(
            "comfort",
            f"the rooms stay more than 1 K below their setpoint in {cold_en} hours, more than the {allowed_en} "
            f"tolerated ({share_en} of the heating hours)",
            f"de woningen blijven in {cold_nl} uren meer dan 1 K onder hun insteltemperatuur, meer dan de "
            f"{allowed_nl} toegelaten ({share_nl} van de stookuren)",
            "a larger heat-pump plant or a backup sized for the design load, or the envelope steps first",
            "een grotere warmtepompinstallatie of een back-up voor het ontwerpvermogen, of eerst de isolatiestappen"))
    allowed_dhw = hot_water_tolerated_hours(row["hours"], rules.max_hot_water_short_share)
    short_of_hot_water = float(row["dhw_short_hours"]) > allowed_dhw
    if not bool(row["hygiene_ok"]) and not short_of_hot_water:  # a setpoint below the legionella minimum
        out.append(Shortfall(HYGIENE_CHECK, *_check_shortfall(HYGIENE_CHECK, row)))
    if short_of_hot_water:
        (short_en, short_nl), (allowed_en, allowed_nl) = _hours(row["dhw_short_hours"]), _hours(allowed_dhw)
        out.append(Shortfall(
            "hot_water",
            f"the hot-water tank is below its setpoint in {short_en} hours, more than the {allowed_en} tolerated",
            f"de boiler zakt in {short_nl} uren onder zijn insteltemperatuur, meer dan de {allowed_nl} toegelaten",
            "a larger hot-water tank, heat pump or booster",
            "een grotere boiler, warmtepomp of naverwarming"))
    if not bool(row["connection_feasible"]):
        out.append(Shortfall(
            "connection", "its peak needs a medium-voltage connection the variant does not include",
            "de piek vraagt een middenspanningsaansluiting die de variant niet voorziet",
            "a private medium-voltage cabin, or peak-limited control of the heat pumps and chargers",
            "een eigen middenspanningscabine, of piekbeperkende sturing van warmtepompen en laadpunten"))
    for name in row["lock_in_failures"]:
        out.append(Shortfall(name, *_check_shortfall(name, row)))
    if rules.require_eligibility and not is_missing(row["eligible"]) and not bool(row["eligible"]):
        for name, en, nl in row["failed_conditions"]:
            plain_en, plain_nl = condition_text(name, row, en, nl)
            unchecked = en.startswith("not checked")
            out.append(Shortfall(f"eligibility:{name}", f"it is not eligible for the call: {plain_en}",
                                 f"ze komt niet in aanmerking voor de oproep: {plain_nl}",
                                 _condition_remedy(name, "en", unchecked), _condition_remedy(name, "nl", unchecked)))
    return out


_WHEN = {True: ("at the end of the renovation path", "op het einde van het renovatiepad"), False: ("today", "vandaag")}
"""When a verdict holds: at the end of a renovation path, or on today's building."""


def _check_shortfall(name: str, row: pd.Series) -> tuple[str, str, str, str]:
    """(en, nl, remedy en, remedy nl) of a failed check, said of the path's end or of today (``row["path"]``)."""
    en, nl, remedy_en, remedy_nl = _CHECK_SHORTFALLS.get(
        name, (f"the {name.replace('_', ' ')} check fails {{when_en}}", f"de toets {name.replace('_', ' ')} faalt "
               "{when_nl}", "a design that passes it", "een ontwerp dat de toets doorstaat"))
    when_en, when_nl = _WHEN[bool(row["path"])]
    return en.format(when_en=when_en), nl.format(when_nl=when_nl), remedy_en, remedy_nl


def condition_text(name: str, row: pd.Series, en: str, nl: str) -> tuple[str, str]:
    """A call condition that failed (``name`` and the rule's ``en``/``nl`` reason), in plain words with
    this variant's values (``row``: the columns of :data:`DECISION_COLUMNS`)."""
    if en.startswith("not checked"):
        return en, nl
    if name == "epc_100_or_chimney_free":
        epc = format_number(row["epc_path_kwh_m2"], "en")
        epc_nl = format_number(row["epc_path_kwh_m2"], "nl")
        when_en, when_nl = (("after the renovation path", "na het renovatiepad") if bool(row["path"])
                            else ("with today's building and no renovation path", "met het gebouw van vandaag, "
                                  "zonder renovatiepad"))
        return (f"the call asks for a path to an EPC indicator of at most 100 kWh/m² or a chimney-free building; "
                f"{when_en} the indicator is {epc} kWh/m² and a gas boiler stays",
                f"de oproep vraagt een pad naar een EPC-kengetal van hoogstens 100 kWh/m² of een schouwvrij gebouw; "
                f"{when_nl} is het kengetal {epc_nl} kWh/m² en blijft er een gasketel")
    if name == "built_before_2014":
        return (f"the call is for buildings from before 2014 (this one: {row['construction_year']})",
                f"de oproep geldt voor gebouwen van vóór 2014 (dit gebouw: {row['construction_year']})")
    if name == "heat_pump_in_project":
        return "the call asks for a heat pump in the project", "de oproep vraagt een warmtepomp in het project"
    if name == "no_lock_in":
        return "the call asks for a project without lock-in", "de oproep vraagt een project zonder lock-in"
    if name in ("multi_apartment_building", "serves_several_apartments"):
        return ("the call asks that more than one apartment benefits",
                "de oproep vraagt dat meer dan één appartement er baat bij heeft")
    return en, nl


_CONDITION_REMEDIES = {
    "epc_100_or_chimney_free": ("the planned envelope steps (to reach an EPC indicator of at most 100 kWh/m²) or an "
                            "all-electric plant (chimney-free)",
                            "de geplande isolatiestappen (tot een EPC-kengetal van hoogstens 100 kWh/m²) of een "
                            "volledig elektrische installatie (schouwvrij)"),
    "no_lock_in": ("a design without lock-in (see the lock-in checks)",
                   "een ontwerp zonder lock-in (zie de lock-in-toetsen)"),
    "heat_pump_in_project": ("a heat pump in the project", "een warmtepomp in het project"),
}


def _condition_remedy(name: str, language: str, unchecked: bool = False) -> str:
    if unchecked:
        return in_language(("the missing fact in the study's inputs (e.g. the building's construction year), so that "
                            "the call's condition can be checked",
                            "het ontbrekende gegeven in de invoer van de studie (bv. het bouwjaar), zodat de "
                            "voorwaarde van de oproep gecontroleerd kan worden"), language)
    default = ("nothing within the project: the building does not meet this condition of the call",
               "niets binnen het project: het gebouw voldoet niet aan deze voorwaarde van de oproep")
    en, nl = _CONDITION_REMEDIES.get(name, default)
    return nl if language == "nl" else en


@dataclass(frozen=True)
class ChimneyFreeStep:
    """What going chimney-free costs beyond the recommended variant.

    ``marginal_eur_per_t`` = (extra cost before grants, as NPV) / (extra tonnes of CO2 avoided
    over the horizon); None when the chimney-free variant avoids no more CO2.
    """

    name: str
    qualifies: bool
    extra_cost_eur: float
    extra_co2_avoided_t: float
    marginal_eur_per_t: float | None


@dataclass(frozen=True)
class Decision:
    """The outcome of :func:`decide`.

    Attributes
    ----------
    rules : DecisionRules
    table : DataFrame
        The input rows with ``qualifies``, ``shortfalls`` (list of :class:`Shortfall`),
        ``criterion_value`` and ``rank`` (1 = best among the qualified; NaN otherwise).
    recommended : str or None
        The first qualified variant; None when no variant qualifies.
    chimney_free_step : ChimneyFreeStep or None
        The best chimney-free alternative when the recommended variant keeps a boiler.
    """

    rules: DecisionRules
    table: pd.DataFrame = field(repr=False)
    recommended: str | None
    chimney_free_step: ChimneyFreeStep | None

    @property
    def qualified(self) -> list[str]:
        """The qualified variants, best first."""
        ranked = self.table[self.table["qualifies"]].sort_values("rank")
        return list(ranked.index)

    @property
    def tied(self) -> list[str]:
        """The qualified variants within the tie band of the best criterion value
        (:attr:`DecisionRules.tie_tolerance_frac`), in their tie-broken order (the recommended one
        first); empty when the first is not tied with any other."""
        if "tied" not in self.table.columns:
            return []
        ranked = self.table[self.table["qualifies"] & self.table["tied"].astype(bool)].sort_values("rank")
        return list(ranked.index) if len(ranked) > 1 else []

    @property
    def closest(self) -> str:
        """The variant nearest to qualifying: fewest shortfalls, then the best criterion value."""
        if self.recommended is not None:
            return self.recommended
        order = self.table.assign(_n=self.table["shortfalls"].map(len))
        order = _sort_by_criterion(order, self.rules.ranking, first="_n")
        return str(order.index[0])

    @property
    def applies_call(self) -> bool:
        """Whether the study applies a call with conditions (some variant has a known eligibility)."""
        return bool(self.table["eligible"].map(lambda v: not is_missing(v)).any())

    def criterion_text(self, name: str, language: str = "en") -> str:
        """The criterion's value of variant ``name`` in words (``EUR 1,234/t``, ``EUR -5,000``, ``350 t``)."""
        criterion, value = self.rules.ranking, self.table.loc[name, "criterion_value"]
        if is_missing(value):
            return in_language(("no CO2 avoided", "geen vermeden CO2"), language)
        if criterion.unit == "t":
            return f"{format_number(value, language)} t"
        per = "/t" if criterion.unit == "EUR/t" else ""
        return format_eur(value, language) + per

    def reason(self, language: str = "en", labels: dict[str, str] | None = None) -> str:
        """Why :attr:`recommended` was chosen, or why nothing was, with what would change that; ``labels`` as
        :meth:`tie_break_text`."""
        labels = labels or {}
        if self.recommended is None:
            return _none_qualifies(self, language, labels)
        name, n = labels.get(self.recommended, self.recommended), len(self.qualified)
        path = bool(self.table["path"].any())
        if n == 1:
            test = _qualification_text(self.applies_call, path, language, singular=True)
            return in_language((f"'{name}' is the only variant that {test}.",
                                f"'{name}' is de enige variant die {test}."), language)
        test = _qualification_text(self.applies_call, path, language)
        criterion = in_language((self.rules.ranking.text_en, self.rules.ranking.text_nl), language)
        value = self.criterion_text(self.recommended, language)
        tied = self.tied
        if tied:
            return in_language((f"Of the {n} variants that {test}, ", f"Van de {n} varianten die {test}, "),
                               language) + self.tie_text(language, labels)
        return in_language((f"Of the {n} variants that {test}, '{name}' has {criterion} ({value}).",
                            f"Van de {n} varianten die {test}, heeft '{name}' {criterion} ({value})."), language)

    def tie_text(self, language: str = "en", labels: dict[str, str] | None = None) -> str:
        """The tie in words: which variants lie within the tie band on the criterion, with their values,
        and the tie-breaker that chose the recommended one ("" when there is no tie)."""
        tied = self.tied
        if not tied:
            return ""
        labels = labels or {}
        band = format_pct(self.rules.tie_tolerance_frac, language, 0)
        listed = ", ".join(f"'{labels.get(n, n)}' ({self.criterion_text(n, language)})" for n in tied)
        criterion = in_language((self.rules.ranking.text_en, self.rules.ranking.text_nl), language)
        head = in_language((
            f"{listed} lie within {band} of each other on {criterion}: a tie, since a feasibility-stage "
            f"estimate is far less accurate than that (AACE class 4: -15 to -30 % / +20 to +50 %). ",
            f"{listed} liggen binnen {band} van elkaar op {criterion}: een gelijkspel, want een raming in "
            f"de haalbaarheidsfase is veel minder nauwkeurig (AACE-klasse 4: -15 tot -30 % / +20 tot +50 %). "),
            language)
        return head + self.tie_break_text(language, labels)

    def tie_break_text(self, language: str = "en", labels: dict[str, str] | None = None) -> str:
        """Which tie-breaker chose the recommended variant among the tied ones, with the amounts ("" when
        there is no tie). ``labels``: the variants' names in ``language`` (``{name: label}``, e.g. their
        ``name_nl`` in a Dutch report); a name without a label is quoted as given."""
        if not self.tied:
            return ""
        return self._tie_break_pair(language, labels or {}) + self._dearer_up_front(language, labels or {})

    def _dearer_up_front(self, language: str, labels: dict[str, str]) -> str:
        """The tied variants beyond the two compared that ask more up front per apartment than the recommended
        one (set aside by the first tie-breaker), in a sentence ("" when none)."""
        table, first = self.table, self.tied[0]
        if "up_front_per_apartment_eur" not in table.columns or len(self.tied) < 3:
            return ""
        own = round(float(table.loc[first, "up_front_per_apartment_eur"]))
        dearer = [n for n in self.tied[2:] if round(float(table.loc[n, "up_front_per_apartment_eur"])) > own]
        if not dearer:
            return ""
        listed = ", ".join(
            f"'{labels.get(n, n)}' ({format_eur(float(table.loc[n, 'up_front_per_apartment_eur']), language)})"
            for n in dearer)
        return in_language((f" Also tied, but dearer up front per apartment: {listed}.",
                            f" Ook gelijk, maar vooraf duurder per appartement: {listed}."), language)

    def _tie_break_pair(self, language: str, labels: dict[str, str]) -> str:
        table = self.table
        first, second = self.tied[:2]
        shown = labels.get(first, first)
        if "up_front_per_apartment_eur" in table.columns:
            a, b = float(table.loc[first, "up_front_per_apartment_eur"]), float(table.loc[second, "up_front_per_apartment_eur"])
            if np.isfinite(a) and np.isfinite(b) and round(b - a) > 0:
                npv_a, npv_b = float(table.loc[first, "npv_eur"]), float(table.loc[second, "npv_eur"])
                npv_en = npv_nl = ""
                if npv_a > npv_b:
                    npv_en = f" and has the better net present value ({format_eur(npv_a, 'en')} against {format_eur(npv_b, 'en')})"
                    npv_nl = (f" en heeft de betere netto contante waarde ({format_eur(npv_a, 'nl')} tegenover "
                              f"{format_eur(npv_b, 'nl')})")
                return in_language((
                    f"The tie is broken by the payment up front per apartment: '{shown}' costs each apartment "
                    f"{format_eur(b - a, 'en')} less up front ({format_eur(a, 'en')} against {format_eur(b, 'en')})"
                    f"{npv_en}, so it is recommended.",
                    f"Het gelijkspel wordt beslecht door wat elk appartement vooraf betaalt: '{shown}' kost elk "
                    f"appartement vooraf {format_eur(b - a, 'nl')} minder ({format_eur(a, 'nl')} tegenover "
                    f"{format_eur(b, 'nl')}){npv_nl}, dus die wordt aanbevolen."), language)
        npv_a, npv_b = float(table.loc[first, "npv_eur"]), float(table.loc[second, "npv_eur"])
        return in_language((
            f"The up-front payments per apartment are practically equal, so the tie is broken by the net present "
            f"value: '{shown}' has {format_eur(npv_a, 'en')} against {format_eur(npv_b, 'en')}, so it is recommended.",
            f"Wat elk appartement vooraf betaalt, is praktisch gelijk, dus beslecht de netto contante waarde het "
            f"gelijkspel: '{shown}' heeft {format_eur(npv_a, 'nl')} tegenover {format_eur(npv_b, 'nl')}, dus die "
            f"wordt aanbevolen."), language)

    def to_frame(self, language: str = "en") -> pd.DataFrame:
        """The decision as plain values, best first: rank, qualifies, criterion and its value, the
        shortfalls in words ("; "-joined) and the columns it was decided on (a CSV or a sheet)."""
        table = self.table
        frame = pd.DataFrame({
            "rank": table["rank"], "qualifies": table["qualifies"], "criterion": self.rules.criterion,
            "criterion_value": table["criterion_value"],
            "shortfalls": table["shortfalls"].map(lambda items: "; ".join(s.text(language) for s in items)),
            "lock_in_failures": table["lock_in_failures"].map(", ".join),
            "eligible": table["eligible"],
            "failed_conditions": table["failed_conditions"].map(
                lambda items: "; ".join(c[2 if language == "nl" else 1] for c in items)),
        })
        plain = [c for c in (*DECISION_COLUMNS, *TIE_BREAKERS, "tied") if c in table.columns and c not in frame.columns]
        frame = frame.join(table[plain])
        order = frame.assign(_rank=frame["rank"].fillna(np.inf)).sort_values("_rank", kind="stable").index
        return frame.loc[order].rename_axis("variant")

    def remedies(self, language: str = "en") -> list[str]:
        """What would make a variant qualify, most frequent shortfall first (empty when one does)."""
        if self.recommended is not None:
            return []
        shortfalls = [s for items in self.table["shortfalls"] for s in items]
        first = {s.key: s for s in reversed(shortfalls)}  # the first shortfall of each key
        remedies: list[str] = []
        for key, _ in Counter(s.key for s in shortfalls).most_common():
            text = first[key].remedy(language)
            if text not in remedies:
                remedies.append(text)
        return remedies


def _sort_by_criterion(frame: pd.DataFrame, criterion: Criterion, *, first: str | None = None) -> pd.DataFrame:
    """Rows best first: by ``first`` (ascending) if given, the criterion (NaN last), the NPV, the name."""
    keys = ([first] if first else []) + ["_criterion_missing", criterion.column, "_neg_npv", "_name"]
    ascending = ([True] if first else []) + [True, criterion.ascending, True, True]
    helper = frame.assign(_criterion_missing=frame[criterion.column].isna(), _neg_npv=-frame["npv_eur"],
                          _name=frame.index.astype(str))
    return helper.sort_values(keys, ascending=ascending, kind="stable").drop(
        columns=["_criterion_missing", "_neg_npv", "_name"])


def _qualification_text(applies_call: bool, path: bool, language: str, *, singular: bool = False) -> str:
    """The qualification as a relative clause ("... that are eligible ..., heat the building ...")."""
    after_en, after_nl = (" after the renovation path", "na het renovatiepad ") if path else ("", "")
    if singular:
        en = ("heats the building within the comfort tolerance, keeps the hot water at temperature, fits a feasible "
              f"grid connection and leaves no lock-in{after_en}")
        nl = ("het gebouw verwarmt binnen de comforttolerantie, het warm water op temperatuur houdt, een haalbare "
              f"netaansluiting heeft en {after_nl}geen lock-in laat")
        call_en, call_nl = "is eligible for the call's grants, ", "in aanmerking komt voor de subsidie van de oproep, "
    else:
        en = ("heat the building within the comfort tolerance, keep the hot water at temperature, fit a feasible "
              f"grid connection and leave no lock-in{after_en}")
        nl = ("het gebouw verwarmen binnen de comforttolerantie, het warm water op temperatuur houden, een haalbare "
              f"netaansluiting hebben en {after_nl}geen lock-in laten")
        call_en, call_nl = "are eligible for the call's grants, ", "in aanmerking komen voor de subsidie van de oproep, "
    if applies_call:
        en, nl = call_en + en, call_nl + nl
    return in_language((en, nl), language)


def _none_qualifies(decision: Decision, language: str, labels: dict[str, str]) -> str:
    closest = labels.get(decision.closest, decision.closest)
    reasons = "; ".join(s.text(language) for s in decision.table.loc[decision.closest, "shortfalls"])
    remedies = "; ".join(decision.remedies(language))
    return in_language((
        f"No variant qualifies, so none is recommended. The closest is '{closest}': {reasons}. "
        f"What would make a variant qualify: {remedies}.",
        f"Geen enkele variant voldoet, dus er wordt geen aanbevolen. De dichtstbijzijnde is '{closest}': {reasons}. "
        f"Wat een variant zou doen voldoen: {remedies}."), language)


def _chimney_free_step(table: pd.DataFrame, recommended: str, criterion: Criterion) -> ChimneyFreeStep | None:
    if bool(table.loc[recommended, "chimney_free"]):
        return None
    options = table[table["chimney_free"].astype(bool)]
    if options.empty:
        return None
    qualified = options[options["qualifies"]]
    best = _sort_by_criterion(qualified if not qualified.empty else options, criterion).index[0]
    extra_cost = float(table.loc[recommended, "npv_before_grants_eur"] - table.loc[best, "npv_before_grants_eur"])
    extra_t = float(table.loc[best, "co2_avoided_t"] - table.loc[recommended, "co2_avoided_t"])
    marginal = extra_cost / extra_t if extra_t > 0.0 else None
    return ChimneyFreeStep(str(best), bool(table.loc[best, "qualifies"]), extra_cost, extra_t, marginal)


def _tie_band(ranked: pd.DataFrame, rules: DecisionRules) -> list:
    """The variants (best first by the criterion) whose criterion value lies within the tie band of the
    first one's: ``|v - v_best| <= tolerance x |v_best|``; a missing value is never tied."""
    values = ranked["criterion_value"].to_numpy(dtype=float)
    best = values[0]
    if not np.isfinite(best):
        return list(ranked.index[:1])
    inside = np.isfinite(values) & (np.abs(values - best) <= rules.tie_tolerance_frac * abs(best) + 1e-9)
    return list(ranked.index[inside])


def _sort_tied(frame: pd.DataFrame) -> pd.DataFrame:
    """Tied variants by :data:`TIE_BREAKERS`: the lowest up-front payment per apartment (rounded to the
    euro, as printed; missing: NPV alone), then the highest NPV, then the name."""
    up_front = (frame["up_front_per_apartment_eur"].astype(float).round(0)
                if "up_front_per_apartment_eur" in frame.columns else pd.Series(0.0, index=frame.index))
    helper = frame.assign(_up=up_front.fillna(np.inf), _neg_npv=-frame["npv_eur"].astype(float),
                          _name=frame.index.astype(str))
    return helper.sort_values(["_up", "_neg_npv", "_name"], kind="stable").drop(columns=["_up", "_neg_npv", "_name"])


def decide(frame: pd.DataFrame, rules: DecisionRules | None = None) -> Decision:
    """Qualify, rank and recommend (module docstring).

    Parameters
    ----------
    frame : DataFrame
        One row per variant (index: name; the reference excluded) with the columns of
        :data:`DECISION_COLUMNS`.
    rules : DecisionRules, optional

    Returns
    -------
    Decision
    """
    rules = rules or DecisionRules()
    missing = [c for c in DECISION_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"decide.frame is missing the column(s) {missing}; expected {list(DECISION_COLUMNS)}")
    if frame.empty:
        raise InputError("decide.frame has no variant")
    table = frame.copy()
    table["shortfalls"] = [shortfalls(row, rules) for _, row in table.iterrows()]
    table["qualifies"] = table["shortfalls"].map(lambda items: not items)
    criterion = rules.ranking
    table["criterion_value"] = table[criterion.column].astype(float)
    ranked = _sort_by_criterion(table[table["qualifies"]], criterion)
    table["tied"] = False
    if len(ranked):
        band = _tie_band(ranked, rules)
        table.loc[band, "tied"] = len(band) > 1
        if len(band) > 1:
            ranked = pd.concat([_sort_tied(ranked.loc[band]), ranked.drop(index=band)])
    table["rank"] = np.nan
    table.loc[ranked.index, "rank"] = np.arange(1, len(ranked) + 1, dtype=float)
    recommended = str(ranked.index[0]) if len(ranked) else None
    step = _chimney_free_step(table, recommended, criterion) if recommended is not None else None
    return Decision(rules, table, recommended, step)
