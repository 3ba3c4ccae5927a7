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


def stand_in_reviewer(code: str, **changes):  # type: ignore[no-untyped-def]
    """A qualified, conflict-free physiatrist (massage of the wrist is in their field)."""
    from openimr.domain import Reviewer

    fields = {
        "code": code,
        "degree": "MD",
        "licenses": [{"state": "CA"}],
        "board_certifications": ["Physical Medicine & Rehabilitation"],
        "specialties": ["Physical Medicine & Rehabilitation"],
        "years_in_practice": 12,
        "hours_per_week": 40,
    }
    return Reviewer.model_validate({**fields, **changes})


def stand_in_panel():  # type: ignore[no-untyped-def]
    """R-1 and R-2 qualify; R-9 is unqualified (three years in practice)."""
    return [
        stand_in_reviewer("R-1"),
        stand_in_reviewer("R-2"),
        stand_in_reviewer("R-9", years_in_practice=3),
    ]


def stand_in_services():  # type: ignore[no-untyped-def]
    """Pipeline stages with known answers, so the API tests test the API."""
    from openimr.api.services import Services, screen_case

    def decide(case, reviewer):  # type: ignore[no-untyped-def]
        return make_determination(case)

    def render(det, fmt: str):  # type: ignore[no-untyped-def]
        if fmt == "pdf":
            return b"%PDF-1.7 stand-in " + det.status.encode()
        return f"<html>{det.case_number} {det.status.upper()}</html>"

    return Services(screen=screen_case, panel=stand_in_panel, decide=decide, render=render)


def case_body(number: str = "CM15-0012345", **changes) -> dict:  # type: ignore[no-untyped-def]
    """A valid case file. Each case number gets its own UR decision date, so two test cases are
    never duplicate applications of one dispute unless a test makes them so."""
    body = make_case(number).model_dump(mode="json")
    ur_date = dt.date(2015, 1, 2) - dt.timedelta(days=int(number[-3:]) % 25)
    body["ur_decision"]["date"] = ur_date.isoformat()
    body.update(changes)
    return body
