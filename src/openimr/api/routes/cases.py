"""Cases: intake, listing, viewing, and the steps before review (screen, ineligible, records)."""

# no `from __future__ import annotations`: FastAPI reads the route annotations at runtime

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, Request, UploadFile
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from openimr.api.deps import Caller, Intake, StagesDep, StoreDep, scope
from openimr.api.errors import ERRORS, NOT_JSON_BODY, ApiError
from openimr.intake import UnreadableCaseFileError, parse_case_bytes
from openimr.store import CaseSummary, StoredCase
from openimr.store.lifecycle import CaseState

router = APIRouter()


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RecordsBody(Strict):
    on: dt.date | None = Field(default=None, description="date the records were complete")


class IneligibleBody(Strict):
    reason: Literal[
        "late",
        "unsigned",
        "no_ur_decision",
        "conditional_non_certification",
        "duplicate",
        "not_disputed",
    ]


class ScreenResult(Strict):
    eligible: bool
    reason: str | None = None  # the one recorded on the case
    reasons: list[str] = []  # every reason found
    messages: list[str] = []
    case: CaseSummary


@router.post(
    "/cases",
    status_code=201,
    response_model=CaseSummary,
    responses=ERRORS,
    tags=["cases"],
    summary="Create a case from a case file (JSON body)",
    # read by the case-file reader itself (below), so the schema is declared here
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Case"}}},
        }
    },
)
async def create_case(request: Request, who: Intake, store: StoreDep) -> CaseSummary:
    content_type = request.headers.get("content-type", "application/json")
    if "json" not in content_type.lower():
        raise ApiError(400, NOT_JSON_BODY)
    try:
        # the one reader of case files, as for `openimr validate` and uploads: duplicate
        # keys, dates, sizes and nesting are refused alike (InputError -> 422 naming the field)
        case = parse_case_bytes(await request.body(), "request body", json_format=True)
    except UnreadableCaseFileError as exc:
        raise ApiError(400, str(exc)) from None
    return await run_in_threadpool(store.add_case, case, who.actor)


@router.post(
    "/cases/upload",
    status_code=201,
    response_model=CaseSummary,
    responses=ERRORS,
    tags=["cases"],
    summary="Create a case from an uploaded case file (YAML or JSON)",
)
async def upload_case(
    file: Annotated[UploadFile, File()], who: Intake, store: StoreDep
) -> CaseSummary:
    raw = await file.read()
    name = file.filename or "upload"
    try:
        # the CLI's path: size, UTF-8, YAML/JSON, nesting, then the fields (InputError -> 422)
        case = parse_case_bytes(raw, name)
    except UnreadableCaseFileError as exc:
        raise ApiError(400, str(exc)) from None
    return await run_in_threadpool(store.add_case, case, who.actor)


@router.get(
    "/cases",
    response_model=list[CaseSummary],
    responses=ERRORS,
    tags=["cases"],
    summary="Cases with their state and deadlines (days_left, overdue), soonest decision due first",
)
def list_cases(
    who: Caller,
    store: StoreDep,
    state: Annotated[CaseState | None, Query(description="only cases in this state")] = None,
    limit: Annotated[int | None, Query(ge=1, le=10_000)] = None,
) -> list[CaseSummary]:
    return store.list_cases(who.actor, reviewer=scope(who), state=state, limit=limit)


@router.get(
    "/cases/{number}",
    response_model=StoredCase,
    responses=ERRORS,
    tags=["cases"],
    summary="One case: file, lifecycle history, latest determination (logged as a view)",
)
def show_case(number: str, who: Caller, store: StoreDep) -> StoredCase:
    return store.get_case(number, who.actor, reviewer=scope(who))


@router.post(
    "/cases/{number}/screen",
    response_model=ScreenResult,
    responses=ERRORS,
    tags=["lifecycle"],
    summary="Screen eligibility: eligible, or ineligible with reason",
)
def screen(number: str, who: Intake, store: StoreDep, stages: StagesDep) -> ScreenResult:
    case = store.get_case(number, who.actor).case
    result = stages.screen(case, store.possible_duplicates(number, who.actor))
    if result.eligible:
        summary = store.transition(number, "eligible", who.actor)
    else:
        summary = store.transition(number, "ineligible", who.actor, reason=result.reason)
    return ScreenResult(
        eligible=result.eligible,
        reason=result.reason,
        reasons=result.reasons,
        messages=result.messages,
        case=summary,
    )


@router.post(
    "/cases/{number}/ineligible",
    response_model=CaseSummary,
    responses=ERRORS,
    tags=["lifecycle"],
    summary="Find a case ineligible by hand (e.g. a duplicate)",
)
def ineligible(number: str, body: IneligibleBody, who: Intake, store: StoreDep) -> CaseSummary:
    return store.transition(number, "ineligible", who.actor, reason=body.reason)


@router.post(
    "/cases/{number}/records-complete",
    response_model=CaseSummary,
    responses=ERRORS,
    tags=["lifecycle"],
    summary="Records received: the decision deadline starts",
)
def records_complete(
    number: str, who: Intake, store: StoreDep, body: RecordsBody | None = None
) -> CaseSummary:
    on = body.on if body else None
    return store.transition(number, "records_complete", who.actor, on=on)
