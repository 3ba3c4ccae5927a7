"""The `openimr` command line: a thin shell that wires stages together.

Each concern registers its own subcommands in `openimr/<package>/commands.py` through a
`register(subparsers)` function, so no concern reaches into another. Importing a command module
imports its stage, and some stages are slow to import (medspaCy, FastAPI, SQLAlchemy), so this
file keeps a static table of the top-level commands and imports only the module of the command
being run; `openimr --help` lists the table and imports no stage at all.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from openimr import __version__
from openimr.errors import OpenIMRError

# command -> (the module whose `register` adds it, its one-line help). Order here is the order of
# `openimr --help`; a module's commands stay together. tests/cli/test_command_table.py checks that
# this table matches what each module registers.
COMMANDS: dict[str, tuple[str, str]] = {
    "schema": ("openimr.intake.commands", "print the JSON Schema of a case file"),
    "validate": ("openimr.intake.commands", "check a case file and report the first problem"),
    "screen": (
        "openimr.intake.commands",
        "eligibility screening (late, unsigned, no UR decision, CNC, duplicates);"
        " exit 1 if any ineligible",
    ),
    "decide": (
        "openimr.review.commands",
        "run the full pipeline on a case file and print the draft letter",
    ),
    "override": (
        "openimr.review.commands",
        "the reviewer changes an item's outcome (with a reason) or rationale",
    ),
    "edit-summary": ("openimr.review.commands", "the reviewer rewrites the clinical case summary"),
    "sign": (
        "openimr.review.commands",
        "the assigned reviewer signs a draft; the letter loses its DRAFT mark",
    ),
    "letter": ("openimr.review.commands", "the letter of a stored case's latest determination"),
    "parse": (
        "openimr.letters.commands",
        "read a published IMR letter (PDF or text) or a directory of them into data",
    ),
    "audit": ("openimr.letters.commands", "quality checks of a published IMR letter"),
    "blind": (
        "openimr.letters.commands",
        "a letter with every decision replaced by Pending, rationales removed",
    ),
    "request": (
        "openimr.requests.commands",
        "read a disputed-item text into a structured treatment request",
    ),
    "facts": (
        "openimr.evidence.commands",
        "clinical facts read from a text, a file or a case file (with evidence spans)",
    ),
    "assign": (
        "openimr.reviewers.commands",
        "rank eligible reviewers for a case and list every exclusion with its reasons",
    ),
    "panel": (
        "openimr.reviewers.commands",
        "list a reviewer panel with each reviewer's qualification",
    ),
    "guidelines": ("openimr.guidelines.commands", "browse and query the guideline knowledge base"),
    "formulary": (
        "openimr.formulary.commands",
        "MTUS Drug Formulary status of a drug (exempt, non-exempt, unlisted) on a date",
    ),
    "redecide": (
        "openimr.evaluation.commands",
        "re-decide letters from their header, case summary and item texts only",
    ),
    "evaluate": (
        "openimr.evaluation.commands",
        "blind each letter in DIR, re-decide, compare with the reviewer",
    ),
    "corpus": (
        "openimr.corpus.commands",
        "the precedent corpus: add published letters (idempotent by case number)",
    ),
    "precedents": (
        "openimr.corpus.commands",
        "decided items of published letters most like a disputed item",
    ),
    "stats": (
        "openimr.corpus.commands",
        "outcomes by category, guideline, year, specialty, region (Wilson intervals)",
    ),
    "cases": ("openimr.store.commands", "the case store: list, show, add, move, assign"),
    "audit-log": ("openimr.store.commands", "the hash-chained audit log: verify, show"),
    "serve": ("openimr.api.commands", "run the HTTP API (FastAPI + uvicorn)"),
}


class _Parser(argparse.ArgumentParser):
    """Usage errors are one line too (`openimr: error: decide: ...`), exit status 2."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("openimr").strip()
        where = f"{command}: " if command else ""
        self.exit(2, f"openimr: error: {where}{message} (see: {self.prog} --help)\n")


def invoked_command(argv: Sequence[str]) -> str | None:
    """The top-level command named in argv: its first word that is not an option."""
    return next((word for word in argv if not word.startswith("-")), None)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser, with `command`'s own module registering its full arguments.

    Every other command is listed by name and help only, so its module is not imported; a parser
    built for one command can therefore parse only that command's arguments.
    """
    parser = _Parser(
        prog="openimr",
        description="Independent Medical Review engine for California workers' compensation.",
    )
    parser.add_argument("--version", action="version", version=f"openimr {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    invoked_module = COMMANDS[command][0] if command in COMMANDS else None
    registered = False
    for name, (module_name, help_text) in COMMANDS.items():
        if module_name != invoked_module:
            subparsers.add_parser(name, help=help_text)
        elif not registered:  # at its first command, the module registers all of its own
            importlib.import_module(module_name).register(subparsers)
            registered = True
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(invoked_command(argv))
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        result = args.handler(args)
    except BrokenPipeError:
        return 0
    except OpenIMRError as exc:
        print(f"openimr: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # a file we were told to read or write: say which, in one line
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        print(f"openimr: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("openimr: interrupted", file=sys.stderr)
        return 130
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
