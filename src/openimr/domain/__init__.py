"""Pydantic models only, no I/O."""

from openimr.domain.case import (
    Case,
    Diagnosis,
    DisputedItem,
    InjuredWorker,
    Injury,
    MedicalRecord,
    Parties,
    Provider,
    URDecision,
    URItemDecision,
)
from openimr.domain.common import EvidenceSpan, Model
from openimr.domain.determination import (
    Citation,
    CriterionResult,
    Determination,
    DocumentReviewed,
    ItemDetermination,
    Signature,
)
from openimr.domain.facts import FACT_KINDS, ClinicalFact, ClinicalFacts
from openimr.domain.guideline import Criterion, Limits, Provenance, Recommendation, Treatments
from openimr.domain.request import BODY_PARTS, CATEGORIES, PartialAuthorization, TreatmentRequest
from openimr.domain.reviewer import Affiliation, License, Reviewer, ReviewerCredentials

__all__ = [
    "BODY_PARTS",
    "CATEGORIES",
    "FACT_KINDS",
    "Affiliation",
    "Case",
    "Citation",
    "ClinicalFact",
    "ClinicalFacts",
    "Criterion",
    "CriterionResult",
    "Determination",
    "Diagnosis",
    "DisputedItem",
    "DocumentReviewed",
    "EvidenceSpan",
    "InjuredWorker",
    "Injury",
    "ItemDetermination",
    "License",
    "Limits",
    "MedicalRecord",
    "Model",
    "Parties",
    "PartialAuthorization",
    "Provenance",
    "Provider",
    "Recommendation",
    "Reviewer",
    "ReviewerCredentials",
    "Signature",
    "TreatmentRequest",
    "Treatments",
    "URDecision",
    "URItemDecision",
]
