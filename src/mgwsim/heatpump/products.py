"""Named products for a study: a certified product, certificate points from a file, an hplib model.

What the configuration's ``[variants.plant.heat_pumps]`` table names (``certificate``,
``certificate_points``, ``hplib_model``) becomes a :class:`~mgwsim.heatpump.PerformanceMap` here,
with the refrigerant of the declaration (for the EU F-gas and EN 378-1 checks).

Sizing words (EN 14825:2022 / EN 14511-2:2018; see :mod:`mgwsim.heatpump.certificate`):

* ``prated_kw`` -- *Prated* of an EN 14825 declaration, the design heating load the unit is declared
  for at Tdesignh = -10 °C (average climate), flow 35 °C;
* ``rated_kw`` -- the full-load capacity at the EN 14511 rating point (A7/W35, B0/W35, W10/W35),
  typically ~1.3 x Prated for an air unit.

Certified product (:func:`certified_product_map`): the part-load points of the product's
declaration(s) shipped in ``mgwsim/data/heatpump/keymark_points.csv`` are fitted by
:func:`~mgwsim.heatpump.certificate.fit_certificate` on the declared range (source -20..20 °C,
sink 22 °C to the highest declared flow temperature) and the fit is evaluated on the map's grid
(sink up to ``max_supply_degc``; above the declared range the map is an extrapolation of the
fitted Carnot efficiency, checked against COP > 1 and the Carnot COP; sources above 20 °C hold the
COP at 20 °C, no gain is claimed beyond the fitted range).

Capacity: the unit's full-load capacity from the declaration's full-load points
(:func:`full_load_points`): the EN 14511 rating points (A7/W35, A7/W55) and the EN 14825 points at
the bivalent temperature Tbiv and the operation limit TOL; per application a least-squares line in
the source temperature, linear in the sink between the applications (:func:`_capacity_function`).
EN 14825:2022 (3.1) defines Tbiv as the lowest outdoor temperature at which the unit is declared to
meet the whole part load, so its Pdh is the full capacity there; at TOL the unit runs
at its full capacity unless it covers the load, so Pdh(TOL) is the capacity or a lower bound of it
(conservative). Prated is the design *load* at -10 °C, not the unit's capacity: a unit with
Prated 29.2 kW may declare 20.4 kW at TOL = -10 °C, the rest being the backup heater's share
(elbu). ``prated_kw`` for another size of the series scales the capacity by the ratio of the
Prated values. Minimum modulation: the lowest declared part-load capacity over the map's capacity
at the same point (the unit is declared down to it).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np

from mgwsim.errors import InputError, check_positive
from mgwsim.heatpump.certificate import (fit_certificate, keymark_points, keymark_products,
                                         read_certificate_points)
from mgwsim.heatpump.maps import PerformanceMap, Source, carnot_cop

__all__ = ["ProductMap", "certified_product_map", "full_load_points", "certificate_points_map", "close_product_names",
           "canonical_refrigerant", "APPLICATIONS_DEGC", "CERTIFICATE_SOURCE_DEGC", "CERTIFICATE_MIN_SINK_DEGC"]

APPLICATIONS_DEGC = (35, 55)
"""EN 14825 applications [°C]: low (35 °C) and medium (55 °C) temperature."""
CERTIFICATE_SOURCE_DEGC = np.arange(-20.0, 36.0)
"""Source grid of certificate maps [°C]: the air source's limits -20..35 °C (EN 14825 declares -10..12 °C).
The fit is evaluated up to :data:`FIT_TOP_SOURCE_DEGC`; warmer rows hold its COP (no gain claimed there)."""
FIT_TOP_SOURCE_DEGC = 20.0
"""Warmest source of the fit's grid [°C]: below the coolest sink (22 °C), as the fit's lift needs."""
CERTIFICATE_MIN_SINK_DEGC = 22.0
"""Lowest sink of certificate maps [°C]: below EN 14825's coolest flow (24 °C at point D)."""


