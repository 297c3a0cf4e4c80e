"""Lock-in checks: does a variant leave the building in a dead end?

Each check returns a :class:`~mgwsim.assess.checks.CheckResult` (pass/warn/fail, the value
judged, its unit and threshold, one English and one Dutch sentence for a co-owner) and
takes the simulation outputs it judges explicitly; nothing is re-simulated here.

==============================  ==========================================================
check                           judges
==============================  ==========================================================
:func:`fossil_lock_in`          fossil share of the heat in the phase-out year
:func:`temperature_lock_in`     heat-pump supply limit vs what the radiators need
:func:`oversizing_after_renovation`  minimum part load vs the load, starts per unit
:func:`refrigerant_lock_in`     EU F-gas bans (wraps :func:`~mgwsim.assess.fgas.refrigerant_check`)
:func:`pv_before_roof_renovation`  PV laid on a roof the path insulates later
:func:`connection_capacity`     grid connection and the medium-voltage threshold
:func:`heat_network_readiness`  central loop and room for a heat-network substation
:func:`hot_water_hygiene`       legionella storage temperature without/with booster
==============================  ==========================================================

Every default threshold and its source (or the statement that it is an mgwsim
assumption) is listed in ``docs/lock_in.md``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from mgwsim._format import format_number, format_share, share_decimals
from mgwsim.assess.checks import CheckResult, worst_status
from mgwsim.assess.fgas import refrigerant_check
from mgwsim.building.dhw import LegionellaRules
from mgwsim.electric import CONNECTION_POWER_FACTOR, fits_kva, whole_kva
from mgwsim.errors import InputError, check_choice, check_fraction, check_number, check_positive, check_series
from mgwsim.system.plant import HeatPumpCascade, Plant
from mgwsim.timestep import step_hours


def _step_h(system_result) -> float:
    """Step of a system result's flows [h] (1.0 or 0.25): counts of steps × step = hours."""
    return step_hours(system_result.hourly.index, owner="system_result", field="hourly.index")


def _hours(count, step_h: float):
    """Hours [h] that ``count`` steps make: an int for hourly steps, else a float."""
    return int(count) if step_h == 1.0 else float(count) * step_h

__all__ = [
    "FOSSIL_PHASE_OUT_YEAR",
    "MV_THRESHOLD_KVA",
    "PV_REMOVAL_COST_EUR_PER_KWP",
    "STARTS_BUDGET_PER_UNIT_YEAR",
    "SUBSTATION_AREA_M2",
    "connection_capacity",
    "fossil_heat_share",
    "fossil_lock_in",
    "heat_network_readiness",
    "heat_network_temperature",
    "hot_water_hygiene",
    "oversizing_after_renovation",
    "pv_before_roof_renovation",
    "refrigerant_lock_in",
    "temperature_lock_in",
]

FOSSIL_PHASE_OUT_YEAR = 2040
"""Year by which fossil-fuel boilers are to be phased out completely: the aim stated in the
recast Energy Performance of Buildings Directive, Directive (EU) 2024/1275 (the article on
national measures for heating systems; the article number is not verified here)."""

STARTS_BUDGET_PER_UNIT_YEAR = 5000.0
"""Compressor starts per unit and year judged acceptable [1/a]. An mgwsim assumption
(about 100,000 starts over a 20-year life), **not** a manufacturer figure: take the
compressor maker's number where it is known (docs/lock_in.md)."""

PV_REMOVAL_COST_EUR_PER_KWP = 200.0
"""Removing and reinstalling roof PV for roof works [EUR/kWp excl. VAT]. An mgwsim
assumption in the 150-300 EUR/kWp range installers quote; not a published price."""

MV_THRESHOLD_KVA = 250.0
"""Connection power above which a Fluvius connection is, as we understand the Fluvius
technical prescriptions, made at medium voltage [kVA]. Not verified: confirm with Fluvius."""

SUBSTATION_AREA_M2 = 8.0
"""Floor area a heat-network substation for an apartment block needs [m²]: a compact
substation of about 1 x 2 m plus service space around it. An mgwsim assumption; the heat
network operator's connection rules decide."""

_TEMPERATURE_BACKUP_SHARE = 0.10
_LOW_LOAD_SHARE_WARN, _LOW_LOAD_SHARE_FAIL = 0.10, 0.20
_CAPACITY_RATIO_WARN = 2.0
_ENERGY_TOLERANCE_KWH = 1e-6


def _unit_capacity_kw(cascade: HeatPumpCascade) -> float:
    """Rated capacity of one unit [kW]: the map's ``rated_capacity_kw``, else its EN 14511 rating point."""
    rated = cascade.performance.rated_capacity_kw
    return float(rated) if rated is not None else cascade.rated_capacity_kw() / cascade.n_units


def _cascade_capacity_kw(cascade: HeatPumpCascade) -> float:
    return cascade.n_units * _unit_capacity_kw(cascade)


def _check(name, status, value, unit, threshold, en, nl) -> CheckResult:
    return CheckResult(name, status, None if value is None else value, unit, threshold, en, nl)


def _num(value: float, language: str = "en", decimals: int = 0, *, against: tuple = ()) -> str:
    """``value`` in the sentence's language (``1,234.5`` or ``1.234,5``), with the decimals it needs
    not to read as 0 or as equal to ``against`` (:func:`mgwsim._format.share_decimals`)."""
    return format_number(value, language, share_decimals(value, decimals, against=against))


def _pct(fraction: float, language: str = "en", *, against: tuple = ()) -> str:
    """A share [-] as a percentage (:func:`mgwsim._format.format_share`)."""
    return format_share(fraction, language, against=against)


# ---------------------------------------------------------------------------------------
# fossil lock-in
# ---------------------------------------------------------------------------------------


def fossil_heat_share(system_result) -> float:
    """Share of the heat produced by a fossil (gas) boiler in one simulated year [-].

    ``(backup heat for space heating + hot water) / (heat-pump heat + backup heat +
    booster heat)`` when the plant's backup is a gas boiler, else 0.
    """
    h = system_result.hourly
    backup = float(h["backup_heat_sh_kwh"].sum() + h["backup_heat_dhw_kwh"].sum())
    total = float(h["hp_heat_sh_kwh"].sum() + h["hp_heat_dhw_kwh"].sum() + h["booster_kwh"].sum()) + backup
    if total <= 0.0:
        raise InputError("fossil_heat_share: the system result delivers no heat")
    return backup / total if system_result.plant.backup.is_combustion else 0.0


