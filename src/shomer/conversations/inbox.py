"""The agent inbox query: a queue, filters, search and sort over visible tickets."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from shomer.conversations.models import OPEN_STATUSES, Ticket
from shomer.conversations.search import search_tickets
from shomer.conversations.services import team_ids, visible_tickets
from shomer.people.models import Role, User

DEFAULT_SORT = "-updated_at"
# Queues people work from sort by the SLA due (earliest first, no clock last); the
# unassigned queue is read newest first, to be shared out.
SLA_SORT = "sla"
SLA_FIRST_QUEUES = ("mine", "team", "all")


def default_sort(queue: str) -> str:
    return SLA_SORT if queue in SLA_FIRST_QUEUES else DEFAULT_SORT


def default_queue(user: User) -> str:
    """Where the inbox opens: an agent on their own tickets, a team lead on their teams',
    a manager (who is rarely assigned tickets) on everything."""
    if user.is_superuser or user.role in (Role.MANAGER, Role.ADMIN):
        return "all"
    if user.role == Role.TEAM_LEAD:
        return "team"
    return "mine"


def inbox_tickets(user: User, filters: dict[str, Any]) -> QuerySet[Ticket]:
    """Tickets for the inbox; `filters` are an InboxFilterForm's cleaned data."""
    queue = filters.get("queue") or "mine"
    # One's own tickets and one's teams' are always visible: those queues skip the
    # visibility OR, so that they are read (and counted) from one partial index.
    if queue == "mine":
        tickets = Ticket.objects.filter(assignee=user)
    elif queue == "team":
        tickets = Ticket.objects.filter(team__in=team_ids(user))
    elif queue == "unassigned":
        tickets = visible_tickets(user).filter(assignee__isnull=True)
    else:
        tickets = visible_tickets(user)
    tickets = tickets.filter(merged_into__isnull=True)
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
