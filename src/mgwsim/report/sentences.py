"""Summary sentences that say what their numbers say.

Each function takes the figures it states (plain numbers, in the units of its parameters) and
returns one sentence in English or Dutch. The words that carry a direction ("less"/"more",
"lowers"/"raises", "saves"/"pays more", "within"/"above") are chosen from the sign of the
figure *as it is printed* (rounded as shown), so that a sentence never says "saves EUR 0" or
"lowers the indicator from 315 to 325"; shares are printed with the decimals they need not to
read as 0 %, 100 % or equal to the threshold they are compared with
(:func:`mgwsim._format.format_share`). The templates are :data:`mgwsim.report.text.SENTENCES`;
:mod:`mgwsim.report.summary` gathers the figures of a study and calls these functions.
"""

from __future__ import annotations

import math

from collections.abc import Mapping, Sequence

import numpy as np

from mgwsim._format import format_eur, format_number, format_share, in_language, share_decimals
from mgwsim.report.text import SENTENCES, sensitivity_name

EUR_DECIMALS = 0
"""Decimals of amounts of money in sentences [EUR]."""


def _s(template: str, language: str, **values) -> str:
    return in_language(SENTENCES[template], language).format(**values)


def shown_sign(value: float, decimals: int = 0) -> int:
    """The sign of ``value`` as printed with ``decimals``: 0 when it rounds to zero."""
    rounded = round(float(value), decimals)
    return 0 if rounded == 0.0 else (1 if rounded > 0 else -1)


def _eur(value: float, language: str) -> str:
    return format_eur(value, language, EUR_DECIMALS)


def _amount(value: float, language: str) -> str:
    """``value`` as "EUR x more", "EUR x less" or "the same" (positive: more) [EUR]."""
    sign = shown_sign(value, EUR_DECIMALS)
    key = {1: "amount_more", -1: "amount_less", 0: "amount_same"}[sign]
    return _s(key, language, value=_eur(abs(value), language))


def join_words(items: Sequence[str], language: str) -> str:
    """``a, b and c`` (en) or ``a, b en c`` (nl)."""
    return _list(items, language)


def _list(items: Sequence[str], language: str) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + (" en " if language == "nl" else " and ") + items[-1]


# --------------------------------------------------------------------------- what is recommended and why
def compared(language: str, *, n: int, building: str, reference: str, names: Sequence[str]) -> str:
    """What the study compared."""
    return _s("compared", language, n=n, building=building, reference=reference, names=", ".join(names))


def headline(language: str, *, name: str | None) -> str:
    """"Recommended: X." or that none is."""
    return _s("none_recommended", language) if name is None else _s("recommended", language, name=name)


def conditions(language: str, *, call: str | None, max_unmet_share: float, max_hot_water_short_share: float,
               path_year: int | None) -> str:
    """The conditions a variant must meet (the decision's qualification), with their tolerances [-]."""
    when = (_s("when_path", language, year=path_year) if path_year is not None else _s("when_today", language))
    call_text = _s("condition_call", language, call=call) if call else ""
    return _s("conditions", language, call=call_text, unmet=format_share(max_unmet_share, language),
              dhw=format_share(max_hot_water_short_share, language), when=when)


def qualification(language: str, *, n_studied: int, n_qualified: int, name: str | None, criterion: str,
                  value: str, closest: str, shortfalls: Sequence[str], remedies: Sequence[str],
                  tied: bool = False) -> str:
    """How many variants qualify and why ``name`` comes first (``criterion`` in words, ``value`` its printed
    value), or, when none does, the closest one, its shortfalls and what would make one qualify. ``tied``:
    ``name`` is tied with others on the criterion and was chosen by the tie-breaker (the tie paragraph says how)."""
    if name is None or n_qualified == 0:
        return _s("qualified_none", language, n=n_studied, closest=closest, shortfalls="; ".join(shortfalls),
                  remedies="; ".join(remedies))
    if n_qualified == 1:
        return _s("qualified_one", language, n=n_studied, name=name)
    return _s("qualified_many_tied" if tied else "qualified_many", language, n=n_studied, k=n_qualified, name=name,
              criterion=criterion, value=value)


