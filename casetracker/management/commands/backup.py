from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext

from casetracker.backups import (
    ENCRYPTED_SUFFIX,
    PASSPHRASE_VARIABLE,
    BackupError,
    backup_passphrase,
    dump_portable,
    dump_postgres,
    make_private,
    private_temporary,
    vendor,
)
from casetracker.backups import (
    encrypt as encrypt_file,
)


class Command(BaseCommand):
    help = (
        "Dump the whole database to a file: pg_dump's custom format on PostgreSQL; on SQLite, or with "
        "--format dumpdata, Django's dumpdata (XML, natural keys; loads into any database). The file is "
        f"readable by its owner only; with {PASSPHRASE_VARIABLE} set it is also encrypted (gpg, AES-256). "
        "Restore with `manage.py restore FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", help=gettext("File to write (default: casetracker-<UTC time>.dump or .xml, plus .gpg).")
        )
        parser.add_argument(
            "--format",
            choices=["auto", "postgres", "dumpdata"],
            default="auto",
            help=gettext("auto (default): postgres on PostgreSQL, dumpdata otherwise."),
        )
        parser.add_argument(
            "--encrypt",
            action="store_true",
            help=f"Encrypt with the passphrase in {PASSPHRASE_VARIABLE} (the default whenever it is set); "
            "fails if it is not set.",
        )
        parser.add_argument(
            "--no-encrypt", action="store_true", help=f"Write a plain file even when {PASSPHRASE_VARIABLE} is set."
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, output, format, encrypt: bool, no_encrypt: bool, database, verbosity, **options):
        if format == "auto":
            format = "postgres" if vendor(using=database) == "postgresql" else "dumpdata"
        try:
            passphrase = None if no_encrypt else backup_passphrase(required=encrypt)
        except BackupError as error:
            raise CommandError(str(error)) from None
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        default = f"casetracker-{stamp}.{'dump' if format == 'postgres' else 'xml'}"
        path = Path(output or (default + ENCRYPTED_SUFFIX if passphrase else default))
        directory = path.parent if str(path.parent) else Path(".")
        if not directory.is_dir():
            raise CommandError(
                gettext("The directory %(directory)r does not exist; create it or choose another --output.")
                % {"directory": str(directory)}
            )
        state = "an encrypted " if passphrase else "a "
        self.stdout.write(f"Writing {state}{format} backup of the {vendor(using=database)} database to {path} …")
        try:
            if passphrase:
                with private_temporary(directory, suffix=".plain") as plain:
                    self._dump(format, plain, database, verbosity)
                    encrypt_file(plain=plain, target=path, passphrase=passphrase)
            else:
                self._dump(format, make_private(path), database, verbosity)
        except BackupError as error:
            raise CommandError(str(error)) from None
        size = path.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(
                gettext("Backup written: %(path)s (%(size)s bytes, readable by its owner only).")
                % {"path": path, "size": f"{size:,}"}
            )
        )

    def _dump(self, format: str, path: Path, database: str, verbosity: int) -> None:
        if format == "postgres":
            dump_postgres(path=path, using=database)
        else:
            dump_portable(path=path, using=database, verbosity=verbosity)
