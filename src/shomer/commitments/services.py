"""Commitments: access_* loads for a user, check_* validates, do_* changes state.

Every do_* function assumes valid input (the check_* functions, forms and serializers check
it), ends a promise only with a conditional UPDATE (`... WHERE state = 'open'`, so a promise
kept and broken at the same moment ends once, as the first writer left it), writes the audit
log and emits the webhook events (commitment.created / kept / broken).
`shomer.conversations.services` calls the `on_*` functions (one line per event, no signals);
the clock-driven reminders and breaches are in `shomer.commitments.scan`. The arithmetic is
pure, in `shomer.commitments.rules`. docs/commitments.md explains the lifecycle.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from shomer.commitments import rules
from shomer.commitments.models import (
    Commitment,
    CommitmentKind,
    CommitmentSettings,
    CommitmentSource,
    CommitmentState,
    DetectedPromise,
    OfferState,
)
from shomer.conversations.models import Message, Status, Ticket
from shomer.core import audit
from shomer.health.dirty import mark_dirty
from shomer.language.promises import extract_promises
from shomer.people.models import Role, Team, User
from shomer.sla import rules as sla_rules
from shomer.sla.calendar import Calendar
from shomer.sla.models import SlaPolicy
from shomer.sla.services import calendar_for_team, ticket_facts
from shomer.webhooks.services import do_emit

logger = logging.getLogger(__name__)

# Reaching this status keeps a ticket's open delivery and refund promises: an agent marks a
# ticket solved when the goods arrived or the money went back. "Closed" does not keep them
# (a ticket is also closed when merged, or as spam).
DELIVERED_STATUS = Status.SOLVED
KEPT_BY_STATUS = (CommitmentKind.DELIVERY, CommitmentKind.REFUND)
# The most offers shown on a ticket: the latest replies' promises.
OFFERS_SHOWN = 20
MAX_TEXT = 2000


class CommitmentConflict(Exception):
    """The promise (or offer) has already ended or been handled: nothing was changed."""

    def __init__(self, state: str) -> None:
        super().__init__(state)
        self.state = state


# --- access -----------------------------------------------------------------------------------


def _team_ids(user: User) -> list[int]:
    return list(
        Team.objects.filter(Q(members=user) | Q(lead=user)).values_list("pk", flat=True).distinct()
    )


def _visible_ticket_ids(user: User) -> QuerySet[Ticket]:
    tickets = Ticket.objects.filter(
        Q(assignee=user) | Q(team__in=_team_ids(user)) | Q(team__isnull=True)
    )
    return tickets.values("pk")


def visible_commitments(user: User) -> QuerySet[Commitment]:
    """Promises `user` may see: all for managers; else their own and those on the tickets
    they may see (their teams', theirs, unrouted ones)."""
    commitments = Commitment.objects.all()
    if user.sees_all_tickets:
        return commitments
    return commitments.filter(Q(owner=user) | Q(ticket__in=_visible_ticket_ids(user)))


def access_commitment(user: User, commitment_id: int) -> Commitment:
    """The promise if `user` may see it; 404 otherwise (no hint that it exists)."""
    try:
        return visible_commitments(user).select_related(*_RELATED).get(pk=commitment_id)
    except (Commitment.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None


def access_offer(user: User, offer_id: int) -> DetectedPromise:
    """A promise offered on a ticket `user` may see; 404 otherwise."""
    offers = DetectedPromise.objects.select_related("ticket", "message")
    if not user.sees_all_tickets:
        offers = offers.filter(ticket__in=_visible_ticket_ids(user))
    try:
        return offers.get(pk=offer_id)
    except (DetectedPromise.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None


def leads(user: User) -> bool:
    return user.role == Role.TEAM_LEAD


def led_team_ids(user: User) -> set[int]:
    return set(Team.objects.filter(lead=user).values_list("pk", flat=True))


def can_cancel(user: User, commitment: Commitment, *, led: set[int] | None = None) -> bool:
    """The owner, a lead of the ticket's team (or of the owner's), or a manager. Cancelling
    takes a promise out of the kept-on-time ratio, so not every colleague may. `led`: the
    ids of the teams `user` leads, when the caller has them (a page of promises)."""
    if user.sees_all_tickets or commitment.owner_id == user.pk:
        return True
    if not leads(user):
        return False
    led = led_team_ids(user) if led is None else led
    if commitment.ticket is not None and commitment.ticket.team_id in led:
        return True
    return commitment.owner is not None and commitment.owner.teams.filter(pk__in=led).exists()


def check_can_cancel(user: User, commitment: Commitment) -> None:
    if not can_cancel(user, commitment):
        raise PermissionDenied


def report_people(user: User) -> QuerySet[User]:
    """Whose kept-on-time ratio `user` may see: everyone's for managers, their teams' for a
    team lead, their own for an agent."""
    people = User.objects.filter(is_active=True)
    if user.sees_all_tickets:
        return people
    if leads(user):
        return people.filter(Q(teams__lead=user) | Q(pk=user.pk)).distinct()
    return people.filter(pk=user.pk)


def manages_commitments(user: User) -> bool:
    return user.is_authenticated and user.sees_all_tickets


def check_manages_commitments(user: User) -> None:
    """The promise settings are for managers and admins: 403 otherwise."""
    if not manages_commitments(user):
        raise PermissionDenied


# --- settings and calendars -------------------------------------------------------------------


def commitment_settings() -> CommitmentSettings:
    """The business's one row of settings (created with the defaults on first use)."""
    row = CommitmentSettings.objects.order_by("pk").first()
    return row if row is not None else CommitmentSettings.objects.create()


@transaction.atomic
def do_update_settings(
    config: CommitmentSettings, *, auto_track_detected: bool, acting_user: User | None
) -> CommitmentSettings:
    old = config.auto_track_detected
    config.auto_track_detected = auto_track_detected
    config.updated_at = timezone.now()
    config.updated_by = acting_user
    config.save(update_fields=["auto_track_detected", "updated_at", "updated_by"])
    audit.record(
        "commitments.settings", config, actor=acting_user, old=old, new=auto_track_detected
    )
    return config


def team_calendar(team_id: int | None) -> Calendar:
    """The calendar a promise is counted on: the ticket's team's, else the default."""
    return calendar_for_team(team_id)


def ticket_calendar(ticket: Ticket | None) -> Calendar:
    return team_calendar(ticket.team_id if ticket is not None else None)


# --- checks -----------------------------------------------------------------------------------


def due_problem_message(code: str) -> str:
    return {
        rules.DUE_IN_PAST: _("This time has already passed. Choose a time in the future."),
        rules.DUE_TOO_FAR: _("A promise can be at most a year ahead."),
    }.get(code, _("This time cannot be promised."))


def check_due(
    requested: dt.datetime, *, ticket: Ticket | None, now: dt.datetime | None = None
) -> rules.DuePlacement:
    """Where a promise asked for `requested` is due on the ticket's team calendar.

    Raises ValidationError (on `due_at`) for a time that has passed or is more than a year
    ahead; a time outside working hours comes back moved to the next opening, with
    `requested` set (rules.place_due).
    """
    placement = rules.place_due(requested, now or timezone.now(), ticket_calendar(ticket))
    if placement.problem is not None:
        raise ValidationError({"due_at": [due_problem_message(placement.problem)]})
    return placement


def check_ticket_takes_promises(ticket: Ticket) -> None:
    """A closed (or merged) ticket takes no new promise: raises ValidationError on `ticket`."""
    if ticket.status == Status.CLOSED or ticket.merged_into_id is not None:
        raise ValidationError(
            {
                "ticket": [
                    _(
                        "Ticket #%(number)s is closed. Reopen it, or make the promise on a "
                        "new ticket."
                    )
                    % {"number": ticket.pk}
                ]
            }
        )


def moved_note(commitment: Commitment | rules.DuePlacement) -> str:
    """The note shown beside a moved due: "Asked for Sat 10:00, outside working hours: due
    at the next opening, Sun 09:00." (empty when the due was not moved)."""
    if isinstance(commitment, rules.DuePlacement):
        requested, due = commitment.requested, commitment.due
    else:
        requested, due = commitment.requested_due_at, commitment.due_at
    if requested is None:
        return ""
    return _(
        "Asked for %(requested)s, outside working hours: due at the next opening, %(due)s."
    ) % {"requested": when(requested), "due": when(due)}


def when(moment: dt.datetime) -> str:
    """A due time as people read it: "Sun 8.3 09:00" in the current language and zone."""
    return formats.date_format(timezone.localtime(moment), "D j.n H:i")


# --- creating ---------------------------------------------------------------------------------

_RELATED = ("ticket", "ticket__team", "owner", "customer", "contact")


def _schedule(
    start: dt.datetime,
    due: dt.datetime,
    calendar: Calendar,
    window_start: dt.datetime | None = None,
) -> dict[str, Any]:
    """The clock fields of an open promise made (or moved) at `start`, due at `due`."""
    remind_at = rules.reminder_at(start, due, calendar, window_start=window_start)
    return {"remind_at": remind_at, "reminded_at": None, "next_action_at": min(remind_at, due)}


def commitment_data(commitment: Commitment) -> dict[str, Any]:
    """The webhook payload and the API's plain view of a promise."""

    def iso(value: dt.datetime | None) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "id": commitment.pk,
        "kind": commitment.kind,
        "text": commitment.text,
        "state": commitment.state,
        "source": commitment.source,
        "customer": commitment.customer_id,
        "contact": commitment.contact_id,
        "ticket": commitment.ticket_id,
        "owner": commitment.owner_id,
        "due_at": iso(commitment.due_at),
        "requested_due_at": iso(commitment.requested_due_at),
        "original_due_at": iso(commitment.original_due_at),
        "phone": commitment.phone,
        "reason": commitment.reason,
        "created_at": iso(commitment.created_at),
        "kept_at": iso(commitment.kept_at),
        "broken_at": iso(commitment.broken_at),
        "cancelled_at": iso(commitment.cancelled_at),
        "kept_on_time": commitment.is_kept_on_time if commitment.state == "kept" else None,
    }


def _created(commitment: Commitment, actor: User | None) -> Commitment:
    audit.record(
        "commitment.created",
        commitment,
        actor=actor,
        kind=commitment.kind,
        ticket=commitment.ticket_id,
        owner=commitment.owner_id,
        due_at=commitment.due_at.isoformat(),
        requested_due_at=(
            commitment.requested_due_at.isoformat() if commitment.requested_due_at else None
        ),
        source=commitment.source,
    )
    do_emit("commitment.created", commitment_data(commitment))
    return commitment


@transaction.atomic
def do_create_commitment(
    ticket: Ticket,
    *,
    kind: str,
    text: str,
    placement: rules.DuePlacement,
    owner: User | None,
    source: str,
    created_by: User | None,
    source_key: str | None = None,
    now: dt.datetime | None = None,
) -> Commitment:
    """Promise something to `ticket`'s customer, due where `placement` says.

    Idempotent on `source_key`. Preconditions: `placement` came from `check_due` and the
    ticket passed `check_ticket_takes_promises`. The owner defaults to the ticket's assignee.
    """
    if source_key:
        existing = Commitment.objects.filter(source_key=source_key).first()
        if existing is not None:
            return existing
    now = now or timezone.now()
    commitment = Commitment.objects.create(
        kind=kind,
        text=text.strip()[:MAX_TEXT],
        customer=ticket.customer,
        contact=ticket.contact,
        ticket=ticket,
        owner=owner or ticket.assignee,
        due_at=placement.due,
        requested_due_at=placement.requested,
        source=source,
        source_key=source_key or None,
        created_by=created_by,
        created_at=now,
        **_schedule(now, placement.due, ticket_calendar(ticket)),
    )
    return _created(commitment, created_by)


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
    calendar = team_calendar(ticket.team_id)
    due_at = rules.callback_due(
        now,
        calendar,
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
        **_schedule(now, due_at, calendar, window.start if window else None),
    )
    return _created(commitment, created_by)


# --- ending -----------------------------------------------------------------------------------


def _end(commitment: Commitment, **changes: Any) -> bool:
    """Move an open promise to its end with one conditional UPDATE; False if it had already
    ended (another writer was first). On success `commitment` carries the changes."""
    changed = Commitment.objects.filter(pk=commitment.pk, state=CommitmentState.OPEN).update(
        next_action_at=None, **changes
    )
    if not changed:
        return False
    for field, value in changes.items():
        setattr(commitment, field, value)
    commitment.next_action_at = None
    return True


def _keep(
    commitment: Commitment,
    *,
    how: str,
    acting_user: User | None,
    message: Message | None,
    now: dt.datetime,
) -> bool:
    if not _end(commitment, state=CommitmentState.KEPT, kept_at=now, kept_by=message):
        return False
    audit.record(
        "commitment.kept",
        commitment,
        actor=acting_user,
        how=how,
        message=message.pk if message else None,
        on_time=now <= commitment.due_at,
    )
    do_emit("commitment.kept", commitment_data(commitment))
    mark_dirty(commitment.customer_id)
    return True


@transaction.atomic
def do_keep(
    commitment: Commitment,
    *,
    acting_user: User | None,
    message: Message | None = None,
    now: dt.datetime | None = None,
) -> Commitment:
    """Mark an open promise kept by hand. Raises CommitmentConflict (nothing changed) when it
    has already ended, whoever was first."""
    if not _keep(
        commitment, how="hand", acting_user=acting_user, message=message, now=now or timezone.now()
    ):
        raise CommitmentConflict(_current_state(commitment))
    return commitment


@transaction.atomic
def do_cancel(
    commitment: Commitment, *, reason: str, acting_user: User | None, now: dt.datetime | None = None
) -> Commitment:
    """Cancel an open promise, with the reason (the customer no longer wants it, it was
    entered twice...). Raises CommitmentConflict when it has already ended.
    Preconditions: a non-empty reason; `check_can_cancel` passed."""
    now = now or timezone.now()
    if not _end(
        commitment, state=CommitmentState.CANCELLED, cancelled_at=now, reason=reason.strip()
    ):
        raise CommitmentConflict(_current_state(commitment))
    audit.record("commitment.cancelled", commitment, actor=acting_user, reason=reason.strip())
    return commitment


def _current_state(commitment: Commitment) -> str:
    commitment.refresh_from_db()
    return commitment.state


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
    candidates = Commitment.objects.filter(
        kind=CommitmentKind.CALLBACK, state=CommitmentState.OPEN, phone=phone
    )
    return [
        commitment
        for commitment in candidates
        if _keep(commitment, how="call", acting_user=acting_user, message=message, now=now)
    ]


@transaction.atomic
def do_change_owner(
    commitment: Commitment, owner: User | None, *, acting_user: User | None
) -> Commitment:
    """Hand an open promise to another owner (reminders and the ratio follow it)."""
    old = commitment.owner_id
    if old == (owner.pk if owner else None):
        return commitment
    commitment.owner = owner
    commitment.save(update_fields=["owner"])
    audit.record(
        "commitment.owner", commitment, actor=acting_user, old=old, new=commitment.owner_id
    )
    return commitment


@transaction.atomic
def do_reword(commitment: Commitment, text: str, *, acting_user: User | None) -> Commitment:
    """Fix the wording of a promise (what was promised, not when: the due moves only with
    the customer told, `do_send_late_notice`)."""
    old, new = commitment.text, text.strip()[:MAX_TEXT]
    if old == new:
        return commitment
    commitment.text = new
    commitment.save(update_fields=["text"])
    audit.record("commitment.text", commitment, actor=acting_user, old=old, new=new)
    return commitment


# --- "this will be late" ----------------------------------------------------------------------


def check_can_reschedule(commitment: Commitment, now: dt.datetime | None = None) -> None:
    """A late notice goes out before the due, on an open promise with a ticket to write on;
    raises CommitmentConflict (ended) or ValidationError otherwise."""
    if commitment.state != CommitmentState.OPEN:
        raise CommitmentConflict(commitment.state)
    if commitment.ticket is None:
        raise ValidationError(_("This promise has no ticket to write to the customer on."))
    if commitment.due_at <= (now or timezone.now()):
        raise ValidationError(
            _("The due time has passed: the promise is broken. Apologise in a reply instead.")
        )


def check_new_due(
    commitment: Commitment, requested: dt.datetime, now: dt.datetime | None = None
) -> rules.DuePlacement:
    """The new due of a late promise: as `check_due`, and later than the current due."""
    placement = check_due(requested, ticket=commitment.ticket, now=now)
    if placement.due <= commitment.due_at:
        raise ValidationError(
            {
                "due_at": [
                    _("The new time must be later than the promised one, %(due)s.")
                    % {"due": when(commitment.due_at)}
                ]
            }
        )
    return placement


def late_notice_language(commitment: Commitment) -> str:
    """The customer's language: the contact's, else the customer's, else Hebrew."""
    if commitment.contact is not None:
        return commitment.contact.language
    if commitment.customer is not None:
        return commitment.customer.language
    return "he"


def late_notice_text(commitment: Commitment, new_due: dt.datetime, *, author: User | None) -> str:
    """The "this will be late" message offered to the agent, in the customer's language,
    with the promised and the new time (the agent may edit it before sending)."""
    language = late_notice_language(commitment)
    zone = ZoneInfo(ticket_calendar(commitment.ticket).timezone)
    with translation.override(language):
        values = {
            "name": commitment.contact.first_name if commitment.contact else "",
            "promise": commitment.text.strip().rstrip("."),
            "due": formats.date_format(commitment.due_at.astimezone(zone), "l j.n H:i"),
            "new_due": formats.date_format(new_due.astimezone(zone), "l j.n H:i"),
            "agent": (author.get_full_name() or author.username) if author else "",
        }
        greeting = _("Hello %(name)s,") % values if values["name"] else _("Hello,")
        if values["promise"]:
            body = (
                _(
                    "We promised you: “%(promise)s”, by %(due)s. We are sorry, it will take a "
                    "little longer than we thought: you will have it by %(new_due)s."
                )
                % values
            )
        else:
            body = (
                _(
                    "We promised you an answer by %(due)s. We are sorry, it will take a little "
                    "longer than we thought: you will have it by %(new_due)s."
                )
                % values
            )
        closing = _("Thank you for your patience,") + (
            "\n" + values["agent"] if values["agent"] else ""
        )
    return f"{greeting}\n\n{body}\n\n{closing}"


@transaction.atomic
def do_send_late_notice(
    commitment: Commitment,
    *,
    placement: rules.DuePlacement,
    body: str,
    author: User,
    now: dt.datetime | None = None,
) -> Message:
    """Tell the customer the promise will be late and move its due to `placement.due`.

    The message is a normal reply (`conversations.do_reply`, so it goes out by e-mail); it
    keeps no follow-up and offers no promise of its own. The first due stays in
    `original_due_at`; the reminder is set again. Preconditions: `check_can_reschedule` and
    `check_new_due` passed. Raises CommitmentConflict if the promise ended meanwhile.
    """
    from shomer.conversations.services import do_reply

    now = now or timezone.now()
    calendar = ticket_calendar(commitment.ticket)
    old_due = commitment.due_at
    changed = Commitment.objects.filter(
        pk=commitment.pk, state=CommitmentState.OPEN, due_at__gt=now
    ).update(
        due_at=placement.due,
        requested_due_at=placement.requested,
        original_due_at=Coalesce(F("original_due_at"), F("due_at")),
        late_notice_at=now,
        **_schedule(now, placement.due, calendar),
    )
    if not changed:
        raise CommitmentConflict(_current_state(commitment))
    assert commitment.ticket is not None  # check_can_reschedule
    message = do_reply(commitment.ticket, body_text=body, author=author, track_promises=False)
    commitment.refresh_from_db()
    audit.record(
        "commitment.rescheduled",
        commitment,
        actor=author,
        old=old_due.isoformat(),
        new=commitment.due_at.isoformat(),
        message=message.pk,
    )
    return message


# --- events from conversations ----------------------------------------------------------------


def on_reply(message: Message, *, now: dt.datetime | None = None) -> None:
    """An agent's reply was stored (conversations.do_reply, inside its transaction).

    It keeps the ticket's open follow-up promises made before it, and offers the promises
    found in its text for tracking (or tracks them at once, with the business's setting).
    Finding promises never fails a reply: an error is logged and the reply goes out.
    """
    ticket = message.ticket
    now = now or timezone.now()
    for commitment in Commitment.objects.filter(
        ticket=ticket,
        kind=CommitmentKind.FOLLOW_UP,
        state=CommitmentState.OPEN,
        created_at__lt=message.created_at,
    ):
        _keep(commitment, how="reply", acting_user=message.author, message=message, now=now)
    try:
        with transaction.atomic():
            _offer_promises(ticket, message, now)
    except Exception:
        logger.exception("promises of message %s were not offered", message.pk)


def _offer_promises(ticket: Ticket, message: Message, now: dt.datetime) -> None:
    calendar = ticket_calendar(ticket)
    found = extract_promises(message.body_text, message.created_at, ZoneInfo(calendar.timezone))
    if not found:
        return
    DetectedPromise.objects.bulk_create(
        [
            DetectedPromise(
                message=message,
                ticket=ticket,
                position=index,
                text=promise.text[:MAX_TEXT],
                kind=rules.guess_kind(promise.text),
                due_at=promise.due,
                created_at=now,
            )
            for index, promise in enumerate(found)
        ],
        ignore_conflicts=True,
    )
    if not commitment_settings().auto_track_detected:
        return
    if ticket.status == Status.CLOSED or ticket.merged_into_id is not None:
        return
    for offer in DetectedPromise.objects.filter(message=message, state=OfferState.OFFERED):
        if offer.due_at is None:
            continue  # no time named: it stays offered until the agent gives one
        placement = rules.place_due(offer.due_at, now, calendar)
        if placement.problem is None:
            do_track_offer(
                offer,
                kind=offer.kind,
                text=offer.text,
                placement=placement,
                owner=message.author,
                acting_user=message.author,
                now=now,
            )


def on_ticket_changed(
    ticket: Ticket,
    changed: dict[str, tuple[Any, Any]],
    *,
    acting_user: User | None,
    now: dt.datetime | None = None,
) -> None:
    """Fields changed (conversations.do_update_ticket): reaching DELIVERED_STATUS keeps the
    ticket's open delivery and refund promises."""
    if "status" not in changed or changed["status"][1] != DELIVERED_STATUS:
        return
    now = now or timezone.now()
    for commitment in Commitment.objects.filter(
        ticket=ticket, kind__in=KEPT_BY_STATUS, state=CommitmentState.OPEN
    ):
        _keep(commitment, how="status", acting_user=acting_user, message=None, now=now)


def on_merged(source: Ticket, target: Ticket) -> None:
    """`source` was merged into `target` (conversations.do_merge): its open promises and
    offers follow the conversation; ended ones stay where they were made."""
    Commitment.objects.filter(ticket=source, state=CommitmentState.OPEN).update(ticket=target)
    DetectedPromise.objects.filter(ticket=source, state=OfferState.OFFERED).update(ticket=target)


# --- offers -----------------------------------------------------------------------------------


def offers(ticket: Ticket) -> QuerySet[DetectedPromise]:
    """The promises still offered on `ticket`, the latest replies' first."""
    return DetectedPromise.objects.filter(ticket=ticket, state=OfferState.OFFERED).order_by(
        "-message_id", "position"
    )


@transaction.atomic
def do_track_offer(
    offer: DetectedPromise,
    *,
    kind: str,
    text: str,
    placement: rules.DuePlacement,
    owner: User | None,
    acting_user: User | None,
    now: dt.datetime | None = None,
) -> Commitment:
    """Track an offered promise: it becomes a commitment (source "detected").

    Raises CommitmentConflict if it was tracked or dismissed meanwhile (two clicks make one
    promise). Preconditions: `check_due` and `check_ticket_takes_promises` passed.
    """
    claimed = DetectedPromise.objects.filter(pk=offer.pk, state=OfferState.OFFERED).update(
        state=OfferState.TRACKED
    )
    if not claimed:
        offer.refresh_from_db()
        raise CommitmentConflict(offer.state)
    commitment = do_create_commitment(
        offer.ticket,
        kind=kind,
        text=text,
        placement=placement,
        owner=owner,
        source=CommitmentSource.DETECTED,
        source_key=f"detected:{offer.message_id}:{offer.position}",
        created_by=acting_user,
        now=now,
    )
    offer.state, offer.commitment = OfferState.TRACKED, commitment
    offer.save(update_fields=["commitment"])
    return commitment


@transaction.atomic
def do_dismiss_offer(offer: DetectedPromise, *, acting_user: User | None) -> DetectedPromise:
    """Not a promise worth tracking: the offer goes away. Raises CommitmentConflict if it
    was tracked or dismissed meanwhile."""
    changed = DetectedPromise.objects.filter(pk=offer.pk, state=OfferState.OFFERED).update(
        state=OfferState.DISMISSED
    )
    if not changed:
        offer.refresh_from_db()
        raise CommitmentConflict(offer.state)
    offer.state = OfferState.DISMISSED
    audit.record("promise.dismissed", offer, actor=acting_user, ticket=offer.ticket_id)
    return offer


# --- views over the ledger --------------------------------------------------------------------

# "My promises" also shows the promises broken in the last BROKEN_SHOWN_DAYS days and kept in
# the last KEPT_SHOWN_DAYS: the customer is still waiting for a broken one.
BROKEN_SHOWN_DAYS = 7
KEPT_SHOWN_DAYS = 7


@dataclass(frozen=True)
class MyPromises:
    overdue: list[Commitment]
    broken: list[Commitment]
    today: list[Commitment]
    week: list[Commitment]
    later: list[Commitment]
    kept: list[Commitment]


def my_promises(user: User, *, team: bool = False, now: dt.datetime | None = None) -> MyPromises:
    """`user`'s promises by when they are due (with `team`, those of the teams they lead,
    and their tickets' promises nobody owns)."""
    now = now or timezone.now()
    bounds = rules.day_bounds(now, timezone.get_current_timezone_name())
    if team:
        led = list(Team.objects.filter(lead=user).values_list("pk", flat=True))
        mine = Commitment.objects.filter(
            Q(owner__teams__in=led) | Q(owner=user) | Q(owner__isnull=True, ticket__team__in=led)
        ).distinct()
    else:
        mine = Commitment.objects.filter(owner=user)
    mine = mine.select_related(*_RELATED)
    open_ones = list(mine.filter(state=CommitmentState.OPEN).order_by("due_at", "id"))
    buckets: dict[str, list[Commitment]] = {"overdue": [], "today": [], "week": [], "later": []}
    for commitment in open_ones:
        buckets[rules.bucket(commitment.due_at, bounds)].append(commitment)
    broken = mine.filter(
        state=CommitmentState.BROKEN, broken_at__gte=now - dt.timedelta(days=BROKEN_SHOWN_DAYS)
    ).order_by("-broken_at", "-id")
    kept = mine.filter(
        state=CommitmentState.KEPT, kept_at__gte=now - dt.timedelta(days=KEPT_SHOWN_DAYS)
    ).order_by("-kept_at", "-id")
    return MyPromises(
        overdue=buckets["overdue"],
        broken=list(broken),
        today=buckets["today"],
        week=buckets["week"],
        later=buckets["later"],
        kept=list(kept),
    )


@dataclass(frozen=True)
class Tally:
    """Counts of ended and open promises, and the kept-on-time ratio (None: none ended)."""

    open: int = 0
    kept_on_time: int = 0
    kept_late: int = 0
    broken: int = 0
    cancelled: int = 0
    rescheduled: int = 0

    @property
    def kept(self) -> int:
        return self.kept_on_time + self.kept_late

    @property
    def ratio(self) -> float | None:
        return rules.on_time_ratio(self.kept_on_time, self.kept_late, self.broken)


_TALLY = {
    "open": Count("pk", filter=Q(state=CommitmentState.OPEN)),
    "kept_on_time": Count("pk", filter=Q(state=CommitmentState.KEPT, kept_at__lte=F("due_at"))),
    "kept_late": Count("pk", filter=Q(state=CommitmentState.KEPT, kept_at__gt=F("due_at"))),
    "broken": Count("pk", filter=Q(state=CommitmentState.BROKEN)),
    "cancelled": Count("pk", filter=Q(state=CommitmentState.CANCELLED)),
    "rescheduled": Count("pk", filter=Q(late_notice_at__isnull=False)),
}


def tally(commitments: QuerySet[Commitment]) -> Tally:
    return Tally(**commitments.aggregate(**_TALLY))


def customer_ledger(customer_id: int) -> tuple[Tally, QuerySet[Commitment]]:
    """A customer's ledger: the tally of every promise made to them, and their history,
    latest first."""
    commitments = Commitment.objects.filter(customer_id=customer_id)
    history = commitments.select_related(*_RELATED).order_by("-created_at", "-id")
    return tally(commitments), history


@dataclass(frozen=True)
class AgentRow:
    agent: User
    tally: Tally


def agent_report(viewer: User, *, since: dt.datetime, until: dt.datetime) -> list[AgentRow]:
    """Per owner `viewer` may see: the promises that ended (kept, broken, cancelled) between
    `since` and `until`, and those open now; best ratio first, nobody's ratio last."""
    people = {user.pk: user for user in report_people(viewer)}
    ended_in_range = (
        Q(state=CommitmentState.KEPT, kept_at__gte=since, kept_at__lt=until)
        | Q(state=CommitmentState.BROKEN, broken_at__gte=since, broken_at__lt=until)
        | Q(state=CommitmentState.CANCELLED, cancelled_at__gte=since, cancelled_at__lt=until)
        | Q(state=CommitmentState.OPEN)
    )
    rows = (
        Commitment.objects.filter(ended_in_range, owner__in=list(people))
        .values("owner")
        .annotate(**_TALLY)
    )
    tallies = {row.pop("owner"): Tally(**row) for row in rows}
    report = [AgentRow(user, tallies.get(pk, Tally())) for pk, user in people.items()]
    report.sort(
        key=lambda row: (
            row.tally.ratio is None,
            -(row.tally.ratio or 0.0),
            str(row.agent),
        )
    )
    return report
