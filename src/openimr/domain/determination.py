"""The outcome: a Determination with one ItemDetermination per disputed item, and its trace."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from openimr.domain.common import EvidenceSpan, Model
from openimr.domain.formulary import FormularyStatus
from openimr.domain.guideline import Role, SearchLevel
from openimr.domain.request import TreatmentRequest
from openimr.domain.reviewer import ReviewerCredentials

Outcome = Literal["Upheld", "Overturned"]
CriterionStatus = Literal["met", "not_met", "not_documented", "not_applicable"]


class Citation(Model):
    recommendation_id: str | None = None
    guideline: str
    edition: str | None = None
    section: str | None = None
    pages: str | None = None
    level: SearchLevel = "mtus"

    def text(self) -> str:
        parts = [self.guideline + (f" {self.edition}" if self.edition else "")]
        if self.section:
            parts.append(f"Section(s): {self.section}")
        if self.pages:
            parts.append(f"Page(s): {self.pages}")
        return ", ".join(parts)


class CriterionResult(Model):
    criterion_id: str
    description: str
    status: CriterionStatus
    required: bool = True
    role: Role | None = None  # the criterion's role; None for engine notes that decide nothing
    explanation: str
    evidence: list[EvidenceSpan] = Field(default_factory=list)


class ItemDetermination(Model):
    item_id: str
    treatment: str
    outcome: Outcome
    request: TreatmentRequest
    claims_administrator_guideline: str | None = None
    citations: list[Citation] = Field(default_factory=list)
    search_level: SearchLevel | None = None
    review_date: dt.date | None = None  # the date whose MTUS editions the search used
    # the request continues a drug or course already taken: the outcome rule reads it (monitoring)
    continuing: bool = Field(default=False, exclude_if=lambda value: not value)
    criteria: list[CriterionResult] = Field(default_factory=list)
    gaps: list[str] = Field(default_factory=list)  # documentation that would change the outcome
    rationale: str
    confidence: float = Field(ge=0, le=1)
    # the chance a reviewer overturns the UR decision, from this trace (engine.likelihood)
    overturn_likelihood: float | None = Field(default=None, ge=0, le=1)
    # MTUS Drug Formulary status of a medication item reviewed on or after 2018-01-01; left out
    # of the output when absent, so earlier cases read as before
    formulary: FormularyStatus | None = Field(default=None, exclude_if=lambda value: value is None)


class Signature(Model):
    reviewer_code: str
    signed_at: dt.datetime
    attestation: str


OverrideField = Literal["outcome", "rationale", "clinical_case_summary"]


class Override(Model):
    """One change the physician made to the engine's draft: what it was, what it is now, who
    changed it, when and why. The items and summary hold the physician's text; these records
    keep the draft's beside it."""

    field: OverrideField
    item: int | None = Field(default=None, ge=1)  # 1-based item number; None for the summary
    item_id: str | None = None
    draft_value: str
    new_value: str
    reviewer_code: str
    at: dt.datetime
    reason: str | None = None


class DocumentReviewed(Model):
    description: str  # "PR-2 progress report, Dr. A (orthopedic surgery), 12/01/2014"


class Determination(Model):
    case_number: str
    status: Literal["draft", "signed"] = "draft"
    priority: Literal["regular", "expedited"] = "regular"
    date_assigned: dt.date | None = None
    date_of_injury: dt.date | None = None
    decision_date: dt.date
    ur_denial_date: dt.date | None = None
    application_received: dt.date | None = None
    reviewer: ReviewerCredentials | None = None
    documents_reviewed: list[DocumentReviewed] = Field(default_factory=list)
    clinical_case_summary: str
    items: list[ItemDetermination]
    signature: Signature | None = None
    engine_version: str
    # the physician's changes to the draft, in order; left out when there are none, so an
    # unedited draft reads as before
    overrides: list[Override] = Field(default_factory=list, exclude_if=lambda value: not value)
