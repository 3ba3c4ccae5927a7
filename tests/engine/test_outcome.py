"""The outcome rule per role: each role x met / not met / not documented (engine.outcome)."""

from __future__ import annotations

import pytest

from openimr.domain.determination import CriterionResult
from openimr.domain.guideline import ROLES
from openimr.engine.outcome import RULE, choose_outcome, deciding, undocumented_indications


def result(role: str, status: str, required: bool = True, cid: str = "c") -> CriterionResult:
    return CriterionResult(
        criterion_id=cid,
        description=role,
        status=status,
        required=required,
        role=role,
        explanation="x",
    )


# (role, status, continuing) -> outcome of a row with that one criterion
TABLE = [
    ("limit", "met", False, "Overturned"),
    ("limit", "not_met", False, "Upheld"),
    ("limit", "not_documented", False, "Overturned"),
    ("prerequisite", "met", False, "Overturned"),
    ("prerequisite", "not_met", False, "Upheld"),
    ("prerequisite", "not_documented", False, "Upheld"),
    ("indication", "met", False, "Overturned"),
    ("indication", "not_met", False, "Upheld"),
    # the row's only indication: nothing documents what the treatment is for
    ("indication", "not_documented", False, "Upheld"),
    ("context", "met", False, "Overturned"),
    ("context", "not_met", False, "Overturned"),
    ("context", "not_documented", False, "Overturned"),
    ("exclusion", "met", False, "Overturned"),
    ("exclusion", "not_met", False, "Upheld"),
    ("exclusion", "not_documented", False, "Overturned"),
    ("monitoring", "met", True, "Overturned"),
    ("monitoring", "not_met", False, "Upheld"),
    ("monitoring", "not_documented", False, "Overturned"),
    ("monitoring", "not_documented", True, "Upheld"),
]


@pytest.mark.parametrize(("role", "status", "continuing", "expected"), TABLE)
def test_outcome_rule_per_role_and_status(
    role: str, status: str, continuing: bool, expected: str
) -> None:
    assert choose_outcome([result(role, status)], continuing) == expected


def test_the_table_covers_every_role_and_status() -> None:
    assert set(RULE) == set(ROLES)
    covered = {(r, s) for r, s, _, _ in TABLE}
    assert covered == {(r, s) for r in ROLES for s in ("met", "not_met", "not_documented")}


def test_an_undocumented_indication_does_not_decide_when_another_is_documented() -> None:
    results = [
        result("indication", "met", cid="a"),
        result("indication", "not_documented", cid="b"),
    ]
    assert choose_outcome(results) == "Overturned"
    assert [r.criterion_id for r in undocumented_indications(results)] == ["b"]


def test_monitoring_decides_for_a_continued_drug_only_when_none_is_documented() -> None:
    some = [result("monitoring", "met", cid="uds"), result("monitoring", "not_documented", cid="x")]
    none = [result("monitoring", "not_documented", cid="uds")]
    assert choose_outcome(some, continuing=True) == "Overturned"
    assert choose_outcome(none, continuing=True) == "Upheld"


def test_a_supportive_factor_never_decides() -> None:
    for role in ROLES:
        for status in ("not_met", "not_documented"):
            assert deciding([result(role, status, required=False)], continuing=True) == []


def test_not_applicable_never_decides() -> None:
    assert choose_outcome([result(r, "not_applicable") for r in ROLES], continuing=True) == (
        "Overturned"
    )
