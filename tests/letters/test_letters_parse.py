"""Parsing by format, the hard cases, and bad input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from openimr.errors import InputError, NotFoundError
from openimr.letters.parse import detect_format, parse_letter, parse_text
from openimr.letters.parse.common import split_citation, split_citations

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("OPENIMR_SHARED", REPO / ".." / "shared")).resolve()
SEED = SHARED / "data" / "seed" / "imr-final-determination-2015-massage.txt"

HEADER = """Case Number: CM16-0000001
Date Assigned: 11/09/2016 Date of Injury:  10/13/2016
Decision Date: 12/09/2016 UR Denial Date:  11/03/2016
Priority:  Standard Application
Received:
11/03/2016

HOW THE IMR FINAL DETERMINATION WAS MADE
MAXIMUS Federal Services sent the complete case file to an expert reviewer.

The Expert Reviewer has the following credentials:
State(s) of Licensure: California
Certification(s)/Specialty: Orthopedic Surgery

CLINICAL CASE SUMMARY
The expert reviewer developed the following clinical case summary based on a review of the
case file, including all medical records:

The injured worker is a 50 year old male who sustained an industrial injury on 10-13-16. He
was diagnosed with lumbar strain. Physical therapy and acupuncture were requested.

IMR ISSUES, DECISIONS AND RATIONALES
The Final Determination was based on decisions for the disputed items/services set forth below:

"""


def item(
    header: str, decision: str, rationale: str = "The request is not medically necessary."
) -> str:
    return f"""{header}: {decision}

Claims Administrator guideline: Decision based on MTUS Low Back Complaints 2004.

MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s):
Physical medicine treatment.

Decision rationale: {rationale}

