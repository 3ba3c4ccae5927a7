"""The treatments and categories tables: load, validate in one line, define course once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from openimr.domain.request import CATEGORIES
from openimr.errors import KnowledgeBaseError
from openimr.knowledge.tables import DATA_DIR
from openimr.knowledge.treatments import counted_in, is_course, load_treatments
from openimr.requests import parse_request


def _broken_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    path = target / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def test_every_category_has_one_row_and_treatments_load() -> None:
    tables = load_treatments()
    assert sorted(row.id for row in tables.categories) == sorted(CATEGORIES)
    ids = [row.id for row in tables.treatments]
    assert len(ids) == len(set(ids))
    assert {row.category for row in tables.treatments} <= set(CATEGORIES)


def test_unknown_category_names_file_and_row(tmp_path: Path) -> None:
    data = _broken_copy(
        tmp_path,
        "treatments.yaml",
        "- id: massage therapy\n    category: massage",
        "- id: massage therapy\n    category: spa",
    )
    with pytest.raises(KnowledgeBaseError) as err:
        load_treatments(data)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith("treatments.yaml: rows.")
    assert "(massage therapy): category" in message


def test_bad_pattern_names_the_row(tmp_path: Path) -> None:
    data = _broken_copy(
        tmp_path, "treatments.yaml", "pattern: 'biofeedback'", "pattern: 'biofeedback('"
    )
    with pytest.raises(
        KnowledgeBaseError,
        match=r"treatments\.yaml: rows\.\d+ \(biofeedback\): request\.0\.pattern",
    ):
        load_treatments(data)


def test_missing_category_row_is_refused(tmp_path: Path) -> None:
    data = _broken_copy(
        tmp_path, "categories.yaml", "  - {id: other, counted_in: none, course: false}\n", ""
    )
    with pytest.raises(
        KnowledgeBaseError, match=r"categories\.yaml: no row for categories \['other'\]"
    ):
        load_treatments(data)


def test_course_is_one_property_read_by_parser_and_engine() -> None:
    # a consultation is counted in visits but is no therapy course; physical therapy is both
    assert counted_in("consultation") == "visits" and not is_course("consultation")
    assert counted_in("physical_medicine") == "visits" and is_course("physical_medicine")
    assert counted_in("dme") == "units" and not is_course("dme")
    assert counted_in("imaging") == "none"
    assert parse_request("Physical therapy 2x4 for the lumbar spine").sessions == 8
    assert parse_request("MRI of the lumbar spine x1").sessions is None


def test_a_treatment_row_overrides_its_category(tmp_path: Path) -> None:
    data = _broken_copy(
        tmp_path,
        "treatments.yaml",
        "- id: functional capacity evaluation\n    category: consultation\n",
        "- id: functional capacity evaluation\n    category: consultation\n    counted_in: none\n",
    )
    tables = load_treatments(data)
    assert tables.counted_in("consultation", "functional capacity evaluation") == "none"
    assert tables.counted_in("consultation", "office visit") == "visits"
