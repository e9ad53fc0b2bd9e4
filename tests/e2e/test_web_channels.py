"""Browser tests of the web channels: the contact form in Hebrew, the widget on a plain page
(same site and another site), an agent logging a call, and the portal's magic link."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from shomer.commitments.models import Commitment, CommitmentState
from shomer.conversations.models import Channel, Kind, Ticket
from shomer.customers.models import Contact
from tests.conftest import make_ticket
from tests.e2e.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://[^\s\"]+(/portal/sign-in/[^/\s\"]+/)")


@pytest.fixture(autouse=True, scope="module")
def language_models_loaded() -> None:
    """Every message is analysed as it is stored: load the models before the first page
    waits on one, so that no step's timeout pays for it."""
    from shomer.analysis.services import analyzer

    analyzer()


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def test_the_contact_form_in_hebrew_gives_a_ticket_number(page, tmp_path):
    page.goto("/contact/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", name="צרו קשר")).to_be_visible()
    page.get_by_label("השם שלך").fill("רונית אברהם")
    page.get_by_label("דוא״ל").fill("ronit@gmail.com")
    page.get_by_label("טלפון").fill("052-7654321")
    page.get_by_label("נושא").fill("הצעת מחיר לאתר לחנות פרחים")
    page.get_by_label("איך נוכל לעזור?").fill(
        "שלום, אנחנו חנות פרחים בחיפה ורוצים אתר עם הזמנות ומשלוחים. מצרפת את הלוגו."
    )
    logo = tmp_path / "לוגו.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    page.get_by_label("קבצים מצורפים").set_input_files(str(logo))
    screenshot(page, "contact-form-he")
    page.get_by_role("button", name="שליחה").click()

    expect(page.get_by_test_id("ticket-number")).to_be_visible(timeout=30_000)
    ticket = Ticket.objects.get()
    expect(page.get_by_test_id("ticket-number")).to_have_text(f"#{ticket.pk}")
    expect(page.get_by_role("heading", name="תודה, קיבלנו את ההודעה שלך")).to_be_visible()
    screenshot(page, "contact-thanks-he")
    assert ticket.channel == Channel.WEB
    assert ticket.messages.get().attachments.get().filename == "לוגו.png"

    page.goto("/contact/?lang=en")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    screenshot(page, "contact-form-errors-en")


def open_widget(page):  # type: ignore[no-untyped-def]
    button = page.get_by_test_id("shomer-widget-button")
    expect(button).to_have_text("צרו קשר")
    button.click()
    expect(button).to_have_text("סגירה")
    return page.frame_locator("iframe[data-testid=shomer-widget-frame]")


def send_widget_message(frame) -> None:  # type: ignore[no-untyped-def]
    frame.get_by_label("השם שלך").fill("דניאל גרין")
    frame.get_by_label("דוא״ל").fill("daniel@gmail.com")
    frame.get_by_label("ההודעה שלך").fill("היי, אתם מתחזקים גם אתרי וורדפרס?")
    frame.get_by_role("button", name="שליחה").click()
    # The first message of a run also loads the language models: allow for it.
    expect(frame.get_by_test_id("ticket-number")).to_be_visible(timeout=30_000)


def request_callback(frame) -> None:  # type: ignore[no-untyped-def]
    frame.get_by_role("tab", name="חזרו אליי").click()
    # The tab is a link: wait for its page, or the name would go into the old form.
    expect(frame.get_by_role("tab", name="חזרו אליי")).to_have_attribute("aria-selected", "true")
    frame.get_by_label("השם שלך").fill("משה פרץ")
    frame.get_by_label("טלפון").fill("054-3322110")
    frame.get_by_label("מתי?").select_option("asap")
    frame.get_by_label("במה מדובר? (לא חובה)").fill("לגבי החשבונית של מרץ")
    frame.get_by_role("button", name="חזרו אליי").click()
    expect(frame.get_by_role("heading", name="נחזור אליך בטלפון")).to_be_visible()


def test_the_widget_on_a_plain_page_sends_a_message_and_a_callback_request(page):
    page.goto("/static/widget/example.html")
    frame = open_widget(page)
    expect(frame.get_by_role("tab", name="שליחת הודעה")).to_have_attribute("aria-selected", "true")
    screenshot(page, "widget-open-he")
    send_widget_message(frame)
    screenshot(page, "widget-thanks-he")

    frame.get_by_role("link", name="חזרה").click()
    request_callback(frame)
    screenshot(page, "widget-callback-he")

    message_ticket, callback_ticket = Ticket.objects.order_by("pk")
    assert (message_ticket.channel, message_ticket.kind) == (Channel.WIDGET, Kind.QUESTION)
    assert (callback_ticket.channel, callback_ticket.kind) == (Channel.WIDGET, Kind.REQUEST)
    callback = Commitment.objects.get()
    assert (callback.ticket, callback.phone) == (callback_ticket, "+972543322110")

    page.get_by_test_id("shomer-widget-button").click()
    expect(page.locator("iframe[data-testid=shomer-widget-frame]")).to_be_hidden()


