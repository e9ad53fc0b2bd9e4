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
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from shomer.channels.email.importer import message_language
from shomer.channels.email.parse import ParsedEmail, UnparseableEmail, parse_email
from shomer.channels.email.threads import normalise_subject, reference_ids
from shomer.channels.models import Mailbox
from shomer.channels.registry import register
from shomer.conversations.bulk import BATCH, ingest_many
from shomer.conversations.ingest import Inbound, InboundAttachment, IngestResult, ingest
from shomer.conversations.models import Channel, InboundRecord, InboundStatus, Message

# A person does not write more than this many messages in ten minutes; a mail loop does.
RATE_LIMIT_MESSAGES = 20
RATE_LIMIT_WINDOW = timedelta(minutes=10)
RATE_LIMITED = "rate limited"
# The largest message taken: the SMTP receiver refuses bigger ones, the IMAP poller keeps
# only their headers in quarantine (the parser itself reads up to 50 MiB).
MAX_MESSAGE_BYTES = 25 * 1024 * 1024
# Said in the reason of a message kept as headers only (too big to take): retrying it
# would store an empty message, so the quarantine page does not.
HEADERS_ONLY = "only its headers are kept here"
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
        reason = _rate_limit_reason(inbound.from_address)
        return quarantine(raw, source=source, reason=reason, key=inbound.idempotency_key)
    return ingest(inbound)


def ingest_emails(
    messages: Iterable[tuple[bytes, str]],
    *,
    team_id: int | None = None,
    now: datetime | None = None,
    batch_size: int = BATCH,
) -> Iterator[IngestResult]:
    """`ingest_email` for many (raw, source) pairs, in order, through the bulk pipeline
    (shomer.conversations.bulk): the same outcome, a few queries per batch."""
    chunk: list[tuple[bytes, str]] = []
    for message in messages:
        chunk.append(message)
        if len(chunk) >= batch_size:
            yield from _ingest_chunk(chunk, team_id, now or timezone.now())
            chunk = []
    if chunk:
        yield from _ingest_chunk(chunk, team_id, now or timezone.now())


def _ingest_chunk(
    chunk: list[tuple[bytes, str]], team_id: int | None, now: datetime
) -> list[IngestResult]:
    results: list[IngestResult | None] = [None] * len(chunk)
    parsed: list[tuple[int, Inbound, bytes, str]] = []
    for index, (raw, source) in enumerate(chunk):
        try:
            inbound = inbound_from_parsed(parse_email(raw), raw, source=source, team_id=team_id)
        except UnparseableEmail as error:
            results[index] = quarantine(raw, source=source, reason=error.reason, key=raw_key(raw))
            continue
        parsed.append((index, inbound, raw, source))
    counts = recent_counts({inbound.from_address for _, inbound, _, _ in parsed}, now=now)
    accepted: list[tuple[int, Inbound]] = []
    for index, inbound, raw, source in parsed:
        address = inbound.from_address.lower()
        if address and counts.get(address, 0) >= RATE_LIMIT_MESSAGES:
            reason = _rate_limit_reason(inbound.from_address)
            results[index] = quarantine(
                raw, source=source, reason=reason, key=inbound.idempotency_key
            )
            continue
        if address:
            counts[address] = counts.get(address, 0) + 1
        accepted.append((index, inbound))
    stored = ingest_many([inbound for _, inbound in accepted])
    for (index, _), result in zip(accepted, stored, strict=True):
        results[index] = result
    return [result for result in results if result is not None]


def recent_counts(addresses: Iterable[str], *, now: datetime) -> dict[str, int]:
    """Messages stored from each address in the last `RATE_LIMIT_WINDOW`."""
    wanted = {address.lower() for address in addresses if address}
    if not wanted:
        return {}
    rows = (
        Message.objects.filter(contact__email__in=wanted, created_at__gte=now - RATE_LIMIT_WINDOW)
        .values_list("contact__email")
        .annotate(count=Count("pk"))
    )
    return {email: count for email, count in rows}


def _rate_limit_reason(address: str) -> str:
    minutes = int(RATE_LIMIT_WINDOW.total_seconds() // 60)
    return (
        f"{RATE_LIMITED}: more than {RATE_LIMIT_MESSAGES} messages from {address} "
        f"in {minutes} minutes"
    )


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
