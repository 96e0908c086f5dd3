from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SourcesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sources"
    verbose_name = _("Sources and citations")

    def ready(self):
        from . import signals  # noqa: F401
        from .search import connect_level_signals

        connect_level_signals()
