"""Shielded messages (reveal, flag, clear) and the incidents page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from shomer.analysis.models import TicketSignals
from shomer.conversations.models import Message
from shomer.protection import services
from shomer.protection.forms import FlagForm, ReviewForm

PAGE_SIZE = 30


def _message_body(
    request: HttpRequest, message: Message, *, revealed: bool = False
) -> HttpResponse:
    """The message's body block; after a verdict, the ticket's badges too (out of band)."""
    message = services.access_message(request.user, message.pk)  # fresh analysis state
    signals = TicketSignals.objects.filter(ticket_id=message.ticket_id).first()
    context = {
        "message": message,
        "revealed": revealed,
        "flag_form": FlagForm(),
        "signals": signals,
        "signals_oob": not revealed,
    }
    return render(request, "protection/_message_body.html", context)


@require_POST
@login_required
def reveal(request: HttpRequest, message_id: int) -> HttpResponse:
    message = services.access_message(request.user, message_id)
    services.do_reveal_message(message, user=request.user)
    return _message_body(request, message, revealed=True)


@require_POST
@login_required
def flag(request: HttpRequest, message_id: int) -> HttpResponse:
    message = services.access_message(request.user, message_id)
    form = FlagForm(request.POST)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    services.do_flag_message(message, user=request.user, kind=kind or None)
    return _message_body(request, message)


@require_POST
@login_required
def clear(request: HttpRequest, message_id: int) -> HttpResponse:
    message = services.access_message(request.user, message_id)
    services.do_clear_message(message, user=request.user)
    return _message_body(request, message)


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    incidents = services.visible_incidents(request.user).select_related(
        "ticket", "customer", "reported_by", "reviewed_by"
    )
    if request.GET.get("show") != "all":
        incidents = incidents.filter(reviewed_at__isnull=True, is_dismissed=False)
    page = Paginator(incidents, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "show": request.GET.get("show") or "open",
        "can_review": services.can_review(request.user),
        "review_form": ReviewForm(),
    }
    return render(request, "protection/incidents.html", context)


@require_POST
@login_required
def review(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = services.access_incident(request.user, incident_id)
    if not services.can_review(request.user):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    notes = form.cleaned_data["notes"] if form.is_valid() else ""
    services.do_review_incident(incident, user=request.user, notes=notes)
    return redirect("incidents")
