"""Fuzz tests. The mutations of real letters need the shared letters (`needs_letters`); the
panel, request and case fuzzing does not."""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzz_inputs import LETTERS_DIR


@pytest.fixture(scope="module")
def work_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One directory per module: hypothesis runs many examples per test, so no tmp_path."""
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="session")
def needs_letters() -> None:
    """Skip a test that mutates real letters when the shared letters are not here."""
    if not (LETTERS_DIR / "txt").is_dir():
        pytest.skip(f"shared letters not found at {LETTERS_DIR}")
