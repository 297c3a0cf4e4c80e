"""Hourly source temperatures [°C] for the heat pump maps: outdoor air, boreholes, exhaust air, user series.

A :class:`~mgwsim.heatpump.maps.PerformanceMap` is evaluated at (source inlet, sink
outlet) temperatures. This module prepares the *source* side as contiguous float64 arrays
with one value per hour, before the system kernel runs:

* :func:`air_source_degc` and :func:`air_defrost_factors` -- outdoor air and its
  frosting/defrost multipliers;
* :class:`Borefield` and :func:`borefield_brine_degc` -- mean brine temperature of a
  field of vertical boreholes under an hourly ground load (finite or infinite line
  source, superposed in space and time); :func:`estimate_ground_load_kw` and
  :func:`iterate_borefield` for the coupling with the heat pump;
* :func:`exhaust_air_source` -- extract air of a mechanical extract ventilation (system C)
  and the largest heat its air flow can give to an evaporator;
* :func:`user_source_degc` -- a measured or externally computed series, validated.

Coupling of borefield and heat pump (one-pass decoupling)
---------------------------------------------------------
The ground load is the heat pump's evaporator heat, ``Q_ground = Q_heat - P_el``, which
depends on the COP, which depends on the brine temperature. The brine series is therefore
*pre-computed* from an estimated ground load (e.g. the demand and a first-guess seasonal
performance factor, :func:`estimate_ground_load_kw`), and the system kernel then runs with
that fixed series. :func:`iterate_borefield` repeats "brine from load -> run the system ->
load from the run" a given number of times (two passes are usually enough: the brine
temperature depends on the load only through ``1 - 1/COP``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.fft import irfft, next_fast_len, rfft
from scipy.signal import fftconvolve
from scipy.special import erf, exp1

from mgwsim._kept import kept_array
from mgwsim._numba import njit
from mgwsim.building.envelope import RHO_C_AIR_WH_M3K, Building
from mgwsim.errors import InputError, check_choice, check_number, check_positive, check_series
from mgwsim.heatpump.defrost import defrost_factors
from mgwsim.weather import Weather

__all__ = [
    "Borefield",
    "BorefieldIteration",
    "ExhaustAirSource",
    "air_defrost_factors",
    "air_source_degc",
    "borefield_brine_degc",
    "borefield_g_function",
    "estimate_ground_load_kw",
    "exhaust_air_source",
    "iterate_borefield",
    "user_source_degc",
]

_SECONDS_PER_HOUR = 3600.0
_LINE_SOURCE_MODELS = ("finite", "infinite")


# ------------------------------------------------------------------------- outdoor air
def air_source_degc(weather: Weather) -> np.ndarray:
    """Source temperature of an air-source heat pump: the outdoor dry-bulb air temperature [°C].

    The evaporator of an outdoor unit takes the air as it comes, so the map's source
    temperature is ``weather.temp_air_degc`` itself (EN 14511-2 rates air units at the
    air *inlet* dry-bulb temperature, e.g. "A7"). This is the one place that says so.
    """
    if not isinstance(weather, Weather):
        raise InputError(f"air_source_degc.weather must be a Weather, got {type(weather).__name__}")
    return weather.temp_air_degc


def air_defrost_factors(weather: Weather) -> tuple[np.ndarray, np.ndarray]:
    """Hourly capacity and COP multipliers [-] for frosting and defrost of an outdoor air coil.

    Wraps :func:`mgwsim.heatpump.defrost.defrost_factors` with the weather's air temperature,
    pressure and relative humidity; without a ``relative_humidity_pct`` column the default
    :data:`mgwsim.heatpump.defrost.DEFAULT_RH_PCT` is used (see there). Apply only to maps
    that exclude defrost (``PerformanceMap.includes_defrost is False``).

    Returns
    -------
    capacity_factor, cop_factor : ndarray (n_hours,)
    """
    if not isinstance(weather, Weather):
        raise InputError(f"air_defrost_factors.weather must be a Weather, got {type(weather).__name__}")
    rh = weather.column("relative_humidity_pct") if "relative_humidity_pct" in weather.data else None
    cap, cop = defrost_factors(weather.temp_air_degc, rh, weather.column("pressure_hpa"))
    return np.ascontiguousarray(cap), np.ascontiguousarray(cop)


# --------------------------------------------------------------------------- borefield
@dataclass(frozen=True)
class Borefield:
    """A field of identical vertical boreholes on a rectangular grid.

    Parameters
    ----------
    n_boreholes : int
        Number of boreholes [-].
    depth_m : float
        Active length H of each borehole [m].
    spacing_m : float
        Distance between neighbouring boreholes on the grid [m] (VDI 4640-2 asks for at
        least 6 m between boreholes for heating-only fields).
    undisturbed_ground_degc : float
        Undisturbed ground temperature T_g averaged over the borehole length [°C]. In
        Flanders about 11-12 °C for 50-100 m boreholes: the mean annual air temperature
        (Uccle, KMI/IRM normals 1991-2020: about 11 °C) plus a geothermal gradient of
        about 3 K per 100 m below the ~15 m deep zone of seasonal swings. An estimate:
        a thermal response test (TRT) gives the site value.
    ground_conductivity_w_mk : float
        Thermal conductivity k of the ground [W/(m·K)]. VDI 4640-1:2010 Table A1
        recommends about 2.4 W/(m·K) for water-saturated sand and 1.7 W/(m·K) for
        water-saturated clay/silt; Flemish sand/clay sequences give roughly 2.0-2.5 as a
        depth average (assumption; a TRT gives the site value).
    borehole_resistance_mk_w : float
        Effective borehole thermal resistance R_b* between the mean fluid temperature and
        the borehole wall [m·K/W]; typically 0.06-0.15 for grouted single/double U pipes,
        about 0.1 for a single U (measured by a TRT).
    ground_heat_capacity_mj_m3k : float
        Volumetric heat capacity ρc of the ground [MJ/(m³·K)]; VDI 4640-1 Table A1:
        about 2.0-2.8 for water-saturated sand and clay.
    borehole_radius_m : float
        Borehole radius r_b [m] (default 0.075: a 150 mm drill).
    buried_depth_m : float
        Depth D of the top of the active length below the ground surface [m] (default 2).
    n_rows : int, optional
        Rows of the grid; ``n_boreholes`` must be a multiple. Default: the most square
        layout (the largest divisor of ``n_boreholes`` not above its square root; a prime
        number of boreholes gives one line).
    """

    n_boreholes: int
    depth_m: float
    spacing_m: float
    undisturbed_ground_degc: float
    ground_conductivity_w_mk: float
    borehole_resistance_mk_w: float
    ground_heat_capacity_mj_m3k: float
    borehole_radius_m: float = 0.075
    buried_depth_m: float = 2.0
    n_rows: int | None = None

    def __post_init__(self):
        owner = "Borefield"
        if not isinstance(self.n_boreholes, (int, np.integer)) or isinstance(self.n_boreholes, bool):
            raise InputError(f"{owner}.n_boreholes must be an integer, got {self.n_boreholes!r}")
        check_number(self.n_boreholes, "n_boreholes", owner=owner, low=1, high=500)
        check_number(self.depth_m, "depth_m", owner=owner, low=10.0, high=500.0, unit="m")
        check_number(self.borehole_radius_m, "borehole_radius_m", owner=owner, low=0.03, high=0.2, unit="m")
        check_number(self.spacing_m, "spacing_m", owner=owner, low=2.0, high=100.0, unit="m")
        check_number(self.undisturbed_ground_degc, "undisturbed_ground_degc", owner=owner, low=0.0, high=30.0,
                     unit="°C")
        check_number(self.ground_conductivity_w_mk, "ground_conductivity_w_mk", owner=owner, low=0.3, high=8.0,
                     unit="W/(m·K)")
        check_number(self.borehole_resistance_mk_w, "borehole_resistance_mk_w", owner=owner, low=0.01, high=1.0,
                     unit="m·K/W")
        check_number(self.ground_heat_capacity_mj_m3k, "ground_heat_capacity_mj_m3k", owner=owner, low=0.5, high=5.0,
                     unit="MJ/(m³·K)")
        check_number(self.buried_depth_m, "buried_depth_m", owner=owner, low=0.0, high=50.0, unit="m")
        rows = _default_rows(int(self.n_boreholes)) if self.n_rows is None else self.n_rows
        if not isinstance(rows, (int, np.integer)) or rows < 1 or self.n_boreholes % rows:
            raise InputError(f"{owner}.n_rows = {self.n_rows!r} must be a positive integer dividing "
                             f"n_boreholes = {self.n_boreholes}")
        object.__setattr__(self, "n_rows", int(rows))

    @property
    def n_cols(self) -> int:
        return self.n_boreholes // self.n_rows

    @property
    def total_length_m(self) -> float:
        """Total active borehole length n·H [m]."""
        return self.n_boreholes * self.depth_m

    @property
    def diffusivity_m2_s(self) -> float:
        """Ground thermal diffusivity α = k / ρc [m²/s]."""
        return self.ground_conductivity_w_mk / (self.ground_heat_capacity_mj_m3k * 1e6)

    def pair_distances(self) -> tuple[np.ndarray, np.ndarray]:
        """Distinct borehole-to-borehole distances [m] and how many ordered pairs have each.

        The distance of a borehole to itself is its radius r_b (the borehole wall). The
        counts add up to ``n_boreholes**2``.
        """
        di, dj = np.meshgrid(np.arange(self.n_rows), np.arange(self.n_cols), indexing="ij")
        count = (self.n_rows - di) * (self.n_cols - dj) * np.where(di > 0, 2, 1) * np.where(dj > 0, 2, 1)
        distance = self.spacing_m * np.hypot(di, dj)
        distance[0, 0] = self.borehole_radius_m
        unique, inverse = np.unique(distance.ravel(), return_inverse=True)
        return unique.astype(float), np.bincount(inverse, weights=count.ravel().astype(float))


def _default_rows(n: int) -> int:
    return max(d for d in range(1, math.isqrt(n) + 1) if n % d == 0)


def _erfint(x):
    """∫_0^x erf(u) du = x erf(x) - (1 - exp(-x²))/√π."""
    return x * erf(x) - (1.0 - np.exp(-x * x)) / math.sqrt(math.pi)


def _fls_integrand(s, distance, count, depth_m, buried_m, radial=None, axial=None):
    """Field-mean integrand of the finite line source in s [1/m] (see :func:`borefield_g_function`); ``radial``
    and ``axial``: :func:`_radial_sum` of the field's boreholes and :func:`_axial_factor` at ``s`` when known."""
    if axial is None:
        axial = _axial_factor(s, depth_m, buried_m)
    if radial is None:
        radial = _radial_sum(s, distance, count)
    return radial * axial / (2.0 * depth_m * s * s)


