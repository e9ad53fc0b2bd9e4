"""Complaints: access_* loads for a user, check_* raises a clear error, do_* changes state.

A complaint lives on a ticket (kind "complaint", so the complaint SLA policy sets its
clocks) and moves through steps: received, acknowledged (the "we heard you" reply, sent
through conversations.do_reply), investigated (everyone involved added), resolved (what
was done, and whether it was justified), followed up (a check a few days later, scheduled
and reminded). A complaint about an employee names them; it cannot be resolved until each
was heard (their answer, a meeting with them, or for someone who has left a manager's
answer for them) and a manager reviewed it. Every step is an `Event`, an audit row and a
webhook event; reopening starts a new round and keeps the old one in the history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from shomer.analysis.models import MessageAnalysis
from shomer.complaints import rules
from shomer.complaints.models import (
    OPEN_STEPS,
    Complaint,
    ComplaintEmployee,
    Entry,
    EntryKind,
    Event,
    Origin,
    Participant,
    ProposalDismissal,
    Step,
    Verdict,
)
from shomer.conversations.models import OPEN_STATUSES, Direction, Kind, Message, Status, Ticket
from shomer.core import audit
from shomer.language.detect import detect_language
from shomer.notifications.services import do_notify
from shomer.people.models import Role, Team, User
from shomer.webhooks.services import do_emit, is_wanted

NOTIFICATION_KIND = "complaints"
# The text themes are found in: the subject and the customer's first words, capped.
TEXT_LIMIT = 2000
BACKFILL_BATCH = 500


class ComplaintError(Exception):
    """A rule of the complaint workflow stops this action; the message says which."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(ComplaintError, PermissionDenied):
    """The user may not do this to this complaint (403, with the reason)."""


# --- who sees and who does what ---------------------------------------------------------


def _led_team_ids(user: User) -> list[int]:
    return list(Team.objects.filter(lead=user).values_list("pk", flat=True))


def visible_complaints(user: User) -> QuerySet[Complaint]:
    """Managers and admins see every complaint; a team lead the complaints on their teams'
    tickets; everyone the complaints on tickets assigned to them, those that name them,
    those they were added to, and those they opened."""
    complaints = Complaint.objects.all()
    if user.sees_all_tickets:
        return complaints
    own = (
        Q(ticket__assignee=user)
        | Q(employees__employee=user)
        | Q(participants__user=user)
        | Q(opened_by=user)
    )
    if user.role == Role.TEAM_LEAD:
        own |= Q(ticket__team__in=_led_team_ids(user))
    return complaints.filter(pk__in=Complaint.objects.filter(own).values("pk"))


