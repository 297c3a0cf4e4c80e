"""The example building of the README and ``make demo``: a 1960s apartment block in Antwerp."""

from __future__ import annotations

from dataclasses import replace

from mgwsim.building import Insulate, RenovationPath, RenovationStep, ReplaceWindows, building_from_typology
from mgwsim.building.envelope import Building
from mgwsim.weather import Site

ANTWERPEN = Site("Antwerpen", 51.2194, 4.4025, altitude_m=10.0, municipality="Antwerpen")
"""Antwerp city centre (WGS84)."""


def antwerp_block() -> Building:
    """A 1946–1970 apartment block (TABULA BE.N.AB.02, existing state) scaled to 24 apartments on 6 storeys,
    1,850 m², built in 1966."""
    block = building_from_typology("AB.02", 1, floor_area_m2=1850.0, n_apartments=24, n_storeys=6,
                                   name="Antwerp block (1960s, 24 apartments)")
    return replace(block, year_built=1966, name_nl="Antwerps appartementsgebouw (jaren 1960, 24 appartementen)")


ROOF_INSULATION = Insulate("roof", target_u_w_m2k=0.20)
"""The roof step of the example's renovation path (U 0.2 W/m²K), also what the "roof first" variant does now."""


def antwerp_renovation_path() -> RenovationPath:
    """Roof insulation in year 3 (U 0.2), new windows in year 8 (U_w 1.1, g 0.5)."""
    return RenovationPath((
        RenovationStep(3, (ROOF_INSULATION,), "roof insulation", "dakisolatie"),
        RenovationStep(8, (ReplaceWindows(1.1, 0.5),), "new windows", "nieuwe ramen"),
    ))