def _share_by_year(results) -> dict[int, float]:
    owner = "fossil_lock_in"
    if not isinstance(results, Mapping) or not results:
        raise InputError(f"{owner}.results must be a non-empty mapping year -> SystemResult or share, got {results!r}")
    shares = {}
    for year, item in results.items():
        y = int(check_number(year, "results year", owner=owner, low=1900, high=2200))
        share = item if isinstance(item, int | float) else fossil_heat_share(item)
        shares[y] = check_fraction(share, f"results[{y}]", owner=owner)
    return dict(sorted(shares.items()))


def _share_in(shares: dict[int, float], target: int, replaced_year: int | None) -> tuple[float, int]:
    if replaced_year is not None and replaced_year <= target:
        return 0.0, replaced_year
    known = [y for y in shares if y <= target]
    if not known:
        raise InputError(f"fossil_lock_in: no state is given for {target} or earlier (years given: {list(shares)})")
    return shares[known[-1]], known[-1]


def fossil_lock_in(
    results,
    *,
    target_year: int = FOSSIL_PHASE_OUT_YEAR,
    threshold_share: float = 0.1,
    replaced_year: int | None = None,
) -> CheckResult:
    """Does a fossil boiler still supply heat after the phase-out year?

    The state of the latest year at or before ``target_year`` is taken to last: a variant
    keeps its gas boiler "forever" unless ``replaced_year`` (or a later state without it)
    says otherwise.

    Parameters
    ----------
    results : mapping year -> SystemResult or float
        The simulated years of the variant (calendar year -> :class:`SystemResult`, or
        directly the fossil share of the heat [-], see :func:`fossil_heat_share`).
    target_year : int
        Phase-out year; default :data:`FOSSIL_PHASE_OUT_YEAR` (EPBD recast). Pass 2050 for
        the EU climate-neutrality year.
    threshold_share : float
        Largest fossil share of the heat tolerated in the target year [-] (default 0.1: an mgwsim assumption, a
        backup for the coldest hours; not a figure of the EPBD or of a call, and the sentences say so).
    replaced_year : int, optional
        Calendar year in which the boiler is stated to be removed.

    Returns
    -------
    CheckResult
        ``fail`` when the share in the target year exceeds ``threshold_share`` or the boiler
        is still the main supplier (share >= 0.5); ``warn`` when a smaller share remains
        (the gas connection and chimney stay); ``pass`` when no fossil heat is left.
    """
    owner = "fossil_lock_in"
    target = int(check_number(target_year, "target_year", owner=owner, low=2000, high=2200))
    threshold = check_fraction(threshold_share, "threshold_share", owner=owner)
    if replaced_year is not None:
        replaced_year = int(check_number(replaced_year, "replaced_year", owner=owner, low=1900, high=2200))
    share, from_year = _share_in(_share_by_year(results), target, replaced_year)
    args = ("fossil_lock_in", share, "share of heat", threshold)
    year_en, year_nl = _target_year_text(target)
    since_en = f"From {from_year} on, the" if from_year < target else "The"
    since_nl = f"Vanaf {from_year} levert de" if from_year < target else "De"
    if share > threshold or share >= 0.5:
        main = "remains the main heat supplier" if share >= 0.5 else "still supplies a large part of the heat"
        return _check(*args[:1], "fail", *args[1:],
                      f"{since_en} gas boiler {main} ({_pct(share, against=(threshold,))} of the heat, more than the "
                      f"{_pct(threshold)} tolerated) and no replacement is planned, so it still does in {target}, "
                      f"{year_en}: this variant locks the building into gas.",
                      f"{since_nl} gasketel nog {_pct(share, 'nl', against=(threshold,))} van de warmte (meer dan "
                      f"{_pct(threshold, 'nl')}) en er is geen vervanging gepland, dus ook in {target}, {year_nl}: "
                      "deze variant houdt het gebouw vast aan gas.")
    if share > 0.0:
        return _check(*args[:1], "warn", *args[1:],
                      f"{since_en} gas boiler stays as a backup and still gives {_pct(share, against=(threshold,))} "
                      f"of the heat, also in {target}, {year_en}: within the {_pct(threshold)} this check tolerates "
                      "(an mgwsim assumption, not a figure of the call), but the gas connection and the chimney "
                      "remain; plan its removal.",
                      f"{since_nl} gasketel als back-up nog {_pct(share, 'nl', against=(threshold,))} van de warmte, "
                      f"ook in {target}, {year_nl}: binnen de {_pct(threshold, 'nl')} die deze toets aanvaardt (een "
                      "aanname van mgwsim, geen cijfer van de oproep), maar de gasaansluiting en de schouw blijven; "
                      "plan de verwijdering.")
    reason = f"the boiler is removed in {from_year}" if replaced_year is not None and from_year == replaced_year \
        else "no fossil boiler is used"
    return _check(*args[:1], "pass", *args[1:],
                  f"No fossil fuel supplies heat in {target}, {year_en}: {reason}, so there is no lock-in into gas.",
                  f"In {target}, {year_nl}, levert geen fossiele brandstof nog warmte: geen vastzitten aan gas.")


def _target_year_text(target: int) -> tuple[str, str]:
    """What the fossil check's target year is, in words (English, Dutch)."""
    if target == FOSSIL_PHASE_OUT_YEAR:
        return ("the year by which the EU aims to phase out fossil boilers (EPBD recast, Directive (EU) 2024/1275)",
                "het jaar waarin de EU fossiele ketels uitgefaseerd wil hebben (herziene EPBD, Richtlijn (EU) "
                "2024/1275)")
    if target == 2050:
        return ("the year the EU aims to be climate-neutral", "het jaar waarin de EU klimaatneutraal wil zijn")
    return "the target year of this check", "het doeljaar van deze toets"


# ---------------------------------------------------------------------------------------
# temperature lock-in
# ---------------------------------------------------------------------------------------


