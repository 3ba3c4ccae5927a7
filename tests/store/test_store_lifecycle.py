"""The lifecycle state machine and its deadlines (pure functions)."""

from __future__ import annotations

import datetime as dt

import pytest

from openimr.errors import InputError, StateError
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


def test_event_dates_follow_the_cases_own_dates() -> None:
    today = dt.date(2026, 1, 1)
    earlier = {"application_received": dt.date(2015, 1, 10), "assigned_on": dt.date(2015, 1, 12)}
    lifecycle.check_event_date("CM15-1", "on", dt.date(2015, 1, 12), earlier, today)
    lifecycle.check_event_date("CM15-1", "on", dt.date(2027, 1, 1), earlier, today)  # 365 days
    with pytest.raises(InputError) as err:
        lifecycle.check_event_date("CM15-1", "on", dt.date(2015, 1, 11), earlier, today)
    assert (
        str(err.value)
        == "case CM15-1: on: 2015-01-11 is before the case's assigned_on (2015-01-12)"
    )
    with pytest.raises(InputError, match="application_received"):  # an unknown date is skipped
        lifecycle.check_event_date(
            "CM15-1", "on", dt.date(2015, 1, 9), {**earlier, "assigned_on": None}, today
        )
    with pytest.raises(InputError) as err:
        lifecycle.check_event_date("CM15-1", "on", dt.date(2027, 1, 2), earlier, today)
    assert str(err.value) == (
        "case CM15-1: on: 2027-01-02 is more than 365 days after today (2026-01-01)"
    )
