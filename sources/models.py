"""Documents and what they support: the bottom of the project's dependency graph.

A :class:`Source` is a document (an article, a verdict, a report); a
:class:`Citation` ties any record of any app to a source, with the short exact
passage that supports it. Nothing here imports ``people`` or ``cases``: they
depend on this app, and each says which of its models can be cited
(:mod:`sources.citable`).

The tables keep the names they had when these models lived in ``cases``
(``cases_source``, ``cases_citation`` and their historical tables): the move
changed no table, so an existing database loses nothing (see migration 0001).
"""

import re

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models

from casetracker.approximate_dates import ApproximateDateField
from casetracker.base_models import TrackedModel, confidentiality_field, raise_if, synthetic_field
from casetracker.visibility import RestrictedQuerySet

from .choices import SourceKind
from .citable import citable_models, register_citable

# A citation quotes a phrase, never a whole paragraph.
EXCERPT_MAX_WORDS = 30
EXCERPT_MAX_CHARS = 300


def excerpt_errors(excerpt: str, field: str = "excerpt") -> dict:
    words = len(re.findall(r"\S+", excerpt or ""))
    if words > EXCERPT_MAX_WORDS:
        return {
            field: (
                f"An excerpt is a short exact quotation of at most {EXCERPT_MAX_WORDS} words "
                f"(this one has {words}); quote only the phrase that supports the record."
            )
        }
    return {}


class Source(TrackedModel):
    """A document that supports facts in the tracker: an article, a verdict, a report."""

    title = models.CharField(
        max_length=500,
        help_text="The document's title, or a short neutral description where it has none.",
    )
    kind = models.CharField(
        max_length=12,
        choices=SourceKind.choices,
        default=SourceKind.ARTICLE,
        help_text="What sort of document this is.",
    )
    publisher = models.CharField(
        max_length=300,
        blank=True,
        help_text="Who published it (outlet, court, organisation), if the document says.",
    )
    author = models.CharField(max_length=300, blank=True, help_text="Author(s), if named.")
    url = models.URLField(max_length=1000, blank=True, help_text="Where it can be read online, if anywhere.")
    reference = models.CharField(
        max_length=300,
        blank=True,
        help_text="An archive reference or file name that locates the document, e.g. a case number.",
    )
    published = ApproximateDateField(
        null=True,
        blank=True,
        help_text="When it was published, at the precision known (YYYY, YYYY-MM or YYYY-MM-DD).",
    )
    language = models.CharField(max_length=35, blank=True, help_text="Language of the document, e.g. 'en', 'ru'.")
    notes = models.TextField(
        blank=True,
        help_text="Anything a reader should know about the document: how its date was established, its reliability.",
    )
    confidentiality = confidentiality_field(
        help_text=(
            "Public sources are shown to everyone; restricted ones to signed-in staff; confidential ones "
            "(an interview with a witness, a document that names one) only to staff allowed to see confidential "
            "records. A citation is as protected as the more protected of its source and the record it cites."
        )
    )
    synthetic = synthetic_field()
    objects = RestrictedQuerySet.as_manager()
    history_table = "cases_historicalsource"

    class Meta:
        db_table = "cases_source"
        ordering = ["title", "id"]

    def __str__(self):
        return self.title


class Citation(TrackedModel):
    """Ties any record to a source, with the short passage that supports it."""

    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="citations",
        help_text="The document cited.",
    )
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        help_text="The kind of record the citation supports.",
    )
    object_id = models.PositiveBigIntegerField(help_text="The id of the record the citation supports.")
    content_object = GenericForeignKey("content_type", "object_id")
    excerpt = models.TextField(
        max_length=EXCERPT_MAX_CHARS,
        help_text=(
            f"The exact words of the source that support the record: one phrase, at most "
            f"{EXCERPT_MAX_WORDS} words. Never a whole paragraph."
        ),
    )
    locator = models.CharField(
        max_length=100,
        blank=True,
        help_text="Where in the document: page, paragraph or timestamp.",
    )
    note = models.CharField(max_length=500, blank=True, help_text="What the passage supports, if not obvious.")
    objects = RestrictedQuerySet.as_manager()
    history_table = "cases_historicalcitation"

    class Meta:
        db_table = "cases_citation"
        ordering = ["id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="citation_target_idx")]

    def __str__(self):
        return f"{self.source}: “{self.excerpt}”"

    def clean(self):
        raise_if(excerpt_errors(self.excerpt))

    @staticmethod
    def cited_models() -> list[type[models.Model]]:
        """The models a citation may point at (the visibility rule asks; see :mod:`sources.citable`)."""
        return citable_models()


def citations_relation():
    return GenericRelation(Citation, related_query_name="%(class)s")


register_citable(Source, name="source")
