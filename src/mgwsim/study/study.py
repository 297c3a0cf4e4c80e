"""A feasibility study: a building, a reference, variants → comparison table, ranking, report."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd

from mgwsim.assess import PathAssessment, PathContext, evaluate_path, future_proof_score
from mgwsim.control import Control
from mgwsim.errors import InputError, check_choice
from mgwsim.finance import BusinessCase, Finance, Option, business_case, co_owner_split
from mgwsim.study.costs import advanced_step_investments, connection_upgrade_eur, includes_pv_remount
from mgwsim.study.decision import (
    CRITERIA,
    DECISION_COLUMNS,
    HYGIENE_CHECK,
    LOCK_IN_CHECKS,
    Decision,
    DecisionRules,
    decide,
    hot_water_tolerated_hours,
)
from mgwsim.study.evaluate import VariantResult, evaluate_variant
from mgwsim.study.inputs import StudyInputs
from mgwsim.study.variant import Variant

RANKINGS = (*CRITERIA, "subsidy_gap", "future_proof", "weighted")


def _progress_reporter(progress, steps: int) -> tuple[Callable[[str], None], Callable[[], None]]:
    """``(tell, close)`` for :meth:`Study.run`'s ``progress``: the caller's function, a tqdm bar or nothing."""
    if callable(progress):
        return progress, lambda: None
    if progress is not None and not isinstance(progress, bool):
        raise InputError(f"Study.run.progress must be a function, True, False or None, got {progress!r}")
    stream = _watched_stream() if progress is None else (sys.stderr if progress else None)
    if stream is None:
        return (lambda message: None), lambda: None
    from tqdm import tqdm

    bar = tqdm(total=steps, desc="mgwsim study", unit="step", file=stream, leave=False)
    started = []

    def tell(message: str) -> None:  # called as a step starts: the one before it is done
        if started:
            bar.update(1)
        started.append(message)
        bar.set_postfix_str(message)

    def close() -> None:
        if started:
            bar.update(1)
        bar.close()

    return tell, close


def _watched_stream():
    """Where someone sees a progress bar: stderr in a terminal, stdout in a notebook kernel; else None."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if getattr(shell, "kernel", None) is not None:  # a running notebook kernel
        return sys.stdout  # a notebook shows stdout as output, stderr as a warning
    isatty = getattr(sys.stderr, "isatty", None)
    return sys.stderr if isatty is not None and isatty() else None


def variant_business_case(inputs: StudyInputs, result: VariantResult, reference: VariantResult,
                          path: PathAssessment | None = None, states: Sequence[VariantResult] | None = None,
                          reference_states: Sequence[VariantResult] | None = None) -> BusinessCase:
    """The business case of a variant against the reference; the variant pays for the feasibility study.

    The grant rules see the variant's :func:`project_facts` (lock-in and EPC at the end of
    ``path`` when given). With the variant's and the reference's ``states`` (the building as it
    is, then after each renovation step: :meth:`Study.run`), each year's energy bills and CO2 are
    those of the state the building is in that year (:func:`path_option`); else today's repeat.
    """
    option, reference_option = business_case_sides(inputs, result, reference, states, reference_states)
    return business_case_of(inputs, result, option, reference_option, path)


def business_case_sides(inputs: StudyInputs, result: VariantResult, reference: VariantResult,
                        states: Sequence[VariantResult] | None = None,
                        reference_states: Sequence[VariantResult] | None = None) -> tuple[Option, Option]:
    """The variant's and the reference's business-case sides: along the renovation path when their
    ``states`` are given (:func:`path_option`), else the simulated year repeated."""
    horizon = inputs.finance.horizon_years
    step_years = [s.year for s in inputs.renovation_path.steps] if inputs.renovation_path is not None else []
    option = path_option(states, step_years, horizon) if states else result.option
    reference_option = path_option(reference_states, step_years, horizon) if reference_states else reference.option
    if result.variant.envelope_now:
        # the path's steps the variant does now: the reference still buys them in their year (the variant's
        # own purchase is among its year-0 investments)
        early = advanced_step_investments(result.variant.envelope_now, inputs.renovation_path, inputs.building,
                                          inputs.cost_table)
        reference_option = replace(reference_option, investments=(*reference_option.investments, *early))
    return option, reference_option


