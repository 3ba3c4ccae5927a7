"""Clinical facts that follow from other facts: prior courses, recent surgery, co-requested drugs,
chronicity and the phase of care. One module, pure functions; `engine.pipeline` only wires them.

- `prior_courses(facts)`: each treatment the worker has already had (not one planned, refused,
  another person's or another injury's), with its category (the treatments table), body region
  (the anatomy table), the largest session count written, and the effect stated.
- `course_facts(facts, request)`: the prior courses of the requested treatment (same category and
  body region) as `prior_treatment` facts named as the request names the treatment, so that the
  continuation logic (applies_if continuation, prior_trial_improvement) sees them.
- `care_phase(facts, ...)`: acute, subacute, chronic (8 CCR 9792.20: chronic pain lasts three months
  or more; the 2016 MTUS opioid guideline: acute up to 4 weeks, subacute 1-3 months;
  `openimr.domain.facts.phase_of_care`), or post_surgical within the postsurgical physical medicine
  period after a documented, dated surgery (MTUS Postsurgical Treatment Guidelines, 9792.24.3).
- `recent_surgery`, `surgery_not_in_dispute`, `co_requested_drugs`: the pipeline's derivations.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from openimr.domain.case import Case
from openimr.domain.common import Model
from openimr.domain.facts import ClinicalFact, ClinicalFacts, phase_of_care
from openimr.domain.request import TreatmentRequest
from openimr.errors import KnowledgeBaseError
from openimr.evidence import values as V
from openimr.knowledge.anatomy import load_anatomy
from openimr.knowledge.tables import Provenance
from openimr.knowledge.treatments import load_treatments

DATA_FILE = Path(__file__).parent / "data" / "derive.yaml"
PATTERN_NAMES = (
    "not_given",
    "not_attended",
    "other_person_or_injury",
    "effect_none",
    "effect_any",
    "effect_function",
    "function_denied",
    "pain_benefit",
    "count_of",
    "count_slash",
    "count_range",
    "count_times",
    "count_before",
)

Effect = Literal["improved_function", "pain_only", "no_benefit"]
Phase = Literal["acute", "subacute", "chronic", "post_surgical"]


class _Provenance(Provenance):
    reviewed: str | None = None


class DeriveData(BaseModel):
    """derive.yaml: the post-surgical period and the patterns (all must compile)."""

    model_config = ConfigDict(extra="forbid")

    provenance: _Provenance
    post_surgical_period_months: int = Field(ge=1, le=24)
    patterns: dict[str, str]

    @field_validator("patterns")
    @classmethod
    def _complete_and_compiling(cls, value: dict[str, str]) -> dict[str, str]:
        missing = [n for n in PATTERN_NAMES if n not in value]
        extra = [n for n in value if n not in PATTERN_NAMES]
        if missing or extra:
            raise ValueError(f"missing {missing}, unknown {extra}")
        for name, pattern in value.items():
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{name} does not compile: {exc}") from None
        return value


@lru_cache(maxsize=1)
def load_derive_data(path: Path = DATA_FILE) -> DeriveData:
    try:
        return DeriveData.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise KnowledgeBaseError(f"{path.name}: {where}: {err['msg']}") from None


@cache
def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(load_derive_data().patterns[name], re.IGNORECASE)


# --- prior courses ---------------------------------------------------------------------------


class PriorCourse(Model):
    """One treatment already given: the same modality at the same body region is one course."""

    modality: str
    category: str
    region: str | None = None  # anatomy region (spine, upper_limb, lower_limb, trunk, head)
    body_parts: list[str] = Field(default_factory=list)
    sessions: int | None = None  # the largest count written, never a sum
    effect: Effect | None = None
    facts: list[ClinicalFact] = Field(default_factory=list)


@lru_cache(maxsize=1)
def _modality_categories() -> dict[str, str]:
    return {
        row.record.modality: row.category
        for row in load_treatments().treatments
        if row.record is not None
    }


def region_of(parts: list[str]) -> str | None:
    """The anatomy region of the first body part that has one."""
    rows = {row.part: row.region for row in load_anatomy().parts}
    return next((rows[p] for p in parts if p in rows), None)


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the clause around [start, end): ; and a contrast ("but", "however")."""
    contrast = r",?\s+(?:but|however|although|though|whereas)\b"
    left = max(text.rfind(";", 0, start), text.rfind(":", 0, start)) + 1
    for m in re.finditer(contrast, text[:start], re.IGNORECASE):
        left = max(left, m.end())
    right = len(text)
    m = re.search(r";|" + contrast, text[end:], re.IGNORECASE)
    if m:
        right = end + m.start()
    return left, right


