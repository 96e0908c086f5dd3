from django.apps import AppConfig
from django.core.signals import request_finished
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CasetrackerConfig(AppConfig):
    """The project package as an app: operations commands, roles, health, login lockout glue."""

    name = "casetracker"
    label = "casetracker"
    verbose_name = _("casetracker operations")

    def ready(self):
        from django.db.models import IntegerField

        from . import durability, roles, search_text
        from .api import counts
        from .db import IntegerIn, prepare_repeated_statements

        IntegerField.register_lookup(IntegerIn)
        connection_created.connect(prepare_repeated_statements, dispatch_uid="casetracker.prepare_statements")
        connection_created.connect(counts.install, dispatch_uid="casetracker.forget_counts_on_write")
        connection_created.connect(durability.install, dispatch_uid="casetracker.records_wait_for_the_disk")
        request_finished.connect(counts.forget_after_request, dispatch_uid="casetracker.forget_counts_after_request")
        search_text.connect()

        post_migrate.connect(roles.roles_sync_after_migrate, sender=self, dispatch_uid="casetracker.roles_sync")