"""


def test_seed_letter_parses_as_2014_format_with_pages() -> None:
    if not SEED.is_file():
        pytest.skip("seed letter not found")
    letter = parse_letter(SEED)
    assert letter.format == "format_2014"
    assert letter.case_number is None and letter.decision_date is None  # printed without header
    assert letter.reviewer_specialty == "Emergency Medicine"
    assert letter.reviewer_licensure == "California"
    assert letter.clinical_case_summary.startswith("This 65-year-old female worker")
    [massage] = letter.items
    assert massage.treatment == "Massage Therapy 2 Times A Week for 6 Weeks to The Right Wrist"
    assert massage.decision == "Upheld"
    assert massage.decision_rationale.endswith("is therefore not medically necessary.")
    [citation] = massage.citations
    assert citation.guideline == "MTUS Chronic Pain Treatment Guidelines"
    assert citation.section == "Massage therapy; Physical medicine"
    assert citation.pages == "60; 98-99"
    assert citation.source == "MTUS"


def test_header_fields_and_several_items() -> None:
    text = (
        HEADER
        + item("Physical therapy 2 times a week for 4 weeks", "Upheld")
        + item(
            "Acupuncture x6 for the low back", "Overturned", "The request is medically necessary."
        )
    )
    letter = parse_text(text)
    assert letter.format == "format_2016"
    assert letter.case_number == "CM16-0000001"
    assert (letter.date_assigned, letter.date_of_injury) == ("11/09/2016", "10/13/2016")
    assert (letter.decision_date, letter.ur_denial_date) == ("12/09/2016", "11/03/2016")
    assert (letter.priority, letter.application_received) == ("Standard", "11/03/2016")
    assert [i.decision for i in letter.items] == ["Upheld", "Overturned"]
    assert letter.items[1].treatment == "Acupuncture x6 for the low back"
    assert letter.items[0].claims_administrator_guideline == (
        "Decision based on MTUS Low Back Complaints 2004."
    )
    assert letter.items[0].citations[0].section == "Physical medicine treatment"
    assert letter.items[0].claims_administrator_citations[0].guideline == (
        "MTUS Low Back Complaints 2004"
    )


def test_item_header_split_across_a_page_break_with_blank_lines() -> None:
    header = (
        "Norco 10/325mg #60 was the original request. Norco 10/325mg #25 was authorized by the\n"
        "Claims Administrator. The remaining IMR eligible portion of the original request, Norco\n"
        "\n\f\n"
        "10/325mg #35 is: Upheld"
    )
    text = (
        HEADER
        + item("Physical therapy x 6", "Upheld")
        + header
        + "\n\n"
        + item("Tramadol 50mg #60", "Upheld").split(": Upheld", 1)[1].lstrip()
    )
    letter = parse_text(text)
    assert len(letter.items) == 2
    partial = letter.items[1]
    assert partial.treatment.startswith("Norco 10/325mg #60 was the original request.")
    assert partial.treatment.endswith("the original request, Norco 10/325mg #35 is")
    assert partial.partial_authorization
    assert letter.items[0].decision_rationale == "The request is not medically necessary."


def test_decision_word_alone_on_the_next_line_and_page() -> None:
    text = HEADER + item(
        "MRI of the lumbar spine without contrast and with\ngadolinium:\n\f\nUpheld", ""
    ).replace(": :", ":")
    text = text.replace("gadolinium:\n\f\nUpheld: ", "gadolinium:\n\f\nUpheld")
    letter = parse_text(text)
    [mri] = letter.items
    assert mri.treatment == "MRI of the lumbar spine without contrast and with gadolinium"
    assert mri.decision == "Upheld"


def test_page_furniture_in_the_middle_of_text_is_dropped() -> None:
    rationale = (
        "Guidelines support a short course.\nPage 2 of 3\n\f\n"
        "Final Determination Letter for IMR Case Number CM16-0000001\nThe request is not"
        " medically necessary."
    )
    letter = parse_text(HEADER + item("Physical therapy x 6", "Upheld", rationale))
    assert letter.items[0].decision_rationale == (
        "Guidelines support a short course. The request is not medically necessary."
    )


def test_items_without_blank_lines_between_them() -> None:
    body = (
        "Physical therapy x 6: Upheld\n"
        "Claims Administrator guideline: Decision based on MTUS.\n"
        "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016,"
        " Section(s): Physical medicine.\n"
        "Decision rationale: Six visits exceed what is needed.\nThe request is not medically"
        " necessary.\n"
        "Acupuncture two times a week for three\nweeks: Overturned\n"
        "Claims Administrator guideline: Decision based on MTUS Acupuncture Treatment 2007.\n"
        "MAXIMUS guideline: Decision based on MTUS Acupuncture Treatment 2007.\n"
        "Decision rationale: The request is medically necessary.\n"
    )
    letter = parse_text(HEADER.replace("\n\n", "\n") + body)
    assert [i.treatment for i in letter.items] == [
        "Physical therapy x 6",
        "Acupuncture two times a week for three weeks",
    ]
    assert letter.items[0].decision_rationale == (
        "Six visits exceed what is needed. The request is not medically necessary."
    )


def test_no_medical_evidence_cited() -> None:
    body = item("Physical therapy x 6", "Upheld").replace(
        "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s):\nPhysical"
        " medicine treatment.",
        "The Expert Reviewer did not cite any medical evidence for its decision.",
    )
    [only] = parse_text(HEADER + body).items
    assert only.no_evidence_cited and only.citations == []
    assert only.maximus_guideline == (
        "The Expert Reviewer did not cite any medical evidence for its decision."
    )


def test_blinded_letter_items_read_pending_with_null_decision() -> None:
    text = HEADER + "Physical therapy x 6: Pending\n\nAcupuncture x 6 for the\nlow back: Pending\n"
    letter = parse_text(text)
    assert letter.blinded
    assert [(i.treatment, i.decision) for i in letter.items] == [
        ("Physical therapy x 6", None),
        ("Acupuncture x 6 for the low back", None),
    ]
    assert letter.contract_dict()["items"][0]["decision_rationale"] is None


def test_many_items() -> None:
    text = HEADER + "".join(item(f"Drug number {n} #30", "Upheld") for n in range(1, 22))
    letter = parse_text(text)
    assert [i.treatment for i in letter.items] == [f"Drug number {n} #30" for n in range(1, 22)]


def test_later_format_with_documents_reviewed() -> None:
    text = (
        "MAXIMUS FEDERAL SERVICES, INC. Independent Medical Review\n"
        + HEADER.split("CLINICAL CASE SUMMARY")[0]
        + "DOCUMENTS REVIEWED\nApplication for Independent Medical Review\n"
        "Utilization Review Determination dated 11/03/2016\n"
        "Medical records from Dr. A, 10/13/2016 - 11/01/2016, including progress\n"
        "notes and imaging\n\n"
        + "CLINICAL CASE SUMMARY"
        + HEADER.split("CLINICAL CASE SUMMARY")[1].split("IMR ISSUES")[0]
        + "IMR DECISION(S) AND RATIONALE(S)\n\n"
        + item("Physical therapy x 6", "Overturned", "The request is medically necessary.")
    )
    assert detect_format(text) == "format_2018"
    letter = parse_text(text)
    assert letter.documents_reviewed == [
        "Application for Independent Medical Review",
        "Utilization Review Determination dated 11/03/2016",
        "Medical records from Dr. A, 10/13/2016 - 11/01/2016, including progress notes and imaging",
    ]
    assert letter.clinical_case_summary.startswith("The injured worker is a 50 year old male")
    assert letter.items[0].decision == "Overturned"


NOTICE_2013 = """MAXIMUS FEDERAL SERVICES, INC.
Notice of Independent Medical Review Determination
Dated: 08/12/2013
MAXIMUS Case Number: CM13-0001234
Date of Injury: 02/02/2011
UR Denial Date: 06/01/2013
IMR Application Received: 06/20/2013

