"""``[measured]`` of a study configuration: the building's gas bills and its calibration to them.

``[measured]`` names the gas bills (:func:`mgwsim.measured.read_gas_bills`), optionally the
weather files of the billed years (default: the study's ``[weather]``), whether the study runs
on the building calibrated to the bills (:func:`mgwsim.measured.calibrate_to_bills`, default
true) and overrides of the calibration priors (``[measured.priors.<parameter>]``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from mgwsim.building import Building
from mgwsim.config._building import WEATHER_FORMATS, WEATHER_READERS
from mgwsim.config._reader import Table
from mgwsim.errors import InputError
from mgwsim.measured import DEFAULT_PRIORS, Calibration, GasBills, Prior, calibrate_to_bills, read_gas_bills
from mgwsim.measured.calibration import PARAMETERS
from mgwsim.weather import Weather, read_epw, read_pvgis_tmy

MEASURED_KEYS = ("bills", "date_format", "weather", "weather_format", "calibrate", "noise_kwh_per_day", "priors")
PRIOR_KEYS = ("mean", "sd", "low", "high")


@dataclass(frozen=True)
class MeasuredInputs:
    """What ``[measured]`` (or ``mgwsim calibrate``) gives the calibration.

    Attributes
    ----------
    bills : GasBills
    weather : tuple of Weather
        The weather of the billed days (the study's own when ``measured.weather`` is absent).
    priors : dict of str to Prior
        The priors given in ``[measured.priors]`` (the others stay :data:`~mgwsim.measured.DEFAULT_PRIORS`).
    calibrate : bool
        Whether the study runs on the calibrated building.
    noise_kwh_per_day : float or None
        σ_d given, or None (estimated from the bills).
    """

    bills: GasBills
    weather: tuple[Weather, ...]
    priors: dict[str, Prior]
    calibrate: bool = True
    noise_kwh_per_day: float | None = None

    def calibrate_building(self, building: Building, occupants_per_apartment: float, seed: int = 0) -> Calibration:
        """:func:`~mgwsim.measured.calibrate_to_bills` of ``building`` on these bills, weather and priors."""
        return calibrate_to_bills(building, self.bills, list(self.weather), priors=self.priors,
                                  noise_kwh_per_day=self.noise_kwh_per_day,
                                  occupants_per_apartment=occupants_per_apartment, seed=seed)


def read_measured(root: Table, base_dir: Path, building: Building, study_weather: Weather, *,
                  bills_path=None) -> MeasuredInputs | None:
    """``[measured]`` as :class:`MeasuredInputs`; None when absent and no ``bills_path`` is given.

    ``bills_path`` (the ``mgwsim calibrate`` argument) replaces ``measured.bills``.
    """
    table = root.table("measured", MEASURED_KEYS)
    if table is None and bills_path is None:
        return None
    table = table or Table({}, "measured", MEASURED_KEYS)
    if bills_path is None:
        bills_path = _existing(table, base_dir / table.value("bills", "str"), "bills")
    date_format = table.value("date_format", "str", None)
    bills = read_gas_bills(bills_path, date_format=date_format)
    weather = _weathers(table, base_dir) or (study_weather,)
    return MeasuredInputs(bills=bills, weather=weather, priors=read_priors(table, building),
                          calibrate=table.value("calibrate", "bool", True),
                          noise_kwh_per_day=table.value("noise_kwh_per_day", "float", None, low=0.0,
                                                        low_inclusive=False, unit="kWh/d"))


def _existing(table: Table, path: Path, key: str) -> Path:
    if not path.is_file():
        raise FileNotFoundError(f"{table.key(key)}: no such file {str(path)!r}")
    return path


def _weathers(table: Table, base_dir: Path) -> tuple[Weather, ...]:
    """``measured.weather``: one file name or an array of them (EPW or PVGIS, by suffix or ``weather_format``)."""
    files = _names(table, "weather")
    fmt = table.value("weather_format", "str", "auto", choices=WEATHER_FORMATS)
    if files is None:
        if "weather_format" in table:
            raise InputError(f"{table.key('weather_format')} needs measured.weather (the weather files of the "
                             "billed years)")
        return ()
    return tuple(_weather(table, f"weather[{i}]", base_dir / name, fmt) for i, name in enumerate(files))


def _names(table: Table, key: str) -> list[str] | None:
    value = table.data.get(key)
    if value is None or isinstance(value, str):
        return None if value is None else [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise InputError(f"{table.key(key)} must be a file name or a non-empty array of file names, got {value!r}")
    return value


def _weather(table: Table, key: str, path: Path, fmt: str) -> Weather:
    kind = WEATHER_READERS.get(path.suffix.lower()) if fmt == "auto" else fmt
    if kind is None:
        raise InputError(f"{table.key(key)} = {str(path)!r}: cannot tell the format from the suffix (allowed "
                         f"{', '.join(WEATHER_READERS)}); set measured.weather_format to 'epw' or 'pvgis'")
    _existing(table, path, key)
    with table.constructing(key):
        return (read_epw if kind == "epw" else read_pvgis_tmy)(path)


def read_priors(table: Table, building: Building) -> dict[str, Prior]:
    """``[measured.priors.<parameter>]``: mean, sd, low, high; keys not given keep the default prior.

    The default setpoint and infiltration priors are centred on the building's own values.
    """
    priors_table = table.table("priors", PARAMETERS)
    if priors_table is None:
        return {}
    chosen = {}
    for name in PARAMETERS:
        t = priors_table.table(name, PRIOR_KEYS)
        if t is None:
            continue
        base = _default_prior(name, building)
        given = {key: t.value(key, "float", getattr(base, key)) for key in PRIOR_KEYS}
        with t.constructing():
            chosen[name] = Prior(**given)
    return chosen


def _default_prior(name: str, building: Building) -> Prior:
    own = {"setpoint_degc": building.setpoint_degc, "infiltration_per_h": building.infiltration_per_h}
    prior = DEFAULT_PRIORS[name]
    return replace(prior, mean=own[name]) if name in own else prior


def calibration_source(calibration: Calibration, bills: GasBills) -> str:
    """The sentence that says the building is calibrated, to which bills and how well (Guideline 14)."""
    first, last = bills.periods["start"].iloc[0].date(), bills.periods["end"].iloc[-1].date()
    verdict = "meets" if calibration.meets_guideline14 else "does not meet"
    p = calibration.parameters["estimate"]
    return (f"calibrated to {bills.n_periods} gas bills {first}..{last} ({bills.source}): CV(RMSE) "
            f"{calibration.cv_rmse_pct:.1f} %, NMBE {calibration.nmbe_pct:+.1f} % ({verdict} ASHRAE Guideline 14, "
            f"monthly); setpoint {p['setpoint_degc']:.1f} °C, infiltration {p['infiltration_per_h']:.2f} 1/h, "
            f"U-scale {p['u_scale']:.2f}, hot water {p['litres_per_person_day']:.0f} l/(person·d), boiler "
            f"efficiency today {p['boiler_efficiency']:.2f}")
