"""The investments a variant makes, priced with the cost table (``mgwsim/data/costs``)."""

from __future__ import annotations

import math
from dataclasses import replace

from mgwsim.building.emitters import Radiators
from mgwsim.electric import CONNECTION_POWER_FACTOR
from mgwsim.errors import InputError, check_number
from mgwsim.finance import (
    CONNECTION_UPGRADE_PREFIX,
    ConnectionCosts,
    CostTable,
    Investment,
    cabin_investments,
    connection_upgrade_investments,
    gas_closure_investments,
    load_connection_costs,
)
from mgwsim.study.variant import Variant
from mgwsim.tariffs import Tariff

HEAT_PUMP_ITEM = {"air": "heat_pump_air_water", "exhaust_air": "heat_pump_air_water",
                  "brine": "heat_pump_brine_water", "water": "heat_pump_brine_water"}


def _heat_pump_items(variant: Variant, costs: CostTable) -> list[Investment]:
    items = []
    for label, cascade in (("space heating", variant.plant.heat_pumps), ("hot water", variant.plant.hot_water.heat_pump)):
        if cascade is None:
            continue
        kw = cascade.rated_capacity_kw()
        kind = cascade.performance.source.kind
        if cascade.performance.method == "booster pair":  # a water/water booster on the heating loop
            kind = "water"
        unit_kw = kw / cascade.n_units
        for unit in range(cascade.n_units):
            name = f"heat pump {label} {unit + 1} ({unit_kw:.0f} kW)"
            items += costs.investments(HEAT_PUMP_ITEM[kind], unit_kw, name=name)
        items += costs.investments("hydraulics", kw, name=f"hydraulics {label} ({kw:.0f} kW)")
    return items + _source_items(variant, costs)


WATER_SOURCE_ITEM = {"canal": "water_source_surface", "groundwater": "water_source_wells"}
"""The cost-table rows of a water source by its body (sized on the heat pumps' rated capacity [kW])."""


def ground_loop(variant: Variant):
    """The variant's :class:`~mgwsim.study.heat_sources.GroundLoop` with its length set (sized on the heat
    pumps' rated capacity when not given); ``None`` for another source."""
    if variant.source != "ground" or variant.is_reference:
        return None
    rated = sum(c.rated_capacity_kw() for c in (variant.plant.heat_pumps, variant.plant.hot_water.heat_pump)
                if c is not None)
    return variant.source_options.sized(rated)


def _source_items(variant: Variant, costs: CostTable) -> list[Investment]:
    """The heat source's own works: the boreholes by the metres drilled, a water intake or well doublet."""
    loop = ground_loop(variant)
    if loop is not None:
        field = loop.borefield()
        name = (f"borefield {field.n_boreholes} x {field.depth_m:.0f} m ({loop.total_length_m:.0f} m drilled "
                "and grouted, with the brine collector)")
        return list(costs.investments("boreholes", loop.total_length_m, name=name))
    if variant.source == "water" and not variant.is_reference:
        kw = sum(c.rated_capacity_kw() for c in (variant.plant.heat_pumps, variant.plant.hot_water.heat_pump)
                 if c is not None)
        body = variant.source_options.body
        return list(costs.investments(WATER_SOURCE_ITEM[body], kw, name=f"water source: {body} ({kw:.0f} kW)"))
    return []


BOILER_ITEM = "gas_boiler_condensing"
"""The cost-table row of a new (or replacement) collective gas boiler; its ``lifetime_years`` is the
existing boiler's lifetime too."""


