"""A heat-network (*warmtenet*) connection as a variant: substation, heat tariff, CO2 and EPC factors.

The building's central loop and hot-water tank are fed by a substation (a heat exchanger) in
the plant room (:func:`mgwsim.system.heat_network_plant`). The variant buys metered heat on
the network's tariff, pays a connection fee and the substation, and closes its gas connection.

Tariff. Flemish heat networks are not price-regulated; operators price heat by the
*niet-meer-dan-anders* (NMDA, "not more than otherwise") principle: the heat costs a household
no more than gas in its own boiler would. The Antwerp network warmte@zuid (Nieuw Zuid) states
that its heat price follows the gas price under this principle, with a yearly maximum for the
fixed term and the price per kWh (warmte@zuid, "Tarief en betaling", www.warmteatzuid.be,
consulted 2026); the VREG's heat-network report found household heat costs of EUR 300–900 a
year across Flemish networks (VREG, *Warmtenetrapport* 2021). Without the operator's tariff
sheet, :func:`nmda_tariff` builds the NMDA ceiling from the study's own gas tariff: per kWh of
heat the gas price per kWh GCV divided by the reference boiler's efficiency, and the gas
connection's fixed terms as the network's fixed terms. A real offer replaces it
(``HeatNetwork.tariff``, a ``kind = "heat"`` tariff file).

EPC. The Flemish EPB method counts external heat delivery through an efficiency, an equivalent
primary-energy factor and a renewable share; without a detailed calculation approved by the
Flemish Energy and Climate Agency the default values apply: efficiency 97 %, factor 2.00,
renewable share 0 % (VEKA, EPB-pedia "Externe warmte: rekenmethode", values *bij
ontstentenis*). Primary energy of the metered heat = heat / efficiency x factor.

CO2. The network's emission factor per kWh of heat is the operator's to state; the default
(``co2_kg_per_kwh=None``) counts the heat as made by a gas boiler at the reference efficiency,
consistent with the EPB default's 0 % renewable share: conservative for a network on waste
heat, right for one on gas boilers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType

from mgwsim.errors import InputError, check_number
from mgwsim.tariffs import Tariff

EPB_DEFAULT_EFFICIENCY = 0.97
"""Efficiency of external heat delivery by default [-] (VEKA EPB-pedia, "Externe warmte: rekenmethode")."""
EPB_DEFAULT_PRIMARY_FACTOR = 2.0
"""Equivalent primary-energy factor of external heat delivery by default [-] (same source)."""
NMDA_REFERENCE_EFFICIENCY = 0.90
"""Efficiency of the gas boiler the NMDA price compares with [-, heat / gas GCV]: a condensing
boiler in radiator service (the study's reference boiler, ``gas_boiler_reference``)."""
SUBSTATION_APPROACH_K = 5.0
"""Network supply minus the building loop's highest supply through the substation [K]
(mgwsim assumption for a plate exchanger; the operator's connection conditions state theirs)."""


@dataclass(frozen=True)
class HeatNetwork:
    """The heat network a variant connects to.

    Parameters
    ----------
    name : str
        The network (operator) for the report.
    supply_degc : float
        Supply temperature the operator guarantees at the substation in the coldest hours [°C].
        The building loop reaches at most ``supply_degc - approach_k``.
    approach_k : float
        Substation approach [K] (default :data:`SUBSTATION_APPROACH_K`).
    tariff : Tariff, optional
        The operator's heat tariff (kind ``heat``); ``None``: the NMDA ceiling from the study's gas
        tariff (:func:`nmda_tariff`).
    co2_kg_per_kwh : float, optional
        Emissions per kWh of metered heat [kg CO2/kWh]; ``None``: heat from gas at the reference
        efficiency (module docstring).
    primary_energy_factor, efficiency : float
        The EPB factors of the network (defaults: the EPB values by default, module docstring).
    connection_fee_eur : float, optional
        The operator's connection fee excl. VAT [EUR]; ``None``: the cost table's
        ``heat_network_connection`` row.
    """

    name: str = "heat network"
    supply_degc: float = 70.0
    approach_k: float = SUBSTATION_APPROACH_K
    tariff: Tariff | None = None
    co2_kg_per_kwh: float | None = None
    primary_energy_factor: float = EPB_DEFAULT_PRIMARY_FACTOR
    efficiency: float = EPB_DEFAULT_EFFICIENCY
    connection_fee_eur: float | None = None

    def __post_init__(self):
        owner = "HeatNetwork"
        if not self.name:
            raise InputError(f"{owner}.name must not be empty")
        check_number(self.supply_degc, "supply_degc", owner=owner, low=30.0, high=130.0, unit="°C")
        check_number(self.approach_k, "approach_k", owner=owner, low=0.0, high=20.0, unit="K")
        if self.tariff is not None and (not isinstance(self.tariff, Tariff) or self.tariff.kind != "heat"):
            raise InputError(f"{owner}.tariff must be a Tariff of kind 'heat', got "
                             f"{getattr(self.tariff, 'kind', type(self.tariff).__name__)!r}")
        if self.co2_kg_per_kwh is not None:
            check_number(self.co2_kg_per_kwh, "co2_kg_per_kwh", owner=owner, low=0.0, high=1.0, unit="kg/kWh")
        check_number(self.primary_energy_factor, "primary_energy_factor", owner=owner, low=0.0, high=5.0)
        check_number(self.efficiency, "efficiency", owner=owner, low=0.1, high=1.0, low_inclusive=False)
        if self.connection_fee_eur is not None:
            check_number(self.connection_fee_eur, "connection_fee_eur", owner=owner, low=0.0, high=1e7, unit="EUR")

    @property
    def max_loop_supply_degc(self) -> float:
        """The highest supply the building loop gets through the substation [°C]."""
        return self.supply_degc - self.approach_k

    def tariff_for(self, gas: Tariff) -> Tariff:
        """The heat tariff: the operator's, else the NMDA ceiling of ``gas``."""
        return self.tariff if self.tariff is not None else nmda_tariff(gas)

    def co2_factor(self, gas_kg_per_kwh_gcv: float) -> float:
        """Emissions per kWh of metered heat [kg/kWh] (the default: gas at the NMDA reference efficiency)."""
        if self.co2_kg_per_kwh is not None:
            return float(self.co2_kg_per_kwh)
        return float(gas_kg_per_kwh_gcv) / NMDA_REFERENCE_EFFICIENCY

    @property
    def primary_factor_per_metered_kwh(self) -> float:
        """EPB primary energy per kWh of metered heat [-]: factor / efficiency (module docstring)."""
        return self.primary_energy_factor / self.efficiency


def nmda_tariff(gas: Tariff, reference_efficiency: float = NMDA_REFERENCE_EFFICIENCY) -> Tariff:
    """The *niet-meer-dan-anders* ceiling of a heat tariff from a gas tariff (module docstring).

    Per kWh of heat: ``(energy + distribution + transport + energy contribution + excise of the
    highest band) / reference_efficiency`` [EUR/kWh, excl. VAT]; fixed terms: the gas supplier's
    and distributor's fixed terms [EUR/year] (the network's *vastrecht*), metering: the gas data
    management fee; VAT as the gas tariff's.
    """
    if not isinstance(gas, Tariff) or gas.kind != "gas":
        raise InputError(f"nmda_tariff.gas must be a gas Tariff, got {getattr(gas, 'kind', type(gas).__name__)!r}")
    eff = check_number(reference_efficiency, "reference_efficiency", owner="nmda_tariff", low=0.5, high=1.1)
    per_kwh = (gas["energy_eur_per_kwh"] + gas["distribution_eur_per_kwh"] + gas["transport_eur_per_kwh"]
               + gas["energy_contribution_eur_per_kwh"] + gas.excise_bands[-1][1]) / eff
    basis = f"NMDA ceiling from {gas.name} at a reference boiler efficiency of {eff:g} (mgwsim.heat_network)"
    params = {"supply_kind": "fixed", "energy_eur_per_kwh": per_kwh,
              "fixed_eur_per_year": gas["supplier_fixed_eur_per_year"] + gas["distribution_fixed_eur_per_year"],
              "metering_eur_per_year": gas["data_management_eur_per_year"], "vat_frac": gas["vat_frac"]}
    return Tariff(name=f"heat_nmda_{gas.name}", kind="heat", carrier="district_heat", year=gas.year,
                  params=MappingProxyType(params), excise_bands=((math.inf, 0.0),),
                  sources=MappingProxyType({key: basis for key in (*params, "excise_bands")}),
                  meta=MappingProxyType({"name": f"heat_nmda_{gas.name}", "kind": "heat", "carrier": "district_heat",
                                         "year": gas.year, "description": basis}))
