"""Promise tags: the ticket page's card (`{% ticket_commitments ticket %}`) and the customer
page's ledger card (`{% customer_commitments customer %}`)."""

from __future__ import annotations

from typing import Any

from django import template

from shomer.channels.phone.numbers import display_phone
from shomer.commitments import cards
from shomer.commitments.models import Commitment
from shomer.commitments.services import customer_ledger
from shomer.commitments.services import moved_note as moved_note_of
from shomer.conversations.models import Ticket
from shomer.customers.models import Customer

register = template.Library()

LEDGER_CARD_ROWS = 5


@register.inclusion_tag("commitments/_ticket_card.html", takes_context=True)
def ticket_commitments(context: template.Context, ticket: Ticket) -> dict[str, Any]:
    request = context["request"]
    return {
        **cards.ticket_card(ticket, request.user),
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "user": request.user,
    }


@register.inclusion_tag("commitments/_customer_card.html")
def customer_commitments(customer: Customer) -> dict[str, Any]:
    tally, history = customer_ledger(customer.pk)
    return {"customer": customer, "tally": tally, "recent": list(history[:LEDGER_CARD_ROWS])}


@register.filter
def phone(value: str) -> str:
    """An E.164 number in the national style people read ("050-1234567")."""
    return display_phone(value) if value else ""


@register.filter
def percent(value: float | None) -> str:
    """A ratio as a whole percentage ("83%"); a dash when there is none."""
    return "—" if value is None else f"{round(value * 100)}%"


@register.filter
def moved_note(commitment: Commitment) -> str:
    """The note beside a due that was moved to the next opening (empty otherwise)."""
    return moved_note_of(commitment)