def business_case_of(inputs: StudyInputs, result: VariantResult, option: Option, reference_option: Option,
                     path: PathAssessment | None = None, *, finance: Finance | None = None) -> BusinessCase:
    """The business case of the variant side ``option`` against ``reference_option``
    (:func:`business_case_sides`) under ``finance`` (default the study's): the variant pays the
    study, and the grant rules see the variant's :func:`project_facts`."""
    variant = replace(option, study_cost_incl_vat_eur=inputs.study_cost_incl_vat_eur)
    return business_case(variant, reference_option, finance or inputs.finance, subsidy_rules=inputs.subsidies,
                         building_age_years=inputs.building_age_years, facts=project_facts(inputs, result, path))


def path_option(states: Sequence[VariantResult], step_years: Sequence[int], horizon: int) -> Option:
    """The business-case side of a variant whose building follows a renovation path.

    ``states[k]`` is the variant's year with the building after ``k`` steps (0: as it is);
    a step done in year ``y`` (years from the study start) holds from year ``y`` on, so year
    ``t`` (1..N) is in state ``k(t) = #{steps with y <= t}``. Energy bills per carrier (prices of
    year 1; the business case escalates them), CO2 and heat delivered are taken per year from
    that state; the investments are today's (``states[0]``). The envelope steps themselves are
    common to the reference and every variant, so they are not costed here: they cancel out.
    """
    years = np.arange(1, horizon + 1)
    state_of_year = np.searchsorted(np.asarray(step_years, dtype=float), years, side="right")
    options = [s.option for s in states]
    carriers = sorted({c for o in options for c in o.energy_eur_per_year})
    energy = {c: np.array([options[k].energy_eur_per_year.get(c, 0.0) for k in state_of_year]) for c in carriers}
    co2 = np.array([options[k].co2_t_per_year for k in state_of_year])
    heat = np.array([options[k].heat_delivered_mwh_per_year for k in state_of_year])
    return replace(options[0], energy_eur_per_year=energy, co2_t_per_year=co2, heat_delivered_mwh_per_year=heat)


