"""A real workbench server for the browser tests, the screenshots and the page benchmark:
`openimr serve` on a free port over a temp SQLite store and a temp key file, and a headless
Chromium driven by Selenium."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import yaml

REPO = Path(__file__).resolve().parents[2]
CASE_FILE = REPO / "examples" / "cases" / "massage-right-wrist.yaml"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

INTAKE_KEY = "ui-intake-key-0001"
ADMIN_KEY = "ui-admin-key-00001"
REVIEWER_KEY = "ui-reviewer-key-001"
OTHER_REVIEWER_KEY = "ui-reviewer-key-002"


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists():
            return f"{path} not installed (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium not installed (pip install -e '.[dev]')"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def eligible_reviewers(case_file: Path = CASE_FILE) -> list[str]:
    """The sample panel's eligible reviewers for a case, best first (the keys name two)."""
    from openimr.engine.pipeline import parse_items
    from openimr.intake import load_case
    from openimr.reviewers import load_panel
    from openimr.reviewers.assign import assign

    case = load_case(case_file)
    return assign(case, load_panel(), parse_items(case)).eligible_codes


@dataclass
class Server:
    base: str
    reviewer: str  # the code REVIEWER_KEY acts as
    other: str  # the code OTHER_REVIEWER_KEY acts as
    db: Path
    proc: subprocess.Popen


def write_keys(path: Path, reviewer: str, other: str) -> None:
    keys = [
        {"name": "front desk", "role": "intake", "key": INTAKE_KEY},
        {"name": "ops", "role": "admin", "key": ADMIN_KEY},
        {"name": f"Dr. {reviewer}", "role": "reviewer", "reviewer": reviewer, "key": REVIEWER_KEY},
        {"name": f"Dr. {other}", "role": "reviewer", "reviewer": other, "key": OTHER_REVIEWER_KEY},
    ]
    path.write_text(yaml.safe_dump({"keys": keys}), encoding="utf-8")


@contextlib.contextmanager
def running_server(tmp: Path, reviewers: list[str] | None = None) -> Iterator[Server]:
    codes = reviewers or eligible_reviewers()
    reviewer, other = codes[0], codes[1]
    keys = tmp / "keys.yaml"
    write_keys(keys, reviewer, other)
    db = tmp / "ui.db"
    port = free_port()
    env = {**os.environ, "OPENIMR_API_KEYS_FILE": str(keys)}
    env.pop("OPENIMR_API_KEYS", None)
    env.setdefault("OPENIMR_CACHE_DIR", str(REPO / ".cache-openimr"))
    log = (tmp / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "openimr", "serve", "--port", str(port), "--db", str(db),
         "--log-level", "warning"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if proc.poll() is not None:
                break
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError("server did not start")
        if proc.poll() is not None:
            raise RuntimeError("server exited: " + (tmp / "server.log").read_text(errors="replace"))
        yield Server(base=base, reviewer=reviewer, other=other, db=db, proc=proc)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def make_driver(width: int = 1366, height: int = 900):  # type: ignore[no-untyped-def]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={width},{height}",
        "--force-device-scale-factor=1",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(2)
    return driver


def sign_in(driver, base: str, key: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.common.by import By

    for attempt in range(3):
        # Chromium may still be swapping in the login document (a busy CI machine): read it again
        try:
            driver.get(f"{base}/ui/login")
            wait_loaded(driver)
            box = driver.find_element(By.NAME, "api_key")
            box.clear()
            box.send_keys(key)
            break
        except (StaleElementReferenceException, WebDriverException):
            if attempt == 2:
                raise
    from selenium.webdriver.support.expected_conditions import staleness_of
    from selenium.webdriver.support.ui import WebDriverWait

    page = driver.find_element(By.TAG_NAME, "html")
    press(driver, By.CSS_SELECTOR, "form[action='/ui/login'] button[type=submit]")
    WebDriverWait(driver, 30).until(staleness_of(page))
    wait_loaded(driver)


def press(driver, by: str, selector: str) -> None:  # type: ignore[no-untyped-def]
    """Press a button: found afresh and clicked in the page itself. Chromedriver's own click
    measures the element first and, on a busy machine, can fail with "Node with given id does
    not belong to the document" while the page settles; the form is submitted the same way."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    for attempt in range(3):
        try:
            driver.execute_script("arguments[0].click();", driver.find_element(by, selector))
            return
        except (StaleElementReferenceException, WebDriverException):
            if attempt == 2:
                raise


def wait_loaded(driver) -> None:  # type: ignore[no-untyped-def]
    """Wait until the page a click led to (after any redirect) has finished loading, so that no
    element is read from a document that is being replaced (a busy CI machine is slow)."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def api(server: Server, method: str, path: str, key: str, **kwargs) -> httpx.Response:  # type: ignore[no-untyped-def]
    return httpx.request(method, f"{server.base}{path}", headers={"X-API-Key": key}, **kwargs)
