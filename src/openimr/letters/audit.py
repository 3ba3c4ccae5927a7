"""Quality checks of a published letter: `audit(letter) -> AuditReport`.

Codes (severity):
- DECISION_CONTRADICTS_RATIONALE (error): the rationale's conclusion says the opposite of the
  item's decision (Upheld = not medically necessary, Overturned = medically necessary).
- NO_GUIDELINE_CITED (warning): the reviewer cited no medical evidence for the item.
- CITATION_MISMATCH (warning): no cited guideline addresses the item's treatment or body part,
  and at least one is about another treatment or body region.
- SUMMARY_TREATMENT_MISMATCH (warning): the clinical case summary never mentions the item's
  treatment, while it does discuss another one (the seed: physical therapy vs massage).
- QUANTITY_MISMATCH (warning): the rationale states a requested quantity the item does not have.
- SPECIALTY_UNRELATED (info): every specialty of the reviewer is listed as unrelated to the
  item's category.
- DOCUMENTS_REVIEWED_MISSING (warning): the format has a DOCUMENTS REVIEWED section and it is
  missing or empty.

Vocabularies live in letters/data/audit_vocabulary.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from openimr.knowledge.numbers import number_words
from openimr.letters.model import ParsedItem, ParsedLetter
from openimr.letters.vocab import (
    body_regions,
    generic_words,
    perioperative_markers,
    specialty_rows,
    topic_families,
    treatment_topics,
)
from openimr.requests import parse_request

Severity = Literal["error", "warning", "info"]
CODES: tuple[str, ...] = (
    "DECISION_CONTRADICTS_RATIONALE",
    "NO_GUIDELINE_CITED",
    "CITATION_MISMATCH",
    "SUMMARY_TREATMENT_MISMATCH",
    "QUANTITY_MISMATCH",
    "SPECIALTY_UNRELATED",
    "DOCUMENTS_REVIEWED_MISSING",
)


class Finding(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str
    severity: Severity
    item: int | None = None  # 1-based item number; None for the letter as a whole
    message: str


class AuditReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    findings: list[Finding] = Field(default_factory=list)


# --- term matching ------------------------------------------------------------------------------


def _term_regex(terms: Iterable[str]) -> re.Pattern[str] | None:
    parts = []
    for term in terms:
        term = term.strip().lower()
        if not term:
            continue
        if term.endswith("*"):
            parts.append(re.escape(term[:-1]) + r"[\w-]*")
        else:
            parts.append(re.escape(term))
    if not parts:
        return None
    # "PT/PTT" is a clotting test, not physical therapy
    return re.compile(r"(?<![\w/-])(?:" + "|".join(parts) + r")(?![\w-])(?!/ptt)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _topic_matchers() -> tuple[
    tuple[str, re.Pattern[str] | None, re.Pattern[str] | None, tuple[str, ...]], ...
]:
    return tuple(
        (
            row.topic,
            _term_regex(row.item_terms),
            _term_regex(row.citation_terms),
            tuple(row.categories),
        )
        for row in treatment_topics()
    )


@lru_cache(maxsize=1)
def _region_matchers() -> tuple[tuple[str, re.Pattern[str] | None, re.Pattern[str] | None], ...]:
    return tuple(
        (row.region, _term_regex(row.terms), _term_regex(row.guideline_terms))
        for row in body_regions()
    )


def _unbreak(text: str) -> str:
    """Join words a line-end hyphen split ("x- rays" -> "x-rays")."""
    return re.sub(r"(\w)- (\w)", r"\1-\2", text)


def item_topics(text: str) -> list[str]:
    text = _unbreak(text)
    topics = [topic for topic, rx, _, _ in _topic_matchers() if rx and rx.search(text)]
    if re.search(r"\d\s*%", text) and "topical analgesics" not in topics:
        topics.append("topical analgesics")  # a strength in percent is a cream, gel or patch
    return topics


def citation_topics(text: str) -> list[str]:
    spaced = re.sub(r"[-_]", " ", text)  # cited web addresses spell topics with hyphens
    return [
        topic
        for topic, _, rx, _ in _topic_matchers()
        if rx and (rx.search(text) or rx.search(spaced))
    ]


def item_regions(text: str) -> list[str]:
    return [region for region, rx, _ in _region_matchers() if rx and rx.search(text)]


def guideline_regions(text: str) -> list[str]:
    return [region for region, _, rx in _region_matchers() if rx and rx.search(text)]


def _disputed_text(item: ParsedItem) -> str:
    """The disputed portion of a partial authorization, else the whole item text."""
    match = re.search(r"original request,\s*(.+?)(?:\s+is)?$", item.treatment, re.IGNORECASE)
    return match.group(1) if match else item.treatment


def _category(text: str) -> str | None:
    try:  # the request parser knows categories best; a text it refuses falls to the topic rules
        category = getattr(parse_request(text), "category", None)
        if category and category != "other":
            return str(category)
    except Exception:  # noqa: BLE001 - the audit reports on any letter, whatever its items say
        pass
    for _topic, rx, _, categories in _topic_matchers():
        if rx and rx.search(text) and categories:
            return categories[0]
    return None


# --- the checks -----------------------------------------------------------------------------------

_NECESSARY = re.compile(
    r"medically\s+(?:reasonable\s+and\s+)?(?:necessary|appropriate)"
    r"|\ba medical necessity\b"
    r"|medical necessity[^.;]{0,60}\b(?:established|substantiated|demonstrated|shown|met)\b",
    re.I,
)
_OTHER_VERDICT = re.compile(
    r"\b(?:supported|warranted|indicated|recommended|certified|substantiated|established)\b", re.I
)
_CONCLUSION_LEAD = re.compile(
    r"\b(?:request(?:ed)?|therefore|thus|as such|consequently|accordingly|hence)\b", re.I
)
_NEGATION = re.compile(
    r"(?:\bnot\b|\bnon-?\s*$|\bno longer\b|\bcannot\b|\bcan't\b|\bunable\b|\bneither\b|\bnor\b"
    r"|\bhas not\b|\bhave not\b|\bfails? to\b)[^.;]*$",
    re.I,
)
_NECESSITY_NOT_SHOWN = re.compile(
    r"medical necessity[^.;]{0,60}\b(?:not|never)\b[^.;]{0,20}\b(?:been\s+)?"
    r"(?:established|substantiated|demonstrated|supported|shown|met)",
    re.I,
)


def _negated(sentence: str, verdict: re.Match[str]) -> bool:
    if _NECESSITY_NOT_SHOWN.search(sentence):
        return True
    window = sentence[max(0, verdict.start() - 70) : verdict.start()]
    return bool(_NEGATION.search(window))


def rationale_conclusion(rationale: str) -> bool | None:
    """True when the rationale concludes the item is necessary, False when not, None unclear.

    The conclusion is the last sentence saying "medically necessary" / "medical necessity";
    failing that, the last of the final three sentences with a verdict word about the request.
    Boilerplate advice on tapering opioids is not a verdict, so "appropriate" is not one.
    """
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z\"(])", rationale.strip())
    for sentence in reversed(sentences):
        verdicts = list(_NECESSARY.finditer(sentence))
        if verdicts:
            return not _negated(sentence, verdicts[-1])
    for sentence in reversed(sentences[-3:]):
        if not _CONCLUSION_LEAD.search(sentence):
            continue
        verdicts = list(_OTHER_VERDICT.finditer(sentence))
        if verdicts:
            return not _negated(sentence, verdicts[-1])
    return None


def check_contradiction(number: int, item: ParsedItem) -> Finding | None:
    if item.decision is None or not item.decision_rationale:
        return None
    necessary = rationale_conclusion(item.decision_rationale)
    if necessary is None:
        return None
    if item.decision == "Upheld" and necessary:
        says = "medically necessary"
    elif item.decision == "Overturned" and not necessary:
        says = "not medically necessary"
    else:
        return None
    return Finding(
        code="DECISION_CONTRADICTS_RATIONALE",
        severity="error",
        item=number,
        message=f"decision is {item.decision} but the rationale concludes the request is {says}",
    )


def check_no_guideline(number: int, item: ParsedItem) -> Finding | None:
    if item.decision is None:
        return None  # a blinded item has no guideline lines to judge
    if item.no_evidence_cited or not item.citations:
        return Finding(
            code="NO_GUIDELINE_CITED",
            severity="warning",
            item=number,
            message="the expert reviewer cited no guideline or other medical evidence",
        )
    return None


def check_citation(number: int, item: ParsedItem) -> Finding | None:
    if not item.citations:
        return None
    text = _disputed_text(item)
    topics = set(item_topics(text))
    regions = set(item_regions(text))
    addressed = False
    misses: list[str] = []
    for citation in item.citations:
        cited = " ".join(filter(None, (citation.guideline, citation.section)))
        # the section names the topic; a chapter cited without one ("MTUS Acupuncture
        # Treatment 2007") is read by its title; a web address by its whole text
        scope = cited if citation.source == "other" else (citation.section or citation.guideline)
        cited_topics = set(citation_topics(scope))
        cited_regions = set(guideline_regions(citation.guideline + " " + (citation.section or "")))
        topic_clash = bool(topics) and bool(cited_topics) and not topics & cited_topics
        region_clash = bool(regions) and bool(cited_regions) and not regions & cited_regions
        if topic_clash or region_clash:
            why = "treatment" if topic_clash else "body part"
            misses.append(f"{cited!r} ({why})")
        else:
            addressed = True
    if addressed or not misses:
        return None
    return Finding(
        code="CITATION_MISMATCH",
        severity="warning",
        item=number,
        message="no cited guideline addresses the item: " + "; ".join(misses),
    )


def summary_topics(summary: str) -> set[str]:
    """Topics a summary discusses, by name or by family ("imaging studies")."""
    summary = _unbreak(summary)
    found = set(item_topics(summary))
    for family in topic_families():
        rx = _term_regex(family.terms)
        if rx and rx.search(summary):
            found.update(family.topics)
    return found


def _names_in(item_text: str, summary: str) -> bool:
    """True when a distinctive word of the item (a brand, a drug) appears in the summary."""
    generic = generic_words()
    words = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z-]{4,}", item_text)} - generic
    summary_words = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z-]{4,}", _unbreak(summary))}
    return bool(words & summary_words)


def check_summary(number: int, item: ParsedItem, summary: str) -> Finding | None:
    if not summary:
        return None
    text = _disputed_text(item)
    topics = item_topics(text)
    if not topics:
        return None
    in_summary = summary_topics(summary)
    if in_summary & set(topics) or _names_in(text, summary):
        return None
    lowered = item.treatment.lower()
    if "surgery" in in_summary and any(m in lowered for m in perioperative_markers()):
        return None  # a perioperative item is discussed with the surgery it belongs to
    others = sorted(set(item_topics(summary)) - set(topics))
    if not others:
        return None
    return Finding(
        code="SUMMARY_TREATMENT_MISMATCH",
        severity="warning",
        item=number,
        message=(
            f"the clinical case summary never mentions {', '.join(topics)}; it discusses "
            f"{', '.join(others)}"
        ),
    )


_NUMBER_WORDS = number_words(("cardinal",))
_NUM = r"(\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_UNITS = r"(?:sessions?|visits?|treatments?)"


def _number(token: str) -> int:
    return int(token) if token.isdigit() else _NUMBER_WORDS[token.lower()]


def item_quantities(text: str) -> set[int]:
    """Every count an item text states: sessions, #N, times N, frequency x duration."""
    found: set[int] = set()
    for match in re.finditer(_NUM + r"\s+(?:[\w/()-]+\s+){0,3}?" + _UNITS, text, re.I):
        found.add(_number(match.group(1)))
    for match in re.finditer(r"(?:#|times\s+|x\s*)" + _NUM + r"\b", text, re.I):
        found.add(_number(match.group(1)))
    for match in re.finditer(
        _NUM
        + r"\s*(?:times|x)\s*(?:a|per|/)?\s*(?:week|wk)?\s*(?:for|x|times)?\s*"
        + _NUM
        + r"\s*(?:weeks?|wks?)?",
        text,
        re.I,
    ):
        found.add(_number(match.group(1)) * _number(match.group(2)))
        found.add(_number(match.group(2)))
    return found


