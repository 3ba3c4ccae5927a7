"""CLI: `openimr schema`, `openimr validate CASE`."""

from __future__ import annotations

import argparse

from openimr.intake import case_json_schema, load_case
from openimr.intake.screen import screen_batch
from openimr.io_util import iso_date, to_json


def _schema(args: argparse.Namespace) -> int:
    print(to_json(case_json_schema()))
    return 0


def _validate(args: argparse.Namespace) -> int:
    case = load_case(args.case)
    print(
        f"{args.case}: valid case {case.case_number} with {len(case.disputed_items)} disputed item(s)"
    )
    return 0


def _screen(args: argparse.Namespace) -> int:
    cases = [load_case(path) for path in args.cases]
    results = screen_batch(cases, today=args.date, mail_days=args.mail_days)
    if args.json:
        payload = [
            {"file": path, **r.model_dump(mode="json")}
            for path, r in zip(args.cases, results, strict=True)
        ]
        print(to_json(payload[0] if len(payload) == 1 else payload))
    else:
        for path, case, result in zip(args.cases, cases, results, strict=True):
            verdict = "eligible" if result.eligible else "ineligible"
            print(f"{path}: {case.case_number}: {verdict}")
            for message in result.messages:
                print(f"  - {message}")
    return 0 if all(r.eligible for r in results) else 1


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("schema", help="print the JSON Schema of a case file")
    p.set_defaults(handler=_schema)
    p = subparsers.add_parser("validate", help="check a case file and report the first problem")
    p.add_argument("case", help="case file (YAML or JSON)")
    p.set_defaults(handler=_validate)
    p = subparsers.add_parser(
        "screen",
        help="eligibility screening (late, unsigned, no UR decision, CNC, duplicates); exit 1 if any ineligible",
    )
    p.add_argument("cases", nargs="+", help="case files, screened together so duplicates are found")
    p.add_argument("--date", type=iso_date, help="screening date (default today)")
    p.add_argument(
        "--mail-days",
        type=int,
        default=5,
        help="days added for service by mail (default 5; 0 = electronic)",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_screen)
