"""CLI: `openimr decide CASE`, `openimr override CASE ITEM`, `openimr edit-summary CASE`,
`openimr sign DETERMINATION|--case CASE`, `openimr letter CASE`. Each calls the review service."""

from __future__ import annotations

import argparse
import json
import os
import sys

from pydantic import ValidationError

from openimr import review as review_service  # lazy, like the store
from openimr import store as case_store  # lazy: `decide --no-store` never imports SQLAlchemy
from openimr.domain.determination import Determination
from openimr.errors import InputError, NotFoundError, StateError
from openimr.intake import load_case
from openimr.intake.load import describe_validation_error
from openimr.io_util import iso_date, read_input_text, to_json, write_atomic
from openimr.letters.render import render_letter
from openimr.review import determination as rules
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


def _open(args: argparse.Namespace) -> review_service.ReviewService:
    return review_service.ReviewService(case_store.open_store(_store_url(args)))


def _decide(args: argparse.Namespace) -> int:
    case = load_case(args.case)
    panel = load_panel(args.panel) if args.panel else None
    det = rules.draft(case, panel=panel, decision_date=args.date)
    fmt = "json" if args.json else args.format
    _emit(render_letter(det, fmt), args.output)  # write the letter first: a bad -o stores nothing
    if args.no_store:
        return 0
    review = _open(args)
    try:
        review.record_draft(case, det, actor="cli")
        latest = review.store.audit_entries(case_number=det.case_number)[-1:]
        if latest and latest[0].action == "draft_not_stored":
            why = latest[0].detail.get("why")
            print(f"openimr: warning: draft not stored: {why}", file=sys.stderr)
    finally:
        review.store.close()
    return 0


def load_determination(path: str) -> Determination:
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


def _sign(args: argparse.Namespace) -> int:
    """Sign a draft. With the store (the default), the draft and the assigned reviewer are the
    stored ones: an edited file (another outcome, another reviewer) is refused, not signed; the
    case moves drafted -> signed when the signer is its assigned reviewer."""
    if (args.determination is None) == (args.case is None):
        raise InputError("give a determination file or --case NUMBER (one of them)")
    if args.case is not None and args.no_store:
        raise InputError("--case reads the stored draft; it cannot be used with --no-store")
    det = load_determination(args.determination) if args.determination else None
    if args.no_store:
        assert det is not None
        signed = rules.sign_determination(det, args.reviewer)
    else:
        signed = _sign_stored(args, det)
    fmt = "json" if args.json else args.format
    _emit(render_letter(signed, fmt), args.output)
    return 0


def _sign_stored(args: argparse.Namespace, det: Determination | None) -> Determination:
    review = _open(args)
    try:
        number = det.case_number if det is not None else args.case
        try:
            stored = review.store.get_case(number, actor="cli")
        except NotFoundError:
            if det is None:
                raise
            print(
                f"openimr: warning: case {number} is not in the store; the draft and its "
                "reviewer come from the file alone",
                file=sys.stderr,
            )
            signed = rules.sign_determination(det, args.reviewer)
            review.store.record_signature(signed, actor=f"reviewer:{args.reviewer}")
            return signed
        draft = stored.determination
        if draft is None:
            raise NotFoundError(f"case {number}: no draft in the store; decide it first")
        if det is not None and draft.model_dump(mode="json") != det.model_dump(mode="json"):
            raise StateError(
                f"{args.determination}: differs from the stored draft of case {number}; only "
                "the stored draft can be signed (change it with `openimr override` or "
                "`openimr edit-summary`, or decide again to replace it)"
            )
        assigned = stored.summary.assigned_reviewer or (
            draft.reviewer.code if draft.reviewer else None
        )
        # the signer's own credentials go on the letter (looked up only for the assigned one)
        signer = review.credentials_of(args.reviewer, draft) if args.reviewer == assigned else None
        signed = rules.sign_determination(draft, args.reviewer, assigned, signer=signer)
        review.store.record_signature(signed, actor=f"reviewer:{args.reviewer}")
        return signed
    finally:
        review.store.close()


def _physician(review: review_service.ReviewService, number: str, given: str | None) -> str:
    """The reviewer making the change: --reviewer, else the case's assigned reviewer (else the
    draft's), so a change is always attributed to someone."""
    if given:
        return given
    stored = review.store.get_case(number, actor="cli")
    det = stored.determination
    code = stored.summary.assigned_reviewer or (det.reviewer.code if det and det.reviewer else None)
    if code is None:
        raise StateError(f"case {number}: no assigned reviewer; give --reviewer")
    return code


def _read_text(path: str | None, what: str) -> str | None:
    if path is None:
        return None
    return read_input_text(path, what, "plain text")


