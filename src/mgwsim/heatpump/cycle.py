"""Single-stage vapour-compression heat pump cycle with CoolProp, and maps built from it.

Cycle (states 1 suction, 2 discharge, 3 condenser/gas-cooler outlet, 4 evaporator inlet):

* evaporation temperature ``T_evap = T_source - approach_evap`` (the mid-point of the
  glide for blends; R410A's is < 0.2 K), superheat at the evaporator outlet;
* condensation temperature ``T_cond = T_sink + approach_cond`` (mid-point for blends),
  subcooling at the condenser outlet; isenthalpic expansion ``h4 = h3``;
* compression ``h2 = h1 + (h2s - h1) / eta_is`` with ``h2s = h(p_cond, s1)``;
* COP = ``(h2 - h3) / (h2 - h1) * eta_el``, where ``eta_el`` lumps motor/inverter
  losses and the auxiliaries counted by EN 14511 (fan or pump share);
* R744 runs transcritical: gas-cooler outlet ``T3 = T_return + approach_gc`` with
  ``T_return = return_degc`` (hot water: the cold water, 10 °C in the presets) or else
  ``T_sink - sink_delta_k``; the high pressure maximises the COP (bounded scalar search) or
  follows Liao, Zhao & Jakobsen (2000), raised where the discharge must be hotter to reach
  the supply.
* On a map each cell runs at the best of its own and the colder rows' evaporation
  temperatures (the expansion valve can always evaporate colder): COP never falls as the
  source warms, and R744 reaches a high supply from a warm source, or near its critical
  point, by evaporating colder.

Capacity: a compressor of fixed swept volume, mass flow ``V_sw * rho_1 * eta_vol`` with
``eta_vol = 1 - C (rho_2s / rho_1 - 1)`` (clearance re-expansion; Stoecker & Jones,
*Refrigeration and Air Conditioning*, 2nd ed. 1982, ch. 11), so capacity falls as the
source cools; ``V_sw`` is set so that the capacity at the EN 14511 rating point (A7/W35
air, B0/W35 brine) equals ``rated_capacity_kw``.

``import CoolProp`` costs seconds: it happens lazily inside the solver, and maps are
cached on disk (:mod:`mgwsim.heatpump._cache`) so a warm call never imports it.

Refrigerants: R290, R32, R1234ze(E), R134a (pure, HEOS backend), R410A and R407C
(Lemmon's pseudo-pure fluids, Int. J. Thermophys. 24(4), 2003; R407C's ~5 K glide is
kept: bubble and dew pressures differ, and the mid-point is used), R744, and the zeotropic
R32/R1234yf blends R454C (21.5/78.5 mass %) and R454B (68.9/31.1) and the R32/R125/R1234yf
blend R452B (67/7/26) (ASHRAE 34 compositions). CoolProp's Helmholtz mixture model fails for
these blends (R454C in the (p, s) flash at discharge states, ``solver_rho_Tp``, e.g. 28 bar /
73 °C; R454B and R452B in the critical-point routine, CoolProp 8.0) and takes 50-700 ms per
point, so they run on CoolProp's Peng-Robinson backend (Peng & Robinson 1976, Ind. Eng.
Chem. Fundam. 15(1):59) with zero binary interaction parameters (CoolProp's library has
none for these pairs); their critical temperatures, which the cubic mixture routine cannot
pin down, are the manufacturer's (:data:`_BLENDS`, to verify). Where the Helmholtz model
converges the two agree on COP within a few per cent (``tests/test_heatpump_cycle.py``).

Speed: a Peng-Robinson (p, s) flash costs ~50-100 ms and a (p, T) update ~2.5 ms because
of the phase-stability search, against ~4 µs with the phase imposed. The discharge
isentrope is therefore solved by Newton on T in the imposed vapour phase (checked above
the condenser's dew point, else the flash), the condenser state once per sink column, the
suction once per source row. A 40 x 40 map (source -20..20 °C, sink 30..60 °C) cold, best
of 3 on a shared 2-core machine at load ~6, CoolProp 8.0, the fluid loaded: R290 0.08 s,
R134a 0.09 s, R1234ze(E) 0.10 s, R32 0.11 s, R407C 0.13 s, R410A 0.15 s, R454C 0.25 s
(was ~20 s with the flash), R454B 0.27 s, R452B 0.49 s, R744 0.52 s; an R744 hot-water map
(return 10 °C, sink 60..90 °C) ~4 s, where the discharge constraint needs a root search of
the high pressure in most cells. ``import CoolProp`` itself takes 3-10 s more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mgwsim.errors import InputError, check_choice, check_fraction, check_number, check_positive
from mgwsim.heatpump import _cache
from mgwsim.heatpump.maps import PerformanceMap, Source, _check_grid, check_carnot, sink_above_source

__all__ = ["REFRIGERANTS", "CycleState", "cycle_point", "cycle_map", "eta_is_brunin", "p_opt_liao"]

REFRIGERANTS = {
    # name: CoolProp fluid string (blends: components, see _BLENDS)
    "R290": "R290",
    "R32": "R32",
    "R1234ze(E)": "R1234ze(E)",
    "R134a": "R134a",
    "R410A": "R410A",
    "R407C": "R407C",
    "R744": "R744",
    "R454C": "R32&R1234yf",
    "R454B": "R32&R1234yf",
    "R452B": "R32&R125&R1234yf",
}
"""Refrigerants the cycle model supports and their CoolProp names."""

_BLENDS = {
    # name: (mass fractions of the components [-], critical temperature [°C] and its source)
    "R454C": ((0.215, 0.785), 85.7, "Chemours Opteon XL20 technical information"),
    "R454B": ((0.689, 0.311), 78.1, "Chemours Opteon XL41 technical information (refrigeranthq.com quotes 77.1)"),
    "R452B": ((0.67, 0.07, 0.26), 77.1, "Chemours Opteon XL55 technical information (to verify)"),
}

_CRIT_MARGIN_K = 5.0  # a subcritical condensing temperature must stay this far below T_crit


def eta_is_brunin(pressure_ratio):
    """Compressor isentropic efficiency ``0.874 - 0.0135 * pi`` [-].

    Brunin, Feidt & Hivet (1997), Comparison of the working domains of some compression
    heat pumps and a compression-absorption heat pump, Int. J. Refrig. 20(5), 308-318.
    """
    return 0.874 - 0.0135 * np.asarray(pressure_ratio, dtype=float)


def p_opt_liao(t_evap_degc: float, t_gc_out_degc: float) -> float:
    """Optimal CO2 gas-cooler pressure [Pa] of Liao, Zhao & Jakobsen (2000).

    ``p_opt = (2.778 - 0.0157 t_e) t_c + (0.381 t_e - 9.34)`` [bar], ``t_e`` evaporation and
    ``t_c`` gas-cooler outlet temperature [°C]. Liao, S.M., Zhao, T.S., Jakobsen, A. (2000),
    A correlation of optimal heat rejection pressures in transcritical carbon dioxide
    cycles, Applied Thermal Engineering 20(9), 831-841.
    """
    return ((2.778 - 0.0157 * t_evap_degc) * t_gc_out_degc + (0.381 * t_evap_degc - 9.34)) * 1e5


@dataclass(frozen=True)
class CycleState:
    """Result of one cycle solve (specific values per kg of refrigerant).

    Enthalpies [J/kg] ``h1..h4``, pressures [Pa], suction density ``rho1`` [kg/m³],
    volumetric efficiency, isentropic efficiency and the refrigerant-side COP before
    ``eta_el``.
    """

    p_evap_pa: float
    p_cond_pa: float
    h1: float
    h2: float
    h3: float
    h4: float
    rho1: float
    eta_vol: float
    eta_is: float

    @property
    def q_evap_j_kg(self) -> float:
        """Evaporator heat ``h1 - h4`` [J/kg]."""
        return self.h1 - self.h4

    @property
    def q_cond_j_kg(self) -> float:
        """Condenser / gas-cooler heat ``h2 - h3`` [J/kg]."""
        return self.h2 - self.h3

    @property
    def w_comp_j_kg(self) -> float:
        """Compressor work ``h2 - h1`` [J/kg]."""
        return self.h2 - self.h1

    @property
    def cop_heating(self) -> float:
        """Refrigerant-side heating COP ``(h2 - h3) / (h2 - h1)`` [-]."""
        return self.q_cond_j_kg / self.w_comp_j_kg


# -- CoolProp helpers (lazy import) -------------------------------------------------------
class _Blend:
    """A Peng-Robinson CoolProp state of a blend with its published critical temperature."""

    def __init__(self, state, t_critical_k: float):
        self._state, self._t_critical_k = state, t_critical_k

    def __getattr__(self, name):
        return getattr(self._state, name)

    def T_critical(self) -> float:  # noqa: N802 (CoolProp's name)
        return self._t_critical_k

    def Tmin(self) -> float:  # noqa: N802 (CoolProp's name)
        return 273.15 - 80.0


def _mole_fractions(CP, components: list[str], mass_fractions) -> list[float]:
    moles = [w / CP.PropsSI("M", name) for w, name in zip(mass_fractions, components, strict=True)]
    return [n / sum(moles) for n in moles]


def _state(refrigerant: str):
    import CoolProp.CoolProp as CP  # lazy: ~2.6-4 s per process

    fluid = REFRIGERANTS[refrigerant]
    if refrigerant not in _BLENDS:
        return CP, CP.AbstractState("HEOS", fluid)
    mass_fractions, t_critical_degc, _ = _BLENDS[refrigerant]
    state = CP.AbstractState("PR", fluid)
    state.set_mole_fractions(_mole_fractions(CP, fluid.split("&"), mass_fractions))
    return CP, _Blend(state, t_critical_degc + 273.15)


def _t_mid(CP, st, p):
    """Mid-point of bubble and dew temperature at pressure p [K] (equal for pure fluids)."""
    st.update(CP.PQ_INPUTS, p, 0.0)
    t_bub = st.T()
    st.update(CP.PQ_INPUTS, p, 1.0)
    return 0.5 * (t_bub + st.T())


def _p_sat_mid(CP, st, t_k: float) -> float:
    """Pressure whose glide mid-point equals ``t_k`` [Pa] (secant on ln p; 1 step for pure fluids)."""
    st.update(CP.QT_INPUTS, 0.0, t_k)
    p_bubble = st.p()
    st.update(CP.QT_INPUTS, 1.0, t_k)
    p0 = st.p()
    if abs(p_bubble - p0) <= 1e-9 * p0:  # no glide: a pure fluid
        return p0
    p1 = p0 * 1.05
    f0, f1 = _t_mid(CP, st, p0) - t_k, _t_mid(CP, st, p1) - t_k
    for _ in range(30):
        if abs(f1) < 1e-4 or f1 == f0:
            break
        lp = math.log(p1) - f1 * (math.log(p1) - math.log(p0)) / (f1 - f0)
        p0, f0 = p1, f1
        p1 = math.exp(lp)
        f1 = _t_mid(CP, st, p1) - t_k
    return p1


def _update_pt_in_phase(CP, st, phase, p, t):
    """A (p, T) update with the phase imposed: no phase-stability search, which for the
    Peng-Robinson blends costs ~2.5 ms against ~4 µs imposed (same state where the phase is right)."""
    st.specify_phase(phase)
    try:
        st.update(CP.PT_INPUTS, p, t)
    finally:
        st.unspecify_phase()


def _suction(CP, st, p_evap, superheat_k):
    st.update(CP.PQ_INPUTS, p_evap, 1.0)
    t_dew = st.T()
    if superheat_k > 0.0:
        _update_pt_in_phase(CP, st, CP.iphase_gas, p_evap, t_dew + superheat_k)
    return st.hmass(), st.smass(), st.rhomass(), st.T()


def _liquid_out(CP, st, p_cond, subcooling_k):
    st.update(CP.PQ_INPUTS, p_cond, 0.0)
    if subcooling_k > 0.0:
        _update_pt_in_phase(CP, st, CP.iphase_liquid, p_cond, st.T() - subcooling_k)
    return st.hmass()


def _single_phase_isentrope(CP, st, p, s_target, t_guess, phase=None):
    """(h, rho, T) at pressure ``p`` [Pa] and entropy ``s_target`` [J/(kg K)] in one phase.

    Above the critical pressure (``phase`` None or ``CP.iphase_supercritical``), or in the
    superheated vapour of a subcritical discharge (``phase = CP.iphase_gas``); an imposed
    phase holds on every update, and the caller checks that the result lies in it. Newton
    on T with (p, T) updates, (∂s/∂T)_p = c_p / T: single phase, so s(T) rises
    monotonically. Once |Δs| < 1e-3 J/(kg K) (ΔT ~ 1e-4 K) the last step is taken to first
    order instead of by another update: dh = T ds along an isobar (Gibbs), and
    dρ = (∂ρ/∂T)_p dT, leaving errors of order ΔT². A few (p, T) states cost a fraction of
    CoolProp's (p, s) flash (a thousandth for the Peng-Robinson blends), which it falls
    back on when Newton has not converged in 20 steps.
    """
    t = t_guess
    for _ in range(20):
        if phase is None:
            st.update(CP.PT_INPUTS, p, t)
        else:
            _update_pt_in_phase(CP, st, phase, p, t)
        ds = st.smass() - s_target
        dt = -ds * t / st.cpmass()
        if abs(ds) < 1e-3:
            drho = st.first_partial_deriv(CP.iDmass, CP.iT, CP.iP) * dt
            return st.hmass() - t * ds, st.rhomass() + drho, t + dt
        t += dt
        if not 200.0 < t < 1000.0:
            break
    st.update(CP.PSmass_INPUTS, p, s_target)
    return st.hmass(), st.rhomass(), st.T()


def _compress(CP, st, h1, s1, rho1, p_evap, p_cond, eta_is, clearance, t_guess=None, t_dew_cond=None,
              t_suction=None):
    """Discharge enthalpy, isentropic and volumetric efficiencies, and the isentropic discharge
    temperature [K]. ``t_guess`` (above the critical pressure) solves the isentrope by
    :func:`_single_phase_isentrope`; ``t_dew_cond`` (subcritical: the condenser's dew point
    [K]) with ``t_suction`` [K] does the same in the imposed vapour phase, from the ideal-gas
    guess ``T1 (p_cond / p_evap)^0.13`` (kappa ~1.15), and keeps the result when it lies above that dew
    point; otherwise, or with neither, CoolProp's (p, s) flash."""
    h2s = None
    if t_guess is not None:  # above p_crit: impose the supercritical phase while clearly above T_crit
        t_crit = st.T_critical()
        phase = CP.iphase_supercritical if t_guess > t_crit + 5.0 else None
        h2s, rho2s, t2s = _single_phase_isentrope(CP, st, p_cond, s1, t_guess, phase)
        if phase is not None and not t2s > t_crit + 1.0:
            h2s, rho2s, t2s = _single_phase_isentrope(CP, st, p_cond, s1, t_guess)
    elif t_dew_cond is not None:
        h2s, rho2s, t2s = _single_phase_isentrope(CP, st, p_cond, s1, t_suction * (p_cond / p_evap) ** 0.13,
                                                   CP.iphase_gas)
        if not t2s > t_dew_cond:
            h2s = None
    if h2s is None:
        st.update(CP.PSmass_INPUTS, p_cond, s1)
        h2s, rho2s, t2s = st.hmass(), st.rhomass(), st.T()
    eta = float(eta_is_brunin(p_cond / p_evap)) if eta_is == "brunin" else eta_is
    if not 0.0 < eta <= 1.0:
        raise InputError(f"cycle: isentropic efficiency {eta:.3g} at pressure ratio {p_cond / p_evap:.3g} "
                         "is outside (0, 1]; the lift is too large for a single-stage cycle")
    eta_vol = 1.0 - clearance * (rho2s / rho1 - 1.0)
    if eta_vol <= 0.0:
        raise InputError(f"cycle: volumetric efficiency {eta_vol:.3g} <= 0 at pressure ratio "
                         f"{p_cond / p_evap:.3g}; the lift is too large for a single-stage cycle")
    return h1 + (h2s - h1) / eta, eta, eta_vol, t2s


