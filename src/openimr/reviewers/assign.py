"""Assign a qualified, conflict-free reviewer of a matching specialty, and say why.

`assign(case, panel, requests)` screens every reviewer of the panel and returns an `Assignment`:
the eligible reviewers ranked (specialty fit, then load, then time to the deadline; a reviewer
whose queue would finish the case after the deadline is ranked below every one who can meet it),
every excluded reviewer with all its reasons, the review deadline, and the chosen reviewer or a
clear reason why there is none.

The case-independent work (qualification, normalized affiliation names, certified specialties)
is done once per panel in a `PanelIndex`, so screening thousands of cases stays fast.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import Field

from openimr.domain.case import Case
from openimr.domain.common import Model
from openimr.domain.request import TreatmentRequest
from openimr.domain.reviewer import Reviewer, ReviewerCredentials
from openimr.errors import InputError
from openimr.reviewers.deadlines import Deadline, review_deadline
from openimr.reviewers.names import NameIndex, NameNormalizer
from openimr.reviewers.panel import state_names
from openimr.reviewers.rules import Rules, load_rules
from openimr.reviewers.screening import case_parties, case_people, qualification_problems
from openimr.reviewers.specialties import CaseNeed, SpecialtyMap, load_specialty_map

_TIES_TO_CASE = ("family", "treated_employee")


class RankedReviewer(Model):
    """An eligible reviewer, with the numbers that ranked it and the reasons in words."""

    reviewer: Reviewer
    code: str
    rank: int
    score: float  # higher is better; ordering follows (meets deadline, fit, load, slack)
    specialty: str  # as printed in letters: the reviewer's certifications, comma separated
    matched_specialty: str  # the specialty that covers the disputed items
    specialty_fit: float
    load: int
    capacity: int
    expected_completion: dt.date
    meets_deadline: bool
    why: list[str] = Field(default_factory=list)


class Exclusion(Model):
    reviewer: str  # reviewer code
    reasons: list[str] = Field(min_length=1)


class Assignment(Model):
    case_number: str
    deadline: dt.date
    deadline_detail: Deadline
    eligible: list[RankedReviewer] = Field(default_factory=list)
    excluded: list[Exclusion] = Field(default_factory=list)
    chosen: RankedReviewer | None = None
    reason: str  # why the chosen reviewer, or why nobody

    def contract_dict(self) -> dict:
        """The `openimr assign --json` shape (DESIGN.md): reviewers by code."""
        return {
            "case_number": self.case_number,
            "eligible": [
                {
                    "reviewer": r.code, "rank": r.rank, "score": r.score, "specialty": r.specialty,
                    "matched_specialty": r.matched_specialty, "specialty_fit": r.specialty_fit,
                    "load": r.load, "capacity": r.capacity,
                    "expected_completion": r.expected_completion.isoformat(),
                    "meets_deadline": r.meets_deadline, "why": r.why,
                }
                for r in self.eligible
            ],
            "excluded": [{"reviewer": e.reviewer, "reasons": e.reasons} for e in self.excluded],
            "deadline": self.deadline.isoformat(),
            "deadline_rule": self.deadline_detail.explanation,
            "chosen": self.chosen.code if self.chosen else None,
            "reason": self.reason,
        }


@dataclass
class _Profile:
    """Case-independent facts about one reviewer."""

    reviewer: Reviewer
    problems: tuple[str, ...]
    specialties: tuple[str, ...]  # canonical specialties that count for fit
    signature: int  # index of `specialties` among distinct specialty sets
    printed: str


@dataclass
class PanelIndex:
    """A panel screened once: qualification, specialty sets and an index of affiliation names."""

    reviewers: list[Reviewer]
    rules: Rules
    specialty_map: SpecialtyMap
    profiles: list[_Profile] = field(default_factory=list)
    signatures: list[tuple[str, ...]] = field(default_factory=list)
    affiliations: NameIndex | None = None
    case_ties: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    names: NameIndex | None = None
    _fit_cache: dict[tuple[int, CaseNeed], tuple[float, str, str | None]] = field(default_factory=dict)

    @classmethod
    def build(cls, panel: Sequence[Reviewer], rules: Rules | None = None,
              specialty_map: SpecialtyMap | None = None) -> PanelIndex:
        rules = rules or load_rules()
        smap = specialty_map or load_specialty_map()
        normalizer = NameNormalizer.from_rules(rules.conflicts)
        threshold = rules.conflicts.similarity_threshold
        index = cls(list(panel), rules, smap)
        index.affiliations = NameIndex(normalizer, threshold)
        index.names = NameIndex(normalizer, threshold)
        signature_of: dict[tuple[str, ...], int] = {}
        for i, reviewer in enumerate(index.reviewers):
            specialties = _counted_specialties(reviewer, smap, rules)
            sig = signature_of.setdefault(specialties, len(signature_of))
            if sig == len(index.signatures):
                index.signatures.append(specialties)
            index.profiles.append(_Profile(
                reviewer=reviewer,
                problems=tuple(qualification_problems(reviewer, rules.qualification)),
                specialties=specialties,
                signature=sig,
                printed=printed_specialty(reviewer, smap),
            ))
            for j, aff in enumerate(reviewer.affiliations):
                index.affiliations.add(aff.name, i, j)
                if aff.kind in _TIES_TO_CASE:
                    key = "".join(ch for ch in aff.name.upper() if ch.isalnum())
                    index.case_ties.setdefault(key, []).append((i, j))
            if reviewer.name:
                index.names.add(reviewer.name, i, -1)
        return index

    def fit(self, signature: int, need: CaseNeed) -> tuple[float, str, str | None]:
        """(fit, matched specialty, reason when some item is not covered) for a specialty set."""
        key = (signature, need)
        cached = self._fit_cache.get(key)
        if cached is None:
            cached = _fit(self.signatures[signature], need, self.specialty_map)
            self._fit_cache[key] = cached
        return cached


def _counted_specialties(reviewer: Reviewer, smap: SpecialtyMap, rules: Rules) -> tuple[str, ...]:
    """Specialties that can qualify the reviewer: for MD/DO only board certifications (LC 139.5:
    certification in the relevant area); for other professions their licensed field.  A specialty
    the profession cannot hold (a DC listing Orthopedic Surgery) never counts."""
    if reviewer.degree in rules.qualification.board_certification_required_for:
        names = reviewer.board_certifications
    else:
        names = [*reviewer.specialties, *reviewer.board_certifications]
    out: list[str] = []
    for name in names:
        canonical = smap.canonical(name)
        if canonical and smap.allowed_for_degree(canonical, reviewer.degree) and canonical not in out:
            out.append(canonical)
    return tuple(out)


def printed_specialty(reviewer: Reviewer, smap: SpecialtyMap | None = None) -> str:
    """The "Certification(s)/Specialty" line: certifications (else specialties) as printed."""
    smap = smap or load_specialty_map()
    names = reviewer.board_certifications or reviewer.specialties
    out: list[str] = []
    for name in names:
        printed = smap.canonical(name) or name.strip()
        if printed not in out:
            out.append(printed)
    return ", ".join(out)


def _fit(specialties: tuple[str, ...], need: CaseNeed, smap: SpecialtyMap
         ) -> tuple[float, str, str | None]:
    if not need.items:
        return 0.0, "", "no disputed items to match a specialty against"
    worst = math.inf
    matched = ""
    for label, item_need in need.items:
        scores = dict(item_need)
        best_name, best = "", 0.0
        for name in specialties:
            score = scores.get(name, 0.0)
            if score > best:
                best_name, best = name, score
        if best == 0.0:
            accepted = [name for name, _ in item_need]
            shown = ", ".join(accepted[:6]) + (", ..." if len(accepted) > 6 else "")
            has = ", ".join(specialties) or "no recognized certified specialty"
            return 0.0, "", f"specialty does not cover {label}: has {has}; needs one of {shown or 'none'}"
        if best < worst:
            worst, matched = best, best_name
    bonus = smap.fit.condition_bonus if need.condition_specialties & set(specialties) else 0.0
    return round(worst + bonus, 3), matched, None


def _panel_index(panel: Sequence[Reviewer] | PanelIndex) -> PanelIndex:
    if isinstance(panel, PanelIndex):
        return panel
    return PanelIndex.build(panel)


def assign(
    case: Case,
    panel: Sequence[Reviewer] | PanelIndex,
    requests: Sequence[TreatmentRequest],
    today: dt.date | None = None,
) -> Assignment:
    """Screen every reviewer and rank the eligible ones.  `requests` are the parsed disputed items
    (one per item, in order).  `today` defaults to the case's assignment date, else the start of
    the review clock, so the same case always gives the same answer."""
    index = _panel_index(panel)
    if not index.reviewers:
        raise InputError("panel: no reviewers to assign from")
    deadline = review_deadline(case, requests, index.rules.deadlines)
    today = today or case.date_assigned or deadline.start
    need = index.specialty_map.case_need(
        requests, [d.description for d in case.diagnoses] + [case.summary or ""]
    )
    conflicts = _conflicts(case, index)
    cycle = index.rules.deadlines.cycle_days

    eligible: list[tuple[tuple, _Profile, float, str, dt.date, bool, int]] = []
    excluded: list[Exclusion] = []
    for i, profile in enumerate(index.profiles):
        reviewer = profile.reviewer
        reasons = list(profile.problems)
        reasons.extend(conflicts.get(i, ()))
        fit, matched, mismatch = index.fit(profile.signature, need)
        if mismatch:
            reasons.append(mismatch)
        if reviewer.current_load >= reviewer.capacity:
            reasons.append(f"at full capacity ({reviewer.current_load}/{reviewer.capacity} open cases)")
        if reasons:
            excluded.append(Exclusion(reviewer=reviewer.code, reasons=reasons))
            continue
        days_needed = math.ceil(cycle * (reviewer.current_load + 1) / reviewer.capacity)
        done = today + dt.timedelta(days=days_needed)
        meets = done <= deadline.due
        slack = (deadline.due - done).days
        load_ratio = reviewer.current_load / reviewer.capacity
        key = (not meets, -fit, load_ratio, -slack, reviewer.code)
        eligible.append((key, profile, fit, matched, done, meets, slack))

    eligible.sort(key=lambda row: row[0])
    ranked = [
        _ranked(rank, profile, fit, matched, done, meets, slack, deadline)
        for rank, (_, profile, fit, matched, done, meets, slack) in enumerate(eligible, start=1)
    ]
    chosen = ranked[0] if ranked else None
    return Assignment(
        case_number=case.case_number,
        deadline=deadline.due,
        deadline_detail=deadline,
        eligible=ranked,
        excluded=excluded,
        chosen=chosen,
        reason=_reason(chosen, ranked, excluded, need, deadline),
    )


def _ranked(rank: int, profile: _Profile, fit: float, matched: str, done: dt.date, meets: bool,
            slack: int, deadline: Deadline) -> RankedReviewer:
    reviewer = profile.reviewer
    load_ratio = reviewer.current_load / reviewer.capacity
    why = [
        f"specialty fit {fit:g} through {matched}",
        f"load {reviewer.current_load}/{reviewer.capacity} open cases",
        (f"expected done {done.isoformat()}, {slack} day(s) before the deadline {deadline.due.isoformat()}"
         if meets else
         f"cannot meet the deadline {deadline.due.isoformat()}: expected done {done.isoformat()} "
         "(ranked down)"),
        "qualified and no conflict with any party",
    ]
    score = (1000.0 if meets else 0.0) + 100.0 * fit + 10.0 * (1.0 - load_ratio) \
        + max(0.0, min(slack, 99)) / 100.0
    return RankedReviewer(
        reviewer=reviewer, code=reviewer.code, rank=rank, score=round(score, 3),
        specialty=profile.printed, matched_specialty=matched, specialty_fit=fit,
        load=reviewer.current_load, capacity=reviewer.capacity, expected_completion=done,
        meets_deadline=meets, why=why,
    )


def _reason(chosen: RankedReviewer | None, ranked: list[RankedReviewer],
            excluded: list[Exclusion], need: CaseNeed, deadline: Deadline) -> str:
    if chosen is not None:
        text = (f"{chosen.code} chosen: {chosen.matched_specialty} (fit {chosen.specialty_fit:g}), "
                f"load {chosen.load}/{chosen.capacity}, expected done "
                f"{chosen.expected_completion.isoformat()} for a deadline of {deadline.due.isoformat()}")
        if not chosen.meets_deadline:
            text += "; WARNING: no eligible reviewer can finish before the deadline"
        return text
    counts: dict[str, int] = {}
    for exclusion in excluded:
        for kind in {_reason_kind(r) for r in exclusion.reasons}:
            counts[kind] = counts.get(kind, 0) + 1
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    wanted: list[str] = []
    for _, item_need in need.items:
        for name, _fit_score in item_need:
            if name not in wanted:
                wanted.append(name)
    return (f"no eligible reviewer: all {len(excluded)} excluded ({summary}); the disputed items "
            f"need a qualified, conflict-free reviewer in {', '.join(wanted[:8]) or 'a matching specialty'}"
            " with capacity; add one to the panel or refer the case")


def _reason_kind(reason: str) -> str:
    if reason.startswith("specialty"):
        return "specialty mismatch"
    if reason.startswith("conflict"):
        return "conflict of interest"
    if reason.startswith("at full capacity"):
        return "at capacity"
    return "not qualified"


def _conflicts(case: Case, index: PanelIndex) -> dict[int, list[str]]:
    """Reviewer position -> conflict reasons."""
    out: dict[int, list[str]] = {}
    assert index.affiliations is not None and index.names is not None
    for role, name in case_parties(case):
        for pos, score in index.affiliations.lookup(name):
            for owner, entry in index.affiliations.owners[pos]:
                aff = index.reviewers[owner].affiliations[entry]
                rel = f" ({aff.relationship})" if aff.relationship else ""
                how = "same name" if score >= 99.5 else f"name similarity {score:.0f}"
                _add(out, owner, f"conflict: {aff.kind.replace('_', ' ')} affiliation "
                                 f"'{aff.name}'{rel} matches {role} '{name}' ({how})")
    case_key = "".join(ch for ch in case.case_number.upper() if ch.isalnum())
    for owner, entry in index.case_ties.get(case_key, ()):
        aff = index.reviewers[owner].affiliations[entry]
        _add(out, owner, f"conflict: {aff.kind.replace('_', ' ')} tie to this case ({aff.name})")
    for role, name in case_people(case):
        for pos, score in index.names.lookup(name):
            for owner, _ in index.names.owners[pos]:
                how = "same name" if score >= 99.5 else f"name similarity {score:.0f}"
                _add(out, owner, f"conflict: the reviewer is the {role} '{name}' ({how})")
    return out


def _add(out: dict[int, list[str]], owner: int, reason: str) -> None:
    reasons = out.setdefault(owner, [])
    if reason not in reasons:
        reasons.append(reason)


def credentials(reviewer: Reviewer, specialty: str | None = None) -> ReviewerCredentials:
    """What the letter's first section prints: licensure states in full and the specialty line
    as letters print it ("Physical Medicine & Rehabilitation")."""
    smap = load_specialty_map()
    states = state_names()
    licensure: list[str] = []
    for lic in reviewer.licenses:
        if lic.status == "active":
            full = states.get(lic.state.upper(), lic.state)
            if full not in licensure:
                licensure.append(full)
    if specialty:
        parts = [p.strip() for p in specialty.split(",") if p.strip()]
        printed: list[str] = []
        for part in parts:
            name = smap.canonical(part) or part
            if name not in printed:
                printed.append(name)
        line = ", ".join(printed)
    else:
        line = printed_specialty(reviewer, smap)
    return ReviewerCredentials(code=reviewer.code, licensure=licensure, specialty=line)
