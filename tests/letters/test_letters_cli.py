"""`openimr parse`, `openimr audit`, `openimr blind` through cli.main."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from openimr.cli import main
from openimr.letters.model import CONTRACT_LETTER_KEYS

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("OPENIMR_SHARED", REPO / ".." / "shared")).resolve()
SEED = SHARED / "data" / "seed" / "imr-final-determination-2015-massage.txt"
PDFS = SHARED / "data" / "dwc-imr-letters" / "pdf"


@pytest.fixture()
def seed() -> Path:
    if not SEED.is_file():
        pytest.skip("seed letter not found")
    return SEED


def test_parse_json_has_exactly_the_contract_keys(
    seed: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["parse", str(seed), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {*CONTRACT_LETTER_KEYS, "items"}
    assert data["items"][0]["decision"] == "Upheld"
    assert data["case_number"] is None


def test_parse_human_output(seed: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["parse", str(seed)]) == 0
    out = capsys.readouterr().out
    assert "Massage Therapy 2 Times A Week for 6 Weeks to The Right Wrist: Upheld" in out
    assert "p. 60; 98-99" in out


def test_audit_json_reports_the_seed_mismatch(seed: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["audit", str(seed), "--json"]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["code"], f["severity"], f["item"]) for f in findings] == [
        ("SUMMARY_TREATMENT_MISMATCH", "warning", 1)
    ]


def test_parse_directory_jsonl_in_file_order(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    pdfs = sorted(PDFS.glob("*.pdf"))[:3]
    if len(pdfs) < 3:
        pytest.skip("dev letters not found")
    letters = tmp_path / "letters"
    letters.mkdir()
    for pdf in pdfs:
        shutil.copy(pdf, letters / pdf.name)
    (letters / "notes.txt").write_text("not a letter\n")
    out = tmp_path / "out.jsonl"
    code = main(["parse", str(letters), "--jsonl", "-o", str(out), "-j", "2", "-q"])
    assert code == 1  # one file was no letter: reported, the others written
    assert "notes.txt: not an IMR Final Determination Letter" in capsys.readouterr().err
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [row["file"] for row in rows] == [p.name for p in pdfs]
    assert [row["case_number"] for row in rows] == [p.stem for p in pdfs]


def test_errors_are_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["parse", str(tmp_path / "missing.pdf")]) == 2
    assert main(["parse", str(tmp_path)]) == 2  # a directory without --jsonl
    bogus = tmp_path / "x.txt"
    bogus.write_text("hello")
    assert main(["audit", str(bogus)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith("openimr: error: ") for line in err)


def test_blind_writes_pending_letter(seed: Path, tmp_path: Path) -> None:
    out = tmp_path / "blind.txt"
    assert main(["blind", str(seed), "-o", str(out)]) == 0
    text = out.read_text()
    assert "Right Wrist: Pending" in text and "Decision rationale" not in text
