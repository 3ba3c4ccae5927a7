"""Treatments, services and devices (data/treatments.yaml) and the request categories
(data/categories.yaml): the one place a treatment's name, its category and whether it is a
course of visits are written.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from openimr.domain import request as request_module
from openimr.domain.request import CATEGORIES, Category
from openimr.knowledge.tables import DATA_DIR, Row, Table, cached_tables, load_table

CountedIn = Literal["visits", "units", "none"]


class CategoryRow(Row):
    id: Category
    counted_in: CountedIn
    course: bool


def _compiled(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"pattern {pattern!r} does not compile: {exc}") from None
    return pattern


class RequestPattern(Row):
    pattern: str
    weight: int = Field(ge=1, le=3)

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        return _compiled(value)


class RecordPattern(Row):
    """How clinical records name the treatment as one given before (a prior_treatment fact)."""

    modality: str = Field(min_length=1)  # the fact's value
    pattern: str  # regular expression, case-insensitive
    conservative: bool  # conservative care: its failure can justify more invasive care

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        return _compiled(value)


class Treatment(Row):
    id: str = Field(min_length=1)
    category: Category
    request: list[RequestPattern] = Field(default_factory=list)
    record: RecordPattern | None = None
    course: bool | None = None  # None: the category's
    counted_in: CountedIn | None = None  # None: the category's


class ServicePattern(BaseModel):
    """One request pattern with the treatment it names, as the request parser tries them."""

    model_config = ConfigDict(frozen=True)

    pattern: str
    service: str
    category: str
    weight: int


def _check_categories(table: Table[CategoryRow]) -> None:
    counts = Counter(row.id for row in table.rows)
    missing = [name for name in CATEGORIES if name not in counts]
    if missing:
        raise ValueError(f"no row for categories {missing}")
    twice = sorted(name for name, n in counts.items() if n > 1)
    if twice:
        raise ValueError(f"more than one row for {twice}")


def _check_treatments(table: Table[Treatment]) -> None:
    seen: set[str] = set()
    for index, row in enumerate(table.rows):
        if row.id in seen:
            raise ValueError(f"rows.{index} ({row.id}): id listed twice")
        seen.add(row.id)


class Treatments(BaseModel):
    """Both tables, with the lookups the stages need."""

    model_config = ConfigDict(frozen=True)

    categories: tuple[CategoryRow, ...]
    treatments: tuple[Treatment, ...]

    def category(self, name: str) -> CategoryRow:
        return next(row for row in self.categories if row.id == name)

    def treatment(self, service: str | None) -> Treatment | None:
        return next((row for row in self.treatments if row.id == service), None)

    def counted_in(self, category: str, service: str | None = None) -> CountedIn:
        """What a bare count of this request counts: visits, units or none."""
        row = self.treatment(service)
        if row is not None and row.counted_in is not None:
            return row.counted_in
        return self.category(category).counted_in

    def is_course(self, category: str, service: str | None = None) -> bool:
        """A course of therapy, continued only on functional improvement (8 CCR 9792.20)."""
        row = self.treatment(service)
        if row is not None and row.course is not None:
            return row.course
        return self.category(category).course

    def record_patterns(self) -> list[RecordPattern]:
        """The treatments records name, in file order."""
        return [row.record for row in self.treatments if row.record is not None]

    def conservative_modalities(self) -> frozenset[str]:
        return frozenset(
            record.modality for record in self.record_patterns() if record.conservative
        )

    def request_patterns(self) -> list[ServicePattern]:
        """Every request pattern in file order (the parser's tie-break order)."""
        return [
            ServicePattern(
                pattern=item.pattern, service=row.id, category=row.category, weight=item.weight
            )
            for row in self.treatments
            for item in row.request
        ]


TABLE_FILES = ("treatments.yaml", "categories.yaml")
CODE_FILES = (Path(__file__), Path(request_module.__file__))


@cache
def load_treatments(data_dir: Path = DATA_DIR) -> Treatments:
    """Both tables, validated (one-line `KnowledgeBaseError` naming file and row on a bad edit);
    parsed once per change of the tables or their code (see openimr.build_cache)."""
    return cached_tables(
        "knowledge-treatments",
        (data_dir / name for name in TABLE_FILES),
        CODE_FILES,
        lambda: _parse(data_dir),
    )


def _parse(data_dir: Path) -> Treatments:
    categories = load_table(
        "categories", CategoryRow, path=data_dir / "categories.yaml", check=_check_categories
    )
    treatments = load_table(
        "treatments", Treatment, path=data_dir / "treatments.yaml", check=_check_treatments
    )
    return Treatments(categories=tuple(categories.rows), treatments=tuple(treatments.rows))


@cache
def counted_in(category: str, service: str | None = None) -> CountedIn:
    """What a bare count of a request for `service` (in `category`) counts: visits, units, none."""
    return load_treatments().counted_in(category, service)


@cache
def is_course(category: str, service: str | None = None) -> bool:
    """Whether a request for `service` (in `category`) is a course of therapy, continued only on
    functional improvement as 8 CCR 9792.20 defines it."""
    return load_treatments().is_course(category, service)


@cache
def conservative_modalities() -> frozenset[str]:
    """Record modalities that are conservative care (its failure can justify invasive care)."""
    return load_treatments().conservative_modalities()