def _sentence_parts(fact: ClinicalFact) -> tuple[str, int, int]:
    """The sentence text and the match's offsets in it."""
    assert fact.span is not None
    start = int(fact.attributes.get("match_start", fact.span.start)) - fact.span.start
    end = int(fact.attributes.get("match_end", fact.span.end)) - fact.span.start
    return fact.span.text, max(start, 0), max(end, 0)


def given(fact: ClinicalFact) -> bool:
    """Whether a prior_treatment fact states a treatment the worker has had for this injury."""
    if not fact.asserted or fact.attributes.get("derived_from"):
        return False
    if fact.span is None:
        return True  # the case file's own list of prior treatments
    text, start, end = _sentence_parts(fact)
    if _pattern("other_person_or_injury").search(text) or _pattern("not_attended").search(text):
        return False
    left, right = _clause(text, start, end)
    return not _pattern("not_given").search(text[left:right])


def _effect(text: str) -> Effect | None:
    """The effect a sentence states: a gain in function (9792.20 functional improvement), pain
    relief only, or no (lasting) benefit. "Helped her pain but not her function" is pain only."""
    if _pattern("function_denied").search(text) and _pattern("pain_benefit").search(text):
        return "pain_only"
    if _pattern("effect_none").search(text):
        return "no_benefit"
    if _pattern("effect_function").search(text) and not _pattern("function_denied").search(text):
        return "improved_function"
    return "pain_only" if _pattern("effect_any").search(text) else None


def _sessions(fact: ClinicalFact, clause: str, before: str) -> int | None:
    stated = fact.attributes.get("sessions")
    for name in ("count_of", "count_slash", "count_range"):
        m = _pattern(name).search(clause)
        if m:
            return V.to_int(m.group("n"))
    if isinstance(stated, int):
        return stated
    counted = V.parse_sessions(clause)
    if counted is not None:
        return counted
    m = _pattern("count_times").search(clause) or _pattern("count_before").search(before)
    return V.to_int(m.group("n")) if m else None


def _reading(fact: ClinicalFact, mentions: int) -> tuple[int | None, Effect | None]:
    """Sessions and effect of one mention: its clause, or the whole sentence when the sentence
    names only this treatment (the effect is often a clause of its own: "..., which helped")."""
    if fact.span is None:
        text = str(fact.attributes.get("matched") or fact.value or "")
        return fact.attributes.get("sessions"), _effect(text)
    text, start, end = _sentence_parts(fact)
    left, right = _clause(text, start, end)
    scope = text if mentions == 1 else text[left:right]
    return _sessions(fact, scope, text[max(left, start - 40) : start]), _effect(scope)


_EFFECT_RANK = {"no_benefit": 3, "improved_function": 2, "pain_only": 1}


def _course_sources(facts: ClinicalFacts) -> list[tuple[ClinicalFact, str, str]]:
    """(fact, modality, category) of every treatment stated as given: therapies and procedures
    (prior_treatment), drugs taken (current_medication, not one asked for in this review) and
    operations done (surgery)."""
    categories = _modality_categories()
    found: list[tuple[ClinicalFact, str, str]] = []
    for fact in facts.facts:
        if fact.kind == "prior_treatment" and given(fact):
            modality = str(fact.attributes.get("modality") or fact.value or "unspecified")
            found.append((fact, modality, categories.get(modality, "other")))
        elif (
            fact.kind == "current_medication"
            and fact.asserted
            and not fact.attributes.get("co_requested")
            and not fact.attributes.get("derived_from")
            and fact.value
            and not (fact.span and _pattern("not_attended").search(fact.span.text))
        ):
            found.append((fact, str(fact.value), "medication"))
        elif fact.kind == "surgery" and _done(fact) and given(fact):
            found.append((fact, str(fact.attributes.get("procedure") or "surgery"), "surgery"))
    return found