def _axial_factor(s, depth_m, buried_m):
    """2 I(Hs) - I((2D+2H)s) + 2 I((2D+H)s) - I(2Ds) [m] at each s [1/m] (the axial factor of
    :func:`borefield_g_function`'s finite line source, I = :func:`_erfint`)."""
    h, d2 = depth_m, 2.0 * buried_m
    return 2.0 * _erfint(h * s) - (_erfint((d2 + 2.0 * h) * s) - 2.0 * _erfint((d2 + h) * s) + _erfint(d2 * s))


def _radial_sum(s, distance, count):
    """Σ over borehole pairs of exp(-d² s²) [-] at each s [1/m] (the radial factor of :func:`_fls_integrand`)."""
    return (count[:, None] * np.exp(-np.outer(distance**2, s**2))).sum(axis=0)


def borefield_g_function(borefield: Borefield, hours, *, model: str = "finite") -> np.ndarray:
    """Field-mean thermal response factor g(t) [-] of the borehole-wall temperature.

    A constant ground load q' [W/m] per metre of borehole, switched on at t = 0, lowers
    the mean borehole-wall temperature by ``q' g(t) / (2π k)``.

    * ``"finite"``: the finite line source with a mirror image (constant surface
      temperature) and uniform flux along the borehole (Eskilson 1987, *Thermal analysis
      of heat extraction boreholes*, PhD, Lund; integral form of Claesson & Javed 2011,
      ASHRAE Trans. 117(2); Cimmino & Bernier 2014, Int. J. Heat Mass Transfer 70, 641),
      averaged over the receiving borehole length::

          h(d, t) = 1/(2H) ∫_{1/√(4αt)}^∞ exp(-d²s²)/s² · [2 I(Hs) - I((2D+2H)s)
                    + 2 I((2D+H)s) - I(2Ds)] ds,     I(x) = x erf(x) - (1 - exp(-x²))/√π

      It reaches a steady state after about H²/(9α) (decades).
    * ``"infinite"``: the infinite line source (Carslaw & Jaeger 1959, *Conduction of
      heat in solids*, 10.4; Ingersoll et al. 1954) ``h(d, t) = ½ E1(d² / (4αt))``;
      no steady state, so it overestimates the long-term cooling of a field.

    Interaction between boreholes: the field mean of the superposed responses of every
    borehole at every other one, ``g = (1/n) Σ_ij h(d_ij, t)`` with ``d_ii = r_b``
    (uniform, equal load per borehole). Borehole thermal capacity is ignored, so the
    response in the first hours (t < 5 r_b²/α, about 8 h) is overestimated -- on the safe
    side for hourly peaks (Yavuzturk & Spitler 1999, ASHRAE Trans. 105(2)).

    Parameters
    ----------
    hours : array_like
        Times since the load step [h], > 0.
    model : {'finite', 'infinite'}

    Notes
    -----
    The finite-line integral is evaluated once per call by cumulative trapezoidal
    integration on a fine logarithmic grid of s (relative error below 1e-5 against
    adaptive quadrature), then read at ``s = 1/√(4αt)`` for every t: vectorised and fast
    for hundreds of thousands of hours.
    """
    check_choice(model, "model", _LINE_SOURCE_MODELS, owner="borefield_g_function")
    t_s = check_series(np.atleast_1d(hours), "hours", owner="borefield_g_function", low=0.0) * _SECONDS_PER_HOUR
    if (t_s <= 0.0).any():
        raise InputError("borefield_g_function.hours must be > 0 h")
    alpha = borefield.diffusivity_m2_s
    if model == "infinite":
        distance, count = borefield.pair_distances()
        return (count[:, None] * 0.5 * exp1(np.outer(distance**2, 1.0 / (4.0 * alpha * t_s)))).sum(axis=0) / \
            borefield.n_boreholes
    return _finite_g(borefield, *_log_s_grid(alpha, t_s))


