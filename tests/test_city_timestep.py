"""City rows at 15-minute steps: quarter-hour monthly peaks, the same answers on both paths, energies kept."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mgwsim.batch import CityModel, city_row, city_table, run_batch
from mgwsim.batch import _city_arrays as arrays
from mgwsim.batch.city import (Combination, _array_year, _case_variant, _city_row_reference, _combination,
                               city_source_series, ground_load_kw)
from mgwsim.errors import InputError
from mgwsim.stock import generate_stock
from mgwsim.study.heat_sources import GROUND_SPF_GUESS

BLOCK = {"typology": "MFH.03", "variant": 1, "floor_area_m2": 800.0, "n_apartments": 10, "n_storeys": 4,
         "orientation_deg": 0.0, "seed": 3, "building": "b1"}
COMBINATIONS = ("hp50_gas_pv", "hp30_elec", "hp70_elec_pv_bat", "hp50_gas_pv_mv", "hp70_elec_pv_ev_dyn")


@pytest.fixture(scope="module")
def hourly() -> CityModel:
    return CityModel()


@pytest.fixture(scope="module")
def quarter(hourly) -> CityModel:
    return CityModel(hourly.weather, step="15min")


def _assert_same_row(fast: dict, reference: dict):
    """Every KPI to 1e-9 relative, every flag, count and text identical (same type too)."""
    assert fast.keys() == reference.keys()
    for key, expected in reference.items():
        if expected is None or isinstance(expected, bool | int | str):
            assert type(fast[key]) is type(expected) and fast[key] == expected, key
        else:
            assert isinstance(fast[key], float), key
            assert fast[key] == pytest.approx(expected, rel=1e-9, nan_ok=True), key


def test_the_step_is_chosen_and_bad_steps_are_named(hourly, quarter):
    assert quarter.weather.step_h == 0.25 and quarter.weather.n_hours == 4 * hourly.weather.n_hours
    assert quarter.year_constants.step_h == 0.25 and hourly.year_constants.step_h == 1.0
    assert CityModel(quarter.weather).weather.step_h == 0.25  # a 15-minute weather keeps its step
    with pytest.raises(InputError, match=r"CityModel.step = '30min'; allowed: '1h', '15min'"):
        CityModel(step="30min")
    with pytest.raises(InputError, match=r"step = '1h' but the weather has a step of 15 min"):
        CityModel(quarter.weather, step="1h")
    assert hourly.batch_key is None and quarter.batch_key == "step=15min"


def test_the_array_path_equals_the_reference_path_at_15_minutes(quarter):
    """city_row (arrays, quarter-hour flows and peaks) = _city_row_reference (SystemResult, assess_year with the
    15-minute bill, the battery's and the cars' 15-minute balance, business case, decision) to 1e-9."""
    rows = {name: {**BLOCK, "combination": name} for name in COMBINATIONS}
    fast = {name: city_row(row, quarter) for name, row in rows.items()}
    for name, row in rows.items():
        _assert_same_row(fast[name], _city_row_reference(row, quarter))
    # hour counts are hours (quarters x 0.25 h), as SystemResult.kpis reports them at 15 minutes
    assert all(isinstance(found["heating_hours"], float) for found in fast.values())
    assert all((4.0 * found["heating_hours"]).is_integer() for found in fast.values())


def _constants_pair(hourly: CityModel, quarter: CityModel):
    ch, cq = hourly.year_constants, quarter.year_constants
    assert len(cq.month_of_step) == 4 * len(ch.month_of_step)
    np.testing.assert_array_equal(cq.month_starts, 4 * ch.month_starts)  # the same billing months
    return ch, cq


def test_a_quarter_hour_peak_is_never_below_the_hourly_mean_of_its_hour(hourly, quarter):
    """Constructed case: a heat pump that runs in some quarters of an hour and PV held over the hour. The hourly
    year is the mean of each hour's quarters. A mean never exceeds its maximum, so every monthly 15-minute peak
    is at least the hourly one; the net energy (import - export) is the same, and netting within the hour can
    only lower the import (max(a, 0) + max(b, 0) >= max(a + b, 0))."""
    ch, cq = _constants_pair(hourly, quarter)
    n = len(ch.month_of_step)
    rng = np.random.default_rng(5)
    plant_q = np.where(rng.random(4 * n) < 0.4, rng.uniform(5.0, 40.0, 4 * n), 0.0)  # on/off within the hour [kW]
    other_q = np.repeat(rng.uniform(1.0, 3.0, n), 4)
    pv_q = np.repeat(np.clip(rng.normal(2.0, 6.0, n), 0.0, None), 4)
    plant_h, other_h, pv_h = (x.reshape(n, 4).mean(axis=1) for x in (plant_q, other_q, pv_q))
    sums = (0.0,) * 16
    year_q = arrays.grid_year(sums, plant_q, pv_q, other_q, cq)[0]
    year_h = arrays.grid_year(sums, plant_h, pv_h, other_h, ch)[0]
    assert year_q.peaks_kw.shape == year_h.peaks_kw.shape == (12,)
    assert (year_q.peaks_kw >= year_h.peaks_kw).all()
    assert (year_q.peaks_kw > year_h.peaks_kw).sum() >= 6  # switching within the hour shows in the quarter peaks
    assert year_q.grid_import_kwh - year_q.grid_export_kwh == pytest.approx(
        year_h.grid_import_kwh - year_h.grid_export_kwh, rel=1e-12)
    assert year_q.grid_import_kwh >= year_h.grid_import_kwh
    assert year_q.pv_kwh == pytest.approx(year_h.pv_kwh, rel=1e-12)


def test_the_capacity_tariff_bills_the_quarter_hour_peak_by_hand(hourly, quarter):
    """Constructed case without PV: 1 kW all year and 48 kW during the first quarter of one January hour. Hourly,
    that hour's mean is 1 + 47/4 = 12.75 kW; at 15 minutes the January peak is 48 kW. The energy is the same, so
    the bills differ only by the capacity tariff on January's peak (VREG tariff methodology, incl. VAT):
    (1 + VAT) x capacity tariff / 12 x (48 - 12.75) kW."""
    ch, cq = _constants_pair(hourly, quarter)
    n = len(ch.month_of_step)
    plant_q = np.zeros(4 * n)
    plant_q[4 * 100] = 47.0  # hour 100 lies in January
    base_q, base_h = np.ones(4 * n), np.ones(n)
    plant_h = plant_q.reshape(n, 4).mean(axis=1)
    sums = (0.0,) * 16
    year_q = arrays.grid_year(sums, plant_q, np.zeros(4 * n), base_q, cq)[0]
    year_h = arrays.grid_year(sums, plant_h, np.zeros(n), base_h, ch)[0]
    assert year_q.peaks_kw[0] == 48.0 and year_h.peaks_kw[0] == 12.75
    np.testing.assert_array_equal(year_q.peaks_kw[1:], year_h.peaks_kw[1:])
    assert year_q.grid_import_kwh == pytest.approx(year_h.grid_import_kwh, rel=1e-12)
    t = ch.electricity
    assert t["capacity_min_kw"] < 12.75  # both January peaks above the tariff's minimum
    bill_q = arrays.bill_by_carrier(year_q, 0.0, cq)["electricity"]
    bill_h = arrays.bill_by_carrier(year_h, 0.0, ch)["electricity"]
    expected = (1.0 + t["vat_frac"]) * t["capacity_eur_per_kw_year"] / 12.0 * (48.0 - 12.75)
    assert bill_q - bill_h == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("name", ["hp50_gas_pv", "hp70_elec_pv"])
def test_a_15_minute_row_keeps_the_hourly_years_energy(hourly, quarter, name):
    """The same building and combination at both steps. Tolerances from the physics of each difference, as for
    the single building of tests/test_timestep.py (not fitted): space heat 1 % (Crank-Nicolson on τ ≈ 20 h and
    the setpoint clip on the smoother quarter temperatures); hot water 0.5 % (the same daily draws, the cold
    water read at the quarter's middle); PV 1 % (the sun at the quarter's middle); heat-pump electricity and SPF
    2 % (COP and part-load cycling per step). The grid import sums the plant and the common areas behind PV:
    2 % as the plant's electricity."""
    found = {}
    for label, model in (("hourly", hourly), ("quarter", quarter)):
        combination = _combination(name)
        case = model.building_case({**BLOCK, "combination": name})
        state = case.state(combination, model)
        variant = _case_variant(combination, case, state, model, model.unit_map)
        year = _array_year(variant, case, model, state).year
        found[label] = {"sh_demand": float(state.series[0].sum()), "dhw_demand": float(state.series[1].sum()),
                        "year": year, "row": city_row({**BLOCK, "combination": name}, model)}
    h, q = found["hourly"], found["quarter"]
    assert q["sh_demand"] == pytest.approx(h["sh_demand"], rel=0.01)
    assert q["dhw_demand"] == pytest.approx(h["dhw_demand"], rel=0.005)
    yh, yq = h["year"], q["year"]
    assert yq.sh_delivered_kwh + yq.sh_unmet_kwh == pytest.approx(yh.sh_delivered_kwh + yh.sh_unmet_kwh, rel=0.01)
    assert yq.pv_kwh == pytest.approx(yh.pv_kwh, rel=0.01)
    assert yq.hp_elec_sh_kwh + yq.hp_elec_dhw_kwh == pytest.approx(yh.hp_elec_sh_kwh + yh.hp_elec_dhw_kwh, rel=0.02)
    assert yq.grid_import_kwh == pytest.approx(yh.grid_import_kwh, rel=0.02)
    assert q["row"]["spf_h2"] == pytest.approx(h["row"]["spf_h2"], rel=0.02)
    assert q["row"]["design_heat_load_kw"] == h["row"]["design_heat_load_kw"]  # sizing does not see the step


