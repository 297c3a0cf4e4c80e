"""Performance maps from datasheet points (EN 14511 / EN 14825) and from the hplib database.

Datasheet fit (:func:`datasheet_map`)
-------------------------------------
Points ``(source °C, sink outlet °C, heating capacity kW, COP)`` at full load.

* COP: the Carnot efficiency ``eta = COP / COP_carnot`` (approach-inclusive, see
  :func:`mgwsim.heatpump.carnot.carnot_cop_with_approach`) is fitted by least squares,
  ``eta = a + b T_source + c T_sink + d T_source T_sink`` with at least 6 points on a
  grid of >= 2 sources x >= 2 sinks (two residual degrees of freedom);
  ``eta = a + b T_source + c T_sink`` with 4-5 points spanning both axes; with 2-3 points
  (or points along one axis) ``eta = a + b T_source`` (or ``a + c T_sink`` when all
  points share one source): the Carnot COP carries the other axis. The chosen form is
  reported (:attr:`DatasheetFit.form`); there is no silent fallback. This is the linear
  form of Schwamberger (1991) / hplib
  (``COP = p1 T_in + p2 T_out + p3 + p4 T_amb``) applied to the Carnot efficiency: the
  COP keeps the curvature of the lift, and on the three products of
  ``mgwsim/data/heatpump`` it reproduces the points within 3.6 %, where the COP-linear
  hplib form misses by up to 11 % (measured while writing this module).
* Points must be *full-load* points (EN 14511). EN 14825 part-load declarations (the
  capacity is the climate's load, falling as the source warms) are refused with a pointer
  to :func:`mgwsim.heatpump.certificate.certificate_map`.
* Capacity: linear least squares ``Q = q0 + q1 T_source + q2 T_sink`` over the axes the
  points span (``q2`` dropped when all points share one sink temperature, and so on).

hplib (:func:`hplib_map`)
-------------------------
Parameters of the hplib database (Tjaden et al., hplib 1.9, HTW Berlin; fits to Heat
Pump Keymark data, model of K. Schwamberger, Modellbildung und Regelung von
Gebäudeheizungsanlagen mit Wärmepumpen, VDI Fortschritt-Berichte 1991):
``COP = p1 T_in + p2 T_out + p3 + p4 T_amb`` and
``P_el = P_el,ref (p1' T_in + p2' T_out + p3' + p4' T_amb)``, ``P_th = P_el COP``, with
``T_in`` the primary (source) inlet, ``T_out`` the secondary (sink) outlet and, for
air sources, ``T_amb = T_in``; for brine/water sources ``T_amb`` is fixed at -7 °C
(hplib's reference). hplib's fits use EN 14825 points, whose capacities at -7/2/7/12 °C
are the part-load design capacities of the climate, not the maximum: the capacity axis
of such a map is an approximation of the full-load capacity.
"""

from __future__ import annotations

import numpy as np

from mgwsim.errors import InputError, check_fraction, check_number, check_positive
from mgwsim.heatpump.carnot import carnot_cop_with_approach
from mgwsim.heatpump.maps import PerformanceMap, Source, _check_grid, carnot_cop, check_carnot, sink_above_source

__all__ = ["DatasheetFit", "fit_datasheet", "datasheet_map", "hplib_database", "hplib_map"]

_COLUMNS = ("source_degc", "sink_degc", "capacity_kw", "cop")


