"""Assumptions and data sources of a study, as rows for the HTML report and the workbook.

"The report states every assumption and data source used": the building and its
typology, the design temperature and its source, the weather source, the tariffs with the
source of every parameter, the finance and subsidy assumptions, the cost table with its
``source`` column, the CO2 factors with theirs, and the READMEs of the data files.
"""

from __future__ import annotations

import re

import pandas as pd

from mgwsim.assess import load_co2_factors
from mgwsim._data import data_path
from mgwsim._format import in_language
from mgwsim.finance._subsidies import KLIMAATFONDS_SOURCE
from mgwsim.report.summary import study_price_basis
from mgwsim.report.text import (
    CARRIERS, LABELS, SENTENCES, format_eur, format_number, format_pct, rule_name, t, tariff_parameter,
)
from mgwsim.tariffs import default_price_basis
from mgwsim.weather import design_temperature

DATA_README_TOPICS = ("weather", "typology", "tariffs", "prices", "costs", "co2", "dhw", "loads", "heatpump",
                      "refrigerants", "ev")
"""Data folders whose READMEs the report lists (the data a study reads)."""


def publication_source(text: str) -> str:
    """A data file's source note as the report shows it, whitespace tidied. The data files cite the publications
    behind their figures (tests/test_sources_cited.py keeps the project's internal notes file out of them)."""
    return re.sub(r"\s{2,}", " ", str(text)).strip()


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
        (t("name", language), f"{b.label(language)} ({inputs.building_source})" if inputs.building_source
         else b.label(language)),
        (t("typology", language), b.typology or "–"),
        construction_text(result, language),
        (t("floor_area", language), n(b.heated_floor_area_m2)),
        (t("n_apartments", language), n(b.n_apartments)),
        (t("n_storeys", language), n(b.n_storeys)),
        (t("ventilation", language), f"{ventilation_name(b.ventilation.system, language)}, "
                                     f"{n(b.ventilation.air_change_per_h, 2)} 1/h"),
        (t("infiltration", language), n(b.infiltration_per_h, 2)),
        (t("setpoint", language), n(b.setpoint_degc, 1)),
        (t("site", language), f"{inputs.weather.site.name} ({n(inputs.weather.site.latitude_deg, 4)}; "
                              f"{n(inputs.weather.site.longitude_deg, 4)})"),
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
    rows += [[f"{t('subsidy_rules', language)}: {rule_name(getattr(rule, 'name', type(rule).__name__), language)}",
              rule_text(rule, language)] for rule in inputs.subsidies]
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
    """The distinct tariffs the variants were billed with (electricity LV/MV and gas), each once: a fixed and a
    dynamic contract on one connection are two readings of the same tariff file."""
    inputs, seen = result.inputs, {}
    for vr in (result.reference, *result.results):
        tariff = inputs.tariff(vr.variant.connection, dynamic=vr.variant.dynamic_tariff)
        seen.setdefault(tariff.name, tariff)  # the fixed and dynamic contracts of one tariff share its file
    seen.setdefault(inputs.gas.name, inputs.gas)
    return list(seen.values())


def tariff_table(tariff, language: str) -> pd.DataFrame:
    """A tariff's parameters in words (:func:`mgwsim.report.text.tariff_parameter`), their values and
    :func:`publication_source` sources, for the report."""
    frame = tariff.to_frame()
    values = [in_language(tariff_words(v), language) if isinstance(v, str) else v for v in frame["value"]]
    return pd.DataFrame({t("value", language): values,
                         t("source", language): [publication_source(v) for v in frame["source"]]},
                        index=pd.Index([tariff_parameter(k, language) for k in frame.index],
                                       name=t("parameter", language)))


def tariff_words(value: str) -> tuple[str, str]:
    """A tariff's text value (a contract kind) in words, or the value itself in both languages."""
    from mgwsim.report.text import TARIFF_PARAMETERS

    return TARIFF_PARAMETERS.get(value, (value, value))


def tariff_kind(kind: str, language: str) -> str:
    """A tariff's kind ("low_voltage", "medium_voltage", "gas") in words."""
    return in_language(tariff_words(kind), language)


def cost_table(result) -> pd.DataFrame:
    """The cost table used (``mgwsim/data/costs``), with its ``source`` and ``year`` columns."""
    table = result.inputs.cost_table.table
    columns = [c for c in ("size_unit", "ref_size", "eur_per_unit_at_ref", "scale_exponent", "lifetime_years",
                           "source", "year") if c in table]
    return table[columns]


