"""Staff protection: shielding, incidents, escalation and staff verdicts.

An abusive customer message (detected by the analysis, or flagged by an agent) is shielded
on the ticket page, logged as an `Incident` against the customer, and escalated to the
managers once. An agent may clear a false detection; both verdicts are kept as
`AbuseCorrection` rows for retraining. Revealing a shielded message is audited.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shomer.analysis.models import MessageAnalysis
from shomer.conversations.models import Direction, Message
from shomer.conversations.services import visible_tickets
from shomer.core import audit
from shomer.language.abuse import abuse_kind, severity
from shomer.language.corpus import Example
from shomer.notifications.services import do_notify
from shomer.people.models import Role, Team, User
from shomer.protection.models import AbuseCorrection, Incident, Source

NOTIFICATION_KIND = "protection.incident"


def visible_incidents(user: User) -> QuerySet[Incident]:
    """Managers see every incident; a team lead their teams' tickets'; an agent the
    incidents on tickets assigned to them and those they reported."""
    incidents = Incident.objects.all()
    if user.sees_all_tickets:
        return incidents
    led = Team.objects.filter(lead=user).values("pk")
    return incidents.filter(
        Q(ticket__assignee=user) | Q(ticket__team__in=led) | Q(reported_by=user)
    )


def access_incident(user: User, incident_id: int) -> Incident:
    try:
        return visible_incidents(user).select_related("ticket", "message").get(pk=incident_id)
    except (Incident.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None


def can_review(user: User) -> bool:
    return user.sees_all_tickets or user.role == Role.TEAM_LEAD


def access_message(user: User, message_id: int) -> Message:
    """A customer message on a ticket `user` may work on; 404 otherwise."""
    try:
        return (
            Message.objects.filter(
                ticket__in=visible_tickets(user).values("pk"), direction=Direction.INBOUND
            )
            .select_related("ticket", "ticket__customer", "analysis", "author", "contact")
            .get(pk=message_id)
        )
    except (Message.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None


def _analysis(message: Message) -> MessageAnalysis:
    """The message's analysis, made now if it has none (a failed or a legacy message)."""
    existing = MessageAnalysis.objects.filter(message=message).first()
    if existing is not None:
        return existing
    from shomer.analysis.services import do_analyze_message

    made = do_analyze_message(message, escalate=False)
    if made is not None:
        return made
    return MessageAnalysis.objects.create(
        message=message, lang="", sentiment=0.0, label="neutral", abuse=0.0, urgency=0.0
    )


def managers() -> QuerySet[User]:
    return User.objects.filter(role=Role.MANAGER, is_active=True)


def _escalate(incident: Incident) -> None:
    """Tell every manager, each in their language, once per incident."""
    if incident.notified_at is not None:
        return
    url = reverse("ticket", args=[incident.ticket_id]) + f"#message-{incident.message_id}"
    customer = incident.customer.name if incident.customer else "—"
    for manager in managers():
        with translation.override(manager.language):
            title = _("%(kind)s from %(customer)s on ticket #%(number)s") % {
                "kind": incident.get_kind_display(),
                "customer": customer,
                "number": incident.ticket_id,
            }
            body = _(
                "A customer message was logged as an incident (severity: %(severity)s). "
                "Its text is shielded on the ticket page. You can reassign the ticket, "
                "reply on the team's behalf, or review the customer's fit."
            ) % {"severity": incident.get_severity_display()}
        do_notify(manager, kind=NOTIFICATION_KIND, title=title, body=body, url=url)
    incident.notified_at = timezone.now()
    incident.save(update_fields=["notified_at"])


@transaction.atomic
def do_record_detection(
    message: Message, analysis: MessageAnalysis, *, escalate: bool = True
) -> Incident:
    """Log an incident for a message the analysis found abusive (once per message)."""
    kind = abuse_kind(message.body_text)
    incident, created = Incident.objects.get_or_create(
        message=message,
        defaults={
            "ticket_id": message.ticket_id,
            "customer_id": message.ticket.customer_id,
            "kind": kind,
            "severity": severity(kind, analysis.abuse),
            "source": Source.DETECTED,
            "abuse_score": analysis.abuse,
        },
    )
    if created:
        audit.record("incident.created", incident, ticket=message.ticket_id, source=Source.DETECTED)
        if escalate:
            _escalate(incident)
    return incident


