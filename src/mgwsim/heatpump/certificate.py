"""Products from certificates: EN 14825 declared points -> a constrained map; SCOP by the bin method.

Points (Heat Pump Keymark / EN 14825 declarations, or EN 14511 datasheets)
--------------------------------------------------------------------------
One row per point: ``source_degc`` (outdoor air Tj or brine/water inlet) [°C], ``sink_degc``
(water outlet, the climate's flow temperature) [°C], ``capacity_kw`` (declared heating
capacity Pdh(Tj)) [kW], ``cop`` [-] and ``load``: ``'full'`` (maximum capacity, EN 14511) or
``'part'`` (EN 14825 part-load point: the capacity is the climate's load at Tj, not what the
unit can deliver). :func:`read_certificate_points` reads them from CSV or TOML.

Capacity words (do not confuse them)
------------------------------------
* ``prated_kw``: EN 14825 *Prated* = Pdesignh, the heating load the unit is declared for at
  the design temperature (average climate: Tdesignh = -10 °C, flow 35 °C for the low
  temperature application).
* ``rated_capacity_kw``: the full-load capacity at the EN 14511 rating point A7/W35
  (B0/W35, W10/W35). For an air unit it is typically ~1.3x Prated; mixing them up costs
  ~30 % of the capacity.

Fit (:func:`fit_certificate`)
-----------------------------
COP: the Carnot efficiency ``eta = COP / COP_carnot`` (approach-inclusive,
:func:`~mgwsim.heatpump.carnot.carnot_cop_with_approach`) is fitted as
``eta = a + b x + c y`` with ``x = (T_source - 7 °C)/10 K`` and ``y = (T_sink - 35 °C)/10 K``
(Schwamberger's / hplib's linear form applied to the efficiency): ``b`` when the points
span >= 2 source temperatures, ``c`` when they span >= 2 sink temperatures off one climate
line (>= 3 points whose sinks deviate by > 3 K RMS from the straight line through
(source, sink); or points at one source and several sinks). A slope the points cannot
determine is, for air sources, held at the market's relative slope (:data:`MARKET_ETA_SLOPES`,
``b = 0.099 a``, ``c = -0.096 a``: the median of hplib's Keymark air/water models) while
``a`` and the determined slopes are fitted (``market_prior=False``, and other sources: 0,
a constant efficiency in that direction). The fitted form is reported
(``CertificateFit.form``, e.g. 'a+b (c from the market prior)'). Constraints on the map grid:
COP rises with source temperature, falls with sink temperature, stays below Carnot and
above 1 (with the ancillary power below, at the fitted capacity). When the least-squares
slopes break a constraint they are shrunk towards the
constant-efficiency fit (factor ``shrink`` in [0, 1], the largest that satisfies all
constraints, found by bisection; the intercept is refitted). Uncertainty: the
leave-one-out relative COP error (root mean square) of the same procedure.

Ancillary power (``ancillary_kw``, optional): a fixed electric power drawn whatever the
compressor delivers (controls, the circulator's share, the inverter's standby) is part of every
declared COP (EN 14511-3:2018 counts control devices and the fans' and pumps' share in the
effective power input). At the minimum-speed point D (about 0.15 Prated) it is a large share,
at A (0.9 Prated) a small one, which a Carnot efficiency alone cannot hold. With
``ancillary_kw = P_a`` the fit removes it from each point, ``COP_c = Q/(Q/COP - P_a)``, fits the
efficiency to ``COP_c`` and predicts ``COP = Q/(Q/COP_c + P_a)`` at the output ``Q`` [kW]
(:meth:`CertificateFit.cop`: the point's declared capacity when given, else the fitted
capacity). A declared value for it: the thermostat-off power PTO of the declaration (EN
14825:2022, the compressor off and the unit on; Commission Regulation (EU) No 813/2013,
Annex II information requirements), 96 W for the shipped Airwell units. Default 0 (the
efficiency alone).

Cycling at the declared points (EN 14825:2022 §8.5, ``COPbin = COPd CR/(Cd CR + 1 - Cd)``,
``CR = Ph/Pdh``) is *not* removed before the fit: the declared COPd is the unit's value at its
declared capacity and the SCOP bin method applies the cycling loss on top of it
(:func:`scop_from_declared` reproduces the certificates so); at the collective units' points
``CR >= 0.9`` and the factor is within 1.1 % of 1 anyway.

Load: EN 14825 part-load COPs of inverter units are higher than the full-load COP at the
same temperatures (the EN 14511 A7/W35 full-load COP of the collective units in
``mgwsim/data/heatpump/keymark_points.csv`` is a median 15 % (W35) and 22 % (W55) below a
fit of their part-load points A and C). A map fitted to part-load points therefore describes the unit at the climate's
part load, not at full speed: fit full-load and part-load points separately when both
matter.

Capacity: from the full-load points (linear in source temperature, slope >= 0, and sink
temperature when it varies independently), else -- with part-load points only -- a flat
full-load capacity equal to Prated (``prated_kw``, or ``Pdh / PLR`` at the point nearest
2 °C when not given), the load the declaration covers at the design point (a lower bound
for warmer sources: air units deliver more there).

SCOP (:func:`scop_from_declared`, :func:`scop_from_map`)
-------------------------------------------------------
EN 14825:2022 bin method, average climate (Tdesignh = -10 °C), low temperature (35 °C)
application, active mode only (SCOPon; off-mode, thermostat-off, standby and crankcase
hours are not counted): bins Tj = -10..15 °C with the average climate's hours hj (4910 h;
also Commission Regulation (EU) No 813/2013 and Communication 2014/C 207/02), part load
ratio ``PLR(Tj) = (Tj - 16)/(Tdesignh - 16)``, load ``Ph(Tj) = PLR Prated``, declared
capacity and COP linearly interpolated between the declared Tj (held constant outside),
capacity ratio ``CR = Ph/Pdh``, cycling COP ``COPbin = COPd CR / (Cd CR + 1 - Cd)`` for
``CR < 1`` (Cd = 0.9, the standard's default degradation coefficient for air/water units),
electric backup ``elbu = max(Ph - Pdh, 0)`` at COP 1, and
``SCOPon = sum hj Ph / sum hj ((Ph - elbu)/COPbin + elbu)``. With the declaration's off-mode
powers (POFF, PTO, PSB, PCK [kW]) :func:`scop_from_declared` returns the SCOP of the certificate,
``SCOP = QH / (QH/SCOPon + HTO PTO + HSB PSB + HCK PCK + HOFF POFF)`` with ``QH = sum hj Ph``
and the average climate's hours HTO = 179 h, HSB = 0 h, HCK = 3851 h, HOFF = 3672 h (EN
14825:2018 Annex A, heating only; Commission Regulation (EU) No 813/2013, Annex III).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mgwsim.errors import InputError, check_number, check_positive
from mgwsim.heatpump.carnot import carnot_cop_with_approach
from mgwsim.heatpump.datasheet import check_point_values
from mgwsim.heatpump.maps import PerformanceMap, Source, _check_grid, carnot_cop, sink_above_source

__all__ = [
    "EN14825_AVERAGE_TJ_DEGC", "EN14825_AVERAGE_HOURS", "EN14825_AVERAGE_DESIGN_DEGC", "DEFAULT_CD",
    "CertificateFit", "read_certificate_points", "fit_certificate", "certificate_map",
    "part_load_ratio", "flow_temperature_35", "scop_from_declared", "scop_from_map", "keymark_products",
    "keymark_points", "MARKET_ETA_SLOPES", "EN14825_AVERAGE_OFF_MODE_HOURS",
]

EN14825_AVERAGE_TJ_DEGC = np.arange(-10.0, 16.0)
"""Outdoor temperature bins Tj of the EN 14825 average climate [°C]."""
EN14825_AVERAGE_HOURS = np.array([1, 25, 23, 24, 27, 68, 91, 89, 165, 173, 240, 280, 320, 357, 356, 303, 330,
                                  326, 348, 335, 315, 215, 169, 151, 105, 74], dtype=float)
"""Hours hj per bin of the EN 14825 average climate [h] (sum 4910 h)."""
EN14825_AVERAGE_DESIGN_DEGC = -10.0
"""Design temperature Tdesignh of the average climate [°C]."""
DEFAULT_CD = 0.9
"""EN 14825 default degradation coefficient Cdh for air/water units [-]."""
EN14825_AVERAGE_OFF_MODE_HOURS = {"p_to_kw": 179.0, "p_sb_kw": 0.0, "p_ck_kw": 3851.0, "p_off_kw": 3672.0}
"""Hours of the average climate in thermostat-off, standby, crankcase-heater and off mode [h]
(EN 14825:2018 Annex A, heating only), keyed by the power they multiply."""
_BALANCE_DEGC = 16.0  # EN 14825: the part-load ratio is zero at Tj = 16 °C
# EN 14825 low temperature application, variable outlet: (Tj, flow °C) of the points E/F.. A..D
_FLOW_35 = (np.array([-10.0, -7.0, 2.0, 7.0, 12.0]), np.array([35.0, 34.0, 30.0, 27.0, 24.0]))
_COLUMNS = ("source_degc", "sink_degc", "capacity_kw", "cop")
_ALIASES = {"tj_degc": "source_degc", "flow_degc": "sink_degc"}
_LOADS = ("full", "part")


def part_load_ratio(tj_degc, design_degc: float = EN14825_AVERAGE_DESIGN_DEGC):
    """EN 14825 part load ratio ``(Tj - 16)/(Tdesignh - 16)`` [-] (1 at the design temperature)."""
    return (np.asarray(tj_degc, dtype=float) - _BALANCE_DEGC) / (design_degc - _BALANCE_DEGC)


def flow_temperature_35(tj_degc):
    """EN 14825 flow (outlet) temperature of the low temperature application, average climate [°C].

    35 °C at -10 °C, 34/30/27/24 °C at the points A/B/C/D (-7/2/7/12 °C), linear between
    and 24 °C above 12 °C (held constant: an assumption for the 13-15 °C bins).
    """
    return np.interp(np.asarray(tj_degc, dtype=float), *_FLOW_35)


# -- points ------------------------------------------------------------------------------------
def _points_frame(points):
    """Points as a DataFrame with ``source_degc, sink_degc, capacity_kw, cop, load``, checked."""
    import pandas as pd

    owner = "certificate points"
    tabular = hasattr(points, "columns") or (isinstance(points, list) and points and isinstance(points[0], dict))
    if tabular:
        frame = pd.DataFrame(points).rename(columns=_ALIASES)
    else:
        try:
            array = np.asarray(points, dtype=float)
        except (TypeError, ValueError):
            raise InputError(f"{owner} must be a table with columns {list(_COLUMNS)} (+ 'load')") from None
        if array.ndim != 2 or array.shape[1] != 4:
            raise InputError(f"{owner} must have 4 columns {_COLUMNS}, got shape {array.shape}")
        frame = pd.DataFrame(array, columns=list(_COLUMNS))
    missing = [c for c in _COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"{owner} lack columns {missing}; need {list(_COLUMNS)} and optionally 'load'")
    frame = frame.copy()
    frame["load"] = frame["load"].astype(str).str.strip().str.lower() if "load" in frame.columns else "full"
    bad = ~frame["load"].isin(_LOADS)
    if bad.any():
        raise InputError(f"{owner}.load = {frame['load'][bad].iloc[0]!r}; allowed: {list(_LOADS)}")
    for column in _COLUMNS:
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    check_point_values(frame[list(_COLUMNS)].to_numpy(dtype=float), owner)
    return frame.reset_index(drop=True)


def read_certificate_points(path):
    """Read declared points from a CSV file or a TOML file (``[[point]]`` tables).

    Columns / keys: ``source_degc`` (or ``tj_degc``), ``sink_degc`` (or ``flow_degc``),
    ``capacity_kw``, ``cop`` and optionally ``load`` ('full' or 'part', default 'full').
    """
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise InputError(f"read_certificate_points.path = {str(path)!r} is not a file")
    if path.suffix.lower() == ".toml":
        import tomllib

        with path.open("rb") as handle:
            rows = tomllib.load(handle).get("point")
        if not isinstance(rows, list) or not rows:
            raise InputError(f"read_certificate_points: {path.name} needs [[point]] tables")
        return _points_frame(rows)
    if path.suffix.lower() == ".csv":
        return _points_frame(pd.read_csv(path))
    raise InputError(f"read_certificate_points.path = {path.name!r}: allowed suffixes are .csv and .toml")


def _keymark_table():
    import pandas as pd

    from mgwsim._data import data_path

    return pd.read_csv(data_path("heatpump", "keymark_points.csv"))


def keymark_products() -> list[str]:
    """Names of the certified products shipped in ``mgwsim/data/heatpump/keymark_points.csv``."""
    return sorted(_keymark_table()["product"].unique())


def keymark_points(product: str, application_degc: float | None = 35.0, load: str | None = "part"):
    """Declared points of a shipped certified product (EN 14825 average climate; EN 14511 full load).

    Parameters
    ----------
    product : str
        One of :func:`keymark_products`.
    application_degc : {35, 55} or None
        EN 14825 application (low / medium temperature); None: both.
    load : {'part', 'full'} or None
        'part': the EN 14825 points (A/B/C/D, Tbiv, TOL); 'full': the EN 14511 rating
        points A7/W35 and A7/W55; None: all.

    Returns
    -------
    DataFrame with ``point, source_degc, sink_degc, capacity_kw, cop, load, prated_kw,
    scop_declared`` (the declaration's Prated [kW] and SCOP [-] of the application).
    """
    table = _keymark_table()
    if product not in set(table["product"]):
        raise InputError(f"keymark_points.product = {product!r}; shipped products: {keymark_products()}")
    rows = table[table["product"] == product]
    if application_degc is not None:
        if float(application_degc) not in (35.0, 55.0):
            raise InputError(f"keymark_points.application_degc = {application_degc!r}; allowed: 35, 55 or None")
        rows = rows[rows["application_degc"] == float(application_degc)]
    if load is not None:
        if load not in _LOADS:
            raise InputError(f"keymark_points.load = {load!r}; allowed: {list(_LOADS)} or None")
        rows = rows[rows["load"] == load]
    return rows.reset_index(drop=True)


# -- fit -----------------------------------------------------------------------------------------
def _xy(ts, tk):
    return (np.asarray(ts, dtype=float) - 7.0) / 10.0, (np.asarray(tk, dtype=float) - 35.0) / 10.0


def _eta_form(x, y) -> tuple[str, ...]:
    """Terms of the efficiency fit the points can determine (see the module docstring)."""
    if np.ptp(x) < 1e-9:
        return ("a", "c") if np.ptp(y) > 1e-9 else ("a",)
    if x.size >= 3:
        design = np.column_stack([np.ones_like(x), x, y])
        residual = y - design[:, :2] @ np.linalg.lstsq(design[:, :2], y, rcond=None)[0]
        if np.sqrt(np.mean(residual**2)) > 0.3:  # sinks spread > 3 K off the line through the sources
            return ("a", "b", "c")
    return ("a", "b")


def _design(x, y, form):
    cols = {"a": np.ones_like(x), "b": x, "c": y}
    return np.column_stack([cols[t] for t in form])


MARKET_ETA_SLOPES = (0.099, -0.096)
"""Market prior of the efficiency fit, air sources: ``(b/a, c/a)`` [-] of ``eta = a + b x + c y``.

Median over the 357 regulated outdoor air/water models of hplib 1.9 (Heat Pump Keymark EN
14825 declarations, average climate, points A-D of the 35 and 55 °C applications, as
hplib's least-squares projection, ``tools/default_route_errors.py``) of the slopes of their
approach-inclusive Carnot efficiency (evaporator 8 K, condenser 4 K) relative to its
intercept: the efficiency rises by 9.9 % of ``a`` per 10 K warmer source and falls by 9.6 %
per 10 K warmer sink. Used for the terms the points cannot determine (module docstring).
"""


def _least_squares_eta(x, y, eta, form, prior=None) -> np.ndarray:
    """``(a, b, c)``: the terms of ``form`` by least squares; with ``prior = (rb, rc)`` the missing
    ``b`` and ``c`` are held at ``rb a`` and ``rc a`` (else 0)."""
    rb, rc = (0.0, 0.0) if prior is None else prior
    rb, rc = (0.0 if "b" in form else rb), (0.0 if "c" in form else rc)
    design = _design(x, y, form)
    design[:, 0] += rb * x + rc * y  # the intercept's column carries the prior slopes
    coef = np.zeros(3)
    coef[["abc".index(t) for t in form]] = np.linalg.lstsq(design, eta, rcond=None)[0]
    coef[1] += rb * coef[0]
    coef[2] += rc * coef[0]
    return coef


def _form_label(form, prior) -> str:
    missing = [t for t in "bc" if t not in form]
    if prior is None or not missing:
        return "+".join(form)
    return "+".join(form) + " (" + ", ".join(missing) + " from the market prior)"


@dataclass(frozen=True)
class CertificateFit:
    """A fitted certificate: ``cop(ts, tk)``, ``capacity_kw(ts, tk)`` and the fit's quality.

    Attributes
    ----------
    eta_coef : tuple
        ``(a, b, c)`` of ``eta = a + b x + c y`` (module docstring).
    capacity_coef : tuple
        ``(q0, q1, q2)`` [kW] of ``Q = q0 + q1 x + q2 y``.
    form : str
        Terms fitted, e.g. 'a+b'.
    shrink : float
        Factor applied to the least-squares slopes to meet the constraints (1 = none).
    cop_uncertainty_frac : float
        Leave-one-out RMS relative COP error [-] (NaN with 2 points of one source).
    approach_evap_k, approach_cond_k : float
        Approaches of the Carnot COP [K].
    ancillary_kw : float
        Fixed ancillary electric power inside every COP [kW] (module docstring; 0: none).
    """

    eta_coef: tuple
    capacity_coef: tuple
    form: str
    shrink: float
    cop_uncertainty_frac: float
    approach_evap_k: float
    approach_cond_k: float
    ancillary_kw: float = 0.0

    def _carnot(self, ts, tk):
        return carnot_cop_with_approach(np.asarray(ts, dtype=float), np.asarray(tk, dtype=float),
                                        self.approach_evap_k, self.approach_cond_k)

    def cop(self, t_source_degc, t_sink_degc, output_kw=None):
        """Fitted COP [-] at the heat output ``output_kw`` [kW] (default: the fitted capacity).

        ``COP = Q/(Q/COP_c + P_a)`` with the cycle's ``COP_c = eta x Carnot`` and the ancillary
        power ``P_a`` (module docstring); the output matters only when ``ancillary_kw > 0``.
        """
        x, y = _xy(t_source_degc, t_sink_degc)
        a, b, c = self.eta_coef
        cycle = (a + b * x + c * y) * self._carnot(t_source_degc, t_sink_degc)
        if self.ancillary_kw == 0.0:
            return cycle
        output = self.capacity_kw(t_source_degc, t_sink_degc) if output_kw is None else np.asarray(output_kw, float)
        if np.any(~(output > 0.0)):
            raise InputError(f"CertificateFit.cop.output_kw must be > 0 kW, got {np.min(output)!r}")
        return _with_ancillary(cycle, output, self.ancillary_kw)

    def capacity_kw(self, t_source_degc, t_sink_degc):
        """Fitted full-load capacity [kW]."""
        x, y = _xy(t_source_degc, t_sink_degc)
        q0, q1, q2 = self.capacity_coef
        return q0 + q1 * x + q2 * y


def _with_ancillary(cycle_cop, output_kw, ancillary_kw):
    """COP with a fixed ancillary power: ``Q/(Q/COP_c + P_a)`` [-] (module docstring)."""
    return output_kw / (output_kw / cycle_cop + ancillary_kw)


def _without_ancillary(cop, output_kw, ancillary_kw, owner):
    """The cycle's COP of declared points: ``Q/(Q/COP - P_a)`` [-]; InputError when P_a >= Q/COP."""
    electric = output_kw / cop
    if np.any(electric <= ancillary_kw):
        raise InputError(f"{owner}.ancillary_kw = {ancillary_kw!r} kW is not below the electric power of every "
                         f"point (smallest {np.min(electric):.3g} kW = capacity/COP)")
    return output_kw / (electric - ancillary_kw)


def _constraints_hold(coef, grid, approaches, ancillary=None) -> bool:
    """COP rises with source, falls with sink, stays in (1, Carnot) on the grid.

    ``ancillary = (P_a, capacity_coef)``: the COP at the fitted capacity with the ancillary power.
    """
    src, snk = grid
    x, y = _xy(src[:, None], snk[None, :])
    cop = (coef[0] + coef[1] * x + coef[2] * y) * carnot_cop_with_approach(src[:, None], snk[None, :], *approaches)
    if ancillary is not None and ancillary[0] > 0.0:
        q0, q1, q2 = ancillary[1]
        cop = _with_ancillary(cop, q0 + q1 * x + q2 * y, ancillary[0])
    return bool(np.all(np.diff(cop, axis=0) > 0.0) and np.all(np.diff(cop, axis=1) < 0.0)
                and np.all(cop > 1.0) and np.all(cop < carnot_cop(src[:, None], snk[None, :])))


def _constrained_eta(x, y, eta, form, grid, approaches, prior=None, ancillary=None) -> tuple[np.ndarray, float]:
    """Least-squares efficiency with its slopes shrunk (bisection) until the constraints hold."""
    full = _least_squares_eta(x, y, eta, form, prior)

    def shrunk(s):
        coef = np.array([0.0, s * full[1], s * full[2]])
        coef[0] = np.mean(eta - coef[1] * x - coef[2] * y)
        return coef

    if _constraints_hold(full, grid, approaches, ancillary):
        return full, 1.0
    if not _constraints_hold(shrunk(0.0), grid, approaches, ancillary):
        raise InputError("fit_certificate: even a constant Carnot efficiency gives COP <= 1 or above Carnot on "
                         f"the grid (source {grid[0][0]:g}..{grid[0][-1]:g} °C, sink {grid[1][0]:g}.."
                         f"{grid[1][-1]:g} °C); narrow the grid")
    low, high = 0.0, 1.0
    for _ in range(40):
        mid = 0.5 * (low + high)
        low, high = (mid, high) if _constraints_hold(shrunk(mid), grid, approaches, ancillary) else (low, mid)
    return shrunk(low), low


def _leave_one_out(x, y, eta, carnot, cop, prior=None, output_kw=None, ancillary_kw=0.0) -> float:
    if x.size < 2 or (x.size == 2 and np.ptp(x) < 1e-9):
        return float("nan")
    errors = []
    for j in range(x.size):
        keep = np.arange(x.size) != j
        coef = _least_squares_eta(x[keep], y[keep], eta[keep], _eta_form(x[keep], y[keep]), prior)
        cycle = (coef[0] + coef[1] * x[j] + coef[2] * y[j]) * carnot[j]
        predicted = _with_ancillary(cycle, output_kw[j], ancillary_kw) if ancillary_kw > 0.0 else cycle
        errors.append(predicted / cop[j] - 1.0)
    return float(np.sqrt(np.mean(np.square(errors))))


def _prated_from_points(frame) -> float:
    """Prated [kW] implied by part-load points: ``Pdh / PLR`` at the point nearest Tj = 2 °C (point B).

    At B the units modulate to the climate's load (Pdh = PLR Prated); colder points may lie
    below Tbiv (Pdh < load), warmer ones may sit at the minimum capacity (Pdh > load).
    Give ``prated_kw`` from the declaration when it is at hand.
    """
    part = frame.iloc[int(np.argmin(np.abs(frame["source_degc"].to_numpy() - 2.0)))]
    return float(part.capacity_kw / part_load_ratio(part.source_degc))


def _capacity_coef(frame, grid, prated_kw, owner) -> np.ndarray:
    full = frame[frame["load"] == "full"]
    if full.empty:
        if prated_kw is None:
            prated_kw = _prated_from_points(frame)
        return np.array([prated_kw, 0.0, 0.0])
    x, y = _xy(full["source_degc"].to_numpy(), full["sink_degc"].to_numpy())
    q = full["capacity_kw"].to_numpy(dtype=float)
    terms = ["a"] + (["b"] if np.ptp(x) > 1e-9 else []) + (["c"] if "c" in _eta_form(x, y) else [])
    coef = np.zeros(3)
    coef[["abc".index(t) for t in terms]] = np.linalg.lstsq(_design(x, y, terms), q, rcond=None)[0]
    if coef[1] < 0.0:  # capacity rises with the source temperature: no negative slope
        terms = [t for t in terms if t != "b"]
        coef = np.zeros(3)
        coef[["abc".index(t) for t in terms]] = np.linalg.lstsq(_design(x, y, terms), q, rcond=None)[0]
    gx, gy = _xy(grid[0][:, None], grid[1][None, :])
    if np.any(coef[0] + coef[1] * gx + coef[2] * gy <= 0.0):
        raise InputError(f"{owner}: the capacity fit falls to <= 0 kW on the grid; narrow the sink grid")
    return coef


def _scale_capacity(coef, prated_kw, rated_capacity_kw, source, owner):
    if prated_kw is not None and rated_capacity_kw is not None:
        raise InputError(f"{owner}: give prated_kw (EN 14825 design load at -10 °C) or rated_capacity_kw "
                         "(full-load capacity at the EN 14511 rating point), not both")
    if rated_capacity_kw is not None:
        at = _xy(*source.rating_point_degc)
        target = check_positive(rated_capacity_kw, "rated_capacity_kw", owner=owner, unit="kW")
    elif prated_kw is not None:
        at = _xy(EN14825_AVERAGE_DESIGN_DEGC, float(flow_temperature_35(EN14825_AVERAGE_DESIGN_DEGC)))
        target = check_positive(prated_kw, "prated_kw", owner=owner, unit="kW")
    else:
        return coef
    return coef * target / (coef[0] + coef[1] * at[0] + coef[2] * at[1])


def fit_certificate(points, source_degc, sink_degc, *, source: Source | None = None,
                    prated_kw: float | None = None, rated_capacity_kw: float | None = None,
                    approach_evap_k: float | None = None, approach_cond_k: float = 4.0,
                    market_prior: bool = True, ancillary_kw: float = 0.0) -> CertificateFit:
    """Constrained fit of 2 or more declared points (see the module docstring).

    Parameters
    ----------
    points : DataFrame, list of dicts or rows
        ``source_degc, sink_degc, capacity_kw, cop`` and optionally ``load`` ('full'/'part').
    source_degc, sink_degc : array_like
        Grid [°C] on which the constraints must hold (the map's grid).
    source : Source, optional
        Source kind (default air): sets the evaporator approach and the rating point.
    prated_kw : float, optional
        EN 14825 Prated [kW]: the capacity at -10 °C / 35 °C is scaled to it.
    rated_capacity_kw : float, optional
        Full-load capacity at the EN 14511 rating point [kW] (A7/W35 for air); exclusive
        with ``prated_kw``.
    approach_evap_k, approach_cond_k : float
        Approaches of the Carnot COP [K].
    market_prior : bool
        Air sources: hold the slopes the points cannot determine at the market's
        (:data:`MARKET_ETA_SLOPES`) instead of 0 (default True).
    ancillary_kw : float
        Fixed ancillary electric power inside every declared COP [kW], e.g. the declaration's
        thermostat-off power PTO (module docstring); default 0.
    """
    owner = "fit_certificate"
    source = Source("air") if source is None else source
    approaches = (source.evaporator_approach_k if approach_evap_k is None
                  else check_number(approach_evap_k, "approach_evap_k", owner=owner, low=0.0, unit="K"),
                  check_number(approach_cond_k, "approach_cond_k", owner=owner, low=0.0, unit="K"))
    grid = (_check_grid(source_degc, "source_degc", owner), _check_grid(sink_degc, "sink_degc", owner))
    sink_above_source(*grid, owner)
    frame = _points_frame(points)
    ancillary = check_number(ancillary_kw, "ancillary_kw", owner=owner, low=0.0, unit="kW")
    ts, tk = frame["source_degc"].to_numpy(), frame["sink_degc"].to_numpy()
    output = frame["capacity_kw"].to_numpy(dtype=float)
    cop = frame["cop"].to_numpy()
    cycle_cop = _without_ancillary(cop, output, ancillary, owner) if ancillary > 0.0 else cop
    carnot = carnot_cop_with_approach(ts, tk, *approaches)
    if np.any(carnot <= cycle_cop):
        raise InputError(f"{owner}: a point's COP reaches the Carnot COP with the approaches {approaches} K; "
                         "lower the approaches")
    x, y = _xy(ts, tk)
    eta = cycle_cop / carnot
    form = _eta_form(x, y)
    if not isinstance(market_prior, bool):
        raise InputError(f"{owner}.market_prior must be True or False, got {market_prior!r}")
    prior = MARKET_ETA_SLOPES if market_prior and source.kind == "air" else None
    capacity = _scale_capacity(_capacity_coef(frame, grid, prated_kw, owner), prated_kw, rated_capacity_kw,
                               source, owner)
    coef, shrink = _constrained_eta(x, y, eta, form, grid, approaches, prior, (ancillary, capacity))
    uncertainty = _leave_one_out(x, y, eta, carnot, cop, prior, output, ancillary)
    return CertificateFit(tuple(coef), tuple(capacity), _form_label(form, prior), shrink, uncertainty, *approaches,
                          ancillary)


def certificate_map(points, source_degc, sink_degc, *, source: Source | None = None,
                    prated_kw: float | None = None, rated_capacity_kw: float | None = None,
                    max_sink_degc: float | None = None, min_modulation_frac: float = 0.3, model: str = "",
                    refrigerant: str = "", approach_evap_k: float | None = None,
                    approach_cond_k: float = 4.0, market_prior: bool = True,
                    ancillary_kw: float = 0.0) -> PerformanceMap:
    """Performance map of a certified product from 2 or more declared points (:func:`fit_certificate`).

    EN 14825 points are integrated values with defrost: the map has ``includes_defrost=True``.
    The map's ``rated_capacity_kw`` is the fitted capacity at the EN 14511 rating point. With
    ``ancillary_kw`` the map's COP is the one at the map's (fitted) capacity.
    """
    source = Source("air") if source is None else source
    fit = fit_certificate(points, source_degc, sink_degc, source=source, prated_kw=prated_kw,
                          rated_capacity_kw=rated_capacity_kw, approach_evap_k=approach_evap_k,
                          approach_cond_k=approach_cond_k, market_prior=market_prior, ancillary_kw=ancillary_kw)
    src, snk = np.asarray(source_degc, dtype=float), np.asarray(sink_degc, dtype=float)
    cop = fit.cop(src[:, None], snk[None, :])
    cap = fit.capacity_kw(src[:, None], snk[None, :]) * np.ones_like(cop)
    return PerformanceMap(source_degc=src, sink_degc=snk, cop=cop, capacity_kw=cap, source=source,
                          max_sink_degc=max_sink_degc, min_modulation_frac=min_modulation_frac,
                          rated_capacity_kw=float(fit.capacity_kw(*source.rating_point_degc)),
                          model=model or "certificate fit", refrigerant=refrigerant, method="datasheet",
                          includes_defrost=True)


# -- SCOP --------------------------------------------------------------------------------------
def _scop_on(load_kw, capacity_kw, cop_full, cycling_ratio, cd: float) -> float:
    """EN 14825 SCOPon from per-bin load, unit capacity, COP and the ratio that sets cycling (module docstring)."""
    cr = np.minimum(cycling_ratio, 1.0)
    cop_bin = cop_full * cr / (cd * cr + 1.0 - cd)
    backup = np.maximum(load_kw - capacity_kw, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        electric = np.where(capacity_kw > 0.0, (load_kw - backup) / np.where(cop_bin > 0.0, cop_bin, 1.0), 0.0)
    return float(np.sum(EN14825_AVERAGE_HOURS * load_kw) / np.sum(EN14825_AVERAGE_HOURS * (electric + backup)))


def _check_cd(cd):
    return check_number(cd, "cd", owner="SCOP", low=0.0, high=1.0)


def scop_from_declared(points, *, prated_kw: float | None = None, cd: float = DEFAULT_CD,
                       off_mode_kw=None) -> float:
    """EN 14825 SCOPon, or SCOP with off-mode, (average climate) from one application's declared points.

    Parameters
    ----------
    points : as :func:`fit_certificate`
        The declaration's points of one application (35 or 55 °C): A/B/C/D, and Tbiv/TOL
        when declared (only ``source_degc`` = Tj, ``capacity_kw`` = Pdh and ``cop`` = COPd are used).
    prated_kw : float, optional
        Prated [kW] of the declaration; default: ``Pdh / PLR`` at the point nearest 2 °C.
    cd : float
        Degradation coefficient Cdh [-] (default 0.9).
    off_mode_kw : mapping, optional
        The declaration's ``p_off_kw, p_to_kw, p_sb_kw, p_ck_kw`` (POFF, PTO, PSB, PCK [kW]); given,
        the result is the certificate's SCOP with the off-mode hours (module docstring), else SCOPon.
    """
    owner = "scop_from_declared"
    frame = _points_frame(points).sort_values("source_degc")
    tj, pdh, copd = (frame[c].to_numpy(dtype=float) for c in ("source_degc", "capacity_kw", "cop"))
    prated = _prated_from_points(frame) if prated_kw is None else check_positive(
        prated_kw, "prated_kw", owner=owner, unit="kW")
    load = part_load_ratio(EN14825_AVERAGE_TJ_DEGC) * prated
    capacity = np.interp(EN14825_AVERAGE_TJ_DEGC, tj, pdh)
    scop_on = _scop_on(load, capacity, np.interp(EN14825_AVERAGE_TJ_DEGC, tj, copd), load / capacity, _check_cd(cd))
    if off_mode_kw is None:
        return scop_on
    heat_kwh = float(np.sum(EN14825_AVERAGE_HOURS * load))
    return heat_kwh / (heat_kwh / scop_on + _off_mode_kwh(off_mode_kw, owner))


def _off_mode_kwh(off_mode_kw, owner) -> float:
    """Off-mode electricity of the average climate [kWh]: hours x declared powers (module docstring)."""
    keys = list(EN14825_AVERAGE_OFF_MODE_HOURS)
    try:
        given = {key: off_mode_kw[key] for key in keys}
    except (KeyError, TypeError, IndexError):
        raise InputError(f"{owner}.off_mode_kw must map {keys} to powers in kW, got {off_mode_kw!r}") from None
    return sum(EN14825_AVERAGE_OFF_MODE_HOURS[key] * check_number(
        value, f"off_mode_kw[{key!r}]", owner=owner, low=0.0, unit="kW") for key, value in given.items())


def scop_from_map(pmap: PerformanceMap, prated_kw: float, *, cd: float = DEFAULT_CD) -> float:
    """EN 14825 SCOPon (average climate, 35 °C) of a full-load map sized for ``prated_kw``.

    Per bin the unit delivers the load at its full-load COP while the load is above its
    minimum modulation (``min_modulation_frac`` x capacity) and cycles below it
    (``CR = load / minimum capacity``); no part-load gain is modelled. The map must cover
    -10..15 °C and the 24..35 °C flow temperatures (InputError otherwise).
    """
    prated = check_positive(prated_kw, "prated_kw", owner="scop_from_map", unit="kW")
    flow = flow_temperature_35(EN14825_AVERAGE_TJ_DEGC)
    capacity = pmap.capacity_at(EN14825_AVERAGE_TJ_DEGC, flow)
    cop = np.nan_to_num(pmap.cop_at(EN14825_AVERAGE_TJ_DEGC, flow), nan=0.0)  # unavailable: capacity 0 anyway
    load = part_load_ratio(EN14825_AVERAGE_TJ_DEGC) * prated
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(capacity > 0.0, load / np.where(capacity > 0.0, pmap.min_modulation_frac * capacity, 1.0), 1.0)
    return _scop_on(load, capacity, cop, ratio, _check_cd(cd))
