"""Commitments: check_* validates, do_* changes state (and writes the audit log).

Only callbacks are built so far: created by the widget and the phone log, kept when a call to
the number is logged. The arithmetic is pure, in `shomer.commitments.rules`.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from shomer.commitments import rules
from shomer.commitments.models import (
    Commitment,
    CommitmentKind,
    CommitmentState,
)
from shomer.conversations.models import Message, Ticket
from shomer.core import audit
from shomer.people.models import User
from shomer.sla import rules as sla_rules
from shomer.sla.calendar import Calendar
from shomer.sla.models import SlaPolicy
from shomer.sla.services import calendar_for_team, ticket_facts


def team_calendar(team_id: int | None) -> Calendar:
    """The calendar a callback is promised on: the ticket's team's, else the default."""
    return calendar_for_team(team_id)


def callback_target_minutes(ticket: Ticket) -> int | None:
    """The callback target (business minutes) the SLA policies set for `ticket`, if any."""
    policies = [policy.as_row() for policy in SlaPolicy.objects.all()]
    choice = sla_rules.choose_targets(policies, ticket_facts(ticket)).get(sla_rules.CALLBACK)
    return choice.minutes if choice is not None else None


def check_callback_window(
    window: rules.Window, *, team_id: int | None = None, now: dt.datetime | None = None
) -> rules.WindowProblem | None:
    """None if the business can promise a call in `window`; else why not."""
    return rules.check_window(window, now or timezone.now(), team_calendar(team_id))


def open_callbacks(ticket: Ticket) -> QuerySet[Commitment]:
    return Commitment.objects.filter(
        ticket=ticket, kind=CommitmentKind.CALLBACK, state=CommitmentState.OPEN
    ).select_related("owner", "contact")


def open_callback_for_phone(phone: str) -> Commitment | None:
    """The open callback to this number (E.164) due first, if any."""
    if not phone:
        return None
    return (
        Commitment.objects.filter(
            kind=CommitmentKind.CALLBACK, state=CommitmentState.OPEN, phone=phone
        )
        .select_related("ticket")
        .order_by("due_at", "id")
        .first()
    )


@transaction.atomic
def do_create_callback(
    ticket: Ticket,
    *,
    phone: str,
    source: str,
    source_key: str | None = None,
    window: rules.Window | None = None,
    text: str = "",
    owner: User | None = None,
    created_by: User | None = None,
    now: dt.datetime | None = None,
) -> Commitment:
    """Promise to call `phone` (E.164) back about `ticket`.

    Due at the end of `window`, else when the ticket's callback SLA target runs out on its
    team's calendar. The owner is `owner`, else the ticket's assignee, else the account
    owner (else nobody: the team's queue). Idempotent on `source_key`. Precondition: a
    window has passed `check_callback_window`.
    """
    if source_key:
        existing = Commitment.objects.filter(source_key=source_key).first()
        if existing is not None:
            return existing
    now = now or timezone.now()
    due_at = rules.callback_due(
        now,
        team_calendar(ticket.team_id),
        window=window,
        target_minutes=None if window else callback_target_minutes(ticket),
    )
    customer = ticket.customer
    commitment = Commitment.objects.create(
        kind=CommitmentKind.CALLBACK,
        text=text.strip(),
        customer=customer,
        contact=ticket.contact,
        ticket=ticket,
        owner=owner or ticket.assignee or (customer.owner if customer else None),
        due_at=due_at,
        window_start=window.start if window else None,
        window_end=window.end if window else None,
        phone=phone,
        source=source,
        source_key=source_key or None,
        created_by=created_by,
        created_at=now,
    )
    audit.record(
        "commitment.created",
        commitment,
        actor=created_by,
        kind=commitment.kind,
        ticket=ticket.pk,
        due_at=due_at.isoformat(),
        source=source,
    )
    return commitment


@transaction.atomic
def do_keep_callbacks(
    phone: str,
    *,
    message: Message | None,
    acting_user: User | None,
    now: dt.datetime | None = None,
) -> list[Commitment]:
    """A call to `phone` (E.164) was made: every open callback to that number is kept.

    Each is closed with a conditional UPDATE, so a promise marked broken or cancelled at
    the same moment stays as the first writer left it.
    """
    if not phone:
        return []
    now = now or timezone.now()
    kept = []
    candidates = Commitment.objects.filter(
        kind=CommitmentKind.CALLBACK, state=CommitmentState.OPEN, phone=phone
    )
    for commitment in candidates:
        changed = Commitment.objects.filter(pk=commitment.pk, state=CommitmentState.OPEN).update(
            state=CommitmentState.KEPT, kept_at=now, kept_by=message
        )
        if not changed:
            continue
        commitment.state, commitment.kept_at, commitment.kept_by = (
            CommitmentState.KEPT,
            now,
            message,
        )
        audit.record(
            "commitment.kept",
            commitment,
            actor=acting_user,
            message=message.pk if message else None,
            on_time=now <= commitment.due_at,
        )
        kept.append(commitment)
    return kept
