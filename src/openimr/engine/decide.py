"""Decide one disputed item: find the governing recommendation, check its criteria, choose the outcome.

The outcome follows from the trace alone, by the role rule of `engine.outcome` (Upheld when a
criterion's role makes its result decide), and the rationale is rendered from the same trace, so the two cannot disagree.
"""

from __future__ import annotations

import datetime as dt

from openimr.domain.case import Case, DisputedItem
from openimr.domain.determination import Citation, CriterionResult, ItemDetermination, Outcome
from openimr.domain.facts import ClinicalFacts
from openimr.domain.guideline import CheckParams, Criterion, Recommendation, Role
from openimr.domain.request import TreatmentRequest
from openimr.engine.checks import check_context, evaluate_criterion
from openimr.engine.checks.history import modality_terms, prior_use
from openimr.engine.outcome import choose_outcome, deciding, undocumented_indications
from openimr.engine.rationale import with_reviewer_notes, write_rationale
from openimr.guidelines.check_params import (
    AnyFactPresent,
    DurationAtMost,
    FactPresent,
    FrequencyAtMost,
    MedAtMost,
    NotRecommended,
    SessionsAtMost,
)
from openimr.guidelines.kb import KnowledgeBase
from openimr.guidelines.search import search
from openimr.knowledge.treatments import is_course

SPECIFIC_MATCH_SCORE = 20.0  # a search score at which the row names the treatment and body part


def implicit_criteria(rec: Recommendation) -> list[Criterion]:
    """Limits and status stated on the row become criteria when the row does not spell them out."""
    have = {c.check for c in rec.criteria}
    extra: list[Criterion] = []
    limits = rec.limits

    def add(params: CheckParams, description: str, gap: str, role: Role = "limit") -> None:
        if params.check not in have:
            extra.append(
                Criterion(
                    id=f"{rec.id}.{params.check}",
                    description=description,
                    check=params.check,
                    role=role,
                    params=params,
                    gap=gap,
                )
            )

    if rec.status == "not_recommended":
        add(
            NotRecommended(),
            f"{rec.section}: recommended by the guideline",
            "evidence that the guideline's exception applies",
            role="exclusion",
        )
    if limits.visits is not None:
        add(
            SessionsAtMost(max=limits.visits),
            f"No more than {limits.visits} visits",
            f"a request within {limits.visits} visits",
        )
    if limits.frequency_per_week is not None:
        add(
            FrequencyAtMost(max=limits.frequency_per_week),
            f"No more than {limits.frequency_per_week:g} visits a week",
            "a request within the recommended frequency",
        )
    if limits.duration_weeks is not None:
        add(
            DurationAtMost(weeks=limits.duration_weeks),
            f"No longer than {limits.duration_weeks:g} weeks",
            "a request within the recommended duration",
        )
    if limits.morphine_equivalent_mg is not None:
        add(
            MedAtMost(mg=limits.morphine_equivalent_mg),
            f"Morphine-equivalent dose at most {limits.morphine_equivalent_mg:g} mg a day",
            "a dose within the morphine-equivalent ceiling",
        )
    return extra


def trial_criteria(request: TreatmentRequest) -> list[Criterion]:
    """When UR certified part of a course, those visits are the trial: the MTUS continues a course
    only on documented objective functional improvement (9792.20; CPMTG's trial-then-reassess rule),
    so the remainder waits for that improvement to be shown. A partly certified opioid supply is
    the same: the rest waits for documented pain relief and function on the drug."""
    partial = request.partial_authorization
    if partial is None or partial.authorized is None:
        return []
    if request.category == "medication" and request.drug_class == "opioid":
        # more opioid than UR certified is continued opioid use: the 2016 opioid guideline asks for
        # written documentation of the status of pain and function before more is given
        return [
            Criterion(
                id="partial_authorization.opioid_response",
                description="pain and function on the opioid documented before more than UR certified is given",
                check="any_fact_present",
                role="prerequisite",
                params=AnyFactPresent(kinds=["pain_relief", "functional_improvement"]),
                gap="documentation of the pain relief and function on the opioid so far",
            )
        ]
    if not is_course(request.category, request.service):
        return []
    return [
        Criterion(
            id="partial_authorization.trial_response",
            description="objective functional improvement documented from the visits already authorized",
            check="fact_present",
            role="prerequisite",
            params=FactPresent(kind="functional_improvement"),
            gap="documentation of objective functional improvement from the visits already authorized",
        )
    ]


