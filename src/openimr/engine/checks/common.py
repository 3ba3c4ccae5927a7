"""The result a check returns, and the small text helpers the checks share."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from openimr.domain.common import EvidenceSpan, Model
from openimr.domain.determination import CriterionStatus
from openimr.domain.facts import ClinicalFact


class CheckResult(Model):
    """What a check found; the engine adds the criterion's id, description and `required`."""

    model_config = ConfigDict(frozen=True)
    status: CriterionStatus
    explanation: str
    evidence: list[EvidenceSpan] = Field(default_factory=list)


def found(
    status: CriterionStatus, explanation: str, evidence: list[ClinicalFact] | None = None
) -> CheckResult:
    """A result citing at most three of the facts that decided it."""
    spans = [f.span for f in evidence or [] if f.span is not None][:3]
    return CheckResult(status=status, explanation=explanation, evidence=spans)


def fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def capitalize(text: str) -> str:
    """First letter upper case, the rest untouched (str.capitalize lowers the rest)."""
    return text[:1].upper() + text[1:]


def quote(fact: ClinicalFact) -> str:
    if fact.span is not None:
        return '"' + " ".join(fact.span.text.split()) + '"'
    return str(fact.value if fact.value is not None else fact.kind.replace("_", " "))
