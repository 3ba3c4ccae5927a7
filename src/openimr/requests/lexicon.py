"""Lexicons of the request parser: data files validated at load time, compiled once.

Knowledge lives in the `openimr.knowledge` tables (drugs and drug classes; body parts, sides
and services) and, for what only the parser needs, in `data/*.yaml` (number words, dose forms,
filler words); this module checks each row against a pydantic schema, names the file and row of any error,
and compiles the regular expressions the parser uses. `load_lexicon()` is cached.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from openimr import build_cache
from openimr.domain import request as request_module
from openimr.errors import KnowledgeBaseError
from openimr.knowledge import drugs as drug_knowledge
from openimr.knowledge.anatomy import Anatomy, load_anatomy
from openimr.knowledge.numbers import REQUEST_KINDS, number_words
from openimr.knowledge.tables import table_sources
from openimr.knowledge.treatments import ServicePattern, load_treatments

DATA_DIR = Path(__file__).parent / "data"

# Word boundaries that also work around punctuation such as "#" or "/".
_LEFT = r"(?<![a-z0-9])"
_RIGHT = r"(?![a-z0-9])"


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DoseForm(_Row):
    form: str
    route: str
    words: list[str]


class RouteWords(_Row):
    route: str
    words: list[str]


class DrugFormFile(_Row):
    version: int
    source: str
    dose_forms: list[DoseForm]
    routes: list[RouteWords]
    compound_markers: list[str]


class SideAbbreviation(_Row):
    part: str
    side: str


class FillerFile(_Row):
    version: int
    source: str
    words: list[str]


class Ingredient(BaseModel):
    """One generic ingredient of the drug table, as the parser sees it."""

    name: str
    drug_class: str


class DrugEntry(BaseModel):
    """What a matched drug word (generic, alias or brand) stands for."""

    drug: str  # generic names joined by "/"
    drug_class: str | None  # brand override; None = derive from ingredients
    dose_form: str | None = None


class Lexicon(BaseModel):
    """Everything the parser needs, validated and compiled."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    drug_classes: tuple[str, ...]
    ingredients: dict[str, Ingredient]
    drug_words: dict[str, DrugEntry]
    drug_re: Any
    dose_form_words: dict[str, DoseForm]
    dose_form_re: Any
    route_words: dict[str, str]
    route_re: Any
    compound_re: Any
    class_words: dict[str, str]
    class_word_re: Any
    services: list[ServicePattern]
    service_res: list[Any]
    service_any_re: Any
    services_by_first_char: dict[str, tuple[int, ...]]
    services_any_first_char: tuple[int, ...]
    body_words: dict[str, str]
    body_re: Any
    side_abbreviations: dict[str, SideAbbreviation]
    side_abbrev_re: Any
    not_body_re: Any
    side_words: dict[str, str]
    side_re: Any
    side_letters: dict[str, str]
    side_letter_re: Any
    combined_parts: dict[str, list[str]]
    combined_parts_re: Any
    specialty_parts: dict[str, list[str]]
    specialty_parts_re: Any
    numbers: dict[str, int]
    number_pattern: str
    filler_words: frozenset[str]


def _first_chars(items: Any) -> tuple[set[str] | None, bool]:
    """Characters a parsed regex can start with (None = any) and whether it can match empty."""
    # re's private parser: local, so another Python without it falls back (see load_lexicon)
    from re import _constants as c  # type: ignore[attr-defined]

    result: set[str] = set()
    for op, arg in items:
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # zero-width: look at what follows
        if op is c.LITERAL:
            result.add(chr(arg))
            return result, False
        if op is c.IN:
            for kind, value in arg:
                if kind is c.LITERAL:
                    result.add(chr(value))
                elif kind is c.RANGE:
                    result.update(chr(code) for code in range(value[0], value[1] + 1))
                else:
                    return None, False
            return result, False
        if op is c.BRANCH:
            nullable = False
            for branch in arg[1]:
                chars, empty = _first_chars(branch)
                if chars is None:
                    return None, False
                result |= chars
                nullable = nullable or empty
            if not nullable:
                return result, False
            continue
        if op is c.SUBPATTERN:
            chars, empty = _first_chars(arg[3])
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            chars, empty = _first_chars(arg[2])
            empty = empty or arg[0] == 0
        else:
            return None, False
        if chars is None:
            return None, False
        result |= chars
        if not empty:
            return result, False
    return result, True


def _index_by_first_char(patterns: list[str]) -> tuple[dict[str, tuple[int, ...]], tuple[int, ...]]:
    """Which service patterns can start with each character, so a hit tries only those."""
    from re import _parser  # type: ignore[attr-defined]  # private: load_lexicon falls back

    anywhere: list[int] = []
    by_char: dict[str, list[int]] = {}
    for index, pattern in enumerate(patterns):
        chars, empty = _first_chars(_parser.parse(pattern))
        if chars is None or empty:
            anywhere.append(index)
            continue
        for char in chars:
            by_char.setdefault(char, []).append(index)
    merged = {
        char: tuple(sorted(set(indexes) | set(anywhere))) for char, indexes in by_char.items()
    }
    return merged, tuple(anywhere)


def _read_yaml(data_dir: Path, name: str) -> Any:
    path = data_dir / name
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeBaseError(f"{path}: cannot read: {exc}") from exc


def _validate(model: type[BaseModel], data_dir: Path, name: str) -> Any:
    raw = _read_yaml(data_dir, name)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise KnowledgeBaseError(f"{data_dir / name}: {where}: {first['msg']}") from exc


