"""The Final Determination Letter of a case."""

# no `from __future__ import annotations`: FastAPI reads the route annotations at runtime

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from openimr.api.deps import Caller, StagesDep, StoreDep, scope
from openimr.api.errors import ERRORS

router = APIRouter()

LETTER_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "text": "text/plain; charset=utf-8",
    "json": "application/json",
}


@router.get(
    "/cases/{number}/letter",
    responses={**ERRORS, 200: {"content": {t: {} for t in LETTER_TYPES.values()}}},
    tags=["review"],
    summary="The Final Determination Letter (DRAFT until signed)",
)
def letter(
    number: str,
    who: Caller,
    store: StoreDep,
    stages: StagesDep,
    format: Annotated[Literal["html", "pdf", "text", "json"], Query()] = "html",  # noqa: A002
) -> Response:
    det = store.determination(
        number, who.actor, reviewer=scope(who), purpose=f"view_letter_{format}"
    )
    return Response(content=stages.render(det, format), media_type=LETTER_TYPES[format])
