"""Keys and stand-in pipeline stages shared by the API tests."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

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
    from openimr.api.services import Services, screen_case

    def pick(case, today: dt.date):  # type: ignore[no-untyped-def]
        return ("R-1", None, {"why": "stand-in"})

    def decide(case, reviewer):  # type: ignore[no-untyped-def]
        return make_determination(case)

    def render(det, fmt: str):  # type: ignore[no-untyped-def]
        if fmt == "pdf":
            return b"%PDF-1.7 stand-in " + det.status.encode()
        return f"<html>{det.case_number} {det.status.upper()}</html>"

    return Services(screen=screen_case, pick_reviewer=pick, decide=decide, render=render)


def case_body(number: str = "CM15-0012345", **changes) -> dict:  # type: ignore[no-untyped-def]
    """A valid case file. Each case number gets its own UR decision date, so two test cases are
    never duplicate applications of one dispute unless a test makes them so."""
    body = make_case(number).model_dump(mode="json")
    ur_date = dt.date(2015, 1, 2) - dt.timedelta(days=int(number[-3:]) % 25)
    body["ur_decision"]["date"] = ur_date.isoformat()
    body.update(changes)
    return body
