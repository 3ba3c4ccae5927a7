"""Alembic environment: always run programmatically by `openimr.store.db.migrate` on a connection."""

from __future__ import annotations

from alembic import context

from openimr.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - we never run alembic from its own CLI
    raise RuntimeError(
        "openimr migrations run through openimr.store.open_store, not the alembic CLI"
    )

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