# -- single point -------------------------------------------------------------------------
def _check_return_below_sink(s, lowest_sink_degc: float, owner: str) -> None:
    if s.return_degc is not None and not s.return_degc < lowest_sink_degc:
        raise InputError(f"{owner}.return_degc = {s.return_degc!r} °C must lie below the lowest supply "
                         f"temperature {lowest_sink_degc!r} °C (the water is heated from return to supply)")


@dataclass(frozen=True)
class _Settings:
    refrigerant: str
    approach_evap_k: float
    approach_cond_k: float
    superheat_k: float
    subcooling_k: float
    eta_is: float | str
    clearance: float
    sink_delta_k: float
    high_pressure: str
    return_degc: float | None = None


def _check_temperatures(CP, st, s: _Settings, t_evap_k: float, t_cond_k: float, where: str):
    t_crit = st.T_critical()
    if t_evap_k >= t_crit - _CRIT_MARGIN_K:
        raise InputError(f"cycle_map.{where}: evaporation at {t_evap_k - 273.15:.1f} °C is too close to the "
                         f"critical temperature of {s.refrigerant} ({t_crit - 273.15:.1f} °C)")
    t_min = st.Tmin()
    if t_evap_k <= t_min + 1.0:
        raise InputError(f"cycle_map.{where}: evaporation at {t_evap_k - 273.15:.1f} °C is below the "
                         f"validity limit of the {s.refrigerant} equation of state ({t_min - 273.15:.1f} °C)")
    if s.refrigerant != "R744" and t_cond_k >= t_crit - _CRIT_MARGIN_K:
        raise InputError(
            f"cycle_map.{where}: condensing at {t_cond_k - 273.15:.1f} °C (sink + approach_cond_k) is within "
            f"{_CRIT_MARGIN_K:g} K of the critical temperature of {s.refrigerant} ({t_crit - 273.15:.1f} °C); "
            "lower the supply temperature or use R744 (transcritical)")


