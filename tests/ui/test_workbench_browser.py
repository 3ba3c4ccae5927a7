"""The workbench in a real browser: intake files and assigns a case, the reviewer signs in, finds
it on the queue, overrides an item with a reason, signs, and opens the letter PDF; and the
refusals (an unknown key, a form without its CSRF token, another reviewer's case)."""

from __future__ import annotations

import httpx
import pytest

pytest.importorskip("selenium", reason="browser tests need selenium (pip install -e '.[dev]')")

from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import Select, WebDriverWait
from ui_server import (
    ADMIN_KEY,
    CASE_FILE,
    INTAKE_KEY,
    OTHER_REVIEWER_KEY,
    REVIEWER_KEY,
    api,
    press,
    sign_in,
    wait_loaded,
)

# The tests are one case's day, in order, on one server: `make test` runs `--dist loadfile`, so
# they stay on one xdist worker in file order.
NUMBER = "CM15-0000001"  # the massage case's number


def notice(browser) -> str:  # type: ignore[no-untyped-def]
    found = browser.find_elements(By.CSS_SELECTOR, ".notice")
    assert found, (
        f"no notice on {browser.current_url}: {browser.find_element(By.TAG_NAME, 'main').text[:500]}"
    )
    return found[0].text


def click(browser, text: str) -> None:  # type: ignore[no-untyped-def]
    """Press a form's button and wait for the page it leads to."""
    page = browser.find_element(By.TAG_NAME, "html")
    press(browser, By.XPATH, f"//button[contains(normalize-space(.), '{text}')]")
    WebDriverWait(browser, 30).until(staleness_of(page))
    wait_loaded(browser)


def sign_out(browser) -> None:  # type: ignore[no-untyped-def]
    click(browser, "Sign out")
    assert browser.current_url.endswith("/ui/login")


def test_an_unknown_key_is_refused(server, browser) -> None:  # type: ignore[no-untyped-def]
    sign_in(browser, server.base, "not-a-real-key-123")
    assert browser.current_url.endswith("/ui/login")
    assert "not known" in browser.find_element(By.CSS_SELECTOR, ".notice.error").text
    browser.get(f"{server.base}/ui/")
    assert browser.current_url.endswith("/ui/login")  # still not signed in


def test_intake_files_screens_assigns_and_completes_records(server, browser) -> None:  # type: ignore[no-untyped-def]
    sign_in(browser, server.base, INTAKE_KEY)
    assert browser.current_url.endswith("/ui/")
    browser.find_element(By.ID, "case-file").send_keys(str(CASE_FILE))
    click(browser, "Upload")
    assert browser.current_url.endswith(f"/ui/cases/{NUMBER}")
    assert f"Case {NUMBER} added" in notice(browser)
    click(browser, "Screen eligibility")
    assert "eligible" in notice(browser)
    # every exclusion with its reason, and the named reviewer assigned
    excluded = browser.find_element(
        By.XPATH, "//h3[starts-with(., 'Excluded')]/following-sibling::table[1]"
    )
    assert excluded.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert all(
        row.find_elements(By.TAG_NAME, "li")
        for row in excluded.find_elements(By.CSS_SELECTOR, "tbody tr")
    )
    Select(browser.find_element(By.ID, "reviewer")).select_by_value(server.reviewer)
    click(browser, "Assign")
    assert f"Assigned to {server.reviewer}" in notice(browser)
    assert "records" in browser.find_element(By.CSS_SELECTOR, ".case-head").text  # records due
    click(browser, "Mark records complete")
    assert "decision deadline" in notice(browser)
    sign_out(browser)


def test_another_reviewers_case_is_404_and_logged(server, browser) -> None:  # type: ignore[no-untyped-def]
    sign_in(browser, server.base, OTHER_REVIEWER_KEY)
    assert NUMBER not in browser.find_element(By.TAG_NAME, "main").text  # not on their queue
    for path in (f"/ui/cases/{NUMBER}", f"/ui/cases/{NUMBER}/letter.pdf"):
        response = httpx.get(
            f"{server.base}{path}", cookies={c["name"]: c["value"] for c in browser.get_cookies()}
        )
        assert response.status_code == 404, path
    browser.get(f"{server.base}/ui/cases/{NUMBER}")
    assert "Not found (404)" in browser.find_element(By.TAG_NAME, "h1").text
    audit = api(server, "GET", f"/cases/{NUMBER}/audit", ADMIN_KEY).json()
    denied = [e for e in audit if e["action"] == "access_denied"]
    assert len(denied) >= 2
    assert all(e["actor"] == f"reviewer:{server.other}" for e in denied)
    sign_out(browser)


