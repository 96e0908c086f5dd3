"""Places, events, cases, defendants, status changes, legal articles, charges, trials, sentences.

Each viewset states its query shape: what it joins for the briefs and labels
its serializer shows, and what it prefetches for nested lists. Prefetches of
persons, defendants and cases go through ``visible_prefetch`` so nested lists
never show a record the user may not see.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from casetracker.api.schema import ERROR_DESCRIPTIONS
from casetracker.api.serializers import ProblemSerializer, ValidationProblemSerializer
from casetracker.api.views import RecordViewSet, load_for_briefs, prefetch_briefs
from casetracker.deletion import record_delete
from casetracker.visibility import visible_count
from people.models import Person

from ..filtersets import (
    AllegationFilterSet,
    CaseFilterSet,
    ChargeFilterSet,
    CustodyStayFilterSet,
    DefendantFilterSet,
    EventFigureFilterSet,
    EventFilterSet,
    FacilityFilterSet,
    LegalArticleFilterSet,
    PlaceFilterSet,
    SentenceFilterSet,
    StatusChangeFilterSet,
    TrialFilterSet,
)
from ..models import (
    Allegation,
    Case,
    Charge,
    CustodyStay,
    Defendant,
    Event,
    EventFigure,
    Facility,
    LegalArticle,
    Place,
    Sentence,
    StatusChange,
    Trial,
    status_timeline,
)
from ..services import defendant_change_status, defendant_refresh_status
from .serializers import (
    AllegationSerializer,
    CaseDetailSerializer,
    CaseSerializer,
    ChargeSerializer,
    CustodyStaySerializer,
    DefendantDetailSerializer,
    DefendantSerializer,
    EventFigureSerializer,
    EventSerializer,
    FacilityDetailSerializer,
    FacilitySerializer,
    LegalArticleSerializer,
    NewStatusChangeSerializer,
    PlaceSerializer,
    SentenceSerializer,
    StatusChangeSerializer,
    TrialSerializer,
)


class PlaceViewSet(RecordViewSet):
    queryset = Place.objects.select_related("region").prefetch_related("names")
    serializer_class = PlaceSerializer
    filterset_class = PlaceFilterSet


class FacilityViewSet(RecordViewSet):
    """Places of detention; ``geojson/`` gives those with coordinates as a GeoJSON FeatureCollection for maps."""

    queryset = Facility.objects.select_related("place").prefetch_related("names")
    serializer_class = FacilitySerializer
    detail_serializer_class = FacilityDetailSerializer
    filterset_class = FacilityFilterSet

    def shape_detail_queryset(self, queryset):
        return queryset.prefetch_related(
            self.visible_prefetch(
                "current_defendants",
                Defendant.objects.select_related("person", "case").order_by("person__name", "id"),
                to_attr="visible_held",
            )
        )

    def allowed_query_parameters(self) -> set[str]:
        allowed = super().allowed_query_parameters()
        if self.action == "geojson":
            allowed |= set(self.filterset_class.base_filters)
        return allowed

    @extend_schema(
        summary="Facilities as GeoJSON",
        description=_(
            "The facilities matching the list's filters that have coordinates, as a GeoJSON (RFC 7946) "
            "FeatureCollection: one Point feature per facility, with its id, name, kind, place, how many "
            "defendants you may see are held there now, and its API address."
        ),
        responses={200: OpenApiResponse(description=_("A GeoJSON FeatureCollection."))},
    )
    @action(detail=False, methods=["get"], url_path="geojson")
    def geojson(self, request):
        queryset = self.filter_queryset(self.get_queryset()).filter(latitude__isnull=False, longitude__isnull=False)
        queryset = queryset.annotate(
            held_now=visible_count(Defendant.objects.all(), request.user, outer="current_facility")
        )
        features = [
            {
                "type": "Feature",
                "id": facility.pk,
                # GeoJSON orders a position longitude first.
                "geometry": {"type": "Point", "coordinates": [float(facility.longitude), float(facility.latitude)]},
                "properties": {
                    "name": facility.name,
                    "kind": facility.kind,
                    "kind_display": str(facility.get_kind_display()),
                    "place": str(facility.place) if facility.place_id else None,
                    "held_now": facility.held_now,
                    "url": request.build_absolute_uri(f"/api/v1/facilities/{facility.pk}/"),
                },
            }
            for facility in queryset
        ]
        return Response({"type": "FeatureCollection", "features": features})


class CustodyStayViewSet(RecordViewSet):
    """A dated, sourced stay of a defendant in a facility. Saving or deleting one re-derives the defendant's
    current place of detention."""

    queryset = CustodyStay.objects.select_related("defendant__person", "defendant__case", "facility", "source")
    serializer_class = CustodyStaySerializer
    filterset_class = CustodyStayFilterSet


class EventViewSet(RecordViewSet):
    queryset = Event.objects.select_related("place").prefetch_related(
        "organizations", "figures__source", "allegations__alleged_by_person", "allegations__alleged_by_organization"
    )
    serializer_class = EventSerializer
    filterset_class = EventFilterSet

    def shape_queryset(self, queryset):
        return queryset.prefetch_related(self.visible_prefetch("persons", Person.objects.all()))


class EventFigureViewSet(RecordViewSet):
    queryset = EventFigure.objects.select_related("event", "source")
    serializer_class = EventFigureSerializer
    filterset_class = EventFigureFilterSet


class AllegationViewSet(RecordViewSet):
    queryset = Allegation.objects.select_related(
        "alleged_by_person",
        "alleged_by_organization",
        "against_person",
        "against_organization",
        "event",
        "source",
        "response_source",
    )
    serializer_class = AllegationSerializer
    filterset_class = AllegationFilterSet


class CaseViewSet(RecordViewSet):
    queryset = Case.objects.all()
    serializer_class = CaseSerializer
    detail_serializer_class = CaseDetailSerializer
    filterset_class = CaseFilterSet

    def shape_queryset(self, queryset):
        # Events and organizations are shown as briefs: only their labels' columns.
        queryset = queryset.prefetch_related(*prefetch_briefs(Case, "events", "organizations"))
        # A correlated subquery, not a join with GROUP BY: the page query stays a plain scan.
        return queryset.annotate(
            defendant_count=visible_count(Defendant.objects.all(), self.request.user, outer="case")
        )

    def shape_detail_queryset(self, queryset):
        return queryset.prefetch_related(
            self.visible_prefetch(
                "defendants",
                Defendant.objects.select_related("person").order_by("person__name", "id"),
                to_attr="visible_defendants",
            ),
            "trials__court",
            "trials__place",
        )


class DefendantViewSet(RecordViewSet):
    queryset = Defendant.objects.select_related("person", "case", "current_facility")
    serializer_class = DefendantSerializer
    detail_serializer_class = DefendantDetailSerializer
    filterset_class = DefendantFilterSet

    def shape_list_queryset(self, queryset):
        return load_for_briefs(queryset, "person", "case", "current_facility")

    def shape_detail_queryset(self, queryset):
        return queryset.prefetch_related(
            "charges__article",
            "case__trials__court",
            "case__trials__place",
            "sentences__trial__case",
            "status_changes__source",
            "custody_stays__facility",
            "custody_stays__source",
            self.visible_prefetch(
                "person__treatment_concerns",
                Allegation.objects.select_related("alleged_by_person", "alleged_by_organization", "source").order_by(
                    "concern_date", "id"
                ),
            ),
        )

    @extend_schema(
        methods=["GET"],
        summary="A defendant's status history",
        responses={200: StatusChangeSerializer(many=True)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Record a status change",
        description=(
            gettext(
                "Records a dated, sourced status change and makes it the defendant's current status if it is the "
                "latest by date (a back-filled older change does not overwrite a newer status). Needs the "
                "cases.add_statuschange permission. This is the only way to change a defendant's status."
            )
        ),
        request=NewStatusChangeSerializer,
        responses={
            201: StatusChangeSerializer,
            400: OpenApiResponse(ValidationProblemSerializer, description=ERROR_DESCRIPTIONS["400"]),
            401: OpenApiResponse(ProblemSerializer, description=ERROR_DESCRIPTIONS["401"]),
            403: OpenApiResponse(ProblemSerializer, description=ERROR_DESCRIPTIONS["403"]),
            404: OpenApiResponse(ProblemSerializer, description=ERROR_DESCRIPTIONS["404"]),
            429: OpenApiResponse(ProblemSerializer, description=ERROR_DESCRIPTIONS["429"]),
        },
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="status-changes",
        permission_model=StatusChange,
        filterset_class=None,
        pagination_class=None,
    )
    def status_changes(self, request, pk=None):
        defendant = self.get_object()
        if request.method == "GET":
            changes = (
                StatusChange.objects.restrict(request.user)
                .filter(defendant=defendant)
                .select_related("defendant__person", "defendant__case", "source")
                .order_by(status_timeline(), "created", "id")
            )
            serializer = StatusChangeSerializer(changes, many=True, context=self.get_serializer_context())
            return Response(serializer.data)
        serializer = NewStatusChangeSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        change = defendant_change_status(defendant=defendant, user=request.user, **serializer.validated_data)
        code = status.HTTP_200_OK if change.already_recorded else status.HTTP_201_CREATED
        change = StatusChange.objects.select_related("defendant__person", "defendant__case", "source").get(pk=change.pk)
        data = StatusChangeSerializer(change, context=self.get_serializer_context()).data
        return Response(data, status=code, headers={"Location": data["url"]})

    def get_serializer_class(self):
        if self.action == "status_changes":
            return NewStatusChangeSerializer if self.request.method == "POST" else StatusChangeSerializer
        return super().get_serializer_class()


class StatusChangeViewSet(RecordViewSet):
    """A dated, sourced change of a defendant's status: the history behind the defendant's current status.

    Recorded changes are history and are not edited (as in the admin): record a correction as a new
    change. Creating one goes through the status service; deleting one recomputes the defendant's status.
    """

    http_method_names = ["get", "post", "delete", "head", "options"]
    queryset = StatusChange.objects.select_related("defendant__person", "defendant__case", "source")
    serializer_class = StatusChangeSerializer
    filterset_class = StatusChangeFilterSet

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = defendant_change_status(user=self.request.user, **data)

    def perform_destroy(self, instance):
        defendant = instance.defendant
        record_delete(instance=instance, user=self.request.user, cascade=self.cascade_requested())
        defendant_refresh_status(defendant=defendant, user=self.request.user)


class LegalArticleViewSet(RecordViewSet):
    queryset = LegalArticle.objects.all()
    serializer_class = LegalArticleSerializer
    filterset_class = LegalArticleFilterSet


class ChargeViewSet(RecordViewSet):
    queryset = Charge.objects.select_related("defendant__person", "defendant__case", "article")
    serializer_class = ChargeSerializer
    filterset_class = ChargeFilterSet


class TrialViewSet(RecordViewSet):
    queryset = Trial.objects.select_related("case", "court", "place")
    serializer_class = TrialSerializer
    filterset_class = TrialFilterSet


class SentenceViewSet(RecordViewSet):
    queryset = Sentence.objects.select_related("defendant__person", "defendant__case", "trial__case")
    serializer_class = SentenceSerializer
    filterset_class = SentenceFilterSet

    def shape_list_queryset(self, queryset):
        return load_for_briefs(queryset, "defendant", "defendant__person", "defendant__case", "trial", "trial__case")
