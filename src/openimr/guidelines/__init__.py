"""openimr.guidelines: the guideline knowledge base (MTUS first, then ACOEM/ODG) as validated data.

Public API:
    load_knowledge_base(data_dir=None) -> KnowledgeBase     (cached; KnowledgeBaseError on bad rows)
    search.search(kb, request, review_date=None, facts=None, limit=5) -> SearchResult
    search.search_text(kb, text, review_date=None, facts=None, limit=5) -> SearchResult
    KnowledgeBase.get(row_id) -> Recommendation
    parse_citations(text) -> list[CitationRef]
    normalize_citation(text) -> (guideline_key, section_key)
    match_citation(citation_text) -> Recommendation | None
    citation_agrees(citation_text, recommendation) -> bool   (same document and section?)
"""

from openimr.guidelines.citations import (
    citation_agrees,
    match_citation,
    normalize_citation,
    parse_citations,
)
from openimr.guidelines.kb import KnowledgeBase, in_force, load_knowledge_base
from openimr.guidelines.normalize import CitationRef

__all__ = [
    "CitationRef",
    "KnowledgeBase",
    "citation_agrees",
    "in_force",
    "load_knowledge_base",
    "match_citation",
    "normalize_citation",
    "parse_citations",
]
