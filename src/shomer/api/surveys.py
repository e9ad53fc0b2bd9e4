"""REST API for surveys and their answers (read-only, every staff member): what was sent or
not (with the reason), and the customers' answers with their complaints. Answers are
recorded by the customers themselves, through the signed links or the portal."""

from __future__ import annotations

import django_filters
from rest_framework import mixins, serializers, viewsets

from shomer.api.filters import InstantFilter
from shomer.feedback.models import Survey, SurveyAnswer


class SurveySerializer(serializers.ModelSerializer[Survey]):
    class Meta:
        model = Survey
        fields = [
            "id",
            "kind",
            "customer",
            "contact",
            "ticket",
            "status",
            "reason",
            "send_at",
            "sent_at",
            "expires_at",
            "language",
            "created_at",
        ]
        read_only_fields = fields


class SurveyAnswerSerializer(serializers.ModelSerializer[SurveyAnswer]):
    class Meta:
        model = SurveyAnswer
        fields = [
            "id",
            "survey",
            "kind",
            "customer",
            "contact",
            "ticket",
            "rating",
            "score",
            "is_unhappy",
            "comment",
            "reason",
            "channel",
            "complaint",
            "answered_at",
            "comment_at",
        ]
        read_only_fields = fields


class SurveyFilter(django_filters.FilterSet):
    created_after = InstantFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = Survey
        fields = ["customer", "kind", "status", "reason", "ticket"]


class SurveyAnswerFilter(django_filters.FilterSet):
    answered_after = InstantFilter(field_name="answered_at", lookup_expr="gte")
    answered_before = InstantFilter(field_name="answered_at", lookup_expr="lt")

    class Meta:
        model = SurveyAnswer
        fields = ["customer", "kind", "is_unhappy", "ticket", "channel"]


class SurveyViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Survey]
):
    serializer_class = SurveySerializer
    filterset_class = SurveyFilter
    ordering_fields = ["created_at", "sent_at", "id"]
    queryset = Survey.objects.order_by("-created_at", "-id")


class SurveyAnswerViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[SurveyAnswer]
):
    serializer_class = SurveyAnswerSerializer
    filterset_class = SurveyAnswerFilter
    ordering_fields = ["answered_at", "rating", "id"]
    queryset = SurveyAnswer.objects.order_by("-answered_at", "-id")
