"""Tickets and messages: access_* loads for a user, do_* changes state.

Every do_* function assumes valid input (forms and serializers check it), writes the audit
log, and emits webhook events after commit. Pages, the API and jobs all call these.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from shomer.analysis import services as analysis
from shomer.channels.outbound import do_send_reply
from shomer.commitments import services as commitments
from shomer.complaints import services as complaints
from shomer.conversations.events import message_data, ticket_data
from shomer.conversations.models import (
    PRIORITY_RANK,
    Channel,
    Direction,
    Kind,
    Message,
    Priority,
    Status,
    Tag,
    Ticket,
    TimeEntry,
)
from shomer.core import audit
from shomer.core.models import AuditEvent
from shomer.customers.models import Contact, Customer
from shomer.feedback import services as feedback
from shomer.health.dirty import mark_dirty
from shomer.language.normalize import fold
from shomer.people.models import Team, User
from shomer.sla import services as sla
from shomer.sla.models import SlaTimer
from shomer.webhooks.services import do_emit, is_wanted

# Search text beyond this is not indexed: the first messages carry the gist.
SEARCH_TEXT_LIMIT = 20_000


def team_ids(user: User) -> list[int]:
    """The teams `user` works in or leads."""
    return list(
        Team.objects.filter(Q(members=user) | Q(lead=user)).values_list("pk", flat=True).distinct()
    )


def visible_tickets(user: User) -> QuerySet[Ticket]:
    """Tickets `user` may see: all for managers; else their teams', their own, unrouted ones.

    The team ids are read first and given as values: with a subquery inside the OR,
    PostgreSQL scans the whole table; with values it combines three index scans.
    """
    tickets = Ticket.objects.all()
    if user.sees_all_tickets:
        return tickets
    return tickets.filter(Q(assignee=user) | Q(team__in=team_ids(user)) | Q(team__isnull=True))


def attach_tag_names(tickets: Iterable[Ticket]) -> None:
    """Set `tag_names` (sorted) on each of a page of tickets, in one query: lists read
    them instead of a related manager per row (`prefetch_related("tags")` cost a tenth of
    an API list request)."""
    rows = list(tickets)
    names: dict[int, list[str]] = {ticket.pk: [] for ticket in rows}
    pairs = Ticket.tags.through.objects.filter(ticket_id__in=list(names)).values_list(
        "ticket_id", "tag__name"
    )
    for ticket_id, name in pairs:
        names[ticket_id].append(name)
    for ticket in rows:
        ticket.tag_names = sorted(names[ticket.pk])  # type: ignore[attr-defined]


def access_ticket(user: User, ticket_id: int) -> Ticket:
    """The ticket if `user` may work on it; 404 otherwise (no hint that it exists)."""
    try:
        return (
            visible_tickets(user)
            .select_related("customer", "contact", "assignee", "team", "merged_into")
            .get(pk=ticket_id)
        )
    except (Ticket.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None


def _save(ticket: Ticket, fields: list[str]) -> None:
    """Save the changed `fields` and mark the ticket updated now."""
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=[*fields, "updated_at"])


def _emit_ticket(event: str, ticket: Ticket) -> None:
    if is_wanted(event):  # the payload reads the tags: build it only for a listener
        do_emit(event, ticket_data(ticket))


def _emit_message(message: Message) -> None:
    if is_wanted("message.created"):
        do_emit("message.created", message_data(message))


def _extend_search_text(ticket: Ticket, text: str) -> str:
    combined = f"{ticket.search_text} {fold(text)}".strip()
    return combined[:SEARCH_TEXT_LIMIT]


def _audit_row(action: str, target: Ticket, *, actor: Any = None, **data: Any) -> AuditEvent:
    """An unsaved audit event, as `audit.record` writes it (several go in one INSERT)."""
    return AuditEvent(
        action=action,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        data=data,
    )


@transaction.atomic
def do_create_ticket(
    *,
    subject: str,
    body_text: str,
    channel: str = Channel.EMAIL,
    kind: str = Kind.QUESTION,
    priority: str = Priority.NORMAL,
    customer: Customer | None = None,
    contact: Contact | None = None,
    team: Team | None = None,
    assignee: User | None = None,
    tags: Iterable[str] = (),
    body_html: str = "",
    raw: bytes = b"",
    idempotency_key: str | None = None,
    acting_user: User | None = None,
) -> Ticket:
    """Open a ticket with its first message, from the customer.

    With an `idempotency_key` already stored, returns that message's ticket unchanged.

    The ticket goes in once, already as its first message leaves it (count, search text,
    last message, SLA due), with the clocks `sla.plan_start_timers` plans for a new ticket
    and its first customer message (what `do_start_timers` and `on_message` would start);
    the rest is `do_add_message`'s (`_after_message`).
    """
    if idempotency_key:
        existing = Message.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing.ticket
    if contact is not None and customer is None:
        customer = contact.customer
    now = timezone.now()
    ticket = Ticket(
        subject=subject.strip()[:300],
        channel=channel,
        kind=kind,
        priority=priority,
        priority_rank=PRIORITY_RANK[Priority(priority)],
        customer=customer,
        contact=contact,
        team=team,
        assignee=assignee,
        created_at=now,
        updated_at=now,
        last_message_at=now,
        message_count=1,
        search_text=fold(subject)[:SEARCH_TEXT_LIMIT],
    )
    ticket.search_text = _extend_search_text(ticket, body_text)
    timers = sla.plan_start_timers([ticket], now=now)  # sets ticket.sla_due_at
    ticket.save(force_insert=True)
    SlaTimer.objects.bulk_create(timers)
    if tags:
        ticket.tags.set(_tags(tags))
    _emit_ticket("ticket.created", ticket)
    message = Message.objects.create(
        ticket=ticket,
        direction=Direction.INBOUND,
        channel=channel,
        contact=contact,
        body_text=body_text,
        body_html=body_html,
        raw=raw,
        idempotency_key=idempotency_key or None,
        created_at=now,
    )
    created = _audit_row("ticket.created", ticket, actor=acting_user, channel=channel)
    _after_message(ticket, message, old_status=ticket.status, actor=acting_user, first=created)
    if kind == Kind.COMPLAINT:  # opened as a complaint (the API, an unhappy survey answer)
        complaints.on_ticket_created(ticket, acting_user=acting_user)
    return ticket


# Nested in a caller's transaction it needs no savepoint: nobody catches its errors half-way.
@transaction.atomic(savepoint=False)
def do_add_message(
    ticket: Ticket,
    *,
    direction: str,
    body_text: str,
    body_html: str = "",
    author: User | None = None,
    contact: Contact | None = None,
    channel: str | None = None,
    raw: bytes = b"",
    idempotency_key: str | None = None,
    acting_user: User | None = None,
) -> Message:
    """Add a message and move the ticket on: a customer's answer reopens it, a first
    reply opens a new one. Idempotent on `idempotency_key`."""
    if idempotency_key:
        existing = Message.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    now = timezone.now()
    message = Message.objects.create(
        ticket=ticket,
        direction=direction,
        channel=channel or ticket.channel,
        author=author,
        contact=contact,
        body_text=body_text,
        body_html=body_html,
        raw=raw,
        idempotency_key=idempotency_key or None,
        created_at=now,
    )
    old_status = ticket.status
    fields = ["message_count", "search_text"]
    count = ticket.message_count
    ticket.message_count = F("message_count") + 1  # concurrent messages each count
    ticket.search_text = _extend_search_text(ticket, body_text)
    if direction != Direction.NOTE:
        ticket.last_message_at = now
        fields.append("last_message_at")
    if direction == Direction.INBOUND and ticket.status in (Status.PENDING, Status.SOLVED):
        ticket.status = Status.OPEN
    if direction == Direction.OUTBOUND:
        if ticket.first_response_at is None:
            ticket.first_response_at = now
            fields.append("first_response_at")
        if ticket.status == Status.NEW:
            ticket.status = Status.OPEN
    if ticket.status != old_status:
        fields.append("status")
    _save(ticket, fields)
    # Not re-read: the row holds the exact count; this is the count as this call saw it.
    ticket.message_count = count + 1
    sla.on_message(ticket, direction=direction, at=now, old_status=old_status)
    _after_message(ticket, message, old_status=old_status, actor=acting_user or author)
    return message


def _after_message(
    ticket: Ticket,
    message: Message,
    *,
    old_status: str,
    actor: User | None,
    first: AuditEvent | None = None,
) -> None:
    """What follows a stored message (the ticket saved, its clocks moved): health marked,
    the language read, the audit rows (`first`, a new ticket's, goes before the message's;
    all in one INSERT) and the webhook events."""
    mark_dirty(ticket.customer_id)  # its health: waits, sentiment, activity
    # Language analysis (ARCHITECTURE §3): badges, shielding, incidents. An engine failure
    # is logged and leaves the message unanalysed (backfill reads it later), never lost.
    analysis.do_analyze_message(message)
    rows = [first] if first is not None else []
    rows.append(_audit_row(f"message.{message.direction}", ticket, actor=actor, message=message.pk))
    if ticket.status != old_status:
        rows.append(
            _audit_row("ticket.status", ticket, actor=actor, old=old_status, new=ticket.status)
        )
    AuditEvent.objects.bulk_create(rows)
    _emit_message(message)
    if ticket.status != old_status:
        _emit_ticket("ticket.updated", ticket)


def do_reply(
    ticket: Ticket,
    *,
    body_text: str,
    author: User,
    status: str | None = None,
    track_promises: bool = True,
) -> Message:
    """An agent's reply to the customer; optionally set the status in the same step.
    A customer with an e-mail address gets it by e-mail, sent after commit. It keeps the
    ticket's open follow-up promises and offers the promises it makes for tracking, unless
    `track_promises` is False (a reply that is itself about a promise: a late notice)."""
    with transaction.atomic():
        message = do_add_message(
            ticket, direction=Direction.OUTBOUND, body_text=body_text, author=author
        )
        do_send_reply(message)
        if track_promises:
            commitments.on_reply(message)
        if status and status != ticket.status:
            do_update_ticket(ticket, acting_user=author, status=status)
    return message


def do_add_note(ticket: Ticket, *, body_text: str, author: User) -> Message:
    """An internal note: staff only, never sent to the customer."""
    return do_add_message(ticket, direction=Direction.NOTE, body_text=body_text, author=author)


@transaction.atomic
def do_assign(ticket: Ticket, assignee: User | None, *, acting_user: User | None) -> Ticket:
    """Assign (or, with None, unassign) the ticket."""
    old = ticket.assignee_id
    if old == (assignee.pk if assignee else None):
        return ticket
    ticket.assignee = assignee
    _save(ticket, ["assignee"])
    sla.on_reassigned(ticket)
    mark_dirty(ticket.customer_id)  # a handoff counts against health
    audit.record("ticket.assigned", ticket, actor=acting_user, old=old, new=ticket.assignee_id)
    _emit_ticket("ticket.updated", ticket)
    return ticket


_UPDATABLE = ("status", "priority", "kind", "team", "customer", "contact", "subject")


@transaction.atomic
def do_update_ticket(ticket: Ticket, *, acting_user: User | None, **changes: Any) -> Ticket:
    """Change some of status, priority, kind, team, customer, contact, subject.

    Only the fields given are touched; each real change is audited.
    """
    unknown = set(changes) - set(_UPDATABLE)
    if unknown:
        raise TypeError(f"cannot update {sorted(unknown)}")
    changed: dict[str, tuple[Any, Any]] = {}
    for field, value in changes.items():
        attribute = f"{field}_id" if field in ("team", "customer", "contact") else field
        old = getattr(ticket, attribute)
        new = value.pk if isinstance(value, Team | Customer | Contact) else value
        if old != new:
            changed[field] = (old, new)
            setattr(ticket, field, value)
    if not changed:
        return ticket
    fields = list(changed)
    if "priority" in changed:
        ticket.priority_rank = PRIORITY_RANK[Priority(ticket.priority)]
        fields.append("priority_rank")
    if "status" in changed and ticket.status == Status.SOLVED:
        ticket.solved_at = timezone.now()
        fields.append("solved_at")
    if "subject" in changed:
        ticket.search_text = _extend_search_text(ticket, ticket.subject)
        fields.append("search_text")
    _save(ticket, fields)
    sla.on_ticket_changed(ticket, changed)
    commitments.on_ticket_changed(ticket, changed, acting_user=acting_user)
    if "kind" in changed:  # made a complaint: the complaint workflow starts
        complaints.on_kind_changed(
            ticket, old=changed["kind"][0], new=changed["kind"][1], acting_user=acting_user
        )
    if "status" in changed and ticket.status == Status.SOLVED:
        feedback.on_ticket_solved(ticket, ticket.solved_at or timezone.now())  # CSAT
    mark_dirty(ticket.customer_id)
    for field, (old, new) in changed.items():
        audit.record(f"ticket.{field}", ticket, actor=acting_user, old=old, new=new)
    _emit_ticket("ticket.updated", ticket)
    return ticket


def _tags(names: Iterable[str]) -> list[Tag]:
    cleaned = sorted({name.strip()[:50] for name in names if name.strip()})
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=cleaned)}
    missing = [Tag(name=name) for name in cleaned if name not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {tag.name: tag for tag in Tag.objects.filter(name__in=cleaned)}
    return list(existing.values())


@transaction.atomic
def do_set_tags(ticket: Ticket, names: Iterable[str], *, acting_user: User | None) -> Ticket:
    """Replace the ticket's tags with `names` (created as needed)."""
    tags = _tags(names)
    old = sorted(tag.name for tag in ticket.tags.all())
    new = sorted(tag.name for tag in tags)
    if old == new:
        return ticket
    ticket.tags.set(tags)
    _save(ticket, [])
    audit.record("ticket.tags", ticket, actor=acting_user, old=old, new=new)
    _emit_ticket("ticket.updated", ticket)
    return ticket


