"""Property tests over random panels and cases: an assigned reviewer is never conflicted,
unqualified or outside a matching specialty, and a case nobody can take gets a clear answer.

The oracle below restates the rules from the data files and the law (not from assign's code
paths): qualification field by field, conflicts by comparing every party with every affiliation
pairwise, specialty by looking up each item in the specialty map."""

from __future__ import annotations

import datetime as dt
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reviewer_builders import make_case

from openimr.domain.case import Case
from openimr.domain.request import BODY_PARTS, CATEGORIES, TreatmentRequest
from openimr.domain.reviewer import AffiliationKind, Reviewer
from openimr.reviewers import assign, load_specialty_map, names_match

SMAP = load_specialty_map()
SPECIALTIES = sorted(SMAP.rows) + ["Astrology"]
# Broad specialties drawn more often, so that many random reviewers pass every other test and
# each single rule (conflict, capacity, ...) is often the only thing that excludes them.
BROAD = [
    "Occupational Medicine",
    "Physical Medicine & Rehabilitation",
    "Family Practice",
    "Orthopedic Surgery",
    "Internal Medicine",
]
DEGREES = ["MD", "DO", "DC", "PhD", "PsyD", "DPM", "PT", "LAc"]
ORGS = [
    "Golden State Mutual Insurance",
    "Sierra Utilization Review",
    "Bayview Spine Medical Group",
    "Redwood Valley Surgery Center",
    "Pacific Coast Claims Management Services",
    "Meridian Analgesics",
    "Central Valley Growers",
    "Hanna Kim Law Offices",
    "Liberty Harbor Insurance",
    "Alan Park",
    "Susan Reed",
    "Maria Lopez",
]
SUFFIXES = ["", " Inc.", " Corp", ", LLC", " Company", " Co."]
AFFILIATION_KINDS = list(AffiliationKind.__args__)  # type: ignore[attr-defined]


@st.composite
def org_name(draw) -> str:
    name = draw(st.sampled_from(ORGS)) + draw(st.sampled_from(SUFFIXES))
    style = draw(st.sampled_from(["same", "upper", "lower", "typo"]))
    if style == "upper":
        return name.upper()
    if style == "lower":
        return name.lower()
    if style == "typo":
        i = draw(st.integers(0, len(name) - 1))
        return name[:i] + draw(st.sampled_from(string.ascii_lowercase)) + name[i + 1 :]
    return name


@st.composite
def reviewer(draw, code: str) -> Reviewer:
    degree = draw(st.sampled_from(["MD"] * 6 + DEGREES))
    licenses = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "state": st.sampled_from(["CA", "TX", "NY"]),
                    "status": st.sampled_from(
                        ["active"] * 12 + ["expired", "suspended", "revoked"]
                    ),
                    "restricted": st.sampled_from([False] * 12 + [True]),
                }
            ),
            min_size=1,
            max_size=2,
        )
    )
    specialty = st.one_of(st.sampled_from(BROAD), st.sampled_from(SPECIALTIES))
    certs = draw(st.lists(specialty, max_size=2, unique=True))
    specialties = draw(st.lists(specialty, min_size=1, max_size=2, unique=True))
    affiliations = draw(
        st.lists(
            st.fixed_dictionaries({"kind": st.sampled_from(AFFILIATION_KINDS), "name": org_name()}),
            max_size=2,
        )
    )
    capacity = draw(st.integers(0, 10))
    load = max(0, capacity + draw(st.sampled_from([-3, -2, -1, -1, 0, 1])))
    return Reviewer.model_validate(
        {
            "code": code,
            "degree": degree,
            "licenses": licenses,
            "board_certifications": certs,
            "specialties": specialties,
            "affiliations": affiliations,
            "years_in_practice": draw(st.sampled_from([2, 5, 5.5, 12, 12, 12, 30])),
            "hours_per_week": draw(st.sampled_from([10, 23.5, 24, 40, 40, 40])),
            "sanctions": draw(st.sampled_from([[]] * 8 + [["probation"]])),
            "capacity": capacity,
            "current_load": load,
            "name": draw(st.sampled_from([None, None, "Alan Park", "Nina Patel"])),
        }
    )


@st.composite
def panel(draw) -> list[Reviewer]:
    size = draw(st.integers(1, 10))
    return [draw(reviewer(f"P{i:02d}")) for i in range(size)]


@st.composite
def request_list(draw) -> list[TreatmentRequest]:
    items = draw(
        st.lists(
            st.tuples(
                st.sampled_from(CATEGORIES),
                st.lists(st.sampled_from(BODY_PARTS), max_size=2, unique=True),
                st.sampled_from(["", "Associated surgical service: "]),
            ),
            min_size=1,
            max_size=3,
        )
    )
    return [
        TreatmentRequest(text=f"{prefix}item {i}", category=cat, body_parts=parts)
        for i, (cat, parts, prefix) in enumerate(items)
    ]


