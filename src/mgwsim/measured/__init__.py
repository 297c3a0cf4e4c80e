"""Measured data of a building: gas bills, meter exports, monitoring, and the measured baseline.

Readers (:mod:`mgwsim.measured.bills`, :mod:`mgwsim.measured.meters`) validate a file where it
enters and raise :class:`~mgwsim.errors.DataError` naming the file, the column and the first bad
timestamp or value. :func:`fit_change_point` fits the ASHRAE Guideline 14 / IPMVP option C
change-point baseline of gas use on outdoor temperature (:mod:`mgwsim.measured.baseline`);
:func:`calibrate_to_bills` calibrates the simulation's uncertain inputs to the bills
(:mod:`mgwsim.measured.calibration`); :func:`performance_gap` and :func:`avoided_energy`
compare the plant after the works with its simulation and the baseline
(:mod:`mgwsim.measured.monitoring`); :func:`normalised_savings` states the savings on a normal
year with ASHRAE Guideline 14's uncertainty (:mod:`mgwsim.measured.savings`);
:func:`monitoring_plan` lists what to meter after the works (:mod:`mgwsim.measured.plan`).
"""

from mgwsim.measured.baseline import (
    GUIDELINE14_MONTHLY,
    ChangePointFit,
    cv_rmse_pct,
    daily_mean_temperature,
    fit_change_point,
    nmbe_pct,
    r_squared,
)
from mgwsim.measured.bills import GasBills, gas_energy_kwh, read_gas_bills
from mgwsim.measured.calibration import (
    DEFAULT_PRIORS,
    Calibration,
    Prior,
    calibrate_to_bills,
    scaled_u_values,
    simulated_daily_gas_kwh,
)
from mgwsim.measured.meters import (
    MeterSeries,
    read_fluvius_quarter_hours,
    read_heat_meter,
    read_heatpump_monitoring,
)
from mgwsim.measured.monitoring import (
    SPF_BOUNDARIES,
    adjusted_baseline_kwh,
    avoided_energy,
    monthly_comparison,
    performance_gap,
    sepemo_spf,
    simulated_monitoring,
)
from mgwsim.measured.plan import MonitoringPlanRow, monitoring_plan, monitoring_plan_frame
from mgwsim.measured.savings import (
    NormalisedSavings,
    fractional_savings_uncertainty,
    model_uncertainty_kwh,
    monthly_use,
    normalised_savings,
    reporting_use,
    weighted_bills,
)

__all__ = [
    "DEFAULT_PRIORS", "GUIDELINE14_MONTHLY", "SPF_BOUNDARIES", "Calibration", "ChangePointFit", "GasBills",
    "MeterSeries", "Prior", "adjusted_baseline_kwh", "avoided_energy", "calibrate_to_bills", "cv_rmse_pct",
    "daily_mean_temperature", "fit_change_point", "gas_energy_kwh", "nmbe_pct", "performance_gap", "r_squared",
    "read_fluvius_quarter_hours", "read_gas_bills", "read_heat_meter", "read_heatpump_monitoring", "scaled_u_values",
    "sepemo_spf", "simulated_daily_gas_kwh", "simulated_monitoring",
    "MonitoringPlanRow", "NormalisedSavings", "fractional_savings_uncertainty", "model_uncertainty_kwh",
    "monitoring_plan", "monitoring_plan_frame", "monthly_comparison", "monthly_use", "normalised_savings", "reporting_use", "weighted_bills",
]
