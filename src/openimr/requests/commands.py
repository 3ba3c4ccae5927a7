"""CLI: `openimr request "TEXT" [--json]`, `openimr request --batch FILE`."""

from __future__ import annotations

import argparse
import json
import sys

from openimr.errors import InputError, NotFoundError
from openimr.requests import parse_request

_HUMAN_FIELDS = (
    "category",
    "service",
    "drug",
    "drug_class",
    "strength",
    "dose_form",
    "route",
    "quantity",
    "refills",
    "frequency_per_week",
    "duration_weeks",
    "sessions",
    "body_parts",
    "laterality",
    "levels",
    "contrast",
)


def _human(request) -> str:  # noqa: ANN001 - TreatmentRequest, imported lazily
    lines = []
    for name in _HUMAN_FIELDS:
        value = getattr(request, name)
        if value is None or value == []:
            continue
        if isinstance(value, list):
            value = ", ".join(value)
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        lines.append(f"{name.replace('_', ' ')}: {value}")
    partial = request.partial_authorization
    if partial:
        lines.append(f"partial authorization: original '{partial.original.text}'")
        if partial.authorized:
            lines.append(f"  authorized '{partial.authorized.text}'")
        lines.append(f"  disputed '{partial.disputed.text}' (fields describe this portion)")
    lines.append(f"confidence: {request.confidence:.2f}")
    if request.unparsed_spans:
        lines.append("not understood: " + "; ".join(request.unparsed_spans))
    for warning in request.warnings:
        lines.append(f"warning: {warning}")
    return "\n".join(lines)


def _lines(content: str) -> list[str]:
    """One text per newline (not per Unicode line separator inside a text); no phantom last line."""
    lines = content.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def _read_batch(path: str) -> list[str]:
    if path == "-":
        return _lines(sys.stdin.read())
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return _lines(handle.read())
    except FileNotFoundError as exc:
        raise NotFoundError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise InputError(
            f"{path}: is a directory, expected a text file (one request per line)"
        ) from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc


# Characters that str.splitlines() treats as line breaks but JSON leaves raw.
_LINE_BREAKS = str.maketrans({"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _one_line_json(data: dict) -> str:
    """JSON that stays on one line for any line-splitting reader."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_LINE_BREAKS)


def _request(args: argparse.Namespace) -> int:
    if args.batch is not None:
        if args.text is not None:
            raise InputError("give either TEXT or --batch FILE, not both")
        out = sys.stdout
        for line in _read_batch(args.batch):
            out.write(_one_line_json(parse_request(line).model_dump(mode="json")) + "\n")
        return 0
    if args.text is None:
        raise InputError("request: give the disputed-item TEXT, or --batch FILE")
    if not args.text.strip():
        raise InputError("request: the disputed-item TEXT is empty (e.g. 'Norco 10/325mg #60')")
    request = parse_request(args.text)
    if args.json:
        print(request.model_dump_json(indent=2))
    else:
        print(_human(request))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "request",
        help="read a disputed-item text into a structured treatment request",
        description="Parse a disputed-item text (e.g. 'Norco 10/325mg #60') into category, drug, "
        "strength, quantity, frequency, duration, sessions, body parts, laterality and levels.",
    )
    p.add_argument("text", nargs="?", help="the disputed-item text (quote it)")
    p.add_argument("--json", action="store_true", help="print JSON (contract fields and extras)")
    p.add_argument(
        "--batch",
        metavar="FILE",
        help="read one text per line ('-' = stdin); write one JSON object per line, in order",
    )
    p.set_defaults(handler=_request)
