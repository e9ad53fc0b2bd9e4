"""The portal's one table: sign-in links already used (each link signs in once)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shomer.customers.models import Contact


class UsedSignInLink(models.Model):
    """A magic sign-in link that was used. Its nonce is unique, so a replayed link (or two
    clicks racing) signs in at most once."""

    nonce = models.CharField(_("nonce"), max_length=64, unique=True)
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="+"
    )
    used_at = models.DateTimeField(_("used at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("used sign-in link")
        verbose_name_plural = _("used sign-in links")

    def __str__(self) -> str:
        return f"{self.contact_id} {self.used_at:%Y-%m-%d %H:%M}"
