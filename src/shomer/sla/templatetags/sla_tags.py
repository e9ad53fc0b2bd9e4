"""Template bits for SLA clocks: inbox countdowns, ticket badges, business-time formats."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django import template
from django.template.context import Context
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from shomer.conversations.models import Status, Ticket
from shomer.sla.calendar import Calendar, business_seconds_between
from shomer.sla.models import SlaTimer, TimerState
from shomer.sla.rules import format_business_time
from shomer.sla.services import calendars_by_team

register = template.Library()

# Less business time than this left: the countdown turns amber.
SOON_SECONDS = 60 * 60
ISRAEL = ZoneInfo("Asia/Jerusalem")


@register.filter
def business_minutes(minutes: int | None) -> str:
    """480 -> "8:00"; None -> "—"."""
    return "—" if minutes is None else format_business_time(minutes * 60)


@register.filter
def week_hours(week: dict[str, list[str]], day: str) -> str:
    return ", ".join(week.get(day) or [])


def _calendar(context: Context, team_id: int | None) -> Calendar:
    """The team's calendar, loaded once per page render (two queries, whatever the size)."""
    cache = context.render_context.get("sla_calendars")
    if cache is None:
        cache = context.render_context["sla_calendars"] = calendars_by_team()
    by_team, default = cache
    return by_team.get(team_id, default) if team_id is not None else default


@register.simple_tag(takes_context=True)
def sla_countdown(context: Context, ticket: Ticket) -> str:
    """Business time left until the ticket's earliest SLA due (or past it), as of now.

    A simple tag building its HTML directly: it runs once per inbox row, and rendering a
    sub-template per row cost more than the business-time arithmetic."""
    due = ticket.sla_due_at
    if due is None:
        if ticket.status == Status.PENDING:
            return format_html('<span class="sla sla-paused">{}</span>', _("Clock paused"))
        return mark_safe('<span class="muted">—</span>')
    now = timezone.now()
    seconds = business_seconds_between(now, due, _calendar(context, ticket.team_id))
    values = {"time": format_business_time(seconds)}
    if now > due:
        state, text = "overdue", _("%(time)s business hours overdue") % values
    else:
        state = "soon" if seconds < SOON_SECONDS else "ok"
        text = _("%(time)s business hours left") % values
    title = _("Due %(due)s") % {
        "due": formats.date_format(timezone.localtime(due, ISRAEL), "SHORT_DATETIME_FORMAT")
    }
    return format_html(
        '<span class="sla sla-{}" title="{}" data-testid="sla-countdown">{}</span>',
        state,
        title,
        text,
    )


@register.inclusion_tag("sla/_badges.html", takes_context=True)
def sla_badges(context: Context, ticket: Ticket) -> dict[str, Any]:
    """A badge per target: the live clocks, and the last finished one of other targets."""
    timers = list(SlaTimer.objects.filter(ticket=ticket).order_by("started_at", "pk"))
    live = [t for t in timers if t.is_outstanding or t.state == TimerState.PAUSED]
    live_targets = {t.target for t in live}
    latest_finished: dict[str, SlaTimer] = {}
    for timer in timers:
        if timer.target not in live_targets and timer.state != TimerState.CANCELLED:
            latest_finished[timer.target] = timer
    now = timezone.now()
    badges = []
    for timer in [*live, *latest_finished.values()]:
        badge: dict[str, Any] = {"timer": timer, "overdue": False}
        if timer.state == TimerState.RUNNING and timer.due_at is not None:
            seconds = business_seconds_between(
                now, timer.due_at, _calendar(context, ticket.team_id)
            )
            badge["overdue"] = now > timer.due_at
            badge["time"] = format_business_time(seconds)
        elif timer.state == TimerState.PAUSED:
            badge["time"] = format_business_time(max(timer.minutes * 60 - timer.used_seconds, 0))
        badges.append(badge)
    return {"badges": badges}
