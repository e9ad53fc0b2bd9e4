"""Agents' replies by e-mail: queued on commit, sent by SMTP through Django's mail backend.

`do_send_reply(message)` (called by `conversations.services.do_reply`) gives the reply a
Message-ID of our own, stored as its idempotency key so the customer's answer threads to the
ticket by In-Reply-To, marks it pending and enqueues `tasks.send_reply` after commit. The
task calls `deliver(message_id)`: it builds the mail (`build_reply`), sends it once, and
records the outcome on the message, where the thread shows it. A failure is retried by the
task with growing delays (`RETRY_DELAYS`); after the last one the message is marked failed
with the error. Internal notes never come here.

The mail: From the ticket team's address (else DEFAULT_FROM_EMAIL) under the business's
name; subject "Re: <subject> [#123]"; In-Reply-To the customer's latest message and
References the ticket's earlier messages; a plain-text part and an HTML alternative in the
contact's language (right-to-left for Hebrew), with the business's logo inline (cid:).
"""

from __future__ import annotations

import logging
import re
import secrets
import smtplib
from email.mime.image import MIMEImage
from email.utils import formataddr, parseaddr
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import get_language_bidi

from shomer.channels.email.threads import ticket_token
from shomer.conversations.models import Channel, DeliveryStatus, Direction, Message, Ticket

logger = logging.getLogger(__name__)

# Seconds to wait before each retry: a minute, five, fifteen, an hour, three hours; then the
# message is marked failed (six attempts in all, over about four and a half hours).
RETRY_DELAYS = (60, 300, 900, 3600, 3 * 3600)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# Errors worth trying again (network, refused connection, a 4xx from the server).
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)
# References keep the thread's first message and the latest ones (RFC 5322 §3.6.4).
MAX_REFERENCES = 20
QUOTE_CHARS = 2000
LOGO_CID = "logo@shomer"
DEFAULT_LOGO = Path(__file__).resolve().parent / "static" / "channels" / "logo.png"
_REPLY_PREFIX = re.compile(r"^\s*(?:re|השב|תשובה)\s*:", re.IGNORECASE)


def retry_delay(attempt: int) -> int:
    """Seconds before attempt `attempt + 1`, after `attempt` failed ones (1-based)."""
    return RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1]


def new_message_id() -> str:
    """A Message-ID of ours, without angle brackets (as idempotency keys are stored):
    random, short enough that the header stays on one line."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "shomer.localhost"
    return f"shomer.{secrets.token_hex(12)}@{domain}"


def do_send_reply(message: Message) -> bool:
    """Queue an agent's reply for sending by e-mail, when its customer has an address.

    Precondition: `message` is an outbound reply just stored, inside the caller's
    transaction. Returns whether a mail was queued.
    """
    if message.direction != Direction.OUTBOUND:
        return False
    contact = message.ticket.contact
    if contact is None or not contact.email:
        return False
    message.idempotency_key = message.idempotency_key or new_message_id()
    message.delivery_status = DeliveryStatus.PENDING
    message.save(update_fields=["idempotency_key", "delivery_status"])
    from shomer.channels.tasks import send_reply

    # robust: a broker that is down must not undo the agent's reply; it stays pending.
    transaction.on_commit(lambda: send_reply.delay(message.pk), robust=True)
    return True


def reply_subject(ticket: Ticket) -> str:
    subject = ticket.subject.strip() or f"#{ticket.pk}"
    if not _REPLY_PREFIX.match(subject):
        subject = f"Re: {subject}"
    if ticket_token(subject) != ticket.pk:
        subject = f"{subject} [#{ticket.pk}]"
    return subject


def _thread_keys(message: Message) -> tuple[str | None, list[str]]:
    """(In-Reply-To, References) from the ticket's earlier messages' Message-IDs."""
    earlier = list(
        Message.objects.filter(
            ticket_id=message.ticket_id,
            channel=Channel.EMAIL,
            idempotency_key__contains="@",
            created_at__lte=message.created_at,
        )
        .exclude(pk=message.pk)
        .exclude(direction=Direction.NOTE)
        .order_by("created_at", "id")
        .values_list("idempotency_key", "direction")
    )
    keys = [key for key, _ in earlier]
    inbound = [key for key, direction in earlier if direction == Direction.INBOUND]
    in_reply_to = inbound[-1] if inbound else (keys[-1] if keys else None)
    if len(keys) > MAX_REFERENCES:
        keys = [keys[0], *keys[-(MAX_REFERENCES - 1) :]]
    return in_reply_to, keys


def _quoted(message: Message) -> Message | None:
    """The customer's message this reply answers, to quote under it."""
    return (
        Message.objects.filter(
            ticket_id=message.ticket_id,
            direction=Direction.INBOUND,
            created_at__lte=message.created_at,
        )
        .exclude(pk=message.pk)
        .select_related("contact")
        .order_by("-created_at", "-id")
        .first()
    )


# The image types a mail client shows inline, by their first bytes.
_IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg", b"GIF8": "gif"}


