"""A variant's heat source in the study: outdoor air, a borefield (ground), exhaust air or water.

:class:`~mgwsim.study.Variant` names its source (``source = "air" | "ground" | "exhaust_air" |
"water"``) and, for the three non-air sources, its parameters as one of the descriptions below.
:func:`prepare_source` turns them into what :func:`mgwsim.system.simulate_system` reads: the
hourly source temperature the heat pumps see [°C] and, for exhaust air, the heat the extract
flow can give [kW]. The physics lives in :mod:`mgwsim.system.sources`; this module holds the
study's choices (defaults, sizing rule, the 20-year horizon of the borefield).

* **ground** (:class:`GroundLoop`): vertical boreholes by their total length, a finite or
  infinite line-source response (:func:`mgwsim.system.sources.borefield_g_function`) and the
  brine temperature of *year 20* of the repeated annual load, so that the ground's cooling
  over the heat pump's life is in the study (the heat pump sees the year-20 brine).
* **exhaust_air** (:class:`ExhaustAir`): the extract air of a mechanical extract ventilation;
  the air flow [m³/h] limits the evaporator heat (:func:`mgwsim.system.sources.exhaust_air_source`).
* **water** (:class:`WaterBody`): a canal or groundwater by a monthly temperature profile,
  through an intermediate plate exchanger; the permit it needs is in :attr:`WaterBody.permit_note`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from mgwsim.building.envelope import RHO_C_AIR_WH_M3K
from mgwsim.errors import InputError, check_choice, check_integer, check_number
from mgwsim.heatpump.maps import PerformanceMap, Source

SOURCES = ("air", "ground", "exhaust_air", "water")
"""Heat sources a variant may choose."""

MAP_SOURCE_KIND = {"air": "air", "ground": "brine", "exhaust_air": "exhaust_air", "water": "water"}
"""The :class:`~mgwsim.heatpump.Source` kind of the heat pump map each study source needs."""

SOURCE_OF_MAP_KIND = {kind: source for source, kind in MAP_SOURCE_KIND.items()}

DESIGN_EXTRACTION_W_PER_M = 50.0
"""Specific heat extraction of a borehole used to size the default borefield [W/m]: VDI 4640-2:2001
Table 2, "normal solid rock and water-saturated unconsolidated sediment" (λ 1.5-3 W/(m·K)), 2400
full-load hours a year (heating and hot water). A rule of thumb for fields of at most 5 boreholes and
30 kW; larger fields need a simulation such as this one (the year-20 brine temperature shows it)."""

DRIFT_YEARS = 20
"""Years of repeated annual ground load over which the borefield's temperature drift is computed."""

VDI_PEAK_DEVIATION_K = 17.0
"""Largest deviation of the hourly mean brine temperature below the undisturbed ground temperature [K] used
to size the default borefield: VDI 4640-2:2001 (4.2.3) allows about 17 K at peak load and
:data:`VDI_WEEKLY_DEVIATION_K` as a weekly mean (as read by mgwsim). The brine must also stay 1 K above the
heat pump's lowest source temperature."""

VDI_WEEKLY_DEVIATION_K = 11.0
"""Largest deviation of the weekly (168 h) mean brine temperature below the undisturbed ground [K]
(VDI 4640-2:2001, 4.2.3, as read by mgwsim)."""

GROUND_SPF_GUESS = 4.0
"""First-guess seasonal performance factor of a brine heat pump for the first ground load [-]
(:func:`mgwsim.system.sources.estimate_ground_load_kw`); the second pass uses the simulated load."""

_CANAL_MONTHLY_DEGC = (5.0, 5.0, 7.0, 10.5, 14.5, 18.5, 21.0, 21.0, 18.0, 14.0, 9.5, 6.5)
_GROUNDWATER_DEGC = 11.5