def test_reviewer_drafts_overrides_signs_and_gets_the_pdf(server, browser) -> None:  # type: ignore[no-untyped-def]
    sign_in(browser, server.base, REVIEWER_KEY)
    row = browser.find_element(
        By.XPATH, f"//table[contains(@class,'queue')]//tr[.//a[text()='{NUMBER}']]"
    )
    assert "day" in row.text  # days left to the decision deadline
    page = browser.find_element(By.TAG_NAME, "html")
    browser.execute_script("arguments[0].click();", row.find_element(By.LINK_TEXT, NUMBER))
    WebDriverWait(browser, 30).until(staleness_of(page))
    wait_loaded(browser)
    assert browser.current_url.endswith(f"/ui/cases/{NUMBER}")
    click(browser, "Draft with the engine")
    assert "Draft made" in notice(browser)
    marks = browser.find_elements(By.TAG_NAME, "mark")
    assert marks, "the evidence that decided a criterion is highlighted in the records"
    assert all(m.get_attribute("title").startswith("item 1:") for m in marks)
    item = browser.find_element(By.ID, "item-1")
    assert "Draft outcome" in item.text and "Upheld" in item.text
    assert "illustrative, not binding" in item.text
    assert "No similar published decision" in item.text  # the corpus is empty here
    statuses = {e.text for e in item.find_elements(By.CSS_SELECTOR, "td .status")}
    assert statuses & {"met", "not met", "not documented"}

    # the physician overturns: a reason is required
    Select(browser.find_element(By.ID, "outcome-1")).select_by_value("Overturned")
    click(browser, "Save item 1")
    assert "reason" in notice(browser).lower()
    assert "Upheld" in browser.find_element(By.ID, "item-1").text
    Select(browser.find_element(By.ID, "outcome-1")).select_by_value("Overturned")
    browser.find_element(By.ID, "reason-1").send_keys("First course of massage; HEP documented.")
    rationale = browser.find_element(By.ID, "rationale-1")
    rationale.clear()
    rationale.send_keys(
        "Massage therapy as an adjunct to the documented home exercise program is medically"
        " necessary. Massage Therapy 2 Times A Week for 6 Weeks to The Right Wrist is medically"
        " necessary."
    )
    click(browser, "Save item 1")
    assert "Item 1 saved" in notice(browser)
    item = browser.find_element(By.ID, "item-1")
    assert "your decision: Overturned" in item.text

    click(browser, "Sign the determination")
    assert "Signed" in notice(browser), notice(browser)
    pdf = browser.find_element(By.XPATH, "//a[substring(@href, string-length(@href) - 3) = '.pdf']")
    html = browser.find_element(By.XPATH, "//a[contains(@href, 'letter.html')]")
    cookies = {c["name"]: c["value"] for c in browser.get_cookies()}
    got = httpx.get(pdf.get_attribute("href"), cookies=cookies)
    assert got.status_code == 200
    assert got.headers["content-type"] == "application/pdf"
    assert got.content.startswith(b"%PDF")
    letter = httpx.get(html.get_attribute("href"), cookies=cookies).text
    assert "Overturned" in letter and "DRAFT" not in letter
    assert not browser.find_elements(By.ID, "outcome-1")  # signed: no more edits


def test_a_form_without_its_csrf_token_is_refused(server, browser) -> None:  # type: ignore[no-untyped-def]
    sign_in(browser, server.base, REVIEWER_KEY)
    cookies = {c["name"]: c["value"] for c in browser.get_cookies()}
    for data in ({}, {"csrf_token": "forged"}):
        refused = httpx.post(f"{server.base}/ui/cases/{NUMBER}/sign", data=data, cookies=cookies)
        assert refused.status_code == 403
        assert "security token" in refused.text
    # the same in the browser: strip the token out of the page's form, then submit it
    browser.get(f"{server.base}/ui/")
    browser.execute_script(
        "document.querySelectorAll('input[name=csrf_token]').forEach(e => e.remove())"
    )
    click(browser, "Sign out")
    assert "Not allowed (403)" in browser.find_element(By.TAG_NAME, "h1").text


def test_session_cookie_is_httponly_and_samesite(server, browser) -> None:  # type: ignore[no-untyped-def]
    sign_in(browser, server.base, REVIEWER_KEY)
    cookie = browser.get_cookie("openimr_session")
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert browser.execute_script("return document.cookie") == ""  # scripts cannot read it


def _unlabelled(browser) -> list[str]:  # type: ignore[no-untyped-def]
    """Form controls a screen reader would announce without a name."""
    return browser.execute_script(
        """
        return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
          .filter(e => !(e.id && document.querySelector(`label[for="${e.id}"]`)))
          .map(e => e.outerHTML.slice(0, 80));
        """
    )


def test_keyboard_only_sign_in_and_every_control_labelled(server, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.keys import Keys

    browser.delete_all_cookies()
    browser.get(f"{server.base}/ui/login")
    assert not _unlabelled(browser)
    focused = browser.switch_to.active_element
    assert focused.get_attribute("name") == "api_key"  # the form opens ready to type
    page = browser.find_element(By.TAG_NAME, "html")
    focused.send_keys(INTAKE_KEY)
    # Enter in its own call: a navigation that starts inside send_keys upsets chromedriver
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    WebDriverWait(browser, 30).until(staleness_of(page))
    wait_loaded(browser)
    assert browser.current_url.endswith("/ui/")
    assert not _unlabelled(browser)
    # the first Tab reaches the skip link, which leads to the main content
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "Skip to content"
    browser.get(f"{server.base}/ui/cases/{NUMBER}")
    assert not _unlabelled(browser)
    sign_out(browser)
    sign_in(browser, server.base, REVIEWER_KEY)
    browser.get(f"{server.base}/ui/cases/{NUMBER}")
    assert not _unlabelled(browser)
    # every action is a real button
    assert not browser.find_elements(
        By.CSS_SELECTOR, "[onclick], div[role=button], span[role=button]"
    )
