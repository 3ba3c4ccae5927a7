"""`openimr facts` (registered by openimr.evidence.commands)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from openimr.errors import InputError, NotFoundError
from openimr.evidence.commands import register

ROOT = Path(__file__).resolve().parents[2]


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="openimr")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["facts", *argv])
    return args.handler(args)


def test_text_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["He denies numbness. Straight leg raise was positive on the left."]) == 0
    out = capsys.readouterr().out
    assert any(line.startswith("numbness") and "negated" in line for line in out.splitlines())
    assert any(
        line.startswith("straight_leg_raise") and "= positive" in line for line in out.splitlines()
    )


def test_file_json_and_kind_filter(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    note = tmp_path / "pr2.txt"
    note.write_text("He completed 12 sessions of physical therapy with no improvement. Pain 7/10.")
    assert run(["--file", str(note), "--kind", "prior_treatment", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [f["kind"] for f in data["facts"]] == ["prior_treatment"]
    fact = data["facts"][0]
    assert fact["attributes"]["sessions"] == 12 and fact["span"]["record_id"] == "pr2.txt"


def test_case_file(capsys: pytest.CaptureFixture[str]) -> None:
    case = ROOT / "examples" / "cases" / "norco-refill-no-monitoring.yaml"
    if not case.exists():
        pytest.skip("example case not present")
    assert run(["--case", str(case), "--kind", "current_medication"]) == 0
    assert "hydrocodone/acetaminophen" in capsys.readouterr().out


def test_errors_are_one_line() -> None:
    with pytest.raises(NotFoundError, match="no such file"):
        run(["--file", "/nonexistent/note.txt"])
    with pytest.raises(InputError, match="give a TEXT"):
        run([])