class DatasheetFit:
    """Fitted datasheet model: ``cop(t_source, t_sink)`` and ``capacity_kw(t_source, t_sink)``.

    Attributes
    ----------
    eta_coef : ndarray
        Carnot-efficiency coefficients ``(a, b, c, d)`` of ``a + b Ts + c Tk + d Ts Tk``
        (unused terms are 0).
    capacity_coef : ndarray
        Capacity coefficients ``(q0, q1, q2)`` [kW, kW/K, kW/K].
    approach_evap_k, approach_cond_k : float
        Approaches used in the Carnot COP [K].
    form : str
        Fitted efficiency form: 'a+b*Ts+c*Tk+d*Ts*Tk', 'a+b*Ts+c*Tk', 'a+b*Ts' or 'a+c*Tk'.
    """

    def __init__(self, eta_coef, capacity_coef, approach_evap_k, approach_cond_k, form=""):
        self.form = str(form)
        self.eta_coef = np.asarray(eta_coef, dtype=float)
        self.capacity_coef = np.asarray(capacity_coef, dtype=float)
        self.approach_evap_k = float(approach_evap_k)
        self.approach_cond_k = float(approach_cond_k)

    def cop(self, t_source_degc, t_sink_degc):
        """Fitted COP [-]."""
        ts, tk = np.asarray(t_source_degc, dtype=float), np.asarray(t_sink_degc, dtype=float)
        a, b, c, d = self.eta_coef
        eta = a + b * ts + c * tk + d * ts * tk
        return eta * carnot_cop_with_approach(ts, tk, self.approach_evap_k, self.approach_cond_k)

    def capacity_kw(self, t_source_degc, t_sink_degc):
        """Fitted full-load capacity [kW]."""
        ts, tk = np.asarray(t_source_degc, dtype=float), np.asarray(t_sink_degc, dtype=float)
        return self.capacity_coef[0] + self.capacity_coef[1] * ts + self.capacity_coef[2] * tk


def _as_points(points) -> np.ndarray:
    """Points as an (n, 4) float array from a DataFrame (named columns) or a sequence of rows."""
    if hasattr(points, "columns"):
        missing = [c for c in _COLUMNS if c not in points.columns]
        if missing:
            raise InputError(f"fit_datasheet.points lacks columns {missing}; needs {list(_COLUMNS)}")
        points = points[list(_COLUMNS)].to_numpy(dtype=float)
    try:
        array = np.asarray(points, dtype=float)
    except (TypeError, ValueError):
        raise InputError("fit_datasheet.points must be rows of (source_degc, sink_degc, capacity_kw, cop)") from None
    if array.ndim != 2 or array.shape[1] != 4:
        raise InputError(f"fit_datasheet.points must have 4 columns {_COLUMNS}, got shape {array.shape}")
    return array


def check_point_values(pts: np.ndarray, owner: str) -> None:
    """Rows (source °C, sink °C, capacity kW, COP) a heat pump can have: at least two, finite, the sink above
    the source, capacity > 0, 1 < COP < Carnot COP (the second law)."""
    if pts.shape[0] < 2:
        raise InputError(f"{owner}: at least 2 points are needed, got {pts.shape[0]}")
    if not np.all(np.isfinite(pts)):
        raise InputError(f"{owner}: non-finite values in {pts.tolist()}")
    for j, (ts, tk, q, cop) in enumerate(pts):
        row = f"{owner}[{j}] (source {ts:g} °C, sink {tk:g} °C)"
        if tk <= ts:
            raise InputError(f"{row}: the sink temperature must exceed the source temperature")
        if q <= 0.0:
            raise InputError(f"{row}: capacity_kw = {q!r} must be > 0")
        if cop <= 1.0:
            raise InputError(f"{row}: COP = {cop!r} must be > 1 (a heat pump beats resistance heating)")
        if cop >= float(carnot_cop(ts, tk)):
            raise InputError(f"{row}: COP = {cop!r} is not below the Carnot COP {float(carnot_cop(ts, tk)):.3g}")


def _check_points(pts: np.ndarray) -> None:
    owner = "fit_datasheet.points"
    check_point_values(pts, owner)
    _, counts = np.unique(pts[:, :2], axis=0, return_counts=True)
    if np.any(counts > 1):
        raise InputError(f"{owner}: duplicate (source, sink) points; give each test point once")


def _lstsq(columns: list[np.ndarray], target: np.ndarray, what: str) -> np.ndarray:
    design = np.column_stack(columns)
    scale = np.maximum(np.abs(design).max(axis=0), 1e-12)
    if np.linalg.matrix_rank(design / scale) < design.shape[1]:
        raise InputError(f"fit_datasheet: the points cannot determine the {what} fit (ill-conditioned: the "
                         "points lie on a line in (source, sink)); add a point off that line")
    coef, *_ = np.linalg.lstsq(design / scale, target, rcond=None)
    return coef / scale


