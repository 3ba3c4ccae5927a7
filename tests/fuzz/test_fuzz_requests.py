"""Request texts: `parse_request` never raises and stays inside DESIGN.md's vocabularies."""

from __future__ import annotations

from fuzz_inputs import PARTIAL, read_request, request_inputs
from hypothesis import given, settings

FUZZ = settings(max_examples=200, deadline=None)


@FUZZ
@given(text=request_inputs())
def test_any_request_text_gives_a_request_in_the_vocabulary(text: str) -> None:
    read_request(text)


def test_the_partial_authorization_template_is_the_one_the_parser_reads() -> None:
    """Else the nested partial authorizations the fuzzing builds would test plain text only."""
    request = read_request(
        PARTIAL.format(
            x="Physical therapy 12 sessions lumbar spine",
            y="Physical therapy 6 sessions",
            z="Physical therapy 6 sessions",
        )
    )
    assert request.partial_authorization is not None
    assert request.category == "physical_medicine"
    assert request.sessions == 6
    assert request.body_parts == ["lumbar spine"]


def test_huge_numbers_are_not_taken_as_counts() -> None:
    request = read_request("Norco 10/325mg #" + "9" * 40 + " x " + "9" * 40 + " weeks")
    assert request.category == "medication"
