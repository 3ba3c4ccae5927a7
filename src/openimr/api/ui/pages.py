"""The reviewer's workbench: server-rendered pages under /ui/ over the same store and review
service as the API. Sign-in with an API key gives a signed session cookie; every form carries
the session's CSRF token. A reviewer sees only the cases assigned to them: any other case answers
404 and the attempt is written to the store's audit log (`access_denied`), as in the API.
"""

# no `from __future__ import annotations`: FastAPI reads the route annotations at runtime

import contextlib
import datetime as dt
import json
import logging
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from openimr.api.auth import ApiKey
from openimr.api.deps import AppContext, context, scope
from openimr.api.errors import ApiError
from openimr.api.routes.letters import LETTER_TYPES
from openimr.api.ui import view
from openimr.api.ui.session import (
    COOKIE,
    MAX_AGE_SECONDS,
    Session,
    SessionSigner,
    csrf_matches,
    new_session,
)
from openimr.corpus.precedents import find_precedents
from openimr.engine.pipeline import parse_items
from openimr.errors import InputError, StateError
from openimr.intake import UnreadableCaseFileError, parse_case_bytes
from openimr.review.service import deadline_status
from openimr.reviewers.assign import assign as screen_panel
from openimr.store.precedents import PrecedentRepository

log = logging.getLogger("openimr.api.ui")
router = APIRouter(include_in_schema=False)
HERE = Path(__file__).parent
FLASH = "openimr_flash"
PRECEDENTS_PER_ITEM = 3


class LoginRequired(Exception):
    """A page asked for without a session: the answer is the sign-in page."""


@dataclass(frozen=True)
class Workbench:
    """Held in `app.state.ui`."""

    signer: SessionSigner
    templates: Environment


def make_templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date"] = lambda d: d.strftime("%m/%d/%Y") if d else "—"
    env.filters["pct"] = lambda x: "—" if x is None else f"{x * 100:.0f}%"
    env.globals["status_words"] = view.STATUS_WORDS
    env.globals["likely_threshold"] = view.LIKELY_OVERTURN
    return env


def workbench(request: Request) -> Workbench:
    return request.app.state.ui


WB = Annotated[Workbench, Depends(workbench)]
Ctx = Annotated[AppContext, Depends(context)]


def current_session(request: Request, wb: WB) -> Session | None:
    return wb.signer.loads(request.cookies.get(COOKIE))


def signed_in(request: Request, wb: WB, ctx: Ctx) -> ApiKey:
    session = current_session(request, wb)
    who = ctx.keyring.by_digest(session.key_digest if session else None)
    if who is None:
        raise LoginRequired()
    return who


Who = Annotated[ApiKey, Depends(signed_in)]


async def csrf_checked(request: Request, wb: WB) -> None:
    """Every POST carries the session's token in `csrf_token` (a form another site makes
    the browser send cannot know it)."""
    form = await request.form()
    token = form.get("csrf_token")
    if not csrf_matches(current_session(request, wb), token if isinstance(token, str) else None):
        log.warning(
            "ui: refused %s %s: CSRF token missing or wrong", request.method, request.url.path
        )
        raise ApiError(403, "the form's security token is missing or out of date; reload the page")


Csrf = Annotated[None, Depends(csrf_checked)]


def needs(who: ApiKey, *roles: str, ctx: AppContext | None = None, number: str = "") -> None:
    """Refuse a role this action is not for (403). Given the case, a reviewer's refusal for
    another reviewer's case is 404 (and logged), as on every page of such a case."""
    if who.role not in roles and ctx is not None and who.role == "reviewer":
        ctx.store.get_case(number, who.actor, reviewer=scope(who))
    if who.role not in roles:
        raise ApiError(403, f"role {who.role} may not do this (needs {' or '.join(roles)})")


def set_session(response: Response, request: Request, wb: Workbench, session: Session) -> None:
    response.set_cookie(
        COOKIE,
        wb.signer.dumps(session),
        max_age=MAX_AGE_SECONDS,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/ui",
    )


def page(
    request: Request, wb: Workbench, name: str, status: int = 200, **values: Any
) -> HTMLResponse:
    session = current_session(request, wb)
    notice = wb.signer.unseal(request.cookies.get(FLASH))
    kind, _, rest = (notice or "").partition("|")
    item, _, text = rest.partition("|")
    html = wb.templates.get_template(name).render(
        csrf=session.csrf if session else "",
        notice=text,
        notice_kind=kind,
        notice_item=int(item) if item.isdigit() else None,  # shown beside that item's form
        **values,
    )
    response = HTMLResponse(html, status_code=status)
    if notice is not None:
        response.delete_cookie(FLASH, path="/ui")
    return response


