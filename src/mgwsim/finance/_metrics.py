"""Investment metrics on yearly cash flows, vectorised over variants.

Cash flows are arrays of shape ``(T,)`` or ``(n_variants, T)``: element ``t`` is the net
flow of year ``t`` [EUR], year 0 = the investment year (undiscounted), years 1..N at the
end of each year. Positive = money in (savings, subsidies), negative = money out.
"""

from __future__ import annotations

import numpy as np
import numpy_financial as npf

from mgwsim._numba import njit, prange
from mgwsim.errors import InputError, check_number

_IRR_GRID = np.ascontiguousarray(np.geomspace(1e-4, 1e2, 801))
"""Discount factors x = 1/(1+r) scanned for IRR roots: r from 9999 (x=1e-4) down to -0.99."""


def check_rate(rate, field: str = "discount_rate_frac", owner: str = "finance") -> float:
    """A discount rate as a fraction per year; must be > -1 (-100 %) and at most 1 (100 %)."""
    return check_number(rate, field, owner=owner, low=-1.0, low_inclusive=False, high=1.0, unit="1/year")


def _as_2d(cash_flows) -> tuple[np.ndarray, bool]:
    array = np.asarray(cash_flows, dtype=np.float64)
    if array.ndim not in (1, 2) or array.shape[-1] < 2:
        raise InputError(f"cash_flows must have shape (T,) or (n, T) with T >= 2, got {array.shape}")
    if not np.isfinite(array).all():
        raise InputError("cash_flows contain non-finite values")
    return np.atleast_2d(array), array.ndim == 1


def _out(values: np.ndarray, single: bool):
    return float(values[0]) if single else values


def discount_factors(rate: float, n_years: int) -> np.ndarray:
    """``(1 + rate) ** -t`` for t = 0..n_years."""
    return (1.0 + check_rate(rate)) ** -np.arange(n_years + 1, dtype=np.float64)


def npv(rate: float, cash_flows):
    """Net present value [EUR]: ``sum_t CF_t / (1 + rate)^t`` with CF_0 undiscounted.

    Same convention as ``numpy_financial.npv`` (Gitman, Principles of Managerial Finance).
    Returns a float for one cash-flow row, an array for ``(n, T)``.
    """
    flows, single = _as_2d(cash_flows)
    return _out(flows @ discount_factors(rate, flows.shape[1] - 1), single)


def annuity_factor(rate: float, n_years: int) -> float:
    """Capital recovery factor ``r (1+r)^N / ((1+r)^N - 1)`` [1/year]; ``1/N`` at r = 0.

    Converts a present value into N equal end-of-year payments (standard annuity formula).
    """
    rate = check_rate(rate)
    if n_years < 1:
        raise InputError(f"annuity_factor.n_years = {n_years!r} must be >= 1")
    if rate == 0.0:
        return 1.0 / n_years
    growth = (1.0 + rate) ** n_years
    return rate * growth / (growth - 1.0)


def has_sign_change(cash_flows) -> np.ndarray | bool:
    """Whether each row has both a strictly positive and a strictly negative flow."""
    flows, single = _as_2d(cash_flows)
    result = (flows > 0).any(axis=1) & (flows < 0).any(axis=1)
    return bool(result[0]) if single else result


def irr(cash_flows):
    """Internal rate of return [fraction/year], ``None`` when it does not exist.

    One row: ``numpy_financial.irr`` (roots of the NPV polynomial; the real root closest to
    zero); ``None`` if the flows never change sign or no real root exists.
    Many rows ``(n, T)``: a numba scan of the NPV over ``x = 1/(1+r)`` in [1e-4, 100]
    (r from 9999 down to -0.99) with bisection of every sign change, keeping the root
    closest to r = 0 like numpy-financial; NaN where absent. Roots where the NPV touches
    zero without changing sign (even multiplicity) are not found by the scan.
    """
    flows, single = _as_2d(cash_flows)
    if single:
        if not has_sign_change(flows[0]):
            return None
        value = npf.irr(flows[0])
        return None if not np.isfinite(value) else float(value)
    return _irr_rows(np.ascontiguousarray(flows), _IRR_GRID)


@njit
def _poly(flows_row, x):
    """NPV as a polynomial in x = 1/(1+r), by Horner's rule."""
    total = 0.0
    for t in range(flows_row.size - 1, -1, -1):
        total = total * x + flows_row[t]
    return total


