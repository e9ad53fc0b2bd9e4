from django.contrib import admin

from shomer.feedback.models import Survey, SurveyAnswer


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("pk", "kind", "customer", "contact", "status", "reason", "send_at", "sent_at")
    list_filter = ("kind", "status", "reason")
    search_fields = ("customer__name", "contact__email")
    raw_id_fields = ("customer", "contact", "ticket")
    readonly_fields = ("nonce", "message_id", "body")


@admin.register(SurveyAnswer)
class SurveyAnswerAdmin(admin.ModelAdmin):
    list_display = ("pk", "kind", "customer", "rating", "is_unhappy", "channel", "answered_at")
    list_filter = ("kind", "is_unhappy", "channel")
    raw_id_fields = ("survey", "customer", "contact", "ticket", "complaint")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # the customer's words are theirs: read only
