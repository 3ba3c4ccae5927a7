"""CLI: `openimr parse LETTER|DIR`, `openimr audit LETTER`, `openimr blind LETTER`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from multiprocessing import Pool
from pathlib import Path
from typing import Any

from openimr.errors import InputError, NotFoundError, OpenIMRError
from openimr.io_util import to_json, write_atomic
from openimr.letters.audit import audit
from openimr.letters.blind import blind_text
from openimr.letters.files import letter_files, read_letter_text
from openimr.letters.parse import parse_letter, parse_text


def _parse_one(path: str) -> dict[str, Any]:
    """Worker for batch mode: the contract dict with its file name, or the error line."""
    name = Path(path).name
    try:
        return {"file": name, **parse_letter(path).contract_dict()}
    except OpenIMRError as exc:
        return {"file": name, "error": str(exc)}


def _parse_batch(args: argparse.Namespace, directory: Path) -> int:
    from tqdm import tqdm  # the progress bar (~0.2 s to import) only for a directory of letters

    files = [str(p) for p in letter_files([directory])]
    jobs = max(1, min(args.jobs or os.cpu_count() or 1, len(files)))
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    failures = 0
    try:
        progress = tqdm(total=len(files), unit="letter", file=sys.stderr, disable=args.quiet)
        if jobs == 1:
            results = map(_parse_one, files)
            pool = None
        else:
            pool = Pool(jobs)
            results = pool.imap(_parse_one, files, chunksize=4)
        for row in results:
            progress.update(1)
            if "error" in row:
                failures += 1
                print(f"openimr: error: {row['error']}", file=sys.stderr)
                continue
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        progress.close()
        if pool is not None:
            pool.close()
            pool.join()
    finally:
        if args.output:
            out.close()
    return 1 if failures else 0


def _parse(args: argparse.Namespace) -> int:
    path = Path(args.letter)
    if path.is_dir():
        if not args.jsonl:
            raise InputError(f"{path}: is a directory; use --jsonl to parse every letter in it")
        return _parse_batch(args, path)
    if not path.exists():
        raise NotFoundError(f"{path}: no such file")
    letter = parse_letter(path)
    if args.jsonl:
        text = json.dumps({"file": path.name, **letter.contract_dict()}, ensure_ascii=False)
    elif args.json:
        text = to_json(letter.model_dump() if args.full else letter.contract_dict())
    else:
        text = _describe(letter)
    if args.output:
        write_atomic(args.output, text + "\n")
    else:
        print(text)
    return 0


def _describe(letter: Any) -> str:
    lines = [
        f"{letter.case_number or '(no case number)'}  [{letter.format}]",
        f"  decided {letter.decision_date or '?'}  UR denial {letter.ur_denial_date or '?'}  "
        f"injury {letter.date_of_injury or '?'}",
        f"  reviewer: {letter.reviewer_specialty or '?'} ({letter.reviewer_licensure or '?'})",
    ]
    for number, item in enumerate(letter.items, start=1):
        lines.append(f"  {number}. {item.treatment}: {item.decision or 'Pending'}")
        for citation in item.citations:
            where = ", ".join(
                filter(None, (citation.section, citation.pages and f"p. {citation.pages}"))
            )
            lines.append(f"       {citation.guideline}{': ' + where if where else ''}")
    return "\n".join(lines)


def _audit(args: argparse.Namespace) -> int:
    report = audit(parse_letter(args.letter))
    if args.json:
        print(to_json(report))
        return 0
    if not report.findings:
        print(f"{args.letter}: no findings")
    for finding in report.findings:
        where = f"item {finding.item}" if finding.item else "letter"
        print(f"{finding.severity:7} {finding.code} ({where}): {finding.message}")
    return 0


def _blind(args: argparse.Namespace) -> int:
    path = Path(args.letter)
    text = read_letter_text(path)
    parse_text(text, path.name)  # a clear error first when it is no letter at all
    blinded = blind_text(text, path.name)
    if args.output:
        write_atomic(args.output, blinded)
    else:
        sys.stdout.write(blinded)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "parse", help="read a published IMR letter (PDF or text) or a directory of them into data"
    )
    p.add_argument("letter", help="letter file (.pdf, encrypted .pdf, .txt) or a directory")
    p.add_argument("--json", action="store_true", help="print the parse contract as JSON")
    p.add_argument("--full", action="store_true", help="with --json: add format, citations, ...")
    p.add_argument("--jsonl", action="store_true", help="one letter a line (required for DIR)")
    p.add_argument("-o", "--output", help="write to FILE instead of standard output")
    p.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: cores)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=_parse)

    p = subparsers.add_parser("audit", help="quality checks of a published IMR letter")
    p.add_argument("letter", help="letter file (.pdf or .txt)")
    p.add_argument("--json", action="store_true", help='print {"findings": [...]} as JSON')
    p.set_defaults(handler=_audit)

    p = subparsers.add_parser(
        "blind", help="a letter with every decision replaced by Pending, rationales removed"
    )
    p.add_argument("letter", help="letter file (.pdf or .txt)")
    p.add_argument("-o", "--output", help="write to FILE instead of standard output")
    p.set_defaults(handler=_blind)
