"""Behaviour of the clinical evidence extractor: context, values, spans, case-level facts."""

from __future__ import annotations

import datetime as dt

import pytest

from openimr.domain.case import Case, MedicalRecord
from openimr.domain.facts import FACT_KINDS, ClinicalFacts
from openimr.evidence import extract, extract_text, treatment_courses

REF = dt.date(2016, 12, 1)


def read(text: str, **kwargs) -> ClinicalFacts:
    return extract_text(text, reference_date=kwargs.pop("reference_date", REF), **kwargs)


def only(facts: ClinicalFacts, kind: str):
    found = facts.of_kind(kind)
    assert len(found) == 1, f"expected one {kind}, got {found}"
    return found[0]


# --- context: negation, hypothetical, history, family -------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("There is no documentation of functional improvement.", "functional_improvement"),
        ("Functional improvement was not documented.", "functional_improvement"),
        ("He failed to demonstrate functional improvement with therapy.", "functional_improvement"),
        ("He denies numbness.", "numbness"),
        ("She denied numbness or tingling in the hands.", "numbness"),
        ("The lumbar exam was negative for radicular signs.", "radiculopathy"),
        ("Examination was without evidence of spasm.", "spasm"),
        ("There is a lack of trigger points on palpation.", "myofascial_trigger_points"),
        ("Absence of muscle atrophy was noted.", "muscle_atrophy"),
        ("There is no evidence of aberrant behavior.", "aberrant_behavior"),
        ("No red flags were present.", "red_flag"),
        ("Straight leg raise was negative bilaterally.", "straight_leg_raise"),
        ("Negative Spurling's test.", "spurling"),
        ("Motor strength was 5/5 throughout.", "weakness"),
        ("Reflexes were 2+ and symmetric.", "reflex_change"),
        ("Sensation was intact to light touch.", "sensory_deficit"),
        ("He could not return to work.", "return_to_work"),
    ],
)
def test_negated(text: str, kind: str) -> None:
    facts = read(text)
    assert facts.negated(kind), facts
    assert not facts.asserted(kind)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("The treatment plan included an MRI of the lumbar spine.", "imaging_result"),
        ("The physician recommended physical therapy twice a week.", "prior_treatment"),
        (
            "A request for EMG/NCV of the upper extremities was submitted.",
            "electrodiagnostic_result",
        ),
        (
            "Physical therapy 2 times a week for 6 weeks was the original request.",
            "prior_treatment",
        ),
        ("Rule out lumbar radiculopathy.", "radiculopathy"),
    ],
)
def test_hypothetical(text: str, kind: str) -> None:
    facts = read(text)
    found = facts.of_kind(kind)
    assert found and all(f.hypothetical for f in found)
    assert not facts.asserted(kind)


def test_historical_is_still_asserted() -> None:
    fact = only(read("The patient has a history of lumbar fusion."), "surgery")
    assert fact.historical and fact.asserted


def test_family_history_is_not_the_patient() -> None:
    fact = only(read("His mother has depression."), "depression_anxiety")
    assert fact.family and not fact.asserted


def test_planned_surgery_becomes_surgery_planned() -> None:
    facts = read("The treatment plan included arthroscopic surgery of the right knee.")
    assert facts.asserted("surgery_planned")
    assert not facts.asserted("surgery")


def test_ur_decision_sentence_is_not_evidence() -> None:
    text = (
        "On 11-3-16, utilization review determined physical therapy and an MRI of the lumbar "
        "spine were not medically necessary due to no documentation of functional improvement."
    )
    facts = read(text)
    for kind in ("prior_treatment", "imaging_result", "functional_improvement"):
        assert not facts.of_kind(kind), kind


def test_plan_that_continues_states_the_present() -> None:
    facts = read("PLAN: Continue home exercises. Refill Norco 10/325 mg.")
    assert facts.asserted("home_exercise_program")
    assert facts.asserted("current_medication")


def test_section_headers_qualify_findings() -> None:
    text = "HPI: Low back pain.\nFamily history: diabetes and depression.\nPlan: lumbar MRI."
    facts = read(text)
    assert only(facts, "depression_anxiety").family
    assert only(facts, "imaging_result").hypothetical


