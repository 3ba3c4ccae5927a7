"""The pipeline stages the API wires together, behind one small seam so tests can stand in.

A stand-in may raise `StageUnavailable` (a stage this deployment lacks): the API answers 503.
Review actions themselves (assign, decide, override, sign) are the review service's
(`openimr.review.service.ReviewService`), built over these stages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from openimr.domain import Case, Determination, Reviewer
from openimr.engine.pipeline import decide_case
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


def decide(case: Case, reviewer: Reviewer | None) -> Determination:
    return decide_case(case, panel=[reviewer] if reviewer else None)


def render(det: Determination, fmt: str) -> str | bytes:
    return render_letter(det, fmt)


def sample_panel() -> list[Reviewer]:
    return load_panel()


@dataclass
class Services:
    screen: Callable[[Case, Sequence[Case]], Screening] = screen_case
    panel: Callable[[], list[Reviewer]] = sample_panel
    decide: Callable[[Case, Reviewer | None], Determination] = decide
    render: Callable[[Determination, str], str | bytes] = render
