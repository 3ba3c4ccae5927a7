"""The system of record: cases through their lifecycle, determinations, and the audit log.

Every public method is one database transaction: it either happens whole (with its audit entry)
or not at all. Reads that show case content are audited too ("who viewed a case").
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from openimr.domain import Case, Determination, Override, Reviewer
from openimr.errors import InputError, NotFoundError, StateError
from openimr.store import lifecycle
from openimr.store.audit import AuditVerification, canonical_detail, entry_hash, verify_chain
from openimr.store.db import make_engine, migrate, normalize_url
from openimr.store.models import (
    AssignmentRow,
    AuditHeadRow,
    AuditRow,
    CaseRow,
    DeterminationRow,
    DisputedItemRow,
    LifecycleEventRow,
    RecordRow,
    ReviewerRow,
)

MAX_ACTOR = 128  # the audit log's actor column

Signer = Callable[[Determination, str, "str | None", "dt.datetime | None"], Determination]


class CaseSummary(BaseModel):
    """One case as listed: where it is in its lifecycle and what is due when."""

    case_number: str
    state: str
    priority: str
    application_received: dt.date
    assigned_reviewer: str | None = None
    assigned_on: dt.date | None = None
    records_due: dt.date | None = None
    records_complete_on: dt.date | None = None
    decision_due: dt.date | None = None
    ineligible_reason: str | None = None
    determination_status: str | None = None
    items: int = 0
    overdue: bool = False  # an open case past its records or decision deadline today
    days_left: int | None = None  # to the pending deadline (decision, else records); < 0 overdue
    version: int


class LifecycleEvent(BaseModel):
    from_state: str | None
    to_state: str
    at: dt.datetime
    actor: str
    reason: str | None = None


class StoredCase(BaseModel):
    summary: CaseSummary
    case: Case
    events: list[LifecycleEvent]
    determination: Determination | None = None


class AuditEntry(BaseModel):
    seq: int
    at: str
    actor: str
    action: str
    case_number: str | None
    detail: dict[str, Any]
    entry_hash: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Store:
    """Open with `open_store(url)`. Methods take the acting user (`actor`) for the audit log."""

    def __init__(self, engine: Engine, signer: Signer | None = None) -> None:
        self.engine = engine
        # Signing is the engine's rule; whoever opens the store for signing hands it in (the API
        # passes `openimr.engine.pipeline.sign_determination`), so the store never imports it.
        self.signer = signer
        # Test seam: called at named points inside a transaction (the crash test kills the
        # process there to prove nothing half-written survives).
        self.fault_hook: Callable[[str], None] | None = None

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    # ----------------------------------------------------------------- plumbing

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                yield session
        except DataError as exc:
            # a value the database cannot hold (NUL byte in PostgreSQL text, an over-long actor)
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else "invalid value"
            raise InputError(f"a value cannot be stored, nothing stored ({detail})") from None
        except StaleDataError:
            raise StateError("the case was changed by someone else meanwhile; retry") from None
        except IntegrityError as exc:
            # e.g. two clients adding the same case number at once: the loser is told plainly
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else "constraint violated"
            raise StateError(f"conflicting concurrent change, nothing stored ({detail})") from None

    def _checkpoint(self, name: str) -> None:
        if self.fault_hook is not None:
            self.fault_hook(name)

    def _append_audit(
        self,
        session: Session,
        actor: str,
        action: str,
        case_number: str | None,
        detail: dict[str, Any] | None = None,
    ) -> AuditRow:
        """Chain one entry onto the log. Locks the head row, so call it last in a transaction."""
        if not actor or len(actor) > MAX_ACTOR:
            raise InputError(f"actor must be 1-{MAX_ACTOR} characters, nothing stored")
        session.flush()
        self._checkpoint("before_audit")
        head = session.execute(
            select(AuditHeadRow).where(AuditHeadRow.id == 1).with_for_update()
        ).scalar_one()
        seq = head.last_seq + 1
        at = _now().isoformat(timespec="microseconds")
        detail_text = canonical_detail(detail)
        digest = entry_hash(seq, at, actor, action, case_number, detail_text, head.last_hash)
        row = AuditRow(
            seq=seq,
            at=at,
            actor=actor,
            action=action,
            case_number=case_number,
            detail=detail_text,
            prev_hash=head.last_hash,
            entry_hash=digest,
        )
        session.add(row)
        head.last_seq = seq
        head.last_hash = digest
        return row

    def _case_row(self, session: Session, number: str, lock: bool = False) -> CaseRow:
        query = select(CaseRow).where(CaseRow.case_number == number)
        if lock:
            query = query.with_for_update()
        row = session.execute(query).scalar_one_or_none()
        if row is None:
            raise NotFoundError(f"case {number}: not in the store")
        return row

    def _latest_determination(self, session: Session, case_id: int) -> DeterminationRow | None:
        return session.execute(
            select(DeterminationRow)
            .where(DeterminationRow.case_id == case_id)
            .order_by(DeterminationRow.id.desc())
            .limit(1)
        ).scalar_one_or_none()

    def _summary(
        self, session: Session, row: CaseRow, known: tuple[str | None, int] | None = None
    ) -> CaseSummary:
        """`known`: (latest determination status, item count) when the caller fetched them in bulk."""
        if known is None:
            latest = self._latest_determination(session, row.id)
            items = session.execute(
                select(func.count())
                .select_from(DisputedItemRow)
                .where(DisputedItemRow.case_id == row.id)
            ).scalar_one()
            known = (latest.status if latest else None, items)
        status, items = known
        today = _now().date()
        records_due = (
            lifecycle.records_due(row.priority, row.assigned_on)
            if row.state == "assigned"
            else None
        )
        decision_due = (
            lifecycle.decision_due(row.priority, row.records_complete_on)
            if lifecycle.is_open(row.state)
            else None
        )
        overdue = any(due is not None and due < today for due in (records_due, decision_due))
        pending, _ = lifecycle.pending_deadline(records_due, decision_due)
        return CaseSummary(
            case_number=row.case_number,
            state=row.state,
            priority=row.priority,
            application_received=row.application_received,
            assigned_reviewer=row.assigned_reviewer,
            assigned_on=row.assigned_on,
            records_due=records_due,
            records_complete_on=row.records_complete_on,
            decision_due=decision_due,
            ineligible_reason=row.ineligible_reason,
            determination_status=status,
            items=items,
            overdue=overdue,
            days_left=lifecycle.days_left(pending, today),
            version=row.version,
        )

    def _move(
        self, session: Session, row: CaseRow, to_state: str, actor: str, reason: str | None
    ) -> None:
        lifecycle.check_transition(row.case_number, row.state, to_state, reason)
        session.add(
            LifecycleEventRow(
                case_id=row.id,
                from_state=row.state,
                to_state=to_state,
                at=_now(),
                actor=actor,
                reason=reason,
            )
        )
        row.state = to_state
        row.updated_at = _now()

    def _deny_if_not_assigned(
        self, session: Session, row: CaseRow, reviewer: str | None, actor: str, action: str
    ) -> None:
        """A reviewer sees only their own cases; the attempt is logged, the answer is 'not found'."""
        if reviewer is not None and row.assigned_reviewer != reviewer:
            self._append_audit(session, actor, "access_denied", row.case_number, {"tried": action})
            raise _Denied(f"case {row.case_number}: not in the store")

    # ----------------------------------------------------------------- cases

    def add_case(self, case: Case, actor: str) -> CaseSummary:
        """Store a new application (state application_received), its records and disputed items.

        A case date over a year ahead is an InputError: deadlines counted from it would overflow
        the calendar (9999-12-31) or fall due in a century nobody meant."""
        today = _now().date()
        for field, date in _case_dates(case):
            lifecycle.check_event_date(case.case_number, field, date, {}, today)
        with self._tx() as session:
            exists = session.execute(
                select(CaseRow.id).where(CaseRow.case_number == case.case_number)
            ).scalar_one_or_none()
            if exists is not None:
                raise StateError(f"case {case.case_number}: already in the store")
            now = _now()
            row = CaseRow(
                case_number=case.case_number,
                state="application_received",
                priority=case.priority,
                case_json=case.model_dump(mode="json"),
                application_received=case.application_received,
                ur_decision_date=case.ur_decision.date,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            self._checkpoint("case_inserted")
            for record in case.records:
                session.add(
                    RecordRow(
                        case_id=row.id,
                        record_id=record.id,
                        type=record.type,
                        date=record.date,
                        author=record.author,
                        text=record.text,
                    )
                )
            for item in case.disputed_items:
                session.add(
                    DisputedItemRow(
                        case_id=row.id,
                        item_id=item.id,
                        text=item.text,
                        ur_guideline=item.ur_guideline,
                    )
                )
            session.add(
                LifecycleEventRow(
                    case_id=row.id,
                    from_state=None,
                    to_state="application_received",
                    at=now,
                    actor=actor,
                    reason=None,
                )
            )
            session.flush()
            self._checkpoint("children_inserted")
            self._append_audit(
                session,
                actor,
                "add_case",
                case.case_number,
                {
                    "items": len(case.disputed_items),
                    "records": len(case.records),
                },
            )
            return self._summary(session, row)

    def get_case(self, number: str, actor: str, reviewer: str | None = None) -> StoredCase:
        """The case, its lifecycle events and latest determination. Logged as a view."""
        denied: _Denied | None = None
        with self._tx() as session:
            row = self._case_row(session, number)
            try:
                self._deny_if_not_assigned(session, row, reviewer, actor, "view")
            except _Denied as exc:
                denied = exc  # commit the audit entry of the refused attempt, then refuse
            else:
                events = (
                    session.execute(
                        select(LifecycleEventRow)
                        .where(LifecycleEventRow.case_id == row.id)
                        .order_by(LifecycleEventRow.id)
                    )
                    .scalars()
                    .all()
                )
                latest = self._latest_determination(session, row.id)
                self._append_audit(session, actor, "view_case", number)
                result = StoredCase(
                    summary=self._summary(session, row),
                    case=Case.model_validate(row.case_json),
                    events=[
                        LifecycleEvent(
                            from_state=e.from_state,
                            to_state=e.to_state,
                            at=e.at,
                            actor=e.actor,
                            reason=e.reason,
                        )
                        for e in events
                    ],
                    determination=(
                        Determination.model_validate(latest.determination_json) if latest else None
                    ),
                )
        if denied is not None:
            raise NotFoundError(str(denied))
        return result

    def possible_duplicates(self, number: str, actor: str) -> list[Case]:
        """Other stored applications about the same UR decision date: the ones a duplicate check
        must compare with (intake.screen_batch decides). Logged, since it reads case files."""
        with self._tx() as session:
            row = self._case_row(session, number)
            others = (
                session.execute(
                    select(CaseRow.case_json)
                    .where(CaseRow.ur_decision_date == row.ur_decision_date)
                    .where(CaseRow.case_number != number)
                    .order_by(CaseRow.application_received, CaseRow.id)
                )
                .scalars()
                .all()
            )
            self._append_audit(session, actor, "duplicate_check", number, {"compared": len(others)})
            return [Case.model_validate(data) for data in others]

    def list_cases(
        self,
        actor: str,
        reviewer: str | None = None,
        state: str | None = None,
        limit: int | None = None,
    ) -> list[CaseSummary]:
        """Cases (only those assigned to `reviewer`, or in `state`, when given), soonest decision
        deadline first, at most `limit`."""
        if state is not None and state not in lifecycle.STATES:
            raise InputError(
                f"state: unknown state {state!r} (states: {', '.join(lifecycle.STATES)})"
            )
        with self._tx() as session:
            query = select(CaseRow)
            if reviewer is not None:
                query = query.where(CaseRow.assigned_reviewer == reviewer)
            if state is not None:
                query = query.where(CaseRow.state == state)
            rows = session.execute(query.order_by(CaseRow.case_number)).scalars().all()
            # two grouped queries instead of two per case
            counts = dict(
                session.execute(
                    select(DisputedItemRow.case_id, func.count()).group_by(DisputedItemRow.case_id)
                ).all()
            )
            latest_ids = select(func.max(DeterminationRow.id)).group_by(DeterminationRow.case_id)
            statuses = dict(
                session.execute(
                    select(DeterminationRow.case_id, DeterminationRow.status).where(
                        DeterminationRow.id.in_(latest_ids)
                    )
                ).all()
            )
            summaries = [
                self._summary(session, row, (statuses.get(row.id), counts.get(row.id, 0)))
                for row in rows
            ]
            self._append_audit(session, actor, "list_cases", None, {"count": len(summaries)})
        far = dt.date.max
        ordered = sorted(summaries, key=lambda s: (s.decision_due or far, s.case_number))
        return ordered[:limit] if limit is not None else ordered

    def transition(
        self,
        number: str,
        to_state: str,
        actor: str,
        reason: str | None = None,
        on: dt.date | None = None,
    ) -> CaseSummary:
        """Move a case along its lifecycle; StateError names the illegal move and what is allowed.

        `on` dates the event that starts a deadline (records complete); default today. A date
        before the case's own earlier dates, or over a year ahead, is an InputError.
        """
        if to_state in ("assigned", "signed", "drafted"):
            raise StateError(
                f"case {number}: use assign/save_determination/sign to move a case to {to_state}"
            )
        with self._tx() as session:
            row = self._case_row(session, number, lock=True)
            self._move(session, row, to_state, actor, reason)
            if to_state == "ineligible":
                row.ineligible_reason = reason
            if to_state == "records_complete":
                today = _now().date()
                lifecycle.check_event_date(
                    number,
                    "on" if on else "on (default today)",
                    on or today,
                    {
                        "application_received": row.application_received,
                        "assigned_on": row.assigned_on,
                    },
                    today,
                )
                row.records_complete_on = on or today
            self._append_audit(
                session,
                actor,
                "transition",
                number,
                {
                    "to": to_state,
                    "reason": reason,
                },
            )
            return self._summary(session, row)

    def assign(
        self,
        number: str,
        reviewer: Reviewer | str,
        actor: str,
        detail: dict[str, Any] | None = None,
        on: dt.date | None = None,
    ) -> CaseSummary:
        """Record the notice of assignment: eligible -> assigned, deadline for records starts."""
        code = reviewer if isinstance(reviewer, str) else reviewer.code
        if not code.strip():
            raise InputError("reviewer code is empty")
        with self._tx() as session:
            row = self._case_row(session, number, lock=True)
            self._move(session, row, "assigned", actor, f"assigned to reviewer {code}")
            today = _now().date()
            lifecycle.check_event_date(
                number,
                "on" if on else "on (default today)",
                on or today,
                {"application_received": row.application_received},
                today,
            )
            if isinstance(reviewer, Reviewer):
                stored = session.get(ReviewerRow, code)
                if stored is None:
                    session.add(
                        ReviewerRow(code=code, reviewer_json=reviewer.model_dump(mode="json"))
                    )
                else:
                    stored.reviewer_json = reviewer.model_dump(mode="json")
            row.assigned_reviewer = code
            row.assigned_on = on or today
            session.add(
                AssignmentRow(
                    case_id=row.id,
                    reviewer_code=code,
                    assigned_on=row.assigned_on,
                    assigned_by=actor,
                    detail_json=detail or {},
                )
            )
            self._append_audit(session, actor, "assign", number, {"reviewer": code})
            return self._summary(session, row)

    # ----------------------------------------------------------------- determinations

    def save_determination(
        self, det: Determination, actor: str, case: Case | None = None
    ) -> CaseSummary:
        """Store a draft (or signed) determination with its traces.

        A draft may be saved at any open stage (the engine can draft early); the case moves to
        `drafted` only once its records are complete. Pass `case` to add an unknown case first,
        so `openimr decide CASEFILE` can store what it produced in one call.
        """
        if case is not None and case.case_number != det.case_number:
            raise InputError(
                f"determination is for case {det.case_number}, the case file is {case.case_number}"
            )
        if case is not None:
            try:
                self.add_case(case, actor)
            except StateError:
                # already stored: keep the stored copy and its lifecycle, but never file a draft
                # made from a different case under its number
                with self._tx() as session:
                    stored = self._case_row(session, det.case_number).case_json
                if stored != case.model_dump(mode="json"):
                    raise StateError(
                        f"case {det.case_number}: already stored with different contents; a draft of "
                        "a changed case file is not filed under it"
                    ) from None
        if det.status == "signed":
            return self._save_signed(det, actor)
        with self._tx() as session:
            row = self._case_row(session, det.case_number, lock=True)
            if not lifecycle.is_open(row.state):
                raise StateError(
                    f"case {det.case_number}: is {row.state}; a new draft cannot be saved"
                )
            if row.state in ("records_complete", "drafted"):
                self._move(session, row, "drafted", actor, None)
            self._store_determination(session, row, det, actor)
            self._append_audit(
                session,
                actor,
                "save_draft",
                det.case_number,
                {
                    "outcomes": {i.item_id: i.outcome for i in det.items},
                    "engine_version": det.engine_version,
                },
            )
            return self._summary(session, row)

    def save_revision(self, det: Determination, changes: list[Override], actor: str) -> CaseSummary:
        """Store the physician's revision of the latest draft, one audit entry per change (the
        field, item, reviewer and reason; the texts themselves are in the stored draft)."""
        if det.status != "draft":
            raise StateError(f"case {det.case_number}: only a draft can be revised")
        with self._tx() as session:
            row = self._case_row(session, det.case_number, lock=True)
            if not lifecycle.is_open(row.state):
                raise StateError(f"case {det.case_number}: is {row.state}; the draft cannot change")
            latest = self._latest_determination(session, row.id)
            if latest is None or latest.status != "draft":
                raise StateError(f"case {det.case_number}: no stored draft to revise")
            self._store_determination(session, row, det, actor)
            for change in changes:
                self._append_audit(
                    session,
                    actor,
                    "override" if change.field == "outcome" else "edit",
                    det.case_number,
                    {
                        "field": change.field,
                        "item": change.item,
                        "item_id": change.item_id,
                        "reviewer": change.reviewer_code,
                        "reason": change.reason,
                        "from": change.draft_value if change.field == "outcome" else None,
                        "to": change.new_value if change.field == "outcome" else None,
                    },
                )
            return self._summary(session, row)

    def _store_determination(
        self, session: Session, row: CaseRow, det: Determination, actor: str
    ) -> None:
        session.add(
            DeterminationRow(
                case_id=row.id,
                status=det.status,
                determination_json=det.model_dump(mode="json"),
                created_at=_now(),
                created_by=actor,
                signed_by=det.signature.reviewer_code if det.signature else None,
                signed_at=det.signature.signed_at if det.signature else None,
            )
        )
        outcomes = {item.item_id: item.outcome for item in det.items}
        items = (
            session.execute(select(DisputedItemRow).where(DisputedItemRow.case_id == row.id))
            .scalars()
            .all()
        )
        for item in items:
            item.outcome = outcomes.get(item.item_id, item.outcome)

    def _save_signed(self, det: Determination, actor: str) -> CaseSummary:
        if det.signature is None:
            raise InputError(f"case {det.case_number}: status is signed but there is no signature")
        with self._tx() as session:
            row = self._case_row(session, det.case_number, lock=True)
            if det.signature.reviewer_code != row.assigned_reviewer:
                raise StateError(
                    f"case {det.case_number}: signed by {det.signature.reviewer_code}, but the"
                    f" assigned reviewer is {row.assigned_reviewer or 'nobody'}"
                )
            self._move(session, row, "signed", actor, None)
            self._store_determination(session, row, det, actor)
            self._append_audit(
                session,
                actor,
                "sign",
                det.case_number,
                {
                    "reviewer": det.signature.reviewer_code,
                },
            )
            return self._summary(session, row)

    def record_decision(self, case: Case, det: Determination, actor: str) -> CaseSummary:
        """For `openimr decide`: store the case if new and its draft, never blocking the CLI.

        A case already closed (signed, issued, withdrawn, ineligible) keeps its record; the attempt
        is logged instead of stored.
        """
        try:
            return self.save_determination(det, actor, case=case)
        except StateError as exc:
            with self._tx() as session:
                row = self._case_row(session, det.case_number)
                self._append_audit(
                    session,
                    actor,
                    "draft_not_stored",
                    det.case_number,
                    {
                        "why": str(exc),
                    },
                )
                return self._summary(session, row)

    def record_signature(self, det: Determination, actor: str) -> CaseSummary | None:
        """For `openimr sign`: keep the signed determination with the case.

        The case moves to `signed` only when it is drafted and the signer is its assigned reviewer;
        otherwise the signed copy is stored and the lifecycle left as it is (logged). A case that
        is not in the store is only logged, and None returned.
        """
        if det.signature is None:
            raise InputError(f"case {det.case_number}: the determination has no signature")
        with self._tx() as session:
            row = session.execute(
                select(CaseRow).where(CaseRow.case_number == det.case_number).with_for_update()
            ).scalar_one_or_none()
            if row is None:
                self._append_audit(
                    session,
                    actor,
                    "signature_not_stored",
                    det.case_number,
                    {
                        "reviewer": det.signature.reviewer_code,
                        "why": "case not in the store",
                    },
                )
                return None
            signer = det.signature.reviewer_code
            moved = row.state == "drafted" and row.assigned_reviewer == signer
            if moved:
                self._move(session, row, "signed", actor, None)
            self._store_determination(session, row, det, actor)
            self._append_audit(
                session,
                actor,
                "sign" if moved else "record_signature",
                det.case_number,
                {"reviewer": signer, "state": row.state},
            )
            return self._summary(session, row)

    def determination(
        self,
        number: str,
        actor: str,
        reviewer: str | None = None,
        purpose: str = "view_determination",
    ) -> Determination:
        """The latest determination of a case, logged as a view (`purpose`: e.g. view_letter)."""
        denied: _Denied | None = None
        with self._tx() as session:
            row = self._case_row(session, number)
            try:
                self._deny_if_not_assigned(session, row, reviewer, actor, purpose)
            except _Denied as exc:
                denied = exc
            else:
                latest = self._latest_determination(session, row.id)
                if latest is None:
                    raise NotFoundError(f"case {number}: no determination yet")
                self._append_audit(session, actor, purpose, number)
                det = Determination.model_validate(latest.determination_json)
        if denied is not None:
            raise NotFoundError(str(denied))
        return det

    def sign(
        self,
        number: str,
        reviewer_code: str,
        actor: str,
        when: dt.datetime | None = None,
        signer: Signer | None = None,
    ) -> Determination:
        """The assigned reviewer attests the latest draft: drafted -> signed. `signer` (the
        review service's, with the signer's credentials) replaces the store's own."""
        signer = signer or self.signer
        if signer is None:
            raise StateError(f"case {number}: this store was opened without a signer; not signed")
        with self._tx() as session:
            row = self._case_row(session, number, lock=True)
            if row.state != "drafted":
                raise StateError(
                    f"case {number}: is {row.state}; only a drafted case can be signed"
                )
            if row.assigned_reviewer != reviewer_code:
                self._append_audit(session, actor, "access_denied", number, {"tried": "sign"})
                denied = StateError(
                    f"case {number}: reviewer {reviewer_code} is not the assigned reviewer"
                )
            else:
                denied = None
                today = _now().date()
                lifecycle.check_event_date(
                    number,
                    "when" if when else "when (default now)",
                    when.date() if when else today,
                    {
                        "application_received": row.application_received,
                        "assigned_on": row.assigned_on,
                        "records_complete_on": row.records_complete_on,
                    },
                    today,
                )
                latest = self._latest_determination(session, row.id)
                assert latest is not None  # drafted implies a stored draft
                draft = Determination.model_validate(latest.determination_json)
                signed = signer(draft, reviewer_code, row.assigned_reviewer, when)
                self._move(session, row, "signed", actor, None)
                self._store_determination(session, row, signed, actor)
                self._append_audit(session, actor, "sign", number, {"reviewer": reviewer_code})
        if denied is not None:
            raise denied
        return signed

    def reviewer(self, code: str) -> Reviewer | None:
        """The stored panel entry of a reviewer (kept when a case is assigned with one)."""
        with Session(self.engine) as session:
            row = session.get(ReviewerRow, code)
            return Reviewer.model_validate(row.reviewer_json) if row else None

    # ----------------------------------------------------------------- audit

    def audit_entries(self, case_number: str | None = None) -> list[AuditEntry]:
        with Session(self.engine) as session:
            query = select(AuditRow).order_by(AuditRow.seq)
            if case_number is not None:
                query = query.where(AuditRow.case_number == case_number)
            rows = session.execute(query).scalars().all()
            return [
                AuditEntry(
                    seq=r.seq,
                    at=r.at,
                    actor=r.actor,
                    action=r.action,
                    case_number=r.case_number,
                    detail=json.loads(r.detail),
                    entry_hash=r.entry_hash,
                )
                for r in rows
            ]

    def verify_audit_log(self) -> AuditVerification:
        """Recompute the whole hash chain; names the first entry that was edited or removed."""
        columns = [
            AuditRow.seq,
            AuditRow.at,
            AuditRow.actor,
            AuditRow.action,
            AuditRow.case_number,
            AuditRow.detail,
            AuditRow.prev_hash,
            AuditRow.entry_hash,
        ]
        # head and rows from one snapshot (PostgreSQL: REPEATABLE READ; SQLite: our BEGIN
        # IMMEDIATE holds writers off), else a concurrent append looks like a cut tail
        options = (
            {"isolation_level": "REPEATABLE READ"}
            if self.engine.dialect.name == ("postgresql")
            else {}
        )
        with self.engine.connect().execution_options(**options) as conn, conn.begin():
            head = conn.execute(
                select(AuditHeadRow.last_seq, AuditHeadRow.last_hash).where(AuditHeadRow.id == 1)
            ).one()
            rows = conn.execution_options(stream_results=True, yield_per=5000).execute(
                select(*columns).order_by(AuditRow.seq)
            )
            return verify_chain(rows, head.last_seq, head.last_hash)


