"""Space-heating demand per hour (or 15 minutes): the 5R1C model of EN ISO 13790:2008 Annex C.

The heated volume is one zone with three temperature nodes (air θ_air, central surface
θ_s, mass θ_m), five conductances and one capacity. Each step the mass temperature is
stepped with the Crank-Nicolson scheme of Annex C.3; the heating power needed to hold the
setpoint follows from the linearity of the node equations (Annex C.4.2: the free-floating
temperature and the temperature at 10 W/m² are interpolated); above a cooling setpoint, when
given, the same relation gives the ideal sensible cooling. By default the controlled
temperature is the operative temperature θ_op = 0.3·θ_air + 0.7·θ_s (eq. C.11), as comfort
setpoints are defined (EN 16798-1:2019; EN ISO 52016-1:2017 controls on the operative
temperature too); ``Building(control="air")`` controls θ_air instead (ASHRAE Standard 140).
Controlling on θ_air instead under-estimates the need of leaky buildings, whose cold
surfaces then go uncompensated (up to −24 % against TABULA for BE.N.MFH.02, see
``mgwsim.building.validation``). A heating power limit makes the zone float below its
setpoint; those hours are reported as unmet.

Every flow the kernel computes is returned, so that the zone heat balance

    Φ_H − Φ_C + Φ_int + Φ_sol = Q_tr,w + Q_tr,em + Q_ve + Q_gl,w + C_m·Δθ_m / Δt

can be checked every step outside the kernel. Φ_sol is EN ISO 13790's (11.3.2) sum over all
elements: solar through the windows, solar absorbed by opaque elements (11.3.4) and, with a
minus sign, their long-wave radiation to the sky (11.3.5), so it can be negative at night. Q_gl,w is the share H_tr,w / (h_ms·A_t) of the
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
from mgwsim.building.envelope import (  # noqa: F401  (H_IS_W_M2K, LAMBDA_AT re-exported)
    H_IS_W_M2K, H_MS_W_M2K, LAMBDA_AT, R_SE_M2K_W, SKY_TEMPERATURE_DIFFERENCE_K, Building, sky_view_factor,
)
from mgwsim.errors import InputError, check_number, check_series
from mgwsim.solar import facade_irradiance_kw_m2, plane_irradiance
from mgwsim.timestep import ALLOWED_STEPS_H, local_hours
from mgwsim.weather import Weather

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
    "space_cooling_kwh",
)


@dataclass(frozen=True)
class ZoneParameters:
    """Conductances [W/K], capacity [J/K] and areas [m²] of the 5R1C network (EN ISO 13790, 7–12).

    Besides the network, the kernel reads how it is driven: ``control_air_weight`` is the
    weight of θ_air in the controlled temperature (0.3: operative, eq. C.11; 1.0: air),
    ``convective_fraction`` the share of the internal gains put on the air node (eq. C.1:
    0.5) and ``h_ms_w_m2k`` the h_ms of eq. (C.2, C.3)'s window share H_tr,w / (h_ms·A_t).
    """

    h_ve_w_k: float
    h_tr_w_w_k: float
    h_tr_em_w_k: float
    h_tr_ms_w_k: float
    h_tr_is_w_k: float
    c_m_j_k: float
    a_m_m2: float
    a_t_m2: float
    floor_area_m2: float
    control_air_weight: float = OPERATIVE_AIR_WEIGHT
    convective_fraction: float = 0.5
    h_ms_w_m2k: float = H_MS_W_M2K

    @classmethod
    def from_building(cls, building: Building) -> ZoneParameters:
        """Network parameters from the envelope (EN ISO 13790:2008, 7.2.2, 12.2.2, 12.3.1.1).

        The opaque transmission H_tr,op (incl. thermal bridges and b-factors) is split into
        H_tr,ms = h_ms·A_m and H_tr,em = 1 / (1/H_tr,op − 1/H_tr,ms) (eq. 63, 64);
        H_tr,is = h_is·Λ_at·A_f (eq. 9). A_m and C_m come from the building's explicit
        inputs or its mass class (Table 12), the coefficients from the building (defaults
        3.45, 4.5, 9.1 W/(m²·K)).
        """
        area = building.heated_floor_area_m2
        am_ratio, cm_kj = building.mass_parameters
        a_m = am_ratio * area
        h_tr_ms = building.h_ms_w_m2k * a_m
        h_op = building.h_opaque_w_k
        if h_op >= h_tr_ms:
            raise InputError(f"Building({building.name}): opaque H = {h_op:.0f} W/K exceeds H_tr,ms = h_ms·A_m = "
                             f"{h_tr_ms:.0f} W/K; raise the mass area or h_ms")
        return cls(
            h_ve_w_k=building.h_ventilation_w_k,
            h_tr_w_w_k=building.h_windows_w_k,
            h_tr_em_w_k=1.0 / (1.0 / h_op - 1.0 / h_tr_ms),
            h_tr_ms_w_k=h_tr_ms,
            h_tr_is_w_k=building.h_is_w_m2k * building.lambda_at * area,
            c_m_j_k=cm_kj * 1000.0 * area,
            a_m_m2=a_m,
            a_t_m2=building.lambda_at * area,
            floor_area_m2=area,
            control_air_weight=1.0 if building.control == "air" else OPERATIVE_AIR_WEIGHT,
            convective_fraction=building.convective_gain_fraction,
            h_ms_w_m2k=building.h_ms_w_m2k,
        )

    def as_array(self) -> np.ndarray:
        """The parameters in the order the kernel reads them (indices 0–8 the network, 9–11 the driving)."""
        return np.array([self.h_ve_w_k, self.h_tr_w_w_k, self.h_tr_em_w_k, self.h_tr_ms_w_k, self.h_tr_is_w_k,
                         self.c_m_j_k, self.a_m_m2, self.a_t_m2, self.floor_area_m2, self.control_air_weight,
                         self.convective_fraction, self.h_ms_w_m2k])


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
    air, surf, mass, mass_end = _free_step_split(theta_e, phi_int, phi_sol, 0.5, gain_to_surface, gain_to_mass, k)
    return air, surf, mass, mass_end, OPERATIVE_AIR_WEIGHT * air + (1.0 - OPERATIVE_AIR_WEIGHT) * surf


@njit(inline=True)
def _free_step_split(theta_e, phi_int, phi_sol, convective, gain_to_surface, gain_to_mass, k):
    """(θ_air, θ_s, θ_m, θ_m,end) of one step with θ_m,t−1 = 0 and no heating [°C].

    The share ``convective`` of the internal gains goes to the air node (EN ISO 13790 C.2,
    eq. C.1 with 0.5), the rest and the solar gains to the surface and mass nodes by area
    (eq. C.2, C.3).
    """
    shared = (1.0 - convective) * phi_int + phi_sol
    return _air_temperature(0.0, theta_e, convective * phi_int, gain_to_surface * shared, gain_to_mass * shared,
                            0.0, k)


@njit(inline=True)
def _heating_cooling_w(controlled, heating_sp, cooling_sp, inv_k, limit_w):
    """Ideal power [W] that holds the controlled temperature between the setpoints: > 0 heats (at most ``limit_w``), < 0 cools."""
    if controlled < heating_sp:
        return min((heating_sp - controlled) * inv_k, limit_w)
    if controlled > cooling_sp:
        return (cooling_sp - controlled) * inv_k
    return 0.0


@njit
def _space_heating_kernel(theta_e, phi_int_w, phi_sol_w, setpoint_degc, params, heating_limit_w, warmup_hours, out,
                          dt_s=3600.0):
    """:func:`_zone_kernel` without cooling (the cooling setpoint at +inf)."""
    return _zone_kernel(theta_e, phi_int_w, phi_sol_w, setpoint_degc, np.full(theta_e.size, np.inf), params,
                        heating_limit_w, warmup_hours, out, dt_s)


@njit
def _zone_kernel(theta_e, phi_int_w, phi_sol_w, setpoint_degc, cooling_setpoint_degc, params, heating_limit_w,
                 warmup_hours, out, dt_s=3600.0):
    """5R1C zone with ideal heating up to ``heating_limit_w`` and ideal cooling (EN ISO 13790 C.4.2).

    The node temperatures are affine in the heating power Φ_HC and in the mass temperature
    at the start of the step θ_m,t−1 (eq. C.4–C.10 are linear), so each node is
    X = X_free + a_X·θ_m,t−1 + k_X·Φ_HC, with the responses a_X and k_X computed once and
    X_free (gains and outdoor terms, θ_m,t−1 = 0) computed off the step-to-step chain.
    Setting Φ_HC so that the controlled temperature w·θ_air + (1 − w)·θ_s (w =
    ``params[9]``: 0.3 operative, 1 air) reaches the heating setpoint (or, above the
    cooling setpoint, comes down to it) is the exact equivalent of the 10 W/m²
    interpolation of C.4.2. Fills ``out``
    (n_steps × 14, see ``OUTPUT_COLUMNS``; an n × 13 buffer is filled without the cooling
    column): energies per step [kWh] = power [W] × ``dt_s``
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
    w_air, convective, h_ms = params[9], params[10], params[11]
    net = _network(params, dt_s)
    # responses of (air, surface, mean mass, end mass) to 1 W of heating and to 1 K of θ_m,t−1
    k_air, k_s, k_m, k_end = _air_temperature(0.0, 0.0, 0.0, 0.0, 0.0, 1.0, net)
    a_air, a_s, a_m_mean, a_end = _air_temperature(1.0, 0.0, 0.0, 0.0, 0.0, 0.0, net)
    k_op = w_air * k_air + (1.0 - w_air) * k_s
    a_op = w_air * a_air + (1.0 - w_air) * a_s
    inv_k_op = 1.0 / k_op
    lost_frac = h_tr_w / (h_ms * a_t)
    gain_to_mass, gain_to_surface = a_m / a_t, 1.0 - a_m / a_t - lost_frac
    inv_dt_kw = c_m / dt_s * to_kwh
    record_cooling = out.shape[1] > 13  # an (n × 13) buffer of the former layout gets no cooling column
    theta_m_prev = setpoint_degc[(n - warmup) % n]
    for t in range(n - warmup, n):  # the warm-up runs over the end of the year (periodic year), not recorded
        air, surf, _, mass_end = _free_step_split(theta_e[t], phi_int_w[t], phi_sol_w[t], convective,
                                                  gain_to_surface, gain_to_mass, net)
        controlled = w_air * air + (1.0 - w_air) * surf + a_op * theta_m_prev
        phi_hc = _heating_cooling_w(controlled, setpoint_degc[t], cooling_setpoint_degc[t], inv_k_op,
                                    heating_limit_w)
        theta_m_prev = mass_end + a_end * theta_m_prev + k_end * phi_hc
    for t in range(n):
        air, surf, mass, mass_end = _free_step_split(theta_e[t], phi_int_w[t], phi_sol_w[t], convective,
                                                     gain_to_surface, gain_to_mass, net)
        controlled = w_air * air + (1.0 - w_air) * surf + a_op * theta_m_prev
        phi_hc = _heating_cooling_w(controlled, setpoint_degc[t], cooling_setpoint_degc[t], inv_k_op,
                                    heating_limit_w)
        mass_end += a_end * theta_m_prev + k_end * phi_hc
        air += a_air * theta_m_prev + k_air * phi_hc
        surf += a_s * theta_m_prev + k_s * phi_hc
        mass += a_m_mean * theta_m_prev + k_m * phi_hc
        controlled += k_op * phi_hc
        out[t, 0] = max(phi_hc, 0.0) * to_kwh
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
        out[t, 11] = max(setpoint_degc[t] - controlled, 0.0)
        out[t, 12] = lost_frac * ((1.0 - convective) * phi_int_w[t] + phi_sol_w[t]) * to_kwh
        if record_cooling:
            out[t, 13] = max(-phi_hc, 0.0) * to_kwh
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
    cooling_setpoint_degc: np.ndarray | None = None,
) -> np.ndarray:
    """Run the kernel on prepared arrays (one value per step); returns the (n_steps × 14) output array.

    The arrays are validated here (length, finiteness); the kernel trusts them. ``step_h``
    is the step [h], 1.0 or 0.25; ``warmup_hours`` stays in hours. Energies out are kWh per
    step. ``solar_gains_w`` is Φ_sol of EN ISO 13790 11.3.2, the sum over windows and opaque
    elements, and may be negative at night (radiation to the sky, 11.3.5).
    ``cooling_setpoint_degc`` (per step, at least the heating setpoint) switches on ideal
    cooling; None for none.
    """
    n = len(theta_e_degc)
    theta_e = check_series(theta_e_degc, "theta_e_degc", owner="space_heating", low=-60, high=60)
    phi_int = check_series(internal_gains_w, "internal_gains_w", owner="space_heating", length=n, low=0.0)
    phi_sol = check_series(solar_gains_w, "solar_gains_w", owner="space_heating", length=n)
    setpoint = check_series(setpoint_degc, "setpoint_degc", owner="space_heating", length=n, low=-100.0, high=30.0)
    cooling = _cooling_setpoints(cooling_setpoint_degc, setpoint)
    limit_w = np.inf if heating_limit_kw == np.inf else (
        check_number(heating_limit_kw, "heating_limit_kw", owner="space_heating", low=0.0) * 1000.0)
    if step_h not in ALLOWED_STEPS_H:
        raise InputError(f"space_heating.step_h = {step_h!r} h is not allowed; allowed: 1.0 (1 h) or 0.25 (15 min)")
    check_number(warmup_hours, "warmup_hours", owner="space_heating", low=0, high=n * step_h, unit="h")
    out = np.empty((n, len(OUTPUT_COLUMNS)))
    return _zone_kernel(theta_e, phi_int, phi_sol, setpoint, cooling, params.as_array(), limit_w, int(warmup_hours),
                        out, 3600.0 * step_h)


