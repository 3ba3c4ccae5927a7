"""Data files of the letters package (page furniture, guideline titles, audit vocabularies);
body regions come from the anatomy table in openimr.knowledge.

Each file is validated when loaded: a bad row raises KnowledgeBaseError naming the file and row.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from openimr.errors import KnowledgeBaseError
from openimr.knowledge.anatomy import load_anatomy
from openimr.knowledge.drugs import class_table, drug_class, drug_class_names, drug_table

DATA_DIR = Path(__file__).parent / "data"


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FurniturePattern(_Row):
    pattern: str
    why: str


class GuidelineTitle(_Row):
    title: str
    source: Literal["MTUS", "ODG", "ACOEM", "other"]


class TopicRow(_Row):
    """A treatment topic: words naming it in an item/summary, words naming it in a citation."""

    topic: str
    item_terms: list[str] = Field(min_length=1)
    citation_terms: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    drug_classes: list[str] = Field(default_factory=list)  # their drug names are item terms


class BodyRegionRow(_Row):
    region: str
    terms: list[str] = Field(min_length=1)
    guideline_terms: list[str] = Field(default_factory=list)


class FamilyRow(_Row):
    family: str
    terms: list[str] = Field(min_length=1)
    topics: list[str] = Field(min_length=1)


class SpecialtyRow(_Row):
    specialty: str
    unrelated_categories: list[str] = Field(default_factory=list)


def _load_yaml(name: str) -> dict[str, Any]:
    path = DATA_DIR / name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeBaseError(f"{path}: cannot read ({' '.join(str(exc).split())})") from exc
    if not isinstance(data, dict):
        raise KnowledgeBaseError(f"{path}: expected a mapping at the top level")
    return data


def _rows(name: str, key: str, model: type[_Row]) -> list[Any]:
    data = _load_yaml(name)
    rows = data.get(key)
    if not isinstance(rows, list) or not rows:
        raise KnowledgeBaseError(f"{DATA_DIR / name}: '{key}' must be a non-empty list")
    out = []
    for index, row in enumerate(rows):
        try:
            out.append(model.model_validate(row))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise KnowledgeBaseError(
                f"{DATA_DIR / name}: {key}[{index}] {where}: {first['msg']}"
            ) from exc
    return out


@lru_cache(maxsize=1)
def furniture_regexes() -> tuple[re.Pattern[str], ...]:
    rows: list[FurniturePattern] = _rows("page_furniture.yaml", "patterns", FurniturePattern)
    out = []
    for index, row in enumerate(rows):
        try:
            out.append(re.compile(row.pattern, re.IGNORECASE))
        except re.error as exc:
            raise KnowledgeBaseError(
                f"{DATA_DIR / 'page_furniture.yaml'}: patterns[{index}]: bad regex ({exc})"
            ) from exc
    return tuple(out)


@lru_cache(maxsize=1)
def furniture_regex() -> re.Pattern[str]:
    """All furniture patterns as one alternation (one match call a line)."""
    return re.compile("|".join(f"(?:{rx.pattern})" for rx in furniture_regexes()), re.IGNORECASE)


@lru_cache(maxsize=1)
def guideline_titles() -> tuple[GuidelineTitle, ...]:
    rows: list[GuidelineTitle] = _rows("guideline_names.yaml", "guidelines", GuidelineTitle)
    return tuple(sorted(rows, key=lambda r: -len(r.title)))


def _drug_names_by_class() -> dict[str, set[str]]:
    """Every name of the drug table (generic, alias, brand, record name) and every class word,
    under its drug class: the one drug vocabulary, read by class."""
    names: dict[str, set[str]] = {}
    for row in drug_table().rows:
        klass = drug_class(row.generic) or "other"
        names.setdefault(klass, set()).update(row.names())
        for brand in row.brands:
            # a compounded kit is also a compound drug, whatever its active ingredient
            if brand.drug_class or brand.source == "kit":
                names.setdefault(brand.drug_class or "compound", set()).add(brand.name.lower())
    for klass in class_table().rows:
        names.setdefault(klass.name, set()).update(word.lower() for word in klass.words)
    return names


@lru_cache(maxsize=1)
def treatment_topics() -> tuple[TopicRow, ...]:
    rows: list[TopicRow] = _rows("audit_vocabulary.yaml", "topics", TopicRow)
    known = set(drug_class_names())
    for index, row in enumerate(rows):
        unknown = sorted(set(row.drug_classes) - known)
        if unknown:
            raise KnowledgeBaseError(
                f"{DATA_DIR / 'audit_vocabulary.yaml'}: topics[{index}] ({row.topic}): "
                f"unknown drug classes {unknown}"
            )
    names = _drug_names_by_class()

    def drug_names(row: TopicRow) -> list[str]:
        return sorted({name for klass in row.drug_classes for name in names.get(klass, ())})

    # guideline sections are named after drugs ("Tramadol (Ultram)"), so a citation naming a drug
    # of the topic's classes, with any ending, addresses the topic as much as an item naming it
    return tuple(
        row.model_copy(
            update={
                "item_terms": [*row.item_terms, *drug_names(row)],
                "citation_terms": [*row.citation_terms, *(f"{n}*" for n in drug_names(row))],
            }
        )
        for row in rows
    )


@lru_cache(maxsize=1)
def body_regions() -> tuple[BodyRegionRow, ...]:
    """The guideline chapters of the anatomy table, with their letter and citation words."""
    return tuple(
        BodyRegionRow(region=name, terms=letter, guideline_terms=chapter)
        for name, letter, chapter in load_anatomy().chapters()
    )


@lru_cache(maxsize=1)
def specialty_rows() -> tuple[SpecialtyRow, ...]:
    return tuple(_rows("audit_vocabulary.yaml", "specialties", SpecialtyRow))


@lru_cache(maxsize=1)
def topic_families() -> tuple[FamilyRow, ...]:
    rows: list[FamilyRow] = _rows("audit_vocabulary.yaml", "families", FamilyRow)
    known = {row.topic for row in treatment_topics()}
    for index, row in enumerate(rows):
        unknown = sorted(set(row.topics) - known)
        if unknown:
            raise KnowledgeBaseError(
                f"{DATA_DIR / 'audit_vocabulary.yaml'}: families[{index}] names unknown topic(s)"
                f" {', '.join(unknown)}"
            )
    return tuple(rows)


@lru_cache(maxsize=1)
def generic_words() -> frozenset[str]:
    words = _load_yaml("audit_vocabulary.yaml").get("generic_words")
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise KnowledgeBaseError(
            f"{DATA_DIR / 'audit_vocabulary.yaml'}: generic_words must be a list of words"
        )
    return frozenset(w.lower() for w in words)


@lru_cache(maxsize=1)
def perioperative_markers() -> tuple[str, ...]:
    words = _load_yaml("audit_vocabulary.yaml").get("perioperative_markers")
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise KnowledgeBaseError(
            f"{DATA_DIR / 'audit_vocabulary.yaml'}: perioperative_markers must be a list of phrases"
        )
    return tuple(w.lower() for w in words)