# --- values and attributes ------------------------------------------------------------------------


def test_demographics_and_injury_date() -> None:
    facts = read(
        "The injured worker is a 48 year old male who sustained an industrial injury on 10-13-16."
    )
    assert facts.value("age") == 48
    assert facts.value("sex") == "male"
    assert facts.value("injury_date") == "2016-10-13"


def test_injury_date_written_out() -> None:
    facts = read("A 56-year-old female with an industrial injury of October 28, 2016.")
    assert facts.value("injury_date") == "2016-10-28"
    assert facts.value("sex") == "female"


@pytest.mark.parametrize(
    ("text", "modality", "sessions", "effect"),
    [
        (
            "He completed 12 sessions of physical therapy with no improvement.",
            "physical therapy",
            12,
            "no_improvement",
        ),
        ("She has had 24 chiropractic visits which helped.", "chiropractic", 24, "improved"),
        ("Treatment included at least five (5) acupuncture treatments.", "acupuncture", 5, None),
        (
            "Treatment to date has included 6 PT (physical therapy) sessions.",
            "physical therapy",
            6,
            None,
        ),
        (
            "Physical therapy 2 times a week for 6 weeks (12 sessions) was given.",
            "physical therapy",
            12,
            None,
        ),
    ],
)
def test_prior_treatment_sessions_and_effect(text, modality, sessions, effect) -> None:
    fact = read(text).asserted("prior_treatment")[0]
    assert fact.value == modality
    assert fact.attributes.get("sessions") == sessions
    assert fact.attributes.get("effect") == effect


def test_failed_treatment_implies_failed_conservative_care() -> None:
    facts = read("He completed 8 sessions of physical therapy which did not help.")
    assert facts.asserted("failed_conservative_care")
    assert read("Conservative treatment has failed.").asserted("failed_conservative_care")
    assert not read("He completed 8 sessions of physical therapy.").of_kind(
        "failed_conservative_care"
    )


def test_medication_and_how_long() -> None:
    fact = only(read("He has been on Norco since 2014."), "current_medication")
    assert fact.value == "hydrocodone/acetaminophen"
    assert fact.attributes["drug_class"] == "opioid"
    assert 28 <= fact.attributes["duration_months"] <= 30
    fact = only(read("She has been taking gabapentin for 6 months."), "current_medication")
    assert fact.attributes["duration_months"] == 6
    assert fact.attributes["drug_class"] == "anticonvulsant"


def test_pain_scores_with_and_without_medication_give_relief() -> None:
    facts = read("Pain is 8/10 without medications and 4/10 with medications.")
    scores = {f.attributes.get("when"): f.value for f in facts.asserted("pain_score")}
    assert scores == {"without_medication": 8, "with_medication": 4}
    assert only(facts, "pain_relief").attributes["percent"] == 50


def test_pain_score_range_and_change() -> None:
    fact = only(read("The pain was rated 6-8 on a 10-point scale."), "pain_score")
    assert (fact.value, fact.attributes["low"]) == (8, 6)
    facts = read("Pain decreased from 8/10 to 5/10.")
    assert only(facts, "pain_score").value == 5
    assert only(facts, "pain_score").attributes["change"] == -3
    assert facts.asserted("pain_relief")


def test_dates_are_not_pain_scores() -> None:
    assert not read("Seen on 10/10/2016 and 12/10/16.").of_kind("pain_score")


def test_percent_pain_relief() -> None:
    assert only(read("She reports 50% pain relief."), "pain_relief").attributes["percent"] == 50
    assert (
        read("Pain relief with medications was 30%.")
        .asserted("pain_relief")[0]
        .attributes["percent"]
        == 30
    )


@pytest.mark.parametrize(
    ("text", "consistent"),
    [
        ("Urine drug screen on 10/1/2016 was consistent with prescribed medications.", True),
        ("A urine drug screen was inconsistent.", False),
        ("A urine toxicology screen was performed.", None),
    ],
)
def test_urine_drug_screen(text: str, consistent: bool | None) -> None:
    fact = only(read(text), "urine_drug_screen")
    assert fact.attributes.get("consistent") is consistent


