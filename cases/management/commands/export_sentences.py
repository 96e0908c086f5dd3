"""``manage.py export_sentences``: sentence summaries as CSV, XLSX or JSON from the command line.

Who the export is for decides what it holds (see ``cases.selectors``):

- by default, public records only: what an anonymous visitor may see. This
  is the safe choice for a file advocates send out;
- ``--as-user USERNAME``: exactly what that user would get from the API
  (staff without ``people.view_confidential`` get "Protected person" rows);
- ``--include-protected``: everything in the clear, for an operator with
  shell access who knows the file stays inside the organisation.

Filters are those of the sentence list (``/api/v1/sentences/``), one option
each (``--case 3 --kind imprisonment --kind probation --q kozlov``). ``--language ru`` (or ``kk``) writes
the headers and labels in that language; run
``manage.py export_sentences --help`` for the full list.
"""

from __future__ import annotations

import datetime
import os
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters import MultipleChoiceFilter, OrderingFilter
from tqdm import tqdm

from cases.exports import FORMATS, export_chunks
from cases.selectors import SentenceSummaryFilterSet, sentence_summary_queryset, summary_rows_from


class FullAccessOperator:
    """The reader behind ``--include-protected``: a shell operator who may see every record."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = True
    is_superuser = True
    username = "(command line, --include-protected)"

    def has_perm(self, perm, obj=None):
        return True


def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


class Command(BaseCommand):
    help = property(
        lambda self: str(
            _(
                "Export sentence summaries (one row per sentence: defendant, case, charges, court, verdict date, kind, "
                "term, dates, status, time served and remaining, sources) as CSV, XLSX or JSON. Public records only "
                "unless --as-user or --include-protected is given."
            )
        )
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--format",
            choices=sorted(FORMATS),
            help=gettext("csv, xlsx or json. Default: taken from the --output file's extension."),
        )
        parser.add_argument(
            "--output",
            "-o",
            required=True,
            help=gettext("The file to write, or '-' for standard output. Written whole or not at all."),
        )
        parser.add_argument(
            "--as-of",
            help=gettext("The date time served and remaining are counted to (YYYY-MM-DD). Default: today."),
        )
        parser.add_argument(
            "--bom", action="store_true", help=gettext("CSV only: start with a byte-order mark so Excel reads UTF-8.")
        )
        who = parser.add_mutually_exclusive_group()
        who.add_argument(
            "--public",
            action="store_true",
            help=gettext("Public records only, as an anonymous visitor sees them (the default)."),
        )
        who.add_argument(
            "--as-user",
            metavar="USERNAME",
            help=gettext(
                "What this user may see: staff without the confidential permission get 'Protected person' rows."
            ),
        )
        who.add_argument(
            "--include-protected",
            action="store_true",
            help=gettext("Everything, restricted and confidential people named. Only for files that stay in-house."),
        )
        parser.add_argument("--no-progress", action="store_true", help=gettext("No progress bar, even on a terminal."))
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help=gettext(
                "The language of the headers and labels (kinds, statuses, terms in words). "
                "Default: %(default)s. JSON keys and ISO dates are the same in every language."
            )
            % {"default": settings.LANGUAGE_CODE},
        )
        filters = parser.add_argument_group("filters (as on /api/v1/sentences/)")
        for name, field in SentenceSummaryFilterSet.base_filters.items():
            kwargs = {"dest": f"filter_{name}", "help": field.extra.get("help_text") or name}
            if isinstance(field, OrderingFilter):
                fields = ", ".join(field.param_map)
                kwargs["metavar"] = "FIELDS"
                kwargs["help"] = f"{kwargs['help']} One of: {fields}. Write --ordering=-term_months for descending."
            elif field.extra.get("choices"):
                kwargs["choices"] = [value for value, _label in field.extra["choices"]]
            else:
                kwargs["metavar"] = name.upper()
            if isinstance(field, MultipleChoiceFilter):
                kwargs["action"] = "append"
            filters.add_argument(_option(name), **kwargs)

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            self._export(options)

    def _export(self, options):
        output = options["output"]
        fmt = options["format"] or self._format_from(output)
        if options["bom"] and fmt != "csv":
            raise CommandError(gettext("--bom applies to CSV only; drop it or use --format csv."))
        as_of = self._as_of(options["as_of"])
        user, audience = self._reader(options)
        filters = {
            name: value
            for name in SentenceSummaryFilterSet.base_filters
            if (value := options.get(f"filter_{name}")) not in (None, [])
        }
        try:
            queryset = sentence_summary_queryset(filters=filters, user=user)
        except ValidationError as error:
            problems = "; ".join(
                f"{_option(field)}: {' '.join(messages)}" for field, messages in error.message_dict.items()
            )
            raise CommandError(gettext("Invalid filter: %(problems)s") % {"problems": problems}) from error
        except PermissionDenied as error:
            raise CommandError(
                gettext(
                    "%(error)s Filtering by confidentiality needs a staff reader: add --as-user STAFF_USERNAME "
                    "or --include-protected."
                )
                % {"error": error}
            ) from error
        show_progress = sys.stderr.isatty() and not options["no_progress"]
        total = queryset.count() if show_progress else None

        with tqdm(
            total=total, unit=" rows", desc=f"Exporting {fmt}", disable=not show_progress, file=sys.stderr
        ) as bar:
            counted = {"rows": 0}

            def rows():
                for row in summary_rows_from(queryset, user=user, as_of=as_of):
                    counted["rows"] += 1
                    bar.update(1)
                    yield row

            chunks = export_chunks(fmt, rows(), as_of=as_of, bom=options["bom"])
            if output == "-":
                self._to_stdout(chunks, fmt)
            else:
                self._to_file(chunks, Path(output), private=user is not None)

        where = "standard output" if output == "-" else output
        self.stderr.write(
            f"Wrote {counted['rows']:,} sentence{'s' if counted['rows'] != 1 else ''} to {where} "
            f"({fmt}, time counted to {as_of.isoformat()}, {audience})."
        )

    # -- options ---------------------------------------------------------------

    def _format_from(self, output: str) -> str:
        suffix = Path(output).suffix.lower().lstrip(".")
        if output != "-" and suffix in FORMATS:
            return suffix
        raise CommandError(
            gettext("Say which format to write: --format csv, xlsx or json (the output %(output)r does not tell).")
            % {"output": output}
        )

    def _as_of(self, text: str | None) -> datetime.date:
        if not text:
            return timezone.localdate()
        try:
            return datetime.date.fromisoformat(text)
        except ValueError as error:
            raise CommandError(
                gettext("--as-of %(text)r is not a date; write it as YYYY-MM-DD, e.g. 2026-11-22.") % {"text": text}
            ) from error

    def _reader(self, options):
        if options["include_protected"]:
            return FullAccessOperator(), "every record, protected people included"
        if options["as_user"]:
            User = get_user_model()
            try:
                user = User.objects.get(**{User.USERNAME_FIELD: options["as_user"]})
            except User.DoesNotExist as error:
                raise CommandError(
                    gettext(
                        "No user named %(name)r; give an existing username "
                        "(create one with 'manage.py createsuperuser')."
                    )
                    % {"name": options["as_user"]}
                ) from error
            if not user.is_active:
                raise CommandError(
                    gettext("User %(name)r is inactive; choose an active user.") % {"name": options["as_user"]}
                )
            return user, f"as {options['as_user']} may see it"
        return None, "public records only"

    # -- writing ---------------------------------------------------------------

    def _to_stdout(self, chunks, fmt: str) -> None:
        stream = getattr(self.stdout, "_out", self.stdout)
        binary = getattr(stream, "buffer", None)
        if binary is None and fmt == "xlsx":
            raise CommandError(gettext("XLSX is binary and standard output here takes text; write it to a file."))
        for chunk in chunks:
            if binary is not None:
                binary.write(chunk)
            else:
                stream.write(chunk.decode("utf-8"))
        if binary is not None:
            binary.flush()

    def _to_file(self, chunks, path: Path, *, private: bool) -> None:
        directory = path.parent if str(path.parent) else Path(".")
        if not directory.is_dir():
            raise CommandError(
                gettext("The directory %(directory)r does not exist; create it or choose another --output.")
                % {"directory": str(directory)}
            )
        # Write next to the target and rename at the end: a failed export never leaves half a file.
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
            if not private:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes it private; give it a normal file's mode
            # else: mkstemp's 0600 stays: protected people are named in it, only its owner may read it.
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
