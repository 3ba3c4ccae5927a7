"""A parsed letter as a Case, so the engine can re-decide it.

Only the letter header, the clinical case summary and each item's *text* are read: never an
item's decision, guideline lines or rationale (`_item_texts` is the one place items are touched).

Fallbacks, for letters lacking what Case requires (documented in docs/benchmarks/letters.md):
- case_number: "CM00-" + 7 digits of a hash of the letter text when the letter prints none;
- injury.date: the header's Date of Injury, else the summary's "injury on <date>", else the
  earliest date the letter has;
- ur_decision.date: the UR Denial Date, else the summary's "utilization review on <date>",
  else the injury date;
- application_received: as printed, else the UR date;
- dates that break Case's order (UR before injury, ...) are raised to the earlier bound, and the
  optional ones (date_assigned, decision_date) dropped when out of order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from openimr.domain.case import (
    Case,
    Diagnosis,
    DisputedItem,
    InjuredWorker,
    Injury,
    MedicalRecord,
    URDecision,
    URItemDecision,
)
from openimr.knowledge.anatomy import load_anatomy
from openimr.letters.model import ParsedLetter

_AGE_SEX = re.compile(
    r"\b(\d{1,3})[- ](?:year|yr)s?[- ]old\s+(?:\w+\s+){0,2}?(male|female|man|woman|gentleman|lady)\b",
    re.IGNORECASE,
)
_SEX_WORDS = {
    "male": "male",
    "man": "male",
    "gentleman": "male",
    "female": "female",
    "woman": "female",
    "lady": "female",
}
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_SUMMARY_DATE = (
    r"(\d{1,2}[-/]\d{1,2}[-/]\d{2,4}|(?:"
    + "|".join(m.title() for m in _MONTHS)
    + r")\s+\d{1,2},?\s+\d{4})"
)
_INJURY_DATE = re.compile(
    r"(?:injur(?:y|ies|ed)|accident|incident)\b[^.]{0,80}?\b(?:on|of)\s+(?:or about\s+)?"
    + _SUMMARY_DATE,
    re.IGNORECASE,
)
_UR_DATE = re.compile(
    r"(?:utilization review|\bUR\b)[^.]{0,60}?\b(?:on|dated)\s+" + _SUMMARY_DATE, re.IGNORECASE
)
_DIAGNOSES = re.compile(
    r"(?:diagnos(?:es|is)\s+(?:of|include[sd]?|including|were|was|are|is|:)\s*:?|diagnosed"
    r" (?:with|as having)|(?:undergoing|being) treat(?:ment|ed) for|treated for|"
    r"(?:diagnoses|impressions)[^.]{0,30}?noted to include:?)"
    r"\s+(?P<list>[^.]+(?:\.\d[^.]*)*)\.",
    re.IGNORECASE,
)
_PRIOR_TREATMENTS = re.compile(
    r"(?:treatments?\s+to\s+date|previous\s+treatments?|past\s+treatments?|prior\s+(?:relevant\s+)?"
    r"treatments?)\s+(?:has\s+|have\s+)?(?:been\s+)?(?:noted\s+to\s+)?"
    r"(?:included|includes?|including|consisted\s+of)\s*:?\s+(?P<list>[^.]+)\.",
    re.IGNORECASE,
)
_PARTIAL_SPLIT = re.compile(
    r"^(?P<original>.+?) was the original request\.\s*(?P<authorized>.+?) was authorized by the"
    r" Claims Administrator\.",
    re.IGNORECASE | re.DOTALL,
)


def _date(value: str | None) -> dt.date | None:
    """A printed date (MM/DD/YYYY, M-D-YY, ...) as a date; None when absent or impossible."""
    if not value:
        return None
    named = re.fullmatch(r"\s*([A-Za-z]+)\s+(\d{1,2}),?\s+(\d{4})\s*", value)
    if named and named.group(1).lower() in _MONTHS:
        try:
            return dt.date(
                int(named.group(3)), _MONTHS.index(named.group(1).lower()) + 1, int(named.group(2))
            )
        except ValueError:
            return None
    match = re.fullmatch(r"\s*(\d{1,2})[-/](\d{1,2})[-/](\d{2}|\d{4})\s*", value)
    if not match:
        return None
    month, day, year = (int(g) for g in match.groups())
    if year < 100:
        year += 2000 if year < 50 else 1900
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _item_texts(letter: ParsedLetter) -> list[str]:
    """The disputed items' texts: the only part of an item to_case may read."""
    return [item.treatment for item in letter.items]


def worker_from_summary(summary: str) -> InjuredWorker:
    match = _AGE_SEX.search(summary)
    if not match:
        return InjuredWorker()
    age = int(match.group(1))
    return InjuredWorker(
        age=age if 14 <= age <= 110 else None, sex=_SEX_WORDS[match.group(2).lower()]
    )


