"""``[site]``, ``[weather]``, ``[building]`` and ``[[renovation]]`` of a study configuration."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from mgwsim.building import (
    Building,
    ImproveAirtightness,
    Insulate,
    InstallVentilation,
    OpaqueElement,
    Radiators,
    ReduceThermalBridges,
    RenovationPath,
    RenovationStep,
    ReplaceWindows,
    Ventilation,
    Window,
    building_from_typology,
    radiators_for,
)
from mgwsim.building.envelope import ELEMENT_KINDS, THERMAL_MASS_CLASSES, VENTILATION_SYSTEMS
from mgwsim.building.typology import VARIANTS, resolve_code, typology_table
from mgwsim.config._reader import REQUIRED, Table, kind_of
from mgwsim.errors import InputError
from mgwsim.weather import Site, Weather, default_weather, design_temperature, read_epw, read_pvgis_tmy

SITE_KEYS = ("name", "latitude_deg", "longitude_deg", "altitude_m", "municipality")
WEATHER_KEYS = ("file", "format", "year")
WEATHER_FORMATS = ("auto", "epw", "pvgis")
_TYPOLOGY_KEYS = ("typology", "variant", "orientation_deg")
_EXPLICIT_KEYS = ("elements", "windows")
_SCALE_KEYS = ("floor_area_m2", "n_apartments", "n_storeys")
_OVERRIDE_KEYS = ("ventilation", "thermal_bridge_w_m2k", "infiltration_per_h", "thermal_mass", "room_height_m",
                  "setpoint_degc", "setback_degc", "setback_hours", "internal_gains_w_m2", "year_built")
_STUDY_KEYS = ("occupants_per_apartment", "age_years", "connection_kva", "boiler_age_years",
               "in_planned_heat_network_zone", "plant_room_area_m2", "radiators", "apartment_shares",
               "apartment_floor_areas_m2")
BUILDING_KEYS = ("name", "name_nl", *_TYPOLOGY_KEYS, *_SCALE_KEYS, *_EXPLICIT_KEYS, *_OVERRIDE_KEYS, *_STUDY_KEYS)
ELEMENT_KEYS = ("kind", "area_m2", "u_w_m2k", "b_factor", "name")
WINDOW_KEYS = ("area_m2", "u_w_m2k", "g_value", "azimuth_deg", "tilt_deg", "frame_fraction", "shading_factor")
VENTILATION_KEYS = ("system", "air_change_per_h", "heat_recovery_efficiency", "fan_power_w_per_m3h")
RADIATOR_KEYS = ("supply_degc", "return_degc", "design_output_kw", "oversizing", "room_degc", "exponent")
RENOVATION_KEYS = ("year", "label", "label_nl", "measures")
MEASURE_KEYS = {
    "insulate": ("element", "thickness_m", "target_u_w_m2k", "conductivity_w_mk"),
    "replace_windows": ("u_w_m2k", "g_value"),
    "improve_airtightness": ("infiltration_per_h",),
    "install_ventilation": VENTILATION_KEYS,
    "reduce_thermal_bridges": ("thermal_bridge_w_m2k",),
}
WEATHER_READERS = {".epw": "epw", ".csv": "pvgis", ".json": "pvgis"}


# --------------------------------------------------------------------------- site and weather
def read_site(root: Table, *, required: bool) -> Site | None:
    """``[site]`` as a :class:`Site` (None when absent); name and coordinates required when ``required``."""
    table = root.table("site", SITE_KEYS)
    if table is None:
        return None
    need = REQUIRED if required else None
    name = table.value("name", "str", need)
    latitude = table.value("latitude_deg", "float", need, low=-90.0, high=90.0, unit="deg")
    longitude = table.value("longitude_deg", "float", need, low=-180.0, high=180.0, unit="deg")
    altitude = table.value("altitude_m", "float", None, low=-500.0, high=9000.0, unit="m")
    municipality = table.value("municipality", "str", None)
    if None in (name, latitude, longitude):
        return _PartialSite(name, latitude, longitude, altitude, municipality)
    with table.constructing():
        return Site(name, latitude, longitude, 0.0 if altitude is None else altitude, municipality)


class _PartialSite:
    """Site fields given next to a weather file: the file supplies the rest."""

    def __init__(self, name, latitude, longitude, altitude, municipality):
        self.fields = {"name": name, "latitude_deg": latitude, "longitude_deg": longitude, "altitude_m": altitude,
                       "municipality": municipality}

    def over(self, site: Site) -> Site:
        given = {k: v for k, v in self.fields.items() if v is not None}
        return Site(**({"name": site.name, "latitude_deg": site.latitude_deg, "longitude_deg": site.longitude_deg,
                        "altitude_m": site.altitude_m, "municipality": site.municipality} | given))


def read_weather(root: Table, base_dir: Path) -> Weather:
    """``[weather]`` (+ ``[site]``): the embedded default year, or an EPW / PVGIS TMY file relative to the TOML."""
    table = root.table("weather", WEATHER_KEYS) or Table({}, "weather", WEATHER_KEYS)
    file = table.value("file", "str", None)
    fmt = table.value("format", "str", "auto", choices=WEATHER_FORMATS)
    year = table.value("year", "int", None, low=1900, high=2100)
    if file is None:
        for key in ("format", "year"):
            if key in table:
                raise InputError(f"{table.key(key)} needs weather.file (the embedded default year has no {key})")
        site = read_site(root, required=True)
        default = default_weather()
        if site is None:
            return default
        return Weather(default.data, site, source=f"{default.source}, used for {site.name}")
    site = read_site(root, required=False)
    weather = _read_weather_file(table, base_dir / file, fmt, year, getattr(site, "municipality", None))
    if site is None:
        return weather
    site = site.over(weather.site) if isinstance(site, _PartialSite) else site
    return Weather(weather.data, site, source=weather.source)


def _read_weather_file(table: Table, path: Path, fmt: str, year: int | None, municipality: str | None) -> Weather:
    if fmt == "auto":
        fmt = WEATHER_READERS.get(path.suffix.lower())
        if fmt is None:
            raise InputError(f"{table.key('file')} = {str(path)!r}: cannot tell the format from the suffix "
                             f"(allowed {', '.join(WEATHER_READERS)}); set weather.format to 'epw' or 'pvgis'")
    if not path.is_file():
        raise FileNotFoundError(f"{table.key('file')}: no such file {str(path)!r}")
    reader = read_epw if fmt == "epw" else read_pvgis_tmy
    with table.constructing("file"):
        return reader(path, year=year, municipality=municipality)


# --------------------------------------------------------------------------- building
def read_building(root: Table) -> tuple[Building, Table]:
    """``[building]`` as a :class:`Building` (from a TABULA typology or explicit elements) and its table."""
    table = root.table("building", BUILDING_KEYS, required=True)
    if "typology" in table:
        for key in _EXPLICIT_KEYS:
            if key in table:
                raise InputError(f"{table.key(key)} is only allowed without building.typology "
                                 "(give either a typology or explicit elements)")
        building = _typology_building(table)
    else:
        for key in ("variant", "orientation_deg"):
            if key in table:
                raise InputError(f"{table.key(key)} needs building.typology")
        building = _explicit_building(table)
    name_nl = table.value("name_nl", "str", "")
    if name_nl:
        building = replace(building, name_nl=name_nl)
    return _with_overrides(table, building), table


def _typology_code(table: Table) -> str:
    code = table.value("typology", "str")
    variant = table.value("variant", "int", 1, choices=None, low=1, high=3)
    try:
        return resolve_code(code, variant)
    except InputError:
        short = sorted({".".join(c.split(".")[2:5]).removesuffix(".Gen") for c in typology_table().index})
        raise InputError(f"building.typology = {code!r} (variant {variant}) is not a known TABULA archetype; "
                         f"allowed: {', '.join(short)} with variant in {sorted(VARIANTS)}, or a full code "
                         "such as 'BE.N.AB.02.Gen.ReEx.001.001'") from None


def _typology_building(table: Table) -> Building:
    code = _typology_code(table)
    options = {
        "floor_area_m2": table.value("floor_area_m2", "float", None, low=0.0, low_inclusive=False, unit="m2"),
        "n_apartments": table.value("n_apartments", "int", None, low=1, high=10_000),
        "n_storeys": table.value("n_storeys", "int", None, low=1, high=100),
        "orientation_deg": table.value("orientation_deg", "float", 0.0, low=-360.0, high=360.0, unit="deg"),
        "name": table.value("name", "str", None),
    }
    with table.constructing():
        return building_from_typology(code, **options)


def _explicit_building(table: Table) -> Building:
    elements = [_element(t) for t in table.tables("elements", ELEMENT_KEYS)]
    if not elements:
        raise InputError("building: give building.typology, or explicit [[building.elements]] "
                         "(with walls, a roof and a floor) and [[building.windows]]")
    windows = [_window(t) for t in table.tables("windows", WINDOW_KEYS)]
    with table.constructing():
        return Building(
            name=table.value("name", "str", "building"),
            heated_floor_area_m2=table.value("floor_area_m2", "float", low=0.0, low_inclusive=False, unit="m2"),
            n_apartments=table.value("n_apartments", "int", low=1, high=10_000),
            n_storeys=table.value("n_storeys", "int", low=1, high=100),
            elements=tuple(elements), windows=tuple(windows))


def _element(t: Table) -> OpaqueElement:
    with t.constructing():
        return OpaqueElement(
            kind=t.value("kind", "str", choices=ELEMENT_KINDS),
            area_m2=t.value("area_m2", "float", low=0.0, low_inclusive=False, unit="m2"),
            u_w_m2k=t.value("u_w_m2k", "float", low=0.05, high=6.0, unit="W/m2K"),
            b_factor=t.value("b_factor", "float", 1.0, low=0.0, low_inclusive=False, high=1.0),
            name=t.value("name", "str", ""))


def _window(t: Table) -> Window:
    with t.constructing():
        return Window(
            area_m2=t.value("area_m2", "float", low=0.0, low_inclusive=False, unit="m2"),
            u_w_m2k=t.value("u_w_m2k", "float", low=0.5, high=6.0, unit="W/m2K"),
            g_value=t.value("g_value", "float", low=0.05, high=0.95),
            azimuth_deg=t.value("azimuth_deg", "float", low=0.0, high=360.0, unit="deg"),
            tilt_deg=t.value("tilt_deg", "float", 90.0, low=0.0, high=90.0, unit="deg"),
            frame_fraction=t.value("frame_fraction", "float", 0.3, low=0.0, high=0.9),
            shading_factor=t.value("shading_factor", "float", 0.6, low=0.0, high=1.0))


def read_ventilation(t: Table) -> Ventilation:
    """A ``ventilation`` table (or an ``install_ventilation`` measure) as :class:`Ventilation`."""
    with t.constructing():
        return Ventilation(
            system=t.value("system", "str", choices=VENTILATION_SYSTEMS),
            air_change_per_h=t.value("air_change_per_h", "float", 0.4, low=0.0, high=5.0, unit="1/h"),
            heat_recovery_efficiency=t.value("heat_recovery_efficiency", "float", 0.0, low=0.0, high=0.95),
            fan_power_w_per_m3h=t.value("fan_power_w_per_m3h", "float", 0.0, low=0.0, high=2.0))


def _with_overrides(table: Table, building: Building) -> Building:
    changes = {
        "thermal_bridge_w_m2k": table.value("thermal_bridge_w_m2k", "float", None, low=0.0, high=0.5, unit="W/m2K"),
        "infiltration_per_h": table.value("infiltration_per_h", "float", None, low=0.0, high=3.0, unit="1/h"),
        "thermal_mass": table.value("thermal_mass", "str", None, choices=THERMAL_MASS_CLASSES),
        "room_height_m": table.value("room_height_m", "float", None, low=2.0, high=5.0, unit="m"),
        "setpoint_degc": table.value("setpoint_degc", "float", None, low=10.0, high=26.0, unit="degC"),
        "setback_degc": table.value("setback_degc", "float", None, low=5.0, high=26.0, unit="degC"),
        "internal_gains_w_m2": table.value("internal_gains_w_m2", "float", None, low=0.0, high=20.0, unit="W/m2"),
        "year_built": table.value("year_built", "int", None, low=1800, high=2100),
    }
    hours = table.numbers("setback_hours", None, length=2)
    if hours is not None:
        if any(h != int(h) or not 0 <= h <= 23 for h in hours):
            raise InputError(f"{table.key('setback_hours')} = {list(hours)!r} must be two whole hours in [0, 23]")
        changes["setback_hours"] = tuple(int(h) for h in hours)
    ventilation = table.table("ventilation", VENTILATION_KEYS)
    if ventilation is not None:
        changes["ventilation"] = read_ventilation(ventilation)
    changes = {k: v for k, v in changes.items() if v is not None}
    with table.constructing():
        return building.with_changes(**changes) if changes else building


def read_radiators(building_table: Table, building: Building, weather: Weather) -> tuple[Radiators | None, tuple]:
    """``[building.radiators]``: the existing radiators (None: sized for today's design load) and the regime."""
    t = building_table.table("radiators", RADIATOR_KEYS) or Table({}, building_table.key("radiators"), RADIATOR_KEYS)
    supply = t.value("supply_degc", "float", 75.0, low=21.0, high=110.0, unit="degC")
    ret = t.value("return_degc", "float", 65.0, low=21.0, high=95.0, unit="degC")
    if ret > supply:
        raise InputError(f"{t.key('return_degc')} = {ret:g} degC must not exceed {t.key('supply_degc')} = {supply:g} degC")
    output = t.value("design_output_kw", "float", None, low=0.0, low_inclusive=False, unit="kW")
    oversizing = t.value("oversizing", "float", None, low=0.5, high=3.0)
    room = t.value("room_degc", "float", 20.0, low=10.0, high=26.0, unit="degC")
    exponent = t.value("exponent", "float", 1.3, low=1.0, high=2.0)
    if output is not None and oversizing is not None:
        raise InputError(f"{t.path}: give design_output_kw or oversizing, not both")
    if output is None and oversizing is None:
        if "room_degc" in t or "exponent" in t:
            raise InputError(f"{t.path}: room_degc and exponent need design_output_kw or oversizing")
        return None, (supply, ret)
    with t.constructing():
        if output is None:
            load_kw = building.design_heat_load_kw(design_temperature(weather.site, weather).value_degc)
            return radiators_for(load_kw, (supply, ret), oversizing=oversizing, room_degc=room, exponent=exponent), \
                (supply, ret)
        return Radiators(supply, ret, output, room_degc=room, exponent=exponent), (supply, ret)


# --------------------------------------------------------------------------- renovation path
def read_renovation(root: Table) -> RenovationPath | None:
    """``[[renovation]]`` steps as a :class:`RenovationPath` (None when there are none)."""
    steps = [_step(t) for t in root.tables("renovation", RENOVATION_KEYS)]
    return RenovationPath(tuple(steps)) if steps else None


def _step(t: Table) -> RenovationStep:
    year = t.value("year", "int", low=0, high=60)
    label = t.value("label", "str", "")
    items = t.items("measures")
    if not items:
        raise InputError(f"{t.key('measures')} must hold at least one [[renovation.measures]] table")
    return RenovationStep(year, tuple(_measure(raw, path) for raw, path in items), label,
                          t.value("label_nl", "str", ""))


def _measure(raw, path: str):
    kind = kind_of(raw, path, "kind", MEASURE_KEYS)
    t = Table(raw, path, ("kind", *MEASURE_KEYS[kind]))
    with t.constructing():
        if kind == "insulate":
            thickness = t.value("thickness_m", "float", None, low=0.0, high=0.6, unit="m")
            target = t.value("target_u_w_m2k", "float", None, low=0.05, high=6.0, unit="W/m2K")
            if (thickness is None) == (target is None):
                raise InputError(f"{path}: give exactly one of thickness_m or target_u_w_m2k")
            return Insulate(t.value("element", "str", choices=("roof", "wall", "floor")), thickness, target,
                            t.value("conductivity_w_mk", "float", 0.035, low=0.0, low_inclusive=False, high=1.0))
        if kind == "replace_windows":
            return ReplaceWindows(t.value("u_w_m2k", "float", 1.1, low=0.5, high=6.0, unit="W/m2K"),
                                  t.value("g_value", "float", 0.5, low=0.05, high=0.95))
        if kind == "improve_airtightness":
            return ImproveAirtightness(t.value("infiltration_per_h", "float", low=0.0, high=3.0, unit="1/h"))
        if kind == "install_ventilation":
            return InstallVentilation(read_ventilation(t))
        return ReduceThermalBridges(t.value("thermal_bridge_w_m2k", "float", low=0.0, high=0.5, unit="W/m2K"))