def _log_s_grid(alpha: float, t_s: np.ndarray) -> tuple[np.ndarray, float]:
    """(ln s at every time, the smallest s) of :func:`borefield_g_function`'s finite-line integral: s = 1/√(4αt)
    for times ``t_s`` [s] and diffusivity ``alpha`` [m²/s]."""
    return np.log(1.0 / np.sqrt(4.0 * alpha * t_s)), 1.0 / math.sqrt(4.0 * alpha * t_s.max())


def _s_grid(s_low: float, radius_m: float) -> np.ndarray:
    """ln s of the integration grid of :func:`borefield_g_function`'s finite-line integral, from just below
    ``s_low`` to 9 / the borehole radius [1/m] (6,000 points)."""
    return np.linspace(math.log(s_low) - 0.01, math.log(9.0 / radius_m), 6000)


class _HourlyGrid:
    """What :func:`borefield_g_function` computes for the hours 1..N before it sees a field, kept per ground and
    borehole radius (:func:`_hourly_grid`): ln s at every hour (their logarithms cost more than the integral), the
    integration grid, where each hour falls in it (``np.interp``'s interval and offset, :meth:`folded`) and the
    radial factor of each layout of boreholes (:func:`_radial_sum`; a city's fields repeat a few layouts) and the
    axial factor of each borehole depth (:func:`_axial_factor`; a city's boreholes share one depth)."""

    def __init__(self, alpha: float, n_hours: int, radius_m: float):
        t_s = np.arange(1, n_hours + 1, dtype=float) * _SECONDS_PER_HOUR
        self.log_s, self.s_low = _log_s_grid(alpha, t_s)
        self.u = _s_grid(self.s_low, radius_m)
        self.s = np.exp(self.u)
        index = np.searchsorted(self.u, self.log_s, side="right") - 1  # u[j] <= ln s < u[j + 1]
        inside = (index >= 0) & (index < self.u.size - 1)
        exact = inside & (self.u[np.clip(index, 0, self.u.size - 1)] == self.log_s)
        # np.interp's own cases (outside the grid, on a node) are left to it
        self.index = index if inside.all() and not exact.any() and not np.isnan(self.log_s).any() else None
        self.offset = None if self.index is None else self.log_s - self.u[index]
        for array in (self.log_s, self.u, self.s, self.index, self.offset):
            if array is not None:
                array.flags.writeable = False
        self._radial: dict = {}
        self._axial: dict = {}

    def radial(self, distance: np.ndarray, count: np.ndarray) -> np.ndarray:
        """:func:`_radial_sum` at this grid's s for a field's borehole distances and counts, kept (64 layouts)."""
        return kept_array(self._radial, (distance.tobytes(), count.tobytes()),
                          lambda: _radial_sum(self.s, distance, count))

    def axial(self, depth_m: float, buried_m: float) -> np.ndarray:
        """:func:`_axial_factor` at this grid's s for boreholes of ``depth_m`` buried ``buried_m`` [m], kept (64)."""
        return kept_array(self._axial, (depth_m, buried_m), lambda: _axial_factor(self.s, depth_m, buried_m))

    def folded(self, values: np.ndarray, years: int, n: int) -> np.ndarray:
        """:func:`_fold` of g = ``np.interp(self.log_s, self.u, values)`` over ``years`` years of ``n`` hours, in
        one pass: np.interp's slope × offset + value on each interval (the intervals found once for every field),
        the pulses and their sums year after year as :func:`_fold` adds them."""
        if self.index is None:
            return _fold(np.interp(self.log_s, self.u, values), years, n)
        slopes = (values[1:] - values[:-1]) / (self.u[1:] - self.u[:-1])  # as np.interp computes them
        lags = np.empty(2 * n - 1)
        _fold_on(self.index, self.offset, slopes, values, years, n, lags)
        return lags


