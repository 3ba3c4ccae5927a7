"""Clinical facts read from the record, each with the span that supports it."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from openimr.domain.common import EvidenceSpan, Model

# Phases of care by days from injury. The 2016 MTUS opioid guideline: acute pain up to four weeks
# after injury or onset, subacute 1-3 months; chronic beyond that. "3 months" is taken as 12 weeks,
# the usual operational reading (e.g. the Washington AMDG opioid guideline: subacute 6-12 weeks).
ACUTE_UP_TO_DAYS = 28
SUBACUTE_UP_TO_DAYS = 84


def phase_of_care(days_since_injury: int) -> str:
    """'acute', 'subacute' or 'chronic' for the days from injury to the review."""
    if days_since_injury <= ACUTE_UP_TO_DAYS:
        return "acute"
    return "subacute" if days_since_injury <= SUBACUTE_UP_TO_DAYS else "chronic"


# The fact vocabulary. Guideline criteria name these kinds; the evidence extractor produces them.
# Add kinds here (additively) when a new criterion needs one; keep names snake_case.
FACT_KINDS: dict[str, str] = {
    "age": "age in years (value: int)",
    "sex": "sex (value: 'female'|'male')",
    "injury_date": "date of injury (value: ISO date)",
    "chronic_pain": "pain lasting beyond 3 months (12 weeks) / the expected healing time (attributes: phase, days_since_injury)",
    "diagnosis": "a diagnosis (value: text)",
    "body_part": "an injured/treated body part (value: DESIGN body part)",
    "prior_treatment": "a treatment already given (attributes: modality, sessions, effect)",
    "functional_improvement": "documented objective functional improvement from a treatment",
    "pain_relief": "documented pain relief from a treatment (attributes: percent)",
    "pain_score": "pain rating (value: 0-10; attributes: when)",
    "current_medication": "a medication currently taken (attributes: drug, drug_class, duration_months)",
    "urine_drug_screen": "a urine drug screen done (attributes: consistent)",
    "cures_check": "CURES/PDMP check documented",
    "pain_agreement": "opioid/pain treatment agreement on file",
    "four_as": "the 4 A's of opioid monitoring (analgesia, activities, adverse effects, aberrant behaviour) documented",
    "aberrant_behavior": "aberrant drug-taking behaviour documented",
    "side_effects": "medication side effects discussed/documented",
    "red_flag": "red-flag condition (fracture, tumour, infection, cauda equina, progressive deficit)",
    "neuro_deficit": "objective neurologic deficit (weakness, reflex change, dermatomal sensory loss)",
    "radiculopathy": "radicular symptoms/signs or a radiculopathy diagnosis",
    "spurling": "Spurling's test",
    "straight_leg_raise": "straight-leg raise test",
    "tinel": "Tinel's sign",
    "phalen": "Phalen's test",
    "reflex_change": "abnormal/diminished reflexes",
    "weakness": "motor weakness on exam",
    "sensory_deficit": "sensory loss on exam",
    "numbness": "numbness/tingling/paresthesia reported",
    "imaging_result": "imaging done (attributes: modality, body_part, finding)",
    "electrodiagnostic_result": "EMG/NCV done (attributes: finding)",
    "surgery": "surgery performed (attributes: procedure, date)",
    "surgery_planned": "surgery considered/planned/patient willing to consider surgery",
    "work_status": "work status (value: text, e.g. modified duty, TTD, full duty)",
    "return_to_work": "returned to work",
    "failed_conservative_care": "conservative treatment tried and failed",
    "home_exercise_program": "home exercise program",
    "gi_risk": "GI risk factors (age > 65, ulcer/bleed history, NSAID with steroid/anticoagulant, dyspepsia)",
    "neuropathic_pain": "neuropathic pain",
    "myofascial_trigger_points": "trigger points with twitch response/referred pain",
    "depression_anxiety": "depression, anxiety or other psychological condition",
    "insomnia": "sleep disturbance/insomnia",
    "spasm": "muscle spasm",
    "osteoarthritis": "osteoarthritis",
    "muscle_atrophy": "muscle atrophy",
    "instability": "joint instability",
    "range_of_motion_limited": "limited range of motion",
    # added for guideline criteria (openimr.guidelines)
    "homebound": "confined to the home (leaving it takes considerable effort)",
    "medication_intolerance": "oral medications not tolerated or contraindicated",
    "constipation": "constipation (e.g. opioid-induced)",
    "opioid_risk_screening": "risk of opioid misuse screened (ORT, SOAPP, history) before/while prescribing",
    "treatment_goals": "specific, measurable treatment goals stated in the plan",
    "psychological_clearance": "psychological evaluation clearing the worker for a procedure (SCS, pump)",
    "mechanical_symptoms": "locking, catching or giving way of a joint",
    "weight_bearing_limited": "reduced weight bearing is desirable (extreme obesity, lower-limb fracture)",
    "crps": "complex regional pain syndrome (CRPS/RSD) diagnosed or suspected",
    "hearing_loss": "hearing loss documented (audiogram)",
    "mmi": "at or near maximum medical improvement (permanent and stationary)",
    "failed_return_to_work": "an attempt to return to work failed",
    "therapy_plateau": "failure to progress in a physical therapy or strengthening program",
    "si_joint_signs": "positive sacroiliac joint provocation tests (e.g. FABER, Gaenslen, thigh thrust)",
    "surgery_authorized": "the surgery this item supports is certified or found necessary in this review",
    "tear_sign": "a positive provocative exam test for a tear or structural lesion (McMurray's, O'Brien's, drop arm...)",
    "care_phase": "phase of care at the review (value: acute|subacute|chronic|post_surgical; attributes: time_phase, days_since_injury, surgery_date)",
    "recent_surgery": "a surgery for this injury within 4 weeks before the request (the acute post-operative period)",
    "bleeding_risk": "history of bleeding, a bleeding-prone condition, or anticoagulant therapy",
    "cardiac_risk_factors": "clinical cardiac risk factors (ischemic heart disease, heart failure, stroke, insulin-treated diabetes, renal insufficiency)",
    "comorbidity": "a chronic medical condition bearing on surgery (e.g. hypertension, diabetes, obesity, heart, lung or kidney disease)",
}


class ClinicalFact(Model):
    kind: str
    value: Any = None
    negated: bool = False  # "no documentation of functional improvement", "denies numbness"
    historical: bool = False
    hypothetical: bool = False
    family: bool = False
    attributes: dict[str, Any] = Field(default_factory=dict)
    span: EvidenceSpan | None = None

    @property
    def asserted(self) -> bool:
        """Present for this patient now (not negated, hypothetical or about a relative)."""
        return not (self.negated or self.hypothetical or self.family)


class ClinicalFacts(Model):
    facts: list[ClinicalFact] = Field(default_factory=list)

    def of_kind(self, kind: str) -> list[ClinicalFact]:
        return [f for f in self.facts if f.kind == kind]

    def asserted(self, kind: str) -> list[ClinicalFact]:
        return [f for f in self.facts if f.kind == kind and f.asserted]

    def negated(self, kind: str) -> list[ClinicalFact]:
        return [f for f in self.facts if f.kind == kind and f.negated]

    def value(self, kind: str) -> Any:
        found = self.asserted(kind)
        return found[0].value if found else None