def _condenser(CP, st, s: _Settings, t_sink_degc: float):
    """(condensing pressure [Pa], liquid outlet enthalpy h3 [J/kg], dew temperature [K]) for one sink."""
    p_cond = _p_sat_mid(CP, st, t_sink_degc + 273.15 + s.approach_cond_k)
    h3 = _liquid_out(CP, st, p_cond, s.subcooling_k)
    st.update(CP.PQ_INPUTS, p_cond, 1.0)
    return p_cond, h3, st.T()


def _solve_subcritical(CP, st, s: _Settings, suction, condenser):
    p_evap, h1, s1, rho1, t1 = suction
    p_cond, h3, t_dew = condenser
    h2, eta, eta_vol, _ = _compress(CP, st, h1, s1, rho1, p_evap, p_cond, s.eta_is, s.clearance,
                                    t_dew_cond=t_dew, t_suction=t1)
    return CycleState(p_evap, p_cond, h1, h2, h3, h3, rho1, eta_vol, eta)


def _discharge_t(CP, st, c: CycleState, t2s: float) -> float:
    """Discharge temperature [K] at (h2, p_high): Newton on T from the isentropic discharge ``t2s``
    with (p, T) updates in the imposed supercritical phase, (∂h/∂T)_p = c_p, to |Δh| < 1 J/kg
    (~1e-3 K); the (h, p) flash, ~0.7 ms against ~0.05 ms, where the phase may not hold."""
    t = t2s
    if t2s > st.T_critical() + 1.0:
        for _ in range(10):
            _update_pt_in_phase(CP, st, CP.iphase_supercritical, c.p_cond_pa, t)
            dh = st.hmass() - c.h2
            if abs(dh) < 1.0:
                return t - dh / st.cpmass()
            t -= dh / st.cpmass()
    st.update(CP.HmassP_INPUTS, c.h2, c.p_cond_pa)
    return st.T()


