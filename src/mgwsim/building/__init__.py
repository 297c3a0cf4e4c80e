"""Buildings: envelope, typologies, renovation, hourly heat demand, hot water and emitters."""

from mgwsim.building.dhw import (
    DhwProfile,
    LegionellaRules,
    PipeLengths,
    cold_water_temperature_degc,
    dhw_profile,
    simulate_dhw_draws,
    tapping_cycle,
    tapping_cycle_hourly,
)
from mgwsim.building.emitters import EmitterUpgrade, Radiators, radiators_for
from mgwsim.building.envelope import Building, OpaqueElement, Ventilation, Window
from mgwsim.building.mass import Layer, zone_mass
from mgwsim.building.multinode import LayeredElement, MultiNodeZone, simulate_multinode
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
from mgwsim.building.storeys import storey_demand, storey_zones
from mgwsim.building.thermal import ZoneParameters, simulate_space_heating
from mgwsim.building.typology import building_from_typology, list_typologies

__all__ = [
    "Building", "DhwProfile", "LegionellaRules", "PipeLengths", "cold_water_temperature_degc", "dhw_profile",
    "simulate_dhw_draws", "tapping_cycle", "tapping_cycle_hourly", "ImproveAirtightness", "Insulate", "InstallVentilation", "Layer", "LayeredElement", "MultiNodeZone", "OpaqueElement", "EmitterUpgrade", "Radiators",
    "ReduceThermalBridges", "RenovationPath", "RenovationStep", "ReplaceWindows", "Ventilation", "Window",
    "ZoneParameters", "building_from_typology", "list_typologies", "radiators_for", "renovate",
    "simulate_multinode", "simulate_space_heating", "storey_demand", "storey_zones",
    "zone_mass",
]
