"""The building's envelope, ventilation and use: what the heat-demand model needs.

Heat-transfer coefficients follow EN ISO 13789:2017 (transmission H_T = Σ b·U·A + thermal
bridges, ventilation H_V = ρ_a·c_a·q_V) and the thermal-mass classes of EN ISO 13790:2008
Table 12. All areas are in m², U-values in W/(m²·K), coefficients in W/K.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from mgwsim.errors import InputError, check_choice, check_fraction, check_integer, check_number, check_positive

RHO_C_AIR_WH_M3K = 0.34
"""Volumetric heat capacity of air ρ_a·c_a [Wh/(m³·K)] (EN ISO 13789:2017, 6.3: 1200 J/(m³·K))."""
SEA_LEVEL_PRESSURE_PA = 101_325.0
"""Standard atmosphere at sea level [Pa] (ISO 2533:1975)."""
CONTROL_MODES = ("operative", "air")
H_IS_W_M2K = 3.45
"""Heat-transfer coefficient between air and surface node h_is [W/(m²·K)] (EN ISO 13790, 7.2.2.2)."""
LAMBDA_AT = 4.5
"""Ratio of internal surface area to floor area Λ_at [-] (EN ISO 13790, 7.2.2.2)."""
H_MS_W_M2K = 9.1
"""Heat-transfer coefficient between mass and surface node h_ms [W/(m²·K)] (EN ISO 13790, 12.2.2)."""
R_SE_M2K_W = 0.04
"""External surface resistance R_se [m²·K/W] (EN ISO 6946:2017, Table 7, as EN ISO 13790 11.4.2 uses it)."""
MAX_GLAZED_FACADE_SHARE = 0.9
"""Largest share of a façade (windows + opaque walls and doors) that windows can take [-].