@dataclass(frozen=True)
class GroundLoop:
    """Vertical borehole heat exchangers (a closed brine loop) as the heat source.

    Parameters
    ----------
    total_length_m : float, optional
        Total drilled and active borehole length [m]. ``None``: in the study, the shortest field whose
        year-N brine stays within :data:`VDI_PEAK_DEVIATION_K` of the ground and above the map's lowest
        source temperature under the first-guess load (:func:`size_ground_loop`); outside a run (costs
        alone), the VDI 4640-2 rule of thumb ``Q (1 - 1/4) / q'`` with q' = :data:`DESIGN_EXTRACTION_W_PER_M`.
    depth_m : float
        Depth of each borehole [m] (default 100 m; deeper drilling in Flanders needs a permit
        and depends on the aquifers, see :attr:`permit_note`). The boreholes, at least
        ``ceil(total_length_m / depth_m)``, fill the most square full grid (rows = floor(√n)), each
        ``total_length_m / n`` deep.
    spacing_m : float
        Distance between boreholes [m] (VDI 4640-2:2001: at least 6 m for fields).
    ground_degc : float
        Undisturbed ground temperature [°C] (about 11-12 °C in Flanders, see
        :class:`mgwsim.system.sources.Borefield`).
    conductivity_w_mk : float
        Ground thermal conductivity [W/(m·K)] (VDI 4640-1:2010 Table A1: about 2.4 for water-saturated
        sand, 1.7 for clay; default 2.2, an assumption to replace by a thermal response test).
    borehole_resistance_mk_w : float
        Effective borehole resistance [m·K/W] (default 0.10, a grouted single U pipe).
    heat_capacity_mj_m3k : float
        Volumetric heat capacity of the ground [MJ/(m³·K)] (VDI 4640-1 Table A1: 2.0-2.8).
    model : {'finite', 'infinite'}
        Line-source model (:func:`mgwsim.system.sources.borefield_g_function`): the finite line
        source (Eskilson 1987) reaches a steady state, the infinite one keeps cooling.
    years : int
        The annual load is repeated this many years and the heat pump sees the brine of the last
        one (default :data:`DRIFT_YEARS`).
    """

    total_length_m: float | None = None
    depth_m: float = 100.0
    spacing_m: float = 6.0
    ground_degc: float = 11.5
    conductivity_w_mk: float = 2.2
    borehole_resistance_mk_w: float = 0.10
    heat_capacity_mj_m3k: float = 2.4
    model: str = "finite"
    years: int = DRIFT_YEARS

    kind = "ground"
    permit_note = ("Boreholes for a closed ground loop are a VLAREM activity (class 3 notification or a class 2 "
                   "permit, by depth and capacity): check the depth criterion of the site (the Flemish "
                   "'dieptecriterium' on DOV Vlaanderen) before drilling.")

    def __post_init__(self):
        owner = "GroundLoop"
        if self.total_length_m is not None:
            check_number(self.total_length_m, "total_length_m", owner=owner, low=20.0, high=40_000.0, unit="m")
        check_number(self.depth_m, "depth_m", owner=owner, low=20.0, high=300.0, unit="m")
        check_number(self.spacing_m, "spacing_m", owner=owner, low=3.0, high=50.0, unit="m")
        check_number(self.ground_degc, "ground_degc", owner=owner, low=5.0, high=25.0, unit="°C")
        check_number(self.conductivity_w_mk, "conductivity_w_mk", owner=owner, low=0.5, high=6.0, unit="W/(m·K)")
        check_number(self.borehole_resistance_mk_w, "borehole_resistance_mk_w", owner=owner, low=0.02, high=0.5,
                     unit="m·K/W")
        check_number(self.heat_capacity_mj_m3k, "heat_capacity_mj_m3k", owner=owner, low=1.0, high=4.0,
                     unit="MJ/(m³·K)")
        check_choice(self.model, "model", ("finite", "infinite"), owner=owner)
        check_integer(self.years, "years", owner=owner, low=1, high=50)

    def sized(self, rated_kw: float) -> GroundLoop:
        """This loop with ``total_length_m`` set: as given, or sized on ``rated_kw`` (see the parameter)."""
        if self.total_length_m is not None:
            return self
        length = rated_kw * (1.0 - 1.0 / GROUND_SPF_GUESS) * 1000.0 / DESIGN_EXTRACTION_W_PER_M
        return replace(self, total_length_m=float(max(20.0, round(length, -1))))

    def borefield(self):
        """The :class:`mgwsim.system.sources.Borefield` of this loop (``total_length_m`` must be set)."""
        from mgwsim.system.sources import Borefield

        if self.total_length_m is None:
            raise InputError("GroundLoop.total_length_m is not set; call GroundLoop.sized(rated_kw) first")
        needed = max(1, math.ceil(self.total_length_m / self.depth_m - 1e-9))
        rows = max(1, math.isqrt(needed))
        cols = math.ceil(needed / rows)
        n = rows * cols  # the most square full grid that holds the boreholes (no prime-number lines)
        return Borefield(n, self.total_length_m / n, self.spacing_m, self.ground_degc, self.conductivity_w_mk,
                         self.borehole_resistance_mk_w, self.heat_capacity_mj_m3k, n_rows=rows)


