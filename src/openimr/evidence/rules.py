"""Load and validate the evidence data files (target, ConText, section rules, lexicons, patterns).

Every file is checked at load time: kinds must be FACT_KINDS keys, regular expressions must
compile, ConText categories/directions must be known (body-part patterns come from the anatomy
table in openimr.knowledge, checked there). A bad row raises KnowledgeBaseError naming the file
and the row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from openimr import build_cache
from openimr.domain import facts as facts_module
from openimr.domain import request as request_module
from openimr.domain.facts import FACT_KINDS
from openimr.errors import KnowledgeBaseError
from openimr.knowledge import drugs as drug_knowledge
from openimr.knowledge.anatomy import load_anatomy
from openimr.knowledge.tables import table_sources
from openimr.knowledge.treatments import load_treatments

DATA_DIR = Path(__file__).parent / "data"

CONTEXT_CATEGORIES = {
    "NEGATED_EXISTENCE",
    "POSSIBLE_EXISTENCE",
    "HISTORICAL",
    "HYPOTHETICAL",
    "FAMILY",
    "TERMINATE",
}
CONTEXT_DIRECTIONS = {"FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE"}
SECTION_EFFECTS = {"historical", "hypothetical", "family", "none"}
# kinds a medical condition beyond the injury yields (conditions.yaml, the drug table's conditions)
CONDITION_KINDS = set(drug_knowledge.CONDITION_KINDS)


@dataclass(frozen=True)
class TargetSpec:
    """One target rule: a finding of `kind` recognised by a regular expression."""

    kind: str
    literal: str
    pattern: str | None  # None: the literal itself, matched on lower-case tokens (fast)
    value: Any = None
    attributes: dict[str, Any] = field(default_factory=dict)
    force_negated: bool = False
    exam_status: bool = False  # status read from the words next to it ("reflexes were 1+")
    test: bool = False  # an exam test: "negative" next to it means the finding is absent
    result_required: bool = False  # `test: stated`: a test named without its result is no finding

    def as_metadata(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "attributes": dict(self.attributes),
            "force_negated": self.force_negated,
            "exam_status": self.exam_status,
            "test": self.test,
            "result_required": self.result_required,
        }


@dataclass(frozen=True)
class SectionSpec:
    literal: str
    category: str
    pattern: str | None
    effect: str


@dataclass(frozen=True)
class EvidenceRules:
    targets: tuple[TargetSpec, ...]
    context_rules: tuple[dict[str, Any], ...]
    context_overrides: dict[str, dict[str, Any]]
    sections: tuple[SectionSpec, ...]
    patterns: dict[str, re.Pattern[str]]
    medications: dict[str, dict[str, str]]  # generic -> {generic, drug_class}


def _read_yaml(name: str) -> dict[str, Any]:
    path = DATA_DIR / name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeBaseError(f"{path}: cannot read: {exc}".replace("\n", " ")) from exc
    if not isinstance(data, dict) or "provenance" not in data:
        raise KnowledgeBaseError(f"{path}: must be a mapping with a 'provenance' entry")
    return data


def _compile(file: str, where: str, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise KnowledgeBaseError(f"{file}: {where}: bad regular expression: {exc}") from exc


def _check_kind(file: str, where: str, kind: str) -> None:
    if kind not in FACT_KINDS:
        raise KnowledgeBaseError(f"{file}: {where}: unknown fact kind {kind!r}")


def _load_targets() -> list[TargetSpec]:
    file = "target_rules.yaml"
    data = _read_yaml(file)
    specs: list[TargetSpec] = []
    allowed = {"kind", "literal", "pattern", "value", "attributes", "force", "exam_status", "test"}
    for i, row in enumerate(data.get("rules") or []):
        where = f"rules[{i}]"
        if not isinstance(row, dict) or not {"kind", "literal", "pattern"} <= row.keys():
            raise KnowledgeBaseError(f"{file}: {where}: needs kind, literal and pattern")
        extra = set(row) - allowed
        if extra:
            raise KnowledgeBaseError(f"{file}: {where}: unknown keys {sorted(extra)}")
        _check_kind(file, where, row["kind"])
        _compile(file, where, row["pattern"])
        if row.get("test", False) not in (True, False, "stated"):
            raise KnowledgeBaseError(f"{file}: {where}: test must be true, false or 'stated'")
        force = row.get("force")
        if force not in (None, "negated"):
            raise KnowledgeBaseError(f"{file}: {where}: force must be 'negated'")
        specs.append(
            TargetSpec(
                kind=row["kind"],
                literal=str(row["literal"]),
                pattern=row["pattern"],
                value=row.get("value"),
                attributes=dict(row.get("attributes") or {}),
                force_negated=force == "negated",
                exam_status=bool(row.get("exam_status", False)),
                test=bool(row.get("test", False)),
                result_required=row.get("test") == "stated",
            )
        )
    return specs


def _load_treatment_records() -> list[TargetSpec]:
    """Treatments given before, as records name them: the treatments table's record patterns."""
    return [
        TargetSpec(
            kind="prior_treatment",
            literal=record.modality,
            pattern=record.pattern,
            attributes={"modality": record.modality},
        )
        for record in load_treatments().record_patterns()
    ]


