"""Emitter upgrades: larger or low-temperature radiators and hydraulic balancing, in the variant and the study."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from mgwsim.building import EmitterUpgrade, Radiators, building_from_typology, radiators_for
from mgwsim.building.emitters import log_mean_temperature_difference, nominal_output_kw
from mgwsim.config import read_config
from mgwsim.errors import InputError
from mgwsim.finance import load_cost_table
from mgwsim.heatpump import Source, carnot_map
from mgwsim.storage import Tank
from mgwsim.study import Study, StudyInputs, Variant
from mgwsim.study.costs import variant_investments
from mgwsim.study.evaluate import evaluate_variant
from mgwsim.system import Backup, HeatPumpCascade, HotWater, Plant, gas_boiler_reference


def _lmtd(supply, ret, room):
    """EN 442-2 logarithmic mean excess, written out: (θ_s − θ_r) / ln((θ_s − θ_i)/(θ_r − θ_i)) [K]."""
    return (supply - ret) / math.log((supply - room) / (ret - room))


def _supply_by_hand(output_kw, regime, exponent, load_kw, room=20.0):
    """Supply [°C] at which radiators of ``output_kw`` at ``regime`` emit ``load_kw`` with their design flow.

    Forward equations only (EN 442-2): Φ = Φ_d (ΔT_lm/ΔT_lm,d)^n and θ_s − θ_r = (θ_s,d − θ_r,d) Φ/Φ_d
    (constant flow); the supply is found by bisection, not by the closed form of the model.
    """
    spread = (regime[0] - regime[1]) * load_kw / output_kw
    design = _lmtd(*regime, room)

    def excess(supply):
        return output_kw * (_lmtd(supply, supply - spread, room) / design) ** exponent - load_kw

    return brentq(excess, room + spread + 1e-6, 150.0, xtol=1e-10)


@pytest.mark.parametrize("upgrade, output_kw, exponent", [
    (EmitterUpgrade(share=1.0, output_factor=2.0), 20.0, 1.3),          # all replaced by twice the output
    (EmitterUpgrade(share=0.5, output_factor=2.0), 15.0, 1.3),          # half: 10 (0.5 + 0.5 x 2) = 15 kW
    (EmitterUpgrade(share=0.25, output_factor=3.0), 15.0, 1.3),         # 10 (0.75 + 0.25 x 3) = 15 kW
    (EmitterUpgrade(share=1.0, output_factor=1.5, exponent=1.1), 15.0, 1.1),  # fan-assisted, own exponent
])
def test_an_upgrade_lowers_the_design_supply_by_the_radiator_equation(upgrade, output_kw, exponent):
    """Radiators of 10 kW at 75/65/20 carrying a 10 kW design load: 75 °C before, after the upgrade the supply at
    which the upgraded set (output and exponent by hand) emits 10 kW with its design flow."""
    radiators = Radiators(75.0, 65.0, 10.0)
    before, after = upgrade.design_supply_degc(radiators, 10.0)
    assert before == pytest.approx(75.0, abs=1e-9)
    assert after == pytest.approx(_supply_by_hand(output_kw, (75.0, 65.0), exponent, 10.0), abs=1e-6)
    assert after < before - 5.0


def test_the_hand_case_in_numbers():
    """Twice the output at 75/65/20 for the same load: φ = 1/2, ΔT_lm = 49.83 · 0.5^(1/1.3) = 29.22 K and a spread
    of 5 K give θ_r − θ_i = 5/(e^(5/29.22) − 1) = 26.79 K, so θ_s = 20 + 26.79 + 5 = 51.8 °C (docs/physics.md)."""
    _, after = EmitterUpgrade(share=1.0, output_factor=2.0).design_supply_degc(Radiators(75.0, 65.0, 10.0), 10.0)
    lmtd = 10.0 / math.log(55.0 / 45.0) * 0.5 ** (1.0 / 1.3)
    assert after == pytest.approx(20.0 + 5.0 / math.expm1(5.0 / lmtd) + 5.0, abs=1e-9)
    assert after == pytest.approx(51.8, abs=0.05)


@settings(max_examples=40, deadline=None)
@given(share=st.floats(0.05, 1.0), factors=st.lists(st.floats(1.0, 4.0), min_size=2, max_size=2),
       load=st.floats(0.05, 1.3), regime=st.sampled_from([(90.0, 70.0), (75.0, 65.0), (70.0, 50.0)]))
def test_more_upgraded_output_never_raises_the_supply(share, factors, load, regime):
    radiators = Radiators(*regime, design_output_kw=100.0)
    small, large = sorted(factors)
    supply = [EmitterUpgrade(share=share, output_factor=max(f, 1.0 + 1e-9)).apply(radiators)
              .supply_temperature_degc(100.0 * load)[0] for f in (small, large)]
    assert supply[1] <= supply[0] + 1e-9
    assert supply[0] <= radiators.supply_temperature_degc(100.0 * load)[0] + 1e-9


@settings(max_examples=30, deadline=None)
@given(shares=st.lists(st.floats(0.0, 1.0), min_size=2, max_size=2), factor=st.floats(1.01, 4.0))
def test_a_larger_share_never_raises_the_supply(shares, factor):
    radiators = Radiators(70.0, 50.0, 100.0)
    low, high = sorted(shares)
    supply = [EmitterUpgrade(share=s, output_factor=factor, balancing=True).apply(radiators).supply_temperature_degc(80.0)[0]
              for s in (low, high)]
    assert supply[1] <= supply[0] + 1e-9


def test_nominal_output_at_75_65_20_follows_the_radiator_equation():
    """Priced by catalogue output: 10 kW at 70/50/20 (ΔT_lm 39.15 K) are 10 (49.83/39.15)^1.3 = 13.7 kW at 75/65/20."""
    radiators = Radiators(70.0, 50.0, 10.0)
    expected = 10.0 * (_lmtd(75.0, 65.0, 20.0) / _lmtd(70.0, 50.0, 20.0)) ** 1.3
    assert nominal_output_kw(10.0, radiators) == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(13.7, abs=0.05)
    upgrade = EmitterUpgrade(share=0.5, output_factor=2.0)
    assert upgrade.new_output_kw(radiators) == pytest.approx(10.0)
    assert upgrade.new_nominal_output_kw(radiators) == pytest.approx(expected)


def test_balancing_alone_is_costed_and_keeps_the_radiators():
    radiators = Radiators(75.0, 65.0, 10.0)
    upgrade = EmitterUpgrade(share=0.0, balancing=True)
    assert upgrade.apply(radiators) is radiators and upgrade.new_output_kw(radiators) == 0.0


@pytest.mark.parametrize("kwargs, field", [
    ({"share": 1.2, "output_factor": 2.0}, "share"),
    ({"share": -0.1, "output_factor": 2.0}, "share"),
    ({"output_factor": -1.0}, "output_factor"),
    ({"output_factor": 0.8}, "output_factor"),
    ({"output_factor": float("nan")}, "output_factor"),
    ({"exponent": 1.1, "share": 0.5, "output_factor": 2.0}, "exponent"),
    ({"exponent": 0.5}, "exponent"),
    ({"balancing": "yes"}, "balancing"),
    ({"share": 1.0, "output_factor": 1.0}, "does nothing"),
])
def test_bad_upgrades_are_refused(kwargs, field):
    with pytest.raises(InputError, match=field):
        EmitterUpgrade(**kwargs)


def test_a_variant_refuses_what_is_not_an_upgrade():
    with pytest.raises(InputError, match="emitter_upgrade"):
        Variant("x", gas_boiler_reference(50.0), emitter_upgrade={"share": 0.5})


# --------------------------------------------------------------------------- costs
def _items(upgrade, radiators, n_apartments=10):
    variant = Variant("x", gas_boiler_reference(50.0), keeps_existing_boiler=False, emitter_upgrade=upgrade)
    items = variant_investments(variant, load_cost_table(), design_heat_load_kw=50.0, radiators=radiators,
                                n_apartments=n_apartments)
    return [item for item in items if item.name.startswith(upgrade.name)]


def test_the_new_radiators_and_the_balancing_are_priced_from_the_cost_table():
    costs = load_cost_table()
    radiators = Radiators(70.0, 50.0, 40.0)
    upgrade = EmitterUpgrade(share=0.5, output_factor=2.0, balancing=True)
    radiator_item, balancing_item = _items(upgrade, radiators)
    kw = upgrade.new_nominal_output_kw(radiators)  # 40 x 0.5 x 2 = 40 kW at 70/50/20
    assert radiator_item.capex_eur == pytest.approx(costs.investment("radiator_replacement", kw).capex_eur)
    assert balancing_item.capex_eur == pytest.approx(costs.investment("hydraulic_balancing", 10).capex_eur)
    assert {radiator_item.vat_class, balancing_item.vat_class} == {"renovation"}
    fan = _items(EmitterUpgrade(share=1.0, output_factor=1.2, exponent=1.1), radiators)[0]
    assert fan.capex_eur == pytest.approx(costs.investment("low_temperature_radiator",
                                                           nominal_output_kw(48.0, radiators, 1.1)).capex_eur)


def test_the_kept_regime_lmtd_is_the_one_computed_afresh():
    """Radiators keep the logarithmic mean excess of their design regime (and the EN 442 standard one): the
    same float the numpy formula gives."""
    for regime in ((75.0, 65.0, 20.0), (70.0, 50.0, 20.0), (90.0, 70.0, 21.0)):
        kept = Radiators(regime[0], regime[1], 40.0, room_degc=regime[2]).design_lmtd_k
        assert kept == float(log_mean_temperature_difference(*regime))
    radiators = Radiators(70.0, 50.0, 40.0)
    standard = float(log_mean_temperature_difference(75.0, 65.0, 20.0))
    assert nominal_output_kw(10.0, radiators) == 10.0 * (standard / float(
        log_mean_temperature_difference(70.0, 50.0, 20.0))) ** 1.3


def test_an_upgrade_needs_the_existing_radiators_to_be_priced():
    variant = Variant("x", gas_boiler_reference(50.0), emitter_upgrade=EmitterUpgrade(share=0.5, output_factor=2.0))
    with pytest.raises(InputError, match="radiators"):
        variant_investments(variant, load_cost_table())


# --------------------------------------------------------------------------- in the study
def _plant(max_sink_degc: float) -> Plant:
    pmap = carnot_map(np.linspace(-25, 35, 25), np.linspace(36, 80, 23), rated_capacity_kw=30.0, source=Source("air"),
                      max_sink_degc=max_sink_degc)
    return Plant(HeatPumpCascade(replace(pmap, refrigerant="R290"), 1), HotWater(Tank(500.0, 55.0, 75.0), booster_kw=6.0),
                 Tank(800.0), Backup("gas_boiler", 60.0, 0.9))


@pytest.fixture(scope="module")
def study(weather):
    """A small block on 75/65 radiators, heat pumps limited to 60 °C, with and without an upgrade."""
    building = building_from_typology("AB.02", 1, floor_area_m2=600.0, n_apartments=8, n_storeys=3)
    inputs = StudyInputs(building, weather, regime=(75.0, 65.0))
    upgrade = EmitterUpgrade(share=0.5, output_factor=2.5, balancing=True)
    plant = _plant(60.0)
    reference = Variant("reference", gas_boiler_reference(60.0), keeps_existing_boiler=False)
    variants = [Variant("hp", plant), Variant("hp + radiators", plant, emitter_upgrade=upgrade)]
    return Study(inputs, reference, variants).run()


def test_the_upgraded_variant_runs_on_the_upgraded_radiators(study):
    inputs, upgrade = study.study.inputs, study.result("hp + radiators").variant.emitter_upgrade
    plain, upgraded = study.result("hp").system.demand, study.result("hp + radiators").system.demand
    assert upgraded.radiators == upgrade.apply(inputs.existing_radiators)
    assert plain.radiators is inputs.existing_radiators
    expected = upgraded.radiators.supply_temperature_degc(plain.hourly["space_heating_kwh"].to_numpy())
    np.testing.assert_allclose(upgraded.hourly["supply_required_degc"], expected)
    assert (upgraded.hourly["supply_required_degc"] <= plain.hourly["supply_required_degc"] + 1e-9).all()
    np.testing.assert_array_equal(upgraded.hourly["space_heating_kwh"], plain.hourly["space_heating_kwh"])
    kpis = [study.result(name).energy_kpis()["max_supply_required_degc"] for name in ("hp", "hp + radiators")]
    assert kpis[1] < kpis[0] - 5.0


def test_the_upgrade_eases_the_temperature_lock_in(study):
    """Fewer hours above the heat pumps' 60 °C, less backup heat for that reason, a better SPF."""
    checks = {name: {c.name: c for c in study.result(name).checks} for name in ("hp", "hp + radiators")}
    limited = {name: float(study.result(name).system.hourly["hp_temperature_limited"].sum())
               for name in ("hp", "hp + radiators")}
    assert limited["hp + radiators"] < limited["hp"]
    before, after = checks["hp"]["temperature_lock_in"], checks["hp + radiators"]["temperature_lock_in"]
    assert after.value <= before.value
    assert before.status != "pass" and "°C" in before.sentence
    spf = [study.result(name).energy_kpis()["spf_h2"] for name in ("hp", "hp + radiators")]
    assert spf[1] > spf[0]


