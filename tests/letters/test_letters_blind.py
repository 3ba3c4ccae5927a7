"""Blinding keeps header, summary and item texts, and removes every decision and rationale."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from openimr.errors import InputError
from openimr.letters.blind import blind_text
from openimr.letters.parse import parse_text
from openimr.letters.pdftext import pdf_text

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("OPENIMR_SHARED", REPO / ".." / "shared")).resolve()
PDFS = SHARED / "data" / "dwc-imr-letters" / "pdf"
SEED = SHARED / "data" / "seed" / "imr-final-determination-2015-massage.txt"
# a partial authorization split over a page break, one with 8 items, a letter without blank lines
CASES = ["CM16-0229336", "CM16-0239569", "CM16-0237844", "CM17-0014449"]


def _text(case: str) -> str:
    path = PDFS / f"{case}.pdf"
    if not path.is_file():
        pytest.skip("dev letters not found")
    return pdf_text(path.read_bytes())


@pytest.mark.parametrize("case", CASES)
def test_blinded_letter_keeps_everything_but_the_decisions(case: str) -> None:
    text = _text(case)
    original = parse_text(text)
    blinded_text = blind_text(text)
    blinded = parse_text(blinded_text)
    assert blinded.blinded
    assert [i.treatment for i in blinded.items] == [i.treatment for i in original.items]
    for item in blinded.items:
        assert item.decision is None
        assert item.maximus_guideline is None and item.claims_administrator_guideline is None
        assert item.decision_rationale is None
    for key in ("case_number", "decision_date", "reviewer_specialty", "clinical_case_summary"):
        assert getattr(blinded, key) == getattr(original, key)
    assert "Upheld" not in blinded_text and "Overturned" not in blinded_text
    assert "Decision rationale" not in blinded_text
    assert blind_text(blinded_text) == blinded_text  # blinding twice changes nothing


def test_seed_blinded() -> None:
    if not SEED.is_file():
        pytest.skip("seed letter not found")
    blinded = blind_text(SEED.read_text())
    assert "Massage Therapy 2 Times A Week for 6 Weeks to The Right Wrist: Pending" in blinded
    assert "Page(s)" not in blinded


def test_not_a_letter() -> None:
    with pytest.raises(InputError, match="not an IMR Final Determination Letter"):
        blind_text("Dear Sir, thank you.")


def test_blinding_a_2014_necessity_worded_item_hides_the_outcome() -> None:
    text = (
        "Case Number: CM14-0000001\nCLINICAL CASE SUMMARY\nWrist pain.\n\n"
        "IMR ISSUES, DECISIONS AND RATIONALES\n\n"
        "Naproxen 550mg #60 is not medically necessary and appropriate.\n\n"
        "MAXIMUS guideline: Decision based on MTUS Chronic Pain Treatment Guidelines NSAIDs"
        " Page(s): 67-68.\n\nDecision rationale: Not needed.\n"
    )
    blinded = blind_text(text)
    assert "Naproxen 550mg #60: Pending" in blinded
    assert "medically necessary" not in blinded
    assert [i.treatment for i in parse_text(blinded).items] == ["Naproxen 550mg #60"]
