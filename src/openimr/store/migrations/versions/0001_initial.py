"""Initial schema: cases, records, disputed items, determinations, reviewers, assignments,
lifecycle events, and the hash-chained audit log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_number", sa.String(32), nullable=False, unique=True),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("case_json", sa.JSON, nullable=False),
        sa.Column("application_received", sa.Date, nullable=False),
        sa.Column("assigned_reviewer", sa.String(64)),
        sa.Column("assigned_on", sa.Date),
        sa.Column("records_complete_on", sa.Date),
        sa.Column("ineligible_reason", sa.String(64)),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_cases_case_number", "cases", ["case_number"])
    op.create_index("ix_cases_assigned_reviewer", "cases", ["assigned_reviewer"])
    op.create_table(
        "records",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("author", sa.String(200)),
        sa.Column("text", sa.Text, nullable=False),
        sa.UniqueConstraint("case_id", "record_id"),
    )
    op.create_index("ix_records_case_id", "records", ["case_id"])
    op.create_table(
        "disputed_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("item_id", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("ur_guideline", sa.Text),
        sa.Column("outcome", sa.String(16)),
        sa.UniqueConstraint("case_id", "item_id"),
    )
    op.create_index("ix_disputed_items_case_id", "disputed_items", ["case_id"])
    op.create_table(
        "determinations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("determination_json", sa.JSON, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("signed_by", sa.String(64)),
        sa.Column("signed_at", TZ),
    )
    op.create_index("ix_determinations_case_id", "determinations", ["case_id"])
    op.create_table(
        "reviewers",
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("reviewer_json", sa.JSON, nullable=False),
    )
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("reviewer_code", sa.String(64), nullable=False),
        sa.Column("assigned_on", sa.Date, nullable=False),
        sa.Column("assigned_by", sa.String(128), nullable=False),
        sa.Column("detail_json", sa.JSON, nullable=False),
    )
    op.create_index("ix_assignments_case_id", "assignments", ["case_id"])
    op.create_table(
        "lifecycle_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("from_state", sa.String(32)),
        sa.Column("to_state", sa.String(32), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("reason", sa.Text),
    )
    op.create_index("ix_lifecycle_events_case_id", "lifecycle_events", ["case_id"])
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("case_number", sa.String(32)),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_log_case_number", "audit_log", ["case_number"])
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("last_seq", sa.Integer, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
    )
    op.bulk_insert(head, [{"id": 1, "last_seq": 0, "last_hash": "0" * 64}])


def downgrade() -> None:
    for table in (
        "audit_head",
        "audit_log",
        "lifecycle_events",
        "assignments",
        "reviewers",
        "determinations",
        "disputed_items",
        "records",
        "cases",
    ):
        op.drop_table(table)
