"""The e-mail adapter: raw mail → the one pipeline, quarantine, rate limit, retry."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from shomer.channels.inbound_email import (
    RATE_LIMIT_MESSAGES,
    inbound_from_email,
    ingest_email,
    mailbox_source,
    message_key,
    raw_key,
)
from shomer.channels.models import Mailbox
from shomer.conversations.ingest import retry
from shomer.conversations.models import (
    Direction,
    InboundRecord,
    InboundStatus,
    Message,
    Ticket,
)
from shomer.customers.models import Contact
from tests.channels.mail_corpus import compose, raw, reply

DATA = Path(__file__).parent / "data"


def noa_mail(**fields) -> bytes:
    values = {
        "body": "שלום, האתר של המרפאה לא נטען מהבוקר.\nתודה, נועה",
        "subject": "האתר לא עולה",
        "sender": "נועה לוי <noa@smile.example>",
        "message_id": "<n1@smile.example>",
    }
    values.update(fields)
    return raw(compose(**values))


def test_a_customer_mail_opens_a_ticket_with_its_message_and_raw(noa):
    mail = noa_mail()
    result = ingest_email(mail, source="inbox/1.eml")

    assert result.status == InboundStatus.CREATED
    ticket = Ticket.objects.get(pk=result.ticket_id)
    assert (ticket.subject, ticket.contact, ticket.channel) == ("האתר לא עולה", noa, "email")
    message = ticket.messages.get()
    assert message.body_text == "שלום, האתר של המרפאה לא נטען מהבוקר.\nתודה, נועה"
    assert message.idempotency_key == "n1@smile.example"
    assert bytes(message.raw) == mail
    record = InboundRecord.objects.get()
    assert (record.source, record.status) == ("inbox/1.eml", "created")


def test_the_same_mail_delivered_twice_is_one_message(noa):
    first = ingest_email(noa_mail())
    second = ingest_email(noa_mail())

    assert second.status == InboundStatus.DUPLICATE
    assert second.ticket_id == first.ticket_id
    assert Message.objects.count() == 1


def test_a_reply_threads_by_in_reply_to_and_its_quoted_history_is_dropped(noa):
    first = ingest_email(noa_mail())
    answer = reply(
        "עדיין לא עובד.\n\nבתאריך יום א׳, 3 במרץ 2024, נועה לוי <noa@smile.example> כתב/ה:\n> שלום",
        message_id="<n2@smile.example>",
        in_reply_to="<n1@smile.example>",
        subject="Re: האתר לא עולה",
        sender="noa@smile.example",
    )
    second = ingest_email(answer)

    assert (second.status, second.ticket_id) == (InboundStatus.APPENDED, first.ticket_id)
    assert Message.objects.get(pk=second.message_id).body_text == "עדיין לא עובד."


def test_the_ticket_token_threads_a_mail_without_headers(noa):
    first = ingest_email(noa_mail())
    again = ingest_email(
        noa_mail(message_id="<n3@smile.example>", subject=f"עדכון [#{first.ticket_id}]")
    )
    assert again.ticket_id == first.ticket_id


def test_an_auto_reply_is_ignored_and_opens_no_ticket(noa):
    result = ingest_email(
        noa_mail(
            subject="מענה אוטומטי: האתר לא עולה",
            headers={"Auto-Submitted": "auto-replied"},
        )
    )
    assert result.status == InboundStatus.IGNORED
    assert Ticket.objects.count() == 0
    assert "Auto-Submitted" in InboundRecord.objects.get().reason


def test_a_bounce_opens_no_ticket(db):
    bounce = (DATA / "bounce.eml").read_bytes()
    assert inbound_from_email(bounce).is_automatic
    assert ingest_email(bounce).status == InboundStatus.IGNORED
    assert Ticket.objects.count() == 0


def test_an_auto_reply_to_a_ticket_is_kept_as_a_note_on_it(noa):
    first = ingest_email(noa_mail())
    result = ingest_email(
        noa_mail(
            message_id="<ooo@smile.example>",
            subject="Out of Office: האתר לא עולה",
            headers={"Auto-Submitted": "auto-replied", "In-Reply-To": "<n1@smile.example>"},
        )
    )
    assert (result.status, result.ticket_id) == (InboundStatus.IGNORED, first.ticket_id)
    assert Message.objects.get(pk=result.message_id).direction == Direction.NOTE


def test_html_is_sanitised_before_it_is_stored(noa):
    result = ingest_email((DATA / "html_only_script.eml").read_bytes())
    message = Message.objects.get(pk=result.message_id)
    assert "<script" not in message.body_html.lower()
    assert "onerror" not in message.body_html.lower()
    assert message.body_text


def test_an_unparseable_mail_is_quarantined_raw_once(db):
    garbage = b"\x00\x01 not a mail at all"
    first = ingest_email(garbage, source="bad.eml")
    second = ingest_email(garbage, source="bad.eml")

    assert first.status == second.status == InboundStatus.QUARANTINED
    record = InboundRecord.objects.get()
    assert record.idempotency_key == raw_key(garbage)
    assert bytes(record.raw) == garbage
    assert record.reason == "no mail headers found"
    assert Ticket.objects.count() == 0


def test_retrying_an_unparseable_mail_says_why_it_still_fails(db):
    ingest_email(b"   \n  ")
    record = InboundRecord.objects.get()
    assert record.reason == "empty message"


def test_a_sender_past_the_rate_limit_is_quarantined_and_an_admin_retry_stores_it(noa):
    now = timezone.now()
    for number in range(RATE_LIMIT_MESSAGES):
        result = ingest_email(
            noa_mail(message_id=f"<loop{number}@smile.example>", subject=f"בדיקה {number}"),
            now=now,
        )
        assert result.status in (InboundStatus.CREATED, InboundStatus.APPENDED)
    over = ingest_email(noa_mail(message_id="<loop-over@smile.example>"), now=now)

    assert over.status == InboundStatus.QUARANTINED
    record = InboundRecord.objects.get(idempotency_key="loop-over@smile.example")
    assert record.reason.startswith("rate limited: more than 20 messages from noa@smile.example")
    assert Message.objects.count() == RATE_LIMIT_MESSAGES

    later = ingest_email(
        noa_mail(message_id="<after@smile.example>"), now=now + timedelta(minutes=11)
    )
    assert later.status != InboundStatus.QUARANTINED

    retried = retry(record)
    assert retried.status in (InboundStatus.CREATED, InboundStatus.APPENDED)
    assert Message.objects.filter(idempotency_key="loop-over@smile.example").count() == 1


def test_the_rate_limit_counts_one_sender_only(noa, clinic):
    now = timezone.now()
    for number in range(RATE_LIMIT_MESSAGES):
        ingest_email(noa_mail(message_id=f"<many{number}@smile.example>"), now=now)
    other = ingest_email(
        noa_mail(sender="אבי <avi@smile.example>", message_id="<avi1@smile.example>"), now=now
    )
    assert other.status == InboundStatus.APPENDED or other.status == InboundStatus.CREATED


def test_a_long_message_id_is_hashed_the_same_way_in_references(noa):
    long_id = "x" * 400 + "@smile.example"
    first = ingest_email(noa_mail(message_id=f"<{long_id}>"))
    # Written by hand: the email package would fold the long id into encoded words.
    answer = (
        "From: noa@smile.example\r\nTo: support@shomer.example\r\nSubject: Re: x\r\n"
        f"Message-ID: <n9@smile.example>\r\nIn-Reply-To: <{long_id}>\r\n\r\nועוד משהו\r\n"
    ).encode()
    second = ingest_email(answer)
    assert second.ticket_id == first.ticket_id
    assert len(message_key(long_id)) <= 300


def test_a_mailbox_source_routes_a_retried_mail_to_the_mailbox_team(noa, support):
    mailbox = Mailbox.objects.create(
        name="תמיכה", host="127.0.0.1", username="support", password_env="X", team=support
    )
    inbound = inbound_from_email(noa_mail(), mailbox_source(mailbox.pk, "INBOX", "7"))
    assert inbound.team_id == support.pk


def test_a_mailbox_team_is_the_team_of_the_new_ticket(noa, support):
    result = ingest_email(noa_mail(), team_id=support.pk)
    assert Ticket.objects.get(pk=result.ticket_id).team == support


def test_a_new_sender_gets_a_contact_in_the_language_of_the_mail(db):
    result = ingest_email(
        noa_mail(
            sender="Sarah Miller <sarah@shop.example.net>",
            body="Hello, the printer in our office has been down since this morning.",
            subject="Printer down",
        )
    )
    contact = Contact.objects.get(email="sarah@shop.example.net")
    assert (contact.name, contact.language) == ("Sarah Miller", "en")
    assert Ticket.objects.get(pk=result.ticket_id).contact == contact


@pytest.mark.parametrize(
    "name",
    ["outlook_hebrew_1255.eml", "visual_iso_8859_8.eml", "logical_iso_8859_8_i.eml"],
)
def test_hebrew_charsets_are_stored_as_readable_text(db, name):
    result = ingest_email((DATA / name).read_bytes())
    assert result.status == InboundStatus.CREATED
    text = Message.objects.get(pk=result.message_id).body_text
    assert any("\u05d0" <= char <= "\u05ea" for char in text)
    assert "\ufffd" not in text
