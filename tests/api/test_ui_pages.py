"""The workbench's pages through the app (no browser): session cookie, CSRF, roles, 404s, the
evidence highlighting. The browser tests in tests/ui drive the same pages in Chromium."""

from __future__ import annotations

import re

from api_testkit import INTAKE, REV1, case_body
from store_testkit import make_case

from openimr.api.ui import view
from openimr.api.ui.session import COOKIE, MAX_AGE_SECONDS, Session, SessionSigner
from openimr.domain import Determination
from openimr.domain.common import EvidenceSpan
from openimr.domain.determination import CriterionResult, ItemDetermination
from openimr.domain.request import TreatmentRequest

NUMBER = "CM15-0012345"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _token(page: str) -> str:
    found = TOKEN.search(page)
    assert found, "every form carries the CSRF token"
    return found.group(1)


def _sign_in(client, key: str) -> str:  # type: ignore[no-untyped-def]
    form = client.get("/ui/login")
    assert 'name="api_key"' in form.text
    done = client.post(
        "/ui/login", data={"api_key": key, "csrf_token": _token(form.text)}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"] == "/ui/"
    return _token(client.get("/ui/").text)


def _ready_for_review(client) -> None:  # type: ignore[no-untyped-def]
    assert client.post("/cases", json=case_body(NUMBER), headers=INTAKE).status_code == 201
    assert client.post(f"/cases/{NUMBER}/screen", headers=INTAKE).json()["eligible"] is True
    assert client.post(f"/cases/{NUMBER}/assign", json={"reviewer": "R-1"}, headers=INTAKE)
    assert client.post(f"/cases/{NUMBER}/records-complete", headers=INTAKE).status_code == 200


def test_pages_need_a_session_and_the_cookie_is_httponly_strict(client) -> None:  # type: ignore[no-untyped-def]
    for path in ("/ui/", f"/ui/cases/{NUMBER}", f"/ui/cases/{NUMBER}/letter.pdf"):
        out = client.get(path, follow_redirects=False)
        assert out.status_code == 303 and out.headers["location"] == "/ui/login", path
    form = client.get("/ui/login").text
    done = client.post(
        "/ui/login",
        data={"api_key": "rev1-key-000001", "csrf_token": _token(form)},
        follow_redirects=False,
    )
    cookie = done.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "rev1-key-000001" not in cookie  # the cookie holds a digest, never the key


def test_wrong_key_and_missing_csrf_are_refused(client) -> None:  # type: ignore[no-untyped-def]
    form = client.get("/ui/login").text
    wrong = client.post("/ui/login", data={"api_key": "nope-nope-nope", "csrf_token": _token(form)})
    assert wrong.status_code == 401 and "not known" in wrong.text
    no_token = client.post("/ui/login", data={"api_key": "rev1-key-000001"})
    assert no_token.status_code == 403 and "security token" in no_token.text
    token = _sign_in(client, "rev1-key-000001")
    _ready_for_review(client)
    for data in ({}, {"csrf_token": token[:-2] + "xx"}):
        out = client.post(f"/ui/cases/{NUMBER}/decide", data=data)
        assert out.status_code == 403
    assert client.get(f"/cases/{NUMBER}", headers=INTAKE).json()["determination"] is None


def test_a_forged_or_tampered_cookie_is_no_session(client) -> None:  # type: ignore[no-untyped-def]
    _sign_in(client, "rev1-key-000001")
    real = client.cookies.get(COOKIE)
    payload, mac = real.split(".")
    client.cookies.set(
        COOKIE, payload[:-1] + ("A" if payload[-1] != "A" else "B") + "." + mac, path="/ui"
    )
    assert client.get("/ui/", follow_redirects=False).status_code == 303
    other = SessionSigner(b"another server's secret 32 bytes")
    client.cookies.set(
        COOKIE, other.dumps(Session(csrf="x", key_digest="0" * 64, issued=2**40)), path="/ui"
    )
    assert client.get("/ui/", follow_redirects=False).status_code == 303


def test_another_reviewers_case_is_404_and_in_the_audit_log(client) -> None:  # type: ignore[no-untyped-def]
    _ready_for_review(client)
    token = _sign_in(client, "rev2-key-000002")
    assert NUMBER not in client.get("/ui/").text
    for method, path in (
        ("GET", f"/ui/cases/{NUMBER}"),
        ("GET", f"/ui/cases/{NUMBER}/letter.html"),
        ("POST", f"/ui/cases/{NUMBER}/decide"),
        ("GET", f"/ui/cases/{NUMBER}/audit"),  # an admin page: still 404, not 403
        ("POST", f"/ui/cases/{NUMBER}/screen"),  # an intake action: the same
    ):
        out = client.request(method, path, data={"csrf_token": token} if method == "POST" else None)
        assert out.status_code == 404, path
        assert out.headers["content-type"].startswith("text/html")
        assert "not in the store" in out.text
    audit = client.get(f"/cases/{NUMBER}/audit", headers={"X-API-Key": "admin-key-00001"}).json()
    denied = [e for e in audit if e["action"] == "access_denied"]
    assert len(denied) == 5 and {e["actor"] for e in denied} == {"reviewer:R-2"}


def test_roles_as_in_the_api(client) -> None:  # type: ignore[no-untyped-def]
    _ready_for_review(client)
    intake = _sign_in(client, "intake-key-0001")
    assert client.post(f"/ui/cases/{NUMBER}/sign", data={"csrf_token": intake}).status_code == 403
    assert client.get(f"/ui/cases/{NUMBER}/audit").status_code == 403  # the audit trail is admin's
    client.cookies.clear()
    reviewer = _sign_in(client, "rev1-key-000001")
    upload = client.post(
        "/ui/cases/upload", data={"csrf_token": reviewer}, files={"file": ("c.yaml", b"x: 1")}
    )
    assert upload.status_code == 403


def test_reviewer_flow_and_queue(client) -> None:  # type: ignore[no-untyped-def]
    _ready_for_review(client)
    token = _sign_in(client, "rev1-key-000001")
    queue = client.get("/ui/").text
    assert f'href="/ui/cases/{NUMBER}"' in queue
    assert "days left" in queue or "OVERDUE" in queue
    client.post(f"/ui/cases/{NUMBER}/decide", data={"csrf_token": token})
    refused = client.post(
        f"/ui/cases/{NUMBER}/items/1", data={"csrf_token": token, "outcome": "Overturned"}
    )
    assert "reason" in refused.text.lower()  # the notice on the case page
    assert (
        client.get(f"/cases/{NUMBER}/determination", headers=REV1).json()["items"][0]["outcome"]
        == "Upheld"
    )
    saved = client.post(
        f"/ui/cases/{NUMBER}/items/1",
        data={
            "csrf_token": token,
            "outcome": "Overturned",
            "reason": "first course",
            "rationale": "The massage requested is medically necessary.",
        },
    )
    assert "Item 1 saved" in saved.text and "your decision:" in saved.text
    signed = client.post(f"/ui/cases/{NUMBER}/sign", data={"csrf_token": token})
    assert "Signed." in signed.text and re.search(r'href="[^"]+\.pdf"', signed.text)
    pdf = client.get(f"/ui/cases/{NUMBER}/letter.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def _det_with_span(case, span: EvidenceSpan, likelihood: float) -> Determination:  # type: ignore[no-untyped-def]
    crit = CriterionResult(
        criterion_id="c1", description="home exercise", status="met", role="context",
        explanation="documented", evidence=[span],
    )  # fmt: skip
    item = ItemDetermination(
        item_id="1", treatment="Massage", outcome="Upheld",
        request=TreatmentRequest(text="Massage", category="massage"), rationale="r",
        confidence=0.5, overturn_likelihood=likelihood, criteria=[crit],
    )  # fmt: skip
    return Determination(
        case_number=case.case_number, decision_date=case.application_received,
        clinical_case_summary="s", engine_version="t", items=[item],
    )  # fmt: skip


def test_evidence_spans_are_marked_where_they_are() -> None:
    case = make_case(NUMBER)
    record = case.records[0]
    start = record.text.index(record.text.split()[1])
    end = start + len(record.text.split()[1])
    det = _det_with_span(
        case,
        EvidenceSpan(record_id=record.id, start=start, end=end, text=record.text[start:end]),
        0.31,
    )
    (shown, *_) = view.record_views(case, det)
    marked = [s for s in shown.segments if s.mark]
    assert [s.text for s in marked] == [record.text[start:end]]
    assert "".join(s.text for s in shown.segments) == record.text  # nothing lost or added
    assert marked[0].label.startswith("item 1: home exercise (met)")
    # offsets that no longer hold the sentence: found by its text; absent text: nothing marked
    moved = _det_with_span(
        case, EvidenceSpan(record_id=record.id, start=0, end=3, text=record.text[start:end]), 0.1
    )
    assert [s.text for s in view.record_views(case, moved)[0].segments if s.mark] == [
        record.text[start:end]
    ]
    gone = _det_with_span(
        case, EvidenceSpan(record_id=record.id, start=0, end=3, text="zzz-not-there"), 0.1
    )
    assert not [s for s in view.record_views(case, gone)[0].segments if s.mark]
    assert view.likely_overturn(det.items[0]) and not view.likely_overturn(moved.items[0])


def test_a_session_expires_and_a_sealed_notice_cannot_be_forged() -> None:
    signer = SessionSigner(b"k" * 32)
    token = signer.dumps(Session(csrf="t", key_digest="a" * 64, issued=1_000_000))
    assert signer.loads(token, now=1_000_000 + 60).key_digest == "a" * 64
    assert signer.loads(token, now=1_000_000 + MAX_AGE_SECONDS + 1) is None
    sealed = signer.seal("error||item 1: reason required")
    assert signer.unseal(sealed) == "error||item 1: reason required"
    assert SessionSigner(b"x" * 32).unseal(sealed) is None
