from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casetracker.backups import (
    BackupError,
    backup_passphrase,
    decrypt,
    forget_cached_ids,
    is_encrypted,
    is_postgres_dump,
    private_temporary,
    restore_portable,
    restore_postgres,
)


class Command(BaseCommand):
    help = property(
        lambda self: str(
            _(
                "Replace the contents of the database with a backup made by `manage.py backup` (a pg_dump custom "
                "file or a dumpdata XML file), then migrate. Everything currently in the database is lost."
            )
        )
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help=gettext("The backup file."))
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help=gettext("Do not ask to confirm.")
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, path, interactive, database, verbosity, **options):
        path = Path(path)
        if not path.is_file():
            raise CommandError(gettext("No backup file at %(path)s.") % {"path": path})
        target = connections[database].settings_dict["NAME"]
        if interactive:
            answer = input(
                gettext("This replaces everything in the database %(target)s with %(path)s. Type 'yes' to go on: ")
                % {"target": target, "path": path}
            )
            if answer.strip().lower() != "yes":
                raise CommandError(gettext("Restore cancelled; nothing was changed."))
        try:
            if is_encrypted(path):
                passphrase = backup_passphrase(required=True)
                # ".xml": loaddata tells the format by the name; pg_restore reads its dump whatever the name.
                with private_temporary(path.parent if str(path.parent) else Path("."), suffix=".xml") as plain:
                    self.stdout.write(gettext("Decrypting %(path)s …") % {"path": path})
                    decrypt(encrypted=path, target=plain, passphrase=passphrase)
                    self._restore(plain, path, target, database, verbosity)
            else:
                self._restore(path, path, target, database, verbosity)
        except BackupError as error:
            raise CommandError(str(error)) from None
        # Content types may have new ids now (a dumpdata restore renumbers them): this process forgets the
        # old ones; every running server must be restarted to do the same.
        forget_cached_ids()
        self.stdout.write(
            self.style.SUCCESS(gettext("Restored %(path)s into %(target)s.") % {"path": path, "target": target})
        )
        self.stdout.write(
            self.style.WARNING(
                gettext(
                    "Restart every running casetracker process (gunicorn, workers) now: they cache ids that the "
                    "restore may have changed, and would attach citations to the wrong records until restarted."
                )
            )
        )

    def _restore(self, path: Path, shown: Path, target: str, database: str, verbosity: int) -> None:
        if is_postgres_dump(path):
            self.stdout.write(
                gettext("Restoring the PostgreSQL dump %(path)s into %(target)s with pg_restore …")
                % {"path": shown, "target": target}
            )
            restore_postgres(path=path, using=database)
            # A dump from an older release gets the newer migrations; roles are re-synced.
            call_command("migrate", database=database, interactive=False, verbosity=max(verbosity - 1, 0))
        else:
            self.stdout.write(
                gettext("Loading the dumpdata backup %(path)s into %(target)s …") % {"path": shown, "target": target}
            )
            call_command("migrate", database=database, interactive=False, verbosity=max(verbosity - 1, 0))
            restore_portable(path=path, using=database, verbosity=verbosity)
