"""TreatmentRequest: one disputed item's text, read into structured fields (DESIGN.md contract)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from openimr.domain.common import Model

Category = Literal[
    "medication",
    "physical_medicine",
    "massage",
    "chiropractic",
    "acupuncture",
    "imaging",
    "electrodiagnostic",
    "laboratory",
    "injection",
    "surgery",
    "dme",
    "consultation",
    "program",
    "psychological",
    "home_health",
    "other",
]
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]

BodyPart = Literal[
    "cervical spine",
    "thoracic spine",
    "lumbar spine",
    "sacroiliac joint",
    "shoulder",
    "elbow",
    "forearm",
    "wrist",
    "hand",
    "finger",
    "hip",
    "knee",
    "ankle",
    "foot",
    "upper extremity",
    "lower extremity",
    "head",
    "pelvis",
    "abdomen",
    "chest",
]
BODY_PARTS: tuple[str, ...] = BodyPart.__args__  # type: ignore[attr-defined]

Laterality = Literal["left", "right", "bilateral"]


class RequestPortion(Model):
    """One portion of a partial-authorization item (original, authorized, or disputed remainder)."""

    text: str
    quantity: int | None = None
    sessions: int | None = None


class PartialAuthorization(Model):
    original: RequestPortion
    authorized: RequestPortion | None = None
    disputed: RequestPortion


class TreatmentRequest(Model):
    """Contract fields first (see DESIGN.md `request --json`), then what the engine needs beyond them."""

    text: str
    category: Category = "other"
    drug: str | None = None
    strength: str | None = None
    quantity: int | None = None
    frequency_per_week: float | None = None
    duration_weeks: float | None = None
    sessions: int | None = None
    body_parts: list[BodyPart] = Field(default_factory=list)
    laterality: Laterality | None = None
    levels: list[str] = Field(default_factory=list)
    # beyond the contract
    service: str | None = None
    drug_class: str | None = None
    dose_form: str | None = None
    route: str | None = None
    refills: int | None = None
    contrast: str | None = None  # "with", "without", "with and without"
    partial_authorization: PartialAuthorization | None = None
    confidence: float = 1.0
    unparsed_spans: list[str] = Field(default_factory=list)
    # what was not understood and a reviewer should know: an unknown drug, a drug named only in
    # the maintained drug-name dictionary
    warnings: list[str] = Field(default_factory=list)

    def contract_dict(self) -> dict:
        """The DESIGN.md `request --json` fields only."""
        return self.model_dump(
            include={
                "category",
                "drug",
                "strength",
                "quantity",
                "frequency_per_week",
                "duration_weeks",
                "sessions",
                "body_parts",
                "laterality",
                "levels",
            }
        )
