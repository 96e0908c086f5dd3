"""``manage.py verify_citations``: re-check every citation's excerpt against its source's documents."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sources.models import Citation
from sources.services import citations_verify


class Command(BaseCommand):
    help = property(
        lambda self: str(
            _(
                "Re-check every citation against the text of its source's documents and print a report: how many "
                "excerpts were found, how many were not (listed), and how many have no document text to check."
            )
        )
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", type=int, help=gettext("Only the citations of this source id."))

    def handle(self, *args, **options):
        citations = Citation.objects.all()
        if options["source"]:
            citations = citations.filter(source_id=options["source"])
        counts = citations_verify(citations)
        for citation in citations.filter(verified=False).select_related("source").order_by("source_id", "id"):
            self.stdout.write(f"NOT FOUND citation {citation.pk} (source {citation.source_id}): “{citation.excerpt}”")
        self.stdout.write(
            gettext(
                "%(verified)d verified, %(unverified)d not found in their source's documents, "
                "%(unchecked)d unchecked (the source has no document text)."
            )
            % counts
        )
