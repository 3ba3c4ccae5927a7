"""CLI: `openimr assign CASE [--panel P] [--json] [--today DATE]`, `openimr panel [--panel P]`."""

from __future__ import annotations

import argparse

from openimr.errors import InputError
from openimr.intake import load_case
from openimr.io_util import iso_date, to_json
from openimr.requests import parse_request
from openimr.reviewers import assign, load_panel, qualification_problems
from openimr.reviewers.assign import printed_specialty


def parse_items(texts: list[str]) -> list:
    """Each disputed item through the request parser."""
    return [parse_request(text) for text in texts]


def _assign(args: argparse.Namespace) -> int:
    case = load_case(args.case)
    panel = load_panel(args.panel)
    requests = parse_items([item.text for item in case.disputed_items])
    result = assign(case, panel, requests, today=args.today)
    if args.json:
        print(to_json(result.contract_dict()))
        return 0
    detail = result.deadline_detail
    print(
        f"Case {result.case_number}: deadline {result.deadline.isoformat()} ({detail.explanation})"
    )
    for item, request in zip(case.disputed_items, requests, strict=True):
        parts = ", ".join(request.body_parts)
        print(
            f"  item {item.id}: {request.category}{' (' + parts + ')' if parts else ''}: {item.text}"
        )
    print(f"\nEligible ({len(result.eligible)}), best first:")
    for r in result.eligible:
        flag = "" if r.meets_deadline else "  [cannot meet deadline]"
        print(f"  {r.rank:>3}. {r.code}  {r.specialty}  score {r.score:g}{flag}")
        print(f"       {'; '.join(w for w in r.why if not w.startswith('qualified'))}")
    print(f"\nExcluded ({len(result.excluded)}):")
    for e in result.excluded:
        print(f"  {e.reviewer}: {'; '.join(e.reasons)}")
    print(f"\n{result.reason}")
    return 0


def _panel(args: argparse.Namespace) -> int:
    panel = load_panel(args.panel)
    if args.json:
        print(to_json([r.model_dump(mode="json", exclude={"name"}) for r in panel]))
        return 0
    for r in panel:
        problems = qualification_problems(r)
        status = "qualified" if not problems else "NOT qualified: " + "; ".join(problems)
        states = ",".join(r.licensure_states) or "-"
        print(
            f"{r.code}  {r.degree:<4} {states:<10} load {r.current_load}/{r.capacity}  "
            f"{printed_specialty(r)}  ({status})"
        )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "assign",
        help="rank eligible reviewers for a case and list every exclusion with its reasons",
    )
    p.add_argument("case", help="case file (YAML or JSON)")
    p.add_argument("--panel", help="reviewer panel (YAML or CSV); default: the sample panel")
    p.add_argument(
        "--today", type=iso_date, help="assignment date (default: the case's date_assigned)"
    )
    p.add_argument("--json", action="store_true", help="print JSON (DESIGN.md contract)")
    p.set_defaults(handler=_assign)
    p = subparsers.add_parser(
        "panel", help="list a reviewer panel with each reviewer's qualification"
    )
    p.add_argument("--panel", help="reviewer panel (YAML or CSV); default: the sample panel")
    p.add_argument("--json", action="store_true", help="print JSON (names omitted)")
    p.set_defaults(handler=_panel)


__all__ = ["InputError", "parse_items", "register"]
