"""Eligibility screening of an IMR application (8 CCR 9792.10.1, 9792.10.3; DWC's published reasons).

An application is ineligible when it is:
- `late`: received more than 30 days after service of the UR decision. UR decisions are served by
  mail unless the case says otherwise, and service by mail within California extends a period to act
  by 5 calendar days (CCP 1013(a), applied to workers' compensation by 8 CCR 10605), so the deadline
  is the UR date + 30 + 5 days. A deadline falling on a weekend or a California state holiday moves
  to the next business day (CCP 12a). Both choices favour the worker: when in doubt we screen in,
  because an ineligibility ruling is itself appealable and a wrong rejection costs care.
- `unsigned`: the application is not signed by the worker or the worker's representative;
- `no_ur_decision`: the UR decision is not attached (ineligible since April 2014);
- `cnc`: the UR decision is a conditional non-certification (a denial for missing information);
- `not_disputed`: every item on the application was certified by UR: there is nothing to review;
- `duplicate` (from `screen_batch`): the same case number, or the same employee, treatment and UR
  date as an application seen earlier; the first application received is kept.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from functools import cache

from pydantic import Field

from openimr.domain.case import Case, URItemDecision
from openimr.domain.common import Model

FILING_DAYS = 30
MAIL_EXTENSION_DAYS = 5

REASON_MESSAGES = {
    "late": "application received {received}, after the filing deadline {deadline} "
    "(30 days from the UR decision of {ur_date}{mail})",
    "unsigned": "application is not signed by the injured worker or a representative",
    "no_ur_decision": "the utilization review decision is not attached to the application",
    "cnc": "the UR decision is a conditional non-certification (a request for information), "
    "which is not an IMR-eligible denial",
    "not_disputed": "utilization review certified every item on the application; nothing is "
    "in dispute",
    "duplicate": "duplicate of application {original} (same {basis})",
}


class Eligibility(Model):
    eligible: bool
    reasons: list[str] = Field(default_factory=list)  # codes: late, unsigned, no_ur_decision, ...
    messages: list[str] = Field(default_factory=list)  # one plain sentence per reason
    filing_deadline: dt.date | None = None
    items_not_in_dispute: list[str] = Field(default_factory=list)  # ids of items UR certified
    duplicate_of: str | None = None
    screened_on: dt.date | None = None


def filing_deadline(ur_date: dt.date, mail_days: int = MAIL_EXTENSION_DAYS) -> dt.date:
    """Last day to file: UR date + 30 days (+ mail days), moved past weekends and CA holidays."""
    deadline = ur_date + dt.timedelta(days=FILING_DAYS + mail_days)
    while deadline.weekday() >= 5 or deadline in _california_holidays(deadline.year):
        deadline += dt.timedelta(days=1)
    return deadline


def screen(
    case: Case, today: dt.date | None = None, mail_days: int = MAIL_EXTENSION_DAYS
) -> Eligibility:
    """Screen one application. `today` is recorded as the screening date (default: today);
    `mail_days=0` when the UR decision was served electronically or in person."""
    reasons: list[str] = []
    messages: list[str] = []
    deadline = filing_deadline(case.ur_decision.date, mail_days)

    def add(code: str, **values: object) -> None:
        reasons.append(code)
        messages.append(REASON_MESSAGES[code].format(**values))

    if case.application_received > deadline:
        add(
            "late",
            received=_mdy(case.application_received),
            deadline=_mdy(deadline),
            ur_date=_mdy(case.ur_decision.date),
            mail=f", plus {mail_days} days for service by mail" if mail_days else "",
        )
    if not case.application_signed:
        add("unsigned")
    if not case.ur_decision_attached:
        add("no_ur_decision")
    if case.ur_decision.conditional_non_certification:
        add("cnc")
    certified = [
        item.id
        for item in case.disputed_items
        if (match := _matching_ur_item(item.text, case.ur_decision.items)) is not None
        and match.outcome == "certified"
    ]
    if certified and len(certified) == len(case.disputed_items):
        add("not_disputed")
    return Eligibility(
        eligible=not reasons,
        reasons=reasons,
        messages=messages,
        filing_deadline=deadline,
        items_not_in_dispute=certified,
        screened_on=today or dt.date.today(),
    )


def screen_batch(
    cases: Sequence[Case], today: dt.date | None = None, mail_days: int = MAIL_EXTENSION_DAYS
) -> list[Eligibility]:
    """Screen several applications, marking later copies of an earlier one as `duplicate`.

    Duplicates are removed before the other checks in DWC practice, so a duplicate is reported
    as such even if it would also fail another check. The earliest received application (then the
    first in input order) is the original.
    """
    order = sorted(range(len(cases)), key=lambda i: (cases[i].application_received, i))
    by_number: dict[str, str] = {}
    by_dispute: dict[tuple, str] = {}
    results: list[Eligibility | None] = [None] * len(cases)
    for index in order:
        case = cases[index]
        result = screen(case, today, mail_days)
        original, basis = by_number.get(case.case_number), "case number"
        keys = _dispute_keys(case)
        if original is None:
            original = next((by_dispute[k] for k in keys if k in by_dispute), None)
            basis = "employee, treatment and UR date"
        if original is not None:
            message = REASON_MESSAGES["duplicate"].format(original=original, basis=basis)
            result = result.model_copy(
                update={
                    "eligible": False,
                    "reasons": ["duplicate", *result.reasons],
                    "messages": [message, *result.messages],
                    "duplicate_of": original,
                }
            )
        else:
            by_number[case.case_number] = case.case_number
            for key in keys:
                by_dispute.setdefault(key, case.case_number)
        results[index] = result
    return [r for r in results if r is not None]


# ---------------------------------------------------------------------------------------------


def _dispute_keys(case: Case) -> list[tuple]:
    """One key per disputed item: who (the employee, as far as the case identifies them), what, when.

    The employee is `parties.employee` when the case names one; otherwise date of injury, sex, age
    and employer together stand in for it.
    """
    employee: tuple = (
        ("employee", _normalize(case.parties.employee))
        if case.parties.employee
        else (
            case.injury.date,
            case.worker.sex,
            case.worker.age,
            _normalize(case.parties.employer or ""),
        )
    )
    return [
        (employee, _normalize(item.text), case.ur_decision.date) for item in case.disputed_items
    ]


def _matching_ur_item(text: str, ur_items: Sequence[URItemDecision]) -> URItemDecision | None:
    """The UR item about the same treatment (exact after normalizing, else a close fuzzy match)."""
    wanted = _normalize(text)
    for item in ur_items:
        if _normalize(item.treatment) == wanted:
            return item
    from rapidfuzz import fuzz, process  # only when no UR item matches exactly

    choices = {i: _normalize(item.treatment) for i, item in enumerate(ur_items)}
    best = process.extractOne(wanted, choices, scorer=fuzz.token_sort_ratio, score_cutoff=90)
    return ur_items[best[2]] if best else None


def _normalize(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9/#.%]+", " ", text.lower()).split())


@cache
def _california_holidays(year: int):  # type: ignore[no-untyped-def]
    import holidays  # ~0.4 s to import; intake/__init__ loads this module for every case file

    return holidays.country_holidays("US", subdiv="CA", years=year)


def _mdy(value: dt.date) -> str:
    return value.strftime("%m/%d/%Y")
