"""Clinical facts from treating notes and IMR case summaries, each with its evidence span.

`extract_text` reads one text; `extract` reads a case's records (and its narrative summary) and
adds what the case file states directly (age, sex, injury date). A fact's span is the sentence it
was read in (`record_text[span.start:span.end] == span.text`); the matched phrase and its offsets
are in the fact's attributes (`matched`, `match_start`, `match_end`).

Sentences that report the utilization-review decision ("UR determined X was not medically
necessary") are not clinical evidence and are skipped.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Sequence
from typing import Any

from openimr.domain.case import Case, MedicalRecord
from openimr.domain.common import EvidenceSpan
from openimr.domain.facts import ClinicalFact, ClinicalFacts, phase_of_care
from openimr.evidence import values as V
from openimr.evidence.pipeline import SPAN_GROUP, build_nlp
from openimr.evidence.readers import SpanRead, kinds_with
from openimr.evidence.readers import clause_bounds as _clause_bounds
from openimr.evidence.readers import read as run_reader
from openimr.evidence.rules import load_rules
from openimr.knowledge.treatments import conservative_modalities

# how each kind is read is data (data/kinds.yaml, openimr.evidence.readers)
EXAM_TESTS = kinds_with("exam_test")
NEURO_KINDS = kinds_with("neuro")
CONTEXT_FREE = kinds_with("context", False)
NEGATION_FREE = kinds_with("negatable", False)
HYPOTHETICAL_FREE = kinds_with("hypothetical", False)
ONGOING_KINDS = kinds_with("ongoing")
LOCATED_KINDS = kinds_with("located")
SUSPICION_COUNTS = kinds_with("suspicion_counts")
UR_READABLE = kinds_with("ur_readable")
SPAN_KEYS = ("matched", "match_start", "match_end")
PAST_CARE = re.compile(
    r"\b(?:to date|previous\w*|prior|in the past|past treatments?|history|ha(?:s|ve) (?:had|included|"
    r"received|undergone|tried|completed)|had (?:had|received|undergone|tried|completed))\b",
    re.IGNORECASE,
)
EXAM_WINDOW_BEFORE = 30
# a result word heading a list of tests that ends at the test in hand
_TEST_LIST_RESULT = re.compile(
    r"\b(positive|negative)\s+(?:[\w'’-]+(?:\s+(?:tests?|signs?|maneuvers?))?\s*(?:,\s*(?:and|or)?|and|or)\s+)+$",
    re.IGNORECASE,
)
EXAM_WINDOW_AFTER = 60


def _nearest(regex: re.Pattern[str], text: str, start: int, end: int) -> int | None:
    """Distance from [start, end) to the closest match of regex in text (None if none)."""
    best: int | None = None
    for m in regex.finditer(text):
        if m.end() <= start:
            dist = start - m.end()
            if dist > EXAM_WINDOW_BEFORE:
                continue
        elif m.start() >= end:
            dist = m.start() - end
            if dist > EXAM_WINDOW_AFTER:
                continue
        else:
            dist = 0
        best = dist if best is None else min(best, dist)
    return best


def _exam_status(text: str, start: int, end: int) -> str | None:
    """'abnormal', 'normal' or None for an exam finding at [start, end) of a sentence.

    The result written after the finding in its own clause wins ("reflexes are 2+"), then one
    before it in the clause ("4/5 strength"), then the nearest in a window ("strength, sensation
    and reflexes were normal").
    """
    c_start, c_end = _clause_bounds(text, start, end)
    abnormal, normal = V.pattern("exam_abnormal"), V.pattern("exam_normal")
    after = text[end:c_end]
    before = text[c_start:start]
    for part, pick in ((after, 0), (before, -1)):
        hits = [(m.start(), "abnormal") for m in abnormal.finditer(part)]
        hits += [(m.start(), "normal") for m in normal.finditer(part)]
        if hits:
            return sorted(hits)[pick][1]
    if abnormal.search(text[start:end]):
        return "abnormal"  # "weakness", "hyporeflexia"
    near_abnormal = _nearest(abnormal, text, start, end)
    near_normal = _nearest(normal, text, start, end)
    if near_abnormal is None and near_normal is None:
        return None
    if near_abnormal is None or (near_normal is not None and near_normal < near_abnormal):
        return "normal"
    return "abnormal"


class _Reader:
    """Turns the pipeline's spans of one document into ClinicalFacts."""

    def __init__(self, text: str, record_id: str, reference_date: dt.date | None):
        self.text = text
        self.record_id = record_id
        self.reference_date = reference_date
        rules = load_rules()
        self.section_effect = {s.category: s.effect for s in rules.sections}
        self.facts: list[ClinicalFact] = []
        self.sentences: list[tuple[int, int]] = []
        self.skipped_sites: dict[int, list[str]] = {}  # body parts named in skipped sentences

    # --- spans -------------------------------------------------------------------------------
    def span_for(self, sent_start: int, sent_end: int) -> EvidenceSpan:
        # the sentence without the line breaks/spaces spaCy keeps around it
        while sent_start < sent_end and self.text[sent_start].isspace():
            sent_start += 1
        while sent_end > sent_start and self.text[sent_end - 1].isspace():
            sent_end -= 1
        return EvidenceSpan(
            record_id=self.record_id,
            start=sent_start,
            end=sent_end,
            text=self.text[sent_start:sent_end],
        )

    def make(
        self,
        kind: str,
        sent: tuple[int, int],
        match: tuple[int, int],
        value: Any = None,
        attributes: dict[str, Any] | None = None,
        **flags: bool,
    ) -> ClinicalFact:
        attrs = dict(attributes or {})
        attrs.update(
            matched=self.text[match[0] : match[1]], match_start=match[0], match_end=match[1]
        )
        return ClinicalFact(
            kind=kind, value=value, attributes=attrs, span=self.span_for(*sent), **flags
        )

    def add(
        self,
        kind: str,
        sent: tuple[int, int],
        match: tuple[int, int],
        value: Any = None,
        attributes: dict[str, Any] | None = None,
        **flags: bool,
    ) -> ClinicalFact:
        fact = self.make(kind, sent, match, value, attributes, **flags)
        self.facts.append(fact)
        return fact

    # --- main ------------------------------------------------------------------------------
    def read(self, doc: Any) -> list[ClinicalFact]:
        skip = {s.start_char for s in doc.sents if V.pattern("ur_sentence").search(s.text)}
        denial = {s.start_char for s in doc.sents if V.pattern("denial").search(s.text)}
        spans = sorted(doc.spans[SPAN_GROUP], key=lambda s: (s.start_char, -len(s.text)))
        taken: list[tuple[str, int, int]] = []
        for span in spans:
            sent = span.sent
            kind = span.label_
            if kind in UR_READABLE:
                if sent.start_char in denial:
                    continue  # "non-certified the request for ... arthroscopy"
            elif sent.start_char in skip:
                if kind == "body_part":  # the site of an authorized surgery, not a finding
                    sites = self.skipped_sites.setdefault(sent.start_char, [])
                    value = (span._.target_rule.metadata or {}).get("value")
                    if value not in sites:
                        sites.append(value)
                continue
            # a shorter match of the same kind inside a longer one adds nothing
            if any(k == kind and s <= span.start_char and span.end_char <= e for k, s, e in taken):
                continue
            taken.append((kind, span.start_char, span.end_char))
            self.read_span(span, kind, (sent.start_char, sent.end_char), doc)
        self.sentences = [(s.start_char, s.end_char) for s in doc.sents]
        for sent in doc.sents:
            if sent.start_char not in skip:
                self.read_diagnoses(sent.start_char, sent.end_char)
        self.derive()
        return _dedupe(self.facts)

    def flags_for(self, span: Any, kind: str, meta: dict[str, Any], doc: Any) -> dict[str, bool]:
        flags = {
            "negated": bool(span._.is_negated) or bool(meta.get("force_negated")),
            "hypothetical": bool(span._.is_hypothetical) or bool(span._.is_uncertain),
            "historical": bool(span._.is_historical),
            "family": bool(span._.is_family),
        }
        effect = self.section_effect.get(doc[span.start]._.section_category or "", "none")
        # a work status written under PLAN: is the status now, not a plan
        if effect in ("historical", "hypothetical", "family") and not (
            effect == "hypothetical" and kind == "work_status"
        ):
            flags[effect] = True
        if kind in CONTEXT_FREE:
            flags = dict.fromkeys(flags, False)
        if kind in NEGATION_FREE:
            flags["negated"] = False
        if kind in HYPOTHETICAL_FREE:
            flags["hypothetical"] = False
        return flags

    def read_span(self, span: Any, kind: str, sent: tuple[int, int], doc: Any) -> None:
        meta = span._.target_rule.metadata or {}
        flags = self.flags_for(span, kind, meta, doc)
        start, end = span.start_char, span.end_char
        sent_text = self.text[sent[0] : sent[1]]
        rel_start, rel_end = start - sent[0], end - sent[0]
        value = meta.get("value")
        attrs: dict[str, Any] = dict(meta.get("attributes") or {})
        match_text = self.text[start:end]
        uncertain = bool(span._.is_uncertain)
        if (
            uncertain
            and not span._.is_hypothetical
            and flags["hypothetical"]
            and V.pattern("diagnosis_cue").search(sent_text)
            and self.section_effect.get(doc[span.start]._.section_category or "") != "hypothetical"
        ):
            # in a list of diagnoses "possible" qualifies its own item only: "labral tear,
            # possible cuff tear; thumb fracture" has a certain fracture
            item = _list_item(self.text, sent[0], sent[1], start, end)
            if not V.pattern("uncertain").search(self.text[item[0] : item[1]]):
                uncertain = flags["hypothetical"] = False
        if uncertain and kind not in CONTEXT_FREE:
            attrs["uncertain"] = True  # "possible radiculopathy": not asserted, but not absent
        if (
            kind in SUSPICION_COUNTS
            and flags["hypothetical"]
            and not flags["negated"]
            and V.pattern("uncertain").search(sent_text[:rel_start])
        ):
            flags["hypothetical"] = False
            attrs["suspected"] = True
        if (
            not flags["negated"]
            and V.pattern("inner_negation").search(match_text)
            and V.pattern("absence_cue").search(sent_text[:rel_start])
        ):
            # "no evidence the patient cannot tolerate ...": the outer absence wins
            flags["negated"] = True

        if flags["hypothetical"] and kind in ONGOING_KINDS:
            c_start, _ = _clause_bounds(sent_text, rel_start, rel_end)
            if V.pattern("ongoing").search(sent_text[c_start:rel_start]):
                flags["hypothetical"] = False
                attrs["ongoing"] = True
        if meta.get("exam_status") and not flags["negated"]:
            status = _exam_status(sent_text, rel_start, rel_end)
            if status is None:
                return  # the finding is named but its result is not stated here
            flags["negated"] = status == "normal"
        is_test = kind in EXAM_TESTS or bool(meta.get("test"))
        if is_test:
            # the nearer of "positive"/"negative" decides; ConText only when neither is written
            neg = _nearest(V.pattern("test_negative"), sent_text, rel_start, rel_end)
            pos = _nearest(V.pattern("test_positive"), sent_text, rel_start, rel_end)
            not_done = _nearest(V.pattern("test_not_done"), sent_text, rel_start, rel_end)
            if not_done is not None and all(d is None or not_done < d for d in (neg, pos)):
                return  # "Spurling's test was deferred": no result, no finding
            carried = _TEST_LIST_RESULT.search(sent_text[max(0, rel_start - 120) : rel_start])
            if neg is not None or pos is not None:
                # a tie is "no positive X": the negative phrase contains the positive word
                flags["negated"] = pos is None or (neg is not None and neg <= pos)
            elif carried is not None:
                # "negative Neer's test, Hawkins' test, and Speed's test": the list shares its result
                flags["negated"] = carried.group(1).lower().startswith("neg")
            elif meta.get("result_required"):
                return  # "McMurray's test was performed": no result, no finding
        if is_test:
            result = "negative" if flags["negated"] else "positive"
            if kind in EXAM_TESTS:
                value = result
            else:  # instability tests: the finding is instability, the test says which
                attrs.update(test=match_text, result=result)

        read = SpanRead(
            kind=kind,
            sent_text=sent_text,
            rel_start=rel_start,
            rel_end=rel_end,
            match_text=match_text,
            value=value,
            attrs=attrs,
            flags=flags,
            reference_date=self.reference_date,
            meta=meta,
        )
        if not run_reader(read):
            return
        self.add(read.kind, sent, (start, end), read.value, read.attrs, **read.flags)

    # --- diagnoses ---------------------------------------------------------------------------
    def read_diagnoses(self, sent_start: int, sent_end: int) -> None:
        sent_text = self.text[sent_start:sent_end]
        cues = list(V.pattern("diagnosis_cue").finditer(sent_text))
        if not cues:
            return
        # "treated for the diagnoses of X": the list starts after the last adjacent cue
        cue_end = cues[0].end()
        for cue in cues[1:]:
            if cue.start() <= cue_end + 25:
                cue_end = max(cue_end, cue.end())
        tail = sent_text[cue_end:].rstrip(" .")
        position = 0
        for piece in V.pattern("diagnosis_split").split(tail):
            offset = tail.find(piece, position)
            position = offset + len(piece)
            cleaned = re.sub(r"^(?:the|a|an)\s+", "", piece.strip(" :\"'"), flags=re.IGNORECASE)
            if len(cleaned) < 4 or not re.search(r"[a-z]{3}", cleaned, re.IGNORECASE):
                continue
            start = sent_start + cue_end + offset + piece.find(cleaned)
            uncertain = bool(V.pattern("uncertain").search(cleaned))
            self.add(
                "diagnosis",
                (sent_start, sent_end),
                (start, start + len(cleaned)),
                cleaned,
                {"uncertain": True} if uncertain else {},
                hypothetical=uncertain,
            )

    # --- facts that follow from others ----------------------------------------------------------
    def derive(self) -> None:
        derived: list[ClinicalFact] = []
        for fact in self.facts:
            if fact.kind in NEURO_KINDS:
                derived.append(
                    fact.model_copy(
                        update={
                            "kind": "neuro_deficit",
                            "value": fact.kind,
                            "attributes": {**fact.attributes, "derived_from": fact.kind},
                        }
                    )
                )
            elif (
                fact.kind in ("prior_treatment", "home_exercise_program")
                and fact.attributes.get("effect") == "no_improvement"
                and fact.asserted
                and (
                    fact.value in conservative_modalities() or fact.kind == "home_exercise_program"
                )
            ):
                derived.append(
                    fact.model_copy(
                        update={
                            "kind": "failed_conservative_care",
                            "value": fact.value,
                            "attributes": {**fact.attributes, "derived_from": fact.kind},
                        }
                    )
                )
            elif (
                fact.kind == "current_medication"
                and fact.asserted
                and fact.attributes.get("effect") == "no_improvement"
            ):
                derived.append(
                    fact.model_copy(
                        update={
                            "kind": "failed_conservative_care",
                            "value": fact.value,
                            "attributes": {**fact.attributes, "derived_from": "current_medication"},
                        }
                    )
                )
            if fact.kind == "current_medication" and fact.attributes.get("conditions"):
                # a worker on warfarin has a bleeding risk; on insulin, diabetes
                for kind, condition in fact.attributes["conditions"].items():
                    derived.append(
                        fact.model_copy(
                            update={
                                "kind": kind,
                                "value": condition,
                                "attributes": {
                                    **{k: fact.attributes[k] for k in SPAN_KEYS},
                                    "condition": condition,
                                    "drug": fact.value,
                                    "derived_from": "current_medication",
                                },
                            }
                        )
                    )
            if fact.kind == "age" and isinstance(fact.value, int) and fact.value > 65:
                derived.append(
                    fact.model_copy(
                        update={
                            "kind": "gi_risk",
                            "value": "age over 65",
                            "attributes": {**fact.attributes, "derived_from": "age"},
                        }
                    )
                )
        derived += self.pain_relief_from_scores()
        derived += self.failed_care_from_persistent_symptoms()
        self.facts.extend(derived)
        self.attach_body_parts()

    def attach_body_parts(self) -> None:
        """Name the body parts of a finding about a place (a fracture where?).

        A red flag, and any located finding in a sentence that lists conditions (diagnoses, past
        history), carries the parts named in its own list item ("cervical strain, right wrist
        fracture": the fracture is the wrist's); otherwise, or when its item names none, the
        parts of the whole sentence. A red flag whose item calls it old or healed is historical.
        """
        parts: dict[int, list[tuple[str, int, int]]] = {}
        for fact in self.facts:
            if fact.kind == "body_part" and fact.span is not None:
                parts.setdefault(fact.span.start, []).append(
                    (
                        fact.value,
                        fact.attributes.get("match_start", -1),
                        fact.attributes.get("match_end", -1),
                    )
                )
        for fact in self.facts:
            if fact.kind not in LOCATED_KINDS or fact.span is None:
                continue
            in_sentence = parts.get(fact.span.start) or []
            found = _unique(value for value, _, _ in in_sentence)
            match = (fact.attributes.get("match_start"), fact.attributes.get("match_end"))
            if (
                match[0] is not None
                and match[1] is not None
                and (fact.kind == "red_flag" or _lists_conditions(fact.span.text))
            ):
                seg_start, seg_end = _list_item(self.text, fact.span.start, fact.span.end, *match)
                own = _unique(
                    value for value, s, e in in_sentence if seg_start <= s and e <= seg_end
                )
                if re.match(r"\s+(?:of|involving|at)\b", self.text[match[1] : seg_end], re.I):
                    # "CT of the lumbar spine revealed a fracture of T12": the part it is of
                    own = (
                        _unique(
                            value for value, s, e in in_sentence if match[1] <= s and e <= seg_end
                        )
                        or own
                    )
                found = own or found
                if fact.kind == "red_flag" and not fact.historical:
                    item = self.text[seg_start:seg_end]
                    if V.pattern("red_flag_old").search(item) and not V.pattern(
                        "red_flag_current"
                    ).search(item):
                        fact.historical = True  # "old healed fracture": history, not a red flag now
            if not found:
                # a span starts after leading spaces; the sentence key is the spaCy sentence start
                key = next((s for s, e in self.sentences if s <= fact.span.start < e), None)
                found = (
                    (self.skipped_sites.get(key) or [])
                    if key is not None and fact.kind in UR_READABLE
                    else []
                )
            if found:
                fact.attributes.setdefault("sentence_body_parts", list(found))

    def failed_care_from_persistent_symptoms(self) -> list[ClinicalFact]:
        """Symptoms that persist after conservative care the record documents: that care failed.

        Read only when the same text states a conservative treatment as given (not planned) before
        the complaint or as past care, and none as helping, and only from a sentence that states
        the persistence (not a UR sentence).
        """
        given = [
            f
            for f in self.facts
            if f.asserted
            and f.span is not None
            and not f.attributes.get("derived_from")
            and (
                (f.kind == "prior_treatment" and f.value in conservative_modalities())
                or f.kind == "home_exercise_program"
            )
        ]
        if not given or any(f.attributes.get("effect") == "improved" for f in given):
            return []  # care that helped has not failed, even if some pain remains
        result: list[ClinicalFact] = []
        regex = V.pattern("persistent_symptoms")
        visit = self.visit_dates()
        for start, end in self.sentences:
            # care counts when written before the complaint (and not at a later visit) or stated
            # as past ("treatment to date"): "reported ongoing pain. An injection was
            # administered." is care that answers the complaint, not care that failed
            before_it = [
                f
                for f in given
                if f.span is not None
                and (
                    f.historical
                    or PAST_CARE.search(f.span.text)
                    or (
                        f.span.start < start
                        and not _later(visit.get(f.span.start), visit.get(start))
                    )
                )
            ]
            if not before_it:
                continue
            sent_text = self.text[start:end]
            m = regex.search(sent_text)
            if (
                m is None
                or V.pattern("ur_sentence").search(sent_text)
                or re.search(r"\bimprov|\bbetter\b", sent_text[m.end() :], re.IGNORECASE)
            ):
                continue
            before = sent_text[: m.start()]
            if V.pattern("absence_cue").search(before) or re.search(
                r"\b(?:no|not|denies|denied|without|resolved)\b", before[-25:], re.I
            ):
                continue
            modalities = sorted({str(f.value or "home exercise program") for f in before_it})
            result.append(
                self.make(
                    "failed_conservative_care",
                    (start, end),
                    (start + m.start(), start + m.end()),
                    value="persistent symptoms after conservative care",
                    attributes={"derived_from": "persistent_symptoms", "after": modalities},
                )
            )
        return result

    def visit_dates(self) -> dict[int, dt.date]:
        """The date each sentence is about: the last date written in it or before it."""
        dates: dict[int, dt.date] = {}
        current: dt.date | None = None
        for start, end in self.sentences:
            found = V.find_dates(self.text[start:end])
            if found:
                current = found[-1][0]
            if current is not None:
                dates[start] = current
                stripped = start + len(self.text[start:end]) - len(self.text[start:end].lstrip())
                dates[stripped] = current  # fact spans start after leading spaces
        return dates

    def pain_relief_from_scores(self) -> list[ClinicalFact]:
        """Pain relief read from two scores: 'from 8/10 to 4/10' or '8/10 without, 4/10 with'."""
        result: list[ClinicalFact] = []
        by_sentence: dict[int, list[ClinicalFact]] = {}
        for fact in self.facts:
            if fact.kind == "pain_score" and fact.span is not None and fact.asserted:
                by_sentence.setdefault(fact.span.start, []).append(fact)
        for scores in by_sentence.values():
            before = after = None
            for fact in scores:
                if "previous" in fact.attributes:
                    before, after = fact.attributes["previous"], fact.value
                    break
                when = fact.attributes.get("when")
                if when == "without_medication" and before is None:
                    before = fact.value
                elif when == "with_medication" and after is None:
                    after = fact.value
            if before is None or after is None or not before or after >= before:
                continue
            result.append(
                scores[0].model_copy(
                    update={
                        "kind": "pain_relief",
                        "value": None,
                        "attributes": {
                            **{k: scores[0].attributes[k] for k in SPAN_KEYS},
                            "from_score": before,
                            "to_score": after,
                            "percent": round((before - after) / before * 100),
                            "derived_from": "pain_score",
                        },
                    }
                )
            )
        return result


LIST_DELIMITER = re.compile(r"[;,:]|\band\b|\s-\s", re.IGNORECASE)


def _list_item(text: str, sent_start: int, sent_end: int, start: int, end: int) -> tuple[int, int]:
    """The list item (between ; , : or "and") of a sentence that holds [start, end)."""
    left, right = sent_start, sent_end
    for m in LIST_DELIMITER.finditer(text, sent_start, sent_end):
        if m.end() <= start:
            left = m.end()
        elif m.start() >= end:
            right = m.start()
            break
    return left, right


def _lists_conditions(sentence: str) -> bool:
    return bool(
        V.pattern("diagnosis_cue").search(sentence) or V.pattern("history_list").search(sentence)
    )


def _unique(values: Any) -> list[str]:
    result: list[str] = []
    for value in values:
        if value not in result:
            result.append(value)
    return result


def _later(first: dt.date | None, second: dt.date | None) -> bool:
    return first is not None and second is not None and first > second


def _dedupe(facts: list[ClinicalFact]) -> list[ClinicalFact]:
    """One fact per (record, sentence, kind, value, flags); the first mention wins."""
    seen: set[tuple[Any, ...]] = set()
    result: list[ClinicalFact] = []
    for fact in facts:
        span = fact.span
        key = (
            span.record_id if span else None,
            span.start if span else None,
            fact.kind,
            repr(fact.value),
            fact.negated,
            fact.hypothetical,
            fact.historical,
            fact.family,
            tuple(fact.attributes.get("sentence_body_parts") or ())
            if fact.kind == "red_flag"
            else (),
        )
        if key in seen:
            continue
        seen.add(key)
        result.append(fact)
    return result


def latest_date(text: str, not_after: dt.date | None = None) -> dt.date | None:
    """The latest date written in a text (a summary's last date is about its review date)."""
    limit = not_after or dt.date.today()
    dates = [d for d, _, _ in V.find_dates(text) if d <= limit]
    return max(dates) if dates else None


def _read_text(text: str, record_id: str, reference_date: dt.date | None) -> list[ClinicalFact]:
    if not text or not text.strip():
        return []
    nlp = build_nlp()
    with warnings.catch_warnings():
        # spaCy W036: medspaCy's token matcher is empty when every rule is a regex or a phrase
        warnings.filterwarnings("ignore", message=r"\[W036\]")
        doc = nlp(text)
    return _Reader(text, record_id, reference_date).read(doc)


def _chronicity(
    injury: dt.date | None, injury_fact: ClinicalFact | None, reference: dt.date | None
) -> list[ClinicalFact]:
    """chronic_pain asserted when more than 12 weeks passed from injury to the review/latest note;
    its `phase` attribute is acute, subacute or chronic (`openimr.domain.facts.phase_of_care`)."""
    if injury is None or reference is None or reference < injury:
        return []
    days = (reference - injury).days
    phase = phase_of_care(days)
    attrs: dict[str, Any] = {
        "months_since_injury": V.months_between(injury, reference),
        "days_since_injury": days,
        "phase": phase,
        "injury_date": injury.isoformat(),
        "reference_date": reference.isoformat(),
        "derived_from": "injury_date",
    }
    if injury_fact is not None:
        attrs.update(
            {k: injury_fact.attributes[k] for k in SPAN_KEYS if k in injury_fact.attributes}
        )
    return [
        ClinicalFact(
            kind="chronic_pain",
            value=phase == "chronic",
            negated=phase != "chronic",
            attributes=attrs,
            span=injury_fact.span if injury_fact is not None else None,
        )
    ]


def _first_injury(facts: list[ClinicalFact]) -> tuple[dt.date | None, ClinicalFact | None]:
    for fact in facts:
        if fact.kind == "injury_date" and fact.value:
            return dt.date.fromisoformat(fact.value), fact
    return None, None


def extract_text(
    text: str,
    record_id: str = "summary",
    *,
    reference_date: dt.date | None = None,
    injury_date: dt.date | None = None,
) -> ClinicalFacts:
    """Facts from one text. reference_date (the review or note date) defaults to the latest date
    written in the text; injury_date defaults to the one the text states."""
    reference = reference_date or latest_date(text)
    facts = _read_text(text, record_id, reference)
    found_injury, injury_fact = _first_injury(facts)
    facts += _chronicity(injury_date or found_injury, injury_fact, reference)
    return ClinicalFacts(facts=facts)


def _case_facts(case: Case) -> list[ClinicalFact]:
    """What the case file states directly (no span: it is structured data, not a record)."""
    source = {"source": "case"}
    facts: list[ClinicalFact] = [
        ClinicalFact(kind="injury_date", value=case.injury.date.isoformat(), attributes=source)
    ]
    if case.worker.age is not None:
        facts.append(ClinicalFact(kind="age", value=case.worker.age, attributes=source))
        if case.worker.age > 65:
            facts.append(
                ClinicalFact(
                    kind="gi_risk",
                    value="age over 65",
                    attributes={**source, "derived_from": "age"},
                )
            )
    if case.worker.sex is not None:
        facts.append(ClinicalFact(kind="sex", value=case.worker.sex, attributes=source))
    for part in case.injury.body_parts:
        facts.append(ClinicalFact(kind="body_part", value=part, attributes=source))
    for diagnosis in case.diagnoses:
        attrs = {**source, **({"icd10": diagnosis.icd10} if diagnosis.icd10 else {})}
        facts.append(ClinicalFact(kind="diagnosis", value=diagnosis.description, attributes=attrs))
    return facts


def extract(records: Sequence[MedicalRecord], case: Case | None = None) -> ClinicalFacts:
    """Facts from a case's records (and its narrative summary, when it has one)."""
    facts: list[ClinicalFact] = []
    texts: list[str] = []
    for record in sorted(records, key=lambda r: (r.date, r.id)):
        facts += _read_text(record.text, record.id, record.date)
        texts.append(record.text)
    if case is not None:
        if case.summary:
            facts += _read_text(
                case.summary, "summary", case.review_date or latest_date(case.summary)
            )
            texts.append(case.summary)
        for i, treatment in enumerate(case.prior_treatments):
            facts += [
                f.model_copy(update={"hypothetical": False, "negated": f.negated})
                for f in _read_text(treatment, f"case.prior_treatments[{i}]", case.review_date)
                if f.kind
                in (
                    "prior_treatment",
                    "home_exercise_program",
                    "failed_conservative_care",
                    "current_medication",
                )
            ]
        facts = _case_facts(case) + facts
    injury_fact: ClinicalFact | None
    if case is not None:
        reference: dt.date | None = case.review_date
        injury, injury_fact = case.injury.date, None
    else:
        dates = [r.date for r in records]
        reference = max(dates) if dates else latest_date(" ".join(texts))
        injury, injury_fact = _first_injury(facts)
    facts += _chronicity(injury, injury_fact, reference)
    return ClinicalFacts(facts=facts)
