"""The SMTP/LMTP receiver (aiosmtpd) on a free loopback port, spoken to by smtplib.

The receiver stores from its own thread, so these tests use a real, committed database
(`transactional_db`), as the running server does.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterator

import pytest

from shomer.channels import receiver
from shomer.channels.inbound_email import MAX_MESSAGE_BYTES
from shomer.channels.receiver import InboundHandler, ReceiverController
from shomer.conversations.models import InboundRecord, InboundStatus, Message, Ticket
from tests.channels.mail_corpus import compose, raw
from tests.servers import free_port

pytestmark = pytest.mark.services

SENDER = "noa@smile.example"
SUPPORT = "support@clinic-help.example"


def start(*, lmtp: bool = False) -> tuple[ReceiverController, InboundHandler]:
    handler = InboundHandler(lmtp=lmtp)
    controller = ReceiverController(handler, host="127.0.0.1", port=free_port())
    controller.start()
    return controller, handler


@pytest.fixture
def smtp_receiver(transactional_db) -> Iterator[ReceiverController]:
    controller, handler = start()
    yield controller
    controller.stop()
    handler.close()


def hebrew_mail(number: int = 1, **fields: object) -> bytes:
    values: dict[str, object] = {
        "body": "שלום, לא מצליחה להתחבר לתיבת הדואר מהבוקר.",
        "subject": "לא מצליחה להתחבר",
        "sender": f"נועה לוי <{SENDER}>",
        "message_id": f"<smtp{number}@smile.example>",
    }
    values.update(fields)
    return raw(compose(**values))  # type: ignore[arg-type]


def send(controller: ReceiverController, mail: bytes, recipients: list[str] | None = None) -> dict:
    with smtplib.SMTP(controller.hostname, controller.port, timeout=30) as client:
        return client.sendmail(SENDER, recipients or [SUPPORT], mail)


def test_a_mail_delivered_by_smtp_becomes_a_ticket(smtp_receiver):
    assert send(smtp_receiver, hebrew_mail()) == {}

    ticket = Ticket.objects.get()
    assert ticket.subject == "לא מצליחה להתחבר"
    assert ticket.messages.get().body_text == "שלום, לא מצליחה להתחבר לתיבת הדואר מהבוקר."
    record = InboundRecord.objects.get()
    assert record.source == f"smtp:127.0.0.1 from <{SENDER}> to {SUPPORT}"


def test_the_same_mail_delivered_twice_is_one_message(smtp_receiver):
    send(smtp_receiver, hebrew_mail())
    send(smtp_receiver, hebrew_mail())
    assert Message.objects.count() == 1
    assert InboundRecord.objects.get().status == InboundStatus.CREATED


def test_a_26_mb_mail_is_refused_with_552_when_its_size_is_declared(smtp_receiver):
    huge = hebrew_mail(body="א" * 10) + b"x" * (26 * 1024 * 1024)
    with pytest.raises(smtplib.SMTPSenderRefused) as refused:
        send(smtp_receiver, huge)
    assert refused.value.smtp_code == 552
    assert b"exceeds fixed maximum message size" in refused.value.smtp_error
    assert InboundRecord.objects.count() == 0


def test_a_26_mb_mail_sent_without_declaring_its_size_is_refused_after_data(smtp_receiver):
    huge = hebrew_mail() + (b"y" * 76 + b"\r\n") * (26 * 1024 * 1024 // 78)
    with smtplib.SMTP(smtp_receiver.hostname, smtp_receiver.port, timeout=60) as client:
        client.ehlo()
        assert client.has_extn("size")
        assert int(client.esmtp_features["size"]) == MAX_MESSAGE_BYTES
        client.mail(SENDER)  # no SIZE= parameter
        client.rcpt(SUPPORT)
        code, answer = client.data(huge)
        assert (code, answer) == (552, b"Error: Too much mail data")
        # The session goes on: the next message is taken.
        assert client.sendmail(SENDER, [SUPPORT], hebrew_mail(2)) == {}
    assert InboundRecord.objects.count() == 1
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize(
    "hostile",
    [
        b"\x00\xff\xfe garbage, not a mail\r\n",
        b"Subject: =?utf-8?B?!!!?=\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n"
        + b"--x\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n" * 200,
        b"From: a@b.example\r\nSubject: hi\r\nBcc: victim@c.example\r\n\tinjected\r\n\r\n"
        + b"<script>alert(1)</script>" * 1000,
        b"From: x@y.example\r\n" + b"X-Long: " + b"a" * 60_000 + b"\r\n\r\nbody\r\n",
    ],
    ids=["binary", "deep-nesting", "injection", "long-line"],
)
def test_hostile_input_is_accepted_and_kept_and_the_server_stays_up(smtp_receiver, hostile):
    assert send(smtp_receiver, hostile) == {}
    record = InboundRecord.objects.get()
    # smtplib ends the data with a line break when it has none.
    assert bytes(record.raw) == (hostile if hostile.endswith(b"\r\n") else hostile + b"\r\n")
    assert record.status in (
        InboundStatus.QUARANTINED,
        InboundStatus.CREATED,
        InboundStatus.IGNORED,
    )
    for message in Message.objects.all():
        assert "<script" not in message.body_html
    assert send(smtp_receiver, hebrew_mail(9)) == {}


def test_a_failure_of_our_storage_answers_451_so_the_sender_tries_again(smtp_receiver, monkeypatch):
    def database_down(*args, **kwargs):
        raise ConnectionError("database is down")

    monkeypatch.setattr(receiver, "ingest_email", database_down)
    monkeypatch.setattr(receiver, "quarantine", database_down)

    with pytest.raises(smtplib.SMTPDataError) as refused:
        send(smtp_receiver, hebrew_mail())
    assert refused.value.smtp_code == 451

    monkeypatch.undo()
    assert send(smtp_receiver, hebrew_mail()) == {}
    assert Ticket.objects.count() == 1


def test_lmtp_answers_once_per_recipient(transactional_db):
    controller, handler = start(lmtp=True)
    try:
        with smtplib.LMTP(controller.hostname, controller.port, timeout=30) as client:
            client.ehlo()  # smtplib's LMTP sends LHLO
            client.mail(SENDER)
            client.rcpt(SUPPORT)
            client.rcpt("billing@clinic-help.example")
            # smtplib reads one answer after DATA; LMTP gives one per recipient.
            first = client.data(hebrew_mail())
            second = client.getreply()
            assert first[0] == second[0] == 250
            assert client.noop()[0] == 250  # nothing left unread on the session
    finally:
        controller.stop()
        handler.close()
    assert Ticket.objects.count() == 1
    record = InboundRecord.objects.get()
    assert record.source == (
        f"lmtp:127.0.0.1 from <{SENDER}> to {SUPPORT}, billing@clinic-help.example"
    )


def test_serve_receives_until_it_is_stopped(transactional_db):
    import threading

    from shomer.channels.receiver import serve
    from tests.servers import wait_for_port

    port, stop = free_port(), threading.Event()
    server = threading.Thread(target=serve, args=("127.0.0.1", port), kwargs={"stop": stop})
    server.start()
    try:
        wait_for_port(port)
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
            assert client.sendmail(SENDER, [SUPPORT], hebrew_mail()) == {}
    finally:
        stop.set()
        server.join(timeout=30)
    assert not server.is_alive()
    assert Ticket.objects.count() == 1
