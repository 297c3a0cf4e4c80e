"""Space-heating demand per hour (or 15 minutes): the 5R1C model of EN ISO 13790:2008 Annex C.

The heated volume is one zone with three temperature nodes (air θ_air, central surface
θ_s, mass θ_m), five conductances and one capacity. Each step the mass temperature is
stepped with the Crank-Nicolson scheme of Annex C.3; the heating power needed to hold the
setpoint follows from the linearity of the node equations (Annex C.4.2: the free-floating
temperature and the temperature at 10 W/m² are interpolated). The controlled temperature is
the operative temperature θ_op = 0.3·θ_air + 0.7·θ_s (eq. C.11), as comfort setpoints are
defined (EN 16798-1:2019; EN ISO 52016-1:2017 controls on the operative temperature too).
Controlling on θ_air instead under-estimates the need of leaky buildings, whose cold
surfaces then go uncompensated (up to −24 % against TABULA for BE.N.MFH.02, see
``mgwsim.building.validation``). A heating power limit makes the zone float below its
setpoint; those hours are reported as unmet.

Every flow the kernel computes is returned, so that the zone heat balance

    Φ_HC + Φ_int + Φ_sol = Q_tr,w + Q_tr,em + Q_ve + Q_gl,w + C_m·Δθ_m / Δt

can be checked every step outside the kernel. Q_gl,w is the share H_tr,w / (h_ms·A_t) of the
gains that Annex C (eq. C.3) does not give to any node: the part absorbed at the windows and
lost outward.

**Time step.** Annex C states the method for one hour: eq. (C.4) updates the mass node as

    θ_m,t = [θ_m,t−1 · (C_m/3600 − ½(H_tr,3 + H_tr,em)) + Φ_m,tot] / [C_m/3600 + ½(H_tr,3 + H_tr,em)],

which is the Crank-Nicolson (trapezoidal) integration over Δt = 3600 s of the one-capacity
node equation C_m dθ_m/dt = Φ_m,tot − (H_tr,3 + H_tr,em)·θ_m (Φ_m,tot holding the outdoor
and gain terms, eq. C.5; the air and surface nodes carry no capacity and are algebraic,
eq. C.9–C.11). The same derivation with any Δt gives the same formula with C_m/Δt; mgwsim
uses it for Δt = 900 s (15 minutes), ``_network(p, dt_s)``. The scheme is unconditionally
stable and second-order accurate in Δt, so a shorter step changes the free response only
by its (smaller) truncation error and leaves the steady state, H·ΔT, unchanged (both are
tested). Energies are returned per step [kWh per step] = mean power [kW] × Δt [h];
temperatures are step means.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mgwsim._numba import njit
from mgwsim.building.envelope import THERMAL_MASS_CLASSES, Building
from mgwsim.errors import InputError, check_number, check_series
from mgwsim.solar import facade_irradiance_kw_m2
from mgwsim.timestep import ALLOWED_STEPS_H, local_hours
from mgwsim.weather import Weather

H_IS_W_M2K = 3.45
"""Heat-transfer coefficient between air and surface node h_is [W/(m²·K)] (EN ISO 13790, 7.2.2.2)."""
LAMBDA_AT = 4.5
"""Ratio of internal surface area to floor area Λ_at [-] (EN ISO 13790, 7.2.2.2)."""
H_MS_W_M2K = 9.1
"""Heat-transfer coefficient between mass and surface node h_ms [W/(m²·K)] (EN ISO 13790, 12.2.2)."""
OPERATIVE_AIR_WEIGHT = 0.3
"""Weight of the air node in the operative temperature θ_op = 0.3·θ_air + 0.7·θ_s (EN ISO 13790, eq. C.11)."""
WARMUP_HOURS = 168
"""Hours simulated before the first step (taken from the end of the year) to start from a realistic mass temperature.

