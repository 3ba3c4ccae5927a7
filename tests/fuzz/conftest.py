"""Fuzz tests: shared data must be present for the mutations of real letters."""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzz_inputs import LETTERS_DIR


@pytest.fixture(scope="module")
def work_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One directory per module: hypothesis runs many examples per test, so no tmp_path."""
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="session", autouse=True)
def _letters_present() -> None:
    if not (LETTERS_DIR / "txt").is_dir():
        pytest.skip(f"shared letters not found at {LETTERS_DIR}")
