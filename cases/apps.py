from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cases"
    verbose_name = _("Cases and prosecutions")

    def ready(self):
        from .api import people
        from .signals import connect_derived_signals

        people.register()
        connect_derived_signals()