def back(
    request: Request,
    wb: Workbench,
    to: str,
    notice: str = "",
    kind: str = "ok",
    item: int | None = None,
) -> Response:
    """Post/redirect/get, with a one-time notice for the next page (beside item `item`'s form
    when given, since the page opens scrolled to it)."""
    response = RedirectResponse(to if item is None else f"{to}#item-{item}", status_code=303)
    if notice:
        response.set_cookie(
            FLASH,
            wb.signer.seal(f"{kind}|{item or ''}|{' '.join(notice.split())[:600]}"),
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/ui",
        )
    return response


def case_url(number: str, rest: str = "") -> str:
    return f"/ui/cases/{urllib.parse.quote(number)}{rest}"


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


# ----------------------------------------------------------------------------- sign-in


@router.get("/ui", response_class=HTMLResponse)
def ui_root() -> Response:
    return RedirectResponse("/ui/", status_code=307)


@router.get("/ui/login", response_class=HTMLResponse)
def login_form(request: Request, wb: WB) -> Response:
    session = current_session(request, wb)
    if session is not None:
        return page_with(request, wb, "login.html", session)
    session = new_session()  # the sign-in form needs a token too: a pre-session holds it
    response = page_with(request, wb, "login.html", session)
    set_session(response, request, wb, session)
    return response


def page_with(
    request: Request, wb: Workbench, name: str, session: Session, status: int = 200, **values: Any
) -> HTMLResponse:
    html = wb.templates.get_template(name).render(
        csrf=session.csrf, notice="", notice_kind="", **values
    )
    return HTMLResponse(html, status_code=status)


@router.post("/ui/login", response_class=HTMLResponse)
def login(
    request: Request, wb: WB, ctx: Ctx, _: Csrf, api_key: Annotated[str, Form()] = ""
) -> Response:
    who = ctx.keyring.lookup(api_key.strip())
    if who is None:
        log.warning("ui: sign-in refused: unknown API key")
        session = current_session(request, wb) or new_session()
        return page_with(
            request, wb, "login.html", session, status=401, error="That API key is not known."
        )
    response = RedirectResponse("/ui/", status_code=303)
    set_session(response, request, wb, new_session(who.digest))  # a new token on sign-in
    return response


@router.post("/ui/logout")
def logout(request: Request, wb: WB, _: Csrf) -> Response:
    response = RedirectResponse("/ui/login", status_code=303)
    response.delete_cookie(COOKIE, path="/ui")
    return response


# ----------------------------------------------------------------------------- home


@router.get("/ui/", response_class=HTMLResponse)
def home(request: Request, wb: WB, ctx: Ctx, who: Who) -> Response:
    summaries = ctx.store.list_cases(who.actor, reviewer=scope(who))
    day = today()
    rows = []
    for s in summaries:
        deadline = deadline_status(s, day)
        likelihood = None
        if s.determination_status and who.role == "reviewer":
            det = ctx.store.determination(
                s.case_number, who.actor, reviewer=scope(who), purpose="view_queue"
            )
            likelihood = view.max_likelihood(det)
        rows.append({"summary": s, "deadline": deadline, "likelihood": likelihood})
    open_first = sorted(
        rows,
        key=lambda r: (
            r["deadline"].due is None,
            r["deadline"].due or dt.date.max,
            r["summary"].case_number,
        ),
    )
    template = "queue.html" if who.role == "reviewer" else "intake_home.html"
    return page(request, wb, template, who=who, rows=open_first, today=day)


@router.post("/ui/cases/upload")
async def upload(
    request: Request, wb: WB, ctx: Ctx, who: Who, _: Csrf, file: Annotated[UploadFile, File()]
) -> Response:
    needs(who, "intake", "admin")
    raw = await file.read()
    try:
        case = parse_case_bytes(raw, file.filename or "upload")
        summary = await run_in_threadpool(ctx.store.add_case, case, who.actor)
    except (UnreadableCaseFileError, InputError, StateError) as exc:
        return back(request, wb, "/ui/", f"Not added: {exc}", "error")
    return back(request, wb, case_url(summary.case_number), f"Case {summary.case_number} added.")


# ----------------------------------------------------------------------------- one case


