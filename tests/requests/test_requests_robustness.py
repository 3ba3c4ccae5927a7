"""Robustness: any string gives a TreatmentRequest, never an exception (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openimr.domain.request import BODY_PARTS, CATEGORIES, TreatmentRequest
from openimr.requests import parse_request

VOCAB = st.sampled_from(
    [
        "Norco",
        "10/325mg",
        "#60",
        "physical",
        "therapy",
        "2-3",
        "times",
        "a",
        "week",
        "for",
        "6",
        "weeks",
        "L4-5",
        "L5-S1",
        "left",
        "right",
        "bilateral",
        "was the original request.",
        "was authorized by the Claims Administrator.",
        "The remaining IMR eligible portion of the original request,",
        "is",
        "MRI",
        "without",
        "contrast",
        "x",
        "(12)",
        "sessions",
        "of",
        "the",
        "knee",
        "EMG/NCV",
        "%",
        "mg",
        "refills",
        "twice",
        "daily",
        "Acupuncture",
        "#",
        "times 6",
        "",
    ]
)


def _valid(result: TreatmentRequest, text: str) -> None:
    assert isinstance(result, TreatmentRequest)
    assert result.text == text
    assert result.category in CATEGORIES
    assert all(part in BODY_PARTS for part in result.body_parts)
    assert 0.0 <= result.confidence <= 1.0
    # the catch-all in parse_request is a safety net, not a code path
    assert not any(span.startswith("<parser error") for span in result.unparsed_spans)
    for number in (
        result.quantity,
        result.sessions,
        result.frequency_per_week,
        result.duration_weeks,
    ):
        assert number is None or number >= 0


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_unicode_string(text: str) -> None:
    _valid(parse_request(text), text)


@settings(max_examples=200, deadline=None)
@given(st.lists(VOCAB, max_size=30).map(" ".join))
def test_shuffled_request_words(text: str) -> None:
    _valid(parse_request(text), text)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_binary_garbage(text: str) -> None:
    _valid(parse_request(text), text)


def test_empty_and_blank_have_zero_confidence() -> None:
    for text in ("", "   ", "\n\t"):
        result = parse_request(text)
        assert result.category == "other"
        assert result.confidence == 0.0


def test_garbage_has_low_confidence_and_reports_what_it_did_not_read() -> None:
    result = parse_request("qwzx blorft zzzyx 7/7/7/7 ###")
    assert result.category == "other"
    assert result.confidence < 0.3
    assert result.unparsed_spans


LONG_REQUEST = ("Physical therapy 2 times a week for 6 weeks L4-5 left knee #3 " * 200)[:10_000]


def test_ten_thousand_characters_are_safe() -> None:
    # its speed is measured in benchmarks/timing_limits_bench.py
    text = LONG_REQUEST
    result = parse_request(text)
    _valid(result, text)
    assert result.category == "physical_medicine"
    assert any("not read" in span for span in result.unparsed_spans)


def test_non_string_input_does_not_raise() -> None:
    assert parse_request(None).text == ""  # type: ignore[arg-type]
    assert parse_request(12345).text == "12345"  # type: ignore[arg-type]


PATHOLOGICAL = [
    "Norco #" + "1" * 3900,
    "Norco " + "1" * 3000 + "mg",
    "Lidocaine " + "1" * 3000 + "g",
    "Norco " + "11/" * 1300,
    "Norco " + "1.1-" * 1000 + "x",
    "PT x " + "9" * 3000,
    "( " * 2000,
    "x was the original request. " * 140,
    "L4-5 " * 800,
    "two to " * 570,
]


@pytest.mark.parametrize("text", PATHOLOGICAL, ids=lambda text: text[:12])
def test_pathological_inputs_are_read_safely(text: str) -> None:
    # their speed (no quadratic backtracking) is measured in benchmarks/timing_limits_bench.py
    result = parse_request(text)
    _valid(result, text)
