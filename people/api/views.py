"""Persons, organizations and memberships."""

from django.apps import apps

from casetracker.api.views import RecordViewSet
from people.filtersets import MembershipFilterSet, OrganizationFilterSet, PersonFilterSet
from people.models import Membership, Organization, Person
from people.selectors import membership_list, organization_list, person_list

from .serializers import (
    MembershipSerializer,
    OrganizationDetailSerializer,
    OrganizationSerializer,
    PersonDetailSerializer,
    PersonSerializer,
)


class PersonViewSet(RecordViewSet):
    queryset = Person.objects.all()
    serializer_class = PersonSerializer
    detail_serializer_class = PersonDetailSerializer
    filterset_class = PersonFilterSet

    def base_queryset(self):
        return person_list(user=self.request.user)

    def shape_detail_queryset(self, queryset):
        defendants = apps.get_model("cases", "Defendant").objects.select_related("case").order_by("case__title", "id")
        return queryset.prefetch_related(
            "memberships__organization",
            "events",
            self.visible_prefetch("defendants", defendants, to_attr="visible_defendants"),
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
            "events",
            self.visible_prefetch(
                "memberships", Membership.objects.select_related("person"), to_attr="visible_memberships"
            ),
            self.visible_prefetch("cases", apps.get_model("cases", "Case").objects.all(), to_attr="visible_cases"),
        )


class MembershipViewSet(RecordViewSet):
    queryset = Membership.objects.all()
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilterSet

    def base_queryset(self):
        return membership_list(user=self.request.user)
