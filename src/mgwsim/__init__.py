"""mgwsim: collective heat pumps in existing apartment buildings, from hourly simulation to feasibility study."""

from mgwsim.building import (
    Building,
    Insulate,
    Radiators,
    RenovationPath,
    RenovationStep,
    ReplaceWindows,
    Ventilation,
    building_from_typology,
    list_typologies,
    radiators_for,
    renovate,
    simulate_space_heating,
)
from mgwsim.branding import Branding, ReportSettings
from mgwsim.demand import Demand, simulate_demand
from mgwsim.errors import DataError, InputError
from mgwsim.weather import (
    DesignTemperature,
    Site,
    Weather,
    default_weather,
    design_temperature,
    get_pvgis_tmy,
    read_epw,
    read_pvgis_tmy,
    read_weather_csv,
    validate_weather,
    weather_summary,
)

__version__ = "0.1.0"

__all__ = [
    "Branding", "Building", "DataError", "Demand", "DesignTemperature", "InputError", "Insulate", "Radiators",
    "RenovationPath", "RenovationStep", "ReplaceWindows", "ReportSettings", "Site", "Ventilation", "Weather",
    "__version__", "building_from_typology",
    "default_weather", "design_temperature", "get_pvgis_tmy", "list_typologies", "radiators_for", "read_epw",
    "read_pvgis_tmy", "read_weather_csv", "renovate", "simulate_demand", "simulate_space_heating",
    "validate_weather", "weather_summary",
]
