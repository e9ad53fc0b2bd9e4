"""Read-only admin views: calendars and policies are edited on the SLA pages (/sla/), whose
services also move the running clocks; timers change only through ticket events."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from shomer.sla.models import BusinessCalendar, SlaPolicy, SlaTimer


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(ReadOnlyAdmin):
    list_display = ["name", "is_default", "updated_at"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "priority", "tier", "channel", "first_response_minutes"]


@admin.register(SlaTimer)
class SlaTimerAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "target", "state", "minutes", "due_at", "level"]
    list_filter = ["target", "state", "level"]
    raw_id_fields = ["ticket"]
