"""The parser never files an item under `other` silently."""

from __future__ import annotations

from openimr.requests import parse_request


def test_other_says_why_and_is_low_confidence() -> None:
    request = parse_request("Purchase of a widget frobnicator")
    assert request.category == "other" and request.confidence <= 0.25
    assert any(w.startswith("category other: no known treatment") for w in request.warnings)
    assert not parse_request("Physical therapy 2x6 for the low back").warnings
