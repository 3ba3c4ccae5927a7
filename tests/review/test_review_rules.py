"""The review rules on a real draft (the seed's massage case): overrides with and without a reason,
a self-contradicting letter refused, an outcome edited outside the service refused, the signature
dating the decision, and the conclusion a rationale states."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from openimr.domain import Determination
from openimr.domain.reviewer import ReviewerCredentials
from openimr.errors import InputError, NotFoundError, StateError
from openimr.intake import load_case
from openimr.letters.render import render_letter
from openimr.review.conclusion import stated_outcome
from openimr.review.determination import (
    ATTESTATION,
    draft,
    edit_summary,
    override_item,
    sign_determination,
    signing_problems,
)

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "cases" / "massage-right-wrist.yaml"
AT = dt.datetime(2015, 2, 3, 17, 30, tzinfo=dt.UTC)
OVERTURNING = (
    "The records document a first course of massage with a home exercise program, and the "
    "guideline supports a limited course as an adjunct. The request is medically necessary."
)


@pytest.fixture(scope="module")
def det() -> Determination:
    found = draft(load_case(SEED))
    assert [i.outcome for i in found.items] == ["Upheld"]
    assert found.reviewer is not None
    return found


def _code(det: Determination) -> str:
    assert det.reviewer is not None
    return det.reviewer.code


def test_an_engine_draft_signs_and_its_date_is_the_signature_date(det: Determination) -> None:
    assert signing_problems(det) == []
    signed = sign_determination(det, _code(det), when=AT)
    assert signed.decision_date == AT.date() != det.decision_date
    assert signed.signature is not None and signed.signature.attestation == ATTESTATION
    text = " ".join(str(render_letter(signed, "text")).split())
    assert "Decision Date: 02/03/2015" in text and "on 02/03/2015 at 17:30 UTC" in text


def test_an_outcome_change_needs_a_reason(det: Determination) -> None:
    with pytest.raises(InputError, match="^reason: required to change the outcome of item 1$"):
        override_item(det, 1, _code(det), outcome="Overturned", at=AT)
    with pytest.raises(InputError, match="reason: required"):
        override_item(det, 1, _code(det), outcome="Overturned", reason="   ", at=AT)


def test_an_override_keeps_the_draft_beside_the_change(det: Determination) -> None:
    changed, changes = override_item(
        det, "1", _code(det), outcome="Overturned", reason="first course, documented", at=AT
    )
    assert det.items[0].outcome == "Upheld"  # the input is not changed
    assert changed.items[0].outcome == "Overturned"
    (change,) = changes
    assert change.model_dump() == {
        "field": "outcome",
        "item": 1,
        "item_id": det.items[0].item_id,
        "draft_value": "Upheld",
        "new_value": "Overturned",
        "reviewer_code": _code(det),
        "at": AT,
        "reason": "first course, documented",
    }
    assert changed.overrides == [change]
    assert "overrides" in changed.model_dump(mode="json")
    assert "overrides" not in det.model_dump(mode="json")  # an unedited draft reads as before


def test_an_overturn_under_the_drafts_rationale_is_refused(det: Determination) -> None:
    changed, _ = override_item(det, 1, _code(det), outcome="Overturned", reason="why", at=AT)
    expected = (
        "item 1: outcome changed to Overturned but the rationale still says it is not medically "
        "necessary; edit the rationale"
    )
    assert signing_problems(changed) == [expected]
    with pytest.raises(StateError) as refused:
        sign_determination(changed, _code(det), when=AT)
    assert str(refused.value) == f"case {det.case_number}: not signed: {expected}"


def test_an_edited_rationale_that_still_concludes_against_is_refused(det: Determination) -> None:
    changed, _ = override_item(
        det,
        1,
        _code(det),
        outcome="Overturned",
        reason="why",
        rationale="I reviewed the records. The request is not medically necessary.",
        at=AT,
    )
    (problem,) = signing_problems(changed)
    assert problem.startswith("item 1: outcome changed to Overturned but the rationale still says")


def test_a_consistent_override_signs_and_the_letter_prints_the_physicians_text(
    det: Determination,
) -> None:
    changed, changes = override_item(
        det,
        1,
        _code(det),
        outcome="Overturned",
        reason="first course, documented",
        rationale=OVERTURNING,
        at=AT,
    )
    assert [c.field for c in changes] == ["outcome", "rationale"]
    assert changes[1].draft_value == det.items[0].rationale
    changed, summary_change = edit_summary(changed, "A worker with right wrist pain.", _code(det))
    assert summary_change.draft_value == det.clinical_case_summary
    signed = sign_determination(changed, _code(det), when=AT)
    text = " ".join(str(render_letter(signed, "text")).split())
    assert ": Overturned" in text and OVERTURNING in text
    assert "A worker with right wrist pain." in text and det.items[0].rationale not in text


def test_a_rationale_edit_that_contradicts_an_unchanged_outcome_is_refused(
    det: Determination,
) -> None:
    changed, _ = override_item(det, 1, _code(det), rationale=OVERTURNING, at=AT)
    (problem,) = signing_problems(changed)
    assert problem.startswith("item 1: outcome is Upheld but the rationale says it is medically")


def test_an_overturn_without_a_conclusion_still_needs_a_rationale_edit(
    det: Determination,
) -> None:
    quiet = det.model_copy(
        update={"items": [det.items[0].model_copy(update={"rationale": "See the records."})]}
    )
    changed, _ = override_item(quiet, 1, _code(det), outcome="Overturned", reason="why", at=AT)
    (problem,) = signing_problems(changed)
    assert "the rationale is the draft's, written for Upheld; edit the rationale" in problem


def test_an_outcome_edited_outside_the_service_is_refused(det: Determination) -> None:
    edited = det.model_copy(
        update={
            "items": [
                det.items[0].model_copy(update={"outcome": "Overturned", "rationale": OVERTURNING})
            ]
        }
    )
    (problem,) = signing_problems(edited)
    assert problem.startswith(
        "item 1: outcome is Overturned but the draft's criteria give Upheld and no override"
    )
    with pytest.raises(StateError, match="no override records the change"):
        sign_determination(edited, _code(det), when=AT)


def test_an_override_record_that_was_edited_is_refused(det: Determination) -> None:
    changed, _ = override_item(
        det, 1, _code(det), outcome="Overturned", reason="why", rationale=OVERTURNING, at=AT
    )
    forged = changed.model_copy(
        update={"overrides": [changed.overrides[0].model_copy(update={"new_value": "Upheld"})]}
    )
    assert "no override records the change" in signing_problems(forged)[0]


def test_only_the_assigned_reviewer_signs_and_with_their_own_credentials(
    det: Determination,
) -> None:
    with pytest.raises(StateError, match="only the assigned reviewer may sign"):
        sign_determination(det, "R999", when=AT)
    other = ReviewerCredentials(code="R777", licensure=["Oregon"], specialty="Family Practice")
    with pytest.raises(StateError, match="credentials of R777 given for signer"):
        sign_determination(det, _code(det), when=AT, signer=other)
    mine = ReviewerCredentials(code=_code(det), licensure=["Oregon"], specialty="Family Practice")
    signed = sign_determination(det, _code(det), when=AT, signer=mine)
    assert signed.reviewer == mine
    with pytest.raises(StateError, match="already signed"):
        sign_determination(signed, _code(det), when=AT)
    with pytest.raises(StateError, match="is signed; it cannot change"):
        override_item(signed, 1, _code(det), rationale="x", at=AT)


def test_items_are_named_by_number_or_id(det: Determination) -> None:
    with pytest.raises(NotFoundError, match="has no item '7' \\(items 1-1\\)"):
        override_item(det, 7, _code(det), rationale="x", at=AT)
    by_id, _ = override_item(det, det.items[0].item_id, _code(det), rationale="x", at=AT)
    assert by_id.items[0].rationale == "x"
    with pytest.raises(InputError, match="nothing changes"):
        override_item(det, 1, _code(det), outcome="Upheld", reason="same", at=AT)


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("Therefore, the request is not medically necessary.", "Upheld"),
        ("the MRI is not supported by the records as being medically necessary", "Upheld"),
        ("Medical necessity has not been established.", "Upheld"),
        ("The request is medically necessary and appropriate.", "Overturned"),
        # a negation in another clause does not reach the conclusion
        ("She did not improve with rest, and the MRI is medically necessary.", "Overturned"),
        # the last statement wins: a rationale may quote the UR decision before concluding
        ("UR found it not medically necessary. I find it medically necessary.", "Overturned"),
        ("See the records.", None),
    ],
)
def test_the_conclusion_a_rationale_states(text: str, outcome: str | None) -> None:
    stated = stated_outcome(text)
    assert (stated.outcome if stated else None) == outcome
