"""Tickets, the messages in them, attachments, tags and time worked."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shomer.customers.models import Contact, Customer
from shomer.people.models import Team


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING = "pending", _("Waiting on customer")
    ON_HOLD = "on_hold", _("On hold")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)
# The predicate of the inbox's partial indexes (plain strings, so that migrations keep it).
OPEN_UNMERGED = models.Q(status__in=["new", "open", "pending", "on_hold"], merged_into__isnull=True)


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


# Sorting rank: urgent first.
PRIORITY_RANK = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WEB = "web", _("Web form")
    WIDGET = "widget", _("Widget")
    PHONE = "phone", _("Phone")
    API = "api", _("API")
    PORTAL = "portal", _("Customer portal")


class Kind(models.TextChoices):
    QUESTION = "question", _("Question")
    PROBLEM = "problem", _("Problem")
    REQUEST = "request", _("Request")
    COMPLAINT = "complaint", _("Complaint")


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Ticket(models.Model):
    """One conversation with a customer, from first contact to closing."""

    subject = models.CharField(_("subject"), max_length=300)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    priority = models.CharField(
        _("priority"), max_length=16, choices=Priority.choices, default=Priority.NORMAL
    )
    priority_rank = models.PositiveSmallIntegerField(default=2, editable=False)
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.EMAIL
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.QUESTION)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="tickets")
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_tickets",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    last_message_at = models.DateTimeField(_("last message at"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    solved_at = models.DateTimeField(_("solved at"), null=True, blank=True)
    message_count = models.PositiveIntegerField(_("messages"), default=0)
    # The earliest due of the ticket's outstanding SLA timers (shomer.sla keeps it), so
    # the inbox sorts by it from an index.
    sla_due_at = models.DateTimeField(_("SLA due"), null=True, blank=True)
    # Folded subject and message text (see shomer.language.normalize.fold) for search.
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["assignee", "status", "updated_at"]),
            # "My (or my team's) open tickets, SLA due first": read in order from these,
            # and counted from them alone (partial: open, unmerged tickets only).
            models.Index(
                fields=["assignee", "sla_due_at", "id"],
                condition=OPEN_UNMERGED,
                name="ticket_open_assignee_sla",
            ),
            models.Index(
                fields=["team", "sla_due_at", "id"],
                condition=OPEN_UNMERGED,
                name="ticket_open_team_sla",
            ),
            # A manager's "all open tickets, SLA due first".
            models.Index(
                fields=["sla_due_at", "id"], condition=OPEN_UNMERGED, name="ticket_open_sla"
            ),
            # The default order of lists (the API): newest first from an index.
            models.Index(fields=["-updated_at", "-id"], name="ticket_updated"),
            models.Index(fields=["team", "status", "updated_at"]),
            models.Index(fields=["status", "updated_at"]),
            models.Index(fields=["customer", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("ticket", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Direction(models.TextChoices):
    INBOUND = "inbound", _("From the customer")
    OUTBOUND = "outbound", _("Reply")
    NOTE = "note", _("Internal note")


class DeliveryStatus(models.TextChoices):
    """How an agent's reply by e-mail is going (empty: not sent by e-mail)."""

    PENDING = "pending", _("Sending")
    RETRYING = "retrying", _("Not sent yet, retrying")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Not sent")


class Message(models.Model):
    """One message in a ticket. The raw original is kept, exactly as received."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="messages"
    )
    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices)
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.EMAIL
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML (sanitised)"), blank=True)
    raw = models.BinaryField(_("raw original"), blank=True, default=b"")
    # Message-ID or a channel's own id: the same delivery twice is one message.
    idempotency_key = models.CharField(max_length=300, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    # A reply sent by e-mail (shomer.channels.outbound): its state and last error.
    delivery_status = models.CharField(
        _("delivery"), max_length=16, choices=DeliveryStatus.choices, blank=True, default=""
    )
    delivery_error = models.TextField(_("delivery error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} #{self.ticket_id}"

    @property
    def is_note(self) -> bool:
        return self.direction == Direction.NOTE


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.message.ticket_id}/{instance.message_id}/{filename}"


class Attachment(models.Model):
    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class TimeEntry(models.Model):
    """Minutes worked on a ticket: the base of cost-to-serve."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="time_entries"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="time_entries",
    )
    minutes = models.PositiveIntegerField(_("minutes"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    worked_at = models.DateTimeField(_("worked at"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["-worked_at"]

    def __str__(self) -> str:
        return f"{self.minutes} min #{self.ticket_id}"


class InboundStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    CREATED = "created", _("Opened a ticket")
    APPENDED = "appended", _("Added to a ticket")
    DUPLICATE = "duplicate", _("Duplicate")
    IGNORED = "ignored", _("Ignored (automatic)")
    QUARANTINED = "quarantined", _("Quarantined")


class InboundRecord(models.Model):
    """Every inbound delivery, raw, with what became of it. Nothing a customer sends is lost:
    an input that could not be stored stays here, quarantined, with the reason."""

    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    idempotency_key = models.CharField(_("idempotency key"), max_length=300, unique=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    raw = models.BinaryField(_("raw original"))
    status = models.CharField(
        _("status"), max_length=16, choices=InboundStatus.choices, default=InboundStatus.RECEIVED
    )
    reason = models.TextField(_("reason"), blank=True)
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), null=True, blank=True, on_delete=models.SET_NULL
    )
    message = models.ForeignKey(
        Message, verbose_name=_("message"), null=True, blank=True, on_delete=models.SET_NULL
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbound delivery")
        verbose_name_plural = _("inbound deliveries")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self) -> str:
        return f"{self.channel} {self.idempotency_key}"
