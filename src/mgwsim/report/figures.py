"""The report's matplotlib figures, one function per figure.

Every function returns a :class:`matplotlib.figure.Figure` built without ``pyplot`` (no
global state, nothing to close, any backend) with a title, axis labels with units and a
legend, in the language asked for (``'en'`` or ``'nl'``). :func:`to_png_base64` turns one
into the text of an ``<img src="data:image/png;base64,...">``.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap, TwoSlopeNorm
from matplotlib.figure import Figure

from mgwsim.report import analysis as a
from mgwsim.report.text import check_label, format_eur, format_number, t

COLORS = {"hp": "#2a7ab0", "backup": "#e07b39", "booster": "#c94c4c", "import": "#7f7f7f", "export": "#59a14f",
          "pv": "#f2c443", "demand": "#1f3b57", "recommended": "#1f3b57", "other": "#9dbad5",
          "pass": "#59a14f", "warn": "#f2a93b", "fail": "#d9534f", "low": "#9dbad5", "high": "#2a7ab0"}
MONTHS = {"en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(),
          "nl": "jan feb mrt apr mei jun jul aug sep okt nov dec".split()}
DPI = 100
STATUS_CODES = {"pass": 0.0, "warn": 1.0, "fail": 2.0}


def _figure(width: float = 9.0, height: float = 4.5, **subplots) -> tuple[Figure, object]:
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    return fig, fig.subplots(**subplots)


def to_png_base64(fig: Figure) -> str:
    """The figure as base-64 PNG text (for a data URI)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _empty(title: str, message: str) -> Figure:
    fig, ax = _figure(9.0, 2.0)
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    return fig


# --------------------------------------------------------------------------- energy
def monthly_balance(vr, language: str = "en") -> Figure:
    """Heat per month (heat pumps, backup, booster) and electricity per month (import, export, PV)."""
    m = a.monthly_balance(vr) / 1000.0
    x = np.arange(len(m))
    fig, (heat, elec) = _figure(9.0, 6.5, nrows=2, sharex=True)
    bottom = np.zeros(len(m))
    for column, key, color in (("hp_heat_kwh", "hp_heat", COLORS["hp"]), ("backup_heat_kwh", "backup_heat", COLORS["backup"]),
                               ("booster_kwh", "booster_heat", COLORS["booster"])):
        heat.bar(x, m[column], bottom=bottom, color=color, label=t(key, language))
        bottom += m[column].to_numpy()
    heat.set_ylabel(t("heat_mwh", language))
    heat.set_title(f"{t('fig_monthly_balance', language)} — {t('heat_output', language)}")
    heat.legend(loc="upper center", ncols=3)
    width = 0.4
    elec.bar(x - width / 2, m["grid_import_kwh"], width, color=COLORS["import"], label=t("grid_import", language))
    elec.bar(x - width / 2, -m["grid_export_kwh"], width, color=COLORS["export"], label=t("grid_export", language))
    elec.bar(x + width / 2, m["pv_kwh"], width, color=COLORS["pv"], label=t("pv", language))
    elec.axhline(0.0, color="black", linewidth=0.8)
    elec.set_ylabel(t("electricity_mwh", language))
    elec.set_title(t("electricity", language))
    elec.set_xticks(x, [MONTHS[language][i - 1] for i in m.index])
    elec.set_xlabel(t("month", language))
    elec.legend(loc="upper center", ncols=3)
    for ax in (heat, elec):
        ax.grid(axis="y", alpha=0.3)
    return fig


