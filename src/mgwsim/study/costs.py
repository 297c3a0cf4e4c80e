"""The investments a variant makes, priced with the cost table (``mgwsim/data/costs``)."""

from __future__ import annotations

from mgwsim.finance import CostTable, Investment, cabin_investments
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
        unit_kw = kw / cascade.n_units
        for unit in range(cascade.n_units):
            name = f"heat pump {label} {unit + 1} ({unit_kw:.0f} kW)"
            items += costs.investments(HEAT_PUMP_ITEM[kind], unit_kw, name=name)
        items += costs.investments("hydraulics", kw, name=f"hydraulics {label} ({kw:.0f} kW)")
    return items


def variant_investments(variant: Variant, costs: CostTable, *, mv_tariff: Tariff | None = None,
                        access_power_kva: float = 0.0, design_heat_load_kw: float = 0.0) -> list[Investment]:
    """Year-0 investments of ``variant`` (excl. VAT).

    Heat pumps per unit (economies of scale in the cost table), hydraulics, buffer and
    hot-water tanks, an electrical upgrade sized on the heat pumps' electrical input at the
    rating point (thermal / 3) plus the booster and an electric backup's input, that electric
    backup, PV by kWp, EV chargers and load management, the private MV cabin and connection,
    a new condensing boiler when the variant (or the reference) does not keep the existing
    one, and the variant's extra investments. An item larger than the cost table's largest
    size is installed as several equal units (:meth:`CostTable.investments`).
    """
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
    if plant.backup.kind == "gas_boiler" and not variant.keeps_existing_boiler:
        size = max(plant.backup.capacity_kw, design_heat_load_kw) if plant.heat_pumps is None else plant.backup.capacity_kw
        items += costs.investments("gas_boiler_condensing", size, name=f"condensing gas boiler {size:.0f} kW")
    if variant.pv:
        items += costs.investments("pv", variant.pv_kwp, name=f"PV {variant.pv_kwp:.1f} kWp")
    if variant.ev is not None:
        items += costs.investments("ev_charger", variant.ev.n_points, name=f"EV chargers ({variant.ev.n_points})")
        if variant.ev_strategy != "uncontrolled":
            items += costs.investments("load_management", 1, name="EV load management")
    if variant.connection == "mv":
        if mv_tariff is None:
            raise ValueError("variant_investments: an MV variant needs the MV tariff for its cabin costs")
        items.extend(cabin_investments(mv_tariff, access_power_kva))
    items.extend(variant.extra_investments)
    return items
