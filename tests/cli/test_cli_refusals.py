"""Commands refuse bad arguments with exit 2 and one line naming the problem, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from openimr.cli import main

REPO = Path(__file__).parents[2]
SEED = REPO / "examples" / "cases" / "massage-right-wrist.yaml"


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("openimr: error: ")
    return lines[0]


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_an_empty_request_text_is_refused(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["request", text]) == 2
    assert "TEXT is empty" in _one_error_line(capsys)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    "command",
    [["sign", "{dir}", "--reviewer", "R012"], ["facts", "--file", "{dir}"]],
    ids=["sign", "facts"],
)
def test_a_directory_is_called_a_directory(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([part.format(dir=tmp_path) for part in command]) == 2
    line = _one_error_line(capsys)
    assert f"{tmp_path}: is a directory" in line
    assert "no such file" not in line


@pytest.fixture
def eligible_seed_case(tmp_path: Path) -> Path:
    db = tmp_path / "cases.db"
    assert main(["cases", "add", str(SEED), "--db", str(db)]) == 0
    assert main(["cases", "move", "CM15-0000001", "eligible", "--db", str(db)]) == 0
    return db


def _state(db: Path, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(["cases", "show", "CM15-0000001", "--db", str(db)]) == 0
    return capsys.readouterr().out.splitlines()[0]


def test_assigning_a_reviewer_not_on_the_panel_is_refused(
    eligible_seed_case: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["cases", "assign", "CM15-0000001", "R999", "--db", str(eligible_seed_case)]) == 2
    assert "reviewer R999: not on the panel" in _one_error_line(capsys)
    assert _state(eligible_seed_case, capsys).endswith(": eligible")


def test_assigning_a_reviewer_the_screening_excludes_gives_the_reasons(
    eligible_seed_case: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    # R031 is on the sample panel, but its CA license is restricted (probation)
    assert main(["cases", "assign", "CM15-0000001", "R031", "--db", str(eligible_seed_case)]) == 2
    line = _one_error_line(capsys)
    assert "reviewer R031 cannot review case CM15-0000001" in line
    assert "CA license restricted" in line
    assert _state(eligible_seed_case, capsys).endswith(": eligible")


def test_an_eligible_reviewer_is_assigned(
    eligible_seed_case: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cases", "assign", "CM15-0000001", "R012", "--db", str(eligible_seed_case)]) == 0
    assert "assigned to R012" in capsys.readouterr().out
    assert _state(eligible_seed_case, capsys).endswith(": assigned")
