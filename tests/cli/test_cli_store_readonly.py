"""Looking at a store that is not there creates nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from openimr.cli import main


@pytest.mark.parametrize("command", [["cases", "list"], ["audit-log", "verify"]])
def test_read_only_commands_do_not_create_a_database(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "typo" / "cases.db"
    assert main([*command, "--db", str(missing)]) == 2
    assert "no openimr store there" in capsys.readouterr().err
    assert not missing.parent.exists()
