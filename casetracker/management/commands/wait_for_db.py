import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Command(BaseCommand):
    help = property(
        lambda self: str(
            _("Wait until the database accepts connections (used before migrate when the service starts).")
        )
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--timeout", type=float, default=60, help=gettext("Seconds to wait at most (default %(default)s).")
        )
        parser.add_argument("--interval", type=float, default=1, help=gettext("Seconds between attempts."))
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, timeout, interval, database, **options):
        connection = connections[database]
        where = connection.settings_dict.get("HOST") or connection.settings_dict.get("NAME")
        deadline = time.monotonic() + timeout
        attempt = 0
        while True:
            attempt += 1
            try:
                connection.ensure_connection()
            except OperationalError as error:
                if time.monotonic() >= deadline:
                    raise CommandError(
                        f"The database at {where} did not answer within {timeout:g}s: {error}. "
                        "Check DATABASE_URL and that the database server is running."
                    ) from None
                self.stdout.write(
                    gettext("Waiting for the database at %(where)s (attempt %(attempt)d) …")
                    % {"where": where, "attempt": attempt}
                )
                connection.close()
                time.sleep(interval)
                continue
            self.stdout.write(self.style.SUCCESS(gettext("Database at %(where)s is ready.") % {"where": where}))
            return
