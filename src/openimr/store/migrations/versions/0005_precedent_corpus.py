"""The precedent corpus: published letters' decided items, with a full-text index.

SQLite: an FTS5 table `precedent_fts` (rowid = precedent_items.id, porter stemming), written in
the same transaction as its item. PostgreSQL: a generated, weighted `search_vector` tsvector
column with a GIN index. Both index three fields with the same weights: the item (treatment text
and its parsed fields), the cited guideline, the rationale.

Revision ID: 0005_precedent_corpus
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_precedent_corpus"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "precedent_letters",
        sa.Column("case_number", sa.String(32), primary_key=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("source_name", sa.Text),
        sa.Column("items", sa.Integer, nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "precedent_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "case_number",
            sa.String(32),
            sa.ForeignKey("precedent_letters.case_number", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("item", sa.Integer, nullable=False),
        sa.Column("treatment", sa.Text, nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("drug", sa.Text),
        sa.Column("body_parts", sa.Text, nullable=False),
        sa.Column("regions", sa.Text, nullable=False),
        sa.Column("guideline", sa.String(64)),
        sa.Column("guideline_name", sa.Text),
        sa.Column("section", sa.Text),
        sa.Column("guideline_text", sa.Text),
        sa.Column("rationale", sa.Text),
        sa.Column("reviewer_specialty", sa.Text),
        sa.Column("decision_date", sa.Date),
        sa.Column("search_text", sa.Text, nullable=False),
        sa.Column("item_json", sa.JSON, nullable=False),
        sa.UniqueConstraint("case_number", "item"),
    )
    op.create_index("ix_precedent_items_case_number", "precedent_items", ["case_number"])
    op.create_index("ix_precedent_items_category", "precedent_items", ["category"])
    op.create_index("ix_precedent_items_guideline", "precedent_items", ["guideline"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            ALTER TABLE precedent_items ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
                setweight(to_tsvector('english', search_text), 'A') ||
                setweight(to_tsvector('english', coalesce(guideline_name, '') || ' ' ||
                                                 coalesce(guideline_text, '')), 'B') ||
                setweight(to_tsvector('english', coalesce(rationale, '')), 'C')
            ) STORED
        """)
        op.execute(
            "CREATE INDEX ix_precedent_items_search ON precedent_items USING GIN (search_vector)"
        )
    else:
        op.execute("""
            CREATE VIRTUAL TABLE precedent_fts USING fts5(
                item_text, guideline_text, rationale, tokenize = 'porter unicode61'
            )
        """)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TABLE precedent_fts")
    op.drop_table("precedent_items")
    op.drop_table("precedent_letters")
