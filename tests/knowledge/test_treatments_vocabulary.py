"""General treatment vocabulary: common devices, staff services, clearances, programmes and home
services get their category; a text naming no known treatment is `other` with low confidence."""

from __future__ import annotations

import pytest

from openimr.requests import parse_request


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Cam walker boot for the right ankle", "dme"),
        ("Sit-stand desk", "dme"),
        ("Tub transfer bench", "dme"),
        ("Rollator", "dme"),
        ("Exogen bone stimulator", "dme"),
        ("Sequential compression device", "dme"),
        ("Theraband and exercise ball", "dme"),
        ("Intraoperative neuromonitoring", "surgery"),
        ("Anesthesia services", "surgery"),
        ("2-day inpatient stay", "surgery"),
        ("Outpatient surgery center facility fee", "surgery"),
        ("Cardiology clearance", "consultation"),
        ("Pre-operative history and physical", "consultation"),
        ("Partial hospitalization program", "program"),
        ("Residential treatment program", "program"),
        ("Homemaker services 10 hours per week", "home_health"),
        ("Counseling 6 sessions", "psychological"),
    ],
)
def test_general_vocabulary_category(text: str, category: str) -> None:
    assert parse_request(text).category == category


def test_a_staff_service_does_not_outweigh_the_procedure() -> None:
    # anesthesia serves the procedure: an epidural under MAC is still an injection
    assert parse_request("Lumbar epidural steroid injection under MAC anesthesia").category == (
        "injection"
    )


def test_combined_therapy_takes_the_first_named() -> None:
    assert parse_request("PT/chiro 2x4 lumbar spine").category == "physical_medicine"
    assert parse_request("Chiro/PT 6 visits").category == "chiropractic"


def test_other_without_a_known_treatment_has_low_confidence_and_says_why() -> None:
    result = parse_request("Zorblax widget")
    assert result.category == "other" and result.service is None
    assert result.confidence <= 0.25
    assert result.unparsed_spans == ["zorblax widget"]  # what was not understood
    known = parse_request("Gym membership x 6 months")
    assert known.category == "other" and known.service == "gym membership"
    assert known.confidence > 0.5