def test_a_15_minute_batch_resumes_only_as_a_15_minute_batch(hourly, quarter, tmp_path):
    """The step is part of the batch's manifest: an output of 15-minute rows is never resumed by hourly rows."""
    table = city_table(generate_stock(1, seed=2), ["hp50_gas"])
    first = run_batch(table, city_row, shared=quarter, output=tmp_path, n_workers=1)
    assert first["error"].isna().all()
    assert first.iloc[0].to_dict()["heating_hours"] == city_row({**table.iloc[0].to_dict(), "seed": 0}, quarter)[
        "heating_hours"]
    again = run_batch(table, city_row, shared=quarter, output=tmp_path, n_workers=1)  # resumed: nothing to compute
    pd.testing.assert_frame_equal(again, first)
    with pytest.raises(InputError, match=r"step=15min"):
        run_batch(table, city_row, shared=hourly, output=tmp_path, n_workers=1)


def test_the_cli_passes_the_step_to_the_city_model(tmp_path, capsys):
    from mgwsim.cli import _row_function, main

    table = city_table(generate_stock(1, seed=2), ["hp50_gas"])
    assert _row_function("city", table, "15min")[1].weather.step_h == 0.25
    assert _row_function("city", table)[1].weather.step_h == 1.0
    path = tmp_path / "table.csv"
    table.to_csv(path)
    assert main(["batch", str(path), "-o", str(tmp_path / "out"), "--row", "demand", "--step", "15min"]) == 2
    assert "--step 15min is for --row city" in capsys.readouterr().err


