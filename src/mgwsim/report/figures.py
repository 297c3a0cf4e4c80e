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
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory

from mgwsim.report import analysis as a
from mgwsim.report.text import check_label, format_eur, format_number, t

COLORS = {"hp": "#2a7ab0", "backup": "#e07b39", "booster": "#c94c4c", "import": "#7f7f7f", "export": "#59a14f",
          "pv": "#f2c443", "demand": "#1f3b57", "recommended": "#1f3b57", "other": "#9dbad5",
          "pass": "#59a14f", "warn": "#f2a93b", "fail": "#d9534f", "low": "#9dbad5", "high": "#2a7ab0"}
MONTHS = {"en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(),
          "nl": "jan feb mrt apr mei jun jul aug sep okt nov dec".split()}
DPI = 100
STATUS_CODES = {"pass": 0.0, "warn": 1.0, "fail": 2.0}
FIGURE_LABELS = {"not_available": ("n/a", "n.v.t."),
                 "other_variants": ("other variants", "andere varianten"),
                 "all_apartments": ("all {n} apartments", "alle {n} appartementen"),
                 "apartment_group": ("apartments {ids} ({n})", "appartementen {ids} ({n})"),
                 "one_apartment": ("apartment {ids}", "appartement {ids}")}
"""Labels only the figures use (English, Dutch)."""
MIN_BAR_SLOTS = 3
"""A bar chart with fewer bars keeps the bar height it would have with this many."""
SAME_BILL_EUR = 1.0
"""Apartments whose bill changes differ by less than this [EUR/year] are drawn as one bar."""


def _label(key: str, language: str, **values) -> str:
    text = FIGURE_LABELS[key][0 if language == "en" else 1]
    return text.format(**values)


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
    top = float(np.nanmax(demand))
    if capacity is not None:
        smooth = pd.Series(capacity.to_numpy()[order]).rolling(73, center=True, min_periods=1).median()
        ax.plot(hours, smooth, color=COLORS["hp"], linestyle="--", label=t("hp_capacity_curve", language))
        top = max(top, float(np.nanmax(smooth)))
        point = a.bivalent_point(vr)
        if point is None:
            ax.plot([], [], " ", label=t("monovalent", language))
        else:
            ax.plot(point["hours_below"], point["demand_kw"], "o", color=COLORS["backup"], markersize=9,
                    label=t("bivalent_point", language, t=format_number(point["temperature_degc"], language, 1),
                            h=format_number(point["hours_below"], language)))
            ax.axvline(point["hours_below"], color=COLORS["backup"], linestyle=":", linewidth=1)
    ax.set_xlim(0, len(demand))
    ax.set_ylim(0, 1.05 * max(top, 1e-3))
    ax.set_xlabel(t("hours", language))
    ax.set_ylabel(t("heat_demand_kw", language))
    ax.set_title(t("fig_load_duration", language))
    fig.legend(loc="outside lower center", ncols=2)
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
    _month_ticks(ax, leap=table.index.max() > 365, language=language)
    ax.set_xlabel(t("month", language))
    ax.set_ylabel(t("hour_of_day", language))
    ax.set_title(title)
    return fig