def variant_investments(variant: Variant, costs: CostTable, *, mv_tariff: Tariff | None = None,
                        access_power_kva: float = 0.0, design_heat_load_kw: float = 0.0, peak_import_kw: float = 0.0,
                        existing_connection_kva: float | None = None, existing_boiler_age_years: float | None = None,
                        connection_costs: ConnectionCosts | None = None,
                        roof_insulation_year: int | None = None,
                        radiators: Radiators | None = None, n_apartments: int | None = None,
                        battery_replacement_years: int | None = None,
                        plant_items: tuple[Investment, ...] | None = None) -> list[Investment]:
    """The investments of ``variant`` (excl. VAT), each with the year it is bought.

    At year 0: heat pumps per unit (economies of scale in the cost table), hydraulics, buffer
    and hot-water tanks, an electrical upgrade sized on the heat pumps' electrical input at
    the rating point (thermal / 3) plus the booster and an electric backup's input, that
    electric backup, PV by kWp, EV chargers and load management, the private MV cabin and
    connection, and the variant's extra investments. An item larger than the cost table's
    largest size is installed as several equal units, one smaller than its smallest size is
    priced as the minimum lot (:meth:`CostTable.investments`).

    Like for like (the existing gas boiler, lifetime L of the ``gas_boiler_condensing`` row,
    age a): the reference buys its new condensing boiler (the larger of its capacity and the
    design heat load) when the existing one is due, in year max(0, L - a); a variant that
    keeps the existing boiler as backup carries its replacement (a boiler of the backup's
    capacity) in that same year; a variant with a new boiler buys it at year 0.

    Grid: on low voltage, when the peak import exceeds the existing connection
    (``peak_import_kw / CONNECTION_POWER_FACTOR > existing_connection_kva``), the connection
    upgrade at the DSO's prices (:func:`mgwsim.finance.connection_upgrade_investments`, a
    0-EUR note when low voltage cannot carry it). A variant that closes the collective gas
    connection pays the DSO's closure fee and the removal of the old boiler, sized on the
    design heat load (:func:`mgwsim.finance.gas_closure_investments`), at year 0.

    Parameters
    ----------
    variant : Variant
    costs : CostTable
    mv_tariff : Tariff, optional
        The MV tariff whose ``[cabin]`` prices the cabin of an MV variant.
    access_power_kva : float
        Capacity of an MV connection [kVA] when known; the cabin's connection is sized on at least the
        peak import's apparent power, ``peak_import_kw / CONNECTION_POWER_FACTOR``.
    design_heat_load_kw : float
        Design heat load of the building [kW] (the reference boiler's least size, the old
        boiler's size for its removal).
    peak_import_kw : float
        The year's peak grid import [kW] (hourly mean, as :func:`mgwsim.assess.connection_capacity`).
    existing_connection_kva : float, optional
        The building's present connection [kVA]; ``None``: no connection upgrade is assessed.
    existing_boiler_age_years : float, optional
        Age of the existing gas boiler [years]; ``None``: at the end of its life (due now).
    connection_costs : ConnectionCosts, optional
        Prices of the connection works; default the shipped ``data/costs/connection_works.csv``.
    roof_insulation_year : int, optional
        The year the renovation path insulates the roof [years from now]: PV laid before it
        (within the PV's life) is removed and reinstalled then, a one-off ``pv_remount`` cost
        (:func:`mgwsim.assess.pv_before_roof_renovation` judges the same case).
    radiators : Radiators, optional
        The existing radiators, needed when the variant has an emitter upgrade
        (:func:`emitter_investments`).
    n_apartments : int, optional
        Apartments of the building, needed when the emitter upgrade balances the system.
    battery_replacement_years : int, optional
        Years between purchases of the variant's battery (its ageing,
        :meth:`mgwsim.battery.Battery.life`); ``None``: the ``battery`` row's lifetime.
    plant_items : tuple of Investment, optional
        The variant's :func:`plant_investments` (with the same ``costs``, ``design_heat_load_kw`` and
        ``existing_boiler_age_years``) when the caller keeps them: a batch's variants of one plant share them.
    """
    plant = variant.plant
    works = connection_costs if connection_costs is not None else load_connection_costs()
    items = list(plant_items) if plant_items is not None else \
        plant_investments(variant, costs, design_heat_load_kw=design_heat_load_kw,
                          existing_boiler_age_years=existing_boiler_age_years)
    if variant.pv:
        items += costs.investments("pv", variant.pv_kwp, name=f"PV {variant.pv_kwp:.1f} kWp")
        items += _pv_remount(variant.pv_kwp, costs, roof_insulation_year)
    if variant.battery is not None:
        items += battery_investments(variant.battery, costs, battery_replacement_years)
    if variant.ev is not None:
        items += costs.investments("ev_charger", variant.ev.n_points, name=f"EV chargers ({variant.ev.n_points})")
        if variant.ev_strategy != "uncontrolled":
            items += costs.investments("load_management", 1, name="EV load management")
    if variant.connection == "mv":
        if mv_tariff is None:
            raise ValueError("variant_investments: an MV variant needs the MV tariff for its cabin costs")
        # the cabin's connection carries the peak's apparent power (cos φ, mgwsim.electric.CONNECTION_POWER_FACTOR)
        peak = check_number(peak_import_kw, "peak_import_kw", owner="variant_investments", low=0.0, unit="kW")
        items.extend(cabin_investments(mv_tariff, max(access_power_kva, peak / CONNECTION_POWER_FACTOR)))
    elif existing_connection_kva is not None:
        peak = check_number(peak_import_kw, "peak_import_kw", owner="variant_investments", low=0.0, unit="kW")
        items.extend(connection_upgrade_investments(works, existing_connection_kva, peak / CONNECTION_POWER_FACTOR))
    if not variant.keeps_gas_connection:
        items.extend(gas_closure_investments(works, design_heat_load_kw))
    if variant.emitter_upgrade is not None:
        items += emitter_investments(variant.emitter_upgrade, costs, radiators, n_apartments)
    items.extend(variant.extra_investments)
    return items


