"""Operations on a Determination that need no store: the physician's changes (`override_item`,
`edit_summary`), what blocks signing (`signing_problems`), signing (`sign_determination`), the
screening of a named reviewer (`screen_reviewer`) and the engine's draft (`draft`).

`openimr.review.service` wraps them around the store; the `--no-store` CLI calls them directly.
Every refusal is an `openimr.errors` exception with a one-line message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from openimr.domain import Case, Determination, Override, Reviewer
from openimr.domain.determination import Outcome, OverrideField, Signature
from openimr.domain.reviewer import ReviewerCredentials
from openimr.engine.outcome import draft_outcome as engine_outcome
from openimr.engine.pipeline import decide_case, parse_items
from openimr.errors import InputError, NotFoundError, StateError
from openimr.review.conclusion import stated_outcome
from openimr.reviewers import assign

# The one attestation a signature carries (the letter prints it under the signature).
ATTESTATION = (
    "I have reviewed the complete case file and the determination above, have no affiliation with "
    "any party to this dispute, and adopt the decisions and rationales as my own."
)
MAX_REASON = 2000
MAX_TEXT = 100_000  # a rationale or summary the physician writes


def now() -> dt.datetime:
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


def check_draft(det: Determination) -> None:
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
    check_draft(det)
    if outcome is None and rationale is None:
        raise InputError("give an outcome, a rationale or both to change an item")
    number = item_number(det, item)
    current = det.items[number - 1]
    when = at or now()
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
    check_draft(det)
    summary = _require_text(text, "summary")
    if summary == det.clinical_case_summary:
        raise InputError("summary: nothing changes (the text given is the current summary)")
    change = Override(
        field="clinical_case_summary",
        draft_value=_draft_value(det, "clinical_case_summary", None, det.clinical_case_summary),
        new_value=summary,
        reviewer_code=reviewer_code,
        at=at or now(),
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
        draft_outcome = engine_outcome(item)
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
    signed_at = when or now()
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


def draft(
    case: Case,
    panel: list[Reviewer] | None = None,
    decision_date: dt.date | None = None,
) -> Determination:
    """The engine's draft for a case (the full pipeline)."""
    return decide_case(case, panel=panel, decision_date=decision_date)
