"""Review deadlines: 30 calendar days (regular), 3 days (expedited), 5 working days (formulary
drug disputes from 2018), counted from receipt of the records, with California holidays."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache

from openimr.domain.case import Case
from openimr.domain.common import Model
from openimr.domain.request import TreatmentRequest
from openimr.reviewers.rules import DeadlineRules, load_rules


class Deadline(Model):
    start: dt.date  # receipt of the records, else of the application
    start_field: str  # which case field it came from
    due: dt.date
    rule: str  # "regular", "expedited", "formulary"
    explanation: str


@lru_cache(maxsize=256)
def _closed_days(year: int, ignored: tuple[str, ...]) -> frozenset[dt.date]:
    import holidays  # ~0.4 s to import; only deadline arithmetic needs it, not every assignment

    calendar = holidays.country_holidays("US", subdiv="CA", years=year)
    return frozenset(
        day
        for day, name in calendar.items()
        if not any(part in ignored for part in name.split("; "))
    )


def is_business_day(day: dt.date, rules: DeadlineRules | None = None) -> bool:
    """Monday to Friday and not a California holiday (the `holidays` library's calendar)."""
    rules = rules or load_rules().deadlines
    if day.weekday() >= 5:
        return False
    return day not in _closed_days(day.year, tuple(rules.holidays_not_closed))


def add_business_days(start: dt.date, days: int, rules: DeadlineRules | None = None) -> dt.date:
    """The `days`-th business day after `start` (start itself is day 0)."""
    if days < 0:
        raise ValueError("days must be >= 0")
    rules = rules or load_rules().deadlines
    day = start
    remaining = days
    while remaining:
        day += dt.timedelta(days=1)
        if is_business_day(day, rules):
            remaining -= 1
    return day


def business_days_between(start: dt.date, end: dt.date, rules: DeadlineRules | None = None) -> int:
    """Business days after `start` up to and including `end` (0 when end <= start)."""
    rules = rules or load_rules().deadlines
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_business_day(day, rules):
            count += 1
    return count


def is_formulary_dispute(requests: Sequence[TreatmentRequest]) -> bool:
    """Every disputed item is a drug: the whole dispute is a formulary-drug dispute."""
    return bool(requests) and all(r.category == "medication" for r in requests)


def review_deadline(
    case: Case, requests: Sequence[TreatmentRequest], rules: DeadlineRules | None = None
) -> Deadline:
    rules = rules or load_rules().deadlines
    if case.records_received is not None:
        start, start_field = case.records_received, "records_received"
    else:
        start, start_field = case.application_received, "application_received"
    candidates: list[tuple[dt.date, str, str]] = [
        (
            start + dt.timedelta(days=rules.regular_calendar_days),
            "regular",
            f"{rules.regular_calendar_days} calendar days from {start_field} (LC 4610.6(d))",
        )
    ]
    if case.priority == "expedited":
        candidates.append(
            (
                start + dt.timedelta(days=rules.expedited_calendar_days),
                "expedited",
                f"expedited review: {rules.expedited_calendar_days} days from {start_field}",
            )
        )
    if start >= rules.formulary_rule_from and is_formulary_dispute(requests):
        candidates.append(
            (
                add_business_days(start, rules.formulary_working_days, rules),
                "formulary",
                f"formulary drug dispute: {rules.formulary_working_days} working days from "
                f"{start_field} (LC 4610.6(d)(1)(A), from {rules.formulary_rule_from.year})",
            )
        )
    due, rule, explanation = min(candidates)
    return Deadline(
        start=start, start_field=start_field, due=due, rule=rule, explanation=explanation
    )
