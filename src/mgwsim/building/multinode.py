"""Multi-node hourly zone after EN ISO 52016-1:2017: a node per layer of every element, for ASHRAE 140 (BESTEST).

The 5R1C network of :mod:`mgwsim.building.thermal` (EN ISO 13790:2008 Annex C) lumps all mass
into one node that exchanges with the outside through one conductance. ANSI/ASHRAE Standard
140's Cases 600/900 put most of the transmitted sun on a floor that has practically no loss
(U ≈ 0.04 W/(m²·K)) while the walls and the roof do lose; one mass node cannot tell them apart.
This module is the *detailed* alternative EN ISO 52016-1:2017 (6.5.6–6.5.13) prescribes
instead of the 5R1C: every element has its own nodes, the room surfaces exchange by
convection with the air and by long-wave radiation with each other, and the solar through
the windows lands on the surfaces that receive it. It is used for the BESTEST validation
(``tests/test_bestest.py``, ``docs/bestest.md``); the building stock keeps the 5R1C.

**Nodes and conductances** (all per element of area A [m²], temperatures [°C], flows [W]):

* opaque element: its layers (inside → out, :class:`mgwsim.building.mass.Layer`) are cut into
  sub-layers of at most :data:`MAX_SUBLAYER_M` (a massless layer is one resistance); nodes sit
  on the sub-layer faces, each sub-layer couples its two faces by λ·A/d and gives half its
  capacity ρ·c·d·A to each (finite volumes; EN ISO 52016-1 6.5.7 places five nodes per element
  by mass class, the layers are used here as 140 specifies them);
* inside surface: convection h_ci·A to the air node and long-wave radiation h_ri·A to the
  area-weighted mean surface temperature (EN ISO 52016-1 6.5.6.3, eq. 35: the "star" node with
  no capacity is exactly that mean);
* outside surface (constant coefficients; the physical ones below): h_ce·A + h_re·A to the outdoor
  air, plus the long-wave exchange with the sky as a source F_sky·h_re·A·(θ_sky − θ_e) and the
  absorbed sun α_sol·A·I_sol (EN ISO 52016-1 6.5.6.3 eq. 35–36, 6.5.13.3);
* window: two massless surface nodes joined by 1/R_gl with R_gl = 1/U_w − 1/(h_ce + h_re) −
  1/(h_ci + h_ri) (EN ISO 52016-1 6.5.7.3: U_w includes both surface coefficients);
* air node: capacity ρ_a·c_a·V, ventilation ρ_a·c_a·n·V/3600 to the outdoor air (ρ_a·c_a at
  altitude, :func:`mgwsim.building.envelope.air_heat_capacity_j_m3k`), the convective share
  of the internal gains and the ideal heating or cooling.

Coefficients (``surface_coefficients``). ``"constant"``: EN ISO 52016-1:2017 Table 25 (with EN ISO
6946:2017 6.8 / Annex C): h_ce = 20, h_re = 4.14 (ε = 0.9), h_ri = 5.13 W/(m²·K), the sky as the source
F_sky·h_re·A·(θ_sky − θ_e). ``"physical"`` (default) evaluates the same physics at the hour's
conditions instead of at Table 25's reference ones (θ_m = 0 °C outside, 20 °C inside, v = 4 m/s):

* outside convection h_ce = 4 + 4·v [W/(m²·K)] (EN ISO 6946:2017 C.2, the formula behind Table 25's
  20), v [m/s] the weather's wind brought from its 10 m to the face's centroid height H by the
  power law (H/10)^0.14 of open terrain (ASHRAE Handbook—Fundamentals 2021 ch. 24 eq. 4; no
  height given: the 10 m wind);
* outside long-wave ε·σ·A·(F_sky·T_sky⁴ + (1 − F_sky)·T_e⁴ − T_s⁴) [W] with temperatures in K (the
  ground at the air temperature), instead of its linearisation ε·h_r0·A with h_r0 = 4σT_m³ at
  T_m = 273 K (EN ISO 6946:2017 C.3): on a clear winter night, surface −20 °C and sky −35 °C, the
  exchange is 27 % smaller than the linear one;
* room long-wave between each face and the star node ε·σ·A·(T_a⁴ − T_b⁴) [W] (h_r0 = 4σT_m³ at the
  room's temperature instead of 20 °C: 19 % less at 0 °C, 28 % more at 45 °C);
* the glazing gap (``window_gap``, :class:`GlazingGap`) with its long-wave part at the panes'
  temperatures (EN 673:2011 5.3 with the secant σ·(T₁² + T₂²)·(T₁ + T₂) for 4σT_m³);
* the air change n·V of the room's air at its density, ρ_a ∝ 1/T_air at the site's pressure (ideal
  gas): H_ve·293.15 K/T_air [W/K], 7 % more than at 20 °C in a room at 0 °C, 7 % less at 41 °C.

The matrix keeps Table 25's coefficients; each sub-step the conductances of these links are
re-evaluated at the previous sub-step's temperatures and replace the matrix's exactly (a low-rank
Woodbury update, :func:`_march`). h_ci = 2.5 W/(m²·K) for walls and windows, 5.0 for upward and 0.7
for downward heat flow at floors and ceilings in both modes (EN ISO 52016-1 Table 25); the direction
is taken from the previous step's surface and air temperatures (a warm floor under the sun
convects upward, a cold one does not).

**Sky.** θ_sky from the weather's horizontal infrared irradiance when the weather has it,
IR = σ·(θ_sky + 273.15)⁴ (ASHRAE Handbook—Fundamentals 2021, ch. 14; the EPW/TMY3 field 12),
else θ_sky = θ_e − Δθ_er with EN ISO 52016-1's Δθ_er = 11 K. F_sky = (1 + cos β)/2 for tilt β.

**Sun inside.** The window's solar gain g(θ)·I_dir·A_w + ḡ·I_dif·A_w (g(θ) and its hemispherical
mean ḡ as in :class:`mgwsim.building.envelope.Window`) is split as g = τ_e + q_i (EN 410:2011
5.1): the share τ_e/g enters as short wave, its beam part on the floor, its diffuse part on all
opaque room surfaces by area; q_i/g, absorbed in the panes and flowing inward, leaves the
window's room face by convection to the air and long-wave radiation to the room surfaces (by
area) in the ratio h_ci : h_ri. What a surface does not absorb (1 − α_i) is
reflected diffusely to all surfaces by area; of what reaches the windows from inside the
glazing's inside reflectance ρ_w returns, the rest leaves. With R the total reflected flow,
surface i absorbs α_i·(F_i + R·A_i/ΣA), R = Σ(1 − α_i)·F_i / (1 − (Σ(1 − α_i)·A_i + ρ_w·A_w)/ΣA)
over the opaque surfaces (F_i the first hit); the windows lose (1 − ρ_w)·R·A_w/ΣA. Radiant
internal gains go to all room surfaces by area (EN ISO 52016-1 6.5.6.3).

**Time step.** Implicit (backward) Euler as EN ISO 52016-1 6.5.6.2 solves the node matrix:
(C/Δt + K)·θ_t = C/Δt·θ_t−1 + f_t, in :data:`SUBSTEPS_PER_HOUR` sub-steps per weather step
(the outdoor air temperature and the sky term interpolated linearly within the step, the sun
and the gains held). At one step per hour the first-order scheme damps the light zone's daily swing
measurably (``docs/bestest.md``). The node temperatures are affine in the heating power Φ_HC at
the air node, so Φ_HC follows from one column of the matrix's inverse (ideal control of the air
temperature between the heating and cooling setpoints every sub-step, ASHRAE 140 5.2.1.9); the
step reports its mean. The year is run twice and the second pass recorded (periodic year).
Exterior and window radiative coefficients follow the surfaces' emissivities, h_r = ε·h_r0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mgwsim._numba import njit
from mgwsim.building.envelope import Window, air_heat_capacity_j_m3k
from mgwsim.building.mass import Layer
from mgwsim.errors import InputError, check_fraction, check_number, check_positive, check_series
from mgwsim.solar import plane_irradiance
from mgwsim.weather import Weather

STEFAN_BOLTZMANN = 5.670374419e-8
"""σ [W/(m²·K⁴)] (CODATA 2018)."""
H_CE_W_M2K = 20.0
"""External convective surface coefficient h_ce [W/(m²·K)] (EN ISO 52016-1:2017 Table 25; EN ISO 6946:2017 C.2)."""
H_RE_W_M2K = 4.14
"""External radiative surface coefficient h_re [W/(m²·K)] for ε = 0.9 (EN ISO 52016-1:2017 Table 25)."""
H_RI_W_M2K = 5.13
"""Internal radiative surface coefficient h_ri [W/(m²·K)] for ε = 0.9 (EN ISO 52016-1:2017 Table 25)."""
H_R0_EXTERNAL_W_M2K = H_RE_W_M2K / 0.9
"""Black-body radiative coefficient h_r0 = 4σT_m³ outside, 4.6 W/(m²·K) at 0 °C (EN ISO 6946:2017 C.3); h_re = ε·h_r0."""
H_R0_INTERNAL_W_M2K = H_RI_W_M2K / 0.9
"""Black-body radiative coefficient h_r0 inside, 5.7 W/(m²·K) at 20 °C (EN ISO 6946:2017 C.3); h_ri = ε·h_r0."""
H_CI_HORIZONTAL_FLOW_W_M2K = 2.5
"""Internal convective coefficient for horizontal heat flow (walls, windows) [W/(m²·K)] (EN ISO 52016-1 Table 25)."""
H_CI_UPWARD_W_M2K = 5.0
"""Internal convective coefficient for upward heat flow [W/(m²·K)] (EN ISO 52016-1 Table 25)."""
H_CI_DOWNWARD_W_M2K = 0.7
"""Internal convective coefficient for downward heat flow [W/(m²·K)] (EN ISO 52016-1 Table 25)."""
SKY_TEMPERATURE_DIFFERENCE_K = 11.0
"""Δθ_er between outdoor air and sky without infrared data [K] (EN ISO 52016-1:2017 6.5.13.3, EN ISO 13790 11.4.6)."""
MAX_SUBLAYER_M = 0.02
"""Largest sub-layer of a massive layer [m]; 2 cm resolve the daily wave in concrete (penetration depth ≈ 13 cm)."""
WIND_PROFILE_EXPONENT = 0.14
"""Power-law exponent a of the wind profile over open terrain, as at an airport weather station [-] (ASHRAE
Handbook—Fundamentals 2021, ch. 24, Table 1; the boundary-layer thickness δ = 270 m cancels when the site's
terrain is the station's)."""
WIND_MEASUREMENT_HEIGHT_M = 10.0
"""Height of the weather file's wind speed [m] (TMY3/EPW: 10 m, WMO standard)."""
AIR_REFERENCE_TEMPERATURE_K = 293.15
"""Temperature at which :func:`mgwsim.building.envelope.air_heat_capacity_j_m3k`'s ρ_a·c_a holds [K]: the
0.34 Wh/(m³·K) of EN ISO 13789:2017 6.3 rests on ρ_a ≈ 1.2 kg/m³, dry air at 20 °C and 1013 hPa (ideal
gas, ρ = p/(R·T), R = 287.05 J/(kg·K): 1.204 kg/m³)."""
SUBSTEPS_PER_HOUR = 6
"""Implicit-Euler sub-steps per hour (10 min, EnergyPlus's default of 6 time steps per hour).

Backward Euler is first order: at 1 h it damps the light zone's daily swing (BESTEST Case 600FF
maximum 1.3 K low, Case 600 heating 1.9 % low against 30 sub-steps); 6 sub-steps are within
0.2 K and 0.4 % of 30 (``docs/bestest.md``, time step)."""


@dataclass(frozen=True)
class LayeredElement:
    """An opaque element with its layers, inside first, exposed to the outdoor air on its outer face.

    ``tilt_deg`` is the tilt of the outer face (90 wall, 0 flat roof, 180 a floor facing down
    onto the outdoor air); ``sunlit`` False keeps the sun off the outer face (a raised floor
    in its own shade). Absorptances [-] and the outside emissivity ε [-]. ``height_m`` is the outer
    face's centroid above the ground [m], for the wind it sees with physical surface coefficients
    (:func:`local_wind_factor`; None: the weather's 10 m wind).
    """

    name: str
    area_m2: float
    layers: tuple[Layer, ...]
    tilt_deg: float = 90.0
    azimuth_deg: float = 180.0
    solar_absorptance: float = 0.6
    emissivity: float = 0.9
    inside_solar_absorptance: float = 0.6
    sunlit: bool = True
    height_m: float | None = None

    def __post_init__(self):
        owner = f"LayeredElement({self.name})"
        check_positive(self.area_m2, "area_m2", owner=owner, unit="m2")
        object.__setattr__(self, "layers", tuple(self.layers))
        if not self.layers:
            raise InputError(f"{owner}.layers is empty; give the layers from the inside out")
        check_number(self.tilt_deg, "tilt_deg", owner=owner, low=0.0, high=180.0, unit="deg")
        check_number(self.azimuth_deg, "azimuth_deg", owner=owner, low=0.0, high=360.0, unit="deg")
        check_fraction(self.solar_absorptance, "solar_absorptance", owner=owner)
        check_fraction(self.emissivity, "emissivity", owner=owner)
        check_fraction(self.inside_solar_absorptance, "inside_solar_absorptance", owner=owner)
        if self.height_m is not None:
            check_number(self.height_m, "height_m", owner=owner, low=0.0, high=500.0, unit="m")

    @property
    def inside(self) -> str:
        """Orientation of the room-side face: "wall", "ceiling" (outer face up) or "floor" (outer face down)."""
        if self.tilt_deg < 45.0:
            return "ceiling"
        return "floor" if self.tilt_deg > 135.0 else "wall"

    @property
    def layer_resistance_m2k_w(self) -> float:
        """Σ d/λ of the layers [m²·K/W], surface resistances excluded."""
        return sum(layer.thickness_m / layer.conductivity_w_mk for layer in self.layers)


@dataclass(frozen=True)
class GlazingGap:
    """The gas gap of the windows' glazing, for its conductance at the panes' temperatures (EN 673:2011 5.2–5.4).

    ``panes_resistance_m2k_w`` Σ d/λ of the panes [m²·K/W]; ``gas_conductance_w_m2k`` h_g = Nu·λ/s of the
    gas [W/(m²·K)]; ``emissivities`` the long-wave emissivities of the two faces across the gap [-]. The
    gap's radiative conductance h_r = σ·(T₁² + T₂²)·(T₁ + T₂)/(1/ε₁ + 1/ε₂ − 1) [W/(m²·K)] (EN 673 5.3
    with 4σT_m³ replaced by the exact secant at the panes' temperatures T₁, T₂ [K]).
    """

    panes_resistance_m2k_w: float
    gas_conductance_w_m2k: float
    emissivities: tuple[float, float]

    def __post_init__(self):
        check_number(self.panes_resistance_m2k_w, "panes_resistance_m2k_w", owner="GlazingGap", low=0.0, high=1.0,
                     unit="m2K/W")
        check_positive(self.gas_conductance_w_m2k, "gas_conductance_w_m2k", owner="GlazingGap", unit="W/m2K")
        object.__setattr__(self, "emissivities", tuple(self.emissivities))
        if len(self.emissivities) != 2:
            raise InputError("GlazingGap.emissivities needs the two faces' emissivities")
        for emissivity in self.emissivities:
            check_fraction(emissivity, "emissivities", owner="GlazingGap")

    @property
    def radiative_factor(self) -> float:
        """1/(1/ε₁ + 1/ε₂ − 1) [-] (EN 673:2011 eq. 4)."""
        e1, e2 = self.emissivities
        return 0.0 if e1 == 0.0 or e2 == 0.0 else 1.0 / (1.0 / e1 + 1.0 / e2 - 1.0)

    def resistance_m2k_w(self, mean_temperature_k: float = 283.0) -> float:
        """Pane face to pane face [m²·K/W] at T_m (EN 673:2011 5.2–5.4, T_m = 283 K there)."""
        h_r = 4.0 * STEFAN_BOLTZMANN * mean_temperature_k**3 * self.radiative_factor
        return self.panes_resistance_m2k_w + 1.0 / (self.gas_conductance_w_m2k + h_r)


@dataclass(frozen=True)
class MultiNodeZone:
    """One zone: layered opaque elements, windows (:class:`~mgwsim.building.envelope.Window`), air.

    ``radiative_gain_fraction`` is the share of the internal gains given as long-wave
    radiation to the room surfaces (the rest to the air). ``window_inside_reflectance`` is the
    glazing's solar reflectance seen from the room [-]: that part of the sun reaching the windows
    from inside is reflected back into the room, the rest leaves (0: all leaves).
    ``window_transmitted_share`` is τ_e/g of the glazing at normal incidence [-] (EN 410:2011, g =
    τ_e + q_i): that share of the window's solar gain enters as short-wave radiation, the rest
    (the secondary heat transfer q_i, sun absorbed in the panes and flowing inward) from the
    window's room face (1: all as short wave).
    ``surface_coefficients`` ``"physical"`` (default) or ``"constant"`` (EN ISO 52016-1 Table 25; module
    docstring). ``window_gap`` the glazing's gap (:class:`GlazingGap`) for its conductance at the panes'
    temperatures (physical coefficients only; None: the glazing's conductance from ``u_w_m2k``, constant).
    ``window_height_m`` the windows' centroid above the ground [m] for their wind (None: 10 m).
    """

    elements: tuple[LayeredElement, ...]
    windows: tuple[Window, ...]
    volume_m3: float
    infiltration_per_h: float
    altitude_m: float = 0.0
    radiative_gain_fraction: float = 0.6
    window_inside_reflectance: float = 0.0
    window_transmitted_share: float = 1.0
    surface_coefficients: str = "physical"
    window_gap: GlazingGap | None = None
    window_height_m: float | None = None

    def __post_init__(self):
        object.__setattr__(self, "elements", tuple(self.elements))
        object.__setattr__(self, "windows", tuple(self.windows))
        if not self.elements:
            raise InputError("MultiNodeZone.elements is empty")
        check_positive(self.volume_m3, "volume_m3", owner="MultiNodeZone", unit="m3")
        check_number(self.infiltration_per_h, "infiltration_per_h", owner="MultiNodeZone", low=0.0, high=5.0,
                     unit="1/h")
        check_fraction(self.radiative_gain_fraction, "radiative_gain_fraction", owner="MultiNodeZone")
        check_fraction(self.window_inside_reflectance, "window_inside_reflectance", owner="MultiNodeZone")
        check_fraction(self.window_transmitted_share, "window_transmitted_share", owner="MultiNodeZone")
        if self.surface_coefficients not in ("physical", "constant"):
            raise InputError(f"MultiNodeZone.surface_coefficients = {self.surface_coefficients!r}; "
                             "give 'physical' or 'constant'")
        if self.window_height_m is not None:
            check_number(self.window_height_m, "window_height_m", owner="MultiNodeZone", low=0.0, high=500.0, unit="m")

    def u_value_w_m2k(self, element: LayeredElement) -> float:
        """Steady U of an element with this model's surface coefficients [W/(m²·K)] (EN ISO 6946 6.7.1).

        R_si = 1/(h_ci + h_ri) with h_ci for heat flowing out of a heated room (horizontal
        for walls, upward at the ceiling, downward at the floor), R_se = 1/(h_ce + h_re).
        """
        h_ci = {"wall": H_CI_HORIZONTAL_FLOW_W_M2K, "ceiling": H_CI_UPWARD_W_M2K,
                "floor": H_CI_DOWNWARD_W_M2K}[element.inside]
        h_re = element.emissivity * H_R0_EXTERNAL_W_M2K
        return 1.0 / (1.0 / (h_ci + H_RI_W_M2K) + element.layer_resistance_m2k_w + 1.0 / (H_CE_W_M2K + h_re))

    @property
    def ventilation_w_k(self) -> float:
        """H_ve = ρ_a·c_a·n·V/3600 [W/K] with ρ_a·c_a at the altitude (EN ISO 13789 8, ISO 2533)."""
        return air_heat_capacity_j_m3k(self.altitude_m) * self.volume_m3 * self.infiltration_per_h / 3600.0

    @property
    def steady_loss_w_k(self) -> float:
        """Σ U·A + H_ve [W/K] with :meth:`u_value_w_m2k` and the windows' U_w."""
        return (sum(self.u_value_w_m2k(e) * e.area_m2 for e in self.elements)
                + sum(w.h_w_k for w in self.windows) + self.ventilation_w_k)


class _Network:
    """Node bookkeeping: capacities, fixed couplings, the switchable convection at floors and ceilings."""

    AIR, STAR = 0, 1

    def __init__(self, zone: MultiNodeZone):
        self.zone = zone
        self.capacity = [air_heat_capacity_j_m3k(zone.altitude_m) * zone.volume_m3, 0.0]
        self.links: list[tuple[int, int, float]] = []  # (i, j, G [W/K])
        self.outdoor = [zone.ventilation_w_k, 0.0]  # G to the outdoor air per node
        self.inner, self.outer = [], []  # per element, then per window
        self.horizontal = []  # (element index, inside node, "floor"/"ceiling", area)
        self.radiant = []  # (room face, STAR, area, ε, G in the matrix [W/K]): long-wave links in the room
        self.gaps = []  # (inner pane, outer pane, area, G in the matrix [W/K]): the glazing's pane-to-pane links
        for k, element in enumerate(zone.elements):
            self._add_element(k, element)
        for window in zone.windows:
            self._add_window(window)
        self.n = len(self.capacity)
        self.capacity = np.array(self.capacity)
        self.outdoor = np.array(self.outdoor)

    def _node(self, capacity: float = 0.0) -> int:
        self.capacity.append(capacity)
        self.outdoor.append(0.0)
        return len(self.capacity) - 1

    def _add_element(self, k: int, element: LayeredElement) -> None:
        area = element.area_m2
        surface = self._node()
        self.inner.append(surface)
        if element.inside == "wall":
            self.links.append((self.AIR, surface, H_CI_HORIZONTAL_FLOW_W_M2K * area))
        else:
            self.horizontal.append((k, surface, element.inside, area))
        self.links.append((self.STAR, surface, H_RI_W_M2K * area))
        self.radiant.append((surface, self.STAR, area, H_RI_W_M2K / H_R0_INTERNAL_W_M2K, H_RI_W_M2K * area))
        node = surface
        for layer in element.layers:
            volumetric = layer.density_kg_m3 * layer.specific_heat_j_kgk
            parts = 1 if volumetric == 0.0 else max(1, math.ceil(layer.thickness_m / MAX_SUBLAYER_M - 1e-9))
            d = layer.thickness_m / parts
            for _ in range(parts):
                half = 0.5 * volumetric * d * area
                self.capacity[node] += half
                nxt = self._node(half)
                self.links.append((node, nxt, layer.conductivity_w_mk / d * area))
                node = nxt
        self.outer.append(node)
        self.outdoor[node] += (H_CE_W_M2K + element.emissivity * H_R0_EXTERNAL_W_M2K) * area

    def _add_window(self, window: Window) -> None:
        area = window.area_m2
        h_re, h_ri = window_radiative_coefficients(window)
        r_gl = 1.0 / window.u_w_m2k - 1.0 / (H_CE_W_M2K + h_re) - 1.0 / (H_CI_HORIZONTAL_FLOW_W_M2K + h_ri)
        if r_gl <= 0.0:
            raise InputError(f"Window(azimuth {window.azimuth_deg}).u_w_m2k = {window.u_w_m2k} is above what the "
                             "surface coefficients alone allow")
        inner, outer = self._node(), self._node()
        self.inner.append(inner)
        self.outer.append(outer)
        self.links += [(self.AIR, inner, H_CI_HORIZONTAL_FLOW_W_M2K * area), (self.STAR, inner, h_ri * area),
                       (inner, outer, area / r_gl)]
        self.radiant.append((inner, self.STAR, area, h_ri / H_R0_INTERNAL_W_M2K, h_ri * area))
        self.gaps.append((inner, outer, area, area / r_gl))
        self.outdoor[outer] += (H_CE_W_M2K + h_re) * area

    def matrix(self, upward: tuple[bool, ...], dt_s: float) -> np.ndarray:
        """C/Δt + K for the convection regime ``upward`` (one flag per floor/ceiling)."""
        m = np.diag(self.capacity / dt_s + self.outdoor)
        links = self.links + [(self.AIR, node, (H_CI_UPWARD_W_M2K if up else H_CI_DOWNWARD_W_M2K) * area)
                              for (_, node, _, area), up in zip(self.horizontal, upward)]
        for i, j, g in links:
            m[i, i] += g
            m[j, j] += g
            m[i, j] -= g
            m[j, i] -= g
        return m


def _dynamic_links(zone: MultiNodeZone, net: _Network) -> list[tuple]:
    """The links whose conductance follows the weather and the temperatures (``surface_coefficients="physical"``).

    Rows (node a, node b or −1 for the outdoors, kind, area [m²], parameters, G in the matrix [W/K]):
    kind 0 an outside face (ε, F_sky, wind factor), kind 1 a room face's long-wave link to the star node
    (ε), kind 2 the glazing between its panes (Σ d/λ, h_g, 1/(1/ε₁ + 1/ε₂ − 1)), kind 3 the air change
    (the temperature [K] of the matrix's ρ_a·c_a).
    """
    if zone.surface_coefficients == "constant":
        return []
    links = []
    for element, node in zip(zone.elements, net.outer):
        f_sky = 0.5 * (1.0 + math.cos(math.radians(element.tilt_deg)))
        links.append((node, -1, 0, element.area_m2, (element.emissivity, f_sky, local_wind_factor(element.height_m)),
                      (H_CE_W_M2K + element.emissivity * H_R0_EXTERNAL_W_M2K) * element.area_m2))
    for window, node in zip(zone.windows, net.outer[len(zone.elements):]):
        emissivity = 0.9 if window.emissivity is None else window.emissivity
        f_sky = 0.5 * (1.0 + math.cos(math.radians(window.tilt_deg)))
        links.append((node, -1, 0, window.area_m2, (emissivity, f_sky, local_wind_factor(zone.window_height_m)),
                      (H_CE_W_M2K + window_radiative_coefficients(window)[0]) * window.area_m2))
    links += [(a, b, 1, area, (emissivity, 0.0, 0.0), g0) for a, b, area, emissivity, g0 in net.radiant]
    if zone.ventilation_w_k > 0.0:
        links.append((net.AIR, -1, 3, 1.0, (AIR_REFERENCE_TEMPERATURE_K, 0.0, 0.0), zone.ventilation_w_k))
    if zone.window_gap is not None:
        gap = zone.window_gap
        links += [(a, b, 2, area, (gap.panes_resistance_m2k_w, gap.gas_conductance_w_m2k, gap.radiative_factor), g0)
                  for a, b, area, g0 in net.gaps]
    return links


def window_radiative_coefficients(window: Window) -> tuple[float, float]:
    """h_re and h_ri of a window's panes [W/(m²·K)]: ε·h_r0 (EN ISO 6946:2017 C.3) with the glass's ε (0.9 if unset)."""
    emissivity = 0.9 if window.emissivity is None else window.emissivity
    return emissivity * H_R0_EXTERNAL_W_M2K, emissivity * H_R0_INTERNAL_W_M2K


def local_wind_factor(height_m: float | None) -> float:
    """Wind speed at a face's centroid over the weather file's wind speed [-]: (H/H_met)^a.

    ASHRAE Handbook—Fundamentals (2021) ch. 24 eq. 4, U_H = U_met·(δ_met/H_met)^a_met·(H/δ)^a, with the
    site's terrain that of the airport station (a = :data:`WIND_PROFILE_EXPONENT`, H_met =
    :data:`WIND_MEASUREMENT_HEIGHT_M`); H [m] the centroid's height above the ground. ``None``: the
    face at the measurement height (factor 1, the wind of the file as EN ISO 6946's conventional 4 m/s).
    """
    if height_m is None:
        return 1.0
    return (height_m / WIND_MEASUREMENT_HEIGHT_M) ** WIND_PROFILE_EXPONENT


def sky_temperature_degc(weather: Weather) -> np.ndarray:
    """Apparent sky temperature per step [°C]: (IR/σ)^¼ − 273.15 from ``ir_horizontal_w_m2``, else θ_e − 11 K.

    ASHRAE Handbook—Fundamentals (2021) ch. 14 / EPW field 12 (horizontal infrared radiation
    intensity); without it EN ISO 52016-1:2017 6.5.13.3's Δθ_er = 11 K.
    """
    if "ir_horizontal_w_m2" in weather.data:
        return (weather.column("ir_horizontal_w_m2") / STEFAN_BOLTZMANN) ** 0.25 - 273.15
    return weather.temp_air_degc - SKY_TEMPERATURE_DIFFERENCE_K


def _interior_solar_shares(zone: MultiNodeZone) -> tuple[np.ndarray, np.ndarray]:
    """Shares of the transmitted beam and diffuse sun absorbed by each element's room face [-] (module docstring)."""
    elements = zone.elements
    areas = np.array([e.area_m2 for e in elements])
    alpha = np.array([e.inside_solar_absorptance for e in elements])
    window_area = sum(w.area_m2 for w in zone.windows)
    total_area = areas.sum() + window_area
    floor = np.array([e.inside == "floor" for e in elements], dtype=float) * areas
    if floor.sum() == 0.0:
        floor = areas
    kept = ((1.0 - alpha) @ areas + zone.window_inside_reflectance * window_area) / total_area
    shares = []
    for first in (floor / floor.sum(), areas / areas.sum()):
        reflected = ((1.0 - alpha) @ first) / (1.0 - kept)
        shares.append(alpha * (first + reflected * areas / total_area))
    return shares[0], shares[1]


@njit
def _solve_small(a, b):
    """Solve a·x = b in place (k×k, k small, the columns of b at once; b becomes x) by Gaussian elimination with
    partial pivoting; ``a`` is overwritten."""
    k = a.shape[0]
    for c in range(k):
        p = c
        for r in range(c + 1, k):
            if abs(a[r, c]) > abs(a[p, c]):
                p = r
        if p != c:
            for m in range(k):
                a[c, m], a[p, m] = a[p, m], a[c, m]
            for m in range(b.shape[1]):
                b[c, m], b[p, m] = b[p, m], b[c, m]
        for r in range(c + 1, k):
            f = a[r, c] / a[c, c]
            if f != 0.0:
                for m in range(c, k):
                    a[r, m] -= f * a[c, m]
                for m in range(b.shape[1]):
                    b[r, m] -= f * b[c, m]
    for c in range(k - 1, -1, -1):
        for m in range(b.shape[1]):
            acc = b[c, m]
            for q in range(c + 1, k):
                acc -= a[c, q] * b[q, m]
            b[c, m] = acc / a[c, c]


@njit
def _march(inverses, keep, ramp_prev, ramp, held, air, horizontal, floor_like, heating, cooling, substeps, sweeps,
           link_a, link_b, link_kind, link_area, link_par, link_g0, zs, ss, wind_prev, wind_met, te_prev, te, sky_prev,
           sky):
    """Backward-Euler sub-steps of the node network with ideal air-temperature control (module docstring).

    ``inverses[r]`` is (C/Δt + K)⁻¹ for convection regime r (bit k set: the k-th horizontal
    face convects upward); the forcing of sub-step j of step t is ``held[t]`` plus ``ramp``
    interpolated linearly from ``ramp_prev[t]`` (the previous instant) to ``ramp[t]``.

    Temperature-dependent links (empty with constant coefficients): link k joins node a to node b
    (b = −1: the outdoors) and holds G_0 = ``link_g0[k]`` [W/K] in the matrix; each sub-step its
    conductance G [W/K] is re-evaluated at the previous sub-step's temperatures T* [K]
    (:func:`_link_conductances`) and replaces G_0 exactly through the Woodbury identity,
    (M₀ + U·Δ·Uᵀ)⁻¹ = M₀⁻¹ − Z·Δ·(I + S·Δ)⁻¹·Uᵀ·M₀⁻¹ with u_k = e_a − e_b, Z = M₀⁻¹·U (``zs[r]``),
    S = Uᵀ·Z (``ss[r]``), Δ = diag(G − G_0). Returns per step the air temperature at its end and the
    mean heating (+) / cooling (−) power [W].
    """
    n_steps, n = ramp.shape
    k_dyn = link_a.shape[0]
    theta = np.full(n, 20.0)
    rhs = np.empty(n)
    new = np.empty(n)
    column = np.empty(n)
    delta = np.empty(k_dyn)
    small = np.empty((k_dyn, k_dyn))
    both = np.empty((k_dyn, 2))
    out_air = np.empty(n_steps)
    out_power = np.empty(n_steps)
    for _ in range(sweeps):  # the first pass is the warm-up (periodic year)
        for t in range(n_steps):
            total = 0.0
            for j in range(1, substeps + 1):
                w = j / substeps
                regime = 0
                for k in range(horizontal.shape[0]):
                    node = horizontal[k]
                    up = theta[node] > theta[air] if floor_like[k] else theta[air] > theta[node]
                    if up:
                        regime |= 1 << k
                inv = inverses[regime]
                for i in range(n):
                    rhs[i] = keep[i] * theta[i] + held[t, i] + (1.0 - w) * ramp_prev[t, i] + w * ramp[t, i]
                if k_dyn > 0:
                    theta_e = (1.0 - w) * te_prev[t] + w * te[t]
                    t_sky = (1.0 - w) * sky_prev[t] + w * sky[t] + 273.15
                    wind = (1.0 - w) * wind_prev[t] + w * wind_met[t]
                    for k in range(k_dyn):
                        a = link_a[k]
                        t_a = theta[a] + 273.15
                        if link_kind[k] == 0:  # outside face: convection h_c, long-wave to sky and ground
                            eps_sigma_area = link_par[k, 0] * STEFAN_BOLTZMANN * link_area[k]
                            f = link_par[k, 1]
                            g_r = 4.0 * eps_sigma_area * t_a**3
                            emitted = eps_sigma_area * (f * t_sky**4 + (1.0 - f) * (theta_e + 273.15)**4 - t_a**4)
                            h_ce_k = 4.0 + 4.0 * link_par[k, 2] * wind  # EN ISO 6946:2017 C.2, wind at the face
                            rhs[a] += link_area[k] * h_ce_k * theta_e + emitted + g_r * theta[a]
                            delta[k] = link_area[k] * h_ce_k + g_r - link_g0[k]
                        elif link_kind[k] == 3:  # air change of the room's air at its density ∝ 1/T (ideal gas)
                            g = link_g0[k] * link_par[k, 0] / t_a
                            rhs[a] += (g - link_g0[k]) * theta_e  # the ramp holds G_0·θ_e
                            delta[k] = g - link_g0[k]
                        else:
                            t_b = theta[link_b[k]] + 273.15
                            # the secant (T_a⁴ − T_b⁴)/(T_a − T_b) [K³] times σ
                            secant = STEFAN_BOLTZMANN * (t_a * t_a + t_b * t_b) * (t_a + t_b)
                            if link_kind[k] == 1:  # room face ↔ star: ε·σ·A·(T_a⁴ − T_b⁴)
                                g = link_par[k, 0] * secant * link_area[k]
                            else:  # glazing: panes' resistance in series with the gap's gas and long-wave
                                g = link_area[k] / (link_par[k, 0] + 1.0 / (link_par[k, 1] + link_par[k, 2] * secant))
                            delta[k] = g - link_g0[k]
                for i in range(n):
                    acc = 0.0
                    for m in range(n):
                        acc += inv[i, m] * rhs[m]
                    new[i] = acc
                for i in range(n):
                    column[i] = inv[i, air]
                if k_dyn > 0:
                    z = zs[regime]
                    sm = ss[regime]
                    for r in range(k_dyn):
                        a, b = link_a[r], link_b[r]
                        for k in range(k_dyn):
                            small[r, k] = sm[r, k] * delta[k]
                        small[r, r] += 1.0
                        both[r, 0] = new[a] - (new[b] if b >= 0 else 0.0)
                        both[r, 1] = column[a] - (column[b] if b >= 0 else 0.0)
                    _solve_small(small, both)
                    for k in range(k_dyn):
                        both[k, 0] *= delta[k]
                        both[k, 1] *= delta[k]
                    for i in range(n):
                        acc0 = 0.0
                        acc1 = 0.0
                        for k in range(k_dyn):
                            acc0 += z[i, k] * both[k, 0]
                            acc1 += z[i, k] * both[k, 1]
                        new[i] -= acc0
                        column[i] -= acc1
                theta, new = new, theta
                power = 0.0
                if theta[air] < heating[t]:
                    power = (heating[t] - theta[air]) / column[air]
                elif theta[air] > cooling[t]:
                    power = (cooling[t] - theta[air]) / column[air]
                if power != 0.0:
                    for i in range(n):
                        theta[i] += power * column[i]
                total += power
            out_air[t] = theta[air]
            out_power[t] = total / substeps
    return out_air, out_power


def simulate_multinode(
    zone: MultiNodeZone,
    weather: Weather,
    internal_gains_w: np.ndarray,
    heating_setpoint_degc: np.ndarray,
    cooling_setpoint_degc: np.ndarray,
    *,
    substeps: int | None = None,
) -> pd.DataFrame:
    """Air temperature and ideal heating/cooling of ``zone`` per weather step (EN ISO 52016-1 multi-node, module docstring).

    Setpoints [°C] act on the air temperature; −inf/+inf (or out of reach) for free float.
    ``substeps`` implicit-Euler sub-steps per weather step (default :data:`SUBSTEPS_PER_HOUR` per
    hour): the outdoor air temperature (instantaneous at the step's end in TMY3/EPW) and with it
    the sky term are interpolated linearly within the step, as EnergyPlus interpolates hourly
    weather; the sun and the gains (step means) are held. With ``zone.surface_coefficients ==
    "physical"`` the weather's ``wind_speed_m_s`` [m/s, at 10 m] (4 m/s without it) is interpolated
    the same way and sets h_ce (module docstring).
    Returns per step: ``theta_air_degc`` [°C, end of step], ``space_heating_kwh``,
    ``space_cooling_kwh`` [kWh per step], ``solar_transmitted_kwh`` (the windows' solar gain, g·I·A),
    ``solar_lost_kwh`` (transmitted and leaving again through the windows).
    """
    n = weather.n_steps
    gains = check_series(internal_gains_w, "internal_gains_w", owner="simulate_multinode", length=n, low=0.0)
    heating = np.asarray(heating_setpoint_degc, dtype=float)
    cooling = np.asarray(cooling_setpoint_degc, dtype=float)
    if heating.shape != (n,) or cooling.shape != (n,) or (cooling < heating).any():
        raise InputError("simulate_multinode: setpoints need one value per step and cooling >= heating")
    if substeps is None:
        substeps = max(1, round(SUBSTEPS_PER_HOUR * weather.step_h))
    if int(substeps) != substeps or not 1 <= substeps <= 60:
        raise InputError(f"simulate_multinode: substeps = {substeps!r}; give a whole number from 1 to 60")
    substeps = int(substeps)
    dt_s = 3600.0 * weather.step_h / substeps
    net = _Network(zone)
    theta_e = weather.temp_air_degc
    sky = sky_temperature_degc(weather) - theta_e

    ramp = np.outer(theta_e, net.outdoor)  # (n, nodes): G_ext·θ_e and the sky sources, instantaneous
    held = np.zeros((n, net.n))  # the sun and the gains, step means
    held[:, net.AIR] += (1.0 - zone.radiative_gain_fraction) * gains
    room_areas = np.array([e.area_m2 for e in zone.elements] + [w.area_m2 for w in zone.windows])
    held[:, net.inner] += np.outer(zone.radiative_gain_fraction * gains, room_areas / room_areas.sum())
    for element, node in zip(zone.elements, net.outer):
        f_sky = 0.5 * (1.0 + math.cos(math.radians(element.tilt_deg)))
        ramp[:, node] += element.area_m2 * element.emissivity * H_R0_EXTERNAL_W_M2K * f_sky * sky
        if element.sunlit:
            poa = plane_irradiance(weather, element.tilt_deg, element.azimuth_deg)["poa_global_w_m2"].to_numpy()
            held[:, node] += element.solar_absorptance * element.area_m2 * poa
    beam, diffuse, absorbed = np.zeros(n), np.zeros(n), np.zeros(n)
    share = zone.window_transmitted_share
    for window, node in zip(zone.windows, net.outer[len(zone.elements):]):
        h_re = window_radiative_coefficients(window)[0]
        ramp[:, node] += window.area_m2 * h_re * 0.5 * (1.0 + math.cos(math.radians(window.tilt_deg))) * sky
        poa = plane_irradiance(weather, window.tilt_deg, window.azimuth_deg)
        aperture = window.glazing_aperture_m2
        ratio = (window.angular_factor(poa["aoi_deg"].to_numpy()) if window.angular_coefficients is not None
                 else np.full(n, 0.9))
        diffuse_ratio = window.diffuse_angular_factor if window.angular_coefficients is not None else 0.9
        gain_beam = aperture * ratio * poa["poa_direct_w_m2"].to_numpy()
        gain_diffuse = aperture * diffuse_ratio * poa["poa_diffuse_w_m2"].to_numpy()
        beam += share * gain_beam
        diffuse += share * gain_diffuse
        inward = (1.0 - share) * (gain_beam + gain_diffuse)
        h_ri = window_radiative_coefficients(window)[1]
        convective = H_CI_HORIZONTAL_FLOW_W_M2K / (H_CI_HORIZONTAL_FLOW_W_M2K + h_ri)
        held[:, net.AIR] += convective * inward
        held[:, net.inner] += np.outer((1.0 - convective) * inward, room_areas / room_areas.sum())
        absorbed += inward
    beam_share, diffuse_share = _interior_solar_shares(zone)
    held[:, net.inner[:len(zone.elements)]] += np.outer(beam, beam_share) + np.outer(diffuse, diffuse_share)
    lost = beam * (1.0 - beam_share.sum()) + diffuse * (1.0 - diffuse_share.sum())

    horizontal = np.array([node for _, node, _, _ in net.horizontal], dtype=np.int64)
    floor_like = np.array([kind == "floor" for _, _, kind, _ in net.horizontal], dtype=np.bool_)
    inverses = np.array([np.linalg.inv(net.matrix(tuple(bool(r >> k & 1) for k in range(len(horizontal))), dt_s))
                         for r in range(2 ** len(horizontal))])
    links = _dynamic_links(zone, net)
    if links:  # the outside faces take their exchange in the kernel, not from the ramp
        outside = [a for a, b, kind, *_ in links if kind == 0]
        ramp[:, outside] = 0.0
    ramp_prev = np.roll(ramp, 1, axis=0)
    wind = (np.maximum(weather.column("wind_speed_m_s"), 0.0) if links and "wind_speed_m_s" in weather.data
            else np.full(n, 4.0))
    theta_sky = sky + theta_e
    link_a = np.array([x[0] for x in links], dtype=np.int64)
    link_b = np.array([x[1] for x in links], dtype=np.int64)
    link_kind = np.array([x[2] for x in links], dtype=np.int64)
    link_area = np.array([x[3] for x in links], dtype=float)
    link_par = np.array([x[4] for x in links], dtype=float).reshape(len(links), 3)
    link_g0 = np.array([x[5] for x in links], dtype=float)
    u = np.zeros((net.n, len(links)))  # u_k = e_a − e_b
    u[link_a, np.arange(len(links))] = 1.0
    inside = link_b >= 0
    u[link_b[inside], np.arange(len(links))[inside]] = -1.0
    zs = np.ascontiguousarray(inverses @ u)  # Z = M₀⁻¹·U per regime
    ss = np.ascontiguousarray(u.T @ zs)  # S = Uᵀ·Z
    air, power = _march(inverses, net.capacity / dt_s, ramp_prev, ramp, held, net.AIR, horizontal, floor_like,
                        heating, cooling, substeps, 2, link_a, link_b, link_kind, link_area, link_par, link_g0,
                        zs, ss, np.roll(wind, 1), wind, np.roll(theta_e, 1), theta_e, np.roll(theta_sky, 1), theta_sky)
    to_kwh = weather.step_h / 1000.0
    return pd.DataFrame({
        "theta_air_degc": air,
        "space_heating_kwh": np.maximum(power, 0.0) * to_kwh,
        "space_cooling_kwh": np.maximum(-power, 0.0) * to_kwh,
        "solar_transmitted_kwh": (beam + diffuse + absorbed) * to_kwh,
        "solar_lost_kwh": lost * to_kwh,
    }, index=weather.index)