Window areas include their frames; what stays opaque even in a fully glazed curtain wall is the
edge of every floor slab (about 0.3 m of a 3 m storey: a tenth). mgwsim rule, to catch a window
area in the wrong unit or a wall left out, not a design limit.
"""
SKY_TEMPERATURE_DIFFERENCE_K = 11.0
"""Mean difference Δθ_er between outdoor air and apparent sky temperature [K] (EN ISO 13790:2008, 11.4.6, intermediate zones)."""


def air_heat_capacity_j_m3k(altitude_m: float) -> float:
    """Volumetric heat capacity of air ρ_a·c_a [J/(m³·K)] at a site's altitude.

    At sea level ρ_a·c_a = 0.34 Wh/(m³·K) = 1224 J/(m³·K) (EN ISO 13789:2017, 6.3; EN ISO
    13790:2008 eq. 21 rounds it to 1200). At a fixed temperature ρ_a is proportional to the
    pressure (ideal gas), and the mean pressure at altitude z [m] follows the barometric
    formula of the standard atmosphere (ISO 2533:1975): p/p_0 = (1 − 2.25577·10⁻⁵·z)^5.25588,
    so ρ_a·c_a = 1224·p/p_0 (Denver, 1650 m: p/p_0 = 0.819, 1003 J/(m³·K)).
    """
    return RHO_C_AIR_WH_M3K * 3600.0 * pressure_ratio(altitude_m)


def pressure_ratio(altitude_m: float) -> float:
    """Mean air pressure at altitude over sea-level pressure p/p_0 [-] (ISO 2533:1975 standard atmosphere)."""
    check_number(altitude_m, "altitude_m", owner="pressure_ratio", low=-500.0, high=6000.0, unit="m")
    return (1.0 - 2.25577e-5 * altitude_m) ** 5.25588


def sky_view_factor(tilt_deg: float) -> float:
    """Form factor F_r between an unshaded element and the sky [-]: (1 + cos β)/2.

    Gives EN ISO 13790:2008 11.4.6's values, 1 for a horizontal roof and 0.5 for a wall.
    """
    return 0.5 * (1.0 + math.cos(math.radians(tilt_deg)))

ELEMENT_KINDS = ("wall", "roof", "floor", "door")
STOREY_POSITIONS = {"whole": ("wall", "roof", "floor"), "ground": ("wall", "floor"), "middle": ("wall",),
                    "top": ("wall", "roof")}
"""Part of the block a :class:`Building` stands for, and the element kinds it must have: a storey zone
borders the heated storeys above or below it adiabatically (:mod:`mgwsim.building.storeys`)."""
VENTILATION_SYSTEMS = ("natural", "C", "D")

THERMAL_MASS_CLASSES: dict[str, tuple[float, float]] = {
    # class: (A_m / A_f [-], C_m / A_f [kJ/(m²·K)]), EN ISO 13790:2008 Table 12
    "very_light": (2.5, 80.0),
    "light": (2.5, 110.0),
    "medium": (2.5, 165.0),
    "heavy": (3.0, 260.0),
    "very_heavy": (3.5, 370.0),
}


@dataclass(frozen=True)
class OpaqueElement:
    """A wall, roof, floor or door.

    Parameters
    ----------
    kind : {"wall", "roof", "floor", "door"}
    area_m2 : float
        Area [m²], external dimensions as in TABULA.
    u_w_m2k : float
        Thermal transmittance U [W/(m²·K)], 0.01–6 (a raised floor of ASHRAE 140 has 0.0377).
    b_factor : float
        Temperature adjustment factor b [-] of EN ISO 13789 (1 towards outdoor air, < 1
        towards the ground or an unheated space; TABULA uses 0.5 for floors on ground or
        above an unheated cellar).
    name : str
        Free label ("roof", "wall north", ...).
    solar_absorptance : float or None
        Solar absorptance α_S,c of the outer surface [-] (EN ISO 13790:2008, 11.4.2), or
        None (the default) to leave the element out of the external radiation balance:
        with a value the element gains α·R_se·U·A·I_sol and loses F_r·h_r·Δθ_er·R_se·U·A to
        the sky (EN ISO 13790, 11.3.5); only for elements towards outdoor air (b = 1).
    azimuth_deg : float or None
        Orientation of the outer surface [°] (0 north, 90 east, 180 south); needed for a
        wall with a ``solar_absorptance``; a roof defaults to 180 (irrelevant when flat).
    tilt_deg : float or None
        Tilt of the outer surface [°]; default 90 for walls and doors, 0 for roofs.
    emissivity : float
        Long-wave emissivity ε of the outer surface [-] (EN ISO 13790 11.4.6: 0.9).
    """

    kind: str
    area_m2: float
    u_w_m2k: float
    b_factor: float = 1.0
    name: str = ""
    solar_absorptance: float | None = None
    azimuth_deg: float | None = None
    tilt_deg: float | None = None
    emissivity: float = 0.9

    def __post_init__(self):
        owner = f"OpaqueElement({self.name or self.kind})"
        check_choice(self.kind, "kind", ELEMENT_KINDS, owner=owner)
        check_positive(self.area_m2, "area_m2", owner=owner, unit="m2")
        check_number(self.u_w_m2k, "u_w_m2k", owner=owner, low=0.01, high=6.0, unit="W/m2K")
        check_fraction(self.b_factor, "b_factor", owner=owner)
        if self.b_factor == 0.0:
            raise InputError(f"{owner}.b_factor = 0 removes the element; leave the element out instead")
        check_fraction(self.emissivity, "emissivity", owner=owner)
        if self.azimuth_deg is not None:
            check_number(self.azimuth_deg, "azimuth_deg", owner=owner, low=0.0, high=360.0, unit="deg")
        if self.tilt_deg is not None:
            check_number(self.tilt_deg, "tilt_deg", owner=owner, low=0.0, high=180.0, unit="deg")
        if self.solar_absorptance is None:
            return
        check_fraction(self.solar_absorptance, "solar_absorptance", owner=owner)
        if self.b_factor != 1.0 or self.kind == "floor":
            raise InputError(f"{owner}.solar_absorptance is only for elements facing outdoor air (walls, roofs, doors "
                             f"with b_factor 1), got kind {self.kind!r} with b_factor {self.b_factor}")
        if self.kind != "roof" and self.azimuth_deg is None:
            raise InputError(f"{owner}.azimuth_deg is needed with a solar_absorptance (0 north .. 180 south .. 360)")

    @property
    def surface_tilt_deg(self) -> float:
        """Tilt of the outer surface [°] (given, or 0 for a roof and 90 otherwise)."""
        if self.tilt_deg is not None:
            return self.tilt_deg
        return 0.0 if self.kind == "roof" else 90.0

    @property
    def surface_azimuth_deg(self) -> float:
        """Azimuth of the outer surface [°] (given, or 180 for a roof)."""
        return 180.0 if self.azimuth_deg is None else self.azimuth_deg

    @property
    def h_w_k(self) -> float:
        """Transmission heat-transfer coefficient b·U·A [W/K]."""
        return self.b_factor * self.u_w_m2k * self.area_m2


@dataclass(frozen=True)
class Window:
    """Glazing on one facade (or a roof light).

    Parameters
    ----------
    area_m2 : float
        Window area incl. frame [m²].
    u_w_m2k : float
        Window U-value U_w [W/(m²·K)], 0.5–6.
    g_value : float
        Total solar energy transmittance of the glazing at normal incidence g_gl,n [-].
    azimuth_deg : float
        Orientation of the facade [°], 0 north, 90 east, 180 south, 270 west.
    tilt_deg : float
        90 for a facade, 0 for a horizontal roof light.
    frame_fraction : float
        Frame area fraction F_F [-] (EN ISO 13790:2008, 11.4.5; TABULA 0.3).
    shading_factor : float
        Reduction factor for external shading F_sh [-] (TABULA 0.6 for vertical windows).
    angular_coefficients : tuple of float or None
        Incidence-angle dependence of the glazing's g-value, g(θ)/g_n = Σ a_i·θ^i with θ
        the angle of incidence [rad] (a_0 = 1). None (default): EN ISO 13790 11.3.3's
        constant F_w = 0.9. With coefficients the beam irradiance is weighted by g(θ)/g_n
        and the diffuse and ground-reflected irradiance by its hemispherical mean
        2∫g(θ)/g_n·sinθ·cosθ dθ (isotropic sky; Duffie & Beckman, *Solar Engineering of
        Thermal Processes*, 4th ed., 5.4). For the double clear glazing of ASHRAE 140
        Case 600 the Modelica Buildings library's 140-2020 validation uses (1, −0.189,
        0.644, −0.596) (``Buildings.ThermalZones.ISO13790.Validation.BESTEST``).
    emissivity : float or None
        Long-wave emissivity of the outer pane [-] for the radiation to the sky (EN ISO
        13790:2008 11.3.5, 11.4.6: 0.9), or None (default) to leave it out.
    """

    area_m2: float
    u_w_m2k: float
    g_value: float
    azimuth_deg: float
    tilt_deg: float = 90.0
    frame_fraction: float = 0.3
    shading_factor: float = 0.6
    angular_coefficients: tuple[float, ...] | None = None
    emissivity: float | None = None

    def __post_init__(self):
        owner = f"Window(azimuth {self.azimuth_deg})"
        check_positive(self.area_m2, "area_m2", owner=owner, unit="m2")
        check_number(self.u_w_m2k, "u_w_m2k", owner=owner, low=0.5, high=6.0, unit="W/m2K")
        check_number(self.g_value, "g_value", owner=owner, low=0.05, high=0.95)
        check_number(self.azimuth_deg, "azimuth_deg", owner=owner, low=0.0, high=360.0, unit="deg")
        check_number(self.tilt_deg, "tilt_deg", owner=owner, low=0.0, high=90.0, unit="deg")
        check_number(self.frame_fraction, "frame_fraction", owner=owner, low=0.0, high=0.9)
        check_fraction(self.shading_factor, "shading_factor", owner=owner)
        if self.emissivity is not None:
            check_fraction(self.emissivity, "emissivity", owner=owner)
        if self.angular_coefficients is not None:
            self._check_angular(owner)

    def _check_angular(self, owner: str) -> None:
        coefficients = tuple(float(a) for a in self.angular_coefficients)
        object.__setattr__(self, "angular_coefficients", coefficients)
        if not coefficients or coefficients[0] != 1.0:
            raise InputError(f"{owner}.angular_coefficients = {coefficients} must start with a_0 = 1 (g(0) = g_n)")
        ratio = np.polynomial.polynomial.polyval(np.linspace(0.0, 0.5 * np.pi, 91), coefficients)
        if (ratio < -0.02).any() or (ratio > 1.02).any():
            raise InputError(f"{owner}.angular_coefficients = {coefficients} give g(θ)/g_n outside 0..1 "
                             f"(min {ratio.min():.3f}, max {ratio.max():.3f}) between 0 and 90°")

    def angular_factor(self, incidence_deg: np.ndarray) -> np.ndarray:
        """g(θ)/g_n at the angles of incidence [°] (0 beyond 90°), from ``angular_coefficients``."""
        theta = np.radians(np.asarray(incidence_deg, dtype=float))
        ratio = np.polynomial.polynomial.polyval(np.minimum(theta, 0.5 * np.pi), self.angular_coefficients)
        return np.where(theta < 0.5 * np.pi, np.clip(ratio, 0.0, 1.0), 0.0)

    @property
    def diffuse_angular_factor(self) -> float:
        """Hemispherical mean of g(θ)/g_n for isotropic diffuse light, 2∫ratio·sinθ·cosθ dθ [-]."""
        theta = np.linspace(0.0, 0.5 * np.pi, 2001)
        weight = 2.0 * np.sin(theta) * np.cos(theta)
        return float(np.trapezoid(self.angular_factor(np.degrees(theta)) * weight, theta))

    @property
    def h_w_k(self) -> float:
        """Transmission heat-transfer coefficient U·A [W/K]."""
        return self.u_w_m2k * self.area_m2

    @property
    def glazing_aperture_m2(self) -> float:
        """A_w·(1 − F_F)·F_sh·g_gl,n [m²]: the aperture before the angular factor (EN ISO 13790, 11.3.3)."""
        return self.shading_factor * self.g_value * (1.0 - self.frame_fraction) * self.area_m2

    @property
    def solar_aperture_m2(self) -> float:
        """Effective collecting area A_sol = F_sh · g_gl · (1 − F_F) · A_w [m²].

        EN ISO 13790:2008, 11.3.3, with g_gl = F_w · g_gl,n and F_w = 0.9 (11.3.4), as TABULA does.
        """
        return self.shading_factor * 0.9 * self.g_value * (1.0 - self.frame_fraction) * self.area_m2


@dataclass(frozen=True)
class Ventilation:
    """Ventilation system of the heated volume (Belgian/EPB naming).

    Parameters
    ----------
    system : {"natural", "C", "D"}
        Natural (A), mechanical extract (C) or balanced with heat recovery (D).
    air_change_per_h : float
        Hygienic (use-related) air change rate n_use [1/h] on the heated volume (TABULA 0.4).
    heat_recovery_efficiency : float
        Temperature efficiency of the heat exchanger η_hr [-]; only with system "D".
    fan_power_w_per_m3h : float
        Specific fan power [W/(m³/h)] (electricity, for the auxiliaries), 0 for natural.
    """

    system: str = "natural"
    air_change_per_h: float = 0.4
    heat_recovery_efficiency: float = 0.0
    fan_power_w_per_m3h: float = 0.0

    def __post_init__(self):
        check_choice(self.system, "system", VENTILATION_SYSTEMS, owner="Ventilation")
        check_number(self.air_change_per_h, "air_change_per_h", owner="Ventilation", low=0.0, high=5.0, unit="1/h")
        check_number(self.heat_recovery_efficiency, "heat_recovery_efficiency", owner="Ventilation", low=0.0, high=0.95)
        check_number(self.fan_power_w_per_m3h, "fan_power_w_per_m3h", owner="Ventilation", low=0.0, high=2.0)
        if self.system != "D" and self.heat_recovery_efficiency > 0:
            raise InputError(
                f"Ventilation.heat_recovery_efficiency = {self.heat_recovery_efficiency} needs system 'D', "
                f"got system {self.system!r}"
            )


def _check_glazed_share(elements, windows, owner: str) -> None:
    """Refuse vertical windows that take more than :data:`MAX_GLAZED_FACADE_SHARE` of the façade.

    Checked on the whole building (all walls and doors against all vertical windows) and, for
    walls that carry an ``azimuth_deg``, on each of their orientations.
    """
    vertical = [w for w in windows if w.tilt_deg > 45.0]  # roof lights (tilt 0) sit in the roof
    opaque = [e for e in elements if e.kind in ("wall", "door")]
    _check_facade(sum(w.area_m2 for w in vertical), sum(e.area_m2 for e in opaque), owner, "the façades")
    for azimuth in sorted({e.azimuth_deg for e in opaque if e.azimuth_deg is not None}):
        glazed = sum(w.area_m2 for w in vertical if math.isclose(w.azimuth_deg % 360.0, azimuth % 360.0))
        solid = sum(e.area_m2 for e in opaque if e.azimuth_deg is not None
                    and math.isclose(e.azimuth_deg % 360.0, azimuth % 360.0))
        _check_facade(glazed, solid, owner, f"the façade facing {azimuth:g}°")


def _check_facade(window_m2: float, opaque_m2: float, owner: str, where: str) -> None:
    if window_m2 == 0.0 or window_m2 <= MAX_GLAZED_FACADE_SHARE * (window_m2 + opaque_m2):
        return
    raise InputError(
        f"{owner}.windows: {window_m2:,.1f} m2 of windows against {opaque_m2:,.1f} m2 of walls and doors on "
        f"{where} would glaze {window_m2 / (window_m2 + opaque_m2):.0%} of it; allowed: at most "
        f"{MAX_GLAZED_FACADE_SHARE:.0%} (floor-slab edges stay opaque). Is a window area wrong or a wall missing?")


@dataclass(frozen=True)
class Building:
    """An existing apartment building as the heat-demand model sees it.

    Parameters
    ----------
    name : str
    heated_floor_area_m2 : float
        Conditioned reference floor area A_C,ref [m²] (TABULA) = A_f of EN ISO 13790.
    n_apartments, n_storeys : int
    elements : tuple of OpaqueElement
    windows : tuple of Window
    thermal_bridge_w_m2k : float
        Surcharge ΔU_tb on the whole envelope area [W/(m²·K)] (TABULA: 0.05 / 0.10 / 0.15).
    infiltration_per_h : float
        Infiltration air change n_inf [1/h] on the heated volume.
    ventilation : Ventilation
    thermal_mass : str
        Class of EN ISO 13790 Table 12 ("very_light" ... "very_heavy").
    room_height_m : float
        Internal storey height used for the heated volume V = A_f · h [m] (TABULA 2.5).
    setpoint_degc : float
        Heating setpoint [°C], 5–30, of the controlled temperature (see ``control``).
    setback_degc : float or None
        Night set-back setpoint [°C] between ``setback_hours`` (local time), or None.
    setback_hours : tuple of int
        (start, end) local hours of the set-back, e.g. (22, 6).
    internal_gains_w_m2 : float
        Mean internal heat gains [W/m²] of floor area (TABULA: 3 W/m²).
    year_built : int or None
        Year of the building permit or first occupation, when known.
    typology : str or None
        TABULA variant code the building was derived from.
    construction_period : (int or None, int or None), optional
        First and last year of the construction period the building stands for (a TABULA
        archetype's ``Year1_Building``/``Year2_Building``; None where the period is open).
    altitude_m : float
        Site altitude [m], −500–6000, for the density of the air exchanged
        (:func:`air_heat_capacity_j_m3k`); 0 keeps EN ISO 13790's 1200 J/(m³·K).
    heat_capacity_kj_m2k : float or None
        Internal heat capacity C_m / A_f [kJ/(m²·K)], 10–1000, instead of the class's
        (EN ISO 13790 12.3.1.2; from layers with :func:`mgwsim.building.mass.zone_mass`).
    mass_area_ratio : float or None
        Effective mass area A_m / A_f [-], 0.5–10, instead of the class's (eq. 65).
    h_is_w_m2k : float
        Air–surface coefficient h_is [W/(m²·K)], 1–10 (EN ISO 13790 7.2.2.2: 3.45).
    lambda_at : float
        Internal surface area per floor area Λ_at = A_t / A_f [-], 1–10 (7.2.2.2: 4.5).
    h_ms_w_m2k : float
        Mass–surface coefficient h_ms [W/(m²·K)], 2–20 (12.2.2: 9.1).
    control : {"operative", "air"}
        Temperature the setpoints act on: the operative temperature 0.3·θ_air + 0.7·θ_s
        (default, EN ISO 13790 C.4.2 note / EN 16798-1) or the air temperature (ASHRAE 140).
    cooling_setpoint_degc : float or None
        Ideal sensible cooling above this temperature [°C], 15–40 and at least the heating
        setpoint; None (default) for no cooling.
    convective_gain_fraction : float
        Share of the internal gains given to the air node [-] (EN ISO 13790 C.2 eq. C.1:
        0.5); the rest is radiant and goes to the surface and mass nodes (eq. C.2, C.3).
    storey_position : {"whole", "ground", "middle", "top"}
        "whole" (default) for the whole heated volume, which needs walls, a roof and a
        floor; a storey zone of :func:`mgwsim.building.storeys.storey_zones` has no roof
        (ground, middle) or floor (middle, top): it borders heated storeys there.
    name_nl : str
        The name in Dutch for the Dutch report (default: :attr:`name`).
    """

    name: str
    heated_floor_area_m2: float
    n_apartments: int
    n_storeys: int
    elements: tuple[OpaqueElement, ...]
    windows: tuple[Window, ...]
    thermal_bridge_w_m2k: float = 0.10
    infiltration_per_h: float = 0.4
    ventilation: Ventilation = field(default_factory=Ventilation)
    thermal_mass: str = "medium"
    room_height_m: float = 2.5
    setpoint_degc: float = 20.0
    setback_degc: float | None = None
    setback_hours: tuple[int, int] = (22, 6)
    internal_gains_w_m2: float = 3.0
    year_built: int | None = None
    typology: str | None = None
    construction_period: tuple[int | None, int | None] | None = None
    altitude_m: float = 0.0
    heat_capacity_kj_m2k: float | None = None
    mass_area_ratio: float | None = None
    h_is_w_m2k: float = H_IS_W_M2K
    lambda_at: float = LAMBDA_AT
    h_ms_w_m2k: float = H_MS_W_M2K
    control: str = "operative"
    cooling_setpoint_degc: float | None = None
    convective_gain_fraction: float = 0.5
    storey_position: str = "whole"
    name_nl: str = ""

    def label(self, language: str = "en") -> str:
        """The building's name in ``language``: :attr:`name_nl` in Dutch when given, else :attr:`name`."""
        return self.name_nl if language == "nl" and self.name_nl else self.name

    def __post_init__(self):
        owner = f"Building({self.name})"
        check_positive(self.heated_floor_area_m2, "heated_floor_area_m2", owner=owner, unit="m2")
        check_integer(self.n_apartments, "n_apartments", owner=owner, low=1, high=10_000)
        check_integer(self.n_storeys, "n_storeys", owner=owner, low=1, high=100)
        object.__setattr__(self, "elements", tuple(self.elements))
        object.__setattr__(self, "windows", tuple(self.windows))
        _check_glazed_share(self.elements, self.windows, owner)
        check_choice(self.storey_position, "storey_position", STOREY_POSITIONS, owner=owner)
        for kind in STOREY_POSITIONS[self.storey_position]:
            if not any(e.kind == kind for e in self.elements):
                raise InputError(f"{owner}.elements has no {kind!r}: a {self.storey_position} heated volume needs "
                                 f"{', '.join(STOREY_POSITIONS[self.storey_position])}")
        check_number(self.thermal_bridge_w_m2k, "thermal_bridge_w_m2k", owner=owner, low=0.0, high=0.5, unit="W/m2K")
        check_number(self.infiltration_per_h, "infiltration_per_h", owner=owner, low=0.0, high=3.0, unit="1/h")
        check_choice(self.thermal_mass, "thermal_mass", THERMAL_MASS_CLASSES, owner=owner)
        check_number(self.room_height_m, "room_height_m", owner=owner, low=2.0, high=5.0, unit="m")
        check_number(self.setpoint_degc, "setpoint_degc", owner=owner, low=5.0, high=30.0, unit="degC")
        if self.setback_degc is not None:
            check_number(self.setback_degc, "setback_degc", owner=owner, low=5.0, high=self.setpoint_degc, unit="degC")
        for hour in self.setback_hours:
            check_integer(hour, "setback_hours", owner=owner, low=0, high=23)
        check_number(self.internal_gains_w_m2, "internal_gains_w_m2", owner=owner, low=0.0, high=20.0, unit="W/m2")
        self._check_zone_model(owner)

    def _check_zone_model(self, owner: str) -> None:
        """Validate the zone-model inputs (mass, surface coefficients, control, cooling, gain split)."""
        check_number(self.altitude_m, "altitude_m", owner=owner, low=-500.0, high=6000.0, unit="m")
        if self.heat_capacity_kj_m2k is not None:
            check_number(self.heat_capacity_kj_m2k, "heat_capacity_kj_m2k", owner=owner, low=10.0, high=1000.0,
                         unit="kJ/m2K")
        if self.mass_area_ratio is not None:
            check_number(self.mass_area_ratio, "mass_area_ratio", owner=owner, low=0.5, high=10.0)
            if self.mass_area_ratio >= self.lambda_at:
                raise InputError(f"{owner}.mass_area_ratio = {self.mass_area_ratio} must stay below lambda_at = "
                                 f"{self.lambda_at} (the mass area is part of the internal surface area)")
        check_number(self.h_is_w_m2k, "h_is_w_m2k", owner=owner, low=1.0, high=10.0, unit="W/m2K")
        check_number(self.lambda_at, "lambda_at", owner=owner, low=1.0, high=10.0)
        check_number(self.h_ms_w_m2k, "h_ms_w_m2k", owner=owner, low=2.0, high=20.0, unit="W/m2K")
        check_choice(self.control, "control", CONTROL_MODES, owner=owner)
        if self.cooling_setpoint_degc is not None:
            check_number(self.cooling_setpoint_degc, "cooling_setpoint_degc", owner=owner,
                         low=max(15.0, self.setpoint_degc), high=40.0, unit="degC")
        check_fraction(self.convective_gain_fraction, "convective_gain_fraction", owner=owner)

    @property
    def mass_parameters(self) -> tuple[float, float]:
        """(A_m / A_f [-], C_m / A_f [kJ/(m²·K)]): the explicit inputs where given, else the class's (Table 12)."""
        am_ratio, cm_kj = THERMAL_MASS_CLASSES[self.thermal_mass]
        return (am_ratio if self.mass_area_ratio is None else self.mass_area_ratio,
                cm_kj if self.heat_capacity_kj_m2k is None else self.heat_capacity_kj_m2k)

    # -- geometry ---------------------------------------------------------------------------
    @property
    def heated_volume_m3(self) -> float:
        """Heated (internal) air volume V = A_f · h [m³] (TABULA convention)."""
        return self.heated_floor_area_m2 * self.room_height_m

    def area_m2(self, kind: str) -> float:
        """Total area of the opaque elements of one kind [m²]."""
        return sum(e.area_m2 for e in self.elements if e.kind == kind)

    @property
    def window_area_m2(self) -> float:
        return sum(w.area_m2 for w in self.windows)

    @property
    def envelope_area_m2(self) -> float:
        """Total envelope area (opaque + windows) [m²], the basis of ΔU_tb."""
        return sum(e.area_m2 for e in self.elements) + self.window_area_m2

    # -- heat-transfer coefficients (EN ISO 13789) ------------------------------------------
    @property
    def h_opaque_w_k(self) -> float:
        """Opaque transmission Σ b·U·A plus thermal bridges ΔU_tb·A_env [W/K]."""
        return sum(e.h_w_k for e in self.elements) + self.thermal_bridge_w_m2k * self.envelope_area_m2

    @property
    def h_windows_w_k(self) -> float:
        """Window transmission Σ U_w·A_w [W/K] (no thermal mass: the H_tr,w of EN ISO 13790)."""
        return sum(w.h_w_k for w in self.windows)

    @property
    def h_transmission_w_k(self) -> float:
        return self.h_opaque_w_k + self.h_windows_w_k

    @property
    def h_ventilation_w_k(self) -> float:
        """Ventilation coefficient H_V = ρc·V·(n_use·(1 − η_hr) + n_inf) [W/K] (EN ISO 13789, 8).

        ρc is 0.34 Wh/(m³·K) at sea level, scaled to the site's ``altitude_m`` by
        :func:`air_heat_capacity_j_m3k`.
        """
        vent = self.ventilation
        effective_ach = vent.air_change_per_h * (1.0 - vent.heat_recovery_efficiency) + self.infiltration_per_h
        return RHO_C_AIR_WH_M3K * pressure_ratio(self.altitude_m) * self.heated_volume_m3 * effective_ach

    @property
    def h_total_w_k(self) -> float:
        return self.h_transmission_w_k + self.h_ventilation_w_k

    @property
    def solar_aperture_m2(self) -> float:
        return sum(w.solar_aperture_m2 for w in self.windows)

    def design_heat_load_kw(self, design_temperature_degc: float, *, indoor_degc: float | None = None) -> float:
        """Design heat load Φ_HL = (H_T + H_V)·(θ_int − θ_e) [kW].

        The simplified whole-building method of EN 12831-1:2017 (6.3.2 / Annex B) with the
        temperature adjustment factors b of the elements, without heating-up allowance and
        without internal or solar gains.
        """
        check_number(design_temperature_degc, "design_temperature_degc", owner="design_heat_load_kw", low=-30, high=15)
        indoor = self.setpoint_degc if indoor_degc is None else indoor_degc
        return self.h_total_w_k * (indoor - design_temperature_degc) / 1000.0

    def with_changes(self, **changes) -> Building:
        """A copy with some fields replaced (validated again)."""
        return replace(self, **changes)
