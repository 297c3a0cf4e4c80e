"""Single-stage vapour-compression heat pump cycle with CoolProp, and maps built from it.

Cycle (states 1 suction, 2 discharge, 3 condenser/gas-cooler outlet, 4 evaporator inlet):

* evaporation temperature ``T_evap = T_source - approach_evap`` (the mid-point of the
  glide for blends; R410A's is < 0.2 K), superheat at the evaporator outlet;
* condensation temperature ``T_cond = T_sink + approach_cond`` (mid-point for blends),
  subcooling at the condenser outlet; isenthalpic expansion ``h4 = h3``;
* compression ``h2 = h1 + (h2s - h1) / eta_is`` with ``h2s = h(p_cond, s1)``;
* COP = ``(h2 - h3) / (h2 - h1) * eta_el``, where ``eta_el`` lumps motor/inverter
  losses and the auxiliaries counted by EN 14511 (fan or pump share); its default
  (:data:`DEFAULT_ETA_EL`, air 0.81) is calibrated to EN 14825 declarations of certified
  air/water units;
* R744 runs transcritical: gas-cooler outlet ``T3 = T_return + approach_gc`` with
  ``T_return = return_degc`` (hot water: the cold water, 10 °C in the presets) or else
  ``T_sink - sink_delta_k``; the high pressure maximises the COP (bounded scalar search) or
  follows Liao, Zhao & Jakobsen (2000), raised where the discharge must be hotter to reach
  the supply.
* the compressor keeps a lowest pressure ratio ``min_pressure_ratio`` (default 1.5 [-], the
  lower edge of its envelope): where ``source - approach_evap`` would evaporate above
  ``p_cond / min_pressure_ratio`` (a warm source over a cold supply, e.g. air above the
  supply) the cycle evaporates at that pressure, and R744 raises its high pressure to
  ``min_pressure_ratio * p_evap`` at least (:func:`_within_min_ratio`);
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
of the phase-stability search, against ~4 µs with the phase imposed. :func:`cycle_point`
is the exact path: the discharge isentrope by Newton on T with (p, T) updates in the
imposed vapour phase (checked above the condenser's dew point, else the flash), glide
mid-points by a secant to 1e-7 K, R744's constrained high pressure by Brent's method to
1e-2 Pa. A map takes three shortcuts and matches it within 1e-7 relative (tested for every
refrigerant on this grid, ``tests/test_heatpump_cycle.py``):

* the saturation of a glide fluid (blends, R407C; ~1 ms a flash for the Peng-Robinson
  blends, about ten per row and column) from Chebyshev interpolants of 17-33 flashes
  (:class:`_SatTable`);
* each cell's isentrope (and R744's gas-cooler outlet and discharge temperature) by Newton
  in (rho, T) with (rho, T) updates, which need no density solve (~5-8 µs against 20-170 µs
  for a HEOS (p, T) update), from the extrapolation of the neighbouring rows' solutions:
  about one update per cell (:func:`_newton_t_rho`);
* R744's constrained high pressure by a secant from the neighbouring cell's pressure and
  slope (:func:`_secant_root`, ~4 evaluations against ~12 for Brent's method).

A 40 x 40 map (source -20..20 °C, sink 30..60 °C) cold, ``use_cache=False``, best of 3 on
a shared 2-core machine at load ~8, CoolProp 8.0 imported and the fluid loaded
(``benchmarks/bench_heatpump.py``; before the shortcuts, same machine and hour, in
brackets): R290 0.04 s (0.10), R134a 0.03 s (0.09), R1234ze(E) 0.03 s (0.10), R32 0.03 s
(0.13), R407C 0.05 s (0.13), R410A 0.05 s (0.15), R454C 0.09 s (0.27), R454B 0.09 s (0.29),
R452B 0.11 s (0.58), R744 0.10 s (0.56); an R744 hot-water map (return 10 °C, sink
60..90 °C), where the discharge constraint needs a root search of the high pressure in
most cells, 0.6-0.7 s (3.7). ``import CoolProp`` itself takes 3-10 s more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mgwsim.errors import InputError, check_choice, check_fraction, check_number, check_positive
from mgwsim.heatpump import _cache
from mgwsim.heatpump.maps import PerformanceMap, Source, _check_grid, check_carnot

__all__ = ["REFRIGERANTS", "DEFAULT_ETA_EL", "CycleState", "cycle_point", "cycle_map", "default_eta_el", "eta_is_brunin",
           "p_opt_liao"]

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

DEFAULT_ETA_EL = {"air": 0.81, "exhaust_air": 0.81, "brine": 0.88, "water": 0.88}  # see default_eta_el
"""Default heat-to-electricity factor ``eta_el`` of :func:`cycle_map` per source kind [-].

