"""Page one of the report: the study's answer for the co-owners, every figure taken from the results.

:func:`page_one` gathers, for the recommended variant (or, when none qualifies, the one nearest
to qualifying: :attr:`StudyResult.detail_variant`), the figures each sentence of
:mod:`mgwsim.report.sentences` states, and returns the sentences in reading order with a
stable id each. Lock-in is spoken of as the decision judges it: at the end of the renovation
path, with today's verdicts named as today's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mgwsim._format import format_eur, format_number, format_share, in_language, share_decimals
from mgwsim.finance import KLIMAATFONDS_MAX_EPC_KWH_M2, later_costs, split_cents
from mgwsim.assess.placement import PLACEMENT_CHECKS
from mgwsim.report import sentences as s
from mgwsim.report.analysis import cost_table_years
from mgwsim.report.text import SENTENCES, check_label, check_sentence, item_label
from mgwsim.study.decision import LOCK_IN_CHECKS, TIE_TOLERANCE_FRAC
from mgwsim.tariffs import PriceBasis, default_price_basis

DYNAMIC_NEAR_TOP = 3
"""A dynamic-tariff variant ranked at most this far down (or recommended, or detailed) gets its
level and flexibility effects on page one."""

PRACTICAL_TIE_FRAC = TIE_TOLERANCE_FRAC
"""Two qualified variants whose criterion values differ by at most this share of the first's value [-]
are called practically tied on page one. Rationale: the criterion is built from a study-stage cost
estimate (the cost table's prices, several of them marked as mgwsim assumptions) and from price
assumptions that the report's own sensitivity moves by ±20 % (investment, electricity and gas prices:
:data:`mgwsim.report.analysis.SENSITIVITY`); a 5 % difference is well inside what one of those inputs
moves, so the study cannot tell the two apart and says so. mgwsim assumption (not verified against a
standard; study-stage cost estimates are commonly quoted to ±15–30 %)."""



@dataclass(frozen=True)
class Paragraph:
    """One sentence of page one: a stable ``id`` (tests and styles) and its ``text``."""

    id: str
    text: str


def sensitivity_change(low: float, high: float, parameter: str, language: str) -> str:
    """The change a sensitivity case makes, from its low and high values (:data:`analysis.SENSITIVITY`):
    a factor as "±20 %", the discount rate's offset [1/year] as "±1 pt"."""
    if parameter == "discount_rate":
        points = format_number(100.0 * max(abs(low), abs(high)), language, share_decimals(100.0 * high))
        return f"±{points} {in_language(('pt', 'procentpunt'), language)}"
    return "±" + format_share(max(abs(1.0 - low), abs(high - 1.0)), language)


def works_call(result):
    """The subsidy call's works grant the study applies (the first works grant with conditions), or None."""
    return next((rule for rule in result.inputs.subsidies
                 if getattr(rule, "kind", None) == "works" and getattr(rule, "conditions", ())), None)


def call_name(result, language: str) -> str | None:
    """The subsidy call the study applies (:func:`works_call`) in words, or None."""
    rule = works_call(result)
    if rule is None:
        return None
    name = str(getattr(rule, "name", type(rule).__name__))
    if name.startswith("klimaatfonds"):
        return in_language(SENTENCES["call_klimaatfonds"], language)
    return in_language(SENTENCES["call_other"], language).format(name=name)


def study_price_basis(inputs) -> PriceBasis:
    """The day-ahead price basis of a study (:attr:`StudyInputs.price_basis`: the embedded default when no
    series was given, else a summary of the given series)."""
    return inputs.price_basis


def path_end(result, name: str) -> tuple[int | None, list[str], pd.Series | None]:
    """The calendar year of the last renovation step, the steps as "label (year)", and the
    variant's last row of :meth:`StudyResult.path_table`; (None, [], None) without a path."""
    if name not in result.paths:
        return None, [], None
    table = result.path_table()
    rows = table[table["variant"] == name].sort_values("step")
    steps = [f"{row['label']} ({int(row['calendar_year'])})" for _, row in rows.iterrows() if row["step"] > 0]
    last = rows.iloc[-1]
    return int(last["calendar_year"]), steps, last


def _check(checks, name: str):
    return next((c for c in checks if c.name == name), None)


def failing_today_only(result, name: str) -> list:
    """Lock-in checks that fail with today's building but not at the end of the renovation path."""
    if name not in result.paths:
        return []
    final = {c.name for c in result.paths[name].final_checks() if c.status == "fail"}
    return [c for c in result.result(name).checks
            if c.name in LOCK_IN_CHECKS and c.status == "fail" and c.name not in final]


def verdicts_shown(result, name: str) -> tuple[str, list]:
    """The checks page one lists (not passed) and when they hold: ``("end", checks)`` at the end of
    the renovation path, else ``("today", checks)``; the placement checks (the same at every step) always."""
    if name in result.paths:
        placement = [c for c in result.result(name).checks if c.name in PLACEMENT_CHECKS and c.status != "pass"]
        return "end", [c for c in result.paths[name].final_checks() if c.status != "pass"] + placement
    return "today", [c for c in result.result(name).checks if c.status != "pass"]


def _equal(values) -> bool:
    """Whether every apartment's amount prints the same (whole euros)."""
    return len({format_eur(v, "en") for v in values}) == 1


def capital_weights(result) -> np.ndarray:
    """The study's capital key (:attr:`StudyInputs.apartment_key`: the statutory shares or the floor areas)
    as weights summing to 1, one per apartment."""
    _, values = result.inputs.apartment_key
    values = np.asarray(values, dtype=float)
    return values / values.sum()