def test_the_upgrade_is_in_the_investment_with_renovation_vat(study):
    """The upgrade's items are the only difference in investment, all at the reduced renovation rate (6 %)."""
    items = [i for i in study.result("hp + radiators").investments if i.name.startswith("emitter upgrade")]
    assert len(items) == 2 and {i.vat_class for i in items} == {"renovation"}
    extra = sum(i.capex_eur for i in items)
    plain, upgraded = (study.case(name) for name in ("hp", "hp + radiators"))
    split = [case.investment_by_vat_class_eur["variant"] for case in (plain, upgraded)]
    assert split[1]["renovation"] - split[0]["renovation"] == pytest.approx(extra)
    assert split[1]["fossil_heating"] == pytest.approx(split[0]["fossil_heating"])
    assert upgraded.variant_investment_vat_eur - plain.variant_investment_vat_eur == pytest.approx(0.06 * extra)


# --------------------------------------------------------------------------- TOML
_TOML = {
    "building": {"typology": "AB.02", "floor_area_m2": 600.0, "n_apartments": 8, "n_storeys": 3},
    "reference": {"gas_boiler_kw": 60.0},
    "variants": [
        {"name": "hp", "plant": {"heat_pumps": {"refrigerant": "R290", "rated_kw": 30.0, "max_supply_degc": 60.0},
                                 "backup": {"kind": "gas_boiler", "capacity_kw": 60.0, "efficiency": 0.9}}},
        {"name": "hp + radiators", "based_on": "hp",
         "emitter_upgrade": {"share": 0.5, "output_factor": 2.5, "balancing": True}},
    ],
}


