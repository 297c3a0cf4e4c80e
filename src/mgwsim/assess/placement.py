"""Placement checks of the heat pumps: refrigerant charge (EN 378-1), noise at the nearest window (VLAREM II), space.

Three pass/warn/fail checks (:class:`~mgwsim.assess.CheckResult`) for the study's risks, each with the
value it judged and the limit it judged it against:

* :func:`charge_limit_check` -- the refrigerant charge of one circuit against the largest charge
  EN 378-1:2016 Annex C allows where the unit stands (an outdoor monobloc, or an indoor plant room);
* :func:`noise_check` -- the sound pressure level of the outdoor units at the nearest window
  (ISO 9613-2:1996, simple form) against the Flemish environmental quality standards for noise in
  open air (VLAREM II, Annex 2.2.1) of the zone, at night and by day;
* :func:`space_check` -- the footprint of the units (with service clearance) against the roof
  left after the PV, the ground area given, or the plant room.

The inputs are a :class:`Placement` (in :class:`~mgwsim.study.Variant` and the TOML ``[variants.placement]``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mgwsim._format import format_number
from mgwsim.assess.checks import CheckResult
from mgwsim.errors import InputError, check_choice, check_integer, check_number

PLACEMENT_CHECKS = ("refrigerant_charge", "outdoor_noise", "unit_space", "heat_source")
"""Names of the placement checks (and the study's heat-source check): judged on today's plant, the same at
every step of a renovation path; shown among the risks on page one."""

LOCATIONS = ("outdoor", "indoor", "machinery_room")
UNITS_ON = ("roof", "ground", "plant_room")


LFL_KG_M3 = {"R290": 0.038, "R600a": 0.043, "R1270": 0.046, "R32": 0.307, "R1234yf": 0.289, "R1234ze(E)": 0.303}
"""Lower flammability limit [kg/m³] of flammable refrigerants, EN 378-1:2016 Annex E Table E.1 (as
ISO 817:2014). Blends (R454B, R454C, R452B) are not encoded: give their charge check by hand."""

PRACTICAL_ROOM_FRACTION = 0.20
"""Share of the LFL that a full leak may reach in the room, EN 378-1:2016 Annex C Table C.2 ("20 % × LFL ×
room volume") for applications other than human comfort in occupied buildings [-]."""

M3_FACTOR_M3 = 130.0
"""EN 378-1:2016 C.2: m3 = 130 m³ × LFL [kg]; the cap of a flammable charge in open air or a machinery
room (occupancy category a, above ground) is taken as 1.5 × m3 (Table C.2, as read by mgwsim: check the
standard's table for the occupancy category and location class of the site)."""

ROOM_HEIGHT_M = 2.5
"""Height used to turn the plant room's area into its volume when no volume is given [m] (an assumption)."""

CHARGE_KG_PER_KW = {"R290": 0.15}
"""Refrigerant charge per kW of rated heat output when the product's charge is not given [kg/kW]: 0.15 for
R290 monobloc air/water units, an mgwsim assumption of the order of manufacturers' datasheets (about
1-2 kg for 8-12 kW units; not verified). Give the product's charge (its nameplate) instead."""

DEFAULT_CHARGE_KG_PER_KW = 0.25
"""The same for other refrigerants [kg/kW] (an mgwsim assumption, not verified)."""

VLAREM_ZONES_DBA = {
    "rural": (40.0, 35.0, 30.0),
    "near_industry": (50.0, 45.0, 45.0),
    "near_sme": (50.0, 45.0, 40.0),
    "residential": (45.0, 40.0, 35.0),
    "industrial": (60.0, 55.0, 55.0),
    "recreation": (50.0, 45.0, 40.0),
    "other": (45.0, 40.0, 35.0),
    "buffer": (55.0, 50.0, 50.0),
    "near_gravel_extraction": (55.0, 50.0, 45.0),
    "agricultural": (45.0, 40.0, 35.0),
}
"""Environmental quality standards for noise in open air, LA95-based [dB(A)] as (day, evening, night), by
zone of the land-use plan: VLAREM II (Flemish Government decree of 1 June 1995), Annex 2.2.1 "Milieukwaliteits-
normen voor geluid in open lucht" (1° rural and holiday-recreation areas; 2° within 500 m of industrial or
public-utility areas; 3° within 500 m of SME, service or extraction areas; 4° residential areas ('woon-
gebieden'); 5° industrial and service areas; 6° recreation areas; 7° all other areas; 8° buffer zones; 9° within
500 m of gravel extraction; 10° agricultural areas). Day 7-19 h, evening 19-22 h, night 22-7 h."""

ECODESIGN_OUTDOOR_LW_DBA = ((6.0, 65.0), (12.0, 70.0), (30.0, 78.0), (70.0, 88.0))
"""Largest outdoor sound power level of a heat pump space heater [dB(A)] by rated heat output up to [kW]:
Commission Regulation (EU) No 813/2013, Annex II, point 3 (≤ 6 kW: 65; ≤ 12: 70; ≤ 30: 78; ≤ 70: 88). Used as
the (pessimistic) sound power of a unit whose datasheet value is not given; above 70 kW, 88 dB(A)."""

FOOTPRINT_M2 = (2.0, 0.06)
"""Area of one outdoor unit with its service and air clearances [m²] = 2.0 + 0.06 × rated kW (an mgwsim
assumption of the order of manufacturers' installation manuals: about 5.6 m² for a 60 kW unit; not verified)."""

PV_GROUND_COVER = 0.7
"""Module area over roof area taken by a PV array without its own row spacing [-] (an mgwsim assumption:
walkways and edge distances)."""


@dataclass(frozen=True)
class Placement:
    """Where the heat pumps stand, and what the placement checks need.

    Parameters
    ----------
    location : {'outdoor', 'indoor', 'machinery_room'}
        Of the refrigerant circuit: an outdoor monobloc (only water enters the building), an indoor
        unit in the plant room, or a machinery room built to EN 378-3 (gas detection, ventilation).
    units_on : {'roof', 'ground', 'plant_room'}
        Where the units take their space.
    charge_kg : float, optional
        Refrigerant charge of one unit's circuit [kg]; default estimated by :data:`CHARGE_KG_PER_KW`.
    room_volume_m3 : float, optional
        Volume of the plant room [m³] (indoor); default the study's plant-room area × :data:`ROOM_HEIGHT_M`.
    sound_power_dba : float, optional
        A-weighted sound power level of one outdoor unit at full load [dB(A)] (datasheet, EN 12102-1);
        default the Ecodesign maximum (:data:`ECODESIGN_OUTDOOR_LW_DBA`).
    window_distance_m : float
        Distance from the units to the nearest window of a dwelling (the building's own or a
        neighbour's) [m].
    reflecting_planes : int
        Reflecting planes next to the units: 1 on a free roof or ground (hemispherical
        radiation), 2 against a wall, 3 in a corner.
    zone : str
        Zone of the land-use plan (a key of :data:`VLAREM_ZONES_DBA`; default 'residential').
    unit_footprint_m2 : float, optional
        Area one unit takes with its clearances [m²]; default :data:`FOOTPRINT_M2`.
    available_area_m2 : float, optional
        Area where the units may stand [m²]: on the roof, default the flat roof's area (its roof
        elements) less the PV; on the ground, required; in the plant room, the study's plant-room area.
    """

    location: str = "outdoor"
    units_on: str = "roof"
    charge_kg: float | None = None
    room_volume_m3: float | None = None
    sound_power_dba: float | None = None
    window_distance_m: float = 8.0
    reflecting_planes: int = 1
    zone: str = "residential"
    unit_footprint_m2: float | None = None
    available_area_m2: float | None = None

    def __post_init__(self):
        owner = "Placement"
        check_choice(self.location, "location", LOCATIONS, owner=owner)
        check_choice(self.units_on, "units_on", UNITS_ON, owner=owner)
        check_choice(self.zone, "zone", tuple(VLAREM_ZONES_DBA), owner=owner)
        if self.charge_kg is not None:
            check_number(self.charge_kg, "charge_kg", owner=owner, low=0.0, low_inclusive=False, high=5000.0, unit="kg")
        if self.room_volume_m3 is not None:
            check_number(self.room_volume_m3, "room_volume_m3", owner=owner, low=1.0, high=1e5, unit="m³")
        if self.sound_power_dba is not None:
            check_number(self.sound_power_dba, "sound_power_dba", owner=owner, low=20.0, high=130.0, unit="dB(A)")
        check_number(self.window_distance_m, "window_distance_m", owner=owner, low=0.5, high=1000.0, unit="m")
        check_integer(self.reflecting_planes, "reflecting_planes", owner=owner, low=1, high=3)
        if self.unit_footprint_m2 is not None:
            check_number(self.unit_footprint_m2, "unit_footprint_m2", owner=owner, low=0.1, high=500.0, unit="m²")
        if self.available_area_m2 is not None:
            check_number(self.available_area_m2, "available_area_m2", owner=owner, low=0.0, high=1e6, unit="m²")

    @classmethod
    def default_for(cls, source: str | None) -> Placement:
        """Outdoor monoblocs on the roof for air; indoor units in the plant room for the other sources."""
        if source in (None, "air"):
            return cls()
        return cls(location="indoor", units_on="plant_room")


# ------------------------------------------------------------------------------ refrigerant charge
def allowed_charge_kg(refrigerant: str, location: str, room_volume_m3: float | None = None) -> float:
    """Largest refrigerant charge of one circuit [kg] for a flammable refrigerant, EN 378-1:2016 Annex C.

    With the refrigerant's LFL [kg/m³] (:data:`LFL_KG_M3`) and m3 = 130 m³ × LFL (C.2):

    * ``'outdoor'`` (location class III, open air) and ``'machinery_room'`` (class III, a machinery
      room to EN 378-3): 1.5 × m3 (occupancy category a, above ground; Table C.2 as read by mgwsim);
    * ``'indoor'`` (the circuit in a plant room that is not a machinery room): the room-volume rule
      of Table C.2, ``20 % × LFL × V_room`` [kg, V in m³], and at most 1.5 × m3.

    For R290 (LFL 0.038 kg/m³): 7.41 kg outdoors; 0.38 kg in a 50 m³ plant room.
    """
    owner = "allowed_charge_kg"
    check_choice(location, "location", LOCATIONS, owner=owner)
    if refrigerant not in LFL_KG_M3:
        raise InputError(f"{owner}.refrigerant = {refrigerant!r} has no LFL in mgwsim; allowed: "
                         f"{', '.join(LFL_KG_M3)}")
    lfl = LFL_KG_M3[refrigerant]
    cap = 1.5 * M3_FACTOR_M3 * lfl
    if location != "indoor":
        return cap
    volume = check_number(room_volume_m3, "room_volume_m3", owner=owner, low=1.0, high=1e5, unit="m³")
    return min(PRACTICAL_ROOM_FRACTION * lfl * volume, cap)


def estimated_charge_kg(refrigerant: str, unit_kw: float) -> float:
    """Charge of one unit estimated from its rated output [kg] (:data:`CHARGE_KG_PER_KW`)."""
    return CHARGE_KG_PER_KW.get(refrigerant, DEFAULT_CHARGE_KG_PER_KW) * unit_kw


def charge_limit_check(refrigerant: str, unit_kw: float, placement: Placement, *,
                       plant_room_area_m2: float) -> CheckResult:
    """The charge of one unit's circuit against :func:`allowed_charge_kg` where it stands.

    ``fail`` above the allowed charge (with a given charge) -- or with an estimated one that exceeds it by
    more than half; ``warn`` with an estimated charge above 80 % of the limit; ``pass`` otherwise, and for a
    non-flammable refrigerant (safety class A1: its toxicity limit (ATEL/ODL) is not checked here).
    """
    name = "refrigerant_charge"
    given = placement.charge_kg is not None
    charge = placement.charge_kg if given else estimated_charge_kg(refrigerant, unit_kw)
    how = "" if given else f" (estimated at {CHARGE_KG_PER_KW.get(refrigerant, DEFAULT_CHARGE_KG_PER_KW):g} kg/kW)"
    how_nl = "" if given else " (geschat)"
    if refrigerant not in LFL_KG_M3:
        return CheckResult(name, "pass", round(charge, 2), "kg", None,
                           f"{refrigerant or 'The refrigerant'} is not among the flammable refrigerants mgwsim checks; "
                           f"the EN 378-1 charge limit for flammability does not bind (toxicity limits not checked).",
                           f"{refrigerant or 'Het koelmiddel'} is geen brandbaar koelmiddel dat mgwsim toetst; de "
                           "EN 378-1-grens voor brandbaarheid speelt niet (toxiciteit niet getoetst).")
    volume = placement.room_volume_m3 if placement.room_volume_m3 is not None else plant_room_area_m2 * ROOM_HEIGHT_M
    allowed = allowed_charge_kg(refrigerant, placement.location, volume)
    where = {"outdoor": "an outdoor monobloc (open air)", "indoor": f"a plant room of {_n(volume, 'en')} m³",
             "machinery_room": "a machinery room to EN 378-3"}[placement.location]
    where_nl = {"outdoor": "een buitenopstelling (monoblock)", "indoor": f"een stookruimte van {_n(volume, 'nl')} m³",
                "machinery_room": "een machinekamer volgens EN 378-3"}[placement.location]
    ratio = charge / allowed
    if ratio > 1.0 and (given or ratio > 1.5):
        status = "fail"
    elif ratio > 0.8:
        status = "warn"
    else:
        status = "pass"
    above = ratio > 1.0  # an estimated charge above the limit is a warning, but it is said to be above it
    verdict = {"fail": "exceeds", "warn": "exceeds" if above else "comes close to", "pass": "stays within"}[status]
    verdict_nl = {"fail": "overschrijdt", "warn": "overschrijdt" if above else "nadert", "pass": "blijft binnen"}[status]
    advice = advice_nl = ""
    if status == "warn" and above:
        advice = " The charge is an estimate: the unit's datasheet charge decides."
        advice_nl = " De vulling is een schatting: de vulling op het gegevensblad van het toestel beslist."
    if status != "pass" and placement.location == "indoor":
        advice += " Place the unit outdoors or build a machinery room to EN 378-3 (gas detection, ventilation)."
        advice_nl += (" Plaats het toestel buiten of bouw een machinekamer volgens EN 378-3 (gasdetectie, "
                     "ventilatie).")
    return CheckResult(
        name, status, round(charge, 2), "kg", round(allowed, 2),
        f"The {refrigerant} charge of one unit, {_n(charge, 'en', 2)} kg{how}, {verdict} the {_n(allowed, 'en', 2)} kg "
        f"EN 378-1:2016 "
        f"Annex C allows in {where} (LFL {LFL_KG_M3[refrigerant]} kg/m³).{advice}",
        f"De {refrigerant}-vulling van één toestel, {_n(charge, 'nl', 2)} kg{how_nl}, {verdict_nl} de "
        f"{_n(allowed, 'nl', 2)} kg die EN 378-1:2016 bijlage C toelaat in {where_nl}.{advice_nl}")


def _n(value: float, language: str, decimals: int = 0) -> str:
    """A number in the sentence's language (``9.00`` / ``9,00``)."""
    return format_number(value, language, decimals)


# ------------------------------------------------------------------------------ noise
def sound_pressure_dba(sound_power_dba: float, distance_m: float, *, reflecting_planes: int = 1,
                       n_units: int = 1) -> float:
    """A-weighted sound pressure level at ``distance_m`` from point sources [dB(A)].

    ISO 9613-2:1996 eq. (3) with geometric divergence only (eq. 7, ``A_div = 20 lg(d / 1 m) + 11 dB``)
    and the directivity of a source by reflecting planes, ``D = 10 lg Q`` with Q = 2, 4, 8 for 1, 2, 3
    planes (hemisphere, wall, corner)::

        L_p = L_W + 10 lg n + 10 lg Q - 20 lg d - 11

    Atmospheric and ground absorption and screening are neglected (conservative within tens of metres);
    ``n_units`` equal units at about the same distance add ``10 lg n``.
    """
    owner = "sound_pressure_dba"
    check_number(sound_power_dba, "sound_power_dba", owner=owner, low=0.0, high=150.0, unit="dB(A)")
    check_number(distance_m, "distance_m", owner=owner, low=0.5, high=1e4, unit="m")
    check_integer(reflecting_planes, "reflecting_planes", owner=owner, low=1, high=3)
    check_integer(n_units, "n_units", owner=owner, low=1, high=100)
    q = 2.0 ** reflecting_planes
    return sound_power_dba + 10.0 * math.log10(n_units) + 10.0 * math.log10(q) - 20.0 * math.log10(distance_m) - 11.0


def ecodesign_outdoor_lw_dba(unit_kw: float) -> float:
    """The Ecodesign ceiling of a unit's outdoor sound power [dB(A)] (:data:`ECODESIGN_OUTDOOR_LW_DBA`)."""
    for up_to, lw in ECODESIGN_OUTDOOR_LW_DBA:
        if unit_kw <= up_to:
            return lw
    return ECODESIGN_OUTDOOR_LW_DBA[-1][1]


def noise_check(unit_kw: float, n_units: int, placement: Placement) -> CheckResult:
    """Sound pressure of the outdoor units at the nearest window against VLAREM II Annex 2.2.1 of the zone.

    The units run at night in winter, so the night standard binds: ``fail`` above it (a given sound
    power), ``warn`` above it with the Ecodesign-ceiling default or within 3 dB of it, ``pass`` otherwise.
    Indoor units: ``pass`` (their noise stays in the plant room; airborne noise of the building's own
    services is a matter of NBN S 01-400-1, not checked).
    """
    name = "outdoor_noise"
    day, _evening, night = VLAREM_ZONES_DBA[placement.zone]
    if placement.location != "outdoor":
        return CheckResult(name, "pass", None, "dB(A)", night,
                           "The heat pumps stand indoors: no outdoor unit faces a window.",
                           "De warmtepompen staan binnen: geen buitentoestel staat voor een raam.")
    given = placement.sound_power_dba is not None
    lw = placement.sound_power_dba if given else ecodesign_outdoor_lw_dba(unit_kw)
    lp = sound_pressure_dba(lw, placement.window_distance_m, reflecting_planes=placement.reflecting_planes,
                            n_units=n_units)
    if lp > night:
        status = "fail" if given else "warn"
    elif lp > night - 3.0:
        status = "warn"
    else:
        status = "pass"
    source = "" if given else " (sound power not given: the Ecodesign ceiling of Regulation (EU) 813/2013)"
    source_nl = "" if given else " (geluidsvermogen niet opgegeven: het Ecodesign-maximum)"
    todo, todo_nl = _noise_remedy(lw, lp, night, given)
    return CheckResult(
        name, status, round(lp, 1), "dB(A)", night,
        f"{n_units} outdoor unit(s) of {lw:.0f} dB(A){source} give {lp:.1f} dB(A) at the nearest window "
        f"{placement.window_distance_m:g} m away (ISO 9613-2); the VLAREM II standard for a {placement.zone} zone "
        f"is {night:.0f} dB(A) at night and {day:.0f} dB(A) by day.{todo}",
        f"{n_units} buitentoestel(len) van {_n(lw, 'nl')} dB(A){source_nl} geven {_n(lp, 'nl', 1)} dB(A) aan het "
        f"dichtste raam op {_n(placement.window_distance_m, 'nl', 1)} m (ISO 9613-2); de VLAREM II-norm is 's nachts "
        f"{_n(night, 'nl')} dB(A) en overdag {_n(day, 'nl')} dB(A).{todo_nl}")


def _noise_remedy(lw: float, lp: float, night: float, given: bool) -> tuple[str, str]:
    """What a night level ``lp`` above the standard ``night`` [dB(A)] asks of the design (English, Dutch); nothing
    at or below it. Lp falls dB for dB with the units' sound power Lw (ISO 9613-2, as
    :func:`sound_pressure_dba`), so each unit may give at most Lw − (Lp − night) at this distance."""
    if lp <= night:
        return "", ""
    excess, most = lp - night, math.floor(lw - (lp - night))
    en = (f"the night standard asks {excess:.0f} dB less, i.e. at most {most} dB(A) per unit at this distance, or the "
          "units farther from the windows or behind a screen (an acoustic study).")
    nl = (f"de nachtnorm vraagt {_n(excess, 'nl')} dB minder, dus hoogstens {most} dB(A) per toestel op deze afstand, "
          "of de toestellen verder van de ramen of achter een scherm (een akoestische studie).")
    if given:
        return f" {en[0].upper()}{en[1:]}", f" {nl[0].upper()}{nl[1:]}"
    return (f" The units' datasheet sound power decides: {en}", f" Het geluidsvermogen op de datasheet beslist: {nl}")


# ------------------------------------------------------------------------------ space
def unit_footprint_m2(unit_kw: float, placement: Placement) -> float:
    """Area one unit takes with its clearances [m²] (:data:`FOOTPRINT_M2` unless given)."""
    if placement.unit_footprint_m2 is not None:
        return placement.unit_footprint_m2
    base, per_kw = FOOTPRINT_M2
    return base + per_kw * unit_kw


def pv_footprint_m2(pv_arrays) -> float:
    """Roof area the PV arrays take [m²]: modules at 0.2 kWp/m² over their ground cover (row spacing)."""
    from mgwsim.pv import MODULE_DENSITY_KWP_M2

    total = 0.0
    for array in pv_arrays:
        cover = array.row_gcr if getattr(array, "row_gcr", None) else PV_GROUND_COVER
        total += array.kwp / MODULE_DENSITY_KWP_M2 / cover
    return total


def space_check(unit_kw: float, n_units: int, placement: Placement, *, roof_area_m2: float | None,
                pv_arrays=(), plant_room_area_m2: float | None = None) -> CheckResult:
    """The units' footprint against the space where they stand (roof less PV, ground, plant room).

    ``fail`` when they do not fit, ``warn`` above 80 % of the space or when the space is unknown.
    """
    name = "unit_space"
    need = n_units * unit_footprint_m2(unit_kw, placement)
    pv = pv_footprint_m2(pv_arrays) if placement.units_on == "roof" else 0.0
    if placement.available_area_m2 is not None:
        space = placement.available_area_m2 - pv
    elif placement.units_on == "roof":
        space = None if roof_area_m2 is None else roof_area_m2 - pv
    elif placement.units_on == "plant_room":
        space = plant_room_area_m2
    else:
        space = None
    where = {"roof": "on the roof", "ground": "on the ground", "plant_room": "in the plant room"}[placement.units_on]
    where_nl = {"roof": "op het dak", "ground": "op het terrein", "plant_room": "in de stookruimte"}[placement.units_on]
    if space is None:
        return CheckResult(name, "warn", round(need, 1), "m2", None,
                           f"The units need about {need:.0f} m² {where}; the available area is not given "
                           "(Placement.available_area_m2).",
                           f"De toestellen vragen ongeveer {_n(need, 'nl')} m² {where_nl}; de beschikbare "
                           "oppervlakte is niet opgegeven.")
    space = max(space, 0.0)
    status = "fail" if need > space else "warn" if need > 0.8 * space else "pass"
    pv_text = f" after {pv:.0f} m² of PV" if pv > 0 else ""
    pv_nl = f" na {_n(pv, 'nl')} m² PV" if pv > 0 else ""
    verdict = {"fail": "do not fit in", "warn": "just fit in", "pass": "fit in"}[status]
    verdict_nl = {"fail": "passen niet in", "warn": "passen nipt in", "pass": "passen in"}[status]
    return CheckResult(name, status, round(need, 1), "m2", round(space, 1),
                       f"{n_units} unit(s) with their clearances, {need:.0f} m², {verdict} the {space:.0f} m² left "
                       f"{where}{pv_text}.",
                       f"{n_units} toestel(len) met vrije ruimte, {_n(need, 'nl')} m², {verdict_nl} de "
                       f"{_n(space, 'nl')} m² die "
                       f"{where_nl} overblijft{pv_nl}.")
