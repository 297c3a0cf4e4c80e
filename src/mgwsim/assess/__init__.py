"""Assessment building blocks that need no simulation: EPC indicator, CO2, chimney-free, F-gas.

Every check returns a :class:`CheckResult` (pass/warn/fail with one readable sentence).
"""

from mgwsim.assess.checks import Appliance, CheckResult, chimney_free, worst_status
from mgwsim.assess.co2 import (
    Co2Result,
    annual_emissions,
    available_electricity_years,
    emission_reduction,
    grid_intensity_from_generation,
    hourly_emissions,
    load_co2_factors,
    load_generation_emission_factors,
)
from mgwsim.assess.epc import (
    EPC_FACTORS_EU_DEFAULT,
    EPC_FACTORS_FLANDERS,
    EpcResult,
    epc_label,
    epc_target_check,
    primary_energy_indicator,
)
from mgwsim.assess.fgas import is_natural, load_fgas_rules, load_refrigerants, refrigerant_check, refrigerant_properties

__all__ = [
    "EPC_FACTORS_EU_DEFAULT",
    "EPC_FACTORS_FLANDERS",
    "Appliance",
    "CheckResult",
    "Co2Result",
    "EpcResult",
    "annual_emissions",
    "available_electricity_years",
    "chimney_free",
    "emission_reduction",
    "epc_label",
    "epc_target_check",
    "grid_intensity_from_generation",
    "hourly_emissions",
    "is_natural",
    "load_co2_factors",
    "load_fgas_rules",
    "load_generation_emission_factors",
    "load_refrigerants",
    "primary_energy_indicator",
    "refrigerant_check",
    "refrigerant_properties",
    "worst_status",
]
