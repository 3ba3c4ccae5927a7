"""Qualification and conflict-of-interest screening of reviewers.

Qualification (LC 139.5 [U] and the 9792.10.x attestation [V], facts sheet A.7): an active license
in some US state and no restricted, revoked or suspended license nor any discipline; MD/DO board
certification; more than five years in active practice; at least 24 hours a week; no sanctions.
The specialty part of qualification (certified "in the relevant area") depends on the case and
lives in `assign`.

Conflicts (facts sheet A.8): every affiliation of the reviewer is compared with every party of
the case, whatever the affiliation's declared kind (an insurer that is also the employer is
still a conflict).  Family and prior-treatment ties are also compared with the case number, and
the reviewer's own name (when the panel has it) with the people in the case.
"""

from __future__ import annotations

from openimr.domain.case import Case
from openimr.domain.reviewer import Reviewer
from openimr.reviewers.rules import QualificationRules, load_rules


def qualification_problems(
    reviewer: Reviewer, rules: QualificationRules | None = None
) -> list[str]:
    """Every reason the reviewer is not qualified for any case (empty when qualified)."""
    rules = rules or load_rules().qualification
    problems: list[str] = []
    active = [lic for lic in reviewer.licenses if lic.status == "active"]
    if not active:
        listed = ", ".join(f"{lic.state} {lic.status}" for lic in reviewer.licenses)
        problems.append(f"no active license ({listed})")
    for lic in reviewer.licenses:
        if lic.status in ("revoked", "suspended"):
            problems.append(f"{lic.state} license {lic.status}")
        if lic.restricted:
            problems.append(f"{lic.state} license restricted")
        if lic.discipline:
            problems.append(f"disciplinary action on {lic.state} license: {lic.discipline}")
    for sanction in reviewer.sanctions:
        problems.append(f"sanction: {sanction}")
    if reviewer.years_in_practice <= rules.min_years_in_practice_exclusive:
        problems.append(
            f"{reviewer.years_in_practice:g} years in active practice; more than "
            f"{rules.min_years_in_practice_exclusive:g} required"
        )
    if reviewer.hours_per_week < rules.min_hours_per_week:
        problems.append(
            f"{reviewer.hours_per_week:g} hours a week in active practice; at least "
            f"{rules.min_hours_per_week:g} required"
        )
    if (
        reviewer.degree in rules.board_certification_required_for
        and not reviewer.board_certifications
    ):
        problems.append(
            f"no board certification ({reviewer.degree} reviewers must be board certified)"
        )
    return problems


def case_parties(case: Case) -> list[tuple[str, str]]:
    """(role, name) for every party a reviewer must not be affiliated with."""
    parties: list[tuple[str, str]] = []
    p = case.parties

    def add(role: str, name: str | None) -> None:
        if name and name.strip() and (role, name) not in parties:
            parties.append((role, name))

    add("employee", p.employee)
    add("employer", p.employer)
    add("insurer", p.insurer)
    add("claims administrator", p.claims_administrator)
    add("UR organization", p.ur_organization)
    add("UR organization", case.ur_decision.organization)
    add("UR physician", p.ur_physician)
    add("UR physician", case.ur_decision.physician)
    for provider in p.treating_providers:
        role = "requesting provider" if provider.requesting else "treating provider"
        add(role, provider.name)
        add(f"medical group of the {role}", provider.group)
    add("employee's attorney", p.attorney)
    add("facility", p.facility)
    for maker in p.manufacturers:
        add("manufacturer", maker)
    return parties


def case_people(case: Case) -> list[tuple[str, str]]:
    """(role, name) of the people a named reviewer must not be: parties plus record authors."""
    people = [
        (role, name)
        for role, name in case_parties(case)
        if role
        in (
            "employee",
            "UR physician",
            "treating provider",
            "requesting provider",
            "employee's attorney",
        )
    ]
    for record in case.records:
        if record.author:
            role = f"author of record {record.id} (treated or examined the employee)"
            people.append((role, record.author))
    return people
