from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend

from shomer.conversations.models import Channel, Kind, Message, Priority, Status, Ticket
from shomer.conversations.search import search_tickets
from shomer.customers.models import Contact, Customer


class InstantField(IsoDateTimeField):
    """An ISO 8601 instant, compared in UTC: Python takes offsets up to ±23:59 and
    PostgreSQL only up to ±15:59, so a far offset would otherwise fail in the database."""

    def to_python(self, value: Any) -> datetime | None:
        parsed: datetime | None = super().to_python(value)
        if parsed is None or parsed.tzinfo is None:
            return parsed
        try:
            return parsed.astimezone(UTC)
        except OverflowError:  # 0001-01-01T00:00+05:00 is before year 1 in UTC
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class InstantFilter(django_filters.IsoDateTimeFilter):
    """The API's filter on a moment (`created_after=2026-11-22T09:00:00+02:00`)."""

    field_class = InstantField


class TicketFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    priority = django_filters.MultipleChoiceFilter(choices=Priority.choices)
    channel = django_filters.MultipleChoiceFilter(choices=Channel.choices)
    kind = django_filters.MultipleChoiceFilter(choices=Kind.choices)
    tag = django_filters.CharFilter(field_name="tags__name", label=_("tag"))
    q = django_filters.CharFilter(method="search", label=_("search"))
    created_after = InstantFilter(field_name="created_at", lookup_expr="gte")
    created_before = InstantFilter(field_name="created_at", lookup_expr="lt")
    updated_after = InstantFilter(field_name="updated_at", lookup_expr="gte")
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


class LeanFilterBackend(DjangoFilterBackend):
    """django-filter, skipped when the query names none of the view's filters.

    With no filter given, a FilterSet builds a form, copies every filter and validates
    nothing to return the queryset unchanged: a sixth of an unfiltered list request. The
    result is the same either way; any filter parameter takes the full path (and its
    validation errors)."""

    def filter_queryset(self, request: Any, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not _names_a_filter(
            request.query_params, filterset_class.base_filters
        ):
            return queryset
        result: QuerySet[Any] = super().filter_queryset(request, queryset, view)
        return result


def _names_a_filter(params: Iterable[str], filters: Iterable[str]) -> bool:
    """Does a query parameter name a filter (or a suffixed part of one, as range filters
    take `name_after`)?"""
    names = tuple(filters)
    return any(param == name or param.startswith(f"{name}_") for param in params for name in names)