def _cooling_setpoints(cooling_setpoint_degc, heating_setpoint: np.ndarray) -> np.ndarray:
    """The cooling setpoints per step [°C] (+inf where there is no cooling), checked against the heating ones."""
    if cooling_setpoint_degc is None:
        return np.full(heating_setpoint.size, np.inf)
    cooling = check_series(cooling_setpoint_degc, "cooling_setpoint_degc", owner="space_heating",
                           length=heating_setpoint.size, low=0.0, high=100.0)
    below = cooling < heating_setpoint
    if below.any():
        i = int(np.flatnonzero(below)[0])
        raise InputError(f"space_heating.cooling_setpoint_degc[{i}] = {cooling[i]!r} is below the heating setpoint "
                         f"{heating_setpoint[i]!r}; a cooling setpoint must be at least the heating one")
    return cooling


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


def cooling_setpoint_schedule(building: Building, index: pd.DatetimeIndex) -> np.ndarray | None:
    """Cooling setpoint per step [°C] (the building's constant one), or None when it has no cooling."""
    if building.cooling_setpoint_degc is None:
        return None
    return np.full(len(index), building.cooling_setpoint_degc)


def solar_gains_w(building: Building, weather: Weather) -> np.ndarray:
    """Φ_sol of EN ISO 13790 11.3.2 per step [W, step mean]: windows + opaque elements − radiation to the sky.

    The sum of :func:`window_solar_gains_w` and :func:`opaque_solar_gains_w` (eq. 43, 44:
    every element k gives F_sh·A_sol,k·I_sol,k − F_r,k·Φ_r,k). Without solar absorptances
    and window emissivities (the defaults) this is the windows' transmitted solar only.
    """
    return window_solar_gains_w(building, weather) + opaque_solar_gains_w(building, weather)


