from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Bulk import of spreadsheets into every app; sits on top of the dependency graph (imports them all)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "imports"
    verbose_name = _("Imports")

    def ready(self):
        from simple_history.signals import pre_create_historical_record

        from .history import mark_historical_record

        pre_create_historical_record.connect(mark_historical_record, dispatch_uid="imports.mark_historical_record")
