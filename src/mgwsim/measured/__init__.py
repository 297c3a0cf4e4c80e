"""Measured data of a building: gas bills, meter exports, monitoring, and the measured baseline.

Readers (:mod:`mgwsim.measured.bills`, :mod:`mgwsim.measured.meters`) validate a file where it
enters and raise :class:`~mgwsim.errors.DataError` naming the file, the column and the first bad
timestamp or value. :func:`fit_change_point` fits the ASHRAE Guideline 14 / IPMVP option C
change-point baseline of gas use on outdoor temperature (:mod:`mgwsim.measured.baseline`).
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
from mgwsim.measured.meters import (
    MeterSeries,
    read_fluvius_quarter_hours,
    read_heat_meter,
    read_heatpump_monitoring,
)

__all__ = [
    "GUIDELINE14_MONTHLY", "ChangePointFit", "GasBills", "MeterSeries", "cv_rmse_pct", "daily_mean_temperature",
    "fit_change_point", "gas_energy_kwh", "nmbe_pct", "r_squared", "read_fluvius_quarter_hours", "read_gas_bills",
    "read_heat_meter", "read_heatpump_monitoring",
]