@dataclass(frozen=True, eq=False)
class Study:
    """The study of one building.

    Parameters
    ----------
    inputs : StudyInputs
        Building, weather, prices, tariffs, finance, subsidies.
    reference : Variant
        What the co-owners would do anyway (replace the gas boiler).
    variants : sequence of Variant
        The combinations of techniques considered.
    rules : DecisionRules
        How the study recommends: ranking criterion and comfort tolerances (docs/decision.md).
    """

    inputs: StudyInputs
    reference: Variant
    variants: tuple[Variant, ...]
    rules: DecisionRules = field(default_factory=DecisionRules)

    def __post_init__(self):
        object.__setattr__(self, "variants", tuple(self.variants))
        if not self.variants:
            raise InputError("Study.variants is empty: give at least one variant to compare with the reference")
        names = [v.name for v in (self.reference, *self.variants)]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise InputError(f"Study: variant names must be unique, repeated: {', '.join(duplicates)}")
        if not isinstance(self.rules, DecisionRules):
            raise InputError(f"Study.rules must be DecisionRules, got {type(self.rules).__name__}")

    def run(self, progress: Callable[[str], None] | bool | None = None) -> StudyResult:
        """Simulate and assess the reference and every variant, then decide.

        ``progress`` says how the study reports as it goes: a function (e.g. ``print``) is
        called with one line per step; ``True`` shows a progress bar (:mod:`tqdm`) on stderr,
        ``False`` nothing; ``None`` (default) the bar where someone watches: in a terminal
        (stderr), or in a notebook (its output; the first study after an install compiles the
        kernels and takes longest), and nothing otherwise (pipes, logs, tests).
        Order: every variant's year; with a renovation path, every variant's year again after
        each step (``StudyResult.states``) and its path assessment (lock-in and the EPC along the
        path); the business cases (whose years follow the path and whose grant rules read the
        path's verdicts); and the heat-led twins that split a dynamic tariff's value into its
        level and flexibility effects (:meth:`StudyResult.dynamic_tariff_effects`).
        """
        steps = 1 + len(self.variants) + (1 + len(self.variants)) * bool(self.inputs.renovation_path) \
            + sum(bool(v.dynamic_tariff) for v in self.variants)
        tell, close = _progress_reporter(progress, steps)
        try:
            return self._run(tell)
        finally:
            close()

    def _run(self, tell: Callable[[str], None]) -> StudyResult:
        evaluated = {}
        for variant in (self.reference, *self.variants):
            tell(f"simulating {variant.name}")
            evaluated[variant.name] = evaluate_variant(self.inputs, variant)
        reference, results = evaluated[self.reference.name], [evaluated[v.name] for v in self.variants]
        paths, states = {}, {}
        if self.inputs.renovation_path:
            for name, result in evaluated.items():
                tell(f"renovation path of {name}")
                demands = self.inputs.variant_path_demands(result.variant)
                states[name] = [result] + [evaluate_variant(self.inputs, result.variant, demand=demand)
                                           for demand in demands[1:]]
                paths[name] = self._path(states[name])
        cases = [variant_business_case(self.inputs, result, reference, paths.get(result.variant.name),
                                       states.get(result.variant.name), states.get(reference.variant.name))
                 for result in results]
        twins = {}
        for result in results:
            if result.variant.dynamic_tariff:
                tell(f"heat-led twins of {result.variant.name} (value of the dynamic tariff)")
                twins[result.variant.name] = _dynamic_twins(self.inputs, result.variant)
        return StudyResult(self, reference, results, cases, paths, twins, states)

    def _path(self, states: Sequence[VariantResult]) -> PathAssessment:
        """The variant judged before and after each renovation step, on its own simulated years.

        ``states`` are the variant's years as the building is and after each step, run as the
        variant runs (its control, PV, EV and the common-area loads). The EPC indicator along
        the path uses the bookkeeping of the comparison table: the building's auxiliaries and
        the variant's PV production are added to the heating and hot water of each step. The
        connection check adds the common-area and EV loads hour by hour and says when the
        variant's investments already include the low-voltage reinforcement; a variant on its
        own medium-voltage cabin is not checked against the existing connection.
        """
        inputs, result = self.inputs, states[0]
        variant = result.variant
        mv = variant.connection == "mv"
        context = PathContext(pv_kwp=variant.pv_kwp, existing_connection_kva=None if mv else inputs.existing_connection_kva,
                              in_heat_network_zone=inputs.in_planned_heat_network_zone,
                              plant_room_area_m2=inputs.plant_room_area_m2, co2_year=inputs.co2_year,
                              auxiliary_kwh=float(inputs.auxiliary_kw.sum()) * inputs.weather.step_h,
                              pv_generation_kwh=float(result.balance["pv_kwh"].sum()),
                              pv_remount_included=includes_pv_remount(result.investments),
                              hot_water_tolerated_hours=hot_water_tolerated_hours(inputs.weather.n_hours
                                                                                  * inputs.weather.step_h),
                              other_load_kw=inputs.common_area_kw + result.ev_kw,
                              connection_upgrade_eur=connection_upgrade_eur(result.investments),
                              heat_network=variant.heat_network)
        return evaluate_path(inputs.building_of(variant), inputs.renovation_path, variant.plant, inputs.weather,
                             radiators=inputs.radiators_of(variant.emitter_upgrade), install_year=inputs.install_year,
                             horizon_year=inputs.install_year + inputs.finance.horizon_years, context=context,
                             results=[state.system for state in states])


def _dynamic_twins(inputs: StudyInputs, variant: Variant) -> dict[str, VariantResult]:
    """The variant run heat-led on the dynamic tariff and heat-led on the fixed tariff."""
    heat_led = replace(variant.control, strategy="heat_led") if isinstance(variant.control, Control) else Control()
    dynamic = replace(variant, name=f"{variant.name} [heat-led]", control=heat_led)
    fixed = replace(dynamic, name=f"{variant.name} [heat-led, fixed tariff]", dynamic_tariff=False)
    return {"dynamic_heat_led": evaluate_variant(inputs, dynamic), "fixed_heat_led": evaluate_variant(inputs, fixed)}


def _up_front_per_apartment(case, n_apartments: int) -> float:
    """The mean net payment up front per apartment [EUR]: investment and study incl. VAT less every grant
    payment (advance and balance), over the apartments (the tie-breaker of the decision)."""
    from mgwsim.finance._split import building_items

    items = building_items(case)
    net = (items["investment_incl_vat_eur"] + items["study_cost_eur"] - items["works_grants_eur"]
           - items["study_grants_eur"])
    return net / n_apartments


