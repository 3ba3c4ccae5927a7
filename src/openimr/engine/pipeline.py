"""The whole pipeline for one case: assign, parse, extract, search, evaluate, draft.

Each stage is a plain function call; this module only wires them together.
"""

from __future__ import annotations

import datetime as dt

from openimr import __version__
from openimr.domain.case import Case
from openimr.domain.determination import Determination, ItemDetermination
from openimr.domain.facts import ClinicalFact, ClinicalFacts
from openimr.domain.request import TreatmentRequest
from openimr.domain.reviewer import Reviewer, ReviewerCredentials
from openimr.engine.decide import decide_item
from openimr.engine.likelihood import with_overturn_likelihood
from openimr.engine.summary import complete_summary, documents_reviewed, summarize_case
from openimr.errors import InputError
from openimr.evidence import derive, extract
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
    # the phase of care at the review date; the post-surgical period is counted to the request
    phase = derive.care_phase(
        facts, case.injury.date, review_date, surgery_reference=case.ur_decision.date
    )
    for derived in (
        derive.surgery_not_in_dispute(case, requests),
        derive.recent_surgery(case, facts, requests),
        derive.care_phase_fact(phase),
    ):
        if derived is not None:
            facts = ClinicalFacts(facts=[*facts.facts, derived])
    decided: dict[int, ItemDetermination] = {}
    order = sorted(range(len(requests)), key=lambda i: not derive.is_surgery(requests[i]))
    for index in order:
        if not derive.is_surgery(requests[index]) and not facts.asserted("surgery_authorized"):
            approved = [
                decided[i]
                for i in decided
                if derive.is_surgery(requests[i]) and decided[i].outcome == "Overturned"
            ]
            if approved:
                facts = ClinicalFacts(
                    facts=[
                        *facts.facts,
                        ClinicalFact(kind="surgery_authorized", value=approved[0].treatment),
                    ]
                )
        item_facts = ClinicalFacts(
            facts=facts.facts
            + derive.co_requested_drugs(requests, index)
            + derive.course_facts(facts, requests[index], case.injury.body_parts)
        )
        decided[index] = with_overturn_likelihood(
            _with_formulary(
                decide_item(
                    case.disputed_items[index], requests[index], item_facts, case, kb, review_date
                ),
                review_date,
                _dispensing(case, facts, review_date),
            )
        )
    return [decided[i] for i in range(len(requests))]


def _dispensing(case: Case, facts: ClinicalFacts, review_date: dt.date) -> Dispensing:
    """What the case says of the prescription's timing: the injury date (Special Fill) and the
    latest dated surgery on or before the review date (Perioperative Fill)."""
    return Dispensing(
        injury_date=case.injury.date, surgery_date=derive.latest_surgery_date(facts, review_date)
    )


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
        clinical_case_summary=case.summary
        or complete_summary(summarize_case(case, chosen_date), case, items),
        items=items,
        engine_version=__version__,
    )