@njit
def _fold_on(index, offset, slopes, values, years, n, lags):
    """:func:`_fold` of g[i] = ``slopes[j] * offset[i] + values[j]`` (j = ``index[i]``, np.interp's arithmetic on its
    interval) into ``lags``: the pulses g[i] - g[i-1] (g[-1] = 0) added year after year from 0."""
    partial = np.zeros(n)  # the years but the last
    previous = 0.0
    for k in range(years - 1):
        for m in range(n):
            i = k * n + m
            j = index[i]
            g = slopes[j] * offset[i] + values[j]
            partial[m] += g - previous
            previous = g
    for m in range(1, n):
        lags[m - 1] = partial[m]
    for m in range(n):
        i = (years - 1) * n + m
        j = index[i]
        g = slopes[j] * offset[i] + values[j]
        lags[n - 1 + m] = partial[m] + (g - previous)
        previous = g


def _fold(g: np.ndarray, years: int, n: int) -> np.ndarray:
    """The pulse response of the hourly g over ``years`` years of ``n`` hours summed over the years, P(-(n-1)) ..
    P(n-1) (:func:`_last_year_folded`): pulse(i) = g(i) - g(i-1), P(m) = Σ_k pulse(k n + m), 0 at negative lags."""
    blocks = np.diff(np.concatenate(([0.0], g))).reshape(years, n)  # blocks[k, m] = pulse(k n + m)
    return np.concatenate((blocks[:-1].sum(axis=0)[1:], blocks.sum(axis=0)))  # P(-(n-1)) .. P(n-1)


