"""Evaluate one criterion: whether it applies (`applies_if`), then its registered check."""

from __future__ import annotations

from openimr.domain.common import EvidenceSpan
from openimr.domain.determination import CriterionResult, CriterionStatus
from openimr.domain.guideline import AppliesIf, Criterion
from openimr.engine.checks.context import CheckContext
from openimr.engine.checks.history import modality_terms, prior_use
from openimr.engine.checks.registry import REGISTRY


def applies(criterion: Criterion, ctx: CheckContext) -> bool:
    """Every condition of `applies_if` holds (a criterion without one always applies)."""
    cond: AppliesIf | None = criterion.applies_if
    if cond is None:
        return True
    if cond.when is not None:
        # the treatment the criterion names (prior_trial_improvement's modalities), and the request's
        named = getattr(criterion.params, "modalities", ())
        used = bool(prior_use(ctx.request, ctx.facts, modality_terms(named, ctx.request)))
        if used != (cond.when == "continuation"):
            return False
    if not all(ctx.facts.asserted(kind) for kind in cond.with_facts):
        return False
    return not any(ctx.facts.asserted(kind) for kind in cond.without_facts)


def _result(
    criterion: Criterion,
    status: CriterionStatus,
    explanation: str,
    evidence: list[EvidenceSpan] | None = None,
) -> CriterionResult:
    return CriterionResult(
        criterion_id=criterion.id,
        description=criterion.description,
        status=status,
        required=criterion.required,
        role=criterion.role,
        explanation=explanation,
        evidence=evidence or [],
    )


def evaluate_criterion(criterion: Criterion, ctx: CheckContext) -> CriterionResult:
    if criterion.applies_if is not None and not applies(criterion, ctx):
        return _result(
            criterion, "not_applicable", f"Applies only when: {criterion.applies_if.describe()}."
        )
    found = REGISTRY[criterion.check].run(criterion.params, ctx)
    return _result(criterion, found.status, found.explanation, list(found.evidence))
