"""Eligibility screening: timeliness (with the mail extension), signature, UR attached, CNC,
nothing in dispute, and duplicates across a batch."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from openimr.intake import Eligibility, parse_case_data, screen
from openimr.intake.screen import filing_deadline, screen_batch

BASE: dict[str, Any] = {
    "case_number": "CM16-0100001",
    "application_received": "2016-03-01",
    "worker": {"age": 52, "sex": "male"},
    "injury": {"date": "2015-06-10", "body_parts": ["lumbar spine"]},
    "parties": {"employer": "Valley Freight Lines"},
    "ur_decision": {
        "date": "2016-02-10",
        "items": [{"treatment": "MRI of the lumbar spine without contrast", "outcome": "denied"}],
    },
    "disputed_items": [{"id": "item-1", "text": "MRI of the lumbar spine without contrast"}],
}


def make_case(**changes: Any):  # type: ignore[no-untyped-def]
    data = copy.deepcopy(BASE)
    for dotted, value in changes.items():
        target = data
        *path, last = dotted.split("__")
        for key in path:
            target = target[key]
        target[last] = value
    return parse_case_data(data, "test-case")


def test_a_complete_timely_application_is_eligible() -> None:
    result = screen(make_case(), today=dt.date(2016, 3, 2))
    assert isinstance(result, Eligibility)
    assert result.eligible and result.reasons == [] and result.messages == []
    assert result.screened_on == dt.date(2016, 3, 2)


def test_deadline_is_30_days_plus_5_for_mail() -> None:
    # 02/10/2016 + 35 days = 03/16/2016, a Wednesday and no holiday
    assert filing_deadline(dt.date(2016, 2, 10)) == dt.date(2016, 3, 16)
    assert filing_deadline(dt.date(2016, 2, 10), mail_days=0) == dt.date(2016, 3, 11)


def test_deadline_on_a_weekend_or_holiday_moves_to_the_next_business_day() -> None:
    # 05/29/2016 + 35 = Sunday 07/03/2016; Monday 07/04 is Independence Day -> Tuesday 07/05
    assert filing_deadline(dt.date(2016, 5, 29)) == dt.date(2016, 7, 5)


@pytest.mark.parametrize(
    ("received", "late"),
    [("2016-03-16", False), ("2016-03-17", True), ("2016-03-14", False)],
)
def test_late_only_after_the_deadline(received: str, late: bool) -> None:
    result = screen(make_case(application_received=received))
    assert ("late" in result.reasons) is late
    assert result.eligible is (not late)
    if late:
        assert "03/16/2016" in result.messages[0]


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("application_signed", False, "unsigned"),
        ("ur_decision_attached", False, "no_ur_decision"),
        ("ur_decision__conditional_non_certification", True, "cnc"),
    ],
)
def test_each_defect_has_its_code_and_message(field: str, value: Any, code: str) -> None:
    result = screen(make_case(**{field: value}))
    assert not result.eligible
    assert result.reasons == [code]
    assert len(result.messages) == 1 and result.messages[0]


def test_several_defects_are_all_reported() -> None:
    result = screen(
        make_case(
            application_signed=False, ur_decision_attached=False, application_received="2016-06-01"
        )
    )
    assert result.reasons == ["late", "unsigned", "no_ur_decision"]


def test_items_ur_certified_are_not_in_dispute() -> None:
    certified = [{"treatment": "MRI lumbar spine without contrast", "outcome": "certified"}]
    result = screen(make_case(ur_decision__items=certified))
    assert not result.eligible and result.reasons == ["not_disputed"]
    assert result.items_not_in_dispute == ["item-1"]


def test_a_partly_certified_application_stays_eligible_for_the_rest() -> None:
    items = [
        {"treatment": "MRI of the lumbar spine without contrast", "outcome": "certified"},
        {"treatment": "Physical therapy 2 times a week for 6 weeks", "outcome": "denied"},
    ]
    disputed = [
        {"id": "mri", "text": "MRI of the lumbar spine without contrast"},
        {"id": "pt", "text": "Physical therapy 2 times a week for 6 weeks"},
    ]
    result = screen(make_case(ur_decision__items=items, disputed_items=disputed))
    assert result.eligible
    assert result.items_not_in_dispute == ["mri"]


def test_batch_marks_same_case_number_as_duplicate_of_the_earliest() -> None:
    later = make_case(application_received="2016-03-05")
    first = make_case(application_received="2016-03-01")
    results = screen_batch([later, first])
    assert results[1].eligible and results[1].duplicate_of is None
    assert not results[0].eligible
    assert results[0].reasons[0] == "duplicate" and results[0].duplicate_of == "CM16-0100001"
    assert "case number" in results[0].messages[0]


def test_batch_marks_same_employee_treatment_and_ur_date_as_duplicate() -> None:
    a = make_case()
    b = make_case(case_number="CM16-0100002", application_received="2016-03-03")
    other_worker = make_case(case_number="CM16-0100003", worker={"age": 40, "sex": "female"})
    other_date = make_case(case_number="CM16-0100004", ur_decision__date="2016-02-12")
    results = screen_batch([a, b, other_worker, other_date])
    assert [r.eligible for r in results] == [True, False, True, True]
    assert results[1].duplicate_of == "CM16-0100001"
    assert "employee, treatment and UR date" in results[1].messages[0]


def test_a_named_employee_identifies_duplicates_even_when_age_differs() -> None:
    a = make_case(parties={"employee": "Employee 0417", "employer": "Valley Freight Lines"})
    b = make_case(
        case_number="CM16-0100005",
        application_received="2016-03-04",
        worker={"age": 53, "sex": "male"},  # a birthday between the two applications
        parties={"employee": "employee 0417", "employer": "Valley Freight Lines"},
    )
    c = make_case(
        case_number="CM16-0100006",
        parties={"employee": "Employee 0999", "employer": "Valley Freight Lines"},
    )
    results = screen_batch([a, b, c])
    assert [r.eligible for r in results] == [True, False, True]


def test_electronic_service_gets_no_mail_extension() -> None:
    case = make_case(application_received="2016-03-14")  # UR 02/10 + 30 = 03/11 (a Friday)
    assert screen(case).eligible
    result = screen(case, mail_days=0)
    assert result.reasons == ["late"] and result.filing_deadline == dt.date(2016, 3, 11)
    assert "mail" not in result.messages[0]