def test_a_toml_variant_with_an_upgrade_loads_and_runs():
    study = read_config(_TOML).study
    plain, upgraded = study.variants
    assert plain.emitter_upgrade is None
    assert upgraded.emitter_upgrade == EmitterUpgrade(share=0.5, output_factor=2.5, balancing=True)
    result = evaluate_variant(study.inputs, upgraded)
    radiators = study.inputs.existing_radiators
    assert result.system.demand.radiators == upgraded.emitter_upgrade.apply(radiators)
    assert any(i.name.startswith("emitter upgrade: hydraulic balancing (8 apartments)") for i in result.investments)


@pytest.mark.parametrize("table, expected", [
    ({"share": 1.2, "output_factor": 2.0}, "variants[1].emitter_upgrade.share"),
    ({"output_factor": -2.0}, "variants[1].emitter_upgrade.output_factor"),
    ({"share": 0.5, "exponent": 1.1, "output_factor": 2.0}, "variants[1].emitter_upgrade"),
    ({"colour": "red"}, "unknown key 'colour'"),
])
def test_bad_toml_upgrades_name_the_key(table, expected):
    data = {**_TOML, "variants": [_TOML["variants"][0], {**_TOML["variants"][1], "emitter_upgrade": table}]}
    with pytest.raises(InputError, match=expected.replace("[", r"\[").replace("]", r"\]")):
        read_config(data)


