"""``[reference]`` and ``[[variants]]``: plant (heat pumps, tanks, hot water, backup) or heat network, PV, EV, control,
connection."""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path

import numpy as np

from mgwsim.battery import Battery
from mgwsim.building.emitters import EmitterUpgrade
from mgwsim.config._building import _measure
from mgwsim.config._reader import Table, kind_of
from mgwsim.control import STRATEGIES as CONTROL_STRATEGIES
from mgwsim.control import Control
from mgwsim.errors import InputError
from mgwsim.ev import ChargingSite
from mgwsim.ev._data import PROFILES
from mgwsim.heat_network import HeatNetwork
from mgwsim.heatpump import (TYPICAL_MAX_SUPPLY_DEGC, Source, air_to_water, brine_to_water, datasheet_map,
                             hplib_map)
from mgwsim.pv import (
    IAM_MODELS,
    SAPM_MOUNTINGS,
    TRANSPOSITION_MODELS,
    PvArray,
    flat_roof_east_west,
    flat_roof_south,
    pitched_roof,
)
from mgwsim.storage import Tank
from mgwsim.assess.placement import LOCATIONS, UNITS_ON, VLAREM_ZONES_DBA, Placement
from mgwsim.study import Variant
from mgwsim.study.heat_sources import SOURCES, ExhaustAir, GroundLoop, WaterBody
from mgwsim.study.variant import CONNECTIONS, EV_STRATEGIES
from mgwsim.system import Backup, HeatPumpCascade, HotWater, Plant, gas_boiler_reference, heat_network_plant
from mgwsim.system.plant import BACKUP_KINDS, BACKUP_MODES, HOT_WATER_MODES
from mgwsim.tariffs import read_tariff

SOURCE_TABLES = ("ground", "exhaust_air", "water")
VARIANT_KEYS = ("name", "description", "name_nl", "description_nl", "based_on", "plant", "pv", "ev", "control",
                "connection", "dynamic_tariff", "keeps_existing_boiler", "gas_connection", "emitter_upgrade", "battery",
                "source", *SOURCE_TABLES, "placement", "heat_network", "envelope_now")
REFERENCE_KEYS = (*(k for k in VARIANT_KEYS if k not in ("based_on", "emitter_upgrade", "battery", "source",
                                                         *SOURCE_TABLES, "placement", "heat_network",
                                                         "envelope_now")),
                  "gas_boiler_kw", "gas_boiler_efficiency")
GROUND_KEYS = ("total_length_m", "depth_m", "spacing_m", "ground_degc", "conductivity_w_mk", "borehole_resistance_mk_w",
               "heat_capacity_mj_m3k", "model", "years")
EXHAUST_AIR_KEYS = ("airflow_m3_h", "extract_degc", "min_outlet_degc")
WATER_KEYS = ("body", "monthly_degc", "exchanger_approach_k")
PLACEMENT_KEYS = ("location", "units_on", "charge_kg", "room_volume_m3", "sound_power_dba", "window_distance_m",
                  "reflecting_planes", "zone", "unit_footprint_m2", "available_area_m2")
PLANT_KEYS = ("heat_pumps", "buffer", "hot_water", "backup")
HEAT_PUMP_SOURCES = ("air", "ground", "brine", "exhaust_air", "water")
"""``heat_pumps.source``: the map's source; "ground" and "water" take the brine/water preset (a water/water unit
on a plate exchanger), "exhaust_air" the air/water one. Default: the variant's ``source``."""
_PRESET_OF_SOURCE = {"air": "air", "exhaust_air": "air", "ground": "brine", "brine": "brine", "water": "brine"}
_HPLIB_KINDS_OF_SOURCE = {"air": ("air",), "exhaust_air": ("air",), "ground": ("brine",), "brine": ("brine",),
                          "water": ("water", "brine")}
PRODUCT_KEYS = ("certificate", "certificate_points", "hplib_model", "datasheet")
"""``heat_pumps`` keys that name the unit's map instead of a refrigerant preset (at most one)."""
HEAT_PUMP_KEYS = ("source", "refrigerant", "rated_kw", "prated_kw", "n_units", "max_supply_degc",
                  "min_modulation_frac", "supply_margin_k", "degradation_coefficient", "apply_defrost",
                  *PRODUCT_KEYS, "application_degc", "model", "loop_degc", "return_degc")
TANK_KEYS = ("volume_l", "min_degc", "max_degc", "ua_w_k", "label_class", "ambient_degc")
TANK_LABEL_CLASSES = ("A+", "A", "B", "C", "D", "E", "F")
HOT_WATER_KEYS = ("mode", "setpoint_degc", "booster_kw", "charge_margin_k", "tank", "heat_pump")
BACKUP_KEYS = ("kind", "capacity_kw", "efficiency", "mode", "bivalent_degc", "serves_hot_water")
PV_LAYOUTS = ("flat_roof_east_west", "flat_roof_south", "pitched_roof", "array")
_PV_ARRAY_OPTIONS = {"gamma_pdc_per_k": "float", "dc_ac_ratio": "float", "eta_inv_nom": "float",
                     "system_losses_frac": "float", "iam_model": "str", "transposition": "str", "albedo": "float"}
_PV_ROOF = {"area_m2": "float", "kwp": "float", "module_density_kwp_m2": "float", "usable_frac": "float",
            "name": "str", "temperature_model": "str"}