1. MAXIMUS Federal Services, Inc. has determined the request for physical therapy 12
sessions is not medically necessary and appropriate.
2. MAXIMUS Federal Services, Inc. has determined the request for Naproxen 550mg #60 is
medically necessary and appropriate.

INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE
Medical Qualifications of the Expert Reviewer:
The physician reviewer is board certified in Physical Medicine and Rehabilitation and is
licensed to practice in California.

Case Summary:
The injured worker is a 44 year old woman injured on 02/02/2011 while lifting.

1) Regarding the request for physical therapy 12 sessions:
Medical Treatment Guideline(s) Relied Upon by the Expert Reviewer:
MTUS Chronic Pain Medical Treatment Guidelines, Physical Medicine, Page(s): 98-99
Rationale for the Decision:
Twelve sessions exceed the guideline. The request is not medically necessary.

2) Regarding the request for Naproxen 550mg #60:
Medical Treatment Guideline(s) Relied Upon by the Expert Reviewer:
MTUS Chronic Pain Medical Treatment Guidelines, NSAIDs, Page(s): 67-68
Rationale for the Decision:
NSAIDs are recommended at the lowest dose. The request is medically necessary.
"""


def test_2013_notice() -> None:
    assert detect_format(NOTICE_2013) == "notice_2013"
    letter = parse_text(NOTICE_2013)
    assert letter.format == "notice_2013"
    assert letter.case_number == "CM13-0001234"
    assert letter.decision_date == "08/12/2013"
    assert letter.date_of_injury == "02/02/2011"
    assert letter.ur_denial_date == "06/01/2013"
    assert letter.application_received == "06/20/2013"
    assert letter.reviewer_specialty == "Physical Medicine"
    assert [(i.treatment, i.decision) for i in letter.items] == [
        ("physical therapy 12 sessions", "Upheld"),
        ("Naproxen 550mg #60", "Overturned"),
    ]
    assert letter.items[1].citations[0].pages == "67-68"
    assert letter.items[0].decision_rationale.endswith("is not medically necessary.")
    assert letter.clinical_case_summary.startswith("The injured worker is a 44 year old woman")


@pytest.mark.parametrize(
    ("text", "guideline", "source", "section"),
    [
        (
            "Decision based on MTUS Shoulder Complaints 2004, Section(s): Special Studies.",
            "MTUS Shoulder Complaints 2004",
            "MTUS",
            "Special Studies",
        ),
        (
            "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG), Knee & Leg"
            " Chapter, Continuous-flow cryotherapy.",
            "Official Disability Guidelines",
            "ODG",
            "Knee & Leg Chapter, Continuous-flow cryotherapy",
        ),
    ],
)
def test_citation_split(text: str, guideline: str, source: str, section: str) -> None:
    [citation] = split_citations(text)
    assert (citation.guideline, citation.source, citation.section) == (guideline, source, section)


def test_several_citations_in_one_guideline_paragraph() -> None:
    text = (
        "The Expert Reviewer based their decision on recommendation(s) outside of the MTUS"
        " Guidelines. Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s):"
        " Opioids, criteria for use. Decision based on Non-MTUS Citation Official Disability"
        " Guidelines, Pain Chapter: Opioids."
    )
    citations = split_citations(text)
    assert [c.source for c in citations] == ["MTUS", "ODG"]
    assert citations[0].section == "Opioids, criteria for use"
    assert split_citation("  . ") is None  # an empty chunk is no citation


def test_not_a_letter_is_one_line_input_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Progress note\nPatient doing well.\n")
    with pytest.raises(InputError, match=r"notes.txt: not an IMR Final Determination Letter"):
        parse_letter(path)
    with pytest.raises(InputError):
        parse_text(HEADER)  # the layout but not one item
    with pytest.raises(NotFoundError):
        parse_letter(tmp_path / "missing.pdf")


def test_garbage_pdf_is_input_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n")
    with pytest.raises(InputError):
        parse_letter(path)


def test_text_bytes_and_pdf_bytes() -> None:
    letter = parse_letter((HEADER + item("Physical therapy x 6", "Upheld")).encode())
    assert letter.items[0].decision == "Upheld"
    pdf = SHARED / "data" / "dwc-imr-letters" / "pdf" / "CM16-0213037.pdf"
    if pdf.is_file():
        assert parse_letter(pdf.read_bytes()).case_number == "CM16-0213037"


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = st.sampled_from(
    [
        "IMR ISSUES, DECISIONS AND RATIONALES",
        "CLINICAL CASE SUMMARY",
        "DOCUMENTS REVIEWED",
        "Case Number: CM16-0000001",
        ": Upheld",
        "Pending",
        "Overturned",
        "is:",
        "\f",
        "\n",
        "\n\n",
        "Claims Administrator guideline:",
        "MAXIMUS guideline:",
        "Decision rationale:",
        "Page 2 of 3",
        "Section(s):",
        "Page(s): 60",
        "was the original request.",
        "Physical therapy x 6",
        "#60",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=30)), max_size=40))
def test_any_text_parses_or_fails_with_input_error(pieces: list[str]) -> None:
    text = " ".join(pieces)
    try:
        letter = parse_text(text)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    assert letter.items and all(item.treatment for item in letter.items)


def test_openimr_rendered_layout_draft_marks_and_signature_block() -> None:
    """openimr's own letters: "Guideline relied on:", DRAFT page marks, attestation after items."""
    body = item("Physical therapy x 6", "Upheld").replace(
        "MAXIMUS guideline:", "DRAFT - NOT A FINAL DETERMINATION\nGuideline relied on:"
    )
    text = (
        HEADER + body + "ATTESTATION\nSigned by expert reviewer RV-1 on 2015-02-02.\n"
        "DRAFT: this determination has not been signed.\n"
    )
    [only] = parse_text(text).items
    assert only.maximus_guideline.startswith("Decision based on MTUS Chronic Pain")
    assert only.citations[0].section == "Physical medicine treatment"
    assert only.decision_rationale == "The request is not medically necessary."


