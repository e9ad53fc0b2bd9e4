"""POST /api/calls/: log a phone call (the same `do_log_call` as the call log page)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from shomer.channels.phone.adapters import CallDirection, CallOutcome
from shomer.channels.phone.numbers import normalize_phone
from shomer.channels.phone.services import CallLog, do_log_call, match_caller
from shomer.channels.web.forms import window_error
from shomer.commitments.models import Commitment
from shomer.commitments.rules import Window
from shomer.commitments.services import check_callback_window
from shomer.conversations.models import OPEN_STATUSES, Ticket
from shomer.customers.models import Contact

KEY_CHARACTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:"


class CallSerializer(serializers.Serializer[Any]):
    direction = serializers.ChoiceField(choices=CallDirection.choices)
    phone = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    contact = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Empty: matched by the phone number."),
    )
    ticket = serializers.PrimaryKeyRelatedField(
        queryset=Ticket.objects.filter(status__in=OPEN_STATUSES, merged_into__isnull=True),
        required=False,
        allow_null=True,
        help_text=_(
            "An open ticket of the caller's customer. Empty: the ticket of an open callback "
            "to this number, else the customer's latest open ticket, else a new one."
        ),
    )
    new_ticket = serializers.BooleanField(required=False, default=False)
    duration_seconds = serializers.IntegerField(min_value=0, max_value=36_000, default=0)
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    summary = serializers.CharField(max_length=20_000)
    outcome = serializers.ChoiceField(choices=CallOutcome.choices)
    callback_requested = serializers.BooleanField(required=False, default=False)
    callback_window_start = serializers.DateTimeField(required=False, allow_null=True)
    callback_window_end = serializers.DateTimeField(required=False, allow_null=True)
    idempotency_key = serializers.CharField(
        max_length=100,
        required=False,
        help_text=_("The same key twice logs one call."),
    )

    def validate_phone(self, value: str) -> str:
        e164 = normalize_phone(value)
        if e164 is None:
            raise serializers.ValidationError(_("Please enter a phone number we can call."))
        return e164

    def validate_idempotency_key(self, value: str) -> str:
        if not value or any(character not in KEY_CHARACTERS for character in value):
            raise serializers.ValidationError(_("Letters, digits and - _ . : only."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("callback_window_start"), attrs.get("callback_window_end")
        if (start is None) != (end is None):
            raise serializers.ValidationError(
                {"callback_window_end": [_("Give both ends of the window, or neither.")]}
            )
        if start is not None and end is not None:
            if not attrs.get("callback_requested"):
                attrs["callback_requested"] = True
            problem = check_callback_window(Window(start, end), now=timezone.now())
            if problem is not None:
                raise serializers.ValidationError(
                    {"callback_window_start": [window_error(problem)]}
                )
        contact = attrs.get("contact") or match_caller(attrs["phone"])
        ticket = attrs.get("ticket")
        if ticket is not None and (contact is None or ticket.customer_id != contact.customer_id):
            raise serializers.ValidationError(
                {"ticket": [_("This ticket belongs to another customer.")]}
            )
        attrs["contact"] = contact
        return attrs


class CommitmentSummarySerializer(serializers.ModelSerializer[Commitment]):
    class Meta:
        model = Commitment
        fields = ["id", "kind", "state", "due_at", "window_start", "window_end", "phone", "owner"]
        read_only_fields = fields


class CallResultSerializer(serializers.Serializer[Any]):
    status = serializers.CharField(help_text=_("created, appended, duplicate or quarantined"))
    ticket = serializers.IntegerField(allow_null=True)
    message = serializers.IntegerField(allow_null=True)
    callback = CommitmentSummarySerializer(allow_null=True)
    kept = serializers.ListField(child=serializers.IntegerField())


class CallViewSet(viewsets.GenericViewSet[Any]):
    serializer_class = CallSerializer

    @extend_schema(request=CallSerializer, responses={201: CallResultSerializer})
    def create(self, request: Request) -> Response:
        serializer = CallSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        start, end = data.get("callback_window_start"), data.get("callback_window_end")
        result = do_log_call(
            CallLog(
                direction=data["direction"],
                phone=data["phone"],
                summary=data["summary"],
                outcome=data["outcome"],
                name=data["name"],
                subject=data["subject"],
                duration_seconds=data["duration_seconds"],
                contact=data["contact"],
                ticket=data.get("ticket"),
                new_ticket=data["new_ticket"],
                callback_requested=data["callback_requested"],
                callback_window=Window(start, end) if start and end else None,
                token=data.get("idempotency_key", ""),
            ),
            agent=request.user,
        )
        body = {
            "status": result.status,
            "ticket": result.ticket_id,
            "message": result.message_id,
            "callback": (
                CommitmentSummarySerializer(result.callback).data if result.callback else None
            ),
            "kept": [commitment.pk for commitment in result.kept],
        }
        code = status.HTTP_200_OK if result.status == "duplicate" else status.HTTP_201_CREATED
        return Response(body, status=code)
