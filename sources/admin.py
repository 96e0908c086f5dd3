"""Staff back office for sources and citations, and the citation inline every citable record's page shows.

Built on :mod:`casetracker.admin`, like every admin: what a user may not see
(a confidential source, a citation of a hidden record) is never shown. The
admin pages moved with the models from ``/admin/cases/source/`` to
``/admin/sources/source/``; the old addresses redirect (``casetracker.urls``).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casetracker.admin import RecordAdmin, RestrictedGenericTabularInline, RestrictedTabularInline
from casetracker.visibility import visible_count

from .citable import targets_prefetch
from .models import Citation, Document, Source
from .search import search_hits
from .services import document_add, document_prepare

# Excerpts and notes are a phrase or two: keep inline rows compact.
COMPACT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 50})}}


class CitationInline(RestrictedGenericTabularInline):
    model = Citation
    formfield_overrides = COMPACT_TEXT
    extra = 1
    fields = ["source", "excerpt", "locator", "note"]
    autocomplete_fields = ["source"]
    verbose_name = _("citation")
    verbose_name_plural = _("Citations (every fact has a source)")


#: The most documents an admin search adds to its results by their text.
ADMIN_TEXT_HITS = 1000


def document_hit_ids(search_term: str, user) -> list[int]:
    # Ids, not a subquery: on PostgreSQL the search names its table's generated vector column.
    return list(
        search_hits(search_term, user=user, kinds=["document"]).values_list("object_id", flat=True)[:ADMIN_TEXT_HITS]
    )


def download_link(document: Document):
    url = reverse("admin:sources_document_download", args=[document.pk])
    return format_html('<a href="{}">{}</a>', url, document.original_name)


class SourceForm(forms.ModelForm):
    """The source's fields, and a file to attach as a new document (:func:`sources.services.document_prepare`)."""

    new_document = forms.FileField(
        required=False,
        label=_("Add a document"),
        help_text=_(
            "A PDF, DOCX, HTML or plain-text file, or an image, that is a copy of this source. It is stored "
            "with its SHA-256 and its text is extracted; the source's citations are checked against it."
        ),
    )

    class Meta:
        model = Source
        fields = ["title"]  # the admin gives the full list (SourceAdmin.fields)

    def clean_new_document(self):
        upload = self.cleaned_data.get("new_document")
        self.prepared_document = None
        if upload:
            try:
                self.prepared_document = document_prepare(upload)
            except ValidationError as error:
                raise ValidationError(error.message_dict["file"]) from error
        return upload


