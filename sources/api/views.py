"""Sources and citations."""

from django.contrib.contenttypes.prefetch import GenericPrefetch

from casetracker.api.views import RecordViewSet

from ..citable import citables
from ..filtersets import CitationFilterSet, SourceFilterSet
from ..models import Citation, Source
from .serializers import CitationSerializer, SourceSerializer


class SourceViewSet(RecordViewSet):
    queryset = Source.objects.all()
    serializer_class = SourceSerializer
    filterset_class = SourceFilterSet


class CitationViewSet(RecordViewSet):
    queryset = Citation.objects.select_related("source", "content_type")
    serializer_class = CitationSerializer
    filterset_class = CitationFilterSet

    def shape_queryset(self, queryset):
        # One query per kind of cited record on the page, each joining what its label reads.
        targets = [citable.model.objects.select_related(*citable.joins) for citable in citables()]
        return queryset.prefetch_related(GenericPrefetch("content_object", targets))