PV_KEYS = {
    "flat_roof_east_west": _PV_ROOF | {"tilt_deg": "float", "gcr": "float", "east_azimuth_deg": "float"},
    "flat_roof_south": _PV_ROOF | {"tilt_deg": "float", "gcr": "float", "azimuth_deg": "float"},
    "pitched_roof": _PV_ROOF | {"tilt_deg": "float", "azimuth_deg": "float"},
    "array": {"tilt_deg": "float", "azimuth_deg": "float", "kwp": "float", "name": "str", "row_gcr": "float",
              "temperature_model": "str"},
}
_PV_CHOICES = {"temperature_model": SAPM_MOUNTINGS, "iam_model": IAM_MODELS, "transposition": TRANSPOSITION_MODELS}
_PV_FUNCTIONS = {"flat_roof_east_west": flat_roof_east_west, "flat_roof_south": flat_roof_south,
                 "pitched_roof": pitched_roof}
EV_KEYS = ("n_points", "n_cars", "point_power_kw", "site_limit_kw", "profile", "annual_energy_per_car_kwh", "strategy")
BATTERY_KEYS = ("capacity_kwh", "power_kw", "round_trip_efficiency", "soc_min_frac", "soc_max_frac",
                "soc_initial_frac", "self_discharge_frac_per_month", "standby_w", "calendar_fade_per_year",
                "cycle_fade_per_cycle", "end_of_life_soh", "calendar_life_years", "peak_limit_kw", "peak_reserve_frac")
EMITTER_UPGRADE_KEYS = ("share", "output_factor", "exponent", "balancing")
HEAT_NETWORK_KEYS = ("name", "substation_kw", "supply_degc", "approach_k", "tariff", "co2_kg_per_kwh",
                     "primary_energy_factor", "efficiency", "connection_fee_eur")
CONTROL_KEYS = ("strategy", "import_limit_kw", "export_limit_kw", "boost_k", "dhw_boost_k", "horizon_h",
                "min_spread_frac")
_NOT_INHERITED = ("name", "description", "name_nl", "description_nl", "based_on")


# --------------------------------------------------------------------------- heat pumps
def read_heat_pumps(t: Table, source: str = "air", base_dir: Path | None = None) -> HeatPumpCascade:
    """A ``heat_pumps`` table: a refrigerant preset, datasheet points or a named product, times ``n_units``.

    ``source``: the variant's source, the default of ``heat_pumps.source``; ``base_dir``: the folder
    ``certificate_points`` is relative to (the configuration's)."""
    if "loop_degc" in t:
        raise InputError(f"{t.key('loop_degc')} is for a hot-water booster only ([...plant.hot_water.heat_pump] "
                         "with hot_water.mode = 'separate_heat_pump')")
    named_source = t.value("source", "str", source, choices=HEAT_PUMP_SOURCES)
    source = _PRESET_OF_SOURCE[named_source]
    product = _product_key(t)
    if product in ("certificate", "certificate_points", "hplib_model"):
        performance = read_product(t, product, named_source, base_dir)
    else:
        performance = _preset_or_datasheet(t, source)
    with t.constructing():
        return HeatPumpCascade(
            performance, n_units=t.value("n_units", "int", 1, low=1, high=50),
            supply_margin_k=t.value("supply_margin_k", "float", 3.0, low=0.0, high=15.0, unit="K"),
            degradation_coefficient=t.value("degradation_coefficient", "float", 0.9, low=0.0, high=1.0),
            apply_defrost=t.value("apply_defrost", "bool", None))


def _product_key(t: Table) -> str | None:
    """The one product key given (``certificate``, ``certificate_points``, ``hplib_model``, ``datasheet``) or None."""
    given = [key for key in PRODUCT_KEYS if key in t]
    if len(given) > 1:
        raise InputError(f"{t.path}: give one of {', '.join(given)}, not several (each names the unit's map: "
                         "certificate = a shipped certified product, certificate_points = a file of EN 14825 "
                         "points, hplib_model = an hplib model, datasheet = EN 14511 points)")
    product = given[0] if given else None
    if product in ("certificate", "certificate_points", "hplib_model"):
        for key in ("model", "return_degc"):
            if key in t:
                raise InputError(f"{t.key(key)} applies to refrigerant presets and datasheet points; "
                                 f"{t.key(product)} names the unit already")
    if product != "certificate" and "application_degc" in t:
        raise InputError(f"{t.key('application_degc')} chooses the EN 14825 application of a named "
                         f"certificate; give certificate = \"<product>\" or remove it")
    return product


def _preset_or_datasheet(t: Table, source: str):
    if "prated_kw" in t and "datasheet" not in t:
        raise InputError(f"{t.key('prated_kw')} is the EN 14825 Prated (design load at -10 degC) of a certified "
                         f"product; a refrigerant preset is sized by {t.key('rated_kw')} (full load at the EN 14511 "
                         "rating point A7/W35, B0/W35), or name the product with certificate = \"...\"")
    refrigerant = t.value("refrigerant", "str", "R290", choices=TYPICAL_MAX_SUPPLY_DEGC)
    rated = t.value("rated_kw", "float", None, low=0.0, low_inclusive=False, high=5000.0, unit="kW")
    prated = _prated(t, rated)
    max_supply = t.value("max_supply_degc", "float", None, low=30.0, high=100.0, unit="degC")
    modulation = t.value("min_modulation_frac", "float", 0.3, low=0.0, high=1.0)
    model = t.value("model", "str", "")
    return_degc = _r744_return_degc(t, refrigerant)
    points = _datasheet_points(t)
    if points is not None and return_degc is not None:
        raise InputError(f"{t.key('return_degc')} = {return_degc:g} degC shapes the R744 cycle preset; "
                         f"datasheet points already contain the return temperature they were measured at")
    with t.constructing():
        if points is None:
            if rated is None:
                raise InputError(f"{t.key('rated_kw')} is required (or give datasheet points or a product)")
            preset = air_to_water if source == "air" else brine_to_water
            return preset(refrigerant, rated, max_supply_degc=max_supply, min_modulation_frac=modulation,
                          model=model, return_degc=return_degc)
        return _datasheet_map(points, source, refrigerant, rated, prated, max_supply, modulation, model)


