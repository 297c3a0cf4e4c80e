"""The heat side at a 15-minute step: weather, zone, hot water, loads, plant, PV and peaks.

The hourly year on the embedded weather is compared with the 15-minute year on the same
weather made quarter-hourly (:meth:`Weather.to_quarter_hours`: temperatures interpolated,
irradiance held per hour), so that differences come from the step, not from the weather.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pvlib
import pytest

from mgwsim.building import ZoneParameters, building_from_typology, dhw
from mgwsim.building.thermal import (
    WARMUP_HOURS,
    internal_gains_w,
    space_heating_from_arrays,
)
from mgwsim.control import Control, cheap_hours
from mgwsim.demand import simulate_demand
from mgwsim.electric import electricity_balance, monthly_peak_import_kw
from mgwsim.errors import DataError, InputError
from mgwsim.examples import antwerp_block
from mgwsim.heatpump import Source, carnot_map
from mgwsim.loads import building_electric_loads, standard_load_shape
from mgwsim.pv import PvArray, pv_ac_kw_array, specific_yield_kwh_per_kwp
from mgwsim.solar import solar_position
from mgwsim.storage import Tank
from mgwsim.system import Backup, HeatPumpCascade, HotWater, Plant, simulate_system
from mgwsim.tariffs import monthly_peaks_kw
from mgwsim.timestep import hourly_parent, step_hours
from mgwsim.weather import Weather, quarter_hourly, read_weather_csv, validate_weather

PV = PvArray(tilt_deg=35.0, azimuth_deg=180.0, kwp=30.0)


def _plant() -> Plant:
    pmap = carnot_map(np.linspace(-25, 35, 25), np.linspace(36, 80, 23), rated_capacity_kw=60.0, source=Source("air"),
                      max_sink_degc=75.0)
    return Plant(HeatPumpCascade(pmap, 2), HotWater(Tank(1500.0, 55.0, 75.0), booster_kw=18.0), Tank(2000.0),
                 Backup("gas_boiler", 150.0, 0.9))


@pytest.fixture(scope="module")
def quarter(weather):
    return weather.to_quarter_hours()


@pytest.fixture(scope="module")
def years(weather, quarter):
    """Demand, PV-led plant year and electricity balance, hourly and at 15 minutes."""
    building = antwerp_block()
    out = {}
    for name, wx in (("hourly", weather), ("quarter", quarter)):
        demand = simulate_demand(building, wx)
        pv = pv_ac_kw_array(wx, PV)
        system = simulate_system(demand, _plant(), wx, control=Control("pv_led"), pv_kw=pv)
        loads = building_electric_loads(wx.index, building, seed=1)
        balance = electricity_balance(wx.index, pv_kw=pv, loads_kw={
            "plant": system.hourly["plant_elec_kwh"].to_numpy() / wx.step_h, "building": loads["total_kw"].to_numpy()})
        out[name] = {"demand": demand, "system": system, "balance": balance, "loads": loads}
    return out


# --------------------------------------------------------------------------- weather


def test_quarter_hourly_weather_keeps_energies_and_interpolates_between_hour_midpoints(weather, quarter):
    assert quarter.step_h == 0.25 and weather.step_h == 1.0
    assert quarter.n_steps == quarter.n_hours == 4 * weather.n_steps == 35040
    q, h = quarter.data, weather.data
    # irradiance: every hour's energy exactly unchanged [Wh/m2]
    for column in ("ghi_w_m2", "dni_w_m2", "dhi_w_m2"):
        per_hour = q[column].to_numpy().reshape(-1, 4).mean(axis=1)
        np.testing.assert_array_equal(per_hour, h[column].to_numpy())
    # temperature: the quarter's mean lies on the line between the two hourly mid-points around it
    t = h["temp_air_degc"].to_numpy()
    quarters = q["temp_air_degc"].to_numpy().reshape(-1, 4)
    np.testing.assert_allclose(quarters[1:, 0], t[1:] + 0.375 * (t[:-1] - t[1:]), atol=1e-12)  # 7.5 min
    np.testing.assert_allclose(quarters[:-1, 3], t[:-1] + 0.375 * (t[1:] - t[:-1]), atol=1e-12)  # 52.5 min
    # the hour's mean moves only by the curvature term (T[h-1] - 2T[h] + T[h+1]) / 8
    curvature = (t[:-2] - 2 * t[1:-1] + t[2:]) / 8.0
    np.testing.assert_allclose(quarters[1:-1].mean(axis=1) - t[1:-1], curvature, atol=1e-12)
    assert abs(q["temp_air_degc"].mean() - h["temp_air_degc"].mean()) < 1e-3


def test_solar_position_is_taken_at_the_middle_of_the_quarter(quarter):
    position = solar_position(quarter)
    site = quarter.site
    sample = quarter.index[[4 * 12, 4 * 4000 + 1, 4 * 4000 + 2]]
    expected = pvlib.solarposition.get_solarposition(sample + pd.Timedelta(minutes=7.5), site.latitude_deg,
                                                     site.longitude_deg, altitude=site.altitude_m, method="nrel_numpy")
    np.testing.assert_allclose(position.loc[sample, "zenith"].to_numpy(), expected["zenith"].to_numpy(), atol=1e-9)


def test_fifteen_minute_csv_is_read_and_its_step_named(quarter, tmp_path):
    path = tmp_path / "quarter.csv"
    frame = quarter.data.copy()
    frame.insert(0, "time", quarter.index.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ"))
    frame.to_csv(path, index=False)
    read = read_weather_csv(path, quarter.site)
    assert read.step_h == 0.25 and read.n_steps == 35040
    np.testing.assert_allclose(read.temp_air_degc, quarter.temp_air_degc)
    ending = read_weather_csv(path, quarter.site, label="ending")  # stamps moved back by one step, 15 min
    # on the same local calendar year, every value one quarter earlier (the year's last quarter
    # wraps to the file's first row, 31 December 23:45 of the year before, one year later)
    assert ending.index.equals(quarter.index)
    np.testing.assert_array_equal(ending.temp_air_degc[:-1], quarter.temp_air_degc[1:])
    assert ending.temp_air_degc[-1] == quarter.temp_air_degc[0]


def test_bad_weather_steps_raise_naming_the_step_and_what_is_allowed(weather, quarter):
    ten_min = pd.date_range("2019-01-01", periods=6 * 8760, freq="10min", tz="UTC")
    data = pd.DataFrame({c: np.repeat(weather.data[c].to_numpy(), 6) for c in weather.data.columns}, index=ten_min)
    with pytest.raises(DataError, match=r"step of 0 days 00:10:00.*allowed: 1 h or 15 min"):
        validate_weather(data, source="ten-minute file")
    irregular = quarter.data.drop(index=quarter.index[[100]])
    with pytest.raises(DataError, match=r"not regularly 15-minute: a gap .* of 0 days 00:30:00 after .*allowed"):
        validate_weather(irregular, source="gappy file")
    with pytest.raises(DataError, match=r"8760 15-minute rows, expected a full year \(35040 or 35136\)"):
        validate_weather(quarter.data.iloc[:8760], source="short file")
    with pytest.raises(InputError, match=r"quarter_hourly.weather has a step of 15 min; allowed: an hourly"):
        quarter_hourly(quarter)


def test_step_hours_names_field_value_and_allowed_steps():
    with pytest.raises(InputError, match=r"owner.index has a time step of 10 min .*allowed: 1 h \(hourly\) or 15 min"):
        step_hours(pd.date_range("2019-01-01", periods=4, freq="10min", tz="UTC"), owner="owner")
    irregular = pd.DatetimeIndex(["2019-01-01 00:00", "2019-01-01 00:15", "2019-01-01 01:00"], tz="UTC")
    with pytest.raises(InputError, match=r"owner.prices is irregular: the time step after .* is 45 min"):
        step_hours(irregular, owner="owner", field="prices")
    hours, position = hourly_parent(pd.date_range("2019-03-31 00:00", periods=16, freq="15min", tz="Europe/Brussels"))
    assert len(hours) == 4 and (np.bincount(position) == 4).all()  # across the spring DST change


# --------------------------------------------------------------------------- zone


def _zone(step_h, hours, theta_e, setpoint, *, limit_kw=np.inf, gains_w=0.0, warmup_hours=0):
    params = ZoneParameters.from_building(building_from_typology("AB.03", 1))
    n = round(hours / step_h)
    out = space_heating_from_arrays(np.full(n, theta_e), np.full(n, gains_w), np.zeros(n), np.full(n, setpoint), params,
                                    heating_limit_kw=limit_kw, warmup_hours=warmup_hours, step_h=step_h)
    return params, out


def _steady_state_w(p: ZoneParameters, theta_e: float, theta_op: float) -> tuple[float, np.ndarray]:
    """Heating power [W] and (air, surface, mass) temperatures holding ``theta_op`` with no gains.

    The steady 5R1C network (EN ISO 13790 Annex C, no storage term): air node
    Φ = H_ve(θa−θe) + H_is(θa−θs); surface H_is(θa−θs) = H_w(θs−θe) + H_ms(θs−θm);
    mass H_ms(θs−θm) = H_em(θm−θe); control 0.3θa + 0.7θs = θ_op (eq. C.11).
    """
    a = np.array([
        [p.h_ve_w_k + p.h_tr_is_w_k, -p.h_tr_is_w_k, 0.0, -1.0],
        [-p.h_tr_is_w_k, p.h_tr_is_w_k + p.h_tr_w_w_k + p.h_tr_ms_w_k, -p.h_tr_ms_w_k, 0.0],
        [0.0, -p.h_tr_ms_w_k, p.h_tr_ms_w_k + p.h_tr_em_w_k, 0.0],
        [0.3, 0.7, 0.0, 0.0],
    ])
    b = np.array([p.h_ve_w_k * theta_e, p.h_tr_w_w_k * theta_e, p.h_tr_em_w_k * theta_e, theta_op])
    air, surface, mass, power = np.linalg.solve(a, b)
    return power, np.array([air, surface, mass])


@pytest.mark.parametrize("step_h", [1.0, 0.25])
def test_zone_converges_to_the_steady_state_heat_loss_at_either_step(step_h):
    """Constant inputs: heating = H·ΔT of the network, whatever the step (published-physics invariant)."""
    params, out = _zone(step_h, 24 * 40, theta_e=-5.0, setpoint=20.0, warmup_hours=24 * 20)
    power_w, nodes = _steady_state_w(params, -5.0, 20.0)
    last = out[-1]
    np.testing.assert_allclose(last[0] / step_h * 1000.0, power_w, rtol=1e-9)  # kWh per step / step_h = kW
    np.testing.assert_allclose(last[1:4], nodes, atol=1e-8)
    # H·ΔT form: H_ve (θa − θe) + (H_tr,w + H_tr,op) (θs − θe), H_tr,op = H_ms H_em / (H_ms + H_em)
    h_op = params.h_tr_ms_w_k * params.h_tr_em_w_k / (params.h_tr_ms_w_k + params.h_tr_em_w_k)
    loss_w = params.h_ve_w_k * (nodes[0] + 5.0) + (params.h_tr_w_w_k + h_op) * (nodes[1] + 5.0)
    np.testing.assert_allclose(power_w, loss_w, rtol=1e-12)
    # and the step's energy is the power times the step
    assert last[6] + last[4] + last[5] == pytest.approx(last[0], rel=1e-9)


def test_free_cooling_follows_the_exponential_and_the_shorter_step_is_closer():
    """Crank-Nicolson at any Δt: the mass node decays as exp(−t/τ), τ = C_m/(H_3 + H_em); error O(Δt²)."""
    errors = {}
    for step_h in (1.0, 0.25):
        params, out = _zone(step_h, 48, theta_e=0.0, setpoint=20.0, limit_kw=0.0)
        h_1 = 1.0 / (1.0 / params.h_ve_w_k + 1.0 / params.h_tr_is_w_k)
        h_3 = 1.0 / (1.0 / (h_1 + params.h_tr_w_w_k) + 1.0 / params.h_tr_ms_w_k)
        tau_h = params.c_m_j_k / (h_3 + params.h_tr_em_w_k) / 3600.0
        start = np.arange(out.shape[0]) * step_h
        exact_mean = 20.0 * tau_h / step_h * (np.exp(-start / tau_h) - np.exp(-(start + step_h) / tau_h))
        errors[step_h] = np.abs(out[:, 3] - exact_mean).max()
        assert (out[:, 0] == 0).all()
    assert errors[1.0] < 0.01  # K, hourly Crank-Nicolson on a ~20 h time constant
    assert errors[0.25] < errors[1.0] / 8  # second order: a quarter of the step, about 1/16 of the error


def test_warmup_stays_in_hours():
    params = ZoneParameters.from_building(building_from_typology("AB.03", 1))
    with pytest.raises(InputError, match=r"warmup_hours = 200 h is outside the allowed range \[0, 192\]"):
        space_heating_from_arrays(np.zeros(768), np.zeros(768), np.zeros(768), np.full(768, 20.0), params,
                                  warmup_hours=200, step_h=0.25)
    with pytest.raises(InputError, match=r"step_h = 0.5 h is not allowed"):
        space_heating_from_arrays(np.zeros(8), np.zeros(8), np.zeros(8), np.full(8, 20.0), params, step_h=0.5)
    assert WARMUP_HOURS == 168


# --------------------------------------------------------------------------- hot water and loads


def test_hot_water_draws_are_native_per_quarter_with_the_same_daily_volumes(weather, quarter):
    local_h, local_q = weather.index.tz_convert("Europe/Brussels"), quarter.index.tz_convert("Europe/Brussels")
    hourly = dhw.dhw_profile(local_h, n_apartments=24, occupants_per_apartment=2.0, floor_area_m2=1850.0, n_storeys=6,
                             seed=4, storage_volume_l=1500.0)
    quarterly = dhw.dhw_profile(local_q, n_apartments=24, occupants_per_apartment=2.0, floor_area_m2=1850.0,
                                n_storeys=6, seed=4, storage_volume_l=1500.0)
    # same seed: the day factors are drawn first, so the daily volumes are identical
    days_h = hourly.hourly["draw_l"].groupby(local_h.normalize()).sum()
    days_q = quarterly.hourly["draw_l"].groupby(local_q.normalize()).sum()
    np.testing.assert_allclose(days_q.to_numpy(), days_h.to_numpy(), rtol=1e-9)
    # losses are power x step: identical per hour; draw energy differs only by the cold water at the quarter's middle
    for column in ("circulation_loss_kwh", "storage_loss_kwh"):
        assert quarterly.hourly[column].sum() == pytest.approx(hourly.hourly[column].sum(), rel=1e-12)
    assert quarterly.annual()["total_kwh"] == pytest.approx(hourly.annual()["total_kwh"], rel=1e-3)
    # the quarter shares are native: the 06:30 edge of the weekday step function falls inside hour 6
    fractions = dhw.daily_profile_fractions(0.25)["weekday"].to_numpy()
    np.testing.assert_allclose(fractions.reshape(24, 4).sum(axis=1), dhw.daily_profile_fractions()["weekday"], atol=1e-15)
    assert fractions[4 * 6 + 1] < fractions[4 * 6 + 2]


def test_tapping_cycle_books_each_draw_in_its_quarter(weather, quarter):
    day_q = quarter.index.tz_convert("Europe/Brussels")[4 * 24: 4 * 48]
    cycle = dhw.tapping_cycle_hourly("M", day_q)
    assert cycle["draw_kwh"].sum() == pytest.approx(dhw.TAPPING_CYCLE_REFERENCE_KWH["M"], rel=1e-3)
    table = dhw.tapping_cycle("M")
    first = table.iloc[0]  # 07:00 in the regulation's table
    slot = (day_q.hour * 60 + day_q.minute) // 15 == first["start_s"] // 900
    assert cycle["draw_kwh"][slot].iloc[0] >= first["energy_kwh"]


def test_loads_and_gains_on_quarters_keep_every_hours_energy(weather, quarter):
    building = antwerp_block()
    hourly = building_electric_loads(weather.index, building, seed=3, outdoor_lighting_w=200.0)
    quarterly = building_electric_loads(quarter.index, building, seed=3, outdoor_lighting_w=200.0)
    for column in hourly.columns.drop(["outdoor_lighting_kw", "common_area_kw", "total_kw"]):
        per_hour = quarterly[column].to_numpy().reshape(-1, 4).mean(axis=1)
        np.testing.assert_allclose(per_hour, hourly[column].to_numpy(), rtol=1e-12, atol=1e-15)
    # outdoor lighting switches per quarter at dusk and dawn: the same energy to within about a quarter hour a day
    assert quarterly["outdoor_lighting_kw"].sum() * 0.25 == pytest.approx(hourly["outdoor_lighting_kw"].sum(), rel=0.02)
    assert standard_load_shape(quarter.index).sum() == pytest.approx(standard_load_shape(weather.index).sum(), rel=1e-12)
    gains = internal_gains_w(building, quarter.index).reshape(-1, 4)
    np.testing.assert_allclose(gains.mean(axis=1), internal_gains_w(building, weather.index))


# --------------------------------------------------------------------------- the whole chain


def test_plant_heat_balance_closes_every_quarter(years):
    system = years["quarter"]["system"]
    assert system.step_h == 0.25 and len(system.hourly) == 35040
    scale = system.hourly["hp_heat_sh_kwh"].max()
    assert np.abs(system.balance_residual_kwh()).max() <= 1e-9 * scale
    # capacity per step is kW (heat of a quarter <= kW x 0.25 h); at most the cascade's two units run
    h = system.hourly
    assert (h["hp_unit_hours"] <= 2 + 1e-9).all()
    assert (h["hp_heat_sh_kwh"] - h["hp_heat_pv_led_kwh"] <= h["hp_capacity_sh_kw"] * 0.25 + 1e-6).all()


def test_fifteen_minute_year_matches_the_hourly_year(years):
    """Annual energies at 15 min within a few tenths of a percent of the hourly year on the same weather.

    Tolerances from the physics of each difference (not fitted):
    * space heating 1 %: the zone is the same linear network; Crank-Nicolson's error is
      O((Δt/τ)²) with τ ≈ 20 h (< 0.3 % per step, averaging out over a year); the rest is
      the setpoint clip max(0, Φ) acting on the smoother interpolated temperature in
      shoulder hours, a small share of the annual need;
    * hot water 0.5 %: daily volumes are identical by construction, only the cold water
      temperature is read at the quarter's middle (< 0.01 K on the annual mean);
    * heat-pump electricity 2 %: COP depends on the per-step source and sink temperatures and
      part-load cycling (EN 14825 degradation per step) and PV-led charging act per step, so
      the split between heat pump and backup shifts slightly.
    """
    h, q = years["hourly"], years["quarter"]
    assert q["demand"].hourly["space_heating_kwh"].sum() == pytest.approx(
        h["demand"].hourly["space_heating_kwh"].sum(), rel=0.01)
    assert q["demand"].hourly["dhw_kwh"].sum() == pytest.approx(h["demand"].hourly["dhw_kwh"].sum(), rel=0.005)
    kh, kq = h["system"].kpis(), q["system"].kpis()
    assert kq["hp_elec_kwh"] == pytest.approx(kh["hp_elec_kwh"], rel=0.02)
    assert kq["spf_h2"] == pytest.approx(kh["spf_h2"], rel=0.02)
    # hours stay hours: a count of quarters times 0.25 h, comparable with the hourly count
    assert kq["cycling_hours"] == pytest.approx(kh["cycling_hours"], rel=0.1)
    assert kq["peak_hp_elec_kw"] >= 0.95 * kh["peak_hp_elec_kw"]
    assert q["demand"].summary()["peak_space_heating_kw"] == pytest.approx(
        h["demand"].summary()["peak_space_heating_kw"], rel=0.02)


def test_pv_on_quarters_keeps_the_yield(weather, quarter):
    """Same hourly irradiance energy; only the sun's position moves to the quarter's middle (< 1 % a year)."""
    assert specific_yield_kwh_per_kwp(quarter, PV) == pytest.approx(specific_yield_kwh_per_kwp(weather, PV), rel=0.01)


def test_fifteen_minute_monthly_import_peaks_are_at_least_the_hourly_ones(years):
    balance = years["quarter"]["balance"]
    peaks_q = monthly_peak_import_kw(balance)
    peaks_h = monthly_peak_import_kw(years["hourly"]["balance"])
    # the hourly means of the same 15-minute year can never exceed its 15-minute peaks (a mean <= its maximum)
    hourly_of_quarters = balance.resample("h").sum()
    assert (monthly_peak_import_kw(hourly_of_quarters) <= peaks_q + 1e-9).all()
    # and the 15-minute simulation finds peaks at least as high as the hourly simulation in every month whose
    # hourly peak leaves the cascade some capacity. Where the hourly peak runs both units flat out, the peak is
    # the cascade's full-load power at that step's outdoor temperature (the interpolated quarter or the hourly
    # mean, either may be the milder) and either run may be higher; there the quarters must reach full load too.
    system_h, system_q = years["hourly"]["system"].hourly, years["quarter"]["system"].hourly
    import_h = years["hourly"]["balance"]["grid_import_kwh"]
    months_h = import_h.index.tz_convert("Europe/Brussels").month
    flat_out = np.array([system_h.loc[import_h[months_h == m].idxmax(), "hp_unit_hours"] >= 2 - 1e-9
                         for m in range(1, 13)])
    assert 0 < flat_out.sum() < 12  # both kinds of months occur in this year
    table = pd.DataFrame({"quarter": peaks_q, "hourly": peaks_h, "flat_out": flat_out})
    assert (peaks_q[~flat_out] >= peaks_h[~flat_out] - 1e-6).all(), table
    months_q = system_q.index.tz_convert("Europe/Brussels").month
    units_q = (system_q["hp_unit_hours"] / 0.25).groupby(months_q).max().to_numpy()
    assert (units_q[flat_out] >= 2 - 1e-9).all()
    flows = pd.DataFrame({"grid_import_kwh": balance["grid_import_kwh"], "grid_export_kwh": balance["grid_export_kwh"]})
    np.testing.assert_allclose(monthly_peaks_kw(flows).to_numpy(), peaks_q.to_numpy())


def test_step_mismatch_between_weather_and_series_raises(weather, quarter, years):
    demand_h, demand_q = years["hourly"]["demand"], years["quarter"]["demand"]
    with pytest.raises(InputError, match=r"demand has 8760 steps of 60 min, weather 35040 steps of 15 min"):
        simulate_system(demand_h, _plant(), quarter)
    hourly_pv = np.zeros(8760)
    with pytest.raises(InputError, match=r"pv_kw has 8760 values, i.e. a step of 60 min, but the weather has 35040 "
                                         r"steps of 15 min"):
        simulate_system(demand_q, _plant(), quarter, control=Control("pv_led"), pv_kw=hourly_pv)
    hourly_price = pd.Series(np.ones(8760), index=weather.index)
    with pytest.raises(InputError, match=r"price_eur_per_kwh has a step of 60 min but the weather 15 min"):
        simulate_system(demand_q, _plant(), quarter, control=Control("price_led"), price_eur_per_kwh=hourly_price)
    irregular = quarter.index.delete(7)
    with pytest.raises(InputError, match=r"electricity_balance.index is irregular"):
        electricity_balance(irregular, loads_kw={"a": np.zeros(len(irregular))})


def test_price_led_horizon_stays_in_hours():
    prices = np.r_[np.full(4, 0.05), np.full(8, 0.30)]
    # a one-hour look-ahead at 15 minutes spans four quarters
    cheap = cheap_hours(prices, horizon_h=1, step_h=0.25)
    assert cheap[:4].all() and not cheap[4:].any()
    with pytest.raises(InputError, match="step_h = 0.5 h is not allowed"):
        cheap_hours(prices, step_h=0.5)


def test_weather_alias_n_hours_counts_rows(quarter):
    assert isinstance(quarter, Weather) and quarter.n_hours == quarter.n_steps == len(quarter.data)
