"""Corpus fixtures: a store on SQLite and (marked postgres) on a real PostgreSQL server."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))

from store_testkit import pg_database_url  # noqa: E402

PG_URL = os.environ.get("OPENIMR_TEST_PG_URL")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'corpus.db'}"
        return
    if not PG_URL:
        pytest.skip("OPENIMR_TEST_PG_URL not set (source .ci/postgres.sh)")
    yield pg_database_url(PG_URL, "corpus_" + os.environ.get("PYTEST_XDIST_WORKER", "main"))


@pytest.fixture
def store(store_url: str):  # type: ignore[no-untyped-def]
    from openimr.store import open_store

    opened = open_store(store_url)
    yield opened
    opened.close()
