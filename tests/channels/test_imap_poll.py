"""IMAP polling against a real Dovecot: tickets from mail, marks, moves, failures."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from shomer.channels import imap
from shomer.channels.models import AfterPoll, Mailbox, Security
from shomer.channels.tasks import poll_mailboxes
from shomer.conversations.models import InboundRecord, InboundStatus, Message, Ticket
from tests.channels.conftest import make_mailbox
from tests.channels.mail_corpus import compose, raw
from tests.channels.mail_servers import start_dovecot, stop_dovecot
from tests.servers import free_port

pytestmark = pytest.mark.services

NOT_A_MAIL = b"this line is not a mail header, and nothing after it is a mail either\r\n"


def customer_mail(number: int, **fields: object) -> bytes:
    values: dict[str, object] = {
        "body": f"שלום, ההזמנה מספר {4820 + number} עוד לא הגיעה. מתי תגיע?",
        "subject": f"הזמנה {4820 + number} לא הגיעה",
        "sender": "נועה לוי <noa@smile.example>",
        "message_id": f"<order{number}@smile.example>",
    }
    values.update(fields)
    return raw(compose(**values))  # type: ignore[arg-type]


def flags(box, folder: str = "INBOX") -> dict[str, tuple[str, ...]]:
    box.folder.set(folder)
    return {message.uid: message.flags for message in box.fetch(mark_seen=False)}


def test_a_poll_turns_each_unread_mail_into_a_ticket_of_the_mailbox_team(
    dovecot, imap_account, customer_box, support, noa
):
    customer_box.append(customer_mail(1), "INBOX")
    customer_box.append(customer_mail(2), "INBOX")
    mailbox = make_mailbox(dovecot, imap_account, team=support)

    result = imap.do_poll(imap.claim(mailbox.pk))

    assert (result.error, result.fetched, result.statuses) == ("", 2, {"created": 2})
    tickets = Ticket.objects.order_by("pk")
    assert [t.subject for t in tickets] == ["הזמנה 4821 לא הגיעה", "הזמנה 4822 לא הגיעה"]
    assert {t.team for t in tickets} == {support}
    assert {t.contact for t in tickets} == {noa}
    assert InboundRecord.objects.get(message__ticket=tickets[0]).source == (
        f"imap:{mailbox.pk}:INBOX#1"
    )
    assert all("\\Seen" in value for value in flags(customer_box).values())
    mailbox.refresh_from_db()
    assert mailbox.last_error == ""
    assert mailbox.last_polled_at is not None
    assert mailbox.claimed_until is None


def test_read_mail_is_not_read_again_and_the_same_mail_twice_is_one_message(
    dovecot, imap_account, customer_box, noa
):
    customer_box.append(customer_mail(1), "INBOX")
    mailbox = make_mailbox(dovecot, imap_account)
    imap.do_poll(imap.claim(mailbox.pk))

    nothing_new = imap.do_poll(imap.claim(mailbox.pk))
    # The same message delivered again (a second copy in the box) is a duplicate.
    customer_box.append(customer_mail(1), "INBOX")
    again = imap.do_poll(imap.claim(mailbox.pk))

    assert nothing_new.fetched == 0
    assert again.statuses == {"duplicate": 1}
    assert Message.objects.count() == 1
    assert Ticket.objects.count() == 1


def test_a_broken_mail_in_the_middle_is_quarantined_and_the_mail_after_it_is_stored(
    dovecot, imap_account, customer_box, noa
):
    customer_box.append(customer_mail(1), "INBOX")
    customer_box.append(NOT_A_MAIL, "INBOX")
    customer_box.append(customer_mail(3), "INBOX")
    mailbox = make_mailbox(dovecot, imap_account)

    result = imap.do_poll(imap.claim(mailbox.pk))

    assert result.statuses == {"created": 2, "quarantined": 1}
    assert result.error == ""
    quarantined = InboundRecord.objects.get(status=InboundStatus.QUARANTINED)
    assert quarantined.reason == "no mail headers found"
    assert bytes(quarantined.raw) == NOT_A_MAIL
    assert quarantined.source == f"imap:{mailbox.pk}:INBOX#2"
    assert Ticket.objects.count() == 2
    # Every message is marked, the broken one too: it never blocks the mailbox.
    assert all("\\Seen" in value for value in flags(customer_box).values())


def test_move_mode_moves_read_mail_to_its_folder(dovecot, imap_account, customer_box, noa):
    customer_box.append(customer_mail(1), "INBOX")
    customer_box.append(NOT_A_MAIL, "INBOX")
    mailbox = make_mailbox(dovecot, imap_account, after_poll=AfterPoll.MOVE, move_to="נקלט")

    result = imap.do_poll(imap.claim(mailbox.pk))

    assert result.fetched == 2
    assert flags(customer_box, "INBOX") == {}
    assert len(flags(customer_box, "נקלט")) == 2


def test_a_message_over_the_size_limit_keeps_its_headers_in_quarantine(
    dovecot, imap_account, customer_box, noa, monkeypatch
):
    big = customer_mail(1, body="גדול " * 4000)
    customer_box.append(big, "INBOX")
    customer_box.append(customer_mail(2), "INBOX")
    monkeypatch.setattr(imap, "MAX_MESSAGE_BYTES", 10_000)
    mailbox = make_mailbox(dovecot, imap_account)

    result = imap.do_poll(imap.claim(mailbox.pk))

    assert result.statuses == {"quarantined": 1, "created": 1}
    record = InboundRecord.objects.get(status=InboundStatus.QUARANTINED)
    stored_size = len(big.replace(b"\n", b"\r\n"))  # IMAP stores CRLF lines
    assert record.reason.startswith(f"message is {stored_size} bytes")
    assert bytes(record.raw).startswith(b"From: ")
    assert b"\r\n\r\n" in bytes(record.raw)
    assert "גדול".encode() not in bytes(record.raw)


def test_a_missing_password_variable_is_the_mailbox_last_error(
    dovecot, imap_account, monkeypatch, db
):
    mailbox = make_mailbox(dovecot, imap_account, password_env="SHOMER_NO_SUCH_VARIABLE")
    monkeypatch.delenv("SHOMER_NO_SUCH_VARIABLE", raising=False)

    result = imap.do_poll(imap.claim(mailbox.pk))

    expected = "MailboxError: the environment variable 'SHOMER_NO_SUCH_VARIABLE' is not set"
    assert result.error == expected
    mailbox.refresh_from_db()
    assert (mailbox.last_error, mailbox.claimed_until) == (expected, None)


def test_a_wrong_password_is_the_mailbox_last_error(monkeypatch, db):
    # A Dovecot of its own: after a failed login Dovecot slows every login from the address
    # for seconds, which the other tests should not pay for.
    server = start_dovecot()
    try:
        mailbox = make_mailbox(server, server.new_account())
        monkeypatch.setenv("SHOMER_TEST_IMAP_PASSWORD", "wrong")

        result = imap.do_poll(imap.claim(mailbox.pk))
    finally:
        stop_dovecot(server)

    assert result.error.startswith("MailboxLoginError")
    assert "AUTHENTICATIONFAILED" in result.error
    assert Mailbox.objects.get().last_error == result.error


def test_a_server_that_does_not_answer_is_the_mailbox_last_error(db):
    mailbox = Mailbox.objects.create(
        name="x",
        host="127.0.0.1",
        port=free_port(),
        username="u",
        password_env="PATH",
        security=Security.NONE,
    )
    result = imap.do_poll(imap.claim(mailbox.pk))
    assert result.error.startswith("ConnectionRefusedError")
    assert Mailbox.objects.get().last_error == result.error


def test_a_mailbox_held_by_one_poll_is_not_claimed_by_another_until_its_lease_ends(db):
    mailbox = Mailbox.objects.create(name="x", host="127.0.0.1", username="u", password_env="P")
    now = timezone.now()

    first = imap.claim(mailbox.pk, now=now)
    second = imap.claim(mailbox.pk, now=now + timedelta(minutes=1))
    after_lease = imap.claim(mailbox.pk, now=now + imap.POLL_LEASE + timedelta(seconds=1))

    assert first is not None
    assert second is None
    assert after_lease is not None


def test_an_inactive_mailbox_is_not_polled_by_the_beat_task(
    dovecot, imap_account, customer_box, db
):
    customer_box.append(customer_mail(1), "INBOX")
    make_mailbox(dovecot, imap_account, is_active=False)

    assert poll_mailboxes() == 0
    assert Ticket.objects.count() == 0


def test_the_beat_task_polls_every_active_mailbox(dovecot, imap_account, customer_box, noa):
    customer_box.append(customer_mail(1), "INBOX")
    make_mailbox(dovecot, imap_account)
    # One that cannot be reached does not stop the other.
    make_mailbox(dovecot, imap_account, name="שבורה", port=free_port())

    assert poll_mailboxes() == 1
    assert Ticket.objects.count() == 1
    assert Mailbox.objects.get(name="שבורה").last_error.startswith("ConnectionRefusedError")


def test_the_poll_command_polls_one_mailbox_and_prints_its_result(
    dovecot, imap_account, customer_box, noa, capsys
):
    customer_box.append(customer_mail(1), "INBOX")
    mailbox = make_mailbox(dovecot, imap_account, is_active=False)

    call_command("mail", "poll", "--mailbox", str(mailbox.pk))

    line = json.loads(capsys.readouterr().out)
    assert line == {
        "mailbox_id": mailbox.pk,
        "fetched": 1,
        "statuses": {"created": 1},
        "error": "",
    }
