"""2013 "Notice of Independent Medical Review Determination" (Maximus Federal Services).

Decisions are sentences ("... has determined the request for X is [not] medically necessary and
appropriate"), the guideline and rationale of each item follow later under "Medical Treatment
Guideline(s) Relied Upon by the Expert Reviewer" and a rationale label, in item order. The 2013
layout is only partly documented (guidelines-facts.md E.1), so this parser is lenient: every
field it cannot find is null.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from openimr.letters.model import ParsedItem, ParsedLetter
from openimr.letters.parse.common import DATE, PAGE, header_field, split_citations, squash

_DECISION = re.compile(
    r"has\s+determined\s+(?:that\s+)?the\s+request\s+for\s+(?P<item>(?:[^.]|\.\d)+?)\s+(?:is|was)\s+"
    r"(?P<neg>not\s+)?medically\s+necessary(?:\s+and\s+appropriate)?",
    re.IGNORECASE | re.DOTALL,
)
_GUIDELINE = re.compile(
    r"Medical Treatment Guideline\(?s?\)? Relied Upon by the (?:Expert|Professional) Reviewer"
    r"(?: and why)?\s*:?",
    re.IGNORECASE,
)
_RATIONALE = re.compile(
    r"(?:Rationale for the Decision|Rationale for why the requested treatment/service"
    r" (?:is|was) (?:not )?medically necessary)\s*:?",
    re.IGNORECASE,
)
_SUMMARY = re.compile(r"^(?:Expert Reviewer )?Case Summary\s*:?", re.IGNORECASE | re.MULTILINE)
_STOP = re.compile(
    r"^(?:Documents Reviewed|DOCUMENTS REVIEWED FOR DETERMINATION|Medical Treatment Guideline"
    r"|\d+\)|\d+\.\s|ISSUE AT DISPUTE|MEDICAL REVIEWER QUALIFICATIONS)",
    re.IGNORECASE | re.MULTILINE,
)


def _first(rx: str, text: str) -> str | None:
    match = re.search(rx, text, re.IGNORECASE)
    return squash(match.group(1)).strip(" .,;") if match else None


def _paragraph_after(text: str, start: int) -> str:
    stop = _STOP.search(text, start)
    rest = text[start : stop.start() if stop else len(text)]
    return squash(rest)


def parse(lines: Sequence[str], source_name: str | None = None) -> ParsedLetter:
    text = "\n".join(line for line in lines if line != PAGE)
    decisions = []
    seen: set[str] = set()
    for match in _DECISION.finditer(text):
        item = squash(match.group("item"))
        if item.lower() in seen:  # the decisions are repeated in the rationale section
            continue
        seen.add(item.lower())
        decisions.append((item, "Upheld" if match.group("neg") else "Overturned"))
    guidelines = [_guideline_text(text, m.end()) for m in _GUIDELINE.finditer(text)]
    rationales = [_paragraph_after(text, m.end()) for m in _RATIONALE.finditer(text)]
    items = []
    for index, (treatment, decision) in enumerate(decisions):
        guideline = guidelines[index] if index < len(guidelines) else None
        items.append(
            ParsedItem(
                treatment=treatment,
                decision=decision,  # type: ignore[arg-type]
                maximus_guideline=guideline,
                decision_rationale=rationales[index] if index < len(rationales) else None,
                citations=split_citations(f"Decision based on {guideline}") if guideline else [],
            )
        )
    summary_match = _SUMMARY.search(text)
    summary = _paragraph_after(text, summary_match.end()) if summary_match else None
    return ParsedLetter(
        case_number=_first(r"Case (?:Number|No\.?)\s*:?\s*([A-Z]{2}\d{2}-\d{4,8})", text),
        date_assigned=header_field(text, "Date Assigned"),
        date_of_injury=header_field(text, "Date of Injury"),
        decision_date=_first(r"Dated\s*:?\s*(" + DATE + ")", text),
        ur_denial_date=header_field(text, "UR Denial Date"),
        priority=_first(r"Priority\s*:\s*([A-Za-z]+)", text),
        application_received=header_field(text, "Application Received"),
        reviewer_licensure=_first(
            r"licensed to practice (?:medicine )?in ([A-Z][A-Za-z ,]+)", text
        ),
        reviewer_specialty=_first(
            r"board certified in ([A-Z][A-Za-z &,]+?)(?:\s+and\s+|[.;\n])", text
        ),
        clinical_case_summary=summary or None,
        items=items,
        format="notice_2013",
        source_name=source_name,
        documents_reviewed=None,
    )


def _guideline_text(text: str, start: int) -> str | None:
    stop = _RATIONALE.search(text, start)
    value = squash(text[start : stop.start() if stop else len(text)])
    return value or None
