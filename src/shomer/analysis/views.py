"""The tone coach in the reply box: the draft in, findings and promises out (htmx)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from shomer.analysis.services import DraftReading, read_draft
from shomer.conversations.forms import MAX_MESSAGE_CHARS
from shomer.conversations.services import access_ticket

FINDING_LABELS = {
    "cold": _("Cold or impersonal"),
    "excuse": _("Sounds like an excuse"),
    "pressure": _("Pressures the customer"),
    "humiliating": _("Humiliating"),
    "no_name": _("The customer's name is missing"),
}


class DraftForm(forms.Form):
    body = forms.CharField(max_length=MAX_MESSAGE_CHARS, required=False, strip=False)


def findings(draft: str, reading: DraftReading) -> list[dict[str, Any]]:
    """The findings as the template shows them; a greeting replaced by "Hi Noa," swallows
    its own comma, so that applying it does not leave two."""
    out = []
    for finding in reading.coaching.findings:
        end = finding.end
        if finding.suggestion.endswith(",") and draft[end : end + 1] == ",":
            end += 1
        out.append(
            {
                "kind": finding.kind,
                "label": FINDING_LABELS.get(finding.kind, finding.kind),
                "start": finding.start,
                "end": end,
                "text": draft[finding.start : end],
                "suggestion": finding.suggestion,
            }
        )
    return out


@require_POST
@login_required
def tone_coach(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = access_ticket(request.user, ticket_id)
    form = DraftForm(request.POST)
    draft = form.cleaned_data["body"] if form.is_valid() else ""
    if not draft.strip():
        return render(request, "analysis/_tone_coach.html", {"is_empty": True})
    reading = read_draft(ticket, draft)
    context = {"findings": findings(draft, reading), "promises": reading.promises}
    return render(request, "analysis/_tone_coach.html", context)
