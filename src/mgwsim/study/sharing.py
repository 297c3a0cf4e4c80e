"""Energy sharing in the study: the common PV's surplus shared with the apartments (issue 18, item 1).

:func:`apartment_sharing` takes a variant's evaluated year, builds the apartments' own electricity
use (:func:`mgwsim.loads.apartment_loads_kw`, seeded with the study's seed) and values the sharing
of what the common connection injects (:func:`mgwsim.finance.value_sharing`: the rules and their
sources are in :mod:`mgwsim.finance._sharing`). The apartments are billed on the study's
low-voltage tariff with a fixed-price contract (their own residential contracts); the common
account forgoes its tariff's injection compensation.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from mgwsim.errors import InputError
from mgwsim.finance import (
    SharingResult,
    SharingTerms,
    injection_price_eur_per_kwh,
    supply_price_eur_per_kwh,
    value_sharing,
)
from mgwsim.loads import apartment_loads_kw
from mgwsim.study.evaluate import VariantResult
from mgwsim.study.inputs import StudyInputs
from mgwsim.tariffs import annual_bill

__all__ = ["apartment_sharing"]


def apartment_sharing(inputs: StudyInputs, result: VariantResult, *, terms: SharingTerms | None = None,
                      household_sizes=None) -> SharingResult:
    """Energy sharing of ``result``'s PV surplus with the apartments, valued in their bills and the VME's.

    Parameters
    ----------
    inputs : StudyInputs
    result : VariantResult
        The variant's year; its ``balance["grid_export_kwh"]`` is what can be shared.
    terms : SharingTerms, optional
        Key, price, fees (default: dynamic key, free sharing, Fluvius's 1 EUR/year).
    household_sizes : sequence of float, optional
        Persons per apartment (default 2 each, as :func:`mgwsim.loads.building_electric_loads`).

    Returns
    -------
    SharingResult
        Its ``apartments`` table also holds ``bill_before_eur`` (the apartment's own electricity bill
        without sharing, incl. VAT, :func:`mgwsim.tariffs.annual_bill`) and ``bill_after_eur``
        (before + ``bill_change_eur``: network costs and levies unchanged).
    """
    if not isinstance(result, VariantResult):
        raise InputError(f"apartment_sharing.result must be a VariantResult, got {type(result).__name__}")
    index, step_h = inputs.weather.index, inputs.weather.step_h
    n = inputs.building.n_apartments
    sizes = np.full(n, 2.0) if household_sizes is None else np.asarray(household_sizes, float)
    if sizes.shape != (n,):
        raise InputError(f"apartment_sharing.household_sizes has {sizes.size} values; allowed: {n} (one per apartment)")
    loads = apartment_loads_kw(index, sizes, seed=inputs.seed)
    loads_kwh = loads[[f"apartment_{i}_kw" for i in range(n)]].to_numpy() * step_h
    own = inputs.tariff("lv", dynamic=False)
    common = inputs.tariff(result.variant.connection, dynamic=result.variant.dynamic_tariff)
    sharing = value_sharing(result.balance["grid_export_kwh"].to_numpy(), loads_kwh,
                            supply_price=supply_price_eur_per_kwh(own),
                            injection_price=injection_price_eur_per_kwh(common, inputs.day_ahead),
                            vat_frac=own["vat_frac"], terms=terms)
    before = []
    for i in range(n):
        flows = pd.DataFrame({"grid_import_kwh": loads_kwh[:, i], "grid_export_kwh": 0.0}, index=index)
        before.append(annual_bill(flows, own).total_eur)
    apartments = sharing.apartments.copy()
    apartments["bill_before_eur"] = before
    apartments["bill_after_eur"] = apartments["bill_before_eur"] + apartments["bill_change_eur"]
    return replace(sharing, apartments=apartments)
