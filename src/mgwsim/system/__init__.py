"""The heat-side system: plant description, the hourly plant kernel and its simulation."""

from mgwsim.system.cooling import CoolingYear, simulate_cooling
from mgwsim.system.plant import Backup, HeatPumpCascade, HotWater, Plant, gas_boiler_reference
from mgwsim.system.simulate import SystemResult, simulate_system
from mgwsim.system.sizing import bivalent_coverage, bivalent_point_degc, buffer_volume_l, load_duration_curve, select_units
from mgwsim.system.booster import booster_cascade, booster_pair_map
from mgwsim.system.sources import Borefield, borefield_brine_degc, exhaust_air_source, iterate_borefield

__all__ = [
    "Backup", "Borefield", "CoolingYear", "HeatPumpCascade", "HotWater", "Plant", "SystemResult", "bivalent_coverage",
    "bivalent_point_degc", "booster_cascade", "booster_pair_map", "borefield_brine_degc", "buffer_volume_l", "exhaust_air_source", "gas_boiler_reference",
    "iterate_borefield", "load_duration_curve", "select_units", "simulate_cooling", "simulate_system",
]
