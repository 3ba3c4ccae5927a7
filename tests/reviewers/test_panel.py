"""The panel as data: the sample panel, CSV import, and one-line errors for bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openimr.errors import InputError
from openimr.reviewers import load_panel, load_specialty_map, qualification_problems

DEV_LETTERS = Path("/work/shared/data/dwc-imr-letters/dwc_imr_letters_2016_2017.jsonl")


def test_sample_panel_has_thirty_coded_reviewers_without_names() -> None:
    panel = load_panel()
    assert len(panel) >= 30
    assert all(r.name is None for r in panel)
    assert len({r.code for r in panel}) == len(panel)


def test_sample_panel_has_each_kind_of_disqualified_reviewer() -> None:
    problems = " | ".join(p for r in load_panel() for p in qualification_problems(r))
    for expected in (
        "license restricted",
        "years in active practice",
        "hours a week",
        "sanction",
        "no board certification",
        "license suspended",
    ):
        assert expected in problems
    assert any(r.current_load >= r.capacity for r in load_panel())


@pytest.mark.skipif(not DEV_LETTERS.exists(), reason="dev letters not available")
def test_sample_panel_covers_every_specialty_of_the_dev_letters() -> None:
    smap = load_specialty_map()
    panel_specialties = {
        smap.canonical(s)
        for r in load_panel()
        for s in (*r.board_certifications, *r.specialties)
        if not qualification_problems(r)
    }
    seen: set[str] = set()
    for line in DEV_LETTERS.read_text(encoding="utf-8").splitlines():
        printed = json.loads(line).get("reviewer_specialty") or ""
        for part in printed.split(","):
            if part.strip():
                canonical = smap.canonical(part.strip())
                assert canonical is not None, f"specialty map does not know {part.strip()!r}"
                seen.add(canonical)
    assert seen <= panel_specialties, seen - panel_specialties


CSV_HEADER = (
    "code,degree,name,licenses,board_certifications,specialties,years_in_practice,"
    "hours_per_week,sanctions,affiliations,capacity,current_load\n"
)


def test_csv_panel_reads_lists_licenses_and_affiliations(tmp_path: Path) -> None:
    path = tmp_path / "panel.csv"
    path.write_text(
        CSV_HEADER
        + (
            'Q1,MD,,"CA; NY(restricted, discipline: probation 2015)",Occupational Medicine,'
            'Occupational Medicine,12,40,,"insurer: Zenith Insurance Co. (consultant); '
            'facility: Redwood Surgery Center",10,2\n'
            "Q2,DC,,CA,,Chiropractor,9,32,,,8,0\n"
        ),
        encoding="utf-8",
    )
    q1, q2 = load_panel(path)
    assert q1.licenses[1].state == "NY" and q1.licenses[1].restricted
    assert q1.licenses[1].discipline == "probation 2015"
    assert [(a.kind, a.name, a.relationship) for a in q1.affiliations] == [
        ("insurer", "Zenith Insurance Co.", "consultant"),
        ("facility", "Redwood Surgery Center", None),
    ]
    assert q2.degree == "DC" and q2.specialties == ["Chiropractor"] and q2.capacity == 8


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (
            "Q1,MD,,CA,Occupational Medicine,Occupational Medicine,twelve,40,,,10,0\n",
            "row 1 (Q1): years_in_practice",
        ),
        (
            "Q1,XX,,CA,Occupational Medicine,Occupational Medicine,12,40,,,10,0\n",
            "row 1 (Q1): degree",
        ),
        (
            "Q1,MD,,ZZ,Occupational Medicine,Occupational Medicine,12,40,,,10,0\n",
            "row 1 (Q1): licenses[0].state",
        ),
        (
            "Q1,MD,,CA(sleepy),Occupational Medicine,Occupational Medicine,12,40,,,10,0\n",
            "row 1 (Q1): licenses: unknown license flag",
        ),
        (
            "Q1,MD,,CA,Occupational Medicine,Occupational Medicine,12,40,,boss of everyone,10,0\n",
            "row 1 (Q1): affiliations",
        ),
        (
            "Q1,MD,,CA,Occupational Medicine,Occupational Medicine,12,40,,,10,0\n"
            "Q1,MD,,CA,Occupational Medicine,Occupational Medicine,12,40,,,10,0\n",
            "row 2 (Q1): code: duplicate",
        ),
        (",MD,,CA,Occupational Medicine,Occupational Medicine,12,40,,,10,0\n", "row 1: code"),
    ],
)
def test_bad_csv_rows_name_file_row_and_field(tmp_path: Path, body: str, needle: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(CSV_HEADER + body, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_panel(path)
    message = str(err.value)
    assert str(path) in message and needle in message and "\n" not in message


def test_bad_yaml_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_panel(tmp_path / "nope.yaml")
    bad = tmp_path / "panel.yaml"
    bad.write_text("reviewers: [ {code: A1, degree: MD", encoding="utf-8")
    with pytest.raises(InputError, match="malformed YAML"):
        load_panel(bad)
    bad.write_text(
        "reviewers:\n  - {code: A1, degree: MD, specialties: [X], years_in_practice: 9,"
        " hours_per_week: 30}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"row 1 \(A1\): licenses: required field is missing"):
        load_panel(bad)
    bad.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        load_panel(bad)
    bad.write_text("csv: true\n", encoding="utf-8")
    with pytest.raises(InputError, match="list of reviewers"):
        load_panel(bad)
    csv_bad = tmp_path / "p.csv"
    csv_bad.write_text("code,degree,favourite_colour\nA,MD,blue\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown column"):
        load_panel(csv_bad)
