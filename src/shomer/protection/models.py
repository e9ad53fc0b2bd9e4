"""Staff protection: incidents of abuse against the team, and staff verdicts on detection."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shomer.conversations.models import Message, Ticket
from shomer.customers.models import Customer


class IncidentKind(models.TextChoices):
    ABUSE = "abuse", _("Abuse")
    CONTEMPT = "contempt", _("Contempt")
    THREAT = "threat", _("Threat")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Source(models.TextChoices):
    DETECTED = "detected", _("Detected by the analysis")
    FLAGGED = "flagged", _("Flagged by an agent")


class Incident(models.Model):
    """An abusive, contemptuous or threatening message against the team, logged against the
    customer and escalated to the managers once. One incident per message; a detection that
    staff cleared stays on record, marked dismissed."""

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incidents",
    )
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="incidents"
    )
    message = models.OneToOneField(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="incident"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=IncidentKind.choices)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    abuse_score = models.FloatField(_("abuse score"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_incidents",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    notified_at = models.DateTimeField(_("managers notified at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_incidents",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    is_dismissed = models.BooleanField(
        _("dismissed"), default=False, help_text=_("Staff found the message was not abusive.")
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.ticket_id}"


class AbuseCorrection(models.Model):
    """A staff verdict on whether a customer message is abusive: a message flagged by hand
    (abusive) or a false detection cleared (not abusive). The text and labels are kept so
    that `shomer language train --with-corrections` can learn from them."""

    message = models.OneToOneField(
        Message,
        verbose_name=_("message"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="abuse_correction",
    )
    text = models.TextField(_("text"))
    lang = models.CharField(_("language"), max_length=8)
    is_abusive = models.BooleanField(_("abusive"))
    sentiment = models.CharField(_("sentiment"), max_length=8)
    is_urgent = models.BooleanField(_("urgent"), default=False)
    model_abuse = models.FloatField(_("model's abuse score"), null=True, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    corrected_at = models.DateTimeField(_("corrected at"), default=timezone.now)

    class Meta:
        verbose_name = _("abuse correction")
        verbose_name_plural = _("abuse corrections")
        ordering = ["-corrected_at", "-id"]

    def __str__(self) -> str:
        return f"{'abusive' if self.is_abusive else 'not abusive'} #{self.message_id}"
