"""The physician's review through the CLI: override with a reason, edit the rationale and summary,
sign the stored draft, and an outcome edited in a JSON file refused even without the store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openimr.cli import main

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "cases" / "massage-right-wrist.yaml"
NUMBER = "CM15-0000001"
RATIONALE = "A first course is documented and supported. The request is medically necessary."


def _err(capsys: pytest.CaptureFixture[str]) -> str:
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    assert main(["decide", str(SEED), "--db", url, "-o", str(tmp_path / "draft.txt")]) == 0
    capsys.readouterr()
    return url


def test_override_edit_and_sign_the_stored_draft(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["override", NUMBER, "1", "--outcome", "Overturned", "--db", db]) == 2
    assert _err(capsys) == "openimr: error: reason: required to change the outcome of item 1"
    assert (
        main(
            [
                "override",
                NUMBER,
                "1",
                "--outcome",
                "Overturned",
                "--reason",
                "first course",
                "--db",
                db,
            ]
        )
        == 0
    )
    out = capsys.readouterr()
    assert "item 1 outcome Upheld -> Overturned" in out.out
    assert "rationale still says it is not medically necessary; edit the rationale" in out.err
    assert main(["sign", "--case", NUMBER, "--reviewer", "R012", "--db", db]) == 2
    assert _err(capsys).endswith("; edit the rationale")
    rationale = tmp_path / "rationale.txt"
    rationale.write_text(RATIONALE, encoding="utf-8")
    assert main(["override", NUMBER, "1", "--rationale-file", str(rationale), "--db", db]) == 0
    summary = tmp_path / "summary.txt"
    summary.write_text("A worker with right wrist pain after repetitive work.", encoding="utf-8")
    assert main(["edit-summary", NUMBER, "--file", str(summary), "--db", db]) == 0
    capsys.readouterr()
    assert main(["sign", "--case", NUMBER, "--reviewer", "R012", "--json", "--db", db]) == 0
    signed = json.loads(capsys.readouterr().out)
    assert signed["status"] == "signed" and signed["items"][0]["outcome"] == "Overturned"
    assert signed["decision_date"] == signed["signature"]["signed_at"][:10]
    assert [o["field"] for o in signed["overrides"]] == [
        "outcome",
        "rationale",
        "clinical_case_summary",
    ]
    assert main(["letter", NUMBER, "--db", db]) == 0
    letter = " ".join(capsys.readouterr().out.split())
    assert RATIONALE in letter and "after repetitive work" in letter and "DRAFT" not in letter
    assert main(["audit-log", "show", "--case", NUMBER, "--db", db, "--json"]) == 0
    actions = [e["action"] for e in json.loads(capsys.readouterr().out)]
    assert actions.count("override") == 1 and actions.count("edit") == 2


def test_only_the_assigned_reviewer_overrides(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["override", NUMBER, "1", "--rationale-file", __file__, "--reviewer", "R003"]
    assert main([*args, "--db", db]) == 2
    assert "only the assigned reviewer may change the draft" in _err(capsys)


def test_sign_no_store_refuses_an_outcome_edited_in_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = tmp_path / "draft.json"
    assert main(["decide", str(SEED), "--json", "-o", str(draft), "--no-store"]) == 0
    det = json.loads(draft.read_text(encoding="utf-8"))
    det["items"][0]["outcome"] = "Overturned"
    det["items"][0]["rationale"] = RATIONALE  # even with a matching rationale
    draft.write_text(json.dumps(det), encoding="utf-8")
    capsys.readouterr()
    assert main(["sign", str(draft), "--reviewer", det["reviewer"]["code"], "--no-store"]) == 2
    error = _err(capsys)
    assert "item 1: outcome is Overturned but the draft's criteria give Upheld" in error
    assert "no override records the change" in error


def test_cases_list_shows_days_left(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cases", "list", "--db", db]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert "DAYS LEFT" in header