class DocumentInline(RestrictedTabularInline):
    """The source's stored files, read-only: a file never changes (add a new version with the upload field)."""

    model = Document
    fk_name = "source"
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    fields = ["file_link", "media_type", "file_size", "sha256", "added_by", "created", "extraction_note"]
    readonly_fields = fields
    verbose_name = _("document")
    verbose_name_plural = _("Documents (stored files of this source)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("File"))
    def file_link(self, document):
        return download_link(document)

    @admin.display(description=_("Size"))
    def file_size(self, document):
        return filesizeformat(document.size)


@admin.register(Source)
class SourceAdmin(RecordAdmin):
    form = SourceForm
    inlines = [DocumentInline]
    list_display = ["title", "kind", "publisher", "published", "confidentiality", "citation_count"]
    list_filter = ["kind", "language", "confidentiality"]
    search_fields = ["title", "publisher", "author", "reference", "url"]
    fields = [
        "title",
        "kind",
        "publisher",
        "author",
        "published",
        "language",
        "url",
        "reference",
        "notes",
        "confidentiality",
        "new_document",
    ]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if not request.user.has_perm("sources.add_document"):
            fields = [name for name in fields if name != "new_document"]
        return fields

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        prepared = getattr(form, "prepared_document", None)
        if prepared is None:
            return
        document = document_add(source=form.instance, prepared=prepared, user=request.user)
        if document.already_recorded:
            message = gettext("This source already has that file, as “%(name)s”; nothing was added.")
        else:
            message = gettext("The document “%(name)s” was stored and its text extracted.")
        self.message_user(request, message % {"name": document.original_name}, messages.INFO)

    def get_search_results(self, request, queryset, search_term):
        # A source is also found by a phrase in its documents' text (the one search of sources.search).
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            hits = document_hit_ids(search_term, request.user)
            by_text = Document.objects.filter(pk__in=hits).values("source_id")
            queryset = queryset | self.get_queryset(request).filter(pk__in=by_text)
        return queryset, may_have_duplicates

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        # Only the citations the user may see are counted. An annotation drops Meta.ordering; keep pages
        # (and autocomplete) in a stable order.
        citations = visible_count(Citation.objects.all(), request.user, outer="source")
        return super().get_queryset(request).annotate(citation_count=citations).order_by("title", "id")

    @admin.display(description=_("Citations"), ordering="citation_count")
    def citation_count(self, source):
        return source.citation_count


class VerifiedFilter(admin.SimpleListFilter):
    title = _("verified against the source's documents")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [
            ("yes", _("Found in a document")),
            ("no", _("Not found (unverified)")),
            ("unchecked", _("No document text to check")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "yes":
            return queryset.filter(verified=True)
        if value == "no":
            return queryset.filter(verified=False)
        if value == "unchecked":
            return queryset.filter(verified__isnull=True)
        return queryset


@admin.register(Citation)
class CitationAdmin(RecordAdmin):
    list_display = ["source", "content_type", "cited_record", "excerpt", "verified"]
    list_select_related = ["source", "content_type"]
    list_filter = [VerifiedFilter, "content_type", "source"]
    readonly_fields = ["verified", "verified_document"]
    search_fields = ["excerpt", "source__title"]
    autocomplete_fields = ["source"]

    def get_queryset(self, request):
        # One query per kind of cited record, joining what its label reads (sources.citable): not one per row.
        return super().get_queryset(request).prefetch_related(targets_prefetch())

    @admin.display(description=_("Record"))
    def cited_record(self, citation):
        # A citation is listed only when the user may see the record it cites (casetracker.visibility).
        return citation.content_object or _("(deleted record)")


@admin.register(Document)
class DocumentAdmin(RecordAdmin):
    """Stored files: read-only (added on the source's page), downloaded through :meth:`download_view`."""

    list_display = ["original_name", "source", "media_type", "file_size", "created", "file_link"]
    list_select_related = ["source"]
    list_filter = ["media_type"]
    search_fields = ["original_name", "sha256", "source__title"]
    fields = [
        "source",
        "file_link",
        "original_name",
        "media_type",
        "file_size",
        "sha256",
        "added_by",
        "created",
        "extraction_note",
        "text",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("text")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            hits = document_hit_ids(search_term, request.user)
            queryset = queryset | self.get_queryset(request).filter(pk__in=hits)
        return queryset, may_have_duplicates

    @admin.display(description=_("File"))
    def file_link(self, document):
        return download_link(document)

    @admin.display(description=_("Size"), ordering="size")
    def file_size(self, document):
        return filesizeformat(document.size)

    def get_urls(self):
        download = path(
            "<path:object_id>/download/",
            self.admin_site.admin_view(self.download_view),
            name="sources_document_download",
        )
        return [download, *super().get_urls()]

    def download_view(self, request, object_id):
        """The file, if the user may see the document (its source's visibility); a 404 otherwise."""
        from .api.views import document_file_response

        if not (object_id.isascii() and object_id.isdigit() and len(object_id) < 19) or not self.has_view_permission(
            request
        ):
            raise Http404(gettext("No such document."))
        document = self.get_queryset(request).filter(pk=int(object_id)).first()
        if document is None:
            raise Http404(gettext("No such document, or not one you may see."))
        return document_file_response(document)
