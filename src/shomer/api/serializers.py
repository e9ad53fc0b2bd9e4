"""API representations. Writes go through the domain services, never `serializer.save()`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from shomer.conversations.models import (
    Attachment,
    Channel,
    Direction,
    Kind,
    Message,
    Priority,
    Status,
    Ticket,
)
from shomer.customers.models import Contact, Customer
from shomer.people.models import Team, User

MAX_TEXT = 200_000


class CustomerSerializer(serializers.ModelSerializer[Customer]):
    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "kind",
            "status",
            "tier",
            "owner",
            "language",
            "email_domain",
            "phone",
            "birthday",
            "customer_since",
            "notes",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]


class ContactSerializer(serializers.ModelSerializer[Contact]):
    class Meta:
        model = Contact
        fields = [
            "id",
            "customer",
            "name",
            "email",
            "phone",
            "language",
            "birthday",
            "is_primary",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]


class AttachmentSerializer(serializers.ModelSerializer[Attachment]):
    class Meta:
        model = Attachment
        fields = ["id", "filename", "content_type", "size"]


class MessageSerializer(serializers.ModelSerializer[Message]):
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "ticket",
            "direction",
            "channel",
            "author",
            "contact",
            "body_text",
            "body_html",
            "attachments",
            "created_at",
        ]


class MessageCreateSerializer(serializers.Serializer[Any]):
    direction = serializers.ChoiceField(choices=Direction.choices, default=Direction.OUTBOUND)
    body_text = serializers.CharField(max_length=MAX_TEXT, trim_whitespace=True)
    contact = serializers.PrimaryKeyRelatedField(queryset=Contact.objects.all(), required=False)
    idempotency_key = serializers.CharField(max_length=300, required=False)
    status = serializers.ChoiceField(
        choices=Status.choices, required=False, help_text=_("Status to set with a reply.")
    )


class TicketSerializer(serializers.ModelSerializer[Ticket]):
    tags = serializers.SerializerMethodField()
    customer_name = serializers.CharField(source="customer.name", read_only=True, default=None)

    class Meta:
        model = Ticket
        fields = [
            "id",
            "subject",
            "status",
            "priority",
            "channel",
            "kind",
            "customer",
            "customer_name",
            "contact",
            "assignee",
            "team",
            "tags",
            "merged_into",
            "message_count",
            "created_at",
            "updated_at",
            "last_message_at",
            "first_response_at",
            "solved_at",
        ]
        read_only_fields = fields

    def get_tags(self, ticket: Ticket) -> list[str]:
        names: list[str] | None = getattr(ticket, "tag_names", None)  # set by list pages
        if names is not None:
            return names
        return sorted(tag.name for tag in ticket.tags.all())

    def to_representation(self, ticket: Ticket) -> dict[str, Any]:
        # The list endpoint's hot path: a plain dict instead of DRF's per-field machinery
        # (a third of the time per page). The declared fields above still describe the
        # schema; tests/api compare this output with them.
        return {
            "id": ticket.pk,
            "subject": ticket.subject,
            "status": ticket.status,
            "priority": ticket.priority,
            "channel": ticket.channel,
            "kind": ticket.kind,
            "customer": ticket.customer_id,
            "customer_name": ticket.customer.name if ticket.customer_id else None,
            "contact": ticket.contact_id,
            "assignee": ticket.assignee_id,
            "team": ticket.team_id,
            "tags": self.get_tags(ticket),
            "merged_into": ticket.merged_into_id,
            "message_count": ticket.message_count,
            "created_at": _iso(ticket.created_at),
            "updated_at": _iso(ticket.updated_at),
            "last_message_at": _iso(ticket.last_message_at),
            "first_response_at": _iso(ticket.first_response_at),
            "solved_at": _iso(ticket.solved_at),
        }


def _iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _staff() -> Any:
    return User.objects.filter(is_active=True)


class TicketCreateSerializer(serializers.Serializer[Any]):
    subject = serializers.CharField(max_length=300)
    body_text = serializers.CharField(max_length=MAX_TEXT)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.API)
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.QUESTION)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.all(), required=False, allow_null=True
    )
    contact = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(), required=False, allow_null=True
    )
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True
    )
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=_staff(), required=False, allow_null=True
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, max_length=50
    )
    idempotency_key = serializers.CharField(max_length=300, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        contact, customer = attrs.get("contact"), attrs.get("customer")
        if contact and customer and contact.customer_id != customer.pk:
            raise serializers.ValidationError(
                {"contact": [_("This contact belongs to another customer.")]}
            )
        return attrs


class TicketUpdateSerializer(serializers.Serializer[Any]):
    subject = serializers.CharField(max_length=300, required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True
    )
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=_staff(), required=False, allow_null=True
    )
    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.all(), required=False, allow_null=True
    )
    contact = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(), required=False, allow_null=True
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, max_length=50
    )
