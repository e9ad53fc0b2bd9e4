"""Agent pages: the phone call log (with the open callbacks to make) and the caller match."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from shomer.channels.phone.forms import CallLogForm
from shomer.channels.phone.numbers import display_phone, normalize_phone
from shomer.channels.phone.services import do_log_call
from shomer.commitments.models import Commitment, CommitmentKind, CommitmentState
from shomer.conversations.services import visible_tickets
from shomer.people.models import User

CALLBACKS_SHOWN = 30


def callbacks_for(user: User) -> QuerySet[Commitment]:
    """Open callbacks on tickets `user` may see, due first."""
    return (
        Commitment.objects.filter(
            kind=CommitmentKind.CALLBACK,
            state=CommitmentState.OPEN,
            ticket__in=visible_tickets(user).values("pk"),
        )
        .select_related("ticket", "owner", "contact", "customer")
        .order_by("due_at", "id")
    )


@login_required
@require_http_methods(["GET", "POST"])
def calls(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = CallLogForm(request.POST)
        if form.is_valid():
            result = do_log_call(form.call_log(), agent=request.user)
            if result.ticket_id is None:
                messages.warning(request, _("The call was kept but not added to a ticket."))
                return redirect("calls")
            messages.success(
                request, _("Call logged on ticket #%(number)s.") % {"number": result.ticket_id}
            )
            if visible_tickets(request.user).filter(pk=result.ticket_id).exists():
                return redirect("ticket", result.ticket_id)
            return redirect("calls")
    else:
        fields = ("phone", "direction", "name")
        initial = {key: request.GET[key] for key in fields if key in request.GET}
        if e164 := normalize_phone(initial.get("phone", "")):
            initial["phone"] = display_phone(e164)
        form = CallLogForm(initial=initial)
    context = {
        "form": form,
        "token": form.page_token(),
        "callbacks": callbacks_for(request.user)[:CALLBACKS_SHOWN],
    }
    return render(request, "channels_web/calls.html", context, status=422 if form.errors else 200)


@login_required
@require_GET
def caller_match(request: HttpRequest) -> HttpResponse:
    """The caller's contact and open tickets for the number typed so far (htmx partial)."""
    form = CallLogForm(initial={"phone": request.GET.get("phone", "")})
    return render(request, "channels_web/_caller_match.html", {"form": form})
