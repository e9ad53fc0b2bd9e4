"""SLA timers on tickets: started, paused, met and rescheduled on ticket events.

`shomer.conversations.services` calls the `on_*` functions (one line per event, no
signals); pages call `do_save_calendar` / `do_save_policy`; the clock-driven scan is in
`shomer.sla.scan`. Every function assumes valid input and writes the audit log for what
matters. Rules and the arithmetic are pure, in `shomer.sla.rules` and `shomer.sla.calendar`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils import timezone

from shomer.conversations.models import Channel, Direction, Status, Ticket
from shomer.core import audit
from shomer.core.process_cache import ProcessCache
from shomer.people.models import Role, Team, User
from shomer.sla import rules
from shomer.sla.calendar import Calendar, business_seconds_between
from shomer.sla.defaults import DEFAULT_CALENDAR, DEFAULT_CALENDAR_NAME
from shomer.sla.models import (
    BusinessCalendar,
    Level,
    SlaPolicy,
    SlaTimer,
    Target,
    TimerState,
    parse_calendar,
)

CLOSED_STATUSES = (Status.SOLVED, Status.CLOSED)
RESPONSE_TARGETS = (Target.FIRST_RESPONSE, Target.NEXT_RESPONSE, Target.CALLBACK)
# Running or breached-and-not-yet-met: what the inbox counts down to.
OUTSTANDING = Q(state=TimerState.RUNNING) | Q(state=TimerState.BREACHED, completed_at__isnull=True)
# Timers whose schedule still moves (a breached timer's due is history).
LIVE = Q(state__in=(TimerState.RUNNING, TimerState.PAUSED))
BULK_BATCH = 1000


# --- access -----------------------------------------------------------------------------------


def manages_sla(user: User) -> bool:
    return user.is_authenticated and (user.role in (Role.MANAGER, Role.ADMIN) or user.is_superuser)


def check_manages_sla(user: User) -> None:
    """Calendars, policies and the SLA report are for managers and admins: 403 otherwise."""
    if not manages_sla(user):
        raise PermissionDenied


# --- calendars and policies -------------------------------------------------------------------


def default_calendar() -> BusinessCalendar:
    """The default calendar (created by the migrations; recreated if someone deleted it)."""
    calendar = BusinessCalendar.objects.filter(is_default=True).first()
    if calendar is None:
        calendar, _ = BusinessCalendar.objects.get_or_create(
            name=DEFAULT_CALENDAR_NAME, defaults={"spec": DEFAULT_CALENDAR, "is_default": True}
        )
    return calendar


def calendar_for_team(team_id: int | None) -> Calendar:
    """The calendar a team's SLA clocks count (the default one for no team or no calendar)."""
    by_team, default = calendars_by_team()
    return by_team.get(team_id, default) if team_id is not None else default


def calendars_by_team() -> tuple[dict[int, Calendar], Calendar]:
    """Every team's calendar, and the default (cached per process: see `_CALENDARS`).
    The dict is shared: read it, never change it."""
    return _CALENDARS.get()


def _load_calendars() -> tuple[dict[int, Calendar], Calendar]:
    """Every team's calendar, and the default: one query however many tickets use them."""
    rows = BusinessCalendar.objects.filter(Q(is_default=True) | Q(teams__isnull=False))
    by_team: dict[int, Calendar] = {}
    default: Calendar | None = None
    for is_default, spec, team_id in rows.values_list("is_default", "spec", "teams"):
        calendar = parse_calendar(spec)
        if is_default:
            default = calendar
        if team_id is not None:
            by_team[team_id] = calendar
    return by_team, default if default is not None else default_calendar().calendar


def _policies() -> list[rules.PolicyRow]:
    """Every SLA policy as plain rows (cached per process; a shared list, never changed)."""
    return _POLICIES.get()


def _load_policies() -> list[rules.PolicyRow]:
    return [policy.as_row() for policy in SlaPolicy.objects.all()]


# Every new ticket and customer message reads the policies and the team calendars: they are
# kept per process, dropped when a policy, calendar or team is saved or deleted here, and
# reloaded by other processes within the cache's TTL (shomer.core.process_cache).
_POLICIES = ProcessCache(_load_policies)
_CALENDARS = ProcessCache(_load_calendars)
for _model, _cache in ((SlaPolicy, _POLICIES), (BusinessCalendar, _CALENDARS), (Team, _CALENDARS)):
    post_save.connect(_cache.invalidate, sender=_model, weak=False)
    post_delete.connect(_cache.invalidate, sender=_model, weak=False)
