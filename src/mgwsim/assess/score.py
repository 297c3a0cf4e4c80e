"""A simple future-proof score (0-100) from lock-in checks, and its explanation.

Scheme (deliberately simple, so that a co-owner can recompute it by hand):

1. Each check counts ``pass`` = 1, ``warn`` = 0.5, ``fail`` = 0.
2. The score is 100 x the weighted mean over the checks, with the weights of
   :data:`DEFAULT_WEIGHTS` (unknown checks weigh 1).
3. A fail in a *critical* check (:data:`CRITICAL_CHECKS`: fossil lock-in, temperature
   lock-in of the heat pumps or of a heat network, hot-water hygiene) caps the score at
   :data:`CRITICAL_FAIL_CAP`: a variant that keeps the building on gas, cannot heat it, or
   breaks the legionella rules is not future-proof however well it does elsewhere.

The weights are an mgwsim judgement, not a published method. The Antwerp Klimaatfonds
call scores "future-proofing" as one criterion (15 of 100 points) without a formula; this
score is an input to that judgement, not a substitute for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from mgwsim.assess.checks import CheckResult
from mgwsim.errors import InputError, check_number

__all__ = ["CRITICAL_CHECKS", "CRITICAL_FAIL_CAP", "DEFAULT_WEIGHTS", "STATUS_POINTS", "explain_future_proof_score",
           "future_proof_score"]

STATUS_POINTS = {"pass": 1.0, "warn": 0.5, "fail": 0.0}
"""Points per status."""

DEFAULT_WEIGHTS: Mapping[str, float] = {
    "fossil_lock_in": 3.0,
    "temperature_lock_in": 3.0,
    "heat_network_temperature": 3.0,
    "hot_water_hygiene": 2.0,
    "oversizing": 1.0,
    "refrigerant_lock_in": 1.0,
    "refrigerant": 1.0,
    "pv_before_roof": 1.0,
    "connection_capacity": 1.0,
    "heat_network_readiness": 1.0,
    "refrigerant_charge": 0.0,
    "outdoor_noise": 0.0,
    "unit_space": 0.0,
    "heat_source": 0.0,
}
"""Weight per check name (an mgwsim judgement): the checks that decide whether the building
can leave gas and be heated by heat pumps weigh most. The placement and heat-source checks
(:data:`mgwsim.assess.placement.PLACEMENT_CHECKS`) weigh 0: they judge whether the units can stand
where they are planned today, not how future-proof the choice is (they are among the risks)."""

CRITICAL_CHECKS = ("fossil_lock_in", "temperature_lock_in", "heat_network_temperature", "hot_water_hygiene")
"""Checks whose fail caps the score."""

CRITICAL_FAIL_CAP = 40.0
"""Highest score with a failed critical check."""


def _as_checks(assessment) -> list[CheckResult]:
    checks = assessment.final_checks() if hasattr(assessment, "final_checks") else list(assessment)
    if not checks:
        raise InputError("future_proof_score needs at least one CheckResult")
    for item in checks:
        if not isinstance(item, CheckResult):
            raise InputError(f"future_proof_score: {item!r} is not a CheckResult")
    return checks


def _weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    merged = dict(DEFAULT_WEIGHTS)
    for name, value in (weights or {}).items():
        merged[name] = check_number(value, f"weights[{name!r}]", owner="future_proof_score", low=0.0)
    return merged


def _score_parts(assessment, weights) -> tuple[float, float, list[CheckResult], list[str]]:
    checks, w = _as_checks(assessment), _weights(weights)
    total = sum(w.get(c.name, 1.0) for c in checks)
    checks = [c for c in checks if w.get(c.name, 1.0) > 0.0]  # a check of weight 0 is not counted (placement)
    if total <= 0:
        raise InputError("future_proof_score: all weights are zero")
    raw = 100.0 * sum(w.get(c.name, 1.0) * STATUS_POINTS[c.status] for c in checks) / total
    critical = [c.name for c in checks if c.name in CRITICAL_CHECKS and c.status == "fail"]
    return raw, (min(raw, CRITICAL_FAIL_CAP) if critical else raw), checks, critical


def future_proof_score(assessment: Iterable[CheckResult], *, weights: Mapping[str, float] | None = None) -> float:
    """Future-proof score in [0, 100] of a variant (module docstring for the scheme).

    Parameters
    ----------
    assessment : PathAssessment or iterable of CheckResult
        A :class:`~mgwsim.assess.path.PathAssessment` is judged by its last step
        (:meth:`~mgwsim.assess.path.PathAssessment.final_checks`).
    weights : mapping check name -> weight, optional
        Overrides of :data:`DEFAULT_WEIGHTS` (>= 0).

    Returns
    -------
    float
    """
    return _score_parts(assessment, weights)[1]


def explain_future_proof_score(assessment: Iterable[CheckResult], *, weights: Mapping[str, float] | None = None) -> str:
    """One paragraph explaining :func:`future_proof_score` for this assessment."""
    raw, score, checks, critical = _score_parts(assessment, weights)
    counts = {s: sum(c.status == s for c in checks) for s in STATUS_POINTS}
    text = (f"The future-proof score is {score:.0f} out of 100. It is the weighted mean of {len(checks)} lock-in "
            f"checks, counting a pass as 1, a warning as 0.5 and a fail as 0 ({counts['pass']} passed, "
            f"{counts['warn']} warned, {counts['fail']} failed); "
            + ("fossil and temperature lock-in weigh 3, hot-water hygiene 2 and the other checks 1." if not weights
               else "with the weights given by the user."))
    if critical:
        text += (f" Because the critical check(s) {', '.join(critical)} failed, the score is capped at "
                 f"{CRITICAL_FAIL_CAP:.0f} (it would otherwise be {raw:.0f}).")
    failed = [c.name for c in checks if c.status == "fail" and c.name not in critical]
    if failed:
        text += f" Other failed checks: {', '.join(failed)}."
    return text + " The weights are an mgwsim judgement, not an official method."
