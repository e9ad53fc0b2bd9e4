"""REST API for complaints: the list and one complaint with its steps, the ones that name
me, each step as an action, the themes, and staff exposure. The same access_* / check_* /
do_* as the pages: an agent sees their own complaints, a team lead their teams', a manager
every one. A rule of the workflow that stops an action answers 400 with its sentence; an
action the user may not take answers 403 with the reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shomer.api.filters import InstantFilter
from shomer.complaints import services, staff, theming
from shomer.complaints.models import (
    Complaint,
    ComplaintEmployee,
    Entry,
    Event,
    Step,
    Verdict,
)
from shomer.complaints.rules import NamedEmployee
from shomer.conversations.services import visible_tickets
from shomer.people.models import User


class WorkflowError(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "complaint_workflow"


def _run(call: Any) -> Any:
    """Run a service; its refusals become API errors (403 not allowed, 400 a rule)."""
    try:
        return call()
    except services.NotAllowed as error:
        raise exceptions.PermissionDenied(error.message) from None
    except services.ComplaintError as error:
        raise WorkflowError(error.message) from None


class NamedEmployeeSerializer(serializers.Serializer[dict[str, Any]]):
    employee = serializers.IntegerField()
    name = serializers.CharField()
    is_active = serializers.BooleanField()
    is_included = serializers.BooleanField(
        help_text=_(
            "Heard in the discussion: their answer, a meeting, or for a former employee a "
            "manager's answer."
        )
    )
    named_at = serializers.DateTimeField()


def named_employees(complaint: Complaint) -> list[dict[str, Any]]:
    """The employees a complaint names, from its prefetched employees and entries."""
    heard: dict[int, set[str]] = {}
    for entry in complaint.entries.all():
        heard.setdefault(entry.employee_id, set()).add(entry.kind)
    return [
        {
            "employee": named.employee_id,
            "name": str(named.employee),
            "is_active": named.employee.is_active,
            "is_included": NamedEmployee(
                named.employee_id,
                named.employee.is_active,
                frozenset(heard.get(named.employee_id, set())),
            ).is_included,
            "named_at": named.named_at,
        }
        for named in complaint.employees.all()
    ]


class StepSerializer(serializers.Serializer[dict[str, Any]]):
    step = serializers.ChoiceField(choices=Step.choices)
    state = serializers.ChoiceField(
        choices=[("done", "done"), ("current", "current"), ("todo", "todo")]
    )
    at = serializers.DateTimeField(allow_null=True)


class EntrySerializer(serializers.ModelSerializer[Entry]):
    class Meta:
        model = Entry
        fields = [
            "id",
            "kind",
            "employee",
            "author",
            "text",
            "met_on",
            "round",
            "note",
            "created_at",
        ]


class EventSerializer(serializers.ModelSerializer[Event]):
    class Meta:
        model = Event
        fields = ["id", "kind", "round", "actor", "at", "data"]


class ComplaintSerializer(serializers.ModelSerializer[Complaint]):
    employees = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField()
    theme_label = serializers.CharField(source="theme.label", default=None, read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "ticket",
            "original_ticket",
            "customer",
            "origin",
            "step",
            "round",
            "steps",
            "lang",
            "created_at",
            "acknowledged_at",
            "investigated_at",
            "resolved_at",
            "followed_up_at",
            "follow_up_due_at",
            "verdict",
            "reviewed_by",
            "reviewed_at",
            "theme",
            "theme_label",
            "employees",
        ]
        read_only_fields = fields

    @extend_schema_field(NamedEmployeeSerializer(many=True))  # type: ignore[misc]
    def get_employees(self, complaint: Complaint) -> list[dict[str, Any]]:
        return named_employees(complaint)

    @extend_schema_field(StepSerializer(many=True))  # type: ignore[misc]
    def get_steps(self, complaint: Complaint) -> list[dict[str, Any]]:
        return [
            {"step": item["step"], "state": item["state"], "at": item["at"]}
            for item in services.stepper(complaint)
        ]


class ComplaintDetailSerializer(ComplaintSerializer):
    entries = EntrySerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)

    class Meta(ComplaintSerializer.Meta):
        fields = [
            *ComplaintSerializer.Meta.fields,
            "text",
            "findings",
            "resolution",
            "review_notes",
            "follow_up_notes",
            "is_customer_satisfied",
            "entries",
            "events",
        ]
        read_only_fields = fields


class ComplaintFilter(django_filters.FilterSet):
    about_staff = django_filters.BooleanFilter(
        field_name="employees", lookup_expr="isnull", exclude=True, distinct=True
    )
    created_after = InstantFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = Complaint
        fields = ["step", "customer", "ticket", "theme", "verdict", "origin"]


class OpenSerializer(serializers.Serializer[Any]):
    ticket = serializers.IntegerField(help_text=_("A ticket you may work on."))


class TextSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=20_000)


class AcknowledgeSerializer(serializers.Serializer[Any]):
    body = serializers.CharField(
        max_length=100_000,
        required=False,
        help_text=_("The reply; empty: the “we heard you” template in the customer's language."),
    )


class EmployeeSerializer(serializers.Serializer[Any]):
    employee = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())


class InvolveSerializer(serializers.Serializer[Any]):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))


class MeetingSerializer(serializers.Serializer[Any]):
    employee = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    met_on = serializers.DateField()
    text = serializers.CharField(max_length=20_000)

    def validate_met_on(self, value: dt.date) -> dt.date:
        if value > timezone.localdate():
            raise serializers.ValidationError(
                _("A meeting that has not happened yet cannot be logged.")
            )
        return value


class AnswerForSerializer(serializers.Serializer[Any]):
    employee = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    text = serializers.CharField(max_length=20_000)


class FindingsSerializer(serializers.Serializer[Any]):
    findings = serializers.CharField(max_length=20_000)


class ReviewSerializer(serializers.Serializer[Any]):
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    notes = serializers.CharField(max_length=20_000, required=False, allow_blank=True, default="")


class ResolveSerializer(serializers.Serializer[Any]):
    resolution = serializers.CharField(max_length=20_000)
    verdict = serializers.ChoiceField(
        choices=Verdict.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Needed unless a manager's review gave it."),
    )


class FollowUpSerializer(serializers.Serializer[Any]):
    is_satisfied = serializers.BooleanField(allow_null=True, help_text=_("null: not reached"))
    notes = serializers.CharField(max_length=20_000, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=20_000)


class ComplaintViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Complaint]
):
    """Complaints the user may see; POST opens one on a ticket; each step is an action."""

    filterset_class = ComplaintFilter
    ordering_fields = ["created_at", "resolved_at", "follow_up_due_at", "id"]

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "retrieve":
            return ComplaintDetailSerializer
        if self.action in ("list", "mine"):
            return ComplaintSerializer
        return ACTION_SERIALIZERS.get(self.action, ComplaintDetailSerializer)

    def get_queryset(self) -> QuerySet[Complaint]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return Complaint.objects.none()
        complaints = services.visible_complaints(self.request.user).select_related(
            "ticket", "theme"
        )
        employees = ComplaintEmployee.objects.select_related("employee")
        complaints = complaints.prefetch_related(
            Prefetch("employees", queryset=employees), "entries"
        )
        if self.action == "retrieve":
            complaints = complaints.prefetch_related("events")
        return complaints.order_by("-created_at", "-id")

    def _complaint(self) -> Complaint:
        complaint: Complaint = self.get_object()
        return complaint

    def _answer(self, complaint: Complaint, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().prefetch_related("events").get(pk=complaint.pk)
        return Response(ComplaintDetailSerializer(fresh).data, status=code)

    def _data(self, serializer_class: type[serializers.Serializer[Any]]) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = serializer.validated_data
        return data

    @extend_schema(request=OpenSerializer, responses={201: ComplaintDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self._data(OpenSerializer)
        ticket = visible_tickets(request.user).filter(pk=data["ticket"]).first()
        if ticket is None:
            raise exceptions.ValidationError({"ticket": [_("There is no such ticket.")]})
        complaint = services.do_open_complaint(ticket, acting_user=request.user)  # type: ignore[arg-type]
        return self._answer(complaint, status.HTTP_201_CREATED)

    @extend_schema(responses=ComplaintSerializer(many=True))
    @action(detail=False)
    def mine(self, request: Request) -> Response:
        """The complaints that name me, wherever their ticket is queued."""
        complaints = self.filter_queryset(self.get_queryset()).filter(
            employees__employee=request.user
        )
        page = self.paginate_queryset(complaints)
        return self.get_paginated_response(ComplaintSerializer(page, many=True).data)

    @extend_schema(request=AcknowledgeSerializer, responses=ComplaintDetailSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        complaint = self._complaint()
        data = self._data(AcknowledgeSerializer)
        body = data.get("body") or services.acknowledgement_text(complaint, request.user)  # type: ignore[arg-type]
        _run(lambda: services.do_acknowledge(complaint, body_text=body, acting_user=request.user))
        return self._answer(complaint)

    @extend_schema(request=EmployeeSerializer, responses=ComplaintDetailSerializer)
    @action(detail=True, methods=["post"], url_path="name")
    def name_employee(self, request: Request, pk: str) -> Response:
        complaint = self._complaint()
        data = self._data(EmployeeSerializer)
        _run(
            lambda: services.do_name_employee(complaint, data["employee"], acting_user=request.user)
        )
        return self._answer(complaint)

    @extend_schema(request=InvolveSerializer, responses=ComplaintDetailSerializer)
    @action(detail=True, methods=["post"])
    def involve(self, request: Request, pk: str) -> Response:
        complaint = self._complaint()
        data = self._data(InvolveSerializer)
        _run(lambda: services.do_add_participant(complaint, data["user"], acting_user=request.user))
        return self._answer(complaint)

    @extend_schema(request=TextSerializer, responses=ComplaintDetailSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str) -> Response:
        """The named employee's own answer."""
        complaint = self._complaint()
        data = self._data(TextSerializer)
        _run(lambda: services.do_answer(complaint, text=data["text"], employee=request.user))
        return self._answer(complaint)

    @extend_schema(request=MeetingSerializer, responses=ComplaintDetailSerializer)
    @action(detail=True, methods=["post"])
    def meeting(self, request: Request, pk: str) -> Response:
        complaint = self._complaint()
        data = self._data(MeetingSerializer)
        _run(
            lambda: services.do_log_meeting(
                complaint,
                employee=data["employee"],
                text=data["text"],
                met_on=data["met_on"],
                acting_user=request.user,
            )
        )
        return self._answer(complaint)

    @extend_schema(request=AnswerForSerializer, responses=ComplaintDetailSerializer)
    @action(detail=True, methods=["post"], url_path="answer-for")
    def answer_for(self, request: Request, pk: str) -> Response:
        """A manager answers for a named employee who has left."""
        complaint = self._complaint()
        data = self._data(AnswerForSerializer)
        _run(
            lambda: services.do_answer_for(
                complaint, employee=data["employee"], text=data["text"], acting_user=request.user
            )
        )
        return self._answer(complaint)

    @extend_schema(request=FindingsSerializer, responses=ComplaintDetailSerializer)
    @action(detail=True, methods=["post"])
    def investigate(self, request: Request, pk: str) -> Response:
        complaint = self._complaint()
        data = self._data(FindingsSerializer)
        _run(
            lambda: services.do_finish_investigation(
                complaint, findings=data["findings"], acting_user=request.user
            )
        )
        return self._answer(complaint)

    @extend_schema(request=ReviewSerializer, responses=ComplaintDetailSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        complaint = self._complaint()
        data = self._data(ReviewSerializer)
        _run(
            lambda: services.do_review(
                complaint, verdict=data["verdict"], notes=data["notes"], acting_user=request.user
            )
        )
        return self._answer(complaint)

    @extend_schema(request=ResolveSerializer, responses=ComplaintDetailSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str) -> Response:
        complaint = self._complaint()
        data = self._data(ResolveSerializer)
        _run(
            lambda: services.do_resolve(
                complaint,
                resolution=data["resolution"],
                verdict=data["verdict"],
                acting_user=request.user,
            )
        )
        return self._answer(complaint)

    @extend_schema(request=FollowUpSerializer, responses=ComplaintDetailSerializer)
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request: Request, pk: str) -> Response:
        complaint = self._complaint()
        data = self._data(FollowUpSerializer)
        _run(
            lambda: services.do_follow_up(
                complaint,
                notes=data["notes"],
                is_satisfied=data["is_satisfied"],
                acting_user=request.user,
            )
        )
        return self._answer(complaint)

    @extend_schema(request=ReasonSerializer, responses=ComplaintDetailSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        complaint = self._complaint()
        data = self._data(ReasonSerializer)
        _run(lambda: services.do_reopen(complaint, reason=data["reason"], acting_user=request.user))
        return self._answer(complaint)


ACTION_SERIALIZERS: dict[str, type[serializers.BaseSerializer[Any]]] = {
    "create": OpenSerializer,
    "acknowledge": AcknowledgeSerializer,
    "name_employee": EmployeeSerializer,
    "involve": InvolveSerializer,
    "answer": TextSerializer,
    "meeting": MeetingSerializer,
    "answer_for": AnswerForSerializer,
    "investigate": FindingsSerializer,
    "review": ReviewSerializer,
    "resolve": ResolveSerializer,
    "follow_up": FollowUpSerializer,
    "reopen": ReasonSerializer,
}


THEME_RESPONSE = inline_serializer(
    "ComplaintTheme",
    fields={
        "id": serializers.IntegerField(),
        "label": serializers.CharField(),
        "terms": serializers.ListField(child=serializers.CharField()),
        "languages": serializers.ListField(child=serializers.CharField()),
        "complaints": serializers.IntegerField(help_text=_("Those you may see.")),
        "open": serializers.IntegerField(),
        "weekly": serializers.ListField(child=serializers.IntegerField()),
        "trend": serializers.FloatField(allow_null=True),
    },
    many=True,
)


class ComplaintThemesView(APIView):
    """Complaint themes with the number of complaints the user may see in each, a count
    per week (oldest first; `week_starts` in the header fields) and the trend."""

    @extend_schema(
        responses=inline_serializer(
            "ComplaintThemes",
            fields={
                "computed_at": serializers.DateTimeField(allow_null=True),
                "week_starts": serializers.ListField(child=serializers.DateField()),
                "themes": THEME_RESPONSE,
            },
        )
    )
    def get(self, request: Request) -> Response:
        page = theming.theme_rows(request.user)  # type: ignore[arg-type]
        return Response(
            {
                "computed_at": page["computed_at"],
                "week_starts": page["weeks"],
                "themes": [
                    {
                        "id": row["theme"].pk,
                        "label": row["theme"].label,
                        "terms": row["theme"].terms,
                        "languages": row["theme"].languages,
                        "complaints": row["total"],
                        "open": row["open"],
                        "weekly": row["weekly"],
                        "trend": row["trend"],
                    }
                    for row in page["rows"]
                ],
            }
        )


class StaffExposureView(APIView):
    """Staff exposure over the last `days` (7, 30, 90 or 365): managers see everyone, a
    team lead their teams, an agent themselves."""

    @extend_schema(
        parameters=[
            OpenApiParameter("days", int, enum=[7, 30, 90, 365], description=_("The period."))
        ],
        responses=inline_serializer(
            "StaffExposure",
            fields={
                "user": serializers.IntegerField(),
                "name": serializers.CharField(),
                "incidents": serializers.IntegerField(),
                "severe_incidents": serializers.IntegerField(),
                "revealed": serializers.IntegerField(),
                "replies": serializers.IntegerField(),
                "replies_after_hours": serializers.IntegerField(),
                "minutes": serializers.IntegerField(),
                "minutes_after_hours": serializers.IntegerField(),
            },
            many=True,
        ),
    )
    def get(self, request: Request) -> Response:
        try:
            days = int(request.query_params.get("days", 30))
        except ValueError:
            days = 0
        if days not in (7, 30, 90, 365):
            raise exceptions.ValidationError({"days": [_("One of 7, 30, 90, 365.")]})
        rows = staff.exposure_report(request.user, days=days)  # type: ignore[arg-type]
        return Response(
            [
                {
                    "user": item["user"].pk,
                    "name": str(item["user"]),
                    "incidents": item["row"].incidents,
                    "severe_incidents": item["row"].severe_incidents,
                    "revealed": item["row"].revealed,
                    "replies": item["row"].replies,
                    "replies_after_hours": item["row"].replies_after_hours,
                    "minutes": item["row"].minutes,
                    "minutes_after_hours": item["row"].minutes_after_hours,
                }
                for item in rows
            ]
        )


__all__ = ["ComplaintThemesView", "ComplaintViewSet", "StaffExposureView"]
