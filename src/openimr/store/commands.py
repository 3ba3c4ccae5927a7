"""CLI: `openimr cases list|show|add|move|assign`, `openimr audit-log verify|show`."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys

from openimr.intake import load_case
from openimr.io_util import iso_date, to_json
from openimr.review.service import ReviewService
from openimr.reviewers import load_panel
from openimr.store import open_store
from openimr.store.lifecycle import STATES


def _actor(args: argparse.Namespace) -> str:
    if getattr(args, "actor", None):
        return args.actor
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _store(args: argparse.Namespace, must_exist: bool = False):  # type: ignore[no-untyped-def]
    return open_store(args.db, must_exist=must_exist)


def _fmt(day: dt.date | None) -> str:
    return day.isoformat() if day else "-"


def _days(days: int | None) -> str:
    return "-" if days is None else str(days)


def _cases_list(args: argparse.Namespace) -> int:
    store = _store(args, must_exist=True)
    try:
        cases = store.list_cases(
            _actor(args), reviewer=args.reviewer, state=args.state, limit=args.limit
        )
    finally:
        store.close()
    if args.json:
        print(to_json([c.model_dump(mode="json") for c in cases]))
        return 0
    if not cases:
        print("no cases")
        return 0
    print(
        f"{'CASE':<15} {'STATE':<20} {'PRIORITY':<9} {'REVIEWER':<10} {'RECORDS DUE':<11} "
        f"{'DECISION DUE':<12} {'DAYS LEFT':<9} ITEMS"
    )
    for c in cases:
        print(
            f"{c.case_number:<15} {c.state:<20} {c.priority:<9} {c.assigned_reviewer or '-':<10} "
            f"{_fmt(c.records_due):<11} {_fmt(c.decision_due):<12} {_days(c.days_left):<9} {c.items}"
            f"{'  OVERDUE' if c.overdue else ''}"
        )
    return 0


def _cases_show(args: argparse.Namespace) -> int:
    store = _store(args, must_exist=True)
    try:
        stored = store.get_case(args.number, _actor(args))
    finally:
        store.close()
    if args.json:
        print(to_json(stored))
        return 0
    s = stored.summary
    print(f"case {s.case_number} ({s.priority}): {s.state}")
    if s.ineligible_reason:
        print(f"  ineligible: {s.ineligible_reason}")
    print(f"  application received {s.application_received.isoformat()}")
    print(f"  reviewer {s.assigned_reviewer or '-'} assigned {_fmt(s.assigned_on)}")
    print(f"  records due {_fmt(s.records_due)}, complete {_fmt(s.records_complete_on)}")
    print(f"  decision due {_fmt(s.decision_due)}")
    for item in stored.case.disputed_items:
        outcome = ""
        if stored.determination:
            found = [i.outcome for i in stored.determination.items if i.item_id == item.id]
            outcome = f" -> {found[0]}" if found else ""
        print(f"  item {item.id}: {item.text}{outcome}")
    print("  history:")
    for e in stored.events:
        why = f" ({e.reason})" if e.reason else ""
        print(
            f"    {e.at.isoformat(timespec='seconds')} {e.actor}: "
            f"{e.from_state or '-'} -> {e.to_state}{why}"
        )
    return 0


def _cases_add(args: argparse.Namespace) -> int:
    case = load_case(args.casefile)
    store = _store(args)
    try:
        summary = store.add_case(case, _actor(args))
    finally:
        store.close()
    if args.json:
        print(to_json(summary))
    else:
        print(f"added case {summary.case_number}: {summary.state}, {summary.items} item(s)")
    return 0


def _cases_move(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        summary = store.transition(
            args.number, args.state, _actor(args), reason=args.reason, on=args.on
        )
    finally:
        store.close()
    print(to_json(summary) if args.json else f"case {summary.case_number}: {summary.state}")
    return 0


def _cases_assign(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        # the one assignment path (the API's too): on the panel, qualified, conflict-free
        review = ReviewService(
            store,
            panel=lambda: load_panel(args.panel),
            panel_source=args.panel or "the sample panel",
        )
        summary = review.assign(args.number, _actor(args), reviewer=args.reviewer, on=args.on)
    finally:
        store.close()
    if args.json:
        print(to_json(summary))
    else:
        print(
            f"case {summary.case_number}: assigned to {summary.assigned_reviewer},"
            f" records due {_fmt(summary.records_due)}"
        )
    return 0


def _audit_verify(args: argparse.Namespace) -> int:
    store = _store(args, must_exist=True)
    try:
        result = store.verify_audit_log()
    finally:
        store.close()
    if args.json:
        print(to_json(result))
    else:
        print(result.summary(), file=sys.stdout if result.ok else sys.stderr)
        for problem in result.problems[1:]:
            print(f"  entry {problem.seq}: {problem.problem}", file=sys.stderr)
    return 0 if result.ok else 1


def _audit_show(args: argparse.Namespace) -> int:
    store = _store(args, must_exist=True)
    try:
        entries = store.audit_entries(args.case)
    finally:
        store.close()
    if args.json:
        print(to_json([e.model_dump(mode="json") for e in entries]))
        return 0
    for e in entries:
        print(f"{e.seq:>6} {e.at} {e.actor:<20} {e.action:<18} {e.case_number or '-'}")
    return 0


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db", help="store URL or SQLite file (default: $OPENIMR_DB, else the user data dir)"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--actor", help="who is acting, for the audit log (default: cli:<login>)")


def register(subparsers: argparse._SubParsersAction) -> None:
    cases = subparsers.add_parser("cases", help="the case store: list, show, add, move, assign")
    sub = cases.add_subparsers(dest="cases_command", metavar="ACTION", required=True)
    p = sub.add_parser("list", help="cases with their state and deadlines, soonest due first")
    _common(p)
    p.add_argument("--reviewer", help="only cases assigned to this reviewer code")
    p.add_argument("--state", choices=STATES, help="only cases in this lifecycle state")
    p.add_argument("--limit", type=int, help="at most this many (soonest due first)")
    p.set_defaults(handler=_cases_list)
    p = sub.add_parser("show", help="one case: state, deadlines, items, history (logged as a view)")
    _common(p)
    p.add_argument("number", help="case number, e.g. CM15-0012345")
    p.set_defaults(handler=_cases_show)
    p = sub.add_parser("add", help="store a case file as a new application")
    _common(p)
    p.add_argument("casefile", help="case file (YAML or JSON)")
    p.set_defaults(handler=_cases_add)
    p = sub.add_parser("move", help="move a case to another lifecycle state")
    _common(p)
    p.add_argument("number")
    p.add_argument(
        "state", choices=[s for s in STATES if s not in ("assigned", "drafted", "signed")]
    )
    p.add_argument(
        "--reason",
        help="ineligible reason (late, unsigned, no_ur_decision, "
        "conditional_non_certification, duplicate) or why withdrawn",
    )
    p.add_argument(
        "--on", type=iso_date, help="date of the event (records complete), default today"
    )
    p.set_defaults(handler=_cases_move)
    p = sub.add_parser("assign", help="record the notice of assignment to a reviewer")
    _common(p)
    p.add_argument("number")
    p.add_argument("reviewer", help="reviewer code (on the panel, and not excluded for the case)")
    p.add_argument("--panel", help="panel file (YAML or CSV), default the sample panel")
    p.add_argument("--on", type=iso_date, help="assignment date, default today")
    p.set_defaults(handler=_cases_assign)

    audit = subparsers.add_parser("audit-log", help="the hash-chained audit log: verify, show")
    sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    p = sub.add_parser(
        "verify", help="recompute the hash chain; exit 1 and name the entry if tampered"
    )
    _common(p)
    p.set_defaults(handler=_audit_verify)
    p = sub.add_parser("show", help="print the audit entries (who did what to which case, when)")
    _common(p)
    p.add_argument("--case", help="only entries about this case number")
    p.set_defaults(handler=_audit_show)
