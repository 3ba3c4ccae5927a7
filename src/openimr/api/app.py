"""The HTTP API (thin): case intake, screening, assignment, decision, signing, letters, deadlines.

Every route is one store action (one transaction). Errors are JSON `{"error": "<one line>"}` with
the status that says what went wrong: 400 malformed or not UTF-8, 401 no/wrong key, 403 role not
allowed, 404 unknown case or route (also a reviewer asking for another reviewer's case), 405 wrong
method, 409 illegal lifecycle step, 413 body too large, 422 invalid case or field, 503 a pipeline
stage missing; 500 `internal error` (logged) only for a bug. The framework's own answers are
rewritten into the same shape, so no client ever sees `{"detail": ...}` or a traceback.
"""

# no `from __future__ import annotations`: FastAPI reads the route annotations at runtime

import datetime as dt
import logging
import os
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, File, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Route

from openimr import __version__
from openimr.api.auth import ApiKey, KeyRing, resolve_keys
from openimr.api.precedents import register_precedent_routes
from openimr.api.services import Services, StageUnavailable
from openimr.domain import Determination
from openimr.engine.pipeline import sign_determination
from openimr.errors import KnowledgeBaseError, NotFoundError, OpenIMRError, StateError
from openimr.intake import UnreadableCaseFileError, parse_case_bytes
from openimr.store import (
    AuditEntry,
    AuditVerification,
    CaseSummary,
    Store,
    StoredCase,
    open_store,
)
from openimr.store.lifecycle import CaseState

DEFAULT_MAX_BODY = 2 * 1024 * 1024
MAX_ERROR_CHARS = 500  # an error echoes user input (a path, a field); keep it a readable line
log = logging.getLogger("openimr.api")
LETTER_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "text": "text/plain; charset=utf-8",
    "json": "application/json",
}


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AssignBody(Strict):
    reviewer: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="reviewer code; omitted: the panel's best match",
    )
    on: dt.date | None = None


class RecordsBody(Strict):
    on: dt.date | None = Field(default=None, description="date the records were complete")


class WithdrawBody(Strict):
    reason: str = Field(
        min_length=1, max_length=500, examples=["claims administrator authorized the treatment"]
    )


class IneligibleBody(Strict):
    reason: Literal[
        "late",
        "unsigned",
        "no_ur_decision",
        "conditional_non_certification",
        "duplicate",
        "not_disputed",
    ]


class ScreenResult(Strict):
    eligible: bool
    reason: str | None = None  # the one recorded on the case
    reasons: list[str] = []  # every reason found
    messages: list[str] = []
    case: CaseSummary


class ErrorBody(Strict):
    error: str


