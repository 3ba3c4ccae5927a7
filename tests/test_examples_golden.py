"""Every example case decides and renders; text and JSON drafts are pinned by golden files.

Regenerate after an intended change with `OPENIMR_UPDATE_GOLDEN=1 make test` and review the diff.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from pathlib import Path

import pytest

from openimr.engine.pipeline import decide_case
from openimr.intake import load_case
from openimr.letters.render import render_letter

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((REPO / "examples" / "cases").glob("*.yaml"))
GOLDEN = REPO / "tests" / "golden" / "examples"
FIXED_DAY = dt.date(2026, 1, 15)  # a decision date for cases that give none, so drafts are stable
SECTIONS = (
    "HOW THE IMR FINAL DETERMINATION WAS MADE",
    "DOCUMENTS REVIEWED",
    "CLINICAL CASE SUMMARY",
    "IMR ISSUES, DECISIONS AND RATIONALES",
)


def _check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("OPENIMR_UPDATE_GOLDEN") or not path.exists():
        path.write_text(actual, encoding="utf-8")
        if not os.environ.get("OPENIMR_UPDATE_GOLDEN"):
            pytest.fail(
                f"golden file {path.name} was missing and has been written; review and commit it"
            )
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


def test_there_are_at_least_six_examples() -> None:
    assert len(EXAMPLES) >= 6
    assert (REPO / "examples" / "cases" / "massage-right-wrist.yaml") in EXAMPLES


@pytest.mark.parametrize("case_file", EXAMPLES, ids=lambda p: p.stem)
def test_example_decides_and_matches_golden(case_file: Path) -> None:
    case = load_case(case_file)
    det = decide_case(case, today=FIXED_DAY)
    assert len(det.items) == len(case.disputed_items)
    for item in det.items:
        assert item.outcome in ("Upheld", "Overturned")
        assert item.rationale
    text = render_letter(det, "text")
    assert isinstance(text, str)
    for section in SECTIONS:
        assert section in text
    assert "DRAFT" in text
    for item in det.items:
        assert f"{item.treatment}: {item.outcome}" in " ".join(text.split())
    _check_golden(f"{case_file.stem}.txt", text)
    as_json = json.loads(render_letter(det, "json"))
    assert as_json["case_number"] == case.case_number
    _check_golden(f"{case_file.stem}.json", json.dumps(as_json, indent=2, sort_keys=True) + "\n")


@pytest.mark.parametrize("case_file", EXAMPLES, ids=lambda p: p.stem)
def test_example_renders_html_and_pdf_with_the_same_sections(case_file: Path) -> None:
    from pypdf import PdfReader

    det = decide_case(load_case(case_file), today=FIXED_DAY)
    html = render_letter(det, "html")
    assert isinstance(html, str) and "<html" in html.lower()
    pdf = render_letter(det, "pdf")
    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(pdf)).pages
    pdf_text = "\n".join(page.extract_text() for page in pages)
    for section in SECTIONS:
        assert section in pdf_text
    for page in pages:
        page_text = page.extract_text()
        assert "DRAFT" in page_text and det.case_number in page_text


def test_seed_case_is_upheld_for_too_many_massage_visits() -> None:
    det = decide_case(
        load_case(REPO / "examples" / "cases" / "massage-right-wrist.yaml"), today=FIXED_DAY
    )
    item = det.items[0]
    assert item.treatment == "Massage Therapy 2 Times A Week for 6 Weeks to The Right Wrist"
    assert item.outcome == "Upheld"
    limit = [c for c in item.criteria if c.status == "not_met"]
    assert any("12" in c.explanation for c in limit), "the trace must show 12 visits requested"
    assert "12" in item.rationale and "6" in item.rationale
    assert item.citations and "Massage" in (item.citations[0].section or "")
