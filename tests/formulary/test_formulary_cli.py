"""`openimr formulary`: JSON shape, the list, dates, bad input; names resolved brand -> generic."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from openimr.cli import main
from openimr.engine.pipeline import decide_case
from openimr.formulary import formulary_status
from openimr.intake import load_case

REPO = Path(__file__).parents[2]
KEYS = {"drug", "status", "special_fill", "perioperative_fill", "guideline_topics", "source"}


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> object:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_json_shape_of_a_brand_opioid(capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(capsys, ["formulary", "Norco 10/325", "--date", "2019-03-01", "--json"])
    assert set(out) >= KEYS
    assert out["status"] == "non_exempt"
    assert out["ingredients"] == ["hydrocodone", "acetaminophen"]
    assert out["special_fill"]["days"] == 4 and out["perioperative_fill"]["days"] == 4
    assert "Opioids" in out["guideline_topics"] and out["source"]
    assert out["version"] == "v.3"


def test_list_gives_every_row_with_its_source(capsys: pytest.CaptureFixture[str]) -> None:
    rows = _json(capsys, ["formulary", "--list", "--json"])
    assert len(rows) >= 150
    assert all(row["source"] and row["status"] in ("exempt", "non_exempt") for row in rows)
    assert all("guideline_topics" in row and "listed_from" in row for row in rows)


def test_unknown_drug_is_unlisted_with_a_warning(capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(capsys, ["formulary", "zzqx", "--date", "2019-03-01", "--json"])
    assert out["status"] == "unlisted" and out["warnings"]


def test_before_2018_says_the_formulary_was_not_in_force(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["formulary", "ibuprofen", "--date", "2017-06-01"]) == 0
    assert "not in force" in capsys.readouterr().out
    out = _json(capsys, ["formulary", "ibuprofen", "--date", "2017-06-01", "--json"])
    assert out["in_force"] is False and out["status"] is None


@pytest.mark.parametrize("value", ["2019-13-01", "yesterday", "0001-01-01"])
def test_a_bad_date_is_one_line_naming_date(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["formulary", "ibuprofen", "--date", value])
    assert exit_info.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "--date" in lines[0]


def test_no_drug_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["formulary"]) == 2
    assert "DRUG" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "ingredients", "status", "review"),
    [
        ("Motrin 800 mg", ["ibuprofen"], "exempt", True),  # brand of an exempt drug
        ("ibuprofen 800 mg", ["ibuprofen"], "exempt", False),
        ("Ultracet", ["tramadol", "acetaminophen"], "non_exempt", True),
        ("Voltaren gel 1%", ["diclofenac"], "non_exempt", True),
        (
            "Compound cream flurbiprofen 20%, lidocaine 5%",
            ["flurbiprofen", "lidocaine"],
            "non_exempt",
            True,
        ),
    ],
)
def test_names_resolve_to_ingredients(
    text: str, ingredients: list[str], status: str, review: bool
) -> None:
    result = formulary_status(text, dt.date(2019, 3, 1))
    assert result.ingredients == ingredients
    assert (result.status, result.prospective_review) == (status, review)


def test_medication_items_carry_their_status_in_the_trace_from_2018() -> None:
    case = load_case(REPO / "examples" / "cases" / "pt-and-compound-cream.yaml")
    before = decide_case(case, today=dt.date(2026, 1, 15))
    assert all(item.formulary is None for item in before.items)
    after = decide_case(case, decision_date=dt.date(2019, 6, 1))
    by_category = {item.request.category: item.formulary for item in after.items}
    assert by_category["physical_medicine"] is None
    assert by_category["medication"].compounded and by_category["medication"].status == "non_exempt"


def test_the_trace_judges_the_fill_windows_on_the_case_dates() -> None:
    # an opioid reviewed years after the injury is outside the Special Fill's first 7 days
    case = load_case(REPO / "examples" / "cases" / "norco-refill-no-monitoring.yaml")
    item = next(
        i for i in decide_case(case, decision_date=dt.date(2019, 6, 1)).items if i.formulary
    )
    assert item.formulary.status == "non_exempt"
    assert item.formulary.special_fill.eligible is False
    reasons = " ".join(item.formulary.special_fill.reasons)
    assert f"day {(dt.date(2019, 6, 1) - case.injury.date).days} after the injury" in reasons
    assert "no surgery date" in " ".join(item.formulary.perioperative_fill.reasons)
