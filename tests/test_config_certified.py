"""A certified product named in the configuration: its map reproduces its certificate; clear sizing words."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

from mgwsim.config import load_study, read_config
from mgwsim.errors import InputError
from mgwsim.heatpump.certificate import keymark_points, keymark_products, scop_from_map
from mgwsim.heatpump.products import certified_product_map

ROOT = Path(__file__).resolve().parents[1]
AIRWELL_30 = "Airwell Wellea A AW-WHPMA30-H93"

BASE = {
    "building": {"typology": "AB.02", "floor_area_m2": 900.0, "n_apartments": 12, "n_storeys": 4},
    "reference": {"gas_boiler_kw": 90.0},
    "variants": [{"name": "hp", "plant": {"heat_pumps": {"certificate": AIRWELL_30, "n_units": 2},
                                          "backup": {"kind": "electric", "capacity_kw": 60.0}}}],
}


def _config(heat_pumps: dict | None = None, **variant) -> dict:
    data = copy.deepcopy(BASE)
    if heat_pumps is not None:
        data["variants"][0]["plant"]["heat_pumps"] = heat_pumps
    data["variants"][0].update(variant)
    return data


def _unit(data: dict, base_dir=".") -> object:
    return read_config(data, base_dir).study.variants[0].plant.heat_pumps


def _error(data: dict, base_dir=".") -> str:
    with pytest.raises(InputError) as info:
        read_config(data, base_dir)
    return str(info.value)


# --------------------------------------------------------------------------- the map reproduces the certificate
@pytest.mark.parametrize("product", keymark_products())
def test_the_named_products_map_gives_its_declared_scop_within_5_pct(product):
    """EN 14825 bin method on the study's map (scop_from_map at the declared Prated) against the certificate's
    SCOP of the 35 °C application. Measured 2026-12-07: -4.9, -4.6, -4.9, -1.3 % (18/22/26/30 kW)."""
    performance = _unit(_config({"certificate": product})).performance
    declared = keymark_points(product, 35)
    prated = float(declared["prated_kw"].iloc[0])
    assert performance.refrigerant == declared["refrigerant"].iloc[0] == "R32"
    assert scop_from_map(performance, prated) == pytest.approx(float(declared["scop_declared"].iloc[0]), rel=0.05)


@pytest.mark.parametrize("product", keymark_products())
def test_the_map_reproduces_the_declared_cops_within_the_fits_stated_error(product):
    """The fit states its COP error as a leave-one-out RMS; the map's RMS error at the declared part-load points
    (both applications, the points it was fitted to) stays within it. Measured 2026-12-07 (18/22/26/30 kW): RMS
    11.2/13.1/12.4/12.2 % against stated 17.6/21.0/16.8/13.7 %; the largest single miss is the 55 °C application's
    TOL point (-10/55 °C, declared COP 1.07-1.2), over-predicted by 23-36 %."""
    unit = certified_product_map(product)
    study_map = _unit(_config({"certificate": product})).performance
    np.testing.assert_array_equal(study_map.cop, unit.performance.cop)  # the study uses exactly this map
    points = keymark_points(product, None, "part")
    predicted = study_map.cop_at(points["source_degc"].to_numpy(), points["sink_degc"].to_numpy())
    error = predicted / points["cop"].to_numpy() - 1.0
    assert np.isfinite(unit.cop_uncertainty_frac) and unit.cop_uncertainty_frac > 0.0
    assert float(np.sqrt(np.mean(error ** 2))) <= unit.cop_uncertainty_frac


@pytest.mark.parametrize("product", keymark_products())
def test_the_capacity_is_the_declared_full_load_not_prated(product):
    """EN 14825: Prated is the design load at -10 °C; the unit's own capacity there is Pdh(TOL) when that is lower
    (the backup heater covers the rest). The map's capacity passes through the 35 °C application's full-load
    points (EN 14511 A7/W35 and TOL -10/35 °C: two points, one line) and never exceeds Prated at -10/35 °C when
    the declaration says the unit falls short there."""
    m = _unit(_config({"certificate": product})).performance
    rows = keymark_points(product, 35, None)
    rating = rows[rows["point"] == "EN14511"].iloc[0]
    tol = rows[rows["point"] == "TOL"].iloc[0]
    assert float(m.capacity_at(7.0, 35.0)) == pytest.approx(rating["capacity_kw"], rel=0.01)
    assert float(m.capacity_at(-10.0, 35.0)) == pytest.approx(tol["capacity_kw"], rel=0.01)
    assert float(m.capacity_at(-10.0, 35.0)) <= float(rows["prated_kw"].iloc[0]) + 1e-9
    assert np.all(np.diff(m.capacity_kw, axis=0) >= 0.0)  # full load rises with the source


def test_the_map_is_physical_on_its_whole_grid():
    """COP rises with the source, falls with the sink, stays between 1 and Carnot; capacity positive."""
    from mgwsim.heatpump import carnot_cop

    m = _unit(_config({"certificate": AIRWELL_30})).performance
    assert m.max_sink_degc == 55.0 and m.sink_degc[-1] == 55.0 and m.source_degc[-1] == 35.0
    assert np.all(np.diff(m.cop, axis=0) >= 0.0) and np.all(np.diff(m.cop, axis=1) <= 0.0)
    assert np.all((m.cop > 1.0) & (m.cop < carnot_cop(m.source_degc[:, None], m.sink_degc[None, :])))
    assert np.all(m.capacity_kw > 0.0)


def test_a_supply_beyond_what_the_fit_holds_is_refused():
    """The declaration reaches 55 °C at -10 °C with COP 1.07; extrapolated to 56 °C at -20 °C the COP falls
    below 1, so 60 °C is refused with the key to change rather than clipped."""
    message = _error(_config({"certificate": AIRWELL_30, "max_supply_degc": 60.0}))
    assert "variants[0].plant.heat_pumps.certificate" in message and "max_supply_degc" in message
    assert "COP 0.9" in message and "sink 56" in message


def test_default_supply_limit_and_modulation_come_from_the_declaration():
    m = _unit(_config({"certificate": AIRWELL_30})).performance
    points = keymark_points(AIRWELL_30, None, "part")
    assert m.max_sink_degc == points["sink_degc"].max() == 55.0  # the 55 °C application's TOL point
    # the lowest declared part-load capacity over the map's full-load capacity at the same point
    ratio = points["capacity_kw"] / m.capacity_at(points["source_degc"].to_numpy(), points["sink_degc"].to_numpy())
    assert m.min_modulation_frac == pytest.approx(ratio.min())
    assert 0.1 < m.min_modulation_frac < 0.2


def test_prated_kw_scales_the_series_and_keeps_the_cop():
    one = _unit(_config({"certificate": AIRWELL_30})).performance
    scaled = _unit(_config({"certificate": AIRWELL_30, "prated_kw": 40.0})).performance
    np.testing.assert_allclose(scaled.capacity_kw, one.capacity_kw * 40.0 / 29.18)
    np.testing.assert_allclose(scaled.cop, one.cop)


def test_one_application_fits_only_its_points():
    m35 = _unit(_config({"certificate": AIRWELL_30, "application_degc": 35})).performance
    assert m35.max_sink_degc == 35.0
    assert "application_degc" in _error(_config({"certificate": AIRWELL_30, "application_degc": 45}))


def test_certificate_points_from_a_file_equal_the_named_product(tmp_path):
    """The same declaration typed into a CSV (path relative to the configuration) gives the same map."""
    points = keymark_points(AIRWELL_30, None, "part")[["source_degc", "sink_degc", "capacity_kw", "cop", "load"]]
    (tmp_path / "points").mkdir()
    points.to_csv(tmp_path / "points" / "airwell.csv", index=False)
    named = _unit(_config({"certificate": AIRWELL_30})).performance
    typed = _unit(_config({"certificate_points": "points/airwell.csv", "refrigerant": "R32", "prated_kw": 29.18}),
                  tmp_path).performance
    np.testing.assert_allclose(typed.cop, named.cop)
    # part-load points alone carry no full-load capacity: flat at the given Prated (docs/config.md says so)
    np.testing.assert_allclose(typed.capacity_kw, 29.18)
    assert typed.refrigerant == "R32"
    missing = _error(_config({"certificate_points": "points/airwell.csv", "prated_kw": 29.18}), tmp_path)
    assert "variants[0].plant.heat_pumps.refrigerant" in missing and "required" in missing
    nowhere = _error(_config({"certificate_points": "nope.csv", "refrigerant": "R32"}), tmp_path)
    assert "certificate_points" in nowhere and "not found" in nowhere


# --------------------------------------------------------------------------- sizing words and exclusions
def test_rated_kw_on_a_certificate_explains_prated():
    message = _error(_config({"certificate": AIRWELL_30, "rated_kw": 29.18}))
    assert "variants[0].plant.heat_pumps.rated_kw" in message and "Prated" in message and "-10 degC" in message
    assert "A7/W35" in message and "prated_kw" in message


def test_rated_and_prated_together_are_refused_with_the_difference(tmp_path):
    points = keymark_points(AIRWELL_30, 35, "part")[["source_degc", "sink_degc", "capacity_kw", "cop", "load"]]
    points.to_csv(tmp_path / "p.csv", index=False)
    message = _error(_config({"certificate_points": "p.csv", "refrigerant": "R32", "rated_kw": 38.0,
                              "prated_kw": 29.0}), tmp_path)
    assert "give one" in message and "-10 degC" in message and "A7/W35" in message
    preset = _error(_config({"refrigerant": "R290", "rated_kw": 40.0, "prated_kw": 30.0}))
    assert "prated_kw" in preset and "rated_kw" in preset


def test_datasheet_points_accept_prated_kw():
    """EN 14511 full-load points sized by the design load instead: the map gives Prated at -10 °C / 35 °C."""
    points = [[-7.0, 35.0, 26.0, 2.9], [2.0, 35.0, 29.0, 3.6], [7.0, 35.0, 31.0, 4.3], [7.0, 55.0, 29.0, 2.7]]
    from mgwsim.heatpump import fit_datasheet

    m = _unit(_config({"datasheet": points, "refrigerant": "R32", "prated_kw": 20.0})).performance
    fit = fit_datasheet(points)  # the map's sink grid starts at 36 °C: scale the fit's capacity at 36 °C by hand
    scale = 20.0 / float(fit.capacity_kw(-10.0, 35.0))
    assert float(m.capacity_at(-10.0, 36.0)) == pytest.approx(float(fit.capacity_kw(-10.0, 36.0)) * scale)
    assert float(m.capacity_at(7.0, 36.0)) > float(m.capacity_at(-10.0, 36.0))  # full load rises with the source


def test_an_unknown_product_lists_close_matches():
    message = _error(_config({"certificate": "Airwell Wellea 30"}))
    assert "variants[0].plant.heat_pumps.certificate" in message and "close matches" in message
    assert AIRWELL_30 in message


def test_product_keys_exclude_each_other_and_presets():
    both = _error(_config({"certificate": AIRWELL_30, "datasheet": [[7.0, 35.0, 30.0, 4.0], [2.0, 35.0, 25.0, 3.3]]}))
    assert "certificate" in both and "datasheet" in both and "not several" in both
    hplib = _error(_config({"certificate": AIRWELL_30, "hplib_model": "Bosch Compress 7000 LW 38"}))
    assert "not several" in hplib
    wrong = _error(_config({"certificate": AIRWELL_30, "refrigerant": "R290"}))
    assert "refrigerant" in wrong and "'R32'" in wrong
    assert _unit(_config({"certificate": AIRWELL_30, "refrigerant": "r-32"})).performance.refrigerant == "R32"
    assert "application_degc" in _error(_config({"refrigerant": "R290", "rated_kw": 40.0, "application_degc": 35}))
    assert "model" in _error(_config({"certificate": AIRWELL_30, "model": "mine"}))


def test_an_air_certificate_is_refused_on_the_ground():
    message = _error(_config({"certificate": AIRWELL_30}, source="ground"))
    assert "brine" in message and "hplib_model" in message


def test_the_exhaust_air_variant_takes_the_air_units_map():
    variant = read_config(_config({"certificate": AIRWELL_30, "n_units": 1}, source="exhaust_air",
                                  exhaust_air={"airflow_m3_h": 3600.0})).study.variants[0]
    performance = variant.plant.heat_pumps.performance
    assert performance.source.kind == "exhaust_air" and performance.refrigerant == "R32"


# --------------------------------------------------------------------------- hplib models
def test_an_hplib_brine_model_on_the_ground_with_its_refrigerant():
    from mgwsim.heatpump.datasheet import hplib_database

    ground = _config({"hplib_model": "Bosch Compress 7000 LW 38", "n_units": 3}, source="ground")
    performance = _unit(ground).performance
    assert performance.source.kind == "brine" and performance.refrigerant == "R410A"  # hplib spells it 'R410a'
    row = int(np.flatnonzero(hplib_database()["Model"] == "Bosch Compress 7000 LW 38")[0])
    by_row = _unit(_config({"hplib_model": row}, source="ground")).performance
    np.testing.assert_array_equal(by_row.cop, performance.cop)
    sized = _unit(_config({"hplib_model": row, "rated_kw": 40.0}, source="ground")).performance
    assert float(sized.capacity_at(0.0, 35.0)) == pytest.approx(40.0)  # B0/W35, the brine rating point


def test_hplib_errors_name_the_key():
    air = _error(_config({"hplib_model": "Bosch Compress 7000 LW 38"}))
    assert "brine" in air and "air" in air
    unknown = _error(_config({"hplib_model": "Bosch Compress 7000 LW 39"}, source="ground"))
    assert "close matches" in unknown and "Bosch Compress 7000 LW 38" in unknown
    prated = _error(_config({"hplib_model": "Bosch Compress 7000 LW 38", "prated_kw": 30.0}, source="ground"))
    assert "Prated" in prated and "rated_kw" in prated


# --------------------------------------------------------------------------- the example
def test_the_certified_example_loads_four_sources_of_named_products():
    study = load_study(ROOT / "examples" / "antwerp_1960s_certified.toml")
    by_name = {v.name: v for v in study.variants}
    assert {name: v.source for name, v in by_name.items()} == {
        "air": "air", "air, 5 x 26 kW": "air", "air hybrid": "air", "exhaust air": "exhaust_air", "ground": "ground"}
    assert "AW-WHPMA26" in by_name["air, 5 x 26 kW"].plant.heat_pumps.performance.model
    air = by_name["air"].plant.heat_pumps.performance
    assert AIRWELL_30 in air.model and air.refrigerant == "R32"
    np.testing.assert_array_equal(by_name["exhaust air"].plant.heat_pumps.performance.cop, air.cop)
    assert by_name["air hybrid"].plant.backup.kind == "gas_boiler"
    ground = by_name["ground"].plant.heat_pumps.performance
    assert ground.source.kind == "brine" and ground.refrigerant == "R410A"
