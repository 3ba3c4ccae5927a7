"""The outcome rule, written once: what each criterion's role makes of met / not met / not documented.

Grounded in the MTUS (8 CCR 9792.20-9792.21): the guideline's limits and its prerequisites decide,
and a treatment is not denied solely because the record is silent on something. The reasoning per
role is in `openimr/guidelines/data/README.md` ("The outcome rule").

- limit: a request beyond the count, frequency, duration or dose decides; a request that does not
  state it does not (the limit still bounds what is given).
- prerequisite: the MTUS asks for it to be documented first (failed conservative care, functional
  improvement from a trial before more, findings before surgery or imaging), so both "not met" and
  "not documented" decide.
- indication: a record that documents the condition absent decides. Silence on one indication
  does not decide alone (it is named in the gaps for the reviewer); silence on every indication
  of the row decides, because then nothing documents what the treatment is for, and a request
  must come with documentation substantiating the need for it (8 CCR 9792.9.1(a)). The MTUS rule
  that treatment is not denied solely for silence (9792.21(c)) is about the guideline's silence.
- context: option or adjunct language; it informs and never decides.
- exclusion: a documented contraindication, red flag or the guideline's "not recommended" decides
  (the check reports it as "not met"); silence does not.
- monitoring: documented non-adherence or aberrant results decide; missing monitoring decides only
  when a monitored drug is being continued and the record shows no monitoring of it at all.

A criterion that is not required (a factor the guideline only favours) never decides. Overturned
when a governing row was found and no criterion decides against it.
"""

from __future__ import annotations

from typing import Literal

from openimr.domain.determination import (
    CriterionResult,
    CriterionStatus,
    ItemDetermination,
    Outcome,
)
from openimr.domain.guideline import Role

# "deny": the result decides Upheld; "none": it does not decide; "unmonitored": it decides only
# for a continued drug with no monitoring documented; "unindicated": it decides only when no
# indication of the row is documented
Effect = Literal["deny", "none", "unmonitored", "unindicated"]

RULE: dict[Role, dict[CriterionStatus, Effect]] = {
    "limit": {"not_met": "deny", "not_documented": "none"},
    "prerequisite": {"not_met": "deny", "not_documented": "deny"},
    "indication": {"not_met": "deny", "not_documented": "unindicated"},
    "context": {"not_met": "none", "not_documented": "none"},
    "exclusion": {"not_met": "deny", "not_documented": "none"},
    "monitoring": {"not_met": "deny", "not_documented": "unmonitored"},
}


def effect(result: CriterionResult, continuing: bool, monitored: bool, indicated: bool) -> Effect:
    """What one result does to the outcome (`monitored`: some monitoring criterion is met;
    `indicated`: some indication of the row is met)."""
    if not result.required or result.role is None:
        return "none"
    found = RULE[result.role].get(result.status, "none")
    if found == "unmonitored":
        return "deny" if continuing and not monitored else "none"
    if found == "unindicated":
        return "none" if indicated else "deny"
    return found


def _any_met(results: list[CriterionResult], role: str) -> bool:
    return any(r.required and r.role == role and r.status == "met" for r in results)


def deciding(results: list[CriterionResult], continuing: bool) -> list[CriterionResult]:
    """The results that decide Upheld, in trace order."""
    monitored = _any_met(results, "monitoring")
    indicated = _any_met(results, "indication")
    return [r for r in results if effect(r, continuing, monitored, indicated) == "deny"]


def undocumented_indications(results: list[CriterionResult]) -> list[CriterionResult]:
    """Indications the record is silent on: named for the reviewer even where they do not decide."""
    return [
        r for r in results if r.required and r.role == "indication" and r.status == "not_documented"
    ]


def choose_outcome(results: list[CriterionResult], continuing: bool = False) -> Outcome:
    """Upheld when any criterion decides against the request, else Overturned."""
    return "Upheld" if deciding(results, continuing) else "Overturned"


def draft_outcome(item: ItemDetermination) -> Outcome:
    """The outcome the engine's rule gives an item's trace: Upheld when no guideline or evidence
    was found to support it, else the criteria's outcome (reading whether it continues a course)."""
    if not item.citations:
        return "Upheld"
    return choose_outcome(item.criteria, item.continuing)
