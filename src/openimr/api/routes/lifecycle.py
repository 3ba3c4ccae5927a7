"""The steps after review, or instead of it: issue the signed letter, withdraw the case."""

# no `from __future__ import annotations`: FastAPI reads the route annotations at runtime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from openimr.api.deps import Intake, StoreDep
from openimr.api.errors import ERRORS
from openimr.store import CaseSummary

router = APIRouter()


class WithdrawBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(
        min_length=1, max_length=500, examples=["claims administrator authorized the treatment"]
    )


@router.post(
    "/cases/{number}/issue",
    response_model=CaseSummary,
    responses=ERRORS,
    tags=["lifecycle"],
    summary="The signed letter is issued to the parties",
)
def issue(number: str, who: Intake, store: StoreDep) -> CaseSummary:
    return store.transition(number, "issued", who.actor)


@router.post(
    "/cases/{number}/withdraw",
    response_model=CaseSummary,
    responses=ERRORS,
    tags=["lifecycle"],
    summary="Withdrawn: the claims administrator authorized it",
)
def withdraw(number: str, body: WithdrawBody, who: Intake, store: StoreDep) -> CaseSummary:
    return store.transition(number, "withdrawn", who.actor, reason=body.reason)