for _cache in (_POLICIES, _CALENDARS):
    post_migrate.connect(_cache.invalidate, weak=False)  # a flushed test database


def ticket_facts(ticket: Ticket) -> dict[str, str]:
    """What policies match on: kind, priority, channel and the customer's tier."""
    tier = ""
    if ticket.customer_id is not None:
        tier = ticket.customer.tier if ticket.customer else ""
    return {
        "kind": ticket.kind,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "tier": tier,
    }


# --- timers -----------------------------------------------------------------------------------


# Schedules already computed in one batch, by (calendar, start, budget, percents).
ScheduleMemo = dict[tuple[int, dt.datetime, int, int, int, int], rules.Schedule]


def _apply_schedule(
    timer: SlaTimer, calendar: Calendar, now: dt.datetime, memo: ScheduleMemo | None = None
) -> None:
    """Set a running timer's warn/due/manager instants and the scan's next step. `memo`:
    a batch's timers starting at one instant share their schedules (the rules are pure)."""
    key = (
        id(calendar),
        timer.resumed_at,
        timer.minutes,
        timer.used_seconds,
        timer.warning_percent,
        timer.escalate_percent,
    )
    planned = memo.get(key) if memo is not None else None
    if planned is None:
        planned = rules.schedule(
            timer.resumed_at,
            minutes=timer.minutes,
            used_seconds=timer.used_seconds,
            warning_percent=timer.warning_percent,
            escalate_percent=timer.escalate_percent,
            calendar=calendar,
        )
        if memo is not None:
            memo[key] = planned
    timer.warn_at, timer.due_at, timer.escalate_at = (
        planned.warn_at,
        planned.due_at,
        planned.escalate_at,
    )
    if timer.level == Level.WARNED and planned.warn_at > now:
        # The target moved out of the warning zone: warn again when it gets there.
        timer.level = Level.NONE
    timer.next_action_at = planned.warn_at if timer.level == Level.NONE else planned.due_at


def _new_timer(
    ticket: Ticket,
    target: str,
    choice: rules.TargetChoice,
    now: dt.datetime,
    calendar: Calendar,
    memo: ScheduleMemo | None = None,
) -> SlaTimer:
    timer = SlaTimer(
        ticket=ticket,
        target=target,
        policy_id=choice.policy_id,
        minutes=choice.minutes,
        warning_percent=choice.warning_percent,
        escalate_percent=choice.escalate_percent,
        started_at=now,
        resumed_at=now,
    )
    if ticket.status == Status.PENDING:
        timer.state, timer.paused_at = TimerState.PAUSED, now
    else:
        _apply_schedule(timer, calendar, now, memo)
    return timer


def _start(ticket: Ticket, targets: Iterable[str], now: dt.datetime) -> list[SlaTimer]:
    choices = rules.choose_targets(_policies(), ticket_facts(ticket))
    wanted = [target for target in targets if target in choices]
    if not wanted:
        return []
    calendar = calendar_for_team(ticket.team_id)
    timers = [_new_timer(ticket, target, choices[target], now, calendar) for target in wanted]
    SlaTimer.objects.bulk_create(timers)
    return timers


def refresh_ticket_due(ticket: Ticket) -> None:
    """Keep `Ticket.sla_due_at` the earliest due of its outstanding timers."""
    due = ticket.sla_timers.filter(OUTSTANDING).aggregate(due=Min("due_at"))["due"]
    _set_ticket_due(ticket, due)


def _set_ticket_due(ticket: Ticket, due: dt.datetime | None) -> None:
    if due != ticket.sla_due_at:
        Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=due)
        ticket.sla_due_at = due


def earliest_due(timers: Iterable[SlaTimer]) -> dt.datetime | None:
    """The earliest due among the outstanding `timers` (what `Ticket.sla_due_at` holds)."""
    dues = [timer.due_at for timer in timers if timer.is_outstanding and timer.due_at]
    return min(dues) if dues else None


def refresh_tickets_due(ticket_ids: Iterable[int]) -> None:
    """`refresh_ticket_due` for many tickets, in one UPDATE a batch."""
    earliest = (
        SlaTimer.objects.filter(OUTSTANDING, ticket=OuterRef("pk"))
        .order_by()
        .values("ticket")
        .annotate(due=Min("due_at"))
        .values("due")
    )
    ids = list(ticket_ids)
    for index in range(0, len(ids), BULK_BATCH):
        Ticket.objects.filter(pk__in=ids[index : index + BULK_BATCH]).update(
            sla_due_at=Subquery(earliest)
        )