def _report(change: review_service.ReviewChange, args: argparse.Namespace) -> None:
    if args.json:
        print(to_json(change))
        return
    c = change.change
    where = f"item {c.item}" if c.item else "summary"
    what = f"{c.draft_value} -> {c.new_value}" if c.field == "outcome" else "edited"
    print(f"case {change.determination.case_number}: {where} {c.field} {what} by {c.reviewer_code}")
    for problem in change.problems:
        print(f"openimr: not yet signable: {problem}", file=sys.stderr)


def _override(args: argparse.Namespace) -> int:
    rationale = _read_text(args.rationale_file, "rationale file")
    review = _open(args)
    try:
        code = _physician(review, args.case, args.reviewer)
        change = review.override(
            args.case,
            args.item,
            code,
            f"reviewer:{code}",
            reason=args.reason,
            outcome=args.outcome,
            rationale=rationale,
        )
    finally:
        review.store.close()
    _report(change, args)
    return 0


def _edit_summary(args: argparse.Namespace) -> int:
    text = _read_text(args.file, "summary file")
    assert text is not None
    review = _open(args)
    try:
        code = _physician(review, args.case, args.reviewer)
        change = review.edit_summary(args.case, text, code, f"reviewer:{code}", reason=args.reason)
    finally:
        review.store.close()
    _report(change, args)
    return 0


def _letter(args: argparse.Namespace) -> int:
    store = case_store.open_store(_store_url(args), must_exist=True)
    try:
        det = store.determination(args.case, actor="cli", purpose=f"view_letter_{args.format}")
    finally:
        store.close()
    _emit(render_letter(det, "json" if args.json else args.format), args.output)
    return 0


def _db(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db", help="store URL (default: $OPENIMR_DB or the SQLite file in the user data dir)"
    )


def _output(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--format", choices=FORMATS, default="text", help="letter format (default text)")
    p.add_argument("--json", action="store_true", help=f"print {what} as JSON")
    p.add_argument("-o", "--output", help="write to FILE instead of standard output")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "decide", help="run the full pipeline on a case file and print the draft letter"
    )
    p.add_argument("case", help="case file (YAML or JSON)")
    p.add_argument("--panel", help="reviewer panel file (YAML or CSV); default: the sample panel")
    _output(p, "the Determination")
    p.add_argument(
        "--date",
        type=iso_date,
        help="decision date, overriding the case's (default: the case's, else today)",
    )
    _db(p)
    p.add_argument(
        "--no-store", action="store_true", help="do not record the case and draft in the store"
    )
    p.set_defaults(handler=_decide)

    p = subparsers.add_parser(
        "sign", help="the assigned reviewer signs a draft; the letter loses its DRAFT mark"
    )
    p.add_argument(
        "determination", nargs="?", help="draft Determination JSON (from `decide --json`)"
    )
    p.add_argument("--case", help="sign the stored draft of this case number instead of a file")
    p.add_argument("--reviewer", required=True, help="reviewer code of the signer")
    _output(p, "the signed Determination")
    _db(p)
    p.add_argument(
        "--no-store", action="store_true", help="do not record the signature in the store"
    )
    p.set_defaults(handler=_sign)

    p = subparsers.add_parser(
        "override", help="the reviewer changes an item's outcome (with a reason) or rationale"
    )
    p.add_argument("case", help="case number of a stored draft")
    p.add_argument("item", help="item number (1 = first) or item id")
    p.add_argument("--outcome", choices=("Upheld", "Overturned"), help="the reviewer's outcome")
    p.add_argument("--reason", help="why (required when the outcome changes)")
    p.add_argument("--rationale-file", help="the reviewer's rationale for the item (text file)")
    p.add_argument("--reviewer", help="reviewer code (default: the case's assigned reviewer)")
    p.add_argument("--json", action="store_true", help="print the change and the new draft")
    _db(p)
    p.set_defaults(handler=_override)

    p = subparsers.add_parser(
        "edit-summary", help="the reviewer rewrites the clinical case summary"
    )
    p.add_argument("case", help="case number of a stored draft")
    p.add_argument("--file", required=True, help="the new summary (text file)")
    p.add_argument("--reason", help="why (optional)")
    p.add_argument("--reviewer", help="reviewer code (default: the case's assigned reviewer)")
    p.add_argument("--json", action="store_true", help="print the change and the new draft")
    _db(p)
    p.set_defaults(handler=_edit_summary)

    p = subparsers.add_parser("letter", help="the letter of a stored case's latest determination")
    p.add_argument("case", help="case number")
    _output(p, "the Determination")
    _db(p)
    p.set_defaults(handler=_letter)