def _prated(t: Table, rated: float | None) -> float | None:
    """``prated_kw`` [kW], refused beside ``rated_kw``: the two size the unit at different points."""
    prated = t.value("prated_kw", "float", None, low=0.0, low_inclusive=False, high=5000.0, unit="kW")
    if prated is not None and rated is not None:
        raise InputError(f"{t.key('rated_kw')} = {rated:g} kW and {t.key('prated_kw')} = {prated:g} kW: give one. "
                         "prated_kw is the EN 14825 Prated, the design heating load at -10 degC (flow 35 degC) the "
                         "certificate declares; rated_kw is the full-load capacity at the EN 14511 rating point "
                         "A7/W35 (B0/W35 brine), about 1.3 x Prated for an air unit")
    return prated


def read_product(t: Table, product: str, source: str, base_dir: Path | None):
    """The map of a named product: ``certificate``, ``certificate_points`` or ``hplib_model`` (docs/config.md);
    ``source``: one of :data:`HEAT_PUMP_SOURCES`."""
    from mgwsim.heatpump.products import canonical_refrigerant, certificate_points_map, certified_product_map

    if product in ("certificate", "certificate_points") and _PRESET_OF_SOURCE[source] != "air":
        raise InputError(f"{t.key(product)}: an EN 14825 air/water certificate does not hold for a {source} source "
                         "(the evaporator, its approach and the rating point differ); for ground or water give a "
                         "brine/water product: hplib_model = \"<brine/water model>\" or datasheet points")
    rated = t.value("rated_kw", "float", None, low=0.0, low_inclusive=False, high=5000.0, unit="kW")
    prated = _prated(t, rated)
    max_supply = t.value("max_supply_degc", "float", None, low=30.0, high=100.0, unit="degC")
    modulation = t.value("min_modulation_frac", "float", None, low=0.0, high=1.0)
    given_refrigerant = t.value("refrigerant", "str", None)
    if product == "hplib_model":
        return _hplib_product(t, source, rated, prated, max_supply, modulation, given_refrigerant)
    if product == "certificate":
        if rated is not None:
            raise InputError(f"{t.key('rated_kw')} = {rated:g} kW: a certificate is sized by its Prated, the design "
                             "heating load at -10 degC (flow 35 degC); rated_kw would be the full-load capacity at "
                             "A7/W35, about 1.3 x Prated. Give prated_kw for another size of the series, or nothing "
                             "for the declared Prated")
        with t.constructing():
            unit = certified_product_map(t.value("certificate", "str"),
                                         application_degc=t.value("application_degc", "int", None, low=35, high=55),
                                         prated_kw=prated, max_supply_degc=max_supply, min_modulation_frac=modulation,
                                         owner=t.key("certificate"))
        _same_refrigerant(t, given_refrigerant, unit.refrigerant, "the declaration")
        return unit.performance
    if given_refrigerant is None:
        raise InputError(f"{t.key('refrigerant')} is required with certificate_points (the points do not say it, "
                         "and the EU F-gas and EN 378-1 checks need it), e.g. refrigerant = \"R32\"")
    path = Path(base_dir or ".") / t.value("certificate_points", "str")
    if not path.is_file():
        raise InputError(f"{t.key('certificate_points')}: file {str(path)!r} not found (a .csv or .toml of EN 14825 "
                         "points, relative to the configuration)")
    with t.constructing():
        return certificate_points_map(path, refrigerant=canonical_refrigerant(given_refrigerant,
                                                                              t.key("refrigerant")),
                                      prated_kw=prated, rated_kw=rated, max_supply_degc=max_supply,
                                      min_modulation_frac=modulation, owner=t.key("certificate_points")).performance


def _same_refrigerant(t: Table, given: str | None, declared: str, where: str) -> None:
    from mgwsim.heatpump.products import canonical_refrigerant

    if given is not None and canonical_refrigerant(given, t.key("refrigerant")) != declared:
        raise InputError(f"{t.key('refrigerant')} = {given!r}, but {where} says {declared!r}; remove "
                         "refrigerant (it comes from the product)")


