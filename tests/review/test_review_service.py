"""The review service over a real store: screened assignment, the physician's changes in the audit
log, signing through the store (credentials and date are the signer's), and the deadline view."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from openimr.domain import Case, Determination
from openimr.errors import NotFoundError, StateError
from openimr.intake import load_case
from openimr.review.determination import draft
from openimr.review.service import ReviewService, deadline_status
from openimr.reviewers import credentials, load_panel
from openimr.store import CaseSummary, open_store

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "cases" / "massage-right-wrist.yaml"
WHEN = dt.datetime(2015, 1, 30, 9, 0, tzinfo=dt.UTC)
RATIONALE = "A first course is documented and supported. The request is medically necessary."


@pytest.fixture(scope="module")
def case() -> Case:
    return load_case(SEED)


@pytest.fixture(scope="module")
def engine_draft(case: Case) -> Determination:
    return draft(case)


@pytest.fixture
def review(tmp_path: Path, case: Case, engine_draft: Determination):  # type: ignore[no-untyped-def]
    store = open_store(f"sqlite:///{tmp_path / 'review.db'}")
    store.add_case(case, "intake")
    store.transition(case.case_number, "eligible", "intake")
    yield ReviewService(store, decider=lambda _case, _reviewer: engine_draft)
    store.close()


def test_assignment_screens_a_named_reviewer(review: ReviewService, case: Case) -> None:
    number = case.case_number
    with pytest.raises(NotFoundError, match="^reviewer R999: not on the panel"):
        review.assign(number, "intake", reviewer="R999", on=dt.date(2015, 1, 6))
    with pytest.raises(StateError) as excluded:
        review.assign(number, "intake", reviewer="R032", on=dt.date(2015, 1, 6))
    assert str(excluded.value).startswith(f"reviewer R032 cannot review case {number}: ")
    assert "years" in str(excluded.value)
    assert review.store.get_case(number, "check").summary.state == "eligible"
    summary = review.assign(number, "intake", reviewer="R012", on=dt.date(2015, 1, 6))
    assert summary.assigned_reviewer == "R012"
    assert review.store.reviewer("R012") == next(r for r in load_panel() if r.code == "R012")


def _drafted(review: ReviewService, case: Case) -> str:
    number = case.case_number
    review.assign(number, "intake", reviewer="R012", on=dt.date(2015, 1, 6))
    review.store.transition(number, "records_complete", "intake", on=dt.date(2015, 1, 14))
    review.decide(number, "reviewer:R012", scope="R012")
    return number


def test_overrides_are_audited_and_signing_waits_for_a_consistent_letter(
    review: ReviewService, case: Case
) -> None:
    number = _drafted(review, case)
    with pytest.raises(StateError, match="only the assigned reviewer may change the draft"):
        review.override(number, 1, "R003", "reviewer:R003", outcome="Overturned", reason="x")
    change = review.override(
        number, 1, "R012", "reviewer:R012", outcome="Overturned", reason="first course"
    )
    assert change.change.draft_value == "Upheld" and change.change.reason == "first course"
    assert change.problems == [
        "item 1: outcome changed to Overturned but the rationale still says it is not medically "
        "necessary; edit the rationale"
    ]
    with pytest.raises(StateError, match="edit the rationale"):
        review.sign(number, "R012", "reviewer:R012", when=WHEN)
    assert review.store.get_case(number, "check").summary.state == "drafted"
    done = review.override(number, "1", "R012", "reviewer:R012", rationale=RATIONALE)
    assert done.problems == []
    review.edit_summary(
        number, "A worker with wrist pain.", "R012", "reviewer:R012", reason="short"
    )
    entries = [e for e in review.store.audit_entries(number) if e.action in ("override", "edit")]
    assert [(e.action, e.detail["field"], e.detail["reason"]) for e in entries] == [
        ("override", "outcome", "first course"),
        ("edit", "rationale", None),
        ("edit", "clinical_case_summary", "short"),
    ]
    assert entries[0].detail["from"] == "Upheld" and entries[0].detail["to"] == "Overturned"

    signed = review.sign(number, "R012", "reviewer:R012", when=WHEN)
    assert signed.decision_date == WHEN.date()
    reviewer = review.store.reviewer("R012")
    assert reviewer is not None and signed.reviewer is not None
    assert signed.reviewer.licensure == credentials(reviewer).licensure
    assert signed.reviewer.code == "R012"
    assert [o.field for o in signed.overrides] == ["outcome", "rationale", "clinical_case_summary"]
    assert review.store.get_case(number, "check").summary.state == "signed"
    with pytest.raises(StateError, match="cannot change|the draft cannot change"):
        review.override(number, 1, "R012", "reviewer:R012", rationale="again")


def test_the_view_shows_the_deadline_and_what_blocks_signing(
    review: ReviewService, case: Case
) -> None:
    number = _drafted(review, case)
    review.override(number, 1, "R012", "reviewer:R012", outcome="Overturned", reason="why")
    view = review.view(number, "reviewer:R012", scope="R012", today=dt.date(2015, 2, 20))
    assert view.deadline.due == dt.date(2015, 2, 13) and view.deadline.due_kind == "decision"
    assert (view.deadline.days_left, view.deadline.overdue) == (-7, True)
    assert len(view.problems) == 1 and view.problems[0].startswith("item 1:")
    with pytest.raises(NotFoundError):
        review.view(number, "reviewer:R003", scope="R003")


def _summary(**fields) -> CaseSummary:  # type: ignore[no-untyped-def]
    base = {
        "case_number": "CM15-0000009",
        "state": "records_complete",
        "priority": "regular",
        "application_received": dt.date(2015, 1, 1),
        "version": 1,
    }
    return CaseSummary.model_validate({**base, **fields})


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"decision_due": dt.date(2015, 2, 13)}, (dt.date(2015, 2, 13), "decision", 3, False)),
        ({"decision_due": dt.date(2015, 2, 10)}, (dt.date(2015, 2, 10), "decision", 0, False)),
        ({"decision_due": dt.date(2015, 2, 9)}, (dt.date(2015, 2, 9), "decision", -1, True)),
        ({"records_due": dt.date(2015, 2, 1)}, (dt.date(2015, 2, 1), "records", -9, True)),
        ({}, (None, None, None, False)),
    ],
)
def test_deadline_status(fields: dict, expected: tuple) -> None:  # type: ignore[type-arg]
    status = deadline_status(_summary(**fields), dt.date(2015, 2, 10))
    assert (status.due, status.due_kind, status.days_left, status.overdue) == expected
