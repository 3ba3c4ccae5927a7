"""General phrasing classes found by the blind unseen-text benchmark (issue 15).

Every example here is written for the test; none is copied from the blind file.
"""

from __future__ import annotations

import pytest

from openimr.requests import parse_request

# ---------------------------------------------------------------- partial authorizations


@pytest.mark.parametrize(
    "middle_and_marker",
    [
        "Naproxen 500 mg #30 was authorized on 3/14/2024 for a trial. "
        "The remaining IMR eligible portion of the original request,",
        "Naproxen 500 mg #30 was certified. The non-certified portion,",
        "Naproxen 500 mg #30 was approved by utilization review. The remaining portion,",
        "The request was modified to Naproxen 500 mg #30. The remaining portion of the request,",
        "Utilization review approved Naproxen 500 mg #30. The non-certified portion",
        "Naproxen 500 mg #30 was modified to allow a taper. The remaining portion is",
    ],
)
def test_partial_authorization_variants_describe_the_disputed_portion(
    middle_and_marker: str,
) -> None:
    text = f"Naproxen 500 mg #90 was the original request. {middle_and_marker} Naproxen #60 is:"
    r = parse_request(text)
    pa = r.partial_authorization
    assert pa is not None
    assert (r.drug, r.quantity) == ("naproxen", 60)
    # the disputed portion leaves out the strength of the same drug; it comes from X
    assert r.strength == "500 mg"
    assert (pa.original.quantity, pa.authorized.quantity, pa.disputed.quantity) == (90, 30, 60)
    assert pa.disputed.text == "Naproxen #60"


def test_partial_authorization_amounts_come_from_the_disputed_portion() -> None:
    text = (
        "Massage 2 times a week for 8 weeks to the neck was the original request. Massage 2 times "
        "a week for 2 weeks was certified on 01/02/2024. The remaining portion of the original "
        "request, massage 2 times a week for 6 weeks is IMR eligible."
    )
    r = parse_request(text)
    assert (r.frequency_per_week, r.duration_weeks, r.sessions) == (2, 6, 12)
    assert r.body_parts == ["cervical spine"]


def test_partial_authorization_body_parts_are_not_unioned() -> None:
    text = (
        "CT of the left knee and left ankle was the original request. CT of the left ankle was "
        "approved on 2/2/2024. The non-certified portion, CT of the left knee, is:"
    )
    r = parse_request(text)
    assert (r.body_parts, r.laterality) == (["knee"], "left")


def test_partial_authorization_a_different_drug_keeps_its_own_strength() -> None:
    text = (
        "Oxycodone 10 mg #60 was the original request. Oxycodone 10 mg #20 was authorized. "
        "The remaining portion, Oxycodone 5 mg #40 is:"
    )
    r = parse_request(text)
    assert (r.strength, r.quantity) == ("5 mg", 40)


# ---------------------------------------------------------------- codes are never counts


@pytest.mark.parametrize(
    ("text", "sessions"),
    [
        ("Physical therapy (97110) x 8", 8),
        ("Acupuncture CPT 97810 times 4", 4),
        ("Biofeedback 90901", None),
        ("Massage therapy 97124 for the neck", None),
    ],
)
def test_cpt_codes_are_not_session_counts(text: str, sessions: int | None) -> None:
    assert parse_request(text).sessions == sessions


@pytest.mark.parametrize(
    "text", ["TENS unit (E0730) for the low back", "Knee brace L1832 left knee", "Injection J1030"]
)
def test_hcpcs_codes_are_not_counts(text: str) -> None:
    r = parse_request(text)
    assert (r.quantity, r.sessions) == (None, None)


def test_a_code_does_not_hide_a_spinal_level() -> None:
    assert parse_request("Lumbar ESI L5 (62323)").levels == ["L5"]


# ---------------------------------------------------------------- a "#N" inside a drug's name


@pytest.mark.parametrize(
    ("text", "quantity"),
    [("Tylenol #4 #30", 30), ("Tylenol #3 300/30mg, #45", 45), ("Tylenol #3", None)],
)
def test_drug_name_number_is_not_a_quantity(text: str, quantity: int | None) -> None:
    r = parse_request(text)
    assert (r.drug, r.quantity) == ("acetaminophen/codeine", quantity)


# ---------------------------------------------------------------- abbreviations


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("CT scan of the L/S", ["lumbar spine"]),
        ("Chiropractic 2x4 C/S and L/S", ["cervical spine", "lumbar spine"]),
        ("MRI T/S without contrast", ["thoracic spine"]),
    ],
)
def test_spine_slash_abbreviations(text: str, parts: list[str]) -> None:
    assert parse_request(text).body_parts == parts


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("X-ray L knee", "left"),
        ("MRI of the R elbow", "right"),
        ("Ultrasound bil shoulders", "bilateral"),
        ("EMG B/L upper extremities", "bilateral"),
        ("Cortisone injection R. wrist", "right"),
    ],
)
def test_bare_side_letters_before_a_body_part(text: str, side: str) -> None:
    assert parse_request(text).laterality == side


@pytest.mark.parametrize("text", ["Vitamin D level", "PT x 6 L4-L5", "R/O fracture knee MRI"])
def test_single_letters_elsewhere_are_not_sides(text: str) -> None:
    assert parse_request(text).laterality is None


# ---------------------------------------------------------------- dosing intervals, device names


@pytest.mark.parametrize(
    "text",
    [
        "Fentanyl 12 mcg/hr patch, 1 patch every 3 days, #10",
        "Butrans 5 mcg/hr patch every 7 days #4",
        "Ibuprofen 600 mg every other day #30",
    ],
)
def test_dosing_interval_is_not_a_duration(text: str) -> None:
    r = parse_request(text)
    assert r.duration_weeks is None
    assert r.quantity is not None


def test_medication_supply_length_still_counts() -> None:
    assert parse_request("Naproxen 500 mg twice a day for 14 days #28").duration_weeks == 2


@pytest.mark.parametrize(
    "text",
    ["Single point cane", "Four-wheeled walker with seat", "Two wheeled walker", "Quad cane"],
)
def test_number_in_a_device_name_is_not_a_quantity(text: str) -> None:
    r = parse_request(text)
    assert (r.category, r.quantity) == ("dme", None)


def test_a_device_count_is_still_read() -> None:
    assert parse_request("2 crutches").quantity == 2


# ---------------------------------------------------------------- anatomy phrases


@pytest.mark.parametrize(
    "text", ["NCV of the upper and lower extremities", "EMG all four extremities"]
)
def test_a_phrase_naming_two_parts_gives_both(text: str) -> None:
    assert sorted(parse_request(text).body_parts) == ["lower extremity", "upper extremity"]


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Hand therapy 2x4 for the right elbow", ["elbow"]),
        ("Consultation with a hand surgeon for the left thumb", ["finger"]),
        ("Hand therapy 6 sessions", ["hand"]),
        ("Foot and ankle specialist referral", ["foot", "ankle"]),
    ],
)
def test_a_specialty_name_gives_its_part_only_as_a_fallback(text: str, parts: list[str]) -> None:
    assert parse_request(text).body_parts == parts


# ---------------------------------------------------------------- surgical procedures


@pytest.mark.parametrize(
    "text",
    [
        "MUA of the right knee",
        "Manipulation under anesthesia of the lumbar spine",
        "Removal of retained hardware left wrist",
        "TLIF L4-L5",
        "ACDF at C4-C5",
    ],
)
def test_surgical_procedures_written_short(text: str) -> None:
    assert parse_request(text).category == "surgery"
