"""Heat-side plant: heat balance every hour, capacity limits, bivalent modes, lock-in behaviour."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mgwsim
from mgwsim.errors import InputError
from mgwsim.examples import antwerp_block
from mgwsim.heatpump import Source, carnot_map
from mgwsim.storage import Tank
from mgwsim.system import Backup, HeatPumpCascade, HotWater, Plant, gas_boiler_reference, simulate_system
from mgwsim.system.kernel import N_OUTPUTS, _is_constant
from mgwsim.system.simulate import plant_buffers, run_plant

SOURCE_GRID = np.linspace(-25.0, 35.0, 25)
SINK_GRID = np.linspace(36.0, 80.0, 23)


@pytest.fixture(scope="module")
def demand(weather):
    return mgwsim.simulate_demand(antwerp_block(), weather)


def air_map(rated_kw=60.0, max_sink=75.0, min_modulation=0.3):
    return carnot_map(SOURCE_GRID, SINK_GRID, rated_capacity_kw=rated_kw, source=Source("air"),
                      max_sink_degc=max_sink, min_modulation_frac=min_modulation)


def plant(n_units=2, rated_kw=60.0, max_sink=75.0, buffer_l=2000.0, backup="gas_boiler", mode="parallel",
          dhw_mode="heat_pump", booster_kw=18.0):
    cascade = HeatPumpCascade(air_map(rated_kw, max_sink), n_units)
    hot_water = HotWater(Tank(1500.0, 55.0, 75.0), mode=dhw_mode, booster_kw=booster_kw,
                         heat_pump=HeatPumpCascade(air_map(20.0, 75.0), 1) if dhw_mode == "separate_heat_pump" else None)
    backup_ = Backup(backup, 150.0, 0.9 if backup == "gas_boiler" else 1.0, mode=mode, bivalent_degc=-2.0) \
        if backup != "none" else Backup()
    return Plant(cascade, hot_water, Tank(buffer_l, 20.0, 80.0) if buffer_l else None, backup_)


@settings(max_examples=10, deadline=None)
@given(n_units=st.integers(1, 3), buffer_l=st.sampled_from([0.0, 500.0, 3000.0]),
       backup=st.sampled_from(["none", "gas_boiler", "electric"]), mode=st.sampled_from(["parallel", "alternative"]),
       dhw_mode=st.sampled_from(["heat_pump", "separate_heat_pump", "electric"]), max_sink=st.sampled_from([55.0, 75.0]))
def test_plant_heat_balance_closes_every_hour(weather, demand, n_units, buffer_l, backup, mode, dhw_mode, max_sink):
    result = simulate_system(demand, plant(n_units, 40.0, max_sink, buffer_l, backup, mode, dhw_mode), weather)
    assert np.abs(result.balance_residual_kwh()).max() <= 1e-9 * demand.hourly["space_heating_kwh"].max()
    h = result.hourly
    assert (h["space_heating_unmet_kwh"] >= -1e-9).all()
    np.testing.assert_allclose(h["space_heating_delivered_kwh"] + h["space_heating_unmet_kwh"],
                               demand.hourly["space_heating_kwh"], atol=1e-9)


def test_no_hour_exceeds_the_units_capacity(weather, demand):
    pl = plant(n_units=2, rated_kw=40.0)
    result = simulate_system(demand, pl, weather)
    h = result.hourly
    pmap = pl.heat_pumps.performance
    from mgwsim.heatpump import defrost_factors
    cap_factor, _ = defrost_factors(weather.temp_air_degc, None)
    sink = np.clip(h["hp_sink_sh_degc"].to_numpy(), SINK_GRID[0], pmap.max_sink_degc)
    source = np.clip(weather.temp_air_degc, SOURCE_GRID[0], SOURCE_GRID[-1])  # above 35 °C: unavailable anyway
    capacity = 2 * pmap.capacity_at(source, sink) * cap_factor * (weather.temp_air_degc <= 35.0)
    assert (h["hp_heat_sh_kwh"] <= capacity + 1e-9).all()
    dhw_capacity = 2 * pmap.capacity_at(source, 65.0) * cap_factor
    assert (h["hp_heat_sh_kwh"] / capacity.clip(1e-9) + h["hp_heat_dhw_kwh"] / dhw_capacity.clip(1e-9) <= 1 + 1e-9).all()


def test_alternative_mode_stops_heat_pumps_below_bivalent_point(weather, demand):
    result = simulate_system(demand, plant(mode="alternative"), weather)
    cold = weather.temp_air_degc < -2.0
    assert cold.any()
    assert (result.hourly.loc[cold, "hp_heat_sh_kwh"] == 0).all()
    assert (result.hourly.loc[cold, "backup_heat_sh_kwh"] > 0).any()


def test_temperature_lock_in_hands_load_to_backup_or_leaves_it_unmet(weather):
    building = antwerp_block()
    hot = mgwsim.simulate_demand(building, weather, regime=(90.0, 70.0))
    with_backup = simulate_system(hot, plant(max_sink=55.0), weather).kpis()
    without = simulate_system(hot, plant(max_sink=55.0, backup="none"), weather).kpis()
    assert with_backup["hp_temperature_limited_hours"] > 100
    assert with_backup["backup_heat_kwh"] > 0 and with_backup["unmet_hours"] == 0
    assert without["unmet_hours"] > 0


def test_more_units_mean_less_backup(weather, demand):
    shares = [simulate_system(demand, plant(n_units=n, rated_kw=30.0), weather).kpis()["backup_share"] for n in (1, 2, 4)]
    assert shares[0] > shares[1] > shares[2]


def test_colder_brine_never_raises_spf(weather, demand):
    brine_map = carnot_map(np.linspace(-5.0, 20.0, 11), SINK_GRID, rated_capacity_kw=80.0, source=Source("brine"))
    pl = Plant(HeatPumpCascade(brine_map, 2), HotWater(Tank(1500.0, 55.0, 75.0), booster_kw=18.0), Tank(2000.0),
               Backup("electric", 100.0, 1.0))
    spfs = [simulate_system(demand, pl, weather, source_degc=np.full(weather.n_hours, t)).kpis()["spf_h2"]
            for t in (0.0, 5.0, 10.0)]
    assert spfs[0] < spfs[1] < spfs[2]


def test_gas_reference_burns_heat_over_efficiency(weather, demand):
    result = simulate_system(demand, gas_boiler_reference(200.0, efficiency=0.9), weather)
    kpis = result.kpis()
    delivered = result.hourly[["backup_heat_sh_kwh", "backup_heat_dhw_kwh"]].sum().sum()
    assert kpis["gas_kwh"] == pytest.approx(delivered / 0.9)
    assert kpis["hp_heat_kwh"] == 0 and kpis["unmet_hours"] == 0


def test_cycling_degrades_cop_per_en_14825(weather, demand):
    base = simulate_system(demand, plant(n_units=1, rated_kw=120.0), weather)
    h = base.hourly
    cycling = h["hp_cycling"] > 0
    assert cycling.any()
    cop = (h["hp_heat_sh_kwh"] / h["hp_elec_sh_kwh"])[cycling & (h["hp_elec_sh_kwh"] > 0)]
    pmap = base.plant.heat_pumps.performance
    from mgwsim.heatpump import defrost_factors
    _, cop_factor = defrost_factors(weather.temp_air_degc, None)
    source = np.clip(weather.temp_air_degc, SOURCE_GRID[0], SOURCE_GRID[-1])
    full = pmap.cop_at(source, np.maximum(h["hp_sink_sh_degc"], SINK_GRID[0])) * cop_factor
    rows = h.index.get_indexer(cop.index)
    assert (cop.to_numpy() < full[rows] - 1e-9).all()


def test_bad_inputs_raise(weather, demand):
    brine_map = carnot_map(np.linspace(-5.0, 20.0, 6), SINK_GRID, rated_capacity_kw=50.0, source=Source("brine"))
    with pytest.raises(InputError, match="needs source_degc"):
        simulate_system(demand, Plant(HeatPumpCascade(brine_map)), weather)
    with pytest.raises(InputError, match="buffer_offset_k has 10 values"):
        simulate_system(demand, plant(), weather, buffer_offset_k=np.zeros(10))
    with pytest.raises(InputError, match="neither heat_pumps nor a backup"):
        Plant(None)
    with pytest.raises(InputError, match="n_units"):
        HeatPumpCascade(air_map(), 0)
    with pytest.raises(InputError, match="capacity_kw"):
        Backup("gas_boiler", 0.0)


def test_capacity_limit_caps_heat_pump_heat(weather, demand):
    limit = np.full(weather.n_hours, 25.0)
    h = simulate_system(demand, plant(), weather, capacity_limit_kw=limit).hourly
    assert (h["hp_heat_sh_kwh"] + h["hp_heat_dhw_kwh"] <= 25.0 + 1e-9).all()
    assert (h["hp_heat_sh_kwh"] + h["hp_heat_dhw_kwh"]).max() == pytest.approx(25.0)


def test_run_plant_refuses_buffers_for_another_year_length():
    n = 24
    series = (np.zeros(n), np.zeros(n), np.full(n, 50.0), np.full(n, 40.0), np.zeros(n), np.zeros(n))
    with pytest.raises(InputError, match=r"plant_buffers\(24\)"):
        run_plant(plant(), *series, (np.ones(n), np.ones(n)), buffers=plant_buffers(48))
    out, _, _ = run_plant(plant(), *series, (np.ones(n), np.ones(n)), buffers=plant_buffers(n))
    assert out.shape == (n, N_OUTPUTS)


def test_the_kernel_gets_one_argument_type_whatever_the_callers_arrays(weather, demand, monkeypatch):
    """run_plant hands the kernel read-only, C-contiguous float64 series whether the caller's are writable,
    read-only or columns of a frame, given or left at their defaults, with maps unpickled in a worker or not, coupled
    or not: numba compiles (and caches) one kernel, ~20 s per extra argument type, and every layout gives the same
    year to the bit."""
    import pickle

    import numba

    from mgwsim.system import kernel as k

    types, original = [], k.plant_kernel

    def recording(*args):
        types.append(tuple(numba.typeof(arg) for arg in args))
        return original(*args)

    monkeypatch.setattr(k, "plant_kernel", recording)
    n = 48
    block = np.column_stack([np.linspace(0.0, 30.0, n), np.full(n, 55.0), np.full(n, 45.0), np.full(n, 2.0),
                             np.linspace(-5.0, 10.0, n), np.linspace(-5.0, 10.0, n)])
    readonly = [np.array(column) for column in block.T]
    for column in readonly:
        column.setflags(write=False)
    layouts = {"writable": [np.array(column) for column in block.T], "read-only": readonly,
               "frame columns": [block[:, i] for i in range(block.shape[1])]}
    assert not layouts["frame columns"][0].flags.c_contiguous
    years = {name: run_plant(plant(), *series, (np.ones(n), np.ones(n)))[0].copy() for name, series in layouts.items()}
    given = run_plant(pickle.loads(pickle.dumps(plant())), *layouts["writable"], (np.ones(n), np.ones(n)),
                      capacity_limit_kw=np.full(n, np.inf), pv_kw=np.zeros(n), other_load_kw=np.zeros(n),
                      buffer_offset_k=np.zeros(n), dhw_offset_k=np.zeros(n), cold_water_degc=np.full(n, 10.0))[0]
    for name, out in (*years.items(), ("defaults given, map unpickled", given)):
        np.testing.assert_array_equal(out, years["writable"], err_msg=name)
    simulate_system(demand, plant(), weather, coupled=True)
    simulate_system(demand, plant(), weather)
    assert len(types) == 6 and len(set(types)) == 1, set(types)


def test_a_plant_without_backup_has_no_backup_capacity():
    # kind 'none' with a capacity used to heat like a 150 kW electric heater
    with pytest.raises(InputError, match="capacity_kw = 150.0 kW with kind 'none'"):
        Backup("none", 150.0)


def test_the_kernel_finds_a_constant_hot_water_offset_whatever_step_differs():
    """The hot-water sink is interpolated once a year only when the controller's offset is the same every step
    (``kernel._is_constant``, counted over every step): any step that differs, the last one or NaN, makes it vary."""
    year = np.zeros(8760)
    assert _is_constant(year) and _is_constant(np.full(8760, 3.5)) and _is_constant(np.zeros(1))
    for step in (0, 1, 4000, 8759):
        varied = year.copy()
        varied[step] = 1e-300
        assert not _is_constant(varied)
        varied[step] = np.nan
        assert not _is_constant(varied)