@dataclass(frozen=True)
class ProductMap:
    """A named product's map and what the study says about it.

    ``prated_kw`` [kW]: the declaration's Prated (None for hplib models); ``cop_uncertainty_frac``
    [-]: leave-one-out RMS relative COP error of the certificate fit (NaN when not fitted here).
    """

    performance: PerformanceMap
    refrigerant: str
    prated_kw: float | None = None
    cop_uncertainty_frac: float = float("nan")


def canonical_refrigerant(name: str, owner: str) -> str:
    """'R410a' -> 'R410A' (the spelling of ``mgwsim/data/refrigerants/refrigerants.csv``); unknown raises."""
    from mgwsim.assess.fgas import _canonical, load_refrigerants

    key = _canonical(name)
    known = load_refrigerants().index
    if key not in known:
        raise InputError(f"{owner} = {name!r} is not a known refrigerant; allowed: {', '.join(known)}")
    return key


def close_product_names(name: str, names: list[str], n: int = 5) -> list[str]:
    """Up to ``n`` of ``names`` closest to ``name`` (difflib ratio >= 0.4, case-insensitive; else substrings)."""
    lowered = {candidate.lower(): candidate for candidate in names}
    close = difflib.get_close_matches(name.lower(), list(lowered), n=n, cutoff=0.4)
    if not close:
        close = [key for key in lowered if any(word in key for word in name.lower().split() if len(word) > 2)][:n]
    return [lowered[key] for key in close]


def _sink_grid(top_degc: float) -> np.ndarray:
    return np.linspace(CERTIFICATE_MIN_SINK_DEGC, top_degc, int(round(top_degc - CERTIFICATE_MIN_SINK_DEGC)) + 1)


def _check_extrapolation(cop, capacity, src, snk, owner: str) -> None:
    """COP > 1, below Carnot, rising with the source and falling with the sink; capacity > 0, on the whole grid."""
    bad = ~((cop > 1.0) & (cop < carnot_cop(src[:, None], snk[None, :])) & (capacity > 0.0))
    if bad.any():
        i, k = np.argwhere(bad)[0]
        raise InputError(f"{owner}: the fit gives COP {cop[i, k]:.3g}, capacity {capacity[i, k]:.3g} kW at source "
                         f"{src[i]:g} °C, sink {snk[k]:g} °C (allowed: 1 < COP < Carnot, capacity > 0); lower "
                         "max_supply_degc towards the highest declared flow temperature")
    if np.any(np.diff(cop, axis=0) < 0.0) or np.any(np.diff(cop, axis=1) > 0.0):
        raise InputError(f"{owner}: the fit's COP does not rise with the source and fall with the sink up to "
                         f"{snk[-1]:g} °C; lower max_supply_degc")


def full_load_points(rows):
    """The full-load capacity points of a declaration's rows (:func:`keymark_points` with ``load=None``):
    the EN 14511 rating points and the EN 14825 points Tbiv and TOL (module docstring), with their
    application [°C]."""
    chosen = rows[(rows["load"] == "full") | rows["point"].isin(("Tbiv", "TOL"))]
    return chosen[["application_degc", "source_degc", "capacity_kw"]].reset_index(drop=True)


def _application_line(points, application_degc: float) -> tuple[float, float]:
    """(slope [kW/K], capacity at 0 °C [kW]) of one application's full-load points by least squares; one point or a
    falling fit: flat at their mean (the capacity of a heat pump rises with its source temperature)."""
    chosen = points[points["application_degc"] == application_degc]
    ts, q = chosen["source_degc"].to_numpy(dtype=float), chosen["capacity_kw"].to_numpy(dtype=float)
    if np.ptp(ts) > 0.0:
        slope, intercept = np.polyfit(ts, q, 1)
        if slope >= 0.0:
            return float(slope), float(intercept)
    return 0.0, float(q.mean())


