"""A surgery done in the weeks before the request makes post-operative rows apply."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openimr.domain import ClinicalFacts, DisputedItem, TreatmentRequest
from openimr.domain.case import Case
from openimr.domain.common import EvidenceSpan
from openimr.domain.facts import ClinicalFact
from openimr.engine.decide import decide_item
from openimr.engine.pipeline import decide_items
from openimr.evidence.derive import is_surgery, recent_surgery, surgery_not_in_dispute
from openimr.guidelines import load_knowledge_base
from openimr.intake.load import load_case
from openimr.requests import parse_request

EXAMPLE = (
    Path(__file__).resolve().parents[2] / "examples" / "cases" / "norco-refill-no-monitoring.yaml"
)


def _case(
    injury: dt.date, ur: dt.date, note: str, parts: tuple[str, ...] = ("lumbar spine",)
) -> Case:
    case = load_case(EXAMPLE)
    record = case.records[0].model_copy(update={"text": note, "date": ur - dt.timedelta(days=1)})
    return case.model_copy(
        update={
            "injury": case.injury.model_copy(update={"date": injury, "body_parts": list(parts)}),
            "ur_decision": case.ur_decision.model_copy(update={"date": ur}),
            "records": [record],
        }
    )


def _surgery(
    date: str | None = None,
    historical: bool = False,
    sentence: str = "The operation was done.",
    sites: tuple[str, ...] = (),
) -> ClinicalFacts:
    attrs: dict[str, object] = {"date": date} if date else {}
    if sites:
        attrs["sentence_body_parts"] = list(sites)
    span = EvidenceSpan(record_id="r1", start=0, end=len(sentence), text=sentence)
    return ClinicalFacts(
        facts=[ClinicalFact(kind="surgery", attributes=attrs, historical=historical, span=span)]
    )


NO_REQUESTS: list = []


def test_surgery_in_the_four_weeks_before_the_request_is_recent() -> None:
    case = _case(dt.date(2017, 3, 1), dt.date(2017, 4, 12), "note")
    assert recent_surgery(case, _surgery("2017-04-01"), NO_REQUESTS) is not None
    assert recent_surgery(case, _surgery("2017-03-15"), NO_REQUESTS) is not None  # day 28
    assert recent_surgery(case, _surgery("2017-03-14"), NO_REQUESTS) is None  # day 29
    assert recent_surgery(case, _surgery("2017-04-13"), NO_REQUESTS) is None  # after the request
    assert recent_surgery(case, _surgery("2017-04-01", historical=True), NO_REQUESTS) is None
    assert recent_surgery(case, _surgery("2016-12-01"), NO_REQUESTS) is None  # before this injury
    # undated: recent only when the injury itself is within the window, at an injured body part
    assert recent_surgery(case, _surgery(), NO_REQUESTS) is None
    fresh = _case(dt.date(2017, 4, 1), dt.date(2017, 4, 12), "note")
    assert recent_surgery(fresh, _surgery(sites=("lumbar spine",)), NO_REQUESTS) is not None
    assert recent_surgery(fresh, _surgery(sites=("knee",)), NO_REQUESTS) is None


def test_a_month_only_surgery_date_is_taken_at_mid_month() -> None:
    case = _case(dt.date(2017, 2, 1), dt.date(2017, 4, 12), "note")

    def month(iso: str) -> ClinicalFacts:
        facts = _surgery(iso)
        facts.facts[0].attributes["date_precision"] = "month"
        return facts

    assert (
        recent_surgery(case, month("2017-03-01"), NO_REQUESTS) is not None
    )  # "03/2017": 03/15, day 28
    assert (
        recent_surgery(case, month("2017-02-01"), NO_REQUESTS) is None
    )  # "02/2017": 02/15, day 56
    assert (
        recent_surgery(case, month("2017-04-01"), NO_REQUESTS) is not None
    )  # this month: up to the request
    # a month wholly before the injury stays outside it (not moved up to the injury date)
    fresh = _case(dt.date(2017, 4, 1), dt.date(2017, 4, 12), "note")
    assert recent_surgery(fresh, month("2016-02-01"), NO_REQUESTS) is None


def test_a_planned_or_disputed_operation_is_not_a_recent_one() -> None:
    case = _case(dt.date(2017, 3, 1), dt.date(2017, 4, 12), "note")
    planned = _surgery(
        "2017-04-05",
        sentence="Right shoulder arthroscopy is scheduled for 04/05/2017 pending authorization.",
    )
    assert recent_surgery(case, planned, NO_REQUESTS) is None
    disputed = [parse_request("Right shoulder arthroscopy with subacromial decompression")]
    assert disputed[0].category == "surgery"
    assert recent_surgery(case, _surgery("2017-04-01"), disputed) is None


def test_opioid_after_a_recent_operation_is_judged_as_post_operative_pain() -> None:
    note = (
        "She fractured the right distal radius on 03/20/2017. On 04/05/2017 the provider performed a closed "
        "reduction and percutaneous pinning of the right distal radius fracture. Pain 7/10 after surgery."
    )
    case = _case(dt.date(2017, 3, 20), dt.date(2017, 4, 12), note, parts=("wrist",))
    item = case.disputed_items[0]
    det = decide_items(
        case.model_copy(update={"disputed_items": [item], "review_date": dt.date(2017, 5, 1)})
    )[0]
    assert det.citations[0].recommendation_id.endswith(".postoperative")
    elsewhere = _case(dt.date(2017, 3, 20), dt.date(2017, 4, 12), note, parts=("lumbar spine",))
    det = decide_items(
        elsewhere.model_copy(update={"disputed_items": [item], "review_date": dt.date(2017, 5, 1)})
    )[0]
    assert not det.citations[0].recommendation_id.endswith(
        ".postoperative"
    )  # not this injury's operation
    later = _case(
        dt.date(2017, 1, 2),
        dt.date(2017, 4, 12),
        note.replace("03/20/2017", "01/02/2017"),
        parts=("wrist",),
    )
    det = decide_items(
        later.model_copy(update={"disputed_items": [item], "review_date": dt.date(2017, 5, 1)})
    )[0]
    assert not det.citations[0].recommendation_id.endswith(".postoperative")


def _partly_certified(
    drug: str, original: int, authorized: int
) -> tuple[DisputedItem, TreatmentRequest]:
    text = (
        f"{drug} #{original} was the original request. {drug} #{authorized} was authorized by the Claims "
        f"Administrator. The remaining IMR eligible portion of the original request, {drug} #{original - authorized} is"
    )
    request = parse_request(text)
    assert request.partial_authorization is not None
    return DisputedItem(id="1", text=text), request


def _partial_results(drug: str, facts: ClinicalFacts) -> list[str]:
    item, request = _partly_certified(drug, 60, 25)
    det = decide_item(item, request, facts, None, load_knowledge_base())
    return [c.status for c in det.criteria if c.criterion_id.startswith("partial_authorization.")]


def test_partly_certified_opioid_supply_needs_its_effect_documented() -> None:
    assert _partial_results("Norco 10/325mg", ClinicalFacts()) == ["not_documented"]
    assert _partial_results(
        "Norco 10/325mg", ClinicalFacts(facts=[ClinicalFact(kind="pain_relief")])
    ) == ["met"]


def test_partly_certified_non_opioid_drug_is_judged_on_its_row() -> None:
    assert _partial_results("Naproxen 550mg", ClinicalFacts()) == []


def test_an_assistant_surgeon_is_a_service_of_the_operation_not_one() -> None:

    case = _case(dt.date(2017, 3, 1), dt.date(2017, 4, 12), "note")
    texts = ["Assistant PA", "Pre-operative EKG"]
    requests = [parse_request(t) for t in texts]
    assert not any(is_surgery(r) for r in requests)
    items = [DisputedItem(id=str(i), text=t) for i, t in enumerate(texts)]
    assert (
        surgery_not_in_dispute(case.model_copy(update={"disputed_items": items}), requests)
        is not None
    )
    for text in (
        "Right shoulder arthroscopy with rotator cuff repair",
        "Right carpal tunnel release with an assistant",
    ):
        assert is_surgery(parse_request(text)), text
