"""Bad and hostile input: the right status, one clear message, nothing half-written."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import yaml
from api_testkit import ADMIN, INTAKE, KEYS, REV1, case_body, stand_in_services
from fastapi.testclient import TestClient

from openimr.api.app import create_app


def _yaml_with(**raw_fields: str) -> bytes:
    """A YAML case file with some fields written unquoted, as a person would type them."""
    body = {k: v for k, v in case_body().items() if k not in raw_fields}
    lines = [f"{key}: {value}" for key, value in raw_fields.items()]
    return (yaml.safe_dump(body) + "\n".join(lines) + "\n").encode()


def _nothing_stored(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/cases", headers=ADMIN).json() == []
    assert client.get("/audit/verify", headers=ADMIN).json()["ok"] is True


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "not-a-key"}, {"X-API-Key": ""}])
def test_missing_or_wrong_key_is_401(client, headers) -> None:  # type: ignore[no-untyped-def]
    for method, path in [
        ("get", "/cases"),
        ("post", "/cases"),
        ("get", "/audit/verify"),
        ("get", "/cases/CM15-0012345/letter"),
    ]:
        response = getattr(client, method)(path, headers=headers)
        assert response.status_code == 401, path
        assert "API key" in response.json()["error"]


def test_oversized_body_is_413(client) -> None:  # type: ignore[no-untyped-def]
    body = case_body()
    body["records"][0]["text"] = "x" * 100_000
    response = client.post("/cases", json=body, headers=INTAKE)
    assert response.status_code == 413 and "limit" in response.json()["error"]
    upload = client.post(
        "/cases/upload", files={"file": ("c.json", b"{" + b" " * 100_000, "x")}, headers=INTAKE
    )
    assert upload.status_code == 413

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(40):  # no Content-Length: counted as it streams in
            yield b" " * 4096

    streamed = client.post(
        "/cases", content=chunks(), headers={**INTAKE, "Content-Type": "application/json"}
    )
    assert streamed.status_code == 413
    _nothing_stored(client)


def test_malformed_json_is_400(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/cases",
        content=b'{"case_number": "CM15-1',
        headers={**INTAKE, "Content-Type": "application/json"},
    )
    assert response.status_code == 400 and "malformed JSON" in response.json()["error"]
    _nothing_stored(client)


def test_unknown_field_is_422_naming_it(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/cases", json=case_body(favourite_colour="red"), headers=INTAKE)
    assert response.status_code == 422
    assert response.json()["error"] == "request body: favourite_colour: unknown key"
    nested = case_body()
    nested["injury"]["severity"] = "bad"
    assert (
        "injury.severity: unknown key"
        in client.post("/cases", json=nested, headers=INTAKE).json()["error"]
    )
    _nothing_stored(client)


def test_invalid_case_is_422_with_the_field(client) -> None:  # type: ignore[no-untyped-def]
    missing = case_body()
    del missing["injury"]
    out = client.post("/cases", json=missing, headers=INTAKE)
    assert (
        out.status_code == 422
        and out.json()["error"] == "request body: injury: required field is missing"
    )
    backwards = case_body(application_received="2014-01-01")
    out = client.post("/cases", json=backwards, headers=INTAKE)
    assert out.status_code == 422 and "before ur_decision.date" in out.json()["error"]
    assert client.post("/cases", json=[1, 2], headers=INTAKE).status_code == 422
    _nothing_stored(client)


def test_bad_uploads(client) -> None:  # type: ignore[no-untyped-def]
    cases = [
        (("c.yaml", b"a: [unclosed", "application/yaml"), 400, "malformed YAML"),
        (("c.json", b"{nope", "application/json"), 400, "malformed JSON"),
        (("c.yaml", b"\xff\xfe\x00binary", "application/octet-stream"), 400, "not UTF-8"),
        (
            ("c.json", json.dumps(case_body(extra=1)).encode(), "application/json"),
            422,
            "c.json: extra: unknown key",
        ),
        (("c.yaml", b"", "application/yaml"), 422, "empty"),
        # the CLI's reader: an impossible YAML date is the field's 422, not a 500
        (("c.yaml", _yaml_with(decision_date="2018-02-30"), "application/yaml"), 422, "not a real"),
    ]
    for file, status, message in cases:
        out = client.post("/cases/upload", files={"file": file}, headers=INTAKE)
        assert out.status_code == status, (file[0], out.text)
        assert message in out.json()["error"]
    assert client.post("/cases/upload", headers=INTAKE).status_code == 422  # no file part
    _nothing_stored(client)


def _one_line_error(response) -> str:  # type: ignore[no-untyped-def]
    """The body is exactly {"error": "<one line>"}; returns the line."""
    body = response.json()
    assert set(body) == {"error"} and isinstance(body["error"], str), body
    assert body["error"] and "\n" not in body["error"], body
    return body["error"]


def test_framework_refusals_are_error_bodies_too(client) -> None:  # type: ignore[no-untyped-def]
    unknown = client.get("/no/such/route", headers=ADMIN)
    assert unknown.status_code == 404
    assert _one_line_error(unknown) == "no such route: GET /no/such/route"
    assert _one_line_error(client.get("/no/such/route")).startswith("no such route")  # no key
    wrong_method = client.delete("/cases", headers=ADMIN)
    assert wrong_method.status_code == 405 and wrong_method.headers["allow"] == "GET, POST"
    assert _one_line_error(wrong_method) == "method not allowed: DELETE /cases (allowed: GET, POST)"
    assert client.put("/cases/CM15-0012345/sign", headers=REV1).status_code == 405
    not_utf8 = client.post(
        "/cases",
        content=b'{"case_number": "CM15-\xff"}',
        headers={**INTAKE, "Content-Type": "application/json"},
    )
    assert not_utf8.status_code == 400
    assert _one_line_error(not_utf8).startswith(
        "request body: not UTF-8 (byte 0xff at byte offset 22)"
    )
    not_json = client.post(
        "/cases", content=b"{}", headers={**INTAKE, "Content-Type": "text/plain"}
    )
    assert not_json.status_code == 400 and "not JSON" in _one_line_error(not_json)
    deep = client.post(
        "/cases",
        content=b"[" * 100_000 + b"]" * 100_000,
        headers={**ADMIN, "Content-Type": "application/json"},
    )
    assert deep.status_code == 413  # the body limit comes first
    deep = client.post(
        "/cases",
        content=b"[" * 30_000 + b"]" * 30_000,
        headers={**ADMIN, "Content-Type": "application/json"},
    )
    assert deep.status_code == 400 and _one_line_error(deep).startswith(
        "request body: nested more than 32 levels deep"
    )
    bad_query = client.get("/cases", params={"limit": "many"}, headers=ADMIN)
    assert bad_query.status_code == 422
    assert _one_line_error(bad_query).startswith("query.limit: Input should be a valid integer")
    bad_state = client.get("/cases", params={"state": "lost"}, headers=ADMIN)
    assert bad_state.status_code == 422 and _one_line_error(bad_state).startswith("query.state:")
    no_boundary = client.post(
        "/cases/upload", content=b"x", headers={**INTAKE, "Content-Type": "multipart/form-data"}
    )
    assert no_boundary.status_code == 400 and "boundary" in _one_line_error(no_boundary)
    _nothing_stored(client)


def test_uploads_that_break_the_parser_are_refused(client) -> None:  # type: ignore[no-untyped-def]
    impossible = case_body()
    text = json.dumps(impossible).replace('"2015-01-10"', "2015-02-30")  # unquoted, as YAML
    out = client.post(
        "/cases/upload", files={"file": ("c.yaml", text.encode(), "x")}, headers=INTAKE
    )
    # the CLI's reader: YAML dates are checked as the fields they are, as in JSON (422)
    assert out.status_code == 422 and "not a real date" in _one_line_error(out)
    deep = b"a: " + b"[" * 5000 + b"]" * 5000
    out = client.post("/cases/upload", files={"file": ("c.yaml", deep, "x")}, headers=INTAKE)
    assert out.status_code == 400 and "nest" in _one_line_error(out)
    out = client.post(
        "/cases/upload", files={"file": ("c.JSON", b"[" * 30_000, "x")}, headers=INTAKE
    )
    assert out.status_code == 400 and "c.JSON" in _one_line_error(out)
    _nothing_stored(client)


def test_body_dates_are_checked_against_the_case(client) -> None:  # type: ignore[no-untyped-def]
    number = "CM15-0012345"  # application received 2015-01-10
    client.post("/cases", json=case_body(), headers=INTAKE)
    client.post(f"/cases/{number}/screen", headers=INTAKE)
    far = "2999-01-01"  # over a year after any today this code will see; no clock read
    refusals = [
        (
            "assign",
            {"reviewer": "R-1", "on": "1999-01-01"},
            "before the case's application_received",
        ),
        ("assign", {"reviewer": "R-1", "on": "2015-01-09"}, "(2015-01-10)"),
        ("assign", {"on": "2015-01-09"}, "application_received"),  # the panel's pick, same check
        ("assign", {"reviewer": "R-1", "on": far}, "more than 365 days after today"),
    ]
    for route, body, message in refusals:
        out = client.post(f"/cases/{number}/{route}", json=body, headers=INTAKE)
        assert out.status_code == 422, (body, out.text)
        error = _one_line_error(out)
        assert error.startswith(f"case {number}: on: {body['on']} is ") and message in error
    assert client.get(f"/cases/{number}", headers=ADMIN).json()["summary"]["state"] == "eligible"
    assigned = client.post(
        f"/cases/{number}/assign", json={"reviewer": "R-1", "on": "2015-01-10"}, headers=INTAKE
    )
    assert assigned.status_code == 200 and assigned.json()["assigned_on"] == "2015-01-10"
    for on, message in [
        ("1999-01-01", "before the case's assigned_on (2015-01-10)"),
        ("2015-01-09", "before the case's assigned_on (2015-01-10)"),
        (far, "more than 365 days after today"),
    ]:
        out = client.post(f"/cases/{number}/records-complete", json={"on": on}, headers=INTAKE)
        assert out.status_code == 422 and message in _one_line_error(out), out.text
    summary = client.get(f"/cases/{number}", headers=ADMIN).json()["summary"]
    assert summary["state"] == "assigned" and summary["records_complete_on"] is None
    done = client.post(
        f"/cases/{number}/records-complete", json={"on": "2015-01-10"}, headers=INTAKE
    )
    assert done.status_code == 200 and done.json()["decision_due"] == "2015-02-09"
    assert client.get("/audit/verify", headers=ADMIN).json()["ok"] is True


def test_conflicts_and_unknown_cases(client) -> None:  # type: ignore[no-untyped-def]
    assert client.post("/cases", json=case_body(), headers=INTAKE).status_code == 201
    dup = client.post("/cases", json=case_body(), headers=INTAKE)
    assert dup.status_code == 409 and "already in the store" in dup.json()["error"]
    early = client.post("/cases/CM15-0012345/issue", headers=INTAKE)
    assert early.status_code == 409
    assert "cannot move from application_received to issued" in early.json()["error"]
    assert client.get("/cases/CM15-0099999", headers=ADMIN).status_code == 404
    assert client.get("/cases/CM15-0012345/determination", headers=ADMIN).status_code == 404
    assert client.post("/cases/CM15-0012345/sign", headers=REV1).status_code == 404
    assert client.get("/cases/CM15-0012345", headers=ADMIN).json()["summary"]["state"] == (
        "application_received"
    )


def test_bad_bodies_on_lifecycle_routes(client) -> None:  # type: ignore[no-untyped-def]
    client.post("/cases", json=case_body(), headers=INTAKE)
    number = "CM15-0012345"
    assert client.post(f"/cases/{number}/withdraw", json={}, headers=INTAKE).status_code == 422
    assert (
        client.post(f"/cases/{number}/withdraw", json={"reason": ""}, headers=INTAKE).status_code
        == 422
    )
    bad_reason = client.post(
        f"/cases/{number}/ineligible", json={"reason": "bored"}, headers=INTAKE
    )
    assert bad_reason.status_code == 422 and bad_reason.json()["error"].startswith("reason:")
    assert (
        client.post(
            f"/cases/{number}/assign", json={"reviewer": "R-1", "x": 1}, headers=ADMIN
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"/cases/{number}/records-complete", json={"on": "yesterday"}, headers=ADMIN
        ).status_code
        == 422
    )
    assert (
        client.get(f"/cases/{number}/letter", params={"format": "docx"}, headers=ADMIN).status_code
        == 422
    )
    shown = client.get(f"/cases/{number}", headers=ADMIN).json()
    assert [e["to_state"] for e in shown["events"]] == ["application_received"]


def test_key_configuration_from_file_and_env(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from openimr.api.auth import hash_key, resolve_keys
    from openimr.errors import InputError

    keyfile = tmp_path / "keys.yaml"
    keyfile.write_text(
        "keys:\n"
        f"  - {{name: desk, role: intake, key_sha256: {hash_key('desk-secret-1')}}}\n"
        "  - {name: dr, role: reviewer, reviewer: R-5, key: dr-secret-22}\n"
    )
    monkeypatch.setenv("OPENIMR_API_KEYS_FILE", str(keyfile))
    ring = resolve_keys(None)
    assert ring.lookup("desk-secret-1").actor == "intake:desk"
    assert ring.lookup("dr-secret-22").reviewer == "R-5"
    assert ring.lookup("desk-secret-2") is None
    monkeypatch.delenv("OPENIMR_API_KEYS_FILE")
    monkeypatch.setenv("OPENIMR_API_KEYS", "admin=admin-secret-1,reviewer:R-3=rev-secret-3")
    assert resolve_keys(None).lookup("rev-secret-3").actor == "reviewer:R-3"
    monkeypatch.setenv("OPENIMR_API_KEYS", "reviewer=rev-secret-3")
    with pytest.raises(InputError, match="needs the reviewer code"):
        resolve_keys(None)
    monkeypatch.setenv("OPENIMR_API_KEYS", "")
    with pytest.raises(InputError, match="no API keys configured"):
        resolve_keys(None)
    keyfile.write_text("keys:\n  - {role: boss, key: whatever-123}\n")
    with pytest.raises(InputError, match=r"keys\[0\]: role"):
        from openimr.api.auth import load_key_file

        load_key_file(keyfile)


def test_a_bug_answers_one_line_and_goes_to_the_log(tmp_path, caplog) -> None:  # type: ignore[no-untyped-def]
    def broken_screen(case, earlier):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("a bug in a stage")

    services = replace(stand_in_services(), screen=broken_screen)
    app = create_app(f"sqlite:///{tmp_path / 'bug.db'}", api_keys=KEYS, services=services)
    with TestClient(app, raise_server_exceptions=False) as client:
        client.post("/cases", json=case_body(), headers=INTAKE)
        with caplog.at_level("ERROR", logger="openimr.api"):
            out = client.post("/cases/CM15-0012345/screen", headers=INTAKE)
        assert out.status_code == 500 and out.json() == {"error": "internal error"}
        assert "a bug in a stage" not in out.text  # the client learns nothing of the internals
        logged = [r for r in caplog.records if r.name == "openimr.api"]
        assert "POST /cases/CM15-0012345/screen" in logged[0].getMessage()
        assert logged[0].exc_info[0] is ZeroDivisionError
        shown = client.get("/cases/CM15-0012345", headers=ADMIN).json()
        assert shown["summary"]["state"] == "application_received"  # nothing half-done
    app.state.store.close()


def test_a_json_body_goes_through_the_case_file_reader(client) -> None:  # type: ignore[no-untyped-def]
    """The same reader as `openimr validate`: a repeated key and an implausible date are refused."""
    body = json.dumps(case_body())
    repeated = body[:-1] + ', "case_number": "CM15-0099999"}'
    out = client.post(
        "/cases", content=repeated, headers={**INTAKE, "Content-Type": "application/json"}
    )
    assert out.status_code == 422 and "case_number" in _one_line_error(out)
    late = json.dumps({**case_body(), "decision_date": "9999-12-31"})
    out = client.post(
        "/cases", content=late, headers={**INTAKE, "Content-Type": "application/json"}
    )
    assert out.status_code == 422
    assert "decision_date: not a plausible case date" in _one_line_error(out)
    _nothing_stored(client)
