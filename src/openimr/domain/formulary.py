"""The MTUS Drug Formulary status of a drug on a date (8 CCR 9792.27.1-9792.27.23): a result model.

The rules that fill it live in `openimr.knowledge.formulary`; the engine attaches one to each
medication item decided on or after 2018-01-01.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from openimr.domain.common import Model

FormularyStatusName = Literal["exempt", "non_exempt", "unlisted"]


class FillFlag(Model):
    """A Special Fill or Perioperative Fill flag on a listed drug, with the list's day limit.

    `eligible` is set only when the dispensing facts (visit, injury and surgery dates, days'
    supply) were given: True when every condition of the fill rule holds, else False with the
    reasons."""

    days: int = Field(ge=1)
    eligible: bool | None = None
    reasons: list[str] = Field(default_factory=list)


class FormularyStatus(Model):
    drug: str
    ingredients: list[str] = Field(default_factory=list)
    in_force: bool  # False before 2018-01-01: the formulary did not apply
    status: FormularyStatusName | None = None  # None only when not in force
    prospective_review: bool | None = None  # needs authorization through prospective review
    compounded: bool = False
    brand: bool = False
    special_fill: FillFlag | None = None
    perioperative_fill: FillFlag | None = None
    guideline_topics: list[str] = Field(default_factory=list)
    source: str | None = None
    verified: bool = False
    version: str | None = None  # the MTUS Drug List version in force on the date
    version_effective: str | None = None
    date: str
    notes: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
