"""SLA: working calendars, policies (targets in business minutes) and per-ticket timers."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shomer.conversations.models import Channel, Kind, Priority, Ticket
from shomer.customers.models import Tier
from shomer.sla import rules
from shomer.sla.calendar import MAX_BUSINESS_MINUTES, Calendar, CalendarError


@lru_cache(maxsize=256)
def _parse(spec_json: str) -> Calendar:
    return Calendar.from_dict(json.loads(spec_json))


def parse_calendar(spec: Any) -> Calendar:
    """The engine's Calendar for a CALENDAR object (cached by its JSON text)."""
    return _parse(json.dumps(spec, sort_keys=True, ensure_ascii=False))


class BusinessCalendar(models.Model):
    """A working calendar in the CALENDAR format of `shomer sla due` (docs/sla.md).

    Teams point to one; a team without one (and a ticket without a team) uses the default.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    spec = models.JSONField(_("calendar"))
    is_default = models.BooleanField(_("default calendar"), default=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("working calendar")
        verbose_name_plural = _("working calendars")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="sla_one_default_calendar"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Never store a calendar the engine cannot use, whatever path saves it.
        self.clean()
        super().save(*args, **kwargs)

    @property
    def calendar(self) -> Calendar:
        return parse_calendar(self.spec)

    def clean(self) -> None:
        try:
            parse_calendar(self.spec)
        except (CalendarError, TypeError) as error:
            raise ValidationError({"spec": str(error)}) from None


class Target(models.TextChoices):
    FIRST_RESPONSE = rules.FIRST_RESPONSE, _("First response")
    NEXT_RESPONSE = rules.NEXT_RESPONSE, _("Next response")
    RESOLUTION = rules.RESOLUTION, _("Resolution")
    CALLBACK = rules.CALLBACK, _("Callback")


def _minutes_field(label: str) -> models.PositiveIntegerField[Any, Any]:
    return models.PositiveIntegerField(
        label,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_BUSINESS_MINUTES)],
        help_text=_("Business minutes. Empty: a less specific policy sets it."),
    )


class SlaPolicy(models.Model):
    """Targets in business minutes for tickets that match on kind, priority, customer tier
    and channel (blank matches any). Per target the most specific match wins."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("ticket kind"), max_length=16, choices=Kind.choices, blank=True)
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices, blank=True)
    tier = models.CharField(_("customer tier"), max_length=16, choices=Tier.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True)
    first_response_minutes = _minutes_field(_("first response"))
    next_response_minutes = _minutes_field(_("next response"))
    resolution_minutes = _minutes_field(_("resolution"))
    callback_minutes = _minutes_field(_("callback"))
    warning_percent = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("warn at (percent of the target used)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    escalate_percent = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("manager after (percent of the target past due)"),
        default=50,
        validators=[MaxValueValidator(1000)],
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["kind", "priority", "tier", "channel", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "priority", "tier", "channel"], name="sla_one_policy_per_match"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def minutes_for(self, target: str) -> int | None:
        value: int | None = getattr(self, f"{target}_minutes")
        return value

    def as_row(self) -> rules.PolicyRow:
        return rules.PolicyRow(
            id=self.pk,
            minutes={target: self.minutes_for(target) for target in rules.TARGETS},
            kind=self.kind,
            priority=self.priority,
            tier=self.tier,
            channel=self.channel,
            warning_percent=self.warning_percent,
            escalate_percent=self.escalate_percent,
        )


class TimerState(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    MET = "met", _("Met")
    BREACHED = "breached", _("Breached")
    # The target stopped applying before it was met (closed without a reply, merged).
    CANCELLED = "cancelled", _("Cancelled")


class Level(models.IntegerChoices):
    """How far a timer's escalation went; each step is taken once."""

    NONE = 0, _("None")
    WARNED = 1, _("Assignee warned")
    BREACHED = 2, _("Team lead told")
    MANAGER = 3, _("Manager told")


class SlaTimer(models.Model):
    """One target's clock on one ticket (a next response gets a timer per customer turn).

    While running, `due_at`, `warn_at` and `escalate_at` follow from `resumed_at`, the
    business seconds `used_seconds` spent before it, and the ticket's calendar.
    `next_action_at` is when the scan has something to do (warn, breach, tell the
    manager); it is null when there is nothing left to do.
    """

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="sla_timers"
    )
    target = models.CharField(_("target"), max_length=16, choices=Target.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=TimerState.choices, default=TimerState.RUNNING
    )
    policy = models.ForeignKey(
        SlaPolicy,
        verbose_name=_("SLA policy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="timers",
    )
    minutes = models.PositiveIntegerField(_("target in business minutes"))
    warning_percent = models.PositiveSmallIntegerField(default=80)
    escalate_percent = models.PositiveSmallIntegerField(default=50)
    started_at = models.DateTimeField(_("started at"))
    resumed_at = models.DateTimeField(_("counting since"))
    used_seconds = models.BigIntegerField(_("business seconds used before"), default=0)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True, db_index=True)
    warn_at = models.DateTimeField(_("warn at"), null=True, blank=True)
    escalate_at = models.DateTimeField(_("manager at"), null=True, blank=True)
    next_action_at = models.DateTimeField(null=True, blank=True)
    level = models.PositiveSmallIntegerField(
        _("escalation"), choices=Level.choices, default=Level.NONE
    )
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("manager told at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # Set by the scan that claimed the row for its latest step (see services.run_scan).
    claim = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("SLA timer")
        verbose_name_plural = _("SLA timers")
        ordering = ["ticket", "started_at", "id"]
        indexes = [
            # The scan's deadline column: only rows with something left to do are indexed.
            models.Index(
                fields=["next_action_at"],
                condition=Q(next_action_at__isnull=False),
                name="sla_timer_next_action",
            ),
            models.Index(fields=["ticket", "target", "state"], name="sla_timer_ticket_target"),
            models.Index(fields=["claim"], name="sla_timer_claim"),
            models.Index(fields=["completed_at"], name="sla_timer_completed"),
            models.Index(fields=["breached_at"], name="sla_timer_breached"),
        ]

    def __str__(self) -> str:
        return f"{self.get_target_display()} #{self.ticket_id}"

    @property
    def is_outstanding(self) -> bool:
        """Running, or breached and still not met: what the inbox counts down to."""
        return self.state == TimerState.RUNNING or (
            self.state == TimerState.BREACHED and self.completed_at is None
        )