def _month_ticks(ax, *, leap: bool, language: str) -> None:
    """Day-of-year axis: a minor tick at each month's first day, the month's name at its middle."""
    year = 2000 if leap else 2001
    starts = pd.date_range(f"{year}-01-01", periods=13, freq="MS").day_of_year.to_numpy().astype(float)
    starts[-1] = 367.0 if leap else 366.0
    ax.set_xticks(starts[:-1] - 0.5, minor=True)
    ax.set_xticks((starts[:-1] + starts[1:]) / 2 - 0.5, MONTHS[language])
    ax.tick_params(axis="x", which="major", length=0)
    ax.tick_params(axis="x", which="minor", length=4)


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
    """NPV, CO2 reduction and EPC indicator of the reference and every variant, one row each, in the same
    order on every panel ("n/a" where a value is missing); the recommended variant highlighted (none when
    ``recommended`` is None: no variant qualifies); the legend below the panels."""
    fig, (npv, co2, epc) = _figure(11.0, 0.45 * len(table) + 2.4, ncols=3, sharey=True)
    y = np.arange(len(table))
    colors = [COLORS["import"] if n == reference else COLORS["recommended"] if n == recommended else COLORS["other"]
              for n in table.index]
    panels = ((npv, table["npv_eur"] / 1000.0, "npv_keur"), (co2, 100.0 * table["co2_reduction"], "co2_reduction_pct"),
              (epc, table["epc_kwh_m2"], "epc_axis"))
    for ax, values, xlabel in panels:
        _bars_or_not_available(ax, y, values.to_numpy(dtype=float), colors, language)
        ax.set_xlabel(t(xlabel, language))
        ax.grid(axis="x", alpha=0.3)
    npv.axvline(0.0, color="black", linewidth=0.8)
    for yi, (value, label) in enumerate(zip(table["epc_kwh_m2"], table["epc_label"], strict=True)):
        if np.isfinite(value):
            epc.text(value, yi, f" {label}", va="center")
    epc.axvline(100.0, color=COLORS["fail"], linestyle="--")
    epc.set_xlim(0.0, 1.15 * max(float(np.nanmax(table["epc_kwh_m2"].to_numpy(dtype=float), initial=0.0)), 100.0))
    npv.set_yticks(y, table.index)
    npv.invert_yaxis()
    fig.legend(handles=_comparison_legend(recommended, language), loc="outside lower center", ncols=4)
    fig.suptitle(t("fig_variant_comparison", language))
    return fig


def _bars_or_not_available(ax, y: np.ndarray, values: np.ndarray, colors: list, language: str) -> None:
    """Horizontal bars at ``y``; a row whose value is missing gets "n/a" in the middle of the panel."""
    present = np.isfinite(values)
    ax.barh(y[present], values[present], color=[c for c, p in zip(colors, present, strict=True) if p])
    across = blended_transform_factory(ax.transAxes, ax.transData)
    for yi in y[~present]:
        ax.text(0.5, yi, _label("not_available", language), transform=across, ha="center", va="center",
                color=COLORS["import"], fontstyle="italic")


def _comparison_legend(recommended: str | None, language: str) -> list:
    handles = [Patch(color=COLORS["import"], label=t("reference_label", language))]
    if recommended is not None:
        handles.append(Patch(color=COLORS["recommended"], label=t("recommended_mark", language)))
    handles.append(Patch(color=COLORS["other"], label=_label("other_variants", language)))
    handles.append(Line2D([], [], color=COLORS["fail"], linestyle="--", label=t("epc_target", language)))
    return handles


def bill_change(per_variant: pd.DataFrame, per_apartment: pd.DataFrame, name: str, language: str = "en") -> Figure:
    """Left: mean bill per apartment before/after per variant. Right: bill change of ``name`` per group of
    apartments whose change is the same (to :data:`SAME_BILL_EUR`), one bar each with its apartments.

    ``per_variant`` has index variant and columns ``bill_before_eur``, ``bill_after_eur``
    (means over apartments); ``per_apartment`` is :meth:`StudyResult.per_apartment` of ``name``.
    """
    groups = apartment_groups(per_apartment["bill_after_eur"] - per_apartment["bill_before_eur"])
    fig, (left, right) = _figure(11.0, max(4.8, 0.45 * len(groups) + 2.4), ncols=2, width_ratios=(1.2, 1.0))
    y = np.arange(len(per_variant))
    height = 0.4
    left.barh(y - height / 2, per_variant["bill_before_eur"], height, color=COLORS["import"], label=t("bill_before", language))
    left.barh(y + height / 2, per_variant["bill_after_eur"], height, color=COLORS["hp"], label=t("bill_after", language))
    left.set_yticks(y, per_variant.index)
    left.invert_yaxis()
    left.set_xlabel(t("bill_eur_year", language))
    left.set_title(t("per_variant_title", language))
    left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2)
    _apartment_bars(right, groups, len(per_apartment), language)
    right.set_title(t("per_apartment_title", language, name=name), wrap=True)  # a long variant name stays inside
    for ax in (left, right):
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle(t("fig_bill_change", language))
    return fig


