"""A promise written in a Hebrew reply becomes a tracked commitment in one click, shows in
"my promises", and ends kept when the agent follows up; then the same pages in English."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from shomer.commitments.models import Commitment, CommitmentSource, CommitmentState
from shomer.sla.models import BusinessCalendar
from tests.conftest import make_ticket
from tests.e2e.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ISRAEL = ZoneInfo("Asia/Jerusalem")
# Open every day, so "tomorrow by 12:00" is never moved, whatever day the test runs on.
ALWAYS_OPEN = {
    "timezone": "Asia/Jerusalem",
    "week": {day: ["00:00-24:00"] for day in ("sun", "mon", "tue", "wed", "thu", "fri", "sat")},
    "holidays": None,
    "eve_hours": None,
    "closed": [],
    "open": {},
}


@pytest.fixture(autouse=True, scope="module")
def language_models_loaded() -> None:
    """Every reply is analysed as it is stored: load the models before the first page waits."""
    from shomer.analysis.services import analyzer

    analyzer()


def test_a_promise_in_a_hebrew_reply_is_tracked_in_one_click_and_ends_kept(
    page, dana, support, noa
):
    support.calendar = BusinessCalendar.objects.create(name="תמיד פתוח", spec=ALWAYS_OPEN)
    support.save()
    ticket = make_ticket(
        contact=noa,
        team=support,
        assignee=dana,
        subject="הזמנת כיסאות למרפאה",
        body="שלום, הזמנו שישה כיסאות לחדר ההמתנה ועדיין לא קיבלנו תאריך אספקה.",
    )
    log_in(page, "dana")
    page.goto(f"/tickets/{ticket.pk}/")
    page.get_by_label("תשובה לנועה").fill(
        "נועה שלום, בדקתי מול הספק. אחזור אלייך מחר עד 12:00 עם תאריך אספקה סופי."
    )
    page.get_by_role("button", name="שליחת תשובה").click()

    offer = page.get_by_test_id("promise-offer")
    expect(offer).to_contain_text("אחזור אלייך מחר עד 12:00")
    sent_at = ticket.messages.latest("created_at").created_at.astimezone(ISRAEL)
    tomorrow_noon = dt.datetime.combine(
        sent_at.date() + dt.timedelta(days=1), dt.time(12, 0), tzinfo=ISRAEL
    )
    expect(offer.get_by_label("מועד יעד")).to_have_value(tomorrow_noon.strftime("%Y-%m-%dT%H:%M"))
    screenshot(page, "promise-offer-he")

    offer.get_by_role("button", name="מעקב אחרי ההבטחה").click()  # the one click
    tracked = page.get_by_test_id("open-commitments")
    expect(tracked).to_contain_text("אחזור אלייך מחר עד 12:00")
    expect(page.get_by_test_id("promise-offers")).to_have_count(0)
    screenshot(page, "promise-tracked-he")
    commitment = Commitment.objects.get()
    assert (commitment.source, commitment.owner, commitment.due_at) == (
        CommitmentSource.DETECTED,
        dana,
        tomorrow_noon,
    )

    page.get_by_test_id("promises-nav").click()
    expect(page.get_by_role("heading", name="ההבטחות שלי")).to_be_visible()
    expect(page.get_by_test_id("promises-week")).to_contain_text("אחזור אלייך מחר עד 12:00")
    screenshot(page, "my-promises-he")

    # "This will be late": the template in Noa's language, sent as a reply.
    page.goto(f"/tickets/{ticket.pk}/")
    page.get_by_test_id("late-notice").click()
    expect(page.get_by_role("heading", name="זה יתעכב")).to_be_visible()
    body = page.get_by_label("הודעה ללקוח")
    expect(body).to_contain_text("שלום נועה,")
    expect(body).to_contain_text("הבטחנו לך: „אחזור אלייך מחר עד 12:00 עם תאריך אספקה סופי”")
    screenshot(page, "late-notice-he")
    page.get_by_role("button", name="שליחה ללקוח").click()
    page.wait_for_url(f"**/tickets/{ticket.pk}/")
    expect(page.get_by_test_id("thread").locator("article.outbound")).to_have_count(2)
    commitment.refresh_from_db()
    assert commitment.due_at == tomorrow_noon + dt.timedelta(days=1)
    assert commitment.original_due_at == tomorrow_noon
    assert commitment.state == CommitmentState.OPEN

    page.get_by_label("תשובה לנועה").fill(
        "נועה, הספק אישר: הכיסאות יגיעו ביום שלישי בבוקר. עדכנתי גם את ההזמנה."
    )
    page.get_by_role("button", name="שליחת תשובה").click()
    expect(page.get_by_test_id("open-commitments")).to_have_count(0)
    commitment.refresh_from_db()
    assert commitment.state == CommitmentState.KEPT
    assert commitment.is_kept_on_time

    page.get_by_test_id("promises-nav").click()
    expect(page.get_by_test_id("promises-kept")).to_contain_text("אחזור אלייך מחר עד 12:00")
    expect(page.get_by_test_id("promises-week")).not_to_contain_text("אחזור אלייך")
    screenshot(page, "my-promises-kept-he")

    page.goto(f"/customers/{ticket.customer_id}/")
    card = page.get_by_test_id("customer-commitments")
    expect(card.get_by_test_id("ledger-kept")).to_have_text("1")
    expect(card.get_by_test_id("ledger-ratio")).to_have_text("100%")
    screenshot(page, "customer-promises-he")

    page.get_by_test_id("switch-language").click()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    page.goto(f"/tickets/{ticket.pk}/")
    page.get_by_label("Reply to נועה").fill("Noa, I'll call you back tomorrow by 10:00 to confirm.")
    page.get_by_role("button", name="Send reply").click()
    offer = page.get_by_test_id("promise-offer")
    expect(offer).to_contain_text("I'll call you back tomorrow by 10:00")
    expect(offer.get_by_label("Kind")).to_have_value("callback")
    screenshot(page, "promise-offer-en")
    page.get_by_test_id("promises-nav").click()
    expect(page.get_by_role("heading", name="My promises")).to_be_visible()
    screenshot(page, "my-promises-en")