def plant_investments(variant: Variant, costs: CostTable, *, design_heat_load_kw: float = 0.0,
                      existing_boiler_age_years: float | None = None) -> list[Investment]:
    """The first investments of :func:`variant_investments`, those of the heat plant alone (the same for a
    variant with or without PV, battery, cars, tariff, connection or emitter upgrade): heat pumps, hydraulics
    and heat source, buffer and hot-water tanks, the electrical upgrade, an electric backup, the gas boiler and
    a heat-network substation with its connection."""
    plant = variant.plant
    items = _heat_pump_items(variant, costs)
    if plant.buffer is not None:
        volume = plant.buffer.volume_l
        items += costs.investments("buffer_tank", volume, name=f"buffer tank {volume:.0f} l")
    electric_backup_kw = plant.backup.capacity_kw / plant.backup.efficiency if plant.backup.kind == "electric" else 0.0
    if plant.heat_pumps is not None:
        tank = plant.hot_water.tank
        items += costs.investments("dhw_tank", tank.volume_l, name=f"hot-water tank {tank.volume_l:.0f} l")
    if plant.heat_pumps is not None or electric_backup_kw > 0.0:
        hp_kw = plant.heat_pumps.rated_capacity_kw() / 3.0 if plant.heat_pumps is not None else 0.0
        electrical_kw = hp_kw + plant.hot_water.booster_kw + electric_backup_kw
        items += costs.investments("electrical_upgrade", electrical_kw,
                                   name=f"electrical works ({electrical_kw:.0f} kW)")
    if electric_backup_kw > 0.0:
        kw = plant.backup.capacity_kw
        items += costs.investments("electric_heater", kw, name=f"electric backup heater {kw:.0f} kW")
    if plant.backup.kind == "gas_boiler":
        items += _boiler_items(variant, costs, design_heat_load_kw, existing_boiler_age_years)
    if variant.heat_network is not None:
        items += heat_network_investments(variant.heat_network, plant.backup.capacity_kw, costs)
    return items


def heat_network_investments(network, substation_kw: float, costs: CostTable) -> list[Investment]:
    """The substation by its capacity (``heat_network_substation``) and the operator's connection fee
    (``HeatNetwork.connection_fee_eur``, else the ``heat_network_connection`` row), at year 0."""
    items = list(costs.investments("heat_network_substation", substation_kw,
                                   name=f"heat-network substation {substation_kw:.0f} kW"))
    fee = costs.investment("heat_network_connection", 1, name=f"connection to {network.name}")
    if network.connection_fee_eur is not None:
        fee = replace(fee, capex_eur=float(network.connection_fee_eur), source=f"{network.name}: the operator's offer (user input)")
    return items + [fee]