class _Denied(Exception):
    """Internal: raised inside a transaction to refuse after logging; re-raised as NotFoundError."""


def _case_dates(case: Case) -> Iterator[tuple[str, dt.date]]:
    """Every date a case file gives, named as the file names it."""
    named = {
        "injury.date": case.injury.date,
        "ur_decision.date": case.ur_decision.date,
        "application_received": case.application_received,
        "date_assigned": case.date_assigned,
        "records_received": case.records_received,
        "decision_date": case.decision_date,
    }
    for field, date in named.items():
        if date is not None:
            yield field, date
    for record in case.records:
        yield f"records[{record.id}].date", record.date


def open_store(
    url: str | None = None, signer: Signer | None = None, must_exist: bool = False
) -> Store:
    """Open (and migrate) the store at `url`: a SQLAlchemy URL, a file path, or None for the default
    (`OPENIMR_DB`, else `openimr.db` in the user data directory).

    `must_exist` (read-only commands): a SQLite file that is missing or empty is an error rather
    than a new database, so looking at a mistyped path creates nothing.
    """
    if must_exist:
        target = normalize_url(url)
        if target.startswith("sqlite:///") and target != "sqlite:///:memory:":
            path = Path(target.split(":///", 1)[1])
            if not path.is_file() or path.stat().st_size == 0:
                raise InputError(
                    f"--db {path}: no openimr store there (nothing has been stored yet)"
                )
    engine = make_engine(normalize_url(url))
    try:
        migrate(engine)
    except Exception as exc:
        engine.dispose()
        if isinstance(exc, SQLAlchemyError):
            msg = str(exc.orig if getattr(exc, "orig", None) else exc).strip().splitlines()[0]
            raise InputError(
                f"--db {normalize_url(url)}: cannot open the database ({msg})"
            ) from None
        raise
    return Store(engine, signer=signer)
