"""The ACOEM-based MTUS from 2017-12-01: editions picked by review date, the search's plain note
when the MTUS is silent, and the search JSON keeping each hit's level, guideline and section."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from openimr.cli import main
from openimr.domain.facts import ClinicalFact, ClinicalFacts
from openimr.domain.request import TreatmentRequest
from openimr.guidelines import load_knowledge_base
from openimr.guidelines.search import search

KB = load_knowledge_base()
LUMBAR_ESI = TreatmentRequest(
    text="Lumbar epidural steroid injection L4-5",
    category="injection",
    service="epidural steroid injection",
    body_parts=["lumbar spine"],
    levels=["L4-L5"],
)
CERVICAL_MRI = TreatmentRequest(
    text="MRI cervical spine", category="imaging", service="mri", body_parts=["cervical spine"]
)


def _best(request: TreatmentRequest, on: dt.date) -> str | None:
    result = search(KB, request, review_date=on)
    return result.best.id if result.best else None


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (dt.date(2017, 1, 15), "mtus_lb2004.esi"),  # the 2004 chapter before the update
        (dt.date(2017, 11, 30), "mtus_lb2004.esi"),
        (dt.date(2017, 12, 1), "mtus_acoem_lb2016.esi"),
        (dt.date(2019, 6, 1), "mtus_acoem_lb2016.esi"),  # the 2019 update is not yet in force
        (dt.date(2019, 8, 11), "mtus_acoem_lb2019.esi"),
        (dt.date(2021, 11, 22), "mtus_acoem_lb2019.esi"),
        (dt.date(2021, 11, 23), "mtus_acoem_lb2020.esi"),  # the 2020-02-13 edition from here
        (dt.date(2025, 6, 1), "mtus_acoem_lb2020.esi"),
    ],
)
def test_low_back_edition_by_review_date(on: dt.date, expected: str) -> None:
    assert _best(LUMBAR_ESI, on) == expected
    assert search(KB, LUMBAR_ESI, review_date=on).level == "mtus"


def test_cervical_edition_by_review_date() -> None:
    assert _best(CERVICAL_MRI, dt.date(2017, 1, 15)) == "mtus_neck2004.mri_ct"
    assert _best(CERVICAL_MRI, dt.date(2019, 4, 17)) == "mtus_acoem_cts2016.mri"
    assert _best(CERVICAL_MRI, dt.date(2019, 4, 18)) == "mtus_acoem_cts2018.mri"


def test_editions_of_one_document_do_not_overlap() -> None:
    for doc_key in (
        "mtus_acoem_low_back",
        "mtus_acoem_cervical_thoracic",
        "mtus_acoem_mental_health",
    ):
        editions = KB.documents[doc_key].editions
        for earlier, later in zip(editions, editions[1:], strict=False):
            assert earlier.effective_to is not None and later.effective_from is not None
            assert earlier.effective_to + dt.timedelta(days=1) == later.effective_from


def test_dwc_acupuncture_and_postsurgical_guidelines_stay_in_force() -> None:
    for row_id in ("mtus_acu2007.acupuncture", "mtus_postsurg2009.general"):
        assert KB.get(row_id).effective_to is None
    acupuncture = TreatmentRequest(
        text="Acupuncture 2x3 lumbar spine",
        category="acupuncture",
        service="acupuncture",
        sessions=6,
        body_parts=["lumbar spine"],
    )
    assert _best(acupuncture, dt.date(2025, 6, 1)) == "mtus_acu2007.acupuncture"


def test_opioids_follow_the_acoem_opioids_guideline_after_2017() -> None:
    norco = TreatmentRequest(
        text="Norco 10/325mg #90",
        category="medication",
        drug="hydrocodone/acetaminophen",
        drug_class="opioid",
        quantity=90,
    )
    assert _best(norco, dt.date(2017, 1, 15)).startswith("mtus_opioids2016.")
    assert _best(norco, dt.date(2019, 6, 1)).startswith("mtus_acoem_op2017.")


def test_search_note_says_when_the_mtus_is_silent() -> None:
    ambien = TreatmentRequest(
        text="Ambien 10mg #30", category="medication", drug="zolpidem", drug_class="sleep_aid"
    )
    result = search(KB, ambien, review_date=dt.date(2025, 6, 1))
    assert result.level != "mtus"
    assert result.note == (
        "No MTUS guideline in force on 2025-06-01 addresses this treatment; "
        "the search went on to current ACOEM or ODG guidelines."
    )
    assert search(KB, LUMBAR_ESI, review_date=dt.date(2025, 6, 1)).note is None


def test_cli_search_prints_the_note_and_keeps_the_json_keys(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["guidelines", "search", "Ambien 10mg #30", "--date", "2025-06-01"]) == 0
    assert "No MTUS guideline in force on 2025-06-01 addresses this treatment" in (
        capsys.readouterr().out
    )
    args = ["guidelines", "search", "Lumbar epidural steroid injection L4-5", "--date"]
    assert main([*args, "2019-06-01", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["level"] == "mtus"
    assert out["note"] is None
    for hit in out["hits"]:
        rec = hit["recommendation"]
        assert {"level", "guideline", "section"} <= rec.keys()
    first = out["hits"][0]["recommendation"]
    assert first["level"] == "mtus"
    assert first["guideline"] == "MTUS ACOEM Low Back Disorders Guideline"
    assert first["section"] == "Injections - Epidural Steroid Injections"
    assert first["edition"] == "2016"


def test_chronic_pain_case_uses_the_chronic_pain_guideline_not_mental_health() -> None:
    cymbalta = TreatmentRequest(
        text="Cymbalta 60mg #30", category="medication", drug="duloxetine", quantity=30
    )
    chronic = ClinicalFacts(facts=[ClinicalFact(kind="chronic_pain")])
    on = dt.date(2025, 6, 1)
    assert search(KB, cymbalta, review_date=on, facts=chronic).best.id == (
        "mtus_acoem_cp2017.antidepressants"
    )
    # without chronic pain the newer mental health guideline governs an antidepressant
    assert search(KB, cymbalta, review_date=on).best.id == "mtus_acoem_mh2021.antidepressants"
    # before the mental health guideline took effect, only the chronic pain guideline speaks
    assert search(KB, cymbalta, review_date=dt.date(2019, 6, 1)).best.id == (
        "mtus_acoem_cp2017.antidepressants"
    )