def _varies(values: np.ndarray) -> bool:
    return float(np.ptp(values)) > 1e-9


def _fit_eta(ts, tk, eta) -> tuple[np.ndarray, str]:
    """Carnot-efficiency coefficients ``(a, b, c, d)`` and the form's name (see the module docstring)."""
    ones = np.ones_like(ts)
    both = _varies(ts) and _varies(tk)
    if both and ts.size >= 6 and np.linalg.matrix_rank(np.column_stack([ones, ts, tk, ts * tk])) == 4:
        return _lstsq([ones, ts, tk, ts * tk], eta, "Carnot-efficiency"), "a+b*Ts+c*Tk+d*Ts*Tk"
    if both and ts.size >= 4:
        return np.append(_lstsq([ones, ts, tk], eta, "Carnot-efficiency"), 0.0), "a+b*Ts+c*Tk"
    if _varies(ts):
        a, b = _lstsq([ones, ts], eta, "Carnot-efficiency")
        return np.array([a, b, 0.0, 0.0]), "a+b*Ts"
    a, c = _lstsq([ones, tk], eta, "Carnot-efficiency")
    return np.array([a, 0.0, c, 0.0]), "a+c*Tk"


def fit_datasheet(points, *, source: Source | None = None, approach_evap_k: float | None = None,
                  approach_cond_k: float = 4.0) -> DatasheetFit:
    """Fit COP and capacity to datasheet points (see the module docstring for the forms).

    Parameters
    ----------
    points : DataFrame or sequence of rows
        Columns ``source_degc, sink_degc, capacity_kw, cop`` at full load; at least 2 points.
    source : Source, optional
        Source kind (default air): sets the default evaporator approach.
    approach_evap_k, approach_cond_k : float
        Approaches of the Carnot COP [K].

    Raises
    ------
    InputError
        fewer than 2 points, duplicates, COP <= 1 or above Carnot, capacity <= 0, sink not
        above source, or points that cannot determine the fit (collinear).
    """
    source = Source("air") if source is None else source
    approach_evap_k = source.evaporator_approach_k if approach_evap_k is None else approach_evap_k
    pts = _as_points(points)
    _check_points(pts)
    ts, tk, q, cop = pts.T
    ones = np.ones_like(ts)
    eta = cop / carnot_cop_with_approach(ts, tk, approach_evap_k, approach_cond_k)
    eta_coef, form = _fit_eta(ts, tk, eta)
    cap_cols = [ones] + [c for c in (ts, tk) if _varies(c)]
    cap = _lstsq(cap_cols, q, "capacity")
    cap_coef = np.zeros(3)
    cap_coef[0] = cap[0]
    slots = [i for i, c in ((1, ts), (2, tk)) if _varies(c)]
    cap_coef[slots] = cap[1:]
    return DatasheetFit(eta_coef, cap_coef, approach_evap_k, approach_cond_k, form)


