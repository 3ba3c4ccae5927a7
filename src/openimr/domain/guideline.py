"""A guideline recommendation row and its machine-checkable criteria (the knowledge base schema)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field

from openimr.domain.common import Model
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


# Criterion checks the engine knows how to evaluate. `params` are per check:
#   sessions_at_most {max}                    requested sessions (freq x weeks when only those given)
#   frequency_at_most {max}                   visits per week
#   duration_at_most {weeks}                  requested weeks
#   quantity_at_most {max}                    units dispensed per fill
#   fact_present {kind, [attributes]}         an asserted fact of that kind in the record
#   fact_absent {kind}                        no asserted fact of that kind
#   any_fact_present {kinds: [...]}           at least one asserted fact among kinds
#   prior_trial_improvement {modality}        prior course of this modality showed functional improvement
#   chronic_pain {}                           symptoms lasting > 3 months
#   age_at_least {years} / age_at_most {years}
#   not_recommended {}                        the row says the treatment is not recommended
#   med_at_most {mg}                          morphine-equivalent dose ceiling for opioids
#   diagnosis_names {terms: [...]}            a documented diagnosis names one of the terms
CheckName = Literal[
    "sessions_at_most",
    "frequency_at_most",
    "duration_at_most",
    "quantity_at_most",
    "fact_present",
    "fact_absent",
    "any_fact_present",
    "prior_trial_improvement",
    "chronic_pain",
    "age_at_least",
    "age_at_most",
    "not_recommended",
    "med_at_most",
    "diagnosis_names",
]


class Criterion(Model):
    id: str
    description: str  # our own words; rendered into the trace and rationale
    check: CheckName
    params: dict[str, Any] = Field(default_factory=dict)
    # when set, the criterion applies only if: a fact kind is asserted ("radiculopathy"), is not
    # ("!radiculopathy"), the treatment was used before ("continuation") or not ("initial")
    applies_if: str | None = None
    required: bool = True  # a required criterion not met/not documented leads to Upheld
    gap: str | None = None  # documentation that would satisfy it ("approvable if ...")


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
