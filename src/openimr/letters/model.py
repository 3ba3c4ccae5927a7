"""ParsedLetter: a published IMR Final Determination Letter read back into data.

The first fields are DESIGN.md's `parse --json` contract (the keys of the DWC letters JSONL);
the rest is what openimr needs beyond it (format, documents reviewed, split citations).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

LetterFormat = Literal["notice_2013", "format_2014", "format_2016", "format_2018"]
Decision = Literal["Upheld", "Overturned"]

CONTRACT_LETTER_KEYS: tuple[str, ...] = (
    "case_number",
    "date_assigned",
    "date_of_injury",
    "decision_date",
    "ur_denial_date",
    "priority",
    "application_received",
    "reviewer_licensure",
    "reviewer_specialty",
    "clinical_case_summary",
)
CONTRACT_ITEM_KEYS: tuple[str, ...] = (
    "treatment",
    "decision",
    "claims_administrator_guideline",
    "maximus_guideline",
    "decision_rationale",
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Citation(_Model):
    """One guideline a letter cites, split into guideline, section and pages."""

    guideline: (
        str  # e.g. "MTUS Chronic Pain Medical Treatment 2016", "Official Disability Guidelines"
    )
    source: Literal["MTUS", "ODG", "ACOEM", "other"] = "other"
    section: str | None = None  # the topic(s) after "Section(s):" or a chapter's topic list
    pages: str | None = None  # as printed after "Page(s):", e.g. "60; 98-99"


class ParsedItem(_Model):
    treatment: str
    decision: Decision | None = None  # None when the letter is blinded ("Pending")
    claims_administrator_guideline: str | None = None
    maximus_guideline: str | None = None
    decision_rationale: str | None = None
    # beyond the contract
    partial_authorization: bool = False
    no_evidence_cited: bool = False  # "The Expert Reviewer did not cite any medical evidence"
    citations: list[Citation] = Field(default_factory=list)  # split from maximus_guideline
    claims_administrator_citations: list[Citation] = Field(default_factory=list)


class ParsedLetter(_Model):
    case_number: str | None = None
    date_assigned: str | None = None
    date_of_injury: str | None = None
    decision_date: str | None = None
    ur_denial_date: str | None = None
    priority: str | None = None
    application_received: str | None = None
    reviewer_licensure: str | None = None
    reviewer_specialty: str | None = None
    clinical_case_summary: str | None = None
    items: list[ParsedItem] = Field(default_factory=list)
    # beyond the contract
    format: LetterFormat
    source_name: str | None = None
    documents_reviewed: list[str] | None = None  # None: the format has no such section
    blinded: bool = False

    def contract_dict(self) -> dict[str, Any]:
        """Exactly the DESIGN.md parse contract keys (those of the DWC letters JSONL)."""
        out: dict[str, Any] = {key: getattr(self, key) for key in CONTRACT_LETTER_KEYS}
        out["items"] = [
            {key: getattr(item, key) for key in CONTRACT_ITEM_KEYS} for item in self.items
        ]
        return out
