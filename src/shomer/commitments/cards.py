"""The promises card on the ticket page: offers to track, open promises, the last ended ones.

Built by the `{% ticket_commitments %}` tag for the full page and by the views for the htmx
fragment (`commitments/_ticket_card.html`), from this one function.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from shomer.commitments import rules
from shomer.commitments.forms import CancelForm, CommitmentForm
from shomer.commitments.models import CommitmentKind, CommitmentState, DetectedPromise
from shomer.commitments.services import (
    OFFERS_SHOWN,
    can_cancel,
    leads,
    led_team_ids,
    moved_note,
    offers,
    ticket_calendar,
)
from shomer.conversations.models import Status, Ticket
from shomer.people.models import User

ENDED_SHOWN = 5
CALLBACK = CommitmentKind.CALLBACK


@dataclass
class Offer:
    offer: DetectedPromise
    form: CommitmentForm
    note: str


def offer_form(
    offer: DetectedPromise, user: User, zone: str, data: Any = None
) -> tuple[CommitmentForm, str]:
    """The one-click form of an offer, its due already placed on the team calendar, and a
    note when the time was moved, has passed, or was not named."""
    note = ""
    due = None
    if offer.due_at is None:
        note = _("No time was named: say when.")
    else:
        placement = rules.place_due(offer.due_at, timezone.now(), ticket_calendar(offer.ticket))
        if placement.problem == rules.DUE_IN_PAST:
            note = _("The time named has passed: choose a new one.")
        elif placement.problem is None:
            due = placement.due
            note = moved_note(placement)
    form = CommitmentForm(
        data,
        ticket=offer.ticket,
        zone=zone,
        prefix=f"offer-{offer.pk}",
        initial={"kind": offer.kind, "text": offer.text, "owner": user.pk, "due_at": due},
    )
    return form, note


def ticket_card(
    ticket: Ticket,
    user: User,
    *,
    new_form: CommitmentForm | None = None,
    failed_offer: tuple[int, CommitmentForm] | None = None,
    error: str = "",
) -> dict[str, Any]:
    zone = ticket_calendar(ticket).timezone
    shown: list[Offer] = []
    for offer in offers(ticket).select_related("ticket")[:OFFERS_SHOWN]:
        form, note = offer_form(offer, user, zone)
        if failed_offer is not None and failed_offer[0] == offer.pk:
            form = failed_offer[1]
        shown.append(Offer(offer, form, note))
    led = led_team_ids(user) if leads(user) else set()
    open_ones = list(
        ticket.commitments.filter(state=CommitmentState.OPEN)
        .select_related("owner", "ticket")
        .order_by("due_at", "id")
    )
    ended = list(
        ticket.commitments.exclude(state=CommitmentState.OPEN)
        .select_related("owner")
        .order_by("-id")[:ENDED_SHOWN]
    )
    return {
        "ticket": ticket,
        "takes_promises": ticket.status != Status.CLOSED and ticket.merged_into_id is None,
        "offers": shown,
        "open_callbacks": [
            (c, can_cancel(user, c, led=led)) for c in open_ones if c.kind == CALLBACK
        ],
        "open_commitments": [
            (c, can_cancel(user, c, led=led)) for c in open_ones if c.kind != CALLBACK
        ],
        "ended": ended,
        "new_form": new_form
        or CommitmentForm(
            ticket=ticket, zone=zone, prefix="new", initial={"owner": user.pk, "kind": "follow_up"}
        ),
        "cancel_form": CancelForm(),
        "zone": zone,
        "card_error": error,
    }