def window_solar_gains_w(building: Building, weather: Weather) -> np.ndarray:
    """Solar gains through the windows per step Φ_sol = Σ A_sol · I_sol [W, step mean] (EN ISO 13790, 11.3.2).

    Irradiance on each window plane comes from :func:`mgwsim.solar.plane_irradiance` (Perez),
    computed once per orientation and cached on the weather. A window with
    ``angular_coefficients`` weights the beam by g(θ)/g_n at its angle of incidence and the
    diffuse by the hemispherical mean (see :class:`~mgwsim.building.envelope.Window`);
    otherwise A_sol uses EN ISO 13790's F_w = 0.9. A window with an ``emissivity`` also
    radiates to the sky, − F_r·h_r·Δθ_er·R_se·U_w·A_w (11.3.5, eq. 46, with h_r = 5ε
    W/(m²·K) and Δθ_er = 11 K, 11.4.6).
    """
    if not building.windows:
        return np.zeros(weather.n_hours)
    plain = [w for w in building.windows if w.angular_coefficients is None]
    gains = np.zeros(weather.n_hours)
    if plain:
        irradiance_kw_m2 = facade_irradiance_kw_m2(weather, [w.azimuth_deg for w in plain], [w.tilt_deg for w in plain])
        gains += 1000.0 * np.array([w.solar_aperture_m2 for w in plain]) @ irradiance_kw_m2
    for window in building.windows:
        if window.angular_coefficients is not None:
            poa = plane_irradiance(weather, window.tilt_deg, window.azimuth_deg)
            transmitted = (poa["poa_direct_w_m2"].to_numpy() * window.angular_factor(poa["aoi_deg"].to_numpy())
                           + poa["poa_diffuse_w_m2"].to_numpy() * window.diffuse_angular_factor)
            gains += window.glazing_aperture_m2 * transmitted
        if window.emissivity is not None:
            gains -= _sky_loss_w(window.tilt_deg, window.emissivity, window.h_w_k)
    return gains


