"""A heat-network variant: NMDA tariff by hand, its bill, CO2 and EPC, the supply-temperature check, TOML."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mgwsim.assess import EPC_FACTORS_FLANDERS, heat_network_temperature
from mgwsim.building import building_from_typology
from mgwsim.config import read_config
from mgwsim.errors import InputError
from mgwsim.finance import load_cost_table
from mgwsim.heat_network import EPB_DEFAULT_EFFICIENCY, EPB_DEFAULT_PRIMARY_FACTOR, HeatNetwork, nmda_tariff
from mgwsim.study import Study, StudyInputs, Variant
from mgwsim.study.costs import variant_investments
from mgwsim.system import gas_boiler_reference, heat_network_plant
from mgwsim.tariffs import annual_bill, load_tariff

GAS = load_tariff("gas", 2026)


# --------------------------------------------------------------------------- tariff and bill by hand
def test_the_nmda_price_is_the_gas_price_per_kwh_of_heat_by_hand():
    per_kwh_gas = (GAS["energy_eur_per_kwh"] + GAS["distribution_eur_per_kwh"] + GAS["transport_eur_per_kwh"]
                   + GAS["energy_contribution_eur_per_kwh"] + GAS.excise_bands[-1][1])
    heat = nmda_tariff(GAS, 0.8)
    assert heat.kind == "heat" and heat.carrier == "district_heat"
    assert heat["energy_eur_per_kwh"] == pytest.approx(per_kwh_gas / 0.8)
    assert heat["fixed_eur_per_year"] == GAS["supplier_fixed_eur_per_year"] + GAS["distribution_fixed_eur_per_year"]
    assert heat["vat_frac"] == GAS["vat_frac"]
    assert "NMDA" in heat.sources["energy_eur_per_kwh"]


def _year(column: str, kwh_per_hour: float) -> pd.DataFrame:
    index = pd.date_range("2026-01-01", periods=8760, freq="h", tz="Europe/Brussels")
    return pd.DataFrame({column: np.full(8760, kwh_per_hour)}, index=index)


def test_a_heat_bill_by_hand():
    heat = nmda_tariff(GAS).with_overrides(energy_eur_per_kwh=0.10, fixed_eur_per_year=300.0,
                                          metering_eur_per_year=50.0, vat_frac=0.06)
    bill = annual_bill(_year("district_heat_kwh", 10.0), heat)
    assert bill.by_carrier()["district_heat"] == pytest.approx((87_600 * 0.10 + 300.0 + 50.0) * 1.06)


def test_heat_at_the_nmda_ceiling_costs_what_gas_in_the_reference_boiler_costs():
    """Not more than otherwise: the heat of a boiler of the reference efficiency bills as its gas did."""
    eff, heat_kwh = 0.9, 20.0
    gas_bill = annual_bill(_year("gas_kwh", heat_kwh / eff), GAS).by_carrier()["gas"]
    heat_bill = annual_bill(_year("district_heat_kwh", heat_kwh), nmda_tariff(GAS, eff)).by_carrier()["district_heat"]
    assert heat_bill == pytest.approx(gas_bill, rel=1e-9)


def test_a_heat_tariff_file_of_one_s_own_is_read(tmp_path):
    path = tmp_path / "heat.toml"
    path.write_text('''[meta]
name = "heat_test"
kind = "heat"
carrier = "district_heat"
year = 2026
[price]
supply_kind = { value = "fixed", source = "test", year = 2026 }
energy_eur_per_kwh = { value = 0.11, source = "operator sheet (test)", year = 2026 }
fixed_eur_per_year = { value = 250.0, source = "operator sheet (test)", year = 2026 }
metering_eur_per_year = { value = 40.0, source = "operator sheet (test)", year = 2026 }
vat_frac = { value = 0.06, source = "test", year = 2026 }
[[excise_bands]]
upto_kwh = inf
eur_per_kwh = 0.0
source = "no excise on heat (test)"
year = 2026
''')
    from mgwsim.tariffs import read_tariff

    tariff = read_tariff(path)
    assert tariff.carrier == "district_heat" and tariff["energy_eur_per_kwh"] == 0.11
    assert HeatNetwork(tariff=tariff).tariff_for(GAS) is tariff


# --------------------------------------------------------------------------- the variant and its checks
def test_a_substation_and_a_heat_network_go_together():
    with pytest.raises(InputError, match="heat_network"):
        Variant("x", heat_network_plant(50.0))
    with pytest.raises(InputError, match="heat_network"):
        Variant("x", gas_boiler_reference(50.0), heat_network=HeatNetwork())
    with pytest.raises(InputError, match="kind 'heat'"):
        HeatNetwork(tariff=GAS)
    with pytest.raises(InputError, match="supply_degc"):
        HeatNetwork(supply_degc=200.0)


def test_the_substation_and_the_fee_are_priced():
    costs = load_cost_table()
    variant = Variant("hn", heat_network_plant(80.0), heat_network=HeatNetwork(name="net", connection_fee_eur=9000.0))
    items = variant_investments(variant, costs, design_heat_load_kw=80.0)
    names = {i.name: i for i in items}
    substation = costs.investment("heat_network_substation", 80.0)
    assert names["heat-network substation 80 kW"].capex_eur == pytest.approx(substation.capex_eur)
    assert names["connection to net"].capex_eur == 9000.0
    assert names["connection to net"].vat_class == "standard"
    assert any(i.name.startswith("closure of the collective gas connection") for i in items)  # no gas any more


@pytest.fixture(scope="module")
def study(weather):
    """A small block on 75/65 radiators: the gas reference, a 90 °C network and a 55 °C one."""
    building = building_from_typology("AB.02", 1, floor_area_m2=600.0, n_apartments=8, n_storeys=3)
    inputs = StudyInputs(building, weather, regime=(75.0, 65.0))
    kw = math.ceil(building.design_heat_load_kw(inputs.design_temperature_degc))
    reference = Variant("reference", gas_boiler_reference(kw), keeps_existing_boiler=False)
    hot = Variant("network 90", heat_network_plant(kw), heat_network=HeatNetwork(name="hot net", supply_degc=90.0))
    cold = Variant("network 55", heat_network_plant(kw),
                   heat_network=HeatNetwork(name="cold net", supply_degc=55.0, co2_kg_per_kwh=0.05))
    return Study(inputs, reference, [hot, cold]).run()


def test_at_the_nmda_ceiling_the_network_bills_as_the_reference_gas(study):
    ref, hot = study.result("reference"), study.result("network 90")
    assert hot.bill.by_carrier()["district_heat"] == pytest.approx(ref.bill.by_carrier()["gas"], rel=1e-6)
    assert "gas" not in hot.bill.by_carrier()  # the gas connection is closed
    heat = hot.system.hourly["district_heat_kwh"].sum()
    assert heat == pytest.approx(ref.system.hourly["gas_kwh"].sum() * 0.9, rel=1e-6)  # the same heat


def test_co2_and_epc_of_the_network_heat_by_hand(study):
    inputs, hot, cold = study.study.inputs, study.result("network 90"), study.result("network 55")
    factors = inputs.co2_factors["kg_co2_per_kwh"]
    for result, per_kwh in ((hot, factors["natural_gas"] / 0.9), (cold, 0.05)):
        heat = float(result.system.hourly["district_heat_kwh"].sum())
        grid = float(result.balance["grid_import_kwh"].sum())
        unmet = max(float(result.system.hourly["space_heating_unmet_kwh"].sum()), 0.0)  # heated electrically, as ever
        assert result.co2_kg == pytest.approx(heat * per_kwh + (grid + unmet) * factors["electricity"], rel=1e-9)
        primary = result.epc.primary_kwh_by_use["heating"] + result.epc.primary_kwh_by_use["hot_water"]
        expected = heat * EPB_DEFAULT_PRIMARY_FACTOR / EPB_DEFAULT_EFFICIENCY + unmet * EPC_FACTORS_FLANDERS["electricity"]
        assert primary == pytest.approx(expected, rel=1e-9)
    assert EPC_FACTORS_FLANDERS.get("district_heat") is None  # no silent default: the network states its factor


def test_the_network_s_supply_temperature_is_judged_hour_by_hour(study):
    hot, cold = (study.result(name) for name in ("network 90", "network 55"))
    checks = {name: {c.name: c for c in study.result(name).checks} for name in ("network 90", "network 55")}
    assert checks["network 90"]["heat_network_temperature"].status == "pass"
    check = checks["network 55"]["heat_network_temperature"]
    required = cold.system.hourly["supply_required_degc"].to_numpy()
    assert check.status == "fail" and check.value == int((required > 50.0).sum()) > 0
    assert check.threshold == 50.0 and "cold net" in check.sentence
    decision = study.decision.table
    assert "heat_network_temperature" in decision.loc["network 55", "lock_in_failures"]
    assert not decision.loc["network 55", "qualifies"]


def test_the_check_counts_hours_above_the_loop_limit(study):
    system = study.result("network 90").system
    required = system.hourly["supply_required_degc"].to_numpy()
    limit = float(np.quantile(required, 0.9))
    check = heat_network_temperature(system, limit)
    assert check.value == int((required > limit + 1e-9).sum())
    assert heat_network_temperature(system, float(required.max())).status == "pass"


# --------------------------------------------------------------------------- TOML
_TOML = {
    "building": {"typology": "AB.02", "floor_area_m2": 600.0, "n_apartments": 8, "n_storeys": 3},
    "reference": {"gas_boiler_kw": 60.0},
    "variants": [
        {"name": "network", "heat_network": {"name": "warmtenet", "substation_kw": 60.0, "supply_degc": 75.0,
                                             "connection_fee_eur": 12000.0}},
    ],
}


def test_a_toml_heat_network_variant_loads():
    (variant,) = read_config(_TOML).study.variants
    assert variant.heat_network == HeatNetwork(name="warmtenet", supply_degc=75.0, connection_fee_eur=12000.0)
    assert variant.plant.backup.kind == "heat_network" and variant.plant.backup.capacity_kw == 60.0


@pytest.mark.parametrize("change, expected", [
    ({"plant": {"heat_pumps": {"refrigerant": "R290", "rated_kw": 30.0}}}, "either"),
    ({"heat_network": {"substation_kw": -1.0}}, r"variants\[0\].heat_network.substation_kw"),
    ({"heat_network": {"substation_kw": 60.0, "tariff": "missing.toml"}}, "heat tariff file"),
    ({"heat_network": {"substation_kw": 60.0, "colour": "red"}}, "unknown key 'colour'"),
])
def test_bad_toml_heat_networks_name_the_key(change, expected):
    variant = {**_TOML["variants"][0], **change}
    with pytest.raises(InputError, match=expected):
        read_config({**_TOML, "variants": [variant]})