@njit
def _bisect(flows_row, lo, hi, f_lo):
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        f_mid = _poly(flows_row, mid)
        if (f_mid > 0.0) == (f_lo > 0.0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
        if hi - lo <= 1e-15 * hi:
            break
    return 0.5 * (lo + hi)


@njit(parallel=True)
def _irr_rows(flows, grid):
    n = flows.shape[0]
    out = np.full(n, np.nan)
    for i in prange(n):
        row = flows[i]
        best = np.inf
        f_prev = _poly(row, grid[0])
        for k in range(1, grid.size):
            f_k = _poly(row, grid[k])
            if f_k == 0.0 or (f_k > 0.0) != (f_prev > 0.0):
                x = grid[k] if f_k == 0.0 else _bisect(row, grid[k - 1], grid[k], f_prev)
                rate = 1.0 / x - 1.0
                if abs(rate) < abs(best):
                    best = rate
            f_prev = f_k
        if np.isfinite(best):
            out[i] = best
    return out


def _first_crossing(cumulative: np.ndarray, flows: np.ndarray) -> np.ndarray:
    """Fractional year at which each cumulative row first turns >= 0 (NaN if never)."""
    n, _ = cumulative.shape
    out = np.full(n, np.nan)
    out[cumulative[:, 0] >= 0.0] = 0.0
    reached = cumulative >= 0.0
    later = reached[:, 1:] & ~reached[:, :-1]
    rows = np.flatnonzero(np.isnan(out) & later.any(axis=1))
    t = later[rows].argmax(axis=1) + 1
    before = cumulative[rows, t - 1]
    out[rows] = (t - 1) + (-before) / flows[rows, t]
    return out


def payback(cash_flows, rate: float | None = None):
    """Simple (``rate=None``) or discounted payback period [years], ``None`` if never.

    The first year in which the cumulative (discounted) cash flow turns non-negative, with
    linear interpolation inside that year: ``t-1 + (-C_{t-1}) / CF_t``. 0 when nothing is
    invested. A later dip (e.g. a replacement) does not undo a payback already reached.
    Returns float/None for one row, an array with NaN for never for ``(n, T)``.
    """
    flows, single = _as_2d(cash_flows)
    if rate is not None:
        flows = flows * discount_factors(rate, flows.shape[1] - 1)
    result = _first_crossing(np.cumsum(flows, axis=1), flows)
    if single:
        return None if np.isnan(result[0]) else float(result[0])
    return result


def subsidy_gap(rate: float, cash_flows):
    """Onrendabele top [EUR]: the amount at t = 0 that brings the NPV to zero; 0 if NPV >= 0."""
    value = npv(rate, cash_flows)
    return max(0.0, -value) if np.ndim(value) == 0 else np.maximum(0.0, -value)


def levelised_cost(rate: float, cost_flows, output_flows):
    """Levelised cost [EUR per unit of output]: ``sum_t C_t d_t / sum_t E_t d_t``.

    ``d_t = (1 + rate)^-t``; C_t costs [EUR] (investment, replacements, O&M, energy,
    minus residual value and subsidies), E_t output (e.g. MWh of heat delivered) in the
    same years. This is the standard levelised-cost definition (IEA & NEA, *Projected
    Costs of Generating Electricity*, 2020 edition, methodology chapter; used for heat
    e.g. in the Danish Energy Agency technology catalogues). For LCOH pass heat in MWh to
    get EUR/MWh.
    """
    costs, single = _as_2d(cost_flows)
    output, _ = _as_2d(output_flows)
    factors = discount_factors(rate, costs.shape[1] - 1)
    denominator = output @ factors
    if (denominator <= 0).any():
        raise InputError("levelised_cost: the discounted output must be positive")
    return _out((costs @ factors) / denominator, single)


def abatement_cost(rate: float, incremental_cash_flows, co2_avoided_t_per_year, n_years: int | None = None):
    """CO2 abatement cost [EUR/t]: ``-NPV / sum_{t=1..N} dCO2_t (1+r)^-t``.

    The levelised cost of carbon abatement (Friedmann et al., *Levelized Cost of Carbon
    Abatement*, Columbia University CGEP, 2020): the discounted net cost of the variant
    against the reference divided by the discounted tonnes avoided. Negative = saves money.
    ``co2_avoided_t_per_year`` comes from the assessment (constant tonnes per year or a
    ``(N,)`` path for years 1..N). ``None``/NaN if no CO2 is avoided.
    """
    flows, single = _as_2d(incremental_cash_flows)
    horizon = flows.shape[1] - 1 if n_years is None else n_years
    tonnes = np.broadcast_to(np.asarray(co2_avoided_t_per_year, dtype=np.float64), (horizon,))
    discounted_t = float(tonnes @ discount_factors(rate, horizon)[1:])
    values = -np.atleast_1d(npv(rate, flows))
    if discounted_t <= 0.0:
        return None if single else np.full(flows.shape[0], np.nan)
    return _out(values / discounted_t, single)