def opaque_solar_gains_w(building: Building, weather: Weather) -> np.ndarray:
    """Solar absorbed by the opaque elements minus their radiation to the sky [W, step mean].

    EN ISO 13790:2008 11.3.4 (eq. 45): Φ_sol,k = α_S,c·R_se·U_c·A_c·I_sol,k, the share of the
    absorbed solar that the element conducts inward, with R_se = 0.04 m²·K/W; and 11.3.5
    (eq. 46): Φ_r,k = R_se·U_c·A_c·h_r·Δθ_er, weighted by the form factor to the sky F_r
    ((1 + cos β)/2: 1 for a flat roof, 0.5 for a wall), h_r = 5ε W/(m²·K), Δθ_er = 11 K
    (11.4.6). Only elements with a ``solar_absorptance`` take part. Irradiance per plane
    from :func:`mgwsim.solar.plane_irradiance` (Perez), cached on the weather.
    """
    gains = np.zeros(weather.n_hours)
    for element in building.elements:
        if element.solar_absorptance is None:
            continue
        h_w_k = element.u_w_m2k * element.area_m2
        poa = plane_irradiance(weather, element.surface_tilt_deg, element.surface_azimuth_deg)
        gains += element.solar_absorptance * R_SE_M2K_W * h_w_k * poa["poa_global_w_m2"].to_numpy()
        gains -= _sky_loss_w(element.surface_tilt_deg, element.emissivity, h_w_k)
    return gains