def _capacity_function(capacity_points, scale: float):
    """Full-load capacity [kW] at (source, sink) [°C], times ``scale``: on each EN 14825 application's flow
    temperature a straight line in the source temperature through its full-load points, linear in the sink
    between the applications, held at the lowest application's line below it and extended along the last
    two applications' difference above the highest (the map's checks refuse where that reaches 0 kW)."""
    applications = np.unique(capacity_points["application_degc"].to_numpy(dtype=float))
    lines = np.array([_application_line(capacity_points, a) for a in applications]) * scale

    def capacity_kw(ts, tk):
        ts, tk = np.asarray(ts, dtype=float), np.asarray(tk, dtype=float)
        on_line = [slope * ts + intercept for slope, intercept in lines]
        if len(applications) == 1:
            return on_line[0] * np.ones_like(tk)
        k = np.clip(np.searchsorted(applications, tk) - 1, 0, len(applications) - 2)
        low, high = np.choose(k, on_line[:-1]), np.choose(k, on_line[1:])
        weight = (np.maximum(tk, applications[0]) - applications[k]) / (applications[k + 1] - applications[k])
        return low + (high - low) * weight

    return capacity_kw


def _fitted_map(points, *, owner: str, prated_kw, rated_kw, max_supply_degc, min_modulation_frac, model: str,
                refrigerant: str, capacity_points=None, capacity_scale: float = 1.0) -> tuple[PerformanceMap, float]:
    """Fit on the declared range, evaluate on the map's grid (module docstring); (map, LOO uncertainty).

    ``capacity_points`` (full-load points, :func:`full_load_points`) set the capacity, times
    ``capacity_scale``; without them the capacity is the certificate fit's (flat at ``prated_kw``).
    """
    frame = _read_points(points)
    declared_top = float(np.ceil(frame["sink_degc"].max()))
    top = declared_top if max_supply_degc is None else float(max_supply_degc)
    src = CERTIFICATE_SOURCE_DEGC
    fitted = np.minimum(src, FIT_TOP_SOURCE_DEGC)
    fit = fit_certificate(frame, np.unique(fitted), _sink_grid(max(declared_top, 36.0)), prated_kw=prated_kw,
                          rated_capacity_kw=rated_kw)
    snk = _sink_grid(max(top, 36.0))
    capacity_kw = fit.capacity_kw if capacity_points is None else _capacity_function(capacity_points, capacity_scale)
    cop = fit.cop(fitted[:, None], snk[None, :])
    capacity = capacity_kw(fitted[:, None], snk[None, :]) * np.ones_like(cop)
    _check_extrapolation(cop, capacity, src, snk, owner)
    if min_modulation_frac is None:
        part = frame[frame["load"] == "part"]
        if part.empty:
            raise InputError(f"{owner}: no part-load points to read the minimum modulation from; give "
                             "min_modulation_frac")
        ratio = part["capacity_kw"].to_numpy() / capacity_kw(part["source_degc"].to_numpy(),
                                                            part["sink_degc"].to_numpy())
        min_modulation_frac = float(np.min(ratio))
        if not 0.0 < min_modulation_frac <= 1.0:
            raise InputError(f"{owner}: the lowest declared capacity is {min_modulation_frac:.3g} x the fitted "
                             "capacity (allowed: 0..1); give min_modulation_frac")
    source = Source("air")
    pmap = PerformanceMap(source_degc=src, sink_degc=snk, cop=cop, capacity_kw=capacity, source=source,
                          max_sink_degc=top, min_modulation_frac=min_modulation_frac,
                          rated_capacity_kw=float(capacity_kw(*source.rating_point_degc)),
                          model=f"{model} (EN 14825 fit, COP ±{fit.cop_uncertainty_frac:.0%} leave-one-out)",
                          refrigerant=refrigerant, method="datasheet", includes_defrost=True)
    return pmap, float(fit.cop_uncertainty_frac)


