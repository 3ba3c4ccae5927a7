"""The params of each criterion check: one frozen model per check, the schema of a row's `params:`.

The loader validates every criterion's params against its check's model (unknown keys are errors,
so a misspelt key fails at load, not at decision time); the engine's check registry
(`openimr.engine.checks`) registers one function per model here and refuses to start when the two
lists differ. The models live in this layer because the loader sits below the engine.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from openimr.domain.facts import FACT_KINDS
from openimr.domain.guideline import CheckParams


def _known_kind(kind: str) -> str:
    if kind not in FACT_KINDS:
        raise ValueError(f"unknown fact kind {kind!r}")
    return kind


FactKind = Annotated[str, AfterValidator(_known_kind)]
# what the check says when the request states no period of use
OpenEnded = Literal["not_applicable", "not_documented"]


class SessionsAtMost(CheckParams):
    """Visits in the requested course (freq x weeks when only those are given), plus visits of the
    same treatment already completed, at most `max`."""

    check = "sessions_at_most"
    max: int


class FrequencyAtMost(CheckParams):
    """Visits per week at most `max`."""

    check = "frequency_at_most"
    max: float


class DurationAtMost(CheckParams):
    """Requested weeks at most `weeks`; `open_ended: not_documented` when a request that states
    no period is unsupported (equipment the guideline allows for a stated time only)."""

    check = "duration_at_most"
    weeks: float
    open_ended: OpenEnded = "not_applicable"


class QuantityAtMost(CheckParams):
    """Units dispensed per fill at most `max`."""

    check = "quantity_at_most"
    max: int


class FactPresent(CheckParams):
    """An asserted fact of `kind` (with these attribute values) about the requested region."""

    check = "fact_present"
    kind: FactKind
    attributes: dict[str, str | bool | int | float] = Field(default_factory=dict)


class FactAbsent(CheckParams):
    """No asserted fact of `kind` about the requested region."""

    check = "fact_absent"
    kind: FactKind


class AnyFactPresent(CheckParams):
    """At least one asserted fact among `kinds`."""

    check = "any_fact_present"
    kinds: list[FactKind] = Field(min_length=1)


class PriorTrialImprovement(CheckParams):
    """An earlier course of this treatment (named by `modalities` and the request) brought
    objective functional improvement."""

    check = "prior_trial_improvement"
    modalities: list[str] = Field(default_factory=list)


class ChronicPain(CheckParams):
    """Symptoms lasting more than 3 months."""

    check = "chronic_pain"


class AgeAtLeast(CheckParams):
    check = "age_at_least"
    years: int


class AgeAtMost(CheckParams):
    check = "age_at_most"
    years: int


class NotRecommended(CheckParams):
    """The row says the treatment is not recommended: never met where it applies."""

    check = "not_recommended"


class MedAtMost(CheckParams):
    """Morphine-equivalent dose a day at most `mg` (opioids)."""

    check = "med_at_most"
    mg: float


class DiagnosisNames(CheckParams):
    """A documented diagnosis at the requested site names one of `terms`."""

    check = "diagnosis_names"
    terms: list[str] = Field(min_length=1)


PARAMS: dict[str, type[CheckParams]] = {
    model.check: model
    for model in (
        SessionsAtMost,
        FrequencyAtMost,
        DurationAtMost,
        QuantityAtMost,
        FactPresent,
        FactAbsent,
        AnyFactPresent,
        PriorTrialImprovement,
        ChronicPain,
        AgeAtLeast,
        AgeAtMost,
        NotRecommended,
        MedAtMost,
        DiagnosisNames,
    )
}