def temperature_lock_in(
    system_result,
    *,
    label: str = "as is",
    max_backup_share: float = _TEMPERATURE_BACKUP_SHARE,
) -> CheckResult:
    """Can the heat pumps reach the supply temperature the radiators need?

    Uses the kernel's flag ``hp_temperature_limited`` (the required supply temperature plus
    the cascade's margin exceeds the heat pumps' maximum sink temperature), the backup's
    space heat and the unmet space heat in those hours.

    Parameters
    ----------
    system_result : SystemResult
    label : str
        The building state judged ("as is", "after roof insulation", ...), used in the sentence.
    max_backup_share : float
        Largest share of the space heat [-] the backup may carry because of the temperature
        limit (default 0.1, an mgwsim assumption matching the fossil threshold).

    Returns
    -------
    CheckResult
        ``value`` = backup space heat in temperature-limited hours / space heat delivered [-].
        ``pass`` with no limited hour; ``warn`` when a backup covers those hours;
        ``fail`` when heat is left unmet in them or the backup share exceeds ``max_backup_share``.
    """
    limit = check_fraction(max_backup_share, "max_backup_share", owner="temperature_lock_in")
    h = system_result.hourly
    limited = h["hp_temperature_limited"].to_numpy() > 0.5
    hours = _hours(limited.sum(), _step_h(system_result))
    backup_kwh = float(h.loc[limited, "backup_heat_sh_kwh"].sum())
    unmet_kwh = float(h.loc[limited, "space_heating_unmet_kwh"].sum())
    delivered = float(h["space_heating_delivered_kwh"].sum())
    share = backup_kwh / delivered if delivered > 0 else 0.0
    args = ("temperature_lock_in", share, "share of space heat", limit)
    state, state_nl = _state_text(label)
    if system_result.plant.heat_pumps is None:
        return _check(args[0], "pass", *args[1:],
                      f"{state}, no heat pump heats the building, so no heat-pump supply temperature limit applies.",
                      f"{state_nl}: geen warmtepomp verwarmt het gebouw, dus geldt geen temperatuurgrens van "
                      "een warmtepomp.")
    if hours == 0:
        return _check(args[0], "pass", *args[1:],
                      f"{state}, the heat pumps reach the supply temperature the radiators need in every hour.",
                      f"{state_nl}: de warmtepompen halen elk uur de aanvoertemperatuur die de radiatoren vragen.")
    peak_degc = float(h.loc[limited, "supply_required_degc"].max()) if "supply_required_degc" in h else None
    up_to, tot = (f" (up to {peak_degc:.0f} °C)", f" (tot {peak_degc:.0f} °C)") if peak_degc is not None else ("", "")
    detail = (f"in {hours} hours the radiators need a supply temperature{up_to} above the heat pumps' maximum; "
              f"the backup gives {_num(backup_kwh)} kWh ({_pct(share, against=(limit,))} of the space heat) and "
              f"{_num(unmet_kwh)} kWh stay unmet")
    nl = (f"in {hours} uren vragen de radiatoren een hogere aanvoertemperatuur{tot} dan de warmtepompen halen; "
          f"de back-up levert "
          f"{_num(backup_kwh, 'nl')} kWh ({_pct(share, 'nl', against=(limit,))} van de ruimtewarmte), "
          f"{_num(unmet_kwh, 'nl')} kWh blijft ongedekt")
    if unmet_kwh > _ENERGY_TOLERANCE_KWH or share > limit:
        return _check(args[0], "fail", *args[1:],
                      f"{state}, {detail}: the emitters lock the building into high temperatures; renovate first, "
                      "upgrade the emitters (larger or low-temperature radiators) or choose heat pumps with a higher "
                      "supply temperature.",
                      f"{state_nl}: {nl}. De radiatoren houden het gebouw vast aan hoge temperaturen; renoveer eerst, "
                      "vervang radiatoren door grotere of lagetemperatuurradiatoren, of kies warmtepompen met een hogere "
                      "aanvoertemperatuur.")
    return _check(args[0], "warn", *args[1:],
                  f"{state}, {detail}: the backup covers it, but the heat pumps depend on it in cold hours.",
                  f"{state_nl}: {nl}. De back-up dekt dit, maar de warmtepompen hangen ervan af.")


def _state_text(label: str) -> tuple[str, str]:
    """The building state a sentence speaks of, as its opening words (English, Dutch): "as is" is the
    building as it is; a label starting with "after" is used as given; any other label is a renovation
    step's, after which the state holds (the step's label is the user's own and is quoted in Dutch)."""
    if label.strip().lower() == "as is":
        return "With the building as it is", "Met het gebouw zoals het is"
    if label.lower().startswith("after "):
        return label[:1].upper() + label[1:], f"Na '{label[6:]}'"
    return f"After {label}", f"Na '{label}'"


# ---------------------------------------------------------------------------------------
# oversizing
# ---------------------------------------------------------------------------------------


def _oversizing_metrics(system_result) -> dict[str, float]:
    cascade = system_result.plant.heat_pumps
    h, d = system_result.hourly, system_result.demand.hourly
    load = h["hp_unit_hours"].to_numpy()
    heating = d["space_heating_kwh"].to_numpy() > 0.0
    low = heating & (load > 0.0) & (load < cascade.performance.min_modulation_frac)
    step_h = _step_h(system_result)
    peak_kw = float((d["space_heating_kwh"] + d["dhw_kwh"]).max()) / step_h  # kWh per step / step [h]
    scale = 8760.0 / (len(h) * step_h)
    return {
        "heating_hours": _hours(heating.sum(), step_h),
        "low_load_hours": _hours(low.sum(), step_h),
        "low_load_share": low.sum() / heating.sum() if heating.any() else 0.0,
        "starts_per_unit_year": float(system_result.units["starts"].max()) * scale,
        "capacity_ratio": _cascade_capacity_kw(cascade) / peak_kw if peak_kw > 0 else np.inf,
        "peak_kw": peak_kw,
    }


