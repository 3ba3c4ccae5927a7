"""The validated knowledge base comes from the on-disk build cache until a file changes."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from openimr import build_cache
from openimr.guidelines import kb as kb_module
from openimr.guidelines.loader import DATA_DIR


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv(build_cache.CACHE_DIR_ENV, str(tmp_path / "cache"))
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    kb_module._load.cache_clear()
    yield target
    kb_module._load.cache_clear()


def test_unchanged_files_are_not_parsed_again(
    data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = kb_module.load_knowledge_base(data_copy)
    kb_module._load.cache_clear()  # as in a new process

    def no_parsing(data_dir: Path) -> list[object]:
        raise AssertionError("the guideline files were parsed again")

    monkeypatch.setattr(kb_module, "load_files", no_parsing)
    again = kb_module.load_knowledge_base(data_copy)
    assert again is not first
    assert [r.id for r in again.rows] == [r.id for r in first.rows]


def test_changed_file_is_parsed_again(data_copy: Path) -> None:
    before = kb_module.load_knowledge_base(data_copy)
    path = data_copy / "mtus" / "acupuncture_2007.yaml"
    path.write_text(path.read_text().replace("guideline: MTUS Acupuncture", "guideline: Zebra", 1))
    kb_module._load.cache_clear()
    after = kb_module.load_knowledge_base(data_copy)
    names = {d.guideline for d in after.documents.values()}
    assert "Zebra Medical Treatment Guidelines" in names
    assert names != {d.guideline for d in before.documents.values()}
    assert len(list((data_copy.parent / "cache").glob("guidelines-kb-*.pickle"))) == 1
