from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casetracker.roles import roles_sync


class Command(BaseCommand):
    help = property(
        lambda self: str(
            _(
                "Create the staff roles (groups Viewer, Editor, Senior editor) or reset them to their "
                "definition in casetracker/roles.py. Idempotent; `migrate` runs it too."
            )
        )
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help=gettext("Database alias (default: %(default)s).")
        )

    def handle(self, *args, database, **options):
        for result in roles_sync(using=database):
            state = "created" if result.created else "up to date"
            self.stdout.write(f"{result.name}: {state}, {result.permission_count} permissions")
        self.stdout.write(
            self.style.SUCCESS(gettext("Roles ready. Add a user to one with: manage.py create_staff_user"))
        )