def citation_for(rec: Recommendation) -> Citation:
    return Citation(
        recommendation_id=rec.id,
        guideline=rec.guideline,
        edition=rec.edition,
        section=rec.section,
        pages=rec.pages,
        level=rec.level,
    )


def _confidence(score: float | None, results: list[CriterionResult], outcome: Outcome) -> float:
    """A rough 0-1 confidence: how specific the guideline match was, less when upheld for want of records."""
    if score is None:
        return 0.3
    base = 0.55 + 0.35 * max(0.0, min(1.0, score / SPECIFIC_MATCH_SCORE))
    decided = [r for r in results if r.required and r.status in ("met", "not_met")]
    undocumented = [r for r in results if r.required and r.status == "not_documented"]
    if outcome == "Upheld" and not decided and undocumented:
        base -= 0.15  # upheld only for want of documentation: the record may simply be thin
    return round(max(0.05, min(0.99, base)), 2)


def request_warnings(request: TreatmentRequest) -> list[CriterionResult]:
    """What the parser could not resolve (an unknown drug), in the trace; it decides nothing."""
    return [
        CriterionResult(
            criterion_id="request_understood",
            description="The request is understood (its drug is in the drug table)",
            status="not_applicable",
            required=False,
            explanation=warning,
        )
        for warning in request.warnings
    ]


def decide_item(
    item: DisputedItem,
    request: TreatmentRequest,
    facts: ClinicalFacts,
    case: Case | None,
    kb: KnowledgeBase,
    review_date: dt.date | None = None,
) -> ItemDetermination:
    found = search(kb, request, review_date=review_date, facts=facts, limit=3)
    hits = list(found.hits)
    edition_note = None
    if not hits and review_date is not None:
        # No edition in force on the review date addresses it (the knowledge base may lack that
        # era's rows): apply the nearest edition on file and say so in the rationale.
        found = search(kb, request, review_date=None, facts=facts, limit=3)
        hits = list(found.hits)
        if hits:
            edition_note = (
                f"No edition in force on {review_date:%m/%d/%Y} in the knowledge base addresses this "
                f"treatment; the {hits[0].recommendation.edition} edition is applied."
            )
    if not hits:
        rationale = with_reviewer_notes(request, write_rationale(request, None, [], "Upheld", []))
        return ItemDetermination(
            item_id=item.id,
            treatment=item.text,
            outcome="Upheld",
            request=request,
            claims_administrator_guideline=item.ur_guideline,
            citations=[],
            search_level=found.level,
            review_date=review_date,
            criteria=request_warnings(request),
            gaps=[
                "a guideline or peer-reviewed evidence supporting this treatment for this condition"
            ],
            rationale=rationale,
            confidence=0.3,
        )
    top = hits[0]
    rec: Recommendation = top.recommendation
    criteria = list(rec.criteria) + implicit_criteria(rec) + trial_criteria(request)
    # a post-operative course is counted afresh: therapy before the operation does not use it up
    ctx = check_context(
        request, facts, case, review_date, post_surgical="post_surgical" in rec.phases
    )
    results = [evaluate_criterion(c, ctx) for c in criteria]
    # a monitored drug already taken is being continued (the outcome rule's monitoring role)
    continuing = bool(prior_use(request, facts, modality_terms((), request)))
    outcome = choose_outcome(results, continuing)
    by_id = {c.id: c for c in criteria}
    named = deciding(results, continuing) + undocumented_indications(results)
    gaps = [g for r in results if r in named and (g := by_id[r.criterion_id].gap)]
    rationale = write_rationale(request, rec, results, outcome, gaps)
    if edition_note:
        rationale = f"{edition_note} {rationale}"
    rationale = with_reviewer_notes(request, rationale)
    results += request_warnings(request)
    return ItemDetermination(
        item_id=item.id,
        treatment=item.text,
        outcome=outcome,
        request=request,
        claims_administrator_guideline=item.ur_guideline,
        citations=[citation_for(rec)],
        search_level=rec.level,
        review_date=review_date,
        continuing=continuing,
        criteria=results,
        gaps=gaps,
        rationale=rationale,
        confidence=_confidence(getattr(top, "score", None), results, outcome),
    )
