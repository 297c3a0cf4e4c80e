"""Numbers the report derives from a study result: monthly sums, carpets, bivalent point, sensitivity.

Plain functions on :class:`~mgwsim.study.VariantResult` / :class:`~mgwsim.study.StudyResult`
returning pandas objects, so that figures, HTML and workbook show the same numbers.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from mgwsim.simyear import LOCAL_TIMEZONE
from mgwsim.study.study import business_case_of, business_case_sides

MIN_COP_ELEC_KWH = 0.5
"""Hours with less heat-pump electricity than this [kWh] are left out of the COP scatter."""

SENSITIVITY = {
    # name: (low factor/offset, high factor/offset)
    "electricity_price": (0.8, 1.2),
    "gas_price": (0.8, 1.2),
    "capex": (0.8, 1.2),
    "discount_rate": (-0.01, 0.01),
    "cop": (0.9, 1.1),
}
"""One-at-a-time changes of the NPV tornado: factors, or offsets [1/year] for the discount rate."""


def local_index(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """``index`` in Belgian local time (a naive index is taken as UTC)."""
    return (index if index.tz is not None else index.tz_localize("UTC")).tz_convert(LOCAL_TIMEZONE)


def monthly_balance(vr) -> pd.DataFrame:
    """Heat and electricity per calendar month (local time) [kWh].

    Columns: ``hp_heat_kwh``, ``backup_heat_kwh`` (gas or electric backup), ``booster_kwh``,
    ``grid_import_kwh``, ``grid_export_kwh``, ``pv_kwh``, ``pv_self_kwh`` (PV used on site).
    """
    h, b = vr.system.hourly, vr.balance
    frame = pd.DataFrame({
        "hp_heat_kwh": h["hp_heat_sh_kwh"] + h["hp_heat_dhw_kwh"],
        "backup_heat_kwh": h["backup_heat_sh_kwh"] + h["backup_heat_dhw_kwh"],
        "booster_kwh": h["booster_kwh"],
        "grid_import_kwh": b["grid_import_kwh"],
        "grid_export_kwh": b["grid_export_kwh"],
        "pv_kwh": b["pv_kwh"],
        "pv_self_kwh": b["self_consumed_kwh"],
    })
    months = local_index(frame.index).month
    return frame.groupby(np.asarray(months)).sum().rename_axis("month")


def carpet(values: pd.Series) -> pd.DataFrame:
    """Hourly ``values`` as a day × hour table (local time; the DST hour averaged)."""
    local = local_index(values.index)
    frame = pd.DataFrame({"value": values.to_numpy(), "day": local.day_of_year, "hour": local.hour})
    return frame.pivot_table(index="day", columns="hour", values="value", aggfunc="mean")


def hourly_cop(vr) -> pd.DataFrame:
    """Hourly COP of the heat pumps (heat / electricity) where they ran, source temperature and hot-water share of the heat."""
    h = vr.system.hourly
    elec = h["hp_elec_kwh"]
    ran = elec > MIN_COP_ELEC_KWH
    heat = h["hp_heat_sh_kwh"] + h["hp_heat_dhw_kwh"]
    return pd.DataFrame({"source_degc": h["source_degc"][ran], "cop": (heat / elec)[ran],
                         "dhw_share": (h["hp_heat_dhw_kwh"] / heat.where(heat > 0))[ran].fillna(0.0)})


def heat_demand_kw(vr) -> pd.Series:
    """Hourly heat demand of the building, space heating + hot water [kW]."""
    d = vr.system.demand.hourly
    return (d["space_heating_kwh"] + d["dhw_kwh"]).rename("heat_demand_kw")


def available_capacity_kw(vr) -> pd.Series | None:
    """Full-load capacity of the heat-pump cascade per hour [kW] at the required supply temperature.

    From the performance map at the hour's source temperature and the radiators' required
    supply temperature plus the cascade's supply margin (clipped to the map grid); 0 where
    the units cannot reach it. Defrost is not applied. None without heat pumps.
    """
    cascade = vr.variant.plant.heat_pumps
    if cascade is None:
        return None
    pmap, h = cascade.performance, vr.system.hourly
    source = np.clip(h["source_degc"].to_numpy(), pmap.source_degc[0], pmap.source_degc[-1])
    sink = np.clip(h["supply_required_degc"].to_numpy() + cascade.supply_margin_k, pmap.sink_degc[0],
                   pmap.sink_degc[-1])
    return pd.Series(cascade.n_units * pmap.capacity_at(source, sink), index=h.index, name="hp_capacity_kw")


def bivalent_point(vr) -> dict | None:
    """The bivalent point: the warmest outdoor temperature at which mean demand exceeds capacity.

    Hours are binned by outdoor temperature (1 K bins); in each bin the mean heat demand
    (space heating + hot water) is compared with the mean available capacity
    (:func:`available_capacity_kw`). Returns ``{"temperature_degc", "hours_below",
    "demand_kw"}`` (hours at or below that temperature and the demand on the duration curve
    at that rank), or None when the heat pumps cover every bin (monovalent) or are absent.
    """
    capacity = available_capacity_kw(vr)
    if capacity is None:
        return None
    outdoor = vr.system.demand.hourly["temp_air_degc"]
    demand = heat_demand_kw(vr)
    bins = np.floor(outdoor.to_numpy())
    means = pd.DataFrame({"demand": demand.to_numpy(), "capacity": capacity.to_numpy(), "bin": bins}).groupby("bin").mean()
    short = means.index[means["demand"] > means["capacity"]]
    if len(short) == 0:
        return None
    temperature = float(short.max()) + 1.0  # upper edge of the warmest short bin
    hours_below = int((outdoor < temperature).sum())
    sorted_demand = np.sort(demand.to_numpy())[::-1]
    return {"temperature_degc": temperature, "hours_below": hours_below,
            "demand_kw": float(sorted_demand[min(hours_below, len(sorted_demand) - 1)])}


# --------------------------------------------------------------------------- sensitivity
def _scale_energy(option, carriers: tuple[str, ...], factor: float):
    energy = {c: (eur * factor if c in carriers else eur) for c, eur in option.energy_eur_per_year.items()}
    return replace(option, energy_eur_per_year=energy)


def _scale_capex(option, factor: float):
    return replace(option, investments=tuple(replace(i, capex_eur=i.capex_eur * factor) for i in option.investments))


def heat_pump_electricity_share(vr) -> float:
    """Share of the heat pumps in the variant's electricity use (all loads on the connection) [-]."""
    total = float(vr.balance["load_kwh"].sum())
    return float(vr.system.hourly["hp_elec_kwh"].sum()) / total if total > 0 else 0.0


