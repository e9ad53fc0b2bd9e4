"""Language analysis in the product: every message read once, in the inbound pipeline.

`do_analyze_message` is called by `conversations.services.do_add_message` for each new
customer message and agent reply (internal notes are not read). The analyzer is loaded
once per process (`analyzer()`), from SHOMER_LANGUAGE_MODELS_DIR. An analysis that fails
never loses the message: it is logged, and `do_backfill` reads such messages later.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from shomer.analysis.models import URGENT_THRESHOLD, MessageAnalysis, TicketSignals
from shomer.conversations.models import Direction, Message, Ticket
from shomer.core.copy_insert import copy_insert
from shomer.language.analyze import Analysis, Analyzer, Request, default_analyzer
from shomer.language.promises import Promise, extract_promises
from shomer.language.tone import Coaching, coach

logger = logging.getLogger(__name__)

ROLE = {Direction.INBOUND: "customer", Direction.OUTBOUND: "agent"}
BACKFILL_BATCH = 500


def models_dir() -> Path:
    return Path(settings.SHOMER_LANGUAGE_MODELS_DIR)


_LAST: list[tuple[object, Analyzer]] = []  # (the setting's value, its analyzer)


def analyzer() -> Analyzer:
    """The process's analyzer: loaded (or trained and cached) on first use, then kept.
    (Two reads per message: the last one is kept for the same setting, without building
    and hashing its path again.)"""
    configured = settings.SHOMER_LANGUAGE_MODELS_DIR
    if _LAST and _LAST[0][0] is configured:
        return _LAST[0][1]
    engine = default_analyzer(models_dir())
    _LAST[:] = [(configured, engine)]
    return engine


def _customer_name(ticket: Ticket) -> str | None:
    contact = ticket.contact if ticket.contact_id else None
    return contact.name if contact is not None else None


def read_message(message: Message, customer_name: str | None = None) -> Analysis | None:
    """The engine's reading of a message, or None for a note or when analysis fails."""
    role = ROLE.get(Direction(message.direction))
    if role is None:
        return None
    try:
        return analyzer().analyze(
            message.body_text,
            role,
            sent_at=message.created_at,
            tz=settings.TIME_ZONE,
            customer_name=customer_name,
        )
    except Exception:  # the message is stored whatever happens here; backfill retries
        logger.exception("language analysis of message %s failed", message.pk)
        return None


def read_messages(
    messages: Sequence[Message], customer_names: Sequence[str | None]
) -> list[Analysis | None]:
    """`read_message` of each message, in order, the model scoring them in one batch. If
    the batch fails, each message is read alone, so only a bad one loses its reading."""
    readings: list[Analysis | None] = [None] * len(messages)
    readable: list[int] = []
    requests: list[Request] = []
    for index, (message, name) in enumerate(zip(messages, customer_names, strict=True)):
        role = ROLE.get(Direction(message.direction))
        if role is not None:
            readable.append(index)
            requests.append(
                Request(
                    message.body_text,
                    role,
                    sent_at=message.created_at,
                    tz=settings.TIME_ZONE,
                    customer_name=name,
                )
            )
    try:
        analyses = analyzer().analyze_many(requests)
    except Exception:
        return [read_message(m, name) for m, name in zip(messages, customer_names, strict=True)]
    for index, analysis in zip(readable, analyses, strict=True):
        readings[index] = analysis
    return readings


def _row(message: Message, analysis: Analysis) -> MessageAnalysis:
    inbound = message.direction == Direction.INBOUND
    return MessageAnalysis(
        message=message,
        lang=analysis.lang[:8],
        sentiment=analysis.sentiment,
        label=analysis.label,
        abuse=analysis.abuse,
        is_abusive=analysis.abusive,
        # Only customers' words are hidden from staff.
        is_shielded=analysis.abusive and inbound,
        urgency=analysis.urgency,
        dissatisfaction=analysis.dissatisfaction,
        knows_better=analysis.knows_better,
        always_on=analysis.always_on,
        out_of_scope=analysis.out_of_scope,
        promises=[p.to_json() for p in analysis.promises],
        tone=analysis.tone.to_json() if analysis.tone is not None else None,
        model_version=analyzer().version[:64],
        analysed_at=timezone.now(),
    )


