"""The e-mail adapter: raw bytes → `parse_email` → `Inbound` → the one pipeline.

`ingest_email(raw, source=...)` is what the IMAP poller, the SMTP/LMTP receiver and
`shomer mail import` call for each message. It never raises for bad mail:
- a message the parser cannot read is kept raw in quarantine with the parser's reason
  (idempotency key: a hash of the raw bytes, so the same broken mail twice is one record);
- a sender past `RATE_LIMIT_MESSAGES` stored messages in `RATE_LIMIT_WINDOW` is
  quarantined as rate limited, so that a mail loop never storms the inbox (an admin can
  still retry each one from the quarantine page).
The adapter is registered for the e-mail channel, so a quarantined record is re-read from
its raw bytes on retry.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from shomer.channels.email.importer import message_language
from shomer.channels.email.parse import ParsedEmail, UnparseableEmail, parse_email
from shomer.channels.email.threads import normalise_subject, reference_ids
from shomer.channels.models import Mailbox
from shomer.channels.registry import register
from shomer.conversations.ingest import Inbound, InboundAttachment, IngestResult, ingest
from shomer.conversations.models import Channel, InboundRecord, InboundStatus, Message

# A person does not write more than this many messages in ten minutes; a mail loop does.
RATE_LIMIT_MESSAGES = 20
RATE_LIMIT_WINDOW = timedelta(minutes=10)
RATE_LIMITED = "rate limited"
# The largest message taken: the SMTP receiver refuses bigger ones, the IMAP poller keeps
# only their headers in quarantine (the parser itself reads up to 50 MiB).
MAX_MESSAGE_BYTES = 25 * 1024 * 1024
# Idempotency keys are stored in 300 characters; longer Message-IDs (rare, legal) are
# replaced by a hash the same way wherever they appear, so replies still thread.
MAX_KEY_CHARS = 300
# An IMAP source label names its mailbox so that a retried message goes to its team.
_MAILBOX_SOURCE = re.compile(r"^imap:(\d+):")


def message_key(message_id: str) -> str:
    """The idempotency key for a Message-ID (bare, no angle brackets)."""
    if len(message_id) <= MAX_KEY_CHARS:
        return message_id
    digest = hashlib.sha256(message_id.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{digest}@long-id.shomer.invalid"


def raw_key(raw: bytes) -> str:
    """The key of a message that has no readable Message-ID: its content's hash."""
    return f"raw-sha256:{hashlib.sha256(raw).hexdigest()}"


def mailbox_source(mailbox_id: int, folder: str, uid: str) -> str:
    return f"imap:{mailbox_id}:{folder}#{uid}"


def _team_for_source(source: str) -> int | None:
    match = _MAILBOX_SOURCE.match(source)
    if match is None:
        return None
    return Mailbox.objects.filter(pk=int(match.group(1))).values_list("team_id", flat=True).first()


def inbound_from_parsed(
    parsed: ParsedEmail, raw: bytes, *, source: str = "", team_id: int | None = None
) -> Inbound:
    automatic = parsed.kind != "message"
    return Inbound(
        channel=Channel.EMAIL,
        idempotency_key=message_key(parsed.message_id),
        raw=raw,
        source=source,
        subject=parsed.subject,
        # A mail that is all quoted history (or all forward) keeps what it has.
        text=parsed.text or parsed.full_text,
        html=parsed.html,
        from_address=parsed.from_address,
        from_name=parsed.from_name,
        language=message_language(parsed),
        reference_keys=tuple(message_key(key) for key in reference_ids(parsed)),
        ticket_hint=parsed.ticket_token,
        thread_subject=normalise_subject(parsed.subject) or None,
        attachments=tuple(
            InboundAttachment(
                attachment.filename,
                attachment.content_type,
                attachment.payload,
                attachment.rejected_reason,
            )
            for attachment in parsed.attachments
        ),
        is_automatic=automatic,
        automatic_reason=("; ".join(parsed.kind_reasons) or parsed.kind) if automatic else "",
        team_id=team_id,
    )


@register(Channel.EMAIL)
def inbound_from_email(raw: bytes, source: str = "") -> Inbound:
    """The registered adapter (used on retry). Raises `UnparseableEmail`."""
    return inbound_from_parsed(
        parse_email(raw), raw, source=source, team_id=_team_for_source(source)
    )


def ingest_email(
    raw: bytes, *, source: str = "", team_id: int | None = None, now: datetime | None = None
) -> IngestResult:
    """Store one raw e-mail through the pipeline, exactly once; quarantine what cannot be."""
    try:
        parsed = parse_email(raw)
    except UnparseableEmail as error:
        return quarantine(raw, source=source, reason=error.reason, key=raw_key(raw))
    inbound = inbound_from_parsed(parsed, raw, source=source, team_id=team_id)
    if is_rate_limited(inbound.from_address, now=now or timezone.now()):
        minutes = int(RATE_LIMIT_WINDOW.total_seconds() // 60)
        reason = (
            f"{RATE_LIMITED}: more than {RATE_LIMIT_MESSAGES} messages from "
            f"{inbound.from_address} in {minutes} minutes"
        )
        return quarantine(raw, source=source, reason=reason, key=inbound.idempotency_key)
    return ingest(inbound)


def is_rate_limited(address: str, *, now: datetime) -> bool:
    """Has `address` had `RATE_LIMIT_MESSAGES` messages stored in the last window?"""
    if not address:
        return False
    recent = Message.objects.filter(
        contact__email=address.lower(), created_at__gte=now - RATE_LIMIT_WINDOW
    )
    return recent[:RATE_LIMIT_MESSAGES].count() >= RATE_LIMIT_MESSAGES


def quarantine(raw: bytes, *, source: str, reason: str, key: str) -> IngestResult:
    """Keep `raw` in quarantine with `reason`, once per `key`. A key already stored (not
    quarantined) is a duplicate delivery: nothing changes."""
    reason = reason[:1000]
    try:
        with transaction.atomic():
            record, created = InboundRecord.objects.get_or_create(
                idempotency_key=key,
                defaults={
                    "channel": Channel.EMAIL,
                    "source": source[:500],
                    "raw": raw,
                    "status": InboundStatus.QUARANTINED,
                    "reason": reason,
                    "processed_at": timezone.now(),
                },
            )
    except IntegrityError:  # a concurrent delivery of the same mail won the race
        record, created = InboundRecord.objects.get(idempotency_key=key), False
    if not created:
        if record.status != InboundStatus.QUARANTINED:
            return IngestResult(InboundStatus.DUPLICATE, record.ticket_id, record.message_id)
        if record.reason != reason:
            InboundRecord.objects.filter(pk=record.pk).update(
                reason=reason, processed_at=timezone.now()
            )
    return IngestResult(InboundStatus.QUARANTINED, reason=reason)
