"""The ACOEM-based MTUS extremity chapters (from 2017-12-01): the edition in force by review date,
and the rows common extremity requests reach, without touching the 2004-era rows."""

from __future__ import annotations

import datetime as dt

import pytest

from openimr.domain import DisputedItem
from openimr.domain.facts import ClinicalFact, ClinicalFacts
from openimr.engine.decide import decide_item
from openimr.guidelines import load_knowledge_base
from openimr.guidelines.search import search_text
from openimr.requests import parse_request

KB = load_knowledge_base()
JAN_2017 = dt.date(2017, 1, 15)
JUN_2019 = dt.date(2019, 6, 1)
JUN_2025 = dt.date(2025, 6, 1)
ACOEM_FILES = (
    "mtus/acoem_2017_shoulder.yaml",
    "mtus/acoem_2017_elbow.yaml",
    "mtus/acoem_2017_hand_wrist_forearm.yaml",
    "mtus/acoem_2017_knee.yaml",
    "mtus/acoem_2017_ankle_foot.yaml",
    "mtus/acoem_2017_hip_groin.yaml",
)


def _best(text: str, on: dt.date) -> str | None:
    result = search_text(KB, text, review_date=on)
    return result.best.id if result.best else None


@pytest.mark.parametrize(
    ("on", "row"),
    [
        (JAN_2017, "mtus_knee2004.mri"),
        (JUN_2019, "mtus_acoem_knee2015.mri"),
        (dt.date(2020, 9, 20), "mtus_acoem_knee2015.mri"),
        (dt.date(2020, 9, 21), "mtus_acoem_knee2019.mri"),
        (JUN_2025, "mtus_acoem_knee2019.mri"),
    ],
)
def test_knee_mri_follows_the_edition_in_force(on: dt.date, row: str) -> None:
    assert _best("MRI left knee", on) == row


def test_the_knee_update_is_cited_as_its_own_edition() -> None:
    old, new = (
        KB.get("mtus_acoem_knee2015.arthroplasty"),
        KB.get("mtus_acoem_knee2019.arthroplasty"),
    )
    assert (old.edition, new.edition) == ("2015", "2019")
    assert old.citation_text().startswith("MTUS ACOEM Knee Disorders Guideline 2015")
    assert new.citation_text().startswith("MTUS ACOEM Knee Disorders Guideline 2019")


@pytest.mark.parametrize("file", ACOEM_FILES)
def test_editions_run_on_from_the_2004_era_without_gap_or_overlap(file: str) -> None:
    docs = [d for d in KB.documents.values() if d.file == file]
    assert len(docs) == 1
    editions = docs[0].editions
    assert editions[0].effective_from == dt.date(2017, 12, 1)
    for earlier, later in zip(editions, editions[1:], strict=False):
        assert earlier.effective_to is not None and later.effective_from is not None
        assert later.effective_from - earlier.effective_to == dt.timedelta(days=1)
    assert editions[-1].effective_to is None  # the newest edition stays in force
    for row in (r for r in KB.rows if KB.document_of(r.id).file == file):
        assert row.provenance.numbers_verified is False  # written from general knowledge