def do_analyze_message(message: Message, *, escalate: bool = True) -> MessageAnalysis | None:
    """Analyse a new message and act on it: store the reading, update the ticket's badges,
    and for abusive customer text shield it and log an incident (escalated to the
    managers when `escalate`). Precondition: the message has no analysis yet."""
    customer_name = None
    if message.direction == Direction.OUTBOUND:
        customer_name = _customer_name(message.ticket)
        _clear_urgent([message.ticket_id])
    analysis = read_message(message, customer_name)
    if analysis is None:
        return None
    row = _row(message, analysis)
    row.save(force_insert=True)
    if message.direction == Direction.INBOUND:
        _update_signals(message.ticket_id, row)
    if row.is_shielded:
        from shomer.protection.services import do_record_detection

        do_record_detection(message, row, escalate=escalate)
    return row


def do_analyze_messages(
    messages: Sequence[Message], *, escalate: bool = True
) -> list[MessageAnalysis]:
    """`do_analyze_message` for many new messages, in order: the readings in one INSERT,
    each ticket's badges in one upsert from its latest customer message (`has_abuse`
    raised if any of them was shielded). Used by the bulk inbound pipeline
    (shomer.conversations.bulk). Precondition: the messages have no analysis yet."""
    names = [
        _customer_name(message.ticket) if message.direction == Direction.OUTBOUND else None
        for message in messages
    ]
    rows = [
        (message, _row(message, analysis))
        for message, analysis in zip(messages, read_messages(messages, names), strict=True)
        if analysis is not None
    ]
    copy_insert([row for _message, row in rows])
    latest: dict[int, MessageAnalysis] = {}
    abused: set[int] = set()
    # Tickets whose last message here is a reply: their customer was answered.
    answered: set[int] = set()
    for message in messages:
        if message.direction == Direction.OUTBOUND:
            answered.add(message.ticket_id)
        elif message.direction == Direction.INBOUND:
            answered.discard(message.ticket_id)
    for message, row in rows:
        if message.direction == Direction.INBOUND:
            latest[message.ticket_id] = row
            if row.is_shielded:
                abused.add(message.ticket_id)
    now = timezone.now()
    for with_abuse in (False, True):
        signals = [
            TicketSignals(
                ticket_id=ticket_id,
                is_angry=row.is_angry,
                is_urgent=row.urgency >= URGENT_THRESHOLD,
                has_abuse=with_abuse,
                last_sentiment=row.sentiment,
                updated_at=now,
            )
            for ticket_id, row in latest.items()
            if (ticket_id in abused) == with_abuse
        ]
        fields = ["is_angry", "is_urgent", "last_sentiment", "updated_at"]
        if signals:
            TicketSignals.objects.bulk_create(
                signals,
                update_conflicts=True,
                unique_fields=["ticket"],
                update_fields=[*fields, "has_abuse"] if with_abuse else fields,
            )
    _clear_urgent(answered)
    shielded = [(message, row) for message, row in rows if row.is_shielded]
    if shielded:
        from shomer.protection.services import do_record_detection

        for message, row in shielded:
            do_record_detection(message, row, escalate=escalate)
    return [row for _message, row in rows]


def _clear_urgent(ticket_ids: Iterable[int]) -> None:
    """A reply answers the urgent request: the badge asked for action, and it was taken.
    (Angry stays: the customer's mood is theirs until they write again.)"""
    ids = set(ticket_ids)
    if ids:
        TicketSignals.objects.filter(ticket_id__in=ids, is_urgent=True).update(
            is_urgent=False, updated_at=timezone.now()
        )