def _amounts(values, language: str) -> tuple[str, str, str, bool]:
    """Per-apartment amounts [EUR] as printed: (lowest, highest, mean, all equal as printed)."""
    values = np.asarray(values, dtype=float)
    low, high = _eur(values.min(), language), _eur(values.max(), language)
    return low, high, _eur(values.mean(), language), low == high


TIE_MARGINS = {"EUR/t": "tie_margin_gap", "EUR": "tie_margin_npv", "t": "tie_margin_co2"}
"""The template of a close ranking's lead, by the criterion's unit (EUR/t: gap per tonne, whose lead is stated
as gap; EUR: NPV or gap; t: CO2)."""


def tie(language: str, *, first: str, second: str, first_value: str, second_value: str, difference_frac: float,
        threshold_frac: float, margin: float | None, margin_unit: str, years: int, apart: Sequence[str] = (),
        level_name: str | None = None, level_saving_eur: float | None = None, as_run_saving_eur: float | None = None,
        gaps_eur: tuple[float, float] | None = None, tonnes: tuple[float, float] | None = None,
        others: Sequence[str] = ()) -> str:
    """The first two qualified variants are practically tied: their criterion values (as printed) differ by
    ``difference_frac`` [-], within ``threshold_frac`` [-].

    The lead: for a criterion per tonne (``margin_unit`` ``EUR/t``) the two gaps before grants [EUR] and
    tonnes avoided [t] (``gaps_eur``, ``tonnes``: the first can cost more and still rank first by
    avoiding more); else ``margin``, the lead in the criterion's money [EUR] or tonnes [t] over
    ``years``. ``apart``: what sets them apart (phrases). ``level_saving_eur``: what the price level
    of the dynamic contract of ``level_name`` saves a year, heat-led [EUR/year, positive: a saving];
    ``as_run_saving_eur``: what the contract saves as the plant runs (level and steering). ``others``: further
    variants in the tie band (named, not compared)."""
    margin_text = ""
    if margin_unit == "EUR/t" and gaps_eur is not None and tonnes is not None:
        gap, dt = gaps_eur[0] - gaps_eur[1], tonnes[0] - tonnes[1]
        margin_text = _s("tie_margin_gap", language, first=first, second=second, years=years,
                         gap=_eur(abs(gap), language), gap_dir=_s("dir_more" if gap > 0 else "dir_less", language),
                         tonnes=format_number(abs(dt), language),
                         t_dir=_s("dir_more" if dt > 0 else "dir_less", language))
    elif margin is not None and np.isfinite(margin) and margin_unit != "EUR/t":
        shown = format_number(margin, language) if margin_unit == "t" else _eur(margin, language)
        margin_text = _s(TIE_MARGINS[margin_unit], language, first=first, margin=shown, years=years)
    apart_text = _s("tie_apart", language, items=_list(apart, language)) if apart else ""
    rests = ""
    if level_name is not None and level_saving_eur is not None and shown_sign(level_saving_eur) > 0:
        if margin_unit == "EUR" and margin is not None:
            rests = _s("tie_rests_level", language, name=level_name, level=_eur(level_saving_eur, language),
                       compared=_s("level_more" if level_saving_eur > margin else "level_part", language))
        else:
            rests = _s("tie_level_only", language, name=level_name, level=_eur(level_saving_eur, language),
                       as_run=_eur(as_run_saving_eur if as_run_saving_eur is not None else level_saving_eur,
                                   language))
    also = _s("tie_others", language, names=_list([f"'{n}'" for n in others], language)) if others else ""
    return _s("tie", language, first=first, second=second, first_value=first_value, second_value=second_value,
              difference=format_share(difference_frac, language, against=(threshold_frac,)),
              threshold=format_share(threshold_frac, language), margin=margin_text, apart=apart_text,
              rests=rests) + also


