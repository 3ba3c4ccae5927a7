"""The CLI's static command table, and the start-up it buys: each command imports only its own."""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from openimr.cli import COMMANDS

HEAVY_LIBRARIES = ("spacy", "medspacy", "fastapi", "sqlalchemy", "weasyprint")
COMMAND_MODULES = sorted({module for module, _ in COMMANDS.values()})


def registered_by(module_name: str) -> dict[str, str | None]:
    """The top-level commands a module's `register` adds, with their help."""
    subparsers = argparse.ArgumentParser().add_subparsers()
    importlib.import_module(module_name).register(subparsers)
    return {action.dest: action.help for action in subparsers._choices_actions}


@pytest.mark.parametrize("module_name", COMMAND_MODULES)
def test_table_matches_what_each_module_registers(module_name: str) -> None:
    listed = {name: help for name, (module, help) in COMMANDS.items() if module == module_name}
    assert registered_by(module_name) == listed


def test_each_module_s_commands_are_listed_together() -> None:
    modules_in_order = [module for module, _ in COMMANDS.values()]
    runs = [m for i, m in enumerate(modules_in_order) if i == 0 or modules_in_order[i - 1] != m]
    assert len(runs) == len(set(runs))


def run_and_list_modules(*argv: str) -> tuple[int, str, set[str]]:
    """Run `openimr ARGV` in a fresh interpreter: its exit status, its output, every module loaded."""
    script = (
        "import json, sys\n"
        "from openimr.cli import main\n"
        "try:\n"
        f"    status = main({list(argv)!r})\n"
        "except SystemExit as exit:\n"
        "    status = exit.code\n"
        "print('\\n' + json.dumps([status, sorted(sys.modules)]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    *output, last = done.stdout.rstrip().splitlines()
    status, modules = json.loads(last)
    return status, "\n".join(output), set(modules)


def top_level(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_request_imports_no_nlp_web_or_database_library() -> None:
    status, output, loaded = run_and_list_modules("request", "Norco 10/325mg #60")
    assert status == 0
    assert "hydrocodone" in output  # the command did run
    assert top_level(loaded).isdisjoint(HEAVY_LIBRARIES)
    assert loaded.isdisjoint(set(COMMAND_MODULES) - {"openimr.requests.commands"})


@pytest.mark.parametrize("argv", [("--help",), ()])
def test_help_imports_no_stage(argv: tuple[str, ...]) -> None:
    status, output, loaded = run_and_list_modules(*argv)
    assert status == (0 if argv else 2)
    assert all(name in output for name in COMMANDS)  # the table was listed
    assert {name for name in loaded if name.startswith("openimr")} <= {
        "openimr",
        "openimr.cli",
        "openimr.errors",
    }
    assert top_level(loaded).isdisjoint((*HEAVY_LIBRARIES, "pydantic", "yaml"))


def test_decide_without_the_store_imports_no_database_or_web_library() -> None:
    seed = Path(__file__).resolve().parents[2] / "examples" / "cases" / "massage-right-wrist.yaml"
    status, output, loaded = run_and_list_modules("decide", str(seed), "--no-store")
    assert status == 0
    assert "Massage" in output and "DRAFT" in output  # the letter was drafted
    assert top_level(loaded).isdisjoint(("sqlalchemy", "alembic", "fastapi", "weasyprint"))
    assert "medspacy" in top_level(loaded)  # the records were read
