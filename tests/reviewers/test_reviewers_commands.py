"""`openimr assign` and `openimr panel` through cli.main (in process)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from reviewer_builders import make_case

from openimr.cli import main
from openimr.reviewers import load_panel

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cases"


def write_case(tmp_path: Path, **overrides) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(
        yaml.safe_dump(make_case(**overrides).model_dump(mode="json")), encoding="utf-8"
    )
    return path


def test_assign_json_follows_the_contract(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assign", str(write_case(tmp_path)), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"eligible", "excluded", "deadline"} <= set(out)
    assert out["deadline"] == "2016-10-12"
    assert all({"reviewer", "reasons"} == set(e) for e in out["excluded"])
    assert all(e["reasons"] for e in out["excluded"])
    codes = [e["reviewer"] for e in out["eligible"]] + [e["reviewer"] for e in out["excluded"]]
    assert sorted(codes) == sorted(r.code for r in load_panel())
    assert out["chosen"] == out["eligible"][0]["reviewer"]
    # the sample case's parties are affiliated with sample reviewers R001, R002, R003, R012, R030
    conflicted = {
        e["reviewer"]
        for e in out["excluded"]
        if any(r.startswith("conflict:") for r in e["reasons"])
    }
    assert {"R001", "R002", "R003", "R012", "R030"} <= conflicted


def test_assign_text_lists_ranked_and_excluded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assign", str(write_case(tmp_path)), "--today", "2016-09-12"]) == 0
    out = capsys.readouterr().out
    assert "Eligible (" in out and "Excluded (" in out and "chosen" in out
    assert "R031: CA license restricted" in out


def test_assign_with_a_csv_panel_nobody_eligible(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    panel = tmp_path / "p.csv"
    panel.write_text(
        "code,degree,licenses,board_certifications,specialties,years_in_practice,"
        "hours_per_week,capacity,current_load\n"
        "Z1,MD,CA,Psychiatry,Psychiatry,12,40,10,0\n",
        encoding="utf-8",
    )
    assert main(["assign", str(write_case(tmp_path)), "--panel", str(panel), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["eligible"] == [] and out["chosen"] is None
    assert out["reason"].startswith("no eligible reviewer")


@pytest.mark.parametrize(
    "args",
    [
        ["assign", "/nonexistent/case.yaml"],
        ["assign", "CASE", "--panel", "/nonexistent/panel.yaml"],
    ],
)
def test_errors_are_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args
) -> None:
    args = [str(write_case(tmp_path)) if a == "CASE" else a for a in args]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("openimr: error: ") and err.count("\n") == 1


def test_panel_lists_qualification(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["panel"]) == 0
    out = capsys.readouterr().out
    assert "R032" in out and "NOT qualified: 4 years" in out


@pytest.mark.skipif(not EXAMPLES.exists(), reason="no example cases")
def test_every_example_case_gets_a_full_answer(capsys: pytest.CaptureFixture[str]) -> None:
    for path in sorted(EXAMPLES.glob("*.y*ml")):
        assert main(["assign", str(path), "--json"]) == 0, path
        out = json.loads(capsys.readouterr().out)
        assert len(out["eligible"]) + len(out["excluded"]) == len(load_panel()), path
        assert out["chosen"] or out["reason"].startswith("no eligible reviewer"), path
