"""The quarantine page: inbound input that could not be stored, for managers and admins."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shomer.channels import services
from shomer.conversations.models import InboundStatus

PAGE_SIZE = 50


@login_required
def quarantine(request: HttpRequest) -> HttpResponse:
    services.check_quarantine_access(request.user)
    page = Paginator(services.quarantined(), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(record, services.preview(record.head)) for record in page.object_list]
    return render(request, "channels/quarantine.html", {"page": page, "rows": rows})


@login_required
def quarantine_raw(request: HttpRequest, record_id: int) -> HttpResponse:
    record = services.access_quarantined(request.user, record_id)
    # A download, never a page: hostile mail must not render in the admin's browser.
    response = HttpResponse(bytes(record.raw), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="quarantine-{record.pk}.eml"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_POST
@login_required
def quarantine_retry(request: HttpRequest, record_id: int) -> HttpResponse:
    record = services.access_quarantined(request.user, record_id)
    outcome = services.do_retry(record, acting_user=request.user)
    if outcome.result is not None and outcome.result.status != InboundStatus.QUARANTINED:
        messages.success(
            request,
            _("Delivery %(number)s was stored: %(status)s.")
            % {"number": record.pk, "status": InboundStatus(outcome.result.status).label},
        )
    else:
        messages.error(
            request,
            _("Delivery %(number)s is still quarantined: %(reason)s")
            % {"number": record.pk, "reason": outcome.error},
        )
    return redirect("quarantine")
