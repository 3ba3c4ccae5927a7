"""The review service: the review actions on stored cases (assign, decide, override, edit,
sign) and what the workbench reads (the case with its deadline and what blocks signing). The
CLI, the API and the web pages call `ReviewService`; its results are typed pydantic models.

The pure rules it applies are in `openimr.review.determination` (re-exported here).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from pydantic import BaseModel, Field

from openimr.domain import Case, Determination, Override, Reviewer
from openimr.domain.determination import Outcome
from openimr.domain.reviewer import ReviewerCredentials
from openimr.engine.pipeline import assign_reviewer, decide_case
from openimr.errors import NotFoundError, StateError
from openimr.review.determination import (
    ATTESTATION,
    MAX_REASON,
    MAX_TEXT,
    check_draft,
    draft,
    edit_summary,
    item_number,
    now,
    override_item,
    screen_reviewer,
    sign_determination,
    signing_problems,
)
from openimr.reviewers import credentials, load_panel
from openimr.store import CaseSummary, Store, StoredCase, lifecycle

__all__ = [
    "ATTESTATION",
    "MAX_REASON",
    "MAX_TEXT",
    "DeadlineStatus",
    "ReviewChange",
    "ReviewService",
    "ReviewView",
    "deadline_status",
    "draft",
    "edit_summary",
    "item_number",
    "override_item",
    "screen_reviewer",
    "sign_determination",
    "signing_problems",
]


class DeadlineStatus(BaseModel):
    """The statutory clock of an open case (LC 4610.6(d): 30 days, expedited 3, from records)."""

    case_number: str
    due: dt.date | None  # the decision deadline once records are complete, else the records one
    due_kind: str | None  # "decision" or "records"
    days_left: int | None  # negative when overdue
    overdue: bool


class ReviewChange(BaseModel):
    """What an override or edit produced: the new draft and the change recorded."""

    determination: Determination
    change: Override
    problems: list[str] = Field(default_factory=list)  # what still blocks signing


class ReviewView(BaseModel):
    """Everything the workbench shows for one case."""

    case: StoredCase
    deadline: DeadlineStatus
    problems: list[str] = Field(default_factory=list)  # signing_problems of the latest draft


def deadline_status(summary: CaseSummary, today: dt.date) -> DeadlineStatus:
    """Days left to the case's pending deadline (decision once records are complete, else
    records), and whether it has passed; the same rule as the store's `cases list`."""
    due, kind = lifecycle.pending_deadline(summary.records_due, summary.decision_due)
    days = lifecycle.days_left(due, today)
    return DeadlineStatus(
        case_number=summary.case_number,
        due=due,
        due_kind=kind,
        days_left=days,
        overdue=days is not None and days < 0,
    )


# ----------------------------------------------------------------------------- with the store

Decider = Callable[[Case, "Reviewer | None"], Determination]


def _decide_with(case: Case, reviewer: Reviewer | None) -> Determination:
    return decide_case(case, panel=[reviewer] if reviewer else None)