def _hplib_product(t: Table, source: str, rated, prated, max_supply, modulation, given_refrigerant):
    """``hplib_model``: a model name or a row index of hplib's database (:func:`mgwsim.heatpump.hplib_map`)."""
    from mgwsim.heatpump.datasheet import hplib_database
    from mgwsim.heatpump.products import canonical_refrigerant, close_product_names

    if prated is not None:
        raise InputError(f"{t.key('prated_kw')}: hplib's parameters carry no Prated; size an hplib model by "
                         f"{t.key('rated_kw')}, the full-load capacity at the EN 14511 rating point (A7/W35 air, "
                         "B0/W35 brine, W10/W35 water), or leave it out for the database's own size")
    raw = t.data["hplib_model"]
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise InputError(f"{t.key('hplib_model')} must be a model name (string) or a row index (integer) of hplib's "
                         f"database, got {raw!r}")
    db = hplib_database()
    if isinstance(raw, str) and raw not in set(db["Model"]):
        close = close_product_names(raw, sorted(set(db["Model"].astype(str))))
        raise InputError(f"{t.key('hplib_model')} = {raw!r} is not in hplib's database; close matches: {close}")
    row = db[db["Model"] == raw].iloc[0] if isinstance(raw, str) else None
    with t.constructing():
        top = 60.0 if max_supply is None else max(max_supply, 36.0)
        kind = _PRESET_OF_SOURCE[source]
        grid = (np.arange(-20.0, 21.0) if kind == "air" else np.arange(-5.0, 21.0), np.linspace(22.0, top, 39))
        performance = hplib_map(raw if row is None else row, *grid, rated_capacity_kw=rated,
                                max_sink_degc=max_supply, min_modulation_frac=modulation)
    if performance.source.kind not in _HPLIB_KINDS_OF_SOURCE[source]:
        raise InputError(f"{t.key('hplib_model')} = {raw!r} is a {performance.source.kind}/water unit in hplib; the "
                         f"variant's source needs a {source} unit (ground and water: a brine/water model; air and "
                         "exhaust air: an air/water model)")
    declared = str(performance.refrigerant)
    if declared.lower() in ("", "nan", "other"):
        if given_refrigerant is None:
            raise InputError(f"{t.key('refrigerant')} is required: hplib gives {declared!r} for this model, and the "
                             "EU F-gas and EN 378-1 checks need the refrigerant")
        return replace(performance, refrigerant=canonical_refrigerant(given_refrigerant, t.key("refrigerant")))
    canonical = canonical_refrigerant(declared, t.key("hplib_model") + " refrigerant")
    _same_refrigerant(t, given_refrigerant, canonical, "hplib's database")
    return replace(performance, refrigerant=canonical)


def _r744_return_degc(t: Table, refrigerant: str) -> float | None:
    """``return_degc``: the fixed return (cold) water of an R744 gas cooler [degC], e.g. 10 for hot water."""
    value = t.value("return_degc", "float", None, low=0.0, high=80.0, unit="degC")
    if value is not None and refrigerant != "R744":
        raise InputError(f"{t.key('return_degc')} = {value:g} degC applies to refrigerant = \"R744\" only (its gas "
                         f"cooler follows the return water); {refrigerant} condenses at the supply temperature, "
                         f"remove return_degc")
    return value


def _datasheet_points(t: Table) -> np.ndarray | None:
    raw = t.data.get("datasheet")
    if raw is None:
        return None
    ok = isinstance(raw, list) and raw and all(
        isinstance(row, list) and len(row) == 4
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in row) for row in raw)
    if not ok:
        raise InputError(f"{t.key('datasheet')} must be an array of [source_degc, sink_degc, capacity_kw, cop] "
                         f"rows, got {raw!r}")
    return np.asarray(raw, dtype=float)


def _datasheet_map(points, source, refrigerant, rated, prated, max_supply, modulation, model):
    """Datasheet fit on the source's whole operating range and sinks from 36 °C to the maximum supply."""
    src = Source(source)
    top = float(points[:, 1].max()) if max_supply is None else max_supply
    return datasheet_map(points, np.linspace(src.min_degc, src.max_degc, 29), np.linspace(36.0, max(top, 46.0), 25),
                         source=src, rated_capacity_kw=rated, prated_kw=prated, max_sink_degc=top,
                         min_modulation_frac=modulation, model=model or "datasheet fit", refrigerant=refrigerant)


# --------------------------------------------------------------------------- tanks, hot water, backup
def read_tank(t: Table, *, volume_l: float | None, min_degc: float, max_degc: float) -> Tank:
    """A tank table with role-specific defaults (buffer 20–80 °C; hot water 1,000 l, 55–75 °C)."""
    with t.constructing():
        return Tank(
            volume_l=t.value("volume_l", "float", *(() if volume_l is None else (volume_l,)), low=0.0,
                             low_inclusive=False, high=1e6, unit="l"),
            min_degc=t.value("min_degc", "float", min_degc, low=5.0, high=95.0, unit="degC"),
            max_degc=t.value("max_degc", "float", max_degc, low=5.0, high=98.0, unit="degC"),
            ua_w_k=t.value("ua_w_k", "float", None, low=0.0, high=1000.0, unit="W/K"),
            label_class=t.value("label_class", "str", "C", choices=TANK_LABEL_CLASSES),
            ambient_degc=t.value("ambient_degc", "float", 15.0, low=-20.0, high=40.0, unit="degC"))