def test_the_borefield_gets_hourly_kw_from_quarter_hour_energies():
    """The borefield's load is power per hour at every step: 1 kWh in each quarter of an hour is 4 kW, the
    hour's mean; four quarters of 0, 2, 0, 2 kWh average to the same 4 kW (the FFT model is hourly)."""
    rated_kw, spf_factor = 100.0, 1.0 - 1.0 / GROUND_SPF_GUESS
    heat = np.tile([0.0, 2.0, 0.0, 2.0], 8760)
    load = ground_load_kw((heat, np.zeros_like(heat)), rated_kw, 0.25)
    assert load.shape == (8760,)
    np.testing.assert_allclose(load, 4.0 * spf_factor, rtol=1e-12)
    hourly_load = ground_load_kw((np.full(8760, 4.0), np.zeros(8760)), rated_kw)
    np.testing.assert_array_equal(hourly_load, load)
    # the rated capacity caps the power of each quarter, not its energy: 2 kWh per quarter is 8 kW > 6 kW
    np.testing.assert_allclose(ground_load_kw((heat, np.zeros_like(heat)), 6.0, 0.25), 3.0 * spf_factor, rtol=1e-12)


def test_a_15_minute_ground_row_sees_the_brine_of_its_hour(quarter):
    """A 15-minute ground-source row: each quarter's source temperature is the brine of its hour (four equal
    values per hour), from a year of 8,760 hourly loads, not 35,040 quarters read as hours."""
    row = {**BLOCK, "combination": "hp70_elec_pv_gnd"}
    ground = Combination.from_name(row["combination"])
    case = quarter.building_case(row)
    state = case.state(ground, quarter)
    variant = _case_variant(ground, case, state, quarter, quarter.unit_map)
    brine, _ = city_source_series(variant, state.series, quarter)
    assert brine.shape == (35040,)
    per_hour = brine.reshape(-1, 4)
    np.testing.assert_array_equal(per_hour, per_hour[:, :1].repeat(4, axis=1))
