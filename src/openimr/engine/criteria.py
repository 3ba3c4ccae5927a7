"""Evaluate one guideline criterion against the parsed request and the clinical facts.

Every check returns a CriterionResult: met / not met / not documented / not applicable, with the
record spans that decided it, so the rationale can cite the evidence and never contradict the trace.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from openimr.domain.case import Case
from openimr.domain.common import EvidenceSpan
from openimr.domain.determination import CriterionResult, CriterionStatus
from openimr.domain.facts import ClinicalFact, ClinicalFacts, phase_of_care
from openimr.domain.guideline import Criterion
from openimr.domain.request import TreatmentRequest
from openimr.engine.opioids import morphine_factor, opioid_strength_mg
from openimr.evidence import treatment_courses
from openimr.knowledge.anatomy import load_anatomy
from openimr.knowledge.treatments import is_course


def _spans(facts: list[ClinicalFact]) -> list[EvidenceSpan]:
    return [f.span for f in facts if f.span is not None][:3]


def _result(
    criterion: Criterion,
    status: CriterionStatus,
    explanation: str,
    evidence: list[ClinicalFact] | None = None,
) -> CriterionResult:
    return CriterionResult(
        criterion_id=criterion.id,
        description=criterion.description,
        status=status,
        required=criterion.required,
        explanation=explanation,
        evidence=_spans(evidence or []),
    )


def requested_sessions(request: TreatmentRequest) -> int | None:
    """Total visits asked for: explicit, else frequency x duration."""
    if request.sessions is not None:
        return request.sessions
    if request.frequency_per_week is not None and request.duration_weeks is not None:
        return round(request.frequency_per_week * request.duration_weeks)
    return None


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def _at_most(
    criterion: Criterion,
    value: float | None,
    limit: float,
    noun: str,
    missing_status: CriterionStatus,
) -> CriterionResult:
    if value is None:
        return _result(criterion, missing_status, f"The request does not state the {noun}.")
    if value > limit:
        return _result(
            criterion,
            "not_met",
            f"The request is for {_fmt(value)} {noun}, more than the {_fmt(limit)} recommended.",
        )
    return _result(
        criterion,
        "met",
        f"The request is for {_fmt(value)} {noun}, within the {_fmt(limit)} recommended.",
    )


def course_sessions(req: TreatmentRequest) -> int | None:
    """Visits in the whole requested course: for a partial authorization, the original request
    (what UR certified plus the disputed remainder), since a guideline limit bounds the course."""
    partial = req.partial_authorization
    if partial is not None:
        original = partial.original.sessions
        if (
            original is None
            and partial.authorized is not None
            and partial.authorized.sessions is not None
        ):
            remainder = partial.disputed.sessions or requested_sessions(req)
            original = partial.authorized.sessions + remainder if remainder is not None else None
        if original is not None:
            return original
    return requested_sessions(req)


def completed_sessions(
    c: Criterion, req: TreatmentRequest, facts: ClinicalFacts
) -> tuple[int, list[ClinicalFact]]:
    """Visits of the same treatment already completed, where the record counts them."""
    terms = _modality_terms(c, req)
    # a course mentioned in several sentences is one course: take its largest stated count
    courses = [
        course
        for course in treatment_courses(facts).values()
        if course.sessions
        and any(t in course.modality.lower() or course.modality.lower() in t for t in terms)
    ]
    evidence = [f for course in courses for f in course.facts if f.attributes.get("sessions")]
    return sum(course.sessions or 0 for course in courses), evidence


def _sessions_at_most(
    c: Criterion, req: TreatmentRequest, facts: ClinicalFacts, case: Case | None
) -> CriterionResult:
    limit = float(c.params["max"])
    course = course_sessions(req)
    if course is None:
        return _result(
            c, "not_documented", "The request does not state how many visits are asked for."
        )
    done, evidence = (
        (0, []) if c.params.get("include_prior") is False else completed_sessions(c, req, facts)
    )
    total = course + done
    parts = [f"{course} visits requested"]
    if req.partial_authorization is not None and course != requested_sessions(req):
        parts = [f"{course} visits in the original request (including those already authorized)"]
    if done:
        parts.append(f"{done} already completed")
    described = " plus ".join(parts)
    if total > limit:
        return _result(
            c,
            "not_met",
            f"{_capital(described)}: {total} in all, more than the {_fmt(limit)} recommended.",
            evidence,
        )
    return _result(
        c,
        "met",
        f"{_capital(described)}: {total} in all, within the {_fmt(limit)} recommended.",
        evidence,
    )


def capitalize(text: str) -> str:
    """First letter upper case, the rest untouched (str.capitalize lowers the rest)."""
    return text[:1].upper() + text[1:]


_capital = capitalize


def _frequency_at_most(
    c: Criterion, req: TreatmentRequest, facts: ClinicalFacts, case: Case | None
) -> CriterionResult:
    return _at_most(
        c, req.frequency_per_week, float(c.params["max"]), "visits per week", "not_applicable"
    )


def _duration_at_most(
    c: Criterion, req: TreatmentRequest, facts: ClinicalFacts, case: Case | None
) -> CriterionResult:
    weeks = float(c.params["weeks"])
    if req.duration_weeks is None and c.params.get("open_ended") == "not_documented":
        # equipment the guideline allows for a stated time only (cryotherapy 7 days after surgery):
        # with no rental period the request is open-ended, which the limit does not support
        return _result(
            c,
            "not_documented",
            f"The request states no period of use; the guideline supports {_fmt(weeks)} weeks at most.",
        )
    # otherwise a request that states no duration is judged on its other terms
    return _at_most(c, req.duration_weeks, weeks, "weeks", "not_applicable")


def _quantity_at_most(
    c: Criterion, req: TreatmentRequest, facts: ClinicalFacts, case: Case | None
) -> CriterionResult:
    return _at_most(c, req.quantity, float(c.params["max"]), "units", "not_applicable")


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


def _fact_present(
    c: Criterion, req: TreatmentRequest, facts: ClinicalFacts, case: Case | None
) -> CriterionResult:
    kind = c.params["kind"]
    wanted = c.params.get("attributes") or {}
    asserted = [f for f in _asserted(facts, kind, req) if _matches_attributes(f, wanted)]
    if asserted:
        return _result(c, "met", f"Documented: {_quote(asserted[0])}", asserted)
    negated = [f for f in _negated(facts, kind, req) if _matches_attributes(f, wanted)]
    if negated:
        return _result(c, "not_met", f"The record says otherwise: {_quote(negated[0])}", negated)
    return _result(c, "not_documented", "The records provided do not document this.")


def _fact_absent(
    c: Criterion, req: TreatmentRequest, facts: ClinicalFacts, case: Case | None
) -> CriterionResult:
    kind = c.params["kind"]
    asserted = _asserted(facts, kind, req)
    if asserted:
        return _result(c, "not_met", f"Documented: {_quote(asserted[0])}", asserted)
    negated = _negated(facts, kind, req)
    if negated:
        return _result(c, "met", f"The record excludes it: {_quote(negated[0])}", negated)
    return _result(c, "met", "Nothing in the records provided documents it.")


def _names_term(text: str, terms: list[str]) -> str | None:
    lowered = text.lower()
    return next((t for t in terms if re.search(rf"\b{re.escape(t.lower())}", lowered)), None)


def _diagnosis_names(
    c: Criterion, req: TreatmentRequest, facts: ClinicalFacts, case: Case | None
) -> CriterionResult:
    """A documented diagnosis at the requested site names the condition ("migraine" for a
    triptan). Only a diagnosis the record rules out is "not met": the diagnoses we read are a
    partial list, so a condition missing from them is "not documented"."""
    terms: list[str] = list(c.params["terms"])

    def here(found: list[ClinicalFact]) -> list[ClinicalFact]:
        # a diagnosis is of its own site: a wrist fracture says nothing about the spine
        return [f for f in found if _same_site(f, req)]

    named = [f for f in here(facts.asserted("diagnosis")) if _names_term(str(f.value or ""), terms)]
    if named:
        return _result(c, "met", f"Diagnosis: {_quote(named[0])}", named)
    denied = [f for f in here(facts.negated("diagnosis")) if _names_term(str(f.value or ""), terms)]
    if denied:
        return _result(c, "not_met", f"The record excludes it: {_quote(denied[0])}", denied)
    listed = here(facts.asserted("diagnosis"))
    if listed:
        shown = "; ".join(str(f.value) for f in listed[:4])
        return _result(
            c, "not_documented", f"The diagnoses documented ({shown}) do not include it.", listed
        )
    return _result(c, "not_documented", "No diagnosis is documented.")


def _any_fact_present(
    c: Criterion, req: TreatmentRequest, facts: ClinicalFacts, case: Case | None
) -> CriterionResult:
    kinds: list[str] = list(c.params["kinds"])
    asserted = [f for k in kinds for f in _asserted(facts, k, req)]
    if asserted:
        return _result(c, "met", f"Documented: {_quote(asserted[0])}", asserted)
    negated = [f for k in kinds for f in _negated(facts, k, req)]
    if negated:
        return _result(c, "not_met", f"The record says otherwise: {_quote(negated[0])}", negated)
    return _result(c, "not_documented", "The records provided document none of these.")


def _modality_terms(c: Criterion, req: TreatmentRequest) -> set[str]:
    """Words naming the treatment whose earlier use matters: the row's modalities and the request's."""
    named = c.params.get("modalities") or c.params.get("modality") or []
    if isinstance(named, str):
        named = [named]
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


def _names_function(text: str) -> bool:
    """Whether a sentence names a gain in function, activity or work (not a negated one)."""
    for match in _FUNCTION_WORDS.finditer(text):
        before = text[max(0, match.start() - 40) : match.start()]
        if _NEGATED_FUNCTION.search(before) or _UNCHANGED_CLAUSE.search(
            _clause(text, match.start(), match.end())
        ):
            continue
        return True
    return False


def _prior_trial_improvement(
    c: Criterion, req: TreatmentRequest, facts: ClinicalFacts, case: Case | None
) -> CriterionResult:
    prior = prior_use(req, facts, _modality_terms(c, req))
    if c.params.get("post_surgical"):
        # a post-operative course is judged on post-operative visits, not therapy before the operation
        prior = [f for f in prior if f.span is not None and _POST_OPERATIVE.search(f.span.text)]
    if not prior:
        return _result(
            c,
            "not_applicable",
            "No earlier course of this treatment is documented; this is an initial trial.",
        )
    improved = [f for f in prior if _effect(f) in ("improved", "improvement", "helpful", "benefit")]
    gains = facts.asserted("functional_improvement")
    # 9792.20: functional improvement is better daily activity or fewer work restrictions, measured
    # on history and exam; less pain or "overall improvement" alone is not it
    # a therapy course is judged on function alone (categories.yaml `course`)
    if is_course(req.category, req.service):
        functional = [f for f in improved if f.span is not None and _names_function(f.span.text)]
    else:
        functional = improved
    if functional or gains:
        chosen = functional or gains
        return _result(
            c, "met", f"Documented benefit from the earlier course: {_quote(chosen[0])}", chosen
        )
    if improved:
        return _result(
            c,
            "not_documented",
            f"The earlier course is said to have helped ({_quote(improved[0])}), but no gain in daily "
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
        return _result(
            c,
            "not_met",
            f"The earlier course did not bring objective functional improvement: {_quote(chosen[0])}",
            prior + chosen,
        )
    return _result(
        c,
        "not_documented",
        f"The treatment has been given before ({_quote(prior[0])}) but objective functional improvement from it is not documented.",
        prior,
    )


def _chronic_pain(
    c: Criterion, req: TreatmentRequest, facts: ClinicalFacts, case: Case | None
) -> CriterionResult:
    asserted = facts.asserted("chronic_pain")
    if asserted:
        return _result(c, "met", f"Chronic pain: {_quote(asserted[0])}", asserted)
    if case is not None:
        days = (case.review_date - case.injury.date).days
        if phase_of_care(days) == "chronic":
            return _result(
                c,
                "met",
                f"The injury was {days // 7} weeks before the review (chronic after 12), so the pain is chronic.",
            )
        return _result(c, "not_met", f"The injury was only {days} days before the review.")
    return _result(c, "not_documented", "The duration of symptoms is not documented.")


def _age(case: Case | None, facts: ClinicalFacts) -> int | None:
    value = facts.value("age")
    if value is not None:
        try:
            return int(value)
        except (TypeError, ValueError):
            pass
    return case.worker.age if case is not None else None


def _age_at_least(
    c: Criterion, req: TreatmentRequest, facts: ClinicalFacts, case: Case | None
) -> CriterionResult:
    age, years = _age(case, facts), int(c.params["years"])
    if age is None:
        return _result(c, "not_documented", "The age is not documented.")
    return _result(
        c, "met" if age >= years else "not_met", f"The injured worker is {age} years old."
    )


def _age_at_most(
    c: Criterion, req: TreatmentRequest, facts: ClinicalFacts, case: Case | None
) -> CriterionResult:
    age, years = _age(case, facts), int(c.params["years"])
    if age is None:
        return _result(c, "not_documented", "The age is not documented.")
    return _result(
        c, "met" if age <= years else "not_met", f"The injured worker is {age} years old."
    )


def _not_recommended(
    c: Criterion, req: TreatmentRequest, facts: ClinicalFacts, case: Case | None
) -> CriterionResult:
    return _result(
        c, "not_met", "The guideline does not recommend this treatment for this condition."
    )


def _med_at_most(
    c: Criterion, req: TreatmentRequest, facts: ClinicalFacts, case: Case | None
) -> CriterionResult:
    daily = c.params.get("daily_med")
    if daily is None:
        daily = _estimate_daily_med(req)
    if daily is None:
        return _result(
            c,
            "not_applicable",
            "The daily morphine-equivalent dose cannot be worked out from the request.",
        )
    limit = float(c.params["mg"])
    status: CriterionStatus = "not_met" if daily > limit else "met"
    word = "above" if daily > limit else "within"
    return _result(
        c,
        status,
        f"About {daily:.0f} mg morphine equivalent a day, {word} the {limit:.0f} mg ceiling.",
    )


def _estimate_daily_med(req: TreatmentRequest) -> float | None:
    """MED/day from one month's fill: strength of the opioid x units / 30 days x conversion factor."""
    if req.drug_class != "opioid" or not req.strength or not req.quantity:
        return None
    mg = opioid_strength_mg(req.strength)
    if mg is None:
        return None
    daily_mg = mg * req.quantity / 30
    factor = morphine_factor(req.drug, daily_mg)  # methadone's factor depends on the daily dose
    return None if factor is None else daily_mg * factor