def _relative_difference(first: float, second: float) -> float:
    """|second - first| / |first| [-]; 0 when both are 0, infinite when only the first is."""
    if first == 0.0:
        return 0.0 if second == 0.0 else np.inf
    return abs(second - first) / abs(first)


def design(variant) -> dict:
    """What :func:`mgwsim.report.sentences.apart` compares of a variant: PV [kWp], the contract, the EV charge
    points, the connection and the backup kind."""
    return {"pv_kwp": variant.pv_kwp, "dynamic": variant.dynamic_tariff,
            "ev_points": variant.ev.n_points if variant.ev is not None else 0, "connection": variant.connection,
            "backup": variant.plant.backup.kind}


def tie_paragraph(result, language: str) -> Paragraph | None:
    """That the first qualified variants are tied on the criterion (within the decision's tie band,
    :attr:`~mgwsim.study.decision.DecisionRules.tie_tolerance_frac`), their values, the lead (per tonne: both
    gaps and tonnes, since one may cost more and avoid more), what sets them apart, which tie-breaker chose
    and, when only one is on a dynamic contract whose price level saves money, what that contract saves;
    None when the ranking is not tied."""
    decision = result.decision
    if decision.recommended is None or len(decision.tied) < 2:
        return None
    first, second = decision.tied[:2]
    values = decision.table["criterion_value"]
    v1, v2 = float(values[first]), float(values[second])
    difference = _relative_difference(v1, v2)
    threshold = decision.rules.tie_tolerance_frac
    criterion, table = decision.rules.ranking, result.table
    margin = abs(v2 - v1)
    gaps = tuple(float(table.loc[n, "gap_before_grants_eur"]) for n in (first, second))
    tonnes = tuple(float(table.loc[n, "co2_avoided_t"]) for n in (first, second))
    level_name = level_saving = as_run = None
    effects = result.dynamic_tariff_effects()
    dynamic = [n for n in (first, second) if n in effects.index]
    if dynamic == [first]:  # a lead can rest on the first's contract; the second's only narrows it
        level_name = dynamic[0]
        level_saving = -float(effects.loc[level_name, "level_effect_eur"])
        as_run = float(effects.loc[level_name, "fixed_heat_led_eur"] - effects.loc[level_name, "variant_eur"])
    return Paragraph("tie", s.tie(
        language, first=_label(result, first, language), second=_label(result, second, language),
        first_value=decision.criterion_text(first, language),
        second_value=decision.criterion_text(second, language), difference_frac=difference,
        threshold_frac=threshold, margin=margin, margin_unit=criterion.unit,
        years=result.inputs.finance.horizon_years,
        apart=s.apart(language, design(result.result(first).variant), design(result.result(second).variant)),
        level_name=None if level_name is None else _label(result, level_name, language), level_saving_eur=level_saving, as_run_saving_eur=as_run, gaps_eur=gaps,
        tonnes=tonnes, others=[_label(result, n, language) for n in decision.tied[2:]])
        + " " + decision.tie_break_text(language, variant_labels(result, language)))


def conditions_paragraph(result, language: str, path_year: int | None) -> Paragraph:
    """The conditions a variant must meet to qualify (the decision's rules), judged in ``path_year`` (the end
    of the renovation path of :attr:`StudyResult.detail_variant`, :func:`path_end`; None: today)."""
    decision, rules = result.decision, result.study.rules
    return Paragraph("conditions", s.conditions(
        language, call=call_name(result, language) if decision.applies_call and rules.require_eligibility else None,
        max_unmet_share=rules.max_unmet_share, max_hot_water_short_share=rules.max_hot_water_short_share,
        path_year=path_year))


def works_now(item: str, language: str) -> str:
    """An envelope item done now ("roof insulation now (363 m2)") as works in words: "roof insulation (363 m²)"."""
    from mgwsim.report.text import _ENVELOPE_NL

    match = re.fullmatch(r"(.+) now \((\d+) m2\)", item)
    if match is None:
        return item_label(item, language)
    works = _ENVELOPE_NL.get(match[1], match[1]) if language == "nl" else match[1]
    return f"{works} ({format_number(float(match[2]), language)} m²)"


def envelope_now_paragraph(result, name: str, language: str) -> Paragraph | None:
    """That ``name`` carries out envelope works now (``Variant.envelope_now``): the works, their cost excl. VAT
    (its investments) and the years the reference pays them; None for a variant that waits for the path."""
    variant = result.result(name).variant
    if not variant.envelope_now:
        return None
    from mgwsim.study.costs import advanced_step_investments, envelope_now_investments

    inputs = result.inputs
    now = envelope_now_investments(variant.envelope_now, inputs.building, inputs.cost_table)
    later = advanced_step_investments(variant.envelope_now, inputs.renovation_path, inputs.building,
                                      inputs.cost_table)
    items = [works_now(i.name, language) for i in now]
    years = sorted({int(inputs.install_year) + i.first_year for i in later})
    return Paragraph("envelope_now", s.envelope_now(language, name=variant.label(language), items=items,
                                                    cost_eur=sum(i.capex_eur for i in now), years=years))


