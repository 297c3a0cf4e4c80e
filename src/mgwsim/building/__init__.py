"""Buildings: envelope, typologies, renovation, hourly heat demand, hot water and emitters."""

from mgwsim.building.emitters import Radiators, radiators_for
from mgwsim.building.envelope import Building, OpaqueElement, Ventilation, Window
from mgwsim.building.renovation import (
    ImproveAirtightness,
    Insulate,
    InstallVentilation,
    ReduceThermalBridges,
    RenovationPath,
    RenovationStep,
    ReplaceWindows,
    renovate,
)
from mgwsim.building.thermal import ZoneParameters, simulate_space_heating
from mgwsim.building.typology import building_from_typology, list_typologies

__all__ = [
    "Building", "ImproveAirtightness", "Insulate", "InstallVentilation", "OpaqueElement", "Radiators",
    "ReduceThermalBridges", "RenovationPath", "RenovationStep", "ReplaceWindows", "Ventilation", "Window",
    "ZoneParameters", "building_from_typology", "list_typologies", "radiators_for", "renovate",
    "simulate_space_heating",
]
