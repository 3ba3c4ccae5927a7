"""The pipeline stages the API wires together, behind one small seam so tests can stand in.

Each default imports its stage lazily; a stage that is not installed answers 503, not 500.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from openimr.domain import Case, Determination, Reviewer
from openimr.store.lifecycle import INELIGIBLE_REASONS


class StageUnavailable(Exception):
    """A pipeline stage this deployment does not have (yet)."""


@dataclass(frozen=True)
class Screening:
    eligible: bool
    reason: str | None = None  # an INELIGIBLE_REASONS key when not eligible
    messages: list[str] = field(default_factory=list)


# Words in a screener's reason that identify our reason codes.
_REASON_WORDS = {
    "late": ("late", "timel", "30 days", "untimely"),
    "unsigned": ("sign",),
    "no_ur_decision": ("ur decision", "not attached", "attached"),
    "conditional_non_certification": ("conditional",),
    "duplicate": ("duplicate", "already decided", "earlier imr"),
}


def _reason_code(text: str) -> str | None:
    low = text.lower()
    if low in INELIGIBLE_REASONS:
        return low
    for code, words in _REASON_WORDS.items():
        if any(word in low for word in words):
            return code
    return None


@contextmanager
def _stage(what: str) -> Iterator[None]:
    """A stage missing in this deployment (or a module it needs) is 503, not a server crash."""
    try:
        yield
    except ImportError as exc:
        raise StageUnavailable(f"{what} is not available ({exc.name or exc})") from None


def screen_case(case: Case) -> Screening:
    """intake.screen when installed; else the checks the case file itself can answer."""
    try:
        from openimr.intake import screen  # type: ignore[attr-defined]
    except ImportError:
        return _basic_screen(case)
    result = screen(case)
    if getattr(result, "eligible", False):
        return Screening(eligible=True)
    texts = [getattr(r, "code", None) or getattr(r, "message", None) or str(r)
             for r in getattr(result, "reasons", [])]
    codes = [c for c in (_reason_code(str(t)) for t in texts) if c]
    return Screening(eligible=False, reason=codes[0] if codes else "late",
                     messages=[str(t) for t in texts])


def _basic_screen(case: Case) -> Screening:
    checks = [
        (not case.application_signed, "unsigned", "application not signed"),
        (not case.ur_decision_attached, "no_ur_decision", "no UR decision attached"),
        (case.ur_decision.conditional_non_certification, "conditional_non_certification",
         "UR decision is a conditional non-certification"),
        # 30 days from service; service by mail adds 5 days (8 CCR 9792.10.1, CCR 10605)
        ((case.application_received - case.ur_decision.date).days > 35, "late",
         "application filed more than 30 days after service of the UR decision"),
    ]
    for failed, code, message in checks:
        if failed:
            return Screening(eligible=False, reason=code, messages=[message])
    return Screening(eligible=True)


def pick_reviewer(case: Case, today: dt.date) -> tuple[str, Reviewer | None, dict]:
    """The best qualified, conflict-free reviewer of the sample panel for the case."""
    with _stage("reviewer assignment"):
        from openimr.engine.pipeline import assign_reviewer
        from openimr.reviewers import load_panel  # type: ignore[attr-defined]

        panel = load_panel()
        chosen = assign_reviewer(case, panel, today)
    if chosen is None:
        return "", None, {}
    reviewer = next((r for r in panel if r.code == chosen.code), None)
    return chosen.code, reviewer, {"specialty": chosen.specialty, "licensure": chosen.licensure}


def panel_reviewer(code: str) -> Reviewer | None:
    """The panel entry for a reviewer code, so a hand assignment keeps the credentials too."""
    try:
        with _stage("the reviewer panel"):
            from openimr.reviewers import load_panel  # type: ignore[attr-defined]

            return next((r for r in load_panel() if r.code == code), None)
    except StageUnavailable:
        return None  # the code alone is still a valid assignment


def decide(case: Case, reviewer: Reviewer | None) -> Determination:
    with _stage("the decision engine"):
        from openimr.engine.pipeline import decide_case

        return decide_case(case, panel=[reviewer] if reviewer else None)


def render(det: Determination, fmt: str) -> str | bytes:
    with _stage("letter rendering"):
        from openimr.letters.render import render_letter

        return render_letter(det, fmt)


@dataclass
class Services:
    screen: Callable[[Case], Screening] = screen_case
    pick_reviewer: Callable[[Case, dt.date], tuple[str, Reviewer | None, dict]] = pick_reviewer
    panel_reviewer: Callable[[str], Reviewer | None] = panel_reviewer
    decide: Callable[[Case, Reviewer | None], Determination] = decide
    render: Callable[[Determination, str], str | bytes] = render
