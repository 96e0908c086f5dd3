"""Filters for the ``sources`` API lists (restricted to what the user may see, like every filterset)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casetracker.api.filters import (
    ApproximateDateFromFilter,
    ApproximateDateToFilter,
    ChoicesFilter,
    ConfidentialityFilter,
    IdFilter,
    VisibilityFilterSet,
    ordering_by,
    text_filter,
)
from casetracker.visibility import content_type_id

from .choices import SourceKind
from .citable import CITABLE_NAMES, citable_named
from .models import Citation, Source


class SourceFilterSet(VisibilityFilterSet):
    """Sources by kind, language, publication date and text."""

    q = text_filter("Title, publisher or author contains this text.", method="filter_q")
    kind = ChoicesFilter(choices=SourceKind.choices, help_text=_("Document kind; repeatable."))
    language = text_filter(_("Language of the document, e.g. en, ru."), field_name="language")
    published_after = ApproximateDateFromFilter(
        field_name="published", help_text=_("Published on or after this date (any precision).")
    )
    published_before = ApproximateDateToFilter(
        field_name="published", help_text=_("Published on or before this date (any precision).")
    )
    confidentiality = ConfidentialityFilter()
    ordering = ordering_by(("title", "title"), ("published", "published"), ("id", "id"))

    class Meta:
        model = Source
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(publisher__icontains=value) | Q(author__icontains=value))


class CitationFilterSet(VisibilityFilterSet):
    """Citations by source and by the record they support."""

    source = IdFilter(field_name="source_id", help_text=_("Citations of this source (source id)."))
    target_type = django_filters.ChoiceFilter(
        choices=[(name, name) for name in CITABLE_NAMES],
        method="filter_target_type",
        help_text=_("Citations supporting this kind of record."),
    )
    target_id = IdFilter(
        field_name="object_id", model=None, help_text=_("Citations supporting the record with this id.")
    )
    ordering = ordering_by(("id", "id"), ("created", "created"))

    class Meta:
        model = Citation
        fields = []

    def filter_target_type(self, queryset, name, value):
        return queryset.filter(content_type_id=content_type_id(citable_named(value).model))
