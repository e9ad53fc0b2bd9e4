"""Outreach: the template library, cadences, contacts' mail preferences, loyalty touchpoints,
collection reminders and instalment plans. Survey mail (shomer.feedback) is sent by the same
machinery (`OutboundMail`, `shomer.outreach.sending`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shomer.core.models import ManagerEdited
from shomer.customers.models import Contact, Customer, Invoice


class TemplateKey(models.TextChoices):
    CHECKIN = "checkin", _("Monthly check-in")
    BIRTHDAY = "birthday", _("Birthday")
    ANNIVERSARY = "anniversary", _("Customer anniversary")
    AFTER_SALE = "after_sale", _("After a sale")
    AFTER_ONBOARDING = "after_onboarding", _("After onboarding")
    COLLECTION_1 = "collection_1", _("Payment reminder 1: a friendly note")
    COLLECTION_2 = "collection_2", _("Payment reminder 2: spreading the payment")
    COLLECTION_3 = "collection_3", _("Payment reminder 3: from the account owner")
    CSAT = "csat", _("Satisfaction survey (CSAT)")
    NPS = "nps", _("Recommendation survey (NPS)")
    EXIT = "exit", _("Exit survey")


class MessageTemplate(ManagerEdited):
    """The subject and text of one kind of mail in one language, with {variables}. Managers
    edit them; a key without a row uses the built-in text (shomer.outreach.defaults)."""

    key = models.CharField(_("template"), max_length=32, choices=TemplateKey.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["key", "language"]
        constraints = [
            models.UniqueConstraint(fields=["key", "language"], name="template_key_language")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.language})"


class LoyaltySettings(ManagerEdited):
    """Cadences of surveys and touchpoints (one row; managers edit it). The defaults are the
    named constants in shomer.outreach.services."""

    csat_delay_minutes = models.PositiveIntegerField(
        _("CSAT delay (minutes)"),
        default=60,
        help_text=_("How long after a ticket is solved the satisfaction survey is sent."),
    )
    survey_fatigue_days = models.PositiveIntegerField(
        _("days between surveys"),
        default=30,
        help_text=_("A customer gets at most one survey in this many days."),
    )
    nps_cadence_days = models.PositiveIntegerField(
        _("NPS every (days)"), default=90, help_text=_("0 turns the NPS survey off.")
    )
    checkin_every_months = models.PositiveIntegerField(
        _("check-in every (months)"), default=1, help_text=_("0 turns check-ins off.")
    )
    after_sale_days = models.PositiveIntegerField(_("follow-up days after a sale"), default=7)
    after_onboarding_days = models.PositiveIntegerField(
        _("follow-up days after onboarding"), default=14
    )
    send_hour = models.PositiveSmallIntegerField(
        _("sending hour"), default=10, help_text=_("Local time (Asia/Jerusalem), 0-23.")
    )

    class Meta:
        verbose_name = _("loyalty settings")
        verbose_name_plural = _("loyalty settings")

    def __str__(self) -> str:
        return str(_("loyalty settings"))


class Preference(models.Model):
    """What mail a contact agreed to. No row: surveys and touchpoints are on (the existing-
    customer relationship), and every such mail carries a one-click way out."""

    contact = models.OneToOneField(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="preference"
    )
    surveys = models.BooleanField(_("surveys"), default=True)
    touchpoints = models.BooleanField(_("loyalty messages"), default=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    source = models.CharField(_("changed by"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("mail preference")
        verbose_name_plural = _("mail preferences")

    def __str__(self) -> str:
        return f"{self.contact_id}"


class SendStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Not sent")
    FAILED = "failed", _("Failed")
    WAITING_DECISION = "waiting_decision", _("Waiting for a decision")
    NEEDS_REVIEW = "needs_review", _("Needs a human (tone)")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class SkipReason(models.TextChoices):
    NO_EMAIL = "no_email", _("No e-mail address")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
    FATIGUE = "fatigue", _("Surveyed recently")
    REOPENED = "reopened", _("Ticket reopened")
    NOT_KEPT = "not_kept", _("No longer a customer to keep")
    CHANGED = "changed", _("The occasion changed")
    PAID = "paid", _("Paid")
    PLAN = "plan", _("Instalment plan agreed")


class OutboundMail(models.Model):
    """A mail to a customer's contact, sent by the worker: due at `send_at` (the deadline
    column the periodic task reads), claimed by a conditional UPDATE (status "sending", with
    `send_at` moved to the end of a lease), then "sent", "skipped" with a reason, or retried
    until "failed"."""

    status = models.CharField(
        _("status"), max_length=16, choices=SendStatus.choices, default=SendStatus.SCHEDULED
    )
    send_at = models.DateTimeField(_("send at"))
    reason = models.CharField(_("reason"), max_length=16, choices=SkipReason.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    recipient = models.CharField(_("sent to"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("text"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        abstract = True


class TouchpointKind(models.TextChoices):
    CHECKIN = "checkin", _("Monthly check-in")
    BIRTHDAY = "birthday", _("Birthday")
    ANNIVERSARY = "anniversary", _("Customer anniversary")
    AFTER_SALE = "after_sale", _("After a sale")
    AFTER_ONBOARDING = "after_onboarding", _("After onboarding")


class Touchpoint(OutboundMail):
    """A loyalty message planned for a contact on an occasion's day."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="touchpoints"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="touchpoints",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TouchpointKind.choices)
    occasion_on = models.DateField(_("occasion"))
    # Whose occasion: "" for the customer's own (anniversary, check-in), "contact:<id>" for a
    # contact's birthday, "invoice:<id>" for a sale; one touchpoint per occasion.
    occasion_key = models.CharField(max_length=40, blank=True, default="", editable=False)
    invoice = models.ForeignKey(
        Invoice,
        verbose_name=_("sale"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("touchpoint")
        verbose_name_plural = _("touchpoints")
        ordering = ["send_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "kind", "occasion_on", "occasion_key"], name="touchpoint_once"
            )
        ]
        indexes = [models.Index(fields=["status", "send_at"], name="touchpoint_due")]

    def __str__(self) -> str:
        return f"{self.kind} {self.occasion_on} #{self.customer_id}"


class CollectionReminder(OutboundMail):
    """One step of the reminder ladder for an overdue invoice."""

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE, related_name="reminders"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    step = models.PositiveSmallIntegerField(_("step"))
    tone = models.JSONField(_("tone check"), default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("payment reminder")
        verbose_name_plural = _("payment reminders")
        ordering = ["send_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "step"], name="reminder_step_once")
        ]
        indexes = [models.Index(fields=["status", "send_at"], name="reminder_due")]

    def __str__(self) -> str:
        return f"{self.invoice_id} step {self.step}"


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Paid in full")
    CANCELLED = "cancelled", _("Cancelled")


class InstalmentPlan(models.Model):
    """An agreement to pay an invoice in instalments. While it is active the invoice gets no
    reminders; each instalment is tracked paid or unpaid."""

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE, related_name="plans"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agreed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("instalment plan")
        verbose_name_plural = _("instalment plans")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice"],
                condition=models.Q(status="active"),
                name="plan_one_active_per_invoice",
            )
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id} ({self.status})"


class Instalment(models.Model):
    plan = models.ForeignKey(
        InstalmentPlan,
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        related_name="instalments",
    )
    number = models.PositiveSmallIntegerField(_("number"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    due_on = models.DateField(_("due on"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="instalment_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}/{self.number}"

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None