def test_cures_report_consistency() -> None:
    fact = only(read("The CURES report was consistent with prescribed medications."), "cures_check")
    assert fact.attributes["consistent"] is True


def test_unable_is_not_able() -> None:
    assert not read("He is unable to work with his pain medications.").asserted(
        "functional_improvement"
    )


def test_opioid_monitoring_kinds() -> None:
    facts = read(
        "The CURES report was reviewed and a pain agreement is on file. The 4 A's were "
        "documented. He reports constipation."
    )
    for kind in ("cures_check", "pain_agreement", "four_as", "side_effects"):
        assert facts.asserted(kind), kind


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("Spurling's test was positive on the right.", "spurling", "positive"),
        (
            "Phalen's test was positive bilaterally and Tinel's sign was negative.",
            "phalen",
            "positive",
        ),
        (
            "Phalen's test was positive bilaterally and Tinel's sign was negative.",
            "tinel",
            "negative",
        ),
        ("Straight leg raise was positive at 45 degrees.", "straight_leg_raise", "positive"),
    ],
)
def test_exam_tests(text: str, kind: str, value: str) -> None:
    fact = only(read(text), kind)
    assert fact.value == value
    assert fact.negated is (value == "negative")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Deep tendon reflexes were 1+ at the Achilles.", "reflex_change"),
        ("There was decreased sensation in the L5 dermatome.", "sensory_deficit"),
        ("Motor strength was 4/5 in the left ankle dorsiflexors.", "weakness"),
        ("Moderate weakness was noted.", "weakness"),
    ],
)
def test_neuro_deficits(text: str, kind: str) -> None:
    facts = read(text)
    assert facts.asserted(kind)
    assert facts.asserted("neuro_deficit")


def test_instability_tests() -> None:
    fact = only(read("Negative anterior drawer test of the knee."), "instability")
    assert fact.negated and fact.attributes["result"] == "negative"
    assert read("Lachman's test was positive.").asserted("instability")


def test_negation_inside_parentheses_stays_there() -> None:
    facts = read("Treatment included physical therapy (number of sessions not found) and Tylenol.")
    assert facts.asserted("current_medication")


def test_released_to_full_duty_is_return_to_work() -> None:
    assert read("He was released to full duty with no restrictions.").asserted("return_to_work")


def test_exam_result_in_its_own_clause_wins() -> None:
    facts = read("Motor strength is 4 out of 5, reflexes are 2+ at the Achilles.")
    assert facts.asserted("weakness")
    assert facts.negated("reflex_change") and not facts.asserted("reflex_change")


def test_motor_grade_below_five_is_weakness() -> None:
    facts = read("Left ankle dorsiflexion 4/5 and left great toe extension 4/5.")
    assert facts.asserted("weakness") and facts.asserted("neuro_deficit")
    assert not read("Left ankle dorsiflexion 5/5.").asserted("weakness")


def test_cauda_equina_symptoms_denied() -> None:
    facts = read("He denies bowel or bladder changes and saddle numbness.")
    assert facts.negated("red_flag") and not facts.asserted("red_flag")


def test_note_sentences_are_trimmed() -> None:
    text = "SUBJECTIVE: back pain.\nOBJECTIVE: Decreased sensation in the left L5 dermatome.\n"
    fact = extract_text(text, "pr2").asserted("sensory_deficit")[0]
    assert fact.span.text == text[fact.span.start : fact.span.end]
    assert not fact.span.text[0].isspace() and not fact.span.text[-1].isspace()


def test_no_neurological_deficits() -> None:
    assert read("There were no neurological deficits in the lower extremities.").negated(
        "neuro_deficit"
    )


def test_request_after_a_semicolon_is_hypothetical() -> None:
    facts = read(
        "The following treatment was requested; physical therapy 2 times a week for 4 "
        "weeks (8 sessions) for the right knee."
    )
    assert facts.of_kind("prior_treatment") and not facts.asserted("prior_treatment")


def test_exam_finding_without_result_is_not_a_fact() -> None:
    assert not read("Reflexes were tested.").of_kind("reflex_change")


def test_imaging_and_electrodiagnostic_findings() -> None:
    fact = only(
        read("MRI of the lumbar spine dated 1/2/2016 showed an L4-L5 disc protrusion."),
        "imaging_result",
    )
    assert fact.attributes["modality"] == "MRI"
    assert "disc protrusion" in fact.attributes["finding"]
    fact = only(
        read("EMG/NCV on 3/3/2016 revealed bilateral carpal tunnel syndrome."),
        "electrodiagnostic_result",
    )
    assert "carpal tunnel" in fact.attributes["finding"]


def test_findings_name_the_body_parts_of_their_sentence() -> None:
    fact = only(read("X-ray of the left wrist revealed a distal radius fracture."), "red_flag")
    assert fact.attributes["sentence_body_parts"] == ["wrist"]


def test_surgery_with_date() -> None:
    fact = only(read("He underwent lumbar fusion on 5/5/2015."), "surgery")
    assert fact.attributes["date"] == "2015-05-05"


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("He is working modified duty.", "work_status", "modified duty"),
        ("He remains temporarily totally disabled.", "work_status", "off work"),
        ("It was noted that he had not worked since 10-17-2016.", "work_status", "off work"),
        ("He has returned to work full duty.", "return_to_work", None),
        ("He is a candidate for surgery.", "surgery_planned", None),
        ("He continues a home exercise program.", "home_exercise_program", None),
        ("He has gastritis from NSAIDs.", "gi_risk", None),
        ("The patient reports burning neuropathic pain.", "neuropathic_pain", None),
        ("Trigger points with twitch response were noted.", "myofascial_trigger_points", None),
        ("He reports anxiety.", "depression_anxiety", None),
        ("He has difficulty sleeping.", "insomnia", None),
        ("There was palpable spasm.", "spasm", None),
        ("X-rays show osteoarthritis of the knee.", "osteoarthritis", None),
        ("Atrophy of the quadriceps was noted.", "muscle_atrophy", None),
        ("The shoulder was unstable.", "instability", None),
        ("There was restricted range of motion.", "range_of_motion_limited", None),
        ("The low back pain radiates down the left leg.", "radiculopathy", None),
        ("He reports tingling in the fingers.", "numbness", None),
        ("A fracture of the L1 vertebra was seen.", "red_flag", None),
        ("The patient has chronic low back pain.", "chronic_pain", None),
        (
            "She reported improved ability to perform activities of daily living.",
            "functional_improvement",
            None,
        ),
        ("He can walk 30 minutes longer with medications.", "functional_improvement", None),
        ("With medications she is able to do household chores.", "functional_improvement", None),
        (
            "He is able to work full shifts with his pain medications.",
            "functional_improvement",
            None,
        ),
    ],
)
def test_fact_kinds(text: str, kind: str, value) -> None:
    facts = read(text)
    found = facts.asserted(kind)
    assert found, facts
    if value is not None:
        assert found[0].value == value


def test_body_parts_map_to_design_vocabulary() -> None:
    facts = read(
        "Complaints of neck, low back and right shoulder pain; MRI of the knee to rule out a tear."
    )
    parts = {f.value for f in facts.asserted("body_part")}
    assert parts == {"cervical spine", "lumbar spine", "shoulder", "knee"}


def test_diagnoses_are_listed() -> None:
    facts = read(
        "Diagnoses included lumbar disc displacement, lumbar radiculopathy and possible "
        "cubital tunnel syndrome."
    )
    values = [f.value for f in facts.of_kind("diagnosis")]
    assert values == [
        "lumbar disc displacement",
        "lumbar radiculopathy",
        "possible cubital tunnel syndrome",
    ]
    assert only(facts, "radiculopathy").asserted
    uncertain = [f for f in facts.of_kind("diagnosis") if f.hypothetical]
    assert [f.value for f in uncertain] == ["possible cubital tunnel syndrome"]