def _quote(fact: ClinicalFact) -> str:
    if fact.span is not None:
        return '"' + " ".join(fact.span.text.split()) + '"'
    return str(fact.value if fact.value is not None else fact.kind.replace("_", " "))


CHECKS: dict[
    str, Callable[[Criterion, TreatmentRequest, ClinicalFacts, Case | None], CriterionResult]
] = {
    "sessions_at_most": _sessions_at_most,
    "frequency_at_most": _frequency_at_most,
    "duration_at_most": _duration_at_most,
    "quantity_at_most": _quantity_at_most,
    "fact_present": _fact_present,
    "fact_absent": _fact_absent,
    "any_fact_present": _any_fact_present,
    "prior_trial_improvement": _prior_trial_improvement,
    "chronic_pain": _chronic_pain,
    "age_at_least": _age_at_least,
    "age_at_most": _age_at_most,
    "not_recommended": _not_recommended,
    "med_at_most": _med_at_most,
    "diagnosis_names": _diagnosis_names,
}


def applies(criterion: Criterion, request: TreatmentRequest, facts: ClinicalFacts) -> bool:
    """`applies_if`: a fact kind that must be asserted, or "continuation"/"initial" of this treatment."""
    cond = criterion.applies_if
    if not cond:
        return True
    if cond in ("continuation", "initial"):
        used = bool(prior_use(request, facts, _modality_terms(criterion, request)))
        return used if cond == "continuation" else not used
    negate = cond.startswith("!")
    present = bool(facts.asserted(cond.lstrip("!")))
    return not present if negate else present


def evaluate_criterion(
    criterion: Criterion,
    request: TreatmentRequest,
    facts: ClinicalFacts,
    case: Case | None = None,
    today: dt.date | None = None,
) -> CriterionResult:
    if not applies(criterion, request, facts):
        return _result(criterion, "not_applicable", f"Applies only when: {criterion.applies_if}.")
    return CHECKS[criterion.check](criterion, request, facts, case)