Air (and exhaust air): 0.81, calibrated to the EN 14825 declarations (average climate,
points A-D of the 35 and 55 °C applications) of the regulated air/water models of the Heat
Pump Keymark as fitted in hplib 1.9 (Tjaden et al., HTW Berlin; 198 models of the
manufacturers of one half of a manufacturer split, ``tools/default_route_errors.py``),
together with the defrost severity 0.25 of :mod:`mgwsim.heatpump.defrost`; validated on the
other half, on the hplib models of >= 12 kW and on five real declarations (see
``docs/validation.md``, "Default route against certified units"). It lumps what the
full-load cycle does not see in a declared COP: motor/inverter losses, the EN 14511
auxiliaries (fan, pump share), and the net effect of part load (EN 14825 points B-D run
modulated or at minimum speed). Brine and water: 0.88, the earlier assumption (inverter and
motor ~0.92, fans/pumps and controls ~4 % of the input), not calibrated (no brine
declarations evaluated). R744 keeps 0.88 from every source (:func:`default_eta_el`): the
certified units of the calibration are subcritical (R410A, R32, R290, R407C).
"""
_ETA_EL_UNCALIBRATED = 0.88


def default_eta_el(refrigerant: str, source_kind: str) -> float:
    """Default ``eta_el`` [-] of :func:`cycle_map`: :data:`DEFAULT_ETA_EL` by source kind, 0.88 for R744."""
    return _ETA_EL_UNCALIBRATED if refrigerant == "R744" else DEFAULT_ETA_EL[source_kind]


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


def _p_sat_mid(CP, st, t_k: float, sat=None) -> float:
    """Pressure whose glide mid-point equals ``t_k`` [Pa] (secant on ln p to 1e-7 K; 1 step for pure
    fluids); from the map's :class:`_SatTable` ``sat`` when given."""
    if sat is not None and (p := sat.p_mid(t_k)) is not None:
        return p
    st.update(CP.QT_INPUTS, 0.0, t_k)
    p_bubble = st.p()
    st.update(CP.QT_INPUTS, 1.0, t_k)
    p0 = st.p()
    if abs(p_bubble - p0) <= 1e-9 * p0:  # no glide: a pure fluid
        return p0
    p1 = p0 * 1.05
    f0, f1 = _t_mid(CP, st, p0) - t_k, _t_mid(CP, st, p1) - t_k
    for _ in range(30):
        if abs(f1) < 1e-7 or f1 == f0:
            break
        lp = math.log(p1) - f1 * (math.log(p1) - math.log(p0)) / (f1 - f0)
        p0, f0 = p1, f1
        p1 = math.exp(lp)
        f1 = _t_mid(CP, st, p1) - t_k
    return p1


