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

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casetracker.approximate_dates import ApproximateDateField
from casetracker.base_models import TrackedModel, confidentiality_field, raise_if, synthetic_field
from casetracker.choices import Confidentiality
from casetracker.visibility import RestrictedQuerySet

from .choices import SourceKind
from .citable import citable_for, citable_models, register_citable
from .search import register_searchable

# A citation quotes a phrase, never a whole paragraph.
EXCERPT_MAX_WORDS = 30
EXCERPT_MAX_CHARS = 300


def excerpt_errors(excerpt: str, field: str = "excerpt") -> dict:
    words = len(re.findall(r"\S+", excerpt or ""))
    if words > EXCERPT_MAX_WORDS:
        return {
            field: gettext(
                "An excerpt is a short exact quotation of at most %(max)d words "
                "(this one has %(words)d); quote only the phrase that supports the record."
            )
            % {"max": EXCERPT_MAX_WORDS, "words": words}
        }
    return {}


class Source(TrackedModel):
    """A document that supports facts in the tracker: an article, a verdict, a report."""

    title = models.CharField(
        max_length=500,
        help_text=_("The document's title, or a short neutral description where it has none."),
        verbose_name=_("title"),
    )
    kind = models.CharField(
        max_length=12,
        choices=SourceKind.choices,
        default=SourceKind.ARTICLE,
        help_text=_("What sort of document this is."),
        verbose_name=_("kind"),
    )
    publisher = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("Who published it (outlet, court, organisation), if the document says."),
        verbose_name=_("publisher"),
    )
    author = models.CharField(max_length=300, blank=True, help_text=_("Author(s), if named."), verbose_name=_("author"))
    url = models.URLField(
        max_length=1000, blank=True, help_text=_("Where it can be read online, if anywhere."), verbose_name=_("url")
    )
    reference = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("An archive reference or file name that locates the document, e.g. a case number."),
        verbose_name=_("reference"),
    )
    published = ApproximateDateField(
        null=True,
        blank=True,
        help_text=_("When it was published, at the precision known (YYYY, YYYY-MM or YYYY-MM-DD)."),
        verbose_name=_("published"),
    )
    language = models.CharField(
        max_length=35, blank=True, help_text=_("Language of the document, e.g. 'en', 'ru'."), verbose_name=_("language")
    )
    notes = models.TextField(
        blank=True,
        help_text=_("Anything a reader should know about the document: how its date was established, its reliability."),
        verbose_name=_("notes"),
    )
    confidentiality = confidentiality_field(
        help_text=(
            _(
                "Public sources are shown to everyone; restricted ones to signed-in staff; confidential ones "
                "(an interview with a witness, a document that names one) only to staff allowed to see confidential "
                "records. A citation is as protected as the more protected of its source and the record it cites."
            )
        )
    )
    synthetic = synthetic_field()
    objects = RestrictedQuerySet.as_manager()
    history_table = "cases_historicalsource"

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
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
        help_text=_("The document cited."),
        verbose_name=_("source"),
    )
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        help_text=_("The kind of record the citation supports."),
        verbose_name=_("content type"),
    )
    object_id = models.PositiveBigIntegerField(
        help_text=_("The id of the record the citation supports."), verbose_name=_("object id")
    )
    content_object = GenericForeignKey("content_type", "object_id")
    excerpt = models.TextField(
        max_length=EXCERPT_MAX_CHARS,
        help_text=format_lazy(
            _(
                "The exact words of the source that support the record: one phrase, at most {words} words. "
                "Never a whole paragraph."
            ),
            words=EXCERPT_MAX_WORDS,
        ),
        verbose_name=_("excerpt"),
    )
    locator = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("Where in the document: page, paragraph or timestamp."),
        verbose_name=_("locator"),
    )
    note = models.CharField(
        max_length=500, blank=True, help_text=_("What the passage supports, if not obvious."), verbose_name=_("note")
    )
    verified = models.BooleanField(
        null=True,
        blank=True,
        editable=False,
        help_text=(
            _(
                "Whether the excerpt was found in the text of one of the source's documents (whitespace, quotes, "
                "dashes and case aside); empty while the source has no document text to check it against."
            )
        ),
        verbose_name=_("verified"),
    )
    verified_document = models.ForeignKey(
        "Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text=_("The document whose text contains the excerpt."),
        verbose_name=_("verified document"),
    )
    objects = RestrictedQuerySet.as_manager()
    history_table = "cases_historicalcitation"
    # Derived from the excerpt and the documents (re-checked whenever either changes): not kept per version.
    history_excluded_fields = ("verified", "verified_document")

    class Meta:
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        db_table = "cases_citation"
        ordering = ["id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="citation_target_idx")]

    def __str__(self):
        return f"{self.source}: “{self.excerpt}”"

    def clean(self):
        errors = excerpt_errors(self.excerpt)
        if self.content_type_id is not None and self.object_id is not None and not self._target_exists():
            errors["object_id"] = citation_target_error(self.content_type.model_class(), self.object_id)
        raise_if(errors)

    def _target_exists(self) -> bool:
        """Whether the cited record exists (whether the user may see it is the caller's question)."""
        cached = self._state.fields_cache.get("content_object")
        if cached is not None and cached.pk == self.object_id and not cached._state.adding:
            return True  # set from a saved or loaded record: no query needed
        model = self.content_type.model_class()
        return model is not None and model._base_manager.filter(pk=self.object_id).exists()

    @staticmethod
    def cited_models() -> list[type[models.Model]]:
        """The models a citation may point at (the visibility rule asks; see :mod:`sources.citable`)."""
        return citable_models()


def citation_target_error(model, object_id) -> str:
    """A citation's target that does not exist, or that the user may not see: one message, so it leaks nothing."""
    citable = citable_for(model) if model is not None else None
    kind = citable.name if citable else gettext("record")
    return gettext("No %(kind)s with id %(id)s.") % {"kind": kind, "id": object_id}


def citations_relation():
    return GenericRelation(Citation, related_query_name="%(class)s")


register_citable(Source, name="source")


def documents_storage():
    """Where document files live: ``STORAGES["documents"]`` (the local file system, or S3; see settings)."""
    from django.core.files.storage import storages

    return storages["documents"]


def document_path(sha256: str) -> str:
    """A document's storage name, from its content alone: the same bytes are stored once.

    Two hex levels keep any one directory small (65,536 directories for a million files).
    """
    return f"documents/{sha256[:2]}/{sha256[2:4]}/{sha256}"


class Document(TrackedModel):
    """A stored file of a source (a verdict, a letter, a photo of a hearing), with its hash and its text.

    Immutable: its bytes, hash and source never change (a new version is a new document, and
    the history keeps both). The file is stored under its SHA-256 (:func:`document_path`), so
    the same bytes attached to two sources are stored once; ``manage.py verify_documents``
    re-hashes every stored file.
    """

    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="documents",
        help_text=_("The source this file is a copy of."),
        verbose_name=_("source"),
    )
    file = models.FileField(
        storage=documents_storage,
        max_length=200,
        editable=False,
        help_text=_("The stored file, named by its SHA-256 (never served as a public file)."),
        verbose_name=_("file"),
    )
    sha256 = models.CharField(
        max_length=64,
        db_index=True,
        editable=False,
        help_text=_("SHA-256 of the file's bytes, in hexadecimal: proof that the file has not changed."),
        verbose_name=_("sha256"),
    )
    size = models.PositiveBigIntegerField(
        editable=False, help_text=_("The file's size in bytes."), verbose_name=_("size")
    )
    media_type = models.CharField(
        max_length=100,
        editable=False,
        help_text=_("The file's type as detected from its content (not from its name), e.g. application/pdf."),
        verbose_name=_("media type"),
    )
    original_name = models.CharField(
        max_length=255,
        editable=False,
        help_text=_("The file's name as uploaded; used when it is downloaded."),
        verbose_name=_("original name"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text=_("Who uploaded the file."),
        verbose_name=_("added by"),
    )
    text = models.TextField(
        blank=True,
        editable=False,
        help_text=_("The text extracted from the file on upload (empty when none could be extracted)."),
        verbose_name=_("text"),
    )
    extraction_note = models.CharField(
        max_length=500,
        blank=True,
        editable=False,
        help_text=_("Why no text (or only part of it) was extracted, e.g. an image on a server without OCR."),
        verbose_name=_("extraction note"),
    )
    synthetic = synthetic_field()
    objects = RestrictedQuerySet.as_manager()

    # Derived from the file, which the hash pins: no need to keep the text in every version.
    history_excluded_fields = ("text",)
    #: The fields that make a document what it is: never changed after creation.
    IMMUTABLE_FIELDS = ("source_id", "file", "sha256", "size", "media_type")

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["source", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "sha256"], name="document_once_per_source"),
        ]

    def __str__(self):
        return f"{self.original_name or self.sha256[:12]} ({self.source})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = type(self)._base_manager.filter(pk=self.pk).values(*self.IMMUTABLE_FIELDS).first()
            if stored is not None and any(
                str(stored[name]) != str(getattr(self, name)) for name in self.IMMUTABLE_FIELDS
            ):
                raise ValueError(
                    gettext("A document's file never changes: add the new version as a new document instead.")
                )
        super().save(*args, **kwargs)


