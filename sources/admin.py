"""Staff back office for sources and citations, and the citation inline every citable record's page shows.

Built on :mod:`casetracker.admin`, like every admin: what a user may not see
(a confidential source, a citation of a hidden record) is never shown. The
admin pages moved with the models from ``/admin/cases/source/`` to
``/admin/sources/source/``; the old addresses redirect (``casetracker.urls``).
"""

from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from casetracker.admin import RecordAdmin, RestrictedGenericTabularInline
from casetracker.visibility import visible_count

from .models import Citation, Source

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


@admin.register(Source)
class SourceAdmin(RecordAdmin):
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
    ]

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


@admin.register(Citation)
class CitationAdmin(RecordAdmin):
    list_display = ["source", "content_type", "cited_record", "excerpt"]
    list_select_related = ["source", "content_type"]
    list_filter = ["content_type", "source"]
    search_fields = ["excerpt", "source__title"]
    autocomplete_fields = ["source"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("content_object")

    @admin.display(description=_("Record"))
    def cited_record(self, citation):
        # A citation is listed only when the user may see the record it cites (casetracker.visibility).
        return citation.content_object or _("(deleted record)")
