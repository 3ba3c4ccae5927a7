"""Shared base model and small value types used by every domain model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    """Strict base: unknown keys are errors, so a typo in a case file never passes silently."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, use_enum_values=False)


class EvidenceSpan(Model):
    """Where in the record a fact or finding was read: record id, character offsets, the sentence."""

    record_id: str
    start: int
    end: int
    text: str
