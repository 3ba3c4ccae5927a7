"""The `openimr` command line: a thin shell that wires stages together.

Each concern registers its own subcommands in `openimr/<package>/commands.py` through a
`register(subparsers)` function, so this file stays small and no concern reaches into another.
Handlers import heavy libraries lazily to keep start-up fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from openimr import __version__
from openimr.errors import OpenIMRError

# Order here is the order of `openimr --help`.
COMMAND_MODULES = (
    "openimr.intake.commands",
    "openimr.engine.commands",
    "openimr.letters.commands",
    "openimr.requests.commands",
    "openimr.evidence.commands",
    "openimr.reviewers.commands",
    "openimr.guidelines.commands",
    "openimr.evaluation.commands",
    "openimr.store.commands",
    "openimr.api.commands",
)


class _Parser(argparse.ArgumentParser):
    """Usage errors are one line too (`openimr: error: decide: ...`), exit status 2."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("openimr").strip()
        where = f"{command}: " if command else ""
        self.exit(2, f"openimr: error: {where}{message} (see: {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="openimr",
        description="Independent Medical Review engine for California workers' compensation.",
    )
    parser.add_argument("--version", action="version", version=f"openimr {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # a concern not built yet contributes no commands
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
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