def _sky_loss_w(tilt_deg: float, emissivity: float, h_w_k: float) -> float:
    """F_r·Φ_r = F_r·R_se·U·A·h_r·Δθ_er [W] with h_r = 5ε W/(m²·K) (EN ISO 13790:2008, eq. 46 and 11.4.6)."""
    return sky_view_factor(tilt_deg) * R_SE_M2K_W * h_w_k * 5.0 * emissivity * SKY_TEMPERATURE_DIFFERENCE_K


def simulate_space_heating(
    building: Building,
    weather: Weather,
    *,
    heating_limit_kw: float = np.inf,
    extra_internal_gains_w: np.ndarray | None = None,
    timezone: str = "Europe/Brussels",
    internal_gains_schedule_w: np.ndarray | None = None,
    heating_setpoint_schedule_degc: np.ndarray | None = None,
    cooling_setpoint_schedule_degc: np.ndarray | None = None,
) -> pd.DataFrame:
    """Space-heating (and cooling) demand of ``building`` under ``weather`` per step (5R1C, EN ISO 13790 Annex C).

    Runs on the weather's step (1 h or 15 min; see the module docstring).

    Parameters
    ----------
    heating_limit_kw : float
        Maximum heating power [kW]; steps that need more float below the setpoint and
        show ``unmet_k`` > 0 (setpoint minus controlled temperature [K]).
    extra_internal_gains_w : array, optional
        Additional gains per step [W, step mean], e.g. the usable share of hot-water
        circulation losses.
    internal_gains_schedule_w : array, optional
        Internal gains per step [W, step mean] instead of the building's daily profile
        (:func:`internal_gains_w`).
    heating_setpoint_schedule_degc, cooling_setpoint_schedule_degc : array, optional
        Setpoints per step [°C] instead of the building's (:func:`setpoint_schedule`, its
        constant ``cooling_setpoint_degc``), e.g. set-back or occupancy schedules.

    Returns
    -------
    DataFrame indexed like the weather with the columns of ``OUTPUT_COLUMNS`` (energy per
    step [kWh], temperatures [°C], ``unmet_k`` = setpoint minus controlled temperature [K],
    ``space_cooling_kwh`` the sensible heat extracted).
    """
    out = space_heating_array(building, weather, heating_limit_kw=heating_limit_kw,
                              extra_internal_gains_w=extra_internal_gains_w, timezone=timezone,
                              internal_gains_schedule_w=internal_gains_schedule_w,
                              heating_setpoint_schedule_degc=heating_setpoint_schedule_degc,
                              cooling_setpoint_schedule_degc=cooling_setpoint_schedule_degc)
    return pd.DataFrame(out, index=weather.index, columns=list(OUTPUT_COLUMNS))