@lru_cache(maxsize=2)
def _hourly_grid(alpha: float, n_hours: int, radius_m: float) -> _HourlyGrid:
    """The :class:`_HourlyGrid` of hours 1..``n_hours`` (as :func:`_last_year_folded` asks for them) in a ground of
    diffusivity ``alpha`` [m²/s] around boreholes of radius ``radius_m`` [m]."""
    return _HourlyGrid(alpha, n_hours, radius_m)


def _finite_g(borefield: Borefield, log_s: np.ndarray, s_low: float) -> np.ndarray:
    """The finite-line g of :func:`borefield_g_function` at s = exp(``log_s``) (the integral's lower bound
    ``s_low`` [1/m] at the longest time)."""
    u = _s_grid(s_low, borefield.borehole_radius_m)
    return np.interp(log_s, u, _integral_above(borefield, u, np.exp(u)))


def _integral_above(borefield: Borefield, u: np.ndarray, s: np.ndarray, grid: _HourlyGrid | None = None) -> np.ndarray:
    """The field-mean finite-line integral from each ln s = ``u`` to the grid's end (trapezoids on ``u``, s =
    ``s``), as :func:`borefield_g_function` reads g from it; with a ``grid``, its kept radial and axial factors."""
    distance, count = borefield.pair_distances()
    depth, buried = borefield.depth_m, borefield.buried_depth_m
    radial, axial = (None, None) if grid is None else (grid.radial(distance, count), grid.axial(depth, buried))
    f = _fls_integrand(s, distance, count, depth, buried, radial, axial) * s / borefield.n_boreholes
    tail = np.concatenate(([0.0], np.cumsum(0.5 * (f[1:] + f[:-1]) * np.diff(u))))
    return tail[-1] - tail  # ∫ from u to u_max


