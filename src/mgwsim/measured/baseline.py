"""The measured baseline: a change-point regression of gas use on outdoor temperature.

The three-parameter heating change-point model (ASHRAE Guideline 14-2014, inverse models of
whole-building energy use, model "3P heating"; IPMVP Core Concepts 2016, Option C, whole
facility) written on daily means, as in the variable-base degree-day method of PRISM
(Fels 1986, *Energy and Buildings* 9:5-18):

    E_i = b · n_i + s · HDD_i(T_b),        HDD_i(T_b) = Σ_{d in period i} max(0, T_b − T_d)

with E_i the gas use of billing period i [kWh], n_i its number of days [d], T_d the daily
mean outdoor temperature [°C], T_b the base (balance-point) temperature [°C], s the slope
[kWh/(K·d)] and b the baseload [kWh/d] (hot water, cooking, boiler standby). Periods of
unequal length enter as daily means y_i = E_i / n_i = b + s · HDD_i / n_i, fitted by weighted
least squares with weights n_i (PRISM), so a long period counts as many days; with these
weights the period residuals sum to zero. T_b is found by a grid search at
:data:`BASE_GRID_STEP_K` over ``base_range_degc`` refined by a bounded scalar search
(:func:`scipy.optimize.minimize_scalar`); for each T_b, b and s are the closed-form weighted
least-squares solution.

Standard errors are the asymptotic ones of non-linear least squares (Seber & Wild 1989,
*Nonlinear Regression*, §2.1): cov = σ² (JᵀWJ)⁻¹ with J the Jacobian of y_i with respect to
(b, s, T_b) at the optimum (∂y_i/∂T_b = s · m_i / n_i, m_i the days of period i colder than
T_b) and σ² = Σ w_i r_i² / (n − p).

Fit statistics follow ASHRAE Guideline 14-2014 on the period energies E_i, with p the number of
fitted parameters:

    CV(RMSE) = 100 · sqrt(Σ (E_i − Ê_i)² / (n − p)) / Ē          [%]
    NMBE     = 100 · Σ (E_i − Ê_i) / ((n − p) · Ē)              [%]
    R²       = 1 − Σ (E_i − Ê_i)² / Σ (E_i − Ē)²                 [-]

and Guideline 14's criteria for monthly data are CV(RMSE) ≤ 15 % and |NMBE| ≤ 5 %
(:data:`GUIDELINE14_MONTHLY`; the clause numbers of the 2014 edition were not checked here).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar

from mgwsim.errors import DataError, InputError, check_number
from mgwsim.measured.bills import GasBills
from mgwsim.simyear import LOCAL_TIMEZONE
from mgwsim.weather import Weather

__all__ = ["BASE_GRID_STEP_K", "DEFAULT_BASE_RANGE_DEGC", "GUIDELINE14_MONTHLY", "ChangePointFit", "cv_rmse_pct",
           "daily_mean_temperature", "fit_change_point", "nmbe_pct", "r_squared"]

GUIDELINE14_MONTHLY = {"cv_rmse_pct": 15.0, "nmbe_pct": 5.0}
"""ASHRAE Guideline 14-2014 calibration criteria for monthly data: CV(RMSE) ≤ 15 %, |NMBE| ≤ 5 %."""

DEFAULT_BASE_RANGE_DEGC = (8.0, 22.0)
"""Search range of the base temperature [°C]: around the Belgian 15 and 16.5 °C degree-day bases."""

BASE_GRID_STEP_K = 0.1
"""Step of the base-temperature grid search [K] before the bounded refinement."""

MIN_DAY_COVERAGE_H = 23.0
"""Hours of weather a local day needs to have a daily mean (a DST spring day has 23)."""


# --------------------------------------------------------------------------- statistics


def _residual_stats(measured, predicted, n_parameters: int, owner: str):
    measured = np.asarray(measured, dtype=np.float64)
    predicted = np.asarray(predicted, dtype=np.float64)
    if measured.shape != predicted.shape or measured.ndim != 1:
        raise InputError(f"{owner}: measured and predicted must be 1-D of the same length, got "
                         f"{measured.shape} and {predicted.shape}")
    dof = measured.size - int(n_parameters)
    if dof <= 0:
        raise InputError(f"{owner}: {measured.size} values and {n_parameters} parameters leave no degree of freedom")
    mean = measured.mean()
    if mean <= 0:
        raise InputError(f"{owner}: the mean measured value is {mean:g}; the normalised statistics need a positive mean")
    return measured - predicted, dof, mean


def cv_rmse_pct(measured, predicted, n_parameters: int = 1) -> float:
    """Coefficient of variation of the RMSE [%], ASHRAE Guideline 14-2014.

    ``100 · sqrt(Σ (y_i − ŷ_i)² / (n − p)) / ȳ`` with y measured, ŷ predicted, p the number of
    model parameters.
    """
    residual, dof, mean = _residual_stats(measured, predicted, n_parameters, "cv_rmse_pct")
    return float(100.0 * np.sqrt(np.sum(residual**2) / dof) / mean)


def nmbe_pct(measured, predicted, n_parameters: int = 1) -> float:
    """Normalised mean bias error [%], ASHRAE Guideline 14-2014: ``100 · Σ (y_i − ŷ_i) / ((n − p) · ȳ)``."""
    residual, dof, mean = _residual_stats(measured, predicted, n_parameters, "nmbe_pct")
    return float(100.0 * residual.sum() / (dof * mean))


def r_squared(measured, predicted) -> float:
    """Coefficient of determination [-]: ``1 − Σ (y_i − ŷ_i)² / Σ (y_i − ȳ)²``."""
    residual, _, _ = _residual_stats(measured, predicted, 0, "r_squared")
    measured = np.asarray(measured, dtype=np.float64)
    total = np.sum((measured - measured.mean()) ** 2)
    if total == 0:
        raise InputError("r_squared: the measured values do not vary; R² is undefined")
    return float(1.0 - np.sum(residual**2) / total)


# --------------------------------------------------------------------------- weather of the periods


def daily_mean_temperature(weather) -> pd.Series:
    """Daily mean outdoor temperature [°C] per local calendar day.

    Parameters
    ----------
    weather : Weather, sequence of Weather, or pandas.Series
        Hourly or 15-minute weather (the mean of a day is the mean of its steps over the
        local Brussels day, whatever the index's time zone; a naive index is taken as local
        time); several Weathers (e.g. one per measured year) are joined and may
        not share a day; a Series is taken as daily means already (index: dates).

    Returns
    -------
    pandas.Series
        Index: local days (naive midnight timestamps); only days with at least
        :data:`MIN_DAY_COVERAGE_H` hours of data.
    """
    if isinstance(weather, pd.Series):
        return _checked_daily(weather, "daily temperature series")
    weathers = [weather] if isinstance(weather, Weather) else list(weather) if isinstance(weather, Sequence) else None
    if not weathers or not all(isinstance(w, Weather) for w in weathers):
        raise InputError(f"daily_mean_temperature.weather must be a Weather, a list of Weather or a daily Series, "
                         f"got {type(weather).__name__}")
    parts = [_daily_of(w) for w in weathers]
    daily = pd.concat(parts).sort_index()
    shared = daily.index.duplicated()
    if shared.any():
        raise DataError(f"daily_mean_temperature: two weather series both cover the day {daily.index[shared][0].date()}; "
                        "allowed: series that do not overlap")
    return daily


def _daily_of(weather: Weather) -> pd.Series:
    temperature = weather.data["temp_air_degc"]
    index = temperature.index
    local = index.tz_convert(LOCAL_TIMEZONE).tz_localize(None) if index.tz is not None else index
    days = local.normalize()
    grouped = temperature.groupby(days)
    covered_h = grouped.size() * weather.step_h
    daily = grouped.mean()[covered_h >= MIN_DAY_COVERAGE_H]
    daily.name = "temp_air_degc"
    return _checked_daily(daily, weather.source)


def _checked_daily(daily: pd.Series, source: str) -> pd.Series:
    if not isinstance(daily.index, pd.DatetimeIndex):
        raise DataError(f"{source}: daily temperatures need a DatetimeIndex of days, got {type(daily.index).__name__}")
    values = daily.to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values) | (values < -60) | (values > 60)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"{source}: column 'temp_air_degc' has an impossible daily mean on {daily.index[i].date()}: "
                        f"{values[i]!r}; allowed: finite, within [-60, 60] degC")
    index = (daily.index.tz_localize(None) if daily.index.tz is not None else daily.index).normalize()
    if index.duplicated().any():
        raise DataError(f"{source}: the day {index[index.duplicated()][0].date()} has two daily means; "
                        "allowed: one value per day")
    return pd.Series(values, index=index, name="temp_air_degc")


def _period_temperatures(bills: GasBills, daily: pd.Series) -> list[np.ndarray]:
    """Daily means of every day of every bill; raise at the first day without weather."""
    out = []
    for start, end in zip(bills.periods["start"], bills.periods["end"], strict=True):
        days = pd.date_range(start, end, freq="D")
        values = daily.reindex(days).to_numpy(dtype=np.float64)
        missing = np.isnan(values)
        if missing.any():
            raise DataError(
                f"{bills.source}: the period {start.date()}..{end.date()} has no (complete) weather for the day "
                f"{days[missing][0].date()} ({int(missing.sum())} day(s) missing); give weather that covers every billed day"
            )
        out.append(values)
    return out


# --------------------------------------------------------------------------- the fit


@dataclass(frozen=True)
class ChangePointFit:
    """A fitted three-parameter heating change-point model (see the module docstring).

    Attributes
    ----------
    base_degc, slope_kwh_per_k_day, baseload_kwh_per_day : float
        T_b [°C], s [kWh/(K·d)], b [kWh/d].
    base_se_k, slope_se_kwh_per_k_day, baseload_se_kwh_per_day : float
        Their standard errors (``base_se_k`` is 0 when the base was fixed).
    covariance : numpy.ndarray
        Covariance of (b, s, T_b) [(kWh/d)², (kWh/(K·d))², K²] (2×2 of (b, s) if the base was fixed).
    n_parameters : int
        3, or 2 with a fixed base.
    cv_rmse_pct, nmbe_pct, r_squared : float
        Guideline 14 statistics on the period energies.
    base_at_bound : bool
        The base ended on an end of the search range (no change point inside it).
    periods : pandas.DataFrame
        Per bill: ``start``, ``end``, ``days``, ``mean_temp_degc``, ``hdd_k_day`` (at T_b),
        ``measured_kwh``, ``predicted_kwh``, ``residual_kwh``.
    """

    base_degc: float
    slope_kwh_per_k_day: float
    baseload_kwh_per_day: float
    base_se_k: float
    slope_se_kwh_per_k_day: float
    baseload_se_kwh_per_day: float
    covariance: np.ndarray
    n_parameters: int
    cv_rmse_pct: float
    nmbe_pct: float
    r_squared: float
    base_at_bound: bool
    periods: pd.DataFrame

    @property
    def meets_guideline14(self) -> bool:
        """CV(RMSE) ≤ 15 % and |NMBE| ≤ 5 % (ASHRAE Guideline 14-2014, monthly data)."""
        return (self.cv_rmse_pct <= GUIDELINE14_MONTHLY["cv_rmse_pct"]
                and abs(self.nmbe_pct) <= GUIDELINE14_MONTHLY["nmbe_pct"])

    def predict_kwh(self, daily_temps_degc) -> float:
        """Gas use [kWh] the model predicts for a period with these daily mean temperatures [°C]."""
        temps = np.asarray(daily_temps_degc, dtype=np.float64)
        hdd = np.maximum(self.base_degc - temps, 0.0).sum()
        return float(self.baseload_kwh_per_day * temps.size + self.slope_kwh_per_k_day * hdd)

    def to_series(self) -> pd.Series:
        """The parameters, their standard errors and the fit statistics."""
        return pd.Series({
            "base_degc": self.base_degc, "base_se_k": self.base_se_k,
            "slope_kwh_per_k_day": self.slope_kwh_per_k_day, "slope_se_kwh_per_k_day": self.slope_se_kwh_per_k_day,
            "baseload_kwh_per_day": self.baseload_kwh_per_day,
            "baseload_se_kwh_per_day": self.baseload_se_kwh_per_day,
            "n_periods": len(self.periods), "n_parameters": self.n_parameters, "cv_rmse_pct": self.cv_rmse_pct,
            "nmbe_pct": self.nmbe_pct, "r_squared": self.r_squared, "meets_guideline14": self.meets_guideline14,
            "base_at_bound": self.base_at_bound,
        })


def fit_change_point(bills: GasBills, weather, *, base_range_degc=DEFAULT_BASE_RANGE_DEGC,
                     base_degc: float | None = None) -> ChangePointFit:
    """Fit the three-parameter heating change-point model to gas bills.

    Parameters
    ----------
    bills : GasBills
        Billing periods and their gas use (at least 4 periods with a free base, 3 with a fixed one).
    weather : Weather, sequence of Weather, or pandas.Series
        Outdoor temperature covering every billed day (see :func:`daily_mean_temperature`).
    base_range_degc : (float, float)
        Search range of the base temperature [°C].
    base_degc : float, optional
        Fix the base temperature [°C] (a two-parameter degree-day regression) instead of fitting it.

    Returns
    -------
    ChangePointFit

    Raises
    ------
    DataError
        A billed day without weather, or gas use that does not rise as it gets colder
        (no positive slope at any base temperature).
    InputError
        Too few periods, or a bad base range.
    """
    if not isinstance(bills, GasBills):
        raise InputError(f"fit_change_point.bills must be GasBills, got {type(bills).__name__}")
    temps = _period_temperatures(bills, daily_mean_temperature(weather))
    n_parameters = 2 if base_degc is not None else 3
    if bills.n_periods <= n_parameters:
        raise InputError(f"fit_change_point: {bills.n_periods} billing period(s) for {n_parameters} parameters; "
                         f"allowed: at least {n_parameters + 1} (Guideline 14 / IPMVP ask for a full year of bills)")
    problem = _Problem(bills.energy_kwh, bills.days.astype(np.float64), temps)
    if base_degc is not None:
        base = check_number(base_degc, "base_degc", owner="fit_change_point", low=-10, high=30, unit="degC")
        at_bound = False
    else:
        low, high = _base_range(base_range_degc)
        base = problem.best_base(low, high, bills.source)
        at_bound = min(base - low, high - base) < 1e-3
    return problem.result(base, fixed=base_degc is not None, at_bound=at_bound, periods=bills.periods)


def _base_range(base_range_degc) -> tuple[float, float]:
    low, high = (check_number(v, "base_range_degc", owner="fit_change_point", low=-10, high=30, unit="degC")
                 for v in base_range_degc)
    if high - low < BASE_GRID_STEP_K:
        raise InputError(f"fit_change_point.base_range_degc = {base_range_degc!r}: the range must be at least "
                         f"{BASE_GRID_STEP_K} K wide, low before high")
    return low, high


class _Problem:
    """Weighted least squares of y_i = E_i/n_i on x_i = HDD_i(T_b)/n_i with weights n_i."""

    def __init__(self, energy_kwh: np.ndarray, days: np.ndarray, temps: list[np.ndarray]):
        self.energy = energy_kwh
        self.days = days
        self.temps = temps
        self.y = energy_kwh / days

    def hdd(self, base: float) -> np.ndarray:
        return np.array([np.maximum(base - t, 0.0).sum() for t in self.temps])

    def cold_days(self, base: float) -> np.ndarray:
        return np.array([float((t < base).sum()) for t in self.temps])

    def line(self, base: float) -> tuple[float, float, float]:
        """(baseload, slope, weighted SSE) at this base; slope NaN if x does not vary."""
        x = self.hdd(base) / self.days
        w = self.days
        x_mean = np.sum(w * x) / w.sum()
        y_mean = np.sum(w * self.y) / w.sum()
        sxx = np.sum(w * (x - x_mean) ** 2)
        if sxx <= 1e-12 * max(1.0, x_mean**2):
            return y_mean, np.nan, np.inf
        slope = np.sum(w * (x - x_mean) * (self.y - y_mean)) / sxx
        baseload = y_mean - slope * x_mean
        return baseload, slope, float(np.sum(w * (self.y - baseload - slope * x) ** 2))

    def _objective(self, base: float) -> float:
        _, slope, sse = self.line(base)
        return sse if slope > 0 else np.inf

    def best_base(self, low: float, high: float, source: str) -> float:
        grid = np.linspace(low, high, int(round((high - low) / BASE_GRID_STEP_K)) + 1)
        sse = np.array([self._objective(b) for b in grid])
        if not np.isfinite(sse).any():
            raise DataError(f"{source}: gas use does not rise as it gets colder at any base temperature in "
                            f"[{low:g}, {high:g}] degC (no positive slope); a heating change-point model does not fit")
        i = int(np.argmin(sse))
        bracket = (grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)])
        refined = minimize_scalar(self._objective, bounds=bracket, method="bounded", options={"xatol": 1e-6})
        return float(refined.x) if refined.fun <= sse[i] else float(grid[i])

    def result(self, base: float, *, fixed: bool, at_bound: bool, periods: pd.DataFrame) -> ChangePointFit:
        baseload, slope, sse = self.line(base)
        n_parameters = 2 if fixed else 3
        covariance = self._covariance(base, slope, sse, n_parameters)
        se = np.sqrt(np.diag(covariance))
        hdd = self.hdd(base)
        predicted = baseload * self.days + slope * hdd
        table = periods[["start", "end", "days"]].copy()
        table["mean_temp_degc"] = [t.mean() for t in self.temps]
        table["hdd_k_day"] = hdd
        table["measured_kwh"] = self.energy
        table["predicted_kwh"] = predicted
        table["residual_kwh"] = self.energy - predicted
        return ChangePointFit(
            base_degc=float(base), slope_kwh_per_k_day=float(slope), baseload_kwh_per_day=float(baseload),
            base_se_k=0.0 if fixed else float(se[2]), slope_se_kwh_per_k_day=float(se[1]),
            baseload_se_kwh_per_day=float(se[0]), covariance=covariance, n_parameters=n_parameters,
            cv_rmse_pct=cv_rmse_pct(self.energy, predicted, n_parameters),
            nmbe_pct=nmbe_pct(self.energy, predicted, n_parameters),
            r_squared=r_squared(self.energy, predicted), base_at_bound=bool(at_bound), periods=table,
        )

    def _covariance(self, base: float, slope: float, sse: float, n_parameters: int) -> np.ndarray:
        """σ² (JᵀWJ)⁻¹ at the optimum (Seber & Wild 1989, §2.1)."""
        columns = [np.ones_like(self.days), self.hdd(base) / self.days]
        if n_parameters == 3:
            columns.append(slope * self.cold_days(base) / self.days)
        jacobian = np.column_stack(columns)
        information = jacobian.T @ (self.days[:, None] * jacobian)
        if np.linalg.matrix_rank(information) < n_parameters:
            raise DataError("fit_change_point: the parameters are not identifiable from these bills (no period has days "
                            "colder than the base, or all periods look alike); give bills over a full year")
        sigma2 = sse / (len(self.days) - n_parameters)
        return sigma2 * np.linalg.inv(information)
