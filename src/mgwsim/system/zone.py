"""The building's zone inside the plant kernel: what the coupled year needs from the 5R1C model.

In the coupled year (:func:`mgwsim.system.simulate_system` with ``coupled=True``) the zone
receives each step the heat the plant actually delivered, so that a plant that falls short
lets the room cool and the next steps feel it (:mod:`mgwsim.system.kernel`, step 2).

The 5R1C node temperatures of EN ISO 13790:2008 Annex C are affine in the heating power
Φ_HC and in the mass temperature at the start of the step θ_m,t−1 (eq. C.4–C.11 are
linear): every node is X = X_free + a_X·θ_m,t−1 + k_X·Φ_HC. The free parts (gains and
outdoor terms with θ_m,t−1 = 0 and no heating) depend on the inputs only, so they are
computed for the whole year before the time loop (:func:`zone_free_pass`, the "layout for
speed" of the kernel); the loop adds the two state terms. This is the arithmetic of
:func:`mgwsim.building.thermal._space_heating_kernel`, which it reproduces exactly when the
plant delivers the ideal heat (tested).

**Emitters.** The radiators' output follows EN 442-1:2014, Φ = Φ_d·(ΔT_lm/ΔT_lm,d)^n with
the design flow (:class:`mgwsim.building.emitters.Radiators`). The plant is controlled to
the supply temperature that the step's *decoupled* load needs at the design room
temperature (the demand's ``supply_required_degc``), so at the setpoint the emitters give
exactly that load. A room that is ΔT below its setpoint widens the radiators' temperature
difference by ΔT: they can then give Φ_d·[φ(θ_s − θ_i + ΔT) − φ(θ_s − θ_i)] more, φ(·)
being the relative output at a supply excess θ_s − θ_i over the room (the EN 442 equation
with constant flow, inverted on a table). That bounds how fast a cold room recovers.

The plant heats only: a building's cooling setpoint is not applied in the coupled year (the
room floats above it and ``overheating_hours`` counts it), so for a building with one the
coupled and decoupled years differ in summer.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from mgwsim._numba import njit
from mgwsim.building.emitters import Radiators, _supply_return
from mgwsim.building.thermal import WARMUP_HOURS, ZoneParameters, _air_temperature, _free_step_split, \
    _heating_cooling_w, _network

# columns of the free pass (°C, with θ_m,t−1 = 0 and no heating); Z_CONTROLLED is the temperature the heating
# holds at its setpoint: operative (0.3·θ_air + 0.7·θ_s) or air, as the building's ``control`` says
Z_AIR, Z_SURFACE, Z_MASS, Z_MASS_END, Z_CONTROLLED = range(5)
N_FREE = 5

# positions in the coefficient vector
(C_COUPLED, C_A_AIR, C_A_SURFACE, C_A_MASS, C_A_END, C_K_AIR, C_K_SURFACE, C_K_MASS, C_K_END, C_THETA_M0, C_TO_KWH,
 C_EMITTER_KW, C_ROOM_DEGC, C_EXCESS_INV_STEP, C_W_AIR) = range(15)
N_COEF = 15

EXCESS_GRID_K = np.linspace(0.0, 150.0, 601)
"""Supply excess over the room θ_s − θ_i [K] on which the emitters' relative output is tabulated (0.25 K steps)."""


class ZoneInputs(NamedTuple):
    """The zone's part of the coupled kernel: ``(free, setpoint, coef, emitter_output)``.

    ``free`` (n × ``N_FREE``) the free node temperatures [°C]; ``setpoint`` [°C] per step;
    ``coef`` the responses to θ_m,t−1 [K/K] and to Φ_HC [K/W], the start mass temperature
    [°C], kWh per W-step, the emitters' design output [kW], the design room temperature [°C]
    and 1/step of :data:`EXCESS_GRID_K`; ``emitter_output`` the relative output φ on that grid.
    """

    free: np.ndarray
    setpoint: np.ndarray
    coef: np.ndarray
    emitter_output: np.ndarray


