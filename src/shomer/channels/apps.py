from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "shomer.channels"
    verbose_name = _("Channels")

    def ready(self) -> None:
        # Registers the e-mail adapter, so that a quarantined mail can be retried.
        from shomer.channels import inbound_email  # noqa: F401