def apart(language: str, first: dict, second: dict) -> list[str]:
    """What sets two variants apart, in words, first against second: PV (``pv_kwp`` [kWp]), the contract
    (``dynamic``), EV charging (``ev_points``), the connection ('lv' or 'mv') and the backup kind."""
    out = []
    if round(first["pv_kwp"], 1) != round(second["pv_kwp"], 1):
        kwp = [format_number(v["pv_kwp"], language, 1) + " kWp" if v["pv_kwp"] > 0 else _s("apart_no_pv", language)
               for v in (first, second)]
        out.append(_s("apart_pv", language, first=kwp[0], second=kwp[1]))
    if first["dynamic"] != second["dynamic"]:
        out.append(_s("apart_dynamic" if first["dynamic"] else "apart_fixed", language))
    if first["ev_points"] != second["ev_points"]:
        out.append(_s("apart_ev", language, first=first["ev_points"], second=second["ev_points"]))
    if first["connection"] != second["connection"]:
        out.append(_s(f"apart_{first['connection']}", language))
    if first["backup"] != second["backup"]:
        words = [_s(f"backup_{v['backup']}", language) if f"backup_{v['backup']}" in SENTENCES else v["backup"]
                 for v in (first, second)]
        out.append(_s("apart_backup", language, first=words[0], second=words[1]))
    return out


def path_assumed(language: str, *, steps: Sequence[str]) -> str:
    """The renovation path's envelope steps (labels with their years) are common to the reference and every
    variant, not costed, and the bills and CO2 follow them."""
    return _s("path_assumed", language, steps=_list(steps, language))


def envelope_now(language: str, *, name: str, items: Sequence[str], cost_eur: float, years: Sequence[int]) -> str:
    """That variant ``name`` carries out envelope works of the renovation path now (``items`` in words), what they
    cost excl. VAT [EUR], and the calendar years in which the reference pays them."""
    return _s("envelope_now", language, name=name, items=_list(items, language), cost=_eur(cost_eur, language),
              years=_list([str(y) for y in years], language))


def path_needed(language: str, *, steps: Sequence[str], path_year: int, failing_today: Sequence[str],
                fossil: tuple[float, float, float] | None = None, name: str = "") -> str:
    """That the variant qualifies only thanks to the renovation path: the lock-in checks (their labels)
    that fail with today's building; for the fossil check, ``(share today, share after the path,
    threshold)`` [-]. Without ``steps`` the steps are those page one has just listed (:func:`path_assumed`)."""
    step_text = (_s("steps_listed", language, steps=_list(steps, language)) if steps
                 else _s("steps_these", language))
    if fossil is not None and len(failing_today) == 1:
        today, end, threshold = fossil
        return _s("path_needed_fossil", language, name=name, steps=step_text, year=path_year,
                  today=format_share(today, language, against=(threshold,)),
                  threshold=format_share(threshold, language), end=format_share(end, language, against=(threshold,)))
    return _s("path_needed", language, name=name, steps=step_text, checks=_list(failing_today, language))


# --------------------------------------------------------------------------- what it does
def co2(language: str, *, reference_t: float, variant_t: float, avoided_t: float, years: int,
        along_path: bool) -> str:
    """CO2 of the variant against the reference in the first year [t] and avoided over ``years`` [t] (the
    business case's sum over the years, along the renovation path when ``along_path``)."""
    decimals = share_decimals(variant_t, 1, against=(reference_t,))
    ref, var = (format_number(v, language, decimals) for v in (reference_t, variant_t))
    change = variant_t - reference_t
    if var == ref:
        first = _s("co2_same", language, var=var)
    else:
        share = abs(change) / reference_t if reference_t > 0 else np.nan
        first = _s("co2_less" if change < 0 else "co2_more", language, var=var, ref=ref,
                   pct=format_share(share, language))
    path = _s("co2_path", language) if along_path else ""
    sign = shown_sign(avoided_t)
    key = {1: "co2_total_avoided", -1: "co2_total_more", 0: "co2_total_same"}[sign]
    return first + _s(key, language, years=years, path=path, total=format_number(abs(avoided_t), language))


