"""decide and sign through the CLI: formats, -o, errors, and signing by the assigned reviewer only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openimr.cli import main

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "cases" / "massage-right-wrist.yaml"


def test_decide_prints_the_draft_letter(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decide", str(SEED), "--no-store"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Massage Therapy 2 Times A Week for 6 Weeks to The Right Wrist: Upheld" in out
    assert "DRAFT" in out and "CLINICAL CASE SUMMARY" in out


def test_decide_json_then_sign_by_assigned_reviewer_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = tmp_path / "draft.json"
    db = f"sqlite:///{tmp_path / 'cases.db'}"
    assert main(["decide", str(SEED), "--json", "-o", str(draft), "--db", db]) == 0
    det = json.loads(draft.read_text(encoding="utf-8"))
    assert det["status"] == "draft" and det["reviewer"]["code"]
    capsys.readouterr()
    wrong = "R999" if det["reviewer"]["code"] != "R999" else "R998"
    assert main(["sign", str(draft), "--reviewer", wrong, "--db", db]) == 2
    assert "only the assigned reviewer" in capsys.readouterr().err
    assert (
        main(["sign", str(draft), "--reviewer", det["reviewer"]["code"], "--json", "--db", db]) == 0
    )
    signed = json.loads(capsys.readouterr().out)
    assert (
        signed["status"] == "signed"
        and signed["signature"]["reviewer_code"] == det["reviewer"]["code"]
    )
    assert main(["sign", str(draft), "--reviewer", det["reviewer"]["code"], "--no-store"]) == 0
    letter = capsys.readouterr().out
    assert "DRAFT" not in letter


def test_unwritable_output_is_one_line_and_stores_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_file = tmp_path / "cases.db"
    code = main(
        [
            "decide",
            str(SEED),
            "-o",
            str(tmp_path / "missing" / "x.txt"),
            "--db",
            f"sqlite:///{db_file}",
        ]
    )
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot write" in err[0]
    assert not db_file.exists()


def test_sign_rejects_a_file_that_is_not_a_determination(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bogus = tmp_path / "bogus.json"
    bogus.write_text('{"case_number": "CM15-0000001"}', encoding="utf-8")
    assert main(["sign", str(bogus), "--reviewer", "R001", "--no-store"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bogus.json" in err[0]


@pytest.mark.parametrize("edit", ["reviewer", "outcome"])
def test_sign_refuses_a_draft_edited_after_decide(
    edit: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = tmp_path / "draft.json"
    db = f"sqlite:///{tmp_path / 'cases.db'}"
    assert main(["decide", str(SEED), "--json", "-o", str(draft), "--db", db]) == 0
    det = json.loads(draft.read_text(encoding="utf-8"))
    signer = det["reviewer"]["code"]
    if edit == "reviewer":  # a different reviewer puts their own code in the file and signs
        signer = "R003" if signer != "R003" else "R004"
        det["reviewer"]["code"] = signer
    else:  # the assigned reviewer flips an outcome in the file instead of deciding again
        det["items"][0]["outcome"] = "Overturned"
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(det), encoding="utf-8")
    capsys.readouterr()
    assert main(["sign", str(forged), "--reviewer", signer, "--db", db]) == 2
    assert "differs from the stored draft" in capsys.readouterr().err
