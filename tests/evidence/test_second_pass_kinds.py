"""The fact kinds the guideline criteria added (second evidence pass): asserted, negated, spans."""

from __future__ import annotations

import datetime as dt

import pytest

from openimr.domain.facts import ClinicalFacts
from openimr.evidence import extract_text

REF = dt.date(2016, 12, 1)


def read(text: str) -> ClinicalFacts:
    return extract_text(text, reference_date=REF)


# (text, kind, the phrase the fact must point at)
ASSERTED = [
    ("She is homebound and requires assistance with bathing.", "homebound", "homebound"),
    ("The patient is confined to the home since the fall.", "homebound", "confined to the home"),
    (
        "He is unable to tolerate oral medications due to gastritis.",
        "medication_intolerance",
        "unable to tolerate oral medications",
    ),
    ("She is intolerant to NSAIDs.", "medication_intolerance", "intolerant to NSAIDs"),
    ("He reports constipation from Norco.", "constipation", "constipation"),
    (
        "An opioid risk assessment was completed and he is low risk.",
        "opioid_risk_screening",
        "opioid risk assessment",
    ),
    ("The SOAPP-R score was 6.", "opioid_risk_screening", "SOAPP-R"),
    (
        "Functional goals were to walk 30 minutes and lift 20 pounds.",
        "treatment_goals",
        "Functional goals",
    ),
    (
        "A psychological clearance for the spinal cord stimulator trial was obtained.",
        "psychological_clearance",
        "psychological clearance",
    ),
    ("The right knee has locking and catching.", "mechanical_symptoms", "locking"),
    (
        "She remains non-weight bearing on the left foot.",
        "weight_bearing_limited",
        "non-weight bearing",
    ),
    ("He is morbidly obese with a BMI of 42.", "weight_bearing_limited", "morbidly obese"),
    ("The diagnoses included CRPS of the right upper extremity.", "crps", "CRPS"),
    (
        "The audiogram showed bilateral sensorineural hearing loss.",
        "hearing_loss",
        "bilateral sensorineural hearing loss",
    ),
    (
        "The worker was found to be at maximum medical improvement.",
        "mmi",
        "maximum medical improvement",
    ),
    ("He is permanent and stationary.", "mmi", "permanent and stationary"),
    (
        "She had two unsuccessful return to work attempts.",
        "failed_return_to_work",
        "unsuccessful return to work",
    ),
    (
        "He returned to modified duty but was unable to continue because of pain.",
        "failed_return_to_work",
        "returned to modified duty but was unable to continue",
    ),
    ("Progress in physical therapy has plateaued.", "therapy_plateau", "plateaued"),
    (
        "She failed to progress in the strengthening program.",
        "therapy_plateau",
        "failed to progress",
    ),
    ("FABER test was positive on the left.", "si_joint_signs", "FABER"),
    ("Gaenslen's and thigh thrust tests were positive.", "si_joint_signs", "Gaenslen's"),
    (
        "The surgery was certified by utilization review on 11-02-2016.",
        "surgery_authorized",
        "surgery was certified",
    ),
    (
        "Utilization review authorized left knee arthroscopy.",
        "surgery_authorized",
        "authorized left knee arthroscopy",
    ),
    (
        "The patient was approved to undergo arthroscopic repair.",
        "surgery_authorized",
        "approved to undergo arthroscopic repair",
    ),
    (
        "Pain persists despite physical therapy, medications and injections.",
        "failed_conservative_care",
        "despite physical therapy",
    ),
    (
        "She failed a course of physical therapy.",
        "failed_conservative_care",
        "failed a course of physical therapy",
    ),
    (
        "The medications helped her functional mobility.",
        "functional_improvement",
        "helped her functional mobility",
    ),
    ("He is better able to do housework.", "functional_improvement", "better able to"),
    ("His walking has improved.", "functional_improvement", "walking has improved"),
]

NEGATED = [
    ("She denies constipation.", "constipation"),
    ("There is no evidence the patient cannot tolerate oral medication.", "medication_intolerance"),
    ("The patient was able to tolerate oral medications.", "medication_intolerance"),
    ("There is no evidence an opioid risk assessment was completed.", "opioid_risk_screening"),
    ("There were no treatment goals documented.", "treatment_goals"),
    ("There was no crepitus or clicking.", "mechanical_symptoms"),
    ("Gait was normal with full weight bearing.", "weight_bearing_limited"),
    ("He had good hearing and normal speech.", "hearing_loss"),
    ("She is not yet at MMI.", "mmi"),
    (
        "There is no indication that the patient had any prior unsuccessful return to work "
        "attempts.",
        "failed_return_to_work",
    ),
    ("Patrick-FABER test was negative bilaterally.", "si_joint_signs"),
    (
        "There is no documentation of a psychological evaluation clearing her for the pump.",
        "psychological_clearance",
    ),
    ("There is no evidence of CRPS.", "crps"),
    ("There was no documentation of a plateau in therapy.", "therapy_plateau"),
    (
        "Records indicate no changes in complaints or level of functioning.",
        "functional_improvement",
    ),
    (
        "The patient cannot be considered as having failed conservative treatment.",
        "failed_conservative_care",
    ),
]


@pytest.mark.parametrize(("text", "kind", "phrase"), ASSERTED)
def test_new_kind_asserted_with_its_span(text: str, kind: str, phrase: str) -> None:
    facts = read(text)
    found = facts.asserted(kind)
    assert found, (kind, text, [(f.kind, f.negated, f.hypothetical) for f in facts.facts])
    fact = found[0]
    assert fact.span is not None and fact.span.text == text
    assert text[fact.span.start : fact.span.end] == fact.span.text
    start, end = fact.attributes["match_start"], fact.attributes["match_end"]
    assert text[start:end] == fact.attributes["matched"]
    assert phrase.lower() in fact.attributes["matched"].lower()


