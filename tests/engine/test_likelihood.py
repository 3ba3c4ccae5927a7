"""The overturn likelihood: a probability from the trace, through the coefficients in a data file."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from openimr.domain.determination import Citation, CriterionResult, ItemDetermination
from openimr.domain.request import TreatmentRequest
from openimr.engine.likelihood import (
    FEATURES,
    default_model,
    load_model,
    overturn_likelihood,
)
from openimr.errors import KnowledgeBaseError

FIXED = """\
table: overturn_model
version: 1
provenance: {source: "a fixed test model"}
rows:
  - {id: intercept, kind: intercept, coefficient: -1.0}
  - {id: draft, kind: draft_overturned, coefficient: 2.0}
  - {id: not_met, kind: required_count, status: not_met, cap: 2, coefficient: -1.5}
  - {id: diagnostic, kind: category_in, categories: [imaging, laboratory], coefficient: 0.5}
  - {id: below_mtus, kind: level_not_mtus, coefficient: 0.25}
"""


def _model(tmp_path: Path, text: str = FIXED):
    path = tmp_path / "overturn_model.yaml"
    path.write_text(text, encoding="utf-8")
    return load_model(path)


def _item(
    not_met: int = 0,
    met: int = 0,
    outcome: str = "Upheld",
    category: str = "medication",
    level: str | None = "mtus",
) -> ItemDetermination:
    criteria = [
        CriterionResult(criterion_id=f"c{i}", description="d", status=s, explanation="e")
        for i, s in enumerate(["not_met"] * not_met + ["met"] * met)
    ]
    # an optional criterion not met counts for nothing: only required ones are counted
    criteria.append(
        CriterionResult(
            criterion_id="opt", description="d", status="not_met", required=False, explanation="e"
        )
    )
    citations = [Citation(guideline="G", level=level)] if level else []
    return ItemDetermination(
        item_id="item-1",
        treatment="x",
        outcome=outcome,
        request=TreatmentRequest(text="x", category=category),
        citations=citations,
        criteria=criteria,
        rationale="r",
        confidence=0.5,
    )


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def test_probability_is_the_logistic_of_the_terms(tmp_path: Path) -> None:
    model = _model(tmp_path)
    assert overturn_likelihood(_item(), model) == round(_sigmoid(-1.0), 4)
    assert overturn_likelihood(_item(outcome="Overturned", met=2), model) == round(_sigmoid(1.0), 4)
    assert overturn_likelihood(_item(category="imaging", level="acoem_odg"), model) == round(
        _sigmoid(-1.0 + 0.5 + 0.25), 4
    )


def test_more_criteria_not_met_lower_the_likelihood_up_to_the_cap(tmp_path: Path) -> None:
    model = _model(tmp_path)
    p = [overturn_likelihood(_item(not_met=n), model) for n in range(4)]
    assert p[0] > p[1] > p[2]
    assert p[2] == p[3] == round(_sigmoid(-1.0 - 3.0), 4)  # capped at 2


def test_shipped_model_gives_a_probability_and_lowers_it_for_criteria_not_met() -> None:
    model = default_model()
    assert {t.kind for t in model.rows} <= set(FEATURES)
    extremes = [
        _item(not_met=5, category="dme", level=None),
        _item(met=5, outcome="Overturned", category="surgery", level="acoem_odg"),
    ]
    for item in extremes:
        assert 0 <= overturn_likelihood(item) <= 1
    not_met = next(t for t in model.rows if t.status == "not_met")
    if not_met.coefficient < 0:  # what the fitted model says; then the direction must hold
        assert overturn_likelihood(_item(not_met=1)) < overturn_likelihood(_item(not_met=0))


def test_extreme_coefficients_stay_in_the_unit_interval(tmp_path: Path) -> None:
    huge = FIXED.replace("coefficient: 2.0", "coefficient: 5000.0").replace(
        "coefficient: -1.5", "coefficient: -5000.0"
    )
    model = _model(tmp_path, huge)
    assert overturn_likelihood(_item(outcome="Overturned"), model) == 1.0
    assert overturn_likelihood(_item(not_met=2), model) == 0.0


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ("{id: n, kind: required_count, coefficient: 1.0}", "rows.1 (n): Value error, required_count needs status and cap"),
        ("{id: n, kind: guideline_row, coefficient: 1.0}", "rows.1 (n): kind"),
        ("{id: n, kind: category_in, categories: [massagee], coefficient: 1.0}", "rows.1 (n): categories.0"),
        ("{id: n, kind: no_guideline}", "rows.1 (n): coefficient"),
    ],
)  # fmt: skip
def test_a_bad_row_is_a_one_line_error_naming_file_and_row(
    tmp_path: Path, bad_row: str, message: str
) -> None:
    text = FIXED.replace(
        "  - {id: draft, kind: draft_overturned, coefficient: 2.0}", f"  - {bad_row}"
    )
    with pytest.raises(KnowledgeBaseError) as error:
        _model(tmp_path, text)
    assert str(error.value).startswith("overturn_model.yaml: ")
    assert message in str(error.value) and "\n" not in str(error.value)


def test_a_category_in_two_groups_or_two_intercepts_is_refused(tmp_path: Path) -> None:
    twice = FIXED + "  - {id: lab, kind: category_in, categories: [laboratory], coefficient: 1.0}\n"
    with pytest.raises(KnowledgeBaseError, match="'laboratory' is in both diagnostic and lab"):
        _model(tmp_path, twice)
    second = FIXED + "  - {id: intercept2, kind: intercept, coefficient: 1.0}\n"
    with pytest.raises(KnowledgeBaseError, match="exactly one intercept"):
        _model(tmp_path, second)
