"""The review service: draft, assign, override, edit, sign. The CLI, the API and the web pages
call these functions and nothing else to change a case's review.

Two layers: pure functions on a Determination (`override_item`, `edit_summary`,
`signing_problems`, `sign_determination`, `screen_reviewer`, `deadline_status`) that the
`--no-store` CLI uses too, and `ReviewService`, which reads and writes the store around them.
Every refusal is an `openimr.errors` exception with a one-line message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from pydantic import BaseModel, Field

from openimr.domain import Case, Determination, Override, Reviewer
from openimr.domain.determination import Outcome, OverrideField, Signature
from openimr.domain.reviewer import ReviewerCredentials
from openimr.engine.decide import choose_outcome
from openimr.engine.pipeline import assign_reviewer, decide_case, parse_items
from openimr.errors import InputError, NotFoundError, StateError
from openimr.review.conclusion import stated_outcome
from openimr.reviewers import assign, credentials, load_panel
from openimr.store import CaseSummary, Store, StoredCase, lifecycle

# The one attestation a signature carries (the letter prints it under the signature).
ATTESTATION = (
    "I have reviewed the complete case file and the determination above, have no affiliation with "
    "any party to this dispute, and adopt the decisions and rationales as my own."
)
MAX_REASON = 2000
MAX_TEXT = 100_000  # a rationale or summary the physician writes


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


# ----------------------------------------------------------------------------- pure functions


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _opposite(outcome: Outcome) -> Outcome:
    return "Overturned" if outcome == "Upheld" else "Upheld"


def item_number(det: Determination, item: str | int) -> int:
    """The 1-based number of an item given as its number ("2") or its id."""
    text = str(item).strip()
    ids = [i.item_id for i in det.items]
    if text in ids and not text.isdigit():
        return ids.index(text) + 1
    if text.isdigit() and 1 <= int(text) <= len(det.items):
        return int(text)
    if text in ids:
        return ids.index(text) + 1
    raise NotFoundError(
        f"item: case {det.case_number} has no item {text!r} (items 1-{len(det.items)})"
    )


def _require_reason(reason: str | None, what: str) -> str:
    text = " ".join((reason or "").split())
    if not text:
        raise InputError(f"reason: required to change {what}")
    if len(text) > MAX_REASON:
        raise InputError(f"reason: longer than {MAX_REASON} characters")
    return text


def _require_text(text: str | None, field: str) -> str:
    value = (text or "").strip()
    if not value:
        raise InputError(f"{field}: empty")
    if len(value) > MAX_TEXT:
        raise InputError(f"{field}: longer than {MAX_TEXT} characters")
    return value


def _check_draft(det: Determination) -> None:
    if det.status != "draft":
        raise StateError(f"case {det.case_number}: the determination is signed; it cannot change")


def _draft_value(det: Determination, field: OverrideField, item: int | None, current: str) -> str:
    """The engine's value of a field: the first change's draft value, else the current one."""
    earlier = [o for o in det.overrides if o.field == field and o.item == item]
    return earlier[0].draft_value if earlier else current


def override_item(
    det: Determination,
    item: str | int,
    reviewer_code: str,
    *,
    reason: str | None = None,
    outcome: Outcome | None = None,
    rationale: str | None = None,
    at: dt.datetime | None = None,
) -> tuple[Determination, list[Override]]:
    """The physician sets an item's outcome (a reason is required) and/or rewrites its rationale.

    Returns the new draft and the changes recorded (one per field that changed)."""
    _check_draft(det)
    if outcome is None and rationale is None:
        raise InputError("give an outcome, a rationale or both to change an item")
    number = item_number(det, item)
    current = det.items[number - 1]
    when = at or _now()
    changes: list[Override] = []
    updates: dict[str, str] = {}
    if outcome is not None and outcome != current.outcome:
        why = _require_reason(reason, f"the outcome of item {number}")
        changes.append(
            Override(
                field="outcome",
                item=number,
                item_id=current.item_id,
                draft_value=_draft_value(det, "outcome", number, current.outcome),
                new_value=outcome,
                reviewer_code=reviewer_code,
                at=when,
                reason=why,
            )
        )
        updates["outcome"] = outcome
    if rationale is not None:
        text = _require_text(rationale, "rationale")
        if text != current.rationale:
            changes.append(
                Override(
                    field="rationale",
                    item=number,
                    item_id=current.item_id,
                    draft_value=_draft_value(det, "rationale", number, current.rationale),
                    new_value=text,
                    reviewer_code=reviewer_code,
                    at=when,
                    reason=" ".join((reason or "").split()) or None,
                )
            )
            updates["rationale"] = text
    if not changes:
        raise InputError(f"item {number}: nothing changes (the values given are the current ones)")
    items = list(det.items)
    items[number - 1] = current.model_copy(update=updates)
    return det.model_copy(update={"items": items, "overrides": [*det.overrides, *changes]}), changes


def edit_summary(
    det: Determination,
    text: str,
    reviewer_code: str,
    *,
    reason: str | None = None,
    at: dt.datetime | None = None,
) -> tuple[Determination, Override]:
    """The physician rewrites the clinical case summary."""
    _check_draft(det)
    summary = _require_text(text, "summary")
    if summary == det.clinical_case_summary:
        raise InputError("summary: nothing changes (the text given is the current summary)")
    change = Override(
        field="clinical_case_summary",
        draft_value=_draft_value(det, "clinical_case_summary", None, det.clinical_case_summary),
        new_value=summary,
        reviewer_code=reviewer_code,
        at=at or _now(),
        reason=" ".join((reason or "").split()) or None,
    )
    updated = det.model_copy(
        update={"clinical_case_summary": summary, "overrides": [*det.overrides, change]}
    )
    return updated, change


def _says(outcome: Outcome) -> str:
    return (
        "it is medically necessary" if outcome == "Overturned" else "it is not medically necessary"
    )


def signing_problems(det: Determination) -> list[str]:
    """Why the letter cannot be signed as it is, one line each (empty: it can be).

    An item's draft outcome is the one its criteria trace gives (the engine's rule); an outcome
    other than that needs an override record, and an overridden outcome needs a rationale that
    was edited and does not conclude the opposite. No rationale may conclude against its item's
    outcome (its closing statement of medical necessity, `openimr.review.conclusion`)."""
    problems: list[str] = []
    for number, item in enumerate(det.items, start=1):
        records = [o for o in det.overrides if o.item == number]
        outcome_changes = [o for o in records if o.field == "outcome"]
        draft_outcome = choose_outcome(item.criteria)
        recorded = outcome_changes[-1].new_value if outcome_changes else draft_outcome
        if (outcome_changes and outcome_changes[0].draft_value != draft_outcome) or (
            recorded != item.outcome
        ):
            problems.append(
                f"item {number}: outcome is {item.outcome} but the draft's criteria give "
                f"{draft_outcome} and no override records the change; change an outcome with "
                "`openimr override` or the API, not by editing the determination"
            )
            continue
        stated = stated_outcome(item.rationale)
        edited = any(o.field == "rationale" for o in records)
        changed = item.outcome != draft_outcome
        if stated is not None and stated.outcome != item.outcome:
            if changed:
                problems.append(
                    f"item {number}: outcome changed to {item.outcome} but the rationale still "
                    f"says {_says(stated.outcome)}; edit the rationale"
                )
            else:
                problems.append(
                    f"item {number}: outcome is {item.outcome} but the rationale says "
                    f'{_says(stated.outcome)} ("{stated.sentence}"); edit the rationale or '
                    "override the outcome"
                )
        elif changed and not edited:
            problems.append(
                f"item {number}: outcome changed to {item.outcome} but the rationale is the "
                f"draft's, written for {draft_outcome}; edit the rationale"
            )
    return problems


def sign_determination(
    det: Determination,
    reviewer_code: str,
    assigned_code: str | None = None,
    when: dt.datetime | None = None,
    signer: ReviewerCredentials | None = None,
) -> Determination:
    """The assigned reviewer attests; the letter loses its DRAFT mark. Anyone else is refused,
    and so is a letter that contradicts itself or was changed outside the service.

    The signature is the decision: the letter's decision date becomes the signing date (UTC, as
    the signature line prints it), and its credentials become the signer's (`signer`; else the
    draft's own when they are the signer's)."""
    if det.status == "signed":
        by = det.signature.reviewer_code if det.signature else "?"
        raise StateError(f"determination {det.case_number} is already signed by {by}")
    assigned = assigned_code or (det.reviewer.code if det.reviewer else None)
    if assigned is None:
        raise StateError(
            f"determination {det.case_number} has no assigned reviewer; assign one before signing"
        )
    if reviewer_code != assigned:
        raise StateError(
            f"reviewer {reviewer_code} is not the reviewer assigned to {det.case_number} "
            f"({assigned}); only the assigned reviewer may sign"
        )
    problems = signing_problems(det)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise StateError(f"case {det.case_number}: not signed: {problems[0]}{more}")
    if signer is None:
        if det.reviewer is None or det.reviewer.code != reviewer_code:
            raise StateError(
                f"case {det.case_number}: the letter would print credentials of "
                f"{det.reviewer.code if det.reviewer else 'nobody'}, not the signer "
                f"{reviewer_code}'s; sign through the store, where the signer's are kept"
            )
        signer = det.reviewer
    if signer.code != reviewer_code:
        raise StateError(f"credentials of {signer.code} given for signer {reviewer_code}")
    signed_at = when or _now()
    signed_on = signed_at.astimezone(dt.UTC).date() if signed_at.tzinfo else signed_at.date()
    return det.model_copy(
        update={
            "status": "signed",
            "decision_date": signed_on,
            "reviewer": signer,
            "signature": Signature(
                reviewer_code=reviewer_code, signed_at=signed_at, attestation=ATTESTATION
            ),
        }
    )


def screen_reviewer(
    case: Case, code: str, panel: Sequence[Reviewer], on: dt.date | None = None, source: str = ""
) -> Reviewer:
    """The panel entry of `code` if it may review `case`: on the panel, qualified and free of
    conflicts (the panel's own screening); otherwise refused with every exclusion reason."""
    where = source or "the panel"
    reviewer = next((r for r in panel if r.code == code), None)
    if reviewer is None:
        raise NotFoundError(f"reviewer {code}: not on the panel ({where})")
    screened = assign(case, panel, parse_items(case), today=on)
    for exclusion in screened.excluded:
        if exclusion.reviewer == code:
            raise StateError(
                f"reviewer {code} cannot review case {case.case_number}: "
                + "; ".join(exclusion.reasons)
            )
    return reviewer


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


def draft(
    case: Case,
    panel: list[Reviewer] | None = None,
    decision_date: dt.date | None = None,
) -> Determination:
    """The engine's draft for a case (the full pipeline)."""
    return decide_case(case, panel=panel, decision_date=decision_date)


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
        picked = assign_reviewer(case, panel, on or today or _now().date())
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
        _check_draft(det)
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

        return self.store.sign(number, reviewer_code, actor, when=when or _now(), signer=_sign)

    # -- reading

    def view(
        self, number: str, actor: str, scope: str | None = None, today: dt.date | None = None
    ) -> ReviewView:
        stored = self.store.get_case(number, actor, reviewer=scope)
        det = stored.determination
        problems = signing_problems(det) if det is not None and det.status == "draft" else []
        return ReviewView(
            case=stored,
            deadline=deadline_status(stored.summary, today or _now().date()),
            problems=problems,
        )

    def deadlines(
        self, actor: str, scope: str | None = None, today: dt.date | None = None
    ) -> list[DeadlineStatus]:
        day = today or _now().date()
        return [deadline_status(s, day) for s in self.store.list_cases(actor, reviewer=scope)]