def _solve_r744(CP, st, s: _Settings, suction, t_sink_k):
    """Transcritical R744 cycle; the discharge must be hotter than ``t_sink + approach_cond``.

    Gas-cooler outlet ``T3 = T_return + approach_cond`` [K], the return water being
    ``return_degc`` when given (hot water: the cold water or the tank bottom) or else
    ``t_sink - sink_delta_k``: a counterflow gas cooler cools the CO2 to a few kelvin above
    the water *inlet* (approach 2-5 K in Nekså 2002, CO2 heat pump systems, Int. J.
    Refrig. 25(4):421-427, and Stene 2005, Int. J. Refrig. 28(8):1259-1265), so a cold
    return is what makes R744 efficient and a warm radiator return costs it dearly.

    The high pressure follows :func:`p_opt_liao` (or a bounded COP search), restricted to
    ``[1.01 p_crit, 14 MPa]``; where the discharge is then too cold to heat the water to
    ``t_sink``, the pressure is raised to the lowest one that reaches it (COP falls beyond
    the unconstrained optimum, so this is the constrained optimum). Not checked: the
    pinch inside the gas cooler. The discharge is at least as hot as the isentropic one
    (T rises with h along an isobar), so that check needs a (h, p) flash only when the
    isentropic discharge is too cold.
    """
    p_evap, h1, s1, rho1, t1 = suction
    t_return_k = t_sink_k - s.sink_delta_k if s.return_degc is None else s.return_degc + 273.15
    t_gc = t_return_k + s.approach_cond_k
    t_needed = t_sink_k + s.approach_cond_k

    gc_out_phase = CP.iphase_supercritical if t_gc > st.T_critical() else CP.iphase_supercritical_liquid

    def at(p_high):
        _update_pt_in_phase(CP, st, gc_out_phase, p_high, t_gc)  # p_high > p_crit: one phase
        h3 = st.hmass()
        guess = t1 * (p_high / p_evap) ** 0.23  # ideal-gas isentrope, kappa = 1.3
        h2, eta, eta_vol, t2s = _compress(CP, st, h1, s1, rho1, p_evap, p_high, s.eta_is, s.clearance, guess)
        return CycleState(p_evap, p_high, h1, h2, h3, h3, rho1, eta_vol, eta), t2s

    def hot_enough(point):
        state, t2s = point
        return t2s >= t_needed or _discharge_t(CP, st, state, t2s) >= t_needed

    p_lo, p_hi = st.p_critical() * 1.01, 14.0e6
    if s.high_pressure == "liao":
        st.update(CP.PQ_INPUTS, p_evap, 1.0)
        p_high = min(max(p_opt_liao(st.T() - 273.15, t_gc - 273.15), p_lo), p_hi)
    else:
        from scipy.optimize import minimize_scalar

        p_high = 1e5 * minimize_scalar(lambda p: -at(p * 1e5)[0].cop_heating, bounds=(p_lo / 1e5, p_hi / 1e5),
                                       method="bounded", options={"xatol": 0.05}).x
    point = at(p_high)
    if hot_enough(point):
        return point[0]
    if not hot_enough(at(p_hi)):
        raise InputError(f"cycle_map: R744 cannot reach a supply of {t_sink_k - 273.15:.1f} °C below "
                         f"{p_hi / 1e6:g} MPa at evaporation pressure {p_evap / 1e5:.1f} bar")
    from scipy.optimize import brentq

    p_high = brentq(lambda p: _discharge_t(CP, st, *at(p)) - t_needed, p_high, p_hi, xtol=1e3)
    return at(p_high)[0]


