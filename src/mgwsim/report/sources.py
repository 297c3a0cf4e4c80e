"""Assumptions and data sources of a study, as rows for the HTML report and the workbook.

"The report states every assumption and data source used": the building and its
typology, the design temperature and its source, the weather source, the tariffs with the
source of every parameter, the finance and subsidy assumptions, the cost table with its
``source`` column, the CO2 factors with theirs, and the READMEs of the data files.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from mgwsim.assess import load_co2_factors
from mgwsim.report.summary import study_price_basis
from mgwsim.report.text import LABELS, format_eur, format_number, format_pct, t
from mgwsim.tariffs import default_price_basis
from mgwsim.weather import design_temperature

DATA_README_TOPICS = ("weather", "typology", "tariffs", "prices", "costs", "co2", "dhw", "loads", "heatpump",
                      "refrigerants", "ev")
"""Data folders whose READMEs the report lists (the data a study reads)."""


def _data_dir() -> Path:
    import mgwsim

    return Path(mgwsim.__file__).parent / "data"


def design(result):
    """The design temperature with its method and source (:func:`mgwsim.weather.design_temperature`)."""
    weather = result.inputs.weather
    return design_temperature(weather.site, weather)


def building_facts(result, language: str) -> list[tuple[str, str]]:
    """Building, site, design conditions and annual demand as (label, value) pairs."""
    inputs = result.inputs
    b, summary = inputs.building, inputs.demand.summary()
    rad, dt = inputs.existing_radiators, design(result)
    n = lambda v, d=0: format_number(v, language, d)  # noqa: E731
    return [
        (t("name", language), b.name),
        (t("typology", language), b.typology or "–"),
        construction_text(result, language),
        (t("floor_area", language), n(b.heated_floor_area_m2)),
        (t("n_apartments", language), n(b.n_apartments)),
        (t("n_storeys", language), n(b.n_storeys)),
        (t("ventilation", language), f"{ventilation_name(b.ventilation.system, language)}, "
                                     f"{n(b.ventilation.air_change_per_h, 2)} 1/h"),
        (t("infiltration", language), n(b.infiltration_per_h, 2)),
        (t("setpoint", language), n(b.setpoint_degc, 1)),
        (t("site", language), f"{inputs.weather.site.name} ({inputs.weather.site.latitude_deg:.4f}, "
                              f"{inputs.weather.site.longitude_deg:.4f})"),
        (t("weather", language), inputs.weather.source),
        (t("design_temperature", language), n(dt.value_degc, 1)),
        (t("design_temperature_method", language), dt.method),
        (t("design_temperature_source", language), f"{dt.source} ({dt.confidence})"),
        (t("design_heat_load", language), n(summary["design_heat_load_kw"], 1)),
        (t("radiators", language), f"{n(rad.design_supply_degc)}/{n(rad.design_return_degc)}, "
                                   f"{n(rad.design_output_kw)} kW, n = {n(rad.exponent, 2)}"),
        (t("space_heating_demand", language), n(summary["space_heating_kwh"] / 1000.0, 1)),
        (t("dhw_demand", language), n(summary["dhw_kwh"] / 1000.0, 1)),
    ]


def construction_period(building) -> tuple[int | None, int | None] | None:
    """First and last year of the building's construction period (a TABULA archetype's; None for
    an open end), or None when the building has none."""
    return building.construction_period


def construction_given(result) -> bool:
    """Whether the study was given a construction year (``StudyInputs.construction_year`` or the
    building's ``year_built``), rather than taking the end of the typology's period (the default)."""
    return result.inputs.construction_year is not None and result.inputs.construction_year_known


def construction_text(result, language: str) -> tuple[str, str]:
    """The label and value of the building's age: the construction year given, else the typology's
    construction period ("1946–1970", "until 1945", "from 2012"), never the period's first year as if
    it were the year built."""
    inputs = result.inputs
    if construction_given(result):
        return t("construction_year", language), str(inputs.construction_year)
    period = construction_period(inputs.building)
    if period is None:
        return t("construction_year", language), "–"
    first, last = period
    if first is None and last is None:
        text = "–"
    elif first is None:
        text = t("period_until", language, year=last)
    elif last is None:
        text = t("period_from", language, year=first)
    else:
        text = f"{first}–{last}"
    return t("construction_period", language), text


def envelope_table(result, language: str) -> pd.DataFrame:
    """Area and area-weighted mean U-value per element kind (walls, roof, floor, windows)."""
    b = result.inputs.building
    rows = {}
    for kind in sorted({e.kind for e in b.elements}):
        elements = [e for e in b.elements if e.kind == kind]
        area = sum(e.area_m2 for e in elements)
        rows[t(kind, language)] = (area, sum(e.area_m2 * e.u_w_m2k for e in elements) / area if area else float("nan"))
    if b.windows:
        area = sum(w.area_m2 for w in b.windows)
        rows[t("windows", language)] = (area, sum(w.area_m2 * w.u_w_m2k for w in b.windows) / area)
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=[t("area_m2", language), t("u_value", language)])
    return frame.rename_axis(t("element", language))


def ventilation_name(system: str, language: str) -> str:
    """The ventilation system ("natural", "C", "D") in words, with its Belgian system letter."""
    return t(f"vent_{system}", language) if f"vent_{system}" in LABELS else system


def rule_text(rule, language: str) -> str:
    """A subsidy rule in words: what it pays (share of the investment, net of earlier works grants where the
    rule says so, or of the study; cap, per apartment, advance) and its conditions."""
    if hasattr(rule, "rate_frac"):  # ReducedVat
        return t("rule_vat", language, rate=format_pct(rule.rate_frac, language),
                 years=format_number(rule.min_age_years, language))
    net = rule.base == "investment" and getattr(rule, "net_of_previous", False)
    parts = [t("rule_share", language, share=format_pct(rule.share_frac, language),
               base=t(f"base_{rule.base}_net" if net else f"base_{rule.base}", language))]
    if rule.eur_per_unit is not None:
        parts.append(t("rule_per_unit", language, eur=format_eur(rule.eur_per_unit, language)))
    if rule.cap_eur is not None:
        parts.append(t("rule_cap", language, eur=format_eur(rule.cap_eur, language)))
    if rule.advance_frac < 1.0:
        parts.append(t("rule_advance", language, share=format_pct(rule.advance_frac, language),
                       year=rule.balance_year))
    conditions = [c.text_nl if language == "nl" else c.text_en for c in getattr(rule, "conditions", ())]
    text = "; ".join(parts)
    if conditions:
        text += ". " + t("rule_conditions", language) + ": " + "; ".join(conditions)
    return text


def finance_facts(result, language: str) -> list[list[str]]:
    """Finance, VAT, study cost and subsidy rules as (label, value) rows, in words and the language's numbers."""
    inputs = result.inputs
    f = inputs.finance
    escalation = ", ".join(f"{k} {format_pct(v, language, 1)}" for k, v in f.escalation_frac.items()) or "0 %"
    rows = [
        [t("horizon", language), format_number(f.horizon_years, language)],
        [t("discount_rate", language), format_pct(f.discount_rate_frac, language, 1)],
        [t("escalation", language), escalation],
        [t("vat", language), format_pct(f.vat_frac, language)],
        [t("study_cost", language), format_eur(inputs.study_cost_incl_vat_eur, language)],
    ]
    rows += [[f"{t('subsidy_rules', language)}: {getattr(rule, 'name', type(rule).__name__)}", rule_text(rule, language)]
             for rule in inputs.subsidies]
    return rows


def building_inputs(result) -> list[tuple[str, object, str, str]]:
    """The building and its demand as (parameter, value, unit, source) with numbers as numbers."""
    inputs = result.inputs
    b, summary, rad, dt = inputs.building, inputs.demand.summary(), inputs.existing_radiators, design(result)
    period = construction_period(b)
    rows = [("name", b.name, "", ""), ("typology", b.typology or "", "", "TABULA/EPISCOPE (VITO)")]
    if period is not None:
        rows += [("construction_period_first_year", period[0], "", "TABULA"),
                 ("construction_period_last_year", period[1], "", "TABULA")]
    rows += [
        ("construction_year_for_subsidy_conditions", inputs.construction_year, "",
         "given" if construction_given(result) else "default: last year of the typology's period"),
        ("heated_floor_area", float(b.heated_floor_area_m2), "m2", ""),
        ("n_apartments", int(b.n_apartments), "", ""),
        ("n_storeys", int(b.n_storeys), "", ""),
        ("ventilation_system", b.ventilation.system, "", ""),
        ("ventilation_air_change", float(b.ventilation.air_change_per_h), "1/h", ""),
        ("infiltration", float(b.infiltration_per_h), "1/h", ""),
        ("setpoint", float(b.setpoint_degc), "degC", ""),
        ("design_outdoor_temperature", float(dt.value_degc), "degC", f"{dt.method}; {dt.source}"),
        ("design_heat_load", float(summary["design_heat_load_kw"]), "kW", ""),
        ("radiators_design_supply", float(rad.design_supply_degc), "degC", ""),
        ("radiators_design_return", float(rad.design_return_degc), "degC", ""),
        ("radiators_design_output", float(rad.design_output_kw), "kW", ""),
        ("radiators_exponent", float(rad.exponent), "-", ""),
        ("space_heating_demand", float(summary["space_heating_kwh"]), "kWh/year", ""),
        ("dhw_demand", float(summary["dhw_kwh"]), "kWh/year", ""),
        ("existing_connection", float(inputs.existing_connection_kva), "kVA", ""),
        ("weather", inputs.weather.source, "", ""),
    ]
    return rows


def finance_inputs(result) -> list[tuple[str, object, str, str]]:
    """Finance assumptions as (parameter, value, unit, source) with numbers as numbers."""
    inputs, f = result.inputs, result.inputs.finance
    rows = [("horizon", int(f.horizon_years), "years", ""), ("discount_rate", float(f.discount_rate_frac), "1/year", ""),
            ("vat_before_subsidy_rules", float(f.vat_frac), "-", ""),
            ("capex_escalation", float(f.capex_escalation_frac), "1/year", ""),
            ("study_cost_incl_vat", float(inputs.study_cost_incl_vat_eur), "EUR", "")]
    rows += [(f"escalation_{k}", float(v), "1/year", "") for k, v in f.escalation_frac.items()]
    return rows


def subsidy_inputs(result, language: str = "en") -> list[tuple[str, object, str, str]]:
    """Each subsidy rule's numbers as (parameter, value, unit, source)."""
    rows = []
    for rule in result.inputs.subsidies:
        name = getattr(rule, "name", type(rule).__name__)
        if hasattr(rule, "rate_frac"):
            rows += [(f"{name}.rate", float(rule.rate_frac), "-", ""),
                     (f"{name}.min_age", float(rule.min_age_years), "years", "")]
            continue
        rows += [(f"{name}.base", rule.base, "", ""), (f"{name}.share", float(rule.share_frac), "-", ""),
                 (f"{name}.cap", None if rule.cap_eur is None else float(rule.cap_eur), "EUR", ""),
                 (f"{name}.advance_share", float(rule.advance_frac), "-", ""),
                 (f"{name}.balance_year", int(rule.balance_year), "", "")]
        rows += [(f"{name}.condition", c.text_nl if language == "nl" else c.text_en, "", "")
                 for c in getattr(rule, "conditions", ())]
    return rows


def tariffs_used(result) -> list:
    """The distinct tariffs the variants were billed with (electricity LV/MV, fixed/dynamic, and gas)."""
    inputs, seen = result.inputs, {}
    for vr in (result.reference, *result.results):
        tariff = inputs.tariff(vr.variant.connection, dynamic=vr.variant.dynamic_tariff)
        seen.setdefault((tariff.name, tariff["supply_kind"]), tariff)
    seen.setdefault((inputs.gas.name, "gas"), inputs.gas)
    return list(seen.values())


def cost_table(result) -> pd.DataFrame:
    """The cost table used (``mgwsim/data/costs``), with its ``source`` and ``year`` columns."""
    table = result.inputs.cost_table.table
    columns = [c for c in ("size_unit", "ref_size", "eur_per_unit_at_ref", "scale_exponent", "lifetime_years",
                           "source", "year") if c in table]
    return table[columns]


def co2_table(result) -> pd.DataFrame:
    """The CO2 factors of the study's year with scope and source."""
    return load_co2_factors(result.inputs.co2_year)[["kg_co2_per_kwh", "year", "scope", "source"]]


def _readme_source(path: Path) -> tuple[str, str]:
    """Title and the first line that names a source (or the first paragraph line) of a README."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    title = lines[0].lstrip("# ") if lines else path.parent.name
    named = [line for line in lines[1:] if re.search(r"source|bron", line, re.IGNORECASE)]
    text = (named or lines[1:2] or [""])[0]
    return title, re.sub(r"[*`]", "", text).lstrip("-| ").strip()


def data_readmes() -> list[tuple[str, str]]:
    """(``data/<topic>/README.md`` with its title, its source line) for the data a study reads."""
    rows = []
    for topic in DATA_README_TOPICS:
        path = _data_dir() / topic / "README.md"
        if path.exists():
            title, text = _readme_source(path)
            rows.append((f"data/{topic}/README.md — {title}", text))
    return rows


def source_list(result, language: str) -> list[tuple[str, str]]:
    """Every source used, as (topic, source) rows: weather, design temperature, typology,
    tariffs (each parameter's source), day-ahead prices, cost table, CO2 factors."""
    inputs, dt = result.inputs, design(result)
    rows = [(t("weather", language), inputs.weather.source),
            (t("design_temperature", language), f"{dt.method}; {dt.source}")]
    if inputs.building.typology:
        rows.append((t("typology", language), f"{inputs.building.typology}: TABULA/EPISCOPE Belgian typology (VITO), "
                                              "CC BY 4.0 — data/typology/README.md"))
    for tariff in tariffs_used(result):
        for source in sorted(set(tariff.sources.values())):
            rows.append((f"{t('tariff', language)} {tariff.name}", source))
    basis = study_price_basis(inputs)
    rows.append((t("day_ahead", language), f"{basis.source}; {basis.note}" if basis.note else basis.source))
    if basis.source == default_price_basis().source:
        rows.append((t("day_ahead", language), "data/prices/README.md"))
    for item, row in cost_table(result).iterrows():
        rows.append((f"{t('costs', language)}: {item}", f"{row['source']} ({row['year']})"))
    for carrier, row in co2_table(result).iterrows():
        rows.append((f"{t('co2_factors', language)}: {carrier}", f"{row['source']} ({row['year']})"))
    return rows


def sources_frame(result, language: str = "en") -> pd.DataFrame:
    """:func:`source_list` plus the data READMEs as a two-column DataFrame (for the workbook)."""
    rows = source_list(result, language) + data_readmes()
    return pd.DataFrame(rows, columns=["item", "source"])
