from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from shomer.conversations.models import Channel, Kind, Message, Priority, Status, Ticket
from shomer.conversations.search import search_tickets
from shomer.customers.models import Contact, Customer


class TicketFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    priority = django_filters.MultipleChoiceFilter(choices=Priority.choices)
    channel = django_filters.MultipleChoiceFilter(choices=Channel.choices)
    kind = django_filters.MultipleChoiceFilter(choices=Kind.choices)
    tag = django_filters.CharFilter(field_name="tags__name", label=_("tag"))
    q = django_filters.CharFilter(method="search", label=_("search"))
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    updated_after = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    unassigned = django_filters.BooleanFilter(field_name="assignee", lookup_expr="isnull")

    class Meta:
        model = Ticket
        fields = ["assignee", "team", "customer", "contact"]

    def search(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        return search_tickets(queryset, value)


class CustomerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("search"))

    class Meta:
        model = Customer
        fields = ["tier", "status", "kind", "owner", "language"]


class ContactFilter(django_filters.FilterSet):
    email = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Contact
        fields = ["customer", "email"]


class MessageFilter(django_filters.FilterSet):
    class Meta:
        model = Message
        fields = ["ticket", "direction"]
