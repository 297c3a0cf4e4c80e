"""Thermal capacity C_m and effective mass area A_m of a zone from its layers (EN ISO 13790 12.3.1.2, EN ISO 13786).

EN ISO 13790:2008 12.3.1.2 gives the zone's internal heat capacity as C_m = Σ κ_j·A_j and
the effective mass area as A_m = C_m² / Σ A_j·κ_j² (eq. 65), with κ_j the areal internal
heat capacity of element j per EN ISO 13786. Here κ_j is the periodic (24 h) internal
areal heat capacity of EN ISO 13786:2017 (7.3, eq. 15), κ_1 = T/2π·|(Z_11 − 1)/Z_12|, from
the layers' heat-transfer matrix (eq. 5–8), **without the internal surface resistance**: in
the 5R1C network the resistance between the mass and the room surfaces is the separate
conductance H_tr,ms = h_ms·A_m (eq. 64), which would otherwise be counted twice. The
external surface resistance is kept (R_se, EN ISO 6946).

:func:`zone_mass` uses by default EN ISO 13786's simplified method (informative annex,
"maximum effective thickness"), as EN ISO 13790 12.3.1.2 refers to it: κ_j = Σ ρ·c·d over
the layers from the inside up to the first thermal insulation layer and at most 10 cm deep
(the insulating-layer and 10 cm rules). The periodic κ_1 is the alternative
(``method="periodic"``); for the 10 cm concrete of ASHRAE 140 Case 900 it gives 109
instead of 140 kJ/(m²·K), the daily penetration depth being about 10 cm.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mgwsim.errors import InputError, check_choice, check_number, check_positive

PERIOD_S = 86_400.0
"""Period of the temperature variation T [s]: one day (EN ISO 13786:2017, 7.1)."""
MAX_EFFECTIVE_THICKNESS_M = 0.10
"""The 10 cm rule of EN ISO 13786's simplified method [m]."""
INSULATION_CONDUCTIVITY_W_MK = 0.08
"""Layers at or below this conductivity [W/(m·K)] count as thermal insulation for the insulating-layer rule."""
METHODS = ("simplified", "periodic")


@dataclass(frozen=True)
class Layer:
    """One homogeneous layer [m, W/(m·K), kg/m³, J/(kg·K)]; density 0 for a massless layer."""

    thickness_m: float
    conductivity_w_mk: float
    density_kg_m3: float
    specific_heat_j_kgk: float

    def __post_init__(self):
        check_positive(self.thickness_m, "thickness_m", owner="Layer", unit="m")
        check_positive(self.conductivity_w_mk, "conductivity_w_mk", owner="Layer", unit="W/mK")
        check_number(self.density_kg_m3, "density_kg_m3", owner="Layer", low=0.0, high=25_000.0, unit="kg/m3")
        check_number(self.specific_heat_j_kgk, "specific_heat_j_kgk", owner="Layer", low=0.0, high=10_000.0, unit="J/kgK")

    def matrix(self, period_s: float = PERIOD_S) -> np.ndarray:
        """Heat-transfer matrix Z of the layer (EN ISO 13786:2017, eq. 5–8), periodic penetration depth δ."""
        volumetric = self.density_kg_m3 * self.specific_heat_j_kgk
        if volumetric == 0.0:
            return np.array([[1.0, -self.thickness_m / self.conductivity_w_mk], [0.0, 1.0]], dtype=complex)
        depth = np.sqrt(self.conductivity_w_mk * period_s / (np.pi * volumetric))
        xi = self.thickness_m / depth
        sh, ch, s, c = np.sinh(xi), np.cosh(xi), np.sin(xi), np.cos(xi)
        z11 = ch * c + 1j * sh * s
        z12 = -depth / (2.0 * self.conductivity_w_mk) * (sh * c + ch * s + 1j * (ch * s - sh * c))
        z21 = -self.conductivity_w_mk / depth * (sh * c - ch * s + 1j * (sh * c + ch * s))
        return np.array([[z11, z12], [z21, z11]])