def judged_checks(result: VariantResult, path: PathAssessment | None) -> list:
    """The checks the decision reads: at the end of the renovation path when there is one, else the
    simulated year's."""
    return path.final_checks() if path is not None else result.checks


def lock_in_failures(result: VariantResult, path: PathAssessment | None) -> tuple[str, ...]:
    """Names of the lock-in checks (:data:`~mgwsim.study.decision.LOCK_IN_CHECKS`) that fail, judged at
    the end of the renovation path when there is one, else on the simulated year."""
    return tuple(c.name for c in judged_checks(result, path) if c.name in LOCK_IN_CHECKS and c.status == "fail")


def project_facts(inputs: StudyInputs, result: VariantResult, path: PathAssessment | None) -> dict:
    """What a subsidy call's conditions look at for one variant (``SubsidyContext`` facts)."""
    plant = result.variant.plant
    epc = (float(path.kpis["epc_indicator_kwh_per_m2"].iloc[-1]) if path is not None
           else result.epc.indicator_kwh_per_m2)
    return {"construction_year": inputs.construction_year, "n_apartments_served": inputs.building.n_apartments,
            "has_heat_pump": plant.heat_pumps is not None or plant.hot_water.heat_pump is not None,
            "lock_in_failures": lock_in_failures(result, path), "epc_path_kwh_m2": epc,
            "chimney_free_path": not plant.backup.is_combustion}


