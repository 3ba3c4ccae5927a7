"""The CLINICAL CASE SUMMARY and DOCUMENTS REVIEWED sections, written from the case data.

The wording follows the DWC letters ("The injured worker is a 65 year old female who sustained an
industrial injury on ... Treatment to date has included ... On <date>, utilization review ...").
Only what the case file states is said; nothing is inferred.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from openimr.domain.case import Case, MedicalRecord, URDecision
from openimr.domain.determination import DocumentReviewed, ItemDetermination

RECORD_LABELS = {
    "pr2": "PR-2 progress report",
    "progress_note": "Progress note",
    "consult": "Consultation report",
    "imaging": "Imaging report",
    "electrodiagnostic": "Electrodiagnostic study report",
    "operative_report": "Operative report",
    "therapy_note": "Therapy note",
    "lab": "Laboratory report",
    "qme": "Qualified medical evaluation report",
    "ur_letter": "Utilization review determination",
    "imr_application": "Application for Independent Medical Review",
    "rfa": "Request for authorization",
    "pharmacy": "Pharmacy record",
    "other": "Medical record",
}
# Records that are paperwork about the dispute, not clinical findings: listed, never summarized.
ADMINISTRATIVE_TYPES = {"ur_letter", "imr_application", "rfa"}
LATEST_RECORDS = 2  # how many recent clinical records the summary describes
RECORD_EXCERPT_CHARS = 600
_HEADING = re.compile(r"^\s*[A-Z][A-Z0-9 /&()-]{1,40}:\s*")
_SKIPPED_SECTIONS = ("DIAGNOS", "ICD", "WORK STATUS", "MEDICATION LIST")
_ORIGINAL_REQUEST = re.compile(r"^(.+?)\s+was the original request\b", re.IGNORECASE)
# a sentence ends after two word characters and a stop ("MRI." ends one; "M.D." and "Dr." do not)
_SENTENCE_END = re.compile(r"(?<!\bDr\.)(?<!\bvs\.)(?<=[A-Za-z0-9)%]{2}[.!?])\s+(?=[A-Z0-9])")


def summarize_case(case: Case, review_date: dt.date | None = None) -> str:
    """CLINICAL CASE SUMMARY paragraphs (blank-line separated) for `case` as of `review_date`."""
    review_date = review_date or case.review_date
    records = _clinical_records(case.records, review_date)
    if case.summary and not records:
        # a case read back from a published letter: its own summary is the best account we have
        return case.summary.strip()
    paragraphs = [
        _join_sentences(
            _intro_sentence(case),
            _mechanism_sentence(case),
            _diagnosis_sentence(case),
            _treatment_sentence(case),
        ),
        *(_join_sentences(_record_sentence(record)) for record in records),
        _join_sentences(
            _request_sentence(case), _ur_sentence(case.ur_decision, case), _expedited_sentence(case)
        ),
    ]
    return "\n\n".join(p for p in paragraphs if p)


def complete_summary(summary: str, case: Case, items: Iterable[ItemDetermination]) -> str:
    """The drafted summary, said once and with everything the decisions rest on.

    A sentence repeated anywhere in the summary ("Unchanged. Unchanged.") is kept the first time
    only; a finding the criteria trace relied on (the evidence of a criterion met or not met) that
    the summary does not already carry is added, with its record and date, so the letter's account
    of the case supports every decision it explains."""
    seen: set[str] = set()
    paragraphs = []
    for paragraph in summary.split("\n\n"):
        kept = []
        for sentence in _SENTENCE_END.split(paragraph.strip()):
            key = _sentence_key(sentence)
            if key and key in seen:
                continue
            seen.add(key)
            kept.append(sentence)
        if kept:
            paragraphs.append(" ".join(kept))
    said = _sentence_key(" ".join(paragraphs))
    records = {record.id: record for record in case.records}
    missing: list[str] = []
    for item in items:
        for result in item.criteria:
            if result.status not in ("met", "not_met"):
                continue
            for span in result.evidence:
                heading = _HEADING.match(span.text)
                text = span.text[heading.end() :] if heading else span.text
                key = _sentence_key(text)
                if not key or key in said or key in seen:
                    continue
                seen.add(key)
                record = records.get(span.record_id)
                where = (
                    f"the {_record_label(record)} dated {_date(record.date)}"
                    if record is not None
                    else "the records"
                )
                missing.append(f'{where}: "{_clean(text)}."')
    if missing:
        paragraphs.append("Findings the review relied on, from " + "; ".join(missing))
    return "\n\n".join(paragraphs)


def _sentence_key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", text.lower()).split())


def documents_reviewed(case: Case) -> list[DocumentReviewed]:
    """The IMR application, the UR determination, then each record by type, author and date."""
    docs: list[DocumentReviewed] = []
    record_types = {record.type for record in case.records}
    if "imr_application" not in record_types:
        docs.append(
            DocumentReviewed(
                description="Application for Independent Medical Review, received "
                f"{_date(case.application_received)}"
            )
        )
    if case.ur_decision_attached and "ur_letter" not in record_types:
        organization = case.ur_decision.organization or case.parties.ur_organization
        by = f", {organization}" if organization else ""
        docs.append(
            DocumentReviewed(
                description=f"Utilization review determination{by}, {_date(case.ur_decision.date)}"
            )
        )
    for record in sorted(case.records, key=lambda r: (r.date, r.id)):
        docs.append(DocumentReviewed(description=describe_record(record)))
    return docs


def describe_record(record: MedicalRecord) -> str:
    """'PR-2 progress report, Treating physician A, MD (Orthopedic Surgery), 12/08/2014'."""
    parts = [RECORD_LABELS.get(record.type, "Medical record")]
    if record.author:
        specialty = f" ({record.author_specialty})" if record.author_specialty else ""
        parts.append(f"{record.author}{specialty}")
    elif record.author_specialty:
        parts.append(record.author_specialty)
    parts.append(_date(record.date))
    return ", ".join(parts)


# ---------------------------------------------------------------------------------------------


def _intro_sentence(case: Case) -> str:
    worker = case.worker
    who = " ".join(
        part
        for part in (
            f"{worker.age} year old" if worker.age is not None else "",
            worker.sex or "",
            _lower_first(worker.occupation) if worker.occupation else "",
        )
        if part
    )
    subject = f"The injured worker is {_article(who)} {who}" if who else "The injured worker"
    verb = " who sustained" if who else " sustained"
    where = f" to the {_and_list(case.injury.body_parts)}" if case.injury.body_parts else ""
    return f"{subject}{verb} an industrial injury on {_date(case.injury.date)}{where}"


def _mechanism_sentence(case: Case) -> str:
    if not case.injury.mechanism:
        return ""
    return f"The mechanism of injury was reported as {_lower_first(case.injury.mechanism)}"


def _diagnosis_sentence(case: Case) -> str:
    if not case.diagnoses:
        return ""
    names = [_lower_first(d.description.strip().rstrip(".")) for d in case.diagnoses]
    return f"The injured worker was diagnosed with {_and_list(names)}"


def _treatment_sentence(case: Case) -> str:
    if not case.prior_treatments:
        return ""
    names = [_lower_first(t.strip().rstrip(".")) for t in case.prior_treatments]
    return f"Treatment to date has included {_and_list(names)}"


def _clinical_records(
    records: Iterable[MedicalRecord], review_date: dt.date
) -> list[MedicalRecord]:
    """The latest clinical records on or before the review date, oldest first."""
    clinical = [r for r in records if r.type not in ADMINISTRATIVE_TYPES and r.date <= review_date]
    clinical.sort(key=lambda r: (r.date, r.id))
    return clinical[-LATEST_RECORDS:]


def _record_label(record: MedicalRecord) -> str:
    label = RECORD_LABELS.get(record.type, "Medical record")
    return label if label.isupper() or label.startswith("PR-2") else _lower_first(label)


def _record_sentence(record: MedicalRecord) -> str:
    label = _record_label(record)
    excerpt = _excerpt(record.text)
    if not excerpt:
        return ""
    return f"According to the {label} dated {_date(record.date)}: {excerpt}"


def _excerpt(text: str) -> str:
    """A brief account of a record: the opening sentence(s) of each labelled section (history,
    examination, plan), skipping diagnosis lists the summary already gives; cut at sentences."""
    sections: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        heading = _HEADING.match(line)
        body = line[heading.end() :] if heading else line
        if heading or not sections:
            label = heading.group(0).strip(" :").upper() if heading else ""
            sections.append((label, []))
        if body.strip():
            sections[-1][1].append(body.strip())
    kept: list[str] = []
    length = 0
    per_section = 1 if len(sections) > 2 else 3
    for label, lines in sections:
        if label.startswith(_SKIPPED_SECTIONS) or not lines:
            continue
        sentences = _SENTENCE_END.split(" ".join(lines))
        for sentence in sentences[:per_section]:
            if kept and length + len(sentence) > RECORD_EXCERPT_CHARS:
                return " ".join(kept)
            kept.append(sentence)
            length += len(sentence) + 1
    return " ".join(kept)


def _request_sentence(case: Case) -> str:
    requested = [_original_request(item.text) for item in case.disputed_items]
    requester = next((p for p in case.parties.treating_providers if p.requesting), None)
    who = "The treating provider"
    if requester and requester.specialty:
        who = f"The treating provider ({requester.specialty})"
    return f"{who} requested {_and_list(requested)}"


def _original_request(text: str) -> str:
    """What the physician asked for: for a partial authorization, the original request (X in "X
    was the original request. Y was authorized ..."), since the UR sentence tells the rest."""
    text = " ".join(text.split())
    match = _ORIGINAL_REQUEST.match(text)
    return (match.group(1) if match else text).strip().rstrip(".")


def _expedited_sentence(case: Case) -> str:
    if case.priority != "expedited":
        return ""
    return (
        "The application was reviewed on an expedited basis because the treating physician "
        "certified an imminent and serious threat to the injured worker's health"
    )


def _ur_sentence(ur: URDecision, case: Case) -> str:
    when = f"On {_date(ur.date)}, utilization review"
    if ur.conditional_non_certification:
        return f"{when} conditionally non-certified the request pending additional information"
    if not ur.items:
        return f"{when} did not certify the request"
    denied = [_clean(i.treatment) for i in ur.items if i.outcome == "denied"]
    certified = [_clean(i.treatment) for i in ur.items if i.outcome == "certified"]
    phrases = [f"non-certified {_and_list(denied)}"] if denied else []
    for item in ur.items:
        if item.outcome == "modified":
            authorized = f", certifying {_clean(item.authorized)}" if item.authorized else ""
            phrases.append(f"modified {_clean(item.treatment)}{authorized}")
    if certified:
        phrases.append(f"certified {_and_list(certified)}")
    sentence = f"{when} {_and_list(phrases, sep='; ')}"
    guidelines = sorted({item.guideline.strip().rstrip(".") for item in ur.items if item.guideline})
    if guidelines:
        sentence += f", citing {_and_list(guidelines)}"
    return sentence


# ---------------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    return " ".join(text.split()).rstrip(".")


def _join_sentences(*sentences: str) -> str:
    out = []
    for sentence in sentences:
        sentence = " ".join(sentence.split())
        if not sentence:
            continue
        out.append(sentence if sentence.endswith((".", "!", "?")) else sentence + ".")
    return " ".join(out)


def _and_list(items: list[str], sep: str = ", ") -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    joiner = "; and " if sep == "; " else " and "
    return sep.join(items[:-1]) + joiner + items[-1]


def _lower_first(text: str) -> str:
    """Lower-case a leading capital unless the word is an acronym or a name-like token (MRI, PT)."""
    text = text.strip()
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _article(phrase: str) -> str:
    # "an 18 year old", "an 80 year old", "an 11 year old": the spoken number decides
    first = phrase.split()[0] if phrase else ""
    if first.isdigit():
        return "an" if first.startswith("8") or first in ("11", "18") else "a"
    return "an" if first[:1].lower() in "aeiou" else "a"


def _date(value: dt.date) -> str:
    return value.strftime("%m/%d/%Y")
