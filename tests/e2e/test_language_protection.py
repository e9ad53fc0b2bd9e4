"""In the browser: an abusive Hebrew message arrives shielded, the agent reveals it, the
manager sees the incident; the tone coach suggests while the agent types, and applying a
suggestion changes the draft (Hebrew and English)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shomer.conversations.ingest import Inbound, ingest
from shomer.core.models import AuditEvent
from shomer.protection.models import Incident
from tests.conftest import make_ticket
from tests.e2e.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ABUSIVE = "יא מטומטם, אתה אידיוט חסר תועלת. תעביר אותי למנהל שלך עכשיו"


def log_out(page) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()


def test_abusive_message_is_shielded_revealed_and_escalated(page, dana, yossi, support, noa):
    ticket = make_ticket(
        contact=noa, team=support, assignee=dana, subject="החיוב כפול", body="חויבתי פעמיים."
    )
    ingest(
        Inbound(
            channel="email",
            idempotency_key="<abuse-e2e@smile.example>",
            raw=b"raw",
            subject="Re: החיוב כפול",
            text=ABUSIVE,
            from_address="noa@smile.example",
            ticket_hint=ticket.pk,
        )
    )
    message = ticket.messages.order_by("-id").first()

    log_in(page, "dana")
    row = page.get_by_test_id("ticket-table").locator("tr", has_text="החיוב כפול")
    expect(row.locator(".signal-abusive")).to_have_text("פוגענית")
    page.get_by_test_id("signals-legend").locator("summary").click()
    screenshot(page, "inbox-badges-he")
    page.get_by_role("link", name="החיוב כפול").click()
    shielded = page.locator(f"#message-body-{message.pk}")
    expect(shielded.get_by_test_id("shielded")).to_be_visible()
    expect(page.get_by_test_id("thread")).not_to_contain_text("מטומטם")
    screenshot(page, "protection-shielded-he")

    shielded.get_by_test_id("reveal").click()
    expect(page.locator(f"#message-body-{message.pk}")).to_contain_text("אתה אידיוט חסר תועלת")
    screenshot(page, "protection-revealed-he")
    assert AuditEvent.objects.filter(action="message.revealed", actor=dana).count() == 1

    log_out(page)
    log_in(page, "yossi")
    expect(page.get_by_test_id("notifications")).to_contain_text("1")
    page.get_by_role("link", name="אירועים").click()
    incident_row = page.get_by_test_id("incident-row")
    expect(incident_row).to_have_count(1)
    expect(incident_row).to_contain_text("אלימות מילולית")
    expect(incident_row).to_contain_text("מרפאת שיניים חיוך")
    expect(incident_row).not_to_contain_text("מטומטם")
    screenshot(page, "protection-incidents-he")
    incident_row.get_by_test_id("review").click()
    expect(page.get_by_test_id("no-incidents")).to_be_visible()
    assert Incident.objects.get().reviewed_by == yossi

    page.get_by_test_id("switch-language").click()
    page.goto(f"/tickets/{ticket.pk}/")
    expect(page.get_by_test_id("ticket-signals")).to_contain_text("Abusive")
    expect(page.get_by_test_id("shielded")).to_contain_text("abusive language")
    screenshot(page, "protection-shielded-en")
    page.goto("/incidents/?show=all")
    expect(page.get_by_test_id("incident-row")).to_contain_text("Abuse")
    screenshot(page, "protection-incidents-en")


def test_tone_coach_suggests_while_typing_and_applies_in_hebrew_and_english(
    page, dana, support, noa
):
    ticket = make_ticket(
        contact=noa, team=support, assignee=dana, subject="החזר כספי", body="מתי יגיע ההחזר?"
    )
    log_in(page, "dana")
    page.goto(f"/tickets/{ticket.pk}/")
    box = page.get_by_test_id("reply-form").locator("textarea[name=body]")

    box.press_sequentially("כפי שנמסר לך, לא ניתן לבצע החזר השבוע.", delay=5)
    coach = page.get_by_test_id("tone-coach")
    cold = coach.locator("[data-testid=tone-finding][data-kind=cold]", has_text="לא ניתן")
    expect(cold).to_be_visible()
    expect(coach).to_contain_text("חסרה פנייה בשם הלקוח")
    screenshot(page, "tone-coach-he")

    cold.get_by_test_id("apply-suggestion").click()
    expect(box).to_have_value("כפי שנמסר לך, אני בודק מה כן אפשר לעשות בשבילך לבצע החזר השבוע.")
    greeting = coach.locator("[data-testid=tone-finding][data-kind=no_name]")
    greeting.get_by_test_id("apply-suggestion").click()
    expect(box).to_have_value(re.compile(r"^שלום נועה, תודה שפנית אלינו\. כפי שנמסר לך"))
    expect(coach.locator("[data-kind=no_name]")).to_have_count(0)

    box.fill("")
    box.press_sequentially("אחזור אלייך מחר עד 12:00 עם תשובה.", delay=5)
    expect(page.get_by_test_id("draft-promises")).to_contain_text("אחזור אלייך מחר עד 12:00")
    screenshot(page, "tone-coach-promise-he")

    page.get_by_test_id("switch-language").click()
    box = page.get_by_test_id("reply-form").locator("textarea[name=body]")
    box.press_sequentially(
        "Please be advised that due to high volume we'll call you by 5pm.", delay=5
    )
    excuse = page.get_by_test_id("tone-coach").locator("[data-kind=excuse]")
    expect(excuse).to_contain_text("due to high volume")
    expect(excuse).to_contain_text("sorry for the wait, I'm on it now")
    expect(page.get_by_test_id("draft-promises")).to_contain_text("due")
    screenshot(page, "tone-coach-en")
    excuse.get_by_test_id("apply-suggestion").click()
    expect(box).to_have_value(
        "Please be advised that sorry for the wait, I'm on it now we'll call you by 5pm."
    )