def do_start_timers(ticket: Ticket, *, now: dt.datetime | None = None) -> list[SlaTimer]:
    """Start a new ticket's clocks: first response and resolution, and a callback for a
    phone ticket (a call to return), each when a policy sets it."""
    targets = [Target.FIRST_RESPONSE, Target.RESOLUTION]
    if ticket.channel == Channel.PHONE:
        targets.append(Target.CALLBACK)
    timers = _start(ticket, targets, now or timezone.now())
    refresh_ticket_due(ticket)
    return timers


def plan_start_timers(tickets: Sequence[Ticket], *, now: dt.datetime) -> list[SlaTimer]:
    """The clocks `do_start_timers` starts for each new ticket, plus what its first
    customer message's `on_message` adds (a next-response clock when no first-response one
    is set); unsaved. Sets each ticket's `sla_due_at` to match, so a ticket not yet
    inserted goes in with it. Policies and calendars are read once for all the tickets.
    Precondition: new tickets, with their customers loaded."""
    policies = _policies()
    calendars, default = calendars_by_team()
    timers: list[SlaTimer] = []
    # A batch's tickets share a handful of fact combinations: choose once per combination;
    # their clocks all start now, so their schedules repeat too.
    memo: ScheduleMemo = {}
    chosen: dict[tuple[tuple[str, str], ...], dict[str, rules.TargetChoice]] = {}
    for ticket in tickets:
        facts = ticket_facts(ticket)
        key = tuple(sorted(facts.items()))
        choices = chosen.get(key)
        if choices is None:
            choices = chosen[key] = rules.choose_targets(policies, facts)
        targets = [Target.FIRST_RESPONSE, Target.RESOLUTION]
        if ticket.channel == Channel.PHONE:
            targets.append(Target.CALLBACK)
        if Target.FIRST_RESPONSE not in choices and ticket.status not in CLOSED_STATUSES:
            targets.append(Target.NEXT_RESPONSE)
        calendar = calendars.get(ticket.team_id, default) if ticket.team_id else default
        started = [
            _new_timer(ticket, target, choices[target], now, calendar, memo)
            for target in targets
            if target in choices
        ]
        ticket.sla_due_at = earliest_due(started)
        timers.extend(started)
    return timers


def do_start_timers_many(
    tickets: Sequence[Ticket], *, now: dt.datetime | None = None
) -> list[SlaTimer]:
    """`plan_start_timers` for saved tickets: the timers in one INSERT, the dues in one
    UPDATE a batch. (The bulk inbound pipeline plans before it inserts its tickets.)"""
    timers = plan_start_timers(tickets, now=now or timezone.now())
    SlaTimer.objects.bulk_create(timers, batch_size=BULK_BATCH)
    refresh_tickets_due([ticket.pk for ticket in tickets])
    return timers


def _outstanding(ticket: Ticket, targets: Sequence[str]) -> QuerySet[SlaTimer]:
    return ticket.sla_timers.filter(target__in=targets).filter(
        Q(state__in=(TimerState.RUNNING, TimerState.PAUSED))
        | Q(state=TimerState.BREACHED, completed_at__isnull=True)
    )


def _complete(
    ticket: Ticket,
    targets: Sequence[str],
    now: dt.datetime,
    *,
    met: bool,
    timers: Iterable[SlaTimer] | None = None,
) -> None:
    """End these targets' clocks: met (on time or late) when `met`, else cancelled.
    `timers`, when given, are the ticket's open timers already read (see `_open_timers`)."""
    if timers is None:
        chosen: Iterable[SlaTimer] = _outstanding(ticket, targets)
    else:
        chosen = [timer for timer in timers if timer.target in targets and _is_open(timer)]
    for timer in chosen:
        was = timer.state
        late = was == TimerState.BREACHED or (
            was == TimerState.RUNNING and timer.due_at is not None and now > timer.due_at
        )
        if late:
            timer.state = TimerState.BREACHED
            timer.breached_at = timer.breached_at or timer.due_at
        else:
            timer.state = TimerState.MET if met else TimerState.CANCELLED
        timer.completed_at, timer.next_action_at, timer.paused_at = now, None, None
        timer.save(
            update_fields=["state", "breached_at", "completed_at", "next_action_at", "paused_at"]
        )
        if late and was != TimerState.BREACHED:
            # Met after its due before the scan saw it: a breach, recorded, nobody to chase.
            audit.record("sla.breached", ticket, sla_target=timer.target, timer=timer.pk, late=True)


