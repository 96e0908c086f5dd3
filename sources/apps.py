from django.apps import AppConfig


class SourcesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sources"
    verbose_name = "Sources and citations"

    def ready(self):
        from . import signals  # noqa: F401
        from .search import connect_level_signals

        connect_level_signals()
