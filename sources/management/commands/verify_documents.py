"""``manage.py verify_documents``: re-hash every stored file; exit 1 when any is missing or changed."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sources.models import Document
from sources.services import documents_verify_integrity


class Command(BaseCommand):
    help = property(
        lambda self: str(
            _(
                "Re-hash every stored document file and compare it with the SHA-256 recorded on upload. Reports "
                "files that are missing or whose bytes changed (tampering or storage corruption) and exits non-zero "
                "if any are."
            )
        )
    )

    def handle(self, *args, **options):
        total = Document.objects.count()
        checked = 0

        def progress(document):
            nonlocal checked
            checked += 1
            if options["verbosity"] >= 2 or checked % 1000 == 0:
                self.stdout.write(f"checked {checked:,} of {total:,}")

        problems = list(documents_verify_integrity(progress=progress))
        for problem in problems:
            document = problem.document
            where = (
                f"document {document.pk} “{document.original_name}” of source {document.source_id} "
                f"({document.file.name})"
            )
            if problem.problem == "missing":
                self.stderr.write(
                    gettext("MISSING %(document)s: the file is not in storage; restore it from a backup.")
                    % {"document": where}
                )
            else:
                self.stderr.write(
                    f"CHANGED {where}: recorded sha256 {document.sha256}, stored bytes hash to {problem.found}; "
                    "restore the file from a backup."
                )
        if problems:
            raise CommandError(
                gettext("%(failed)d of %(total)d document(s) failed the check (see above).")
                % {"failed": len(problems), "total": total}
            )
        self.stdout.write(gettext("All %(total)d document(s) match their recorded SHA-256.") % {"total": total})