def datasheet_map(points, source_degc, sink_degc, *, source: Source | None = None,
                  rated_capacity_kw: float | None = None, prated_kw: float | None = None,
                  approach_evap_k: float | None = None,
                  approach_cond_k: float = 4.0, max_sink_degc: float | None = None,
                  min_modulation_frac: float = 0.3, model: str = "", refrigerant: str = "",
                  includes_defrost: bool = True) -> PerformanceMap:
    """Performance map fitted to EN 14511 / EN 14825 datasheet points.

    Parameters
    ----------
    points : DataFrame or sequence of rows
        ``(source_degc, sink_degc, capacity_kw, cop)`` at full load (EN 14511), at least 2.
    source_degc, sink_degc : array_like
        Ascending grids [°C] of the map.
    source : Source, optional
        Source kind and limits (default air).
    rated_capacity_kw : float, optional
        Scale the capacity so that the EN 14511 rating point gives this [kW] (another
        size of the same series); default: the points' own capacity. This is the
        full-load capacity at A7/W35 (B0/W35, W10/W35), *not* the EN 14825 Prated.
    prated_kw : float, optional
        EN 14825 Prated [kW] (the design load at -10 °C, flow 35 °C): the capacity is
        scaled so that the map gives it at (-10 °C, 35 °C). Exclusive with
        ``rated_capacity_kw``; the map's ``rated_capacity_kw`` is then the A7/W35 value.
    includes_defrost : bool
        EN 14511 air-source points at 2 °C and below are integrated values with defrost
        (default True: do not apply :mod:`~mgwsim.heatpump.defrost` on top).
    approach_evap_k, approach_cond_k, max_sink_degc, min_modulation_frac, model, refrigerant
        As in :func:`fit_datasheet` and :class:`PerformanceMap`.

    Raises
    ------
    InputError
        as :func:`fit_datasheet`, and when the fit leaves physical bounds on the grid
        (COP <= 1, above Carnot, capacity <= 0): narrow the grid or add points.
    """
    owner = "datasheet_map"
    source = Source("air") if source is None else source
    src = _check_grid(source_degc, "source_degc", owner)
    snk = _check_grid(sink_degc, "sink_degc", owner)
    sink_above_source(src, snk, owner)
    check_fraction(min_modulation_frac, "min_modulation_frac", owner=owner)
    fit = fit_datasheet(points, source=source, approach_evap_k=approach_evap_k, approach_cond_k=approach_cond_k)
    cop = fit.cop(src[:, None], snk[None, :])
    cap = fit.capacity_kw(src[:, None], snk[None, :]) * np.ones_like(cop)
    _refuse_part_load(fit, owner)
    scale = _capacity_scale(fit, source, rated_capacity_kw, prated_kw, owner)
    cap = cap * scale
    rated_at = float(fit.capacity_kw(*source.rating_point_degc)) * scale
    _check_fit_on_grid(cop, cap, src, snk, owner)
    return PerformanceMap(source_degc=src, sink_degc=snk, cop=cop, capacity_kw=cap, source=source,
                          max_sink_degc=max_sink_degc, min_modulation_frac=min_modulation_frac,
                          rated_capacity_kw=rated_at, model=model or "datasheet fit",
                          refrigerant=refrigerant, method="datasheet", includes_defrost=includes_defrost)


def _refuse_part_load(fit: DatasheetFit, owner: str) -> None:
    """Full-load capacity rises with the source temperature; EN 14825 part-load capacities fall."""
    if fit.capacity_coef[1] < 0.0:
        raise InputError(
            f"{owner}: the capacities fall as the source warms ({fit.capacity_coef[1]:.3g} kW/K): these look like "
            "EN 14825 part-load points (Pdh = the climate's load at Tj), not full-load EN 14511 points; use "
            "mgwsim.heatpump.certificate.certificate_map with a 'load' column = 'part'")


def _capacity_scale(fit: DatasheetFit, source: Source, rated_capacity_kw, prated_kw, owner: str) -> float:
    """Factor on the fitted capacity for ``rated_capacity_kw`` (A7/W35) or ``prated_kw`` (-10 °C / 35 °C)."""
    if rated_capacity_kw is not None and prated_kw is not None:
        raise InputError(f"{owner}: give rated_capacity_kw (full load at the EN 14511 rating point) or prated_kw "
                         "(EN 14825 design load at -10 °C), not both")
    if rated_capacity_kw is not None:
        at, target = source.rating_point_degc, check_positive(rated_capacity_kw, "rated_capacity_kw", owner=owner,
                                                              unit="kW")
    elif prated_kw is not None:
        at, target = (-10.0, 35.0), check_positive(prated_kw, "prated_kw", owner=owner, unit="kW")
    else:
        return 1.0
    base = float(fit.capacity_kw(*at))
    if base <= 0.0:
        raise InputError(f"{owner}: the fitted capacity at {at} °C is {base:.3g} kW; cannot scale to {target:g} kW")
    return target / base


