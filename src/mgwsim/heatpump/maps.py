"""Heat pump performance maps: one interface for cycle, datasheet and Carnot models.

A :class:`PerformanceMap` holds the coefficient of performance (COP) and the full-load
heating capacity on a rectangular grid of source and sink temperatures. Every model in
:mod:`mgwsim.heatpump` (refrigerant cycle, datasheet fit, hplib, Carnot efficiency)
returns one, and the hourly kernel only needs its arrays.

Temperature conventions (the same for every model)
--------------------------------------------------
* **sink** ``t_sink_degc``: condenser water *outlet* (supply) temperature [°C], as the
  "W35" of EN 14511-2 (30/35 °C inlet/outlet; the outlet temperature names the point).
* **source** ``t_source_degc``: source medium *inlet* temperature [°C]: outdoor (or
  exhaust) air dry bulb entering the evaporator, brine or water entering the evaporator
  ("A7", "B0", "W10" of EN 14511-2).

Availability rule
-----------------
Inside the grid, bilinear interpolation. Above the product's maximum supply temperature
``max_sink_degc`` or outside the source operating limits ``source.min_degc ..
source.max_degc`` the unit is *not available*: capacity 0 kW (the system kernel hands the
load over to backup) and COP NaN in the Python functions. Outside the grid the Python
functions raise :class:`~mgwsim.errors.InputError`; the numba kernels trust the caller
(see :func:`interp_map`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from mgwsim._numba import njit
from mgwsim.errors import InputError, check_choice, check_fraction, check_number, check_positive

__all__ = [
    "SOURCE_KINDS",
    "Source",
    "PerformanceMap",
    "interp_map",
    "available_point",
    "carnot_cop",
]

SOURCE_KINDS = ("air", "exhaust_air", "brine", "water")
"""Source kinds known to mgwsim."""

# Operating limits [°C] per source kind: typical manufacturers' envelopes (assumptions
# to be overridden per product): outdoor air -20..35, exhaust air 10..35 (extract air of
# apartments ~20 °C), brine from boreholes -5..20, ground/surface water 3..25.
_SOURCE_LIMITS_DEGC = {
    "air": (-20.0, 35.0),
    "exhaust_air": (10.0, 35.0),
    "brine": (-5.0, 20.0),
    "water": (3.0, 25.0),
}

# EN 14511-2 standard rating conditions (heating, low-temperature application):
# A7(6)/W35, exhaust air A20(12)/W35, B0/W35, W10/W35. [source °C, sink outlet °C]
_RATING_POINT_DEGC = {
    "air": (7.0, 35.0),
    "exhaust_air": (20.0, 35.0),
    "brine": (0.0, 35.0),
    "water": (10.0, 35.0),
}

# Default evaporator approach [K] between the source *inlet* temperature and the
# evaporation (dew) temperature; it includes the source-side temperature drop across
# the evaporator (air ~3-5 K, brine 3 K) plus the heat-exchanger pinch. Typical design
# values (e.g. Granryd et al., Refrigerating Engineering, KTH 2009, ch. 6): air-coil
# evaporators 8-10 K, brine plate evaporators 5-7 K. Assumptions, overridable.
_EVAP_APPROACH_K = {"air": 8.0, "exhaust_air": 8.0, "brine": 6.0, "water": 6.0}


@dataclass(frozen=True)
class Source:
    """Heat source of a heat pump and its operating limits.

    Parameters
    ----------
    kind : {'air', 'exhaust_air', 'brine', 'water'}
        Source medium.
    min_degc, max_degc : float, optional
        Source inlet temperature limits of operation [°C]; defaults per kind (typical
        manufacturers' envelopes: air -20..35, exhaust air 10..35, brine -5..20,
        water 3..25). Outside them the unit is not available (capacity 0).
    """

    kind: str = "air"
    min_degc: float | None = None
    max_degc: float | None = None

    def __post_init__(self):
        check_choice(self.kind, "kind", SOURCE_KINDS, owner="Source")
        lo, hi = _SOURCE_LIMITS_DEGC[self.kind]
        lo = lo if self.min_degc is None else check_number(self.min_degc, "min_degc", owner="Source", unit="°C")
        hi = hi if self.max_degc is None else check_number(self.max_degc, "max_degc", owner="Source", unit="°C")
        if hi <= lo:
            raise InputError(f"Source.max_degc = {hi!r} °C must exceed Source.min_degc = {lo!r} °C")
        object.__setattr__(self, "min_degc", float(lo))
        object.__setattr__(self, "max_degc", float(hi))

    @property
    def rating_point_degc(self) -> tuple[float, float]:
        """EN 14511-2 standard rating point (source inlet, sink outlet) [°C]."""
        return _RATING_POINT_DEGC[self.kind]

    @property
    def evaporator_approach_k(self) -> float:
        """Default approach source inlet -> evaporation temperature [K] (documented assumption)."""
        return _EVAP_APPROACH_K[self.kind]


def carnot_cop(t_source_degc, t_sink_degc):
    """Carnot heating COP ``T_sink / (T_sink - T_source)`` with temperatures in kelvin.

    Returns ``inf`` where ``t_sink <= t_source`` (no lift). Used as the upper bound
    every map must respect (second law).
    """
    t_hot = np.asarray(t_sink_degc, dtype=float) + 273.15
    t_cold = np.asarray(t_source_degc, dtype=float) + 273.15
    lift = t_hot - t_cold
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(lift > 0.0, t_hot / np.where(lift > 0.0, lift, 1.0), np.inf)


def _check_grid(values, field: str, owner: str) -> np.ndarray:
    grid = np.ascontiguousarray(np.asarray(values, dtype=np.float64))
    if grid.ndim != 1 or grid.size < 2:
        raise InputError(f"{owner}.{field} must be a 1-D grid of at least 2 temperatures, got shape {grid.shape}")
    if not np.all(np.isfinite(grid)):
        raise InputError(f"{owner}.{field} has non-finite values: {grid!r}")
    steps = np.diff(grid)
    if np.any(steps <= 0.0):
        i = int(np.flatnonzero(steps <= 0.0)[0])
        raise InputError(
            f"{owner}.{field} must be strictly ascending, but {field}[{i}] = {grid[i]!r} "
            f">= {field}[{i + 1}] = {grid[i + 1]!r}"
        )
    return grid


def _readonly(array: np.ndarray) -> np.ndarray:
    array = np.ascontiguousarray(array, dtype=np.float64).copy()
    array.setflags(write=False)
    return array


@dataclass(frozen=True)
class PerformanceMap:
    """COP and full-load heating capacity of one heat pump on a (source, sink) grid.

    Parameters
    ----------
    source_degc : array (n_s,)
        Source inlet temperatures [°C], strictly ascending.
    sink_degc : array (n_k,)
        Sink (condenser water outlet, supply) temperatures [°C], strictly ascending.
    cop : array (n_s, n_k)
        Heating COP at full load [-] (heat delivered / electricity, EN 14511 sense).
    capacity_kw : array (n_s, n_k)
        Heating capacity at maximum compressor speed [kW].
    source : Source
        Source kind and operating limits.
    max_sink_degc : float
        Highest supply temperature the unit delivers [°C]; at most ``sink_degc[-1]``.
    min_modulation_frac : float
        Lowest part load as a fraction of the full-load capacity [-] (default 0.3, a
        typical inverter scroll turndown; 1.0 for on/off units).
    rated_capacity_kw : float
        Heating capacity at the EN 14511 rating point of the source [kW].
    model : str
        Name of the product or model that produced the map.
    refrigerant : str
        Refrigerant (CoolProp name) or '' when unknown.
    method : str
        'cycle', 'datasheet', 'hplib' or 'carnot'.
    includes_defrost : bool
        True when the map already contains defrost losses (EN 14511 A2/A-7 points are
        measured as integrated values); then do not apply :mod:`~mgwsim.heatpump.defrost`.
    """

    source_degc: np.ndarray
    sink_degc: np.ndarray
    cop: np.ndarray
    capacity_kw: np.ndarray
    source: Source = field(default_factory=Source)
    max_sink_degc: float | None = None
    min_modulation_frac: float = 0.3
    rated_capacity_kw: float | None = None
    model: str = ""
    refrigerant: str = ""
    method: str = ""
    includes_defrost: bool = False

    def __post_init__(self):
        owner = f"PerformanceMap({self.model or 'unnamed'})"
        src = _check_grid(self.source_degc, "source_degc", owner)
        snk = _check_grid(self.sink_degc, "sink_degc", owner)
        cop = np.asarray(self.cop, dtype=np.float64)
        cap = np.asarray(self.capacity_kw, dtype=np.float64)
        for name, arr in (("cop", cop), ("capacity_kw", cap)):
            if arr.shape != (src.size, snk.size):
                raise InputError(f"{owner}.{name} has shape {arr.shape}, expected {(src.size, snk.size)}")
            if not np.all(np.isfinite(arr)):
                raise InputError(f"{owner}.{name} has non-finite values")
        _check_positive_cells(cop, src, snk, "cop", owner, low=1.0)
        _check_positive_cells(cap, src, snk, "capacity_kw", owner, low=0.0)
        if not isinstance(self.source, Source):
            raise InputError(f"{owner}.source must be a Source, got {type(self.source).__name__}")
        max_sink = snk[-1] if self.max_sink_degc is None else check_number(
            self.max_sink_degc, "max_sink_degc", owner=owner, low=snk[0], high=snk[-1], unit="°C")
        check_fraction(self.min_modulation_frac, "min_modulation_frac", owner=owner)
        if self.rated_capacity_kw is not None:
            check_positive(self.rated_capacity_kw, "rated_capacity_kw", owner=owner, unit="kW")
        object.__setattr__(self, "source_degc", _readonly(src))
        object.__setattr__(self, "sink_degc", _readonly(snk))
        object.__setattr__(self, "cop", _readonly(cop))
        object.__setattr__(self, "capacity_kw", _readonly(cap))
        object.__setattr__(self, "max_sink_degc", float(max_sink))

    # -- evaluation -------------------------------------------------------------------
    def _points(self, t_source_degc, t_sink_degc):
        owner = f"PerformanceMap({self.model or 'unnamed'})"
        ts, tk = np.broadcast_arrays(np.asarray(t_source_degc, dtype=float), np.asarray(t_sink_degc, dtype=float))
        for name, arr, grid in (("t_source_degc", ts, self.source_degc), ("t_sink_degc", tk, self.sink_degc)):
            bad = ~np.isfinite(arr) | (arr < grid[0]) | (arr > grid[-1])
            if bad.any():
                value = float(arr.ravel()[int(np.flatnonzero(bad.ravel())[0])])
                raise InputError(
                    f"{owner}: {name} = {value!r} °C is outside the map grid [{grid[0]:g}, {grid[-1]:g}] °C")
        available = (tk <= self.max_sink_degc) & (ts >= self.source.min_degc) & (ts <= self.source.max_degc)
        return ts, tk, available

    def _interp(self, values, ts, tk):
        flat_s, flat_k = np.ravel(ts), np.ravel(tk)
        out = np.empty(flat_s.size)
        _interp_many(self.source_degc, self.sink_degc, values, flat_s, flat_k, out)
        return out.reshape(ts.shape)

    def cop_at(self, t_source_degc, t_sink_degc):
        """Full-load COP [-] by bilinear interpolation; NaN where the unit is not available.

        Raises
        ------
        InputError
            if a temperature lies outside the grid.
        """
        ts, tk, available = self._points(t_source_degc, t_sink_degc)
        return np.where(available, self._interp(self.cop, ts, tk), np.nan)

    def capacity_at(self, t_source_degc, t_sink_degc):
        """Full-load heating capacity [kW]; 0 where the unit is not available (backup takes over)."""
        ts, tk, available = self._points(t_source_degc, t_sink_degc)
        return np.where(available, self._interp(self.capacity_kw, ts, tk), 0.0)

    @cached_property
    def kernel_table(self) -> np.ndarray:
        """The map as one (source, sink, [capacity kW, COP]) array, so that a kernel reads both from one cell (kept)."""
        table = np.dstack([self.capacity_kw, self.cop])
        table.setflags(write=False)
        return table

    def kernel_arrays(self) -> tuple:
        """``(source_grid, sink_grid, cop, capacity_kw, max_sink_degc, min_source, max_source)`` for kernels."""
        return (self.source_degc, self.sink_degc, self.cop, self.capacity_kw,
                self.max_sink_degc, self.source.min_degc, self.source.max_degc)

    def to_frame(self, which: str = "cop"):
        """The map as a pandas DataFrame (rows: source °C, columns: sink °C)."""
        import pandas as pd

        check_choice(which, "which", ("cop", "capacity_kw"), owner="PerformanceMap.to_frame")
        return pd.DataFrame(getattr(self, which), index=pd.Index(self.source_degc, name="source_degc"),
                            columns=pd.Index(self.sink_degc, name="sink_degc"))


def _check_positive_cells(arr, src, snk, name, owner, low):
    bad = arr <= low if low > 0 else arr < low
    if bad.any():
        i, k = np.argwhere(bad)[0]
        raise InputError(
            f"{owner}.{name} = {arr[i, k]!r} at source {src[i]:g} °C, sink {snk[k]:g} °C "
            f"must be {'>' if low > 0 else '>='} {low:g}")


# -- numba kernels ---------------------------------------------------------------------
@njit(inline=True)
def _bracket(grid, x):
    """Index ``i`` with ``grid[i] <= x <= grid[i+1]`` (clamped to the ends).

    The first guess assumes an evenly spaced grid (the usual ``linspace`` maps: exact, no
    search and no unpredictable branches); a short walk corrects it for uneven grids.
    """
    last = grid.size - 2
    i = int((x - grid[0]) / (grid[last + 1] - grid[0]) * (last + 1))
    i = min(max(i, 0), last)
    while i > 0 and grid[i] > x:
        i -= 1
    while i < last and grid[i + 1] < x:
        i += 1
    return i


@njit(inline=True)
def interp_map(source_grid, sink_grid, values, t_source, t_sink):
    """Bilinear interpolation of ``values`` (n_s, n_k) at one (source, sink) point.

    The kernel trusts its caller: the point must lie inside the grid (the public
    :meth:`PerformanceMap.cop_at` checks this). Outside the grid the nearest cell is
    extended linearly, which is *not* a supported result.
    """
    i = _bracket(source_grid, t_source)
    k = _bracket(sink_grid, t_sink)
    fs = (t_source - source_grid[i]) / (source_grid[i + 1] - source_grid[i])
    fk = (t_sink - sink_grid[k]) / (sink_grid[k + 1] - sink_grid[k])
    low = values[i, k] * (1.0 - fk) + values[i, k + 1] * fk
    high = values[i + 1, k] * (1.0 - fk) + values[i + 1, k + 1] * fk
    return low * (1.0 - fs) + high * fs


@njit(inline=True)
def available_point(source_grid, sink_grid, cop, capacity_kw, max_sink, min_source, max_source,
                    t_source, t_sink):
    """``(capacity_kw, cop)`` at one point, for numba code that evaluates a map point by point.

    Returns ``(0.0, 0.0)`` when the unit is not available (sink above ``max_sink`` or the
    source outside ``[min_source, max_source]``): the caller must hand the load to the
    backup and must not divide by the COP then. Inside, as :func:`interp_map`.
    """
    if t_sink > max_sink or t_source < min_source or t_source > max_source:
        return 0.0, 0.0
    i = _bracket(source_grid, t_source)  # one bracket and one set of weights for both values
    k = _bracket(sink_grid, t_sink)
    fs = (t_source - source_grid[i]) / (source_grid[i + 1] - source_grid[i])
    fk = (t_sink - sink_grid[k]) / (sink_grid[k + 1] - sink_grid[k])
    w00, w01, w10, w11 = (1.0 - fs) * (1.0 - fk), (1.0 - fs) * fk, fs * (1.0 - fk), fs * fk
    capacity = (w00 * capacity_kw[i, k] + w01 * capacity_kw[i, k + 1] + w10 * capacity_kw[i + 1, k]
                + w11 * capacity_kw[i + 1, k + 1])
    value = w00 * cop[i, k] + w01 * cop[i, k + 1] + w10 * cop[i + 1, k] + w11 * cop[i + 1, k + 1]
    return capacity, value


@njit
def _interp_many(source_grid, sink_grid, values, t_source, t_sink, out):
    for j in range(t_source.size):
        out[j] = interp_map(source_grid, sink_grid, values, t_source[j], t_sink[j])


def check_carnot(cop: np.ndarray, source_degc: np.ndarray, sink_degc: np.ndarray, owner: str) -> None:
    """Raise if any COP on the grid exceeds the Carnot COP of its source/sink temperatures."""
    limit = carnot_cop(source_degc[:, None], sink_degc[None, :])
    bad = cop > limit
    if bad.any():
        i, k = np.argwhere(bad)[0]
        raise InputError(
            f"{owner}: COP {cop[i, k]:.3g} at source {source_degc[i]:g} °C, sink {sink_degc[k]:g} °C "
            f"exceeds the Carnot COP {limit[i, k]:.3g} (second law); check the inputs")


def sink_above_source(source_degc: np.ndarray, sink_degc: np.ndarray, owner: str) -> None:
    """Raise unless every sink temperature lies above every source temperature of the grid."""
    if not sink_degc[0] > source_degc[-1]:
        raise InputError(
            f"{owner}: the lowest sink temperature {sink_degc[0]:g} °C must exceed the highest source "
            f"temperature {source_degc[-1]:g} °C (a heat pump lifts heat from source to sink)")
