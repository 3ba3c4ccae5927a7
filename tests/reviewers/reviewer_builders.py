"""Shared builders for reviewer tests: small valid cases and reviewers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from openimr.domain.case import Case
from openimr.domain.request import TreatmentRequest
from openimr.domain.reviewer import Reviewer


def make_case(**overrides: Any) -> Case:
    data: dict[str, Any] = {
        "case_number": "CM16-0123456",
        "priority": "regular",
        "application_received": dt.date(2016, 9, 1),
        "records_received": dt.date(2016, 9, 12),
        "date_assigned": dt.date(2016, 9, 2),
        "injury": {"date": dt.date(2014, 3, 4), "body_parts": ["lumbar spine"]},
        "diagnoses": [{"description": "lumbar strain"}],
        "parties": {
            "employee": "Maria Lopez",
            "employer": "Central Valley Growers Cooperative",
            "insurer": "Golden State Mutual Insurance Company",
            "claims_administrator": "Pacific Coast Claims Management Services",
            "ur_organization": "Sierra Utilization Review",
            "ur_physician": "Alan Park, MD",
            "treating_providers": [
                {
                    "name": "Dr. Susan Reed",
                    "specialty": "Orthopedic Surgery",
                    "group": "Bayview Spine and Pain Medical Group",
                    "requesting": True,
                }
            ],
            "attorney": "Law Offices of Hanna Kim",
            "facility": "Redwood Valley Surgery Center",
            "manufacturers": [],
        },
        "ur_decision": {"date": dt.date(2016, 8, 15)},
        "disputed_items": [{"id": "1", "text": "Physical therapy 2 times a week for 6 weeks"}],
    }
    data.update(overrides)
    return Case.model_validate(data)


def make_reviewer(code: str = "X001", **overrides: Any) -> Reviewer:
    data: dict[str, Any] = {
        "code": code,
        "degree": "MD",
        "licenses": [{"state": "CA"}],
        "board_certifications": ["Occupational Medicine"],
        "specialties": ["Occupational Medicine"],
        "years_in_practice": 12,
        "hours_per_week": 40,
        "capacity": 10,
        "current_load": 0,
    }
    data.update(overrides)
    return Reviewer.model_validate(data)


def req(text: str, category: str, **fields: Any) -> TreatmentRequest:
    return TreatmentRequest(text=text, category=category, **fields)
