"""Test mails composed with Python's email package: made-up Hebrew and English customers."""

from __future__ import annotations

from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

SUPPORT = "support@shomer.example"


def compose(
    body: str = "שלום, המדפסת לא עובדת מאז הבוקר.",
    *,
    subject: str = "המדפסת לא עובדת",
    sender: str = "דנה כהן <dana@lakoach.example.co.il>",
    to: str = SUPPORT,
    message_id: str | None = "<m1@lakoach.example.co.il>",
    date: str | None = "Sun, 03 Mar 2024 10:00:00 +0200",
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    if message_id is not None:
        message["Message-ID"] = message_id
    if date is not None:
        message["Date"] = date
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message


def raw(message: EmailMessage | MIMEMultipart | MIMEText) -> bytes:
    return message.as_bytes()


def reply(
    body: str,
    *,
    message_id: str,
    in_reply_to: str | None,
    references: str | None = None,
    subject: str = "Re: Printer",
    sender: str = "dana@lakoach.example.co.il",
    to: str = SUPPORT,
    date: str = "Sun, 03 Mar 2024 10:00:00 +0200",
) -> bytes:
    headers = {}
    if in_reply_to:
        headers["In-Reply-To"] = in_reply_to
    if references:
        headers["References"] = references
    return raw(
        compose(
            body,
            subject=subject,
            sender=sender,
            to=to,
            message_id=message_id,
            date=date,
            headers=headers,
        )
    )
