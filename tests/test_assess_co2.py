"""CO2 emissions (mgwsim.assess.co2): identities, hourly vs annual, Belgian ENTSO-E data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mgwsim.assess import (
    annual_emissions,
    available_electricity_years,
    emission_reduction,
    grid_intensity_from_generation,
    hourly_emissions,
    load_co2_factors,
    load_generation_emission_factors,
)
from mgwsim.errors import InputError


def test_factors_carry_year_scope_and_source():
    factors = load_co2_factors(2023, electricity="residual_mix")
    assert factors.loc["electricity", "kg_co2_per_kwh"] == pytest.approx(0.16749)  # AIB European Residual Mixes 2023, Belgium, via VREG
    assert load_co2_factors(2022, electricity="residual_mix").loc["electricity", "kg_co2_per_kwh"] == pytest.approx(0.14427)
    assert set(factors.columns) >= {"kg_co2_per_kwh", "year", "scope", "source"}
    assert factors["source"].str.len().min() > 10


def test_gas_factor_basis_ncv_vs_gcv():
    ncv = load_co2_factors(2019, fuel_basis="ncv").loc["natural_gas", "kg_co2_per_kwh"]
    gcv = load_co2_factors(2019, fuel_basis="gcv").loc["natural_gas", "kg_co2_per_kwh"]
    assert ncv == pytest.approx(56_100 / 277_777.78, rel=1e-6)  # IPCC 2006 default, kg/TJ -> kg/kWh
    assert gcv == pytest.approx(0.9 * ncv, rel=1e-6)
    assert 0.18 < gcv < ncv < 0.21  # about 0.20-0.23 depending on basis/scope (IPCC 2006 Vol. 2 Table 1.4 and NCV/GCV)


def test_unknown_year_or_variant_raises():
    with pytest.raises(InputError, match=r"year = 1990.*available"):
        load_co2_factors(1990)
    with pytest.raises(InputError, match="electricity"):
        load_co2_factors(2023, electricity="marginal")
    assert available_electricity_years("residual_mix") == [2022, 2023]


def test_totals_equal_energy_times_factor_per_carrier():
    factors = load_co2_factors(2023, electricity="residual_mix")
    energy = {"electricity": 40_000.0, "natural_gas": 25_000.0}
    result = annual_emissions(energy, factors)
    for carrier, kwh in energy.items():
        assert result.by_carrier_kg[carrier] == kwh * factors.loc[carrier, "kg_co2_per_kwh"]
    assert result.total_kg == result.by_carrier_kg.sum()
    assert result.to_series()["co2_total_kg"] == result.total_kg


def test_reduction_versus_reference():
    factors = {"electricity": 0.2, "natural_gas": 0.2}
    reference = annual_emissions({"natural_gas": 100_000.0}, factors)  # 20,000 kg
    variant = annual_emissions({"electricity": 30_000.0}, factors)  # 6,000 kg
    reduction = emission_reduction(variant, reference)
    assert reduction["reduction_kg"] == 14_000.0 and reduction["reduction_frac"] == pytest.approx(0.7)
    with pytest.raises(InputError, match="reference"):
        emission_reduction(variant, 0.0)


@pytest.mark.parametrize(
    ("energy", "message"),
    [({"electricity": -1.0}, r"final_energy_kwh\['electricity'\]"), ({"hydrogen": 1.0}, "carrier")],
)
def test_bad_energy_raises(energy, message):
    with pytest.raises(InputError, match=message):
        annual_emissions(energy, {"electricity": 0.2})


@settings(max_examples=50, deadline=None)
@given(
    hours=st.lists(st.floats(min_value=0.0, max_value=500.0), min_size=1, max_size=200),
    intensity=st.floats(min_value=0.0, max_value=1_000.0),
)
def test_hourly_equals_annual_for_a_constant_intensity(hours, intensity):
    imports = pd.Series(hours)
    hourly = hourly_emissions(imports, pd.Series(intensity, index=imports.index)).sum()
    annual = annual_emissions({"electricity": float(imports.sum())}, {"electricity": intensity / 1000.0}).total_kg
    assert hourly == pytest.approx(annual, rel=1e-9, abs=1e-9)
    assert hourly_emissions(imports, intensity).sum() == pytest.approx(annual, rel=1e-9, abs=1e-9)


def test_hourly_emissions_refuse_misaligned_or_negative_inputs():
    idx = pd.date_range("2023-01-01", periods=3, freq="h", tz="UTC")
    with pytest.raises(InputError, match="same index"):
        hourly_emissions(pd.Series([1.0, 2.0, 3.0], index=idx), pd.Series([100.0] * 3, index=idx + pd.Timedelta("1h")))
    with pytest.raises(InputError, match="import_kwh"):
        hourly_emissions([1.0, -2.0], 100.0)
    with pytest.raises(InputError, match="intensity_g_per_kwh"):
        hourly_emissions([1.0, 2.0], [100.0])


def test_intensity_of_a_hand_made_mix():
    mix = pd.DataFrame({"Nuclear": [3_000.0, 0.0], "Fossil Gas": [1_000.0, 500.0]})
    intensity = grid_intensity_from_generation(mix, {"Nuclear": 10.0, "Fossil Gas": 470.0})
    # hour 0: (3,000 x 10 + 1,000 x 470) / 4,000 = 125 g/kWh; hour 1: only gas -> 470 g/kWh
    assert intensity.tolist() == [125.0, 470.0]


def test_generation_input_errors():
    factors = {"Nuclear": 10.0, "Fossil Gas": 470.0}
    with pytest.raises(InputError, match="total_MW"):
        grid_intensity_from_generation(pd.DataFrame({"Nuclear": [1.0], "total_MW": [1.0]}), factors)
    with pytest.raises(InputError, match="negative='exclude'"):
        grid_intensity_from_generation(pd.DataFrame({"Nuclear": [1.0], "Fossil Gas": [-1.0]}), factors)
    with pytest.raises(InputError, match="no positive generation"):
        grid_intensity_from_generation(pd.DataFrame({"Nuclear": [0.0], "Fossil Gas": [-1.0]}), factors, negative="exclude")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(*[st.floats(min_value=0.0, max_value=5_000.0)] * 3), min_size=1, max_size=50))
def test_intensity_lies_between_the_factors_of_the_fuels(rows):
    mix = pd.DataFrame(rows, columns=["Nuclear", "Fossil Gas", "Solar"])
    mix = mix[mix.sum(axis=1) > 1e-6]
    if mix.empty:
        return
    factors = load_generation_emission_factors()
    intensity = grid_intensity_from_generation(mix)
    used = factors[mix.columns]
    assert (intensity >= used.min() - 1e-9).all() and (intensity <= used.max() + 1e-9).all()


@pytest.fixture(scope="module", params=[2019, 2020])
def entsoe_generation(request, shared_data):
    path = shared_data / "co2" / f"BE_{request.param}_generation_by_fuel_entsoe_hourly.csv"
    frame = pd.read_csv(path, index_col="time_utc", parse_dates=["time_utc"])
    return request.param, frame.drop(columns="total_MW")


def test_belgian_hourly_intensity_is_plausible(entsoe_generation):
    """Annual mean of the ENTSO-E Belgian mix with Tranberg's life-cycle factors.

    What we assert and why: Belgium's generation is about half nuclear (~10 g/kWh) and a
    quarter to a third gas (~470 g/kWh), so the generation-weighted annual mean must land
    near Tranberg et al.'s own Belgian consumption mix (185 g/kWh) -- we accept
    150-220 g/kWh. Every hour must lie between the nuclear factor and the gas factor
    (there is no coal or oil of note in 2019/2020), and the hourly mean must follow
    nuclear availability: it swings by more than 100 g/kWh over the year.
    """
    year, generation = entsoe_generation
    intensity = grid_intensity_from_generation(generation, negative="exclude")
    weights = generation.clip(lower=0.0).sum(axis=1)
    annual_mean = float((intensity * weights).sum() / weights.sum())
    assert len(intensity) == len(generation) >= 8_760
    assert 150.0 <= annual_mean <= 220.0
    assert intensity.min() > 10.1 and intensity.max() < 471.0
    assert intensity.max() - intensity.min() > 100.0
    # the shipped annual average factor was derived this way (data/co2/README.md)
    shipped = load_co2_factors(year).loc["electricity", "kg_co2_per_kwh"] * 1000.0
    assert annual_mean == pytest.approx(shipped, abs=0.5)
    assert np.isfinite(intensity).all()
