"""CO2 emissions of a variant: annual per carrier, and hourly from the grid's generation mix.

Two ways to count grid electricity:

* **annual**: grid import [kWh/a] x an annual factor [kg/kWh] from
  :func:`load_co2_factors` -- the Belgian average generation mix (life-cycle CO2e) or the
  AIB residual mix (direct CO2, the mix of electricity *without* guarantees of origin,
  2022/2023 as published by VREG);
* **hourly**: the grid intensity of each hour as the generation-weighted mean of
  life-cycle factors per fuel (:func:`grid_intensity_from_generation`, factors after
  Tranberg et al. 2019, doi:10.1016/j.esr.2019.100367), times the hour's import
  (:func:`hourly_emissions`). With a constant intensity both ways give the same total.

Fuel factors (natural gas, heating oil, LPG) are direct combustion CO2 (IPCC 2006
defaults) on a stated calorific basis (``fuel_basis``: Belgian gas bills are in kWh of
gross calorific value, boiler efficiencies are often quoted on net calorific value --
use the basis of your final energy). Direct fuel factors leave out upstream emissions
(extraction, methane leaks, transport) while the average electricity factors include
them, so a comparison is somewhat favourable to the fossil reference; say so in a report.
Sources of every number: ``mgwsim/data/co2/README.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mgwsim._data import data_path
from mgwsim.errors import DataError, InputError, check_choice, check_number, check_series

ELECTRICITY_VARIANTS = ("average", "residual_mix")
FUEL_BASES = ("gcv", "ncv")
NEGATIVE_POLICIES = ("raise", "exclude")


def _factor_table() -> pd.DataFrame:
    table = pd.read_csv(data_path("co2", "co2_factors.csv"))
    if table["kg_co2_per_kwh"].lt(0).any() or table["kg_co2_per_kwh"].isna().any():
        raise DataError("mgwsim/data/co2/co2_factors.csv has a negative or missing factor")
    return table


def available_electricity_years(electricity: str = "average") -> list[int]:
    """Years for which an electricity factor of the given kind ships with mgwsim."""
    check_choice(electricity, "electricity", ELECTRICITY_VARIANTS, owner="load_co2_factors")
    table = _factor_table()
    rows = table[(table["carrier"] == "electricity") & (table["variant"] == electricity)]
    return sorted(int(y) for y in rows["year"])


def load_co2_factors(year: int, electricity: str = "average", fuel_basis: str = "gcv") -> pd.DataFrame:
    """CO2 factors per carrier shipped with mgwsim, with their year, scope and source.

    Parameters
    ----------
    year : int
        Year of the electricity factor (see :func:`available_electricity_years`).
    electricity : {'average', 'residual_mix'}
        Belgian average generation mix (life-cycle CO2e) or AIB residual mix (direct CO2).
    fuel_basis : {'gcv', 'ncv'}
        Calorific basis of the final energy of fuels: gross (Belgian gas bills) or net.

    Returns
    -------
    DataFrame
        Index ``carrier`` (electricity, natural_gas, heating_oil, lpg); columns
        ``kg_co2_per_kwh``, ``year``, ``variant``, ``scope``, ``source``.
    """
    owner = "load_co2_factors"
    check_choice(electricity, "electricity", ELECTRICITY_VARIANTS, owner=owner)
    check_choice(fuel_basis, "fuel_basis", FUEL_BASES, owner=owner)
    years = available_electricity_years(electricity)
    if int(year) != year or int(year) not in years:
        raise InputError(f"{owner}.year = {year!r} has no {electricity!r} electricity factor; available: {years}")
    table = _factor_table()
    is_el = (table["carrier"] == "electricity") & (table["variant"] == electricity) & (table["year"] == int(year))
    is_fuel = (table["carrier"] != "electricity") & (table["variant"] == fuel_basis)
    return table[is_el | is_fuel].set_index("carrier")


@dataclass(frozen=True)
class Co2Result:
    """Annual emissions of one variant.

    Attributes
    ----------
    final_energy_kwh : Series
        The energy per carrier that was counted [kWh/a].
    factors_kg_per_kwh : Series
        The factor per carrier [kg CO2/kWh].
    by_carrier_kg : Series
        ``final_energy_kwh * factors_kg_per_kwh`` [kg CO2/a].
    total_kg : float
        Sum over carriers [kg CO2/a].
    """

    final_energy_kwh: pd.Series
    factors_kg_per_kwh: pd.Series
    by_carrier_kg: pd.Series
    total_kg: float

    def to_series(self) -> pd.Series:
        """``co2_<carrier>_kg`` per carrier and ``co2_total_kg`` [kg CO2/a]."""
        data = {f"co2_{c}_kg": float(v) for c, v in self.by_carrier_kg.items()}
        data["co2_total_kg"] = self.total_kg
        return pd.Series(data, name="co2")


def _factor_series(factors) -> pd.Series:
    if isinstance(factors, pd.DataFrame):
        if "kg_co2_per_kwh" not in factors:
            raise InputError("annual_emissions.factors DataFrame needs a 'kg_co2_per_kwh' column")
        factors = factors["kg_co2_per_kwh"]
    if not isinstance(factors, Mapping | pd.Series) or len(factors) == 0:
        raise InputError(f"annual_emissions.factors must be a non-empty mapping carrier -> kg/kWh, got {factors!r}")
    return pd.Series(
        {c: check_number(f, f"factors[{c!r}]", owner="annual_emissions", low=0.0, unit="kg/kWh") for c, f in factors.items()},
        dtype=float,
    )


def annual_emissions(final_energy_kwh: Mapping[str, float] | pd.Series, factors) -> Co2Result:
    """Annual CO2 per carrier: energy times factor, and their sum.

    Parameters
    ----------
    final_energy_kwh : mapping carrier -> kWh/a
        Annual final energy bought per carrier [kWh/a], >= 0. For electricity pass the
        grid import (PV used on site carries no grid factor).
    factors : DataFrame from :func:`load_co2_factors`, or mapping carrier -> kg/kWh

    Returns
    -------
    Co2Result

    Raises
    ------
    InputError
        Negative energy or a carrier without a factor.
    """
    factor = _factor_series(factors)
    if not isinstance(final_energy_kwh, Mapping | pd.Series):
        raise InputError(f"annual_emissions.final_energy_kwh must be a mapping carrier -> kWh, got {final_energy_kwh!r}")
    energy = {}
    for carrier, kwh in final_energy_kwh.items():
        check_choice(carrier, "final_energy_kwh carrier", tuple(factor.index), owner="annual_emissions")
        energy[carrier] = check_number(kwh, f"final_energy_kwh[{carrier!r}]", owner="annual_emissions", low=0.0, unit="kWh/a")
    energy = pd.Series(energy, dtype=float)
    used = factor.reindex(energy.index)
    by_carrier = energy * used
    return Co2Result(energy, used, by_carrier, float(by_carrier.sum()))


def emission_reduction(variant: Co2Result | float, reference: Co2Result | float) -> pd.Series:
    """Reduction of a variant's annual CO2 versus the reference (what the VME would do anyway).

    Returns
    -------
    Series
        ``reference_kg``, ``variant_kg``, ``reduction_kg`` (reference - variant, negative
        for an increase) [kg CO2/a] and ``reduction_frac`` (of the reference) [-].
    """
    owner = "emission_reduction"
    ref = check_number(getattr(reference, "total_kg", reference), "reference", owner=owner, low=0.0, low_inclusive=False, unit="kg")
    var = check_number(getattr(variant, "total_kg", variant), "variant", owner=owner, low=0.0, unit="kg")
    return pd.Series(
        {"reference_kg": ref, "variant_kg": var, "reduction_kg": ref - var, "reduction_frac": (ref - var) / ref},
        name="co2_reduction",
    )


# ---------------------------------------------------------------------------------------
# hourly method
# ---------------------------------------------------------------------------------------


def load_generation_emission_factors() -> pd.Series:
    """Life-cycle factors per ENTSO-E production type for Belgium [g CO2e/kWh].

    Values of the Belgian column of Tranberg et al. (2019), doi:10.1016/j.esr.2019.100367,
    mapped to ENTSO-E production types; 'Other' and 'Waste' are mgwsim assumptions
    (gas-fired CHP). See ``mgwsim/data/co2/README.md``.
    """
    table = pd.read_csv(data_path("co2", "generation_factors_be.csv"))
    return table.set_index("entsoe_fuel")["g_co2e_per_kwh"].astype(float)


def _generation_array(generation: pd.DataFrame, negative: str) -> np.ndarray:
    owner = "grid_intensity_from_generation"
    values = generation.to_numpy(dtype=float)
    if not np.isfinite(values).all():
        row, col = np.argwhere(~np.isfinite(values))[0]
        raise InputError(f"{owner}.generation_by_fuel_mw has a non-finite value at {generation.index[row]}, {generation.columns[col]!r}")
    if (values < 0).any() and negative == "raise":
        row, col = np.argwhere(values < 0)[0]
        raise InputError(
            f"{owner}.generation_by_fuel_mw[{generation.columns[col]!r}] at {generation.index[row]} = {values[row, col]!r} MW "
            "is negative (storage pumping or auxiliary use); pass negative='exclude' to leave such values out of the mix"
        )
    return np.where(values < 0, 0.0, values)


def grid_intensity_from_generation(
    generation_by_fuel_mw: pd.DataFrame,
    factors_g_per_kwh: Mapping[str, float] | pd.Series | None = None,
    *,
    negative: str = "raise",
) -> pd.Series:
    """Hourly grid intensity as the generation-weighted mean of per-fuel factors [g CO2e/kWh].

    .. math:: I_t = \\frac{\\sum_f P_{f,t} \\, e_f}{\\sum_f P_{f,t}}

    (the "production-based" average of Tranberg et al. 2019, without import flow tracing).

    Parameters
    ----------
    generation_by_fuel_mw : DataFrame
        Generation per production type [MW] (or any energy unit per step), one column per
        fuel; every column must have a factor. A ``total_MW`` column is not allowed
        (drop it first: it would be counted as a fuel).
    factors_g_per_kwh : mapping fuel -> g/kWh, optional
        Default :func:`load_generation_emission_factors` (Belgium).
    negative : {'raise', 'exclude'}
        Negative generation (pumping, auxiliaries) raises, or is excluded from the mix
        (counted as zero generation) when ``'exclude'`` is passed explicitly.

    Returns
    -------
    Series
        ``grid_intensity_g_per_kwh`` with the input's index.
    """
    owner = "grid_intensity_from_generation"
    check_choice(negative, "negative", NEGATIVE_POLICIES, owner=owner)
    if not isinstance(generation_by_fuel_mw, pd.DataFrame) or generation_by_fuel_mw.empty:
        raise InputError(f"{owner}.generation_by_fuel_mw must be a non-empty DataFrame")
    factors = load_generation_emission_factors() if factors_g_per_kwh is None else pd.Series(factors_g_per_kwh, dtype=float)
    for column in generation_by_fuel_mw.columns:
        check_choice(column, "generation_by_fuel_mw column", tuple(factors.index), owner=owner)
    for fuel, value in factors.items():
        check_number(value, f"factors_g_per_kwh[{fuel!r}]", owner=owner, low=0.0, unit="g/kWh")
    values = _generation_array(generation_by_fuel_mw, negative)
    total = values.sum(axis=1)
    if (total <= 0).any():
        i = int(np.flatnonzero(total <= 0)[0])
        raise InputError(f"{owner}.generation_by_fuel_mw has no positive generation at {generation_by_fuel_mw.index[i]}")
    weights = factors.reindex(generation_by_fuel_mw.columns).to_numpy()
    intensity = values @ weights / total
    return pd.Series(intensity, index=generation_by_fuel_mw.index, name="grid_intensity_g_per_kwh")


def hourly_emissions(import_kwh, intensity_g_per_kwh) -> pd.Series:
    """CO2 of each hour's grid import: import [kWh] x intensity [g/kWh] / 1000 -> [kg].

    Parameters
    ----------
    import_kwh : Series or array
        Grid import per hour [kWh], >= 0.
    intensity_g_per_kwh : Series, array or float
        Grid intensity per hour [g CO2/kWh], >= 0; a scalar is a constant intensity.
        Two Series must have the same index (nothing is realigned silently).

    Returns
    -------
    Series
        ``co2_kg`` per hour (index of ``import_kwh`` if it is a Series); ``.sum()`` is the
        annual total [kg CO2].
    """
    owner = "hourly_emissions"
    energy = check_series(import_kwh, "import_kwh", owner=owner, low=0.0)
    index = import_kwh.index if isinstance(import_kwh, pd.Series) else pd.RangeIndex(energy.size)
    if np.ndim(intensity_g_per_kwh) == 0:
        intensity = np.full(energy.size, check_number(intensity_g_per_kwh, "intensity_g_per_kwh", owner=owner, low=0.0))
    else:
        intensity = check_series(intensity_g_per_kwh, "intensity_g_per_kwh", owner=owner, low=0.0, length=energy.size)
        if isinstance(import_kwh, pd.Series) and isinstance(intensity_g_per_kwh, pd.Series):
            if not import_kwh.index.equals(intensity_g_per_kwh.index):
                raise InputError(f"{owner}: import_kwh and intensity_g_per_kwh must have the same index")
    return pd.Series(energy * intensity / 1000.0, index=index, name="co2_kg")
