"""CLI: `openimr facts` — the clinical facts read from a text, a file or a case file.

openimr facts "He denies numbness. Straight leg raise was positive on the left."
openimr facts --file note.txt --reference-date 2016-12-01 --json
openimr facts --case examples/cases/norco-refill-no-monitoring.yaml --kind current_medication
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from openimr.domain.facts import FACT_KINDS, ClinicalFacts
from openimr.errors import InputError, NotFoundError
from openimr.evidence import extract, extract_text
from openimr.intake import load_case
from openimr.io_util import iso_date, to_json

SHOWN_ATTRIBUTES = (
    "modality",
    "sessions",
    "effect",
    "drug_class",
    "duration_months",
    "percent",
    "when",
    "low",
    "consistent",
    "finding",
    "date",
    "months_since_injury",
    "result",
)


def _status(fact: Any) -> str:
    if fact.negated:
        return "negated"
    if fact.family:
        return "family"
    if fact.hypothetical:
        return "hypothetical"
    return "historical" if fact.historical else "asserted"


def _read_facts(args: argparse.Namespace) -> Any:
    if args.case:
        case = load_case(args.case)
        return extract(case.records, case)
    if args.file:
        path = Path(args.file)
        if str(path) == "-":
            text = sys.stdin.read()
        elif path.is_dir():
            raise InputError(f"{path}: is a directory, expected a text file")
        elif not path.is_file():
            raise NotFoundError(f"{path}: no such file")
        else:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(f"{path}: cannot read as UTF-8 text: {exc}") from exc
        record_id = args.record_id or path.name
    elif args.text:
        text, record_id = args.text, args.record_id or "text"
    else:
        raise InputError("facts: give a TEXT, --file FILE (- for stdin) or --case CASE")
    return extract_text(text, record_id, reference_date=args.reference_date)


def _facts(args: argparse.Namespace) -> int:
    unknown = [k for k in args.kind or [] if k not in FACT_KINDS]
    if unknown:
        raise InputError(
            f"--kind {unknown[0]}: not a fact kind (see FACT_KINDS in openimr/domain/facts.py)"
        )
    facts = _read_facts(args)
    if args.kind:
        facts = ClinicalFacts(facts=[f for f in facts.facts if f.kind in args.kind])
    if args.json:
        print(to_json(facts.model_dump(mode="json")))
        return 0
    for fact in facts.facts:
        shown = {k: fact.attributes[k] for k in SHOWN_ATTRIBUTES if k in fact.attributes}
        extra = " ".join(f"{k}={v}" for k, v in shown.items())
        where = (
            f"{fact.span.record_id}:{fact.attributes.get('match_start', fact.span.start)}"
            if fact.span
            else "case"
        )
        matched = fact.attributes.get("matched", "")
        value = "" if fact.value is None else f" = {fact.value}"
        print(f"{fact.kind:<26} {_status(fact):<12}{value} {extra}  [{where} {matched!r}]".rstrip())
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "facts", help="clinical facts read from a text, a file or a case file (with evidence spans)"
    )
    p.add_argument("text", nargs="?", help="the text to read (or use --file / --case)")
    p.add_argument("--file", help="a text file to read (- for stdin)")
    p.add_argument("--case", help="a case file: reads its records, summary and header facts")
    p.add_argument("--record-id", help="record id for the spans (default: the file name)")
    p.add_argument(
        "--reference-date",
        type=iso_date,
        help="review/note date for chronicity and durations (default: latest date in the text)",
    )
    p.add_argument("--kind", action="append", help="only this fact kind (repeatable)")
    p.add_argument("--json", action="store_true", help="print the ClinicalFacts as JSON")
    p.set_defaults(handler=_facts)
