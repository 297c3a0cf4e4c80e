"""The engineer's content of the report: cost breakdown, system diagram, subsidy application, monitoring plan,
the Monte Carlo band on the NPV and the renovation path as a timeline.

Every number comes from the study result (:class:`~mgwsim.study.StudyResult`): the data functions
(:func:`cost_breakdown`, :func:`diagram_components`, :func:`application_summary`,
:func:`monitoring_plan`, :func:`npv_monte_carlo`, :func:`path_timeline`) return plain Python or pandas
objects that the tests compare with the study's own numbers; the ``*_html`` functions lay them out with
the words of :mod:`mgwsim.report.text` in English or Dutch.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, replace
from html import escape

import numpy as np
import pandas as pd

from mgwsim.report import analysis as a
from mgwsim.report import sources as src
from mgwsim.report.text import check_label, check_sentence, format_eur, format_number, format_pct, item_label, \
    rule_name, sensitivity_name, status_label, t

# --------------------------------------------------------------------------- cost breakdown
BREAKDOWN_COLUMNS = ("item", "year_bought", "size", "size_unit", "unit_price_eur", "amount_excl_vat_eur", "vat_class",
                     "vat_frac", "vat_eur", "amount_incl_vat_eur", "source")
"""Columns of :func:`cost_breakdown`."""


def cost_breakdown(result, name: str) -> pd.DataFrame:
    """Every item variant ``name`` (or the reference) buys, one row each, as the business case prices it.

    ``size`` in ``size_unit`` (the cost table's unit; NaN and "" for a lump sum), ``unit_price_eur`` =
    amount / size (the price per unit at that size, economies of scale included; the amount itself for a
    lump sum), ``amount_excl_vat_eur`` the item's price [EUR, year-0 prices], the VAT rate the business case
    applies to its class and the amount incl. VAT, the ``source`` of the price. The items bought now
    (``year_bought`` 0) sum to the study's ``investment_eur`` (:attr:`StudyResult.table`); the later ones
    (an existing boiler's replacement when it is due, the PV remounted for the roof works) to
    ``later_investment_eur``.
    """
    items = result.result(name).investments
    frame = a.investments_frame(result, [name])
    frame = frame[frame["variant"] == name].reset_index(drop=True)
    rows = []
    for item, (_, row) in zip(items, frame.iterrows(), strict=True):
        size = getattr(item, "size", None)
        amount = float(item.capex_eur)
        vat = float(row["vat_frac"])
        rows.append({"item": item.name, "year_bought": int(item.first_year),
                     "size": np.nan if size is None else float(size), "size_unit": getattr(item, "size_unit", "") or "",
                     "unit_price_eur": amount / size if size else amount, "amount_excl_vat_eur": amount,
                     "vat_class": item.vat_class, "vat_frac": vat, "vat_eur": amount * vat,
                     "amount_incl_vat_eur": amount * (1.0 + vat), "source": item.source})
    return pd.DataFrame(rows, columns=list(BREAKDOWN_COLUMNS))


UNITS = {
    # cost-table unit: (English one, English many, Dutch one, Dutch many)
    "m2": ("m²", "m²", "m²", "m²"),
    "charger": ("charging point", "charging points", "laadpunt", "laadpunten"),
    "system": ("system", "systems", "systeem", "systemen"),
    "apartment": ("apartment", "apartments", "appartement", "appartementen"),
}


def size_text(size: float, unit: str, language: str) -> str:
    """A size with its unit ("36 kW", "8 laadpunten", "1.500 l"); a lump sum in words."""
    if not unit or size is None or np.isnan(size):
        return t("bd_lump_sum", language)
    decimals = 0 if float(size).is_integer() or size >= 100 else 1
    words = UNITS.get(unit)
    if words is None:
        shown = unit
    else:
        one, many = words[2:] if language == "nl" else words[:2]
        shown = one if size == 1 else many
    return f"{format_number(size, language, decimals)} {shown}"


def unit_text(unit: str, language: str) -> str:
    """The unit a unit price is per ("€/kW", "€/laadpunt")."""
    if not unit:
        return ""
    words = UNITS.get(unit)
    return (words[2] if language == "nl" else words[0]) if words else unit


BREAKDOWN_HEADER = ("bd_item", "bd_size", "bd_unit_price", "bd_excl_vat", "bd_vat_rate", "bd_incl_vat", "source")


def _money(value, language: str) -> tuple[str, str]:
    return format_eur(value, language, 2), "num"


def cost_breakdown_html(result, name: str, language: str, table_id: str) -> str:
    """The cost breakdown of ``name`` as a table: the items bought now with their total (the investment of the
    business case), then the ones bought later with theirs."""
    from mgwsim.report.html import cite, table_html

    frame = cost_breakdown(result, name)
    rows, classes = [], []
    for when, total_key in ((frame["year_bought"] == 0, "bd_total_now"), (frame["year_bought"] > 0, "bd_total_later")):
        part = frame[when]
        if part.empty:
            continue
        for _, row in part.iterrows():
            label = item_label(row["item"], language)
            if row["year_bought"] > 0:
                label += " " + t("bd_in_year", language, year=int(row["year_bought"]))
            unit = unit_text(row["size_unit"], language)
            rows.append([label, (size_text(row["size"], row["size_unit"], language), "num"),
                         (format_eur(row["unit_price_eur"], language, 2) + (f"/{unit}" if unit else ""), "num"),
                         _money(row["amount_excl_vat_eur"], language), (format_pct(row["vat_frac"], language), "num"),
                         _money(row["amount_incl_vat_eur"], language),
                         cite(src.publication_source(row["source"]), language)])
            classes.append("")
        rows.append([t(total_key, language), "", "", _money(part["amount_excl_vat_eur"].sum(), language), "",
                     _money(part["amount_incl_vat_eur"].sum(), language), ""])
        classes.append("total")
    return table_html([t(c, language) for c in BREAKDOWN_HEADER], rows, row_classes=classes,
                      attrs=f'id="{table_id}" class="cost-breakdown" data-variant="{escape(name)}"')


# --------------------------------------------------------------------------- system diagram
COMPONENTS = ("grid", "meter", "pv", "battery", "ev", "heat_pumps", "dhw_heat_pumps", "buffer", "dhw_tank", "backup",
              "gas", "emitters")
"""Components a system diagram may show (``data-component`` of its boxes), in drawing order."""


def connection_kva(result, name: str) -> tuple[str, float]:
    """The connection after the works [kVA], as the study prices it (:func:`mgwsim.study.costs.variant_investments`):
    ("lv", the existing one, or the whole kVA the peak / cos φ needs above it, :func:`mgwsim.electric.whole_kva`)
    or ("mv", max(peak / cos φ, the MV tariff's minimum connection)), cos φ
    :data:`mgwsim.electric.CONNECTION_POWER_FACTOR`."""
    from mgwsim.electric import apparent_power_kva, fits_kva, whole_kva

    vr, inputs = result.result(name), result.inputs
    need = apparent_power_kva(float(result.table.loc[name, "peak_import_kw"]))
    if vr.variant.connection == "mv":
        return "mv", max(need, float(inputs.tariff("mv", dynamic=False).params.get("connection_min_kva", 0.0)))
    existing = float(inputs.existing_connection_kva)
    return "lv", existing if fits_kva(need, existing) else float(whole_kva(need))


def diagram_components(result, name: str, language: str) -> dict[str, str]:
    """The components of ``name``'s system, {component: label with count and size} (:data:`COMPONENTS`)."""
    variant = result.result(name).variant
    plant = variant.plant
    out = {}
    kind, kva = connection_kva(result, name)
    out["grid"] = t(f"dg_grid_{kind}", language, kva=format_number(kva, language))
    out["meter"] = t("dg_meter", language)
    if variant.pv:
        out["pv"] = t("dg_pv", language, kwp=format_number(variant.pv_kwp, language, 1))
    if variant.battery is not None:
        out["battery"] = t("dg_battery", language, kwh=format_number(variant.battery.capacity_kwh, language),
                           kw=format_number(variant.battery.power_kw, language))
    if variant.ev is not None:
        out["ev"] = t("dg_ev", language, n=variant.ev.n_points, kw=format_number(variant.ev.point_power_kw, language))
    for key, cascade in (("heat_pumps", plant.heat_pumps), ("dhw_heat_pumps", plant.hot_water.heat_pump)):
        if cascade is not None:
            unit_kw = cascade.rated_capacity_kw() / cascade.n_units
            out[key] = t(f"dg_{key}", language, n=cascade.n_units, kw=format_number(unit_kw, language),
                         source=t(f"dg_source_{cascade.performance.source.kind}", language))
    if plant.buffer is not None:
        out["buffer"] = t("dg_buffer", language, l=format_number(plant.buffer.volume_l, language))
    out["dhw_tank"] = t("dg_dhw_tank", language, l=format_number(plant.hot_water.tank.volume_l, language))
    if plant.backup.kind != "none":
        out["backup"] = t(f"dg_backup_{plant.backup.kind}", language,
                          kw=format_number(plant.backup.capacity_kw, language))
    if variant.keeps_gas_connection:
        out["gas"] = t("dg_gas", language)
    out["emitters"] = t("dg_emitters_new" if variant.emitter_upgrade is not None else "dg_emitters", language)
    return out


_BOX_W, _BOX_H = 190, 46
_POSITIONS = {  # component: (x, y) of the box's top-left corner
    "grid": (10, 20), "meter": (230, 20), "pv": (450, 20), "battery": (670, 20), "ev": (450, 90),
    "heat_pumps": (230, 170), "dhw_heat_pumps": (230, 240), "backup": (10, 240), "gas": (10, 310),
    "buffer": (450, 170), "dhw_tank": (450, 240), "emitters": (670, 170),
}
_COLOURS = {"grid": "#dfe7ef", "meter": "#dfe7ef", "pv": "#fff1c2", "battery": "#e4f2dc", "ev": "#e4f2dc",
            "heat_pumps": "#d7e9f7", "dhw_heat_pumps": "#d7e9f7", "buffer": "#f6dcd5", "dhw_tank": "#f6dcd5",
            "backup": "#eadcf0", "gas": "#eadcf0", "emitters": "#f6dcd5"}
_ELECTRIC = (("grid", "meter"), ("meter", "pv"), ("pv", "battery"), ("meter", "ev"), ("meter", "heat_pumps"),
             ("meter", "dhw_heat_pumps"))
_HEAT = (("heat_pumps", "buffer"), ("buffer", "emitters"), ("heat_pumps", "emitters"), ("dhw_heat_pumps", "dhw_tank"),
         ("heat_pumps", "dhw_tank"), ("backup", "heat_pumps"), ("gas", "backup"))


def _centre(key: str) -> tuple[float, float]:
    x, y = _POSITIONS[key]
    return x + _BOX_W / 2, y + _BOX_H / 2


def _lines(pairs, present: set, colour: str, dash: str = "") -> list[str]:
    drawn, out = set(), []
    for a_, b_ in pairs:
        if a_ not in present or b_ not in present:
            continue
        if b_ == "emitters" and a_ == "heat_pumps" and "buffer" in present:
            continue  # through the buffer
        if b_ == "dhw_tank" and a_ == "heat_pumps" and "dhw_heat_pumps" in present:
            continue  # the hot-water heat pump loads the tank
        if (a_, b_) in drawn:
            continue
        drawn.add((a_, b_))
        (x1, y1), (x2, y2) = _centre(a_), _centre(b_)
        out.append(f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" stroke="{colour}" '
                   f'stroke-width="3"{f" stroke-dasharray={chr(34)}{dash}{chr(34)}" if dash else ""}/>')
    return out


def _wrapped(text: str, width: int = 27) -> list[str]:
    words, lines = text.split(), [""]
    for word in words:
        if lines[-1] and len(lines[-1]) + 1 + len(word) > width:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}".strip()
    return lines[:2] if len(lines) <= 2 else [lines[0], " ".join(lines[1:])]


def system_diagram(result, name: str, language: str) -> str:
    """An SVG of ``name``'s system: the grid connection [kVA] and the meter, PV, battery and EV chargers on the
    electrical side (blue lines), heat pumps, tanks, backup, gas connection and radiators on the heat side (red
    lines); each box a ``<g data-component>`` (:data:`COMPONENTS`) labelled with count and size."""
    components = diagram_components(result, name, language)
    present = set(components)
    height = 390 if "gas" in present else 320
    parts = _lines(_ELECTRIC, present, "#2a7ab0") + _lines(_HEAT, present, "#c0392b")
    for key in COMPONENTS:
        if key not in components:
            continue
        x, y = _POSITIONS[key]
        lines = _wrapped(components[key])
        texts = "".join(f'<text x="{x + _BOX_W / 2:.0f}" y="{y + (17 if len(lines) == 2 else 28) + 16 * i}" '
                        f'text-anchor="middle" font-size="12">{escape(line)}</text>' for i, line in enumerate(lines))
        parts.append(f'<g data-component="{key}"><rect x="{x}" y="{y}" width="{_BOX_W}" height="{_BOX_H}" rx="6" '
                     f'fill="{_COLOURS[key]}" stroke="#1f3b57"/>{texts}</g>')
    title = escape(t("dg_title", language, name=result.result(name).variant.label(language)))
    legend = (f'<text x="10" y="{height - 8}" font-size="11" fill="#2a7ab0">— {escape(t("dg_electric", language))}</text>'
              f'<text x="230" y="{height - 8}" font-size="11" fill="#c0392b">— {escape(t("dg_heat", language))}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 870 {height}" width="100%" role="img" '
            f'font-family="Helvetica,Arial,sans-serif" class="system-diagram" data-variant="{escape(name)}">'
            f"<title>{title}</title>{''.join(parts)}{legend}</svg>")


def systems_section_body(result, language: str) -> str:
    """Per option (the reference first): its system diagram and its cost breakdown."""
    body = f'<p>{escape(t("systems_note", language))}</p>'
    for i, vr in enumerate((result.reference, *result.results)):
        name = vr.variant.name
        label = vr.variant.label(language)
        if name == result.reference.variant.name and "referen" not in label.lower():
            label = f"{label} ({t('reference_label', language)})"
        body += (f'<div class="variant-system" data-variant="{escape(name)}"><h3>{escape(label)}</h3>'
                 f'<div class="diagram">{system_diagram(result, name, language)}</div>'
                 f"<h4>{escape(t('bd_title', language))}</h4>"
                 + cost_breakdown_html(result, name, language, f"cost-breakdown-{i}") + "</div>")
    return body


# --------------------------------------------------------------------------- monitoring plan
def monitoring_plan(result, name: str) -> list:
    """The monitoring plan of ``name``: the rows of :func:`mgwsim.measured.monitoring_plan` (what is metered,
    with which meter, where, at which interval, the KPIs it feeds); a meter added there is listed here too."""
    from mgwsim.measured import monitoring_plan as plan

    return plan(result.result(name).variant)


def monitoring_html(result, name: str, language: str) -> str:
    """The monitoring plan in short for the application: what, where, interval (the full plan, with meters, KPIs
    and what goes to the city, is the report's monitoring-plan section)."""
    from mgwsim.report.html import table_html

    rows = [[row.text("quantity", language), row.text("location", language),
             (t(f"mp_interval_{row.interval.replace(' ', '_')}", language), "num")]
            for row in monitoring_plan(result, name)]
    return table_html([t(c, language) for c in ("mp_quantity", "mp_location", "mp_interval")], rows,
                      attrs='id="application-monitoring"')


# --------------------------------------------------------------------------- subsidy application
@dataclass(frozen=True)
class Phase:
    """One phase of the call: the grant's rule, amount, cap and share [-] (None without), and eligibility."""

    rule: str
    amount_eur: float
    cap_eur: float | None
    share_frac: float | None
    eligible: bool


def application_variant(result) -> tuple[str, bool]:
    """The variant the application is for: the recommended one (True), else the one nearest to qualifying."""
    recommended = result.decision.recommended
    return (recommended, True) if recommended is not None else (result.detail_variant, False)


def _techniques(result, name: str) -> list[str]:
    """The components of ``name``'s diagram (:func:`diagram_components`) that its investment buys: all but the
    grid, the meter and the gas connection, and the emitters only when they are upgraded (the hot-water tank is
    new, as its investments show)."""
    upgraded = result.result(name).variant.emitter_upgrade is not None
    return [k for k in diagram_components(result, name, "en")
            if k not in ("grid", "meter", "gas") and (k != "emitters" or upgraded)]


def _envelope_works(result, name: str, language: str) -> list[str]:
    """The envelope works ``name`` does now (``Variant.envelope_now``), as the summary names them, as list items."""
    from mgwsim.report.summary import works_now
    from mgwsim.study.costs import envelope_now_investments

    variant, inputs = result.result(name).variant, result.inputs
    if not variant.envelope_now:
        return []
    items = envelope_now_investments(variant.envelope_now, inputs.building, inputs.cost_table)
    return [works[:1].upper() + works[1:] for works in (works_now(i.name, language) for i in items)]


def application_summary(result) -> dict:
    """The numbers of the subsidy application for :func:`application_variant`, all from the study result:
    ``phases`` {"study": [Phase], "works": [Phase]}, ``investment_eur`` (excl. VAT, year 0),
    ``investment_incl_vat_eur``, ``gap_before_grants_eur`` and ``subsidy_gap_eur`` (the unprofitable gap
    before and after the grants), ``gap_covered_frac``, ``primary_saved_mwh`` (per year, EPC bookkeeping),
    ``co2_saved_t`` (per year) and ``co2_avoided_t`` (over the horizon), the EPC indicator of the reference and
    the variant (``epc_reference_kwh_m2``, ``epc_variant_kwh_m2``), the works grant's payments per year
    (``works_by_year_eur``), ``techniques`` (the components of
    the diagram the variant buys: :func:`_techniques`), ``checks`` (the lock-in checks where the decision judges them).
    """
    name, recommended = application_variant(result)
    case, vr, ref = result.case(name), result.result(name), result.reference
    frame = case.subsidies.to_frame()
    rules = {getattr(r, "name", None): r for r in result.inputs.subsidies}
    phases: dict[str, list[Phase]] = {"study": [], "works": []}
    for rule, row in frame.iterrows():
        if row["kind"] in phases:
            cap = row["cap_eur"]
            phases[row["kind"]].append(Phase(str(rule), float(row["amount_eur"]),
                                             None if cap is None or pd.isna(cap) else float(cap),
                                             getattr(rules.get(rule), "share_frac", None), bool(row["eligible"])))
    vat = case.vat_frame()
    variant_vat = vat.loc["variant"] if "variant" in vat.index.get_level_values(0) else vat.iloc[0:0]
    table = result.table
    checks = result.paths[name].final_checks() if name in result.paths else list(vr.checks)
    return {
        "variant": name, "recommended": recommended, "phases": phases,
        "investment_eur": float(table.loc[name, "investment_eur"]),
        "investment_incl_vat_eur": float((variant_vat["excl_vat_eur"] + variant_vat["vat_eur"]).sum()),
        "gap_before_grants_eur": float(case.gap_before_grants_eur), "subsidy_gap_eur": float(case.subsidy_gap_eur),
        "gap_covered_frac": case.gap_covered_frac,
        "primary_saved_mwh": (float(ref.epc.primary_kwh_by_use.sum()) - float(vr.epc.primary_kwh_by_use.sum())) / 1e3,
        "co2_saved_t": (ref.co2_kg - vr.co2_kg) / 1e3, "co2_avoided_t": float(case.co2_avoided_t),
        "epc_reference_kwh_m2": float(table.loc[ref.variant.name, "epc_kwh_m2"]),
        "epc_variant_kwh_m2": float(table.loc[name, "epc_kwh_m2"]),
        "works_by_year_eur": dict(sorted(case.subsidies.by_year("works").items())),
        "techniques": _techniques(result, name),
        "checks": checks,
    }


def application_html(result, language: str) -> str:
    """The subsidy application summary (Klimaatfonds style): phase 1 and 2 amounts with the call's cap, the
    unprofitable gap, primary energy and CO2 saved, the combination of techniques, the lock-in argument and the
    monitoring plan."""
    from mgwsim.report.html import table_html

    s = application_summary(result)
    name = s["variant"]
    label = result.result(name).variant.label(language)
    body = f'<p>{escape(t("app_for" if s["recommended"] else "app_for_nearest", language, name=label))}</p>'
    rows = []
    for kind in ("study", "works"):
        for phase in s["phases"][kind]:
            cap = "–" if phase.cap_eur is None else format_eur(phase.cap_eur, language)
            share = "–" if phase.share_frac is None else format_pct(phase.share_frac, language)
            rows.append([t(f"app_phase_{kind}", language), rule_name(phase.rule, language), (share, "num"),
                         (cap, "num"), (format_eur(phase.amount_eur, language), "num"),
                         (t("yes" if phase.eligible else "no", language), "pass" if phase.eligible else "fail")])
    body += table_html([t(c, language) for c in ("app_phase", "rule", "app_share", "cap_eur", "amount_eur",
                                                  "eligible")], rows, attrs='id="application-phases"')
    facts = [
        (t("app_investment", language), format_eur(s["investment_eur"], language)),
        (t("app_investment_incl_vat", language), format_eur(s["investment_incl_vat_eur"], language)),
        (t("gap_before_grants_eur", language), format_eur(s["gap_before_grants_eur"], language)),
        (t("app_gap_covered", language), format_pct(s["gap_covered_frac"], language)),
        (t("subsidy_gap_eur", language), format_eur(s["subsidy_gap_eur"], language)),
        (t("app_works_schedule", language), "; ".join(
            t("app_in_year", language, year=year, amount=format_eur(eur, language))
            for year, eur in s["works_by_year_eur"].items() if eur) or "–"),
        (t("app_primary_saved", language), f"{format_number(s['primary_saved_mwh'], language)} MWh"),
        (t("app_epc", language), f"{format_number(s['epc_reference_kwh_m2'], language)} → "
                                 f"{format_number(s['epc_variant_kwh_m2'], language)} kWh/m²"),
        (t("app_co2_saved", language), f"{format_number(s['co2_saved_t'], language, 1)} t"),
        (t("app_co2_avoided", language, years=result.inputs.finance.horizon_years),
         f"{format_number(s['co2_avoided_t'], language)} t"),
    ]
    body += table_html([t("parameter", language), t("value", language)],
                       [[k, (v, "num")] for k, v in facts], attrs='id="application-facts"')
    names = diagram_components(result, name, language)
    body += (f"<h3>{escape(t('app_techniques', language))}</h3><ul id=\"application-techniques\">"
             + "".join(f'<li data-component="{k}">{escape(names[k])}</li>' for k in s["techniques"])
             + "".join(f'<li data-component="envelope">{escape(w)}</li>' for w in _envelope_works(result, name, language))
             + "</ul>")
    body += f"<h3>{escape(t('app_lock_in', language))}</h3>"
    passed = sum(c.status == "pass" for c in s["checks"])
    body += f'<p>{escape(t("app_lock_in_note", language, passed=passed, n=len(s["checks"])))}</p>'
    items = []
    for c in s["checks"]:
        reason = _localized(check_sentence(c, language), result, language)
        items.append(f'<li class="{c.status}"><strong>{escape(check_label(c.name, language))} '
                     f"({escape(status_label(c.status, language))})</strong>: {escape(reason)}</li>")
    body += '<ul id="application-lock-in">' + "".join(items) + "</ul>"
    body += f"<h3>{escape(t('app_monitoring', language))}</h3>"
    body += f'<p>{escape(t("app_monitoring_note", language))}</p>' + monitoring_html(result, name, language)
    return body


def _localized(text: str, result, language: str) -> str:
    from mgwsim.report.summary import localized

    return localized(text, result, language)


# --------------------------------------------------------------------------- Monte Carlo band on the NPV
MC_SPREAD = {"electricity_price": 0.10, "gas_price": 0.10, "capex": 0.10, "discount_rate": 0.005, "cop": 0.05}
"""Standard deviations of the Monte Carlo draws: factors on the prices, the investment and the COP (normal
around 1), an offset on the discount rate [1/year] (normal around the study's)."""
MC_SAMPLES = 250
MC_SEED = 20260
"""Samples and seed of the report's Monte Carlo band (the same report every run)."""


def joint_npv(result, vr, *, electricity_price: float = 1.0, gas_price: float = 1.0, capex: float = 1.0,
              cop: float = 1.0, discount_rate: float = 0.0) -> float:
    """The NPV of ``vr`` against the reference with every input of the sensitivity changed at once, the business
    case built as the study builds it (:func:`mgwsim.report.analysis.npv_sensitivity` changes them one at a
    time): price factors on the bills of variant and reference, the investment factor on the variant's items
    (the grants recomputed by their rules), the COP factor on the heat pumps' share of the variant's
    electricity, an offset on the discount rate [1/year]."""
    (var, ref), finance = a.study_options(result, vr), result.inputs.finance
    carriers = ("electricity", "ev_reimbursement")
    var, ref = a._scale_energy(var, carriers, electricity_price), a._scale_energy(ref, carriers, electricity_price)
    var, ref = a._scale_energy(var, ("gas",), gas_price), a._scale_energy(ref, ("gas",), gas_price)
    var = a._scale_capex(a._scale_cop(var, vr, cop), capex)
    finance = replace(finance, discount_rate_frac=finance.discount_rate_frac + discount_rate)
    return a._npv(result, vr, var, ref, finance)


_MC_CACHE: dict = {}
"""{(id(result), name, n, seed): (weak reference to result, samples)}: the figure and the table of a report (and
the report in the other language) share one draw."""


def npv_monte_carlo(result, name: str, *, n_samples: int = MC_SAMPLES, seed: int = MC_SEED) -> pd.DataFrame:
    """NPV of ``name`` against the reference over seeded joint draws of the sensitivity's inputs [EUR].

    Each sample draws the electricity and gas price factors, the investment factor and the COP factor
    (normal, mean 1, standard deviation :data:`MC_SPREAD`; the investment clipped to [0.5, 1.5], the COP to
    [0.7, 1.3]) and a discount-rate offset (normal, mean 0), and the NPV is the study's business case with all
    of them at once (:func:`joint_npv`). Randomness only through ``seed``; a result's draws are computed once.

    Returns
    -------
    pandas.DataFrame
        One row per sample: the drawn ``electricity_price``, ``gas_price``, ``capex``, ``cop`` factors, the
        ``discount_rate`` offset, and ``npv_eur``; ``attrs["npv_base_eur"]`` the study's NPV.
    """
    key = (id(result), name, int(n_samples), int(seed))
    cached = _MC_CACHE.get(key)
    if cached is not None and cached[0]() is result:
        return cached[1].copy()
    rng = np.random.default_rng(seed)
    n = int(n_samples)
    draws = {p: 1.0 + rng.normal(0.0, MC_SPREAD[p], n) for p in ("electricity_price", "gas_price", "capex", "cop")}
    draws["discount_rate"] = rng.normal(0.0, MC_SPREAD["discount_rate"], n)
    draws["capex"] = np.clip(draws["capex"], 0.5, 1.5)
    draws["cop"] = np.clip(draws["cop"], 0.7, 1.3)
    vr = result.result(name)
    npv = [joint_npv(result, vr, **{p: float(draws[p][i]) for p in draws}) for i in range(n)]
    frame = pd.DataFrame({**draws, "npv_eur": npv})
    frame.attrs["npv_base_eur"] = joint_npv(result, vr)
    try:
        _MC_CACHE[key] = (weakref.ref(result), frame)
    except TypeError:  # an object without weak references: not cached
        pass
    return frame.copy()


def npv_band(samples: pd.DataFrame) -> dict[str, float]:
    """P10, P50 and P90 of the sampled NPV [EUR] and the probability that it is positive (the variant beats the
    reference) [-]."""
    npv = samples["npv_eur"].to_numpy()
    p10, p50, p90 = np.percentile(npv, [10, 50, 90])
    return {"p10_eur": float(p10), "p50_eur": float(p50), "p90_eur": float(p90),
            "beats_reference_frac": float((npv > 0).mean()), "n_samples": int(len(npv))}


def monte_carlo_html(samples: pd.DataFrame, language: str) -> str:
    from mgwsim.report.html import table_html

    band = npv_band(samples)
    rows = [[t(f"mc_{k}", language), (format_eur(band[f"{k}_eur"], language), "num")] for k in ("p10", "p50", "p90")]
    rows.append([t("mc_beats_reference", language), (format_pct(band["beats_reference_frac"], language), "num")])
    spreads = ", ".join(
        f"{sensitivity_name(p, language)} ± " + (
            t("mc_percentage_points", language, v=format_number(100 * MC_SPREAD[p], language, 1))
            if p == "discount_rate" else format_pct(MC_SPREAD[p], language)) for p in MC_SPREAD)
    return (table_html([t("mc_quantity", language), t("value", language)], rows, attrs='id="monte-carlo-table"')
            + '<p class="note">' + escape(t("mc_note", language, n=format_number(band["n_samples"], language),
                                             spreads=spreads, seed=MC_SEED)) + "</p>")


# --------------------------------------------------------------------------- renovation path as a timeline
def path_timeline(result, name: str) -> pd.DataFrame:
    """The renovation path of ``name`` step by step: ``calendar_year``, ``label``, ``cost_eur`` (the step's
    works excl. VAT from the cost table, :func:`mgwsim.study.costs.renovation_step_costs`; 0 for "as is"),
    ``unpriced`` (measures without a price), ``epc_indicator_kwh_per_m2`` and ``epc_label`` after the step.
    Empty without a path."""
    from mgwsim.study.costs import renovation_step_costs

    table = result.path_table()
    inputs = result.inputs
    if table.empty or inputs.renovation_path is None:
        return pd.DataFrame(columns=["calendar_year", "label", "cost_eur", "unpriced", "epc_indicator_kwh_per_m2",
                                     "epc_label"])
    rows = table[table["variant"] == name].sort_values("step").reset_index(drop=True)
    costs = renovation_step_costs(inputs.renovation_path, inputs.building, inputs.cost_table)
    by_label = {step.label: (cost, unpriced) for step, cost, unpriced in costs}
    out = []
    for _, row in rows.iterrows():
        cost, unpriced = by_label.get(row["label"], (0.0, []))
        out.append({"calendar_year": int(row["calendar_year"]), "label": row["label"], "cost_eur": float(cost),
                    "unpriced": list(unpriced), "epc_indicator_kwh_per_m2": float(row["epc_indicator_kwh_per_m2"]),
                    "epc_label": row["epc_label"]})
    return pd.DataFrame(out)


def timeline_html(result, name: str, language: str) -> str:
    """The path of ``name`` as an SVG timeline (a marker per step at its year, with its works' cost and the EPC
    after it), then the same as a table."""
    from mgwsim.report.html import table_html
    from mgwsim.report.summary import step_label

    frame = path_timeline(result, name)
    if frame.empty:
        return ""
    years = frame["calendar_year"].to_numpy()
    span = max(int(years.max() - years.min()), 1)
    width, left, right = 870, 130, 130
    parts = [f'<line x1="{left}" y1="60" x2="{width - right}" y2="60" stroke="#1f3b57" stroke-width="3"/>']
    for i, row in frame.iterrows():
        x = left + (row["calendar_year"] - years.min()) / span * (width - left - right)
        y_text = 30 if i % 2 == 0 else 95
        cost = format_eur(row["cost_eur"], language)
        epc = f"{format_number(row['epc_indicator_kwh_per_m2'], language)} kWh/m² ({row['epc_label']})"
        parts.append(
            f'<g data-step="{i}"><circle cx="{x:.0f}" cy="60" r="7" fill="#2a7ab0"/>'
            f'<text x="{x:.0f}" y="{y_text}" text-anchor="middle" font-size="12" font-weight="bold">'
            f'{row["calendar_year"]}: {escape(step_label(result, row["label"], language))}</text>'
            f'<text x="{x:.0f}" y="{y_text + 15}" text-anchor="middle" font-size="11">{escape(cost)} · '
            f"EPC {escape(epc)}</text></g>")
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 130" width="100%" role="img" '
           f'font-family="Helvetica,Arial,sans-serif" id="path-timeline"><title>{escape(t("tl_title", language))}'
           f"</title>{''.join(parts)}</svg>")
    rows = [[str(r["calendar_year"]), step_label(result, r["label"], language),
             (format_eur(r["cost_eur"], language), "num"),
             (format_number(r["epc_indicator_kwh_per_m2"], language), "num"), r["epc_label"]]
            for _, r in frame.iterrows()]
    table = table_html([t(c, language) for c in ("year", "step", "tl_cost", "epc_indicator_kwh_per_m2", "epc_label")],
                       rows, attrs='id="path-timeline-table"')
    label = result.result(name).variant.label(language)
    return (f"<h3>{escape(t('tl_title', language))}</h3>"
            f'<p>{escape(t("tl_note", language, name=label))}</p><div class="diagram">{svg}</div>{table}')