def _pause(ticket: Ticket, now: dt.datetime) -> None:
    """Waiting on the customer: running clocks stop, keeping the business time used."""
    calendar = calendar_for_team(ticket.team_id)
    for timer in ticket.sla_timers.filter(state=TimerState.RUNNING):
        timer.used_seconds += max(business_seconds_between(timer.resumed_at, now, calendar), 0)
        timer.state, timer.paused_at = TimerState.PAUSED, now
        timer.due_at = timer.warn_at = timer.escalate_at = timer.next_action_at = None
        timer.save(
            update_fields=[
                "used_seconds",
                "state",
                "paused_at",
                "due_at",
                "warn_at",
                "escalate_at",
                "next_action_at",
            ]
        )


def _resume(ticket: Ticket, now: dt.datetime, timers: Iterable[SlaTimer] | None = None) -> None:
    """The customer answered (or the agent stopped waiting): paused clocks count again.
    `timers`, when given, are the ticket's open timers already read (see `_open_timers`)."""
    calendar = calendar_for_team(ticket.team_id)
    if timers is None:
        paused: Iterable[SlaTimer] = ticket.sla_timers.filter(state=TimerState.PAUSED)
    else:
        paused = [timer for timer in timers if timer.state == TimerState.PAUSED]
    for timer in paused:
        timer.state, timer.paused_at, timer.resumed_at = TimerState.RUNNING, None, now
        _apply_schedule(timer, calendar, now)
        timer.save(update_fields=[*_SCHEDULE_FIELDS, "state", "paused_at", "resumed_at"])


_SCHEDULE_FIELDS = ["warn_at", "due_at", "escalate_at", "next_action_at", "level"]


def _has_outstanding(ticket: Ticket, targets: Sequence[str]) -> bool:
    return _outstanding(ticket, targets).exists()


def _is_open(timer: SlaTimer) -> bool:
    """What `_outstanding` selects: running, paused, or breached and not yet met."""
    return timer.state in (TimerState.RUNNING, TimerState.PAUSED) or (
        timer.state == TimerState.BREACHED and timer.completed_at is None
    )


def _open_timers(ticket: Ticket) -> list[SlaTimer]:
    """The ticket's open timers (`_is_open`), in the model's order: one query, from which
    a message's changes and the ticket's new due are worked out."""
    return list(_outstanding(ticket, rules.TARGETS))


# Nested in the caller's transaction (no savepoint: nobody catches an error half-way).
@transaction.atomic(savepoint=False)
def on_message(ticket: Ticket, *, direction: str, at: dt.datetime, old_status: str) -> None:
    """A message was added (conversations.do_add_message, after the ticket was saved).

    From the customer: a paused clock resumes (the status left "pending"), a reopened ticket
    gets a new resolution clock, and a response clock starts unless one is counting. From an
    agent: the response clocks (first, next, callback) are met. Notes change nothing.
    The ticket's open timers are read once; its due follows from them, not from a query.
    """
    if direction == Direction.NOTE:
        return
    timers = _open_timers(ticket)

    def counting(targets: Sequence[str]) -> bool:
        return any(timer.target in targets and _is_open(timer) for timer in timers)

    if direction == Direction.INBOUND:
        if old_status == Status.PENDING and ticket.status != Status.PENDING:
            _resume(ticket, at, timers)
        reopened = old_status in CLOSED_STATUSES and ticket.status not in CLOSED_STATUSES
        if reopened and not counting([Target.RESOLUTION]):
            timers += _start(ticket, [Target.RESOLUTION], at)
        if ticket.status not in CLOSED_STATUSES and not counting(
            [Target.FIRST_RESPONSE, Target.NEXT_RESPONSE]
        ):
            timers += _start(ticket, [Target.NEXT_RESPONSE], at)
    else:
        _complete(ticket, RESPONSE_TARGETS, at, met=True, timers=timers)
    _set_ticket_due(ticket, earliest_due(timers))


