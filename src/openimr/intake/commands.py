"""CLI: `openimr schema`, `openimr validate CASE`."""

from __future__ import annotations

import argparse

from openimr.io_util import to_json


def _schema(args: argparse.Namespace) -> int:
    from openimr.intake import case_json_schema

    print(to_json(case_json_schema()))
    return 0


def _validate(args: argparse.Namespace) -> int:
    from openimr.intake import load_case

    case = load_case(args.case)
    print(f"{args.case}: valid case {case.case_number} with {len(case.disputed_items)} disputed item(s)")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("schema", help="print the JSON Schema of a case file")
    p.set_defaults(handler=_schema)
    p = subparsers.add_parser("validate", help="check a case file and report the first problem")
    p.add_argument("case", help="case file (YAML or JSON)")
    p.set_defaults(handler=_validate)
