"""Mail to customers that is not a reply: surveys, loyalty touchpoints, payment reminders.

Built like an agent's reply (shomer.channels.outbound): the same 600-pixel table layout with
inline CSS, `dir`/`align` from the contact's language, the logo inline by cid, our own
Message-ID, sent through Django's mail backend (SMTP in production). Sent by the worker: a
periodic task reads the rows due (`send_at`), claims each with a conditional UPDATE and sends
it (`run_due`); a transient SMTP failure is retried on the replies' schedule
(`outbound.RETRY_DELAYS`), then the row is marked failed with the error.

Touchpoints and surveys carry a signed one-click unsubscribe link, in the footer and in the
List-Unsubscribe / List-Unsubscribe-Post headers (RFC 8058).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.utils import formataddr
from typing import Any, TypeVar

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language_bidi

from shomer.channels import outbound
from shomer.outreach.models import OutboundMail, SendStatus

logger = logging.getLogger(__name__)

# A claimed row is the claimer's until then; a worker that died mid-send frees it in time
# (so a mail can, rarely, go twice: once before a crash, once after; never lost).
LEASE = dt.timedelta(minutes=10)
BATCH = 200

Row = TypeVar("Row", bound=OutboundMail)


@dataclass(frozen=True)
class Button:
    label: str
    url: str
    title: str
    color: str = "#0f5e5b"


@dataclass(frozen=True)
class Letter:
    """What one mail says, before the layout."""

    to_name: str
    to_email: str
    language: str
    subject: str
    body_text: str
    buttons: Sequence[Button] = ()
    scale_low: str = ""
    scale_high: str = ""
    link_url: str = ""
    link_label: str = ""
    signature: str = ""
    footer: str = ""
    unsubscribe_url: str = ""
    unsubscribe_post_url: str = ""
    from_name: str = ""
    reply_to: str = ""
    kind: str = ""


def mail_language(*languages: str) -> str:
    """The first of `languages` we write in (he, en), else the site's language."""
    for language in languages:
        if language in ("he", "en"):
            return language
    return str(settings.LANGUAGE_CODE)


def build(letter: Letter, *, message_id: str) -> EmailMultiAlternatives:
    """The e-mail for `letter` (not sent): plain text and right-to-left-aware HTML."""
    logo = outbound.logo_image()
    with translation.override(letter.language):
        bidi = get_language_bidi()
        context: dict[str, Any] = {
            **letter.__dict__,
            "business_name": settings.SHOMER_BUSINESS_NAME,
            # Mail clients ignore logical CSS properties: physical sides from the language.
            "direction": "rtl" if bidi else "ltr",
            "align": "right" if bidi else "left",
            "opposite": "left" if bidi else "right",
            "unsubscribe_label": translation.gettext("Unsubscribe"),
            "logo_cid": outbound.LOGO_CID if logo else None,
        }
        text = render_to_string("outreach/email/layout.txt", context)
        html = render_to_string("outreach/email/layout.html", context)
    headers = {"Message-ID": f"<{message_id}>", "Auto-Submitted": "auto-generated"}
    if letter.kind:
        headers["X-Shomer-Mail"] = letter.kind
    if letter.unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{letter.unsubscribe_post_url or letter.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = EmailMultiAlternatives(
        subject=letter.subject,
        body=text,
        from_email=formataddr(
            (letter.from_name or settings.SHOMER_BUSINESS_NAME, settings.DEFAULT_FROM_EMAIL)
        ),
        to=[formataddr((letter.to_name, letter.to_email))],
        reply_to=[letter.reply_to] if letter.reply_to else None,
        headers=headers,
    )
    email.attach_alternative(html, "text/html")
    if logo:
        email.mixed_subtype = "related"
        email.attach(logo)
    return email


# --- the worker's loop ------------------------------------------------------------------------


def due_ids(model: type[Row], now: dt.datetime, limit: int = BATCH) -> list[int]:
    """Rows due now: scheduled ones, and claimed ones whose lease ran out."""
    return list(
        model.objects.filter(
            Q(status=SendStatus.SCHEDULED) | Q(status=SendStatus.SENDING), send_at__lte=now
        )
        .order_by("send_at", "id")
        .values_list("pk", flat=True)[:limit]
    )


def claim(model: type[Row], pk: int, now: dt.datetime, related: Sequence[str] = ()) -> Row | None:
    """Take a due row for one attempt (conditional UPDATE: two workers never both get it)."""
    taken = model.objects.filter(
        Q(status=SendStatus.SCHEDULED) | Q(status=SendStatus.SENDING),
        pk=pk,
        send_at__lte=now,
    ).update(status=SendStatus.SENDING, send_at=now + LEASE, attempts=F("attempts") + 1)
    if not taken:
        return None
    return model.objects.select_related(*related).get(pk=pk)


def skip(row: OutboundMail, reason: str) -> str:
    row.status, row.reason = SendStatus.SKIPPED, reason
    row.save(update_fields=["status", "reason"])
    return SendStatus.SKIPPED


def send(row: OutboundMail, letter: Letter, now: dt.datetime) -> str:
    """Send `letter` for a claimed `row` and record the outcome; the row's new status."""
    row.language, row.recipient = letter.language, letter.to_email
    row.subject, row.body = letter.subject[:300], letter.body_text
    row.message_id = row.message_id or outbound.new_message_id()
    fields = ["language", "recipient", "subject", "body", "message_id", "status", "last_error"]
    try:
        build(letter, message_id=row.message_id).send(fail_silently=False)
    except outbound.TRANSIENT_ERRORS as error:
        row.last_error = f"{type(error).__name__}: {error}"[:2000]
        if row.attempts >= outbound.MAX_ATTEMPTS:
            row.status = SendStatus.FAILED
        else:
            row.status = SendStatus.SCHEDULED
            row.send_at = now + dt.timedelta(seconds=outbound.retry_delay(row.attempts))
            fields.append("send_at")
        row.save(update_fields=fields)
        logger.warning(
            "%s %s not sent (attempt %s): %s", row._meta.label, row.pk, row.attempts, error
        )
        return row.status
    except Exception as error:  # not worth retrying (a template or address problem)
        row.status, row.last_error = SendStatus.FAILED, f"{type(error).__name__}: {error}"[:2000]
        row.save(update_fields=fields)
        logger.exception("%s %s cannot be sent", row._meta.label, row.pk)
        return row.status
    row.status, row.last_error, row.sent_at = SendStatus.SENT, "", now
    row.save(update_fields=[*fields, "sent_at"])
    return SendStatus.SENT


def run_due(
    model: type[Row],
    deliver: Callable[[Row, dt.datetime], str],
    now: dt.datetime,
    related: Sequence[str] = (),
) -> dict[str, int]:
    """Claim and deliver every row of `model` due at `now`; counts by outcome."""
    counts: dict[str, int] = {}
    for pk in due_ids(model, now):
        row = claim(model, pk, now, related)
        if row is None:
            continue  # another worker has it
        outcome = deliver(row, now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts
