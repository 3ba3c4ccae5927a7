"""CLINICAL CASE SUMMARY and DOCUMENTS REVIEWED written from case data."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from openimr.engine.summary import describe_record, documents_reviewed, summarize_case
from openimr.intake import load_case, parse_case_data

REPO = Path(__file__).resolve().parents[2]

PR2_TEXT = """SUBJECTIVE: Right knee pain 6/10 after a fall from a ladder. Swelling after standing.
OBJECTIVE: Medial joint line tenderness. McMurray test positive. Flexion 110 degrees.
DIAGNOSES: Right knee medial meniscus tear.
PLAN: Request MRI of the right knee. Continue ibuprofen. Modified duty.
"""

BASE: dict[str, Any] = {
    "case_number": "CM16-0200001",
    "application_received": "2016-05-02",
    "date_assigned": "2016-05-06",
    "worker": {"age": 18, "sex": "male", "occupation": "Stock clerk"},
    "injury": {"date": "2016-02-01", "body_parts": ["knee"], "mechanism": "a fall from a ladder"},
    "diagnoses": [
        {"description": "Right knee medial meniscus tear"},
        {"description": "Knee sprain"},
    ],
    "prior_treatments": ["Medications", "physical therapy", "knee brace"],
    "parties": {
        "ur_organization": "Example Review Co",
        "treating_providers": [
            {
                "name": "Treating physician K, MD",
                "specialty": "Orthopedic Surgery",
                "requesting": True,
            }
        ],
    },
    "ur_decision": {
        "date": "2016-04-12",
        "items": [
            {
                "treatment": "MRI of the right knee",
                "outcome": "denied",
                "guideline": "MTUS Knee Complaints 2004",
            },
        ],
    },
    "disputed_items": [{"id": "item-1", "text": "MRI of the right knee"}],
    "records": [
        {
            "id": "pr2-a",
            "type": "pr2",
            "date": "2016-03-01",
            "author": "Treating physician K, MD",
            "author_specialty": "Orthopedic Surgery",
            "text": "SUBJECTIVE: Early visit. Pain 8/10.",
        },
        {
            "id": "pr2-b",
            "type": "pr2",
            "date": "2016-03-29",
            "author": "Treating physician K, MD",
            "author_specialty": "Orthopedic Surgery",
            "text": PR2_TEXT,
        },
        {"id": "rfa-1", "type": "rfa", "date": "2016-03-30", "text": "RFA: MRI of the right knee."},
        {
            "id": "pr2-late",
            "type": "pr2",
            "date": "2016-06-20",
            "text": "SUBJECTIVE: After review.",
        },
    ],
}


def make_case(**changes: Any):  # type: ignore[no-untyped-def]
    data = copy.deepcopy(BASE)
    data.update(changes)
    return parse_case_data(data, "test")


def test_summary_opens_in_the_letters_style() -> None:
    text = summarize_case(make_case(), dt.date(2016, 5, 20))
    assert text.startswith(
        "The injured worker is an 18 year old male stock clerk who sustained an industrial injury "
        "on 02/01/2016 to the knee."
    )
    assert "The mechanism of injury was reported as a fall from a ladder." in text
    assert "diagnosed with right knee medial meniscus tear and knee sprain." in text
    assert "Treatment to date has included medications, physical therapy and knee brace." in text


def test_summary_describes_the_latest_records_briefly_and_in_date_order() -> None:
    text = summarize_case(make_case(), dt.date(2016, 5, 20))
    early = text.index("According to the PR-2 progress report dated 03/01/2016")
    late = text.index("According to the PR-2 progress report dated 03/29/2016")
    assert early < late
    assert "Medial joint line tenderness." in text and "Request MRI of the right knee." in text
    # the diagnosis list is already stated; records after the review date are not yet in the file
    assert "DIAGNOSES" not in text and "After review" not in text
    assert "RFA:" not in text


def test_summary_ends_with_the_request_and_the_ur_decision() -> None:
    text = summarize_case(make_case(), dt.date(2016, 5, 20))
    last = text.split("\n\n")[-1]
    assert last == (
        "The treating provider (Orthopedic Surgery) requested MRI of the right knee. On "
        "04/12/2016, utilization review non-certified MRI of the right knee, citing MTUS Knee "
        "Complaints 2004."
    )


def test_modified_and_conditional_ur_decisions() -> None:
    modified = make_case(
        ur_decision={
            "date": "2016-04-12",
            "items": [
                {
                    "treatment": "Physical therapy x 12",
                    "outcome": "modified",
                    "authorized": "physical therapy x 6",
                }
            ],
        }
    )
    assert "utilization review modified Physical therapy x 12, certifying physical therapy x 6" in (
        summarize_case(modified)
    )
    cnc = make_case(ur_decision={"date": "2016-04-12", "conditional_non_certification": True})
    assert "conditionally non-certified" in summarize_case(cnc)


def test_partial_authorization_request_names_the_original_request() -> None:
    text = (
        "Norco 10/325mg #60 was the original request. Norco 10/325mg #25 was authorized. The "
        "remaining IMR eligible portion of the original request, Norco 10/325mg #35"
    )
    case = make_case(disputed_items=[{"id": "item-1", "text": text}])
    assert "requested Norco 10/325mg #60." in summarize_case(case)


def test_a_case_from_a_published_letter_keeps_its_own_summary() -> None:
    case = make_case(records=[], summary="This is a 50 year old woman with neck pain.")
    assert summarize_case(case) == "This is a 50 year old woman with neck pain."


def test_minimal_case_still_reads() -> None:
    case = make_case(
        worker={}, diagnoses=[], prior_treatments=[], records=[], injury={"date": "2016-02-01"}
    )
    text = summarize_case(case)
    assert text.startswith("The injured worker sustained an industrial injury on 02/01/2016.")


def test_documents_reviewed_lists_application_ur_and_records_by_date() -> None:
    docs = [d.description for d in documents_reviewed(make_case())]
    assert docs[0] == "Application for Independent Medical Review, received 05/02/2016"
    assert docs[1] == "Utilization review determination, Example Review Co, 04/12/2016"
    assert (
        docs[2] == "PR-2 progress report, Treating physician K, MD (Orthopedic Surgery), 03/01/2016"
    )
    assert docs[4] == "Request for authorization, 03/30/2016"
    assert len(docs) == 6


def test_documents_reviewed_omits_the_ur_letter_when_not_attached() -> None:
    docs = [d.description for d in documents_reviewed(make_case(ur_decision_attached=False))]
    assert not any(d.startswith("Utilization review") for d in docs)


def test_describe_record_without_author() -> None:
    case = make_case()
    assert describe_record(case.records[-1]) == "PR-2 progress report, 06/20/2016"


def test_seed_example_summary_matches_the_seed_letter_facts() -> None:
    case = load_case(REPO / "examples" / "cases" / "massage-right-wrist.yaml")
    text = summarize_case(case)
    for phrase in (
        "65 year old female",
        "01/24/2012",
        "carpal tunnel syndrome",
        "cervical syndrome with radiculopathy",
        "bilateral rotator cuff syndrome",
        "lumbosacral syndrome with sciatica",
        "medications, local heat application, rest, physical therapy and surgery",
        "On 12/19/2014, utilization review modified",
        "certifying physical therapy 2 times a week for 4 weeks to the right wrist",
    ):
        assert phrase in text


def test_record_without_section_labels_gives_its_opening_sentences() -> None:
    text = (
        "Patient seen for knee pain. Exam shows effusion. Plan is MRI. Follow up in two weeks. "
        "Extra sentence."
    )
    records = [{"id": "n1", "type": "consult", "date": "2016-03-10", "text": text}]
    summary = summarize_case(make_case(records=records))
    assert (
        "According to the consultation report dated 03/10/2016: Patient seen for knee pain. "
        "Exam shows effusion. Plan is MRI." in summary
    )
    assert "Follow up" not in summary


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=0, max_size=400))
def test_any_record_text_gives_a_bounded_summary(text: str) -> None:
    records = [{"id": "r1", "type": "pr2", "date": "2016-03-10", "text": text}]
    summary = summarize_case(make_case(records=records))
    assert summary.startswith("The injured worker is")
    assert summary.rstrip().endswith(".")
    assert len(summary) < 2000
