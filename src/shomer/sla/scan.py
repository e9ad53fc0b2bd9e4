"""The clock-driven SLA scan: warn before a breach, escalate on one, each step once.

Every running or breached timer carries `next_action_at`, the instant its next step is due
(its warning point, its due, or the manager's turn). The scan takes the rows whose instant
has passed, oldest first, a batch at a time, and claims each step with a conditional UPDATE
(the row must still be at the level the step starts from), stamping the rows with a token
of its own; then it notifies for exactly the rows carrying its token. Two scans running at
once can never take the same step of the same row, and a step is never taken twice.

Steps: level 0 -> 1, the assignee is warned; -> 2, breached: the team lead and the assignee
are told; 2 -> 3, the manager is told, `escalate_percent` of the target (business time)
after the due. A ticket with nobody in a role goes to the next one up.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from shomer.core import audit
from shomer.notifications.services import do_notify
from shomer.people.models import Role, User
from shomer.sla.calendar import Calendar, business_seconds_between
from shomer.sla.models import Level, SlaTimer, Target, TimerState
from shomer.sla.rules import format_business_time
from shomer.sla.services import calendars_by_team

BATCH = 500


@dataclass
class ScanResult:
    warned: int = 0
    breached: int = 0
    escalated: int = 0
    notifications: int = 0
    batches: int = 0
    timer_ids: list[int] = field(default_factory=list)
    # Where the time went: finding and claiming the steps, then notifying and auditing.
    claim_seconds: float = 0.0
    notify_seconds: float = 0.0


def _managers() -> list[User]:
    managers = list(User.objects.filter(is_active=True, role=Role.MANAGER))
    return managers or list(User.objects.filter(is_active=True, role=Role.ADMIN))


def _claim(
    now: dt.datetime, token: uuid.UUID, batch: int, earlier: Iterable[uuid.UUID] = ()
) -> tuple[int, int, int]:
    """Take one step on up to `batch` due rows; returns (warned, breached, escalated).

    Rows claimed by the `earlier` tokens of the same scan take no second step in it."""
    due_rows = (
        SlaTimer.objects.filter(next_action_at__lt=now)
        .order_by("next_action_at")
        .values("pk")[:batch]
    )
    candidates = list(due_rows.values_list("pk", flat=True))
    if not candidates:
        return 0, 0, 0
    rows = SlaTimer.objects.filter(pk__in=candidates)
    warned = rows.filter(
        state=TimerState.RUNNING, level=Level.NONE, due_at__gte=now, warn_at__lt=now
    ).update(level=Level.WARNED, warned_at=now, next_action_at=F("due_at"), claim=token)
    breached = rows.filter(
        state=TimerState.RUNNING, level__lt=Level.BREACHED, due_at__lt=now
    ).update(
        state=TimerState.BREACHED,
        level=Level.BREACHED,
        breached_at=F("due_at"),
        next_action_at=F("escalate_at"),
        claim=token,
    )
    # A row breached in this scan waits for the next one to go to the manager, so that its
    # breach is told first.
    escalated = (
        rows.filter(
            state=TimerState.BREACHED,
            level=Level.BREACHED,
            completed_at__isnull=True,
            escalate_at__lt=now,
        )
        .exclude(claim__in=[token, *earlier])
        .update(level=Level.MANAGER, escalated_at=now, next_action_at=None, claim=token)
    )
    return warned, breached, escalated


def run_scan(now: dt.datetime | None = None, *, batch: int = BATCH) -> ScanResult:
    """Take every SLA step that is due at `now`, a batch per transaction."""
    now = now or timezone.now()
    result = ScanResult()
    context = _Context()
    tokens: list[uuid.UUID] = []
    while True:
        token = uuid.uuid4()
        with transaction.atomic():
            started = time.perf_counter()
            warned, breached, escalated = _claim(now, token, batch, tokens)
            tokens.append(token)
            claimed_at = time.perf_counter()
            result.claim_seconds += claimed_at - started
            if not warned + breached + escalated:
                break
            result.batches += 1
            result.warned += warned
            result.breached += breached
            result.escalated += escalated
            claimed = SlaTimer.objects.filter(claim=token).select_related(
                "ticket", "ticket__assignee", "ticket__team", "ticket__team__lead"
            )
            for timer in claimed:
                result.notifications += _tell(timer, now, context)
                result.timer_ids.append(timer.pk)
            result.notify_seconds += time.perf_counter() - claimed_at
    return result


class _Context:
    """What a scan loads once, when first needed: the managers and the calendars."""

    def __init__(self) -> None:
        self._managers: list[User] | None = None
        self._calendars: tuple[dict[int, Calendar], Calendar] | None = None

    @property
    def managers(self) -> list[User]:
        if self._managers is None:
            self._managers = _managers()
        return self._managers

    def calendar(self, team_id: int | None) -> Calendar:
        if self._calendars is None:
            self._calendars = calendars_by_team()
        by_team, default = self._calendars
        return by_team.get(team_id, default) if team_id is not None else default


def _recipients(timer: SlaTimer, context: _Context) -> list[User]:
    ticket = timer.ticket
    lead = ticket.team.lead if ticket.team is not None else None
    assignee = ticket.assignee
    if timer.level == Level.WARNED:
        chain: Iterable[User | None] = (
            [assignee] if assignee else [lead] if lead else context.managers
        )
    elif timer.level == Level.BREACHED:
        chain = [lead, assignee] if lead else [*context.managers, assignee]
    else:
        chain = context.managers
    seen: dict[int, User] = {}
    for user in chain:
        if user is not None and user.is_active and user.pk not in seen:
            seen[user.pk] = user
    return list(seen.values())


_ACTIONS = {
    Level.WARNED: "sla.warned",
    Level.BREACHED: "sla.breached",
    Level.MANAGER: "sla.escalated",
}


def _tell(timer: SlaTimer, now: dt.datetime, context: _Context) -> int:
    """Notify the step's people, each in their own language, and audit the step."""
    recipients = _recipients(timer, context)
    ticket = timer.ticket
    for user in recipients:
        with translation.override(user.language):
            title, body = _texts(timer, now, context)
        do_notify(
            user,
            kind=_ACTIONS[Level(timer.level)],
            title=title,
            body=body,
            url=ticket.get_absolute_url(),
        )
    audit.record(
        _ACTIONS[Level(timer.level)],
        ticket,
        sla_target=timer.target,
        timer=timer.pk,
        due_at=timer.due_at.isoformat() if timer.due_at else None,
        notified=[user.pk for user in recipients],
    )
    return len(recipients)


def _texts(timer: SlaTimer, now: dt.datetime, context: _Context) -> tuple[str, str]:
    ticket = timer.ticket
    values = {
        "target": Target(timer.target).label,
        "number": ticket.pk,
        "subject": ticket.subject,
        "due": formats.date_format(timezone.localtime(timer.due_at), "SHORT_DATETIME_FORMAT"),
    }
    if timer.level == Level.WARNED:
        left = business_seconds_between(now, timer.due_at, context.calendar(ticket.team_id))
        values["time"] = format_business_time(max(left, 0))
        title = _("SLA warning: %(target)s of ticket #%(number)s is due in %(time)s business hours")
        body = _("“%(subject)s” — %(target)s is due at %(due)s")
    elif timer.level == Level.BREACHED:
        title = _("SLA breached: %(target)s of ticket #%(number)s was due at %(due)s")
        body = _("“%(subject)s” — %(target)s is overdue. Please take it over or help.")
    else:
        title = _("SLA escalation: %(target)s of ticket #%(number)s is still overdue")
        body = _("“%(subject)s” — %(target)s was due at %(due)s and nobody has met it yet.")
    return title % values, body % values
