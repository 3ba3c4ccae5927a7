"""Precedents: published decided items kept as a searchable corpus, and the statistics over them.

`PrecedentItem` is one decided item of a published letter; `PrecedentLetter` groups a letter's
items under its case number and content hash (what makes adding idempotent); `PrecedentQuery` is a
search already read into structured fields (the caller parses it; the store only runs it).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from openimr.domain.common import Model
from openimr.domain.guideline import GoverningDocument
from openimr.domain.request import BodyPart, Category

Outcome = Literal["Upheld", "Overturned"]


class PrecedentItem(Model):
    case_number: str
    item: int = Field(ge=1, description="1-based position of the item in its letter")
    treatment: str
    decision: Outcome
    # the item text read by openimr.requests.parse_request
    category: Category = "other"
    drug: str | None = None
    body_parts: list[BodyPart] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list)  # openimr.knowledge.anatomy regions
    request: dict = Field(default_factory=dict)  # the TreatmentRequest contract fields
    # the guideline the reviewer cited (openimr.guidelines.citations), first pair
    guideline: str | None = None  # document key, e.g. "mtus_cpmtg", "odg_low_back"
    guideline_name: str | None = None  # the document's title
    section: str | None = None
    guideline_text: str | None = None  # the letter's line as printed
    rationale: str | None = None
    reviewer_specialty: str | None = None
    decision_date: dt.date | None = None


class PrecedentLetter(Model):
    case_number: str
    content_hash: str  # SHA-256 of the parsed letter: a re-added letter changed iff this did
    source_name: str | None = None
    items: list[PrecedentItem] = Field(min_length=1)


class PrecedentQuery(Model):
    """Free text plus the structured fields read from it (or from a case)."""

    text: str
    terms: list[str] = Field(default_factory=list)  # words to match, expansions included
    category: Category | None = None
    drug: str | None = None
    body_parts: list[str] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list)
    # the document the guideline search finds for the request, by period: a precedent citing the
    # one in force on its own decision date was governed by the same guideline
    guidelines: list[GoverningDocument] = Field(default_factory=list)
    exclude_case: str | None = None  # leave one case out (its own letter, a held-out fold)


class PrecedentHit(Model):
    case_number: str
    item: int
    treatment: str
    category: str
    decision: Outcome
    guideline: str | None = None
    excerpt: str
    score: float
    why: list[str] = Field(default_factory=list)  # what matched, most important first


class PrecedentAnswer(Model):
    results: list[PrecedentHit] = Field(default_factory=list)


class AddOutcome(Model):
    """What adding one letter did: added, unchanged (nothing written) or replaced (logged)."""

    case_number: str
    action: Literal["added", "unchanged", "replaced"]
    items: int
    source_name: str | None = None


class OutcomeCount(Model):
    """Raw counts for one value of a dimension (a category, a year...)."""

    value: str
    upheld: int = 0
    overturned: int = 0


class RateRow(Model):
    value: str
    items: int
    upheld: int
    overturned: int
    overturn_rate: float | None  # None when there are no items
    ci_low: float | None  # Wilson score interval, 95%
    ci_high: float | None


STAT_DIMENSIONS: tuple[str, ...] = ("category", "guideline", "year", "specialty", "region")


class CorpusStats(Model):
    letters: int
    items: int
    upheld: int
    overturned: int
    overturn_rate: float | None
    ci_low: float | None
    ci_high: float | None
    confidence: float = 0.95
    by: dict[str, list[RateRow]] = Field(default_factory=dict)  # dimension -> rows

    def contract_dict(self) -> dict:
        """DESIGN.md `stats --json`: `by_<dimension>` lists whose rows name the dimension."""
        out: dict = self.model_dump(exclude={"by"})
        for dim, rows in self.by.items():
            out[f"by_{dim}"] = [{dim: r.value, **r.model_dump(exclude={"value"})} for r in rows]
        return out
