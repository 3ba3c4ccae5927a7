"""Engines and migrations: SQLite by default (a file in the user's data directory), PostgreSQL by URL."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.pool import StaticPool

from openimr.errors import InputError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# Any constant works; it only has to be the same for every openimr process on one server.
_PG_MIGRATION_LOCK = 7_402_010


def default_url() -> str:
    """`OPENIMR_DB`, else a SQLite file in the platform's user data directory."""
    env = os.environ.get("OPENIMR_DB")
    if env:
        return env
    return f"sqlite:///{Path(user_data_dir('openimr')) / 'openimr.db'}"


def normalize_url(url: str | None) -> str:
    """Accept a SQLAlchemy URL, a bare file path (SQLite), or `postgresql://` (psycopg 3 driver)."""
    url = url or default_url()
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    if url.startswith("postgresql"):
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=60)
    raise InputError(f"--db {url}: unsupported database (use a sqlite:/// or postgresql:// URL)")


def _sqlite_engine(url: str) -> Engine:
    memory = url in ("sqlite://", "sqlite:///:memory:")
    if not memory:
        path = Path(url.split(":///", 1)[1])
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"--db {url}: cannot create {path.parent} ({exc.strerror})") from None
    engine = create_engine(
        url,
        connect_args={"timeout": 30, "check_same_thread": False},
        poolclass=StaticPool if memory else None,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")  # a committed action survives a power cut
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        # Take the write lock up front: two writers never both read the audit head and then fail
        # to upgrade their lock (SQLite's "database is locked" on deferred transactions).
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (idempotent; safe with concurrent openers)."""
    # Alembic costs ~0.2 s to import and only opening a store needs it (`decide --no-store` doesn't)
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