COST_COLUMNS = {"size_unit": ("Size unit", "Eenheid"), "ref_size": ("Reference size", "Referentiegrootte"),
                "eur_per_unit_at_ref": ("Price per unit at the reference size [EUR excl. VAT]",
                                        "Prijs per eenheid bij de referentiegrootte [EUR excl. btw]"),
                "scale_exponent": ("Scale exponent [-]", "Schaalexponent [-]"),
                "lifetime_years": ("Lifetime [years]", "Levensduur [jaar]"), "source": ("Source", "Bron"),
                "year": ("Year", "Jaar")}
"""Columns of the cost table in words."""

CO2_COLUMNS = {"kg_co2_per_kwh": ("Factor [kg CO2 per kWh]", "Factor [kg CO2 per kWh]"), "year": ("Year", "Jaar"),
               "scope": ("What is counted", "Wat wordt meegeteld"), "source": ("Source", "Bron")}
"""Columns of the CO2 factors in words."""


COST_ITEMS = {
    "heat_pump_air_water": ("air/water heat pump", "lucht/water-warmtepomp"),
    "heat_pump_brine_water": ("brine/water heat pump", "brine/water-warmtepomp"),
    "boreholes": ("boreholes", "boorgaten"), "hydraulics": ("hydraulics", "hydraulica"),
    "buffer_tank": ("buffer tank", "buffervat"), "dhw_tank": ("hot-water tank", "warmwatervat"),
    "electrical_upgrade": ("electrical works", "elektrische werken"), "pv": ("solar panels (PV)", "zonnepanelen"),
    "ev_charger": ("EV charging point", "laadpunt"), "load_management": ("load management", "laadsturing"),
    "gas_boiler_condensing": ("condensing gas boiler", "condensatieketel op gas"),
    "electric_heater": ("electric backup heater", "elektrische back-upverwarming"),
    "roof_insulation": ("roof insulation", "dakisolatie"), "wall_insulation": ("wall insulation", "muurisolatie"),
    "floor_insulation": ("floor insulation", "vloerisolatie"), "glazing": ("new windows", "nieuwe ramen"),
    "pv_remount": ("removing and reinstalling PV for roof works", "zonnepanelen demonteren en herplaatsen voor "
                                                                 "dakwerken"),
    "radiator_replacement": ("larger radiators", "grotere radiatoren"),
    "low_temperature_radiator": ("low-temperature radiators", "lagetemperatuurradiatoren"),
    "hydraulic_balancing": ("hydraulic balancing", "hydraulisch inregelen"),
}
"""Items of the cost table (``mgwsim/data/costs/cost_table.csv``) in words."""

SIZE_UNITS = {"charger": ("charging point", "laadpunt"), "system": ("system", "systeem"), "m2": ("m²", "m²"),
              "apartment": ("apartment", "appartement")}
"""Size units of the cost table that are words."""


def cost_item(item: str, language: str) -> str:
    """A cost-table item in words (:data:`COST_ITEMS`); an item of the user's own table as given."""
    return in_language(COST_ITEMS.get(item, (item, item)), language)


def cost_table_shown(result, language: str) -> pd.DataFrame:
    """:func:`cost_table` for the report: columns in words, sources tidied, years as text."""
    frame = cost_table(result).copy()
    frame.index = [cost_item(item, language) for item in frame.index]
    if "size_unit" in frame:
        frame["size_unit"] = frame["size_unit"].map(lambda u: in_language(SIZE_UNITS.get(u, (u, u)), language))
    if "source" in frame:
        frame["source"] = frame["source"].map(publication_source)
    if "year" in frame:
        frame["year"] = frame["year"].map(lambda y: str(int(y)) if pd.notna(y) else "–")
    frame = frame.rename(columns=lambda c: in_language(COST_COLUMNS.get(c, (c, c)), language))
    return frame.rename_axis(t("item", language))


def co2_table_shown(result, language: str) -> pd.DataFrame:
    """:func:`co2_table` for the report: carriers and columns in words, sources tidied."""
    frame = co2_table(result).copy()
    frame["source"] = frame["source"].map(publication_source)
    frame["year"] = frame["year"].map(lambda y: str(int(y)))
    frame.index = [carrier_name(c, language) for c in frame.index]
    frame = frame.rename(columns=lambda c: in_language(CO2_COLUMNS.get(c, (c, c)), language))
    return frame.rename_axis(t("carrier", language))


def co2_table(result) -> pd.DataFrame:
    """The CO2 factors of the study's year with scope and source."""
    return load_co2_factors(result.inputs.co2_year)[["kg_co2_per_kwh", "year", "scope", "source"]]


def carrier_name(carrier: str, language: str) -> str:
    """An energy carrier of the CO2 factors in words."""
    return in_language(CARRIERS.get(carrier, (carrier, carrier)), language)


