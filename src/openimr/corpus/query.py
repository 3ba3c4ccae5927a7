"""A precedent search's text read into structured fields: parse_request, then anatomy regions."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from openimr.domain.case import Case
from openimr.domain.precedent import PrecedentQuery
from openimr.errors import InputError, KnowledgeBaseError
from openimr.guidelines.kb import load_knowledge_base
from openimr.guidelines.search import governing_documents
from openimr.knowledge.anatomy import load_anatomy
from openimr.requests import parse_request
from openimr.safe_yaml import load_yaml

MAX_QUERY_CHARS = 4000
MAX_TERMS = 32  # a long query keeps its first words; the structured fields carry the rest
_WORD = re.compile(r"[a-z][a-z0-9]*|\d+[a-z]*")
# Medications are governed by the chronic pain and opioid guidelines whatever the injured part;
# the injury's body parts say which chapter governs imaging, therapy or a procedure.
BODY_WIDE_CATEGORIES = frozenset({"medication", "laboratory"})
_DATA = Path(__file__).with_name("data") / "query_stopwords.yaml"


class _Stopwords(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str
    words: list[str]


@cache
def stopwords() -> frozenset[str]:
    try:
        table = _Stopwords.model_validate(load_yaml(_DATA.read_text("utf-8"), str(_DATA)))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise KnowledgeBaseError(f"{_DATA.name}: {where}: {first['msg']}") from None
    return frozenset(table.words)


def regions_of(body_parts: list[str]) -> list[str]:
    """The anatomy regions (spine, upper_limb...) of body parts, in table order, once each."""
    anatomy = load_anatomy()
    found = {anatomy.row(p).region for p in body_parts}
    return [r for r in dict.fromkeys(row.region for row in anatomy.parts) if r in found]


def query_terms(*texts: str) -> list[str]:
    """Lower-case words, stop words dropped, each once, in order."""
    drop = stopwords()
    words = (w for t in texts for w in _WORD.findall(t.lower()))
    return list(dict.fromkeys(w for w in words if w not in drop and len(w) > 1))[:MAX_TERMS]


def build_query(
    text: str, case: Case | None = None, exclude_case: str | None = None
) -> PrecedentQuery:
    """Read a query as a disputed item: category, drug and body parts (from the case's injury when
    the text names none, except for BODY_WIDE_CATEGORIES), and the guideline document the search
    finds for it on each date; `exclude_case` (default: the case's own number) is left out."""
    text = " ".join(text.split())
    if not text:
        raise InputError("query: empty text")
    if len(text) > MAX_QUERY_CHARS:
        raise InputError(f"query: longer than {MAX_QUERY_CHARS} characters")
    request = parse_request(text)
    body_parts = list(request.body_parts)
    if not body_parts and case and request.category not in BODY_WIDE_CATEGORIES:
        body_parts = list(case.injury.body_parts)
        request = request.model_copy(update={"body_parts": body_parts})
    extra = [request.drug.replace("/", " ") if request.drug else "", *body_parts]
    category = None if request.category == "other" else request.category
    return PrecedentQuery(
        text=text,
        terms=query_terms(text, *extra),
        category=category,
        drug=request.drug,
        body_parts=body_parts,
        regions=regions_of(body_parts),
        guidelines=governing_documents(load_knowledge_base(), request),
        exclude_case=exclude_case or (case.case_number if case else None),
    )