def antwerp_variants(*, heat_pump_kw: float = 60.0, n_units: int = 2, refrigerant: str = "R290"):
    """The reference and the variants of the example study (a list of :class:`~mgwsim.study.Variant`).

    Reference: a new condensing gas boiler (the existing one is due). Variants: collective
    air/water heat pumps with a gas boiler as bivalent-parallel backup (like for like: the
    existing boiler is due, so it is replaced by a condensing boiler of the backup's capacity,
    costed, efficiency 0.90 GCV as the reference's); + 30 kWp east-west PV; + 8 EV charging
    points led by the PV surplus; + a private medium-voltage cabin; + a dynamic tariff with
    price-led control; an all-electric variant (electric backup, chimney-free); the heat pumps
    alone, without any backup (chimney-free, but short of the design load: the coupled year
    shows its cold hours); an R32 monobloc variant that keeps the boiler (to show the
    lock-in checks); and "roof first": the roof step of the renovation path done now, then the
    heat pumps with the boiler (its cost is among the variant's investments; the reference still
    insulates the roof in year 3).
    """
    from mgwsim.control import Control
    from mgwsim.ev import ChargingSite
    from mgwsim.heatpump import air_to_water
    from mgwsim.pv import flat_roof_east_west
    from mgwsim.storage import Tank
    from mgwsim.study import Variant
    from mgwsim.system import Backup, HeatPumpCascade, HotWater, Plant, gas_boiler_reference

    hot_water = HotWater(Tank(1500.0, min_degc=55.0, max_degc=75.0), booster_kw=18.0)
    cascade = HeatPumpCascade(air_to_water(refrigerant, heat_pump_kw), n_units)
    with_boiler = Plant(cascade, hot_water, Tank(2000.0, 20.0, 80.0), Backup("gas_boiler", 150.0, 0.90))
    electric = Plant(cascade, hot_water, Tank(2000.0, 20.0, 80.0), Backup("electric", 100.0, 1.0))
    alone = Plant(cascade, hot_water, Tank(2000.0, 20.0, 80.0), Backup())
    pv = tuple(flat_roof_east_west(300.0, kwp=30.0))
    ev = ChargingSite(n_points=8, n_cars=8, point_power_kw=11.0)
    r32 = Plant(HeatPumpCascade(air_to_water("R32", heat_pump_kw), n_units), hot_water, Tank(2000.0, 20.0, 80.0),
                Backup("gas_boiler", 150.0, 0.90))
    reference = Variant("gas boiler (reference)", gas_boiler_reference(160.0), keeps_existing_boiler=False,
                        description="Replace the gas boiler by a new condensing boiler (what the VME would do anyway).",
                        name_nl="gasketel (referentie)",
                        description_nl="De gasketel vervangen door een nieuwe condensatieketel (wat de VME hoe "
                                       "dan ook zou doen).")
    nl_count = {1: "één", 2: "twee", 3: "drie", 4: "vier"}.get(n_units, str(n_units))
    return reference, [
        Variant("heat pumps + boiler", with_boiler,
                description=f"{n_units} x {heat_pump_kw:g} kW {refrigerant} air/water heat pumps, 2,000 l buffer, "
                            "the gas boiler, due now, is replaced by a 150 kW condensing boiler as backup.",
                name_nl="warmtepompen + ketel",
                description_nl=f"{nl_count.capitalize()} lucht/water-warmtepompen van {heat_pump_kw:g} kW ({refrigerant}), een "
                               "buffervat van 2.000 l; de gasketel, nu aan vervanging toe, wordt vervangen door een "
                               "condensatieketel van 150 kW als back-up."),
        Variant("+ PV", with_boiler, pv=pv, description="As before, with 30 kWp east-west PV on the flat roof.",
                name_nl="+ zonnepanelen", description_nl="Zoals hierboven, met 30 kWp zonnepanelen oost-west op het "
                                                         "platte dak."),
        Variant("+ PV + EV", with_boiler, pv=pv, ev=ev, ev_strategy="pv_surplus", control=Control("pv_led"),
                description="PV-led heat pumps and 8 EV charging points charging on the PV surplus.",
                name_nl="+ zonnepanelen + laadpalen",
                description_nl="Warmtepompen gestuurd op de zonnestroom en 8 laadpunten die op het overschot aan "
                               "zonnestroom laden."),
        Variant("+ PV + EV + MV", with_boiler, pv=pv, ev=ev, ev_strategy="pv_surplus", control=Control("pv_led"),
                connection="mv", description="As before, on a private medium-voltage cabin.",
                name_nl="+ zonnepanelen + laadpalen + middenspanning",
                description_nl="Zoals hierboven, op een eigen middenspanningscabine."),
        Variant("+ PV + dynamic tariff", with_boiler, pv=pv, dynamic_tariff=True, control=Control("price_led"),
                description="PV, a dynamic (day-ahead) tariff and price-led heat pumps.",
                name_nl="+ zonnepanelen + dynamisch tarief",
                description_nl="Zonnepanelen, een dynamisch tarief (day-aheadprijs) en warmtepompen die op de prijs "
                               "gestuurd worden."),
        Variant("all-electric + PV", electric, pv=pv, description="Heat pumps with an electric backup heater; the "
                                                                   "boiler is removed (chimney-free).",
                name_nl="volledig elektrisch + zonnepanelen",
                description_nl="Warmtepompen met een elektrische back-upverwarming; de ketel verdwijnt (schouwvrij)."),
        Variant("heat pumps alone", alone, description="The heat pumps without any backup; the boiler is removed "
                                                       "(chimney-free).",
                name_nl="alleen warmtepompen",
                description_nl="De warmtepompen zonder back-up; de ketel verdwijnt (schouwvrij)."),
        Variant("roof first + heat pumps + boiler", with_boiler, envelope_now=(ROOF_INSULATION,),
                description="The roof insulated now (U 0.20 W/m²K, the renovation path's year-3 step done first), "
                            "then the heat pumps with the condensing boiler as backup.",
                name_nl="eerst dak + warmtepompen + ketel",
                description_nl="Het dak nu geïsoleerd (U 0,20 W/m²K: de stap van jaar 3 van het renovatiepad eerst), "
                               "daarna de warmtepompen met de condensatieketel als back-up."),
        Variant("R32 monobloc + boiler", r32, description="R32 monobloc heat pumps keeping the boiler forever.",
                name_nl="R32-monoblock + ketel",
                description_nl="Monoblock-warmtepompen met R32 die de ketel voorgoed behouden."),
    ]
