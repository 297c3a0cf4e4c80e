"""Uncertainty of the business case: seeded Monte Carlo over price paths and CAPEX."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from mgwsim.errors import InputError, check_number
from mgwsim.finance import _metrics as m
from mgwsim.finance._case import Finance, batch_cash_flows


def monte_carlo(capex_eur: float, annual_saving_eur_by_carrier: Mapping[str, float], finance: Finance, *,
                lifetime_years: int, maintenance_frac: float = 0.0, subsidies_eur: float = 0.0,
                escalation_sd_frac: Mapping[str, float] | None = None, capex_sd_frac: float = 0.0,
                n_samples: int = 1000, seed: int = 0) -> pd.DataFrame:
    """NPV, IRR and payback over sampled futures of one incremental business case.

    Each sample draws, independently and normally, a yearly escalation per carrier
    (mean ``finance.escalation_frac[c]``, standard deviation ``escalation_sd_frac[c]``,
    constant over the horizon: a price *path* scenario) and a CAPEX factor
    ``1 + N(0, capex_sd_frac)``. Flows as in :func:`batch_cash_flows`. Draws outside
    [-0.5, 0.5] (escalation) or a CAPEX factor <= 0 raise rather than being clipped; keep
    the spreads moderate. Randomness only through ``seed``.

    Returns
    -------
    pandas.DataFrame
        One row per sample: drawn ``capex_factor``, ``escalation_<carrier>``, and
        ``npv_eur``, ``irr_frac`` (NaN if absent), ``payback_years`` (NaN if never).
    """
    n = int(check_number(n_samples, "n_samples", owner="monte_carlo", low=1, high=1e6))
    rng = np.random.default_rng(seed)
    spread = dict(escalation_sd_frac or {})
    factor = 1.0 + rng.normal(0.0, check_number(capex_sd_frac, "capex_sd_frac", owner="monte_carlo", low=0, high=0.5), n)
    if (factor <= 0).any():
        raise InputError("monte_carlo: a CAPEX factor <= 0 was drawn; reduce capex_sd_frac")
    capex = float(check_number(capex_eur, "capex_eur", owner="monte_carlo", low=0.0)) * factor
    flows = batch_cash_flows(capex, {}, finance, lifetime_years=lifetime_years, maintenance_frac=maintenance_frac,
                             subsidies_eur=subsidies_eur)
    drawn = {}
    years = np.arange(finance.horizon_years)
    for carrier, saving in annual_saving_eur_by_carrier.items():
        sd = check_number(spread.get(carrier, 0.0), f"escalation_sd_frac[{carrier!r}]", owner="monte_carlo", low=0, high=0.2)
        esc = finance.escalation_frac.get(carrier, 0.0) + rng.normal(0.0, sd, n)
        if (np.abs(esc) > 0.5).any():
            raise InputError(f"monte_carlo: escalation of {carrier} outside [-0.5, 0.5] drawn; reduce its spread")
        flows[:, 1:] += float(saving) * (1.0 + esc[:, None]) ** years[None, :]
        drawn[f"escalation_{carrier}"] = esc
    rate = finance.discount_rate_frac
    return pd.DataFrame({"capex_factor": factor, **drawn, "npv_eur": m.npv(rate, flows),
                         "irr_frac": m.irr(flows), "payback_years": m.payback(flows)})