def emitter_investments(upgrade, costs: CostTable, radiators: Radiators | None,
                        n_apartments: int | None) -> list[Investment]:
    """The new radiators by their output at the EN 442 standard regime 75/65/20 [kW] (``radiator_replacement``,
    or ``low_temperature_radiator`` when they bring their own exponent) and the hydraulic balancing per
    apartment (``hydraulic_balancing``), at year 0, with the rows' VAT class."""
    if not isinstance(radiators, Radiators):
        raise InputError("variant_investments: an emitter upgrade needs the existing radiators "
                         f"(radiators = Radiators), got {type(radiators).__name__}")
    items = []
    if upgrade.replaces_radiators:
        kw = upgrade.new_nominal_output_kw(radiators)
        item = "radiator_replacement" if upgrade.exponent is None else "low_temperature_radiator"
        items += costs.investments(item, kw, name=f"{upgrade.name}: new radiators {kw:.1f} kW at 75/65/20")
    if upgrade.balancing:
        n = int(check_number(n_apartments, "n_apartments", owner="variant_investments", low=1))
        items += costs.investments("hydraulic_balancing", n, name=f"{upgrade.name}: hydraulic balancing ({n} apartments)")
    return items


def battery_investments(battery, costs: CostTable, replacement_years: int | None = None) -> list[Investment]:
    """The battery system by its usable capacity (``battery`` row: cells, inverter, installation), at
    year 0 and again every ``replacement_years`` (its ageing; default the row's lifetime)."""
    kwh = battery.capacity_kwh
    items = costs.investments("battery", kwh, name=f"battery {kwh:.0f} kWh / {battery.power_kw:.0f} kW")
    if replacement_years is None:
        return list(items)
    years = int(check_number(replacement_years, "battery_replacement_years", owner="variant_investments", low=1,
                             high=100, unit="years"))
    return [replace(item, lifetime_years=years) for item in items]


PV_REMOUNT_PREFIX = "PV removal and reinstallation"
"""How the one-off PV removal and reinstallation for roof works is named among the investments."""


def _pv_remount(kwp: float, costs: CostTable, roof_year: int | None) -> list[Investment]:
    """Removing and reinstalling the PV when the roof under it is insulated within its life."""
    if roof_year is None or not 0 < roof_year < costs.lifetime_years("pv"):
        return []
    items = costs.investments("pv_remount", kwp, name=f"{PV_REMOUNT_PREFIX} for the roof insulation "
                                                     f"({kwp:.1f} kWp, year {roof_year})")
    return [replace(item, first_year=int(roof_year), one_off=True) for item in items]


def includes_pv_remount(investments) -> bool:
    """Whether ``investments`` remove and reinstall the PV for the roof works (:func:`variant_investments`)."""
    return any(item.name.startswith(PV_REMOUNT_PREFIX) for item in investments)


def connection_upgrade_eur(investments) -> float | None:
    """The low-voltage connection upgrade among ``investments`` [EUR excl. VAT], ``None`` without one.

    For :func:`mgwsim.assess.connection_capacity`'s ``upgrade_cost_eur``: the DSO's studies and the
    upgrade (:func:`mgwsim.finance.connection_upgrade_investments`).
    """
    found = [item.capex_eur for item in investments if item.name.startswith(CONNECTION_UPGRADE_PREFIX)]
    return float(sum(found)) if found else None


def boiler_due_year(lifetime_years: int, existing_boiler_age_years: float | None) -> int:
    """The year the existing gas boiler is due: max(0, L - age) [years from now].

    ``None`` (the default of :class:`~mgwsim.study.StudyInputs`): at the end of its life, year 0.
    A fractional result is rounded up (the boiler is replaced in the first whole year by which
    it has reached its lifetime).
    """
    if existing_boiler_age_years is None:
        return 0
    age = check_number(existing_boiler_age_years, "existing_boiler_age_years", owner="variant_investments",
                       low=0.0, high=100.0, unit="years")
    return max(0, math.ceil(lifetime_years - age))