def oversizing_after_renovation(
    system_result,
    *,
    warn_low_load_share: float = _LOW_LOAD_SHARE_WARN,
    max_low_load_share: float = _LOW_LOAD_SHARE_FAIL,
    starts_budget_per_unit_year: float = STARTS_BUDGET_PER_UNIT_YEAR,
    warn_capacity_ratio: float = _CAPACITY_RATIO_WARN,
) -> CheckResult:
    """Are the heat pumps too big for the (renovated) building?

    A *low-load hour* is a heating hour (space-heating demand > 0) in which the whole
    cascade's load, in unit-hours (``hp_unit_hours``), is below the minimum part load of a
    single unit: even one unit cannot modulate down far enough and cycles on/off.

    Starts are the kernel's count per unit (``SystemResult.units``), scaled to a year. The
    kernel counts at most one start per unit and hour, so the usual limit of at most
    3 starts per hour (a minimum cycle of about 20 minutes, found in installation manuals
    and grid operators' connection conditions for heat pumps) cannot be checked hour by
    hour; the yearly count is judged against ``starts_budget_per_unit_year``.

    Parameters
    ----------
    system_result : SystemResult
        A plant with heat pumps.
    warn_low_load_share, max_low_load_share : float
        Low-load hours / heating hours above which the check warns / fails [-]
        (defaults 0.1 / 0.2, mgwsim assumptions).
    starts_budget_per_unit_year : float
        Starts per unit and year above which the check fails [1/a]
        (default :data:`STARTS_BUDGET_PER_UNIT_YEAR`, an assumption).
    warn_capacity_ratio : float
        Rated capacity of the cascade (EN 14511 point) / peak hourly heat demand above
        which the check warns [-] (default 2.0).

    Returns
    -------
    CheckResult
        ``value`` = low-load share of heating hours [-], ``threshold`` = ``max_low_load_share``.
    """
    owner = "oversizing_after_renovation"
    warn_share = check_fraction(warn_low_load_share, "warn_low_load_share", owner=owner)
    fail_share = check_number(max_low_load_share, "max_low_load_share", owner=owner, low=warn_share, high=1.0)
    budget = check_positive(starts_budget_per_unit_year, "starts_budget_per_unit_year", owner=owner, unit="1/a")
    ratio_limit = check_positive(warn_capacity_ratio, "warn_capacity_ratio", owner=owner)
    if system_result.plant.heat_pumps is None:
        raise InputError(f"{owner}: the plant has no heat pumps to judge")
    m = _oversizing_metrics(system_result)
    cascade = system_result.plant.heat_pumps
    size = f"{cascade.n_units} x {_unit_capacity_kw(cascade):.0f} kW"
    low_share = (_pct(m["low_load_share"], against=(warn_share, fail_share)),
                 _pct(m["low_load_share"], "nl", against=(warn_share, fail_share)))
    facts = (f"{size} heat pumps ({m['capacity_ratio']:.1f} times the peak demand of {m['peak_kw']:.0f} kW) cannot "
             f"modulate low enough in {_num(m['low_load_hours'])} of {_num(m['heating_hours'])} heating hours "
             f"({low_share[0]}) and start about {_num(m['starts_per_unit_year'], against=(budget,))} times a year "
             "per unit")
    nl = (f"{size} warmtepompen ({_num(m['capacity_ratio'], 'nl', 1)} keer de piekvraag van "
          f"{_num(m['peak_kw'], 'nl')} kW) moduleren in {_num(m['low_load_hours'], 'nl')} van de "
          f"{_num(m['heating_hours'], 'nl')} stookuren ({low_share[1]}) niet laag genoeg en starten ongeveer "
          f"{_num(m['starts_per_unit_year'], 'nl', against=(budget,))} keer per jaar per toestel")
    buffer, buffer_nl = (("a larger buffer", "een groter buffervat") if system_result.plant.buffer is not None
                         else ("a buffer", "een buffervat"))
    args = ("oversizing", m["low_load_share"], "share of heating hours", fail_share)
    if m["low_load_share"] > fail_share or m["starts_per_unit_year"] > budget:
        return _check(args[0], "fail", *args[1:],
                      f"Oversized: {facts} (limits {_pct(fail_share)} and {_num(budget)} starts): expect on/off "
                      "cycling, lower efficiency and compressor wear; choose fewer or smaller units.",
                      f"Overgedimensioneerd: {nl}. Verwacht aan/uit-pendelen en slijtage; kies minder of kleinere toestellen.")
    if m["capacity_ratio"] > ratio_limit:
        return _check(args[0], "warn", *args[1:],
                      f"Somewhat large: {facts}; check the smallest unit's minimum output against the renovated load.",
                      f"Eerder groot: {nl}; controleer het minimumvermogen tegenover de gerenoveerde warmtevraag.")
    if m["low_load_share"] > warn_share:  # not too large in total: the smallest step is what is too large
        return _check(args[0], "warn", *args[1:],
                      f"Minimum output high for the mild hours: {facts}; check the smallest unit's minimum output "
                      f"against the renovated load (a smaller unit in the cascade or {buffer}).",
                      f"Minimumvermogen hoog voor de zachte uren: {nl}; controleer het minimumvermogen tegenover de "
                      f"gerenoveerde warmtevraag (een kleiner toestel in de cascade of {buffer_nl}).")
    return _check(args[0], "pass", *args[1:],
                  f"Well sized: {facts}, within the limits.",
                  f"Goed gedimensioneerd: {nl}, binnen de grenzen.")


# ---------------------------------------------------------------------------------------
# refrigerant
# ---------------------------------------------------------------------------------------

_APPLICATION_BY_SOURCE = {"air": "air_to_water", "exhaust_air": "air_to_water", "brine": "brine_to_water",
                          "water": "water_to_water"}


def _cascades(plant: Plant) -> list[tuple[str, HeatPumpCascade]]:
    pairs = [("space-heating heat pumps", plant.heat_pumps), ("hot-water heat pump", plant.hot_water.heat_pump)]
    return [(role, c) for role, c in pairs if c is not None]




