"""Store fixtures: every store test runs against SQLite and (marked postgres) a real server."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from store_testkit import pg_database_url

PG_URL = os.environ.get("OPENIMR_TEST_PG_URL")


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
    yield pg_database_url(PG_URL, worker)


@pytest.fixture
def store(store_url: str):  # type: ignore[no-untyped-def]
    from store_testkit import stand_in_signer

    from openimr.store import open_store

    opened = open_store(store_url, signer=stand_in_signer)
    yield opened
    opened.close()