def load_duration(vr, language: str = "en") -> Figure:
    """Sorted hourly heat demand, the heat pumps' available capacity in the same hours, and the bivalent point.

    The capacity curve is the cascade's full-load capacity at each hour's source and
    required supply temperature (:func:`mgwsim.report.analysis.available_capacity_kw`),
    ordered like the demand and smoothed with a running median over 73 hours.
    """
    demand_series = a.heat_demand_kw(vr)
    order = np.argsort(-demand_series.to_numpy(), kind="stable")
    demand = demand_series.to_numpy()[order]
    fig, ax = _figure()
    hours = np.arange(1, len(demand) + 1)
    ax.fill_between(hours, demand, color=COLORS["other"], alpha=0.5, linewidth=0)
    ax.plot(hours, demand, color=COLORS["demand"], label=t("demand_curve", language))
    capacity = a.available_capacity_kw(vr)
    if capacity is not None:
        smooth = pd.Series(capacity.to_numpy()[order]).rolling(73, center=True, min_periods=1).median()
        ax.plot(hours, smooth, color=COLORS["hp"], linestyle="--", label=t("hp_capacity_curve", language))
        point = a.bivalent_point(vr)
        if point is None:
            ax.plot([], [], " ", label=t("monovalent", language))
        else:
            ax.plot(point["hours_below"], point["demand_kw"], "o", color=COLORS["backup"], markersize=9,
                    label=t("bivalent_point", language, t=format_number(point["temperature_degc"], language, 1),
                            h=format_number(point["hours_below"], language)))
            ax.axvline(point["hours_below"], color=COLORS["backup"], linestyle=":", linewidth=1)
    ax.set_xlim(0, len(demand))
    ax.set_ylim(bottom=0)
    ax.set_xlabel(t("hours", language))
    ax.set_ylabel(t("heat_demand_kw", language))
    ax.set_title(t("fig_load_duration", language))
    ax.legend(loc="upper right")
    ax.grid(alpha=0.3)
    return fig


def _carpet(values: pd.Series, title: str, label: str, language: str, *, diverging: bool) -> Figure:
    table = a.carpet(values)
    fig, ax = _figure(9.0, 4.0)
    data = table.to_numpy().T
    extent = (table.index.min() - 0.5, table.index.max() + 0.5, 23.5, -0.5)
    if diverging:
        span = max(float(np.nanmax(np.abs(data))), 1e-6)
        norm = TwoSlopeNorm(0.0, -span, span)
        image = ax.imshow(data, aspect="auto", cmap="RdBu_r", norm=norm, extent=extent, interpolation="nearest")
    else:
        image = ax.imshow(data, aspect="auto", cmap="viridis", extent=extent, interpolation="nearest")
    fig.colorbar(image, ax=ax, label=label)
    ax.set_yticks([0, 6, 12, 18, 23])
    ax.set_xlabel(t("day_of_year", language))
    ax.set_ylabel(t("hour_of_day", language))
    ax.set_title(title)
    return fig


def carpet_heat_pump(vr, language: str = "en") -> Figure:
    """Day × hour carpet of the heat pumps' heat output [kW]."""
    if vr.variant.plant.heat_pumps is None:
        return _empty(t("fig_carpet_heat_pump", language), t("no_heat_pump", language))
    h = vr.system.hourly
    return _carpet(h["hp_heat_sh_kwh"] + h["hp_heat_dhw_kwh"], t("fig_carpet_heat_pump", language),
                   t("power_kw", language), language, diverging=False)


def carpet_grid(vr, language: str = "en") -> Figure:
    """Day × hour carpet of the grid exchange, import − export [kW]."""
    b = vr.balance
    return _carpet(b["grid_import_kwh"] - b["grid_export_kwh"], t("fig_carpet_grid", language),
                   t("net_grid_kw", language), language, diverging=True)


def cop_scatter(vr, language: str = "en") -> Figure:
    """Hourly COP against source temperature, with the full-load map at 35 °C and 55 °C supply."""
    cascade = vr.variant.plant.heat_pumps
    if cascade is None:
        return _empty(t("fig_cop", language), t("no_heat_pump", language))
    points = a.hourly_cop(vr)
    fig, ax = _figure()
    scatter = ax.scatter(points["source_degc"], points["cop"], c=100.0 * points["dhw_share"], s=4, alpha=0.6,
                         cmap="coolwarm", vmin=0.0, vmax=100.0, label=t("hourly_cop", language))
    fig.colorbar(scatter, ax=ax, label=t("dhw_share_pct", language))
    pmap = cascade.performance
    lo, hi = max(pmap.source_degc[0], pmap.source.min_degc), min(pmap.source_degc[-1], pmap.source.max_degc)
    grid = np.linspace(max(lo, points["source_degc"].min() - 2), min(hi, points["source_degc"].max() + 2), 60)
    for sink, style in ((45.0, "-"), (65.0, "--")):
        if pmap.sink_degc[0] <= sink <= pmap.max_sink_degc:
            ax.plot(grid, pmap.cop_at(grid, sink), color="black", linestyle=style,
                    label=t("map_cop", language, t=format_number(sink, language)))
    ax.set_xlabel(t("outdoor_degc", language))
    ax.set_ylabel(t("cop", language))
    ax.set_title(t("fig_cop", language))
    ax.legend(loc="upper left")
    ax.grid(alpha=0.3)
    return fig