def space_heating_array(building: Building, weather: Weather, *, heating_limit_kw: float = np.inf,
                        extra_internal_gains_w: np.ndarray | None = None,
                        timezone: str = "Europe/Brussels",
                        internal_gains_schedule_w: np.ndarray | None = None,
                        heating_setpoint_schedule_degc: np.ndarray | None = None,
                        cooling_setpoint_schedule_degc: np.ndarray | None = None) -> np.ndarray:
    """:func:`simulate_space_heating` as the (n_steps × 14) kernel array (columns ``OUTPUT_COLUMNS``), for batch runs."""
    index = weather.index
    n = len(index)
    gains = (internal_gains_w(building, index, timezone) if internal_gains_schedule_w is None else
             check_series(internal_gains_schedule_w, "internal_gains_schedule_w", length=n, low=0.0))
    if extra_internal_gains_w is not None:
        gains = gains + check_series(extra_internal_gains_w, "extra_internal_gains_w", length=n, low=0.0)
    heating_sp = (setpoint_schedule(building, index, timezone) if heating_setpoint_schedule_degc is None
                  else heating_setpoint_schedule_degc)
    cooling_sp = (cooling_setpoint_schedule(building, index) if cooling_setpoint_schedule_degc is None
                  else cooling_setpoint_schedule_degc)
    return space_heating_from_arrays(
        weather.temp_air_degc,
        gains,
        solar_gains_w(building, weather),
        heating_sp,
        ZoneParameters.from_building(building),
        heating_limit_kw=heating_limit_kw,
        step_h=weather.step_h,
        cooling_setpoint_degc=cooling_sp,
    )
