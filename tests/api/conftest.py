"""API fixtures: an app over a fresh SQLite store, stand-in pipeline stages, one key per role."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))

from store_testkit import make_case, make_determination  # noqa: E402

KEYS = {
    "intake-key-0001": "intake",
    "admin-key-00001": "admin",
    "rev1-key-000001": "reviewer:R-1",
    "rev2-key-000002": "reviewer:R-2",
}
INTAKE = {"X-API-Key": "intake-key-0001"}
ADMIN = {"X-API-Key": "admin-key-00001"}
REV1 = {"X-API-Key": "rev1-key-000001"}
REV2 = {"X-API-Key": "rev2-key-000002"}


def stand_in_services():  # type: ignore[no-untyped-def]
    """Pipeline stages with known answers, so the API tests test the API."""
    from openimr.api.services import Services, _basic_screen

    def pick(case, today: dt.date):  # type: ignore[no-untyped-def]
        return ("R-1", None, {"why": "stand-in"})

    def decide(case, reviewer):  # type: ignore[no-untyped-def]
        return make_determination(case)

    def render(det, fmt: str):  # type: ignore[no-untyped-def]
        if fmt == "pdf":
            return b"%PDF-1.7 stand-in " + det.status.encode()
        return f"<html>{det.case_number} {det.status.upper()}</html>"

    return Services(screen=_basic_screen, pick_reviewer=pick, decide=decide, render=render)


@pytest.fixture
def app(tmp_path):  # type: ignore[no-untyped-def]
    from openimr.api.app import create_app

    application = create_app(f"sqlite:///{tmp_path / 'api.db'}", api_keys=KEYS,
                             services=stand_in_services(), max_body_bytes=64 * 1024)
    yield application
    application.state.store.close()


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    with TestClient(app) as test_client:
        yield test_client


def case_body(number: str = "CM15-0012345", **changes) -> dict:  # type: ignore[no-untyped-def]
    body = make_case(number).model_dump(mode="json")
    body.update(changes)
    return body
