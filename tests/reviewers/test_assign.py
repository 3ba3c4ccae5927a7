"""assign(): every exclusion with its reason, ranking, deadlines, no-eligible answers, credentials."""

from __future__ import annotations

import datetime as dt

from reviewer_builders import make_case, make_reviewer, req

from openimr.reviewers import PanelIndex, assign, credentials, load_panel

PT = [
    req(
        "Physical therapy 2 times a week for 6 weeks",
        "physical_medicine",
        body_parts=["lumbar spine"],
    )
]


def excluded_reasons(assignment, code: str) -> list[str]:
    return next(e.reasons for e in assignment.excluded if e.reviewer == code)


def test_each_party_kind_is_a_conflict(case) -> None:
    parties = {
        "employer": "Central Valley Growers Co-operative, Inc.",
        "insurer": "Golden State Mutal Insurance",  # typo
        "claims_administrator": "Pacific Coast CMS",  # acronym form
        "ur_organization": "SIERRA UTILIZATION REVIEW, INC.",
        "medical_group": "Bayview Spine & Pain Med Grp",
        "facility": "Redwood Valley Surgery Ctr.",
        "attorney": "Hanna Kim Law Offices",
        "manufacturer": "Meridian Analgesics",
        "family": "Maria Lopez",  # the employee
        "treated_employee": "CM16-0123456",  # tie recorded by case number
        "ur_physician": "Dr. Alan Park",
        "treating_provider": "Susan Reed MD",
    }
    panel = [
        make_reviewer(f"K{i:02d}", affiliations=[{"kind": kind, "name": name}])
        for i, (kind, name) in enumerate(parties.items())
    ]
    panel.append(
        make_reviewer("CLEAN", affiliations=[{"kind": "insurer", "name": "Liberty Insurance"}])
    )
    case = make_case(
        parties={**case.parties.model_dump(), "manufacturers": ["Meridian Analgesics Inc"]}
    )
    result = assign(case, panel, PT)
    excluded = {e.reviewer for e in result.excluded}
    assert excluded == {f"K{i:02d}" for i in range(len(parties))}
    assert [r.code for r in result.eligible] == ["CLEAN"]
    for i, kind in enumerate(parties):
        reasons = excluded_reasons(result, f"K{i:02d}")
        assert all(r.startswith("conflict:") for r in reasons), reasons
        assert kind.replace("_", " ") in reasons[0]


def test_reviewer_named_in_the_case_is_conflicted(case) -> None:
    author = make_reviewer("AUTH", name="Dr. Nina Patel")
    ur_doc = make_reviewer("URDOC", name="Alan Park")
    other = make_reviewer("OK", name="Omar Haddad")
    records = [
        {
            "id": "r1",
            "type": "pr2",
            "date": dt.date(2016, 7, 1),
            "author": "Nina Patel, MD",
            "text": "Low back pain.",
        }
    ]
    result = assign(make_case(records=records), [author, ur_doc, other], PT)
    assert "author of record r1" in excluded_reasons(result, "AUTH")[0]
    assert "UR physician" in excluded_reasons(result, "URDOC")[0]
    assert result.chosen is not None and result.chosen.code == "OK"


def test_every_reviewer_is_either_eligible_or_excluded_with_reasons(case) -> None:
    panel = load_panel()
    result = assign(case, panel, PT)
    codes = [r.code for r in result.eligible] + [e.reviewer for e in result.excluded]
    assert sorted(codes) == sorted(r.code for r in panel)
    assert all(e.reasons for e in result.excluded)
    assert result.chosen == result.eligible[0]


def test_unqualified_reviewers_are_excluded_with_every_reason(case) -> None:
    bad = make_reviewer(
        "BAD",
        years_in_practice=3,
        hours_per_week=10,
        licenses=[{"state": "CA", "restricted": True}],
        sanctions=["Medicare exclusion"],
    )
    result = assign(case, [bad, make_reviewer("GOOD")], PT)
    reasons = " | ".join(excluded_reasons(result, "BAD"))
    for needle in ("restricted", "years", "hours", "Medicare exclusion"):
        assert needle in reasons


def test_md_needs_board_certification_in_the_relevant_area(case) -> None:
    psych_only = make_reviewer(
        "PSY",
        board_certifications=["Psychiatry"],
        specialties=["Psychiatry", "Occupational Medicine"],
    )
    uncertified = make_reviewer(
        "UNC", board_certifications=[], specialties=["Occupational Medicine"]
    )
    result = assign(case, [psych_only, uncertified, make_reviewer("OCC")], PT)
    assert excluded_reasons(result, "PSY")[0].startswith("specialty does not cover item 1")
    assert any("no board certification" in r for r in excluded_reasons(result, "UNC"))
    assert [r.code for r in result.eligible] == ["OCC"]


