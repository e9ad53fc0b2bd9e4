"""REST API for invoices (a customer's purchases) and customer health scores.

Invoices: every staff member reads; managers and admins (or an integration's token of
one) record and update, through shomer.customers.invoices. Scores are read-only.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.views import APIView

from shomer.customers.invoices import check_invoice_dates, do_record_invoice, do_update_invoice
from shomer.customers.models import Invoice, InvoiceStatus
from shomer.health.models import CustomerScore
from shomer.health.services import manages_health


class WritesForManagers(permissions.BasePermission):
    """Reading for every authenticated staff member; writing for managers and admins."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return bool(request.user and request.user.is_authenticated)
        return manages_health(request.user)  # type: ignore[arg-type]


class InvoiceSerializer(serializers.ModelSerializer[Invoice]):
    class Meta:
        model = Invoice
        fields = [
            "id",
            "customer",
            "number",
            "amount",
            "currency",
            "issued_on",
            "due_on",
            "paid_on",
            "status",
            "description",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {"amount": {"min_value": 0}, "status": {"required": False}}

    def validate_currency(self, value: str) -> str:
        value = value.upper()
        if len(value) != 3 or not value.isalpha():
            raise serializers.ValidationError(_("A three-letter currency code, like ILS."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        merged = {
            key: attrs.get(key, getattr(self.instance, key, None))
            for key in ("customer", "number", "issued_on", "due_on", "paid_on", "status")
        }
        if not merged["status"]:
            merged["status"] = attrs["status"] = (
                InvoiceStatus.PAID if merged["paid_on"] else InvoiceStatus.OPEN
            )
        problems = check_invoice_dates(
            merged["issued_on"], merged["due_on"], merged["paid_on"], merged["status"]
        )
        if problems:
            raise serializers.ValidationError({"non_field_errors": problems})
        duplicate = Invoice.objects.filter(customer=merged["customer"], number=merged["number"])
        if self.instance is not None:
            duplicate = duplicate.exclude(pk=self.instance.pk)
        if duplicate.exists():
            raise serializers.ValidationError(
                {"number": [_("This customer already has an invoice with this number.")]}
            )
        return attrs


class InvoiceFilter(django_filters.FilterSet):
    issued_after = django_filters.DateFilter(field_name="issued_on", lookup_expr="gte")
    issued_before = django_filters.DateFilter(field_name="issued_on", lookup_expr="lt")
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lt")

    class Meta:
        model = Invoice
        fields = ["customer", "status", "number", "currency"]


class InvoiceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Invoice],
):
    serializer_class = InvoiceSerializer
    filterset_class = InvoiceFilter
    permission_classes = [WritesForManagers]
    ordering_fields = ["issued_on", "due_on", "amount", "id"]
    queryset = Invoice.objects.order_by("-issued_on", "-id")

    def perform_create(self, serializer: InvoiceSerializer) -> None:  # type: ignore[override]
        serializer.instance = do_record_invoice(
            acting_user=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer: InvoiceSerializer) -> None:  # type: ignore[override]
        assert serializer.instance is not None
        do_update_invoice(
            serializer.instance, acting_user=self.request.user, **serializer.validated_data
        )


class CustomerScoreSerializer(serializers.ModelSerializer[CustomerScore]):
    class Meta:
        model = CustomerScore
        fields = [
            "customer",
            "health",
            "health_trend",
            "churn_risk",
            "churn_source",
            "p_alive",
            "fit",
            "fit_verdict",
            "customer_type",
            "revenue",
            "cost",
            "profit",
            "revenue_at_risk",
            "details",
            "computed_at",
        ]
        read_only_fields = fields


class CustomerScoreFilter(django_filters.FilterSet):
    health_below = django_filters.NumberFilter(field_name="health", lookup_expr="lt")
    churn_risk_above = django_filters.NumberFilter(field_name="churn_risk", lookup_expr="gte")

    class Meta:
        model = CustomerScore
        fields = ["customer", "customer_type", "fit_verdict"]


class CustomerScoreViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[CustomerScore]
):
    """Health, churn risk, fit, type and money per customer, with the reasons as codes."""

    serializer_class = CustomerScoreSerializer
    filterset_class = CustomerScoreFilter
    ordering_fields = ["health", "churn_risk", "fit", "profit", "revenue_at_risk"]
    queryset = CustomerScore.objects.filter(computed_at__isnull=False).order_by("customer_id")