@pytest.mark.parametrize(("text", "kind"), NEGATED)
def test_new_kind_negated(text: str, kind: str) -> None:
    facts = read(text)
    assert facts.negated(kind), (kind, [(f.kind, f.negated) for f in facts.facts])
    assert not facts.asserted(kind)


@pytest.mark.parametrize(
    "text",
    [
        "The request for right knee arthroscopy was non-certified by utilization review.",
        "Utilization review denied the request for lumbar fusion.",
        "UR modified the request; the carpal tunnel release was not certified.",
        "The surgery will be scheduled once the arthroscopy is approved.",
        "The patient was approved for the neurosurgeon evaluation.",
        "Twelve sessions of post-operative physical therapy were authorized.",
        "Authorization for left shoulder arthroscopy was requested.",
    ],
)
def test_denied_requested_or_non_surgical_authorizations_are_not_surgery_authorized(
    text: str,
) -> None:
    assert not read(text).asserted("surgery_authorized")


def test_surgery_authorized_carries_the_site() -> None:
    fact = read("Utilization review certified a right knee arthroscopy.").asserted(
        "surgery_authorized"
    )[0]
    assert fact.attributes["sentence_body_parts"] == ["knee"]


def test_rule_out_crps_is_a_suspected_crps() -> None:
    fact = read(
        "The worker is treated for foot pain, rule out complex regional pain syndrome."
    ).asserted("crps")[0]
    assert fact.attributes["suspected"] is True


def test_persistent_symptoms_after_documented_conservative_care_are_failed_care() -> None:
    text = (
        "Treatment to date has included physical therapy and chiropractic care. "
        "On 11-02-2016 she reported persistent low back pain."
    )
    found = read(text).asserted("failed_conservative_care")
    assert found
    fact = found[0]
    assert fact.span.text.startswith("On 11-02-2016")
    assert fact.attributes["derived_from"] == "persistent_symptoms"
    assert fact.attributes["after"] == ["chiropractic", "physical therapy"]


def test_care_stated_as_past_counts_even_when_written_after_the_complaint() -> None:
    text = (
        "Records indicate ongoing right shoulder pain. Relevant treatments have included: physical "
        "therapy, work restrictions, and medications."
    )
    found = read(text).asserted("failed_conservative_care")
    assert found and found[0].attributes["after"] == ["physical therapy"]


@pytest.mark.parametrize(
    "text",
    [
        # no conservative care documented
        "On 11-02-2016 she reported persistent low back pain.",
        # persistence stated before the care, and care only planned
        "She reported persistent low back pain. Physical therapy was requested.",
        # symptoms denied
        "Treatment included physical therapy. She has no persistent pain.",
    ],
)
def test_persistent_symptoms_alone_are_not_failed_care(text: str) -> None:
    assert not read(text).asserted("failed_conservative_care")


def test_locking_plate_is_not_a_mechanical_symptom() -> None:
    assert not read("ORIF with a locking plate was performed.").asserted("mechanical_symptoms")


def test_a_reason_given_in_a_plan_is_a_present_fact() -> None:
    text = (
        "The plan of care included ibuprofen suspension until approval is obtained for a "
        "topical gel, as he is not able to tolerate oral medications."
    )
    assert read(text).asserted("medication_intolerance")


def test_continued_numbness_after_occupational_therapy_is_failed_care() -> None:
    text = (
        "Treatment to date has included occupational therapy and a splint. She has "
        "complaints of continued numbness in the right hand."
    )
    assert read(text).asserted("failed_conservative_care")


def test_care_reported_as_helping_is_not_failed_by_remaining_pain() -> None:
    text = "Physical therapy was noted to improve symptoms. She reported persistent low back pain."
    assert not read(text).asserted("failed_conservative_care")


def test_care_given_at_the_visit_of_the_complaint_has_not_failed() -> None:
    text = (
        "On 12-01-2016 he reported ongoing shoulder pain. A corticosteroid injection was "
        "administered."
    )
    assert not read(text).asserted("failed_conservative_care")


def test_past_care_written_after_the_complaint_still_counts() -> None:
    text = (
        "His chief complaint was worsening back pain. He previously received 6 sessions of "
        "physical therapy."
    )
    assert read(text).asserted("failed_conservative_care")


def test_care_from_a_later_visit_has_not_failed_an_earlier_complaint() -> None:
    text = (
        "On 12-01-2016 a corticosteroid injection was administered. On 11-18-2016 he "
        "reported ongoing shoulder pain."
    )
    assert not read(text).asserted("failed_conservative_care")


@pytest.mark.parametrize(
    ("text", "failed"),
    [
        ("He was placed on a Medrol Dosepak which failed to have any effect on the back.", True),
        ("Gabapentin did not help her burning pain.", True),
        ("Pain is 8/10 without Norco and 4/10 with it.", False),
        ("Norco provides temporary relief.", False),
        ("She takes ibuprofen, and the pain is worse with lifting.", False),
    ],
)
def test_a_medication_that_did_not_work_is_failed_care(text: str, failed: bool) -> None:
    found = read(text).asserted("failed_conservative_care")
    assert bool(found) is failed, found
    if failed:
        assert found[0].attributes["derived_from"] == "current_medication"
        assert found[0].attributes["drug_class"]
