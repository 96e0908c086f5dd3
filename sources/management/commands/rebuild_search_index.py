"""``manage.py rebuild_search_index``: rewrite the search entries of every record (after bulk writes)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casetracker.search_text import search_keys_rebuild
from sources.search import search_index_rebuild


class Command(BaseCommand):
    help = property(
        lambda self: str(
            _(
                "Recompute the search keys of names and titles (across scripts and spellings) and rewrite the "
                "full-text search index from the records. Saves through the admin, the API and the commands keep "
                "them up to date; run this after bulk writes that bypass them (seed_synthetic does) or after the "
                "folding rules change."
            )
        )
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=gettext(
                "Only when the index has no entries yet (a database from before search existed); for start-up."
            ),
        )

    def handle(self, *args, **options):
        from sources.models import SearchEntry

        if options["if_empty"] and SearchEntry.objects.exists():
            self.stdout.write(gettext("The search index has entries; nothing to do."))
            return

        def progress(kind, written):
            if options["verbosity"] >= 2:
                self.stdout.write(f"{written:,} entries ({kind})")

        def keys_progress(label, done):
            if options["verbosity"] >= 2:
                self.stdout.write(gettext("%(records)s checked: %(count)s") % {"records": label, "count": f"{done:,}"})

        # First the records' own search keys (names and titles across scripts): the entries read them.
        keys = search_keys_rebuild(progress=keys_progress)
        self.stdout.write(
            gettext("Search keys of names and titles: %(count)s records updated.") % {"count": f"{keys:,}"}
        )
        written = search_index_rebuild(progress=progress)
        self.stdout.write(gettext("Search index rebuilt: %(count)s entries.") % {"count": f"{written:,}"})
