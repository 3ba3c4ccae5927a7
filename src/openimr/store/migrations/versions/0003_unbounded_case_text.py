"""Record ids, item ids and record authors come from case files: no arbitrary length limit.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.alter_column("record_id", type_=sa.Text, existing_nullable=False)
        batch.alter_column("author", type_=sa.Text, existing_nullable=True)
    with op.batch_alter_table("disputed_items") as batch:
        batch.alter_column("item_id", type_=sa.Text, existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("disputed_items") as batch:
        batch.alter_column("item_id", type_=sa.String(64), existing_nullable=False)
    with op.batch_alter_table("records") as batch:
        batch.alter_column("author", type_=sa.String(200), existing_nullable=True)
        batch.alter_column("record_id", type_=sa.String(64), existing_nullable=False)