@dataclass(frozen=True)
class ExhaustAir:
    """The extract air of a mechanical extract ventilation (system C) as the heat source.

    Parameters
    ----------
    airflow_m3_h : float, optional
        Extract air flow through the evaporator [m³/h]. ``None``: the building's hygienic flow
        (``ventilation.air_change_per_h`` × heated volume), which needs ventilation system "C".
    extract_degc : float
        Extract air temperature [°C] (default 20 °C, heated apartments).
    min_outlet_degc : float
        Lowest exhaust temperature after the evaporator [°C] (default 2 °C: an mgwsim assumption
        to stay clear of frost on the coil; product-specific).
    """

    airflow_m3_h: float | None = None
    extract_degc: float = 20.0
    min_outlet_degc: float = 2.0

    kind = "exhaust_air"
    permit_note = ""

    def __post_init__(self):
        owner = "ExhaustAir"
        if self.airflow_m3_h is not None:
            check_number(self.airflow_m3_h, "airflow_m3_h", owner=owner, low=10.0, high=1e6, unit="m³/h")
        check_number(self.extract_degc, "extract_degc", owner=owner, low=10.0, high=35.0, unit="°C")
        check_number(self.min_outlet_degc, "min_outlet_degc", owner=owner, low=-25.0, high=self.extract_degc,
                     high_inclusive=False, unit="°C")

    def evaporator_limit_kw(self, airflow_m3_h: float) -> float:
        """Largest evaporator heat of the flow [kW]: ``q ρc (θ_extract - θ_out,min) / 1000`` with q [m³/h]
        and ρc = 0.34 Wh/(m³·K) (EN ISO 13789:2017); sensible heat only (conservative)."""
        return airflow_m3_h * RHO_C_AIR_WH_M3K * (self.extract_degc - self.min_outlet_degc) / 1000.0


@dataclass(frozen=True)
class WaterBody:
    """Surface water (a canal) or groundwater as the heat source, through a plate exchanger.

    Parameters
    ----------
    body : {'canal', 'groundwater'}
    monthly_degc : tuple of 12 floats, optional
        Water temperature per calendar month [°C]. Default for a canal: a Flemish canal's annual
        cycle of about 5 °C in winter to 21 °C in summer (an mgwsim assumption of the order of the
        VMM's surface-water measurements, not verified: use the waterway's own series); for
        groundwater a constant 11.5 °C (about the mean annual air temperature of Uccle, KMI
        normals 1991-2020, as for :class:`GroundLoop`).
    exchanger_approach_k : float
        Temperature drop over the intermediate plate exchanger that protects the heat pump from
        the raw water [K] (default 2 K, an assumption).
    """

    body: str = "canal"
    monthly_degc: tuple[float, ...] | None = None
    exchanger_approach_k: float = 2.0

    kind = "water"

    def __post_init__(self):
        owner = "WaterBody"
        check_choice(self.body, "body", ("canal", "groundwater"), owner=owner)
        if self.monthly_degc is not None:
            values = tuple(self.monthly_degc)
            if len(values) != 12:
                raise InputError(f"{owner}.monthly_degc has {len(values)} values; allowed: 12 (January..December)")
            for i, v in enumerate(values):
                check_number(v, f"monthly_degc[{i}]", owner=owner, low=0.0, high=35.0, unit="°C")
            object.__setattr__(self, "monthly_degc", values)
        check_number(self.exchanger_approach_k, "exchanger_approach_k", owner=owner, low=0.0, high=10.0, unit="K")

    @property
    def profile_degc(self) -> tuple[float, ...]:
        if self.monthly_degc is not None:
            return self.monthly_degc
        return _CANAL_MONTHLY_DEGC if self.body == "canal" else (_GROUNDWATER_DEGC,) * 12

    @property
    def permit_note(self) -> str:
        if self.body == "canal":
            return ("Taking heat from a canal needs the waterway manager's permission (De Vlaamse Waterweg) for the "
                    "intake and the return, and the return's temperature is bound by the discharge conditions.")
        return ("Pumping and reinjecting groundwater (an open well doublet) needs an environmental permit for the "
                "groundwater extraction (VLAREM, heading 53) and a hydrogeological study.")

    def water_degc(self, index) -> np.ndarray:
        """Hourly water temperature [°C]: the monthly values at mid-month, linearly interpolated (periodic)."""
        day = np.asarray(index.day_of_year, dtype=float) - 1.0 + np.asarray(index.hour, dtype=float) / 24.0
        mid = (np.arange(12) + 0.5) * 365.0 / 12.0
        return np.interp(day, mid, np.asarray(self.profile_degc, dtype=float), period=365.0)