def _boiler_items(variant: Variant, costs: CostTable, design_heat_load_kw: float,
                  existing_boiler_age_years: float | None) -> list[Investment]:
    """The gas boiler a variant with a gas backup buys, in the year it buys it (see :func:`variant_investments`)."""
    backup_kw = variant.plant.backup.capacity_kw
    if variant.is_reference:
        size, label = max(backup_kw, design_heat_load_kw), "condensing gas boiler"
    elif variant.keeps_existing_boiler:
        size, label = backup_kw, "replacement of the existing gas boiler"
    else:
        return list(costs.investments(BOILER_ITEM, backup_kw, name=f"condensing gas boiler {backup_kw:.0f} kW"))
    due = boiler_due_year(costs.lifetime_years(BOILER_ITEM), existing_boiler_age_years)
    when = f"in year {due}" if due else "now"
    name = f"{label} {size:.0f} kW (the existing one is due {when})"
    return list(costs.investments(BOILER_ITEM, size, name=name, first_year=due))


# --------------------------------------------------------------------------- the renovation path's works
def measure_cost_item(measure) -> str | None:
    """The cost-table item that prices a renovation measure by its area (:meth:`area_m2`): an insulated
    roof, wall or floor (``<kind>_insulation``), new windows (``glazing``); None for a measure the table
    does not price (airtightness, ventilation, thermal bridges)."""
    from mgwsim.building.renovation import Insulate, ReplaceWindows

    if isinstance(measure, Insulate):
        return f"{measure.kind}_insulation"
    return "glazing" if isinstance(measure, ReplaceWindows) else None


def renovation_step_costs(path, building, costs: CostTable) -> list[tuple[object, float, list[str]]]:
    """(step, investment excl. VAT [EUR], measures without a price) for each step of ``path`` on ``building``.

    Each priced measure costs :meth:`CostTable.cost_eur` of its item at the area it covers on the building
    as the earlier steps left it (today's prices: the path's years are not escalated). The study's cash
    flows do not include these works (they are the same for every option, the reference included).
    """
    out, current = [], building
    for step in path.steps:
        total, unpriced = 0.0, []
        for measure in step.measures:
            item = measure_cost_item(measure)
            if item is None:
                unpriced.append(type(measure).__name__)
            else:
                total += costs.cost_eur(item, measure.area_m2(current))
            current = measure.apply(current)
        out.append((step, total, unpriced))
    return out


def envelope_now_investments(measures, building, costs: CostTable) -> list[Investment]:
    """The envelope ``measures`` a variant carries out now (``Variant.envelope_now``) as year-0 investments:
    each priced item (:func:`measure_cost_item`) at the area it covers on ``building`` as the earlier ones left
    it, with the cost table's lifetime, maintenance and VAT class; a measure the table does not price is an
    error (its cost would be missing from the comparison)."""
    out, current = [], building
    for measure in measures:
        item = measure_cost_item(measure)
        if item is None:
            raise InputError(f"Variant.envelope_now: {type(measure).__name__} has no price in the cost table "
                             "(priced: Insulate roof/wall/floor, ReplaceWindows); give its cost in extra_investments "
                             "and leave it out of envelope_now")
        area = measure.area_m2(current)
        out.append(costs.investment(item, area, name=f"{_ENVELOPE_NAMES[item]} now ({area:.0f} m2)"))
        current = measure.apply(current)
    return out


_ENVELOPE_NAMES = {"roof_insulation": "roof insulation", "wall_insulation": "wall insulation",
                   "floor_insulation": "floor insulation", "glazing": "new windows"}
"""The English name of an envelope item in an investment's name."""


def advanced_step_investments(measures, path, building, costs: CostTable) -> list[Investment]:
    """What the reference (and every variant without ``envelope_now``) pays for the renovation path's steps
    that a variant carries out now instead (``measures``): each such measure of a step, priced on the
    building as the earlier steps left it, bought in the step's year. On the reference's side of that
    variant's business case these are the purchases the variant no longer makes then (the other steps
    are common to both sides and cancel out)."""
    if path is None:
        return []
    out, current = [], building
    for step in path.steps:
        for measure in step.measures:
            item = measure_cost_item(measure)
            if measure in measures and item is not None:
                area = measure.area_m2(current)
                out.append(costs.investment(item, area, first_year=int(step.year),
                                            name=f"{_ENVELOPE_NAMES[item]} in year {step.year} ({area:.0f} m2)"))
            current = measure.apply(current)
    return out