@njit
def zone_free_pass(theta_e, phi_int_w, phi_sol_w, params, dt_s, free):
    """Free node temperatures per step into ``free`` (EN ISO 13790 C.2–C.11 with θ_m,t−1 = 0, Φ_HC = 0).

    Gains split as in :func:`mgwsim.building.thermal._zone_kernel` (the convective share
    ``params[10]`` of the internal gains to the air, the rest and the solar gains to surface
    and mass by area, the share H_tr,w/(h_ms·A_t) lost at the windows, eq. C.1–C.3); the
    controlled temperature weighs the air by ``params[9]``. Returns the responses
    (a_air, a_s, a_m, a_end, k_air, k_s, k_m, k_end) of the nodes to 1 K of θ_m,t−1 and 1 W of Φ_HC.
    """
    net = _network(params, dt_s)
    a_m, a_t, w_air, convective, h_ms = params[6], params[7], params[9], params[10], params[11]
    lost_frac = params[1] / (h_ms * a_t)
    gain_to_mass, gain_to_surface = a_m / a_t, 1.0 - a_m / a_t - lost_frac
    if free.shape[0] != theta_e.size or free.shape[1] != N_FREE:
        raise ValueError("zone_free_pass.free must have the shape (theta_e.size, N_FREE): one row per step")
    # the table as one flat row of n × N_FREE values: a step's row starts at a constant multiple of N_FREE, so the
    # compiler sees the stride and vectorizes the (independent) steps; free[t, j] has a run-time stride and does not
    # (the same values, ~2.7x slower, measured December 2026)
    flat = free.reshape(-1)
    for t in range(theta_e.size):
        air, surf, mass, mass_end = _free_step_split(theta_e[t], phi_int_w[t], phi_sol_w[t], convective,
                                                     gain_to_surface, gain_to_mass, net)
        row = t * N_FREE
        flat[row + Z_AIR], flat[row + Z_SURFACE], flat[row + Z_MASS] = air, surf, mass
        flat[row + Z_MASS_END], flat[row + Z_CONTROLLED] = mass_end, w_air * air + (1.0 - w_air) * surf
    k_air, k_s, k_m, k_end = _air_temperature(0.0, 0.0, 0.0, 0.0, 0.0, 1.0, net)
    a_air, a_s, a_mass, a_end = _air_temperature(1.0, 0.0, 0.0, 0.0, 0.0, 0.0, net)
    return a_air, a_s, a_mass, a_end, k_air, k_s, k_m, k_end


@njit
def warm_mass_temperature(free, setpoint, a_ctl, a_end, k_ctl, k_end, warmup_steps):
    """θ_m at the start of the year [°C]: the last ``warmup_steps`` steps run first with ideal heating.

    The same warm-up as :func:`mgwsim.building.thermal._zone_kernel` without cooling
    (periodic year, starting from the setpoint), so that both start from the same state;
    ``a_ctl``, ``k_ctl`` the controlled temperature's responses.
    """
    n = setpoint.size
    theta_m = setpoint[(n - warmup_steps) % n]
    inv_k = 1.0 / k_ctl
    for t in range(n - warmup_steps, n):
        phi_hc = _heating_cooling_w(free[t, Z_CONTROLLED] + a_ctl * theta_m, setpoint[t], np.inf, inv_k, np.inf)
        theta_m = free[t, Z_MASS_END] + a_end * theta_m + k_end * phi_hc
    return theta_m


def emitter_output_table(radiators: Radiators) -> np.ndarray:
    """Relative output φ = Φ/Φ_d of ``radiators`` at each supply excess θ_s − θ_i of :data:`EXCESS_GRID_K`.

    The EN 442 equation with constant design flow (:func:`mgwsim.building.emitters._supply_return`)
    gives the excess for a relative load; it rises monotonically with the load, so it is
    inverted by interpolation on a fine load grid (0 to 4 × the design output).
    """
    load = np.linspace(0.0, 4.0, 8001)
    temps = _supply_return(load, radiators.design_lmtd_k, radiators.design_supply_degc - radiators.design_return_degc,
                           0.0, radiators.exponent, np.empty((load.size, 2)))
    return np.interp(EXCESS_GRID_K, temps[:, 0], load)


