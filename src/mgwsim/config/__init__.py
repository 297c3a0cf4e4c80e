"""Study configuration files (TOML): a building, its variants, tariffs and money → a :class:`~mgwsim.study.Study`.

:func:`load_study` reads a TOML file and builds the same objects a script would build with
the Python API (:func:`mgwsim.building_from_typology`, :class:`~mgwsim.system.Plant`,
:class:`~mgwsim.study.Variant`, :class:`~mgwsim.study.StudyInputs`, ...). The format is
documented key by key in ``docs/config.md``. Unknown keys, wrong types and values out of
range raise :class:`~mgwsim.errors.InputError` naming the key path
(``variants[2].plant.heat_pumps.n_units``; arrays of tables are counted from 0), the value
and what is allowed; a TOML syntax error is an :class:`~mgwsim.errors.InputError` too.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from mgwsim.branding import ReportSettings
from mgwsim.building import Building, RenovationPath
from mgwsim.config._building import read_building, read_radiators, read_renovation, read_weather
from mgwsim.config._measured import MeasuredInputs, calibration_source, read_measured
from mgwsim.config._money import read_finance, read_study, read_subsidies, read_tariffs
from mgwsim.config._reader import Table
from mgwsim.config._report import read_report
from mgwsim.config._variants import read_reference, read_variants
from mgwsim.errors import DataError, InputError
from mgwsim.measured import Calibration
from mgwsim.study import CRITERIA, DecisionRules, Study, StudyInputs

__all__ = ["TOP_LEVEL_KEYS", "MeasuredInputs", "MeasuredSetup", "StudyConfig", "load_config", "load_measured",
           "load_study", "read_config"]

TOP_LEVEL_KEYS = ("study", "site", "weather", "building", "renovation", "tariffs", "finance", "subsidies",
                  "decision", "reference", "variants", "measured", "report")
DECISION_KEYS = ("criterion", "max_unmet_share", "max_hot_water_short_share", "require_eligibility",
                 "tie_tolerance_frac")


@dataclass(frozen=True, eq=False)
class StudyConfig:
    """What a configuration file describes.

    Attributes
    ----------
    study : Study
        Ready to :meth:`~mgwsim.study.Study.run`.
    renovation_path : RenovationPath or None
        The ``[[renovation]]`` steps (also passed to the study's inputs).
    name : str
        ``study.name``, or the building's name.
    source : str
        Where the configuration came from (file path or ``"<dict>"``).
    calibration : Calibration or None
        The building's calibration to its gas bills (``[measured]``), when the study runs on it.
    report : ReportSettings
        The ``[report]`` table: the firm's branding, template folder, style sheet, PDF or not.
    """

    study: Study
    renovation_path: RenovationPath | None
    name: str
    source: str
    calibration: Calibration | None = None
    report: ReportSettings = field(default_factory=ReportSettings)


@dataclass(frozen=True)
class MeasuredSetup:
    """The building as described and the measured data of a configuration (``mgwsim calibrate``)."""

    building: Building
    occupants_per_apartment: float
    seed: int
    measured: MeasuredInputs


def read_config(data: dict, base_dir=".", *, source: str = "<dict>") -> StudyConfig:
    """Build a :class:`StudyConfig` from an already parsed TOML document.

    Parameters
    ----------
    data : dict
        The document (as :func:`tomllib.loads` returns it).
    base_dir : path-like
        Folder that relative file paths (weather, prices, the report's logo, templates and style
        sheet) are resolved against.
    source : str
        Label of the configuration in messages.

    With ``[measured]`` (and ``measured.calibrate``, the default) the building is calibrated to
    the gas bills (:func:`mgwsim.measured.calibrate_to_bills`, seconds per billed year) after
    every other section has been read, and the study runs on the calibrated building and
    hot-water volume; :attr:`StudyConfig.calibration` holds the fit.
    """
    root = Table(data, "", TOP_LEVEL_KEYS)
    base_dir = Path(base_dir)
    meta = read_study(root)
    report = read_report(root, base_dir)
    weather = read_weather(root, base_dir)
    building, building_table = read_building(root)
    occupants = _occupants(building_table)
    measured = read_measured(root, base_dir, building, weather)
    finance, study_cost = read_finance(root, building.n_apartments)
    renovation = read_renovation(root)
    tariffs, subsidies = read_tariffs(root, base_dir, weather), read_subsidies(root)
    reference, variants, rules = read_reference(root), read_variants(root, base_dir), read_decision(root)
    calibration, building_source = None, ""
    if measured is not None and measured.calibrate:  # the long part, once the whole file is known to be valid
        calibration = measured.calibrate_building(building, occupants, meta["seed"])
        building, occupants = calibration.building, calibration.study_occupants_per_apartment
        building_source = calibration_source(calibration, measured.bills)
    radiators, regime = read_radiators(building_table, building, weather)
    inputs = _inputs(building_table, building, weather, radiators, regime, finance, study_cost, meta,
                     tariffs=tariffs, subsidies=subsidies, renovation_path=renovation, occupants=occupants,
                     building_source=building_source)
    return StudyConfig(Study(inputs, reference, variants, rules=rules), renovation, meta["name"] or building.name,
                       source, calibration, report)


def _occupants(building_table: Table) -> float:
    return building_table.value("occupants_per_apartment", "float", 2.0, low=0.5, high=10.0)


def read_decision(root: Table) -> DecisionRules:
    """``[decision]``: the ranking criterion and the comfort tolerances of the recommendation."""
    t = root.table("decision", DECISION_KEYS) or Table({}, "decision", DECISION_KEYS)
    defaults = DecisionRules()
    with t.constructing():
        return DecisionRules(
            criterion=t.value("criterion", "str", defaults.criterion, choices=CRITERIA),
            max_unmet_share=t.value("max_unmet_share", "float", defaults.max_unmet_share, low=0.0, high=1.0),
            max_hot_water_short_share=t.value("max_hot_water_short_share", "float",
                                              defaults.max_hot_water_short_share, low=0.0, high=1.0),
            require_eligibility=t.value("require_eligibility", "bool", defaults.require_eligibility),
            tie_tolerance_frac=t.value("tie_tolerance_frac", "float", defaults.tie_tolerance_frac, low=0.0, high=0.5))


def _inputs(t: Table, building, weather, radiators, regime, finance, study_cost, meta, *, tariffs, subsidies,
            renovation_path, occupants, building_source):
    with t.constructing():
        return StudyInputs(
            building=building, weather=weather, radiators=radiators, regime=regime,
            occupants_per_apartment=occupants, building_source=building_source,
            finance=finance, subsidies=subsidies, study_cost_incl_vat_eur=study_cost,
            co2_year=meta["co2_year"], install_year=meta["install_year"], seed=meta["seed"],
            building_age_years=t.value("age_years", "float", None, low=0.0, high=1000.0, unit="years"),
            existing_connection_kva=t.value("connection_kva", "float", 100.0, low=0.0, low_inclusive=False,
                                            unit="kVA"),
            existing_boiler_age_years=t.value("boiler_age_years", "float", None, low=0.0, high=100.0, unit="years"),
            in_planned_heat_network_zone=t.value("in_planned_heat_network_zone", "bool", False),
            plant_room_area_m2=t.value("plant_room_area_m2", "float", 20.0, low=0.0, unit="m2"),
            apartment_shares=t.numbers("apartment_shares", None, length=building.n_apartments),
            apartment_floor_areas_m2=t.numbers("apartment_floor_areas_m2", None, length=building.n_apartments),
            renovation_path=renovation_path, **tariffs)


def load_config(path) -> StudyConfig:
    """Read a study TOML file; relative file paths inside it are relative to the file.

    Raises
    ------
    FileNotFoundError
        The file (or a weather/price file it names) does not exist.
    InputError
        TOML syntax error, unknown key, wrong type, value out of range, unknown refrigerant,
        typology or tariff; the message names the key path, the value and what is allowed.
    """
    path = Path(path)
    data = _parsed(path)
    try:
        return read_config(data, path.parent, source=str(path))
    except InputError as error:
        raise type(error)(f"{path.name}: {error}") from None


def _parsed(path: Path) -> dict:
    if not path.is_file():
        raise FileNotFoundError(f"no such configuration file: {str(path)!r}")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{path}: TOML syntax error: {error}") from None
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not a UTF-8 text file ({error})") from None


def load_measured(path, bills=None) -> MeasuredSetup:
    """The building as described, its occupants and the measured data of a study TOML (no calibration run).

    ``bills`` (a gas-bills CSV) replaces ``measured.bills``; without it the file needs ``[measured]``.
    Raises as :func:`load_config`.
    """
    path = Path(path)
    data = _parsed(path)
    try:
        root = Table(data, "", TOP_LEVEL_KEYS)
        meta = read_study(root)
        building, building_table = read_building(root)
        measured = read_measured(root, path.parent, building, read_weather(root, path.parent), bills_path=bills)
        if measured is None:
            raise InputError("[measured] is missing: give the gas bills there (measured.bills) or on the command line")
        return MeasuredSetup(building, _occupants(building_table), meta["seed"], measured)
    except DataError:
        raise  # names the data file already
    except InputError as error:
        raise type(error)(f"{path.name}: {error}") from None


def load_study(path) -> Study:
    """The :class:`~mgwsim.study.Study` a TOML file describes (see :func:`load_config`)."""
    return load_config(path).study
