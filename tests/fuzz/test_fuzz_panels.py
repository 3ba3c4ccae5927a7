"""Reviewer panel files (`load_panel`, `--panel FILE`): any file ends in a panel or one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzz_inputs import panel_files, read_panel, sample_panel_text
from hypothesis import HealthCheck, given, settings

from openimr.errors import InputError
from openimr.reviewers import load_panel

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(panel=panel_files())
def test_any_panel_file_loads_or_is_refused_in_one_line(work_dir: Path, panel) -> None:  # type: ignore[no-untyped-def]
    suffix, text = panel
    read_panel(work_dir / f"panel{suffix}", text)


def _panel(work_dir: Path, text: str, suffix: str = ".yaml") -> Path:
    path = work_dir / f"regression{suffix}"
    path.write_text(text, "utf-8")
    return path


@pytest.mark.parametrize(
    ("replace", "by", "field"),
    [
        # an unquoted impossible date used to raise ValueError out of yaml.safe_load
        ("years_in_practice: 18", "years_in_practice: 2018-02-30", "years_in_practice"),
        ("capacity: 12", "capacity: 2019-13-01", "capacity"),
    ],
)
def test_impossible_date_names_the_field(work_dir: Path, replace: str, by: str, field: str) -> None:
    text = sample_panel_text().replace(replace, by, 1)
    with pytest.raises(InputError, match=rf"row 1 \(R001\): {field}: "):
        load_panel(_panel(work_dir, text))


def test_date_like_code_is_kept_as_text(work_dir: Path) -> None:
    text = sample_panel_text().replace("code: R001", "code: 2018-02-30", 1)
    panel = load_panel(_panel(work_dir, text))
    assert panel[0].code == "2018-02-30"


@pytest.mark.parametrize(
    "text",
    [
        "[" * 5000 + "]" * 5000,  # flow: used to raise RecursionError after seconds
        "reviewers:\n" + "".join(" " * i + "- \n" for i in range(1, 2000)),  # block
    ],
)
def test_deep_nesting_is_refused_in_one_line(work_dir: Path, text: str) -> None:
    with pytest.raises(InputError, match=r"malformed YAML at line \d+.*nest(ed|ing)") as caught:
        load_panel(_panel(work_dir, text))
    assert "\n" not in str(caught.value)


def test_code_with_a_line_break_keeps_the_error_on_one_line(work_dir: Path) -> None:
    text = '- {code: "R001\\nR002", degree: MD}\n'
    with pytest.raises(InputError) as caught:
        load_panel(_panel(work_dir, text))
    assert "\n" not in str(caught.value)
    assert "licenses" in str(caught.value)


def test_duplicate_codes_are_refused(work_dir: Path) -> None:
    text = sample_panel_text().replace("code: R002", "code: R001", 1)
    with pytest.raises(InputError, match=r"row 2 \(R001\): code: duplicate reviewer code"):
        load_panel(_panel(work_dir, text))


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        # a bare carriage return in a field used to raise csv.Error out of load_panel
        ("code,degree\nR1,M\rD\n", r"row 1 \(R1\): degree"),
        ('code,degree\nR1,"' + "x" * 200_000 + '"\n', "malformed CSV after line 1: field larger"),
    ],
)
def test_damaged_csv_is_refused_in_one_line(work_dir: Path, text: str, needle: str) -> None:
    path = work_dir / "regression.csv"
    path.write_bytes(text.encode())
    with pytest.raises(InputError, match=needle) as caught:
        load_panel(path)
    assert "\n" not in str(caught.value)
