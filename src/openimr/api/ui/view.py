"""What the pages show, built from the domain models by pure functions (no I/O, no clock)."""

from __future__ import annotations

from dataclasses import dataclass, field

from openimr.domain import Case, Determination
from openimr.domain.common import EvidenceSpan
from openimr.domain.determination import ItemDetermination

# A modelled chance of overturn at or above this is flagged on the queue and the case page: about
# three times the development set's base rate (35 of 299), so the flag picks out the few items
# whose trace looks like the overturned ones, not every item with a documented gap.
LIKELY_OVERTURN = 0.3

STATUS_WORDS = {
    "met": "met",
    "not_met": "not met",
    "not_documented": "not documented",
    "not_applicable": "not applicable",
}


def likely_overturn(item: ItemDetermination) -> bool:
    return item.overturn_likelihood is not None and item.overturn_likelihood >= LIKELY_OVERTURN


def max_likelihood(det: Determination | None) -> float | None:
    values = (
        [i.overturn_likelihood for i in det.items if i.overturn_likelihood is not None]
        if det
        else []
    )
    return max(values) if values else None


@dataclass
class Segment:
    text: str
    mark: str | None = None  # the anchor id of a highlighted span
    label: str = ""  # which criteria this span decided


@dataclass
class RecordView:
    id: str
    heading: str
    segments: list[Segment]
    marks: int = 0


@dataclass
class Mark:
    start: int
    end: int
    labels: list[str] = field(default_factory=list)


def anchor(record_id: str, start: int) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in record_id)
    return f"ev-{safe}-{start}"


def _locate(span: EvidenceSpan, text: str) -> tuple[int, int] | None:
    """Offsets of the span in the record text: as given when they still hold the sentence, else
    its first occurrence (a record re-wrapped since), else nothing to highlight."""
    if 0 <= span.start < span.end <= len(text) and text[span.start : span.end] == span.text:
        return span.start, span.end
    if span.text:
        at = text.find(span.text)
        if at >= 0:
            return at, at + len(span.text)
    return None


def _merge(marks: list[Mark]) -> list[Mark]:
    merged: list[Mark] = []
    for mark in sorted(marks, key=lambda m: (m.start, m.end)):
        if merged and mark.start < merged[-1].end:
            last = merged[-1]
            last.end = max(last.end, mark.end)
            last.labels.extend(x for x in mark.labels if x not in last.labels)
        else:
            merged.append(Mark(mark.start, mark.end, list(mark.labels)))
    return merged


def evidence_anchors(case: Case, det: Determination | None) -> dict[tuple[str, int, int], str]:
    """(record id, start, end) of each evidence span as given -> the anchor of its mark."""
    texts = {r.id: r.text for r in case.records}
    found: dict[tuple[str, int, int], str] = {}
    for item in det.items if det else []:
        for crit in item.criteria:
            for span in crit.evidence:
                at = _locate(span, texts.get(span.record_id, ""))
                if at is not None:
                    found[(span.record_id, span.start, span.end)] = anchor(span.record_id, at[0])
    return found


def record_views(case: Case, det: Determination | None) -> list[RecordView]:
    """Every record of the case, with the evidence spans that decided a criterion marked."""
    marks: dict[str, list[Mark]] = {}
    texts = {r.id: r.text for r in case.records}
    for number, item in enumerate(det.items if det else [], start=1):
        for crit in item.criteria:
            for span in crit.evidence:
                at = _locate(span, texts.get(span.record_id, ""))
                if at is None:
                    continue
                label = f"item {number}: {crit.description} ({STATUS_WORDS[crit.status]})"
                marks.setdefault(span.record_id, []).append(Mark(at[0], at[1], [label]))
    views = []
    for record in case.records:
        text = record.text
        segments: list[Segment] = []
        cursor = 0
        merged = _merge(marks.get(record.id, []))
        for mark in merged:
            if mark.start > cursor:
                segments.append(Segment(text[cursor : mark.start]))
            segments.append(
                Segment(
                    text[mark.start : mark.end],
                    mark=anchor(record.id, mark.start),
                    label="; ".join(mark.labels),
                )
            )
            cursor = mark.end
        if cursor < len(text):
            segments.append(Segment(text[cursor:]))
        heading = f"{record.type.replace('_', ' ').upper()} {record.date:%m/%d/%Y}"
        if record.author:
            heading += f", {record.author}"
        views.append(RecordView(record.id, heading, segments, marks=len(merged)))
    return views


def draft_outcome(det: Determination, number: int) -> str:
    """The engine's outcome for item `number` (1-based), whatever the physician changed since."""
    for change in det.overrides:
        if change.field == "outcome" and change.item == number:
            return change.draft_value
    return det.items[number - 1].outcome
