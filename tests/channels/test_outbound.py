"""Agents' replies by e-mail, sent through Django's SMTP backend to a real SMTP server."""

from __future__ import annotations

from email.header import decode_header, make_header
from email.message import Message as MailMessage

import pytest

from shomer.channels import outbound
from shomer.conversations.models import DeliveryStatus, Message
from shomer.conversations.services import do_add_note, do_reply
from shomer.customers.models import Contact
from tests.channels.mail_servers import SmtpSink
from tests.conftest import logged_in, make_ticket

pytestmark = pytest.mark.services


def header(mail: MailMessage, name: str) -> str:
    return str(make_header(decode_header(mail[name])))


def ids(value: str) -> str:
    """A list of ids as one line (long ones are folded over several)."""
    return " ".join(value.split())


def parts(mail: MailMessage) -> dict[str, str]:
    found = {}
    for part in mail.walk():
        if part.get_content_maintype() == "text":
            text = part.get_payload(decode=True).decode(part.get_content_charset())
            found[part.get_content_type()] = text.replace("\r\n", "\n")
    return found


def reply_and_send(ticket, author, body, django_capture_on_commit_callbacks, **extra) -> Message:
    with django_capture_on_commit_callbacks(execute=True):
        message = do_reply(ticket, body_text=body, author=author, **extra)
    message.refresh_from_db()
    return message


@pytest.fixture
def inbound_ticket(noa, support, dana):
    return make_ticket(
        subject="האתר לא עולה",
        body="שלום, האתר לא נטען מהבוקר.",
        contact=noa,
        team=support,
        assignee=dana,
        idempotency_key="first@smile.example",
    )


def test_a_reply_is_sent_with_threading_headers_and_a_hebrew_subject(
    inbound_ticket, dana, smtp_outbound: SmtpSink, django_capture_on_commit_callbacks
):
    message = reply_and_send(
        inbound_ticket, dana, "שלום נועה,\nבדקנו ותיקנו.", django_capture_on_commit_callbacks
    )

    assert message.delivery_status == DeliveryStatus.SENT
    assert message.sent_at is not None
    [(_sender, recipients, raw)] = smtp_outbound.received
    assert recipients == ["noa@smile.example"]
    mail = smtp_outbound.messages()[0]
    assert mail["Message-ID"] == f"<{message.idempotency_key}>"
    assert message.idempotency_key.endswith("@clinic-help.example")
    assert mail["In-Reply-To"] == "<first@smile.example>"
    assert mail["References"] == "<first@smile.example>"
    assert header(mail, "Subject") == f"Re: האתר לא עולה [#{inbound_ticket.pk}]"
    assert mail["Subject"].startswith("=?utf-8?")  # RFC 2047, not raw 8-bit
    assert header(mail, "From") == "שומר תמיכה <support@clinic-help.example>"
    assert header(mail, "To") == "נועה לוי <noa@smile.example>"
    headers = raw.partition(b"\r\n\r\n")[0]
    assert headers.isascii()


def test_the_body_is_right_to_left_html_with_a_plain_text_alternative_and_the_logo(
    inbound_ticket, dana, smtp_outbound, django_capture_on_commit_callbacks
):
    reply_and_send(
        inbound_ticket, dana, "שלום נועה,\nבדקנו <b>ותיקנו</b>.", django_capture_on_commit_callbacks
    )

    mail = smtp_outbound.messages()[0]
    texts = parts(mail)
    assert texts["text/plain"].startswith(
        "שלום נועה,\nבדקנו <b>ותיקנו</b>.\n\nדנה כרמי\nשומר תמיכה"
    )
    html = texts["text/html"]
    assert '<html lang="he" dir="rtl">' in html
    assert "text-align:right" in html
    assert "בדקנו &lt;b&gt;ותיקנו&lt;/b&gt;." in html  # the agent's text is text
    assert "שומר תמיכה" in html
    assert 'src="cid:logo@shomer"' in html
    images = [part for part in mail.walk() if part.get_content_type() == "image/png"]
    assert [image["Content-ID"] for image in images] == ["<logo@shomer>"]
    assert images[0].get_payload(decode=True) == outbound.DEFAULT_LOGO.read_bytes()
    assert mail.get_content_type() == "multipart/related"
    # The customer's message is quoted under the reply, with an attribution the inbound
    # parser recognises, so their answer is stored without it.
    assert "> שלום, האתר לא נטען מהבוקר." in texts["text/plain"]


