"""Staff protection, the manager's side: what a manager does about an incident (reassign
the ticket, reply on the team's behalf, start parting ways in the health app), and the
measured exposure of each member of staff (incidents on their tickets, abusive messages
they chose to read, work outside working hours)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from shomer.complaints import rules
from shomer.complaints.services import NotAllowed, acknowledgement_language, greeting
from shomer.conversations.models import Direction, Message, Ticket, TimeEntry
from shomer.core import audit
from shomer.core.models import AuditEvent
from shomer.people.models import Role, Team, User
from shomer.protection.models import Incident, Severity


def can_protect(user: User) -> bool:
    return bool(user.is_authenticated and user.sees_all_tickets)


def check_can_protect(user: User) -> None:
    """Reassigning after an incident, replying for the team and parting ways are a
    manager's."""
    if not can_protect(user):
        raise NotAllowed(_("Only a manager can act on an incident this way."))


def ticket_incidents(ticket: Ticket) -> QuerySet[Incident]:
    """The incidents on the ticket that staff did not dismiss, newest first."""
    return Incident.objects.filter(ticket=ticket, is_dismissed=False).order_by("-created_at")


TEAM_REPLY = gettext_noop(
    "%(greeting)s\n\n"
    "We want to help you, and we will. We also ask that our staff be spoken to with "
    "respect: messages with insults or threats are not answered by the employee who "
    "received them. From now on I am handling your request on the team's behalf.\n\n"
    "%(manager)s, for the %(team)s team\n%(business)s"
)


def team_reply_text(ticket: Ticket, manager: User) -> str:
    """The reply on the team's behalf, in the customer's language, for the manager to edit."""
    team = ticket.team.name if ticket.team_id and ticket.team else settings.SHOMER_BUSINESS_NAME
    with translation.override(acknowledgement_language(ticket)):
        return _(TEAM_REPLY) % {
            "greeting": greeting(ticket),
            "manager": manager.get_full_name() or manager.username,
            "team": team,
            "business": settings.SHOMER_BUSINESS_NAME,
        }


@transaction.atomic
def do_reassign_after_incident(
    ticket: Ticket, assignee: User | None, *, acting_user: User
) -> Ticket:
    """Take the ticket away from the agent who was abused (to another agent, the manager,
    or nobody). Raises NotAllowed unless the user is a manager."""
    from shomer.conversations.services import do_assign

    check_can_protect(acting_user)
    old = ticket.assignee_id
    do_assign(ticket, assignee, acting_user=acting_user)
    audit.record(
        "protection.reassigned",
        ticket,
        actor=acting_user,
        old=old,
        new=assignee.pk if assignee else None,
        incidents=list(ticket_incidents(ticket).values_list("pk", flat=True)),
    )
    return ticket


@transaction.atomic
def do_reply_for_team(ticket: Ticket, *, body_text: str, acting_user: User) -> Message:
    """A manager's reply in the team's name (conversations.do_reply). Raises NotAllowed
    unless the user is a manager."""
    from shomer.conversations.services import do_reply

    check_can_protect(acting_user)
    message = do_reply(ticket, body_text=body_text, author=acting_user)
    audit.record("protection.team_reply", ticket, actor=acting_user, message=message.pk)
    return message


# --- exposure -----------------------------------------------------------------------------


def exposed_staff(user: User) -> QuerySet[User]:
    """Whose exposure `user` may see: managers everyone's; a team lead their teams' and
    their own; an agent their own."""
    staff = User.objects.filter(is_active=True)
    if user.sees_all_tickets:
        return staff
    if user.role == Role.TEAM_LEAD:
        led = Team.objects.filter(lead=user).values("pk")
        return staff.filter(Q(teams__in=led) | Q(pk=user.pk)).distinct()
    return staff.filter(pk=user.pk)


def _epoch(moments: list[dt.datetime]) -> np.ndarray[Any, Any]:
    return np.array([int(moment.timestamp()) for moment in moments], dtype=np.int64)


def _incident_handlers(incidents: list[Incident]) -> dict[int, int | None]:
    """Per incident, who had its ticket when it happened (assignment history)."""
    ticket_ids = {incident.ticket_id for incident in incidents}
    changes: dict[int, list[rules.Assignment]] = defaultdict(list)
    for at, object_id, data in AuditEvent.objects.filter(
        action="ticket.assigned",
        object_type="conversations.ticket",
        object_id__in=[str(pk) for pk in ticket_ids],
    ).values_list("at", "object_id", "data"):
        changes[int(object_id)].append(rules.Assignment(at, data.get("old"), data.get("new")))
    current = dict(Ticket.objects.filter(pk__in=ticket_ids).values_list("pk", "assignee_id"))
    return {
        incident.pk: rules.assignee_at(
            incident.created_at, changes[incident.ticket_id], current.get(incident.ticket_id)
        )
        for incident in incidents
    }


