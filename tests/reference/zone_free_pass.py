"""The coupled zone's free pass as it was before 2026-12-07 (frozen): the reference for the present one.

:func:`mgwsim.system.zone.zone_free_pass` now writes its table through a flat view with a constant
row length, which the compiler vectorizes; this copy stores ``free[t, j]`` (a run-time row stride,
one step at a time). ``tests/test_coupled.py`` holds the two to the same table bit for bit;
``benchmarks/bench_system.py`` times them against each other.
"""

from __future__ import annotations

from mgwsim._numba import njit
from mgwsim.building.thermal import _air_temperature, _free_step_split, _network
from mgwsim.system.zone import Z_AIR, Z_CONTROLLED, Z_MASS, Z_MASS_END, Z_SURFACE


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
    for t in range(theta_e.size):
        air, surf, mass, mass_end = _free_step_split(theta_e[t], phi_int_w[t], phi_sol_w[t], convective,
                                                     gain_to_surface, gain_to_mass, net)
        free[t, Z_AIR], free[t, Z_SURFACE], free[t, Z_MASS] = air, surf, mass
        free[t, Z_MASS_END], free[t, Z_CONTROLLED] = mass_end, w_air * air + (1.0 - w_air) * surf
    k_air, k_s, k_m, k_end = _air_temperature(0.0, 0.0, 0.0, 0.0, 0.0, 1.0, net)
    a_air, a_s, a_mass, a_end = _air_temperature(1.0, 0.0, 0.0, 0.0, 0.0, 0.0, net)
    return a_air, a_s, a_mass, a_end, k_air, k_s, k_m, k_end