@transaction.atomic
def do_merge(source: Ticket, target: Ticket, *, acting_user: User | None) -> Ticket:
    """Merge `source` into `target`: its messages, tags and time move; it is closed and
    points to `target`. Preconditions: different tickets, neither already merged."""
    moved = source.messages.update(ticket=target)
    source.time_entries.update(ticket=target)
    target.tags.add(*source.tags.all())
    target.message_count = target.messages.count()
    target.search_text = f"{target.search_text} {source.search_text}"[:SEARCH_TEXT_LIMIT]
    _save(target, ["message_count", "search_text"])
    source.merged_into = target
    source.status = Status.CLOSED
    source.message_count = 0
    _save(source, ["merged_into", "status", "message_count"])
    sla.on_merged(source)
    commitments.on_merged(source, target)
    complaints.on_merged(source, target, acting_user=acting_user)  # the record follows
    audit.record("ticket.merged", source, actor=acting_user, into=target.pk, messages=moved)
    audit.record("ticket.merged_from", target, actor=acting_user, source=source.pk)
    _emit_ticket("ticket.updated", source)
    _emit_ticket("ticket.updated", target)
    return target


@transaction.atomic
def do_log_time(
    ticket: Ticket, *, user: User, minutes: int, note: str = "", worked_at: datetime | None = None
) -> TimeEntry:
    """Record minutes worked on the ticket (the base of cost-to-serve)."""
    entry = TimeEntry.objects.create(
        ticket=ticket, user=user, minutes=minutes, note=note, worked_at=worked_at or timezone.now()
    )
    audit.record("ticket.time_logged", ticket, actor=user, minutes=minutes)
    mark_dirty(ticket.customer_id)  # cost-to-serve
    return entry
