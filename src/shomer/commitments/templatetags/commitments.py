"""`{% open_callbacks ticket %}`: the ticket page's list of callbacks still to make."""

from __future__ import annotations

from typing import Any

from django import template

from shomer.channels.phone.numbers import display_phone
from shomer.commitments.services import open_callbacks as open_callbacks_of
from shomer.conversations.models import Ticket

register = template.Library()


@register.inclusion_tag("commitments/_open_callbacks.html")
def open_callbacks(ticket: Ticket) -> dict[str, Any]:
    return {"ticket": ticket, "callbacks": list(open_callbacks_of(ticket))}


@register.filter
def phone(value: str) -> str:
    """An E.164 number in the national style people read ("050-1234567")."""
    return display_phone(value) if value else ""