@pytest.fixture
def other_site(live_server) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A shop's page on another site (127.0.0.1, while the live server is localhost) that
    embeds the widget with its one script tag."""
    html = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Carmel Flowers</title></head><body><h1>Carmel Flowers</h1><p>Bouquets delivered.</p>
<script src="{live_server.url}/static/widget/shomer-widget.js"
        data-shomer-url="{live_server.url}" data-lang="en" async></script></body></html>"""
    body = html.encode()

    class Shop(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Shop)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    assert "localhost" in live_server.url
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


def test_the_widget_works_embedded_in_another_site(page, other_site):
    page.goto(other_site)
    button = page.get_by_test_id("shomer-widget-button")
    expect(button).to_have_text("Contact us")
    button.click()
    frame = page.frame_locator("iframe[data-testid=shomer-widget-frame]")
    frame.get_by_label("Your name").fill("Daniel Green")
    frame.get_by_label("E-mail").fill("daniel@gmail.com")
    frame.get_by_label("Your message").fill("Do you also maintain WordPress sites?")
    frame.get_by_role("button", name="Send").click()
    # The first message of a run also loads the language models: allow for it.
    expect(frame.get_by_test_id("ticket-number")).to_be_visible(timeout=30_000)
    screenshot(page, "widget-other-site-en")
    assert Ticket.objects.get().channel == Channel.WIDGET


def test_an_agent_logs_a_call_with_a_callback_then_keeps_it(page, dana, support, noa):
    Contact.objects.filter(pk=noa.pk).update(phone="050-1234567")
    ticket = make_ticket(contact=noa, team=support, assignee=dana, subject="תיבת דואר למזכירה")
    log_in(page, "dana")
    page.get_by_role("link", name="שיחות").click()
    expect(page.get_by_role("heading", name="רישום שיחה")).to_be_visible()
    # htmx binds the lookup once the page has loaded; typing before that sends nothing.
    page.wait_for_load_state("load")
    page.get_by_label("מספר טלפון").fill("0501234567")
    expect(page.get_by_test_id("caller-match")).to_contain_text("נועה לוי", timeout=10_000)
    page.get_by_label("משך (דקות)").fill("4")
    page.get_by_label("תוצאה").select_option("follow_up")
    page.get_by_label("סיכום").fill("נועה שואלת מתי תיבת הדואר תהיה מוכנה. הבטחתי לבדוק ולחזור.")
    page.get_by_label("הלקוח ביקש שיחזרו אליו").check()
    screenshot(page, "calls-he")
    page.get_by_role("button", name="רישום השיחה").click()

    page.wait_for_url(f"**/tickets/{ticket.pk}/")
    expect(page.get_by_test_id("thread")).to_contain_text("שיחה מ־050-1234567, 4 דק׳")
    callbacks = page.get_by_test_id("open-callbacks")
    expect(callbacks).to_contain_text("050-1234567")
    screenshot(page, "ticket-callback-he")

    callbacks.get_by_role("link", name="רישום השיחה").click()
    expect(page.get_by_label("שיחה יוצאת (אנחנו התקשרנו)")).to_be_checked()
    page.get_by_label("תוצאה").select_option("resolved")
    page.get_by_label("סיכום").fill("חזרתי לנועה: התיבה פעילה.")
    page.get_by_role("button", name="רישום השיחה").click()
    page.wait_for_url(f"**/tickets/{ticket.pk}/")
    expect(page.get_by_test_id("open-callbacks")).to_have_count(0)
    assert Commitment.objects.get().state == CommitmentState.KEPT

    page.get_by_test_id("switch-language").click()
    page.goto("/calls/")
    expect(page.get_by_role("heading", name="Log a call")).to_be_visible()
    screenshot(page, "calls-en")


def test_the_portal_magic_link_round_trip(page, noa, dana):
    ticket = make_ticket(contact=noa, subject="האתר לא עולה")
    page.goto("/portal/")
    page.wait_for_url("**/portal/sign-in/")
    page.get_by_label("כתובת הדוא״ל שלך").fill("noa@smile.example")
    page.get_by_role("button", name="שלחו לי קישור כניסה").click()
    expect(page.get_by_test_id("sign-in-sent")).to_be_visible()
    screenshot(page, "portal-sign-in-sent-he")

    assert len(mail.outbox) == 1
    link = LINK.search(mail.outbox[0].body)
    assert link is not None
    page.goto(link.group(1))
    page.get_by_test_id("confirm-sign-in").click()
    page.wait_for_url("**/portal/")
    expect(page.get_by_test_id("portal-tickets")).to_contain_text("האתר לא עולה")
    screenshot(page, "portal-home-he")

    page.get_by_role("link", name="האתר לא עולה").click()
    page.get_by_label("התשובה שלך").fill("עדיין לא עובד אצלנו מהמחשב בקבלה.")
    page.get_by_role("button", name="שליחת תשובה").click()
    expect(page.get_by_test_id("thread")).to_contain_text("עדיין לא עובד אצלנו")
    screenshot(page, "portal-ticket-he")
    assert ticket.messages.filter(channel=Channel.PORTAL).count() == 1

    page.goto(link.group(1))
    expect(page.get_by_test_id("link-problem")).to_contain_text("כבר נעשה שימוש בקישור הזה")

    page.goto("/portal/?lang=en")
    expect(page.get_by_role("main").get_by_role("link", name="New request")).to_be_visible()
    screenshot(page, "portal-home-en")