DATA_FILES: dict[str, tuple[str, str, str]] = {
    "weather": ("Weather year (embedded default) and design outdoor temperatures",
                "Weerjaar (ingebouwde standaard) en ontwerpbuitentemperaturen",
                "NREL National Solar Radiation Database (NSRDB), PSM v3, Uccle 2019; NBN EN 12831-1 ANB:2020"),
    "typology": ("Belgian apartment typologies", "Belgische typologieën van appartementsgebouwen",
                 "TABULA/EPISCOPE, Belgian national typology compiled by VITO (IEE TABULA 2009–2012, EPISCOPE "
                 "2013–2016), CC BY 4.0"),
    "tariffs": ("Electricity and gas tariffs", "Elektriciteits- en gastarieven",
                "Fluvius tariff sheets 2026 as rate cards of suppliers; VREG tariff methodology; FOD Financiën "
                "(excise, VAT); each parameter's source in the tariff tables"),
    "prices": ("Day-ahead prices (scaled shape)", "Day-aheadprijzen (geschaald profiel)",
               "ENTSO-E Transparency Platform via Ember, European Wholesale Electricity Price Data (NL 2024), CC BY 4.0; "
               "Cal-26 forward level"),
    "costs": ("Investment costs", "Investeringskosten", "each row's source and year in the cost table"),
    "co2": ("CO2 factors", "CO2-factoren",
            "IPCC 2006 Guidelines, Vol. 2, Ch. 1, Table 1.4 (fuels); electricity: the study's factor with its source "
            "and scope in the CO2 factors table; AIB European Residual Mixes 2022/2023 (VREG), shipped as an "
            "alternative"),
    "dhw": ("Hot-water draw-off cycles", "Tappatronen warm water",
            "Commission Delegated Regulation (EU) No 812/2013, Annex VII, Table 3; Regulation (EU) No 814/2013"),
    "loads": ("Household electricity per apartment", "Huishoudelijk elektriciteitsverbruik per appartement",
              "Stromspiegel für Deutschland (co2online)"),
    "heatpump": ("Heat-pump reference points", "Referentiepunten van warmtepompen",
                 "Ochsner and Viessmann data sheets (EN 14511) as tabulated in AixLib and IDEAS"),
    "refrigerants": ("Refrigerants and EU F-gas prohibitions", "Koudemiddelen en EU F-gasverboden",
                     "Regulation (EU) 2024/573 (F-gas), Annex IV, as summarised by Bundesverband Wärmepumpe (2024)"),
    "ev": ("EV charging sessions", "Laadsessies van elektrische wagens",
           "ElaadNL open charging statistics, via EV2Gym (Orfanoudakis et al., IEEE T-ITS)"),
}
"""The data files a study reads, in words (English, Dutch) with the publications behind them (their READMEs
under ``mgwsim/data/<topic>/`` give the details)."""


def _readme_exists(topic: str) -> bool:
    """Whether the data folder ``topic`` ships its README (in the package or, in a checkout, in ``data/``)."""
    try:
        data_path(topic, "README.md")
    except FileNotFoundError:
        return False
    return True


def data_readmes(language: str = "en") -> list[tuple[str, str]]:
    """(what the data folder holds, in ``language``, with its README; the publications behind it) for the data a
    study reads (:data:`DATA_FILES`)."""
    rows = []
    for topic in DATA_README_TOPICS:
        if _readme_exists(topic) and topic in DATA_FILES:
            en, nl, publications = DATA_FILES[topic]
            rows.append((f"{in_language((en, nl), language)} (data/{topic}/README.md)", publications))
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
            rows.append((f"{t('tariff', language)} {tariff.name}", publication_source(source)))
    basis = study_price_basis(inputs)
    rows.append((t("day_ahead", language), f"{basis.source}; {basis.note}" if basis.note else basis.source))
    if basis.source == default_price_basis().source:
        rows.append((t("day_ahead", language), "data/prices/README.md"))
    for item, row in cost_table(result).iterrows():
        rows.append((f"{t('costs', language)}: {cost_item(item, language)}",
                     f"{publication_source(row['source'])} ({row['year']})"))
    for carrier, row in co2_table(result).iterrows():
        rows.append((f"{t('co2_factors', language)}: {carrier_name(carrier, language)}",
                     f"{publication_source(row['source'])} ({row['year']})"))
    if any(str(getattr(rule, "name", "")).startswith("klimaatfonds") for rule in inputs.subsidies):
        rows.append((in_language(SENTENCES["call_klimaatfonds"], language), KLIMAATFONDS_SOURCE))
    return rows


def sources_frame(result, language: str = "en") -> pd.DataFrame:
    """:func:`source_list` plus the data READMEs as a two-column DataFrame (for the workbook)."""
    from mgwsim.report.notes_nl import source_note

    rows = [(item, source_note(text, language)[0]) for item, text in source_list(result, language) + data_readmes(language)]
    return pd.DataFrame(rows, columns=["item", "source"])
