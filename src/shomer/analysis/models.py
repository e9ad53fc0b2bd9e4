"""What the language analysis read in each message, and the ticket-level signals it feeds."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shomer.conversations.models import Message, Ticket


class Sentiment(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    NEUTRAL = "neutral", _("Neutral")
    POSITIVE = "positive", _("Positive")


class MessageAnalysis(models.Model):
    """The analysis of one customer message or agent reply (internal notes are not read).

    Scores are the engine's (`shomer.language.analyze.Analysis`); `is_shielded` is what the
    ticket page does with them: hidden behind a warning until the agent reveals it. The
    model's verdict (`is_abusive`) never changes; staff flags and clearances change
    `is_shielded` (see shomer.protection).
    """

    message = models.OneToOneField(
        Message,
        verbose_name=_("message"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="analysis",
    )
    lang = models.CharField(_("language"), max_length=8)
    sentiment = models.FloatField(_("sentiment"))
    label = models.CharField(_("sentiment label"), max_length=8, choices=Sentiment.choices)
    abuse = models.FloatField(_("abuse score"))
    is_abusive = models.BooleanField(_("abusive (model)"), default=False)
    is_shielded = models.BooleanField(_("shielded"), default=False)
    urgency = models.FloatField(_("urgency"))
    dissatisfaction = models.FloatField(_("dissatisfaction"), default=0.0)
    knows_better = models.BooleanField(_("knows better"), default=False)
    always_on = models.BooleanField(_("around-the-clock demand"), default=False)
    out_of_scope = models.BooleanField(_("out of scope"), default=False)
    promises = models.JSONField(_("promises"), default=list, blank=True)
    tone = models.JSONField(_("tone"), null=True, blank=True)
    model_version = models.CharField(_("model version"), max_length=64, blank=True)
    analysed_at = models.DateTimeField(_("analysed at"), default=timezone.now)

    class Meta:
        verbose_name = _("message analysis")
        verbose_name_plural = _("message analyses")

    def __str__(self) -> str:
        return f"{self.label} #{self.message_id}"

    @property
    def is_urgent(self) -> bool:
        return self.urgency >= URGENT_THRESHOLD

    @property
    def is_angry(self) -> bool:
        return is_angry(self.sentiment, self.dissatisfaction)


# A plain fault report ("the site is down since this morning", "I was charged twice")
# already reads negative, so "angry" needs a strongly negative message and dissatisfaction
# of 0.8 or more, which a negative message reaches only with an explicit cue (cancel,
# refund, "third time", "fed up": shomer.language.analyze). At or above URGENT_THRESHOLD
# urgency a message is "urgent". Explained in docs/language.md.
ANGRY_SENTIMENT = -0.85
ANGRY_DISSATISFACTION = 0.8
URGENT_THRESHOLD = 0.5


def is_angry(sentiment: float, dissatisfaction: float) -> bool:
    return sentiment <= ANGRY_SENTIMENT and dissatisfaction >= ANGRY_DISSATISFACTION


class TicketSignals(models.Model):
    """Badges of a ticket, kept up to date as messages are analysed, so that the inbox
    shows them with one join. Angry, urgent and sentiment follow the latest customer
    message; `has_abuse` stays set while any message of the ticket is shielded."""

    ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("ticket"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="signals",
    )
    is_angry = models.BooleanField(_("angry"), default=False)
    is_urgent = models.BooleanField(_("urgent"), default=False)
    has_abuse = models.BooleanField(_("abusive language"), default=False)
    last_sentiment = models.FloatField(_("last sentiment"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("ticket signals")
        verbose_name_plural = _("ticket signals")

    def __str__(self) -> str:
        return f"signals #{self.ticket_id}"
