"""SLA compliance over a period: met against breached, by team, agent, priority or channel.

A timer counts in the period in which it was decided: a met target when it was met, a
breached one at its due (when it breached). Cancelled, running and paused timers do not
count. Agents are the ticket's current assignee.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shomer.conversations.models import Channel, Priority
from shomer.sla.models import SlaTimer, Target, TimerState

GROUP_FIELDS = {
    "team": ("ticket__team__name",),
    "agent": (
        "ticket__assignee__first_name",
        "ticket__assignee__last_name",
        "ticket__assignee__username",
    ),
    "priority": ("ticket__priority",),
    "channel": ("ticket__channel",),
}


@dataclass(frozen=True)
class Row:
    label: str
    met: int
    breached: int

    @property
    def total(self) -> int:
        return self.met + self.breached

    @property
    def compliance(self) -> float | None:
        """Percent met, None when nothing was decided."""
        return round(100 * self.met / self.total, 1) if self.total else None


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Local midnight of `start` to local midnight after `end` (the end date included)."""
    zone = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=zone),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zone),
    )


def _label(by: str, values: tuple[Any, ...]) -> str:
    if by == "team":
        return str(values[0]) if values[0] else _("No team")
    if by == "agent":
        first, last, username = values
        name = f"{first or ''} {last or ''}".strip() or username
        return str(name) if name else _("Unassigned")
    if by == "priority":
        return str(Priority(values[0]).label) if values[0] in Priority.values else str(values[0])
    return str(Channel(values[0]).label) if values[0] in Channel.values else str(values[0])


def compliance(start: dt.date, end: dt.date, *, by: str, target: str = "") -> list[Row]:
    """Rows by `by` ("team", "agent", "priority", "channel"), most decided first."""
    low, high = period_bounds(start, end)
    decided = Q(state=TimerState.MET, completed_at__gte=low, completed_at__lt=high) | Q(
        state=TimerState.BREACHED, breached_at__gte=low, breached_at__lt=high
    )
    timers = SlaTimer.objects.filter(decided)
    if target:
        timers = timers.filter(target=target)
    fields = GROUP_FIELDS[by]
    grouped = (
        timers.order_by()
        .values(*fields)
        .annotate(
            met=Count("pk", filter=Q(state=TimerState.MET)),
            breached=Count("pk", filter=Q(state=TimerState.BREACHED)),
        )
    )
    rows: dict[str, Row] = {}
    for item in grouped:
        label = _label(by, tuple(item[field] for field in fields))
        previous = rows.get(label, Row(label, 0, 0))
        rows[label] = Row(label, previous.met + item["met"], previous.breached + item["breached"])
    return sorted(rows.values(), key=lambda row: (-row.total, row.label))


def total(rows: Iterable[Row]) -> Row:
    items = list(rows)
    return Row(_("All"), sum(row.met for row in items), sum(row.breached for row in items))


def figure(rows: list[Row]) -> dict[str, Any]:
    """A plotly bar chart of compliance by group (rendered by static/sla/js/sla-report.js)."""
    return {
        "data": [
            {
                "type": "bar",
                "x": [row.label for row in rows],
                "y": [row.compliance for row in rows],
                "text": [f"{row.compliance:.0f}%" if row.total else "" for row in rows],
                "textposition": "auto",
                "marker": {"color": "#1f5fbf"},
                "name": _("Met on time (%)"),
                "hovertemplate": "%{x}: %{y}%<extra></extra>",
            }
        ],
        "layout": {
            "yaxis": {"title": {"text": _("Met on time (%)")}, "range": [0, 100]},
            "margin": {"t": 20, "r": 20, "b": 80, "l": 60},
            "height": 340,
            "font": {"family": "Noto Sans Hebrew, Noto Sans, Arial, sans-serif"},
        },
    }


def write_csv(rows: list[Row], out: IO[str], *, by_label: str, target_label: str) -> None:
    writer = csv.writer(out)
    writer.writerow([by_label, _("Target"), _("Met"), _("Breached"), _("Total"), _("Compliance %")])
    for row in [*rows, total(rows)]:
        writer.writerow(
            [
                row.label,
                target_label,
                row.met,
                row.breached,
                row.total,
                "" if row.compliance is None else f"{row.compliance:.1f}",
            ]
        )


TARGET_LABELS = dict(Target.choices)
