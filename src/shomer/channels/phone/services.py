"""Logging a phone call: the page and the API both call `do_log_call`.

A call the customer made (taken) goes through the one inbound pipeline, channel "phone",
the logged fields kept raw as JSON: it joins the customer's open ticket or opens one. A call
we made is our side of the conversation: on an open ticket it is an agent's message there
(it meets the response clocks); with no open ticket it opens one through the pipeline like
a call taken. A call we made that reached the customer keeps the callbacks promised to that
number; "the customer asked to be called back" makes a new callback promise.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.utils import timezone, translation

from shomer.channels.phone import adapters
from shomer.channels.phone.lookup import find_contact, find_customer
from shomer.channels.phone.numbers import display_phone
from shomer.commitments.models import Commitment, CommitmentSource
from shomer.commitments.rules import Window
from shomer.commitments.services import (
    do_create_callback,
    do_keep_callbacks,
    open_callback_for_phone,
)
from shomer.conversations.ingest import ingest
from shomer.conversations.models import (
    OPEN_STATUSES,
    Direction,
    InboundStatus,
    Message,
    Ticket,
)
from shomer.conversations.services import do_add_message
from shomer.customers.models import Contact
from shomer.customers.services import do_create_contact
from shomer.people.models import User


@dataclass(frozen=True)
class CallLog:
    """One call as the agent logged it (the phone already normalised to E.164)."""

    direction: str
    phone: str
    summary: str
    outcome: str
    name: str = ""
    subject: str = ""
    duration_seconds: int = 0
    contact: Contact | None = None
    ticket: Ticket | None = None
    new_ticket: bool = False  # open a new ticket even if the customer has an open one
    callback_requested: bool = False
    callback_window: Window | None = None
    token: str = ""  # the idempotency token: the same call logged twice is one message


@dataclass(frozen=True)
class CallResult:
    status: str  # an InboundStatus value
    ticket_id: int | None
    message_id: int | None
    callback: Commitment | None = None
    kept: list[Commitment] = field(default_factory=list)


def match_caller(phone: str) -> Contact | None:
    """The contact this number belongs to: a contact's own phone, else the customer's main
    phone (then their primary contact, or none)."""
    contact = find_contact(phone)
    if contact is not None:
        return contact
    customer = find_customer(phone)
    if customer is None:
        return None
    return customer.contacts.order_by("-is_primary", "pk").first()


def ticket_for_call(phone: str, contact: Contact | None) -> Ticket | None:
    """Where a call belongs when the agent did not say: the ticket of an open callback to
    this number, else the customer's most recently active open ticket."""
    callback = open_callback_for_phone(phone)
    if callback is not None and callback.ticket is not None and callback.ticket.is_open:
        return callback.ticket
    if contact is None:
        return None
    return (
        Ticket.objects.filter(
            customer_id=contact.customer_id, status__in=OPEN_STATUSES, merged_into__isnull=True
        )
        .order_by("-updated_at", "-id")
        .first()
    )


def _caller_contact(call: CallLog, agent: User) -> Contact | None:
    if call.contact is not None:
        return call.contact
    contact = find_contact(call.phone)
    if contact is not None:
        return contact
    customer = find_customer(call.phone)
    if customer is None:
        return None  # the pipeline makes a new customer for the number
    # A known customer's main line: the caller becomes a contact of that customer.
    return do_create_contact(
        acting_user=agent,
        customer=customer,
        name=(call.name.strip() or customer.name)[:200],
        phone=display_phone(call.phone),
        language=customer.language,
        is_primary=not customer.contacts.exists(),
    )


def _call_fields(
    call: CallLog, contact: Contact | None, ticket: Ticket | None
) -> dict[str, object]:
    window = call.callback_window
    return {
        "direction": call.direction,
        "phone": call.phone,
        "name": call.name.strip(),
        "contact": contact.pk if contact else None,
        "ticket": ticket.pk if ticket else None,
        "duration_seconds": int(call.duration_seconds),
        "subject": call.subject.strip(),
        "summary": call.summary.strip(),
        "outcome": call.outcome,
        "callback": (
            {
                "start": window.start.isoformat() if window else None,
                "end": window.end.isoformat() if window else None,
            }
            if call.callback_requested
            else None
        ),
    }


def do_log_call(call: CallLog, *, agent: User, now: dt.datetime | None = None) -> CallResult:
    """Record a call (see the module docstring). Idempotent on `call.token`.

    Not one transaction on purpose: the pipeline keeps a call it cannot store in quarantine,
    and that record must survive whatever fails after it.
    Preconditions: `call.phone` is E.164; a callback window passed `check_callback_window`.
    """
    now = now or timezone.now()
    token = call.token or uuid.uuid4().hex
    key = adapters.idempotency_key(token)
    existing = Message.objects.filter(idempotency_key=key).first()
    if existing is not None:
        callback = Commitment.objects.filter(source_key=key).first()
        return CallResult(InboundStatus.DUPLICATE, existing.ticket_id, existing.pk, callback)
    contact = _caller_contact(call, agent)
    ticket = call.ticket
    if ticket is None and not call.new_ticket:
        ticket = ticket_for_call(call.phone, contact)
    raw = adapters.payload(
        token=token,
        logged_by=agent.pk,
        logged_at=now,
        language=translation.get_language() or "he",
        call=_call_fields(call, contact, ticket),
    )
    if call.direction == adapters.CallDirection.OUTBOUND and ticket is not None:
        inbound = adapters.read_call(raw, source=f"phone-log:{agent.pk}")
        message = do_add_message(
            ticket,
            direction=Direction.OUTBOUND,
            body_text=inbound.text,
            author=agent,
            contact=contact,
            channel=inbound.channel,
            raw=raw,
            idempotency_key=key,
            acting_user=agent,
        )
        status, ticket_id, message_id = InboundStatus.APPENDED, ticket.pk, message.pk
    else:
        result = ingest(adapters.read_call(raw, source=f"phone-log:{agent.pk}"))
        status, ticket_id, message_id = result.status, result.ticket_id, result.message_id
    kept: list[Commitment] = []
    if (
        call.direction == adapters.CallDirection.OUTBOUND
        and call.outcome in adapters.KEEPING_OUTCOMES
    ):
        message = Message.objects.filter(pk=message_id).first() if message_id else None
        kept = do_keep_callbacks(call.phone, message=message, acting_user=agent, now=now)
    callback = None
    if call.callback_requested and ticket_id is not None:
        callback_ticket = Ticket.objects.select_related("customer", "contact", "assignee").get(
            pk=ticket_id
        )
        callback = do_create_callback(
            callback_ticket,
            phone=call.phone,
            source=CommitmentSource.PHONE,
            source_key=key,
            window=call.callback_window,
            text=call.summary,
            owner=agent,
            created_by=agent,
            now=now,
        )
    return CallResult(status, ticket_id, message_id, callback, kept)
