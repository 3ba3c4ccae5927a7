"""evidence.derive: phase of care, prior courses (same region, count, effect)."""

from __future__ import annotations

import datetime as dt

import pytest

from openimr.domain.facts import ClinicalFact, ClinicalFacts
from openimr.domain.request import TreatmentRequest
from openimr.evidence import derive, extract_text
from openimr.requests import parse_request

INJURY = dt.date(2024, 1, 1)


@pytest.mark.parametrize(
    ("days", "phase"),
    [
        (0, "acute"),
        (20, "acute"),
        (29, "subacute"),
        (84, "subacute"),
        (85, "chronic"),
        (400, "chronic"),
    ],
)
def test_phase_boundaries_from_the_injury_date(days: int, phase: str) -> None:
    got = derive.care_phase(ClinicalFacts(), INJURY, INJURY + dt.timedelta(days=days))
    assert (got.phase, got.time_phase, got.days_since_injury) == (phase, phase, days)


def test_no_dates_no_phase() -> None:
    assert derive.care_phase(ClinicalFacts()).phase is None
    assert derive.care_phase_fact(derive.care_phase(ClinicalFacts())) is None


def test_a_dated_surgery_within_the_post_surgical_period_wins() -> None:
    facts = extract_text("She underwent rotator cuff repair on 03/01/2024.")
    request = dt.date(2024, 4, 15)
    got = derive.care_phase(facts, dt.date(2021, 5, 5), request)
    assert got.phase == "post_surgical" and got.time_phase == "chronic"
    assert got.surgery_date == dt.date(2024, 3, 1)
    fact = derive.care_phase_fact(got)
    assert fact is not None and fact.value == "post_surgical"


def test_an_old_or_planned_surgery_does_not_make_the_case_post_surgical() -> None:
    old = extract_text("She underwent rotator cuff repair on 03/01/2017.")
    assert derive.care_phase(old, dt.date(2016, 5, 5), dt.date(2023, 6, 1)).phase == "chronic"
    planned = extract_text("Rotator cuff repair is scheduled for 05/01/2024.")
    assert derive.care_phase(planned, dt.date(2024, 3, 1), dt.date(2024, 3, 20)).phase == "acute"


def _courses(text: str) -> list[derive.PriorCourse]:
    return derive.prior_courses(extract_text(text))


def test_prior_course_count_effect_and_region() -> None:
    [course] = _courses(
        "He completed 12 sessions of physical therapy for the low back with improved lifting tolerance."
    )
    assert (course.category, course.region, course.sessions) == ("physical_medicine", "spine", 12)
    assert course.effect == "improved_function"


@pytest.mark.parametrize(
    ("text", "effect"),
    [
        ("Chiropractic x8 helped her pain but did not improve her function.", "pain_only"),
        ("Acupuncture gave only temporary relief.", "no_benefit"),
        ("She had 6 visits of acupuncture.", None),
    ],
)
def test_prior_course_effect(text: str, effect: str | None) -> None:
    [course] = _courses(text)
    assert course.effect == effect


@pytest.mark.parametrize(
    "text",
    [
        "Physical therapy is requested for the lumbar spine.",
        "PT has not been tried.",
        "He had 12 sessions of PT in 2012 for an unrelated, non-industrial ankle sprain.",
        "He was prescribed physical therapy but could not attend.",
    ],
)
def test_a_treatment_not_given_is_no_prior_course(text: str) -> None:
    assert [c for c in _courses(text) if c.category == "physical_medicine"] == []


def test_the_largest_count_not_the_sum() -> None:
    text = "Treatment to date included 12 sessions of PT for the neck. She completed 12 PT visits for the neck."
    [course] = _courses(text)
    assert course.sessions == 12


def test_course_facts_same_category_and_region_only() -> None:
    facts = extract_text(
        "She completed 8 sessions of aquatic therapy for the lumbar spine, with no benefit."
    )
    lumbar = parse_request("Physical therapy x6 for the lumbar spine")
    knee = parse_request("Physical therapy x6 for the right knee")
    [fact] = derive.course_facts(facts, lumbar)
    assert (
        fact.kind == "prior_treatment" and fact.attributes["course_modality"] == "aquatic therapy"
    )
    assert fact.attributes["effect"] == "failed" and "sessions" not in fact.attributes
    assert derive.course_facts(facts, knee) == []


def test_course_facts_leave_a_course_named_as_requested_alone() -> None:
    facts = extract_text("She completed 8 sessions of physical therapy for the lumbar spine.")
    assert derive.course_facts(facts, parse_request("Physical therapy x6 lumbar spine")) == []


def test_co_requested_drugs_are_marked() -> None:
    requests = [
        TreatmentRequest(text="Norco", category="medication", drug="hydrocodone/acetaminophen"),
        TreatmentRequest(text="Colace", category="medication", drug="docusate"),
    ]
    [fact] = derive.co_requested_drugs(requests, 1)
    assert isinstance(fact, ClinicalFact) and fact.attributes["co_requested"] is True
    assert fact.value == "hydrocodone/acetaminophen"