def apartment_groups(change: pd.Series, tolerance_eur: float = SAME_BILL_EUR) -> list[tuple[list, float]]:
    """Apartments (``change``'s index) grouped where their values lie within ``tolerance_eur`` of the group's
    smallest: ``[(apartment ids, mean change), ...]`` from the largest saving to the largest increase."""
    ordered = change.sort_values(kind="stable")
    groups, first = [], 0
    for i in range(1, len(ordered) + 1):
        if i == len(ordered) or ordered.iloc[i] - ordered.iloc[first] > tolerance_eur:
            part = ordered.iloc[first:i]
            groups.append((list(part.index), float(part.mean())))
            first = i
    return groups


def _apartment_bars(ax, groups: list[tuple[list, float]], n_apartments: int, language: str) -> None:
    values = np.array([value for _, value in groups])
    y = np.arange(len(groups))
    ax.barh(y, values, color=np.where(values <= 0, COLORS["export"], COLORS["fail"]))
    for yi, value in zip(y, values, strict=True):
        ax.text(value, yi, f" {format_eur(value, language)} ", va="center", ha="left" if value > 0 else "right")
    labels = ([_label("all_apartments", language, n=n_apartments)] if len(groups) == 1
              else [_group_label(ids, language) for ids, _ in groups])
    ax.set_yticks(y, labels)
    pad = max(0.0, (MIN_BAR_SLOTS - len(groups)) / 2)
    ax.set_ylim(len(groups) - 0.5 + pad, -0.5 - pad)  # top to bottom; a lone bar not drawn as a slab
    span = max(float(np.abs(values).max()), 1.0)
    ax.set_xlim(min(0.0, values.min()) - 0.45 * span, max(0.0, values.max()) + 0.45 * span)
    ax.axvline(0.0, color="black", linewidth=0.8)
    ax.set_xlabel(t("bill_change_eur", language))


def _group_label(ids: list, language: str) -> str:
    if len(ids) == 1:
        return _label("one_apartment", language, ids=ids[0])
    return _label("apartment_group", language, ids=_id_ranges(ids), n=len(ids))


def _id_ranges(ids: list) -> str:
    """``[1, 2, 3, 7]`` -> ``'1–3, 7'``; ids that are not all integers are listed as they are."""
    if not all(isinstance(i, (int, np.integer)) for i in ids):
        return ", ".join(map(str, ids))
    numbers = sorted(int(i) for i in ids)
    starts = [n for n in numbers if n - 1 not in numbers]
    ends = [n for n in numbers if n + 1 not in numbers]
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in zip(starts, ends, strict=True))


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


def npv_band(samples: pd.DataFrame, language: str = "en") -> Figure:
    """Histogram of the Monte Carlo NPVs (:func:`mgwsim.report.engineer.npv_monte_carlo`) [k EUR] with P10, P50
    and P90 and the zero line (right of it the variant beats the reference)."""
    npv = samples["npv_eur"].to_numpy() / 1000.0
    p10, p50, p90 = np.percentile(npv, [10, 50, 90])
    fig, ax = _figure(9.0, 3.6)
    ax.axvspan(p10, p90, color=COLORS["low"], alpha=0.35, label="P10–P90")
    ax.hist(npv, bins=30, color=COLORS["high"], alpha=0.85)
    for value, style, name in ((p10, ":", "P10"), (p50, "-", "P50"), (p90, ":", "P90")):
        ax.axvline(value, color=COLORS["demand"], linestyle=style, linewidth=1.4,
                   label=f"{name} {format_eur(value * 1000.0, language)}")
    ax.axvline(0.0, color="black", linewidth=1.0)
    ax.set_xlabel(t("npv_keur", language))
    ax.set_ylabel(t("mc_samples_axis", language))
    ax.set_title(t("fig_npv_band", language))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    return fig