def _check_fit_on_grid(cop, cap, src, snk, owner):
    for name, arr, low in (("COP", cop, 1.0), ("capacity_kw", cap, 0.0)):
        bad = arr <= low
        if bad.any():
            i, k = np.argwhere(bad)[0]
            raise InputError(f"{owner}: the fit gives {name} = {arr[i, k]:.3g} (must be > {low:g}) at source "
                             f"{src[i]:g} °C, sink {snk[k]:g} °C; narrow the grid or add datasheet points there")
    check_carnot(cop, src, snk, owner)


# -- hplib -------------------------------------------------------------------------------------
_HPLIB_SOURCE = {1: "air", 2: "brine", 3: "water", 4: "air", 5: "brine", 6: "water"}
_HPLIB_FLOOR_FRAC = 0.25  # hplib.simulate: P_el >= 0.25 P_el_ref f(T_in = -7 °C, T_out, T_amb = -7 °C)
_HPLIB_FLOOR_DEGC = -7.0


def hplib_database():
    """hplib's parameter table (``hplib.load_database()``): one row per model, indexed 0..n-1."""
    import hplib.hplib as hpl  # lazy: reads a CSV of ~500 rows

    return hpl.load_database()


def _hplib_row(model, group_id: int | None):
    """One parameter row, by model name, by row index of :func:`hplib_database` or as a row itself."""
    if hasattr(model, "index") and hasattr(model, "name") and not isinstance(model, str):
        row = model  # a pandas Series: a row the caller already holds
    else:
        db = hplib_database()
        if isinstance(model, (int, np.integer)) and not isinstance(model, bool):
            if not 0 <= int(model) < len(db):
                raise InputError(f"hplib_map.model = {model!r}: row index must be in 0..{len(db) - 1}")
            row = db.iloc[int(model)]
        elif model == "Generic":
            if group_id not in _HPLIB_SOURCE:
                raise InputError(f"hplib_map.group_id = {group_id!r} must be one of 1..6 for model 'Generic'")
            row = db[(db["Model"] == "Generic") & (db["Group"] == float(group_id))].iloc[0]
        else:
            rows = db[db["Model"] == model]
            if rows.empty:
                raise InputError(f"hplib_map.model = {model!r} is not in the hplib database")
            row = rows.iloc[0]
    if not np.isfinite(row[["p1_COP [-]", "p3_COP [-]", "p3_P_el_h [-]"]].to_numpy(dtype=float)).all():
        raise InputError(f"hplib_map: hplib has no heating parameters for {row['Model']!r} (group {row['Group']})")
    if float(row["Group"]) not in _HPLIB_SOURCE:
        raise InputError(f"hplib_map: row {row['Model']!r} has group {row['Group']!r}; hplib groups are 1..6")
    return row


