"""A guideline recommendation row and its machine-checkable criteria (the knowledge base schema)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal, get_args

from pydantic import ConfigDict, Field, SerializeAsAny, model_validator

from openimr.domain.common import Model
from openimr.domain.facts import FACT_KINDS
from openimr.domain.request import BodyPart, Category

SearchLevel = Literal["mtus", "acoem_odg", "other_guideline", "peer_reviewed"]
Status = Literal["recommended", "not_recommended", "conditionally_recommended"]
Phase = Literal["acute", "subacute", "chronic", "post_surgical"]

# Where the search sequence of 8 CCR 9792.21.1 went when the MTUS was silent (steps 2-4).
LEVEL_STEPS: dict[SearchLevel, str] = {
    "mtus": "the MTUS",
    "acoem_odg": "current ACOEM or ODG guidelines",
    "other_guideline": "other nationally recognized evidence-based guidelines",
    "peer_reviewed": "peer-reviewed studies, as no guideline in the knowledge base addresses it",
}


def mtus_silence_note(
    level: SearchLevel | None, review_date: dt.date | None, date_format: str = "%Y-%m-%d"
) -> str | None:
    """The plain sentence saying no MTUS guideline addressed the treatment (None when one did).

    `review_date` None: the search considered every edition, so the sentence says so.
    """
    if level is None or level == "mtus":
        return None
    when = f"in force on {review_date:{date_format}}" if review_date else "of any edition"
    return (
        f"No MTUS guideline {when} addresses this treatment; "
        f"the search went on to {LEVEL_STEPS[level]}."
    )


class CheckParams(Model):
    """The params of one criterion check: a frozen model per check (the schemas are
    `openimr.guidelines.check_params`), so an unknown key fails when the row is loaded and no code
    can change a criterion's params afterwards."""

    model_config = ConfigDict(frozen=True)
    check: ClassVar[str] = ""  # the check these params are for (its name in the YAML rows)


TreatmentUse = Literal["initial", "continuation"]


class AppliesIf(Model):
    """When a criterion applies; every condition given must hold.

    `when`: the requested treatment was given before (continuation) or not (initial);
    `with_facts` / `without_facts`: fact kinds the record asserts / does not assert.
    """

    model_config = ConfigDict(frozen=True)
    when: TreatmentUse | None = None
    with_facts: tuple[str, ...] = ()
    without_facts: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _known(self) -> AppliesIf:
        if self.when is None and not self.with_facts and not self.without_facts:
            raise ValueError("applies_if needs when, with_facts or without_facts")
        unknown = [k for k in (*self.with_facts, *self.without_facts) if k not in FACT_KINDS]
        if unknown:
            raise ValueError(f"unknown fact kind(s) {unknown}")
        return self

    def describe(self) -> str:
        """The condition as the trace has always shown it ("continuation", "!surgery_authorized")."""
        parts = [self.when] if self.when else []
        parts += list(self.with_facts) + [f"!{k}" for k in self.without_facts]
        return " and ".join(parts)


# What a criterion is to the guideline, read from its wording (guidelines/data/README.md); the
# outcome rule (engine/outcome.py) says what met / not met / not documented does for each role.
Role = Literal["limit", "prerequisite", "indication", "context", "exclusion", "monitoring"]
ROLES: tuple[Role, ...] = get_args(Role)


class Criterion(Model):
    model_config = ConfigDict(frozen=True)
    id: str
    description: str  # our own words; rendered into the trace and rationale
    check: str  # a check of the engine's registry; its params schema is `params`' class
    role: Role  # no default: every criterion says what it is to the guideline
    params: SerializeAsAny[CheckParams]
    applies_if: AppliesIf | None = None  # None: the criterion always applies
    required: bool = True  # a required criterion not met/not documented leads to Upheld
    gap: str | None = None  # documentation that would satisfy it ("approvable if ...")

    @model_validator(mode="after")
    def _params_for_check(self) -> Criterion:
        if type(self.params).check != self.check:
            raise ValueError(
                f"params for {type(self.params).check or 'no check'} given to check {self.check}"
            )
        return self


class Limits(Model):
    visits: int | None = None
    visits_min: int | None = None
    frequency_per_week: float | None = None
    duration_weeks: float | None = None
    trial_visits: int | None = None
    days_supply: int | None = None
    dose_mg_per_day: float | None = None
    morphine_equivalent_mg: float | None = None
    quantity: int | None = None


class Provenance(Model):
    source: (
        str  # where the content came from, e.g. "guidelines-facts.md C.2; dev letters quoting p.60"
    )
    numbers_verified: bool = False
    checked_against: list[str] = Field(default_factory=list)  # e.g. letter case numbers quoting it


class Treatments(Model):
    categories: list[Category] = Field(default_factory=list)
    services: list[str] = Field(default_factory=list)
    drugs: list[str] = Field(default_factory=list)
    drug_classes: list[str] = Field(default_factory=list)
    synonyms: list[str] = Field(default_factory=list)
    # the row speaks to the treatment as part of care with these drug classes (urine testing in
    # the opioid guideline's monitoring section): preferred when the worker takes one of them
    while_taking: list[str] = Field(default_factory=list)


class Recommendation(Model):
    id: str
    guideline: str  # e.g. "MTUS Chronic Pain Medical Treatment Guidelines"
    edition: str  # e.g. "2009" or "2016"
    chapter: str | None = None
    section: str
    pages: str | None = None
    level: SearchLevel = "mtus"
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    treatments: Treatments
    body_parts: list[BodyPart] = Field(default_factory=list)
    phases: list[Phase] = Field(default_factory=list)
    status: Status
    limits: Limits = Field(default_factory=Limits)
    criteria: list[Criterion] = Field(default_factory=list)
    evidence_strength: str | None = None
    provenance: Provenance
    rationale: str  # short, our own words

    def citation_text(self) -> str:
        """How a letter cites this row: "<guideline> <edition>, Section(s): <section>[, Page(s): p]"."""
        text = f"{self.guideline} {self.edition}, Section(s): {self.section}"
        if self.pages:
            text += f", Page(s): {self.pages}"
        return text


class GoverningDocument(Model):
    """The guideline document whose row the search ranks first for a request, from `start` to
    `end` (inclusive; None: open)."""

    document: str
    start: dt.date | None = None
    end: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)
