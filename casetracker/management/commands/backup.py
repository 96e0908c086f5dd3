from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from casetracker.backups import BackupError, dump_portable, dump_postgres, vendor


class Command(BaseCommand):
    help = (
        "Dump the whole database to a file: pg_dump's custom format on PostgreSQL; on SQLite, or with "
        "--format dumpdata, Django's dumpdata (XML, natural keys; loads into any database). "
        "Restore with `manage.py restore FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: casetracker-<UTC time>.dump or .xml).")
        parser.add_argument(
            "--format",
            choices=["auto", "postgres", "dumpdata"],
            default="auto",
            help="auto (default): postgres on PostgreSQL, dumpdata otherwise.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, output, format, database, verbosity, **options):
        if format == "auto":
            format = "postgres" if vendor(using=database) == "postgresql" else "dumpdata"
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        path = Path(output or f"casetracker-{stamp}.{'dump' if format == 'postgres' else 'xml'}")
        self.stdout.write(f"Writing a {format} backup of the {vendor(using=database)} database to {path} …")
        try:
            if format == "postgres":
                dump_postgres(path=path, using=database)
            else:
                dump_portable(path=path, using=database, verbosity=verbosity)
        except BackupError as error:
            raise CommandError(str(error)) from None
        size = path.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backup written: {path} ({size:,} bytes)."))
