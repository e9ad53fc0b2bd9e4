"""Promise pages: my promises, one promise, the ticket card's actions, a customer's ledger,
the kept-on-time report and the settings. Each view: access, validate, one service, render.

The ticket card's forms post with htmx and get the card back. htmx 2 does not swap a 4xx
answer, so a form error comes back to htmx as 200 with the errors in the card (a plain post
gets 422).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shomer.commitments import cards, rules, services
from shomer.commitments.forms import (
    CancelForm,
    CommitmentForm,
    LateNoticeForm,
    ReportForm,
    SettingsForm,
)
from shomer.commitments.models import Commitment, CommitmentSource, CommitmentState
from shomer.conversations.models import Ticket
from shomer.conversations.services import access_ticket
from shomer.core import audit
from shomer.customers.services import access_customer

LEDGER_PAGE = 30


def _card(request: HttpRequest, ticket: Ticket, status: int = 200, **extra: Any) -> HttpResponse:
    context = cards.ticket_card(ticket, request.user, **extra)
    if status != 200 and request.htmx:
        status = 200
    return render(request, "commitments/_ticket_card.html", context, status=status)


def _done(
    request: HttpRequest, commitment: Commitment | None, ticket: Ticket | None
) -> HttpResponse:
    if request.htmx and ticket is not None:
        return _card(request, ticket)
    if commitment is not None:
        return redirect(commitment)
    assert ticket is not None
    return redirect(ticket)


def _conflict(
    request: HttpRequest, state: str, ticket: Ticket | None, commitment: Commitment | None
) -> HttpResponse:
    text = _("This promise has already ended (%(state)s): nothing was changed.") % {
        "state": CommitmentState(state).label if state in CommitmentState.values else state
    }
    if request.htmx and ticket is not None:
        return _card(request, ticket, status=409, error=text)
    messages.error(request, text)
    if commitment is not None:
        return redirect(commitment)
    assert ticket is not None
    return redirect(ticket)


@login_required
def my_promises(request: HttpRequest) -> HttpResponse:
    team = request.GET.get("scope") == "team" and services.leads(request.user)
    context = {
        "promises": services.my_promises(request.user, team=team),
        "scope": "team" if team else "mine",
        "show_owner": team,
        "can_see_team": services.leads(request.user),
    }
    return render(request, "commitments/my_promises.html", context)


@login_required
def commitment_page(request: HttpRequest, commitment_id: int) -> HttpResponse:
    commitment = services.access_commitment(request.user, commitment_id)
    context = {
        "commitment": commitment,
        "history": audit.history(commitment),
        "cancel_form": CancelForm(),
        "can_cancel": services.can_cancel(request.user, commitment),
        "moved_note": services.moved_note(commitment),
    }
    return render(request, "commitments/commitment.html", context)


@require_POST
@login_required
def create(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = access_ticket(request.user, ticket_id)
    zone = services.ticket_calendar(ticket).timezone
    form = CommitmentForm(request.POST, ticket=ticket, zone=zone, prefix="new")
    if not form.is_valid() or form.placement is None:
        if request.htmx:
            return _card(request, ticket, status=422, new_form=form)
        return _invalid(request, form, ticket)
    commitment = services.do_create_commitment(
        ticket,
        kind=form.cleaned_data["kind"],
        text=form.cleaned_data["text"],
        placement=form.placement,
        owner=form.cleaned_data["owner"],
        source=CommitmentSource.MANUAL,
        created_by=request.user,
    )
    _note_move(request, commitment)
    return _done(request, None, ticket)


def _invalid(request: HttpRequest, form: CommitmentForm, ticket: Ticket) -> HttpResponse:
    response = render(
        request, "commitments/form_errors.html", {"form": form, "ticket": ticket}, status=422
    )
    return response


def _note_move(request: HttpRequest, commitment: Commitment) -> None:
    if commitment.requested_due_at is not None and not request.htmx:
        messages.warning(request, services.moved_note(commitment))


@require_POST
@login_required
def track_offer(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = services.access_offer(request.user, offer_id)
    ticket = offer.ticket
    zone = services.ticket_calendar(ticket).timezone
    form = CommitmentForm(request.POST, ticket=ticket, zone=zone, prefix=f"offer-{offer.pk}")
    if not form.is_valid() or form.placement is None:
        if request.htmx:
            return _card(request, ticket, status=422, failed_offer=(offer.pk, form))
        return _invalid(request, form, ticket)
    try:
        commitment = services.do_track_offer(
            offer,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            placement=form.placement,
            owner=form.cleaned_data["owner"],
            acting_user=request.user,
        )
    except services.CommitmentConflict:
        return _done(request, None, ticket)  # tracked by another click: the card shows it
    _note_move(request, commitment)
    return _done(request, None, ticket)


@require_POST
@login_required
def dismiss_offer(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = services.access_offer(request.user, offer_id)
    # Already tracked or dismissed by another click: the card shows which.
    with contextlib.suppress(services.CommitmentConflict):
        services.do_dismiss_offer(offer, acting_user=request.user)
    return _done(request, None, offer.ticket)


@require_POST
@login_required
def keep(request: HttpRequest, commitment_id: int) -> HttpResponse:
    commitment = services.access_commitment(request.user, commitment_id)
    try:
        services.do_keep(commitment, acting_user=request.user)
    except services.CommitmentConflict as conflict:
        return _conflict(request, conflict.state, commitment.ticket, commitment)
    return _done(request, commitment, commitment.ticket if request.htmx else None)


@require_POST
@login_required
def cancel(request: HttpRequest, commitment_id: int) -> HttpResponse:
    commitment = services.access_commitment(request.user, commitment_id)
    services.check_can_cancel(request.user, commitment)
    form = CancelForm(request.POST)
    if not form.is_valid():
        if request.htmx and commitment.ticket is not None:
            return _card(
                request,
                commitment.ticket,
                status=422,
                error=_("Say why, so the ledger stays honest."),
            )
        messages.error(request, _("Say why, so the ledger stays honest."))
        return redirect(commitment)
    try:
        services.do_cancel(commitment, reason=form.cleaned_data["reason"], acting_user=request.user)
    except services.CommitmentConflict as conflict:
        return _conflict(request, conflict.state, commitment.ticket, commitment)
    return _done(request, commitment, commitment.ticket if request.htmx else None)


@login_required
@require_http_methods(["GET", "POST"])
def late_notice(request: HttpRequest, commitment_id: int) -> HttpResponse:
    commitment = services.access_commitment(request.user, commitment_id)
    try:
        services.check_can_reschedule(commitment)
    except services.CommitmentConflict as conflict:
        return _conflict(request, conflict.state, None, commitment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(commitment)
    zone = services.ticket_calendar(commitment.ticket).timezone
    form = LateNoticeForm(request.POST or None, commitment=commitment, zone=zone)
    if request.method == "POST" and form.is_valid() and form.placement is not None:
        try:
            services.do_send_late_notice(
                commitment,
                placement=form.placement,
                body=form.cleaned_data["body"],
                author=request.user,
            )
        except services.CommitmentConflict as conflict:
            return _conflict(request, conflict.state, None, commitment)
        messages.success(
            request,
            _("The customer was told; the promise is now due %(due)s.")
            % {"due": services.when(commitment.due_at)},
        )
        return redirect(commitment.ticket)
    if request.method == "GET":
        suggested = _suggested_due(commitment)
        form = LateNoticeForm(
            commitment=commitment,
            zone=zone,
            initial={
                "due_at": suggested,
                "body": services.late_notice_text(commitment, suggested, author=request.user),
            },
        )
    context = {
        "commitment": commitment,
        "form": form,
        "language": services.late_notice_language(commitment),
        "zone": zone,
    }
    return render(
        request, "commitments/late_notice.html", context, status=422 if form.errors else 200
    )


def _suggested_due(commitment: Commitment) -> dt.datetime:
    """A day later than promised, at the next opening when that is outside working hours."""
    calendar = services.ticket_calendar(commitment.ticket)
    later = max(commitment.due_at, timezone.now()) + dt.timedelta(days=1)
    return rules.place_due(later, timezone.now(), calendar).due


@login_required
def customer_ledger(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = access_customer(request.user, customer_id)
    tally, history = services.customer_ledger(customer.pk)
    page = Paginator(history, LEDGER_PAGE).get_page(request.GET.get("page"))
    context = {"customer": customer, "tally": tally, "page": page}
    return render(request, "commitments/ledger.html", context)


@login_required
def report(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.GET)
    days = (form.cleaned_data.get("days") if form.is_valid() else None) or 90
    until = timezone.now()
    rows = services.agent_report(request.user, since=until - dt.timedelta(days=days), until=until)
    context = {"form": form, "rows": rows, "days": days}
    return render(request, "commitments/report.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    services.check_manages_commitments(request.user)
    config = services.commitment_settings()
    form = SettingsForm(
        request.POST or None, initial={"auto_track_detected": config.auto_track_detected}
    )
    if request.method == "POST" and form.is_valid():
        services.do_update_settings(
            config,
            auto_track_detected=form.cleaned_data["auto_track_detected"],
            acting_user=request.user,
        )
        messages.success(request, _("Promise settings saved."))
        return redirect("commitment-settings")
    return render(request, "commitments/settings.html", {"form": form, "config": config})