def supply_temperature(vr, language: str = "en") -> Figure:
    """Required supply temperature per heating hour and the heat pumps' delivered and maximum supply."""
    cascade = vr.variant.plant.heat_pumps
    h = vr.system.hourly
    outdoor = vr.system.demand.hourly["temp_air_degc"]
    heating = vr.system.demand.hourly["space_heating_kwh"] > 0
    fig, ax = _figure()
    ax.scatter(outdoor[heating], h["supply_required_degc"][heating], s=4, color=COLORS["backup"], alpha=0.5,
               label=t("supply_required", language))
    if cascade is not None:
        running = h["hp_heat_sh_kwh"] > 0
        ax.scatter(outdoor[running], h["hp_sink_sh_degc"][running], s=4, color=COLORS["hp"], alpha=0.3,
                   label=t("supply_delivered", language))
        maximum = cascade.performance.max_sink_degc
        ax.axhline(maximum, color="black", linestyle="--", label=t("hp_max_supply", language, t=format_number(maximum, language)))
    ax.set_xlabel(t("outdoor_degc", language))
    ax.set_ylabel(t("supply_degc", language))
    ax.set_title(t("fig_supply_temperature", language))
    ax.legend(loc="upper right", markerscale=3)
    ax.grid(alpha=0.3)
    return fig


# --------------------------------------------------------------------------- money
def cash_flows(case, language: str = "en") -> Figure:
    """Yearly incremental cash flow (bars) and its cumulative and discounted cumulative sum (lines) [k EUR]."""
    flows = case.cash_flows["incremental_eur"] / 1000.0
    years = flows.index.to_numpy()
    factors = (1.0 + case.finance.discount_rate_frac) ** -years.astype(float)
    fig, ax = _figure()
    colors = np.where(flows.to_numpy() >= 0, COLORS["export"], COLORS["fail"])
    ax.bar(years, flows, color=colors, label=t("yearly_flow", language))
    ax.plot(years, flows.cumsum(), color=COLORS["demand"], marker="o", markersize=3, label=t("cumulative", language))
    ax.plot(years, (flows * factors).cumsum(), color=COLORS["hp"], linestyle="--",
            label=t("cumulative_discounted", language))
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.set_xlabel(t("year", language))
    ax.set_ylabel(t("cash_flow_keur", language))
    ax.set_title(t("fig_cash_flows", language))
    ax.legend(loc="best")
    ax.grid(axis="y", alpha=0.3)
    return fig


