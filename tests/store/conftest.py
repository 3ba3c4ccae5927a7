"""Store fixtures: every store test runs against SQLite and (marked postgres) a real server."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

PG_URL = os.environ.get("OPENIMR_TEST_PG_URL")


def _pg_database_url(worker: str) -> str:
    """One database per xdist worker, emptied before each test."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    assert PG_URL is not None
    base = make_url(PG_URL)
    name = f"{base.database}_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = base.set(database=name)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url.render_as_string(hide_password=False)


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
    ]
)
def store_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'openimr.db'}"
        return
    if not PG_URL:
        pytest.skip("OPENIMR_TEST_PG_URL not set (source .ci/postgres.sh)")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    yield _pg_database_url(worker)


@pytest.fixture
def store(store_url: str):  # type: ignore[no-untyped-def]
    from openimr.store import open_store

    opened = open_store(store_url)
    yield opened
    opened.close()
