"""The drug table (`data/drugs.yaml`) and the drug-class vocabulary (`data/drug_classes.yaml`):
one place for every generic, brand, combination, morphine factor, record spelling and implied
condition. The request parser, the record reader and the engine build their matchers from here.

Names the table lacks still resolve to a generic through the maintained drug-name dictionary of
the `drug-named-entity-recognition` package (`maintained_names`), with class unknown.
"""

from __future__ import annotations

import bz2
import importlib.util
import pickle
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from openimr import build_cache
from openimr.errors import KnowledgeBaseError
from openimr.knowledge.tables import DATA_DIR, Row, Table, load_table

# The fact kinds a drug may imply (the evidence stage's condition kinds).
CONDITION_KINDS = frozenset({"comorbidity", "bleeding_risk", "cardiac_risk_factors"})
DICTIONARY_PACKAGE = "drug-named-entity-recognition"
_DICTIONARY_MODULE = "drug_named_entity_recognition"
_DICTIONARY_FILE = "drug_ner_dictionary.pkl.bz2"


class MmeTier(Row):
    """A dose band of a dose-dependent factor; max_mg_per_day null = no upper bound."""

    max_mg_per_day: float | None
    factor: float = Field(gt=0)


class Morphine(Row):
    """Oral morphine milligram equivalents per mg of the drug (fentanyl: per mcg/h)."""

    factor: float | None = Field(default=None, gt=0)
    source: Literal["cdc2016"]
    tiers: list[MmeTier] = Field(default_factory=list)
    note: str | None = None

    @model_validator(mode="after")
    def _explained(self) -> Morphine:
        if self.factor is None and not self.tiers and not self.note:
            raise ValueError("a morphine entry needs a factor, dose tiers or a note")
        if self.tiers and self.tiers[-1].max_mg_per_day is not None:
            raise ValueError("the last dose tier must be open-ended (max_mg_per_day: null)")
        return self


class Brand(Row):
    name: str = Field(min_length=1)
    form: str | None = None  # the dose form the product fixes (Duragesic: patch)
    drug_class: str | None = Field(default=None, alias="class")  # the product's own class
    source: Literal["label", "kit"] = "label"

    @model_validator(mode="before")
    @classmethod
    def _name_only(cls, value: object) -> object:
        return {"name": value} if isinstance(value, str) else value


class DrugRow(Row):
    """One generic ingredient, or one combination product ("hydrocodone/acetaminophen")."""

    generic: str = Field(min_length=1)
    drug_class: str | None = Field(default=None, alias="class")
    morphine: Morphine | None = None
    aliases: list[str] = Field(default_factory=list)
    brands: list[Brand] = Field(default_factory=list)
    records: list[str] = Field(default_factory=list)
    conditions: dict[str, str] = Field(default_factory=dict)

    @field_validator("generic")
    @classmethod
    def _lower(cls, value: str) -> str:
        if value != value.lower() or value != value.strip():
            raise ValueError("generic names are lower case, without surrounding spaces")
        return value

    @field_validator("conditions")
    @classmethod
    def _condition_kinds(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - CONDITION_KINDS)
        if unknown:
            raise ValueError(f"conditions must map {sorted(CONDITION_KINDS)}, not {unknown}")
        return value

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(self.generic.split("/"))

    @property
    def is_combination(self) -> bool:
        return len(self.parts) > 1

    def names(self) -> Iterator[str]:
        """Every name the row is written under, lower case."""
        for name in (self.generic, *self.aliases, *(b.name for b in self.brands), *self.records):
            yield name.lower()


class DrugClass(Row):
    name: str = Field(min_length=1)
    description: str
    words: list[str] = Field(default_factory=list)


class NotDrugName(Row):
    word: str = Field(min_length=1)
    why: str


def _check_classes(table: Table[DrugClass]) -> None:
    seen: dict[str, str] = {}
    for index, row in enumerate(table.rows):
        for word in row.words:
            if seen.setdefault(word.lower(), row.name) != row.name:
                raise ValueError(f"rows.{index} ({row.name}): {word!r} already names {seen[word]}")


@cache
def class_table(path: Path | None = None) -> Table[DrugClass]:
    return load_table("drug_classes", DrugClass, path=path, check=_check_classes)


@cache
def drug_class_names(path: Path | None = None) -> tuple[str, ...]:
    """The closed drug-class vocabulary, in table order."""
    return tuple(row.name for row in class_table(path).rows)


def _checker(classes: tuple[str, ...]):  # noqa: ANN202 - a load_table check
    def check(table: Table[DrugRow]) -> None:
        singles = {row.generic for row in table.rows if not row.is_combination}
        owner: dict[str, str] = {}
        for index, row in enumerate(table.rows):
            where = f"rows.{index} ({row.generic})"
            if row.drug_class is None and not row.is_combination:
                raise ValueError(f"{where}: class: a single ingredient needs a class")
            for klass in [row.drug_class, *(b.drug_class for b in row.brands)]:
                if klass is not None and klass not in classes:
                    raise ValueError(f"{where}: unknown class {klass!r}")
            for part in row.parts if row.is_combination else ():
                if part not in singles:
                    raise ValueError(f"{where}: combination part {part!r} is not a known generic")
            if row.drug_class == "opioid" and row.morphine is None and not row.is_combination:
                # a combination's factor is its opioid ingredient's
                raise ValueError(
                    f"{where}: an opioid needs a morphine entry (factor, tiers or note)"
                )
            for name in row.names():
                if owner.setdefault(name, row.generic) != row.generic:
                    raise ValueError(f"{where}: name {name!r} already belongs to {owner[name]}")

    return check