def access_complaint(user: User, complaint_id: int) -> Complaint:
    """The complaint if `user` may see it; 404 otherwise (no hint that it exists)."""
    try:
        return (
            visible_complaints(user)
            .select_related("ticket", "ticket__assignee", "ticket__team", "customer", "theme")
            .get(pk=complaint_id)
        )
    except (Complaint.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None


def named_ids(complaint: Complaint) -> set[int]:
    return set(complaint.employees.values_list("employee_id", flat=True))


def is_named(user: User, complaint: Complaint) -> bool:
    return user.pk in named_ids(complaint)


def can_work_on_ticket(user: User, ticket: Ticket) -> bool:
    from shomer.conversations.services import visible_tickets

    return visible_tickets(user).filter(pk=ticket.pk).exists()


def check_can_handle(user: User, complaint: Complaint) -> None:
    """Steps, naming, people involved and meetings: for whoever may work on the ticket,
    except an employee the complaint names (someone else handles a complaint about you)."""
    if not can_work_on_ticket(user, complaint.ticket):
        raise NotAllowed(_("You cannot work on this complaint's ticket."))
    if is_named(user, complaint):
        raise NotAllowed(
            _("This complaint is about you: someone else handles it. You can answer it.")
        )


def can_handle(user: User, complaint: Complaint) -> bool:
    try:
        check_can_handle(user, complaint)
    except NotAllowed:
        return False
    return True


def check_can_review(user: User, complaint: Complaint) -> None:
    """The review of a complaint about an employee is a manager's (never their own)."""
    if not user.sees_all_tickets:
        raise NotAllowed(_("Only a manager can review a complaint about an employee."))
    if is_named(user, complaint):
        raise NotAllowed(_("A complaint about you is reviewed by another manager."))


def can_review(user: User, complaint: Complaint) -> bool:
    try:
        check_can_review(user, complaint)
    except NotAllowed:
        return False
    return True


def check_can_answer(user: User, complaint: Complaint) -> None:
    """Only an employee the complaint names answers it themselves."""
    if not is_named(user, complaint):
        raise NotAllowed(_("Only the employee this complaint names can answer it."))


def check_can_answer_for(user: User, complaint: Complaint, employee: User) -> None:
    """A manager answers for a named employee who has left (no one else can)."""
    if not user.sees_all_tickets:
        raise NotAllowed(_("Only a manager can answer for a former employee."))
    if employee.pk not in named_ids(complaint):
        raise ComplaintError(_("This complaint does not name %(name)s.") % {"name": employee})
    if employee.is_active:
        raise ComplaintError(
            _("%(name)s still works here and answers for themselves.") % {"name": employee}
        )


def _check_open_round(complaint: Complaint) -> None:
    if complaint.step == Step.FOLLOWED_UP:
        raise ComplaintError(_("This complaint is closed. Reopen it to continue."))


# --- recording --------------------------------------------------------------------------


def complaint_data(complaint: Complaint) -> dict[str, Any]:
    """The webhook payload of a complaint."""
    return {
        "id": complaint.pk,
        "ticket": complaint.ticket_id,
        "original_ticket": complaint.original_ticket_id,
        "customer": complaint.customer_id,
        "step": complaint.step,
        "round": complaint.round,
        "origin": complaint.origin,
        "verdict": complaint.verdict,
        "employees": sorted(named_ids(complaint)),
        "created_at": complaint.created_at.isoformat(),
        "resolved_at": complaint.resolved_at.isoformat() if complaint.resolved_at else None,
        "follow_up_due_at": (
            complaint.follow_up_due_at.isoformat() if complaint.follow_up_due_at else None
        ),
    }


def _record(
    complaint: Complaint,
    kind: str,
    actor: User | None,
    *,
    at: dt.datetime | None = None,
    **data: Any,
) -> Event:
    """One history event, one audit row, one webhook event (`complaint.<kind>`)."""
    event = Event.objects.create(
        complaint=complaint,
        kind=kind,
        round=complaint.round,
        actor=actor,
        at=at or timezone.now(),
        data=data,
    )
    audit.record(f"complaint.{kind}", complaint, actor=actor, ticket=complaint.ticket_id, **data)
    if is_wanted(f"complaint.{kind}"):  # the payload reads the named employees
        do_emit(f"complaint.{kind}", complaint_data(complaint))
    return event


def _save(complaint: Complaint, fields: list[str]) -> None:
    complaint.updated_at = timezone.now()
    complaint.save(update_fields=[*fields, "updated_at"])


def _notify(users: Iterable[User], complaint: Complaint, title: str, body: str) -> None:
    """Tell each active user, in their own language (`title`/`body` are English msgids
    with named placeholders filled from the complaint)."""
    url = complaint.get_absolute_url()
    values = {
        "number": complaint.ticket_id,
        "customer": complaint.customer.name if complaint.customer else "—",
    }
    seen: set[int] = set()
    for user in users:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        with translation.override(user.language):
            do_notify(
                user,
                kind=NOTIFICATION_KIND,
                title=_(title) % values,
                body=_(body) % values if body else "",
                url=url,
            )


def managers() -> QuerySet[User]:
    return User.objects.filter(role__in=[Role.MANAGER, Role.ADMIN], is_active=True)


# --- opening ----------------------------------------------------------------------------


def complaint_text(ticket: Ticket) -> str:
    """What the complaint says, for themes: the subject, the customer's first message and,
    when the ticket became a complaint later, their latest one (capped)."""
    inbound = Message.objects.filter(ticket=ticket, direction=Direction.INBOUND)
    first = inbound.order_by("created_at", "id").values_list("pk", "body_text").first()
    latest = inbound.order_by("-created_at", "-id").values_list("pk", "body_text").first()
    parts = [ticket.subject]
    if first:
        parts.append(first[1])
    if latest and first and latest[0] != first[0]:
        parts.append(latest[1])
    return "\n".join(parts)[:TEXT_LIMIT]


def open_complaint(ticket: Ticket) -> Complaint | None:
    """The ticket's complaint still in hand (not followed up), if any."""
    return (
        Complaint.objects.filter(ticket=ticket)
        .exclude(step=Step.FOLLOWED_UP)
        .order_by("-created_at", "-id")
        .first()
    )


@transaction.atomic
def do_open_complaint(
    ticket: Ticket,
    *,
    acting_user: User | None,
    origin: str = Origin.MARKED,
    now: dt.datetime | None = None,
) -> Complaint:
    """Open a complaint on the ticket (or return the one still in hand), and make the
    ticket a complaint so the complaint SLA policy sets its clocks. Tells the assignee."""
    existing = open_complaint(ticket)
    if existing is not None:
        return existing
    now = now or timezone.now()
    text = complaint_text(ticket)
    complaint = Complaint.objects.create(
        ticket=ticket,
        original_ticket=ticket,
        customer_id=ticket.customer_id,
        origin=origin,
        text=text,
        lang=detect_language(text)[:8],
        opened_by=acting_user if acting_user and acting_user.is_authenticated else None,
        created_at=now,
        updated_at=now,
    )
    _record(complaint, "opened", acting_user, at=now, origin=origin)
    if ticket.kind != Kind.COMPLAINT:
        from shomer.conversations.services import do_update_ticket

        do_update_ticket(ticket, acting_user=acting_user, kind=Kind.COMPLAINT)
    if ticket.assignee_id and ticket.assignee_id != getattr(acting_user, "pk", None):
        _notify(
            [ticket.assignee],  # type: ignore[list-item]
            complaint,
            gettext_noop("Ticket #%(number)s is now a complaint"),
            gettext_noop("A complaint is on the fast track: acknowledge it first (we heard you)."),
        )
    return complaint


def on_ticket_created(ticket: Ticket, *, acting_user: User | None) -> None:
    """A ticket opened with kind "complaint" (an API call, an unhappy survey answer)
    gets its complaint record (conversations.do_create_ticket calls this)."""
    if ticket.kind == Kind.COMPLAINT:
        do_open_complaint(ticket, acting_user=acting_user, origin=Origin.CREATED)


def on_kind_changed(ticket: Ticket, *, old: str, new: str, acting_user: User | None) -> None:
    """The ticket's kind changed (conversations.do_update_ticket): to complaint opens the
    record; away from complaint keeps it (the record is never lost)."""
    if new == Kind.COMPLAINT and old != Kind.COMPLAINT:
        do_open_complaint(ticket, acting_user=acting_user, origin=Origin.MARKED)


@transaction.atomic
def on_merged(source: Ticket, target: Ticket, *, acting_user: User | None) -> int:
    """A ticket was merged (conversations.do_merge): its complaints follow to the target,
    which becomes a complaint ticket if one of them is still in hand. Returns how many."""
    moved = list(Complaint.objects.filter(ticket=source))
    for complaint in moved:
        complaint.ticket = target
        _save(complaint, ["ticket"])
        _record(complaint, "moved", acting_user, from_ticket=source.pk, to_ticket=target.pk)
    in_hand = any(complaint.step != Step.FOLLOWED_UP for complaint in moved)
    if in_hand and target.kind != Kind.COMPLAINT:
        from shomer.conversations.services import do_update_ticket

        do_update_ticket(target, acting_user=acting_user, kind=Kind.COMPLAINT)
    return len(moved)


# --- the proposal -----------------------------------------------------------------------


def strong_messages(ticket: Ticket) -> QuerySet[MessageAnalysis]:
    """Analyses of the ticket's customer messages that read strongly dissatisfied."""
    return MessageAnalysis.objects.filter(
        message__ticket=ticket, message__direction=Direction.INBOUND
    ).filter(
        Q(
            sentiment__lte=rules.PROPOSE_SENTIMENT,
            dissatisfaction__gte=rules.PROPOSE_DISSATISFACTION,
        )
        | Q(dissatisfaction__gte=rules.STRONG_DISSATISFACTION)
    )


def proposal(ticket: Ticket) -> MessageAnalysis | None:
    """The customer message that makes the ticket page propose "this is a complaint": the
    latest strongly dissatisfied one, unless the ticket already is (or was) a complaint or
    staff dismissed the proposal after that message."""
    if ticket.kind == Kind.COMPLAINT or ticket.merged_into_id or not ticket.is_open:
        return None
    if Complaint.objects.filter(ticket=ticket).exists():
        return None
    latest = strong_messages(ticket).order_by("-message__created_at", "-message_id").first()
    if latest is None:
        return None
    dismissal = ProposalDismissal.objects.filter(ticket=ticket).first()
    if dismissal and dismissal.up_to_message_id and dismissal.up_to_message_id >= latest.message_id:
        return None
    return latest


@transaction.atomic
def do_accept_proposal(ticket: Ticket, *, acting_user: User) -> Complaint:
    """One click on the proposal: the ticket becomes a complaint."""
    return do_open_complaint(ticket, acting_user=acting_user, origin=Origin.PROPOSED)


@transaction.atomic
def do_dismiss_proposal(ticket: Ticket, *, acting_user: User) -> None:
    """ "Not a complaint": not proposed again until a later strongly dissatisfied message."""
    latest = strong_messages(ticket).order_by("-message_id").values_list("message_id", flat=True)
    ProposalDismissal.objects.update_or_create(
        ticket=ticket,
        defaults={
            "up_to_message_id": latest.first(),
            "dismissed_by": acting_user,
            "dismissed_at": timezone.now(),
        },
    )
    audit.record("complaint.proposal_dismissed", ticket, actor=acting_user)


# --- the steps --------------------------------------------------------------------------


ACKNOWLEDGEMENT = gettext_noop(
    "%(greeting)s\n\n"
    "We heard you, and thank you for telling us: it gives us the chance to put this right. "
    "Your complaint (ticket %(number)s) is now on our fast track, and %(agent)s is "
    "personally handling it. We are looking into everything that happened, with everyone "
    "involved, and we will get back to you with what we found and what we are doing about "
    "it.\n\n%(agent)s\n%(business)s"
)


def greeting(ticket: Ticket) -> str:
    """ "Hello Noa," in the active language, or "Hello," without a contact's name."""
    name = ticket.contact.first_name if ticket.contact_id and ticket.contact else ""
    return _("Hello %(name)s,") % {"name": name} if name else _("Hello,")


def acknowledgement_language(ticket: Ticket) -> str:
    """The customer's language: the contact's, else the customer's, else the ticket's."""
    if ticket.contact_id and ticket.contact:
        return ticket.contact.language or "he"
    if ticket.customer_id and ticket.customer:
        return ticket.customer.language or "he"
    return "he"


def acknowledgement_text(complaint: Complaint, agent: User) -> str:
    """The "we heard you" reply, in the customer's language, for the agent to edit."""
    ticket = complaint.ticket
    with translation.override(acknowledgement_language(ticket)):
        return _(ACKNOWLEDGEMENT) % {
            "greeting": greeting(ticket),
            "number": f"#{ticket.pk}",
            "agent": agent.get_full_name() or agent.username,
            "business": settings.SHOMER_BUSINESS_NAME,
        }


@transaction.atomic
def do_acknowledge(complaint: Complaint, *, body_text: str, acting_user: User) -> Message:
    """Send the "we heard you" reply (conversations.do_reply: by e-mail when the customer
    has an address) and mark the complaint acknowledged.
    Raises NotAllowed unless check_can_handle(acting_user, complaint)."""
    from shomer.conversations.services import do_reply

    check_can_handle(acting_user, complaint)
    if complaint.acknowledged_at is not None:
        raise ComplaintError(_("This complaint was already acknowledged."))
    message = do_reply(complaint.ticket, body_text=body_text, author=acting_user)
    complaint.acknowledged_at = message.created_at
    complaint.acknowledgement = message
    if complaint.step == Step.RECEIVED:
        complaint.step = Step.ACKNOWLEDGED
    _save(complaint, ["acknowledged_at", "acknowledgement", "step"])
    _record(complaint, "acknowledged", acting_user, message=message.pk)
    return message


@transaction.atomic
def do_add_participant(complaint: Complaint, user: User, *, acting_user: User) -> Participant:
    """Add someone involved to the investigation; they are told and may see the complaint."""
    check_can_handle(acting_user, complaint)
    _check_open_round(complaint)
    participant, created = Participant.objects.get_or_create(
        complaint=complaint, user=user, defaults={"added_by": acting_user}
    )
    if created:
        _record(complaint, "participant_added", acting_user, user=user.pk)
        if user.pk != acting_user.pk:
            _notify(
                [user],
                complaint,
                gettext_noop("You were added to the complaint on ticket #%(number)s"),
                gettext_noop("Please add what you know about it to the investigation."),
            )
    return participant


@transaction.atomic
def do_name_employee(
    complaint: Complaint, employee: User, *, acting_user: User
) -> ComplaintEmployee:
    """Name the employee the complaint is about. They are told and may answer it (a
    former employee is recorded all the same, and the managers answer for them); the
    managers are told a review is needed."""
    check_can_handle(acting_user, complaint)
    _check_open_round(complaint)
    named, created = ComplaintEmployee.objects.get_or_create(
        complaint=complaint,
        employee=employee,
        defaults={"named_by": acting_user, "was_active": employee.is_active},
    )
    if not created:
        return named
    _record(
        complaint, "employee_named", acting_user, employee=employee.pk, active=employee.is_active
    )
    if employee.is_active:
        _notify(
            [employee],
            complaint,
            gettext_noop("A complaint on ticket #%(number)s mentions you"),
            gettext_noop(
                "You will be part of the discussion: please give your side of what happened."
            ),
        )
        body = gettext_noop("A manager's review is needed before it can be resolved.")
    else:
        body = gettext_noop(
            "The employee it names no longer works here: a manager answers for them, and "
            "reviews it before it can be resolved."
        )
    _notify(
        [user for user in managers() if user.pk != employee.pk],
        complaint,
        gettext_noop("A complaint about an employee on ticket #%(number)s"),
        body,
    )
    return named


def _note(complaint: Complaint, text: str, author: User) -> Message:
    from shomer.conversations.services import do_add_note

    return do_add_note(complaint.ticket, body_text=text, author=author)


@transaction.atomic
def do_answer(complaint: Complaint, *, text: str, employee: User) -> Entry:
    """The named employee's own answer, kept on the complaint and as a note on the ticket.
    Raises NotAllowed unless the complaint names `employee`."""
    check_can_answer(employee, complaint)
    note = _note(complaint, text, employee)
    entry = Entry.objects.create(
        complaint=complaint,
        kind=EntryKind.ANSWER,
        employee=employee,
        author=employee,
        text=text,
        round=complaint.round,
        note=note,
    )
    _record(complaint, "answered", employee, employee=employee.pk)
    handlers = [complaint.ticket.assignee] if complaint.ticket.assignee else []
    _notify(
        [user for user in [*handlers, *managers()] if user is not None and user.pk != employee.pk],
        complaint,
        gettext_noop("The employee answered the complaint on ticket #%(number)s"),
        "",
    )
    return entry


@transaction.atomic
def do_log_meeting(
    complaint: Complaint, *, employee: User, text: str, met_on: dt.date, acting_user: User
) -> Entry:
    """A meeting with the named employee about the complaint, logged by the handler.
    Raises NotAllowed unless check_can_handle(acting_user, complaint)."""
    check_can_handle(acting_user, complaint)
    if employee.pk not in named_ids(complaint):
        raise ComplaintError(_("This complaint does not name %(name)s.") % {"name": employee})
    with translation.override(acting_user.language):
        heading = _("Meeting with %(name)s on %(date)s about the complaint:") % {
            "name": employee,
            "date": date_format(met_on, "SHORT_DATE_FORMAT"),
        }
    note = _note(complaint, f"{heading}\n{text}", acting_user)
    entry = Entry.objects.create(
        complaint=complaint,
        kind=EntryKind.MEETING,
        employee=employee,
        author=acting_user,
        text=text,
        met_on=met_on,
        round=complaint.round,
        note=note,
    )
    _record(
        complaint, "meeting_logged", acting_user, employee=employee.pk, met_on=met_on.isoformat()
    )
    return entry


@transaction.atomic
def do_answer_for(complaint: Complaint, *, employee: User, text: str, acting_user: User) -> Entry:
    """A manager answers for a named employee who has left.
    Raises unless check_can_answer_for(acting_user, complaint, employee)."""
    check_can_answer_for(acting_user, complaint, employee)
    with translation.override(acting_user.language):
        heading = _("Answered for %(name)s, who no longer works here:") % {"name": employee}
    note = _note(complaint, f"{heading}\n{text}", acting_user)
    entry = Entry.objects.create(
        complaint=complaint,
        kind=EntryKind.ON_BEHALF,
        employee=employee,
        author=acting_user,
        text=text,
        round=complaint.round,
        note=note,
    )
    _record(complaint, "answered_for", acting_user, employee=employee.pk)
    return entry


@transaction.atomic
def do_finish_investigation(complaint: Complaint, *, findings: str, acting_user: User) -> Complaint:
    """What the investigation found, with everyone involved added.
    Raises NotAllowed unless check_can_handle(acting_user, complaint)."""
    check_can_handle(acting_user, complaint)
    _check_open_round(complaint)
    if complaint.acknowledged_at is None:
        raise ComplaintError(
            _("Acknowledge the complaint first: the customer hears from us first.")
        )
    if complaint.investigated_at is not None:
        raise ComplaintError(_("The investigation of this round is already done."))
    complaint.investigated_at = timezone.now()
    complaint.findings = findings
    complaint.step = Step.INVESTIGATED
    _save(complaint, ["investigated_at", "findings", "step"])
    _record(
        complaint,
        "investigated",
        acting_user,
        involved=sorted(complaint.participants.values_list("user_id", flat=True)),
    )
    return complaint


@transaction.atomic
def do_review(complaint: Complaint, *, verdict: str, notes: str, acting_user: User) -> Complaint:
    """A manager's review of the round, with the verdict (justified or not).
    Raises NotAllowed unless check_can_review(acting_user, complaint)."""
    check_can_review(acting_user, complaint)
    _check_open_round(complaint)
    if complaint.resolved_at is not None:
        raise ComplaintError(_("This round is already resolved; reopen it to review again."))
    now = timezone.now()
    complaint.reviewed_by, complaint.reviewed_at, complaint.review_notes = acting_user, now, notes
    complaint.verdict, complaint.verdict_by = verdict, acting_user
    _save(complaint, ["reviewed_by", "reviewed_at", "review_notes", "verdict", "verdict_by"])
    _record(complaint, "reviewed", acting_user, verdict=verdict)
    return complaint


def named_employees(complaint: Complaint) -> list[rules.NamedEmployee]:
    heard: dict[int, set[str]] = {}
    for employee_id, kind in complaint.entries.values_list("employee_id", "kind"):
        heard.setdefault(employee_id, set()).add(kind)
    return [
        rules.NamedEmployee(
            employee_id=named.employee_id,
            is_active=named.employee.is_active,
            heard=frozenset(heard.get(named.employee_id, set())),
        )
        for named in complaint.employees.select_related("employee")
    ]


def blockers(
    complaint: Complaint, *, resolution: str | None = None, verdict: str = ""
) -> list[str]:
    """Why the complaint cannot be resolved yet, as sentences (empty: it can be); with
    `resolution` None, what is done is not asked yet."""
    employees = named_employees(complaint)
    found = rules.blockers_to_resolve(
        is_acknowledged=complaint.acknowledged_at is not None,
        is_investigated=complaint.investigated_at is not None,
        employees=employees,
        is_reviewed=complaint.reviewed_at is not None,
        has_verdict=bool(complaint.verdict or (verdict and not employees)),
        resolution=resolution,
    )
    names = {
        named.employee_id: named.employee
        for named in complaint.employees.select_related("employee")
    }
    sentences = []
    for code, employee_id in found:
        if code == rules.NOT_ACKNOWLEDGED:
            sentences.append(_("The customer was not acknowledged yet (we heard you)."))
        elif code == rules.NOT_INVESTIGATED:
            sentences.append(_("The investigation is not finished."))
        elif code == rules.EMPLOYEE_NOT_HEARD and employee_id is not None:
            employee = names[employee_id]
            if employee.is_active:
                sentences.append(
                    _("%(name)s was not included yet: their answer or a meeting with them.")
                    % {"name": employee}
                )
            else:
                sentences.append(
                    _("%(name)s has left: a manager must answer for them.") % {"name": employee}
                )
        elif code == rules.NOT_REVIEWED:
            sentences.append(_("A manager has not reviewed this complaint yet."))
        elif code == rules.NO_VERDICT:
            sentences.append(_("Record whether the complaint was justified."))
        elif code == rules.NO_RESOLUTION:
            sentences.append(_("Say what was done."))
    return sentences


def check_can_resolve(complaint: Complaint, *, resolution: str, verdict: str = "") -> None:
    _check_open_round(complaint)
    if complaint.resolved_at is not None:
        raise ComplaintError(_("This complaint is already resolved."))
    problems = blockers(complaint, resolution=resolution, verdict=verdict)
    if problems:
        raise ComplaintError(" ".join(problems))


def _calendar_for(ticket: Ticket) -> Any:
    from shomer.sla.services import calendar_for_team

    return calendar_for_team(ticket.team_id)


@transaction.atomic
def do_resolve(
    complaint: Complaint,
    *,
    resolution: str,
    acting_user: User,
    verdict: str = "",
    now: dt.datetime | None = None,
) -> Complaint:
    """Resolve the round: what was done, the verdict (the manager's review gives it when the
    complaint names an employee), the ticket solved, and the follow-up scheduled
    FOLLOW_UP_DAYS later on the team's calendar. Raises NotAllowed unless
    check_can_handle(acting_user, complaint), ComplaintError while something blocks it."""
    check_can_handle(acting_user, complaint)
    check_can_resolve(complaint, resolution=resolution, verdict=verdict)
    now = now or timezone.now()
    complaint.resolution = resolution
    complaint.resolved_at = now
    complaint.step = Step.RESOLVED
    fields = ["resolution", "resolved_at", "step", "follow_up_due_at", "follow_up_reminded_at"]
    if not complaint.verdict:
        complaint.verdict, complaint.verdict_by = verdict, acting_user
        fields += ["verdict", "verdict_by"]
    complaint.follow_up_due_at = rules.follow_up_due(now, _calendar_for(complaint.ticket))
    complaint.follow_up_reminded_at = None
    _save(complaint, fields)
    _record(
        complaint,
        "resolved",
        acting_user,
        at=now,
        verdict=complaint.verdict,
        follow_up_due_at=complaint.follow_up_due_at.isoformat(),
    )
    if complaint.ticket.status in OPEN_STATUSES:
        from shomer.conversations.services import do_update_ticket

        do_update_ticket(complaint.ticket, acting_user=acting_user, status=Status.SOLVED)
    return complaint


@transaction.atomic
def do_follow_up(
    complaint: Complaint, *, notes: str, is_satisfied: bool | None, acting_user: User
) -> Complaint:
    """The check a few days after the resolution: did it hold, is the customer satisfied.
    Raises NotAllowed unless check_can_handle(acting_user, complaint)."""
    check_can_handle(acting_user, complaint)
    if complaint.step != Step.RESOLVED:
        raise ComplaintError(_("Follow up after the complaint is resolved."))
    complaint.followed_up_at = timezone.now()
    complaint.follow_up_notes = notes
    complaint.is_customer_satisfied = is_satisfied
    complaint.step = Step.FOLLOWED_UP
    _save(complaint, ["followed_up_at", "follow_up_notes", "is_customer_satisfied", "step"])
    _record(complaint, "followed_up", acting_user, satisfied=is_satisfied)
    return complaint


# Fields of a round that reopening clears (they stay in the "reopened" event).
ROUND_FIELDS = (
    "investigated_at",
    "findings",
    "resolved_at",
    "resolution",
    "verdict",
    "reviewed_at",
    "review_notes",
    "follow_up_due_at",
    "follow_up_reminded_at",
    "followed_up_at",
    "follow_up_notes",
    "is_customer_satisfied",
)


def _snapshot(complaint: Complaint) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in ROUND_FIELDS:
        value = getattr(complaint, field)
        out[field] = value.isoformat() if isinstance(value, dt.datetime | dt.date) else value
    out["reviewed_by"] = complaint.reviewed_by_id
    out["verdict_by"] = complaint.verdict_by_id
    return out


@transaction.atomic
def do_reopen(complaint: Complaint, *, reason: str, acting_user: User) -> Complaint:
    """Reopen a resolved or followed-up complaint: a new round resumes at the
    investigation (the customer was already acknowledged), the employees' answers stay
    valid, a new manager review is needed; the previous round stays whole in the history.
    The ticket is reopened. Raises NotAllowed unless check_can_handle(acting_user, complaint)."""
    check_can_handle(acting_user, complaint)
    if complaint.step not in (Step.RESOLVED, Step.FOLLOWED_UP):
        raise ComplaintError(_("Only a resolved complaint can be reopened."))
    previous = _snapshot(complaint)
    complaint.round += 1
    complaint.step = Step.ACKNOWLEDGED
    for field in ROUND_FIELDS:
        blank = (
            ""
            if field in ("findings", "resolution", "verdict", "review_notes", "follow_up_notes")
            else None
        )
        setattr(complaint, field, blank)
    complaint.reviewed_by = complaint.verdict_by = None
    _save(complaint, ["round", "step", *ROUND_FIELDS, "reviewed_by", "verdict_by"])
    _record(complaint, "reopened", acting_user, reason=reason, previous=previous)
    if complaint.ticket.status not in OPEN_STATUSES:
        from shomer.conversations.services import do_update_ticket

        do_update_ticket(complaint.ticket, acting_user=acting_user, status=Status.OPEN)
    return complaint


def wrote_after_follow_up(complaint: Complaint) -> bool:
    """The customer wrote on the ticket after the complaint was resolved (a hint to reopen)."""
    since = complaint.followed_up_at or complaint.resolved_at
    if since is None or complaint.step not in (Step.RESOLVED, Step.FOLLOWED_UP):
        return False
    return complaint.ticket.messages.filter(
        direction=Direction.INBOUND, created_at__gt=since
    ).exists()


# --- clock-driven work ------------------------------------------------------------------


def do_remind_follow_ups(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Tell the handler (the ticket's assignee, else whoever resolved it, else the
    managers) of each follow-up now due, once: the row is claimed with a conditional
    UPDATE, so two workers never remind twice. Returns how many were reminded."""
    now = now or timezone.now()
    due = list(
        Complaint.objects.filter(
            step=Step.RESOLVED, follow_up_reminded_at__isnull=True, follow_up_due_at__lte=now
        )
        .order_by("follow_up_due_at")
        .values_list("pk", flat=True)[:limit]
    )
    reminded = 0
    for pk in due:
        with transaction.atomic():
            claimed = Complaint.objects.filter(
                pk=pk, step=Step.RESOLVED, follow_up_reminded_at__isnull=True
            ).update(follow_up_reminded_at=now)
            if not claimed:
                continue
            complaint = Complaint.objects.select_related("ticket__assignee", "customer").get(pk=pk)
            resolver = (
                Event.objects.filter(complaint=complaint, kind="resolved", round=complaint.round)
                .select_related("actor")
                .order_by("-at")
                .first()
            )
            people: list[User] = []
            if complaint.ticket.assignee and complaint.ticket.assignee.is_active:
                people.append(complaint.ticket.assignee)
            elif resolver and resolver.actor and resolver.actor.is_active:
                people.append(resolver.actor)
            else:
                people.extend(managers())
            _notify(
                people,
                complaint,
                gettext_noop("Follow up on the complaint on ticket #%(number)s"),
                gettext_noop(
                    "It was resolved a few days ago: check with the customer that the fix held."
                ),
            )
            _record(complaint, "follow_up_reminded", None, users=[user.pk for user in people])
            reminded += 1
    return reminded


def _history_steps(ticket: Ticket, now: dt.datetime) -> dict[str, Any]:
    """Steps a complaint ticket found without a record has already taken, read from the
    ticket itself (a first reply, solved, closed): history, not news."""
    values: dict[str, Any] = {"step": Step.RECEIVED}
    if ticket.first_response_at:
        values.update(step=Step.ACKNOWLEDGED, acknowledged_at=ticket.first_response_at)
    if ticket.status in (Status.SOLVED, Status.CLOSED):
        resolved = ticket.solved_at or ticket.updated_at
        values.update(
            step=Step.RESOLVED,
            investigated_at=values.get("acknowledged_at") or resolved,
            resolved_at=resolved,
            follow_up_due_at=resolved + dt.timedelta(days=rules.FOLLOW_UP_DAYS),
            # Long past: no reminder now for a follow-up nobody tracked then.
            follow_up_reminded_at=now,
        )
        if ticket.status == Status.CLOSED:
            values.update(step=Step.FOLLOWED_UP, followed_up_at=ticket.updated_at)
    return values


def do_backfill(*, now: dt.datetime | None = None, batch_size: int = BACKFILL_BATCH) -> int:
    """Complaint records for complaint tickets that have none (imports, the demo, the bulk
    pipeline), with the steps the ticket already took; no one is told. Returns how many."""
    now = now or timezone.now()
    made = 0
    while True:
        tickets = list(
            Ticket.objects.filter(kind=Kind.COMPLAINT, merged_into__isnull=True)
            .exclude(pk__in=Complaint.objects.values("ticket_id"))
            .order_by("pk")[:batch_size]
        )
        if not tickets:
            return made
        # The subject and the customer's first message: what the complaint was about.
        texts: dict[int, list[str]] = {ticket.pk: [ticket.subject] for ticket in tickets}
        for ticket_id, body in (
            Message.objects.filter(ticket__in=tickets, direction=Direction.INBOUND)
            .order_by("ticket_id", "created_at", "id")
            .values_list("ticket_id", "body_text")
        ):
            if len(texts[ticket_id]) < 2:
                texts[ticket_id].append(body)
        rows = []
        for ticket in tickets:
            text = "\n".join(texts[ticket.pk])[:TEXT_LIMIT]
            rows.append(
                Complaint(
                    ticket=ticket,
                    original_ticket=ticket,
                    customer_id=ticket.customer_id,
                    origin=Origin.BACKFILL,
                    text=text,
                    lang=detect_language(text)[:8],
                    created_at=ticket.created_at,
                    updated_at=now,
                    **_history_steps(ticket, now),
                )
            )
        with transaction.atomic():
            created = Complaint.objects.bulk_create(rows)
            Event.objects.bulk_create(
                Event(complaint=complaint, kind="backfilled", at=now, data={"step": complaint.step})
                for complaint in created
            )
        made += len(created)


# --- pages' helpers ---------------------------------------------------------------------


STEP_FIELDS = {
    Step.RECEIVED: "created_at",
    Step.ACKNOWLEDGED: "acknowledged_at",
    Step.INVESTIGATED: "investigated_at",
    Step.RESOLVED: "resolved_at",
    Step.FOLLOWED_UP: "followed_up_at",
}


def stepper(complaint: Complaint, *, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """The steps as the stepper shows them: done (when, and how long after the previous
    step), current (the next to do, with its due when known), or to come."""
    now = now or timezone.now()
    steps = []
    previous_at: dt.datetime | None = None
    current_found = False
    for step in Step:
        at = getattr(complaint, STEP_FIELDS[step])
        item: dict[str, Any] = {"step": step.value, "label": step.label, "at": at}
        if at is not None:
            item["state"] = "done"
            item["took"] = at - previous_at if previous_at else None
            previous_at = at
        elif not current_found:
            item["state"] = "current"
            current_found = True
            if step == Step.FOLLOWED_UP:
                item["due"] = complaint.follow_up_due_at
            elif step == Step.ACKNOWLEDGED:
                item["due"] = complaint.ticket.sla_due_at
            item["waiting"] = now - (previous_at or complaint.created_at)
            item["is_overdue"] = bool(item.get("due") and item["due"] < now)
        else:
            item["state"] = "todo"
        steps.append(item)
    return steps


def staff_choices() -> QuerySet[User]:
    """Everyone a complaint may name: staff on duty and those who have left."""
    return User.objects.order_by("-is_active", "first_name", "last_name", "username")


def verdict_label(value: str) -> str:
    return str(Verdict(value).label) if value in Verdict.values else ""


def offboarding_url(complaint_or_ticket: Complaint | Ticket) -> str | None:
    """The health app's parting-ways page for the customer, if there is one."""
    customer_id = complaint_or_ticket.customer_id
    if customer_id is None:
        return None
    try:
        return reverse("health-offboard", args=[customer_id])
    except Exception:  # the health app is optional
        return None


__all__ = [
    "OPEN_STEPS",
    "ComplaintError",
    "NotAllowed",
    "access_complaint",
    "check_can_answer",
    "check_can_answer_for",
    "check_can_handle",
    "check_can_resolve",
    "check_can_review",
    "do_accept_proposal",
    "do_acknowledge",
    "do_add_participant",
    "do_answer",
    "do_answer_for",
    "do_backfill",
    "do_dismiss_proposal",
    "do_finish_investigation",
    "do_follow_up",
    "do_log_meeting",
    "do_name_employee",
    "do_open_complaint",
    "do_remind_follow_ups",
    "do_reopen",
    "do_resolve",
    "do_review",
    "visible_complaints",
]
