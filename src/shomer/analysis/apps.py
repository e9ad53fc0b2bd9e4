from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "shomer.analysis"
    verbose_name = _("Language analysis")
