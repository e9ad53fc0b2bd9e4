"""REST API: thin views over the same access_* / do_* functions as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response

from shomer.api import filters, serializers
from shomer.conversations import services as conversations
from shomer.conversations.models import Direction, Message, Ticket
from shomer.customers import services as customers
from shomer.customers.models import Contact, Customer


class CustomerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Customer],
):
    serializer_class = serializers.CustomerSerializer
    filterset_class = filters.CustomerFilter
    ordering_fields = ["name", "created_at", "tier"]
    queryset = Customer.objects.order_by("name", "id")

    def perform_create(self, serializer: serializers.CustomerSerializer) -> None:
        serializer.instance = customers.do_create_customer(
            acting_user=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer: serializers.CustomerSerializer) -> None:
        customers.do_update_customer(
            serializer.instance, acting_user=self.request.user, **serializer.validated_data
        )


class ContactViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Contact],
):
    serializer_class = serializers.ContactSerializer
    filterset_class = filters.ContactFilter
    ordering_fields = ["name", "created_at"]
    queryset = Contact.objects.order_by("name", "id")

    def perform_create(self, serializer: serializers.ContactSerializer) -> None:
        serializer.instance = customers.do_create_contact(
            acting_user=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer: serializers.ContactSerializer) -> None:
        customers.do_update_contact(
            serializer.instance, acting_user=self.request.user, **serializer.validated_data
        )


class TicketViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Ticket]
):
    serializer_class = serializers.TicketSerializer
    filterset_class = filters.TicketFilter
    # The unfiltered list is the hot path: django-filter only when a filter is given.
    filter_backends = [filters.LeanFilterBackend, OrderingFilter]
    ordering_fields = ["created_at", "updated_at", "priority_rank", "id"]

    def get_queryset(self) -> QuerySet[Ticket]:
        return (
            conversations.visible_tickets(self.request.user)
            .defer("search_text")
            .select_related("customer")
            .order_by("-updated_at", "-id")
        )

    def paginate_queryset(self, queryset: QuerySet[Ticket]) -> list[Ticket] | None:
        page: list[Ticket] | None = super().paginate_queryset(queryset)
        if page is not None:
            conversations.attach_tag_names(page)  # the serializer reads `tag_names`
        return page

    def get_object(self) -> Ticket:
        return conversations.access_ticket(self.request.user, self.kwargs["pk"])

    @extend_schema(
        request=serializers.TicketCreateSerializer, responses=serializers.TicketSerializer
    )
    def create(self, request: Request) -> Response:
        data = _valid(serializers.TicketCreateSerializer, request.data)
        ticket = conversations.do_create_ticket(acting_user=request.user, **data)
        return Response(self.get_serializer(ticket).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.TicketUpdateSerializer, responses=serializers.TicketSerializer
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        ticket = self.get_object()
        data = _valid(serializers.TicketUpdateSerializer, request.data)
        if "assignee" in data:
            conversations.do_assign(ticket, data.pop("assignee"), acting_user=request.user)
        if "tags" in data:
            conversations.do_set_tags(ticket, data.pop("tags"), acting_user=request.user)
        if data:
            conversations.do_update_ticket(ticket, acting_user=request.user, **data)
        return Response(self.get_serializer(ticket).data)

    @extend_schema(
        request=serializers.MessageCreateSerializer, responses=serializers.MessageSerializer
    )
    @action(detail=True, methods=["post"])
    def messages(self, request: Request, pk: str) -> Response:
        ticket = self.get_object()
        data = _valid(serializers.MessageCreateSerializer, request.data)
        new_status = data.pop("status", None)
        if data["direction"] == Direction.OUTBOUND:
            message = conversations.do_reply(
                ticket, body_text=data["body_text"], author=request.user, status=new_status
            )
        elif data["direction"] == Direction.NOTE:
            message = conversations.do_add_note(
                ticket, body_text=data["body_text"], author=request.user
            )
        else:
            message = conversations.do_add_message(
                ticket,
                direction=Direction.INBOUND,
                body_text=data["body_text"],
                contact=data.get("contact") or ticket.contact,
                channel="api",
                idempotency_key=data.get("idempotency_key"),
                acting_user=request.user,
            )
        return Response(serializers.MessageSerializer(message).data, status=status.HTTP_201_CREATED)


class MessageViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Message]
):
    serializer_class = serializers.MessageSerializer
    filterset_class = filters.MessageFilter
    ordering_fields = ["created_at", "id"]

    def get_queryset(self) -> QuerySet[Message]:
        tickets = conversations.visible_tickets(self.request.user)
        return (
            Message.objects.filter(ticket__in=tickets.values("pk"))
            .prefetch_related("attachments")
            .order_by("created_at", "id")
        )


def _valid(serializer_class: type[Any], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
