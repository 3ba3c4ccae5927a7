"""A surgery done in the weeks before the request makes post-operative rows apply."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openimr.domain import ClinicalFacts, DisputedItem
from openimr.domain.facts import ClinicalFact
from openimr.engine.decide import decide_item
from openimr.engine.pipeline import _recent_surgery, decide_items
from openimr.guidelines import load_knowledge_base
from openimr.intake.load import load_case
from openimr.requests import parse_request

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cases" / "norco-refill-no-monitoring.yaml"


def _case(injury: dt.date, ur: dt.date, note: str):
    case = load_case(EXAMPLE)
    record = case.records[0].model_copy(update={"text": note, "date": ur - dt.timedelta(days=1)})
    return case.model_copy(update={
        "injury": case.injury.model_copy(update={"date": injury}),
        "ur_decision": case.ur_decision.model_copy(update={"date": ur}),
        "records": [record],
    })


def _surgery(date: str | None = None, historical: bool = False) -> ClinicalFacts:
    attrs = {"date": date} if date else {}
    return ClinicalFacts(facts=[ClinicalFact(kind="surgery", attributes=attrs, historical=historical)])


def test_surgery_in_the_four_weeks_before_the_request_is_recent() -> None:
    case = _case(dt.date(2017, 3, 1), dt.date(2017, 4, 12), "note")
    assert _recent_surgery(case, _surgery("2017-04-01")) is not None
    assert _recent_surgery(case, _surgery("2017-03-10")) is None  # 33 days before the request
    assert _recent_surgery(case, _surgery("2017-04-01", historical=True)) is None
    assert _recent_surgery(case, _surgery("2016-12-01")) is None  # before this injury
    # undated: recent only when the injury itself is within the window
    assert _recent_surgery(case, _surgery()) is None
    fresh = _case(dt.date(2017, 4, 1), dt.date(2017, 4, 12), "note")
    assert _recent_surgery(fresh, _surgery()) is not None


def test_opioid_after_a_recent_operation_is_judged_as_post_operative_pain() -> None:
    note = (
        "She fractured the right distal radius on 03/20/2017. On 04/05/2017 the provider performed a closed "
        "reduction and percutaneous pinning of the right distal radius fracture. Pain 7/10 after surgery."
    )
    case = _case(dt.date(2017, 3, 20), dt.date(2017, 4, 12), note)
    item = case.disputed_items[0]
    det = decide_items(case.model_copy(update={"disputed_items": [item], "review_date": dt.date(2017, 5, 1)}))[0]
    assert det.citations[0].recommendation_id.endswith(".postoperative")
    later = _case(dt.date(2017, 1, 2), dt.date(2017, 4, 12), note.replace("04/05/2017", "01/05/2017"))
    det = decide_items(later.model_copy(update={"disputed_items": [item], "review_date": dt.date(2017, 5, 1)}))[0]
    assert not det.citations[0].recommendation_id.endswith(".postoperative")


def test_partly_certified_drug_supply_needs_its_effect_documented() -> None:
    text = (
        "Norco 10/325mg #60 was the original request. Norco 10/325mg #25 was authorized by the Claims "
        "Administrator. The remaining IMR eligible portion of the original request, Norco 10/325mg #35 is"
    )
    request = parse_request(text)
    assert request.partial_authorization is not None
    kb = load_knowledge_base()
    det = decide_item(DisputedItem(id="1", text=text), request, ClinicalFacts(), None, kb)
    trial = [c for c in det.criteria if c.criterion_id == "partial_authorization.medication_response"]
    assert trial and trial[0].status == "not_documented"
    relief = ClinicalFacts(facts=[ClinicalFact(kind="pain_relief")])
    det = decide_item(DisputedItem(id="1", text=text), request, relief, None, kb)
    trial = [c for c in det.criteria if c.criterion_id == "partial_authorization.medication_response"]
    assert trial[0].status == "met"
