"""Shared test set-up: an isolated store per test session, and where the shared data lives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# CI clones the repository with `shared/` beside it, as on the developers' machines.
SHARED = Path(os.environ.get("OPENIMR_SHARED", REPO.parent / "shared")).resolve()
DEV_LETTERS = SHARED / "data" / "dwc-imr-letters"
SEED_LETTER = SHARED / "data" / "seed" / "imr-final-determination-2015-massage.txt"
EXAMPLES = REPO / "examples" / "cases"


@pytest.fixture(autouse=True, scope="session")
def _isolated_store(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Never write into the user's real openimr database from a test run."""
    if "OPENIMR_DB" not in os.environ:
        db = tmp_path_factory.mktemp("store") / "openimr-test.sqlite"
        os.environ["OPENIMR_DB"] = f"sqlite:///{db}"
    if "OPENIMR_CACHE_DIR" not in os.environ:  # nor into the user's build cache
        os.environ["OPENIMR_CACHE_DIR"] = str(tmp_path_factory.mktemp("build-cache"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"shared data not found at {SHARED}")
    return SHARED
