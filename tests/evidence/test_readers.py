"""The reader registry and the kinds file (data/kinds.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from openimr.errors import KnowledgeBaseError
from openimr.evidence import extract_text
from openimr.evidence.readers import KINDS_FILE, READERS, kinds_with, load_kinds, reader

HEADER = 'provenance: {source: test, reviewed: "2026-12-02"}\nkinds:\n'


def _kinds_file(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "kinds.yaml"
    all_rows = "".join(f"  {kind}: {{}}\n" for kind in READERS)
    path.write_text(HEADER + all_rows + rows, encoding="utf-8")
    return path


def test_an_unknown_kind_is_refused_at_load(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match=r"kinds.yaml: kinds: .*no_such_kind"):
        load_kinds(_kinds_file(tmp_path, "  no_such_kind: {located: true}\n"))


def test_an_unknown_flag_is_refused_at_load(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match=r"kinds.yaml: kinds.red_flag.sometimes"):
        load_kinds(_kinds_file(tmp_path, "  red_flag: {sometimes: true}\n"))


def test_a_kind_with_a_reader_needs_a_row(tmp_path: Path) -> None:
    path = tmp_path / "kinds.yaml"
    path.write_text(HEADER + "  red_flag: {located: true}\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="reader but no row"):
        load_kinds(path)


def test_a_reader_for_an_unknown_kind_is_refused() -> None:
    with pytest.raises(KnowledgeBaseError, match="unknown fact kind 'no_such_kind'"):
        reader("no_such_kind")(lambda span: None)
    with pytest.raises(KnowledgeBaseError, match="already has a reader"):
        reader("age")(lambda span: None)


def test_the_shipped_file_loads_and_gives_the_flags() -> None:
    kinds = load_kinds(KINDS_FILE)
    assert set(READERS) <= set(kinds)
    assert kinds_with("exam_test") == {"spurling", "straight_leg_raise", "tinel", "phalen"}
    assert "body_part" in kinds_with("context", False)
    assert "surgery_authorized" in kinds_with("ur_readable")


def test_readers_read_values_rename_and_drop() -> None:
    facts = extract_text("She is a 54 year old woman. Work status: deferred.")
    assert facts.value("age") == 54
    assert not facts.of_kind("work_status")  # named without being stated: dropped
    planned = extract_text("The plan is a right carpal tunnel release.")
    assert planned.of_kind("surgery_planned") and not planned.of_kind("surgery")