def borefield_brine_degc(
    borefield: Borefield,
    extraction_kw_hourly,
    years: int = 1,
    *,
    model: str = "finite",
    all_years: bool = False,
) -> np.ndarray:
    """Hourly mean brine temperature [°C] of a borefield under an hourly ground load.

    ``T_f(t) = T_g - q'(t) R_b - ΔT_wall(t)`` with ``q' = 1000 Q / (n H)`` [W/m] and the
    wall temperature drop from the temporal superposition of the hourly load pulses,
    ``ΔT_wall(t_k) = Σ_j q'_j [g(k+1-j) - g(k-j)] / (2πk)`` (g of
    :func:`borefield_g_function`, g(0) = 0). The superposition is evaluated exactly, hour
    by hour, as a convolution by FFT (Marcotte & Pasquier 2008, Geothermics 37, 651-665),
    which replaces the load aggregation schemes (monthly blocks, Bernier et al. 2004,
    ASHRAE Trans. 110(2); Claesson & Javed 2012) at no loss of accuracy. Each value is
    the temperature at the end of the hour. The last year alone is computed on one year's FFT
    with the years folded into the pulse response (:func:`_last_year_folded`, equal to rounding).

    Parameters
    ----------
    extraction_kw_hourly : array_like (n_hours,)
        Heat extracted from the ground per hour [kW] (the evaporator heat of the heat
        pumps); negative values inject heat (cooling, regeneration).
    years : int
        The one-year load is repeated this many years (1..100); the last year is returned.
    model : {'finite', 'infinite'}
        Line-source model, see :func:`borefield_g_function`.
    all_years : bool
        Return every year (``years * n_hours`` values) instead of the last one.

    Returns
    -------
    ndarray
        Mean fluid temperature [°C], contiguous float64. Nothing is limited: compare it
        with the brine limits of the heat pump (``Source('brine').min_degc``).
    """
    if not isinstance(borefield, Borefield):
        raise InputError(f"borefield_brine_degc.borefield must be a Borefield, got {type(borefield).__name__}")
    load = check_series(extraction_kw_hourly, "extraction_kw_hourly", owner="borefield_brine_degc")
    if load.size == 0:
        raise InputError("borefield_brine_degc.extraction_kw_hourly is empty")
    if isinstance(years, bool) or not isinstance(years, (int, np.integer)):
        raise InputError(f"borefield_brine_degc.years must be an integer, got {years!r}")
    check_number(years, "years", owner="borefield_brine_degc", low=1, high=100)
    if not all_years:
        return _last_year_folded(borefield, load, int(years), model)
    q_w_m = np.tile(load, int(years)) * 1000.0 / borefield.total_length_m
    g = borefield_g_function(borefield, np.arange(1, q_w_m.size + 1, dtype=float), model=model)
    pulse = np.diff(np.concatenate(([0.0], g)))
    wall_drop = fftconvolve(q_w_m, pulse)[: q_w_m.size] / (2.0 * math.pi * borefield.ground_conductivity_w_mk)
    return np.ascontiguousarray(borefield.undisturbed_ground_degc - q_w_m * borefield.borehole_resistance_mk_w
                                - wall_drop)


def _last_year_folded(borefield: Borefield, load: np.ndarray, years: int, model: str) -> np.ndarray:
    """The last year of the one-year ``load`` [kW] repeated ``years`` times, on one year's FFT.

    With the load periodic, the superposition over all years folds into one year: the wall drop at hour t of
    year N is ``Σ_s q'_s P(t - s) / (2πk)`` with the pulse response summed over the years,
    ``P(m) = Σ_k pulse(k n + m)`` for lags m = -(n-1)..n-1 (pulse 0 at negative lags). The same terms as the
    convolution of all years summed in another order (equal to rounding), with an FFT of about 3n values
    instead of 2Nn (20 years: about 40 times fewer).
    """
    n = load.size
    q_w_m = load * 1000.0 / borefield.total_length_m
    size, spectrum = _folded_spectrum(borefield, years, n, model)
    wall_drop = irfft(rfft(q_w_m, size) * spectrum, size)[n - 1:2 * n - 1] / (
        2.0 * math.pi * borefield.ground_conductivity_w_mk)
    return np.ascontiguousarray(borefield.undisturbed_ground_degc - q_w_m * borefield.borehole_resistance_mk_w
                                - wall_drop)


