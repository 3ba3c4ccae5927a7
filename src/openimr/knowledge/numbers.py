"""Number words (`data/number_words.yaml`): one table for every reader of counts."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field

from openimr.knowledge.tables import Row, Table, load_table

Kind = Literal["cardinal", "multiplier", "article", "estimate"]
# what a request, a record or a letter means by a number word
REQUEST_KINDS: tuple[Kind, ...] = ("cardinal", "multiplier", "article")
RECORD_KINDS: tuple[Kind, ...] = ("cardinal", "multiplier", "article", "estimate")


class NumberWord(Row):
    word: str = Field(min_length=1, pattern=r"^[a-z][a-z -]*$")
    value: int = Field(ge=0)
    kind: Kind


def _unique(table: Table[NumberWord]) -> None:
    seen: set[str] = set()
    for index, row in enumerate(table.rows):
        if row.word in seen:
            raise ValueError(f"rows.{index} ({row.word}): listed twice")
        seen.add(row.word)


@cache
def number_table(path: Path | None = None) -> Table[NumberWord]:
    return load_table("number_words", NumberWord, path=path, check=_unique)


def number_words(kinds: Iterable[Kind] = ("cardinal",)) -> dict[str, int]:
    """Word -> value for the words of these kinds."""
    wanted = set(kinds)
    return {row.word: row.value for row in number_table().rows if row.kind in wanted}