def refrigerant_lock_in(
    plant: Plant,
    *,
    install_year: int,
    horizon_year: int,
    equipment_type: str = "monobloc",
    gwp_basis: str = "ar4",
    safety_exception: bool = False,
) -> CheckResult:
    """EU F-gas verdict on every heat pump of a plant (the worst one counts).

    Wraps :func:`mgwsim.assess.fgas.refrigerant_check` for each cascade with the map's
    ``refrigerant``, the rated capacity of *one* unit (each unit is placed on the market
    on its own) and the application implied by the map's source kind.

    Parameters
    ----------
    plant : Plant
    install_year, horizon_year : int
        Year the units are installed and last year of the study horizon.
    equipment_type : {'monobloc', 'self_contained', 'split'}
        Construction assumed for every unit (the map does not say; default monobloc).
    gwp_basis, safety_exception
        As in :func:`~mgwsim.assess.fgas.refrigerant_check`.

    Returns
    -------
    CheckResult
        ``value`` = the highest GWP; ``pass`` without heat pumps.

    Raises
    ------
    InputError
        A map without ``refrigerant`` (set it, e.g. ``dataclasses.replace(map, refrigerant='R290')``).
    """
    check_choice(equipment_type, "equipment_type", ("monobloc", "self_contained", "split"), owner="refrigerant_lock_in")
    verdicts = []
    for role, cascade in _cascades(plant):
        pmap = cascade.performance
        if not pmap.refrigerant:
            raise InputError(f"refrigerant_lock_in: the {role}' map {pmap.model!r} has no refrigerant; set "
                             "PerformanceMap.refrigerant")
        capacity = _unit_capacity_kw(cascade)
        result = refrigerant_check(pmap.refrigerant, equipment_type, capacity, install_year=install_year,
                                   horizon_year=horizon_year, application=_APPLICATION_BY_SOURCE[pmap.source.kind],
                                   gwp_basis=gwp_basis, safety_exception=safety_exception)
        verdicts.append((role, capacity, result))
    if not verdicts:
        return _check("refrigerant_lock_in", "pass", None, "GWP", None,
                      "The variant has no heat pump, so no refrigerant rule applies.",
                      "De variant heeft geen warmtepomp; er geldt geen koudemiddelregel.")
    status = worst_status(r.status for _, _, r in verdicts)
    role, capacity, worst = next(v for v in verdicts if v[2].status == status)
    gwp = max(float(r.value) for _, _, r in verdicts)
    prefix = f"{role[:1].upper() + role[1:]} ({capacity:.0f} kW per unit, {equipment_type}): "
    return _check("refrigerant_lock_in", status, gwp, worst.unit, worst.threshold, prefix + worst.sentence,
                  worst.sentence_nl)


# ---------------------------------------------------------------------------------------
# PV before roof renovation
# ---------------------------------------------------------------------------------------


def pv_before_roof_renovation(
    pv_installed_year: int,
    roof_step_year: int | None,
    pv_kwp: float,
    *,
    removal_cost_eur_per_kwp: float = PV_REMOVAL_COST_EUR_PER_KWP,
    pv_lifetime_years: int = 25,
    end_of_life_years: int = 5,
    cost_included: bool = False,
) -> CheckResult:
    """Is PV laid on a roof that the renovation path insulates later?

    Parameters
    ----------
    pv_installed_year : int
        Year the PV is installed (same clock as ``roof_step_year``).
    roof_step_year : int or None
        Year the path renovates the roof; None when it never does.
    pv_kwp : float
        Installed PV [kWp], >= 0.
    removal_cost_eur_per_kwp : float
        Removal and reinstallation [EUR/kWp]; default :data:`PV_REMOVAL_COST_EUR_PER_KWP`
        (an assumption).
    pv_lifetime_years : int
        Service life of the PV [a] (default 25, a usual module warranty period).
    end_of_life_years : int
        A roof step in the last ``end_of_life_years`` of the PV's life only warns: the
        panels may then be replaced rather than reinstalled.
    cost_included : bool
        The removal and reinstallation is costed in the variant's investments
        (:func:`mgwsim.study.costs.variant_investments`): the verdict is then a ``warn`` that
        says so (the money is counted; insulating first would still save it).

    Returns
    -------
    CheckResult
        ``value`` = removal and reinstallation cost [EUR]; ``fail`` when the roof is
        renovated within the PV's life (before its last years) and the cost is not counted,
        ``warn`` near its end of life or when the cost is counted, ``pass`` when the roof
        comes first, never, or after the PV's life.
    """
    owner = "pv_before_roof_renovation"
    kwp = check_number(pv_kwp, "pv_kwp", owner=owner, low=0.0, high=1e4, unit="kWp")
    price = check_number(removal_cost_eur_per_kwp, "removal_cost_eur_per_kwp", owner=owner, low=0.0, high=2000.0,
                         unit="EUR/kWp")
    life = int(check_number(pv_lifetime_years, "pv_lifetime_years", owner=owner, low=1, high=60))
    tail = int(check_number(end_of_life_years, "end_of_life_years", owner=owner, low=0, high=life))
    pv_year = int(check_number(pv_installed_year, "pv_installed_year", owner=owner, low=0, high=2200))
    cost = kwp * price
    if roof_step_year is None or kwp == 0.0:
        return _check("pv_before_roof", "pass", 0.0, "EUR", 0.0,
                      "The path does not renovate the roof under the PV, so the panels never have to come off.",
                      "Het dak onder de zonnepanelen wordt niet gerenoveerd; de panelen moeten er nooit af.")
    roof_year = int(check_number(roof_step_year, "roof_step_year", owner=owner, low=0, high=2200))
    age = roof_year - pv_year
    if age <= 0 or age >= life:
        return _check("pv_before_roof", "pass", 0.0, "EUR", 0.0,
                      f"The roof is renovated in {roof_year}, {'before' if age <= 0 else 'after the end of life of'} the "
                      f"PV installed in {pv_year}: no removal and reinstallation needed.",
                      f"Het dak wordt in {roof_year} gerenoveerd, {'voor' if age <= 0 else 'na'} de zonnepanelen: "
                      "niet demonteren en herplaatsen.")
    near_end = age >= life - tail
    status = "warn" if near_end or cost_included else "fail"
    en = (f"The PV ({kwp:g} kWp, {pv_year}) lies on a roof the path insulates in {roof_year}, {age} years later: "
          f"removing and reinstalling it costs about EUR {cost:,.0f} (assumed {price:g} EUR/kWp)")
    nl = (f"De zonnepanelen ({kwp:g} kWp) liggen op een dak dat in {roof_year} geïsoleerd wordt: demonteren en "
          f"herplaatsen kost ongeveer € {_num(cost, 'nl')}")
    if near_end:
        tail_en, tail_nl = "; near the panels' end of life, consider replacing them then.", "; vervang ze dan eventueel."
    elif cost_included:
        tail_en = ", counted in the investments; insulating the roof first or together with the PV would save it."
        tail_nl = ", meegerekend in de investeringen; het dak eerst of samen met de plaatsing isoleren bespaart dat."
    else:
        tail_en, tail_nl = "; insulate the roof first or together with the PV.", "; isoleer het dak eerst of samen met de plaatsing."
    return _check("pv_before_roof", status, cost, "EUR", 0.0, en + tail_en, nl + tail_nl)