def recommendation_paragraphs(result, language: str) -> list[Paragraph]:
    """What is recommended (or that nothing is), why, the conditions, and whether it rests on the path."""
    decision, rules = result.decision, result.study.rules
    name, detail = decision.recommended, result.detail_variant
    path_year, steps, _ = path_end(result, detail)
    criterion = in_language((rules.ranking.text_en, rules.ranking.text_nl), language)
    value = decision.criterion_text(name, language) if name is not None else ""
    out = [Paragraph("recommendation", s.headline(language, name=None if name is None
                                                  else variant_label(result, name, language))),
           Paragraph("qualification", s.qualification(
               language, n_studied=len(result.results), n_qualified=len(decision.qualified),
               name=None if name is None else _label(result, name, language),
               criterion=criterion, value=value, closest=_label(result, detail, language), tied=bool(decision.tied),
               shortfalls=[f.text(language) for f in decision.table.loc[detail, "shortfalls"]],
               remedies=decision.remedies(language))),
           conditions_paragraph(result, language, path_year)]
    tied = tie_paragraph(result, language)
    if tied is not None:
        out.insert(2, tied)
    if steps:
        out.append(Paragraph("path_assumed", s.path_assumed(language, steps=steps_in_words(result, language))))
        early = envelope_now_paragraph(result, detail, language)
        if early is not None:
            out.append(early)
    today = failing_today_only(result, detail)
    if today and path_year is not None:
        fossil = None
        if [c.name for c in today] == ["fossil_lock_in"]:
            end = _check(result.paths[detail].final_checks(), "fossil_lock_in")
            fossil = (float(today[0].value), float(end.value), float(today[0].threshold))
        out.append(Paragraph("path_needed", s.path_needed(
            language, name=detail, steps=[], path_year=path_year,  # the steps are listed by path_assumed
            failing_today=[check_label(c.name, language) for c in today], fossil=fossil)))
    return out


def _effects(result, name: str, language: str) -> list[Paragraph]:
    table, ref = result.table, result.reference.variant.name
    row, years = table.loc[name], result.inputs.finance.horizon_years
    out = [Paragraph("co2", s.co2(language, reference_t=table.loc[ref, "co2_t"], variant_t=row["co2_t"],
                                  avoided_t=result.case(name).co2_avoided_t, years=years,
                                  along_path=name in result.states)),
           Paragraph("epc", s.epc(language, reference_kwh_m2=table.loc[ref, "epc_kwh_m2"],
                                  variant_kwh_m2=row["epc_kwh_m2"], label_reference=table.loc[ref, "epc_label"],
                                  label_variant=row["epc_label"]))]
    year, _, last = path_end(result, name)
    if result.decision.applies_call:
        epc = float(last["epc_indicator_kwh_per_m2"]) if last is not None else float(row["epc_kwh_m2"])
        out.append(Paragraph("epc_path", s.epc_path(
            language, year=year, epc_kwh_m2=epc, target_kwh_m2=KLIMAATFONDS_MAX_EPC_KWH_M2,
            chimney_free=not result.result(name).variant.plant.backup.is_combustion)))
    out.append(Paragraph("heat_pumps", s.heat_pumps(language, heat_pump_share=1.0 - row["backup_share"],
                                                    spf=row["spf_h2"],
                                                    backup_kind=result.result(name).variant.plant.backup.kind)))
    return out


def _reference_later_year(result) -> int | None:
    """The calendar year of the reference's first purchase after year 0 (its boiler when it is due), or None."""
    years = [item.first_year for item in result.reference.investments if item.first_year > 0]
    return result.inputs.install_year + min(years) if years else None


def _per_apartment(result, name: str, language: str) -> list[Paragraph]:
    split = result.per_apartment(name)
    equal = all(_equal(split[c]) for c in ("net_up_front_eur", "recurring_change_eur", "bill_change_eur"))
    one = split.iloc[0] if equal else split.mean(numeric_only=True)
    out = [Paragraph("up_front", s.up_front(
               language, net_eur=split["net_up_front_eur"], investment_eur=one["investment_incl_vat_eur"],
               study_eur=one["study_cost_eur"], works_grant_eur=one["works_grants_eur"],
               study_money_eur=one["study_grants_eur"],
               key=split.attrs.get("key", "floor_area"))),
           Paragraph("up_front_reference", s.up_front_reference(
               language, net_eur=one["net_up_front_eur"], reference_eur=one["reference_investment_incl_vat_eur"],
               equal=equal, reference_later_year=_reference_later_year(result)))]
    works = result.case(name).subsidies.by_year("works")
    balance = sum(eur for year, eur in works.items() if year > 0)
    if balance > 0.0:
        out.append(Paragraph("prefinance", s.prefinance(
            language, advance_eur=works.get(0, 0.0), balance_eur=balance,
            balance_per_apartment_eur=split_cents(balance, capital_weights(result)))))
    out.append(Paragraph("per_year", s.per_year(
        language, bill_before_eur=one["bill_before_eur"], bill_after_eur=one["bill_after_eur"],
        maintenance_change_eur=one["maintenance_change_eur"], replacements_change_eur=one["replacements_change_eur"],
        recurring_change_eur=one["recurring_change_eur"], equal=equal, along_path=name in result.states)))
    events = later_events(result, name, language)
    if events:
        text = s.later(language, events=events)
        if text:
            out.append(Paragraph("later", text))
    return out


def item_name(investment) -> str:
    """An investment's name without the trailing note of its purchase year ("(30.0 kWp, year 3)" keeps
    "30.0 kWp"; "(the existing one is due in year 8)" goes): page one states the year itself."""
    year = int(investment.first_year)
    name = re.sub(rf"\s*\((?:the existing one is )?due in year {year}\)$", "", investment.name)
    return re.sub(rf"\s*\(([^()]*), year {year}\)$", r" (\1)", name)