@transaction.atomic(savepoint=False)
def on_ticket_changed(
    ticket: Ticket, changed: dict[str, tuple[Any, Any]], *, now: dt.datetime | None = None
) -> None:
    """Fields changed (conversations.do_update_ticket; `changed` is field -> (old, new)).

    Solved or closed: resolution met, response clocks cancelled. Reopened: a new resolution
    clock. Pending pauses, leaving pending resumes. A new priority, kind or customer picks
    the targets again; a new team moves the clocks onto its calendar from now on.
    """
    now = now or timezone.now()
    if "status" in changed:
        old, new = changed["status"]
        if new in CLOSED_STATUSES:
            _complete(ticket, [Target.RESOLUTION], now, met=True)
            _complete(ticket, RESPONSE_TARGETS, now, met=False)
        elif old in CLOSED_STATUSES and not _has_outstanding(ticket, [Target.RESOLUTION]):
            _start(ticket, [Target.RESOLUTION], now)
        if new == Status.PENDING:
            _pause(ticket, now)
        elif old == Status.PENDING:
            _resume(ticket, now)
    if changed.keys() & {"priority", "kind", "customer"}:
        recompute_timers(ticket.sla_timers.filter(LIVE), now=now)
    if "team" in changed:
        old_team, _ = changed["team"]
        rebase_timers(
            ticket.sla_timers.filter(state=TimerState.RUNNING),
            old_calendars={ticket.pk: calendar_for_team(old_team)},
            now=now,
        )
    refresh_ticket_due(ticket)


@transaction.atomic(savepoint=False)
def on_reassigned(ticket: Ticket) -> None:
    """A new assignee (conversations.do_assign): a clock that already warned the previous
    one warns the new assignee at the next scan; dues do not move."""
    ticket.sla_timers.filter(state=TimerState.RUNNING, level=Level.WARNED).update(
        level=Level.NONE, next_action_at=F("warn_at"), warned_at=None
    )


@transaction.atomic(savepoint=False)
def on_merged(ticket: Ticket) -> None:
    """The ticket was merged into another: its clocks stop (the other ticket's count)."""
    now = timezone.now()
    _complete(ticket, [*RESPONSE_TARGETS, Target.RESOLUTION], now, met=False)
    refresh_ticket_due(ticket)


def _as_history(timer: SlaTimer, now: dt.datetime) -> None:
    """Mark the steps a new timer would already have taken by `now` as taken, silently."""
    if timer.state != TimerState.RUNNING or timer.due_at is None or timer.warn_at is None:
        return
    if timer.due_at < now:
        timer.state, timer.breached_at = TimerState.BREACHED, timer.due_at
        if timer.escalate_at is not None and timer.escalate_at < now:
            timer.level, timer.next_action_at = Level.MANAGER, None
        else:
            timer.level, timer.next_action_at = Level.BREACHED, timer.escalate_at
    elif timer.warn_at < now:
        timer.level, timer.next_action_at = Level.WARNED, timer.due_at


def do_backfill_timers(*, now: dt.datetime | None = None) -> int:
    """Start clocks on open tickets that have none (imported or demo tickets), counted from
    when each was opened: resolution, and first response (and a phone ticket's callback)
    when nobody has answered yet. Steps already past by `now` are marked taken without
    telling anyone: history, not news. Returns how many tickets got clocks."""
    now = now or timezone.now()
    policies = _policies()
    team_calendars, default = calendars_by_team()
    started: set[int] = set()
    tickets = _open_tickets().filter(sla_timers__isnull=True).select_related("customer")
    timers: list[SlaTimer] = []
    for ticket in tickets.iterator(chunk_size=BULK_BATCH):
        choices = rules.choose_targets(policies, ticket_facts(ticket))
        targets = [Target.RESOLUTION]
        if ticket.first_response_at is None:
            targets.append(Target.FIRST_RESPONSE)
            if ticket.channel == Channel.PHONE:
                targets.append(Target.CALLBACK)
        calendar = team_calendars.get(ticket.team_id, default) if ticket.team_id else default
        for target in targets:
            if target in choices:
                timer = _new_timer(ticket, target, choices[target], ticket.created_at, calendar)
                _as_history(timer, now)
                timers.append(timer)
                started.add(ticket.pk)
        if len(timers) >= BULK_BATCH:
            SlaTimer.objects.bulk_create(timers)
            timers = []
    SlaTimer.objects.bulk_create(timers)
    refresh_tickets_due(started)
    return len(started)


