from django.contrib import admin

from shomer.commitments.models import Commitment


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "state", "due_at", "owner", "customer", "ticket", "source"]
    list_filter = ["kind", "state", "source"]
    search_fields = ["text", "phone"]
    raw_id_fields = ["customer", "contact", "ticket", "owner", "created_by", "kept_by"]
    readonly_fields = ["created_at", "kept_at", "broken_at", "cancelled_at", "source_key"]
