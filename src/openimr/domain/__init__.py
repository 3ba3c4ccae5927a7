"""Pydantic models only, no I/O.

The names below are re-exported lazily (PEP 562): importing one model module, as the light
commands do (`openimr request` needs only `domain.request`), does not build every model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from openimr.lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "Affiliation": "openimr.domain.reviewer",
    "BODY_PARTS": "openimr.domain.request",
    "CATEGORIES": "openimr.domain.request",
    "Case": "openimr.domain.case",
    "Citation": "openimr.domain.determination",
    "ClinicalFact": "openimr.domain.facts",
    "ClinicalFacts": "openimr.domain.facts",
    "Criterion": "openimr.domain.guideline",
    "CriterionResult": "openimr.domain.determination",
    "Determination": "openimr.domain.determination",
    "Diagnosis": "openimr.domain.case",
    "DisputedItem": "openimr.domain.case",
    "DocumentReviewed": "openimr.domain.determination",
    "EvidenceSpan": "openimr.domain.common",
    "FACT_KINDS": "openimr.domain.facts",
    "InjuredWorker": "openimr.domain.case",
    "Injury": "openimr.domain.case",
    "ItemDetermination": "openimr.domain.determination",
    "License": "openimr.domain.reviewer",
    "Limits": "openimr.domain.guideline",
    "MedicalRecord": "openimr.domain.case",
    "Model": "openimr.domain.common",
    "PartialAuthorization": "openimr.domain.request",
    "Parties": "openimr.domain.case",
    "Provenance": "openimr.domain.guideline",
    "Provider": "openimr.domain.case",
    "Recommendation": "openimr.domain.guideline",
    "Reviewer": "openimr.domain.reviewer",
    "ReviewerCredentials": "openimr.domain.reviewer",
    "Override": "openimr.domain.determination",
    "Signature": "openimr.domain.determination",
    "TreatmentRequest": "openimr.domain.request",
    "Treatments": "openimr.domain.guideline",
    "URDecision": "openimr.domain.case",
    "URItemDecision": "openimr.domain.case",
}

if TYPE_CHECKING:
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
        Override,
        Signature,
    )
    from openimr.domain.facts import FACT_KINDS, ClinicalFact, ClinicalFacts
    from openimr.domain.guideline import Criterion, Limits, Provenance, Recommendation, Treatments
    from openimr.domain.request import (
        BODY_PARTS,
        CATEGORIES,
        PartialAuthorization,
        TreatmentRequest,
    )
    from openimr.domain.reviewer import Affiliation, License, Reviewer, ReviewerCredentials


__getattr__ = lazy_exports(__name__, _EXPORTS)

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
    "Override",
    "Signature",
    "TreatmentRequest",
    "Treatments",
    "URDecision",
    "URItemDecision",
]