def _solve(CP, st, s: _Settings, suction, t_sink_degc, condenser=None):
    """One cycle; ``condenser`` (subcritical fluids) from :func:`_condenser`, computed here if None."""
    if s.refrigerant == "R744":
        return _solve_r744(CP, st, s, suction, t_sink_degc + 273.15)
    return _solve_subcritical(CP, st, s, suction, condenser or _condenser(CP, st, s, t_sink_degc))


def _suction_state(CP, st, s: _Settings, t_source_degc: float, t_sink_degc: float, where: str):
    t_evap = t_source_degc + 273.15 - s.approach_evap_k
    _check_temperatures(CP, st, s, t_evap, t_sink_degc + 273.15 + s.approach_cond_k, where)
    p_evap = _p_sat_mid(CP, st, t_evap)
    return (p_evap, *_suction(CP, st, p_evap, s.superheat_k))


def _settings(refrigerant, approach_evap_k, approach_cond_k, superheat_k, subcooling_k, eta_is,
              clearance, sink_delta_k, high_pressure, return_degc=None) -> _Settings:
    owner = "cycle_map"
    check_choice(refrigerant, "refrigerant", tuple(REFRIGERANTS), owner=owner)
    check_number(approach_evap_k, "approach_evap_k", owner=owner, low=0.0, high=30.0, unit="K")
    check_number(approach_cond_k, "approach_cond_k", owner=owner, low=0.0, high=30.0, unit="K")
    check_number(superheat_k, "superheat_k", owner=owner, low=0.0, high=30.0, unit="K")
    check_number(subcooling_k, "subcooling_k", owner=owner, low=0.0, high=30.0, unit="K")
    if not (isinstance(eta_is, str) and eta_is == "brunin"):
        eta_is = check_number(eta_is, "eta_is", owner=owner, low=0.0, high=1.0, low_inclusive=False)
    check_number(clearance, "clearance", owner=owner, low=0.0, high=0.2)
    check_number(sink_delta_k, "sink_delta_k", owner=owner, low=1.0, high=60.0, unit="K")
    check_choice(high_pressure, "high_pressure", ("optimal", "liao"), owner=owner)
    if return_degc is not None:
        if refrigerant != "R744":
            raise InputError(f"{owner}.return_degc = {return_degc!r} °C applies to R744 only (its gas cooler "
                             f"follows the return water); {refrigerant} condenses at the supply temperature")
        return_degc = float(check_number(return_degc, "return_degc", owner=owner, low=0.0, high=80.0, unit="°C"))
    return _Settings(refrigerant, float(approach_evap_k), float(approach_cond_k), float(superheat_k),
                     float(subcooling_k), eta_is, float(clearance), float(sink_delta_k), high_pressure, return_degc)