def _load_body_parts() -> list[TargetSpec]:
    """Body parts as records write them: the anatomy table's record patterns (validated there)."""
    specs: list[TargetSpec] = []
    for value, patterns in load_anatomy().record_patterns().items():
        # one rule per body part: fewer passes of the regex matcher
        joined = "|".join(f"(?:{p})" for p in patterns)
        specs.append(TargetSpec(kind="body_part", literal=value, pattern=joined, value=value))
    return specs


def _load_medications() -> tuple[list[TargetSpec], dict[str, dict[str, str]]]:
    """Medication target rules from the drug table (openimr.knowledge.drugs): every name a row is
    written under, and the class words (a record saying "opioids" names a medication of that
    class; the words of class `other`, such as "medications", name none)."""
    specs: list[TargetSpec] = []
    lexicon: dict[str, dict[str, str]] = {}
    for row in drug_knowledge.drug_table().rows:
        drug_class = drug_knowledge.drug_class(row.generic) or "other"
        lexicon[row.generic] = {"generic": row.generic, "drug_class": drug_class}
        attributes: dict[str, Any] = {"drug": row.generic, "drug_class": drug_class}
        if row.conditions:
            attributes["conditions"] = dict(row.conditions)
        # drug names are plain words: phrase rules (one pass for all) instead of regexes
        for name in sorted(set(row.names()), key=len, reverse=True):
            specs.append(
                TargetSpec(
                    kind="current_medication",
                    literal=name,
                    pattern=None,
                    value=row.generic,
                    attributes=dict(attributes),
                )
            )
    for klass in drug_knowledge.class_table().rows:
        if klass.name == "other":
            continue
        for word in sorted({w.lower() for w in klass.words}, key=len, reverse=True):
            specs.append(
                TargetSpec(
                    kind="current_medication",
                    literal=word,
                    pattern=None,
                    value=klass.name,
                    attributes={"drug_class": klass.name},
                )
            )
    return specs, lexicon


def _load_conditions() -> list[TargetSpec]:
    """Conditions beyond the injury: one target rule per (condition, kind it yields)."""
    file = "conditions.yaml"
    data = _read_yaml(file)
    specs: list[TargetSpec] = []
    for i, row in enumerate(data.get("conditions") or []):
        where = f"conditions[{i}]"
        value, kinds = row.get("value"), row.get("kinds") or []
        patterns = list(row.get("patterns") or [])
        if not value or not kinds or not patterns or not set(kinds) <= CONDITION_KINDS:
            raise KnowledgeBaseError(
                f"{file}: {where}: needs value, patterns and kinds from {sorted(CONDITION_KINDS)}"
            )
        for j, pattern in enumerate(patterns):
            _compile(file, f"{where}.patterns[{j}]", pattern)
        joined = "|".join(f"(?:{p})" for p in patterns)
        for kind in kinds:
            _check_kind(file, where, kind)
            specs.append(
                TargetSpec(
                    kind=kind,
                    literal=f"{value} ({kind})",
                    pattern=joined,
                    value=value,
                    attributes={"condition": value},
                )
            )
    return specs