def read_booster(t: Table, main: HeatPumpCascade | None) -> HeatPumpCascade:
    """A hot-water booster on the space-heating loop (``loop_degc`` given): a water/water cycle map of the
    refrigerant on sources around the loop, scaled so that one unit gives ``rated_kw`` from the loop to
    65 °C (or its maximum supply), in series with the plant's heat pumps (:func:`mgwsim.system.booster.booster_cascade`)."""
    from mgwsim.heatpump import cycle_map
    from mgwsim.system.booster import booster_cascade

    loop = t.value("loop_degc", "float", low=25.0, high=60.0, unit="degC")
    if main is None:
        raise InputError(f"{t.key('loop_degc')}: a booster takes its heat from the plant's heat_pumps; give "
                         "[...plant.heat_pumps]")
    refrigerant = t.value("refrigerant", "str", "R290", choices=TYPICAL_MAX_SUPPLY_DEGC)
    rated = t.value("rated_kw", "float", low=0.0, low_inclusive=False, high=5000.0, unit="kW")
    top = t.value("max_supply_degc", "float", min(75.0, TYPICAL_MAX_SUPPLY_DEGC[refrigerant]), low=loop + 12.0,
                  high=100.0, unit="degC")
    with t.constructing():
        sources = np.linspace(loop - 10.0, loop + 5.0, 4)
        raw = cycle_map(refrigerant, sources, np.linspace(loop + 10.0, top, 9), rated_capacity_kw=rated,
                        source=Source("water", float(sources[0]), float(sources[-1])), max_sink_degc=top,
                        min_modulation_frac=t.value("min_modulation_frac", "float", 0.3, low=0.0, high=1.0),
                        model=t.value("model", "str", "") or f"{refrigerant} booster {rated:g} kW")
        at = float(raw.capacity_at(loop, min(65.0, top)))
        booster = replace(raw, capacity_kw=raw.capacity_kw * rated / at, rated_capacity_kw=rated)
        return booster_cascade(booster, main, loop, n_units=t.value("n_units", "int", 1, low=1, high=50),
                               supply_margin_k=t.value("supply_margin_k", "float", 3.0, low=0.0, high=15.0, unit="K"))


def read_hot_water(t: Table | None, path: str, source: str = "air", main: HeatPumpCascade | None = None,
                   base_dir: Path | None = None) -> HotWater:
    """A ``hot_water`` table (absent: 1,000 l at 55–75 °C heated by the space-heating cascade)."""
    t = t or Table({}, path, HOT_WATER_KEYS)
    tank_table = t.table("tank", TANK_KEYS) or Table({}, t.key("tank"), TANK_KEYS)
    heat_pump = t.table("heat_pump", HEAT_PUMP_KEYS)
    if heat_pump is not None and "loop_degc" in heat_pump:
        unit = read_booster(heat_pump, main)
    else:
        unit = None if heat_pump is None else read_heat_pumps(heat_pump, source, base_dir)
    with t.constructing():
        return HotWater(
            tank=read_tank(tank_table, volume_l=1000.0, min_degc=55.0, max_degc=75.0),
            mode=t.value("mode", "str", "heat_pump", choices=HOT_WATER_MODES),
            setpoint_degc=t.value("setpoint_degc", "float", 60.0, low=5.0, high=98.0, unit="degC"),
            booster_kw=t.value("booster_kw", "float", 0.0, low=0.0, high=1e4, unit="kW"),
            heat_pump=unit,
            charge_margin_k=t.value("charge_margin_k", "float", 5.0, low=0.0, high=20.0, unit="K"))


def read_backup(t: Table | None, path: str) -> Backup:
    """A ``backup`` table (absent: no backup)."""
    t = t or Table({}, path, BACKUP_KEYS)
    kind = t.value("kind", "str", "none", choices=BACKUP_KINDS)
    capacity = t.value("capacity_kw", "float", 0.0, low=0.0, high=1e5, unit="kW")
    if kind != "none" and capacity <= 0:
        raise InputError(f"{t.key('capacity_kw')} = {capacity:g} kW must be > 0 for a {kind!r} backup")
    with t.constructing():
        return Backup(kind, capacity,
                      efficiency=t.value("efficiency", "float", 1.0, low=0.5, high=1.1),
                      mode=t.value("mode", "str", "parallel", choices=BACKUP_MODES),
                      bivalent_degc=t.value("bivalent_degc", "float", -30.0, low=-30.0, high=20.0, unit="degC"),
                      serves_hot_water=t.value("serves_hot_water", "bool", True))


def read_plant(t: Table, source: str = "air", base_dir: Path | None = None) -> Plant:
    """A ``plant`` table: heat pumps (optional for a reference), buffer, hot water and backup."""
    heat_pumps = t.table("heat_pumps", HEAT_PUMP_KEYS)
    buffer = t.table("buffer", TANK_KEYS)
    with t.constructing():
        main = None if heat_pumps is None else read_heat_pumps(heat_pumps, source, base_dir)
        return Plant(
            heat_pumps=main,
            hot_water=read_hot_water(t.table("hot_water", HOT_WATER_KEYS), t.key("hot_water"), source, main,
                                     base_dir),
            buffer=None if buffer is None else read_tank(buffer, volume_l=None, min_degc=20.0, max_degc=80.0),
            backup=read_backup(t.table("backup", BACKUP_KEYS), t.key("backup")))


# --------------------------------------------------------------------------- PV, EV, control
def read_pv(raw: dict, path: str) -> list[PvArray]:
    """One ``[[variants.pv]]`` table: a roof layout (or a plain array) as PV arrays."""
    layout = kind_of(raw, path, "layout", PV_LAYOUTS)
    kinds = PV_KEYS[layout] | _PV_ARRAY_OPTIONS
    t = Table(raw, path, ("layout", *kinds))
    options = {key: t.value(key, kind, choices=_PV_CHOICES.get(key)) for key, kind in kinds.items() if key in t}
    with t.constructing():
        if layout == "array":
            return [PvArray(**options)]
        return list(_PV_FUNCTIONS[layout](**options))