def cycle_point(refrigerant: str, t_source_degc: float, t_sink_degc: float, *,
                approach_evap_k: float = 8.0, approach_cond_k: float = 4.0, superheat_k: float = 5.0,
                subcooling_k: float = 3.0, eta_is: float | str = "brunin", clearance: float = 0.04,
                sink_delta_k: float = 5.0, high_pressure: str = "liao",
                return_degc: float | None = None) -> CycleState:
    """Solve one cycle between a source inlet and a sink outlet temperature [°C].

    Parameters as in :func:`cycle_map`. With zero approaches, superheat and subcooling and
    ``eta_is=1`` this is the ideal cycle of the textbooks (evaporating at the source and
    condensing at the sink temperature).

    Returns
    -------
    CycleState
    """
    s = _settings(refrigerant, approach_evap_k, approach_cond_k, superheat_k, subcooling_k, eta_is,
                  clearance, sink_delta_k, high_pressure, return_degc)
    _check_return_below_sink(s, t_sink_degc, "cycle_point")
    if not t_sink_degc > t_source_degc:
        raise InputError(f"cycle_point: t_sink_degc = {t_sink_degc!r} °C must exceed t_source_degc = "
                         f"{t_source_degc!r} °C")
    CP, st = _state(refrigerant)
    suction = _suction_state(CP, st, s, float(t_source_degc), float(t_sink_degc), "point")
    return _solve(CP, st, s, suction, float(t_sink_degc))


