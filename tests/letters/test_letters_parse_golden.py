"""Every dev letter's PDF parsed and compared field by field with its reviewed expected JSON."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from openimr.letters.model import CONTRACT_ITEM_KEYS, CONTRACT_LETTER_KEYS
from openimr.letters.parse import parse_letter, parse_text
from openimr.letters.pdftext import pypdf_text

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("OPENIMR_SHARED", REPO / ".." / "shared")).resolve()
LETTERS = SHARED / "data" / "dwc-imr-letters"
GOLDEN = sorted((REPO / "tests" / "golden" / "letters").glob("*.json"))


def _pdf(case: str) -> Path:
    path = LETTERS / "pdf" / f"{case}.pdf"
    if not path.is_file():
        pytest.skip(f"dev letters not found at {LETTERS}")
    return path


def _assert_matches(parsed: dict, expected: dict, case: str) -> None:
    for key in CONTRACT_LETTER_KEYS:
        assert parsed[key] == expected[key], f"{case} {key}"
    assert len(parsed["items"]) == len(expected["items"]), f"{case} item count"
    for number, (got, want) in enumerate(zip(parsed["items"], expected["items"], strict=True), 1):
        for key in CONTRACT_ITEM_KEYS:
            assert got[key] == want[key], f"{case} item {number} {key}"


def test_there_is_a_golden_file_per_dev_letter() -> None:
    assert len(GOLDEN) == 120


@pytest.mark.parametrize("golden", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_pdf_parses_to_the_reviewed_expected_json(golden: Path) -> None:
    expected = json.loads(golden.read_text(encoding="utf-8"))
    letter = parse_letter(_pdf(golden.stem))
    assert letter.format == "format_2016"
    assert letter.source_name == f"{golden.stem}.pdf"
    _assert_matches(letter.contract_dict(), expected, golden.stem)
    for item in letter.items:  # every decided item has a citation or says it cited none
        assert item.citations or item.no_evidence_cited


@pytest.mark.parametrize("case", ["CM16-0229336", "CM17-0002198", "CM16-0240524", "CM17-0020728"])
def test_pypdf_fallback_text_parses_the_same(case: str) -> None:
    """The pypdf text layer (no PDFium) gives the same fields: split headers, no blank lines."""
    expected = json.loads((REPO / "tests" / "golden" / "letters" / f"{case}.json").read_text())
    text = pypdf_text(_pdf(case).read_bytes())
    _assert_matches(parse_text(text, case).contract_dict(), expected, case)


def test_extracted_text_files_parse_the_same() -> None:
    """The shipped txt/ extraction (another text layer) parses to the same fields."""
    for golden in GOLDEN[::10]:
        path = LETTERS / "txt" / f"{golden.stem}.txt"
        if not path.is_file():
            pytest.skip("dev letters not found")
        expected = json.loads(golden.read_text(encoding="utf-8"))
        _assert_matches(parse_letter(path).contract_dict(), expected, golden.stem)