SourceOptions = GroundLoop | ExhaustAir | WaterBody
_DEFAULT_OPTIONS = {"ground": GroundLoop, "exhaust_air": ExhaustAir, "water": WaterBody}


def default_options(source: str) -> SourceOptions | None:
    """The default parameters of ``source`` (None for air)."""
    check_choice(source, "source", SOURCES, owner="default_options")
    factory = _DEFAULT_OPTIONS.get(source)
    return None if factory is None else factory()


def map_for_source(performance: PerformanceMap, source: str) -> PerformanceMap:
    """``performance`` relabelled for ``source`` when its cycle serves it unchanged.

    A water/water unit on a plate exchanger is a brine/water unit: a brine map serves ``water``
    (limits 3 °C to the top of its grid). An exhaust-air unit is an air/water unit on warm air:
    an air map serves ``exhaust_air`` (no defrost: the extract air stays above its dew point's
    frost range). Any other mismatch raises.
    """
    want = MAP_SOURCE_KIND[check_choice(source, "source", SOURCES, owner="map_for_source")]
    have = performance.source.kind
    if have == want:
        return performance
    top = float(performance.source_degc[-1])
    if want == "water" and have == "brine":
        return replace(performance, source=Source("water", 3.0, min(25.0, top)))
    if want == "exhaust_air" and have == "air":
        return replace(performance, source=Source("exhaust_air", 10.0, min(35.0, top)))
    raise InputError(f"source = {source!r} needs a heat pump map of source kind {want!r}, got {have!r}; "
                     f"allowed: a {want!r} map (e.g. mgwsim.heatpump.brine_to_water for 'ground')")


@dataclass(frozen=True, eq=False)
class PreparedSource:
    """What the system run needs of a source, and what the report says about it.

    ``source_degc`` [°C] and ``capacity_limit_kw`` [kW] per step (None: the outdoor air / no
    limit); ``facts``: the source's numbers for the tables (borefield length and boreholes,
    year-1 and year-N brine temperatures, air flow, water profile ...).
    """

    source: str
    source_degc: np.ndarray | None = None
    capacity_limit_kw: np.ndarray | None = None
    facts: dict = field(default_factory=dict)
    note: str = ""


def ground_brine(loop: GroundLoop, extraction_kw, step_h: float) -> tuple[np.ndarray, dict]:
    """Brine temperature the heat pumps see [°C per step] under an annual ground load [kW per step].

    The hourly load (a sub-hourly one is averaged per hour) is repeated ``loop.years`` times
    (:func:`mgwsim.system.sources.borefield_brine_degc`, temporal superposition of the line-source
    response); the heat pump sees the last year. ``facts``: the year-1 and year-N minimum and mean
    brine temperatures and their difference (the drift).
    """
    from mgwsim.system.sources import borefield_brine_degc

    load = np.asarray(extraction_kw, dtype=float)
    per_hour = int(round(1.0 / step_h))
    if per_hour > 1:
        if load.size % per_hour:
            raise InputError(f"ground source: {load.size} steps of {step_h * 60:g} min are not whole hours")
        load = load.reshape(-1, per_hour).mean(axis=1)
    field_ = loop.borefield()
    brine = borefield_brine_degc(field_, load, loop.years, model=loop.model, all_years=True)
    n = load.size
    first, last = brine[:n], brine[-n:]
    facts = {
        "borehole_length_m": loop.total_length_m,
        "boreholes": field_.n_boreholes,
        "borehole_depth_m": field_.depth_m,
        "ground_degc": loop.ground_degc,
        "brine_min_year1_degc": float(first.min()),
        "brine_mean_year1_degc": float(first.mean()),
        f"brine_min_year{loop.years}_degc": float(last.min()),
        f"brine_mean_year{loop.years}_degc": float(last.mean()),
        "brine_drift_k": float(last.mean() - first.mean()),
        "ground_extraction_mwh": float(load.sum()) / 1000.0,
    }
    out = np.repeat(last, per_hour) if per_hour > 1 else last
    return np.ascontiguousarray(out), facts


