"""Audit checks: each code fires on a letter that has the defect and stays quiet on one without."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from openimr.letters.audit import audit, item_quantities, rationale_conclusion
from openimr.letters.model import ParsedItem, ParsedLetter
from openimr.letters.parse import parse_letter
from openimr.letters.parse.common import split_citations

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("OPENIMR_SHARED", REPO / ".." / "shared")).resolve()
SEED = SHARED / "data" / "seed" / "imr-final-determination-2015-massage.txt"
LABELS = REPO / "tests" / "data" / "audit_labels.jsonl"

MRI_SHOULDER = "Decision based on MTUS Shoulder Complaints 2004, Section(s): Special Studies."


def _item(
    treatment: str = "MRI of the right shoulder",
    decision: str = "Upheld",
    guideline: str = MRI_SHOULDER,
    rationale: str = "There are no red flags. The request is not medically necessary.",
) -> ParsedItem:
    return ParsedItem(
        treatment=treatment,
        decision=decision,
        maximus_guideline=guideline,
        decision_rationale=rationale,
        citations=split_citations(guideline),
        no_evidence_cited="did not cite" in guideline,
    )


def _letter(
    *items: ParsedItem,
    summary: str = "Right shoulder pain; an MRI was requested.",
    specialty: str = "Orthopedic Surgery",
    documents: list[str] | None = None,
    fmt: str = "format_2016",
) -> ParsedLetter:
    return ParsedLetter(
        clinical_case_summary=summary,
        reviewer_specialty=specialty,
        items=list(items),
        format=fmt,
        documents_reviewed=documents,
    )


def _codes(letter: ParsedLetter) -> list[tuple[str, int | None]]:
    return [(f.code, f.item) for f in audit(letter).findings]


def test_clean_letter_has_no_findings() -> None:
    assert _codes(_letter(_item())) == []


def test_seed_summary_about_physical_therapy_item_about_massage() -> None:
    if not SEED.is_file():
        pytest.skip("seed letter not found")
    findings = audit(parse_letter(SEED)).findings
    assert [(f.code, f.item) for f in findings] == [("SUMMARY_TREATMENT_MISMATCH", 1)]
    assert "massage" in findings[0].message and "physical therapy" in findings[0].message


def test_decision_contradicted_by_rationale() -> None:
    upheld = _item(rationale="Imaging is indicated. Therefore, the request is medically necessary.")
    overturned = _item(decision="Overturned")
    assert _codes(_letter(upheld, overturned)) == [
        ("DECISION_CONTRADICTS_RATIONALE", 1),
        ("DECISION_CONTRADICTS_RATIONALE", 2),
    ]
    [finding] = audit(_letter(upheld)).findings
    assert finding.severity == "error"


@pytest.mark.parametrize(
    ("rationale", "necessary"),
    [
        ("As such, the request is not medically necessary.", False),
        ("The request for diazepam is not-medically necessary.", False),
        ("MRI of the knee without contrast is medically necessary.", True),
        ("Medical necessity has not been established.", False),
        ("Therapy is not a medical necessity at this time.", False),
        (
            "The request is not medically necessary. The physician and the patient are advised to"
            " consult the guidelines regarding the most appropriate method for weaning.",
            False,
        ),
        ("Records were reviewed.", None),
    ],
)
def test_rationale_conclusion(rationale: str, necessary: bool | None) -> None:
    assert rationale_conclusion(rationale) is necessary


def test_no_guideline_cited() -> None:
    letter = _letter(
        _item(guideline="The Expert Reviewer did not cite any medical evidence for its decision.")
    )
    assert _codes(letter) == [("NO_GUIDELINE_CITED", 1)]


def test_blinded_item_is_not_judged() -> None:
    assert _codes(_letter(ParsedItem(treatment="MRI of the right shoulder"))) == []


def test_citation_for_another_body_part() -> None:
    knee = _item(
        treatment="Left knee MRI without contrast",
        guideline="Decision based on MTUS Low Back Complaints 2004, Section(s): Special Studies.",
    )
    letter = _letter(knee, summary="Left knee pain after a fall; an MRI was requested.")
    [finding] = audit(letter).findings
    assert (finding.code, finding.item) == ("CITATION_MISMATCH", 1)
    assert "body part" in finding.message


def test_citation_for_another_treatment_but_not_when_one_citation_fits() -> None:
    wrong = "Decision based on MTUS Acupuncture Treatment 2007."
    right = (
        wrong + " Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): Massage."
    )
    summary = "Low back pain. Myofascial release was requested."
    treatment = "Myofascial release to the low back x 6"
    assert _codes(_letter(_item(treatment, guideline=wrong), summary=summary)) == [
        ("CITATION_MISMATCH", 1)
    ]
    assert _codes(_letter(_item(treatment, guideline=right), summary=summary)) == []


def test_summary_mismatch_silenced_by_a_brand_name_or_a_family_word() -> None:
    cream = _item(
        "Anecream cream 4% #30",
        guideline="Decision based on MTUS Chronic Pain Medical"
        " Treatment 2016, Section(s): Topical analgesics.",
    )
    named = "He takes naproxen and physical therapy. The patient was to stop AneCream."
    assert _codes(_letter(cream, summary=named)) == []
    xray = _item(
        "X-rays of the lumbar spine",
        guideline="Decision based on MTUS Low Back Complaints 2004, Section(s): Special Studies.",
    )
    assert (
        _codes(_letter(xray, summary="Physical therapy helped. Imaging studies were denied.")) == []
    )
    assert _codes(_letter(xray, summary="Physical therapy helped. Acupuncture was denied.")) == [
        ("SUMMARY_TREATMENT_MISMATCH", 1)
    ]


def test_quantity_in_rationale_differs_from_item() -> None:
    item = _item(
        "Massage therapy 2 times a week for 6 weeks",
        guideline="Decision based on MTUS Chronic Pain Medical Treatment 2016,"
        " Section(s): Massage therapy.",
        rationale="The request for 8 visits exceeds the guideline. The request is not"
        " medically necessary.",
    )
    summary = "Wrist pain; massage therapy requested."
    assert _codes(_letter(item, summary=summary)) == [("QUANTITY_MISMATCH", 1)]
    same = item.model_copy(
        update={
            "decision_rationale": "The request as written for a total of"
            " 12 visits exceeds the guideline. It is not medically necessary."
        }
    )
    assert _codes(_letter(same, summary=summary)) == []


def test_item_quantities() -> None:
    assert item_quantities("Physical therapy 2 times a week for 6 weeks") == {12, 6}
    assert item_quantities("Norco 10/325mg #60") == {60}
    assert item_quantities("Two physical therapy sessions for the lumbar") == {2}


def test_specialty_unrelated_to_category() -> None:
    surgery = _item(
        "Right shoulder arthroscopy with rotator cuff repair",
        guideline="Decision based on MTUS Shoulder Complaints 2004, Section(s):"
        " Surgical Considerations.",
    )
    summary = "Rotator cuff tear; arthroscopic repair requested."
    assert _codes(_letter(surgery, summary=summary, specialty="Family Practice")) == [
        ("SPECIALTY_UNRELATED", 1)
    ]
    # one related specialty among several is enough; an unknown one says nothing
    assert (
        _codes(_letter(surgery, summary=summary, specialty="Family Practice, Orthopedic Surgery"))
        == []
    )
    assert (
        _codes(_letter(surgery, summary=summary, specialty="Family Practice, Hand Surgery")) == []
    )


def test_documents_reviewed_missing_only_where_the_format_has_the_section() -> None:
    assert _codes(_letter(_item(), fmt="format_2018", documents=[])) == [
        ("DOCUMENTS_REVIEWED_MISSING", None)
    ]
    assert _codes(_letter(_item(), fmt="format_2018", documents=["IMR application"])) == []
    assert _codes(_letter(_item(), fmt="format_2016", documents=None)) == []


def test_labels_file_is_well_formed_and_large_enough() -> None:
    rows = [json.loads(line) for line in LABELS.read_text().splitlines()]
    assert len([r for r in rows if "dwc-imr-letters" in r["letter"]]) >= 30
    for row in rows:
        assert {"letter", "findings", "note"} <= set(row)
        for finding in row["findings"]:
            assert isinstance(finding["item"], int) and finding["code"].isupper()
