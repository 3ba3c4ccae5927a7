"""SQLAlchemy 2 tables. The domain JSON is kept whole; the columns are what we query and lock on.

The schema itself is created by the Alembic migrations in `migrations/`; these classes must match.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class CaseRow(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_number: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    state: Mapped[str] = mapped_column(String(32))
    priority: Mapped[str] = mapped_column(String(16))
    case_json: Mapped[dict[str, Any]] = mapped_column(JSON)
    application_received: Mapped[dt.date] = mapped_column(Date)
    ur_decision_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    assigned_reviewer: Mapped[str | None] = mapped_column(String(64), index=True)
    assigned_on: Mapped[dt.date | None] = mapped_column(Date)
    records_complete_on: Mapped[dt.date | None] = mapped_column(Date)
    ineligible_reason: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # optimistic lock: an UPDATE that raced another fails instead of silently overwriting it
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class RecordRow(Base):
    __tablename__ = "records"
    __table_args__ = (UniqueConstraint("case_id", "record_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    record_id: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(32))
    date: Mapped[dt.date] = mapped_column(Date)
    author: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)


class DisputedItemRow(Base):
    __tablename__ = "disputed_items"
    __table_args__ = (UniqueConstraint("case_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    ur_guideline: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(16))  # from the latest determination


class DeterminationRow(Base):
    __tablename__ = "determinations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    determination_json: Mapped[dict[str, Any]] = mapped_column(JSON)  # with the criteria traces
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(128))
    signed_by: Mapped[str | None] = mapped_column(String(64))
    signed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ReviewerRow(Base):
    __tablename__ = "reviewers"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    reviewer_json: Mapped[dict[str, Any]] = mapped_column(JSON)


class AssignmentRow(Base):
    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    reviewer_code: Mapped[str] = mapped_column(String(64))
    assigned_on: Mapped[dt.date] = mapped_column(Date)
    assigned_by: Mapped[str] = mapped_column(String(128))
    detail_json: Mapped[dict[str, Any]] = mapped_column(JSON)


class LifecycleEventRow(Base):
    __tablename__ = "lifecycle_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str] = mapped_column(String(32))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str | None] = mapped_column(Text)


class AuditRow(Base):
    """Append-only. Text columns only, so the hashed content reads back byte-identical anywhere."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))  # ISO-8601 UTC
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    case_number: Mapped[str | None] = mapped_column(String(32), index=True)
    detail: Mapped[str] = mapped_column(Text)  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class AuditHeadRow(Base):
    """One row: the last seq and hash. Locking it serializes appends so the chain never forks."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


class PrecedentLetterRow(Base):
    """One published letter in the precedent corpus; its content hash makes re-adding idempotent."""

    __tablename__ = "precedent_letters"

    case_number: Mapped[str] = mapped_column(String(32), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    source_name: Mapped[str | None] = mapped_column(Text)
    items: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class PrecedentItemRow(Base):
    """One decided item. The text search index (SQLite FTS5 table `precedent_fts`, or the
    PostgreSQL generated column `search_vector`) is created by the migration, not mapped here."""

    __tablename__ = "precedent_items"
    __table_args__ = (UniqueConstraint("case_number", "item"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_number: Mapped[str] = mapped_column(
        ForeignKey("precedent_letters.case_number", ondelete="CASCADE"), index=True
    )
    item: Mapped[int] = mapped_column(Integer)
    treatment: Mapped[str] = mapped_column(Text)
    decision: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(32), index=True)
    drug: Mapped[str | None] = mapped_column(Text)
    body_parts: Mapped[str] = mapped_column(Text)  # "|lumbar spine|knee|": matchable with LIKE
    regions: Mapped[str] = mapped_column(Text)  # "|spine|lower_limb|"
    guideline: Mapped[str | None] = mapped_column(String(64), index=True)
    guideline_name: Mapped[str | None] = mapped_column(Text)
    section: Mapped[str | None] = mapped_column(Text)
    guideline_text: Mapped[str | None] = mapped_column(Text)
    rationale: Mapped[str | None] = mapped_column(Text)
    reviewer_specialty: Mapped[str | None] = mapped_column(Text)
    decision_date: Mapped[dt.date | None] = mapped_column(Date)
    search_text: Mapped[str] = mapped_column(Text)  # treatment + parsed fields, for the index
    item_json: Mapped[dict[str, Any]] = mapped_column(JSON)
