"""Findings in the record: a fact of a kind asserted or ruled out, a diagnosis named, at the
requested site."""

from __future__ import annotations

import re

from openimr.domain.facts import ClinicalFact, ClinicalFacts
from openimr.domain.request import TreatmentRequest
from openimr.engine.checks.common import CheckResult, found, quote
from openimr.engine.checks.context import CheckContext
from openimr.engine.checks.registry import register
from openimr.guidelines.check_params import AnyFactPresent, DiagnosisNames, FactAbsent, FactPresent
from openimr.knowledge.anatomy import load_anatomy


# Body regions: a finding about one region does not support a request for another (a thumb
# fracture is no red flag for a shoulder MRI). The halves and joints are the anatomy table's.
def about_requested_region(fact: ClinicalFact, req: TreatmentRequest) -> bool:
    """False when the fact's sentence names body parts that cannot concern the requested ones.

    A joint (knee, shoulder...) must be the same joint; a spinal region or a limb may be anywhere on
    the same half of the body, since spinal findings show in the limbs.
    """
    named = set(fact.attributes.get("sentence_body_parts") or [])
    wanted = set(req.body_parts)
    if not named or not wanted:
        return True
    if named & wanted:
        return True
    anatomy = load_anatomy()
    joints = anatomy.joints()
    if wanted <= joints and named <= joints:
        return False
    return bool(anatomy.halves(named) & anatomy.halves(wanted))


# A red flag (fracture, tumour, infection) is a finding at its own site: unlike neurologic signs,
# which show in the limbs a spinal level supplies, it supports imaging of that site only, and only
# while current (a healed fracture in the history is no red flag).
_SITE_BOUND_KINDS = {"red_flag"}


def _same_site(fact: ClinicalFact, req: TreatmentRequest) -> bool:
    """The fact's sentence names the requested body part, or either names none."""
    named = set(fact.attributes.get("sentence_body_parts") or [])
    return not named or not req.body_parts or bool(named & set(req.body_parts))


def _site_ok(fact: ClinicalFact, req: TreatmentRequest) -> bool:
    if fact.kind not in _SITE_BOUND_KINDS:
        return about_requested_region(fact, req)
    return not fact.historical and _same_site(fact, req)


def _asserted(facts: ClinicalFacts, kind: str, req: TreatmentRequest) -> list[ClinicalFact]:
    return [f for f in facts.asserted(kind) if _site_ok(f, req)]


def _negated(facts: ClinicalFacts, kind: str, req: TreatmentRequest) -> list[ClinicalFact]:
    return [f for f in facts.negated(kind) if about_requested_region(f, req)]


def _matches_attributes(fact: ClinicalFact, wanted: dict) -> bool:
    return all(str(fact.attributes.get(k, "")).lower() == str(v).lower() for k, v in wanted.items())


@register("fact_present", FactPresent)
def fact_present(params: FactPresent, ctx: CheckContext) -> CheckResult:
    facts, req, wanted = ctx.facts, ctx.request, params.attributes
    asserted = [f for f in _asserted(facts, params.kind, req) if _matches_attributes(f, wanted)]
    if asserted:
        return found("met", f"Documented: {quote(asserted[0])}", asserted)
    negated = [f for f in _negated(facts, params.kind, req) if _matches_attributes(f, wanted)]
    if negated:
        return found("not_met", f"The record says otherwise: {quote(negated[0])}", negated)
    return found("not_documented", "The records provided do not document this.")


@register("fact_absent", FactAbsent)
def fact_absent(params: FactAbsent, ctx: CheckContext) -> CheckResult:
    asserted = _asserted(ctx.facts, params.kind, ctx.request)
    if asserted:
        return found("not_met", f"Documented: {quote(asserted[0])}", asserted)
    negated = _negated(ctx.facts, params.kind, ctx.request)
    if negated:
        return found("met", f"The record excludes it: {quote(negated[0])}", negated)
    return found("met", "Nothing in the records provided documents it.")


@register("any_fact_present", AnyFactPresent)
def any_fact_present(params: AnyFactPresent, ctx: CheckContext) -> CheckResult:
    facts, req = ctx.facts, ctx.request
    asserted = [f for k in params.kinds for f in _asserted(facts, k, req)]
    if asserted:
        return found("met", f"Documented: {quote(asserted[0])}", asserted)
    negated = [f for k in params.kinds for f in _negated(facts, k, req)]
    if negated:
        return found("not_met", f"The record says otherwise: {quote(negated[0])}", negated)
    return found("not_documented", "The records provided document none of these.")


def _names_term(text: str, terms: list[str]) -> str | None:
    lowered = text.lower()
    return next((t for t in terms if re.search(rf"\b{re.escape(t.lower())}", lowered)), None)


@register("diagnosis_names", DiagnosisNames)
def diagnosis_names(params: DiagnosisNames, ctx: CheckContext) -> CheckResult:
    """A documented diagnosis at the requested site names the condition ("migraine" for a
    triptan). Only a diagnosis the record rules out is "not met": the diagnoses we read are a
    partial list, so a condition missing from them is "not documented"."""
    facts, req, terms = ctx.facts, ctx.request, params.terms

    def here(found_: list[ClinicalFact]) -> list[ClinicalFact]:
        # a diagnosis is of its own site: a wrist fracture says nothing about the spine
        return [f for f in found_ if _same_site(f, req)]

    named = [f for f in here(facts.asserted("diagnosis")) if _names_term(str(f.value or ""), terms)]
    if named:
        return found("met", f"Diagnosis: {quote(named[0])}", named)
    denied = [f for f in here(facts.negated("diagnosis")) if _names_term(str(f.value or ""), terms)]
    if denied:
        return found("not_met", f"The record excludes it: {quote(denied[0])}", denied)
    listed = here(facts.asserted("diagnosis"))
    if listed:
        shown = "; ".join(str(f.value) for f in listed[:4])
        return found(
            "not_documented", f"The diagnoses documented ({shown}) do not include it.", listed
        )
    return found("not_documented", "No diagnosis is documented.")