def read_ev(t: Table) -> tuple[ChargingSite, str]:
    """An ``ev`` table: the charging site and its strategy."""
    strategy = t.value("strategy", "str", "uncontrolled", choices=EV_STRATEGIES)
    with t.constructing():
        site = ChargingSite(
            n_points=t.value("n_points", "int", low=1, high=10_000),
            n_cars=t.value("n_cars", "int", low=1, high=10_000),
            point_power_kw=t.value("point_power_kw", "float", 11.0, low=0.0, low_inclusive=False, high=350.0,
                                   unit="kW"),
            site_limit_kw=t.value("site_limit_kw", "float", None, low=0.0, low_inclusive=False, unit="kW"),
            profile=t.value("profile", "str", "private", choices=PROFILES),
            annual_energy_per_car_kwh=t.value("annual_energy_per_car_kwh", "float", 2000.0, low=0.0,
                                              low_inclusive=False, unit="kWh"))
    return site, strategy


def read_control(t: Table | None, path: str) -> Control:
    """A ``control`` table (absent: heat-led); defaults are those of :class:`~mgwsim.control.Control`."""
    t = t or Table({}, path, CONTROL_KEYS)
    default = Control()
    with t.constructing():
        return Control(
            strategy=t.value("strategy", "str", default.strategy, choices=CONTROL_STRATEGIES),
            import_limit_kw=t.value("import_limit_kw", "float", default.import_limit_kw, low=0.0, high=1e5, unit="kW"),
            export_limit_kw=t.value("export_limit_kw", "float", default.export_limit_kw, low=0.0, high=1e5, unit="kW"),
            boost_k=t.value("boost_k", "float", default.boost_k, low=0.0, high=40.0, unit="K"),
            dhw_boost_k=t.value("dhw_boost_k", "float", default.dhw_boost_k, low=0.0, high=30.0, unit="K"),
            horizon_h=t.value("horizon_h", "int", default.horizon_h, low=1, high=48),
            min_spread_frac=t.value("min_spread_frac", "float", default.min_spread_frac, low=0.0, high=0.95))


def read_emitter_upgrade(t: Table | None) -> EmitterUpgrade | None:
    """An ``emitter_upgrade`` table (absent: the existing radiators stay); see :class:`~mgwsim.building.EmitterUpgrade`."""
    if t is None:
        return None
    with t.constructing():
        return EmitterUpgrade(
            share=t.value("share", "float", 1.0, low=0.0, high=1.0),
            output_factor=t.value("output_factor", "float", 1.0, low=1.0, high=10.0),
            exponent=t.value("exponent", "float", None, low=1.0, high=2.0),
            balancing=t.value("balancing", "bool", False))


def read_battery(t: Table | None) -> Battery | None:
    """A ``battery`` table (absent: no battery); defaults are those of :class:`~mgwsim.battery.Battery`."""
    if t is None:
        return None
    d = Battery(1.0, 1.0)
    with t.constructing():
        return Battery(
            capacity_kwh=t.value("capacity_kwh", "float", low=0.0, low_inclusive=False, high=1e6, unit="kWh"),
            power_kw=t.value("power_kw", "float", low=0.0, low_inclusive=False, high=1e5, unit="kW"),
            round_trip_efficiency=t.value("round_trip_efficiency", "float", d.round_trip_efficiency, low=0.5, high=1.0),
            soc_min_frac=t.value("soc_min_frac", "float", d.soc_min_frac, low=0.0, high=1.0),
            soc_max_frac=t.value("soc_max_frac", "float", d.soc_max_frac, low=0.0, high=1.0),
            soc_initial_frac=t.value("soc_initial_frac", "float", None, low=0.0, high=1.0),
            self_discharge_frac_per_month=t.value("self_discharge_frac_per_month", "float",
                                                  d.self_discharge_frac_per_month, low=0.0, high=0.5, unit="1/month"),
            standby_w=t.value("standby_w", "float", d.standby_w, low=0.0, high=1e5, unit="W"),
            calendar_fade_per_year=t.value("calendar_fade_per_year", "float", d.calendar_fade_per_year, low=0.0,
                                           high=0.5, unit="1/year"),
            cycle_fade_per_cycle=t.value("cycle_fade_per_cycle", "float", d.cycle_fade_per_cycle, low=0.0, high=0.01,
                                         unit="1/cycle"),
            end_of_life_soh=t.value("end_of_life_soh", "float", d.end_of_life_soh, low=0.3, high=1.0),
            calendar_life_years=t.value("calendar_life_years", "int", d.calendar_life_years, low=1, high=50),
            peak_limit_kw=t.value("peak_limit_kw", "float", None, low=0.0, high=1e5, unit="kW"),
            peak_reserve_frac=t.value("peak_reserve_frac", "float", d.peak_reserve_frac, low=0.0, high=1.0))


