"""Complaint tags: the ticket page's card (`{% ticket_complaint ticket %}`) and durations
in words."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from shomer.complaints import forms, services, staff
from shomer.complaints.models import Complaint, Event
from shomer.conversations.models import Ticket

register = template.Library()


@register.filter
def duration_words(value: dt.timedelta | None) -> str:
    """A duration as the largest whole unit: "5 minutes", "3 hours", "2 days"."""
    if value is None:
        return ""
    seconds = max(int(value.total_seconds()), 0)
    days, hours, minutes = seconds // 86400, seconds // 3600, seconds // 60
    if days >= 1:
        return ngettext("%(count)s day", "%(count)s days", days) % {"count": days}
    if hours >= 1:
        return ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}
    return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}


def _next_form(complaint: Complaint, user: Any) -> tuple[str, Any]:
    """The form of the next step, for the card (the complaint page has all of them)."""
    if complaint.acknowledged_at is None:
        body = services.acknowledgement_text(complaint, user)
        return "acknowledge", forms.AcknowledgeForm(initial={"body": body})
    if complaint.investigated_at is None:
        return "investigate", forms.InvestigationForm()
    if complaint.resolved_at is None:
        return "resolve", forms.ResolveForm()
    if complaint.followed_up_at is None:
        return "follow_up", forms.FollowUpForm()
    return "reopen", forms.ReopenForm()


@register.inclusion_tag("complaints/_ticket_card.html", takes_context=True)
def ticket_complaint(context: template.Context, ticket: Ticket) -> dict[str, Any]:
    """The complaint card on the ticket page: the proposal, or the complaint's steps and
    its next step; and for a manager, the actions on the ticket's incidents."""
    request = context["request"]
    user = request.user
    complaint = (
        Complaint.objects.filter(ticket=ticket)
        .select_related("ticket", "ticket__contact", "ticket__customer")
        .order_by("-created_at", "-id")
        .first()
    )
    out: dict[str, Any] = {
        "ticket": ticket,
        "complaint": complaint,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "user": user,
        "incident_count": staff.ticket_incidents(ticket).count() if staff.can_protect(user) else 0,
    }
    if complaint is None:
        out["proposal"] = services.proposal(ticket)
        return out
    step, form = _next_form(complaint, user)
    out.update(
        steps=services.stepper(complaint),
        blockers=services.blockers(complaint) if step == "resolve" else [],
        can_handle=services.can_handle(user, complaint),
        is_named=services.is_named(user, complaint),
        next_step=step,
        next_form=form,
        employees=list(complaint.employees.select_related("employee")),
        wrote_again=services.wrote_after_follow_up(complaint),
    )
    return out


EVENT_LABELS = {
    "opened": _("Opened"),
    "acknowledged": _("Acknowledged: we heard you"),
    "participant_added": _("Someone involved was added"),
    "employee_named": _("An employee was named"),
    "answered": _("The employee answered"),
    "meeting_logged": _("A meeting with the employee was logged"),
    "answered_for": _("A manager answered for a former employee"),
    "investigated": _("Investigation done"),
    "reviewed": _("Reviewed by a manager"),
    "resolved": _("Resolved"),
    "followed_up": _("Followed up"),
    "follow_up_reminded": _("Follow-up reminder sent"),
    "reopened": _("Reopened"),
    "moved": _("Moved to another ticket with a merge"),
    "backfilled": _("Recorded from the ticket's history"),
}


@register.filter
def event_label(event: Event) -> str:
    """A history line: what happened, with the reason of a reopening or the verdict."""
    label = str(EVENT_LABELS.get(event.kind, event.kind))
    if event.kind == "reopened" and event.data.get("reason"):
        return f"{label}: {event.data['reason']}"
    if event.kind in ("reviewed", "resolved") and event.data.get("verdict"):
        return f"{label} ({services.verdict_label(event.data['verdict'])})"
    if event.kind == "moved":
        return f"{label} (#{event.data.get('from_ticket')} → #{event.data.get('to_ticket')})"
    return label
