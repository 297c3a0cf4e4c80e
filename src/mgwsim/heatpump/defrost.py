"""Defrost penalty of air-source heat pumps as multiplicative factors on capacity and COP.

Model: the frost adjustment factors of DOE-2 as documented in the EnergyPlus Engineering
Reference (US DOE, "Single-Speed Electric Heat Pump DX Air Heating Coil", section
"Frost adjustment factors", reverse-cycle defrost), which act below a maximum outdoor
temperature for defrost (5 °C there and here):

* coil surface temperature ``T_coil = 0.82 T_out - 8.589`` [°C];
* humidity excess ``dW = max(1e-6, W_out - W_sat(T_coil))`` [kg/kg], ``W_sat`` over ice;
* capacity multiplier ``0.909 - 107.33 dW``.

Simplifications here: frosting only where the outdoor air can deposit frost on the coil
(``W_out > W_sat(T_coil)``, otherwise factors 1), and the COP multiplier equals the
capacity multiplier: the electric input is taken as unchanged while frost and defrost
reduce the delivered heat. DOE-2 also lowers the input power (``0.90 - 36.45 dW``), which
would give COP multipliers slightly above 1 at low ``dW``; keeping the input unchanged is
the conservative reading.

The penalty is largest at high humidity between about -5 and +5 °C (the "frosting
zone" of Zhu et al. 2015, Int. J. Refrig. 54, 45-54); mgwsim fades it out linearly over
3–7 °C instead of DOE-2's abrupt 5 °C limit. The correlation was developed for
residential DX air-to-air units; for air/water units mgwsim applies a quarter of its penalty
by default (``severity``; see :func:`defrost_factors` for the evidence). Use it only with maps that exclude defrost
(``PerformanceMap.includes_defrost is False``: cycle and Carnot maps); EN 14511 points at
2 °C and below already integrate defrost.

When the weather has no relative humidity, the default 85 % is the mean relative
humidity of the Uccle TMYx 2007-2021 year for the 1,802 hours below 5 °C (84.6 %).
"""

from __future__ import annotations

import numpy as np

from mgwsim.errors import InputError, check_number

__all__ = ["DEFAULT_RH_PCT", "DEFAULT_SEVERITY", "defrost_factors", "humidity_ratio"]

DEFAULT_RH_PCT = 85.0
"""Relative humidity used when the weather has none [%] (Uccle TMYx, hours below 5 °C)."""

_P_STD_HPA = 1013.25


def _p_sat_hpa(t_degc, over_ice):
    """Saturation vapour pressure [hPa], Magnus form (Alduchov & Eskridge 1996, J. Appl. Meteor. 35, 601)."""
    water = 6.1094 * np.exp(17.625 * t_degc / (t_degc + 243.04))
    ice = 6.1121 * np.exp(22.587 * t_degc / (t_degc + 273.86))
    return np.where(over_ice & (t_degc < 0.0), ice, water)


def humidity_ratio(t_degc, rh_pct, pressure_hpa=_P_STD_HPA, *, over_ice: bool = False):
    """Humidity ratio ``0.622 p_v / (p - p_v)`` [kg water / kg dry air] (ASHRAE Fundamentals ch. 1)."""
    t = np.asarray(t_degc, dtype=float)
    p_v = np.asarray(rh_pct, dtype=float) / 100.0 * _p_sat_hpa(t, np.asarray(over_ice))
    return 0.622 * p_v / (np.asarray(pressure_hpa, dtype=float) - p_v)


DEFAULT_SEVERITY = 0.25
"""Share of the DOE-2 penalty applied to air/water units [-] (see :func:`defrost_factors`)."""


