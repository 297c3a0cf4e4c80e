"""Renovation measures and paths: each measure returns a new :class:`Building`.

Added insulation combines with the existing element in series (EN ISO 6946:2017, 6.7:
R_T = Σ R_i), so ``U_new = 1 / (1/U_old + d/λ)``; a target U-value may be given instead.
A :class:`RenovationPath` applies measures in years, giving the building at each step.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from mgwsim.building.envelope import Building, Ventilation, Window
from mgwsim.errors import InputError, check_number, check_positive

LAMBDA_INSULATION_W_MK = 0.035
"""Default thermal conductivity of added insulation λ [W/(m·K)] (mineral wool / EPS, EN ISO 10456 typical design values)."""


def _added_u(u_old: float, thickness_m: float | None, target_u: float | None, conductivity: float, owner: str) -> float:
    if (thickness_m is None) == (target_u is None):
        raise InputError(f"{owner}: give exactly one of thickness_m or target_u_w_m2k")
    if target_u is not None:
        check_number(target_u, "target_u_w_m2k", owner=owner, low=0.05, high=6.0, unit="W/m2K")
        return min(u_old, target_u)  # a measure never makes an element worse
    check_number(thickness_m, "thickness_m", owner=owner, low=0.0, high=0.6, unit="m")
    check_positive(conductivity, "conductivity_w_mk", owner=owner, high=1.0)
    return 1.0 / (1.0 / u_old + thickness_m / conductivity)


@dataclass(frozen=True)
class Insulate:
    """Insulate all elements of one kind ("roof", "wall", "floor").

    Give either ``thickness_m`` of insulation with conductivity ``conductivity_w_mk`` or the
    resulting ``target_u_w_m2k``.
    """

    kind: str
    thickness_m: float | None = None
    target_u_w_m2k: float | None = None
    conductivity_w_mk: float = LAMBDA_INSULATION_W_MK

    def apply(self, building: Building) -> Building:
        owner = f"Insulate({self.kind})"
        if not any(e.kind == self.kind for e in building.elements):
            raise InputError(f"{owner}: building {building.name!r} has no element of kind {self.kind!r}")
        elements = tuple(
            replace(e, u_w_m2k=_added_u(e.u_w_m2k, self.thickness_m, self.target_u_w_m2k, self.conductivity_w_mk, owner))
            if e.kind == self.kind else e
            for e in building.elements
        )
        return building.with_changes(elements=elements)

    def area_m2(self, building: Building) -> float:
        """Area the measure covers [m²] (for costing)."""
        return building.area_m2(self.kind)


@dataclass(frozen=True)
class ReplaceWindows:
    """New glazing on every window: U_w [W/(m²·K)] and g [-] (e.g. 1.1 and 0.5 for double low-e in an insulated frame)."""

    u_w_m2k: float = 1.1
    g_value: float = 0.5

    def apply(self, building: Building) -> Building:
        windows: tuple[Window, ...] = tuple(replace(w, u_w_m2k=self.u_w_m2k, g_value=self.g_value) for w in building.windows)
        return building.with_changes(windows=windows)

    def area_m2(self, building: Building) -> float:
        return building.window_area_m2


@dataclass(frozen=True)
class ImproveAirtightness:
    """Lower infiltration to ``infiltration_per_h`` [1/h] (never raises it)."""

    infiltration_per_h: float

    def apply(self, building: Building) -> Building:
        check_number(self.infiltration_per_h, "infiltration_per_h", owner="ImproveAirtightness", low=0.0, high=3.0)
        return building.with_changes(infiltration_per_h=min(building.infiltration_per_h, self.infiltration_per_h))

    def area_m2(self, building: Building) -> float:
        return building.envelope_area_m2


@dataclass(frozen=True)
class InstallVentilation:
    """A new ventilation system (e.g. ``Ventilation("D", 0.4, heat_recovery_efficiency=0.8)``)."""

    ventilation: Ventilation

    def apply(self, building: Building) -> Building:
        return building.with_changes(ventilation=self.ventilation)

    def area_m2(self, building: Building) -> float:
        return building.heated_floor_area_m2


@dataclass(frozen=True)
class ReduceThermalBridges:
    """Lower the thermal-bridge surcharge ΔU_tb to ``thermal_bridge_w_m2k`` (TABULA: 0.05 after an envelope renovation)."""

    thermal_bridge_w_m2k: float

    def apply(self, building: Building) -> Building:
        check_number(self.thermal_bridge_w_m2k, "thermal_bridge_w_m2k", owner="ReduceThermalBridges", low=0.0, high=0.5)
        return building.with_changes(thermal_bridge_w_m2k=min(building.thermal_bridge_w_m2k, self.thermal_bridge_w_m2k))

    def area_m2(self, building: Building) -> float:
        return building.envelope_area_m2


Measure = Insulate | ReplaceWindows | ImproveAirtightness | InstallVentilation | ReduceThermalBridges


def renovate(building: Building, *measures: Measure, name: str | None = None) -> Building:
    """Apply ``measures`` in order; returns the renovated building."""
    for measure in measures:
        if not hasattr(measure, "apply"):
            raise InputError(f"renovate: {measure!r} is not a renovation measure")
        building = measure.apply(building)
    return building if name is None else building.with_changes(name=name)


@dataclass(frozen=True)
class RenovationStep:
    """Measures carried out in ``year`` (years after the start of the study, 0 = now); ``label`` names the
    step in the report, ``label_nl`` in the Dutch report (default: ``label``)."""

    year: int
    measures: tuple[Measure, ...]
    label: str = ""
    label_nl: str = ""

    def __post_init__(self):
        check_number(self.year, "year", owner="RenovationStep", low=0, high=60)
        object.__setattr__(self, "measures", tuple(self.measures))
        if not self.measures:
            raise InputError(f"RenovationStep(year {self.year}) has no measures")


@dataclass(frozen=True)
class RenovationPath:
    """A sequence of renovation steps, e.g. roof in year 3, windows in year 8."""

    steps: tuple[RenovationStep, ...]

    def __post_init__(self):
        object.__setattr__(self, "steps", tuple(sorted(self.steps, key=lambda s: s.year)))

    @property
    def roof_insulation_year(self) -> int | None:
        """The year of the first step that insulates the roof (years from the study start), or None."""
        years = [s.year for s in self.steps if any(isinstance(m, Insulate) and m.kind == "roof" for m in s.measures)]
        return min(years) if years else None

    def buildings(self, building: Building) -> list[tuple[int, str, Building]]:
        """(year, label, building) before any step (year 0, "as is") and after each step."""
        states = [(0, "as is", building)]
        for step in self.steps:
            building = renovate(building, *step.measures)
            label = step.label or " + ".join(type(m).__name__ for m in step.measures)
            states.append((step.year, label, building))
        return states
