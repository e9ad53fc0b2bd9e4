"""Outgoing webhooks: endpoints and signed event deliveries, retried with backoff."""

from __future__ import annotations

import secrets
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

EVENTS = [
    ("ticket.created", _("Ticket created")),
    ("ticket.updated", _("Ticket updated")),
    ("message.created", _("Message created")),
    ("commitment.created", _("Promise made")),
    ("commitment.kept", _("Promise kept")),
    ("commitment.broken", _("Promise broken")),
    ("complaint.opened", _("Complaint opened")),
    ("complaint.acknowledged", _("Complaint acknowledged")),
    ("complaint.employee_named", _("Employee named in a complaint")),
    ("complaint.investigated", _("Complaint investigated")),
    ("complaint.reviewed", _("Complaint reviewed by a manager")),
    ("complaint.resolved", _("Complaint resolved")),
    ("complaint.followed_up", _("Complaint followed up")),
    ("complaint.reopened", _("Complaint reopened")),
    ("complaint.moved", _("Complaint moved with a merge")),
]


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """A URL that receives signed JSON events."""

    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=new_secret,
        help_text=_("Each delivery is signed with HMAC-SHA256 of this secret."),
    )
    events = models.JSONField(
        _("events"), default=list, blank=True, help_text=_("Empty means every event.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    def wants(self, event: str) -> bool:
        return not self.events or event in self.events


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event for one endpoint, tried until delivered or out of attempts."""

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("endpoint"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, editable=False)
    event = models.CharField(_("event"), max_length=64)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(
        _("last HTTP status"), null=True, blank=True
    )
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id}"
