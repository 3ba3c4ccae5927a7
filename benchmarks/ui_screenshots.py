"""Screenshots of the workbench's pages in headless Chromium, saved to docs/screenshots/*.png.

    .venv/bin/python benchmarks/ui_screenshots.py [--out docs/screenshots] [--no-corpus]

Starts `openimr serve` over a temp store (with the development letters as the precedent corpus
when ../shared is there), files the example cases through the API, then walks the pages as
intake, the reviewer and admin: sign-in, the case list, screening, assignment, the queue, the
case page before and after signing, the audit trail.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "ui"))

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.expected_conditions import staleness_of  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402
from ui_server import (  # noqa: E402
    ADMIN_KEY,
    CASE_FILE,
    INTAKE_KEY,
    REVIEWER_KEY,
    api,
    browser_missing,
    make_driver,
    running_server,
    sign_in,
)

LETTERS = (
    Path(os.environ.get("OPENIMR_SHARED", REPO.parent / "shared")) / "data/dwc-imr-letters/txt"
)
WIDTH = 1366


def shoot(driver, out: Path, name: str, max_height: int = 5000) -> None:  # type: ignore[no-untyped-def]
    """The whole page (up to max_height pixels) at a laptop's width."""
    driver.set_window_size(WIDTH, 900)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    # the window's own frame takes some of its height: leave room so the page's end shows
    driver.set_window_size(WIDTH, min(max(height + 160, 900), max_height))
    driver.save_screenshot(str(out / f"{name}.png"))
    driver.set_window_size(WIDTH, 900)
    print(f"  {name}.png ({min(max(height, 900), max_height)} px high)")


def click(driver, text: str) -> None:  # type: ignore[no-untyped-def]
    """Press a form's button and wait for the page it leads to."""
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.XPATH, f"//button[contains(normalize-space(.), '{text}')]").click()
    WebDriverWait(driver, 60).until(staleness_of(page))


def file_case(server, path: Path, reviewer: str, decide: bool, late: bool = False) -> bool:  # type: ignore[no-untyped-def]
    """Through the API: upload, screen, assign to `reviewer`, records complete, draft.
    `late`: assigned and records complete 40 days ago, so the case shows as overdue."""
    with path.open("rb") as handle:
        made = api(server, "POST", "/cases/upload", INTAKE_KEY, files={"file": (path.name, handle)})
    number = made.json()["case_number"]
    if not api(server, "POST", f"/cases/{number}/screen", INTAKE_KEY).json().get("eligible"):
        return False
    past = (dt.date.today() - dt.timedelta(days=40)).isoformat() if late else None
    when = {"on": past} if past else {}
    assigned = api(
        server, "POST", f"/cases/{number}/assign", INTAKE_KEY, json={"reviewer": reviewer, **when}
    )
    if assigned.status_code != 200:
        return False
    api(server, "POST", f"/cases/{number}/records-complete", INTAKE_KEY, json=when)
    if decide:
        api(server, "POST", f"/cases/{number}/decide", REVIEWER_KEY, timeout=120)
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--no-corpus", action="store_true", help="leave the precedent corpus empty")
    args = parser.parse_args()
    missing = browser_missing()
    if missing:
        print(f"ui_screenshots: {missing}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, running_server(Path(tmp)) as server:
        if not args.no_corpus and LETTERS.is_dir():
            print("indexing the development letters as the precedent corpus ...")
            subprocess.run(
                [sys.executable, "-m", "openimr", "corpus", "add", str(LETTERS), "--db", str(server.db)],
                check=True, capture_output=True,
            )  # fmt: skip
        others = sorted(p for p in (REPO / "examples" / "cases").glob("*.yaml") if p != CASE_FILE)
        filed = [
            p.name
            for i, p in enumerate(others)
            if file_case(server, p, server.reviewer, decide=True, late=i == len(others) - 1)
        ]
        print(f"filed for {server.reviewer}: {', '.join(filed) or 'none'}")
        driver = make_driver(WIDTH, 900)
        try:
            driver.get(f"{server.base}/ui/login")
            shoot(driver, args.out, "login")
            sign_in(driver, server.base, INTAKE_KEY)
            driver.find_element(By.ID, "case-file").send_keys(str(CASE_FILE))
            click(driver, "Upload")
            shoot(driver, args.out, "intake-case-received")
            click(driver, "Screen eligibility")
            shoot(driver, args.out, "intake-case-assign")
            Select(driver.find_element(By.ID, "reviewer")).select_by_value(server.reviewer)
            click(driver, "Assign")
            click(driver, "Mark records complete")
            shoot(driver, args.out, "intake-case-records-complete")
            driver.get(f"{server.base}/ui/")
            shoot(driver, args.out, "intake-cases")
            click(driver, "Sign out")

            sign_in(driver, server.base, REVIEWER_KEY)
            number = "CM15-0000001"
            driver.get(f"{server.base}/ui/cases/{number}")
            click(driver, "Draft with the engine")
            driver.get(f"{server.base}/ui/")
            shoot(driver, args.out, "queue")
            driver.get(f"{server.base}/ui/cases/{number}")
            shoot(driver, args.out, "case-draft")
            Select(driver.find_element(By.ID, "outcome-1")).select_by_value("Overturned")
            click(driver, "Save item 1")
            shoot(driver, args.out, "case-refused-no-reason", max_height=900)
            Select(driver.find_element(By.ID, "outcome-1")).select_by_value("Overturned")
            driver.find_element(By.ID, "reason-1").send_keys(
                "First course; home exercise documented."
            )
            box = driver.find_element(By.ID, "rationale-1")
            box.clear()
            box.send_keys(
                "Massage as an adjunct to the documented home exercise program is medically"
                " necessary for this first course."
            )
            click(driver, "Save item 1")
            click(driver, "Sign the determination")
            shoot(driver, args.out, "case-signed")
            click(driver, "Sign out")

            sign_in(driver, server.base, ADMIN_KEY)
            driver.get(f"{server.base}/ui/cases/{number}/audit")
            shoot(driver, args.out, "audit")
        finally:
            driver.quit()
    print(f"screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