def prior_courses(facts: ClinicalFacts) -> list[PriorCourse]:
    """Treatments already given, one per modality and body region, in the record's order."""
    sources = _course_sources(facts)
    per_sentence: dict[tuple[str, int], int] = {}
    for fact, _, _ in sources:
        if fact.span is not None:
            key = (fact.span.record_id, fact.span.start)
            per_sentence[key] = per_sentence.get(key, 0) + 1
    courses: dict[tuple[str, str | None], PriorCourse] = {}
    for fact, modality, category in sources:
        parts = list(fact.attributes.get("sentence_body_parts") or [])
        region = region_of(parts)
        key = (modality.lower(), region)
        course = courses.get(key)
        if course is None:
            course = courses[key] = PriorCourse(
                modality=modality, category=category, region=region, body_parts=parts
            )
        mentions = per_sentence.get((fact.span.record_id, fact.span.start), 1) if fact.span else 1
        sessions, effect = _reading(fact, mentions)
        if category in ("medication", "surgery"):
            sessions = None  # a dose or a level is not a count of visits
        course.facts.append(fact)
        if sessions is not None and (course.sessions is None or sessions > course.sessions):
            course.sessions = sessions
        # a stated failure outweighs a stated benefit: reviewers look for sustained improvement
        if effect and _EFFECT_RANK[effect] > _EFFECT_RANK.get(course.effect or "", 0):
            course.effect = effect
    return list(courses.values())


def same_treatment(course: PriorCourse, request: TreatmentRequest, regions: set[str]) -> bool:
    """A course of the requested treatment: the same category, and the same body region when
    both are known (a knee PT course is not a prior course of neck PT)."""
    if course.category != request.category:
        return False
    return course.region is None or not regions or course.region in regions


_COURSE_EFFECT = {"improved_function": "improved", "pain_only": "improved", "no_benefit": "failed"}


def course_facts(
    facts: ClinicalFacts, request: TreatmentRequest, injured: list[str] | None = None
) -> list[ClinicalFact]:
    """Prior courses of the requested treatment, as prior_treatment facts the continuation logic
    reads (named as the request names the treatment; sessions left out, so no visit is counted
    twice). Courses of medication and surgery are left to their own facts."""
    if request.category in ("medication", "surgery", "other"):
        return []
    name = request.service or request.category.replace("_", " ")
    words = {w for w in (request.service, request.category.replace("_", " ")) if w}
    regions = {r for r in (region_of(request.body_parts or injured or []),) if r}
    result: list[ClinicalFact] = []
    for course in prior_courses(facts):
        if not same_treatment(course, request, regions):
            continue
        modality = course.modality.lower()
        if any(w.lower() in modality or modality in w.lower() for w in words):
            continue  # the record already names it as the request does
        first = course.facts[0]
        attrs = {k: v for k, v in first.attributes.items() if k not in ("sessions", "modality")}
        attrs.update(
            modality=name,
            derived_from="prior_course",
            course_modality=course.modality,
            course_sessions=course.sessions,
        )
        if course.effect:
            attrs["effect"] = _COURSE_EFFECT[course.effect]
        result.append(
            first.model_copy(update={"kind": "prior_treatment", "value": name, "attributes": attrs})
        )
    return result


# --- phase of care ------------------------------------------------------------------------------


class CarePhase(Model):
    phase: Phase | None = None
    time_phase: Literal["acute", "subacute", "chronic"] | None = None  # by the injury date alone
    days_since_injury: int | None = None
    injury_date: dt.date | None = None
    reference_date: dt.date | None = None
    surgery_date: dt.date | None = None
    surgery: ClinicalFact | None = None