def _item_views(ctx: AppContext, stored: Any, det: Any) -> list[dict[str, Any]]:
    anchors = view.evidence_anchors(stored.case, det)
    repo = PrecedentRepository(ctx.store)
    items = []
    for number, item in enumerate(det.items if det else [], start=1):
        hits = find_precedents(
            repo,
            item.treatment,
            PRECEDENTS_PER_ITEM,
            case=stored.case,
            exclude_case=stored.case.case_number,
        ).results
        criteria = [
            {
                "c": crit,
                "links": [
                    anchors[(s.record_id, s.start, s.end)]
                    for s in crit.evidence
                    if (s.record_id, s.start, s.end) in anchors
                ],
            }
            for crit in item.criteria
        ]
        items.append(
            {
                "number": number,
                "item": item,
                "draft_outcome": view.draft_outcome(det, number),
                "likely": view.likely_overturn(item),
                "criteria": criteria,
                "precedents": hits,
                "changes": [o for o in det.overrides if o.item == number],
            }
        )
    return items


@router.get("/ui/cases/{number}", response_class=HTMLResponse)
def case_page(number: str, request: Request, wb: WB, ctx: Ctx, who: Who) -> Response:
    if who.role == "reviewer":
        rv = ctx.review.view(number, who.actor, scope=scope(who), today=today())
        det = rv.case.determination
        return page(
            request,
            wb,
            "case_review.html",
            who=who,
            rv=rv,
            stored=rv.case,
            det=det,
            items=_item_views(ctx, rv.case, det),
            records=view.record_views(rv.case.case, det),
        )
    stored = ctx.store.get_case(number, who.actor)
    assignment = None
    if stored.summary.state == "eligible":
        # screened as the assign action screens a named reviewer: on the case's own dates
        assignment = screen_panel(stored.case, ctx.review.panel(), parse_items(stored.case))
    return page(
        request,
        wb,
        "intake_case.html",
        who=who,
        stored=stored,
        det=stored.determination,
        deadline=deadline_status(stored.summary, today()),
        assignment=assignment,
    )


def _act(request: Request, wb: Workbench, number: str, action: Any, done: str) -> Response:
    """Run a case action; a refusal (bad input, an illegal step) comes back as a notice on the
    case page, while 'not found' (another reviewer's case) stays a 404."""
    try:
        action()
    except (InputError, StateError) as exc:
        return back(request, wb, case_url(number), str(exc), "error")
    return back(request, wb, case_url(number), done)


@router.post("/ui/cases/{number}/screen")
def screen(number: str, request: Request, wb: WB, ctx: Ctx, who: Who, _: Csrf) -> Response:
    needs(who, "intake", "admin", ctx=ctx, number=number)
    case = ctx.store.get_case(number, who.actor).case
    result = ctx.stages.screen(case, ctx.store.possible_duplicates(number, who.actor))
    try:
        if result.eligible:
            ctx.store.transition(number, "eligible", who.actor)
        else:
            ctx.store.transition(number, "ineligible", who.actor, reason=result.reason)
    except (InputError, StateError) as exc:
        return back(request, wb, case_url(number), str(exc), "error")
    if result.eligible:
        return back(request, wb, case_url(number), "Screening: eligible.")
    why = "; ".join(result.messages or result.reasons)
    return back(request, wb, case_url(number), f"Screening: ineligible ({why}).", "error")