def epc(language: str, *, reference_kwh_m2: float, variant_kwh_m2: float, label_reference: str,
        label_variant: str) -> str:
    """The EPC indicator of the variant against the reference [kWh/m² a year]."""
    decimals = share_decimals(variant_kwh_m2, against=(reference_kwh_m2,))
    ref, var = (format_number(v, language, decimals) for v in (reference_kwh_m2, variant_kwh_m2))
    if variant_kwh_m2 == reference_kwh_m2:
        return _s("epc_same", language, var=var, label_var=label_variant)
    key = "epc_lower" if variant_kwh_m2 < reference_kwh_m2 else "epc_higher"
    return _s(key, language, ref=ref, var=var, label_ref=label_reference, label_var=label_variant)


def epc_path(language: str, *, year: int | None, epc_kwh_m2: float, target_kwh_m2: float, chimney_free: bool) -> str:
    """The EPC indicator at the end of the renovation path (``year``; None: no path, today's building)
    against the call's target [kWh/m² a year], and when above it whether the call accepts the variant
    as chimney-free instead."""
    value = format_number(epc_kwh_m2, language, share_decimals(epc_kwh_m2, against=(target_kwh_m2,)))
    target = format_number(target_kwh_m2, language)
    within, above = ("epc_path_within", "epc_path_above") if year is not None else ("epc_today_within",
                                                                                     "epc_today_above")
    if epc_kwh_m2 <= target_kwh_m2:
        return _s(within, language, year=year, epc=value, target=target)
    instead = _s("epc_path_chimney_free", language) if chimney_free else ""
    return _s(above, language, year=year, epc=value, target=target, instead=instead)


def heat_pumps(language: str, *, heat_pump_share: float, spf: float, backup_kind: str) -> str:
    """What share of the heat [-] the heat pumps give, at what SPF [-], and what gives the rest."""
    if np.isnan(heat_pump_share) or np.isnan(spf) or heat_pump_share <= 0.0:
        return _s("no_heat_pump", language)
    spf_text = format_number(spf, language, 1)
    if heat_pump_share >= 1.0:
        return _s("hp_all", language, spf=spf_text)
    others = {"gas_boiler": "others_gas", "electric": "others_electric"}.get(backup_kind, "others_none")
    return _s("hp_share", language, hp=format_share(heat_pump_share, language), spf=spf_text,
              others=_s(others, language), rest=format_share(1.0 - heat_pump_share, language))


# --------------------------------------------------------------------------- money for each apartment
def key_name(key: str, language: str) -> str:
    """The allocation key (``co_owner_split`` ``attrs["key"]``) in words."""
    names = {"floor_area": ("floor area", "vloeroppervlakte"),
             "shares": ("the statutory shares (aandelen)", "de aandelen in de gemene delen"),
             "equal": ("equal parts (the study was given no statutory shares or floor areas)",
                       "gelijke delen (de studie kreeg geen aandelen of vloeroppervlaktes)")}
    return in_language(names.get(key, (key.replace("_", " "),) * 2), language)


def up_front(language: str, *, net_eur, investment_eur: float, study_eur: float, works_grant_eur: float,
             study_money_eur: float, key: str) -> str:
    """What each apartment pays up front [EUR]: ``net_eur`` per apartment; the other amounts those of one
    apartment (stated only when every apartment pays the same)."""
    low, high, mean, equal = _amounts(net_eur, language)
    if equal:
        return _s("up_front_each", language, net=low, investment=_eur(investment_eur, language),
                  study=_eur(study_eur, language), works=_eur(works_grant_eur, language),
                  study_money=_eur(study_money_eur, language), allocation=key_name(key, language))
    return _s("up_front_range", language, low=low, high=high, net=mean, allocation=key_name(key, language))


def escalation(language: str, *, changes: Mapping[str, float]) -> str:
    """The yearly real price changes assumed per carrier (``Finance.escalation_frac``) [1/year]."""
    shown = [(c, v) for c, v in changes.items() if v != 0.0]
    if not shown:
        return _s("escalation_none", language)
    parts = [f"{_s('carrier_' + c, language) if 'carrier_' + c in SENTENCES else c} "
             f"{'+' if v > 0 else '−'}{format_share(abs(v), language)}" for c, v in shown]
    return _s("escalation", language, changes=_list(parts, language))


