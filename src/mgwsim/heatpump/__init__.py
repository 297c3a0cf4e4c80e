"""Heat pump performance: one :class:`PerformanceMap` from a refrigerant cycle, datasheet points, hplib or a Carnot efficiency.

Conventions: sink = condenser water outlet (supply) temperature [°C]; source = source
inlet temperature (outdoor/exhaust air dry bulb, brine or water) [°C]. See
:mod:`mgwsim.heatpump.maps`.
"""

from mgwsim.heatpump.carnot import carnot_cop_with_approach, carnot_map
from mgwsim.heatpump.certificate import (CertificateFit, certificate_map, fit_certificate, keymark_points,
                                         keymark_products, read_certificate_points, scop_from_declared,
                                         scop_from_map)
from mgwsim.heatpump.cooling import CoolingMap, hplib_cooling_map
from mgwsim.heatpump.cycle import REFRIGERANTS, CycleState, cycle_map, cycle_point, eta_is_brunin, p_opt_liao
from mgwsim.heatpump.datasheet import DatasheetFit, datasheet_map, fit_datasheet, hplib_database, hplib_map
from mgwsim.heatpump.defrost import DEFAULT_RH_PCT, DEFAULT_SEVERITY, defrost_factors, humidity_ratio
from mgwsim.heatpump.presets import TYPICAL_MAX_SUPPLY_DEGC, air_to_water, brine_to_water
from mgwsim.heatpump.products import ProductMap, certificate_points_map, certified_product_map
from mgwsim.heatpump.maps import SOURCE_KINDS, PerformanceMap, Source, available_point, carnot_cop, interp_map

__all__ = [
    "DEFAULT_RH_PCT", "DEFAULT_SEVERITY", "REFRIGERANTS", "TYPICAL_MAX_SUPPLY_DEGC", "air_to_water", "brine_to_water", "SOURCE_KINDS", "CoolingMap", "CycleState", "DatasheetFit", "PerformanceMap", "Source",
    "available_point", "carnot_cop", "carnot_cop_with_approach", "carnot_map", "cycle_map", "cycle_point",
    "datasheet_map", "defrost_factors", "eta_is_brunin", "fit_datasheet", "hplib_cooling_map", "hplib_map",
    "humidity_ratio", "interp_map", "p_opt_liao",
    "CertificateFit", "certificate_map", "fit_certificate", "hplib_database", "keymark_points", "keymark_products",
    "read_certificate_points", "scop_from_declared", "scop_from_map",
    "ProductMap", "certificate_points_map", "certified_product_map",
]