def _load_context() -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    file = "context_rules.yaml"
    data = _read_yaml(file)
    rules: list[dict[str, Any]] = []
    allowed = {
        "literal",
        "category",
        "direction",
        "pattern",
        "allowed_types",
        "excluded_types",
        "max_scope",
    }
    for i, row in enumerate(data.get("rules") or []):
        where = f"rules[{i}]"
        if not isinstance(row, dict) or "literal" not in row or "category" not in row:
            raise KnowledgeBaseError(f"{file}: {where}: needs literal and category")
        extra = set(row) - allowed
        if extra:
            raise KnowledgeBaseError(f"{file}: {where}: unknown keys {sorted(extra)}")
        if row["category"] not in CONTEXT_CATEGORIES:
            raise KnowledgeBaseError(f"{file}: {where}: unknown category {row['category']!r}")
        if row.get("direction", "BIDIRECTIONAL") not in CONTEXT_DIRECTIONS:
            raise KnowledgeBaseError(f"{file}: {where}: unknown direction {row['direction']!r}")
        for kind in (row.get("allowed_types") or []) + (row.get("excluded_types") or []):
            _check_kind(file, where, kind)
        pattern = row.get("pattern")
        if pattern is not None and not isinstance(pattern, list):
            raise KnowledgeBaseError(f"{file}: {where}: pattern must be a token-pattern list")
        rules.append({k: v for k, v in row.items()})
    overrides: dict[str, dict[str, Any]] = {}
    for i, row in enumerate(data.get("default_overrides") or []):
        if "literal" not in row:
            raise KnowledgeBaseError(f"{file}: default_overrides[{i}]: needs literal")
        overrides[str(row["literal"]).lower()] = {k: v for k, v in row.items() if k != "literal"}
    return rules, overrides


def _load_sections() -> list[SectionSpec]:
    file = "section_rules.yaml"
    data = _read_yaml(file)
    specs: list[SectionSpec] = []
    for i, row in enumerate(data.get("sections") or []):
        where = f"sections[{i}]"
        effect = row.get("effect", "none")
        if effect not in SECTION_EFFECTS or not row.get("literal") or not row.get("category"):
            raise KnowledgeBaseError(f"{file}: {where}: needs literal, category, known effect")
        specs.append(SectionSpec(str(row["literal"]), str(row["category"]), None, effect))
    return specs


def _load_patterns() -> dict[str, re.Pattern[str]]:
    file = "value_patterns.yaml"
    data = _read_yaml(file)
    return {name: _compile(file, name, p) for name, p in (data.get("patterns") or {}).items()}


REQUIRED_PATTERNS = (
    "ur_sentence",
    "diagnosis_cue",
    "diagnosis_split",
    "uncertain",
    "date",
    "since",
    "duration",
    "long_term",
    "sessions",
    "effect_none",
    "effect_improved",
    "exam_abnormal",
    "exam_normal",
    "test_positive",
    "test_negative",
    "uds_inconsistent",
    "uds_consistent",
    "with_medication",
    "without_medication",
    "percent",
    "ongoing",
    "denial",
    "absence_cue",
    "persistent_symptoms",
    "inner_negation",
    "medication_failed",
    "red_flag_old",
    "red_flag_current",
    "history_list",
    "medication_pronoun",
)


def rules_cache_key() -> str:
    """What the parsed rules depend on: the data files, the code that reads and checks them (this
    module, the fact kinds and body parts), and PyYAML's version."""
    sources = [Path(__file__), Path(facts_module.__file__), Path(request_module.__file__)]
    return build_cache.cache_key(
        [*DATA_DIR.glob("*.yaml"), *sources, *table_sources()], ["pyyaml", "pydantic"]
    )


@lru_cache(maxsize=1)
def load_rules() -> EvidenceRules:
    """All evidence rules, loaded once per process and validated (parsed once per change of the
    rule files: the result is kept in the on-disk build cache, see openimr.build_cache)."""
    return build_cache.cached_build("evidence-rules", rules_cache_key(), parse_rules)


def parse_rules() -> EvidenceRules:
    """Read and validate every rule file (uncached)."""
    med_specs, lexicon = _load_medications()
    targets = (
        _load_targets()
        + _load_treatment_records()
        + _load_conditions()
        + _load_body_parts()
        + med_specs
    )
    context_rules, overrides = _load_context()
    patterns = _load_patterns()
    missing = [name for name in REQUIRED_PATTERNS if name not in patterns]
    if missing:
        raise KnowledgeBaseError(f"value_patterns.yaml: missing patterns {missing}")
    return EvidenceRules(
        targets=tuple(targets),
        context_rules=tuple(context_rules),
        context_overrides=overrides,
        sections=tuple(_load_sections()),
        patterns=patterns,
        medications=lexicon,
    )
