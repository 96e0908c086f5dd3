"""``manage.py add_document SOURCE_ID PATH…``: attach files to a source, as the admin and the API do."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sources.models import Source
from sources.services import document_add, document_prepare


class Command(BaseCommand):
    help = property(
        lambda self: str(
            _(
                "Attach one or more files (PDF, DOCX, HTML, plain text, images) to a source: each is hashed, its type "
                "detected from its content, its text extracted, and the source's citations re-checked against it."
            )
        )
    )

    def add_arguments(self, parser):
        parser.add_argument("source_id", type=int, help=gettext("The id of the source the files are copies of."))
        parser.add_argument("paths", nargs="+", help=gettext("The files to attach."))

    def handle(self, *args, source_id, paths, **options):
        source = Source.objects.filter(pk=source_id).first()
        if source is None:
            raise CommandError(
                gettext("No source with id %(id)s. Find the id in the admin (Sources) or at /api/v1/sources/.")
                % {"id": source_id}
            )
        failures = 0
        for number, raw in enumerate(paths, start=1):
            path = Path(raw)
            prefix = f"[{number}/{len(paths)}] {path}"
            if not path.is_file():
                self.stderr.write(gettext("%(file)s: no such file; check the path.") % {"file": prefix})
                failures += 1
                continue
            try:
                with path.open("rb") as handle:
                    prepared = document_prepare(handle, name=path.name)
            except (ValidationError, OSError) as error:
                message = "; ".join(error.message_dict.get("file", [])) if hasattr(error, "message_dict") else error
                self.stderr.write(gettext("%(file)s: not added: %(reason)s") % {"file": prefix, "reason": message})
                failures += 1
                continue
            document = document_add(source=source, prepared=prepared, user=None)
            state = "already attached as document" if document.already_recorded else "added as document"
            note = f" ({document.extraction_note})" if document.extraction_note else ""
            self.stdout.write(
                f"{prefix}: {state} {document.pk}, {document.media_type}, {document.size:,} bytes, "
                f"{len(document.text):,} characters of text, sha256 {document.sha256}{note}"
            )
        if failures:
            raise CommandError(
                gettext("%(failed)d of %(total)d file(s) could not be added (see above).")
                % {"failed": failures, "total": len(paths)}
            )
