"""``manage.py import_records PATH --kind KIND [--dry-run] [--as-user NAME]``; ``--template KIND`` writes a template."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from tqdm import tqdm

from imports.kinds import KINDS
from imports.reading import FORMATS
from imports.services import records_import, summary_lines
from imports.templates import template_bytes


class Command(BaseCommand):
    help = property(
        lambda self: str(
            _(
                "Import persons, organizations, cases, defendants, charges, sentences, status changes or citations "
                "from a CSV or XLSX sheet (docs/imports.md). All or nothing: any error writes nothing and exits "
                "with status 1. --dry-run prints what would change, row by row."
            )
        )
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help=gettext("The CSV or XLSX file to import."))
        parser.add_argument("--kind", choices=sorted(KINDS), help=gettext("What the sheet holds."))
        parser.add_argument(
            "--dry-run", action="store_true", help=gettext("Preview only: say what would change, write nothing.")
        )
        parser.add_argument(
            "--as-user",
            metavar="NAME",
            help=gettext(
                "The staff account the import runs as: its permissions apply and the history names it. "
                "Default: the only superuser, if there is exactly one."
            ),
        )
        parser.add_argument(
            "--template", metavar="KIND", choices=sorted(KINDS), help=gettext("Write an empty template instead.")
        )
        parser.add_argument(
            "--format", choices=FORMATS, default="csv", help=gettext("The template's format (default csv).")
        )
        parser.add_argument(
            "--output", "-o", help=gettext("Where to write the template (default: standard output for CSV).")
        )
        parser.add_argument(
            "--quiet-unchanged", action="store_true", help=gettext("Leave unchanged rows out of the summary.")
        )

    def handle(self, *args, **options):
        if options["template"]:
            return self.write_template(options)
        if not options["path"] or not options["kind"]:
            raise CommandError(gettext("Give the file and --kind (or --template KIND for an empty template)."))
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(gettext("No file at %(path)s.") % {"path": path})
        user = self.user(options["as_user"])
        content = path.read_bytes()
        with tqdm(desc="Rows", unit="row", disable=options["verbosity"] < 1, file=self.stderr._out) as bar:
            result = records_import(
                content=content,
                filename=path.name,
                kind=options["kind"],
                user=user,
                dry_run=options["dry_run"],
                progress=lambda done: bar.update(done - bar.n),
            )
        for line in summary_lines(result, verbose=not options["quiet_unchanged"]):
            self.stdout.write(line)
        if not result.ok:
            raise CommandError(
                gettext("%(count)d error(s): nothing was imported.") % {"count": len(result.errors)}, returncode=1
            )
        if result.dry_run:
            self.stdout.write(gettext("Dry run: nothing was written."))
        else:
            self.stdout.write(self.style.SUCCESS(gettext("Imported.")))

    def user(self, name):
        users = get_user_model().objects
        if name:
            user = users.filter(username=name, is_active=True, is_staff=True).first()
            if user is None:
                raise CommandError(gettext("No active staff account called %(name)r.") % {"name": name})
            return user
        superusers = list(users.filter(is_superuser=True, is_active=True)[:2])
        if len(superusers) != 1:
            raise CommandError(gettext("Say whose import this is with --as-user NAME (it is recorded in the history)."))
        return superusers[0]

    def write_template(self, options):
        content = template_bytes(options["template"], options["format"])
        if options["output"]:
            Path(options["output"]).write_bytes(content)
            self.stdout.write(gettext("Wrote %(path)s.") % {"path": options["output"]})
        elif options["format"] == "csv":
            self.stdout.write(content.decode("utf-8-sig"), ending="")
        else:
            raise CommandError(gettext("An XLSX template needs --output PATH."))
