"""Rows keep the distinctions their guideline makes (second-pass review of the criteria).

Each test builds a request and facts by hand, finds the governing row through the search and
applies the engine's criteria and outcome rule, so it checks that row choice and criteria together
say what the guideline says.
"""

from __future__ import annotations

import datetime as dt

import openimr.engine.checks as checks_mod  # noqa: E402
import openimr.engine.decide as decide_mod  # noqa: E402
from openimr.domain.facts import ClinicalFact, ClinicalFacts
from openimr.domain.request import TreatmentRequest
from openimr.engine.outcome import choose_outcome
from openimr.guidelines import load_knowledge_base
from openimr.guidelines.search import search

KB = load_knowledge_base()
JAN_2017 = dt.date(2017, 1, 15)


def _facts(*kinds: str, **attributes: dict) -> ClinicalFacts:
    return ClinicalFacts(
        facts=[ClinicalFact(kind=k, attributes=attributes.get(k, {})) for k in kinds]
    )


def _outcome(request: TreatmentRequest, facts: ClinicalFacts) -> tuple[str, str]:
    """(row id, outcome) the way the engine decides: the top row, its explicit and implicit criteria."""
    rec = search(KB, request, review_date=JAN_2017, facts=facts).best
    assert rec is not None
    criteria = list(rec.criteria) + decide_mod.implicit_criteria(rec)
    ctx = checks_mod.check_context(request, facts)
    results = [checks_mod.evaluate_criterion(c, ctx) for c in criteria]
    return rec.id, choose_outcome(results)


REPAIR = TreatmentRequest(
    text="Right shoulder arthroscopy with rotator cuff repair",
    category="surgery",
    body_parts=["shoulder"],
    laterality="right",
)
DECOMPRESSION = TreatmentRequest(
    text="Right shoulder arthroscopy with subacromial decompression",
    category="surgery",
    body_parts=["shoulder"],
    laterality="right",
)


def test_cuff_repair_for_a_tear_with_weakness_needs_no_long_conservative_trial() -> None:
    row, outcome = _outcome(REPAIR, _facts("imaging_result", "weakness"))
    assert row == "mtus_sh2004.surgery_rotator_cuff"
    assert outcome == "Overturned"
    # lost motion without weakness is not the significant tear ACOEM repairs
    assert _outcome(REPAIR, _facts("imaging_result", "range_of_motion_limited"))[1] == "Upheld"


def test_decompression_for_impingement_waits_for_failed_conservative_care() -> None:
    row, outcome = _outcome(DECOMPRESSION, _facts("imaging_result", "weakness"))
    assert row == "mtus_sh2004.surgery_impingement"
    assert outcome == "Upheld"
    assert (
        _outcome(DECOMPRESSION, _facts("imaging_result", "weakness", "failed_conservative_care"))[1]
        == "Overturned"
    )


def test_lumbar_films_need_a_red_flag_not_just_persistent_pain() -> None:
    films = TreatmentRequest(
        text="X-rays of the lumbar spine",
        category="imaging",
        service="x-ray",
        body_parts=["lumbar spine"],
    )
    row, outcome = _outcome(films, _facts("failed_conservative_care", "chronic_pain"))
    assert row == "mtus_lb2004.xray"
    assert outcome == "Upheld"
    assert _outcome(films, _facts("red_flag"))[1] == "Overturned"


PRE_OP = _facts("surgery_authorized")


def test_preoperative_coagulation_studies_need_a_bleeding_risk() -> None:
    coag = TreatmentRequest(text="Pre-op labs: PT/PTT", category="laboratory")
    row, outcome = _outcome(coag, PRE_OP)
    assert row == "odg_lb.preop_coagulation"
    assert outcome == "Upheld"
    assert _outcome(coag, _facts("surgery_authorized", "bleeding_risk"))[1] == "Overturned"


def test_preoperative_ecg_needs_cardiac_risk_factors_not_age_alone() -> None:
    ecg = TreatmentRequest(text="Pre-operative EKG", category="laboratory")
    aged = ClinicalFacts(facts=[*PRE_OP.facts, ClinicalFact(kind="age", value=58)])
    row, outcome = _outcome(ecg, aged)
    assert row == "odg_lb.preop_ecg"
    assert outcome == "Upheld"
    assert _outcome(ecg, _facts("surgery_authorized", "cardiac_risk_factors"))[1] == "Overturned"


def test_opioid_continuation_needs_pain_relief_as_well_as_function() -> None:
    norco = TreatmentRequest(
        text="Norco 10/325mg #60",
        category="medication",
        drug="hydrocodone/acetaminophen",
        drug_class="opioid",
        strength="10/325 mg",
        quantity=60,
    )
    on_it = {"current_medication": {"drug": "hydrocodone/acetaminophen", "drug_class": "opioid"}}
    chronic = ("chronic_pain", "current_medication", "functional_improvement", "urine_drug_screen")
    row, outcome = _outcome(norco, _facts(*chronic, **on_it))
    assert row == "mtus_opioids2016.chronic_maintenance"
    assert outcome == "Upheld"
    assert _outcome(norco, _facts(*chronic, "pain_relief", **on_it))[1] == "Overturned"


