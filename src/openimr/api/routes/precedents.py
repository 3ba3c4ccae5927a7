"""Routes: `GET /precedents?q=&limit=` (similar decided items) and `GET /stats` (outcome rates).

The corpus is published, redacted letters, so every role may read it; a key is still required.
"""

# no `from __future__ import annotations`: FastAPI reads the route annotations at runtime

from typing import Annotated, Any

from fastapi import APIRouter, Query

from openimr.api.deps import Caller, StoreDep
from openimr.api.errors import ERRORS
from openimr.corpus.precedents import MAX_LIMIT, find_precedents
from openimr.corpus.query import MAX_QUERY_CHARS
from openimr.corpus.stats import corpus_stats
from openimr.domain.precedent import PrecedentAnswer
from openimr.store.precedents import PrecedentRepository

router = APIRouter()


@router.get(
    "/precedents",
    response_model=PrecedentAnswer,
    responses=ERRORS,
    tags=["corpus"],
    summary="Decided items of published letters most like a disputed item, with why",
)
def precedents(
    who: Caller,
    store: StoreDep,
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS)],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 10,
) -> PrecedentAnswer:
    return find_precedents(PrecedentRepository(store), q, limit)


@router.get(
    "/stats",
    responses=ERRORS,
    tags=["corpus"],
    summary="Upheld/overturned rates by category, guideline, year, specialty and body region",
)
def stats(who: Caller, store: StoreDep) -> dict[str, Any]:
    repo = PrecedentRepository(store)
    letters, _ = repo.counts()
    return corpus_stats(repo.outcome_counts(), letters).contract_dict()