def read_heat_network(t: Table, base_dir: Path | None) -> tuple[HeatNetwork, Plant]:
    """A ``heat_network`` table: the network, and the substation plant of ``substation_kw`` that replaces the
    variant's ``plant``; ``tariff`` is a heat tariff file (``kind = "heat"``, relative to the configuration),
    absent: the NMDA ceiling of the study's gas tariff (:mod:`mgwsim.heat_network`)."""
    d = HeatNetwork()
    kw = t.value("substation_kw", "float", low=0.0, low_inclusive=False, high=1e5, unit="kW")
    tariff = None
    if "tariff" in t:
        path = Path(base_dir or ".") / t.value("tariff", "str")
        if path.suffix != ".toml" or not path.is_file():
            raise InputError(f"{t.key('tariff')}: heat tariff file {str(path)!r} not found (a .toml file of kind "
                             "'heat', relative to the configuration)")
        tariff = read_tariff(path)
    with t.constructing():
        network = HeatNetwork(
            name=t.value("name", "str", d.name), supply_degc=t.value("supply_degc", "float", d.supply_degc),
            approach_k=t.value("approach_k", "float", d.approach_k), tariff=tariff,
            co2_kg_per_kwh=t.value("co2_kg_per_kwh", "float", None),
            primary_energy_factor=t.value("primary_energy_factor", "float", d.primary_energy_factor),
            efficiency=t.value("efficiency", "float", d.efficiency),
            connection_fee_eur=t.value("connection_fee_eur", "float", None))
        return network, heat_network_plant(kw)


# --------------------------------------------------------------------------- source and placement
def read_source(t: Table) -> tuple[str | None, object]:
    """``source`` ("air", "ground", "exhaust_air", "water") and its table (``[variants.ground]``,
    ``[variants.exhaust_air]`` or ``[variants.water]``); a table of another source raises."""
    source = t.value("source", "str", None, choices=SOURCES) if "source" in t.allowed else None
    given = [name for name in SOURCE_TABLES if name in t]
    for name in given:
        if name != source:
            raise InputError(f"{t.key(name)} is given but {t.key('source')} = {source!r}; allowed: the table of the "
                             f"chosen source only ({source!r})")
    if not given:
        return source, None
    o = t.table(source, {"ground": GROUND_KEYS, "exhaust_air": EXHAUST_AIR_KEYS, "water": WATER_KEYS}[source])
    with o.constructing():
        if source == "ground":
            d = GroundLoop()
            return source, GroundLoop(
                total_length_m=o.value("total_length_m", "float", None, low=20.0, high=40_000.0, unit="m"),
                depth_m=o.value("depth_m", "float", d.depth_m, low=20.0, high=300.0, unit="m"),
                spacing_m=o.value("spacing_m", "float", d.spacing_m, low=3.0, high=50.0, unit="m"),
                ground_degc=o.value("ground_degc", "float", d.ground_degc, low=5.0, high=25.0, unit="degC"),
                conductivity_w_mk=o.value("conductivity_w_mk", "float", d.conductivity_w_mk, low=0.5, high=6.0,
                                          unit="W/(m.K)"),
                borehole_resistance_mk_w=o.value("borehole_resistance_mk_w", "float", d.borehole_resistance_mk_w,
                                                 low=0.02, high=0.5, unit="m.K/W"),
                heat_capacity_mj_m3k=o.value("heat_capacity_mj_m3k", "float", d.heat_capacity_mj_m3k, low=1.0,
                                             high=4.0, unit="MJ/(m3.K)"),
                model=o.value("model", "str", d.model, choices=("finite", "infinite")),
                years=o.value("years", "int", d.years, low=1, high=50))
        if source == "exhaust_air":
            d = ExhaustAir()
            return source, ExhaustAir(
                airflow_m3_h=o.value("airflow_m3_h", "float", None, low=10.0, high=1e6, unit="m3/h"),
                extract_degc=o.value("extract_degc", "float", d.extract_degc, low=10.0, high=35.0, unit="degC"),
                min_outlet_degc=o.value("min_outlet_degc", "float", d.min_outlet_degc, low=-25.0, high=30.0,
                                        unit="degC"))
        d = WaterBody()
        return source, WaterBody(
            body=o.value("body", "str", d.body, choices=("canal", "groundwater")),
            monthly_degc=o.numbers("monthly_degc", None, length=12),
            exchanger_approach_k=o.value("exchanger_approach_k", "float", d.exchanger_approach_k, low=0.0, high=10.0,
                                         unit="K"))


def read_placement(t: Table | None) -> Placement | None:
    """A ``placement`` table (absent: the default of the variant's source); see :class:`~mgwsim.assess.placement.Placement`."""
    if t is None:
        return None
    d = Placement()
    with t.constructing():
        return Placement(
            location=t.value("location", "str", d.location, choices=LOCATIONS),
            units_on=t.value("units_on", "str", d.units_on, choices=UNITS_ON),
            charge_kg=t.value("charge_kg", "float", None, low=0.0, low_inclusive=False, high=5000.0, unit="kg"),
            room_volume_m3=t.value("room_volume_m3", "float", None, low=1.0, high=1e5, unit="m3"),
            sound_power_dba=t.value("sound_power_dba", "float", None, low=20.0, high=130.0, unit="dB(A)"),
            window_distance_m=t.value("window_distance_m", "float", d.window_distance_m, low=0.5, high=1000.0, unit="m"),
            reflecting_planes=t.value("reflecting_planes", "int", d.reflecting_planes, low=1, high=3),
            zone=t.value("zone", "str", d.zone, choices=tuple(VLAREM_ZONES_DBA)),
            unit_footprint_m2=t.value("unit_footprint_m2", "float", None, low=0.1, high=500.0, unit="m2"),
            available_area_m2=t.value("available_area_m2", "float", None, low=0.0, high=1e6, unit="m2"))


