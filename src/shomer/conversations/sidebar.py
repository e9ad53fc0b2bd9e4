"""The customer side panel on a ticket: who this is, so that treatment is personal."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum

from shomer.conversations.models import OPEN_STATUSES, Ticket
from shomer.customers.models import Contract, Customer

HISTORY_LENGTH = 8


@dataclass(frozen=True)
class CustomerPanel:
    customer: Customer | None
    contract: Contract | None
    open_count: int
    total_count: int
    minutes_worked: int
    history: list[Ticket]


def customer_panel(ticket: Ticket) -> CustomerPanel:
    customer = ticket.customer
    if customer is None:
        return CustomerPanel(None, None, 0, 0, 0, [])
    tickets = Ticket.objects.filter(customer=customer, merged_into__isnull=True)
    others = tickets.exclude(pk=ticket.pk)
    return CustomerPanel(
        customer=customer,
        contract=customer.contracts.order_by("-starts_on").first(),
        open_count=tickets.filter(status__in=OPEN_STATUSES).count(),
        total_count=tickets.count(),
        minutes_worked=(
            Ticket.objects.filter(customer=customer).aggregate(m=Sum("time_entries__minutes"))["m"]
            or 0
        ),
        history=list(others.select_related("assignee").order_by("-created_at")[:HISTORY_LENGTH]),
    )
