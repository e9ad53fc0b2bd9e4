"""Inbound channels' settings: the IMAP mailboxes Shomer polls."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from shomer.people.models import Team


class Security(models.TextChoices):
    SSL = "ssl", _("TLS from the start (port 993)")
    STARTTLS = "starttls", _("STARTTLS (port 143)")
    NONE = "none", _("None (loopback or a trusted network only)")


class AfterPoll(models.TextChoices):
    SEEN = "seen", _("Mark as read")
    MOVE = "move", _("Move to a folder")


class Mailbox(models.Model):
    """An IMAP mailbox whose mail becomes tickets. The password is never stored: only the
    name of the environment variable that holds it."""

    name = models.CharField(_("name"), max_length=100)
    host = models.CharField(_("IMAP server"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(
        _("connection security"), max_length=16, choices=Security.choices, default=Security.SSL
    )
    username = models.CharField(_("user name"), max_length=255)
    password_env = models.CharField(
        _("password variable"),
        max_length=100,
        help_text=_("The name of the environment variable that holds the password."),
    )
    folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    after_poll = models.CharField(
        _("after reading"), max_length=8, choices=AfterPoll.choices, default=AfterPoll.SEEN
    )
    move_to = models.CharField(
        _("move to folder"),
        max_length=255,
        default="Shomer",
        blank=True,
        help_text=_("Where read mail goes when it is moved (created when missing)."),
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team for new tickets"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mailboxes",
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # A poller holds the mailbox until this instant (a conditional UPDATE claims it), so
    # two workers never read one mailbox at once, and a crashed poll frees it in time.
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name