# ---------------------------------------------------------------------------------------
# grid connection
# ---------------------------------------------------------------------------------------


def connection_capacity(
    peak_import_kw,
    existing_connection_kva: float,
    *,
    power_factor: float = CONNECTION_POWER_FACTOR,
    mv_threshold_kva: float = MV_THRESHOLD_KVA,
    upgrade_cost_eur: float | None = None,
) -> CheckResult:
    """Does the building's grid connection carry the new peak, or is medium voltage needed?

    Parameters
    ----------
    peak_import_kw : float or array
        Peak hourly grid import [kW] (heat pumps, backup, booster and the other loads on
        the connection); an hourly series is reduced to its maximum. Hourly means hide
        15-minute peaks: add a margin where they matter.
    existing_connection_kva : float
        The connection's present capacity [kVA], > 0.
    power_factor : float
        cos φ of the load [-] to turn kW into kVA (default
        :data:`mgwsim.electric.CONNECTION_POWER_FACTOR`, 0.95: the reactive-energy threshold of the Flemish
        grid rules).
    mv_threshold_kva : float
        Connection power above which medium voltage is needed [kVA]
        (default :data:`MV_THRESHOLD_KVA`, not verified).
    upgrade_cost_eur : float, optional
        The low-voltage reinforcement's cost excl. VAT [EUR] when the study includes it in the
        variant's investment (:func:`mgwsim.study.costs.connection_upgrade_eur`); the ``warn``
        sentence then says so instead of asking to consult Fluvius.

    Returns
    -------
    CheckResult
        ``value`` = required apparent power [kVA]; ``pass`` within the existing connection,
        ``warn`` when a low-voltage reinforcement suffices, ``fail`` above ``mv_threshold_kva``.
    """
    owner = "connection_capacity"
    peak = float(np.max(check_series(np.atleast_1d(peak_import_kw), "peak_import_kw", owner=owner, low=0.0)))
    existing = check_positive(existing_connection_kva, "existing_connection_kva", owner=owner, unit="kVA")
    pf = check_number(power_factor, "power_factor", owner=owner, low=0.5, high=1.0)
    mv = check_positive(mv_threshold_kva, "mv_threshold_kva", owner=owner, unit="kVA")
    need = peak / pf
    if fits_kva(need, existing):
        shown, cap = _kva_that_fits(need, existing), _kva(existing, "exact")
        return _check("connection_capacity", "pass", need, "kVA", existing,
                      f"The peak of {shown} kVA fits the existing {cap} kVA connection.",
                      f"De piek van {_kva_that_fits(need, existing, 'nl')} kVA past in de bestaande aansluiting van "
                      f"{_kva(existing, 'exact', 'nl')} kVA.")
    over, over_nl = _kva(need, "up"), _kva(need, "up", "nl")
    cap, cap_nl = _kva(existing, "exact"), _kva(existing, "exact", "nl")
    if need <= mv and upgrade_cost_eur is not None:
        cost = check_number(upgrade_cost_eur, "upgrade_cost_eur", owner=owner, low=0.0, unit="EUR")
        return _check("connection_capacity", "warn", need, "kVA", existing,
                      f"The peak of {over} kVA exceeds the existing {cap} kVA connection: the low-voltage "
                      f"reinforcement at Fluvius's connection prices (EUR {_num(cost)} excl. VAT) is included in the "
                      "investment.",
                      f"De piek van {over_nl} kVA is groter dan de aansluiting van {cap_nl} kVA: de verzwaring "
                      f"op laagspanning tegen de aansluitingstarieven van Fluvius (€ {_num(cost, 'nl')} excl. btw) zit "
                      "in de investering.")
    if need <= mv:
        return _check("connection_capacity", "warn", need, "kVA", existing,
                      f"The peak of {over} kVA exceeds the existing {cap} kVA connection: a low-voltage "
                      f"reinforcement is needed (ask Fluvius), or limit the peak with control.",
                      f"De piek van {over_nl} kVA is groter dan de aansluiting van {cap_nl} kVA: een "
                      "verzwaring op laagspanning is nodig (vraag Fluvius), of beperk de piek met sturing.")
    return _check("connection_capacity", "fail", need, "kVA", mv,
                  f"The peak of {over} kVA is above about {_kva(mv, 'exact')} kVA, where a medium-voltage connection "
                  "with its own cabin becomes necessary: a large extra cost unless the peak is limited.",
                  f"De piek van {over_nl} kVA ligt boven ongeveer {_kva(mv, 'exact', 'nl')} kVA: dan is een "
                  "middenspanningscabine nodig, een grote meerkost tenzij de piek beperkt wordt.")


def _kva(value: float, rounding: str, language: str = "en") -> str:
    """Apparent power [kVA] in whole kVA rounded ``"up"`` (:func:`mgwsim.electric.whole_kva`, the connection
    it needs, as the smallest-connection table shows it: 100.2 kVA reads "101 kVA", never "100 kVA exceeds
    100 kVA") or ``"exact"`` (a connection's rating, its decimals kept)."""
    if rounding == "exact":
        return format_number(value, language, next((d for d in range(2) if round(value, d) == value), 2))
    return format_number(whole_kva(value), language)


def _kva_that_fits(need: float, existing: float, language: str = "en") -> str:
    """A need [kVA] that fits ``existing`` [kVA], rounded up as :func:`_kva` does unless that would read above the
    rating (a need of 43.2 kVA on a 43.6 kVA connection, 3 × 63 A at 400 V, reads "43.6 kVA", not "44 kVA fits
    43.6 kVA")."""
    return _kva(need, "up", language) if whole_kva(need) <= existing else _kva(existing, "exact", language)


# ---------------------------------------------------------------------------------------
# heat network
# ---------------------------------------------------------------------------------------


def _plant_capacity_kw(plant: Plant) -> float:
    hp = _cascade_capacity_kw(plant.heat_pumps) if plant.heat_pumps is not None else 0.0
    return hp + plant.backup.capacity_kw


