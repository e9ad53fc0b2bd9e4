"""An agent logs in, works a ticket in Hebrew, and switches to English."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from shomer.conversations.models import Direction
from tests.conftest import make_ticket
from tests.e2e.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_replies_in_hebrew_then_switches_to_english(page, dana, support, noa):
    ticket = make_ticket(
        contact=noa,
        team=support,
        assignee=dana,
        subject="המדפסת במשרד לא מדפיסה",
        body="בוקר טוב, מאתמול המדפסת לא מדפיסה מאף מחשב.",
    )

    log_in(page, "dana")
    page.wait_for_url("**/inbox/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "he")
    expect(page.get_by_role("link", name="המדפסת במשרד לא מדפיסה")).to_be_visible()
    screenshot(page, "inbox-he")

    page.get_by_role("link", name="המדפסת במשרד לא מדפיסה").click()
    expect(page.get_by_test_id("ticket-subject")).to_have_text("המדפסת במשרד לא מדפיסה")
    page.get_by_label("תשובה לנועה").fill("בוקר טוב נועה, התחברתי מרחוק ואני בודקת את המנהל התקן.")
    page.get_by_role("button", name="שליחת תשובה").click()
    reply = page.get_by_test_id("thread").locator("article.outbound")
    expect(reply).to_contain_text("התחברתי מרחוק")
    expect(page.get_by_test_id("ticket-status")).to_have_text("פתוחה")
    screenshot(page, "ticket-he")

    page.get_by_test_id("switch-language").click()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("button", name="Send reply")).to_be_visible()
    screenshot(page, "ticket-en")

    assert ticket.messages.filter(direction=Direction.OUTBOUND, author=dana).count() == 1


def test_inbox_filters_update_the_list_without_a_reload(page, dana, support, noa):
    make_ticket(contact=noa, team=support, assignee=dana, subject="שאלה על חשבונית")
    make_ticket(
        contact=noa, team=support, assignee=dana, subject="VPN disconnects", priority="urgent"
    )

    log_in(page, "dana")
    page.wait_for_url("**/inbox/")
    page.get_by_label("עדיפות").select_option("urgent")
    expect(page.get_by_test_id("ticket-table").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_role("link", name="VPN disconnects")).to_be_visible()
    page.get_by_label("עדיפות").select_option("")
    page.get_by_label("חיפוש").fill("חשבונית")
    expect(page.get_by_test_id("ticket-table").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_role("link", name="שאלה על חשבונית")).to_be_visible()
    assert "q=" in page.url
    screenshot(page, "inbox-search-he")


def test_wrong_password_shows_an_error_in_hebrew(page, dana):
    page.goto("/login/")
    page.fill("#id_username", "dana")
    page.fill("#id_password", "wrong password")
    page.click("button[type=submit]")
    expect(page.locator(".errorlist")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
