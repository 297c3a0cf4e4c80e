"""Tests of mgwsim.loads: table values, mean preservation, reproducibility, diversity, common areas."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mgwsim import loads
from mgwsim.building.envelope import Building, OpaqueElement, Ventilation, Window
from mgwsim.errors import InputError

# local calendar year 2019 on a UTC index, as the embedded weather has it
YEAR_UTC = pd.date_range("2018-12-31 23:00", "2019-12-31 22:00", freq="h", tz="UTC")
LOCAL_YEAR = pd.date_range("2019-01-01", "2020-01-01", freq="h", tz="Europe/Brussels", inclusive="left")


def _building(n_apartments=20, n_storeys=5, ventilation=None, **kw) -> Building:
    elements = (OpaqueElement("wall", 1200.0, 1.0), OpaqueElement("roof", 330.0, 0.6),
                OpaqueElement("floor", 330.0, 0.8, 0.5))
    return Building("test block", 1600.0, n_apartments, n_storeys, elements, (Window(300.0, 2.8, 0.6, 180.0),),
                    ventilation=ventilation or Ventilation(), **kw)


# --------------------------------------------------------------------------- shape and holidays
def test_belgian_holidays_2019_and_2024_match_the_calendar():
    """Easter 2019 was 21 April, Easter 2024 was 31 March."""
    h19 = loads.belgian_public_holidays([2019])
    assert len(h19) == 10
    assert {date(2019, 4, 22), date(2019, 5, 30), date(2019, 6, 10), date(2019, 7, 21)} <= h19
    h24 = loads.belgian_public_holidays([2024])
    assert {date(2024, 4, 1), date(2024, 5, 9), date(2024, 5, 20)} <= h24


def test_shape_sums_to_one_per_local_year_and_is_clock_independent():
    shape_local = loads.standard_load_shape(LOCAL_YEAR)
    shape_utc = loads.standard_load_shape(LOCAL_YEAR.tz_convert("UTC"))
    assert shape_local.sum() == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_array_equal(shape_local.to_numpy(), shape_utc.to_numpy())
    assert (shape_local > 0).all()


def test_shape_has_evening_peak_night_trough_and_winter_excess():
    """H25 with dynamisation: evening above night, January above July (lighting, 1.24 vs ~0.8 factor)."""
    s = loads.standard_load_shape(LOCAL_YEAR)
    by_hour = s.groupby(LOCAL_YEAR.hour).mean()
    assert by_hour.idxmax() in range(17, 22)
    assert by_hour.idxmin() in range(2, 6)
    by_month = s.groupby(LOCAL_YEAR.month).sum()
    assert by_month[1] > 1.15 * by_month[7]


def test_holiday_gets_sunday_profile():
    s = loads.standard_load_shape(LOCAL_YEAR)
    whit_monday = s[LOCAL_YEAR.normalize() == pd.Timestamp("2019-06-10", tz="Europe/Brussels")].to_numpy()
    sunday = s[LOCAL_YEAR.normalize() == pd.Timestamp("2019-06-09", tz="Europe/Brussels")].to_numpy()
    ordinary_monday = s[LOCAL_YEAR.normalize() == pd.Timestamp("2019-06-17", tz="Europe/Brussels")].to_numpy()
    # same month, same day type -> same hourly pattern up to the smooth dynamisation factor
    np.testing.assert_allclose(whit_monday / sunday, (whit_monday / sunday)[0], rtol=1e-12)
    assert not np.allclose(ordinary_monday / sunday, (ordinary_monday / sunday)[0], rtol=1e-3)


# --------------------------------------------------------------------------- annual energy
def test_table_values_and_interpolation():
    table = loads.household_electricity_table()
    assert table == {1: 1400.0, 2: 2000.0, 3: 2600.0, 4: 2900.0, 5: 3000.0}
    kwh = loads.household_annual_kwh([1, 2, 2.5, 5, 7])
    np.testing.assert_allclose(kwh, [1400, 2000, 2300, 3000, 3000])
    # the brief's plausibility band for a 2-person household (2,000-3,500 kWh/a, apartments at the low end)
    assert 2000 <= table[2] <= 3500


def test_expected_profile_gives_table_annual_totals_exactly():
    sizes = [1, 2, 3, 4, 5]
    frame = loads.apartment_loads_kw(YEAR_UTC, sizes, seed=0, base_load_frac=1.0)
    np.testing.assert_allclose(frame.drop(columns="total_kw").sum().to_numpy(), [1400, 2000, 2600, 2900, 3000],
                               rtol=1e-12)


@pytest.mark.parametrize("size, kwh", [(1, 1400.0), (2, 2000.0), (3, 2600.0), (4, 2900.0), (5, 3000.0)])
def test_random_profile_preserves_annual_mean_per_household_size(size, kwh):
    """Mean over 100 apartments within 0.5 % (expected sd 1.1 %/sqrt(100) = 0.11 %); each within 6 %."""
    frame = loads.apartment_loads_kw(LOCAL_YEAR, np.full(100, size), seed=size)
    annual = frame.drop(columns="total_kw").sum().to_numpy()
    assert annual.mean() == pytest.approx(kwh, rel=0.005)
    assert np.all(np.abs(annual / kwh - 1) < 0.06)
    assert frame["total_kw"].sum() == pytest.approx(annual.sum(), rel=1e-12)


def test_random_profile_preserves_hourly_expectation():
    """Averaged over many apartments, each hour approaches the expected profile."""
    frame = loads.apartment_loads_kw(LOCAL_YEAR[: 24 * 14], np.full(2000, 2), seed=11)
    expected = 2000.0 * loads.standard_load_shape(LOCAL_YEAR[: 24 * 14]).to_numpy()
    mean = frame["total_kw"].to_numpy() / 2000
    assert np.max(np.abs(mean / expected - 1)) < 0.08
    assert np.mean(mean / expected) == pytest.approx(1.0, abs=0.01)


def test_same_seed_same_arrays_other_seed_differs():
    a = loads.apartment_loads_kw(YEAR_UTC, [1, 2, 3], seed=42)
    b = loads.apartment_loads_kw(YEAR_UTC, [1, 2, 3], seed=42)
    c = loads.apartment_loads_kw(YEAR_UTC, [1, 2, 3], seed=43)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a.to_numpy(), c.to_numpy())


def test_loads_are_non_negative_with_base_load_floor():
    frame = loads.apartment_loads_kw(LOCAL_YEAR, [2, 4], seed=5, base_load_frac=0.3)
    expected = np.outer(loads.standard_load_shape(LOCAL_YEAR), [2000, 2900])
    assert np.all(frame.drop(columns="total_kw").to_numpy() >= 0.3 * expected - 1e-15)


# --------------------------------------------------------------------------- diversity
def test_coincidence_factor_falls_with_number_of_apartments():
    frame = loads.apartment_loads_kw(LOCAL_YEAR, np.full(200, 2), seed=7)
    columns = frame.drop(columns="total_kw")
    factors = [loads.coincidence_factor(columns.iloc[:, :n]) for n in (1, 4, 16, 64, 200)]
    assert factors[0] == pytest.approx(1.0)
    assert all(later < earlier for earlier, later in zip(factors, factors[1:], strict=False))
    # the group peak never falls below the peak of the expected profile (law of large numbers)
    limit = 2000 * loads.standard_load_shape(LOCAL_YEAR).max()
    assert frame["total_kw"].max() / 200 > limit
    # and approaches it: after-diversity peak per apartment within 35 % of it for 200 apartments
    assert frame["total_kw"].max() / 200 < 1.35 * limit


def test_coincidence_factor_definition():
    loads_kw = np.array([[1.0, 0.0], [0.0, 2.0], [0.5, 0.5]])
    assert loads.coincidence_factor(loads_kw) == pytest.approx(2.0 / 3.0)
    with pytest.raises(InputError, match="zero everywhere"):
        loads.coincidence_factor(np.zeros((3, 2)))


# --------------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize("sizes, match", [
    ([2, -1], "household_sizes"), ([], "household_sizes is empty"), ([2, np.nan], "household_sizes"),
    ([0.5], "household_sizes"), (["two"], "household_sizes"),
])
def test_bad_household_sizes_raise(sizes, match):
    with pytest.raises(InputError, match=match):
        loads.apartment_loads_kw(LOCAL_YEAR[:48], sizes, seed=1)


def test_bad_index_seed_and_table_raise():
    naive = pd.date_range("2019-01-01", periods=24, freq="h")
    with pytest.raises(InputError, match="tz-aware"):
        loads.apartment_loads_kw(naive, [2], seed=1)
    with pytest.raises(InputError, match="hourly"):
        loads.apartment_loads_kw(LOCAL_YEAR[::2], [2], seed=1)
    with pytest.raises(InputError, match="timezone"):
        loads.apartment_loads_kw(LOCAL_YEAR[:24], [2], seed=1, timezone="Mars/Olympus")
    with pytest.raises(InputError, match="seed"):
        loads.apartment_loads_kw(LOCAL_YEAR[:24], [2], seed=1.5)
    with pytest.raises(InputError, match="1 person"):
        loads.apartment_loads_kw(LOCAL_YEAR[:24], [2], seed=1, annual_kwh_by_size={2: 2000})
    with pytest.raises(InputError, match=r"annual_kwh_by_size\[2\]"):
        loads.apartment_loads_kw(LOCAL_YEAR[:24], [2], seed=1, annual_kwh_by_size={1: 1000, 2: -5})


# --------------------------------------------------------------------------- common areas
@given(ach=st.floats(0.1, 2.0), fan=st.floats(0.05, 1.0), system=st.sampled_from(["C", "D"]))
@settings(max_examples=15, deadline=None)
def test_ventilation_fan_energy_is_power_times_flow_times_hours(ach, fan, system):
    vent = Ventilation(system, ach, 0.8 if system == "D" else 0.0, fan)
    building = _building(ventilation=vent)
    index = LOCAL_YEAR[: 24 * 10]
    common = loads.common_area_loads_kw(index, building, lift=False)
    expected_kwh = fan * ach * building.heated_volume_m3 * len(index) / 1000.0
    assert common["ventilation_kw"].sum() == pytest.approx(expected_kwh, rel=1e-12)


def test_natural_ventilation_has_no_fans_and_fan_power_with_natural_raises():
    common = loads.common_area_loads_kw(LOCAL_YEAR[:24], _building(), lift=False)
    assert (common["ventilation_kw"] == 0).all()
    with pytest.raises(InputError, match="fan_power_w_per_m3h"):
        loads.common_area_loads_kw(LOCAL_YEAR[:24], _building(ventilation=Ventilation("natural", 0.4, 0.0, 0.3)))


@pytest.mark.parametrize("n_apartments, category, hours", [(6, 1, 0.2), (20, 2, 0.5), (40, 3, 1.5), (80, 4, 3.0)])
def test_lift_annual_energy_follows_vdi_4707_formula(n_apartments, category, hours):
    """E/day = P_sb (24 - t_run) + e Q v 3600 t_run; categories by apartments per lift (VDI 4707-1)."""
    building = _building(n_apartments=n_apartments, n_storeys=max(2, min(20, n_apartments // 4)))
    lift = loads.Lift()
    assert lift.category_for(n_apartments) == category
    common = loads.common_area_loads_kw(LOCAL_YEAR, building, n_stair_cores=1)
    per_day = 200.0 / 1000 * (24 - hours) + 1.89 * 630 * 1.0 * 3600 / 1e6 * hours
    assert common["lift_kw"].sum() == pytest.approx(365 * per_day, rel=1e-9)
    assert lift.daily_kwh(n_apartments) == pytest.approx(per_day, rel=1e-12)


def test_lift_count_scales_energy_and_needs_storeys():
    building = _building(n_apartments=40, n_storeys=5)  # default: ceil(40 / 20) = 2 cores
    two = loads.common_area_loads_kw(LOCAL_YEAR[:48], building)["lift_kw"].sum()
    one = loads.common_area_loads_kw(LOCAL_YEAR[:48], building, n_stair_cores=1,
                                     lift=loads.Lift(usage_category=2))["lift_kw"].sum()
    assert two == pytest.approx(2 * one, rel=1e-12)
    with pytest.raises(InputError, match="n_storeys"):
        loads.common_area_loads_kw(LOCAL_YEAR[:24], _building(n_apartments=4, n_storeys=1))
    with pytest.raises(InputError, match="Lift.standby_class"):
        loads.Lift(standby_class="G")


def test_lighting_energy_is_density_times_area_times_hours():
    index = LOCAL_YEAR
    for control, hours in (("continuous", 24.0), ("timer", 6.0), ("presence", 3.0)):
        light = loads.Lighting(technology="led", control=control)
        common = loads.common_area_loads_kw(index, _building(), lift=False, lighting=light, circulation_area_m2=120.0)
        # lumen method: 100 lx / (100 lm/W * 0.4) = 2.5 W/m2
        assert common["lighting_kw"].sum() == pytest.approx(2.5 * 120 * hours * 365 / 1000, rel=1e-9)
    fluo = loads.Lighting(technology="fluorescent")
    assert fluo.density_w_m2 > loads.Lighting().density_w_m2


def test_outdoor_lighting_burns_about_half_the_year_in_brussels():
    """At 50.8 N the sun is down 4,300-4,500 h a year (about half the year plus refraction-free geometry)."""
    common = loads.common_area_loads_kw(LOCAL_YEAR, _building(), lift=False, outdoor_lighting_w=1000.0)
    hours = common["outdoor_lighting_kw"].sum()
    assert 4250 < hours < 4550
    december_night = common["outdoor_lighting_kw"][LOCAL_YEAR.month == 12].mean()
    june_night = common["outdoor_lighting_kw"][LOCAL_YEAR.month == 6].mean()
    assert december_night > 0.6 > 0.35 > june_night


def test_heating_pump_power_from_design_flow_and_season():
    building = _building()
    common = loads.common_area_loads_kw(LOCAL_YEAR, building, lift=False, design_heat_load_kw=100.0)
    rho_c = 4.186 * 983.0 / 3600.0
    pump_w = 100.0 / (rho_c * 20.0) / 3600.0 * 50_000.0 / 0.25
    on = LOCAL_YEAR.month.isin([10, 11, 12, 1, 2, 3, 4])
    np.testing.assert_allclose(common["heating_pump_kw"][on], pump_w / 1000.0)
    assert (common["heating_pump_kw"][~on] == 0).all()
    with pytest.raises(InputError, match="heating_on"):
        loads.common_area_loads_kw(LOCAL_YEAR[:24], building, lift=False, heating_on=np.ones(5, bool))


def test_common_total_is_sum_of_uses_and_per_apartment_is_internally_consistent():
    building = _building(ventilation=Ventilation("C", 0.4, 0.0, 0.25))
    common = loads.common_area_loads_kw(LOCAL_YEAR, building, outdoor_lighting_w=100.0, design_heat_load_kw=100.0)
    uses = common.drop(columns="total_kw")
    np.testing.assert_allclose(uses.sum(axis=1), common["total_kw"], rtol=1e-12)
    # annual sums of the closed-form pieces (kWh)
    lift = 365 * loads.Lift().daily_kwh(20)
    light = 2.5 * 0.08 * 1600 * 6 * 365 / 1000
    dhw, always = 0.040 * 8760, 0.030 * 8760
    vent = 0.25 * 0.4 * 1600 * 2.5 * 8760 / 1000
    closed = lift + light + dhw + always + vent + common["heating_pump_kw"].sum() + common["outdoor_lighting_kw"].sum()
    assert common["total_kw"].sum() == pytest.approx(closed, rel=1e-9)


def test_building_electric_loads_columns_and_balance():
    building = _building()
    frame = loads.building_electric_loads(YEAR_UTC, building, np.full(20, 2), seed=3)
    assert {"apartments_kw", "common_area_kw", "lift_kw", "ventilation_kw", "total_kw"} <= set(frame.columns)
    uses = frame.drop(columns=["apartments_kw", "common_area_kw", "total_kw"])
    np.testing.assert_allclose(uses.sum(axis=1), frame["common_area_kw"], rtol=1e-12)
    np.testing.assert_allclose(frame["apartments_kw"] + frame["common_area_kw"], frame["total_kw"], rtol=1e-12)
    assert frame.index.equals(YEAR_UTC)
    again = loads.building_electric_loads(YEAR_UTC, building, np.full(20, 2), seed=3)
    pd.testing.assert_frame_equal(frame, again)
    with pytest.raises(InputError, match="household_sizes has 3 values"):
        loads.building_electric_loads(YEAR_UTC[:24], building, [2, 2, 2], seed=3)
