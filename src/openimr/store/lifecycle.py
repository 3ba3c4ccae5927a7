"""The IMR case lifecycle of 8 CCR 9792.10.x as a pure state machine, plus its deadlines.

application_received -> eligible | ineligible(reason) -> assigned (notice of assignment) ->
records_complete -> drafted -> signed -> issued; withdrawn from any open state when the claims
administrator authorizes the disputed treatment (9792.10.6).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from openimr.errors import InputError, StateError

CaseState = Literal[
    "application_received",
    "eligible",
    "ineligible",
    "assigned",
    "records_complete",
    "drafted",
    "signed",
    "issued",
    "withdrawn",
]
STATES: tuple[str, ...] = CaseState.__args__  # type: ignore[attr-defined]

# Why the Administrative Director finds an application ineligible (9792.10.3 initial review).
INELIGIBLE_REASONS: dict[str, str] = {
    "late": "filed more than 30 days after service of the UR decision",
    "unsigned": "application not signed by the employee or representative",
    "no_ur_decision": "no UR decision attached to the application",
    "conditional_non_certification": "UR decision is a conditional non-certification",
    "duplicate": "the same treatment was already decided by an earlier IMR",
    "not_disputed": "utilization review certified every item; nothing is in dispute",
}

_OPEN = ("application_received", "eligible", "assigned", "records_complete", "drafted")

# Allowed next states. "drafted -> drafted" lets a reviewer revise a draft before signing.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "application_received": ("eligible", "ineligible", "withdrawn"),
    "eligible": ("assigned", "withdrawn"),
    "assigned": ("records_complete", "withdrawn"),
    "records_complete": ("drafted", "withdrawn"),
    "drafted": ("drafted", "signed", "withdrawn"),
    "signed": ("issued",),
    "ineligible": (),
    "issued": (),
    "withdrawn": (),
}

# Deadlines in calendar days (see reference/guidelines-facts.md A.5).
RECORDS_DUE_DAYS = {"regular": 15, "expedited": 1}  # claims administrator sends records
DECISION_DUE_DAYS = {"regular": 30, "expedited": 3}  # LC 4610.6(d): from records complete
# A date given for an event may be back-dated to the case's own earlier events, never later than
# this many days after today: further out is a typing slip (2051 for 2015), not a plan.
MAX_DAYS_AHEAD = 365


def is_open(state: str) -> bool:
    return state in _OPEN


def check_transition(case_number: str, from_state: str, to_state: str, reason: str | None) -> None:
    """Raise StateError unless `from_state -> to_state` is legal and carries what it needs."""
    if to_state not in STATES:
        raise StateError(
            f"case {case_number}: unknown state {to_state!r} (states: {', '.join(STATES)})"
        )
    allowed = TRANSITIONS.get(from_state, ())
    if to_state not in allowed:
        nexts = ", ".join(allowed) if allowed else "none, the case is closed"
        raise StateError(
            f"case {case_number}: cannot move from {from_state} to {to_state} (allowed: {nexts})"
        )
    if to_state == "ineligible" and reason not in INELIGIBLE_REASONS:
        raise StateError(
            f"case {case_number}: ineligible needs a reason, one of {', '.join(INELIGIBLE_REASONS)}"
            f" (got {reason!r})"
        )
    if to_state == "withdrawn" and not (reason and reason.strip()):
        raise StateError(
            f"case {case_number}: withdrawn needs a reason (e.g. the claims administrator authorized"
            " the treatment)"
        )


def check_event_date(
    case_number: str,
    field: str,
    on: dt.date,
    earlier: dict[str, dt.date | None],
    today: dt.date,
) -> None:
    """Raise InputError unless `on` (the date given as `field`) is on or after every known date in
    `earlier` (the case's own events by name, in the order they happen) and at most
    MAX_DAYS_AHEAD days after `today`."""
    latest: tuple[str, dt.date] | None = None
    for name, date in earlier.items():  # in event order: on a tie, name the later event
        if date is not None and (latest is None or date >= latest[1]):
            latest = (name, date)
    if latest is not None and on < latest[1]:
        raise InputError(
            f"case {case_number}: {field}: {on.isoformat()} is before the case's {latest[0]}"
            f" ({latest[1].isoformat()})"
        )
    horizon = today + dt.timedelta(days=MAX_DAYS_AHEAD)
    if on > horizon:
        raise InputError(
            f"case {case_number}: {field}: {on.isoformat()} is more than {MAX_DAYS_AHEAD} days"
            f" after today ({today.isoformat()})"
        )


def records_due(priority: str, assigned_on: dt.date | None) -> dt.date | None:
    """When the claims administrator's records are due: counted from the notice of assignment."""
    if assigned_on is None:
        return None
    return assigned_on + dt.timedelta(days=RECORDS_DUE_DAYS[priority])


def decision_due(priority: str, records_complete_on: dt.date | None) -> dt.date | None:
    """When the determination is due: counted from receipt of the complete records."""
    if records_complete_on is None:
        return None
    return records_complete_on + dt.timedelta(days=DECISION_DUE_DAYS[priority])


def pending_deadline(
    records_due_on: dt.date | None, decision_due_on: dt.date | None
) -> tuple[dt.date | None, str | None]:
    """The deadline a case waits on: the decision once records are complete, else the records."""
    if decision_due_on is not None:
        return decision_due_on, "decision"
    if records_due_on is not None:
        return records_due_on, "records"
    return None, None


def days_left(due: dt.date | None, today: dt.date) -> int | None:
    """Calendar days from `today` to `due` (negative: overdue), None without a deadline."""
    return (due - today).days if due is not None else None
