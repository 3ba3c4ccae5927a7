"""CLI: `openimr decide CASE` and `openimr sign DETERMINATION --reviewer ID`."""

from __future__ import annotations

import argparse
import json
import os
import sys

from pydantic import ValidationError

from openimr import store as case_store  # lazy: `decide --no-store` never imports SQLAlchemy
from openimr.domain.determination import Determination
from openimr.engine.pipeline import decide_case, sign_determination
from openimr.errors import InputError, NotFoundError, StateError
from openimr.intake import load_case
from openimr.intake.load import describe_validation_error
from openimr.io_util import iso_date, read_input_text, write_atomic
from openimr.letters.render import render_letter
from openimr.reviewers import load_panel

FORMATS = ("text", "html", "pdf", "json")


def _emit(payload: str | bytes, output: str | None) -> None:
    if output:
        write_atomic(output, payload)
        print(f"wrote {output}", file=sys.stderr)
    elif isinstance(payload, bytes):
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()
    else:
        sys.stdout.write(payload if payload.endswith("\n") else payload + "\n")


def _store_url(args: argparse.Namespace) -> str | None:
    """Where decisions are recorded: --db, else $OPENIMR_DB, else the store's default file."""
    return getattr(args, "db", None) or os.environ.get("OPENIMR_DB") or None


def _record(action: str, args: argparse.Namespace, case, det) -> None:  # type: ignore[no-untyped-def]
    if getattr(args, "no_store", False):
        return
    store = case_store.open_store(_store_url(args))
    try:
        if action == "decide":
            store.record_decision(case, det, actor="cli")
            latest = store.audit_entries(case_number=det.case_number)[-1:]
            if latest and latest[0].action == "draft_not_stored":
                print(
                    f"openimr: warning: draft not stored: {latest[0].detail.get('why')}",
                    file=sys.stderr,
                )
        else:
            store.record_signature(det, actor=f"reviewer:{det.signature.reviewer_code}")
    finally:
        close = getattr(store, "close", None)
        if close:
            close()


def _decide(args: argparse.Namespace) -> int:
    case = load_case(args.case)
    panel = None
    if args.panel:
        panel = load_panel(args.panel)
    det = decide_case(case, panel=panel, decision_date=args.date)
    fmt = "json" if args.json else args.format
    _emit(render_letter(det, fmt), args.output)  # write the letter first: a bad -o stores nothing
    _record("decide", args, case, det)
    return 0


def load_determination(path: str) -> object:
    # missing, a directory, not UTF-8 and empty are each named as such
    text = read_input_text(path, "determination file", "JSON from `openimr decide --json`")
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise InputError(
            f"{path}: not a determination JSON file ({exc.__class__.__name__})"
        ) from None
    try:
        return Determination.model_validate(data)
    except ValidationError as exc:
        raise InputError(describe_validation_error(path, exc)) from None


def _stored_draft(args: argparse.Namespace, det):  # type: ignore[no-untyped-def]
    """The stored draft and assigned reviewer for the case, or (None, None) if it is not stored."""
    store = case_store.open_store(_store_url(args))
    try:
        stored = store.get_case(det.case_number, actor="cli")
    except NotFoundError:
        return None, None
    finally:
        close = getattr(store, "close", None)
        if close:
            close()
    return stored.determination, stored.summary.assigned_reviewer


def _sign(args: argparse.Namespace) -> int:
    """Sign a draft. With the store (the default), the draft and the assigned reviewer are the
    stored ones: an edited file (another outcome, another reviewer) is refused, not signed."""
    det = load_determination(args.determination)
    assigned = None
    if not args.no_store:
        stored, assigned = _stored_draft(args, det)
        if stored is None:
            print(
                f"openimr: warning: case {det.case_number} is not in the store; the draft and its "
                "reviewer come from the file alone",
                file=sys.stderr,
            )
        elif stored.model_dump(mode="json") != det.model_dump(mode="json"):  # type: ignore[attr-defined]
            raise StateError(
                f"{args.determination}: differs from the stored draft of case {det.case_number}; "
                "only the stored draft can be signed (decide again to replace it)"
            )
        assigned = assigned or (
            stored.reviewer.code if stored is not None and stored.reviewer else None
        )
    signed = sign_determination(det, args.reviewer, assigned_code=assigned)  # type: ignore[arg-type]
    fmt = "json" if args.json else args.format
    _emit(render_letter(signed, fmt), args.output)
    _record("sign", args, None, signed)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "decide", help="run the full pipeline on a case file and print the draft letter"
    )
    p.add_argument("case", help="case file (YAML or JSON)")
    p.add_argument("--panel", help="reviewer panel file (YAML or CSV); default: the sample panel")
    p.add_argument("--format", choices=FORMATS, default="text", help="letter format (default text)")
    p.add_argument("--json", action="store_true", help="print the Determination as JSON")
    p.add_argument("-o", "--output", help="write to FILE instead of standard output")
    p.add_argument(
        "--date",
        type=iso_date,
        help="decision date, overriding the case's (default: the case's, else today)",
    )
    p.add_argument(
        "--db", help="store URL (default: $OPENIMR_DB or the SQLite file in the user data dir)"
    )
    p.add_argument(
        "--no-store", action="store_true", help="do not record the case and draft in the store"
    )
    p.set_defaults(handler=_decide)

    p = subparsers.add_parser(
        "sign", help="the assigned reviewer signs a draft; the letter loses its DRAFT mark"
    )
    p.add_argument("determination", help="draft Determination JSON (from `decide --json`)")
    p.add_argument("--reviewer", required=True, help="reviewer code of the signer")
    p.add_argument("--format", choices=FORMATS, default="text")
    p.add_argument("--json", action="store_true", help="print the signed Determination as JSON")
    p.add_argument("-o", "--output", help="write to FILE instead of standard output")
    p.add_argument("--db", help="store URL")
    p.add_argument(
        "--no-store", action="store_true", help="do not record the signature in the store"
    )
    p.set_defaults(handler=_sign)
