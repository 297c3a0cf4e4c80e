"""Readable pure-Python 5R1C (EN ISO 13790 Annex C), the reference for the numba kernel.

Written independently of ``mgwsim.building.thermal``: explicit node equations per hour,
plain floats and lists, operative-temperature control by the 10 W/m² interpolation of C.4.2.
"""

from __future__ import annotations


def step(p, theta_m_prev, theta_e, phi_int, phi_sol, phi_hc):
    """Node temperatures (air, surface, mean mass, end-of-step mass) for one hour."""
    h_ve, h_w, h_em, h_ms, h_is, c_m, a_m, a_t = (p[k] for k in ("h_ve", "h_w", "h_em", "h_ms", "h_is", "c_m", "a_m", "a_t"))
    phi_ia = 0.5 * phi_int
    phi_m = a_m / a_t * (0.5 * phi_int + phi_sol)
    phi_st = (1 - a_m / a_t - h_w / (9.1 * a_t)) * (0.5 * phi_int + phi_sol)
    h_1 = 1 / (1 / h_ve + 1 / h_is)
    h_2 = h_1 + h_w
    h_3 = 1 / (1 / h_2 + 1 / h_ms)
    phi_mtot = phi_m + h_em * theta_e + h_3 * (phi_st + h_w * theta_e + h_1 * ((phi_ia + phi_hc) / h_ve + theta_e)) / h_2
    theta_m_end = (theta_m_prev * (c_m / 3600 - 0.5 * (h_3 + h_em)) + phi_mtot) / (c_m / 3600 + 0.5 * (h_3 + h_em))
    theta_m = (theta_m_end + theta_m_prev) / 2
    theta_s = (h_ms * theta_m + phi_st + h_w * theta_e + h_1 * (theta_e + (phi_ia + phi_hc) / h_ve)) / (h_ms + h_w + h_1)
    theta_air = (h_is * theta_s + h_ve * theta_e + phi_ia + phi_hc) / (h_is + h_ve)
    return theta_air, theta_s, theta_m, theta_m_end


def operative(theta_air, theta_s):
    return 0.3 * theta_air + 0.7 * theta_s


def simulate(p, theta_e, phi_int, phi_sol, setpoint, limit_w, warmup):
    """Heating power [W] and operative temperature per hour."""
    n = len(theta_e)
    theta_m = setpoint[(n - warmup) % n]
    heat, op_out = [0.0] * n, [0.0] * n
    for step_no in range(-warmup, n):
        t = step_no % n
        free = step(p, theta_m, theta_e[t], phi_int[t], phi_sol[t], 0.0)
        phi = 0.0
        result = free
        if operative(free[0], free[1]) < setpoint[t]:
            probe = step(p, theta_m, theta_e[t], phi_int[t], phi_sol[t], 10 * p["area"])
            op0, op10 = operative(free[0], free[1]), operative(probe[0], probe[1])
            phi = min(10 * p["area"] * (setpoint[t] - op0) / (op10 - op0), limit_w)
            result = step(p, theta_m, theta_e[t], phi_int[t], phi_sol[t], phi)
        if step_no >= 0:
            heat[t] = phi
            op_out[t] = operative(result[0], result[1])
        theta_m = result[3]
    return heat, op_out