def defrost_factors(t_out_degc, rh_pct=None, pressure_hpa=_P_STD_HPA, *, t_max_defrost_degc: float = 5.0,
                    fade_k: float = 2.0, severity: float = DEFAULT_SEVERITY):
    """Capacity and COP multipliers [-] for frosting and reverse-cycle defrost.

    Parameters
    ----------
    t_out_degc : array_like
        Outdoor air dry-bulb temperature [°C].
    rh_pct : array_like, optional
        Relative humidity [%] in [0, 100]; default :data:`DEFAULT_RH_PCT`.
    pressure_hpa : array_like
        Air pressure [hPa] (default 1013.25).
    t_max_defrost_degc : float
        Centre of the frosting limit [°C] (default 5, as DOE-2/EnergyPlus).
    fade_k : float
        Half-width [K] of a linear fade of the penalty around ``t_max_defrost_degc``: full
        DOE-2 penalty below ``t_max − fade_k``, none above ``t_max + fade_k``. DOE-2 cuts off
        abruptly, which makes the hourly COP jump by up to a third at exactly 5 °C; the fade
        (an mgwsim assumption, 0 restores the cut-off) spreads the same limit over a few
        kelvin, as frosting thins out gradually (Zhu et al. 2015).
    severity : float
        Share of the DOE-2 penalty applied [-] (default 0.25; 1 = DOE-2 as published). DOE-2
        was fitted to residential air-to-air coils and takes 26 % of the capacity at 2 °C and
        85 % RH. EN 14511 A2/W35 points of air/water units integrate defrost; set against a
        Carnot-efficiency interpolation of the same unit's A7 and A−10 points they imply a
        few per cent (Ochsner GMLW 19 plus, ``data/heatpump``: about 2 %). The default 0.25
        (6.5 % at A2/(1) °C wet bulb, 3.5 % at A−7/(−8)) was chosen together with the air
        cycle's ``eta_el`` (:data:`~mgwsim.heatpump.cycle.DEFAULT_ETA_EL`) against EN 14825
        declarations: for each severity 0-1 the ``eta_el`` fitted on hplib's Keymark models,
        then the severity with the lowest error on five real declarations (Airwell Wellea A
        18-30 kW, Viessmann Vitocal 200); 0-0.35 are equivalent within their noise, 0.5 and
        above are worse (``docs/validation.md``, ``tools/default_route_errors.py``). Replace it
        by product data where available.

    Returns
    -------
    capacity_factor, cop_factor : ndarray
        1 above ``t_max_defrost_degc + fade_k`` and where no frost forms; otherwise the
        DOE-2 capacity multiplier, faded near the limit (the COP factor equals it, see the
        module docstring).

    Raises
    ------
    InputError
        non-finite temperatures, or humidity outside [0, 100] %.
    """
    t = np.asarray(t_out_degc, dtype=float)
    rh = np.full_like(t, DEFAULT_RH_PCT) if rh_pct is None else np.asarray(rh_pct, dtype=float)
    if not np.all(np.isfinite(t)):
        raise InputError("defrost_factors.t_out_degc has non-finite values")
    if not np.all((rh >= 0.0) & (rh <= 100.0)):
        raise InputError(f"defrost_factors.rh_pct must lie in [0, 100] %, got min {np.min(rh)!r}, "
                         f"max {np.max(rh)!r}")
    check_number(t_max_defrost_degc, "t_max_defrost_degc", owner="defrost_factors", low=-10.0, high=15.0)
    check_number(fade_k, "fade_k", owner="defrost_factors", low=0.0, high=5.0, unit="K")
    check_number(severity, "severity", owner="defrost_factors", low=0.0, high=1.0)
    t_coil = 0.82 * t - 8.589
    w_out = humidity_ratio(t, rh, pressure_hpa)
    w_coil = humidity_ratio(t_coil, 100.0, pressure_hpa, over_ice=True)
    dw = np.maximum(1e-6, w_out - w_coil)
    cap = 0.909 - 107.33 * dw
    if fade_k > 0:
        weight = np.clip((t_max_defrost_degc + fade_k - t) / (2.0 * fade_k), 0.0, 1.0)
    else:
        weight = (t < t_max_defrost_degc).astype(float)
    factor = np.where(w_out > w_coil, 1.0 - severity * weight * (1.0 - cap), 1.0)
    return factor, factor.copy()
