"""The physician's review over HTTP: override and summary routes, who may use them, signing refused
while the letter contradicts itself, and every refusal one line of `{"error": ...}`."""

from __future__ import annotations

import pytest
from api_testkit import ADMIN, INTAKE, REV1, REV2, case_body

NUMBER = "CM15-0012345"
OVERRIDE = f"/cases/{NUMBER}/items/1/override"
RATIONALE = "The records document a first course. The request is medically necessary."


def _one_line(response) -> str:  # type: ignore[no-untyped-def]
    body = response.json()
    assert set(body) == {"error"} and "\n" not in body["error"], body
    return body["error"]


@pytest.fixture
def drafted(client):  # type: ignore[no-untyped-def]
    assert client.post("/cases", json=case_body(NUMBER), headers=INTAKE).status_code == 201
    client.post(f"/cases/{NUMBER}/screen", headers=INTAKE)
    client.post(f"/cases/{NUMBER}/assign", json={"reviewer": "R-1"}, headers=INTAKE)
    client.post(f"/cases/{NUMBER}/records-complete", headers=INTAKE)
    assert client.post(f"/cases/{NUMBER}/decide", headers=REV1).status_code == 200
    return client


def test_an_override_then_a_rationale_then_the_signature(drafted) -> None:  # type: ignore[no-untyped-def]
    client = drafted
    changed = client.post(
        OVERRIDE, json={"outcome": "Overturned", "reason": "first course"}, headers=REV1
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["change"]["draft_value"] == "Upheld" and body["change"]["reviewer_code"] == "R-1"
    assert body["determination"]["items"][0]["outcome"] == "Overturned"
    assert body["problems"] == [
        "item 1: outcome changed to Overturned but the rationale is the draft's, written for "
        "Upheld; edit the rationale"
    ]
    refused = client.post(f"/cases/{NUMBER}/sign", headers=REV1)
    assert refused.status_code == 409
    assert _one_line(refused).endswith("written for Upheld; edit the rationale")
    view = client.get(f"/cases/{NUMBER}/review", headers=REV1).json()
    assert view["problems"] == body["problems"] and view["deadline"]["due_kind"] == "decision"
    fixed = client.post(OVERRIDE, json={"rationale": RATIONALE}, headers=REV1)
    assert fixed.status_code == 200 and fixed.json()["problems"] == []
    summary = client.post(
        f"/cases/{NUMBER}/summary", json={"text": "A clerk with right wrist pain."}, headers=REV1
    )
    assert summary.json()["change"]["field"] == "clinical_case_summary"
    signed = client.post(f"/cases/{NUMBER}/sign", headers=REV1).json()
    assert signed["status"] == "signed" and signed["items"][0]["rationale"] == RATIONALE
    assert signed["decision_date"] == signed["signature"]["signed_at"][:10]
    assert signed["reviewer"] == {
        "code": "R-1",
        "licensure": ["California"],
        "specialty": "Physical Medicine & Rehabilitation",
    }
    audit = client.get(f"/cases/{NUMBER}/audit", headers=ADMIN).json()
    changes = [
        (e["action"], e["detail"]["field"]) for e in audit if e["action"] in ("override", "edit")
    ]
    assert changes == [
        ("override", "outcome"),
        ("edit", "rationale"),
        ("edit", "clinical_case_summary"),
    ]


def test_an_outcome_change_without_a_reason_is_refused(drafted) -> None:  # type: ignore[no-untyped-def]
    out = drafted.post(OVERRIDE, json={"outcome": "Overturned"}, headers=REV1)
    assert out.status_code == 422
    assert _one_line(out) == "reason: required to change the outcome of item 1"
    unknown = drafted.post(
        f"/cases/{NUMBER}/items/9/override", json={"rationale": "x"}, headers=REV1
    )
    assert unknown.status_code == 404 and "has no item '9'" in _one_line(unknown)
    bad = drafted.post(OVERRIDE, json={"outcome": "Maybe", "reason": "x"}, headers=REV1)
    assert bad.status_code == 422 and _one_line(bad).startswith("outcome:")


@pytest.mark.parametrize(
    ("headers", "status"),
    [(INTAKE, 403), (ADMIN, 403), (REV2, 404), ({}, 401)],
)
def test_only_the_assigned_reviewer_changes_the_draft(drafted, headers, status) -> None:  # type: ignore[no-untyped-def]
    for path, body in (
        (OVERRIDE, {"outcome": "Overturned", "reason": "x"}),
        (f"/cases/{NUMBER}/summary", {"text": "another summary"}),
    ):
        out = drafted.post(path, json=body, headers=headers)
        assert out.status_code == status
        _one_line(out)
    det = drafted.get(f"/cases/{NUMBER}/determination", headers=ADMIN).json()
    assert det["items"][0]["outcome"] == "Upheld" and "overrides" not in det


def test_a_signed_letter_cannot_be_changed(drafted) -> None:  # type: ignore[no-untyped-def]
    assert drafted.post(f"/cases/{NUMBER}/sign", headers=REV1).status_code == 200
    out = drafted.post(OVERRIDE, json={"rationale": "late thoughts"}, headers=REV1)
    assert out.status_code == 409 and "signed" in _one_line(out)


def test_cases_list_carries_days_left_and_overdue(drafted) -> None:  # type: ignore[no-untyped-def]
    (listed,) = drafted.get("/cases", headers=INTAKE).json()
    assert isinstance(listed["days_left"], int) and listed["overdue"] is (listed["days_left"] < 0)
