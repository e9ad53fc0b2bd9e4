from __future__ import annotations

from django import template

from shomer.channels.services import can_see_quarantine, quarantine_count
from shomer.people.models import User

register = template.Library()


@register.simple_tag
def quarantine_nav(user: User) -> int | None:
    """How many deliveries wait in quarantine, for those who may see it; else None."""
    if not can_see_quarantine(user):
        return None
    return quarantine_count()