def heat_network_readiness(
    in_planned_zone: bool,
    plant: Plant,
    *,
    has_central_loop: bool,
    plant_room_area_m2: float,
    substation_area_m2: float = SUBSTATION_AREA_M2,
) -> CheckResult:
    """Can the building later switch to a heat network (*warmtenet*)?

    A heat-network substation replaces a central plant at the same place in the hydronic
    system: it needs a central heating (and hot-water) loop and floor space in the plant room.

    Parameters
    ----------
    in_planned_zone : bool
        The building lies in a zone where the municipality's heat plan foresees a network.
    plant : Plant
        The variant's plant (its heat capacity sizes the substation, named in the sentence).
    has_central_loop : bool
        The design keeps (or makes) a central hydronic loop to all apartments.
    plant_room_area_m2 : float
        Free floor area in the plant room after the variant is built [m²], >= 0.
    substation_area_m2 : float
        Floor area a substation needs [m²] (default :data:`SUBSTATION_AREA_M2`, an assumption).

    Returns
    -------
    CheckResult
        ``value`` = free area [m²]; in a planned zone ``pass`` with a central loop and room,
        ``warn`` with a loop but too little room, ``fail`` without a central loop. Outside a
        planned zone a missing loop only warns.
    """
    owner = "heat_network_readiness"
    area = check_number(plant_room_area_m2, "plant_room_area_m2", owner=owner, low=0.0, high=1e4, unit="m2")
    need = check_positive(substation_area_m2, "substation_area_m2", owner=owner, unit="m2")
    kw = _plant_capacity_kw(plant)
    zone_en = "in a planned heat-network zone" if in_planned_zone else "outside a planned heat-network zone"
    zone_nl = "in een gepland warmtenetgebied" if in_planned_zone else "buiten een gepland warmtenetgebied"
    args = ("heat_network_readiness", area, "m2", need)
    if not has_central_loop:
        return _check(args[0], "fail" if in_planned_zone else "warn", *args[1:],
                      f"The building lies {zone_en} but the design has no central heating loop: a heat network "
                      "could only be connected after new collective pipework to every apartment.",
                      f"Het gebouw ligt {zone_nl}, maar zonder centrale verwarmingskring: aansluiten op een warmtenet "
                      "vraagt eerst nieuwe collectieve leidingen.")
    if area < need and in_planned_zone:
        return _check(args[0], "warn", *args[1:],
                      f"The central loop can take a heat-network substation of about {kw:.0f} kW, but the plant room "
                      f"has {_num(area, against=(need,))} m² free where about {_num(need)} m² is needed "
                      "(assumption): reserve the space.",
                      f"De centrale kring kan op een warmtenet, maar de technische ruimte heeft "
                      f"{_num(area, 'nl', against=(need,))} m² vrij waar ongeveer {_num(need, 'nl')} m² nodig is: "
                      "reserveer die ruimte.")
    return _check(args[0], "pass", *args[1:],
                  f"The building lies {zone_en}; the design keeps a central loop"
                  + (f" and {_num(area, against=(need,))} m² for a substation of about {kw:.0f} kW"
                     if area >= need else "")
                  + ", so it can switch to a heat network later.",
                  f"Het gebouw ligt {zone_nl}; het ontwerp behoudt een centrale kring en kan later op een warmtenet.")


def heat_network_temperature(system_result, max_loop_supply_degc: float, *, network_name: str = "the heat network",
                             label: str = "as is") -> CheckResult:
    """Can the heat network heat the building: does its supply, through the substation, reach the
    supply temperature the radiators need in every hour?

    The substation delivers what the loop asks (the year's comfort assumes it); this check judges
    whether the network's guaranteed supply minus the substation approach
    (:attr:`mgwsim.heat_network.HeatNetwork.max_loop_supply_degc`) covers the required supply
    temperature (EN 442 radiator model, ``supply_required_degc``). ``fail`` in any hour above it:
    the radiators (or the envelope) must change before the network can carry the building, a
    temperature lock-in like the heat pumps' (:func:`temperature_lock_in`).

    Returns
    -------
    CheckResult
        ``value`` = hours above the limit [h], ``threshold`` = the loop's highest supply [°C].
    """
    limit = check_number(max_loop_supply_degc, "max_loop_supply_degc", owner="heat_network_temperature", low=20.0,
                         high=130.0, unit="°C")
    h = system_result.hourly
    required = h["supply_required_degc"].to_numpy()
    above = required > limit + 1e-9
    hours = _hours(above.sum(), _step_h(system_result))
    state, state_nl = _state_text(label)
    args = ("heat_network_temperature", hours, "h", limit)
    if hours == 0:
        return _check(args[0], "pass", *args[1:],
                      f"{state}, {network_name} reaches through its substation the supply temperature the "
                      f"radiators need in every hour (at most {_num(float(required.max()))} °C, limit "
                      f"{_num(limit)} °C).",
                      f"{state_nl}: {network_name} haalt via het onderstation elk uur de aanvoertemperatuur die de "
                      f"radiatoren vragen (hoogstens {_num(float(required.max()), 'nl')} °C, grens "
                      f"{_num(limit, 'nl')} °C).")
    peak = float(required[above].max())
    return _check(args[0], "fail", *args[1:],
                  f"{state}, in {hours} hours the radiators need up to {_num(peak)} °C, above the {_num(limit)} °C "
                  f"{network_name} delivers through its substation: larger radiators or the envelope steps first.",
                  f"{state_nl}: in {hours} uren vragen de radiatoren tot {_num(peak, 'nl')} °C, meer dan de "
                  f"{_num(limit, 'nl')} °C die {network_name} via het onderstation levert: eerst grotere radiatoren "
                  "of de isolatiestappen.")


# ---------------------------------------------------------------------------------------
# hot-water hygiene
# ---------------------------------------------------------------------------------------


_BACKUP_NAMES = {"gas_boiler": ("the gas boiler", "de gasketel"), "electric": ("the electric backup", "de elektrische back-up")}


def _helpers_text(booster_kwh: float, backup_kwh: float, backup_kind: str, language: str = "en") -> str:
    """What heats the water besides the heat pumps, with its energy, in ``language``."""
    nl = language == "nl"
    parts = []
    if booster_kwh > _ENERGY_TOLERANCE_KWH:
        parts.append(f"{'de elektrische naverwarming' if nl else 'the electric booster'} "
                     f"({_num(booster_kwh, language)} kWh/{'jaar' if nl else 'a'})")
    if backup_kwh > _ENERGY_TOLERANCE_KWH:
        name = _BACKUP_NAMES.get(backup_kind, (f"the {backup_kind.replace('_', ' ')} backup",
                                               f"de back-up ({backup_kind.replace('_', ' ')})"))[nl]
        parts.append(f"{name} ({_num(backup_kwh, language)} kWh/{'jaar warmte' if nl else 'a of heat'})")
    return (" en " if nl else " and ").join(parts)