def test_biofeedback_within_a_cbt_program_is_context() -> None:
    """'An option in a CBT program' is context by the role rule: it informs, never decides."""
    biofeedback = TreatmentRequest(
        text="Biofeedback 4 sessions", category="psychological", sessions=4
    )
    row, outcome = _outcome(biofeedback, _facts("depression_anxiety"))
    assert row.endswith(".biofeedback")
    assert outcome == "Overturned"
    cbt = {"prior_treatment": {"modality": "psychotherapy"}}
    assert _outcome(biofeedback, _facts("prior_treatment", **cbt))[1] == "Overturned"


def test_starting_an_opioid_needs_non_opioid_care_and_a_baseline_urine_test_first() -> None:
    tramadol = TreatmentRequest(
        text="Tramadol 50mg #60",
        category="medication",
        drug="tramadol",
        drug_class="opioid",
        strength="50 mg",
        quantity=60,
    )
    row, outcome = _outcome(tramadol, _facts("chronic_pain", "pain_score"))
    assert row == "mtus_opioids2016.chronic_maintenance"
    assert outcome == "Upheld"
    # the 2016 guideline's steps before starting: alternatives first (3.2), risk screen (3.3.1),
    # baseline urine drug test (3.3.6)
    ready = ("chronic_pain", "failed_conservative_care", "opioid_risk_screening")
    assert _outcome(tramadol, _facts(*ready))[1] == "Upheld"
    assert _outcome(tramadol, _facts(*ready, "urine_drug_screen"))[1] == "Overturned"


def test_gastric_protection_is_for_gi_risk_in_a_worker_on_an_nsaid() -> None:
    ppi = TreatmentRequest(
        text="Omeprazole 20mg #30", category="medication", drug="omeprazole", quantity=30
    )
    on_nsaid = {"current_medication": {"drug": "naproxen", "drug_class": "nsaid"}}
    row, outcome = _outcome(ppi, _facts("current_medication", **on_nsaid))
    assert row == "cpmtg2016.nsaid_gi_risk"
    assert outcome == "Upheld"  # on an NSAID without GI risk: not for everyone taking one
    assert _outcome(ppi, _facts("current_medication", "gi_risk", **on_nsaid))[1] == "Overturned"
    assert _outcome(ppi, _facts("gi_risk"))[1] == "Upheld"  # GI risk but no NSAID


def test_a_cox2_nsaid_needs_gi_risk_a_non_selective_one_does_not() -> None:
    celecoxib = TreatmentRequest(
        text="Celecoxib 200mg #30", category="medication", drug="celecoxib", drug_class="nsaid"
    )
    naproxen = TreatmentRequest(
        text="Naproxen 550mg #60", category="medication", drug="naproxen", drug_class="nsaid"
    )
    row, outcome = _outcome(celecoxib, _facts("pain_score"))
    assert row == "cpmtg2016.nsaids_cox2"
    assert outcome == "Upheld"
    assert _outcome(celecoxib, _facts("pain_score", "gi_risk"))[1] == "Overturned"
    row, outcome = _outcome(naproxen, _facts("pain_score"))
    assert row == "cpmtg2016.nsaids"
    assert outcome == "Overturned"


def test_cyclobenzaprine_is_for_an_acute_spasm_or_exacerbation() -> None:
    flexeril = TreatmentRequest(
        text="Flexeril 10mg #30",
        category="medication",
        drug="cyclobenzaprine",
        drug_class="muscle_relaxant",
        quantity=30,
    )
    row, outcome = _outcome(flexeril, _facts("pain_score"))
    assert row == "cpmtg2016.cyclobenzaprine"
    assert outcome == "Upheld"
    assert _outcome(flexeril, _facts("pain_score", "spasm"))[1] == "Overturned"


def test_a_cold_therapy_unit_is_judged_on_its_stated_period_only() -> None:
    # a limit the request does not state decides nothing (README role rule); one it exceeds does
    unit = TreatmentRequest(
        text="Cold therapy unit for the right shoulder",
        category="dme",
        body_parts=["shoulder"],
        laterality="right",
    )
    week = unit.model_copy(update={"text": "Cold therapy unit rental x7 days", "duration_weeks": 1})
    month = unit.model_copy(
        update={"text": "Cold therapy unit rental x30 days", "duration_weeks": 4}
    )
    row, outcome = _outcome(unit, _facts("surgery_authorized"))
    assert row == "odg_sh.cryotherapy"
    assert outcome == "Overturned"
    assert _outcome(week, _facts("surgery_authorized"))[1] == "Overturned"
    assert _outcome(month, _facts("surgery_authorized"))[1] == "Upheld"