# --- spans -------------------------------------------------------------------------------------

SUMMARY = (
    "The injured worker is a 48 year old male who sustained an industrial injury on 10-13-15. "
    "He denies numbness. Straight leg raise was positive on the left. He has completed 12 "
    "sessions of physical therapy with no improvement. Current medications included Norco since "
    "2014. Pain was rated 7/10. On 11-3-16, utilization review determined an MRI was not "
    "medically necessary."
)


def test_spans_point_into_the_text() -> None:
    facts = extract_text(SUMMARY, record_id="rec-7")
    assert facts.facts
    for fact in facts.facts:
        span = fact.span
        assert span is not None
        assert span.record_id == "rec-7"
        assert SUMMARY[span.start : span.end] == span.text
        start, end = fact.attributes["match_start"], fact.attributes["match_end"]
        assert span.start <= start < end <= span.end
        assert SUMMARY[start:end] == fact.attributes["matched"]
    sentence = only(facts, "numbness").span.text
    assert sentence == "He denies numbness."


def test_all_kinds_produced_are_known() -> None:
    facts = extract_text(SUMMARY)
    assert {f.kind for f in facts.facts} <= set(FACT_KINDS)


# --- chronicity and case-level facts -------------------------------------------------------------


def test_chronic_when_more_than_three_months_from_injury() -> None:
    facts = extract_text(SUMMARY)  # injury 2015-10-13, latest date 2016-11-03
    chronic = [f for f in facts.of_kind("chronic_pain") if "months_since_injury" in f.attributes]
    assert chronic and chronic[0].asserted and chronic[0].attributes["months_since_injury"] > 12
    acute = extract_text("Injury on 10-13-16. Seen on 11-3-16 for knee pain.")
    assert acute.negated("chronic_pain")
    assert not acute.asserted("chronic_pain")
    assert acute.negated("chronic_pain")[0].attributes["phase"] == "acute"


@pytest.mark.parametrize(
    ("seen", "phase"),
    [
        ("11-11-16", "acute"),
        ("11-12-16", "subacute"),
        ("01-06-17", "subacute"),
        ("01-07-17", "chronic"),
    ],
)
def test_phase_of_care_from_the_injury_date(seen: str, phase: str) -> None:
    """Acute up to 4 weeks (28 days), subacute to 12 weeks (84 days), then chronic."""
    facts = extract_text(f"Injury on 10-14-16. Seen on {seen} for knee pain.")
    dated = [
        f
        for f in facts.of_kind("chronic_pain")
        if f.attributes.get("derived_from") == "injury_date"
    ]
    assert len(dated) == 1 and dated[0].attributes["phase"] == phase
    assert dated[0].asserted == (phase == "chronic")


def _case(**overrides) -> Case:
    data = {
        "case_number": "CM16-0000001",
        "application_received": "2016-12-01",
        "decision_date": "2016-12-20",
        "worker": {"age": 70, "sex": "female"},
        "injury": {"date": "2016-01-05", "body_parts": ["lumbar spine"]},
        "diagnoses": [{"description": "Lumbar strain", "icd10": "S39.012"}],
        "prior_treatments": ["12 sessions of physical therapy without benefit"],
        "ur_decision": {"date": "2016-11-20"},
        "disputed_items": [{"id": "1", "text": "MRI of the lumbar spine"}],
    }
    data.update(overrides)
    return Case.model_validate(data)


