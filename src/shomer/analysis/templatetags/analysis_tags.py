"""The ticket's language badges (abusive, angry, urgent) as one tag.

Built in Python rather than by including `analysis/_ticket_badges.html`: the inbox shows
them on every row, and an include per row cost more than the rest of the row's badges.
The include template calls this tag too, so there is one markup.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def ticket_signals(signals: Any, oob: bool = False, with_id: bool = False) -> SafeString:
    """`<span class="signals">` with a badge per raised signal (`signals`: TicketSignals
    or None). `oob` swaps it into the page by htmx; `with_id` gives it the page's id."""
    badges = []
    if signals:
        if signals.has_abuse:
            title = _(
                "A customer message on this ticket is abusive: it is shielded and logged as "
                "an incident"
            )
            badges.append(("abusive", title, _("Abusive")))
        if signals.is_angry:
            badges.append(("angry", _("The latest customer message is angry"), _("Angry")))
        if signals.is_urgent:
            title = _("The latest customer message asks for action now, and is not answered yet")
            badges.append(("urgent", title, _("Urgent")))
    if oob:
        identity = mark_safe('id="ticket-signals" hx-swap-oob="true" ')
    elif with_id:
        identity = mark_safe('id="ticket-signals" ')
    else:
        identity = mark_safe("")
    return format_html(
        '<span class="signals" {}data-testid="ticket-signals">{}</span>',
        identity,
        format_html_join("", '<span class="badge signal-{}" title="{}">{}</span>', badges),
    )
