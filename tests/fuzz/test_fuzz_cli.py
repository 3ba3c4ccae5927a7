"""The commands that read panels and letters: a hostile file is exit 2 and one stderr line."""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzz_inputs import (
    EXAMPLE_CASES,
    blank_pdf,
    letter_inputs,
    letter_pdfs,
    panel_files,
    password_pdf,
    pdf_inputs,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openimr.cli import main

CASE = EXAMPLE_CASES / "massage-right-wrist.yaml"
FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    status = main(argv)
    return status, capsys.readouterr().err


def assert_refused_in_one_line(status: int, err: str) -> None:
    assert status == 2, err
    assert err.startswith("openimr: error: ") and err.count("\n") == 1, repr(err)


@pytest.mark.parametrize(
    "text",
    [
        "- {code: R001, degree: MD, licenses: [{state: CA}], specialties: [X],"
        " years_in_practice: 2018-02-30, hours_per_week: 40}\n",
        "[" * 5000,
        '- {code: "R001\\nR002", degree: MD}\n',
        "reviewers: []\n",
        "just text\n",
    ],
)
def test_assign_with_a_bad_panel(
    work_dir: Path, text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    panel = work_dir / "panel.yaml"
    panel.write_text(text, "utf-8")
    assert_refused_in_one_line(*run(["assign", str(CASE), "--panel", str(panel)], capsys))


@FUZZ
@given(panel=panel_files())
def test_assign_with_any_panel(work_dir: Path, panel, capsys) -> None:  # type: ignore[no-untyped-def]
    suffix, text = panel
    path = work_dir / f"fuzz-panel{suffix}"
    path.write_text(text, "utf-8")
    status, err = run(["assign", str(CASE), "--panel", str(path), "--json"], capsys)
    if status != 0:  # a damaged panel may still be a valid one; else it is refused cleanly
        assert_refused_in_one_line(status, err)


@pytest.mark.usefixtures("needs_letters")
@pytest.mark.parametrize("command", ["parse", "audit", "blind"])
@pytest.mark.parametrize(
    "make", [blank_pdf, password_pdf, lambda: letter_pdfs()[0][:5000], lambda: b"\x00\xff" * 9]
)
def test_letter_commands_with_a_bad_pdf(
    work_dir: Path, command: str, make, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    path = work_dir / "letter.pdf"
    path.write_bytes(make())
    assert_refused_in_one_line(*run([command, str(path)], capsys))


@pytest.mark.usefixtures("needs_letters")
@FUZZ
@given(data=pdf_inputs(), command=st.sampled_from(["parse", "audit", "blind"]))
def test_letter_commands_with_any_pdf(work_dir: Path, data: bytes, command: str, capsys) -> None:  # type: ignore[no-untyped-def]
    path = work_dir / "fuzz-letter.pdf"
    path.write_bytes(data)
    status, err = run([command, str(path)], capsys)
    if status != 0:
        assert_refused_in_one_line(status, err)


@pytest.mark.usefixtures("needs_letters")
@FUZZ
@given(text=letter_inputs(), command=st.sampled_from(["parse", "audit", "blind"]))
def test_letter_commands_with_any_text(work_dir: Path, text: str, command: str, capsys) -> None:  # type: ignore[no-untyped-def]
    path = work_dir / "fuzz-letter.txt"
    path.write_text(text, "utf-8")
    status, err = run([command, str(path)], capsys)
    if status != 0:
        assert_refused_in_one_line(status, err)