def up_front_reference(language: str, *, net_eur: float, reference_eur: float, equal: bool,
                       reference_later_year: int | None = None) -> str:
    """The variant's net up-front payment against the reference's [EUR] (one apartment, or the mean);
    ``reference_later_year``: the calendar year the reference buys its boiler when it buys nothing now."""
    who = _s("who_each" if equal else "who_mean", language)
    diff = net_eur - reference_eur
    if shown_sign(reference_eur, EUR_DECIMALS) == 0 and reference_later_year is not None:
        return _s("up_front_reference_later", language, who=who, diff=_eur(diff, language), year=reference_later_year)
    sign = shown_sign(diff, EUR_DECIMALS)
    if sign == 0:
        return _s("up_front_same", language, who=who)
    key = "up_front_more" if sign > 0 else "up_front_less"
    return _s(key, language, who=who, reference=_eur(reference_eur, language), diff=_eur(abs(diff), language))


def prefinance(language: str, *, advance_eur: float, balance_eur: float, balance_per_apartment_eur) -> str:
    """The works grant paid as advance and balance [EUR], and each apartment's share of the balance to
    prefinance [EUR] (one value per apartment; the range and the mean when they differ as printed)."""
    low, high, mean, equal = _amounts(balance_per_apartment_eur, language)
    who = (_s("prefinance_each", language, amount=low) if equal
           else _s("prefinance_range", language, low=low, high=high, mean=mean))
    return _s("prefinance", language, advance=_eur(advance_eur, language), balance=_eur(balance_eur, language),
              who=who)


def _items(names: Sequence[str], language: str) -> str:
    """Item names in running text (quoted in Dutch: the names are mgwsim's English ones)."""
    return _list([f"'{n}'" if language == "nl" else n for n in names], language)


def later(language: str, *, events: Sequence[dict]) -> str:
    """The one-off purchases after year 0, by year, for one apartment (or the range and mean) [EUR incl. VAT].

    Each event: ``year`` (calendar), ``n`` (years from the start), ``per_apartment_eur`` (the change
    variant - reference per apartment, positive: the variant pays more), ``items`` and ``reference_items``
    (names of what each buys that year)."""
    texts = []
    for event in events:
        change = np.asarray(event["per_apartment_eur"], dtype=float)
        sign = shown_sign(float(change.mean()))
        if sign == 0 and shown_sign(float(np.abs(change).max())) == 0:
            continue
        low, high, mean, equal = _amounts(np.abs(change), language)
        common = dict(year=event["year"], n=event["n"], items=_items(event["items"], language),
                      reference_items=_items(event["reference_items"], language), amount=mean)
        pays = _s("who_pays_each", language) if equal else _s("who_pays_range", language, low=low, high=high)
        if not event["reference_items"]:
            texts.append(_s("later_variant", language, who=pays, **common))
        elif not event["items"]:
            saves = _s("who_saves_each", language) if equal else _s("who_saves_range", language, low=low, high=high)
            texts.append(_s("later_reference", language, who_saves=saves, **common))
        else:
            texts.append(_s("later_both", language, who=pays,
                            more_or_less=_s("more" if sign >= 0 else "less", language), **common))
    return _s("later", language, events="; ".join(texts)) if texts else ""


