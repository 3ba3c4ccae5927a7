"""Property-based run against the published OpenAPI schema: no input makes the server fail (5xx).

Bounded: a few examples per operation, each key role, so the whole run takes seconds.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from api_testkit import ADMIN, KEYS, REV1, case_body, stand_in_services
from hypothesis import HealthCheck, settings
from store_testkit import pg_database_url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def api_schema(request, tmp_path):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from openimr.api.app import create_app

    url = f"sqlite:///{tmp_path / 'fuzz.db'}"
    if request.param == "postgres":
        if not os.environ.get("OPENIMR_TEST_PG_URL"):
            pytest.skip("OPENIMR_TEST_PG_URL not set (source .ci/postgres.sh)")
        url = pg_database_url(
            os.environ["OPENIMR_TEST_PG_URL"], os.environ.get("PYTEST_XDIST_WORKER", "main")
        )
    app = create_app(url, api_keys=KEYS, services=stand_in_services(), max_body_bytes=64 * 1024)
    # one case in a late state, so path parameters can hit real rows too
    with TestClient(app) as client:
        client.post("/cases", json=case_body(), headers=ADMIN)
        client.post("/cases/CM15-0012345/screen", headers=ADMIN)
        client.post("/cases/CM15-0012345/assign", json={"reviewer": "R-1"}, headers=ADMIN)
        client.post("/cases/CM15-0012345/records-complete", headers=ADMIN)
        client.post("/cases/CM15-0012345/decide", headers=REV1)
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    app.state.store.close()


def test_no_server_errors(api_schema) -> None:  # type: ignore[no-untyped-def]
    seen: list[int] = []
    from hypothesis import given

    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 14
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=6,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def no_5xx(case) -> None:  # type: ignore[no-untyped-def]
            for key in (ADMIN["X-API-Key"], REV1["X-API-Key"]):
                response = case.call(headers={"X-API-Key": key})
                seen.append(response.status_code)
                assert response.status_code < 500, (
                    case.method,
                    case.path,
                    case.path_parameters,
                    response.text[:300],
                )

        no_5xx()
    # the run reached the handlers, not only the auth and validation layers
    assert len(seen) > 50 and any(200 <= status < 300 for status in seen)