def test_the_reference_has_no_emitter_upgrade():
    data = {**_TOML, "reference": {"gas_boiler_kw": 60.0, "emitter_upgrade": {"share": 0.5, "output_factor": 2.0}}}
    with pytest.raises(InputError, match="unknown key 'emitter_upgrade'"):
        read_config(data)


def test_radiators_for_and_an_upgrade_agree_on_the_design_point():
    """Sized on the design load at 70/50, the existing radiators need 70 °C at it; the upgraded set less."""
    radiators = radiators_for(50.0, (70.0, 50.0))
    before, after = EmitterUpgrade(share=0.5, output_factor=2.0).design_supply_degc(radiators, 50.0)
    assert before == pytest.approx(70.0, abs=1e-9)
    assert after == pytest.approx(_supply_by_hand(75.0, (70.0, 50.0), 1.3, 50.0), abs=1e-6)


def test_along_the_renovation_path_the_variant_keeps_its_upgraded_radiators(weather):
    """Each state of the path is heated through the upgraded radiators, needing no more than the existing ones."""
    from mgwsim.building import Insulate, RenovationPath, RenovationStep

    building = building_from_typology("AB.02", 1, floor_area_m2=600.0, n_apartments=8, n_storeys=3)
    path = RenovationPath((RenovationStep(3, (Insulate("roof", target_u_w_m2k=0.2),), "roof"),))
    inputs = StudyInputs(building, weather, renovation_path=path)
    upgrade = EmitterUpgrade(share=0.5, output_factor=2.0)
    plain, upgraded = inputs.path_demands, inputs.path_demands_with(upgrade)
    assert len(upgraded) == len(plain) == 2
    assert inputs.path_demands_with(None) is plain
    for before, after in zip(plain, upgraded):
        assert after.radiators is inputs.radiators_of(upgrade)
        np.testing.assert_array_equal(after.hourly["space_heating_kwh"], before.hourly["space_heating_kwh"])
        assert (after.hourly["supply_required_degc"] <= before.hourly["supply_required_degc"] + 1e-9).all()
        assert after.hourly["supply_required_degc"].max() < before.hourly["supply_required_degc"].max()
