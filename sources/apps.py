from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SourcesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sources"
    verbose_name = _("Sources and citations")

    def ready(self):
        from django.db.models.signals import post_migrate, pre_migrate

        from . import signals  # noqa: F401
        from .search import connect_level_signals, forget_level_statements

        connect_level_signals()
        pre_migrate.connect(forget_level_statements, dispatch_uid="sources.forget_level_statements")
        post_migrate.connect(forget_level_statements, dispatch_uid="sources.forget_level_statements")