def logo_image() -> MIMEImage | None:
    """The business's logo as an inline part (Content-ID LOGO_CID), or None when the file
    cannot be read or is not a PNG, JPEG or GIF: the mail then goes without it."""
    path = Path(settings.SHOMER_LOGO_PATH or DEFAULT_LOGO).expanduser()
    try:
        data = path.read_bytes()
    except OSError:
        logger.warning("logo %s cannot be read; mail goes without it", path)
        return None
    subtype = next((kind for magic, kind in _IMAGE_TYPES.items() if data.startswith(magic)), None)
    if subtype is None:
        logger.warning("logo %s is not a PNG, JPEG or GIF; mail goes without it", path)
        return None
    image = MIMEImage(data, subtype)
    image.add_header("Content-ID", f"<{LOGO_CID}>")
    image.add_header("Content-Disposition", "inline", filename=f"logo.{subtype}")
    return image


def _agent_name(message: Message) -> str:
    author = message.author
    if author is None:
        return ""
    return author.get_full_name() or author.get_username()


def _sender_name(message: Message) -> str:
    contact = message.contact
    return (contact.name or contact.email) if contact else ""


def build_reply(message: Message) -> EmailMultiAlternatives:
    """The e-mail for an agent's reply (not sent)."""
    ticket = message.ticket
    contact = ticket.contact
    if contact is None or not contact.email:
        raise ValueError(f"ticket {ticket.pk} has no contact with an e-mail address")
    language = contact.language if contact.language in ("he", "en") else settings.LANGUAGE_CODE
    in_reply_to, references = _thread_keys(message)
    quoted = _quoted(message)
    logo = logo_image()
    subject = reply_subject(ticket)
    quoted_text = quoted.body_text[:QUOTE_CHARS].strip() if quoted else ""
    with translation.override(language):
        bidi = get_language_bidi()
        context = {
            "message": message,
            "ticket": ticket,
            "subject": subject,
            "agent": message.author,
            "agent_name": _agent_name(message),
            "business_name": settings.SHOMER_BUSINESS_NAME,
            "language": language,
            # Mail clients ignore logical CSS properties: physical sides from the language.
            "direction": "rtl" if bidi else "ltr",
            "align": "right" if bidi else "left",
            "quoted": quoted,
            "quoted_name": _sender_name(quoted) if quoted else "",
            "quoted_date": (
                formats.date_format(timezone.localtime(quoted.created_at), "DATETIME_FORMAT")
                if quoted
                else ""
            ),
            "quoted_text": quoted_text,
            "quoted_block": "\n".join(f"> {line}".rstrip() for line in quoted_text.splitlines()),
            "logo_cid": LOGO_CID if logo else None,
        }
        text = render_to_string("channels/email/reply.txt", context)
        html = render_to_string("channels/email/reply.html", context)
    headers = {"Message-ID": f"<{message.idempotency_key}>", "X-Shomer-Ticket": str(ticket.pk)}
    if in_reply_to:
        headers["In-Reply-To"] = f"<{in_reply_to}>"
        headers["References"] = " ".join(f"<{key}>" for key in references)
    # DEFAULT_FROM_EMAIL may be "Name <address>": the address only, under our name.
    sender = parseaddr((ticket.team.email if ticket.team else "") or settings.DEFAULT_FROM_EMAIL)[1]
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=formataddr((settings.SHOMER_BUSINESS_NAME, sender)),
        to=[formataddr((contact.name, contact.email))],
        headers=headers,
    )
    email.attach_alternative(html, "text/html")
    if logo:
        # multipart/related around the alternatives: the HTML finds the logo by cid.
        email.mixed_subtype = "related"
        email.attach(logo)
    return email


def deliver(message_id: int, *, attempt: int = 1) -> str:
    """Send a pending reply once and record the outcome; the new delivery status.

    `attempt` counts from 1; a transient failure on the last attempt marks it failed.
    Safe to run twice: a reply already sent (or not meant for e-mail) is left alone.
    """
    message = (
        Message.objects.select_related("ticket__contact", "ticket__team", "author")
        .filter(pk=message_id)
        .first()
    )
    if message is None or message.delivery_status not in (
        DeliveryStatus.PENDING,
        DeliveryStatus.RETRYING,
    ):
        return message.delivery_status if message else ""
    try:
        build_reply(message).send(fail_silently=False)
    except TRANSIENT_ERRORS as error:
        final = attempt >= MAX_ATTEMPTS
        status = DeliveryStatus.FAILED if final else DeliveryStatus.RETRYING
        _record(message, status, f"{type(error).__name__}: {error}")
        logger.warning("reply %s not sent (attempt %s): %s", message_id, attempt, error)
        return status
    except Exception as error:  # not worth retrying (a missing address, a template bug)
        _record(message, DeliveryStatus.FAILED, f"{type(error).__name__}: {error}")
        logger.exception("reply %s cannot be sent", message_id)
        return DeliveryStatus.FAILED
    message.sent_at = timezone.now()
    _record(message, DeliveryStatus.SENT, "")
    return DeliveryStatus.SENT


def _record(message: Message, status: str, error: str) -> None:
    message.delivery_status = status
    message.delivery_error = error[:2000]
    message.save(update_fields=["delivery_status", "delivery_error", "sent_at"])
