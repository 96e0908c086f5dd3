"""Filters for the ``people`` API lists."""

import django_filters
from django.utils.translation import gettext_lazy as _

from casetracker.api.filters import (
    ChoicesFilter,
    ConfidentialityFilter,
    CountryFilter,
    IdFilter,
    SearchFilter,
    StableOrderingFilter,
    VisibilityFilterSet,
)
from casetracker.visibility import restrict

from .choices import OrganizationKind, PersonKind
from .models import Membership, Organization, Person


class PersonFilterSet(VisibilityFilterSet):
    """Persons by name (any variant), kind and organization; ``cases`` adds case and event (``cases/api/people.py``)."""

    q = SearchFilter(
        field_name="search_text",
        help_text=_("Search the name and every recorded variant (any script, case-insensitive): 'kozlov', 'Козлов'."),
    )
    kind = ChoicesFilter(
        choices=PersonKind.choices, help_text=_("Individuals or groups; repeat the parameter for both.")
    )
    organization = IdFilter(
        method="filter_organization",
        model="people.Organization",
        help_text=_("Members of this organization (organization id)."),
    )
    confidentiality = ConfidentialityFilter()
    ordering = StableOrderingFilter(
        fields=(("name", "name"), ("created", "created"), ("updated", "updated"), ("id", "id")),
        help_text=_("Sort by these fields, comma-separated; prefix '-' for descending."),
    )

    class Meta:
        model = Person
        fields = []

    # Subqueries rather than joins on to-many relations: no duplicate rows, no DISTINCT.
    def filter_organization(self, queryset, name, value):
        return queryset.filter(pk__in=Membership.objects.filter(organization_id=value).values("person_id"))


class OrganizationFilterSet(VisibilityFilterSet):
    """Organizations by name (any variant), kind, country and member."""

    q = SearchFilter(
        field_name="search_text",
        help_text=_("Search the name and every recorded variant (any script, case-insensitive)."),
    )
    kind = ChoicesFilter(
        choices=OrganizationKind.choices, help_text=_("Organization kind; repeat the parameter for several.")
    )
    country = CountryFilter()
    person = IdFilter(
        method="filter_person", model="people.Person", help_text=_("Organizations this person belongs to (person id).")
    )
    ordering = StableOrderingFilter(
        fields=(("name", "name"), ("kind", "kind"), ("country", "country"), ("created", "created"), ("id", "id")),
        help_text=_("Sort by these fields, comma-separated; prefix '-' for descending."),
    )

    class Meta:
        model = Organization
        fields = []

    def filter_person(self, queryset, name, value):
        # Only through members the user may see: a hidden person's organizations stay hidden.
        members = restrict(Membership.objects.filter(person_id=value), self.user)
        return queryset.filter(pk__in=members.values("organization_id"))


class MembershipFilterSet(VisibilityFilterSet):
    """Memberships by person, organization and role."""

    person = IdFilter(field_name="person_id", help_text=_("Memberships of this person (person id)."))
    organization = IdFilter(
        field_name="organization_id", help_text=_("Members of this organization (organization id).")
    )
    role = django_filters.CharFilter(
        lookup_expr="icontains", max_length=200, help_text=_("Role contains this text (case-insensitive for ASCII).")
    )
    q = SearchFilter(
        field_name="person__search_text",
        help_text=_("Search the member's name and every recorded variant (any script, case-insensitive)."),
    )
    ordering = StableOrderingFilter(
        fields=(
            ("person__name", "person"),
            ("organization__name", "organization"),
            ("start", "start"),
            ("id", "id"),
        ),
        help_text=_("Sort by these fields, comma-separated; prefix '-' for descending."),
    )

    class Meta:
        model = Membership
        fields = []
