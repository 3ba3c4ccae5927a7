"""Cases carry their UR decision date as a column, to find possible duplicate applications.

Revision ID: 0004
Revises: 0003
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("ur_decision_date", sa.Date, nullable=True))
        batch.create_index("ix_cases_ur_decision_date", ["ur_decision_date"])
    bind = op.get_bind()
    cases = sa.table(
        "cases",
        sa.column("id", sa.Integer),
        sa.column("case_json", sa.JSON),
        sa.column("ur_decision_date", sa.Date),
    )
    for row in bind.execute(sa.select(cases.c.id, cases.c.case_json)).all():
        day = (row.case_json or {}).get("ur_decision", {}).get("date")
        if day:
            bind.execute(
                cases.update()
                .where(cases.c.id == row.id)
                .values(ur_decision_date=dt.date.fromisoformat(day))
            )


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_ur_decision_date")
        batch.drop_column("ur_decision_date")