def _read_points(points):
    """Points as :func:`~mgwsim.heatpump.certificate.read_certificate_points` gives them (path or table)."""
    from mgwsim.heatpump.certificate import _points_frame

    return _points_frame(points)


def certified_product_map(product: str, *, application_degc: int | None = None, prated_kw: float | None = None,
                          max_supply_degc: float | None = None, min_modulation_frac: float | None = None,
                          owner: str = "certificate") -> ProductMap:
    """Map of a certified product shipped in ``keymark_points.csv`` (module docstring).

    Parameters
    ----------
    product : str
        One of :func:`~mgwsim.heatpump.certificate.keymark_products`; another name raises with the closest ones.
    application_degc : {35, 55} or None
        Fit one EN 14825 application's part-load points; None (default): both, so that the fit spans the
        flow temperatures 24-55 °C a study on radiators needs (the sink slope comes from the points, not
        from the market prior).
    prated_kw : float, optional
        Prated [kW] of another size of the series; default: the declaration's (35 °C application).
    max_supply_degc : float, optional
        Highest supply temperature [°C]; default: the highest declared flow temperature.
    min_modulation_frac : float, optional
        Default: the lowest declared part-load capacity over Prated.
    """
    names = keymark_products()
    if product not in names:
        close = close_product_names(product, names)
        hint = f"close matches: {close}" if close else f"shipped products: {names}"
        raise InputError(f"{owner} = {product!r} is not a shipped certified product; {hint} "
                         "(or give certificate_points = \"file.csv\" with the declaration's points)")
    if application_degc is not None and application_degc not in APPLICATIONS_DEGC:
        raise InputError(f"{owner}: application_degc = {application_degc!r}; allowed: 35, 55 (absent: both)")
    points = keymark_points(product, application_degc, "part")
    declared = keymark_points(product, application_degc or 35, "part")
    declared_prated = float(declared["prated_kw"].iloc[0])
    prated = declared_prated if prated_kw is None else check_positive(prated_kw, "prated_kw", owner=owner, unit="kW")
    refrigerant = canonical_refrigerant(str(points["refrigerant"].iloc[0]), f"{owner}.refrigerant")
    pmap, uncertainty = _fitted_map(points, owner=owner, prated_kw=prated, rated_kw=None,
                                    max_supply_degc=max_supply_degc, min_modulation_frac=min_modulation_frac,
                                    model=product if prated_kw is None else f"{product} scaled to Prated {prated:g} kW",
                                    refrigerant=refrigerant, capacity_points=full_load_points(
                                        keymark_points(product, None, None)), capacity_scale=prated / declared_prated)
    return ProductMap(pmap, refrigerant, prated, uncertainty)


def certificate_points_map(path, *, refrigerant: str, prated_kw: float | None = None, rated_kw: float | None = None,
                           max_supply_degc: float | None = None, min_modulation_frac: float | None = None,
                           owner: str = "certificate_points") -> ProductMap:
    """Map of a product from its declared points in a CSV/TOML file (:func:`read_certificate_points`).

    ``prated_kw`` (EN 14825 Prated) or ``rated_kw`` (EN 14511 A7/W35 full load), not both; neither: the
    points' own size (part-load points only: Prated = Pdh/PLR at the point nearest 2 °C).
    """
    frame = read_certificate_points(path)
    pmap, uncertainty = _fitted_map(frame, owner=owner, prated_kw=prated_kw, rated_kw=rated_kw,
                                    max_supply_degc=max_supply_degc, min_modulation_frac=min_modulation_frac,
                                    model=f"certificate points {getattr(path, 'name', path)}", refrigerant=refrigerant)
    prated = prated_kw if prated_kw is not None else float(pmap.capacity_at(-10.0, 35.0))
    return ProductMap(pmap, refrigerant, prated, uncertainty)