def test_the_business_logo_goes_in_as_its_own_image_type(
    inbound_ticket, dana, smtp_outbound, django_capture_on_commit_callbacks, settings, tmp_path
):
    jpeg = b"\xff\xd8\xff\xe0" + b"JFIF-bytes-of-the-clinic-logo"
    (tmp_path / "clinic.jpg").write_bytes(jpeg)
    settings.SHOMER_LOGO_PATH = str(tmp_path / "clinic.jpg")
    reply_and_send(inbound_ticket, dana, "שלום נועה", django_capture_on_commit_callbacks)

    [image] = [
        part
        for part in smtp_outbound.messages()[0].walk()
        if part.get_content_maintype() == "image"
    ]
    assert image.get_content_type() == "image/jpeg"
    assert image.get_payload(decode=True) == jpeg
    assert image.get_filename() == "logo.jpeg"


def test_a_logo_that_is_not_an_image_is_left_out_and_the_reply_still_goes(
    inbound_ticket, dana, smtp_outbound, django_capture_on_commit_callbacks, settings, tmp_path
):
    (tmp_path / "logo.png").write_text("<svg>not what a mail client shows</svg>")
    settings.SHOMER_LOGO_PATH = str(tmp_path / "logo.png")
    message = reply_and_send(inbound_ticket, dana, "שלום נועה", django_capture_on_commit_callbacks)

    assert message.delivery_status == DeliveryStatus.SENT
    mail = smtp_outbound.messages()[0]
    assert not [part for part in mail.walk() if part.get_content_maintype() == "image"]
    assert "cid:logo@shomer" not in parts(mail)["text/html"]


def test_an_english_customer_gets_left_to_right_english(
    support, dana, smtp_outbound, django_capture_on_commit_callbacks, clinic
):
    sarah = Contact.objects.create(
        customer=clinic, name="Sarah Miller", email="sarah@smile.example", language="en"
    )
    ticket = make_ticket(subject="Printer down", body="It shows 0x61.", contact=sarah, team=support)
    reply_and_send(ticket, dana, "Hi Sarah, fixed.", django_capture_on_commit_callbacks)

    texts = parts(smtp_outbound.messages()[0])
    assert '<html lang="en" dir="ltr">' in texts["text/html"]
    assert "text-align:left" in texts["text/html"]
    assert f"Ticket #{ticket.pk}. To add to it, reply to this e-mail." in texts["text/plain"]


def test_the_team_address_is_the_sender_when_the_team_has_one(
    inbound_ticket, support, dana, smtp_outbound, django_capture_on_commit_callbacks
):
    support.email = "tmicha@clinic-help.example"
    support.save()
    reply_and_send(inbound_ticket, dana, "בוצע.", django_capture_on_commit_callbacks)
    assert smtp_outbound.received[0][0] == "tmicha@clinic-help.example"


def test_a_default_sender_with_a_display_name_is_used_by_its_address(
    inbound_ticket, dana, smtp_outbound, settings, django_capture_on_commit_callbacks
):
    settings.DEFAULT_FROM_EMAIL = "Clinic Help <help@clinic-help.example>"
    message = reply_and_send(inbound_ticket, dana, "בוצע.", django_capture_on_commit_callbacks)

    assert smtp_outbound.received[0][0] == "help@clinic-help.example"
    assert header(smtp_outbound.messages()[0], "From") == "שומר תמיכה <help@clinic-help.example>"
    assert message.idempotency_key.endswith("@clinic-help.example")


def test_references_name_the_whole_thread_and_in_reply_to_the_latest_customer_message(
    inbound_ticket, dana, smtp_outbound, django_capture_on_commit_callbacks
):
    first = reply_and_send(inbound_ticket, dana, "בודקים.", django_capture_on_commit_callbacks)
    from shomer.conversations.services import do_add_message

    do_add_message(
        inbound_ticket,
        direction="inbound",
        body_text="עדיין לא.",
        contact=inbound_ticket.contact,
        idempotency_key="second@smile.example",
    )
    reply_and_send(inbound_ticket, dana, "עכשיו?", django_capture_on_commit_callbacks)

    mail = smtp_outbound.messages()[1]
    assert mail["In-Reply-To"] == "<second@smile.example>"
    assert ids(mail["References"]) == (
        f"<first@smile.example> <{first.idempotency_key}> <second@smile.example>"
    )
    assert header(mail, "Subject") == f"Re: האתר לא עולה [#{inbound_ticket.pk}]"


