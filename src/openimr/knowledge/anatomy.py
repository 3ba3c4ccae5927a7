"""Anatomy: one row per DESIGN body part (data/anatomy.yaml) and the sides (data/sides.yaml).

Every stage that names a body part reads it here: the request parser's phrases, the record
readers' patterns, the guideline search's fallback terms and the engine's region rule.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from openimr.domain import request as request_module
from openimr.domain.request import BODY_PARTS, BodyPart, Laterality
from openimr.knowledge.tables import DATA_DIR, Row, Table, cached_tables, load_table

Region = Literal["spine", "upper_limb", "lower_limb", "trunk", "head"]
Half = Literal["upper", "lower"]


class Part(Row):
    part: BodyPart
    region: Region
    body_half: list[Half] = Field(min_length=1)
    level_prefixes: list[str] = Field(default_factory=list)
    joint: bool
    request_phrases: list[str] = Field(min_length=1)
    side_abbreviations: dict[str, Laterality] = Field(default_factory=dict)
    shared_phrases: list[str] = Field(default_factory=list)
    specialty_phrases: list[str] = Field(default_factory=list)
    not_part_phrases: list[str] = Field(default_factory=list)
    record_patterns: list[str] = Field(min_length=1)
    search_terms: list[str] = Field(default_factory=list)
    injury_pattern: str | None = None
    chapter: str | None = None
    letter_terms: list[str] = Field(default_factory=list)
    chapter_terms: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _chapter_has_terms(self) -> Part:
        if (self.letter_terms or self.chapter_terms) and self.chapter is None:
            raise ValueError("letter_terms and chapter_terms need a chapter")
        if self.chapter is not None and not self.letter_terms:
            raise ValueError("a chapter needs letter_terms")
        return self

    @field_validator("record_patterns")
    @classmethod
    def _compiles(cls, value: list[str]) -> list[str]:
        for pattern in value:
            _compile(pattern)
        return value

    @field_validator("injury_pattern")
    @classmethod
    def _injury_compiles(cls, value: str | None) -> str | None:
        if value is not None:
            _compile(value)
        return value

    @field_validator(
        "level_prefixes",
        "request_phrases",
        "shared_phrases",
        "specialty_phrases",
        "not_part_phrases",
        "search_terms",
    )
    @classmethod
    def _lower_case(cls, value: list[str]) -> list[str]:
        return [phrase.lower() for phrase in value]


def _compile(pattern: str) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"pattern {pattern!r} does not compile: {exc}") from None


class Side(Row):
    side: Laterality
    words: list[str] = Field(min_length=1)
    letters: list[str] = Field(default_factory=list)


def _check_parts(table: Table[Part]) -> None:
    counts = Counter(row.part for row in table.rows)
    missing = [part for part in BODY_PARTS if part not in counts]
    if missing:
        raise ValueError(f"no row for body parts {missing}")
    twice = sorted(part for part, n in counts.items() if n > 1)
    if twice:
        raise ValueError(f"more than one row for {twice}")
    for field in ("request_phrases", "side_abbreviations", "level_prefixes"):
        owner: dict[str, str] = {}
        for index, row in enumerate(table.rows):
            for phrase in getattr(row, field):
                if phrase in owner:
                    raise ValueError(
                        f"rows.{index} ({row.part}): {field} {phrase!r} is also under {owner[phrase]}"
                    )
                owner[phrase] = row.part
    shared = Counter(phrase for row in table.rows for phrase in row.shared_phrases)
    single = sorted(phrase for phrase, n in shared.items() if n < 2)
    if single:
        raise ValueError(f"shared_phrases {single} name one part only (use request_phrases)")


def _check_sides(table: Table[Side]) -> None:
    missing = {"left", "right", "bilateral"} - {row.side for row in table.rows}
    if missing:
        raise ValueError(f"no row for sides {sorted(missing)}")


class Anatomy(BaseModel):
    """The anatomy and sides tables, with the lookups the stages need."""

    model_config = ConfigDict(frozen=True)

    parts: tuple[Part, ...]
    sides: tuple[Side, ...]

    def row(self, part: str) -> Part:
        return next(row for row in self.parts if row.part == part)

    def halves(self, parts: set[str] | list[str]) -> set[str]:
        """The body halves the parts lie on (spinal findings show in the limbs of that half)."""
        return {half for row in self.parts if row.part in parts for half in row.body_half}

    def level_part(self, level: str) -> str | None:
        """The spinal region a level ("L5-S1", "C5") lies in, by its first letter."""
        prefix = level[:1].lower()
        return next((row.part for row in self.parts if prefix in row.level_prefixes), None)

    def joints(self) -> frozenset[str]:
        return frozenset(row.part for row in self.parts if row.joint)

    def request_phrases(self) -> dict[str, str]:
        return {phrase: row.part for row in self.parts for phrase in row.request_phrases}

    def side_abbreviations(self) -> dict[str, tuple[str, str]]:
        """abbreviation -> (part, side)."""
        return {
            abbrev.lower(): (row.part, side)
            for row in self.parts
            for abbrev, side in row.side_abbreviations.items()
        }

    def shared_phrases(self) -> dict[str, list[str]]:
        return _phrase_parts(self.parts, "shared_phrases")

    def specialty_phrases(self) -> dict[str, list[str]]:
        return _phrase_parts(self.parts, "specialty_phrases")

    def not_part_phrases(self) -> list[str]:
        return [phrase for row in self.parts for phrase in row.not_part_phrases]

    def record_patterns(self) -> dict[str, list[str]]:
        return {row.part: list(row.record_patterns) for row in self.parts}

    def injury_patterns(self) -> list[tuple[str, str]]:
        """(part, pattern) for the parts a case summary can name as injured, in table order."""
        return [(row.part, row.injury_pattern) for row in self.parts if row.injury_pattern]

    def search_terms(self) -> list[tuple[str, str]]:
        return [(term, row.part) for row in self.parts for term in row.search_terms]

    def chapters(self) -> list[tuple[str, list[str], list[str]]]:
        """(chapter, letter terms, chapter terms) per guideline chapter, in table order."""
        merged: dict[str, tuple[list[str], list[str]]] = {}
        for row in self.parts:
            if row.chapter is None:
                continue
            letter, chapter = merged.setdefault(row.chapter, ([], []))
            letter += [t for t in row.letter_terms if t not in letter]
            chapter += [t for t in row.chapter_terms if t not in chapter]
        return [(name, letter, chapter) for name, (letter, chapter) in merged.items()]

    def side_words(self) -> dict[str, str]:
        return {word.lower(): row.side for row in self.sides for word in row.words}

    def side_letters(self) -> dict[str, str]:
        return {letter.lower(): row.side for row in self.sides for letter in row.letters}


def _phrase_parts(rows: tuple[Part, ...], field: str) -> dict[str, list[str]]:
    """phrase -> the parts it names, in the order the phrase names them ("foot and ankle")."""
    result: dict[str, list[str]] = {}
    for row in rows:
        for phrase in getattr(row, field):
            result.setdefault(phrase, []).append(row.part)
    order = {row.part: index for index, row in enumerate(rows)}

    def _position(phrase: str, part: str) -> tuple[int, int]:
        at = phrase.find(part)
        return (at if at >= 0 else len(phrase), order[part])

    return {
        phrase: sorted(parts, key=lambda part: _position(phrase, part))
        for phrase, parts in result.items()
    }


TABLE_FILES = ("anatomy.yaml", "sides.yaml")
CODE_FILES = (Path(__file__), Path(request_module.__file__))


@cache
def load_anatomy(data_dir: Path = DATA_DIR) -> Anatomy:
    """Both tables, validated (one-line `KnowledgeBaseError` naming file and row on a bad edit);
    parsed once per change of the tables or their code (see openimr.build_cache)."""
    return cached_tables(
        "knowledge-anatomy",
        (data_dir / name for name in TABLE_FILES),
        CODE_FILES,
        lambda: _parse(data_dir),
    )


def _parse(data_dir: Path) -> Anatomy:
    parts = load_table("anatomy", Part, path=data_dir / "anatomy.yaml", check=_check_parts)
    sides = load_table("sides", Side, path=data_dir / "sides.yaml", check=_check_sides)
    return Anatomy(parts=tuple(parts.rows), sides=tuple(sides.rows))
