"""Existing radiators: the supply temperature a building needs, hour by hour.

Heat output of a radiator follows EN 442-1:2014 (eq. for the characteristic equation)

    Φ = Φ_d · (ΔT_lm / ΔT_lm,d)^n,   ΔT_lm = (θ_s − θ_r) / ln((θ_s − θ_i) / (θ_r − θ_i))

with the exponent n ≈ 1.3 for panel radiators. With the design flow kept constant, the
supply–return difference scales with the load (θ_s − θ_r = Δθ_d · Φ/Φ_d). The supply
temperature needed for an hour's load follows by solving these two equations; a building
whose load falls after renovation needs a lower supply temperature with the same radiators.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from mgwsim._numba import njit
from mgwsim.errors import InputError, check_number, check_positive, check_series


@njit
def _supply_return(load_frac, dt_lm_design, dt_design, room_degc, exponent, out):
    """Supply and return [°C] for relative loads ``load_frac``, in closed form.

    With x = θ_r − θ_i and s = θ_s − θ_r, ΔT_lm = s / ln((x + s)/x) (EN 442-2) inverts to
    x = s / (exp(s/ΔT_lm) − 1); ``expm1`` keeps it exact for small s/ΔT_lm. Here
    ΔT_lm = ΔT_lm,d · φ^(1/n) and s = Δθ_d · φ (constant design flow).
    """
    for i in range(load_frac.size):
        phi = load_frac[i]
        if phi <= 0.0:
            out[i, 0] = room_degc
            out[i, 1] = room_degc
            continue
        dt_lm = dt_lm_design * phi ** (1.0 / exponent)
        spread = dt_design * phi
        x = spread / math.expm1(spread / dt_lm) if spread > 0.0 else dt_lm
        out[i, 0] = room_degc + x + spread
        out[i, 1] = room_degc + x
    return out


def log_mean_temperature_difference(supply_degc, return_degc, room_degc):
    """ΔT_lm = (θ_s − θ_r) / ln((θ_s − θ_i)/(θ_r − θ_i)) [K] (EN 442-2:2014, 3.x); arithmetic limit for θ_s = θ_r."""
    ds = np.asarray(supply_degc, dtype=float) - room_degc
    dr = np.asarray(return_degc, dtype=float) - room_degc
    if np.any(dr <= 0) or np.any(ds < dr):
        raise InputError("log_mean_temperature_difference needs supply >= return > room temperature")
    with np.errstate(divide="ignore", invalid="ignore"):
        lmtd = np.where(np.isclose(ds, dr), 0.5 * (ds + dr), (ds - dr) / np.log(ds / dr))
    return lmtd


@dataclass(frozen=True)
class Radiators:
    """The building's existing radiators, described by their design regime.

    Parameters
    ----------
    design_supply_degc, design_return_degc : float
        Design regime, e.g. 90/70, 75/65 or 70/50 °C, at the design outdoor temperature.
    design_output_kw : float
        Installed heat output at the design regime [kW]: the design heat load the radiators
        were sized for, times any oversizing.
    room_degc : float
        Design room temperature [°C].
    exponent : float
        Radiator exponent n [-] (EN 442-2; 1.2–1.4, panel radiators ≈ 1.3).
    """

    design_supply_degc: float
    design_return_degc: float
    design_output_kw: float
    room_degc: float = 20.0
    exponent: float = 1.3

    def __post_init__(self):
        owner = "Radiators"
        check_number(self.room_degc, "room_degc", owner=owner, low=10.0, high=26.0, unit="degC")
        check_number(self.design_return_degc, "design_return_degc", owner=owner, low=self.room_degc + 1.0, high=95.0,
                     unit="degC")
        check_number(self.design_supply_degc, "design_supply_degc", owner=owner, low=self.design_return_degc,
                     high=110.0, unit="degC")
        check_positive(self.design_output_kw, "design_output_kw", owner=owner, unit="kW")
        check_number(self.exponent, "exponent", owner=owner, low=1.0, high=2.0)

    @property
    def design_lmtd_k(self) -> float:
        return _regime_lmtd_k(self.design_supply_degc, self.design_return_degc, self.room_degc)

    def temperatures(self, heat_kw) -> np.ndarray:
        """Supply and return temperature [°C] needed to emit ``heat_kw`` [kW] (array → (n, 2)).

        Loads above the design output need more than the design regime (the radiator
        equation extrapolated); compare with a heat pump's maximum supply temperature.
        """
        heat = check_series(np.atleast_1d(heat_kw), "heat_kw", owner="Radiators.temperatures", low=0.0)
        out = np.empty((heat.size, 2))
        spread = self.design_supply_degc - self.design_return_degc
        return _supply_return(heat / self.design_output_kw, self.design_lmtd_k, spread, self.room_degc, self.exponent, out)

    def supply_temperature_degc(self, heat_kw) -> np.ndarray:
        """Supply temperature [°C] needed for each hour's heat output [kW]."""
        return self.temperatures(heat_kw)[:, 0]

    def heating_curve(self, outdoor_degc, design_load_kw: float, design_outdoor_degc: float) -> np.ndarray:
        """Weather-compensated supply temperature [°C] against outdoor temperature.

        Steady-state load Φ(θ_e) = Φ_HL · (θ_i − θ_e)/(θ_i − θ_e,d) (no gains), 0 above θ_i,
        fed to :meth:`supply_temperature_degc`.
        """
        check_positive(design_load_kw, "design_load_kw", owner="Radiators.heating_curve", unit="kW")
        outdoor = np.atleast_1d(np.asarray(outdoor_degc, dtype=float))
        span = self.room_degc - design_outdoor_degc
        if span <= 0:
            raise InputError(f"Radiators.heating_curve: design_outdoor_degc = {design_outdoor_degc} must be below "
                             f"room_degc = {self.room_degc}")
        load = design_load_kw * np.maximum(self.room_degc - outdoor, 0.0) / span
        return self.supply_temperature_degc(load)


