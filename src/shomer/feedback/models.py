"""Surveys sent to customers (CSAT after a solved ticket, periodic NPS, the exit survey) and
their answers. `SurveyAnswer` is what customer health reads."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shomer.conversations.models import Ticket
from shomer.customers.models import Contact, Customer
from shomer.outreach.models import OutboundMail


class SurveyKind(models.TextChoices):
    CSAT = "csat", _("Satisfaction (CSAT)")
    NPS = "nps", _("Recommendation (NPS)")
    EXIT = "exit", _("Exit survey")


class AnswerChannel(models.TextChoices):
    EMAIL = "email", _("E-mail link")
    PORTAL = "portal", _("Customer portal")


class ExitReason(models.TextChoices):
    PRICE = "price", _("Price")
    QUALITY = "quality", _("Quality of the work")
    SERVICE = "service", _("Service and response times")
    NEEDS = "needs", _("Our needs changed")
    OTHER = "other", _("Something else")


class Survey(OutboundMail):
    """One survey sent (or not, with the reason) to a customer's contact. Its links carry
    `nonce`: a link from another survey, or a forged one, is refused."""

    kind = models.CharField(_("kind"), max_length=8, choices=SurveyKind.choices)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="surveys"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="surveys",
    )
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="surveys",
    )
    nonce = models.CharField(max_length=32, editable=False)
    expires_at = models.DateTimeField(_("answerable until"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-send_at", "-id"]
        constraints = [
            # One satisfaction survey per ticket, however often it is solved again.
            models.UniqueConstraint(
                fields=["ticket"], condition=models.Q(kind="csat"), name="survey_csat_per_ticket"
            ),
            models.UniqueConstraint(
                fields=["customer"], condition=models.Q(kind="exit"), name="survey_exit_once"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "send_at"], name="survey_due"),
            models.Index(fields=["customer", "status", "sent_at"], name="survey_customer_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class SurveyAnswer(models.Model):
    """A customer's answer to a survey. `rating` is on the survey's scale (CSAT and exit
    1-5, NPS 0-10); `score` is the same answer on [0, 1], the scale customer health reads."""

    survey = models.OneToOneField(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="answer"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=SurveyKind.choices)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="survey_answers",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_answers",
    )
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_answers",
    )
    rating = models.PositiveSmallIntegerField(_("rating"))
    score = models.FloatField(_("score (0-1)"))
    is_unhappy = models.BooleanField(_("unhappy"), default=False)
    comment = models.TextField(_("comment"), blank=True)
    reason = models.CharField(
        _("main reason for leaving"), max_length=16, choices=ExitReason.choices, blank=True
    )
    channel = models.CharField(_("answered by"), max_length=8, choices=AnswerChannel.choices)
    complaint = models.ForeignKey(
        Ticket,
        verbose_name=_("complaint"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now, db_index=True)
    comment_at = models.DateTimeField(_("comment changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["-answered_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "answered_at"], name="answer_customer_at"),
            models.Index(fields=["kind", "answered_at"], name="answer_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.rating}"
