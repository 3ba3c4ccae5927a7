"""Earlier use of the requested treatment: whether this is a continuation, and whether the earlier
course brought objective functional improvement (8 CCR 9792.20)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from openimr.domain.facts import ClinicalFact, ClinicalFacts
from openimr.domain.request import TreatmentRequest
from openimr.engine.checks.common import CheckResult, found, quote
from openimr.engine.checks.context import CheckContext
from openimr.engine.checks.registry import register
from openimr.guidelines.check_params import PriorTrialImprovement
from openimr.knowledge.treatments import is_course


def modality_terms(named: Iterable[str], req: TreatmentRequest) -> set[str]:
    """Words naming the treatment whose earlier use matters: the row's modalities and the request's."""
    terms = {str(t).lower() for t in named}
    for value in (req.category, req.service, req.drug, req.drug_class):
        if value:
            terms.add(value.lower().replace("_", " "))
    return {t for t in terms if t and t != "other"}


def _same_modality(fact: ClinicalFact, terms: set[str]) -> bool:
    modality = str(fact.attributes.get("modality", fact.value or "")).lower()
    return bool(modality) and any(t in modality or modality in t for t in terms)


def prior_use(req: TreatmentRequest, facts: ClinicalFacts, terms: set[str]) -> list[ClinicalFact]:
    """Facts showing the requested treatment was already given (a course of it, or the same drug)."""
    found: list[ClinicalFact] = [
        f for f in facts.asserted("prior_treatment") if _same_modality(f, terms)
    ]
    for fact in facts.asserted("current_medication"):
        if fact.attributes.get("co_requested"):
            continue  # asked for alongside, in this same review: not an earlier course
        drug = str(fact.attributes.get("drug", fact.value or "")).lower()
        klass = str(fact.attributes.get("drug_class", "")).lower()
        if (
            req.drug
            and drug
            and (drug in req.drug or req.drug.split("/")[0] in drug)
            or req.drug_class
            and klass
            and klass == req.drug_class.lower()
        ):
            found.append(fact)
    return found


def _effect(fact: ClinicalFact) -> str:
    return str(fact.attributes.get("effect", "")).lower().replace("_", " ")


_POST_OPERATIVE = re.compile(
    r"post[- ]?op|postoperative|post[- ]?surg|after (?:the )?surgery|following (?:the )?surgery",
    re.I,
)


# 9792.20 functional improvement: daily activity or work capacity measured on history and exam, or
# less dependence on care or medication. "worker" and "work-up" are not work; a word in a clause
# that says it is unchanged, or negated before it, is not a gain.
_FUNCTION_WORDS = re.compile(
    r"\bfunction\w*|\bADLs?\b|activities of daily living|\bdaily activit|\bhousehold|\bchores\b|"
    r"\bwork(?!ers?\b|ers'|[- ]?up\b|s as\b)\w*|\bduty\b|\brange of motion\b|\bROM\b|\bstrength\b|"
    r"\bmobility\b|\bwalk(?:s|ed|ing)?\b|\bsit(?:s|ting)?\b|\bstand(?:s|ing)?\b|\blift(?:s|ed|ing)?\b|"
    r"\bcarry(?:ing)?\b|\bclimb\w*|\bstairs\b|\bdriv(?:e|es|ing)\b|\bdress(?:ing)?\b|\bshower\w*|\bbath\w*|"
    r"\bsleep\w*|\bendurance\b|\btolerance\b|\bable to\b|\bgrip\b|\bno longer needs?\b|"
    r"\bmedications? (?:use )?(?:reduc|decreas|less)|"
    r"\b(?:reduc|decreas|lower|taper)\w*\s+(?:(?:his|her|their|the)\s+)?(?:need for|use of|dose of)\s+\w+|"
    r"\b(?:reduc|decreas|lower|taper)\w*\s+(?:his|her|their)\s+(?!pain\b|symptoms?\b)\w+\s+from\b",
    re.IGNORECASE,
)
_NEGATED_FUNCTION = re.compile(
    r"\b(?:no|not|without|unable|never|poor|remains?|remained|still|off)\b(?:\W+\w+){0,3}?\W+$|"
    r"\b(?:no (?:change|improvement) in)\W+(?:\w+\W+){0,2}$|\bneeds? help (?:with\s+)?$",
    re.IGNORECASE,
)
_UNCHANGED_CLAUSE = re.compile(
    r"\b(?:unchanged|the same|same as|not (?:improv|chang)\w*|no (?:change|improvement|gains?)|"
    r"did not document|not documented|remains? (?:off|limited|modified|on)|temporarily totally disabled)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(
    r"[.;]|,\s*(?:but|although|though|however|while)\b|\b(?:but|although|however)\b", re.IGNORECASE
)


def _clause(text: str, start: int, end: int) -> str:
    """The clause around [start, end): up to the nearest break on each side."""
    left = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, start)), default=0)
    right = next((m.start() for m in _CLAUSE_BREAK.finditer(text, end)), len(text))
    return text[left:right]


def names_function(text: str) -> bool:
    """Whether a sentence names a gain in function, activity or work (not a negated one)."""
    for match in _FUNCTION_WORDS.finditer(text):
        before = text[max(0, match.start() - 40) : match.start()]
        if _NEGATED_FUNCTION.search(before) or _UNCHANGED_CLAUSE.search(
            _clause(text, match.start(), match.end())
        ):
            continue
        return True
    return False


@register("prior_trial_improvement", PriorTrialImprovement)
def prior_trial_improvement(params: PriorTrialImprovement, ctx: CheckContext) -> CheckResult:
    facts = ctx.facts
    req = ctx.request
    prior = prior_use(req, facts, modality_terms(params.modalities, req))
    if ctx.post_surgical:
        # a post-operative course is judged on post-operative visits, not therapy before the operation
        prior = [f for f in prior if f.span is not None and _POST_OPERATIVE.search(f.span.text)]
    if not prior:
        return found(
            "not_applicable",
            "No earlier course of this treatment is documented; this is an initial trial.",
        )
    improved = [f for f in prior if _effect(f) in ("improved", "improvement", "helpful", "benefit")]
    gains = facts.asserted("functional_improvement")
    # 9792.20: functional improvement is better daily activity or fewer work restrictions, measured
    # on history and exam; less pain or "overall improvement" alone is not it
    # a therapy course is judged on function alone (categories.yaml `course`)
    if is_course(req.category, req.service):
        functional = [f for f in improved if f.span is not None and names_function(f.span.text)]
    else:
        functional = improved
    if functional or gains:
        chosen = functional or gains
        return found(
            "met", f"Documented benefit from the earlier course: {quote(chosen[0])}", chosen
        )
    if improved:
        return found(
            "not_documented",
            f"The earlier course is said to have helped ({quote(improved[0])}), but no gain in daily "
            "activity or work capacity is documented (9792.20: less pain alone is not functional improvement).",
            improved,
        )
    failed = [
        f
        for f in prior
        if _effect(f) in ("no improvement", "none", "worse", "failed", "no benefit")
    ]
    negated = facts.negated("functional_improvement")
    if failed or negated:
        chosen = failed or negated
        return found(
            "not_met",
            f"The earlier course did not bring objective functional improvement: {quote(chosen[0])}",
            prior + chosen,
        )
    return found(
        "not_documented",
        f"The treatment has been given before ({quote(prior[0])}) but objective functional improvement from it is not documented.",
        prior,
    )