def exposure(
    users: QuerySet[User], start: dt.datetime, end: dt.datetime
) -> list[rules.ExposureRow]:
    """Each user's exposure from `start` to `end`: incidents on tickets they had when the
    message came (dismissed ones not counted), high-severity ones, shielded messages they
    revealed; replies and notes, and time logged, with the part outside their ticket's
    team's working hours."""
    from shomer.sla.services import calendars_by_team

    user_ids = list(users.values_list("pk", flat=True))
    wanted = set(user_ids)
    incidents = list(
        Incident.objects.filter(created_at__gte=start, created_at__lt=end, is_dismissed=False)
    )
    handlers = _incident_handlers(incidents)
    incident_count: Counter[int] = Counter()
    severe_count: Counter[int] = Counter()
    for incident in incidents:
        handler = handlers[incident.pk]
        if handler in wanted:
            incident_count[handler] += 1  # type: ignore[index]
            if incident.severity == Severity.HIGH:
                severe_count[handler] += 1  # type: ignore[index]
    revealed = Counter(
        AuditEvent.objects.filter(
            action="message.revealed", at__gte=start, at__lt=end, actor_id__in=user_ids
        ).values_list("actor_id", flat=True)
    )
    by_team, default = calendars_by_team()
    replies: Counter[int] = Counter()
    late_replies: Counter[int] = Counter()
    messages = list(
        Message.objects.filter(
            direction__in=[Direction.OUTBOUND, Direction.NOTE],
            author_id__in=user_ids,
            created_at__gte=start,
            created_at__lt=end,
        ).values_list("author_id", "created_at", "ticket__team_id")
    )
    grouped: dict[int | None, list[tuple[int, dt.datetime]]] = defaultdict(list)
    for author_id, created_at, team_id in messages:
        grouped[team_id].append((author_id, created_at))
        replies[author_id] += 1
    for team_id, items in grouped.items():
        calendar = by_team.get(team_id, default) if team_id is not None else default
        mask = rules.after_hours_mask(_epoch([at for _a, at in items]), calendar)
        for (author_id, _at), late in zip(items, mask, strict=True):
            if late:
                late_replies[author_id] += 1
    minutes: Counter[int] = Counter()
    late_minutes: Counter[int] = Counter()
    entries = list(
        TimeEntry.objects.filter(
            user_id__in=user_ids, worked_at__gte=start, worked_at__lt=end
        ).values_list("user_id", "worked_at", "minutes", "ticket__team_id")
    )
    by_calendar: dict[int | None, list[tuple[int, dt.datetime, int]]] = defaultdict(list)
    for user_id, worked_at, length, team_id in entries:
        by_calendar[team_id].append((user_id, worked_at, length))
        minutes[user_id] += length
    for team_id, rows in by_calendar.items():
        calendar = by_team.get(team_id, default) if team_id is not None else default
        outside = rules.minutes_after_hours(
            _epoch([at for _u, at, _m in rows]), [length for _u, _a, length in rows], calendar
        )
        for (user_id, _at, _length), late in zip(rows, outside, strict=True):
            late_minutes[user_id] += int(late)
    return [
        rules.ExposureRow(
            user_id=user_id,
            incidents=incident_count[user_id],
            severe_incidents=severe_count[user_id],
            revealed=revealed[user_id],
            replies=replies[user_id],
            replies_after_hours=late_replies[user_id],
            minutes=minutes[user_id],
            minutes_after_hours=late_minutes[user_id],
        )
        for user_id in user_ids
    ]


def exposure_report(
    user: User, *, days: int, now: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """The exposure page's rows for the staff `user` may see, most exposed first."""
    now = now or timezone.now()
    staff = exposed_staff(user)
    people = {person.pk: person for person in staff}
    rows = exposure(staff, now - dt.timedelta(days=days), now)
    out = [{"user": people[row.user_id], "row": row} for row in rows]
    out.sort(
        key=lambda item: (
            -item["row"].incidents,
            -item["row"].replies_after_hours,
            str(item["user"]),
        )
    )
    return out