@pytest.mark.parametrize(
    ("text", "jan_2017", "jun_2019", "jun_2025"),
    [
        ("MRI right shoulder", "mtus_sh2004.mri", "mtus_acoem_sh2016.mri", "mtus_acoem_sh2016.mri"),
        (
            "Rotator cuff repair left shoulder",
            "mtus_sh2004.surgery_rotator_cuff",
            "mtus_acoem_sh2016.surgery_rotator_cuff",
            "mtus_acoem_sh2016.surgery_rotator_cuff",
        ),
        (
            "Left knee arthroscopy with partial medial meniscectomy",
            "mtus_knee2004.surgery",
            "mtus_acoem_knee2015.surgery_meniscus",
            "mtus_acoem_knee2019.surgery_meniscus",
        ),
        (
            "Cubital tunnel release left elbow",
            "mtus_elbow2007.surgery_ulnar_nerve",
            "mtus_acoem_elbow2018.surgery_ulnar_nerve",
            "mtus_acoem_elbow2018.surgery_ulnar_nerve",
        ),
        (
            "Carpal tunnel release right",
            "mtus_fwh2004.surgery",
            "mtus_acoem_hwf2019.surgery_carpal_tunnel",
            "mtus_acoem_hwf2019.surgery_carpal_tunnel",
        ),
        (
            "Custom orthotics left foot",
            "mtus_af2004.orthotics",
            "mtus_acoem_af2018.orthotics",
            "mtus_acoem_af2018.orthotics",
        ),
        (
            "Total hip arthroplasty left",
            "odg_hip.arthroplasty",  # the 2004 MTUS had no hip chapter
            "mtus_acoem_hip2011.arthroplasty",
            "mtus_acoem_hip2019.arthroplasty",
        ),
    ],
)
def test_extremity_items_reach_the_chapter_in_force(
    text: str, jan_2017: str, jun_2019: str, jun_2025: str
) -> None:
    assert _best(text, JAN_2017) == jan_2017
    assert _best(text, JUN_2019) == jun_2019
    assert _best(text, JUN_2025) == jun_2025


def test_elbow_and_hand_updates_take_effect_on_2019_04_18() -> None:
    assert _best("Cubital tunnel release left elbow", dt.date(2019, 4, 17)).startswith(
        "mtus_acoem_elbow2013."
    )
    assert _best("Trigger finger release left ring finger", dt.date(2019, 4, 17)).startswith(
        "mtus_acoem_hwf2016."
    )
    assert _best("Trigger finger release left ring finger", dt.date(2019, 4, 18)).startswith(
        "mtus_acoem_hwf2019."
    )


def test_post_operative_therapy_still_uses_the_postsurgical_guidelines() -> None:
    # 9792.24.3 stays in the MTUS after the 2017 update: one open-ended edition
    row = KB.get("mtus_postsurg2009.knee_meniscectomy")
    assert row.effective_to is None
    for on in (JUN_2019, JUN_2025):
        assert _best("Post-operative physical therapy 3x4 left knee", on) == row.id


@pytest.mark.parametrize(
    ("text", "row"),
    [
        ("Extracorporeal shockwave therapy right elbow", "mtus_acoem_elbow2018.eswt"),
        ("Platelet-rich plasma injection right elbow", "odg_knee.prp"),  # ACOEM: no row written
    ],
)
def test_statuses_and_silence(text: str, row: str) -> None:
    assert _best(text, JUN_2019) == row
    if row.startswith("mtus_"):
        assert KB.get(row).status == "not_recommended"


def _decide(text: str, facts: list[ClinicalFact], on: dt.date = JUN_2019) -> str:
    request = parse_request(text)
    det = decide_item(
        DisputedItem(id="1", text=text), request, ClinicalFacts(facts=facts), None, KB, on
    )
    return det.outcome


def test_viscosupplementation_needs_osteoarthritis_and_failed_first_line_care() -> None:
    text = "Synvisc-One injection right knee"
    assert _decide(text, []) == "Upheld"
    facts = [ClinicalFact(kind="osteoarthritis"), ClinicalFact(kind="failed_conservative_care")]
    assert _decide(text, facts) == "Overturned"
    assert _decide(text, facts, JUN_2025) == "Overturned"


def test_shoulder_shockwave_is_for_calcific_tendinitis_only() -> None:
    text = "Extracorporeal shockwave therapy right shoulder"
    care = ClinicalFact(kind="failed_conservative_care")
    calcific = ClinicalFact(kind="diagnosis", value="calcific tendinitis of the right shoulder")
    plain = ClinicalFact(kind="diagnosis", value="rotator cuff tendinitis of the right shoulder")
    assert _decide(text, [care, calcific]) == "Overturned"
    assert _decide(text, [care, plain]) == "Upheld"
