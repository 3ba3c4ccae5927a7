"""The pipeline stages the API wires together, behind one small seam so tests can stand in.

A stand-in may raise `StageUnavailable` (a stage this deployment lacks): the API answers 503.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from openimr.domain import Case, Determination, Reviewer
from openimr.engine.pipeline import assign_reviewer, decide_case
from openimr.intake.screen import screen_batch
from openimr.letters.render import render_letter
from openimr.reviewers import load_panel
from openimr.store.lifecycle import INELIGIBLE_REASONS


class StageUnavailable(Exception):
    """A pipeline stage this deployment does not have (yet)."""


@dataclass(frozen=True)
class Screening:
    eligible: bool
    reason: str | None = None  # the first INELIGIBLE_REASONS key when not eligible
    reasons: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


# intake.screen's codes that the lifecycle spells differently
_REASON_ALIASES = {"cnc": "conditional_non_certification"}


def screen_case(case: Case, earlier: Sequence[Case] = ()) -> Screening:
    """intake's screening, with its reason codes in the lifecycle's spelling. `earlier`: other
    stored applications the case may duplicate (the earliest received one is the original)."""
    result = screen_batch([*earlier, case])[-1]
    if result.eligible:
        return Screening(eligible=True)
    codes = [_REASON_ALIASES.get(code, code) for code in result.reasons]
    known = [code for code in codes if code in INELIGIBLE_REASONS]
    if not known:
        raise StageUnavailable(f"screening gave reasons this store does not know: {codes}")
    return Screening(eligible=False, reason=known[0], reasons=known, messages=list(result.messages))


def pick_reviewer(case: Case, today: dt.date) -> tuple[str, Reviewer | None, dict]:
    """The best qualified, conflict-free reviewer of the sample panel for the case."""
    panel = load_panel()
    chosen = assign_reviewer(case, panel, today)
    if chosen is None:
        return "", None, {}
    reviewer = next((r for r in panel if r.code == chosen.code), None)
    return chosen.code, reviewer, {"specialty": chosen.specialty, "licensure": chosen.licensure}


def panel_reviewer(code: str) -> Reviewer | None:
    """The panel entry for a reviewer code, so a hand assignment keeps the credentials too."""
    return next((r for r in load_panel() if r.code == code), None)


def decide(case: Case, reviewer: Reviewer | None) -> Determination:
    return decide_case(case, panel=[reviewer] if reviewer else None)


def render(det: Determination, fmt: str) -> str | bytes:
    return render_letter(det, fmt)


@dataclass
class Services:
    screen: Callable[[Case, Sequence[Case]], Screening] = screen_case
    pick_reviewer: Callable[[Case, dt.date], tuple[str, Reviewer | None, dict]] = pick_reviewer
    panel_reviewer: Callable[[str], Reviewer | None] = panel_reviewer
    decide: Callable[[Case, Reviewer | None], Determination] = decide
    render: Callable[[Determination, str], str | bytes] = render