def _parts_adding_up(bill_before_eur: float, bill_after_eur: float, parts: Sequence[float], total: float) -> list[float]:
    """``parts`` rounded to whole euros so that the printed bill change plus the printed parts add up to
    the printed ``total`` (largest-remainder rounding of what is left after the bill change)."""
    left = round(total) - (round(bill_after_eur) - round(bill_before_eur))
    floors = [math.floor(p) for p in parts]
    short = int(left - sum(floors))
    order = sorted(range(len(parts)), key=lambda i: floors[i] - parts[i])  # largest fractional part first
    rounded = [float(f) for f in floors]
    for i in (order * (abs(short) // len(parts) + 1))[:abs(short)]:
        rounded[i] += 1.0 if short > 0 else -1.0
    return rounded


def per_year(language: str, *, bill_before_eur: float, bill_after_eur: float, maintenance_change_eur: float,
             replacements_change_eur: float, recurring_change_eur: float, equal: bool, along_path: bool = False) -> str:
    """The yearly change for one apartment (or the mean one) [EUR/year]: bill, maintenance, replacements and
    their sum ``recurring_change_eur`` (positive: the variant costs more every year). The printed parts add
    up to the printed total (:func:`_parts_adding_up`). ``along_path``: the bills are year 1's and change
    after each renovation step."""
    maintenance_change_eur, replacements_change_eur = _parts_adding_up(
        bill_before_eur, bill_after_eur, (maintenance_change_eur, replacements_change_eur), recurring_change_eur)
    who_bill = _s("who_bill_each" if equal else "who_bill_mean", language)
    before, after = _eur(bill_before_eur, language), _eur(bill_after_eur, language)
    bill_key = {1: "bill_up", -1: "bill_down", 0: "bill_same"}[shown_sign(bill_after_eur - bill_before_eur)
                                                               if before != after else 0]
    sign = shown_sign(recurring_change_eur, EUR_DECIMALS)
    verb = _s("verb_saves" if sign < 0 else "verb_pays", language)
    total = _eur(abs(recurring_change_eur), language) if sign < 0 else _amount(recurring_change_eur, language)
    return _s("per_year", language, bill=_s(bill_key, language, who=who_bill, before=before, after=after),
              maintenance=_amount(maintenance_change_eur, language),
              replacements=_amount(replacements_change_eur, language),
              who=_s("who_each" if equal else "who_mean", language), verb=verb, total=total,
              when=_s("per_year_first" if along_path else "per_year_every", language),
              later=_s("per_year_path", language) if along_path else "")


# --------------------------------------------------------------------------- the gap, the grants, the NPV
def gap(language: str, *, npv_before_grants_eur: float, years: int, rate_frac: float) -> str:
    """The unprofitable gap before grants, from the NPV before grants [EUR] (negative: a gap)."""
    rate = format_share(rate_frac, language)
    if shown_sign(npv_before_grants_eur, EUR_DECIMALS) < 0:
        return _s("gap", language, years=years, rate=rate, gap=_eur(-npv_before_grants_eur, language))
    return _s("no_gap", language, years=years, rate=rate, gain=_eur(max(npv_before_grants_eur, 0.0), language))


def grant(language: str, *, call: str, works_eur: float, gap_eur: float, eligible: bool | None,
          reasons: Sequence[str]) -> str:
    """The requested works grant [EUR] and the share of the gap before grants [EUR] it covers, or why
    there is none."""
    if not works_eur > 0.0:
        return _s("grant_none", language, call=call, reasons="; ".join(reasons) if reasons else "–")
    if shown_sign(gap_eur, EUR_DECIMALS) <= 0:
        return _s("grant_on_top", language, call=call, works=_eur(works_eur, language))
    return _s("grant_covers", language, call=call, works=_eur(works_eur, language),
              share=format_share(works_eur / gap_eur, language))


def npv(language: str, *, npv_eur: float, years: int, n_apartments: int) -> str:
    """The NPV with grants and study [EUR], in words for the co-owners together and per apartment."""
    sign = shown_sign(npv_eur, EUR_DECIMALS)
    key = {1: "npv_positive", -1: "npv_negative", 0: "npv_zero"}[sign]
    return _s(key, language, years=years, npv=_eur(npv_eur, language), amount=_eur(abs(npv_eur), language),
              per_apartment=_eur(abs(npv_eur) / n_apartments, language))


def payback(language: str, *, years: float | None, reason: str = "") -> str:
    """The payback time [years], or its absence with the reason."""
    if years is None or np.isnan(years):
        return _s("no_payback", language, reason=reason)
    return _s("payback", language, years=format_number(years, language, 1))


def study_money(language: str, *, grant_eur: float, cost_eur: float, reasons: Sequence[str] = ()) -> str:
    """What the call's study money [EUR] pays of the study cost [EUR]."""
    if not grant_eur > 0.0:
        return _s("study_money_none", language, cost=_eur(cost_eur, language), reasons="; ".join(reasons) or "–")
    if format_eur(grant_eur, language) == format_eur(cost_eur, language):
        return _s("study_money_all", language, grant=_eur(grant_eur, language), cost=_eur(cost_eur, language))
    return _s("study_money_part", language, grant=_eur(grant_eur, language), cost=_eur(cost_eur, language),
              share=format_share(grant_eur / cost_eur, language))


# --------------------------------------------------------------------------- prices
def prices(language: str, *, tariff: str, tariff_year: int, fixed_eur_per_mwh: float, multiplier: float,
           markup_eur_per_mwh: float, basis_year: int, basis_years: Sequence[int], mean_eur_per_mwh: float,
           source: str, default: bool, connection: str = "lv", cost_years: Sequence[int] = (),
           other_costs: bool = False) -> str:
    """The price year and levels: the year of the energy prices and tariffs, the years of the investment
    costs (``cost_years``: the cost-table rows bought; ``other_costs``: items priced by other sources), the
    fixed supply price [EUR/MWh excl. VAT] of the variant's ``connection`` ('lv' or 'mv'), the dynamic
    formula (multiplier [-], mark-up [EUR/MWh]) and the day-ahead series (year, mean [EUR/MWh], source)."""
    def money(value: float) -> str:
        return format_eur(value, language, 0 if round(value, 1) == round(value) else 1)

    if multiplier == 1.0:
        markup = _s("markup", language, markup=money(markup_eur_per_mwh))
    else:
        markup = _s("markup_times", language, multiplier=format_number(multiplier, language, 2),
                    markup=money(markup_eur_per_mwh))
    years = (str(basis_years[0]) if len(basis_years) == 1 else f"{basis_years[0]}–{basis_years[-1]}")
    basis = (_s("basis_default", language, mean=money(mean_eur_per_mwh), year=basis_year) if default
             else _s("basis_user", language, source=source, mean=money(mean_eur_per_mwh), years=years))
    if cost_years:
        first, last = min(cost_years), max(cost_years)
        costs = _s("costs_years", language, years=str(first) if first == last else f"{first}–{last}",
                   year=tariff_year, others=_s("costs_others", language) if other_costs else "")
    else:
        costs = _s("costs_sources", language, year=tariff_year)
    text = _s("prices", language, year=tariff_year, costs=costs, connection=_s(f"connection_{connection}", language),
              fixed=money(fixed_eur_per_mwh), tariff=tariff, markup=markup, basis=basis)
    if basis_year != tariff_year:
        text += " " + _s("prices_years_differ", language, tariff_year=tariff_year, year=basis_year)
    return text


# --------------------------------------------------------------------------- choices the co-owners can make
def chimney_free(language: str, *, name: str, other: str, extra_cost_eur: float, extra_co2_t: float,
                 marginal_eur_per_t: float | None, qualifies: bool, years: int) -> str:
    """Going chimney-free: the extra cost before grants [EUR, NPV], the extra CO2 avoided over the horizon
    [t] and the marginal cost per extra tonne [EUR/t]."""
    tail = _s("cf_qualifies" if qualifies else "cf_not_qualified", language)
    cost_sign = shown_sign(extra_cost_eur, EUR_DECIMALS)
    common = dict(name=name, other=other, years=years, qualifies=tail, extra_cost=_eur(abs(extra_cost_eur), language))
    if shown_sign(extra_co2_t, 0) <= 0:
        return _s("chimney_free_no_gain", language, extra_t=format_number(abs(extra_co2_t), language),
                  more_or_less=_s("more" if cost_sign >= 0 else "less", language), **common)
    extra_t = format_number(extra_co2_t, language)
    if cost_sign < 0:
        return _s("chimney_free_cheaper", language, extra_t=extra_t, **common)
    return _s("chimney_free_dearer", language, extra_t=extra_t,
              marginal=_eur(marginal_eur_per_t if marginal_eur_per_t is not None else np.nan, language), **common)


def _effect(value: float, language: str) -> str:
    sign = shown_sign(value, EUR_DECIMALS)
    key = {-1: "effect_saves", 1: "effect_costs", 0: "effect_none"}[sign]
    return _s(key, language, value=_eur(abs(value), language) + (" per jaar" if language == "nl" else " a year"))


def dynamic(language: str, *, name: str, variant_eur: float, fixed_heat_led_eur: float, level_effect_eur: float,
            flexibility_effect_eur: float, dynamic_heat_led_eur: float | None = None,
            strategy: str = "price_led") -> str:
    """A dynamic tariff's value [EUR/year]: the level effect (heat-led dynamic - heat-led fixed) and the
    flexibility effect of the variant's control ``strategy`` (variant - heat-led dynamic); negative is a
    saving. When the flexibility effect is a cost, the advice: the same plant run heat-led on the dynamic
    contract (``dynamic_heat_led_eur``, default variant - flexibility) costs that much less."""
    steering = _s(f"steering_{strategy}", language) if f"steering_{strategy}" in SENTENCES else strategy
    advice = ""
    if shown_sign(flexibility_effect_eur, EUR_DECIMALS) > 0:
        heat_led = variant_eur - flexibility_effect_eur if dynamic_heat_led_eur is None else dynamic_heat_led_eur
        name_key = f"strategy_{strategy}"
        advice = _s("steering_does_not_pay", language,
                    strategy=_s(name_key, language) if name_key in SENTENCES else steering[:1].upper() + steering[1:],
                    heat_led=_eur(heat_led, language), saving=_eur(flexibility_effect_eur, language))
    return _s("dynamic", language, name=name, actual=_eur(variant_eur, language),
              fixed=_eur(fixed_heat_led_eur, language), level=_effect(level_effect_eur, language),
              steering=steering, flexibility=_effect(flexibility_effect_eur, language), advice=advice)


def sensitivity(language: str, *, parameter: str, change: str, low_eur: float, high_eur: float) -> str:
    """The parameter the NPV reacts most to and the NPV range it spans [EUR]."""
    low, high = sorted((low_eur, high_eur))
    return _s("sensitivity", language, param=sensitivity_name(parameter, language), change=change,
              low=_eur(low, language), high=_eur(high, language))


def best_npv_other(language: str, *, name: str | None, npv_eur: float | None, unqualified: str | None = None,
                   unqualified_npv_eur: float | None = None, reason: str = "") -> str:
    """When the study ranks by another criterion: the qualified variant with the best NPV [EUR] (``name``,
    None when it is the recommended one), and the variant with the best NPV of all when it does not
    qualify (``unqualified``), with its first shortfall ``reason``."""
    parts = []
    if name is not None:
        parts.append(_s("best_npv_other", language, name=name, npv=_eur(npv_eur, language)))
    if unqualified is not None:
        parts.append(_s("best_npv_unqualified", language, name=unqualified, npv=_eur(unqualified_npv_eur, language),
                        reason=reason))
    return " ".join(parts)


TEMPLATES = {
    "compared": compared, "headline": headline, "conditions": conditions, "qualification": qualification,
    "tie": tie, "path_assumed": path_assumed, "envelope_now": envelope_now, "path_needed": path_needed, "co2": co2, "epc": epc,
    "epc_path": epc_path, "heat_pumps": heat_pumps, "up_front": up_front, "up_front_reference": up_front_reference,
    "prefinance": prefinance, "per_year": per_year, "later": later, "gap": gap, "grant": grant, "npv": npv,
    "payback": payback, "study_money": study_money, "prices": prices, "escalation": escalation,
    "chimney_free": chimney_free, "dynamic": dynamic, "sensitivity": sensitivity, "best_npv_other": best_npv_other,
}
"""Every sentence function of page one, by name (each has its tests in tests/test_report.py)."""
