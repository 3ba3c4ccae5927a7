"""The anatomy table: loads, covers the closed body-part vocabulary, refuses bad rows in one line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from openimr.domain.request import BODY_PARTS
from openimr.errors import KnowledgeBaseError
from openimr.knowledge.anatomy import load_anatomy
from openimr.knowledge.tables import DATA_DIR


def _broken_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    path = target / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def test_every_body_part_has_exactly_one_row() -> None:
    parts = [row.part for row in load_anatomy().parts]
    assert sorted(parts) == sorted(BODY_PARTS)


def test_lookups_read_the_rows() -> None:
    anatomy = load_anatomy()
    assert anatomy.request_phrases()["low back"] == "lumbar spine"
    assert anatomy.side_abbreviations()["rue"] == ("upper extremity", "right")
    assert anatomy.side_letters()["bilat"] == "bilateral"
    assert anatomy.shared_phrases()["all four extremities"] == [
        "upper extremity",
        "lower extremity",
    ]
    assert anatomy.halves({"thoracic spine"}) == {"upper", "lower"}
    assert anatomy.halves({"knee"}) == {"lower"}
    assert "knee" in anatomy.joints() and "lumbar spine" not in anatomy.joints()
    assert anatomy.level_part("L5-S1") == "lumbar spine"
    assert anatomy.level_part("C5-C6") == "cervical spine"
    assert anatomy.level_part("T12") == "thoracic spine"


def test_unknown_body_part_names_file_and_row(tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "anatomy.yaml", "- part: chest", "- part: torso")
    with pytest.raises(KnowledgeBaseError) as err:
        load_anatomy(data)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith("anatomy.yaml: rows.19 (torso): part")


def test_bad_record_pattern_names_the_row(tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "anatomy.yaml", r"'\bchest\b'", r"'\bchest(\b'")
    with pytest.raises(
        KnowledgeBaseError, match=r"anatomy\.yaml: rows\.19 \(chest\): record_patterns"
    ):
        load_anatomy(data)


def test_phrase_under_two_parts_is_refused(tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "anatomy.yaml", "[chest, rib,", "[chest, knee,")
    with pytest.raises(KnowledgeBaseError, match=r"anatomy\.yaml: .*'knee' is also under knee"):
        load_anatomy(data)


def test_missing_row_is_refused(tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "anatomy.yaml", "- part: chest", "- part: abdomen")
    with pytest.raises(
        KnowledgeBaseError, match=r"anatomy\.yaml: no row for body parts \['chest'\]"
    ):
        load_anatomy(data)
