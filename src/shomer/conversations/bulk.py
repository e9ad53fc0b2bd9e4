"""`ingest_many`: the inbound pipeline for a batch, with the outcome of `ingest` on each
message in turn, in a few queries per batch instead of dozens per message.

`ingest` (shomer.conversations.ingest) stores one message through the services:
record, contact, threading, ticket and message, attachments, SLA clocks, language analysis,
audit, webhook events; about forty queries. A mailbox poll or an import hands over many
messages at once, so this module does the same work for a batch: every lookup is one query
for the whole batch, rows are written with bulk INSERTs, the SLA clocks and the analysis
by their own bulk services (`sla.services.do_start_timers_many`,
`analysis.services.do_analyze_messages`). Messages of one batch thread to each other as
they would one after the other (a reply to a message earlier in the batch joins its
ticket).

Safety: the batch is one transaction. If anything in it fails, it is rolled back and every
message goes through `ingest` alone, so a bad message is quarantined by itself and the
others are stored. Messages whose key is already known (a quarantined delivery retried, a
message stored by another path) always take the single path. tests/conversations/
test_bulk_ingest.py holds the two paths to the same rows in every table.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from operator import or_

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from shomer.analysis.services import do_analyze_messages
from shomer.conversations.events import message_data, ticket_data
from shomer.conversations.ingest import (
    FREE_MAIL_DOMAINS,
    SUBJECT_THREAD_WINDOW,
    Inbound,
    IngestResult,
    _subject_from,
    ingest,
)
from shomer.conversations.models import (
    OPEN_STATUSES,
    PRIORITY_RANK,
    Attachment,
    Direction,
    InboundRecord,
    InboundStatus,
    Message,
    Priority,
    Status,
    Ticket,
)
from shomer.conversations.services import SEARCH_TEXT_LIMIT
from shomer.core.copy_insert import copy_insert
from shomer.core.models import AuditEvent
from shomer.customers.models import Contact, Customer, CustomerKind
from shomer.health.dirty import mark_dirty_many
from shomer.language.normalize import fold
from shomer.sla import services as sla
from shomer.sla.models import SlaTimer
from shomer.webhooks.models import WebhookEndpoint
from shomer.webhooks.services import do_emit

logger = logging.getLogger(__name__)

# Messages per transaction: big enough that per-batch queries cost little per message,
# small enough that a failed batch retried one by one is cheap.
BATCH = 500


def ingest_many(inbounds: Sequence[Inbound], *, batch_size: int = BATCH) -> list[IngestResult]:
    """Store every inbound exactly once, in order; never raises for bad input."""
    results: list[IngestResult] = []
    for start in range(0, len(inbounds), batch_size):
        results.extend(_ingest_batch(inbounds[start : start + batch_size]))
    return results


def _ingest_batch(inbounds: Sequence[Inbound]) -> list[IngestResult]:
    batch = _Batch(inbounds)
    try:
        with transaction.atomic():
            batch.run()
    except Exception:
        logger.exception("a batch of %d inbound messages failed; each goes alone", len(inbounds))
        return [ingest(inbound) for inbound in inbounds]
    # Known keys (retries of quarantined deliveries, messages stored by another path) take
    # the single path, after the batch, in their order.
    for index in batch.single:
        batch.results[index] = ingest(inbounds[index])
    batch.fill_duplicates()
    return [result for result in batch.results if result is not None]


@dataclass
class _Item:
    index: int
    inbound: Inbound
    record: InboundRecord
    at: datetime
    contact: Contact | None = None
    ticket: Ticket | None = None
    message: Message | None = None
    old_status: str = ""
    status: str = ""
    reason: str = ""


class _Batch:
    def __init__(self, inbounds: Sequence[Inbound]) -> None:
        self.inbounds = inbounds
        self.results: list[IngestResult | None] = [None] * len(inbounds)
        self.single: list[int] = []
        self.items: list[_Item] = []
        self.duplicates: dict[int, int] = {}  # index -> index of the first copy in the batch
        self.tickets: dict[int, Ticket] = {}  # existing tickets loaded, by pk
        # Subject fallback candidates by contact; for tickets touched in the batch, the
        # order of their last touch (the later wins a tie on updated_at).
        self.by_contact: dict[int, dict[int, Ticket]] = {}
        self.touch_order: dict[int, int] = {}
        self.touches = 0
        self.new_tickets: list[Ticket] = []
        self.appended: dict[int, int] = {}  # existing ticket pk -> messages added
        self.old_statuses: dict[int, str] = {}
        self.messages: list[Message] = []
        self.timers: list[SlaTimer] = []
        self.new_contacts: set[int] = set()

    # --- the steps ------------------------------------------------------------------------

    def run(self) -> None:
        self.records()
        if not self.items:
            self.finish_results()
            return
        self.match_contacts()
        self.thread()
        self.write()
        self.follow_up()
        self.finish_results()

    def records(self) -> None:
        """Idempotency: known keys are duplicates (or go the single path); a key twice in
        the batch is stored once; new ones get a record (written with their outcome)."""
        keys = [inbound.idempotency_key[:300] for inbound in self.inbounds]
        known = {
            record.idempotency_key: record
            for record in InboundRecord.objects.filter(idempotency_key__in=set(keys)).only(
                "pk", "idempotency_key", "status", "ticket_id", "message_id"
            )
        }
        stored = set(
            Message.objects.filter(idempotency_key__in=set(keys)).values_list(
                "idempotency_key", flat=True
            )
        )
        first: dict[str, int] = {}
        for index, (inbound, key) in enumerate(zip(self.inbounds, keys, strict=True)):
            if key in first:
                self.duplicates[index] = first[key]
                continue
            first[key] = index
            record = known.get(key)
            if record is not None and record.status != InboundStatus.QUARANTINED:
                self.results[index] = IngestResult(
                    InboundStatus.DUPLICATE, record.ticket_id, record.message_id
                )
                continue
            if record is not None or key in stored or inbound.idempotency_key != key:
                self.single.append(index)
                continue
            # Written with its outcome at the end, in the same transaction: a failure rolls
            # the whole batch back and the single path records each message again.
            record = InboundRecord(
                channel=inbound.channel,
                idempotency_key=key,
                source=inbound.source[:500],
                raw=inbound.raw,
                status=InboundStatus.RECEIVED,
            )
            self.items.append(_Item(index, inbound, record, timezone.now()))

    def match_contacts(self) -> None:
        """`ingest.match_contact` for the batch: by address (case-insensitive) or phone,
        else a new contact under the customer of the domain, else under a new customer."""
        addresses = {a for item in self.items if (a := item.inbound.from_address.strip().lower())}
        phones = {
            p
            for item in self.items
            if not item.inbound.from_address.strip() and (p := item.inbound.phone.strip())
        }
        by_address: dict[str, Contact] = {}
        by_phone: dict[str, Contact] = {}
        if addresses:
            found = (
                Contact.objects.annotate(email_lower=Lower("email"))
                .filter(email_lower__in=addresses)
                .select_related("customer")
            )
            for contact in sorted(found, key=_contact_order):
                by_address.setdefault(contact.email_lower, contact)  # type: ignore[attr-defined]
        if phones:
            for contact in sorted(
                Contact.objects.filter(phone__in=phones).select_related("customer"),
                key=_contact_order,
            ):
                by_phone.setdefault(contact.phone, contact)
        known = by_address.keys() | by_phone.keys()
        missing = [item for item in self.items if _key(item) and _key(item) not in known]
        if missing:
            self._create_contacts(missing, by_address, by_phone)
        for item in self.items:
            address = item.inbound.from_address.strip().lower()
            phone = item.inbound.phone.strip()
            item.contact = by_address.get(address) if address else by_phone.get(phone)

    def _create_contacts(
        self, missing: list[_Item], by_address: dict[str, Contact], by_phone: dict[str, Contact]
    ) -> None:
        domains = {
            domain
            for item in missing
            if (domain := item.inbound.from_address.strip().lower().rpartition("@")[2])
            and "@" in item.inbound.from_address
            and domain not in FREE_MAIL_DOMAINS
        }
        by_domain: dict[str, Customer] = {}
        if domains:
            for customer in Customer.objects.annotate(domain=Lower("email_domain")).filter(
                domain__in=domains
            ):  # the model's ordering, as `.first()` in the single path
                by_domain.setdefault(customer.domain, customer)  # type: ignore[attr-defined]
        with_contacts = set(
            Contact.objects.filter(customer__in=list(by_domain.values()))
            .values_list("customer_id", flat=True)
            .distinct()
        )
        new_customers: list[Customer] = []
        planned: list[tuple[str, str, str, Customer, Inbound]] = []  # address, phone, name
        taken: set[str] = set()
        for item in missing:
            inbound = item.inbound
            address = inbound.from_address.strip().lower()
            phone = inbound.phone.strip()
            identity = address or f"phone:{phone}"
            if identity in taken:  # the same new sender twice in the batch: one contact
                continue
            taken.add(identity)
            domain = address.rpartition("@")[2] if address else ""
            customer = by_domain.get(domain) if domain else None
            name = inbound.from_name.strip() or address or phone
            if customer is None:
                customer = Customer(
                    name=name[:200],
                    kind=CustomerKind.PERSON,
                    language=inbound.language if inbound.language in ("he", "en") else "he",
                )
                new_customers.append(customer)
            planned.append((address, phone, name, customer, inbound))
        copy_insert(new_customers)
        contacts: list[Contact] = []
        for address, phone, name, customer, _inbound in planned:
            contact = Contact(
                customer=customer,
                name=name[:200],
                email=address,
                phone=phone[:32],
                language=customer.language,
                is_primary=customer.pk not in with_contacts,
            )
            with_contacts.add(customer.pk)
            contacts.append(contact)
            if address:
                by_address[address] = contact
            else:
                by_phone[phone] = contact
        copy_insert(contacts)
        self.new_contacts.update(contact.pk for contact in contacts)

    def thread(self) -> None:
        """`ingest.find_ticket` for the batch, then the tickets and messages in memory."""
        references = {key for item in self.items for key in item.inbound.reference_keys}
        earlier: dict[str, tuple[int, datetime, int]] = {}
        if references:
            for key, ticket_id, created_at, pk in Message.objects.filter(
                idempotency_key__in=references
            ).values_list("idempotency_key", "ticket_id", "created_at", "pk"):
                earlier[key] = (ticket_id, created_at, pk)
        hints = {item.inbound.ticket_hint for item in self.items if item.inbound.ticket_hint}
        # Only contacts known before the batch can have stored tickets to fall back on.
        subject_pairs = {
            (item.contact.pk, fold(item.inbound.thread_subject))
            for item in self.items
            if item.inbound.thread_subject
            and item.contact is not None
            and item.contact.pk not in self.new_contacts
        }
        cutoff = timezone.now() - SUBJECT_THREAD_WINDOW
        wanted = {ticket_id for ticket_id, _, _ in earlier.values()} | hints
        subject_filter = (
            reduce(
                or_,
                [
                    Q(contact_id=contact_id, search_text__startswith=subject)
                    for contact_id, subject in subject_pairs
                ],
            )
            if subject_pairs
            else None
        )
        query = Q(pk__in=wanted) if wanted else None
        if subject_filter is not None:
            subject_query = subject_filter & Q(status__in=OPEN_STATUSES, updated_at__gte=cutoff)
            query = subject_query if query is None else query | subject_query
        if query is not None:
            self._load_tickets(Ticket.objects.filter(query))
        in_batch: dict[str, Message] = {}
        for item in self.items:
            item.ticket = self._find(item, earlier, in_batch, cutoff)
            self._place(item)
            if item.message is not None and item.message.idempotency_key:
                in_batch[item.message.idempotency_key] = item.message

    def _load_tickets(self, tickets: QuerySet[Ticket]) -> None:
        for ticket in tickets.select_related("customer", "contact"):
            self.tickets[ticket.pk] = ticket
            if ticket.contact_id is not None:
                self.by_contact.setdefault(ticket.contact_id, {})[id(ticket)] = ticket
        # Merged tickets lead to their targets (rarely more than one step).
        while pending := {
            t.merged_into_id
            for t in self.tickets.values()
            if t.merged_into_id and t.merged_into_id not in self.tickets
        }:
            for ticket in Ticket.objects.filter(pk__in=pending).select_related(
                "customer", "contact"
            ):
                self.tickets[ticket.pk] = ticket

    def _find(
        self,
        item: _Item,
        earlier: dict[str, tuple[int, datetime, int]],
        in_batch: dict[str, Message],
        cutoff: datetime,
    ) -> Ticket | None:
        inbound, contact = item.inbound, item.contact
        ticket: Ticket | None = None
        if inbound.reference_keys:
            # The latest of the messages it names: one of this batch, else the stored ones.
            batch_refs = [in_batch[key] for key in inbound.reference_keys if key in in_batch]
            if batch_refs:
                ticket = max(batch_refs, key=lambda m: m.created_at).ticket
            else:
                stored = [earlier[key] for key in inbound.reference_keys if key in earlier]
                if stored:
                    ticket_id = max(stored, key=lambda row: (row[1], row[2]))[0]
                    ticket = self.tickets.get(ticket_id)
        if ticket is None and inbound.ticket_hint:
            hinted = self.tickets.get(inbound.ticket_hint)
            # A ticket number in a subject is easy to guess: only its own customer may use it.
            if (
                hinted is not None
                and contact is not None
                and hinted.customer_id == contact.customer_id
            ):
                ticket = hinted
        if ticket is None and inbound.thread_subject and contact is not None:
            subject = fold(inbound.thread_subject)
            candidates = [
                t
                for t in self.by_contact.get(contact.pk, {}).values()
                if t.status in OPEN_STATUSES
                and t.updated_at >= cutoff
                and t.search_text.startswith(subject)
            ]
            if candidates:
                ticket = max(
                    candidates, key=lambda t: (t.updated_at, self.touch_order.get(id(t), 0))
                )
        while ticket is not None and ticket.merged_into_id:
            ticket = self.tickets[ticket.merged_into_id]
        return ticket

    def _place(self, item: _Item) -> None:
        """The ticket and message this inbound makes, in memory, as `ingest._store` would."""
        inbound, now = item.inbound, item.at
        if inbound.is_automatic:
            item.status, item.reason = InboundStatus.IGNORED, inbound.automatic_reason
            if item.ticket is None:
                return
            item.message = self._message(item, Direction.NOTE, item.ticket)
            self._touch(item.ticket, item.message, now)
            return
        if item.ticket is None:
            subject = inbound.subject or _subject_from(inbound.text)
            contact = item.contact
            ticket = Ticket(
                subject=subject.strip()[:300],
                channel=inbound.channel,
                kind=inbound.kind,
                priority=Priority.NORMAL,
                priority_rank=PRIORITY_RANK[Priority.NORMAL],
                customer=contact.customer if contact is not None else None,
                contact=contact,
                team_id=inbound.team_id,
                search_text=fold(subject)[:SEARCH_TEXT_LIMIT],
                created_at=now,
                updated_at=now,
                message_count=0,
            )
            self.new_tickets.append(ticket)
            item.ticket = ticket
            item.status = InboundStatus.CREATED
        else:
            item.status = InboundStatus.APPENDED
        item.old_status = item.ticket.status
        item.message = self._message(item, Direction.INBOUND, item.ticket)
        self._touch(item.ticket, item.message, now)

    def _message(self, item: _Item, direction: str, ticket: Ticket) -> Message:
        inbound = item.inbound
        note = direction == Direction.NOTE
        message = Message(
            ticket=ticket,
            direction=direction,
            channel=inbound.channel or ticket.channel,
            contact=item.contact,
            body_text=inbound.text,
            body_html="" if note else inbound.html,
            raw=b"" if note else inbound.raw,
            idempotency_key=inbound.idempotency_key or None,
            created_at=item.at,
        )
        self.messages.append(message)
        return message

    def _touch(self, ticket: Ticket, message: Message, now: datetime) -> None:
        """What `do_add_message` does to the ticket, in memory."""
        if ticket.pk is not None:
            self.old_statuses.setdefault(ticket.pk, ticket.status)
            self.appended[ticket.pk] = self.appended.get(ticket.pk, 0) + 1
        ticket.message_count += 1
        ticket.search_text = f"{ticket.search_text} {fold(message.body_text)}".strip()[
            :SEARCH_TEXT_LIMIT
        ]
        if message.direction != Direction.NOTE:
            ticket.last_message_at = now
        if message.direction == Direction.INBOUND and ticket.status in (
            Status.PENDING,
            Status.SOLVED,
        ):
            ticket.status = Status.OPEN
        ticket.updated_at = now
        self.touches += 1
        self.touch_order[id(ticket)] = self.touches
        if ticket.contact_id is not None:
            self.by_contact.setdefault(ticket.contact_id, {})[id(ticket)] = ticket

    def write(self) -> None:
        # The clocks are planned first so the tickets go in with their SLA due.
        self.timers = sla.plan_start_timers(self.new_tickets, now=timezone.now())
        copy_insert(self.new_tickets)
        copy_insert(self.timers)
        copy_insert(self.messages)
        for pk, count in self.appended.items():
            ticket = self.tickets[pk]
            Ticket.objects.filter(pk=pk).update(
                message_count=F("message_count") + count,
                search_text=ticket.search_text,
                last_message_at=ticket.last_message_at,
                status=ticket.status,
                updated_at=ticket.updated_at,
            )
        attachments: list[Attachment] = []
        for item in self.items:
            if item.message is None or item.message.direction == Direction.NOTE:
                continue
            for attachment in item.inbound.attachments:
                if attachment.rejected_reason:
                    logger.info(
                        "attachment %s rejected: %s",
                        attachment.filename,
                        attachment.rejected_reason,
                    )
                    continue
                stored = Attachment(
                    message=item.message,
                    filename=attachment.filename[:255] or "attachment",
                    content_type=attachment.content_type[:100],
                    size=len(attachment.payload),
                )
                stored.file.save(stored.filename, ContentFile(attachment.payload), save=False)
                attachments.append(stored)
        copy_insert(attachments)
        processed_at = timezone.now()
        for item in self.items:
            item.record.status = item.status
            item.record.reason = item.reason
            item.record.ticket = item.ticket if item.message is not None else None
            item.record.message = item.message
            item.record.processed_at = processed_at
        copy_insert([item.record for item in self.items])

    def follow_up(self) -> None:
        """SLA clocks, language analysis, audit and webhook events, as the services do."""
        for item in self.items:
            ticket = item.ticket
            if item.message is None or ticket is None or item.status != InboundStatus.APPENDED:
                continue
            if ticket.pk in self.appended:  # an existing ticket: its clocks may move
                sla.on_message(
                    ticket, direction=Direction.INBOUND, at=item.at, old_status=item.old_status
                )
        # Their customers' health: waits, sentiment, activity (as do_add_message marks).
        mark_dirty_many(m.ticket.customer_id for m in self.messages)
        do_analyze_messages(
            [m for m in self.messages if m.direction != Direction.NOTE], escalate=True
        )
        events: list[AuditEvent] = []
        hooks: list[tuple[str, Ticket | Message]] = []
        for item in self.items:
            ticket, message = item.ticket, item.message
            if ticket is None or message is None:
                continue
            if item.status == InboundStatus.CREATED:
                events.append(_audit("ticket.created", ticket, channel=ticket.channel))
                hooks.append(("ticket.created", ticket))
            events.append(_audit(f"message.{message.direction}", ticket, message=message.pk))
            hooks.append(("message.created", message))
        for pk, old in self.old_statuses.items():
            ticket = self.tickets[pk]
            if ticket.status != old:
                events.append(_audit("ticket.status", ticket, old=old, new=ticket.status))
                hooks.append(("ticket.updated", ticket))
        copy_insert(events)
        if hooks and WebhookEndpoint.objects.filter(is_active=True).exists():
            for event, target in hooks:
                if isinstance(target, Ticket):
                    do_emit(event, ticket_data(target))
                else:
                    do_emit(event, message_data(target))

    def finish_results(self) -> None:
        for item in self.items:
            with_message = item.message is not None
            self.results[item.index] = IngestResult(
                item.status,
                item.ticket.pk if item.ticket is not None and with_message else None,
                item.message.pk if item.message is not None else None,
                item.reason,
            )

    def fill_duplicates(self) -> None:
        """A second copy in the batch is a duplicate of what the first became."""
        for index, first in self.duplicates.items():
            original = self.results[first]
            self.results[index] = IngestResult(
                InboundStatus.DUPLICATE,
                original.ticket_id if original else None,
                original.message_id if original else None,
            )


def _key(item: _Item) -> str:
    """Whom an inbound is from: its address, else its phone (as `match_contact` looks)."""
    address = item.inbound.from_address.strip().lower()
    return address or item.inbound.phone.strip()


def _contact_order(contact: Contact) -> tuple[bool, str, int]:
    # The model's ordering ("-is_primary", "name"), as `.first()` takes it.
    return (not contact.is_primary, contact.name, contact.pk)


def _audit(action: str, target: Ticket, **data: object) -> AuditEvent:
    return AuditEvent(
        action=action,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        actor_id=None,  # by id: no related-object descriptor for thousands of rows
        data=data,
    )
