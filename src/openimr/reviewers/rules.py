"""Qualification, conflict-matching and deadline rules, loaded from `data/rules.yaml`."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import Field, ValidationError

from openimr.domain.common import Model
from openimr.errors import KnowledgeBaseError

DATA_DIR = Path(__file__).parent / "data"
RULES_FILE = DATA_DIR / "rules.yaml"


class QualificationRules(Model):
    min_years_in_practice_exclusive: float = Field(ge=0)
    min_hours_per_week: float = Field(ge=0)
    board_certification_required_for: list[str]
    license_in_any_state: bool = True
    provenance: str


class ConflictRules(Model):
    similarity_threshold: float = Field(ge=50, le=100)
    abbreviations: dict[str, str]
    drop_words: list[str]
    generic_words: list[str]


class DeadlineRules(Model):
    regular_calendar_days: int = Field(ge=1)
    expedited_calendar_days: int = Field(ge=1)
    formulary_working_days: int = Field(ge=1)
    formulary_rule_from: dt.date
    holidays_not_closed: list[str] = Field(default_factory=list)
    cycle_days: int = Field(gt=0)
    provenance: str


class Rules(Model):
    version: int
    qualification: QualificationRules
    conflicts: ConflictRules
    deadlines: DeadlineRules


@lru_cache(maxsize=4)
def load_rules(path: Path = RULES_FILE) -> Rules:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Rules.model_validate(data)
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeBaseError(f"{path}: cannot read rules ({exc})") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise KnowledgeBaseError(f"{path}: {where}: {first['msg']}") from None