def tornado(sensitivity: pd.DataFrame, language: str = "en") -> Figure:
    """NPV tornado from :func:`mgwsim.report.analysis.npv_sensitivity` [k EUR]."""
    table = sensitivity.iloc[::-1]
    base = float(table["npv_base_eur"].iloc[0]) / 1000.0
    y = np.arange(len(table))
    fig, ax = _figure(9.0, 4.0)
    for column, key in (("npv_low_eur", "sens_low"), ("npv_high_eur", "sens_high")):
        values = table[column].to_numpy() / 1000.0
        ax.barh(y, values - base, left=base, color=COLORS["low" if key == "sens_low" else "high"], label=t(key, language))
    ax.axvline(base, color="black", linewidth=1, label=t("base_npv", language, v=format_eur(base * 1000.0, language)))
    ax.set_yticks(y, [t(f"sens_{p}", language) for p in table.index])
    ax.set_xlabel(t("npv_keur", language))
    ax.set_title(t("fig_tornado", language))
    ax.legend(loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    return fig


def variant_comparison(table: pd.DataFrame, reference: str, recommended: str | None, language: str = "en") -> Figure:
    """NPV, CO2 reduction and EPC indicator of every variant (reference included for the EPC); the
    recommended variant highlighted (none when ``recommended`` is None: no variant qualifies)."""
    variants = table.drop(index=reference)
    fig, (npv, co2, epc) = _figure(11.0, 0.45 * len(table) + 2.0, ncols=3, sharey=False)
    y = np.arange(len(variants))
    colors = [COLORS["recommended"] if n == recommended else COLORS["other"] for n in variants.index]
    npv.barh(y, variants["npv_eur"] / 1000.0, color=colors)
    npv.axvline(0.0, color="black", linewidth=0.8)
    npv.set_xlabel(t("npv_keur", language))
    co2.barh(y, 100.0 * variants["co2_reduction"], color=colors)
    co2.set_xlabel(t("co2_reduction_pct", language))
    for ax in (npv, co2):
        ax.set_yticks(y, variants.index)
        ax.invert_yaxis()
        ax.grid(axis="x", alpha=0.3)
    co2.set_yticklabels([])
    all_y = np.arange(len(table))
    epc_colors = [COLORS["import"] if n == reference else COLORS["recommended"] if n == recommended else COLORS["other"]
                  for n in table.index]
    epc.barh(all_y, table["epc_kwh_m2"], color=epc_colors)
    for yi, (value, label) in enumerate(zip(table["epc_kwh_m2"], table["epc_label"], strict=True)):
        epc.text(value, yi, f" {label}", va="center")
    epc.axvline(100.0, color=COLORS["fail"], linestyle="--", label=t("epc_target", language))
    epc.set_xlim(0.0, 1.15 * max(float(table["epc_kwh_m2"].max()), 100.0))
    epc.set_yticks(all_y, table.index)
    epc.yaxis.tick_right()
    epc.invert_yaxis()
    epc.set_xlabel(t("epc_axis", language))
    epc.legend(loc="lower right")
    epc.grid(axis="x", alpha=0.3)
    fig.suptitle(t("fig_variant_comparison", language))
    return fig


def bill_change(per_variant: pd.DataFrame, per_apartment: pd.DataFrame, name: str, language: str = "en") -> Figure:
    """Left: mean bill per apartment before/after per variant. Right: bill change per apartment of ``name``.

    ``per_variant`` has index variant and columns ``bill_before_eur``, ``bill_after_eur``
    (means over apartments); ``per_apartment`` is :meth:`StudyResult.per_apartment` of ``name``.
    """
    fig, (left, right) = _figure(11.0, 4.8, ncols=2, width_ratios=(1.2, 1.0))
    y = np.arange(len(per_variant))
    height = 0.4
    left.barh(y - height / 2, per_variant["bill_before_eur"], height, color=COLORS["import"], label=t("bill_before", language))
    left.barh(y + height / 2, per_variant["bill_after_eur"], height, color=COLORS["hp"], label=t("bill_after", language))
    left.set_yticks(y, per_variant.index)
    left.invert_yaxis()
    left.set_xlabel(t("bill_eur_year", language))
    left.set_title(t("per_variant_title", language))
    left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2)
    change = per_apartment["bill_after_eur"] - per_apartment["bill_before_eur"]
    colors = np.where(change.to_numpy() <= 0, COLORS["export"], COLORS["fail"])
    right.bar(np.arange(len(change)), change, color=colors)
    right.set_xticks(np.arange(len(change)), [str(i) for i in change.index], fontsize=7)
    right.axhline(0.0, color="black", linewidth=0.8)
    right.set_xlabel(t("apartment", language))
    right.set_ylabel(t("bill_change_eur", language))
    right.set_title(t("per_apartment_title", language, name=name))
    for ax in (left, right):
        ax.grid(alpha=0.3)
    fig.suptitle(t("fig_bill_change", language))
    return fig


def check_matrix(statuses: pd.DataFrame, language: str = "en") -> Figure:
    """Variants × checks coloured by verdict (``statuses``: index variant, columns check names)."""
    codes = statuses.apply(lambda column: column.map(STATUS_CODES)).astype(float)
    fig, ax = _figure(11.0, 0.45 * len(statuses) + 2.5)
    cmap = ListedColormap([COLORS["pass"], COLORS["warn"], COLORS["fail"]])
    ax.imshow(codes.to_numpy(), cmap=cmap, vmin=-0.5, vmax=2.5, aspect="auto")
    for (i, j), status in np.ndenumerate(statuses.to_numpy()):
        ax.text(j, i, t(status, language) if isinstance(status, str) else "–", ha="center", va="center", fontsize=8)
    ax.set_xticks(np.arange(statuses.shape[1]), [check_label(c, language) for c in statuses.columns],
                  rotation=30, ha="right")
    ax.set_yticks(np.arange(len(statuses)), statuses.index)
    ax.set_title(t("fig_check_matrix", language))
    return fig
