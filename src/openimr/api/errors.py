"""The API's one error shape: `{"error": "<one line>"}` for every refusal, the framework's own too.

Statuses: 400 malformed or not UTF-8, 401 no/wrong key, 403 role not allowed, 404 unknown case or
route (also a reviewer asking for another reviewer's case), 405 wrong method, 409 illegal
lifecycle step, 413 body too large, 422 invalid case or field, 503 a pipeline stage missing; 500
`internal error` (logged) only for a bug.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Route

from openimr.api.services import StageUnavailable
from openimr.errors import KnowledgeBaseError, NotFoundError, OpenIMRError, StateError

MAX_ERROR_CHARS = 500  # an error echoes user input (a path, a field); keep it a readable line
log = logging.getLogger("openimr.api")


class ErrorBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    error: str


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 401, 403, 404, 409, 413, 422, 503)
}


def _one_line(message: object) -> str:
    """Collapse whitespace (newlines included) so every error is one line, and cap its length."""
    line = " ".join(str(message).split()) or "error"
    return line if len(line) <= MAX_ERROR_CHARS else line[: MAX_ERROR_CHARS - 3] + "..."


def error_response(
    status: int, message: object, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"error": _one_line(message)}, status_code=status, headers=headers)


def _routes(routes: list[Any]) -> list[Route]:
    """Every route, those of included routers too (FastAPI keeps an included router as one
    entry that holds the router it includes)."""
    found: list[Route] = []
    for route in routes:
        if isinstance(route, Route):
            found.append(route)
        elif (router := getattr(route, "original_router", None)) is not None:
            found.extend(_routes(router.routes))
    return found


def _allowed_methods(request: Request) -> str:
    """Every method some route serves on this path (Starlette's own Allow names only the first
    route that matched the path, e.g. POST /cases but not GET /cases)."""
    methods: set[str] = set()
    for route in _routes(request.app.router.routes):
        if route.matches(request.scope)[0] is Match.PARTIAL:
            methods |= route.methods or set()
    return ", ".join(sorted(methods))


def _http_error_message(request: Request, exc: StarletteHTTPException) -> str:
    """The framework's own refusals (routing, body parsing), said the way ours are."""
    where = f"{request.method} {request.url.path}"
    if exc.status_code == 404:
        return f"no such route: {where}"
    if exc.status_code == 405:
        allowed = _allowed_methods(request)
        return f"method not allowed: {where}" + (f" (allowed: {allowed})" if allowed else "")
    cause = exc.__cause__
    if isinstance(cause, UnicodeDecodeError):
        return f"request body is not UTF-8 (byte {cause.start})"
    if isinstance(cause, RecursionError):
        return "request body is nested too deeply"
    if exc.status_code == 400 and cause is not None:
        return f"request body cannot be parsed ({cause.__class__.__name__}: {cause})"
    return str(exc.detail)


class BodyLimit:
    """Refuse request bodies over `limit` bytes with 413 before any handler sees them."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> dict:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: dict, receive: Any, send: Any) -> None:
        response = error_response(413, f"request body larger than the limit of {self.limit} bytes")
        await response(scope, receive, send)


NOT_JSON_BODY = "request body is not JSON (send it with Content-Type: application/json)"


def one_line_validation(errors: list[dict]) -> tuple[int, str]:
    if not errors:
        return 422, "invalid request"
    first = errors[0]
    if first.get("type") == "json_invalid":
        return 400, f"malformed JSON: {first.get('ctx', {}).get('error', 'cannot be parsed')}"
    loc = [str(p) for p in first.get("loc", ()) if p not in ("body",)]
    where = ".".join(loc) or "body"
    if where == "body" and isinstance(first.get("input"), bytes | bytearray):
        # FastAPI hands over raw bytes when the Content-Type is not JSON
        return 400, NOT_JSON_BODY
    kind = first.get("type", "")
    problem = {"missing": "required field is missing", "extra_forbidden": "unknown field"}.get(
        kind, str(first.get("msg", "invalid")).removeprefix("Value error, ")
    )
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    return 422, f"{where}: {problem}{more}"


def install_error_handlers(app: FastAPI) -> None:
    """Every exception becomes the one error shape with the status that says what went wrong."""

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc)

    @app.exception_handler(OpenIMRError)
    async def _domain_error(_: Request, exc: OpenIMRError) -> JSONResponse:
        if isinstance(exc, KnowledgeBaseError):  # our own data files are broken, not the request
            return error_response(503, exc)
        status = (
            404 if isinstance(exc, NotFoundError) else 409 if isinstance(exc, StateError) else 422
        )
        return error_response(status, exc)

    @app.exception_handler(StageUnavailable)
    async def _unavailable(_: Request, exc: StageUnavailable) -> JSONResponse:
        return error_response(503, exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        status, message = one_line_validation(list(exc.errors()))
        return error_response(status, message)

    @app.exception_handler(StarletteHTTPException)  # FastAPI's HTTPException is a subclass
    async def _framework_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = _allowed_methods(request)
        return error_response(exc.status_code, _http_error_message(request, exc), headers)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        # A bug, never the client's fault: the client gets one line, the log gets the traceback
        # (Starlette re-raises after this answer, so the server logs it too).
        log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(500, "internal error")
