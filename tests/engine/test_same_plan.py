"""Modalities requested on the same schedule as acupuncture are judged as part of that plan."""

from __future__ import annotations

from openimr.domain.facts import ClinicalFacts
from openimr.engine.pipeline import _same_plan
from openimr.guidelines import load_knowledge_base
from openimr.requests import parse_request

KB = load_knowledge_base()


def _plan(*texts: str) -> list:
    return [parse_request(t) for t in texts]


def test_same_schedule_and_region_make_one_plan() -> None:
    requests = _plan(
        "Electro acupuncture to the low back two times a week times six weeks",
        "Infrared heat to the low back two times a week times six weeks",
        "Infrared heat to the low back two times a week times four weeks",
        "Infrared heat to the neck two times a week times six weeks",
    )
    assert [f.attributes["category"] for f in _same_plan(requests, 1)] == ["acupuncture"]
    assert _same_plan(requests, 2) == []  # another schedule
    assert _same_plan(requests, 3) == []  # another region


def test_modality_given_with_acupuncture_follows_the_acupuncture_guideline() -> None:
    requests = _plan(
        "Electro acupuncture to the low back two times a week times six weeks",
        "Infrared heat to the low back two times a week times six weeks",
        "Myofascial release to the low back two times a week times six weeks",
    )
    for index in (1, 2):
        alone = KB.search(requests[index], facts=ClinicalFacts())
        with_plan = KB.search(requests[index], facts=ClinicalFacts(facts=_same_plan(requests, index)))
        assert not alone.best.id.startswith("mtus_acu")
        assert with_plan.best.id.startswith("mtus_acu") and with_plan.best.id.endswith("adjunct_modalities")


def test_physical_therapy_beside_acupuncture_keeps_its_own_section() -> None:
    requests = _plan(
        "Acupuncture to the low back two times a week times six weeks",
        "Physical therapy to the low back two times a week times six weeks",
    )
    result = KB.search(requests[1], facts=ClinicalFacts(facts=_same_plan(requests, 1)))
    assert not result.best.id.startswith("mtus_acu")