def test_an_internal_note_is_never_sent(
    inbound_ticket, dana, smtp_outbound, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        note = do_add_note(inbound_ticket, body_text="הלקוחה עצבנית, לטפל בעדינות", author=dana)
    note.refresh_from_db()
    assert note.delivery_status == ""
    assert outbound.deliver(note.pk) == ""
    assert smtp_outbound.received == []


def test_a_customer_without_an_address_gets_no_mail(
    support, dana, smtp_outbound, django_capture_on_commit_callbacks, clinic
):
    phone_only = Contact.objects.create(customer=clinic, name="אבי", phone="+972501234567")
    ticket = make_ticket(contact=phone_only, team=support, channel="phone")
    message = reply_and_send(ticket, dana, "חזרנו אליך בטלפון.", django_capture_on_commit_callbacks)
    assert (message.delivery_status, message.idempotency_key) == ("", None)
    assert smtp_outbound.received == []


def test_a_refused_mail_is_retried_and_shown_on_the_message_until_it_is_sent(
    inbound_ticket, dana, smtp_outbound, django_capture_on_commit_callbacks
):
    smtp_outbound.fail_next = 1
    message = reply_and_send(inbound_ticket, dana, "שלום", django_capture_on_commit_callbacks)

    assert message.delivery_status == DeliveryStatus.RETRYING
    assert message.delivery_error.startswith("SMTPDataError: (451, b'4.3.0 Try again later')")
    page = logged_in(dana).get(inbound_ticket.get_absolute_url()).content.decode()
    assert f'data-testid="delivery-{message.pk}"' in page
    assert "4.3.0 Try again later" in page

    assert outbound.deliver(message.pk, attempt=2) == DeliveryStatus.SENT
    message.refresh_from_db()
    assert (message.delivery_status, message.delivery_error) == (DeliveryStatus.SENT, "")
    assert len(smtp_outbound.received) == 1
    # Safe to run twice: a sent reply is not sent again.
    assert outbound.deliver(message.pk, attempt=3) == DeliveryStatus.SENT
    assert len(smtp_outbound.received) == 1


def test_the_last_attempt_marks_the_reply_failed(
    inbound_ticket, dana, smtp_outbound, django_capture_on_commit_callbacks
):
    smtp_outbound.fail_next = 2
    message = reply_and_send(inbound_ticket, dana, "שלום", django_capture_on_commit_callbacks)

    status = outbound.deliver(message.pk, attempt=outbound.MAX_ATTEMPTS)

    assert status == DeliveryStatus.FAILED
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.FAILED
    assert smtp_outbound.received == []


def test_a_server_that_is_down_is_a_transient_failure(inbound_ticket, dana, settings, db):
    from tests.servers import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    message = do_reply(inbound_ticket, body_text="שלום", author=dana)
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.PENDING

    assert outbound.deliver(message.pk) == DeliveryStatus.RETRYING
    message.refresh_from_db()
    assert message.delivery_error.startswith("ConnectionRefusedError")


@pytest.mark.parametrize(
    ("attempt", "seconds"), [(1, 60), (2, 300), (3, 900), (4, 3600), (5, 10800)]
)
def test_retries_wait_longer_each_time(attempt, seconds):
    assert outbound.retry_delay(attempt) == seconds


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("האתר לא עולה", "Re: האתר לא עולה [#7]"),
        ("Re: האתר לא עולה", "Re: האתר לא עולה [#7]"),
        ("השב: האתר לא עולה [#7]", "השב: האתר לא עולה [#7]"),
        ("Invoice [#3]", "Re: Invoice [#3] [#7]"),
        ("", "Re: #7 [#7]"),
    ],
)
def test_the_reply_subject_carries_the_ticket_token_once(subject, expected):
    from shomer.conversations.models import Ticket

    assert outbound.reply_subject(Ticket(pk=7, subject=subject)) == expected
