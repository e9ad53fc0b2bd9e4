from django.contrib import admin

from shomer.customers.models import Invoice
from shomer.health.models import CustomerCost, CustomerScore, Offboarding, Playbook


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["number", "customer", "amount", "currency", "issued_on", "due_on", "status"]
    list_filter = ["status", "currency"]
    search_fields = ["number", "customer__name"]
    raw_id_fields = ["customer"]
    date_hierarchy = "issued_on"


@admin.register(CustomerCost)
class CustomerCostAdmin(admin.ModelAdmin):
    list_display = ["customer", "amount", "incurred_on", "description"]
    raw_id_fields = ["customer"]


@admin.register(CustomerScore)
class CustomerScoreAdmin(admin.ModelAdmin):
    """Read-only: scores are computed, never edited."""

    list_display = ["customer", "health", "churn_risk", "fit", "fit_verdict", "customer_type"]
    list_filter = ["customer_type", "fit_verdict", "churn_source"]
    search_fields = ["customer__name"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Playbook)
class PlaybookAdmin(admin.ModelAdmin):
    """Read-only here: managers edit playbooks on /health/playbooks/, where it is audited."""

    list_display = ["customer_type", "updated_at", "updated_by"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Offboarding)
class OffboardingAdmin(admin.ModelAdmin):
    """Read-only history of parting ways (the page does the offboarding, audited)."""

    list_display = ["customer", "closed_at", "closed_by", "fit_verdict"]
    raw_id_fields = ["customer"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
