"""Item decisions: the outcome follows the trace, and the rationale reports it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from openimr.domain import ClinicalFacts, DisputedItem
from openimr.engine.decide import decide_item
from openimr.engine.outcome import deciding
from openimr.engine.pipeline import decide_case
from openimr.guidelines import load_knowledge_base
from openimr.intake import load_case
from openimr.requests import parse_request


def test_partial_authorization_needs_improvement_from_the_authorized_trial() -> None:
    text = (
        "Physical therapy for the low back 8 sessions was the original request. Physical therapy for the low "
        "back 6 sessions was authorized by the Claims Administrator. The remaining IMR eligible portion of the "
        "original request, Physical therapy for the low back 2 sessions is"
    )
    request = parse_request(text)
    assert request.partial_authorization is not None
    item = DisputedItem(id="1", text=text)
    det = decide_item(item, request, ClinicalFacts(), None, load_knowledge_base())
    trial = [c for c in det.criteria if c.criterion_id == "partial_authorization.trial_response"]
    assert trial and trial[0].status == "not_documented"
    assert det.outcome == "Upheld"
    assert "already authorized" in det.rationale


def test_outcome_never_contradicts_the_trace() -> None:
    """Upheld always names a criterion the role rule makes decide, and a gap; Overturned none."""
    kb = load_knowledge_base()
    texts = (
        "Massage therapy 2 times a week for 6 weeks",
        "MRI of the lumbar spine",
        "Norco 10/325mg #60",
        "Naproxen 550mg #60",
        "Flexeril 10mg #60",
        "Custom orthotics",
        "Hot/cold therapy wrap",
    )
    for text in texts:
        det = decide_item(
            DisputedItem(id="1", text=text), parse_request(text), ClinicalFacts(), None, kb
        )
        failing = deciding(det.criteria, continuing=False)
        if det.outcome == "Upheld":
            assert failing and det.gaps, text
            assert "is not medically necessary" in det.rationale
        else:
            assert not failing, text
            assert "is medically necessary" in det.rationale


def test_every_item_of_a_case_carries_an_overturn_likelihood() -> None:
    cases = Path(__file__).resolve().parents[2] / "examples" / "cases"
    det = decide_case(load_case(cases / "pt-and-compound-cream.yaml"), today=dt.date(2026, 1, 15))
    assert len(det.items) == 2
    for item in det.items:
        assert item.overturn_likelihood is not None and 0 <= item.overturn_likelihood <= 1
    assert all("overturn_likelihood" in item for item in json.loads(det.model_dump_json())["items"])
