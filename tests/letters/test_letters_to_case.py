"""A parsed letter as a Case: what it reads, its fallbacks, and what it must never read."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from openimr.letters.model import ParsedItem, ParsedLetter
from openimr.letters.parse import parse_letter
from openimr.letters.to_case import (
    body_parts_from_summary,
    diagnoses_from_summary,
    prior_treatments_from_summary,
    to_case,
    worker_from_summary,
)

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("OPENIMR_SHARED", REPO / ".." / "shared")).resolve()
SEED = SHARED / "data" / "seed" / "imr-final-determination-2015-massage.txt"
PDFS = SHARED / "data" / "dwc-imr-letters" / "pdf"

SUMMARY = (
    "The injured worker is a 48 year old male who sustained an industrial injury on 10-13-16."
    " The injured worker was being treated for the diagnoses of right shoulder contusion, neck"
    " strain and right arm paresthesias. On 11-3-16, utilization review denied the MRI."
)


def _letter(**changes: object) -> ParsedLetter:
    base = ParsedLetter(
        case_number="CM16-0213037",
        date_assigned="11/09/2016",
        date_of_injury="10/13/2016",
        decision_date="12/09/2016",
        ur_denial_date="11/03/2016",
        priority="Standard",
        application_received="11/03/2016",
        reviewer_licensure="California",
        reviewer_specialty="Family Practice",
        clinical_case_summary=SUMMARY,
        items=[
            ParsedItem(
                treatment="MRI of the right shoulder",
                decision="Upheld",
                maximus_guideline="Decision based on MTUS Shoulder Complaints 2004.",
                decision_rationale="Not medically necessary.",
            )
        ],
        format="format_2016",
    )
    return base.model_copy(update=changes)


def test_fields_from_header_and_summary() -> None:
    case = to_case(_letter())
    assert case.case_number == "CM16-0213037"
    assert case.injury.date == dt.date(2016, 10, 13)
    assert case.ur_decision.date == dt.date(2016, 11, 3)
    assert case.application_received == dt.date(2016, 11, 3)
    assert (case.worker.age, case.worker.sex) == (48, "male")
    assert [d.description for d in case.diagnoses] == [
        "right shoulder contusion",
        "neck strain",
        "right arm paresthesias",
    ]
    assert case.summary == SUMMARY
    [record] = case.records
    assert (record.id, record.type, record.text) == ("summary", "other", SUMMARY)
    assert case.injury.body_parts == ["cervical spine", "shoulder"]
    assert [i.text for i in case.disputed_items] == ["MRI of the right shoulder"]
    assert case.priority == "regular"


def test_never_reads_decision_guideline_or_rationale() -> None:
    decided = _letter()
    other = decided.model_copy(
        update={
            "items": [
                ParsedItem(
                    treatment="MRI of the right shoulder",
                    decision="Overturned",
                    claims_administrator_guideline="something else",
                    maximus_guideline="ODG",
                    decision_rationale="The request is medically necessary.",
                )
            ]
        }
    )
    blinded = decided.model_copy(
        update={"items": [ParsedItem(treatment="MRI of the right shoulder")]}
    )
    assert to_case(decided) == to_case(other) == to_case(blinded)


def test_seed_letter_without_header_gets_documented_fallbacks() -> None:
    if not SEED.is_file():
        pytest.skip("seed letter not found")
    case = to_case(parse_letter(SEED))
    assert case.case_number.startswith("CM00-")  # no case number printed: a stable stand-in
    assert case.case_number == to_case(parse_letter(SEED)).case_number
    assert case.injury.date == dt.date(2012, 1, 24)  # "... lower back on 1/24/12"
    assert case.ur_decision.date == dt.date(2014, 12, 19)  # "Utilization Review on 12/19/14"
    assert case.worker.sex == "female" and case.worker.age == 65
    assert "carpal tunnel syndrome" in [d.description for d in case.diagnoses]


def test_out_of_order_and_missing_dates_never_crash() -> None:
    case = to_case(
        _letter(
            ur_denial_date="01/01/2010",
            application_received=None,
            date_assigned="13/45/2016",
            clinical_case_summary=None,
        )
    )
    assert case.ur_decision.date == case.injury.date == dt.date(2016, 10, 13)
    assert case.application_received == case.ur_decision.date
    assert case.date_assigned is None and case.records == [] and case.summary is None
    empty = to_case(ParsedLetter(format="format_2016", items=[ParsedItem(treatment="Norco #60")]))
    assert empty.disputed_items[0].text == "Norco #60"


def test_partial_authorization_is_a_modified_ur_item() -> None:
    text = (
        "Norco 10/325mg #60 was the original request. Norco 10/325mg #25 was authorized by the"
        " Claims Administrator. The remaining IMR eligible portion of the original request,"
        " Norco 10/325mg #35 is"
    )
    case = to_case(_letter(items=[ParsedItem(treatment=text)]))
    [ur_item] = case.ur_decision.items
    assert ur_item.outcome == "modified" and ur_item.authorized == "Norco 10/325mg #25"


def test_every_dev_letter_becomes_a_case() -> None:
    pdfs = sorted(PDFS.glob("*.pdf"))[::6]
    if not pdfs:
        pytest.skip("dev letters not found")
    from openimr.letters.blind import blind_text
    from openimr.letters.parse import parse_text
    from openimr.letters.pdftext import pdf_text

    for pdf in pdfs:
        text = pdf_text(pdf.read_bytes())
        letter = parse_text(text)
        case = to_case(letter)
        assert len(case.disputed_items) == len(letter.items)
        assert case.worker.age is not None
        assert to_case(parse_text(blind_text(text))) == case  # the outcome plays no part


def test_summary_helpers() -> None:
    assert worker_from_summary("This is a 24 year old female with a date of injury").sex == "female"
    assert worker_from_summary("no age here").age is None
    assert [
        d.description
        for d in diagnoses_from_summary(
            "He was diagnosed as having right elbow medial epicondylitis. Treatment followed."
        )
    ] == ["right elbow medial epicondylitis"]


def test_prior_treatments_and_body_parts_from_summary() -> None:
    summary = (
        "This 65-year-old female worker sustained injuries to her bilateral shoulders, bilateral"
        " wrists and hands, neck and lower back on 1/24/12. Previous treatments include"
        " medications, local heat application, rest, physical therapy and surgery."
    )
    assert prior_treatments_from_summary(summary) == [
        "medications",
        "local heat application",
        "rest",
        "physical therapy",
        "surgery",
    ]
    # in the order of the DESIGN body-part vocabulary (the anatomy table's rows)
    assert body_parts_from_summary(summary) == [
        "cervical spine",
        "lumbar spine",
        "shoulder",
        "wrist",
        "hand",
    ]
    assert prior_treatments_from_summary("No treatment is documented.") == []
