"""Envelope, typologies, renovation measures and the design heat load."""

from __future__ import annotations

import pandas as pd
import pytest

from mgwsim.building import (
    Building, ImproveAirtightness, Insulate, OpaqueElement, RenovationPath, RenovationStep, ReplaceWindows,
    Ventilation, Window, building_from_typology, list_typologies, renovate,
)
from mgwsim.building.typology import typology_table
from mgwsim.errors import InputError


def test_heat_transfer_coefficients_equal_tabula_for_every_variant():
    """H_tr and H_ve per m² reproduce TABULA's h_Transmission and h_Ventilation (rounded to 0.01)."""
    table = typology_table()
    for code, row in table.iterrows():
        building = building_from_typology(code)
        area = building.heated_floor_area_m2
        assert building.h_transmission_w_k / area == pytest.approx(row["h_Transmission"], abs=0.006), code
        assert building.h_ventilation_w_k / area == pytest.approx(row["h_Ventilation"], abs=0.006), code


def test_solar_aperture_reproduces_tabula_seasonal_solar_gain():
    """Σ A_sol·I_sol / A_ref equals TABULA's q_sol (kWh/m², rounded to 1) for every variant."""
    table = typology_table()
    columns = {90.0: "I_Sol_East", 180.0: "I_Sol_South", 270.0: "I_Sol_West", 0.0: "I_Sol_North"}
    for code, row in table.iterrows():
        building = building_from_typology(code)
        gain = sum(w.solar_aperture_m2 * row["I_Sol_Hor" if w.tilt_deg == 0 else columns[w.azimuth_deg]]
                   for w in building.windows)
        assert gain / building.heated_floor_area_m2 == pytest.approx(row["q_sol"], abs=0.6), code


def test_short_codes_and_listing():
    assert building_from_typology("AB.03", 1).typology == "BE.N.AB.03.Gen.ReEx.001.001"
    assert building_from_typology("MFH.02.Small", 3).typology == "BE.N.MFH.02.Small.ReEx.001.003"
    listing = list_typologies()
    assert isinstance(listing, pd.DataFrame) and len(listing) == 48
    assert set(listing.columns) >= {"floor_area_m2", "tabula_q_h_nd_kwh_m2"}


@pytest.mark.parametrize("code, variant", [("AB.01", 1), ("XX.02", 1), ("AB.03", 4)])
def test_unknown_typology_raises(code, variant):
    with pytest.raises(InputError, match="typology|variant"):
        building_from_typology(code, variant)


def test_scaling_keeps_specific_loss_when_only_height_changes():
    """Doubling storeys at constant footprint doubles floor area, walls and windows but not the roof."""
    ref = building_from_typology("MFH.03", 1)
    tall = building_from_typology("MFH.03", 1, floor_area_m2=2 * ref.heated_floor_area_m2, n_storeys=2 * ref.n_storeys)
    assert tall.area_m2("roof") == pytest.approx(ref.area_m2("roof"))
    assert tall.area_m2("wall") == pytest.approx(2 * ref.area_m2("wall"))
    assert tall.window_area_m2 == pytest.approx(2 * ref.window_area_m2)
    assert tall.n_apartments == 2 * ref.n_apartments


def test_orientation_rotates_windows():
    ref = building_from_typology("MFH.01", 1)
    turned = building_from_typology("MFH.01", 1, orientation_deg=90)
    assert sorted((w.azimuth_deg + 90) % 360 for w in ref.windows) == sorted(w.azimuth_deg for w in turned.windows)


@pytest.mark.parametrize(
    "kwargs, field",
    [({"area_m2": 0.0}, "area_m2"), ({"area_m2": -5.0}, "area_m2"), ({"u_w_m2k": 9.0}, "u_w_m2k"),
     ({"u_w_m2k": float("nan")}, "u_w_m2k"), ({"kind": "chimney"}, "kind"), ({"b_factor": 1.5}, "b_factor")],
)
def test_bad_element_raises_naming_the_field(kwargs, field):
    args = {"kind": "wall", "area_m2": 100.0, "u_w_m2k": 1.0} | kwargs
    with pytest.raises(InputError, match=field):
        OpaqueElement(**args)


def test_bad_building_inputs_raise():
    ref = building_from_typology("AB.04", 1)
    with pytest.raises(InputError, match="heated_floor_area_m2"):
        ref.with_changes(heated_floor_area_m2=0.0)
    with pytest.raises(InputError, match="no 'roof'"):
        ref.with_changes(elements=tuple(e for e in ref.elements if e.kind != "roof"))
    with pytest.raises(InputError, match="g_value"):
        Window(10.0, 2.0, 1.2, 180.0)
    with pytest.raises(InputError, match="heat_recovery_efficiency"):
        Ventilation("C", 0.4, heat_recovery_efficiency=0.8)
    with pytest.raises(InputError, match="thermal_mass"):
        ref.with_changes(thermal_mass="concrete")


def test_insulation_in_series_follows_en_iso_6946():
    building = building_from_typology("MFH.02", 1)  # roof U = 3.5 W/m²K
    insulated = Insulate("roof", thickness_m=0.14, conductivity_w_mk=0.035).apply(building)
    roof = next(e for e in insulated.elements if e.kind == "roof")
    assert roof.u_w_m2k == pytest.approx(1.0 / (1.0 / 3.5 + 0.14 / 0.035))


def test_measures_never_worsen_and_lower_design_load():
    building = building_from_typology("AB.03", 1)
    renovated = renovate(building, Insulate("roof", target_u_w_m2k=0.2), Insulate("wall", target_u_w_m2k=0.24),
                         ReplaceWindows(1.1, 0.5), ImproveAirtightness(0.15))
    assert renovated.design_heat_load_kw(-7) < building.design_heat_load_kw(-7)
    already_good = Insulate("roof", target_u_w_m2k=5.0).apply(building_from_typology("AB.06", 1))
    assert already_good.h_transmission_w_k == pytest.approx(building_from_typology("AB.06", 1).h_transmission_w_k)


def test_design_heat_load_is_h_times_delta_t():
    building = building_from_typology("MFH.04", 1)
    expected = (building.h_transmission_w_k + building.h_ventilation_w_k) * (20 - (-7)) / 1000
    assert building.design_heat_load_kw(-7.0) == pytest.approx(expected)


def test_renovation_path_gives_each_step():
    building = building_from_typology("MFH.02", 1)
    path = RenovationPath((RenovationStep(8, (ReplaceWindows(),), "windows"), RenovationStep(3, (Insulate("roof", 0.16),))))
    states = path.buildings(building)
    assert [year for year, _, _ in states] == [0, 3, 8]
    loads = [b.design_heat_load_kw(-7) for _, _, b in states]
    assert loads[0] > loads[1] > loads[2]
    with pytest.raises(InputError, match="no measures"):
        RenovationStep(2, ())


def test_building_needs_positive_apartments():
    ref = building_from_typology("AB.04", 1)
    with pytest.raises(InputError, match="n_apartments"):
        Building(**{**ref.__dict__, "n_apartments": 0})
