"""Routes: `GET /precedents?q=&limit=` (similar decided items) and `GET /stats` (outcome rates).

The corpus is published, redacted letters, so every role may read it; a key is still required.
Registered from `create_app` with one call, which hands in the open store and the app's caller
dependency and role check.
"""

# no `from __future__ import annotations`: FastAPI reads the route annotations at runtime

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import FastAPI, Query

from openimr.corpus.precedents import MAX_LIMIT, find_precedents
from openimr.corpus.query import MAX_QUERY_CHARS
from openimr.corpus.stats import corpus_stats
from openimr.domain.precedent import PrecedentAnswer
from openimr.store import Store
from openimr.store.precedents import PrecedentRepository

READERS = ("intake", "reviewer", "admin")


def register_precedent_routes(
    app: FastAPI, store: Store, caller: Any, allow: Callable[..., None], errors: dict
) -> None:
    """Add the routes. `caller`: the app's `Annotated[ApiKey, Depends(...)]`; `allow(who, *roles)`
    raises the app's 403; `errors`: the app's error responses for the schema."""
    repo = PrecedentRepository(store)

    @app.get(
        "/precedents",
        response_model=PrecedentAnswer,
        responses=errors,
        tags=["corpus"],
        summary="Decided items of published letters most like a disputed item, with why",
    )
    def precedents(
        who: caller,  # type: ignore[valid-type]
        q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS)],
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 10,
    ) -> PrecedentAnswer:
        allow(who, *READERS)
        return find_precedents(repo, q, limit)

    @app.get(
        "/stats",
        responses=errors,
        tags=["corpus"],
        summary="Upheld/overturned rates by category, guideline, year, specialty and body region",
    )
    def stats(who: caller) -> dict[str, Any]:  # type: ignore[valid-type]
        allow(who, *READERS)
        letters, _ = repo.counts()
        return corpus_stats(repo.outcome_counts(), letters).contract_dict()