def later_events(result, name: str, language: str = "en") -> list[dict]:
    """The one-off purchases after year 0 of ``name`` against the reference (:func:`mgwsim.finance.later_costs`),
    by year: calendar year, year from the start, the change per apartment by the capital key [EUR incl. VAT]
    and the names of what each option buys that year (investments with that ``first_year``)."""
    costs = later_costs(result.case(name))
    weights = capital_weights(result)
    install = int(result.inputs.install_year)

    def bought(investments, year: int) -> list[str]:
        return [_later_item(i, language) for i in investments if int(i.first_year) == year]

    # the reference side of the business case also buys the path's steps this variant carries out now
    # (Variant.envelope_now): those are the reference's purchases in their year, the variant's saving then
    variant = result.result(name).variant
    reference_items = list(result.reference.investments)
    if variant.envelope_now:
        from mgwsim.study.costs import advanced_step_investments

        inputs = result.inputs
        reference_items += advanced_step_investments(variant.envelope_now, inputs.renovation_path, inputs.building,
                                                     inputs.cost_table)
    return [{"year": install + int(year), "n": int(year), "per_apartment_eur": split_cents(row["change_eur"], weights),
             "items": bought(result.result(name).investments, int(year)),
             "reference_items": bought(reference_items, int(year))}
            for year, row in costs.iterrows()]


def _later_item(investment, language: str) -> str:
    """A later purchase in words: an envelope step in its year ("roof insulation in year 3 (363 m2)") as the
    works and their area ("roof insulation (363 m²)", page one states the year itself), others by :func:`item_name`."""
    from mgwsim.report.text import _ENVELOPE_NL

    match = re.fullmatch(r"(.+) in year \d+ \((\d+) m2\)", investment.name)
    if match is None:
        return item_label(item_name(investment), language)
    works = _ENVELOPE_NL.get(match[1], match[1]) if language == "nl" else match[1]
    return f"{works} ({format_number(float(match[2]), language)} m²)"


def _money(result, name: str, language: str) -> list[Paragraph]:
    row, case, inputs = result.table.loc[name], result.case(name), result.inputs
    finance = inputs.finance
    out = [Paragraph("gap", s.gap(language, npv_before_grants_eur=row["npv_before_grants_eur"],
                                  years=finance.horizon_years, rate_frac=finance.discount_rate_frac))]
    call = call_name(result, language)
    eligibility = case.subsidies.eligibility()
    if call is not None or row["works_grants_eur"] > 0:
        reasons = [in_language((en, nl), language) for _, en, nl in eligibility.failed]
        out.append(Paragraph("grant", s.grant(language, call=call or "", works_eur=row["works_grants_eur"],
                                              gap_eur=row["gap_before_grants_eur"], eligible=eligibility.eligible,
                                              reasons=reasons)))
    out.append(Paragraph("npv", s.npv(language, npv_eur=row["npv_eur"], years=finance.horizon_years,
                                      n_apartments=inputs.building.n_apartments)))
    note = case.payback_note
    out.append(Paragraph("payback", s.payback(language, years=case.payback_years,
                                              reason=in_language((note.en, note.nl), language) if note else "")))
    if inputs.study_cost_incl_vat_eur > 0:
        failed = case.subsidies.eligibility("study").failed
        out.append(Paragraph("study_money", s.study_money(
            language, grant_eur=case.study_grants_eur, cost_eur=inputs.study_cost_incl_vat_eur,
            reasons=[in_language((en, nl), language) for _, en, nl in failed])))
    return out


def _prices(result, name: str, language: str) -> Paragraph:
    """The price sentence for variant ``name``: its connection's tariffs (the fixed price of the fixed
    contract, the dynamic contract's formula), the day-ahead basis, and the years of the investment costs
    of the variant and the reference."""
    inputs = result.inputs
    connection = result.result(name).variant.connection
    fixed, dynamic = inputs.tariff(connection, dynamic=False), inputs.tariff(connection, dynamic=True)
    basis = study_price_basis(inputs)
    years, others = cost_table_years(result, [name, result.reference.variant.name])
    return Paragraph("prices", s.prices(
        language, tariff=fixed.name, tariff_year=int(fixed.year), connection=connection,
        fixed_eur_per_mwh=1000.0 * float(fixed["energy_eur_per_kwh"]),
        multiplier=float(dynamic["dynamic_multiplier"]),
        markup_eur_per_mwh=1000.0 * float(dynamic["dynamic_markup_eur_per_kwh"]), basis_year=basis.year,
        basis_years=basis.years, mean_eur_per_mwh=basis.mean_eur_per_mwh, source=basis.source,
        default=basis.source == default_price_basis().source, cost_years=years, other_costs=others))


def _choices(result, name: str, sensitivity: pd.DataFrame | None, language: str) -> list[Paragraph]:
    decision, out = result.decision, []
    years = result.inputs.finance.horizon_years
    step = decision.chimney_free_step
    if step is not None and decision.recommended == name:
        out.append(Paragraph("chimney_free", s.chimney_free(
            language, name=_label(result, name, language), other=_label(result, step.name, language),
            extra_cost_eur=step.extra_cost_eur,
            extra_co2_t=step.extra_co2_avoided_t, marginal_eur_per_t=step.marginal_eur_per_t,
            qualifies=step.qualifies, years=years)))
    effects = result.dynamic_tariff_effects()
    for variant, row in effects.iterrows():
        rank = decision.table.loc[variant, "rank"] if variant in decision.table.index else np.nan
        if variant == name or (not np.isnan(rank) and rank <= DYNAMIC_NEAR_TOP):
            out.append(Paragraph(f"dynamic-{variant}", s.dynamic(
                language, name=_label(result, str(variant), language), variant_eur=row["variant_eur"],
                fixed_heat_led_eur=row["fixed_heat_led_eur"], level_effect_eur=row["level_effect_eur"],
                flexibility_effect_eur=row["flexibility_effect_eur"], dynamic_heat_led_eur=row["dynamic_heat_led_eur"],
                strategy=str(row["strategy"]))))
    if sensitivity is not None and len(sensitivity):
        top = sensitivity.iloc[0]
        out.append(Paragraph("sensitivity", s.sensitivity(
            language, parameter=str(sensitivity.index[0]), change=sensitivity_change(top["low"], top["high"],
                                                                                  str(sensitivity.index[0]), language),
            low_eur=top["npv_low_eur"], high_eur=top["npv_high_eur"])))
    if result.study.rules.criterion != "npv":
        paragraph = best_npv_paragraph(result, name, language)
        if paragraph is not None:
            out.append(paragraph)
    return out