_NOT_YET_DONE = re.compile(
    r"\b(?:schedul\w*|plann\w*|pending|await\w*|request\w*|recommend\w*|proposed|candidate|consider\w*|"
    r"will (?:undergo|have)|to undergo)\b",
    re.IGNORECASE,
)


def _done(fact: ClinicalFact) -> bool:
    """A surgery stated as done: not negated or planned, and its own clause does not plan it (a
    sentence may go on to the request: "ACL reconstruction 4/3/2023; request for post-op PT")."""
    if not fact.asserted:
        return False
    if fact.span is None:
        return True
    text, start, end = _sentence_parts(fact)
    left, right = _clause(text, start, end)
    return not _NOT_YET_DONE.search(text[left:right])


def surgery_date(fact: ClinicalFact) -> dt.date | None:
    value = fact.attributes.get("date")
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:  # a partial or free-text date says nothing certain
        return None


def _months_later(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def care_phase(
    facts: ClinicalFacts,
    injury_date: dt.date | None = None,
    reference_date: dt.date | None = None,
    surgery_reference: dt.date | None = None,
) -> CarePhase:
    """The phase of care at `reference_date` (the review or request date).

    Dates default to those the chronic_pain fact was derived from (the injury date, the review or
    latest note date). post_surgical wins over the injury-date count: a dated surgery done between
    the injury and `surgery_reference` (default `reference_date`; the pipeline uses the request
    date), within the postsurgical physical medicine period (9792.24.3). A surgery years earlier
    or one only planned does not.
    """
    derived = next(
        (f for f in facts.of_kind("chronic_pain") if f.attributes.get("derived_from")), None
    )
    if derived is not None:
        injury_date = injury_date or dt.date.fromisoformat(derived.attributes["injury_date"])
        reference_date = reference_date or dt.date.fromisoformat(
            derived.attributes["reference_date"]
        )
    if injury_date is None or reference_date is None or reference_date < injury_date:
        return CarePhase(injury_date=injury_date, reference_date=reference_date)
    days = (reference_date - injury_date).days
    time_phase = phase_of_care(days)
    result = CarePhase(
        phase=time_phase,  # type: ignore[arg-type]
        time_phase=time_phase,  # type: ignore[arg-type]
        days_since_injury=days,
        injury_date=injury_date,
        reference_date=reference_date,
    )
    until = surgery_reference or reference_date
    months = load_derive_data().post_surgical_period_months
    dated = [
        (day, f)
        for f in facts.of_kind("surgery")
        if _done(f) and (day := surgery_date(f)) is not None and injury_date <= day <= until
    ]
    if dated:
        day, fact = max(dated, key=lambda pair: pair[0])
        if until <= _months_later(day, months):
            result = result.model_copy(
                update={"phase": "post_surgical", "surgery_date": day, "surgery": fact}
            )
    return result


def care_phase_fact(phase: CarePhase) -> ClinicalFact | None:
    """The phase as a fact the guideline search reads (kind care_phase)."""
    if phase.phase is None:
        return None
    return ClinicalFact(
        kind="care_phase",
        value=phase.phase,
        attributes={
            "time_phase": phase.time_phase,
            "days_since_injury": phase.days_since_injury,
            "injury_date": phase.injury_date.isoformat() if phase.injury_date else None,
            "reference_date": phase.reference_date.isoformat() if phase.reference_date else None,
            "surgery_date": phase.surgery_date.isoformat() if phase.surgery_date else None,
            "derived_from": "injury_date" if phase.surgery_date is None else "surgery",
        },
        span=phase.surgery.span if phase.surgery is not None else None,
    )


# --- surgery and co-requested drugs (moved from engine.pipeline, unchanged) ---------------------

_SURGICAL_SERVICE = re.compile(
    r"\b(?:pre|post)[- ]?op(?:erative)?\b|associated surgical service|\bsurgical assist|"
    r"^\W*(?:an?\s+)?(?:assistant|co-?surgeon)\b",  # "Assistant PA", not "... release with an assistant"
    re.IGNORECASE,
)

# The acute post-operative period: the 2016 MTUS opioid guideline's acute phase is up to 4 weeks.
RECENT_SURGERY_DAYS = 28


def is_surgery(request: TreatmentRequest) -> bool:
    """The operation itself: an assistant surgeon is a service of an operation, not one."""
    return request.category == "surgery" and not _SURGICAL_SERVICE.search(request.text)


def surgery_not_in_dispute(case: Case, requests: list[TreatmentRequest]) -> ClinicalFact | None:
    """A pre-/post-operative service is disputed but the operation is not: UR certified it.

    IMR reviews only what UR denied or modified, so when the associated services reach IMR
    without the operation, the operation itself stands authorized.
    """
    if any(is_surgery(r) for r in requests):
        return None
    services = [item.text for item in case.disputed_items if _SURGICAL_SERVICE.search(item.text)]
    if not services:
        return None
    return ClinicalFact(
        kind="surgery_authorized",
        value="the operation is not in dispute",
        attributes={
            "source": "disputed items",
            "reason": f"'{services[0]}' is disputed without its operation",
        },
    )


def recent_surgery(
    case: Case, facts: ClinicalFacts, requests: list[TreatmentRequest]
) -> ClinicalFact | None:
    """A surgery for this injury done in the 4 weeks before the request (the UR decision date).

    Never while an operation is itself in dispute in this review, nor from a sentence that only
    plans one ("scheduled for 04/05/2017 pending authorization"). An undated surgery counts only
    when the injury itself is that recent and the surgery is at an injured body part: it then
    treated this injury within the window. Surgery told as history is never recent.
    """
    if any(is_surgery(r) for r in requests):
        return None
    request_date = case.ur_decision.date
    injured = set(case.injury.body_parts)
    for fact in facts.of_kind("surgery"):
        if not fact.asserted or fact.historical:
            continue
        if fact.span is not None and _NOT_YET_DONE.search(fact.span.text):
            continue
        when = fact.attributes.get("date")
        done = dt.date.fromisoformat(when) if when else None
        if done is not None and fact.attributes.get("date_precision") == "month":
            # "surgery in 11/2016" is read as the 1st; any day of the month is as likely, so take
            # the middle, kept between the injury and the request when the month holds either
            month_end = done.replace(day=calendar.monthrange(done.year, done.month)[1])
            if month_end < case.injury.date or done > request_date:
                continue
            done = min(max(done.replace(day=15), case.injury.date), request_date)
        if done is not None and not (case.injury.date <= done <= request_date):
            continue
        sites = set(fact.attributes.get("sentence_body_parts") or [])
        if done is None and injured and not (sites & injured):
            continue
        start = done or case.injury.date
        if 0 <= (request_date - start).days <= RECENT_SURGERY_DAYS:
            return ClinicalFact(
                kind="recent_surgery",
                value=fact.attributes.get("procedure") or "surgery",
                attributes={
                    "date": start.isoformat(),
                    "request_date": request_date.isoformat(),
                    "dated": done is not None,
                    "source": "surgery fact and the UR decision date",
                },
                span=fact.span,
            )
    return None


def co_requested_drugs(requests: list[TreatmentRequest], index: int) -> list[ClinicalFact]:
    """Drugs asked for in the case's other items: a laxative requested with a post-operative opioid
    is judged knowing the opioid is planned (marked so it never counts as earlier use)."""
    return [
        ClinicalFact(
            kind="current_medication",
            value=other.drug,
            attributes={
                "drug": other.drug,
                "drug_class": other.drug_class,
                "co_requested": True,
                "source": f"requested in this review: {other.text}",
            },
        )
        for i, other in enumerate(requests)
        if i != index and other.category == "medication" and other.drug
    ]


def latest_surgery_date(facts: ClinicalFacts, until: dt.date) -> dt.date | None:
    """The latest dated surgery on or before `until` (the formulary's Perioperative Fill)."""
    days = [
        day
        for fact in facts.asserted("surgery")
        if (day := surgery_date(fact)) is not None and day <= until
    ]
    return max(days, default=None)
