"""A documented prior course of the same treatment makes the request a continuation."""

from __future__ import annotations

from openimr.domain.facts import ClinicalFacts
from openimr.domain.guideline import Criterion
from openimr.engine.checks import check_context, evaluate_criterion
from openimr.evidence import derive, extract_text
from openimr.guidelines.check_params import PARAMS
from openimr.requests import parse_request

CONTINUATION = Criterion(
    id="more",
    description="More only with documented functional improvement",
    role="prerequisite",
    check="prior_trial_improvement",
    params=PARAMS["prior_trial_improvement"](),
    applies_if={"when": "continuation"},
    gap="functional improvement from the earlier course",
)


def _with_courses(text: str, request_text: str) -> tuple[ClinicalFacts, ClinicalFacts]:
    facts = extract_text(text)
    request = parse_request(request_text)
    return facts, ClinicalFacts(facts=facts.facts + derive.course_facts(facts, request))


def test_a_course_named_otherwise_makes_the_request_a_continuation() -> None:
    text = "She completed 8 sessions of aquatic therapy for the lumbar spine with no benefit."
    request = parse_request("Physical therapy x6 for the lumbar spine")
    before, after = _with_courses(text, request.text)
    assert (
        evaluate_criterion(CONTINUATION, check_context(request, before)).status == "not_applicable"
    )
    assert evaluate_criterion(CONTINUATION, check_context(request, after)).status == "not_met"


def test_a_course_at_another_region_does_not() -> None:
    text = "She completed 8 sessions of aquatic therapy for the right knee with no benefit."
    request = parse_request("Physical therapy x6 for the lumbar spine")
    _, after = _with_courses(text, request.text)
    assert (
        evaluate_criterion(CONTINUATION, check_context(request, after)).status == "not_applicable"
    )
