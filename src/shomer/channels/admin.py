from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from shomer.channels.models import Mailbox
from shomer.channels.services import do_retry
from shomer.conversations.models import InboundRecord, InboundStatus


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    list_display = ["name", "username", "host", "folder", "team", "is_active", "last_polled_at"]
    list_filter = ["is_active", "team"]
    readonly_fields = ["last_polled_at", "last_error"]


@admin.register(InboundRecord)
class InboundRecordAdmin(admin.ModelAdmin):
    """Every inbound delivery; the raw bytes are downloaded from the quarantine page,
    never shown here (hostile mail must not render in a browser)."""

    list_display = ["id", "received_at", "channel", "status", "source", "reason", "ticket"]
    list_filter = ["status", "channel"]
    search_fields = ["idempotency_key", "source", "reason"]
    exclude = ["raw"]
    readonly_fields = [
        "channel",
        "idempotency_key",
        "source",
        "status",
        "reason",
        "ticket",
        "message",
        "received_at",
        "processed_at",
    ]
    actions = ["retry_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[InboundRecord]:
        return super().get_queryset(request).defer("raw")

    @admin.action(description=_("Retry the selected quarantined deliveries"))
    def retry_selected(self, request: HttpRequest, queryset: QuerySet[InboundRecord]) -> None:
        stored = still = 0
        for record in queryset.filter(status=InboundStatus.QUARANTINED).order_by("pk"):
            outcome = do_retry(InboundRecord.objects.get(pk=record.pk), acting_user=request.user)
            if outcome.result is not None and outcome.result.status != InboundStatus.QUARANTINED:
                stored += 1
            else:
                still += 1
        self.message_user(
            request,
            ngettext("%(count)d delivery stored.", "%(count)d deliveries stored.", stored)
            % {"count": stored},
            messages.SUCCESS,
        )
        if still:
            self.message_user(
                request,
                ngettext(
                    "%(count)d delivery is still quarantined.",
                    "%(count)d deliveries are still quarantined.",
                    still,
                )
                % {"count": still},
                messages.WARNING,
            )