def hot_water_hygiene(system_result, rules: LegionellaRules = LegionellaRules(), *, tolerated_hours: int = 0) -> CheckResult:
    """Is the hot water kept at legionella-safe temperatures, and by what?

    The kernel flags hours in which the tank's outlet (its top node) is more than 0.5 K below
    the plant's setpoint (``dhw_below_setpoint``), counts the hot water it could not deliver
    (``dhw_unmet_kwh``: the tank held no water at the useful temperature) and, when the
    circulation loop is simulated, its return temperature (``dhw_loop_return_degc``, more than
    0.5 K below ``rules.circulation_return_min_degc`` counts). Each of the three fails the check
    beyond ``tolerated_hours``: hot water that runs out, or stays below the legionella minima.

    Parameters
    ----------
    system_result : SystemResult
    rules : LegionellaRules
        Temperature limits (Flemish legionella decree of 9 Feb 2007, CEN/TR 16355).
    tolerated_hours : int
        Hours below the setpoint tolerated in a year (default 0).

    Returns
    -------
    CheckResult
        ``value`` = share of the hot-water heat from booster and backup [-]; ``fail`` when
        the setpoint is below the rules, or hot water is unmet, the tank is below its setpoint
        or the loop's return below its minimum for more than ``tolerated_hours``; ``warn``
        when a booster or backup is needed; else ``pass``.
    """
    owner = "hot_water_hygiene"
    if not isinstance(rules, LegionellaRules):
        raise InputError(f"{owner}.rules must be LegionellaRules, got {type(rules).__name__}")
    tolerated = check_number(tolerated_hours, "tolerated_hours", owner=owner, low=0, high=8784)
    plant, h = system_result.plant, system_result.hourly
    setpoint = plant.hot_water.setpoint_degc
    below = _hours((h["dhw_below_setpoint"] > 0.5).sum(), _step_h(system_result))
    booster, backup = float(h["booster_kwh"].sum()), float(h["backup_heat_dhw_kwh"].sum())
    total = booster + backup + float(h["hp_heat_dhw_kwh"].sum())
    share = (booster + backup) / total if total > 0 else 0.0
    args = ("hot_water_hygiene", share, "share of hot-water heat", 0.0)
    if setpoint < rules.storage_min_degc:
        return _check(args[0], "fail", *args[1:],
                      f"The hot-water setpoint of {setpoint:g} °C is below the {rules.storage_min_degc:g} °C the "
                      "legionella rules ask for storage.",
                      f"De boilertemperatuur van {setpoint:g} °C ligt onder de {rules.storage_min_degc:g} °C van de "
                      "legionellaregels.")
    step_h = _step_h(system_result)
    unmet = h["dhw_unmet_kwh"].to_numpy() if "dhw_unmet_kwh" in h.columns else np.zeros(len(h))
    unmet_hours = _hours((unmet > 1e-6).sum(), step_h)
    if unmet_hours > tolerated:
        return _check(args[0], "fail", *args[1:],
                      f"The hot water runs out in {unmet_hours} hours: {_num(float(unmet.sum()), 'en')} kWh a year of "
                      "hot water is not delivered; the tank or the heat pump making it is too small.",
                      f"Het warm water raakt op in {unmet_hours} uren: {_num(float(unmet.sum()), 'nl')} kWh per jaar "
                      "warm water wordt niet geleverd; de boiler of de warmtepomp die hem opwarmt is te klein.")
    if below > tolerated:
        return _check(args[0], "fail", *args[1:],
                      f"The hot-water tank falls below {setpoint:g} °C in {below} hours: the legionella minimum "
                      f"({rules.storage_min_degc:g} °C storage, {rules.circulation_return_min_degc:g} °C circulation) "
                      "is not kept; add a booster or a higher-temperature heat pump.",
                      f"De boiler zakt in {below} uren onder {setpoint:g} °C: de legionellaregels worden niet gehaald.")
    loop_return = h["dhw_loop_return_degc"].to_numpy() if "dhw_loop_return_degc" in h.columns else np.zeros(0)
    cold_loop = _hours((loop_return < rules.circulation_return_min_degc - 0.5).sum(), step_h)
    if cold_loop > tolerated:
        return _check(args[0], "fail", *args[1:],
                      f"The circulation loop returns below {rules.circulation_return_min_degc:g} °C in {cold_loop} "
                      "hours: the legionella minimum for circulating water is not kept; raise the tank temperature "
                      "or insulate the loop.",
                      f"De circulatieleiding komt in {cold_loop} uren terug onder "
                      f"{rules.circulation_return_min_degc:g} °C: de legionellaregels worden niet gehaald.")
    helpers = _helpers_text(booster, backup, plant.backup.kind)
    helpers_nl = _helpers_text(booster, backup, plant.backup.kind, "nl")
    if helpers and float(h["hp_heat_dhw_kwh"].sum()) <= _ENERGY_TOLERANCE_KWH:
        return _check(args[0], "warn", *args[1:],
                      f"No heat pump heats the water: {helpers} keeps it at {setpoint:g} °C.",
                      f"Geen warmtepomp warmt het water op: {helpers_nl} houdt het op {setpoint:g} °C.")
    if helpers:
        return _check(args[0], "warn", *args[1:],
                      f"The hot water is kept at {setpoint:g} °C, but only with {helpers}: {_pct(share)} of the "
                      "hot-water heat does not come from the heat pumps.",
                      f"Het warm water blijft op {setpoint:g} °C, maar enkel met {helpers_nl}: {_pct(share, 'nl')} van "
                      "de warmte voor warm water komt niet van de warmtepompen.")
    return _check(args[0], "pass", *args[1:],
                  f"The heat pumps alone keep the hot water at {setpoint:g} °C in every hour, as the legionella rules ask.",
                  f"De warmtepompen houden het warm water elk uur zelf op {setpoint:g} °C, zoals de legionellaregels vragen.")
