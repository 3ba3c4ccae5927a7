"""Assignment: every route to a reviewer goes through the review service's screening."""

# no `from __future__ import annotations`: FastAPI reads the route annotations at runtime

import datetime as dt

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from openimr.api.deps import Intake, ReviewDep
from openimr.api.errors import ERRORS
from openimr.store import CaseSummary

router = APIRouter()


class AssignBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reviewer: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="reviewer code; omitted: the panel's best match",
    )
    on: dt.date | None = None


@router.post(
    "/cases/{number}/assign",
    response_model=CaseSummary,
    responses=ERRORS,
    tags=["lifecycle"],
    summary="Notice of assignment to a reviewer (given, and screened; or the panel's best)",
    description=(
        "A named reviewer must be on the panel (404 otherwise) and neither unqualified nor"
        " conflicted for the case (409 naming every exclusion reason)."
    ),
)
def assign(
    number: str, who: Intake, review: ReviewDep, body: AssignBody | None = None
) -> CaseSummary:
    body = body or AssignBody()
    return review.assign(number, who.actor, reviewer=body.reviewer, on=body.on)
