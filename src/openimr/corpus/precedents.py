"""Precedent search over any searcher (the store's PrecedentRepository in practice)."""

from __future__ import annotations

from typing import Protocol

from openimr.corpus.query import build_query
from openimr.domain.case import Case
from openimr.domain.precedent import PrecedentAnswer, PrecedentHit, PrecedentQuery

MAX_LIMIT = 100


class PrecedentSearcher(Protocol):
    def search(self, query: PrecedentQuery, limit: int = 10) -> list[PrecedentHit]: ...


def find_precedents(
    searcher: PrecedentSearcher,
    text: str,
    limit: int = 10,
    case: Case | None = None,
    exclude_case: str | None = None,
) -> PrecedentAnswer:
    limit = max(1, min(limit, MAX_LIMIT))
    query = build_query(text, case=case, exclude_case=exclude_case)
    return PrecedentAnswer(results=searcher.search(query, limit))


def precedent_overturn_share(
    searcher: PrecedentSearcher, text: str, k: int = 5, exclude_case: str | None = None
) -> float | None:
    """Share of Overturned among the top-k precedents of an item text (None: no precedent found).

    A candidate feature for the overturn likelihood; whether it adds out-of-fold signal is to be
    measured with `exclude_case` (or a held-out corpus), never on the item's own letter."""
    hits = find_precedents(searcher, text, limit=k, exclude_case=exclude_case).results
    if not hits:
        return None
    return sum(h.decision == "Overturned" for h in hits) / len(hits)
