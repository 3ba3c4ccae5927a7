"""Letters as text and as PDF bytes: parse, audit, to_case and blind end in a result or in one
line naming what is wrong, whatever the input."""

from __future__ import annotations

import random

import pytest
from fuzz_inputs import (
    blank_pdf,
    letter_inputs,
    letter_pdfs,
    letter_texts,
    mutate_bytes,
    mutate_lines,
    password_pdf,
    pdf_inputs,
    read_letter_text,
    read_pdf,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openimr.errors import InputError
from openimr.letters.parse import parse_letter

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.usefixtures("needs_letters")
@FUZZ
@given(text=letter_inputs())
def test_any_letter_text_parses_or_is_refused_in_one_line(text: str) -> None:
    read_letter_text(text)


@pytest.mark.usefixtures("needs_letters")
@settings(max_examples=50, deadline=None)
@given(rnd=st.randoms(use_true_random=False))
def test_the_seed_letter_mutated(rnd) -> None:  # type: ignore[no-untyped-def]
    read_letter_text(mutate_lines(letter_texts()[-1], rnd))


@pytest.mark.usefixtures("needs_letters")
def test_unmutated_letters_all_parse() -> None:
    """The mutations start from letters the parser reads: else the fuzzing tests only refusals."""
    for text in letter_texts():
        assert parse_letter(text).items


@pytest.mark.usefixtures("needs_letters")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=pdf_inputs())
def test_any_pdf_bytes_parse_or_are_refused_in_one_line(data: bytes) -> None:
    read_pdf(data)


@pytest.mark.usefixtures("needs_letters")
def test_real_pdf_letters_parse() -> None:
    assert all(parse_letter(data).items for data in letter_pdfs())


def test_a_valid_pdf_that_is_not_a_letter() -> None:
    with pytest.raises(InputError, match="not an IMR Final Determination Letter"):
        parse_letter(blank_pdf())


@pytest.mark.usefixtures("needs_letters")
def test_a_pdf_locked_with_a_password() -> None:
    with pytest.raises(InputError, match="encrypted with a user password"):
        parse_letter(password_pdf())


def test_bytes_that_are_not_a_pdf() -> None:
    with pytest.raises(InputError, match="not an IMR Final Determination Letter"):
        parse_letter(b"\x00\xff\xfe garbage \x89PNG")


@pytest.mark.usefixtures("needs_letters")
def test_truncated_pdf_is_one_line() -> None:
    data = letter_pdfs()[0]
    for cut in (16, len(data) // 3, len(data) - 200):
        with pytest.raises(InputError) as caught:
            parse_letter(data[:cut])
        assert "\n" not in str(caught.value)


@pytest.mark.usefixtures("needs_letters")
@pytest.mark.parametrize(
    ("seed", "letter"),
    [
        (5, 1),  # pypdf raised NotImplementedError ("StmF Method /AESV\" NOT supported!")
        (1426, 2),  # pypdf raised AttributeError ('DictionaryObject' ... 'get_data')
    ],
)
def test_damage_pypdf_used_to_crash_on_is_one_line(seed: int, letter: int) -> None:
    """Damaged dev PDFs, rebuilt from a seed, that crashed pypdf_text before it refused any
    pypdf failure as an unreadable PDF."""
    data = mutate_bytes(letter_pdfs()[letter], random.Random(seed))
    with pytest.raises(
        InputError, match=r"^PDF: unreadable PDF \((NotImplemented|Attribute)Error"
    ) as caught:
        parse_letter(data)
    assert "\n" not in str(caught.value)