class _SatTable:
    """Bubble and dew temperatures of a glide fluid over a map's pressure range, interpolated.

    A saturation flash of a Peng-Robinson blend costs ~0.3-1 ms, and the exact glide mid-point
    (:func:`_p_sat_mid`) needs about ten of them per row and per column. Here ``1/T_bubble``
    and ``1/T_dew`` [1/K] are Chebyshev interpolants in ``ln p`` (nearly linear by
    Clausius-Clapeyron) through CoolProp's flashes at Chebyshev-Lobatto nodes (Trefethen,
    *Approximation Theory and Approximation Practice*, SIAM 2013, ch. 2-4: the interpolant of
    a smooth function converges geometrically). The degree doubles (9, 17, 33 nodes, nested)
    until it and its half-degree interpolant agree within 1e-3 K: that difference is the
    half-degree's error, and the error shrinks about quadratically per doubling (R452B over
    -29..65 °C: degree 8 3e-4 K, 16 1e-6 K, 32 1e-11 K; 1e-6 K moves the COP by ~3e-8);
    otherwise (and outside the range) the callers use the exact flashes.
    """

    _TOL_K = 1e-3

    def __init__(self, CP, st, t_lo_k: float, t_hi_k: float):
        from numpy.polynomial import chebyshev

        self._cheb = chebyshev
        st.update(CP.QT_INPUTS, 1.0, t_lo_k - 1.0)  # the dew pressure is the lowest at a temperature
        lo = math.log(st.p())
        st.update(CP.QT_INPUTS, 0.0, t_hi_k + 1.0)
        hi = math.log(st.p())
        self._a, self._b = 0.5 * (hi + lo), 0.5 * (hi - lo)
        nodes: dict[int, tuple[float, float]] = {}  # index on the 32-interval grid -> (1/T_bub, 1/T_dew)
        check = np.linspace(-1.0, 1.0, 201)
        previous = None
        self.ok = False
        for n in (8, 16, 32):
            x = np.cos(np.pi * np.arange(n + 1) / n)
            yb, yd = np.empty(n + 1), np.empty(n + 1)
            for j in range(n + 1):
                m = j * (32 // n)
                if m not in nodes:
                    p = math.exp(self._a + self._b * x[j])
                    st.update(CP.PQ_INPUTS, p, 0.0)
                    t_b = st.T()
                    st.update(CP.PQ_INPUTS, p, 1.0)
                    nodes[m] = (1.0 / t_b, 1.0 / st.T())
                yb[j], yd[j] = nodes[m]
            cb, cd = chebyshev.chebfit(x, yb, n), chebyshev.chebfit(x, yd, n)
            if previous is not None:
                diff = max(np.max(np.abs(1.0 / chebyshev.chebval(check, new) - 1.0 / chebyshev.chebval(check, old)))
                           for new, old in ((cb, previous[0]), (cd, previous[1])))
                if diff < self._TOL_K:
                    self.ok = True
                    break
            previous = (cb, cd)
        self._cb, self._cd = cb, cd
        self._dcb, self._dcd = chebyshev.chebder(cb), chebyshev.chebder(cd)
        self._x, self._t_mid = x[::-1], 0.5 * (1.0 / yb[::-1] + 1.0 / yd[::-1])  # ascending in x

    def _x_of(self, p: float):
        x = (math.log(p) - self._a) / self._b
        return x if -1.0 <= x <= 1.0 else None

    def t_bubble(self, p: float) -> float | None:
        """Bubble temperature [K] at ``p`` [Pa], None outside the table."""
        x = self._x_of(p)
        return None if x is None else 1.0 / float(self._cheb.chebval(x, self._cb))

    def t_dew(self, p: float) -> float | None:
        """Dew temperature [K] at ``p`` [Pa], None outside the table."""
        x = self._x_of(p)
        return None if x is None else 1.0 / float(self._cheb.chebval(x, self._cd))

    def p_mid(self, t_k: float) -> float | None:
        """Pressure [Pa] whose glide mid-point is ``t_k`` [K] (Newton on the interpolants), None outside."""
        if not self._t_mid[0] <= t_k <= self._t_mid[-1]:
            return None
        x = float(np.interp(t_k, self._t_mid, self._x))
        chebval = self._cheb.chebval
        for _ in range(30):
            yb, yd = float(chebval(x, self._cb)), float(chebval(x, self._cd))
            f = 0.5 * (1.0 / yb + 1.0 / yd) - t_k
            df = -0.5 * (float(chebval(x, self._dcb)) / yb ** 2 + float(chebval(x, self._dcd)) / yd ** 2)
            dx = -f / df
            x += dx
            if abs(dx) < 1e-13:
                break
        if not -1.0 <= x <= 1.0:
            return None
        return math.exp(self._a + self._b * x)


def _update_pt_in_phase(CP, st, phase, p, t):
    """A (p, T) update with the phase imposed: no phase-stability search, which for the
    Peng-Robinson blends costs ~2.5 ms against ~4 µs imposed (same state where the phase is right)."""
    st.specify_phase(phase)
    try:
        st.update(CP.PT_INPUTS, p, t)
    finally:
        st.unspecify_phase()


def _suction(CP, st, p_evap, superheat_k, sat=None):
    if sat is not None and superheat_k > 0.0 and (t_dew := sat.t_dew(p_evap)) is not None:
        _update_pt_in_phase(CP, st, CP.iphase_gas, p_evap, t_dew + superheat_k)
        return st.hmass(), st.smass(), st.rhomass(), st.T()
    st.update(CP.PQ_INPUTS, p_evap, 1.0)
    t_dew = st.T()
    if superheat_k > 0.0:
        _update_pt_in_phase(CP, st, CP.iphase_gas, p_evap, t_dew + superheat_k)
    return st.hmass(), st.smass(), st.rhomass(), st.T()


def _liquid_out(CP, st, p_cond, subcooling_k, sat=None):
    if sat is not None and subcooling_k > 0.0 and (t_bub := sat.t_bubble(p_cond)) is not None:
        _update_pt_in_phase(CP, st, CP.iphase_liquid, p_cond, t_bub - subcooling_k)
        return st.hmass()
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


def _newton_t_rho(CP, st, phase, p, key: str, target: float, t: float, rho: float):
    """(h [J/kg], rho [kg/m³], T [K]) at pressure ``p`` [Pa] and ``key`` ('s' [J/(kg K)] or 'h'
    [J/kg]) = ``target``, by Newton in (T, rho) from a warm start, in the imposed ``phase``.

    A (rho, T) update evaluates the Helmholtz energy directly (~5-8 µs against 20-170 µs for a
    (p, T) update of the HEOS backend, which solves for the density itself). Jacobian from
    the state: (∂p/∂T)_rho, (∂p/∂rho)_T, (∂s/∂T)_rho = c_v / T, (∂s/∂rho)_T = -(∂p/∂T)_rho / rho²
    (Maxwell), (∂h/∂T)_rho = c_v + (∂p/∂T)_rho / rho, (∂h/∂rho)_T = (∂p/∂rho)_T / rho
    - T (∂p/∂T)_rho / rho² (from dh = T ds + dp / rho). Once the residuals are below 1e-5 p
    and 0.03 J/(kg K) (or 10 J/kg), ~2e-5 relative, the last step is taken to first order:
    Newton's error after it is of the order of their square, ~1e-10. None when it does not
    converge in 8 steps: the caller then takes the exact path.
    """
    tol = 0.03 if key == "s" else 10.0
    st.specify_phase(phase)
    try:
        for _ in range(8):
            st.update(CP.DmassT_INPUTS, rho, t)
            fp = st.p() - p
            h = st.hmass()
            fy = (st.smass() if key == "s" else h) - target
            dpdt = st.first_partial_deriv(CP.iP, CP.iT, CP.iDmass)
            dpdr = st.first_partial_deriv(CP.iP, CP.iDmass, CP.iT)
            cv = st.cvmass()
            dhdt, dhdr = cv + dpdt / rho, dpdr / rho - t * dpdt / rho ** 2
            dydt, dydr = (cv / t, -dpdt / rho ** 2) if key == "s" else (dhdt, dhdr)
            det = dpdt * dydr - dpdr * dydt
            if det == 0.0:
                return None
            dt = (-fp * dydr + fy * dpdr) / det
            dr = (-fy * dpdt + fp * dydt) / det
            if abs(fp) < 1e-5 * p and abs(fy) < tol:
                return h + dhdt * dt + dhdr * dr, rho + dr, t + dt
            t, rho = t + dt, rho + dr
            if not (150.0 < t < 1000.0 and rho > 0.0):
                return None
    except ValueError:  # CoolProp could not evaluate the state
        return None
    finally:
        st.unspecify_phase()
    return None


def _extrapolated(warm):
    """Start (T, rho) from the last solves ``[T, rho, T', rho', T'', rho'']``: quadratic (three
    solves) or linear (two) extrapolation, or the last one."""
    if len(warm) >= 6:
        return 3.0 * (warm[0] - warm[2]) + warm[4], 3.0 * (warm[1] - warm[3]) + warm[5]
    if len(warm) >= 4:
        return 2.0 * warm[0] - warm[2], 2.0 * warm[1] - warm[3]
    return warm[0], warm[1]


def _compress(CP, st, h1, s1, rho1, p_evap, p_cond, eta_is, clearance, t_guess=None, t_dew_cond=None,
              t_suction=None, warm=None):
    """Discharge enthalpy, isentropic and volumetric efficiencies, and the isentropic discharge
    temperature [K]. ``t_guess`` (above the critical pressure) solves the isentrope by
    :func:`_single_phase_isentrope`; ``t_dew_cond`` (subcritical: the condenser's dew point
    [K]) with ``t_suction`` [K] does the same in the imposed vapour phase, from the ideal-gas
    guess ``T1 (p_cond / p_evap)^0.13`` (kappa ~1.15), and keeps the result when it lies above that dew
    point; otherwise, or with neither, CoolProp's (p, s) flash. ``warm`` (maps): a list
    ``[T, rho]`` of a neighbouring cell's isentropic discharge, the start of
    :func:`_newton_t_rho` (same checks of the phase), updated with this cell's;
    with the solves before it, starts from their extrapolation (:func:`_extrapolated`)."""
    h2s = None
    if warm is not None and warm[0] is not None:
        t_crit = st.T_critical()
        if t_guess is not None and warm[0] > t_crit + 5.0:
            start = _extrapolated(warm)
            if not start[0] > t_crit + 5.0:
                start = warm[:2]
            h2s, rho2s, t2s = _newton_t_rho(CP, st, CP.iphase_supercritical, p_cond, "s", s1, *start) or (None,) * 3
            if h2s is not None and not t2s > t_crit + 1.0:
                h2s = None
        elif t_guess is None and t_dew_cond is not None:
            start = _extrapolated(warm)
            h2s, rho2s, t2s = _newton_t_rho(CP, st, CP.iphase_gas, p_cond, "s", s1, *start) or (None,) * 3
            if h2s is not None and not t2s > t_dew_cond:
                h2s = None
    if h2s is not None:
        pass
    elif t_guess is not None:  # above p_crit: impose the supercritical phase while clearly above T_crit
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
    elif warm is not None:
        warm[2:] = warm[:4] if warm[0] is not None else []  # the two before, to extrapolate
        warm[0], warm[1] = t2s, rho2s
    eta = 0.874 - 0.0135 * (p_cond / p_evap) if eta_is == "brunin" else eta_is  # eta_is_brunin, as a float
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
    min_pressure_ratio: float = 1.5


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


def _condenser(CP, st, s: _Settings, t_sink_degc: float, sat=None):
    """(condensing pressure [Pa], liquid outlet enthalpy h3 [J/kg], dew temperature [K]) for one sink."""
    p_cond = _p_sat_mid(CP, st, t_sink_degc + 273.15 + s.approach_cond_k, sat)
    h3 = _liquid_out(CP, st, p_cond, s.subcooling_k, sat)
    if sat is not None and (t_dew := sat.t_dew(p_cond)) is not None:
        return p_cond, h3, t_dew
    st.update(CP.PQ_INPUTS, p_cond, 1.0)
    return p_cond, h3, st.T()


def _solve_subcritical(CP, st, s: _Settings, suction, condenser, warm=None):
    p_evap, h1, s1, rho1, t1 = suction
    p_cond, h3, t_dew = condenser
    h2, eta, eta_vol, _ = _compress(CP, st, h1, s1, rho1, p_evap, p_cond, s.eta_is, s.clearance,
                                    t_dew_cond=t_dew, t_suction=t1, warm=None if warm is None else warm.iso)
    return CycleState(p_evap, p_cond, h1, h2, h3, h3, rho1, eta_vol, eta)


def _discharge_t(CP, st, c: CycleState, t2s: float, rho2s: float | None = None) -> float:
    """Discharge temperature [K] at (h2, p_high): Newton on T from the isentropic discharge ``t2s``
    with (p, T) updates in the imposed supercritical phase, (∂h/∂T)_p = c_p, to |Δh| < 1 J/kg
    (~1e-3 K); the (h, p) flash, ~0.7 ms against ~0.05 ms, where the phase may not hold.
    With ``rho2s`` (maps) :func:`_newton_t_rho` from the isentropic discharge state first."""
    t = t2s
    if rho2s is not None and t2s > st.T_critical() + 1.0:
        found = _newton_t_rho(CP, st, CP.iphase_supercritical, c.p_cond_pa, "h", c.h2, t2s, rho2s)
        if found is not None and found[2] > st.T_critical() + 1.0:
            return found[2]
    if t2s > st.T_critical() + 1.0:
        for _ in range(10):
            _update_pt_in_phase(CP, st, CP.iphase_supercritical, c.p_cond_pa, t)
            dh = st.hmass() - c.h2
            if abs(dh) < 1.0:
                return t - dh / st.cpmass()
            t -= dh / st.cpmass()
    st.update(CP.HmassP_INPUTS, c.h2, c.p_cond_pa)
    return st.T()


class _Warm:
    """Warm starts of one map row (a neighbouring cell's solution) for :func:`_newton_t_rho`."""

    def __init__(self):
        self.iso = [None, None]  # isentropic discharge [T K, rho kg/m³]
        self.rho_gc = None  # R744 gas-cooler outlet density [kg/m³]
        self.root = None  # R744: the last constrained high pressure [Pa]
        self.slope = None  # R744: d(discharge - needed)/dp there [K/Pa]
        self.at_p_hi = {}  # R744: (p_evap, t_gc, t_needed) -> discharge hot enough at 14 MPa


def _gc_outlet_h(CP, st, phase, p, t, warm: _Warm):
    """R744 gas-cooler outlet enthalpy [J/kg] at (p, T): Newton on rho at fixed T with (rho, T)
    updates from the warm start, (∂p/∂rho)_T from the state, to |Δp| < 1e-9 p, last step to
    first order (dh = (∂h/∂rho)_T drho); else the exact imposed-phase (p, T) update."""
    rho = warm.rho_gc
    if rho is not None:
        st.specify_phase(phase)
        try:
            for _ in range(12):
                st.update(CP.DmassT_INPUTS, rho, t)
                fp = st.p() - p
                dpdr = st.first_partial_deriv(CP.iP, CP.iDmass, CP.iT)
                dr = -fp / dpdr
                if abs(fp) < 1e-5 * p:  # the first-order last step leaves ~1e-10
                    warm.rho_gc = rho + dr
                    return st.hmass() + st.first_partial_deriv(CP.iHmass, CP.iDmass, CP.iT) * dr
                rho += dr
                if not rho > 0.0:
                    break
        except ValueError:
            pass
        finally:
            st.unspecify_phase()
    _update_pt_in_phase(CP, st, phase, p, t)
    warm.rho_gc = st.rhomass()
    return st.hmass()


def _solve_r744(CP, st, s: _Settings, suction, t_sink_k, warm: _Warm | None = None):
    """Transcritical R744 cycle; the discharge must be hotter than ``t_sink + approach_cond``.

    Gas-cooler outlet ``T3 = T_return + approach_cond`` [K], the return water being
    ``return_degc`` when given (hot water: the cold water or the tank bottom) or else
    ``t_sink - sink_delta_k``: a counterflow gas cooler cools the CO2 to a few kelvin above
    the water *inlet* (approach 2-5 K in Nekså 2002, CO2 heat pump systems, Int. J.
    Refrig. 25(4):421-427, and Stene 2005, Int. J. Refrig. 28(8):1259-1265), so a cold
    return is what makes R744 efficient and a warm radiator return costs it dearly.

    The high pressure follows :func:`p_opt_liao` (or a bounded COP search), restricted to
    ``[max(1.01 p_crit, min_pressure_ratio p_evap), 14 MPa]`` (the compressor's lowest
    pressure ratio, see :func:`_within_min_ratio`: R744 holds it by raising the high
    pressure, and the map's colder-rows rule evaporates colder where that is better);
    where the discharge is then too cold to heat the water to
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
        if warm is None:
            _update_pt_in_phase(CP, st, gc_out_phase, p_high, t_gc)  # p_high > p_crit: one phase
            h3 = st.hmass()
        else:
            h3 = _gc_outlet_h(CP, st, gc_out_phase, p_high, t_gc, warm)
        guess = t1 * (p_high / p_evap) ** 0.23  # ideal-gas isentrope, kappa = 1.3
        h2, eta, eta_vol, t2s = _compress(CP, st, h1, s1, rho1, p_evap, p_high, s.eta_is, s.clearance, guess,
                                          warm=None if warm is None else warm.iso)
        return CycleState(p_evap, p_high, h1, h2, h3, h3, rho1, eta_vol, eta), t2s

    def discharge(point):
        state, t2s = point
        return _discharge_t(CP, st, state, t2s, None if warm is None else warm.iso[1])

    def hot_enough(point):
        return point[1] >= t_needed or discharge(point) >= t_needed

    p_lo, p_hi = max(st.p_critical() * 1.01, s.min_pressure_ratio * p_evap), 14.0e6
    if p_lo >= p_hi:
        raise InputError(f"cycle_map: R744 evaporating at {p_evap / 1e5:.1f} bar needs a high pressure of at "
                         f"least {p_lo / 1e6:.2f} MPa (min_pressure_ratio = {s.min_pressure_ratio:g}), above "
                         f"{p_hi / 1e6:g} MPa")
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
    if warm is None:
        reachable = hot_enough(at(p_hi))
    else:  # one evaluation at 14 MPa per row and gas-cooler outlet, with its own warm start
        key = (p_evap, t_gc, t_needed)  # a row may evaporate colder in some cells (the colder-rows rule)
        if key not in warm.at_p_hi:
            saved = (list(warm.iso), warm.rho_gc)
            warm.at_p_hi[key] = hot_enough(at(p_hi))
            warm.iso[:], warm.rho_gc = saved
        reachable = warm.at_p_hi[key]
    unreachable = InputError(f"cycle_map: R744 cannot reach a supply of {t_sink_k - 273.15:.1f} °C below "
                             f"{p_hi / 1e6:g} MPa at evaporation pressure {p_evap / 1e5:.1f} bar")
    if not reachable:
        raise unreachable

    def excess(p):
        return discharge(at(p)) - t_needed

    if warm is not None:  # secant from the neighbouring cell's pressure: a few evaluations
        found = _secant_root(excess, p_high, p_hi, warm.root, warm.slope)
        if found is not None:
            warm.root, warm.slope = found
            return at(warm.root)[0]
    from scipy.optimize import brentq

    if excess(p_hi) < 0.0:  # Brent needs the bracket; a warm-started check may sit within its tolerance
        raise unreachable
    p_high = brentq(excess, p_high, p_hi, xtol=1e-2)
    if warm is not None:
        warm.root = p_high
    return at(p_high)[0]


def _secant_root(func, lo: float, hi: float, guess: float | None, slope: float | None = None):
    """(root [Pa], last secant slope) of the rising ``func`` in ``(lo, hi]`` (``func(lo) < 0 <=
    func(hi)``) by the secant method from ``guess``, its first step a Newton step with the
    neighbouring cell's ``slope`` when known, to |Δp| < 1e-2 Pa (the bisection of
    :func:`scipy.optimize.brentq` to the same tolerance needs ~3x the evaluations); None if it
    leaves the bracket or stalls."""
    p0 = lo if guess is None or not lo < guess < hi else guess
    f0 = func(p0)
    p1 = p0 - f0 / slope if slope is not None and slope > 0.0 else p0 + 2e4
    p1 = min(max(p1, lo), hi)
    if abs(p1 - p0) < 1e-2:
        p1 = min(p0 + 1e2, hi)
    f1 = func(p1)
    for _ in range(30):
        if f1 == f0:
            return None
        slope = (f1 - f0) / (p1 - p0)
        p2 = p1 - f1 / slope
        if not lo <= p2 <= hi:
            return None
        if abs(p2 - p1) < 1e-2:
            return p2, slope
        p0, f0, p1, f1 = p1, f1, p2, func(p2)
    return None


def _solve(CP, st, s: _Settings, suction, t_sink_degc, condenser=None, warm: _Warm | None = None):
    """One cycle; ``condenser`` (subcritical fluids) from :func:`_condenser`, computed here if None;
    ``warm`` (maps, R744 with the Liao pressure): warm starts from the neighbouring cell."""
    if s.refrigerant == "R744":
        return _solve_r744(CP, st, s, suction, t_sink_degc + 273.15,
                           warm if s.high_pressure == "liao" else None)
    return _solve_subcritical(CP, st, s, suction, condenser or _condenser(CP, st, s, t_sink_degc), warm)


def _suction_state(CP, st, s: _Settings, t_source_degc: float, t_sink_degc: float, where: str, sat=None):
    t_evap = t_source_degc + 273.15 - s.approach_evap_k
    _check_temperatures(CP, st, s, t_evap, t_sink_degc + 273.15 + s.approach_cond_k, where)
    p_evap = _p_sat_mid(CP, st, t_evap, sat)
    return (p_evap, *_suction(CP, st, p_evap, s.superheat_k, sat))


def _within_min_ratio(CP, st, s: _Settings, suction, p_cond: float, sat=None):
    """The suction, evaporating colder where ``p_cond / p_evap`` would fall below ``s.min_pressure_ratio``.

    A compressor has a lowest pressure ratio (the lower edge of its operating envelope: below
    it a scroll over-compresses and its flanks lose contact; Maertens & Richardson 1992,
    Scroll compressor operating envelope considerations, Int. Compressor Engineering Conf.
    at Purdue, paper 850). With a warm source and a cold supply (EN 14825 point D: 12/24 °C,
    or air above the supply) the expansion valve then holds the evaporation pressure at
    ``p_cond / min_pressure_ratio`` [Pa]: the cycle runs at the minimum ratio, so COP and
    capacity stop rising with the source. Default ratio 1.5 [-] (assumption: scroll and
    rotary envelopes' lower edges lie at about 1.5-2; check the product's envelope).
    """
    p_cap = p_cond / s.min_pressure_ratio
    if suction[0] <= p_cap:
        return suction
    return (p_cap, *_suction(CP, st, p_cap, s.superheat_k, sat))


def _settings(refrigerant, approach_evap_k, approach_cond_k, superheat_k, subcooling_k, eta_is,
              clearance, sink_delta_k, high_pressure, return_degc=None, min_pressure_ratio=1.5) -> _Settings:
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
    min_pressure_ratio = float(check_number(min_pressure_ratio, "min_pressure_ratio", owner=owner, low=1.0,
                                            high=3.0, low_inclusive=False))
    return _Settings(refrigerant, float(approach_evap_k), float(approach_cond_k), float(superheat_k),
                     float(subcooling_k), eta_is, float(clearance), float(sink_delta_k), high_pressure, return_degc,
                     min_pressure_ratio)


def cycle_point(refrigerant: str, t_source_degc: float, t_sink_degc: float, *,
                approach_evap_k: float = 8.0, approach_cond_k: float = 4.0, superheat_k: float = 5.0,
                subcooling_k: float = 3.0, eta_is: float | str = "brunin", clearance: float = 0.04,
                sink_delta_k: float = 5.0, high_pressure: str = "liao",
                return_degc: float | None = None, min_pressure_ratio: float = 1.5) -> CycleState:
    """Solve one cycle between a source inlet and a sink outlet temperature [°C].

    Parameters as in :func:`cycle_map`. With zero approaches, superheat and subcooling and
    ``eta_is=1`` this is the ideal cycle of the textbooks (evaporating at the source and
    condensing at the sink temperature).

    Returns
    -------
    CycleState
    """
    s = _settings(refrigerant, approach_evap_k, approach_cond_k, superheat_k, subcooling_k, eta_is,
                  clearance, sink_delta_k, high_pressure, return_degc, min_pressure_ratio)
    _check_return_below_sink(s, t_sink_degc, "cycle_point")
    CP, st = _state(refrigerant)
    suction = _suction_state(CP, st, s, float(t_source_degc), float(t_sink_degc), "point")
    if refrigerant == "R744":
        return _solve(CP, st, s, suction, float(t_sink_degc))
    condenser = _condenser(CP, st, s, float(t_sink_degc))
    return _solve(CP, st, s, _within_min_ratio(CP, st, s, suction, condenser[0]), float(t_sink_degc), condenser)


# -- maps ----------------------------------------------------------------------------------
def _solve_row(CP, st, s: _Settings, t_source_degc: float, sink_degc, condensers, where: str, sat=None,
               warms=None):
    """COP and volumetric heat [J/m³ swept] along one source row; NaN where the cycle cannot run there,
    with the first reason why (or None). ``sat``: the map's :class:`_SatTable`; ``warms``: one
    :class:`_Warm` per sink column, carried from row to row (the previous row's solution)."""
    cop, vol_heat = np.full(sink_degc.size, np.nan), np.full(sink_degc.size, np.nan)
    try:
        suction = _suction_state(CP, st, s, t_source_degc, sink_degc[-1], where, sat)
    except InputError as error:  # evaporation too close to the critical point or below the EOS limit
        return cop, vol_heat, error
    reason = None
    for k, t_snk in enumerate(sink_degc):
        warm = None if warms is None else warms[k]
        if warm is not None and warm.iso[0] is None and k > 0:  # first row: start from the previous column
            previous = warms[k - 1]
            warm.iso[:], warm.rho_gc = list(previous.iso), previous.rho_gc
            warm.root, warm.slope = previous.root, previous.slope
        try:
            cell = suction if condensers[k] is None else _within_min_ratio(CP, st, s, suction, condensers[k][0], sat)
            c = _solve(CP, st, s, cell, t_snk, condensers[k], warm)
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


def _sat_table(CP, st, s: _Settings, source_degc, sink_degc, rating_point, t_cond_max_degc):
    """A :class:`_SatTable` over the map's evaporation and condensation range for a fluid with a
    glide (blends, R407C), None for pure fluids (one cheap flash each) and R744."""
    if s.refrigerant == "R744":
        return None
    st.update(CP.QT_INPUTS, 0.0, 273.15)
    p_bubble = st.p()
    st.update(CP.QT_INPUTS, 1.0, 273.15)
    if abs(p_bubble - st.p()) <= 1e-9 * st.p():
        return None
    t_lo = max(min(source_degc[0], rating_point[0]) - s.approach_evap_k + 273.15, st.Tmin() + 1.0)
    t_hi = min(max(sink_degc[-1], rating_point[1]), t_cond_max_degc) + s.approach_cond_k + 273.15
    if not t_hi > t_lo:
        return None
    try:
        table = _SatTable(CP, st, t_lo, t_hi)
    except ValueError:  # a flash failed: the exact path then says where
        return None
    return table if table.ok else None


def _solve_grid(s: _Settings, source_degc, sink_degc, rating_point):
    """COP (refrigerant side) and volumetric heating capacity [J/m³ swept] on the grid + rating."""
    CP, st = _state(s.refrigerant)
    cop = np.empty((source_degc.size, sink_degc.size))
    vol_heat = np.empty_like(cop)
    reasons = []
    t_cond_max_k = st.T_critical() - _CRIT_MARGIN_K - s.approach_cond_k - 273.15  # beyond: the rows raise why
    sat = _sat_table(CP, st, s, source_degc, sink_degc, rating_point, t_cond_max_k)
    condensers = [None if s.refrigerant == "R744" or t >= t_cond_max_k else _condenser(CP, st, s, t, sat)
                  for t in sink_degc]
    warms = [_Warm() for _ in sink_degc]
    for i, t_src in enumerate(source_degc):
        cop[i], vol_heat[i], reason = _solve_row(CP, st, s, t_src, sink_degc, condensers, f"source_degc[{i}]", sat,
                                                 warms)
        reasons.append(reason)
    on_grid = np.flatnonzero(source_degc == rating_point[0]), np.flatnonzero(sink_degc == rating_point[1])
    rated_cell = vol_heat[on_grid[0][0], on_grid[1][0]] if on_grid[0].size and on_grid[1].size else np.nan
    _evaporate_colder_where_better(cop, vol_heat, reasons, source_degc, sink_degc)
    if np.isfinite(rated_cell):  # the very same solve: the rating point gives rated_capacity_kw exactly
        return cop, vol_heat, rated_cell
    suction = _suction_state(CP, st, s, rating_point[0], rating_point[1], "rating point", sat)
    if s.refrigerant != "R744":
        condenser = _condenser(CP, st, s, rating_point[1], sat)
        suction = _within_min_ratio(CP, st, s, suction, condenser[0], sat)
    rated = _solve(CP, st, s, suction, rating_point[1])
    return cop, vol_heat, rated.rho1 * rated.eta_vol * rated.q_cond_j_kg


def cycle_map(refrigerant: str, source_degc, sink_degc, *, rated_capacity_kw: float,
              source: Source | None = None, approach_evap_k: float | None = None,
              approach_cond_k: float = 4.0, superheat_k: float = 5.0, subcooling_k: float = 3.0,
              eta_is: float | str = "brunin", eta_el: float | None = None, clearance: float = 0.04,
              sink_delta_k: float = 5.0, high_pressure: str = "liao", return_degc: float | None = None,
              max_sink_degc: float | None = None, min_pressure_ratio: float = 1.5,
              min_modulation_frac: float = 0.3, model: str = "", use_cache: bool = True) -> PerformanceMap:
    """Performance map of a single-stage vapour-compression heat pump from a CoolProp cycle.

    Parameters
    ----------
    refrigerant : str
        One of :data:`REFRIGERANTS` (R290, R32, R1234ze(E), R134a, R410A, R407C, R744, R454C,
        R454B, R452B).
    source_degc, sink_degc : array_like
        Strictly ascending grids of source inlet and sink (water outlet) temperatures [°C];
        a sink may lie below a source (the compressor then runs at ``min_pressure_ratio``).
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
    eta_el : float, optional
        Heat-to-electricity factor: motor/inverter efficiency and EN 14511 auxiliaries
        (fan or pump share) [-]. Default per source kind, :data:`DEFAULT_ETA_EL`: air 0.81
        (calibrated to EN 14825 declarations of certified air/water units, with the default
        defrost), brine and water 0.88 (assumption); R744 0.88 (:func:`default_eta_el`).
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
        optimum COP at the points checked in the tests, ~0.1 s for 40 x 40) or a bounded
        scalar search for the COP maximum (exact path without the map's shortcuts, ~14 s).
    max_sink_degc : float, optional
        Highest supply temperature of the product [°C] (default: the grid's end).
    min_pressure_ratio : float
        Lowest compressor pressure ratio [-] (default 1.5, in (1, 3]): a warm source over a
        cold supply evaporates colder (R744: a higher high pressure) to keep it, so sinks
        below the sources are allowed and run at this ratio (see :func:`_within_min_ratio`).
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
    check_positive(rated_capacity_kw, "rated_capacity_kw", owner="cycle_map", unit="kW")
    eta_el = default_eta_el(refrigerant, source.kind) if eta_el is None else eta_el
    check_number(eta_el, "eta_el", owner="cycle_map", low=0.0, high=1.0, low_inclusive=False)
    check_fraction(min_modulation_frac, "min_modulation_frac", owner="cycle_map")
    approach_evap_k = source.evaporator_approach_k if approach_evap_k is None else approach_evap_k
    s = _settings(refrigerant, approach_evap_k, approach_cond_k, superheat_k, subcooling_k, eta_is,
                  clearance, sink_delta_k, high_pressure, return_degc, min_pressure_ratio)
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