@cache
def drug_table(path: Path | None = None, classes_path: Path | None = None) -> Table[DrugRow]:
    """The drug table, validated (classes known, combination parts known, names unique)."""
    return load_table("drugs", DrugRow, path=path, check=_checker(drug_class_names(classes_path)))


@cache
def drug_rows(path: Path | None = None) -> dict[str, DrugRow]:
    """Rows by generic name."""
    return {row.generic: row for row in drug_table(path).rows}


def drug_class(generic: str | None, path: Path | None = None) -> str | None:
    """The class of a generic or combination: the row's, else its ingredients' (an opioid part
    makes an opioid, else the first part that is not `other`); None when the table lacks it."""
    if not generic:
        return None
    rows = drug_rows(path)
    row = rows.get(generic)
    if row is not None and row.drug_class is not None:
        return row.drug_class
    classes = [rows[p].drug_class for p in generic.split("/") if p in rows]
    if not classes:
        return None
    if "opioid" in classes:
        return "opioid"
    return next((c for c in classes if c != "other"), "other")


def morphine_factor(drug: str | None, daily_dose_mg: float | None = None) -> float | None:
    """Morphine-milligram-equivalent factor of the opioid in a drug string ("a/b"), if any.

    Dose-dependent factors (methadone) come from the dose tiers and need the total daily dose
    in mg; without it they give None. Fentanyl's factor applies to a patch's mcg/h, not to mg.
    Non-opioids and drugs the table lacks give None.
    """
    if not drug:
        return None
    rows = drug_rows()
    for name in drug.lower().split("/"):
        row = rows.get(name.strip())
        if row is None or row.morphine is None:
            continue
        if row.morphine.tiers:
            if daily_dose_mg is None:
                return None
            for tier in row.morphine.tiers:
                if tier.max_mg_per_day is None or daily_dose_mg <= tier.max_mg_per_day:
                    return tier.factor
        return row.morphine.factor
    return None


@cache
def not_drug_names(path: Path | None = None) -> frozenset[str]:
    return frozenset(
        row.word.lower() for row in load_table("not_drug_names", NotDrugName, path=path).rows
    )


# ------------------------------------------------------------------ maintained dictionary


# "fentanyl patch", "diclofenac (arthritis pain)", "insulin detemir (rdna origin)": the
# dictionary's canonical names carry forms and uses that are not part of the generic.
_PARENTHESIS = re.compile(r"\s*\([^)]*\)")
_FORM_WORDS = re.compile(
    r"\s+(?:patch|buccal|sublingual|nasal|oral|topical|transdermal|injection|injectable|rectal|"
    r"ophthalmic|otic|extended-release|er|xr|cr|tablets?|capsules?|solution|spray|"
    r"suppository|cream|gel|ointment)\b.*$"
)
_JOIN = re.compile(r"\s*(?:,\s*and|,|\band\b|/)\s*")


def _generic_of(canonical: str) -> str | None:
    name = _PARENTHESIS.sub("", canonical.lower()).strip()
    name = _FORM_WORDS.sub("", name).strip()
    parts = [p.strip() for p in _JOIN.split(name) if p.strip()]
    return "/".join(parts) or None


def _dictionary_file() -> Path:
    # find_spec of the top-level package only locates it: the package's heavy __init__ never runs
    spec = importlib.util.find_spec(_DICTIONARY_MODULE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for folder in locations:
        path = Path(folder) / _DICTIONARY_FILE
        if path.exists():
            return path
    raise KnowledgeBaseError(f"{DICTIONARY_PACKAGE}: {_DICTIONARY_FILE} not found; reinstall it")


def _stopwords(folder: Path) -> frozenset[str]:
    """The library's own stop list (`util.stopwords`), read as data, not imported."""
    text = (folder / "util.py").read_text(encoding="utf-8")
    start = text.find("stopwords = {")
    end = text.find("}", start)
    if start < 0 or end < 0:
        return frozenset()
    return frozenset(re.findall(r"'([^']*)'", text[start:end]))


def _build_maintained(path: Path) -> dict[str, str]:
    with bz2.open(path, "rb") as handle:
        data = pickle.load(handle)  # noqa: S301 - the installed package's own data file
    canonical_data: dict[str, dict] = data["drug_canonical_to_data"]
    skip = _stopwords(path.parent) | not_drug_names()
    names: dict[str, str] = {}
    for variant, canonicals in data["drug_variant_to_canonical"].items():
        if len(variant) < 4 or variant in skip or not canonicals:
            continue
        entry = canonical_data.get(canonicals[0], {})
        # MeSH-only entries are classes or reagents ("analgesics, opioid", "sulfates"), not drugs
        if not (entry.get("drugbank_id") or entry.get("medline_plus_id")):
            continue
        generic = _generic_of(canonicals[0])
        if generic:
            names[variant] = generic
    return names


@cache
def maintained_names() -> dict[str, str]:
    """Variant (lower case) -> generic (lower case, parts joined by "/"), from the maintained
    dictionary: brands and generics alike. Built once per version
    of the package and of this module, then read from openimr.build_cache."""
    path = _dictionary_file()
    sources = [path, Path(__file__), DATA_DIR / "not_drug_names.yaml"]
    key = build_cache.cache_key(sources, [DICTIONARY_PACKAGE, "pydantic"])
    return build_cache.cached_build("drug-names", key, lambda: _build_maintained(path))


def knowledge_files() -> list[Path]:
    """What the drug matchers are built from, for the stages' cache keys."""
    return [DATA_DIR / "drugs.yaml", DATA_DIR / "drug_classes.yaml", Path(__file__)]
