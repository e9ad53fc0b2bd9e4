"""The agent inbox query: a queue, filters, search and sort over visible tickets."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q, QuerySet

from shomer.conversations.models import OPEN_STATUSES, Ticket
from shomer.conversations.search import search_tickets
from shomer.conversations.services import visible_tickets
from shomer.people.models import Team, User

DEFAULT_SORT = "-updated_at"
# Queues an agent works from sort by the SLA due (earliest first, no clock last).
SLA_SORT = "sla"
SLA_FIRST_QUEUES = ("mine", "team")


def default_sort(queue: str) -> str:
    return SLA_SORT if queue in SLA_FIRST_QUEUES else DEFAULT_SORT


def inbox_tickets(user: User, filters: dict[str, Any]) -> QuerySet[Ticket]:
    """Tickets for the inbox; `filters` are an InboxFilterForm's cleaned data."""
    tickets = visible_tickets(user).filter(merged_into__isnull=True)
    queue = filters.get("queue") or "mine"
    if queue == "mine":
        tickets = tickets.filter(assignee=user)
    elif queue == "team":
        teams = Team.objects.filter(Q(members=user) | Q(lead=user)).values("pk")
        tickets = tickets.filter(team__in=teams)
    elif queue == "unassigned":
        tickets = tickets.filter(assignee__isnull=True)
    status = filters.get("status") or ""
    if status == "":
        tickets = tickets.filter(status__in=OPEN_STATUSES)
    elif status != "any":
        tickets = tickets.filter(status=status)
    for field in ("priority", "channel", "kind"):
        if value := filters.get(field):
            tickets = tickets.filter(**{field: value})
    if tag := filters.get("tag"):
        tickets = tickets.filter(tags__name=tag)
    if query := filters.get("q"):
        tickets = search_tickets(tickets, query)
    sort = filters.get("sort") or default_sort(queue)
    order = (F("sla_due_at").asc(nulls_last=True), "id") if sort == SLA_SORT else (sort, "-id")
    return (
        tickets.defer("search_text")
        .select_related("customer", "assignee", "signals")
        .order_by(*order)
    )