def areal_heat_capacity_kj_m2k(layers, *, r_se_m2k_w: float = 0.04, period_s: float = PERIOD_S) -> float:
    """Internal areal heat capacity κ_1 [kJ/(m²·K)] of a build-up, layers listed from the inside out.

    EN ISO 13786:2017 eq. (15): κ_1 = T/(2π)·|(Z_11 − 1)/Z_12| with Z = Z_se·Z_N···Z_1 (no
    internal surface resistance, see the module docstring). A thin layer gives ρ·c·d/2 when
    nothing lies outside it, a layer behind insulation its full ρ·c·d, and a thick one
    is limited by the daily penetration depth δ = √(λ·T/(π·ρ·c)).
    """
    layers = tuple(layers)
    if not layers:
        raise InputError("areal_heat_capacity_kj_m2k: layers is empty; give at least one Layer (inside first)")
    check_number(r_se_m2k_w, "r_se_m2k_w", owner="areal_heat_capacity_kj_m2k", low=0.0, high=1.0, unit="m2K/W")
    total = np.eye(2, dtype=complex)
    for layer in layers:
        total = layer.matrix(period_s) @ total
    total = np.array([[1.0, -r_se_m2k_w], [0.0, 1.0]], dtype=complex) @ total
    return float(period_s / (2.0 * np.pi) * abs((total[0, 0] - 1.0) / total[0, 1]) / 1000.0)


def effective_heat_capacity_kj_m2k(layers) -> float:
    """κ_j = Σ ρ·c·d [kJ/(m²·K)] over the effective thickness, layers listed from the inside out.

    EN ISO 13786 simplified method (see the module docstring): from the inner surface up to
    the first insulation layer (λ ≤ 0.08 W/(m·K)) and at most 0.10 m deep.
    """
    layers = tuple(layers)
    if not layers:
        raise InputError("effective_heat_capacity_kj_m2k: layers is empty; give at least one Layer (inside first)")
    depth, kappa = 0.0, 0.0
    for layer in layers:
        if layer.conductivity_w_mk <= INSULATION_CONDUCTIVITY_W_MK or depth >= MAX_EFFECTIVE_THICKNESS_M:
            break
        counted = min(layer.thickness_m, MAX_EFFECTIVE_THICKNESS_M - depth)
        kappa += layer.density_kg_m3 * layer.specific_heat_j_kgk * counted
        depth += counted
    return kappa / 1000.0


def zone_mass(surfaces, floor_area_m2: float, *, method: str = "simplified") -> tuple[float, float]:
    """(C_m / A_f [kJ/(m²·K)], A_m / A_f [-]) of a zone from ``surfaces`` = [(area [m²], layers), ...].

    EN ISO 13790:2008 12.3.1.2: C_m = Σ κ_j·A_j and A_m = C_m² / Σ A_j·κ_j² (eq. 65), κ_j from
    :func:`effective_heat_capacity_kj_m2k` (``method="simplified"``) or
    :func:`areal_heat_capacity_kj_m2k` (``"periodic"``). Windows (no mass) need not be listed.
    """
    check_positive(floor_area_m2, "floor_area_m2", owner="zone_mass", unit="m2")
    check_choice(method, "method", METHODS, owner="zone_mass")
    kappa_of = effective_heat_capacity_kj_m2k if method == "simplified" else areal_heat_capacity_kj_m2k
    areas, kappas = [], []
    for area, layers in surfaces:
        areas.append(check_positive(area, "area_m2", owner="zone_mass", unit="m2"))
        kappas.append(kappa_of(layers))
    areas, kappas = np.array(areas), np.array(kappas)
    capacity = float(areas @ kappas)
    if capacity <= 0.0:
        raise InputError("zone_mass: the surfaces hold no heat capacity; give layers with density and specific heat")
    return capacity / floor_area_m2, capacity**2 / float(areas @ kappas**2) / floor_area_m2
