"""An official fills in the questionnaire in Chromium: keyboard, autosave, live relevance."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.no_db


def test_skip_link_is_the_first_thing_the_keyboard_reaches(page, live_server):
    page.goto(live_server + "/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Przejdź do treści"
    assert page.get_attribute("html", "lang") == "pl"


def test_official_logs_in_and_sees_the_dashboard_with_progress(page, live_server):
    log_in(page, live_server, "kornik@demo.gminabezpieczna.pl")
    assert page.url.endswith("/ankieta")
    assert "Kórnik" in page.inner_text("h1")
    assert page.locator("[role=progressbar]").count() == 8


def test_answering_yes_reveals_follow_up_items_and_autosaves(page, live_server):
    log_in(page, live_server, "mosina@demo.gminabezpieczna.pl")
    page.click("a[href$='/sections/cctv']")
    page.wait_for_load_state()
    retention = page.locator("#item-cctv_retention_days")
    assert retention.is_hidden()

    page.check("input[name=has_cctv][value=yes]")
    retention.wait_for(state="visible", timeout=10_000)
    page.wait_for_function(
        "document.getElementById('autosave-status').textContent.includes('Zapisano')",
        timeout=10_000)

    page.reload()
    assert page.is_checked("input[name=has_cctv][value=yes]")
    assert retention.is_visible()


def test_polish_number_is_saved_and_shown_back_the_polish_way(page, live_server):
    log_in(page, live_server, "mosina@demo.gminabezpieczna.pl")
    page.click("a[href$='/sections/budget']")
    page.fill("#budget_754_total", "1 234 567,89")
    page.click("button[value=save]")
    page.wait_for_load_state()
    assert "Zapisano" in page.inner_text(".flashes")
    value = page.input_value("#budget_754_total")
    assert re.sub(r"\s", " ", value) == "1 234 567,89"


def test_invalid_value_is_announced_in_a_summary_linking_to_the_field(page, live_server):
    log_in(page, live_server, "mosina@demo.gminabezpieczna.pl")
    page.click("a[href$='/sections/budget']")
    page.fill("#budget_754_total", "dużo")
    page.click("button[value=save]")
    page.wait_for_load_state()
    summary = page.locator(".error-summary[role=alert]")
    assert summary.is_visible()
    summary.locator("a[href='#item-budget_754_total']").click()
    assert page.url.endswith("#item-budget_754_total")
    assert page.get_attribute("#budget_754_total", "aria-invalid") == "true"
