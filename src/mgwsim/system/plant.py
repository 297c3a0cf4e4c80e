"""The heat plant of a building: heat pump cascade, buffer, hot-water system and backup.

These are plain validated descriptions; :func:`mgwsim.system.simulate_system` turns them
into the arrays the hourly kernel reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field


from mgwsim.errors import InputError, check_choice, check_integer, check_number, check_positive
from mgwsim.heatpump.maps import PerformanceMap
from mgwsim.storage import Tank

BACKUP_KINDS = ("none", "gas_boiler", "electric", "heat_network")
BACKUP_MODES = ("parallel", "alternative")
HOT_WATER_MODES = ("heat_pump", "separate_heat_pump", "electric")

USEFUL_HOT_WATER_DEGC = 40.0
"""Lowest temperature at which drawn water still counts as hot water [°C]: the "useful water" of the EU
tapping cycles (mixed water at 40 °C, V40; Reg. (EU) 812/2013 Annex VII Table 3, EN 16147)."""

DEFAULT_DEGRADATION_COEFFICIENT = 0.9
"""Cyclic degradation coefficient Cd [-], the default of EN 14825:2022 (8.5.2) for air/water units when not measured."""


@dataclass(frozen=True)
class HeatPumpCascade:
    """``n_units`` identical heat pumps in cascade (lead–lag staging).

    Parameters
    ----------
    performance : PerformanceMap
        COP and full-load capacity of *one* unit; its ``min_modulation_frac`` is the lowest
        part load before the unit cycles on/off.
    n_units : int
        Number of identical units.
    supply_margin_k : float
        Condenser outlet above the temperature to be reached (buffer or supply) [K]
        (temperature drop over the heat exchanger/buffer, 2–5 K).
    degradation_coefficient : float
        Cd of EN 14825 applied below the minimum modulation (cycling); 1 means no cycling loss.
    apply_defrost : bool or None
        Apply the defrost factors of :mod:`mgwsim.heatpump.defrost`; None = for air sources
        whose map does not already include defrost.
    """

    performance: PerformanceMap
    n_units: int = 1
    supply_margin_k: float = 3.0
    degradation_coefficient: float = DEFAULT_DEGRADATION_COEFFICIENT
    apply_defrost: bool | None = None

    def __post_init__(self):
        owner = "HeatPumpCascade"
        if not isinstance(self.performance, PerformanceMap):
            raise InputError(f"{owner}.performance must be a PerformanceMap, got {type(self.performance).__name__}")
        check_integer(self.n_units, "n_units", owner=owner, low=1, high=50)
        check_number(self.supply_margin_k, "supply_margin_k", owner=owner, low=0.0, high=15.0, unit="K")
        check_number(self.degradation_coefficient, "degradation_coefficient", owner=owner, low=0.0, high=1.0)

    @property
    def defrost(self) -> bool:
        if self.apply_defrost is not None:
            return bool(self.apply_defrost)
        return self.performance.source.kind == "air" and not self.performance.includes_defrost

    def rated_capacity_kw(self) -> float:
        """Total capacity at the unit's EN 14511 rating point [kW] (the map's rated capacity when it has one)."""
        pmap = self.performance
        if pmap.rated_capacity_kw is not None:
            return self.n_units * float(pmap.rated_capacity_kw)
        source, sink = pmap.source.rating_point_degc
        return self.n_units * float(pmap.capacity_at(source, max(sink, pmap.sink_degc[0])))


@dataclass(frozen=True)
class Backup:
    """Backup heater: the existing gas boiler kept, an electric heater, a heat-network substation, or none.

    Parameters
    ----------
    kind : {"none", "gas_boiler", "electric", "heat_network"}
        ``heat_network``: a substation fed by a heat network (:mod:`mgwsim.heat_network`); its
        input is the heat metered at the substation (``district_heat_kwh``).
    capacity_kw : float
        Heat output [kW].
    efficiency : float
        Heat out / energy in [-]: gas on gross calorific value (a condensing boiler in
        radiator service ≈ 0.88–0.92 GCV, an old non-condensing one ≈ 0.80), electric 1.0,
        heat-network substation 1.0 (the heat meter sits at the substation; the exchanger's small
        jacket loss stays in the plant room).
    mode : {"parallel", "alternative"}
        Bivalent parallel: the heat pump runs whenever it can and the backup tops up.
        Bivalent alternative: below ``bivalent_degc`` outdoors the heat pump stops and the
        backup carries the whole load.
    bivalent_degc : float
        Outdoor temperature of the switch in alternative mode [°C].
    serves_hot_water : bool
        Whether the backup may also top up the hot-water tank.
    """

    kind: str = "none"
    capacity_kw: float = 0.0
    efficiency: float = 1.0
    mode: str = "parallel"
    bivalent_degc: float = -30.0
    serves_hot_water: bool = True

    def __post_init__(self):
        owner = "Backup"
        check_choice(self.kind, "kind", BACKUP_KINDS, owner=owner)
        check_choice(self.mode, "mode", BACKUP_MODES, owner=owner)
        check_number(self.capacity_kw, "capacity_kw", owner=owner, low=0.0, high=1e5, unit="kW")
        check_number(self.efficiency, "efficiency", owner=owner, low=0.5, high=1.1)
        check_number(self.bivalent_degc, "bivalent_degc", owner=owner, low=-30.0, high=20.0, unit="degC")
        if self.kind != "none" and self.capacity_kw <= 0:
            raise InputError(f"Backup.capacity_kw = {self.capacity_kw} must be > 0 for a {self.kind!r} backup")
        if self.kind == "none" and self.capacity_kw != 0:
            raise InputError(f"Backup.capacity_kw = {self.capacity_kw} kW with kind 'none': a plant without backup "
                             "has no backup capacity; allowed: 0 (or a kind 'gas_boiler', 'electric' or 'heat_network')")

    @property
    def is_combustion(self) -> bool:
        return self.kind == "gas_boiler"


@dataclass(frozen=True)
class HotWater:
    """Collective hot-water production.

    Parameters
    ----------
    tank : Tank
        Hot-water storage (``min_degc`` = the legionella storage minimum, default 60 °C setpoint).
    mode : {"heat_pump", "separate_heat_pump", "electric"}
        By the space-heating cascade with priority, by its own heat pump, or electric only.
    setpoint_degc : float
        Storage setpoint [°C] (legionella: at least 60 °C; Flemish decree of 9 Feb 2007).
    booster_kw : float
        Electric booster (immersion heater) power [kW] that lifts the tank from what the heat
        pump reaches to the setpoint (legionella).
    heat_pump : HeatPumpCascade, optional
        The separate hot-water heat pump (mode "separate_heat_pump").
    charge_margin_k : float
        Condenser outlet above the tank temperature while charging [K].
    nodes : int
        Fully mixed layers of the stratified tank (1..12): cold water enters the bottom, hot
        water leaves the top, the heat pump heats the bottom water (:mod:`mgwsim.system.dhw_tank`).
    useful_degc : float
        Lowest outlet temperature that still serves a draw [°C] (default 40 °C, EN 16147's
        useful water); below it the draw is unmet hot water.
    """

    tank: Tank = field(default_factory=lambda: Tank(1000.0, min_degc=55.0, max_degc=75.0))
    mode: str = "heat_pump"
    setpoint_degc: float = 60.0
    booster_kw: float = 0.0
    heat_pump: HeatPumpCascade | None = None
    charge_margin_k: float = 5.0
    nodes: int = 5
    useful_degc: float = USEFUL_HOT_WATER_DEGC

    def __post_init__(self):
        owner = "HotWater"
        check_number(self.nodes, "nodes", owner=owner, low=1, high=12)
        if self.nodes != int(self.nodes):
            raise InputError(f"HotWater.nodes = {self.nodes!r} must be a whole number of layers; allowed: 1..12")
        check_number(self.useful_degc, "useful_degc", owner=owner, low=25.0, high=self.setpoint_degc, unit="degC")
        check_choice(self.mode, "mode", HOT_WATER_MODES, owner=owner)
        check_number(self.setpoint_degc, "setpoint_degc", owner=owner, low=self.tank.min_degc, high=self.tank.max_degc,
                     unit="degC")
        check_number(self.booster_kw, "booster_kw", owner=owner, low=0.0, high=1e4, unit="kW")
        check_number(self.charge_margin_k, "charge_margin_k", owner=owner, low=0.0, high=20.0, unit="K")
        if self.mode == "separate_heat_pump" and self.heat_pump is None:
            raise InputError("HotWater.heat_pump is required with mode 'separate_heat_pump'")
        if self.mode == "electric" and self.booster_kw <= 0:
            raise InputError("HotWater.booster_kw must be > 0 with mode 'electric'")


@dataclass(frozen=True)
class Plant:
    """A building's heat plant.

    Parameters
    ----------
    heat_pumps : HeatPumpCascade or None
        None for a plant without heat pump (e.g. the gas-boiler reference).
    buffer : Tank or None
        Space-heating buffer between the heat pumps and the radiator circuit.
    hot_water : HotWater
    backup : Backup
    """

    heat_pumps: HeatPumpCascade | None
    hot_water: HotWater = field(default_factory=HotWater)
    buffer: Tank | None = None
    backup: Backup = field(default_factory=Backup)

    def __post_init__(self):
        if self.heat_pumps is None and self.backup.kind == "none":
            raise InputError("Plant has neither heat_pumps nor a backup: nothing produces heat")
        if self.heat_pumps is None and self.hot_water.mode == "heat_pump":
            if not (self.backup.serves_hot_water or self.hot_water.booster_kw > 0):
                raise InputError("Plant: hot_water.mode 'heat_pump' without heat_pumps needs a backup serving hot water")

    @property
    def has_combustion(self) -> bool:
        return self.backup.is_combustion


def heat_network_plant(capacity_kw: float, *, tank_l: float = 1000.0) -> Plant:
    """A heat-network connection: a substation of ``capacity_kw`` [kW] for heating and hot water.

    The substation takes the place of the boiler in the central loop and charges the hot-water
    tank (as :func:`gas_boiler_reference` does); what it buys is metered heat (``district_heat_kwh``).
    """
    check_positive(capacity_kw, "capacity_kw", owner="heat_network_plant", unit="kW")
    return Plant(
        heat_pumps=None,
        hot_water=HotWater(Tank(tank_l, min_degc=55.0, max_degc=75.0), mode="heat_pump"),
        backup=Backup("heat_network", capacity_kw, 1.0, serves_hot_water=True),
    )


def gas_boiler_reference(capacity_kw: float, *, efficiency: float = 0.90, tank_l: float = 1000.0) -> Plant:
    """The like-for-like reference: a new condensing gas boiler for heating and hot water."""
    check_positive(capacity_kw, "capacity_kw", owner="gas_boiler_reference", unit="kW")
    return Plant(
        heat_pumps=None,
        hot_water=HotWater(Tank(tank_l, min_degc=55.0, max_degc=75.0), mode="heat_pump"),
        backup=Backup("gas_boiler", capacity_kw, efficiency, serves_hot_water=True),
    )


