"""One small reader per fact kind, and the kinds' flags (data/kinds.yaml).

A target rule finds a phrase of some kind; the pipeline's ConText and section rules give it its
flags (negated, hypothetical, historical, family); then the kind's reader, registered here with
`@reader("kind")`, reads its value and attributes from the sentence, may rename it (a planned
surgery is `surgery_planned`), or drops it (return False: "the work status is deferred" states
none). A kind without a reader is kept as matched.

How each kind treats context is data, not code: data/kinds.yaml gives each kind's flags
(`context: false`, `negatable: false`, ...), validated at load; a kind that is not a fact kind
(openimr.domain.facts.FACT_KINDS), a flag that is not known, or a reader registered for an
unknown kind is refused with a one-line error naming it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from openimr.domain.facts import FACT_KINDS
from openimr.errors import KnowledgeBaseError
from openimr.evidence import values as V
from openimr.knowledge.tables import Provenance

KINDS_FILE = Path(__file__).parent / "data" / "kinds.yaml"


class KindFlags(BaseModel):
    """How one kind is read. Defaults: context applies, a negation and a plan count."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    context: bool = (
        True  # False: ConText and sections change nothing (a body part is the patient's)
    )
    negatable: bool = True  # False: a value already says it ("not working"; "8/10 without meds")
    hypothetical: bool = True  # False: a plan is what the kind states (surgery_planned)
    ongoing: bool = False  # "continue"/"refill" in a plan states what is true now
    located: bool = False  # carries the body parts of its sentence or list item
    suspicion_counts: bool = False  # "rule out CRPS" is CRPS suspected
    ur_readable: bool = False  # read from sentences about the UR decision too (never a denial)
    exam_test: bool = False  # an exam test: value positive/negative, negative means negated
    neuro: bool = False  # an abnormal finding of this kind is also a neuro_deficit


class _KindsProvenance(Provenance):
    reviewed: str | None = None