def radiators_for(design_load_kw: float, regime: tuple[float, float] = (75.0, 65.0), *, oversizing: float = 1.0,
                  room_degc: float = 20.0, exponent: float = 1.3) -> Radiators:
    """Radiators sized for ``design_load_kw`` at ``regime`` (supply, return), times ``oversizing``."""
    check_number(oversizing, "oversizing", owner="radiators_for", low=0.5, high=3.0)
    return Radiators(regime[0], regime[1], design_load_kw * oversizing, room_degc=room_degc, exponent=exponent)


EN442_STANDARD_REGIME = (75.0, 65.0, 20.0)
"""Standard rating conditions of EN 442-2:2014 (supply, return, room [°C]): catalogue ("nominal") outputs."""


@lru_cache(maxsize=64)
def _regime_lmtd_k(supply_degc: float, return_degc: float, room_degc: float) -> float:
    """:func:`log_mean_temperature_difference` of one design regime [K], kept: a stock's radiators share a few
    regimes, and the numpy call costs more than the radiator equation a batch row needs it for."""
    return float(log_mean_temperature_difference(supply_degc, return_degc, room_degc))


def nominal_output_kw(output_kw: float, radiators: Radiators, exponent: float | None = None) -> float:
    """Output [kW] at the EN 442 standard regime 75/65/20 of radiators giving ``output_kw`` at ``radiators``'s
    design regime: Φ_75/65/20 = Φ · (ΔT_lm,75/65/20 / ΔT_lm,d)^n (EN 442-2 characteristic equation)."""
    n = radiators.exponent if exponent is None else exponent
    standard = _regime_lmtd_k(*EN442_STANDARD_REGIME)
    return output_kw * (standard / radiators.design_lmtd_k) ** n


