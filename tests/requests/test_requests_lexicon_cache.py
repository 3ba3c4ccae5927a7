"""The parsed request lexicon comes from the on-disk build cache until a data file changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from openimr import build_cache
from openimr.requests import lexicon


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(build_cache.CACHE_DIR_ENV, str(tmp_path / "cache"))
    target = tmp_path / "data"
    shutil.copytree(lexicon.DATA_DIR, target)
    lexicon.load_lexicon.cache_clear()
    return target


def test_unchanged_files_are_not_parsed_again(
    data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = lexicon.load_lexicon(data_copy)
    lexicon.load_lexicon.cache_clear()  # as in a new process

    def no_parsing(data_dir: Path) -> lexicon.Lexicon:
        raise AssertionError("the lexicon was parsed again")

    monkeypatch.setattr(lexicon, "parse_lexicon", no_parsing)
    assert lexicon.load_lexicon(data_copy) == parsed


def test_changed_file_is_parsed_again(data_copy: Path) -> None:
    assert "zebratab" not in lexicon.load_lexicon(data_copy).dose_form_words
    path = data_copy / "drug_forms.yaml"
    row = "words: [tablet, tablets, tab, tabs]"
    text = path.read_text()
    assert row in text
    lexicon.load_lexicon.cache_clear()
    path.write_text(text.replace(row, row.replace("tabs", "tabs, zebratab"), 1))
    assert "zebratab" in lexicon.load_lexicon(data_copy).dose_form_words
    assert len(list((data_copy.parent / "cache").glob("requests-lexicon-*.pickle"))) == 1
