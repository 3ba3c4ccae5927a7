"""The whole pipeline for one case: assign, parse, extract, search, evaluate, draft.

Each stage is a plain function call; this module only wires them together.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from openimr import __version__
from openimr.domain.case import Case
from openimr.domain.determination import Determination, ItemDetermination
from openimr.domain.facts import ClinicalFact, ClinicalFacts
from openimr.domain.request import TreatmentRequest
from openimr.domain.reviewer import Reviewer, ReviewerCredentials
from openimr.engine.decide import decide_item
from openimr.engine.summary import documents_reviewed, summarize_case
from openimr.errors import InputError
from openimr.evidence import extract
from openimr.formulary import status_for_request
from openimr.guidelines import KnowledgeBase, load_knowledge_base
from openimr.knowledge.formulary import FORMULARY_START, Dispensing
from openimr.requests import parse_request
from openimr.reviewers import assign, credentials, load_panel


def parse_items(case: Case) -> list[TreatmentRequest]:
    return [parse_request(item.text) for item in case.disputed_items]


def extract_facts(case: Case) -> ClinicalFacts:
    """Facts from every medical record and, for cases read from a letter, from its summary.

    The evidence stage reads `case.summary` itself, so a record that only repeats the summary is
    left out rather than read twice.
    """
    records = [r for r in case.records if not (case.summary and r.text == case.summary)]
    return extract(records, case)


_SURGICAL_SERVICE = re.compile(
    r"\b(?:pre|post)[- ]?op(?:erative)?\b|associated surgical service|\bsurgical assist|"
    r"^\W*(?:an?\s+)?(?:assistant|co-?surgeon)\b",  # "Assistant PA", not "... release with an assistant"
    re.IGNORECASE,
)


def _is_surgery(request: TreatmentRequest) -> bool:
    """The operation itself: an assistant surgeon is a service of an operation, not one."""
    return request.category == "surgery" and not _SURGICAL_SERVICE.search(request.text)


def _surgery_not_in_dispute(case: Case, requests: list[TreatmentRequest]) -> ClinicalFact | None:
    """A pre-/post-operative service is disputed but the operation is not: UR certified it.

    IMR reviews only what UR denied or modified, so when the associated services reach IMR
    without the operation, the operation itself stands authorized.
    """
    if any(_is_surgery(r) for r in requests):
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


# The acute post-operative period: the 2016 MTUS opioid guideline's acute phase is up to 4 weeks.
RECENT_SURGERY_DAYS = 28


_NOT_YET_DONE = re.compile(
    r"\b(?:schedul\w*|plann\w*|pending|await\w*|request\w*|recommend\w*|proposed|candidate|consider\w*|"
    r"will (?:undergo|have)|to undergo)\b",
    re.IGNORECASE,
)


def _recent_surgery(
    case: Case, facts: ClinicalFacts, requests: list[TreatmentRequest]
) -> ClinicalFact | None:
    """A surgery for this injury done in the 4 weeks before the request (the UR decision date).

    Never while an operation is itself in dispute in this review, nor from a sentence that only
    plans one ("scheduled for 04/05/2017 pending authorization"). An undated surgery counts only
    when the injury itself is that recent and the surgery is at an injured body part: it then
    treated this injury within the window. Surgery told as history is never recent.
    """
    if any(_is_surgery(r) for r in requests):
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


def decide_items(
    case: Case, kb: KnowledgeBase | None = None, review_date: dt.date | None = None
) -> list[ItemDetermination]:
    """Every disputed item of the case, decided from its text, the facts and the knowledge base.

    Surgical items are decided first: services that only make sense with the operation (pre-op
    tests, post-op therapy, DME) are judged knowing whether this review found the surgery necessary.
    """
    kb = kb or load_knowledge_base()
    review_date = review_date or case.review_date
    requests = parse_items(case)
    facts = extract_facts(case)
    for derived in (
        _surgery_not_in_dispute(case, requests),
        _recent_surgery(case, facts, requests),
    ):
        if derived is not None:
            facts = ClinicalFacts(facts=[*facts.facts, derived])
    decided: dict[int, ItemDetermination] = {}
    order = sorted(range(len(requests)), key=lambda i: not _is_surgery(requests[i]))
    for index in order:
        if not _is_surgery(requests[index]) and not facts.asserted("surgery_authorized"):
            approved = [
                decided[i]
                for i in decided
                if _is_surgery(requests[i]) and decided[i].outcome == "Overturned"
            ]
            if approved:
                facts = ClinicalFacts(
                    facts=[
                        *facts.facts,
                        ClinicalFact(kind="surgery_authorized", value=approved[0].treatment),
                    ]
                )
        item_facts = ClinicalFacts(facts=facts.facts + _co_requested_drugs(requests, index))
        decided[index] = _with_formulary(
            decide_item(
                case.disputed_items[index], requests[index], item_facts, case, kb, review_date
            ),
            review_date,
            _dispensing(case, facts, review_date),
        )
    return [decided[i] for i in range(len(requests))]


def _dispensing(case: Case, facts: ClinicalFacts, review_date: dt.date) -> Dispensing:
    """What the case says of the prescription's timing: the injury date (Special Fill) and the
    latest dated surgery on or before the review date (Perioperative Fill)."""
    surgeries = [
        day
        for fact in facts.asserted("surgery")
        if (day := _fact_date(fact)) is not None and day <= review_date
    ]
    return Dispensing(injury_date=case.injury.date, surgery_date=max(surgeries, default=None))


def _fact_date(fact: ClinicalFact) -> dt.date | None:
    value = fact.attributes.get("date")
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:  # a partial or free-text date says nothing certain
        return None


def _with_formulary(
    item: ItemDetermination, review_date: dt.date, dispensing: Dispensing
) -> ItemDetermination:
    """A drug item reviewed while the MTUS Drug Formulary is in force carries its status there."""
    request = item.request
    is_drug = request.category == "medication" and (
        request.drug or request.drug_class == "compound"
    )
    if not is_drug or review_date < FORMULARY_START:
        return item
    status = status_for_request(request, review_date, dispensing)
    return item.model_copy(update={"formulary": status})


def _co_requested_drugs(requests: list[TreatmentRequest], index: int) -> list[ClinicalFact]:
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


def assign_reviewer(
    case: Case, panel: list[Reviewer] | None, today: dt.date
) -> ReviewerCredentials | None:
    panel = panel if panel is not None else load_panel()
    assignment = assign(case, panel, parse_items(case), today=today)
    if assignment.chosen is None:
        return None
    chosen = assignment.chosen
    reviewer = getattr(chosen, "reviewer", chosen)
    specialty = getattr(chosen, "specialty", None) or reviewer.specialties[0]
    return credentials(reviewer, specialty)


def decide_case(
    case: Case,
    panel: list[Reviewer] | None = None,
    kb: KnowledgeBase | None = None,
    today: dt.date | None = None,
    decision_date: dt.date | None = None,
) -> Determination:
    """Draft the Final Determination for a case.

    `decision_date` (e.g. `decide --date`) overrides the case's own; otherwise the case's decision
    date, else `today`, else the calendar date. The guideline edition is the one in force on the
    review date: the overriding date when given, else the case's review date (9792.21.1).
    """
    if decision_date is not None and decision_date < case.application_received:
        raise InputError(
            f"--date {decision_date.isoformat()} is before the application was received "
            f"({case.application_received.isoformat()})"
        )
    chosen_date = decision_date or case.decision_date or today or dt.date.today()
    reviewer = assign_reviewer(case, panel, chosen_date)
    items = decide_items(case, kb, review_date=decision_date or case.review_date)
    return Determination(
        case_number=case.case_number,
        status="draft",
        priority=case.priority,
        date_assigned=case.date_assigned,
        date_of_injury=case.injury.date,
        decision_date=chosen_date,
        ur_denial_date=case.ur_decision.date,
        application_received=case.application_received,
        reviewer=reviewer,
        documents_reviewed=documents_reviewed(case),
        clinical_case_summary=case.summary or summarize_case(case, chosen_date),
        items=items,
        engine_version=__version__,
    )