In hours whatever the step: at 15 minutes the kernel runs ``4 × warmup_hours`` steps."""

# Internal-gain shape over the local day, mean 1.0: occupied evenings and mornings, low at
# night and mid-day; after the residential occupancy schedule of EN 16798-1:2019 Annex C
# (apartment), rescaled so that the annual mean equals the building's internal_gains_w_m2.
_GAIN_SHAPE = np.array(
    [0.62, 0.62, 0.62, 0.62, 0.62, 0.62, 0.85, 1.15, 1.05, 0.85, 0.85, 0.85,
     0.95, 0.95, 0.85, 0.85, 1.0, 1.35, 1.6, 1.6, 1.5, 1.35, 1.1, 0.8]
)
_GAIN_SHAPE = _GAIN_SHAPE / _GAIN_SHAPE.mean()

OUTPUT_COLUMNS = (
    "space_heating_kwh", "theta_air_degc", "theta_surface_degc", "theta_mass_degc",
    "loss_windows_kwh", "loss_opaque_kwh", "loss_ventilation_kwh", "mass_storage_change_kwh",
    "internal_gains_kwh", "solar_gains_kwh", "setpoint_degc", "unmet_k", "gains_lost_windows_kwh",
)


@dataclass(frozen=True)
class ZoneParameters:
    """Conductances [W/K], capacity [J/K] and areas [m²] of the 5R1C network (EN ISO 13790, 7–12)."""

    h_ve_w_k: float
    h_tr_w_w_k: float
    h_tr_em_w_k: float
    h_tr_ms_w_k: float
    h_tr_is_w_k: float
    c_m_j_k: float
    a_m_m2: float
    a_t_m2: float
    floor_area_m2: float

    @classmethod
    def from_building(cls, building: Building) -> ZoneParameters:
        """Network parameters from the envelope (EN ISO 13790:2008, 7.2.2, 12.2.2, 12.3.1.1).

        The opaque transmission H_tr,op (incl. thermal bridges and b-factors) is split into
        H_tr,ms = h_ms·A_m and H_tr,em = 1 / (1/H_tr,op − 1/H_tr,ms) (eq. 63, 64).
        """
        area = building.heated_floor_area_m2
        am_ratio, cm_kj = THERMAL_MASS_CLASSES[building.thermal_mass]
        a_m = am_ratio * area
        h_tr_ms = H_MS_W_M2K * a_m
        h_op = building.h_opaque_w_k
        if h_op >= h_tr_ms:
            raise ValueError(f"Building({building.name}): opaque H = {h_op:.0f} W/K exceeds H_tr,ms = {h_tr_ms:.0f} W/K")
        return cls(
            h_ve_w_k=building.h_ventilation_w_k,
            h_tr_w_w_k=building.h_windows_w_k,
            h_tr_em_w_k=1.0 / (1.0 / h_op - 1.0 / h_tr_ms),
            h_tr_ms_w_k=h_tr_ms,
            h_tr_is_w_k=H_IS_W_M2K * LAMBDA_AT * area,
            c_m_j_k=cm_kj * 1000.0 * area,
            a_m_m2=a_m,
            a_t_m2=LAMBDA_AT * area,
            floor_area_m2=area,
        )

    def as_array(self) -> np.ndarray:
        """The parameters in the order the kernel reads them."""
        return np.array([self.h_ve_w_k, self.h_tr_w_w_k, self.h_tr_em_w_k, self.h_tr_ms_w_k, self.h_tr_is_w_k,
                         self.c_m_j_k, self.a_m_m2, self.a_t_m2, self.floor_area_m2])


@njit(inline=True)
def _network(p, dt_s):
    """Constants of the Crank-Nicolson step (EN ISO 13790 C.3, eq. C.4 with C_m/Δt, Δt = ``dt_s`` [s]) that do not change from step to step."""
    h_ve, h_tr_w, h_tr_em, h_tr_ms, h_tr_is, c_m = p[0], p[1], p[2], p[3], p[4], p[5]
    h_1 = 1.0 / (1.0 / h_ve + 1.0 / h_tr_is) if h_ve > 0.0 else 0.0
    h_2 = h_1 + h_tr_w
    h_3 = 1.0 / (1.0 / h_2 + 1.0 / h_tr_ms)
    cap = c_m / dt_s
    return (h_ve, h_tr_w, h_tr_em, h_tr_ms, h_tr_is, h_1, h_3 / h_2,
            cap - 0.5 * (h_3 + h_tr_em), 1.0 / (cap + 0.5 * (h_3 + h_tr_em)),
            1.0 / (h_tr_ms + h_tr_w + h_1), 1.0 / (h_tr_is + h_ve), 1.0 / h_ve if h_ve > 0.0 else 0.0)


@njit(inline=True)
def _air_temperature(theta_m_prev, theta_e, phi_ia, phi_st, phi_m, phi_hc, k):
    """One 5R1C step (EN ISO 13790 C.3, eq. C.1–C.11) with supply air at θ_e; ``k`` from :func:`_network`.

    Returns (θ_air, θ_s, θ_m mean over the step, θ_m at the end of the step).
    """
    h_ve, h_tr_w, h_tr_em, h_tr_ms, h_tr_is, h_1, h3_over_h2, keep, inv_den, inv_s, inv_air, inv_ve = k
    inflow = theta_e + (phi_ia + phi_hc) * inv_ve if h_ve > 0.0 else 0.0
    phi_mtot = phi_m + h_tr_em * theta_e + h3_over_h2 * (phi_st + h_tr_w * theta_e + h_1 * inflow)
    theta_m_end = (theta_m_prev * keep + phi_mtot) * inv_den
    theta_m = 0.5 * (theta_m_end + theta_m_prev)
    theta_s = (h_tr_ms * theta_m + phi_st + h_tr_w * theta_e + h_1 * inflow) * inv_s
    theta_air = (h_tr_is * theta_s + h_ve * theta_e + phi_ia + phi_hc) * inv_air
    return theta_air, theta_s, theta_m, theta_m_end


@njit(inline=True)
def _free_step(theta_e, phi_int, phi_sol, gain_to_surface, gain_to_mass, k):
    """(θ_air, θ_s, θ_m, θ_m,end, θ_op) of one step with θ_m,t−1 = 0 and no heating [°C].

    Internal gains split half to the air node (EN ISO 13790 C.2, eq. C.1), the other half
    and the solar gains to the surface and mass nodes by area (eq. C.2, C.3).
    """
    shared = 0.5 * phi_int + phi_sol
    air, surf, mass, mass_end = _air_temperature(0.0, theta_e, 0.5 * phi_int, gain_to_surface * shared,
                                                 gain_to_mass * shared, 0.0, k)
    return air, surf, mass, mass_end, OPERATIVE_AIR_WEIGHT * air + (1.0 - OPERATIVE_AIR_WEIGHT) * surf


@njit(inline=True)
def _heating_w(operative, setpoint, inv_k_op, limit_w):
    """Heating power [W] that lifts θ_op to the setpoint (``inv_k_op``: W per K of θ_op), at most ``limit_w``."""
    return min((setpoint - operative) * inv_k_op, limit_w) if operative < setpoint else 0.0


@njit
def _space_heating_kernel(theta_e, phi_int_w, phi_sol_w, setpoint_degc, params, heating_limit_w, warmup_hours, out,
                          dt_s=3600.0):
    """5R1C zone with ideal heating up to ``heating_limit_w`` (EN ISO 13790 C.4.2, operative control).

    The node temperatures are affine in the heating power Φ_HC and in the mass temperature
    at the start of the step θ_m,t−1 (eq. C.4–C.10 are linear), so each node is
    X = X_free + a_X·θ_m,t−1 + k_X·Φ_HC, with the responses a_X and k_X computed once and
    X_free (gains and outdoor terms, θ_m,t−1 = 0) computed off the step-to-step chain.
    Setting Φ_HC so that θ_op reaches the setpoint is the exact equivalent of the 10 W/m²
    interpolation of C.4.2. Fills ``out``
    (n_steps × 13, see ``OUTPUT_COLUMNS``): energies per step [kWh] = power [W] × ``dt_s``
    / 3.6e6, temperatures as step means [°C]. Inputs are step means [°C, W]. The step
    ``dt_s`` [s] defaults to 3600 (EN ISO 13790 Annex C's hour); any step works (see the
    module docstring). The warm-up covers ``warmup_hours`` hours, i.e.
    ``round(warmup_hours · 3600 / dt_s)`` steps, over the end of the year (periodic year),
    not recorded.
    """
    n = theta_e.size
    step_h = dt_s / 3600.0  # [kWh per step] = mean power [W] / 1000 × step_h (exactly 1.0 hourly)
    to_kwh = step_h / 1000.0
    warmup = int(warmup_hours * 3600.0 / dt_s + 0.5)  # rounded (warm-up >= 0)
    h_ve, h_tr_w, h_tr_em = params[0], params[1], params[2]
    c_m, a_m, a_t = params[5], params[6], params[7]
    net = _network(params, dt_s)
    # responses of (air, surface, mean mass, end mass) to 1 W of heating and to 1 K of θ_m,t−1
    k_air, k_s, k_m, k_end = _air_temperature(0.0, 0.0, 0.0, 0.0, 0.0, 1.0, net)
    a_air, a_s, a_m_mean, a_end = _air_temperature(1.0, 0.0, 0.0, 0.0, 0.0, 0.0, net)
    k_op = OPERATIVE_AIR_WEIGHT * k_air + (1.0 - OPERATIVE_AIR_WEIGHT) * k_s
    a_op = OPERATIVE_AIR_WEIGHT * a_air + (1.0 - OPERATIVE_AIR_WEIGHT) * a_s
    inv_k_op = 1.0 / k_op
    lost_frac = h_tr_w / (H_MS_W_M2K * a_t)
    gain_to_mass, gain_to_surface = a_m / a_t, 1.0 - a_m / a_t - lost_frac
    inv_dt_kw = c_m / dt_s * to_kwh
    theta_m_prev = setpoint_degc[(n - warmup) % n]
    for t in range(n - warmup, n):  # the warm-up runs over the end of the year (periodic year), not recorded
        _, _, _, mass_end, operative = _free_step(theta_e[t], phi_int_w[t], phi_sol_w[t], gain_to_surface,
                                                  gain_to_mass, net)
        phi_hc = _heating_w(operative + a_op * theta_m_prev, setpoint_degc[t], inv_k_op, heating_limit_w)
        theta_m_prev = mass_end + a_end * theta_m_prev + k_end * phi_hc
    for t in range(n):
        air, surf, mass, mass_end, operative = _free_step(theta_e[t], phi_int_w[t], phi_sol_w[t], gain_to_surface,
                                                          gain_to_mass, net)
        operative += a_op * theta_m_prev
        phi_hc = _heating_w(operative, setpoint_degc[t], inv_k_op, heating_limit_w)
        mass_end += a_end * theta_m_prev + k_end * phi_hc
        air += a_air * theta_m_prev + k_air * phi_hc
        surf += a_s * theta_m_prev + k_s * phi_hc
        mass += a_m_mean * theta_m_prev + k_m * phi_hc
        operative += k_op * phi_hc
        out[t, 0] = phi_hc * to_kwh
        out[t, 1] = air
        out[t, 2] = surf
        out[t, 3] = mass
        out[t, 4] = h_tr_w * (surf - theta_e[t]) * to_kwh
        out[t, 5] = h_tr_em * (mass - theta_e[t]) * to_kwh
        out[t, 6] = h_ve * (air - theta_e[t]) * to_kwh
        out[t, 7] = (mass_end - theta_m_prev) * inv_dt_kw
        out[t, 8] = phi_int_w[t] * to_kwh
        out[t, 9] = phi_sol_w[t] * to_kwh
        out[t, 10] = setpoint_degc[t]
        out[t, 11] = max(setpoint_degc[t] - operative, 0.0)
        out[t, 12] = lost_frac * (0.5 * phi_int_w[t] + phi_sol_w[t]) * to_kwh
        theta_m_prev = mass_end
    return out


def space_heating_from_arrays(
    theta_e_degc: np.ndarray,
    internal_gains_w: np.ndarray,
    solar_gains_w: np.ndarray,
    setpoint_degc: np.ndarray,
    params: ZoneParameters,
    *,
    heating_limit_kw: float = np.inf,
    warmup_hours: int = WARMUP_HOURS,
    step_h: float = 1.0,
) -> np.ndarray:
    """Run the kernel on prepared arrays (one value per step); returns the (n_steps × 13) output array.

    The arrays are validated here (length, finiteness); the kernel trusts them. ``step_h``
    is the step [h], 1.0 or 0.25; ``warmup_hours`` stays in hours. Energies out are kWh per
    step.
    """
    n = len(theta_e_degc)
    theta_e = check_series(theta_e_degc, "theta_e_degc", owner="space_heating", low=-60, high=60)
    phi_int = check_series(internal_gains_w, "internal_gains_w", owner="space_heating", length=n, low=0.0)
    phi_sol = check_series(solar_gains_w, "solar_gains_w", owner="space_heating", length=n, low=0.0)
    setpoint = check_series(setpoint_degc, "setpoint_degc", owner="space_heating", length=n, low=0.0, high=30.0)
    limit_w = np.inf if heating_limit_kw == np.inf else (
        check_number(heating_limit_kw, "heating_limit_kw", owner="space_heating", low=0.0) * 1000.0)
    if step_h not in ALLOWED_STEPS_H:
        raise InputError(f"space_heating.step_h = {step_h!r} h is not allowed; allowed: 1.0 (1 h) or 0.25 (15 min)")
    check_number(warmup_hours, "warmup_hours", owner="space_heating", low=0, high=n * step_h, unit="h")
    out = np.empty((n, len(OUTPUT_COLUMNS)))
    return _space_heating_kernel(theta_e, phi_int, phi_sol, setpoint, params.as_array(), limit_w, int(warmup_hours), out,
                                 3600.0 * step_h)


def setpoint_schedule(building: Building, index: pd.DatetimeIndex, timezone: str = "Europe/Brussels") -> np.ndarray:
    """Heating setpoint per step [°C] with the optional night set-back in local time (any step: by clock hour)."""
    setpoint = np.full(len(index), building.setpoint_degc)
    if building.setback_degc is None:
        return setpoint
    hours = local_hours(index, timezone)
    start, end = building.setback_hours
    night = (hours >= start) | (hours < end) if start > end else (hours >= start) & (hours < end)
    setpoint[night] = building.setback_degc
    return setpoint


def internal_gains_w(building: Building, index: pd.DatetimeIndex, timezone: str = "Europe/Brussels") -> np.ndarray:
    """Internal gains per step [W, step mean]: the building's mean φ_int spread over the day by ``_GAIN_SHAPE``.

    The shape is given per clock hour (EN 16798-1:2019 Annex C schedules are hourly); at 15
    minutes each quarter takes its hour's value, so the energy per hour is unchanged.
    """
    return building.internal_gains_w_m2 * building.heated_floor_area_m2 * _GAIN_SHAPE[local_hours(index, timezone)]


def solar_gains_w(building: Building, weather: Weather) -> np.ndarray:
    """Solar gains through the windows per step Φ_sol = Σ A_sol · I_sol [W, step mean] (EN ISO 13790, 11.3.2).

    Irradiance on each window plane comes from :func:`mgwsim.solar.plane_irradiance` (Perez),
    computed once per orientation and cached on the weather.
    """
    if not building.windows:
        return np.zeros(weather.n_hours)
    irradiance_kw_m2 = facade_irradiance_kw_m2(
        weather, [w.azimuth_deg for w in building.windows], [w.tilt_deg for w in building.windows]
    )
    apertures = np.array([w.solar_aperture_m2 for w in building.windows])
    return 1000.0 * apertures @ irradiance_kw_m2


def simulate_space_heating(
    building: Building,
    weather: Weather,
    *,
    heating_limit_kw: float = np.inf,
    extra_internal_gains_w: np.ndarray | None = None,
    timezone: str = "Europe/Brussels",
) -> pd.DataFrame:
    """Space-heating demand of ``building`` under ``weather`` per step (5R1C, EN ISO 13790 Annex C).

    Runs on the weather's step (1 h or 15 min; see the module docstring).

    Parameters
    ----------
    heating_limit_kw : float
        Maximum heating power [kW]; steps that need more float below the setpoint and
        show ``unmet_k`` > 0 (setpoint minus operative temperature [K]).
    extra_internal_gains_w : array, optional
        Additional gains per step [W, step mean], e.g. the usable share of hot-water
        circulation losses.

    Returns
    -------
    DataFrame indexed like the weather with the columns of ``OUTPUT_COLUMNS`` (energy per
    step [kWh], temperatures [°C], ``unmet_k`` = setpoint minus operative temperature [K]).
    """
    out = space_heating_array(building, weather, heating_limit_kw=heating_limit_kw,
                              extra_internal_gains_w=extra_internal_gains_w, timezone=timezone)
    return pd.DataFrame(out, index=weather.index, columns=list(OUTPUT_COLUMNS))


def space_heating_array(building: Building, weather: Weather, *, heating_limit_kw: float = np.inf,
                        extra_internal_gains_w: np.ndarray | None = None,
                        timezone: str = "Europe/Brussels") -> np.ndarray:
    """:func:`simulate_space_heating` as the (n_steps × 13) kernel array (columns ``OUTPUT_COLUMNS``), for batch runs."""
    index = weather.index
    gains = internal_gains_w(building, index, timezone)
    if extra_internal_gains_w is not None:
        gains = gains + check_series(extra_internal_gains_w, "extra_internal_gains_w", length=len(index), low=0.0)
    return space_heating_from_arrays(
        weather.temp_air_degc,
        gains,
        solar_gains_w(building, weather),
        setpoint_schedule(building, index, timezone),
        ZoneParameters.from_building(building),
        heating_limit_kw=heating_limit_kw,
        step_h=weather.step_h,
    )
