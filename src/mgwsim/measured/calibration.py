"""Calibration of the simulation's uncertain inputs to measured gas use per billing period.

The forward model is mgwsim's own: :func:`mgwsim.demand.simulate_demand` (the 5R1C zone and the
hot-water system) on the weather of the billed days, and a gas boiler of constant efficiency
η on the gross calorific value, as :class:`mgwsim.system.plant.Backup` defines it
(heat out / gas in, GCV). The gas of billing period i [kWh] is

    G_i(θ) = Σ_{steps in i} (Q_sh + Q_dhw,loss + Q_draw · V/V_0) / η

with Q_sh the space heating, Q_dhw,loss the circulation and storage losses, Q_draw the draws
simulated at V_0 litres per person and day [kWh per step] (the draw energy is proportional to
the volume drawn, so it is scaled rather than drawn again), V the calibrated litres per
person and day and η the boiler efficiency [-].

The parameters θ = (setpoint [°C], infiltration [1/h], U-value scale [-], litres per person
and day [l], boiler efficiency [-]) get Gaussian priors N(μ_j, τ_j²) and are found by
regularised (maximum a posteriori) least squares, :func:`scipy.optimize.least_squares` on

    r = [ (G_i(θ) − E_i) / σ_i ,  (θ_j − μ_j) / τ_j ]

(Tarantola 2005, *Inverse Problem Theory*, ch. 3, Gaussian prior and data: the posterior
mode minimises this sum of squares). σ_i = σ_d · √n_i is the standard deviation of the bill
of n_i days, with σ_d [kWh/d] the scatter of a day's gas use around the model: given, or
estimated, starting from the residual standard deviation of the change-point baseline of the
same bills (:func:`mgwsim.measured.baseline.fit_change_point`) and then from the calibrated
residuals (:meth:`_Posterior.residual_noise`). The posterior covariance is the Laplace (Gauss-Newton) approximation
(JᵀJ)⁻¹ with J the Jacobian of r at the optimum by central differences (Tarantola 2005, ch. 3;
Seber & Wild 1989, §2.1). A posterior standard deviation close to the prior's says the bills
do not inform that parameter: it is the prior that holds it. When σ_d is estimated from the
bills themselves (:func:`calibrate_to_bills` re-estimates it from the calibrated residuals),
:meth:`Calibration.intervals` uses Student-t quantiles with n − p_eff degrees of freedom.

What the bills can identify: monthly gas use is, to a good approximation, a baseload plus a
slope times the degree days below a base temperature (the change-point model). The slope is
H/η (H the heat-loss coefficient), the baseload V/η and the base temperature the setpoint less
gains/H. The U-value scale and the air change both act through H, and η divides everything:
from gas alone, only the setpoint and H/η, V/η are identified; the split of H between
transmission and air change and η itself come from their priors.

The fit statistics against the bills are those of ASHRAE Guideline 14-2014 (CV(RMSE) ≤ 15 %,
|NMBE| ≤ 5 % on monthly data, :data:`mgwsim.measured.baseline.GUIDELINE14_MONTHLY`), computed
with p = 1 as :func:`~mgwsim.measured.baseline.cv_rmse_pct` does by default (the p Guideline 14
prescribes for calibrated simulations was not checked here).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy.optimize import least_squares
from scipy.stats import norm
from scipy.stats import t as student_t

from mgwsim.building.dhw import DEFAULT_LITRES_PER_PERSON_DAY
from mgwsim.building.envelope import Building
from mgwsim.demand import simulate_demand
from mgwsim.errors import DataError, InputError, check_number
from mgwsim.measured.baseline import GUIDELINE14_MONTHLY, cv_rmse_pct, fit_change_point, nmbe_pct, r_squared
from mgwsim.measured.bills import GasBills
from mgwsim.simyear import LOCAL_TIMEZONE
from mgwsim.weather import Weather

__all__ = ["DEFAULT_PRIORS", "PARAMETERS", "Calibration", "Prior", "calibrate_to_bills", "scaled_u_values",
           "simulated_daily_gas_kwh"]

PARAMETERS = ("setpoint_degc", "infiltration_per_h", "u_scale", "litres_per_person_day", "boiler_efficiency")
"""The calibrated inputs, in this order."""

U_SCALE_RANGE = (0.3, 3.0)
"""Range searched for the U-value scale [-] (further narrowed so every U stays valid)."""

NOISE_ITERATIONS = 3
"""Re-estimations of σ_d from the calibrated residuals (when it is not given)."""

NOISE_FLOOR_FRAC = 0.005
"""Lowest σ_d as a fraction of the mean daily gas use [-] (a bill is read to about 1 m³ of some
hundreds: a perfect fit must not give infinite confidence)."""

DIFF_STEP = 1e-3
"""Central-difference step of the Jacobian, in prior standard deviations."""


@dataclass(frozen=True)
class Prior:
    """Gaussian prior N(mean, sd²) of one parameter, searched within [low, high].

    Parameters
    ----------
    mean, sd : float
        Prior mean and standard deviation (units of the parameter; sd > 0).
    low, high : float
        Bounds of the search (the parameter's valid range).
    """

    mean: float
    sd: float
    low: float
    high: float

    def __post_init__(self):
        check_number(self.sd, "sd", owner="Prior", low=0.0, low_inclusive=False)
        check_number(self.mean, "mean", owner="Prior", low=self.low, high=self.high)


DEFAULT_PRIORS = {
    "setpoint_degc": Prior(20.0, 1.5, 14.0, 26.0),
    "infiltration_per_h": Prior(0.4, 0.2, 0.0, 3.0),
    "u_scale": Prior(1.0, 0.2, *U_SCALE_RANGE),
    "litres_per_person_day": Prior(DEFAULT_LITRES_PER_PERSON_DAY, 12.0, 5.0, 150.0),
    "boiler_efficiency": Prior(0.85, 0.05, 0.5, 1.1),
}
"""Default priors. The means are mgwsim's defaults: setpoint 20 °C (the building's own value is
used), TABULA's infiltration of 0.4 1/h (the building's own value is used), the typology's
U-values (scale 1), 40 l at 60 °C per person and day
(:data:`mgwsim.building.dhw.DEFAULT_LITRES_PER_PERSON_DAY`; German statistics 30-48) and a
boiler efficiency of 0.85 on GCV (between a condensing boiler in radiator service, 0.88-0.92,
and an old non-condensing one, about 0.80, :class:`mgwsim.system.plant.Backup`). The standard
deviations (1.5 K, 0.2 1/h, 20 %, 12 l, 0.05) are judgements of how far an undocumented building
strays from these defaults, not measured spreads: give your own with ``priors=`` when you know
more (an inspection, a blower-door test, the boiler's nameplate)."""


def scaled_u_values(building: Building, scale: float) -> Building:
    """The building with every U-value and the thermal-bridge surcharge ΔU_tb multiplied by ``scale``.

    H_T = Σ b·U·A + ΔU_tb·A_env (EN ISO 13789:2017) scales by the same factor.
    """
    elements = tuple(replace(e, u_w_m2k=e.u_w_m2k * scale) for e in building.elements)
    windows = tuple(replace(w, u_w_m2k=w.u_w_m2k * scale) for w in building.windows)
    return building.with_changes(elements=elements, windows=windows,
                                 thermal_bridge_w_m2k=building.thermal_bridge_w_m2k * scale)


def _u_scale_bounds(building: Building) -> tuple[float, float]:
    """Scales that keep every U-value within its valid range (elements 0.01-6, windows 0.5-6, ΔU_tb ≤ 0.5)."""
    u_e = [e.u_w_m2k for e in building.elements]
    u_w = [w.u_w_m2k for w in building.windows]
    low = max([0.01 / min(u_e)] + ([0.5 / min(u_w)] if u_w else []))
    high = min([6.0 / max(u_e)] + ([6.0 / max(u_w)] if u_w else [])
               + ([0.5 / building.thermal_bridge_w_m2k] if building.thermal_bridge_w_m2k > 0 else []))
    return low * (1 + 1e-9), high * (1 - 1e-9)


def building_with(building: Building, setpoint_degc: float, infiltration_per_h: float, u_scale: float) -> Building:
    """The building with a new setpoint (a night set-back moves with it), infiltration and U-value scale."""
    shift = setpoint_degc - building.setpoint_degc
    setback = None if building.setback_degc is None else max(5.0, building.setback_degc + shift)
    changed = building.with_changes(setpoint_degc=setpoint_degc, setback_degc=setback,
                                    infiltration_per_h=infiltration_per_h)
    return scaled_u_values(changed, u_scale)


# --------------------------------------------------------------------------- the forward model


def _weathers(weather) -> list[Weather]:
    weathers = [weather] if isinstance(weather, Weather) else list(weather) if isinstance(weather, Sequence) else []
    if not weathers or not all(isinstance(w, Weather) for w in weathers):
        raise InputError(f"calibrate_to_bills.weather must be a Weather or a list of Weather (e.g. one per billed "
                         f"year), got {type(weather).__name__}")
    return weathers


def _local_days(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    return index.tz_convert(LOCAL_TIMEZONE).tz_localize(None).normalize()


def simulated_daily_gas_kwh(building: Building, weather, *, litres_per_person_day: float,
                            boiler_efficiency: float, occupants_per_apartment: float = 2.0,
                            seed: int = 0) -> pd.Series:
    """Gas use per local day [kWh GCV]: ``(space heating + hot water) / η`` of :func:`simulate_demand`.

    Parameters
    ----------
    weather : Weather or list of Weather
        Each simulated on its own (the zone starts from its initial state in each); they may
        not share a day. Only whole local days are kept.
    litres_per_person_day : float
        Hot water at 60 °C per person and day [l].
    boiler_efficiency : float
        η: heat out / gas in on the gross calorific value [-] (:class:`mgwsim.system.plant.Backup`).
    """
    check_number(boiler_efficiency, "boiler_efficiency", owner="simulated_daily_gas_kwh", low=0.5, high=1.1)
    model = _GasModel(building, _weathers(weather), occupants_per_apartment, seed)
    return model.daily_gas(setpoint_degc=building.setpoint_degc, infiltration_per_h=building.infiltration_per_h,
                           u_scale=1.0, litres_per_person_day=litres_per_person_day,
                           boiler_efficiency=boiler_efficiency)


class _GasModel:
    """The gas of the building per local day as a function of the five parameters.

    Hot water is simulated once per weather at V_0 = the default litres; its draw energy is
    scaled linearly with V (the draw energy is volume × c_p × ΔT).
    """

    def __init__(self, building: Building, weathers: list[Weather], occupants: float, seed: int):
        self.building = building
        self.weathers = weathers
        self.occupants = occupants
        self.seed = seed
        self.litres_0 = DEFAULT_LITRES_PER_PERSON_DAY
        self._dhw = [self._hot_water(w) for w in weathers]
        self._cache: dict[tuple, list[np.ndarray]] = {}

    def _hot_water(self, weather: Weather) -> tuple[np.ndarray, np.ndarray]:
        """(draws, circulation and storage losses) [kWh per step] at V_0."""
        h = simulate_demand(self.building, weather, occupants_per_apartment=self.occupants, seed=self.seed,
                            litres_per_person_day=self.litres_0).hourly
        return h["dhw_draw_kwh"].to_numpy(), (h["dhw_kwh"] - h["dhw_draw_kwh"]).to_numpy()

    def _space_heating(self, setpoint: float, infiltration: float, u_scale: float) -> list[np.ndarray]:
        """Space heating [kWh per step] per weather (cached: η and V do not change it)."""
        key = (setpoint, infiltration, u_scale)
        if key not in self._cache:
            building = building_with(self.building, setpoint, infiltration, u_scale)
            self._cache[key] = [simulate_demand(building, w, occupants_per_apartment=self.occupants, seed=self.seed,
                                                litres_per_person_day=self.litres_0).hourly["space_heating_kwh"]
                                .to_numpy() for w in self.weathers]
            if len(self._cache) > 64:
                self._cache.pop(next(iter(self._cache)))
        return self._cache[key]

    def daily_gas(self, *, setpoint_degc, infiltration_per_h, u_scale, litres_per_person_day,
                  boiler_efficiency) -> pd.Series:
        parts = []
        space = self._space_heating(setpoint_degc, infiltration_per_h, u_scale)
        for weather, sh, (draw, losses) in zip(self.weathers, space, self._dhw, strict=True):
            gas = (sh + losses + draw * (litres_per_person_day / self.litres_0)) / boiler_efficiency
            parts.append(_whole_days(pd.Series(gas, index=weather.index), weather.step_h))
        daily = pd.concat(parts).sort_index()
        if daily.index.duplicated().any():
            raise DataError(f"calibrate_to_bills: two weather series both cover the day "
                            f"{daily.index[daily.index.duplicated()][0].date()}; allowed: series that do not overlap")
        return daily


def _whole_days(per_step: pd.Series, step_h: float) -> pd.Series:
    """Sum per local day, keeping days with at least 23 h of steps (a DST spring day has 23)."""
    days = _local_days(per_step.index)
    grouped = per_step.groupby(days)
    return grouped.sum()[grouped.size() * step_h >= 23.0]


def period_sums(daily: pd.Series, bills: GasBills) -> np.ndarray:
    """Sum of ``daily`` over each bill's days; raise at the first billed day the series lacks."""
    out = np.empty(bills.n_periods)
    for i, (start, end) in enumerate(zip(bills.periods["start"], bills.periods["end"], strict=True)):
        days = pd.date_range(start, end, freq="D")
        values = daily.reindex(days).to_numpy(dtype=np.float64)
        if np.isnan(values).any():
            raise DataError(f"{bills.source}: the period {start.date()}..{end.date()} has no simulated day "
                            f"{days[np.isnan(values)][0].date()}; give weather that covers every billed day")
        out[i] = values.sum()
    return out


# --------------------------------------------------------------------------- the fit


@dataclass(frozen=True)
class Calibration:
    """Calibrated inputs of a building, their uncertainty and the fit to the bills.

    Attributes
    ----------
    building : Building
        The building with the calibrated setpoint, infiltration and U-values.
    litres_per_person_day, boiler_efficiency : float
        Calibrated hot water [l/(person·d)] and boiler efficiency η [-, GCV].
    parameters : pandas.DataFrame
        Per parameter (index :data:`PARAMETERS`): ``prior_mean``, ``prior_sd``, ``estimate``,
        ``sd`` (posterior), ``sd_ratio`` (posterior / prior sd: near 1 means the bills do not
        inform it), ``at_bound``.
    correlation : pandas.DataFrame
        Posterior correlation of the parameters [-].
    periods : pandas.DataFrame
        Per bill: ``start``, ``end``, ``days``, ``measured_kwh``, ``simulated_kwh``, ``residual_kwh``.
    noise_kwh_per_day : float
        σ_d, the day-scale standard deviation of gas use the fit assumed [kWh/d].
    cv_rmse_pct, nmbe_pct, r_squared : float
        Guideline 14 statistics of the calibrated simulation against the bills.
    chi2_per_period : float
        Σ((G_i − E_i)/σ_i)² / n: about 1 when σ_d describes the residuals.
    occupants_per_apartment : float
        Occupants the simulation assumed (hot water scales with occupants × litres).
    dof : float or None
        n − p_eff, the degrees of freedom of the estimated σ_d; None when σ_d was given.
    """

    building: Building
    litres_per_person_day: float
    boiler_efficiency: float
    parameters: pd.DataFrame
    correlation: pd.DataFrame
    periods: pd.DataFrame
    noise_kwh_per_day: float
    cv_rmse_pct: float
    nmbe_pct: float
    r_squared: float
    chi2_per_period: float
    occupants_per_apartment: float
    seed: int = 0
    dof: float | None = None

    def intervals(self, level: float = 0.95) -> pd.DataFrame:
        """Two-sided intervals of the parameters: estimate ± q · sd.

        q is the Student-t quantile with :attr:`dof` degrees of freedom when σ_d was estimated
        from the bills (the t-intervals of non-linear least squares, Seber & Wild 1989, ch. 5;
        section not checked), the normal quantile when σ_d was given.
        """
        check_number(level, "level", owner="Calibration.intervals", low=0.5, high=0.999)
        tail = 0.5 + level / 2.0
        q = float(student_t.ppf(tail, self.dof) if self.dof is not None else norm.ppf(tail))
        p = self.parameters
        return pd.DataFrame({"low": p["estimate"] - q * p["sd"], "high": p["estimate"] + q * p["sd"]})

    @property
    def meets_guideline14(self) -> bool:
        """CV(RMSE) ≤ 15 % and |NMBE| ≤ 5 % (ASHRAE Guideline 14-2014, monthly data)."""
        return (self.cv_rmse_pct <= GUIDELINE14_MONTHLY["cv_rmse_pct"]
                and abs(self.nmbe_pct) <= GUIDELINE14_MONTHLY["nmbe_pct"])

    @property
    def study_occupants_per_apartment(self) -> float:
        """Occupants per apartment that give the calibrated hot-water volume at the default litres per person.

        :class:`mgwsim.study.StudyInputs` draws hot water for ``occupants_per_apartment``
        persons at :data:`~mgwsim.building.dhw.DEFAULT_LITRES_PER_PERSON_DAY`; the volume drawn
        is occupants × litres, so this carries the calibrated volume into a study.
        """
        return self.occupants_per_apartment * self.litres_per_person_day / DEFAULT_LITRES_PER_PERSON_DAY

    def daily_gas_kwh(self, weather) -> pd.Series:
        """Gas use per local day [kWh GCV] of the calibrated building on other weather (the IPMVP
        adjusted baseline of a reporting period)."""
        return simulated_daily_gas_kwh(self.building, weather, litres_per_person_day=self.litres_per_person_day,
                                       boiler_efficiency=self.boiler_efficiency,
                                       occupants_per_apartment=self.occupants_per_apartment, seed=self.seed)

    def summary(self) -> pd.Series:
        """Estimates, standard deviations and the fit statistics in one Series."""
        values = {}
        for name, row in self.parameters.iterrows():
            values[name] = row["estimate"]
            values[f"{name}_sd"] = row["sd"]
        values.update(noise_kwh_per_day=self.noise_kwh_per_day, n_periods=len(self.periods),
                      cv_rmse_pct=self.cv_rmse_pct, nmbe_pct=self.nmbe_pct, r_squared=self.r_squared,
                      chi2_per_period=self.chi2_per_period, meets_guideline14=self.meets_guideline14)
        return pd.Series(values, name=self.building.name)


def _priors(building: Building, priors: Mapping | None) -> dict[str, Prior]:
    chosen = dict(DEFAULT_PRIORS)
    chosen["setpoint_degc"] = replace(chosen["setpoint_degc"], mean=building.setpoint_degc)
    chosen["infiltration_per_h"] = replace(chosen["infiltration_per_h"], mean=building.infiltration_per_h)
    for name, prior in (priors or {}).items():
        if name not in PARAMETERS:
            raise InputError(f"calibrate_to_bills.priors has an unknown parameter {name!r}; allowed: "
                             f"{', '.join(PARAMETERS)}")
        if not isinstance(prior, Prior):
            raise InputError(f"calibrate_to_bills.priors[{name!r}] must be a Prior, got {type(prior).__name__}")
        chosen[name] = prior
    low, high = _u_scale_bounds(building)
    u = chosen["u_scale"]
    chosen["u_scale"] = Prior(u.mean, u.sd, max(u.low, low), min(u.high, high))
    return chosen


def _noise(bills: GasBills, weather, noise_kwh_per_day) -> float:
    """σ_d [kWh/d]: given, or the residual standard deviation of the change-point baseline."""
    if noise_kwh_per_day is not None:
        return check_number(noise_kwh_per_day, "noise_kwh_per_day", owner="calibrate_to_bills", low=0.0,
                            low_inclusive=False, unit="kWh/d")
    fit = fit_change_point(bills, weather)
    residual = fit.periods["residual_kwh"].to_numpy()
    return float(np.sqrt(np.sum(residual**2 / bills.days) / (bills.n_periods - fit.n_parameters)))


def calibrate_to_bills(building: Building, bills: GasBills, weather, *, priors: Mapping | None = None,
                       noise_kwh_per_day: float | None = None, occupants_per_apartment: float = 2.0,
                       seed: int = 0) -> Calibration:
    """Calibrate setpoint, infiltration, U-value scale, hot water and boiler efficiency to gas bills.

    Regularised least squares with Gaussian priors and a Laplace posterior (module docstring).

    Parameters
    ----------
    building : Building
        The building as described (the typology's or the auditor's values); its setpoint and
        infiltration are the prior means unless ``priors`` says otherwise.
    bills : GasBills
        Measured gas use per billing period [kWh GCV] (at least 12 months for Guideline 14).
    weather : Weather or list of Weather
        The measured weather of the billed period (one Weather per year is fine); every billed
        day must be simulated.
    priors : dict of str to Prior, optional
        Replaces :data:`DEFAULT_PRIORS` per parameter.
    noise_kwh_per_day : float, optional
        σ_d [kWh/d], the day-scale scatter of gas use around the model; by default estimated
        (from the change-point fit of the same bills, then from the calibrated residuals) and
        the intervals use Student-t quantiles (:meth:`Calibration.intervals`).
    occupants_per_apartment, seed
        Hot-water draws of :func:`mgwsim.demand.simulate_demand`.

    Returns
    -------
    Calibration
    """
    if not isinstance(building, Building):
        raise InputError(f"calibrate_to_bills.building must be a Building, got {type(building).__name__}")
    if not isinstance(bills, GasBills):
        raise InputError(f"calibrate_to_bills.bills must be GasBills, got {type(bills).__name__}")
    chosen = _priors(building, priors)
    model = _GasModel(building, _weathers(weather), occupants_per_apartment, seed)
    problem = _Posterior(model, bills, [chosen[name] for name in PARAMETERS])
    noise = _noise(bills, weather, noise_kwh_per_day)
    z = problem.solve(noise)
    if noise_kwh_per_day is None:
        z, noise = _estimate_noise(problem, z, noise)
    return problem.result(z, noise, building, occupants_per_apartment, seed)


def _estimate_noise(problem: _Posterior, z: np.ndarray, noise: float) -> tuple[np.ndarray, float]:
    """Re-estimate σ_d from the calibrated residuals and refit, until it changes by less than 5 %."""
    for _ in range(NOISE_ITERATIONS):
        updated = problem.residual_noise(z, noise)
        if abs(updated / noise - 1.0) < 0.05:
            return z, updated
        noise = updated
        z = problem.solve(noise, start=z)
    return z, noise


class _Posterior:
    """The whitened residuals r(z) in prior units z_j = (θ_j − μ_j)/τ_j."""

    def __init__(self, model: _GasModel, bills: GasBills, priors: list[Prior]):
        self.model, self.bills = model, bills
        self.dof: float | None = None
        self.sigma = np.sqrt(bills.days.astype(np.float64))
        self.mean = np.array([p.mean for p in priors])
        self.sd = np.array([p.sd for p in priors])
        self.low = (np.array([p.low for p in priors]) - self.mean) / self.sd
        self.high = (np.array([p.high for p in priors]) - self.mean) / self.sd

    def theta(self, z: np.ndarray) -> dict:
        return dict(zip(PARAMETERS, (self.mean + self.sd * z).tolist(), strict=True))

    def simulated(self, z: np.ndarray) -> np.ndarray:
        return period_sums(self.model.daily_gas(**self.theta(z)), self.bills)

    def residuals(self, z: np.ndarray) -> np.ndarray:
        data = (self.simulated(z) - self.bills.energy_kwh) / self.sigma
        return np.concatenate([data, z])

    def solve(self, noise_kwh_per_day: float, start: np.ndarray | None = None) -> np.ndarray:
        self.sigma = noise_kwh_per_day * np.sqrt(self.bills.days.astype(np.float64))
        start = np.clip(np.zeros(self.mean.size) if start is None else start, self.low, self.high)
        fit = least_squares(self.residuals, start, bounds=(self.low, self.high), diff_step=DIFF_STEP,
                            x_scale=1.0, method="trf")
        return fit.x

    def jacobian(self, z: np.ndarray) -> np.ndarray:
        """Central differences of r at z (one-sided at a bound) [per prior sd]."""
        columns = []
        for j in range(z.size):
            up, down = z.copy(), z.copy()
            up[j] = min(z[j] + DIFF_STEP, self.high[j])
            down[j] = max(z[j] - DIFF_STEP, self.low[j])
            columns.append((self.residuals(up) - self.residuals(down)) / (up[j] - down[j]))
        return np.column_stack(columns)

    def residual_noise(self, z: np.ndarray, noise_kwh_per_day: float) -> float:
        """σ_d [kWh/d] from the residuals: σ_d² = Σ (r_i² / n_i) / (n − p_eff).

        p_eff = tr(J_d (JᵀJ)⁻¹ J_dᵀ) is the effective number of parameters of regularised least
        squares (Hastie, Tibshirani & Friedman 2009, *Elements of Statistical Learning*, §3.4.1
        and §7.6), J_d the data rows of the Jacobian; floored at :data:`NOISE_FLOOR_FRAC` of the
        mean daily use.
        """
        self.sigma = noise_kwh_per_day * np.sqrt(self.bills.days.astype(np.float64))
        jac = self.jacobian(z)
        n = self.bills.n_periods
        data = jac[:n]
        p_eff = float(np.trace(data @ np.linalg.inv(jac.T @ jac) @ data.T))
        self.dof = max(n - p_eff, 1.0)
        residual = self.simulated(z) - self.bills.energy_kwh
        sigma2 = np.sum(residual**2 / self.bills.days) / self.dof
        floor = NOISE_FLOOR_FRAC * self.bills.energy_kwh.sum() / self.bills.days.sum()
        return float(max(np.sqrt(sigma2), floor))

    def result(self, z: np.ndarray, noise_kwh_per_day: float, building: Building, occupants: float,
               seed: int) -> Calibration:
        self.sigma = noise_kwh_per_day * np.sqrt(self.bills.days.astype(np.float64))
        jac = self.jacobian(z)
        cov_z = np.linalg.inv(jac.T @ jac)
        sd = self.sd * np.sqrt(np.diag(cov_z))
        theta = self.theta(z)
        at_bound = (z <= self.low + 1e-6) | (z >= self.high - 1e-6)
        parameters = pd.DataFrame({"prior_mean": self.mean, "prior_sd": self.sd, "estimate": list(theta.values()),
                                   "sd": sd, "sd_ratio": sd / self.sd, "at_bound": at_bound}, index=list(PARAMETERS))
        d = np.sqrt(np.diag(cov_z))
        correlation = pd.DataFrame(cov_z / np.outer(d, d), index=list(PARAMETERS), columns=list(PARAMETERS))
        simulated = self.simulated(z)
        measured = self.bills.energy_kwh
        periods = self.bills.periods[["start", "end", "days"]].copy()
        periods["measured_kwh"], periods["simulated_kwh"] = measured, simulated
        periods["residual_kwh"] = measured - simulated
        calibrated = building_with(building, theta["setpoint_degc"], theta["infiltration_per_h"], theta["u_scale"])
        return Calibration(
            building=calibrated, litres_per_person_day=theta["litres_per_person_day"],
            boiler_efficiency=theta["boiler_efficiency"], parameters=parameters, correlation=correlation,
            periods=periods, noise_kwh_per_day=float(noise_kwh_per_day),
            cv_rmse_pct=cv_rmse_pct(measured, simulated), nmbe_pct=nmbe_pct(measured, simulated),
            r_squared=r_squared(measured, simulated),
            chi2_per_period=float(np.mean(((simulated - measured) / self.sigma) ** 2)),
            occupants_per_apartment=occupants, seed=seed, dof=self.dof)
