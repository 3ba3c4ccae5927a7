"""What every check evaluates: the request, the facts and the case, with what follows from them
computed once per item by the engine (phase of care, the post-surgical course)."""

from __future__ import annotations

import datetime as dt

from pydantic import ConfigDict

from openimr.domain.case import Case
from openimr.domain.common import Model
from openimr.domain.facts import ClinicalFacts, phase_of_care
from openimr.domain.request import TreatmentRequest


class CheckContext(Model):
    model_config = ConfigDict(frozen=True)
    request: TreatmentRequest
    facts: ClinicalFacts
    case: Case | None = None
    review_date: dt.date | None = None  # the date whose guideline editions govern the item
    # days from the injury to the case's review date, and the phase of care they make
    days_since_injury: int | None = None
    phase: str | None = None
    # the governing row is for the post-surgical course, which is counted afresh from the
    # operation: visits and trials before it do not use it up
    post_surgical: bool = False


def check_context(
    request: TreatmentRequest,
    facts: ClinicalFacts,
    case: Case | None = None,
    review_date: dt.date | None = None,
    post_surgical: bool = False,
) -> CheckContext:
    days = (case.review_date - case.injury.date).days if case is not None else None
    return CheckContext(
        request=request,
        facts=facts,
        case=case,
        review_date=review_date or (case.review_date if case is not None else None),
        days_since_injury=days,
        phase=phase_of_care(days) if days is not None else None,
        post_surgical=post_surgical,
    )
