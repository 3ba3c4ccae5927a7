"""Date reading helpers (a month-only date is marked so intervals can widen it) and study results."""

from __future__ import annotations

import pytest

from openimr.evidence import extract_text
from openimr.evidence import values as V


@pytest.mark.parametrize(
    ("text", "month_only"),
    [
        ("11/2016", True),
        ("November 2016", True),
        ("11-2016", True),
        ("11/14/2016", False),
        ("November 14, 2016", False),
    ],
)
def test_month_only_dates(text: str, month_only: bool) -> None:
    assert V.find_dates(text)  # read as a date either way
    assert V.month_only(text) is month_only


def test_surgery_fact_carries_the_date_precision() -> None:
    month = extract_text("She underwent right shoulder arthroscopy in 11/2016.").of_kind("surgery")
    day = extract_text("She underwent right shoulder arthroscopy on 11/14/2016.").of_kind("surgery")
    assert (
        month[0].attributes["date"] == "2016-11-01"
        and month[0].attributes["date_precision"] == "month"
    )
    assert day[0].attributes["date"] == "2016-11-14" and "date_precision" not in day[0].attributes


@pytest.mark.parametrize(
    ("sentence", "abnormal"),
    [
        (
            "EMG/NCV of the left arm on 10/01/2016 showed moderate ulnar neuropathy at the elbow.",
            True,
        ),
        ("EMG/NCV of the left arm was normal.", False),
        ("MRI of the lumbar spine revealed no evidence of disc herniation.", False),
        ("MRI of the lumbar spine revealed a disc protrusion at L4-L5.", True),
    ],
)
def test_study_results_say_whether_anything_was_found(sentence: str, abnormal: bool) -> None:
    facts = extract_text(sentence)
    results = facts.of_kind("electrodiagnostic_result") + facts.of_kind("imaging_result")
    assert results and results[0].attributes["abnormal"] is abnormal


def test_a_study_only_requested_has_no_result() -> None:
    results = extract_text("EMG/NCV of the left arm is requested.").of_kind(
        "electrodiagnostic_result"
    )
    assert all("abnormal" not in f.attributes for f in results)