@router.post("/ui/cases/{number}/assign")
def assign(
    number: str,
    request: Request,
    wb: WB,
    ctx: Ctx,
    who: Who,
    _: Csrf,
    reviewer: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    needs(who, "intake", "admin", ctx=ctx, number=number)
    code = reviewer.strip() or None
    return _act(
        request,
        wb,
        number,
        lambda: ctx.review.assign(number, who.actor, reviewer=code),
        f"Assigned to {code}." if code else "Assigned to the panel's best match.",
    )


@router.post("/ui/cases/{number}/records-complete")
def records_complete(
    number: str, request: Request, wb: WB, ctx: Ctx, who: Who, _: Csrf
) -> Response:
    needs(who, "intake", "admin", ctx=ctx, number=number)
    return _act(
        request,
        wb,
        number,
        lambda: ctx.store.transition(number, "records_complete", who.actor),
        "Records marked complete; the decision deadline runs.",
    )


@router.post("/ui/cases/{number}/issue")
def issue(number: str, request: Request, wb: WB, ctx: Ctx, who: Who, _: Csrf) -> Response:
    needs(who, "intake", "admin", ctx=ctx, number=number)
    return _act(
        request,
        wb,
        number,
        lambda: ctx.store.transition(number, "issued", who.actor),
        "Letter issued.",
    )


@router.post("/ui/cases/{number}/decide")
def decide(number: str, request: Request, wb: WB, ctx: Ctx, who: Who, _: Csrf) -> Response:
    needs(who, "reviewer", "admin")
    return _act(
        request,
        wb,
        number,
        lambda: ctx.review.decide(number, who.actor, scope=scope(who)),
        "Draft made by the engine.",
    )


@router.post("/ui/cases/{number}/items/{item}")
def save_item(
    number: str,
    item: int,
    request: Request,
    wb: WB,
    ctx: Ctx,
    who: Who,
    _: Csrf,
    outcome: Annotated[Literal["Upheld", "Overturned"], Form()],
    reason: Annotated[str, Form(max_length=2000)] = "",
    rationale: Annotated[str, Form(max_length=100_000)] = "",
) -> Response:
    """The physician's decision on one item: the outcome (a change needs a reason) and the
    rationale, through the review service's override."""
    needs(who, "reviewer")
    det = ctx.store.determination(number, who.actor, reviewer=scope(who))
    if not 1 <= item <= len(det.items):
        raise ApiError(404, f"case {number}: no item {item}")
    current = det.items[item - 1]
    new_outcome = outcome if outcome != current.outcome else None
    new_rationale = rationale.replace("\r\n", "\n").strip() or None
    if new_rationale == current.rationale.strip():
        new_rationale = None
    if new_outcome is None and new_rationale is None:
        return back(request, wb, case_url(number), f"Item {item}: nothing changed.", item=item)
    try:
        ctx.review.override(
            number,
            item,
            who.reviewer or "",
            who.actor,
            reason=reason.strip() or None,
            outcome=new_outcome,
            rationale=new_rationale,
            scope=scope(who),
        )
    except (InputError, StateError) as exc:
        return back(request, wb, case_url(number), str(exc), "error", item=item)
    return back(request, wb, case_url(number), f"Item {item} saved.", item=item)


@router.post("/ui/cases/{number}/summary")
def save_summary(
    number: str,
    request: Request,
    wb: WB,
    ctx: Ctx,
    who: Who,
    _: Csrf,
    text: Annotated[str, Form(max_length=100_000)],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    needs(who, "reviewer")
    return _act(
        request,
        wb,
        number,
        lambda: ctx.review.edit_summary(
            number,
            text.replace("\r\n", "\n").strip(),
            who.reviewer or "",
            who.actor,
            reason=reason.strip() or None,
            scope=scope(who),
        ),
        "Summary saved.",
    )


@router.post("/ui/cases/{number}/sign")
def sign(number: str, request: Request, wb: WB, ctx: Ctx, who: Who, _: Csrf) -> Response:
    needs(who, "reviewer")
    return _act(
        request,
        wb,
        number,
        lambda: ctx.review.sign(number, who.reviewer or "", who.actor),
        "Signed. The letter is final.",
    )


@router.get("/ui/cases/{number}/letter.{fmt}")
def letter(number: str, fmt: str, ctx: Ctx, who: Who) -> Response:
    if fmt not in ("pdf", "html"):
        raise ApiError(404, f"no such letter format: {fmt}")
    det = ctx.store.determination(
        number, who.actor, reviewer=scope(who), purpose=f"view_letter_{fmt}"
    )
    return Response(content=ctx.stages.render(det, fmt), media_type=LETTER_TYPES[fmt])


@router.get("/ui/cases/{number}/audit", response_class=HTMLResponse)
def audit(number: str, request: Request, wb: WB, ctx: Ctx, who: Who) -> Response:
    needs(who, "admin", ctx=ctx, number=number)
    stored = ctx.store.get_case(number, who.actor)
    entries = ctx.store.audit_entries(number)
    return page(request, wb, "audit.html", who=who, stored=stored, entries=entries)


def install_errors(app: Any) -> None:
    """Pages under /ui/ answer refusals as HTML (with the API's status and one-line message),
    and a page asked for without a session redirects to the sign-in form."""
    handlers = dict(app.exception_handlers)

    def wrap(original: Any) -> Any:
        async def handler(request: Request, exc: Exception) -> Response:
            response = await original(request, exc)
            if not request.url.path.startswith("/ui"):
                return response
            message = response.body.decode("utf-8", "replace")
            with contextlib.suppress(ValueError, KeyError, TypeError):
                message = json.loads(message)["error"]
            wb: Workbench = request.app.state.ui
            session = current_session(request, wb)
            who = request.app.state.context.keyring.by_digest(
                session.key_digest if session else None
            )
            html = wb.templates.get_template("error.html").render(
                status=response.status_code,
                message=message,
                who=who,
                csrf=session.csrf if session else "",
                notice="",
                notice_kind="",
            )
            headers = {k: v for k, v in response.headers.items() if k.lower() == "allow"}
            return HTMLResponse(html, status_code=response.status_code, headers=headers)

        return handler

    for exc_class, original in handlers.items():
        app.add_exception_handler(exc_class, wrap(original))

    async def to_login(request: Request, exc: Exception) -> Response:
        return RedirectResponse("/ui/login", status_code=303)

    app.add_exception_handler(LoginRequired, to_login)
