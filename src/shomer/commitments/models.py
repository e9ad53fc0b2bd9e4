"""Commitments: every promise made to a customer, from open to kept, broken or cancelled.

`Commitment` is the ledger (other apps read it: customer health counts kept and broken per
customer from `customer`, `state`, `kept_at` and `broken_at`). `DetectedPromise` is a
promise found in an agent's reply and offered for one-click tracking. `CommitmentSettings`
is the business's one row of settings. docs/commitments.md explains the lifecycle.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shomer.conversations.models import Message, Ticket
from shomer.core.models import ManagerEdited
from shomer.customers.models import Contact, Customer


class CommitmentKind(models.TextChoices):
    CALLBACK = "callback", _("Callback")
    DELIVERY = "delivery", _("Delivery")
    REFUND = "refund", _("Refund")
    FOLLOW_UP = "follow_up", _("Follow-up")
    OTHER = "other", _("Other")


class CommitmentState(models.TextChoices):
    OPEN = "open", _("Open")
    KEPT = "kept", _("Kept")
    BROKEN = "broken", _("Broken")
    CANCELLED = "cancelled", _("Cancelled")


class CommitmentSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    WIDGET = "widget", _("Callback request (widget)")
    PHONE = "phone", _("Callback request (phone)")
    DETECTED = "detected", _("Detected in a reply")


class Commitment(models.Model):
    """One promise to a customer ("I'll call you back by 12:00"), with an owner and a due
    time. It starts open and ends kept, broken or cancelled (with a reason); the end is
    final. A callback also carries the phone to call and the window the customer asked for.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=CommitmentKind.choices)
    text = models.TextField(_("promise"), blank=True)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitments",
    )
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitments",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitments",
    )
    due_at = models.DateTimeField(_("due at"), db_index=True)
    window_start = models.DateTimeField(_("window from"), null=True, blank=True)
    window_end = models.DateTimeField(_("window until"), null=True, blank=True)
    # E.164 ("+972501234567"), so that a logged call finds the callbacks it keeps.
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=CommitmentState.choices, default=CommitmentState.OPEN
    )
    reason = models.TextField(_("reason"), blank=True)
    source = models.CharField(_("source"), max_length=16, choices=CommitmentSource.choices)
    # The channel's idempotency key for commitments made by a channel: a retried request
    # never makes a second promise.
    source_key = models.CharField(max_length=300, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The message (a logged call, a reply) whose action kept the promise.
    kept_by = models.ForeignKey(
        Message,
        verbose_name=_("kept by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    kept_at = models.DateTimeField(_("kept at"), null=True, blank=True)
    broken_at = models.DateTimeField(_("broken at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # The time asked for when it fell outside working hours (the due moved to the next
    # opening); shown beside the due so the move is never silent.
    requested_due_at = models.DateTimeField(_("requested due time"), null=True, blank=True)
    # The first due time, when the customer was since told of a later one ("this will be late").
    original_due_at = models.DateTimeField(_("first due time"), null=True, blank=True)
    late_notice_at = models.DateTimeField(_("customer told of a delay at"), null=True, blank=True)
    # The clock: when to remind the owner, when it was done, and the next instant the scan
    # has something to do (the reminder, then the due; null once the promise has ended).
    remind_at = models.DateTimeField(_("remind at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    next_action_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Stamped by the scan's conditional UPDATE, so it notifies exactly the rows it claimed.
    claim = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["state", "due_at"], name="commitment_state_due"),
            models.Index(fields=["owner", "state", "due_at"], name="commitment_owner_due"),
            models.Index(fields=["customer", "state"], name="commitment_customer"),
            models.Index(fields=["ticket", "state"], name="commitment_ticket"),
            models.Index(fields=["phone"], condition=Q(state="open"), name="commitment_open_phone"),
            models.Index(
                fields=["next_action_at"],
                condition=Q(state="open", next_action_at__isnull=False),
                name="commitment_next_action",
            ),
            models.Index(fields=["claim"], name="commitment_claim"),
        ]
        constraints = [
            # The ledger stays consistent whatever path writes it: each end has its time.
            models.CheckConstraint(
                condition=~Q(state="kept") | Q(kept_at__isnull=False),
                name="commitment_kept_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state="broken") | Q(broken_at__isnull=False),
                name="commitment_broken_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state="cancelled") | Q(cancelled_at__isnull=False),
                name="commitment_cancelled_has_time",
            ),
            models.CheckConstraint(
                condition=Q(window_start__isnull=True)
                | Q(window_end__isnull=True)
                | Q(window_end__gt=models.F("window_start")),
                name="commitment_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("commitment", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state == CommitmentState.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()

    @property
    def is_kept_on_time(self) -> bool:
        return (
            self.state == CommitmentState.KEPT
            and self.kept_at is not None
            and (self.kept_at <= self.due_at)
        )

    @property
    def due_was_moved(self) -> bool:
        return self.requested_due_at is not None and self.requested_due_at != self.due_at


class OfferState(models.TextChoices):
    OFFERED = "offered", _("Offered")
    TRACKED = "tracked", _("Tracked")
    DISMISSED = "dismissed", _("Dismissed")


class DetectedPromise(models.Model):
    """A promise found in an agent's reply (`shomer.language.promises`), offered on the
    ticket page until the agent tracks it (one click makes a commitment) or dismisses it.

    `due_at` is what the text said, resolved on the ticket team's calendar zone at the time
    of the reply; null when the sentence names no time. `kind` is a guess the agent may fix.
    """

    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="+"
    )
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="detected_promises",
    )
    position = models.PositiveSmallIntegerField(_("position in the message"))
    text = models.TextField(_("promise"))
    kind = models.CharField(_("kind"), max_length=16, choices=CommitmentKind.choices)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=OfferState.choices, default=OfferState.OFFERED
    )
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("detected promise")
        verbose_name_plural = _("detected promises")
        ordering = ["message_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["message", "position"], name="detected_promise_once")
        ]
        indexes = [
            models.Index(
                fields=["ticket"], condition=Q(state="offered"), name="detected_promise_offered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.text[:40]} #{self.pk}"


class CommitmentSettings(ManagerEdited):
    """The business's settings for promises (one row, edited by managers on
    /commitments/settings/)."""

    auto_track_detected = models.BooleanField(
        _("track detected promises automatically"),
        default=False,
        help_text=_(
            "On: every promise with a due time found in an agent's reply becomes a commitment "
            "when the reply is sent. Off: it is offered on the ticket for one-click tracking."
        ),
    )

    class Meta:
        verbose_name = _("promise settings")
        verbose_name_plural = _("promise settings")

    def __str__(self) -> str:
        return str(_("Promise settings"))
