"""Expert reviewers: credentials, affiliations, capacity."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from openimr.domain.common import Model

Degree = Literal["MD", "DO", "DC", "PhD", "PsyD", "DPM", "DDS", "PT", "LAc", "OD"]
AffiliationKind = Literal[
    "employer",
    "insurer",
    "claims_administrator",
    "ur_organization",
    "ur_physician",
    "medical_group",
    "treating_provider",
    "facility",
    "manufacturer",
    "family",
    "attorney",
    "treated_employee",
    "other",
]


class License(Model):
    state: str  # two-letter code, e.g. "CA"
    status: Literal["active", "inactive", "expired", "revoked", "suspended"] = "active"
    restricted: bool = False
    discipline: str | None = None


class Affiliation(Model):
    kind: AffiliationKind
    name: str
    relationship: str | None = None  # "employed", "owns > 1%", "spouse", "consultant", ...


class Reviewer(Model):
    code: str
    degree: Degree
    # Optional and never printed: lets conflict screening see that the reviewer is the UR
    # physician, a treating provider or the author of a record in the case.
    name: str | None = None
    licenses: list[License] = Field(min_length=1)
    board_certifications: list[str] = Field(default_factory=list)
    specialties: list[str] = Field(min_length=1)
    years_in_practice: float = Field(ge=0)
    hours_per_week: float = Field(ge=0)
    sanctions: list[str] = Field(default_factory=list)
    affiliations: list[Affiliation] = Field(default_factory=list)
    capacity: int = Field(default=10, ge=0)
    current_load: int = Field(default=0, ge=0)

    @property
    def licensure_states(self) -> list[str]:
        return [lic.state for lic in self.licenses if lic.status == "active"]


class ReviewerCredentials(Model):
    """What the letter may print about the reviewer (no names): licensure and specialty."""

    code: str
    licensure: list[str]
    specialty: str