def zone_inputs(params: ZoneParameters, theta_e_degc: np.ndarray, internal_gains_w: np.ndarray,
                solar_gains_w: np.ndarray, setpoint_degc: np.ndarray, radiators: Radiators, step_h: float) -> ZoneInputs:
    """The zone arrays of the coupled kernel from validated step series (W, °C) and the radiators."""
    dt_s = 3600.0 * step_h
    array = params.as_array()
    free = np.empty((theta_e_degc.size, N_FREE))
    a_air, a_s, a_m, a_end, k_air, k_s, k_m, k_end = zone_free_pass(theta_e_degc, internal_gains_w, solar_gains_w,
                                                                    array, dt_s, free)
    w = params.control_air_weight
    theta_m0 = warm_mass_temperature(free, setpoint_degc, w * a_air + (1 - w) * a_s, a_end, w * k_air + (1 - w) * k_s,
                                     k_end, int(WARMUP_HOURS / step_h + 0.5))
    coef = np.zeros(N_COEF)
    coef[C_COUPLED] = 1.0
    coef[C_A_AIR:C_K_END + 1] = a_air, a_s, a_m, a_end, k_air, k_s, k_m, k_end
    coef[C_THETA_M0], coef[C_TO_KWH] = theta_m0, dt_s / 3.6e6
    coef[C_EMITTER_KW], coef[C_ROOM_DEGC] = radiators.design_output_kw, radiators.room_degc
    coef[C_EXCESS_INV_STEP] = 1.0 / (EXCESS_GRID_K[1] - EXCESS_GRID_K[0])
    coef[C_W_AIR] = w
    return ZoneInputs(free, np.ascontiguousarray(setpoint_degc, dtype=float), coef, emitter_output_table(radiators))


UNCOUPLED = ZoneInputs(np.zeros((1, N_FREE)), np.zeros(1), np.zeros(N_COEF), np.zeros(EXCESS_GRID_K.size))
"""The zone arrays of a decoupled run (``coef[C_COUPLED] = 0``: the kernel never reads them); ``run_plant`` hands
them to the kernel read-only, as a coupled run's, so that numba compiles the kernel once for both."""


def zone_balance_residual_kwh(params: ZoneParameters, theta_e_degc: np.ndarray, internal_gains_kwh: np.ndarray,
                              solar_gains_kwh: np.ndarray, delivered_kwh: np.ndarray, air_degc: np.ndarray,
                              surface_degc: np.ndarray, mass_degc: np.ndarray, mass_end_degc: np.ndarray,
                              step_h: float) -> np.ndarray:
    """Heat in minus heat out of the coupled zone per step [kWh]: zero to rounding.

    The zone balance of EN ISO 13790 Annex C (see :mod:`mgwsim.building.thermal`)

        Φ_HC + Φ_int + Φ_sol = H_tr,w(θ_s − θ_e) + H_tr,em(θ_m − θ_e) + H_ve(θ_air − θ_e) + Q_gl,w + C_m·Δθ_m/Δt,

    Φ_HC being what the plant delivered. The mass temperature at the start of a step follows
    from the Crank-Nicolson mean θ_m = (θ_m,t−1 + θ_m,t)/2 (eq. C.4), so every step is checked.
    """
    p = params
    to_kwh = step_h / 1000.0  # W -> kWh per step
    lost_frac = p.h_tr_w_w_k / (p.h_ms_w_m2k * p.a_t_m2)
    mass_start = 2.0 * mass_degc - mass_end_degc
    heat_in = delivered_kwh + internal_gains_kwh + solar_gains_kwh
    heat_out = (to_kwh * (p.h_tr_w_w_k * (surface_degc - theta_e_degc) + p.h_tr_em_w_k * (mass_degc - theta_e_degc)
                          + p.h_ve_w_k * (air_degc - theta_e_degc))
                + lost_frac * ((1.0 - p.convective_fraction) * internal_gains_kwh + solar_gains_kwh)
                + p.c_m_j_k * (mass_end_degc - mass_start) / 3.6e6)
    return heat_in - heat_out