def diagnoses_from_summary(summary: str) -> list[Diagnosis]:
    """Diagnoses listed after "diagnoses of/include" or "diagnosed with", split on commas/and."""
    found: list[Diagnosis] = []
    seen: set[str] = set()
    for match in _DIAGNOSES.finditer(summary):
        listed = re.sub(r"\s+", " ", match.group("list"))
        for part in re.split(r",\s*(?:and\s+)?|;\s*|\s+and\s+(?=[a-z])", listed):
            text = part.strip(" .:")
            text = re.sub(
                r"^(?:the\s+|a\s+|an\s+)?(?:(?:diagnoses|diagnosis)\s+(?:of\s+)?|documented (?:as|is)\s+)",
                "",
                text,
                flags=re.I,
            )
            key = text.lower()
            if 2 < len(text) < 120 and key not in seen:
                seen.add(key)
                found.append(Diagnosis(description=text))
    return found


def prior_treatments_from_summary(summary: str) -> list[str]:
    """Treatments listed after "Treatment to date has included" and the like."""
    found: list[str] = []
    for match in _PRIOR_TREATMENTS.finditer(summary):
        listed = re.sub(r"\s+", " ", match.group("list"))
        for part in re.split(r",\s*(?:and\s+)?|;\s*|\s+and\s+", listed):
            text = part.strip(" .:")
            if 2 < len(text) < 100 and text.lower() not in {t.lower() for t in found}:
                found.append(text)
    return found


def body_parts_from_summary(summary: str) -> list[str]:
    """Injured body parts named where the summary states the injury and the diagnoses."""
    sentences = re.split(r"(?<=[.!?])\s+", summary)
    relevant = " ".join(
        s for s in sentences[:4] if re.search(r"injur|diagnos|treat(?:ed|ment) for", s, re.I)
    )
    return [  # in the order of the DESIGN body-part vocabulary
        part
        for part, words in load_anatomy().injury_patterns()
        if re.search(r"\b(?:" + words + r")\b", relevant, re.I)
    ]


def _case_number(letter: ParsedLetter) -> str:
    if letter.case_number and re.fullmatch(r"[A-Z]{2}\d{2}-\d{4,8}", letter.case_number):
        return letter.case_number
    basis = (letter.clinical_case_summary or "") + "|".join(_item_texts(letter))
    digits = int(hashlib.sha256(basis.encode("utf-8")).hexdigest(), 16) % 10_000_000
    return f"CM00-{digits:07d}"


def _ur_item(text: str) -> URItemDecision:
    match = _PARTIAL_SPLIT.match(text)
    if match:
        return URItemDecision(
            treatment=text, outcome="modified", authorized=match.group("authorized").strip()
        )
    if re.search(r"Claims Administrator authorized|leaving the original request", text, re.I):
        return URItemDecision(treatment=text, outcome="modified")
    return URItemDecision(treatment=text, outcome="denied")


def to_case(letter: ParsedLetter) -> Case:
    """The letter as a Case (see the module docstring for fallbacks); never raises on gaps."""
    summary = letter.clinical_case_summary or ""
    texts = _item_texts(letter)
    injury_match = _INJURY_DATE.search(summary)
    assigned = _date(letter.date_assigned)
    decided = _date(letter.decision_date)
    known = [
        d
        for d in (
            _date(letter.ur_denial_date),
            _date(letter.application_received),
            assigned,
            decided,
        )
        if d
    ]
    injury = (
        _date(letter.date_of_injury)
        or (_date(injury_match.group(1)) if injury_match else None)
        or (min(known) if known else None)
        or dt.date(2000, 1, 1)  # nothing dated at all: a neutral placeholder
    )
    ur_match = _UR_DATE.search(summary)
    printed_ur = _date(letter.ur_denial_date) or (_date(ur_match.group(1)) if ur_match else None)
    ur_date = max(printed_ur or injury, injury)
    received = max(_date(letter.application_received) or ur_date, ur_date)
    if assigned and assigned < received:
        assigned = None
    if decided and decided < (assigned or received):
        decided = None
    record_date = decided or assigned or received
    records = []
    if summary:
        records.append(
            MedicalRecord(
                id="summary",
                type="other",
                date=record_date,
                author="IMR expert reviewer",
                text=summary,
            )
        )
    items = [DisputedItem(id=f"item-{n}", text=text) for n, text in enumerate(texts, start=1)]
    if not items:
        items = [DisputedItem(id="item-1", text="(no disputed item printed)")]
    priority = "expedited" if (letter.priority or "").lower().startswith("expedit") else "regular"
    return Case(
        case_number=_case_number(letter),
        priority=priority,
        application_received=received,
        date_assigned=assigned,
        decision_date=decided,
        worker=worker_from_summary(summary),
        injury=Injury(date=injury, body_parts=body_parts_from_summary(summary)),  # type: ignore[arg-type]
        prior_treatments=prior_treatments_from_summary(summary),
        diagnoses=diagnoses_from_summary(summary),
        ur_decision=URDecision(date=ur_date, items=[_ur_item(text) for text in texts]),
        disputed_items=items,
        records=records,
        summary=summary or None,
    )
