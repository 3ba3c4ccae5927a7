"""Shared fixtures of the evidence tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from openimr.evidence import rules


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A writable copy of the rule files, loaded instead of the packaged ones."""
    target = tmp_path / "data"
    shutil.copytree(rules.DATA_DIR, target)
    monkeypatch.setattr(rules, "DATA_DIR", target)
    rules.load_rules.cache_clear()
    yield target
    rules.load_rules.cache_clear()
