"""The HTTP API (thin): the app, its middleware and error shape; routes live in `api/routes/`.

Every route is one store action (one transaction) or one review-service action. Errors are JSON
`{"error": "<one line>"}` (see `openimr.api.errors`), the framework's own answers too, so no
client ever sees `{"detail": ...}` or a traceback.
"""

# no `from __future__ import annotations`: FastAPI reads the route annotations at runtime

import os

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from openimr import __version__
from openimr.api.auth import ApiKey, KeyRing, resolve_keys
from openimr.api.deps import AppContext, Caller
from openimr.api.errors import BodyLimit, install_error_handlers
from openimr.api.routes import audit, cases, letters, lifecycle, precedents, review, reviewers
from openimr.api.services import Services
from openimr.api.ui import install as install_workbench
from openimr.review.service import ReviewService
from openimr.store import Store, open_store

DEFAULT_MAX_BODY = 2 * 1024 * 1024


def create_app(
    store_url: str | None = None,
    api_keys: list[ApiKey] | dict[str, str] | None = None,
    *,
    services: Services | None = None,
    store: Store | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY,
) -> FastAPI:
    """Build the API over the store at `store_url` (see `openimr.store.open_store`).

    `api_keys`: see `openimr.api.auth` (else OPENIMR_API_KEYS_FILE / OPENIMR_API_KEYS).
    `services`: the pipeline stages (tests pass stand-ins); `store`: an already open store.
    """
    keyring: KeyRing = resolve_keys(api_keys)
    the_store = store or open_store(store_url)
    stages = services or Services()
    app = FastAPI(
        title="openimr",
        version=__version__,
        description=(
            "Independent Medical Review for California workers' compensation: cases through the"
            " 8 CCR 9792.10 lifecycle, drafted by the engine, revised and signed by the assigned"
            " reviewer. Authenticate with the `X-API-Key` header; roles: intake, reviewer, admin."
        ),
        # The schema is served below behind a key, like every route but /health. The interactive
        # docs are off: their assets come from a CDN, which a closed network cannot reach.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.store = the_store
    app.state.context = AppContext(
        keyring=keyring,
        store=the_store,
        stages=stages,
        review=ReviewService(the_store, panel=stages.panel, decider=stages.decide),
    )
    app.add_middleware(BodyLimit, limit=max_body_bytes)
    install_error_handlers(app)

    @app.get("/health", tags=["meta"])
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/openapi.json", include_in_schema=False)
    def openapi_schema(who: Caller) -> JSONResponse:
        return JSONResponse(app.openapi())

    # in the order of a case's life (the OpenAPI schema lists them so)
    for module in (cases, reviewers, review, letters, lifecycle, audit, precedents):
        app.include_router(module.router)
    install_workbench(app)  # the web pages under /ui/ (after the error handlers it wraps)
    return app


def create_app_from_env() -> FastAPI:
    """Factory for `openimr serve --workers N`: each worker process builds its own app from the
    environment (OPENIMR_DB, OPENIMR_API_KEYS[_FILE], OPENIMR_MAX_BODY)."""
    return create_app(
        None, max_body_bytes=int(os.environ.get("OPENIMR_MAX_BODY", DEFAULT_MAX_BODY))
    )