# --- recomputing many timers (policy and calendar changes) ------------------------------------


def _timer_calendar(
    timer: SlaTimer, team_calendars: dict[int, Calendar], default: Calendar
) -> Calendar:
    team_id = timer.ticket.team_id
    return team_calendars.get(team_id, default) if team_id is not None else default


def recompute_timers(timers: QuerySet[SlaTimer], *, now: dt.datetime) -> int:
    """Pick the targets again for running and paused timers (policies, or the ticket's
    priority, kind or customer changed) and reschedule them; a target no policy sets any
    more is cancelled. Returns how many timers changed."""
    policies = _policies()
    team_calendars, default = calendars_by_team()
    choices_by_facts: dict[tuple[str, ...], dict[str, rules.TargetChoice]] = {}
    changed: list[SlaTimer] = []
    cancelled: list[SlaTimer] = []
    for timer in timers.filter(LIVE).select_related("ticket", "ticket__customer"):
        facts = ticket_facts(timer.ticket)
        key = tuple(sorted(facts.items()))
        choices = choices_by_facts.get(key)
        if choices is None:
            choices = choices_by_facts[key] = rules.choose_targets(policies, facts)
        choice = choices.get(timer.target)
        if choice is None:
            timer.state, timer.completed_at, timer.next_action_at = (
                TimerState.CANCELLED,
                now,
                None,
            )
            timer.due_at = timer.warn_at = timer.escalate_at = None
            cancelled.append(timer)
            continue
        new = (choice.policy_id, choice.minutes, choice.warning_percent, choice.escalate_percent)
        old = (timer.policy_id, timer.minutes, timer.warning_percent, timer.escalate_percent)
        if new == old:
            continue
        (timer.policy_id, timer.minutes, timer.warning_percent, timer.escalate_percent) = new
        if timer.state == TimerState.RUNNING:
            _apply_schedule(timer, _timer_calendar(timer, team_calendars, default), now)
        changed.append(timer)
    SlaTimer.objects.bulk_update(
        changed,
        ["policy", "minutes", "warning_percent", "escalate_percent", *_SCHEDULE_FIELDS],
        batch_size=BULK_BATCH,
    )
    SlaTimer.objects.bulk_update(
        cancelled,
        ["state", "completed_at", "next_action_at", "due_at", "warn_at", "escalate_at"],
        batch_size=BULK_BATCH,
    )
    refresh_tickets_due({timer.ticket_id for timer in changed + cancelled})
    return len(changed) + len(cancelled)


def rebase_timers(
    timers: QuerySet[SlaTimer],
    *,
    old_calendars: dict[int, Calendar] | Calendar,
    now: dt.datetime,
) -> int:
    """Move running timers onto their ticket's current calendar from `now` on: the time used
    so far is counted on the old calendar (per ticket id, or one for all). Returns how many."""
    team_calendars, default = calendars_by_team()
    moved: list[SlaTimer] = []
    for timer in timers.filter(state=TimerState.RUNNING).select_related("ticket"):
        old = (
            old_calendars
            if isinstance(old_calendars, Calendar)
            else old_calendars.get(timer.ticket_id, default)
        )
        if now > timer.resumed_at:
            timer.used_seconds += max(business_seconds_between(timer.resumed_at, now, old), 0)
            timer.resumed_at = now
        _apply_schedule(timer, _timer_calendar(timer, team_calendars, default), now)
        moved.append(timer)
    SlaTimer.objects.bulk_update(
        moved, ["used_seconds", "resumed_at", *_SCHEDULE_FIELDS], batch_size=BULK_BATCH
    )
    refresh_tickets_due({timer.ticket_id for timer in moved})
    return len(moved)


def _open_tickets() -> QuerySet[Ticket]:
    return Ticket.objects.exclude(status__in=CLOSED_STATUSES)