@lru_cache(maxsize=16)
def _folded_spectrum(borefield: Borefield, years: int, n: int, model: str) -> tuple[int, np.ndarray]:
    """(FFT length, real FFT of the folded pulse response of :func:`_folded_pulse` at that length), kept per field.

    :func:`_last_year_folded` needs only the lags n - 1 .. 2n - 2 of the linear convolution of the n loads with the
    2n - 1 pulse values (length 3n - 2). A circular convolution of length L >= 2n - 1 adds lag i + L to lag i,
    and i + L >= 3n - 2 lies beyond the convolution for every i >= n - 1: those lags are exact. So one FFT of
    the load and one inverse per call, the pulse's kept (the convolution theorem; Press et al. 2007, *Numerical
    Recipes*, 3rd ed., 13.1), where :func:`scipy.signal.fftconvolve` pads to 3n - 2 and transforms both.
    """
    size = next_fast_len(2 * n - 1, real=True)
    spectrum = rfft(_folded_pulse(borefield, years, n, model), size)
    spectrum.flags.writeable = False
    return size, spectrum


@lru_cache(maxsize=16)
def _folded_pulse(borefield: Borefield, years: int, n: int, model: str) -> np.ndarray:
    """The pulse response of :func:`_last_year_folded` summed over ``years`` years of ``n`` hours,
    P(-(n-1)) .. P(n-1), kept per field: it does not depend on the load (a city's rows ask for the same field
    twice, while it is sized and when it runs). Read-only."""
    if model == "finite":  # the hours 1..years·n as borefield_g_function takes them, on the kept grid
        grid = _hourly_grid(borefield.diffusivity_m2_s, years * n, borefield.borehole_radius_m)
        lags = grid.folded(_integral_above(borefield, grid.u, grid.s, grid), years, n)
    else:
        lags = _fold(borefield_g_function(borefield, np.arange(1, years * n + 1, dtype=float), model=model), years, n)
    lags.flags.writeable = False
    return lags


def estimate_ground_load_kw(heat_kw, *, spf: float) -> np.ndarray:
    """First-guess ground load ``Q_heat (1 - 1/SPF)`` [kW] from the heat a brine heat pump delivers.

    From the energy balance of the heat pump, evaporator heat = condenser heat - electric
    input, with a seasonal performance factor ``spf`` (e.g. 3.5-4.5 for brine/water units
    on radiators at 45-55 °C; an assumption to revise with :func:`iterate_borefield`).
    """
    heat = check_series(heat_kw, "heat_kw", owner="estimate_ground_load_kw", low=0.0)
    factor = 1.0 - 1.0 / check_number(spf, "spf", owner="estimate_ground_load_kw", low=1.0, high=10.0,
                                       low_inclusive=False)
    return heat * factor


@dataclass(frozen=True, eq=False)
class BorefieldIteration:
    """Result of :func:`iterate_borefield`.

    ``brine_degc``: the series the last system run used [°C]; ``extraction_kw``: the ground
    load that run returned [kW]; ``residual_k``: max |brine from that load - brine used|
    [K] for each pass (the last one is the remaining inconsistency).
    """

    brine_degc: np.ndarray
    extraction_kw: np.ndarray
    residual_k: tuple[float, ...]


def iterate_borefield(
    borefield: Borefield,
    run: Callable[[np.ndarray], np.ndarray],
    extraction_guess_kw,
    *,
    iterations: int,
    years: int = 1,
    model: str = "finite",
) -> BorefieldIteration:
    """Alternate brine temperature and system simulation (fixed-point passes).

    Pass i: brine = :func:`borefield_brine_degc` (load_i); load_{i+1} = ``run(brine)``.

    Parameters
    ----------
    run : callable
        Takes the hourly brine temperature [°C] and returns the hourly ground load [kW]
        (heat - electricity of the heat pumps) of a system run with it.
    extraction_guess_kw : array_like
        First guess of the ground load [kW], e.g. :func:`estimate_ground_load_kw`.
    iterations : int
        Number of system runs (1..10); 2 is usually enough.
    """
    check_number(iterations, "iterations", owner="iterate_borefield", low=1, high=10)
    if not callable(run):
        raise InputError(f"iterate_borefield.run must be callable, got {type(run).__name__}")
    load = check_series(extraction_guess_kw, "extraction_guess_kw", owner="iterate_borefield")
    brine = borefield_brine_degc(borefield, load, years, model=model)
    residuals = []
    for _ in range(int(iterations)):
        used = brine
        load = check_series(run(used), "run(...)", owner="iterate_borefield", length=used.size)
        brine = borefield_brine_degc(borefield, load, years, model=model)
        residuals.append(float(np.max(np.abs(brine - used))))
    return BorefieldIteration(used, load, tuple(residuals))