@dataclass(frozen=True)
class EmitterUpgrade:
    """Replacing part of the existing radiators by larger ones, and/or balancing the system hydraulically.

    The one-zone model (5R1C) sees the building's radiators as one set (:class:`Radiators`):
    a share ``share`` of the existing design output Φ_d is replaced, spread over the rooms
    in proportion to their radiators (every room's output rises alike), by radiators that give
    ``output_factor`` times the replaced output at the existing design regime. The upgraded set
    gives Φ_d' = Φ_d · (1 − s + s·f) at that regime (EN 442-2: outputs of radiators in parallel
    at one supply temperature add), so the supply temperature a load needs falls by the
    radiator equation (:meth:`Radiators.supply_temperature_degc`). Low-temperature or
    fan-assisted radiators have their own exponent n (≈ 1.0–1.1 for fan convectors against
    1.3 for panels): ``exponent`` applies when the whole set is replaced (``share = 1``),
    since one set has one exponent in this model.

    Hydraulic balancing (``balancing``) sets each radiator's design flow (EN 14336:2004,
    commissioning of water-based heating systems). The radiator model already gives every
    radiator its design flow, so balancing is costed here (per apartment) but does not change
    the computed supply temperature: it is what makes the computed temperature reachable in
    practice (an unbalanced system needs a higher supply to feed its worst-served radiator).

    Parameters
    ----------
    share : float
        Share of the existing design output replaced [-], 0–1.
    output_factor : float
        Output of the new radiators at the existing design regime, per kW of the output they
        replace [-], ≥ 1 (1: like for like; 2: twice the output, e.g. type 22 for type 11).
    exponent : float, optional
        Radiator exponent n of the new radiators [-] (EN 442-2, 1.0–2.0); only with ``share = 1``.
    balancing : bool
        Hydraulic balancing of the whole system (costed per apartment).
    name : str
        Label in the investments.
    """

    share: float = 1.0
    output_factor: float = 1.0
    exponent: float | None = None
    balancing: bool = False
    name: str = "emitter upgrade"

    def __post_init__(self):
        owner = "EmitterUpgrade"
        check_number(self.share, "share", owner=owner, low=0.0, high=1.0)
        check_number(self.output_factor, "output_factor", owner=owner, low=1.0, high=10.0)
        if self.exponent is not None:
            check_number(self.exponent, "exponent", owner=owner, low=1.0, high=2.0)
            if self.share != 1.0:
                raise InputError(f"{owner}.exponent = {self.exponent:g} needs share = 1 (all radiators replaced), got "
                                 f"share = {self.share:g}: one radiator set has one exponent in this model")
        if not isinstance(self.balancing, bool):
            raise InputError(f"{owner}.balancing must be true or false, got {self.balancing!r}")
        if not self.replaces_radiators and not self.balancing:
            raise InputError(f"{owner} does nothing: give share > 0 with output_factor > 1 or a new exponent, "
                             "or balancing = True")

    @property
    def replaces_radiators(self) -> bool:
        return self.share > 0.0 and (self.output_factor > 1.0 or self.exponent is not None)

    def apply(self, radiators: Radiators) -> Radiators:
        """The upgraded radiators: Φ_d' = Φ_d · (1 − s + s·f) at the same design regime [kW]."""
        if not isinstance(radiators, Radiators):
            raise InputError(f"EmitterUpgrade.apply needs Radiators, got {type(radiators).__name__}")
        if not self.replaces_radiators:
            return radiators
        output = radiators.design_output_kw * (1.0 - self.share + self.share * self.output_factor)
        exponent = radiators.exponent if self.exponent is None else self.exponent
        return Radiators(radiators.design_supply_degc, radiators.design_return_degc, output,
                         room_degc=radiators.room_degc, exponent=exponent)

    def new_output_kw(self, radiators: Radiators) -> float:
        """Output of the new radiators at the existing design regime [kW]: s · f · Φ_d."""
        return self.share * self.output_factor * radiators.design_output_kw if self.replaces_radiators else 0.0

    def new_nominal_output_kw(self, radiators: Radiators) -> float:
        """Output of the new radiators at the EN 442 standard regime 75/65/20 [kW] (what catalogues and prices use)."""
        exponent = radiators.exponent if self.exponent is None else self.exponent
        return nominal_output_kw(self.new_output_kw(radiators), radiators, exponent)

    def design_supply_degc(self, radiators: Radiators, design_load_kw: float) -> tuple[float, float]:
        """Supply temperature [°C] the design load needs before and after the upgrade."""
        check_positive(design_load_kw, "design_load_kw", owner="EmitterUpgrade.design_supply_degc", unit="kW")
        before = float(radiators.supply_temperature_degc(design_load_kw)[0])
        return before, float(self.apply(radiators).supply_temperature_degc(design_load_kw)[0])
