"""Monitoring after the works: measured against simulated, SPF, and the avoided energy.

**Seasonal performance factor at the SEPEMO boundaries.** SEPEMO-Build (Zottl, Nordman et al.,
*Concept for evaluation of heat pump systems*, SEPEMO-Build project (Intelligent Energy Europe),
2012; the deliverable number was not checked here) draws four system boundaries around a heat pump:

    SPF_H1 = Q_hp / E_hp
    SPF_H2 = Q_hp / (E_hp + E_source)
    SPF_H3 = (Q_hp + Q_bu) / (E_hp + E_source + E_bu)
    SPF_H4 = (Q_hp + Q_bu) / (E_hp + E_source + E_bu + E_sink)

with Q_hp the heat the heat pump delivers, Q_bu the backup heater's heat, E_hp the heat pump's
electricity (compressor and controls), E_source the source-side fan or brine pump, E_bu the
backup's energy input and E_sink the building-side pumps and fans [kWh over the period]. H2 is
the boundary of the EU's renewable-energy accounting of heat pumps (Commission Decision
2013/114/EU); H4 the whole heating system. SEPEMO defines the backup as an electric heater;
:func:`sepemo_spf` takes whatever E_bu it is given, while :func:`simulated_monitoring` keeps a
gas backup outside the boundary, as :meth:`mgwsim.system.SystemResult.kpis` does.

**Performance gap.** :func:`performance_gap` compares measured and simulated series of the same
period at the same step: totals of heat, electricity, gas, import, export and PV [kWh], the
SPF at the stated boundary, the PV self-consumption (PV − export)/PV [-] and the highest import
power [kW] = max(import per step / step [h]) (at the common step: on hourly data a lower bound
of the 15-minute peak the capacity tariff bills, :mod:`mgwsim.electric`). The gap is
measured − simulated, in the KPI's unit and in per cent of the simulated value.

**Avoided energy (IPMVP option C).** IPMVP Core Concepts (EVO 2016), avoided energy
consumption on the reporting-period basis:

    avoided = adjusted baseline − reporting-period energy

where the adjusted baseline is the baseline model (the change-point fit or the calibrated
simulation of the bills before the works) driven by the reporting period's weather, and the
reporting-period energy is what the meters measured after the works, per carrier. With a
switch from gas to electricity the carriers are summed in final energy and, with the Flemish
primary-energy factors (:data:`mgwsim.assess.epc.EPC_FACTORS_FLANDERS`: electricity 2.5,
natural gas 1.0), in primary energy. (IPMVP's *normalised savings* put both periods on fixed
conditions, e.g. a typical year; that needs a model of the reporting period too and is not done
here.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from mgwsim.assess.epc import EPC_FACTORS_FLANDERS
from mgwsim.errors import DataError, InputError, check_choice
from mgwsim.measured.baseline import ChangePointFit, daily_mean_temperature
from mgwsim.measured.calibration import Calibration
from mgwsim.measured.meters import MeterSeries
from mgwsim.simyear import LOCAL_TIMEZONE

__all__ = ["ENERGY_COLUMNS", "SPF_BOUNDARIES", "adjusted_baseline_kwh", "avoided_energy", "boundary_flows",
           "monthly_comparison", "performance_gap", "sepemo_spf", "simulated_monitoring"]

SPF_BOUNDARIES = ("H1", "H2", "H3", "H4")
"""The SEPEMO-Build system boundaries."""

ENERGY_COLUMNS = ("heat_kwh", "electricity_kwh", "gas_kwh", "import_kwh", "export_kwh", "pv_kwh")
"""Energy columns [kWh per step] :func:`performance_gap` compares (those present in both series)."""

HOUR = pd.Timedelta(hours=1)


def sepemo_spf(hp_heat_kwh, hp_elec_kwh, *, source_aux_kwh=0.0, backup_heat_kwh=0.0, backup_input_kwh=0.0,
               sink_aux_kwh=0.0) -> pd.Series:
    """Seasonal performance factors SPF_H1..H4 [-] of the SEPEMO-Build boundaries (module docstring).

    Each argument is a total over the period [kWh] (or an array, summed).
    """
    q_hp, e_hp, e_source, q_bu, e_bu, e_sink = (float(np.sum(v)) for v in (
        hp_heat_kwh, hp_elec_kwh, source_aux_kwh, backup_heat_kwh, backup_input_kwh, sink_aux_kwh))
    for name, value in (("hp_heat_kwh", q_hp), ("hp_elec_kwh", e_hp), ("source_aux_kwh", e_source),
                        ("backup_heat_kwh", q_bu), ("backup_input_kwh", e_bu), ("sink_aux_kwh", e_sink)):
        if not np.isfinite(value) or value < 0:
            raise InputError(f"sepemo_spf.{name} = {value!r} kWh; allowed: finite, >= 0")
    if e_hp <= 0:
        raise InputError("sepemo_spf.hp_elec_kwh is 0: the heat pump used no electricity; the SPF is undefined")
    return pd.Series({
        "H1": q_hp / e_hp,
        "H2": q_hp / (e_hp + e_source),
        "H3": (q_hp + q_bu) / (e_hp + e_source + e_bu),
        "H4": (q_hp + q_bu) / (e_hp + e_source + e_bu + e_sink),
    }, name="spf")


def simulated_monitoring(result, balance: pd.DataFrame | None = None, *, boundary: str = "H4",
                         sink_aux_kwh=0.0) -> pd.DataFrame:
    """A plant simulation's flows as the columns a monitoring export has, at a SEPEMO boundary.

    The boundaries follow :meth:`mgwsim.system.SystemResult.kpis`: the heat pumps' electricity
    already includes the source fan or brine pump (the COP maps are EN 14511 ratings), so the
    simulation starts at H2 and has no H1; H3 adds an electric backup and the booster to heat
    and electricity; H4 adds the building-side pumps ``sink_aux_kwh``, which the plant
    simulation does not compute (0 by default: then H4 equals H3). A gas backup's heat and gas
    stay outside the boundary (its gas is the ``gas_kwh`` column): meter a hybrid's heat pump
    side, not the boiler's.

    Parameters
    ----------
    result : mgwsim.system.SystemResult
        The plant simulated on the monitored period's weather.
    balance : pandas.DataFrame, optional
        :func:`mgwsim.electric.electricity_balance` of the connection (``grid_import_kwh``,
        ``grid_export_kwh``, ``pv_kwh``) on the same index.
    boundary : {"H2", "H3", "H4"}
    sink_aux_kwh : float or array
        Building-side pumps and fans [kWh per step], counted at H4.

    Returns
    -------
    pandas.DataFrame
        ``heat_kwh``, ``electricity_kwh``, ``gas_kwh`` and, with a balance, ``import_kwh``,
        ``export_kwh``, ``pv_kwh`` [kWh per step], on the simulation's index.
    """
    check_choice(boundary, "boundary", SPF_BOUNDARIES[1:], owner="simulated_monitoring")
    frame = boundary_flows(result.hourly, electric_backup=result.plant.backup.kind == "electric",
                           boundary=boundary, sink_aux_kwh=sink_aux_kwh)
    if balance is not None:
        if not balance.index.equals(frame.index):
            raise InputError("simulated_monitoring.balance must be on the simulation's index")
        frame["import_kwh"] = balance["grid_import_kwh"].to_numpy()
        frame["export_kwh"] = balance["grid_export_kwh"].to_numpy()
        frame["pv_kwh"] = balance["pv_kwh"].to_numpy()
    return frame


def boundary_flows(hourly: pd.DataFrame, *, electric_backup: bool, boundary: str, sink_aux_kwh=0.0) -> pd.DataFrame:
    """Heat and electricity [kWh per step] inside a SEPEMO boundary, from plant flows.

    See :func:`simulated_monitoring` for what each boundary counts.
    """
    h = hourly
    heat = h["hp_heat_sh_kwh"] + h["hp_heat_dhw_kwh"]
    elec = h["hp_elec_kwh"]
    if boundary in ("H3", "H4"):
        backup_heat = h["backup_heat_sh_kwh"] + h["backup_heat_dhw_kwh"] if electric_backup else 0.0
        heat = heat + backup_heat + h["booster_kwh"]
        elec = elec + h["electric_backup_kwh"] + h["booster_kwh"]
    if boundary == "H4":
        elec = elec + sink_aux_kwh
    return pd.DataFrame({"heat_kwh": heat, "electricity_kwh": elec, "gas_kwh": h["gas_kwh"]}, index=h.index)


# --------------------------------------------------------------------------- alignment


def _frame(series, name: str) -> pd.DataFrame:
    """Energy columns of a MeterSeries, a DataFrame or a list of them, joined on their index (in UTC).

    Parts at different steps (a 15-minute meter export beside hourly monitoring) are joined on
    whole hours.
    """
    parts = list(series) if isinstance(series, Sequence) and not isinstance(series, str) else [series]
    frames = []
    for part in parts:
        data = part.data if isinstance(part, MeterSeries) else part
        if not isinstance(data, pd.DataFrame) or not isinstance(data.index, pd.DatetimeIndex) or data.index.tz is None:
            raise InputError(f"performance_gap.{name} must be MeterSeries or DataFrames on a tz-aware DatetimeIndex, "
                             f"got {type(data).__name__}")
        frames.append(data[[c for c in data.columns if c in ENERGY_COLUMNS]].tz_convert("UTC"))
    steps = [_step(f.index, name) for f in frames]
    if len(set(steps)) > 1:
        frames = [_hourly(f) if step != HOUR else f for f, step in zip(frames, steps, strict=True)]
    joined = pd.concat(frames, axis=1, join="inner")
    if joined.columns.duplicated().any():
        raise InputError(f"performance_gap.{name}: the column {joined.columns[joined.columns.duplicated()][0]!r} "
                         "is in two of the series; allowed: each energy column once")
    if joined.empty:
        raise DataError(f"performance_gap.{name}: the series share no interval")
    return joined


def _step(index: pd.DatetimeIndex, name: str) -> pd.Timedelta:
    steps = pd.Series(index[1:] - index[:-1]).unique()
    if len(index) < 2 or len(steps) != 1 or steps[0] not in (HOUR / 4, HOUR):
        raise DataError(f"performance_gap.{name}: the index is not a regular 15-minute or hourly series (steps "
                        f"{', '.join(str(s) for s in steps[:3])}); allowed: one step of 15 min or 1 h")
    return pd.Timedelta(steps[0])


def _hourly(frame: pd.DataFrame) -> pd.DataFrame:
    """Quarter hours summed to whole hours (an hour needs its four quarters)."""
    utc = frame.tz_convert("UTC")
    hours = utc.index.floor("h")  # whole hours in UTC are whole local hours in Belgium (offsets of 1 or 2 h)
    grouped = utc.groupby(hours)
    complete = grouped.size() == 4
    return grouped.sum()[complete]


def _aligned(measured, simulated) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    m, s = _frame(measured, "measured"), _frame(simulated, "simulated")
    step_m, step_s = _step(m.index, "measured"), _step(s.index, "simulated")
    if step_m != step_s:
        m, s = (_hourly(f) if st != HOUR else f for f, st in ((m, step_m), (s, step_s)))
    common = m.index.intersection(s.index)
    if common.empty:
        raise DataError(f"performance_gap: the measured ({m.index[0]}..{m.index[-1]}) and simulated "
                        f"({s.index[0]}..{s.index[-1]}) series share no interval; simulate the measured period")
    return m.loc[common], s.loc[common], max(step_m, step_s) / HOUR


# --------------------------------------------------------------------------- the gap table


def _kpis(frame: pd.DataFrame, step_h: float, boundary: str) -> dict[str, float]:
    kpis = {c: float(frame[c].sum()) for c in ENERGY_COLUMNS if c in frame.columns}
    if {"heat_kwh", "electricity_kwh"} <= set(frame.columns) and kpis["electricity_kwh"] > 0:
        kpis[f"spf_{boundary}"] = kpis["heat_kwh"] / kpis["electricity_kwh"]
    if {"pv_kwh", "export_kwh"} <= set(frame.columns) and kpis["pv_kwh"] > 0:
        kpis["pv_self_consumption"] = (kpis["pv_kwh"] - kpis["export_kwh"]) / kpis["pv_kwh"]
    if "import_kwh" in frame.columns:
        kpis["peak_import_kw"] = float(frame["import_kwh"].max() / step_h)
    return kpis


def performance_gap(measured, simulated, *, boundary: str = "H4") -> pd.DataFrame:
    """Measured against simulated over the intervals both cover: the performance-gap table.

    Parameters
    ----------
    measured : MeterSeries, DataFrame, or a list of them
        E.g. :func:`~mgwsim.measured.read_heatpump_monitoring` (``heat_kwh``,
        ``electricity_kwh``) and :func:`~mgwsim.measured.read_fluvius_quarter_hours`
        (``import_kwh``, ``export_kwh``); a ``pv_kwh`` column if the inverter is metered.
    simulated : DataFrame or a list of them
        The same columns from a simulation of the period on its own weather
        (:func:`simulated_monitoring`).
    boundary : {"H1", "H2", "H3", "H4"}
        The SEPEMO boundary the heat and electricity meters stand for (the SPF's label; the
        simulated frame must be made at the same boundary).

    Returns
    -------
    pandas.DataFrame
        Index: KPIs (the energy columns both have, ``spf_<boundary>``, ``pv_self_consumption``,
        ``peak_import_kw``); columns ``measured``, ``simulated``, ``gap`` (measured − simulated)
        and ``gap_pct`` (100 · gap / simulated). The attrs hold the common ``step_h`` and the
        ``period`` compared.
    """
    check_choice(boundary, "boundary", SPF_BOUNDARIES, owner="performance_gap")
    m, s, step_h = _aligned(measured, simulated)
    km, ks = _kpis(m, step_h, boundary), _kpis(s, step_h, boundary)
    names = [k for k in km if k in ks]
    table = pd.DataFrame({"measured": [km[k] for k in names], "simulated": [ks[k] for k in names]}, index=names)
    table["gap"] = table["measured"] - table["simulated"]
    with np.errstate(divide="ignore", invalid="ignore"):
        table["gap_pct"] = np.where(table["simulated"] != 0, 100.0 * table["gap"] / table["simulated"], np.nan)
    table.index.name = "kpi"
    table.attrs.update(step_h=step_h, period=(m.index[0], m.index[-1] + pd.Timedelta(hours=step_h)),
                       boundary=boundary)
    return table


def monthly_comparison(measured, simulated) -> pd.DataFrame:
    """Measured and simulated energy per local calendar month over the intervals both cover.

    Parameters
    ----------
    measured, simulated
        As for :func:`performance_gap`.

    Returns
    -------
    pandas.DataFrame
        Index: months (``Period``); columns ``<column>_measured`` and ``<column>_simulated`` [kWh]
        for the energy columns both have, and ``spf_measured``, ``spf_simulated`` [-] (heat over
        electricity of the month) when both have heat and electricity.
    """
    m, s, _ = _aligned(measured, simulated)
    months = m.index.tz_convert(LOCAL_TIMEZONE).tz_localize(None).to_period("M")
    columns = [c for c in ENERGY_COLUMNS if c in m.columns and c in s.columns]
    out = {}
    for column in columns:
        out[f"{column}_measured"] = m[column].groupby(months).sum()
        out[f"{column}_simulated"] = s[column].groupby(months).sum()
    frame = pd.DataFrame(out)
    if {"heat_kwh", "electricity_kwh"} <= set(columns):
        with np.errstate(divide="ignore", invalid="ignore"):
            for side in ("measured", "simulated"):
                frame[f"spf_{side}"] = (frame[f"heat_kwh_{side}"] / frame[f"electricity_kwh_{side}"]).where(
                    frame[f"electricity_kwh_{side}"] > 0)
    frame.index.name = "month"
    return frame


# --------------------------------------------------------------------------- avoided energy


def adjusted_baseline_kwh(baseline, weather, start, end) -> float:
    """Gas use [kWh GCV] the baseline model predicts for the local days ``start``..``end`` (inclusive)
    on the reporting period's weather: IPMVP's adjusted baseline (option C).

    Parameters
    ----------
    baseline : ChangePointFit or Calibration
        The change-point fit (:func:`~mgwsim.measured.fit_change_point`, driven by the daily mean
        temperatures) or the calibrated simulation (:func:`~mgwsim.measured.calibrate_to_bills`,
        simulated on the weather) of the bills before the works.
    weather : Weather, list of Weather, or daily Series
        The reporting period's weather (a daily Series only for a ChangePointFit).
    start, end : date
        First and last day of the reporting period.
    """
    days = pd.date_range(pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize(), freq="D")
    if days.empty:
        raise InputError(f"adjusted_baseline_kwh: end {end} is before start {start}")
    if isinstance(baseline, ChangePointFit):
        daily = daily_mean_temperature(weather)
    elif isinstance(baseline, Calibration):
        daily = baseline.daily_gas_kwh(weather)
    else:
        raise InputError(f"adjusted_baseline_kwh.baseline must be a ChangePointFit or a Calibration, got "
                         f"{type(baseline).__name__}")
    values = daily.reindex(days).to_numpy(dtype=np.float64)
    if np.isnan(values).any():
        raise DataError(f"adjusted_baseline_kwh: the weather does not cover the day {days[np.isnan(values)][0].date()} "
                        f"of the reporting period {days[0].date()}..{days[-1].date()}")
    return baseline.predict_kwh(values) if isinstance(baseline, ChangePointFit) else float(values.sum())


def avoided_energy(adjusted_baseline_kwh: Mapping[str, float], reporting_kwh: Mapping[str, float], *,
                   factors: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Avoided energy per carrier, in final and primary energy (IPMVP option C, reporting-period basis).

    Parameters
    ----------
    adjusted_baseline_kwh : dict of carrier to kWh
        The baseline model on the reporting period's weather, e.g. ``{"natural_gas":
        adjusted_baseline_kwh(fit, weather, start, end)}`` (gas in kWh GCV).
    reporting_kwh : dict of carrier to kWh
        Measured use of the reporting period, e.g. ``{"natural_gas": 0, "electricity": 41_000}``.
    factors : dict of carrier to float, optional
        Primary-energy factors [kWh_prim/kWh]; the Flemish EPB factors by default.

    Returns
    -------
    pandas.DataFrame
        Rows: the carriers, then ``total_final`` and ``total_primary``; columns
        ``baseline_kwh``, ``reporting_kwh``, ``avoided_kwh``, ``avoided_pct`` (of the baseline).
    """
    factors = dict(EPC_FACTORS_FLANDERS if factors is None else factors)
    carriers = list(dict.fromkeys([*adjusted_baseline_kwh, *reporting_kwh]))
    rows = {}
    for carrier in carriers:
        if carrier not in factors:
            raise InputError(f"avoided_energy: no primary-energy factor for carrier {carrier!r}; allowed: "
                             f"{', '.join(factors)} (or pass factors=)")
        base, used = (_kwh(d.get(carrier, 0.0), name, carrier) for d, name in (
            (adjusted_baseline_kwh, "adjusted_baseline_kwh"), (reporting_kwh, "reporting_kwh")))
        rows[carrier] = (base, used)
    table = pd.DataFrame(rows, index=["baseline_kwh", "reporting_kwh"]).T
    primary = table.mul(pd.Series({c: factors[c] for c in carriers}), axis=0)
    table.loc["total_final"] = table.loc[carriers].sum()
    table.loc["total_primary"] = primary.sum()
    table["avoided_kwh"] = table["baseline_kwh"] - table["reporting_kwh"]
    with np.errstate(divide="ignore", invalid="ignore"):
        table["avoided_pct"] = np.where(table["baseline_kwh"] > 0, 100.0 * table["avoided_kwh"] / table["baseline_kwh"],
                                        np.nan)
    return table


def _kwh(value, name: str, carrier: str) -> float:
    number = float(value)
    if not np.isfinite(number) or number < 0:
        raise InputError(f"avoided_energy.{name}[{carrier!r}] = {value!r} kWh; allowed: finite, >= 0")
    return number
