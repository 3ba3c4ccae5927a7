"""Limits on the request's terms: visits in the course, visits a week, weeks, units per fill."""

from __future__ import annotations

from openimr.domain.determination import CriterionStatus
from openimr.domain.facts import ClinicalFact
from openimr.domain.request import TreatmentRequest
from openimr.engine.checks.common import CheckResult, capitalize, fmt, found
from openimr.engine.checks.context import CheckContext
from openimr.engine.checks.history import modality_terms
from openimr.engine.checks.registry import register
from openimr.evidence import treatment_courses
from openimr.guidelines.check_params import (
    DurationAtMost,
    FrequencyAtMost,
    QuantityAtMost,
    SessionsAtMost,
)


def requested_sessions(request: TreatmentRequest) -> int | None:
    """Total visits asked for: explicit, else frequency x duration."""
    if request.sessions is not None:
        return request.sessions
    if request.frequency_per_week is not None and request.duration_weeks is not None:
        return round(request.frequency_per_week * request.duration_weeks)
    return None


def course_sessions(req: TreatmentRequest) -> int | None:
    """Visits in the whole requested course: for a partial authorization, the original request
    (what UR certified plus the disputed remainder), since a guideline limit bounds the course."""
    partial = req.partial_authorization
    if partial is not None:
        original = partial.original.sessions
        if (
            original is None
            and partial.authorized is not None
            and partial.authorized.sessions is not None
        ):
            remainder = partial.disputed.sessions or requested_sessions(req)
            original = partial.authorized.sessions + remainder if remainder is not None else None
        if original is not None:
            return original
    return requested_sessions(req)


def completed_sessions(ctx: CheckContext) -> tuple[int, list[ClinicalFact]]:
    """Visits of the same treatment already completed, where the record counts them."""
    terms = modality_terms((), ctx.request)
    # a course mentioned in several sentences is one course: take its largest stated count
    courses = [
        course
        for course in treatment_courses(ctx.facts).values()
        if course.sessions
        and any(t in course.modality.lower() or course.modality.lower() in t for t in terms)
    ]
    evidence = [f for course in courses for f in course.facts if f.attributes.get("sessions")]
    return sum(course.sessions or 0 for course in courses), evidence


def _at_most(
    value: float | None, limit: float, noun: str, missing_status: CriterionStatus
) -> CheckResult:
    if value is None:
        return found(missing_status, f"The request does not state the {noun}.")
    if value > limit:
        return found(
            "not_met",
            f"The request is for {fmt(value)} {noun}, more than the {fmt(limit)} recommended.",
        )
    return found(
        "met", f"The request is for {fmt(value)} {noun}, within the {fmt(limit)} recommended."
    )


@register("sessions_at_most", SessionsAtMost)
def sessions_at_most(params: SessionsAtMost, ctx: CheckContext) -> CheckResult:
    req = ctx.request
    limit = float(params.max)
    course = course_sessions(req)
    if course is None:
        return found("not_documented", "The request does not state how many visits are asked for.")
    # a post-operative course is counted afresh: therapy before the operation does not use it up
    done, evidence = (0, []) if ctx.post_surgical else completed_sessions(ctx)
    total = course + done
    parts = [f"{course} visits requested"]
    if req.partial_authorization is not None and course != requested_sessions(req):
        parts = [f"{course} visits in the original request (including those already authorized)"]
    if done:
        parts.append(f"{done} already completed")
    described = capitalize(" plus ".join(parts))
    if total > limit:
        return found(
            "not_met",
            f"{described}: {total} in all, more than the {fmt(limit)} recommended.",
            evidence,
        )
    return found(
        "met", f"{described}: {total} in all, within the {fmt(limit)} recommended.", evidence
    )


@register("frequency_at_most", FrequencyAtMost)
def frequency_at_most(params: FrequencyAtMost, ctx: CheckContext) -> CheckResult:
    return _at_most(
        ctx.request.frequency_per_week, float(params.max), "visits per week", "not_applicable"
    )


@register("duration_at_most", DurationAtMost)
def duration_at_most(params: DurationAtMost, ctx: CheckContext) -> CheckResult:
    weeks = float(params.weeks)
    if ctx.request.duration_weeks is None and params.open_ended == "not_documented":
        # equipment the guideline allows for a stated time only (cryotherapy 7 days after surgery):
        # with no rental period the request is open-ended, which the limit does not support
        return found(
            "not_documented",
            f"The request states no period of use; the guideline supports {fmt(weeks)} weeks at most.",
        )
    # otherwise a request that states no duration is judged on its other terms
    return _at_most(ctx.request.duration_weeks, weeks, "weeks", "not_applicable")


@register("quantity_at_most", QuantityAtMost)
def quantity_at_most(params: QuantityAtMost, ctx: CheckContext) -> CheckResult:
    return _at_most(ctx.request.quantity, float(params.max), "units", "not_applicable")