def _correct(message: Message, analysis: MessageAnalysis, *, abusive: bool, user: User) -> None:
    AbuseCorrection.objects.update_or_create(
        message=message,
        defaults={
            "text": message.body_text,
            "lang": analysis.lang,
            "is_abusive": abusive,
            "sentiment": "negative" if abusive else analysis.label,
            "is_urgent": analysis.is_urgent,
            "model_abuse": analysis.abuse,
            "corrected_by": user,
            "corrected_at": timezone.now(),
        },
    )


@transaction.atomic
def do_flag_message(
    message: Message, *, user: User, kind: str | None = None, notes: str = ""
) -> Incident:
    """An agent marks a customer message abusive: shielded, an incident (or a dismissed
    one restored), a correction kept for retraining, the managers told once.
    Precondition: an inbound message."""
    from shomer.analysis.services import do_refresh_signals

    analysis = _analysis(message)
    if not analysis.is_shielded:
        analysis.is_shielded = True
        analysis.save(update_fields=["is_shielded"])
    chosen = kind or abuse_kind(message.body_text)
    incident, created = Incident.objects.get_or_create(
        message=message,
        defaults={
            "ticket_id": message.ticket_id,
            "customer_id": message.ticket.customer_id,
            "kind": chosen,
            "severity": severity(chosen, 1.0),
            "source": Source.FLAGGED,
            "abuse_score": analysis.abuse,
            "reported_by": user,
            "notes": notes,
        },
    )
    if not created:
        incident.is_dismissed = False
        incident.kind = chosen
        incident.severity = severity(chosen, 1.0)
        incident.save(update_fields=["is_dismissed", "kind", "severity"])
    _correct(message, analysis, abusive=True, user=user)
    audit.record("message.flagged", message, actor=user, ticket=message.ticket_id, kind=chosen)
    do_refresh_signals(message.ticket)
    _escalate(incident)
    return incident


@transaction.atomic
def do_clear_message(message: Message, *, user: User) -> None:
    """An agent finds a shielded message was not abusive: unshielded, its incident kept but
    dismissed, the correction kept for retraining. Precondition: an inbound message."""
    from shomer.analysis.services import do_refresh_signals

    analysis = _analysis(message)
    analysis.is_shielded = False
    analysis.save(update_fields=["is_shielded"])
    Incident.objects.filter(message=message).update(is_dismissed=True)
    _correct(message, analysis, abusive=False, user=user)
    audit.record("message.cleared", message, actor=user, ticket=message.ticket_id)
    do_refresh_signals(message.ticket)


def do_reveal_message(message: Message, *, user: User) -> None:
    """An agent chose to read a shielded message: written to the audit log."""
    audit.record("message.revealed", message, actor=user, ticket=message.ticket_id)


@transaction.atomic
def do_review_incident(incident: Incident, *, user: User, notes: str = "") -> Incident:
    """A team lead or manager has looked at the incident (and may add notes).
    Precondition: `can_review(user)`."""
    incident.reviewed_by = user
    incident.reviewed_at = timezone.now()
    if notes.strip():
        incident.notes = f"{incident.notes}\n{notes.strip()}".strip()
    incident.save(update_fields=["reviewed_by", "reviewed_at", "notes"])
    audit.record("incident.reviewed", incident, actor=user)
    return incident


def corrections_as_examples() -> list[Example]:
    """Staff verdicts as labelled training examples (`shomer language train
    --with-corrections`)."""
    return [
        Example(
            text=correction.text,
            lang="he" if correction.lang == "he" else "en",
            sentiment=correction.sentiment,
            abuse=int(correction.is_abusive),
            urgency=int(correction.is_urgent),
            family="staff_corrections",
            is_test=False,
        )
        for correction in AbuseCorrection.objects.order_by("pk")
    ]