def best_npv_paragraph(result, name: str, language: str) -> Paragraph | None:
    """When the study ranks by another criterion: the qualified variant with the best NPV when it is not
    ``name``, and the variant with the best NPV of all when it does not qualify (with its first shortfall);
    None when ``name`` has the best NPV of all."""
    table = result.decision.table
    by_npv = table.assign(_name=table.index.astype(str)).sort_values(["npv_eur", "_name"], ascending=[False, True])
    qualified = by_npv[by_npv["qualifies"].astype(bool)]
    best_qualified = str(qualified.index[0]) if len(qualified) else None
    best = str(by_npv.index[0])
    shown = best_qualified if best_qualified not in (None, name) else None
    unqualified = best if not bool(table.loc[best, "qualifies"]) and best != name else None
    if shown is None and unqualified is None:
        return None
    return Paragraph("best_npv_other", s.best_npv_other(
        language, name=_label(result, shown, language) if shown else shown,
        npv_eur=table.loc[shown, "npv_eur"] if shown else None,
        unqualified=_label(result, unqualified, language) if unqualified else unqualified,
        unqualified_npv_eur=table.loc[unqualified, "npv_eur"] if unqualified else None,
        reason=table.loc[unqualified, "shortfalls"][0].text(language) if unqualified else ""))


def page_one(result, language: str = "en", sensitivity: pd.DataFrame | None = None) -> list[Paragraph]:
    """The sentences of page one in reading order (see the module docstring).

    Parameters
    ----------
    result : StudyResult
    language : {'en', 'nl'}
    sensitivity : DataFrame, optional
        :func:`mgwsim.report.analysis.npv_sensitivity` of :attr:`StudyResult.detail_variant`.
    """
    name, ref = result.detail_variant, result.reference.variant.name
    names = [r.variant.name for r in result.results]
    out = [Paragraph("compared", s.compared(language, n=len(names), building=result.inputs.building.label(language),
                                            reference=variant_label(result, ref, language),
                                            names=[variant_label(result, n, language) for n in names]))]
    out += recommendation_paragraphs(result, language)
    out += _effects(result, name, language)
    out += _per_apartment(result, name, language)
    out += _money(result, name, language)
    out.append(_prices(result, name, language))
    out.append(Paragraph("escalation", s.escalation(language, changes=dict(result.inputs.finance.escalation_frac))))
    out += _choices(result, name, sensitivity, language)
    return out


# --------------------------------------------------------------------------- names in the report's language
def variant_of(result, name: str):
    """The :class:`~mgwsim.study.Variant` called ``name`` (the reference or a studied variant)."""
    return next(vr.variant for vr in (result.reference, *result.results) if vr.variant.name == name)


def _label(result, name: str, language: str) -> str:
    """:func:`variant_label` for a study result; the name as given for a result without variants (a stand-in)."""
    return variant_label(result, name, language) if hasattr(result, "results") else name


def variant_labels(result, language: str) -> dict[str, str]:
    """``{name: label}`` of every variant of ``result`` (the reference too) in ``language``; empty for a result
    without variants (a stand-in)."""
    if not hasattr(result, "results"):
        return {}
    return {vr.variant.name: vr.variant.label(language) for vr in (result.reference, *result.results)}


def variant_label(result, name: str, language: str) -> str:
    """The name of variant ``name`` in ``language`` (:meth:`Variant.label`: its ``name_nl`` in Dutch)."""
    return variant_of(result, name).label(language)


def step_label(result, label: str, language: str) -> str:
    """A building state of the renovation path in ``language``: "as is" in words, a step by its ``label_nl``
    in Dutch (:class:`~mgwsim.building.RenovationStep`), else as given."""
    if label == "as is":
        return in_language(("as is", "zoals het is"), language)
    path = result.inputs.renovation_path
    step = next((st for st in (path.steps if path is not None else ()) if st.label == label), None)
    return step.label_nl if step is not None and language == "nl" and step.label_nl else label


def localized(text: str, result, language: str) -> str:
    """``text`` with every quoted variant name and renovation-step label (``'+ PV'``) replaced by its name in
    ``language``: the study's sentences quote the names the user gave, which are the variants' keys."""
    if language == "en":
        return text
    names = {vr.variant.name: vr.variant.label(language) for vr in (result.reference, *result.results)}
    path = result.inputs.renovation_path
    names.update({st.label: st.label_nl for st in (path.steps if path is not None else ()) if st.label and st.label_nl})
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(f"'{name}'", f"'{names[name]}'")
    return text


def steps_in_words(result, language: str, done_now: tuple = ()) -> list[str]:
    """The renovation steps as "label (calendar year)" in ``language``, without those whose every measure is in
    ``done_now`` (a variant's ``envelope_now``: done with the plant, not later)."""
    path, install = result.inputs.renovation_path, int(result.inputs.install_year)
    if path is None:
        return []
    return [f"{step_label(result, st.label, language) or '–'} ({install + int(st.year)})" for st in path.steps
            if not (done_now and all(m in done_now for m in st.measures))]


