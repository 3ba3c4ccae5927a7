"""Lexicons of the request parser: data files validated at load time, compiled once.

Knowledge lives in `data/*.yaml` (drugs, number words, drug classes) and, for body parts, sides
and services, in the `openimr.knowledge` anatomy and treatments tables; this module checks each row against a pydantic schema, names the file and row of any error,
and compiles the regular expressions the parser uses. `load_lexicon()` is cached.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from openimr import build_cache
from openimr.domain import request as request_module
from openimr.errors import KnowledgeBaseError
from openimr.knowledge.anatomy import Anatomy, load_anatomy
from openimr.knowledge.tables import table_sources
from openimr.knowledge.treatments import ServicePattern, load_treatments

DATA_DIR = Path(__file__).parent / "data"

# Word boundaries that also work around punctuation such as "#" or "/".
_LEFT = r"(?<![a-z0-9])"
_RIGHT = r"(?![a-z0-9])"


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DrugClass(_Row):
    name: str
    description: str


class MmeTier(_Row):
    """A dose band of a dose-dependent factor; max_mg_per_day null = no upper bound."""

    max_mg_per_day: float | None
    factor: float


class GenericDrug(_Row):
    name: str
    drug_class: str = Field(alias="class")
    mme_factor: float | None = None
    mme_note: str | None = None
    mme_tiers: list[MmeTier] = Field(default_factory=list)
    source: str
    aliases: list[str] = Field(default_factory=list)


class BrandDrug(_Row):
    name: str
    drug: str
    drug_class: str | None = Field(default=None, alias="class")
    dose_form: str | None = None
    source: str


class DoseForm(_Row):
    form: str
    route: str
    words: list[str]


class RouteWords(_Row):
    route: str
    words: list[str]


class DrugFile(_Row):
    version: int
    sources: dict[str, str]
    generics: list[GenericDrug]
    brands: list[BrandDrug]
    dose_forms: list[DoseForm]
    routes: list[RouteWords]
    class_words: dict[str, list[str]]
    compound_markers: list[str]


class SideAbbreviation(_Row):
    part: str
    side: str


class NumberFile(_Row):
    version: int
    source: str
    numbers: dict[str, int]


class FillerFile(_Row):
    version: int
    source: str
    words: list[str]


class DrugClassFile(_Row):
    version: int
    source: str
    classes: list[DrugClass]


class Ingredient(BaseModel):
    """One generic ingredient as the parser sees it."""

    name: str
    drug_class: str
    mme_factor: float | None = None
    mme_note: str | None = None
    mme_tiers: list[MmeTier] = Field(default_factory=list)
    source: str


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


@cache
def drug_class_names(data_dir: Path = DATA_DIR) -> tuple[str, ...]:
    """The closed drug-class vocabulary, validated; the guideline knowledge base checks against it."""
    classes_file: DrugClassFile = _validate(DrugClassFile, data_dir, "drug_classes.yaml")
    return tuple(row.name for row in classes_file.classes)


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

    drug_classes = drug_class_names(data_dir)
    drugs: DrugFile = _validate(DrugFile, data_dir, "drugs.yaml")
    services = load_treatments().request_patterns()
    numbers: NumberFile = _validate(NumberFile, data_dir, "number_words.yaml")
    filler: FillerFile = _validate(FillerFile, data_dir, "filler_words.yaml")

    ingredients: dict[str, Ingredient] = {}
    drug_words: dict[str, DrugEntry] = {}
    for index, row in enumerate(drugs.generics):
        if row.drug_class not in drug_classes:
            raise _fail(
                "drugs.yaml", f"generics.{index} ({row.name}): unknown class {row.drug_class!r}"
            )
        if row.source not in drugs.sources:
            raise _fail(
                "drugs.yaml", f"generics.{index} ({row.name}): unknown source {row.source!r}"
            )
        if row.drug_class == "opioid" and row.mme_factor is None and not row.mme_note:
            raise _fail(
                "drugs.yaml", f"generics.{index} ({row.name}): opioid without MME factor or note"
            )
        ingredients[row.name] = Ingredient(
            name=row.name,
            drug_class=row.drug_class,
            mme_factor=row.mme_factor,
            mme_note=row.mme_note,
            mme_tiers=row.mme_tiers,
            source=drugs.sources[row.source],
        )
        for word in [row.name, *row.aliases]:
            drug_words[word.lower()] = DrugEntry(drug=row.name, drug_class=None)
    for index, brand in enumerate(drugs.brands):
        for part in brand.drug.split("/"):
            if part not in ingredients:
                raise _fail(
                    "drugs.yaml", f"brands.{index} ({brand.name}): unknown ingredient {part!r}"
                )
        if brand.drug_class is not None and brand.drug_class not in drug_classes:
            raise _fail(
                "drugs.yaml", f"brands.{index} ({brand.name}): unknown class {brand.drug_class!r}"
            )
        if brand.source not in drugs.sources:
            raise _fail(
                "drugs.yaml", f"brands.{index} ({brand.name}): unknown source {brand.source!r}"
            )
        drug_words[brand.name.lower()] = DrugEntry(
            drug=brand.drug, drug_class=brand.drug_class, dose_form=brand.dose_form
        )

    unknown = sorted(set(drugs.class_words) - set(drug_classes))
    if unknown:
        raise _fail("drugs.yaml", f"class_words: unknown classes {unknown}")
    class_words = {word: cls for cls, words in drugs.class_words.items() for word in words}
    dose_form_words = {word: form for form in drugs.dose_forms for word in form.words}
    route_words = {word: row.route for row in drugs.routes for word in row.words}

    body = _body_lexicon(load_anatomy())

    try:
        service_index = _index_by_first_char([row.pattern for row in services])
    except (ImportError, AttributeError, TypeError, ValueError):
        # re's private parser changed (another Python version): try every pattern at each hit
        service_index = ({}, tuple(range(len(services))))
    number_words = sorted(numbers.numbers, key=len, reverse=True)
    number_pattern = (
        r"(?:\d+(?:\.\d+)?|"
        + "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in number_words)
        + r")"
    )
    return Lexicon(
        drug_classes=drug_classes,
        ingredients=ingredients,
        drug_words=drug_words,
        drug_re=words_regex(list(drug_words)),
        dose_form_words=dose_form_words,
        dose_form_re=words_regex(list(dose_form_words)),
        route_words=route_words,
        route_re=words_regex(list(route_words)),
        compound_re=words_regex(drugs.compound_markers),
        class_words=class_words,
        class_word_re=words_regex(list(class_words)),
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
        numbers={word.lower(): value for word, value in numbers.numbers.items()},
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


def mme_factor(drug: str | None, daily_dose_mg: float | None = None) -> float | None:
    """Morphine-milligram-equivalent factor of the opioid in a drug string ("a/b"), if any.

    Dose-dependent factors (methadone) need the total daily dose in mg; without it they give
    None. Fentanyl's factor applies to a patch's mcg/h, not to mg. Non-opioids give None.
    """
    if not drug:
        return None
    lexicon = load_lexicon()
    for name in drug.lower().split("/"):
        ingredient = lexicon.ingredients.get(name.strip())
        if ingredient is None or ingredient.drug_class != "opioid":
            continue
        if ingredient.mme_tiers:
            if daily_dose_mg is None:
                return None
            for tier in ingredient.mme_tiers:
                if tier.max_mg_per_day is None or daily_dose_mg <= tier.max_mg_per_day:
                    return tier.factor
        return ingredient.mme_factor
    return None


# The engine asks for it by this name.
morphine_factor = mme_factor