def _update_signals(ticket_id: int, row: MessageAnalysis) -> None:
    """One upsert (INSERT ... ON CONFLICT DO UPDATE). `has_abuse` is only ever raised here:
    a calm message after an abusive one leaves it set."""
    fields = ["is_angry", "is_urgent", "last_sentiment", "updated_at"]
    if row.is_shielded:
        fields.append("has_abuse")
    signals = TicketSignals(
        ticket_id=ticket_id,
        is_angry=row.is_angry,
        is_urgent=row.urgency >= URGENT_THRESHOLD,
        has_abuse=row.is_shielded,
        last_sentiment=row.sentiment,
        updated_at=timezone.now(),
    )
    TicketSignals.objects.bulk_create(
        [signals], update_conflicts=True, unique_fields=["ticket"], update_fields=fields
    )


def do_refresh_signals(ticket: Ticket) -> TicketSignals:
    """Recompute a ticket's badges from its stored analyses (after a flag or a clearance)."""
    analyses = MessageAnalysis.objects.filter(
        message__ticket=ticket, message__direction=Direction.INBOUND
    )
    latest = (
        analyses.select_related("message").order_by("-message__created_at", "-message_id").first()
    )
    urgent = (
        latest is not None
        and latest.urgency >= URGENT_THRESHOLD
        and not Message.objects.filter(
            ticket=ticket,
            direction=Direction.OUTBOUND,
            created_at__gt=latest.message.created_at,
        ).exists()
    )
    signals: TicketSignals
    signals, _created = TicketSignals.objects.update_or_create(
        ticket=ticket,
        defaults={
            "is_angry": latest is not None and latest.is_angry,
            "is_urgent": urgent,
            "last_sentiment": latest.sentiment if latest is not None else None,
            "has_abuse": analyses.filter(is_shielded=True).exists(),
            "updated_at": timezone.now(),
        },
    )
    return signals


def unanalysed_messages() -> QuerySet[Message]:
    """Customer messages and agent replies that have no analysis (notes are never read)."""
    return Message.objects.filter(
        direction__in=[Direction.INBOUND, Direction.OUTBOUND], analysis__isnull=True
    )


def do_backfill(
    *, batch_size: int = BACKFILL_BATCH, on_batch: Callable[[int], None] | None = None
) -> int:
    """Analyse every stored message that has no analysis, oldest first; returns how many.

    Incidents found this way are logged but not escalated: they are history, not news.
    Safe to run twice and to interrupt: each batch is one transaction.
    """
    analyzer()  # load (or train) the model before the first batch, not inside it
    done = 0
    last_id = 0
    while True:
        batch = list(
            unanalysed_messages()
            .filter(pk__gt=last_id)
            .select_related("ticket__contact")
            .order_by("pk")[:batch_size]
        )
        if not batch:
            return done
        last_id = batch[-1].pk
        with transaction.atomic():
            _analyse_batch(batch)
        done += len(batch)
        if on_batch is not None:
            on_batch(len(batch))


def _analyse_batch(messages: Iterable[Message]) -> None:
    rows: list[tuple[Message, MessageAnalysis]] = []
    for message in messages:
        name = _customer_name(message.ticket) if message.direction == Direction.OUTBOUND else None
        analysis = read_message(message, name)
        if analysis is not None:
            rows.append((message, _row(message, analysis)))
    MessageAnalysis.objects.bulk_create([row for _message, row in rows], ignore_conflicts=True)
    from shomer.protection.services import do_record_detection

    tickets: dict[int, Ticket] = {}
    for message, row in rows:
        if message.direction == Direction.INBOUND:
            tickets[message.ticket_id] = message.ticket
        if row.is_shielded:
            do_record_detection(message, row, escalate=False)
    for ticket in tickets.values():
        do_refresh_signals(ticket)


@dataclass(frozen=True)
class DraftReading:
    """What the tone coach sees in a draft reply: findings and the promises it makes."""

    coaching: Coaching
    promises: tuple[Promise, ...]


def read_draft(ticket: Ticket, draft: str, *, now: datetime | None = None) -> DraftReading:
    """Coach a draft reply to `ticket`'s customer, and find the promises in it."""
    moment = now or timezone.now()
    return DraftReading(
        coaching=coach(draft, _customer_name(ticket)),
        promises=tuple(extract_promises(draft, moment, ZoneInfo(settings.TIME_ZONE))),
    )
