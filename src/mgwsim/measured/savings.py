"""Normalised savings after the works and their uncertainty (IPMVP option C, ASHRAE Guideline 14).

**Normalised savings.** IPMVP Core Concepts (EVO 2022), "normalised savings" (savings under a
fixed set of conditions, as opposed to the avoided energy of the reporting period's own
conditions): a model of the baseline period and a model of the reporting period, both fitted on
whole-building (option C) use per billing period, are both run on the weather of a *normal
year*, and

    S_norm = E_b(normal) − E_r(normal)                                          [kWh]

with E_b and E_r the three-parameter change-point models of the baseline and of the reporting
period (:func:`mgwsim.measured.fit_change_point`) evaluated on the daily mean temperatures of
the normal year: E(normal) = b · N + s · Σ_d max(0, T_b − T_d) (N days) [kWh]. The weather of
each period thereby drops out: a mild reporting year does not pass for savings.

When the building changes its carriers (gas before, heat-pump electricity after), both periods
are expressed in one unit before the fits, by default primary energy with the Flemish EPB
factors (:data:`mgwsim.assess.epc.EPC_FACTORS_FLANDERS`: natural gas 1.0, electricity 2.5
kWh_prim/kWh): :func:`monthly_use` sums the carriers of each month with these weights.

**Uncertainty.** ASHRAE Guideline 14-2014, Annex B, the fractional savings uncertainty of a
regression baseline (from Reddy & Claridge 2000, "Uncertainty of 'measured' energy savings from
statistical baseline models", *HVAC&R Research* 6(1):3-20; the equation number in the
2014 edition was not checked here). For one model fitted on n periods with p parameters and
applied over m periods, the uncertainty of its predicted total at confidence level 1 − α is

    U = t(1 − α/2, n − p) · 1.26 · CV · E_pred · sqrt( (n / n') · (1 + 2/n) · (1/m) )    [kWh]

with CV the model's CV(RMSE) as a fraction (:func:`mgwsim.measured.cv_rmse_pct` / 100),
E_pred the predicted total [kWh], 1.26 Guideline 14's empirical correction for monthly
models, and n' = n (1 − ρ)/(1 + ρ) the effective number of periods for residuals with lag-one
autocorrelation ρ (n' = n when ρ ≤ 0). For the savings of the reporting period against the
adjusted baseline (the reporting period's use is measured, without model error), dividing by
the savings S = F · E_pred gives Guideline 14's fractional savings uncertainty

    ΔS / S = t · 1.26 · CV · sqrt( (n / n') · (1 + 2/n) · (1/m) ) / F            [-]

(:func:`fractional_savings_uncertainty`). For normalised savings both totals are model
predictions, so the two uncertainties add in quadrature: U_S = sqrt(U_b² + U_r²) (independent
errors of the two periods' models).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import t as student_t

from mgwsim.assess.epc import EPC_FACTORS_FLANDERS
from mgwsim.errors import DataError, InputError, check_number
from mgwsim.measured.baseline import ChangePointFit, daily_mean_temperature
from mgwsim.measured.bills import GasBills

__all__ = ["GUIDELINE14_MONTHLY_FACTOR", "NormalisedSavings", "fractional_savings_uncertainty", "model_uncertainty_kwh",
           "monthly_use", "normalised_savings", "reporting_use", "weighted_bills"]

GUIDELINE14_MONTHLY_FACTOR = 1.26
"""The empirical factor of the savings uncertainty of monthly models (ASHRAE Guideline 14-2014, Annex B;
Reddy & Claridge 2000)."""

DEFAULT_LEVEL = 0.90
"""Confidence level of the stated uncertainty (Guideline 14 states savings uncertainty at 68 % or 90 %)."""


def _lag1_autocorrelation(residuals) -> float:
    r = np.asarray(residuals, dtype=np.float64)
    r = r - r.mean()
    denominator = float(np.sum(r**2))
    return 0.0 if r.size < 3 or denominator == 0 else float(np.sum(r[1:] * r[:-1]) / denominator)


def _effective_ratio(rho: float, n: int) -> float:
    """n / n' with n' = n (1 − ρ)/(1 + ρ), ρ clipped to [0, 0.9] (n' ≥ about n/19)."""
    rho = min(max(float(rho), 0.0), 0.9)
    return (1.0 + rho) / (1.0 - rho)


def model_uncertainty_kwh(fit: ChangePointFit, predicted_kwh: float, m_periods: float, *,
                          level: float = DEFAULT_LEVEL) -> float:
    """U [kWh]: the uncertainty of a change-point model's total prediction over ``m_periods`` periods.

    ``t · 1.26 · CV · E_pred · sqrt((n/n') (1 + 2/n) / m)`` (module docstring; ASHRAE Guideline
    14-2014 Annex B, Reddy & Claridge 2000), with n, CV and ρ those of ``fit``'s periods.
    """
    check_number(level, "level", owner="model_uncertainty_kwh", low=0.5, high=0.999)
    check_number(m_periods, "m_periods", owner="model_uncertainty_kwh", low=0.0, low_inclusive=False)
    n = len(fit.periods)
    dof = n - fit.n_parameters
    rho = _lag1_autocorrelation(fit.periods["residual_kwh"].to_numpy())
    t_value = float(student_t.ppf(0.5 + level / 2.0, dof))
    cv = fit.cv_rmse_pct / 100.0
    return float(t_value * GUIDELINE14_MONTHLY_FACTOR * cv * abs(predicted_kwh)
                 * np.sqrt(_effective_ratio(rho, n) * (1.0 + 2.0 / n) / m_periods))


def fractional_savings_uncertainty(cv_rmse_pct: float, savings_frac: float, n: int, m: float, *,
                                   n_parameters: int = 3, level: float = DEFAULT_LEVEL, rho: float = 0.0) -> float:
    """ΔS/S [-]: ASHRAE Guideline 14-2014 Annex B fractional savings uncertainty (Reddy & Claridge 2000).

    ``t(1 − α/2, n − p) · 1.26 · CV · sqrt((n/n') (1 + 2/n) / m) / F``

    Parameters
    ----------
    cv_rmse_pct : float
        CV(RMSE) of the baseline model [%].
    savings_frac : float
        F, the savings as a fraction of the adjusted baseline [-] (not 0).
    n : int
        Baseline periods the model was fitted on.
    m : float
        Periods of the reporting period (e.g. 12 months).
    n_parameters : int
        p of the baseline model (3 for the change-point model).
    level : float
        Two-sided confidence level (0.90: Guideline 14's usual statement; 0.68: one standard error).
    rho : float
        Lag-one autocorrelation of the baseline residuals (n' = n (1 − ρ)/(1 + ρ); 0 ignores it).
    """
    check_number(cv_rmse_pct, "cv_rmse_pct", owner="fractional_savings_uncertainty", low=0.0)
    check_number(level, "level", owner="fractional_savings_uncertainty", low=0.5, high=0.999)
    check_number(m, "m", owner="fractional_savings_uncertainty", low=0.0, low_inclusive=False)
    if int(n) - int(n_parameters) <= 0:
        raise InputError(f"fractional_savings_uncertainty: n = {n} periods for {n_parameters} parameters leave no "
                         "degree of freedom")
    if not np.isfinite(savings_frac) or savings_frac == 0:
        raise InputError(f"fractional_savings_uncertainty.savings_frac = {savings_frac!r}; allowed: finite, not 0 "
                         "(the fractional uncertainty of zero savings is undefined)")
    t_value = float(student_t.ppf(0.5 + level / 2.0, int(n) - int(n_parameters)))
    return float(t_value * GUIDELINE14_MONTHLY_FACTOR * cv_rmse_pct / 100.0
                 * np.sqrt(_effective_ratio(rho, int(n)) * (1.0 + 2.0 / int(n)) / m) / abs(savings_frac))


def monthly_use(series: Mapping[str, pd.Series] | pd.DataFrame, *, factors: Mapping[str, float] | None = None,
                source: str = "measured use") -> GasBills:
    """Metered use per carrier summed per whole local calendar month, weighted into one unit.

    Parameters
    ----------
    series : dict of carrier to Series, or DataFrame with carrier columns
        Energy per interval [kWh] on a tz-aware index (a 15-minute meter export, hourly
        monitoring), e.g. ``{"electricity": monitoring["electricity_kwh"], "natural_gas": gas}``.
    factors : dict of carrier to float, optional
        Weights [kWh_unit/kWh]: the Flemish EPB primary-energy factors by default
        (``{"natural_gas": 1.0, ...}`` for final energy of one carrier).
    source : str
        Named in errors and carried as the periods' source.

    Returns
    -------
    GasBills
        One period per month that the series cover completely (every local day has data),
        energy = Σ_carrier factor · kWh; ready for :func:`~mgwsim.measured.fit_change_point`.
    """
    factors = dict(EPC_FACTORS_FLANDERS if factors is None else factors)
    items = series.items() if isinstance(series, (Mapping, pd.DataFrame)) else None
    if items is None:
        raise InputError(f"monthly_use.series must be a dict of Series or a DataFrame, got {type(series).__name__}")
    daily_parts = []
    for carrier, values in items:
        if carrier not in factors:
            raise InputError(f"monthly_use: no factor for carrier {carrier!r}; allowed: {', '.join(factors)} "
                             "(or pass factors=)")
        if not isinstance(values.index, pd.DatetimeIndex) or values.index.tz is None:
            raise InputError(f"monthly_use.series[{carrier!r}] needs a tz-aware DatetimeIndex")
        local = values.tz_convert("Europe/Brussels")
        days = local.index.tz_localize(None).normalize()
        daily_parts.append((factors[carrier] * local.groupby(days).sum()).rename(carrier))
    daily = pd.concat(daily_parts, axis=1, join="inner").sum(axis=1)
    months = daily.groupby(daily.index.to_period("M"))
    starts, ends, energy = [], [], []
    for month, values in months:
        if len(values) == month.days_in_month:
            starts.append(month.start_time)
            ends.append(month.end_time.normalize())
            energy.append(float(values.sum()))
    if not energy:
        raise DataError(f"{source}: no whole calendar month is covered; give at least a full month of data")
    return GasBills.from_periods(starts, ends, energy, source=source)


def weighted_bills(bills: GasBills, factor: float) -> GasBills:
    """The bills with every energy multiplied by ``factor`` (e.g. gas in primary energy, factor 1.0)."""
    check_number(factor, "factor", owner="weighted_bills", low=0.0, low_inclusive=False)
    p = bills.periods
    return GasBills.from_periods(p["start"], p["end"], p["energy_kwh"].to_numpy() * factor, source=bills.source)


def reporting_use(electricity_kwh: pd.Series, gas_bills: GasBills | None = None, *,
                  factors: Mapping[str, float] | None = None, source: str = "reporting period") -> GasBills:
    """The reporting period's use per whole month: metered electricity plus the gas bills after the works, weighted.

    Parameters
    ----------
    electricity_kwh : pandas.Series
        The heat pumps' electricity per interval [kWh] (the monitoring export; the boundary that
        replaces the baseline's gas: heating and hot water), tz-aware index.
    gas_bills : GasBills, optional
        Gas bills after the works (a hybrid's backup boiler), one per calendar month; the
        months of the electricity without a bill of the same month are dropped.
    factors : dict, optional
        ``natural_gas`` and ``electricity`` weights [kWh_unit/kWh], the Flemish EPB primary-energy
        factors by default.

    Returns
    -------
    GasBills
        One period per whole month, energy Σ factor · kWh.
    """
    factors = dict(EPC_FACTORS_FLANDERS if factors is None else factors)
    monthly = monthly_use({"electricity": electricity_kwh}, factors=factors, source=source)
    if gas_bills is None:
        return monthly
    if not isinstance(gas_bills, GasBills):
        raise InputError(f"reporting_use.gas_bills must be GasBills, got {type(gas_bills).__name__}")
    gas = gas_bills.periods.set_index(["start", "end"])["energy_kwh"]
    p = monthly.periods
    keys = list(zip(p["start"], p["end"], strict=True))
    kept = [i for i, key in enumerate(keys) if key in gas.index]
    if not kept:
        raise DataError(f"{gas_bills.source}: no gas bill covers a calendar month of the reporting period "
                        f"({p['start'].iloc[0].date()}..{p['end'].iloc[-1].date()}); give monthly bills of the "
                        "same months")
    energy = [p["energy_kwh"].iloc[i] + factors["natural_gas"] * gas.loc[keys[i]] for i in kept]
    return GasBills.from_periods(p["start"].iloc[kept], p["end"].iloc[kept], energy, source=source)


@dataclass(frozen=True)
class NormalisedSavings:
    """Savings normalised to a typical year (IPMVP) with Guideline 14's uncertainty.

    Attributes
    ----------
    baseline_kwh, reporting_kwh : float
        E_b(normal), E_r(normal): each period's model on the normal year [kWh, in the fits' unit].
    savings_kwh : float
        S_norm = E_b(normal) − E_r(normal) [kWh].
    savings_frac : float
        S_norm / E_b(normal) [-].
    baseline_uncertainty_kwh, reporting_uncertainty_kwh, uncertainty_kwh : float
        U_b, U_r and U_S = sqrt(U_b² + U_r²) at ``level`` [kWh].
    level : float
        Two-sided confidence level of the uncertainties.
    normal_days : int
        Days of the normal year.
    """

    baseline_kwh: float
    reporting_kwh: float
    savings_kwh: float
    savings_frac: float
    baseline_uncertainty_kwh: float
    reporting_uncertainty_kwh: float
    uncertainty_kwh: float
    level: float
    normal_days: int

    @property
    def fractional_uncertainty(self) -> float:
        """U_S / S_norm [-] (Guideline 14 asks for savings larger than their uncertainty: below 0.5 at 68 %)."""
        return float(self.uncertainty_kwh / abs(self.savings_kwh)) if self.savings_kwh else float("inf")

    def to_series(self) -> pd.Series:
        return pd.Series({
            "baseline_normal_kwh": self.baseline_kwh, "reporting_normal_kwh": self.reporting_kwh,
            "savings_kwh": self.savings_kwh, "savings_frac": self.savings_frac,
            "baseline_uncertainty_kwh": self.baseline_uncertainty_kwh,
            "reporting_uncertainty_kwh": self.reporting_uncertainty_kwh,
            "uncertainty_kwh": self.uncertainty_kwh, "fractional_uncertainty": self.fractional_uncertainty,
            "level": self.level, "normal_days": self.normal_days,
        }, name="normalised_savings")


def normalised_savings(baseline: ChangePointFit, reporting: ChangePointFit, normal_weather, *,
                       level: float = DEFAULT_LEVEL) -> NormalisedSavings:
    """Savings normalised to a typical year: both periods' change-point models on the normal year's weather.

    Parameters
    ----------
    baseline, reporting : ChangePointFit
        The change-point fits of the baseline period (the bills before the works) and of the
        reporting period (:func:`monthly_use` of the metered use after the works), in the same
        unit (e.g. primary energy; a gas-only baseline in kWh GCV is primary energy with factor 1).
    normal_weather : Weather, list of Weather, or daily Series
        The normal year (a typical meteorological year, e.g. a PVGIS TMY or a long-term mean year),
        :func:`~mgwsim.measured.daily_mean_temperature`.

    Notes
    -----
    Both models are taken as monthly (Guideline 14's factor 1.26 is for monthly data), so m, the
    periods of the normal year, is its number of months (days × 12 / 365.25).
    level : float
        Two-sided confidence level of the uncertainty (default 0.90).

    Returns
    -------
    NormalisedSavings
    """
    for name, fit in (("baseline", baseline), ("reporting", reporting)):
        if not isinstance(fit, ChangePointFit):
            raise InputError(f"normalised_savings.{name} must be a ChangePointFit, got {type(fit).__name__}")
    temps = daily_mean_temperature(normal_weather).to_numpy()
    if temps.size < 300:
        raise InputError(f"normalised_savings.normal_weather covers {temps.size} days; allowed: a whole year "
                         "(the normal year's degree days)")
    e_b, e_r = baseline.predict_kwh(temps), reporting.predict_kwh(temps)
    months = temps.size * 12.0 / 365.25
    u_b = model_uncertainty_kwh(baseline, e_b, months, level=level)
    u_r = model_uncertainty_kwh(reporting, e_r, months, level=level)
    savings = e_b - e_r
    return NormalisedSavings(
        baseline_kwh=e_b, reporting_kwh=e_r, savings_kwh=savings, savings_frac=savings / e_b if e_b else np.nan,
        baseline_uncertainty_kwh=u_b, reporting_uncertainty_kwh=u_r, uncertainty_kwh=float(np.hypot(u_b, u_r)),
        level=float(level), normal_days=int(temps.size))