@transaction.atomic
def do_save_calendar(
    calendar: BusinessCalendar, *, acting_user: User | None, now: dt.datetime | None = None
) -> BusinessCalendar:
    """Save a new or edited calendar (its `spec` already validated; made the default when
    `is_default`) and move the running clocks of the tickets that count it onto its hours
    from now on (the time used so far stays counted on the hours they had)."""
    now = now or timezone.now()
    is_new = calendar.pk is None
    old_specs = BusinessCalendar.objects.filter(pk=calendar.pk).values_list("spec", flat=True)
    old = next((parse_calendar(spec) for spec in old_specs), None)
    previous_default = None
    if calendar.is_default:
        previous_default = (
            BusinessCalendar.objects.filter(is_default=True).exclude(pk=calendar.pk).first()
        )
        if previous_default is not None:
            previous_default.is_default = False
            previous_default.save(update_fields=["is_default"])
    calendar.spec = calendar.calendar.to_dict()
    calendar.updated_at = now
    calendar.save()
    new = calendar.calendar
    moved = 0
    if old is not None and old != new:
        own = _open_tickets().filter(team__calendar=calendar)
        moved += rebase_timers(SlaTimer.objects.filter(ticket__in=own), old_calendars=old, now=now)
    default_was = previous_default.calendar if previous_default is not None else old
    if calendar.is_default and default_was is not None and default_was != new:
        uses_default = _open_tickets().filter(Q(team__isnull=True) | Q(team__calendar__isnull=True))
        moved += rebase_timers(
            SlaTimer.objects.filter(ticket__in=uses_default), old_calendars=default_was, now=now
        )
    audit.record(
        "sla.calendar_created" if is_new else "sla.calendar_changed",
        calendar,
        actor=acting_user,
        spec=calendar.spec,
        is_default=calendar.is_default,
        timers_moved=moved,
    )
    return calendar


@transaction.atomic
def do_set_calendar_teams(
    calendar: BusinessCalendar,
    teams: Iterable[Team],
    *,
    acting_user: User | None,
    now: dt.datetime | None = None,
) -> int:
    """Make `teams` (and only they) count `calendar`; the running clocks of a team that
    changes calendar move onto the new one from now on. Returns how many clocks moved."""
    now = now or timezone.now()
    wanted = {team.pk for team in teams}
    current = set(calendar.teams.values_list("pk", flat=True))
    moved = 0
    for team in Team.objects.filter(pk__in=wanted ^ current):
        old = calendar_for_team(team.pk)
        team.calendar = calendar if team.pk in wanted else None
        team.save(update_fields=["calendar"])
        team_moved = 0
        if calendar_for_team(team.pk) != old:
            own = _open_tickets().filter(team=team)
            team_moved = rebase_timers(
                SlaTimer.objects.filter(ticket__in=own), old_calendars=old, now=now
            )
        audit.record(
            "team.calendar", team, actor=acting_user, new=team.calendar_id, timers_moved=team_moved
        )
        moved += team_moved
    return moved


def _policy_match(policy: SlaPolicy | dict[str, str]) -> Q:
    match = Q()
    for field in rules.MATCH_FIELDS:
        value = policy[field] if isinstance(policy, dict) else getattr(policy, field)
        if value:
            match &= Q(**{"customer__tier" if field == "tier" else field: value})
    return match


def _policy_fields(policy: SlaPolicy) -> dict[str, Any]:
    return {field: getattr(policy, field) for field in rules.MATCH_FIELDS}


@transaction.atomic
def do_save_policy(
    policy: SlaPolicy, *, acting_user: User | None, now: dt.datetime | None = None
) -> SlaPolicy:
    """Save a new or edited policy and recompute the running clocks of the open tickets it
    matched before or matches now."""
    now = now or timezone.now()
    is_new = policy.pk is None
    before = SlaPolicy.objects.filter(pk=policy.pk).values(*rules.MATCH_FIELDS).first()
    policy.updated_at = now
    policy.save()
    affected = _policy_match(policy)
    if before is not None:
        affected |= _policy_match(before)
    changed = recompute_timers(
        SlaTimer.objects.filter(ticket__in=_open_tickets().filter(affected)), now=now
    )
    audit.record(
        "sla.policy_created" if is_new else "sla.policy_changed",
        policy,
        actor=acting_user,
        match=_policy_fields(policy),
        minutes={target: policy.minutes_for(target) for target in rules.TARGETS},
        timers_changed=changed,
    )
    return policy


@transaction.atomic
def do_delete_policy(
    policy: SlaPolicy, *, acting_user: User | None, now: dt.datetime | None = None
) -> int:
    """Delete a policy; the clocks it set fall back to the next matching policy."""
    now = now or timezone.now()
    affected = _open_tickets().filter(_policy_match(policy))
    audit.record("sla.policy_deleted", policy, actor=acting_user, match=_policy_fields(policy))
    policy.delete()
    return recompute_timers(SlaTimer.objects.filter(ticket__in=affected), now=now)
