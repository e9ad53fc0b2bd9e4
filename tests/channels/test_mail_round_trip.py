"""An e-mail conversation in Hebrew end to end, through a real IMAP server (Dovecot) and a
real SMTP server: the customer writes, an agent answers on the ticket page, the answer
arrives with the right threading headers, and the customer's reply joins the same ticket.
Also: `shomer mail import` stores an mbox.
"""

from __future__ import annotations

import json
import mailbox
from email.header import decode_header, make_header
from email.message import EmailMessage

import pytest
from django.core.management import call_command

from shomer.channels import imap
from shomer.conversations.models import DeliveryStatus, Direction, InboundRecord, Ticket
from tests.channels.conftest import make_mailbox
from tests.conftest import logged_in

pytestmark = pytest.mark.services


def windows_1255_mail() -> bytes:
    """What Outlook sends: windows-1255, quoted-printable, an RFC 2047 subject."""
    body = 'שלום,\r\nהחשבונית של חודש מרץ הגיעה עם סכום שגוי: 1,250 ש"ח במקום 1,000.\r\nתודה, נועה'
    return (
        b"From: =?windows-1255?B?" + _b64("נועה לוי") + b"?= <noa@smile.example>\r\n"
        b"To: support@clinic-help.example\r\n"
        b"Subject: =?windows-1255?B?" + _b64("חשבונית לחודש מרץ") + b"?=\r\n"
        b"Message-ID: <outlook-1@smile.example>\r\n"
        b"Date: Sun, 03 Mar 2024 10:00:00 +0200\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: text/plain; charset="windows-1255"\r\n'
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n" + _qp(body)
    )


def _b64(text: str) -> bytes:
    import base64

    return base64.b64encode(text.encode("cp1255"))


def _qp(text: str) -> bytes:
    import quopri

    return quopri.encodestring(text.encode("cp1255"))


def customer_answer(reply_id: str, subject: str) -> bytes:
    """The customer's answer from a Gmail-like client: In-Reply-To our reply, quoting it."""
    answer = EmailMessage()
    answer["From"] = "נועה לוי <noa@smile.example>"
    answer["To"] = "support@clinic-help.example"
    answer["Subject"] = f"Re: {subject}"
    answer["Message-ID"] = "<gmail-2@smile.example>"
    answer["In-Reply-To"] = reply_id
    answer["References"] = f"<outlook-1@smile.example> {reply_id}"
    answer.set_content(
        "תודה רבה! עכשיו הסכום נכון.\n\n"
        "בתאריך יום ב׳, 4 במרץ 2024 ב-09:12, דנה כרמי <support@clinic-help.example> כתב/ה:\n"
        "> שלום נועה,\n> תיקנו את החשבונית.\n"
    )
    return answer.as_bytes()


def test_a_hebrew_mail_conversation_end_to_end(
    dovecot,
    imap_account,
    customer_box,
    smtp_outbound,
    support,
    dana,
    noa,
    django_capture_on_commit_callbacks,
):
    mailbox_row = make_mailbox(dovecot, imap_account, team=support)
    customer_box.append(windows_1255_mail(), "INBOX")

    # 1. The poll opens a ticket for the support team.
    first_poll = imap.do_poll(imap.claim(mailbox_row.pk))
    assert first_poll.statuses == {"created": 1}
    ticket = Ticket.objects.get()
    assert (ticket.subject, ticket.team, ticket.contact) == ("חשבונית לחודש מרץ", support, noa)
    assert ticket.messages.get().body_text.startswith("שלום,\nהחשבונית של חודש מרץ הגיעה")

    # 2. Dana answers on the ticket page; the mail goes out after commit.
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(dana).post(
            f"/tickets/{ticket.pk}/reply/",
            {"body": "שלום נועה,\nתיקנו את החשבונית.", "status": "pending"},
        )
    assert response.status_code == 302
    reply = ticket.messages.get(direction=Direction.OUTBOUND)
    assert reply.delivery_status == DeliveryStatus.SENT

    # 3. The SMTP server has it, threaded to the customer's mail, the subject readable.
    [sent] = smtp_outbound.messages()
    assert sent["In-Reply-To"] == "<outlook-1@smile.example>"
    assert sent["Message-ID"] == f"<{reply.idempotency_key}>"
    subject = str(make_header(decode_header(sent["Subject"])))
    assert subject == f"Re: חשבונית לחודש מרץ [#{ticket.pk}]"

    # 4. Her answer (In-Reply-To our reply) arrives in the mailbox and joins the ticket.
    customer_box.append(customer_answer(sent["Message-ID"], subject), "INBOX")
    second_poll = imap.do_poll(imap.claim(mailbox_row.pk))

    assert second_poll.statuses == {"appended": 1}
    assert Ticket.objects.count() == 1
    ticket.refresh_from_db()
    assert ticket.status == "open"  # the customer's answer reopens a pending ticket
    texts = list(ticket.messages.order_by("created_at", "id").values_list("direction", "body_text"))
    assert texts[-1] == ("inbound", "תודה רבה! עכשיו הסכום נכון.")
    assert [direction for direction, _ in texts] == ["inbound", "outbound", "inbound"]


def test_mail_import_without_dry_run_stores_an_mbox(tmp_path, capsys, noa):
    box = mailbox.mbox(tmp_path / "export.mbox")
    first = EmailMessage()
    first["From"] = "נועה לוי <noa@smile.example>"
    first["Subject"] = "גיבוי לא רץ"
    first["Message-ID"] = "<mbox-1@smile.example>"
    first.set_content("הגיבוי הלילי לא רץ כבר שלושה ימים.")
    second = EmailMessage()
    second["From"] = "noa@smile.example"
    second["Subject"] = "Re: גיבוי לא רץ"
    second["Message-ID"] = "<mbox-2@smile.example>"
    second["In-Reply-To"] = "<mbox-1@smile.example>"
    second.set_content("עדיין לא רץ.")
    box.add(first)
    box.add(second)
    box.add(b"not a mail at all\n")
    box.flush()

    call_command("mail", "import", str(tmp_path / "export.mbox"), "--json")

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(line["source"].rpartition("#")[2], line["status"]) for line in lines] == [
        ("1", "created"),
        ("2", "appended"),
        ("3", "quarantined"),
    ]
    ticket = Ticket.objects.get()
    assert ticket.message_count == 2
    assert lines[0]["ticket_id"] == lines[1]["ticket_id"] == ticket.pk
    assert InboundRecord.objects.get(status="quarantined").reason == "no mail headers found"

    # Importing the same file again stores nothing twice.
    call_command("mail", "import", str(tmp_path / "export.mbox"), "--json")
    again = [json.loads(line)["status"] for line in capsys.readouterr().out.splitlines()]
    assert again == ["duplicate", "duplicate", "quarantined"]
    assert Ticket.objects.get().message_count == 2
