"""The lifecycle state machine and its deadlines (pure functions)."""

from __future__ import annotations

import datetime as dt

import pytest

from openimr.errors import StateError
from openimr.store import lifecycle


def test_the_regular_path_is_legal_step_by_step() -> None:
    path = [
        "application_received",
        "eligible",
        "assigned",
        "records_complete",
        "drafted",
        "signed",
        "issued",
    ]
    for before, after in zip(path, path[1:], strict=False):
        lifecycle.check_transition("CM15-1", before, after, None)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("application_received", "signed"),
        ("eligible", "drafted"),
        ("signed", "withdrawn"),
        ("issued", "drafted"),
        ("withdrawn", "eligible"),
        ("ineligible", "eligible"),
        ("assigned", "issued"),
    ],
)
def test_illegal_moves_are_refused_naming_both_states(before: str, after: str) -> None:
    with pytest.raises(StateError) as err:
        lifecycle.check_transition("CM15-1", before, after, "late")
    assert before in str(err.value) and after in str(err.value)
    assert "CM15-1" in str(err.value)


def test_ineligible_needs_a_known_reason() -> None:
    for reason in lifecycle.INELIGIBLE_REASONS:
        lifecycle.check_transition("CM15-1", "application_received", "ineligible", reason)
    with pytest.raises(StateError, match="ineligible needs a reason"):
        lifecycle.check_transition("CM15-1", "application_received", "ineligible", None)
    with pytest.raises(StateError, match="ineligible needs a reason"):
        lifecycle.check_transition("CM15-1", "application_received", "ineligible", "too slow")


def test_withdrawal_needs_a_reason_and_an_open_case() -> None:
    with pytest.raises(StateError, match="withdrawn needs a reason"):
        lifecycle.check_transition("CM15-1", "assigned", "withdrawn", "  ")
    for state in ("application_received", "eligible", "assigned", "records_complete", "drafted"):
        lifecycle.check_transition("CM15-1", state, "withdrawn", "claims administrator authorized")


def test_unknown_state_is_named() -> None:
    with pytest.raises(StateError, match="unknown state 'done'"):
        lifecycle.check_transition("CM15-1", "eligible", "done", None)


def test_deadlines_count_from_the_right_event() -> None:
    day = dt.date(2015, 3, 1)
    assert lifecycle.records_due("regular", day) == dt.date(2015, 3, 16)
    assert lifecycle.records_due("expedited", day) == dt.date(2015, 3, 2)
    assert lifecycle.decision_due("regular", day) == dt.date(2015, 3, 31)
    assert lifecycle.decision_due("expedited", day) == dt.date(2015, 3, 4)
    assert lifecycle.decision_due("regular", None) is None
    assert lifecycle.records_due("regular", None) is None