@dataclass(frozen=True, eq=False)
class StudyResult:
    """Results of a study: one row per variant, the decision, rankings, per-apartment view.

    Attributes
    ----------
    reference, results : VariantResult
        Today's year of the reference and of each variant.
    cases : list of BusinessCase
        Each variant against the reference (along the renovation path when there is one).
    paths : dict name -> PathAssessment
        The checks and KPIs of each variant before and after each renovation step.
    twins : dict name -> dict
        For a dynamic-tariff variant, its heat-led years on the fixed and on the dynamic tariff.
    states : dict name -> list of VariantResult
        With a renovation path: each variant's year as the building is, then after each step.
    """

    study: Study
    reference: VariantResult
    results: list[VariantResult]
    cases: list[BusinessCase]
    paths: dict[str, PathAssessment]
    twins: dict[str, dict[str, VariantResult]] = field(default_factory=dict)
    states: dict[str, list[VariantResult]] = field(default_factory=dict)

    @property
    def inputs(self) -> StudyInputs:
        return self.study.inputs

    def result(self, name: str) -> VariantResult:
        for result in (self.reference, *self.results):
            if result.variant.name == name:
                return result
        raise InputError(f"StudyResult: no variant named {name!r}")

    def case(self, name: str) -> BusinessCase:
        for result, case in zip(self.results, self.cases, strict=True):
            if result.variant.name == name:
                return case
        raise InputError(f"StudyResult: no business case for {name!r} (the reference has none)")

    def _money(self, result: VariantResult, case: BusinessCase | None) -> dict:
        capex = sum(item.capex_eur for item in result.investments if item.first_year == 0)
        later = sum(item.capex_eur for item in result.investments if item.first_year > 0)
        annual_energy = sum(result.energy_cost_eur.values())
        money = {"investment_eur": capex, "later_investment_eur": later, "annual_energy_cost_eur": annual_energy}
        if case is not None:
            money |= {
                "subsidies_eur": case.subsidies.total_eur,
                "npv_eur": case.npv_eur,
                "works_grants_eur": case.works_grants_eur,
                "study_grants_eur": case.study_grants_eur,
                "npv_before_grants_eur": case.npv_before_grants_eur,
                "gap_before_grants_eur": case.gap_before_grants_eur,
                "gap_covered_frac": _nan(case.gap_covered_frac),
                "co2_avoided_t": case.co2_avoided_t,
                "gap_per_t_co2_eur": _nan(case.gap_per_t_co2_eur),
                "irr": _nan(case.irr_frac),
                "payback_years": _nan(case.payback_years),
                "discounted_payback_years": _nan(case.discounted_payback_years),
                "lcoh_eur_per_mwh": _nan(case.lcoh_variant_eur_per_mwh),
                "subsidy_gap_eur": case.subsidy_gap_eur,
                "co2_abatement_eur_per_t": _nan(case.co2_abatement_eur_per_t),
                "annual_cost_per_apartment_eur": case.annual_cost_per_apartment_variant_eur,
                "reference_annual_cost_per_apartment_eur": case.annual_cost_per_apartment_reference_eur,
            }
        else:
            money["annual_cost_per_apartment_eur"] = money["reference_annual_cost_per_apartment_eur"] = (
                self.cases[0].annual_cost_per_apartment_reference_eur if self.cases else np.nan)
            money["lcoh_eur_per_mwh"] = _nan(self.cases[0].lcoh_reference_eur_per_mwh) if self.cases else np.nan
        return money

    @cached_property
    def table(self) -> pd.DataFrame:
        """The comparison: one row per variant (reference first) with energy, money, CO2, EPC and checks.

        Money: ``investment_eur`` the year-0 investment excl. VAT (the project the grants work
        on), ``later_investment_eur`` what is bought later (an existing boiler's replacement when
        it is due), the grants (``subsidies_eur`` all, ``works_grants_eur`` the works grant alone),
        the business case against the reference (``npv_eur``, ``npv_before_grants_eur``,
        ``gap_before_grants_eur`` and the share of it the works grant covers, ``co2_avoided_t``
        over the horizon and ``gap_per_t_co2_eur``, IRR and paybacks NaN where absent).
        """
        rows = {}
        reference_co2 = self.reference.co2_kg
        for result, case in ((self.reference, None), *zip(self.results, self.cases, strict=True)):
            row = result.energy_kpis().to_dict()
            row["co2_reduction"] = 1.0 - result.co2_kg / reference_co2 if reference_co2 > 0 else np.nan
            row |= self._money(result, case)
            row["future_proof_score"] = self.future_proof_score(result.variant.name)
            for check in result.checks:
                row[f"check_{check.name}"] = check.status
            rows[result.variant.name] = row
        return pd.DataFrame.from_dict(rows, orient="index")

    def future_proof_score(self, name: str) -> float:
        """Future-proof score [0–100]: the weaker of today's checks and the renovation path's end state."""
        score = future_proof_score(self.result(name).checks)
        if name in self.paths:
            score = min(score, future_proof_score(self.paths[name]))
        return score

    def path_table(self) -> pd.DataFrame:
        """Per variant and renovation step: EPC indicator and label, CO2 and its reduction, check statuses.

        ``co2_kg`` is the variant's whole year in that state (:attr:`states`: the CO2 the business
        case and the decision count, PV and common loads included), not only its heating and hot water.
        """
        return self._path_table.copy()

    @cached_property
    def _path_table(self) -> pd.DataFrame:
        frames = []
        for name, assessment in self.paths.items():
            kpis = assessment.kpis if assessment.kpis.index.name == "step" else assessment.kpis.set_index("step")
            statuses = assessment.summary()
            frame = kpis.join(statuses)
            if name in self.states:
                frame["co2_kg"] = [state.co2_kg for state in self.states[name]]
            frame.insert(0, "variant", name)
            frames.append(frame.reset_index())
        if not frames:
            return pd.DataFrame()
        table = pd.concat(frames, ignore_index=True)
        reference = table[table["variant"] == self.reference.variant.name].set_index("step")["co2_kg"]
        table["co2_reduction"] = 1.0 - table["co2_kg"] / table["step"].map(reference)
        return table

    def ranking(self, by: str | None = None, *, weights: dict | None = None) -> pd.DataFrame:
        """All variants ranked by one criterion, best first (qualified or not: see :attr:`decision`).

        ``by``: a decision criterion (:data:`~mgwsim.study.decision.CRITERIA`; default the
        study's), ``"subsidy_gap"`` (the gap left after grants, smallest first),
        ``"future_proof"`` (score, highest first) or ``"weighted"``: NPV, future-proof score and
        CO2 reduction normalised to [0, 1] over the variants and combined with ``weights``
        (default 0.4 / 0.4 / 0.2).
        """
        by = self.study.rules.criterion if by is None else by
        check_choice(by, "by", RANKINGS, owner="StudyResult.ranking")
        table = self.table.drop(index=self.reference.variant.name)
        columns = ["npv_eur", "gap_before_grants_eur", "co2_avoided_t", "gap_per_t_co2_eur", "subsidy_gap_eur",
                   "future_proof_score", "co2_reduction"]
        if by in CRITERIA:
            criterion = CRITERIA[by]
            order = table[criterion.column].sort_values(ascending=criterion.ascending, na_position="last",
                                                         kind="stable")
        elif by == "subsidy_gap":
            order = table["subsidy_gap_eur"].sort_values(kind="stable")
        elif by == "future_proof":
            order = table["future_proof_score"].sort_values(ascending=False, kind="stable")
        else:
            weights = weights or {"npv_eur": 0.4, "future_proof_score": 0.4, "co2_reduction": 0.2}
            score = sum(w * _normalise(table[column]) for column, w in weights.items())
            order = score.sort_values(ascending=False).rename("weighted_score")
        ranked = table.loc[order.index, columns]
        if by == "weighted":
            ranked.insert(0, "weighted_score", order)
        ranked.insert(0, "rank", np.arange(1, len(ranked) + 1))
        return ranked

    def decision_frame(self) -> pd.DataFrame:
        """What the decision reads per variant (:data:`~mgwsim.study.decision.DECISION_COLUMNS`)."""
        rows = {}
        for result, case in zip(self.results, self.cases, strict=True):
            name = result.variant.name
            hourly, kpis = result.system.hourly, result.system.kpis()
            step_h = result.system.step_h
            path = self.paths.get(name)
            facts = project_facts(self.inputs, result, path)
            connection = next((c for c in result.checks if c.name == "connection_capacity"), None)
            needs_mv = connection is not None and connection.status == "fail"
            eligibility = case.subsidies.eligibility()
            rows[name] = {
                "cold_hours": kpis["cold_hours"] if result.system.coupled else kpis["unmet_hours"],
                "heating_hours": float((result.system.demand.hourly["space_heating_kwh"] > 0).sum()) * step_h,
                "dhw_short_hours": kpis["dhw_below_setpoint_hours"],
                "hours": len(hourly) * step_h,
                "hygiene_ok": all(c.status != "fail" for c in judged_checks(result, path) if c.name == HYGIENE_CHECK),
                "connection_feasible": not (needs_mv and result.variant.connection == "lv"),
                "lock_in_failures": facts["lock_in_failures"],
                "eligible": eligibility.eligible,
                "failed_conditions": eligibility.failed,
                "chimney_free": facts["chimney_free_path"],
                "path": path is not None,
                "epc_path_kwh_m2": facts["epc_path_kwh_m2"],
                "construction_year": facts["construction_year"],
                "npv_eur": case.npv_eur,
                "npv_before_grants_eur": case.npv_before_grants_eur,
                "gap_before_grants_eur": case.gap_before_grants_eur,
                "co2_avoided_t": case.co2_avoided_t,
                "gap_per_t_co2_eur": _nan(case.gap_per_t_co2_eur),
                "up_front_per_apartment_eur": _up_front_per_apartment(case, self.inputs.building.n_apartments),
            }
        return pd.DataFrame.from_dict(rows, orient="index")[[*DECISION_COLUMNS, "up_front_per_apartment_eur"]]

    @cached_property
    def decision(self) -> Decision:
        """Qualification, ranking and recommendation (:func:`mgwsim.study.decision.decide`)."""
        return decide(self.decision_frame(), self.study.rules)

    @property
    def recommended(self) -> str | None:
        """The first qualified variant by the study's criterion; None when no variant qualifies."""
        return self.decision.recommended

    @property
    def recommendation_reason(self) -> str:
        """Why :attr:`recommended` was chosen, or why nothing was and what would change that (English)."""
        return self.decision.reason("en")

    @property
    def detail_variant(self) -> str:
        """The variant the report details: the recommended one, else the one nearest to qualifying."""
        return self.decision.closest

    def dynamic_tariff_effects(self) -> pd.DataFrame:
        """A dynamic tariff's value split into its level and its flexibility effect [EUR/year].

        For each variant on a dynamic tariff, the year-1 energy cost (all carriers, incl. VAT)
        of the same plant run heat-led on the fixed tariff, heat-led on the dynamic tariff,
        and as the variant runs it. ``level_effect_eur`` = heat-led dynamic − heat-led fixed
        (what the price level alone does), ``flexibility_effect_eur`` = variant − heat-led
        dynamic (what shifting the load to cheap hours adds); negative is a saving.
        """
        rows = {}
        for name, twins in self.twins.items():
            fixed, dynamic = (sum(twins[k].energy_cost_eur.values()) for k in ("fixed_heat_led", "dynamic_heat_led"))
            actual = sum(self.result(name).energy_cost_eur.values())
            rows[name] = {"strategy": self.result(name).variant.control.strategy, "fixed_heat_led_eur": fixed,
                          "dynamic_heat_led_eur": dynamic, "variant_eur": actual, "level_effect_eur": dynamic - fixed,
                          "flexibility_effect_eur": actual - dynamic}
        columns = ["strategy", "fixed_heat_led_eur", "dynamic_heat_led_eur", "variant_eur", "level_effect_eur",
                   "flexibility_effect_eur"]
        return pd.DataFrame.from_dict(rows, orient="index", columns=columns).rename_axis("variant")

    def report(self, out_dir, **kwargs):
        """Write the HTML report and Excel workbook (:func:`mgwsim.report.write_report`)."""
        from mgwsim.report import write_report

        return write_report(self, out_dir, **kwargs)

    def per_apartment(self, name: str, *, floor_areas_m2=None, shares=None, sharing=None) -> pd.DataFrame:
        """Costs and savings per apartment for one variant (:func:`mgwsim.finance.co_owner_split`).

        The key is the study's (:attr:`StudyInputs.apartment_key`: the statutory shares when
        given, else the floor areas, else equal parts, ``attrs["key"] == "equal"``) unless
        ``shares`` or ``floor_areas_m2`` is passed here.

        ``sharing``: :class:`~mgwsim.finance.SharingTerms` (or ``True`` for the default terms) to
        share the variant's PV surplus with the apartments (:func:`mgwsim.study.sharing.apartment_sharing`):
        adds the sharing columns of :func:`mgwsim.finance.co_owner_split`.
        """
        key = None
        if shares is None and floor_areas_m2 is None:
            key, values = self.inputs.apartment_key
            shares, floor_areas_m2 = (None, values) if key == "floor_area_m2" else (values, None)
        shared = None
        if sharing is not None and sharing is not False:
            from mgwsim.study.sharing import apartment_sharing

            shared = apartment_sharing(self.inputs, self.result(name), terms=None if sharing is True else sharing)
        split = co_owner_split(self.case(name), shares=shares, floor_area_m2=floor_areas_m2, sharing=shared)
        if key == "equal":
            split.attrs["key"] = split.attrs["energy_key"] = "equal"
        return split

    def smallest_connection(self, name: str, *, comfort=None, tol_kw: float = 1.0, storage: bool = True,
                            mass: bool = True):
        """The smallest grid connection variant ``name`` keeps comfort on (issue 18, the study option).

        :func:`mgwsim.study.connection.connection_search` on the study's inputs, starting from the
        year already evaluated; ``comfort`` a :class:`~mgwsim.study.connection.ComfortLimit`. The
        report's table and sentence: :func:`mgwsim.report.text.connection_table` and
        :func:`~mgwsim.report.text.connection_sentence`.
        """
        from mgwsim.study.connection import connection_search

        result = self.result(name)
        return connection_search(self.inputs, result.variant, comfort=comfort, tol_kw=tol_kw, storage=storage,
                                 mass=mass, base=result)

    def _repr_html_(self) -> str:
        columns = ["investment_eur", "subsidies_eur", "annual_energy_cost_eur", "npv_eur", "payback_years",
                   "subsidy_gap_eur", "spf_h2", "backup_share", "co2_reduction", "epc_kwh_m2", "epc_label",
                   "future_proof_score"]
        shown = self.table[[c for c in columns if c in self.table]]
        title = f"<h4>mgwsim study: {self.inputs.building.name} — recommended: {self.recommended or 'none'}</h4>"
        return title + shown.to_html(float_format=lambda v: f"{v:,.2f}", na_rep="–")


def _nan(value) -> float:
    return np.nan if value is None else float(value)


def _normalise(values: pd.Series) -> pd.Series:
    values = values.astype(float).fillna(values.min())
    span = values.max() - values.min()
    return (values - values.min()) / span if span > 0 else pd.Series(1.0, index=values.index)