def size_ground_loop(loop: GroundLoop, extraction_kw, step_h: float, *, min_source_degc: float) -> GroundLoop:
    """``loop`` with the shortest total length [m] (to 10 m) whose year-N hourly brine stays at or above
    ``max(ground - VDI_PEAK_DEVIATION_K, min_source_degc + 1)`` and whose weekly mean stays at or above
    ``ground - VDI_WEEKLY_DEVIATION_K`` under ``extraction_kw`` [kW per step].

    Bisection on the length between 20 m and 400 boreholes (the brine warms with length); a load that
    400 boreholes cannot carry keeps them (the run then shows the cold brine).
    """
    floor = max(loop.ground_degc - VDI_PEAK_DEVIATION_K, min_source_degc + 1.0)
    weekly_floor = loop.ground_degc - VDI_WEEKLY_DEVIATION_K
    week = int(round(168.0 / step_h))

    def ok(length: float) -> bool:
        brine, _ = ground_brine(replace(loop, total_length_m=length), extraction_kw, step_h)
        weekly = np.convolve(brine, np.full(week, 1.0 / week), mode="valid") if brine.size >= week else brine
        return float(brine.min()) >= floor and float(weekly.min()) >= weekly_floor

    low, high = 20.0, 400.0 * loop.depth_m  # at most 400 boreholes (a 20 x 20 grid)
    if ok(low):
        return replace(loop, total_length_m=low)
    if not ok(high):
        return replace(loop, total_length_m=high)
    while high - low > 10.0:
        mid = math.sqrt(low * high) if high / low > 1.5 else 0.5 * (low + high)
        low, high = (low, mid) if ok(mid) else (mid, high)
    return replace(loop, total_length_m=float(math.ceil(high / 10.0) * 10.0))


def exhaust_air_limit(options: ExhaustAir, building, performance: PerformanceMap, supply_degc,
                      n_units: int) -> tuple[np.ndarray, np.ndarray, dict]:
    """(source [°C], heat output limit [kW], facts) of an exhaust-air heat pump per step.

    The limit is the energy balance of the evaporator, ``Q_heat ≤ Q_evap,max COP / (COP - 1)``, with
    the map's COP at the extract temperature and the step's required supply temperature (clipped to
    the map's sink grid). The air flow is ``options.airflow_m3_h`` or, for ventilation system C,
    the building's hygienic flow.
    """
    flow = options.airflow_m3_h
    if flow is None:
        vent = building.ventilation
        if vent.system != "C":
            raise InputError(f"ExhaustAir.airflow_m3_h is required: the building's ventilation system is "
                             f"{vent.system!r}, allowed without an air flow: 'C' (mechanical extract)")
        flow = vent.air_change_per_h * building.heated_volume_m3
    q_evap = options.evaporator_limit_kw(flow)
    supply = np.clip(np.asarray(supply_degc, dtype=float), performance.sink_degc[0], performance.sink_degc[-1])
    cop = np.asarray(performance.cop_at(np.full(supply.size, options.extract_degc), supply), dtype=float)
    cop = np.where(np.isfinite(cop) & (cop > 1.0), cop, 2.0)
    limit = q_evap * cop / (cop - 1.0)
    source = np.full(supply.size, options.extract_degc)
    facts = {"airflow_m3_h": float(flow), "extract_degc": options.extract_degc,
             "evaporator_limit_kw": float(q_evap), "mean_heat_limit_kw": float(limit.mean()),
             "units_capacity_kw": float(n_units * performance.capacity_at(options.extract_degc,
                                                                          performance.sink_degc[0]))}
    return source, np.ascontiguousarray(limit), facts


