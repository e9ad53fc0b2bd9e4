"""The one inbound pipeline (ARCHITECTURE §3): every channel hands an `Inbound` to `ingest`.

channel adapter → `ingest(inbound)` → idempotency key → contact and customer → thread to a
ticket or open one → store the message (raw kept) and attachments → record the outcome.

Every inbound is recorded in `InboundRecord` with its raw bytes before anything else can
fail: a retried delivery is recognised as a duplicate, and an input that cannot be stored is
kept in quarantine with the reason, retryable from the admin.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from shomer.conversations.models import (
    OPEN_STATUSES,
    Attachment,
    Direction,
    InboundRecord,
    InboundStatus,
    Kind,
    Message,
    Ticket,
)
from shomer.conversations.services import do_add_message, do_create_ticket
from shomer.customers.models import Contact, Customer, CustomerKind
from shomer.language.normalize import fold
from shomer.people.models import Team

logger = logging.getLogger(__name__)

# A reply without threading headers joins an open ticket of the same contact and subject
# only if that ticket moved within this window.
SUBJECT_THREAD_WINDOW = timedelta(days=14)
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "walla.co.il",
        "walla.com",
        "yahoo.com",
        "hotmail.com",
        "outlook.com",
        "live.com",
        "icloud.com",
        "bezeqint.net",
        "012.net.il",
        "netvision.net.il",
        "mail.example",
    }
)


@dataclass(frozen=True)
class InboundAttachment:
    filename: str
    content_type: str
    payload: bytes
    rejected_reason: str | None = None


@dataclass(frozen=True)
class Inbound:
    """What a channel adapter hands in: already decoded, with the raw original."""

    channel: str
    idempotency_key: str
    raw: bytes
    source: str = ""
    subject: str = ""
    text: str = ""
    html: str = ""  # sanitised by the adapter
    from_address: str = ""
    from_name: str = ""
    phone: str = ""
    language: str | None = None
    # Idempotency keys of earlier messages this one answers (In-Reply-To, References).
    reference_keys: tuple[str, ...] = ()
    ticket_hint: int | None = None  # a ticket number the sender quoted, e.g. "[#123]"
    thread_subject: str | None = None  # normalised subject, for the fallback
    kind: str = Kind.QUESTION
    attachments: tuple[InboundAttachment, ...] = field(default=())
    is_automatic: bool = False  # auto-reply or bounce: never opens a ticket
    automatic_reason: str = ""
    team_id: int | None = None  # the team of a new ticket (e.g. the mailbox's)


@dataclass(frozen=True)
class IngestResult:
    status: str  # an InboundStatus value
    ticket_id: int | None = None
    message_id: int | None = None
    reason: str = ""


def ingest(inbound: Inbound) -> IngestResult:
    """Store one inbound message, exactly once. Never raises for bad input: quarantines."""
    record, created = _record(inbound)
    if not created and record.status != InboundStatus.QUARANTINED:
        return IngestResult(InboundStatus.DUPLICATE, record.ticket_id, record.message_id)
    return _process(record, inbound)


def _record(inbound: Inbound) -> tuple[InboundRecord, bool]:
    try:
        with transaction.atomic():
            record, created = InboundRecord.objects.get_or_create(
                idempotency_key=inbound.idempotency_key[:300],
                defaults={
                    "channel": inbound.channel,
                    "source": inbound.source[:500],
                    "raw": inbound.raw,
                    "status": InboundStatus.RECEIVED,
                },
            )
    except IntegrityError:  # a concurrent delivery of the same message won the race
        record, created = InboundRecord.objects.get(idempotency_key=inbound.idempotency_key), False
    return record, created


def _process(record: InboundRecord, inbound: Inbound) -> IngestResult:
    try:
        with transaction.atomic():
            result = _store(inbound)
    except Exception as error:
        logger.exception("inbound %s quarantined", inbound.idempotency_key)
        reason = f"{type(error).__name__}: {error}"[:1000]
        InboundRecord.objects.filter(pk=record.pk).update(
            status=InboundStatus.QUARANTINED, reason=reason, processed_at=timezone.now()
        )
        return IngestResult(InboundStatus.QUARANTINED, reason=reason)
    InboundRecord.objects.filter(pk=record.pk).update(
        status=result.status,
        reason=result.reason,
        ticket_id=result.ticket_id,
        message_id=result.message_id,
        processed_at=timezone.now(),
    )
    return result


def _store(inbound: Inbound) -> IngestResult:
    contact = match_contact(inbound)
    ticket = find_ticket(inbound, contact)
    if inbound.is_automatic:
        if ticket is None:
            return IngestResult(InboundStatus.IGNORED, reason=inbound.automatic_reason)
        message = do_add_message(
            ticket,
            direction=Direction.NOTE,
            body_text=inbound.text,
            channel=inbound.channel,
            contact=contact,
            idempotency_key=inbound.idempotency_key,
        )
        return IngestResult(InboundStatus.IGNORED, ticket.pk, message.pk, inbound.automatic_reason)
    if ticket is None:
        ticket = do_create_ticket(
            subject=inbound.subject or _subject_from(inbound.text),
            body_text=inbound.text,
            body_html=inbound.html,
            channel=inbound.channel,
            kind=inbound.kind,
            contact=contact,
            team=Team.objects.filter(pk=inbound.team_id).first() if inbound.team_id else None,
            raw=inbound.raw,
            idempotency_key=inbound.idempotency_key,
        )
        message = ticket.messages.get(idempotency_key=inbound.idempotency_key)
        status = InboundStatus.CREATED
    else:
        message = do_add_message(
            ticket,
            direction=Direction.INBOUND,
            body_text=inbound.text,
            body_html=inbound.html,
            contact=contact,
            channel=inbound.channel,
            raw=inbound.raw,
            idempotency_key=inbound.idempotency_key,
        )
        status = InboundStatus.APPENDED
    store_attachments(message, inbound.attachments)
    return IngestResult(status, ticket.pk, message.pk)


def _subject_from(text: str) -> str:
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first_line[:80] or "—"


def match_contact(inbound: Inbound) -> Contact | None:
    """The sender's contact, matched by e-mail address or phone, else created under the
    customer whose domain matches, else under a new customer of their own."""
    address = inbound.from_address.strip().lower()
    phone = inbound.phone.strip()
    if address:
        contact = Contact.objects.filter(email__iexact=address).select_related("customer").first()
    elif phone:
        contact = Contact.objects.filter(phone=phone).select_related("customer").first()
    else:
        return None
    if contact is not None:
        return contact
    domain = address.rpartition("@")[2] if address else ""
    customer = None
    if domain and domain not in FREE_MAIL_DOMAINS:
        customer = Customer.objects.filter(email_domain__iexact=domain).first()
    name = inbound.from_name.strip() or address or phone
    if customer is None:
        customer = Customer.objects.create(
            name=name[:200],
            kind=CustomerKind.PERSON,
            language=inbound.language if inbound.language in ("he", "en") else "he",
        )
    return Contact.objects.create(
        customer=customer,
        name=name[:200],
        email=address,
        phone=phone[:32],
        language=customer.language,
        is_primary=not customer.contacts.exists(),
    )


def find_ticket(inbound: Inbound, contact: Contact | None) -> Ticket | None:
    """The ticket this message continues, if any (a merged ticket leads to its target)."""
    ticket = None
    if inbound.reference_keys:
        earlier = (
            Message.objects.filter(idempotency_key__in=inbound.reference_keys)
            .select_related("ticket")
            .order_by("-created_at")
            .first()
        )
        ticket = earlier.ticket if earlier else None
    if ticket is None and inbound.ticket_hint:
        hinted = Ticket.objects.filter(pk=inbound.ticket_hint).first()
        # A ticket number in a subject is easy to guess: only its own customer may use it.
        if hinted and contact and hinted.customer_id == contact.customer_id:
            ticket = hinted
    if ticket is None and inbound.thread_subject and contact is not None:
        ticket = (
            Ticket.objects.filter(
                contact=contact,
                status__in=OPEN_STATUSES,
                updated_at__gte=timezone.now() - SUBJECT_THREAD_WINDOW,
                search_text__startswith=fold(inbound.thread_subject),
            )
            .order_by("-updated_at")
            .first()
        )
    while ticket is not None and ticket.merged_into_id:
        ticket = ticket.merged_into
    return ticket


def store_attachments(message: Message, attachments: tuple[InboundAttachment, ...]) -> None:
    for attachment in attachments:
        if attachment.rejected_reason:
            logger.info(
                "attachment %s rejected: %s", attachment.filename, attachment.rejected_reason
            )
            continue
        stored = Attachment(
            message=message,
            filename=attachment.filename[:255] or "attachment",
            content_type=attachment.content_type[:100],
            size=len(attachment.payload),
        )
        stored.file.save(stored.filename, ContentFile(attachment.payload), save=False)
        stored.save()


def retry(record: InboundRecord) -> IngestResult:
    """Run a quarantined record through the pipeline again (after a fix, say)."""
    from shomer.channels.registry import inbound_from_record

    return _process(record, inbound_from_record(record))
