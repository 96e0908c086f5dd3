"""Persons, organizations and memberships."""

from casetracker.api.views import RecordViewSet
from people.filtersets import MembershipFilterSet, OrganizationFilterSet, PersonFilterSet, RecognitionFilterSet
from people.models import Membership, Organization, Person, Recognition
from people.selectors import membership_list, organization_list, person_list

from . import extensions
from .serializers import (
    MembershipSerializer,
    OrganizationDetailSerializer,
    OrganizationSerializer,
    PersonDetailSerializer,
    PersonSerializer,
    RecognitionSerializer,
)


class PersonViewSet(RecordViewSet):
    queryset = Person.objects.all()
    serializer_class = PersonSerializer
    detail_serializer_class = PersonDetailSerializer
    filterset_class = PersonFilterSet

    def base_queryset(self):
        return person_list(user=self.request.user)

    def shape_detail_queryset(self, queryset):
        return queryset.prefetch_related(
            "memberships__organization",
            "recognitions__organization",
            "recognitions__source",
            *extensions.detail_prefetches(extensions.PERSON, self),
        )


class OrganizationViewSet(RecordViewSet):
    queryset = Organization.objects.all()
    serializer_class = OrganizationSerializer
    detail_serializer_class = OrganizationDetailSerializer
    filterset_class = OrganizationFilterSet

    def base_queryset(self):
        return organization_list(user=self.request.user)

    def shape_detail_queryset(self, queryset):
        return queryset.prefetch_related(
            self.visible_prefetch(
                "memberships", Membership.objects.select_related("person"), to_attr="visible_memberships"
            ),
            *extensions.detail_prefetches(extensions.ORGANIZATION, self),
        )


class MembershipViewSet(RecordViewSet):
    queryset = Membership.objects.all()
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilterSet

    def base_queryset(self):
        return membership_list(user=self.request.user)


class RecognitionViewSet(RecordViewSet):
    queryset = Recognition.objects.select_related("person", "organization", "source", "withdrawal_source")
    serializer_class = RecognitionSerializer
    filterset_class = RecognitionFilterSet