@st.composite
def case_for(draw, n_items: int) -> Case:
    maybe = st.one_of(st.none(), org_name())
    parties = {
        "employee": draw(maybe),
        "employer": draw(maybe),
        "insurer": draw(maybe),
        "claims_administrator": draw(maybe),
        "ur_organization": draw(maybe),
        "ur_physician": draw(maybe),
        "attorney": draw(maybe),
        "facility": draw(maybe),
        "manufacturers": draw(st.lists(org_name(), max_size=1)),
        "treating_providers": draw(
            st.lists(
                st.fixed_dictionaries(
                    {"name": org_name(), "group": maybe, "requesting": st.booleans()}
                ),
                max_size=2,
            )
        ),
    }
    return make_case(
        parties=parties,
        priority=draw(st.sampled_from(["regular", "expedited"])),
        records_received=dt.date(2016, 9, 1) + dt.timedelta(days=draw(st.integers(0, 20))),
        disputed_items=[{"id": str(i), "text": f"item {i}"} for i in range(n_items)],
    )


# --- the oracle ---------------------------------------------------------------------------


def oracle_qualified(r: Reviewer) -> bool:
    if not any(lic.status == "active" for lic in r.licenses):
        return False
    if any(
        lic.restricted or lic.discipline or lic.status in ("revoked", "suspended")
        for lic in r.licenses
    ):
        return False
    if r.sanctions or r.years_in_practice <= 5 or r.hours_per_week < 24:
        return False
    return not (r.degree in ("MD", "DO") and not r.board_certifications)


def oracle_parties(case: Case) -> list[str]:
    p = case.parties
    names = [
        p.employee,
        p.employer,
        p.insurer,
        p.claims_administrator,
        p.ur_organization,
        p.ur_physician,
        p.attorney,
        p.facility,
        case.ur_decision.organization,
        case.ur_decision.physician,
        *p.manufacturers,
    ]
    for provider in p.treating_providers:
        names += [provider.name, provider.group]
    return [n for n in names if n]


def oracle_conflicted(r: Reviewer, case: Case) -> bool:
    parties = oracle_parties(case)
    for aff in r.affiliations:
        if any(names_match(aff.name, party) for party in parties):
            return True
        if aff.kind in ("family", "treated_employee") and aff.name == case.case_number:
            return True
    if r.name:
        people = [
            case.parties.employee,
            case.parties.ur_physician,
            case.ur_decision.physician,
            case.parties.attorney,
            *(p.name for p in case.parties.treating_providers),
            *(rec.author for rec in case.records),
        ]
        return any(names_match(r.name, person) for person in people if person)
    return False


def oracle_specialty_ok(r: Reviewer, requests: list[TreatmentRequest]) -> bool:
    names = (
        r.board_certifications
        if r.degree in ("MD", "DO")
        else r.specialties + r.board_certifications
    )
    held = {SMAP.canonical(n) for n in names}
    held = {n for n in held if n and r.degree in SMAP.rows[n].degrees}
    surgical = [q for q in requests if q.category == "surgery"]
    surgeons = {n for q in surgical for n, _ in SMAP.item_need(q)}
    for q in requests:
        accepted = {n for n, _ in SMAP.item_need(q)}
        if surgical and q.category != "surgery" and SMAP.is_ancillary_to_surgery(q.text):
            accepted |= surgeons
        if not held & accepted:
            return False
    return True


def oracle_eligible(r: Reviewer, case: Case, requests: list[TreatmentRequest]) -> bool:
    return (
        oracle_qualified(r)
        and not oracle_conflicted(r, case)
        and oracle_specialty_ok(r, requests)
        and r.current_load < r.capacity
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_assignment_agrees_with_the_oracle(data) -> None:
    reviewers = data.draw(panel())
    requests = data.draw(request_list())
    case = data.draw(case_for(len(requests)))
    result = assign(case, reviewers, requests)

    eligible = {r.code for r in result.eligible}
    excluded = {e.reviewer for e in result.excluded}
    assert eligible.isdisjoint(excluded)
    assert eligible | excluded == {r.code for r in reviewers}
    assert all(e.reasons for e in result.excluded)
    by_code = {r.code: r for r in reviewers}
    for code in eligible:
        assert oracle_eligible(by_code[code], case, requests), code
    for code in excluded:
        assert not oracle_eligible(by_code[code], case, requests), code

    if result.chosen is not None:
        chosen = by_code[result.chosen.code]
        assert oracle_qualified(chosen)
        assert not oracle_conflicted(chosen, case)
        assert oracle_specialty_ok(chosen, requests)
        assert result.chosen == result.eligible[0]
    else:
        assert not eligible
        assert result.reason.startswith("no eligible reviewer")


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_conflicted_reviewer_never_chosen_even_when_alone_and_best(data) -> None:
    """A reviewer perfect in every other way but affiliated with a party is never assigned."""
    requests = [TreatmentRequest(text="PT", category="physical_medicine")]
    case = data.draw(case_for(1))
    parties = oracle_parties(case)
    if not parties:
        return
    party = data.draw(st.sampled_from(parties))
    kind = data.draw(st.sampled_from(AFFILIATION_KINDS))
    star = Reviewer.model_validate(
        {
            "code": "STAR",
            "degree": "MD",
            "licenses": [{"state": "CA"}],
            "board_certifications": ["Physical Medicine & Rehabilitation"],
            "specialties": ["Physical Medicine & Rehabilitation"],
            "years_in_practice": 20,
            "hours_per_week": 40,
            "capacity": 10,
            "current_load": 0,
            "affiliations": [{"kind": kind, "name": party.upper() + " Inc."}],
        }
    )
    result = assign(case, [star], requests)
    assert result.chosen is None
    assert result.excluded[0].reasons[0].startswith("conflict:")
    assert result.reason.startswith("no eligible reviewer: all 1 excluded (1 conflict of interest)")