_RATIONALE_REQUEST = re.compile(
    r"request(?:ed)?\s+(?:as written\s+)?(?:is\s+|was\s+)?for\s+(?:a total of\s+|an additional\s+"
    r"|additional\s+)?"
    + _NUM
    + r"\s+(?:\w+\s+){0,2}?"
    + _UNITS
    + r"|"
    + _NUM
    + r"\s+(?:additional\s+)?"
    + _UNITS
    + r"\s+(?:were|was|are|is)\s+requested",
    re.IGNORECASE,
)


def check_quantity(number: int, item: ParsedItem) -> Finding | None:
    if not item.decision_rationale:
        return None
    stated = {
        _number(m.group(1) or m.group(2))
        for m in _RATIONALE_REQUEST.finditer(item.decision_rationale)
    }
    if not stated:
        return None
    have = item_quantities(item.treatment)
    if not have or stated & have:
        return None
    return Finding(
        code="QUANTITY_MISMATCH",
        severity="warning",
        item=number,
        message=(
            f"the rationale speaks of a request for {', '.join(map(str, sorted(stated)))} "
            f"but the item states {', '.join(map(str, sorted(have)))}"
        ),
    )


def check_specialty(number: int, item: ParsedItem, specialty: str | None) -> Finding | None:
    if not specialty:
        return None
    category = _category(_disputed_text(item))
    if not category:
        return None
    rows = {row.specialty.lower(): set(row.unrelated_categories) for row in specialty_rows()}
    named = [part.strip().lower() for part in specialty.split(",") if part.strip()]
    known = [part for part in named if part in rows]
    if not known or len(known) < len(named):
        return None  # an unknown specialty may well be related: say nothing
    if all(category in rows[part] for part in known):
        return Finding(
            code="SPECIALTY_UNRELATED",
            severity="info",
            item=number,
            message=(
                f"reviewer specialty ({specialty}) is unrelated to "
                f"{'an' if category[0] in 'aeiou' else 'a'} {category} request"
            ),
        )
    return None


def check_documents(letter: ParsedLetter) -> Finding | None:
    if letter.documents_reviewed is None or letter.documents_reviewed:
        return None
    return Finding(
        code="DOCUMENTS_REVIEWED_MISSING",
        severity="warning",
        item=None,
        message="the letter lists no documents reviewed",
    )


ItemCheck = Callable[[int, ParsedItem], Finding | None]


def audit(letter: ParsedLetter) -> AuditReport:
    findings: list[Finding] = []
    documents = check_documents(letter)
    if documents:
        findings.append(documents)
    summary = letter.clinical_case_summary or ""
    for number, item in enumerate(letter.items, start=1):
        for check in (
            check_contradiction(number, item),
            check_no_guideline(number, item),
            check_citation(number, item),
            check_summary(number, item, summary),
            check_quantity(number, item),
            check_specialty(number, item, letter.reviewer_specialty),
        ):
            if check:
                findings.append(check)
    return AuditReport(findings=findings)
