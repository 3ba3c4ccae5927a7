"""A published letter's decided items as precedents: each item's request parsed, its citation
resolved to a guideline document, with the letter's reviewer specialty and decision date."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from openimr.corpus.query import regions_of
from openimr.domain.precedent import PrecedentItem, PrecedentLetter
from openimr.errors import InputError
from openimr.guidelines.citations import parse_citations
from openimr.guidelines.kb import KnowledgeBase, load_knowledge_base
from openimr.letters.model import ParsedLetter
from openimr.letters.parse import parse_letter
from openimr.requests import parse_request


def content_hash(letter: ParsedLetter) -> str:
    """SHA-256 of what the letter says (its contract fields), whatever file form it came in."""
    payload = json.dumps(letter.contract_dict(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _date(value: str | None) -> dt.date | None:
    """MM/DD/YYYY as printed; a date the letter misprints is left out, not guessed."""
    if not value:
        return None
    try:
        return dt.datetime.strptime(value.strip(), "%m/%d/%Y").date()
    except ValueError:
        return None


def letter_precedents(letter: ParsedLetter, kb: KnowledgeBase | None = None) -> PrecedentLetter:
    """The decided items of a parsed letter (pending items of a blinded letter are skipped)."""
    name = letter.source_name or "letter"
    if not letter.case_number:
        raise InputError(f"{name}: case_number: the letter names no case number")
    kb = kb or load_knowledge_base()
    decided = [(n, it) for n, it in enumerate(letter.items, start=1) if it.decision is not None]
    if not decided:
        raise InputError(f"{name}: items: no decided item (a blinded letter is not a precedent)")
    items = []
    for n, item in decided:
        request = parse_request(item.treatment)
        refs = parse_citations(item.maximus_guideline or "", kb)
        doc = refs[0].guideline_key if refs else None
        known = kb.documents.get(doc) if doc else None
        items.append(
            PrecedentItem(
                case_number=letter.case_number,
                item=n,
                treatment=item.treatment,
                decision=item.decision,  # type: ignore[arg-type]
                category=request.category,
                drug=request.drug,
                body_parts=list(request.body_parts),
                regions=regions_of(list(request.body_parts)),
                request=request.contract_dict(),
                guideline=doc,
                guideline_name=known.guideline if known else None,
                section=refs[0].section_text if refs else None,
                guideline_text=item.maximus_guideline,
                rationale=item.decision_rationale,
                reviewer_specialty=letter.reviewer_specialty,
                decision_date=_date(letter.decision_date),
            )
        )
    return PrecedentLetter(
        case_number=letter.case_number,
        content_hash=content_hash(letter),
        source_name=letter.source_name,
        items=items,
    )


def warm_up() -> None:
    """Load the tables the parsers use (knowledge base, lexicon, anatomy) in this process, so
    worker processes forked from it start with them instead of each loading its own."""
    load_knowledge_base()
    parse_request("MRI of the lumbar spine")
    regions_of(["lumbar spine"])


def read_precedents(path: str | Path) -> PrecedentLetter:
    """Parse a letter file (PDF or text) into precedents; InputError naming the file if it is not
    a decided IMR letter."""
    return letter_precedents(parse_letter(Path(path)))
