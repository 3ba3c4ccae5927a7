"""Browser tests: a real `openimr serve` and headless Chromium (skipped, saying why, without)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ui_server import browser_missing, make_driver, running_server  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory):  # type: ignore[no-untyped-def]
    missing = browser_missing()
    if missing:
        pytest.skip(f"browser tests need Chromium and chromedriver: {missing}")
    with running_server(tmp_path_factory.mktemp("ui")) as running:
        yield running


@pytest.fixture(scope="module")
def browser(server):  # type: ignore[no-untyped-def]
    driver = make_driver()
    yield driver
    driver.quit()
