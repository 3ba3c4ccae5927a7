"""The phase of care chooses the guideline: chapters for acute/subacute, chronic-pain rows for chronic."""

from __future__ import annotations

import datetime as dt

import pytest

from openimr.domain.facts import ClinicalFact, ClinicalFacts
from openimr.guidelines import load_knowledge_base
from openimr.guidelines.search import phase_misfit, search_text

REVIEW = dt.date(2016, 6, 1)  # 2004 ACOEM chapters and the 2009 CPMTG in force


def _phase(phase: str, time_phase: str | None = None) -> ClinicalFacts:
    return ClinicalFacts(
        facts=[
            ClinicalFact(
                kind="care_phase", value=phase, attributes={"time_phase": time_phase or phase}
            )
        ]
    )


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def test_three_week_old_injury_pt_is_not_routed_to_chronic_pain_rows(kb) -> None:
    found = search_text(kb, "Physical therapy 2x3 for the low back", REVIEW, _phase("acute"))
    assert found.level == "mtus"
    assert kb.document_of(found.best.id).key != "mtus_cpmtg"
    assert "acute" in (found.best.phases or kb.document_of(found.best.id).phases)


def test_chronic_case_pt_goes_to_the_chronic_pain_guideline(kb) -> None:
    found = search_text(kb, "Physical therapy 2x3 for the low back", REVIEW, _phase("chronic"))
    assert kb.document_of(found.best.id).key == "mtus_cpmtg"


def test_mtus_first_a_chronic_only_mtus_row_beats_other_guidelines(kb) -> None:
    # no MTUS chapter row addresses chiropractic for the neck: the CPMTG row still governs
    found = search_text(kb, "Chiropractic x6 for the neck", REVIEW, _phase("acute"))
    assert found.level == "mtus"
    assert any("another phase" in r for r in found.hits[0].reasons)


def test_post_surgical_period_makes_physical_medicine_post_operative(kb) -> None:
    found = search_text(
        kb,
        "Physical therapy x12 for the right shoulder",
        REVIEW,
        _phase("post_surgical", "chronic"),
    )
    assert "post_surgical" in found.best.phases


def test_misfit_rule(kb) -> None:
    row = next(r for r in kb.rows if kb.document_of(r.id).key == "mtus_cpmtg" and not r.phases)
    doc = kb.document_of(row.id).phases
    assert doc == ["subacute", "chronic"]  # 9792.20(c): pain past the time of healing
    assert phase_misfit(row, doc, "acute", False)
    assert not phase_misfit(row, doc, "subacute", False)
    assert not phase_misfit(row, doc, "chronic", False)
    # an early-phase row in a later phase is only scored lower, not set aside
    early = next(r for r in kb.rows if r.phases == ["acute", "subacute"])
    assert not phase_misfit(early, [], "chronic", False)
    # a row for chronic pain only, in a subacute case: its own criteria judge the duration
    chronic_only = next(r for r in kb.rows if r.phases == ["chronic"])
    assert not phase_misfit(chronic_only, [], "subacute", False)
    assert phase_misfit(chronic_only, [], "acute", False)
    assert not phase_misfit(row, doc, None, False)
    assert not phase_misfit(row, [], "acute", False)