def _scale_cop(option, vr, factor: float):
    """Electricity cost of the variant with the heat pumps' share scaled by 1 / ``factor``."""
    share = heat_pump_electricity_share(vr)
    scale = 1.0 + share * (1.0 / factor - 1.0)
    return _scale_energy(option, ("electricity", "ev_reimbursement"), scale)


def _npv(result, vr, variant_option, reference_option, finance) -> float:
    """The NPV of ``variant_option`` against ``reference_option``, the business case built exactly as
    :func:`mgwsim.study.study.variant_business_case` builds it: the variant pays the study, and the
    grant rules see the variant's :func:`~mgwsim.study.study.project_facts` (lock-in and EPC at the
    end of its renovation path)."""
    return business_case_of(result.inputs, vr, variant_option, reference_option, result.paths.get(vr.variant.name),
                            finance=finance).npv_eur


def study_options(result, vr) -> tuple:
    """The variant's and the reference's business-case sides as the study builds them: along the renovation
    path when the study has one (each year billed in the state the building is in,
    :func:`mgwsim.study.study.path_option`), else the simulated year repeated."""
    return business_case_sides(result.inputs, vr, result.reference, result.states.get(vr.variant.name),
                               result.states.get(result.reference.variant.name))


def _perturbed_npv(result, vr, parameter: str, change: float) -> float:
    (var, ref), finance = study_options(result, vr), result.inputs.finance
    if parameter == "electricity_price":
        carriers = ("electricity", "ev_reimbursement")
        var, ref = _scale_energy(var, carriers, change), _scale_energy(ref, carriers, change)
    elif parameter == "gas_price":
        var, ref = _scale_energy(var, ("gas",), change), _scale_energy(ref, ("gas",), change)
    elif parameter == "capex":
        var = _scale_capex(var, change)
    elif parameter == "discount_rate":
        finance = replace(finance, discount_rate_frac=finance.discount_rate_frac + change)
    elif parameter == "cop":
        var = _scale_cop(var, vr, change)
    else:
        raise ValueError(f"unknown sensitivity parameter {parameter!r}")
    return _npv(result, vr, var, ref, finance)