# --------------------------------------------------------------------------- page one for the co-owners
def verdict_key(result) -> str:
    """The verdict page one gives, from the decision and the money of the recommended variant: 'profitable'
    (the NPV before grants is not negative as printed), 'with_grant' (negative before grants, not after),
    'needs_support' (negative even with the grants), 'not_feasible' (no variant qualifies)."""
    name = result.decision.recommended
    if name is None:
        return "not_feasible"
    row = result.table.loc[name]
    if s.shown_sign(row["npv_before_grants_eur"]) >= 0:
        return "profitable"
    return "with_grant" if s.shown_sign(row["npv_eur"]) >= 0 else "needs_support"


def design_in_words(variant, language: str) -> str:
    """What a variant installs, in words: heat pumps (count and size) and backup, a heat-network substation, or a
    gas boiler; PV [kWp], EV charging points, a dynamic contract, a medium-voltage cabin."""
    def say(template: str, /, **values) -> str:
        return in_language(SENTENCES[template], language).format(**values)

    plant, parts = variant.plant, []
    if variant.heat_network is not None:
        parts.append(say("design_heat_network", network=variant.heat_network.name,
                         kw=format_number(plant.backup.capacity_kw, language)))
    elif plant.heat_pumps is None:
        parts.append(say("design_gas_boiler"))
    else:
        cascade = plant.heat_pumps
        unit_kw = cascade.rated_capacity_kw() / cascade.n_units
        parts.append(say("design_heat_pumps", n=cascade.n_units, kw=format_number(unit_kw, language)) + ", "
                     + say(f"design_backup_{plant.backup.kind}"))
    if variant.pv_kwp > 0:
        parts.append(say("design_pv", kwp=format_number(variant.pv_kwp, language)))
    if variant.ev is not None:
        parts.append(say("design_ev", n=variant.ev.n_points))
    if variant.dynamic_tariff:
        parts.append(say("design_dynamic"))
    if variant.connection == "mv":
        parts.append(say("design_mv"))
    return s.join_words(parts, language)


def _say(template: str, language: str, /, **values) -> str:
    return in_language(SENTENCES[template], language).format(**values)


def plain_verdict(result, language: str) -> list[Paragraph]:
    """The verdict and why, in money per apartment over the horizon (the NPV in words)."""
    key, name = verdict_key(result), result.decision.recommended
    out = [Paragraph("plain-verdict", _say(f"plain_verdict_{key}", language))]
    if name is None:
        return out
    row, years = result.table.loc[name], result.inputs.finance.horizon_years
    n = result.inputs.building.n_apartments
    npv = row["npv_before_grants_eur"] if key == "profitable" else row["npv_eur"]
    grant = (_say("plain_grant", language, amount=format_eur(row["works_grants_eur"], language))
             if row["works_grants_eur"] > 0 else "")
    out.append(Paragraph("plain-why", _say(f"plain_why_{key}", language, years=years, grant=grant,
                                           amount=format_eur(abs(npv) / n, language))))
    return out


def plain_advice(result, language: str) -> Paragraph:
    """The recommended variant in one sentence, or the closest one and what it falls short on."""
    decision = result.decision
    if decision.recommended is not None:
        variant = variant_of(result, decision.recommended)
        design = design_in_words(variant, language)
        if variant.envelope_now:  # the envelope works it does now are part of what is advised
            from mgwsim.study.costs import envelope_now_investments

            inputs = result.inputs
            works = [works_now(i.name, language) for i in envelope_now_investments(
                variant.envelope_now, inputs.building, inputs.cost_table)]
            design += {"en": ", and {} now, with the heat pumps", "nl": ", en {} nu, samen met de warmtepompen"}[
                language].format(s.join_words(works, language))
        return Paragraph("plain-advice", _say("plain_advice", language, name=variant.label(language),
                                              design=design))
    closest = variant_of(result, result.detail_variant)
    shortfalls = s.join_words(list(dict.fromkeys(
        plain_shortfall(f.key, language) for f in decision.table.loc[closest.name, "shortfalls"])), language)
    return Paragraph("plain-advice", _say("plain_closest", language, name=closest.label(language),
                                          design=design_in_words(closest, language), shortfalls=shortfalls))


def plain_shortfall(key: str, language: str) -> str:
    """A shortfall of the decision (:class:`mgwsim.study.decision.Shortfall` ``key``) in plain words: comfort,
    hot water, the connection, the grant's conditions, or a check by its plain name."""
    key = "eligibility" if key.startswith("eligibility:") else key
    for template in (f"plain_short_{key}", f"plain_check_{key}"):
        if template in SENTENCES:
            text = _say(template, language)
            return text[:1].lower() + text[1:]
    return check_label(key, language)


def _difference(value: float, language: str) -> str:
    """``value`` [EUR] as "EUR x more", "EUR x less" or "as much" (as printed)."""
    sign = s.shown_sign(value)
    if sign == 0:
        return _say("amount_as_much", language)
    return _say("amount_more_than" if sign > 0 else "amount_less_than", language, amount=format_eur(abs(value), language))


