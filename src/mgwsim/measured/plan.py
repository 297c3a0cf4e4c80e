"""The monitoring plan of a variant: what to meter after the works, where, how often, and what the city receives.

The Antwerp Klimaatfonds call "Hernieuwbare energie in meergezinswoningen" (Stad Antwerpen, 2022)
asks each project to meter production and use on the collective installation after the works and
to share the data with the city (its learning track). :func:`monitoring_plan` turns a
:class:`~mgwsim.study.Variant` into the meters that answer that request and that
:mod:`mgwsim.measured` reads back: the quantities of the SEPEMO-Build boundaries H2 and H4
(:func:`mgwsim.measured.sepemo_spf`), the digital meter's quarter hours of the connection
(:func:`mgwsim.measured.read_fluvius_quarter_hours`), PV and EV, and the outdoor temperature and
gas use that IPMVP's normalised savings need (:func:`mgwsim.measured.normalised_savings`).

Meter classes are the usual ones for billing-grade sub-metering: heat meters to EN 1434 (class 2
or 3) and active-energy meters under the EU Measuring Instruments Directive 2014/32/EU (MID),
readable by a data logger (M-Bus or Modbus). Intervals: 15 minutes where the capacity tariff or
the SPF's hourly profile needs them (the Flemish capacity tariff bills the highest 15-minute
offtake of a month, VREG), monthly readings where a yearly total suffices.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from mgwsim.errors import InputError, check_choice

__all__ = ["MonitoringPlanRow", "monitoring_plan", "monitoring_plan_frame"]

LANGUAGES = ("en", "nl")


@dataclass(frozen=True)
class MonitoringPlanRow:
    """One meter of the monitoring plan, in English and Dutch.

    Attributes
    ----------
    key : str
        Stable identifier (``hp_heat``, ``hp_electricity``, ``grid``, ...).
    quantity_en, quantity_nl : str
        What is measured.
    meter_en, meter_nl : str
        The kind of meter (and its class).
    location_en, location_nl : str
        Where it is installed.
    interval : str
        Logging interval: ``"15 min"``, ``"1 h"``, ``"1 month"`` or ``"per session"``.
    kpi_en, kpi_nl : str
        The indicators it feeds.
    to_city : bool
        Whether its KPIs go to the city (the Klimaatfonds learning track).
    column : str
        The column :mod:`mgwsim.measured` reads it into (``""`` when none).
    """

    key: str
    quantity_en: str
    quantity_nl: str
    meter_en: str
    meter_nl: str
    location_en: str
    location_nl: str
    interval: str
    kpi_en: str
    kpi_nl: str
    to_city: bool
    column: str = ""

    def text(self, field: str, language: str) -> str:
        """``quantity``, ``meter``, ``location`` or ``kpi`` in ``language`` ('en' or 'nl')."""
        check_choice(field, "field", ("quantity", "meter", "location", "kpi"), owner="MonitoringPlanRow.text")
        check_choice(language, "language", LANGUAGES, owner="MonitoringPlanRow.text")
        return getattr(self, f"{field}_{language}")


_HEAT_METER = ("heat meter (EN 1434, class 2)", "warmtemeter (EN 1434, klasse 2)")
_KWH_METER = ("kWh sub-meter (MID)", "kWh-tussenmeter (MID)")
_PLANT_ROOM = ("plant room", "stookruimte")


def _row(key, quantity, meter, location, interval, kpi, to_city, column="") -> MonitoringPlanRow:
    return MonitoringPlanRow(key, quantity[0], quantity[1], meter[0], meter[1], location[0], location[1], interval,
                             kpi[0], kpi[1], bool(to_city), column)


def monitoring_plan(variant) -> list[MonitoringPlanRow]:
    """The meters a variant needs after the works, as rows a report or a subsidy application can list.

    Parameters
    ----------
    variant : mgwsim.study.Variant
        The variant that is built. Rows follow what it has: heat pumps (heat and electricity at
        SEPEMO H2, the building-side pumps for H4, the loop temperatures), a buffer tank, the
        hot-water production and its electric booster, a gas or electric backup, PV, EV charging;
        the connection's digital meter, the outdoor temperature and the gas bills before the works
        are always listed (the normalised savings need them).

    Returns
    -------
    list of MonitoringPlanRow
        In the order an installer walks the plant: production, distribution, hot water, backup,
        PV, EV, connection, weather and bills. ``to_city`` marks the rows whose KPIs the city
        receives; :func:`monitoring_plan_frame` gives them as a table.
    """
    from mgwsim.study import Variant

    if not isinstance(variant, Variant):
        raise InputError(f"monitoring_plan.variant must be a mgwsim.study.Variant, got {type(variant).__name__}")
    plant = variant.plant
    rows: list[MonitoringPlanRow] = []
    if plant.heat_pumps is not None:
        rows.append(_row("hp_heat", ("heat delivered by the heat pumps", "warmte geleverd door de warmtepompen"),
                         _HEAT_METER, ("condenser side, after the heat pumps and before the buffer",
                                       "condensorzijde, na de warmtepompen en voor het buffervat"),
                         "15 min", ("heat produced; SPF H2 and H4 (SEPEMO)", "geproduceerde warmte; SPF H2 en H4 "
                                    "(SEPEMO)"), True, "heat_kwh"))
        rows.append(_row("hp_electricity", ("electricity of the heat pumps (compressor, controls, source fan)",
                                            "elektriciteit van de warmtepompen (compressor, sturing, "
                                            "bronventilator)"),
                         _KWH_METER, ("supply of the heat pumps in the plant room's distribution board",
                                      "voeding van de warmtepompen in het verdeelbord van de stookruimte"),
                         "15 min", ("SPF H2 (SEPEMO); heat-pump electricity", "SPF H2 (SEPEMO); elektriciteit van de "
                                    "warmtepompen"), True, "electricity_kwh"))
        rows.append(_row("sink_aux", ("electricity of the circulation pumps of the heating loop",
                                      "elektriciteit van de circulatiepompen van de verwarmingskring"),
                         _KWH_METER, ("supply of the pumps in the plant room's distribution board",
                                      "voeding van de pompen in het verdeelbord van de stookruimte"),
                         "15 min", ("SPF H4 (SEPEMO)", "SPF H4 (SEPEMO)"), True))
        rows.append(_row("loop_temperatures", ("supply and return temperature of the heating loop",
                                               "aanvoer- en retourtemperatuur van de verwarmingskring"),
                         ("temperature sensors (Pt1000) on the data logger",
                          "temperatuurvoelers (Pt1000) op de datalogger"),
                         ("collector of the heating loop", "collector van de verwarmingskring"), "15 min",
                         ("supply temperature against the heating curve (temperature lock-in)",
                          "aanvoertemperatuur tegenover de stooklijn (temperatuur-lock-in)"), False,
                         "supply_temp_degc"))
    if plant.buffer is not None:
        rows.append(_row("buffer", ("temperature at the top and bottom of the buffer tank",
                                    "temperatuur boven- en onderaan het buffervat"),
                         ("temperature sensors (Pt1000) on the data logger",
                          "temperatuurvoelers (Pt1000) op de datalogger"), _PLANT_ROOM, "15 min",
                         ("use of the storage; on/off cycles of the heat pumps",
                          "gebruik van de opslag; aan/uit-cycli van de warmtepompen"), False))
    rows.append(_row("dhw", ("heat and cold water into the hot-water production",
                             "warmte en koud water naar de warmwaterbereiding"),
                     ("heat meter (EN 1434) and water meter", "warmtemeter (EN 1434) en watermeter"),
                     ("charging circuit and cold-water inlet of the hot-water tank",
                      "laadkring en koudwatertoevoer van de warmwaterboiler"), "1 h",
                     ("hot-water heat and volume; circulation losses", "warmwaterwarmte en -volume; "
                      "circulatieverliezen"), False))
    if plant.hot_water.booster_kw > 0:
        rows.append(_row("booster", ("electricity of the hot-water booster", "elektriciteit van de "
                                     "naverwarming van het warm water"),
                         _KWH_METER, ("supply of the immersion heater", "voeding van het elektrisch element"),
                         "15 min", ("SPF H3 and H4 (SEPEMO)", "SPF H3 en H4 (SEPEMO)"), True))
    if plant.backup.kind == "gas_boiler":
        rows.append(_row("backup_heat", ("heat delivered by the gas boiler", "warmte geleverd door de gasketel"),
                         _HEAT_METER, ("boiler outlet", "uitgang van de ketel"), "15 min",
                         ("share of the heat from the heat pumps (renewable share)",
                          "aandeel van de warmte uit de warmtepompen (hernieuwbaar aandeel)"), True))
        rows.append(_row("gas", ("gas use after the works", "gasverbruik na de werken"),
                         ("the distribution system operator's gas meter (monthly reading or digital meter)",
                          "gasmeter van de netbeheerder (maandelijkse meterstand of digitale meter)"),
                         ("gas connection of the building", "gasaansluiting van het gebouw"), "1 month",
                         ("normalised savings (IPMVP); CO2", "genormaliseerde besparing (IPMVP); CO2"), True,
                         "gas_kwh"))
    elif plant.backup.kind == "electric":
        rows.append(_row("backup_electricity", ("electricity of the electric backup heater",
                                                "elektriciteit van de elektrische bijverwarming"),
                         _KWH_METER, ("supply of the backup heater", "voeding van de bijverwarming"), "15 min",
                         ("SPF H3 and H4 (SEPEMO)", "SPF H3 en H4 (SEPEMO)"), True))
    if variant.pv:
        rows.append(_row("pv", ("PV production (AC)", "PV-productie (AC)"),
                         ("production meter (MID) or the inverter's meter", "productiemeter (MID) of de meter van "
                          "de omvormer"), ("inverter output", "uitgang van de omvormer"), "15 min",
                         ("PV production; self-consumption", "PV-productie; zelfverbruik"), True, "pv_kwh"))
    if variant.ev is not None:
        rows.append(_row("ev", ("energy charged per session", "geladen energie per laadbeurt"),
                         ("the charge points' own meters (MID)", "de eigen meters van de laadpunten (MID)"),
                         ("charge points in the car park", "laadpunten in de parking"), "per session",
                         ("EV energy; share charged from PV", "energie voor elektrische wagens; aandeel geladen "
                          "met zonnestroom"), True))
    rows.append(_row("grid", ("offtake and injection of the common connection",
                              "afname en injectie van de gemeenschappelijke aansluiting"),
                     ("the digital meter (Fluvius quarter-hour export)",
                      "de digitale meter (kwartierexport van Fluvius)"),
                     ("the common connection's meter", "meter van de gemeenschappelijke aansluiting"), "15 min",
                     ("peak offtake (capacity tariff); self-consumption", "afnamepiek (capaciteitstarief); "
                      "zelfverbruik"), True, "import_kwh"))
    rows.append(_row("outdoor_temperature", ("outdoor temperature", "buitentemperatuur"),
                     ("sensor in the shade on the north facade, or the nearest weather station",
                      "voeler in de schaduw op de noordgevel, of het dichtste weerstation"),
                     ("north facade", "noordgevel"), "1 h",
                     ("degree days for the normalised savings (IPMVP)", "graaddagen voor de genormaliseerde "
                      "besparing (IPMVP)"), True))
    rows.append(_row("gas_before", ("gas bills of the three years before the works",
                                    "gasfacturen van de drie jaar voor de werken"),
                     ("the supplier's monthly or yearly bills", "maandelijkse of jaarlijkse facturen van de "
                      "leverancier"), ("the VME's records (syndic)", "archief van de VME (syndicus)"), "1 month",
                     ("the baseline of the normalised savings (IPMVP option C)",
                      "referentie van de genormaliseerde besparing (IPMVP optie C)"), True))
    return rows


def monitoring_plan_frame(variant, language: str = "en") -> pd.DataFrame:
    """:func:`monitoring_plan` as a table (index ``key``; quantity, meter, location, interval, kpi, to_city)."""
    check_choice(language, "language", LANGUAGES, owner="monitoring_plan_frame")
    rows = [{"key": r.key, "quantity": r.text("quantity", language), "meter": r.text("meter", language),
             "location": r.text("location", language), "interval": r.interval, "kpi": r.text("kpi", language),
             "to_city": r.to_city, "column": r.column} for r in monitoring_plan(variant)]
    return pd.DataFrame(rows).set_index("key")