class KindTable(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provenance: _KindsProvenance
    kinds: dict[str, KindFlags]

    @field_validator("kinds")
    @classmethod
    def _known_kinds(cls, value: dict[str, KindFlags]) -> dict[str, KindFlags]:
        unknown = sorted(k for k in value if k not in FACT_KINDS)
        if unknown:
            raise ValueError(f"unknown fact kind(s) {unknown}")
        return value


def load_kinds(path: Path = KINDS_FILE) -> dict[str, KindFlags]:
    """The kinds file, validated (a bad row is a KnowledgeBaseError naming the file and key)."""
    try:
        table = KindTable.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise KnowledgeBaseError(f"{path.name}: {where}: {err['msg']}") from None
    missing = sorted(k for k in READERS if k not in table.kinds)
    if missing:
        raise KnowledgeBaseError(f"{path.name}: kinds with a reader but no row: {missing}")
    return table.kinds


@cache
def kind_flags() -> dict[str, KindFlags]:
    return load_kinds()


DEFAULT_FLAGS = KindFlags()


def flags_of(kind: str) -> KindFlags:
    return kind_flags().get(kind, DEFAULT_FLAGS)


@cache
def kinds_with(flag: str, value: bool = True) -> frozenset[str]:
    """The kinds whose flag has this value (kinds not listed take the defaults)."""
    return frozenset(k for k, f in kind_flags().items() if getattr(f, flag) is value)


@dataclass
class SpanRead:
    """One matched phrase being read: its sentence, its place there, what is read so far."""

    kind: str
    sent_text: str
    rel_start: int
    rel_end: int
    match_text: str
    value: Any
    attrs: dict[str, Any]
    flags: dict[str, bool]
    reference_date: dt.date | None = None
    meta: dict[str, Any] = field(default_factory=dict)


Reader = Callable[[SpanRead], "bool | None"]
READERS: dict[str, Reader] = {}


def reader(*kinds: str) -> Callable[[Reader], Reader]:
    """Register a reader for these kinds (each a FACT_KINDS key, one reader per kind)."""

    def register(func: Reader) -> Reader:
        for kind in kinds:
            if kind not in FACT_KINDS:
                raise KnowledgeBaseError(f"reader {func.__name__}: unknown fact kind {kind!r}")
            if kind in READERS:
                raise KnowledgeBaseError(f"reader {func.__name__}: {kind!r} already has a reader")
            READERS[kind] = func
        return func

    return register


def read(span: SpanRead) -> bool:
    """Run the kind's reader; False when the finding is dropped."""
    func = READERS.get(span.kind)
    return func is None or func(span) is not False


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around [start, end): delimited by ; , : or the text ends."""
    left = max(text.rfind(d, 0, start) for d in (";", ",", ":"))
    rights = [i for i in (text.find(d, end) for d in (";", ",")) if i != -1]
    return left + 1, (min(rights) if rights else len(text))


NORMAL_RESULT = re.compile(
    r"(?:essentially\s+|entirely\s+|completely\s+)?(?:normal|unremarkable|negative|within\s+normal\s+limits|"
    r"no\s+(?:evidence|sign|signs|abnormalit\w*|acute|significant|electrodiagnostic|radiculopathy|neuropathy)|"
    r"without\s+(?:evidence|abnormalit\w*))\b",
    re.IGNORECASE,
)


@reader("age")
def _age(r: SpanRead) -> bool | None:
    match_text = r.match_text
    value = V.parse_age(match_text)
    r.value = value
    return None


@reader("injury_date")
def _injury_date(r: SpanRead) -> bool | None:
    match_text = r.match_text
    date = V.parse_date(match_text)
    value = date.isoformat() if date else None
    r.value = value
    return None


@reader("pain_score")
def _pain_score(r: SpanRead) -> bool | None:
    sent_text = r.sent_text
    rel_start = r.rel_start
    rel_end = r.rel_end
    match_text = r.match_text
    attrs = r.attrs
    parsed = V.parse_pain_score(match_text)
    if parsed is None:
        return False
    low, high = parsed
    value = V.number(high)
    attrs.update(low=V.number(low), high=V.number(high))
    if re.search(r"\bfrom\s*$", sent_text[max(0, rel_start - 12) : rel_start], re.I) and re.search(
        r"\bto\b", match_text, re.I
    ):
        # "decreased from 8/10 to 5/10": a change, not a range
        first, second = V.parse_pain_scores_in_order(match_text)
        value = V.number(second)
        attrs = {"previous": V.number(first), "change": V.number(second - first)}
    # read up to the next score only: "8/10 without and 6/10 with medications"
    after = re.split(r"\d\s*/\s*10|\d\s+out\s+of", sent_text[rel_end : rel_end + 60])[0]
    before = sent_text[max(0, rel_start - 40) : rel_start]
    if re.match(r"\W*(?:without|off)\b", after, re.I) or V.pattern("without_medication").search(
        after
    ):
        attrs["when"] = "without_medication"
    elif re.match(r"\W*(?:with|on)\b", after, re.I) or V.pattern("with_medication").search(after):
        attrs["when"] = "with_medication"
    elif V.pattern("without_medication").search(before):
        attrs["when"] = "without_medication"
    r.value = value
    r.attrs = attrs
    return None


@reader("pain_relief")
def _pain_relief(r: SpanRead) -> bool | None:
    sent_text = r.sent_text
    rel_end = r.rel_end
    match_text = r.match_text
    attrs = r.attrs
    percent = V.parse_percent(match_text)
    if percent is None:
        percent = V.parse_percent(sent_text[rel_end : rel_end + 40])
    if percent is not None:
        attrs["percent"] = percent
    return None


@reader("prior_treatment")
def _prior_treatment(r: SpanRead) -> bool | None:
    sent_text = r.sent_text
    rel_start = r.rel_start
    rel_end = r.rel_end
    attrs = r.attrs
    value = attrs.get("modality")
    c_start, c_end = clause_bounds(sent_text, rel_start, rel_end)
    clause = sent_text[c_start:c_end]
    sessions = V.parse_sessions(clause)
    if sessions is not None:
        attrs["sessions"] = sessions
    effect = V.parse_effect(clause)
    if effect is not None:
        attrs["effect"] = effect
    r.value = value
    return None


@reader("home_exercise_program")
def _home_exercise_program(r: SpanRead) -> bool | None:
    sent_text = r.sent_text
    rel_start = r.rel_start
    rel_end = r.rel_end
    attrs = r.attrs
    c_start, c_end = clause_bounds(sent_text, rel_start, rel_end)
    effect = V.parse_effect(sent_text[c_start:c_end])
    if effect is not None:
        attrs["effect"] = effect
    return None


@reader("current_medication")
def _current_medication(r: SpanRead) -> bool | None:
    sent_text = r.sent_text
    rel_start = r.rel_start
    rel_end = r.rel_end
    attrs = r.attrs
    after = sent_text[rel_end : rel_end + 80]
    months = V.parse_duration_months(after, r.reference_date)
    if months is not None:
        attrs["duration_months"] = months
    if V.pattern("long_term").search(sent_text):
        attrs["long_term"] = True
    # "a Medrol Dosepak which failed to have any effect": the drug is the subject
    _, c_end = clause_bounds(sent_text, rel_start, rel_end)
    if V.pattern("medication_failed").search(sent_text[rel_end:c_end]):
        attrs["effect"] = "no_improvement"
    else:  # "meloxicam, however the worker states it is not effective"
        tail = sent_text[rel_end:]
        pronoun = V.pattern("medication_pronoun").match(tail)
        clause_after = re.split(r"[,;]", tail[pronoun.end() :] if pronoun else "")[0]
        if pronoun and V.pattern("medication_failed").search(clause_after[:40]):
            attrs["effect"] = "no_improvement"
    return None


@reader("urine_drug_screen", "cures_check")
def _urine_drug_screen(r: SpanRead) -> bool | None:
    sent_text = r.sent_text
    attrs = r.attrs
    if V.pattern("uds_inconsistent").search(sent_text):
        attrs["consistent"] = False
    elif V.pattern("uds_consistent").search(sent_text):
        attrs["consistent"] = True
    return None


@reader("imaging_result", "electrodiagnostic_result")
def _imaging_result(r: SpanRead) -> bool | None:
    sent_text = r.sent_text
    rel_end = r.rel_end
    attrs = r.attrs
    finding = re.search(
        r"\b(?:revealed|showed|shows|demonstrated|noted|were|was)\b\s+(.*)",
        sent_text[rel_end:],
        re.IGNORECASE,
    )
    if finding:
        attrs["finding"] = finding.group(1).rstrip(" .")
        # "was normal", "showed no evidence of...": a study done, but nothing found
        attrs["abnormal"] = not NORMAL_RESULT.match(attrs["finding"])
    return None


@reader("surgery")
def _surgery(r: SpanRead) -> bool | None:
    sent_text = r.sent_text
    rel_end = r.rel_end
    match_text = r.match_text
    attrs = r.attrs
    flags = r.flags
    kind = r.kind
    after = sent_text[rel_end : rel_end + 60]
    dates = V.find_dates(after)
    if dates:
        attrs["date"] = dates[0][0].isoformat()
        if V.month_only(after[dates[0][1] : dates[0][2]]):
            attrs["date_precision"] = "month"
    attrs["procedure"] = match_text
    if flags["hypothetical"] and not flags["negated"]:
        # a surgery in the plan is a surgery planned, and that is a fact of the present
        kind, flags["hypothetical"] = "surgery_planned", False
    r.kind = kind
    return None


@reader("surgery_authorized")
def _surgery_authorized(r: SpanRead) -> bool | None:
    sent_text = r.sent_text
    rel_start = r.rel_start
    rel_end = r.rel_end
    match_text = r.match_text
    c_start, _ = clause_bounds(sent_text, rel_start, rel_end)
    if re.search(
        r"\b(?:if|once|until|unless|whether|when)\b",
        sent_text[c_start:rel_end],
        re.IGNORECASE,
    ):
        return False  # "once the surgery is approved": a condition, not an authorization
    value = match_text
    r.value = value
    return None


@reader("work_status")
def _work_status(r: SpanRead) -> bool | None:
    if r.value is not None:
        return None  # the rule itself names the status
    sent_text = r.sent_text
    rel_end = r.rel_end
    rest = sent_text[rel_end:].strip(" .:")
    rest = re.sub(
        r"^(?:was|is|were|remains|has been)?\s*(?:noted\s+)?(?:as|to be)?\s*",
        "",
        rest,
        flags=re.IGNORECASE,
    )
    if re.match(
        r"(?:deferred|unknown|pending|not\s+(?:stated|provided|documented|"
        r"specified|detailed|indicated))\b",
        rest,
        re.IGNORECASE,
    ):
        return False  # the record names the work status without stating it
    value = rest or None
    r.value = value
    return None
