from django.contrib import admin

from shomer.conversations.models import Tag, Ticket, TimeEntry


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["id", "subject", "status", "priority", "channel", "kind", "assignee", "team"]
    list_filter = ["status", "priority", "channel", "kind", "team"]
    search_fields = ["subject"]
    raw_id_fields = ["customer", "contact", "merged_into", "assignee"]
    readonly_fields = ["created_at", "updated_at", "message_count"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(TimeEntry)
class TimeEntryAdmin(admin.ModelAdmin):
    list_display = ["ticket", "user", "minutes", "worked_at"]
    raw_id_fields = ["ticket"]
