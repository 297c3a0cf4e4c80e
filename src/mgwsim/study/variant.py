"""A variant: one combination of techniques for a building (plant, PV, EV, connection, tariff, control)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from mgwsim.battery import Battery
from mgwsim.building.emitters import EmitterUpgrade
from mgwsim.control import Control
from mgwsim.errors import InputError, check_choice
from mgwsim.ev import ChargingSite
from mgwsim.ev.charging import LIMITED
from mgwsim.finance import Investment
from mgwsim.heat_network import HeatNetwork
from mgwsim.pv import PvArray
from mgwsim.assess.placement import Placement
from mgwsim.study.heat_sources import (
    SOURCE_OF_MAP_KIND,
    SOURCES,
    ExhaustAir,
    GroundLoop,
    SourceOptions,
    WaterBody,
    default_options,
    map_for_source,
)
from mgwsim.system import Plant

CONNECTIONS = ("lv", "mv")
EV_STRATEGIES = ("uncontrolled", "pv_surplus", "price_led", "peak_limited", "pv_surplus_limited")


@dataclass(frozen=True)
class Variant:
    """One combination of techniques considered for the building.

    Parameters
    ----------
    name : str
        Short label used in tables and the report.
    plant : Plant
        Heat plant (heat pumps, storage, backup); the gas reference has no heat pumps.
    pv : tuple of PvArray
        Rooftop PV arrays on the common connection (empty: no PV).
    ev : ChargingSite, optional
        Collective EV charging on the common connection.
    ev_strategy : {"uncontrolled", "pv_surplus", "price_led", "peak_limited", "pv_surplus_limited"}
        :data:`mgwsim.ev.STRATEGIES`; the last two keep the site under the ``ev`` site's ``site_limit_kw``.
    control : Control
        How the heat plant is run.
    connection : {"lv", "mv"}
        Low voltage (Fluvius capacity tariff) or a private medium-voltage cabin.
    dynamic_tariff : bool
        Electricity bought on a dynamic (day-ahead indexed) contract.
    keeps_existing_boiler : bool
        The gas backup is the existing boiler. Like for like with the reference, which buys its
        new boiler when the existing one is due, the variant then carries the replacement of
        that boiler (a condensing boiler of the backup's capacity) in the same year
        (``StudyInputs.existing_boiler_age_years``); otherwise it buys a new boiler at year 0.
    gas_connection : bool, optional
        Whether the building keeps its collective gas connection, whose fixed terms (supplier,
        distribution, metering) are billed even in a year without gas. ``None`` (default): kept
        exactly when the plant burns gas (a gas-boiler backup); an all-electric plant closes it
        and pays the DSO's closure fee and the removal of the old boiler.
    emitter_upgrade : EmitterUpgrade, optional
        Larger or low-temperature radiators and/or hydraulic balancing: the variant's year runs on
        the upgraded radiators (a lower supply temperature), and their cost is among its investments.
    battery : Battery, optional
        A collective battery on the common connection (:mod:`mgwsim.battery`): PV
        self-consumption, with ``peak_limit_kw`` also peak shaving. Its grid exchange feeds the
        bills and the CO2; its purchase and replacements (by its ageing) are among the investments.
    heat_network : HeatNetwork, optional
        The heat network the variant connects to; its plant is then a substation
        (:func:`mgwsim.system.heat_network_plant`, backup kind ``heat_network``) and it buys metered
        heat on the network's tariff instead of gas.
    extra_investments : tuple of Investment
        Anything else the variant buys (envelope measures, electrical works, ...).
    description : str
        One sentence for the report.
    name_nl, description_nl : str
        The name and the sentence in Dutch, for the Dutch report (default: ``name`` and ``description``).
        ``name`` stays the variant's key in every table.
    source : {"air", "ground", "exhaust_air", "water"}, optional
        The heat pumps' heat source (:mod:`mgwsim.study.heat_sources`). ``None``: from the map's source
        kind (air -> "air", brine -> "ground", ...). "ground" needs a brine map; "water" a brine or water
        map (a water/water unit on a plate exchanger); "exhaust_air" an air or exhaust-air map. Every
        heat pump of the plant (the separate hot-water unit too) draws on this one source.
    source_options : GroundLoop, ExhaustAir or WaterBody, optional
        The source's parameters (borefield length and ground, extract air flow, water profile);
        ``None``: the defaults of the source's class (a borefield sized on the heat pumps, the
        building's extract flow, a canal).
    placement : Placement, optional
        Where the units stand and what the placement checks need (refrigerant charge, room, sound
        power, distance to the nearest window, zone, footprint; :mod:`mgwsim.assess.placement`).
        ``None``: the defaults of :class:`~mgwsim.assess.placement.Placement` (outdoor units for air,
        indoor units in the plant room for the other sources).
    envelope_now : tuple of renovation measures
        Envelope measures (:class:`~mgwsim.building.Insulate`, :class:`~mgwsim.building.ReplaceWindows`)
        the variant carries out now, before its plant runs (e.g. "roof first": insulate the roof, then
        the heat pumps). Its year runs on the building after them, the renovation path's steps follow
        on that building (a step already done changes nothing), the measures are among its year-0
        investments (priced by the cost table on the area they cover), and the path's steps it does
        early are costed on the reference's side of its business case in their own year
        (:func:`mgwsim.study.costs.advanced_step_investments`): what the variant no longer pays then.
    """

    name: str
    plant: Plant
    pv: tuple[PvArray, ...] = ()
    ev: ChargingSite | None = None
    ev_strategy: str = "uncontrolled"
    control: Control = field(default_factory=Control)
    connection: str = "lv"
    dynamic_tariff: bool = False
    keeps_existing_boiler: bool = True
    gas_connection: bool | None = None
    emitter_upgrade: EmitterUpgrade | None = None
    battery: Battery | None = None
    heat_network: HeatNetwork | None = None
    extra_investments: tuple[Investment, ...] = ()
    description: str = ""
    name_nl: str = ""
    description_nl: str = ""
    source: str | None = None
    source_options: SourceOptions | None = None
    placement: Placement | None = None
    envelope_now: tuple = ()

    def __post_init__(self):
        owner = f"Variant({self.name})"
        if not self.name:
            raise InputError("Variant.name must not be empty")
        if not isinstance(self.plant, Plant):
            raise InputError(f"{owner}.plant must be a Plant, got {type(self.plant).__name__}")
        object.__setattr__(self, "pv", tuple(self.pv))
        object.__setattr__(self, "extra_investments", tuple(self.extra_investments))
        object.__setattr__(self, "envelope_now", tuple(self.envelope_now))
        for measure in self.envelope_now:
            if not (hasattr(measure, "apply") and hasattr(measure, "area_m2")):
                raise InputError(f"{owner}.envelope_now must hold renovation measures (Insulate, ReplaceWindows), "
                                 f"got {type(measure).__name__}")
        for array in self.pv:
            if not isinstance(array, PvArray):
                raise InputError(f"{owner}.pv must hold PvArray objects, got {type(array).__name__}")
        if self.emitter_upgrade is not None and not isinstance(self.emitter_upgrade, EmitterUpgrade):
            raise InputError(f"{owner}.emitter_upgrade must be an EmitterUpgrade, got "
                             f"{type(self.emitter_upgrade).__name__}")
        if self.battery is not None and not isinstance(self.battery, Battery):
            raise InputError(f"{owner}.battery must be a Battery, got {type(self.battery).__name__}")
        self._check_heat_network(owner)
        check_choice(self.ev_strategy, "ev_strategy", EV_STRATEGIES, owner=owner)
        check_choice(self.connection, "connection", CONNECTIONS, owner=owner)
        if self.ev_strategy in LIMITED and (self.ev is None or self.ev.site_limit_kw is None):
            raise InputError(f"{owner}.ev_strategy {self.ev_strategy!r} needs an EV ChargingSite with site_limit_kw")
        if self.gas_connection is False and self.plant.backup.is_combustion:
            raise InputError(f"{owner}.gas_connection = False, but the plant's backup is a gas boiler: "
                             "keep the connection (True or None) or choose an electric backup")
        self._resolve_source(owner)
        if self.placement is not None and not isinstance(self.placement, Placement):
            raise InputError(f"{owner}.placement must be a Placement, got {type(self.placement).__name__}")

    def _resolve_source(self, owner: str) -> None:
        """Set ``source`` (from the map when None), relabel the maps it needs, check ``source_options``."""
        cascades = [c for c in (self.plant.heat_pumps, self.plant.hot_water.heat_pump) if c is not None]
        source = self.source
        if source is None:
            source = SOURCE_OF_MAP_KIND[cascades[0].performance.source.kind] if cascades else "air"
        check_choice(source, "source", SOURCES, owner=owner)
        plant = self.plant
        try:  # a map already labelled for the source is kept, with its plant (a variant's copies share them)
            if plant.heat_pumps is not None:
                cascade = plant.heat_pumps
                performance = map_for_source(cascade.performance, source)
                if performance is not cascade.performance:
                    plant = replace(plant, heat_pumps=replace(cascade, performance=performance))
            if plant.hot_water.heat_pump is not None:
                hw = plant.hot_water
                performance = map_for_source(hw.heat_pump.performance, source)
                if performance is not hw.heat_pump.performance:
                    plant = replace(plant, hot_water=replace(hw, heat_pump=replace(hw.heat_pump,
                                                                                   performance=performance)))
        except InputError as err:
            raise InputError(f"{owner}.source: {err}") from None
        object.__setattr__(self, "plant", plant)
        object.__setattr__(self, "source", source)
        expected = {"ground": GroundLoop, "exhaust_air": ExhaustAir, "water": WaterBody}.get(source)
        options = self.source_options
        if options is not None and (expected is None or not isinstance(options, expected)):
            allowed = "none (air needs no options)" if expected is None else expected.__name__
            raise InputError(f"{owner}.source_options is a {type(options).__name__} for source {source!r}; "
                             f"allowed: {allowed}")
        if options is None and cascades:
            object.__setattr__(self, "source_options", default_options(source))

    def _check_heat_network(self, owner: str) -> None:
        substation = self.plant.backup.kind == "heat_network"
        if self.heat_network is not None and not isinstance(self.heat_network, HeatNetwork):
            raise InputError(f"{owner}.heat_network must be a HeatNetwork, got {type(self.heat_network).__name__}")
        if substation != (self.heat_network is not None):
            raise InputError(f"{owner}: a plant with a heat-network substation (backup kind 'heat_network') and "
                             f"Variant.heat_network go together; got backup kind {self.plant.backup.kind!r} and "
                             f"heat_network = {self.heat_network!r}")

    def label(self, language: str) -> str:
        """The name in ``language`` ('en' or 'nl'; Dutch falls back to ``name``)."""
        return self.name_nl if language == "nl" and self.name_nl else self.name

    def text(self, language: str) -> str:
        """The description in ``language`` ('en' or 'nl'; Dutch falls back to ``description``)."""
        return self.description_nl if language == "nl" and self.description_nl else self.description

    @property
    def placed(self) -> Placement:
        """The variant's :class:`Placement` (its own, or the default for its source)."""
        return self.placement if self.placement is not None else Placement.default_for(self.source)

    @property
    def pv_kwp(self) -> float:
        return float(sum(array.kwp for array in self.pv))

    @property
    def keeps_gas_connection(self) -> bool:
        """Whether the collective gas connection stays (and its fixed terms are billed); see ``gas_connection``."""
        return self.plant.backup.is_combustion if self.gas_connection is None else bool(self.gas_connection)

    @property
    def is_reference(self) -> bool:
        return self.plant.heat_pumps is None and self.heat_network is None
