"""openimr.corpus: published decisions as a searchable corpus (index, precedents, statistics).

letter_precedents(letter) -> PrecedentLetter        a parsed letter's decided items, each read
read_precedents(path) -> PrecedentLetter            from a PDF or text file
build_query(text, case=None) -> PrecedentQuery      free text read into structured fields
find_precedents(searcher, text, ...) -> PrecedentAnswer
precedent_overturn_share(searcher, text, k=5) -> float | None
wilson_interval(k, n) -> (low, high); corpus_stats(counts, letters) -> CorpusStats

The store (openimr.store.precedents) keeps and searches the items; this package parses and never
imports the store: a searcher is anything with `search(query, limit)`.
"""

from openimr.corpus.index import letter_precedents, read_precedents
from openimr.corpus.precedents import (
    PrecedentSearcher,
    find_precedents,
    precedent_overturn_share,
)
from openimr.corpus.query import build_query
from openimr.corpus.stats import corpus_stats, wilson_interval

__all__ = [
    "PrecedentSearcher",
    "build_query",
    "corpus_stats",
    "find_precedents",
    "letter_precedents",
    "precedent_overturn_share",
    "read_precedents",
    "wilson_interval",
]
