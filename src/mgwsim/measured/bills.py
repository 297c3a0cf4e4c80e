"""Gas invoices: billing periods and the energy used in each.

A VME's gas bills come yearly (the *eindafrekening*) or monthly, each for a period between two
meter readings. Belgian bills print the volume the meter counted [m³], the conversion factor
that brings it to normal conditions (temperature and pressure) and the upper (gross) calorific
value of the gas [kWh/m³(n)], and bill the energy

    E [kWh] = V [m³] × conversion factor [-] × upper calorific value [kWh/m³(n)]

(Fluvius/Eandis *berekeningsparameters*: "we zetten de verbruikte kubieke meter (m³) gas om in
m³(n) en vermenigvuldigen die met de calorische bovenwaarde"; CREG, *Omzetting m³ gas naar
kWh*: the upper calorific value is about 11.6 kWh/m³ for H-gas and 10.3 for L-gas; VREG FAQ
*Hoe wordt m³ omgezet in kWh?*). Some bills print only the product of the two factors (the
*omzettingscoëfficiënt*, about 10.3 or 11.5 kWh/m³); give it as the calorific value with a
conversion factor of 1.

CSV layout read by :func:`read_gas_bills` (comma separated, one row per bill, header row):

==================================  =============================================================
``start``                           first day of the period (a date, as printed on the bill)
``end``                             last day of the period, inclusive (as printed on the bill)
``energy_kwh``                      energy billed [kWh] (upper calorific value basis), or:
``volume_m3``                       volume counted by the meter [m³], with
``conversion_factor``               temperature/pressure conversion to m³(n) [-]
``calorific_value_kwh_per_m3``      upper calorific value [kWh/m³(n)]
==================================  =============================================================

If both the energy and the volume columns are given, they must agree within
:data:`ENERGY_VOLUME_TOLERANCE_FRAC` (a check on the units).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mgwsim.errors import DataError
from mgwsim.measured._checks import check_range, numbers, read_table, require_columns, source_of

__all__ = ["CALORIFIC_VALUE_RANGE_KWH_PER_M3", "CONVERSION_FACTOR_RANGE", "ENERGY_VOLUME_TOLERANCE_FRAC",
           "GasBills", "gas_energy_kwh", "read_gas_bills"]

CALORIFIC_VALUE_RANGE_KWH_PER_M3 = (9.5, 12.8)
"""Upper calorific values of Belgian natural gas [kWh/m³(n)]: Sibelga/Energids state that a m³ holds
between 9.5278 and 12.7931 kWh depending on the gas type; a value outside is a unit error."""

CONVERSION_FACTOR_RANGE = (0.85, 1.10)
"""Allowed temperature/pressure conversion factors [-]. Low-pressure distribution delivers gas close
to normal conditions (the factor corrects for the gas temperature, the supply pressure and the
altitude, a few per cent); a factor near 10 is the combined *omzettingscoëfficiënt* given in the
wrong column."""

ENERGY_VOLUME_TOLERANCE_FRAC = 0.01
"""Relative disagreement allowed between a bill's kWh and its m³ × factor × calorific value (the
printed factors are rounded to four decimals; a monthly bill averages monthly values)."""

_VOLUME_COLUMNS = ("volume_m3", "conversion_factor", "calorific_value_kwh_per_m3")


def gas_energy_kwh(volume_m3, conversion_factor, calorific_value_kwh_per_m3) -> np.ndarray:
    """Energy of a gas volume as billed in Belgium [kWh].

    ``E = V × conversion factor × upper calorific value`` (Fluvius *berekeningsparameters*;
    CREG, *Omzetting m³ gas naar kWh*), with V [m³] as counted by the meter, the conversion
    factor [-] to normal cubic metres m³(n), and the upper calorific value [kWh/m³(n)].
    """
    return (np.asarray(volume_m3, dtype=np.float64) * np.asarray(conversion_factor, dtype=np.float64)
            * np.asarray(calorific_value_kwh_per_m3, dtype=np.float64))


@dataclass(frozen=True)
class GasBills:
    """Validated gas billing periods, sorted by start.

    Attributes
    ----------
    periods : pandas.DataFrame
        One row per bill: ``start``, ``end`` (inclusive local calendar days, as naive
        ``Timestamp`` at midnight), ``days`` (``end - start + 1``) and ``energy_kwh``.
    source : str
        Where the bills come from, named in errors.
    """

    periods: pd.DataFrame
    source: str = "user data"

    @classmethod
    def from_periods(cls, start, end, energy_kwh, *, source: str = "user data") -> GasBills:
        """Build validated bills from sequences of first days, last days (inclusive) and energies [kWh].

        Raises
        ------
        DataError
            A period that ends before it starts, periods that overlap, or a negative or
            non-finite energy; the message names ``source``, the column and the first bad period.
        """
        starts, ends = (_days(values, name, source) for values, name in ((start, "start"), (end, "end")))
        energy = np.asarray(energy_kwh, dtype=np.float64)
        if not (len(starts) == len(ends) == energy.size) or energy.size == 0:
            raise DataError(f"{source}: start, end and energy_kwh must have the same, non-zero length; got "
                            f"{len(starts)}, {len(ends)}, {energy.size}")
        order = np.argsort(starts.to_numpy(), kind="stable")
        frame = pd.DataFrame({"start": starts[order], "end": ends[order], "energy_kwh": energy[order]})
        _check_periods(frame, source)
        frame["days"] = ((frame["end"] - frame["start"]).dt.days + 1).astype(np.int64)
        return cls(periods=frame[["start", "end", "days", "energy_kwh"]].reset_index(drop=True), source=source)

    @property
    def n_periods(self) -> int:
        return len(self.periods)

    @property
    def energy_kwh(self) -> np.ndarray:
        """Energy of each period [kWh]."""
        return self.periods["energy_kwh"].to_numpy(dtype=np.float64)

    @property
    def days(self) -> np.ndarray:
        """Length of each period [d]."""
        return self.periods["days"].to_numpy(dtype=np.int64)


def _days(values, column: str, source: str) -> pd.DatetimeIndex:
    """Local calendar days (naive midnights) of dates or timestamps."""
    try:
        days = pd.DatetimeIndex(pd.to_datetime(values))
    except (ValueError, TypeError) as exc:
        raise DataError(f"{source}: column {column!r} holds a value that is not a date ({exc})") from exc
    return (days.tz_localize(None) if days.tz is not None else days).normalize()


def _check_periods(frame: pd.DataFrame, source: str) -> None:
    labels = [f"period starting {s.date()}" for s in frame["start"]]
    values = frame["energy_kwh"].to_numpy()
    if not np.isfinite(values).all():
        i = int(np.flatnonzero(~np.isfinite(values))[0])
        raise DataError(f"{source}: column 'energy_kwh' is not finite in the {labels[i]}: {values[i]!r}")
    check_range(values, source, "energy_kwh", labels, low=0.0, unit="kWh")
    backwards = (frame["end"] < frame["start"]).to_numpy()
    if backwards.any():
        i = int(np.flatnonzero(backwards)[0])
        raise DataError(f"{source}: column 'end' is before 'start' in the {labels[i]}: ends {frame['end'][i].date()}; "
                        "allowed: end on or after start (both days inclusive)")
    overlap = (frame["start"].to_numpy()[1:] <= frame["end"].to_numpy()[:-1])
    if overlap.any():
        i = int(np.flatnonzero(overlap)[0])
        raise DataError(
            f"{source}: columns 'start'/'end': the {labels[i + 1]} overlaps the {labels[i]} (which ends "
            f"{frame['end'][i].date()}); allowed: periods that do not share a day (end is inclusive)"
        )


def read_gas_bills(path, *, date_format: str | None = None) -> GasBills:
    """Read gas bills from a CSV in the layout of the module docstring.

    Parameters
    ----------
    path : str or path-like
    date_format : str, optional
        :func:`pandas.to_datetime` format of ``start`` and ``end`` (e.g. ``"%d/%m/%Y"`` for
        dates as printed on Belgian bills); ISO dates by default.

    Returns
    -------
    GasBills

    Raises
    ------
    DataError
        naming the file, the column and the first bad period: unparsable dates, missing or
        non-numeric values, negative energy or volume, a conversion factor or calorific value
        outside :data:`CONVERSION_FACTOR_RANGE` / :data:`CALORIFIC_VALUE_RANGE_KWH_PER_M3`,
        kWh that disagree with m³ × factor × calorific value, periods that end before they
        start or overlap.
    """
    source = source_of(path)
    raw = read_table(path)
    require_columns(raw, ("start", "end"), source)
    start = _dates(raw, "start", source, date_format)
    end = _dates(raw, "end", source, date_format)
    labels = [f"period starting {s.date()}" for s in start]
    energy = _energy(raw, source, labels)
    return GasBills.from_periods(start, end, energy, source=source)


def _dates(raw: pd.DataFrame, column: str, source: str, date_format: str | None) -> pd.DatetimeIndex:
    parsed = pd.to_datetime(raw[column].str.strip(), format=date_format, errors="coerce")
    bad = parsed.isna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"{source}: column {column!r} has a date that cannot be parsed in row {i + 1}: "
                        f"{raw[column].iloc[i]!r}; allowed: a date (format {date_format or 'ISO YYYY-MM-DD'})")
    return pd.DatetimeIndex(parsed)


def _energy(raw: pd.DataFrame, source: str, labels) -> np.ndarray:
    has_volume = any(c in raw.columns for c in _VOLUME_COLUMNS)
    if "energy_kwh" not in raw.columns and not has_volume:
        raise DataError(f"{source}: no energy column; give 'energy_kwh' or {', '.join(map(repr, _VOLUME_COLUMNS))}; "
                        f"the file has {', '.join(map(repr, raw.columns))}")
    billed = numbers(raw["energy_kwh"], source, "energy_kwh", labels) if "energy_kwh" in raw.columns else None
    if not has_volume:
        return billed
    require_columns(raw, _VOLUME_COLUMNS, source)
    volume, factor, calorific = (numbers(raw[c], source, c, labels) for c in _VOLUME_COLUMNS)
    check_range(volume, source, "volume_m3", labels, low=0.0, unit="m3")
    check_range(factor, source, "conversion_factor", labels, low=CONVERSION_FACTOR_RANGE[0],
                high=CONVERSION_FACTOR_RANGE[1], unit="(-; a value near 10-12 is the calorific value)")
    check_range(calorific, source, "calorific_value_kwh_per_m3", labels, low=CALORIFIC_VALUE_RANGE_KWH_PER_M3[0],
                high=CALORIFIC_VALUE_RANGE_KWH_PER_M3[1], unit="kWh/m3(n)")
    energy = gas_energy_kwh(volume, factor, calorific)
    if billed is not None:
        _check_agreement(billed, energy, source, labels)
    return energy


def _check_agreement(billed: np.ndarray, converted: np.ndarray, source: str, labels) -> None:
    scale = np.maximum(np.abs(converted), 1.0)
    bad = np.abs(billed - converted) > ENERGY_VOLUME_TOLERANCE_FRAC * scale
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"{source}: column 'energy_kwh' disagrees with volume_m3 × conversion_factor × calorific_value_kwh_per_m3 "
            f"in the {labels[i]}: {billed[i]:g} kWh billed, {converted[i]:g} kWh from the volume; allowed: within "
            f"{ENERGY_VOLUME_TOLERANCE_FRAC:.0%} (check the units)"
        )
