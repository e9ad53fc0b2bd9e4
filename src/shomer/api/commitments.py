"""/api/commitments/: the promise ledger over the same access_* / check_* / do_* as the pages.

GET lists the promises the user may see (filters: state, kind, source, owner, customer,
ticket, due_before, due_after); POST makes one on a ticket; PATCH hands it to another owner
or rewords it; POST .../keep/, .../cancel/ and .../late-notice/ end or move it. A promise
that has already ended answers 409 with its state, and nothing changes.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from shomer.api.filters import InstantFilter
from shomer.commitments import services
from shomer.commitments.models import (
    Commitment,
    CommitmentKind,
    CommitmentSource,
    CommitmentState,
)
from shomer.conversations.models import Ticket
from shomer.conversations.services import visible_tickets
from shomer.people.models import User


class CommitmentSerializer(serializers.ModelSerializer[Commitment]):
    kept_on_time = serializers.SerializerMethodField(
        help_text=_("Kept by the due time; null unless kept.")
    )

    class Meta:
        model = Commitment
        fields = [
            "id",
            "kind",
            "text",
            "state",
            "source",
            "customer",
            "contact",
            "ticket",
            "owner",
            "due_at",
            "requested_due_at",
            "original_due_at",
            "window_start",
            "window_end",
            "phone",
            "reason",
            "created_by",
            "created_at",
            "remind_at",
            "reminded_at",
            "kept_at",
            "kept_by",
            "broken_at",
            "cancelled_at",
            "late_notice_at",
            "kept_on_time",
        ]
        read_only_fields = fields

    def get_kept_on_time(self, commitment: Commitment) -> bool | None:
        if commitment.state != CommitmentState.KEPT:
            return None
        return commitment.is_kept_on_time


class CommitmentCreateSerializer(serializers.Serializer[Any]):
    ticket = serializers.PrimaryKeyRelatedField(queryset=Ticket.objects.all())
    kind = serializers.ChoiceField(choices=CommitmentKind.choices)
    text = serializers.CharField(max_length=2000)
    due_at = serializers.DateTimeField(
        help_text=_(
            "ISO-8601 with offset. In the past: refused. Outside the team's working hours: "
            "due at the next opening, and requested_due_at keeps the time asked for."
        )
    )
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text=_("Empty: the ticket's assignee."),
    )


class CommitmentUpdateSerializer(serializers.Serializer[Any]):
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    text = serializers.CharField(max_length=2000, required=False)


class CancelSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=1000)


class LateNoticeSerializer(serializers.Serializer[Any]):
    due_at = serializers.DateTimeField(help_text=_("The new due time, later than the current."))
    body = serializers.CharField(
        max_length=20_000,
        required=False,
        help_text=_("The message to the customer. Empty: the template in their language."),
    )


class CommitmentFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=CommitmentState.choices)
    kind = django_filters.MultipleChoiceFilter(choices=CommitmentKind.choices)
    source = django_filters.MultipleChoiceFilter(choices=CommitmentSource.choices)
    due_after = InstantFilter(field_name="due_at", lookup_expr="gte")
    due_before = InstantFilter(field_name="due_at", lookup_expr="lt")

    class Meta:
        model = Commitment
        fields = ["owner", "customer", "ticket"]


CONFLICT = inline_serializer(
    "CommitmentConflict", {"detail": serializers.CharField(), "state": serializers.CharField()}
)


def _conflict(error: services.CommitmentConflict) -> Response:
    return Response(
        {"detail": str(_("This promise has already ended.")), "state": error.state},
        status=status.HTTP_409_CONFLICT,
    )


class CommitmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Commitment]
):
    serializer_class = CommitmentSerializer
    filterset_class = CommitmentFilter
    ordering_fields = ["due_at", "created_at", "id"]

    def get_queryset(self) -> QuerySet[Commitment]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Commitment.objects.none()
        return services.visible_commitments(self.request.user).order_by("due_at", "id")

    def get_object(self) -> Commitment:
        return services.access_commitment(self.request.user, self.kwargs["pk"])

    @extend_schema(request=CommitmentCreateSerializer, responses={201: CommitmentSerializer})
    def create(self, request: Request) -> Response:
        serializer = CommitmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # The ticket through the user's access, so another team's ticket is a 404.
        ticket = visible_tickets(request.user).filter(pk=data["ticket"].pk).first()
        if ticket is None:
            raise serializers.ValidationError({"ticket": [_("No such ticket.")]})
        services.check_ticket_takes_promises(ticket)
        placement = services.check_due(data["due_at"], ticket=ticket)
        commitment = services.do_create_commitment(
            ticket,
            kind=data["kind"],
            text=data["text"],
            placement=placement,
            owner=data.get("owner"),
            source=CommitmentSource.MANUAL,
            created_by=request.user,
        )
        return Response(CommitmentSerializer(commitment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CommitmentUpdateSerializer, responses={200: CommitmentSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        commitment = self.get_object()
        serializer = CommitmentUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if commitment.state != CommitmentState.OPEN:
            return _conflict(services.CommitmentConflict(commitment.state))
        if "owner" in data:
            services.do_change_owner(commitment, data["owner"], acting_user=request.user)
        if "text" in data:
            services.do_reword(commitment, data["text"], acting_user=request.user)
        return Response(CommitmentSerializer(commitment).data)

    @extend_schema(request=None, responses={200: CommitmentSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def keep(self, request: Request, pk: str) -> Response:
        commitment = self.get_object()
        try:
            services.do_keep(commitment, acting_user=request.user)
        except services.CommitmentConflict as error:
            return _conflict(error)
        return Response(CommitmentSerializer(commitment).data)

    @extend_schema(request=CancelSerializer, responses={200: CommitmentSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        commitment = self.get_object()
        if not services.can_cancel(request.user, commitment):
            raise PermissionDenied
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.do_cancel(
                commitment, reason=serializer.validated_data["reason"], acting_user=request.user
            )
        except services.CommitmentConflict as error:
            return _conflict(error)
        return Response(CommitmentSerializer(commitment).data)

    @extend_schema(
        request=LateNoticeSerializer, responses={200: CommitmentSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"], url_path="late-notice")
    def late_notice(self, request: Request, pk: str) -> Response:
        commitment = self.get_object()
        serializer = LateNoticeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            services.check_can_reschedule(commitment)
            placement = services.check_new_due(commitment, data["due_at"])
            body = data.get("body") or services.late_notice_text(
                commitment, placement.due, author=request.user
            )
            services.do_send_late_notice(
                commitment, placement=placement, body=body, author=request.user
            )
        except services.CommitmentConflict as error:
            return _conflict(error)
        return Response(CommitmentSerializer(commitment).data)