def plain_money(result, name: str, language: str) -> list[Paragraph]:
    """Up front per apartment after the grants (against replacing the boiler), then the monthly change of the
    energy bill, maintenance and replacements in the first year [EUR/month]."""
    split = result.per_apartment(name)
    net, extra = split["net_up_front_eur"], split["extra_up_front_eur"]
    if _equal(net):
        up_front = _say("plain_up_front_each", language, amount=format_eur(net.iloc[0], language),
                        difference=_difference(extra.iloc[0], language))
    else:
        up_front = _say("plain_up_front_range", language, low=format_eur(net.min(), language),
                        high=format_eur(net.max(), language), mean=format_eur(net.mean(), language),
                        difference=_difference(extra.mean(), language))
    monthly = split["recurring_change_eur"] / 12.0
    equal = _equal(monthly)
    value = float(monthly.iloc[0] if equal else monthly.mean())
    who = _say("plain_who_each" if equal else "plain_who_mean", language)
    sign = s.shown_sign(value)
    key = {1: "plain_monthly_more", -1: "plain_monthly_less", 0: "plain_monthly_same"}[sign]
    return [Paragraph("plain-up-front", up_front),
            Paragraph("plain-monthly", _say(key, language, who=who, amount=format_eur(abs(value), language)))]


def _mild_year(result, language: str) -> str:
    """" (its coldest hour −4.4 °C, milder than the design temperature of −7 °C: …)" when the simulated weather
    never reaches the design temperature (EN 12831-1), so that its comfort hours do not read as a design check;
    else ""."""
    coldest, design = float(np.min(result.inputs.weather.temp_air_degc)), float(result.inputs.design_temperature_degc)
    if coldest <= design:
        return ""
    return _say("res_mild_year", language, coldest=format_number(coldest, language, 1),
                design=format_number(design, language, 0 if design.is_integer() else 1))


def plain_residents(result, name: str, language: str, connection=None) -> list[str]:
    """What changes for the residents: where the heat comes from, gas, comfort, PV, EV, contract, cabin, the
    smallest grid connection (``connection``, a :class:`~mgwsim.study.connection.ConnectionResult` of ``name``
    with a connection found), CO2."""
    variant, row = variant_of(result, name), result.table.loc[name]
    plant, out = variant.plant, []
    if plant.heat_pumps is not None:
        out.append(_say("res_heat_pumps", language, share=format_share(1.0 - row["backup_share"], language)))
    if variant.heat_network is not None:
        out.append(_say("res_heat_network", language, network=variant.heat_network.name))
    out.append(_say("res_keeps_gas" if plant.backup.is_combustion else "res_no_gas", language))
    cold, mild = float(row["cold_hours"]), _mild_year(result, language)
    out.append(_say("res_warm", language, mild=mild) if round(cold) == 0 else
               _say("res_cold", language, hours=format_number(cold, language), mild=mild))
    if variant.pv_kwp > 0:
        out.append(_say("res_pv", language, kwp=format_number(variant.pv_kwp, language)))
    if variant.ev is not None:
        out.append(_say("res_ev", language, n=variant.ev.n_points))
    if variant.dynamic_tariff:
        out.append(_say("res_dynamic", language))
    if variant.connection == "mv":
        out.append(_say("res_mv", language))
    if connection is not None and connection.best is not None:
        summary = connection.summary()
        out.append(_say("res_connection", language, smallest=format_number(summary["smallest_kva"], language),
                        unlimited=format_number(summary["unlimited_kva"], language),
                        existing=format_number(summary["existing_kva"], language),
                        tariff=format_eur(summary["capacity_tariff_saving_eur"], language)))
    if s.shown_sign(row["co2_reduction"] * 100.0) > 0:
        out.append(_say("res_co2", language, pct=format_share(row["co2_reduction"], language)))
    return out


def _grant_cap_words(result, works_eur: float, language: str) -> str:
    """" (80 % of the investment, at most EUR 24,000: the cap applies)" when the call's cap limits the works
    grant (the co-owners should not read the grant as the call's share), else ""."""
    rule = works_call(result)
    cap = getattr(rule, "cap_eur", None)
    if cap is None or abs(works_eur - cap) > 0.005:
        return ""
    return _say("vote_grant_capped", language, share=format_share(rule.share_frac, language),
                cap=format_eur(cap, language))


def _grant_schedule(result, name: str, language: str) -> str:
    works = result.case(name).subsidies.by_year("works")
    advance = works.get(0, 0.0)
    balance = sum(eur for year, eur in works.items() if year > 0)
    if balance <= 0.0:
        return _say("vote_grant_once", language)
    return _say("vote_grant_two", language, advance=format_eur(advance, language), balance=format_eur(balance, language))


def plain_vote(result, language: str) -> list[str]:
    """What the (extraordinary) general meeting decides on: the choice and its investment incl. VAT, the grant
    application and its prefinancing, the renovation steps it rests on, the cost-sharing key; or, when nothing
    qualifies, what would make an option qualify."""
    decision, name = result.decision, result.decision.recommended
    if name is None:
        return [_say("vote_none_plain", language)]
    split = result.per_apartment(name)
    out = [_say("vote_choice", language, name=variant_label(result, name, language),
                investment=format_eur(split["investment_incl_vat_eur"].sum(), language))]
    works = float(result.table.loc[name, "works_grants_eur"])
    call = call_name(result, language)
    if works > 0 and call is not None:
        out.append(_say("vote_grant", language, call=call, amount=format_eur(works, language),
                        rule=_grant_cap_words(result, works, language),
                        schedule=_grant_schedule(result, name, language)))
    done_now = result.result(name).variant.envelope_now
    steps = steps_in_words(result, language, done_now)
    if steps:
        total, unpriced = _path_works_eur(result, done_now)
        per_apartment = total / result.inputs.building.n_apartments
        out.append(_say("vote_steps_unpriced" if unpriced else "vote_steps", language,
                        steps=s.join_words(steps, language), cost=format_eur(total, language),
                        per_apartment=format_eur(per_apartment, language)))
    out.append(_say("vote_key", language, key=s.key_name(split.attrs.get("key", "floor_area"), language)))
    return out