# -- maps ----------------------------------------------------------------------------------
def _solve_row(CP, st, s: _Settings, t_source_degc: float, sink_degc, condensers, where: str):
    """COP and volumetric heat [J/m³ swept] along one source row; NaN where the cycle cannot run there,
    with the first reason why (or None)."""
    cop, vol_heat = np.full(sink_degc.size, np.nan), np.full(sink_degc.size, np.nan)
    try:
        suction = _suction_state(CP, st, s, t_source_degc, sink_degc[-1], where)
    except InputError as error:  # evaporation too close to the critical point or below the EOS limit
        return cop, vol_heat, error
    reason = None
    for k, t_snk in enumerate(sink_degc):
        try:
            c = _solve(CP, st, s, suction, t_snk, condensers[k])
        except InputError as error:  # lift too large, or R744 cannot reach this supply temperature
            reason = reason or error
            continue
        cop[k], vol_heat[k] = c.cop_heating, c.rho1 * c.eta_vol * c.q_cond_j_kg
    return cop, vol_heat, reason


def _evaporate_colder_where_better(cop, vol_heat, reasons, source_degc, sink_degc):
    """Each cell runs at the best evaporation temperature of its own or a colder source row.

    The expansion valve can always evaporate colder than ``source - approach_evap`` (a larger
    evaporator temperature difference), so the best COP over the colder rows is attainable:
    COP never falls as the source warms. This matters for R744, whose discharge is too cold
    to reach a high supply from a warm source (small pressure ratio) and whose evaporation
    must stay below the critical point; subcritical fluids rise with the source anyway.
    A cell with no feasible row at or below it raises the reason of its own row.
    """
    for i in range(1, cop.shape[0]):
        colder_better = ~(cop[i] >= cop[i - 1]) & np.isfinite(cop[i - 1])
        cop[i, colder_better], vol_heat[i, colder_better] = cop[i - 1, colder_better], vol_heat[i - 1, colder_better]
    bad = ~np.isfinite(cop)
    if bad.any():
        i, k = np.argwhere(bad)[0]
        raise InputError(f"cycle_map: no cycle at source {source_degc[i]:g} °C, sink {sink_degc[k]:g} °C: "
                         f"{reasons[i]}")


def _solve_grid(s: _Settings, source_degc, sink_degc, rating_point):
    """COP (refrigerant side) and volumetric heating capacity [J/m³ swept] on the grid + rating."""
    CP, st = _state(s.refrigerant)
    cop = np.empty((source_degc.size, sink_degc.size))
    vol_heat = np.empty_like(cop)
    reasons = []
    t_cond_max_k = st.T_critical() - _CRIT_MARGIN_K - s.approach_cond_k - 273.15  # beyond: the rows raise why
    condensers = [None if s.refrigerant == "R744" or t >= t_cond_max_k else _condenser(CP, st, s, t)
                  for t in sink_degc]
    for i, t_src in enumerate(source_degc):
        cop[i], vol_heat[i], reason = _solve_row(CP, st, s, t_src, sink_degc, condensers, f"source_degc[{i}]")
        reasons.append(reason)
    _evaporate_colder_where_better(cop, vol_heat, reasons, source_degc, sink_degc)
    suction = _suction_state(CP, st, s, rating_point[0], rating_point[1], "rating point")
    rated = _solve(CP, st, s, suction, rating_point[1])
    return cop, vol_heat, rated.rho1 * rated.eta_vol * rated.q_cond_j_kg


