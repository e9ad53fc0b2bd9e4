"""The embeddable widget: its frame page, a message, a callback request and its promise."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from shomer.channels.web.tokens import new_form_token
from shomer.commitments.models import Commitment, CommitmentSource, CommitmentState
from shomer.conversations.models import Channel, InboundRecord, Kind, Ticket

pytestmark = pytest.mark.django_db
ISRAEL = ZoneInfo("Asia/Jerusalem")


def message_fields(**extra: str) -> dict[str, str]:
    values = {
        "message-token": new_form_token(),
        "message-name": "Daniel Green",
        "message-email": "daniel@gmail.com",
        "message-phone": "",
        "message-message": "Hi, do you also maintain WordPress sites?",
        "message-website": "",
    }
    values.update(extra)
    return values


def callback_fields(**extra: str) -> dict[str, str]:
    values = {
        "callback-token": new_form_token(),
        "callback-name": "משה פרץ",
        "callback-phone": "054-3322110",
        "callback-day": "asap",
        "callback-start": "10:00",
        "callback-end": "12:00",
        "callback-message": "לגבי החשבונית של חודש מרץ",
        "callback-website": "",
    }
    values.update(extra)
    return values


def test_the_widget_page_may_be_framed_by_any_site_but_other_pages_may_not():
    client = Client()
    widget = client.get("/widget/")
    assert widget.status_code == 200
    assert "X-Frame-Options" not in widget
    assert client.get("/contact/")["X-Frame-Options"] == "DENY"
    assert client.get("/portal/sign-in/")["X-Frame-Options"] == "DENY"


def test_the_widget_page_has_no_inline_script():
    html = Client().get("/widget/?tab=callback").content.decode()
    assert "<script" not in html
    assert "onclick" not in html


def test_the_tabs_keep_the_language_in_their_links():
    html = Client().get("/widget/?lang=en&tab=callback").content.decode()
    assert 'href="?tab=message&amp;lang=en"' in html
    assert 'action="/widget/callback/?lang=en"' in html


def test_a_widget_message_opens_a_widget_ticket_without_a_csrf_cookie():
    client = Client(enforce_csrf_checks=True)  # a third-party frame sends no cookies
    response = client.post("/widget/message/?lang=en", message_fields())
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.WIDGET
    assert ticket.subject == "Hi, do you also maintain WordPress sites?"
    assert ticket.contact.email == "daniel@gmail.com"
    thanks = client.get(response["Location"])
    assert "X-Frame-Options" not in thanks
    assert f"#{ticket.pk}" in thanks.content.decode()


def test_a_callback_request_opens_a_request_ticket_and_an_open_callback():
    now = timezone.now()
    response = Client().post("/widget/callback/", callback_fields())
    assert response.status_code == 302

    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.kind) == (Channel.WIDGET, Kind.REQUEST)
    assert ticket.subject == "בקשה לשיחה חוזרת"
    assert ticket.contact.phone == "054-3322110"
    assert ticket.messages.get().body_text == (
        "נא להתקשר אליי בחזרה למספר 054-3322110 בהקדם האפשרי.\n\nלגבי החשבונית של חודש מרץ"
    )
    callback = Commitment.objects.get()
    assert callback.ticket == ticket
    assert callback.customer == ticket.customer
    assert callback.phone == "+972543322110"
    assert callback.source == CommitmentSource.WIDGET
    assert callback.state == CommitmentState.OPEN
    assert callback.window_start is None
    assert callback.due_at > now


def test_a_callback_window_tomorrow_is_due_at_its_end(monkeypatch):
    # A Sunday morning: tomorrow is a Monday, a working day of the default calendar.
    sunday = dt.datetime(2026, 3, 1, 9, 30, tzinfo=ISRAEL)
    monkeypatch.setattr(timezone, "now", lambda: sunday)
    Client().post("/widget/callback/", callback_fields(**{"callback-day": "tomorrow"}))
    callback = Commitment.objects.get()
    assert callback.window_start == dt.datetime(2026, 3, 2, 10, 0, tzinfo=ISRAEL)
    assert callback.window_end == dt.datetime(2026, 3, 2, 12, 0, tzinfo=ISRAEL)
    assert callback.due_at == callback.window_end
    assert "בין 10:00 ל־12:00" in Ticket.objects.get().messages.get().body_text


def test_a_window_when_the_team_does_not_work_is_refused_with_the_next_opening(monkeypatch):
    # Friday 2026-03-06 afternoon; tomorrow is Saturday: closed all day.
    friday = dt.datetime(2026, 3, 6, 14, 0, tzinfo=ISRAEL)
    monkeypatch.setattr(timezone, "now", lambda: friday)
    response = Client().post(
        "/widget/callback/?lang=en", callback_fields(**{"callback-day": "tomorrow"})
    )
    assert response.status_code == 422
    assert response.context["callback_form"].errors["day"] == [
        "We are closed at that time. We open again on Sunday 8.3 at 09:00."
    ]
    assert response.context["tab"] == "callback"
    assert Ticket.objects.count() == 0
    assert Commitment.objects.count() == 0


def test_a_window_already_over_today_is_refused(monkeypatch):
    evening = dt.datetime(2026, 3, 2, 15, 0, tzinfo=ISRAEL)
    monkeypatch.setattr(timezone, "now", lambda: evening)
    response = Client().post(
        "/widget/callback/?lang=en", callback_fields(**{"callback-day": "today"})
    )
    assert response.context["callback_form"].errors["day"] == [
        "That time has already passed. Please choose a later time."
    ]


def test_the_same_callback_request_twice_is_one_ticket_and_one_promise():
    client = Client()
    data = callback_fields()
    client.post("/widget/callback/", data)
    client.post("/widget/callback/", data)
    assert Ticket.objects.count() == 1
    assert Commitment.objects.count() == 1
    assert InboundRecord.objects.count() == 1


def test_a_callback_without_a_usable_phone_is_refused():
    response = Client().post("/widget/callback/", callback_fields(**{"callback-phone": "12"}))
    assert response.status_code == 422
    assert Commitment.objects.count() == 0


def test_the_honeypot_in_the_widget_stores_nothing():
    response = Client().post(
        "/widget/callback/", callback_fields(**{"callback-website": "https://spam.example"})
    )
    assert response.status_code == 302
    assert Ticket.objects.count() == 0


def test_the_widget_shares_the_rate_limit_of_public_forms():
    client = Client()
    statuses = [client.post("/widget/message/", message_fields()).status_code for _ in range(9)]
    assert statuses[-1] == 429
    assert Ticket.objects.count() == 8


def test_the_config_for_the_embed_script_is_translated_and_readable_by_any_site():
    response = Client().get("/widget/config.json?lang=he")
    assert response["Access-Control-Allow-Origin"] == "*"
    data = json.loads(response.content)
    assert data == {
        "lang": "he",
        "dir": "rtl",
        "open_label": "צרו קשר",
        "close_label": "סגירה",
        "title": "יצירת קשר עם Shomer",
        "frame": "/widget/?lang=he",
    }
    english = json.loads(Client().get("/widget/config.json?lang=en").content)
    assert (english["open_label"], english["dir"]) == ("Contact us", "ltr")


def test_the_embed_script_is_served_as_a_static_file():
    response = Client().get("/static/widget/shomer-widget.js")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"data-shomer-url" in body
