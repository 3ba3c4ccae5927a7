"""The physician's review: decide, override an item, edit the summary, sign, and read back."""

# no `from __future__ import annotations`: FastAPI reads the route annotations at runtime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from openimr.api.deps import Caller, Drafter, ReviewDep, ReviewerKey, StoreDep, scope
from openimr.api.errors import ERRORS
from openimr.domain import Determination
from openimr.domain.determination import Outcome
from openimr.review.service import MAX_REASON, MAX_TEXT, ReviewChange, ReviewView

router = APIRouter()


class OverrideBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Outcome | None = Field(default=None, description="the reviewer's outcome")
    reason: str | None = Field(
        default=None, max_length=MAX_REASON, description="why; required when the outcome changes"
    )
    rationale: str | None = Field(
        default=None, min_length=1, max_length=MAX_TEXT, description="the reviewer's rationale"
    )


class SummaryBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_TEXT, description="the new case summary")
    reason: str | None = Field(default=None, max_length=MAX_REASON)


@router.post(
    "/cases/{number}/decide",
    response_model=Determination,
    responses=ERRORS,
    tags=["review"],
    summary="Run the engine and store its draft determination",
)
def decide(number: str, who: Drafter, review: ReviewDep) -> Determination:
    return review.decide(number, who.actor, scope=scope(who))


@router.get(
    "/cases/{number}/review",
    response_model=ReviewView,
    responses=ERRORS,
    tags=["review"],
    summary="The case, its deadline (days left, overdue) and what still blocks signing",
)
def review_view(number: str, who: Caller, review: ReviewDep) -> ReviewView:
    return review.view(number, who.actor, scope=scope(who))


@router.post(
    "/cases/{number}/items/{item}/override",
    response_model=ReviewChange,
    responses=ERRORS,
    tags=["review"],
    summary="The assigned reviewer sets an item's outcome (with a reason) and/or rationale",
)
def override(
    number: str, item: str, body: OverrideBody, who: ReviewerKey, review: ReviewDep
) -> ReviewChange:
    return review.override(
        number,
        item,
        who.reviewer or "",
        who.actor,
        reason=body.reason,
        outcome=body.outcome,
        rationale=body.rationale,
        scope=scope(who),
    )


@router.post(
    "/cases/{number}/summary",
    response_model=ReviewChange,
    responses=ERRORS,
    tags=["review"],
    summary="The assigned reviewer rewrites the clinical case summary",
)
def edit_summary(
    number: str, body: SummaryBody, who: ReviewerKey, review: ReviewDep
) -> ReviewChange:
    return review.edit_summary(
        number, body.text, who.reviewer or "", who.actor, reason=body.reason, scope=scope(who)
    )


@router.post(
    "/cases/{number}/sign",
    response_model=Determination,
    responses=ERRORS,
    tags=["review"],
    summary="The assigned reviewer signs the draft (refused while it contradicts itself)",
)
def sign(number: str, who: ReviewerKey, review: ReviewDep) -> Determination:
    return review.sign(number, who.reviewer or "", who.actor)


@router.get(
    "/cases/{number}/determination",
    response_model=Determination,
    responses=ERRORS,
    tags=["review"],
    summary="The latest determination with its criteria trace and the reviewer's changes",
)
def determination(number: str, who: Caller, store: StoreDep) -> Determination:
    return store.determination(number, who.actor, reviewer=scope(who))
