from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebChannelsConfig(AppConfig):
    """The web form, the embeddable widget and the phone call log (no models of its own)."""

    name = "shomer.channels.web"
    label = "channels_web"
    verbose_name = _("Web channels")

    def ready(self) -> None:
        # Register the adapters, so that a quarantined record is re-read from its raw input
        # wherever the retry runs (the admin, a command, a worker).
        from shomer.channels.phone import adapters as phone_adapters  # noqa: F401
        from shomer.channels.web import adapters  # noqa: F401