def hplib_map(model, source_degc, sink_degc, *, rated_capacity_kw: float | None = None,
              group_id: int | None = None, max_sink_degc: float | None = None,
              min_modulation_frac: float | None = None, source: Source | None = None,
              design_source_degc: float = -10.0) -> PerformanceMap:
    """Performance map from the hplib database (Keymark-based parameters; see module docstring).

    hplib's own equations are evaluated *with* its power floor and COP clamp
    (``hplib.simulate``, hplib 1.9): ``P_el >= 0.25 P_el,ref f(T_in = -7 °C, T_out)`` for
    regulated units, and where ``COP <= 1`` hplib switches the compressor off and runs a
    heating rod. Here the unit is *not available* in the (source, sink) region where hplib
    would not run the compressor (COP <= 1 or P_th <= 0), or where its linear fit,
    extrapolated, exceeds the Carnot COP (second law). That region is not a rectangle; the
    map's availability (``source.min_degc`` and ``max_sink_degc``, a rectangle of grid
    cells) is chosen inside it: down to ``design_source_degc`` (default -10 °C, the EN 14825
    average-climate design temperature) with the highest sink at which hplib runs there;
    when hplib does not run at the design temperature even at the lowest sink, down to the
    coldest source at which it runs. Cells outside carry the values of the nearest
    available cell; they are never returned (capacity 0, COP NaN, see
    :class:`PerformanceMap`). Read the result's ``source.min_degc`` and ``max_sink_degc``.

    Parameters
    ----------
    model : str, int or pandas.Series
        Model name as in ``hplib.load_database()['Model']``, 'Generic' with ``group_id``, a
        row index of :func:`hplib_database` or one of its rows.
    source_degc, sink_degc : array_like
        Ascending grids [°C]: hplib's ``T_in`` (primary inlet) and ``T_out`` (secondary outlet).
    rated_capacity_kw : float, optional
        Scale capacities so the EN 14511 rating point (A7/W35, B0/W35, W10/W35) gives this
        [kW]; default: the database's own size.
    group_id : int, optional
        hplib group for 'Generic': 1/2/3 regulated air/brine/water, 4/5/6 on-off.
    min_modulation_frac : float, optional
        Default 0.25 for regulated groups (hplib's own lower limit, ``P_el >= 0.25 P_el,ref``),
        1.0 for on-off groups.
    source : Source, optional
        Operating limits of the source (its kind must be hplib's); default: the kind's
        limits of :class:`Source`, narrowed to where hplib runs the compressor.
    design_source_degc : float
        Coldest source temperature the availability rectangle should keep [°C].
    """
    row = _hplib_row(model, group_id)
    name = str(row["Model"])
    owner = f"hplib_map({name})"
    group = int(row["Group"])
    kind = _HPLIB_SOURCE[group]
    if source is not None and source.kind != kind:
        raise InputError(f"{owner}.source.kind = {source.kind!r}; hplib group {group} is a {kind!r} source")
    source = Source(kind) if source is None else source
    src = _check_grid(source_degc, "source_degc", owner)
    snk = _check_grid(sink_degc, "sink_degc", owner)
    sink_above_source(src, snk, owner)
    if not np.isfinite(float(row["P_el_h_ref [W]"])) and rated_capacity_kw is None:
        raise InputError(f"{owner}: hplib model {name!r} has no reference size; give rated_capacity_kw")
    cop, cap = _hplib_eval(row, group, src[:, None], snk[None, :])
    runs = (cop > 1.0) & (cap > 0.0) & (cop < carnot_cop(src[:, None], snk[None, :]))
    lowest, top = _available_rectangle(runs, src, snk, owner, source.min_degc,
                                       check_number(design_source_degc, "design_source_degc", owner=owner, unit="°C"))
    check_carnot(cop[lowest:, : top + 1], src[lowest:], snk[: top + 1], owner)
    cop, cap = _fill_outside(cop, lowest, top), _fill_outside(cap, lowest, top)
    if rated_capacity_kw is not None:
        rated_cop, rated_at = _hplib_eval(row, group, *source.rating_point_degc)
        if not (rated_cop > 1.0 and rated_at > 0.0):
            raise InputError(f"{owner}: hplib's fit does not run at the rating point {source.rating_point_degc}")
        cap = cap * check_positive(rated_capacity_kw, "rated_capacity_kw", owner=owner, unit="kW") / float(rated_at)
    limits = Source(kind, min_degc=max(source.min_degc, src[lowest]), max_degc=source.max_degc)
    max_sink = float(snk[top]) if max_sink_degc is None else min(float(max_sink_degc), float(snk[top]))
    modulation = (_HPLIB_FLOOR_FRAC if group <= 3 else 1.0) if min_modulation_frac is None else min_modulation_frac
    return PerformanceMap(source_degc=src, sink_degc=snk, cop=cop, capacity_kw=cap, source=limits,
                          max_sink_degc=max_sink, min_modulation_frac=modulation,
                          rated_capacity_kw=rated_capacity_kw, model=f"hplib: {name}",
                          refrigerant=str(row["Refrigerant"]), method="hplib", includes_defrost=True)