def test_non_physicians_only_in_their_own_field(case) -> None:
    dc = make_reviewer(
        "DC1",
        degree="DC",
        board_certifications=[],
        specialties=["Chiropractor", "Orthopedic Surgery"],
    )
    chiro = [req("Chiropractic care 2x4", "chiropractic", body_parts=["lumbar spine"])]
    knee = [req("Knee arthroscopy", "surgery", body_parts=["knee"])]
    assert assign(case, [dc], chiro).chosen is not None
    result = assign(case, [dc], knee)
    assert (
        result.chosen is None and "specialty does not cover" in excluded_reasons(result, "DC1")[0]
    )


def test_full_capacity_is_excluded(case) -> None:
    result = assign(case, [make_reviewer("FULL", capacity=5, current_load=5)], PT)
    assert excluded_reasons(result, "FULL") == ["at full capacity (5/5 open cases)"]


def test_ranking_fit_then_load_then_deadline(case) -> None:
    panel = [
        make_reviewer(
            "SIMILAR", board_certifications=["Family Practice"], specialties=["Family Practice"]
        ),
        make_reviewer("BUSY_PRIMARY", current_load=6),
        make_reviewer("IDLE_PRIMARY", current_load=1),
        make_reviewer("IDLE_PRIMARY_SMALL", current_load=1, capacity=5),
    ]
    result = assign(case, panel, PT)
    order = [r.code for r in result.eligible]
    assert order == ["IDLE_PRIMARY", "IDLE_PRIMARY_SMALL", "BUSY_PRIMARY", "SIMILAR"]
    scores = [r.score for r in result.eligible]
    assert scores == sorted(scores, reverse=True)
    assert result.eligible[0].specialty_fit > result.eligible[-1].specialty_fit


def test_equal_fit_and_load_ranked_by_time_to_deadline(case) -> None:
    # same load ratio (0.2), but the smaller practice takes longer to reach this case:
    # 30 * 3 / 10 = 9 days against 30 * 2 / 5 = 12 days
    fast = make_reviewer("FAST", capacity=10, current_load=2)
    slow = make_reviewer("SLOW", capacity=5, current_load=1)
    result = assign(case, [slow, fast], PT)
    assert [r.code for r in result.eligible] == ["FAST", "SLOW"]
    assert result.eligible[0].expected_completion < result.eligible[1].expected_completion


def test_reviewer_who_cannot_meet_an_expedited_deadline_is_ranked_down() -> None:
    case = make_case(priority="expedited")
    busy_expert = make_reviewer("BUSY", current_load=5, capacity=10)  # 18 days of queue
    idle_similar = make_reviewer(
        "IDLE",
        board_certifications=["Internal Medicine"],
        specialties=["Internal Medicine"],
        current_load=0,
        capacity=10,
    )
    result = assign(case, [busy_expert, idle_similar], PT, today=dt.date(2016, 9, 12))
    assert result.deadline == dt.date(2016, 9, 15)
    assert [r.code for r in result.eligible] == ["IDLE", "BUSY"]
    assert result.eligible[1].meets_deadline is False
    assert any("cannot meet the deadline" in why for why in result.eligible[1].why)


def test_nobody_eligible_gets_a_clear_answer(case) -> None:
    panel = [make_reviewer("A", current_load=10), make_reviewer("B", hours_per_week=5)]
    result = assign(case, panel, [req("CBT", "psychological")])
    assert result.chosen is None and result.eligible == []
    assert result.reason.startswith("no eligible reviewer: all 2 excluded")
    assert "Psychiatry" in result.reason


def test_same_input_same_output(case) -> None:
    index = PanelIndex.build(load_panel())
    first = assign(case, index, PT).contract_dict()
    assert assign(case, index, PT).contract_dict() == first
    assert assign(case, load_panel(), PT).contract_dict() == first


def test_credentials_print_full_state_names_and_the_letter_specialty() -> None:
    reviewer = make_reviewer(
        "C1",
        licenses=[{"state": "CA"}, {"state": "TX"}, {"state": "NY", "status": "expired"}],
        board_certifications=["PM&R", "Pain Medicine"],
    )
    creds = credentials(reviewer, "PM&R")
    assert creds.licensure == ["California", "Texas"]
    assert creds.specialty == "Physical Medicine & Rehabilitation"
    assert credentials(reviewer).specialty == "Physical Medicine & Rehabilitation, Pain Management"
    assert creds.code == "C1"


def test_specialty_that_treats_the_diagnosed_condition_ranks_first() -> None:
    case = make_case(diagnoses=[{"description": "Carpal tunnel syndrome, right"}])
    mri = [req("MRI of the right wrist", "imaging", body_parts=["wrist"])]
    occ = make_reviewer("OCC", current_load=0)
    hand = make_reviewer(
        "HAND",
        board_certifications=["Orthopedic Surgery"],
        specialties=["Orthopedic Surgery"],
        current_load=4,
    )
    result = assign(case, [occ, hand], mri)
    assert [r.code for r in result.eligible] == ["HAND", "OCC"]
    assert result.eligible[0].specialty_fit == 1.1 and result.eligible[1].specialty_fit == 1.0
    assert any("treats the diagnosed condition" in why for why in result.eligible[0].why)
