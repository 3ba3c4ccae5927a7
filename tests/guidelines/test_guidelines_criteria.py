"""Every criterion of every row can be met and can fail, as evaluated by the engine.

Inputs are generated from each criterion's check and params (not from known letters), so the test
covers new rows automatically. A `not_recommended` criterion is never met (when it has an
`applies_if`, it is not applicable outside that condition); a `chronic_pain`
criterion without a case or contrary fact is "not documented", which fails a required criterion
just the same.
"""

from __future__ import annotations

from typing import Any

import pytest

from openimr.domain.common import EvidenceSpan
from openimr.domain.determination import CriterionResult
from openimr.domain.facts import ClinicalFact, ClinicalFacts
from openimr.domain.guideline import Criterion, Recommendation
from openimr.domain.request import TreatmentRequest
from openimr.engine import checks
from openimr.guidelines import check_params as cp
from openimr.guidelines import load_knowledge_base

KB = load_knowledge_base()
# one edition per recommendation is enough: editions share their criteria
ROWS = sorted(
    {(KB.document_of(r.id).key, r.id.split(".", 1)[1]): r for r in KB.rows}.values(),
    key=lambda r: r.id,
)


def evaluate_criterion(
    crit: Criterion, request: TreatmentRequest, facts: ClinicalFacts
) -> CriterionResult:
    return checks.evaluate_criterion(crit, checks.check_context(request, facts))


def _modality(crit: Criterion, rec: Recommendation) -> str:
    named = getattr(crit.params, "modalities", None)
    if named:
        return named[0]
    t = rec.treatments
    return (t.services or t.synonyms or t.drugs or ["treatment"])[0]


def _setup(
    crit: Criterion, rec: Recommendation, met: bool
) -> tuple[TreatmentRequest, list[ClinicalFact]]:
    """A request and facts that make `crit` met (or not), honouring its applies_if condition."""
    modality = _modality(crit, rec)
    req: dict[str, Any] = {"text": rec.section, "service": modality}
    facts: list[ClinicalFact] = []
    cond = crit.applies_if
    if (cond and cond.when == "continuation") or crit.check == "prior_trial_improvement":
        effect = "improved" if met else "no improvement"
        said = "it improved her walking and daily activities" if met else "it did not help"
        facts.append(
            ClinicalFact(
                kind="prior_treatment",
                attributes={"modality": modality, "effect": effect},
                span=EvidenceSpan(record_id="r1", start=0, end=len(said), text=said),
            )
        )
    if cond:
        facts.extend(ClinicalFact(kind=kind) for kind in cond.with_facts)
    p = crit.params
    if isinstance(p, cp.SessionsAtMost):
        req["sessions"] = p.max if met else p.max + 1
    elif isinstance(p, cp.FrequencyAtMost):
        req["frequency_per_week"] = p.max if met else p.max + 1
    elif isinstance(p, cp.DurationAtMost):
        req["duration_weeks"] = p.weeks if met else p.weeks + 1
    elif isinstance(p, cp.QuantityAtMost):
        req["quantity"] = p.max if met else p.max + 1
    elif isinstance(p, cp.FactPresent):
        facts.append(ClinicalFact(kind=p.kind, negated=not met, attributes=dict(p.attributes)))
    elif isinstance(p, cp.FactAbsent):
        if not met:
            facts.append(ClinicalFact(kind=p.kind))
    elif isinstance(p, cp.AnyFactPresent):
        facts.append(ClinicalFact(kind=p.kinds[0], negated=not met))
    elif isinstance(p, cp.DiagnosisNames):
        facts.append(ClinicalFact(kind="diagnosis", value=p.terms[0], negated=not met))
    elif isinstance(p, cp.ChronicPain):
        if met:
            facts.append(ClinicalFact(kind="chronic_pain"))
    elif isinstance(p, cp.AgeAtLeast):
        facts.append(ClinicalFact(kind="age", value=p.years if met else p.years - 1))
    elif isinstance(p, cp.AgeAtMost):
        facts.append(ClinicalFact(kind="age", value=p.years if met else p.years + 1))
    elif isinstance(p, cp.MedAtMost):
        # morphine 30 mg tablets for 30 days: the daily MED equals the tablet count
        req.update(drug="morphine", drug_class="opioid", strength="30 mg")
        req["quantity"] = int(p.mg) if met else int(p.mg) * 2
    return TreatmentRequest(**req), facts