def words_regex(words: list[str]) -> re.Pattern[str]:
    """One alternation of literal words, longest first, on word boundaries."""
    ordered = sorted(set(words), key=len, reverse=True)
    body = "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in ordered)
    return re.compile(f"{_LEFT}(?:{body}){_RIGHT}")


def _drug_lexicon(data_dir: Path) -> dict[str, Any]:
    """The drug fields of the Lexicon: names from the drug table, forms from drug_forms.yaml."""
    forms: DrugFormFile = _validate(DrugFormFile, data_dir, "drug_forms.yaml")
    table = drug_knowledge.drug_table()
    ingredients = {
        row.generic: Ingredient(name=row.generic, drug_class=row.drug_class)
        for row in table.rows
        if not row.is_combination and row.drug_class is not None
    }
    drug_words: dict[str, DrugEntry] = {}
    for row in table.rows:
        # a combination's own class stands for its products; a single drug's class is derived
        row_class = row.drug_class if row.is_combination else None
        for word in (row.generic, *row.aliases, *row.records):
            drug_words[word.lower()] = DrugEntry(drug=row.generic, drug_class=row_class)
        for brand in row.brands:
            drug_words[brand.name.lower()] = DrugEntry(
                drug=row.generic, drug_class=brand.drug_class or row_class, dose_form=brand.form
            )
    class_words = {
        word.lower(): row.name for row in drug_knowledge.class_table().rows for word in row.words
    }
    dose_form_words = {word: form for form in forms.dose_forms for word in form.words}
    route_words = {word: row.route for row in forms.routes for word in row.words}
    return {
        "drug_classes": drug_knowledge.drug_class_names(),
        "ingredients": ingredients,
        "drug_words": drug_words,
        "drug_re": words_regex(list(drug_words)),
        "dose_form_words": dose_form_words,
        "dose_form_re": words_regex(list(dose_form_words)),
        "route_words": route_words,
        "route_re": words_regex(list(route_words)),
        "compound_re": words_regex(forms.compound_markers),
        "class_words": class_words,
        "class_word_re": words_regex(list(class_words)),
    }


@cache
def load_lexicon(data_dir: Path = DATA_DIR) -> Lexicon:
    """Every data file loaded, validated and compiled: once per process and directory, and
    parsed only when a data file (or this module) changed; see openimr.build_cache."""
    sources = [*data_dir.glob("*.yaml"), Path(__file__), Path(request_module.__file__)]
    sources += table_sources()
    key = build_cache.cache_key(sources, ["pyyaml", "pydantic"])
    return build_cache.cached_build("requests-lexicon", key, lambda: parse_lexicon(data_dir))


def parse_lexicon(data_dir: Path = DATA_DIR) -> Lexicon:
    """Load, validate and compile every data file (uncached)."""

    def _fail(name: str, message: str) -> KnowledgeBaseError:
        return KnowledgeBaseError(f"{data_dir / name}: {message}")

    drug_fields = _drug_lexicon(data_dir)
    services = load_treatments().request_patterns()
    numbers = number_words(REQUEST_KINDS)
    filler: FillerFile = _validate(FillerFile, data_dir, "filler_words.yaml")
    body = _body_lexicon(load_anatomy())

    try:
        service_index = _index_by_first_char([row.pattern for row in services])
    except (ImportError, AttributeError, TypeError, ValueError):
        # re's private parser changed (another Python version): try every pattern at each hit
        service_index = ({}, tuple(range(len(services))))
    longest_first = sorted(numbers, key=len, reverse=True)
    number_pattern = (
        r"(?:\d+(?:\.\d+)?|"
        + "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in longest_first)
        + r")"
    )
    return Lexicon(
        **drug_fields,
        services=services,
        service_res=[re.compile(f"{_LEFT}(?:{row.pattern}){_RIGHT}") for row in services],
        # One scan finds where any service starts; the parser then tries each pattern there.
        # The left word boundary is factored out so positions inside words fail at once.
        service_any_re=re.compile(
            _LEFT + "(?:" + "|".join(f"(?:{row.pattern}){_RIGHT}" for row in services) + ")"
        ),
        services_by_first_char=service_index[0],
        services_any_first_char=service_index[1],
        **body,
        numbers=dict(numbers),
        number_pattern=number_pattern,
        filler_words=frozenset(word.lower() for word in filler.words),
    )


def _body_lexicon(anatomy: Anatomy) -> dict[str, Any]:
    """The parser's body-part and side matchers, built from the anatomy table."""
    body_words = anatomy.request_phrases()
    body_re = words_regex(list(body_words))
    side_letters = anatomy.side_letters()
    # "R hand", "bil wrists": a bare letter is a side only right before a body-part word
    letters = "|".join(re.escape(letter) for letter in sorted(side_letters, key=len, reverse=True))
    side_words = anatomy.side_words()
    combined = anatomy.shared_phrases()
    specialty = anatomy.specialty_phrases()
    abbreviations = {
        abbrev: SideAbbreviation(part=part, side=side)
        for abbrev, (part, side) in anatomy.side_abbreviations().items()
    }
    return {
        "body_words": body_words,
        "body_re": body_re,
        "side_abbreviations": abbreviations,
        "side_abbrev_re": words_regex(list(abbreviations)),
        "not_body_re": words_regex(anatomy.not_part_phrases()),
        "side_words": side_words,
        "side_re": words_regex(list(side_words)),
        "side_letters": side_letters,
        "side_letter_re": re.compile(
            rf"(?<![a-z0-9/.])(?P<side>{letters})\.?\s+(?:the\s+)?(?={body_re.pattern})"
        ),
        "combined_parts": combined,
        "combined_parts_re": words_regex(list(combined)),
        "specialty_parts": specialty,
        "specialty_parts_re": words_regex(list(specialty)),
    }