class SearchEntry(models.Model):
    """One record's searchable text, for ``/api/v1/search/`` (derived; see :mod:`sources.search`).

    Never shown as such: every hit is checked against the visibility rule of the record it
    stands for. Kept in step by signals on the models registered with
    :func:`sources.search.register_searchable`; ``manage.py rebuild_search_index`` rebuilds it
    after bulk writes (the synthetic data generator).
    """

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("content type")
    )
    object_id = models.PositiveBigIntegerField(verbose_name=_("object id"))
    kind = models.CharField(
        max_length=20, db_index=True, help_text=_("The kind of record: source, document, …"), verbose_name=_("kind")
    )
    label = models.CharField(max_length=500, help_text=_("How the record is named in a hit."), verbose_name=_("label"))
    text = models.TextField(
        help_text=_("The record's searchable text, case-folded (Russian and Kazakh too)."), verbose_name=_("text")
    )
    level = models.CharField(
        max_length=20,
        choices=Confidentiality.choices,
        default=Confidentiality.CONFIDENTIAL,
        db_index=True,
        verbose_name=_("level"),
        help_text=_(
            "The record's level by the visibility rule (the most protected of its own and its protectors'), "
            "kept in step when they change, so search narrows by an index, not by a query per hit."
        ),
    )
    folded = models.TextField(
        blank=True,
        default="",
        verbose_name=_("folded text"),
        help_text=_(
            "The text's words folded to one spelling across scripts (Козлов and Kozlov alike), for search "
            "(casetracker.translit)."
        ),
    )

    class Meta:
        verbose_name = _("search entry")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="searchentry_once_per_record"),
        ]
        verbose_name_plural = _("search entries")

    def __str__(self):
        return f"{self.kind} {self.object_id}: {self.label}"


register_searchable(Source, kind="source", fields=("title", "publisher", "author", "reference", "notes"))
register_searchable(
    Document,
    kind="document",
    fields=("original_name", "text"),
    joins=("source",),
)
register_searchable(Citation, kind="citation", fields=("excerpt", "note"), joins=("source",))
