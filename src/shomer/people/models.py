"""Staff: users with a role, and the teams they work in."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    TEAM_LEAD = "team_lead", _("Team lead")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Administrator")


class Team(models.Model):
    """A group of agents sharing a queue and a working calendar (for SLA clocks)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
    )
    calendar = models.ForeignKey(
        "sla.BusinessCalendar",
        verbose_name=_("working calendar"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="teams",
        help_text=_("SLA clocks count this calendar's hours. Empty: the default calendar."),
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A member of staff. Customers are contacts, not users."""

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.AGENT)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="he"
    )
    teams = models.ManyToManyField(
        Team, verbose_name=_("teams"), blank=True, related_name="members"
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def sees_all_tickets(self) -> bool:
        return self.role in {Role.MANAGER, Role.ADMIN} or self.is_superuser
