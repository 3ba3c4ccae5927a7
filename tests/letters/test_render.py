"""The letter renderer on hand-built Determinations (no engine involved)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from openimr.domain import (
    Citation,
    CriterionResult,
    Determination,
    DocumentReviewed,
    ItemDetermination,
    Signature,
    TreatmentRequest,
)
from openimr.domain.request import PartialAuthorization, RequestPortion
from openimr.domain.reviewer import ReviewerCredentials
from openimr.errors import InputError
from openimr.letters.render import render_letter

LONG_RATIONALE = (
    "Massage therapy is recommended only as an adjunct to active treatment such as exercise, and "
    "the guideline limits it to 4 to 6 visits in most cases because no lasting benefit beyond "
    "that has been shown. The record documents prior physical therapy with partial improvement "
    "but gives no reason why this worker needs more visits than the guideline allows. The request "
    "for 12 visits exceeds the recommended number and is therefore not medically necessary."
)


def make_determination(
    *,
    status: str = "draft",
    n_items: int = 1,
    case_number: str = "CM15-0000001",
    treatment: str = "Massage Therapy 2 Times A Week for 6 Weeks to The Right Wrist",
) -> Determination:
    items = []
    for index in range(n_items):
        outcome = "Upheld" if index % 2 == 0 else "Overturned"
        items.append(
            ItemDetermination(
                item_id=f"item-{index + 1}",
                treatment=treatment if index == 0 else f"{treatment} (item {index + 1})",
                outcome=outcome,
                request=TreatmentRequest(text=treatment, category="massage", sessions=12),
                claims_administrator_guideline="MTUS Chronic Pain Treatment Guidelines",
                citations=[
                    Citation(
                        guideline="MTUS Chronic Pain Medical Treatment Guidelines",
                        edition="2009",
                        section="Massage therapy; Physical medicine",
                        pages="60; 98-99",
                    )
                ],
                criteria=[
                    CriterionResult(
                        criterion_id="massage-visits",
                        description="At most 6 visits",
                        status="not_met",
                        explanation="12 visits requested",
                    )
                ],
                rationale=LONG_RATIONALE,
                confidence=0.9,
            )
        )
    signature = None
    if status == "signed":
        signature = Signature(
            reviewer_code="RV-EM-01",
            signed_at=dt.datetime(2015, 2, 2, 14, 30, tzinfo=dt.UTC),
            attestation="I attest that I reviewed the complete case file and that this "
            "determination is my own.",
        )
    return Determination(
        case_number=case_number,
        status=status,
        priority="regular",
        date_assigned=dt.date(2015, 1, 5),
        date_of_injury=dt.date(2012, 1, 24),
        decision_date=dt.date(2015, 2, 2),
        ur_denial_date=dt.date(2014, 12, 19),
        application_received=dt.date(2014, 12, 29),
        reviewer=ReviewerCredentials(
            code="RV-EM-01", licensure=["CA"], specialty="Emergency Medicine"
        ),
        documents_reviewed=[
            DocumentReviewed(description="Application for Independent Medical Review, 12/29/2014"),
            DocumentReviewed(description="Utilization review determination, 12/19/2014"),
            DocumentReviewed(
                description="PR-2 progress report, Treating physician A, MD (Orthopedic Surgery), "
                "12/08/2014"
            ),
        ],
        clinical_case_summary=(
            "The injured worker is a 65 year old female who sustained an industrial injury on "
            "01/24/2012.\n\nOn 12/19/2014, utilization review modified the request."
        ),
        items=items,
        signature=signature,
        engine_version="0.1.0",
    )


def partial_item() -> ItemDetermination:
    base = make_determination().items[0]
    request = TreatmentRequest(
        text="Norco 10/325mg #35",
        category="medication",
        drug="hydrocodone/acetaminophen",
        quantity=35,
        partial_authorization=PartialAuthorization(
            original=RequestPortion(text="Norco 10/325mg #60", quantity=60),
            authorized=RequestPortion(text="Norco 10/325mg #25", quantity=25),
            disputed=RequestPortion(text="Norco 10/325mg #35", quantity=35),
        ),
    )
    return base.model_copy(update={"treatment": "Norco 10/325mg #35", "request": request})


# ---------------------------------------------------------------------------------------------
# Tests

SECTIONS = (
    "HOW THE IMR FINAL DETERMINATION WAS MADE",
    "DOCUMENTS REVIEWED",
    "CLINICAL CASE SUMMARY",
    "IMR ISSUES, DECISIONS AND RATIONALES",
)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _pdf_pages(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_text_letter_has_header_sections_and_item_lines() -> None:
    det = make_determination()
    text = render_letter(det, "text")
    assert isinstance(text, str)
    for section in SECTIONS:
        assert section in text
    flat = _flat(text)
    for label, value in [
        ("Case Number:", "CM15-0000001"),
        ("Date Assigned:", "01/05/2015"),
        ("Date of Injury:", "01/24/2012"),
        ("Decision Date:", "02/02/2015"),
        ("UR Denial Date:", "12/19/2014"),
        ("Priority:", "Standard"),
        ("Application Received:", "12/29/2014"),
    ]:
        assert f"{label} {value}" in flat
    assert "State(s) of Licensure: California" in text
    assert "Certification(s)/Specialty: Emergency Medicine" in text
    assert "Massage Therapy 2 Times A Week for 6 Weeks to The Right Wrist: Upheld" in text
    assert (
        "Claims Administrator guideline: Decision based on MTUS Chronic Pain Treatment Guidelines."
        in flat
    )
    assert (
        "Guideline relied on: Decision based on MTUS Chronic Pain Medical Treatment Guidelines 2009, "
        "Section(s): Massage therapy; Physical medicine, Page(s): 60; 98-99." in flat
    )
    assert "Decision rationale: " + _flat(LONG_RATIONALE) in flat
    assert "PR-2 progress report, Treating physician A, MD (Orthopedic Surgery), 12/08/2014" in flat
    # sections come in the DWC order
    positions = [text.index(section) for section in SECTIONS]
    assert positions == sorted(positions)


def test_text_is_wrapped_and_deterministic() -> None:
    det = make_determination(n_items=3)
    first = render_letter(det, "text")
    assert first == render_letter(det, "text")
    assert max(len(line) for line in first.splitlines()) <= 95


def test_text_draft_marks_every_page_equivalent_and_signed_does_not() -> None:
    draft = render_letter(make_determination(n_items=6), "text")
    pages = draft.split("\f")
    assert len(pages) >= 2, "six long items should span several page-equivalents"
    for number, page in enumerate(pages, start=1):
        first, second = page.splitlines()[:2]
        assert first.startswith("DRAFT")
        assert second == (
            f"Final Determination Letter for IMR Case Number CM15-0000001 Page {number} of {len(pages)}"
        )
        assert len(page.splitlines()) <= 60
    # a page break never falls inside an item line or a paragraph
    flat = _flat(draft)
    for item in make_determination(n_items=6).items:
        assert f"{item.treatment}: {item.outcome}" in flat
    assert flat.count("Decision rationale: " + _flat(LONG_RATIONALE)) == 6
    signed = render_letter(make_determination(n_items=6, status="signed"), "text")
    assert "DRAFT" not in signed
    assert signed.startswith(
        "Final Determination Letter for IMR Case Number CM15-0000001 Page 1 of"
    )
    assert "ATTESTATION" in signed
    assert "Signed by expert reviewer RV-EM-01 on 02/02/2015 at 14:30 UTC." in signed


def test_html_escapes_and_marks_drafts() -> None:
    det = make_determination(treatment="Ketoprofen <20%> & lidocaine cream")
    html = render_letter(det, "html")
    assert isinstance(html, str)
    assert "Ketoprofen &lt;20%&gt; &amp; lidocaine cream" in html
    assert "<20%>" not in html
    assert 'class="draft-banner"' in html and 'class="watermark"' in html
    for section in SECTIONS:
        assert section in html
    signed = render_letter(make_determination(status="signed"), "html")
    assert "draft-banner" not in signed.split("</style>")[1]
    assert "RV-EM-01" in signed
    assert html == render_letter(det, "html")


def test_json_round_trips() -> None:
    det = make_determination(n_items=2)
    out = render_letter(det, "json")
    assert Determination.model_validate_json(out) == det
    assert json.loads(out)["items"][1]["outcome"] == "Overturned"


def test_partial_authorization_heading_uses_dwc_wording() -> None:
    det = make_determination()
    det = det.model_copy(update={"items": [partial_item()]})
    flat = _flat(render_letter(det, "text"))
    assert (
        "Norco 10/325mg #60 was the original request. Norco 10/325mg #25 was authorized by the "
        "Claims Administrator. The remaining IMR eligible portion of the original request, "
        "Norco 10/325mg #35: Upheld" in flat
    )


def test_non_mtus_citation_says_so() -> None:
    det = make_determination()
    item = det.items[0]
    odg = Citation(
        guideline="Official Disability Guidelines",
        edition="2016",
        section="Massage",
        level="acoem_odg",
    )
    det = det.model_copy(update={"items": [item.model_copy(update={"citations": [odg]})]})
    flat = _flat(render_letter(det, "text"))
    assert "outside of the MTUS" in flat
    assert "Non-MTUS Citation Official Disability Guidelines 2016, Section(s): Massage." in flat


def test_unknown_format_is_an_input_error() -> None:
    with pytest.raises(InputError, match="docx"):
        render_letter(make_determination(), "docx")


def test_pdf_draft_has_sections_case_number_pages_and_draft_on_every_page() -> None:
    det = make_determination(n_items=4)
    pdf = render_letter(det, "pdf")
    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF")
    pages = _pdf_pages(pdf)
    assert len(pages) >= 2
    joined = _flat("\n".join(pages))
    for section in SECTIONS:
        assert section in joined
    assert "Massage Therapy 2 Times A Week for 6 Weeks to The Right Wrist: Upheld" in joined
    for number, page in enumerate(pages, start=1):
        assert "DRAFT" in page
        assert "Case Number: CM15-0000001" in page
        assert f"Page {number} of {len(pages)}" in page
    assert render_letter(det, "pdf") == pdf, "same determination, same PDF bytes"


def test_signed_pdf_loses_draft_and_shows_attestation() -> None:
    pages = _pdf_pages(render_letter(make_determination(status="signed"), "pdf"))
    joined = "\n".join(pages)
    assert "DRAFT" not in joined
    assert "ATTESTATION" in joined and "RV-EM-01" in joined
    assert f"Page 1 of {len(pages)}" in pages[0]


def test_rendered_text_reads_back_through_the_letter_parser() -> None:
    from openimr.letters import parse

    det = make_determination(n_items=3, status="signed")
    letter = parse.parse_text(render_letter(det, "text"), "rendered.txt")
    assert letter.case_number == det.case_number
    assert (letter.date_assigned, letter.date_of_injury, letter.decision_date) == (
        "01/05/2015",
        "01/24/2012",
        "02/02/2015",
    )
    assert (letter.ur_denial_date, letter.application_received) == ("12/19/2014", "12/29/2014")
    assert letter.reviewer_licensure == "California"
    assert letter.reviewer_specialty == "Emergency Medicine"
    assert [(i.treatment, i.decision) for i in letter.items] == [
        (i.treatment, i.outcome) for i in det.items
    ]
    for parsed, item in zip(letter.items, det.items, strict=True):
        # the parser may run the last rationale on into the attestation block: check the start
        assert (parsed.decision_rationale or "").startswith(_flat(item.rationale))


def test_signed_status_without_a_signature_stays_a_draft() -> None:
    det = make_determination().model_copy(update={"status": "signed"})
    text = render_letter(det, "text")
    assert text.startswith("DRAFT") and "ATTESTATION" not in text
    assert 'class="draft-banner"' in render_letter(det, "html")


def test_letter_says_plainly_when_no_mtus_guideline_was_in_force() -> None:
    det = make_determination()
    item = det.items[0]
    odg = Citation(guideline="Official Disability Guidelines", edition="2016", level="acoem_odg")
    went_on = item.model_copy(
        update={
            "citations": [odg],
            "search_level": "acoem_odg",
            "review_date": dt.date(2025, 6, 1),
        }
    )
    flat = _flat(render_letter(det.model_copy(update={"items": [went_on]}), "text"))
    assert (
        "No MTUS guideline in force on 06/01/2025 addresses this treatment; the search went on "
        "to current ACOEM or ODG guidelines." in flat
    )
    # no guideline at all: the letter still names the date and the last step of the sequence
    none = went_on.model_copy(update={"citations": [], "search_level": "peer_reviewed"})
    flat = _flat(render_letter(det.model_copy(update={"items": [none]}), "text"))
    assert "No MTUS guideline in force on 06/01/2025" in flat
    assert "peer-reviewed studies" in flat
    # an MTUS row found: no such sentence
    mtus = went_on.model_copy(update={"citations": [], "search_level": "mtus"})
    assert "No MTUS guideline" not in _flat(
        render_letter(det.model_copy(update={"items": [mtus]}), "text")
    )
