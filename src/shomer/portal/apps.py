from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The customer portal: contacts sign in by magic link and see their own tickets."""

    name = "shomer.portal"
    verbose_name = _("Customer portal")

    def ready(self) -> None:
        # Register the portal's adapter, so a quarantined portal message can be retried.
        from shomer.portal import adapters  # noqa: F401