def cycle_map(refrigerant: str, source_degc, sink_degc, *, rated_capacity_kw: float,
              source: Source | None = None, approach_evap_k: float | None = None,
              approach_cond_k: float = 4.0, superheat_k: float = 5.0, subcooling_k: float = 3.0,
              eta_is: float | str = "brunin", eta_el: float = 0.88, clearance: float = 0.04,
              sink_delta_k: float = 5.0, high_pressure: str = "liao", return_degc: float | None = None,
              max_sink_degc: float | None = None,
              min_modulation_frac: float = 0.3, model: str = "", use_cache: bool = True) -> PerformanceMap:
    """Performance map of a single-stage vapour-compression heat pump from a CoolProp cycle.

    Parameters
    ----------
    refrigerant : str
        One of :data:`REFRIGERANTS` (R290, R32, R1234ze(E), R134a, R410A, R744, R454C).
    source_degc, sink_degc : array_like
        Strictly ascending grids of source inlet and sink (water outlet) temperatures [°C];
        every sink above every source.
    rated_capacity_kw : float
        Heating capacity at the EN 14511 rating point of ``source`` (A7/W35 for air,
        B0/W35 for brine) [kW]; the rating point need not lie on the grid.
    source : Source, optional
        Source kind and limits (default air).
    approach_evap_k : float, optional
        Source inlet minus evaporation temperature [K]; default per source kind
        (air 8 K, brine 6 K; see :class:`Source`).
    approach_cond_k : float
        Condensing minus sink outlet temperature [K] (default 4 K; plate condensers 2-5 K);
        for R744 the gas-cooler outlet minus the water return temperature.
    superheat_k, subcooling_k : float
        Evaporator-outlet superheat and condenser-outlet subcooling [K] (defaults 5 and 3 K).
    eta_is : float or 'brunin'
        Compressor isentropic efficiency, constant or the pressure-ratio correlation
        :func:`eta_is_brunin` (default).
    eta_el : float
        Heat-to-electricity factor: motor/inverter efficiency and EN 14511 auxiliaries
        (fan or pump share) [-]. Default 0.88 (assumption: inverter + motor ~0.92, fans
        and controls ~4 % of the input).
    clearance : float
        Clearance-equivalent ratio of the volumetric efficiency model [-] (default 0.04).
    sink_delta_k : float
        Water temperature rise across the condenser [K] (EN 14511 W35: 30/35 -> 5 K);
        only used for R744, whose gas-cooler outlet follows the return temperature.
    return_degc : float, optional
        R744 only: a fixed return water temperature [°C] (hot water heated in one pass from
        the cold water or the tank bottom, e.g. 10 °C) instead of ``sink - sink_delta_k``;
        below the lowest sink. Space heating with a 40-45 °C radiator return is possible
        but pays the penalty: the gas cooler cannot cool the CO2 below the return.
    high_pressure : {'liao', 'optimal'}
        R744 only: the correlation :func:`p_opt_liao` (default; within 0.1 % of the searched
        optimum COP at the points checked in the tests, ~0.7 s for 40 x 40) or a bounded
        scalar search for the COP maximum (~14 s for 40 x 40).
    max_sink_degc : float, optional
        Highest supply temperature of the product [°C] (default: the grid's end).
    min_modulation_frac : float
        Lowest part load as a fraction of full load [-].
    model : str
        Name stored in the map.
    use_cache : bool
        Read and write the on-disk cache (``cache_dir()/cop_maps``).

    Returns
    -------
    PerformanceMap

    Raises
    ------
    InputError
        unknown refrigerant, grids not ascending, sink not above source, capacity <= 0,
        condensing too close to the critical point (subcritical fluids), a lift too large for
        the coldest source row (at warmer rows the cycle evaporates colder where that is
        better or needed, see below), R744 unable to reach a supply temperature.

    Notes
    -----
    Each cell takes the best COP over its own and the colder source rows (the expansion
    valve may always evaporate colder than the source allows), so COP never falls as the
    source warms; the capacity is that of the chosen cycle.
    """
    source = Source("air") if source is None else source
    if not isinstance(source, Source):
        raise InputError(f"cycle_map.source must be a Source, got {type(source).__name__}")
    src = _check_grid(source_degc, "source_degc", "cycle_map")
    snk = _check_grid(sink_degc, "sink_degc", "cycle_map")
    sink_above_source(src, snk, "cycle_map")
    check_positive(rated_capacity_kw, "rated_capacity_kw", owner="cycle_map", unit="kW")
    check_number(eta_el, "eta_el", owner="cycle_map", low=0.0, high=1.0, low_inclusive=False)
    check_fraction(min_modulation_frac, "min_modulation_frac", owner="cycle_map")
    approach_evap_k = source.evaporator_approach_k if approach_evap_k is None else approach_evap_k
    s = _settings(refrigerant, approach_evap_k, approach_cond_k, superheat_k, subcooling_k, eta_is,
                  clearance, sink_delta_k, high_pressure, return_degc)
    _check_return_below_sink(s, float(snk[0]), "cycle_map")
    inputs = {"kind": "cycle", "settings": s.__dict__, "source": source.__dict__, "src": src, "snk": snk,
              "rated_capacity_kw": float(rated_capacity_kw), "eta_el": float(eta_el),
              "max_sink_degc": max_sink_degc, "min_modulation_frac": float(min_modulation_frac), "model": model}
    key = _cache.map_key(inputs)
    if use_cache and (cached := _cache.load(key)) is not None:
        return cached
    cop, vol_heat, vol_heat_rated = _solve_grid(s, src, snk, source.rating_point_degc)
    pmap = PerformanceMap(
        source_degc=src, sink_degc=snk, cop=cop * eta_el, capacity_kw=vol_heat / vol_heat_rated * rated_capacity_kw,
        source=source, max_sink_degc=max_sink_degc, min_modulation_frac=min_modulation_frac,
        rated_capacity_kw=float(rated_capacity_kw), model=model or f"{refrigerant} cycle", refrigerant=refrigerant,
        method="cycle", includes_defrost=False)
    check_carnot(pmap.cop, src, snk, "cycle_map")
    if use_cache:
        _cache.save(key, pmap)
    return pmap
