"""The intake commands through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openimr.cli import main

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "cases" / "massage-right-wrist.yaml"


def test_schema_is_json_schema_of_a_case(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "openimr case file"
    assert "case_number" in schema["required"] and "disputed_items" in schema["required"]


def test_screen_flags_a_late_application(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    late = tmp_path / "late.yaml"
    text = SEED.read_text(encoding="utf-8")
    import yaml

    data = yaml.safe_load(text)
    data["application_received"] = "2015-06-01"  # months after the 12/19/2014 UR decision
    data.pop("date_assigned", None)
    data.pop("decision_date", None)
    data.pop("records_received", None)
    late.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert main(["screen", str(SEED), str(late), "--json"]) == 1
    results = json.loads(capsys.readouterr().out)
    assert results[0]["eligible"] is True
    assert results[1]["eligible"] is False
    assert "late" in results[1]["reasons"]
    assert "duplicate" in results[1]["reasons"]  # same case number as the first application