# --------------------------------------------------------------------------- variants
def _variant(t: Table, plant: Plant, *, keeps_existing_boiler: bool, heat_network: HeatNetwork | None = None
             ) -> Variant:
    pv = [array for raw, path in t.items("pv") for array in read_pv(raw, path)]
    ev_table = t.table("ev", EV_KEYS)
    ev, strategy = (None, "uncontrolled") if ev_table is None else read_ev(ev_table)
    source, options = read_source(t)
    placement = read_placement(t.table("placement", PLACEMENT_KEYS)) if "placement" in t.allowed else None
    with t.constructing():
        return Variant(
            source=source, source_options=options, placement=placement,
            name=t.value("name", "str"), plant=plant, pv=tuple(pv), ev=ev, ev_strategy=strategy,
            control=read_control(t.table("control", CONTROL_KEYS), t.key("control")),
            connection=t.value("connection", "str", "lv", choices=CONNECTIONS),
            dynamic_tariff=t.value("dynamic_tariff", "bool", False),
            keeps_existing_boiler=t.value("keeps_existing_boiler", "bool", keeps_existing_boiler),
            gas_connection=t.value("gas_connection", "bool", None),
            emitter_upgrade=(read_emitter_upgrade(t.table("emitter_upgrade", EMITTER_UPGRADE_KEYS))
                             if "emitter_upgrade" in t.allowed else None),
            battery=read_battery(t.table("battery", BATTERY_KEYS)) if "battery" in t.allowed else None,
            heat_network=heat_network, description=t.value("description", "str", ""),
            name_nl=t.value("name_nl", "str", ""), description_nl=t.value("description_nl", "str", ""),
            envelope_now=tuple(_measure(raw, path) for raw, path in t.items("envelope_now"))
            if "envelope_now" in t.allowed else ())


def read_reference(root: Table) -> Variant:
    """``[reference]``: what the VME would do anyway (a new condensing gas boiler, or any plant)."""
    t = root.table("reference", REFERENCE_KEYS, required=True)
    if ("gas_boiler_kw" in t) == ("plant" in t):
        raise InputError("reference: give exactly one of reference.gas_boiler_kw (a new condensing gas boiler) "
                         "or a [reference.plant] table")
    if "plant" in t:
        plant = read_plant(t.table("plant", PLANT_KEYS))
    else:
        if "gas_boiler_efficiency" in t and "gas_boiler_kw" not in t:
            raise InputError(f"{t.key('gas_boiler_efficiency')} needs reference.gas_boiler_kw")
        kw = t.value("gas_boiler_kw", "float", low=0.0, low_inclusive=False, high=1e5, unit="kW")
        efficiency = t.value("gas_boiler_efficiency", "float", 0.90, low=0.5, high=1.1)
        plant = gas_boiler_reference(kw, efficiency=efficiency)
    t = Table({"name": "reference"} | t.data, t.path, REFERENCE_KEYS)
    return _variant(t, plant, keeps_existing_boiler=False)


def read_variants(root: Table, base_dir: Path | None = None) -> list[Variant]:
    """``[[variants]]`` with ``based_on`` inheritance from an earlier variant; a variant with a ``heat_network``
    table has the network's substation as its plant (:func:`read_heat_network`)."""
    raw = root.data.get("variants")
    if raw is None or raw == []:
        raise InputError("variants is required: give at least one [[variants]] table")
    tables = root.tables("variants", VARIANT_KEYS)
    merged: dict[str, dict] = {}
    variants = []
    for t in tables:
        t = _inherit(t, merged)
        network_table = t.table("heat_network", HEAT_NETWORK_KEYS)
        if network_table is not None:
            if "plant" in t:
                raise InputError(f"{t.key('plant')}: a variant with a heat_network has the network's substation as "
                                 "its plant; give either [variants.plant] or [variants.heat_network], not both")
            network, plant = read_heat_network(network_table, base_dir)
            variant = _variant(t, plant, keeps_existing_boiler=False, heat_network=network)
            merged[variant.name] = t.data
            variants.append(variant)
            continue
        plant_table = t.table("plant", PLANT_KEYS, required=True)
        if "heat_pumps" not in plant_table:
            raise InputError(f"{plant_table.key('heat_pumps')} is required in a variant (only the reference and a "
                             "heat-network variant may have no heat pumps)")
        source = t.value("source", "str", "air", choices=SOURCES)
        variant = _variant(t, read_plant(plant_table, source, base_dir), keeps_existing_boiler=True)
        merged[variant.name] = t.data
        variants.append(variant)
    return variants


def _inherit(t: Table, merged: dict[str, dict]) -> Table:
    base = t.value("based_on", "str", None)
    if base is None:
        return t
    if base not in merged:
        raise InputError(f"{t.key('based_on')} = {base!r} is not one of the earlier variants: "
                         f"{', '.join(map(repr, merged)) or '(none)'}")
    parent = {k: v for k, v in merged[base].items() if k not in _NOT_INHERITED}
    own = {k: v for k, v in t.data.items() if k != "based_on"}
    return Table(_deep_merge(parent, own), t.path, VARIANT_KEYS)


def _deep_merge(base: dict, override: dict) -> dict:
    """``override`` on top of ``base``: tables merge key by key, everything else (arrays too) is replaced."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out