def water_source(options: WaterBody, index) -> tuple[np.ndarray, dict]:
    """(source [°C], facts): the water profile minus the exchanger's approach."""
    water = options.water_degc(index)
    source = water - options.exchanger_approach_k
    return np.ascontiguousarray(source), {"water_body": options.body, "water_min_degc": float(water.min()),
                                          "water_mean_degc": float(water.mean()),
                                          "source_min_degc": float(source.min())}


def heat_source_check(prepared: PreparedSource, system, map_min_degc: float):
    """The heat source among the risks (``heat_source``): what it gives, how cold it gets, the permit it needs.

    * ground: the year-N minimum brine [°C] against the map's lowest source temperature (``fail`` below it,
      the units stop; ``warn`` otherwise: the drilling needs a VLAREM notification or permit);
    * water: the coldest source [°C] against the map's lowest (``warn``: a permit, and ``fail`` when the
      source is below it for more than a tenth of the year);
    * exhaust air: the share of the heat the units still deliver [-] with the flow's limit (``warn`` below 50 %);
    * air: ``None`` (no check).
    """
    from mgwsim.assess.checks import CheckResult

    facts, source = prepared.facts, prepared.source
    if source == "ground":
        years = next((k for k in facts if k.startswith("brine_min_year") and k != "brine_min_year1_degc"), None)
        low = facts[years]
        status = "fail" if low < map_min_degc else "warn"
        n = years.removeprefix("brine_min_year").removesuffix("_degc")
        return CheckResult(
            "heat_source", status, round(low, 1), "degC", map_min_degc,
            f"The borefield of {facts['borehole_length_m']:.0f} m ({facts['boreholes']} boreholes of "
            f"{facts['borehole_depth_m']:.0f} m) keeps the brine at or above {low:.1f} °C in year {n} (year 1: "
            f"{facts['brine_min_year1_degc']:.1f} °C; the mean drifts {facts['brine_drift_k']:+.1f} K); the heat pumps "
            f"run down to {map_min_degc:g} °C. {prepared.note}",
            f"Het boorveld van {facts['borehole_length_m']:.0f} m ({facts['boreholes']} boringen van "
            f"{facts['borehole_depth_m']:.0f} m) houdt de brine in jaar {n} op minstens {low:.1f} °C (jaar 1: "
            f"{facts['brine_min_year1_degc']:.1f} °C); de warmtepompen werken tot {map_min_degc:g} °C. Boringen zijn "
            "meldings- of vergunningsplichtig (VLAREM).")
    if source == "water":
        degc = system.hourly["source_degc"].to_numpy()
        below = float((degc < map_min_degc).mean())
        status = "fail" if below > 0.1 else "warn"
        return CheckResult(
            "heat_source", status, round(float(degc.min()), 1), "degC", map_min_degc,
            f"The {facts['water_body']} gives {facts['water_min_degc']:.1f} °C at its coldest ({degc.min():.1f} °C "
            f"after the exchanger; the units stop below {map_min_degc:g} °C, {below:.0%} of the year). {prepared.note}",
            f"Het {('kanaal' if facts['water_body'] == 'canal' else 'grondwater')} is op zijn koudst "
            f"{facts['water_min_degc']:.1f} °C; de toestellen stoppen onder {map_min_degc:g} °C ({below:.0%} van het "
            "jaar). Er is een vergunning nodig.")
    if source == "exhaust_air":
        h = system.hourly
        hp = float((h["hp_heat_sh_kwh"] + h["hp_heat_dhw_kwh"]).sum())
        total = hp + float((h["backup_heat_sh_kwh"] + h["backup_heat_dhw_kwh"] + h["booster_kwh"]).sum())
        share = hp / total if total > 0 else 0.0
        status = "warn" if share < 0.5 else "pass"
        return CheckResult(
            "heat_source", status, round(share, 3), "", 0.5,
            f"The extract air, {facts['airflow_m3_h']:.0f} m³/h at {facts['extract_degc']:g} °C, gives the evaporator at "
            f"most {facts['evaporator_limit_kw']:.1f} kW: the heat pumps deliver {share:.0%} of the heat, the backup the "
            "rest.",
            f"De afgezogen lucht, {facts['airflow_m3_h']:.0f} m³/h aan {facts['extract_degc']:g} °C, geeft de verdamper "
            f"hoogstens {facts['evaporator_limit_kw']:.1f} kW: de warmtepompen leveren {share:.0%} van de warmte.")
    return None