def _available_rectangle(runs: np.ndarray, src, snk, owner: str, min_source_degc: float,
                         design_source_degc: float) -> tuple[int, int]:
    """``(lowest source index, highest sink index)`` of the available rectangle (see :func:`hplib_map`).

    Rows below the source's own lower limit are unavailable anyway and are not required to
    run (except the grid node at or below the limit, which interpolation uses). Among the
    all-running rectangles that contain the warmest row, the one reaching down to
    ``design_source_degc`` with the highest sink; if none reaches it, the one reaching the
    coldest source (then the highest sink).
    """
    first = max(int(np.searchsorted(src, min_source_degc, side="right")) - 1, 0)
    candidates = []
    for top in range(1, runs.shape[1]):  # at least two sink columns: a usable grid cell
        rows_ok = runs[first:, : top + 1].all(axis=1)
        if not rows_ok[-1]:
            break
        lowest = first + (0 if rows_ok.all() else rows_ok.size - int(np.argmin(rows_ok[::-1])))
        if lowest < src.size - 1:  # at least two source rows
            candidates.append((lowest, top))
    if not candidates:
        raise InputError(f"{owner}: hplib's fit gives COP <= 1, capacity <= 0 (hplib would run its heating rod) "
                         f"or a COP above Carnot on this grid up to source {src[-1]:g} °C, sink "
                         f"{snk[min(1, snk.size - 1)]:g} °C; choose a lower sink grid")
    reach = [c for c in candidates if src[c[0]] <= max(design_source_degc, src[first])]
    if reach:
        return max(reach, key=lambda c: c[1])
    return min(candidates, key=lambda c: (src[c[0]], -c[1]))


def _fill_outside(values: np.ndarray, lowest: int, top: int) -> np.ndarray:
    """Copy of ``values`` whose cells outside the rectangle take the nearest cell inside (never returned)."""
    rows = np.maximum(np.arange(values.shape[0]), lowest)
    cols = np.minimum(np.arange(values.shape[1]), top)
    return values[np.ix_(rows, cols)]


def _hplib_eval(row, group: int, t_in, t_out):
    """hplib heating equations with its power floor: COP [-] and P_th [kW].

    hplib 1.9 ``simulate`` (Schwamberger form): ``COP = p1 T_in + p2 T_out + p3 + p4 T_amb``,
    ``P_el = P_el,ref (p1' T_in + p2' T_out + p3' + p4' T_amb)`` [W], for regulated groups
    (1-3) floored at ``0.25 P_el,ref (p1' T_f + p2' T_out + p3' + p4' T_f)`` with
    ``T_f = -7 °C`` for air (group 1; brine/water: ``T_in`` kept, ``T_amb = -7 °C``),
    ``P_th = P_el COP``. ``T_amb = T_in`` for air, -7 °C otherwise (hplib's reference).
    """
    t_in, t_out = np.asarray(t_in, dtype=float), np.asarray(t_out, dtype=float)
    t_amb = t_in if group in (1, 4) else np.full_like(t_in, _HPLIB_FLOOR_DEGC)
    p = {name: float(row[name]) for name in row.index if name.startswith("p") and "[" in name}
    cop = p["p1_COP [-]"] * t_in + p["p2_COP [-]"] * t_out + p["p3_COP [-]"] + p["p4_COP [-]"] * t_amb
    p_el_ref_w = float(row["P_el_h_ref [W]"])
    p_el_ref_w = p_el_ref_w if np.isfinite(p_el_ref_w) else 1000.0  # 'Generic': size set by the caller

    def p_el(t_primary, t_ambient):
        return p_el_ref_w * (p["p1_P_el_h [1/°C]"] * t_primary + p["p2_P_el_h [1/°C]"] * t_out
                             + p["p3_P_el_h [-]"] + p["p4_P_el_h [1/°C]"] * t_ambient)

    p_el_w = p_el(t_in, t_amb)
    if group <= 3:
        floor_in = np.full_like(t_in, _HPLIB_FLOOR_DEGC) if group == 1 else t_in
        p_el_w = np.maximum(p_el_w, _HPLIB_FLOOR_FRAC * p_el(floor_in, np.full_like(t_in, _HPLIB_FLOOR_DEGC)))
    return cop, p_el_w * cop / 1000.0
