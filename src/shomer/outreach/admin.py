from django.contrib import admin

from shomer.outreach.models import (
    CollectionReminder,
    InstalmentPlan,
    LoyaltySettings,
    MessageTemplate,
    Preference,
    Touchpoint,
)


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("contact", "surveys", "touchpoints", "updated_at", "source")
    list_filter = ("surveys", "touchpoints")
    raw_id_fields = ("contact",)


@admin.register(Touchpoint)
class TouchpointAdmin(admin.ModelAdmin):
    list_display = (
        "pk",
        "kind",
        "customer",
        "contact",
        "occasion_on",
        "status",
        "reason",
        "send_at",
    )
    list_filter = ("kind", "status", "reason")
    raw_id_fields = ("customer", "contact", "invoice")


@admin.register(CollectionReminder)
class CollectionReminderAdmin(admin.ModelAdmin):
    list_display = ("pk", "invoice", "customer", "step", "status", "send_at", "sent_at")
    list_filter = ("status", "step")
    raw_id_fields = ("invoice", "customer", "contact", "decided_by")


@admin.register(InstalmentPlan)
class InstalmentPlanAdmin(admin.ModelAdmin):
    list_display = ("pk", "invoice", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("invoice", "created_by")


admin.site.register(MessageTemplate)
admin.site.register(LoyaltySettings)