class ReviewService:
    """The review actions on stored cases. `panel`: the reviewer panel (default the sample
    panel); `decider`: the engine (tests pass a stand-in). `actor` names who acts, for the
    audit log; `scope` confines a reviewer to the cases assigned to them."""

    def __init__(
        self,
        store: Store,
        panel: Callable[[], list[Reviewer]] | None = None,
        decider: Decider | None = None,
        panel_source: str = "the sample panel",
    ) -> None:
        self.store = store
        self._panel = panel or load_panel
        self._decide = decider or _decide_with
        self.panel_source = panel_source

    def panel(self) -> list[Reviewer]:
        return self._panel()

    # -- assignment

    def assign(
        self,
        number: str,
        actor: str,
        reviewer: str | None = None,
        on: dt.date | None = None,
        today: dt.date | None = None,
    ) -> CaseSummary:
        """Assign a named reviewer (screened: on the panel, qualified, conflict-free) or, with
        none named, the panel's best match."""
        case = self.store.get_case(number, actor).case
        panel = self.panel()
        if reviewer:
            chosen = screen_reviewer(case, reviewer, panel, on, self.panel_source)
            return self.store.assign(number, chosen, actor, on=on)
        picked = assign_reviewer(case, panel, on or today or now().date())
        if picked is None:
            raise StateError(f"case {number}: no qualified, conflict-free reviewer on the panel")
        entry = next(r for r in panel if r.code == picked.code)
        detail = {"specialty": picked.specialty, "licensure": picked.licensure}
        return self.store.assign(number, entry, actor, detail=detail, on=on)

    # -- drafting

    def decide(self, number: str, actor: str, scope: str | None = None) -> Determination:
        """Run the engine for a stored case and store its draft (drafted once records are in)."""
        stored = self.store.get_case(number, actor, reviewer=scope)
        code = stored.summary.assigned_reviewer
        det = self._decide(stored.case, self.store.reviewer(code) if code else None)
        self.store.save_determination(det, actor)
        return det

    def record_draft(self, case: Case, det: Determination, actor: str) -> CaseSummary:
        """Keep a draft made from a case file (`openimr decide`); never blocks the caller."""
        return self.store.record_decision(case, det, actor)

    # -- the physician's changes

    def _editable(
        self, number: str, actor: str, reviewer_code: str, scope: str | None
    ) -> Determination:
        stored = self.store.get_case(number, actor, reviewer=scope)
        det = stored.determination
        if det is None:
            raise NotFoundError(f"case {number}: no draft yet; decide it first")
        check_draft(det)
        assigned = stored.summary.assigned_reviewer or (det.reviewer.code if det.reviewer else None)
        if reviewer_code != assigned:
            raise StateError(
                f"case {number}: reviewer {reviewer_code} is not the assigned reviewer "
                f"({assigned or 'nobody'}); only the assigned reviewer may change the draft"
            )
        return det

    def override(
        self,
        number: str,
        item: str | int,
        reviewer_code: str,
        actor: str,
        *,
        reason: str | None = None,
        outcome: Outcome | None = None,
        rationale: str | None = None,
        at: dt.datetime | None = None,
        scope: str | None = None,
    ) -> ReviewChange:
        """Change an item's outcome (reason required) and/or rationale; 1-based `item` or id."""
        det = self._editable(number, actor, reviewer_code, scope)
        updated, changes = override_item(
            det, item, reviewer_code, reason=reason, outcome=outcome, rationale=rationale, at=at
        )
        self.store.save_revision(updated, changes, actor)
        return ReviewChange(
            determination=updated, change=changes[-1], problems=signing_problems(updated)
        )

    def edit_summary(
        self,
        number: str,
        text: str,
        reviewer_code: str,
        actor: str,
        *,
        reason: str | None = None,
        at: dt.datetime | None = None,
        scope: str | None = None,
    ) -> ReviewChange:
        """Rewrite the clinical case summary."""
        det = self._editable(number, actor, reviewer_code, scope)
        updated, change = edit_summary(det, text, reviewer_code, reason=reason, at=at)
        self.store.save_revision(updated, [change], actor)
        return ReviewChange(
            determination=updated, change=change, problems=signing_problems(updated)
        )

    # -- signing

    def credentials_of(self, code: str, det: Determination | None = None) -> ReviewerCredentials:
        """What the letter prints for the signer: their stored panel entry, else the panel's;
        the specialty line the assignment chose is kept when it is theirs."""
        reviewer = self.store.reviewer(code) or next(
            (r for r in self.panel() if r.code == code), None
        )
        specialty = (
            det.reviewer.specialty if det and det.reviewer and det.reviewer.code == code else None
        )
        if reviewer is None:
            if det is not None and det.reviewer is not None and det.reviewer.code == code:
                return det.reviewer
            raise NotFoundError(f"reviewer {code}: no credentials on file (not on the panel)")
        return credentials(reviewer, specialty)

    def sign(
        self, number: str, reviewer_code: str, actor: str, when: dt.datetime | None = None
    ) -> Determination:
        """The assigned reviewer signs the stored draft: drafted -> signed."""
        latest = self.store.determination(number, actor, reviewer=reviewer_code)
        signer = self.credentials_of(reviewer_code, latest)

        def _sign(
            det: Determination, code: str, assigned: str | None, at: dt.datetime | None
        ) -> Determination:
            return sign_determination(det, code, assigned, at, signer)

        return self.store.sign(number, reviewer_code, actor, when=when, signer=_sign)

    # -- reading

    def view(
        self, number: str, actor: str, scope: str | None = None, today: dt.date | None = None
    ) -> ReviewView:
        stored = self.store.get_case(number, actor, reviewer=scope)
        det = stored.determination
        problems = signing_problems(det) if det is not None and det.status == "draft" else []
        return ReviewView(
            case=stored,
            deadline=deadline_status(stored.summary, today or now().date()),
            problems=problems,
        )

    def deadlines(
        self, actor: str, scope: str | None = None, today: dt.date | None = None
    ) -> list[DeadlineStatus]:
        day = today or now().date()
        return [deadline_status(s, day) for s in self.store.list_cases(actor, reviewer=scope)]