def _path_works_eur(result, done_now: tuple = ()) -> tuple[float, bool]:
    """Investment excl. VAT [EUR] of the renovation path's works from the cost table, and whether some
    measure has no price there (:func:`mgwsim.study.costs.renovation_step_costs`); without the measures in
    ``done_now`` (a variant's ``envelope_now``: in its investments already)."""
    from mgwsim.study.costs import advanced_step_investments, renovation_step_costs

    inputs = result.inputs
    steps = renovation_step_costs(inputs.renovation_path, inputs.building, inputs.cost_table)
    early = advanced_step_investments(done_now, inputs.renovation_path, inputs.building, inputs.cost_table)
    return (sum(cost for _, cost, _ in steps) - sum(i.capex_eur for i in early),
            any(unpriced for _, _, unpriced in steps))


def _range_in_words(low: float, high: float, language: str) -> str:
    """Two amounts per apartment [EUR, positive: better off] as "between EUR a and EUR b worse off" or mixed."""
    low, high = sorted((low, high))
    if s.shown_sign(low) >= 0 or s.shown_sign(high) <= 0:
        direction = _say("better_off" if s.shown_sign(high) > 0 else "worse_off", language)
        a, b = sorted((abs(low), abs(high)))
        return _say("range_same", language, a=format_eur(a, language), b=format_eur(b, language), direction=direction)
    return _say("range_mixed", language, a=format_eur(-low, language), b=format_eur(high, language))


def main_risk(result, name: str, sensitivity: pd.DataFrame | None, language: str) -> str | None:
    """The one risk page one names: that the advice rests on the renovation path (a lock-in check fails with
    today's building), else the first failing check where the decision judges it, else the price or cost the
    result reacts to most (:func:`mgwsim.report.analysis.npv_sensitivity`), in money per apartment."""
    today = failing_today_only(result, name)
    if today and name in result.paths:
        return _say("risk_path", language, steps=s.join_words(steps_in_words(result, language), language))
    _, checks = verdicts_shown(result, name)
    failing = [c for c in checks if c.status == "fail"]
    if failing:
        name_key = f"plain_check_{failing[0].name}"
        label = _say(name_key, language) if name_key in SENTENCES else check_label(failing[0].name, language)
        return localized(_say("risk_check", language, label=label, sentence=check_sentence(failing[0], language)),
                         result, language)
    if sensitivity is None:
        return None
    plain = [p for p in sensitivity.index if f"plain_param_{p}" in SENTENCES]
    if not plain:
        return None
    top, n = sensitivity.loc[plain[0]], result.inputs.building.n_apartments
    return _say("risk_prices", language, param=_say(f"plain_param_{plain[0]}", language),
                change=sensitivity_change(top["low"], top["high"], plain[0], language).lstrip("±"),
                years=result.inputs.finance.horizon_years,
                range=_range_in_words(top["npv_low_eur"] / n, top["npv_high_eur"] / n, language))


@dataclass(frozen=True)
class CoOwnerPage:
    """Page one for the co-owners: the verdict and why, the advice, the money per apartment, what changes
    for the residents, what the general meeting votes on, the main risk (every item derived from the results)."""

    verdict: list[Paragraph]
    advice: Paragraph
    money: list[Paragraph]
    residents: list[str]
    vote: list[str]
    risk: str | None


def co_owner_page(result, language: str = "en", sensitivity: pd.DataFrame | None = None, *,
                  connection=None) -> CoOwnerPage:
    """Page one in plain words for :attr:`StudyResult.detail_variant` (see :class:`CoOwnerPage`); no NPV, SPF,
    unmet hours or lock-in by name: those are in the engineer's part (:func:`page_one`). ``connection``: the
    detailed variant's smallest connection (:func:`mgwsim.report.connection.smallest_connections`), one
    sentence among what changes for the residents."""
    name = result.detail_variant
    return CoOwnerPage(verdict=plain_verdict(result, language), advice=plain_advice(result, language),
                       money=plain_money(result, name, language),
                       residents=plain_residents(result, name, language, connection),
                       vote=plain_vote(result, language), risk=main_risk(result, name, sensitivity, language))


def verdict_items(result, name: str, language: str) -> tuple[str, list[tuple[str, str, str]]]:
    """The heading and the (label, status, sentence) of each check page one lists (:func:`verdicts_shown`)."""
    when, checks = verdicts_shown(result, name)
    year, _, _ = path_end(result, name)
    order = {"fail": 0, "warn": 1}
    checks = sorted(checks, key=lambda c: order[c.status])
    if when == "end":
        heading = in_language(SENTENCES["risks_end" if checks else "no_risks_end"], language).format(year=year)
    else:
        heading = in_language(SENTENCES["risks_today" if checks else "no_risks"], language)
    return heading, [(check_label(c.name, language), c.status, check_sentence(c, language)) for c in checks]


__all__ = ["PRACTICAL_TIE_FRAC", "CoOwnerPage", "Paragraph", "co_owner_page", "design_in_words", "localized",
           "main_risk", "step_label", "variant_label",
           "variant_labels", "verdict_key", "best_npv_paragraph", "call_name", "capital_weights",
           "conditions_paragraph", "design", "failing_today_only", "item_name", "later_events", "page_one", "path_end",
           "recommendation_paragraphs", "sensitivity_change", "study_price_basis", "tie_paragraph", "verdict_items",
           "verdicts_shown"]