def test_pdf_locked_with_a_user_password_is_input_error(tmp_path: Path) -> None:
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(InputError, match=r"locked.pdf: PDF is encrypted with a user password"):
        parse_letter(path)


def test_2014_item_lines_worded_as_medical_necessity() -> None:
    """2014-2015 letters may word an item as "<treatment> is [not] medically necessary and
    appropriate" instead of "<treatment>: Upheld"."""
    body = (
        "Physical therapy 2 times a week for 6 weeks to the right wrist is not medically necessary\n"
        "and appropriate.\n\n"
        "MAXIMUS guideline: Decision based on MTUS Chronic Pain Treatment Guidelines Physical\n"
        "medicine Page(s): 98-99.\n\n"
        "Decision rationale: Twelve visits exceed the guideline. The request is not medically"
        " necessary.\n\n"
        "Naproxen 550mg #60 is medically necessary and appropriate.\n\n"
        "MAXIMUS guideline: Decision based on MTUS Chronic Pain Treatment Guidelines NSAIDs"
        " Page(s): 67-68.\n\n"
        "Decision rationale: The request is medically necessary.\n"
    )
    letter = parse_text(HEADER.replace("Case Number", "Case No") + body)
    assert letter.format == "format_2014"
    assert [(i.treatment, i.decision) for i in letter.items] == [
        ("Physical therapy 2 times a week for 6 weeks to the right wrist", "Upheld"),
        ("Naproxen 550mg #60", "Overturned"),
    ]
    assert letter.items[1].citations[0].pages == "67-68"
    assert letter.items[0].decision_rationale.startswith("Twelve visits")


def test_item_header_starting_in_lower_case_after_a_finished_rationale() -> None:
    text = (
        HEADER
        + item("Physical therapy x 6", "Upheld")
        + item("retrospective urine drug screen (DOS 11/11/2016)", "Upheld")
    )
    assert [i.treatment for i in parse_text(text).items] == [
        "Physical therapy x 6",
        "retrospective urine drug screen (DOS 11/11/2016)",
    ]


def test_parse_letter_accepts_the_text_itself() -> None:
    text = HEADER + item("Physical therapy x 6", "Upheld")
    assert parse_letter(text).items[0].treatment == "Physical therapy x 6"


def test_several_mtus_chapters_joined_by_and_are_split() -> None:
    text = (
        "Decision based on MTUS Neck and Upper Back Complaints 2004, Section(s): Special Studies,"
        " Summary, and Forearm, Wrist, and Hand Complaints 2004, Section(s): Special Studies, and"
        " Chronic Pain Medical Treatment 2016, Section(s): Electrodiagnostic testing (EMG/NCS)."
    )
    assert [(c.guideline, c.section) for c in split_citations(text)] == [
        ("MTUS Neck and Upper Back Complaints 2004", "Special Studies, Summary"),
        ("MTUS Forearm, Wrist, and Hand Complaints 2004", "Special Studies"),
        ("MTUS Chronic Pain Medical Treatment 2016", "Electrodiagnostic testing (EMG/NCS)"),
    ]
