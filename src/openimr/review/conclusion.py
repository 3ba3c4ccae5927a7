"""What a decision rationale concludes: the outcome its closing statement of medical necessity
states, read with the cues in `data/conclusions.yaml`. Used to refuse a letter that contradicts
itself (an outcome changed to Overturned under a rationale that still says "not medically
necessary")."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pydantic import Field, field_validator

from openimr.domain.common import Model
from openimr.domain.determination import Outcome
from openimr.errors import KnowledgeBaseError
from openimr.safe_yaml import load_yaml

DATA = Path(__file__).parent / "data" / "conclusions.yaml"


class Cue(Model):
    outcome: Outcome
    pattern: str

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a regular expression ({exc})") from None
        return value


class ConclusionCues(Model):
    version: int
    provenance: str = Field(min_length=1)
    numbers_verified: bool
    cues: list[Cue] = Field(min_length=1)


class StatedConclusion(Model):
    outcome: Outcome
    sentence: str  # the words that state it, for the error message


@cache
def load_cues(path: Path = DATA) -> list[tuple[Outcome, re.Pattern[str]]]:
    try:
        table = ConclusionCues.model_validate(load_yaml(path.read_text("utf-8"), str(path)))
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        first = " ".join(str(exc).split())
        raise KnowledgeBaseError(f"{path.name}: {first}") from None
    return [(cue.outcome, re.compile(cue.pattern, re.IGNORECASE)) for cue in table.cues]


def stated_outcome(rationale: str) -> StatedConclusion | None:
    """The outcome the rationale's last statement of medical necessity gives, or None."""
    best: tuple[int, int, Outcome, str] | None = None
    for outcome, pattern in load_cues():
        for match in pattern.finditer(rationale):
            key = (match.end(), -match.start())
            if best is None or key > best[:2]:
                best = (*key, outcome, match.group(0))
    if best is None:
        return None
    return StatedConclusion(outcome=best[2], sentence=" ".join(best[3].split()))