# ------------------------------------------------------------------------- exhaust air
@dataclass(frozen=True, eq=False)
class ExhaustAirSource:
    """Extract air as a heat source: its temperature and the heat its flow can give.

    ``source_degc`` and ``evaporator_limit_kw`` are hourly arrays (constant here) for the
    kernel. ``air_flow_m3_h`` is the extract air flow [m³/h].
    """

    source_degc: np.ndarray
    evaporator_limit_kw: np.ndarray
    air_flow_m3_h: float
    extract_degc: float
    min_outlet_degc: float

    def condenser_limit_kw(self, cop) -> np.ndarray:
        """Heat output limit [kW] set by the air flow: ``Q_evap · COP / (COP - 1)`` (energy balance)."""
        cop = np.asarray(cop, dtype=float)
        if not np.all(np.isfinite(cop) & (cop > 1.0)):
            raise InputError("ExhaustAirSource.condenser_limit_kw: cop must be finite and > 1")
        return self.evaporator_limit_kw * cop / (cop - 1.0)


def exhaust_air_source(building: Building, index: pd.DatetimeIndex, *, min_outlet_degc: float,
                       extract_degc: float = 20.0) -> ExhaustAirSource:
    """Exhaust-air heat pump source of a building with mechanical extract ventilation (system C).

    The extract flow is the hygienic flow ``q = n_use · V`` [m³/h] (``building.ventilation.
    air_change_per_h`` on ``building.heated_volume_m3``; infiltration is not extracted).
    Cooling it from ``extract_degc`` to ``min_outlet_degc`` gives at most
    ``Q_evap = q · ρc · (θ_extract - θ_out,min) / 1000`` [kW] with ρc = 0.34 Wh/(m³·K)
    (EN ISO 13789:2017). Sensible heat only: condensation below the dew point (~8-10 °C
    for 20 °C, 40-50 % RH) adds latent heat, so the limit is conservative.

    Parameters
    ----------
    index : DatetimeIndex
        Hours of the simulation (the weather's index).
    min_outlet_degc : float
        Lowest exhaust temperature after the evaporator [°C]; product-specific (frosting
        of the coil), no default.
    extract_degc : float
        Extract air temperature [°C]; default 20 °C (heated apartments).

    Raises
    ------
    InputError
        if the ventilation is not system "C" (natural ventilation has no extract duct to
        recover; system "D" recovers the heat in its own exchanger).
    """
    owner = "exhaust_air_source"
    if not isinstance(building, Building):
        raise InputError(f"{owner}.building must be a Building, got {type(building).__name__}")
    if building.ventilation.system != "C":
        raise InputError(f"{owner}: building.ventilation.system = {building.ventilation.system!r}, allowed 'C' "
                         "(mechanical extract); use building.with_changes(ventilation=Ventilation('C', ...))")
    if not isinstance(index, pd.DatetimeIndex) or len(index) == 0:
        raise InputError(f"{owner}.index must be a non-empty DatetimeIndex")
    extract = check_number(extract_degc, "extract_degc", owner=owner, low=10.0, high=35.0, unit="°C")
    outlet = check_number(min_outlet_degc, "min_outlet_degc", owner=owner, low=-25.0, high=extract,
                          high_inclusive=False, unit="°C")
    flow = building.ventilation.air_change_per_h * building.heated_volume_m3
    check_positive(flow, "ventilation.air_change_per_h", owner=owner)
    limit = flow * RHO_C_AIR_WH_M3K * (extract - outlet) / 1000.0
    n = len(index)
    return ExhaustAirSource(np.full(n, extract), np.full(n, limit), float(flow), extract, outlet)


# ------------------------------------------------------------------------- user series
def user_source_degc(values, index: pd.DatetimeIndex) -> np.ndarray:
    """A user's hourly source temperature [°C] (measured brine, surface water ...), validated.

    ``values`` is an array of ``len(index)`` values, or a Series whose index equals
    ``index`` (no silent re-alignment). Allowed range -40..60 °C.
    """
    owner = "user_source_degc"
    if not isinstance(index, pd.DatetimeIndex):
        raise InputError(f"{owner}.index must be a DatetimeIndex, got {type(index).__name__}")
    if isinstance(values, pd.Series):
        if not values.index.equals(index):
            raise InputError(f"{owner}.values: the Series index does not equal the simulation index "
                             f"(first {values.index[:1].tolist()} vs {index[:1].tolist()})")
        values = values.to_numpy(dtype=float)
    return check_series(values, "values", owner=owner, length=len(index), low=-40.0, high=60.0)
