"""Deadlines: 30 calendar days, expedited 3 days, formulary 5 working days with CA holidays."""

from __future__ import annotations

import datetime as dt

from reviewer_builders import make_case, req

from openimr.reviewers.deadlines import (
    add_business_days,
    business_days_between,
    is_business_day,
    review_deadline,
)

D = dt.date


def test_weekends_and_california_holidays_are_not_business_days() -> None:
    assert not is_business_day(D(2018, 2, 17))  # Saturday
    assert not is_business_day(D(2018, 2, 19))  # Presidents' Day
    assert not is_business_day(D(2018, 12, 25))  # Christmas
    assert not is_business_day(D(2018, 11, 23))  # day after Thanksgiving (CA)
    assert not is_business_day(D(2024, 4, 1))  # Cesar Chavez Day observed (Mar 31 is a Sunday)
    assert is_business_day(D(2018, 2, 20))


def test_commemorative_day_listed_by_the_library_is_a_business_day() -> None:
    # Susan B. Anthony Day (Feb 15) is in the holidays calendar but offices are open.
    assert is_business_day(D(2018, 2, 15))


def test_add_business_days_skips_weekend_and_holiday() -> None:
    # Wed Feb 14 2018 + 5: Thu 15, Fri 16, (Sat, Sun, Mon 19 holiday), Tue 20, Wed 21, Thu 22
    assert add_business_days(D(2018, 2, 14), 5) == D(2018, 2, 22)
    # across Christmas and New Year
    assert add_business_days(D(2017, 12, 22), 5) == D(2018, 1, 2)
    assert add_business_days(D(2018, 3, 5), 0) == D(2018, 3, 5)


def test_business_days_between_inverts_add() -> None:
    start = D(2018, 11, 19)
    for n in range(0, 25):
        assert business_days_between(start, add_business_days(start, n)) == n


def test_regular_deadline_counts_30_days_from_records_received() -> None:
    case = make_case(records_received=D(2016, 9, 12))
    deadline = review_deadline(case, [req("PT", "physical_medicine")])
    assert (deadline.start, deadline.due, deadline.rule) == (
        D(2016, 9, 12),
        D(2016, 10, 12),
        "regular",
    )
    assert deadline.start_field == "records_received"


def test_without_records_the_clock_starts_at_the_application() -> None:
    case = make_case(records_received=None, application_received=D(2016, 9, 1))
    deadline = review_deadline(case, [req("PT", "physical_medicine")])
    assert deadline.start == D(2016, 9, 1) and deadline.due == D(2016, 10, 1)
    assert deadline.start_field == "application_received"


def test_expedited_review_has_three_days() -> None:
    case = make_case(priority="expedited", records_received=D(2016, 9, 12))
    deadline = review_deadline(case, [req("MRI", "imaging")])
    assert deadline.due == D(2016, 9, 15) and deadline.rule == "expedited"


def test_formulary_drug_dispute_from_2018_has_five_working_days() -> None:
    case = make_case(
        application_received=D(2018, 2, 1),
        records_received=D(2018, 2, 14),
        date_assigned=D(2018, 2, 2),
        ur_decision={"date": D(2018, 1, 20)},
    )
    drugs = [req("Norco 10/325 #60", "medication", drug="hydrocodone/acetaminophen")]
    deadline = review_deadline(case, drugs)
    assert deadline.due == D(2018, 2, 22) and deadline.rule == "formulary"
    # a mixed dispute is not a formulary-drug dispute
    mixed = review_deadline(case, [*drugs, req("PT", "physical_medicine")])
    assert mixed.rule == "regular" and mixed.due == D(2018, 3, 16)


def test_formulary_rule_does_not_apply_before_2018() -> None:
    case = make_case(records_received=D(2017, 12, 20))
    deadline = review_deadline(case, [req("Norco", "medication")])
    assert deadline.rule == "regular" and deadline.due == D(2018, 1, 19)
