"""A reviewer verifies a submission in Chromium: from the summary to a section and back."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.no_db


def _waiting(page) -> int:
    """Answers still to verify in the section on screen, as its navigation link says."""
    current = page.locator(".section-nav a[aria-current=page]")
    counts = current.locator(".count")
    return int(re.match(r"\d+", counts.inner_text()).group()) if counts.count() else 0


def test_reviewer_goes_from_the_summary_to_a_section_and_verifies_an_answer(page, live_server):
    log_in(page, live_server, "recenzent@demo.gminabezpieczna.pl")
    page.goto(live_server + "/review/")
    links = page.locator("table a[href^='/review/submissions/']")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for href in hrefs:  # the first questionnaire assigned to the demo reviewer, in review
        page.goto(live_server + href)
        start = page.locator("#sections-title ~ p a.button.primary")
        if start.count():
            break
    else:
        pytest.fail("the demo has no questionnaire in review assigned to its reviewer")
    summary = page.url
    assert page.locator("#sections-title ~ table tbody tr").count() == 8

    start.click()
    page.wait_for_load_state()
    assert "/sections/" in page.url
    title = page.inner_text("h1")
    assert page.inner_text(".section-nav a[aria-current=page]").split(" ", 1)[1].startswith(
        title)
    waiting = _waiting(page)
    assert waiting > 0

    page.locator("article.status-pending button[type=submit]",
                 has_text="Zweryfikuj").first.click()
    page.wait_for_load_state()

    assert "/sections/" in page.url and page.inner_text("h1") == title
    assert "Odpowiedź zweryfikowana." in page.inner_text(".flashes")
    assert _waiting(page) == waiting - 1
    page.click("text=← Podsumowanie i decyzja")
    page.wait_for_load_state()
    assert page.url == summary
