"""Every endpoint through HTTP, by the roles allowed to use it."""

from __future__ import annotations

import datetime as dt

from api_testkit import ADMIN, INTAKE, REV1, REV2, case_body, stand_in_reviewer
from store_testkit import make_case, make_determination


def _to_records_complete(client, number: str = "CM15-0012345") -> None:  # type: ignore[no-untyped-def]
    assert client.post("/cases", json=case_body(number), headers=INTAKE).status_code == 201
    assert client.post(f"/cases/{number}/screen", headers=INTAKE).json()["eligible"] is True
    assigned = client.post(f"/cases/{number}/assign", json={"on": "2015-01-12"}, headers=INTAKE)
    assert assigned.json()["assigned_reviewer"] == "R-1"
    assert assigned.json()["records_due"] == "2015-01-27"
    done = client.post(
        f"/cases/{number}/records-complete", json={"on": "2015-01-20"}, headers=INTAKE
    )
    assert done.status_code == 200 and done.json()["decision_due"] == "2015-02-19"


def test_health_is_open_and_the_schema_needs_a_key(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/health").json()["status"] == "ok"
    for headers in ({}, {"X-API-Key": "not-a-key"}):
        refused = client.get("/openapi.json", headers=headers)
        assert refused.status_code == 401 and "API key" in refused.json()["error"]
    for headers in (INTAKE, REV1, ADMIN):  # any role may read it
        schema = client.get("/openapi.json", headers=headers).json()
        assert {"/cases", "/cases/{number}/sign", "/cases/{number}/letter"} <= set(schema["paths"])
        assert "APIKeyHeader" in schema["components"]["securitySchemes"]
        assert "/openapi.json" not in schema["paths"]


def test_interactive_docs_are_off(client) -> None:  # type: ignore[no-untyped-def]
    # their assets come from a CDN; the README says they are off
    for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        for headers in ({}, ADMIN):
            out = client.get(path, headers=headers)
            assert out.status_code == 404
            assert out.json() == {"error": f"no such route: GET {path}"}


def test_the_whole_case_over_http(client) -> None:  # type: ignore[no-untyped-def]
    number = "CM15-0012345"
    _to_records_complete(client, number)
    decided = client.post(f"/cases/{number}/decide", headers=REV1)
    assert decided.status_code == 200 and decided.json()["status"] == "draft"
    html = client.get(f"/cases/{number}/letter", params={"format": "html"}, headers=REV1)
    assert html.headers["content-type"].startswith("text/html") and "DRAFT" in html.text
    signed = client.post(f"/cases/{number}/sign", headers=REV1)
    assert signed.status_code == 200 and signed.json()["signature"]["reviewer_code"] == "R-1"
    pdf = client.get(f"/cases/{number}/letter", params={"format": "pdf"}, headers=REV1)
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert b"signed" in pdf.content
    issued = client.post(f"/cases/{number}/issue", headers=INTAKE)
    assert issued.json()["state"] == "issued"
    shown = client.get(f"/cases/{number}", headers=ADMIN).json()
    assert [e["to_state"] for e in shown["events"]][-3:] == ["drafted", "signed", "issued"]
    assert client.get(f"/cases/{number}/determination", headers=INTAKE).json()["status"] == "signed"
    audit = client.get(f"/cases/{number}/audit", headers=ADMIN).json()
    actors = {(e["actor"], e["action"]) for e in audit}
    assert ("reviewer:R-1", "sign") in actors and ("reviewer:R-1", "view_case") in actors
    assert ("reviewer:R-1", "view_letter_pdf") in actors
    assert client.get("/audit/verify", headers=ADMIN).json()["ok"] is True


def test_list_shows_deadlines_and_reviewers_see_only_theirs(client) -> None:  # type: ignore[no-untyped-def]
    _to_records_complete(client, "CM15-0000001")
    client.post("/cases", json=case_body("CM15-0000002"), headers=INTAKE)
    client.post("/cases/CM15-0000002/screen", headers=INTAKE)
    client.post("/cases/CM15-0000002/assign", json={"reviewer": "R-2"}, headers=ADMIN)
    everything = client.get("/cases", headers=INTAKE).json()
    assert [c["case_number"] for c in everything] == ["CM15-0000001", "CM15-0000002"]
    assert everything[0]["decision_due"] == "2015-02-19"
    assert everything[1]["records_due"] == (dt.date.today() + dt.timedelta(days=15)).isoformat()
    assert [c["case_number"] for c in client.get("/cases", headers=REV1).json()] == ["CM15-0000001"]
    assigned = client.get("/cases", params={"state": "assigned"}, headers=INTAKE).json()
    assert [c["case_number"] for c in assigned] == ["CM15-0000002"]
    assert len(client.get("/cases", params={"limit": 1}, headers=INTAKE).json()) == 1
    assert client.get("/cases", params={"state": "done"}, headers=INTAKE).status_code == 422
    assert client.get("/cases", params={"limit": 0}, headers=INTAKE).status_code == 422
    assert [c["case_number"] for c in client.get("/cases", headers=REV2).json()] == ["CM15-0000002"]


def test_screening_finds_ineligible_cases_with_their_reason(client) -> None:  # type: ignore[no-untyped-def]
    client.post("/cases", json=case_body(application_signed=False), headers=INTAKE)
    out = client.post("/cases/CM15-0012345/screen", headers=INTAKE).json()
    assert out["eligible"] is False and out["reason"] == "unsigned"
    assert out["case"]["state"] == "ineligible"
    client.post("/cases", json=case_body("CM15-0000009"), headers=INTAKE)
    dup = client.post("/cases/CM15-0000009/ineligible", json={"reason": "duplicate"}, headers=ADMIN)
    assert dup.json()["ineligible_reason"] == "duplicate"


def test_withdrawal_when_the_claims_administrator_authorizes(client) -> None:  # type: ignore[no-untyped-def]
    _to_records_complete(client)
    out = client.post(
        "/cases/CM15-0012345/withdraw",
        json={"reason": "claims administrator authorized the treatment"},
        headers=INTAKE,
    )
    assert out.json()["state"] == "withdrawn" and out.json()["decision_due"] is None
    assert client.post("/cases/CM15-0012345/decide", headers=REV1).status_code == 409


def test_upload_a_yaml_case_file(client) -> None:  # type: ignore[no-untyped-def]
    import yaml

    text = yaml.safe_dump(case_body())
    out = client.post(
        "/cases/upload", files={"file": ("case.yaml", text, "application/yaml")}, headers=INTAKE
    )
    assert out.status_code == 201 and out.json()["items"] == 1


def test_roles_are_enforced(client) -> None:  # type: ignore[no-untyped-def]
    _to_records_complete(client)
    number = "CM15-0012345"
    refused = [
        ("post", "/cases", REV1, {"json": case_body("CM15-0000003")}),
        ("post", f"/cases/{number}/screen", REV1, {}),
        ("post", f"/cases/{number}/assign", REV1, {"json": {"reviewer": "R-1"}}),
        ("post", f"/cases/{number}/records-complete", REV1, {}),
        ("post", f"/cases/{number}/decide", INTAKE, {}),
        ("post", f"/cases/{number}/sign", INTAKE, {}),
        ("post", f"/cases/{number}/sign", ADMIN, {}),
        ("post", f"/cases/{number}/issue", REV1, {}),
        ("post", f"/cases/{number}/withdraw", REV1, {"json": {"reason": "x"}}),
        ("get", f"/cases/{number}/audit", INTAKE, {}),
        ("get", "/audit/verify", REV1, {}),
    ]
    for method, path, headers, extra in refused:
        response = getattr(client, method)(path, headers=headers, **extra)
        assert response.status_code == 403, (method, path, response.text)
        assert "may not do this" in response.json()["error"]
    assert client.post(f"/cases/{number}/decide", headers=ADMIN).status_code == 200


def test_a_reviewer_cannot_reach_another_reviewers_case(client) -> None:  # type: ignore[no-untyped-def]
    _to_records_complete(client)
    number = "CM15-0012345"
    client.post(f"/cases/{number}/decide", headers=REV1)
    for method, path in [
        ("get", f"/cases/{number}"),
        ("post", f"/cases/{number}/decide"),
        ("post", f"/cases/{number}/sign"),
        ("get", f"/cases/{number}/letter"),
        ("get", f"/cases/{number}/determination"),
    ]:
        response = getattr(client, method)(path, headers=REV2)
        assert response.status_code == 404, (path, response.text)
        assert "not in the store" in response.json()["error"]
    assert client.get(f"/cases/{number}", headers=ADMIN).json()["summary"]["state"] == "drafted"
    denied = [
        e
        for e in client.get(f"/cases/{number}/audit", headers=ADMIN).json()
        if e["action"] == "access_denied"
    ]
    assert len(denied) == 5 and {e["actor"] for e in denied} == {"reviewer:R-2"}


def test_missing_pipeline_stage_is_503_not_500(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from openimr.api.app import create_app
    from openimr.api.services import Services, StageUnavailable
    from openimr.errors import KnowledgeBaseError

    def missing(*_args):  # type: ignore[no-untyped-def]
        raise StageUnavailable("the decision engine is not available (openimr.engine)")

    def broken_kb(*_args):  # type: ignore[no-untyped-def]
        raise KnowledgeBaseError("mtus/massage.yaml: row MASSAGE-1: pages missing")

    app = create_app(
        f"sqlite:///{tmp_path / 'x.db'}",
        api_keys={"admin-key-00001": "admin"},
        services=Services(decide=missing, render=broken_kb),
    )
    with TestClient(app) as client:
        client.post("/cases", json=case_body(), headers=ADMIN)
        out = client.post("/cases/CM15-0012345/decide", headers=ADMIN)
        assert out.status_code == 503 and "not available" in out.json()["error"]
        app.state.store.save_determination(make_determination(make_case()), "test")
        letter = client.get("/cases/CM15-0012345/letter", headers=ADMIN)
        assert letter.status_code == 503 and "MASSAGE-1" in letter.json()["error"]
    app.state.store.close()


def test_a_hand_assignment_keeps_the_panel_credentials(client, app) -> None:  # type: ignore[no-untyped-def]
    client.post("/cases", json=case_body(), headers=INTAKE)
    client.post("/cases/CM15-0012345/screen", headers=INTAKE)
    out = client.post("/cases/CM15-0012345/assign", json={"reviewer": "R-2"}, headers=ADMIN)
    assert out.status_code == 200 and out.json()["assigned_reviewer"] == "R-2"
    assert app.state.store.reviewer("R-2") == stand_in_reviewer("R-2")


def test_assignment_refuses_unknown_and_excluded_reviewers_with_reasons(client, app) -> None:  # type: ignore[no-untyped-def]
    client.post("/cases", json=case_body(), headers=INTAKE)
    client.post("/cases/CM15-0012345/screen", headers=INTAKE)
    unknown = client.post(
        "/cases/CM15-0012345/assign", json={"reviewer": "NOT-ON-PANEL"}, headers=ADMIN
    )
    assert unknown.status_code == 404
    assert unknown.json() == {"error": "reviewer NOT-ON-PANEL: not on the panel (the sample panel)"}
    excluded = client.post("/cases/CM15-0012345/assign", json={"reviewer": "R-9"}, headers=INTAKE)
    assert excluded.status_code == 409
    error = excluded.json()["error"]
    assert error.startswith("reviewer R-9 cannot review case CM15-0012345: ")
    assert "years" in error and "\n" not in error
    assert app.state.store.reviewer("NOT-ON-PANEL") is None
    summary = client.get("/cases/CM15-0012345", headers=ADMIN).json()["summary"]
    assert (summary["state"], summary["assigned_reviewer"]) == ("eligible", None)


def test_screening_reasons_use_the_lifecycle_codes(client) -> None:  # type: ignore[no-untyped-def]
    body = case_body(application_received="2015-06-30")  # months after the UR decision
    body["ur_decision"]["conditional_non_certification"] = True
    client.post("/cases", json=body, headers=INTAKE)
    out = client.post("/cases/CM15-0012345/screen", headers=INTAKE).json()
    assert out["reasons"] == ["late", "conditional_non_certification"]
    assert out["case"]["ineligible_reason"] == "late" and len(out["messages"]) == 2


def test_a_second_copy_of_an_application_is_a_duplicate(client) -> None:  # type: ignore[no-untyped-def]
    first = case_body("CM15-0000001")
    copy = case_body(
        "CM15-0000002", application_received="2015-01-14", ur_decision=first["ur_decision"]
    )
    other_ur_date = case_body("CM15-0000003")
    assert other_ur_date["ur_decision"]["date"] != first["ur_decision"]["date"]
    for body in (first, copy, other_ur_date):
        assert client.post("/cases", json=body, headers=INTAKE).status_code == 201
    assert client.post("/cases/CM15-0000001/screen", headers=INTAKE).json()["eligible"] is True
    dup = client.post("/cases/CM15-0000002/screen", headers=INTAKE).json()
    assert dup["reason"] == "duplicate" and "CM15-0000001" in dup["messages"][0]
    assert client.post("/cases/CM15-0000003/screen", headers=INTAKE).json()["eligible"] is True