_ERRORS: dict[int | str, dict[str, Any]] = {
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


def _allowed_methods(request: Request) -> str:
    """Every method some route serves on this path (Starlette's own Allow names only the first
    route that matched the path, e.g. POST /cases but not GET /cases)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, Route) and route.matches(request.scope)[0] is Match.PARTIAL:
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


def _one_line_validation(errors: list[dict]) -> tuple[int, str]:
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
    the_store = store or open_store(store_url, signer=sign_determination)
    stages = services or Services()
    app = FastAPI(
        title="openimr",
        version=__version__,
        description=(
            "Independent Medical Review for California workers' compensation: cases through the"
            " 8 CCR 9792.10 lifecycle, drafted by the engine and signed by the assigned reviewer."
            " Authenticate with the `X-API-Key` header; roles: intake, reviewer, admin."
        ),
        # The schema is served below behind a key, like every route but /health. The interactive
        # docs are off: their assets come from a CDN, which a closed network cannot reach.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.store = the_store
    app.add_middleware(BodyLimit, limit=max_body_bytes)
    header = APIKeyHeader(name="X-API-Key", auto_error=False, description="your API key")

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
        status, message = _one_line_validation(list(exc.errors()))
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

    def caller(key: Annotated[str | None, Depends(header)]) -> ApiKey:
        found = keyring.lookup(key)
        if found is None:
            raise ApiError(401, "missing or unknown API key (send it in the X-API-Key header)")
        return found

    def allow(who: ApiKey, *roles: str) -> None:
        if who.role not in roles:
            raise ApiError(403, f"role {who.role} may not do this (needs {' or '.join(roles)})")

    def scope(who: ApiKey) -> str | None:
        """The reviewer code a caller is confined to (None: sees every case)."""
        return who.reviewer if who.role == "reviewer" else None

    Caller = Annotated[ApiKey, Depends(caller)]

    register_precedent_routes(app, the_store, Caller, allow, _ERRORS)

    @app.get("/health", tags=["meta"])
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/openapi.json", include_in_schema=False)
    def openapi_schema(who: Caller) -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.post(
        "/cases",
        status_code=201,
        response_model=CaseSummary,
        responses=_ERRORS,
        tags=["cases"],
        summary="Create a case from a case file (JSON body)",
        # read by the case-file reader itself (below), so the schema is declared here
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Case"}}},
            }
        },
    )
    async def create_case(request: Request, who: Caller) -> CaseSummary:
        allow(who, "intake", "admin")
        content_type = request.headers.get("content-type", "application/json")
        if "json" not in content_type.lower():
            raise ApiError(400, NOT_JSON_BODY)
        try:
            # the one reader of case files, as for `openimr validate` and uploads: duplicate
            # keys, dates, sizes and nesting are refused alike (InputError -> 422 naming the field)
            case = parse_case_bytes(await request.body(), "request body", json_format=True)
        except UnreadableCaseFileError as exc:
            raise ApiError(400, str(exc)) from None
        return await run_in_threadpool(the_store.add_case, case, who.actor)

    @app.post(
        "/cases/upload",
        status_code=201,
        response_model=CaseSummary,
        responses=_ERRORS,
        tags=["cases"],
        summary="Create a case from an uploaded case file (YAML or JSON)",
    )
    async def upload_case(file: Annotated[UploadFile, File()], who: Caller) -> CaseSummary:
        allow(who, "intake", "admin")
        raw = await file.read()
        name = file.filename or "upload"
        try:
            # the CLI's path: size, UTF-8, YAML/JSON, nesting, then the fields (InputError -> 422)
            case = parse_case_bytes(raw, name)
        except UnreadableCaseFileError as exc:
            raise ApiError(400, str(exc)) from None
        return await run_in_threadpool(the_store.add_case, case, who.actor)

    @app.get(
        "/cases",
        response_model=list[CaseSummary],
        responses=_ERRORS,
        tags=["cases"],
        summary="Cases with their state and deadlines, soonest decision due first",
    )
    def list_cases(
        who: Caller,
        state: Annotated[CaseState | None, Query(description="only cases in this state")] = None,
        limit: Annotated[int | None, Query(ge=1, le=10_000)] = None,
    ) -> list[CaseSummary]:
        return the_store.list_cases(who.actor, reviewer=scope(who), state=state, limit=limit)

    @app.get(
        "/cases/{number}",
        response_model=StoredCase,
        responses=_ERRORS,
        tags=["cases"],
        summary="One case: file, lifecycle history, latest determination (logged as a view)",
    )
    def show_case(number: str, who: Caller) -> StoredCase:
        return the_store.get_case(number, who.actor, reviewer=scope(who))

    @app.post(
        "/cases/{number}/screen",
        response_model=ScreenResult,
        responses=_ERRORS,
        tags=["lifecycle"],
        summary="Screen eligibility: eligible, or ineligible with reason",
    )
    def screen(number: str, who: Caller) -> ScreenResult:
        allow(who, "intake", "admin")
        case = the_store.get_case(number, who.actor).case
        result = stages.screen(case, the_store.possible_duplicates(number, who.actor))
        if result.eligible:
            summary = the_store.transition(number, "eligible", who.actor)
        else:
            summary = the_store.transition(number, "ineligible", who.actor, reason=result.reason)
        return ScreenResult(
            eligible=result.eligible,
            reason=result.reason,
            reasons=result.reasons,
            messages=result.messages,
            case=summary,
        )

    @app.post(
        "/cases/{number}/ineligible",
        response_model=CaseSummary,
        responses=_ERRORS,
        tags=["lifecycle"],
        summary="Find a case ineligible by hand (e.g. a duplicate)",
    )
    def ineligible(number: str, body: IneligibleBody, who: Caller) -> CaseSummary:
        allow(who, "intake", "admin")
        return the_store.transition(number, "ineligible", who.actor, reason=body.reason)

    @app.post(
        "/cases/{number}/assign",
        response_model=CaseSummary,
        responses=_ERRORS,
        tags=["lifecycle"],
        summary="Notice of assignment to a reviewer (given or chosen)",
    )
    def assign(number: str, who: Caller, body: AssignBody | None = None) -> CaseSummary:
        allow(who, "intake", "admin")
        body = body or AssignBody()
        if body.reviewer:
            known = stages.panel_reviewer(body.reviewer)
            return the_store.assign(number, known or body.reviewer, who.actor, on=body.on)
        case = the_store.get_case(number, who.actor).case
        code, reviewer, detail = stages.pick_reviewer(case, body.on or dt.date.today())
        if not code:
            raise ApiError(409, f"case {number}: no qualified, conflict-free reviewer on the panel")
        return the_store.assign(number, reviewer or code, who.actor, detail=detail, on=body.on)

    @app.post(
        "/cases/{number}/records-complete",
        response_model=CaseSummary,
        responses=_ERRORS,
        tags=["lifecycle"],
        summary="Records received: the decision deadline starts",
    )
    def records_complete(number: str, who: Caller, body: RecordsBody | None = None) -> CaseSummary:
        allow(who, "intake", "admin")
        on = body.on if body else None
        return the_store.transition(number, "records_complete", who.actor, on=on)

    @app.post(
        "/cases/{number}/decide",
        response_model=Determination,
        responses=_ERRORS,
        tags=["review"],
        summary="Run the engine and store its draft determination",
    )
    def decide(number: str, who: Caller) -> Determination:
        allow(who, "reviewer", "admin")
        stored = the_store.get_case(number, who.actor, reviewer=scope(who))
        code = stored.summary.assigned_reviewer
        det = stages.decide(stored.case, the_store.reviewer(code) if code else None)
        the_store.save_determination(det, who.actor)
        return det

    @app.post(
        "/cases/{number}/sign",
        response_model=Determination,
        responses=_ERRORS,
        tags=["review"],
        summary="The assigned reviewer signs the draft",
    )
    def sign(number: str, who: Caller) -> Determination:
        allow(who, "reviewer")
        the_store.get_case(number, who.actor, reviewer=scope(who))  # 404 unless assigned
        return the_store.sign(number, who.reviewer or "", who.actor)

    @app.post(
        "/cases/{number}/issue",
        response_model=CaseSummary,
        responses=_ERRORS,
        tags=["lifecycle"],
        summary="The signed letter is issued to the parties",
    )
    def issue(number: str, who: Caller) -> CaseSummary:
        allow(who, "intake", "admin")
        return the_store.transition(number, "issued", who.actor)

    @app.post(
        "/cases/{number}/withdraw",
        response_model=CaseSummary,
        responses=_ERRORS,
        tags=["lifecycle"],
        summary="Withdrawn: the claims administrator authorized it",
    )
    def withdraw(number: str, body: WithdrawBody, who: Caller) -> CaseSummary:
        allow(who, "intake", "admin")
        return the_store.transition(number, "withdrawn", who.actor, reason=body.reason)

    @app.get(
        "/cases/{number}/determination",
        response_model=Determination,
        responses=_ERRORS,
        tags=["review"],
        summary="The latest determination with its criteria trace",
    )
    def determination(number: str, who: Caller) -> Determination:
        return the_store.determination(number, who.actor, reviewer=scope(who))

    @app.get(
        "/cases/{number}/letter",
        responses={**_ERRORS, 200: {"content": {t: {} for t in LETTER_TYPES.values()}}},
        tags=["review"],
        summary="The Final Determination Letter (DRAFT until signed)",
    )
    def letter(
        number: str,
        who: Caller,
        format: Annotated[Literal["html", "pdf", "text", "json"], Query()] = "html",  # noqa: A002
    ) -> Response:
        det = the_store.determination(
            number, who.actor, reviewer=scope(who), purpose=f"view_letter_{format}"
        )
        body = stages.render(det, format)
        return Response(content=body, media_type=LETTER_TYPES[format])

    @app.get(
        "/cases/{number}/audit",
        response_model=list[AuditEntry],
        responses=_ERRORS,
        tags=["audit"],
        summary="Audit entries about one case",
    )
    def case_audit(number: str, who: Caller) -> list[AuditEntry]:
        allow(who, "admin")
        return the_store.audit_entries(number)

    @app.get(
        "/audit/verify",
        response_model=AuditVerification,
        responses=_ERRORS,
        tags=["audit"],
        summary="Recompute the audit log's hash chain",
    )
    def audit_verify(who: Caller) -> AuditVerification:
        allow(who, "admin")
        return the_store.verify_audit_log()

    return app


def create_app_from_env() -> FastAPI:
    """Factory for `openimr serve --workers N`: each worker process builds its own app from the
    environment (OPENIMR_DB, OPENIMR_API_KEYS[_FILE], OPENIMR_MAX_BODY)."""
    return create_app(
        None, max_body_bytes=int(os.environ.get("OPENIMR_MAX_BODY", DEFAULT_MAX_BODY))
    )
