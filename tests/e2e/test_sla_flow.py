"""A manager sets a calendar and a policy in the UI; the agent's inbox counts down to it.

The clock is pinned to Sunday 8 November 2026 (django.utils.timezone.now, shared with the
live server's thread). Support's calendar is Sunday-Thursday 09:00-17:00; dana's ticket
opened at 09:00 with a 4 h first response (due 13:00), and it is 11:00.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from shomer.conversations.services import do_reply
from shomer.people.models import Team
from shomer.sla.models import SlaPolicy, SlaTimer
from tests.conftest import make_ticket
from tests.e2e.conftest import log_in, screenshot
from tests.sla.conftest import Clock, at, install_clock, make_policies, put_on_office

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return install_clock(monkeypatch)


@pytest.fixture
def policies(db: None) -> dict[str, SlaPolicy]:
    return make_policies()


@pytest.fixture
def support_on_office(support: Team) -> Team:
    return put_on_office(support)


def log_out(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name="יציאה").click()
    page.wait_for_url("**/login/")


def test_a_manager_sets_calendar_and_policy_and_the_inbox_counts_down(
    page,
    clock,
    policies,
    support_on_office,
    dana,
    yossi,
    noa,
):
    clock.set("2026-11-08T09:00:00+02:00")
    ticket = make_ticket(
        contact=noa,
        team=support_on_office,
        assignee=dana,
        subject="המדפסת במשרד לא מדפיסה",
        body="בוקר טוב, מאתמול המדפסת לא מדפיסה מאף מחשב.",
    )
    answered = make_ticket(contact=noa, team=support_on_office, assignee=dana, subject="חשבונית")
    clock.set("2026-11-08T09:20:00+02:00")
    do_reply(answered, body_text="שלום נועה, החשבונית נשלחה שוב.", author=dana)
    clock.set("2026-11-08T11:00:00+02:00")

    log_in(page, "yossi")
    page.get_by_test_id("more-nav").click()  # set-up pages sit in the "More" menu
    page.get_by_role("link", name="SLA", exact=True).click()
    expect(page.get_by_role("heading", name="הגדרות SLA")).to_be_visible()
    page.get_by_test_id("calendars").get_by_role("link", name="משרד תמיכה").click()

    # A lunch break on Sundays; first a range that does not exist.
    page.get_by_label("ראשון").fill("09:00-12:00, 25:00-26:00")
    page.get_by_role("button", name="שמירת הלוח").click()
    expect(page.locator(".errorlist")).to_contain_text("25:00-26:00: שעות הן בין 00:00 ל-24:00.")
    screenshot(page, "sla-calendar-error-he")
    page.get_by_label("ראשון").fill("09:00-12:00, 13:00-18:00")
    page.get_by_label("תאריכים סגורים").fill("2026-12-31")
    page.get_by_role("button", name="שמירת הלוח").click()
    expect(page.locator(".messages")).to_contain_text("הלוח „משרד תמיכה” נשמר.")

    # The default policy's first response: 4 h -> 5 h.
    page.get_by_test_id("policies").get_by_role("link", name="ברירת מחדל").click()
    page.get_by_label("מענה ראשון").fill("300")
    page.get_by_role("button", name="שמירת המדיניות").click()
    expect(page.get_by_test_id("policies")).to_contain_text("5:00")
    screenshot(page, "sla-settings-he")

    # 2 h used by 11:00; 3 h left: 11:00-12:00, then 13:00-15:00 after the lunch break.
    first = SlaTimer.objects.get(ticket=ticket, target="first_response")
    assert (first.minutes, first.due_at) == (300, at("2026-11-08T15:00:00+02:00"))

    page.goto("/sla/report/?start=2026-11-01&end=2026-11-30&by=agent")
    expect(page.get_by_test_id("report-table")).to_contain_text("דנה כרמי")
    expect(page.get_by_test_id("sla-chart").locator("svg.main-svg").first).to_be_visible()
    screenshot(page, "sla-report-he")
    log_out(page)

    log_in(page, "dana")
    row = page.get_by_test_id("ticket-table").locator("tbody tr").first
    expect(row).to_contain_text("המדפסת במשרד לא מדפיסה")
    expect(row.get_by_test_id("sla-countdown")).to_have_text("נותרו 3:00 שעות עבודה")
    screenshot(page, "inbox-sla-he")

    page.get_by_test_id("switch-language").click()
    expect(row.get_by_test_id("sla-countdown")).to_have_text("3:00 business hours left")
    screenshot(page, "inbox-sla-en")
    page.get_by_role("link", name="המדפסת במשרד לא מדפיסה").click()
    expect(page.get_by_test_id("sla-badge-first_response")).to_contain_text(
        "First response: due Sun 8/11 15:00 (3:00 left)"
    )
    screenshot(page, "ticket-sla-en")
