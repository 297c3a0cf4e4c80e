"""Assessment: EPC indicator, CO2, chimney-free, F-gas, lock-in checks, renovation paths, future-proof score.

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
from mgwsim.assess.lockin import (
    connection_capacity,
    fossil_heat_share,
    fossil_lock_in,
    heat_network_readiness,
    hot_water_hygiene,
    oversizing_after_renovation,
    pv_before_roof_renovation,
    refrigerant_lock_in,
    temperature_lock_in,
)
from mgwsim.assess.path import PathAssessment, PathContext, evaluate_path, final_energy_by_use
from mgwsim.assess.placement import Placement, charge_limit_check, noise_check, sound_pressure_dba, space_check
from mgwsim.assess.score import explain_future_proof_score, future_proof_score

__all__ = [
    "PathAssessment",
    "PathContext",
    "connection_capacity",
    "evaluate_path",
    "explain_future_proof_score",
    "final_energy_by_use",
    "fossil_heat_share",
    "fossil_lock_in",
    "future_proof_score",
    "heat_network_readiness",
    "hot_water_hygiene",
    "oversizing_after_renovation",
    "pv_before_roof_renovation",
    "refrigerant_lock_in",
    "temperature_lock_in",
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
    "Placement",
    "charge_limit_check",
    "noise_check",
    "sound_pressure_dba",
    "space_check",
]
