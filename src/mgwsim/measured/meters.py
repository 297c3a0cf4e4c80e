"""Metered series: the digital meter's quarter hours, heat meters and heat-pump monitoring.

Every reader returns a :class:`MeterSeries`: energies per interval [kWh] (and temperatures
[°C] as interval means), on a tz-aware ``Europe/Brussels`` index of interval *starts*
(period-beginning, mgwsim's convention), with the interval ends beside it.

Layouts
-------
**Fluvius quarter-hour export** (:func:`read_fluvius_quarter_hours`). The *Mijn Fluvius*
customer portal exports a meter's "kwartiertotalen" (quarter-hour totals) as a
semicolon-separated CSV with decimal commas, one row per quarter hour and register, in local
wall-clock time. The layout supported here is the one of the public sample files of the
Home-Assistant-Import-Energy-Data project (``Datasources/Fluvius/Sample files``, 2024-2025),
in Dutch or English; it could not be confirmed against a Fluvius specification:

=====================  ======================  ============================================
Dutch header           English header          content
=====================  ======================  ============================================
``Van datum``          ``From (date)``         day of the quarter's start, ``dd-mm-yyyy`` / ``dd/mm/yyyy``
``Van tijdstip``       ``From (time)``         start time, ``hh:mm:ss`` (local)
``Tot datum``          ``Until (date)``        day of the quarter's end
``Tot tijdstip``       ``Until (time)``        end time (start + 15 min)
``EAN``                ``EAN code``            connection (not used)
``Meter``              ``Meter``               meter id (not used)
``Metertype``          ``Meter type``          not used
``Register``           ``Register``            ``Afname Dag/Nacht``, ``Injectie Dag/Nacht`` (``Offtake``/``Injection`` ``Day``/``Night``)
``Volume``             ``Volume``              energy in the quarter [kWh]; empty when not read
``Eenheid``            ``Unit``                must be ``kWh``
``Validatiestatus``    ``Validation status``   not used
=====================  ======================  ============================================

Consumption (*afname*) and injection of the day and night registers are summed per quarter
into ``import_kwh`` and ``export_kwh``. Rows with an empty volume before the first and after
the last read quarter are dropped (the meter was not yet, or no longer, read out); an empty
volume between read quarters is a gap and raises.

**Heat meter** (:func:`read_heat_meter`): a comma-separated CSV with a time column and a heat
column, either the cumulative register read at any instants (monthly readings, or every
15 minutes) or the heat per regular 15-minute or hourly interval (period-beginning).

**Heat-pump monitoring** (:func:`read_heatpump_monitoring`): a comma-separated CSV, one row per
regular 15-minute or hourly interval (period-beginning), columns ``time``,
``electricity_kwh``, ``heat_kwh``, ``supply_temp_degc``, ``return_temp_degc`` (other names
through ``columns``), optionally ``pv_kwh`` (the PV inverter's production) and ``gas_kwh`` (a
hybrid's gas meter).

Timestamps without an offset are local Brussels time (the autumn hour twice, in order);
timestamps with an offset are converted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mgwsim.errors import DataError, check_choice
from mgwsim.measured._checks import (
    check_increasing,
    check_range,
    check_regular,
    local_times,
    numbers,
    read_table,
    require_columns,
    source_of,
)
from mgwsim.simyear import LOCAL_TIMEZONE

__all__ = ["FLUVIUS_COLUMNS", "HEAT_UNITS_KWH", "MONITORING_COLUMNS", "MeterSeries", "read_fluvius_quarter_hours",
           "read_heat_meter", "read_heatpump_monitoring"]

QUARTER = pd.Timedelta(minutes=15)
HOUR = pd.Timedelta(hours=1)

FLUVIUS_COLUMNS = {
    "nl": {"from_date": "Van datum", "from_time": "Van tijdstip", "to_date": "Tot datum", "to_time": "Tot tijdstip",
           "register": "Register", "volume": "Volume", "unit": "Eenheid"},
    "en": {"from_date": "From (date)", "from_time": "From (time)", "to_date": "Until (date)",
           "to_time": "Until (time)", "register": "Register", "volume": "Volume", "unit": "Unit"},
}
"""Headers of the Fluvius quarter-hour export this reader uses, per language."""

_DIRECTIONS = {"afname": "import_kwh", "offtake": "import_kwh", "injectie": "export_kwh", "injection": "export_kwh"}

HEAT_UNITS_KWH = {"kWh": 1.0, "MWh": 1000.0, "GJ": 1e9 / 3.6e6}
"""kWh per unit of a heat-meter register (1 kWh = 3.6 MJ, SI)."""

MONITORING_COLUMNS = ("electricity_kwh", "heat_kwh", "supply_temp_degc", "return_temp_degc")
"""Columns of a heat-pump monitoring export (after the ``columns`` mapping)."""

OPTIONAL_MONITORING_COLUMNS = ("pv_kwh", "gas_kwh")
"""Columns a monitoring export may also have, read when present: the PV inverter's production and the gas
meter's use per interval [kWh] (the monitoring plan's PV and gas meters on the same data logger)."""

WATER_TEMPERATURE_RANGE_DEGC = (0.0, 100.0)
"""Supply and return temperatures possible in a pressurised water heating loop [°C] (liquid water)."""


@dataclass(frozen=True)
class MeterSeries:
    """Metered values per interval.

    Attributes
    ----------
    data : pandas.DataFrame
        One row per interval, index = interval start (tz-aware, Europe/Brussels); energy
        columns in kWh per interval, temperatures in °C.
    ends : pandas.DatetimeIndex
        The end of each interval (exclusive).
    source : str
        The file, named in errors.
    """

    data: pd.DataFrame
    ends: pd.DatetimeIndex
    source: str = "user data"

    @property
    def step_h(self) -> float | None:
        """The regular interval length [h], or ``None`` if the intervals differ (e.g. monthly readings)."""
        lengths = (self.ends - self.data.index) / HOUR
        return float(lengths[0]) if len(lengths) and np.all(lengths == lengths[0]) else None


# --------------------------------------------------------------------------- Fluvius


def read_fluvius_quarter_hours(path) -> MeterSeries:
    """Read a Fluvius quarter-hour export (layout in the module docstring).

    Returns
    -------
    MeterSeries
        Columns ``import_kwh`` and, when the file has injection registers, ``export_kwh``
        [kWh per quarter hour].

    Raises
    ------
    DataError
        naming the file, the column and the first bad quarter: an unknown header, register or
        unit, unparsable times, intervals that are not quarter hours, a gap, a duplicated
        quarter, an empty volume between read quarters, a negative volume.
    """
    source = source_of(path)
    raw = read_table(path, sep=";")
    names = _fluvius_names(raw, source)
    start = _fluvius_times(raw, names["from_date"], names["from_time"])
    _check_quarter_rows(raw, names, start, source)
    _check_unit(raw[names["unit"]], start, source, names["unit"])
    direction = _directions(raw[names["register"]], start, source, names["register"])
    volume = _volumes(raw[names["volume"]], start, source, names["volume"])
    kept = _read_rows(volume)
    columns = {}
    for column in ("import_kwh", "export_kwh"):
        rows = kept & (direction == column)
        if rows.any():
            columns[column] = _direction_series(start[rows], volume[rows], source, names, column)
    return _joined(columns, source, names["from_time"])


def _fluvius_names(raw: pd.DataFrame, source: str) -> dict:
    for names in FLUVIUS_COLUMNS.values():
        if all(n in raw.columns for n in names.values()):
            return names
    nl = ", ".join(FLUVIUS_COLUMNS["nl"].values())
    raise DataError(f"{source}: not a Fluvius quarter-hour export (semicolon-separated); expected the columns {nl} "
                    f"(or their English names); the file has {', '.join(map(repr, raw.columns))}")


def _fluvius_times(raw: pd.DataFrame, date_column: str, time_column: str) -> pd.Series:
    """Naive wall-clock start of each row (localised later, per register direction)."""
    text = raw[date_column].str.strip().str.replace("/", "-", regex=False) + " " + raw[time_column].str.strip()
    return pd.Series(pd.to_datetime(text, format="%d-%m-%Y %H:%M:%S", errors="coerce"), index=raw.index)


def _check_quarter_rows(raw: pd.DataFrame, names: dict, start: pd.Series, source: str) -> None:
    bad = start.isna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"{source}: columns {names['from_date']!r}/{names['from_time']!r}: row {i + 1} has no valid "
                        f"date and time: {raw[names['from_date']].iloc[i]!r} {raw[names['from_time']].iloc[i]!r}; "
                        "allowed: dd-mm-yyyy (or dd/mm/yyyy) and hh:mm:ss")
    end = _fluvius_times(raw, names["to_date"], names["to_time"])
    length = (end - start).to_numpy()
    wrong = ~(length == np.timedelta64(15, "m"))
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        raise DataError(f"{source}: column {names['to_time']!r}: the interval starting {start.iloc[i]} (local) lasts "
                        f"{pd.Timedelta(length[i]) if not pd.isna(length[i]) else 'an unreadable time'}; allowed: "
                        "15 minutes (export the quarter-hour totals, 'kwartiertotalen')")


def _check_unit(units: pd.Series, start: pd.Series, source: str, column: str) -> None:
    bad = (units.str.strip() != "kWh").to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"{source}: column {column!r} is {units.iloc[i]!r} at {start.iloc[i]} (local); allowed: 'kWh' "
                        "(an electricity export)")


def _directions(registers: pd.Series, start: pd.Series, source: str, column: str) -> np.ndarray:
    first_word = registers.str.strip().str.split().str[0].str.lower()
    direction = first_word.map(_DIRECTIONS)
    bad = direction.isna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"{source}: column {column!r} has an unknown register {registers.iloc[i]!r} at "
                        f"{start.iloc[i]} (local); allowed: Afname/Injectie (Offtake/Injection) Dag/Nacht (Day/Night)")
    return direction.to_numpy()


def _volumes(texts: pd.Series, start: pd.Series, source: str, column: str) -> np.ndarray:
    """Volumes [kWh] with NaN where the cell is empty; raise on text that is not a number."""
    cleaned = texts.str.strip().str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    values = pd.to_numeric(cleaned.replace("", np.nan), errors="coerce").to_numpy(dtype=np.float64)
    unreadable = np.isnan(values) & (cleaned != "").to_numpy()
    if unreadable.any():
        i = int(np.flatnonzero(unreadable)[0])
        raise DataError(f"{source}: column {column!r} is not a number at {start.iloc[i]} (local): {texts.iloc[i]!r}")
    check_range(values[~np.isnan(values)], source, column, list(start[~np.isnan(values)]), low=0.0, unit="kWh")
    return values


def _read_rows(volume: np.ndarray) -> np.ndarray:
    """Rows from the first to the last non-empty volume (empty rows outside were never read out)."""
    filled = np.flatnonzero(~np.isnan(volume))
    kept = np.zeros(volume.size, dtype=bool)
    if filled.size:
        kept[filled[0]:filled[-1] + 1] = True
    return kept


def _direction_series(start: pd.Series, volume: np.ndarray, source: str, names: dict, column: str) -> pd.Series:
    index = local_times(start.reset_index(drop=True), source, names["from_time"])
    empty = np.isnan(volume)
    if empty.any():
        i = int(np.flatnonzero(empty)[0])
        raise DataError(f"{source}: column {names['volume']!r} is empty at {index[i]} ({column}) between read quarters "
                        "(a gap in the data); allowed: a volume in every quarter from the first read one to the last")
    series = pd.Series(volume, index=index, name=column)
    check_regular(series.index, source, names["from_time"], (QUARTER,))
    return series


def _joined(columns: dict, source: str, time_column: str) -> MeterSeries:
    if not columns:
        raise DataError(f"{source}: no quarter hour has a volume")
    frame = pd.concat(columns.values(), axis=1)
    if frame.isna().to_numpy().any():
        row = int(np.flatnonzero(frame.isna().any(axis=1).to_numpy())[0])
        raise DataError(f"{source}: column {time_column!r}: the quarter {frame.index[row]} has consumption but no "
                        "injection or the other way round; allowed: both registers in every quarter")
    frame.index.name = "time"
    return MeterSeries(data=frame, ends=frame.index + QUARTER, source=source)


# --------------------------------------------------------------------------- heat meter

HEAT_METER_KINDS = ("cumulative", "interval")


def read_heat_meter(path, *, kind: str, time_column: str = "time", heat_column: str = "heat_kwh",
                    unit: str = "kWh", tz: str = LOCAL_TIMEZONE, time_format: str | None = None) -> MeterSeries:
    """Read heat-meter data: cumulative register readings or heat per interval.

    Parameters
    ----------
    path : str or path-like
        Comma-separated CSV with a header row.
    kind : {"cumulative", "interval"}
        ``"cumulative"``: the meter's register at each reading instant (any spacing: monthly
        readings or every 15 minutes); the heat of an interval is the difference of two
        consecutive readings. ``"interval"``: the heat in the regular 15-minute or hourly
        interval that starts at the timestamp.
    time_column, heat_column : str
        Column names.
    unit : {"kWh", "MWh", "GJ"}
        Unit of the heat column (:data:`HEAT_UNITS_KWH`).
    tz : str
        Zone of naive timestamps (local wall-clock time by default).
    time_format : str, optional
        :func:`pandas.to_datetime` format of the time column.

    Returns
    -------
    MeterSeries
        Column ``heat_kwh`` [kWh per interval].

    Raises
    ------
    DataError
        naming the file, the column and the first bad timestamp: duplicated or backward
        times, a gap or irregular step (interval data), a register that decreases (a reset or
        meter exchange: split the file there), a negative value.
    """
    check_choice(kind, "kind", HEAT_METER_KINDS, owner="read_heat_meter")
    check_choice(unit, "unit", tuple(HEAT_UNITS_KWH), owner="read_heat_meter")
    source = source_of(path)
    raw = read_table(path)
    require_columns(raw, (time_column, heat_column), source)
    times = local_times(raw[time_column], source, time_column, tz=tz, time_format=time_format)
    values = numbers(raw[heat_column], source, heat_column, times) * HEAT_UNITS_KWH[unit]
    check_range(values, source, heat_column, times, low=0.0, unit="kWh")
    if kind == "cumulative":
        return _from_register(times, values, source, time_column, heat_column)
    step = check_regular(times, source, time_column, (QUARTER, HOUR))
    frame = pd.DataFrame({"heat_kwh": values}, index=pd.DatetimeIndex(times, name="time"))
    return MeterSeries(data=frame, ends=frame.index + step, source=source)


def _from_register(times: pd.DatetimeIndex, register_kwh: np.ndarray, source: str, time_column: str,
                   heat_column: str) -> MeterSeries:
    check_increasing(times, source, time_column)
    if len(times) < 2:
        raise DataError(f"{source}: column {heat_column!r} has {len(times)} reading(s); a register needs at least two")
    heat = np.diff(register_kwh)
    drop = heat < 0
    if drop.any():
        i = int(np.flatnonzero(drop)[0])
        raise DataError(f"{source}: column {heat_column!r} decreases at {times[i + 1]} ({register_kwh[i]:g} -> "
                        f"{register_kwh[i + 1]:g} kWh); a cumulative register only rises (a reset or meter exchange: "
                        "split the file there)")
    frame = pd.DataFrame({"heat_kwh": heat}, index=pd.DatetimeIndex(times[:-1], name="time"))
    return MeterSeries(data=frame, ends=pd.DatetimeIndex(times[1:]), source=source)


# --------------------------------------------------------------------------- heat-pump monitoring


def read_heatpump_monitoring(path, *, time_column: str = "time", columns: dict[str, str] | None = None,
                             tz: str = LOCAL_TIMEZONE, time_format: str | None = None) -> MeterSeries:
    """Read a heat-pump monitoring export: electricity, heat and loop temperatures per interval.

    Parameters
    ----------
    path : str or path-like
        Comma-separated CSV, one row per regular 15-minute or hourly interval (period-beginning).
    time_column : str
    columns : dict, optional
        ``{csv column: mgwsim column}`` for the columns of :data:`MONITORING_COLUMNS`; values
        must already be in kWh per interval and °C. By default the CSV uses mgwsim's names.
    tz, time_format
        As in :func:`read_heat_meter`.

    Returns
    -------
    MeterSeries
        Columns ``electricity_kwh``, ``heat_kwh`` [kWh per interval], ``supply_temp_degc``,
        ``return_temp_degc`` [°C]; ``pv_kwh`` and ``gas_kwh`` [kWh per interval] when the file has
        them (:data:`OPTIONAL_MONITORING_COLUMNS`).

    Raises
    ------
    DataError
        naming the file, the column and the first bad timestamp: missing columns, gaps,
        duplicates, negative energies, loop temperatures outside
        :data:`WATER_TEMPERATURE_RANGE_DEGC`.
    """
    source = source_of(path)
    raw = read_table(path)
    mapping = columns or {c: c for c in MONITORING_COLUMNS}
    for target in mapping.values():
        check_choice(target, "columns target", MONITORING_COLUMNS + OPTIONAL_MONITORING_COLUMNS,
                     owner="read_heatpump_monitoring")
    by_target = {target: csv for csv, target in mapping.items()}
    require_columns(raw, [time_column] + [by_target.get(c, c) for c in MONITORING_COLUMNS], source)
    times = local_times(raw[time_column], source, time_column, tz=tz, time_format=time_format)
    step = check_regular(times, source, time_column, (QUARTER, HOUR))
    frame = pd.DataFrame(index=pd.DatetimeIndex(times, name="time"))
    optional = [c for c in OPTIONAL_MONITORING_COLUMNS if by_target.get(c, c) in raw.columns]
    for target in (*MONITORING_COLUMNS, *optional):
        csv = by_target.get(target, target)
        values = numbers(raw[csv], source, csv, times)
        low, high = (0.0, None) if target.endswith("_kwh") else WATER_TEMPERATURE_RANGE_DEGC
        check_range(values, source, csv, times, low=low, high=high, unit="kWh" if target.endswith("_kwh") else "degC")
        frame[target] = values
    return MeterSeries(data=frame, ends=frame.index + step, source=source)
