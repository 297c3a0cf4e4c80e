"""The building's envelope, ventilation and use: what the heat-demand model needs.

Heat-transfer coefficients follow EN ISO 13789:2017 (transmission H_T = Σ b·U·A + thermal
bridges, ventilation H_V = ρ_a·c_a·q_V) and the thermal-mass classes of EN ISO 13790:2008
Table 12. All areas are in m², U-values in W/(m²·K), coefficients in W/K.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from mgwsim.errors import InputError, check_choice, check_fraction, check_number, check_positive

RHO_C_AIR_WH_M3K = 0.34
"""Volumetric heat capacity of air ρ_a·c_a [Wh/(m³·K)] (EN ISO 13789:2017, 6.3: 1200 J/(m³·K))."""

ELEMENT_KINDS = ("wall", "roof", "floor", "door")
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
        Thermal transmittance U [W/(m²·K)], 0.05–6.
    b_factor : float
        Temperature adjustment factor b [-] of EN ISO 13789 (1 towards outdoor air, < 1
        towards the ground or an unheated space; TABULA uses 0.5 for floors on ground or
        above an unheated cellar).
    name : str
        Free label ("roof", "wall north", ...).
    """

    kind: str
    area_m2: float
    u_w_m2k: float
    b_factor: float = 1.0
    name: str = ""

    def __post_init__(self):
        owner = f"OpaqueElement({self.name or self.kind})"
        check_choice(self.kind, "kind", ELEMENT_KINDS, owner=owner)
        check_positive(self.area_m2, "area_m2", owner=owner, unit="m2")
        check_number(self.u_w_m2k, "u_w_m2k", owner=owner, low=0.05, high=6.0, unit="W/m2K")
        check_fraction(self.b_factor, "b_factor", owner=owner)
        if self.b_factor == 0.0:
            raise InputError(f"{owner}.b_factor = 0 removes the element; leave the element out instead")

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
    """

    area_m2: float
    u_w_m2k: float
    g_value: float
    azimuth_deg: float
    tilt_deg: float = 90.0
    frame_fraction: float = 0.3
    shading_factor: float = 0.6

    def __post_init__(self):
        owner = f"Window(azimuth {self.azimuth_deg})"
        check_positive(self.area_m2, "area_m2", owner=owner, unit="m2")
        check_number(self.u_w_m2k, "u_w_m2k", owner=owner, low=0.5, high=6.0, unit="W/m2K")
        check_number(self.g_value, "g_value", owner=owner, low=0.05, high=0.95)
        check_number(self.azimuth_deg, "azimuth_deg", owner=owner, low=0.0, high=360.0, unit="deg")
        check_number(self.tilt_deg, "tilt_deg", owner=owner, low=0.0, high=90.0, unit="deg")
        check_number(self.frame_fraction, "frame_fraction", owner=owner, low=0.0, high=0.9)
        check_fraction(self.shading_factor, "shading_factor", owner=owner)

    @property
    def h_w_k(self) -> float:
        """Transmission heat-transfer coefficient U·A [W/K]."""
        return self.u_w_m2k * self.area_m2

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
        Heating setpoint of the operative... air temperature [°C].
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

    def __post_init__(self):
        owner = f"Building({self.name})"
        check_positive(self.heated_floor_area_m2, "heated_floor_area_m2", owner=owner, unit="m2")
        check_number(self.n_apartments, "n_apartments", owner=owner, low=1, high=10_000)
        check_number(self.n_storeys, "n_storeys", owner=owner, low=1, high=100)
        object.__setattr__(self, "elements", tuple(self.elements))
        object.__setattr__(self, "windows", tuple(self.windows))
        for kind in ("wall", "roof", "floor"):
            if not any(e.kind == kind for e in self.elements):
                raise InputError(f"{owner}.elements has no {kind!r}: a heated volume needs walls, a roof and a floor")
        check_number(self.thermal_bridge_w_m2k, "thermal_bridge_w_m2k", owner=owner, low=0.0, high=0.5, unit="W/m2K")
        check_number(self.infiltration_per_h, "infiltration_per_h", owner=owner, low=0.0, high=3.0, unit="1/h")
        check_choice(self.thermal_mass, "thermal_mass", THERMAL_MASS_CLASSES, owner=owner)
        check_number(self.room_height_m, "room_height_m", owner=owner, low=2.0, high=5.0, unit="m")
        check_number(self.setpoint_degc, "setpoint_degc", owner=owner, low=10.0, high=26.0, unit="degC")
        if self.setback_degc is not None:
            check_number(self.setback_degc, "setback_degc", owner=owner, low=5.0, high=self.setpoint_degc, unit="degC")
        for hour in self.setback_hours:
            check_number(hour, "setback_hours", owner=owner, low=0, high=23)
        check_number(self.internal_gains_w_m2, "internal_gains_w_m2", owner=owner, low=0.0, high=20.0, unit="W/m2")

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
        """Ventilation coefficient H_V = ρc·V·(n_use·(1 − η_hr) + n_inf) [W/K] (EN ISO 13789, 8)."""
        vent = self.ventilation
        effective_ach = vent.air_change_per_h * (1.0 - vent.heat_recovery_efficiency) + self.infiltration_per_h
        return RHO_C_AIR_WH_M3K * self.heated_volume_m3 * effective_ach

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
