"""What a person's and an organization's API pages show of cases and events, added by ``cases``.

``people`` imports nothing from ``cases``; it exposes a hook (:mod:`people.api.extensions`)
and :func:`register` (called from ``CasesConfig.ready``) fills it: the ``defendants`` and
``events`` of a person's detail, the ``cases`` and ``events`` of an organization's, what
they prefetch (only what the user may see), and the ``case``/``event`` filters of the
person list.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from rest_framework import serializers

from casetracker.api.fields import ApproximateDateField, BriefRelatedField
from casetracker.api.filters import ChoicesFilter, IdFilter
from casetracker.api.serializers import SelfUrlField
from people.api import extensions
from people.filtersets import PersonFilterSet

from ..choices import DefendantStatus, TreatmentConcern
from ..filtersets import in_region
from ..models import Allegation, Case, Defendant, Event


class PersonDefendantSerializer(serializers.Serializer):
    """A case the person is prosecuted in, with where they stand in it."""

    id = serializers.IntegerField(read_only=True)
    url = SelfUrlField("api:defendant-detail")
    case = BriefRelatedField(read_only=True, view_name="api:case-detail")
    status = serializers.ChoiceField(
        choices=DefendantStatus.choices, read_only=True, help_text=_("Current status in this case.")
    )
    status_date = ApproximateDateField(
        read_only=True, allow_null=True, help_text=_("When the current status took effect; null when not known.")
    )
    status_as_of = ApproximateDateField(
        read_only=True, allow_null=True, help_text=_("The date the current status is known as of (the report's date).")
    )
    status_display = serializers.CharField(
        read_only=True,
        help_text=_("The current status with its dates, e.g. 'Serving a prison sentence (as of 2012-12)'."),
    )
    current_facility = BriefRelatedField(
        read_only=True,
        allow_null=True,
        view_name="api:facility-detail",
        help_text=_("Where the person is held now in this case (from the custody history); null when not known."),
    )
    custody_display = serializers.CharField(
        read_only=True, help_text=_("The current place of detention with its dates, e.g. 'Colony 157 since 2013-02'.")
    )


class _PersonIdFilter(IdFilter):
    """An id filter whose query ``query(filterset, queryset, value)`` is given by the app that adds it."""

    def __init__(self, *args, query, **kwargs):
        self.query = query
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return self.query(self.parent, qs, value)


# Subqueries rather than joins on to-many relations: no duplicate rows, no DISTINCT.
def _persons_in_case(filterset, queryset, value):
    defendants = filterset.visible(Defendant.objects.filter(case_id=value))
    return queryset.filter(pk__in=defendants.values("person_id"))


def _persons_held_at(filterset, queryset, value):
    defendants = filterset.visible(Defendant.objects.filter(current_facility_id=value))
    return queryset.filter(pk__in=defendants.values("person_id"))


def _persons_held_in_region(filterset, queryset, value):
    defendants = filterset.visible(Defendant.objects.filter(in_region("current_facility__", value)))
    return queryset.filter(pk__in=defendants.values("person_id"))


class _PersonChoicesFilter(ChoicesFilter):
    """A choices filter whose query ``query(filterset, queryset, values)`` is given by the app that adds it."""

    def __init__(self, *args, query, **kwargs):
        self.query = query
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return self.query(self.parent, qs, value)


def _persons_with_concern(filterset, queryset, values):
    concerns = filterset.visible(Allegation.objects.filter(concern__in=values))
    return queryset.filter(pk__in=concerns.values("concerns_person_id"))


def _persons_in_event(filterset, queryset, value):
    return queryset.filter(pk__in=Event.persons.through.objects.filter(event_id=value).values("person_id"))


def _events_field():
    return BriefRelatedField(many=True, read_only=True, view_name="api:event-detail")


def register():
    """Fill the people API's hook (``people.api.extensions``); called once, from ``CasesConfig.ready``."""
    defendants = Defendant.objects.select_related("case", "current_facility").order_by("case__title", "id")
    extensions.add_detail_field(
        extensions.PERSON,
        "defendants",
        lambda: PersonDefendantSerializer(
            many=True,
            read_only=True,
            source="visible_defendants",
            help_text=gettext("Cases the person is prosecuted in."),
        ),
        prefetch=lambda view: view.visible_prefetch("defendants", defendants, to_attr="visible_defendants"),
    )
    extensions.add_detail_field(extensions.PERSON, "events", _events_field, prefetch=lambda view: "events")
    from .serializers import TreatmentConcernSerializer

    concerns = Allegation.objects.select_related("alleged_by_person", "alleged_by_organization", "source").order_by(
        "concern_date", "id"
    )
    extensions.add_detail_field(
        extensions.PERSON,
        "treatment_concerns",
        lambda: TreatmentConcernSerializer(
            many=True,
            read_only=True,
            source="visible_treatment_concerns",
            help_text=_("Concerns about the person's treatment in custody, each attributed to whoever reports it."),
        ),
        prefetch=lambda view: view.visible_prefetch(
            "treatment_concerns", concerns, to_attr="visible_treatment_concerns"
        ),
    )
    extensions.add_detail_field(
        extensions.ORGANIZATION,
        "cases",
        lambda: BriefRelatedField(
            many=True,
            read_only=True,
            source="visible_cases",
            view_name="api:case-detail",
            help_text=gettext("Cases targeting the organization (e.g. media outlets closed)."),
        ),
        prefetch=lambda view: view.visible_prefetch("cases", Case.objects.all(), to_attr="visible_cases"),
    )
    extensions.add_detail_field(extensions.ORGANIZATION, "events", _events_field, prefetch=lambda view: "events")
    extensions.add_filter(
        PersonFilterSet,
        "case",
        _PersonIdFilter(
            query=_persons_in_case, model="cases.Case", help_text=gettext("Persons prosecuted in this case (case id).")
        ),
    )
    extensions.add_filter(
        PersonFilterSet,
        "facility",
        _PersonIdFilter(
            query=_persons_held_at,
            model="cases.Facility",
            help_text=_("Persons held at this facility now (facility id)."),
        ),
    )
    extensions.add_filter(
        PersonFilterSet,
        "region",
        _PersonIdFilter(
            query=_persons_held_in_region,
            model="cases.Place",
            help_text=_("Persons held now at a facility in this place or region (place id)."),
        ),
    )
    extensions.add_filter(
        PersonFilterSet,
        "concern",
        _PersonChoicesFilter(
            query=_persons_with_concern,
            choices=TreatmentConcern.choices,
            help_text=_("Persons about whom a treatment concern of this kind is recorded (health, …); repeatable."),
        ),
    )
    extensions.add_filter(
        PersonFilterSet,
        "event",
        _PersonIdFilter(
            query=_persons_in_event,
            model="cases.Event",
            help_text=gettext("Persons involved in this event (event id)."),
        ),
    )
