"""Investment metrics on yearly cash flows, vectorised over variants.

Cash flows are arrays of shape ``(T,)`` or ``(n_variants, T)``: element ``t`` is the net
flow of year ``t`` [EUR], year 0 = the investment year (undiscounted), years 1..N at the
end of each year. Positive = money in (savings, subsidies), negative = money out.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from mgwsim._numba import njit, prange
from mgwsim.errors import InputError, check_number


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


class Reason(NamedTuple):
    """Why a quantity is absent or a condition not met: a stable ``code`` and the sentence in
    English (``en``) and Dutch (``nl``)."""

    code: str
    en: str
    nl: str


ZERO_EUR = 0.005
"""Flows smaller than half a cent in absolute value [EUR] count as zero when signs are counted
(rounding noise between equal costs must not create a sign change)."""

IRR_REASONS = (
    None,
    Reason("no_difference", "no difference with the reference in any year",
           "in geen enkel jaar verschil met de referentie"),
    Reason("never_dearer", "never costs more than the reference: there is no extra investment to earn a return on",
           "kost nooit meer dan de referentie: er is geen meerinvestering om een rendement op te halen"),
    Reason("always_dearer", "costs more than the reference in every year",
           "kost elk jaar meer dan de referentie"),
    Reason("loan", "cheaper up front and dearer in the years after: a loan, not an investment",
           "goedkoper bij de start en duurder in de jaren erna: een lening, geen investering"),
    Reason("several_sign_changes",
           "the yearly difference changes sign several times (e.g. a grant, a replacement or the residual value): "
           "no unique rate of return",
           "het jaarlijkse verschil wisselt meermaals van teken (bv. een subsidie, een vervanging of de restwaarde): "
           "geen eenduidig rendement"),
    Reason("not_repaid", "the savings do not repay the extra investment: added up over the years (before "
           "discounting), the variant costs more than it saves",
           "de besparingen betalen de meerinvestering niet terug: over alle jaren samen (zonder verdiscontering) "
           "kost de variant meer dan ze bespaart"),
)
"""Reasons indexed by the code of :func:`_irr_rule` (0 = the IRR exists)."""


@njit
def _irr_rule(row, tol):
    """0 if the IRR exists (see :func:`irr`), else the index of its reason in :data:`IRR_REASONS`."""
    first, last, changes, total = 0.0, 0.0, 0, 0.0
    for value in row:
        total += value
        if abs(value) <= tol:
            continue
        sign = 1.0 if value > 0.0 else -1.0
        if first == 0.0:
            first = sign
        elif sign != last:
            changes += 1
        last = sign
    if first == 0.0:
        return 1
    if changes == 0:
        return 2 if first > 0.0 else 3
    if changes == 1 and first > 0.0:
        return 4
    if total <= 0.0:  # the plainest reason first: over the years it costs more than it saves
        return 6
    return 5 if changes > 1 else 0


@njit
def _irr_root(row):
    """The IRR of a row that passed :func:`_irr_rule`: bisection of the NPV polynomial in
    x = 1/(1+r) on (0, 1), where its only positive root lies (Descartes' rule of signs: one sign
    change, one positive root; NPV(x=1) = sum > 0 and NPV < 0 for small x: the first flow is negative)."""
    lo, hi = 0.0, 1.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if _poly(row, mid) > 0.0:
            hi = mid
        else:
            lo = mid
        if hi - lo <= 1e-16:
            break
    return 1.0 / (0.5 * (lo + hi)) - 1.0


@njit
def _irr_row(row, tol):
    """IRR of one row (NaN where absent) with the serial kernel: no thread start for one case."""
    return _irr_root(row) if _irr_rule(row, tol) == 0 else np.nan


@njit(parallel=True)
def _irr_rows(flows, tol):
    n = flows.shape[0]
    out = np.empty(n)
    for i in prange(n):
        out[i] = _irr_row(flows[i], tol)
    return out


def irr(cash_flows):
    """Internal rate of return [fraction/year] where it means something, else ``None`` (NaN).

    The IRR is reported only for an *investment*: the flows (those above half a cent,
    :data:`ZERO_EUR`) change sign exactly once, from negative (the extra investment) to positive
    (the savings), and their undiscounted sum is positive. Then the NPV polynomial in
    ``x = 1/(1+r)`` has exactly one positive root (Descartes' rule of signs) and the IRR is
    unique and positive: the rate at which the NPV is zero (Gitman, *Principles of Managerial
    Finance*, the IRR definition that ``numpy_financial.irr`` uses). Otherwise none, with the
    reason from :func:`irr_note`: no difference, never dearer, dearer every year, a loan
    (cheaper first, dearer later), several sign changes (a grant, a replacement or the residual
    value flipping the sign: several or no roots), or savings that do not repay the investment
    (a negative "return" would only restate that the variant costs more).

    One row: float or ``None``; many rows ``(n, T)``: an array with NaN where absent. The root
    is found by bisection on x in (0, 1) to 1e-16 (the same numba kernels for one or many rows;
    many rows in parallel).
    """
    flows, single = _as_2d(cash_flows)
    if single:
        value = _irr_row(np.ascontiguousarray(flows[0]), ZERO_EUR)
        return None if np.isnan(value) else float(value)
    return _irr_rows(np.ascontiguousarray(flows), ZERO_EUR)


def irr_of_row(flows: np.ndarray) -> float | None:
    """:func:`irr` of one row of flows the caller knows to be finite, a contiguous float64 vector (a batch's own
    flows, e.g. with a finite NPV), without :func:`irr`'s checks and conversions."""
    value = _irr_row(flows, ZERO_EUR)
    return None if math.isnan(value) else float(value)


def irr_note(cash_flows) -> Reason | None:
    """Why one row of flows has no IRR (a :class:`Reason`), ``None`` when :func:`irr` exists."""
    flows, single = _as_2d(cash_flows)
    if not single:
        raise InputError(f"irr_note takes one row of cash flows, got shape {flows.shape}")
    return IRR_REASONS[int(_irr_rule(np.ascontiguousarray(flows[0]), ZERO_EUR))]


@njit
def _poly(flows_row, x):
    """NPV as a polynomial in x = 1/(1+r), by Horner's rule."""
    total = 0.0
    for t in range(flows_row.size - 1, -1, -1):
        total = total * x + flows_row[t]
    return total


def _last_crossing(cumulative: np.ndarray, flows: np.ndarray) -> np.ndarray:
    """Fractional year from which each cumulative row stays >= 0 up to the horizon (NaN if it ends < 0).

    With t the last year whose cumulative flow is negative (below half a cent): ``t + (-C_t) / CF_{t+1}``;
    0 if the cumulative flow is never negative.
    """
    negative = cumulative < -ZERO_EUR
    out = np.full(cumulative.shape[0], np.nan)
    ends_ok = ~negative[:, -1]
    never = ends_ok & ~negative.any(axis=1)
    out[never] = 0.0
    rows = np.flatnonzero(ends_ok & ~never)
    t = negative.shape[1] - 1 - np.argmax(negative[rows, ::-1], axis=1)
    out[rows] = t + (-cumulative[rows, t]) / flows[rows, t + 1]
    return out


def payback(cash_flows, rate: float | None = None):
    """Simple (``rate=None``) or discounted payback period [years], ``None`` if not paid back.

    The year from which the cumulative (discounted) cash flow stays non-negative up to the
    horizon, with linear interpolation inside the year it turns: ``t + (-C_t) / CF_{t+1}``, t
    the last year whose cumulative flow is negative. 0 when the cumulative flow is never
    negative (nothing to pay back); ``None`` when it is negative at the horizon (not paid back
    within it). A payback that a later dip undoes (a replacement pushing the cumulative flow
    back below zero) is not a payback: the later crossing counts. Cumulative amounts within half
    a cent of zero count as zero (:data:`ZERO_EUR`).
    Returns float/None for one row, an array with NaN for never for ``(n, T)``.
    """
    flows, single = _as_2d(cash_flows)
    if rate is not None:
        flows = flows * discount_factors(rate, flows.shape[1] - 1)
    result = _last_crossing(np.cumsum(flows, axis=1), flows)
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
