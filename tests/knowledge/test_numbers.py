"""Number words: one table, read by requests, records and the letters audit alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from openimr.errors import KnowledgeBaseError
from openimr.evidence.values import to_int
from openimr.knowledge.numbers import number_table, number_words
from openimr.requests import parse_request

SRC = Path(__file__).resolve().parents[2] / "src" / "openimr"


def test_every_reader_uses_the_one_table() -> None:
    assert number_words()["twelve"] == 12
    assert "several" not in number_words(("cardinal", "multiplier", "article"))
    assert to_int("several") == 3 and to_int("thirty six") == 36  # records: estimates too
    assert parse_request("Physical therapy twice a week for six weeks").sessions == 12
    assert not (SRC / "requests" / "data" / "number_words.yaml").exists()


def test_a_word_listed_twice_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "number_words.yaml"
    bad.write_text(
        "table: number_words\nversion: 1\nprovenance: {source: test}\nrows:\n"
        "  - {word: one, value: 1, kind: cardinal}\n  - {word: one, value: 2, kind: cardinal}\n",
        encoding="utf-8",
    )
    with pytest.raises(
        KnowledgeBaseError, match=r"number_words.yaml: rows.1 \(one\): listed twice"
    ):
        number_table.__wrapped__(bad)