@pytest.mark.parametrize("rec", ROWS, ids=lambda r: r.id)
def test_each_criterion_can_be_met_and_not_met(rec: Recommendation) -> None:
    exercised = 0
    for crit in rec.criteria:
        if crit.check == "not_recommended":
            req, facts = _setup(crit, rec, met=True)
            result = evaluate_criterion(crit, req, ClinicalFacts(facts=facts))
            assert result.status == "not_met", f"{rec.id}:{crit.id}"
            if crit.applies_if is None:
                assert rec.status == "not_recommended", f"{rec.id}: unconditional not_recommended"
            else:  # e.g. continuing a drug meant for a short course: fine when it is a new course
                req = TreatmentRequest(text=rec.section, service=_modality(crit, rec))
                outside = [ClinicalFact(kind=k) for k in crit.applies_if.without_facts]
                fresh = evaluate_criterion(crit, req, ClinicalFacts(facts=outside))
                assert fresh.status == "not_applicable", f"{rec.id}:{crit.id}"
            exercised += 1
            continue
        req, facts = _setup(crit, rec, met=True)
        met = evaluate_criterion(crit, req, ClinicalFacts(facts=facts))
        assert met.status == "met", f"{rec.id}:{crit.id} should be met: {met.explanation}"
        req, facts = _setup(crit, rec, met=False)
        failed = evaluate_criterion(crit, req, ClinicalFacts(facts=facts))
        assert failed.status in ("not_met", "not_documented"), (
            f"{rec.id}:{crit.id}: {failed.explanation}"
        )
        assert failed.status == "not_met" or crit.check == "chronic_pain"
        exercised += 1
    assert exercised == len(rec.criteria) > 0


def test_initial_trial_limit_does_not_apply_to_a_continuation() -> None:
    crit = next(c for c in KB.get("mtus_acu2007.acupuncture").criteria if c.id == "trial")
    req = TreatmentRequest(text="Acupuncture 12 sessions", category="acupuncture", sessions=12)
    assert evaluate_criterion(crit, req, ClinicalFacts()).status == "not_met"
    prior = ClinicalFact(
        kind="prior_treatment", attributes={"modality": "acupuncture", "effect": "improved"}
    )
    assert evaluate_criterion(crit, req, ClinicalFacts(facts=[prior])).status == "not_applicable"


def test_diagnosis_names_reads_the_documented_diagnoses() -> None:
    crit = next(c for c in KB.get("odg_head.triptans").criteria if c.id == "migraine")
    req = TreatmentRequest(text="Imitrex 50mg #9", category="medication", drug="sumatriptan")

    def status(*facts: ClinicalFact) -> str:
        return evaluate_criterion(crit, req, ClinicalFacts(facts=list(facts))).status

    assert status(ClinicalFact(kind="diagnosis", value="Common migraine without aura")) == "met"
    assert (
        status(
            ClinicalFact(kind="diagnosis", value="post-traumatic headache with migrainous features")
        )
        == "met"
    )
    assert status(ClinicalFact(kind="diagnosis", value="migraine", negated=True)) == "not_met"
    # the diagnoses we read are a partial list: a condition missing from them is not documented
    assert status(ClinicalFact(kind="diagnosis", value="Cervicalgia")) == "not_documented"
    assert status() == "not_documented"


def test_diagnosis_names_is_bound_to_the_requested_site() -> None:
    crit = next(c for c in KB.get("odg_lb.kyphoplasty").criteria if c.id == "fracture")
    req = TreatmentRequest(
        text="Kyphoplasty T12", category="surgery", body_parts=["thoracic spine"]
    )
    wrist = ClinicalFact(
        kind="diagnosis",
        value="compression fracture of the distal radius",
        attributes={"sentence_body_parts": ["wrist"]},
    )
    spine = ClinicalFact(
        kind="diagnosis",
        value="T12 compression fracture",
        attributes={"sentence_body_parts": ["thoracic spine"]},
    )
    assert evaluate_criterion(crit, req, ClinicalFacts(facts=[wrist])).status == "not_documented"
    assert evaluate_criterion(crit, req, ClinicalFacts(facts=[wrist, spine])).status == "met"
