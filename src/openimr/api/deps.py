"""What every route depends on: the caller's key and role, the store, the review service."""

# no `from __future__ import annotations`: FastAPI reads the annotations at runtime

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader

from openimr.api.auth import ApiKey, KeyRing, Role
from openimr.api.errors import ApiError
from openimr.api.services import Services
from openimr.review.service import ReviewService
from openimr.store import Store


@dataclass(frozen=True)
class AppContext:
    """Held in `app.state.context`: one per app."""

    keyring: KeyRing
    store: Store
    stages: Services
    review: ReviewService


header = APIKeyHeader(name="X-API-Key", auto_error=False, description="your API key")


def context(request: Request) -> AppContext:
    return request.app.state.context


Context = Annotated[AppContext, Depends(context)]


def caller(ctx: Context, key: Annotated[str | None, Depends(header)]) -> ApiKey:
    found = ctx.keyring.lookup(key)
    if found is None:
        raise ApiError(401, "missing or unknown API key (send it in the X-API-Key header)")
    return found


Caller = Annotated[ApiKey, Depends(caller)]


def require(*roles: Role) -> Callable[[ApiKey], ApiKey]:
    """A dependency that lets only these roles through (403 naming the roles otherwise)."""

    def check(who: Caller) -> ApiKey:
        if who.role not in roles:
            raise ApiError(403, f"role {who.role} may not do this (needs {' or '.join(roles)})")
        return who

    return check


Intake = Annotated[ApiKey, Depends(require("intake", "admin"))]
ReviewerKey = Annotated[ApiKey, Depends(require("reviewer"))]
Drafter = Annotated[ApiKey, Depends(require("reviewer", "admin"))]
Admin = Annotated[ApiKey, Depends(require("admin"))]


def scope(who: ApiKey) -> str | None:
    """The reviewer code a caller is confined to (None: sees every case)."""
    return who.reviewer if who.role == "reviewer" else None


def store(ctx: Context) -> Store:
    return ctx.store


def review(ctx: Context) -> ReviewService:
    return ctx.review


def stages(ctx: Context) -> Services:
    return ctx.stages


StoreDep = Annotated[Store, Depends(store)]
ReviewDep = Annotated[ReviewService, Depends(review)]
StagesDep = Annotated[Services, Depends(stages)]