def npv_sensitivity(result, name: str) -> pd.DataFrame:
    """One-at-a-time sensitivity of the NPV of variant ``name`` against the reference [EUR].

    Each parameter of :data:`SENSITIVITY` is set to its low and its high value while the
    others stay at base, and the business case is recomputed as the study builds it
    (:func:`mgwsim.study.study.variant_business_case`: the bills along the renovation path, the
    study cost, the study's subsidy rules and the variant's facts for their conditions):

    - electricity / gas price: the yearly bills of that carrier of variant *and* reference
      scaled (EV reimbursement follows the electricity price);
    - investment: every item of the variant scaled (subsidies recomputed by their rules);
    - discount rate: ± 1 percentage point;
    - heat-pump COP ± 10 %: the heat pumps' share *s* of the variant's electricity use
      (:func:`heat_pump_electricity_share`) scales by 1/f, so the variant's electricity
      bill scales by ``1 + s (1/f - 1)``; an approximation that treats the whole bill
      (fixed and capacity charges included) as proportional to the energy used.

    Returns
    -------
    pandas.DataFrame
        Index: parameter; columns ``low``, ``high`` (the changes), ``npv_low_eur``,
        ``npv_high_eur``, ``npv_base_eur`` and ``swing_eur`` (``|high - low|``), sorted by
        swing, largest first.
    """
    vr = result.result(name)
    base = _npv(result, vr, *study_options(result, vr), result.inputs.finance)
    rows = {}
    for parameter, (low, high) in SENSITIVITY.items():
        npv_low, npv_high = (_perturbed_npv(result, vr, parameter, c) for c in (low, high))
        rows[parameter] = {"low": low, "high": high, "npv_low_eur": npv_low, "npv_high_eur": npv_high,
                           "npv_base_eur": base, "swing_eur": abs(npv_high - npv_low)}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("parameter").sort_values("swing_eur", ascending=False)


# --------------------------------------------------------------------------- investments
def cost_table_row_years(cost_table) -> dict[str, int]:
    """The ``source`` an investment priced by a cost-table row carries ("<source> (<year>)",
    :meth:`mgwsim.finance.CostTable.investment`), mapped to that row's price year."""
    return {f"{row['source']} ({int(row['year'])})": int(row["year"]) for _, row in cost_table.table.iterrows()}


def cost_table_years(result, names) -> tuple[list[int], bool]:
    """The price years of the cost-table rows that the variants ``names`` buy (sorted, unique), and whether
    they also buy items priced by another source (a connection, a cabin, a user's item)."""
    years_of = cost_table_row_years(result.inputs.cost_table)
    items = [item for name in names for item in result.result(name).investments]
    years = sorted({years_of[i.source] for i in items if i.source in years_of})
    return years, any(i.source not in years_of for i in items)


INVESTMENT_COLUMNS = ("variant", "item", "year_bought", "kind", "capex_excl_vat_eur", "vat_class", "vat_frac",
                      "capex_incl_vat_eur", "lifetime_years", "maintenance_frac_per_year", "fixed_om_eur_per_year",
                      "source")
"""Columns of :func:`investments_frame`."""


def investments_frame(result, names=None) -> pd.DataFrame:
    """Every investment item of the reference and the variants ``names`` (default all), one row each.

    ``year_bought`` the item's ``first_year`` (0 = now) [years]; ``kind`` ``one-off`` (paid once, never
    replaced, no maintenance or residual value) or ``asset``; ``capex_excl_vat_eur`` the price of one
    purchase at year-0 prices [EUR]; ``vat_class`` and ``vat_frac`` the rate the business case applies to
    it (the study's VAT rates per class, reduced renovation VAT where its conditions are met) [-];
    ``capex_incl_vat_eur`` = excl. VAT × (1 + rate) [EUR]; ``lifetime_years`` [years],
    ``maintenance_frac_per_year`` [1/year] and ``fixed_om_eur_per_year`` [EUR/year, excl. VAT] as the
    business case applies them (none, 0 and 0 for a one-off: :func:`mgwsim.finance.investment_schedule`);
    ``source``.
    """
    ref = result.reference.variant.name
    names = [r.variant.name for r in result.results] if names is None else [n for n in names if n != ref]
    rates = result.cases[0].subsidies if result.cases else None
    rows = []
    for name in [ref, *names]:
        subsidies = rates if name == ref else result.case(name).subsidies
        for item in result.result(name).investments:
            vat = float(subsidies.vat_frac_for(item.vat_class)) if subsidies is not None else np.nan
            rows.append({"variant": name, "item": item.name, "year_bought": int(item.first_year),
                         "kind": "one-off" if item.one_off else "asset", "capex_excl_vat_eur": float(item.capex_eur),
                         "vat_class": item.vat_class, "vat_frac": vat,
                         "capex_incl_vat_eur": float(item.capex_eur) * (1.0 + vat),
                         "lifetime_years": None if item.one_off else int(item.lifetime_years),
                         "maintenance_frac_per_year": 0.0 if item.one_off else float(item.maintenance_frac),
                         "fixed_om_eur_per_year": 0.0 if item.one_off else float(item.fixed_om_eur_per_year),
                         "source": item.source})
    return pd.DataFrame(rows, columns=list(INVESTMENT_COLUMNS))
