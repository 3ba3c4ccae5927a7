"""The sectioned letter (2014 onward): header block, HOW THE IMR FINAL DETERMINATION WAS MADE,
[DOCUMENTS REVIEWED], CLINICAL CASE SUMMARY, then the issues section with one header per item.
The per-format modules differ in headings and citation forms; this is the shared walk."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from openimr.letters.model import LetterFormat, ParsedLetter
from openimr.letters.parse.common import (
    PAGE,
    content,
    find_line,
    header_block_fields,
    labelled_line,
    segment_items,
)

HOW_MADE = re.compile(r"^HOW THE IMR FINAL DETERMINATION WAS MADE\b", re.IGNORECASE)
DOCUMENTS = re.compile(r"^DOCUMENTS REVIEWED\b", re.IGNORECASE)
SUMMARY = re.compile(r"^CLINICAL CASE SUMMARY\b", re.IGNORECASE)
ISSUES = re.compile(
    r"^(?:IMR ISSUES,? DECISIONS,? AND RATIONALES|IMR DECISION\(?S?\)? AND RATIONALE\(?S?\)?)\b",
    re.IGNORECASE,
)
# what may follow the last item: a signature block, a draft notice, reviewer qualifications
ISSUES_END = re.compile(
    r"^(?:ATTESTATION\b|DRAFT:|MEDICAL (?:REVIEWER )?QUALIFICATIONS\b|Medical Qualifications of the"
    r" Expert Reviewer)",
)
_SUMMARY_PREFACE = re.compile(
    r"^The expert reviewer developed the following clinical case summary based on a review of the"
    r" case file, including all medical records:?\s*",
    re.IGNORECASE,
)
_ISSUES_PREFACE = re.compile(
    r"^The Final Determination was based on decisions for the disputed items/services set forth"
    r" below:?\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Layout:
    format: LetterFormat
    has_documents_reviewed: bool


def _skip_preface(lines: Sequence[str], start: int, end: int, preface: re.Pattern[str]) -> int:
    """Index just after a boilerplate preface that may wrap over a few lines."""
    words = ""
    for index in range(start, min(end, start + 6)):
        if lines[index] == PAGE:
            continue
        words = (words + " " + lines[index]).strip()
        match = preface.match(words)
        if match and match.end() == len(words):
            return index + 1
    return start


def _documents(lines: Sequence[str]) -> list[str]:
    """One entry a line; a wrapped line (starting lower case) continues the entry before it."""
    entries: list[str] = []
    for line in lines:
        if not line or line == PAGE:
            continue
        line = re.sub(r"^(?:[-•*·]|\d+[.)])\s*", "", line)
        if entries and (line[:1].islower() or entries[-1].endswith((",", "and", "-"))):
            entries[-1] = f"{entries[-1]} {line}"
        else:
            entries.append(line)
    return entries


def items_begin(lines: Sequence[str]) -> int | None:
    """Index of the first line after the issues heading and its preface (None: no such section)."""
    summary = find_line(lines, SUMMARY)
    issues = find_line(lines, ISSUES, summary or 0)
    if issues is None:
        issues = find_line(lines, ISSUES)
    if issues is None:
        return None
    return _skip_preface(lines, issues + 1, len(lines), _ISSUES_PREFACE)


def items_end(lines: Sequence[str], begin: int) -> int:
    """Index just past the last item's text (a signature block or draft notice may follow)."""
    end = find_line(lines, ISSUES_END, begin)
    return len(lines) if end is None else end


def parse_sectioned(lines: Sequence[str], layout: Layout, source_name: str | None) -> ParsedLetter:
    n = len(lines)
    how = find_line(lines, HOW_MADE)
    docs = find_line(lines, DOCUMENTS) if layout.has_documents_reviewed else None
    summary = find_line(lines, SUMMARY)
    issues = find_line(lines, ISSUES, summary or 0)
    if issues is None:
        issues = find_line(lines, ISSUES)
    begin_items = items_begin(lines)
    head_end = min(i for i in (how, docs, summary, issues, n) if i is not None)
    fields = header_block_fields("\n".join(lines[:head_end]))
    credentials = lines[(how or 0) : (docs or summary or issues or n)]
    summary_text = None
    if summary is not None:
        stop = issues if issues is not None and issues > summary else n
        after = [i for i in (docs,) if i is not None and summary < i < stop]
        stop = min([stop, *after])
        begin = _skip_preface(lines, summary + 1, stop, _SUMMARY_PREFACE)
        summary_text = content(lines[begin:stop]) or None
    documents = None
    if layout.has_documents_reviewed:
        documents = []
        if docs is not None:
            stop = min(i for i in (summary, issues, n) if i is not None and i > docs)
            documents = _documents(lines[docs + 1 : stop])
    items = []
    if begin_items is not None:
        items = segment_items(lines[begin_items : items_end(lines, begin_items)])
    return ParsedLetter(
        **fields,
        reviewer_licensure=labelled_line(credentials, r"State\(s\)\s+of\s+Licensure\s*:"),
        reviewer_specialty=labelled_line(credentials, r"Certification\(s\)/Specialty\s*:"),
        clinical_case_summary=summary_text,
        items=items,
        format=layout.format,
        source_name=source_name,
        documents_reviewed=documents,
        blinded=bool(items) and all(item.decision is None for item in items),
    )
