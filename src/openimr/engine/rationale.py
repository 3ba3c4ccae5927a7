"""Render an item's decision rationale, in plain prose, from its criteria trace."""

from __future__ import annotations

from openimr.domain.determination import CriterionResult, Outcome
from openimr.domain.guideline import Recommendation
from openimr.domain.request import TreatmentRequest
from openimr.engine.checks.common import capitalize as _capital

_STATUS_LEAD = {
    "met": "Met",
    "not_met": "Not met",
    "not_documented": "Not documented",
}


def _describe_request(request: TreatmentRequest) -> str:
    """The disputed portion in a partial authorization, else the item as written."""
    text = (
        request.partial_authorization.disputed.text
        if request.partial_authorization
        else request.text
    )
    text = " ".join(text.split()).rstrip(".:")
    return text.removesuffix(" is").strip() or "the requested treatment"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", '."')) else text + "."


def write_rationale(
    request: TreatmentRequest,
    rec: Recommendation | None,
    results: list[CriterionResult],
    outcome: Outcome,
    gaps: list[str],
) -> str:
    subject = _describe_request(request)
    if rec is None:
        return (
            f"No recommendation in the MTUS, ACOEM/ODG or other guidelines on file addresses {subject}, "
            "and no peer-reviewed evidence of its benefit for this condition was found in the records "
            f"provided. Medical necessity is not established, so the request for {subject} is not "
            "medically necessary."
        )
    source = f"The {rec.guideline} ({rec.edition}), {rec.section}"
    if rec.pages:
        source += f", page(s) {rec.pages}"
    sentences = [f"{source}: {_sentence(rec.rationale)}"]
    decided = [r for r in results if r.status != "not_applicable"]
    if decided:
        findings = [
            f"{_capital(r.description.rstrip('.'))}: {_STATUS_LEAD.get(r.status, r.status).lower()}. {_sentence(r.explanation)}"
            for r in decided
        ]
        sentences.append("In this case, criterion by criterion: " + " ".join(findings))
    if outcome == "Overturned":
        if any(r.required and r.status == "met" for r in results):
            lead = (
                "Nothing in the documentation goes against the guideline's limits and prerequisites"
            )
        else:
            lead = "The guideline recommends this treatment and none of its conditions applies against it here"
        if gaps:
            # undocumented indications: named for the reviewer, but silence alone does not deny
            sentences.append(
                "The records provided do not show " + "; ".join(gaps) + ", which alone does not "
                "make the treatment unnecessary under the guideline."
            )
        sentences.append(f"{lead}, so the request for {subject} is medically necessary.")
    else:
        if gaps:
            sentences.append("It would be approvable with " + "; ".join(gaps) + ".")
        sentences.append(
            f"Because the guideline's criteria are not met, the request for {subject} is not "
            "medically necessary."
        )
    return " ".join(sentences)


def with_reviewer_notes(request: TreatmentRequest, rationale: str) -> str:
    """The draft tells the reviewer what the request parser could not resolve (an unknown drug),
    ahead of the rationale, so it is checked before signing."""
    if not request.warnings:
        return rationale
    notes = " ".join(_sentence(_capital(w)) for w in request.warnings)
    return f"Note for the reviewer: {notes} {rationale}"