def test_extract_reads_records_and_case() -> None:
    records = [
        MedicalRecord(
            id="pr2-b",
            type="pr2",
            date=dt.date(2016, 11, 1),
            text="He denies numbness. Reflexes were 1+ at the knee.",
        ),
        MedicalRecord(
            id="pr2-a",
            type="pr2",
            date=dt.date(2016, 10, 1),
            text="Pain was rated 8/10. He has been on Norco since 2014.",
        ),
    ]
    facts = extract(records, _case())
    assert facts.value("age") == 70 and facts.value("sex") == "female"
    assert facts.asserted("gi_risk")  # age over 65
    assert facts.value("injury_date") == "2016-01-05"
    assert facts.asserted("chronic_pain")  # injury to decision date: over 11 months
    assert facts.negated("numbness")[0].span.record_id == "pr2-b"
    med = facts.asserted("current_medication")[0]
    # "since 2014" counts from mid-2014 to the note's own date (2016-10-01)
    assert med.span.record_id == "pr2-a" and 26 <= med.attributes["duration_months"] <= 28
    pt = facts.asserted("prior_treatment")[0]
    assert pt.attributes["sessions"] == 12 and pt.attributes["effect"] == "no_improvement"
    assert facts.asserted("failed_conservative_care")
    diagnoses = facts.asserted("diagnosis")
    assert diagnoses[0].attributes["icd10"] == "S39.012"


def test_extract_reads_a_case_summary() -> None:
    case = _case(summary="Straight leg raise was positive on the right.", records=[])
    facts = extract([], case)
    assert facts.asserted("straight_leg_raise")[0].span.record_id == "summary"


def test_empty_text_gives_no_facts() -> None:
    assert extract_text("   ").facts == []


def test_treatment_courses_do_not_double_count() -> None:
    facts = read(
        "Treatment to date included 12 sessions of physical therapy and acupuncture. She "
        "completed 12 physical therapy visits with no improvement. Acupuncture helped. "
        "The plan is 6 more sessions of physical therapy."
    )
    courses = treatment_courses(facts)
    assert set(courses) == {"physical therapy", "acupuncture"}
    assert courses["physical therapy"].sessions == 12
    assert courses["physical therapy"].effect == "no_improvement"
    assert courses["acupuncture"].effect == "improved"


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        ("Positive Speed's, Yergason's and O'Brien's tests of the right shoulder.", False),
        ("McMurray's test was positive on the right knee.", False),
        ("Drop arm test positive.", False),
        ("Negative McMurray's test of the left knee.", True),
        ("There was no positive empty can test.", True),
        ("There was a negative Neer's test, Hawkins' test, and O'Brien's test.", True),
    ],
)
def test_tear_provocation_tests_are_read_with_their_result(text: str, negated: bool) -> None:
    found = read(text).of_kind("tear_sign")
    assert found and all(f.negated is negated for f in found)


@pytest.mark.parametrize(
    "text",
    [
        "Positive Hawkins and Neer impingement signs of the right shoulder.",  # impingement, not a tear
        "Positive Speed's test of the right shoulder.",  # biceps tendon, not a tear
        "McMurray's test was performed on the right knee.",  # no result stated
        "Gait speed, balance and cadence were reduced.",
        "Apley scratch test was limited.",
        "Dr. O'Brien noted a positive response to therapy.",  # a name, not the test
    ],
)
def test_what_is_not_a_tear_sign(text: str) -> None:
    assert not read(text).of_kind("tear_sign")


@pytest.mark.parametrize(
    "text",
    [
        "There was no positive Spurling's test.",
        "Without a positive Spurling's test.",
        "There was not a positive Spurling's test.",
    ],
)
def test_a_negated_positive_is_a_negative_result(text: str) -> None:
    facts = read(text)
    assert facts.negated("spurling") and not facts.asserted("spurling")


@pytest.mark.parametrize(
    ("text", "kind", "negated"),
    [
        ("Right knee: Apley grind +, McMurray +, Lachman negative.", "tear_sign", False),
        ("Reflexes were 2+ and symmetric; Spurling's test was negative.", "spurling", True),
        (
            "Negative Spurling's; straight leg raise could not be performed due to pain.",
            "spurling",
            True,
        ),
    ],
)
def test_plus_signs_and_tests_not_done(text: str, kind: str, negated: bool) -> None:
    found = read(text).of_kind(kind)
    assert found and all(f.negated is negated for f in found)


@pytest.mark.parametrize(
    "text",
    ["Spurling's test was deferred.", "Straight leg raise could not be performed due to pain."],
)
def test_a_test_not_done_is_no_finding(text: str) -> None:
    facts = read(text)
    assert not facts.of_kind("spurling") and not facts.of_kind("straight_leg_raise")
