"""API fixtures: an app over a fresh SQLite store, stand-in pipeline stages, one key per role."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_testkit import KEYS, stand_in_services  # noqa: E402


@pytest.fixture
def app(tmp_path):  # type: ignore[no-untyped-def]
    from openimr.api.app import create_app

    application = create_app(
        f"sqlite:///{tmp_path / 'api.db'}",
        api_keys=KEYS,
        services=stand_in_services(),
        max_body_bytes=64 * 1024,
    )
    yield application
    application.state.store.close()


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    with TestClient(app) as test_client:
        yield test_client
