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
from operator import attrgetter

import numpy as np
from pydantic import Field, PrivateAttr, computed_field

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
_LOAD = attrgetter("current_load")
_CAPACITY = attrgetter("capacity")


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
    """The screening result.  `eligible` and `excluded` are built on first access from the
    screening snapshot (every decision is already made by `assign`): materializing 500
    explanation objects per case would otherwise dominate bulk assignment."""

    case_number: str
    deadline: dt.date
    deadline_detail: Deadline
    chosen: RankedReviewer | None = None
    reason: str  # why the chosen reviewer, or why nobody
    _screen: _Screen | None = PrivateAttr(default=None)
    _eligible: list[RankedReviewer] | None = PrivateAttr(default=None)
    _excluded: list[Exclusion] | None = PrivateAttr(default=None)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def eligible(self) -> list[RankedReviewer]:
        """Eligible reviewers, best first."""
        if self._eligible is None:
            self._eligible = self._screen.ranked() if self._screen else []
        return self._eligible

    @computed_field  # type: ignore[prop-decorator]
    @property
    def excluded(self) -> list[Exclusion]:
        """Every excluded reviewer, in panel order, with all its reasons."""
        if self._excluded is None:
            self._excluded = self._screen.exclusions() if self._screen else []
        return self._excluded

    @property
    def eligible_codes(self) -> list[str]:
        """Eligible reviewer codes, best first, without building the explanations."""
        return self._screen.eligible_codes() if self._screen else []

    @property
    def excluded_count(self) -> int:
        return self._screen.excluded_count() if self._screen else 0

    def contract_dict(self) -> dict:
        """The `openimr assign --json` shape (DESIGN.md): reviewers by code."""
        return {
            "case_number": self.case_number,
            "eligible": [
                {
                    "reviewer": r.code,
                    "rank": r.rank,
                    "score": r.score,
                    "specialty": r.specialty,
                    "matched_specialty": r.matched_specialty,
                    "specialty_fit": r.specialty_fit,
                    "load": r.load,
                    "capacity": r.capacity,
                    "expected_completion": r.expected_completion.isoformat(),
                    "meets_deadline": r.meets_deadline,
                    "why": r.why,
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
    qualified: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    signature_of: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    code_rank: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    _need_cache: dict[CaseNeed, _NeedFit] = field(default_factory=dict)
    _holds_matrix: tuple[np.ndarray, dict[str, int]] | None = None

    @classmethod
    def build(
        cls,
        panel: Sequence[Reviewer],
        rules: Rules | None = None,
        specialty_map: SpecialtyMap | None = None,
    ) -> PanelIndex:
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
            index.profiles.append(
                _Profile(
                    reviewer=reviewer,
                    problems=tuple(qualification_problems(reviewer, rules.qualification)),
                    specialties=specialties,
                    signature=sig,
                    printed=printed_specialty(reviewer, smap),
                )
            )
            for j, aff in enumerate(reviewer.affiliations):
                index.affiliations.add(aff.name, i, j)
                if aff.kind in _TIES_TO_CASE:
                    key = "".join(ch for ch in aff.name.upper() if ch.isalnum())
                    index.case_ties.setdefault(key, []).append((i, j))
            if reviewer.name:
                index.names.add(reviewer.name, i, -1)
        index.qualified = np.array([not p.problems for p in index.profiles], dtype=bool)
        index.signature_of = np.array([p.signature for p in index.profiles], dtype=np.int64)
        order = sorted(range(len(index.reviewers)), key=lambda k: index.reviewers[k].code)
        index.code_rank = np.empty(len(order), dtype=np.int64)
        index.code_rank[order] = np.arange(len(order))
        return index

    def need_fit(self, need: CaseNeed) -> _NeedFit:
        """Fit of every distinct specialty set of the panel to a case's needs (memoized).

        Vectorized: holds[s, k] says specialty set s holds specialty k; an item's need is a
        vector of fits over k; a set's fit to the item is the best of what it holds, and to the
        case the worst over items (every item must be covered)."""
        cached = self._need_cache.get(need)
        if cached is None:
            holds, column = self._holds()
            fits = np.full(len(self.signatures), np.inf)
            for _, item_need in need.items:
                vector = np.zeros(len(column))
                for name, score in item_need:
                    vector[column[name]] = score
                fits = np.minimum(fits, (holds * vector).max(axis=1, initial=0.0))
            if not need.items:
                fits = np.zeros(len(self.signatures))
            if need.condition_specialties:
                treats = np.zeros(len(column))
                treats[[column[n] for n in need.condition_specialties]] = 1.0
                bonus = ((holds @ treats) > 0) & (fits > 0)
                fits = fits + bonus * self.specialty_map.fit.condition_bonus
            cached = _NeedFit(np.round(fits, 3), need, self)
            if len(self._need_cache) > 4096:  # bound memory on endless distinct cases
                self._need_cache.clear()
            self._need_cache[need] = cached
        return cached

    def _holds(self) -> tuple[np.ndarray, dict[str, int]]:
        if self._holds_matrix is None:
            column = {name: k for k, name in enumerate(sorted(self.specialty_map.rows))}
            holds = np.zeros((len(self.signatures), len(column)))
            for s, names in enumerate(self.signatures):
                for name in names:
                    holds[s, column[name]] = 1.0
            self._holds_matrix = (holds, column)
        return self._holds_matrix


class _NeedFit:
    """Fits per specialty set; the words (matched specialty, mismatch) are written on demand."""

    def __init__(self, fits: np.ndarray, need: CaseNeed, index: PanelIndex) -> None:
        self.fits = fits
        self.need = need
        self._index = index
        self._words: dict[int, tuple[float, str, str | None]] = {}

    def _explain(self, signature: int) -> tuple[float, str, str | None]:
        words = self._words.get(signature)
        if words is None:
            words = _fit(self._index.signatures[signature], self.need, self._index.specialty_map)
            self._words[signature] = words
        return words

    def matched(self, signature: int) -> str:
        return self._explain(signature)[1]

    def mismatch(self, signature: int) -> str | None:
        return self._explain(signature)[2]


@dataclass
class _Screen:
    """Everything `assign` decided for one case, kept to explain it on demand.  Loads and
    capacities are copied, so later changes to the panel do not rewrite the explanation."""

    index: PanelIndex
    need_fit: _NeedFit
    conflicts: dict[int, list[_Conflict]]
    loads: np.ndarray
    capacities: np.ndarray
    ok: np.ndarray
    order: np.ndarray  # eligible reviewer positions, best first
    fit: np.ndarray  # per eligible position in `order`
    done_days: np.ndarray
    meets: np.ndarray
    slack: np.ndarray
    today: dt.date
    deadline: Deadline

    def eligible_codes(self) -> list[str]:
        return [self.index.reviewers[int(i)].code for i in self.order]

    def excluded_count(self) -> int:
        return int(len(self.ok) - self.ok.sum())

    def ranked_one(self, k: int) -> RankedReviewer:
        i = int(self.order[k])
        profile = self.index.profiles[i]
        load, capacity = int(self.loads[i]), int(self.capacities[i])
        ranked = _ranked(
            k + 1,
            profile,
            float(self.fit[k]),
            self.need_fit.matched(profile.signature),
            load,
            capacity,
            self.today + dt.timedelta(days=int(self.done_days[k])),
            bool(self.meets[k]),
            int(self.slack[k]),
            self.deadline,
        )
        treats = sorted(self.need_fit.need.condition_specialties & set(profile.specialties))
        if treats:
            ranked.why.insert(
                1,
                f"treats the diagnosed condition ({', '.join(treats)}): "
                f"+{self.index.specialty_map.fit.condition_bonus:g} fit",
            )
        return ranked

    def ranked(self) -> list[RankedReviewer]:
        return [self.ranked_one(k) for k in range(len(self.order))]

    def exclusions(self) -> list[Exclusion]:
        out: list[Exclusion] = []
        for i in np.flatnonzero(~self.ok):
            i = int(i)
            profile = self.index.profiles[i]
            reasons = list(profile.problems)
            for conflict in self.conflicts.get(i, ()):
                words = _conflict_words(profile.reviewer, conflict)
                if words not in reasons:
                    reasons.append(words)
            if self.need_fit.fits[profile.signature] <= 0:
                reasons.append(
                    self.need_fit.mismatch(profile.signature) or "specialty does not match"
                )
            if self.loads[i] >= self.capacities[i]:
                reasons.append(
                    f"at full capacity ({int(self.loads[i])}/{int(self.capacities[i])} open cases)"
                )
            out.append(Exclusion(reviewer=profile.reviewer.code, reasons=reasons))
        return out


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
        if (
            canonical
            and smap.allowed_for_degree(canonical, reviewer.degree)
            and canonical not in out
        ):
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


def _fit(
    specialties: tuple[str, ...], need: CaseNeed, smap: SpecialtyMap
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
            return (
                0.0,
                "",
                f"specialty does not cover {label}: has {has}; needs one of {shown or 'none'}",
            )
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
    need_fit = index.need_fit(need)
    conflicts = _conflicts(case, index)
    n = len(index.reviewers)
    loads = np.fromiter(map(_LOAD, index.reviewers), dtype=np.int64, count=n)
    capacities = np.fromiter(map(_CAPACITY, index.reviewers), dtype=np.int64, count=n)

    fit_all = need_fit.fits[index.signature_of]
    ok = index.qualified & (fit_all > 0) & (loads < capacities)
    if conflicts:
        ok[list(conflicts)] = False
    eligible = np.flatnonzero(ok)

    # Workload model: `capacity` cases per cycle, in order, so this case is done after
    # ceil(cycle * (load + 1) / capacity) days (integer arithmetic: no float rounding).
    cycle = index.rules.deadlines.cycle_days
    load_e, cap_e = loads[eligible], capacities[eligible]
    done_days = -(-(cycle * (load_e + 1)) // cap_e)
    days_left = (deadline.due - today).days
    meets = done_days <= days_left
    slack = days_left - done_days
    fit_e = fit_all[eligible]
    # np.lexsort: the last key is the primary one.
    order_in_e = np.lexsort((index.code_rank[eligible], -slack, load_e / cap_e, -fit_e, ~meets))
    screen = _Screen(
        index=index,
        need_fit=need_fit,
        conflicts=conflicts,
        loads=loads,
        capacities=capacities,
        ok=ok,
        order=eligible[order_in_e],
        fit=fit_e[order_in_e],
        done_days=done_days[order_in_e],
        meets=meets[order_in_e],
        slack=slack[order_in_e],
        today=today,
        deadline=deadline,
    )
    chosen = screen.ranked_one(0) if len(screen.order) else None
    result = Assignment(
        case_number=case.case_number,
        deadline=deadline.due,
        deadline_detail=deadline,
        chosen=chosen,
        reason=_reason(chosen, screen, need, deadline),
    )
    result._screen = screen
    return result


def _ranked(
    rank: int,
    profile: _Profile,
    fit: float,
    matched: str,
    load: int,
    capacity: int,
    done: dt.date,
    meets: bool,
    slack: int,
    deadline: Deadline,
) -> RankedReviewer:
    reviewer = profile.reviewer
    load_ratio = load / capacity
    why = [
        f"specialty fit {fit:g} through {matched}",
        f"load {load}/{capacity} open cases",
        (
            f"expected done {done.isoformat()}, {slack} day(s) before the deadline {deadline.due.isoformat()}"
            if meets
            else f"cannot meet the deadline {deadline.due.isoformat()}: expected done {done.isoformat()} "
            "(ranked down)"
        ),
        "qualified and no conflict with any party",
    ]
    score = (
        (1000.0 if meets else 0.0)
        + 100.0 * fit
        + 10.0 * (1.0 - load_ratio)
        + max(0.0, min(slack, 99)) / 100.0
    )
    return RankedReviewer(
        reviewer=reviewer,
        code=reviewer.code,
        rank=rank,
        score=round(score, 3),
        specialty=profile.printed,
        matched_specialty=matched,
        specialty_fit=fit,
        load=load,
        capacity=capacity,
        expected_completion=done,
        meets_deadline=meets,
        why=why,
    )


def _reason(
    chosen: RankedReviewer | None, screen: _Screen, need: CaseNeed, deadline: Deadline
) -> str:
    if chosen is not None:
        text = (
            f"{chosen.code} chosen: {chosen.matched_specialty} (fit {chosen.specialty_fit:g}), "
            f"load {chosen.load}/{chosen.capacity}, expected done "
            f"{chosen.expected_completion.isoformat()} for a deadline of {deadline.due.isoformat()}"
        )
        if not chosen.meets_deadline:
            text += "; WARNING: no eligible reviewer can finish before the deadline"
        return text
    excluded = screen.exclusions()
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
    return (
        f"no eligible reviewer: all {len(excluded)} excluded ({summary}); the disputed items "
        f"need a qualified, conflict-free reviewer in {', '.join(wanted[:8]) or 'a matching specialty'}"
        " with capacity; add one to the panel or refer the case"
    )


def _reason_kind(reason: str) -> str:
    if reason.startswith("specialty"):
        return "specialty mismatch"
    if reason.startswith("conflict"):
        return "conflict of interest"
    if reason.startswith("at full capacity"):
        return "at capacity"
    return "not qualified"


# A conflict found by screening, kept raw and put into words only when explained:
# (kind of tie, what the reviewer declared, the party's role, the party's name, similarity).
_Conflict = tuple[str, int, str, str, float]


def _conflicts(case: Case, index: PanelIndex) -> dict[int, list[_Conflict]]:
    """Reviewer position -> conflicts with the parties (and people) of the case."""
    out: dict[int, list[_Conflict]] = {}
    assert index.affiliations is not None and index.names is not None
    parties = case_parties(case)
    matches = index.affiliations.lookup_many([name for _, name in parties])
    for (role, name), found in zip(parties, matches, strict=True):
        for pos, score in found:
            for owner, entry in index.affiliations.owners[pos]:
                out.setdefault(owner, []).append(("affiliation", entry, role, name, score))
    case_key = "".join(ch for ch in case.case_number.upper() if ch.isalnum())
    for owner, entry in index.case_ties.get(case_key, ()):
        out.setdefault(owner, []).append(("case", entry, "", "", 100.0))
    if not index.names.names:
        return out
    people = case_people(case)
    matches = index.names.lookup_many([name for _, name in people])
    for (role, name), found in zip(people, matches, strict=True):
        for pos, score in found:
            for owner, _ in index.names.owners[pos]:
                out.setdefault(owner, []).append(("person", -1, role, name, score))
    return out


def _conflict_words(reviewer: Reviewer, conflict: _Conflict) -> str:
    tie, entry, role, name, score = conflict
    how = "same name" if score >= 99.5 else f"name similarity {score:.0f}"
    if tie == "person":
        return f"conflict: the reviewer is the {role} '{name}' ({how})"
    aff = reviewer.affiliations[entry]
    kind = aff.kind.replace("_", " ")
    if tie == "case":
        return f"conflict: {kind} tie to this case ({aff.name})"
    rel = f" ({aff.relationship})" if aff.relationship else ""
    return f"conflict: {kind} affiliation '{aff.name}'{rel} matches {role} '{name}' ({how})"


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
