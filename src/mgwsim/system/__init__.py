"""The heat-side system: plant description, the hourly plant kernel and its simulation."""

from mgwsim.system.plant import Backup, HeatPumpCascade, HotWater, Plant, gas_boiler_reference
from mgwsim.system.simulate import SystemResult, simulate_system

__all__ = ["Backup", "HeatPumpCascade", "HotWater", "Plant", "SystemResult", "gas_boiler_reference", "simulate_system"]
