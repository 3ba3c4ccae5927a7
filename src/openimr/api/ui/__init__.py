"""The reviewer's workbench: web pages under /ui/ (Jinja2 templates, plain forms, local assets)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from openimr.api.ui.pages import HERE, Workbench, install_errors, make_templates, router
from openimr.api.ui.session import SessionSigner, session_secret

__all__ = ["install"]


def install(app: FastAPI, secret: bytes | None = None) -> None:
    """Add the pages, their stylesheet and their HTML error pages to the API's app. Call after
    the API's error handlers are installed (the pages wrap them)."""
    app.state.ui = Workbench(
        signer=SessionSigner(secret or session_secret()), templates=make_templates()
    )
    app.include_router(router)
    app.mount("/ui/static", StaticFiles(directory=HERE / "static"), name="ui-static")
    install_errors(app)
