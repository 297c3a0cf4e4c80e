"""Finance: investments and costs, subsidies, the business case and the co-owner split.

Plain functions on yearly cash-flow arrays (:func:`npv`, :func:`irr`, :func:`payback`,
:func:`levelised_cost`, ...) work on one row ``(T,)`` or many variants ``(n, T)``;
:func:`business_case` composes them for a variant against the reference.
"""

from mgwsim.finance._case import (
    BusinessCase,
    Finance,
    Option,
    batch_cash_flows,
    batch_metrics,
    business_case,
    option_flows,
)
from mgwsim.finance._costs import (
    CONNECTION_UPGRADE_PREFIX,
    VAT_CLASSES,
    ConnectionCosts,
    CostTable,
    Investment,
    cabin_investments,
    connection_upgrade_investments,
    gas_closure_investments,
    investment_schedule,
    load_connection_costs,
    load_cost_table,
)
from mgwsim.finance._metrics import (
    abatement_cost,
    annuity_factor,
    discount_factors,
    has_sign_change,
    irr,
    levelised_cost,
    npv,
    payback,
    subsidy_gap,
)
from mgwsim.finance._split import co_owner_split, split_cents
from mgwsim.finance._uncertainty import monte_carlo
from mgwsim.finance._subsidies import (
    STANDARD_VAT_FRAC,
    Grant,
    ReducedVat,
    SubsidyContext,
    SubsidyResult,
    apply_subsidies,
    klimaatfonds_antwerpen,
)

__all__ = [
    "CONNECTION_UPGRADE_PREFIX",
    "STANDARD_VAT_FRAC",
    "VAT_CLASSES",
    "BusinessCase",
    "ConnectionCosts",
    "CostTable",
    "Finance",
    "Grant",
    "Investment",
    "Option",
    "ReducedVat",
    "SubsidyContext",
    "SubsidyResult",
    "abatement_cost",
    "annuity_factor",
    "apply_subsidies",
    "batch_cash_flows",
    "batch_metrics",
    "business_case",
    "cabin_investments",
    "co_owner_split",
    "connection_upgrade_investments",
    "discount_factors",
    "gas_closure_investments",
    "has_sign_change",
    "investment_schedule",
    "irr",
    "klimaatfonds_antwerpen",
    "levelised_cost",
    "load_connection_costs",
    "load_cost_table",
    "monte_carlo",
    "npv",
    "option_flows",
    "payback",
    "split_cents",
    "subsidy_gap",
]
